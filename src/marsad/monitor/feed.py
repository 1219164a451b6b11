"""A monitor's alerts as an Atom 1.0 feed (RFC 4287), so any feed reader can subscribe to it.

Built with ElementTree, which escapes markup characters; characters XML 1.0 cannot carry at all (most C0 control
characters, which scraped titles do contain) are dropped first, so the document always parses; so are bidi
overrides, which would reverse the rest of a line in a reader. Each entry's
content is a small HTML list of the alert's articles, itself escaped (Atom ``type="html"``); only http(s)
addresses become links.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime

from marsad.ingest.fetch import is_http_url
from marsad.monitor.payload import AlertRecord, alert_records
from marsad.monitor.saved import describe, load_monitor
from marsad.store import Store
from marsad.store import monitors as saved
from marsad.text.bidi import plain_text

ATOM = "http://www.w3.org/2005/Atom"
# Entries per feed: readers poll the newest; the Alerts page and `monitors run` hold the rest.
MAX_ENTRIES = 100
# What XML 1.0 allows: tab, newline, carriage return, and U+0020 up (without surrogates and U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: object) -> str:
    """Untrusted text as XML can carry it, bidi overrides dropped (marsad.text.bidi) as everywhere it is shown."""
    return _NOT_XML.sub("", plain_text(value or ""))


def _stamp(value: datetime | str | None) -> str:
    """RFC 3339 in UTC, as Atom wants it (stored times are naive UTC)."""
    if value is None:
        return "1970-01-01T00:00:00Z"
    text = value if isinstance(value, str) else value.isoformat()
    return text.split("+")[0].removesuffix("Z") + "Z"


def _add(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def _content(record: AlertRecord) -> str:
    items = []
    for a in record["articles"]:
        title = html.escape(a["title"] or "(untitled)")
        if a["url"] and is_http_url(a["url"]):
            title = f'<a href="{html.escape(a["url"], quote=True)}">{title}</a>'
        meta = html.escape(", ".join(x for x in (a["source_name"] or a["source"], (a["published_at"] or "")[:10]) if x))
        items.append(f"<li>{title}" + (f" — {meta}" if meta else "") + "</li>")
    return f"<p>{html.escape(record['summary'])}</p>" + (f"<ul>{''.join(items)}</ul>" if items else "")


def atom_feed(store: Store, name: str) -> str:
    """Monitor ``name``'s newest alerts as an Atom document (``InvalidMonitor`` when there is no such monitor)."""
    monitor = load_monitor(store, name)
    records = alert_records(store, saved.list_alerts(store, monitor=monitor.name, limit=MAX_ENTRIES))
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    created = _stamp(monitor.created_at)
    # The monitor's creation time makes the id unique even when a removed monitor's name is used again.
    base_id = f"urn:marsad:monitor:{monitor.id}:{created}"
    _add(feed, "id", base_id)
    _add(feed, "title", f"Marsad monitor: {monitor.name}")
    _add(feed, "subtitle", f"Alerts for {describe(monitor.query)}")
    _add(feed, "updated", records[0]["fired_at"] and _stamp(records[0]["fired_at"]) if records else created)
    _add(_add(feed, "author"), "name", "Marsad")
    _add(feed, "generator", "Marsad")
    for r in records:
        entry = _add(feed, "entry")
        _add(entry, "id", f"{base_id}:alert:{r['id']}")
        _add(entry, "title", r["summary"])
        _add(entry, "updated", _stamp(r["fired_at"]))
        first = next((a["url"] for a in r["articles"] if a["url"] and is_http_url(a["url"])), None)
        if first:
            _add(entry, "link", rel="alternate", href=first)
        _add(entry, "category", term=r["rule"])
        _add(entry, "content", _content(r), type="html")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"

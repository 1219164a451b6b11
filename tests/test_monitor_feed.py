import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from monitor_store import DAY0, DAYS, add_day, build

from marsad.analytics import Query
from marsad.config import Settings
from marsad.errors import InvalidMonitor
from marsad.monitor import atom_feed, create_monitor, run_monitors

A = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'OPEC <script>alert(1)</script> & "oil"\x0b\x01\u202e'


@pytest.fixture
def store(tmp_path):
    return build(tmp_path / "m.duckdb")


def test_feed_is_valid_escaped_atom(store):
    create_monitor(store, "opec <&>", Query(entities=("org:opec",)))
    assert ET.fromstring(atom_feed(store, "opec <&>")).findall(f"{A}entry") == []
    later = DAY0 + timedelta(days=DAYS)
    add_day(store, later, 1, ["org:opec"], title=HOSTILE, url="javascript:alert(1)//{id}")
    add_day(store, later, 1, ["org:opec"], title="plain")
    run_monitors(store, settings=Settings(db_path=store.path))
    text = atom_feed(store, "opec <&>")
    assert text.startswith("<?xml") and "<script>" not in text and "\u202e" not in text
    feed = ET.fromstring(text)  # parses: control characters dropped, markup escaped
    assert feed.tag == f"{A}feed"
    assert feed.find(f"{A}title").text == "Marsad monitor: opec <&>"
    assert feed.find(f"{A}subtitle").text == "Alerts for ent=org:opec"
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{A}title").text == "opec <&>: 2 new articles"
    assert entry.find(f"{A}updated").text.endswith("Z") and entry.find(f"{A}id").text.startswith("urn:marsad:monitor:1:")
    assert entry.find(f"{A}category").get("term") == "articles"
    # the first article's javascript: address is no link; the second's https address is
    assert entry.find(f"{A}link").get("href").startswith("https://wire.example/")
    content = entry.find(f"{A}content")
    assert content.get("type") == "html"
    assert "OPEC &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;oil&quot;" in content.text
    assert "javascript:" not in content.text and '<a href="https://wire.example/' in content.text


def test_unknown_monitor(store):
    with pytest.raises(InvalidMonitor, match="no monitor named"):
        atom_feed(store, "nobody")

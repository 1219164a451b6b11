"""Saved monitors: a name, a :class:`Query` (kept in its URL form) and where to deliver its alerts.

A monitor watches what comes next, so its Query carries no date range: a view saved with dates loses them
(the dashboard's "Save this view as a monitor" takes every other filter of the URL). Creating a monitor sets
its baseline — every article that matches then, the entities already co-mentioned, the bursts already visible —
and only what comes after alerts. Editing a monitor's Query extends the baseline the same way, leaving out only
what the old Query would still have alerted on (docs/monitors.md, "Editing a monitor").
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote_plus

from marsad.analytics import Query, matching_ids, pinned
from marsad.errors import InvalidMonitor
from marsad.ingest.fetch import is_http_url
from marsad.monitor.rules import evaluate
from marsad.store import Store
from marsad.store import monitors as saved
from marsad.text.bidi import plain_text

LOGGER = logging.getLogger(__name__)

# Names show in lists, page titles and feed titles: a short line.
MAX_NAME_CHARS = 80
# An address as a person types it: something@domain.tld, no spaces or angle brackets (those make a header).
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


@dataclass(frozen=True)
class Monitor:
    name: str
    query: Query
    webhook: str | None = None
    email: str | None = None
    id: int = 0
    created_at: datetime | None = None


def _from_row(row: saved.MonitorRow) -> Monitor:
    return Monitor(name=row["name"], query=Query.from_url(row["query"]), webhook=row["webhook"], email=row["email"],
                   id=row["id"], created_at=row["created_at"])


def describe(query: Query) -> str:
    """The Query's URL form as a person reads it: "q=الحدود OR القائم&lang=ar" (unescaped; for display only)."""
    return unquote_plus(query.to_url())


def check_name(name: str) -> str:
    """``name`` stripped; ``InvalidMonitor`` when it is empty, too long or holds control characters."""
    name = (name or "").strip()
    if not name:
        raise InvalidMonitor("a monitor needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidMonitor(f"a monitor name has at most {MAX_NAME_CHARS} characters (this one has {len(name)})")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidMonitor("a monitor name is one line without control characters")
    if plain_text(name) != name:  # a bidi override would reverse whatever follows the name where it is shown
        raise InvalidMonitor("a monitor name may not hold bidi embedding or override characters (U+202A–U+202E)")
    return name


def watched(query: Query) -> Query:
    """The part of ``query`` a monitor keeps: everything but the date range. ``InvalidMonitor`` when nothing is
    left to narrow the store (a monitor of every article is not a monitor)."""
    kept = query.replace(start=None, end=None)
    if kept == Query() or kept == Query(include_duplicates=True):
        raise InvalidMonitor("a monitor needs something to watch: a search, an entity, a topic, a source or a language")
    return kept


def _check_delivery(webhook: str | None, email: str | None) -> tuple[str | None, str | None]:
    webhook = (webhook or "").strip() or None
    email = (email or "").strip() or None
    if webhook is not None and not is_http_url(webhook):
        raise InvalidMonitor(f"webhook “{webhook}” is not an http(s) URL")
    if email is not None and not _EMAIL.match(email):
        raise InvalidMonitor(f"“{email}” is not an e-mail address like analyst@example.org")
    return webhook, email


def create_monitor(store: Store, name: str, query: Query, *, webhook: str | None = None,
                   email: str | None = None) -> Monitor:
    """Save monitor ``name`` watching ``query`` (its date range dropped) from now on: what matches now is its
    baseline and never alerts. ``InvalidMonitor`` for a bad or taken name, an empty query, a bad webhook/address."""
    name = check_name(name)
    query = watched(query)
    webhook, email = _check_delivery(webhook, email)
    store.ensure_schema()
    if saved.get_monitor(store, name) is not None:  # before the baseline's work; add_monitor checks again
        raise InvalidMonitor(f"a monitor named “{name}” exists already (remove it first, or choose another name)")
    with pinned(store) as reader:  # one read-only connection for the baseline's queries
        base = evaluate(reader, query, seen_articles=set(), seen_keys={})
    row = saved.add_monitor(store, name=name, query=query.to_url(), webhook=webhook, email=email,
                            seen_articles=base.articles, seen_keys=base.keys)
    LOGGER.info("monitor %s saved; baseline %d articles", name, len(base.articles))
    return _from_row(row)


def edit_monitor(store: Store, name: str, query: Query, *, webhook: str | None = None,
                 email: str | None = None) -> Monitor:
    """Monitor ``name`` watching ``query`` (its date range dropped) and delivering to ``webhook``/``email`` (None:
    none) from now on; checked as :func:`create_monitor` checks.

    A new Query must not flood the inbox with old articles, nor lose an alert the old Query owed: what it matches
    now joins the baseline, as for a new monitor, except the articles the old Query matched and had not alerted on
    yet (stored since its last run) — those alert on the next run if the new Query matches them too. What the
    monitor has seen stays seen and its alerts stay. A change of delivery alone leaves the baseline as it was."""
    query = watched(query)
    webhook, email = _check_delivery(webhook, email)
    old = load_monitor(store, name)
    articles: list[int] = []
    keys: dict[str, list[str]] = {}
    if query != old.query:
        with pinned(store) as reader:  # one read-only connection for the baseline's queries
            seen = saved.seen_articles(reader, old.id)
            owed = {i for i in matching_ids(reader, old.query) if i not in seen}
            base = evaluate(reader, query, seen_articles=seen | owed, seen_keys=saved.seen_keys(reader, old.id))
        articles, keys = base.articles, base.keys
    row = saved.update_monitor(store, old.id, query=query.to_url(), webhook=webhook, email=email,
                               seen_articles=articles, seen_keys=keys)
    LOGGER.info("monitor %s edited; baseline grew by %d articles", name, len(articles))
    return _from_row(row)


def load_monitor(store: Store, name: str) -> Monitor:
    """The monitor ``name`` (its Query, webhook, address); ``InvalidMonitor`` when there is none."""
    row = saved.get_monitor(store, (name or "").strip())
    if row is None:
        raise InvalidMonitor(f"no monitor named “{name}” (see `marsad monitors list`)")
    return _from_row(row)


def list_monitors(store: Store) -> list[Monitor]:
    """Every monitor, by name."""
    return [_from_row(row) for row in saved.list_monitors(store)]


def remove_monitor(store: Store, name: str) -> None:
    """Delete monitor ``name`` with its alerts; ``InvalidMonitor`` when there is none."""
    store.ensure_schema()
    if not saved.remove_monitor(store, (name or "").strip()):
        raise InvalidMonitor(f"no monitor named “{name}” (see `marsad monitors list`)")

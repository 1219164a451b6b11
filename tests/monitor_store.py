"""A small hand-made store for the monitor tests: one article a day on OPEC for ``DAYS`` days (every one also
naming Iraq), then :func:`add_day` adds a later day's articles naming whichever entities a test wants."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pyarrow as pa

from marsad.store import Store

DAY0 = date(2020, 9, 1)
DAYS = 14
ENTITIES = {"org:opec": (1, "أوبك", "OPEC"), "loc:iraq": (2, "العراق", "Iraq"), "per:x": (3, None, "Person <X> & co")}


def build(path) -> Store:
    store = Store(path)
    store.ensure_schema()
    with store.write() as con:
        con.execute("INSERT INTO sources (id, key, name) VALUES (1, 'wire', 'Wire')")
        for key, (eid, ar, en) in ENTITIES.items():
            con.execute("INSERT INTO entities (id, key, type, name_ar, name_en) VALUES (?, ?, 'ORG', ?, ?)",
                        [eid, key, ar, en])
        for d in range(DAYS):
            _add(con, DAY0 + timedelta(days=d), 1, ["org:opec", "loc:iraq"], title="OPEC meets",
                 url="https://wire.example/{id}")
    return store


def add_day(store: Store, day: date, n: int, entities: list[str], *, title: str = "OPEC meets",
            url: str | None = "https://wire.example/{id}") -> list[int]:
    """``n`` articles published on ``day`` naming ``entities``; their ids."""
    with store.write() as con:
        return _add(con, day, n, entities, title=title, url=url)


def _add(con, day: date, n: int, entities: list[str], *, title: str, url: str | None) -> list[int]:
    first = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchall()[0][0])
    ids = list(range(first, first + n))
    con.register("_a", pa.table({
        "id": ids,
        "title": [f"{title} {i}" for i in ids],
        "url": [url.format(id=i) if url else None for i in ids],
        "published_at": [datetime.combine(day, datetime.min.time()) + timedelta(hours=9, minutes=k)
                         for k in range(n)],
    }))
    con.execute("INSERT INTO articles (id, source_id, title, url, body, language, published_at, ingested_at, "
                "content_hash) SELECT id, 1, title, url, title, 'en', published_at, now(), "
                "CAST(id AS VARCHAR) FROM _a")
    con.unregister("_a")
    for i in ids:
        for key in entities:
            con.execute("""INSERT INTO mentions (article_id, entity_id, start, "end", surface) VALUES (?, ?, 0, 4, 'OPEC')""",
                        [i, ENTITIES[key][0]])
    return ids

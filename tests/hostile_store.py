"""A tiny store built by hand in which every text field a page can show carries an XSS payload: article titles,
bodies, URLs, authors, categories and languages, outlet names and keys, entity keys and names (Arabic and English)
and aliases, place names, topic labels and terms, keywords. Used by the browser test (tests/test_browser_hostile.py)
and the AppTest checks (tests/test_ui_hostile.py).

Each payload in tests/fixtures/hostile/xss_payloads.txt would set ``window.__xss`` or call ``alert`` if it ever ran.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from marsad.store import Store

PAYLOADS_FILE = Path(__file__).resolve().parent / "fixtures" / "hostile" / "xss_payloads.txt"
PAYLOADS = [line for line in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines() if line]
TYPES = ("PER", "ORG", "LOC", "MISC")
N_TOPICS = 10
FIRST_DAY = datetime(2020, 9, 1, 8, 0)
DAYS = 30  # a month of dates: time charts, a spike baseline and the map's time slider all have something to show
LEAD = "أعلنت الحكومة العراقية فتح منفذ القائم الحدودي مع سوريا."


def entity_key(i: int) -> str:
    """Payload ``i``'s entity key (keys travel in URLs and links too)."""
    return f"{TYPES[i % len(TYPES)].lower()}:{PAYLOADS[i]}"


def article_id(i: int) -> int:
    return 1000 + i


def build_hostile_store(path: Path) -> Store:
    """Payload ``i`` is the title, body, outlet, entity, place (every LOC entity), keyword and (for the first
    ten) topic of article ``article_id(i)``; each article also mentions the next payload's entity."""
    store = Store(path)
    store.ensure_schema()
    n = len(PAYLOADS)
    with store.write() as con:
        for i, p in enumerate(PAYLOADS):
            con.execute("INSERT INTO sources (id, key, name, domain) VALUES (?, ?, ?, ?)", [i + 1, f"{p} {i}", p, p])
            ar, en = f"{p} عربي", p
            con.execute("INSERT INTO entities (id, key, type, name_ar, name_en) VALUES (?, ?, ?, ?, ?)",
                        [i + 1, entity_key(i), TYPES[i % len(TYPES)], ar, en])
            con.execute("INSERT INTO entity_aliases VALUES (?, ?, ?, 'ar')", [i + 1, ar, ar.lower()])
            if TYPES[i % len(TYPES)] == "LOC":
                con.execute("INSERT INTO places (entity_id, name, country, lat, lon, kind) VALUES (?, ?, 'IQ', ?, ?, 'city')",
                            [i + 1, p, 30.0 + i % 7, 40.0 + i % 9])
        for t in range(N_TOPICS):
            con.execute("INSERT INTO topics (id, label, terms, language, model_version) VALUES (?, ?, ?, 'ar', 1)",
                        [t + 1, PAYLOADS[t], [PAYLOADS[t], PAYLOADS[-1 - t]]])
        for i, p in enumerate(PAYLOADS):
            other = PAYLOADS[(i + 1) % n]
            title = f"{p} عنوان {i}"
            body = f"{LEAD} {p}\n\n{ar_name(i)} و{ar_name((i + 1) % n)} {other}"
            language = p if i % 13 == 0 else ("ar" if i % 2 else "en")
            con.execute(
                "INSERT INTO articles (id, source_id, title, body, language, published_at, ingested_at, content_hash, "
                "url, author, category) VALUES (?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?)",
                [article_id(i), i + 1, title, body, language, FIRST_DAY + timedelta(days=i % DAYS, hours=i % 5),
                 f"hostile-{i}", p if i % 2 else f"https://example.org/news?q={p}", p, p],
            )
            full = f"{title}\n\n{body}"
            for j in (i, (i + 1) % n):
                surface = ar_name(j)
                start = full.index(surface)
                con.execute('INSERT INTO mentions (article_id, entity_id, start, "end", surface) VALUES (?, ?, ?, ?, ?)',
                            [article_id(i), j + 1, start, start + len(surface), surface])
            con.execute("INSERT INTO article_topics VALUES (?, ?, 1.0)", [article_id(i), i % N_TOPICS + 1])
            con.execute("INSERT INTO keywords VALUES (?, ?, 0.5)", [article_id(i), p])
    from marsad.store.search import rebuild

    rebuild(store)
    return store


def ar_name(i: int) -> str:
    return f"{PAYLOADS[i]} عربي"

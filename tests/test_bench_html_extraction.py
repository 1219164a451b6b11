"""bench/html_extraction.py: per-page scores (title, date, body token-F1) and the Marsad-vs-trafilatura losses."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import html_extraction as bench  # noqa: E402

GOLD = {"file": "p.html", "set": "fixtures", "title": "Budget passes", "date": "2020-02-24",
        "with": ["the council voted on the budget on monday"], "without": ["subscribe to our newsletter today"]}


@pytest.mark.parametrize(
    ("body", "counts"),
    [
        ("The council voted on the budget on Monday.", (8, 0, 0)),
        ("The council voted on the budget on Monday. Subscribe to our newsletter today!", (8, 0, 5)),
        # a snippet cut by a stray line: 4 of its 6 trigrams survive, so 2/3 of its 8 tokens are found
        ("The council voted on the budget\n\nAD\n\non Monday.", (5, 3, 0)),
        ("Nothing of it.", (0, 8, 0)),
    ],
)
def test_body_counts_on_snippets(body: str, counts: tuple[int, int, int]) -> None:
    assert bench.body_counts(body, GOLD) == counts


def test_body_counts_on_a_full_gold_body() -> None:
    gold = {**GOLD, "body": "قال الوزير إن الميزانية أقرت\n\nوقال النواب"}
    assert bench.body_counts("قال الوزير إن الميزانية أقرت اليوم", gold) == (5, 2, 1)


def test_score_page_and_losses() -> None:
    mine = bench.Result("Budget passes", "2020-02-25", "The council voted on the budget on Monday.")
    theirs = bench.Result("Budget passes | Site", "2020-02-24", "The council voted on the budget on Monday.")
    ours, base = bench.score_page(GOLD, mine), bench.score_page(GOLD, theirs)
    assert (ours["title"], ours["lenient"], ours["date"], ours["f1"]) == (1.0, 1.0, 0.0, 1.0)
    assert (base["title"], base["lenient"], base["date"]) == (0.0, 1.0, 1.0)
    lines = bench.losses([(GOLD, "")], ([ours], [mine]), ([base], [theirs]))
    assert lines[0] == "== p.html [fixtures] date: marsad 0.00 < trafilatura 1.00" and len(lines) == 4

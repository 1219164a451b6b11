"""What Spark's Python workers run, called directly on pandas batches (no Spark): reading with the readers and
prepare(), near-duplicate verification with dedup's test, the enrichment payload."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import write_parquet

from marsad.config import Settings
from marsad.ingest.dedup import MinHasher, content_hash, normalized_text
from marsad.lake.export import term_rows
from marsad.lake.layout import schema
from marsad.models import Article
from marsad.nlp.topics import MAX_CHARS
from marsad.spark.tasks import payload, read_files, term_frames, topic_text, verify_pairs

BODY = ("The central bank raised its main interest rate by half a point on Tuesday, citing inflation that has "
        "stayed above its target for a year, and said further increases were likely before the summer.")


def test_read_files(tmp_path):
    good = tmp_path / "a.jsonl"
    good.write_text(json.dumps({"title": "Rates up", "body": BODY, "date": "2020-09-25"}) + "\n"
                    + json.dumps({"title": "Empty", "body": ""}) + "\n", encoding="utf-8")
    missing = tmp_path / "gone.jsonl"
    batch = pd.DataFrame({"file_idx": [0, 1], "path": [str(good), str(missing)], "row_groups": [None, None],
                          "first_rec": [0, 0]})
    (frame,) = list(read_files(iter([batch]), settings=Settings.load()))
    article = frame[frame["reject"].isna()]
    assert len(article) == 1 and article["rec_idx"].tolist() == [0]
    row = article.iloc[0]
    assert row["content_hash"] == content_hash("Rates up", BODY) and row["language"] == "en"
    assert row["published_at"] == pd.Timestamp("2020-09-25")
    assert np.array_equal(np.asarray(row["shingles"], dtype=np.int64).view(np.uint64),
                          MinHasher().shingles(normalized_text("Rates up", BODY), normalized=True))
    rejects = frame[frame["reject"].notna()]
    assert len(rejects) == 2 and any("gone.jsonl" in r for r in rejects["reject"])


def test_read_files_reads_a_share_of_a_parquet_files_row_groups(tmp_path):
    """A task given row groups 2 and 3 of five reads those rows only, numbered as in the whole file."""
    records = [{"title": f"Rates up {n}", "body": f"{BODY} Story {n}."} for n in range(10)]
    path = write_parquet(records, tmp_path / "x.parquet", row_group_size=2)
    batch = pd.DataFrame({"file_idx": [3], "path": [str(path)], "row_groups": [np.array([2, 3])], "first_rec": [4]})
    (frame,) = list(read_files(iter([batch]), settings=Settings.load()))
    assert frame["rec_idx"].tolist() == [4, 5, 6, 7] and frame["file_idx"].tolist() == [3] * 4
    assert frame["origin"].tolist() == [f"{path}#{n}" for n in (5, 6, 7, 8)]
    assert frame["title"].tolist() == [f"Rates up {n}" for n in (4, 5, 6, 7)]


def _shingles(title: str, body: str) -> list[int]:
    return MinHasher().shingles(normalized_text(title, body), normalized=True).view(np.int64).tolist()


@pytest.mark.parametrize(
    ("title", "body", "copy"),
    [
        ("Rates up | Wire", BODY + " Markets fell.", True),  # same story: headline suffix, a sentence added
        ("Bank chief resigns", BODY, False),  # a new headline over the same body: not a copy
        ("Rates up", "Something else entirely, about football and the weather in a distant town today.", False),
    ],
)
def test_verify_pairs(title, body, copy):
    batch = pd.DataFrame({"id": [2], "candidate": [1], "shingles": [_shingles(title, body)], "title": [title],
                          "c_shingles": [_shingles("Rates up", BODY)], "c_title": ["Rates up"]})
    (kept,) = list(verify_pairs(iter([batch])))
    assert kept.to_dict("records") == ([{"id": 2, "candidate": 1}] if copy else [])


def test_payload_of_a_failed_article_keeps_its_topics():
    assert json.loads(payload(None, [(3, 0.9)])) == {"topics": [{"topic_id": 3, "weight": 0.9}]}


def test_payload_of_an_article():
    article = Article(body=BODY, title="Rates up", language="en", keywords=[("interest rate", 0.5)])
    out = json.loads(payload(article, []))
    assert out["keywords"] == [{"keyword": "interest rate", "score": 0.5}] and out["mentions"] == []


def test_topic_text():
    assert topic_text("T", None, "b" * (MAX_CHARS + 10)) == "T\n\n" + "b" * MAX_CHARS


def test_term_frames_have_the_lake_columns():
    batch = pd.DataFrame({"article_id": [7], "title": ["Rates up"], "body": [BODY], "month": ["2020-09"]})
    (frame,) = list(term_frames(iter([batch])))
    assert list(frame.columns) == schema("terms").names
    assert set(frame["month"]) == {"2020-09"} and set(frame["field"]) == {"title", "body"}
    assert sorted(map(tuple, frame.drop(columns="month").astype(str).values)) == sorted(
        tuple(map(str, row)) for row in term_rows(7, "Rates up", BODY))

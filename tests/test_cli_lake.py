"""The CLI: marsad import-parquet and marsad enrich --engine spark's argument checks, invoked as a user would."""

from __future__ import annotations

import json

import pytest

from marsad.cli import main
from marsad.lake.export import export_store


@pytest.fixture(scope="module")
def lake(seeded_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("lake")
    export_store(seeded_store, path)
    return path


def test_import_parquet_twice(lake, tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert main(["import-parquet", str(lake), "--db", db, "--since", "2018-06-01", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["stored"] == first["read"] > 0 and first["already_stored"] == 0
    assert main(["import-parquet", str(lake), "--db", db, "--since", "2018-06-01"]) == 0
    out = capsys.readouterr().out
    assert f"0 of {first['read']} articles imported" in out and "stories: " in out
    assert first["stories"] == "lake stories"  # into a store without stories, the lake's come along


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["enrich", "--engine", "spark", "--output", "x"], "needs --input"),
        (["enrich", "--engine", "spark", "--input", "x"], "--output DIR"),
        (["enrich", "--engine", "spark", "--input", "x", "--output", "y", "--topics-model", "nope.npz"], "no topic model"),
        (["import-parquet", "/nonexistent/lake", "--db", "/tmp/never.duckdb"], "not a Marsad lake"),
    ],
)
def test_refusals(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err

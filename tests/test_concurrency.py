"""A long ingest in another process while this one reads the store read-only (as the dashboard does):
every read succeeds (with the Store's brief retry) and the counts only grow."""

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, read_lines

from marsad.store import Store

# Enough records for many batches (each one short transaction) without making the suite slow.
RECORDS = 1200
BATCH = 60


def test_reads_succeed_and_counts_grow_during_an_ingest(tmp_path):
    data = tmp_path / "ant.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as out:
        out.writelines(read_lines(ANT_SAMPLE, RECORDS))
    db = tmp_path / "s.duckdb"
    Store(db).ensure_schema()  # the reader below never has to create it
    env = dict(os.environ, MARSAD_WRITE_BATCH=str(BATCH))
    writer = subprocess.Popen(
        [sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))",
         "ingest", str(data), "--db", str(db), "--no-enrich", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    reader = Store(db, lock_retry_seconds=30)
    counts: list[int] = []
    try:
        while writer.poll() is None:
            with reader.read() as con:
                counts.append(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])
            time.sleep(0.05)
        out, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == 0, err
    report = json.loads(out)
    with reader.read() as con:
        final = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        # Every batch is one transaction with one ingested_at: the running totals at batch ends.
        sizes = [n for (n,) in con.execute("SELECT count(*) FROM articles GROUP BY ingested_at ORDER BY ingested_at").fetchall()]
    boundaries = {0} | {sum(sizes[: i + 1]) for i in range(len(sizes))}
    assert final == report["stored"] > RECORDS * 0.9 and len(sizes) >= RECORDS // BATCH - 2
    assert counts == sorted(counts)  # never a shrinking view
    assert set(counts) <= boundaries, counts  # only whole batches seen, never half of one
    interleaved = [c for c in counts if 0 < c < final]
    assert len(set(interleaved)) >= 2, counts  # the reader got in between batches, not only before/after


@pytest.mark.slow
def test_dashboard_sessions_keep_answering_while_an_ingest_writes(tmp_path):
    """bench/concurrent_use.py's measurement, small: two AppTest sessions (a process each) go round the pages while
    ``marsad ingest`` stores 60 articles in batches of 20; no page shows an error, and after the ingest a refresh
    shows the new article count."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import concurrent_use

    result = concurrent_use.measure(tmp_path, sessions=2, seed_records=120, records=60, enrich=False)
    assert result.ingest_rc == 0
    assert result.errors == [] and result.lock_errors == 0
    assert result.requests_during_ingest >= 2 * 3  # the sessions were answered while the ingest wrote
    assert result.stored_after > result.stored_before
    assert result.new_articles_seen, result.counts_seen

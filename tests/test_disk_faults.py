"""A full disk, a read-only store folder, a file where the folder should be: one clear line (exit 2, no traceback),
and a store that still opens and holds only whole batches; once the disk has room, the same ingest completes.

A full disk is a small tmpfs, which needs root and a working ``mount`` (skipped otherwise). A read-only folder is
a read-only bind mount as root (root ignores permission bits), ``chmod 555`` otherwise."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ANT_SAMPLE, read_lines

from marsad.config import Settings
from marsad.errors import StoreUnwritable
from marsad.ingest.pipeline import ingest
from marsad.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import kills  # noqa: E402

BATCH = 50
RECORDS = 300  # about 3 MB of store: more than the small disk holds
SMALL_DISK = "3m"


def _marsad(*args: str, batch: int = BATCH) -> subprocess.CompletedProcess:
    env = dict(os.environ, MARSAD_WRITE_BATCH=str(batch))
    return subprocess.run([sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main(sys.argv[1:]))",
                           *args], capture_output=True, text=True, env=env, timeout=600)


def _one_clear_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("marsad: ") and all(w in last for w in words), done.stderr


def _mount(*args: str) -> bool:
    return os.geteuid() == 0 and subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "ant.jsonl"
    path.write_text("".join(read_lines(ANT_SAMPLE, RECORDS, step=3)), encoding="utf-8")
    return path


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount("-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs", str(disk)):
        pytest.skip("a small tmpfs needs root and mount")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture
def read_only_dir(tmp_path, sample):
    """A folder with a store of the sample's articles (enough for a topic model), then made read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()
    settings = Settings.load(db_path=folder / "s.duckdb")
    assert ingest([sample], settings=settings, workers=0).stored == RECORDS
    if os.geteuid() == 0:
        if not (_mount("--bind", str(folder), str(folder)) and _mount("-o", "remount,ro,bind", str(folder))):
            pytest.skip("a read-only folder as root needs a read-only bind mount")
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_a_full_disk_stops_the_ingest_in_one_line_and_the_store_stays_whole(small_disk, sample):
    db = small_disk / "s.duckdb"
    done = _marsad("ingest", str(sample), "--db", str(db), "--no-enrich")
    _one_clear_line(done, "s.duckdb", "the disk is full", "re-run")
    with Store(db).read() as con:  # the store opens on the full disk (its search index needs room to open)
        stored = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    assert 0 < stored < RECORDS and stored % BATCH == 0  # whole batches only
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)  # room again
    assert kills.problems(db) == []
    again = _marsad("ingest", str(sample), "--db", str(db), "--no-enrich", "--json")
    assert again.returncode == 0, again.stderr
    final = kills.snapshot(db)
    assert kills.problems(db) == []
    assert len(final.articles) == RECORDS and set(final.articles.values()) == {1}  # nothing lost, nothing doubled
    assert final.indexed == final.stored


@pytest.mark.parametrize("command", [["ingest", "{sample}", "--no-enrich"], ["enrich"], ["topics", "fit"]])
def test_a_read_only_store_folder_is_one_line_and_leaves_the_store_as_it_was(read_only_dir, sample, command):
    db = read_only_dir / "s.duckdb"
    before = db.read_bytes()
    done = _marsad(*[sample.as_posix() if a == "{sample}" else a for a in command], "--db", str(db))
    _one_clear_line(done, "s.duckdb", "cannot write the store")
    assert db.read_bytes() == before
    assert _marsad("stats", "--db", str(db)).returncode == 0  # reading still works


def test_a_file_where_the_folder_should_be(tmp_path, sample):
    (tmp_path / "data").write_text("not a folder")
    _one_clear_line(_marsad("ingest", str(sample), "--db", str(tmp_path / "data" / "s.duckdb")),
                    "a file stands where its folder should be")


def test_the_store_api_raises_store_unwritable(read_only_dir):
    store = Store(read_only_dir / "s.duckdb")
    with pytest.raises(StoreUnwritable, match="cannot write the store"), store.write() as con:
        con.execute("SELECT 1")
    with store.read() as con:  # a read-only connection still opens
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(RECORDS,)]

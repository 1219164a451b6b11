"""The on-disk cache of built resources: hits only for the same inputs, code and versions; never raises."""

from __future__ import annotations

import os
import pickle
import time

import pytest

from marsad.nlp import resource_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(folder))
    return folder


def counting_build(calls: list[int], value: object):
    def build():
        calls.append(1)
        return value

    return build


def test_second_process_reads_the_file(cache, tmp_path):
    source = tmp_path / "names.txt"
    source.write_text("بغداد\n", encoding="utf-8")
    calls: list[int] = []
    first = resource_cache.cached("demo", counting_build(calls, {"a": (1, 2)}), inputs=[source], code=[resource_cache])
    again = resource_cache.cached("demo", counting_build(calls, "other"), inputs=[source], code=[resource_cache])
    assert first == again == {"a": (1, 2)}
    assert calls == [1]
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["demo"]


@pytest.mark.parametrize("change", ["edit input", "remove input", "other package version"])
def test_any_change_to_the_inputs_makes_another_entry(cache, tmp_path, monkeypatch, change):
    source = tmp_path / "names.txt"
    source.write_text("بغداد\n", encoding="utf-8")
    calls: list[int] = []
    resource_cache.cached("demo", counting_build(calls, 1), inputs=[source], code=[resource_cache], packages=["numpy"])
    if change == "edit input":
        source.write_text("بغداد\nدمشق\n", encoding="utf-8")
    elif change == "remove input":
        source.unlink()
    else:
        monkeypatch.setattr(resource_cache.metadata, "version", lambda package: "0.0.0-other")
    got = resource_cache.cached("demo", counting_build(calls, 2), inputs=[source], code=[resource_cache],
                                packages=["numpy"])
    assert got == 2
    assert calls == [1, 1]


def test_a_damaged_file_is_rebuilt_and_replaced(cache, tmp_path):
    key = resource_cache.fingerprint(inputs=[], code=[resource_cache])
    cache.mkdir()
    (cache / f"demo-{key}.pickle").write_bytes(b"not a pickle")
    assert resource_cache.cached("demo", lambda: [1, 2, 3], inputs=[], code=[resource_cache]) == [1, 2, 3]
    assert pickle.loads((cache / f"demo-{key}.pickle").read_bytes()) == [1, 2, 3]


def test_an_unwritable_folder_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(blocker / "cache"))
    calls: list[int] = []
    for _ in range(2):
        assert resource_cache.cached("demo", counting_build(calls, "x"), inputs=[], code=[resource_cache]) == "x"
    assert calls == [1, 1]


def test_a_failing_build_leaves_no_file(cache):
    def build():
        raise RuntimeError("broken source")

    with pytest.raises(RuntimeError, match="broken source"):
        resource_cache.cached("demo", build, inputs=[], code=[resource_cache])
    assert not cache.exists() or not list(cache.iterdir())


def test_an_unpicklable_result_is_returned_but_not_kept(cache):
    result = resource_cache.cached("demo", lambda: (lambda: 1), inputs=[], code=[resource_cache])
    assert result() == 1
    assert not [p for p in cache.iterdir()]


def test_only_the_most_recently_used_entries_of_a_resource_are_kept(cache):
    cache.mkdir()
    now = time.time()
    old = [cache / f"demo-{str(n) * 32}.pickle" for n in range(4)]  # used 4, 3, 2 and 1 hours ago
    other = cache / f"places-{'9' * 32}.pickle"
    for age, path in zip([4, 3, 2, 1, 5], [*old, other], strict=True):
        path.write_bytes(pickle.dumps(0))
        os.utime(path, (now - age * 3600, now - age * 3600))
    resource_cache.cached("demo", lambda: 5, inputs=[], code=[resource_cache])
    kept = sorted(p.name for p in cache.glob("demo-*"))
    assert len(kept) == resource_cache.KEEP
    assert {old[3].name, old[2].name} <= set(kept) and not old[0].exists() and not old[1].exists()
    assert other.exists()


def test_a_hit_marks_the_entry_used(cache):
    resource_cache.cached("demo", lambda: 1, inputs=[], code=[resource_cache])
    (path,) = cache.glob("demo-*")
    os.utime(path, (0, 0))
    assert resource_cache.cached("demo", lambda: 2, inputs=[], code=[resource_cache]) == 1
    assert path.stat().st_mtime > time.time() - 60


def test_entries_are_keyed_by_content_not_by_path(cache, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("same", encoding="utf-8")
    second.write_text("same", encoding="utf-8")
    assert resource_cache.fingerprint(inputs=[first], code=[resource_cache]) == \
        resource_cache.fingerprint(inputs=[second], code=[resource_cache])
    second.unlink()
    assert resource_cache.fingerprint(inputs=[first], code=[resource_cache]) != \
        resource_cache.fingerprint(inputs=[second], code=[resource_cache])


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"MARSAD_CACHE_DIR": "/x/m"}, "/x/m"), ({"XDG_CACHE_HOME": "/x/xdg"}, "/x/xdg/marsad")],
)
def test_cache_dir(monkeypatch, env, expected):
    for name in ("MARSAD_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert str(resource_cache.cache_dir()) == expected

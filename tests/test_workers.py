"""The worker pool: results in input order, errors raised in the parent, workers ended when the caller stops."""

import pytest

from marsad.ingest.workers import WorkerPool, chunked


@pytest.mark.parametrize(("items", "size", "expected"), [
    ([], 3, []),
    ([1, 2, 3], 3, [[1, 2, 3]]),
    ([1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]),
])
def test_chunked(items, size, expected):
    assert list(chunked(iter(items), size)) == expected


def test_results_come_back_in_order_and_the_pool_is_reused():
    chunks = [[3, 1, 2], [9, 8], [5], [7, 6, 4]]
    with WorkerPool("builtins:sorted", 2) as pool:
        assert list(pool.imap(chunks)) == [(c, sorted(c)) for c in chunks]
        assert list(pool.imap([[2, 1]])) == [([2, 1], [1, 2])]


def test_a_workers_exception_is_raised_here_and_ends_the_pool():
    pool = WorkerPool("builtins:sorted", 1)
    with pytest.raises(TypeError):
        list(pool.imap([[1, 2], [1, "a"]]))
    assert all(proc.poll() is not None for proc in pool._procs)


def test_an_input_error_is_raised_after_the_chunks_before_it():
    def chunks():
        yield [2, 1]
        raise ValueError("reader broke")

    got = []
    with WorkerPool("builtins:sorted", 1) as pool, pytest.raises(ValueError, match="reader broke"):
        got.extend(pool.imap(chunks()))
    assert got == [([2, 1], [1, 2])]


def test_a_pool_needs_a_worker():
    with pytest.raises(ValueError):
        WorkerPool("builtins:sorted", 0)


fcntl = pytest.importorskip("fcntl")


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe sizes are Linux's")
def test_pipes_hold_a_whole_chunk_and_big_chunks_still_come_back_whole():
    from marsad.ingest import workers

    # Chunks of ~300 KB each way, more than a default 64 KiB pipe.
    chunks = [["abcdef" * 50_000], [f"{n:06d}" * 10 for n in range(5_000)], ["x"]]
    with WorkerPool("builtins:sorted", 2) as pool:
        sizes = {fcntl.fcntl(p.fileno(), fcntl.F_GETPIPE_SZ) for proc in pool._procs for p in (proc.stdin, proc.stdout)}
        assert list(pool.imap(chunks * 2)) == [(c, sorted(c)) for c in chunks * 2]
    with open("/proc/sys/fs/pipe-max-size") as limit:
        expected = min(workers.PIPE_BYTES, int(limit.read()))
    assert sizes == {expected}

"""Worker processes forked from a build (plugins/core/children.py)."""

from __future__ import annotations

import gc
import os

import pytest
from support import children_of

from plugins.core import children, parallel


def test_a_worker_keeps_the_builds_objects_out_of_its_collections(monkeypatch):
    # Every object a worker inherits is the build's: a full collection in
    # the worker would walk all of them, writing to each, so the kernel
    # copies every page of the build's memory into the worker. The worker
    # freezes them (gc.freeze) as it starts; the build's own are not frozen.
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    kept = [{"n": n} for n in range(10_000)]

    def frozen(_item: int) -> int:
        return gc.get_freeze_count()

    counts = list(parallel.fork_map(frozen, list(range(4))))
    assert all(count >= len(kept) for count in counts), counts
    assert gc.get_freeze_count() == 0


def test_work_beside_answers_from_a_process_of_its_own_and_leaves_none(tmp_path):
    """children.beside: the work runs in a forked process while this one
    goes on (it writes its own file there), its answer comes back, and the
    process is waited for.
    """
    mark = tmp_path / "mark"
    before = children_of(os.getpid())  # the test runner's own, if any

    def work(n: int) -> tuple[int, int]:
        mark.write_text(str(os.getpid()), encoding="utf-8")
        return os.getpid(), n * 2

    answer = children.beside(work, 21)
    here = sum(range(100_000))  # this process goes on meanwhile
    pid, doubled = answer()
    assert doubled == 42 and here == 4_999_950_000
    assert pid != os.getpid() and mark.read_text(encoding="utf-8") == str(pid)
    assert children_of(os.getpid()) <= before
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_work_beside_that_fails_there_is_done_here():
    """A work that raises in the forked process, or whose answer cannot
    travel, is done again here: its error is raised here, or its answer
    given from here.
    """
    parent = os.getpid()
    before = children_of(parent)  # the test runner's own, if any

    def fails_there() -> int:
        if os.getpid() != parent:
            raise OSError("not there")
        return os.getpid()

    assert children.beside(fails_there)() == parent

    def raises() -> int:
        raise ValueError("a broken output folder")

    with pytest.raises(ValueError, match="broken output"):
        children.beside(raises)()

    def cannot_travel():
        return lambda: os.getpid()  # a function made here does not pickle

    assert children.beside(cannot_travel)()() == parent
    assert children_of(parent) <= before

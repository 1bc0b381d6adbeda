"""Worker processes forked from a build (plugins/core/children.py)."""

from __future__ import annotations

import gc

from plugins.core import parallel


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

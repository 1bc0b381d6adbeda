"""Per-item work of a build spread over processes forked from it.

`fork_map(work, items, shared)` runs `work(item)` for each item in worker
processes forked from the build (they start with everything the build has
read, and need nothing handed to them) and returns the results in the order
of the items. It is for work whose result depends only on its item and on
what the build had when it forked (reading a note, rendering a page), so the
output is the same whichever process did it.

A result travels back pickled; the objects in `shared` (such as the settings
dict, which every tag and category of a note refers to) travel as their
place in `shared` and arrive as the build's own objects, not as copies.

An item whose work raised, or logged a warning or an error, comes back as
None: the caller does that item itself, so its messages reach the build's log
(and its count of warnings and errors) once, in the order of the items. So
do all items not yet done when a worker dies or cannot be forked.

A worker closes the descriptors only the build may hold (the output's lock)
and ends when the build does, even when the build is killed (children.py).
The kernel counts the thread that forked a worker as its parent: the pool
forks all its workers (start method "fork") in the thread that calls
fork_map, which waits for them before it returns.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from . import children

# Fewer items than this are done in the build's own process: forking and
# sending the results back would cost more than it saves.
PARALLEL_MIN = 64
# Worker processes: one per core this process may run on (None), or this many.
WORKERS: int | None = None
# Items per task sent to a worker.
CHUNK = 32

logger = logging.getLogger(__name__)

# The last runs of this process: (what, items done in workers, items done
# here), newest last (read by the tests and the benchmark).
LAST_RUNS: deque[tuple[str, int, int]] = deque(maxlen=16)

# In a worker: what it runs (handed over by fork, never pickled, so two
# builds in threads of one process never mix their work).
_task: tuple[Callable[[Any], Any], Sequence[object]] | None = None


class _Warned(logging.Handler):
    """In a worker: notes whether the current item logged a warning or worse."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


_warned = _Warned()


def _start_worker(
    build: int, work: Callable[[Any], Any], shared: Sequence[object]
) -> None:
    """A worker ends with the build (process `build`) and holds none of its
    locks; it runs `work` and prints nothing: its warnings only send the
    item back undone. Work that calls fork_map does it all in the worker.
    """
    children.worker_start(build)
    global _task
    _task = (work, shared)
    loggers = [logging.getLogger()]
    loggers += [
        lg
        for lg in logging.Logger.manager.loggerDict.values()
        if isinstance(lg, logging.Logger)
    ]
    for lg in loggers:
        for handler in list(lg.handlers):
            lg.removeHandler(handler)
        lg.propagate = True
    logging.getLogger().addHandler(_warned)


class _SharedPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, shared: Sequence[object]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.places = {id(obj): i for i, obj in enumerate(shared)}

    def persistent_id(self, obj: object) -> int | None:
        return self.places.get(id(obj))


class _SharedUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, shared: Sequence[object]) -> None:
        super().__init__(file)
        self.shared = shared

    def persistent_load(self, pid: Any) -> object:
        return self.shared[pid]


def dumps(value: object, shared: Sequence[object]) -> bytes:
    buffer = io.BytesIO()
    _SharedPickler(buffer, shared).dump(value)
    return buffer.getvalue()


def loads(data: bytes, shared: Sequence[object]) -> Any:
    return _SharedUnpickler(io.BytesIO(data), shared).load()


def _run_chunk(chunk: list[Any]) -> bytes:
    assert _task is not None
    work, shared = _task
    results = []
    for item in chunk:
        _warned.seen = False
        try:
            result = work(item)
        # Any error: the build does the item again and raises it there, with
        # its own messages.
        except Exception:  # noqa: BLE001
            result = None
        results.append(None if _warned.seen else result)
    try:
        return dumps(results, shared)
    except (pickle.PicklingError, TypeError, AttributeError):
        # something that cannot travel: the build does these items itself
        return dumps([None] * len(chunk), shared)


def record(what: str, in_workers: int, here: int) -> None:
    """Note how many items of `what` were done in workers and here."""
    LAST_RUNS.append((what, in_workers, here))
    logger.debug("%s: %d done in worker processes, %d here", what, in_workers, here)


def usable_cores() -> int:
    """The cores this process may run on (its affinity; 1 where it cannot
    be read).
    """
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def workers_wanted(items: int, parallel_min: int | None = None) -> int:
    """How many processes to fork for `items` items (0: none, do them here);
    at least `parallel_min` items (PARALLEL_MIN) are worth forking for.
    """
    cores = WORKERS or usable_cores()
    least = PARALLEL_MIN if parallel_min is None else parallel_min
    return cores if cores > 1 and items >= least else 0


def fork_map(
    work: Callable[[Any], Any],
    items: Sequence[Any],
    shared: Sequence[object] = (),
    parallel_min: int | None = None,
) -> Iterator[Any]:
    """`work(item)` for each item, in forked workers, in the items' order;
    None for an item the caller must do itself (all of them when there are
    too few items or one core).
    """
    workers = workers_wanted(len(items), parallel_min)
    if not workers or _task is not None:
        yield from (None for _ in items)
        return
    chunks = [list(items[i : i + CHUNK]) for i in range(0, len(items), CHUNK)]
    context = multiprocessing.get_context("fork")
    done = 0
    try:
        with ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), work, shared),
        ) as pool:
            try:
                results = pool.map(_run_chunk, chunks)
            except BaseException:
                children.end_pool(pool)
                raise
            for data in results:
                for result in loads(data, shared):
                    done += 1
                    yield result
    except (BrokenProcessPool, OSError) as e:
        # A worker that died (killed for memory, say) or could not be
        # forked: the caller does the rest, as with one core.
        logger.info(
            "worker processes stopped (%s); the build does the last %d of %d "
            "items itself",
            e.__class__.__name__,
            len(items) - done,
            len(items),
        )
        yield from (None for _ in items[done:])

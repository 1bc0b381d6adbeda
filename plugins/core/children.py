"""The tools a build or a publish starts end with it.

A publish that is killed (SIGKILL, the machine's out-of-memory killer, a CI
job cancelled) cannot stop its children itself: an upload it started would
go on writing into the release's .partial folder (or the bucket) while the
next publish clears it and uploads again, and the build's Pagefind would go
on indexing a staging folder nobody reads. So each child asks the kernel to
send it SIGTERM when the process that started it dies (Linux's
PR_SET_PDEATHSIG, set between fork and exec, kept across exec): rsync,
rclone, git, ghp-import and Pagefind end at once on SIGTERM, and rsync's ssh
and the rsync at the server end with them (their connection closes). Where
prctl is missing (not Linux), children are started as before. The kernel
counts the thread that started the child as its parent: call run() from a
thread that outlives the child (every caller runs on the main thread).

Used by scripts/publish (rsync, ssh, rclone, git, ghp-import),
plugins/search (Pagefind) and plugins/core/files.make_missing (its forked
worker pool, through worker_start): one implementation.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


PRCTL = _prctl()


def die_with(parent: int) -> Callable[[], None]:
    """What the child runs before exec: end when `parent` ends."""

    def setup() -> None:
        if PRCTL is not None:
            PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            # the publish died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return setup


# descriptors only the process that opened them may hold (the build lock):
# a forked worker closes them, so it never keeps a lock after its parent
_PARENT_ONLY: set[int] = set()


def parent_only(fd: int) -> int:
    """Register `fd` as one forked workers close when they start."""
    _PARENT_ONLY.add(fd)
    return fd


def forget(fd: int) -> None:
    """`fd` is being closed by its owner."""
    _PARENT_ONLY.discard(fd)


def close_parent_only() -> None:
    for fd in list(_PARENT_ONLY):
        with contextlib.suppress(OSError):
            os.close(fd)
    _PARENT_ONLY.clear()


def worker_start(parent: int) -> None:
    """Initializer of a forked worker pool (ProcessPoolExecutor's
    `initializer`, with `initargs=(os.getpid(),)`): the worker ends when
    `parent` dies and holds none of its locks. Without it, workers of a
    build killed mid-way waited for ever on their queue, holding the build
    lock, and every later build and publish stopped as "another build".

    The objects the worker inherits are left out of its garbage
    collections (gc.freeze; its own are collected as usual): a full
    collection walks every object it tracks, writing to each, and the
    kernel would copy every page of the build's memory into the worker.
    """
    gc.freeze()
    close_parent_only()
    die_with(parent)()


def beside(work: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """`work(*args)` started in a process forked from this one, which goes
    on meanwhile (the work must only read what it is given and write files
    of its own); the function returned gives its answer, waiting for it,
    or runs the work here if the process could not be forked or ended
    without one (it raised, was killed, or its answer would not pickle:
    an error is then raised here, as the work raises it).
    """
    parent = os.getpid()
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return lambda: work(*args)
    if pid == 0:  # the forked process: its answer, pickled, then its end
        code = 1
        try:
            os.close(read)
            worker_start(parent)
            data = memoryview(pickle.dumps(work(*args), pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(write, data) :]
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def answer() -> Any:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _pid, status = os.waitpid(pid, 0)
        if status == 0 and data:
            return pickle.loads(data)
        return work(*args)

    return answer


def end_pool(pool: ProcessPoolExecutor) -> None:
    """Shut down a worker pool whose start failed (a fork refused with
    EAGAIN or ENOMEM, say, in its first submit): the workers forked before
    wait for work the pool never hands out, and Python waits for its
    children at exit, so the build's process would never end. They are
    ended here, through the pool's private record of its processes (no
    public way before Python 3.14).
    """
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run, the child ending if this process dies first."""
    return subprocess.run(argv, preexec_fn=die_with(os.getpid()), **kwargs)


def alive(pid: int) -> bool:
    """Whether a process of this machine runs with that id (one of another
    user counts as running; a number beyond any process id, such as one in
    a name made by hand, does not).
    """
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def own_folder(parent: Path, prefix: str) -> Path:
    """A new folder in `parent` named `<prefix><this process's id>-…`: a
    process killed before it removes its folder (SIGKILL runs no `finally`)
    leaves it to `ended_folders`, which a later process sweeps.
    """
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def process_id(text: str) -> int | None:
    """`text` as a process id: ASCII digits only (not "१२३", which int()
    reads); None otherwise.
    """
    return int(text) if text.isascii() and text.isdigit() else None


def folder_owner(name: str, prefix: str) -> int | None:
    """The process id in a folder name made by `own_folder` with `prefix`
    (None if the name has none).
    """
    pid, dash, _rest = name.removeprefix(prefix).partition("-")
    return process_id(pid) if name.startswith(prefix) and dash else None


def ended_folders(parent: Path, prefix: str) -> list[Path]:
    """The folders in `parent` named by `own_folder` with `prefix` whose
    process has ended: what killed processes left. A process still running
    keeps its folder; a name without a process id is not one of these.
    """
    try:
        with os.scandir(parent) as entries:
            names = [e.name for e in entries if e.name.startswith(prefix)]
    except OSError:
        return []
    ended = []
    for name in names:
        owner = folder_owner(name, prefix)
        if owner is not None and not alive(owner):
            ended.append(parent / name)
    return ended


def remove_ended(parent: Path, prefix: str) -> int:
    """Remove the `ended_folders` of `parent` with `prefix`; how many."""
    ended = ended_folders(parent, prefix)
    for folder in ended:
        shutil.rmtree(folder, ignore_errors=True)
    return len(ended)

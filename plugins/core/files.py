"""Writing files safely, and files derived from others.

One atomic write for every file the bulletin replaces (caches, the share
ledger, a converted note, the page-reuse record), one exclusive create for
files that must never be overwritten, and the cache of derived files
(preview cards, photo copies) named by a hash of what they are made from, put
into the output as hard links.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, TypeVar

from plugins.core import children, parallel
from plugins.core.packed import pickled_texts, unpickled_texts

logger = logging.getLogger(__name__)

Job = TypeVar("Job")


class OutsideFolder(ValueError):
    """A path that would leave the folder it must stay in."""


def links_under(root: Path) -> list[Path]:
    """Every symbolic link under `root` (to a file or a folder), not followed,
    in os.walk's order (each folder's links by name). Each entry's kind
    comes with the folder's listing: no stat per file (the whole content
    folder is looked through every build).
    """
    found: list[Path] = []
    pending = [os.fspath(root)]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as listed:
                entries = list(listed)
        except OSError:
            continue
        found += sorted(Path(e.path) for e in entries if e.is_symlink())
        folders = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
        pending.extend(reversed(folders))
    return found


def inside(root: Path, rel: str | Path) -> Path:
    """`root / rel`, refused (OutsideFolder) if it leads out of `root`: an
    absolute path, `..` steps or a symbolic link pointing elsewhere. Every
    place that reads content or writes output by a name taken from a note
    goes through here, whatever the checks said.
    """
    base = root.resolve()
    target = (base / rel).resolve()
    if target != base and base not in target.parents:
        raise OutsideFolder(f"{rel!s} leads out of {root}")
    return base / rel


class Within:
    """inside() for many names under one folder, as the same check: the
    folder is resolved once and each folder on the way is looked at once
    (placing 10,000 preview images resolved the whole output path 10,000
    times). A name with `..`, an absolute one, or one that meets a symbolic
    link on the way is checked by inside() itself.
    """

    def __init__(self, root: Path):
        self.root = root
        self.base = root.resolve()
        self.plain: set[tuple[str, ...]] = set()  # folders seen not to be links

    def __call__(self, rel: str | Path) -> Path:
        parts = Path(rel).parts
        if not parts or Path(rel).is_absolute() or ".." in parts:
            return inside(self.root, rel)
        for end in range(1, len(parts) + 1):
            folders = parts[:end]
            if folders in self.plain:
                continue
            if os.path.islink(os.path.join(self.base, *folders)):
                return inside(self.root, rel)
            if end < len(parts):
                self.plain.add(folders)
        return self.base / rel


def relative_path(path: str, root: str | Path) -> str:
    """os.path.relpath(path, root), the usual case (a plain path under an
    absolute `root`: no `.` or `..` step, no doubled or trailing slash)
    taken as the part after the root, without relpath's two passes over
    both paths (some 10 µs a path, a few times for each of 10,000 notes).
    """
    top = os.fspath(root)
    if os.path.isabs(top):
        prefix = os.path.join(os.path.normpath(top), "")
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            if (
                rest
                and rest[0] != "/"
                and not rest.startswith("..")
                and os.path.normpath(rest) == rest
            ):
                return rest
    return os.path.relpath(path, top)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(
    path: Path, data: bytes, *, durable: bool = False, keep_mode: bool = False
) -> None:
    """Replace `path` with `data` in one step: a temporary file beside it, then
    a rename, so a reader sees the old file or the new one, never a part.

    `durable` also flushes the file and the rename to disk before returning
    (for records that must survive a power cut: the share ledger, a
    reporter's note). `keep_mode` keeps the permissions of the file replaced.
    """

    def write(f: BinaryIO) -> Path:
        f.write(data)
        return path

    write_streamed(path.parent, path.name, write, durable=durable, keep_mode=keep_mode)


def write_streamed(
    folder: Path,
    name: str,
    write: Callable[[BinaryIO], Path],
    *,
    durable: bool = False,
    keep_mode: bool = False,
) -> Path:
    """Write a file in one step as `write_atomic` does, its bytes written by
    `write` into a temporary file in `folder` (named after `name`) as they
    are made, not held whole in memory first; `write` returns the path the
    file then replaces (in `folder`; a name made of its bytes' digest is
    known only once they are written; a path outside `folder` is a
    ValueError, the temporary file removed). Returns that path.
    """
    fd, tmp = _temporary_file(folder, name)
    try:
        with os.fdopen(fd, "wb") as f:
            path = write(f)
            if path.parent != folder:
                raise ValueError(f"{path} is outside the folder written in, {folder}")
            # every byte written before the mode is set: a write clears
            # the set-user-ID and set-group-ID bits keep_mode keeps
            f.flush()
            if durable:
                os.fsync(f.fileno())
            if keep_mode and path.exists():
                os.fchmod(f.fileno(), path.stat().st_mode & 0o7777)
            else:
                os.fchmod(f.fileno(), 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(folder)
    return path


def _temporary_file(folder: Path, name: str) -> tuple[int, str]:
    """A new file in `folder`, named after `name` (its descriptor and path),
    the folder made first where it is missing (asked only then: most files
    are written where others already are).
    """
    try:
        return tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)


def left_temporaries(folder: Path, name: str) -> Iterator[Path]:
    """The temporary files of names starting with `name` (`_temporary_file`'s
    naming) left in `folder` by writes that were stopped (a killed build).
    """
    return folder.glob(f".{name}.*.tmp")


def write_created(path: Path, data: bytes) -> None:
    """Write `path`: a file not there yet is created with `data` in place
    (no temporary file and no rename, a third of write_atomic's CPU), one
    that is there is replaced in one step (write_atomic). For the files of
    a cache that only a later build reads and that takes a file cut short
    for a missing one (a build stopped while writing leaves the new file it
    was writing cut short). 0644 whatever the umask; the folders made as
    needed; a file whose bytes cannot all be written is removed.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        write_atomic(path, data)
        return
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o644)
    try:
        left = memoryview(data)
        while left:
            left = left[os.write(fd, left) :]
        os.fchmod(fd, 0o644)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; FileExistsError if it exists (never overwrite)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as f:
        f.write(data)


def data_digest(data: bytes) -> str:
    """SHA-256 of bytes: what file_digest gives for a file holding them."""
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=64)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_digest(path: str) -> str:
    """SHA-256 of a file's bytes (remembered while its size and time stay)."""
    st = os.stat(path)
    return _file_digest(path, st.st_size, st.st_mtime_ns)


def stamp(path: str) -> tuple[int, ...] | None:
    """Modification time, size, change time and inode of a file (None if it
    is missing): the change time cannot be set back (an edit whose
    modification time is put back by `touch -r` or a sync tool still changes
    it), so any write is seen.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ctime_ns, st.st_ino)


def cache_folder(settings: dict, configured: str) -> Path:
    """A plugin's cache folder; a relative one starts at the folder that holds
    the content folder (PATH), the repository root.
    """
    path = Path(configured)
    return path if path.is_absolute() else Path(settings["PATH"]).parent / path


def _make_file(task: tuple) -> None:
    """In a worker: render one job and write it (the bytes never travel to
    the build, which would hold every finished file until it waits).
    """
    render, path, job = task
    write_atomic(path, render(unpickled_texts(job, {})))


class Making:
    """Files being made and written by worker processes (start_missing):
    wait() returns when all are written, raising what a render raised;
    cancel() drops the rest. A worker that dies (killed for memory, say)
    leaves the files not yet handed over to the build, which makes them.
    """

    def __init__(
        self,
        results,
        pool: ProcessPoolExecutor | None,
        paths: Sequence[Path] = (),
        tasks: Sequence[tuple] = (),
    ):
        self.results = results
        self.pool = pool
        # each file's path, in the order the workers' results come
        self.paths = list(paths)
        # each file's task, as its worker was handed it (made here if the
        # workers stop)
        self.tasks = list(tasks)

    def wait(self, each: Callable[[Path], object] | None = None) -> None:
        """Wait until every file is written; `each(path)`, if given, is
        called with each file's path once that file is written, in the
        order the files were given (at once for files written here), so
        the caller can use a file while the workers write the next.
        """
        paths, self.paths = self.paths, []
        tasks, self.tasks = self.tasks, []
        if self.pool is None:
            if each is not None:
                for path in paths:
                    each(path)
            return
        try:
            results = iter(self.results)
            for done, path in enumerate(paths):
                try:
                    next(results)
                except (BrokenProcessPool, OSError) as e:
                    made_here(tasks[done:], e, len(paths), each)
                    return
                if each is not None:
                    each(path)
        finally:
            self.cancel(wait=True)

    def cancel(self, wait: bool = False) -> None:
        # the files not handed over may never be written: a later wait
        # hands none of them over
        self.paths = []
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)


def made_here(
    tasks: Sequence[tuple],
    stopped: BaseException,
    total: int,
    each: Callable[[Path], object] | None,
) -> None:
    """Make the files of `tasks` here: the workers stopped (`stopped`)."""
    stopped_workers(stopped, len(tasks), total)
    for task in tasks:
        _make_file(task)
        if each is not None:
            each(task[1])


def stopped_workers(stopped: BaseException, left: int, total: int) -> None:
    """Log that the workers stopped (or never started): the build makes the
    last `left` of `total` files itself.
    """
    logger.info(
        "worker processes stopped (%s); the build makes the last %d of %d files itself",
        stopped.__class__.__name__,
        left,
        total,
    )


def start_missing(
    jobs: dict[Path, Job],
    render: Callable[[Job], bytes],
    parallel_min: int,
    workers: int | None = None,
) -> Making:
    """Start writing `render(job)` to each path: in worker processes when
    there are at least `parallel_min` (render must be a module-level
    function), which work while the build goes on until it calls wait();
    with fewer, or when a worker cannot be forked, here and now.
    """
    # one setting for the build's workers (parallel.WORKERS), else a core each
    workers = workers or parallel.WORKERS or os.cpu_count() or 1
    items = list(jobs.items())
    if workers > 1 and len(items) >= parallel_min:
        context = multiprocessing.get_context("fork")
        # workers end with the build and keep none of its locks
        pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=children.worker_start,
            initargs=(os.getpid(),),
        )
        try:
            # each job pickled by TextPickler: Python's own pickling (the
            # pool's) would leave a UTF-8 copy inside every non-ASCII string
            # of the job for as long as it lives, such as each note's title
            # a preview card is drawn from (held to the build's end)
            tasks = [(render, path, pickled_texts(job, {})) for path, job in items]
            results = pool.map(_make_file, tasks, chunksize=4)
        except OSError as e:
            # a worker that cannot be forked: the files are made here
            children.end_pool(pool)
            stopped_workers(e, len(items), len(items))
        except BaseException:
            children.end_pool(pool)
            raise
        else:
            return Making(results, pool, [path for path, _ in items], tasks)
    for path, job in items:
        write_atomic(path, render(job))
    return Making(iter(()), None, [path for path, _ in items])


def make_missing(
    jobs: dict[Path, Job],
    render: Callable[[Job], bytes],
    parallel_min: int,
    workers: int | None = None,
) -> None:
    """Write `render(job)` to each path, in worker processes when there are
    at least `parallel_min` (render must be a module-level function).
    """
    start_missing(jobs, render, parallel_min, workers).wait()


def place(cached: Path, target: Path) -> None:
    """Put a cached file into the output: a hard link, or a copy. The link
    is tried first: in a new output the folder is there and the file is not
    (two system calls fewer for each of 10,000 preview images).
    """
    with suppress(OSError):
        os.link(cached, target)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)

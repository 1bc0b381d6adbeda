"""Files the build derives from others (preview cards, photo copies), kept
in a cache named by a hash of everything they are made from, so a rebuild
never makes one again; and put into the output as hard links.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

Job = TypeVar("Job")


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


def cache_folder(settings: dict, configured: str) -> Path:
    """A plugin's cache folder; a relative one starts at the folder that holds
    the content folder (PATH), the repository root."""
    path = Path(configured)
    return path if path.is_absolute() else Path(settings["PATH"]).parent / path


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def make_missing(
    jobs: dict[Path, Job],
    render: Callable[[Job], bytes],
    parallel_min: int,
    workers: int | None = None,
) -> None:
    """Write `render(job)` to each path, in worker processes when there are
    at least `parallel_min` (render must be a module-level function)."""
    workers = workers or os.cpu_count() or 1
    items = list(jobs.items())
    if workers > 1 and len(items) >= parallel_min:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = pool.map(render, [job for _, job in items], chunksize=4)
            for (path, _), data in zip(items, results, strict=True):
                write_atomic(path, data)
        return
    for path, job in items:
        write_atomic(path, render(job))


def place(cached: Path, target: Path) -> None:
    """Put a cached file into the output: a hard link, or a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)

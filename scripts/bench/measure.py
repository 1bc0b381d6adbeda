"""Run one build in a fresh Python process and measure it.

Wall time is taken around the whole process (interpreter start, imports,
build), as a user running the build would wait for it. Peak memory is the
child's own peak resident set size: the worker reports its VmHWM as its last
line. Without that line, ru_maxrss from os.wait4 for that one process is
used (not RUSAGE_CHILDREN, the largest of all children so far); on Linux it
can include the parent's size at fork time, so it is only an upper bound.
"""

from __future__ import annotations

import compileall
import functools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .marks import (
    PATH_MARK,
    PEAK_MARK,
    RESTORED_MARK,
    REUSED_MARK,
    SEARCH_KEPT_MARK,
    SEARCH_MADE_MARK,
    SEARCH_MS_MARK,
    SEARCH_REUSED_MARK,
)
from .timeline import Sampler


@dataclass(frozen=True)
class Measurement:
    label: str  # e.g. "project cold"
    wall_s: float
    peak_mb: float
    exit_code: int
    log: str  # the worker's stdout and stderr
    cpu_s: float = 0.0  # user + system CPU time: steadier than wall time on a
    # busy machine, reported beside it
    # the machine's load average (1 minute) when the build started and ended
    load: tuple[float, float] = (0.0, 0.0)
    # with `sample`: each span between two looks at the build's processes,
    # (start, end, cores busy), seconds from its start (timeline.py)
    busy: tuple[tuple[float, float, float], ...] = ()
    # with `sample`: what the looks cost, and why they stopped early if so
    looks: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def worker_command(
    kind: str, spec: dict, profile: Path | None = None, python: str = sys.executable
) -> list[str]:
    argv = [python, "-m", "scripts.bench.worker", kind, json.dumps(spec)]
    if profile is not None:
        argv += ["--profile", str(profile)]
    return argv


def worker_env() -> dict[str, str]:
    """The environment of the bench's workers: the bench's own, but for
    PYTHONDONTWRITEBYTECODE: a reporter's Python keeps the modules it
    compiles, and a shell that turns that off would have every measured
    build compile this project's code again (some 0.35 s of a publish-one),
    which plain Pelican's, compiled when it was installed, never does.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@functools.cache
def compile_code(root: Path) -> None:
    """The project's code compiled once, before the first measured build,
    as installing a package compiles it (into each folder's __pycache__).
    """
    for folder in ("plugins", "scripts"):
        if (root / folder).is_dir():
            compileall.compile_dir(root / folder, quiet=1)
    for name in ("pelicanconf.py", "publishconf.py"):
        if (root / name).is_file():
            compileall.compile_file(root / name, quiet=1)


def maxrss_mb(rusage) -> float:
    """ru_maxrss is in kilobytes on Linux (bytes on macOS)."""
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return rusage.ru_maxrss / divisor


def reported(log: str, mark: str) -> int | None:
    """The number a worker printed last after `mark`, if it printed one."""
    for line in reversed(log.splitlines()):
        if line.startswith(mark):
            return int(line.removeprefix(mark))
    return None


def reported_peak_mb(log: str) -> float | None:
    """The peak a worker printed (`PEAK_MARK <kB>`), if it printed one."""
    kb = reported(log, PEAK_MARK)
    return None if kb is None else kb / 1024


def reported_reuse(log: str) -> int | None:
    """How many note pages a project build reused (`REUSED_MARK <n>`)."""
    return reported(log, REUSED_MARK)


def reported_path(log: str) -> str | None:
    """The last path a project build said it took ("fast (why)"), if any."""
    for line in reversed(log.splitlines()):
        if line.startswith(PATH_MARK):
            return line.removeprefix(PATH_MARK).strip()
    return None


def reported_restored(log: str) -> int | None:
    """How many notes a project build restored (`RESTORED_MARK <n>`)."""
    return reported(log, RESTORED_MARK)


def reported_search(log: str) -> tuple[float, bool] | None:
    """(seconds, reused) of a project build's search index step."""
    ms = reported(log, SEARCH_MS_MARK)
    if ms is None:
        return None
    return ms / 1000, bool(reported(log, SEARCH_REUSED_MARK))


def reported_search_alone(log: str) -> tuple[float, float] | None:
    """(seconds to make, seconds with the kept bundle) of the search worker."""
    made, kept = reported(log, SEARCH_MADE_MARK), reported(log, SEARCH_KEPT_MARK)
    if made is None or kept is None:
        return None
    return made / 1000, kept / 1000


def run_measured(
    label: str,
    argv: list[str],
    cwd: Path,
    log_file: Path,
    before: Callable[[], object] | None = None,
    sample: bool = False,
) -> Measurement:
    """Run `argv` in `cwd`; time it and read its peak memory. `before` (such
    as writing a note) runs first, inside the timed span. `sample`: the
    cores it keeps busy are looked at as it runs (timeline.py).
    """
    compile_code(cwd)  # once a run (a Python worker's cwd is the project)
    # what the steps before wrote is on disk first: the kernel's writing
    # it out would take this run's time (a cold build leaves some 700 MB)
    os.sync()
    load_start = os.getloadavg()[0]
    with log_file.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        if before is not None:
            before()
        process = subprocess.Popen(
            argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=worker_env()
        )
        sampler = Sampler(process.pid).start() if sample else None
        try:
            _, status, rusage = os.wait4(process.pid, 0)
        finally:
            if sampler is not None:  # the looks end with the wait, however it ends
                sampler.end()
        wall = time.perf_counter() - start
        # the last look: the build's own total
        spans = sampler.spans(rusage.ru_utime + rusage.ru_stime) if sampler else []
    process.returncode = os.waitstatus_to_exitcode(status)
    log = log_file.read_text(encoding="utf-8", errors="replace")
    peak = reported_peak_mb(log)
    return Measurement(
        label=label,
        wall_s=wall,
        peak_mb=maxrss_mb(rusage) if peak is None else peak,
        exit_code=process.returncode,
        log=log,
        cpu_s=rusage.ru_utime + rusage.ru_stime,
        load=(load_start, os.getloadavg()[0]),
        busy=tuple((a - start, b - start, c) for a, b, c in spans),
        looks=sampler.note(start) if sampler else "",
    )

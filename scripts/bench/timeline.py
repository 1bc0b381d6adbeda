"""How many cores a measured build keeps busy, over time (`--timeline`).

A build's wall time is its CPU time spread over the cores, plus the time a
core waits: while the build's process works alone (its start, the rules
across notes, its end) or a worker waits for another. The bench's CPU and
wall figures give the total of that waiting (cores × wall − CPU); the
timeline says when it happens. A thread of the bench looks, every
SAMPLE_S, at the CPU time of the build's process and of every process
under it (Linux's /proc: user and system time, the children it has waited
for included), and the cores busy in each span are the CPU time added in
it over its length. Without /proc there is no timeline.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

# How often the processes are looked at (seconds).
SAMPLE_S = 0.25
# The timeline as printed: the mean cores busy in each span of this length.
BUCKET_S = 2.0
# A span with no more cores busy than this is one where at most one core
# works (a core's work is never counted quite whole: a process that ends
# between two looks, the looks themselves).
ONE_CORE = 1.2
TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def stat_row(text: str) -> tuple[int, int]:
    """(parent's process id, CPU ticks) of a /proc/PID/stat line: user and
    system time, with those of the children it has waited for. The name
    in parentheses may hold spaces and parentheses: the fields after it
    are read from its last ')'.
    """
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), sum(int(x) for x in fields[11:15])


def tree_ticks(rows: dict[int, tuple[int, int]], root: int) -> int:
    """CPU ticks of process `root` and of every process under it; `rows`:
    each process id with its parent's and its ticks.
    """
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (parent, _ticks) in rows.items():
        children[parent].append(pid)
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        if pid in rows:
            total += rows[pid][1]
        pending += children.get(pid, [])
    return total


def process_rows(proc: Path = Path("/proc")) -> dict[int, tuple[int, int]]:
    """Every process's parent and CPU ticks (a process that ends while
    being looked at is left out).
    """
    rows = {}
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat")
            rows[int(entry.name)] = stat_row(stat.read_text(errors="replace"))
        except (OSError, ValueError, IndexError):
            continue
    return rows


def cores_busy(
    samples: Iterable[tuple[float, int]], ticks_per_s: float = TICKS_PER_S
) -> list[tuple[float, float, float]]:
    """Each span between two samples (seconds, CPU ticks so far) as (start,
    end, cores busy). The ticks never go back: a child waited for between
    the look at it and the look at its parent is missed once, and its time
    comes back in its parent's children's time (counted then).
    """
    spans = []
    last: float | None = None
    high = 0
    for at, ticks in samples:
        if last is not None and at > last:
            added = max(0, ticks - high)
            spans.append((last, at, added / ticks_per_s / (at - last)))
        high = ticks if last is None else max(high, ticks)
        last = at
    return spans


def bucketed(
    spans: list[tuple[float, float, float]], width: float = BUCKET_S
) -> list[float]:
    """The mean cores busy in each `width` seconds from the first span's
    start, each span weighed by the time it shares with the bucket.
    """
    if not spans:
        return []
    origin, end = spans[0][0], spans[-1][1]
    count = max(1, int((end - origin) // width + (1 if (end - origin) % width else 0)))
    busy = [0.0] * count
    covered = [0.0] * count
    for start, stop, cores in spans:
        first = int((start - origin) // width)
        for i in range(first, min(count, int((stop - origin) // width) + 1)):
            low = max(start, origin + i * width)
            high = min(stop, origin + (i + 1) * width)
            if high > low:
                busy[i] += cores * (high - low)
                covered[i] += high - low
    return [b / c if c else 0.0 for b, c in zip(busy, covered, strict=True)]


def seconds_at_most(spans: list[tuple[float, float, float]], cores: float) -> float:
    """How long no more than `cores` cores were busy."""
    return sum(stop - start for start, stop, busy in spans if busy <= cores)


class Sampler:
    """Looks at the CPU time of process `pid` and those under it every
    SAMPLE_S from start() to stop(), in a thread of its own.
    """

    def __init__(self, pid: int, every: float = SAMPLE_S) -> None:
        self.pid = pid
        self.every = every
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _look(self) -> None:
        self.samples.append((time.perf_counter(), tree_ticks(process_rows(), self.pid)))

    def _run(self) -> None:
        self._look()
        while not self._stop.wait(self.every):
            self._look()

    def start(self) -> Sampler:
        if Path("/proc/self/stat").is_file():
            self._thread.start()
        return self

    def stop(self) -> list[tuple[float, float, float]]:
        """The spans looked at (cores_busy), from the first look on."""
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
        return cores_busy(self.samples)

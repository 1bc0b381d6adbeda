"""How many cores a measured build keeps busy, over time (`--timeline`).

A build's wall time is its CPU time spread over the cores, plus the time a
core waits: while the build's process works alone (its start, the rules
across notes, its end) or a worker waits for another. The bench's CPU and
wall figures give the total of that waiting (cores × wall − CPU: the
core-seconds the build left idle, or to other programs); the timeline says
when it happens. A thread of the bench looks, every SAMPLE_S, at the CPU
time of the build's process and of every process under it (Linux's /proc:
user and system time, the children it has waited for included), and the
cores busy in each span are the CPU time added in it over its length. The
last look is the build's own total (its rusage, once it has ended), so the
spans add up to its CPU time. Each look reads every process's stat (some 6
ms for 70 processes): the thread's own CPU time is kept and printed.
Without /proc there is no timeline.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

# How often the processes are looked at (seconds).
SAMPLE_S = 0.5
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
    end, cores busy). A child waited for between the look at it and the
    look at its parent is missed by that look, or counted twice (/proc is
    read in the order of the process ids): the count never goes back, so a
    miss is counted when its time comes back in its parent's children's
    time, and a double count shows as a span above the cores and the
    following spans at rest until the true total catches up.
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
    # a float a hair over a whole number of buckets makes no bucket more
    count = max(1, math.ceil((end - origin) / width - 1e-9))
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
    # a last bucket of less than a quarter of its width joins the one before
    if count > 1 and covered[-1] < width / 4:
        last_busy, last_covered = busy.pop(), covered.pop()
        busy[-1] += last_busy
        covered[-1] += last_covered
    return [b / c if c else 0.0 for b, c in zip(busy, covered, strict=True)]


def seconds_at_most(spans: list[tuple[float, float, float]], cores: float) -> float:
    """How long no more than `cores` cores were busy."""
    return sum(stop - start for start, stop, busy in spans if busy <= cores)


class Sampler:
    """Looks at the CPU time of process `pid` and those under it every
    SAMPLE_S from start() to end(), in a thread of its own.
    """

    def __init__(self, pid: int, every: float = SAMPLE_S) -> None:
        self.pid = pid
        self.every = every
        self.samples: list[tuple[float, int]] = []
        self.own_cpu = 0.0  # the thread's own CPU time (seconds)
        self.failed: BaseException | None = None  # what stopped the looks early
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _look(self) -> None:
        self.samples.append((time.perf_counter(), tree_ticks(process_rows(), self.pid)))

    def _run(self) -> None:
        try:
            self._look()
            while not self._stop.wait(self.every):
                self._look()
        except Exception as e:  # noqa: BLE001 - kept and reported, not lost
            self.failed = e
        finally:
            self.own_cpu = time.thread_time()

    def start(self) -> Sampler:
        if Path("/proc/self/stat").is_file():
            self._thread.start()
        return self

    def end(self) -> None:
        """End the looks (at once if they have ended)."""
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()

    def spans(self, total_cpu: float | None = None) -> list[tuple[float, float, float]]:
        """The spans looked at once the looks ended (cores_busy), from the
        first look on, with a last look at `total_cpu` (seconds: the build's
        own total once it has ended) if given.
        """
        samples = list(self.samples)
        if total_cpu is not None and samples and self.failed is None:
            samples.append((time.perf_counter(), round(total_cpu * TICKS_PER_S)))
        return cores_busy(samples)

    def note(self, start: float) -> str:
        """What the looks cost, and why they stopped early if they did
        (`start`: the build's start, on the clock of the looks).
        """
        said = f"the looks took {self.own_cpu:.2f} s of CPU"
        if self.failed is not None:
            until = self.samples[-1][0] - start if self.samples else 0.0
            said += f"; they stopped at {until:.1f} s ({self.failed!r})"
        return said

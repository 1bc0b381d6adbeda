"""The bench's timeline: the cores a measured build keeps busy, looked at in
/proc as it runs (scripts/bench/timeline.py, `invoke bench --cold N
--timeline`).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from scripts.bench.bench import ColdRun, timeline_lines
from scripts.bench.measure import Measurement, run_measured
from scripts.bench.timeline import (
    ONE_CORE,
    bucketed,
    cores_busy,
    process_rows,
    seconds_at_most,
    stat_row,
    tree_ticks,
)

ROOT = Path(__file__).resolve().parents[1]


def test_a_stat_line_is_read_after_the_last_parenthesis():
    """A process name may hold spaces and parentheses (Python workers are
    named after what they run); the fields after it are read from its
    last ')'.
    """
    line = "4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 9 0 0 0 5 7 11 13 20 0 1 0"
    assert stat_row(line) == (17, 5 + 7 + 11 + 13)


def test_the_tree_counts_every_process_under_the_build_and_no_other():
    rows = {
        10: (1, 100),  # the build
        11: (10, 30),  # a worker
        12: (11, 5),  # a worker's child
        20: (1, 999),  # another program
        21: (20, 50),
    }
    assert tree_ticks(rows, 10) == 135
    assert tree_ticks(rows, 11) == 35
    assert tree_ticks(rows, 99) == 0


def test_cores_busy_is_the_cpu_added_over_the_time_and_never_goes_back():
    samples = [(0.0, 0), (1.0, 200), (2.0, 300), (3.0, 250), (4.0, 450)]
    spans = cores_busy(samples, ticks_per_s=100)
    assert spans == [
        (0.0, 1.0, 2.0),
        (1.0, 2.0, 1.0),
        (2.0, 3.0, 0.0),  # a worker missed between two looks...
        (3.0, 4.0, 1.5),  # ...counted when its time comes back
    ]
    assert bucketed(spans, width=2.0) == [1.5, 0.75]
    assert seconds_at_most(spans, ONE_CORE) == 2.0


def test_a_bucket_weighs_each_span_by_the_time_it_shares_with_it():
    spans = [(0.0, 1.5, 2.0), (1.5, 2.5, 0.0), (2.5, 3.0, 1.0)]
    assert bucketed(spans, width=2.0) == pytest.approx([1.5, 0.5])
    assert bucketed([]) == []


def test_no_bucket_is_made_of_a_rounding_or_a_sliver():
    """A span a float's hair past a whole bucket makes no empty bucket more;
    a last bucket shorter than a quarter of its width joins the one before
    (a catch-up spike is not printed alone as if it lasted the bucket).
    """
    assert bucketed([(2.07, 4.07, 1.0)], width=2.0) == [1.0]
    assert bucketed([(0.0, 2.0, 1.0), (2.0, 2.01, 3.0)], width=2.0) == pytest.approx(
        [(2.0 + 0.03) / 2.01]
    )
    assert bucketed([(0.0, 2.0, 1.0), (2.0, 3.0, 2.0)], width=2.0) == [1.0, 2.0]


def test_the_timeline_of_a_real_run_adds_up_to_its_cpu_time(tmp_path):
    """A program that works on one core, then on two (a child of its
    own), then waits: the looks see each part, and the CPU time they add
    up to is the process's own (rusage), within what a look can miss.
    """
    script = tmp_path / "work.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, time

            def spin(seconds):
                end = time.process_time() + seconds
                while time.process_time() < end:
                    pass

            spin(1.0)
            child = os.fork()
            spin(1.0)
            if child == 0:
                os._exit(0)
            os.waitpid(child, 0)
            time.sleep(1.0)
            """
        ),
        encoding="utf-8",
    )
    measured = run_measured(
        "work", [sys.executable, str(script)], tmp_path, tmp_path / "w.log", sample=True
    )
    assert measured.ok, measured.log
    spans = list(measured.busy)
    looked = sum((end - start) * cores for start, end, cores in spans)
    assert looked == pytest.approx(measured.cpu_s, abs=0.5)
    # the wait at the end is seen as a core at rest
    assert seconds_at_most(spans, 0.2) >= 0.5
    lines = timeline_lines(ColdRun(measured, 1, 2, (0.0, 0.0)), cores=2)
    assert lines[0].startswith("timeline work, round 1 (cores busy, each 2 s): ")
    assert "at most one core busy" in lines[1]
    assert "the looks took" in lines[1] and "stopped" not in lines[1]


def test_a_build_that_ends_before_a_second_look_has_its_timeline(tmp_path):
    """The last look is the build's own total once it has ended: a build
    shorter than a look's interval still gets its span, and the spans add
    up to its CPU time.
    """
    measured = run_measured("true", ["true"], tmp_path, tmp_path / "t.log", sample=True)
    assert measured.ok and measured.busy
    looked = sum((end - start) * cores for start, end, cores in measured.busy)
    assert looked == pytest.approx(measured.cpu_s, abs=0.02)


def test_the_looks_end_with_the_wait_however_it_ends(tmp_path, monkeypatch):
    """A wait that is interrupted (Ctrl+C) leaves no thread looking at
    /proc behind it.
    """
    import os
    import threading

    from scripts.bench import measure

    def interrupted(pid, options):
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise KeyboardInterrupt

    monkeypatch.setattr(measure.os, "wait4", interrupted)
    before = set(threading.enumerate())
    with pytest.raises(KeyboardInterrupt):
        run_measured(
            "sleep", ["sleep", "30"], tmp_path, tmp_path / "s.log", sample=True
        )
    assert set(threading.enumerate()) == before


def test_looks_that_fail_say_so_and_where(monkeypatch):
    """An error while looking ends the looks: the timeline says when and
    why, and is not completed by the build's total as if looked at.
    """
    from scripts.bench import timeline

    calls = []

    def failing(proc=None):
        calls.append(1)
        if len(calls) > 2:
            raise PermissionError("/proc")
        return {1: (0, len(calls) * 10)}

    monkeypatch.setattr(timeline, "process_rows", failing)
    sampler = timeline.Sampler(1, every=0.01).start()
    import time

    start = time.perf_counter()
    time.sleep(0.2)
    sampler.end()
    spans = sampler.spans(total_cpu=100.0)
    assert len(spans) == 1  # the two looks made, no made-up last one
    assert "they stopped at" in sampler.note(start)
    assert "PermissionError" in sampler.note(start)


def test_no_timeline_is_printed_for_a_build_not_looked_at():
    measured = Measurement("plain cold", 10.0, 100.0, 0, "", cpu_s=9.0)
    assert timeline_lines(ColdRun(measured, 1, None, (0.0, 0.0))) == []


def test_the_processes_of_this_machine_are_read():
    rows = process_rows()
    assert rows and all(ticks >= 0 for _parent, ticks in rows.values())

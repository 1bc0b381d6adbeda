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


def test_no_timeline_is_printed_for_a_build_not_looked_at():
    measured = Measurement("plain cold", 10.0, 100.0, 0, "", cpu_s=9.0)
    assert timeline_lines(ColdRun(measured, 1, None, (0.0, 0.0))) == []


def test_the_processes_of_this_machine_are_read():
    rows = process_rows()
    assert rows and all(ticks >= 0 for _parent, ticks in rows.values())

"""`invoke mutate` keeps working: a small fixed sample (scripts/mutation/
modules.toml, [sample]) is mutated and its score and survivors reported."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from support import ROOT

from scripts.mutate import (
    Score,
    load_equivalent,
    load_modules,
    mutmut_config,
    statuses,
)

COMMAND = (sys.executable, "-m", "scripts.mutate", "sample")


def run_sample(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`invoke mutate sample` with `args`, as a developer runs it."""
    return subprocess.run(
        [*COMMAND, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_sample_run_reports_kills_and_survivors_with_diffs(tmp_path):
    done = run_sample("--workdir", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    score = re.search(
        r"^sample: (\d+\.\d)% killed \((\d+) of (\d+) mutants; 0 equivalent, "
        r"(\d+) survived\)$",
        done.stdout,
        re.MULTILINE,
    )
    assert score, done.stdout
    killed, total, survived = (int(score[i]) for i in (2, 3, 4))
    # count_words is tested by the sample's test: its mutants are killed;
    # minutes_for and reading_minutes are not: theirs survive, with a diff.
    assert killed > 0 and survived > 0 and killed + survived == total
    assert float(score[1]) == round(100 * killed / total, 1)
    survivors = re.findall(
        r"^  (?:survived|no tests|suspicious): (\S+)$", done.stdout, re.M
    )
    assert len(survivors) == survived
    assert all("minutes" in name for name in survivors), survivors
    # each survivor with its diff: the line as written and as mutated
    assert "    -    return minutes_for(count_words(text), wpm)\n" in done.stdout
    assert "    +    return minutes_for(None, wpm)\n" in done.stdout


def test_equivalent_mutants_leave_the_score():
    score = Score("m", {"a": "killed", "b": "survived", "c": "survived"})
    assert (score.killed, score.survivors, score.percent) == (1, ["b", "c"], 100 / 3)
    score.equivalent = {"c": "same output"}
    assert (score.killed, score.survivors, score.percent) == (1, ["b"], 50.0)


def test_an_equivalent_entry_whose_mutant_is_killed_is_counted_and_named():
    # an entry written for a mutant that an edit of the function renumbered
    statuses = {"a": "killed", "b": "survived", "c": "timeout"}
    score = Score("m", statuses, {"a": "same output", "b": "same output"})
    assert score.stale == ["a"]
    assert (score.killed, score.survivors, score.percent) == (2, [], 100.0)
    assert score.line() == (
        "m: 100.0% killed (2, 1 by timeout of 2 mutants; 1 equivalent, "
        "0 survived, 1 equivalent entries killed)"
    )


def test_every_configured_module_and_equivalent_entry_is_well_formed():
    modules = load_modules()
    assert {"slugs", "validation", "sanitize", "ledger"} <= set(modules)
    for module in modules.values():
        assert module.sources and module.tests, module.name
        for path in [*module.sources, *(t.split("::")[0] for t in module.tests)]:
            assert (ROOT / path).is_file(), path
    # each equivalent mutant is of a configured source file
    mutated = {
        source.removesuffix(".py").replace("/", ".")
        for module in modules.values()
        for source in module.sources
    }
    for name, reason in load_equivalent().items():
        assert name.rsplit(".", 1)[0] in mutated and "__mutmut_" in name, name
        assert reason.strip(), name


def test_again_tests_only_the_survivors_and_keeps_the_kills(tmp_path):
    def run(*extra: str) -> str:
        done = run_sample("--no-diffs", "--workdir", str(tmp_path), *extra)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run()
    first = statuses(tmp_path / "sample")
    killed = {k for k, v in first.items() if v == "killed"}
    assert killed and len(killed) < len(first)
    out = run("--again")
    assert out.startswith("testing survivors again in sample "), out
    again = statuses(tmp_path / "sample")
    # nothing left untested, the kills kept, the survivors tested again
    assert again == first
    assert "not run" not in out


def test_a_report_before_any_run_says_so_in_one_line(tmp_path):
    for flag in ("--report-only", "--again"):
        done = run_sample(flag, "--workdir", str(tmp_path), timeout=60)
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr == (
            f"sample: no run yet in {tmp_path / 'sample'}: "
            f"run it without {flag} first\n"
        )
    assert not (tmp_path / "sample").exists()


def test_a_sample_tests_one_mutant_in_ten_and_counts_only_those(tmp_path):
    done = run_sample("--no-diffs", "--sample", "1", "--workdir", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    found = statuses(tmp_path / "sample")
    tested = {k for k, v in found.items() if v != "not checked"}
    assert tested and all(k.endswith("1") for k in tested), tested
    assert tested == {k for k in found if k.endswith("1")}
    score = re.search(
        r"^sample: .*\((\d+) of (\d+) mutants;.*, (\d+) not run\)$", done.stdout, re.M
    )
    assert score, done.stdout
    assert int(score[2]) == len(tested) and int(score[3]) == len(found) - len(tested)


# In a process of its own: the test's worker may have children of its own.
REAP = """
import os, subprocess, sys, time
from scripts.mutation_reset import reap_children
# a child left running, as the build leaves its background removal
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
started = time.monotonic()
print(reap_children(limit=30), round(time.monotonic() - started, 1) >= 0.4)
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    print("no child left")
stuck = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
print(reap_children(limit=0.2))
stuck.kill()
"""


def test_a_test_run_ends_once_the_children_it_left_have_ended():
    # mutmut waits for any child to learn which mutant ended: a child left
    # by a test in its process ended its whole run
    done = subprocess.run(
        [sys.executable, "-c", REAP],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.stdout, done.stderr) == ("True True\nno child left\nFalse\n", "")


def test_a_modules_timeouts_reach_mutmuts_configuration():
    # a module whose tests build a site in a fixture (time mutmut does not
    # count) gives each mutant more time; the others keep mutmut's defaults
    modules = load_modules()
    read = {
        name: tomllib.loads(mutmut_config(module))["tool"]["mutmut"]
        for name, module in modules.items()
    }
    assert read["sanitize"]["timeout_constant"] == 30
    assert read["dates"]["timeout_constant"] == 1
    assert read["dates"]["timeout_multiplier"] == 15
    assert read["slugs"]["timeout_multiplier"] == 4

"""Mutation testing of the modules that hold the bulletin's promises.

`invoke mutate [MODULE]` runs mutmut (pinned in requirements.txt) over each
module named in scripts/mutation/modules.toml: mutmut changes the code one
small step at a time (a comparison turned round, a string changed, an
argument dropped) and runs the module's tests against each change. A change
the tests do not notice "survives". This prints, per module, the share of
mutants killed and every survivor as a diff. Survivors that cannot change
behaviour are listed, each with a reason, in scripts/mutation/equivalent.toml
and left out of the score.

Each module runs in its own copy of the repository (cache/mutation/<name>/ by
default), so the working tree is never changed. `--again` tests only the
last run's survivors in that copy, with the working tree's tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "scripts" / "mutation" / "modules.toml"
EQUIVALENT = ROOT / "scripts" / "mutation" / "equivalent.toml"
WORKDIR = ROOT / "cache" / "mutation"
# What the tests read besides the code: copied into each module's work folder.
COPIED = (
    "plugins",
    "scripts",
    "tests",
    "content",
    "theme",
    "pelicanconf.py",
    "publishconf.py",
    "tasks.py",
    "pyproject.toml",
)
IGNORED = shutil.ignore_patterns("node_modules", "__pycache__", ".pytest_cache")
# mutmut's exit codes of one mutant's test run that mean the tests noticed it.
DETECTED = {"killed", "timeout", "segfault"}
NOT_CHECKED = "not checked"  # a run stopped before it reached the mutant


class NoEarlierRun(Exception):
    """--report-only or --again asked of a module with no run in its folder."""


@dataclass(frozen=True)
class Module:
    name: str
    sources: tuple[str, ...]
    tests: tuple[str, ...]
    select: str = ""  # a pytest -k expression
    sample: bool = False
    # mutmut stops a mutant's tests after (their time + timeout_constant) x
    # timeout_multiplier seconds of wall time (twice that in CPU time): a
    # mutant that loops forever counts as killed ("timeout"). mutmut's
    # defaults are 1 s and 15. "Their time" is only the tests' own run, as
    # mutmut measured it once: not their fixtures (a module-wide site built
    # for several tests), so tests with costly fixtures need a larger
    # constant, or a mutant they would let pass is stopped and counted killed.
    timeout_multiplier: float = 15.0
    timeout_constant: float = 1.0


@dataclass
class Score:
    name: str
    statuses: dict[str, str]  # mutant name -> mutmut's status
    equivalent: dict[str, str] = field(default_factory=dict)  # name -> reason

    @property
    def stale(self) -> list[str]:
        """Entries of equivalent.toml whose mutant the tests kill: a mutant
        that can be killed is no equivalent, so the entry names another
        mutant than it was written for (mutmut numbers the mutants of a
        function in order: an edit of the function renumbers them). They
        count as killed, and the report names them.
        """
        return sorted(k for k in self.equivalent if self.statuses.get(k) in DETECTED)

    @property
    def counted(self) -> dict[str, str]:
        left_out = set(self.equivalent) - set(self.stale)
        return {
            k: v
            for k, v in self.statuses.items()
            if k not in left_out and v != NOT_CHECKED
        }

    @property
    def unchecked(self) -> int:
        return sum(1 for v in self.statuses.values() if v == NOT_CHECKED)

    @property
    def killed(self) -> int:
        return sum(1 for s in self.counted.values() if s in DETECTED)

    @property
    def timeouts(self) -> int:
        """Killed by running too long (a loop that never ends, or a busy machine)."""
        return sum(1 for s in self.counted.values() if s == "timeout")

    @property
    def survivors(self) -> list[str]:
        return sorted(k for k, s in self.counted.items() if s not in DETECTED)

    @property
    def percent(self) -> float:
        total = len(self.counted)
        return 100.0 * self.killed / total if total else 100.0

    def line(self) -> str:
        unchecked = f", {self.unchecked} not run" if self.unchecked else ""
        timeouts = f", {self.timeouts} by timeout" if self.timeouts else ""
        stale = len(self.stale)
        killed_entries = f", {stale} equivalent entries killed" if stale else ""
        return (
            f"{self.name}: {self.percent:.1f}% killed "
            f"({self.killed}{timeouts} of {len(self.counted)} mutants; "
            f"{len(self.equivalent) - stale} equivalent, "
            f"{len(self.survivors)} survived{unchecked}{killed_entries})"
        )


def load_modules(path: Path = CONFIG) -> dict[str, Module]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: Module(
            name,
            tuple(entry["sources"]),
            tuple(entry["tests"]),
            entry.get("select", ""),
            bool(entry.get("sample", False)),
            float(entry.get("timeout_multiplier", 15.0)),
            float(entry.get("timeout_constant", 1.0)),
        )
        for name, entry in data.items()
    }


def load_equivalent(path: Path = EQUIVALENT) -> dict[str, str]:
    return dict(tomllib.loads(path.read_text(encoding="utf-8"))["equivalent"])


def mutmut_config(module: Module) -> str:
    """The [tool.mutmut] table for `module` (appended to the copy's pyproject)."""
    also_copy = [p for p in COPIED if p != "pyproject.toml"]
    pytest_args = ["-p", "no:cacheprovider", "-p", "scripts.mutation_reset"]
    pytest_args += ["-m", "not browser"]
    if module.select:
        pytest_args += ["-k", module.select]
    return (
        "\n[tool.mutmut]\n"
        f"source_paths = {json.dumps(list(module.sources))}\n"
        f"also_copy = {json.dumps(also_copy)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(list(module.tests))}\n"
        f"pytest_add_cli_args = {json.dumps(pytest_args)}\n"
        f"timeout_multiplier = {module.timeout_multiplier}\n"
        f"timeout_constant = {module.timeout_constant}\n"
    )


def prepare(module: Module, folder: Path) -> None:
    """A fresh copy of the repository in `folder`, configured for `module`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, folder / name)
    configure(module, folder)


def configure(module: Module, folder: Path) -> None:
    """The repository's pyproject with the [tool.mutmut] table of `module`."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        pyproject + mutmut_config(module), encoding="utf-8"
    )


def refresh_tests(module: Module, folder: Path) -> None:
    """The working tree's tests and test selection in the last run's copy."""
    shutil.rmtree(folder / "tests", ignore_errors=True)
    shutil.copytree(ROOT / "tests", folder / "tests", ignore=IGNORED)
    configure(module, folder)


def mutmut(folder: Path, *args: str, capture: bool = True) -> str:
    command = [str(Path(sys.executable).with_name("mutmut")), *args]
    # properties (tests/test_properties.py) on fewer examples per mutant
    env = {**os.environ, "BULLETIN_HYPOTHESIS": "mutation"}
    done = subprocess.run(
        command,
        cwd=folder,
        env=env,
        capture_output=capture,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stdout or "")[-3000:] + (done.stderr or "")[-3000:]
        raise RuntimeError(f"mutmut {' '.join(args)} failed in {folder}:\n{tail}")
    return done.stdout or ""


def exit_codes(folder: Path) -> dict[str, int | None]:
    """Each mutant's test exit code, from the results mutmut keeps beside it."""
    found: dict[str, int | None] = {}
    for meta in sorted((folder / "mutants").rglob("*.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        found.update(data["exit_code_by_key"])
    return found


def statuses(folder: Path) -> dict[str, str]:
    """Each mutant's status (killed, survived, …)."""
    from mutmut.stats import status_by_exit_code

    return {k: status_by_exit_code[v] for k, v in exit_codes(folder).items()}


def keep_codes(folder: Path, codes: dict[str, int | None]) -> None:
    """Put back the exit codes of mutants mutmut reset but did not test again."""
    for meta in sorted((folder / "mutants").rglob("*.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        results = data["exit_code_by_key"]
        for name, code in results.items():
            if code is None and codes.get(name) is not None:
                results[name] = codes[name]
        meta.write_text(json.dumps(data), encoding="utf-8")


def run_again(module: Module, folder: Path, jobs: int) -> None:
    """Test again only the mutants the last run in `folder` did not kill,
    with the working tree's tests: the quick check of new tests. Mutants a
    stopped run did not reach are tested too, so a stopped run can be taken
    up again. Sound as long as tests were only added or made stricter since,
    so a killed mutant stays killed; a full run is the reference figure.
    """
    from mutmut.stats import status_by_exit_code

    before = exit_codes(folder)
    if not before:
        raise NoEarlierRun(f"{module.name}: no run yet in {folder}")
    again = sorted(
        k
        for k, v in before.items()
        if v is None or status_by_exit_code[v] not in DETECTED
    )
    refresh_tests(module, folder)
    try:
        if again:
            mutmut(folder, "run", "--max-children", str(jobs), *again)
    finally:  # also when the run failed or was stopped: the kills stand
        keep_codes(folder, {k: v for k, v in before.items() if k not in again})


def run_module(
    module: Module,
    workdir: Path,
    equivalent: dict[str, str],
    jobs: int,
    report_only: bool = False,
    again: bool = False,
    digit: str = "",
) -> Score:
    folder = workdir / module.name
    if again:
        run_again(module, folder, jobs)
    elif not report_only:
        prepare(module, folder)
        # a sample: only the mutants whose number ends in `digit`
        chosen = [f"*__mutmut_*{digit}"] if digit else []
        mutmut(folder, "run", "--max-children", str(jobs), *chosen)
    if report_only and not (folder / "mutants").is_dir():
        raise NoEarlierRun(f"{module.name}: no run yet in {folder}")
    found = statuses(folder)
    if not found:
        raise RuntimeError(f"{module.name}: mutmut made no mutants")
    mine = {k: v for k, v in equivalent.items() if k in found}
    return Score(module.name, found, mine)


# Prints each named mutant's diff, in one process (a `mutmut show` per
# survivor loads mutmut and its configuration hundreds of times).
SHOW_DIFFS = """
import sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
for name in sys.stdin.read().split():
    print("\\0" + name)
    print(get_diff_for_mutant(name))
"""


def diffs(folder: Path, names: list[str]) -> dict[str, list[str]]:
    """The changed lines (- as written, + as mutated) of each mutant."""
    if not names:
        return {}
    done = subprocess.run(
        [sys.executable, "-c", SHOW_DIFFS],
        cwd=folder,
        input="\n".join(names),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"mutant diffs failed in {folder}:\n{done.stderr[-3000:]}")
    found: dict[str, list[str]] = {}
    for part in done.stdout.split("\0")[1:]:
        name, _, diff = part.partition("\n")
        found[name] = [
            x
            for x in diff.splitlines()
            if x.startswith(("-", "+")) and not x.startswith(("---", "+++"))
        ]
    return found


def report(score: Score, folder: Path, show_diffs: bool = True) -> str:
    lines = [score.line()]
    changed = diffs(folder, score.survivors) if show_diffs else {}
    for name in score.survivors:
        lines.append(f"  {score.statuses[name]}: {name}")
        lines += [f"    {x}" for x in changed.get(name, [])]
    for name in score.stale:
        lines.append(
            f"  killed, yet listed as equivalent (renumbered? see {EQUIVALENT.name}): "
            f"{name}: {score.equivalent[name]}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="invoke mutate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("modules", nargs="*", help="names from modules.toml")
    parser.add_argument("--workdir", type=Path, default=WORKDIR)
    parser.add_argument("--jobs", type=int, default=2, help="parallel mutants")
    parser.add_argument(
        "--min-score", type=float, default=0.0, help="fail below this percent"
    )
    parser.add_argument("--no-diffs", action="store_true")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="report the last run in --workdir (also one stopped part way)",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="test again only the last run's survivors, with the current tests",
    )
    parser.add_argument(
        "--sample",
        choices=list("0123456789"),
        default="",
        metavar="DIGIT",
        help="test only the mutants whose number ends in DIGIT (one in ten)",
    )
    args = parser.parse_args(argv)
    modules = load_modules()
    unknown = [m for m in args.modules if m not in modules]
    if unknown:
        parser.error(f"unknown module {unknown}; known: {', '.join(modules)}")
    chosen = args.modules or [n for n, m in modules.items() if not m.sample]
    equivalent = load_equivalent()
    scores = []
    for name in chosen:
        verb = (
            "testing survivors again in"
            if args.again
            else "reporting"
            if args.report_only
            else "mutating"
        )
        print(f"{verb} {name} ({', '.join(modules[name].sources)}) ...", flush=True)
        try:
            score = run_module(
                modules[name],
                args.workdir,
                equivalent,
                args.jobs,
                args.report_only,
                args.again,
                args.sample,
            )
        except NoEarlierRun as error:
            flag = "--again" if args.again else "--report-only"
            print(f"{error}: run it without {flag} first", file=sys.stderr)
            return 2
        print(report(score, args.workdir / name, not args.no_diffs), flush=True)
        scores.append(score)
    if len(scores) > 1:
        print("\nscore per module:")
        for score in scores:
            print(f"  {score.line()}")
    low = [s.name for s in scores if s.percent < args.min_score]
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())

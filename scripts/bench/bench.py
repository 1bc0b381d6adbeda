"""The benchmark: this project's build against plain Pelican on the same notes.

run_bench generates the notes, then builds them four times, each in a fresh
process: project cold, plain cold, (one note added) project rebuild, plain
rebuild. format_report prints the table; its last line is `ratio X.XX`, the
project's rebuild time over plain Pelican's.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

import pelican
from pelican.settings import read_settings

from plugins.press_notes import registry_for

from .measure import (
    Measurement,
    reported_reuse,
    reported_search,
    reported_search_alone,
    run_measured,
    worker_command,
)
from .notes import extra_note, load_corpus, make_notes, prepare_content, write_note
from .settings import Folders, plain_settings, project_overrides

KINDS = ("project", "plain")
PHASES = ("cold", "rebuild")
MEMORY_TARGET_MB = 300
RATIO_TARGET = 1.00
SEARCH_LABEL = "search index"


class BenchError(Exception):
    """A build in the benchmark failed; the message holds its log."""


@dataclass(frozen=True)
class BenchResult:
    notes: int
    seed: int
    runs: tuple[Measurement, ...]

    def run(self, kind: str, phase: str) -> Measurement:
        return next(m for m in self.runs if m.label == f"{kind} {phase}")

    def ratio(self, phase: str, cpu: bool = False) -> float:
        """Project time / plain Pelican time (wall time, or CPU time)."""

        def time(kind: str) -> float:
            run = self.run(kind, phase)
            return run.cpu_s if cpu else run.wall_s

        plain = time("plain")
        return time("project") / plain if plain else float("inf")


def folders(workdir: Path, kind: str, content: Path) -> Folders:
    return Folders(content, workdir / f"{kind}-output", workdir / f"{kind}-cache")


def build_spec(kind: str, where: Folders, settings_file: Path) -> dict:
    if kind == "project":
        return {
            "settings_file": str(settings_file),
            "overrides": project_overrides(where),
        }
    return {"overrides": plain_settings(where)}


def run_bench(
    notes: int,
    workdir: Path,
    root: Path,
    seed: int = 1,
    settings_file: str = "pelicanconf.py",
    profile_dir: Path | None = None,
    search: bool = False,
) -> BenchResult:
    """Generate `notes` notes under `workdir` and time the four builds; with
    `search` the project builds make the search index, as production does.
    """
    settings_path = root / settings_file
    corpus = load_corpus(
        root / "content" / "notes", registry_for(read_settings(str(settings_path)))
    )
    content = workdir / "content"
    prepare_content(root / "content", content, make_notes(notes, corpus, seed))
    runs = []
    for phase in PHASES:
        if phase == "rebuild":
            write_note(content, extra_note(notes, corpus, seed))
        for kind in KINDS:
            label = f"{kind} {phase}"
            profile = profile_dir / f"{kind}-{phase}.prof" if profile_dir else None
            spec = build_spec(kind, folders(workdir, kind, content), settings_path)
            if search and kind == "project":
                cache = str(workdir / "project-search-cache")
                spec["overrides"]["SEARCH"] = {"index": True, "cache": cache}
            argv = worker_command(kind, spec, profile)
            log = workdir / f"{kind}-{phase}.log"
            measured = run_measured(label, argv, root, log)
            if not measured.ok:
                raise BenchError(f"{label} build failed:\n{measured.log[-4000:]}")
            runs.append(measured)
    runs.append(measure_search_index(workdir, root, settings_path, content))
    return BenchResult(notes=notes, seed=seed, runs=tuple(runs))


def measure_search_index(
    workdir: Path, root: Path, settings_path: Path, content: Path
) -> Measurement:
    """The search index step alone, on the project rebuild's output, in a
    fresh process with an empty bundle cache (as after any note changed).
    """
    where = folders(workdir, "project", content)
    spec = build_spec("project", where, settings_path)
    cache = workdir / "search-cache"
    spec["overrides"]["SEARCH"] = {"index": True, "cache": str(cache)}
    label = SEARCH_LABEL
    measured = run_measured(
        label, worker_command("search", spec), root, workdir / "search-index.log"
    )
    if not measured.ok:
        raise BenchError(f"{label} failed:\n{measured.log[-4000:]}")
    return measured


def format_report(result: BenchResult) -> str:
    """The table, the two ratios, and `ratio X.XX` (rebuild) as the last line."""
    lines = [
        (
            f"bench: {result.notes:,} synthetic notes (seed {result.seed}), "
            f"Python {platform.python_version()}, Pelican {pelican.__version__}"
        ),
        (
            f"{'build':<18}{'wall time (s)':>14}{'CPU time (s)':>14}"
            f"{'peak memory (MB)':>18}"
        ),
    ]
    for m in result.runs:
        lines.append(
            f"{m.label:<18}{m.wall_s:>14.2f}{m.cpu_s:>14.2f}{m.peak_mb:>18.1f}"
        )
    peak = max(m.peak_mb for m in result.runs if m.label.startswith("project"))
    reused = reported_reuse(result.run("project", "rebuild").log)
    if reused is not None:
        lines.append(
            f"project rebuild reused {reused:,} unchanged note pages of "
            f"{result.notes + 1:,}"
        )
    alone = next((m for m in result.runs if m.label == SEARCH_LABEL), None)
    timed = reported_search_alone(alone.log) if alone else None
    if alone is not None and timed is not None:
        lines.append(
            f"search index (Pagefind, {result.notes + 1:,} note pages): made in "
            f"{timed[0]:.2f} s (worker CPU {alone.cpu_s:.2f} s with Pagefind), "
            f"kept bundle linked in {timed[1]:.2f} s; a production build with "
            f"one new note adds the first"
        )
    for phase in PHASES:
        search = reported_search(result.run("project", phase).log)
        if search is not None:
            lines.append(
                f"project {phase}: search index (Pagefind) "
                f"{'reused' if search[1] else 'made'} in {search[0]:.2f} s"
            )
    lines += [
        (
            f"cold ratio {result.ratio('cold'):.2f} (project / plain Pelican, wall "
            f"time; CPU time {result.ratio('cold', cpu=True):.2f})"
        ),
        (
            f"rebuild ratio {result.ratio('rebuild'):.2f} "
            f"(target ≤ {RATIO_TARGET:.2f}; "
            f"CPU time {result.ratio('rebuild', cpu=True):.2f})"
        ),
        f"project peak memory {peak:.0f} MB (target < {MEMORY_TARGET_MB} MB)",
        f"ratio {result.ratio('rebuild'):.2f}",
    ]
    return "\n".join(lines)

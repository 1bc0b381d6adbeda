"""How the builds grow with the archive, and publish-one again on a kept one.

run_growth runs the benchmark at each size: our cold build, the rebuild
after one new note and publish-one (which path each took, the peak memory
of each), and plain Pelican's cold build and rebuild up to `plain_max`
notes (above it they are left out: at 50,000 notes they take longer than
all of ours). format_growth prints the table.

run_publish_again times publish-one once more on a folder an earlier run
kept (`--keep DIR`): one more new note into the site that run left live,
without building the archive again; then the site index alone, read in a
fresh process (its size on disk, the time to read it, the memory it takes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pelican.settings import read_settings

from plugins.press_notes import registry_for

from .bench import (
    PUBLISH_LABEL,
    BenchError,
    build_spec,
    folders,
    measure_publish_one,
    run_bench,
    with_search_index,
)
from .marks import INDEX_BYTES_MARK, INDEX_MS_MARK, INDEX_RSS_MARK
from .measure import (
    Measurement,
    reported,
    reported_path,
    run_measured,
    worker_command,
)
from .notes import load_corpus

PLAIN_MAX = 10_000  # plain Pelican's builds up to this many notes
INDEX_LABEL = "site index read"


@dataclass(frozen=True)
class GrowthRow:
    """The builds at one size: ours (cold, rebuild, publish-one) and plain
    Pelican's (cold, rebuild) when run.
    """

    notes: int
    cold: Measurement
    rebuild: Measurement
    publish_one: Measurement
    plain_cold: Measurement | None = None
    plain_rebuild: Measurement | None = None

    @property
    def load(self) -> tuple[float, float]:
        """Load average (1 minute) at the first build's start, the last's end."""
        runs = [self.cold, self.rebuild, self.publish_one]
        runs += [m for m in (self.plain_cold, self.plain_rebuild) if m]
        return min(r.load[0] for r in runs), max(r.load[1] for r in runs)


def run_growth(
    sizes: list[int],
    workdir: Path,
    root: Path,
    seed: int = 1,
    plain_max: int = PLAIN_MAX,
) -> list[GrowthRow]:
    """Our builds at each size, plain Pelican's up to `plain_max` notes; each
    size in workdir/growth-N (a kept folder's notes are reused).
    """
    rows = []
    for size in sizes:
        where = workdir / f"growth-{size}"
        where.mkdir(parents=True, exist_ok=True)
        plain = size <= plain_max
        kinds = ("project", "plain") if plain else ("project",)
        result = run_bench(
            size,
            where,
            root,
            seed=seed,
            kinds=kinds,
            hugo=False,
            search_alone=False,
            edits=False,
        )
        rows.append(
            GrowthRow(
                notes=size,
                cold=result.run("project", "cold"),
                rebuild=result.run("project", "rebuild"),
                publish_one=result.run("project", "publish-one"),
                plain_cold=result.run("plain", "cold") if plain else None,
                plain_rebuild=result.run("plain", "rebuild") if plain else None,
            )
        )
    return rows


def path_of(run: Measurement) -> str:
    """'fast' or 'full': the path a project build said it took."""
    said = reported_path(run.log)
    return "?" if said is None else said.split(" ", 1)[0]


def timed(run: Measurement | None) -> str:
    return "–" if run is None else f"{run.wall_s:.2f} / {run.cpu_s:.2f}"


def format_growth(rows: list[GrowthRow]) -> str:
    """A Markdown table (wall / CPU seconds: CPU time is steadier on a busy
    machine; peak memory of each of our builds), then why each rebuild and
    publish-one took its path.
    """
    lines = [
        (
            "| notes | publish-one (s) | path | peak (MB) | rebuild (s) | path "
            "| peak (MB) | cold (s) | peak (MB) | plain cold (s) "
            "| plain rebuild (s) | load |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        (
            f"| {r.notes:,} | {timed(r.publish_one)} | {path_of(r.publish_one)} "
            f"| {r.publish_one.peak_mb:.0f} | {timed(r.rebuild)} "
            f"| {path_of(r.rebuild)} | {r.rebuild.peak_mb:.0f} | {timed(r.cold)} "
            f"| {r.cold.peak_mb:.0f} | {timed(r.plain_cold)} "
            f"| {timed(r.plain_rebuild)} | {r.load[0]:.1f}–{r.load[1]:.1f} |"
        )
        for r in rows
    ]
    for r in rows:
        for label, run in (("rebuild", r.rebuild), ("publish-one", r.publish_one)):
            said = str(reported_path(run.log)).replace(" (", " path (", 1)
            lines.append(f"{r.notes:,} notes: {label} took the {said}")
    return "\n".join(lines)


def run_publish_again(
    workdir: Path,
    root: Path,
    seed: int = 1,
    settings_file: str = "pelicanconf.py",
    profile: Path | None = None,
    search: bool = False,
) -> tuple[Measurement, Measurement]:
    """publish-one on the site an earlier run left in `workdir` (its
    content and project output as they are), then the site index read alone.
    """
    content = workdir / "content"
    if not (content / "notes").is_dir() or not (workdir / "project-output").is_dir():
        raise BenchError(f"no earlier run's notes and site in {workdir}")
    settings_path = root / settings_file
    corpus = load_corpus(
        root / "content" / "notes", registry_for(read_settings(str(settings_path)))
    )
    spec = build_spec("project", folders(workdir, "project", content), settings_path)
    if search:
        with_search_index(spec, workdir)
    publish = measure_publish_one(
        workdir, root, spec, content, corpus, seed, profile=profile
    )
    index = run_measured(
        INDEX_LABEL, worker_command("index", spec), root, workdir / "index.log"
    )
    if not index.ok:
        raise BenchError(f"{INDEX_LABEL} failed:\n{index.log[-4000:]}")
    return publish, index


def format_publish_again(
    workdir: Path, publish: Measurement, index: Measurement
) -> str:
    """publish-one's figures and the site index's, with the time and load."""
    notes = len(list((workdir / "content" / "notes").rglob("*.md")))
    size, ms = reported(index.log, INDEX_BYTES_MARK), reported(index.log, INDEX_MS_MARK)
    rss = reported(index.log, INDEX_RSS_MARK)
    now = datetime.now(UTC)
    lines = [
        (
            f"bench publish-one again: {notes:,} notes in {workdir}, "
            f"{now:%Y-%m-%d %H:%M} UTC, load "
            f"{publish.load[0]:.2f}-{publish.load[1]:.2f}"
        ),
        (
            f"{PUBLISH_LABEL}: wall {publish.wall_s:.2f} s, CPU {publish.cpu_s:.2f} s, "
            f"peak {publish.peak_mb:.0f} MB, {reported_path(publish.log)}"
        ),
    ]
    if size is not None and ms is not None and rss is not None:
        lines.append(
            f"site index: {size / 1e6:.1f} MB on disk, read in {ms / 1000:.2f} s "
            f"(worker CPU {index.cpu_s:.2f} s), resident memory {rss / 1024:.0f} MB "
            f"before reading it, peak {index.peak_mb:.0f} MB after"
        )
    lines.append(f"publish-one {publish.wall_s:.2f}")
    return "\n".join(lines)

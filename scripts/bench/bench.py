"""The benchmark: this project's build against plain Pelican on the same notes.

run_bench generates the notes, then builds them, each build in a fresh
process: project cold, plain cold, (one note added) project rebuild, plain
rebuild; then (one more note added) publish-one, the reporter's own command
(`invoke build`'s build_and_report), timed from writing the note; and, when
Debian's `hugo` is installed, Hugo's full build of the same notes
(scripts/bench/hugo.py). format_report prints the table, `publish-one S`,
`hugo S`, `ratio-hugo R` (publish-one / Hugo) and, last, `ratio X.XX`, the
project's rebuild time over plain Pelican's. growth.py times the builds
at several sizes.
"""

from __future__ import annotations

import os
import platform
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pelican
from pelican.settings import read_settings

from plugins.core.parallel import usable_cores
from plugins.press_notes import registry_for

from .edits import edit_lines, measure_edits
from .hugo import HUGO, hugo_command, hugo_note_pages, make_hugo_site
from .measure import (
    Measurement,
    reported,
    reported_path,
    reported_restored,
    reported_reuse,
    reported_search,
    reported_search_alone,
    run_measured,
    worker_command,
)
from .notes import (
    extra_note,
    load_corpus,
    make_notes,
    prepare_content,
    refresh_content,
    write_note,
)
from .settings import Folders, plain_settings, project_overrides
from .timeline import BUCKET_S, ONE_CORE, bucketed, seconds_at_most

KINDS = ("project", "plain")
PHASES = ("cold", "rebuild")
MEMORY_TARGET_MB = 300
RATIO_TARGET = 1.00
SEARCH_LABEL = "search index"
PUBLISH_LABEL = "project publish-one"
HUGO_LABEL = "hugo full build"


class BenchError(Exception):
    """A build in the benchmark failed; the message holds its log."""


@dataclass(frozen=True)
class BenchResult:
    notes: int
    seed: int
    runs: tuple[Measurement, ...]

    def run(self, kind: str, phase: str) -> Measurement:
        return next(m for m in self.runs if m.label == f"{kind} {phase}")

    def found(self, label: str) -> Measurement | None:
        return next((m for m in self.runs if m.label == label), None)

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


def synthetic_content(
    root: Path, settings_path: Path, workdir: Path, notes: int, seed: int
):
    """`notes` synthetic notes made from the sample notes' words, written
    with the rest of the sample content under workdir/content: the corpus
    they were drawn from and the content folder.
    """
    corpus = load_corpus(
        root / "content" / "notes", registry_for(read_settings(str(settings_path)))
    )
    content = workdir / "content"
    made = make_notes(notes, corpus, seed)
    if content.is_dir():  # a kept folder: its notes reused, its builds cleared
        refresh_content(root / "content", content, made)
        clear_builds(workdir)
    else:
        prepare_content(root / "content", content, made)
    return corpus, content


# What the builds of a run leave in its folder (outputs, caches, the plugins'
# caches beside the content, Hugo's site, the cold builds' folders set
# aside): a reused folder starts without them.
BUILD_FOLDERS = ("*-output", "*-cache", "cache", "hugo-site", "hugo-public", "aside")
# Where the cold builds' folders wait, once measured, to be removed when the
# run ends; and how long a run that removed files before its first build
# waits before it (seconds). On ext4 without a journal (this project's
# machines) a file created within a minute of others being removed costs
# up to twenty times its usual CPU: the inode allocator steps over each
# recently freed inode, reading its block (ext4's recently_deleted(): an
# inode freed less than 60 s ago is not reused, less than 360 s ago while
# its block is not yet written out, and a build creating files writes to
# those blocks again): 3,000 files made at once after 60,000 were removed
# took 2.3 s of CPU, 30 s later 0.1 s. Removing each build's folders
# before the next build cost the project's cold build of 10,000 notes
# 79-85 s of CPU, against 71-83 s with them set aside (1 December 2026,
# three rounds each). A cold build started 104 s after six cold builds'
# folders were removed (some 200,000 files and folders), their blocks
# written out, spent 5.0 % of its samples making inodes (perf:
# __ext4_new_inode, recently_deleted 3.9 %); six minutes after, 0.6 %
# (2 December 2026, 18:10 and 18:15 UTC). So the wait is the kernel's
# 360 s and a little more.
ASIDE = "aside"
SETTLE_S = 370
# When a bench run last ended (this file's time): its builds replaced and
# removed files, and the run removed its folders, so the next run's first
# build waits until SETTLE_S after it (settle_after_last_run). Cold runs
# started 18 s and 4 minutes after the last one ended measured the
# project's cold build 1.08-1.15 x and 1.07-1.19 x plain Pelican's;
# started ten minutes after, 0.99-1.07 x (2 December 2026, 17:25, 18:04
# and 17:36 UTC).
# (the user's own: the system's temporary folder is everyone's, and a link
# left there is neither followed nor read)
RUN_ENDED = Path(tempfile.gettempdir()) / f"bulletin-bench-{os.getuid()}.ended"
# A run of fewer notes than this (the test suite's) does not wait: it makes
# too few files to be slowed, and its times are not the figures.
SETTLE_NOTES = 1000


def clear_builds(workdir: Path) -> None:
    for pattern in BUILD_FOLDERS:
        for folder in workdir.glob(pattern):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder)


def run_bench(
    notes: int,
    workdir: Path,
    root: Path,
    seed: int = 1,
    settings_file: str = "pelicanconf.py",
    profile_dir: Path | None = None,
    search: bool = False,
    kinds: tuple[str, ...] = KINDS,
    hugo: bool = True,
    search_alone: bool = True,
    edits: bool = True,
) -> BenchResult:
    """Generate `notes` notes under `workdir` and time the builds (only the
    project's with kinds=("project",) and hugo=False); with `search` the
    project builds make the search index, as production does; with
    `search_alone` (and plain Pelican's builds) the search index step alone.
    """
    settings_path = root / settings_file
    reused = (workdir / "content").is_dir()
    corpus, content = synthetic_content(root, settings_path, workdir, notes, seed)
    if reused and notes >= SETTLE_NOTES:  # the last run's builds were removed
        settle()
    runs = []
    for phase in PHASES:
        if phase == "rebuild":
            write_note(content, extra_note(notes, corpus, seed))
        for kind in kinds:
            label = f"{kind} {phase}"
            profile = profile_dir / f"{kind}-{phase}.prof" if profile_dir else None
            spec = build_spec(kind, folders(workdir, kind, content), settings_path)
            if search and kind == "project":
                with_search_index(spec, workdir)
            argv = worker_command(kind, spec, profile)
            log = workdir / f"{kind}-{phase}.log"
            measured = run_measured(label, argv, root, log)
            if not measured.ok:
                raise BenchError(f"{label} build failed:\n{measured.log[-4000:]}")
            runs.append(measured)
    spec = build_spec("project", folders(workdir, "project", content), settings_path)
    if search:
        with_search_index(spec, workdir)
    runs.append(measure_publish_one(workdir, root, spec, content, corpus, seed))
    runs += measure_edits(workdir, root, spec, content) if edits else []
    if "plain" in kinds and search_alone:
        runs.append(measure_search_index(workdir, root, settings_path, content))
    if hugo and shutil.which(HUGO):
        runs.append(measure_hugo(workdir, content))
    return BenchResult(notes=notes, seed=seed, runs=tuple(runs))


def with_search_index(spec: dict, workdir: Path) -> None:
    """A project build that makes the search index, as production does."""
    cache = str(workdir / "project-search-cache")
    spec["overrides"]["SEARCH"] = {"index": True, "cache": cache}


def measure_publish_one(
    workdir: Path,
    root: Path,
    spec: dict,
    content: Path,
    corpus,
    seed: int,
    profile: Path | None = None,
) -> Measurement:
    """One more new note, timed from writing it to the end of the reporter's
    build command (build_and_report, what `invoke build` runs).
    """
    note = extra_note(len(list((content / "notes").rglob("*.md"))), corpus, seed)
    measured = run_measured(
        PUBLISH_LABEL,
        worker_command("publish", spec, profile),
        root,
        workdir / "publish-one.log",
        before=lambda: write_note(content, note),
    )
    if not measured.ok:
        raise BenchError(f"{PUBLISH_LABEL} failed:\n{measured.log[-4000:]}")
    return measured


def measure_hugo(workdir: Path, content: Path) -> Measurement:
    """Hugo's full build of the same notes; every note must get its page."""
    site, public = workdir / "hugo-site", workdir / "hugo-public"
    count = make_hugo_site(content, site)
    measured = run_measured(
        HUGO_LABEL, hugo_command(site, public), workdir, workdir / "hugo.log"
    )
    if not measured.ok:
        raise BenchError(f"{HUGO_LABEL} failed:\n{measured.log[-4000:]}")
    built = hugo_note_pages(public)
    if built != count:
        raise BenchError(f"hugo wrote {built} note pages for {count} notes")
    version = subprocess.run([HUGO, "version"], capture_output=True, text=True)
    log = f"{measured.log}\n{HUGO_PAGES_MARK} {built}\n{version.stdout.strip()}"
    return Measurement(
        measured.label,
        measured.wall_s,
        measured.peak_mb,
        measured.exit_code,
        log,
        measured.cpu_s,
    )


HUGO_PAGES_MARK = "hugo note pages:"


def hugo_version(log: str) -> str:
    """The version `hugo version` printed last in a Hugo run's log."""
    last = log.strip().splitlines()[-1].split()
    return last[1].removeprefix("v").split("+")[0] if len(last) > 1 else "?"


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


def path_lines(result: BenchResult) -> list[str]:
    """Which path the project's rebuild and publish-one took, and why."""
    runs = (
        ("project rebuild", result.run("project", "rebuild")),
        ("publish-one", result.found(PUBLISH_LABEL)),
    )
    found = [(label, reported_path(run.log)) for label, run in runs if run]
    return [
        f"{label} took the {path.replace(' (', ' path (', 1)}"
        for label, path in found
        if path is not None
    ]


def format_report(result: BenchResult) -> str:
    """The table, the two ratios, and `ratio X.XX` (rebuild) as the last line."""
    lines = [
        (
            f"bench: {result.notes:,} synthetic notes (seed {result.seed}), "
            f"Python {platform.python_version()}, Pelican {pelican.__version__}"
        ),
        (
            f"{'build':<20}{'wall time (s)':>14}{'CPU time (s)':>14}"
            f"{'peak memory (MB)':>18}"
        ),
    ]
    for m in result.runs:
        lines.append(
            f"{m.label:<20}{m.wall_s:>14.2f}{m.cpu_s:>14.2f}{m.peak_mb:>18.1f}"
        )
    peak = max(m.peak_mb for m in result.runs if m.label.startswith("project"))
    publish = result.found(PUBLISH_LABEL)
    hugo = result.found(HUGO_LABEL)
    reused = reported_reuse(result.run("project", "rebuild").log)
    if reused is not None:
        lines.append(
            f"project rebuild reused {reused:,} unchanged note pages of "
            f"{result.notes + 1:,}"
        )
    restored = reported_restored(result.run("project", "rebuild").log)
    if restored is not None:
        lines.append(
            f"project rebuild restored {restored:,} unchanged notes of "
            f"{result.notes + 1:,} from the last build's snapshot"
        )
    lines += path_lines(result)
    alone = next((m for m in result.runs if m.label == SEARCH_LABEL), None)
    timed = reported_search_alone(alone.log) if alone else None
    if alone is not None and timed is not None:
        lines.append(
            f"search index (Pagefind, {result.notes + 1:,} note pages): made in "
            f"{timed[0]:.2f} s (worker CPU {alone.cpu_s:.2f} s with Pagefind), "
            f"kept bundles linked in {timed[1]:.2f} s; a production build with "
            f"one new note makes only the newest year's index again (project rebuild)"
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
    ]
    if publish is not None:
        lines.append(f"publish-one {publish.wall_s:.2f}")
        lines += edit_lines(result.runs)
    if hugo is not None:
        pages = reported(hugo.log, HUGO_PAGES_MARK)
        lines.append(
            f"hugo built {pages:,} note pages of {pages:,} notes "
            f"(Hugo {hugo_version(hugo.log)}, --buildFuture)"
        )
        lines.append(f"hugo {hugo.wall_s:.2f}")
        if publish is not None:
            ratio = publish.wall_s / hugo.wall_s if hugo.wall_s else float("inf")
            lines.append(f"ratio-hugo {ratio:.2f}")
    lines.append(f"ratio {result.ratio('rebuild'):.2f}")
    return "\n".join(lines)


@dataclass(frozen=True)
class ColdRun:
    """One cold build of the cold comparison, with the machine's load average
    (1 minute) when it started and when it ended.
    """

    measured: Measurement
    round: int
    workers: int | None  # None: plain Pelican
    load: tuple[float, float]


def run_cold(
    notes: int,
    workdir: Path,
    root: Path,
    workers: list[int],
    seed: int = 1,
    rounds: int = 1,
    settings_file: str = "pelicanconf.py",
    profile_dir: Path | None = None,
    timeline: bool = False,
) -> list[ColdRun]:
    """Cold builds of the same notes, each in a fresh process with empty
    output and cache folders (the plugins' too): plain Pelican, then the
    project with each number of worker processes (plugins/core/parallel.py
    WORKERS), `rounds` times. Each build's folders are set aside once it is
    measured and removed when the run ends (ASIDE): no build starts just
    after files were removed. `timeline`: the cores each build keeps busy
    are looked at as it runs (timeline.py).
    """
    settings_path = root / settings_file
    reused = (workdir / "content").is_dir()
    _, content = synthetic_content(root, settings_path, workdir, notes, seed)
    if reused and notes >= SETTLE_NOTES:  # the last run's builds were removed
        settle()
    aside = workdir / ASIDE
    # a link or a file left by hand: the builds' folders would wait where
    # it points, or could not
    if aside.is_symlink() or (aside.exists() and not aside.is_dir()):
        aside.unlink()
    try:
        return cold_runs(
            content,
            workdir,
            root,
            workers,
            settings_path,
            rounds,
            profile_dir,
            aside,
            timeline,
        )
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def settle() -> None:
    """Wait until files removed now no longer slow the files created next
    (SETTLE_S), their blocks on disk first.
    """
    os.sync()
    time.sleep(SETTLE_S)


def wait_left(ended: float | None, now: float, settle_s: float = SETTLE_S) -> float:
    """Seconds still to wait, at `now`, for a run that ended at `ended`
    (None: none ended) to no longer slow the files created next; never
    more than `settle_s` (a clock set back).
    """
    if ended is None:
        return 0.0
    return min(settle_s, max(0.0, ended + settle_s - now))


def settle_after_last_run(stamp: Path = RUN_ENDED) -> float:
    """Wait until the last bench run's removals no longer slow the files
    the next builds create (their blocks on disk first); the seconds waited.
    """
    os.sync()
    try:
        found = stamp.lstat()
    except OSError:
        found = None
    ended = found.st_mtime if found and is_own_stamp(found) else None
    left = wait_left(ended, time.time())
    time.sleep(left)
    return left


def is_own_stamp(found: os.stat_result) -> bool:
    """Whether what is at the stamp's place is a stamp this user made: a
    file of its own (not a link, a pipe or another user's file, nor a
    second name of another file, whose time would be set through it).
    """
    return (
        stat.S_ISREG(found.st_mode)
        and found.st_uid == os.getuid()
        and found.st_nlink == 1
    )


def mark_run_ended(stamp: Path = RUN_ENDED) -> None:
    """Note that a bench run ended now (see RUN_ENDED); anything at the
    stamp's place but the user's own stamp (is_own_stamp) is left as it is,
    the note then not kept. Opened without waiting: a pipe left there
    would hold the run's end until something read it.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    with suppress(OSError):
        fd = os.open(stamp, flags, 0o600)
        try:
            if is_own_stamp(os.fstat(fd)):
                os.utime(fd)
        finally:
            os.close(fd)


@contextmanager
def settled_run(notes: int, stamp: Path = RUN_ENDED) -> Iterator[None]:
    """A bench run of `notes` notes (its folders' removal included): from
    SETTLE_NOTES notes, started once the last run's removals no longer slow
    it; its end noted however it ends.
    """
    if notes >= SETTLE_NOTES:
        settle_after_last_run(stamp)
    try:
        yield
    finally:
        mark_run_ended(stamp)


def set_aside(folder: Path, aside: Path) -> None:
    """Move `folder` (if there) into a folder of its own under `aside`,
    where it waits to be removed: not removed now, before the next build.
    """
    if folder.exists():
        aside.mkdir(exist_ok=True)
        os.replace(folder, Path(tempfile.mkdtemp(dir=aside)) / folder.name)


def cold_runs(
    content: Path,
    workdir: Path,
    root: Path,
    workers: list[int],
    settings_path: Path,
    rounds: int,
    profile_dir: Path | None,
    aside: Path,
    timeline: bool = False,
) -> list[ColdRun]:
    runs = []
    for round_ in range(1, rounds + 1):
        for count in [None, *workers]:
            kind = "plain" if count is None else "project"
            name = f"{kind}-{round_}" + (f"-w{count}" if count else "")
            where = Folders(
                content, workdir / f"{name}-output", workdir / f"{name}-cache"
            )
            spec = build_spec(kind, where, settings_path)
            if count is not None:
                spec["workers"] = count
            profile = profile_dir / f"{name}.prof" if profile_dir else None
            label = "plain cold" if count is None else f"project cold {count}w"
            # the plugins' own caches (preview images, photos, icons) live
            # beside the content folder: a cold build makes them all
            set_aside(workdir / "cache", aside)
            before = os.getloadavg()[0]
            try:
                measured = run_measured(
                    label,
                    worker_command(kind, spec, profile),
                    root,
                    workdir / f"{name}.log",
                    sample=timeline,
                )
            finally:
                # however the build ended: the run leaves none of its folders
                for folder in (where.output, where.cache, workdir / "cache"):
                    set_aside(folder, aside)
            after = os.getloadavg()[0]
            if not measured.ok:
                raise BenchError(f"{label} build failed:\n{measured.log[-4000:]}")
            runs.append(ColdRun(measured, round_, count, (before, after)))
    return runs


def format_cold(notes: int, seed: int, runs: list[ColdRun]) -> str:
    """The cold builds' table (with the load average, 1 minute, at their start
    and end) and, per round and worker count, the ratio to plain Pelican's
    build of the same round, wall and CPU time (workers' CPU counted).
    """
    lines = [
        (
            f"bench cold: {notes:,} synthetic notes (seed {seed}), "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"Pelican {pelican.__version__}"
        ),
        (
            f"{'build':<22}{'round':>6}{'wall (s)':>10}{'CPU (s)':>10}"
            f"{'peak (MB)':>11}{'load start-end':>16}"
        ),
    ]
    for run in runs:
        m = run.measured
        lines.append(
            f"{m.label:<22}{run.round:>6}{m.wall_s:>10.2f}{m.cpu_s:>10.2f}"
            f"{m.peak_mb:>11.1f}{run.load[0]:>10.2f}-{run.load[1]:.2f}"
        )
    plain = {r.round: r.measured for r in runs if r.workers is None}
    for run in runs:
        base = plain.get(run.round)
        if run.workers is None or base is None:
            continue
        wall = run.measured.wall_s / base.wall_s if base.wall_s else float("inf")
        cpu = run.measured.cpu_s / base.cpu_s if base.cpu_s else float("inf")
        lines.append(
            f"cold ratio {wall:.2f} with {run.workers} worker(s), round "
            f"{run.round} (wall; CPU {cpu:.2f}; target ≤ {RATIO_TARGET:.2f})"
        )
    lines += [line for run in runs for line in timeline_lines(run)]
    return "\n".join(lines)


def timeline_lines(run: ColdRun, cores: int | None = None) -> list[str]:
    """A sampled build's timeline (the mean cores busy every BUCKET_S
    seconds), how long at most one core worked, the core-seconds the build
    left idle (cores × wall − CPU: unused, or used by other programs) and
    what the looks cost; none if not sampled.
    """
    m = run.measured
    if not m.busy:
        return []
    cores = cores or usable_cores()
    spans = list(m.busy)
    name = f"{m.label}, round {run.round}"
    alone = seconds_at_most(spans, ONE_CORE)
    idle = max(0.0, cores * m.wall_s - m.cpu_s)
    each = " ".join(f"{busy:.1f}" for busy in bucketed(spans))
    return [
        f"timeline {name} (cores busy, each {BUCKET_S:g} s): {each}",
        (
            f"timeline {name}: at most one core busy {alone:.1f} s of "
            f"{m.wall_s:.1f}; {idle:.1f} core-seconds left idle of "
            f"{cores * m.wall_s:.1f}; {m.looks}"
        ),
    ]

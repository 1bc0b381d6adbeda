"""Build the bulletin into a staging folder and swap it in only on success.

A failed build (bad content, a template error, any error logged while
building) leaves the published output folder exactly as it was. One build
at a time per output folder: the whole build-and-swap holds a lock
(`site_lock`, also taken by `invoke share`); a second build waits for it
(BUILD_LOCK_WAIT seconds, then fails saying so). Each build writes into its
own staging folder. Unchanged note pages are linked from the published
folder by the page_reuse plugin, which this driver points at that folder
(PAGE_REUSE["published"]).
"""

from __future__ import annotations

import ctypes
import fcntl
import gc
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

from pelican import Pelican, signals
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError

from plugins.core import background, children
from plugins.core.clock import build_now
from plugins.core.core import plugin_problems
from plugins.core.errors import BuildFailed, BulletinError, SettingError, display_path
from plugins.core.messages import _, ngettext_, set_language
from plugins.core.packed import close_spill, forget_memos
from plugins.page_reuse import notes_restored, pages_reused

from . import fast_build, fast_registry, fast_run, placement, site_index

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    notes: int
    pages: int
    warnings: int
    reused: int = 0
    restored: int = 0
    # which path the build took ("fast" or "full") and why (scripts/fast_build.py)
    path: str = "full"
    why: str = ""
    # the warnings logged, as the reader of the log saw them (a fast build
    # repeats those of the full build before it)
    warned: tuple[str, ...] = ()
    # every file of the output as the build left it (site_index.survey)
    output_files: str = ""
    # a fast build: the files it put in place (every other file stayed)
    placed: int = 0


class _Collector(logging.Handler):
    """Keeps the warnings and the errors logged during one build."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warned: list[str] = []

    @property
    def warnings(self) -> int:
        return len(self.warned)

    def emit(self, record):
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
        else:
            self.warned.append(record.getMessage())


# Seconds a build waits for another build of the same output to finish.
LOCK_WAIT = 600.0
_locks_guard = threading.Lock()
_thread_locks: dict[str, threading.RLock] = {}
_held: dict[str, int] = {}


def lock_path(output: Path) -> Path:
    """The lock file of an output folder, beside it (builds and share runs)."""
    return output.parent / f".{output.name}.lock"


def _flock(fd: int, deadline: float) -> bool:
    """Take an exclusive flock on `fd`, retrying until `deadline`."""
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            if not announced:
                logger.warning("%s", _("waiting for another build to finish..."))
                announced = True
            time.sleep(0.2)


@contextmanager
def site_lock(
    path: Path, busy: BulletinError, wait: float = 0.0, *, reentrant: bool = True
) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a folder, or a lock file made if
    missing) across processes and threads; raise `busy` if another holder
    keeps it longer than `wait` seconds. The same thread may take it again
    if `reentrant` (a share run holds the build lock around its build).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = str(path.resolve())
    with _locks_guard:
        rlock = _thread_locks.setdefault(key, threading.RLock())
    deadline = time.monotonic() + wait
    if not (rlock.acquire(timeout=wait) if wait > 0 else rlock.acquire(False)):
        raise busy
    fd = None
    try:
        if _held.get(key) and not reentrant:
            raise busy
        if not _held.get(key):
            flags = os.O_RDONLY if path.is_dir() else os.O_RDWR | os.O_CREAT
            fd = children.parent_only(os.open(path, flags, 0o644))
            if not _flock(fd, deadline):
                raise busy
        _held[key] = _held.get(key, 0) + 1
        try:
            yield
        finally:
            _held[key] -= 1
    finally:
        if fd is not None:
            children.forget(fd)
            os.close(fd)
        rlock.release()


def build_busy(output: Path) -> BuildFailed:
    return BuildFailed(
        _(
            "another build or `invoke share` of %(output)s is running; try "
            "again when it ends",
            output=output,
        )
    )


def staging_path(output: Path) -> Path:
    """The folder holding each build's own staging folder, beside the output
    (same filesystem, so the swap is a rename); a fast build's staging
    folder is there too.
    """
    return placement.staging_root(output)


def new_staging(output: Path) -> Path:
    """A fresh staging folder for one build."""
    root = staging_path(output)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="build-", dir=root))


def drop_staging(staging: Path) -> None:
    """Remove a build's staging folder (and the holder once empty)."""
    shutil.rmtree(staging, ignore_errors=True)
    with suppress(OSError):
        staging.parent.rmdir()


def previous_path(output: Path) -> Path:
    return output.parent / f".{output.name}.previous"


def template_place(error: BaseException) -> str:
    """Where in a template an error was raised, as " (file, line N)", or "".

    Jinja names the frames of a running template after its file.
    """
    frames = traceback.extract_tb(error.__traceback__)
    in_templates = [f for f in frames if f.filename.endswith(".html")]
    if not in_templates:
        return ""
    where = in_templates[-1]
    return f" ({display_path(where.filename)}, line {where.lineno})"


def written_twice(error: FileOverwriteFailedError, output: Path) -> str:
    """What to do when two pages were to be written to one file (Pelican's
    writer, or page_workers.refuse_twice, refused the second): the file as
    its place in the site, taken from the error's message, which quotes it.
    """
    quoted = re.search(r'"([^"]+)"', str(error))
    place = quoted.group(1) if quoted else str(error)
    with suppress(ValueError):
        place = Path(place).relative_to(output).as_posix()
    return _(
        "two pages would be written to one file of the site, %(file)s: a "
        "page's save_as (or a setting such as TAG_URL or CATEGORY_URL) gives "
        "it the address of another page; change one of them",
        file=place,
    )


def trash_folders(output: Path) -> list[Path]:
    """Replaced outputs waiting to be removed, beside the output (each in a
    folder of its own, so a removal never races the next build's move).
    """
    return sorted(output.parent.glob(f".{output.name}.trash-*"))


def to_trash(folder: Path, output: Path) -> None:
    """Move `folder` beside the output into a trash folder of its own."""
    if folder.exists():
        trash = tempfile.mkdtemp(prefix=f".{output.name}.trash-", dir=output.parent)
        os.replace(folder, Path(trash) / "site")


def sweep_staging(output: Path) -> None:
    """Staging folders of builds that were killed (a SIGKILL, the OOM killer)
    go to the trash. Only a build holding the output's lock calls this: no
    other build of this output is running, so every staging folder there is
    a dead build's.
    """
    root = staging_path(output)
    leftovers = []
    if root.is_dir():
        found = [root.glob(f"{kind}-*") for kind in ("build", "fast", "alone")]
        leftovers = sorted(p for kind in found for p in kind)
    for folder in leftovers:
        to_trash(folder, output)
    if leftovers:
        discard(root / "none", output)


def discard(folder: Path, output: Path) -> None:
    """Move `folder` out of the way at once and remove it in the background:
    removing ten thousand folders of a replaced output took longer than the
    rest of a rebuild on a busy machine, and nothing waits for it. Leftovers
    of an earlier removal that was stopped go too; nothing stays beside the
    output once the removal ends.
    """
    to_trash(folder, output)
    leftovers = [str(p) for p in trash_folders(output)]
    if not leftovers:
        return
    rm = shutil.which("rm")
    if rm is None:
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", *leftovers],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def swap_in(staging: Path, output: Path) -> None:
    """Replace `output` with `staging` by two renames; no partial state stays.
    The replaced output is removed in the background (`discard`).
    """
    previous = previous_path(output)
    discard(previous, output)
    if output.exists():
        os.replace(output, previous)
    os.replace(staging, output)
    discard(previous, output)


def load_settings(settings_file: str, overrides: dict | None = None) -> dict:
    return read_settings(settings_file, override=dict(overrides or {}))


# The cyclic garbage collector's first threshold while a build runs (and in
# the workers it forks); Python's own is 700. A full collection is asked
# for only after a count of young ones, each after that many allocations:
# with 700 the build's process made 14 full collections of a 10,000-note
# cold build, most finding nothing (the checks' results, the notes being
# read: only growth), 1.7 s in all; with 10,000 one, 0.3 s, and the young
# ones 0.6 s against 0.4 s, the peak memory the same (186.9 and 187.2 MB;
# at 50,000 notes 585.5 MB against 590.9, both builds at once).
YOUNG_THRESHOLD = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The collector's first threshold YOUNG_THRESHOLD while the build
    runs, put back after (a long-running process, `make serve`, tests).
    """
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def build(settings_file: str, overrides: dict | None = None) -> BuildResult:
    """Build the site; raise BuildFailed (output untouched) on any error."""
    try:
        with fewer_collections():
            return _build(settings_file, overrides)
    finally:
        # however it ended (a full build's notes went before its index was
        # written; a fast build's of its new notes alone, a failed build's
        # had not), Pelican's memos keep nothing of its notes
        forget_memos()
        # nor is its spill file kept open (a failed build never reached
        # Pelican's `finalized`, which closes it)
        close_spill()


def _build(settings_file: str, overrides: dict | None) -> BuildResult:
    settings = load_settings(settings_file, overrides)
    set_language(settings)
    try:
        build_now(settings)  # a wrong BUILD_TIME stops the build before it starts
    except SettingError as e:
        raise BuildFailed(str(e)) from e
    output = Path(settings["OUTPUT_PATH"])
    if output.is_symlink():
        raise BuildFailed(
            _(
                "%(output)s is a link; the build replaces the output folder as a "
                "whole, so make it a folder (publish to a web server's folder "
                "with `invoke publish`)",
                output=display_path(output),
            )
        )
    wait = float(settings.get("BUILD_LOCK_WAIT", LOCK_WAIT))
    with (
        site_lock(lock_path(output), build_busy(output), wait),
        site_index.thawed_after(),
    ):
        index_file = site_index.index_path(settings, output)
        if finished := placement.finish(output):
            logger.info("placement: %s", finished)
            site_index.forget(index_file)
        sweep_staging(output)
        # taken before anything is read: an edit made while the build runs
        # is seen by the next one
        before = site_index.before_build(settings)
        day = build_now(settings).date()
        decision, index = choose_path(settings, output, index_file, before)
        fast_build.log_path(decision)
        if decision.fast and index is not None:
            fast = run_fast(settings_file, overrides, settings, index, decision, before)
            if isinstance(fast, BuildResult):
                return fast
            decision = fast_build.full(f"the fast path stopped: {fast}")
            fast_build.log_path(decision)
        # the full build reads every note again: the index read to choose
        # the path (about 245 MB of objects at 50,000 notes) goes first
        del index
        site_index.let_go()
        staging = new_staging(output)
        try:
            result, context = _build_into(settings_file, overrides, settings, staging)
        finally:
            drop_staging(staging)
        # the output is surveyed by a process of its own (it reads only the
        # output folder) while the build makes the site index and lets go
        # of its notes: both take a core of their own, the survey's memory
        # is not the build's
        survey = children.beside(output_survey, settings, output)
        try:
            made = made_index(before, settings, context, output, day, result)
            # the index holds what it needs of the build: the notes go
            # before the index is written
            forget_memos(context)
            del context
            gc.collect()
            give_back_freed()
        finally:
            surveyed = survey()
        keep_index(made and site_index.surveyed_index(made, surveyed), index_file)
        return replace(
            result,
            notes=surveyed.notes,
            pages=surveyed.pages,
            output_files=surveyed.digest,
            path="full",
            why=decision.why,
        )


def choose_path(
    settings: dict, output: Path, index_file: Path, before: site_index.Before
) -> tuple[fast_build.Decision, site_index.SiteIndex | None]:
    """The path this build takes (any failure of the check: the full one),
    and the site index read for it.
    """
    index, why_none = site_index.load(index_file)
    try:
        decision = fast_build.decide(settings, output, index, why_none, before)
    except Exception as e:  # noqa: BLE001 - any doubt: the full build
        return fast_build.full(f"the fast path check failed: {e!r}"), index
    if decision.fast and (missing := fast_run.missing_makers()):
        why = "the FAST CASE holds, but the fast path cannot make these outputs yet: "
        return replace(decision, fast=False, why=why + ", ".join(missing)), index
    return decision, index


def run_fast(
    settings_file: str,
    overrides: dict | None,
    settings: dict,
    index: site_index.SiteIndex,
    decision: fast_build.Decision,
    before: site_index.Before,
) -> BuildResult | str:
    """The fast build, or why it stopped (then the full build runs: any
    placement begun is finished first, and the index is forgotten).
    """
    output = Path(settings["OUTPUT_PATH"])
    try:
        if decision.edit is not None:
            ran: fast_run.Ran | str = fast_registry.run(
                settings_file,
                overrides,
                settings,
                index,
                decision.registry,
                decision.edit,
                before,
            )
        elif decision.registry is not None:
            ran = fast_run.run_registry(settings, index, decision.registry, before)
        else:
            # the records part of the index: read once the fast path runs
            read = site_index.read_records(
                index, site_index.index_path(settings, output)
            )
            if isinstance(read, str):
                return read
            ran = fast_run.run(
                settings_file,
                overrides,
                settings,
                read,
                decision.notes,
                before,
                old=decision.old,
            )
    except Exception as e:  # noqa: BLE001 - any doubt: the full build
        placement.finish(output)
        site_index.forget(site_index.index_path(settings, output))
        return repr(e)
    if isinstance(ran, str):
        return ran
    # what the full build before said about the content it left as it was
    # (drafts not ready, notes to look at): a fast build says it again
    for warning in index.warnings:
        logger.warning("%s", warning)
    warned = len(index.warnings) + ran.warnings
    return BuildResult(
        output,
        ran.surveyed.notes,
        ran.surveyed.pages,
        warned,
        0,
        0,
        "fast",
        decision.why,
        index.warnings,
        ran.surveyed.digest,
        ran.placed,
    )


def give_back_freed() -> None:
    """Hand the memory freed so far back to the system where the C library
    can (glibc's malloc_trim): the blocks Python frees stay with the
    process for its own later use, and the large buffers the site index is
    written with do not fit in them.
    """
    # another C library: nothing to do
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def made_index(
    before: site_index.Before,
    settings: dict,
    context: dict,
    output: Path,
    day,
    result: BuildResult,
) -> site_index.SiteIndex | None:
    """The site index of a full build that went live, from its context
    (None if it cannot be made: the next build is a full one again).
    """
    try:
        return site_index.make_index(
            before,
            settings,
            context,
            output,
            day,
            result.warned,
        )
    except Exception as e:  # noqa: BLE001 - the site is live; next build: full
        logger.warning("site index not written: %r", e)
        return None


def keep_index(index: site_index.SiteIndex | None, index_file: Path) -> None:
    """Write the site index (or remove the last one: no index, the next
    build is a full one).
    """
    try:
        if index is None:
            site_index.forget(index_file)
        else:
            site_index.save(index, index_file)
    except Exception as e:  # noqa: BLE001 - the site is live; next build: full
        logger.warning("site index not written: %r", e)
        site_index.forget(index_file)


def _build_into(
    settings_file: str, overrides: dict | None, settings: dict, staging: Path
) -> tuple[BuildResult, dict]:
    output = Path(settings["OUTPUT_PATH"])
    reuse = {**(settings.get("PAGE_REUSE") or {}), "published": str(output)}
    run_settings = load_settings(
        settings_file,
        {
            **(overrides or {}),
            "OUTPUT_PATH": str(staging),
            "PAGE_REUSE": reuse,
        },
    )
    wanted = [str(p) for p in run_settings.get("PLUGINS") or ()]
    if problems := plugin_problems(wanted, wanted):
        raise BuildFailed("PLUGINS: " + "; ".join(problems))
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    # the build's shared context, for the site index (the dict itself: some
    # records are complete only once the output is written)
    kept: list[dict] = []

    def keep_context(generators) -> None:
        if generators and generators[0].settings is run_settings:
            kept.append(generators[0].context)

    signals.all_generators_finalized.connect(keep_context, weak=False)
    try:
        pelican = Pelican(run_settings)
        # Pelican has replaced PLUGINS with the plugins it could load.
        if problems := plugin_problems(wanted, run_settings["PLUGINS"]):
            raise SettingError("PLUGINS: " + "; ".join(problems))
        pelican.run()
    except BulletinError as e:
        raise BuildFailed("\n".join([str(e), *collector.errors])) from e
    except FileOverwriteFailedError as e:
        raise BuildFailed(written_twice(e, staging)) from e
    except Exception as e:
        error = f"{e.__class__.__name__}: {e}{template_place(e)}"
        raise BuildFailed(_("the build stopped: %(error)s", error=error)) from e
    finally:
        # what a plugin started beside the build ends with it, failed or not
        background.end(run_settings)
        root.removeHandler(collector)
        signals.all_generators_finalized.disconnect(keep_context)
    if collector.errors:
        listed = "\n".join(f"  {m}" for m in collector.errors)
        head = ngettext_(
            "%(num)s error while building:",
            "%(num)s errors while building:",
            len(collector.errors),
        )
        raise BuildFailed(f"{head}\n{listed}")
    swap_in(staging, output)
    # its notes, pages and files: the output's survey (`output_survey`)
    result = BuildResult(
        output,
        0,
        0,
        collector.warnings,
        pages_reused(pelican),
        notes_restored(pelican),
        warned=tuple(collector.warned),
    )
    return result, kept[-1] if kept else {}


def output_survey(settings: dict, output: Path) -> site_index.Survey:
    """The survey of the output a full build just swapped in (its folders
    kept for the next survey).
    """
    folders = site_index.folders_path(site_index.index_path(settings, output))
    return site_index.survey(output, folders, swapped=True)


def count_pages(output: Path) -> tuple[int, int]:
    """(note pages at YYYY/MM/slug/index.html, HTML files in all)."""
    surveyed = site_index.survey(output)
    return surveyed.notes, surveyed.pages


def report(result: BuildResult) -> str:
    if result.path == "fast":
        return _(
            "built %(notes)s notes, %(pages)s HTML pages into %(output)s "
            "(only what changed: %(placed)s files; %(warnings)s warnings)",
            notes=result.notes,
            pages=result.pages,
            output=result.output,
            placed=result.placed,
            warnings=result.warnings,
        )
    return _(
        "built %(notes)s notes, %(pages)s HTML pages into %(output)s "
        "(%(reused)s unchanged note pages reused, %(warnings)s warnings)",
        notes=result.notes,
        pages=result.pages,
        output=result.output,
        reused=result.reused,
        warnings=result.warnings,
    )


def build_and_report(settings_file: str, overrides: dict | None = None) -> bool:
    """Build once, log the outcome; True on success."""
    try:
        logger.info("%s", report(build(settings_file, overrides)))
        return True
    except BuildFailed as e:
        logger.error("%s\n%s", _("Nothing was published; the site is as it was."), e)
        return False

"""The share ledger: which notes were offered to which group, and when.

A tab-separated text file kept beside the content and committed with it
(content/registry/share-ledger.tsv). Runs are appended whole, never edited:

    run  time  event  group  item  detail

    start  a group's digest window begins for the scopes in item (a comma
           list of `station:<slug>` and `district`), at the ISO time in detail
    offer  a note was offered to a group: item is its site URL, detail its title
    end    the run is complete: item is the number of its lines above
    shown  the run's admin page was built and published (group/item/detail '-')

A run counts only once its `end` line is on disk. A run is written with one
append and an fsync, so a crash leaves either the whole run or an unfinished
tail (lines without `end`, maybe a torn last line): readers ignore that tail,
and the next writer cuts it off (rewriting the file atomically, after
keeping a copy of what it cuts and naming it) before appending. A whole,
valid `end` or `shown` line is committed even without its final newline
(an editor or a copy drops it); the next writer adds the newline. `shown`
lines are appended after the admin page is published; a run without one is
re-shown by the next build.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.files import write_atomic, write_new
from plugins.core.messages import _

logger = logging.getLogger(__name__)

HEADER = (
    "# WhatsApp share ledger: what `invoke share` offered to which group.\n"
    "# Append-only: written by `invoke share`, never edit or reorder lines.\n"
    "# Columns (tab-separated): run, time (IST), event, group, item, detail.\n"
    "# start: item = scopes (station:<slug>, district), detail = window start;"
    " offer: item = note URL, detail = title;\n"
    "# end: item = number of the run's lines; shown: the run's page was"
    " published.\n"
)
EVENTS = ("start", "offer", "end", "shown")
COLUMNS = 6
NONE = "-"
SCOPE_SEP = ","


@dataclass
class Run:
    """One committed run of `invoke share`."""

    id: str
    time: str
    starts: list[tuple[str, str, str]] = field(default_factory=list)
    offers: list[tuple[str, str, str]] = field(default_factory=list)  # group,url,title
    shown: bool = False


@dataclass
class LedgerState:
    runs: list[Run] = field(default_factory=list)
    size: int = 0
    # Bytes from tail_offset on belong to no committed run (an interrupted write).
    tail_offset: int = 0
    tail_lines: int = 0
    abandoned_lines: int = 0
    # The last line is a committed closing line without its newline.
    needs_newline: bool = False

    @property
    def has_tail(self) -> bool:
        return self.tail_offset < self.size

    def offered(self) -> dict[str, set[str]]:
        """Note URLs offered so far, per group."""
        result: dict[str, set[str]] = {}
        for run in self.runs:
            for group, url, _title in run.offers:
                result.setdefault(group, set()).add(url)
        return result

    def starts(self) -> dict[tuple[str, str], datetime]:
        """When each (group, scope) window began (the first record wins)."""
        result: dict[tuple[str, str], datetime] = {}
        for run in self.runs:
            for group, keys, since in run.starts:
                for key in keys.split(SCOPE_SEP):
                    result.setdefault((group, key), datetime.fromisoformat(since))
        return result

    def run(self, run_id: str) -> Run | None:
        return next((r for r in self.runs if r.id == run_id), None)


def clean(value: str) -> str:
    """A value safe for one TSV cell (no tabs or line breaks)."""
    return " ".join(str(value).split()) or NONE


def line(run: str, time: str, event: str, group=NONE, item=NONE, detail=NONE) -> str:
    cells = (run, time, event, group, item, detail)
    return "\t".join(clean(c) for c in cells) + "\n"


def format_run(run: Run) -> str:
    """A run's lines, ending with its `end` line."""
    lines = [line(run.id, run.time, "start", g, k, s) for g, k, s in run.starts]
    lines += [line(run.id, run.time, "offer", g, u, t) for g, u, t in run.offers]
    lines.append(line(run.id, run.time, "end", NONE, str(len(lines))))
    return "".join(lines)


def format_shown(run_ids: list[str], time: str) -> str:
    return "".join(line(r, time, "shown") for r in run_ids)


def _problem(path: Path, number: int, message: str) -> ContentError:
    return ContentError([Problem(display_path(path), number, None, message)])


def _closes(cells: list[str], pending: list[tuple[int, list[str]]]) -> bool:
    """True if `cells` are a whole, valid closing line: a `shown` line, or the
    `end` line of the pending run (its id and its count of lines).
    """
    if len(cells) != COLUMNS or cells[5] != NONE:
        return False
    if cells[2] == "shown":
        return True
    return (
        cells[2] == "end"
        and bool(pending)
        and pending[0][1][0] == cells[0]
        and cells[4] == str(len(pending))
    )


def parse_ledger(data: bytes, path: Path) -> LedgerState:  # noqa: C901 - one state machine over the lines
    """Committed runs of a ledger's bytes; an unfinished tail is set aside."""
    state = LedgerState(size=len(data), tail_offset=0)
    pending: list[tuple[int, list[str]]] = []
    runs: dict[str, Run] = {}
    offset = 0
    safe = 0
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        offset += len(raw)
        complete = raw.endswith(b"\n")
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            if complete:
                raise _problem(path, number, _("not UTF-8 text")) from None
            break  # a torn last line
        if not text.strip() or text.startswith("#"):
            if not pending:
                safe = offset
            continue
        cells = text.split("\t")
        if not complete:
            if not _closes(cells, pending):
                break  # a torn last line: the tail
            state.needs_newline = True
        if len(cells) != COLUMNS or cells[2] not in EVENTS:
            raise _problem(
                path,
                number,
                _(
                    "expected %(num)s tab-separated cells with an event in %(events)s",
                    num=COLUMNS,
                    events=", ".join(EVENTS),
                ),
            )
        event = cells[2]
        if event == "shown":
            if cells[0] in runs:
                runs[cells[0]].shown = True
            if not pending:
                safe = offset
            continue
        if pending and pending[0][1][0] != cells[0]:
            # an unfinished run followed by another: it never counted
            state.abandoned_lines += len(pending)
            pending = []
        if event != "end":
            pending.append((number, cells))
            continue
        if not cells[4].isdigit() or int(cells[4]) != len(pending):
            raise _problem(
                path,
                number,
                _(
                    "run %(run)s ends after %(count)s lines but %(num)s precede "
                    "it; lines were removed by hand",
                    run=cells[0],
                    count=cells[4],
                    num=len(pending),
                ),
            )
        run = Run(id=cells[0], time=cells[1])
        for _number, c in pending:
            (run.starts if c[2] == "start" else run.offers).append((c[3], c[4], c[5]))
        runs[run.id] = run
        state.runs.append(run)
        pending = []
        safe = offset
    state.tail_offset = safe
    state.tail_lines = data[safe:].count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if not state.has_tail:
        state.tail_lines = 0
    return state


def read_ledger(path: Path) -> LedgerState:
    """The ledger's committed runs (an absent ledger has none)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LedgerState()
    return parse_ledger(data, path)


def append(path: Path, text: str) -> None:
    """Append `text` with one write and an fsync (the file must be whole)."""
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def prepare(path: Path) -> LedgerState:
    """Make the ledger ready to append: create it, or cut an unfinished tail.

    Returns the committed state. Only a writer (holding the share lock) calls
    this; readers use read_ledger and simply ignore a tail.
    """
    if not path.exists():
        write_atomic(path, HEADER.encode("utf-8"), durable=True)
    data = path.read_bytes()
    state = parse_ledger(data, path)
    if state.has_tail:
        kept = keep_cut(path, data[state.tail_offset :])
        logger.warning(
            "%s",
            _(
                "whatsapp: %(ledger)s ended with %(num)s unfinished line(s) of a "
                "run that never completed; they were cut off and kept in %(copy)s",
                ledger=display_path(path),
                num=state.tail_lines,
                copy=display_path(kept),
            ),
        )
        write_atomic(path, data[: state.tail_offset], durable=True)
    elif state.needs_newline:
        append(path, "\n")
    else:
        return state
    # read again: the offsets of the state parsed before the repair no
    # longer match the file
    return read_ledger(path)


def keep_cut(path: Path, data: bytes) -> Path:
    """Save bytes cut from the ledger beside it, under a name never reused."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    n = 0
    while True:  # a free name comes: a folder holds finitely many
        copy = path.with_name(f"{path.name}.cut-{stamp}-{n}")
        try:
            write_new(copy, data)
            return copy
        except FileExistsError:
            n += 1


# Test hook: kill the process (SIGKILL) at this point of a share run.
CRASH_ENV = "WHATSAPP_TEST_CRASH_AT"
CRASH_POINTS = ("before-record", "mid-record", "after-record", "after-build")


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        logger.warning("whatsapp: test hook: killed at '%s'", name)
        logging.shutdown()
        os.kill(os.getpid(), signal.SIGKILL)


def write_run(path: Path, run: Run) -> None:
    """Append a planned run to a prepared ledger (one write, then fsync)."""
    crash_point("before-record")
    text = format_run(run)
    if os.environ.get(CRASH_ENV) == "mid-record":
        append(path, text[: len(text) // 2])
        crash_point("mid-record")
    append(path, text)
    crash_point("after-record")


def mark_shown(path: Path, run_ids: Sequence[str], now: datetime) -> None:
    """Record that the admin page showing these runs was published."""
    if run_ids:
        prepare(path)
        append(path, format_shown(list(run_ids), now.isoformat(timespec="seconds")))

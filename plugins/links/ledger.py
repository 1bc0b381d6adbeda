"""The published-URL ledger: every note address a production build published.

A tab-separated text file kept with the content and committed like it
(content/registry/published-urls.tsv):

    time (IST)    URL path          note file under content/   note date
    2026-11-28T…  2026/11/<slug>/   notes/2026/11/<file>.md    2026-11-24

The note date is the day of the note's `date` when the address was first
recorded: feed entry ids keep it (plugins/feeds/ids.py), so a corrected
`date` moves the note's address but not its feed id.

Append-only: a production build appends the addresses that are new, all in
one write with an fsync. A crash can leave at most a torn last line (no
line break): readers ignore it and the next writer cuts it off (rewriting
the file atomically) before appending, after keeping a copy of it beside
the ledger (as the share ledger does) and naming file, line and copy in a
warning. Lines are never edited or removed.

`invoke publish` records only what went live: its build writes the
addresses to a pending file beside the ledger (published-urls.pending.tsv,
naming the target), and the publish appends them to the ledger once the
deploy succeeded and removes the file; a failed deploy removes it. A
pending file left by a publish that was killed is settled by the next
publish (plugins' callers decide whether it went live, see
scripts/publish/driver.py).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.files import write_atomic
from plugins.core.messages import _
from plugins.whatsapp.ledger import append, clean, keep_cut

from .paths import clean_path

logger = logging.getLogger(__name__)

HEADER = (
    "# Published note addresses: every note URL a production build has put\n"
    "# online. Links shared to thousands of phones must keep working, so the\n"
    "# build stops if one of these would disappear without a redirect or a\n"
    "# withdrawal. Append-only: written by production builds, never edit,\n"
    "# reorder or remove lines.\n"
    "# Columns (tab-separated): time (IST), URL path, note file under content/,\n"
    "# the note's date then (kept by its feed entry id).\n"
)
COLUMNS = 4


@dataclass(frozen=True)
class Record:
    time: str
    url: str
    note: str
    day: str
    line: int


@dataclass
class Ledger:
    records: list[Record]
    size: int  # bytes of whole lines; anything after is a torn tail
    data_size: int

    def latest(self) -> dict[str, Record]:
        """The last record of each URL."""
        return {r.url: r for r in self.records}

    def pairs(self) -> set[tuple[str, str]]:
        return {(r.url, r.note) for r in self.records}

    def first_days(self) -> dict[str, str]:
        """Each note file's date (YYYY-MM-DD) when it was first recorded."""
        days: dict[str, str] = {}
        for r in self.records:
            days.setdefault(r.note, r.day)
        return days


def parse(data: bytes, path: Path) -> Ledger:
    records = []
    whole = 0
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        if not raw.endswith(b"\n"):
            break  # a torn last line, from a write that never finished
        whole += len(raw)
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise _problem(path, number, _("is not UTF-8 text")) from None
        if not text.strip() or text.startswith("#"):
            continue
        cells = text.split("\t")
        if len(cells) != COLUMNS or not cells[1].endswith("/"):
            raise _problem(
                path,
                number,
                _(
                    "expected %(num)s tab-separated cells (time, URL path ending "
                    "in /, note file, note date); the file was changed by hand: "
                    "restore it from version control",
                    num=COLUMNS,
                ),
            )
        if clean_path(cells[1]) != cells[1]:
            raise _problem(
                path,
                number,
                _(
                    "'%(url)s' is not an address of this site (folders of "
                    "letters, digits and ._~+- ending in /); the file was "
                    "changed by hand: restore it from version control",
                    url=cells[1],
                ),
            )
        records.append(Record(cells[0], cells[1], cells[2], cells[3], number))
    return Ledger(records, whole, len(data))


def _problem(path: Path, line: int, message: str) -> ContentError:
    return ContentError([Problem(display_path(path), line, None, message)])


def read(path: Path) -> Ledger:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Ledger([], 0, 0)
    return parse(data, path)


def format_records(records: list[tuple[str, str, str, str]]) -> str:
    return "".join("\t".join(clean(c) for c in r) + "\n" for r in records)


def record(path: Path, new: list[tuple[str, str, str, str]]) -> int:
    """Append (time, url, note, day) records not in the ledger yet; return how many."""
    ledger = read(path)
    known = ledger.pairs()
    fresh = [r for r in new if (r[1], r[2]) not in known]
    if not fresh:
        return 0
    if not path.exists():
        write_atomic(path, HEADER.encode("utf-8"), durable=True)
    elif ledger.size < ledger.data_size:
        cut_torn_line(path, ledger.size)
    append(path, format_records(fresh))
    return len(fresh)


def cut_torn_line(path: Path, size: int) -> None:
    """Cut the torn tail after `size` bytes off, keeping a copy of it."""
    data = path.read_bytes()
    kept = keep_cut(path, data[size:])
    logger.warning(
        "%s",
        _(
            "links: line %(line)s of %(ledger)s was unfinished (a write that "
            "was interrupted); it was cut off and kept in %(copy)s",
            line=data[:size].count(b"\n") + 1,
            ledger=display_path(path),
            copy=display_path(kept),
        ),
    )
    write_atomic(path, data[:size], durable=True)


PENDING_PART = ".pending-"
PENDING_TARGET = "# target\t"


def pending_path(path: Path, target: str) -> Path:
    """published-urls.tsv -> published-urls.pending-<hash of the target>.tsv:
    one file per target, so publishes to two targets never settle each
    other's addresses.
    """
    key = hashlib.blake2b(target.encode("utf-8"), digest_size=6).hexdigest()
    return path.with_name(path.name.removesuffix(".tsv") + PENDING_PART + key + ".tsv")


def write_pending(
    path: Path, target: str, rows: list[tuple[str, str, str, str]]
) -> None:
    """The addresses a publish to `target` will put online (not yet live)."""
    text = PENDING_TARGET + clean(target) + "\n" + format_records(rows)
    write_atomic(pending_path(path, target), text.encode("utf-8"), durable=True)


def read_pending(path: Path, target: str) -> list[tuple[str, str, str, str]] | None:
    """The addresses of a publish to `target` not settled yet, if any."""
    pending = pending_path(path, target)
    try:
        data = pending.read_bytes()
    except FileNotFoundError:
        return None
    _target, _nl, rest = data.partition(b"\n")
    try:
        found = parse(rest, pending)
    except ContentError as e:
        raise ContentError(
            [
                Problem(p.path, p.line + 1 if p.line else p.line, p.field, p.message)
                for p in e.problems
            ]
        ) from None
    return [(r.time, r.url, r.note, r.day) for r in found.records]


def confirm_pending(path: Path, target: str) -> int:
    """The publish went live: record its addresses, then drop the pending file."""
    rows = read_pending(path, target)
    added = record(path, rows) if rows else 0
    discard_pending(path, target)
    return added


def discard_pending(path: Path, target: str) -> None:
    """The publish did not go live: its addresses are not recorded."""
    pending_path(path, target).unlink(missing_ok=True)
    release_path(path, target).unlink(missing_ok=True)


def release_path(path: Path, target: str) -> Path:
    """Beside the pending file: the release a publish to a folder or server
    uploaded (published-urls.pending-<hash>.release.tsv).
    """
    pending = pending_path(path, target)
    return pending.with_name(pending.name.removesuffix(".tsv") + ".release.tsv")


def note_release(path: Path, target: str, release: str) -> None:
    """The pending addresses go live with `release` if it is ever switched
    to (the next publish asks the target's history, not a clock).
    """
    write_atomic(release_path(path, target), f"{release}\n".encode(), durable=True)


def pending_release(path: Path, target: str) -> str | None:
    """The release noted for the pending addresses, if any."""
    try:
        text = release_path(path, target).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None

"""The site index: what a build needs to know of the last build that went
live without reading the archive again.

A full build that went live writes it (in the cache folder, atomically): a
key of everything besides content/ that shapes the output (the plugin code,
the theme and its translations, the fast path's own code, the Python and
library versions, every setting), the stamp of every file under content/
taken before the build read any, the live output folder it describes (its
path, device and inode: a folder swapped in by any other build is another
folder), the day it was built, whether a scheduled note was still waiting,
and one small entry per published note (plain values, not Pelican's
Articles), newest first. Each plugin's per-note records, when the full
build keeps them in its context (`RECORD_KEYS`), are kept beside them.

scripts/fast_build.py compares it with the content folder now to decide
whether a build can take the fast path (only new notes since), and updates
it after a fast build. Anything unreadable, from another format or for
another output is no index at all: the full build runs.
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import hashlib
import logging
import os
import pickle
import re
import shutil
import stat
import sys
import time
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from itertools import chain
from operator import attrgetter, is_
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from plugins.core import contract
from plugins.core.code import LOADED, tree_digest
from plugins.core.describe import Unstable, stable
from plugins.core.files import (
    left_temporaries,
    relative_path,
    stamp,
    write_streamed,
)
from plugins.core.header import scan_header
from plugins.core.records import Ref, ref, refs
from plugins.links.ledger import PENDING_PART
from plugins.links.links import plugin_settings as links_settings
from plugins.listings.listings import plugin_settings as listings_settings
from plugins.page_reuse.reuse import theme_roots
from plugins.press_notes.validate import parse_note_date

logger = logging.getLogger(__name__)

INDEX_FOLDER = "site-index"  # in CACHE_PATH, one index per output folder
FORMAT = 8
# Settings that name where this build writes and caches, not what it writes
# (a build runs into a staging folder of its own), and Pelican's reader cache
# switches, which page reuse turns off while notes come from its snapshot.
NOT_KEYED_SETTINGS = frozenset(
    {"OUTPUT_PATH", "CACHE_PATH", "PAGE_REUSE", "LOAD_CONTENT_CACHE", "CACHE_CONTENT"}
)
# What of LINKS says only whether and where a build records the addresses
# it publishes, not what it writes: every path records as the settings of
# the build at hand ask (plugins/links record_addresses), so a dry run, a
# production build and a publish share their site index.
NOT_KEYED_LINKS = frozenset({"record", "pending_target"})
# The fast path's own code shapes what it writes: a change sends the next
# build down the full path. Taken once, as plugins.core.code.LOADED is: a
# long-running process (make serve) builds with the code it loaded.
FAST_MODULES = (
    "build.py",
    "site_index.py",
    "fast_build.py",
    "fast_lists.py",
    "fast_notes.py",
    "fast_run.py",
    "fast_production.py",
    "fast_search.py",
    "fast_registry.py",
    "placement.py",
)
FAST_CODE = hashlib.blake2b(
    b"".join(
        (Path(__file__).resolve().parent / name).read_bytes() for name in FAST_MODULES
    ),
    digest_size=16,
).hexdigest()


@dataclass(frozen=True)
class NoteEntry:
    """What the fast path needs of one published note (no Article): what
    plugins/listings plans its pages from (`.date`, `.thana`, `.category`,
    `.tags` as Refs, `.image`), and where its page is.
    """

    path: str  # under content/
    slug: str
    url: str
    save_as: str
    date: datetime
    thana: Ref
    category: Ref
    tags: tuple[Ref, ...]
    reporter: str
    image: str  # its photo under content/, or "" (the home page's lead story)


@dataclass(frozen=True)
class Part:
    """One part of a per-note tuple (`save`): the digest of its bytes,
    which names its file, and how many notes it holds.
    """

    digest: str
    count: int


@dataclass
class SiteIndex:
    key: str
    output: tuple[str, int, int]  # path, device, inode of the live output
    day: date  # the build's day (outputs that depend on "today")
    stamps: dict[str, tuple[int, ...]]  # every file under content/
    notes: tuple[NoteEntry, ...]  # published, newest first
    # a scheduled note not yet due has no date the index could read
    scheduled_waiting: bool
    # every note's slug, published or not (the checks give each its own)
    slugs: frozenset[str] = frozenset()
    records: dict[str, Any] = field(default_factory=dict)  # RECORD_KEYS
    # the cards of the notes a list page changed by new notes can show
    # (scripts/fast_lists.py cards_kept), by file
    cards: dict[str, str] = field(default_factory=dict)
    # every file of the output as the build left it (output_digest), and
    # its note pages and HTML files (Survey)
    output_files: str = ""
    output_counts: tuple[int, int] = (0, 0)
    # the earliest date of the scheduled notes not yet due
    scheduled: datetime | None = None
    # the warnings the full build logged (about content a fast build leaves
    # as it is: it repeats them)
    warnings: tuple[str, ...] = ()
    # the published notes (by file) with an `old_url` (plugins/links makes
    # a redirect to each): an edit of one is the full build's
    old_urls: frozenset[str] = frozenset()
    # the station and category registries as the build read them
    # (plugins/press_notes Registry): an edit of them that changes nothing
    # the build reads is no change of the site
    registry: Any = None
    # each published note's preview image, by note file (path in the output:
    # plugins/whatsapp names it by what it shows, so an edit may rename it
    # and the old one is removed)
    previews: dict[str, str] = field(default_factory=dict)
    # the digest of the records part this index was saved with (save)
    records_digest: str = ""
    # the parts of the entries and of each per-note record (`save`), by
    # kind (NOTES_KIND or a record's key), oldest part first
    parts: dict[str, tuple[Part, ...]] = field(default_factory=dict)
    # the parts as read, by (kind, number): a save writes again only the
    # parts whose notes are not these very objects (not saved)
    read: dict[tuple[str, int], tuple] = field(
        default_factory=dict, compare=False, repr=False
    )
    format: int = FORMAT

    @property
    def newest(self) -> datetime | None:
        return self.notes[0].date if self.notes else None

    @property
    def surveyed(self) -> Survey:
        """The survey of the output as the build that wrote the index left it."""
        return Survey(self.output_files, *self.output_counts)


# The context keys under which plugins keep their per-note records in a
# full build (plugins/core/contract.py), kept in the index.
RECORD_KEYS: tuple[str, ...] = (
    contract.SEO_RECORDS,
    contract.FEED_RECORDS,
    contract.LINK_RECORDS,
)


def libraries() -> str:
    """Every installed distribution with its version: the names of the
    metadata folders on the import path (`name-1.2.dist-info`), one listing
    per folder (asking importlib.metadata for each took a third of a second).
    """
    found: set[str] = set()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        found.update(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return "\n".join(sorted(found))


def site_key(settings: dict) -> str | None:
    """Everything besides content/ that shapes the output, as one hash;
    None when a setting cannot be described the same way in every process.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}\0{LOADED}\0{sys.version}\0".encode())
    digest.update(f"{FAST_CODE}\0".encode())
    digest.update(tree_digest(theme_roots(settings)).encode())
    digest.update(libraries().encode())
    keyed = {k: v for k, v in settings.items() if k not in NOT_KEYED_SETTINGS}
    if isinstance(keyed.get("LINKS"), dict):
        keyed["LINKS"] = {
            k: v for k, v in keyed["LINKS"].items() if k not in NOT_KEYED_LINKS
        }
    try:
        digest.update(stable(keyed).encode())
    except Unstable:
        return None
    return digest.hexdigest()


def content_stamps(root: Path) -> dict[str, tuple[int, ...]]:
    """The stamp of every file under the content folder, by relative path
    (links are listed as found, not followed: the checks refuse them).
    """
    stamps = {}
    for where, files in walk(root):
        prefix = f"{where}/" if where else ""
        for entry in files:
            st = stamp(entry.path)
            if st is not None:
                stamps[prefix + entry.name] = st
    return stamps


def walk(root: Path) -> Iterator[tuple[str, list[os.DirEntry]]]:
    """Each folder under `root` (its path under root, "" for root itself)
    with its files, as os.walk finds them (top down, folders and files
    sorted by name, a link to a folder listed but not followed, an
    unreadable folder skipped), but with each path made by joining names:
    os.path.relpath and os.path.join took half of a walk's time.
    """
    pending = [(os.fspath(root), "")]
    while pending:
        folder, where = pending.pop()
        found = listing(folder)
        if found is None:
            continue
        files, folders, _links = found
        prefix = f"{where}/" if where else ""
        yield where, files
        pending.extend((e.path, prefix + e.name) for e in reversed(folders))


def listing(
    folder: str,
) -> tuple[list[os.DirEntry], list[os.DirEntry], bool] | None:
    """A folder's files and the folders under it as os.walk tells them
    apart (an entry that is no folder, a link to a file included, is a
    file; a link to a folder is neither), each sorted by name, and whether
    it holds a link; None if it cannot be read.
    """
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError:
        return None
    files, folders, links = [], [], False
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        link = entry.is_symlink()
        links = links or link
        if not is_dir:
            files.append(entry)
        elif not link:
            folders.append(entry)
    return files, folders, links


def output_identity(output: Path) -> tuple[str, int, int] | None:
    try:
        st = os.stat(output)
    except OSError:
        return None
    return (str(output.resolve()), st.st_dev, st.st_ino)


# where a note's page is: YYYY/MM/slug/index.html
NOTE_FOLDER = re.compile(r"[0-9]{4}/[0-9]{2}/[^/]+")


@dataclass(frozen=True)
class Survey:
    """What one walk of an output folder tells: every file by path, size,
    modification time and inode as one hash (a file removed, added or
    changed by hand, or by any tool but a build, changes it), the note pages
    and the HTML files. The hash is the sum of one hash per file, so the
    survey after a few files were put in place is the survey before with
    those files' terms changed (`resurveyed`), without a walk.
    """

    digest: str
    notes: int
    pages: int


DIGEST_BITS = 128


def file_term(rel: str, st: os.stat_result) -> int:
    """One file's term of a survey's digest."""
    line = f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode()
    digest = hashlib.blake2b(line, digest_size=DIGEST_BITS // 8).digest()
    return int.from_bytes(digest, "big")


def digest_of(total: int) -> str:
    return f"{total % (1 << DIGEST_BITS):0{DIGEST_BITS // 4}x}"


def page_kinds(where: str, name: str) -> tuple[int, int]:
    """(1 if a note page, 1 if an HTML file) for a file `name` in `where`."""
    if not name.endswith(".html"):
        return 0, 0
    return int(name == "index.html" and bool(NOTE_FOLDER.fullmatch(where))), 1


def survey(
    output: Path, folders: Path | None = None, *, swapped: bool = False
) -> Survey:
    """The output folder in one walk (each walk of it takes a noticeable
    share of a fast build: 112,000 files in 62,000 folders at 50,000 notes).
    `folders`: a file keeping what the last survey found of each folder
    (`Seen`): a folder whose stamp is the one kept is not listed again,
    only its files are looked at (listing the folders was two thirds of a
    walk); the file is written again once many folders were not as kept.
    `swapped`: the output was just swapped in, every folder in it is new
    (the file is written, not read).
    """
    kept = read_folders(folders) if folders is not None and not swapped else {}
    try:
        found = survey_folders(output, kept, time.time_ns())
    except Exception:  # noqa: BLE001 - a damaged folders file is no file
        found = survey_folders(output, {}, time.time_ns())
    if folders is not None and stale(found, kept):
        write_folders(folders, found.seen)
    return found.survey


# What a survey keeps of a folder (by its path under the output): its
# stamp (inode, modification and change time: an entry made, removed or
# renamed in it changes the change time, which cannot be set back), the
# names of its files and of the folders under it as `listing` found them,
# each file's (size, modification time, inode), and the sum of its files'
# terms with its note pages and HTML files.
Mark = tuple[int, int, int] | None
Seen = tuple[
    tuple[int, int, int],
    tuple[str, ...],
    tuple[str, ...],
    tuple[Mark, ...],
    int,
    int,
    int,
]
FOLDERS_FORMAT = 1
# A folder changed this recently is listed again by the next survey: a
# change within the same tick of the file system's clock as the one before
# would leave its stamp as it was. The kernel stamps files with a clock
# that moves once a tick (at most 10 ms); a file system that keeps whole
# seconds (two, for FAT) is that coarse.
SETTLED_NS = 50_000_000
COARSE_SETTLED_NS = 3_000_000_000
SECOND_NS = 1_000_000_000


@dataclass(frozen=True)
class Surveyed:
    survey: Survey
    seen: dict[str, Seen]  # the folders the next survey can trust
    looked: int  # folders listed again or with a file changed


def survey_folders(output: Path, kept: dict[str, Seen], now: int) -> Surveyed:
    """The survey of `output`, each folder listed again unless `kept` holds
    it with its stamp as now; `now` (ns): a folder changed just before it
    is not trusted by the next survey (`settled`).
    """
    total = notes = pages = looked = 0
    seen: dict[str, Seen] = {}
    root = os.fspath(output)
    pending = [""]
    while pending:
        where = pending.pop()
        folder = f"{root}/{where}" if where else root
        try:
            st = os.lstat(folder)
        except OSError:
            continue
        stamp = (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
        was = kept.get(where)
        if was is not None and was[0] == stamp and file_marks(folder, was[1]) == was[3]:
            one, trusted = was, True
        else:
            looked += 1
            found = folder_seen(folder, where, stamp, was)
            if found is None:
                continue
            one, trusted = found
        total, notes, pages = total + one[4], notes + one[5], pages + one[6]
        if trusted and settled(stamp, now):
            seen[where] = one
        if one[2]:
            prefix = f"{where}/" if where else ""
            pending.extend([prefix + name for name in reversed(one[2])])
    return Surveyed(Survey(digest_of(total), notes, pages), seen, looked)


def settled(stamp: tuple[int, int, int], now: int) -> bool:
    """Whether any change of a folder from `now` on changes its stamp
    (inode, modification and change time, ns): its last change is older
    than a tick of the file system's clock.
    """
    _inode, modified, changed = stamp
    coarse = modified % SECOND_NS == 0 and changed % SECOND_NS == 0
    margin = COARSE_SETTLED_NS if coarse else SETTLED_NS
    return max(modified, changed) < now - margin


def file_marks(folder: str, names: Iterable[str]) -> tuple[Mark, ...]:
    """Each file's (size, modification time, inode), None if it is gone."""
    marks: list[Mark] = []
    for name in names:
        try:
            st = os.lstat(f"{folder}/{name}")
        except OSError:
            marks.append(None)
        else:
            marks.append((st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(marks)


def folder_seen(
    folder: str, where: str, stamp: tuple[int, int, int], was: Seen | None
) -> tuple[Seen, bool] | None:
    """One folder as found now (listed again unless `was` has its stamp),
    with whether a later survey may trust it: no link in it (a link's
    target can change into a folder or out of one, which the folder's
    stamp does not tell) and every file there. None if it cannot be read.
    """
    stats: list[os.stat_result | None] = []
    if was is not None and was[0] == stamp:
        files, folders, links = was[1], was[2], False
        for name in files:
            try:
                stats.append(os.lstat(f"{folder}/{name}"))
            except OSError:
                stats.append(None)
    else:
        listed = listing(folder)
        if listed is None:
            return None
        entries, under, links = listed
        files = tuple(e.name for e in entries)
        folders = tuple(e.name for e in under)
        for entry in entries:
            try:
                stats.append(entry.stat(follow_symlinks=False))
            except OSError:
                stats.append(None)
    total = notes = pages = 0
    prefix = f"{where}/" if where else ""
    for name, st in zip(files, stats, strict=True):
        note, page = page_kinds(where, name)
        notes, pages = notes + note, pages + page
        if st is not None:
            total += file_term(prefix + name, st)
    marks = tuple(
        (st.st_size, st.st_mtime_ns, st.st_ino) if st is not None else None
        for st in stats
    )
    one: Seen = (stamp, files, folders, marks, total, notes, pages)
    return one, not links and None not in marks


def stale(found: Surveyed, kept: dict[str, Seen]) -> bool:
    """Whether the folders file is worth writing again: more than one
    folder in 50 was not as kept (listing them again costs more than
    writing it), or none was kept.
    """
    return not kept or found.looked * 50 > len(found.seen)


def folders_path(index_file: Path) -> Path:
    """The folders file of the output the index at `index_file` describes."""
    return index_file.with_name(f"{index_file.stem}.folders{index_file.suffix}")


def read_folders(path: Path) -> dict[str, Seen]:
    """The folders a survey kept (empty if the file is missing, damaged or
    of another format: every folder is listed).
    """
    try:
        data = unpickled(read_part(path))
    except Exception:  # noqa: BLE001 - a damaged folders file is no file
        return {}
    if (
        not isinstance(data, tuple)
        or len(data) != 2
        or data[0] != FOLDERS_FORMAT
        or not isinstance(data[1], dict)
    ):
        return {}
    return data[1]


def write_folders(path: Path, seen: dict[str, Seen]) -> None:
    """Keep the folders a survey found (a file that cannot be written: the
    next survey lists every folder).
    """
    try:
        write_pickled((FOLDERS_FORMAT, shared_names(seen)), path, lambda _: path)
    except OSError as e:
        logger.warning("site index: the output's folders not kept: %r", e)


def shared_names(seen: dict[str, Seen]) -> dict[str, Seen]:
    """`seen` with each file or folder name held once: a pickle holds an
    object met again as a reference to it, so the file is read back with
    one string per name (index.html, in every note's folder), not one per
    folder (a seventh of the time the file took to read at 50,000 notes).
    """
    names: dict[str, str] = {}

    def one(found: tuple[str, ...]) -> tuple[str, ...]:
        return tuple([names.setdefault(n, n) for n in found])

    return {
        where: (stamp, one(files), one(folders), marks, total, notes, pages)
        for where, (stamp, files, folders, marks, total, notes, pages) in seen.items()
    }


def file_stats(output: Path, rels: Iterable[str]) -> dict[str, os.stat_result | None]:
    """Each file's stat (None: not there), by its path under the output."""
    found: dict[str, os.stat_result | None] = {}
    for rel in rels:
        try:
            found[rel] = os.lstat(output / rel)
        except OSError:
            found[rel] = None
    return found


def resurveyed(
    before: Survey, output: Path, was: dict[str, os.stat_result | None]
) -> Survey:
    """The survey of `output` once the files of `was` (each one's stat
    before, None where there was none) were put in place, made from the
    survey before: only those files are looked at. A path not written as
    a walk writes it gives another digest: the next build is a full one.
    """
    total, notes, pages = int(before.digest, 16), before.notes, before.pages
    now = file_stats(output, was)
    for rel, old in was.items():
        new = now[rel]
        if old is not None:
            total -= file_term(rel, old)
        if new is not None:
            total += file_term(rel, new)
        where, _, name = rel.rpartition("/")
        note, page = page_kinds(where, name)
        there = int(new is not None) - int(old is not None)
        notes, pages = notes + note * there, pages + page * there
    return Survey(digest_of(total), notes, pages)


def output_digest(output: Path, folders: Path | None = None) -> str:
    return survey(output, folders).digest


def index_path(settings: dict, output: Path) -> Path:
    """The index of one output folder, in the cache folder."""
    name = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8)
    return Path(settings["CACHE_PATH"]) / INDEX_FOLDER / f"{name.hexdigest()}.pickle"


def note_entry(note, root: Path) -> NoteEntry:
    return NoteEntry(
        path=relative_path(note.source_path, root),
        slug=note.slug,
        url=note.url,
        save_as=note.save_as,
        date=note.date,
        thana=ref(note.metadata["thana"]),
        category=ref(note.category),
        tags=refs(getattr(note, "tags", ())),
        reporter=str(note.metadata.get("reporter") or ""),
        image=str(getattr(getattr(note, contract.IMAGE, None), "url", "") or ""),
    )


def shared_refs(notes, kept: dict | None = None) -> tuple[NoteEntry, ...]:
    """The entries with each station, category and tag held once (pickled
    once, then referred to): about a third of an entry's size otherwise.
    `kept`: the Refs held so far (shared with the records).
    """
    kept = {} if kept is None else kept
    one = sharer(kept)
    return tuple(
        unless_same(
            n,
            {
                "thana": one(n.thana),
                "category": one(n.category),
                "tags": tuple(map(one, n.tags)),
            },
        )
        for n in notes
    )


def sharer(kept: dict) -> Callable[[Ref], Ref]:
    """The Ref `kept` holds for a Ref (the Ref itself, kept, if none).
    A Ref met again as the same object is not hashed again (hashing a Ref,
    a dataclass, runs Python code; the records of a build name the same few
    hundred Refs a hundred thousand times): the answer for that object is
    remembered, with the object itself, for as long as the function lives,
    and `kept` only grows meanwhile (setdefault).
    """
    seen: dict[int, tuple[Ref, Ref]] = {}

    def one(r: Ref) -> Ref:
        hit = seen.get(id(r))
        if hit is not None and hit[0] is r:
            return hit[1]
        held = kept.setdefault(r, r)
        seen[id(r)] = (r, held)
        return held

    return one


def identical(a: Any, b: Any) -> bool:
    """The same object, or tuples of the same objects."""
    if a is b:
        return True
    return (
        type(a) is tuple
        and type(b) is tuple
        and len(a) == len(b)
        and all(map(is_, a, b))
    )


def unless_same(value: Any, changes: dict[str, Any]) -> Any:
    """The frozen dataclass `value` with `changes`, or `value` itself when
    each change is what it holds already (the same objects: an equal copy
    would be made for nothing).
    """
    if all(identical(getattr(value, k), v) for k, v in changes.items()):
        return value
    return dataclasses.replace(value, **changes)


@cache
def init_fields(cls: type) -> tuple[tuple[str, ...], bool]:
    """The names of a dataclass's fields given to its __init__, and whether
    it is frozen (kept by class).
    """
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    return names, params.frozen


def shared_in(value: Any, kept: dict, one: Callable[[Ref], Ref] | None = None) -> Any:
    """A record (a dataclass) with each Ref in it, alone or in a tuple, held
    once in `kept`: records name the same stations, categories and tags
    thousands of times, and the index pickles each Ref held once only once.
    A frozen record whose Refs are all held already is itself.
    """
    one = sharer(kept) if one is None else one
    if isinstance(value, Ref):
        return one(value)
    if isinstance(value, tuple) and value and isinstance(value[0], Ref):
        return tuple(map(one, value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names, frozen = init_fields(type(value))
        changes = {}
        for name in names:
            held = getattr(value, name)
            if dataclasses.is_dataclass(held) or isinstance(held, (Ref, tuple)):
                changes[name] = shared_in(held, kept, one)
        if not changes:
            return value
        if frozen:
            return unless_same(value, changes)
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(shared_in(v, kept, one) for v in value)
    return value


def shared_records(records: dict[str, Any], kept: dict) -> dict[str, Any]:
    one = sharer(kept)
    return {key: shared_in(value, kept, one) for key, value in records.items()}


def refs_of(notes: tuple[NoteEntry, ...]) -> dict[Ref, Ref]:
    """The Refs the entries hold, to share with new entries and records."""
    return {r: r for held in held_refs(notes).values() for r in held}


# The entries `held_refs` was last asked about, with its answer: the
# decision and the fast build ask about the same entries (until the build
# ends: `thawed_after`)
HELD: list[tuple[tuple[NoteEntry, ...], dict[str, set[Ref]]]] = []


def held_refs(notes: tuple[NoteEntry, ...]) -> dict[str, set[Ref]]:
    """The stations, categories and tags the entries name, by kind (not to
    be changed: a second question about the same entries gets the same
    answer).
    """
    if HELD and HELD[0][0] is notes:
        return HELD[0][1]
    found = {
        "station": distinct(map(attrgetter("thana"), notes)),
        "category": distinct(map(attrgetter("category"), notes)),
        "tag": distinct(chain.from_iterable(map(attrgetter("tags"), notes))),
    }
    HELD[:] = [(notes, found)]
    return found


def distinct(values: Iterable[Any]) -> set[Any]:
    """The values, told apart by identity first (the entries read back
    share their few hundred Refs; hashing a Ref, a dataclass, runs Python
    code: hashing each of every note's took a noticeable share of a fast
    build at 50,000 notes), then by value.
    """
    return set({id(v): v for v in values}.values())


def scheduled_due(
    context: dict, root: Path, tz: ZoneInfo
) -> tuple[bool, datetime | None]:
    """The notes marked scheduled that are not published yet: (whether one
    has no date the index can read, the earliest date among them). The
    first build at or after that date must be a full one.
    """
    scheduled = context.get(contract.SCHEDULED_NOTES, ())
    if not scheduled:
        # most builds: no note is scheduled (each published note's path
        # made relative is some 10 µs, at the build's end on one core)
        return False, None
    published = {
        relative_path(n.source_path, root) for n in context.get("articles", ())
    }
    waiting = [p for p in scheduled if p not in published]
    dates = []
    for rel in waiting:
        try:
            header = scan_header((root / rel).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return True, None
        date = parse_note_date(header.value("date"))
        if date is None:
            return True, None
        dates.append(date.replace(tzinfo=tz))
    return False, min(dates, default=None)


@dataclass(frozen=True)
class Before:
    """What the index holds of the state before a build read anything."""

    key: str | None
    stamps: dict[str, tuple[int, ...]]


def before_build(settings: dict) -> Before:
    return Before(site_key(settings), content_stamps(Path(settings["PATH"])))


def written_by_build(settings: dict) -> tuple[str, str]:
    """The files under content/ a build itself writes (plugins/links: the
    ledger of published addresses in a production build, and the pending
    files of a publish beside it), as (ledger path, pending files' prefix).
    """
    rel = links_settings(settings)["ledger"]
    return rel, rel.removesuffix(".tsv") + PENDING_PART


def written_here(settings: dict) -> Callable[[str], bool]:
    """Whether a path under content/ is one a build or a publish writes
    (written_by_build).
    """
    ledger, pending = written_by_build(settings)

    def written(rel: str) -> bool:
        return rel == ledger or rel.startswith(pending)

    return written


def settled_stamps(before: Before, settings: dict) -> dict[str, tuple[int, ...]]:
    """The stamps of content/ as the next build must find them: as before
    the build, except the files the build wrote itself, as it left them. A
    file anyone else changed while the build ran keeps its old stamp (the
    next build sees the change).
    """
    ledger, pending = written_by_build(settings)
    by_build = written_here(settings)
    folder = Path(ledger).parent
    now = content_stamps(Path(settings["PATH"]) / folder)
    # only the paths that begin as both do, character by character, are
    # asked about (asking about each of every note's took a noticeable
    # share of a fast build at 50,000 notes)
    prefix = os.path.commonprefix([ledger, pending])  # noqa: RUF071
    stamps = dict(before.stamps)
    for rel in [rel for rel in stamps if rel.startswith(prefix) and by_build(rel)]:
        del stamps[rel]
    for rel, st in now.items():
        if by_build(str(folder / rel)):
            stamps[str(folder / rel)] = st
    return stamps


def cards_kept(
    notes: tuple[NoteEntry, ...], settings: dict, among: Container[str] | None = None
) -> set[str]:
    """The notes (by file) whose card the index keeps: those a list page
    changed by new notes can show. A front page shows the newest notes of
    its list, the last numbered page the ones before (up to two pages' worth
    in all), a month page every note of its month (the newest month), the
    home page the newest notes. A page that needs another note's card sends
    the build down the full path.

    `among`: once new notes came in front of those of an index, the notes
    whose cards it kept and the new ones. Only they can be kept now (newer
    notes only move a note further down its lists and away from the newest
    month and the home page), and each list's first notes are all among
    them, so only they are counted (one look at each other note, not a
    count of its lists).
    """
    if among is not None:
        notes = tuple(n for n in notes if n.path in among)
    conf = listings_settings(settings)
    kept = {n.path for n in notes[: conf["home_notes"]]}
    if not notes:
        return kept
    newest = (notes[0].date.year, notes[0].date.month)
    shown = 2 * conf["page_size"]
    # in one pass (not a grouping of every note per kind of list): how
    # many notes of each list were met so far, by (kind, slug)
    met: dict[tuple[int, str], int] = {}
    for n in notes:
        keep = (n.date.year, n.date.month) == newest
        # a tag named twice on a note takes two of its list's places
        for key in ((0, n.thana.slug), (1, n.category.slug), *tag_keys(n)):
            count = met.get(key, 0)
            if count < shown:
                met[key] = count + 1
                keep = True
        if keep:
            kept.add(n.path)
    return kept


def tag_keys(note: NoteEntry) -> list[tuple[int, str]]:
    """The tag lists a note is on, as cards_kept counts them."""
    return [(2, t.slug) for t in note.tags]


def preview_of(note) -> str:
    """A note's preview image: its path in the output, or ""."""
    og = getattr(note, contract.OG_IMAGE, None)
    return str(getattr(og, "path", "") or "")


def previews_of(notes, articles) -> dict[str, str]:
    """{note file: its preview image's path in the output} (a note without
    one is left out).
    """
    return {
        entry.path: preview_of(note)
        for entry, note in zip(notes, articles, strict=True)
        if preview_of(note)
    }


def make_index(
    before: Before,
    settings: dict,
    context: dict,
    output: Path,
    day: date,
    warnings: tuple[str, ...],
) -> SiteIndex | None:
    """The index of a build that went live into `output`, or None if it
    cannot be made (no key: the next build is a full one); the survey of
    the output is added to it by `surveyed_index`.
    """
    identity = output_identity(output)
    if before.key is None or identity is None:
        return None
    root = Path(settings["PATH"])
    tz = ZoneInfo(settings.get("TIMEZONE") or "Asia/Kolkata")
    unknown, earliest = scheduled_due(context, root, tz)
    articles = context.get("articles", ())
    refs: dict = {}
    notes = shared_refs((note_entry(n, root) for n in articles), refs)
    kept = cards_kept(notes, settings)
    return SiteIndex(
        key=before.key,
        output=identity,
        day=day,
        stamps=settled_stamps(before, settings),
        notes=notes,
        scheduled_waiting=unknown,
        scheduled=earliest,
        slugs=frozenset(context.get(contract.NOTE_SLUGS, {}).values())
        | {n.slug for n in notes},
        records=shared_records(
            {k: context[k] for k in RECORD_KEYS if k in context}, refs
        ),
        cards={
            entry.path: getattr(note, contract.CARD_HTML)
            for entry, note in zip(notes, articles, strict=True)
            if entry.path in kept
        },
        warnings=warnings,
        registry=context.get(contract.REGISTRY),
        previews=previews_of(notes, articles),
        old_urls=frozenset(
            entry.path
            for entry, note in zip(notes, articles, strict=True)
            if getattr(note, "old_url", "")
        ),
    )


def surveyed_index(index: SiteIndex, surveyed: Survey) -> SiteIndex:
    """`index` with the survey of the output it describes (made once the
    build's notes are freed: the survey keeps what it found of every
    folder, tens of megabytes at 50,000 notes).
    """
    return dataclasses.replace(
        index,
        output_files=surveyed.digest,
        output_counts=(surveyed.notes, surveyed.pages),
    )


def unpickled(data: bytes) -> Any:
    """pickle.loads with the cyclic garbage collector paused, then every
    object kept out of its later passes (gc.freeze: garbage among them waits
    for `thawed_after`, at the end of the build). An index is half a million
    small objects at 50,000 notes, none in a cycle: the collector, run again
    and again while they were made, looked through all of them each time
    (the index read in 1.0-1.7 s of CPU, 0.33 s without), and each of its
    later passes over them took 0.15-0.3 s.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        gc.freeze()
        if paused:
            gc.enable()


@contextmanager
def thawed_after() -> Iterator[None]:
    """The objects `unpickled` kept out of the collector's passes are
    looked at again when it ends (around a build: a long-running process,
    `make serve`, builds again and again), and `held_refs` lets its last
    entries go.
    """
    try:
        yield
    finally:
        let_go()


def let_go() -> None:
    """`held_refs` forgets its last entries and the objects `unpickled`
    kept out of the collector's passes are looked at again: an index no
    longer referenced is then freed (before a full build, and at a build's end).
    """
    HELD.clear()
    gc.unfreeze()


class NotRead(dict):
    """The records of an index read without them (`load`): its records part
    on disk is the one it names; `read_records` reads it.
    """


def records_path(path: Path) -> Path:
    """The records part of the index at `path` (the SEO, feed and link
    records but their per-note tuples: read only when the fast path runs).
    """
    return path.with_name(f"{path.stem}.records{path.suffix}")


def new_digest() -> Any:
    """The hash an index's part is named and checked by."""
    return hashlib.blake2b(digest_size=16)


def records_digest(data: bytes) -> str:
    digest = new_digest()
    digest.update(data)
    return digest.hexdigest()


class Digesting:
    """A file written through, the digest of what is written to it made on
    the way (`records_digest` of the same bytes).
    """

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.digest = new_digest()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.file.write(data)


def write_pickled(value: Any, where: Path, named: Callable[[str], Path]) -> str:
    """Pickle `value` into a file beside `where` in one step, the pickle
    streamed into it frame by frame (no pickled copy of the value in
    memory: at 50,000 notes a copy of each part is megabytes); the file is
    the one `named` names from its bytes' digest. Returns the digest.
    """
    made: list[str] = []

    def write(file: BinaryIO) -> Path:
        out = Digesting(file)
        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        made.append(out.digest.hexdigest())
        return named(made[0])

    write_streamed(where.parent, where.name, write)
    return made[0]


# The entries and each record's per-note tuple (`.notes`, newest first) are
# kept in parts of PART_NOTES notes counted from the oldest, as the
# sitemap's parts are: a new note changes the newest part only, an edit
# its note's part, and a save pickles and writes only the parts whose
# notes are not the ones read (pickling every note's entry and records was
# most of the time a fast build took to write the index).
PART_NOTES = 5_000
NOTES_KIND = "notes"  # the parts of the index's own entries


def part_path(path: Path, digest: str) -> Path:
    """A part of the index at `path`, named by its bytes' digest."""
    return path.with_name(f"{path.stem}.part-{digest}{path.suffix}")


def by_age(items: tuple, size: int) -> list[tuple]:
    """`items` (newest first) in parts of `size` counted from the oldest:
    the oldest part first, each part newest first.
    """
    n = len(items)
    return [items[max(0, n - start - size) : n - start] for start in range(0, n, size)]


def joined(parts: list[tuple]) -> tuple:
    """The items of parts made by `by_age`, newest first."""
    return tuple(chain.from_iterable(reversed(parts)))


def same_notes(was: tuple | None, now: tuple) -> bool:
    """Whether a part holds the very objects read (not equal ones: made
    again, they are written again).
    """
    return was is not None and len(was) == len(now) and all(map(is_, was, now))


def per_note(value: Any) -> tuple | None:
    """A record's per-note tuple (a dataclass's `notes`), or None."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return None
    notes = getattr(value, "notes", None)
    return notes if isinstance(notes, tuple) else None


def saved_parts(
    index: SiteIndex, path: Path, kind: str, items: tuple, size: int
) -> tuple[Part, ...]:
    """Write the parts of `items` whose notes are not those read
    (`index.read`, their files still there); return every part.
    """
    kept = index.parts.get(kind, ())
    parts = []
    for number, notes in enumerate(by_age(items, size)):
        if (
            number < len(kept)
            and kept[number].count == len(notes)
            and same_notes(index.read.get((kind, number)), notes)
            and part_path(path, kept[number].digest).is_file()
        ):
            parts.append(kept[number])
            continue
        digest = write_pickled(notes, path, lambda made: part_path(path, made))
        parts.append(Part(digest, len(notes)))
    return tuple(parts)


def save(index: SiteIndex, path: Path, part_notes: int = PART_NOTES) -> None:
    """Write the index: the parts of its per-note tuples that changed (each
    named by its digest), the records part (the records without their
    per-note tuples), then the main part naming the records part's digest
    and every part; each atomically. A main part whose other parts are
    not those it names (a crash between the writes) is no index: the full
    build runs. An index read without its records keeps their parts on
    disk as they are. Then the parts no longer named are removed, and the
    temporary files of this index a killed save left (`write_streamed`'s,
    never read; the site's lock keeps any other save of it away).
    """
    parts = dict(index.parts)
    parts[NOTES_KIND] = saved_parts(index, path, NOTES_KIND, index.notes, part_notes)
    if not isinstance(index.records, NotRead):
        rest = {}
        for key, value in index.records.items():
            notes = per_note(value)
            if notes is None:
                rest[key] = value
                continue
            parts[key] = saved_parts(index, path, key, notes, part_notes)
            rest[key] = dataclasses.replace(value, notes=())
        digest = write_pickled(rest, records_path(path), lambda _: records_path(path))
        index = dataclasses.replace(index, records_digest=digest)
    main = dataclasses.replace(index, notes=(), records=NotRead(), parts=parts, read={})
    write_pickled(main, path, lambda _: path)
    named = {part_path(path, p.digest).name for kind in parts.values() for p in kind}
    for found in path.parent.glob(f"{path.stem}.part-*"):
        if found.name not in named:
            found.unlink(missing_ok=True)
    for stale in left_temporaries(path.parent, path.stem):
        stale.unlink(missing_ok=True)


def index_files(index: SiteIndex, path: Path) -> list[Path]:
    """The files of the index at `path` (read by `load`): its main part,
    its records part and every part it names.
    """
    parts = [part_path(path, p.digest) for kind in index.parts.values() for p in kind]
    return [path, records_path(path), *parts]


def forget(path: Path) -> None:
    """No index: the next build is a full one (before an output is replaced).
    A folder where a part belongs (no build makes one) goes too: the index
    could never be written there. The per-note parts stay until the next
    save, which writes again only those that changed.
    """
    for part in (path, records_path(path)):
        if part.is_dir() and not part.is_symlink():
            shutil.rmtree(part)
        else:
            part.unlink(missing_ok=True)


def read_part(path: Path) -> bytes:
    """The bytes of a part of the index, a regular file (a link to one
    followed); OSError for anything else: a named pipe would hold the build
    (and its lock) until something writes to it, a device might never end.
    """
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            why = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
            raise OSError(why, "not a regular file", str(path))
        return f.read()


def read_parts(
    path: Path, kind: str, parts: tuple[Part, ...]
) -> tuple[tuple, dict[tuple[str, int], tuple]] | str:
    """The per-note tuple kept in `parts` (newest first) and each part as
    read, or why it cannot be read.
    """
    read = []
    for part in parts:
        try:
            data = read_part(part_path(path, part.digest))
        except OSError as e:
            return f"a part of the site index cannot be read ({e.__class__.__name__})"
        if records_digest(data) != part.digest:
            return "a part of the site index is not the one it was saved with"
        try:
            notes = unpickled(data)
        except Exception as e:  # noqa: BLE001 - a damaged index is no index
            return f"a part of the site index is damaged ({e.__class__.__name__})"
        if not isinstance(notes, tuple) or len(notes) != part.count:
            return "a part of the site index is damaged"
        read.append(notes)
    return joined(read), {(kind, n): notes for n, notes in enumerate(read)}


def load(path: Path, with_records: bool = False) -> tuple[SiteIndex | None, str]:
    """The index at `path` and "", or None and why there is none. Its
    records are read only `with_records` (else `read_records` reads them
    when the fast path runs).
    """
    try:
        data = read_part(path)
    except FileNotFoundError:
        return None, "no site index (the first build, or the last one failed)"
    except OSError as e:
        return None, f"the site index cannot be read ({e.__class__.__name__})"
    try:
        index = unpickled(data)
    except Exception as e:  # noqa: BLE001 - a damaged index is no index
        return None, f"the site index is damaged ({e.__class__.__name__})"
    if not isinstance(index, SiteIndex) or index.format != FORMAT:
        return None, "the site index is of another format"
    if not isinstance(index.records, NotRead):
        return None, "the site index is damaged (records in its main part)"
    if NOTES_KIND not in index.parts:
        return None, "the site index is damaged (its entries are in no part)"
    notes = read_parts(path, NOTES_KIND, index.parts[NOTES_KIND])
    if isinstance(notes, str):
        return None, notes
    index = dataclasses.replace(index, notes=notes[0], read=notes[1])
    if with_records:
        read = read_records(index, path)
        return (read, "") if isinstance(read, SiteIndex) else (None, read)
    return index, ""


def read_records(index: SiteIndex, path: Path) -> SiteIndex | str:
    """`index` (read by `load`) with its records, or why they cannot be
    read: the records part or a part of a per-note record missing, damaged
    or not the one the index names.
    """
    if not isinstance(index.records, NotRead):
        return index
    try:
        data = read_part(records_path(path))
    except OSError as e:
        return f"the site index's records cannot be read ({e.__class__.__name__})"
    if records_digest(data) != index.records_digest:
        return "the site index's records are not those it was saved with"
    try:
        records = unpickled(data)
    except Exception as e:  # noqa: BLE001 - a damaged index is no index
        return f"the site index's records are damaged ({e.__class__.__name__})"
    if not isinstance(records, dict):
        return "the site index's records are damaged"
    read = dict(index.read)
    for kind, parts in index.parts.items():
        if kind == NOTES_KIND:
            continue
        if per_note(records.get(kind)) is None:
            return "the site index's records are damaged"
        notes = read_parts(path, kind, parts)
        if isinstance(notes, str):
            return notes
        records[kind] = dataclasses.replace(records[kind], notes=notes[0])
        read.update(notes[1])
    return dataclasses.replace(index, records=records, read=read)

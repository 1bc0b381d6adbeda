"""The fast path of a build: new notes put into the live site without a pass
over the archive.

ONE case is fast, everything else (and any doubt) is the full build, which
stays the reference for what the site holds. The FAST CASE: since the last
build that went live (scripts/site_index.py), the only changes under
content/ are new note files (and new photos they name), each published
(no status, or `published`), with its own `slug:` that no other note holds,
dated after the newest published note and before now (and no two at the
same time), whose station, category, tags and reporter may be new to the
site (its list page, directory line and feed are planned as any other's),
but not a tag or category whose address another of another name holds
(`first_refs_problem`), with no link to another content file and no
`old_url`, whose address and
file neither the links ledger nor the redirects registry names, that
passes the same checks a full build runs (plugins/press_notes/validate.py
`check_note`); the code, theme, translations, libraries and settings are
the same (the site key); the output is the folder the index describes; no
scheduled note was waiting; it is the same day as that build; it is not a
share run. The search index's changed parts have a maker
(scripts/fast_search.py); the redirects, the addresses a production build
or a publish records and the compressed copies are made after the makers
(scripts/fast_production.py); the links ledger and a publish's pending
files, which builds and publishes write under content/, are no change of
the content: the fast path reads the ledger as the full build does.

An EDIT is fast too (`decide_edit`): the only change under content/ is one
published note's file, which stays published with its own `slug:`, the same
slug, date, address and photo, passes the same checks and warns about
nothing (and the last full build warned nothing about it), has no
`old_url` (before or after) and no link to another content file, repeats
no published note, whose first day in the links ledger (if it names it) is
its date's day and whose redirects stay as they are (checked after the
makers, scripts/fast_production.py), and whose reporter given up or taken
up is named by another published note too (a reporter's feed is there only
with notes); a station, category or tag given up or taken up may lose its
last note or get its first, unless another name has its address
(`ref_problem`); its slug is not one a title could have made beside
another note's (`slug_family`). Its text, title, summary,
tags, photo's caption, station and category may change.

A REGISTRY EDIT is fast when it changes no output (`decide_registry`): the
station or category registry as read is the same (a comment, a category's
keywords); and when one entry changed only in a field pages show that the
fast path makes (scripts/fast_registry.py, which says which outputs each
field reaches): a station's area or other spellings (its note pages built
again, at most MAX_STATION_PAGES, and the search index's parts holding
them made again), a category's description (the front page of its
list, whose cards the index keeps: its numbered pages do not show it).
A name, a slug, the order, an entry added or removed, the district: the
full build.

When the case holds, scripts/fast_run.py makes the files (each kind of
output by its maker) and puts the changed ones in place.

`decide` is cheap (stamps and the headers of the new notes): it runs
before every build.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from plugins.core.clock import SHARE_RUN_SETTING, build_now
from plugins.core.errors import ContentError
from plugins.core.header import Header, scan_header
from plugins.core.records import Ref, ref
from plugins.links.ledger import read as read_ledger
from plugins.links.links import plugin_settings as links_settings
from plugins.links.plan import parse_redirects
from plugins.press_notes.duplicates import NEAR_DAYS, duplicate_notes, same_news
from plugins.press_notes.forwards import forward_warnings
from plugins.press_notes.model import nfc, text_slug
from plugins.press_notes.press_notes import check_rules, registry_for
from plugins.press_notes.press_notes import plugin_settings as press_notes_settings
from plugins.press_notes.validate import (
    Rules,
    check_note,
    parse_note_date,
    review_warnings,
)

from . import site_index
from .check import note_file
from .site_index import NoteEntry, SiteIndex

logger = logging.getLogger(__name__)

# The setting that turns the fast path off (True unless set: pelicanconf.py)
SETTING = "FAST_PATH"

# A link from a note's text to another content file: the target's address
# is looked up when the note is read (full build).
CONTENT_LINKS = ("{filename}", "|filename|", "{static}", "|static|", "{attach}")


@dataclass(frozen=True)
class NewNote:
    """A new note the fast path may publish: its index entry, made from its
    header as the full build makes it from the note, and its photo.
    """

    entry: NoteEntry
    image: str  # under content/, or ""
    # the note's header as read and checked (for the checks across notes)
    header: Header = field(compare=False, repr=False)


@dataclass(frozen=True)
class Decision:
    """Which path a build takes and why (the developer log says so)."""

    fast: bool
    why: str
    notes: tuple[NewNote, ...] = ()
    # an edit: the index entries the edited notes (`notes`) had before
    old: tuple[NoteEntry, ...] = ()
    # a registry edit: the registry as it is now
    registry: Any = None
    # a registry edit pages show (scripts/fast_registry.py RegistryEdit)
    edit: Any = None


def full(why: str) -> Decision:
    return Decision(False, why)


def in_folders(rel: str, folders) -> bool:
    return any(Path(rel).is_relative_to(f) for f in folders)


def photo_problem(
    notes: list[NewNote], added: list[str], note_paths: list[str], settings: dict
) -> str:
    """Why the files added besides the new notes are not only their new
    photos in the photo folders, or "".
    """
    photos = {os.path.normpath(n.image) for n in notes if n.image}
    if others := [r for r in added if r not in note_paths and r not in photos]:
        return f"{others[0]} was added and is not a new note's photo"
    # a photo already there may be another note's (a draft's, kept private)
    if kept := sorted(photos - set(added)):
        return f"{kept[0]} is not a new photo"
    # a photo outside the photo folders may name another output file
    folders = settings.get("STATIC_PATHS") or ()
    if stray := [p for p in sorted(photos) if not in_folders(p, folders)]:
        return f"{stray[0]} is not under {', '.join(folders)}"
    return ""


def read_new_note(
    rel: str, settings: dict, rules: Rules, tz: ZoneInfo
) -> NewNote | str:
    """The new note at `rel`, or why it is not of the fast case."""
    root = Path(settings["PATH"])
    try:
        text = (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return f"{rel} cannot be read as UTF-8 text"
    header, problems = check_note(str(root / rel), text, rules)
    if problems:
        return f"{rel} does not pass the checks"
    # the full build says these to the desk (a warning the fast path would not)
    if review_warnings(rel, header) or forward_warnings(rel, header, rules.clutter):
        return f"{rel} has warnings for the desk"
    status = header.value("status")
    if status not in ("", "published"):
        return f"{rel} is {status}"
    slug = header.value("slug")
    if not slug:
        return f"{rel} has no slug: field (its address is made from the title)"
    if any(mark in text for mark in CONTENT_LINKS):
        return f"{rel} links to another content file"
    image = header.value("image").strip()
    date = parse_note_date(header.value("date"))
    if date is None:
        return f"{rel} has no date the fast path can read"
    entry = note_entry(rel, header, rules.registry, settings, tz)
    return NewNote(entry, image, header)


def note_entry(rel: str, header, registry, settings: dict, tz: ZoneInfo) -> NoteEntry:
    """The index entry of a new note, from its checked header."""
    date = parse_note_date(header.value("date"))
    assert date is not None  # checked
    date = date.replace(tzinfo=tz)
    slug = header.value("slug")
    category = registry.category_by_name[nfc(header.value("category"))]
    tags = [t.strip() for t in header.value("tags").split(",") if t.strip()]
    where = {"date": date, "slug": slug}
    return NoteEntry(
        path=rel,
        slug=slug,
        url=settings["ARTICLE_URL"].format(**where),
        save_as=settings["ARTICLE_SAVE_AS"].format(**where),
        date=date,
        thana=ref(registry.thana_by_name[nfc(header.value("thana"))]),
        category=Ref(
            category.slug,
            header.value("category"),
            settings["CATEGORY_URL"].format(slug=category.slug),
        ),
        tags=tuple(
            Ref(slug, name, settings["TAG_URL"].format(slug=slug))
            for name in tags
            for slug in [text_slug(name, "tag")]
        ),
        reporter=header.value("reporter"),
        image=header.value("image").strip(),
    )


def check_new_notes(notes: list[NewNote], index: SiteIndex, now: datetime) -> str:
    """Why these new notes are not of the fast case, or ""."""
    newest = index.newest
    # by the whole Ref, name too: the newest note names a tag's page
    known: dict[str, set] = {
        **site_index.held_refs(index.notes),
        "reporter": {n.reporter for n in index.notes},
    }
    entries = [n.entry for n in notes]
    dates = [n.date for n in entries]
    if len(set(dates)) != len(dates):
        return "two new notes have the same date"
    for note in entries:
        if newest is None or note.date <= newest:
            return f"{note.path} is not newer than the newest note"
        if note.date > now:
            return f"{note.path} is dated ahead of now"
        if note.slug in index.slugs:
            return f"{note.path}'s slug is taken"
    slugs = [n.slug for n in entries]
    if len(set(slugs)) != len(slugs):
        return "two new notes have the same slug"
    return first_refs_problem(entries, known)


def first_refs_problem(entries: list[NoteEntry], known: dict[str, set]) -> str:
    """Why a station, category or tag the new notes are the first of would
    not get the page a full build gives it, or "". Its list's page, its
    line in the directory and its feed are planned from the notes as any
    other's (a list of one note; a station's or category's feed is there
    even without notes, plugins/feeds), and a new reporter's feed is
    checked against the build of the notes alone (fast_run
    alone_reporter_feeds). What a first note cannot do on the fast path:
    name a tag or category whose address another one of another name holds
    (Pelican keeps one of the names for the page: which, the order of its
    reading says).
    """
    names: dict[str, dict[str, set[str]]] = {}
    for kind, held in known.items():
        if kind == "reporter":
            continue
        by_url = names.setdefault(kind, {})
        for r in held:
            by_url.setdefault(r.url, set()).add(r.name)
    for note in entries:
        new = {"station": [note.thana], "category": [note.category], "tag": note.tags}
        for kind, values in new.items():
            for value in values:
                if value in known[kind]:
                    continue
                held = names[kind].setdefault(value.url, set())
                if held - {value.name}:
                    return (
                        f"{note.path} names a {kind} whose address another "
                        f"name has ({value.slug})"
                    )
                held.add(value.name)
    return ""


def same_news_nearby(
    settings: dict, notes: list[NewNote], index: SiteIndex, stations: Mapping
) -> str:
    """A new note that repeats a published one (the same cleaned title and
    station within NEAR_DAYS: the full build warns the desk about it), or "".
    Only the published notes of the same station near its date are read.
    """
    root = Path(settings["PATH"])
    near = timedelta(days=NEAR_DAYS, minutes=1)
    new = [(n.entry.path, n.header) for n in notes]
    if duplicate_notes(new, stations):
        return "two new notes are the same news"
    for note, (path, header) in zip(notes, new, strict=True):
        others = [
            (e.path, scan_header(read_note(root, e.path)))
            for e in index.notes
            if e.thana.name == note.entry.thana.name
            and abs(e.date - note.entry.date) <= near
            and e.path != path  # an edited note is not its own twin
        ]
        if same_news(header, others, stations):
            return f"{path} repeats a published note (the full build names it)"
    return ""


def read_note(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def in_links(settings: dict, notes: tuple[NewNote, ...]) -> str:
    """Why a new note touches the redirects (plugins/links), or "": an
    `old_url`, or an address or file the links ledger or the redirects
    registry names already (its first day would come from the ledger, a
    redirect from or to it would change).
    """
    root = Path(settings["PATH"])
    pairs = read_ledger(root / links_settings(settings)["ledger"]).pairs()
    urls = {url for url, _note in pairs} | redirect_urls(settings)
    files = {note for _url, note in pairs}
    for note in notes:
        if note.header.value("old_url"):
            return f"{note.entry.path} has an old_url"
        if note.entry.url in urls or note.entry.path in files:
            return f"{note.entry.path} is in the links ledger or redirects already"
    return ""


def redirect_urls(settings: dict) -> set[str]:
    """Every address the redirects registry names (from or to)."""
    conf = links_settings(settings)
    redirects = Path(settings["PATH"]) / conf["redirects"]
    if not redirects.is_file():
        return set()
    manual, _problems = parse_redirects(
        redirects.read_text(encoding="utf-8"), redirects
    )
    return {r.old for r in manual} | {r.new for r in manual}


def edit_in_links(settings: dict, note: NewNote) -> str:
    """Why an edit of this note reaches the redirects (plugins/links), or "":
    an `old_url` (its redirect would be made again). The rest the ledger
    and the redirects registry hold is planned again after the makers with
    every note (scripts/fast_production.py): its first day in the ledger
    must be its date's day (the build of it alone takes that for its feed
    id), and the redirects must stay as they are.
    """
    if note.header.value("old_url"):
        return f"{note.entry.path} has an old_url"
    return ""


def site_changed(
    settings: dict, output: Path, index: SiteIndex, key: str | None
) -> str:
    """Why the site as a whole is not the one the index describes, or ""."""
    if not settings.get(SETTING, True):
        return f"the {SETTING} setting is off"
    if settings.get(SHARE_RUN_SETTING):
        return "a share run"
    if site_index.output_identity(output) != index.output:
        return "the output folder is not the one the site index describes"
    folders = site_index.folders_path(site_index.index_path(settings, output))
    if site_index.output_digest(output, folders) != index.output_files:
        return "the output folder was changed outside a build"
    if key is None or key != index.key:
        return "the code, theme, translations, libraries or settings changed"
    if index.scheduled_waiting:
        return "a scheduled note has no date the site index could read"
    if index.scheduled is not None and build_now(settings) >= index.scheduled:
        return "a scheduled note came due"
    if build_now(settings).date() != index.day:
        return "the last build was on another day"
    return ""


@dataclass(frozen=True)
class Changes:
    """The files under content/ changed, removed and added since the index."""

    changed: list[str]
    removed: list[str]
    added: list[str]


def content_changes(
    stamps: dict[str, tuple[int, ...]], index: SiteIndex, settings: dict
) -> Changes:
    """The changes under content/, besides the files builds and publishes
    write there (the links ledger and the pending files of publishes): the
    fast path reads the ledger as the full build does, and takes it only
    where it changes no output (scripts/fast_production.py).
    """
    by_build = site_index.written_here(settings)
    changed, removed = [], []
    for rel, was in index.stamps.items():
        # (a file as it was is no change whoever writes it: asked first)
        now = stamps.get(rel)
        if now == was or by_build(rel):
            continue
        if now is None:
            removed.append(rel)
        else:
            changed.append(rel)
    added = sorted(r for r in stamps.keys() - index.stamps.keys() if not by_build(r))
    return Changes(changed, removed, added)


def added_files(changes: Changes) -> list[str] | str:
    """The files added under content/ since the index, or why not only files
    were added.
    """
    if other := sorted(changes.changed + changes.removed):
        return f"{other[0]} was changed or removed"
    return changes.added or "nothing under content/ changed"


# A slug made from a title when taken: `<slug>-<n>` (validate.unique_slug)
def slug_family(slug: str, slugs: frozenset[str]) -> bool:
    """Whether another note's slug may have been made beside this one (the
    same title: `slug-2`, or this one is such a `-n` of another): a title
    edit may then change another note's address (assign_slugs).
    """
    base, _sep, tail = slug.rpartition("-")
    if tail.isdigit() and base in slugs:
        return True
    prefix = f"{slug}-"
    return any(s.startswith(prefix) and s[len(prefix) :].isdigit() for s in slugs)


def ref_problem(note: NoteEntry, old: NoteEntry, index: SiteIndex) -> str:
    """Why a station, category, tag (as written) or reporter the edit gives
    up or takes up cannot be made so on the fast path, or "". A station,
    category or tag may lose its last note or get its first (its list's
    pages and directory line go or come, as planned from the notes; a
    station's and a category's feed is there with or without notes), unless
    another name has its address (a tag written otherwise: which name the
    page keeps, the order of Pelican's reading says). A reporter may not:
    the feed of a reporter is there only with notes.
    """
    others = [n for n in index.notes if n.path != old.path]
    kinds = {
        "station": (lambda n: [n.thana]),
        "category": (lambda n: [n.category]),
        "tag": (lambda n: list(n.tags)),
        "reporter": (lambda n: [n.reporter]),
    }
    for kind, values in kinds.items():
        known = {v for n in others for v in values(n)}
        was, now = values(old), values(note)
        moved = [v for v in was if v not in now] + [v for v in now if v not in was]
        for value in moved:
            if value in known:
                continue
            if kind == "reporter":
                return f"its reporter {value} would lose its last note or get its first"
            names = {v.name for v in (*known, *was, *now) if v.url == value.url}
            if names != {value.name}:
                return f"its {kind} {value.name} has an address another name has"
    return ""


def photo_path(image: str) -> str:
    return os.path.normpath(image) if image else ""


def edit_problem(
    note: NewNote, old: NoteEntry, index: SiteIndex, settings: dict
) -> str:
    """Why an edited note's changes reach beyond its own files, the list
    pages and feeds it is on, and the site-wide records (the full build
    makes them), or "".
    """
    entry = note.entry
    if old.path in index.old_urls:
        return "it has an old_url (a redirect to it)"
    if entry.slug != old.slug:
        return "its slug changed"
    if entry.date != old.date:
        return "its date changed"
    if (entry.url, entry.save_as) != (old.url, old.save_as):
        return "its address changed"
    if photo_path(note.image) != photo_path(old.image):
        return "its photo changed (the old photo's copies would stay)"
    folders = settings.get("STATIC_PATHS") or ()
    if note.image and not in_folders(os.path.normpath(note.image), folders):
        return f"{note.image} is not under {', '.join(folders)}"
    if slug_family(entry.slug, index.slugs):
        return "another note's address may be made from the same title"
    if any(old.path in w for w in index.warnings):
        return "the last full build warned about it"
    return ref_problem(entry, old, index)


def registry_files(settings: dict) -> tuple[str, str]:
    """The station and category registries, under content/."""
    conf = press_notes_settings(settings)
    return (
        os.path.normpath(conf["thana_registry"]),
        os.path.normpath(conf["category_registry"]),
    )


def decide_registry(settings: dict, rel: str, index: SiteIndex) -> Decision:
    """Whether an edit of a station or category registry is fast: the
    registry as read is the same (a comment, a category's keywords for
    `invoke ingest`: nothing placed), or one entry changed in a field pages
    show that scripts/fast_registry.py makes (`registry_edit`: a station's
    area or other spellings, a category's description; its docstring says
    which outputs each field of the registries reaches, and why the others
    are the full build's).
    """
    # (scripts/fast_registry.py imports scripts/fast_run.py, which imports
    # this module)
    from .fast_registry import registry_edit

    # the checks refuse a link under content/ (plugins/press_notes
    # link_problems): the full build says why
    if (Path(settings["PATH"]) / rel).is_symlink():
        return full(f"{rel} is a symbolic link (the checks refuse it)")
    try:
        registry = registry_for(settings)
    except ContentError:
        return full("the registries do not load")
    old = index.registry
    if old is None:
        return full(f"{rel} was changed or removed")
    if (old.district, old.thanas, old.categories) == (
        registry.district,
        registry.thanas,
        registry.categories,
    ):
        return Decision(
            True, f"{rel} changed in nothing the build reads", registry=registry
        )
    edit = registry_edit(settings, old, registry, index)
    if isinstance(edit, str):
        return full(f"{rel}: {edit}")
    return Decision(True, f"{rel}: {edit.what}", registry=registry, edit=edit)


def decide_edit(settings: dict, rel: str, index: SiteIndex) -> Decision:
    """Whether the one changed file, `rel`, is an edit of a published note
    the fast path can make exactly (see edit_problem).
    """
    if not note_file(rel, settings):
        return full(f"{rel} was changed or removed")
    old = next((n for n in index.notes if n.path == rel), None)
    if old is None:
        return full(f"{rel} was changed and is not a published note")
    read = new_notes(settings, [rel])
    if isinstance(read, str):
        return full(f"edit of {rel}: {read}")
    [note], rules = read
    if why := edit_problem(note, old, index, settings):
        return full(f"edit of {rel}: {why}")
    if why := edit_in_links(settings, note):
        return full(f"edit of {rel}: {why}")
    if why := same_news_nearby(settings, [note], index, rules.registry.thana_by_name):
        return full(f"edit of {rel}: {why}")
    return Decision(True, f"one note edited ({rel})", (note,), (old,))


def new_notes(
    settings: dict, note_paths: list[str]
) -> tuple[list[NewNote], Rules] | str:
    """The new notes, read and checked, and the rules they were checked
    against; or why one is not of the fast case.
    """
    try:
        rules = check_rules(settings, registry_for(settings))
    except ContentError:
        return "the registries do not load"
    tz = ZoneInfo(settings.get("TIMEZONE") or "Asia/Kolkata")
    notes = []
    for rel in note_paths:
        note = read_new_note(rel, settings, rules, tz)
        if isinstance(note, str):
            return note
        notes.append(note)
    return notes, rules


def decide(
    settings: dict,
    output: Path,
    index: SiteIndex | None,
    why_none: str = "",
    before: site_index.Before | None = None,
) -> Decision:
    """Whether this build is of the FAST CASE (see the module's docstring);
    `before`: the site key and content stamps now, if taken already.
    """
    if index is None:
        return full(why_none or "no site index")
    before = before or site_index.before_build(settings)
    if why := site_changed(settings, output, index, before.key):
        return full(why)
    changes = content_changes(before.stamps, index, settings)
    if len(changes.changed) == 1 and not changes.removed and not changes.added:
        [rel] = changes.changed
        if rel in registry_files(settings):
            return decide_registry(settings, rel, index)
        return decide_edit(settings, rel, index)
    return decide_new(settings, index, changes)


def decide_new(settings: dict, index: SiteIndex, changes: Changes) -> Decision:
    """Whether the files added under content/ are new notes of the FAST CASE."""
    added = added_files(changes)
    if isinstance(added, str):
        return full(added)
    note_paths = [rel for rel in added if note_file(rel, settings)]
    if not note_paths:
        return full("no new note")
    read = new_notes(settings, note_paths)
    if isinstance(read, str):
        return full(read)
    notes, rules = read
    if why := photo_problem(notes, added, note_paths, settings):
        return full(why)
    if why := check_new_notes(notes, index, build_now(settings)):
        return full(why)
    if why := in_links(settings, tuple(notes)):
        return full(why)
    if why := same_news_nearby(settings, notes, index, rules.registry.thana_by_name):
        return full(why)
    return Decision(True, "only new notes since the last build", tuple(notes))


def log_path(decision: Decision) -> None:
    """One line of the developer log: the path this build takes, and why."""
    path = "fast" if decision.fast else "full"
    logger.info("build path: %s (%s)", path, decision.why)

"""What a fast build makes after every maker: the redirects and the record
of published addresses (plugins/links), and the compressed copies
(plugins/compress) — in a production build as in a development one, with
the plugins' own functions.

Redirects. plugins/links plans them from every note with a page (file,
address, `old_url`), every file the build writes before them (`Written`),
the ledger of published addresses and the redirects registry, and writes a
page per old address and the web servers' redirect lists. The fast path
plans them again with the same function (`link_files`), from the site
index's link records (the notes and files of the site as it is) with the
new or edited notes (as the build of them alone made their records) and
the files the makers made: a plan that would stop the build is the full
build's (it says why); a plan whose redirects differ from the ones live is
the full build's (it writes the redirect pages); the redirect lists are
made again and placed when their bytes differ.

The ledger also gives each note the day of its feed entry id (its first
day, plugins/feeds/ids.py): each kept note's must be the one its kept feed
records were made with, and a new or edited note's its date's day (the
build of it alone reads no ledger). So a ledger a build or a publish
appended to since (rows of notes at their addresses, on their dates' days)
leaves the fast path open; any other change of it that reaches an output
is the full build's.

Recording. Once the files are in place, the notes' addresses are recorded
as the full build records them (plugins/links `record_addresses`: the
addresses not yet in the ledger appended, or every address written to the
pending file of `invoke publish`, settled by the publish once the upload
went live).

Compressed copies. When COMPRESS is on, each file the fast build places
that the compress rules take (its suffix and size) gets its .gz and .br,
made through the plugin's cache with its functions (`compressed_copies`),
placed with it and given its modification time (`same_time`) before the
output is surveyed; the copies of a removed file, or of a file that shrank
below the size, are removed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from plugins.compress.compress import (
    compressed_copies,
    copy_names,
    same_time,
    worth,
)
from plugins.compress.compress import plugin_settings as compress_settings
from plugins.core import contract
from plugins.core.errors import ContentError
from plugins.core.files import cache_folder
from plugins.links.links import (
    LinkNote,
    LinkRecords,
    feed_days,
    first_days_of,
    link_files,
    link_inputs,
)
from plugins.links.plan import Written, written

from . import fast_notes


@dataclass(frozen=True)
class Links:
    """The redirects of a fast build: the redirect lists (by path in the
    output) and the link records of the site once placed.
    """

    files: dict[str, bytes]
    records: LinkRecords


def our_link_notes(context: dict, ours: set[str]) -> list[LinkNote] | str:
    """The link records of the new or edited notes (`ours`, by file), as
    the build of them alone made them; or why they are not all there.
    """
    records = context.get(contract.LINK_RECORDS)
    if not isinstance(records, LinkRecords):
        return "the build of the new notes alone made no link records"
    found = [n for n in records.notes if n.note_file in ours]
    if {n.note_file for n in found} != ours or len(found) != len(ours):
        return "the link records of the new notes are not all there"
    return found


def notes_after(
    kept: tuple[LinkNote, ...], ours: list[LinkNote], edit: bool
) -> tuple[LinkNote, ...]:
    """Every note with a page once placed: an edited note in its place, new
    notes in front (newest first, as the full build lists them).
    """
    if edit:
        by_file = {n.note_file: n for n in ours}
        return tuple(by_file.get(n.note_file, n) for n in kept)
    return (*ours, *kept)


def written_after(
    kept: Written, files: Mapping[str, bytes], gone: list[str]
) -> Written:
    """What the full build would have written before the redirects: the
    files of the last one, the files made, without the files removed.
    """
    if not gone:
        return written(sorted(files), kept)
    return written(sorted((kept.files - set(gone)) | set(files)))


def day_problem(kept: LinkRecords, after: LinkRecords, ours: list[LinkNote]) -> str:
    """Why a note's feed id day (its first day, from the ledger read now)
    is not the one its feed entry was made with, or "".
    """
    before = feed_days(kept)
    own = {n.note_file: n.day for n in ours}
    for note_file, day in feed_days(after).items():
        if day != own.get(note_file, before.get(note_file)):
            return f"the links ledger gives {note_file} another first day"
    return ""


def link_outputs(
    settings: dict,
    kept: object,
    new: list[LinkNote],
    edit: bool,
    files: Mapping[str, bytes],
    gone: list[str],
) -> Links | str:
    """The redirect lists of the site once the files are placed, and its
    link records (`new`: the new or edited notes' records, our_link_notes;
    none for a registry edit); or why the fast path cannot make them (see
    the module's docstring).
    """
    if not isinstance(kept, LinkRecords) or kept.written is None:
        return "the site index holds no link records"
    if kept.redirects is None:
        return "the site index holds no redirects"
    inputs = link_inputs(settings)
    notes = notes_after(kept.notes, new, edit)
    built = written_after(kept.written, files, gone)
    records = LinkRecords(
        notes, built, first_days_of(notes, inputs.recorded.first_days())
    )
    if why := day_problem(kept, records, new):
        return why
    try:
        # its warnings (an old_url that cannot be redirected) are the full
        # build's about notes a fast build leaves: repeated from the index
        with fast_notes.quiet():
            made = link_files(
                records,
                settings,
                built,
                inputs.recorded,
                inputs.manual,
                inputs.problems,
            )
    except ContentError:
        return "the redirects would stop the build (the full build says why)"
    if made.redirects != kept.redirects:
        return "the redirects change (the full build writes their pages)"
    return Links(
        {name: text.encode("utf-8") for name, text in made.files.items()},
        replace(records, redirects=made.redirects),
    )


@dataclass(frozen=True)
class Copies:
    """The compressed copies of the files a fast build places."""

    files: dict[str, bytes]  # copy path -> bytes
    sources: dict[str, str]  # copy path -> the file it is a copy of
    gone: list[str]  # copies to remove (of files removed or shrunk)


NO_COPIES = Copies({}, {}, [])


def compressed(
    settings: dict, output: Path, changed: Mapping[str, bytes], gone: list[str]
) -> Copies:
    """The .gz and .br of the `changed` files (those placed) the compress
    rules take, and the live copies of files removed or no longer taken.
    """
    conf = compress_settings(settings)
    if not conf["enabled"]:
        return NO_COPIES
    min_bytes = conf["min_bytes"]
    cache = cache_folder(settings, conf["cache"])
    files = compressed_copies(changed, cache, min_bytes)
    sources = {
        copy: rel
        for rel, data in changed.items()
        if worth(rel, len(data), min_bytes)
        for copy in copy_names(rel)
    }
    untaken = [
        rel for rel, data in changed.items() if not worth(rel, len(data), min_bytes)
    ]
    stale = sorted(
        copy
        for rel in [*gone, *untaken]
        for copy in copy_names(rel)
        if os.path.lexists(output / copy)
    )
    return Copies(files, sources, stale)


def copy_times(output: Path, sources: Mapping[str, str], placed: set[str]) -> None:
    """Each placed copy takes its file's times (before the output is
    surveyed: the survey holds every file's time).
    """
    for copy, source in sources.items():
        if copy in placed:
            same_time(output / copy, output / source)

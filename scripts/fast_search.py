"""The search index of a fast build: only the parts whose notes changed.

plugins/search makes the index in parts (`plan_shards`: the newest year's
newest block of notes, the year's notes before it, the older years'), each
a Pagefind index kept in the cache under a hash of its pages. Which part
holds a note depends on the notes alone, so the parts are planned here from
the site index's notes, before and after the change, by the same function:
a part whose notes are the same and whose pages did not change keeps its
live files; a part that changed (the newest block, for a new note) is made
by the same `part_index` as in a full build, over its pages as they will
be (the new or edited notes' from the build of them alone, the others'
from the live output), and its files that differ are placed, those it no
longer has removed, with shards.json and spellings.json (the stations'
other spellings, which the search page reads: search.station_spellings).
Anything unexpected (the live list of
parts is not the one the index's notes give, a page of a part not marked
for the index or dated otherwise than its note) is a reason for the full
build.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from plugins.compress.compress import ENCODINGS
from plugins.hindi_text.dates import iso_datetime
from plugins.search import search

if TYPE_CHECKING:
    from .fast_run import Made
    from .site_index import NoteEntry


@dataclass(frozen=True)
class SearchUpdate:
    """The search files a fast build makes ({path under the output: bytes})
    and the live ones it removes (paths under the output), and the parts
    made again by Pagefind (a part whose pages changed only where Pagefind
    does not read keeps its index: search.SearchPage.digest).
    """

    files: dict[str, bytes]
    gone: tuple[str, ...]
    made: tuple[str, ...]


# A Pagefind index's entry file (it names the index's metadata file).
ENTRY = "pagefind-entry.json"


def note_dates(notes: Iterable[NoteEntry]) -> dict[str, str]:
    """{page path: ISO date} of published notes, as their pages print it
    (each published note's page is marked for the index).
    """
    return {n.save_as: iso_datetime(n.date) for n in notes}


def live_files(output: Path, folder: str) -> set[str]:
    """The files under `folder` of the output, as paths under the output,
    but compressed copies (plugins/compress: the fast path removes those of
    the files it removes, and keeps those of the files it keeps).
    """
    found = set()
    for top, _dirs, names in os.walk(output / folder):
        for name in names:
            if not name.endswith(ENCODINGS):
                found.add((Path(top) / name).relative_to(output).as_posix())
    return found


def years_of(shards: list[search.Shard]) -> set[str]:
    return {year for shard in shards for year in shard.years}


def parts_of(shards: list[search.Shard]) -> dict[str, search.Part]:
    return {part.name: part for shard in shards for part in shard.parts}


def counts_differ(folder: Path, shards: list[search.Shard]) -> str:
    """Why the live parts in `folder` do not hold as many pages as the
    site index's notes give them (Pagefind's entry file counts them), or "".
    """
    for part in parts_of(shards).values():
        try:
            entry = json.loads((folder / part.name / ENTRY).read_bytes())
            count = entry["languages"]["hi"]["page_count"]
        except (OSError, ValueError, KeyError, TypeError):
            return f"the search index's part {part.name} cannot be read"
        if count != len(part.rels):
            return (
                f"the search index's part {part.name} holds {count} pages, "
                f"the site index's notes {len(part.rels)}"
            )
    return ""


def page_record(
    rel: str, dates: Mapping[str, str], new: Mapping[str, bytes], output: Path
) -> search.SearchPage | str:
    """The record of note page `rel` as it will be, or why it is in doubt."""
    try:
        data = new[rel] if rel in new else (output / rel).read_bytes()
    except OSError:
        return f"the note page {rel} is not in the output"
    page = search.search_page(rel, data)
    if not page.marked or page.date != dates[rel]:
        return f"the note page {rel} is not the one the site index describes"
    return page


def update(made: Made) -> SearchUpdate | str:
    """The search files that change, or why the fast path cannot tell (what
    it did is search.LAST_RUN's last, as for a full build).
    """
    started = time.perf_counter()
    conf = search.plugin_settings(made.settings)
    if not conf["index"]:
        return SearchUpdate({}, (), ())
    output = Path(made.settings["OUTPUT_PATH"])
    bundle = conf["bundle"]
    plan = (conf["split_by_year"], conf["block"])
    before = search.plan_shards(note_dates(made.index.notes), *plan)
    try:
        live = (output / bundle / search.SHARDS_FILE).read_bytes()
    except OSError:
        return "the output has no search index"
    if live != search.shards_data(before):
        return "the search index's parts are not those of the site index's notes"
    if why := counts_differ(output / bundle, before):
        return why
    dates = note_dates(made.notes)
    after = search.plan_shards(dates, *plan)
    if years_of(after) != years_of(before):
        # the search page lists the years to filter by (search.html)
        return "a note of a new year: the search page lists the years"
    pages = {n.entry.save_as for n in made.new}
    new = {rel: data for rel, data in made.alone.files.items() if rel in pages}
    if missing := sorted(pages - set(new)):
        return f"the build of the new notes alone did not make {missing[0]}"
    was = parts_of(before)
    changed = [
        part
        for part in parts_of(after).values()
        if was.get(part.name) != part or pages & set(part.rels)
    ]
    gone: set[str] = set()
    for name in set(was) - set(parts_of(after)):
        gone |= live_files(output, f"{bundle}/{name}")
    files: dict[str, bytes] = {}
    made_again: tuple[str, ...] = ()
    if changed:
        found = part_files(made, changed, new, dates)
        if isinstance(found, str):
            return found
        files, stale, made_again = found
        gone |= stale
    files[f"{bundle}/{search.SHARDS_FILE}"] = search.shards_data(after)
    # the stations' other spellings, as the full build writes them (placed
    # only when an edit of them changed its bytes)
    files.update(search.spellings_file(made.settings, made.registry.thanas))
    search.LAST_RUN.append(
        search.IndexRun(
            len(dates),
            time.perf_counter() - started,
            not made_again,
            made_again,
            tuple(parts_of(after)),
        )
    )
    return SearchUpdate(files, tuple(sorted(gone - set(files))), made_again)


def part_files(
    made: Made,
    parts: list[search.Part],
    new: Mapping[str, bytes],
    dates: Mapping[str, str],
) -> tuple[dict[str, bytes], set[str], tuple[str, ...]] | str:
    """The files of each of `parts` (kept, or made now over its pages as they
    will be), the live files of their folders they no longer have, and the
    parts made now.
    """
    output = Path(made.settings["OUTPUT_PATH"])
    kit = search.Kit.of(made.settings)
    files: dict[str, bytes] = {}
    gone: set[str] = set()
    fresh: list[str] = []
    kit.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pages-", dir=kit.cache) as scratch:
        written = Path(scratch)
        for rel, data in new.items():
            (written / rel).parent.mkdir(parents=True, exist_ok=True)
            (written / rel).write_bytes(data)
        for part in parts:
            records = {}
            for rel in part.rels:
                record = page_record(rel, dates, new, output)
                if isinstance(record, str):
                    return record
                records[rel] = record
            kept, made_now = search.part_index(
                kit,
                part,
                records,
                lambda rel: (written if rel in new else output) / rel,
            )
            if made_now:
                fresh.append(part.name)
            folder = f"{kit.bundle}/{part.name}"
            ours = {
                rel: path.read_bytes()
                for rel, path in search.tree_files(kept, folder).items()
            }
            files.update(ours)
            gone |= live_files(output, folder) - set(ours)
            # every part's pagefind.js is the same file (one Pagefind version)
            files[f"{kit.bundle}/pagefind.js"] = (kept / "pagefind.js").read_bytes()
    return files, gone, tuple(fresh)


def entry_file(rel: str) -> int:
    """Where a search file goes in the placing order: a part's files named
    by their bytes first (0), then its pagefind-entry.json, which names its
    metadata file (1), then shards.json, which names the parts (2): a
    search started while the files move finds every file its entry names.
    """
    name = rel.rsplit("/", 1)[-1]
    return {ENTRY: 1, search.SHARDS_FILE: 2}.get(name, 0)


def search_files(made: Made) -> Mapping[str, bytes] | str:
    """The maker of the search index (scripts/fast_run.py MAKERS)."""
    found = made.search
    return found if isinstance(found, str) else found.files


def gone_files(made: Made) -> list[str] | str:
    """The live search files the fast build removes (a part's files it no
    longer has), or why the fast path cannot tell.
    """
    found = made.search
    return found if isinstance(found, str) else list(found.gone)

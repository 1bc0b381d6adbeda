"""A registry edit that pages show, on the fast path: one station's `area`
or one category's `description` changed.

What each registry field reaches in a full build (the plugins and the
theme read them through plugins/press_notes/registry.py):

- a station's `area`: the JSON-LD of each of its note pages
  (plugins/seo/structured.py `place_data`, `addressLocality`; drafts,
  hidden and withdrawn notes and translations have pages too, which the
  site index does not hold: a station with one is the full build's); the
  front page of its list (plugins/listings `station_listings` gives it as
  the listing's description: the page's meta description and lead
  paragraph, and its PoliceStation JSON-LD, `STATION_JSON_LD`; the
  numbered pages are planned without it, `older_pages`); its line on
  the stations' directory page (`Entry.description`); its feed's
  description (plugins/feeds/plan.py `THANA_DESCRIPTION`, Atom and RSS);
  the WhatsApp join page, which groups the stations by area
  (plugins/whatsapp/groups.py `groups_by_thana`). Not the cards, the
  preview images, the feed entries, the sitemaps, the search words or the
  search index (Pagefind reads no JSON-LD, and a part's kept index is
  named by its pages without it: plugins/search `SearchPage.digest`).
- a station's `aliases` (other spellings): with the search index on,
  pagefind/spellings.json, which the search page reads (plugins/search
  `station_spellings`; no note page holds them, so no part of the index
  changes); and which station a note names (a note named by a spelling
  taken away no longer passes the checks: every note file that may name
  the station is read here, `named_elsewhere`, and such a note is the
  full build's, which stops and says why). No page prints them.
- a category's `description`: the front page of its list (meta
  description and lead paragraph; plugins/listings plans its numbered
  pages without it, `older_pages`: each describes itself by the list's
  name, its number and its notes' dates), its line on the categories'
  directory page, its feed's description (when empty, the feed says a
  sentence of its own). Not its numbered pages, nor its notes' pages
  (their JSON-LD names the category by its name), nor the feeds page (it
  prints names and addresses), nor the sitemaps (addresses and dates), nor
  the search index (list pages are not indexed).
- a station's or category's `name` or `slug` (its address), their order,
  an entry added or removed: addresses, names on every note of it, the
  search page's lists, the feeds. The full build.
- the district (`name`, `slug`, `state`): the JSON-LD of every note page
  (`addressRegion`) and the district feed. The full build.
- comments and a category's `keywords` (read by `invoke ingest` alone):
  nothing (scripts/fast_build.py `decide_registry`, nothing placed).

The fast case (`registry_edit`): exactly one entry changed, only in a
station's `area` or `aliases` or a category's `description`, and the work
bounded: a station's note pages, each built again (for its area), at most
`MAX_STATION_PAGES`; its other spellings alone build no note page again.
A category's description reads no note again: the front page of its list
shows its newest notes, whose cards the site index keeps
(site_index.cards_kept; a card not at hand stops the fast path, and the
full build runs), and the numbered pages, whose cards it does not keep,
do not change. With the search index on (production builds), the parts of
the index holding a station's note pages are looked at by
scripts/fast_search.py (`update`: each by plugins/search's `part_index`,
as the full build makes it): its area leaves each part's kept index as it
is (Pagefind reads no JSON-LD), and its other spellings are on no note
page; `update` writes spellings.json from the registry after. A station
one of whose notes has an `old_url`, or that has a page the site index
does not hold (a draft, a hidden or withdrawn note, a translation), is the
full build's for its area.

`run` makes the files with the full build's functions: the station's
notes built alone (scripts/fast_notes.py: their pages, and the WhatsApp
join page that build writes), the list pages plugins/listings plans with
the registry before and after, rendered through scripts/fast_lists.py
when what their templates read changed, the feeds whose plan changed by
plugins/feeds' `feed_files`, the search index's parts holding the
station's note pages (scripts/fast_search.py: kept, or made again); then
the redirects and compressed copies (scripts/fast_production.py) and the
placement, as for a new note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from plugins.core import contract
from plugins.core.clock import build_now
from plugins.core.header import scan_header
from plugins.feeds.feeds import feed_files, feed_words
from plugins.feeds.feeds import plan as plan_feeds
from plugins.feeds.records import FeedRecords
from plugins.press_notes.model import nfc
from plugins.whatsapp.settings import plugin_settings as whatsapp_settings

from . import fast_lists, fast_notes, fast_run, fast_search, site_index
from .check import note_file
from .fast_build import NewNote, slug_family
from .site_index import NoteEntry, SiteIndex

# A station's area or spellings changed on more note pages than this is the
# full build's. Each page built again alone costs about 21 ms of CPU (456
# pages in 9.8 s at 10,000 notes, 30 November 2026), so the bound is about
# 21 s, half of the full build at 10,000 notes (39-42 s), where a
# station of a 23-station bench archive has 377-456 notes.
MAX_STATION_PAGES = 1000


@dataclass(frozen=True)
class RegistryEdit:
    """One registry entry changed in a field pages show."""

    # "station" (its area, with or without its other spellings),
    # "spellings" (a station's other spellings alone) or "description"
    kind: str
    name: str  # the entry's name
    url: str  # its list's address
    # a station's notes (their pages are built again); none for its other
    # spellings alone or a category's description
    notes: tuple[NoteEntry, ...]
    fields: str = "description"  # what changed, as the log says it

    @property
    def what(self) -> str:
        n = len(self.notes)
        if self.kind == "station":
            return f"the {self.fields} of {self.name} ({n} note page{plural(n)})"
        if self.kind == "spellings":
            return f"the other spellings of {self.name} (no note page)"
        return f"the description of {self.name} (its list's first page)"


def plural(n: int) -> str:
    """The English plural ending of a count in the developer log."""
    return "" if n == 1 else "s"


def changed_entries(old: tuple, new: tuple, fields: tuple[str, ...]) -> list | str:
    """The (before, after) pairs of entries that differ, or why the entries
    are not the same ones in the same order (`fields` name them).
    """

    def names(items: tuple) -> list:
        return [tuple(getattr(i, f) for f in fields) for i in items]

    if names(old) != names(new):
        return "an entry was added, removed, renamed or moved (addresses change)"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def registry_edit(
    settings: dict, old: Any, new: Any, index: SiteIndex
) -> RegistryEdit | str:
    """The edit from registry `old` (the last full build's) to `new`, if it
    is of the fast case (see the module's docstring), or why not.
    """
    if old.district != new.district:
        return "the district changed (every note page names it)"
    ident = ("name", "slug", "url")
    stations = changed_entries(old.thanas, new.thanas, ident)
    if isinstance(stations, str):
        return stations
    categories = changed_entries(old.categories, new.categories, ident)
    if isinstance(categories, str):
        return categories
    if len(stations) + len(categories) != 1:
        return f"{len(stations) + len(categories)} entries changed (one is fast)"
    if stations:
        [(was, now)] = stations
        return area_edit(settings, was, now, index, new)
    [(_was, now)] = categories
    return RegistryEdit("description", now.name, now.url, ())


def station_fields(was: Any, now: Any) -> str:
    """What changed of a station's entry besides its name and slug: its
    area, its other spellings, or both.
    """
    area, aliases = was.area != now.area, was.aliases != now.aliases
    return " and ".join(
        name
        for name, changed in (("area", area), ("other spellings", aliases))
        if changed
    )


def area_edit(
    settings: dict, was: Any, now: Any, index: SiteIndex, registry: Any
) -> RegistryEdit | str:
    """A station's entry changed in its area or other spellings (its name
    and slug are the same): fast within the bound when no page the site
    index does not hold may show it (see the module's docstring).
    """
    fields = station_fields(was, now)
    notes = tuple(n for n in index.notes if n.thana.slug == now.slug)
    if was.area == now.area:
        # its other spellings alone: no page prints them
        if why := named_elsewhere(settings, index, registry, now.slug):
            return why
        return RegistryEdit("spellings", now.name, now.url, (), fields)
    if any(n.path in index.old_urls for n in notes):
        return f"a note of {now.name} has an old_url (its redirect page)"
    # built alone, a note whose address was made from its title beside
    # another's could be given another (fast_build.slug_family)
    if family := [n for n in notes if slug_family(n.slug, index.slugs)]:
        return (
            f"the address of {family[0].path} may be made from its title "
            "beside another note's"
        )
    # a note named by a spelling taken away is not of the station any more
    # (unpublished, it is found here; published, the build of it alone
    # stops, and the full build says why)
    if why := unpublished_of(settings, index, registry, now.slug):
        return why
    if len(notes) > MAX_STATION_PAGES:
        return (
            f"the {fields} of {now.name}: on {len(notes)} note pages "
            f"(more than {MAX_STATION_PAGES} built again)"
        )
    return RegistryEdit("station", now.name, now.url, notes, fields)


def station_named(path: Path, registry: Any) -> Any:
    """The registry's station the header of the note file `path` names (None:
    no name the registry has); OSError or UnicodeDecodeError if it cannot be
    read.
    """
    header = scan_header(path.read_text(encoding="utf-8"))
    return registry.thana_by_name.get(nfc(header.value("thana")))


def unpublished_of(settings: dict, index: SiteIndex, registry: Any, slug: str) -> str:
    """Why a note the site index does not hold (a draft, a hidden or
    withdrawn note, a translation: each has a page with its station's
    JSON-LD) may be of the station `slug`, or "". Such notes are few: each
    note file under content/ that is not a published note is read.
    """
    published = {n.path for n in index.notes}
    root = Path(settings["PATH"])
    for rel in sorted(index.stamps):
        if rel in published or not note_file(rel, settings):
            continue
        try:
            station = station_named(root / rel, registry)
        except (OSError, UnicodeDecodeError):
            return f"{rel} cannot be read"
        if station is None or station.slug == slug:
            return f"{rel} is not published and its page may name the station"
    return ""


def named_elsewhere(settings: dict, index: SiteIndex, registry: Any, slug: str) -> str:
    """Why a note may name the station `slug` by a spelling taken away (the
    full build stops on it and says so), or "": each published note of the
    station is read, its header naming the station still; then the notes
    the site index does not hold (unpublished_of).
    """
    root = Path(settings["PATH"])
    for note in index.notes:
        if note.thana.slug != slug:
            continue
        try:
            station = station_named(root / note.path, registry)
        except (OSError, UnicodeDecodeError):
            return f"{note.path} cannot be read"
        if station is None or station.slug != slug:
            return f"{note.path} does not name its station by a name it still has"
    return unpublished_of(settings, index, registry, slug)


def as_new(entry: NoteEntry) -> NewNote:
    """A published note to build alone again, as the build of new notes
    takes it (its entry and photo; its header is not read here).
    """
    return NewNote(entry, entry.image, scan_header(""))


def context_note(index: SiteIndex) -> tuple[NoteEntry, ...]:
    """The newest published note whose address is not made from a title
    beside another note's (built alone, it could be given another:
    fast_build.slug_family), to give a build alone the pages' context; or
    none.
    """
    return next(((n,) for n in index.notes if not slug_family(n.slug, index.slugs)), ())


def join_page(settings: dict) -> str:
    return f"{whatsapp_settings(settings)['join_url']}index.html"


def list_files(
    made: fast_run.Made, old_registry: Any, edit: RegistryEdit
) -> dict[str, bytes] | str:
    """The pages of the entry's list and the directories whose print
    changes from the registry before to the one after (plugins/listings'
    plan, fast_lists' comparison and rendering), or why not.
    """
    settings, notes = made.settings, made.index.notes
    only = frozenset({edit.url})
    before = fast_lists.planned(settings, old_registry, notes, only)
    after = fast_lists.planned(settings, made.registry, notes, only)
    if why := fast_lists.unplanned(only, before, after):
        return why
    reads = fast_lists.TemplateReads(made.env, settings)
    changed = fast_lists.changed_pages(before, after, reads)
    if isinstance(changed, str):
        return changed
    reads.save()
    pages = [after[name] for name in changed]
    found = fast_lists.missed_cards(
        pages, made.cards, made.alone.context, made.env, settings
    )
    if isinstance(found, str):
        return found
    rendered, missed = found
    if missed:
        return f"the card of {sorted(missed)[0]} is not at hand"
    return rendered


def feed_outputs(made: fast_run.Made, old_registry: Any) -> dict[str, bytes] | str:
    """The feeds whose plan differs with the registry after (a station's or
    category's description), made by plugins/feeds' `feed_files` over the
    index's records, or why not.
    """
    records = made.index.records.get(contract.FEED_RECORDS)
    if not isinstance(records, FeedRecords):
        return "the site index holds no feed records"
    settings = made.settings
    were, _slugs = plan_feeds(records.notes, settings, old_registry)
    feeds, _slugs = plan_feeds(records.notes, settings, made.registry)
    by_path = {f.path("atom"): f for f in were}
    if by_path.keys() != {f.path("atom") for f in feeds}:
        return "the feeds would not be the same ones"
    changed = [f for f in feeds if f != by_path[f.path("atom")]]
    if not changed:
        return {}
    words = feed_words(made.env)
    return feed_files(
        records, settings, made.registry, words, made.now, planned=changed
    )


def made_files(
    made: fast_run.Made, old_registry: Any, edit: RegistryEdit
) -> dict[str, bytes] | str:
    """Every file the edit can change, or why the fast path cannot tell."""
    files: dict[str, bytes] = {}
    makers: list[Mapping[str, bytes] | str] = []
    if edit.kind == "station":
        notes = fast_run.note_files(made)
        if isinstance(notes, str):
            return notes
        for note in made.new:
            path = note.entry.path
            if made.previews.get(path) != made.index.previews.get(path):
                return f"the preview image of {path} would change"
        files.update(notes)
    if edit.kind in ("station", "spellings"):
        # the search index's parts holding its note pages, spellings.json
        # (with the index on)
        makers.append(fast_search.search_files(made))
    files.update(made.alone.kept)
    for found in (
        *makers,
        list_files(made, old_registry, edit),
        feed_outputs(made, old_registry),
    ):
        grown = fast_run.with_files(files, found)
        if isinstance(grown, str):
            return grown
        files = grown
    return files


def run(
    settings_file: str,
    overrides: dict | None,
    settings: dict,
    index: SiteIndex,
    registry: Any,
    edit: RegistryEdit,
    before: site_index.Before,
) -> fast_run.Ran | str:
    """Make the files the registry edit changes, place those whose bytes
    differ, update the index (the new registry and stamps); or why not
    (nothing placed: the full build runs).
    """
    output = Path(settings["OUTPUT_PATH"])
    index_file = site_index.index_path(settings, output)
    read = site_index.read_records(index, index_file)
    if isinstance(read, str):
        return read
    own = tuple(as_new(n) for n in edit.notes)  # none for a description
    # the build alone gives the pages' context: at least one note
    also = () if own else context_note(read)
    if not own and not also:
        return "no published note to build the pages with"
    keep = (join_page(settings),) if edit.kind == "station" else ()
    env = fast_lists.theme_env(settings)
    # (its warnings are the full build's about these unchanged notes, kept
    # in the index and repeated once by the fast build)
    with fast_notes.quiet():
        alone = fast_notes.build_alone(
            settings_file, overrides, settings, own, also, keep
        )
    old = tuple(n.entry for n in own)
    made = fast_run.Made(settings, read, own, alone, env, build_now(settings), old)
    if made.registry != registry:
        return "the registry the build alone read is not the one decided on"
    files = made_files(made, read.registry, edit)
    if isinstance(files, str):
        return files
    # a search part's files it no longer has (none for a category's edit)
    searched = edit.kind in ("station", "spellings")
    gone = fast_search.gone_files(made) if searched else []
    if isinstance(gone, str):
        return gone
    after = fast_run.production_files(made, output, files, gone)
    if isinstance(after, str):
        return after
    files, gone, links, copies = after
    updated = replace(
        read,
        stamps=site_index.settled_stamps(before, settings),
        registry=registry,
        records={**read.records, contract.LINK_RECORDS: links.records},
    )
    placed, surveyed = fast_run.settle(
        made, output, (files, gone, copies), links.records, updated, index_file
    )
    return fast_run.Ran(len(read.notes), placed, 0, surveyed)

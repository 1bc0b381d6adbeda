"""Run the fast path: make every file new notes change, put the changed ones
in place, update the site index.

Each kind of output file has a maker (`MAKERS`): given what the fast path
has (`Made`: the index, the new notes, the build of the new notes alone,
the theme's Jinja environment), it returns the files it makes, {path under
the output: bytes}, or why it cannot (then the full build runs). The
makers use the functions the full build uses: plugins/listings' planning
and the theme's templates for the pages, the plugins' record and file
functions for the aggregate outputs. The fast path runs only when every
kind has a maker (`missing_makers`); until then the build says which are
missing and runs the full build.

After every maker, the redirects are planned again and the compressed
copies of the files that change are made (`production_files`,
scripts/fast_production.py). Of the files made, those whose bytes differ
from the live ones are put in place by scripts/placement.py (the new
notes' own files first, then the pages and files that link to them), the
addresses are recorded as the full build records them, and the index is
updated.

An edit of one note (`old`: its entry before) runs the same makers with the
note in its place among the others: the list pages planned differently or
showing it are rendered (the cards they lack read by a build of those notes
alone, `with_cards`), its feeds before and after the edit are made, and
the files it leaves out (a list page gone, its old preview image:
`gone_files`) are removed by the placement. A registry edit the build does
not read places nothing (`run_registry`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from plugins.core import contract
from plugins.core.clock import build_now
from plugins.core.urls import canonical_url, site_base
from plugins.feeds.feeds import feed_files, feed_words, feeds_page, newest_keys
from plugins.feeds.feeds import plan as plan_feeds
from plugins.feeds.plan import Feed
from plugins.feeds.records import FeedNote, FeedRecords
from plugins.feeds.settings import plugin_settings as feeds_settings
from plugins.hindi_text.dates import to_ist
from plugins.links.links import LinkRecords, record_addresses
from plugins.listings.listings import plugin_settings as listings_settings
from plugins.listings.pages import groups_with, lead_story, note_groups
from plugins.press_notes.press_notes import registry_for
from plugins.seo.records import SeoRecords
from plugins.seo.seo import seo_files
from plugins.seo.sitemaps import is_notes_part

from . import (
    fast_lists,
    fast_notes,
    fast_production,
    fast_search,
    placement,
    site_index,
)
from .fast_build import NewNote
from .site_index import NoteEntry, SiteIndex


@dataclass
class Made:
    """What the makers are given."""

    settings: dict
    index: SiteIndex
    new: tuple[NewNote, ...]
    alone: fast_notes.Alone
    env: Any  # the theme's Jinja environment, as Pelican makes it
    now: datetime  # the build's time (plugins/press_notes build_now)
    # an edit: the index entries the edited notes (`new`) had before
    old: tuple[NoteEntry, ...] = ()
    # the cards of older notes read for the list pages an edit changes
    more: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def seo(self) -> SeoRecords | str:
        """Every note's SEO record (`seo_records`), made once a fast build."""
        return seo_records(self)

    @cached_property
    def feeds(self) -> FeedRecords | str:
        """Every note's feed records (`feed_records`), made once a fast build."""
        return feed_records(self)

    @cached_property
    def feed_notes(self) -> tuple[FeedNote, ...] | str:
        """Every note's FeedNote (`feed_notes`), made once a fast build."""
        return feed_notes(self)

    @cached_property
    def feed_plan(self) -> list[Feed]:
        """plugins/feeds' plan of every feed over `feed_notes` (a pass over
        every note: made once a fast build).
        """
        notes = self.feed_notes
        assert not isinstance(notes, str)
        return plan_feeds(notes, self.settings, self.registry)[0]

    @cached_property
    def search(self) -> fast_search.SearchUpdate | str:
        """The search files that change (`fast_search.update`): worked out
        once a fast build (the maker and the removals read it).
        """
        return fast_search.update(self)

    @cached_property
    def refs(self) -> dict:
        """The Refs the index holds: new entries and records share them."""
        return site_index.refs_of(self.index.notes)

    @cached_property
    def notes(self) -> tuple[NoteEntry, ...]:
        """Every published note, newest first: the new ones in front, or
        the edited ones in their places (same date and file: same order).
        """
        new = site_index.shared_refs([n.entry for n in self.new], self.refs)
        if self.old:
            return edited_notes(self.index.notes, new)
        return fast_lists.with_new(self.index.notes, new)

    @cached_property
    def keys(self) -> set[str]:
        """The new notes' files, as a record names them (source path)."""
        root = self.settings["PATH"]
        return {os.path.join(root, n.entry.path) for n in self.new}

    @cached_property
    def articles(self) -> dict[str, Any]:
        """The notes the build of the new notes alone made (the new notes,
        and an older lead story read with them), by file.
        """
        root = self.settings["PATH"]
        return {
            os.path.relpath(a.source_path, root): a
            for a in self.alone.context.get("articles", ())
        }

    @cached_property
    def cards(self) -> dict[str, str]:
        """The cards of the notes the index keeps, and of every note the
        build alone made (the new or edited ones, and the older ones read
        with them: their cards are the full build's).
        """
        made = {p: getattr(a, contract.CARD_HTML) for p, a in self.articles.items()}
        return {**self.index.cards, **self.more, **made}

    @cached_property
    def previews(self) -> dict[str, str]:
        """The preview images of the notes the build alone made, by file."""
        return {
            p: site_index.preview_of(a)
            for p, a in self.articles.items()
            if site_index.preview_of(a)
        }

    @property
    def registry(self):
        return self.alone.context[contract.REGISTRY]

    @cached_property
    def lists(self) -> tuple[dict[str, bytes], set[str]] | str:
        """The list pages that change, rendered, and the notes whose cards
        they need that are not at hand (then the pages are not right); or
        why the fast path cannot tell which change.
        """
        before, after = self.pages
        if why := fast_lists.unplanned(self.touched, before, after):
            return why
        reads = fast_lists.TemplateReads(self.env, self.settings)
        # an edited note can leave a list: its pages then shrink (gone_files)
        changed = fast_lists.changed_pages(before, after, reads, shrink=bool(self.old))
        if isinstance(changed, str):
            return changed
        # a page showing an edited note prints its new card
        if self.old:
            edited = {n.entry.path for n in self.new}
            changed += [
                name
                for name, page in after.items()
                if name not in changed and fast_lists.shown_notes(page, reads) & edited
            ]
        reads.save()
        pages = [after[name] for name in changed]
        return fast_lists.missed_cards(
            pages, self.cards, self.alone.context, self.env, self.settings
        )

    @cached_property
    def touched(self) -> frozenset[str]:
        """The lists the new or edited notes are on, or were on before."""
        entries = [*(n.entry for n in self.new), *self.old]
        return fast_lists.lists_of(self.settings, entries)

    @cached_property
    def pages(self) -> tuple[dict, dict]:
        """plugins/listings' pages before and after, by file: those of the
        lists the notes are or were on (`touched`) and the directories; the
        other lists hold the same notes before and after.
        """
        only = self.touched
        before = note_groups(self.index.notes)
        # new notes come in front of every other: the groups after are
        # those before with theirs in front (an edit's are made again)
        after = (
            note_groups(self.notes)
            if self.old
            else groups_with(before, self.notes[: len(self.new)])
        )
        return (
            fast_lists.planned(
                self.settings, self.registry, self.index.notes, only, before
            ),
            fast_lists.planned(self.settings, self.registry, self.notes, only, after),
        )


Maker = Callable[[Made], Mapping[str, bytes] | str]


def edited_notes(
    notes: tuple[NoteEntry, ...], edited: list[NoteEntry] | tuple[NoteEntry, ...]
) -> tuple[NoteEntry, ...]:
    """`notes` with each edited note's entry in place of its old one (same
    file and date: the order of the notes is the same).
    """
    by_path = {n.path: n for n in edited}
    return tuple(by_path.get(n.path, n) for n in notes)


def own_folders(made: Made) -> list[str]:
    """The folders of the new or edited notes' pages (everything in one is
    that note's: the page, its preview image).
    """
    return [os.path.dirname(n.entry.save_as) + "/" for n in made.new]


def gone_files(made: Made) -> list[str] | str:
    """The files the fast build removes: those an edit leaves out
    (`edit_gone_files`) and the search index's files a part no longer has
    (scripts/fast_search.py); or why the fast path cannot tell.
    """
    edit = edit_gone_files(made)
    if isinstance(edit, str):
        return edit
    found = fast_search.gone_files(made)
    if isinstance(found, str):
        return found
    return [*edit, *found]


def edit_gone_files(made: Made) -> list[str] | str:
    """The files an edit leaves out, or why the fast path cannot tell: the
    list pages of a list an edited note left that no longer has them, and
    each edited note's old preview image when the build alone names it
    otherwise (named by what it shows: the site index keeps each note's).
    Nothing else is removed: other outputs may sit in a note's folder (a
    redirect page of another note's `old_url`). Removed when placing.
    """
    if not made.old:
        return []
    before, after = made.pages
    # (a redirect refused while a list page was there would be made now:
    # the redirects are planned without the files removed, production_files)
    gone = sorted(set(before) - set(after))
    previews = made.previews
    for note in made.new:
        old = made.index.previews.get(note.entry.path)
        if old is None:
            return f"the site index holds no preview image of {note.entry.path}"
        if old != previews.get(note.entry.path):
            gone.append(old)
    return gone


def note_files(made: Made) -> Mapping[str, bytes] | str:
    """The new notes' pages, preview images and photo copies."""
    if not {n.entry.path for n in made.new} <= set(made.articles):
        return "the build of the new notes alone did not make them all"
    root = Path(made.settings["PATH"])
    for note in made.new:
        built = site_index.note_entry(made.articles[note.entry.path], root)
        if built != note.entry:
            return f"{note.entry.path} as built is not the note its header says"
    ours = {n.entry.path for n in made.new}
    if why := read_as_held(made.index, made.alone.context, root, ours):
        return why
    # the new notes' own files are new: never put over a live file; an
    # edited note's only in its own folder, or its (unchanged) photo's copies
    output = Path(made.settings["OUTPUT_PATH"])
    folders = own_folders(made) if made.old else []
    if taken := sorted(
        r
        for r in made.alone.files
        if (output / r).exists()
        and not any(r.startswith(f) for f in folders)
        and not (made.old and photo_copy(made, r))
    ):
        return f"{taken[0]} is in the output already"
    return made.alone.files


def read_as_held(index: SiteIndex, context: dict, root: Path, ours: set[str]) -> str:
    """Why an older note a build of notes alone read (the home page's lead
    story, a note an edit lets into a feed, a note whose card a list page
    shows) is not the note the site index holds, or "": a note without
    `slug:` takes its address from its title among the notes it is built
    with (plugins/press_notes assign_slugs), alone maybe another note's.
    `ours`: the new or edited notes (checked against their headers).
    """
    read = [site_index.note_entry(a, root) for a in context.get("articles", ())]
    older = {e.path for e in read} - ours
    held = {n.path: n for n in index.notes if n.path in older}
    for entry in read:
        if entry.path in older and held.get(entry.path) != entry:
            return f"{entry.path} read alone is not the note the site index holds"
    return ""


def photo_copy(made: Made, rel: str) -> bool:
    """Whether `rel` is a copy of an edited note's photo (which the edit
    leaves as it was: scripts/fast_build.py edit_problem).
    """
    return any(fast_notes.photo_file(rel, n.image) for n in made.new if n.image)


def list_files(made: Made) -> Mapping[str, bytes] | str:
    """The station, category, tag, archive and directory pages that change."""
    lists = made.lists
    if isinstance(lists, str):
        return lists
    rendered, missed = lists
    if missed:
        return f"the card of {sorted(missed)[0]} is not in the site index"
    return rendered


def home_file(made: Made) -> Mapping[str, bytes] | str:
    home = fast_lists.home_page(
        made.notes,
        made.articles,
        made.cards,
        made.alone.context,
        made.env,
        made.settings,
    )
    if isinstance(home, str):
        return home
    return {made.settings.get("INDEX_SAVE_AS", "index.html"): home}


def seo_records(made: Made) -> SeoRecords | str:
    """Every note's SEO record: the index's, the new notes' in front."""
    kept = made.index.records.get(contract.SEO_RECORDS)
    new = made.alone.context.get(contract.SEO_RECORDS)
    if not isinstance(kept, SeoRecords) or not isinstance(new, SeoRecords):
        return "the site index holds no SEO records"
    base = site_base(made.settings)
    locs = {canonical_url(base, n.entry.url) for n in made.new}
    ours = tuple(site_index.shared_in(r, made.refs) for r in new.notes if r.loc in locs)
    if len(ours) != len(made.new):
        return "the SEO records of the new notes are not all there"
    if made.old:
        by_loc = {r.loc: r for r in ours}
        if len(by_loc.keys() & {r.loc for r in kept.notes}) != len(ours):
            return "the SEO records of the edited notes are not in the site index"
        return replace(kept, notes=tuple(by_loc.get(r.loc, r) for r in kept.notes))
    return replace(kept, notes=(*ours, *kept.notes))


def sitemap_files(made: Made) -> Mapping[str, bytes] | str:
    """The sitemaps, the news sitemap and robots.txt (plugins/seo)."""
    records = made.seo
    if isinstance(records, str):
        return records
    output = Path(made.settings["OUTPUT_PATH"])
    base = site_base(made.settings)
    locs = {canonical_url(base, n.entry.url) for n in made.new}
    asked: set[str] = set()  # every part of the sitemap, made or not

    def wanted(path: str, entries: Sequence) -> bool:
        asked.add(path)
        # a part of older notes holds the same notes as before (the notes'
        # parts are counted from the oldest; new notes are the newest, an
        # edited one keeps its date): it is as live unless it holds a new or
        # edited note, or is not there yet
        return (
            not is_notes_part(path)
            or not (output / path).is_file()
            or any(e.loc in locs for e in entries)
        )

    files = seo_files(records, made.settings, made.registry, made.now, wanted)
    # a file the full build would not write again (the news sitemap once
    # its notes are older than its window, a sitemap part): placing cannot
    # remove it
    live = [p.name for p in output.glob("*.xml") if "sitemap" in p.name]
    if gone := sorted(set(live) - set(files) - asked):
        return f"{gone[0]} would be removed"
    return files


def feed_notes(made: Made) -> tuple[FeedNote, ...] | str:
    """Every note's FeedNote: the index's, the new notes' in front (or the
    edited ones in their places).
    """
    kept = made.index.records.get(contract.FEED_RECORDS)
    new = made.alone.context.get(contract.FEED_RECORDS)
    if not isinstance(kept, FeedRecords) or not isinstance(new, FeedRecords):
        return "the site index holds no feed records"
    ours = tuple(
        site_index.shared_in(r, made.refs)
        for r in new.notes
        if r.source_path in made.keys
    )
    if len(ours) != len(made.new):
        return "the feed records of the new notes are not all there"
    if made.old:
        by_key = {r.source_path: r for r in ours}
        if len(by_key.keys() & {r.source_path for r in kept.notes}) != len(ours):
            return "the feed records of the edited notes are not in the site index"
        return tuple(by_key.get(r.source_path, r) for r in kept.notes)
    return (*ours, *kept.notes)


def first_day_problem(made: Made, older: set[str]) -> str:
    """Why the feed entry of an older note read alone (`older`: keys) is not
    the full build's, or "": the build alone reads no links ledger, so its
    entry's id takes the day of the note's date, where the full build takes
    the first day the ledger recorded (another after a corrected date).
    """
    if not older:
        return ""
    links = made.index.records.get(contract.LINK_RECORDS)
    first_days = links.first_days if isinstance(links, LinkRecords) else {}
    root = made.settings["PATH"]
    rels = {os.path.relpath(key, root) for key in older}
    dates = {n.path: n.date for n in made.notes if n.path in rels}
    for rel in sorted(rels):
        day = first_days.get(rel)
        if day is not None and day != to_ist(dates[rel]).date().isoformat():
            return (
                f"the feed entry of {rel}, read alone, would lack its first day "
                "in the links ledger"
            )
    return ""


def feed_records(made: Made) -> FeedRecords | str:
    """Every note's feed records: the FeedNotes (`feed_notes`) and the entries
    of the notes among the newest of a feed.
    """
    notes = made.feed_notes
    if isinstance(notes, str):
        return notes
    kept = made.index.records[contract.FEED_RECORDS]
    new = made.alone.context[contract.FEED_RECORDS]
    needed = newest_keys(made.feed_plan, feeds_settings(made.settings)["max_items"])
    if why := first_day_problem(made, needed - made.keys - set(kept.entries)):
        return why
    # the new or edited notes' entries, and those of older notes read with
    # them (a note an edited one let into a feed's newest)
    entries = {
        **kept.entries,
        **{
            k: site_index.shared_in(e, made.refs)
            for k, e in new.entries.items()
            if k in made.keys or k not in kept.entries
        },
    }
    if missing := sorted(needed - set(entries)):
        return f"the feed entry of {missing[0]} is not in the site index"
    return FeedRecords(notes, {k: entries[k] for k in sorted(needed)})


def followed(feeds: list[Feed]) -> set[tuple[str, str]]:
    """Each feed's address with whom or what it follows."""
    return {(f.path("atom"), f.name) for f in feeds}


def alone_reporter_feeds(made: Made, feeds: list[Feed]) -> str:
    """Why a new or edited note's page, made by the build of it alone, links
    another reporter's feed than the site's (plugins/feeds numbers the slug
    of reporters whose names make one slug by their first notes: a build of
    a few notes alone may number them otherwise), or "".
    """
    site = {f.name: f.slug for f in feeds if f.kind == "reporter"}
    records = made.alone.context.get(contract.FEED_RECORDS)
    if not isinstance(records, FeedRecords):
        return "the build of the new notes alone holds no feed records"
    _planned, alone = plan_feeds(records.notes, made.settings, made.registry)
    for note in made.new:
        name = note.entry.reporter
        if alone.get(name) != site.get(name):
            return (
                f"the build of {note.entry.path} alone names the feed of "
                f"its reporter {name} otherwise than the site does"
            )
    return ""


def feed_outputs(made: Made) -> Mapping[str, bytes] | str:
    """The feeds the new notes are in (plugins/feeds: feed_files over every
    note's records, only the feeds they can change) and the feeds page.
    """
    records = made.feeds
    if isinstance(records, str):
        return records
    settings = made.settings
    changed = set(made.keys)
    words = feed_words(made.env)
    # an edited note can also leave a feed: the feeds it was among the
    # newest of before are made again too
    kept = made.index.records[contract.FEED_RECORDS]
    before = kept.notes if made.old else None
    feeds = made.feed_plan
    if why := alone_reporter_feeds(made, feeds):
        return why
    were = None
    if before is not None:
        were, _slugs = plan_feeds(before, settings, made.registry)
        # a feed that appears or disappears (a district's first or last
        # note), or whose address passes to another reporter (two names of
        # one slug, numbered by their first notes): note pages link to the
        # feeds they are in
        if followed(were) != followed(feeds):
            return (
                "the edit makes a feed appear or disappear, or follow another reporter"
            )
    files = feed_files(
        records,
        settings,
        made.registry,
        words,
        made.now,
        changed,
        before,
        planned=feeds,
        were=were,
    )
    save_as, template, variables = feeds_page(feeds)
    page = fast_lists.render_file(
        save_as, f"{template}.html", made.alone.context, made.env, settings, **variables
    )
    return {**files, save_as: page}


def unchanged(made: Made) -> Mapping[str, bytes]:
    """Outputs new notes and edits of the FAST CASE leave as they are: the
    WhatsApp join page (made from the group registry and site-wide values;
    the share page is written by share runs only, never fast). The
    redirects are planned again after every maker, and the compressed
    copies made of every file placed (scripts/fast_production.py). The
    property test compares whole output trees after fast builds.
    """
    return {}


# Every kind of output file the site holds, with its maker once there is
# one. The fast path writes nothing while any is None. The redirects and
# the compressed copies are made after every maker (production_files).
MAKERS: dict[str, Maker | None] = {
    "note pages, their preview images and photo copies": note_files,
    "list pages (stations, categories, tags, months, years, directories)": (list_files),
    "home page": home_file,
    "sitemaps, news sitemap and robots.txt": sitemap_files,
    "feeds and the feeds page": feed_outputs,
    "WhatsApp join page": unchanged,
    "search index (its changed parts, shards.json)": fast_search.search_files,
}


def missing_makers(makers: Mapping[str, Maker | None] = MAKERS) -> list[str]:
    return [name for name, maker in makers.items() if maker is None]


def with_files(
    files: Mapping[str, bytes], found: Mapping[str, bytes] | str
) -> dict[str, bytes] | str:
    """`files` and the `found` ones (what a maker made, or why it could
    not), or why not: a file made twice stops the fast path.
    """
    if isinstance(found, str):
        return found
    if clash := sorted(set(files) & set(found)):
        return f"{clash[0]} is made twice"
    return {**files, **found}


def make_files(
    made: Made, makers: Mapping[str, Maker | None] = MAKERS
) -> dict[str, bytes] | str:
    """Every file the makers make, or why one cannot (the full build runs)."""
    files: dict[str, bytes] = {}
    for name, maker in makers.items():
        if maker is None:
            return f"no maker for the {name}"
        grown = with_files(files, maker(made))
        if isinstance(grown, str):
            return grown
        files = grown
    return files


def changed_files(output: Path, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The files whose bytes differ from the live output's (or are new)."""
    changed = {}
    for rel, data in files.items():
        try:
            live = (output / rel).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            live = None
        if live != data:
            changed[rel] = data
    return changed


def placing_order(made: Made, files: Mapping[str, bytes]) -> list[str]:
    """The new notes' own files first, then the pages and files that link
    to them: a reader following a new link finds its page there; the files
    naming a search index part's other files last (fast_search.entry_file).
    """
    own = set(made.alone.files)
    return sorted(
        files, key=lambda rel: (rel not in own, fast_search.entry_file(rel), rel)
    )


def updated_index(
    made: Made, before: site_index.Before, links: Any = None
) -> SiteIndex | str:
    """The index of the site once the files are placed (`links`: its link
    records, scripts/fast_production.py), or why none.
    """
    notes = made.notes
    # new notes in front: the notes kept are among those kept before
    among = None if made.old else {*made.index.cards, *(n.entry.path for n in made.new)}
    kept = site_index.cards_kept(notes, made.settings, among)
    if missing := sorted(kept - set(made.cards)):
        return f"the card of {missing[0]} is not at hand"
    records = dict(made.index.records)
    seo = made.seo
    if isinstance(seo, SeoRecords):
        records[contract.SEO_RECORDS] = seo
    feeds = made.feeds
    if isinstance(feeds, FeedRecords):
        records[contract.FEED_RECORDS] = feeds
    if links is not None:
        records[contract.LINK_RECORDS] = links
    return replace(
        made.index,
        stamps=site_index.settled_stamps(before, made.settings),
        notes=notes,
        slugs=made.index.slugs | {n.entry.slug for n in made.new},
        records=records,
        cards={p: made.cards[p] for p in kept},
        previews={**made.index.previews, **made.previews},
    )


def place(
    made: Made,
    output: Path,
    files: Mapping[str, bytes],
    gone: Sequence[str] = (),
    copies: Mapping[str, str] | None = None,
) -> tuple[int, site_index.Survey]:
    """Put the changed files in place, remove the `gone` ones, give each
    compressed copy placed its file's times (`copies`: copy -> file);
    return how many changed, and the survey of the output then (from the
    index's, the placed and removed files looked at alone).
    """
    changed = changed_files(output, files)
    was = site_index.file_stats(output, [*changed, *gone])
    order = placing_order(made, changed)
    placed = placement.place_files(output, changed, order, gone)
    fast_production.copy_times(output, copies or {}, set(changed))
    return placed, site_index.resurveyed(made.index.surveyed, output, was)


@dataclass(frozen=True)
class Ran:
    """A fast build that went live."""

    notes: int  # published notes on the site
    placed: int  # files put in place
    warnings: int
    surveyed: site_index.Survey  # the output once they are


def notes_after(
    index: SiteIndex, new: tuple[NewNote, ...], old: tuple[NoteEntry, ...]
) -> tuple[NoteEntry, ...]:
    entries = [n.entry for n in new]
    if old:
        return edited_notes(index.notes, entries)
    return fast_lists.with_new(index.notes, entries)


def older_lead(
    settings: dict,
    index: SiteIndex,
    new: tuple[NewNote, ...],
    old: tuple[NoteEntry, ...] = (),
) -> tuple[NoteEntry, ...]:
    """The home page's lead story if it is an older note (the newest with a
    photo among the newest few): it is read with the new notes, its page
    printed from the whole note.
    """
    conf = listings_settings(settings)
    notes = notes_after(index, new, old)
    lead, _rest = lead_story(notes[: conf["home_notes"]], conf["lead_within"])
    ours = {n.entry.path for n in new}
    # (a new note is no older one: asked first, not looked for among every
    # note)
    return (
        (lead,)
        if lead is not None and lead.path not in ours and lead in index.notes
        else ()
    )


# An edit whose pages and feeds need more notes than this read again (the
# cards and feed entries the site index does not keep) is the full build's.
MAX_READS = 300


def entry_reads(
    settings: dict, index: SiteIndex, new: tuple[NewNote, ...]
) -> tuple[NoteEntry, ...]:
    """The older notes whose feed entries an edit needs (a feed an edited
    note leaves lets in the next older note): read with the edited ones.
    """
    feeds = index.records.get(contract.FEED_RECORDS)
    if not isinstance(feeds, FeedRecords):
        return ()
    root = settings["PATH"]
    keys = {os.path.join(root, n.entry.path) for n in new}
    rest = tuple(r for r in feeds.notes if r.source_path not in keys)
    planned, _slugs = plan_feeds(rest, settings, registry_for(settings))
    max_items = feeds_settings(settings)["max_items"]
    lacking = {
        os.path.relpath(k, root)
        for k in newest_keys(planned, max_items) - set(feeds.entries)
    }
    return tuple(n for n in index.notes if n.path in lacking)


def with_cards(made: Made, settings_file: str, overrides: dict | None) -> Made | str:
    """`made`, given the cards of the older notes the list pages an edit
    changes show that the index does not keep, and of those the updated
    index must keep (site_index.cards_kept: a list the note left shows
    older notes on its newest pages), read by a second build of notes
    alone; or why not (too many: MAX_READS).
    """
    lists = made.lists
    if isinstance(lists, str):
        return made
    kept = site_index.cards_kept(made.notes, made.settings)
    missed = lists[1] | (kept - set(made.cards))
    if not missed:
        return made
    if len(missed) > MAX_READS:
        return f"its list pages need the cards of {len(missed)} notes read again"
    older = tuple(n for n in made.index.notes if n.path in missed)
    with fast_notes.quiet():
        alone = fast_notes.build_alone(
            settings_file, overrides, made.settings, (), older
        )
    root = made.settings["PATH"]
    if why := read_as_held(made.index, alone.context, Path(root), set()):
        return why
    cards = {
        os.path.relpath(a.source_path, root): getattr(a, contract.CARD_HTML)
        for a in alone.context.get("articles", ())
    }
    # (its warnings are the full build's about these unchanged notes, kept
    # in the index: the same news as a note near it...; a card is the same)
    if lacking := sorted(missed - set(cards)):
        return f"the build of older notes alone did not give the card of {lacking[0]}"
    return replace(made, more={p: cards[p] for p in missed})


Placing = tuple[dict[str, bytes], list[str], fast_production.Links, dict[str, str]]


def all_files(
    made: Made, output: Path, makers: Mapping[str, Maker | None]
) -> Placing | str:
    """Every file the makers make and the files to remove (gone_files),
    then what is made after them (production_files); or why not.
    """
    files = make_files(made, makers)
    if isinstance(files, str):
        return files
    gone = gone_files(made)
    if isinstance(gone, str):
        return gone
    if clash := sorted(set(gone) & set(files)):
        return f"{clash[0]} is made and removed"
    return production_files(made, output, files, gone)


def production_files(
    made: Made, output: Path, files: Mapping[str, bytes], gone: list[str]
) -> Placing | str:
    """After every maker (scripts/fast_production.py): the redirect lists
    and the link records, then the compressed copies of every file placed;
    the files to place and to remove with them, the link records, and each
    copy's file. Or why not.
    """
    ours = {n.entry.path for n in made.new}
    new = fast_production.our_link_notes(made.alone.context, ours)
    if isinstance(new, str):
        return new
    kept = made.index.records.get(contract.LINK_RECORDS)
    links = fast_production.link_outputs(
        made.settings, kept, new, bool(made.old), files, gone
    )
    if isinstance(links, str):
        return links
    with_links = with_files(files, links.files)
    if isinstance(with_links, str):
        return with_links
    copies = fast_production.compressed(
        made.settings, output, changed_files(output, with_links), gone
    )
    placing = with_files(with_links, copies.files)
    if isinstance(placing, str):
        return placing
    if clash := sorted(set(with_links) & set(copies.gone)):
        return f"{clash[0]} is made and removed"
    return (
        placing,
        [*gone, *copies.gone],
        links,
        copies.sources,
    )


def run(
    settings_file: str,
    overrides: dict | None,
    settings: dict,
    index: SiteIndex,
    new: tuple[NewNote, ...],
    before: site_index.Before,
    makers: Mapping[str, Maker | None] = MAKERS,
    old: tuple[NoteEntry, ...] = (),
) -> Ran | str:
    """Make the files, place the changed ones, update the index; or say why
    not (nothing was placed: the caller runs the full build). Raises what a
    build of the new notes alone raises (BuildFailed: nothing placed).
    """
    output = Path(settings["OUTPUT_PATH"])
    also = older_lead(settings, index, new, old)
    env = fast_lists.theme_env(settings)
    if old:
        more = entry_reads(settings, index, new)
        if len(more) > MAX_READS:
            return f"its feeds need {len(more)} notes read again"
        also = (*also, *(n for n in more if n not in also))
    alone = fast_notes.build_alone(settings_file, overrides, settings, new, also)
    if old and alone.warnings:
        return "the build of the edited note alone warned"
    made = Made(settings, index, new, alone, env, build_now(settings), old)
    if old:
        with_more = with_cards(made, settings_file, overrides)
        if isinstance(with_more, str):
            return with_more
        made = with_more
    after = all_files(made, output, makers)
    if isinstance(after, str):
        return after
    files, gone, links, copies = after
    index_file = site_index.index_path(settings, output)
    updated = updated_index(made, before, links.records)
    placed, surveyed = settle(
        made, output, (files, gone, copies), links.records, updated, index_file
    )
    return Ran(len(made.notes), placed, alone.warnings, surveyed)


def settle(
    made: Made,
    output: Path,
    placing: tuple[Mapping[str, bytes], Sequence[str], Mapping[str, str] | None],
    records: LinkRecords,
    updated: SiteIndex | str,
    index_file: Path,
) -> tuple[int, site_index.Survey]:
    """Put the files in place (`placing`: what `place` takes), then record
    the addresses and save the updated index: the index describes the output
    it was made for, so it is forgotten while the files move and written
    again once they are all in place; the addresses are recorded once their
    pages are in place.
    """
    site_index.forget(index_file)
    placed, surveyed = place(made, output, *placing)
    record_addresses(made.settings, records)
    if isinstance(updated, SiteIndex):
        site_index.save(
            replace(
                updated,
                output_files=surveyed.digest,
                output_counts=(surveyed.notes, surveyed.pages),
            ),
            index_file,
        )
    return placed, surveyed


def run_registry(
    settings: dict, index: SiteIndex, registry: Any, before: site_index.Before
) -> Ran | str:
    """A registry edit that changes no output (scripts/fast_build.py
    decide_registry): nothing to place; the redirects planned again (the
    ledger may have changed since the index: they and the first days must
    be as they are) and the addresses recorded as the full build records
    them (scripts/fast_production.py); the index takes the new stamps and
    registry. Or why not.
    """
    output = Path(settings["OUTPUT_PATH"])
    index_file = site_index.index_path(settings, output)
    read = site_index.read_records(index, index_file)
    if isinstance(read, str):
        return read
    kept = read.records.get(contract.LINK_RECORDS)
    links = fast_production.link_outputs(settings, kept, [], False, {}, [])
    if isinstance(links, str):
        return links
    if changed := sorted(changed_files(output, links.files)):
        return f"{changed[0]} would change (the full build writes it)"
    record_addresses(settings, links.records)
    updated = replace(
        read,
        stamps=site_index.settled_stamps(before, settings),
        registry=registry,
        records={**read.records, contract.LINK_RECORDS: links.records},
    )
    site_index.save(updated, index_file)
    # the output is as the index describes it (checked by the decision)
    return Ran(len(index.notes), 0, 0, index.surveyed)

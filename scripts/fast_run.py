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

Of the files made, those whose bytes differ from the live ones are put in
place by scripts/placement.py (the new notes' own files first, then the
pages and files that link to them), and the index is updated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from plugins.core import contract
from plugins.core.urls import canonical_url, site_base
from plugins.feeds.feeds import feed_files, feed_words, feeds_page, newest_keys
from plugins.feeds.feeds import plan as plan_feeds
from plugins.feeds.records import FeedRecords
from plugins.feeds.settings import plugin_settings as feeds_settings
from plugins.listings.listings import plugin_settings as listings_settings
from plugins.listings.pages import lead_story
from plugins.press_notes.press_notes import build_now
from plugins.seo.records import SeoRecords
from plugins.seo.seo import seo_files

from . import fast_lists, fast_notes, placement, site_index
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

    @cached_property
    def refs(self) -> dict:
        """The Refs the index holds: new entries and records share them."""
        return site_index.refs_of(self.index.notes)

    @cached_property
    def notes(self) -> tuple[NoteEntry, ...]:
        """Every published note, newest first, the new ones in front."""
        new = site_index.shared_refs([n.entry for n in self.new], self.refs)
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
        new = {n.entry.path for n in self.new}
        made = {
            p: getattr(a, contract.CARD_HTML)
            for p, a in self.articles.items()
            if p in new
        }
        return {**self.index.cards, **made}

    @property
    def registry(self):
        return self.alone.context[contract.REGISTRY]


Maker = Callable[[Made], Mapping[str, bytes] | str]


def note_files(made: Made) -> Mapping[str, bytes] | str:
    """The new notes' pages, preview images and photo copies."""
    if not {n.entry.path for n in made.new} <= set(made.articles):
        return "the build of the new notes alone did not make them all"
    # the new notes' own files are new: never put over a live file
    output = Path(made.settings["OUTPUT_PATH"])
    if taken := sorted(r for r in made.alone.files if (output / r).exists()):
        return f"{taken[0]} is in the output already"
    return made.alone.files


def list_files(made: Made) -> Mapping[str, bytes] | str:
    """The station, category, tag, archive and directory pages that change."""
    settings = made.settings
    before = fast_lists.planned(settings, made.registry, made.index.notes)
    after = fast_lists.planned(settings, made.registry, made.notes)
    reads = fast_lists.template_reads(made.env)
    changed = fast_lists.changed_pages(before, after, reads)
    if isinstance(changed, str):
        return changed
    pages = [after[name] for name in changed]
    return fast_lists.render_pages(
        pages, made.cards, made.alone.context, made.env, settings
    )


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
    return replace(kept, notes=(*ours, *kept.notes))


def sitemap_files(made: Made) -> Mapping[str, bytes] | str:
    """The sitemaps, the news sitemap and robots.txt (plugins/seo)."""
    records = seo_records(made)
    if isinstance(records, str):
        return records
    files = seo_files(records, made.settings, made.registry, made.now)
    # a file the full build would not write again (the news sitemap once
    # its notes are older than its window, a sitemap part): placing cannot
    # remove it
    output = Path(made.settings["OUTPUT_PATH"])
    live = [p.name for p in output.glob("*.xml") if "sitemap" in p.name]
    if gone := sorted(set(live) - set(files)):
        return f"{gone[0]} would be removed"
    return files


def feed_records(made: Made) -> FeedRecords | str:
    """Every note's feed records: the index's, the new notes' in front."""
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
    notes = (*ours, *kept.notes)
    feeds, _slugs = plan_feeds(notes, made.settings, made.registry)
    needed = newest_keys(feeds, feeds_settings(made.settings)["max_items"])
    entries = {
        **kept.entries,
        **{
            k: site_index.shared_in(e, made.refs)
            for k, e in new.entries.items()
            if k in made.keys
        },
    }
    if missing := sorted(needed - set(entries)):
        return f"the feed entry of {missing[0]} is not in the site index"
    return FeedRecords(notes, {k: entries[k] for k in sorted(needed)})


def feed_outputs(made: Made) -> Mapping[str, bytes] | str:
    """The feeds the new notes are in (plugins/feeds: feed_files over every
    note's records, only the feeds they can change) and the feeds page.
    """
    records = feed_records(made)
    if isinstance(records, str):
        return records
    settings = made.settings
    changed = set(made.keys)
    words = feed_words(made.env)
    files = feed_files(records, settings, made.registry, words, made.now, changed)
    feeds, _slugs = plan_feeds(records.notes, settings, made.registry)
    save_as, template, variables = feeds_page(feeds)
    page = fast_lists.render_file(
        save_as, f"{template}.html", made.alone.context, made.env, settings, **variables
    )
    return {**files, save_as: page}


def unchanged(made: Made) -> Mapping[str, bytes]:
    """Outputs new notes of the FAST CASE leave as they are: the WhatsApp
    join page (made from the group registry and site-wide values; the share
    page is written by share runs only, never fast) and the redirect maps
    (made from the redirects registry, the links ledger and the notes'
    `old_url`, none of which a new note of the FAST CASE touches). The
    property test compares whole output trees after fast builds.
    """
    return {}


# Every kind of output file the site holds, with its maker once there is
# one. The fast path writes nothing while any is None. The search index,
# compressed copies and recorded addresses (production builds) are outside
# the FAST CASE until they have makers (scripts/fast_build.py).
MAKERS: dict[str, Maker | None] = {
    "note pages, their preview images and photo copies": note_files,
    "list pages (stations, categories, tags, months, years, directories)": (list_files),
    "home page": home_file,
    "sitemaps, news sitemap and robots.txt": sitemap_files,
    "feeds and the feeds page": feed_outputs,
    "WhatsApp join page, redirect maps": unchanged,
}


def missing_makers(makers: Mapping[str, Maker | None] = MAKERS) -> list[str]:
    return [name for name, maker in makers.items() if maker is None]


def make_files(
    made: Made, makers: Mapping[str, Maker | None] = MAKERS
) -> dict[str, bytes] | str:
    """Every file the makers make, or why one cannot (the full build runs)."""
    files: dict[str, bytes] = {}
    for name, maker in makers.items():
        if maker is None:
            return f"no maker for the {name}"
        found = maker(made)
        if isinstance(found, str):
            return found
        if clash := sorted(set(files) & set(found)):
            return f"{clash[0]} is made twice"
        files.update(found)
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
    to them: a reader following a new link finds its page there.
    """
    own = set(made.alone.files)
    return sorted(files, key=lambda rel: (rel not in own, rel))


def updated_index(made: Made, before: site_index.Before) -> SiteIndex | str:
    """The index of the site once the files are placed, or why none."""
    notes = made.notes
    kept = site_index.cards_kept(notes, made.settings)
    if missing := sorted(kept - set(made.cards)):
        return f"the card of {missing[0]} is not at hand"
    records = dict(made.index.records)
    seo = seo_records(made)
    if isinstance(seo, SeoRecords):
        records[contract.SEO_RECORDS] = seo
    feeds = feed_records(made)
    if isinstance(feeds, FeedRecords):
        records[contract.FEED_RECORDS] = feeds
    return replace(
        made.index,
        stamps=site_index.settled_stamps(before, made.settings),
        notes=notes,
        slugs=made.index.slugs | {n.entry.slug for n in made.new},
        records=records,
        cards={p: made.cards[p] for p in kept},
    )


def place(
    made: Made, output: Path, files: Mapping[str, bytes]
) -> tuple[int, site_index.Survey]:
    """Put the changed files in place; return how many, and the survey of
    the output then (from the index's, the placed files looked at alone).
    """
    changed = changed_files(output, files)
    was = site_index.file_stats(output, changed)
    placed = placement.place_files(output, changed, placing_order(made, changed))
    return placed, site_index.resurveyed(made.index.surveyed, output, was)


@dataclass(frozen=True)
class Ran:
    """A fast build that went live."""

    notes: int  # published notes on the site
    placed: int  # files put in place
    warnings: int
    surveyed: site_index.Survey  # the output once they are


def older_lead(
    settings: dict, index: SiteIndex, new: tuple[NewNote, ...]
) -> tuple[NoteEntry, ...]:
    """The home page's lead story if it is an older note (the newest with a
    photo among the newest few): it is read with the new notes, its page
    printed from the whole note.
    """
    conf = listings_settings(settings)
    notes = fast_lists.with_new(index.notes, [n.entry for n in new])
    lead, _rest = lead_story(notes[: conf["home_notes"]], conf["lead_within"])
    return (lead,) if lead is not None and lead in index.notes else ()


def run(
    settings_file: str,
    overrides: dict | None,
    settings: dict,
    index: SiteIndex,
    new: tuple[NewNote, ...],
    before: site_index.Before,
    makers: Mapping[str, Maker | None] = MAKERS,
) -> Ran | str:
    """Make the files, place the changed ones, update the index; or say why
    not (nothing was placed: the caller runs the full build). Raises what a
    build of the new notes alone raises (BuildFailed: nothing placed).
    """
    output = Path(settings["OUTPUT_PATH"])
    lead = older_lead(settings, index, new)
    alone = fast_notes.build_alone(settings_file, overrides, settings, new, lead)
    env = fast_lists.theme_env(settings)
    made = Made(settings, index, new, alone, env, build_now(settings))
    files = make_files(made, makers)
    if isinstance(files, str):
        return files
    index_file = site_index.index_path(settings, output)
    updated = updated_index(made, before)
    # the index describes the output it was made for: forgotten while the
    # files move, written again once they are all in place
    site_index.forget(index_file)
    placed, surveyed = place(made, output, files)
    if isinstance(updated, SiteIndex):
        site_index.save(
            replace(
                updated,
                output_files=surveyed.digest,
                output_counts=(surveyed.notes, surveyed.pages),
            ),
            index_file,
        )
    return Ran(len(made.notes), placed, alone.warnings, surveyed)

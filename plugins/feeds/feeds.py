"""RSS 2.0 and Atom feeds for the site, the district, every police station,
category and reporter, written with feedgen, plus the Hindi `feeds/` page.

register() only connects signals; the feeds are planned in plan.py and
rendered in render.py (URL scheme in plan.py, entry ids in ids.py).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from plugins.core import contract as c
from plugins.core.clock import build_now
from plugins.core.files import inside
from plugins.core.packed import release
from plugins.hindi_text.slugs import slugify, unique_slug

from .plan import (
    FEEDS_PAGE_URL,
    FORMATS,
    Feed,
    feed_index,
    feeds_by_key,
    feeds_of_kind,
    note_feeds,
    plan_feeds,
    reporter_slugs,
)
from .records import FeedRecords, feed_note
from .render import EntryRecord, feed_entry, feed_inputs, render_feed, site_info
from .settings import plugin_settings

logger = logging.getLogger(__name__)

WORDS_TEMPLATE = "_feed_words.html"


def write_bytes(output: Path, rel_path: str, data: bytes) -> None:
    path = inside(output, rel_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def feed_words(env) -> dict[str, str]:
    """The words of the note a feed opened in a browser starts with, from
    the theme's catalog (`env`: the build's Jinja environment).
    """
    module = env.get_template(WORDS_TEMPLATE).module
    return {k: str(v) for k, v in module.words.items()}


def plan(records, settings: dict, registry) -> tuple[list[Feed], dict[str, str]]:
    """Every feed of the site from the notes' records (FeedNote, newest
    first), and each reporter's slug.
    """
    slugs = reporter_slugs(records, slugify, unique_slug)
    feeds = plan_feeds(
        settings["SITENAME"],
        settings.get("SITE_DESCRIPTION", ""),
        registry,
        records,
        slugs,
    )
    return feeds, slugs


def feed_site(settings: dict, records, words: dict[str, str], now: datetime):
    """What every feed of a build shares; `now` dates a feed only when there
    is no note at all.
    """
    return site_info(settings, records, now.replace(microsecond=0), browser_note=words)


def newest_keys(feeds: list[Feed], max_items: int) -> set[str]:
    """The notes (FeedNote keys) among the newest `max_items` of some feed:
    those whose EntryRecord the feed files need.
    """
    return {n.source_path for f in feeds for n in f.notes[:max_items]}


def touched(feeds: list[Feed], added: set[str], max_items: int) -> list[Feed]:
    """The feeds whose files change when the notes `added` (keys) are added:
    those they are among the newest of, and every feed without notes (it is
    dated by the newest note of the site). Not for an edited or removed
    note, which can also leave a feed.
    """
    return [
        f
        for f in feeds
        if not f.notes or any(n.source_path in added for n in f.notes[:max_items])
    ]


def feed_files(
    records: FeedRecords,
    settings: dict,
    registry,
    words: dict[str, str],
    now: datetime,
    added: set[str] | None = None,
    before: tuple | None = None,
    *,
    planned: list[Feed] | None = None,
    were: list[Feed] | None = None,
) -> dict[str, bytes]:
    """{path in the output: bytes} of every feed file (both formats), or with
    `added` (FeedNote keys of notes just added) only of the feeds adding
    them changes. `before`: every note's records before the notes `added`
    were edited (an edited note can also leave a feed): the feeds they were
    among the newest of then are made too. `planned` and `were`: the plans
    of `records.notes` and of `before` when the caller made them already
    (a plan goes over every note).
    """
    if planned is None:
        planned, _slugs = plan(records.notes, settings, registry)
    feeds = planned
    site = feed_site(settings, records.notes, words, now)
    chosen = feeds if added is None else touched(feeds, added, site.max_items)
    if added is not None and before is not None:
        if were is None:
            were, _slugs = plan(before, settings, registry)
        left = {f.path("atom") for f in touched(were, added, site.max_items)}
        left -= {f.path("atom") for f in chosen}
        chosen = [*chosen, *(f for f in feeds if f.path("atom") in left)]
    return {
        feed.path(fmt): render_feed(feed, fmt, site, records.entries)
        for feed in chosen
        for fmt in FORMATS
    }


def feeds_page(feeds: list[Feed]) -> tuple[str, str, dict]:
    """The Hindi feeds page: (path in the output, template, its variables)."""
    return (
        f"{FEEDS_PAGE_URL}index.html",
        "feeds",
        {
            "url": FEEDS_PAGE_URL,
            "site_feeds": feeds_of_kind(feeds, "site"),
            "district_feeds": feeds_of_kind(feeds, "district"),
            "thana_feeds": feeds_of_kind(feeds, "thana"),
            "category_feeds": feeds_of_kind(feeds, "category"),
            "reporter_feeds": feeds_of_kind(feeds, "reporter"),
        },
    )


class FeedsGenerator(Generator):
    """Plans the feeds, hands templates their links, writes feeds and page."""

    def generate_context(self):
        notes = self.context["articles"]
        records = tuple(feed_note(n) for n in notes)
        self.feeds, slugs = plan(records, self.settings, self.context[c.REGISTRY])
        words = feed_words(self.env)
        self.site = feed_site(self.settings, records, words, build_now(self.settings))
        by_key = feeds_by_key(self.feeds)
        for note in notes:
            note.feeds = note_feeds(note, by_key, slugs)
        self.context[c.FEED_INDEX] = feed_index(self.feeds, notes)
        self.context[c.FEEDS_PAGE_URL] = FEEDS_PAGE_URL
        self.articles = {r.source_path: n for r, n in zip(records, notes, strict=True)}
        # filled as feeds are rendered, then with every note among the
        # newest of a feed (generate_output): the records a site index keeps
        self.entries: dict[str, EntryRecord] = {}
        self.context[c.FEED_RECORDS] = FeedRecords(records, self.entries)

    def entry(self, key: str) -> EntryRecord:
        if key not in self.entries:
            self.entries[key] = feed_entry(self.articles[key], self.site)
        return self.entries[key]

    def generate_output(self, writer):
        output = Path(self.output_path)
        for note_key in sorted(newest_keys(self.feeds, self.site.max_items)):
            self.entry(note_key)
        # plugins/page_reuse's record of this build, if it runs: a feed whose
        # inputs are those of the published one is linked, not rendered
        reuse = getattr(writer, "reuse", None)
        for feed in self.feeds:
            for fmt in FORMATS:
                rel = feed.path(fmt)
                key = path = None
                if reuse is not None:
                    inputs = feed_inputs(feed, fmt, self.site, self.articles)
                    key = reuse.file_key(rel, inputs)
                    path = str(inside(output, rel))
                    if key and reuse.link_previous(rel, key, path, note=False):
                        continue
                data = render_feed(feed, fmt, self.site, self.entries)
                write_bytes(output, rel, data)
                if reuse is not None and key and path:
                    reuse.record(rel, key, path)
        save_as, template, variables = feeds_page(self.feeds)
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            **variables,
        )
        logger.info(
            "feeds: wrote %d feeds (RSS 2.0 and Atom) under %s",
            len(self.feeds),
            output / "feeds",
        )
        # the feeds are the last readers of the notes' HTML (plugins/core/packed.py)
        release(unread_after_feeds(self.context))


def unread_after_feeds(context: dict) -> list:
    """The notes whose HTML no one reads once the feeds are written: all but
    the home page's lead story, which the fast path prints again from the
    context of the build of its new notes alone (scripts/fast_lists.py
    home_page), after that build's feeds.
    """
    lead = context.get(c.LEAD_NOTE)
    return [note for note in c.all_notes(context) if note is not lead]


def get_generators(pelican):
    return FeedsGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)

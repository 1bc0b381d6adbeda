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
from plugins.core.files import inside
from plugins.hindi_text.dates import IST
from plugins.hindi_text.slugs import slugify, unique_slug

from .plan import (
    FEEDS_PAGE_URL,
    FORMATS,
    feed_index,
    feeds_by_key,
    feeds_of_kind,
    note_feeds,
    plan_feeds,
    reporter_slugs,
)
from .render import feed_inputs, render_feed, site_info
from .settings import plugin_settings

logger = logging.getLogger(__name__)

WORDS_TEMPLATE = "_feed_words"


def write_bytes(output: Path, rel_path: str, data: bytes) -> None:
    path = inside(output, rel_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


class FeedsGenerator(Generator):
    """Plans the feeds, hands templates their links, writes feeds and page."""

    def generate_context(self):
        notes = self.context["articles"]
        slugs = reporter_slugs(notes, slugify, unique_slug)
        self.feeds = plan_feeds(
            self.settings["SITENAME"],
            self.settings.get("SITE_DESCRIPTION", ""),
            self.context[c.REGISTRY],
            notes,
            slugs,
        )
        now = datetime.now(IST).replace(microsecond=0)
        module = self.get_template(WORDS_TEMPLATE).module
        words = {k: str(v) for k, v in module.words.items()}
        self.site = site_info(self.settings, notes, now, browser_note=words)
        by_key = feeds_by_key(self.feeds)
        for note in notes:
            note.feeds = note_feeds(note, by_key, slugs)
        self.context[c.FEED_INDEX] = feed_index(self.feeds, notes)
        self.context[c.FEEDS_PAGE_URL] = FEEDS_PAGE_URL

    def generate_output(self, writer):
        output = Path(self.output_path)
        # plugins/page_reuse's record of this build, if it runs: a feed whose
        # inputs are those of the published one is linked, not rendered
        reuse = getattr(writer, "reuse", None)
        for feed in self.feeds:
            for fmt in FORMATS:
                rel = feed.path(fmt)
                key = path = None
                if reuse is not None:
                    key = reuse.file_key(rel, feed_inputs(feed, fmt, self.site))
                    path = str(inside(output, rel))
                    if key and reuse.link_previous(rel, key, path, note=False):
                        continue
                write_bytes(output, rel, render_feed(feed, fmt, self.site))
                if reuse is not None and key and path:
                    reuse.record(rel, key, path)
        writer.write_file(
            f"{FEEDS_PAGE_URL}index.html",
            self.get_template("feeds"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=FEEDS_PAGE_URL,
            site_feeds=feeds_of_kind(self.feeds, "site"),
            district_feeds=feeds_of_kind(self.feeds, "district"),
            thana_feeds=feeds_of_kind(self.feeds, "thana"),
            category_feeds=feeds_of_kind(self.feeds, "category"),
            reporter_feeds=feeds_of_kind(self.feeds, "reporter"),
        )
        logger.info(
            "feeds: wrote %d feeds (RSS 2.0 and Atom) under %s",
            len(self.feeds),
            output / "feeds",
        )


def get_generators(pelican):
    return FeedsGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)

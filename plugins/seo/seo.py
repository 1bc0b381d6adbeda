"""Findable: sitemap.xml (an index past SEO["sitemap_max_urls"] URLs), the
Google News sitemap of the last SEO["news_hours"] hours, robots.txt naming
both, and schema.org JSON-LD on notes (NewsArticle, BreadcrumbList) and
station pages (PoliceStation).

register() only connects signals; the formats are in sitemaps.py and
structured.py.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from PIL import Image

from plugins.core import contract as c
from plugins.core.contract import all_notes
from plugins.core.settings import namespaced
from plugins.core.urls import canonical_url, site_base
from plugins.feeds.render import updated
from plugins.hindi_text.dates import IST
from plugins.listings.listings import category_listings, station_listings, tag_listings

from .sitemaps import (
    NEWS_PATH,
    ROBOTS_PATH,
    Entry,
    NewsEntry,
    news_sitemap,
    recent,
    robots_txt,
    sitemap_files,
)
from .structured import (
    Publisher,
    breadcrumb_data,
    note_data,
    script_json,
    station_data,
)

logger = logging.getLogger(__name__)

SETTING = "SEO"
DEFAULTS = {
    # the protocol allows 50,000 URLs per sitemap file
    "sitemap_max_urls": 50000,
    "news_hours": 48,
    # the publisher's logo, under the theme's static folder
    "logo": "images/logo.png",
}


def plugin_settings(settings: dict) -> dict:
    return namespaced(settings, SETTING, DEFAULTS, "seo")


def publisher(settings: dict) -> Publisher:
    logo = plugin_settings(settings)["logo"]
    with Image.open(Path(settings["THEME"]) / "static" / logo) as im:
        width, height = im.size
    path = f"{settings['THEME_STATIC_DIR']}/{logo}"
    base = site_base(settings)
    return Publisher(
        settings["SITENAME"], base, canonical_url(base, path), width, height
    )


def note_images(note, base: str) -> list[str]:
    """The note's photo (widest copy) and its 1200×630 preview image."""
    images = []
    image = getattr(note, "image", None)
    if image is not None:
        images.append(canonical_url(base, image.url))
    og = getattr(note, "og_image", None)
    if og is not None:
        images.append(og.url)
    return images


def newest(notes) -> datetime | None:
    return max((updated(n) for n in notes), default=None)


def sitemap_entries(settings: dict, context: dict) -> list[Entry]:
    """Home, the station, category and tag pages and their directories, the
    static pages and every listed note (not hidden, draft or withdrawn).
    """
    base = site_base(settings)
    notes = context["articles"]
    registry = context[c.REGISTRY]
    entries = [Entry(canonical_url(base, ""), newest(notes))]
    for directory, listings in (
        (settings["THANAS_URL"], station_listings(registry, notes)),
        (settings["CATEGORIES_URL"], category_listings(registry, notes)),
        (settings["TAGS_URL"], tag_listings(notes)),
    ):
        entries.append(Entry(canonical_url(base, directory), newest(notes)))
        entries += [
            Entry(canonical_url(base, x.url), newest(x.notes)) for x in listings
        ]
    entries += [Entry(p.canonical_url) for p in context.get("pages", ())]
    entries += [Entry(n.canonical_url, updated(n)) for n in notes]
    return entries


class SeoGenerator(Generator):
    """JSON-LD for the templates; sitemaps and robots.txt in the output."""

    def generate_context(self):
        conf = plugin_settings(self.settings)
        base = site_base(self.settings)
        pub = publisher(self.settings)
        registry = self.context[c.REGISTRY]
        for note in all_notes(self.context):
            json_ld = [
                script_json(
                    note_data(note, pub, note_images(note, base), registry.district)
                ),
                script_json(breadcrumb_data(note, base, self.settings["SITENAME"])),
            ]
            setattr(note, c.JSON_LD, json_ld)
        self.context[c.STATION_JSON_LD] = {
            t.url: script_json(station_data(t, base, registry.district))
            for t in registry.thanas
        }
        self.conf = conf

    def generate_output(self, writer):
        output = Path(self.output_path)
        base = site_base(self.settings)
        files = sitemap_files(
            sitemap_entries(self.settings, self.context),
            base,
            self.conf["sitemap_max_urls"],
        )
        now = datetime.now(IST)
        news = recent(
            [
                NewsEntry(n.canonical_url, str(n.title), n.date)
                for n in self.context["articles"]
            ],
            now,
            self.conf["news_hours"],
        )
        # no note in the last hours: no news sitemap (an empty one is
        # invalid) and robots.txt does not name it
        if news:
            files[NEWS_PATH] = news_sitemap(news, self.settings["SITENAME"])
        files[ROBOTS_PATH] = robots_txt(base, bool(news))
        for rel, data in files.items():
            (output / rel).write_bytes(data)
        logger.info(
            "seo: wrote %s (%d notes in the news sitemap) and robots.txt",
            ", ".join(sorted(p for p in files if p != ROBOTS_PATH)),
            len(news),
        )


def get_generators(pelican):
    return SeoGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)

"""Findable: sitemap.xml (an index past SEO["sitemap_max_urls"] URLs, of
parts of SEO["sitemap_part_urls"] URLs, the notes' counted from the oldest), the
Google News sitemap of the last SEO["news_hours"] hours, robots.txt naming
both, and schema.org JSON-LD on notes (NewsArticle, BreadcrumbList) and
station pages (PoliceStation).

register() only connects signals; the formats are in sitemaps.py and
structured.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from operator import attrgetter
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from PIL import Image

from plugins.core import contract as c
from plugins.core.clock import build_now
from plugins.core.contract import all_notes
from plugins.core.settings import namespaced
from plugins.core.urls import canonical_url, site_base
from plugins.listings.listings import category_listings, station_listings, tag_listings

from .records import SeoRecords, seo_records
from .sitemaps import (
    NEWS_PATH,
    ROBOTS_PATH,
    Entry,
    Located,
    NewsEntry,
    each_sitemap_file,
    news_sitemap,
    recent,
    robots_txt,
    sitemap_parts,
)
from .structured import (
    PackedTexts,
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
    # past it, the URLs of each part of the sitemap (sitemaps.sitemap_parts)
    "sitemap_part_urls": 10000,
    "news_hours": 48,
    # the publisher's logo, under the theme's static folder
    "logo": "images/logo.png",
}


LASTMOD = attrgetter("lastmod")


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


def newest(records) -> datetime | None:
    # (attrgetter: a pass over every note's records, each list's and all)
    return max(map(LASTMOD, records), default=None)


def sitemap_entries(
    settings: dict, registry, records: SeoRecords
) -> tuple[list[Entry], Sequence[Located]]:
    """The pages' entries (home, the station, category and tag pages and
    their directories, the static pages) and the notes' (every listed note:
    not hidden, draft or withdrawn), newest first.
    """
    base = site_base(settings)
    notes = records.notes
    latest = newest(notes)  # a pass over every note: once
    entries = [Entry(canonical_url(base, ""), latest)]
    for directory, listings in (
        (settings["THANAS_URL"], station_listings(registry, notes)),
        (settings["CATEGORIES_URL"], category_listings(registry, notes)),
        (settings["TAGS_URL"], tag_listings(notes)),
    ):
        entries.append(Entry(canonical_url(base, directory), latest))
        entries += [
            Entry(canonical_url(base, x.url), newest(x.notes)) for x in listings
        ]
    entries += [Entry(url) for url in records.pages]
    # the notes' records are their entries (loc, lastmod): none made per note
    return entries, notes


def news_entries(records: SeoRecords, settings: dict, now: datetime) -> list[NewsEntry]:
    """The notes of the news sitemap: published within the last hours."""
    hours = plugin_settings(settings)["news_hours"]
    # the window first: a news entry is made only of the few notes in it
    return [
        NewsEntry(n.loc, n.title, n.published)
        for n in recent(records.notes, now, hours)
    ]


def each_seo_file(
    records: SeoRecords,
    settings: dict,
    registry,
    now: datetime,
    wanted: Callable[[str, Sequence[Located]], bool] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """(path in the output, bytes) of each file, made as it is asked for:
    sitemap.xml (or the parts and their index: each_sitemap_file), the news
    sitemap when a note is recent at `now`, robots.txt; made from the notes'
    records (the full build and the fast path alike). `wanted`: which
    sitemap parts to make, all by default.
    """
    conf = plugin_settings(settings)
    base = site_base(settings)
    pages, notes = sitemap_entries(settings, registry, records)
    parts = sitemap_parts(
        pages, notes, conf["sitemap_max_urls"], conf["sitemap_part_urls"]
    )
    yield from each_sitemap_file(parts, base, wanted)
    news = news_entries(records, settings, now)
    # no note in the last hours: no news sitemap (an empty one is invalid)
    # and robots.txt does not name it
    if news:
        yield NEWS_PATH, news_sitemap(news, settings["SITENAME"])
    yield ROBOTS_PATH, robots_txt(base, bool(news))


def seo_files(
    records: SeoRecords,
    settings: dict,
    registry,
    now: datetime,
    wanted: Callable[[str, Sequence[Located]], bool] | None = None,
) -> dict[str, bytes]:
    """{path in the output: bytes} of each_seo_file."""
    return dict(each_seo_file(records, settings, registry, now, wanted))


def note_json_ld(note, pub: Publisher, settings: dict, registry) -> PackedTexts:
    """The JSON-LD texts a note's page prints: NewsArticle, BreadcrumbList,
    kept compressed until the page prints them.
    """
    base = site_base(settings)
    return PackedTexts.of(
        [
            script_json(
                note_data(note, pub, note_images(note, base), registry.district)
            ),
            script_json(breadcrumb_data(note, base, settings["SITENAME"])),
        ]
    )


def station_json_ld(settings: dict, registry) -> dict[str, str]:
    """{station page URL: its PoliceStation JSON-LD}."""
    base = site_base(settings)
    return {
        t.url: script_json(station_data(t, base, registry.district))
        for t in registry.thanas
    }


def forget_json_ld(generator, writer=None) -> None:
    """Once the note pages are written (article_writer_finalized), their
    JSON-LD goes: a note's own page is the only one that prints it, and
    every note held it until the build's end.
    """
    for note in all_notes(generator.context):
        vars(note).pop(c.JSON_LD, None)


class SeoGenerator(Generator):
    """JSON-LD for the templates; sitemaps and robots.txt in the output."""

    def generate_context(self):
        pub = publisher(self.settings)
        registry = self.context[c.REGISTRY]
        for note in all_notes(self.context):
            setattr(note, c.JSON_LD, note_json_ld(note, pub, self.settings, registry))
        self.context[c.STATION_JSON_LD] = station_json_ld(self.settings, registry)
        self.context[c.SEO_RECORDS] = seo_records(self.context)

    def generate_output(self, writer):
        output = Path(self.output_path)
        records = self.context[c.SEO_RECORDS]
        now = build_now(self.settings)
        files = []
        # each file written as it is made, not once all are held
        for rel, data in each_seo_file(
            records, self.settings, self.context[c.REGISTRY], now
        ):
            (output / rel).write_bytes(data)
            files.append(rel)
            del data
        logger.info(
            "seo: wrote %s (%d notes in the news sitemap) and robots.txt",
            ", ".join(sorted(p for p in files if p != ROBOTS_PATH)),
            len(news_entries(records, self.settings, now)),
        )


def get_generators(pelican):
    return SeoGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)
    signals.article_writer_finalized.connect(forget_json_ld)

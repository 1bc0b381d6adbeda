"""Write station, category, tag and date-archive pages, and the home list.

register() only connects signals; the page plan is computed in pages.py.
"""

from __future__ import annotations

from collections.abc import Container
from functools import partial

from pelican import signals
from pelican.generators import Generator

from plugins.core import contract as c
from plugins.core.page_workers import Page, write_pages
from plugins.core.settings import namespaced

from .pages import (
    Listing,
    NoteGroups,
    archive_pages,
    archive_years,
    category_key,
    directory_page,
    group_by,
    lead_story,
    listing_pages,
    note_groups,
    station_key,
    tag_key,
)

SETTING = "LISTINGS"
DEFAULTS = {"page_size": 20, "home_notes": 20, "lead_within": 3}


def plugin_settings(settings: dict) -> dict:
    return namespaced(settings, SETTING, DEFAULTS, "listings")


def station_listings(registry, notes, by_slug: dict | None = None) -> list[Listing]:
    """Every registered station, with its notes (possibly none); `by_slug`:
    the notes grouped by `station_key`, if grouped already.
    """
    if by_slug is None:
        by_slug = group_by(notes, station_key)
    return [
        Listing("thana", t.name, t.url, t.area, tuple(by_slug.get(t.slug, ())))
        for t in registry.thanas
    ]


def category_listings(registry, notes, by_slug: dict | None = None) -> list[Listing]:
    if by_slug is None:
        by_slug = group_by(notes, category_key)
    return [
        Listing(
            "category", c.name, c.url, c.description, tuple(by_slug.get(c.slug, ()))
        )
        for c in registry.categories
    ]


def tag_listings(notes, by_slug: dict | None = None) -> list[Listing]:
    """Tags in use, most used first, then by name."""
    if by_slug is None:
        by_slug = group_by(notes, tag_key)
    listings = []
    for slug, tagged in by_slug.items():
        tag = next(t for t in tagged[0].tags if t.slug == slug)
        listings.append(Listing("tag", tag.name, tag.url, "", tuple(tagged)))
    return sorted(listings, key=lambda x: (-len(x.notes), x.name))


def plan_pages(
    settings: dict,
    registry,
    notes,
    only: Container[str] | None = None,
    grouped: NoteGroups | None = None,
) -> list:
    """Every page this plugin writes, for the given notes (newest first).
    `only`: the URLs of the lists (station, category, tag, year, month)
    whose pages to plan (the directories and the archives page, which count
    every list, are always planned): the same pages as without it, fewer.
    `grouped`: `note_groups(notes)`, if made already.
    """
    size = plugin_settings(settings)["page_size"]
    by = grouped if grouped is not None else note_groups(notes)
    groups = [
        (
            "thanas.html",
            settings["THANAS_URL"],
            station_listings(registry, notes, by.thanas),
        ),
        (
            "categories.html",
            settings["CATEGORIES_URL"],
            category_listings(registry, notes, by.categories),
        ),
        ("tags.html", settings["TAGS_URL"], tag_listings(notes, by.tags)),
    ]
    pages = []
    for template, url, listings in groups:
        pages.append(directory_page(url, template, listings))
        for listing in listings:
            if only is None or listing.url in only:
                pages += listing_pages(listing, size)
    years = archive_years(
        notes, settings["YEAR_ARCHIVE_URL"], settings["MONTH_ARCHIVE_URL"], by.months
    )
    pages += archive_pages(years, settings["ARCHIVES_URL"], only)
    return pages


class ListingsGenerator(Generator):
    """Writes the pages planned by plan_pages with the theme's templates."""

    def generate_context(self):
        notes = self.context["articles"]
        # A note's card appears on up to six pages (home, station, category,
        # tags, month): render the theme's note_card macro once per build.
        cards = self.env.get_template("_note_card.html").make_module(self.context)
        for note in notes:
            note.card_html = cards.note_card(note)
        conf = plugin_settings(self.settings)
        latest = notes[: conf["home_notes"]]
        self.context[c.LATEST_NOTES] = latest
        lead, rest = lead_story(latest, conf["lead_within"])
        self.context[c.LEAD_NOTE] = lead
        self.context[c.OTHER_NOTES] = rest
        self.planned = plan_pages(self.settings, self.context[c.REGISTRY], notes)

    def generate_output(self, writer):
        # the pages are written in worker processes when there are many
        write_pages(
            writer,
            [
                Page(page.save_as, partial(self.write, writer, page), page.template)
                for page in self.planned
            ],
            shared=[self.settings],
        )

    def write(self, writer, page) -> None:
        writer.write_file(
            page.save_as,
            self.get_template(page.template.removesuffix(".html")),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=page.url,
            **page.variables,
        )


def get_generators(pelican):
    return ListingsGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)

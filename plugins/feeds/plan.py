"""Which feeds exist, what each holds, and which pages link which feeds.

Plain data, no Pelican and no XML here. URL scheme (site-relative):

    feeds/all.{rss,atom}.xml                    every note
    feeds/jila/<district-slug>.{rss,atom}.xml   the district's notes
    feeds/thana/<slug>.{rss,atom}.xml           one police station
    feeds/shreni/<slug>.{rss,atom}.xml          one category
    feeds/samvaddata/<slug>.{rss,atom}.xml      one reporter
    feeds/                                      the Hindi page listing them all

Every registered station and category has a feed, also while it has no notes
(a valid, empty feed: readers can subscribe before the first note arrives).
A reporter has a feed once a note names them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from . import words

FORMATS = ("rss", "atom")
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FEEDS_PAGE_URL = "feeds/"
FOLDERS = {
    "district": "jila",
    "thana": "thana",
    "category": "shreni",
    "reporter": "samvaddata",
}


@dataclass(frozen=True)
class FeedLink:
    """One feed file as a page links it: <link rel="alternate" …>."""

    href: str  # site-relative, e.g. "feeds/thana/namli.rss.xml"
    type: str  # media type
    title: str  # Hindi
    format: str  # "rss" or "atom"


@dataclass(frozen=True)
class Feed:
    """A feed in both formats: what it follows and its notes, newest first."""

    kind: str  # "site", "district", "thana", "category" or "reporter"
    slug: str
    name: str  # Hindi name of what it follows (the site's name for "site")
    title: str
    description: str
    page_url: str  # the site page it mirrors ("" = home)
    notes: tuple = ()

    @property
    def count(self) -> int:
        return len(self.notes)

    def path(self, fmt: str) -> str:
        if self.kind == "site":
            return f"feeds/all.{fmt}.xml"
        return f"feeds/{FOLDERS[self.kind]}/{self.slug}.{fmt}.xml"

    @functools.cached_property
    def links(self) -> tuple[FeedLink, ...]:
        """The feed's two links (made once: thousands of pages share them)."""
        return tuple(
            FeedLink(
                href=self.path(fmt),
                type=MEDIA_TYPES[fmt],
                title=words.LINK_TITLE.format(
                    title=self.title, format=words.FORMAT_LABELS[fmt]
                ),
                format=fmt,
            )
            for fmt in FORMATS
        )

    def link(self, fmt: str) -> FeedLink:
        return next(x for x in self.links if x.format == fmt)


def newest_first(notes: Iterable) -> list:
    """Notes by date, newest first (ties by file path, for stable output)."""
    return sorted(notes, key=lambda n: (n.date, str(n.source_path)), reverse=True)


def reporter_slugs(notes: Iterable, slugify: Callable, unique: Callable) -> dict:
    """A unique slug per reporter name, given in order of their first note.

    A reporter who appears later never takes the slug of an earlier one.
    """
    first_seen: dict[str, datetime] = {}
    for note in notes:
        name = note.reporter
        if name not in first_seen or note.date < first_seen[name]:
            first_seen[name] = note.date
    slugs: dict[str, str] = {}
    for name in sorted(first_seen, key=lambda n: (first_seen[n], n)):
        slugs[name] = unique(slugify(name), set(slugs.values()))
    return slugs


def grouped(notes: list, key: Callable) -> Callable[[object], tuple]:
    """The notes with key(note) == value, in their order, for any value: the
    notes are looked at once (a pass per feed grew with feeds x notes).
    """
    groups: dict = {}
    for note in notes:
        groups.setdefault(key(note), []).append(note)
    return lambda value: tuple(groups.get(value, ()))


def plan_feeds(
    site_name: str,
    site_description: str,
    registry,
    notes: Iterable,
    reporter_slug: Mapping[str, str],
) -> list[Feed]:
    """Every feed of the site: site, district, stations, categories, reporters."""
    notes = newest_first(notes)
    by_thana = grouped(notes, lambda n: n.thana.slug)
    by_category = grouped(notes, lambda n: n.category.slug)
    by_reporter = grouped(notes, lambda n: n.reporter)
    district = registry.district
    feeds = [
        Feed("site", "all", site_name, site_name, site_description, "", tuple(notes)),
        Feed(
            "district",
            district.slug,
            district.name,
            words.DISTRICT_TITLE.format(site=site_name, name=district.name),
            words.DISTRICT_DESCRIPTION.format(name=district.name),
            "",
            tuple(notes),
        ),
    ]
    for thana in registry.thanas:
        feeds.append(
            Feed(
                "thana",
                thana.slug,
                thana.name,
                words.THANA_TITLE.format(site=site_name, name=thana.name),
                words.THANA_DESCRIPTION.format(name=thana.name, area=thana.area),
                thana.url,
                by_thana(thana.slug),
            )
        )
    for category in registry.categories:
        feeds.append(
            Feed(
                "category",
                category.slug,
                category.name,
                words.CATEGORY_TITLE.format(site=site_name, name=category.name),
                category.description
                or words.CATEGORY_DESCRIPTION.format(name=category.name),
                category.url,
                by_category(category.slug),
            )
        )
    for name, slug in reporter_slug.items():
        feeds.append(
            Feed(
                "reporter",
                slug,
                name,
                words.REPORTER_TITLE.format(site=site_name, name=name),
                words.REPORTER_DESCRIPTION.format(name=name),
                "",
                by_reporter(name),
            )
        )
    return feeds


@dataclass(frozen=True)
class FeedIndex:
    """Which feeds each page links, for templates to print.

    Every page links the site feeds; a note page also its station's,
    category's and reporter's feeds; a station or category page (and its
    numbered pages, which are written under the listing's URL) its own feeds.
    Pages are named by the file Pelican writes (`output_file` in templates).
    """

    site: tuple[FeedLink, ...]
    notes: Mapping[str, tuple[FeedLink, ...]] = field(default_factory=dict)
    listings: Mapping[str, tuple[FeedLink, ...]] = field(default_factory=dict)

    def for_page(self, output_file) -> tuple[FeedLink, ...]:
        """Feed links of the page written to `output_file`, site feeds first."""
        name = str(output_file or "")
        if name in self.notes:
            return self.site + self.notes[name]
        prefixes = [p for p in self.listings if p and name.startswith(p)]
        if prefixes:
            return self.site + self.listings[max(prefixes, key=len)]
        return self.site


def feeds_by_key(feeds: list[Feed]) -> dict[tuple[str, str], Feed]:
    return {(f.kind, f.slug): f for f in feeds}


def note_feeds(
    note, by_key: Mapping[tuple[str, str], Feed], reporter_slug: Mapping[str, str]
) -> tuple:
    """The station, category and reporter feeds of one note (links)."""
    wanted = [
        ("thana", note.thana.slug),
        ("category", note.category.slug),
        ("reporter", reporter_slug[note.reporter]),
    ]
    return tuple(link for key in wanted for link in by_key[key].links)


def feed_index(feeds: list[Feed], notes: Iterable) -> FeedIndex:
    """The index templates ask; each note's links are its `feeds` attribute."""
    site = next(f for f in feeds if f.kind == "site")
    return FeedIndex(
        site=site.links,
        notes=MappingProxyType({n.save_as: n.feeds for n in notes}),
        listings=MappingProxyType(
            {f.page_url: f.links for f in feeds if f.kind in ("thana", "category")}
        ),
    )


def feeds_of_kind(feeds: list[Feed], kind: str) -> list[Feed]:
    return [f for f in feeds if f.kind == kind]

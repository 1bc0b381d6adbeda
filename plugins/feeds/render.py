"""Turn a planned Feed into RSS 2.0 or Atom bytes with feedgen.

Each entry carries: Hindi title, absolute link, a permanent id (ids.py),
publication and update times in Indian time (+05:30), the reporter as author
(dc:creator in RSS), the station, category and tags as categories, the plain
summary and the full sanitized HTML (with the note's photo), and the photo as
an enclosure (type and byte length) and as media:content.

A feed opened in a browser is shown as XML (no stylesheet: XSLT is leaving
browsers). Its first line after the XML declaration is a Hindi comment that
says what a feed is and gives the addresses of the Hindi feeds page and of
the feed's page on the site (words from the theme's catalog, _feed_words.html).
"""

from __future__ import annotations

import functools
import html
import importlib.metadata
import mimetypes
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urljoin

from bs4 import BeautifulSoup
from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from plugins.core import contract as c
from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.header import BAD_CHAR_RE
from plugins.core.messages import _
from plugins.core.urls import canonical_url, site_base
from plugins.hindi_text.dates import to_ist
from plugins.press_notes.fragment import TEXT_TAGS

from . import words
from .ids import note_id
from .plan import FEEDS_PAGE_URL, Feed
from .settings import plugin_settings

LANGUAGE = "hi"
# Full text of one entry, in characters of HTML: a longer note's entry
# carries its photo, its summary and a link to the page instead, so a feed of
# max_items notes stays small for a reader on a slow network.
FULL_TEXT_MAX = 20_000
READ_MORE = "पूरी खबर पढ़ें"
DCTERMS_NS = "http://purl.org/dc/terms/"
URL_ATTRIBUTES = (("a", "href"), ("img", "src"), ("source", "src"))


@dataclass(frozen=True)
class SiteInfo:
    """What every feed of one build shares."""

    name: str
    base_url: str  # CANONICAL_SITEURL: absolute links in feeds
    browser_note: Mapping[str, str]  # words of the note for browsers
    content_root: Path
    id_authority: str
    max_items: int
    fallback_updated: datetime  # `updated` of a feed without notes


def site_info(
    settings: dict, notes, now: datetime, browser_note: Mapping[str, str]
) -> SiteInfo:
    """SiteInfo from Pelican's settings and the notes' records (FeedNote);
    `now` dates feeds when no note can.
    """
    conf = plugin_settings(settings)
    return SiteInfo(
        name=settings["SITENAME"],
        base_url=site_base(settings),
        browser_note=browser_note,
        content_root=Path(settings["PATH"]),
        id_authority=conf["id_authority"],
        max_items=conf["max_items"],
        fallback_updated=newest_update(notes, now),
    )


class DctermsExtension(BaseExtension):
    """Declares the dcterms namespace on RSS feeds."""

    def extend_ns(self) -> dict:
        return {"dcterms": DCTERMS_NS}


class DctermsEntryExtension(BaseEntryExtension):
    """dcterms:modified on an RSS item: RSS 2.0 itself has no update time."""

    def __init__(self):
        self._modified: datetime | None = None

    def modified(self, value: datetime | None = None) -> datetime | None:
        if value is not None:
            self._modified = value
        return self._modified

    def extend_rss(self, item):
        if self._modified is not None:
            xml_elem(
                f"{{{DCTERMS_NS}}}modified", item
            ).text = self._modified.isoformat()
        return item


class AtomLinksExtension(BaseExtension):
    """Feed side of AtomLinksEntryExtension (nothing to add)."""


class AtomLinksEntryExtension(BaseEntryExtension):
    """Write an Atom entry's <link> attributes, which feedgen 1.0.0 drops.

    feedgen writes each entry <link> with only its href (a shadowed loop
    variable: lkiesow/python-feedgen#135), so the photo's enclosure would
    become a second rel="alternate" link. Put rel, type, length and title
    back from the link data feedgen was given.
    """

    def __init__(self):
        self._links: list[dict] = []

    def links(self, value: list[dict] | None = None) -> list[dict]:
        if value is not None:
            self._links = [dict(x) for x in value]
        return self._links

    def extend_atom(self, entry):
        elements = entry.findall("link")
        if [e.get("href") for e in elements] != [x["href"] for x in self._links]:
            raise ValueError("feeds: Atom entry links do not match their data")
        for element, data in zip(elements, self._links, strict=True):
            for attr in ("rel", "type", "hreflang", "title", "length"):
                if data.get(attr):
                    element.set(attr, str(data[attr]))
        return entry


def published(note) -> datetime:
    return to_ist(note.date)


def updated(note) -> datetime:
    """When the note last changed: `modified` if given, else its `date`."""
    modified = getattr(note, "modified", None)
    return to_ist(modified) if modified else published(note)


def newest_update(records, fallback: datetime) -> datetime:
    """The newest `updated` of the records (FeedNote), else `fallback`."""
    return max((r.updated for r in records), default=to_ist(fallback))


# Elements BeautifulSoup writes back as it read them when they hold no
# attribute: those the sanitizer keeps, but the void ones (<br> is written
# <br/>).
BARE_TAGS = TEXT_TAGS - {"area", "br", "col", "hr", "img", "wbr"}
# (a lone surrogate is not text BeautifulSoup takes: it is parsed, and
# fails there as before)
BARE = re.compile(r"(?:[^<>&\r\ud800-\udfff]|</?[a-z][a-z0-9]*>)*+")
TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)>")


# BeautifulSoup writes a string between two tags that is only these (HTML's
# ASCII whitespace) as one space, or one newline if it holds one.
ASCII_SPACES = " \n\t\f\r"


def kept_as_is(text: str) -> bool:
    """True when BeautifulSoup writes the string `text` between two tags
    back as it is (<, > and & aside).
    """
    return text in ("", " ", "\n") or text.strip(ASCII_SPACES) != ""


def bare(fragment: str) -> bool:
    """True when `fragment` is text without <, >, &, CR or a lone surrogate
    and BARE_TAGS with no attribute, each closed in order, no string
    between two tags of whitespace alone but a space or a newline: no
    address in it, and BeautifulSoup gives it back as it is (most notes:
    paragraphs, lists, bold).
    """
    if BARE.fullmatch(fragment) is None:
        return False
    open_tags: list[str] = []
    at = 0
    for tag in TAG.finditer(fragment):
        closing, name = tag.groups()
        if name not in BARE_TAGS or not kept_as_is(fragment[at : tag.start()]):
            return False
        at = tag.end()
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return False
    return not open_tags and kept_as_is(fragment[at:])


def absolute_html(fragment: str, page_url: str) -> str:
    """`fragment` with relative links and image sources made absolute (a
    bare() one as it is, unparsed: half a millisecond a note, and every
    note has a feed entry).
    """
    fragment = fragment or ""
    return fragment if bare(fragment) else parsed_absolute_html(fragment, page_url)


def parsed_absolute_html(fragment: str, page_url: str) -> str:
    """absolute_html(fragment), by BeautifulSoup's parse."""
    soup = BeautifulSoup(fragment, "html.parser")
    for tag, attr in URL_ATTRIBUTES:
        for el in soup.find_all(tag, attrs={attr: True}):
            el[attr] = urljoin(page_url, str(el[attr]))
    return str(soup)


def image_url(note, site: SiteInfo) -> str:
    return canonical_url(site.base_url, quote(note.image.url))


def image_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def image_size(note, site: SiteInfo) -> int:
    """Bytes of the note's photo file (as copied into the site)."""
    if note.image.bytes:  # published as a copy (plugins/photos)
        return note.image.bytes
    return (site.content_root / note.image.url).stat().st_size


def figure_html(note, site: SiteInfo) -> str:
    image = note.image
    return (
        f'<figure><img src="{html.escape(image_url(note, site))}" '
        f'alt="{html.escape(image.alt)}" width="{image.width}" '
        f'height="{image.height}"></figure>'
    )


def full_content(note, site: SiteInfo) -> str:
    """The note's HTML for feed readers: photo first, then the text (or, for
    a note longer than FULL_TEXT_MAX, its summary and a link to its page).
    """
    body = absolute_html(note.content, note.canonical_url)
    if len(body) > FULL_TEXT_MAX:
        body = (
            f"<p>{html.escape(note.summary_text)}</p>"
            f'<p><a href="{html.escape(note.canonical_url)}">'
            f"{READ_MORE}</a></p>"
        )
    image = getattr(note, "image", None)
    return figure_html(note, site) + body if image else body


def categories(note, site: SiteInfo) -> list[dict]:
    """Station, category and tags, each with its scheme (the listing URL)."""
    thana, category = note.thana, note.category
    found = [
        {
            "term": thana.name,
            "label": words.THANA_LABEL.format(name=thana.name),
            "scheme": canonical_url(site.base_url, thana.url),
        },
        {
            "term": category.name,
            "label": category.name,
            "scheme": canonical_url(site.base_url, category.url),
        },
    ]
    for tag in getattr(note, "tags", None) or []:
        found.append(
            {
                "term": tag.name,
                "label": tag.name,
                "scheme": canonical_url(site.base_url, tag.url),
            }
        )
    return found


@dataclass(frozen=True)
class Image:
    """A note's photo as its feed entries carry it."""

    url: str  # absolute
    size: int  # bytes
    type: str  # media type
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class EntryRecord:
    """Everything a note's entry prints, in every feed it is in: the record
    the feeds keep of a note among the newest of some feed.
    """

    source_path: str  # named in an error
    id: str
    title: str
    link: str  # the note's canonical URL
    published: datetime
    updated: datetime
    reporter: str
    summary: str
    content: str  # HTML for feed readers (full_content)
    categories: tuple[tuple[str, str, str], ...]  # (term, label, scheme)
    image: Image | None = None


def feed_entry(note, site: SiteInfo) -> EntryRecord:
    """The record of a note's feed entry (made once per build, though a note
    is in about five feeds).
    """
    image = getattr(note, "image", None)
    return EntryRecord(
        source_path=str(note.source_path),
        id=note_id(note, site.content_root, site.id_authority),
        title=str(note.title),
        link=note.canonical_url,
        published=published(note),
        updated=updated(note),
        reporter=str(note.reporter),
        summary=note.summary_text,
        content=full_content(note, site),
        categories=tuple(
            (x["term"], x["label"], x["scheme"]) for x in categories(note, site)
        ),
        image=Image(
            image_url(note, site),
            image_size(note, site),
            image_type(image.url),
            image.alt,
            image.width,
            image.height,
        )
        if image
        else None,
    )


def fill_entry(entry: FeedEntry, record: EntryRecord) -> None:
    entry.id(record.id)
    entry.title(record.title)
    entry.link(href=record.link, rel="alternate", type="text/html")
    entry.published(record.published)
    entry.updated(record.updated)
    entry.author(name=record.reporter)
    entry.dc.dc_creator(record.reporter)
    entry.dcterms.modified(record.updated)
    entry.category(
        [
            {"term": term, "label": label, "scheme": scheme}
            for term, label, scheme in record.categories
        ]
    )
    entry.summary(record.summary)
    entry.content(record.content, type="html")
    image = record.image
    if image:
        entry.link(
            href=image.url,
            rel="enclosure",
            type=image.type,
            length=str(image.size),
            title=image.alt,
        )
        entry.media.content(
            url=image.url,
            type=image.type,
            medium="image",
            fileSize=str(image.size),
            width=str(image.width),
            height=str(image.height),
            group=None,
        )
    entry.atomlinks.links(entry.link())


def feed_generator(
    feed: Feed, fmt: str, site: SiteInfo, entries: Mapping[str, EntryRecord]
) -> FeedGenerator:
    """A feedgen FeedGenerator for one feed in one format ("rss" or "atom");
    `entries`: the EntryRecord of each of its newest notes, by FeedNote key.
    """
    notes = feed.notes[: site.max_items]
    self_url = canonical_url(site.base_url, feed.path(fmt))
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.load_extension("media")
    fg.register_extension(
        "dcterms", DctermsExtension, DctermsEntryExtension, atom=False, rss=True
    )
    fg.register_extension(
        "atomlinks", AtomLinksExtension, AtomLinksEntryExtension, rss=False
    )
    fg.id(canonical_url(site.base_url, feed.path("atom")))
    fg.title(feed.title)
    fg.subtitle(feed.description)
    fg.description(feed.description)
    fg.language(LANGUAGE)
    fg.author(name=feed.name if feed.kind == "reporter" else site.name)
    # feedgen takes the RSS <link> from the link added last: the HTML page.
    fg.link(href=self_url, rel="self", type=feed.link(fmt).type)
    fg.link(
        href=canonical_url(site.base_url, feed.page_url),
        rel="alternate",
        type="text/html",
    )
    fg.updated(newest_update(notes, site.fallback_updated))
    if notes:
        fg.pubDate(to_ist(notes[0].date))
    for note in notes:
        fill_entry(fg.add_entry(order="append"), entries[note.source_path])
    return fg


# Chromium's XML view does not wrap a comment's lines: keep them phone-wide.
NOTE_LINE_CHARS = 34


def xml_comment(lines: list[str]) -> str:
    """`lines` as an XML comment (which may hold neither "--" nor end in "-")."""
    text = "\n".join(lines)
    while "--" in text:
        text = text.replace("--", "- -")
    return f"<!--\n{text.rstrip('-')}\n-->"


def with_comment(xml: bytes, comment: str) -> bytes:
    """Insert an XML comment on its own lines right after the XML declaration."""
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + f"\n{comment}".encode() + xml[end:]


def browser_note(feed: Feed, site: SiteInfo) -> list[str]:
    """What a person who opened the feed in a browser reads first: what a
    feed is, the feeds page (how to follow one) and the feed's own page.
    """
    words = site.browser_note
    lines = textwrap.wrap(words["intro"], NOTE_LINE_CHARS)
    lines += textwrap.wrap(words["follow"], NOTE_LINE_CHARS)
    lines.append(canonical_url(site.base_url, FEEDS_PAGE_URL))
    lines += textwrap.wrap(words["website"], NOTE_LINE_CHARS)
    lines.append(canonical_url(site.base_url, feed.page_url))
    return lines


# Libraries whose versions the feed bytes depend on (besides plugins/ code).
LIBRARIES = ("feedgen", "beautifulsoup4", "lxml")


@functools.cache
def library_versions() -> tuple[str, ...]:
    return tuple(f"{p}={importlib.metadata.version(p)}" for p in LIBRARIES)


# What an entry reads on its note that the note's metadata and printed fields
# (the description page reuse makes of a note) do not hold: its id's file
# path and first day. feed_inputs lists them; tests/test_reuse.py checks that
# this module and ids.py read nothing else on a note.
ENTRY_ONLY_READS = ("source_path", "note_file", c.FIRST_DAY)


def feed_inputs(
    feed: Feed, fmt: str, site: SiteInfo, articles: Mapping[str, object]
) -> list:
    """What render_feed(feed, fmt, site, …) reads besides the code, for a
    reuse key: the feed, the site, the notes (`articles`: each record's
    note, whose fields are described where the key is made) and what their
    fields do not hold: each entry's file path and first day (its id) and
    the photo's byte size; the fallback update time only for a feed without
    notes (it moves with every newer note).
    """
    notes = [articles[n.source_path] for n in feed.notes[: site.max_items]]
    return [
        fmt,
        [feed.kind, feed.slug, feed.name, feed.title, feed.description],
        feed.page_url,
        [site.name, site.base_url, dict(site.browser_note), str(site.content_root)],
        [site.id_authority, site.max_items, list(library_versions())],
        None if notes else site.fallback_updated,
        notes,
        [
            [
                *(str(getattr(note, name, None)) for name in ENTRY_ONLY_READS),
                image_size(note, site) if getattr(note, "image", None) else None,
            ]
            for note in notes
        ],
    ]


def render_feed(
    feed: Feed, fmt: str, site: SiteInfo, entries: Mapping[str, EntryRecord]
) -> bytes:
    """The feed file's bytes: UTF-8 XML, a Hindi note for browsers first.

    A value XML cannot hold (the checks refuse them first) stops the build
    with the note and the field named.
    """
    fg = feed_generator(feed, fmt, site, entries)
    try:
        xml = fg.rss_str(pretty=True) if fmt == "rss" else fg.atom_str(pretty=True)
    except ValueError as e:
        newest = [entries[n.source_path] for n in feed.notes[: site.max_items]]
        raise ContentError(not_xml_problems(newest, e)) from None
    return with_comment(xml, xml_comment(browser_note(feed, site)))


def not_xml_problems(records: list[EntryRecord], error: ValueError) -> list[Problem]:
    """Which note's field holds a character XML cannot hold."""
    problems = []
    for record in records:
        for name in ("title", "reporter", "summary", "content"):
            if BAD_CHAR_RE.search(getattr(record, name)):
                problems.append(
                    Problem(
                        display_path(record.source_path),
                        None,
                        name,
                        _(
                            "holds a control character a feed cannot carry "
                            "(%(error)s); delete it and type the text again",
                            error=error,
                        ),
                    )
                )
    return problems or [Problem("feeds", None, None, str(error))]

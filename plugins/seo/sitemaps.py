"""sitemap.xml (a sitemap index past `max_urls` URLs), the Google News
sitemap of recent notes, and robots.txt: pure functions from entries to bytes.

Times are written in Indian time (+05:30). Formats:
https://www.sitemaps.org/protocol.html and Google's News sitemap
(namespace http://www.google.com/schemas/sitemap-news/0.9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from lxml import etree

from plugins.hindi_text.dates import to_ist

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_PATH = "sitemap.xml"
PAGES_PART = "sitemap-pages-{n}.xml"
NOTES_PART = "sitemap-notes-{n}.xml"
NEWS_PATH = "news-sitemap.xml"
ROBOTS_PATH = "robots.txt"
NEWS_LANGUAGE = "hi"


@dataclass(frozen=True)
class Entry:
    """One page in the sitemap: absolute URL and when it last changed."""

    loc: str
    lastmod: datetime | None = None


class Located(Protocol):
    """What a sitemap reads of each page: an Entry, or a note's SEO record
    as it is (plugins/seo/records.py SeoNote: no Entry made per note).
    """

    @property
    def loc(self) -> str: ...

    @property
    def lastmod(self) -> datetime | None: ...


@dataclass(frozen=True)
class NewsEntry:
    loc: str
    title: str
    published: datetime


def iso(value: datetime) -> str:
    """W3C datetime in Indian time, to the second: 2026-11-24T11:30:00+05:30."""
    return to_ist(value).replace(microsecond=0).isoformat()


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def urlset(entries: Sequence[Located]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS})
    for e in entries:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = e.loc
        if e.lastmod is not None:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = iso(e.lastmod)
    return _xml(root)


def sitemap_index(parts: list[tuple[str, datetime | None]]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}sitemapindex", nsmap={None: SITEMAP_NS})
    for loc, lastmod in parts:
        item = etree.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
        etree.SubElement(item, f"{{{SITEMAP_NS}}}loc").text = loc
        if lastmod is not None:
            etree.SubElement(item, f"{{{SITEMAP_NS}}}lastmod").text = iso(lastmod)
    return _xml(root)


def sitemap_parts(
    pages: Sequence[Located], notes: Sequence[Located], max_urls: int, part_urls: int
) -> dict[str, Sequence[Located]]:
    """{path in the output: its entries}. While every entry fits in one
    sitemap (`max_urls`, the protocol's limit is 50,000), sitemap.xml holds
    them all. Past that, sitemap.xml is an index of parts of at most
    `part_urls` entries: the pages' (home, lists, static pages) in
    PAGES_PART files, and the notes' (`notes`, newest first) counted from
    the oldest in NOTES_PART files, newest first within each: a part of
    older notes holds the same notes whatever notes come later, so a new
    note changes the pages' parts and the newest notes' part alone.
    """
    if len(pages) + len(notes) <= max_urls:
        return {SITEMAP_PATH: [*pages, *notes]}
    size = max(1, min(part_urls, max_urls))
    parts: dict[str, Sequence[Located]] = {}
    for n, start in enumerate(range(0, len(pages), size), start=1):
        parts[PAGES_PART.format(n=n)] = pages[start : start + size]
    oldest_first = notes[::-1]
    for n, start in enumerate(range(0, len(oldest_first), size), start=1):
        parts[NOTES_PART.format(n=n)] = oldest_first[start : start + size][::-1]
    return parts


def is_notes_part(path: str) -> bool:
    """Whether `path` is a part of the notes' entries (sitemap_parts)."""
    return path.startswith(NOTES_PART.split("{", 1)[0])


def each_sitemap_file(
    parts: dict[str, Sequence[Located]],
    base_url: str,
    wanted: Callable[[str, Sequence[Located]], bool] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """(path in the output, bytes) of each sitemap file, made as it is asked
    for: sitemap.xml, or the parts and then their index (`parts` from
    sitemap_parts; with `wanted`, only the parts it accepts: the others are
    as the caller has them).
    """
    if list(parts) == [SITEMAP_PATH]:
        yield SITEMAP_PATH, urlset(parts[SITEMAP_PATH])
        return
    listed = []
    for path, entries in parts.items():
        if wanted is None or wanted(path, entries):
            yield path, urlset(entries)
        newest = max((e.lastmod for e in entries if e.lastmod), default=None)
        listed.append((f"{base_url.rstrip('/')}/{path}", newest))
    yield SITEMAP_PATH, sitemap_index(listed)


class Published(Protocol):
    @property
    def published(self) -> datetime: ...


P = TypeVar("P", bound=Published)


def recent(entries: Iterable[P], now: datetime, hours: int) -> list[P]:
    """Notes published within `hours` before `now` (none from the future)."""
    end = to_ist(now)
    start = end - timedelta(hours=hours)
    return [e for e in entries if start <= to_ist(e.published) <= end]


def news_sitemap(entries: list[NewsEntry], publication: str) -> bytes:
    """The Google News sitemap of `entries` (at least one: the sitemaps.org
    schema requires a <url>, so with no recent note none is written).
    """
    if not entries:
        raise ValueError("a news sitemap needs at least one entry")
    nsmap = {None: SITEMAP_NS, "news": NEWS_NS}
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap=nsmap)
    for e in entries:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = e.loc
        news = etree.SubElement(url, f"{{{NEWS_NS}}}news")
        pub = etree.SubElement(news, f"{{{NEWS_NS}}}publication")
        etree.SubElement(pub, f"{{{NEWS_NS}}}name").text = publication
        etree.SubElement(pub, f"{{{NEWS_NS}}}language").text = NEWS_LANGUAGE
        etree.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = iso(e.published)
        etree.SubElement(news, f"{{{NEWS_NS}}}title").text = e.title
    return _xml(root)


def robots_txt(base_url: str, news: bool) -> bytes:
    """Everything may be crawled; the sitemaps named by absolute URL (the
    news sitemap only when there is one).
    """
    base = base_url.rstrip("/")
    named = [SITEMAP_PATH, NEWS_PATH] if news else [SITEMAP_PATH]
    return (
        "User-agent: *\nAllow: /\n" + "".join(f"Sitemap: {base}/{n}\n" for n in named)
    ).encode()

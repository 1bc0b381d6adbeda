"""A WordPress export (WXR, Tools → Export) -> posts with their terms and old URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime

from lxml import etree

NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
# WXR 1.0/1.1 use other version numbers in the wp namespace.
WP_VERSIONS = ("1.2", "1.1", "1.0")
PUBLISHED = {"publish": "published", "future": "draft"}


@dataclass
class Post:
    title: str
    html: str
    status: str  # published / draft
    date: datetime | None
    link: str
    guid: str
    author: str
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    bad_date: str = ""  # the date as written, when it could not be read


@dataclass
class Export:
    posts: list[Post]
    not_posts: int
    trashed: int = 0  # posts in WordPress's trash (or never saved)


def is_wxr(text: str) -> bool:
    head = text[:4000]
    return "<rss" in head and "wordpress.org/export/" in head


def _wp_ns(root) -> str:
    for version in WP_VERSIONS:
        ns = f"http://wordpress.org/export/{version}/"
        if ns in root.nsmap.values():
            return ns
    return NS["wp"]


def _text(item, path: str, ns: dict) -> str:
    found = item.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def _date(item, ns: dict, zone: tzinfo) -> tuple[datetime | None, str]:
    """The post's date, and the date as written when none could be read
    (WordPress writes 0000-00-00 for a draft never dated: not a date).
    """
    written = ""
    gmt = _text(item, "wp:post_date_gmt", ns)
    local = _text(item, "wp:post_date", ns)
    pub = _text(item, "pubDate", ns)
    tries = (
        (gmt, lambda v: datetime.fromisoformat(v + "+00:00")),
        (local, lambda v: datetime.fromisoformat(v).replace(tzinfo=zone)),
        (pub, parsedate_to_datetime),
    )
    for value, read in tries:
        if not value or value.startswith("0000"):
            continue
        try:
            return read(value), ""
        except (TypeError, ValueError, OverflowError, IndexError):
            written = written or value
    return None, written


def parse_wxr(data: bytes, zone: tzinfo) -> Export:
    """Every post of the export; pages, attachments and menu items are counted.

    Raises etree.XMLSyntaxError on what is not XML. Entities are not
    resolved and nothing is fetched from the network.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=False
    )
    root = etree.fromstring(data, parser)
    ns = {**NS, "wp": _wp_ns(root)}
    authors = {
        _text(a, "wp:author_login", ns): _text(a, "wp:author_display_name", ns)
        for a in root.iterfind("channel/wp:author", ns)
    }
    posts, not_posts, trashed = [], 0, 0
    for item in root.iterfind("channel/item"):
        if _text(item, "wp:post_type", ns) not in ("post", ""):
            not_posts += 1
            continue
        status = _text(item, "wp:status", ns)
        if status in ("trash", "auto-draft"):
            trashed += 1
            continue
        if status == "inherit":
            not_posts += 1
            continue
        login = _text(item, "dc:creator", ns)
        date, bad_date = _date(item, ns, zone)
        posts.append(
            Post(
                title=_text(item, "title", ns),
                html=_text(item, "content:encoded", ns),
                status=PUBLISHED.get(status, "draft"),
                date=date,
                bad_date=bad_date,
                link=_text(item, "link", ns),
                guid=_text(item, "guid", ns),
                author=authors.get(login) or login,
                categories=[
                    (c.text or "").strip()
                    for c in item.iterfind("category[@domain='category']")
                ],
                tags=[
                    (c.text or "").strip()
                    for c in item.iterfind("category[@domain='post_tag']")
                ],
            )
        )
    return Export(posts, not_posts, trashed)

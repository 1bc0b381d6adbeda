"""Page weight: the bytes a phone downloads for one page of the built site.

A page's weight is its HTML plus every stylesheet, script, icon and image it
loads (and what those stylesheets load through url()), each counted as a
static host sends it: text files gzip-compressed at level 6 (zlib's default,
the level of Apache's mod_deflate and of most CDNs), images and other binary
files as they are. HTTP headers are not counted. The note's own photo is left
out: it is lazy-loaded and its size is the photographer's, not the theme's.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from .page_types import PAGE_TYPES, pages_by_type

GZIP_LEVEL = 6
TEXT_SUFFIXES = (".html", ".css", ".js", ".mjs", ".svg", ".xml", ".json", ".txt")
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
# Budgets in bytes (1 KB = 1,000 bytes), for the heaviest page of a type.
BUDGETS = {
    # the lead photo and the small photos of note cards (README, "Page weight")
    "home": 75_000,
    "note with photo": 20_000,
    "note without photo": 20_000,
}
PHOTO_SELECTOR = "figure.photo img"


@dataclass(frozen=True)
class Resource:
    url: str  # site-absolute path, e.g. /theme/css/site.css
    raw: int
    transferred: int


@dataclass(frozen=True)
class PageWeight:
    url: str
    html: Resource
    assets: tuple[Resource, ...]

    @property
    def transferred(self) -> int:
        return self.html.transferred + sum(a.transferred for a in self.assets)


def transferred_size(path: Path) -> tuple[int, int]:
    """(raw, transferred) bytes of a file served by a gzip-enabled host."""
    data = path.read_bytes()
    if path.suffix.lower() in TEXT_SUFFIXES:
        return len(data), len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
    return len(data), len(data)


def page_url(site: Path, path: Path) -> str:
    """'/2026/11/x/' for site/2026/11/x/index.html, '/404.html' for 404.html."""
    rel = path.relative_to(site).as_posix()
    return "/" + rel.removesuffix("index.html")


def served_file(site: Path, url: str) -> Path:
    """The file a site-absolute URL path is served from."""
    target = site / urlparse(url).path.lstrip("/")
    return target / "index.html" if url.endswith("/") else target


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return not parsed.scheme and not parsed.netloc and bool(parsed.path)


def page_asset_urls(html: str, base_url: str) -> list[str]:
    """Site-absolute URLs of what the page loads, the note photo left out."""
    soup = BeautifulSoup(html, "html.parser")
    photos = {id(img) for img in soup.select(PHOTO_SELECTOR)}
    loads = {"stylesheet", "icon", "preload", "modulepreload"}
    refs = [
        str(link["href"])
        for link in soup.find_all("link", href=True)
        if loads & set(link.get_attribute_list("rel"))
    ]
    refs += [str(s["src"]) for s in soup.find_all("script", src=True)]
    refs += [
        str(img["src"])
        for img in soup.find_all("img", src=True)
        if id(img) not in photos and not str(img["src"]).startswith("data:")
    ]
    urls = [urljoin(base_url, ref) for ref in refs if is_local(ref)]
    return list(dict.fromkeys(urls))


def css_asset_urls(css: str, css_url: str) -> list[str]:
    urls = [m.group(2).strip() for m in CSS_URL_RE.finditer(css)]
    return [urljoin(css_url, u) for u in urls if is_local(u) and "data:" not in u]


@cache
def _resource(site: Path, url: str) -> Resource:
    raw, sent = transferred_size(served_file(site, url))
    return Resource(url, raw, sent)


def resources_for(site: Path, urls: list[str]) -> list[Resource]:
    """The resources at `urls`, plus what their stylesheets pull in."""
    found: dict[str, Resource] = {}
    queue = list(urls)
    while queue:
        url = urlparse(queue.pop(0)).path
        if url in found:
            continue
        found[url] = _resource(site, url)
        if url.endswith(".css"):
            css = served_file(site, url).read_text(encoding="utf-8")
            queue += css_asset_urls(css, url)
    return list(found.values())


def page_weight(site: Path, path: Path) -> PageWeight:
    url = page_url(site, path)
    raw, sent = transferred_size(path)
    assets = resources_for(site, page_asset_urls(path.read_text("utf-8"), url))
    return PageWeight(url, Resource(url, raw, sent), tuple(assets))


@dataclass(frozen=True)
class TypeWeight:
    """The weights of all pages of one type; the heaviest one is reported."""

    page_type: str
    pages: tuple[PageWeight, ...]

    @property
    def heaviest(self) -> PageWeight:
        return max(self.pages, key=lambda p: p.transferred)

    @property
    def budget(self) -> int | None:
        return BUDGETS.get(self.page_type)


def site_weights(site: Path) -> list[TypeWeight]:
    """Every page of the site, weighed, grouped by type in PAGE_TYPES order."""
    _resource.cache_clear()
    groups = pages_by_type(site)
    order = [t for t in PAGE_TYPES if t in groups] + sorted(
        t for t in groups if t not in PAGE_TYPES
    )
    return [
        TypeWeight(t, tuple(page_weight(site, p) for p in groups[t])) for t in order
    ]


def over_budget(weights: list[TypeWeight]) -> list[str]:
    """One line per page heavier than its type's budget."""
    return [
        f"{p.url} ({w.page_type}): {p.transferred:,} bytes > {w.budget:,}"
        for w in weights
        if w.budget is not None
        for p in w.pages
        if p.transferred > w.budget
    ]


def format_weights(weights: list[TypeWeight]) -> str:
    """A table: per page type, the heaviest page and what it is made of."""
    lines = [
        (
            f"transferred bytes per page (gzip level {GZIP_LEVEL}; HTML + CSS + "
            "scripts + images, the note photo excluded); heaviest page of each type"
        ),
        (
            f"{'page type':<20}{'pages':>6}{'HTML':>8}{'CSS+JS':>8}{'other':>7}"
            f"{'total':>8}{'budget':>8}  heaviest page"
        ),
    ]
    for w in weights:
        p = w.heaviest
        code = sum(a.transferred for a in p.assets if a.url.endswith((".css", ".js")))
        other = sum(a.transferred for a in p.assets) - code
        budget = f"{w.budget:,}" if w.budget else "-"
        lines.append(
            f"{w.page_type:<20}{len(w.pages):>6}{p.html.transferred:>8,}{code:>8,}"
            f"{other:>7,}{p.transferred:>8,}{budget:>8}  {p.url}"
        )
    return "\n".join(lines)

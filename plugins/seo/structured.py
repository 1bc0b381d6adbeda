"""schema.org JSON-LD: a NewsArticle and a BreadcrumbList on every note, a
PoliceStation (a Place) on every station page. Pure functions to text that
is safe inside <script type="application/ld+json">.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from plugins.core.packed import Spilled, keep_text, unsqueeze
from plugins.core.urls import canonical_url

from .sitemaps import iso

CONTEXT = "https://schema.org"
LANGUAGE = "hi"
COUNTRY = "IN"
HEADLINE_MAX = 110  # Google shows at most this many characters


@dataclass(frozen=True)
class Publisher:
    name: str
    base_url: str
    logo_url: str
    logo_width: int
    logo_height: int


# Between the texts of a PackedTexts: JSON escapes every control character.
_APART = "\0"


@dataclass(frozen=True)
class PackedTexts:
    """A few texts a page prints, kept out of the process's memory
    (plugins/core/packed.py keep_text: in the build's spill file while it
    has one open, else compressed) from the build's context to the page:
    every note holds its JSON-LD from the SEO context until the end of the
    build, and its page, written once, is the only reader. Iterated, they
    are the texts; page keys describe them by the texts' UTF-8 (__bytes__),
    the same whether they were kept in the spill file or compressed.
    """

    data: bytes | Spilled

    @classmethod
    def of(cls, texts: list[str]) -> PackedTexts:
        if any(_APART in text for text in texts):
            raise ValueError("a packed text holds a NUL")
        return cls(keep_text(_APART.join(texts)) if texts else b"")

    def texts(self) -> list[str]:
        return unsqueeze(self.data).split(_APART) if self.data else []

    def __bytes__(self) -> bytes:
        return unsqueeze(self.data).encode("utf-8") if self.data else b""

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts())

    def __len__(self) -> int:
        return len(self.texts())

    def __bool__(self) -> bool:
        return bool(self.data)


def script_json(data) -> str:
    """JSON that cannot end its <script> element or open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def publisher_data(p: Publisher) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": p.name,
        "url": p.base_url.rstrip("/") + "/",
        "logo": {
            "@type": "ImageObject",
            "url": p.logo_url,
            "width": p.logo_width,
            "height": p.logo_height,
        },
    }


def place_data(thana, base_url: str, district=None) -> dict:
    """A police station as schema.org's PoliceStation (a Place)."""
    address = {"@type": "PostalAddress", "addressCountry": COUNTRY}
    if thana.area:
        address["addressLocality"] = thana.area
    if district is not None:
        address["addressRegion"] = district.state or district.name
    return {
        "@type": "PoliceStation",
        "name": thana.name,
        "url": canonical_url(base_url, thana.url),
        "address": address,
    }


def headline(title: str) -> str:
    return title if len(title) <= HEADLINE_MAX else title[: HEADLINE_MAX - 1] + "…"


def note_data(note, publisher: Publisher, images: list[str], district=None) -> dict:
    """The NewsArticle of a note (fields Google's article guidelines ask for)."""
    modified = getattr(note, "modified", None) or note.date
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": note.canonical_url},
        "url": note.canonical_url,
        "headline": headline(note.title),
        "description": getattr(note, "summary_text", ""),
        "datePublished": iso(note.date),
        "dateModified": iso(modified),
        "inLanguage": LANGUAGE,
        "author": [{"@type": "Person", "name": note.reporter}],
        "publisher": publisher_data(publisher),
        "image": images,
    }
    thana = getattr(note, "thana", None)
    if thana is not None:
        data["contentLocation"] = place_data(thana, publisher.base_url, district)
    category = getattr(note, "category", None)
    if category is not None:
        data["articleSection"] = category.name
    tags = [t.name for t in getattr(note, "tags", None) or ()]
    if tags:
        data["keywords"] = tags
    return data


def breadcrumb_data(note, base_url: str, home_name: str) -> dict:
    """Home → the note's police station → the note."""
    crumbs = [(home_name, canonical_url(base_url, ""))]
    thana = getattr(note, "thana", None)
    if thana is not None:
        crumbs.append((thana.name, canonical_url(base_url, thana.url)))
    crumbs.append((headline(note.title), note.canonical_url))
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def station_data(thana, base_url: str, district) -> dict:
    return {"@context": CONTEXT, **place_data(thana, base_url, district)}

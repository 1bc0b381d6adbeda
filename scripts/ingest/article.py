"""A saved article page (.html) -> the parts of a note, with BeautifulSoup.

Title from the visible <h1>; date from article:published_time, JSON-LD
datePublished or <time datetime>; reporter from JSON-LD author (a person) or
the byline; text from the article's main element (else JSON-LD articleBody)
without share bars, related stories, app walls, captions and footers.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup

from plugins.core.photos import IMAGE_SUFFIXES

from .html_text import convert_krutidev, paragraph_chars, strip_junk, to_markdown
from .rules import Rules
from .text import (
    NAME_MAX_WORDS,
    byline_name,
    clean_lines,
    clean_title,
    escape_markup,
    normalize,
    strip_emoji,
)

ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle"}
MAIN_SELECTORS = (
    "[itemprop=articleBody]",
    ".entry-content",
    ".post-content",
    ".article-body",
    ".article-content",
    ".story-content",
    ".td-post-content",
    "article",
    "main",
)
BYLINE_SELECTORS = (
    "[rel=author]",
    "[itemprop=author]",
    ".byline",
    ".author-name",
    ".author",
)
TITLE_LIKENESS = 0.5
HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->")


@dataclass
class Page:
    title: str
    body: str
    reporter: str
    date: datetime | None
    source_url: str
    image: Path | None
    krutidev: bool = False  # text converted from Kruti Dev


def _json_ld(soup) -> dict:
    """The page's JSON-LD article object, if any."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack += (
                item.get("@graph", []) if isinstance(item.get("@graph"), list) else []
            )
            kinds = item.get("@type")
            kinds = set(kinds) if isinstance(kinds, list) else {kinds}
            if kinds & ARTICLE_TYPES:
                return item
    return {}


def _person(author) -> str:
    if isinstance(author, list):
        names = [n for n in (_person(a) for a in author) if n]
        return ", ".join(names)
    if isinstance(author, dict):
        if author.get("@type") in ("Person", None) and isinstance(
            author.get("name"), str
        ):
            return author["name"].strip()
        return ""
    return ""


def byline_person(text: str, rules: Rules) -> str:
    """The person in a byline element: 'रिपोर्ट मनोहर मालवीय' -> the name;
    'संवाददाता, रतलाम' (a desk and a place, no person) -> ''.
    """
    text = strip_emoji(normalize(text))
    name = byline_name(text, rules) or text
    places = {rules.registry.district.name, *rules.registry.thana_by_name}
    if not name or name in places or byline_name(name, rules):
        return ""
    return name if len(name.split()) <= NAME_MAX_WORDS else ""


BYLINE_SEPARATOR_RE = re.compile(r"\s*[|•·/]\s*")


def _byline_tag_person(tag, rules: Rules) -> str:
    """The person in a byline element that may also hold a date or a place
    ('रिपोर्ट: <a>राजेश शर्मा</a> | 21 नवंबर 2026'): the whole text, then
    each part between separators, then the linked name.
    """
    text = tag.get_text(" ", strip=True)
    candidates = [text, *BYLINE_SEPARATOR_RE.split(text)]
    candidates += [a.get_text(" ", strip=True) for a in tag.find_all("a")]
    for candidate in candidates:
        if person := byline_person(candidate, rules):
            return person
    return ""


def _visible(tag) -> bool:
    for t in [tag, *tag.parents]:
        if getattr(t, "attrs", None) is None:
            continue
        if t.has_attr("hidden") or t.get("aria-hidden") == "true":
            return False
        if HIDDEN_RE.search(t.get("style", "")):
            return False
        classes = " ".join(t.get("class") or [])
        if re.search(r"sr-only|screen-reader|visually-hidden", classes):
            return False
    return True


def _title(soup, ld: dict) -> str:
    """The visible <h1> of the article: of several, the one most like the
    page's own headline (JSON-LD, og:title), else one inside <article> or
    <main>, else the first; without an <h1>, that headline.
    """
    named = [
        clean_title(normalize(value))
        for value in (
            ld.get("headline"),
            (soup.find("meta", property="og:title") or {}).get("content"),
        )
        if isinstance(value, str) and value.strip()
    ]
    h1s = [
        (h1, clean_title(normalize(h1.get_text(" ", strip=True))))
        for h1 in soup.find_all("h1")
        if _visible(h1)
    ]
    h1s = [(h1, text) for h1, text in h1s if text]
    if not h1s:
        return named[0] if named else ""

    def likeness(text: str) -> float:
        return max(
            (difflib.SequenceMatcher(None, text, n).ratio() for n in named),
            default=0.0,
        )

    best = max(h1s, key=lambda item: likeness(item[1]))
    if likeness(best[1]) >= TITLE_LIKENESS:
        return best[1]
    inside = [t for h1, t in h1s if h1.find_parent(["article", "main"])]
    return inside[0] if inside else h1s[0][1]


def page_headline(html: str) -> str:
    """The headline of a page, article or not (to say what a page holds)."""
    soup = BeautifulSoup(html, "lxml")
    return _title(soup, _json_ld(soup))


def parse_when(value: str, zone: tzinfo) -> datetime | None:
    value = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=zone)


def _date(soup, ld: dict, zone: tzinfo) -> datetime | None:
    candidates = [
        (soup.find("meta", property="article:published_time") or {}).get("content"),
        ld.get("datePublished"),
        (soup.find(attrs={"itemprop": "datePublished"}) or {}).get("content"),
        (soup.find(attrs={"itemprop": "datePublished"}) or {}).get("datetime"),
        (soup.find("time", datetime=True) or {}).get("datetime"),
        *(
            (soup.find("meta", attrs={"name": name}) or {}).get("content")
            for name in ("publish-date", "pubdate", "date")
        ),
    ]
    for value in candidates:
        if isinstance(value, str) and (when := parse_when(value, zone)):
            return when
    return None


MAIN_MIN_CHARS = 150
BLOCK_TAGS = (
    "div",
    "p",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "figure",
    "ul",
    "ol",
    "table",
    "blockquote",
    "pre",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
)


def divs_as_paragraphs(soup) -> None:
    """Pages that hold their text in <div>s and <br> without <p> (the whole
    page, or the part around the text, a footer's <p> elsewhere): each
    innermost <div> with text among no <p> is read as a paragraph, each
    <br> in it as a paragraph break.
    """
    few = paragraph_chars(soup) < MAIN_MIN_CHARS
    leaves = [
        div
        for div in soup.find_all("div")
        if not div.find(BLOCK_TAGS)
        and div.get_text(strip=True)
        and (few or (div.parent is not None and not div.parent.find("p")))
    ]
    for div in leaves:
        parts: list[list] = [[]]
        for child in list(div.children):
            if getattr(child, "name", None) == "br":
                parts.append([])
            else:
                parts[-1].append(child.extract())
        for part in parts:
            paragraph = soup.new_tag("p", attrs=dict(div.attrs))
            paragraph.extend(part)
            div.insert_before(paragraph)
        div.decompose()


def _main(soup, h1):
    """The article's text element: the first known container holding enough
    paragraph text, else the element whose own paragraphs hold the most.
    """
    for selector in MAIN_SELECTORS:
        for tag in soup.select(selector):
            if paragraph_chars(tag) >= MAIN_MIN_CHARS:
                return tag
    scores: dict = {}
    for p in soup.find_all("p"):
        parent = p.parent
        if parent is not None:
            key = id(parent)
            chars, _ = scores.get(key, (0, parent))
            scores[key] = (chars + len(p.get_text(" ", strip=True)), parent)
    if scores:
        chars, tag = max(scores.values(), key=lambda item: item[0])
        near = _near_headline(h1, list(scores.values()))
        if near is not None and near[0] * 2 >= chars:
            return near[1]
        if chars:
            return tag
    return h1.find_parent(["article", "main", "div"]) if h1 else None


def _near_headline(h1, scored: list) -> tuple | None:
    """Of the (chars, element) holding paragraphs, the largest in the
    smallest part of the page around the headline that holds any: the
    article's text rather than a longer blurb elsewhere on the page.
    """
    if h1 is None:
        return None
    for ancestor in h1.parents:
        near = [item for item in scored if ancestor in item[1].parents]
        if near:
            return max(near, key=lambda item: item[0])
    return None


def _local_image(soup, main, page: Path) -> Path | None:
    """The lead photo, when it is a file saved beside the page."""
    sources = [(soup.find("meta", property="og:image") or {}).get("content")]
    if main is not None:
        # a lead <figure> (inside the text or just before it in the same
        # article), then any picture of the text: the first that is a file
        around = main.find_parent(["article", "main"]) or main.parent or main
        figures = [f for f in around.find_all("figure") if _visible(f)]
        pictures = ["img", "amp-img"]
        for img in [
            *(img for f in figures for img in f.find_all(pictures, src=True)),
            *main.find_all(pictures, src=True),
        ]:
            sources.append(img["src"])
    folder = page.parent.resolve()
    for src in sources:
        if not isinstance(src, str) or urlparse(src).scheme or src.startswith("/"):
            continue
        path = (folder / unquote(src)).resolve()
        if (
            path.is_relative_to(folder)
            and path.is_file()
            and path.suffix.lower() in IMAGE_SUFFIXES
        ):
            return path
    return None


LEAD_WORDS = 8
CAPTION_TAGS = ("p", "span", "small", "em", "i", "figcaption", "cite")


def drop_before_first_paragraph(main) -> None:
    """Photo captions and credits standing before the first real paragraph."""
    first = next(
        (
            p
            for p in main.find_all("p")
            if len(p.get_text(" ", strip=True).split()) >= LEAD_WORDS
        ),
        None,
    )
    if first is None:
        return
    for tag in list(first.find_all_previous(CAPTION_TAGS)):
        if tag.decomposed or main not in tag.parents or first in tag.parents:
            continue
        if tag.find_parent(["h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote"]):
            continue
        tag.decompose()


def parse_article(html: str, page: Path, rules: Rules, zone: tzinfo) -> Page | None:
    """The article in a saved page, or None when there is none."""
    soup = BeautifulSoup(html, "lxml")
    divs_as_paragraphs(soup)
    _, krutidev = convert_krutidev(soup, rules)
    ld = _json_ld(soup)
    title = _title(soup, ld)
    canonical = soup.find("link", rel="canonical", href=True)
    og_url = soup.find("meta", property="og:url")
    saved = SAVED_FROM_RE.search(html[:2000])
    source_url = (
        (canonical["href"] if canonical else "")
        or (og_url.get("content", "") if og_url else "")
        or (saved.group(1) if saved else "")
    )
    when = _date(soup, ld, zone)
    reporter = _person(ld.get("author"))
    if not reporter:
        for selector in BYLINE_SELECTORS:
            if (tag := soup.select_one(selector)) is not None:
                reporter = _byline_tag_person(tag, rules)
                break
    h1 = soup.find("h1")
    main = _main(soup, h1)
    image = _local_image(soup, main, page)
    body, byline = "", ""
    if main is not None:
        for h in main.find_all("h1"):
            h.decompose()
        strip_junk(main)
        drop_before_first_paragraph(main)
        body, byline = to_markdown(main, rules)
    if not body and isinstance(ld.get("articleBody"), str):
        cleaned = clean_lines(normalize(ld["articleBody"]).split("\n"), rules)
        body = "\n\n".join(
            escape_markup(ln.strip()) for ln in cleaned.lines if ln.strip()
        )
        byline = cleaned.reporter
    if not title or not body.strip():
        return None
    # the byline element is also often repeated as a line of text
    body = "\n\n".join(
        b for b in body.split("\n\n") if reporter == "" or b.strip() != reporter
    )
    return Page(
        title=title,
        body=body,
        reporter=byline or reporter,
        date=when,
        source_url=str(source_url),
        image=image,
        krutidev=krutidev,
    )

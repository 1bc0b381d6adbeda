"""HTML (an article's content, a WordPress post) -> Markdown, with markdownify."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString
from markdownify import MarkdownConverter

from plugins.hindi_text.krutidev import convert_inline

from .message import krutidev_lines
from .rules import Rules
from .text import clean_lines, escape_markup, normalize

# Blocks that never belong to a note's text.
JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "button",
    "nav",
    "aside",
    "footer",
    "svg",
    "video",
    "audio",
    "object",
    "embed",
    "select",
    "input",
    # AMP pages: ads, embeds, analytics, menus and share buttons
    "amp-ad",
    "amp-sticky-ad",
    "amp-embed",
    "amp-analytics",
    "amp-sidebar",
    "amp-social-share",
    "amp-iframe",
    "amp-video",
    "amp-youtube",
    "amp-twitter",
    "amp-facebook",
    "amp-instagram",
)
JUNK_RE = re.compile(
    r"share|social|related|also-read|read-more|recommend|app-?wall|open-?in-?app|"
    r"download-?app|newsletter|subscribe|comment|advert|\badvt?\b|\bads?\b|"
    r"(?<![a-z])ad-|promo|"
    r"breadcrumb|copyright|footer|sidebar|widget|author-box|tags?-?list|post-?tags|"
    r"wp-caption-text|caption|donate",
    re.IGNORECASE,
)


class _Converter(MarkdownConverter):
    """Paragraphs, headings, lists, quotes, bold/italic and links; no images
    (the lead photo is taken separately), no tables' HTML.
    """

    def escape(self, text, parent_tags):
        """A text node stays text: '<script>' decoded from '&lt;script&gt;'
        is written so that Markdown shows it, never reads it as a tag.
        """
        return escape_markup(super().escape(text, parent_tags))  # type: ignore[misc]  # stubs lag the library

    def convert_img(self, el, text, parent_tags):
        return ""

    def convert_figure(self, el, text, parent_tags):
        return ""


HIDDEN_STYLE_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE
)


def hidden(tag) -> bool:
    """An element a reader never sees (hidden spam, screen-reader copies)."""
    attrs = tag.attrs or {}
    return (
        "hidden" in attrs
        or str(attrs.get("aria-hidden", "")).lower() == "true"
        or bool(HIDDEN_STYLE_RE.search(str(attrs.get("style", ""))))
    )


def _junk(tag) -> bool:
    if tag.name in JUNK_TAGS or hidden(tag):
        return True
    names = " ".join(tag.get("class") or []) + " " + (tag.get("id") or "")
    return bool(names.strip()) and bool(JUNK_RE.search(names))


def paragraph_chars(tag) -> int:
    return sum(len(p.get_text(" ", strip=True)) for p in tag.find_all("p"))


def strip_junk(root) -> None:
    """Remove share bars, related stories, app walls, captions, footers.

    An element holding most of the text is never removed, whatever its
    class says (page builders name the post's text 'elementor-widget-…').
    """
    total = paragraph_chars(root)
    for tag in list(root.find_all(True)):
        if tag.decomposed or tag.parent is None or not _junk(tag):
            continue
        if (
            tag.name not in JUNK_TAGS
            and not hidden(tag)
            and paragraph_chars(tag) * 2 > total
        ):
            continue
        tag.decompose()


# Elements whose text is one "line" when Kruti Dev is looked for.
TEXT_BLOCKS = (
    "p",
    "div",
    "li",
    "td",
    "th",
    "dd",
    "dt",
    "blockquote",
    "pre",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "article",
    "section",
    "main",
    "body",
)
NOT_TEXT = ("script", "style", "noscript", "template", "textarea")


def convert_krutidev(root, rules: Rules, title: str = "") -> tuple[str, bool]:
    """Kruti Dev in a page or a post converted in place, block by block, as
    a message's lines are (`krutidev_lines` decides; a block of English or
    Unicode Hindi is left alone). Returns the title (converted when it is
    Kruti Dev too) and whether anything was converted.
    """
    blocks: dict[int, list] = {}
    for node in root.find_all(string=True):
        if type(node) is not NavigableString or node.find_parent(NOT_TEXT):
            continue
        block = node.find_parent(TEXT_BLOCKS)
        blocks.setdefault(id(block), []).append(node)
    groups = list(blocks.values())
    lines = [title] + [" ".join("".join(g).split()) for g in groups]
    found = krutidev_lines(lines, rules)
    for i in found - {0}:
        for node in groups[i - 1]:
            node.replace_with(convert_inline(str(node)))
    if 0 in found:
        title = normalize(convert_inline(title))
    return title, bool(found)


def autop(html: str) -> str:
    """WordPress stores posts with blank lines for paragraphs (wpautop)."""
    if re.search(r"<p[\s>]", html, re.IGNORECASE):
        return html
    parts = re.split(r"\n\s*\n", html.strip())
    return "".join(f"<p>{p.strip()}</p>\n" for p in parts if p.strip())


def to_markdown(html_or_tag, rules: Rules) -> tuple[str, str]:
    """(Markdown text, reporter from a byline line) of an HTML fragment."""
    if isinstance(html_or_tag, str):
        html_or_tag = BeautifulSoup(html_or_tag, "lxml")
    strip_junk(html_or_tag)
    # only web links survive; anything else (javascript:, data:) is text
    for link in html_or_tag.find_all("a"):
        if not str(link.get("href") or "").startswith(("http://", "https://")):
            link.unwrap()
    markdown = _Converter(
        heading_style="ATX", bullets="-", strong_em_symbol="*", escape_misc=False
    ).convert_soup(html_or_tag)
    markdown = normalize(markdown)
    cleaned = clean_lines(
        [ln.rstrip() for ln in markdown.split("\n")], rules, closing=False
    )
    text = "\n".join(cleaned.lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, cleaned.reporter

"""HTML (an article's content, a WordPress post) -> Markdown, with markdownify."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

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
)
JUNK_RE = re.compile(
    r"share|social|related|also-read|read-more|recommend|app-?wall|open-?in-?app|"
    r"download-?app|newsletter|subscribe|comment|advert|\bads?\b|(?<![a-z])ad-|promo|"
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

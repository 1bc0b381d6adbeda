"""Parse the HTML of a note (or a summary) quickly, for checks and plain text.

lxml's HTML parser is about five times faster than BeautifulSoup here, and a
cold build parses every note twice. It refuses characters XML cannot hold
(NUL and other control characters); they carry no text and become spaces
before parsing.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """The fragment's elements under one wrapping <div>."""
    return lxml.html.fragment_fromstring(NOT_IN_XML.sub(" ", html), create_parent="div")


def elements(html: str):
    """Each element of the fragment (not the wrapper, comments or PIs)."""
    return parse_fragment(html).iterdescendants(etree.Element)


# Elements whose insides are text to any HTML parser (not code, raw text or
# a template's): those the sanitizer keeps (plugins/press_notes/sanitize.py).
TEXT_TAGS = frozenset(
    {
        *("a", "abbr", "acronym", "area", "article", "aside", "b", "bdi", "bdo"),
        *("blockquote", "br", "caption", "center", "cite", "code", "col"),
        *("colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt"),
        *("em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5"),
        *("h6", "header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "map"),
        *("mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "rtc", "ruby", "s"),
        *("samp", "small", "span", "strike", "strong", "sub", "summary", "sup"),
        *("table", "tbody", "td", "th", "thead", "time", "tr", "tt", "u", "ul"),
        *("var", "wbr"),
    }
)
_NAMES = "|".join(sorted(TEXT_TAGS, key=len, reverse=True))
# whitespace inside a tag, as HTML has it (not Python's \s: a no-break
# space or U+2028 there is part of the tag's name to a parser)
_SPACE = r"[ \t\n\r\f]"
_START = (
    rf"<(?:{_NAMES})(?:{_SPACE}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"<]*\")?)*"
    rf"{_SPACE}*/?>"
)
_TAG = rf"(?>{_START}|</(?:{_NAMES}){_SPACE}*>)"
# HTML as a serializer writes it (the sanitizer's output, every note's
# HTML): those tags, lowercase, each start tag's attribute values in double
# quotes (no <), end tags bare, and text escaped with these five entities
# only. Its text is the strings between the tags. (Possessive and atomic:
# HTML that is not of this kind is refused in one pass, not tried every way
# its text divides into runs.)
SERIALIZED = re.compile(rf"(?:[^<&]++|&(?:amp|lt|gt|nbsp|quot);|{_TAG})*+")
TAGS = re.compile(_TAG)
ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", "\xa0"), ("&quot;", '"'))


def serialized_text(html: str) -> str | None:
    """text_of(html) read without a parser, when `html` is SERIALIZED
    (None when it is not): its tags made spaces, its entities characters
    (&amp; last, so "&amp;lt;" stays "&lt;"), whitespace folded.
    """
    if SERIALIZED.fullmatch(html) is None:
        return None
    text = TAGS.sub(" ", html)
    if "&" in text:
        for entity, char in ENTITIES:
            text = text.replace(entity, char)
        text = text.replace("&amp;", "&")
    return " ".join(NOT_IN_XML.sub(" ", text).split())


def text_of(html: str) -> str:
    """The fragment's text, strings joined by spaces, whitespace folded.

    A note's HTML (the sanitizer's, SERIALIZED) is read without building a
    tree, in about half the time: its text is the strings between its
    tags (serialized_text). Any other HTML is parsed by lxml: the insides
    of <script> and <style> are code, not text, and left out, and so are
    comments; a tag the parser finds out of place (an end tag of an
    element its tree has closed already) separates nothing.
    """
    quick = serialized_text(html)
    return parsed_text(html) if quick is None else quick


def parsed_text(html: str) -> str:
    """text_of(html), by lxml's parser."""
    root = parse_fragment(html)
    for code in root.iter("script", "style"):
        code.text = None
    return " ".join(" ".join(root.itertext()).split())

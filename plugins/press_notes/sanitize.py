"""Keep raw HTML in notes harmless: no script, event handler or javascript: URL.

nh3 (the ammonia sanitizer) does the cleaning; `find_unsafe` names what a
reporter wrote that will not reach the page, so the warning can say it.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

import lxml.html
import nh3

from .fragment import elements, parse_fragment

DANGEROUS_TAGS = ("script", "style", "iframe", "object", "embed", "form", "link")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"figure", "figcaption", "mark", "time"}
ALLOWED_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "time": {"datetime"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# One cleaner for every note: nh3.clean() builds its rules from these sets
# on each call, about half of its time on a note.
CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    clean_content_tags={"script", "style"},
    url_schemes={"http", "https", "mailto", "tel"},
)


# A paragraph of text the sanitizer gives back as it is, and in which there
# is nothing unsafe: no markup, entity, or character an HTML parser changes
# or drops (control characters, a lone surrogate, a byte order mark, the
# no-break space it writes as &nbsp;). A note's summary mostly is one.
PLAIN_PARAGRAPH = re.compile(
    "<p>[^<>&\x00-\x1f\x7f-\xa0\ud800-\udfff\ufeff\ufffe\uffff]*</p>"
)


def _is_script_url(value: str) -> bool:
    compact = "".join(value.split()).lower()
    return compact.startswith(("javascript:", "vbscript:", "data:text/html"))


def find_unsafe(html: str) -> list[str]:
    """Describe each unsafe construct in `html` (empty list if none)."""
    if PLAIN_PARAGRAPH.fullmatch(html):
        return []
    found = []
    for tag in elements(html):
        if tag.tag in DANGEROUS_TAGS:
            found.append(f"<{tag.tag}> element")
        for attr, value in tag.attrib.items():
            if attr.lower().startswith("on"):
                found.append(f"{attr} attribute on <{tag.tag}>")
            elif attr.lower() in URL_ATTRIBUTES and _is_script_url(str(value)):
                found.append(f"script URL in {attr} of <{tag.tag}>")
    return found


def loads_from_elsewhere(src: str) -> bool:
    """True if an image address points at another host (scheme or //host)."""
    parts = urlsplit(src.strip())
    return bool(parts.scheme or parts.netloc)


def images_as_links(html: str) -> str:
    """Each <img> from another host made a link to it: no page loads anything
    from another host (the bulletin promises readers no third-party requests).
    """
    if "<img" not in html:
        return html
    root = parse_fragment(html)
    changed = False
    for img in list(root.iter("img")):
        src = img.get("src", "")
        if not loads_from_elsewhere(src):
            continue
        link = lxml.html.Element("a", href=src)
        link.text = img.get("alt") or src
        link.tail = img.tail
        img.getparent().replace(img, link)
        changed = True
    if not changed:
        return html
    # the text before the first element is parsed text: escaped again, or a
    # reporter's written "&lt;b&gt;" would come back as markup
    inner = [escape(root.text or "", quote=False)]
    inner += [lxml.html.tostring(child, encoding="unicode") for child in root]
    return "".join(inner)


def sanitize_html(html: str) -> str:
    """Return `html` with everything but safe markup removed, and images
    from other hosts made links.
    """
    if PLAIN_PARAGRAPH.fullmatch(html):
        return html
    cleaned = _clean(html)
    linked = images_as_links(cleaned)
    return cleaned if linked is cleaned else _clean(linked)


def _clean(html: str) -> str:
    return CLEANER.clean(html)

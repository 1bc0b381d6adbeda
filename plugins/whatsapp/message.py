"""WhatsApp click-to-chat links: a note's share message and group digests.

Pure functions over plain text. A link is `https://wa.me/?text=<text>` with
the text percent-encoded as UTF-8; every link stays under a length limit
(WhatsApp and some phones cut longer ones), shortening the summary, and only
if need be the title, at a word boundary with an ellipsis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

WA_ME = "https://wa.me/?text="
ELLIPSIS = "…"
# Punctuation left dangling before an ellipsis.
TRAILING = " ,;:—-–|/।"


# Bytes that quote(..., safe="") leaves as they are; every other byte of the
# UTF-8 text becomes %XX.
UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
# A run of bytes quote(..., safe="") writes as %XX each.
RESERVED_RUN = re.compile(b"[^" + re.escape(UNRESERVED) + b"]+")


def _percent_run(match: re.Match[bytes]) -> bytes:
    # hex's separator goes between bytes: "%" before the first too
    return b"%" + match[0].hex("%").upper().encode("ascii")


def wa_link(text: str) -> str:
    """The click-to-chat link that opens WhatsApp with `text` ready to send:
    the text percent-encoded as quote(text, safe="") does, a run of bytes to
    encode at a time (quote looks each byte up in turn, some 1,500 bytes of
    Devanagari a note).
    """
    data = RESERVED_RUN.sub(_percent_run, text.encode("utf-8"))
    return WA_ME + data.decode("ascii")


def link_length(text: str) -> int:
    """len(wa_link(text)), counted without building the link."""
    data = text.encode("utf-8")
    unreserved = len(data) - len(data.translate(None, UNRESERVED))
    return len(WA_ME) + 3 * len(data) - 2 * unreserved


# A URL ascii_url gives back as it is (a note's address, most of the time:
# some 35 µs a link saved): a lowercase scheme and host of ASCII labels,
# a port without leading zeros, a path of what quote() keeps, nothing else.
PLAIN_URL = re.compile(
    r"https?://[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*(?::[1-9][0-9]{0,3})?"
    r"(?:/[A-Za-z0-9/:@!$&'()*+,;=%._~-]*)?"
)


def ascii_url(url: str) -> str:
    """An absolute URL with any non-ASCII part percent-encoded (an IRI -> URI)."""
    if PLAIN_URL.fullmatch(url):
        return url
    parts = urlsplit(url)
    host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    safe = "/:@!$&'()*+,;=%-._~"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe + "?"),
            quote(parts.fragment, safe=safe + "?"),
        )
    )


def bold_safe(text: str) -> str:
    """Text for use inside WhatsApp's *bold*: no asterisks, folded spaces."""
    return " ".join(text.replace("*", " ").split())


def shorten(text: str, words: int) -> str:
    """The first `words` words of `text`, with … if anything was cut."""
    return shortened(text.split(), words)


def shortened(parts: list[str], words: int) -> str:
    """shorten() of the text whose words are `parts`."""
    if words >= len(parts):
        return " ".join(parts)
    kept = " ".join(parts[:words]).rstrip(TRAILING)
    return kept + ELLIPSIS if kept else ""


def cut_to_chars(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters (with …):
    the most words whose shortened text is short enough. A word more never
    makes it shorter (a word of trailing punctuation alone is stripped with
    the space before it), so the words are found by halving.
    """
    parts = text.split()
    return longest_fit_of(parts, lambda t: len(t) <= limit)


def longest_fit(text: str, fits) -> str:
    """The longest word-prefix of `text` (shortened with …) for which fits(t)."""
    return longest_fit_of(text.split(), fits)


def longest_fit_of(parts: list[str], fits) -> str:
    """longest_fit() of the text whose words are `parts`."""
    count = len(parts)
    if fits(whole := shortened(parts, count)):
        return whole
    low, high = 0, count - 1  # fits(shortened(parts, low)) is assumed
    while low < high:
        mid = (low + high + 1) // 2
        if fits(shortened(parts, mid)):
            low = mid
        else:
            high = mid - 1
    return shortened(parts, low)


def note_message(
    template: str,
    *,
    title: str,
    summary: str,
    url: str,
    site: str,
    words: dict[str, str],
    summary_max_chars: int,
    max_link_chars: int,
) -> str:
    """A note's share text, its link strictly under `max_link_chars`."""
    url = ascii_url(url)

    def render(t: str, s: str) -> str:
        text = template.format(title=t, summary=s, url=url, site=site, **words)
        # an emptied summary must not leave blank lines behind
        lines = [line.rstrip() for line in text.split("\n")]
        return "\n".join(collapse_blank(lines)).strip()

    def fits(text: str) -> bool:
        return link_length(text) < max_link_chars

    title = bold_safe(title)
    summary = cut_to_chars(" ".join(summary.split()), summary_max_chars)
    if not fits(render(title, "")):
        title = longest_fit(title, lambda t: fits(render(t, "")))
        return render(title, "")
    summary = longest_fit(summary, lambda s: fits(render(title, s)))
    return render(title, summary)


def collapse_blank(lines: list[str]) -> list[str]:
    """Lines with runs of blank lines folded into one."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return out


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str  # absolute


@dataclass(frozen=True)
class DigestPart:
    text: str
    link: str
    items: tuple[DigestItem, ...]


def digest_parts(
    items: Sequence[DigestItem],
    *,
    header: str,
    item: str,
    group: str,
    site: str,
    words: dict[str, str],
    max_link_chars: int,
) -> list[DigestPart]:
    """A group's new notes as one message, or several if one link would be too long.

    Items are packed greedily in order; each part's header says "part n of m"
    when there is more than one. The header is measured with the widest
    part label the split could need, so the final labels always fit.
    """
    if not items:
        return []

    def head(part: str) -> str:
        new_notes = words["new_notes"].format(group=group)
        return header.format(new_notes=new_notes, part=part, site=site, group=group)

    def label(n: int, total: int) -> str:
        return " " + words["part"].format(n=n, total=total)

    def text_of(part_head: str, chunk: Sequence[DigestItem]) -> str:
        body = "\n\n".join(
            item.format(title=bold_safe(i.title), url=ascii_url(i.url)) for i in chunk
        )
        return f"{part_head.strip()}\n\n{body}"

    def fits(text: str) -> bool:
        return link_length(text) < max_link_chars

    if fits(text_of(head(""), items)):
        return [_part(text_of(head(""), items), items)]
    widest = label(len(items), len(items))
    chunks: list[list[DigestItem]] = []
    for entry in (_fit_item(i, widest, head, text_of, fits) for i in items):
        if chunks and fits(text_of(head(widest), [*chunks[-1], entry])):
            chunks[-1].append(entry)
        else:
            chunks.append([entry])
    total = len(chunks)
    if total == 1:  # one title cut to fit: no "part 1 of 1"
        return [_part(text_of(head(""), chunks[0]), chunks[0])]
    return [
        _part(text_of(head(label(n, total)), chunk), chunk)
        for n, chunk in enumerate(chunks, start=1)
    ]


def _fit_item(entry: DigestItem, widest: str, head, text_of, fits) -> DigestItem:
    """The item, its title shortened if even alone it would not fit."""
    if fits(text_of(head(widest), [entry])):
        return entry
    title = longest_fit(
        bold_safe(entry.title),
        lambda t: fits(text_of(head(widest), [DigestItem(t, entry.url)])),
    )
    return DigestItem(title, entry.url)


def _part(text: str, items: Sequence[DigestItem]) -> DigestPart:
    return DigestPart(text=text, link=wa_link(text), items=tuple(items))

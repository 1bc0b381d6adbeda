"""One WhatsApp message (copied from the app, or a .txt) -> the parts of a note."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.hindi_text.krutidev import krutidev_to_unicode, looks_like_krutidev

from .rules import Rules
from .text import (
    clean_lines,
    clean_title,
    dateline_reporter,
    make_summary,
    normalize,
    strip_emoji,
    whatsapp_to_markdown,
)

# '🚨 *headline* 🚨' or '*headline* – site name': the bold part is the
# headline, what follows a dash the site's name.
BOLD_LINE_RE = re.compile(r"^[^\w*]*\*(?P<bold>[^*\n]+)\*(?P<after>.*)$")
SUFFIX_RE = re.compile(r"^\s*[–—|-]\s*(?P<suffix>.{1,40})$")
TITLE_MAX = 120
HEADLINE_MIN_WORDS = 3


@dataclass
class Parts:
    """What one message says: headline, Markdown text, byline."""

    title: str
    body: str
    reporter: str
    krutidev: bool = False
    title_guessed: bool = False
    labels: str = ""  # letterhead lines taken out (they may name the station)


def is_label(line: str, rules: Rules) -> bool:
    """A letterhead or label line ('*प्रेस नोट*', '*थाना नामली*')."""
    title = clean_title(line)
    return bool(title) and any(p.search(title) for p in rules.headline_skip)


def _bold_headline(line: str) -> tuple[str, str] | None:
    """(headline, site suffix) if the line is a bold headline, else None."""
    m = BOLD_LINE_RE.match(line)
    if not m:
        return None
    after = strip_emoji(m["after"])
    suffix = SUFFIX_RE.match(after)
    if after and not suffix:
        return None  # a bold word opening a sentence
    title = clean_title(m["bold"])
    if len(title.split()) < HEADLINE_MIN_WORDS or len(title) > TITLE_MAX:
        return None
    return title, clean_title(suffix["suffix"]) if suffix else ""


def _headline(lines: list[str], rules: Rules) -> tuple[int | None, str, str]:
    """(index of the headline line, headline, site suffix).

    The first bold line; else a short first line that is not a dateline;
    else no headline line (index None).
    """
    for i, line in enumerate(lines):
        if found := _bold_headline(line):
            return i, *found
    for i, line in enumerate(lines):
        if line.strip():
            title = clean_title(line)
            if rules.dateline.match(line) or len(title) > TITLE_MAX:
                return None, "", ""
            return i, title, ""
    return None, "", ""


def first_sentence_title(lines: list[str], rules: Rules) -> str:
    """A headline from the first sentence, without its dateline."""
    text = next((ln for ln in lines if ln.strip()), "")
    if m := rules.dateline.match(text):
        text = text[m.end() :]
    sentence = make_summary(text, TITLE_MAX).rstrip("।.… ")
    return clean_title(sentence)


def parse_message(text: str, rules: Rules) -> Parts:
    """Headline, Markdown body and reporter of one WhatsApp message."""
    text = normalize(text)
    krutidev = looks_like_krutidev(text)
    if krutidev:
        text = krutidev_to_unicode(text)
    cleaned = clean_lines(text.split("\n"), rules)
    labels = [ln for ln in cleaned.lines if is_label(ln, rules)]
    lines = [ln for ln in cleaned.lines if not is_label(ln, rules)]
    index, title, suffix = _headline(lines, rules)
    title_guessed = index is None or not title
    if index is None or not title:
        title = first_sentence_title(lines, rules)
    else:
        del lines[index]
        # the same headline again, or the site's name alone on a line
        repeats = {title, suffix} - {""}
        lines = [ln for ln in lines if clean_title(ln) not in repeats]
    reporter = cleaned.reporter
    for i, line in enumerate(lines):
        if line.strip():
            rest, name = dateline_reporter(line, rules)
            if name:
                lines[i] = rest
                reporter = reporter or name
            break
    return Parts(
        title=title,
        body=whatsapp_to_markdown(lines),
        reporter=reporter,
        krutidev=krutidev,
        title_guessed=title_guessed,
        labels="\n".join(clean_title(ln) for ln in labels),
    )

"""One WhatsApp message (copied from the app, or a .txt) -> the parts of a note."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.hindi_text.krutidev import (
    THRESHOLD,
    convert_inline,
    krutidev_score,
    looks_like_krutidev,
)

from .rules import Rules
from .text import (
    WA_STYLES,
    clean_lines,
    clean_title,
    dateline_reporter,
    make_summary,
    normalize,
    should_drop,
    strip_emoji,
    whatsapp_to_markdown,
)

# '🚨 *headline* 🚨' or '*headline* – site name': the bold part is the
# headline, what follows a dash the site's name.
BOLD_LINE_RE = re.compile(r"^[^\w*]*\*(?P<bold>[^*\n]+)\*(?P<after>.*)$")
SUFFIX_RE = re.compile(r"^\s*[–—|-]\s*(?P<suffix>.{1,40})$")
TITLE_MAX = 120
HEADLINE_MIN_WORDS = 3
DEVANAGARI_RE = re.compile(r"[\u0900-\u097f]")
ASCII_LETTER_RE = re.compile(r"[A-Za-z]")
# A list item's or a quote's mark at a line's start: kept as typed.
LEAD_MARK_RE = re.compile(r"^\s*(?:[-*•]\s+|\d{1,3}[.)]\s+|>\s?)?")


@dataclass
class Parts:
    """What one message says: headline, Markdown text, byline."""

    title: str
    body: str
    reporter: str
    krutidev: bool = False
    title_guessed: bool = False
    labels: str = ""  # letterhead lines taken out (they may name the station)
    pasted_again: bool = False  # the message was there twice or more, in a row
    only_headline: bool = False  # no text but the headline (a photo's caption)


def once(lines: list[str], rules: Rules) -> tuple[list[str], bool]:
    """The message once, if it was pasted (or forwarded) twice or more in a
    row: its lines repeat whole, blank lines, spacing and dropped lines
    ('Forwarded', a share prompt) aside.
    """
    filled = [
        i
        for i, line in enumerate(lines)
        if line.strip() and not should_drop(line, rules)
    ]
    words = [" ".join(lines[i].split()) for i in filled]
    n = len(words)
    for size in range(1, n // 2 + 1):
        if n % size == 0 and all(words[i] == words[i % size] for i in range(n)):
            return lines[: filled[size - 1] + 1], True
    return lines, False


def is_label(line: str, rules: Rules) -> bool:
    """A letterhead or label line ('*प्रेस नोट*', '*थाना नामली*')."""
    title = clean_title(line)
    return bool(title) and any(p.search(title) for p in rules.headline_skip)


def _bold_headline(line: str, rules: Rules) -> tuple[str, str] | None:
    """(headline, site suffix) if the line is a bold headline, else None
    (a bold dateline, '*रतलाम, 28 नवंबर।*', is not one).
    """
    m = BOLD_LINE_RE.match(line)
    if not m or rules.dateline.match(clean_title(m["bold"])):
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
        if found := _bold_headline(line, rules):
            return i, *found
    for i, line in enumerate(lines):
        # a line of emoji alone ('*🔥🔥🔥*') is no headline
        if clean_title(line):
            title = clean_title(line)
            if rules.dateline.match(line) or len(title) > TITLE_MAX:
                return None, "", ""
            return i, title, ""
    return None, "", ""


def first_sentence_title(lines: list[str], rules: Rules) -> str:
    """A headline from the first sentence, without its dateline."""
    text = next((ln for ln in lines if clean_title(ln)), "")
    if m := rules.dateline.match(text):
        text = text[m.end() :]
    sentence = make_summary(text, TITLE_MAX).rstrip("।.… ")
    return clean_title(sentence)


def krutidev_lines(lines: list[str], rules: Rules) -> set[int]:
    """The lines typed in Kruti Dev, found line by line: a Kruti Dev
    headline over a Unicode text, or the other way round, is seen. A line
    holding Devanagari is Unicode already; a dropped line (Forwarded, a share
    prompt) is left alone. A short line counts when its words score as Kruti
    Dev or, in a message whose Latin lines together read as Kruti Dev, when
    it is a single word or holds any Kruti Dev sign.
    """
    latin = [
        i
        for i, line in enumerate(lines)
        if ASCII_LETTER_RE.search(line)
        and not DEVANAGARI_RE.search(line)
        and not should_drop(line, rules)
    ]
    together = looks_like_krutidev("\n".join(lines[i] for i in latin))
    found = set()
    for i in latin:
        score, words = krutidev_score(lines[i]), len(lines[i].split())
        alone = looks_like_krutidev(lines[i]) or (words > 1 and score >= THRESHOLD)
        if alone or (together and (score > 0 or words < 2)):
            found.add(i)
    return found


def _style_marks(line: str) -> list[tuple[int, int]]:
    """Where WhatsApp's *bold*, _italic_, ~strike~ and ```mono``` marks are."""
    spans = []
    for pattern, _opening, _closing in WA_STYLES:
        for m in pattern.finditer(line):
            spans += [(m.start(), m.start(1)), (m.end(1), m.end())]
    return sorted(spans)


def krutidev_line(line: str) -> str:
    """A Kruti Dev line as Unicode, its WhatsApp marks kept: they are read
    before the text is converted (in Kruti Dev '*' is a letter, ’).
    """
    lead = LEAD_MARK_RE.match(line)
    pos = lead.end() if lead else 0
    out = [line[:pos]]
    for start, end in _style_marks(line):
        if start < pos:
            continue
        out += [convert_inline(line[pos:start]), line[start:end]]
        pos = end
    out.append(convert_inline(line[pos:]))
    return normalize("".join(out))


def parse_message(text: str, rules: Rules) -> Parts:
    """Headline, Markdown body and reporter of one WhatsApp message."""
    lines, pasted_again = once(normalize(text).split("\n"), rules)
    kruti = krutidev_lines(lines, rules)
    for i in kruti:
        lines[i] = krutidev_line(lines[i])
    krutidev = bool(kruti)
    cleaned = clean_lines(lines, rules)
    labels = [ln for ln in cleaned.lines if is_label(ln, rules)]
    lines = [ln for ln in cleaned.lines if not is_label(ln, rules)]
    index, title, suffix = _headline(lines, rules)
    title_guessed = index is None or not title
    headline = []
    if index is None or not title:
        title = first_sentence_title(lines, rules)
    else:
        headline = [lines.pop(index)]
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
    body = whatsapp_to_markdown(lines)
    # a photo's caption alone: the line is the headline and the text
    only_headline = not body.strip() and bool(headline)
    return Parts(
        title=title,
        body=whatsapp_to_markdown(headline) if only_headline else body,
        reporter=reporter,
        krutidev=krutidev,
        title_guessed=title_guessed,
        labels="\n".join(clean_title(ln) for ln in labels),
        pasted_again=pasted_again,
        only_headline=only_headline,
    )

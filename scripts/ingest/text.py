"""Pure text rules shared by every kind of source.

Cleaning (drop patterns, shortcodes, bylines), WhatsApp formatting to
Markdown, titles without emoji, summaries cut at a word, and the station and
category guesses from the registries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from plugins.core.header import BAD_CHAR_RE, char_name
from plugins.press_notes.forwards import (
    WA_BOLD,
    WA_ITALIC,
    WA_STRIKE,
    strip_shortcodes,
)

from .rules import Rules

INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"))
SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u3000"), " ")
# The Unicode line and paragraph separators are line breaks.
SEPARATORS = dict.fromkeys(map(ord, "\u2028\u2029"), "\n")
# A terminal's colour or cursor code (ESC [ … letter), taken out whole.
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# Emoji and other pictographs: kept in the body, never in a title or slug.
EMOJI_EXTRA = frozenset("\ufe0e\ufe0f\u200d\u20e3")


def normalize(text: str) -> str:
    """NFC, LF line ends, no direction marks, no-break spaces as spaces, and
    none of the characters a note may not hold (the check's own list,
    plugins.core.header.BAD_CHAR_RE: controls, bidi overrides and isolates).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(SEPARATORS)
    text = ANSI_RE.sub("", text)
    text = BAD_CHAR_RE.sub("", text.translate(INVISIBLE).translate(SPACES))
    return unicodedata.normalize("NFC", text)


HIDDEN_NAMES_SHOWN = 3


def hidden_characters(text: str) -> str:
    """The characters `normalize` takes out of a text that a reporter could
    not see (controls, bidi overrides), named; '' if none. Line ends and
    the direction marks every iOS export holds are not counted.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(SEPARATORS)
    names = list(dict.fromkeys(char_name(c) for c in BAD_CHAR_RE.findall(text)))
    shown = ", ".join(names[:HIDDEN_NAMES_SHOWN])
    return shown + (", …" if len(names) > HIDDEN_NAMES_SHOWN else "")


def printable(text: str) -> str:
    """`text` safe to print on a terminal: a control character or bidi
    override (say, in a file's name) is written as its Python escape, the
    four characters backslash, x, 1, b for ESC.
    """
    return BAD_CHAR_RE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def is_emoji(ch: str) -> bool:
    return (
        ch in EMOJI_EXTRA
        or unicodedata.category(ch) in ("So", "Sk", "Cs", "Co")
        or 0x1F1E6 <= ord(ch) <= 0x1F1FF
    )


def strip_emoji(text: str) -> str:
    return " ".join("".join(c for c in text if not is_emoji(c)).split())


# WhatsApp's marks around words: (pattern, Markdown opening, closing); the
# first, ```mono```, is read before the others (what is inside is shown as is).
# The patterns are the check's (a forward pasted into a note is warned about).
WA_STYLES = (
    (re.compile(r"```(.+?)```"), "`", "`"),
    (WA_BOLD, "**", "**"),
    (WA_ITALIC, "*", "*"),
    (WA_STRIKE, "<del>", "</del>"),
)
LIST_RE = re.compile(r"^(?:[-*•]\s+)(?P<item>.+)$")
NUMBERED_RE = re.compile(r"^(?P<n>\d{1,3})[.)]\s+(?P<item>.+)$")
QUOTE_RE = re.compile(r"^>\s?(?P<item>.*)$")
LEADING_HASH_RE = re.compile(r"^#")
FENCE = "```"


# What Markdown would read as markup in text: a tag's start, an entity.
TAG_START_RE = re.compile(r"<(?=[A-Za-z/!?])")
ENTITY_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
MONO_RE = re.compile(r"(```.+?```)")


def escape_markup(text: str) -> str:
    """Text as Markdown that shows it as written: '<b>' or '&lt;' typed in
    a message (or decoded from a page's text) stays those characters, never
    a tag or an entity.
    """
    return TAG_START_RE.sub("&lt;", ENTITY_RE.sub("&amp;", text))


# A web address in a message; what ends a sentence after it is not part of it.
WEB_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]।]")
WA_MARKS = "*_~"
AUTOLINK_RE = re.compile(r"<(?:https?://|www\.)[^>\s]*>")


HELD = "\ue020%d\ue021"
HELD_RE = re.compile("\ue020(\\d+)\ue021")
# Markdown's emphasis marks and a backslash before punctuation, as text.
EMPHASIS_RE = re.compile(r"([*_]|\\(?=[!-/:-@\[-`{-~]))")


def escape_text(text: str) -> str:
    """Plain text as Markdown that shows it as written: no tag, entity or
    emphasis ('थाना_प्रभारी_ ने' is not italic on the page).
    """
    return EMPHASIS_RE.sub(r"\\\1", escape_markup(text))


def inline_markdown(line: str) -> str:
    """WhatsApp's *bold*, _italic_, ~strike~ and ```mono``` as Markdown;
    every other character is text (escape_text; ```mono``` is shown as
    is). A web address is kept whole, as a Markdown link (<https://…>):
    its '_' or '*' are neither WhatsApp's marks nor Markdown's.
    """
    held: list[str] = []

    def hold(text: str) -> str:
        held.append(text)
        return HELD % (len(held) - 1)

    def address(m: re.Match) -> str:
        if m.string[max(m.start() - 2, 0) : m.start()] == "](":
            return hold(m.group())  # a link typed in Markdown: its target
        url, before, tail = m.group(), m.string[m.start() - 1 : m.start()], ""
        # '_https://…_': the closing mark is WhatsApp's, not the address's
        while before and before in WA_MARKS and url.endswith(before):
            url, tail = url[:-1], tail + before
        return hold(_autolink(url)) + tail

    def styled(opening: str, closing: str) -> Callable[[re.Match], str]:
        return lambda m: hold(opening) + m.group(1) + hold(closing)

    (mono, *_open_close), *styles = WA_STYLES
    out = []
    for i, part in enumerate(MONO_RE.split(line)):
        if i % 2:
            out.append(hold(mono.sub(r"`\1`", part)))
            continue
        part = WEB_URL_RE.sub(address, part)
        for pattern, opening, closing in styles:
            part = pattern.sub(styled(opening, closing), part)
        out.append(escape_text(part))
    line = "".join(out)
    while HELD_RE.search(line):
        line = HELD_RE.sub(lambda m: held[int(m.group(1))], line)
    # '#रतलाम' at a line start would be a Markdown heading.
    return LEADING_HASH_RE.sub(r"\\#", line)


def _autolink(url: str) -> str:
    return f"<{url}>" if url.startswith("http") else f"<https://{url}>"


def _line_block(line: str) -> tuple[str, str]:
    """(kind, Markdown) of one line: 'list', 'numbered', 'quote' or 'text'."""
    if m := LIST_RE.match(line):
        return "list", f"- {inline_markdown(m['item'])}"
    if m := NUMBERED_RE.match(line):
        return "numbered", f"{m['n']}. {inline_markdown(m['item'])}"
    if m := QUOTE_RE.match(line):
        return "quote", f"> {inline_markdown(m['item'])}".rstrip()
    return "text", inline_markdown(line)


def _fences(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """The lines cut into runs outside and inside ``` blocks spanning lines."""
    runs: list[tuple[bool, list[str]]] = [(False, [])]
    for raw in lines:
        line = raw.strip()
        inside = runs[-1][0]
        if not inside and line.startswith(FENCE) and line.count(FENCE) == 1:
            runs.append((True, [line[len(FENCE) :]] if line[len(FENCE) :] else []))
        elif inside and line.endswith(FENCE):
            if line[: -len(FENCE)]:
                runs[-1][1].append(line[: -len(FENCE)])
            runs.append((False, []))
        else:
            runs[-1][1].append(raw if inside else line)
    return runs


def whatsapp_to_markdown(lines: list[str]) -> str:
    """Lines of a WhatsApp message as Markdown blocks.

    Each line is a paragraph (WhatsApp shows every line break); runs of list
    items and quote lines stay together; a ``` block spanning lines becomes a
    fenced code block.
    """
    blocks: list[str] = []
    for inside, run in _fences(lines):
        if inside:
            blocks.append("\n".join([FENCE, *run, FENCE]))
            continue
        kind, current = "", list[str]()
        for line in [*run, ""]:
            new_kind, item = _line_block(line) if line else ("", "")
            if current and (new_kind != kind or kind == "text"):
                joiner = "\n>\n" if kind == "quote" else "\n"
                blocks.append(joiner.join(current))
                current = []
            kind = new_kind
            if item:
                current.append(item)
    return "\n\n".join(b for b in blocks if b.strip())


# --- cleaning -----------------------------------------------------------


@dataclass
class Cleaned:
    lines: list[str]
    reporter: str = ""
    dropped: list[str] = field(default_factory=list)


BYLINE_SEP_RE = re.compile(r"^[\s:：\-–—]+")
STARS_RE = re.compile(r"^[*_~]+|[*_~]+$")
NAME_MAX_WORDS = 5
SENTENCE_END_RE = re.compile(r"[।.!?]\s*$")


# A phone number in a byline ('मो. 98765 43210'): it and what follows it
# are not the name, and are never published.
PHONE_IN_NAME_RE = re.compile(
    r"[\s,(]*(?:मो(?:बाइल)?\.?|mob(?:ile)?\.?|फ़ोन|फोन|phone|ph\.?)?\s*[:：-]?\s*"
    r"(?:\+?91[\s-]?)?\d[\d\s-]{5,}\d",
    re.IGNORECASE,
)
TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def _name(text: str) -> str:
    text = STARS_RE.sub("", BYLINE_SEP_RE.sub("", text.strip())).strip()
    return person_name(text)


def person_name(text: str) -> str:
    """A name as a byline prints it: no tags, emoji, phone number (nor what
    follows it) or WhatsApp's '~' before a name it does not know.
    """
    text = strip_emoji(TAG_RE.sub("", normalize(text)))
    if m := PHONE_IN_NAME_RE.search(text):
        text = text[: m.start()]
    return " ".join(text.split()).strip(" ,.।-–—*_~()")


def byline_name(line: str, rules: Rules) -> str:
    """The reporter's name if `line` is a byline ('रिपोर्ट …', '✍️ …'), else ''."""
    bare = STARS_RE.sub("", line.strip()).strip()
    for prefix in rules.byline_prefixes:
        if not bare.lower().startswith(prefix.lower()):
            continue
        rest = bare[len(prefix) :]
        if prefix[-1].isalpha() and rest[:1].isalnum():
            continue  # 'रिपोर्टों' is a word, not a byline
        name = _name(rest)
        if name and len(name.split()) <= NAME_MAX_WORDS:
            return name
    return ""


def closing_name(line: str) -> str:
    """'- मनोहर मालवीय' as a message's last line: the reporter's name, else ''."""
    bare = line.strip()
    if not bare.startswith(("-", "–", "—")) or bare.startswith("--"):
        return ""
    name = _name(bare)
    if not name or len(name.split()) > NAME_MAX_WORDS or SENTENCE_END_RE.search(name):
        return ""
    return name


def should_drop(line: str, rules: Rules) -> bool:
    return any(p.search(line) for p in rules.drop_lines)


def clean_lines(lines: list[str], rules: Rules, closing: bool = True) -> Cleaned:
    """Drop boilerplate lines and shortcodes; take the byline out as reporter.

    With `closing`, a last line '- name' (not part of a list) is a byline too
    (WhatsApp messages; in Markdown it is a list item).
    """
    out = Cleaned(lines=[])
    for line in lines:
        text = strip_shortcodes(line, rules.shortcode)
        if text.strip() != line.strip() and not text.strip():
            out.dropped.append(line)
            continue
        if should_drop(text, rules):
            out.dropped.append(line)
            continue
        if not out.reporter and (name := byline_name(text, rules)):
            out.reporter = name
            continue
        out.lines.append(text)
    # '- name' closing the message
    last = next(
        (i for i in range(len(out.lines) - 1, -1, -1) if out.lines[i].strip()), None
    )
    before = out.lines[last - 1].strip() if last else ""
    if (
        closing
        and last is not None
        and not out.reporter
        and not LIST_RE.match(before)
        and (name := closing_name(out.lines[last]))
    ):
        out.reporter = name
        del out.lines[last]
    return out


def dateline_reporter(line: str, rules: Rules) -> tuple[str, str]:
    """'रतलाम (मनोहर मालवीय) …' -> ('रतलाम …', 'मनोहर मालवीय'); else (line, '')."""
    m = rules.dateline.match(line)
    if not m:
        return line, ""
    paren = re.search(r"\(([^)]{2,40})\)", m.group(0))
    if not paren:
        return line, ""
    name = _name(paren.group(1))
    rest = line[: m.start() + paren.start()].rstrip() + line[m.start() + paren.end() :]
    return rest, name


# --- title and summary --------------------------------------------------

MD_PLAIN = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<del>.*?</del>", re.DOTALL), ""),
    (re.compile(r"(\*\*|__|\*|~~|`)"), ""),
    (re.compile(r"^\s*(?:>|#{1,6}|[-+]|\d{1,3}\.)\s+", re.MULTILINE), ""),
)
SENTENCE_RE = re.compile(r".+?(?:[।!?]+|\.(?=\s|$))(?=\s|$)|.+$", re.DOTALL)


ESCAPED_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
CODE_RE = re.compile(r"`([^`\n]+)`")


def escape_emphasis(text: str) -> str:
    """Plain text (a summary) as Markdown that shows it as written: '_' and
    '*' escaped (a web address in it is text, not a link).
    """
    return EMPHASIS_RE.sub(r"\\\1", text)


def plain_text(markdown: str) -> str:
    """Markdown's text without its marks; an escaped character (a
    backslash before '_') is the character itself.
    """
    escaped: list[str] = []

    def hold_text(text: str) -> str:
        escaped.append(text)
        return HELD % (len(escaped) - 1)

    def hold(m: re.Match) -> str:
        return hold_text(m.group(1))

    markdown = ESCAPED_RE.sub(hold, markdown)
    # a web address (without the <> of a Markdown link) and code as written
    markdown = AUTOLINK_RE.sub(lambda m: hold_text(m.group()[1:-1]), markdown)
    markdown = CODE_RE.sub(lambda m: hold_text(m.group(1)), markdown)
    for pattern, repl in MD_PLAIN:
        markdown = pattern.sub(repl, markdown)
    markdown = HELD_RE.sub(lambda m: escaped[int(m.group(1))], markdown)
    return " ".join(markdown.split())


def clean_title(text: str) -> str:
    """A headline as plain words: no WhatsApp or Markdown marks, no tags, no
    web address, no emoji, no closing danda.
    """
    text = WEB_URL_RE.sub(" ", AUTOLINK_RE.sub(" ", TAG_RE.sub(" ", text)))
    for pattern, _opening, _closing in WA_STYLES:
        text = pattern.sub(r"\1", text)
    text = plain_text(STARS_RE.sub("", text.strip()))
    # a headline ends without a full stop (।)
    return strip_emoji(text).strip(" *_~-–—|:").rstrip(" ।")


def cut_at_word(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters (with …)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


BLOCK_START_RE = re.compile(r"^\s*(?:#{1,6}\s|[-+*]\s|\d{1,3}\.\s|>)")


def lead(markdown: str) -> str:
    """The paragraphs before the first heading, list or quote."""
    blocks = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        if BLOCK_START_RE.match(block):
            break
        blocks.append(block)
    return "\n\n".join(blocks) or markdown


# A date after a dateline's place: "27 नवंबर", "दिनांक 24/11/2026", ended
# by a danda, comma or dash ("रतलाम, 27 नवंबर। …"); a date the sentence
# goes on from ("दिनांक 24/11/2026 को …") is kept.
MONTHS = (
    "जनवरी|फरवरी|फ़रवरी|मार्च|अप्रैल|अप्रेल|मई|जून|जुलाई|अगस्त|सितंबर|सितम्बर|"
    "अक्टूबर|अक्तूबर|नवंबर|नवम्बर|दिसंबर|दिसम्बर"
)
DAY = r"[0-9०-९]{1,2}"
DATELINE_DATE_RE = re.compile(
    rf"^\s*(?:दिनांक\s*)?(?:{DAY}\s*(?:{MONTHS})(?:\s*,?\s*[0-9०-९]{{4}})?"
    rf"|{DAY}\s*[/.-]\s*{DAY}\s*[/.-]\s*[0-9०-९]{{2,4}})\s*[।,:–—-]\s*"
)


def without_dateline(text: str, dateline: re.Pattern | None) -> str:
    """The text without a leading dateline: its place ("रतलाम,", the
    headline's rule) and a date after it ("27 नवंबर।").
    """
    m = dateline.match(text) if dateline else None
    if not m:
        return text
    rest = text[m.end() :]
    rest = DATELINE_DATE_RE.sub("", rest, count=1)
    return rest.lstrip(" ,।-–—:") or text


def make_summary(
    markdown: str, limit: int = 300, dateline: re.Pattern | None = None
) -> str:
    """The first sentence(s) of the text's lead, within `limit` characters;
    with `dateline` (the rules'), a leading dateline is left out.
    """
    text = without_dateline(plain_text(lead(markdown)), dateline)
    summary = ""
    for sentence in SENTENCE_RE.findall(text):
        candidate = f"{summary} {sentence.strip()}".strip()
        if len(candidate) > limit:
            break
        summary = candidate
    return summary or cut_at_word(text, limit)


def word_count(text: str) -> int:
    return len(re.findall(r"[^\W\d_][\w\u0900-\u097f]*", text))


# --- guesses from the registries ----------------------------------------

THANA_WORD_RE = re.compile(r"^\s*(?:थाना|थाने|थानें|पुलिस|थाना क्षेत्र)")


def _occurrences(text: str, name: str) -> list[int]:
    """Start offsets of `name` as whole words in `text`."""
    pattern = re.compile(
        r"(?<![\w\u0900-\u097f])" + re.escape(name) + r"(?![\w\u0900-\u097f])"
    )
    return [m.start() for m in pattern.finditer(text)]


def guess_thana(title: str, body: str, rules: Rules) -> str:
    """The station named in the text, by its registry names and aliases.

    Longer names win over the shorter names inside them ('स्टेशन रोड रतलाम'
    over 'रतलाम'); a name in the title counts three, one followed by थाना /
    थाने / पुलिस two, elsewhere one. The top station must lead strictly.
    """
    registry = rules.registry
    names = sorted(registry.thana_by_name, key=len, reverse=True)
    scores: dict[str, int] = {}
    for text, base in ((title, 3), (body, 1)):
        taken: list[tuple[int, int]] = []
        for name in names:
            for start in _occurrences(text, name):
                end = start + len(name)
                if any(s < end and start < e for s, e in taken):
                    continue
                taken.append((start, end))
                weight = base + (1 if THANA_WORD_RE.match(text[end:]) else 0)
                thana = registry.thana_by_name[name].name
                scores[thana] = scores.get(thana, 0) + weight
    return _leader(scores)


def guess_category(title: str, body: str, rules: Rules) -> str:
    """The category whose keywords (categories.toml) occur most; title counts twice."""
    scores: dict[str, int] = {}
    for name, keywords in rules.category_keywords.items():
        if name not in rules.registry.category_by_name:
            continue
        score = sum(2 * title.count(k) + body.count(k) for k in keywords if k)
        if score:
            scores[name] = score
    return _leader(scores)


def _leader(scores: dict[str, int]) -> str:
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return ""
    return ranked[0][0]

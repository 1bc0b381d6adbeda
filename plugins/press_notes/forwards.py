"""A WhatsApp forward pasted whole into a note: what `invoke ingest` would
have cleaned up, found in a note's text so the check can warn about it.

The markers are ingest's own: the lines it drops (``drop_lines`` of
content/registry/ingest.toml: "Forwarded", share prompts, invite links,
phone numbers), the shortcodes of a copied web page (``shortcode``:
`[responsive-slider id=1466]`, which ingest removes) and WhatsApp's
*bold*, _italic_ and ~strike~ marks, which scripts/ingest turns into
Markdown with the patterns defined here. A list numbered with emoji (1️⃣
2️⃣) on single lines is joined into one paragraph by Markdown; ingest makes
each line a paragraph.

Not an error: the note still builds, but the page shows the clutter.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from plugins.core.errors import Problem
from plugins.core.header import Header
from plugins.core.messages import _

# Where ingest's rules live under content/ (the INGEST setting's "rules").
INGEST_RULES = "registry/ingest.toml"

# WhatsApp's marks around words, as WhatsApp reads them: a mark after a
# space (or a bracket or quote), text not starting or ending with a space,
# the same mark before a space or punctuation.
_AROUND = (
    r"(?<![^\s(\[\"'“‘]){m}(?=[^\s{m}])([^{m}\n]*?[^\s{m}]){m}"
    r"(?![^\s).,!?:;।|\]\"'”’–-])"
)
WA_BOLD = re.compile(_AROUND.format(m=r"\*"))
WA_ITALIC = re.compile(_AROUND.format(m="_"))
WA_STRIKE = re.compile(_AROUND.format(m="~"))
WA_MARKS = (WA_BOLD, WA_ITALIC, WA_STRIKE)
# A line starting with a keycap emoji: 1️⃣ (digit, variation selector,
# combining keycap) or 🔟.
EMOJI_NUMBER_RE = re.compile("^\\s*(?:[0-9#*]\ufe0f?\u20e3|\U0001f51f)")
FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
MARK_CHARS = re.compile(r"[*_~]")
# The longest line looked at for what ingest drops: share prompts, invite
# links, "Forwarded" and donation pleas are a line of their own, shorter
# than this; the news paragraphs of the shipped notes are 300-800 characters.
CLUTTER_MAX_CHARS = 200


def compile_patterns(patterns: Iterable[str]) -> tuple[re.Pattern, ...]:
    """ingest.toml's patterns as ingest matches them: NFC, any case."""
    return tuple(
        re.compile(unicodedata.normalize("NFC", p), re.IGNORECASE) for p in patterns
    )


def drop_lines(data: dict) -> tuple[re.Pattern, ...]:
    """The lines ingest drops, from parsed ingest.toml data."""
    return compile_patterns(data.get("drop_lines", []))


def shortcode(data: dict) -> re.Pattern | None:
    """A website's shortcode as ingest removes it, from parsed ingest.toml
    data (None if the rules name none).
    """
    pattern = data.get("shortcode")
    return re.compile(pattern) if pattern else None


# WordPress's own shortcodes; a plugin's carry a hyphen or an underscore
# ([responsive-slider id=1466], [vc_row]) or attributes. A bracketed word
# in the news ([sic], [at], a task list's [x]) has none of these.
WORDPRESS_CODES = frozenset(
    {"caption", "gallery", "embed", "video", "audio", "playlist", "wp"}
)
CODE_NAME = re.compile(r"\[/?([A-Za-z][\w-]*)")


def shortcodes(line: str, pattern: re.Pattern) -> list[re.Match]:
    """The shortcodes `pattern` finds in `line` that are a website's: a
    closing one, one with attributes, a plugin's (a hyphen or underscore in
    its name) or WordPress's own; not a reference link's label or
    definition (`[text][list]`, `[list]: …`), nor one inside a code span.
    """
    found = []
    for match in pattern.finditer(line):
        text, start, end = match.group(0), match.start(), match.end()
        name = CODE_NAME.match(text)
        if (
            name is None
            or line[start - 1 : start] == "]"
            or line[end : end + 1] in ("[", ":")
        ):
            continue
        if line[:start].count("`") % 2:
            continue
        word = name.group(1).lower()
        if (
            text.startswith("[/")
            or "=" in text
            or "-" in word
            or "_" in word
            or word in WORDPRESS_CODES
        ):
            found.append(match)
    return found


def strip_shortcodes(text: str, pattern: re.Pattern) -> str:
    """`text` without the website's shortcodes in it (see `shortcodes`)."""
    for match in reversed(shortcodes(text, pattern)):
        text = text[: match.start()] + text[match.end() :]
    return text


@dataclass(frozen=True)
class Clutter:
    """What ingest's rules take out of a forward or a copied page."""

    drops: tuple[re.Pattern, ...] = ()
    shortcode: re.Pattern | None = None


def read_clutter(path: Path) -> Clutter:
    """What ingest takes out, from its rules file (nothing if it is missing)."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return Clutter()
    return Clutter(drop_lines(data), shortcode(data))


def rules_path(settings: dict) -> str:
    """ingest.toml's path under content/, as `invoke ingest` reads it."""
    return (settings.get("INGEST") or {}).get("rules", INGEST_RULES)


def text_lines(header: Header) -> list[tuple[int, str]]:
    """(line number, line) of the text outside fenced code blocks."""
    lines, inside = [], False
    for offset, line in enumerate(header.body.split("\n")):
        if FENCE_RE.match(line):
            inside = not inside
        elif not inside:
            lines.append((header.body_line + offset, line))
    return lines


def forward_warnings(path: str, header: Header, clutter: Clutter) -> list[Problem]:
    """Each line of the text that a pasted WhatsApp forward or web page
    left: a line ingest drops, a shortcode, WhatsApp's marks, an
    emoji-numbered list on single lines.
    """
    drops = clutter.drops
    warnings: list[Problem] = []
    # A note ingest wrote (it names its source) holds Markdown that ingest
    # made of WhatsApp's marks: its *italics* are meant.
    marks = () if header.value("source") else WA_MARKS
    for number, line in text_lines(header):
        text = line.strip()
        # what a forward adds is a short line; a paragraph of news is not
        # searched for it (a fifth of a note's check time went to that)
        short = len(text) <= CLUTTER_MAX_CHARS
        if short:
            text = unicodedata.normalize("NFC", text)
        if short and text and any(p.search(text) for p in drops):
            warnings.append(
                Problem(
                    path,
                    number,
                    None,
                    _(
                        "'%(text)s' is left from a WhatsApp forward (a share "
                        "prompt, 'Forwarded', an invite link or a phone "
                        "number), not part of the news, and would be published; "
                        "delete the line, or save the forward as a .txt file "
                        "and import it with .venv/bin/invoke ingest FILE, which "
                        "drops such lines",
                        text=text,
                    ),
                )
            )
        elif clutter.shortcode and (
            codes := [m.group(0) for m in shortcodes(text, clutter.shortcode)]
        ):
            warnings.append(
                Problem(
                    path,
                    number,
                    None,
                    _(
                        "%(codes)s is a website's code, left from a copied web "
                        "page, and would be shown on the page as it is; delete "
                        "it (.venv/bin/invoke ingest FILE removes such codes "
                        "from a saved page)",
                        codes=", ".join(codes),
                    ),
                )
            )
        elif MARK_CHARS.search(text) and (
            found := [m.group(0) for p in marks for m in p.finditer(text)]
        ):
            warnings.append(
                Problem(
                    path,
                    number,
                    None,
                    _(
                        "%(marks)s: WhatsApp's marks are shown differently on "
                        "the page (*bold* comes out in italics, ~strike~ keeps "
                        "its tildes); write **bold** for bold, or save the "
                        "forward as a .txt file and import it with "
                        ".venv/bin/invoke ingest FILE, which turns them into "
                        "the page's own",
                        marks=", ".join(found),
                    ),
                )
            )
    warnings += emoji_list_warnings(path, header)
    return sorted(warnings, key=Problem.sort_key)


def emoji_list_warnings(path: str, header: Header) -> list[Problem]:
    """A run of lines numbered with emoji, each right under the line before:
    Markdown joins them into one paragraph. One warning, at the run's start.
    """
    warnings = []
    run: list[int] = []
    for number, line in [*text_lines(header), (0, "")]:
        if EMOJI_NUMBER_RE.match(line) and run and number == run[-1] + 1:
            run.append(number)
            continue
        if len(run) > 1:
            warnings.append(
                Problem(
                    path,
                    run[0],
                    None,
                    _(
                        "lines %(first)s–%(last)s, numbered with emoji (1️⃣ "
                        "2️⃣ …), run together into one paragraph on the page; "
                        "leave a blank line between them, or save the forward "
                        "as a .txt file and import it with .venv/bin/invoke "
                        "ingest FILE",
                        first=run[0],
                        last=run[-1],
                    ),
                )
            )
        run = [number] if EMOJI_NUMBER_RE.match(line) else []
    return warnings

r"""Read a note's metadata header with line numbers.

The header follows the rules of Python-Markdown's `meta` extension, which
Pelican uses to read the same file: `key: value` lines at the top, optional
`---` fences, indented continuation lines, ending at the first blank line.
This reader points error messages at the right line; the Kruti Dev
converter uses the same rules to tell the header from the text.

Lines are split as Python-Markdown splits them (\r\n and \r become \n,
then \n only; tabs expanded to 4 spaces), never with str.splitlines(), which
also breaks on \v \f \x1c-\x1e \x85 U+2028 U+2029: the checks must see
exactly the fields Pelican reads. Those characters, and every control
character but tab, are refused in a note (`bad_characters`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

META_RE = re.compile(r"^(?P<prefix>[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*)(?P<value>.*)")
META_MORE_RE = re.compile(r"^(?P<indent>[ ]{4,})(?P<value>.*)")
BEGIN_RE = re.compile(r"^-{3}(\s.*)?")
END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")


@dataclass
class Field:
    values: list[str]
    line: int
    # Lines of indented continuations (Pelican joins them only for formatted
    # fields such as summary; any other field gets a list, or its first line).
    continued: list[int] = field(default_factory=list)


@dataclass
class Header:
    fields: dict[str, Field] = field(default_factory=dict)
    repeated: list[tuple[str, int]] = field(default_factory=list)
    body: str = ""
    body_line: int = 1
    # A line inside the header that is neither `key: value`, an indented
    # continuation, a blank line nor a fence: Markdown ends the header there
    # and every field below it becomes text (a title wrapped onto a line).
    stray_line: int | None = None

    def value(self, key: str) -> str:
        """The field's text, NFC-normalized (keyboards differ on nukta letters)."""
        f = self.fields.get(key)
        text = " ".join(v for v in f.values if v).strip() if f else ""
        return unicodedata.normalize("NFC", text)

    def line(self, key: str) -> int | None:
        f = self.fields.get(key)
        return f.line if f else None


# Characters no field or text may hold: C0/C1 controls but tab (\n ends a
# line), the Unicode line and paragraph separators, surrogates,
# non-characters, and the bidi embeddings/overrides/isolates that reorder
# what a reader sees. Zero-width joiners (used in Hindi) and the RLM/LRM
# marks are allowed.
BAD_CHAR_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def split_lines(text: str) -> list[str]:
    """The lines of a note as Python-Markdown (and so Pelican) sees them."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def char_name(ch: str) -> str:
    """U+XXXX and the character's Unicode name, for a message."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def bad_characters(text: str) -> list[tuple[int, str]]:
    """(line number, description) of each line holding a refused character."""
    found = []
    for number, line in enumerate(split_lines(text), start=1):
        m = BAD_CHAR_RE.search(line)
        if m:
            found.append((number, char_name(m.group())))
    return found


def scan_header(text: str) -> Header:
    """Split a note into its metadata fields (with line numbers) and body."""
    lines = split_lines(text)
    header = Header()
    i = 0
    if lines and BEGIN_RE.match(lines[0]):
        i = 1
    key = None
    while i < len(lines):
        line = lines[i].expandtabs(4)
        if line.strip() == "" or END_RE.match(line):
            i += 1
            break
        m = META_RE.match(line)
        if m:
            key = m.group("key").lower()
            if key in header.fields:
                header.repeated.append((key, i + 1))
                header.fields[key].values.append(m.group("value").strip())
            else:
                header.fields[key] = Field([m.group("value").strip()], i + 1)
        else:
            more = META_MORE_RE.match(line)
            if not (more and key):
                header.stray_line = i + 1
                break
            header.fields[key].values.append(more.group("value").strip())
            header.fields[key].continued.append(i + 1)
        i += 1
    header.body = "\n".join(lines[i:])
    header.body_line = i + 1
    return header

"""Read a note's metadata header with line numbers.

The header follows the rules of Python-Markdown's `meta` extension, which
Pelican uses to read the same file: `key: value` lines at the top, optional
`---` fences, indented continuation lines, ending at the first blank line.
This reader points error messages at the right line; the Kruti Dev
converter uses the same rules to tell the header from the text.
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


@dataclass
class Header:
    fields: dict[str, Field] = field(default_factory=dict)
    repeated: list[tuple[str, int]] = field(default_factory=list)
    body: str = ""
    body_line: int = 1

    def value(self, key: str) -> str:
        """The field's text, NFC-normalized (keyboards differ on nukta letters)."""
        f = self.fields.get(key)
        text = " ".join(v for v in f.values if v).strip() if f else ""
        return unicodedata.normalize("NFC", text)

    def line(self, key: str) -> int | None:
        f = self.fields.get(key)
        return f.line if f else None


def scan_header(text: str) -> Header:
    """Split a note into its metadata fields (with line numbers) and body."""
    lines = text.lstrip("\ufeff").splitlines()
    header = Header()
    i = 0
    if lines and BEGIN_RE.match(lines[0]):
        i = 1
    key = None
    while i < len(lines):
        line = lines[i]
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
                break
            header.fields[key].values.append(more.group("value").strip())
        i += 1
    header.body = "\n".join(lines[i:])
    header.body_line = i + 1
    return header

"""Pelican's Markdown reader, with raw HTML sanitized and a warning per file."""

from __future__ import annotations

import logging
import re

from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime, pelican_open

from plugins.core.errors import display_path
from plugins.core.files import stamp
from plugins.core.messages import _
from plugins.core.packed import is_packed, unsqueeze_known
from plugins.hindi_text.reading import count_words

from .model import plain_text
from .sanitize import find_unsafe, sanitize_html
from .validate import ascii_date

logger = logging.getLogger(__name__)

# The priority Python-Markdown's meta extension registers its preprocessor
# with (markdown/extensions/meta.py); Pelican deregisters it on each read.
META = "meta"
META_PRIORITY = 27

# One line that Markdown makes one paragraph of, as it is: a letter first
# (not a list's number, a heading's #, a quote's >...), then letters, marks,
# digits, spaces and punctuation that is no Markdown or HTML syntax (no *,
# _, `, [, <, &, \\, {, |, ~...). A note's summary mostly is one.
# (Possessive: a line that is not one is refused in one pass, not tried
# every way its letters divide between the two classes.)
PLAIN_LINE = re.compile(
    r"[^\W\d_](?:[^\W_]|[\u0900-\u097f ,.?!()'\":;/%₹"
    r"\u2013\u2014\u2018\u2019\u201c\u201d-])*+"
)


# Python-Markdown's inline patterns (its own and the extra extension's, as
# markdown 3.11 writes them) with the characters one of which every match
# holds: the regex names it in each of its ways to match (a lookahead
# included: backtick's run of backslashes is matched only before a `). A
# text holding none of them (most of a Hindi note's paragraphs) is not
# searched by the pattern: a note's Markdown read in about three quarters
# of the time, the same HTML (tests/test_reader_markdown.py compares it
# with Markdown's own). A pattern not named here is searched as it is.
INLINE_NEEDS = {
    "backtick": "`",
    "escape": "\\",
    "footnote": "[",
    "reference": "[",
    "link": "[",
    "image_link": "[",
    "image_reference": "[",
    "short_reference": "[",
    "short_image_ref": "[",
    "autolink": "<",
    "automail": "<",
    "linebreak": "\n",
    "html": "<",
    "entity": "&",
    "em_strong": "*_",
}


class Gated:
    """A pattern's compiled regex, searched (finditer, which Markdown's
    inline processor calls) only in a text that holds one of `needs`; its
    other uses go to the regex as they are.
    """

    __slots__ = ("compiled", "needs")

    def __init__(self, compiled: re.Pattern, needs: str) -> None:
        self.compiled = compiled
        self.needs = needs

    def finditer(self, data: str, pos: int = 0):
        for char in self.needs:
            if char in data:
                return self.compiled.finditer(data, pos)
        return iter(())

    def __getattr__(self, name: str):
        # (not its own slots, which a copy asks before they are filled)
        if name in Gated.__slots__ or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __reduce__(self):
        return Gated, (self.compiled, self.needs)


def gate_inline(md: Markdown) -> None:
    """Gate each of `md`'s inline patterns INLINE_NEEDS names (once)."""
    for name, needs in INLINE_NEEDS.items():
        if name in md.inlinePatterns:
            pattern = md.inlinePatterns[name]
            if not isinstance(pattern.compiled_re, Gated):
                pattern.compiled_re = Gated(pattern.compiled_re, needs)


class PlainMarkdown(Markdown):
    """Markdown that gives a PLAIN_LINE its paragraph without parsing it
    (the same HTML; a summary's line 62 µs → 3.4 µs, the reset included),
    when it reads no metadata (Pelican converts a note's summary so; with
    the meta extension, a line such as "Thana: Bilpank" is a field); its
    inline patterns gated (INLINE_NEEDS).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        gate_inline(self)

    def convert(self, source: str) -> str:
        if META not in self.preprocessors and PLAIN_LINE.fullmatch(source):
            return f"<p>{source}</p>"
        return super().convert(source)


# A date as notes write it (ASCII digits), seconds or not.
PLAIN_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
)


def plain_date(value: str) -> SafeDatetime | None:
    """`value` as Pelican's get_date reads it (dateutil: the fields
    written, the rest of the day's start, no time zone) when it is a
    PLAIN_DATE of a real day and time, made without dateutil (some 60 µs a
    date); None otherwise (Pelican reads it, or says why it cannot).
    """
    found = PLAIN_DATE.fullmatch(value)
    if found is None:
        return None
    try:
        return SafeDatetime(*(int(part or 0) for part in found.groups()))
    except ValueError:
        return None


class SafeMarkdownReader(MarkdownReader):
    """Reads Markdown as Pelican does, then removes unsafe HTML.

    What it returns depends only on the file (Pelican caches it between
    builds): sanitized HTML, plus the plain summary and the word count.
    """

    def process_metadata(self, name, value):
        """Read a date written in Devanagari digits as the checks do; one
        written YYYY-MM-DD HH:MM[:SS] without dateutil (plain_date).
        """
        if name in ("date", "modified") and isinstance(value, str):
            value = ascii_date(value)
            found = plain_date(value)
            if found is not None:
                return found
        return super().process_metadata(name, value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # {absolute path: (the file's stamp before reading, what read_now
        # returned)}, read ahead in other processes (read_ahead.py); each is
        # handed out once, and only if the file still has that stamp.
        self.ahead: dict[str, tuple] = {}
        # One Markdown object for every file this reader reads, reset before
        # each (Pelican makes a new one per file: a quarter of the time it
        # took to read a note went to building it).
        self._kept_md: Markdown | None = None
        self._meta = None

    def read(self, source_path):
        found = self.ahead.pop(source_path, None)
        if found is not None and found[0] is not None:
            then, (content, metadata) = found
            if then == stamp(source_path):
                return (
                    unsqueeze_known(content) if is_packed(content) else content,
                    metadata,
                )
        return self.read_now(source_path)

    def markdown(self) -> Markdown:
        """The reader's Markdown object, reset as a new one starts: its
        extensions' state (footnotes, abbreviations, the metadata) cleared,
        and the metadata preprocessor Pelican removed put back.
        """
        md = self._kept_md
        if md is None:
            md = self._kept_md = PlainMarkdown(**self.settings["MARKDOWN"])
            # Pelican's reader always adds the meta extension
            self._meta = md.preprocessors[META]
            return md
        md.reset()
        if META not in md.preprocessors:
            md.preprocessors.register(self._meta, META, META_PRIORITY)
        return md

    def read_markdown(self, source_path):
        """Pelican's MarkdownReader.read, with the reader's Markdown object."""
        self._source_path = source_path
        self._md = self.markdown()
        try:
            with pelican_open(source_path) as text:
                content = self._md.convert(text)
            if hasattr(self._md, "Meta"):
                metadata = self._parse_metadata(self._md.Meta)
            else:
                metadata = {}
        except BaseException:
            self._kept_md = None  # in an unknown state: the next file gets a new one
            raise
        return content, metadata

    def read_now(self, source_path):
        content, metadata = self.read_markdown(source_path)
        unsafe = find_unsafe(content)
        if unsafe:
            logger.warning(
                "%s",
                _(
                    "press_notes: %(path)s: removed unsafe HTML (%(what)s); write "
                    "the note in Markdown without scripts or event handlers",
                    path=display_path(source_path),
                    what=", ".join(unsafe),
                ),
            )
        content = sanitize_html(content)
        for name in self.settings["FORMATTED_FIELDS"]:
            value = metadata.get(name)
            if isinstance(value, str):
                if find_unsafe(value):
                    logger.warning(
                        "%s",
                        _(
                            "press_notes: %(path)s: removed unsafe HTML from "
                            "'%(name)s'",
                            path=display_path(source_path),
                            name=name,
                        ),
                    )
                metadata[name] = sanitize_html(value)
        metadata["summary_text"] = plain_text(str(metadata.get("summary", "")))
        metadata["word_count"] = count_words(plain_text(content))
        return content, metadata

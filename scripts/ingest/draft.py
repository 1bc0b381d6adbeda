"""A draft note: what a source gave, the guesses, and the note file's text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from plugins.hindi_text.dates import IST
from plugins.press_notes.validate import FUTURE_SLACK

from .messages import say
from .rules import Rules
from .text import (
    escape_emphasis,
    guess_category,
    guess_thana,
    make_summary,
    normalize,
    plain_text,
)

HASH_CHARS = 16
# A source's date before this year, or ahead of the import by more than the
# check allows, is a typo or a placeholder (WordPress writes 0001 and 9999).
EARLIEST_YEAR = 1900


def usable_date(when: datetime | None, now: datetime) -> bool:
    """True if `when` can be a note's date: Indian time can express it, it
    is not before EARLIEST_YEAR and not further ahead than the check allows.
    """
    if when is None:
        return False
    try:
        local = when.astimezone(IST)
    except (OverflowError, ValueError):
        return False
    return local.year >= EARLIEST_YEAR and local <= now + FUTURE_SLACK


def source_hash(*parts: str) -> str:
    """A short hash of a source message or page (normalized text): what
    drafts recorded before content_hash; still recognised.
    """
    data = "\x1f".join(normalize(p).strip() for p in parts)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:HASH_CHARS]


def content_hash(title: str, body: str) -> str:
    """A short hash of what a source says once cleaned: its headline and
    text as plain words. The same news saved again (other spacing, other
    page around it, other scripts) or pasted again with a 'Forwarded' line
    or a share prompt gives the same hash.
    """
    words = (" ".join(plain_text(part).casefold().split()) for part in (title, body))
    return source_hash(*words)


@dataclass
class Draft:
    """One note to write. `path` and `slug` are set by the driver."""

    title: str
    date: datetime
    body: str
    source: str
    # what the source hashed to before (the raw message or page); finish()
    # records content_hash, and recognises either
    source_hash: str
    reporter: str = ""
    thana: str = ""
    category: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    status: str = "draft"
    source_url: str = ""
    old_url: str = ""
    image: str = ""
    image_from: Path | bytes | None = None
    image_suffix: str = ""
    image_name: str = ""  # the photo's file name in the source
    slug: str = ""
    path: str = ""  # as shown to the reporter
    file: Path | None = None
    context: str = ""  # text that was not kept but may name the station
    guessed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "title": self.title,
            "date": self.date.astimezone(IST).isoformat(timespec="minutes"),
            "thana": self.thana,
            "category": self.category,
            "reporter": self.reporter,
            "summary": self.summary,
            "tags": list(self.tags),
            "body": self.body,
            "image": self.image,
            "source": self.source,
            "source_url": self.source_url,
            "source_hash": self.source_hash,
            "old_url": self.old_url,
            "status": self.status,
            "slug": self.slug,
            "guessed": list(self.guessed),
            "warnings": list(self.warnings),
        }


def summary_of(body: str, limit: int, dateline: re.Pattern | None = None) -> str:
    """The summary field (read as Markdown): the first sentences of the
    text without its dateline, its '_' and '*' escaped, within `limit`
    characters as written.
    """
    cut = limit
    while True:
        summary = escape_emphasis(make_summary(body, cut, dateline))
        if len(summary) <= limit or cut <= 1:
            return summary
        cut -= len(summary) - limit


def complete(draft: Draft, rules: Rules) -> Draft:
    """Fill what the source did not say from the text: station, category,
    summary; note each guess and each field left to fill.
    """
    if not draft.thana:
        draft.thana = guess_thana(draft.title, f"{draft.context}\n{draft.body}", rules)
        if draft.thana:
            draft.guessed.append("thana")
        else:
            draft.warnings.append(say("no_thana"))
    if not draft.category:
        draft.category = guess_category(draft.title, draft.body, rules)
        if draft.category:
            draft.guessed.append("category")
        else:
            draft.warnings.append(say("no_category"))
    if not draft.summary:
        draft.summary = summary_of(draft.body, rules.summary_max_chars, rules.dateline)
        if draft.summary:
            draft.guessed.append("summary")
        else:
            draft.warnings.append(say("no_summary"))
    if not draft.reporter:
        draft.warnings.append(say("no_reporter"))
    return draft


def _one_line(value: str) -> str:
    return " ".join(value.split())


def note_text(draft: Draft, district: str) -> str:
    """The note file: the header every note has, then the Markdown text.

    Fields that could not be found are written empty, so `invoke check`
    names each one to fill.
    """
    fields = [
        ("title", draft.title),
        ("date", f"{draft.date.astimezone(IST):%Y-%m-%d %H:%M}"),
        ("district", district),
        ("thana", draft.thana),
        ("category", draft.category),
        ("tags", ", ".join(draft.tags)),
        ("reporter", draft.reporter),
        ("summary", draft.summary),
        ("slug", draft.slug),
        ("status", draft.status),
    ]
    if draft.guessed:
        # `invoke check` warns about it until the desk has checked the
        # guesses and deleted the line, draft or not
        fields.append(("review", ", ".join(dict.fromkeys(draft.guessed))))
    if draft.image:
        fields += [("image", draft.image), ("image_alt", "")]
    fields.append(("source", draft.source))
    if draft.source_url:
        fields.append(("source_url", draft.source_url))
    if draft.old_url:
        fields.append(("old_url", draft.old_url))
    fields.append(("source_hash", draft.source_hash))
    header = "\n".join(f"{key}: {_one_line(value)}".rstrip() for key, value in fields)
    return f"{header}\n\n{draft.body.strip()}\n"

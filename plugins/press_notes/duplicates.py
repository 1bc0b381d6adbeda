"""The same note published twice: same title and police station, dated
the same minute or within a few days.

Usually a copy left beside a note (a converted file, an editor's backup
saved as .md) or a note sent in twice. Not an error (two stations can send
the same words at the same minute only by mistake, but the desk decides),
so the build and `invoke check` warn, naming both files.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from plugins.core.messages import _, ngettext_

logger = logging.getLogger(__name__)


class Fields(Protocol):
    """A note header, or the keys kept of a note that passed before."""

    def value(self, key: str) -> str: ...


# Devanagari digits (२०२६-११-२८) are read as ASCII digits in dates.
ASCII_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
# Notes with the same title and station this close in time are the same
# news sent twice (an article pasted days after its press note was published).
NEAR_DAYS = 7
# What a title is compared by: its letters and digits (Devanagari signs
# included, the danda not), any case; spacing, punctuation, emoji and
# WhatsApp marks aside.
WORD_RE = re.compile(r"(?:[^\W_]|[\u0900-\u0963\u0966-\u097f])+")
DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})")


def clean_title(title: str) -> str:
    """A title as notes are compared by it."""
    return " ".join(WORD_RE.findall(unicodedata.normalize("NFC", title).casefold()))


def note_time(fields: Fields) -> datetime | None:
    """The note's date to the minute (Devanagari digits read), or None."""
    value = fields.value("date").translate(ASCII_DIGITS)
    m = DATE_RE.match(value.strip())
    if not m:
        return None
    try:
        day = datetime.strptime(m.group(1), "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(hour=int(m.group(2)) % 24, minute=int(m.group(3)) % 60)


def story_key(fields: Fields, stations: Mapping[str, object]) -> tuple | None:
    """(cleaned title, station) of a note, or None if either is missing; a
    station written by one of its other spellings is the same station.
    """
    title = clean_title(fields.value("title"))
    thana = fields.value("thana").strip()
    station = getattr(stations.get(thana), "name", thana)
    if not (title and station):
        return None
    return title, station


def same_news(
    fields: Fields,
    others: Iterable[tuple[str, Fields]],
    stations: Mapping[str, object],
) -> tuple[str, int] | None:
    """(file, days) of the first of `others` with the same cleaned title and
    station, dated within NEAR_DAYS of `fields`: days is 0 for the same
    minute, else the whole days (rounded up) the dates are apart at most;
    None if there is none.
    """
    key, when = story_key(fields, stations), note_time(fields)
    if key is None or when is None:
        return None
    for path, other in others:
        then = note_time(other)
        if then is None or story_key(other, stations) != key:
            continue
        apart = abs(when - then)
        if apart <= timedelta(days=NEAR_DAYS):
            if apart < timedelta(minutes=1):
                return path, 0
            return path, math.ceil(apart / timedelta(days=1))
    return None


def duplicate_notes(
    headers: Iterable[tuple[str, Fields]], stations: Mapping[str, object]
) -> list[tuple[str, str, int]]:
    """(first file, second file, days apart) for each note that repeats an
    earlier one (by path).
    """
    groups: dict[tuple, list[tuple[str, Fields]]] = {}
    for path, fields in headers:
        key = story_key(fields, stations)
        if key is not None:
            groups.setdefault(key, []).append((path, fields))
    found = []
    for group in groups.values():
        if len(group) < 2:
            continue  # nearly always: dates are read only for the others
        group.sort(key=lambda item: item[0])
        for index, (path, fields) in enumerate(group):
            if match := same_news(fields, group[:index], stations):
                found.append((match[0], path, match[1]))
    return sorted(found, key=lambda pair: pair[1])


def same_news_warning(first: str, second: str, days: int) -> str:
    """What to say of `second`, the same news as `first`."""
    if days == 0:
        return _(
            "%(second)s: the same note as %(first)s (same title, date and thana); "
            "it would be published twice: delete one of the two files, or if "
            "they are different news give one another title",
            first=first,
            second=second,
        )
    return ngettext_(
        "%(second)s: the same news as %(first)s (same title and thana, dated "
        "within %(num)s day of each other); it would be published twice: "
        "delete one of the two files, or if they are different news give one "
        "another title",
        "%(second)s: the same news as %(first)s (same title and thana, dated "
        "within %(num)s days of each other); it would be published twice: "
        "delete one of the two files, or if they are different news give one "
        "another title",
        days,
        first=first,
        second=second,
    )


def warn_duplicates(
    headers: Iterable[tuple[str, Fields]], stations: Mapping[str, object]
) -> list[str]:
    """Log a warning for each note published twice; return the warnings."""
    warnings = [
        same_news_warning(first, second, days)
        for first, second, days in duplicate_notes(headers, stations)
    ]
    for warning in warnings:
        logger.warning(warning)
    return warnings

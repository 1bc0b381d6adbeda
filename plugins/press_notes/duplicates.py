"""The same note published twice: same title, date and police station.

Usually a copy left beside a note (a converted file, an editor's backup
saved as .md) or a note sent in twice. Not an error (two stations can send
the same words at the same minute only by mistake, but the desk decides),
so the build and `invoke check` warn, naming both files.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Protocol

from plugins.core.messages import _

logger = logging.getLogger(__name__)


class Fields(Protocol):
    """A note header, or the keys kept of a note that passed before."""

    def value(self, key: str) -> str: ...


def note_identity(fields: Fields, stations: Mapping[str, object]) -> tuple | None:
    """(title, date to the minute, station) of a note, or None if incomplete.

    Spacing and Unicode forms of the title do not matter; a station written
    by one of its other spellings is the same station.
    """
    title = " ".join(unicodedata.normalize("NFC", fields.value("title")).split())
    date = " ".join(fields.value("date").replace("T", " ").split())[:16]
    thana = fields.value("thana").strip()
    station = getattr(stations.get(thana), "name", thana)
    if not (title and date and station):
        return None
    return title, date, station


def duplicate_notes(
    headers: Iterable[tuple[str, Fields]], stations: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(first file, second file) for each note that repeats an earlier one."""
    first: dict[tuple, str] = {}
    pairs = []
    for path, fields in sorted(headers, key=lambda item: item[0]):
        key = note_identity(fields, stations)
        if key is None:
            continue
        if key in first:
            pairs.append((first[key], path))
        else:
            first[key] = path
    return pairs


def warn_duplicates(
    headers: Iterable[tuple[str, Fields]], stations: Mapping[str, object]
) -> list[str]:
    """Log a warning for each note published twice; return the warnings."""
    warnings = [
        _(
            "%(second)s: the same note as %(first)s (same title, date and thana); "
            "it would be published twice: delete one of the two files, or if "
            "they are different news give one another title",
            first=first,
            second=second,
        )
        for first, second in duplicate_notes(headers, stations)
    ]
    for warning in warnings:
        logger.warning(warning)
    return warnings

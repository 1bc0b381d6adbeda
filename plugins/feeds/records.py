"""What the feeds need of each note, as records the full build and the fast
path both make the feed files from.

FeedNote (every published note) decides which feeds a note is in and in
which order; EntryRecord (render.py; for the notes among the newest
FEEDS["max_items"] of some feed) is what the note's entry prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from plugins.core.records import Ref, ref

from .render import EntryRecord, updated


@dataclass(frozen=True)
class FeedNote:
    """A published note as the feed plan needs it (plan.py reads these
    names, on notes and records alike).
    """

    source_path: str  # the key of its EntryRecord; orders notes of one time
    date: datetime
    updated: datetime  # `modified`, else `date` (IST)
    reporter: str
    thana: Ref
    category: Ref


@dataclass(frozen=True)
class FeedRecords:
    """Every published note's FeedNote, newest first (context["articles"]
    order), and the EntryRecord of every note among the newest of a feed,
    by source path.
    """

    notes: tuple[FeedNote, ...]
    entries: Mapping[str, EntryRecord] = field(default_factory=dict)


def feed_note(note) -> FeedNote:
    return FeedNote(
        source_path=str(note.source_path),
        date=note.date,
        updated=updated(note),
        reporter=str(note.reporter),
        thana=ref(note.thana),
        category=ref(note.category),
    )

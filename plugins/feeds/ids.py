"""Ids of feed entries that never change when a note's title or slug does.

An entry id is a `tag:` URI (RFC 4151):

    tag:<authority>,<YYYY-MM-DD>:<path>

authority  FEEDS["id_authority"], by default the host of CANONICAL_SITEURL
YYYY-MM-DD the note's original `date` (Indian time): the day recorded in the
           ledger of published addresses when the note was first published
           (`first_day`, set by plugins/links), else its `date`
path       the note's file path under content/, percent-encoded where needed

e.g. tag:news.example.org,2026-09-14:notes/2026/09/alot-avaidh-sharab-jabt.md

Editing a note's title, slug, text, station or `modified` keeps its id.
Once a production build has recorded the note, changing its `date` keeps
the id too. Renaming or moving the note's file, changing the `date` of a
note never published, or changing the authority gives it a new id: feed
readers then show it as a new item.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from plugins.core import contract as c
from plugins.hindi_text.dates import to_ist


def content_path(source_path: str, content_root: str | Path) -> str:
    """A note's file path relative to the content folder, with '/'."""
    return (
        Path(source_path).resolve().relative_to(Path(content_root).resolve()).as_posix()
    )


def tag_uri(authority: str, date: datetime, path: str) -> str:
    """tag:<authority>,<YYYY-MM-DD of date in IST>:<path, percent-encoded>."""
    day = to_ist(date).date().isoformat()
    return f"tag:{authority},{day}:{quote(path, safe='/-._~')}"


def note_id(note, content_root: str | Path, authority: str) -> str:
    """The permanent id of a note's feed entry (see the module docstring)."""
    # note_file is the same path, given by PATH_METADATA without touching disk
    path = getattr(note, "note_file", None) or content_path(
        note.source_path, content_root
    )
    first_day = getattr(note, c.FIRST_DAY, None)
    day = datetime.combine(first_day, datetime.min.time()) if first_day else note.date
    return tag_uri(authority, day, path)

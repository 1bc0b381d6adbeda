"""A note's feed id (plugins/feeds/ids.py) never changes when the note is
corrected, so a feed reader updates the item instead of showing it twice.
Notes are real Pelican articles; expected ids are written out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pelican.contents import Article
from pelican.settings import read_settings
from support import SETTINGS

from plugins.feeds.ids import note_id

CONTENT = "/srv/bulletin/content"
SOURCE = f"{CONTENT}/notes/2026/09/alot-sharab.md"
AUTHORITY = "news.example.org"
ID = "tag:news.example.org,2026-09-14:notes/2026/09/alot-sharab.md"


def article(source: str = SOURCE, **metadata) -> Article:
    fields = {
        "title": "आलोट में अवैध शराब जब्त",
        "date": datetime(2026, 9, 14, 18, 30),
        "slug": "alot-sharab",
        **metadata,
    }
    return Article(
        "<p>पाठ</p>",
        metadata=fields,
        settings=read_settings(SETTINGS),
        source_path=source,
    )


def test_an_id_never_changes_when_a_note_is_corrected():
    assert note_id(article(), CONTENT, AUTHORITY) == ID
    corrected = article(
        title="आलोट में 40 पेटी अवैध शराब जब्त",
        slug="alot-40-peti-sharab",
        modified=datetime(2026, 9, 15, 9, 0),
    )
    assert note_id(corrected, CONTENT + "/", AUTHORITY) == ID


def test_the_day_is_the_indian_day_of_the_note():
    # 20:00 UTC on the 14th is 01:30 on the 15th in India
    late = article(date=datetime(2026, 9, 14, 20, 0, tzinfo=UTC))
    assert note_id(late, CONTENT, AUTHORITY) == ID.replace("09-14", "09-15")


def test_once_published_a_changed_date_keeps_the_id():
    moved = article(date=datetime(2026, 9, 20, 10, 0))
    moved.first_day = date(2026, 9, 14)  # what the ledger of addresses recorded
    assert note_id(moved, CONTENT, AUTHORITY) == ID
    # a note never published takes its date
    assert note_id(article(date=datetime(2026, 9, 20, 10, 0)), CONTENT, AUTHORITY) == (
        ID.replace("09-14", "09-20")
    )


def test_the_path_is_the_files_own_and_escaped_only_where_needed():
    odd = article(f"{CONTENT}/notes/2026/09/a b~c_d.e-f+g.md")
    assert note_id(odd, CONTENT, AUTHORITY) == (
        "tag:news.example.org,2026-09-14:notes/2026/09/a%20b~c_d.e-f%2Bg.md"
    )
    # the path the reader recorded (PATH_METADATA) wins over the source path
    recorded = article(note_file="notes/2026/09/alot-sharab.md")
    recorded.source_path = "/elsewhere/copy.md"
    assert note_id(recorded, CONTENT, AUTHORITY) == ID
    assert note_id(article(), CONTENT, "bulletin.example.in") == ID.replace(
        AUTHORITY, "bulletin.example.in"
    )

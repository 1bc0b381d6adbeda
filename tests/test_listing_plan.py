"""Listing, archive and directory pages as planned (plugins/listings/pages.py):
which notes each page shows and where its links lead. Expected pages are
counted out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from plugins.listings.pages import (
    Listing,
    NoteGroups,
    archive_pages,
    archive_years,
    directory_page,
    groups_with,
    lead_story,
    listing_pages,
    note_groups,
)


@dataclass(frozen=True)
class Note:
    n: int
    date: datetime
    image: str = ""


@dataclass(frozen=True)
class Bare:
    date: datetime


def notes(count: int) -> tuple[Note, ...]:
    """Notes 1..count, one a day from 1 September 2026, newest first."""
    return tuple(Note(i, datetime(2026, 9, i, 10, 0)) for i in range(count, 0, -1))


def numbers(page) -> list[int]:
    return [n.n for n in page.variables["notes"]]


def test_a_listing_that_fits_one_page_has_no_numbered_pages():
    listing = Listing("tag", "हेलमेट", "tag/helmet/", "", notes(4))
    (front,) = listing_pages(listing, 4)
    assert front.url == "tag/helmet/" and front.save_as == "tag/helmet/index.html"
    assert front.template == "listing.html"
    assert numbers(front) == [4, 3, 2, 1]
    assert front.variables["listing"] is listing
    assert front.variables["page_number"] is None
    assert front.variables["chunks"] == []
    assert front.variables["newer_url"] is None
    assert front.variables["older_url"] is None


def test_one_note_more_than_a_page_makes_numbered_pages_from_the_oldest():
    listing = Listing("thana", "नामली", "thana/namli/", "", notes(5))
    front, first, second = listing_pages(listing, 4)
    assert numbers(front) == [5, 4, 3, 2]
    assert numbers(first) == [4, 3, 2, 1] and numbers(second) == [5]
    assert [p.url for p in (first, second)] == [
        "thana/namli/page/1/",
        "thana/namli/page/2/",
    ]
    assert [p.save_as for p in (first, second)] == [
        "thana/namli/page/1/index.html",
        "thana/namli/page/2/index.html",
    ]
    # the front page lists the numbered pages, newest first, and links the newest
    assert [c.number for c in front.variables["chunks"]] == [2, 1]
    assert front.variables["older_url"] == "thana/namli/page/2/"
    assert front.variables["newer_url"] is None
    # each numbered page: its number, its neighbours, no list of pages
    assert first.variables["page_number"] == 1 and second.variables["page_number"] == 2
    assert (first.variables["newer_url"], first.variables["older_url"]) == (
        "thana/namli/page/2/",
        None,
    )
    assert (second.variables["newer_url"], second.variables["older_url"]) == (
        "thana/namli/",
        "thana/namli/page/1/",
    )
    assert first.variables["chunks"] == [] and second.variables["chunks"] == []
    assert all(p.variables["listing"] is listing for p in (first, second))
    assert {p.template for p in (front, first, second)} == {"listing.html"}


def test_a_numbered_page_says_from_which_day_to_which():
    listing = Listing("thana", "नामली", "thana/namli/", "", notes(7))
    front, _, second = listing_pages(listing, 4)
    chunk1, chunk2 = front.variables["chunks"][::-1]
    assert (chunk1.first_date.day, chunk1.last_date.day, chunk1.count) == (1, 4, 4)
    assert (chunk2.first_date.day, chunk2.last_date.day, chunk2.count) == (5, 7, 3)
    assert numbers(second) == [7, 6, 5]
    # a middle page links both ways
    two = listing_pages(Listing("thana", "नामली", "thana/namli/", "", notes(9)), 4)[2]
    assert (two.variables["newer_url"], two.variables["older_url"]) == (
        "thana/namli/page/3/",
        "thana/namli/page/1/",
    )


def test_the_lead_story_is_the_newest_note_with_a_photo_near_the_top():
    plain = notes(5)
    with_photo = (*plain[:2], Note(3, plain[2].date, "images/a.jpg"), *plain[3:])
    lead, rest = lead_story(with_photo, within=3)
    assert lead.n == 3 and [n.n for n in rest] == [5, 4, 2, 1]
    # a photo further down than `within` does not lead: the newest does
    lead, rest = lead_story(with_photo, within=2)
    assert lead.n == 5 and [n.n for n in rest] == [4, 3, 2, 1]
    lead, rest = lead_story(plain, within=5)
    assert lead.n == 5 and [n.n for n in rest] == [4, 3, 2, 1]
    assert lead_story([], within=3) == (None, [])
    # a Pelican note without a photo has no `image` at all
    bare = [Bare(datetime(2026, 9, 2)), Bare(datetime(2026, 9, 1))]
    assert lead_story(bare, within=2) == (bare[0], [bare[1]])


DAYS = (
    datetime(2027, 1, 3, 9, 15),
    datetime(2026, 12, 30, 23, 59, 42, 500),  # a month starts at 00:00:00
    datetime(2026, 12, 2, 8, 0),
    datetime(2026, 10, 5, 10, 30),
)


def test_archives_list_years_and_months_newest_first():
    dated = tuple(Note(i, d) for i, d in enumerate(DAYS))
    years = archive_years(dated, "{date:%Y}/", "{date:%Y}/{date:%m}/")
    assert [(y.year, y.url, y.count) for y in years] == [
        (2027, "2027/", 1),
        (2026, "2026/", 3),
    ]
    assert [y.date for y in years] == [datetime(2027, 1, 1), datetime(2026, 1, 1)]
    months = years[1].months
    assert [(m.url, m.date, [n.n for n in m.notes]) for m in months] == [
        ("2026/12/", datetime(2026, 12, 1), [1, 2]),
        ("2026/10/", datetime(2026, 10, 1), [3]),
    ]
    pages = archive_pages(years, "archives/")
    assert [(p.url, p.template) for p in pages] == [
        ("archives/", "archives.html"),
        ("2027/", "period.html"),
        ("2027/01/", "period.html"),
        ("2026/", "period.html"),
        ("2026/12/", "period.html"),
        ("2026/10/", "period.html"),
    ]
    assert pages[0].variables == {"archive_years": years}
    year, month = pages[3].variables, pages[4].variables
    assert (year["period"].kind, year["period"].date, year["period"].url) == (
        "year",
        datetime(2026, 1, 1),
        "2026/",
    )
    assert year["notes"] == () and year["months"] == months
    assert (month["period"].kind, month["period"].date, month["period"].url) == (
        "month",
        datetime(2026, 12, 1),
        "2026/12/",
    )
    assert [n.n for n in month["notes"]] == [1, 2] and month["months"] == ()


def test_a_directory_counts_the_notes_of_each_listing():
    listings = [
        Listing("thana", "नामली", "thana/namli/", "नामली थाना", notes(3)),
        Listing("thana", "आलोट", "thana/alot/", "", ()),
    ]
    page = directory_page("thane/", "thanas.html", listings)
    assert (page.url, page.template) == ("thane/", "thanas.html")
    assert [
        (e.name, e.url, e.count, e.description) for e in page.variables["entries"]
    ] == [
        ("नामली", "thana/namli/", 3, "नामली थाना"),
        ("आलोट", "thana/alot/", 0, ""),
    ]


@dataclass(frozen=True)
class Slug:
    slug: str


@dataclass(frozen=True)
class Grouped:
    n: int
    date: datetime
    thana: Slug
    category: Slug
    tags: tuple[Slug, ...]


def grouped_notes(count: int, first: int = 1) -> tuple[Grouped, ...]:
    """Notes first..first+count-1, newest first, over three stations, two
    categories, tags (none, one, one named twice, two) and months.
    """
    tag_sets = [(), ("helmet",), ("helmet", "helmet"), ("night", "helmet"), ("new",)]
    return tuple(
        Grouped(
            i,
            datetime(2026, 1 + i // 7 % 12, 1 + i % 28, 10, 0),
            Slug(f"t{i % 3}"),
            Slug(f"c{i % 2}"),
            tuple(Slug(t) for t in tag_sets[i % 5]),
        )
        for i in range(first + count - 1, first - 1, -1)
    )


def shapes(groups: NoteGroups) -> list[list[tuple[object, list[int]]]]:
    """Each grouping as its keys in order, each with its notes in order."""
    return [
        [(k, [n.n for n in v]) for k, v in by.items()]
        for by in (groups.thanas, groups.categories, groups.tags, groups.months)
    ]


def test_the_groups_with_newer_notes_in_front_are_those_made_of_all_of_them():
    # the fast path groups the notes before a change once, and the notes
    # after it (the new ones in front) from those: the same keys in the
    # same order, the same notes in each; a new note's station, tag or
    # month that had no note yet comes first, as grouping them all gives
    older = grouped_notes(40)
    before = note_groups(older)
    for count in (1, 2, 7):
        newer = grouped_notes(count, first=41)
        assert shapes(groups_with(before, newer)) == shapes(
            note_groups((*newer, *older))
        )
    assert shapes(groups_with(before, ())) == shapes(before)
    # the groups before are left as they were
    assert shapes(before) == shapes(note_groups(older))
    # a note's tag named twice puts it once on the tag's list
    assert [n.n for n in before.tags["helmet"]].count(37) == 1

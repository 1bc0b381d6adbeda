"""Plan the listing and archive pages as plain data (no Pelican here).

Station, category and tag pages show their newest notes on a front page;
older notes sit on numbered pages counted from the oldest note, so page 1
always holds the first notes ever published there and a full numbered page
never changes when new notes arrive. Date archives are stable by nature.

A list's description (a category's, a station's area) is its
introduction: its front page alone is planned with it (`older_pages`), so
an edit of the description changes the front page and no numbered page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Chunk:
    """A numbered page of a listing, counted from the oldest note."""

    number: int
    url: str
    notes: tuple  # newest first within the page
    first_date: datetime
    last_date: datetime

    @property
    def count(self) -> int:
        return len(self.notes)


@dataclass(frozen=True)
class Listing:
    kind: str  # "thana", "category" or "tag"
    name: str
    url: str
    description: str = ""  # its introduction (on its front page only)
    notes: tuple = ()  # newest first


def older_pages(listing: Listing) -> Listing:
    """The list as its numbered pages show it: without its description
    (the front page's introduction; a numbered page describes itself by
    the list's name, its number and its notes' dates).
    """
    return replace(listing, description="") if listing.description else listing


@dataclass(frozen=True)
class Entry:
    """One line of a directory page (all stations, categories, tags)."""

    name: str
    url: str
    count: int
    description: str = ""


@dataclass(frozen=True)
class ArchiveMonth:
    date: datetime
    url: str
    notes: tuple  # newest first

    @property
    def count(self) -> int:
        return len(self.notes)


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    date: datetime
    url: str
    months: tuple  # ArchiveMonth, newest first

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months)


@dataclass(frozen=True)
class Period:
    kind: str  # "year" or "month"
    date: datetime
    url: str


@dataclass(frozen=True)
class PageToWrite:
    """One output file: where it goes, its template and its variables."""

    url: str
    template: str
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def save_as(self) -> str:
        return f"{self.url}index.html"


def chunk_url(base_url: str, number: int) -> str:
    return f"{base_url}page/{number}/"


def stable_chunks(notes_newest_first, size: int, base_url: str) -> list[Chunk]:
    """Split notes into numbered pages from the oldest (page 1 = oldest)."""
    oldest_first = list(reversed(notes_newest_first))
    chunks = []
    for start in range(0, len(oldest_first), size):
        part = oldest_first[start : start + size]
        number = start // size + 1
        chunks.append(
            Chunk(
                number=number,
                url=chunk_url(base_url, number),
                notes=tuple(reversed(part)),
                first_date=part[0].date,
                last_date=part[-1].date,
            )
        )
    return chunks


def listing_pages(listing: Listing, size: int) -> list[PageToWrite]:
    """The front page of a listing and, if it has more notes, its numbered pages."""
    front = PageToWrite(
        listing.url,
        "listing.html",
        {
            "listing": listing,
            "notes": listing.notes[:size],
            "page_number": None,
            "chunks": [],
            "newer_url": None,
            "older_url": None,
        },
    )
    if len(listing.notes) <= size:
        return [front]
    chunks = stable_chunks(listing.notes, size, listing.url)
    newest_first = list(reversed(chunks))
    front.variables["chunks"] = newest_first
    front.variables["older_url"] = newest_first[0].url
    pages = [front]
    numbered = older_pages(listing)
    for i, chunk in enumerate(chunks):
        newer = chunks[i + 1].url if i + 1 < len(chunks) else listing.url
        older = chunks[i - 1].url if i > 0 else None
        pages.append(
            PageToWrite(
                chunk.url,
                "listing.html",
                {
                    "listing": numbered,
                    "notes": chunk.notes,
                    "page_number": chunk.number,
                    # Only the front page lists every numbered page: a list on
                    # each of them would grow with the square of the notes.
                    "chunks": [],
                    "newer_url": newer,
                    "older_url": older,
                },
            )
        )
    return pages


def lead_story(notes_newest_first, within: int) -> tuple:
    """The front page's lead story and the notes after it (newest first).

    The lead is the newest note with a photo among the newest `within`
    notes, else the newest note; the others keep their order.
    """
    notes = list(notes_newest_first)
    if not notes:
        return None, []
    lead = next((n for n in notes[:within] if getattr(n, "image", None)), notes[0])
    return lead, [n for n in notes if n is not lead]


def group_by(notes, key) -> dict:
    """Notes grouped by key(note), each group keeping the input order."""
    groups: dict = defaultdict(list)
    for note in notes:
        for k in key(note):
            groups[k].append(note)
    return groups


def station_key(note) -> list:
    return [note.thana.slug]


def category_key(note) -> list:
    return [note.category.slug]


def tag_key(note) -> dict:
    """A note's tags, each once (a tag named twice puts it once on its list)."""
    return dict.fromkeys([t.slug for t in getattr(note, "tags", ())])


def month_key(note) -> list:
    return [(note.date.year, note.date.month)]


@dataclass(frozen=True)
class NoteGroups:
    """The notes of each station, category, tag and month (`group_by` of
    each, in the notes' order): what the lists are planned from.
    """

    thanas: dict
    categories: dict
    tags: dict
    months: dict


GROUP_KEYS = (station_key, category_key, tag_key, month_key)


def note_groups(notes) -> NoteGroups:
    return NoteGroups(*(group_by(notes, key) for key in GROUP_KEYS))


def merged_groups(front: dict, rest: dict) -> dict:
    """`group_by` of the notes of `front` followed by those of `rest`, from
    the groups of each (the same keys in the same order, each group's
    notes in the same order); a group of `rest` alone is shared, not copied.
    """
    return {
        k: [*front[k], *rest.get(k, ())] if k in front else rest[k]
        for k in {**front, **rest}
    }


def groups_with(groups: NoteGroups, newer) -> NoteGroups:
    """The groups of the notes `newer` followed by those `groups` were made
    of (`note_groups(newer + notes)`), with one pass over `newer` alone.
    """
    front = note_groups(newer)
    return NoteGroups(
        merged_groups(front.thanas, groups.thanas),
        merged_groups(front.categories, groups.categories),
        merged_groups(front.tags, groups.tags),
        merged_groups(front.months, groups.months),
    )


def month_start(date: datetime) -> datetime:
    """The first moment of a note's month (its month page's date)."""
    return date.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def period_urls(date: datetime, year_url: str, month_url: str) -> tuple[str, str]:
    """The URLs of the year and month pages a note dated `date` is on."""
    first_day = month_start(date)
    return year_url.format(date=first_day.replace(month=1)), month_url.format(
        date=first_day
    )


def archive_years(
    notes_newest_first, year_url: str, month_url: str, by_month: dict | None = None
) -> list[ArchiveYear]:
    """Years and months that have notes, newest first, with their notes
    (`by_month`: the notes grouped by `month_key`, if grouped already).
    """
    if by_month is None:
        by_month = group_by(notes_newest_first, month_key)
    years: dict[int, list[ArchiveMonth]] = defaultdict(list)
    for (year, _month), notes in sorted(by_month.items(), reverse=True):
        first_day = month_start(notes[0].date)
        years[year].append(
            ArchiveMonth(
                date=first_day,
                url=month_url.format(date=first_day),
                notes=tuple(notes),
            )
        )
    result = []
    for year, months in sorted(years.items(), reverse=True):
        first_day = months[-1].date.replace(month=1)
        result.append(
            ArchiveYear(
                year=year,
                date=first_day,
                url=year_url.format(date=first_day),
                months=tuple(months),
            )
        )
    return result


def archive_pages(
    years: list[ArchiveYear], archives_url: str, only: Container[str] | None = None
) -> list[PageToWrite]:
    """The archives page, and each year's and month's page (with `only`:
    those of the years and months whose URLs it holds).
    """
    pages = [PageToWrite(archives_url, "archives.html", {"archive_years": years})]
    for year in years:
        if only is not None and year.url not in only:
            continue
        pages.append(
            PageToWrite(
                year.url,
                "period.html",
                {
                    "period": Period("year", year.date, year.url),
                    "notes": (),
                    "months": year.months,
                },
            )
        )
        for month in year.months:
            if only is not None and month.url not in only:
                continue
            pages.append(
                PageToWrite(
                    month.url,
                    "period.html",
                    {
                        "period": Period("month", month.date, month.url),
                        "notes": month.notes,
                        "months": (),
                    },
                )
            )
    return pages


def directory_page(url: str, template: str, listings: list[Listing]) -> PageToWrite:
    entries = [
        Entry(name=x.name, url=x.url, count=len(x.notes), description=x.description)
        for x in listings
    ]
    return PageToWrite(url, template, {"entries": entries})

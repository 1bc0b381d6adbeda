"""Listing pages keep their notes when new notes arrive (stable URLs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from support import build_site, new_content, note_text, read_html

from plugins.listings.pages import Listing, listing_pages, stable_chunks

pytestmark = pytest.mark.build


@dataclass(frozen=True)
class FakeNote:
    n: int
    date: datetime


def notes(count):
    start = datetime(2026, 9, 1, 10, 0)
    return [FakeNote(i, start + timedelta(days=i)) for i in range(count)][::-1]


def test_chunks_are_counted_from_the_oldest_note():
    chunks = stable_chunks(notes(45), 20, "thana/namli/")
    assert [c.number for c in chunks] == [1, 2, 3]
    assert [n.n for n in chunks[0].notes] == list(range(19, -1, -1))
    assert chunks[2].count == 5
    assert chunks[0].url == "thana/namli/page/1/"


def test_a_new_note_leaves_full_numbered_pages_unchanged():
    before = stable_chunks(notes(40), 20, "x/")
    after = stable_chunks(notes(41), 20, "x/")
    assert after[:2] == before
    assert [n.n for n in after[2].notes] == [40]


def test_front_page_shows_newest_and_links_older_pages():
    listing = Listing("thana", "नामली", "thana/namli/", "", tuple(notes(45)))
    front, *numbered = listing_pages(listing, 20)
    assert [n.n for n in front.variables["notes"]] == list(range(44, 24, -1))
    assert front.variables["older_url"] == "thana/namli/page/3/"
    assert [p.url for p in numbered] == [f"thana/namli/page/{i}/" for i in (1, 2, 3)]
    assert numbered[0].variables["newer_url"] == "thana/namli/page/2/"
    assert numbered[0].variables["older_url"] is None
    assert numbered[2].variables["newer_url"] == "thana/namli/"


def test_small_listing_has_a_single_page():
    listing = Listing("tag", "हेलमेट", "tag/helmet/", "", tuple(notes(3)))
    (front,) = listing_pages(listing, 20)
    assert front.variables["older_url"] is None


def _listed_slugs(path):
    soup = read_html(path)
    return [
        a["href"].rstrip("/").rsplit("/", 1)[-1]
        for a in soup.select("main h2 a, main h3 a")
    ]


def test_built_station_pages_do_not_shift(tmp_path):
    def day_note(day):
        return note_text(date=f"2026-10-{day:02d} 09:00", slug=f"namli-suchna-{day}")

    content = new_content(
        tmp_path, {f"2026/10/n{d}.md": day_note(d) for d in range(1, 6)}
    )
    output = tmp_path / "output"
    build_site(content, output, LISTINGS={"page_size": 2, "home_notes": 2})
    page1 = _listed_slugs(output / "thana/namli/page/1/index.html")
    page2 = _listed_slugs(output / "thana/namli/page/2/index.html")
    assert page1 == ["namli-suchna-2", "namli-suchna-1"]
    assert page2 == ["namli-suchna-4", "namli-suchna-3"]

    (content / "notes/2026/10/n6.md").write_text(day_note(6), encoding="utf-8")
    build_site(content, output, LISTINGS={"page_size": 2, "home_notes": 2})
    assert _listed_slugs(output / "thana/namli/page/1/index.html") == page1
    assert _listed_slugs(output / "thana/namli/page/2/index.html") == page2
    assert _listed_slugs(output / "thana/namli/page/3/index.html") == [
        "namli-suchna-6",
        "namli-suchna-5",
    ]
    assert _listed_slugs(output / "thana/namli/index.html") == [
        "namli-suchna-6",
        "namli-suchna-5",
    ]
    assert (output / "2026/10/namli-suchna-1/index.html").is_file()


def test_each_note_holds_its_card_compressed(tmp_path):
    """Every note's card is held from the list pages' planning to the
    build's end: it is kept compressed, read back as the very Markup the
    theme made, which the list pages print.
    """
    from markupsafe import Markup
    from pelican import signals

    content = new_content(
        tmp_path,
        {
            f"2026/10/n{i}.md": note_text(
                slug=f"n{i}", date=f"2026-10-{i + 10} 10:00", title=f"खबर संख्या {i}"
            )
            for i in range(3)
        },
    )
    held: list[tuple[object, str]] = []

    def look(generators) -> None:
        for note in generators[0].context["articles"]:
            held.append((vars(note).get("card_html"), note.card_html))

    signals.all_generators_finalized.connect(look)
    try:
        build_site(content, tmp_path / "output")
    finally:
        signals.all_generators_finalized.disconnect(look)
    assert len(held) == 3
    for as_text, card in held:
        assert as_text is None
        assert isinstance(card, Markup) and card.startswith('<article class="card')
    assert sorted(c.split("data-content>")[1].split("<")[0] for _, c in held) == [
        f"खबर संख्या {i}" for i in range(3)
    ]


def _meta_description(soup) -> str:
    return soup.find("meta", attrs={"name": "description"})["content"]


def test_a_lists_description_is_on_its_first_page_only(tmp_path):
    """A list's description (a category's, a station's area) is its
    introduction: the lead paragraph and the meta description of its front
    page. Each older numbered page has a meta description of its own, in
    Hindi from the theme's catalog, naming the list, the page and its
    notes' dates: a description edit leaves those pages as they are.
    """
    import tomllib

    content = new_content(
        tmp_path,
        {
            f"2026/10/n{d}.md": note_text(
                date=f"2026-10-{d:02d} 09:00",
                slug=f"namli-suchna-{d}",
                title=f"नामली थाने की सूचना {d}",
            )
            for d in range(1, 8)
        },
    )
    output = tmp_path / "output"
    build_site(content, output, LISTINGS={"page_size": 2, "home_notes": 2})
    registry = content / "registry"

    def entry(name: str, kind: str, file: str) -> dict:
        text = (registry / file).read_text(encoding="utf-8")
        return next(e for e in tomllib.loads(text)[kind] if e["name"] == name)

    lists = {
        "shreni/yatayat/": (
            "श्रेणी: यातायात",
            entry("यातायात", "category", "categories.toml")["description"],
        ),
        "thana/namli/": ("थाना नामली", entry("नामली", "thana", "thanas.toml")["area"]),
    }
    for url, (heading, intro) in lists.items():
        assert intro
        front = read_html(output / url / "index.html")
        assert front.select_one("p.lead").get_text() == intro
        assert _meta_description(front) == intro
        seen = set()
        # seven notes, two a page: the front page and numbered pages 1-4
        for number in (1, 2, 3, 4):
            path = output / url / f"page/{number}/index.html"
            older = read_html(path)
            assert intro not in path.read_text(encoding="utf-8")
            assert older.select_one("p.lead") is None
            meta = _meta_description(older)
            page = older.select_one("h1 .sub").get_text()
            assert meta.startswith(f"{heading}, {page}: पुरानी सूचनाएँ, "), meta
            # the dates of the page's notes (oldest to newest), as its
            # list on the front page says them
            first, last = 2 * number - 1, min(2 * number, 7)
            dates = (
                f"{first} अक्टूबर 2026"
                if first == last
                else f"{first} अक्टूबर 2026 से {last} अक्टूबर 2026 तक"
            )
            assert meta.endswith(dates), meta
            seen.add(meta)
        assert len(seen) == 4


def test_only_the_front_page_is_planned_with_the_description():
    listing = Listing(
        "category", "यातायात", "shreni/yatayat/", "परिचय", tuple(notes(45))
    )
    front, *numbered = listing_pages(listing, 20)
    assert front.variables["listing"].description == "परिचय"
    assert [p.variables["listing"].description for p in numbered] == ["", "", ""]
    # the rest of the list is as it was: its name, address and notes
    for page in numbered:
        older = page.variables["listing"]
        assert (older.kind, older.name, older.url) == (
            "category",
            "यातायात",
            "shreni/yatayat/",
        )
        assert older.notes == listing.notes

"""Sequences of builds in one process against the fast path's lighter passes
(scripts/site_index.py held_refs, cards_kept's `among`; scripts/fast_lists.py
same_shape): after each build the output is compared, file by file, with a
clean full build of the same content, and the site index it left with the
one the clean build leaves (the notes, the cards kept, the preview images).

Small list pages (one note a page, three on the home page) make every new
note move notes across pages, off the home page and out of the newest month.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import SETTINGS, tree
from test_rebuild_property import PHOTOS, Bulletin, bulletin_in

from scripts import fast_build, site_index
from scripts.build import BuildFailed, load_settings

pytestmark = [pytest.mark.build, pytest.mark.slow]

# after every note of bulletin_in, and after the days below
BUILD_TIME = "2026-12-05T12:00:00+05:30"
SMALL_LISTS = {"LISTINGS": {"page_size": 1, "home_notes": 3, "lead_within": 3}}
HELMET, ROAD = "हेलमेट", "सड़क सुरक्षा"
# one tag's address (naka-bandi), two ways of writing it
CHECKPOINT, CHECKPOINT_HYPHENED = "नाका बंदी", "नाका-बंदी"
# a note that is the first of its category, tag and reporter
FIRSTS = {"category": "अपराध", "tags": CHECKPOINT, "reporter": "नया संवाददाता"}


def made_site(tmp: Path) -> Bulletin:
    site = bulletin_in(tmp)
    site.overrides |= {"BUILD_TIME": BUILD_TIME, **SMALL_LISTS}
    return site


def add(site: Bulletin, station: str, day: str, **more) -> str:
    """A new published note of `station` on `day` (`more`: other fields)."""
    n = next(site.count)
    name = f"nayi-{n}.md"
    site.notes[name] = {
        "slug": f"nayi-{n}",
        "title": f"{station} थाने में बैठक {n}",
        "thana": station,
        "date": day,
        "body": f"{station} थाना पुलिस ने बैठक ली। क्रम {n}।",
        **more,
    }
    site.write(name)
    return name


def photo(site: Bulletin, n: int) -> dict[str, str]:
    """A photo under content/images for a note: its fields."""
    folder = site.content / "images" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PHOTOS[n % len(PHOTOS)], folder / f"review-{n}.jpg")
    return {"image": f"images/2026/review-{n}.jpg", "image_alt": "थाने में बैठक"}


def settings_of(site: Bulletin, output: Path) -> dict:
    return load_settings(
        SETTINGS,
        {
            "PATH": str(site.content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / "cache"),
            "THEME": str(site.tmp / "theme"),
            **site.overrides,
        },
    )


def index_of(site: Bulletin, output: Path) -> site_index.SiteIndex:
    settings = settings_of(site, output)
    index, why = site_index.load(site_index.index_path(settings, output), True)
    assert index is not None, why
    return index


def decision_of(site: Bulletin, output: Path) -> fast_build.Decision:
    """The FAST CASE check of the site, outside a build (what it works out
    of the index's entries is kept when no build ends after it)."""
    settings = settings_of(site, output)
    index, why = site_index.load(site_index.index_path(settings, output))
    return fast_build.decide(settings, output, index, why)


def same_as_clean(site: Bulletin, output: Path, step: str) -> None:
    """The output and its index are what a clean full build of the content
    writes and leaves."""
    clean = site.tmp / f"clean-{step}" / "output"
    assert site.rebuild(clean).path == "full"
    built, fresh = tree(output), tree(clean)
    assert built.keys() == fresh.keys(), (step, built.keys() ^ fresh.keys())
    assert [n for n in built if built[n] != fresh[n]] == [], step
    ours, theirs = index_of(site, output), index_of(site, clean)
    assert ours.notes == theirs.notes, step
    assert ours.cards == theirs.cards, step
    assert ours.previews == theirs.previews, step
    assert ours.slugs == theirs.slugs, step
    shutil.rmtree(clean.parent)


def test_new_notes_one_after_another_write_what_a_clean_build_writes(tmp_path):
    """Fast builds in a row: a photo note that becomes the lead story, notes
    after it (the lead an older note), a note of each tag alone, two notes
    at once, a note in a new month; each build compared with a clean one,
    the cards the index keeps (counted among those kept before and the new
    notes) the full build's."""
    site = made_site(tmp_path / "row")
    output = site.tmp / "site" / "output"
    assert site.rebuild(output).path == "full"
    steps = [
        [("नामली", "2026-11-20 09:00", 1)],
        [("आलोट", "2026-11-21 09:00", {"tags": HELMET})],
        [("नामली", "2026-11-22 09:00", {"tags": ROAD})],
        [
            ("बिलपांक", "2026-11-23 09:00", {"tags": ROAD}),
            ("नामली", "2026-11-23 10:00", {}),
        ],
        [("आलोट", "2026-11-24 09:00", {})],
        # older than the newest notes and the lead story: the full build
        [("बिलपांक", "2026-11-19 09:00", {"tags": HELMET})],
        [("नामली", "2026-12-01 09:00", {"tags": HELMET})],
        [("आलोट", "2026-12-02 09:00", 2)],
        [("बिलपांक", "2026-12-03 09:00", {})],
    ]
    paths = []
    for step, notes in enumerate(steps):
        for station, day, more in notes:
            fields = photo(site, more) if isinstance(more, int) else more
            add(site, station, day, **fields)
        result = site.rebuild(output)
        paths.append(result.path)
        same_as_clean(site, output, str(step))
    # every new note newer than the others took the fast path
    assert paths == [*["fast"] * 5, "full", *["fast"] * 3], paths


def test_first_notes_of_a_station_category_tag_and_reporter_are_fast(tmp_path):
    """A new note may be the first of its station, category, tags and
    reporter: its list pages, directory lines and feeds appear, as a clean
    build writes them; a second note of the new tag, two first notes at
    once, a new tag beside known ones, each fast. A tag written otherwise
    than one the site has, at the same address, is the full build's."""
    site = made_site(tmp_path / "first")
    output = site.tmp / "site" / "output"
    assert site.rebuild(output).path == "full"
    steps = [
        [("जावरा शहर", "2026-11-20 09:00", FIRSTS)],
        [("नामली", "2026-11-21 09:00", {"tags": CHECKPOINT})],
        [
            ("ताल", "2026-11-22 09:00", {"tags": f"{HELMET}, रात्रि गश्त"}),
            ("सैलाना", "2026-11-22 10:00", {"tags": "रात्रि गश्त"}),
        ],
        [("आलोट", "2026-11-23 09:00", {"tags": CHECKPOINT_HYPHENED})],
    ]
    paths = []
    for step, notes in enumerate(steps):
        for station, day, more in notes:
            add(site, station, day, **more)
        result = site.rebuild(output)
        paths.append((result.path, result.why))
        same_as_clean(site, output, str(step))
    fast = ("fast", "only new notes since the last build")
    assert paths[:3] == [fast] * 3, paths
    assert paths[3][0] == "full"
    assert "names a tag whose address another name has" in paths[3][1]
    # what the first note made appear, as the clean builds have it too
    station = (output / "thana" / "jaora-shahar" / "index.html").read_text("utf-8")
    assert "/2026/11/nayi-" in station
    for made in (
        "tag/naka-bandi/index.html",
        "tag/ratri-gasht/index.html",
        "feeds/samvaddata/naya-samvaddata.atom.xml",
    ):
        assert (output / made).is_file(), made
    crime = (output / "feeds" / "shreni" / "apradh.atom.xml").read_text("utf-8")
    assert "<entry>" in crime


def test_an_edit_may_give_a_station_category_or_tag_its_first_or_last_note(
    tmp_path,
):
    """One note edited again and again: moved to a station without notes
    and on, given a tag of its own and a category no note has, then giving
    them up; each edit fast and as a clean build writes (the lists' pages
    and directory lines come and go). A tag written otherwise than one the
    site has, at its address, and a reporter's first or last note are the
    full build's."""
    site = made_site(tmp_path / "edits")
    output = site.tmp / "site" / "output"
    name = add(site, "आलोट", "2026-11-20 09:00")
    assert site.rebuild(output).path == "full"
    steps: list[tuple[dict, str]] = [
        ({"thana": "जावरा शहर"}, "fast"),
        ({"thana": "ताल", "tags": f"{HELMET}, {CHECKPOINT}"}, "fast"),
        ({"category": "अपराध"}, "fast"),
        ({"thana": "आलोट", "tags": HELMET}, "fast"),
        ({"category": "यातायात", "tags": f"{HELMET}, सडक सुरक्षा"}, "full"),
        ({"tags": HELMET}, "full"),
        ({"reporter": "नया संवाददाता"}, "full"),
        ({"tags": CHECKPOINT}, "fast"),
    ]
    paths = []
    for step, (fields, expected) in enumerate(steps):
        site.notes[name] |= fields
        site.write(name)
        result = site.rebuild(output)
        paths.append((result.path, result.why))
        assert result.path == expected, (step, result.why)
        same_as_clean(site, output, str(step))
    assert "has an address another name has" in paths[4][1]
    assert "reporter नया संवाददाता would lose its last note" in paths[6][1]
    assert (
        not (output / "thana" / "tal" / "index.html")
        .read_text("utf-8")
        .count("/2026/11/nayi-")
    )
    assert (output / "tag" / "naka-bandi" / "index.html").is_file()


def test_two_sites_built_in_turn_in_one_process(tmp_path):
    """Two bulletins built in turn (as tests and a process serving two
    folders do), each asked about (the FAST CASE check, outside a build:
    what it works out of the index's entries stays) just before the other
    builds: each one's fast builds write what its clean build writes, and a
    tag whose address only the other has under another name is the full
    build's."""
    one, two = made_site(tmp_path / "one"), made_site(tmp_path / "two")
    # the second has notes of a station the first has none of, the first a
    # tag the second has none of
    add(two, "जावरा शहर", "2026-11-10 09:00", tags=ROAD)
    add(one, "नामली", "2026-11-10 09:00", tags=CHECKPOINT)
    outputs = {id(site): site.tmp / "site" / "output" for site in (one, two)}
    for site in (one, two):
        assert site.rebuild(outputs[id(site)]).path == "full"
    paths = []
    for n, (ones, twos) in enumerate([("नामली", "जावरा शहर"), ("आलोट", "नामली")]):
        add(one, ones, f"2026-11-2{n} 09:00")
        add(two, twos, f"2026-11-2{n} 10:00")
        for site, other in ((one, two), (two, one)):
            if site is one:
                assert decision_of(other, outputs[id(other)]).fast
                assert site_index.HELD
            result = site.rebuild(outputs[id(site)])
            paths.append(result.path)
            same_as_clean(site, outputs[id(site)], f"{n}")
    assert paths == ["fast", "fast", "fast", "fast"], paths
    # the first's tag written otherwise (the same address): the full build
    # of the first, though the second's entries were the last asked about;
    # the first note of a new tag of the second
    add(one, "आलोट", "2026-11-28 09:00", tags=CHECKPOINT_HYPHENED)
    add(two, "आलोट", "2026-11-28 10:00", tags=CHECKPOINT_HYPHENED)
    assert decision_of(two, outputs[id(two)]).fast
    assert site_index.HELD
    result = one.rebuild(outputs[id(one)])
    assert result.path == "full", result
    assert "names a tag whose address another name has" in result.why
    same_as_clean(one, outputs[id(one)], "taken-address")
    assert two.rebuild(outputs[id(two)]).path == "fast"
    same_as_clean(two, outputs[id(two)], "new-tag")


def test_a_failed_build_then_a_good_one(tmp_path):
    """A build that fails (a note with a station no registry names) leaves
    nothing of its entries behind; the note put right, the next build is what
    a clean build writes; a new note after it too."""
    site = made_site(tmp_path / "failed")
    output = site.tmp / "site" / "output"
    assert site.rebuild(output).path == "full"
    add(site, "आलोट", "2026-11-20 09:00")
    assert site.rebuild(output).path == "fast"
    name = add(site, "कोई थाना नहीं", "2026-11-21 09:00")
    with pytest.raises(BuildFailed):
        site.rebuild(output)
    assert not site_index.HELD
    site.notes[name]["thana"] = "नामली"
    site.write(name)
    site.rebuild(output)
    same_as_clean(site, output, "mended")
    add(site, "नामली", "2026-11-22 09:00")
    assert site.rebuild(output).path == "fast"
    same_as_clean(site, output, "after")


def test_edits_between_new_notes(tmp_path):
    """New notes around edits of one note (its tags, its station), a photo
    given to a note the index keeps the card of, a note deleted: each build
    what a clean build writes, the index's cards the full build's."""
    site = made_site(tmp_path / "edits")
    output = site.tmp / "site" / "output"
    assert site.rebuild(output).path == "full"
    first = add(site, "नामली", "2026-11-20 09:00", tags=HELMET)
    second = add(site, "आलोट", "2026-11-21 09:00")
    paths = [site.rebuild(output).path]
    same_as_clean(site, output, "added")
    edits = [
        ("tags", first, {"tags": f"{HELMET}, {ROAD}"}),
        ("station", second, {"thana": "नामली"}),
        ("add", None, None),
        ("photo", first, None),
        ("add", None, None),
        ("station", second, {"thana": "आलोट"}),
        ("delete", first, None),
        ("add", None, None),
    ]
    for step, (kind, name, fields) in enumerate(edits):
        if kind == "add":
            add(site, "बिलपांक", f"2026-11-2{2 + step} 09:00", tags=ROAD)
        elif kind == "delete":
            (site.content / "notes" / "2026" / name).unlink()
            del site.notes[name]
        else:
            site.notes[name].update(photo(site, 3) if kind == "photo" else fields)
            site.write(name)
        paths.append(site.rebuild(output).path)
        same_as_clean(site, output, f"{step}-{kind}")
    # a photo given to a note and a note deleted are the full build's
    assert paths == [*["fast"] * 4, "full", "fast", "fast", "full", "fast"], paths


def test_the_lead_story_edited_and_pushed_off_the_home_page(tmp_path):
    """A photo note (the lead story), a note given a photo placed before
    (the full build), the lead's text and title and an older photo note's
    text edited, new notes pushing the lead off the home page, then the
    older lead's tags and station edited: each build what a clean build
    writes."""
    site = made_site(tmp_path / "lead")
    output = site.tmp / "site" / "output"
    assert site.rebuild(output).path == "full"
    older = add(site, "नामली", "2026-11-20 09:00", **photo(site, 1))
    lead = add(site, "आलोट", "2026-11-21 09:00", tags=HELMET)
    paths = [site.rebuild(output).path]
    same_as_clean(site, output, "added")
    placed = photo(site, 5)
    paths.append(site.rebuild(output).path)
    steps = [
        (lead, placed),
        (lead, {"body": "आलोट थाना पुलिस ने बैठक ली। बदला।"}),
        (older, {"body": "नामली थाना पुलिस ने बैठक ली। बदला।"}),
        (lead, {"title": "आलोट थाने में नई बैठक"}),
        ("बिलपांक", "2026-11-22 09:00"),
        ("नामली", "2026-11-23 09:00"),
        ("नामली", "2026-11-24 09:00"),
        (lead, {"tags": ROAD}),
        (lead, {"thana": "नामली"}),
    ]
    for step, (name, change) in enumerate(steps):
        if isinstance(change, str):
            add(site, name, change)
        else:
            site.notes[name].update(change)
            site.write(name)
        paths.append(site.rebuild(output).path)
        same_as_clean(site, output, str(step))
    # a photo placed alone, a note given it: the full build
    assert paths == ["fast", "full", "full", *["fast"] * 8], paths


def test_one_content_folder_built_into_two_outputs_in_turn(tmp_path):
    """One content folder built into two output folders in turn (a dry run
    and a publish): each output's index is its own, and each fast build
    writes what a clean build writes."""
    site = made_site(tmp_path / "two-outputs")
    first, second = site.tmp / "first" / "output", site.tmp / "second" / "output"
    assert site.rebuild(first).path == "full"
    assert site.rebuild(second).path == "full"
    add(site, "नामली", "2026-11-20 09:00", tags=HELMET)
    assert site.rebuild(first).path == "fast"
    same_as_clean(site, first, "first")
    add(site, "आलोट", "2026-11-21 09:00")
    # two new notes for the second, one for the first
    assert site.rebuild(second).path == "fast"
    same_as_clean(site, second, "second")
    assert site.rebuild(first).path == "fast"
    same_as_clean(site, first, "first-again")

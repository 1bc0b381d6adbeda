"""A registry edit that pages show, on the fast path (scripts/fast_registry.py):
a station's area, a category's description. Each fast build is compared,
every file byte for byte, with a clean full build of the same content
folder; the edits the fast path does not make take the full path and say
why.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from support import ROOT, build_site, new_content, note_text, read_html, tree
from test_search import results, search_here, search_page

from plugins.press_notes.press_notes import registry_for
from plugins.search import search
from scripts import fast_build, fast_registry, fast_run, site_index
from scripts.build import BuildFailed, load_settings
from scripts.serve import served as serving

pytestmark = [pytest.mark.build]

# Every build of a test takes this time as now: the fast path needs the day
# of the last full build (after every note's date).
BUILD_TIME = "2026-11-27T12:00:00+05:30"
THANAS = "registry/thanas.toml"
CATEGORIES = "registry/categories.toml"
# नामली's entry in the registry, as the real one writes it
NAMLI = 'name = "नामली"\nslug = "namli"\narea = "रतलाम ग्रामीण"\n'
# a station without notes, of the same area as आलोट (the join page groups
# them)
TAL = 'name = "ताल"\nslug = "tal"\narea = "आलोट"'
YATAYAT = 'description = "यातायात जागरूकता'


def notes() -> dict[str, str]:
    """Notes of several stations, categories and months (two a list page)."""
    found = {}
    rows = [
        ("नामली", "यातायात", "2026-08-03 10:00"),
        ("नामली", "अपराध", "2026-09-04 11:00"),
        ("आलोट", "यातायात", "2026-09-10 09:00"),
        ("नामली", "यातायात", "2026-10-05 10:30"),
        ("जावरा शहर", "यातायात", "2026-10-20 12:00"),
        ("आलोट", "जन जागरूकता", "2026-11-02 09:15"),
        ("नामली", "यातायात", "2026-11-10 08:00"),
        ("बिलपांक", "यातायात", "2026-11-12 08:00"),
    ]
    # a draft has a page too (drafts/adhoori/), with its station's JSON-LD
    found["2026/draft.md"] = note_text(
        slug="adhoori", status="draft", thana="आलोट", date="2026-11-01 10:00"
    )
    for n, (thana, category, date) in enumerate(rows, start=1):
        found[f"2026/note-{n}.md"] = note_text(
            slug=f"khabar-{n}",
            date=date,
            title=f"{thana} थाने की खबर {n}",
            thana=thana,
            category=category,
            body=f"{thana} थाना पुलिस की कार्यवाही {n}।",
        )
    return found


class Bulletin:
    def __init__(self, tmp: Path, extra: dict[str, str] | None = None, **overrides):
        self.tmp = tmp
        self.content = new_content(tmp, {**notes(), **(extra or {})})
        shutil.copytree(ROOT / "theme", tmp / "theme")
        self.output = tmp / "site" / "output"
        self.overrides = {
            "THEME": str(tmp / "theme"),
            "BUILD_TIME": BUILD_TIME,
            "LISTINGS": {"page_size": 2},
            **overrides,
        }
        self.clean = 0

    def build(self):
        return build_site(self.content, self.output, **self.overrides)

    def settings(self, **more) -> dict:
        paths = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "CACHE_PATH": str(self.output.parent / "cache"),
        }
        return load_settings(
            str(ROOT / "pelicanconf.py"), {**paths, **self.overrides, **more}
        )

    def index(self) -> site_index.SiteIndex:
        path = site_index.index_path(self.settings(), self.output)
        index, why = site_index.load(path, with_records=True)
        assert index is not None, why
        return index

    def decide(self, rel: str) -> fast_build.Decision:
        """The path of a build that finds only `rel` changed since the index
        (a file written back has another stamp).
        """
        settings = self.settings()
        index, why = site_index.load(site_index.index_path(settings, self.output))
        assert index is not None, why
        now = site_index.before_build(settings)
        stamps = {**now.stamps, rel: index.stamps[rel]}
        seeing = dataclasses.replace(index, stamps=stamps)
        return fast_build.decide(settings, self.output, seeing, "", now)

    def replace(self, rel: str, old: str, new: str) -> None:
        path = self.content / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def same_as_clean(self) -> dict[str, bytes]:
        """The output, once found to be a clean full build's of the same
        content folder, file for file and byte for byte.
        """
        self.clean += 1
        clean = self.tmp / f"clean-{self.clean}" / "output"
        result = build_site(self.content, clean, **self.overrides)
        assert result.path == "full"
        built, fresh = tree(self.output), tree(clean)
        assert built.keys() == fresh.keys(), built.keys() ^ fresh.keys()
        assert [n for n in built if built[n] != fresh[n]] == []
        shutil.rmtree(clean.parent)
        return built


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    assert before.keys() == after.keys(), before.keys() ^ after.keys()
    return {n for n in after if before[n] != after[n]}


# A production build's additions (publishconf.py, the search index off):
# the links ledger recorded, compressed copies of each page
PRODUCTION = {"LINKS": {"record": True}, "COMPRESS": {"enabled": True}}


# The files नामली's area is on: its note pages (JSON-LD), its list's front
# page (not its numbered pages 1 and 2, which describe themselves), the
# stations' directory, its feeds, the join page (grouped by area).
NAMLI_AREA_FILES = frozenset(
    {
        *(
            f"2026/{m}/khabar-{n}/index.html"
            for m, n in (("08", 1), ("09", 2), ("10", 4), ("11", 7))
        ),
        "thana/namli/index.html",
        "thana/index.html",
        "feeds/thana/namli.atom.xml",
        "feeds/thana/namli.rss.xml",
        "whatsapp/index.html",
    }
)


def edited_fast(site: Bulletin, registry: str, old: str, new: str, why: str) -> None:
    """`old` replaced by `new` in `registry` after a build, built again:
    the fast path, for the reason `why`.
    """
    site.replace(registry, old, new)
    result = site.build()
    assert (result.path, result.why) == ("fast", why)


def namli_area_edited_fast(site: Bulletin) -> None:
    """नामली's area edited after a build: the fast path, saying so."""
    area = NAMLI.replace("रतलाम ग्रामीण", "रतलाम ग्रामीण अंचल")
    why = "registry/thanas.toml: the area of नामली (4 note pages)"
    edited_fast(site, THANAS, NAMLI, area, why)


@pytest.mark.parametrize("production", [False, True])
def test_a_stations_area_is_fast_and_writes_what_a_full_build_writes(
    tmp_path, production
):
    more = {}
    if production:
        more = {**PRODUCTION, "COMPRESS": {"enabled": True, "cache": str(tmp_path)}}
    site = Bulletin(tmp_path / "b", **more)
    assert site.build().path == "full"
    before = tree(site.output)
    namli_area_edited_fast(site)
    after = site.same_as_clean()
    # the files its area is on, nothing else
    shown = NAMLI_AREA_FILES
    found = {n for n in changed(before, after) if not n.endswith((".gz", ".br"))}
    assert found == shown
    if production:
        copies = {n for n in changed(before, after) if n.endswith((".gz", ".br"))}
        assert {n[:-3] for n in copies} == shown
    # the index took the new registry: a new note after it is fast too
    (site.content / "notes" / "2026" / "nayi.md").write_text(
        note_text(slug="nayi-khabar", date="2026-11-20 09:00", title="नई खबर"),
        encoding="utf-8",
    )
    assert site.build().path == "fast"
    site.same_as_clean()
    assert site.index().registry == registry_for(site.settings())


def tal_area_is_fast(site: Bulletin) -> None:
    """The area of ताल, a station without notes, edited after a build:
    fast, the files a clean build writes, and only those its area is on.
    """
    before = tree(site.output)
    area = TAL.replace('area = "आलोट"', 'area = "ताल अनुभाग"')
    why = "registry/thanas.toml: the area of ताल (0 note pages)"
    edited_fast(site, THANAS, TAL, area, why)
    after = site.same_as_clean()
    assert changed(before, after) == {
        "thana/tal/index.html",
        "thana/index.html",
        "feeds/thana/tal.atom.xml",
        "feeds/thana/tal.rss.xml",
        "whatsapp/index.html",
    }


# the search index is made from note pages alone: a station without notes
# changes none of them
@pytest.mark.parametrize("more", [{}, {"SEARCH": {"index": True, "block": 3}}])
def test_the_area_of_a_station_without_notes_is_fast(tmp_path, more):
    site = Bulletin(tmp_path / "b", **more)
    site.build()
    tal_area_is_fast(site)


JAORA_SPELT = "registry/thanas.toml: the other spellings of जावरा शहर (no note page)"


def test_a_stations_other_spellings_are_fast_and_change_no_page(tmp_path):
    """No page prints them (the search page reads them from the search
    index's spellings.json, which a build without the index has not)."""
    site = Bulletin(tmp_path / "b")
    site.build()
    before = tree(site.output)
    # one spelling added, one taken away (no note names it)
    site.replace(THANAS, 'aliases = ["जावरा सिटी"]', 'aliases = ["जावरा नगर"]')
    result = site.build()
    assert (result.path, result.why) == ("fast", JAORA_SPELT)
    after = site.same_as_clean()
    assert changed(before, after) == set()
    # the index took the new registry: the next build sees no change
    assert site.index().registry == registry_for(site.settings())


def test_a_spelling_taken_away_that_a_note_names_takes_the_full_path(tmp_path):
    """A published note naming its station by a spelling taken away no
    longer passes the checks: the full build, which stops and says so."""
    site = Bulletin(tmp_path / "b")
    note = site.content / "notes" / "2026" / "siti.md"
    note.write_text(
        note_text(slug="siti-khabar", date="2026-11-20 09:00", thana="जावरा सिटी"),
        encoding="utf-8",
    )
    site.build()
    site.replace(THANAS, 'aliases = ["जावरा सिटी"]', 'aliases = ["जावरा नगर"]')
    decision = site.decide(THANAS)
    why = "notes/2026/siti.md does not name its station by a name it still has"
    assert (decision.fast, decision.why) == (False, f"{THANAS}: {why}")


def test_a_spelling_taken_away_that_a_group_names_stops_as_the_full_build(tmp_path):
    """groups.toml may name a station by a spelling (the join page's
    groups): taken away, the full build stops and says so; so does this
    build, not the fast path writing a site the full build refuses."""
    site = Bulletin(tmp_path / "b")
    groups = "registry/groups.toml"
    site.replace(groups, 'thanas = ["जावरा शहर"]', 'thanas = ["जावरा सिटी"]')
    site.build()
    site.replace(THANAS, 'aliases = ["जावरा सिटी"]', 'aliases = ["जावरा नगर"]')
    with pytest.raises(BuildFailed, match="जावरा सिटी"):
        site.build()
    shutil.rmtree(site.output.parent)
    with pytest.raises(BuildFailed, match="जावरा सिटी"):
        site.build()


def test_the_area_of_a_station_with_a_draft_takes_the_full_path(tmp_path):
    site = Bulletin(tmp_path / "b")
    site.build()
    site.replace(THANAS, 'area = "आलोट"', 'area = "आलोट अनुभाग"')
    result = site.build()
    assert (result.path, result.why) == (
        "full",
        (
            "registry/thanas.toml: notes/2026/draft.md is not published and its "
            "page may name the station"
        ),
    )
    assert "आलोट अनुभाग" in (
        site.output / "drafts" / "adhoori" / "index.html"
    ).read_text(encoding="utf-8")
    site.same_as_clean()


def twins(thana: str, title: str, *days: str) -> dict[str, str]:
    """Notes of `thana` without `slug:`, with the same title, one on each day
    (at 10:00): the second one's address is the title's with `-2`.
    """
    return {
        f"2026/twin-{i}.md": note_text(
            slug=None, title=title, thana=thana, date=f"{day} 10:00"
        )
        for i, day in enumerate(days, start=1)
    }


def test_the_area_of_a_station_with_notes_named_from_one_title_is_full(tmp_path):
    """Two notes without `slug:` and with the same title: the second one's
    address is the title's with `-2`; built alone, it could be given the
    title's own.
    """
    site = Bulletin(
        tmp_path / "b",
        twins("बिलपांक", "बिलपांक थाने में बैठक", "2026-07-01", "2026-07-02"),
    )
    site.build()
    site.replace(THANAS, 'area = "रतलाम ग्रामीण"', 'area = "रतलाम ग्रामीण अंचल"')
    result = site.build()
    assert result.path == "full"
    assert result.why.startswith("registry/thanas.toml: the address of notes/2026/")
    assert result.why.endswith(" may be made from its title beside another note's")
    site.same_as_clean()


def drop_cards(site: Bulletin) -> None:
    """The site's index, keeping the cards of the newest notes only (a
    small site's index keeps every card; a large one's does not).
    """
    path = site_index.index_path(site.settings(), site.output)
    index = site.index()
    newest = {n.path for n in index.notes[:2]}
    cards = {p: c for p, c in index.cards.items() if p in newest}
    site_index.save(dataclasses.replace(index, cards=cards), path)


def test_a_categorys_description_is_fast_and_writes_what_a_full_build_writes(
    tmp_path,
):
    """A category's description is on its list's front page alone (the
    numbered pages describe themselves), its line on the categories' page
    and its feed: only they change, and no card is read again however few
    the index keeps (its front page's are always kept).
    """
    site = Bulletin(tmp_path / "b")
    site.build()
    before = tree(site.output)
    # the index keeps the cards of the newest notes only (a large site's
    # keeps no card of most notes of a long list)
    drop_cards(site)
    site.replace(CATEGORIES, YATAYAT, 'description = "सड़क पर यातायात जागरूकता')
    result = site.build()
    # six notes of यातायात, two a page: its front page and pages 1-3
    assert (result.path, result.why) == (
        "fast",
        "registry/categories.toml: the description of यातायात (its list's first page)",
    )
    after = site.same_as_clean()
    assert changed(before, after) == {
        "shreni/yatayat/index.html",
        "shreni/index.html",
        "feeds/shreni/yatayat.atom.xml",
        "feeds/shreni/yatayat.rss.xml",
    }
    older = read_html(site.output / "shreni/yatayat/page/1/index.html")
    assert "सड़क पर यातायात" not in str(older)


def test_a_categorys_description_reads_no_card_however_many_its_list_shows(
    tmp_path, monkeypatch
):
    """The bound on the cards an edit reads again (MAX_READS) does not reach
    a category's description: its numbered pages, whose cards the index
    does not keep, do not change.
    """
    site = Bulletin(tmp_path / "b")
    site.build()
    drop_cards(site)
    monkeypatch.setattr(fast_run, "MAX_READS", 0)
    site.replace(CATEGORIES, YATAYAT, 'description = "सड़क पर यातायात जागरूकता')
    result = site.build()
    assert (result.path, result.why) == (
        "fast",
        "registry/categories.toml: the description of यातायात (its list's first page)",
    )
    site.same_as_clean()


def test_a_categorys_description_whose_front_page_card_is_not_kept_is_full(
    tmp_path,
):
    """An index without the card of a note the category's front page shows
    (the index always keeps them: site_index.cards_kept) cannot make the
    page: the full build, saying which card.
    """
    site = Bulletin(tmp_path / "b")
    site.build()
    path = site_index.index_path(site.settings(), site.output)
    index = site.index()
    # its front page shows note-8 and note-7; note-8, the newest note, is
    # built alone for the pages' context (its card comes from that build)
    cards = {p: c for p, c in index.cards.items() if p != "notes/2026/note-7.md"}
    assert len(cards) == len(index.cards) - 1
    site_index.save(dataclasses.replace(index, cards=cards), path)
    site.replace(CATEGORIES, YATAYAT, 'description = "सड़क पर यातायात जागरूकता')
    result = site.build()
    assert result.path == "full"
    assert result.why == (
        "the fast path stopped: the card of notes/2026/note-7.md is not at hand"
    ), result.why
    site.same_as_clean()


def test_a_registry_edit_beyond_the_bound_takes_the_full_path(tmp_path, monkeypatch):
    site = Bulletin(tmp_path / "b")
    site.build()
    monkeypatch.setattr(fast_registry, "MAX_STATION_PAGES", 3)
    site.replace(THANAS, NAMLI, NAMLI.replace("रतलाम ग्रामीण", "रतलाम ग्रामीण अंचल"))
    result = site.build()
    assert (result.path, result.why) == (
        "full",
        (
            "registry/thanas.toml: the area of नामली: on 4 note pages "
            "(more than 3 built again)"
        ),
    )
    site.same_as_clean()


@pytest.mark.parametrize(
    "rel, old, new, why",
    [
        (
            THANAS,
            NAMLI,
            NAMLI.replace('slug = "namli"', 'slug = "namli-thana"'),
            "an entry was added, removed, renamed or moved (addresses change)",
        ),
        (
            THANAS,
            TAL,
            TAL.replace('name = "ताल"', 'name = "ताल थाना"'),
            "an entry was added, removed, renamed or moved (addresses change)",
        ),
        (
            THANAS,
            TAL,
            f'{TAL}\n\n[[thana]]\nname = "नया थाना"\nslug = "naya"\narea = "आलोट"',
            "an entry was added, removed, renamed or moved (addresses change)",
        ),
        (
            CATEGORIES,
            'slug = "yatayat"',
            'slug = "yatayat-niyam"',
            "an entry was added, removed, renamed or moved (addresses change)",
        ),
        (
            THANAS,
            'state = "मध्य प्रदेश"',
            'state = "म.प्र."',
            "the district changed (every note page names it)",
        ),
        (
            THANAS,
            'area = "आलोट"',
            'area = "आलोट अनुभाग"',
            # आलोट and ताल
            "2 entries changed (one is fast)",
        ),
    ],
)
def test_registry_edits_the_fast_path_does_not_make_take_the_full_path(
    tmp_path_factory, rel, old, new, why
):
    site = built(tmp_path_factory)
    path = site.content / rel
    text = path.read_text(encoding="utf-8")
    if why.startswith("2 entries"):
        changed_text = text.replace(old, new, 2)
    else:
        assert old in text
        changed_text = text.replace(old, new, 1)
    try:
        path.write_text(changed_text, encoding="utf-8")
        decision = site.decide(rel)
        assert (decision.fast, decision.why) == (False, f"{rel}: {why}")
    finally:
        path.write_text(text, encoding="utf-8")


_BUILT: dict[str, Bulletin] = {}


def built(tmp_path_factory) -> Bulletin:
    """One bulletin built once, for the decisions alone."""
    if "site" not in _BUILT:
        site = Bulletin(tmp_path_factory.mktemp("decisions"))
        site.build()
        _BUILT["site"] = site
    return _BUILT["site"]


# A production build with the search index on (publishconf.py, `invoke
# publish`): blocks of three notes, so that नामली's notes are in the newest
# block (note 7) and the rest of the year (notes 1, 2, 4); a note of 2025 of
# another station is the older years' part, which none of नामली's holds
SEARCHED = {**PRODUCTION, "SEARCH": {"index": True, "block": 3}}
OLDER_NOTE = {
    "2025/purani.md": note_text(
        slug="purani-khabar",
        date="2025-06-01 10:00",
        title="बिलपांक थाने की पुरानी खबर",
        thana="बिलपांक",
    )
}


def search_tree(output: Path, part: str) -> dict[str, bytes]:
    """The files of a search index part's folder (by path under it)."""
    folder = output / "pagefind" / part
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file()
    }


def assert_namli_files_changed(before: dict[str, bytes], after: dict[str, bytes]):
    """Outside the search index, the files नामली's area is on changed (its
    note pages, its list's front page, the stations' directory, its feeds, the
    join page), each with its compressed copies, and no other.
    """
    shown = NAMLI_AREA_FILES
    outside = {n for n in {*before, *after} if not n.startswith("pagefind/")}
    differ = {n for n in outside if before.get(n) != after.get(n)}
    assert {n for n in differ if not n.endswith((".gz", ".br"))} == shown
    assert {n[:-3] for n in differ if n.endswith((".gz", ".br"))} == shown


@pytest.mark.browser
def test_a_stations_area_and_spellings_with_the_search_index_on_are_fast(
    tmp_path, browser
):
    compress = {"enabled": True, "cache": str(tmp_path)}
    site = Bulletin(tmp_path / "b", OLDER_NOTE, **{**SEARCHED, "COMPRESS": compress})
    assert site.build().path == "full"
    before = tree(site.output)
    parts = {p: search_tree(site.output, p) for p in ("2026", "2026-older", "older")}
    area = NAMLI.replace("रतलाम ग्रामीण", "रतलाम ग्रामीण अंचल")
    site.replace(THANAS, NAMLI, f'{area}aliases = ["नामली कस्बा"]\n')
    result = site.build()
    assert (result.path, result.why) == (
        "fast",
        "registry/thanas.toml: the area and other spellings of नामली (4 note pages)",
    )
    # no part of the index made again: its spellings are on no note page
    assert search.LAST_RUN[-1].made == ()
    after = site.same_as_clean()
    # its note pages (JSON-LD), its list's front page, the stations'
    # directory, its feeds, the join page; the search index's spellings.json;
    # nothing else
    assert_namli_files_changed(before, after)
    assert_search_files_changed(before, after, {"pagefind/spellings.json"})
    for part, files in parts.items():
        assert search_tree(site.output, part) == files, part
    # a reader finds its notes by the new spelling
    with serving(site.output) as base:
        page = search_page(browser, base)
        try:
            found = {r["slug"] for r in results(search_here(page, "kasba"))}
        finally:
            page.context.close()
    assert found == {"khabar-1", "khabar-2", "khabar-4", "khabar-7"}


def assert_search_files_changed(
    before: dict[str, bytes], after: dict[str, bytes], files: set[str]
) -> None:
    """Of the search index, `files` changed (each with its compressed
    copies), and no other file.
    """
    searched = {n for n in {*before, *after} if n.startswith("pagefind/")}
    differ = {n for n in searched if before.get(n) != after.get(n)}
    assert {n for n in differ if not n.endswith((".gz", ".br"))} == files
    assert {n[:-3] for n in differ if n.endswith((".gz", ".br"))} <= files


@pytest.mark.browser
def test_a_stations_spellings_with_the_search_index_on_change_spellings_json_alone(
    tmp_path, browser
):
    """A spelling added to नामली: fast, no note page and no part of the
    index made again, only spellings.json; a clean build's bytes; and the
    search page finds its notes by it (and, the spelling taken away again,
    no longer)."""
    compress = {"enabled": True, "cache": str(tmp_path)}
    site = Bulletin(tmp_path / "b", OLDER_NOTE, **{**SEARCHED, "COMPRESS": compress})
    assert site.build().path == "full"
    before = tree(site.output)
    site.replace(THANAS, NAMLI, f'{NAMLI}aliases = ["नामली कस्बा"]\n')
    result = site.build()
    assert (result.path, result.why) == (
        "fast",
        "registry/thanas.toml: the other spellings of नामली (no note page)",
    )
    assert search.LAST_RUN[-1].made == ()
    after = site.same_as_clean()
    outside = {n for n in {*before, *after} if not n.startswith("pagefind/")}
    assert [n for n in outside if before.get(n) != after.get(n)] == []
    assert_search_files_changed(before, after, {"pagefind/spellings.json"})
    spelt = json.loads(after["pagefind/spellings.json"])["spellings"]
    assert "kasba" in spelt["नामली"].split()
    namli = {"khabar-1", "khabar-2", "khabar-4", "khabar-7"}

    def found(query: str) -> set[str]:
        with serving(site.output) as base:
            page = search_page(browser, base)
            try:
                return {r["slug"] for r in results(search_here(page, query))}
            finally:
                page.context.close()

    assert found("kasba") == namli
    # taken away again: fast, and the search page finds none of them by it
    site.replace(THANAS, f'{NAMLI}aliases = ["नामली कस्बा"]\n', NAMLI)
    assert site.build().path == "fast"
    assert site.same_as_clean() == before
    assert not found("kasba") & namli


def test_a_stations_area_with_the_search_index_on_makes_no_part_again(tmp_path):
    """Its area is on its note pages' JSON-LD alone, which Pagefind does
    not read: fast, every part of the index kept as it was.
    """
    compress = {"enabled": True, "cache": str(tmp_path)}
    site = Bulletin(tmp_path / "b", OLDER_NOTE, **{**SEARCHED, "COMPRESS": compress})
    assert site.build().path == "full"
    before = tree(site.output)
    namli_area_edited_fast(site)
    assert search.LAST_RUN[-1].made == ()
    after = site.same_as_clean()
    search_files = {n for n in {*before, *after} if n.startswith("pagefind/")}
    assert [n for n in search_files if before.get(n) != after.get(n)] == []
    assert_namli_files_changed(before, after)
    # the clean build above links the parts the site's search cache keeps:
    # one of a copy of the content, with a cache of its own, makes every
    # part over the new pages, and Pagefind writes the same words of each
    assert indexed_words(after) == indexed_words(own_cache_build(site))


# The files of a Pagefind index holding its pages' words and text, named by
# their bytes (its filters and metadata file are written in an order of
# Pagefind's own: README, Search)
INDEXED = (".pf_fragment", ".pf_index")


def indexed_words(files: dict[str, bytes]) -> dict[str, bytes]:
    return {n: b for n, b in files.items() if n.endswith(INDEXED)}


def own_cache_build(site: Bulletin) -> dict[str, bytes]:
    """The output of a full build of a copy of the site's content, whose
    search cache (beside the content) starts empty.
    """
    root = site.tmp / "own-cache"
    shutil.copytree(site.content, root / "content")
    output = root / "site" / "output"
    assert build_site(root / "content", output, **site.overrides).path == "full"
    files = tree(output)
    shutil.rmtree(root)
    return files


def test_a_kept_search_part_short_of_a_file_is_made_again_by_the_fast_path(
    tmp_path,
):
    """The search cache cleaned by hand (a fragment of a kept part gone): a
    station's area, which changes nothing Pagefind reads, makes that part
    again rather than take the live file away from the published index.
    """
    compress = {"enabled": True, "cache": str(tmp_path)}
    site = Bulletin(tmp_path / "b", OLDER_NOTE, **{**SEARCHED, "COMPRESS": compress})
    assert site.build().path == "full"
    before = indexed_words(tree(site.output))
    [kept] = (site.tmp / "cache" / "search" / "2026").iterdir()
    sorted(kept.rglob("*.pf_fragment"))[0].unlink()
    namli_area_edited_fast(site)
    assert search.LAST_RUN[-1].made == ("2026",)
    assert indexed_words(site.same_as_clean()) == before


@pytest.mark.parametrize("rel", [THANAS, CATEGORIES])
def test_a_registry_made_a_symbolic_link_stops_the_build_as_the_full_one(tmp_path, rel):
    """The checks refuse a link under content/ (a registry read from outside
    it): a registry replaced by a link to a copy that differs in a comment
    alone is not "changed in nothing the build reads".
    """
    site = Bulletin(tmp_path / "b")
    site.build()
    before = tree(site.output)
    path = site.content / rel
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(path.read_text(encoding="utf-8") + "\n# -\n", "utf-8")
    path.unlink()
    path.symlink_to(elsewhere)
    decision = site.decide(rel)
    assert (decision.fast, decision.why) == (
        False,
        f"{rel} is a symbolic link (the checks refuse it)",
    )
    with pytest.raises(BuildFailed, match="is a symbolic link"):
        site.build()
    assert tree(site.output) == before


def test_a_category_description_with_a_control_character_names_its_entry(tmp_path):
    """A feed cannot carry a control character: the registry's checks name
    the file, the category and the field (as for a station's area), on the
    fast path and the full one alike; the output is left as it was.
    """
    site = Bulletin(tmp_path / "b")
    site.build()
    before = tree(site.output)
    site.replace(CATEGORIES, YATAYAT, 'description = "सड़क\\u0001 यातायात जागरूकता')
    decision = site.decide(CATEGORIES)
    assert (decision.fast, decision.why) == (False, "the registries do not load")
    where = f"{site.content / CATEGORIES} [[category]] #2 [description]"
    with pytest.raises(BuildFailed, match=re.escape(where)) as stopped:
        site.build()
    assert "U+0001" in str(stopped.value)
    assert tree(site.output) == before


def test_the_area_of_a_station_without_notes_beside_a_newest_note_made_from_its_title(
    tmp_path,
):
    """The pages' context is given by a build of one published note alone:
    not the newest one when its address is made from a title another note
    without `slug:` shares (alone it could be given another).
    """
    site = Bulletin(
        tmp_path / "b",
        twins("जावरा शहर", "जावरा शहर थाने में बैठक", "2026-11-20", "2026-11-21"),
    )
    site.build()
    tal_area_is_fast(site)


def test_a_list_page_printing_the_text_of_its_notes_says_why_it_is_not_fast(
    tmp_path,
):
    """A theme whose list pages print each note's text, which the site index
    does not keep: a category's description edit stops the fast path, which
    says what the page read (fast_lists.missed_cards passes on why), and the
    full build writes what a clean one writes.
    """
    site = Bulletin(tmp_path / "b")
    listing = site.tmp / "theme" / "templates" / "listing.html"
    text = listing.read_text(encoding="utf-8")
    card = "{{ note.card_html }}"
    assert text.count(card) == 1
    addition = '\n<div class="list-text">{{ note.content }}</div>'
    listing.write_text(text.replace(card, card + addition), encoding="utf-8")
    site.build()
    site.replace(CATEGORIES, YATAYAT, 'description = "सड़क पर यातायात जागरूकता')
    result = site.build()
    assert result.path == "full"
    assert result.why.startswith("the fast path stopped: ")
    assert "content" in result.why, result.why
    site.same_as_clean()


# a description a careless desk pastes: markup, quotes, an ampersand and
# an entity, a nukta both precomposed and combining, a long text
PASTED = (
    'description = "<b>ज़रूरी</b> & \\"हेलमेट\\" \' &amp; <script>x()</script> '
    "क़ानून क\u093c " + "सड़क सुरक्षा " * 200
)
YATAYAT_FILES = {
    "shreni/yatayat/index.html",
    "shreni/index.html",
    "feeds/shreni/yatayat.atom.xml",
    "feeds/shreni/yatayat.rss.xml",
}


def yatayat_described(site: Bulletin, old: str, new: str) -> dict[str, bytes]:
    """यातायात's description edited: the fast path, the files of its
    description alone changed (and their compressed copies), every file a
    clean full build's, its feeds read by a feed parser.
    """
    before = tree(site.output)
    why = "registry/categories.toml: the description of यातायात (its list's first page)"
    edited_fast(site, CATEGORIES, old, new, why)
    after = site.same_as_clean()
    assert changed(before, after) == {
        f"{name}{end}" for name in YATAYAT_FILES for end in ("", ".gz", ".br")
    }
    for kind in ("atom", "rss"):
        feed = feedparser.parse(after[f"feeds/shreni/yatayat.{kind}.xml"])
        assert not feed.bozo, feed.bozo_exception
    return after


def test_a_pasted_description_with_the_search_index_on_and_back_again(tmp_path):
    """Production settings with the search index on: a description full of
    markup and quotes, then the old one again, each on the fast path and
    each a clean full build's output; the numbered pages keep their own
    descriptions (name, number, dates), escaped once, one a page.
    """
    site = Bulletin(tmp_path / "b", **SEARCHED)
    site.build()
    first = tree(site.output)
    yatayat_described(site, YATAYAT, PASTED)
    front = read_html(site.output / "shreni/yatayat/index.html")
    assert front.find("p", class_="lead").find("script") is None
    numbered = [
        read_html(site.output / f"shreni/yatayat/page/{n}/index.html").find(
            "meta", attrs={"name": "description"}
        )["content"]
        for n in (1, 2, 3)
    ]
    assert len(set(numbered)) == 3
    assert all(d.startswith("श्रेणी: यातायात, पृष्ठ ") for d in numbered), numbered
    again = yatayat_described(site, PASTED, YATAYAT)
    assert again == first

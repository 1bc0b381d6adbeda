"""The search index in the fast path (scripts/fast_search.py) and its parts
(plugins/search plan_shards): a fast build makes only the parts whose notes
changed and writes what a clean build writes, pagefind/ included.

Pagefind is not reproducible (its filters come out in another order on
each run), so a clean build is compared with a fast one through the search
cache they share (beside the content folder): what is checked is that the
fast path made and linked the same parts, not Pagefind's own bytes.

One site is built for the module, with the index on and blocks of three
notes (so that a few notes fill a block); each test changes it and compares
the output with a clean build of the same content. Production builds also
record addresses and compress files: both are off here, so that the search
index is what decides the path.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import SETTINGS, build_site, new_content, note_text, tree
from test_search import search_here, search_page

from plugins.search import search
from scripts import fast_search, site_index
from scripts.build import load_settings
from scripts.serve import served as serving

pytestmark = [pytest.mark.build]

BLOCK = 3
OVERRIDES = {
    "SEARCH": {"index": True, "block": BLOCK},
    "LINKS": {"record": False},
    "COMPRESS": {"enabled": False},
}


def numbered(i: int, **fields) -> str:
    """Note i of Namli, on 1 October 2026 + i hours (2025 when `year` says)."""
    year = fields.pop("year", 2026)
    fields.setdefault("title", f"नामली थाने में शिविर {i}")
    return note_text(
        slug=f"suchna-{year}-{i}",
        date=f"{year}-10-{1 + i // 24:02d} {i % 24:02d}:00",
        **fields,
    )


def about_kabaddi(i: int) -> str:
    """Note i, about a kabaddi match (the day's story)."""
    return numbered(
        i,
        title=f"नामली थाने में कबड्डी शिविर {i}",
        body="नामली में कबड्डी प्रतियोगिता हुई। कबड्डी के खिलाड़ियों को इनाम दिए गए।",
    )


# Four notes of 2026 (a closed block of three and the newest block of one)
# and two of 2025 (the older years' part). The first mentions kabaddi in
# passing; the newest is about it.
NOTES = {
    "2026/n1.md": numbered(1, body="शिविर के बाद लोग मैदान पर कबड्डी देखने गए।"),
    **{f"2026/n{i}.md": numbered(i) for i in (2, 3)},
    "2026/n4.md": about_kabaddi(4),
    **{f"2025/n{i}.md": numbered(i, year=2025) for i in (1, 2)},
}


@dataclasses.dataclass
class Site:
    tmp: Path
    content: Path
    output: Path

    def build(self):
        return build_site(self.content, self.output, **OVERRIDES)

    def add(self, rel: str, text: str) -> None:
        path = self.content / "notes" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def clean(self, name: str) -> dict[str, bytes]:
        """A clean build of the content as it is (its own output and cache)."""
        out = self.tmp / name / "output"
        result = build_site(self.content, out, **OVERRIDES)
        assert result.path == "full"
        return tree(out)

    def parts(self) -> list[tuple[str, list[str], list[str]]]:
        listed = json.loads((self.output / "pagefind" / "shards.json").read_text())
        return [(s["name"], s["years"], s["parts"]) for s in listed["shards"]]

    def inodes(self, part: str) -> dict[str, int]:
        folder = self.output / "pagefind" / part
        return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    tmp = tmp_path_factory.mktemp("fast-search")
    built = Site(tmp, new_content(tmp, NOTES), tmp / "site" / "output")
    assert built.build().path == "full"
    return built


def assert_same_as_clean(site: Site, name: str) -> None:
    placed = tree(site.output)
    fresh = site.clean(name)
    assert placed.keys() == fresh.keys()
    assert [n for n in placed if placed[n] != fresh[n]] == []


def test_the_parts_are_the_newest_block_the_rest_of_its_year_and_older_years():
    dates = {
        f"2026/10/n{i}/index.html": f"2026-10-01T{i:02d}:00:00+05:30"
        for i in range(1, 8)
    }
    dates["2025/03/x/index.html"] = "2025-03-01T10:00:00+05:30"
    shards = search.plan_shards(dates, split=True, block=3)
    assert [(s.name, s.years, [p.name for p in s.parts]) for s in shards] == [
        ("2026", ("2026",), ["2026", "2026-older"]),
        ("older", ("2025",), ["older"]),
    ]
    newest, rest = shards[0].parts
    assert newest.rels == ("2026/10/n7/index.html",)  # 7 = 2 blocks of 3 + 1
    assert len(rest.rels) == 6
    # by date, not by path: a note whose path sorts first but is newest
    dates["2026/10/a/index.html"] = "2026-10-02T09:00:00+05:30"
    newest, rest = search.plan_shards(dates, split=True, block=3)[0].parts
    assert newest.rels == ("2026/10/a/index.html", "2026/10/n7/index.html")
    # a full block stays the newest until the next note: 1 to `block` notes
    del dates["2026/10/a/index.html"], dates["2026/10/n7/index.html"]
    newest, rest = search.plan_shards(dates, split=True, block=3)[0].parts
    assert newest.rels == tuple(f"2026/10/n{i}/index.html" for i in (4, 5, 6))
    # block 0: the newest year is one part, as before the split
    assert [p.name for p in search.plan_shards(dates, True, 0)[0].parts] == ["2026"]
    assert [s.name for s in search.plan_shards(dates, False, 3)] == ["all"]


def test_a_page_record_carries_its_notes_date(site):
    page = site.output / "2026" / "10" / "suchna-2026-1" / "index.html"
    record = search.search_page("x", page.read_bytes())
    assert record.marked
    assert record.date == "2026-10-01T01:00:00+05:30"


def test_the_full_build_lists_every_part(site):
    assert site.parts() == [
        ("2026", ["2026"], ["2026", "2026-older"]),
        ("older", ["2025"], ["older"]),
    ]


def test_a_new_note_is_fast_and_makes_only_the_newest_block(site):
    older = site.inodes("older")
    rest = site.inodes("2026-older")
    newest = site.inodes("2026")
    site.add("2026/n5.md", about_kabaddi(5))
    result = site.build()
    assert (result.path, result.why) == ("fast", "only new notes since the last build")
    assert search.LAST_RUN[-1].made == ("2026",)
    # the parts whose notes did not change keep their files as they were
    assert site.inodes("older") == older
    assert site.inodes("2026-older") == rest
    assert site.inodes("2026") != newest
    assert_same_as_clean(site, "clean-new")


@pytest.mark.browser
def test_the_search_page_finds_the_new_note(site, browser):
    with serving(site.output) as base:
        page = search_page(browser, base)
        try:
            # best match first: the newest block's notes about kabaddi come
            # before the year's earlier note that mentions it once, though
            # Pagefind, scoring each part by its own counts, gives that one
            # the higher score (review 16h, S2)
            search_here(page, "कबड्डी")
            links = page.eval_on_selector_all(
                "#khoj-results li a", "els => els.map(a => a.getAttribute('href'))"
            )
            assert sorted(links[:2]) == [
                "/2026/10/suchna-2026-4/",
                "/2026/10/suchna-2026-5/",
            ]
            assert links[2:] == ["/2026/10/suchna-2026-1/"]
            # newest first lists the newest block's notes before the year's
            # earlier ones
            search_here(page, "शिविर", kram="naye")
            links = page.eval_on_selector_all(
                "#khoj-results li a", "els => els.map(a => a.getAttribute('href'))"
            )
            assert links[:5] == [f"/2026/10/suchna-2026-{i}/" for i in (5, 4, 3, 2, 1)]
        finally:
            page.context.close()


def test_a_note_that_starts_a_new_block_makes_the_rest_of_its_year(site):
    site.add("2026/n6.md", numbered(6))  # the block of 4, 5, 6 is full
    assert site.build().path == "fast"
    older = site.inodes("older")
    site.add("2026/n7.md", numbered(7))  # 7 starts the next block
    result = site.build()
    assert (result.path, result.why) == ("fast", "only new notes since the last build")
    assert search.LAST_RUN[-1].made == ("2026", "2026-older")
    assert site.inodes("older") == older
    entry = json.loads(
        (site.output / "pagefind/2026-older/pagefind-entry.json").read_text()
    )
    assert entry["languages"]["hi"]["page_count"] == 6
    assert_same_as_clean(site, "clean-block")


def test_an_edit_of_an_older_years_note_makes_the_older_part(site):
    rest = site.inodes("2026-older")
    site.add("2025/n1.md", numbered(1, year=2025, body="पुराना समाचार, नया शब्द।"))
    result = site.build()
    assert (result.path, result.why) == ("fast", "one note edited (notes/2025/n1.md)")
    assert search.LAST_RUN[-1].made == ("older",)
    assert site.inodes("2026-older") == rest
    assert_same_as_clean(site, "clean-edit")


def test_live_parts_must_hold_the_pages_the_site_index_gives_them(site, tmp_path):
    """The fast path plans the parts from the site index's notes and keeps
    the live parts it does not make: were one to hold other pages than
    that plan gives it, the build is the full one."""
    settings = load_settings(
        SETTINGS,
        {
            "PATH": str(site.content),
            "OUTPUT_PATH": str(site.output),
            "CACHE_PATH": str(site.output.parent / "cache"),
            **OVERRIDES,
        },
    )
    index, why = site_index.load(site_index.index_path(settings, site.output))
    assert index is not None, why
    dates = fast_search.note_dates(index.notes)
    plan = search.plan_shards(dates, True, BLOCK)
    # the plan from the index is the full build's, from the pages
    pages = search.page_records(site.output)
    assert plan == search.plan_shards(search.marked_notes(pages), True, BLOCK)
    assert (
        search.shards_data(plan) == (site.output / "pagefind/shards.json").read_bytes()
    )
    folder = tmp_path / "pagefind"
    shutil.copytree(site.output / "pagefind", folder)
    assert fast_search.counts_differ(folder, plan) == ""
    entry = folder / "2026-older" / "pagefind-entry.json"
    data = json.loads(entry.read_text())
    data["languages"]["hi"]["page_count"] -= 1
    entry.write_text(json.dumps(data))
    assert fast_search.counts_differ(folder, plan) == (
        "the search index's part 2026-older holds 5 pages, the site index's notes 6"
    )


def test_the_first_note_of_a_new_year_is_the_full_build(tmp_path):
    """The search page lists the years a reader can filter by: a note of a
    year no note had is built by the full build (review 16h, S1)."""
    notes = {f"2025/n{i}.md": numbered(i, year=2025) for i in (1, 2)}
    content = new_content(tmp_path, notes)
    output = tmp_path / "site" / "output"
    assert build_site(content, output, **OVERRIDES).path == "full"
    (content / "notes" / "2026").mkdir()
    (content / "notes" / "2026" / "n1.md").write_text(numbered(1), encoding="utf-8")
    result = build_site(content, output, **OVERRIDES)
    assert (result.path, result.why) == (
        "full",
        "the fast path stopped: a note of a new year: the search page lists the years",
    )
    assert "<option>2026</option>" in (output / "khoj/index.html").read_text("utf-8")
    clean = tmp_path / "clean" / "output"
    assert build_site(content, clean, **OVERRIDES).path == "full"
    assert tree(output) == tree(clean)


def test_with_one_part_for_the_newest_year_a_new_note_remakes_it_fast(tmp_path):
    """SEARCH block 0 (the newest year in one part): a new note is fast, and
    the newest year's part made again is a clean build's."""
    one_part = {**OVERRIDES, "SEARCH": {"index": True, "block": 0}}
    content = new_content(tmp_path, NOTES)
    output = tmp_path / "site" / "output"
    assert build_site(content, output, **one_part).path == "full"
    older = tree(output / "pagefind" / "older")
    (content / "notes" / "2026" / "n5.md").write_text(numbered(5), encoding="utf-8")
    result = build_site(content, output, **one_part)
    assert (result.path, result.why) == ("fast", "only new notes since the last build")
    listed = json.loads((output / "pagefind" / "shards.json").read_text())
    assert [s["parts"] for s in listed["shards"]] == [["2026"], ["older"]]
    assert tree(output / "pagefind" / "older") == older
    clean = tmp_path / "clean" / "output"
    assert build_site(content, clean, **one_part).path == "full"
    assert tree(output) == tree(clean)


@pytest.mark.browser
def test_best_match_lists_the_newest_blocks_notes_about_the_words_first(
    browser, tmp_path
):
    """The day's story told by the newest notes: Pagefind weighs a word by
    its own index's counts, so a word in each of the newest block's notes
    scored them below every earlier note of the year that mentions it once;
    the page lists the newest block's results first (review 16h, S2)."""
    notes = {
        f"2026/n{i}.md": numbered(
            i,
            body="नामली पुलिस ने गश्त की। "
            + ("मैदान पर कबड्डी देख रहे लोगों से बात की।" if i % 5 == 0 else "थाने में बैठक हुई।"),
        )
        for i in range(1, 21)
    }
    for i in (21, 22, 23):
        notes[f"2026/n{i}.md"] = numbered(
            i,
            title=f"नामली में कबड्डी प्रतियोगिता {i}",
            body="नामली में कबड्डी प्रतियोगिता हुई। कबड्डी की टीमों ने भाग लिया।",
        )
    output = tmp_path / "output"
    build_site(
        new_content(tmp_path, notes),
        output,
        **{**OVERRIDES, "SEARCH": {"index": True, "block": 5}},
    )
    listed = json.loads((output / "pagefind" / "shards.json").read_text())
    assert listed["shards"][0]["parts"] == ["2026", "2026-older"]
    with serving(output) as base:
        page = search_page(browser, base)
        try:
            search_here(page, "कबड्डी")
            links = page.eval_on_selector_all(
                "#khoj-results li a", "els => els.map(a => a.getAttribute('href'))"
            )
            # the list of indexes changes while the page is open (a build):
            # the next search reads it again; and a list written before the
            # newest year had parts names each index alone
            listing = output / "pagefind" / "shards.json"
            listing.write_text(
                json.dumps({"shards": [{"name": "2026", "years": ["2026"]}]})
            )
            # a build writes it later than the page read it: the test server
            # compares whole seconds (If-Modified-Since), so within the same
            # second it would answer "not modified"
            later = listing.stat().st_mtime + 2
            os.utime(listing, (later, later))
            search_here(page, "कबड्डी")
            alone = page.eval_on_selector_all(
                "#khoj-results li a", "els => els.map(a => a.getAttribute('href'))"
            )
        finally:
            page.context.close()
    assert sorted(alone) == sorted(links[:3])
    slugs = [link.split("/")[-2] for link in links]
    assert sorted(slugs[:3]) == [f"suchna-2026-{i}" for i in (21, 22, 23)]
    assert sorted(slugs[3:]) == sorted(f"suchna-2026-{i}" for i in (5, 10, 15, 20))


def test_the_kept_index_key_covers_pagefinds_arguments(monkeypatch):
    """A part kept in the cache was made with Pagefind's arguments of then:
    other arguments, another key (review 16h, M4)."""
    page = search.SearchPage("2026/10/x/index.html", "00" * 32, True, "")
    before = search.index_key([page], "1.5.2")
    assert search.index_key([page], "1.5.2") == before
    more = (*search.PAGEFIND_ARGS, "--exclude-selectors", "nav")
    monkeypatch.setattr(search, "PAGEFIND_ARGS", more)
    assert search.index_key([page], "1.5.2") != before


def test_with_production_settings_a_new_note_is_fast_and_as_a_clean_build(tmp_path):
    """Recording addresses and compressed copies on, as `invoke publish`
    builds: the search parts' copies (pagefind.js.gz…) are kept with their
    files and removed with them."""
    production = {
        **OVERRIDES,
        "LINKS": {"record": True},
        "COMPRESS": {"enabled": True},
    }
    content = new_content(tmp_path, NOTES)
    output = tmp_path / "site" / "output"
    assert build_site(content, output, **production).path == "full"
    assert (output / "pagefind/2026/pagefind.js.gz").is_file()
    for i in (5, 6, 7):  # the last starts a new block: every 2026 part again
        (content / "notes" / "2026" / f"n{i}.md").write_text(numbered(i), "utf-8")
        result = build_site(content, output, **production)
        assert (result.path, result.why) == (
            "fast",
            "only new notes since the last build",
        )
    assert search.LAST_RUN[-1].made == ("2026", "2026-older")
    clean = tmp_path / "clean" / "output"
    assert build_site(content, clean, **production).path == "full"
    placed, fresh = tree(output), tree(clean)
    assert placed.keys() == fresh.keys()
    assert [n for n in placed if placed[n] != fresh[n]] == []


def test_a_killed_builds_scratch_folders_go_and_a_running_ones_stay(tmp_path):
    """make_bundle's scratch folders of a build killed while Pagefind ran are
    removed by the next build's tidying; a running build's are kept."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    part = tmp_path / "2026"
    names = {
        "kept-key": True,
        "old-key": False,
        f".kept-key.{dead.pid}.partial": False,
        f".kept-key.{dead.pid}.pages": False,
        f".kept-key.{os.getpid()}.partial": True,
        ".hidden-by-hand": True,
    }
    for name in names:
        (part / name).mkdir(parents=True)
    search.forget_others(part, {"kept-key"})
    assert {p.name for p in part.iterdir()} == {n for n, kept in names.items() if kept}

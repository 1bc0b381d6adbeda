"""The site index a full build leaves, the FAST CASE check that reads it,
and the placement journal of a fast build (scripts/site_index.py,
scripts/fast_build.py, scripts/placement.py).

One small bulletin is built once for the module; each check of the FAST
CASE adds files under its content folder and takes them away again (a
removed addition leaves the stamps the index holds as they were). Edits of
files the index knows are checked last, each followed by a rebuild.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support import (
    ROOT,
    SETTINGS,
    build_site,
    forget_logged_warnings,
    new_content,
    note_text,
    tree,
)

from plugins.core.clock import build_now
from plugins.core.contract import SEO_RECORDS
from plugins.core.header import scan_header
from plugins.core.records import Ref
from plugins.press_notes.press_notes import registry_for
from scripts import fast_build, fast_lists, fast_notes, fast_run, placement, site_index
from scripts.build import load_settings, report

pytestmark = [pytest.mark.build]

NOTES = {
    "2026/a.md": note_text(slug="pehli-khabar", date="2026-10-05 10:30"),
    "2026/b.md": note_text(
        slug="doosri-khabar",
        date="2026-10-06 11:00",
        title="आलोट थाने में बैठक",
        thana="आलोट",
    ),
    "2026/draft.md": note_text(slug="adhoori", status="draft", title=""),
}
NEW = {"slug": "nayi-khabar", "date": "2026-11-20 09:00", "title": "नई खबर"}


@dataclasses.dataclass
class Site:
    tmp: Path
    content: Path
    output: Path
    overrides: dict

    @property
    def paths(self) -> dict:
        return {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "CACHE_PATH": str(self.output.parent / "cache"),
        }

    def settings(self, **more) -> dict:
        return load_settings(SETTINGS, {**self.paths, **self.overrides, **more})

    def index(self) -> site_index.SiteIndex:
        settings = self.settings()
        path = site_index.index_path(settings, self.output)
        index, why = site_index.load(path, with_records=True)
        assert index is not None, why
        return index

    def decide(self, **more) -> fast_build.Decision:
        settings = self.settings(**more)
        index, why = site_index.load(site_index.index_path(settings, self.output))
        return fast_build.decide(settings, self.output, index, why)

    def build(self):
        return build_site(self.content, self.output, **self.overrides)

    @contextmanager
    def added(self, files: dict[str, str | bytes]) -> Iterator[None]:
        """Files added under content/ for the time of a check."""
        for rel, data in files.items():
            path = self.content / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        try:
            yield
        finally:
            for rel in files:
                (self.content / rel).unlink()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    tmp = tmp_path_factory.mktemp("fast")
    content = new_content(tmp, NOTES)
    shutil.copytree(ROOT / "theme", tmp / "theme")
    # one note a list page: new notes fill numbered pages, which must keep
    # their notes (stable pagination) while the front pages change
    overrides = {"THEME": str(tmp / "theme"), "LISTINGS": {"page_size": 1}}
    built = Site(tmp, content, tmp / "site" / "output", overrides)
    result = built.build()
    assert (result.path, result.why) == (
        "full",
        "no site index (the first build, or the last one failed)",
    )
    return built


@pytest.fixture(autouse=True)
def same_day(request) -> None:
    """The fast path is for builds on the day of the last full build (in
    the bulletin's time zone). When the clock passes midnight between the
    module's build and a test, the module's site is built again first (a
    full build, for that reason), so that the test sees what it was written
    for.
    """
    if "site" not in request.fixturenames:
        return
    built = request.getfixturevalue("site")
    if built.index().day != build_now(built.settings()).date():
        result = built.build()
        assert (result.path, result.why) == (
            "full",
            "the last build was on another day",
        )


def test_a_full_build_leaves_an_index_of_its_published_notes_and_content(site):
    index = site.index()
    assert [n.slug for n in index.notes] == ["doosri-khabar", "pehli-khabar"]
    second = index.notes[0]
    assert second.url == "2026/10/doosri-khabar/"
    assert second.save_as == "2026/10/doosri-khabar/index.html"
    assert (site.output / second.save_as).is_file()
    assert (second.thana.slug, second.category.slug) == ("alot", "yatayat")
    assert [t.slug for t in second.tags] == ["helmet", "sadak-suraksha"]
    assert (second.thana.url, second.tags[0].url) == ("thana/alot/", "tag/helmet/")
    assert second.path == "notes/2026/b.md"
    assert index.newest == second.date
    # the draft has no page, but its slug is taken
    assert "adhoori" in index.slugs
    files = {
        str(p.relative_to(site.content)) for p in site.content.rglob("*") if p.is_file()
    }
    assert set(index.stamps) == files
    assert index.output[0] == str(site.output.resolve())
    assert not index.scheduled_waiting


def test_the_index_stays_small(site):
    entry = site.index().notes[0]
    notes = site_index.shared_refs(
        dataclasses.replace(entry, path=f"notes/{n}.md", slug=f"khabar-{n}")
        for n in range(1000)
    )
    size = len(pickle.dumps(notes, protocol=pickle.HIGHEST_PROTOCOL)) / len(notes)
    # each station, category and tag is kept once: a note's entry is a few
    # hundred bytes, and 50,000 notes fit in tens of MB
    assert size < 300, size


@dataclasses.dataclass(frozen=True)
class _Held:
    """A frozen record holding Refs, as the plugins' records do."""

    station: Ref
    tags: tuple[Ref, ...]
    inner: _Held | None = None


@dataclasses.dataclass
class _Open:
    """A record that is not frozen: always a copy when it holds a Ref."""

    station: Ref


def test_a_ref_is_held_once_whichever_object_names_it_and_however_often():
    a = Ref("ratlam", "रतलाम", "thana/ratlam/")
    b = Ref("jaora", "जावरा", "thana/jaora/")
    again = Ref("ratlam", "रतलाम", "thana/ratlam/")  # equal, another object
    assert again is not a
    kept: dict = {}
    one = site_index.sharer(kept)
    assert [one(r) for r in (a, again, again, b, a, again)] == [a, a, a, b, a, a]
    assert all(x is y for x, y in zip(map(one, (again, b, a)), (a, b, a), strict=True))
    # a Ref equal to one another sharer of the same `kept` holds: that one
    assert site_index.sharer(kept)(Ref("jaora", "जावरा", "thana/jaora/")) is b
    # a changed value is another Ref, held apart
    moved = Ref("ratlam", "रतलाम", "thana/ratlam-city/")
    assert one(moved) is moved and kept[moved] is moved


def test_a_record_holding_only_held_refs_is_kept_and_others_hold_the_held_ones():
    a, t = Ref("ratlam", "रतलाम", "thana/ratlam/"), Ref("chori", "चोरी", "tag/chori/")
    kept = {a: a, t: t}
    same = _Held(a, (t,), _Held(a, ()))
    assert site_index.shared_in(same, kept) is same
    copy = _Held(
        Ref("ratlam", "रतलाम", "thana/ratlam/"),
        (t, Ref("chori", "चोरी", "tag/chori/")),
        _Held(Ref("ratlam", "रतलाम", "thana/ratlam/"), ()),
    )
    shared = site_index.shared_in(copy, kept)
    assert shared == copy and shared is not copy
    assert shared.station is a and all(x is t for x in shared.tags)
    assert shared.inner is not None and shared.inner.station is a
    # equal Refs that are not the held ones, in a tuple alone: a copy too
    tagged = _Held(a, (Ref("chori", "चोरी", "tag/chori/"),))
    shared = site_index.shared_in(tagged, kept)
    assert shared == tagged and shared is not tagged and shared.tags[0] is t
    # a record that can change is copied, as before
    open_record = _Open(a)
    assert site_index.shared_in(open_record, kept) == open_record
    assert site_index.shared_in(open_record, kept) is not open_record
    [record] = site_index.shared_records({"r": (copy,)}, kept)["r"]
    assert record == copy and record.station is a


def test_the_index_is_read_past_the_collector_and_given_back_to_it_after(site):
    """Reading the index pauses the cyclic garbage collector and keeps the
    objects read out of its later passes (gc.freeze) until the build ends
    (thawed_after): the collector stays on.
    """
    gc.unfreeze()
    with site_index.thawed_after():
        assert site.index().notes
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_only_new_published_notes_are_the_fast_case(site, caplog):
    assert site.decide().why == "nothing under content/ changed"
    # the full build warned about the draft not ready to publish
    [warned] = site.index().warnings
    assert "draft.md" in warned
    with site.added({"notes/2026/new.md": note_text(**NEW)}):
        decision = site.decide()
        assert decision == fast_build.Decision(
            True, "only new notes since the last build", decision.notes
        )
        # every output has its maker: the build takes the fast path, and
        # says again what the full build said about the content it leaves
        forget_logged_warnings()  # Pelican's filter drops a repeated one
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            result = site.build()
        assert result.path == "fast"
        assert (result.warnings, result.warned) == (1, (warned,))
        assert [r.getMessage() for r in caplog.records] == [warned]
    assert fast_run.missing_makers() == []
    assert fast_run.missing_makers({**fast_run.MAKERS, "x": None}) == ["x"]
    # the new note is gone again: the full build
    assert site.decide().why == "notes/2026/new.md was changed or removed"
    assert site.build().path == "full"


def test_a_new_note_with_its_new_photo_is_the_fast_case(site):
    photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[0].read_bytes()
    note = note_text(**NEW, image="images/2026/nayi.jpg", image_alt="बैठक")
    with site.added({"notes/2026/new.md": note, "images/2026/nayi.jpg": photo}):
        assert site.decide().fast
    with site.added({"images/2026/other.jpg": photo}):
        assert site.decide().why == "no new note"
    with site.added({"notes/2026/new.md": note_text(**NEW), "images/x.jpg": photo}):
        why = site.decide().why
        assert why == "images/x.jpg was added and is not a new note's photo"


@pytest.mark.parametrize(
    "fields, why",
    [
        ({"date": "2026-10-06 10:00"}, "is not newer than the newest note"),
        ({"date": "2026-10-06 11:00"}, "is not newer than the newest note"),
        ({"slug": "doosri-khabar"}, "slug is taken"),
        ({"slug": "adhoori"}, "slug is taken"),
        ({"slug": None}, "has no slug: field"),
        ({"status": "draft"}, "is draft"),
        ({"status": "hidden"}, "is hidden"),
        ({"status": "scheduled", "date": "2030-01-01 10:00"}, "is scheduled"),
        # the address of the tag सड़क सुरक्षा, which the notes have
        ({"tags": "हेलमेट, सडक सुरक्षा"}, "names a tag whose address another name"),
        ({"tags": "सड़क-सुरक्षा"}, "names a tag whose address another name"),
        ({"date": "2030-01-01 10:00"}, "does not pass the checks"),
        ({"title": None}, "does not pass the checks"),
        ({"body": "देखें [पहली]({filename}a.md)"}, "links to another content file"),
        # what the full build warns the desk about, the fast one would not
        ({"review": "reporter"}, "has warnings for the desk"),
        ({"body": "Forwarded\n\nनामली में बैठक हुई।"}, "has warnings for the desk"),
        (
            {"title": "आलोट थाने में बैठक", "thana": "आलोट", "date": "2026-10-12 10:00"},
            "repeats a published note",
        ),
    ],
)
def test_a_new_note_outside_the_fast_case_takes_the_full_path(site, fields, why):
    with site.added({"notes/2026/new.md": note_text(**{**NEW, **fields})}):
        decision = site.decide()
    assert not decision.fast
    assert why in decision.why, decision.why


def test_a_new_note_the_links_know_already_is_not_the_fast_case(site, tmp_path):
    with site.added({"notes/2026/new.md": note_text(**NEW)}):
        [new] = site.decide().notes
    # the same note with an old_url line, as read and checked
    with_old_url = dataclasses.replace(
        new, header=scan_header(note_text(**NEW, old_url="/?p=12"))
    )
    registry = tmp_path / "registry"
    registry.mkdir()
    settings = site.settings(PATH=str(tmp_path))
    assert fast_build.in_links(settings, (new,)) == ""
    why = fast_build.in_links(settings, (with_old_url,))
    assert why == "notes/2026/new.md has an old_url"
    known = "notes/2026/new.md is in the links ledger or redirects already"
    row = "2026-11-01T10:00:00+05:30\t{url}\t{note}\t2026-11-01\n"
    ledger = registry / "published-urls.tsv"
    for url, note in [(new.entry.url, "notes/old.md"), ("x/", new.entry.path)]:
        ledger.write_text(row.format(url=url, note=note), encoding="utf-8")
        assert fast_build.in_links(settings, (new,)) == known
    ledger.unlink()
    redirect = f"2019/05/purana/\t{new.entry.url}\n"
    (registry / "redirects.tsv").write_text(redirect, encoding="utf-8")
    assert fast_build.in_links(settings, (new,)) == known


def test_a_production_build_after_a_development_one_is_full(site):
    with site.added({"notes/2026/new.md": note_text(**NEW)}):
        # a build that records addresses, makes compressed copies
        # (tests/test_fast_production.py) or the search index
        # (tests/test_fast_search.py) is fast; the settings differ from the
        # last build's, so this one is full
        why = "the code, theme, translations, libraries or settings changed"
        assert site.decide(LINKS={"record": True}).why == why
        assert site.decide(COMPRESS={"enabled": True}).why == why
        assert site.decide(SEARCH={"index": True}).why == why


def test_two_new_notes_need_their_own_dates_and_slugs(site):
    one = note_text(**NEW)
    same_time = note_text(**{**NEW, "slug": "teesri"})
    same_slug = note_text(**{**NEW, "date": "2026-11-21 09:00"})
    with site.added({"notes/2026/new.md": one, "notes/2026/new2.md": same_time}):
        assert site.decide().why == "two new notes have the same date"
    with site.added({"notes/2026/new.md": one, "notes/2026/new2.md": same_slug}):
        assert site.decide().why == "two new notes have the same slug"
    later = {"slug": "teesri", "date": "2026-11-21 09:00", "title": "तीसरी खबर"}
    with site.added(
        {"notes/2026/new.md": one, "notes/2026/new2.md": note_text(**{**NEW, **later})}
    ):
        assert site.decide().fast
    # two new notes that are the same news: the full build warns about it
    same_news = note_text(**{**NEW, **later, "title": NEW["title"]})
    with site.added({"notes/2026/new.md": one, "notes/2026/new2.md": same_news}):
        assert site.decide().why == "two new notes are the same news"


def test_a_file_pelican_does_not_read_as_a_note_is_not_one(site):
    settings = site.settings()
    assert fast_build.note_file("notes/2026/x.md", settings)
    assert not fast_build.note_file("notes/2026/x.txt", settings)
    assert not fast_build.note_file("notes/2026/.x.md", settings)
    assert not fast_build.note_file("notes/2026/x.krutidev.bak", settings)
    assert not fast_build.note_file("pages/x.md", settings)
    excluded = site.settings(ARTICLE_EXCLUDES=["notes/2026"])
    assert not fast_build.note_file("notes/2026/x.md", excluded)


def test_other_new_files_take_the_full_path(site):
    page = (site.content / "pages").iterdir().__next__().read_text(encoding="utf-8")
    with site.added({"pages/naya-panna.md": page}):
        assert site.decide().why == "no new note"
    with site.added({"notes/2026/new.md": note_text(**NEW), "notes/x.txt": "x"}):
        assert (
            site.decide().why == "notes/x.txt was added and is not a new note's photo"
        )


def test_site_wide_changes_take_the_full_path(site):
    with site.added({"notes/2026/new.md": note_text(**NEW)}):
        assert site.decide(SITE_DESCRIPTION="और").why == (
            "the code, theme, translations, libraries or settings changed"
        )
        assert site.decide(WHATSAPP_RUN={"now": "x"}).why == "a share run"
        other = site.tmp / "other" / "output"
        other.mkdir(parents=True)
        settings = site.settings()
        index = site.index()
        decision = fast_build.decide(settings, other, index)
        assert (
            decision.why == "the output folder is not the one the site index describes"
        )
        yesterday = dataclasses.replace(index, day=index.day.replace(year=2000))
        decision = fast_build.decide(settings, site.output, yesterday)
        assert decision.why == "the last build was on another day"
        waiting = dataclasses.replace(index, scheduled_waiting=True)
        decision = fast_build.decide(settings, site.output, waiting)
        assert decision.why == "a scheduled note has no date the site index could read"
        due = dataclasses.replace(index, scheduled=index.newest)
        decision = fast_build.decide(settings, site.output, due)
        assert decision.why == "a scheduled note came due"
        template = site.tmp / "theme" / "templates" / "base.html"
        text = template.read_text(encoding="utf-8")
        try:
            template.write_text(text + "\n", encoding="utf-8")
            assert "settings changed" in site.decide().why
        finally:
            template.write_text(text, encoding="utf-8")
        assert site.decide().fast


def test_the_site_key_holds_every_module_of_the_fast_path():
    scripts = ROOT / "scripts"
    modules = {p.name for p in scripts.glob("fast_*.py")}
    modules |= {"build.py", "site_index.py", "placement.py"}
    assert modules <= set(site_index.FAST_MODULES)
    assert all((scripts / name).is_file() for name in site_index.FAST_MODULES)


def test_a_damaged_or_missing_index_takes_the_full_path(site, tmp_path):
    path = tmp_path / "index.pickle"
    assert site_index.load(path)[1].startswith("no site index")
    path.write_bytes(b"not a pickle")
    assert site_index.load(path) == (
        None,
        "the site index is damaged (UnpicklingError)",
    )
    path.write_bytes(pickle.dumps({"format": 1}))
    assert site_index.load(path) == (None, "the site index is of another format")
    decision = fast_build.decide(site.settings(), site.output, None, "why")
    assert decision == fast_build.Decision(False, "why")


def test_placing_files_renames_them_in_and_leaves_nothing_behind(tmp_path):
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)
    (output / "old" / "index.html").write_bytes(b"old")
    (output / "keep.html").write_bytes(b"keep")
    files = {"old/index.html": b"new", "2026/11/x/index.html": b"x"}
    moved = placement.place_files(
        output, files, ["2026/11/x/index.html", "old/index.html"]
    )
    assert moved == 2
    assert tree(output) == {**files, "keep.html": b"keep"}
    assert not placement.journal_path(output).exists()
    assert not placement.staging_root(output).exists()
    assert placement.finish(output) == ""


def test_placing_removes_the_files_named_gone_and_their_empty_folders(tmp_path):
    output = tmp_path / "output"
    for rel in ("list/page/3/index.html", "list/page/2/index.html", "n/og-a.jpg"):
        (output / rel).parent.mkdir(parents=True, exist_ok=True)
        (output / rel).write_bytes(b"old")
    (tmp_path / "outside.html").write_bytes(b"x")
    files = {"n/og-b.jpg": b"b", "list/index.html": b"front"}
    with pytest.raises(ValueError):  # placed and removed
        placement.place_files(output, files, sorted(files), ["n/og-b.jpg"])
    with pytest.raises(ValueError):  # outside the output
        placement.place_files(output, files, sorted(files), ["../outside.html"])
    assert (tmp_path / "outside.html").exists()
    gone = ["list/page/3/index.html", "n/og-a.jpg"]
    assert placement.place_files(output, files, sorted(files), gone) == 4
    assert tree(output) == {**files, "list/page/2/index.html": b"old"}
    # the emptied page folder is gone too, its parent kept
    assert not (output / "list" / "page" / "3").exists()
    assert (output / "list" / "page").is_dir()
    assert not placement.journal_path(output).exists()


def test_a_placement_that_fails_before_its_journal_leaves_the_output_as_it_was(
    tmp_path,
):
    output = tmp_path / "output"
    output.mkdir()
    (output / "a.html").write_bytes(b"a")
    files = {"a.html": b"changed", "../outside.html": b"no"}
    with pytest.raises(ValueError, match="leads out"):
        placement.place_files(output, files, list(files))
    assert tree(output) == {"a.html": b"a"}
    assert not (tmp_path / "outside.html").exists()
    assert not placement.journal_path(output).exists()
    assert list(placement.staging_root(output).iterdir()) == []


def test_a_damaged_journal_is_removed_and_the_build_is_a_full_one(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    journal = placement.journal_path(output)
    journal.write_text('{"format": 1, "staging": "/etc", "moves": [["passwd", "x"]]}')
    assert "journal names a folder elsewhere" in placement.finish(output)
    assert not journal.exists()
    journal.write_text("{")
    assert "journal unreadable" in placement.finish(output)
    assert not (output / "x").exists()


def test_a_stopped_placement_is_finished_with_its_removals(tmp_path):
    """A journal left by a build stopped after writing it: the next build
    renames the staged files in and removes the files it names as gone
    (and nothing outside the output).
    """
    output = tmp_path / "output"
    (output / "list" / "page" / "2").mkdir(parents=True)
    (output / "list" / "page" / "2" / "index.html").write_bytes(b"old")
    (tmp_path / "outside.html").write_bytes(b"x")
    staging = placement.staging_root(output) / f"{placement.STAGING_PREFIX}x"
    staging.mkdir(parents=True)
    (staging / "000000").write_bytes(b"front")
    journal = {
        "format": placement.FORMAT,
        "staging": str(staging),
        "moves": [["000000", "list/index.html"]],
        "removes": ["list/page/2/index.html"],
    }
    path = placement.journal_path(output)
    path.write_text(json.dumps(journal))
    assert placement.finish(output) == (
        "finished a placement a stopped build had begun (2 files)"
    )
    assert tree(output) == {"list/index.html": b"front"}
    assert not (output / "list" / "page").exists()
    assert not path.exists()
    # a removal outside the output: the journal is damaged, nothing removed
    path.write_text(json.dumps({**journal, "removes": ["../outside.html"]}))
    why = placement.finish(output)
    assert why.startswith("a damaged placement journal was removed"), why
    assert not path.exists()
    assert (tmp_path / "outside.html").exists()


KILLED_PLACEMENT = """
import os, signal, sys
from pathlib import Path
from scripts import placement

real = os.replace
calls = []


def replace(a, b):
    real(a, b)
    calls.append(b)
    # the journal, then one file: killed before the second file is moved
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)


os.replace = replace
output = Path(sys.argv[1])
files = {"2026/11/x/index.html": b"new note", "index.html": b"new home"}
placement.place_files(output, files, list(files))
"""


def test_a_build_finishes_the_placement_a_killed_build_began(site, caplog):
    output = site.output
    before = tree(output)
    run = subprocess.run(
        [sys.executable, "-c", KILLED_PLACEMENT, str(output)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == -signal.SIGKILL
    assert placement.journal_path(output).exists()
    assert (output / "2026/11/x/index.html").read_bytes() == b"new note"
    assert (output / "index.html").read_bytes() == before["index.html"]
    # the next build rolls the placement forward first, forgets the index
    # (the build after a crash is a full one) and rebuilds the whole site
    settings = site.settings()
    with caplog.at_level(logging.INFO, logger="scripts.build"):
        result = site.build()
    assert "placement: finished a placement a stopped build had begun (1 files)" in (
        caplog.text
    )
    assert result.why.startswith("no site index")
    assert not placement.journal_path(output).exists()
    assert not placement.staging_root(output).exists()
    assert tree(output) == before
    assert site_index.load(site_index.index_path(settings, output))[0] is not None


def test_each_build_logs_its_path(site, caplog):
    with caplog.at_level(logging.INFO, logger="scripts.fast_build"):
        result = site.build()
    assert result.path == "full"
    assert f"build path: full ({result.why})" in caplog.text
    assert result.why == "nothing under content/ changed"


def add_site_photo_note(site: Site) -> None:
    """notes/2026/new.md, a note with a photo of its own (images/nayi.jpg),
    as the module's site holds it from the test below on (the same bytes
    each time: a test that needs it does not rely on an earlier one).
    """
    photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[0]
    (site.content / "images").mkdir(exist_ok=True)
    shutil.copy(photo, site.content / "images" / "nayi.jpg")
    note = note_text(**NEW, tags="हेलमेट", image="images/nayi.jpg", image_alt="बैठक")
    (site.content / "notes" / "2026" / "new.md").write_text(note, encoding="utf-8")


def test_a_new_note_changes_only_the_list_pages_planned_to_change(site):
    """The fast path's entry of a new note is the one the full build makes;
    the list pages planned from the index with it are those planned from the
    full build's notes, and a list page not planned to change comes out of
    the full build byte for byte as it was.
    """
    settings = site.settings()
    registry = registry_for(settings)
    index = site.index()
    add_site_photo_note(site)
    decision = site.decide()
    assert decision.fast
    [new] = decision.notes
    assert new.image == "images/nayi.jpg"
    before = fast_lists.planned(settings, registry, index.notes)
    notes = fast_lists.with_new(index.notes, [new.entry])
    after = fast_lists.planned(settings, registry, notes)
    env = fast_lists.theme_env(settings)
    reads = fast_lists.TemplateReads(env, settings)
    changed = fast_lists.changed_pages(before, after, reads)
    assert isinstance(changed, list)
    # planned for the new note's lists alone (as the fast path plans): the
    # same pages changed, each planned as in the whole plan; the pages of
    # the other lists are the same before and after
    only = fast_lists.lists_of(settings, [new.entry])
    assert {"tag/helmet/", "thana/namli/", "shreni/yatayat/", "2026/11/"} <= only
    ours = fast_lists.planned(settings, registry, index.notes, only)
    theirs = fast_lists.planned(settings, registry, notes, only)
    assert fast_lists.unplanned(only, ours, theirs) == ""
    assert fast_lists.changed_pages(ours, theirs, reads) == changed
    assert all(after[n] == page for n, page in theirs.items())
    assert len(theirs) < len(after)
    assert all(before[n] == after[n] for n in after.keys() - theirs.keys())
    assert fast_lists.unplanned(only | {"thana/nowhere/"}, ours, theirs) != ""
    alone = fast_notes.build_alone(
        SETTINGS, site.overrides | site.paths, settings, (new,)
    )
    [made] = alone.context["articles"]
    assert made.slug == new.entry.slug
    # the changed list pages rendered from the index's cards and the new
    # note's, with the context of the build of the new note alone
    cards = {**index.cards, new.entry.path: made.card_html}
    lists = [after[n] for n in changed]
    rendered = fast_lists.render_pages(lists, cards, alone.context, env, settings)
    assert isinstance(rendered, dict), rendered
    made_notes = {new.entry.path: made}
    home = fast_lists.home_page(notes, made_notes, cards, alone.context, env, settings)
    assert isinstance(home, bytes), home
    # every maker, as the fast path runs them
    made_by = fast_run.Made(settings, index, (new,), alone, env, build_now(settings))
    files = fast_run.make_files(made_by)
    assert isinstance(files, dict), files
    # the redirects planned after every maker, and the site's link records
    placing = fast_run.production_files(made_by, site.output, files, [])
    assert not isinstance(placing, str), placing
    links = placing[2].records
    old = tree(site.output)
    before_build = site_index.before_build(settings)
    # the reference: a full build (without the index, the build is a full one)
    site_index.forget(site_index.index_path(settings, site.output))
    assert site.build().path == "full"
    built = site.index()
    updated = fast_run.updated_index(made_by, before_build, links)
    assert isinstance(updated, site_index.SiteIndex), updated
    for part in ("notes", "slugs", "cards", "records", "stamps", "key"):
        assert getattr(updated, part) == getattr(built, part), part
    assert built.records[SEO_RECORDS].notes[0].loc.endswith("/nayi-khabar/")
    assert built.notes == notes
    assert built.notes[0] == new.entry
    # the new note's page, preview image and photo copies, made by a build
    # of the new note alone, are the full build's
    now = tree(site.output)
    assert sorted(alone.files) == sorted(
        n
        for n in set(now) - set(old)
        if n.startswith(("2026/11/nayi-khabar/", "images/nayi"))
    )
    assert "2026/11/nayi-khabar/index.html" in alone.files
    assert [n for n, data in alone.files.items() if now[n] != data] == []
    from_build = fast_lists.planned(settings, registry, built.notes)
    assert from_build.keys() == after.keys()
    assert all(
        fast_lists.page_shape(from_build[n], reads)
        == fast_lists.page_shape(after[n], reads)
        for n in after
    )
    same = [n for n in after if n not in changed]
    assert same, "every list page changed"
    assert [n for n in same if old[n] != now[n]] == []
    assert sorted(rendered) == sorted(changed)
    assert [n for n in changed if rendered[n] != now[n]] == []
    assert home == now["index.html"] != old["index.html"]
    feeds = {n for n in files if n.startswith("feeds/")}
    assert {"feeds/all.atom.xml", "feeds/thana/namli.rss.xml"} <= feeds
    assert "feeds/thana/alot.rss.xml" not in feeds
    expected = {"sitemap.xml", "robots.txt", "index.html", *changed, *alone.files}
    assert sorted(set(files) ^ expected) == sorted(feeds)
    assert [n for n, data in files.items() if now.get(n) != data] == []
    # a newer note without a photo: the lead story stays the note with one
    later = dataclasses.replace(new.entry, path="notes/later.md", image="")
    later = dataclasses.replace(later, date=later.date.replace(day=21))
    newer = fast_lists.with_new(built.notes, [later])
    why = fast_lists.home_page(newer, {}, cards, alone.context, env, settings)
    assert why == "the home page's lead story is an older note"
    assert all(old.get(n) != now[n] for n in changed)
    assert "tag/helmet/index.html" in changed
    assert "tag/sadak-suraksha/index.html" not in changed
    # the category had two notes on two numbered pages: the new note makes a
    # third, the second's "newer" link changes, the first keeps its page
    assert "shreni/yatayat/page/3/index.html" in changed
    assert "shreni/yatayat/page/2/index.html" in changed
    assert "shreni/yatayat/page/1/index.html" in same


def test_a_fast_build_places_what_its_makers_make_and_updates_the_index(site, caplog):
    """A fast build: the files it places are those a full build writes,
    byte for byte, and the full build that follows changes nothing.
    """
    settings = site.settings()
    index = site.index()
    # a note with a photo, published by the full build below
    add_site_photo_note(site)
    # a file put into the output by hand: the full build replaces the whole
    # output
    (site.output / "news-sitemap.xml").write_bytes(b"<urlset/>")
    fields = {"slug": "teesri-x", "date": "2026-11-22 10:00"}
    (site.content / "notes" / "2026" / "teesri-x.md").write_text(
        note_text(**{**NEW, **fields}), "utf-8"
    )
    result = site.build()
    assert (result.path, result.why) == (
        "full",
        "the output folder was changed outside a build",
    )
    assert not (site.output / "news-sitemap.xml").exists()
    index = site.index()
    # a photo another note has already (it may be a draft's, kept private)
    known = note_text(**NEW, image="images/nayi.jpg", image_alt="बैठक")
    with site.added({"notes/2026/known.md": known}):
        assert site.decide().why == "images/nayi.jpg is not a new photo"
    # with a photo: the home page's lead story
    photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[1]
    shutil.copy(photo, site.content / "images" / "chauthi.jpg")
    fields = {
        "slug": "chauthi",
        "date": "2026-11-23 09:00",
        "image_alt": "थाना",
        "title": "चौथी खबर",
    }
    note = note_text(**{**NEW, **fields, "image": "images/chauthi.jpg"})
    (site.content / "notes" / "2026" / "chauthi.md").write_text(note, "utf-8")
    before = site_index.before_build(settings)
    decision = fast_build.decide(settings, site.output, index, "", before)
    assert decision.fast, decision.why
    old = tree(site.output)
    with caplog.at_level(logging.INFO, logger="scripts.fast_build"):
        result = site.build()
    assert (result.path, result.why) == ("fast", "only new notes since the last build")
    assert "build path: fast (only new notes since the last build)" in caplog.text
    assert result.notes == len(site.index().notes)
    placed = tree(site.output)
    changed = sorted(n for n in placed if old.get(n) != placed[n])
    assert {"2026/11/chauthi/index.html", "index.html", "sitemap.xml"} <= set(changed)
    # the reporter's line says how many files changed, not "0 pages reused"
    assert result.placed == len(changed)
    assert f"(only what changed: {len(changed)} files; 1 warnings)" in report(result)
    assert not placement.journal_path(site.output).exists()
    assert not placement.staging_root(site.output).exists()
    # the index describes the site with the new note
    assert site.decide().why == "nothing under content/ changed"
    assert site.index().notes[0].slug == "chauthi"
    fast = site.index()
    assert site.build().path == "full"
    rebuilt = site.index()
    # the index the fast build saved is, field by field, the full build's of
    # the same content (the records the full build keeps, not copied, too);
    # apart from the output folder it swapped in, the parts' layout and the
    # warnings (this process logged them already: Pelican logs a message
    # once per process)
    differ = [
        f.name
        for f in dataclasses.fields(site_index.SiteIndex)
        if f.compare and getattr(fast, f.name) != getattr(rebuilt, f.name)
    ]
    assert set(differ) <= {
        "output",
        "output_files",
        "records_digest",
        "parts",
        "warnings",
    }, differ
    assert fast.records.keys() == rebuilt.records.keys() == set(site_index.RECORD_KEYS)
    full = tree(site.output)
    assert sorted(full) == sorted(placed)
    assert [n for n in full if full[n] != placed[n]] == []
    assert any(n.startswith("feeds/") for n in changed)
    # a newer note without a photo: the lead story stays the older note with
    # one, read with the new note for the home page
    fields = {"slug": "paanchvi", "date": "2026-11-24 09:00", "title": "पाँचवीं खबर"}
    note = note_text(**{**NEW, **fields})
    (site.content / "notes" / "2026" / "paanchvi.md").write_text(note, "utf-8")
    older = site.index()
    assert fast_run.older_lead(settings, older, site.decide().notes) == (
        older.notes[0],
    )
    assert site.build().path == "fast"
    placed = tree(site.output)
    assert site.build().path == "full"
    assert tree(site.output) == placed
    assert b"paanchvi" in placed["index.html"]


def test_an_output_changed_outside_a_build_takes_the_full_path(site):
    """A page removed from the output by hand (or by any other tool) is
    there again after the next build, a new note or not.
    """
    removed = site.output / "thana" / "alot" / "index.html"
    assert removed.is_file()
    removed.unlink()
    fields = {"slug": "chhathi", "date": "2026-11-27 09:00"}
    note = note_text(**{**NEW, **fields})
    (site.content / "notes" / "2026" / "chhathi.md").write_text(note, "utf-8")
    assert site.decide().why == "the output folder was changed outside a build"
    result = site.build()
    assert result.path == "full"
    assert removed.is_file()


def test_a_page_written_over_in_place_deep_in_the_output_takes_the_full_path(site):
    """The survey lists again only the folders whose stamps changed since
    the last survey (the folders file beside the site index); a note page
    written over in place, its folder's stamp as it was, is still seen.
    """
    settings = site.settings()
    folders = site_index.folders_path(site_index.index_path(settings, site.output))
    time.sleep(0.1)  # every folder settled (site_index.settled)
    site.decide()  # a survey keeps the folders
    note = "2026/10/pehli-khabar"
    assert note in site_index.read_folders(folders)
    page = site.output / note / "index.html"
    was = page.read_bytes()
    stamp = os.lstat(page.parent).st_ctime_ns
    changed = was.replace(b"</body>", b"</BODY>")
    assert changed != was
    with open(page, "r+b") as f:
        f.write(changed)
    assert os.lstat(page.parent).st_ctime_ns == stamp
    assert site.decide().why == "the output folder was changed outside a build"
    result = site.build()
    assert (result.path, result.why) == (
        "full",
        "the output folder was changed outside a build",
    )
    assert page.read_bytes() == was


def test_a_new_photo_outside_the_photo_folders_takes_the_full_path(site):
    """A photo path may name another output file (a note's preview image):
    the fast path never puts a new note's files over it.
    """
    photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[0].read_bytes()
    elsewhere = "2026/11/nayi-khabar/og-x.jpg"
    fields = {"slug": "saatvi", "date": "2026-11-28 09:00", "image_alt": "बैठक"}
    note = note_text(**{**NEW, **fields, "image": elsewhere})
    with site.added({"notes/2026/saatvi.md": note, elsewhere: photo}):
        assert site.decide().why == f"{elsewhere} is not under images"


def test_a_note_scheduled_for_later_leaves_the_fast_path_on_until_it_is_due(site):
    fields = {"slug": "aage", "date": "2030-01-01 10:00", "status": "scheduled"}
    later = note_text(**{**NEW, **fields})
    (site.content / "notes" / "2026" / "aage.md").write_text(later, "utf-8")
    assert site.build().path == "full"
    index = site.index()
    assert not index.scheduled_waiting
    assert index.scheduled == index.newest.replace(
        year=2030, month=1, day=1, hour=10, minute=0
    )
    fields = {"slug": "aathvi", "date": "2026-11-28 10:00", "title": "आठवीं खबर"}
    with site.added({"notes/2026/aathvi.md": note_text(**{**NEW, **fields})}):
        assert site.decide().fast


def test_slug_family():
    slugs = frozenset({"baithak", "baithak-2", "shivir", "mela-3"})
    # a slug made from the same title as another note's: either may change
    assert fast_build.slug_family("baithak", slugs)
    assert fast_build.slug_family("baithak-2", slugs)
    assert not fast_build.slug_family("shivir", slugs)
    assert not fast_build.slug_family("mela-3", slugs)  # no "mela"
    assert not fast_build.slug_family("baithak-x", slugs)


def test_the_index_keeps_the_cards_of_each_lists_first_two_pages():
    """cards_kept: the home page's notes, the newest month's, and of each
    station, category and tag list the notes of its first two pages (its
    front page and the last numbered page before it), newest first; a tag
    named twice on a note takes two places.
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plugins.core.records import Ref

    def entry(n: int, thana: str, category: str, *tags: str) -> site_index.NoteEntry:
        day = datetime(2026, 1 + n // 10, 1 + n % 10, tzinfo=ZoneInfo("Asia/Kolkata"))
        return site_index.NoteEntry(
            f"notes/{n}.md",
            f"n{n}",
            f"{n}/",
            f"{n}/index.html",
            day,
            Ref(thana, thana, f"thana/{thana}/"),
            Ref(category, category, f"shreni/{category}/"),
            tuple(Ref(t, t, f"tag/{t}/") for t in tags),
            "",
            "",
        )

    notes = [entry(n, "alot", "apradh") for n in range(5)]  # months 1-2
    notes += [entry(n, "alot", "apradh", "helmet") for n in range(5, 13)]
    notes += [entry(n, "jaora", "apradh") for n in range(13, 20)]
    notes += [entry(20, "alot", "seva", "helmet", "helmet")]  # month 3
    notes += [entry(n, "alot", "apradh", "mela") for n in range(21, 26)]
    newest_first = tuple(reversed(notes))
    settings = {"LISTINGS": {"page_size": 2, "home_notes": 3}}
    kept = site_index.cards_kept(newest_first, settings)
    files = {f"notes/{n}.md" for n in [25, 24, 23]}  # the home page
    files |= {f"notes/{n}.md" for n in [22, 21, 20]}  # month 3 (with 25-23)
    files |= {f"notes/{n}.md" for n in [25, 24, 23, 22]}  # alot
    files |= {f"notes/{n}.md" for n in [19, 18, 17, 16]}  # jaora
    files |= {f"notes/{n}.md" for n in [25, 24, 23, 22]}  # apradh
    files |= {"notes/20.md"}  # seva
    files |= {f"notes/{n}.md" for n in [20, 12, 11]}  # helmet: 20 twice
    files |= {f"notes/{n}.md" for n in [25, 24, 23, 22]}  # mela
    assert kept == files
    assert site_index.cards_kept((), settings) == set()


def test_the_refs_the_entries_hold_are_worked_out_once_a_build(site):
    """held_refs: the stations, categories and tags of the index's entries,
    by kind; asked again about the same entries (the decision, then the
    fast build), the same answer without a pass over every note; other
    entries get their own; the build's end lets the entries go.
    """
    notes = site.index().notes
    with site_index.thawed_after():
        held = site_index.held_refs(notes)
        assert held == {
            "station": {n.thana for n in notes},
            "category": {n.category for n in notes},
            "tag": {t for n in notes for t in n.tags},
        }
        assert site_index.held_refs(notes) is held
        fewer = notes[1:]
        assert site_index.held_refs(fewer) is not held
        assert site_index.held_refs(fewer)["station"] == {n.thana for n in fewer}
        assert site_index.refs_of(notes) == {
            r: r for kind in held.values() for r in kind
        }
        assert site_index.HELD
    assert not site_index.HELD


def test_two_values_print_alike_when_their_shapes_are_equal():
    """same_shape, which walks two values to their first difference, says
    what comparing their whole shapes says, for every pair of a set of
    values: notes (by file alone), dataclasses (all fields, or the
    attributes read), lists and tuples, mappings (with keys that print
    alike), values of two kinds whose shapes are equal, plain values.
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plugins.core.records import Ref

    day = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Kolkata"))

    def entry(path: str, slug: str) -> site_index.NoteEntry:
        alot = Ref("alot", "आलोट", "thana/alot/")
        return site_index.NoteEntry(
            path, slug, "u/", "u/index.html", day, alot, alot, (), "", ""
        )

    a, a2, b = entry("a.md", "a"), entry("a.md", "other"), entry("b.md", "b")
    alot, jaora = Ref("alot", "आलोट", "x/"), Ref("jaora", "आलोट", "x/")
    values = [
        a,
        a2,
        b,
        ("note", "a.md"),
        alot,
        jaora,
        [a, b],
        (a2, b),
        [b, a],
        [a],
        [],
        {"k": [a, b]},
        {"k": (a2, b)},
        {"k": [b]},
        {1: a, "1": b},
        {1: b, "1": a},
        {"1": a},
        ("Ref", (("name", "आलोट"),)),
        "a.md",
        3,
        None,
        [alot, [a, {"x": b}]],
        [jaora, [a2, {"x": b}]],
        [jaora, [a2, {"x": a}]],
    ]
    for attrs in (None, frozenset({"name"}), frozenset({"name", "slug"})):
        for x in values:
            for y in values:
                whole = fast_lists.shape(x, attrs) == fast_lists.shape(y, attrs)
                assert fast_lists.same_shape(x, y, attrs) == whole, (x, y, attrs)


def test_the_cards_kept_after_new_notes_are_found_among_those_kept_before():
    """cards_kept with `among` (the cards the index kept and the new notes)
    gives what it gives over every note, as notes come one or two at a
    time: into a list's first pages, past a tag's few notes, into a new
    month.
    """
    import random
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from plugins.core.records import Ref

    draw = random.Random(16)
    day = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Kolkata"))

    def entry(n: int) -> site_index.NoteEntry:
        thana, category = (
            draw.choice(["alot", "jaora", "sailana"]),
            draw.choice(["apradh", "seva"]),
        )
        tags = draw.sample(["helmet", "mela", "shivir", "nasha"], draw.randint(0, 2))
        return site_index.NoteEntry(
            f"notes/{n}.md",
            f"n{n}",
            f"{n}/",
            f"{n}/index.html",
            day + timedelta(days=3 * n),
            Ref(thana, thana, f"thana/{thana}/"),
            Ref(category, category, f"shreni/{category}/"),
            tuple(Ref(t, t, f"tag/{t}/") for t in tags),
            "",
            "",
        )

    settings = {"LISTINGS": {"page_size": 2, "home_notes": 3}}
    notes: tuple[site_index.NoteEntry, ...] = ()
    kept: set[str] = set()
    made = 0
    while made < 90:
        new = [entry(made + k) for k in range(draw.randint(1, 2))]
        made += len(new)
        notes = fast_lists.with_new(notes, new)
        among = kept | {n.path for n in new}
        kept = site_index.cards_kept(notes, settings, among)
        assert kept == site_index.cards_kept(notes, settings)
    # the rule has something to keep out: older notes fall off their lists
    assert len(kept) < len(notes)


def edit(site: Site, rel: str, **fields) -> None:
    """Write content/notes/<rel> again with `fields` changed."""
    path = site.content / "notes" / rel
    path.write_text(note_text(**{**EDITED[rel], **fields}), encoding="utf-8")


# the notes the edit tests change, as written (NOTES, and a new note added
# by an earlier test)
EDITED = {
    "2026/a.md": {"slug": "pehli-khabar", "date": "2026-10-05 10:30"},
    "2026/b.md": {
        "slug": "doosri-khabar",
        "date": "2026-10-06 11:00",
        "title": "आलोट थाने में बैठक",
        "thana": "आलोट",
    },
    "2026/chauthi.md": {
        **NEW,
        "slug": "chauthi",
        "date": "2026-11-23 09:00",
        "image_alt": "थाना",
        "title": "चौथी खबर",
        "image": "images/chauthi.jpg",
    },
    "2026/paanchvi.md": {
        **NEW,
        "slug": "paanchvi",
        "date": "2026-11-24 09:00",
        "title": "पाँचवीं खबर",
    },
}


def decide_edit(site: Site, rel: str, **parts) -> fast_build.Decision:
    """The path of a build that finds only `rel` changed since the index
    (the notes edited and written back by tests before have new stamps);
    `parts`: of the index, replaced.
    """
    settings = site.settings()
    index = site.index()
    now = site_index.before_build(settings)
    stamps = {**now.stamps, rel: index.stamps[rel]}
    seeing = dataclasses.replace(index, stamps=stamps, **parts)
    return fast_build.decide(settings, site.output, seeing, "", now)


@pytest.mark.parametrize(
    "rel, fields, why",
    [
        ("2026/a.md", {"slug": "badli"}, "its slug changed"),
        ("2026/a.md", {"date": "2026-10-05 11:30"}, "its date changed"),
        ("2026/a.md", {"slug": None}, "has no slug: field"),
        (
            "2026/a.md",
            {"status": "withdrawn", "reason": "सूचना गलत थी, इसलिए वापस ली गई।"},
            "is withdrawn",
        ),
        ("2026/a.md", {"status": "draft"}, "is draft"),
        # a tag written otherwise, at the address सड़क सुरक्षा has
        (
            "2026/a.md",
            {"tags": "हेलमेट, सड़क सुरक्षा, सडक सुरक्षा"},
            "its tag सडक सुरक्षा has an address another name has",
        ),
        (
            "2026/a.md",
            {"reporter": "नया संवाददाता"},
            "its reporter नया संवाददाता would lose its last note or get its first",
        ),
        (
            "2026/a.md",
            {"image": "images/nayi.jpg", "image_alt": "बैठक"},
            "its photo changed (the old photo's copies would stay)",
        ),
        ("2026/a.md", {"old_url": "https://example.org/purani/"}, "has an old_url"),
        ("2026/a.md", {"review": "thana"}, "has warnings for the desk"),
        (
            "2026/a.md",
            {"body": "देखें [दूसरी खबर]({filename}b.md)।"},
            "links to another content file",
        ),
        (
            "2026/paanchvi.md",
            {"title": "चौथी खबर"},
            "repeats a published note (the full build names it)",
        ),
    ],
)
def test_an_edit_outside_the_fast_case_takes_the_full_path(site, rel, fields, why):
    """Each reason an edit of one note is the full build's; the note is
    written back as it was after each (an edit that changes nothing).
    """
    try:
        edit(site, rel, **fields)
        decision = decide_edit(site, f"notes/{rel}")
        assert not decision.fast
        assert decision.why.startswith(f"edit of notes/{rel}: "), decision.why
        assert why in decision.why, decision.why
    finally:
        edit(site, rel)


def test_an_edit_of_a_note_with_a_photo_keeps_it_and_is_fast(site):
    """The photo line as written is the photo the note was built with."""
    try:
        edit(site, "2026/chauthi.md", body="थाने में बैठक हुई।", image_alt="बैठक")
        decision = decide_edit(site, "notes/2026/chauthi.md")
        assert decision.why == "one note edited (notes/2026/chauthi.md)"
        [old] = decision.old
        assert old.image == decision.notes[0].image == "images/chauthi.jpg"
    finally:
        edit(site, "2026/chauthi.md")


def test_edits_the_fast_path_cannot_reason_about_take_the_full_path(site):
    """Checked against indexes that differ from the site's in one part."""
    settings = site.settings()
    index = site.index()
    draft = "notes/2026/draft.md"
    (site.content / draft).write_text(note_text(slug="adhoori", status="draft"))
    edit(site, "2026/a.md", title="नया शीर्षक")
    now = site_index.before_build(settings)

    def why(index: site_index.SiteIndex) -> str:
        return fast_build.decide(settings, site.output, index, "", now).why

    def seeing(*changed: str, **parts) -> site_index.SiteIndex:
        """The index, with only the `changed` files changed since."""
        old = {
            rel: (0, 0, 0, 0)
            if index.stamps[rel] == now.stamps[rel]
            else index.stamps[rel]
            for rel in changed
        }
        return dataclasses.replace(index, stamps={**now.stamps, **old}, **parts)

    a = "notes/2026/a.md"
    assert why(seeing(a)) == f"one note edited ({a})"
    # a note with an old_url has a redirect; one the last full build warned
    # about is warned about again only by a full build
    assert why(seeing(a, old_urls=frozenset({a}))) == (
        f"edit of {a}: it has an old_url (a redirect to it)"
    )
    warned = seeing(a, warnings=(f"{a}: देखें",))
    assert why(warned) == f"edit of {a}: the last full build warned about it"
    # a draft is not a published note (its slug, its warning)
    assert why(seeing(draft)) == f"{draft} was changed and is not a published note"
    # two notes, or a note and a registry
    assert why(seeing(a, draft)) == f"{a} was changed or removed"
    registry = "registry/thanas.toml"
    assert why(seeing(a, registry)) == f"{a} was changed or removed"


@pytest.mark.parametrize(
    "rel, old, new, why",
    [
        (
            "registry/categories.toml",
            'keywords = ["यातायात", ',
            'keywords = ["यातायात", "नियम", ',
            "registry/categories.toml changed in nothing the build reads",
        ),
        (
            "registry/thanas.toml",
            "# name    — Hindi name",
            "# name — the Hindi name",
            "registry/thanas.toml changed in nothing the build reads",
        ),
        (
            # no page prints them (the search page reads them from the
            # search index's spellings.json)
            "registry/thanas.toml",
            'aliases = ["स्टेशन रोड रतलाम"',
            'aliases = ["स्टेशन रोड रतलाम", "लोको शेड चौकी"',
            "registry/thanas.toml: the other spellings of स्टेशन रोड (no note page)",
        ),
        (
            "registry/thanas.toml",
            'aliases = ["माणक चौक", "माणकचौक रतलाम"]',
            'aliases = ["माणकचौक रतलाम", "माणक चौक"]',
            "registry/thanas.toml: the other spellings of माणकचौक (no note page)",
        ),
        (
            "registry/thanas.toml",
            'aliases = ["स्टेशन रोड रतलाम"]',
            "aliases = []",
            "registry/thanas.toml: the other spellings of स्टेशन रोड (no note page)",
        ),
        (
            "registry/thanas.toml",
            'area = "रतलाम शहर"',
            'area = "रतलाम नगर"',
            # a station without notes: its list page, the directory, its
            # feed, the WhatsApp join page (tests/test_fast_registry.py)
            "registry/thanas.toml: the area of स्टेशन रोड (0 note pages)",
        ),
        (
            "registry/categories.toml",
            'description = "यातायात जागरूकता',
            'description = "यातायात की जागरूकता',
            # on its list's front page alone (its numbered pages describe
            # themselves), whose cards the index keeps
            (
                "registry/categories.toml: the description of यातायात "
                "(its list's first page)"
            ),
        ),
        (
            "registry/thanas.toml",
            'slug = "station-road"',
            'slug = "Station Road"',
            "the registries do not load",
        ),
    ],
)
def test_a_registry_edit_is_fast_only_when_the_fast_path_makes_it(
    site, rel, old, new, why
):
    path = site.content / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    try:
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        decision = decide_edit(site, rel)
        assert decision.why == why
        made = (
            "changed in nothing the build reads",
            "note pages)",
            "(no note page)",
            "list's first page)",
        )
        assert decision.fast == why.endswith(made)
    finally:
        path.write_text(text, encoding="utf-8")


def test_a_registry_edit_no_page_shows_changes_no_file(site):
    """Without the registry the full build read, the full path; with it,
    nothing placed, the index takes the new registry.
    """
    path = site.content / "registry" / "categories.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n# एक टिप्पणी\n", encoding="utf-8")
    settings = site.settings()
    assert decide_edit(site, "registry/categories.toml").fast
    decision = decide_edit(site, "registry/categories.toml", registry=None)
    assert decision.why == "registry/categories.toml was changed or removed"
    result = site.build()
    # the edits of the tests before were written back: notes changed too
    assert result.path == "full"
    old = tree(site.output)
    path.write_text(text, encoding="utf-8")
    result = site.build()
    assert (result.path, result.why) == (
        "fast",
        "registry/categories.toml changed in nothing the build reads",
    )
    assert tree(site.output) == old
    assert site.decide().why == "nothing under content/ changed"
    assert site.index().registry == registry_for(settings)


def three_notes(extra: dict | None = None) -> dict[str, str]:
    """Notes 7, 8 and 9 of Namli, a day apart (fields added by number)."""
    return {
        f"2026/n{i}.md": note_text(
            slug=f"suchna-{i}",
            title=f"नामली थाने में शिविर {i}",
            date=f"2026-10-0{i} 10:00",
            **(extra or {}).get(i, {}),
        )
        for i in (7, 8, 9)
    }


def test_an_edit_keeps_the_redirect_page_another_note_has_in_its_folder(tmp_path):
    """A note's `old_url` may lead into another note's folder (the old
    site's AMP copy of it): an edit of that other note removes only its own
    old preview image, never the redirect page.
    """
    amp = "https://purana.example.org/2026/10/suchna-7/amp/"
    content = new_content(tmp_path, three_notes({8: {"old_url": amp}}))
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    stub = output / "2026" / "10" / "suchna-7" / "amp" / "index.html"
    assert stub.is_file()
    old = tree(output)
    (content / "notes" / "2026" / "n7.md").write_text(
        note_text(
            slug="suchna-7", title="नामली में बैठक", date="2026-10-07 10:00", body="नया।"
        ),
        encoding="utf-8",
    )
    assert build_site(content, output).path == "fast"
    assert stub.is_file()
    placed = tree(output)
    # its preview image was renamed (its title changed), the old one removed
    [was] = [n for n in old if n.startswith("2026/10/suchna-7/og-")]
    assert was not in placed
    clean = tmp_path / "clean" / "output"
    assert build_site(content, clean).path == "full"
    fresh = tree(clean)
    assert placed.keys() == fresh.keys()
    assert [n for n in placed if placed[n] != fresh[n]] == []


def test_an_edit_of_a_note_the_links_ledger_records_is_fast(tmp_path):
    """Once published, every note is in the links ledger: an edit of one
    is fast when the ledger records it at its address and on its date's
    day (its feed id's first day), else full.
    """
    content = new_content(tmp_path, three_notes())
    output = tmp_path / "site" / "output"
    # what a publish records
    build_site(content, output, LINKS={"record": True})
    ledger = content / "registry" / "published-urls.tsv"
    rows = ledger.read_text(encoding="utf-8")
    assert "notes/2026/n9.md" in rows and "notes/2026/n8.md" in rows
    # n9 recorded on another day than its date's (its feed id keeps that day)
    moved = [
        line.replace("2026-10-09", "2026-10-01") if "n9.md" in line else line
        for line in rows.splitlines(keepends=True)
    ]
    ledger.write_text("".join(moved), encoding="utf-8")
    assert build_site(content, output).path == "full"

    def edited(i: int) -> None:
        (content / "notes" / "2026" / f"n{i}.md").write_text(
            note_text(
                slug=f"suchna-{i}",
                title=f"नामली में बैठक {i}",
                date=f"2026-10-0{i} 10:00",
            ),
            encoding="utf-8",
        )

    edited(9)
    result = build_site(content, output)
    assert (result.path, result.why) == (
        "full",
        (
            "the fast path stopped: the links ledger gives notes/2026/n9.md "
            "another first day"
        ),
    )
    edited(8)
    assert build_site(content, output).path == "fast"
    placed = tree(output)
    clean = tmp_path / "clean" / "output"
    assert build_site(content, clean).path == "full"
    fresh = tree(clean)
    assert placed.keys() == fresh.keys()
    assert [n for n in placed if placed[n] != fresh[n]] == []


def drop_cards(site: Site) -> None:
    """The site's index, keeping the cards of the home page's notes only (a
    small site's index keeps every note's card; a large one's does not).
    """
    settings = site.settings()
    path = site_index.index_path(settings, site.output)
    index = site.index()
    home = {n.path for n in index.notes[:2]}
    cards = {p: c for p, c in index.cards.items() if p in home}
    site_index.save(dataclasses.replace(index, cards=cards), path)


def test_an_edited_note_takes_the_fast_path_and_writes_what_a_full_build_writes(
    site, caplog, monkeypatch
):
    """Last in the module: each edit is followed by a rebuild."""
    site.build()  # the edits of the tests before, written back
    # its title, text and tags changed: its page, preview image, the list
    # pages it is on, its feeds
    a = "2026/a.md"
    edit(site, a, title="नामली में नई बैठक", tags="हेलमेट", body="बदला।")
    assert site.build().path == "fast"
    old = tree(site.output)
    # moved to another station (both have other notes): the pages of the
    # list it leaves shift and show older notes, whose cards an index of a
    # larger site does not keep; too many to read again: the full path,
    # saying why
    drop_cards(site)
    monkeypatch.setattr(fast_run, "MAX_READS", 0)
    edit(site, a, title="आलोट में नई बैठक", thana="आलोट", tags="हेलमेट", body="बदला।")
    result = site.build()
    assert result.path == "full"
    assert result.why.startswith(
        "the fast path stopped: its list pages need the cards of "
    ), result.why
    monkeypatch.undo()
    moved = tree(site.output)
    # and back: fast, reading those notes alone for their cards; the same
    # site as before the move
    drop_cards(site)
    edit(site, a, title="नामली में नई बैठक", tags="हेलमेट", body="बदला।")
    assert site.build().path == "fast"
    assert set(site.index().cards) == site_index.cards_kept(
        site.index().notes, site.settings()
    )
    back = tree(site.output)
    assert back.keys() == old.keys()
    assert [n for n in back if back[n] != old[n]] == []
    # and moved again: fast, the same site as the full build made
    edit(site, a, title="आलोट में नई बैठक", thana="आलोट", tags="हेलमेट", body="बदला।")
    with caplog.at_level(logging.INFO, logger="scripts.fast_build"):
        result = site.build()
    assert (result.path, result.why) == ("fast", f"one note edited (notes/{a})")
    assert f"build path: fast (one note edited (notes/{a}))" in caplog.text
    placed = tree(site.output)
    assert placed.keys() == moved.keys()
    assert [n for n in placed if placed[n] != moved[n]] == []
    changed = {n for n in placed if old.get(n) != placed[n]}
    gone = set(old) - set(placed)
    assert {
        "2026/10/pehli-khabar/index.html",
        "thana/alot/index.html",
        "thana/namli/index.html",
        "feeds/thana/alot.atom.xml",
        "feeds/thana/namli.atom.xml",
    } <= changed, sorted(changed)
    # namli's list has one note less: its newest numbered page is gone; the
    # old preview image (named by what it shows) is gone
    ogs = [n for n in placed if n.startswith("2026/10/pehli-khabar/og-")]
    assert len(ogs) == 1 and ogs[0] not in old
    [was] = [n for n in old if n.startswith("2026/10/pehli-khabar/og-")]
    assert gone == {"thana/namli/page/6/index.html", was}
    assert not (site.output / "thana" / "namli" / "page" / "6").exists()


def another(note):
    """A per-note entry or record like `note`, another note's (its first
    text field changed).
    """
    name = next(
        f.name
        for f in dataclasses.fields(note)
        if isinstance(getattr(note, f.name), str)
    )
    return dataclasses.replace(note, **{name: getattr(note, name) + "-x"})


def content_of(index: site_index.SiteIndex) -> site_index.SiteIndex:
    """What an index holds, without the digests of the files it was read
    from.
    """
    return dataclasses.replace(index, records_digest="", parts={})


def test_a_new_note_writes_again_only_the_newest_part_of_the_index(site, tmp_path):
    """The entries and each record's per-note tuple are kept in parts
    counted from the oldest: saved again with a note in front, the index
    writes the newest part of each kind only (the older parts' files are
    not touched) and reads back as it was saved.
    """
    index = site.index()
    path = tmp_path / "index.pickle"
    site_index.save(index, path, part_notes=1)
    first, why = site_index.load(path, with_records=True)
    assert first is not None, why
    assert content_of(first) == content_of(index)
    kinds = set(first.parts)
    assert kinds == {site_index.NOTES_KIND, *site_index.RECORD_KEYS}
    assert all(len(first.parts[k]) > 1 for k in kinds)

    def files() -> dict[str, tuple[int, int]]:
        found = tmp_path.glob("index.part-*")
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in found}

    before = files()
    records = {
        key: dataclasses.replace(value, notes=(another(value.notes[0]), *value.notes))
        for key, value in first.records.items()
    }
    newer = dataclasses.replace(
        first, notes=(another(first.notes[0]), *first.notes), records=records
    )
    site_index.save(newer, path, part_notes=1)
    after = files()
    written = set(after) - set(before)
    assert len(written) == len(kinds)
    assert {n: after[n] for n in after if n in before} == {
        n: before[n] for n in before if n in after
    }
    assert len(set(before) - set(after)) <= len(kinds)
    again, why = site_index.load(path, with_records=True)
    assert again is not None, why
    assert content_of(again) == content_of(newer)
    # the parts, pickled apart, share each station, category and tag again
    held = [
        r
        for n in (*again.notes, *again.records[SEO_RECORDS].notes)
        for r in (n.thana, n.category, *n.tags)
    ]
    assert len({id(r) for r in held}) == len(set(held))
    assert set(site_index.index_files(again, path)[2:]) == set(
        tmp_path.glob("index.part-*")
    )


def test_the_index_is_written_without_a_pickled_copy_of_its_parts(site, tmp_path):
    """Each part of the index is pickled into its file as it is made, not
    into bytes first (at 50,000 notes a part is megabytes, and the copy
    was held while written): saving takes far less memory than the part
    holds, and the files are the pickles they always were, named and read
    by the digest of their bytes.
    """
    import tracemalloc

    index = site.index()
    entry = index.notes[0]
    # 4,000 entries of 2 KB each: the pickle is text, its memo small (ASCII
    # text: pickling other text keeps its UTF-8 form in the string, memory
    # the strings hold, not the writing)
    many = tuple(
        dataclasses.replace(entry, reporter=f"{i:05d}" + "r" * 2000)
        for i in range(4000)
    )
    big = dataclasses.replace(index, notes=many)
    path = tmp_path / "index.pickle"
    tracemalloc.start()
    try:
        held = tracemalloc.get_traced_memory()[0]
        site_index.save(big, path, part_notes=len(many))
        peak = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    [part] = big_parts = [
        site_index.part_path(path, p.digest)
        for p in site_index.load(path)[0].parts[site_index.NOTES_KIND]
    ]
    data = part.read_bytes()
    assert len(big_parts) == 1 and len(data) > 8_000_000
    assert data == pickle.dumps(many, protocol=pickle.HIGHEST_PROTOCOL)
    assert peak < len(data) / 4, (peak, len(data))
    again, why = site_index.load(path, with_records=True)
    assert again is not None, why
    assert content_of(again) == content_of(big)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_saving_the_index_removes_the_temporary_files_a_killed_save_left(
    site, tmp_path
):
    """A save killed between writing a file and renaming it leaves its
    temporary file (never read: no part is named so); the next save of
    that index removes it, and leaves another index's alone.
    """
    path = tmp_path / "index.pickle"
    left = [
        tmp_path / ".index.pickle.k1ll3d.tmp",
        tmp_path / ".index.records.pickle.k1ll3d.tmp",
        tmp_path / ".index.folders.pickle.k1ll3d.tmp",
    ]
    other = tmp_path / ".other.pickle.k1ll3d.tmp"
    for stale in (*left, other):
        stale.write_bytes(b"half a pickle")
    site_index.save(site.index(), path)
    assert site_index.load(path, with_records=True)[0] is not None
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        other.name
    ]


def test_a_damaged_part_of_the_index_takes_the_full_path(site):
    """A part of the entries that is not the one the main part names (or
    none) is no index; a part of a record's notes stops the fast path:
    each time the full build runs and writes the index again.
    """
    settings = site.settings()
    path = site_index.index_path(settings, site.output)
    index, why = site_index.load(path)
    assert index is not None, why
    [entries, *_] = index.parts[site_index.NOTES_KIND]
    part = site_index.part_path(path, entries.digest)
    part.write_bytes(part.read_bytes()[:-1])
    assert site_index.load(path) == (
        None,
        "a part of the site index is not the one it was saved with",
    )
    note = note_text(slug="tooti-1", date="2026-11-29 10:00", title="टूटी पहली")
    (site.content / "notes" / "2026" / "tooti-1.md").write_text(note, "utf-8")
    result = site.build()
    assert (result.path, result.why) == (
        "full",
        "a part of the site index is not the one it was saved with",
    )
    index, why = site_index.load(path)
    assert index is not None, why
    [seo, *_] = index.parts[SEO_RECORDS]
    site_index.part_path(path, seo.digest).unlink()
    note = note_text(slug="tooti-2", date="2026-11-29 11:00", title="टूटी दूसरी")
    (site.content / "notes" / "2026" / "tooti-2.md").write_text(note, "utf-8")
    result = site.build()
    stopped = "the fast path stopped: a part of the site index cannot be read"
    assert (result.path, result.why) == ("full", f"{stopped} (FileNotFoundError)")
    assert site_index.load(path, with_records=True)[0] is not None


def test_a_torn_or_missing_records_part_of_the_index_takes_the_full_path(site):
    """The index is read without its records to decide the path; a fast
    build reads them, and a records part that is not the one the main part
    was saved with (a crash between the two writes), or none, sends the
    build down the full path, which writes the index again.
    """
    settings = site.settings()
    path = site_index.index_path(settings, site.output)
    index, why = site_index.load(path)
    assert index is not None, why
    assert isinstance(index.records, site_index.NotRead)
    whole = site_index.read_records(index, path)
    assert isinstance(whole, site_index.SiteIndex)
    assert SEO_RECORDS in whole.records
    part = site_index.records_path(path)
    kept = part.read_bytes()
    part.write_bytes(pickle.dumps({}))
    note = note_text(slug="ant-ki-khabar", date="2026-11-29 12:00", title="अंत की खबर")
    (site.content / "notes" / "2026" / "ant.md").write_text(note, "utf-8")
    stopped = "the fast path stopped: the site index's records are not those"
    result = site.build()
    assert result.path == "full"
    assert result.why.startswith(stopped), result.why
    assert part.read_bytes() != kept
    assert isinstance(site_index.load(path, with_records=True)[0], site_index.SiteIndex)
    part.unlink()
    note = note_text(slug="ant-ke-baad", date="2026-11-29 13:00", title="उसके बाद")
    (site.content / "notes" / "2026" / "baad.md").write_text(note, "utf-8")
    result = site.build()
    assert result.path == "full"
    assert result.why == (
        "the fast path stopped: the site index's records cannot be read "
        "(FileNotFoundError)"
    )
    assert site_index.load(path, with_records=True)[0] is not None
    # the index without its records part: none at all
    part.unlink()
    assert site_index.load(path, with_records=True) == (
        None,
        "the site index's records cannot be read (FileNotFoundError)",
    )


def test_a_new_note_makes_only_the_sitemap_parts_it_changes(tmp_path):
    """With the sitemap split into parts (the notes' counted from the
    oldest), a fast build makes the pages' parts, the index and the newest
    notes' part (a new one when the newest is full), never the parts of
    older notes; and places what a full build writes.
    """
    seo = {"SEO": {"sitemap_max_urls": 5, "sitemap_part_urls": 2}}
    content = new_content(tmp_path, three_notes())
    output = tmp_path / "site" / "output"
    assert build_site(content, output, **seo).path == "full"
    notes_parts = sorted(p.name for p in output.glob("sitemap-notes-*.xml"))
    assert notes_parts == ["sitemap-notes-1.xml", "sitemap-notes-2.xml"]
    paths = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / "cache"),
    }
    made_parts = []
    for day in (10, 11):
        settings = load_settings(SETTINGS, {**paths, **seo})
        old = tree(output)
        rel = f"notes/2026/n{day}.md"
        (content / rel).write_text(
            note_text(
                slug=f"suchna-{day}",
                title=f"नामली थाने में शिविर {day}",
                date=f"2026-10-{day} 10:00",
            ),
            "utf-8",
        )
        path = site_index.index_path(settings, output)
        index, why = site_index.load(path, with_records=True)
        decision = fast_build.decide(settings, output, index, why)
        assert decision.fast, decision.why
        assert index is not None
        alone = fast_notes.build_alone(
            SETTINGS, {**paths, **seo}, settings, decision.notes
        )
        env = fast_lists.theme_env(settings)
        made = fast_run.Made(
            settings, index, decision.notes, alone, env, build_now(settings)
        )
        files = fast_run.sitemap_files(made)
        assert isinstance(files, dict), files
        made_parts.append(sorted(p for p in files if p.startswith("sitemap-notes")))
        assert build_site(content, output, **seo).path == "fast"
        placed = tree(output)
        assert [p for p in files if placed[p] != files[p]] == []
        assert old["sitemap-notes-1.xml"] == placed["sitemap-notes-1.xml"]
    # the site as the two fast builds left it is the one a clean build writes
    clean = tmp_path / "clean" / "output"
    assert build_site(content, clean, **seo).path == "full"
    fresh = tree(clean)
    assert placed.keys() == fresh.keys()
    assert [n for n in placed if placed[n] != fresh[n]] == []
    # the newest part (one note) gets the first new note; the next starts a
    # third part; the oldest part is never made
    assert made_parts == [["sitemap-notes-2.xml"], ["sitemap-notes-3.xml"]]


def as_clean_build(content: Path, output: Path, clean: Path, **overrides) -> list[str]:
    """The files where `output` differs from a clean full build of the same
    content folder into `clean` (missing on either side, or other bytes).
    """
    assert build_site(content, clean, **overrides).path == "full"
    placed, fresh = tree(output), tree(clean)
    shutil.rmtree(clean.parent)
    return sorted(set(placed) ^ set(fresh)) + [
        n for n in placed if n in fresh and placed[n] != fresh[n]
    ]


def reporter_notes(reporters: dict[int, str]) -> dict[str, str]:
    """Notes of Namli a day apart, each by its reporter (by number)."""
    return {
        f"2026/n{i}.md": note_text(
            slug=f"suchna-{i}",
            title=f"शिविर क्रमांक {i} आयोजित",
            date=f"2026-10-0{i} 10:00",
            reporter=name,
        )
        for i, name in reporters.items()
    }


# two reporters whose names make one slug: the one whose first note is the
# older has it, the other the slug with "-2" (plugins/feeds reporter_slugs)
SAME_SLUG = ("Ramesh Kumar", "ramesh kumar")


def test_a_new_note_of_a_reporter_whose_feed_has_a_numbered_slug(tmp_path):
    """The build of a new note alone knows one reporter: it would link the
    page to the feed of the other reporter of the same slug.
    """
    first, second = SAME_SLUG
    content = new_content(
        tmp_path, reporter_notes({1: first, 2: second, 3: first, 4: second})
    )
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    assert (output / "feeds" / "samvaddata" / "ramesh-kumar-2.atom.xml").is_file()
    (content / "notes" / "2026" / "n5.md").write_text(
        reporter_notes({5: second})["2026/n5.md"], encoding="utf-8"
    )
    result = build_site(content, output)
    assert as_clean_build(content, output, tmp_path / "clean" / "output") == []
    assert result.path == "full"
    assert result.why == (
        "the fast path stopped: the build of notes/2026/n5.md alone names the "
        "feed of its reporter ramesh kumar otherwise than the site does"
    )


def test_an_edit_that_gives_a_reporter_the_slug_of_another(tmp_path):
    """An edit of a reporter's oldest note to the other reporter of the same
    slug swaps their feeds' addresses: every note page of both links the
    other feed.
    """
    first, second = SAME_SLUG
    content = new_content(
        tmp_path, reporter_notes({1: first, 2: second, 3: first, 4: second})
    )
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    (content / "notes" / "2026" / "n1.md").write_text(
        reporter_notes({1: second})["2026/n1.md"], encoding="utf-8"
    )
    result = build_site(content, output)
    assert as_clean_build(content, output, tmp_path / "clean" / "output") == []
    assert result.path == "full"
    assert result.why == (
        "the fast path stopped: the edit makes a feed appear or disappear, "
        "or follow another reporter"
    )


def site_index_parts(content: Path, output: Path) -> tuple[Path, Path]:
    """The two parts of the site index of `output`: (main, records)."""
    paths = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / "cache"),
    }
    path = site_index.index_path(load_settings(SETTINGS, paths), output)
    return path, site_index.records_path(path)


@pytest.mark.parametrize("part", [0, 1])
def test_a_folder_in_place_of_a_part_of_the_index_is_no_index(tmp_path, part):
    """A folder where a part of the site index belongs (made by hand): the
    build takes the full path, saying why, goes live without an error and
    removes the folder (the index could not be written there); the next
    build writes the index, and the one after takes the fast path.
    """
    content = new_content(tmp_path, three_notes())
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    where = site_index_parts(content, output)[part]
    where.unlink()
    (where / "kept").mkdir(parents=True)
    (content / "notes" / "2026" / "n10.md").write_text(
        note_text(slug="suchna-10", title="दसवीं सूचना", date="2026-10-10 10:00"),
        encoding="utf-8",
    )
    result = build_site(content, output)
    assert result.path == "full"
    assert result.why.endswith("cannot be read (IsADirectoryError)"), result.why
    assert as_clean_build(content, output, tmp_path / "clean" / "output") == []
    (content / "notes" / "2026" / "n11.md").write_text(
        note_text(slug="suchna-11", title="ग्यारहवीं सूचना", date="2026-10-11 10:00"),
        encoding="utf-8",
    )
    result = build_site(content, output)
    assert (result.path, result.why) == (
        "full",
        "no site index (the first build, or the last one failed)",
    )
    (content / "notes" / "2026" / "n12.md").write_text(
        note_text(slug="suchna-12", title="बारहवीं सूचना", date="2026-10-12 10:00"),
        encoding="utf-8",
    )
    assert build_site(content, output).path == "fast"
    assert as_clean_build(content, output, tmp_path / "clean" / "output") == []


def test_a_pipe_in_place_of_a_part_of_the_index_does_not_stop_the_build(tmp_path):
    """A named pipe where the records part belongs would hold the build (and
    its lock) until something writes to it: it is no index.
    """
    content = new_content(tmp_path, three_notes())
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    _main, records = site_index_parts(content, output)
    records.unlink()
    os.mkfifo(records)
    (content / "notes" / "2026" / "n10.md").write_text(
        note_text(slug="suchna-10", title="दसवीं सूचना", date="2026-10-10 10:00"),
        encoding="utf-8",
    )
    done: list = []
    worker = threading.Thread(target=lambda: done.append(build_site(content, output)))
    worker.start()
    worker.join(timeout=120)
    held = worker.is_alive()
    if held:  # let the build read an end of file and finish
        os.close(os.open(records, os.O_WRONLY | os.O_NONBLOCK))
        worker.join()
    assert not held, "the build waited on the pipe"
    [result] = done
    assert (result.path, result.why) == (
        "full",
        "the fast path stopped: the site index's records cannot be read (OSError)",
    )
    assert records.is_file()


def test_an_edit_that_lets_a_note_of_a_corrected_date_into_a_feed(tmp_path):
    """A note whose date was corrected after it was published keeps the
    day the links ledger recorded in its feed entry's id. An edit that moves
    a newer note out of its station's feed lets it in; the build of it alone
    for its entry reads no ledger (its id would take its date's day): the
    full path, saying why.
    """
    notes = {
        f"2026/n{i}.md": note_text(
            slug=f"suchna-{i}",
            title=f"शिविर क्रमांक {i} आयोजित",
            date=f"2026-10-0{i} 10:00",
        )
        for i in (1, 2, 3, 4)
    }
    notes["2026/n0.md"] = note_text(
        slug="alot-baithak", title="आलोट में बैठक", date="2026-09-20 10:00", thana="आलोट"
    )
    content = new_content(tmp_path, notes)
    # notes/2026/n2.md was first published dated 30 September
    (content / "registry" / "published-urls.tsv").write_text(
        "2026-09-30T10:00:00+05:30\t2026/10/suchna-2/\tnotes/2026/n2.md\t2026-09-30\n",
        encoding="utf-8",
    )
    feeds = {"FEEDS": {"max_items": 2}}
    output = tmp_path / "site" / "output"
    assert build_site(content, output, **feeds).path == "full"
    (content / "notes" / "2026" / "n4.md").write_text(
        note_text(
            slug="suchna-4",
            title="शिविर क्रमांक 4 आयोजित",
            date="2026-10-04 10:00",
            thana="आलोट",
        ),
        encoding="utf-8",
    )
    result = build_site(content, output, **feeds)
    station = (output / "feeds" / "thana" / "namli.atom.xml").read_text("utf-8")
    assert ",2026-09-30:notes/2026/n2.md" in station
    clean = tmp_path / "clean" / "output"
    assert as_clean_build(content, output, clean, **feeds) == []
    assert result.path == "full"
    assert result.why == (
        "the fast path stopped: the feed entry of notes/2026/n2.md, read alone, "
        "would lack its first day in the links ledger"
    )


def test_a_new_note_whose_photo_name_has_a_dot_places_its_photo(tmp_path):
    """A photo named `baithak.v2.jpg` (its copies `baithak.v2-480w.jpg`...):
    the new note's own files are its page and its photo with every copy,
    found by the name up to the suffix, not up to the first dot.
    """
    content = new_content(tmp_path, three_notes())
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[0].read_bytes()
    (content / "images" / "2026").mkdir(parents=True)
    (content / "images" / "2026" / "baithak.v2.jpg").write_bytes(photo)
    note = content / "notes" / "2026" / "n10.md"
    fields = {
        "slug": "suchna-10",
        "title": "दसवीं सूचना",
        "date": "2026-10-10 10:00",
        "image": "images/2026/baithak.v2.jpg",
    }
    note.write_text(note_text(**fields, image_alt="बैठक"), encoding="utf-8")
    assert build_site(content, output).path == "fast"
    assert (output / "images" / "2026" / "baithak.v2.jpg").is_file()
    assert as_clean_build(content, output, tmp_path / "clean" / "output") == []
    # its caption edited: fast, its photo's copies left as they are
    note.write_text(note_text(**fields, image_alt="थाने में बैठक"), encoding="utf-8")
    assert build_site(content, output).path == "fast"
    assert as_clean_build(content, output, tmp_path / "clean" / "output") == []


# two notes without `slug:` of one title: the older takes the title's slug,
# the newer the slug with "-2" (plugins/press_notes assign_slugs, over every
# note); a build of the newer one alone would give it the older one's
TWIN_TITLE = "थाने में बैठक आयोजित"


def twins(older: dict, newer: dict) -> dict[str, str]:
    return {
        "2026/a.md": note_text(slug=None, title=TWIN_TITLE, **older),
        "2026/b.md": note_text(slug=None, title=TWIN_TITLE, **newer),
    }


def test_an_older_lead_story_without_a_slug_keeps_its_address(tmp_path):
    """The home page's lead story, an older note with a photo, is read with
    a new note: alone, its address would be made from its title without the
    number the full build gives it, and the home page and the list pages
    would link the other note's page.
    """
    photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[0].read_bytes()
    content = new_content(
        tmp_path,
        twins(
            {"date": "2026-10-01 10:00", "thana": "आलोट"},
            {
                "date": "2026-10-02 10:00",
                "image": "images/2026/b.jpg",
                "image_alt": "बैठक",
            },
        ),
    )
    (content / "images" / "2026").mkdir(parents=True)
    (content / "images" / "2026" / "b.jpg").write_bytes(photo)
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    assert (output / "2026" / "10" / "thane-mein-baithak-ayojit-2").is_dir()
    (content / "notes" / "2026" / "c.md").write_text(
        note_text(slug="teesri", title="तीसरी खबर", date="2026-10-03 10:00"),
        encoding="utf-8",
    )
    result = build_site(content, output)
    assert as_clean_build(content, output, tmp_path / "clean" / "output") == []
    assert result.path == "full"
    assert result.why == (
        "the fast path stopped: notes/2026/b.md read alone is not the note "
        "the site index holds"
    )


def test_an_older_note_without_a_slug_read_for_its_card_keeps_its_address(tmp_path):
    """An edit moves a note out of a list: the list's page shows an older
    note whose card the site index does not keep, read alone: its address
    would be made from its title without the number the full build gives it.
    """
    notes = twins(
        {
            "date": "2026-09-01 10:00",
            "thana": "जावरा शहर",
            "category": "अपराध",
            "tags": "चोरी",
        },
        {"date": "2026-10-02 10:00"},
    )
    notes["2026/c.md"] = note_text(
        slug="teesri", title="तीसरी खबर", date="2026-10-03 10:00"
    )
    notes["2026/d.md"] = note_text(
        slug="chauthi", title="चौथी खबर", date="2026-10-04 10:00"
    )
    notes["2026/e.md"] = note_text(
        slug="alot-e", title="आलोट की खबर", date="2026-09-15 10:00", thana="आलोट"
    )
    content = new_content(tmp_path, notes)
    output = tmp_path / "site" / "output"
    lists = {"LISTINGS": {"page_size": 2, "home_notes": 1}}
    assert build_site(content, output, **lists).path == "full"
    # the index of a larger site: the card of notes/2026/b.md is not kept
    main, _records = site_index_parts(content, output)
    index, why = site_index.load(main, with_records=True)
    assert index is not None, why
    kept = {"notes/2026/a.md", "notes/2026/d.md"}
    cards = {p: c for p, c in index.cards.items() if p in kept}
    site_index.save(dataclasses.replace(index, cards=cards), main)
    (content / "notes" / "2026" / "d.md").write_text(
        note_text(
            slug="chauthi", title="चौथी खबर", date="2026-10-04 10:00", thana="आलोट"
        ),
        encoding="utf-8",
    )
    result = build_site(content, output, **lists)
    clean = tmp_path / "clean" / "output"
    assert as_clean_build(content, output, clean, **lists) == []
    assert result.path == "full"
    assert result.why == (
        "the fast path stopped: notes/2026/b.md read alone is not the note "
        "the site index holds"
    )


def home_page_printing(
    tmp_path: Path, after: str, addition: str, template: str = "index.html"
) -> tuple[Path, Path]:
    """A copy of the theme whose home page (or `template`) prints `addition`
    after `after` (found once), and the content of NOTES built with it,
    fully: (content, theme).
    """
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    index = theme / "templates" / template
    text = index.read_text(encoding="utf-8")
    assert text.count(after) == 1
    index.write_text(text.replace(after, after + addition), encoding="utf-8")
    content = new_content(tmp_path, NOTES)
    output = tmp_path / "site" / "output"
    assert build_site(content, output, THEME=str(theme)).path == "full"
    return content, theme


def add_photo_note(content: Path, **fields) -> None:
    """NEW, with a new photo (so it is the home page's lead story)."""
    photo = sorted((ROOT / "content" / "images").rglob("*.jpg"))[0].read_bytes()
    (content / "images" / "2026").mkdir(parents=True)
    (content / "images" / "2026" / "nayi.jpg").write_bytes(photo)
    note = note_text(**NEW, image="images/2026/nayi.jpg", image_alt="बैठक", **fields)
    (content / "notes" / "2026" / "new.md").write_text(note, encoding="utf-8")


def test_a_lead_story_printing_its_text_is_still_published_fast(tmp_path):
    """The fast path prints the home page's lead story again after the
    build of the new notes alone has written its feeds (fast_lists
    home_page): a theme whose lead story prints the note's text gets the
    same page as a full build, by the fast path, not a full build instead.
    """
    content, theme = home_page_printing(
        tmp_path,
        "{{ note_teaser(note, 2, 'lead-title') -}}",
        '\n<div class="lead-text">{{ note.content }}</div>',
    )
    body = "नई खबर का पूरा पाठ।"
    add_photo_note(content, body=body)
    output = tmp_path / "site" / "output"
    result = build_site(content, output, THEME=str(theme))
    assert (result.path, result.why) == ("fast", "only new notes since the last build")
    home = (output / "index.html").read_text(encoding="utf-8")
    assert body in home.split('class="lead-text"')[1]
    clean = tmp_path / "clean" / "output"
    assert as_clean_build(content, output, clean, THEME=str(theme)) == []


TEXT = '\n<div class="text">{{ note.content }}</div>'


@pytest.mark.parametrize(
    ("template", "after", "addition"),
    [
        # the home page's other notes
        ("index.html", "{{ note.card_html }}", TEXT),
        # the home page's `articles` (Pelican's every note)
        (
            "index.html",
            "{% endfor %}",
            "{% for note in articles[:3] %}" + TEXT + "{% endfor %}",
        ),
        # a station's list pages
        ("listing.html", "{{ note.card_html }}", TEXT),
    ],
)
def test_a_page_printing_the_text_of_notes_the_index_shows_is_never_printed_empty(
    tmp_path, template, after, addition
):
    """The fast path prints a list page's older notes from the site index,
    which keeps no note's text: a theme whose page prints it gets the full
    build, which says what the page read (not the text left out: Jinja
    prints a missing value as nothing), and prints the text.
    """
    content, theme = home_page_printing(tmp_path, after, addition, template=template)
    add_photo_note(content)
    output = tmp_path / "site" / "output"
    result = build_site(content, output, THEME=str(theme))
    assert result.path == "full"
    assert result.why.startswith("the fast path stopped: a page prints the content")
    clean = tmp_path / "clean" / "output"
    assert as_clean_build(content, output, clean, THEME=str(theme)) == []


def test_a_shown_note_gives_its_entrys_values_and_copies_and_pickles():
    """A note a list page shows (fast_lists.Shown) gives its entry's values
    and its card; what its entry does not keep stops the fast path; a copy
    or a pickle of it is the same note (Python's own names, looked for on
    an object not yet filled in, are missed, not looked for in its entry).
    """
    import copy
    import pickle
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plugins.core.records import Ref

    entry = site_index.NoteEntry(
        "notes/1.md",
        "n1",
        "1/",
        "1/index.html",
        datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Kolkata")),
        Ref("alot", "alot", "thana/alot/"),
        Ref("apradh", "apradh", "shreni/apradh/"),
        (),
        "",
        "",
    )
    note = fast_lists.Shown(entry, {"notes/1.md": "<article>1</article>"})
    for same in (
        copy.copy(note),
        copy.deepcopy(note),
        pickle.loads(pickle.dumps(note)),
    ):
        assert (same.slug, same.url, same.card_html) == ("n1", "1/", note.card_html)
    with pytest.raises(fast_lists.NotInIndex, match=r"content of notes/1\.md"):
        note.content  # noqa: B018
    with pytest.raises(AttributeError):
        note.__html__  # noqa: B018


def test_a_fast_build_keeps_what_the_templates_read_for_the_next(
    tmp_path, caplog, first_in_process
):
    """Page reuse asks what the templates read (Jinja parses each of them),
    in the build of new notes alone (whose cache folder is a scratch one)
    and in the comparison of list pages: both keep their answers in the
    site's cache folder, from one fast build to the next.
    """
    content = new_content(tmp_path, NOTES)
    output = tmp_path / "site" / "output"
    assert build_site(content, output).path == "full"
    made = []
    for n, day in ((1, "2026-11-20 09:00"), (2, "2026-11-21 09:00")):
        note = note_text(slug=f"nayi-{n}", date=day, title=f"नई खबर {n}")
        (content / "notes" / "2026" / f"new-{n}.md").write_text(note, encoding="utf-8")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="plugins.page_reuse.analysis"):
            assert build_site(content, output).path == "fast"
        lines = [m for m in caplog.messages if "answers about the templates" in m]
        made.append([tuple(int(w) for w in m.split() if w.isdigit()) for m in lines])
    assert len(made[0]) == 2 and all(asked > 0 for _kept, asked in made[0])
    # what the first made, the second found kept (and asked little more:
    # its note may change a page of another kind)
    assert len(made[1]) == 2
    for (kept, asked), (kept_after, asked_after) in zip(made[0], made[1], strict=True):
        assert kept_after >= kept + asked and asked_after < asked
    cache = tmp_path / "site" / "cache"
    for folder in (fast_notes.ALONE_ANALYSES, fast_lists.LISTS_ANALYSES):
        assert (cache / folder / "template-analysis.answers").is_file()

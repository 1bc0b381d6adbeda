"""What `invoke build` tells a reporter, and what it leaves behind
(scripts/build.py): a small bulletin of two notes, built in a temp folder.

The promises: a build reports the notes and pages it made, the warnings it
logged and the note pages it reused; any failure (a bad page, a template
error, a plugin that does not load, an output that is a link, another build
holding the lock) says what failed and leaves the published site byte for
byte as it was, with nothing left beside it.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pelican import signals
from support import (
    ROOT,
    SETTINGS,
    build_site,
    forget_logged_warnings,
    new_content,
    note_text,
    tree,
)

from plugins.core import messages, parallel
from plugins.core.errors import BuildFailed
from scripts.build import (
    YOUNG_THRESHOLD,
    build,
    build_and_report,
    count_pages,
    load_settings,
    lock_path,
    swap_in,
    template_place,
    trash_folders,
)

NOTE_A = "2026/10/namli-shivir/index.html"
NOTE_B = "2026/10/alot-shivir/index.html"


def two_notes(tmp: Path) -> Path:
    """The content folder (tmp/src/content) of a bulletin of two notes."""
    return new_content(
        tmp / "src",
        {
            "2026/10/a.md": note_text(slug="namli-shivir"),
            "2026/10/b.md": note_text(
                slug="alot-shivir",
                date="2026-10-06 09:00",
                # not the same news as a.md (same title and thana within a week)
                title="नामली थाने में हेलमेट जागरूकता शिविर",
            ),
        },
    )


def published(tmp: Path) -> Path:
    """A published site (tmp/site/output) as an earlier build left it."""
    output = tmp / "site" / "output"
    for page, text in (("index.html", "मुखपृष्ठ"), (NOTE_A, "पुरानी खबर")):
        (output / page).parent.mkdir(parents=True, exist_ok=True)
        (output / page).write_text(f"<p>{text}</p>", encoding="utf-8")
    return output


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def beside(output: Path) -> list[str]:
    """What is beside the output once the replaced one is removed (the
    removal runs in the background; it is given 20 seconds), besides the
    cache folder the tests put there."""
    deadline = time.monotonic() + 20
    while trash_folders(output) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in output.parent.iterdir() if p.name != "cache")


def html_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*.html") if p.is_file())


@dataclass(frozen=True)
class Bulletin:
    """Two notes to build over a published site."""

    content: Path
    output: Path
    before: dict[str, str]  # the published site's files and their digests

    def fails(self, **settings: object) -> str:
        """The message of a build that must fail, once the published site is
        found byte for byte as it was, with nothing left beside it."""
        with pytest.raises(BuildFailed) as failed:
            build_site(self.content, self.output, **settings)
        assert snapshot(self.output) == self.before
        assert beside(self.output) == [".output.lock", "output"]
        return str(failed.value)


@pytest.fixture
def bulletin(tmp_path: Path) -> Bulletin:
    output = published(tmp_path)
    return Bulletin(two_notes(tmp_path), output, snapshot(output))


def test_a_build_reports_its_notes_pages_warnings_and_reused_pages(tmp_path, caplog):
    content = two_notes(tmp_path)
    output = tmp_path / "site" / "output"
    with caplog.at_level(logging.WARNING):
        first = build_site(content, output)
    assert first.output == output
    assert first.notes == 2
    assert (output / NOTE_A).is_file() and (output / NOTE_B).is_file()
    assert first.pages == html_files(output) > 2
    assert first.reused == 0
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert first.warnings == len(warned)
    # the next build links both unchanged note pages from the published site
    second = build_site(content, output)
    assert (second.notes, second.pages, second.reused) == (2, first.pages, 2)
    assert beside(output) == [".output.lock", "output"]
    # a raw <script> in a note is removed, with a warning counted
    (content / "notes/2026/10/c.md").write_text(
        note_text(slug="c", body="पाठ\n\n<script>alert(1)</script>\n"),
        encoding="utf-8",
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        third = build_site(content, output)
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert third.notes == 3 and third.warnings == len(warned) >= 1


def test_the_page_count_names_note_pages_by_their_place(tmp_path):
    pages = [
        "index.html",
        "2026/10/namli-shivir/index.html",  # notes: YYYY/MM/slug/index.html
        "2026/10/alot-shivir/index.html",
        "2025/01/x/index.html",
        "2026/10/index.html",  # the month's list
        "2026/index.html",
        "2026/10/namli-shivir/print.html",
        "2026/10/namli-shivir/photos/index.html",  # deeper
        "thana/alot/index.html",
        "26/10/x/index.html",  # not a year
        "2026/1/x/index.html",  # not a month
        "abcd/10/x/index.html",
    ]
    for page in pages:
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "2026/10/namli-shivir/style.css").write_text("", encoding="utf-8")
    (tmp_path / "2026/10/empty").mkdir()  # a folder without a page
    assert count_pages(tmp_path) == (3, len(pages))


def test_a_bad_page_fails_the_build_naming_it_and_keeps_the_site(bulletin):
    pages = bulletin.content / "pages"
    (pages / "tuta.md").write_text("title: टूटा\ndate: कल\n\nपाठ\n", encoding="utf-8")
    assert bulletin.fails() == (
        "1 error while building:\n  Could not process pages/tuta.md"
    )
    (pages / "adhura.md").write_text(
        "title: अधूरा\ndate: परसों\n\nपाठ\n", encoding="utf-8"
    )
    lines = bulletin.fails().split("\n")
    assert lines[0] == "2 errors while building:"
    assert sorted(lines[1:]) == [
        "  Could not process pages/adhura.md",
        "  Could not process pages/tuta.md",
    ]


def test_a_note_refused_by_the_rules_fails_the_build_naming_file_line_and_field(
    bulletin,
):
    (bulletin.content / "notes/2026/10/c.md").write_text(
        note_text(slug="c", thana="अज्ञात"), encoding="utf-8"
    )
    message = bulletin.fails()
    assert message.startswith("1 problem in the content:\n")
    assert "notes/2026/10/c.md:4 [thana]" in message


def test_a_template_error_names_its_template_and_keeps_the_site(tmp_path, bulletin):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "article.html").write_text(
        "{% extends 'base.html' %}{% block content %}\n"
        "{{ article.title|length / 0 }}{% endblock %}",
        encoding="utf-8",
    )
    message = bulletin.fails(THEME=str(theme))
    assert message.startswith(
        "the build stopped: ZeroDivisionError: division by zero ("
    )
    assert message.endswith("templates/article.html, line 2)"), message


def test_a_plugin_that_does_not_load_or_comes_too_early_fails_the_build(bulletin):
    from pelican.settings import read_settings

    plugins = list(read_settings(SETTINGS)["PLUGINS"])
    handlers = list(logging.getLogger().handlers)
    assert bulletin.fails(PLUGINS=[*plugins, "plugins.nothing_here"]).startswith(
        "PLUGINS: plugin 'plugins.nothing_here' did not load"
    )
    # the failed build left no handler of its own behind (`invoke serve`
    # builds again and again in one process)
    assert logging.getLogger().handlers == handlers
    # the core last, and the feeds before the links they read: both named,
    # with the setting to fix
    order = [p for p in plugins[1:] if p != "plugins.links"]
    order.insert(order.index("plugins.feeds") + 1, "plugins.links")
    assert bulletin.fails(PLUGINS=[*order, plugins[0]]) == (
        "PLUGINS: 'plugins.core' must come first in PLUGINS; 'plugins.feeds' "
        "reads what 'plugins.links' adds; move 'plugins.links' before "
        "'plugins.feeds' in PLUGINS"
    )


def test_an_output_that_is_a_link_is_refused_and_left_alone(tmp_path, caplog):
    content = two_notes(tmp_path)
    web = tmp_path / "www"
    (tmp_path / "site").mkdir()
    web.mkdir()
    (web / "index.html").write_text("<p>सर्वर का पन्ना</p>", encoding="utf-8")
    output = tmp_path / "site" / "output"
    output.symlink_to(web)
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output)}
    with pytest.raises(BuildFailed) as failed:
        build(str(SETTINGS), overrides)
    message = str(failed.value)
    assert message.startswith(f"{output} is a link; ") and "invoke publish" in message
    assert [p.name for p in web.iterdir()] == ["index.html"]
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]
    # invoke build says so, and that nothing was published
    with caplog.at_level(logging.INFO, logger="scripts.build"):
        assert build_and_report(str(SETTINGS), overrides) is False
    [record] = [r for r in caplog.records if r.name == "scripts.build"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        f"Nothing was published; the site is as it was.\n{message}"
    )


def test_invoke_build_reports_a_build_that_worked(tmp_path, caplog):
    content = two_notes(tmp_path)
    output = tmp_path / "site" / "output"
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(tmp_path / "site" / "cache"),
    }
    with caplog.at_level(logging.INFO, logger="scripts.build"):
        assert build_and_report(str(SETTINGS), overrides) is True
    assert (output / NOTE_A).is_file()
    [record] = [r for r in caplog.records if r.name == "scripts.build"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        f"built 2 notes, {html_files(output)} HTML pages into {output} "
        "(0 unchanged note pages reused, 0 warnings)"
    )


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""


def test_a_build_waits_for_another_as_long_as_the_setting_says(bulletin, caplog):
    output = bulletin.output
    # another `invoke build` or `invoke publish` of the same output
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock_path(output))],
        stdout=subprocess.PIPE,
        text=True,
    ) as other:
        try:
            assert other.stdout is not None and other.stdout.readline() == "held\n"
            started = time.monotonic()
            forget_logged_warnings()
            with caplog.at_level(logging.WARNING):
                message = bulletin.fails(BUILD_LOCK_WAIT=1.0)
            assert time.monotonic() - started >= 1.0
        finally:
            other.kill()
    assert message == (
        f"another build or `invoke share` of {output} is running; try again "
        "when it ends"
    )
    waiting = [m for m in caplog.messages if "waiting for another build" in m]
    assert waiting == ["waiting for another build to finish..."]  # said once


def test_without_rm_the_replaced_site_is_removed_before_the_swap_returns(
    tmp_path, monkeypatch
):
    # a minimal system without `rm` on PATH
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    assert shutil.which("rm") is None
    output = tmp_path / "site" / "output"
    for folder, text in ((output, "पुराना"), (tmp_path / "site" / "new", "नया")):
        (folder / "a").mkdir(parents=True)
        (folder / "a" / "index.html").write_text(text, encoding="utf-8")
    swap_in(tmp_path / "site" / "new", output)
    assert (output / "a" / "index.html").read_text(encoding="utf-8") == "नया"
    # removed at once, not in the background
    assert sorted(os.listdir(tmp_path / "site")) == ["output"]


def test_the_replaced_site_is_removed_from_the_disk(tmp_path):
    output = tmp_path / "site" / "output"
    (output / "a").mkdir(parents=True)
    page = output / "a" / "index.html"
    page.write_text("<p>पुराना</p>", encoding="utf-8")
    kept = tmp_path / "kept.html"
    os.link(page, kept)  # a second name for the old page's data
    new = tmp_path / "site" / "new"
    (new / "a").mkdir(parents=True)
    (new / "a" / "index.html").write_text("<p>नया</p>", encoding="utf-8")
    swap_in(new, output)
    assert beside(output) == ["output"]
    # the old page's data has no name left but ours: not moved elsewhere
    deadline = time.monotonic() + 20
    while kept.stat().st_nlink > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kept.stat().st_nlink == 1


def test_an_error_outside_the_templates_names_no_template():
    try:
        int("पाँच")
    except ValueError as error:
        assert template_place(error) == ""
    assert template_place(ValueError("never raised")) == ""


def test_the_swap_does_not_wait_for_the_old_site_to_be_removed(tmp_path):
    # a big old site: removing its files takes a while, and the new site is
    # in place before that ends
    output = tmp_path / "site" / "output"
    for n in range(40):
        folder = output / "2026" / f"{n:02d}"
        folder.mkdir(parents=True)
        for m in range(100):
            (folder / f"{m}.html").write_bytes(b"<p>x</p>")
    new = tmp_path / "site" / "new"
    new.mkdir()
    (new / "index.html").write_text("<p>नया</p>", encoding="utf-8")
    swap_in(new, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "<p>नया</p>"
    assert trash_folders(output), "the old site was removed before the swap ended"
    assert beside(output) == ["output"]  # and then it goes


def test_a_finished_builds_notes_are_freed(tmp_path):
    """Nothing holds a full build's notes once it ends (Pelican's memos of
    each note's summary did, for as long as the process ran): they go
    before the site index is written.
    """
    import gc

    from pelican.contents import Article

    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(slug="a"),
            "2026/10/b.md": note_text(slug="b", title="दूसरी खबर"),
        },
    )
    result = build_site(content, tmp_path / "output")
    assert result.path == "full" and result.notes == 2
    gc.collect()
    mine = [
        o
        for o in gc.get_objects()
        if isinstance(o, Article) and str(o.source_path).startswith(str(content))
    ]
    assert mine == []


def test_a_full_build_lets_go_of_the_site_index_it_read_before_reading_the_notes(
    tmp_path,
):
    """A build reads the last site index to choose its path; when the path
    is the full build, the index (about 245 MB of objects at 50,000 notes)
    is let go of before the notes are read again, not held to the end.
    """
    import gc

    from pelican import signals

    from scripts.site_index import SiteIndex

    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(slug="a", date="2026-10-10 10:00"),
            "2026/10/b.md": note_text(slug="b", title="दूसरी खबर"),
        },
    )
    output = tmp_path / "output"
    assert build_site(content, output).path == "full"
    note = content / "notes" / "2026" / "10" / "a.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "2026-10-10 10:00", "2026-10-09 10:00"
        ),
        encoding="utf-8",
    )
    held: list[int] = []

    def count_indexes(sender) -> None:
        gc.unfreeze()  # the index read is kept out of the collector's view
        gc.collect()
        held.append(sum(isinstance(o, SiteIndex) for o in gc.get_objects()))

    signals.all_generators_finalized.connect(count_indexes)
    try:
        result = build_site(content, output)
    finally:
        signals.all_generators_finalized.disconnect(count_indexes)
    assert (result.path, result.why) == (
        "full",
        "edit of notes/2026/10/a.md: its date changed",
    )
    assert held == [0]


def test_a_full_build_surveys_its_output_in_a_process_of_its_own(tmp_path, monkeypatch):
    """The survey of the output a full build swapped in keeps what it found
    of every folder (tens of megabytes at 50,000 notes): it is made by a
    process forked from the build, whose memory is not the build's, while
    the build makes its index and lets go of its notes; its counts are the
    build's and its index's.
    """
    from scripts import site_index

    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(slug="a"),
            "2026/10/b.md": note_text(slug="b", title="दूसरी खबर"),
        },
    )
    survey = site_index.survey
    surveyed_by = tmp_path / "surveyed-by"

    def noted(output, *args, **kwargs):
        with surveyed_by.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return survey(output, *args, **kwargs)

    monkeypatch.setattr(site_index, "survey", noted)
    output = tmp_path / "output"
    result = build_site(content, output)
    pids = surveyed_by.read_text(encoding="utf-8").split()
    assert result.path == "full" and len(pids) == 1 and int(pids[0]) != os.getpid()
    monkeypatch.undo()
    assert (result.notes, result.output_files) == (
        2,
        site_index.survey(output).digest,
    )
    paths = {"PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": tmp_path / "cache"}
    settings = load_settings(SETTINGS, {k: str(v) for k, v in paths.items()})
    index, why = site_index.load(site_index.index_path(settings, output))
    assert index is not None, why
    assert index.surveyed == site_index.survey(output)


def live_notes(content: Path) -> list:
    """The notes of `content` some object of this process still holds."""
    import gc

    from pelican.contents import Article

    gc.unfreeze()  # objects a build keeps out of the collector's view too
    gc.collect()
    return [
        o
        for o in gc.get_objects()
        if isinstance(o, Article) and str(o.source_path).startswith(str(content))
    ]


def test_the_notes_of_a_fast_build_are_freed(tmp_path):
    """A process that builds again and again (`invoke serve`) keeps nothing
    of a build of new notes alone (the fast path): Pelican's memo of their
    summaries held them, and their build's context, for as long as the
    process ran.
    """
    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(slug="a"),
            "2026/10/b.md": note_text(slug="b", title="दूसरी खबर"),
        },
    )
    output = tmp_path / "output"
    # one day for both builds (the fast path is for the day of the last one)
    now = {"BUILD_TIME": "2026-11-29T10:00:00+05:30"}
    assert build_site(content, output, **now).path == "full"
    assert live_notes(content) == []
    new = note_text(slug="c", title="तीसरी खबर", date="2026-11-20 10:00")
    (content / "notes" / "2026" / "10" / "c.md").write_text(new, encoding="utf-8")
    assert build_site(content, output, **now).path == "fast"
    assert live_notes(content) == []


@pytest.mark.parametrize(
    "template",
    [
        "index.html",  # the snapshot of the notes (plugins/page_reuse) was kept
        "whatsapp.html",  # and the links generator waiting (plugins/links)
    ],
)
def test_a_failed_builds_notes_are_freed_by_the_next_build(tmp_path, template):
    """A build that stops half way (a theme's page that cannot be printed,
    in `invoke serve`'s loop) leaves nothing of its notes behind once the
    next build has run: the note snapshot and the links generator a
    finished build lets go of at its end are let go of by the next build's
    start too (each failed build kept a whole build's notes).
    """
    import gc

    from pelican.contents import Article

    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(slug="a"),
            "2026/10/b.md": note_text(slug="b", title="दूसरी खबर"),
        },
    )
    output = tmp_path / "output"
    assert build_site(content, output).path == "full"
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / template).write_text("{{ 1 // 0 }}", "utf-8")
    with pytest.raises(BuildFailed):
        build_site(content, output, THEME=str(theme))
    other = new_content(tmp_path / "other", {"2026/10/x.md": note_text(slug="x")})
    assert build_site(other, tmp_path / "other-output").path == "full"
    gc.collect()
    held = [
        o
        for o in gc.get_objects()
        if isinstance(o, Article) and str(o.source_path).startswith(str(content))
    ]
    assert held == []


def test_a_build_runs_with_fewer_collections_and_puts_the_threshold_back(tmp_path):
    """The collector's first threshold is YOUNG_THRESHOLD while a build
    runs (and so in the workers it forks), and what it was after the build,
    a failed one too.
    """
    seen: list[tuple[int, ...]] = []

    def look(_pelican) -> None:
        seen.append(gc.get_threshold())

    before = gc.get_threshold()
    assert before[0] != YOUNG_THRESHOLD
    signals.initialized.connect(look)
    try:
        content = new_content(tmp_path, {"2026/10/a.md": note_text()})
        build_site(content, tmp_path / "output")
        assert seen == [(YOUNG_THRESHOLD, *before[1:])]
        assert gc.get_threshold() == before
        (content / "notes/2026/10/b.md").write_text("title: \n", encoding="utf-8")
        with pytest.raises(BuildFailed):
            build_site(content, tmp_path / "output")
        assert len(seen) == 2 and gc.get_threshold() == before
    finally:
        signals.initialized.disconnect(look)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_given_a_notes_address_fails_naming_the_file(
    tmp_path, monkeypatch, workers
):
    """A site page whose save_as is a note's address: the build fails, the
    published site as it was, with what to do and the file as its place in
    the site (in Hindi by default), not Pelican's English.
    """
    notes = {
        f"2026/10/n{i:02d}.md": note_text(slug=f"suchna-{i:02d}", title=f"सूचना {i}")
        for i in range(70)
    }
    monkeypatch.setattr(parallel, "WORKERS", workers)
    content = new_content(tmp_path, notes)
    output = tmp_path / "output"
    build_site(content, output)
    before = tree(output)
    (content / "pages" / "takrav.md").write_text(
        "title: टकराव\nslug: takrav\nsave_as: 2026/10/suchna-05/index.html\n\nपाठ।\n",
        encoding="utf-8",
    )
    monkeypatch.delenv(messages.ENV, raising=False)
    with pytest.raises(BuildFailed) as failed:
        build_site(content, output)
    message = str(failed.value)
    assert "साइट की एक ही फ़ाइल 2026/10/suchna-05/index.html में दो पेज" in message
    assert "Failed to overwrite" not in message and str(tmp_path) not in message
    assert tree(output) == before

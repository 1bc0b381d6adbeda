"""Notes read, and note and list pages rendered, in worker processes forked
from the build write exactly what one process writes, log each warning
once, and keep page reuse's record (plugins/core/parallel.py,
page_workers.py, note_pages.py, plugins/press_notes/read_ahead.py)."""

from __future__ import annotations

import builtins
import fcntl
import inspect
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican import signals
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator
from pelican.writers import FileOverwriteFailedError, Writer
from support import ROOT, build_site, children_of, note_text, session_processes, tree

from plugins.core import core, files, packed, page_workers, parallel
from plugins.core.errors import BuildFailed
from plugins.core.note_pages import NOTE_LISTS, NOTE_PAGES
from plugins.core.page_workers import LIST_PAGES
from plugins.listings import listings
from plugins.press_notes import read_ahead, validate
from plugins.press_notes.read_ahead import NOTES_READ
from plugins.press_notes.reader import SafeMarkdownReader
from plugins.press_notes.validate import NOTES_CHECKED
from plugins.whatsapp import generator, preview
from scripts.build import lock_path, staging_path

pytestmark = [pytest.mark.build, pytest.mark.slow]


@pytest.fixture
def in_workers(monkeypatch):
    """Two worker processes for any number of items (the sample has 20 notes)."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)


@pytest.fixture
def in_one_process(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)


def sample_content(tmp: Path) -> Path:
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    notes = content / "notes" / "2026" / "11"
    for slug, status in (("chhupi-suchna", "hidden"), ("masauda-suchna", "draft")):
        (notes / f"{slug}.md").write_text(
            note_text(slug=slug, status=status, title=f"सूचना {slug}"), encoding="utf-8"
        )
    # raw HTML the reader removes, with a warning
    (notes / "asurakshit.md").write_text(
        note_text(
            slug="asurakshit", title="असुरक्षित", body="पाठ <b onclick='x()'>है</b>।"
        ),
        encoding="utf-8",
    )
    return content


def build_logged(caplog, content: Path, output: Path):
    """The build's result, its messages, and how many notes were read and
    note pages written in workers and here (plugins/core/parallel.py).
    """
    caplog.clear()
    parallel.LAST_RUNS.clear()
    with caplog.at_level(logging.INFO, logger="plugins"):
        result = build_site(content, output)
    messages = [r.getMessage() for r in caplog.records]
    return result, messages, {what: (w, h) for what, w, h in parallel.LAST_RUNS}


def test_worker_processes_write_what_one_process_writes(tmp_path, caplog, monkeypatch):
    # Two copies: Pelican logs a message once per process, and the warning
    # names the file.
    one, two = tmp_path / "one", tmp_path / "two"
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
    alone, alone_log, alone_runs = build_logged(
        caplog, sample_content(one), one / "output"
    )
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    # the preview images drawn in workers too, and only once the note pages'
    # workers are done (one pool at a time); the list pages' after them
    monkeypatch.setattr(preview, "PARALLEL_MIN", 1)
    events: list = []
    pages_map, start_images = page_workers.fork_map, preview.start_missing

    def note_pages_map(work, items, *args, **kwargs):
        events.append(("pages", len(items)))
        return pages_map(work, items, *args, **kwargs)

    def start_missing(*args, **kwargs):
        events.append("preview images")
        return start_images(*args, **kwargs)

    monkeypatch.setattr(page_workers, "fork_map", note_pages_map)
    monkeypatch.setattr(preview, "start_missing", start_missing)
    forked, forked_log, runs = build_logged(caplog, sample_content(two), two / "output")
    # 22 note pages, 98 list pages (the first of each of the 6 list
    # templates written by the build)
    assert events == [("pages", 22), "preview images", ("pages", 98)]
    # 20 sample notes, the hidden one and the draft; the unsafe one was read
    # again by the build, which logged its warning
    # the list pages: the first of each template written by the build, the
    # others in workers
    assert runs == {
        NOTES_CHECKED: (23, 0),
        NOTES_READ: (22, 1),
        NOTE_PAGES: (22, 0),
        LIST_PAGES: (98, 6),
    }
    assert alone_runs == {NOTES_CHECKED: (0, 23), NOTES_READ: (0, 23)}
    first, second = tree(alone.output), tree(forked.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    # the unsafe HTML's warning: once, from the build itself, in both builds
    unsafe = [m for m in forked_log if "removed unsafe HTML" in m]
    assert len(unsafe) == 1
    assert unsafe == [
        m.replace(str(one), str(two)) for m in alone_log if "removed unsafe HTML" in m
    ]
    assert forked.warnings == alone.warnings
    assert forked.notes == alone.notes == 22


def test_a_rebuild_in_workers_reuses_pages_and_matches_a_clean_build(
    tmp_path, in_workers, caplog
):
    content = sample_content(tmp_path)
    output = tmp_path / "site" / "output"
    first, _, runs = build_logged(caplog, content, output)
    assert runs == {
        NOTES_CHECKED: (23, 0),
        NOTES_READ: (22, 1),
        NOTE_PAGES: (22, 0),
        LIST_PAGES: (98, 6),
    }
    assert first.reused == 0
    note = content / "notes" / "2026" / "11" / "chhupi-suchna.md"
    note.write_text(
        note_text(slug="chhupi-suchna", status="hidden", title="बदली सूचना"),
        encoding="utf-8",
    )
    st = note.stat()
    os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns + 5 * 10**9))
    again, messages, runs = build_logged(caplog, content, output)
    # every other note page was linked by a worker, and the record says so
    assert again.reused == first.notes - 1
    # every list page (written by workers) and every feed (keyed by the
    # build, with the site's key its first list page made) was linked too
    feeds = list((again.output / "feeds").rglob("*.xml"))
    (linked,) = [m for m in messages if "list pages and feeds linked" in m]
    assert f" and {sum(runs[LIST_PAGES]) + len(feeds)} list pages" in linked
    # only the edited note is checked; it is read with the draft (the note
    # snapshot keeps published notes only), the others are restored, not read
    # ahead (one is enough for a worker here)
    assert runs == {
        NOTES_CHECKED: (1, 0),
        NOTES_READ: (2, 0),
        NOTE_PAGES: (22, 0),
        LIST_PAGES: (98, 6),
    }
    clean = build_site(content, tmp_path / "clean" / "output")
    built, fresh = tree(again.output), tree(clean.output)
    assert built.keys() == fresh.keys()
    assert [name for name in built if built[name] != fresh[name]] == []
    # an unchanged rebuild reads only the hidden note and the draft
    third, _, runs = build_logged(caplog, content, output)
    assert third.reused == third.notes
    assert runs[NOTES_READ] == (2, 0)


def test_firsts_of_kinds_are_the_first_page_and_the_first_of_each_kind():
    def pages(*kinds):
        return [
            page_workers.Page(f"{i}.html", lambda: None, k) for i, k in enumerate(kinds)
        ]

    assert page_workers.firsts_of_kinds([]) == []
    assert page_workers.firsts_of_kinds(pages("a", "a", "a")) == [0]
    assert page_workers.firsts_of_kinds(pages("a", "b", "a", "c", "b")) == [0, 1, 3]
    # pages of no kind share nothing: the first page is written first anyway
    assert page_workers.firsts_of_kinds(pages("", "", "b")) == [0, 2]
    assert page_workers.firsts_of_kinds(pages("b", "", "")) == [0, 1]


def test_no_worker_analyses_a_template_the_build_did(
    tmp_path, monkeypatch, in_workers, first_in_process
):
    """Page reuse's analyses of what a list template reads are made by the
    build, once a template, before the list pages' workers are forked: the
    workers start with them, and none makes one again.
    """
    from plugins.page_reuse import reuse

    made = tmp_path / "made"
    analyses = (reuse.template_reads, reuse.variable_reads)
    write, writing = listings.ListingsGenerator.write, []

    def noted(analysis):
        def analyse(*args, **kwargs):
            if writing:  # a list page's (the note pages' workers make theirs)
                with made.open("a") as f:
                    f.write(f"{os.getpid()} {analysis.__name__}\n")
            return analysis(*args, **kwargs)

        return analyse

    def write_list_page(self, writer, page):
        writing.append(page)
        try:
            return write(self, writer, page)
        finally:
            writing.pop()

    for analysis in analyses:
        monkeypatch.setattr(reuse, analysis.__name__, noted(analysis))
    monkeypatch.setattr(listings.ListingsGenerator, "write", write_list_page)
    parallel.LAST_RUNS.clear()
    build_site(sample_content(tmp_path), tmp_path / "output")
    lines = made.read_text().split("\n")[:-1]
    assert {int(line.split()[0]) for line in lines} == {os.getpid()}
    assert {line.split()[1] for line in lines} == {a.__name__ for a in analyses}
    workers, here = {what: (w, h) for what, w, h in parallel.LAST_RUNS}[LIST_PAGES]
    assert workers > 50 and here > 1


def test_pages_written_in_place_of_list_pages_build_in_workers_as_in_one_process(
    tmp_path, monkeypatch
):
    # a page whose save_as is a list page's is written in its place: Pelican
    # skips the list page (writes it to os.devnull), which two list pages
    # written in workers did too, not two pages writing one file
    def content(tmp: Path) -> Path:
        made = sample_content(tmp)
        for i, tag in enumerate(("agni-suraksha", "abkari-adhiniyam")):
            (made / "pages" / f"apna-{i}.md").write_text(
                f"title: पन्ना {i}\nslug: apna-{i}\n"
                f"save_as: tag/{tag}/index.html\nsummary: सार।\n\nपाठ।\n",
                encoding="utf-8",
            )
        return made

    one, two = tmp_path / "one", tmp_path / "two"
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
    alone = build_site(content(one), one / "output")
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    parallel.LAST_RUNS.clear()
    forked = build_site(content(two), two / "output")
    assert {what: (w, h) for what, w, h in parallel.LAST_RUNS}[LIST_PAGES] == (98, 6)
    first, second = tree(alone.output), tree(forked.output)
    assert "पन्ना 1" in first["tag/abkari-adhiniyam/index.html"].decode()
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("same_worker", [False, True], ids=["two-workers", "one"])
def test_a_worker_never_writes_into_a_published_page_another_worker_linked(
    tmp_path, monkeypatch, in_workers, same_worker
):
    # a tag named as a station, its page where the station's is: a worker
    # links the unchanged station page from the published site (page
    # reuse), another then writes the tag's page; it wrote it through the
    # hard link, into the published site, which a failed build leaves as it was
    content = sample_content(tmp_path)
    output = tmp_path / "site" / "output"
    build_site(content, output, TAG_URL="thana/{slug}/")
    published = tree(output)
    (content / "notes" / "2026" / "11" / "takkar.md").write_text(
        note_text(slug="takkar", tags="आलोट"), encoding="utf-8"
    )
    build, name = os.getpid(), "thana/alot/index.html"
    write_pages, write = listings.write_pages, listings.ListingsGenerator.write

    def chunked_at_the_second(writer, pages, shared=()):
        # the second page writing the file is the first of its chunk (so
        # another worker has the first page), or both are in one chunk: the
        # worker removes the link as it fails, as the build in one process
        # does (page reuse's _open_w), and the build said the file was not
        # found
        names = [page.name for page in pages[1:]]
        second = names.index(name, names.index(name) + 1)
        monkeypatch.setattr(parallel, "CHUNK", len(names) if same_worker else second)
        return write_pages(writer, pages, shared)

    def tag_once_station_linked(self, writer, page):
        listing = page.variables.get("listing")
        if page.save_as == name and listing.kind == "tag" and os.getpid() != build:
            path = Path(writer.output_path) / name
            deadline = time.monotonic() + 30
            while not path.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return write(self, writer, page)

    monkeypatch.setattr(listings, "write_pages", chunked_at_the_second)
    monkeypatch.setattr(listings.ListingsGenerator, "write", tag_once_station_linked)
    said = f"two pages would be written to one file of the site, {name}:"
    with pytest.raises(BuildFailed, match=re.escape(said)):
        build_site(content, output, TAG_URL="thana/{slug}/")
    assert tree(output) == published


def test_a_note_saved_after_it_was_read_ahead_is_read_again(
    tmp_path, in_workers, monkeypatch
):
    """A note saved while the build runs, after a worker read it, is built
    as saved, and kept so: an unchanged rebuild equals a clean build.
    """
    content = sample_content(tmp_path)
    note = content / "notes" / "2026" / "11" / "badli-suchna.md"
    note.write_text(note_text(slug="badli-suchna", title="पुरानी सूचना"), "utf-8")
    real, edited = read_ahead.fork_map, []

    def then_saved(*args, **kwargs):
        results = list(real(*args, **kwargs))
        if not edited:  # the reporter saves the note now
            note.write_text(note_text(slug="badli-suchna", title="नई सूचना"), "utf-8")
            edited.append(note)
        return iter(results)

    monkeypatch.setattr(read_ahead, "fork_map", then_saved)
    output = tmp_path / "site" / "output"
    # the full build's snapshot (the note saved during the first build is
    # an edit since then, which the fast path would take)
    first = build_site(content, output, FAST_PATH=False)
    assert edited
    [page] = first.output.rglob("badli-suchna/index.html")
    assert "नई सूचना" in page.read_text(encoding="utf-8")
    assert "पुरानी सूचना" not in page.read_text(encoding="utf-8")
    again = build_site(content, output, FAST_PATH=False)
    assert again.restored >= again.notes - 2  # all but the hidden note and draft
    clean = build_site(content, tmp_path / "clean" / "output")
    built, fresh = tree(again.output), tree(clean.output)
    assert built.keys() == fresh.keys()
    assert [name for name in built if built[name] != fresh[name]] == []


def test_a_note_saved_while_a_worker_reads_it_is_read_again(
    tmp_path, in_workers, monkeypatch
):
    """A note saved in the worker's reading of it (after the worker read its
    text, before it took the file's stamp) is read again by the build: what
    the worker read goes with the stamp the file had before, and the note
    is built as saved, and kept so.
    """
    content = sample_content(tmp_path)
    note = content / "notes" / "2026" / "11" / "badli-suchna.md"
    note.write_text(note_text(slug="badli-suchna", title="पुरानी सूचना"), "utf-8")
    build = os.getpid()
    read_now = SafeMarkdownReader.read_now

    def then_saved(self, source_path):
        read = read_now(self, source_path)
        if (
            os.getpid() != build
            and source_path == str(note)
            and "पुरानी" in read[1]["title"]
        ):
            # the reporter saves the note now, in the worker's reading
            note.write_text(note_text(slug="badli-suchna", title="नई सूचना"), "utf-8")
        return read

    monkeypatch.setattr(SafeMarkdownReader, "read_now", then_saved)
    output = tmp_path / "site" / "output"
    first = build_site(content, output, FAST_PATH=False)
    assert "नई सूचना" in note.read_text(encoding="utf-8")
    [page] = first.output.rglob("badli-suchna/index.html")
    assert "नई सूचना" in page.read_text(encoding="utf-8")
    assert "पुरानी सूचना" not in page.read_text(encoding="utf-8")
    again = build_site(content, output, FAST_PATH=False)
    [page] = again.output.rglob("badli-suchna/index.html")
    assert "नई सूचना" in page.read_text(encoding="utf-8")


def test_a_receiver_of_each_written_file_hears_of_every_note_page(
    tmp_path, in_workers, caplog
):
    """Pelican's content_written signal would be sent in a worker, where its
    receiver's record is lost: with a receiver, the build writes the pages.
    """
    heard: list[str] = []

    def receiver(path, context=None):
        heard.append(path)

    signals.content_written.connect(receiver)
    try:
        built, _, runs = build_logged(caplog, sample_content(tmp_path), tmp_path / "o")
    finally:
        signals.content_written.disconnect(receiver)
    assert NOTE_PAGES not in runs
    # written into a staging folder, then put in place
    pages = {str(p.relative_to(built.output)) for p in built.output.rglob("*.html")}
    assert len(pages) > built.notes
    assert {p for p in pages if not any(h.endswith(f"/{p}") for h in heard)} == set()


def test_results_arrive_in_order_with_the_builds_own_shared_objects(in_workers):
    settings = {"SITENAME": "x"}

    def work(n: int):
        if n == 3:
            raise ValueError("done again by the caller")
        if n == 5:
            logging.getLogger("plugins.test").warning("said again by the caller")
        return {"n": n, "settings": settings, "tags": [settings]}

    results = list(parallel.fork_map(work, list(range(70)), shared=[settings]))
    assert [r["n"] if r else None for r in results] == [
        None if n in (3, 5) else n for n in range(70)
    ]
    kept = [r for r in results if r]
    assert all(r["settings"] is settings and r["tags"][0] is settings for r in kept)


def test_few_items_are_left_to_the_caller(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 64)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    assert list(parallel.fork_map(str, list(range(63)))) == [None] * 63
    assert parallel.workers_wanted(64) == 2
    monkeypatch.setattr(parallel, "WORKERS", 1)
    assert parallel.workers_wanted(10**6) == 0


def test_the_private_pelican_parts_the_workers_rely_on_are_as_they_were(tmp_path):
    """Pinned: adapt plugins/core/page_workers.py and note_pages.py before
    upgrading Pelican.

    A worker learns what writing a page recorded through the add() calls of
    Writer._open_w on its two sets, and renders one note by giving the
    generator's four note lists only that note.
    """
    writer = Writer(str(tmp_path), settings={"RELATIVE_URLS": False})
    assert writer._written_files == set() == writer._overridden_files
    opened = inspect.getsource(Writer._open_w)
    assert "self._written_files.add(" in opened
    assert "self._overridden_files.add(" in opened
    writes = inspect.getsource(ArticlesGenerator.generate_articles)
    assert all(f"self.{name}," in writes for name in NOTE_LISTS)
    assert writes.count("write(") == 1


def test_builds_in_two_threads_keep_their_own_work(in_workers):
    """Each pool's workers get their work when forked, never through a
    global another thread could change in between; work that asks for
    workers inside a worker does it all there.
    """
    found: dict[str, list] = {}

    def run(tag: str) -> None:
        def work(n: int) -> str:
            inner = list(parallel.fork_map(str, list(range(70))))
            return f"{tag}{n}" if inner == [None] * 70 else "nested"

        found[tag] = list(parallel.fork_map(work, list(range(200))))

    threads = [threading.Thread(target=run, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == {tag: [f"{tag}{n}" for n in range(200)] for tag in "ab"}


def render_when_allowed(job: tuple[str, int]) -> bytes:
    """A render for start_missing that waits until its flag file exists."""
    flag, n = job
    for _ in range(2000):
        if os.path.exists(flag):
            break
        time.sleep(0.01)
    if n < 0:
        raise ValueError(f"cannot make {n}")
    return f"file {n}".encode()


def started_children(before: set[int]) -> set[int]:
    """This process's children that were not running before the test: the
    session's Chromium driver or a server another test file started in the
    same worker are not the workers under test."""
    return children_of(os.getpid()) - before


def test_files_started_in_workers_are_made_while_the_build_goes_on(tmp_path):
    """start_missing returns at once (the preview images are drawn while
    the build renders its pages); wait() writes every file."""
    flag = tmp_path / "go"
    jobs = {tmp_path / "made" / f"{n}.txt": (str(flag), n) for n in range(40)}
    before = children_of(os.getpid())
    making = files.start_missing(jobs, render_when_allowed, 8, workers=2)
    assert len(started_children(before)) == 2  # working, not yet allowed to end
    assert not any(path.exists() for path in jobs)
    flag.touch()
    # the workers write the files themselves: the build holds none of them
    for _ in range(1000):
        if all(path.exists() for path in jobs):
            break
        time.sleep(0.01)
    assert all(path.exists() for path in jobs)
    making.wait()
    assert {p: p.read_bytes() for p in jobs} == {
        p: f"file {n}".encode() for p, (_, n) in jobs.items()
    }
    assert started_children(before) == set()
    making.wait()  # a second wait does nothing


def render_or_die(job: tuple[int, int]) -> bytes:
    """A render for start_missing whose job 13 kills its worker (the
    machine's out-of-memory killer would), and is made by the build itself.
    """
    build, n = job
    if n == 13 and os.getpid() != build:
        os.kill(os.getpid(), signal.SIGKILL)
    return f"file {n}".encode()


def test_files_a_killed_worker_left_are_made_by_the_build(tmp_path, caplog):
    jobs = {tmp_path / "made" / f"{n}.txt": (os.getpid(), n) for n in range(40)}
    before = children_of(os.getpid())
    waited: list[Path] = []
    with caplog.at_level(logging.INFO, logger="plugins"):
        files.start_missing(jobs, render_or_die, 8, workers=2).wait(waited.append)
    assert {p: p.read_bytes() for p in jobs} == {
        p: f"file {n}".encode() for p, (_, n) in jobs.items()
    }
    # each file handed over once, in the order given, once it is written
    assert waited == list(jobs)
    assert any("the build makes the last" in r.getMessage() for r in caplog.records)
    assert started_children(before) == set()


def render_title(job: tuple[str, int]) -> bytes:
    """A render for start_missing that writes a job's text."""
    text, n = job
    return f"{text} {n}".encode()


def test_files_made_in_workers_leave_no_utf8_copy_in_the_builds_texts(tmp_path):
    """A job travels to a worker pickled without Python's own pickling, which
    leaves a UTF-8 copy inside every non-ASCII string it pickles (a preview
    card's job holds its note's title: about 280 bytes a note, to the
    build's end)."""
    titles = [f"सूचना शीर्षक क्रमांक {n}" for n in range(40)]
    sizes = [sys.getsizeof(t) for t in titles]
    jobs = {tmp_path / f"{n}.txt": (titles[n], n) for n in range(40)}
    files.start_missing(jobs, render_title, 8, workers=2).wait()
    assert [sys.getsizeof(t) for t in titles] == sizes
    assert {p: p.read_bytes() for p in jobs} == {
        p: f"{t} {n}".encode() for p, (t, n) in jobs.items()
    }


def test_wait_hands_over_each_file_once_written_while_the_workers_make_the_rest(
    tmp_path,
):
    """wait(each) calls each(path) for every file, once, in the order given,
    once that file is written and while later files are still being made
    (the preview images are placed in the output as they come): the last
    file waits for a flag that only the call for the first one sets."""
    ready, last_flag = tmp_path / "ready", tmp_path / "last"
    ready.touch()
    jobs = {tmp_path / f"{n}.txt": (str(ready), n) for n in range(7)}
    last = tmp_path / "7.txt"
    jobs[last] = (str(last_flag), 7)
    making = files.start_missing(jobs, render_when_allowed, 8, workers=2)
    calls = []

    def each(path: Path) -> None:
        calls.append((path, path.read_bytes()))
        if len(calls) == 1:
            assert not last.exists()  # made after this call only
            last_flag.touch()

    making.wait(each)
    assert calls == [(p, f"file {n}".encode()) for p, (_, n) in jobs.items()]
    making.wait(each)  # a second wait hands over nothing
    assert len(calls) == 8
    # fewer than parallel_min: written here, each handed over by wait
    few = {tmp_path / "few" / f"{n}.txt": (str(ready), n) for n in range(3)}
    here = []
    files.start_missing(few, render_when_allowed, 8, workers=2).wait(here.append)
    assert here == list(few)


def test_a_file_that_cannot_be_made_fails_the_wait_and_a_cancel_stops_all(
    tmp_path,
):
    flag = tmp_path / "go"
    flag.touch()
    jobs = {tmp_path / f"{n}.txt": (str(flag), -1 if n == 30 else n) for n in range(40)}
    before = children_of(os.getpid())
    making = files.start_missing(jobs, render_when_allowed, 8, workers=2)
    with pytest.raises(ValueError, match="cannot make -1"):
        making.wait()
    assert not (tmp_path / "30.txt").exists()
    assert started_children(before) == set()
    # a build that fails before it waits: the workers end
    flag.unlink()
    making = files.start_missing(
        {tmp_path / "later" / f"{n}.txt": (str(flag), n) for n in range(40)},
        render_when_allowed,
        8,
        workers=2,
    )
    making.cancel()
    # a wait after a cancel hands over no file: none may be written
    handed: list[Path] = []
    making.wait(handed.append)
    assert handed == []
    flag.touch()
    for _ in range(500):
        if not started_children(before):
            break
        time.sleep(0.01)
    assert started_children(before) == set()
    # what was already handed to the workers may still be written, whole
    written = list((tmp_path / "later").glob("*.txt"))
    assert all(p.read_bytes() == f"file {p.stem}".encode() for p in written)


def test_a_worker_that_dies_leaves_its_items_to_the_caller(in_workers):
    build = os.getpid()

    def work(n: int) -> int:
        if n == 40 and os.getpid() != build:
            os._exit(1)  # as if killed for memory
        return n * 2

    results = list(parallel.fork_map(work, list(range(100))))
    assert len(results) == 100
    assert results[40] is None
    assert all(r is None or r == n * 2 for n, r in enumerate(results))


def test_a_build_whose_worker_dies_builds_the_same_site(tmp_path, monkeypatch):
    one, two = tmp_path / "one", tmp_path / "two"
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
    alone = build_site(sample_content(one), one / "output")
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    build, check_note = os.getpid(), validate.check_note

    def dies_on_one_note(path, text, rules):
        if path.endswith("asurakshit.md") and os.getpid() != build:
            os._exit(1)
        return check_note(path, text, rules)

    monkeypatch.setattr(validate, "check_note", dies_on_one_note)
    parallel.LAST_RUNS.clear()
    forked = build_site(sample_content(two), two / "output")
    checked = {what: (w, h) for what, w, h in parallel.LAST_RUNS}[NOTES_CHECKED]
    assert checked[1] >= 1 and sum(checked) == 23  # the rest done in the build
    first, second = tree(alone.output), tree(forked.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_images_being_drawn_are_placed_once_drawn_and_the_site_is_one_process_s(
    tmp_path, monkeypatch
):
    """The workers draw no image before the build starts placing them (they
    wait for it): the images in the cache are placed at once, each drawn
    one once written, never before, and the site is a one-process build's."""
    one, two = tmp_path / "one", tmp_path / "two"
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
    # two notes with the same title: one card, placed on both pages
    twice = {"title": "नामली थाने में यातायात जागरूकता शिविर", "thana": "नामली"}
    contents = []
    for where in (one, two):
        content = sample_content(where)
        for slug, day in (("pehli-baar", "2026-09-01"), ("doosri-baar", "2026-10-20")):
            (content / "notes" / "2026" / f"{slug}.md").write_text(
                note_text(slug=slug, date=f"{day} 10:00", **twice), encoding="utf-8"
            )
        contents.append(content)
    alone = build_site(contents[0], one / "output")
    monkeypatch.setattr(parallel, "WORKERS", 2)
    monkeypatch.setattr(preview, "PARALLEL_MIN", 1)
    placing = tmp_path / "placing"
    build, draw, sort = os.getpid(), preview.render, generator.waiting_files
    waited: list[bool] = []  # in each worker

    def held_back(source, max_bytes):
        if os.getpid() != build and not waited:
            for _ in range(3000):
                if placing.exists():
                    break
                time.sleep(0.01)
            assert placing.exists(), "the build never placed its images"
            time.sleep(0.3)  # the build places all it can meanwhile
            waited.append(True)
        return draw(source, max_bytes)

    def sorted_out(files, drawing):
        placing.touch()
        return sort(files, drawing)

    monkeypatch.setattr(preview, "render", held_back)
    monkeypatch.setattr(generator, "waiting_files", sorted_out)
    forked = build_site(contents[1], two / "output")
    assert placing.exists()
    assert not waited  # drawn in the workers only
    first, second = tree(alone.output), tree(forked.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    cards = [
        {v for k, v in second.items() if k.startswith(f"2026/{m}/{slug}/og-")}
        for m, slug in (("09", "pehli-baar"), ("10", "doosri-baar"))
    ]
    assert len(cards[0]) == 1 and cards[0] == cards[1]


def test_a_preview_worker_failing_midway_leaves_the_site_and_the_next_build_whole(
    tmp_path, monkeypatch
):
    """Preview images are placed in the staging output as the workers draw
    them: a card that cannot be drawn (raises) after some were placed fails
    the build, the published site stays as it was, the cache holds whole
    files only, and the next build is a clean build's. A worker killed
    midway (for memory, say) leaves the images it did not hand over to the
    build, which draws them: the build is a clean build's."""
    one, two = tmp_path / "one", tmp_path / "two"
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
    clean = build_site(sample_content(one), one / "output")
    content, output = sample_content(two), two / "output"
    monkeypatch.setattr(parallel, "WORKERS", 2)
    monkeypatch.setattr(preview, "PARALLEL_MIN", 1)
    build_site(content, output)
    published = tree(output)
    cache = two / "cache" / "og"
    build, draw, start = os.getpid(), preview.render, preview.start_missing
    first: list[Path] = []  # the first 8 images the workers draw
    late: set = set()  # what they draw after those

    def noted(jobs, *args, **kwargs):
        first[:] = list(jobs)[:8]
        late.update(source for source, _ in list(jobs.values())[8:])
        return start(jobs, *args, **kwargs)

    placed: list[Path] = []
    place = generator.place

    def counted(cached: Path, target: Path) -> None:
        if cached in first:
            placed.append(target)
        place(cached, target)

    monkeypatch.setattr(preview, "start_missing", noted)
    monkeypatch.setattr(generator, "place", counted)
    for how in ("raise", "exit"):
        shutil.rmtree(cache)
        placed.clear()
        fails_midway = failing_midway(how, build, first, late, draw)
        monkeypatch.setattr(preview, "render", fails_midway)
        if how == "raise":
            with pytest.raises(Exception) as failed:
                build_site(content, output)
            assert "cannot draw" in str(failed.value)
            assert tree(output) == published
        else:
            build_site(content, output)
            assert tree(output) == tree(clean.output)
        assert placed, how
        assert not staging_path(output).exists()
        drawn_all = len({v for k, v in published.items() if "/og-" in k})
        images = whole_images(cache, published)
        # the build that failed drew some; the other, with the build, all
        expected = range(8, drawn_all) if how == "raise" else [drawn_all]
        assert len(images) in expected, how
        monkeypatch.setattr(preview, "render", draw)
        build_site(content, output)
        assert tree(output) == tree(clean.output)


def failing_midway(how: str, build: int, first: list[Path], late: set, draw):
    """A preview render that, in a worker, draws the `first` images, then
    fails on those drawn `late`: it raises, or its worker exits."""

    def fails_midway(source, max_bytes):
        if os.getpid() != build and source in late:
            # once the first are written and handed over
            for _ in range(500):
                if all(p.exists() for p in first):
                    break
                time.sleep(0.01)
            time.sleep(0.5)
            if how == "exit":
                os._exit(1)  # as if killed for memory
            raise ValueError("cannot draw this card")
        return draw(source, max_bytes)

    return fails_midway


def whole_images(cache: Path, site: dict[str, bytes]) -> list[Path]:
    """The preview images in `cache`, each checked whole (the bytes `site`
    holds for it), with the join page's QR codes: nothing half written.
    """
    written = [p for p in cache.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} <= {".png", ".jpg", ".svg"}
    images = [p for p in written if p.suffix != ".svg"]
    assert [p for p in images if p.read_bytes() != drawn(p, site)] == []
    return images


def drawn(cached: Path, site: dict[str, bytes]) -> bytes:
    """The bytes a site holds for the preview image `cached` (its name ends
    with the first 12 characters of the cached file's key)."""
    name = f"og-{cached.stem[:12]}{cached.suffix}"
    [found] = {v for k, v in site.items() if k.endswith(name)}
    return found


def lock_is_free(path: Path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


BUILD_WITH_WORKERS = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from plugins.core import files, note_pages, packed, parallel
parallel.PARALLEL_MIN, parallel.WORKERS = 1, 2
from support import build_site
build_site(Path({content!r}), Path({output!r}))
"""


def test_a_build_killed_with_sigkill_leaves_no_worker_and_no_lock(tmp_path):
    """The workers of a build killed hard (the out-of-memory killer, kill -9)
    end with it and never held its lock: the next build can start at once.
    """
    content = sample_content(tmp_path)
    notes = content / "notes" / "2026" / "10"
    for i in range(150):
        (notes / f"shivir-{i}.md").write_text(
            note_text(slug=f"shivir-{i}", title=f"शिविर {i}", body="नियम बताए। " * 40),
            encoding="utf-8",
        )
    output = tmp_path / "site" / "output"
    script = BUILD_WITH_WORKERS.format(
        root=str(ROOT),
        tests=str(ROOT / "tests"),
        content=str(content),
        output=str(output),
    )
    build = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        workers: list[int] = []
        while len(workers) < 2 and build.poll() is None:
            assert time.monotonic() < deadline, "the build forked no workers"
            workers = [p for p in session_processes(build.pid) if p != build.pid]
            time.sleep(0.005)
        assert build.poll() is None, "the build ended before its workers were seen"
        assert not lock_is_free(lock_path(output))  # the build holds it
        build.send_signal(signal.SIGKILL)
        build.wait()
        gone = time.monotonic() + 5
        while session_processes(build.pid) and time.monotonic() < gone:
            time.sleep(0.05)
        assert session_processes(build.pid) == []
        assert lock_is_free(lock_path(output))
    finally:
        for pid in session_processes(build.pid):
            os.kill(pid, signal.SIGKILL)
        build.kill()
        build.wait()


def test_notes_kept_compressed_write_the_same_site(
    tmp_path, in_one_process, monkeypatch
):
    """The notes' HTML kept compressed (plugins/core/packed.py) changes no
    byte of the site, and Pelican's memo keeps no note's content.
    """
    one, two = tmp_path / "one", tmp_path / "two"
    memo = Content.get_content.cache
    in_memo: list[int] = []

    def count_memo(*_args, **_kwargs) -> None:
        in_memo.append(sum(isinstance(key[0], Article) for key in memo))

    signals.article_writer_finalized.connect(count_memo)
    try:
        monkeypatch.setattr(packed, "ENABLED", False)
        memo.clear()
        whole = build_site(sample_content(one), one / "output")
        monkeypatch.setattr(packed, "ENABLED", True)
        memo.clear()
        kept = build_site(sample_content(two), two / "output")
    finally:
        signals.article_writer_finalized.disconnect(count_memo)
    first, second = tree(whole.output), tree(kept.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    # Pelican's memo held every note's HTML once the note pages were written
    assert in_memo == [whole.notes + 1, 0]  # the notes, the hidden one


def packed_note(html: str, name: str) -> Article:
    from datetime import datetime

    from pelican.settings import DEFAULT_CONFIG

    context = {"generated_content": {}, "static_content": {}, "static_links": set()}
    note = Article(
        html,
        settings=dict(DEFAULT_CONFIG),
        metadata={"title": name, "date": datetime(2026, 12, 2)},
        context=context,
        source_path=f"/notes/{name}.md",
    )
    assert packed.pack(note)
    return note


def test_a_notes_content_asked_twice_at_once_is_unpacked_once(monkeypatch):
    """A note page prints its note's content and the page's key digests it
    next: the HTML is unpacked and its links made once for both. Only the
    last note's is held: another note's in between, or the release of the
    notes' HTML after the feeds, and it is made again (or refused).
    """
    unpacked: list[str] = []
    unsqueeze = packed.unsqueeze

    def counted(data):
        text = unsqueeze(data)
        unpacked.append(text)
        return text

    monkeypatch.setattr(packed, "unsqueeze", counted)
    first = packed_note("<p>रतलाम पुलिस</p>", "first")
    second = packed_note("<p>बिलपांक थाना</p>", "second")
    assert first.content == first.content == "<p>रतलाम पुलिस</p>"
    assert len(unpacked) == 1
    assert second.content == "<p>बिलपांक थाना</p>"
    assert first.content == "<p>रतलाम पुलिस</p>"
    assert len(unpacked) == 3
    assert first.get_content("https://other.example") == "<p>रतलाम पुलिस</p>"
    assert len(unpacked) == 4  # another site URL: made again
    assert first.content == "<p>रतलाम पुलिस</p>"
    core.register()  # connects its receivers again: blinker keeps each once
    finalized = signals.all_generators_finalized.receivers_for(object())
    assert packed.forget_last in list(finalized)
    packed.forget_last()
    assert packed._last is None  # made before every note's address was known
    assert first.content == "<p>रतलाम पुलिस</p>"
    packed.forget_memos({"another": "build"})
    assert packed._last is not None  # another build's memos: not this note's
    packed.forget_memos(first._context)
    assert packed._last is None  # a finished build's notes are not held
    packed.release([first, second])
    with pytest.raises(packed.Released):
        first.get_content("https://other.example")


def test_html_unpacked_from_a_worker_is_packed_again_without_compressing():
    """A note's HTML read ahead comes compressed; Pelican's reader cache and
    the note's own packing compress the very text unpacked from it again:
    the bytes it came in (the same as compressing it), not new ones. An equal
    text that is another object, and texts unpacked long ago, are compressed.
    """
    html = "<p>रतलाम पुलिस की सूचना</p>" * 40
    data = packed.squeeze(html)
    text = packed.unsqueeze_known(data)
    assert text == html and text is not html
    assert packed.squeeze(text) is data  # no second compression
    assert packed.squeeze(html) == data and packed.squeeze(html) is not data
    for i in range(packed.RECENT):
        packed.unsqueeze_known(packed.squeeze(f"{i}"))
    assert packed.squeeze(text) == data and packed.squeeze(text) is not data
    assert len(packed._recent) == packed.RECENT


def test_kept_text_is_a_zlib_stream_both_ways():
    """Text kept compressed is a zlib stream any zlib unpacks, and a stream
    zlib made (a reader cache written by an earlier version) unpacks as
    the text: the same text whatever made it.
    """
    import zlib

    for html in ("", "<p>रतलाम पुलिस की सूचना</p>" * 40, "a\x00\ud7ff" * 999):
        data = packed.squeeze(html)
        assert zlib.decompress(data).decode() == html
        for level in (1, 6, 9):
            made = zlib.compress(html.encode(), level)
            assert packed.unsqueeze(made) == html
            assert packed.inflated(made) == html.encode()
        assert packed.inflated(packed.deflated(html.encode())) == html.encode()


def test_checked_headers_keep_only_the_lines_with_links(tmp_path):
    """What a checked note hands back to the build: no text but its
    {filename} links, at their own lines (links to drafts are found later)."""
    from plugins.core.header import scan_header

    rules = validate.Rules(
        registry=None,  # type: ignore[arg-type]
        content_root=tmp_path,
    )
    body = (
        "पहला अनुच्छेद बिना कड़ी।\n\nदेखें [यह]({filename}/notes/a.md) और "
        "[वह](|filename|b.md)।\n\nअंत का लंबा पाठ " + "शब्द " * 500
    )
    header = scan_header(note_text(body=body))
    slim = validate.without_text(header)
    path = str(tmp_path / "notes" / "n.md")
    assert validate.note_links(slim, rules, path) == validate.note_links(
        header, rules, path
    )
    assert len(validate.note_links(slim, rules, path)) == 2
    assert "अंत का लंबा पाठ" not in slim.body and "बिना कड़ी" not in slim.body
    assert slim.fields == header.fields and slim.body_line == header.body_line


def test_the_note_snapshot_leaves_no_utf8_copy_in_the_notes_strings():
    """Pickling a str makes CPython keep its UTF-8 inside the string; the
    snapshot's pickler (TextPickler, the reader cache's too) encodes every
    string that is not ASCII itself (long
    ones, a note's HTML, and short ones, its title and tags), so the notes
    it keeps stay their size, and they come back equal, shared where they
    were."""
    import io
    import pickle

    from plugins.core.packed import TextPickler, TextUnpickler

    html = "<p>" + "नामली थाने में यातायात जागरूकता शिविर। " * 40 + "</p>"
    title = "".join(["नामली थाने में ", "शिविर"])  # made here, not a constant
    settings = {"SITENAME": "x"}
    note = {
        "content": html,
        "again": html,
        "short": title,
        "tags": [title],
        "ascii": "notes/2026/11/x.md",
        "settings": settings,
    }
    size, title_size = sys.getsizeof(html), sys.getsizeof(title)
    buffer = io.BytesIO()
    TextPickler(buffer, {id(settings): "s"}).dump(note)
    assert sys.getsizeof(html) == size
    assert sys.getsizeof(title) == title_size
    plain = io.BytesIO()
    pickle.dump(html, plain)
    assert sys.getsizeof(html) > size  # what Python's own pickling does
    back = TextUnpickler(io.BytesIO(buffer.getvalue()), {"s": settings}).load()
    assert back == note and back["settings"] is settings
    assert back["again"] is back["content"]
    assert back["tags"][0] is back["short"]
    pickle.dumps(title)
    assert sys.getsizeof(title) > title_size  # what Python's own pickling does


def test_the_files_workers_overrode_are_kept_by_their_place(tmp_path):
    """A note page whose note has its own save_as is written with `override`
    (Pelican's record of overridden files): the build keeps it as it keeps
    the written ones, by the note's save_as string, not an absolute path of
    its own (10,000 of them held some 1.7 MB as paths); Pelican reads the
    record as before: a second override of the file is refused, a plain
    write of it goes nowhere.
    """
    output = tmp_path / "output"
    writer = Writer(str(output), settings={"RELATIVE_URLS": False})
    save_as = "/".join(["2026", "12", "a", "index.html"])  # a string of its own
    note = SimpleNamespace(save_as=save_as)
    page = str(output / "2026" / "12" / "a" / "index.html")
    page_workers.take(writer, note.save_as, ([page], [page], None), note)
    overridden = writer._overridden_files
    assert set(overridden) == {page} and page in overridden
    assert [kept for kept in overridden.under if kept is save_as] == [save_as]
    (output / "2026" / "12" / "a").mkdir(parents=True)
    with pytest.raises(FileOverwriteFailedError, match="a second time"):
        writer._open_w(page, "utf-8", override=True)
    with writer._open_w(page, "utf-8") as skipped:
        assert skipped.name == os.devnull
    writer._open_w(str(output / "other.html"), "utf-8", override=True).close()
    assert str(output / "other.html") in overridden and len(overridden) == 2
    # the set operators give what they give on a set of the paths
    paths = set(overridden)
    assert overridden | {"x"} == paths | {"x"} and {"x"} | overridden == paths | {"x"}
    assert overridden - {page} == {str(output / "other.html")} == paths - {page}
    assert overridden & {page, "x"} == {page} and overridden ^ {page} == paths ^ {page}


def test_the_files_workers_wrote_are_kept_by_their_place_and_never_written_twice(
    tmp_path,
):
    """What the build keeps of each file a worker wrote (Pelican's record of
    written files, which refuses a second write) is the file's place under
    the output, a note page's the note's own save_as string, not a path of
    its own; a second write of it is refused all the same."""
    output = tmp_path / "output"
    writer = Writer(str(output), settings={"RELATIVE_URLS": False})
    writer._written_files.add(str(output / "index.html"))  # written before
    save_as = "/".join(["2026", "11", "a", "index.html"])  # a string of its own
    note, other = SimpleNamespace(save_as=save_as), SimpleNamespace(save_as="b.html")
    page = str(output / "2026" / "11" / "a" / "index.html")
    photo = str(output / "2026" / "11" / "a" / "photo.png")
    page_workers.take(writer, note.save_as, ([page, photo], [], None), note)
    files = writer._written_files
    assert set(files) == {str(output / "index.html"), page, photo}
    assert page in files and photo in files and len(files) == 3
    assert str(output / "2026" / "11" / "b" / "index.html") not in files
    assert os.devnull not in files
    assert [kept for kept in files.under if kept is save_as] == [save_as]
    assert page not in list(files.under)  # no absolute copy
    with pytest.raises(FileOverwriteFailedError, match="two pages write it"):
        page_workers.take(writer, other.save_as, ([photo], [], None), other)
    (output / "2026" / "11" / "a").mkdir(parents=True)
    with pytest.raises(FileOverwriteFailedError):
        writer._open_w(page, "utf-8")
    writer._open_w(page, "utf-8", override=True).close()  # as Pelican allows
    with pytest.raises(FileOverwriteFailedError):
        writer._open_w(page, "utf-8", override=True)
    writer._open_w(str(output / "new.html"), "utf-8").close()
    assert str(output / "new.html") in files and len(files) == 4
    # added to as a set is (what other workers' pages take over)
    files.update([str(output / "list.html"), os.devnull])
    assert str(output / "list.html") in files and os.devnull in files
    assert len(files) == 6 and set(files) >= {str(output / "list.html"), os.devnull}


@pytest.mark.parametrize("override", [False, True])
def test_a_worker_makes_a_new_file_and_writes_it_through_one_opening(
    tmp_path, monkeypatch, override
):
    """A worker's writer makes each new file exclusively and writes it
    through that very opening: never opened a second time to be written
    (which truncates the empty file, and ext4 then writes it out on close),
    and recorded as Pelican records a file it opens (the same two sets,
    whose workers' additions the build takes back).
    """
    pelicans = Writer(str(tmp_path / "a"), settings={})
    ours = Writer(str(tmp_path / "b"), settings={})
    for writer in (pelicans, ours):
        Path(writer.output_path).mkdir()
    opened: list[tuple[str, int | str]] = []
    real_open, real_builtin_open = os.open, builtins.open

    def watched(path, flags, *args, **kwargs):
        opened.append((str(path), flags))
        return real_open(path, flags, *args, **kwargs)

    def watched_builtin(file, mode="r", *args, **kwargs):
        if not isinstance(file, int):
            opened.append((str(file), mode))
        return real_builtin_open(file, mode, *args, **kwargs)

    page_workers.recorded(ours, page_workers.Page("x", lambda: None))  # as a worker
    monkeypatch.setattr(os, "open", watched)
    monkeypatch.setattr(builtins, "open", watched_builtin)
    name = str(Path(ours.output_path) / "page.html")
    with ours._open_w(name, "utf-8", override) as f:
        f.write("पन्ना")
    monkeypatch.undo()
    assert Path(name).read_text(encoding="utf-8") == "पन्ना"
    assert [path for path, _ in opened] == [name]
    flags = opened[0][1]
    assert isinstance(flags, int) and flags & os.O_EXCL and not flags & os.O_TRUNC
    theirs = str(Path(pelicans.output_path) / "page.html")
    pelicans._open_w(theirs, "utf-8", override).close()
    for kept in ("_written_files", "_overridden_files"):
        mine = {os.path.basename(p) for p in getattr(ours, kept)}
        assert mine == {os.path.basename(p) for p in getattr(pelicans, kept)}
    assert ours._written_files.added == [name]
    # a file there already is another page's: never opened, the page fails
    other = Path(ours.output_path) / "other.html"
    other.write_text("published", encoding="utf-8")
    with pytest.raises(FileExistsError):
        ours._open_w(str(other), "utf-8", override)
    assert other.read_text(encoding="utf-8") == "published"

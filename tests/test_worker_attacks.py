"""What a hostile contributor, a careless reporter or the machine cannot do
to the note pages written in worker processes (plugins/core/note_pages.py,
page_workers.py) and to the files a dying worker leaves (files.Making),
found by a review of both."""

from __future__ import annotations

import errno
import logging
import os
import signal
import time
from pathlib import Path

import pytest
from support import build_site, children_of, tree
from test_parallel import build_logged, render_title, sample_content

from plugins.core import files, note_pages, parallel
from plugins.core.errors import BuildFailed
from plugins.core.note_pages import NOTE_PAGES
from scripts.build import staging_path

pytestmark = [pytest.mark.build, pytest.mark.slow]


def one_process_site(tmp: Path, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
    site = tree(build_site(sample_content(tmp), tmp / "output").output)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    return site


def stamps(root: Path) -> dict[str, tuple[bytes, int]]:
    """Each file's bytes and modification time (a page written through a
    link with the same bytes changes the time only)."""
    return {
        name: (data, (root / name).stat().st_mtime_ns)
        for name, data in tree(root).items()
    }


def differing(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(
        name
        for name in first.keys() | second.keys()
        if first.get(name) != second.get(name)
    )


def test_a_note_page_worker_killed_mid_write_leaves_the_site_of_one_process(
    tmp_path, monkeypatch, caplog
):
    """A worker killed (SIGKILL, the out-of-memory killer) after writing some
    note pages and half of another: the build writes every page it did not
    take back, the half-written one whole, and the next build is a clean
    build's."""
    alone = one_process_site(tmp_path / "one", monkeypatch)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    build, write_note = os.getpid(), note_pages.write_note
    killed = tmp_path / "killed"

    def killed_halfway(generator, write, pelican_writes, note):
        write_note(generator, write, pelican_writes, note)
        if os.getpid() != build and note.slug == "asurakshit":
            page = Path(generator.output_path) / note.save_as
            page.write_bytes(page.read_bytes()[:100])  # cut short, as if killed
            killed.touch()
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(note_pages, "write_note", killed_halfway)
    content, output = sample_content(tmp_path / "two"), tmp_path / "two" / "output"
    built, messages, runs = build_logged(caplog, content, output)
    assert killed.exists()
    done_here = runs[NOTE_PAGES][1]
    assert done_here >= 1 and sum(runs[NOTE_PAGES]) == 22
    assert any("worker processes stopped" in m for m in messages)
    assert differing(alone, tree(built.output)) == []
    monkeypatch.setattr(note_pages, "write_note", write_note)
    again = build_site(content, output)
    assert differing(alone, tree(again.output)) == []


def test_a_warning_logged_writing_a_note_page_in_a_worker_is_the_builds(
    tmp_path, monkeypatch, caplog
):
    """A note page whose writing logs a warning in a worker is written again
    by the build, which logs the warning once and counts it."""
    alone = one_process_site(tmp_path / "one", monkeypatch)
    write_note = note_pages.write_note

    def warned(generator, write, pelican_writes, note):
        if note.slug == "asurakshit":
            logging.getLogger("plugins.test").warning("page of %s", note.slug)
        write_note(generator, write, pelican_writes, note)

    monkeypatch.setattr(note_pages, "write_note", warned)
    content, output = sample_content(tmp_path / "two"), tmp_path / "two" / "output"
    built, messages, runs = build_logged(caplog, content, output)
    assert runs[NOTE_PAGES] == (21, 1)
    assert messages.count("page of asurakshit") == 1
    assert "page of asurakshit" in built.warned
    assert differing(alone, tree(built.output)) == []


def second_fork_fails(monkeypatch) -> None:
    """The first worker is forked, the second cannot be (EAGAIN: the limit of
    processes reached, or memory short)."""
    fork, forks = os.fork, []

    def fork_once() -> int:
        forks.append(True)
        if len(forks) == 2:
            raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))
        return fork()

    monkeypatch.setattr(os, "fork", fork_once)


def workers_left(before: set[int]) -> set[int]:
    """The workers started since `before` still running a moment later,
    killed (one left waiting for work would keep the build's process from
    ever exiting: Python waits for its children at exit)."""
    for _ in range(200):
        if not children_of(os.getpid()) - before:
            return set()
        time.sleep(0.01)
    left = children_of(os.getpid()) - before
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def test_items_whose_second_worker_cannot_be_forked_are_done_here(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    before = children_of(os.getpid())
    second_fork_fails(monkeypatch)
    assert list(parallel.fork_map(str, list(range(70)))) == [None] * 70
    assert workers_left(before) == set()


def test_files_whose_second_worker_cannot_be_forked_are_made_here(
    tmp_path, monkeypatch
):
    jobs = {tmp_path / f"{n}.txt": ("सूचना", n) for n in range(40)}
    before = children_of(os.getpid())
    second_fork_fails(monkeypatch)
    handed: list[Path] = []
    files.start_missing(jobs, render_title, 8, workers=2).wait(handed.append)
    assert handed == list(jobs)
    assert {p: p.read_bytes() for p in jobs} == {
        p: f"सूचना {n}".encode() for p, (_, n) in jobs.items()
    }
    assert workers_left(before) == set()


def test_a_note_page_that_cannot_be_written_fails_a_rebuild_and_leaves_the_site(
    tmp_path, monkeypatch
):
    """A rebuild whose workers link the unchanged note pages from the
    published site, one page failing in its worker and again in the build:
    the build fails, the published site (whose files the staging output
    shared) is as it was, and no staging folder or worker is left."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    content, output = sample_content(tmp_path), tmp_path / "site" / "output"
    build_site(content, output)
    published = stamps(output)
    write_note = note_pages.write_note

    def fails_on_one(generator, write, pelican_writes, note):
        if note.slug == "asurakshit":
            raise RuntimeError("cannot write this page")
        write_note(generator, write, pelican_writes, note)

    monkeypatch.setattr(note_pages, "write_note", fails_on_one)
    before = children_of(os.getpid())
    with pytest.raises(BuildFailed, match="cannot write this page"):
        build_site(content, output)
    assert stamps(output) == published
    assert not staging_path(output).exists()
    assert workers_left(before) == set()


def test_a_note_page_worker_killed_in_a_rebuild_never_writes_the_published_site(
    tmp_path, monkeypatch
):
    """A rebuild whose workers link the unchanged note pages from the
    published site, one killed after some: the build writes the pages it
    did not take back, never through the links into the published files
    (kept here by links of their own), and the site is a clean build's."""
    alone = one_process_site(tmp_path / "one", monkeypatch)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    content, output = sample_content(tmp_path / "two"), tmp_path / "two" / "output"
    build_site(content, output)
    kept = tmp_path / "kept"
    for path in output.rglob("*.html"):
        (kept / path.relative_to(output)).parent.mkdir(parents=True, exist_ok=True)
        os.link(path, kept / path.relative_to(output))
    published = stamps(kept)
    build, write_note = os.getpid(), note_pages.write_note
    killed = tmp_path / "killed"

    def killed_after(generator, write, pelican_writes, note):
        write_note(generator, write, pelican_writes, note)
        if os.getpid() != build and note.slug == "asurakshit":
            killed.touch()
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(note_pages, "write_note", killed_after)
    parallel.LAST_RUNS.clear()
    again = build_site(content, output)
    assert killed.exists()
    runs = {what: (w, h) for what, w, h in parallel.LAST_RUNS}
    assert runs[NOTE_PAGES][1] >= 1
    assert again.reused >= 1
    assert stamps(kept) == published
    assert differing(alone, tree(again.output)) == []

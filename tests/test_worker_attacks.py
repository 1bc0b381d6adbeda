"""What a hostile contributor, a careless reporter or the machine cannot do
to the note pages written in worker processes (plugins/core/note_pages.py,
page_workers.py) and to the files a dying worker leaves (files.Making),
found by a review of both."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import pytest
from support import build_site, tree
from test_parallel import build_logged, sample_content

from plugins.core import note_pages, parallel
from plugins.core.note_pages import NOTE_PAGES

pytestmark = [pytest.mark.build, pytest.mark.slow]


def one_process_site(tmp: Path, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10**9)
    site = tree(build_site(sample_content(tmp), tmp / "output").output)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    return site


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

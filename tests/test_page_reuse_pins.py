"""Pelican's private writer API that page reuse relies on, pinned.

plugins/page_reuse links unchanged note pages from the published folder as
hard links. Pelican opens every file it writes through Writer._open_w and
records them in Writer._written_files; page reuse unlinks a linked page in
_open_w before Pelican writes to it (so the published file is never written
through) and records linked pages in _written_files (so a second write to
the same path is noticed). If Pelican renames or changes either, these tests
fail: adapt plugins/page_reuse/reuse.py before upgrading Pelican.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

from pelican.writers import Writer

from plugins.page_reuse.reuse import ReusingWriter


def test_open_w_keeps_its_signature():
    params = list(inspect.signature(Writer._open_w).parameters)
    assert params == ["self", "filename", "encoding", "override"]


def test_every_write_goes_through_open_w():
    for method in (Writer.write_file, Writer.write_feed):
        assert "self._open_w(" in inspect.getsource(method), method.__name__


def test_written_files_is_a_set_made_by_the_writer(tmp_path):
    writer = Writer(str(tmp_path), settings={"RELATIVE_URLS": False})
    assert writer._written_files == set()


def test_a_linked_page_is_unlinked_before_pelican_writes_to_it(tmp_path):
    """The point of the override: the published file keeps its bytes."""
    published = tmp_path / "published.html"
    published.write_text("published", encoding="utf-8")
    staged = tmp_path / "staging" / "page.html"
    staged.parent.mkdir()
    os.link(published, staged)

    class Reuse:
        def __init__(self):
            self.linked = {str(staged)}

    reuse = Reuse()
    writer = type("W", (ReusingWriter,), {"reuse": reuse})(
        str(tmp_path / "staging"), settings={"RELATIVE_URLS": False}
    )
    with writer._open_w(str(staged), "utf-8", override=True) as f:
        f.write("new")
    assert published.read_text(encoding="utf-8") == "published"
    assert Path(staged).read_text(encoding="utf-8") == "new"
    assert str(staged) not in reuse.linked

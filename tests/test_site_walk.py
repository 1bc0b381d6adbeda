"""The site index's walks of the output and content folders: the same files
as os.walk finds, and a survey after files were put in place equal to a
new walk (no build here: folders made by hand).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from plugins.core.files import stamp
from scripts.site_index import (
    Survey,
    content_stamps,
    file_stats,
    resurveyed,
    survey,
    walk,
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """An output folder with note pages, list pages, a feed, a photo, a link
    to a file, a link to a folder (listed, not followed) and an empty folder.
    """
    out = tmp_path / "output"
    files = {
        "index.html": "home",
        "2026/11/pahli/index.html": "note 1",
        "2026/11/dusri/index.html": "note 2",
        "2026/11/dusri/og-1.jpg": "jpeg",
        "2026/11/index.html": "month",
        "thana/namli/index.html": "station",
        "thana/namli/page/1/index.html": "station 1",
        "feeds/all.atom.xml": "feed",
        "sitemap.xml": "sitemap",
    }
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    (out / "empty").mkdir()
    (out / "latest.xml").symlink_to(out / "sitemap.xml")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "hidden.html").write_text("x", encoding="utf-8")
    (out / "linked").symlink_to(tmp_path / "elsewhere")
    return out


def os_walk_files(root: Path) -> list[str]:
    """Every file os.walk lists, in its order (folders and files sorted)."""
    found = []
    for here, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            found.append(os.path.relpath(os.path.join(here, name), root))
    return found


def test_walk_lists_what_os_walk_lists_in_its_order(tree):
    listed = [
        f"{where}/{e.name}" if where else e.name
        for where, files in walk(tree)
        for e in files
    ]
    assert listed == os_walk_files(tree)
    assert "linked/hidden.html" not in listed and "latest.xml" in listed


def test_content_stamps_are_os_stat_of_every_file(tree):
    expected = {rel: stamp(str(tree / rel)) for rel in os_walk_files(tree)}
    assert content_stamps(tree) == expected


def test_survey_counts_note_pages_and_html_and_sees_any_change(tree):
    first = survey(tree)
    assert (first.notes, first.pages) == (2, 6)
    assert survey(tree) == first
    page = tree / "thana" / "namli" / "index.html"
    page.write_text("station, by hand", encoding="utf-8")
    assert survey(tree).digest != first.digest
    changed = survey(tree)
    page.unlink()
    assert survey(tree).digest != changed.digest
    assert survey(tree).pages == 5


def test_a_survey_after_placing_files_equals_a_new_walk(tree):
    """New files (a note page in a new folder, a photo), replaced ones (a
    list page, the sitemap), as placement puts them: renamed over.
    """
    before = survey(tree)
    placed = {
        "2026/11/tisri/index.html": "note 3",
        "2026/11/tisri/og-3.jpg": "jpeg 3",
        "thana/namli/index.html": "station, newer",
        "sitemap.xml": "sitemap, newer",
    }
    was = file_stats(tree, placed)
    assert was["2026/11/tisri/index.html"] is None
    assert was["sitemap.xml"] is not None
    for rel, text in placed.items():
        staged = tree.parent / "staged"
        staged.write_text(text, encoding="utf-8")
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, tree / rel)
    after = resurveyed(before, tree, was)
    assert after == survey(tree)
    assert (after.notes, after.pages) == (before.notes + 1, before.pages + 1)


def test_a_survey_from_a_wrong_start_does_not_match(tree):
    """Made from a survey that was not the output's: another digest (the
    next build sees the output as changed and runs in full).
    """
    real = survey(tree)
    wrong = Survey(f"{int(real.digest, 16) ^ 1:032x}", real.notes, real.pages)
    was = file_stats(tree, ["index.html"])
    (tree / "index.html").write_text("home, newer", encoding="utf-8")
    assert resurveyed(real, tree, was) == survey(tree)
    assert resurveyed(wrong, tree, was).digest != survey(tree).digest

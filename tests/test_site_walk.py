"""The site index's walks of the output and content folders: the same files
as os.walk finds, and a survey after files were put in place equal to a
new walk (no build here: folders made by hand).
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.core.files import relative_path, stamp
from scripts.site_index import (
    FOLDERS_FORMAT,
    Survey,
    content_stamps,
    file_stats,
    read_folders,
    resurveyed,
    settled,
    stale,
    survey,
    survey_folders,
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


# A survey's `now` well after the tree was made: every folder settled.
LATER = 10**19


def kept_survey(tree: Path, kept: dict) -> tuple[Survey, dict, int]:
    found = survey_folders(tree, kept, LATER)
    return found.survey, found.seen, found.looked


def write_in_place(path: Path, data: bytes) -> None:
    """Write over a file's bytes, as an editor that keeps the file does."""
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate()


def folder_stamp(path: Path) -> tuple[int, int, int]:
    st = os.lstat(path)
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


@pytest.mark.parametrize(
    "change",
    [
        "same size",
        "longer",
        "time put back",
        "added",
        "added, folder time put back",
        "removed",
        "renamed over",
        "folder added",
    ],
)
def test_a_survey_with_kept_folders_sees_every_change_a_walk_sees(tree, change):
    """The folders a survey kept are not listed again while their stamps
    hold, but their files are looked at: a page written over in place deep
    in the output (its folder's stamp as it was), a file added or removed
    (the folder's modification time set back by hand: its change time
    still moves), each gives the survey a new walk gives.
    """
    first, kept, _ = kept_survey(tree, {})
    assert first == survey(tree)
    # the output folder itself holds links: listed every time
    again, kept_again, looked = kept_survey(tree, kept)
    assert (again, looked) == (first, 1)
    assert all(kept_again[w] is kept[w] for w in kept)
    folder = tree / "2026" / "11" / "dusri"
    page = folder / "index.html"
    before = os.lstat(page)
    stamp = folder_stamp(folder)
    if change == "same size":
        write_in_place(page, b"note X")
    elif change == "longer":
        write_in_place(page, b"note 2, by hand")
    elif change == "time put back":
        write_in_place(page, b"note 3!")
        os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif change.startswith("added"):
        (folder / "extra.html").write_text("by hand", encoding="utf-8")
        if change.endswith("put back"):
            os.utime(folder, ns=(stamp[1], stamp[1]))
    elif change == "removed":
        (folder / "og-1.jpg").unlink()
    elif change == "renamed over":
        (tree.parent / "new.html").write_text("note 2", encoding="utf-8")
        os.replace(tree.parent / "new.html", page)
    elif change == "folder added":
        (folder / "deeper").mkdir()
        (folder / "deeper" / "index.html").write_text("x", encoding="utf-8")
    if change in ("same size", "longer", "time put back"):
        assert folder_stamp(folder) == stamp  # the kept listing is used
    now, _, looked = kept_survey(tree, kept)
    assert now == survey(tree)
    assert now.digest != first.digest
    assert looked == 2 + (change == "folder added")


def test_a_folder_with_a_link_is_listed_again(tree):
    """A link's target can become a file or a folder without any change
    to the folder that holds the link: such a folder is not kept.
    """
    first, kept, _ = kept_survey(tree, {})
    assert "" not in kept and "2026" in kept
    elsewhere = tree.parent / "elsewhere"
    shutil.rmtree(elsewhere)
    elsewhere.write_text("now a file", encoding="utf-8")
    now, _, _ = kept_survey(tree, kept)
    assert now == survey(tree)
    assert now.digest != first.digest


def test_a_folder_changed_within_a_tick_is_not_trusted():
    """A change within the same tick of the file system's clock as the
    stamp read would keep the stamp: such a folder is listed again next
    time. A file system keeping whole seconds waits longer.
    """
    now = 1_700_000_000_123_456_789
    fine = (1, now - 5_000_000, now - 5_000_000)
    assert not settled(fine, now)
    assert settled(fine, now + 100_000_000)
    coarse = (1, 1_699_999_999_000_000_000, 1_699_999_999_000_000_000)
    assert not settled(coarse, now)
    assert settled(coarse, now + 5_000_000_000)
    put_back = (1, now - 10**12, now - 1_000_000)
    assert not settled(put_back, now)


@pytest.mark.parametrize(
    "data",
    [b"not a pickle", pickle.dumps((FOLDERS_FORMAT, {"": ("x",)})), pickle.dumps([])],
)
def test_a_damaged_folders_file_is_no_file(tree, tmp_path, data):
    """A folders file that cannot be read, or holds what no survey wrote,
    is written again: the survey is a walk's.
    """
    folders = tmp_path / "folders.pickle"
    folders.write_bytes(data)
    assert survey(tree, folders) == survey(tree)
    assert folders.read_bytes() != data


def test_the_folders_file_is_written_when_many_folders_changed(tree, tmp_path):
    """Written by the first survey; not again while most folders are as
    kept (each survey would pay for it); again once one in 50 is not.
    """
    (tree / "latest.xml").unlink()  # no links: every folder can be kept
    (tree / "linked").unlink()
    folders = tmp_path / "folders.pickle"
    time.sleep(0.1)  # every folder settled
    survey(tree, folders)
    assert folders.is_file()
    written = folders.stat().st_mtime_ns
    kept = read_folders(folders)
    found = survey_folders(tree, kept, LATER)
    assert found.looked == 0 and not stale(found, kept)
    assert stale(survey_folders(tree, {}, LATER), {})
    many = dataclasses.replace(found, looked=len(found.seen) // 50 + 1)
    assert stale(many, kept)
    assert folders.stat().st_mtime_ns == written


PATH_PARTS = st.sampled_from(
    ["a", "b.md", "नोट", ".", "..", "", "/", "//", "...", ".x", "a b", "\\", "~"]
)


@given(
    st.lists(PATH_PARTS, max_size=6),
    st.lists(PATH_PARTS, max_size=6),
    st.sampled_from(["/r", "/r/", "/r/c", "/", "//r", "r", "/r/./c"]),
)
@settings(max_examples=3000, deadline=None)
def test_a_path_made_relative_is_what_os_relpath_makes(parts, under, root):
    """relative_path's short cut (the part after an absolute root) gives
    what os.path.relpath gives, for paths under the root, beside it and
    anywhere, written plainly or not.
    """
    for path in (
        "/".join(parts),
        root.rstrip("/") + "/" + "/".join(parts),
        os.path.normpath(root) + "/" + "/".join(under),
    ):
        if path:
            assert relative_path(path, root) == os.path.relpath(path, root)
            assert relative_path(path, Path(root)) == os.path.relpath(path, root)


def test_a_plain_path_under_an_absolute_root_is_cut_not_worked_out(monkeypatch):
    def refused(*_args):
        raise AssertionError("worked out by os.path.relpath")

    monkeypatch.setattr(os.path, "relpath", refused)
    assert relative_path("/r/c/notes/2026/11/नोट.md", "/r/c") == "notes/2026/11/नोट.md"
    assert relative_path("/r/c/a.md", Path("/r/c/")) == "a.md"
    with pytest.raises(AssertionError):
        relative_path("/r/c/../a.md", "/r/c")

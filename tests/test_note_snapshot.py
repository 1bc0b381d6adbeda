"""Unchanged notes are restored from the last build's note snapshot instead
of being read and enriched again (plugins/page_reuse/restore.py), and the
site a build makes with them is, file for file, the one a clean build makes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import ROOT, build_site, new_content, note_text, touch_later, tree

from plugins.core.errors import BuildFailed
from plugins.page_reuse.restore import INDEX_NAME, NOTES_FOLDER

pytestmark = [pytest.mark.build, pytest.mark.slow]


def note(n: int, **fields) -> str:
    values = {
        "title": f"नामली थाने में जागरूकता शिविर {n}",
        "slug": f"shivir-{n}",
        "date": f"2026-10-{n:02d} 10:30",
    }
    return note_text(**{**values, **fields})


class Site:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.content = new_content(
            tmp, {f"2026/shivir-{n}.md": note(n) for n in (1, 2, 3)}
        )
        shutil.copytree(ROOT / "theme", tmp / "theme")
        self.output = tmp / "site" / "output"
        # the snapshot is the full build's: a new note would take the fast
        # path (tests/test_fast_path.py)
        self.overrides = {"THEME": str(tmp / "theme"), "FAST_PATH": False}

    def note(self, n: int) -> Path:
        return self.content / "notes" / "2026" / f"shivir-{n}.md"

    def write(self, n: int, **fields) -> None:
        self.note(n).write_text(note(n, **fields), encoding="utf-8")
        touch_later(self.note(n))

    def build(self):
        return build_site(self.content, self.output, **self.overrides)

    def same_as_clean(self) -> None:
        clean = self.tmp / "clean" / "output"
        shutil.rmtree(clean.parent, ignore_errors=True)
        result = build_site(self.content, clean, **self.overrides)
        assert result.restored == 0
        built, fresh = tree(self.output), tree(clean)
        assert built.keys() == fresh.keys(), built.keys() ^ fresh.keys()
        assert [n for n in built if built[n] != fresh[n]] == []

    def snapshot(self) -> Path:
        (found,) = (self.output.parent / "cache").rglob(NOTES_FOLDER)
        return found


@pytest.fixture
def site(tmp_path) -> Site:
    s = Site(tmp_path)
    assert s.build().restored == 0
    return s


def test_a_new_note_restores_the_others_and_builds_the_clean_site(site):
    site.write(4)
    result = site.build()
    assert result.restored == 3
    assert result.notes == 4
    site.same_as_clean()


def test_an_edited_note_is_read_again_the_others_restored(site):
    site.write(2, title="नामली थाने में बदला हुआ शीर्षक", thana="आलोट")
    result = site.build()
    assert result.restored == 2
    page = (site.output / "2026/10/shivir-2/index.html").read_text(encoding="utf-8")
    assert "बदला हुआ शीर्षक" in page
    site.same_as_clean()


def test_a_deleted_note_and_a_changed_slug_leave_as_in_a_clean_build(site):
    site.note(1).unlink()
    site.write(3, slug="naya-shivir-3", date="2026-09-30 09:00")
    result = site.build()
    assert result.restored == 1
    assert not (site.output / "2026/10/shivir-1").exists()
    assert (site.output / "2026/09/naya-shivir-3/index.html").is_file()
    site.same_as_clean()


def test_a_registry_edit_reads_every_note_again(site):
    path = site.content / "registry" / "thanas.toml"
    text = path.read_text(encoding="utf-8")
    old = 'area = "रतलाम ग्रामीण"'
    assert old in text
    path.write_text(text.replace(old, 'area = "रतलाम ग्रामीण क्षेत्र"'), "utf-8")
    assert site.build().restored == 0
    assert site.build().restored == 3
    site.same_as_clean()


def test_a_template_edit_restores_notes_and_renders_every_page(site):
    template = site.tmp / "theme" / "templates" / "base.html"
    with template.open("a", encoding="utf-8") as out:
        out.write("\n<!-- changed -->\n")
    result = site.build()
    assert result.restored == 3
    assert result.reused == 0
    page = (site.output / "2026/10/shivir-1/index.html").read_text(encoding="utf-8")
    assert "<!-- changed -->" in page
    site.same_as_clean()


def test_a_changed_photo_reads_its_note_again(site):
    photo = site.content / "images" / "shivir.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(next((ROOT / "content" / "images").rglob("*.jpg")), photo)
    site.write(1, image="images/shivir.jpg", image_alt="शिविर")
    assert site.build().restored == 2
    assert site.build().restored == 3
    other = next(
        p
        for p in (ROOT / "content" / "images").rglob("*.jpg")
        if p.stat().st_size != photo.stat().st_size
    )
    shutil.copy(other, photo)
    touch_later(photo)
    assert site.build().restored == 2
    site.same_as_clean()


def test_scheduled_and_hidden_notes_are_never_restored(site):
    site.write(1, status="hidden")
    site.write(2, status="scheduled", date="2026-01-01 08:00")
    site.build()
    assert site.build().restored == 1
    site.same_as_clean()


def test_a_failed_build_keeps_the_site_and_the_next_one_restores(site):
    before = tree(site.output)
    site.write(4, thana="कोई थाना नहीं")
    with pytest.raises(BuildFailed):
        site.build()
    assert tree(site.output) == before
    site.write(4)
    assert site.build().restored == 3
    site.same_as_clean()


def test_damaged_snapshot_files_are_read_again(site):
    kept = sorted(site.snapshot().glob("*.pickle"))
    assert len(kept) == 3
    kept[0].write_bytes(b"not a pickle")
    kept[1].write_bytes(kept[1].read_bytes()[:-40])
    assert site.build().restored == 1
    assert site.build().restored == 3
    site.same_as_clean()


def test_without_its_index_the_snapshot_is_not_used(site):
    (site.snapshot() / INDEX_NAME).unlink()
    assert site.build().restored == 0
    assert site.build().restored == 3
    site.same_as_clean()


def test_a_changed_slug_keeps_its_old_address_as_a_clean_build_does(tmp_path):
    s = Site(tmp_path)
    s.overrides["LINKS"] = {"record": True}
    s.build()
    s.write(2, slug="naya-shivir-2")
    result = s.build()
    assert result.restored == 2
    old = s.output / "2026/10/shivir-2/index.html"
    assert old.is_file(), "the recorded address of the note is gone"
    assert "naya-shivir-2" in old.read_text(encoding="utf-8")
    s.same_as_clean()


def test_a_note_whose_made_slug_is_taken_by_a_new_note_is_read_again(site):
    site.write(1, slug=None)  # its slug is made from its title
    site.build()
    (made,) = (
        p.name
        for p in (site.output / "2026/10").iterdir()
        if "1" in p.name and not p.name.startswith("shivir")
    )
    site.note(4).write_text(note(4, slug=made, date="2026-11-04 10:30"), "utf-8")
    result = site.build()
    assert result.restored == 2  # notes 2 and 3; note 1 now has another slug
    assert (site.output / "2026/11" / made / "index.html").is_file()
    assert not (site.output / "2026/10" / made).exists()
    site.same_as_clean()


def test_an_edit_whose_time_is_put_back_is_read_again(site):
    path = site.note(2)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("यातायात नियम बताए", "यातायात नियम दिखा")
    assert edited != text and len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `touch -r` does
    assert site.build().restored == 2
    page = (site.output / "2026/10/shivir-2/index.html").read_text(encoding="utf-8")
    assert "यातायात नियम दिखा" in page


def test_when_an_older_twin_is_deleted_the_newer_gets_its_slug(site):
    for n in (5, 6):  # the same title, no slug: the newer one gets a suffix
        path = site.content / "notes" / "2026" / f"twin-{n}.md"
        title = "सैलाना थाने में बैठक"
        path.write_text(note(n, slug=None, title=title), encoding="utf-8")
    site.build()
    site.content.joinpath("notes/2026/twin-5.md").unlink()
    result = site.build()
    assert result.restored == 3  # notes 1 to 3; the twin's slug changed
    site.same_as_clean()


def test_the_snapshot_lets_go_of_each_notes_stamp_once_it_is_used(site):
    """A note's stamp is kept only until the note is restored or recorded
    (a few hundred bytes a note, held otherwise to the build's end)."""
    from pelican import signals

    from plugins.page_reuse import page_reuse

    held = []

    def look(generator) -> None:
        snapshot = page_reuse._snapshots[id(generator.settings)]
        held.append((dict(snapshot.stamps), snapshot.restored))

    signals.article_generator_finalized.connect(look)
    try:
        site.write(2, title="नामली थाने में बदला हुआ शीर्षक")
        site.write(4, status="draft")
        site.build()
    finally:
        signals.article_generator_finalized.disconnect(look)
    assert held == [({}, 2)]
    site.same_as_clean()


class Settings(dict):
    """A shared object of a type other than dict."""


def test_a_note_is_pickled_as_the_text_pickler_pickles_it():
    """The snapshot's pickler answers at once for the types no shared object
    has (most of a note's values): its bytes are TextPickler's, strings not
    ASCII written once each as UTF-8, the shared objects by name (a dict's
    subclass too), and the note read back has the build's shared objects.
    """
    import io

    from plugins.core.packed import TextPickler, TextUnpickler
    from plugins.page_reuse.restore import NotePickler

    settings, context, other = Settings(a=1), {"b": [2]}, {"c": 3}
    title = "नामली थाने में शिविर"
    value = {
        "title": title,
        "again": [title, title],
        "ascii": "shivir",
        "numbers": (1, 2.5, None, True, b"x"),
        "settings": settings,
        "context": [context, context],
        "other": other,
        "nested": {"deep": {"settings": settings, "text": "थाना"}},
    }
    shared = {id(settings): "settings", id(context): "context"}

    named = {"settings": settings, "context": context}
    buffer = io.BytesIO()
    TextPickler(buffer, shared).dump(value)
    data = buffer.getvalue()
    buffer = io.BytesIO()
    NotePickler(buffer, named).dump(value)
    assert buffer.getvalue() == data
    back = TextUnpickler(io.BytesIO(data), named).load()
    assert back == value
    assert back["settings"] is settings and back["context"][1] is context
    assert back["other"] is not other

"""Pelican's reader cache makes rebuilds fast and never serves stale pages."""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import shutil
import threading
import time
import zlib

import pytest
from pelican.readers import Readers
from pelican.settings import read_settings
from PIL import Image
from support import (
    ROOT,
    build_site,
    cache_readers,
    new_content,
    note_text,
    read_html,
    tree,
)

from plugins.core import reader_cache
from plugins.core.errors import BuildFailed
from plugins.core.reader_cache import (
    Stamps,
    drop_cut_files,
    is_key,
    reader_cache_key,
    saved_without_memo,
)
from plugins.press_notes.reader import SafeMarkdownReader

pytestmark = pytest.mark.build


def test_rebuild_reads_changed_notes_and_registry_edits_reach_cached_ones(tmp_path):
    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(),
            "2026/10/b.md": note_text(slug="doosra", title="दूसरी सूचना"),
        },
    )
    output = tmp_path / "output"
    build_site(content, output)
    caches = list((tmp_path / "cache").rglob("*Reader*"))
    assert caches, "the build keeps a reader cache"

    a = content / "notes/2026/10/a.md"
    a.write_text(note_text(title="नामली में बदला हुआ शीर्षक"), encoding="utf-8")
    os.utime(a, (a.stat().st_atime, a.stat().st_mtime + 5))
    registry = content / "registry/thanas.toml"
    text = registry.read_text(encoding="utf-8")
    renamed = text.replace('slug = "namli"', 'slug = "namli-thana"')
    assert renamed != text
    registry.write_text(renamed, encoding="utf-8")
    build_site(content, output)
    changed = read_html(output / "2026/10/namli-yatayat-shivir/index.html")
    assert changed.h1.get_text() == "नामली में बदला हुआ शीर्षक"
    unchanged = read_html(output / "2026/10/doosra/index.html")
    assert unchanged.h1.get_text() == "दूसरी सूचना"
    # the unchanged (cached) note follows the registry edit
    assert unchanged.select_one(".pills a")["href"] == "/thana/namli-thana/"
    listing = read_html(output / "thana/namli-thana/index.html")
    assert listing.find("a", href="/2026/10/doosra/")


def counted(made: list[str]):
    def stamp(filename: str) -> bytes:
        made.append(filename)
        with open(filename, "rb") as f:
            return hashlib.md5(f.read()).digest()

    return stamp


def test_a_file_is_stamped_once_while_its_status_is_the_same(tmp_path):
    note = tmp_path / "a.md"
    note.write_bytes(b"first")
    made: list[str] = []
    stamps = Stamps(counted(made), recent_ns=0)
    first = stamps(str(note))
    assert stamps(str(note)) == first and len(made) == 1
    # the same size, its modification time put back: its status change
    # time tells (a tick of the clock later)
    old = note.stat()
    time.sleep(0.05)
    note.write_bytes(b"other")
    os.utime(note, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert stamps(str(note)) != first and len(made) == 2
    assert stamps(str(note)) != first and len(made) == 2
    with pytest.raises(FileNotFoundError):  # Pelican's own stamp warns of it
        stamps(str(tmp_path / "gone.md"))


def test_a_file_changed_too_lately_to_tell_is_stamped_each_time(tmp_path):
    note = tmp_path / "a.md"
    note.write_bytes(b"first")
    made: list[str] = []
    stamps = Stamps(counted(made))  # changed less than RECENT_NS ago
    stamps(str(note))
    stamps(str(note))
    assert len(made) == 2


def test_a_file_changed_lately_when_looked_at_is_stamped_again(tmp_path, monkeypatch):
    """Whether a file changed too lately to tell is judged when its status
    is taken, not once its stamp is made: a build paused while it read the
    file (an edit then has the status it had) does not keep that stamp.
    """
    note = tmp_path / "a.md"
    note.write_bytes(b"first")
    clock = [time.time_ns()]
    monkeypatch.setattr(reader_cache.time, "time_ns", lambda: clock[0])
    made: list[str] = []
    stamp = counted(made)

    def paused(filename: str) -> bytes:
        value = stamp(filename)
        clock[0] += 3 * reader_cache.RECENT_NS  # the build paused here
        return value

    stamps = Stamps(paused)
    first = stamps(str(note))
    assert stamps(str(note)) == first and len(made) == 2


def test_a_build_stamps_each_note_once(tmp_path, monkeypatch):
    """Pelican asks a note's stamp (a digest of its bytes) five times in a
    build that reads it; each note is read and digested once.
    """
    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(),
            "2026/10/b.md": note_text(slug="doosra", title="दूसरी सूचना"),
        },
    )
    notes = {p.read_bytes(): str(p) for p in (content / "notes").rglob("*.md")}
    digested: list[str] = []
    md5 = hashlib.md5

    def counting(data=b"", **kwargs):
        if data in notes:
            digested.append(notes[data])
        return md5(data, **kwargs)

    monkeypatch.setattr(hashlib, "md5", counting)
    monkeypatch.setattr(reader_cache, "RECENT_NS", 0)
    build_site(content, tmp_path / "output")
    assert sorted(digested) == sorted(notes.values()), digested


OLD_TITLE = "नामली थाने में यातायात जागरूकता शिविर"
NEW_TITLE = "नामली में बदला हुआ शीर्षक"


@pytest.mark.parametrize(
    ("saved", "built"),
    [
        # saved once Pelican read it
        ((None, NEW_TITLE), NEW_TITLE),
        # saved once Pelican looked at its stamp, undone once it read it
        ((NEW_TITLE, OLD_TITLE), OLD_TITLE),
    ],
)
def test_a_note_saved_while_pelican_reads_it_is_read_again(
    tmp_path, monkeypatch, saved, built
):
    """A note saved between Pelican's look at its stamp and its reader
    cache's keeping what was read is read again by the next build that
    reads the reader cache: what was read is not kept under a stamp the
    file had before or after the read.
    """
    assert note_text().count(OLD_TITLE) == 1
    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(),
            "2026/10/b.md": note_text(slug="doosra", title="दूसरी सूचना"),
        },
    )
    note = content / "notes/2026/10/a.md"
    read = SafeMarkdownReader.read
    edits = []

    def save(title: str | None) -> None:
        if title is not None:
            time.sleep(0.05)  # a tick of the file system's clock later
            note.write_text(note_text(title=title), "utf-8")

    def while_read(self, source_path):
        first = source_path == str(note) and not edits
        if first:  # the reporter saves the note now
            save(saved[0])
        found = read(self, source_path)
        if first:
            save(saved[1])
            edits.append(found[1]["title"])
        return found

    monkeypatch.setattr(SafeMarkdownReader, "read", while_read)
    output = tmp_path / "output"
    build_site(content, output, FAST_PATH=False)
    assert edits and built in note.read_text(encoding="utf-8")
    # a registry edit: the next build reads the notes through the reader
    # cache (the note snapshot is not used)
    registry = content / "registry/thanas.toml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace('slug = "namli"', 'slug = "namli-thana"'), "utf-8")
    build_site(content, output, FAST_PATH=False)
    changed = read_html(output / "2026/10/namli-yatayat-shivir/index.html")
    assert changed.h1.get_text() == built


def test_cache_folder_follows_every_setting_but_the_folders():
    base = {"MARKDOWN": {"extension_configs": {}}, "FORMATTED_FIELDS": ["summary"]}
    other = {**base, "FORMATTED_FIELDS": ["summary", "title"]}
    assert reader_cache_key(base) == reader_cache_key(dict(base))
    assert reader_cache_key(base) != reader_cache_key(other)
    # cached tags and categories carry the settings (their URLs)
    assert reader_cache_key(base) != reader_cache_key({**base, "TAG_URL": "v/{slug}/"})
    moved = {**base, "OUTPUT_PATH": "/elsewhere", "CACHE_PATH": "/c"}
    assert reader_cache_key(base) == reader_cache_key(moved)


def test_a_url_setting_change_reaches_cached_notes(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    output = tmp_path / "output"
    build_site(content, output)
    assert read_html(output / "2026/10/namli-yatayat-shivir/index.html").find(
        "a", href="/tag/helmet/"
    )
    build_site(content, output, TAG_URL="vishay/{slug}/")
    page = read_html(output / "2026/10/namli-yatayat-shivir/index.html")
    assert page.find("a", href="/vishay/helmet/")
    assert not page.find("a", href="/tag/helmet/")


def test_a_filter_removed_from_the_settings_does_not_break_the_next_build(
    tmp_path,
):
    """A function in the settings is cached with the notes' tags: the next
    build without it must not try to load it from the cache."""
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    output = tmp_path / "output"
    scope: dict = {}
    exec("def mark(text):\n    return text", scope)
    build_site(content, output, JINJA_FILTERS={"mark": scope["mark"]})
    build_site(content, output)
    assert (output / "2026/10/namli-yatayat-shivir/index.html").is_file()


def test_checks_skip_unchanged_notes_but_catch_every_change(tmp_path):
    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(),
            "2026/10/b.md": note_text(
                slug="photo-wala", image="images/p.jpg", image_alt="एक चित्र"
            ),
        },
    )
    (content / "images").mkdir()
    Image.new("RGB", (40, 30), "white").save(content / "images/p.jpg")
    output = tmp_path / "output"
    build_site(content, output, STATIC_PATHS=["images"])
    remembered = list((tmp_path / "cache").rglob("press-notes-checks.json"))
    assert remembered, "passing notes are remembered"

    # an edited note is read and checked again
    a = content / "notes/2026/10/a.md"
    a.write_text(note_text(thana="अज्ञात"), encoding="utf-8")
    os.utime(a, (a.stat().st_atime, a.stat().st_mtime + 5))
    with pytest.raises(BuildFailed, match=r"a\.md:4 \[thana\]"):
        build_site(content, output, STATIC_PATHS=["images"])
    a.write_text(note_text(), encoding="utf-8")
    os.utime(a, (a.stat().st_atime, a.stat().st_mtime + 10))

    # a photo removed from under an unchanged note is caught
    (content / "images/p.jpg").unlink()
    with pytest.raises(BuildFailed, match=r"b\.md:\d+ \[image\]"):
        build_site(content, output, STATIC_PATHS=["images"])
    # ... and so is one replaced by a damaged file
    (content / "images/p.jpg").write_bytes(b"\xff\xd8\xff half a photo")
    damaged = r"b\.md:\d+ \[image\].*is not a photo that can be read"
    with pytest.raises(BuildFailed, match=damaged):
        build_site(content, output, STATIC_PATHS=["images"])
    Image.new("RGB", (40, 30), "white").save(content / "images/p.jpg")

    # a registry edit re-checks unchanged notes
    registry = content / "registry/thanas.toml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(
            'name = "नामली"', 'name = "नामलि"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed, match=r"a\.md:4 \[thana\]"):
        build_site(content, output, STATIC_PATHS=["images"])


def spoil_entries(cache_file, spoil) -> int:
    """Rewrite each entry of a Pelican reader cache file with
    `spoil(content, metadata)`; the number of entries.
    """
    data = pickle.loads(cache_file.read_bytes())
    for name, (stamp, (content, metadata)) in list(data.items()):
        data[name] = (stamp, spoil(content, metadata))
    cache_file.write_bytes(pickle.dumps(data))
    return len(data)


def cut(value):
    return value[: len(value) // 2] if isinstance(value, bytes) else value


def flipped(value):
    return value[:20] + bytes([value[20] ^ 0xFF]) + value[21:]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda content, metadata: (content, cut(metadata)),
        lambda content, metadata: (content, flipped(metadata)),
        lambda content, metadata: (cut(content), metadata),
    ],
    ids=["metadata-cut", "metadata-flipped", "content-cut"],
)
def test_a_spoilt_reader_cache_entry_is_read_again(tmp_path, spoil):
    # the file as a whole loads, one entry's compressed bytes do not
    content = new_content(
        tmp_path,
        {"2026/10/a.md": note_text(), "2026/10/b.md": note_text(slug="doosra")},
    )
    build_site(content, tmp_path / "clean" / "output")
    clean = tree(tmp_path / "clean" / "output")
    cache = tmp_path / "clean" / "cache"
    (key,) = (p for p in cache.iterdir() if is_key(p.name))
    shutil.rmtree(key / "note-snapshot")  # the notes are read, not restored
    for readers in ("ArticlesGenerator-Readers", "PagesGenerator-Readers"):
        assert spoil_entries(key / readers, spoil) > 0
    build_site(content, tmp_path / "clean" / "again")
    assert tree(tmp_path / "clean" / "again") == clean


def test_a_reader_cache_file_of_no_bytes_is_read_past(tmp_path):
    # what a save cut short leaves (Pelican opens the file, emptying it,
    # then writes): Pelican reads past a file that does not unpickle, but
    # stopped the build on this one (pickle's EOFError)
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    build_site(content, tmp_path / "clean" / "output")
    clean = tree(tmp_path / "clean" / "output")
    cache = tmp_path / "clean" / "cache"
    (key,) = (p for p in cache.iterdir() if is_key(p.name))
    shutil.rmtree(key / "note-snapshot")
    for readers in ("ArticlesGenerator-Readers", "PagesGenerator-Readers"):
        (key / readers).write_bytes(b"")
    build_site(content, tmp_path / "clean" / "again")
    assert tree(tmp_path / "clean" / "again") == clean
    assert (key / "ArticlesGenerator-Readers").stat().st_size > 0


def test_a_reader_cache_file_cut_short_is_read_past(tmp_path):
    # a cache file cut where pickle's loader runs out of input between two
    # of its instructions (after the protocol's, or at a frame's end) makes
    # it raise EOFError, which Pelican does not read past
    content = new_content(
        tmp_path,
        {
            f"2026/10/n{i}.md": note_text(slug=f"n{i}", title=f"सूचना {i}")
            for i in range(100)
        },
    )
    build_site(content, tmp_path / "clean" / "output")
    clean = tree(tmp_path / "clean" / "output")
    cache = tmp_path / "clean" / "cache"
    (key,) = (p for p in cache.iterdir() if is_key(p.name))
    readers = key / "ArticlesGenerator-Readers"
    data = readers.read_bytes()
    # protocol 4's first frame: its opcode, its length in 8 bytes, its bytes
    assert data[2:3] == pickle.FRAME
    frame = 11 + int.from_bytes(data[3:11], "little")
    assert frame < len(data)
    for kept in (2, frame):
        with pytest.raises(EOFError):
            pickle.loads(data[:kept])
        shutil.rmtree(key / "note-snapshot", ignore_errors=True)
        readers.write_bytes(data[:kept])
        build_site(content, tmp_path / "clean" / f"again-{kept}")
        assert tree(tmp_path / "clean" / f"again-{kept}") == clean


def test_a_failed_save_of_the_reader_cache_keeps_the_saved_one(tmp_path):
    # the cache is written beside the saved one and put in its place once
    # whole: a save that stops (a value that cannot be pickled here; a
    # killed build, a full disk) leaves the last cache as it was
    readers, _settings = cache_readers(tmp_path)
    readers._cache["a.md"] = ("stamp", ("<p>a</p>", {"title": "क"}))
    # what a save stopped by a killed build left: removed by the next save
    left = tmp_path / "cache" / ".Articles.k1ll3d.tmp"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"\x80\x04")
    readers.save_cache()
    path = tmp_path / "cache" / "Articles"
    saved = path.read_bytes()
    assert pickle.loads(saved)["a.md"][1][0] == "<p>a</p>"
    readers._cache["b.md"] = ("stamp", (threading.Lock(), {}))  # no pickle
    readers.save_cache()
    assert path.read_bytes() == saved
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def payload_ending_with_stop() -> bytes:
    """A note's HTML as the reader cache keeps it (zlib) that pickle writes
    outside its frames (64 KiB and more) and whose last byte is pickle's
    STOP."""
    words = " ".join(f"शब्द{i * 7919 % 100003}" for i in range(30000))
    for n in range(1000):
        data = zlib.compress(f"{words} {'a' * n}".encode(), 1)
        if data[-1:] == pickle.STOP:
            assert len(data) >= 64 * 1024
            return data
    raise AssertionError("no such payload")


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_a_reader_cache_file_cut_anywhere_is_read_past(tmp_path, gzipped):
    # drop_cut_files leaves only what Pelican's load reads or reads past: a
    # gzipped file cut short makes gzip raise EOFError, as does a file cut
    # where a note's HTML written outside pickle's frames ends with STOP
    settings = {
        **read_settings(str(ROOT / "pelicanconf.py")),
        "CACHE_PATH": str(tmp_path / "cache"),
        "GZIP_CACHE": gzipped,
    }
    name = "ArticlesGenerator-Readers"
    readers = Readers(settings, name)
    big = payload_ending_with_stop()
    readers._cache = {
        "a.md": (1.5, (zlib.compress("<p>क</p>".encode()), b"meta")),
        "b.md": (2.5, (big, b"meta")),
        "c.md": (3.5, (zlib.compress("<p>ख</p>".encode()), b"meta")),
    }
    saved_without_memo(readers)()
    path = tmp_path / "cache" / name
    data = path.read_bytes()
    assert pickle.loads(gzip.decompress(data) if gzipped else data) == readers._cache
    # every 97th length, and every one about the big payload's end
    end = len(data) if gzipped else data.index(big) + len(big)
    cuts = [*range(0, len(data), 97), *range(end - 16, len(data))]
    for kept in cuts:
        path.write_bytes(data[:kept])
        drop_cut_files(path.parent)
        assert Readers(settings, name)._cache in ({}, readers._cache), kept
    path.write_bytes(data)
    drop_cut_files(path.parent)
    assert Readers(settings, name)._cache == readers._cache


def test_a_failed_save_of_a_reader_cache_with_a_loop_keeps_the_saved_one(tmp_path):
    # a cache that pickles only with pickle's memo (a loop in it) is saved
    # whole beside the saved one too: a save that stops leaves it as it was
    readers, _settings = cache_readers(tmp_path)
    readers._cache["a.md"] = ("stamp", ("<p>a</p>", {"title": "क"}))
    readers.save_cache()
    path = tmp_path / "cache" / "Articles"
    saved = path.read_bytes()
    looped: list = ["खबर"]
    looped.append(looped)
    readers._cache["b.md"] = ("stamp", ("<p>b</p>", looped))
    readers._cache["c.md"] = ("stamp", (threading.Lock(), {}))  # no pickle
    readers.save_cache()
    assert path.read_bytes() == saved
    assert [p.name for p in path.parent.iterdir()] == [path.name]

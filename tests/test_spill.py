"""The build's spill file (plugins/core/packed.py, Spill): bytes kept there
read back as written, in the build and in processes forked from it, as
bytes to everything that pickles, compares or describes them; a build
with it writes the same site as one without, and leaves no file behind.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import shutil
import signal
import sys
from contextlib import suppress

import pytest
from pelican import signals
from pelican.contents import Article
from support import ROOT, build_site, cache_readers, new_content, note_text, tree

from plugins.core import contract, packed, parallel
from plugins.core.describe import stable
from plugins.core.errors import BuildFailed
from plugins.seo.structured import PackedTexts


def spill_files(folder) -> list[str]:
    return sorted(
        str(p) for p in folder.rglob(f"{packed.SPILL_PREFIX}*") if p.is_file()
    )


def in_child(check) -> bool:
    """check() run in a process forked from this one: its answer."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.write(write, b"1" if check() else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    return answer == b"1"


def test_bytes_kept_in_a_spill_are_read_back_as_written(tmp_path):
    spill = packed.Spill(tmp_path / "cache")
    texts = [os.urandom(n) for n in (1, 0, 5000, 70_000, 3)]
    kept = [spill.put(data) for data in texts]
    assert all(isinstance(k, packed.Spilled) for k in kept)
    assert [k.data() for k in kept] == texts
    assert [len(k) for k in kept] == [len(t) for t in texts]
    # kept in the file, not in the process: the handle is a few numbers
    assert sys.getsizeof(kept[3]) < 100
    assert kept[2] == texts[2] and kept[2] == spill.put(texts[2])
    assert hash(kept[2]) == hash(texts[2])
    # a pickle holds the bytes (read in another build, or after this one)
    assert pickle.loads(pickle.dumps(kept[3])) == texts[3]
    assert type(pickle.loads(pickle.dumps(kept[3]))) is bytes
    # page keys describe them as the bytes they hold
    assert stable(kept[4]) == stable(texts[4])
    packed_texts = packed.squeeze("क\0ख")
    held = spill.put(packed_texts)
    assert stable(PackedTexts(held)) == stable(PackedTexts(packed_texts))
    # the file is removed as soon as it is made: nothing to leave behind
    assert spill_files(tmp_path) == []
    assert os.listdir(tmp_path / "cache") == []


def test_a_process_forked_from_the_build_reads_its_spill(tmp_path):
    """A worker reads the bytes its parent kept (pread, no shared offset);
    what it keeps itself stays in its own memory (the parent's file is
    written only by the parent, which knows where its end is).
    """
    spill = packed.Spill(tmp_path)
    kept = [spill.put(bytes([n]) * (1000 + n)) for n in range(50)]

    def worker() -> bool:
        ok = all(k.data() == bytes([n]) * (1000 + n) for n, k in enumerate(kept))
        own = spill.put(b"the worker's")
        return ok and type(own) is bytes and own == b"the worker's"

    assert in_child(worker)
    after = spill.put(b"after the worker")
    assert after.data() == b"after the worker"
    assert [k.data()[:1] for k in kept] == [bytes([n]) for n in range(50)]


def test_held_keeps_bytes_in_the_open_spill_only(tmp_path, monkeypatch):
    monkeypatch.setattr(packed, "_spill", None)
    assert type(packed.held(b"abc")) is bytes
    packed.open_spill({"CACHE_PATH": str(tmp_path)})
    try:
        kept = packed.held(b"abc")
        assert isinstance(kept, packed.Spilled) and kept.data() == b"abc"
        assert packed.held(kept) is kept
        assert packed.unsqueeze(packed.held(packed.squeeze("पाठ"))) == "पाठ"
    finally:
        packed.close_spill()
    assert type(packed.held(b"abc")) is bytes
    assert kept.data() == b"abc"  # still read until let go of


def test_texts_kept_in_the_spill_are_kept_as_they_are(tmp_path, monkeypatch):
    """keep_text (a note's card, its JSON-LD): the text's UTF-8 as it is in
    the open spill, read back without unpacking; a pickle of it reads back
    as the same text and describes as the same bytes; without a spill, or in
    a process forked from the build, the text is kept compressed in memory.
    """
    text = "बिलपांक थाने में ग्राम रक्षा समिति की बैठक। " * 40
    monkeypatch.setattr(packed, "_spill", None)
    alone = packed.keep_text(text)
    assert type(alone) is bytes and len(alone) < len(text.encode("utf-8")) // 4
    assert packed.unsqueeze(alone) == text
    packed.open_spill({"CACHE_PATH": str(tmp_path)})
    try:
        kept = packed.keep_text(text)
        assert isinstance(kept, packed.PlainSpilled)
        assert kept.data() == text.encode("utf-8")
        assert packed.unsqueeze(kept) == text
        copy = pickle.loads(pickle.dumps(kept))
        assert type(copy) is packed.Plain and packed.unsqueeze(copy) == text
        assert stable(PackedTexts(copy)) == stable(PackedTexts(kept))
        assert list(PackedTexts.of(["क", "ख"])) == ["क", "ख"]
        assert in_child(lambda: type(packed.keep_text(text)) is bytes)
        assert in_child(lambda: packed.unsqueeze(kept) == text)
        # compressed bytes kept before read back as before, a Plain as plain
        assert packed.unsqueeze(packed.held(packed.squeeze(text))) == text
        assert packed.unsqueeze(packed.held(copy)) == text
        # an empty text is kept as something (a JSON-LD of one empty text)
        assert list(PackedTexts.of([""])) == [""]
        # page keys describe the texts, not how they are kept
        spilled = PackedTexts.of(["क", text])
        assert isinstance(spilled.data, packed.Spilled)
    finally:
        packed.close_spill()
    assert packed.unsqueeze(kept) == text  # still read until let go of
    compressed = PackedTexts.of(["क", text])
    assert type(compressed.data) is bytes
    assert stable(compressed) == stable(spilled)
    assert stable(PackedTexts(copy)) == stable(PackedTexts.of([text]))
    assert stable(compressed) != stable(PackedTexts.of(["क", text + "।"]))


def site_content(tmp_path):
    return new_content(
        tmp_path,
        {
            f"2026/10/n{i}.md": note_text(
                slug=f"n{i}", title=f"खबर {i}", body="थाने की सूचना। " * (20 + i)
            )
            for i in range(12)
        },
    )


def test_a_build_with_its_spill_writes_the_same_site(tmp_path, monkeypatch):
    """The notes' HTML, JSON-LD and cards kept in the spill file, the note
    pages written by forked workers that read them from it: the same bytes
    as a build that keeps them in memory, and no spill file in the cache.
    """
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    seen: list[tuple[int, int, int, int, int]] = []

    def in_spill(data) -> bool:
        return isinstance(data, packed.Spilled)

    def look(pelican) -> None:
        spill = packed._spill
        notes = [
            n
            for n in pelican_notes.pop()
            if isinstance(n, Article) and packed.PACKED_CARD in vars(n)
        ]
        cards = sum(in_spill(vars(n)[packed.PACKED_CARD][0]) for n in notes)
        html = sum(in_spill(vars(n).get(packed.PACKED)) for n in notes)
        json_ld = sum(in_spill(getattr(n, contract.JSON_LD).data) for n in notes)
        seen.append((len(notes), cards, html, json_ld, spill.end if spill else 0))

    pelican_notes: list[list] = []
    # the reader cache and the note hold one handle of its HTML, the one
    # its reading ahead kept (read_ahead.apart), not a copy each
    shared: list[int] = []

    def keep_notes(generator) -> None:
        pelican_notes.append(list(generator.articles))

    def reader_cache_shares(generator) -> None:
        cache = generator.readers._cache
        shared.append(
            sum(
                in_spill(vars(n).get(packed.PACKED))
                and cache[n.source_path][1][0] is vars(n)[packed.PACKED]
                for n in generator.articles
            )
        )

    signals.article_generator_finalized.connect(keep_notes)
    signals.article_generator_pretaxonomy.connect(reader_cache_shares)
    signals.all_generators_finalized.connect(look)
    try:
        monkeypatch.setattr(packed, "SPILLED", False)
        whole = build_site(site_content(tmp_path / "a"), tmp_path / "a" / "output")
        monkeypatch.setattr(packed, "SPILLED", True)
        spilled = build_site(site_content(tmp_path / "b"), tmp_path / "b" / "output")
    finally:
        signals.article_generator_finalized.disconnect(keep_notes)
        signals.article_generator_pretaxonomy.disconnect(reader_cache_shares)
        signals.all_generators_finalized.disconnect(look)
    assert seen[0][1:] == (0, 0, 0, 0)
    assert shared == [0, 12]
    notes, cards, html, json_ld, size = seen[1]
    assert notes == cards == html == json_ld == 12
    # each note's HTML, JSON-LD and card: more than the cards alone
    card_bytes = 12 * 400
    assert size > card_bytes
    first, second = tree(whole.output), tree(spilled.output)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert packed._spill is None  # the build's end let go of it
    assert spill_files(tmp_path) == []


def test_a_failed_build_leaves_no_spill_file(tmp_path):
    content = site_content(tmp_path)
    output = tmp_path / "output"
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "index.html").write_text("{{ 1 // 0 }}", "utf-8")
    with pytest.raises(BuildFailed):
        build_site(content, output, THEME=str(theme))
    assert spill_files(tmp_path) == []
    # the failed build lets go of its spill: a build after it (a fast one,
    # as `invoke serve` runs them) keeps nothing more in that file, which is
    # freed once the failed build's notes are let go of (the next build)
    assert packed._spill is None
    assert build_site(content, output).path == "full"
    assert packed._spill is None
    assert spill_files(tmp_path) == []
    gc.collect()
    assert open_spill_files() == []


def test_a_build_failing_after_a_published_one_is_let_go_of_by_the_next(tmp_path):
    """A build that has the last build's note snapshot and fails: the next
    build lets go of it, of its notes and so of its spill (the snapshot's
    test of the notes not to read ahead, kept until a build's end, outlived
    a failed build for as long as the process ran: `invoke serve` held
    every failed build's notes).
    """
    content = site_content(tmp_path)
    output = tmp_path / "output"
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    index = theme / "templates" / "index.html"
    template = index.read_text("utf-8")
    build_site(content, output, THEME=str(theme))
    index.write_text("{{ 1 // 0 }}", "utf-8")
    with pytest.raises(BuildFailed):
        build_site(content, output, THEME=str(theme))
    index.write_text(template, "utf-8")
    build_site(content, output, THEME=str(theme))
    gc.collect()
    assert open_spill_files() == []


def open_spill_files() -> list[str]:
    """The spill files this process still has open (removed, still held)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if f"/{packed.SPILL_PREFIX}" in target:
                found.append(target)
    return found


def test_the_reader_cache_is_saved_without_a_copy_of_every_note(tmp_path):
    """Pelican's reader cache holds each note's HTML as the handle of its
    bytes in the spill file; saving it reads them back one at a time
    (pickle's memo would keep every copy until the file is written), and
    the saved cache gives back every note's HTML.
    """
    import tracemalloc

    readers, settings = cache_readers(tmp_path)
    packed.open_spill(settings)
    notes = {}
    try:
        for n in range(200):
            path = tmp_path / f"n{n}.md"
            path.write_text("x", encoding="utf-8")
            # as a note read ahead comes: its HTML unpacked from the spill
            html = os.urandom(3000).hex()  # 6 KB, compressed about to half
            text = packed.unsqueeze_known(packed.held(packed.squeeze(html)))
            readers.cache_data(str(path), (text, {"title": f"खबर {n}"}))
            # and read back from it in the same build
            assert readers.get_cached_data(str(path), (None, None))[0] == html
            notes[str(path)] = html
    finally:
        packed.close_spill()
    kept = [readers._cache[p][1][0] for p in notes]
    assert all(isinstance(k, packed.Spilled) for k in kept)
    everything = sum(len(k) for k in kept)
    tracemalloc.start()
    try:
        readers.save_cache()
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < everything / 4, (peak, everything)
    again, _settings = cache_readers(tmp_path)
    for path, html in notes.items():
        assert again.get_cached_data(path, (None, None))[0] == html


def test_the_reader_cache_keeps_each_notes_metadata_in_the_spill(tmp_path):
    """Each note's metadata in Pelican's reader cache (pickled, compressed:
    about 700 bytes a note, held until the cache is saved) is kept in the
    spill file too, and read back, saved and loaded as before.
    """
    readers, settings = cache_readers(tmp_path)
    packed.open_spill(settings)
    notes = {}
    try:
        for n in range(20):
            path = tmp_path / f"n{n}.md"
            path.write_text("x", encoding="utf-8")
            metadata = {"title": f"खबर {n}", "summary": "सारांश " * n}
            readers.cache_data(str(path), ("<p>x</p>", dict(metadata)))
            assert readers.get_cached_data(str(path), (None, None))[1] == metadata
            notes[str(path)] = metadata
    finally:
        packed.close_spill()
    kept = [readers._cache[p][1][1] for p in notes]
    assert all(isinstance(k, packed.Spilled) for k in kept)
    readers.save_cache()
    again, _settings = cache_readers(tmp_path)
    for path, metadata in notes.items():
        assert again.get_cached_data(path, (None, None))[1] == metadata


def test_a_write_the_spill_cannot_make_keeps_the_bytes_in_memory(tmp_path):
    """A write to the spill file that fails (here the file size limit, as a
    full disk would: part of the bytes written, then an error) keeps those
    bytes in memory; what was kept before, and what fits after, is read
    back as written.
    """

    def limited() -> bool:  # the limit in a process of its own
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))
        spill = packed.Spill(tmp_path)
        first = spill.put(b"a" * 6000)
        failed = spill.put(b"b" * 6000)  # 4,000 bytes fit, then EFBIG
        after = spill.put(b"c" * 3000)
        return (
            isinstance(first, packed.Spilled)
            and type(failed) is bytes
            and failed == b"b" * 6000
            and isinstance(after, packed.Spilled)
            and (first.data(), after.data()) == (b"a" * 6000, b"c" * 3000)
            and spill.end == 9000
        )

    assert in_child(limited)


def test_a_spill_leaves_its_file_system_the_room_it_keeps_free(tmp_path, monkeypatch):
    """Bytes are kept in the file while its file system has more than
    SPILL_ROOM free after them, asked again every ROOM_EVERY bytes; once it
    has less, in memory, and the bytes already kept are read back as
    written.
    """
    spill = packed.Spill(tmp_path)
    free = os.statvfs(tmp_path)
    room = free.f_bavail * free.f_frsize
    monkeypatch.setattr(packed, "ROOM_EVERY", 3000)
    monkeypatch.setattr(packed, "SPILL_ROOM", max(room - 2**30, 0))
    first = spill.put(b"a" * 2000)
    monkeypatch.setattr(packed, "SPILL_ROOM", room + 2**30)
    second = spill.put(b"b" * 2000)  # 2,000 bytes since the room was asked
    third = spill.put(b"c" * 2000)  # 4,000: asked again, too little
    fourth = spill.put(b"d" * 10)
    monkeypatch.setattr(packed, "SPILL_ROOM", 0)
    fifth = spill.put(b"e" * 10)  # too little once is too little for good
    assert isinstance(first, packed.Spilled) and isinstance(second, packed.Spilled)
    assert [type(k) for k in (third, fourth, fifth)] == [bytes] * 3
    assert (first.data(), second.data()) == (b"a" * 2000, b"b" * 2000)
    assert (third, fourth, fifth) == (b"c" * 2000, b"d" * 10, b"e" * 10)
    assert spill.end == 4000


def test_a_reader_cache_with_a_loop_is_saved_with_pickles_memo(tmp_path):
    """Pickling without a memo cannot write an object that holds itself:
    such a cache is saved all the same (with pickle's memo) and read back.
    """
    readers, _settings = cache_readers(tmp_path)
    path = tmp_path / "n.md"
    path.write_text("x", encoding="utf-8")
    # metadata that is not a dict is kept as it is (not pickled apart)
    looped: list = ["खबर"]
    looped.append(looped)
    readers.cache_data(str(path), ("<p>पाठ</p>", looped))
    # read back in the build that cached it, as Pelican would
    assert readers.get_cached_data(str(path), (None, None))[0] == "<p>पाठ</p>"
    readers.save_cache()
    again, _settings = cache_readers(tmp_path)
    html, metadata = again.get_cached_data(str(path), (None, None))
    assert html == "<p>पाठ</p>"
    assert metadata[0] == "खबर" and metadata[1] is metadata

"""Page reuse (plugins/page_reuse/reuse.py) for what is not written by the
build's own writer: a note page written by a worker process (the build takes
over what the worker recorded) and a feed file the feeds plugin renders
itself (its key). Pelican's own writer and the small theme of
tests/test_reuse_writer.py, no site build.
"""

from __future__ import annotations

import json
import logging

from test_reuse_writer import A, B, Site, swap, two_notes

from plugins.page_reuse.reuse import (
    PageReuse,
    ReusingWriter,
    describe,
    note_digest,
    note_fields,
)

FEED = "feeds/thana/namli.rss.xml"


def test_a_note_page_a_worker_process_linked_is_the_build_s_own(tmp_path):
    """A worker, forked from the build, writes a note page into the same
    staging folder and records it in its own copy of the record: the build
    takes that over, so the page counts as reused, stays in the record for
    the next build, and a later write over it never reaches the published
    file through the link."""
    site = Site(tmp_path)
    site.build(two_notes(site))
    published = (site.output / A).read_bytes()
    reuse, writer, staging = site.start()
    worker_reuse = PageReuse(site.output, site.cache, site.settings)
    worker = type("ReusingWriter", (ReusingWriter,), {"reuse": worker_reuse})(
        str(staging), settings=site.settings
    )
    notes = two_notes(site)
    template = site.template()
    worker.write_file(
        A, template, site.context(), article=notes[A], category=None, blog=True
    )
    assert (staging / A).stat().st_ino == (site.output / A).stat().st_ino
    writer.write_file(
        B, template, site.context(), article=notes[B], category=None, blog=True
    )
    assert reuse.reused == 1  # B, linked by the build itself
    writer.take_page_state(A, worker.page_state(A, note=notes[A]), note=notes[A])
    assert reuse.reused == 2 and set(reuse.written) == {A, B}
    # the worker's description of the note comes with it: the build's list
    # page keys describe the note with it, as if the build had written A
    assert reuse.notes[id(notes[A])] == note_digest(notes[A], note_fields(notes[A]))
    assert describe(notes[A], reuse.notes) == f"note:{note_digest(notes[A])}"
    assert id(notes[A]) not in reuse.fields  # made by the worker, not here
    # a page saved over A's place in this build is written to a new file
    writer.write_file(
        A, template, site.context(), override_output=True, article=notes[A], page=1
    )
    assert (site.output / A).read_bytes() == published
    assert (staging / A).stat().st_ino != (site.output / A).stat().st_ino
    # a page a worker rendered (not linked) is recorded, and linked next time
    reuse, writer, staging = site.start()
    worker_reuse = PageReuse(site.output, site.cache, site.settings)
    worker = type("ReusingWriter", (ReusingWriter,), {"reuse": worker_reuse})(
        str(staging), settings=site.settings
    )
    edited = site.note("a", "ए की सुधरी खबर")
    worker.write_file(
        A, template, site.context(), article=edited, category=None, blog=True
    )
    writer.take_page_state(A, worker.page_state(A))
    writer.take_page_state(B, (None, False))  # a page the worker left alone
    assert reuse.reused == 0 and set(reuse.written) == {A}
    reuse.save()
    swap(staging, site.output)
    again = site.build({A: edited})
    assert again.reused == 1


def test_a_feed_file_is_keyed_on_what_it_is_made_of(tmp_path, caplog):
    site = Site(tmp_path)
    note = site.note("a", "ए की खबर")

    def inputs(title: str = "ए की खबर", fmt: str = "rss") -> list:
        return [fmt, ["thana", "namli", "नामली"], [site.note("a", title)]]

    keys = []
    for _ in range(2):  # two builds of the same site
        reuse, writer, staging = site.start()
        # before any page made the site's key: none, the feed is rendered
        assert reuse.file_key(FEED, inputs()) is None
        writer.write_file(
            A, site.template(), site.context(), article=note, category=None, blog=True
        )
        keys.append(reuse.file_key(FEED, inputs()))
        changed = [
            reuse.file_key("feeds/thana/alot.rss.xml", inputs()),  # another file
            reuse.file_key(FEED, inputs(fmt="atom")),  # another input
            reuse.file_key(FEED, inputs(title="ए की सुधरी खबर")),  # a note edited
        ]
        assert None not in changed and len({keys[-1], *changed}) == 4
        # a value that cannot be described: no key, the feed is rendered
        with caplog.at_level(logging.DEBUG, logger="plugins.page_reuse.reuse"):
            assert reuse.file_key(FEED, [object()]) is None
        assert f"page reuse: {FEED}: not reusable (builtins.object)" in (
            caplog.messages
        )
        reuse.save()
        swap(staging, site.output)
    assert keys[0] is not None and keys[0] == keys[1]


def test_a_pages_record_is_kept_packed_and_saved_as_before(tmp_path):
    """What the build keeps of each page it wrote or linked (its key and its
    file's size and modification time) is 32 bytes of one bytes object, not a
    list of a string and two numbers, and travels so from a worker; the
    record saved for the next build is the JSON it always was."""
    site = Site(tmp_path)
    site.build(two_notes(site))
    reuse, writer, staging = site.start()
    worker_reuse = PageReuse(site.output, site.cache, site.settings)
    worker = type("ReusingWriter", (ReusingWriter,), {"reuse": worker_reuse})(
        str(staging), settings=site.settings
    )
    notes = {A: site.note("a", "ए की सुधरी खबर"), B: two_notes(site)[B]}
    template = site.template()
    worker.write_file(
        A, template, site.context(), article=notes[A], category=None, blog=True
    )
    writer.write_file(
        B, template, site.context(), article=notes[B], category=None, blog=True
    )
    state = worker.page_state(A, note=notes[A])
    assert type(state[0]) is bytes and len(state[0]) == 32
    writer.take_page_state(A, state, note=notes[A])
    assert reuse.reused == 1  # B linked, A rendered by the worker
    assert {type(v) for v in reuse.written.values()} == {bytes}
    assert {len(v) for v in reuse.written.values()} == {32}
    reuse.save()
    saved = json.loads(reuse.manifest.read_text(encoding="utf-8"))
    for name in (A, B):
        st = (staging / name).stat()
        key = saved["pages"][name][0]
        assert saved["pages"][name] == [key, st.st_mtime_ns, st.st_size]
        assert len(key) == 32 and int(key, 16) >= 0
    assert reuse.manifest.read_bytes() == json.dumps(saved).encode("utf-8")
    swap(staging, site.output)
    assert site.build({A: notes[A], B: notes[B]}).reused == 2


def test_a_notes_fields_are_let_go_of_once_a_list_page_described_it(tmp_path):
    """The fields a note page's key made (note_fields) are kept for the list
    pages' description of the note (note_digest) and no longer: once that is
    made it is the one kept, and it is what the fields would have made."""
    site = Site(tmp_path)
    reuse, writer, _staging = site.start()
    notes = two_notes(site)
    writer.write_file(
        A, site.template(), site.context(), article=notes[A], category=None, blog=True
    )
    assert id(notes[A]) in reuse.fields
    described = describe([notes[A], notes[B]], reuse.notes, reuse.fields)
    assert id(notes[A]) not in reuse.fields and reuse.fields == {}
    assert described == describe([notes[A], notes[B]], {}, None)
    assert reuse.notes[id(notes[A])] == note_digest(notes[A])

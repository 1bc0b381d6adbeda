"""When a note page may be reused (plugins/page_reuse/reuse.py): its key
changes with anything the page prints, and only with that."""

from __future__ import annotations

from pelican.contents import Article
from pelican.settings import read_settings
from support import SETTINGS

from plugins.core import contract
from plugins.page_reuse.reuse import NOTE_FIELDS, note_fields, note_key, site_key

SETTINGS_READ = read_settings(SETTINGS)


def article(**metadata) -> Article:
    fields = {"title": "नामली में शिविर", "slug": "namli-shivir", **metadata}
    return Article(
        "<p>पाठ</p>", metadata=fields, settings=SETTINGS_READ, source_path="/c/a.md"
    )


def test_the_site_key_follows_what_pages_print_not_where_they_are_written():
    settings = dict(SETTINGS_READ)
    base = site_key(settings, {}, "code-1")
    assert base == site_key(dict(settings), {}, "code-1")  # stable
    # where a build writes and caches, and the share run, print nothing
    for name in ("OUTPUT_PATH", "CACHE_PATH", "WHATSAPP_RUN", "PAGE_REUSE"):
        assert site_key({**settings, name: "/elsewhere"}, {}, "code-1") == base, name
    # a setting a page prints, the code, or a site-wide value changes it
    assert site_key({**settings, "SITENAME": "नया नाम"}, {}, "code-1") != base
    assert site_key(settings, {}, "code-2") != base
    for name in contract.PRINTED_SITE_NAMES:
        assert site_key(settings, {name: ["x"]}, "code-1") != base, name


def test_the_note_key_follows_the_page_its_fields_and_its_text():
    note = article()
    key = note_key("site", "2026/10/a/index.html", "note", note, "")
    assert key == note_key("site", "2026/10/a/index.html", "note", article(), "")
    changed = [
        note_key("site-2", "2026/10/a/index.html", "note", note, ""),
        note_key("site", "2026/10/b/index.html", "note", note, ""),
        note_key("site", "2026/10/a/index.html", "draft", note, ""),
        note_key("site", "2026/10/a/index.html", "note", note, "feeds"),
        note_key("site", "2026/10/a/index.html", "note", article(title="नया"), ""),
    ]
    edited = article()
    edited._content = "<p>सुधरा पाठ</p>"
    changed.append(note_key("site", "2026/10/a/index.html", "note", edited, ""))
    assert len({key, *changed}) == len(changed) + 1
    # the parts are kept apart: moving a character from one to the next shows
    assert note_key("ab", "c", "note", note, "") != note_key(
        "a", "bc", "note", note, ""
    )


def test_a_notes_text_fields_are_kept_apart_in_its_key():
    """note_fields hashes a text field by its own bytes, its length first: a
    text and a value described alike ("None" and None, "1" and 1), or
    characters moved from one text field to the next (a NUL and \\x01 too),
    give other keys.
    """

    def fields(**values) -> str:
        note = article()
        for name, value in values.items():
            setattr(note, name, value)
        return note_fields(note)

    at = NOTE_FIELDS.index(contract.CANONICAL_URL)
    assert NOTE_FIELDS[at + 1] == contract.SUMMARY_TEXT  # hashed one after the other
    keys = {
        fields(summary_text="None"),
        fields(summary_text=None),
        fields(summary_text="1"),
        fields(summary_text=1),
        fields(summary_text="'x'"),
        fields(summary_text="x"),
        fields(canonical_url="ab", summary_text="c"),
        fields(canonical_url="a", summary_text="bc"),
        fields(canonical_url="a\0", summary_text="b"),
        fields(canonical_url="a", summary_text="\0b"),
        fields(canonical_url="a\0\x01b", summary_text="c"),
        fields(canonical_url="a", summary_text="b\0\x01c"),
    }
    assert len(keys) == 12
    assert fields(summary_text="सार") == fields(summary_text="सार")

"""The note reader keeps one Markdown object for all the files it reads
(plugins/press_notes/reader.py): each note reads exactly as with a new
reader, whatever was read before it, and a file that failed to read leaves
nothing behind."""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.settings import read_settings
from pelican.utils import SafeDatetime, get_date
from support import ROOT, note_text

from plugins.press_notes import sanitize
from plugins.press_notes.reader import (
    INLINE_NEEDS,
    META,
    PLAIN_LINE,
    Gated,
    PlainMarkdown,
    SafeMarkdownReader,
    plain_date,
)

# Markdown with state that lives in the Markdown object between two files
# if it is not reset: footnotes (their numbers and ids), abbreviations,
# link references, tables, attribute lists, definition lists, raw HTML.
STATEFUL = {
    "footnotes.md": note_text(
        slug="footnotes",
        body="पहला वाक्य[^1] और दूसरा[^2]।\n\n[^1]: पहली टिप्पणी\n[^2]: दूसरी\n",
    ),
    "abbr.md": note_text(
        slug="abbr",
        body="FIR दर्ज हुई। [थाना][t] देखें।\n\n*[FIR]: प्रथम सूचना रिपोर्ट\n"
        "[t]: https://example.org/thana\n",
    ),
    "tables.md": note_text(
        slug="tables",
        body="| थाना | मामले |\n|---|---|\n| नामली | 3 |\n\nवाक्य {: #anchor }\n\n"
        'शब्द\n:   अर्थ\n\n<div markdown="1">*भीतर*</div>\n',
    ),
    "plain.md": note_text(slug="plain", body="सादा पाठ, कोई टिप्पणी नहीं[^x]।"),
    "meta-only.md": note_text(slug="meta-only", body=""),
}


@pytest.fixture(scope="module")
def notes(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("reader")
    paths = []
    for name, text in STATEFUL.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    paths += sorted((ROOT / "content" / "notes").rglob("*.md"))
    return paths


@pytest.fixture(scope="module", name="settings")
def bulletin_settings() -> dict:
    return read_settings(str(ROOT / "pelicanconf.py"))


def fresh(settings: dict, path: Path):
    """What a new reader makes of one file."""
    return SafeMarkdownReader(settings).read_now(str(path))


def test_one_reader_reads_each_note_as_a_new_one_does(notes, settings):
    expected = {p: fresh(settings, p) for p in notes}
    reader = SafeMarkdownReader(settings)
    order = notes * 2
    random.Random(16).shuffle(order)
    for path in order:
        assert reader.read_now(str(path)) == expected[path], path
    # the footnotes really are numbered per file: the reset is what keeps
    # the second file's numbering from continuing the first's
    content, _ = expected[notes[0]]
    assert 'href="#fn:1"' in content and 'href="#fn:2"' in content


def test_the_notes_read_as_pelicans_own_reader_reads_them(notes, settings):
    """Apart from the sanitizing, the kept object gives Pelican's reading."""
    reader = SafeMarkdownReader(settings)
    for path in notes:
        pelican_content, pelican_meta = MarkdownReader(settings).read(str(path))
        content, metadata = reader.read_markdown(str(path))
        assert content == pelican_content, path
        assert metadata == pelican_meta, path


def test_a_file_that_fails_leaves_the_next_one_whole(notes, settings, tmp_path):
    reader = SafeMarkdownReader(settings)
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"title: \xff\xfe\n\n[^1] text[^1]\n")
    reader.read_now(str(notes[0]))
    with pytest.raises(UnicodeDecodeError):
        reader.read_now(str(broken))
    assert reader.read_now(str(notes[0])) == fresh(settings, notes[0])
    assert reader.read_now(str(notes[1])) == fresh(settings, notes[1])


def test_the_reader_cache_keeps_the_html_compressed_and_gives_it_back(
    notes, settings, tmp_path
):
    from pelican.readers import Readers

    from plugins.core.reader_cache import compress_cached

    readers = Readers({**settings, "CACHE_PATH": str(tmp_path)}, "Articles")
    compress_cached(readers)
    path = str(notes[0])
    read = SafeMarkdownReader(settings).read_now(path)
    readers.cache_data(path, read)
    kept = readers._cache[path][1]
    assert isinstance(kept[0], bytes) and len(kept[0]) < len(read[0].encode())
    assert readers.get_cached_data(path, (None, None)) == read
    assert readers.get_cached_data(str(notes[1]), (None, None)) == (None, None)
    readers.save_cache()
    again = Readers({**settings, "CACHE_PATH": str(tmp_path)}, "Articles")
    compress_cached(again)
    assert again.get_cached_data(path, (None, None)) == read


def test_saving_the_reader_cache_leaves_no_utf8_copy_in_the_notes_texts(
    notes, settings, tmp_path
):
    """Pickling a str makes CPython keep its UTF-8 inside the string: the
    reader cache keeps each note's metadata pickled as it is cached, its
    texts encoded apart, so saving the cache leaves the note's title,
    summary and tags (held by its Article to the build's end) their size,
    and what comes back is the same, the tags with this build's settings."""
    from pelican.readers import Readers

    from plugins.core.packed import pickled_texts
    from plugins.core.reader_cache import compress_cached

    mine = {**settings, "CACHE_PATH": str(tmp_path)}
    readers = Readers(mine, "Articles")
    compress_cached(readers)
    path = str(notes[0])
    read = SafeMarkdownReader(mine).read_now(path)
    metadata = read[1]
    texts = [metadata["title"], metadata["summary"], metadata["summary_text"]]
    texts += [tag.name for tag in metadata["tags"]]
    assert all(not t.isascii() for t in texts)
    sizes = [sys.getsizeof(t) for t in texts]
    readers.cache_data(path, read)
    # held for every note while the notes are read: compressed
    kept = readers._cache[path][1][1]
    assert len(kept) < len(pickled_texts(metadata, {id(mine): "settings"})) * 0.7
    readers.save_cache()
    assert [sys.getsizeof(t) for t in texts] == sizes
    again = Readers(mine, "Articles")
    compress_cached(again)
    back = again.get_cached_data(path, (None, None))
    assert back == read
    assert all(tag.settings is mine for tag in back[1]["tags"])


# A line of Hindi as a summary is written: letters, marks, digits, spaces
# and punctuation, Markdown's syntax among them.
ONE_LINE = st.text(
    st.one_of(
        st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
        st.sampled_from([*"aZ09 ,.?!()'\":;/%₹–—‘’“”-#>*_`[]<&\\{}|~=+\xa0\t\x00"]),
    ),
    min_size=1,
    max_size=30,
)


def note_markdown(md_class: type[Markdown]) -> Markdown:
    """A Markdown object of `md_class` as Pelican's reader makes one: the
    extensions pelicanconf.py configures (the extra extension and meta).
    """
    conf = SafeMarkdownReader(read_settings(str(ROOT / "pelicanconf.py"))).settings
    assert "markdown.extensions.extra" in conf["MARKDOWN"]["extensions"]
    return md_class(**conf["MARKDOWN"])


def summary_markdown(md_class: type[Markdown]) -> Markdown:
    """A Markdown object as Pelican converts a note's summary with: the
    bulletin's extensions, the meta extension's preprocessor taken out.
    """
    md = note_markdown(md_class)
    md.preprocessors.deregister(META)
    return md


PLAIN_MD, FULL_MD = summary_markdown(PlainMarkdown), summary_markdown(Markdown)


def converts_alike(plain: Markdown, full: Markdown, text: str) -> None:
    """`text` gives the same HTML from the bulletin's Markdown as from
    Markdown's own, each reset first."""
    plain.reset()
    full.reset()
    assert plain.convert(text) == full.convert(text)


@settings(max_examples=500, deadline=None)
@given(ONE_LINE)
def test_a_one_line_summary_converts_as_markdown_converts_it(line):
    """Whether or not it is a PLAIN_LINE (its paragraph made without
    parsing), a line gives the HTML Markdown gives.
    """
    converts_alike(PLAIN_MD, FULL_MD, line)


@settings(max_examples=500, deadline=None)
@given(ONE_LINE)
def test_a_plain_line_is_its_own_paragraph(line):
    assume(PLAIN_LINE.fullmatch(line))
    FULL_MD.reset()
    assert FULL_MD.convert(line) == f"<p>{line}</p>"


def test_a_plain_line_read_with_the_meta_extension_is_a_field():
    """With the meta extension in place (a note's file), "Thana: Bilpank"
    is a field, not a paragraph: no short cut.
    """
    line = "Thana: Bilpank"
    assert PLAIN_LINE.fullmatch(line)
    conf = read_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
    md = PlainMarkdown(**{**conf, "extensions": [*conf.get("extensions", []), "meta"]})
    assert md.convert(line) == ""
    assert md.Meta == {"thana": ["Bilpank"]}


@settings(max_examples=500, deadline=None)
@given(ONE_LINE)
def test_a_plain_paragraph_is_sanitized_as_the_sanitizer_would(text):
    """A paragraph the sanitizer's short cut gives back as it is
    (PLAIN_PARAGRAPH) is what nh3 gives, and holds nothing unsafe.
    """
    html = f"<p>{text}</p>"
    assert sanitize.sanitize_html(html) == sanitize.images_as_links(
        sanitize._clean(html)
    )
    if sanitize.PLAIN_PARAGRAPH.fullmatch(html):
        assert sanitize._clean(html) == html
        assert [
            tag for tag in sanitize.elements(html) if tag.tag != "p" or tag.attrib
        ] == []


def test_a_long_line_that_is_not_plain_is_refused_in_one_pass():
    """A long summary ending in Markdown's syntax is found not to be a
    PLAIN_LINE at once, not after trying every way its letters divide
    between the pattern's two classes (which would never end).
    """
    line = "रतलाम पुलिस ने बैठक की " * 5_000 + "*"
    start = time.process_time()
    assert PLAIN_LINE.fullmatch(line) is None
    assert time.process_time() - start < 1


# Text as a note's body holds it: Hindi, Latin, newlines and Markdown's
# syntax, every character an inline pattern needs among them.
BODY = st.lists(
    st.one_of(
        st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
        st.sampled_from([*"aZ09 \n!@#:;/.-()\"'=*_`[]<>&\\^{}|~"]),
        # pieces shaped as the patterns' syntax
        st.sampled_from(
            [
                *("<b>", "</b>", "<a>", "<br/>", "<!-- c -->", "&amp;", "&#2325;"),
                *("&x915;", "&#x915;", "[t]", "[^1]", "](a.png)", "![", "\n\n[t]: /u"),
                *("<https://example.org>", "<a@example.org>", "  \n", "**", "__"),
            ]
        ),
    ),
    max_size=30,
).map("".join)


NOTE_PLAIN, NOTE_FULL = note_markdown(PlainMarkdown), note_markdown(Markdown)


def inline_patterns(md: Markdown) -> dict:
    return {name: md.inlinePatterns[name] for name in INLINE_NEEDS}


def test_every_gated_pattern_is_one_markdown_has():
    """INLINE_NEEDS names patterns of the pinned Markdown: a renamed one
    would be searched ungated, silently, and lose the time saved."""
    names = {item.name for item in FULL_MD.inlinePatterns._priority}
    assert set(INLINE_NEEDS) <= names
    assert all(
        isinstance(p.compiled_re, Gated) for p in inline_patterns(PLAIN_MD).values()
    )


@settings(max_examples=1000, deadline=None)
@given(BODY)
def test_a_gated_pattern_matches_only_a_text_holding_what_it_needs(text):
    """Each gated pattern's own regex, searched from anywhere in `text`,
    matches only if `text` holds one of the characters INLINE_NEEDS says it
    needs."""
    for name, pattern in inline_patterns(FULL_MD).items():
        needs = INLINE_NEEDS[name]
        for start in range(len(text) + 1):
            if pattern.compiled_re.search(text, start):
                assert any(c in text for c in needs), (name, text)
                break


# For each gated pattern, Markdown it matches.
USES = {
    "backtick": "`कोड` और \\\\`x`",
    "escape": "\\*न तिरछा\\*",
    "footnote": "वाक्य[^1]\n\n[^1]: टिप्पणी",
    "reference": "[थाना][t]\n\n[t]: https://example.org/a",
    "link": '[कड़ी](https://example.org/b "शीर्षक")',
    "image_link": "![चित्र](a.png)",
    "image_reference": "![चित्र][i]\n\n[i]: b.png",
    "short_reference": "[t]\n\n[t]: https://example.org/a",
    "short_image_ref": "![i]\n\n[i]: b.png",
    "autolink": "<https://example.org/c>",
    "automail": "<a@example.org>",
    "linebreak": "पंक्ति  \nअगली",
    "html": "कुछ <b>मोटा",
    "entity": "&amp; &#2325; &#x915;",
    "em_strong": "*तिरछा* **मोटा** _तिरछा_ __मोटा__ ***दोनों***",
}


def test_each_gated_pattern_has_a_use_below():
    assert USES.keys() == INLINE_NEEDS.keys()


@pytest.mark.parametrize("name", sorted(USES))
def test_markdown_with_each_gated_pattern_converts_as_markdown_converts_it(name):
    text = USES[name]
    assert inline_patterns(FULL_MD)[name].compiled_re.search(text)
    converts_alike(PLAIN_MD, FULL_MD, text)


@settings(max_examples=500, deadline=None)
@given(BODY)
def test_a_body_converts_as_markdown_converts_it(text):
    """A note's text, read with the meta extension as Pelican reads it."""
    converts_alike(NOTE_PLAIN, NOTE_FULL, text)


@settings(max_examples=500, deadline=None)
@given(
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
    st.booleans(),
)
def test_a_plain_date_reads_as_pelican_reads_it(when, seconds):
    text = when.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    found = plain_date(text)
    assert type(found) is SafeDatetime
    assert found == get_date(text)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from([*"0123456789-: T+"]), max_size=22))
def test_a_date_plain_date_reads_is_one_pelican_reads_alike(text):
    """Any other text is Pelican's to read (or to refuse, saying why)."""
    found = plain_date(text)
    if found is not None:
        assert found == get_date(text)
        assert type(found) is type(get_date(text))


def test_a_note_that_is_not_a_real_day_is_pelicans_to_refuse():
    assert plain_date("2023-02-29 10:00") is None
    assert plain_date("2024-01-01 24:00") is None
    assert plain_date("२०२४-०१-०१ १०:००") is None  # the reader makes it ASCII first
    with pytest.raises(ValueError, match="not a valid date"):
        get_date("2023-02-29 10:00")


def test_a_gated_markdown_copied_or_pickled_converts_as_before():
    """The gate travels with a copy of the Markdown object (a deep copy
    or a pickle keeps it gated; a shallow copy of a pattern's regex reads
    as the regex)."""
    import copy
    import pickle

    text = "कुछ <b>मोटा</b> *तिरछा* [t]\n\n[t]: https://example.org/a"
    PLAIN_MD.reset()
    expected = PLAIN_MD.convert(text)
    for made in (copy.deepcopy(PLAIN_MD), pickle.loads(pickle.dumps(PLAIN_MD))):
        assert all(
            isinstance(p.compiled_re, Gated) for p in inline_patterns(made).values()
        )
        made.reset()
        assert made.convert(text) == expected
    gate = inline_patterns(PLAIN_MD)["html"].compiled_re
    assert copy.copy(gate).pattern == gate.pattern

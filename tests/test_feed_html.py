"""A note's HTML in its feed entries (plugins/feeds/render.py): a fragment
of text and bare tags is given as it is, unparsed, and is what
BeautifulSoup's parse makes of it; every other is parsed, its relative
addresses made absolute."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings
from support import ROOT

from plugins.feeds import render
from plugins.feeds.render import absolute_html, bare, parsed_absolute_html
from plugins.press_notes.reader import SafeMarkdownReader

PAGE = "https://example.org/2026/11/note/"

# Pieces of HTML a fragment is made of: the sanitizer's tags, void ones,
# tags with attributes and addresses, entities, raw-text elements, stray
# brackets, comments, and Hindi and Latin text with quotes, CR and NUL.
PIECES = st.sampled_from(
    [
        *("<p>", "</p>", "<strong>", "</strong>", "<em>", "</em>", "<ul>"),
        *("</ul>", "<li>", "</li>", "<blockquote>", "</blockquote>", "<pre>"),
        *("</pre>", "<h2>", "</h2>", "<br>", "<br/>", "<hr>", "<wbr>", "<div>"),
        *("</div>", "<P>", "</P>", "<a href='x'>", '<a href="../y">', "</a>"),
        *('<img src="p.jpg">', "<script>", "</script>", "<textarea>"),
        *("</textarea>", "<title>", "</title>", "<xmp>", "<custom>", "</custom>"),
        *("<!-- c -->", "&amp;", "&nbsp;", "&#2325;", "&", "<", ">", "</>"),
        *("थाना", "क़", "text", " ", "\n", "\n\n", "\t", "\x0c", "\r", "\r\n"),
        *("\x00", "\xa0", "\ud800", "'", '"', "="),
        *("</br>", "</img>", "</wbr>", "</hr>"),
    ]
)
FRAGMENTS = st.lists(PIECES, max_size=14).map("".join)


def soup_round_trip(fragment: str) -> str:
    return str(BeautifulSoup(fragment, "html.parser"))


@settings(max_examples=2000, deadline=None)
@given(FRAGMENTS)
def test_a_bare_fragment_is_what_beautifulsoup_gives_back(fragment):
    if bare(fragment):
        assert soup_round_trip(fragment) == fragment


def outcome(make, fragment: str) -> str | type[Exception]:
    """make(fragment, PAGE), or the kind of error it raised."""
    try:
        return make(fragment, PAGE)
    except Exception as error:  # noqa: BLE001
        return type(error)


@settings(max_examples=1000, deadline=None)
@given(FRAGMENTS)
def test_any_fragment_reads_as_the_parse_reads_it(fragment):
    """The same HTML, or the same error (a lone surrogate)."""
    assert outcome(absolute_html, fragment) == outcome(parsed_absolute_html, fragment)


def test_a_bare_fragment_is_not_parsed(monkeypatch):
    def no_parse(*_args, **_kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(render, "BeautifulSoup", no_parse)
    assert absolute_html("<p>थाना</p>\n<p>ख</p>", PAGE) == "<p>थाना</p>\n<p>ख</p>"
    with pytest.raises(AssertionError, match="parsed"):
        absolute_html('<p><a href="y">ख</a></p>', PAGE)


def test_a_fragment_with_an_address_is_parsed_and_made_absolute():
    fragment = '<p><a href="../y">कड़ी</a></p>'
    assert not bare(fragment)
    assert absolute_html(fragment, PAGE) == (
        '<p><a href="https://example.org/2026/11/y">कड़ी</a></p>'
    )


def test_fragments_that_are_not_bare():
    for fragment in (
        "<p>a<br>b</p>",  # written <br/>
        "<p>a &amp; b</p>",  # an entity
        "<p>a",  # not closed (BeautifulSoup closes it)
        "a</p>",  # not opened (BeautifulSoup drops it)
        "<p><em>a</p></em>",  # closed out of order
        "<textarea>a</textarea>",  # not a tag the sanitizer keeps
        "<P>a</P>",  # written <p>
        "<p>\ud800</p>",  # a lone surrogate
        "<br></br>",  # written <br/>
        "<ul>\n  <li>a</li>\n</ul>",  # blank strings written " " or "\n"
    ):
        assert not bare(fragment), fragment
        assert absolute_html(fragment, PAGE) == parsed_absolute_html(fragment, PAGE)
    assert bare("") and bare("सादा पाठ") and bare("<p>क</p>\n<ul><li>ख</li></ul>")


def test_the_sample_notes_are_bare_and_given_as_the_parse_gives_them():
    reader = SafeMarkdownReader(read_settings(str(ROOT / "pelicanconf.py")))
    notes = sorted((ROOT / "content" / "notes").rglob("*.md"))
    assert len(notes) >= 10
    for path in notes:
        content, _metadata = reader.read_now(str(path))
        assert bare(content), path
        assert absolute_html(content, PAGE) == parsed_absolute_html(content, PAGE)

"""Unsafe HTML is named in the warning; plain text is read from note HTML."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.press_notes.fragment import (
    NOT_IN_XML,
    TEXT_TAGS,
    parsed_text,
    serialized_text,
    text_of,
)
from plugins.press_notes.model import plain_text
from plugins.press_notes.sanitize import ALLOWED_TAGS, find_unsafe, sanitize_html


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<p>पहला <strong>अनुच्छेद</strong></p>", []),
        ("<script>alert('x')</script>", ["<script> element"]),
        ('<span onclick="steal()">क्लिक</span>', ["onclick attribute on <span>"]),
        ('<IMG SRC="/x.png" OnError="x">', ["onerror attribute on <img>"]),
        ('<a href="javascript:alert(1)">लिंक</a>', ["script URL in href of <a>"]),
        # entities and spaces inside the URL do not hide it
        ('<a href="&#106;ava script:x">a</a>', ["script URL in href of <a>"]),
        ('<a href="java\x00script:x">a</a>', ["script URL in href of <a>"]),
        (
            '<form action="javascript:1"><button formaction="vbscript:2">',
            [
                "<form> element",
                "script URL in action of <form>",
                "script URL in formaction of <button>",
            ],
        ),
        (
            (
                "<iframe src=x></iframe><style>p{}</style><object></object>"
                "<embed src=y><link rel=stylesheet href=z>"
            ),
            [
                "<iframe> element",
                "<style> element",
                "<object> element",
                "<embed> element",
                "<link> element",
            ],
        ),
        ('<a href="/parichay/">परिचय</a> <a href="https://x.in/">x</a>', []),
    ],
)
def test_find_unsafe_names_each_construct(html, found):
    assert find_unsafe(html) == found


def test_sanitized_html_has_nothing_left_to_name():
    html = '<p onclick="x">a</p><script>b()</script><a href="javascript:c">d</a>'
    assert find_unsafe(html) and find_unsafe(sanitize_html(html)) == []


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("सादा पाठ", "सादा पाठ"),
        ("<p>पहला</p><p>दूसरा &amp; तीसरा&nbsp;चौथा</p>", "पहला दूसरा & तीसरा चौथा"),
        ("<p>a<br>b</p><ul><li>x</li><li>y</li></ul>", "a b x y"),
        ("शुरू <b>बीच</b> अंत", "शुरू बीच अंत"),
        # code is not text; comments are not text
        ("पहले<script>x()</script>बाद<style>p{}</style>", "पहले बाद"),
        ("<!-- टिप्पणी --><p>पाठ</p>", "पाठ"),
        # characters XML cannot hold become spaces instead of stopping the build
        ("<p>क\x00ख\x0bग</p>", "क ख ग"),
    ],
)
def test_plain_text_of_note_html(html, text):
    assert plain_text(html) == text
    assert parsed_text(html) == text


# Text as a serializer writes it: any characters but < and &, which come as
# entities (and &nbsp; &quot;), with whitespace and characters XML cannot hold.
SERIAL_TEXT = st.lists(
    st.one_of(
        st.text(
            st.one_of(
                st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
                st.sampled_from([*"ab Z09>\"'=/;\n\t\r\xa0\u2028\x00\x0c\x1f\ufffe"]),
            ),
            max_size=8,
        ),
        st.sampled_from(["&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;", "&amp;lt;"]),
    ),
    max_size=6,
).map("".join)
ATTRIBUTE_VALUE = st.text(st.sampled_from([*"ab >=/'&;क"]), max_size=6)
ATTRIBUTES = st.lists(
    st.tuples(
        st.sampled_from(["href", "title", "class", "xml:lang", "data-x"]),
        st.one_of(st.none(), ATTRIBUTE_VALUE),
    ),
    max_size=2,
).map(
    lambda pairs: "".join(
        f" {name}" if value is None else f' {name}="{value}"' for name, value in pairs
    )
)
SERIAL_TAG = st.one_of(
    st.tuples(
        st.sampled_from(sorted(TEXT_TAGS)),
        ATTRIBUTES,
        st.sampled_from(["", " ", "/", " /", "\n"]),
    ).map(lambda t: f"<{t[0]}{t[1]}{t[2]}>"),
    st.tuples(st.sampled_from(sorted(TEXT_TAGS)), st.sampled_from(["", " ", "\n"])).map(
        lambda t: f"</{t[0]}{t[1]}>"
    ),
)
SERIALIZED_HTML = st.lists(st.one_of(SERIAL_TEXT, SERIAL_TAG), max_size=12).map("".join)


class BetweenTags(HTMLParser):
    """The strings between the tags of some HTML, as the standard library's
    tokenizer finds them (it builds no tree, so it ignores no tag).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []

    def handle_data(self, data: str) -> None:
        self.strings.append(data)


def between_tags(html: str) -> str:
    reader = BetweenTags()
    reader.feed(html)
    reader.close()
    return " ".join(NOT_IN_XML.sub(" ", " ".join(reader.strings)).split())


@settings(max_examples=500, deadline=None)
@given(SERIALIZED_HTML)
def test_serialized_html_is_read_as_the_text_between_its_tags(html):
    """Any HTML of the serialized kind (text tags, quoted attributes, the
    five entities; nested or not, closed or not) is read without a parser:
    its text is the strings between its tags, as a tokenizer finds them.
    """
    assert serialized_text(html) is not None
    assert text_of(html) == between_tags(html)


def test_a_tag_out_of_place_separates_as_any_other():
    """lxml's parser ignores an end tag it finds out of place (its tree has
    closed the element already) and joins the text on either side; read
    between the tags, every tag separates, as the sanitizer wrote them.
    """
    html = "<b>a<p>b</p>c</b>d"
    assert sanitize_html(html) == html
    assert text_of(html) == "a b c d"
    assert parsed_text(html) == "a b cd"


def made_up_markdown(punctuation: str, pieces: list[str]):
    """Made-up Markdown: runs of Devanagari, Latin letters and
    `punctuation`, and whole `pieces` of syntax, joined.
    """
    return st.lists(
        st.one_of(
            st.text(
                st.one_of(
                    st.characters(min_codepoint=0x0900, max_codepoint=0x097F),
                    st.sampled_from([*punctuation]),
                ),
                max_size=12,
            ),
            st.sampled_from(pieces),
        ),
        max_size=10,
    ).map("".join)


NOTE_MARKDOWN = made_up_markdown(
    "ab 1. *_`#>-[]()!<>&\"'|:\n\xa0",
    [
        "<b>",
        "</b>",
        '<span title="a>b">',
        "<script>x()</script>",
        "<!-- c -->",
        "<p onclick='x'>",
        "&copy;",
        "&#2325;",
        "[क](http://x.example/?a=1&b=2)",
        "![फ़ोटो](/images/a.jpg)",
        "\n\n",
    ],
)


MARKDOWN_ONLY = made_up_markdown(
    "ab 1. *_`#-[]()!&\"'|:\n\xa0",
    [
        "\n\n",
        "\n- ",
        "\n1. ",
        "\n> ",
        "\n## ",
        "**",
        "[क](http://x.example/?a=1&b=2)",
        "![फ़ोटो](/images/a.jpg)",
        "\n\n| क | ख |\n|---|---|\n| 1 | 2 |\n\n",
        "[^1]\n\n[^1]: टिप्पणी\n\n",
        "\n\n    कोड\n\n",
    ],
)


@settings(max_examples=300, deadline=None)
@given(NOTE_MARKDOWN)
def test_a_notes_sanitized_html_is_read_without_a_parser(text):
    """Whatever a reporter writes, raw HTML included, the note's HTML as
    the reader keeps it (Markdown, then the sanitizer) is of the serialized
    kind: its text is read without a parser, between its tags.
    """
    html = sanitize_html(markdown.markdown(text, extensions=["extra"]))
    assert serialized_text(html) is not None, html
    assert text_of(html) == between_tags(html)


@settings(max_examples=300, deadline=None)
@given(MARKDOWN_ONLY)
def test_a_note_in_markdown_has_the_text_lxml_gives(text):
    """A note written in Markdown alone (lists, emphasis, links, tables,
    footnotes: no raw HTML) has the text lxml's parser gives its HTML.
    """
    html = sanitize_html(markdown.markdown(text, extensions=["extra"]))
    assert text_of(html) == parsed_text(html)


def test_every_tag_the_sanitizer_keeps_is_read_between_tags():
    """A tag the sanitizer comes to keep is one serialized_text knows, or
    every note holding it would be parsed (the same text, slower); none of
    them holds code or raw text.
    """
    assert ALLOWED_TAGS <= TEXT_TAGS
    assert not TEXT_TAGS & {"script", "style", "textarea", "title", "xmp", "template"}


@pytest.mark.parametrize(
    "html",
    [
        "पहले<script>x()</script>बाद",
        "<!-- टिप्पणी --><p>पाठ</p>",
        "<P>बड़े अक्षर</P>",
        "<p class=x>बिना उद्धरण</p>",
        '</a href=">">',
        "1 < 2",
        "&copy; रतलाम",
        '<p title="a<b">पाठ</p>',
        # whitespace in a tag that HTML does not count as such: a parser
        # reads it as part of the tag's name, up to the first >
        '<b\xa0a="x>y">पाठ</b>',
        '<b\u2028a="x>y">पाठ</b>',
        '<b\x85a="x>y">पाठ</b>',
        "<b>पाठ</b\u3000>",
    ],
)
def test_other_html_is_parsed(html):
    assert serialized_text(html) is None
    assert text_of(html) == parsed_text(html)


def test_images_from_other_hosts_become_links_with_their_alt_text():
    # no page makes a reader's phone ask another host for anything
    html = sanitize_html(
        'पहले <IMG SRC="HTTPS://T.EXAMPLE/P.PNG" alt="फ़ोटो"> बीच '
        '<img src="//cdn.example/y.png"> और <img src="/images/a.jpg" alt="a">'
        '<p><img src="http://t.example/q.png"> अंत</p>'
    )
    assert html == (
        'पहले <a href="HTTPS://T.EXAMPLE/P.PNG" rel="noopener noreferrer">फ़ोटो</a>'
        ' बीच <a href="//cdn.example/y.png" rel="noopener noreferrer">'
        "//cdn.example/y.png</a> और "
        '<img src="/images/a.jpg" alt="a">'
        '<p><a href="http://t.example/q.png" rel="noopener noreferrer">'
        "http://t.example/q.png</a> अंत</p>"
    )


@pytest.mark.parametrize(
    "html",
    [
        '<p>चित्र: <img src="/images/2026/11/a.jpg" alt="बैठक"></p>',
        '<img src="images/a.jpg"> 1 &lt; 2 &amp; <b>3</b>',
        "<p>बिना चित्र</p>",
    ],
)
def test_images_of_the_bulletin_stay_images_and_the_html_as_it_was(html):
    assert sanitize_html(html) == html


def test_a_note_starting_with_an_image_from_elsewhere_gains_no_text():
    html = sanitize_html('<p><img src="https://t.example/p.png" alt="x"></p>')
    assert html == (
        '<p><a href="https://t.example/p.png" rel="noopener noreferrer">x</a></p>'
    )


def test_written_markup_stays_text_beside_an_image_made_a_link():
    # a reporter writing about a tag: "&lt;b&gt;" is text, never bold
    html = sanitize_html(
        '&lt;b&gt;मोटा&lt;/b&gt; <img src="https://t.example/p.png" alt="x">'
    )
    assert html == (
        '&lt;b&gt;मोटा&lt;/b&gt; <a href="https://t.example/p.png" '
        'rel="noopener noreferrer">x</a>'
    )


@pytest.mark.parametrize(
    "html",
    [
        "<p>" + "रतलाम पुलिस " * 20_000 + "<!-- अंत -->",
        '<p title="' + "a " * 20_000,
        "<p" + " hidden" * 20_000 + " <",
        "<p>" + "क &amp; ख " * 20_000 + "&copy;",
    ],
)
def test_long_html_of_another_kind_is_refused_in_one_pass(html):
    """A long note whose HTML is not of the serialized kind (a comment at
    its end, a tag left open) is found so at once, not after trying every
    way its text divides into runs (which would never end).
    """
    start = time.process_time()
    assert serialized_text(html) is None
    assert time.process_time() - start < 1

"""Unsafe HTML is named in the warning; plain text is read from note HTML."""

from __future__ import annotations

import pytest

from plugins.press_notes.model import plain_text
from plugins.press_notes.sanitize import find_unsafe, sanitize_html


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

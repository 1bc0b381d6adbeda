"""Hindi numbers and reading time across the built site."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from support import ROOT, build_site, read_html
from test_translations import visible_theme_text

from plugins.hindi_text.reading import count_words, reading_minutes

# Indian time, written out here rather than taken from the code under test
IST = timezone(timedelta(hours=5, minutes=30))


def test_hindi_words_are_counted_whole():
    assert count_words("पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में बैठक हुई।") == 10
    assert count_words("यातायात — 5,000 लोग, 60 ग्रुप") == 5
    # a token counts if it holds a letter or digit; dashes and "_" alone do not
    assert count_words("क ख़ — _ … ३ 7 a_ ।") == 5


@given(
    st.text(
        st.one_of(
            st.sampled_from(" \t\n\u00a0\u2003\u200b\u2028_-—…।॥?क्षि़a7३"),
            st.characters(blacklist_categories=("Cs",)),
        )
    )
)
def test_a_word_is_a_space_separated_token_with_a_letter_or_digit(text):
    words = [t for t in text.split() if any(c.isalnum() for c in t)]
    assert count_words(text) == len(words)


def test_each_character_alone_is_a_word_when_it_is_a_letter_or_digit():
    """Every character of Unicode (a lone surrogate too), as a token of its
    own, with "_" and "-" about it, and between other spaces than " ": a
    word exactly when str.isalnum() says so (combining marks, a danda, a
    turned digit or a connector are not, a Roman numeral or ½ is).
    """
    chars = [chr(i) for i in range(0x110000) if not chr(i).isspace()]
    letters_and_digits = sum(c.isalnum() for c in chars)
    assert count_words(" ".join(chars)) == letters_and_digits
    assert count_words("\u2028".join(f"_{c}-" for c in chars)) == letters_and_digits


def test_reading_minutes():
    assert reading_minutes("", wpm=160) == 1  # never "0 minutes"
    assert reading_minutes("शब्द " * 10, wpm=160) == 1
    assert reading_minutes("शब्द " * 160, wpm=160) == 1
    assert reading_minutes("शब्द " * 161, wpm=160) == 2
    assert reading_minutes("शब्द " * 320) == 2  # 160 a minute by default
    assert reading_minutes("शब्द " * 321) == 3
    assert reading_minutes("शब्द " * 100, wpm=50) == 2


def test_note_page_shows_reading_time(site):
    note = read_html(
        site / "2026/11/bilpank-gram-nagar-raksha-samiti-baithak/index.html"
    )
    # The note's text is 331 words (`wc -w` of its Markdown body): at 160
    # words a minute, 3 minutes (anything from 321 to 480 words is 3).
    assert "पढ़ने में 3 मिनट" in note.get_text(" ")


def test_one_setting_switches_every_ui_number_to_devanagari(tmp_path):
    output = tmp_path / "output"
    build_site(
        ROOT / "content",
        output,
        HINDI_TEXT={"devanagari_digits": True},
        LISTINGS={"page_size": 2, "home_notes": 3},
    )
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 50
    ascii_digits = {}
    for page in pages:
        text = visible_theme_text(read_html(page))
        found = re.findall(r"[0-9]+", text)
        if found:
            ascii_digits[str(page.relative_to(output))] = found[:5]
    assert ascii_digits == {}
    home = visible_theme_text(read_html(output / "index.html"))
    assert "नवंबर २०२६" in home
    numbered = visible_theme_text(
        read_html(output / "shreni/samudayik-policing/page/1/index.html")
    )
    assert "१" in numbered


def test_fast_dates_match_babels_patterns_for_every_month():
    from babel.dates import format_datetime

    from plugins.hindi_text.dates import hindi_date, hindi_month_year

    for month in range(1, 13):
        day = datetime(2026, month, 9, 23, 50, tzinfo=IST)
        assert hindi_date(day) == format_datetime(day, "d MMMM y", locale="hi_IN")
        assert hindi_month_year(day) == format_datetime(day, "LLLL y", locale="hi_IN")


def test_fast_date_and_time_match_babel_at_every_minute_of_a_day():
    from babel.dates import format_datetime

    from plugins.hindi_text.dates import hindi_datetime

    # README's example: 06:00 UTC is 11:30 in the morning in India
    assert hindi_datetime(datetime(2026, 11, 27, 6, 0, tzinfo=UTC)) == (
        "27 नवंबर 2026, सुबह 11:30"
    )
    start = datetime(2026, 2, 27, 18, 30, tzinfo=UTC)  # 28 February, 00:00 IST
    for minute in range(24 * 60):
        moment = start + timedelta(minutes=minute)
        expected = format_datetime(
            moment, "d MMMM y, B h:mm", tzinfo=IST, locale="hi_IN"
        )
        assert hindi_datetime(moment) == expected

"""Every UI string is Hindi: the catalog covers the templates; dates via Babel."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta

from support import ROOT

from plugins.hindi_text import dates
from plugins.translations import load_translations, untranslated

# English words a visitor must never see in the theme's own text.
ENGLISH_UI = re.compile(
    r"\b(Home|Posted|Published|Read more|Category|Categories|Tags?|Archives?|"
    r"Page|Next|Previous|Newer|Older|Powered|Pelican|Feed|RSS|Atom|Search|"
    r"Contact|About|Police station|Reporter|Notes?|Menu|Skip)\b"
)


def test_every_template_msgid_is_translated():
    assert untranslated(ROOT / "theme") == []


def test_an_untranslated_msgid_is_caught(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "extra.html").write_text(
        "{{ _('A string nobody translated') }}", encoding="utf-8"
    )
    po = theme / "translations" / "hi" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    emptied = re.sub(
        r'(msgid "Page not found"\nmsgstr )"[^"]*"', r'\1""', text, count=1
    )
    assert emptied != text
    po.write_text(emptied, encoding="utf-8")
    assert untranslated(theme) == ["A string nobody translated", "Page not found"]


def visible_theme_text(soup) -> str:
    """Visible text of a page minus what the notes themselves wrote."""
    for el in soup.select("[data-content]"):
        el.decompose()
    for el in soup(["head", "script", "style"]):
        el.decompose()
    return soup.get_text(" ")


def test_no_english_ui_words_on_any_page(html_pages):
    found = {}
    for path, soup in html_pages.items():
        words = ENGLISH_UI.findall(visible_theme_text(soup))
        if words:
            found[path] = sorted(set(words))
    assert found == {}


def test_theme_text_is_hindi(html_pages):
    home = visible_theme_text(html_pages["index.html"])
    for word in ("होम", "थाने", "पुरालेख"):
        assert word in home


IST_NOON = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)  # 12:00 in IST


def test_dates_in_hindi_and_indian_time():
    assert dates.hindi_date(IST_NOON) == "27 नवंबर 2026"
    assert dates.hindi_datetime(IST_NOON) == "27 नवंबर 2026, दोपहर 12:00"
    assert dates.hindi_month_year(IST_NOON) == "नवंबर 2026"
    assert dates.hindi_weekday_date(IST_NOON) == "शुक्रवार, 27 नवंबर 2026"
    assert dates.iso_datetime(IST_NOON) == "2026-11-27T12:00:00+05:30"
    late = IST_NOON + timedelta(hours=13)  # past midnight in India
    assert dates.hindi_date(late) == "28 नवंबर 2026"


def test_devanagari_digits_switch():
    assert dates.hindi_date(IST_NOON, devanagari=True) == "२७ नवंबर २०२६"
    assert dates.hindi_number(5000, devanagari=True) == "५०००"
    assert dates.hindi_number(60) == "60"


def test_an_edited_catalog_is_read_again_in_the_same_process(tmp_path):
    """Catalogs are compiled once per process per text: an edit between two
    builds (as `invoke serve` does) must reach the second one."""
    po = tmp_path / "messages.po"
    source = ROOT / "theme" / "translations" / "hi" / "LC_MESSAGES" / "messages.po"
    text = source.read_text(encoding="utf-8")
    po.write_text(text, encoding="utf-8")
    before = load_translations(po, "hi").gettext("Page not found")
    assert before != "Page not found"  # translated
    edited = re.sub(
        r'(msgid "Page not found"\nmsgstr )"[^"]*"', r'\1"पन्ना नहीं मिला (नया)"', text
    )
    assert edited != text
    po.write_text(edited, encoding="utf-8")
    assert load_translations(po, "hi").gettext("Page not found") == (
        "पन्ना नहीं मिला (नया)"
    )
    po.write_text(text, encoding="utf-8")
    assert load_translations(po, "hi").gettext("Page not found") == before

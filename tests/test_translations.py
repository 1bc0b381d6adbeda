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


def _environments(translations):
    """Two Jinja environments of the same templates (.html autoescaped, .txt
    not): one with Jinja's own gettext, one with install_messages.
    """
    from jinja2 import DictLoader, Environment, select_autoescape

    from plugins.translations.translations import install_messages

    def env(templates):
        return Environment(
            extensions=["jinja2.ext.i18n"],
            autoescape=select_autoescape(["html"]),
            loader=DictLoader(templates),
        )

    def pair(templates):
        jinja, ours = env(templates), env(templates)
        jinja.install_gettext_translations(translations, newstyle=True)
        install_messages(ours, translations)
        return jinja, ours

    return pair


def _catalog(tmp_path, entries: dict[str, str]):
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        "",
    ]
    for msgid, msgstr in entries.items():
        lines += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    po = tmp_path / "messages.po"
    po.write_text("\n".join(lines), encoding="utf-8")
    return load_translations(po, "hi")


def test_theme_messages_print_as_jinja_prints_them():
    """Every message of the theme, with and without autoescape, called as
    `_()` and `gettext()`, twice (the second from what the first made),
    prints exactly what Jinja's own gettext prints.
    """
    from plugins.translations.translations import template_msgids

    po = ROOT / "theme" / "translations" / "hi" / "LC_MESSAGES" / "messages.po"
    msgids = sorted(m for m in template_msgids(ROOT / "theme") if "%(" not in m)
    assert len(msgids) > 50
    body = "".join(
        f"{{{{ _({m!r}) }}}}|{{{{ gettext({m!r}) }}}}|{{{{ _({m!r}) }}}}\n"
        for m in msgids
    )
    pair = _environments(load_translations(po, "hi"))
    jinja, ours = pair({"page.html": body, "page.txt": body})
    for name in ("page.txt", "page.html", "page.txt", "page.html"):
        expected = jinja.get_template(name).render()
        assert ours.get_template(name).render() == expected
    assert "\u0928" in expected  # Hindi: the catalog was read


def test_a_message_made_without_autoescape_is_escaped_where_autoescape_is_on(
    tmp_path,
):
    """A message kept from a plain-text template is not reused as is in an
    HTML one (where Jinja makes it Markup), nor the other way round; a
    message with placeholders is made with each call's values.
    """
    translations = _catalog(
        tmp_path,
        {
            "Tea & <b>biscuits</b>": "चाय & <b>बिस्कुट</b> 100%%",
            "Hi %(name)s": "नमस्ते %(name)s",
        },
    )
    body = "{{ _('Tea & <b>biscuits</b>') }} {{ _('Hi %(name)s', name=who) }}"
    pair = _environments(translations)
    jinja, ours = pair({"a.txt": body, "a.html": body})
    printed = []
    for name in ("a.txt", "a.html", "a.txt", "a.html"):
        for who in ("<i>राम</i>", "श्याम"):
            expected = jinja.get_template(name).render(who=who)
            assert ours.get_template(name).render(who=who) == expected
            printed.append(expected)
    assert printed[0] == "चाय & <b>बिस्कुट</b> 100% नमस्ते <i>राम</i>"
    assert printed[2] == "चाय & <b>बिस्कुट</b> 100% नमस्ते &lt;i&gt;राम&lt;/i&gt;"
    assert printed[3].endswith("नमस्ते श्याम")
    # the same message as a value printed in an HTML template: a str kept
    # from the plain-text one would be escaped there
    shown = "{% set m = _('Tea & <b>biscuits</b>') %}{{ m }}"
    jinja, ours = pair({"b.txt": shown, "b.html": shown})
    for name in ("b.txt", "b.html"):
        assert ours.get_template(name).render() == jinja.get_template(name).render()
    assert ours.get_template("b.html").render() == "चाय & <b>बिस्कुट</b> 100%"


def test_another_catalog_is_another_install(tmp_path):
    """A catalog edited between two builds in one process (`invoke serve`)
    is printed: what one install made is not seen by the next.
    """
    from plugins.translations.translations import install_messages

    body = {"a.html": "{{ _('Home') }}"}
    first = tmp_path / "first"
    second = tmp_path / "second"
    first.mkdir()
    second.mkdir()
    pair = _environments(_catalog(first, {"Home": "होम"}))
    _jinja, ours = pair(body)
    assert ours.get_template("a.html").render() == "होम"
    install_messages(ours, _catalog(second, {"Home": "मुखपृष्ठ"}))
    assert ours.get_template("a.html").render() == "मुखपृष्ठ"


def test_a_gettext_given_to_a_template_is_the_one_underscore_calls():
    """Jinja's `_` calls whatever `gettext` names where it is called."""
    po = ROOT / "theme" / "translations" / "hi" / "LC_MESSAGES" / "messages.po"
    pair = _environments(load_translations(po, "hi"))
    body = {"a.html": "{{ _('Home') }}"}
    jinja, ours = pair(body)

    def shout(text):
        return text.upper()

    assert ours.get_template("a.html").render(gettext=shout) == "HOME"
    assert jinja.get_template("a.html").render(gettext=shout) == "HOME"
    assert ours.get_template("a.html").render() == "होम"


def test_a_message_given_as_markup_or_as_a_str_prints_as_jinja_prints_it(tmp_path):
    """Where autoescape is off Jinja's gettext gives back a message without
    a translation as it was given, Markup or str: the same text given both
    ways (a theme's template calling `_()` with a value) is escaped by `|e`
    as a str only, whichever came first.
    """
    from markupsafe import Markup

    pair = _environments(_catalog(tmp_path, {"Home": "होम"}))
    body = "{{ _(m)|e }}|{{ _(s)|e }}|{{ _(s)|e }}|{{ _(m)|e }}"
    jinja, ours = pair({"a.txt": body, "a.html": body})
    values = {"m": Markup("<b>नया</b> & ताज़ा"), "s": "<b>नया</b> & ताज़ा"}
    for name in ("a.txt", "a.html", "a.txt"):
        expected = jinja.get_template(name).render(values)
        assert ours.get_template(name).render(values) == expected
    assert expected.startswith("<b>नया</b> & ताज़ा|&lt;b&gt;")

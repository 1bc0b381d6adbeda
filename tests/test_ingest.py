"""Ingest parsers (scripts/ingest): one WhatsApp message, chat exports, saved
article pages and WordPress exports, on fixtures under tests/fixtures/ingest/."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings
from support import ROOT, SETTINGS

from scripts.ingest.article import parse_article
from scripts.ingest.chat import kind_of, parse_chat, split_attachments
from scripts.ingest.html_text import to_markdown
from scripts.ingest.message import parse_message
from scripts.ingest.rules import parse_rules
from scripts.ingest.run import place_for
from scripts.ingest.text import (
    clean_lines,
    guess_category,
    guess_thana,
    make_summary,
    whatsapp_to_markdown,
)
from scripts.ingest.wxr import parse_wxr

FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
SAMPLE = ROOT / "tests" / "fixtures" / "bilpank-meeting-kismat-news.txt"
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture(scope="module")
def rules():
    return place_for(read_settings(SETTINGS)).rules


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- one WhatsApp message ---------------------------------------------------


def test_the_bilpank_sample_pasted_as_a_message(rules):
    parts = parse_message(SAMPLE.read_text(encoding="utf-8"), rules)
    assert parts.title == (
        "पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने में हुआ ग्राम / नगर रक्षा "
        "समितियों के साथ बैठक का आयोजन"
    )
    assert parts.reporter == "मनोहर मालवीय"
    assert guess_thana(parts.title, parts.body, rules) == "बिलपांक"
    assert guess_category(parts.title, parts.body, rules) == "सामुदायिक पुलिसिंग"
    assert parts.body.startswith("रतलाम,पुलिस मुख्यालय भोपाल के निर्देशानुसार")
    assert parts.body.endswith("पहुंचाई जाती रहेगी।")
    for boilerplate in (
        "शेयर जरूर करें",
        "Please Share",
        "Donate",
        "स्वतंत्र और सच्ची पत्रकारिता",
        "responsive-slider",
        "Latest Online Breaking News",
        "किस्मत न्यूज",
        "रिपोर्ट",
        "*",
    ):
        assert boilerplate not in parts.body, boilerplate
    # the published sample note holds the same paragraphs
    note = (
        ROOT / "content/notes/2026/11/bilpank-gram-nagar-raksha-samiti-baithak.md"
    ).read_text(encoding="utf-8")
    assert parts.body.strip() == note.split("\n\n", 1)[1].strip()


def test_whatsapp_formatting_becomes_markdown():
    lines = [
        "*मोटा* और _तिरछा_ और ~कटा~ और ```1930```",
        "- पहला",
        "* दूसरा",
        "1. एक",
        "2. दो",
        "> उद्धरण एक",
        "> उद्धरण दो",
        "#रतलाम",
        "```",
        "पंक्ति एक",
        "पंक्ति दो",
        "```",
    ]
    assert whatsapp_to_markdown(lines) == (
        "**मोटा** और *तिरछा* और <del>कटा</del> और `1930`\n\n"
        "- पहला\n- दूसरा\n\n"
        "1. एक\n2. दो\n\n"
        "> उद्धरण एक\n>\n> उद्धरण दो\n\n"
        "\\#रतलाम\n\n"
        "```\nपंक्ति एक\nपंक्ति दो\n```"
    )


def test_stars_inside_words_and_arithmetic_stay(rules):
    # as the page shows it: no emphasis, the characters as written
    for line in ("2*3*4 और a_b_c", "थाना_प्रभारी_ ने, थाना*प्रभारी* ने"):
        html = markdown.markdown(whatsapp_to_markdown([line]))
        assert html == f"<p>{line}</p>"


def test_formatted_message_headline_byline_and_drops(rules):
    parts = parse_message(fixture("formatted-message.txt"), rules)
    # emoji around the bold headline: not in the title, kept in the body
    assert parts.title == "नामली थाने में साइबर ठगी से बचाव पर जागरूकता शिविर"
    assert "🙏" in parts.body
    # 'नामली (सुनील शर्मा)': the dateline names the reporter and keeps the place
    assert parts.reporter == "सुनील शर्मा"
    assert parts.body.startswith("नामली नामली थाना पुलिस")
    assert "- किसी को ओटीपी न बताएं\n- अनजान लिंक पर क्लिक न करें" in parts.body
    assert "*साइबर ठगी*" in parts.body and "<del>पुराना नंबर</del>" in parts.body
    for dropped in ("Forwarded", "98765", "responsive-slider", "सुनील शर्मा"):
        assert dropped not in parts.body
    # struck-out words are not part of the summary
    assert "पुराना नंबर" not in make_summary(parts.body)


@pytest.mark.parametrize(
    "byline, name",
    [
        ("रिपोर्ट मनोहर मालवीय", "मनोहर मालवीय"),
        ("*रिपोर्ट: मनोहर मालवीय*", "मनोहर मालवीय"),
        ("संवाददाता - सुनील शर्मा", "सुनील शर्मा"),
        ("✍️ राजेश वर्मा", "राजेश वर्मा"),
        ("- राजेश वर्मा", "राजेश वर्मा"),
    ],
)
def test_bylines_become_the_reporter_and_leave_the_body(rules, byline, name):
    text = (
        "*जावरा में वाहन चेकिंग अभियान*\nरतलाम, जावरा शहर पुलिस ने वाहन चेकिंग की।\n" + byline
    )
    parts = parse_message(text, rules)
    assert parts.reporter == name
    assert name not in parts.body


def test_a_report_word_in_a_sentence_is_not_a_byline(rules):
    text = "*जांच रिपोर्ट सौंपी*\nरिपोर्टों के आधार पर पुलिस ने जांच की और आगे कार्यवाही होगी।"
    parts = parse_message(text, rules)
    assert parts.reporter == ""
    assert "रिपोर्टों के आधार पर" in parts.body


def test_a_dateline_is_not_the_headline(rules):
    parts = parse_message(fixture("message-dateline.txt"), rules)
    assert parts.title_guessed
    assert parts.title.startswith("पुलिस मुख्यालय ने प्रदेश के सभी जिलों में")
    assert not parts.title.startswith("भोपाल")
    assert parts.body.startswith("भोपाल। पुलिस मुख्यालय")
    assert parts.reporter == "राजेश वर्मा"


def test_kruti_dev_is_converted_and_said(rules):
    parts = parse_message(fixture("krutidev-message.txt"), rules)
    assert parts.krutidev
    assert parts.title == "बिलपांक थाने में ग्राम रक्षा समिति की बैठक"
    assert "पुलिस अधीक्षक" in parts.body


def test_thana_the_most_specific_match_or_nothing(rules):
    assert guess_thana("माणक चौक रतलाम में बैठक", "", rules) == "माणकचौक"
    # 'जावरा औद्योगिक क्षेत्र' is one station, not 'औद्योगिक क्षेत्र' (Ratlam)
    assert guess_thana("", "जावरा औद्योगिक क्षेत्र पुलिस ने", rules) == ("जावरा औद्योगिक क्षेत्र")
    assert guess_thana("", "नामली और बिलपांक के लोग आए", rules) == ""  # a tie
    assert guess_thana("रतलाम जिले में बैठक", "कोई थाना नहीं", rules) == ""
    assert guess_thana("नामली में शिविर", "बिलपांक के लोग भी आए", rules) == "नामली"


def test_category_keywords_are_data(rules):
    assert guess_category("हेलमेट चेकिंग", "चालान बनाए", rules) == "यातायात"
    data = {"drop_lines": []}
    categories = {"category": [{"name": "बरामदगी", "keywords": ["हेलमेट"]}]}
    edited = parse_rules(data, categories, rules.registry)
    assert guess_category("हेलमेट चेकिंग", "चालान बनाए", edited) == "बरामदगी"


def test_summary_is_whole_sentences_within_the_limit():
    sentence = "पुलिस ने बैठक की। "
    text = sentence * 40
    summary = make_summary(text, 300)
    assert len(summary) <= 300 and summary.endswith("।")
    long_one = "शब्द " * 100
    cut = make_summary(long_one, 50)
    assert len(cut) <= 50 and cut.endswith("…")
    assert set(cut[:-1].split()) == {"शब्द"}  # cut between words


# --- chat exports ------------------------------------------------------------

CHATS = {
    "android-24h-dmy.txt": 2,
    "android-12h-mdy.txt": 2,
    "android-12h-hindi.txt": 2,
    "ios-bracketed.txt": 2,
}


@pytest.mark.parametrize("name", sorted(CHATS))
def test_every_header_format_gives_the_same_news(rules, name):
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    chat = parse_chat(text, IST)
    news = [m for m in chat.messages if kind_of(m, rules.chat) == "text"]
    news = [m for m in news if len(m.text.split()) > 10]
    assert [m.when.replace(second=0) for m in news] == [
        datetime(2026, 11, 24, 10, 2, tzinfo=IST),
        datetime(2026, 11, 25, 18, 40, tzinfo=IST),
    ]
    first = news[0].text
    assert first.startswith("*नामली थाने में गुम मोबाइल लौटाए गए*\nरतलाम, नामली")
    assert first.endswith("रिपोर्ट सुनील शर्मा")  # multi-line message whole
    assert "\r" not in first and "\u200e" not in first
    assert chat.stray_lines == []


def test_system_media_and_deleted_lines_in_english_and_hindi(rules):
    kinds = {}
    for name in CHATS:
        chat = parse_chat(fixture(name), IST)
        for m in chat.messages:
            kinds.setdefault(kind_of(m, rules.chat), set()).add(m.text.strip())
    assert {
        "<Media omitted>",
        "image omitted",
        "<मीडिया के बिना>",
        "फ़ोटो हटाई गई",
    } <= kinds["media"]
    assert {
        "This message was deleted",
        "This message was deleted.",
        "यह मैसेज डिलीट कर दिया गया है",
    } <= kinds["deleted"]
    system = " ".join(kinds["system"])
    assert "end-to-end encrypted" in system and "एंड-टू-एंड" in system
    assert "changed this group's icon" in system and "आइकॉन बदला" in system
    assert "joined using this group's invite link" in system
    assert not any("नामली थाने" in t for t in kinds["system"] | kinds["media"])


def test_date_order_is_decided_from_the_whole_file():
    # 05/11 alone could be either; the later 13/11 says day-first ...
    dmy = "05/11/26, 10:00 - A: एक\n13/11/26, 10:00 - A: दो\n"
    assert [m.when.month for m in parse_chat(dmy, IST).messages] == [11, 11]
    # ... and 11/13 month-first, for the first line too.
    mdy = "11/05/26, 10:00 - A: एक\n11/13/26, 10:00 - A: दो\n"
    chat = parse_chat(mdy, IST)
    assert not chat.day_first
    assert [m.when.day for m in chat.messages] == [5, 13]


@pytest.mark.parametrize(
    "stamp, hour, minute",
    [
        ("12:05 am", 0, 5),
        ("12:05\u202fAM", 0, 5),
        ("12:30 pm", 12, 30),
        ("1:30\u202fPM", 13, 30),
        ("11:59 p.m.", 23, 59),
        ("23:10", 23, 10),
    ],
)
def test_twelve_and_twenty_four_hour_times(stamp, hour, minute):
    chat = parse_chat(f"24/11/2026, {stamp} - A: पाठ\n", IST)
    assert (chat.messages[0].when.hour, chat.messages[0].when.minute) == (hour, minute)


def test_text_is_nfc_and_lines_before_the_first_header_are_counted():
    composed = "ऩई कैफ़े café"  # U+0929 and é compose under NFC
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    text = f"a stray line\n24/11/26, 10:00 - A: {decomposed}\nमें बदलाव\n"
    chat = parse_chat(text, IST)
    assert chat.stray_lines == [1]
    assert chat.messages[0].orphan and chat.messages[0].text == "a stray line"
    assert chat.messages[1].text == unicodedata.normalize("NFC", composed) + "\nमें बदलाव"


def test_attached_photos_android_and_ios(rules):
    android = "IMG-20261124-WA0003.jpg (file attached)\nफोटो के साथ खबर"
    body, names = split_attachments(android, rules.chat)
    assert (body, names) == ("फोटो के साथ खबर", ["IMG-20261124-WA0003.jpg"])
    ios = "<attached: 00000012-PHOTO-2026-11-24-10-02-33.jpg>"
    assert split_attachments(ios, rules.chat) == (
        "",
        ["00000012-PHOTO-2026-11-24-10-02-33.jpg"],
    )


# --- article pages -----------------------------------------------------------


def test_wordpress_article_page(rules):
    page = parse_article(
        fixture("wordpress-page.html"), FIXTURES / "wordpress-page.html", rules, IST
    )
    assert page is not None
    # kicker <span>s joined with a space, the no-break space made plain
    assert page.title == "बिलपांक : थाने में ग्राम रक्षा समिति की बैठक"
    assert page.date == datetime(2026, 11, 24, 11, 30, tzinfo=IST)
    assert page.reporter == "मनोहर मालवीय"
    assert page.source_url == "https://kismatnews.example/2026/11/24/bilpank-baithak/"
    assert page.image == (FIXTURES / "wordpress-page_files/baithak.jpg").resolve()
    assert page.body.startswith("रतलाम, पुलिस अधीक्षक के निर्देशन पर")  # no caption
    assert "## समिति सदस्यों को दिए गए निर्देश" in page.body
    assert "- संदिग्ध व्यक्तियों की **तुरंत सूचना** दें" in page.body
    for junk in (
        "फोटो:",
        "बैठक में उपस्थित सदस्य",
        "Please Share",
        "शेयर",
        "Donate",
        "यह भी पढ़ें",
        "जावरा में चोरी",
        "©",
        "विज्ञापन",
        "responsive-slider",
        "<",
    ):
        assert junk not in page.body, junk


def test_news_site_article_page(rules):
    page = parse_article(
        fixture("news-site-page.html"), FIXTURES / "news-site-page.html", rules, IST
    )
    assert page is not None
    # the visible <h1>, not <title> with its suffix, the slug line or a hidden h1
    assert page.title == "जावरा में हेलमेट चेकिंग अभियान, 85 चालान"
    assert page.date == datetime(2026, 10, 12, 17, 45, tzinfo=IST)
    assert page.reporter == ""  # an organisation and a desk byline: no person
    assert page.source_url.startswith("https://samachar.example/")
    assert page.image is None
    assert page.body.startswith("जावरा। यातायात पुलिस ने शहर के मुख्य चौराहों")
    assert "> दोपहिया वाहन चलाते समय हेलमेट अवश्य पहनें।" in page.body
    assert "### आगे क्या\n\n1. स्कूलों में सड़क सुरक्षा कार्यशाला" in page.body
    for junk in ("फोटो", "ऐप", "app", "WhatsApp", "ये भी पढ़ें", "Copyright"):
        assert junk not in page.body, junk


def test_a_page_without_an_article(rules):
    html = "<html><head><title>होम</title></head><body><nav>मेनू</nav></body></html>"
    assert parse_article(html, FIXTURES / "x.html", rules, IST) is None


# --- WordPress exports ---------------------------------------------------------


def test_wordpress_export_posts_terms_and_old_urls():
    export = parse_wxr((FIXTURES / "wordpress-export.xml").read_bytes(), IST)
    assert export.not_posts == 2  # the page and the attachment
    first, second, third = export.posts
    assert second.categories == ["समाचार", "जन जागरूकता"]
    assert first.status == "published" and third.status == "draft"
    assert first.date == datetime(2026, 9, 12, 15, 45, tzinfo=IST)
    assert third.date == datetime(2026, 11, 2, 9, 10, tzinfo=IST)  # no GMT date
    assert first.author == "मनोहर मालवीय"  # display name, not the login
    assert first.categories == ["अपराध"] and first.tags == ["सैलाना", "इनामी आरोपी"]
    assert first.link.startswith("https://kismatnews.example/2026/09/12/")


def test_wxr_entities_are_not_resolved():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
        b"<title>&x;</title><wp:post_type>post</wp:post_type></item></channel></rss>"
    )
    export = parse_wxr(evil, IST)
    assert "root:" not in export.posts[0].title


def test_fixture_paths_exist():
    for name in CHATS:
        assert Path(FIXTURES / name).is_file()


# --- property: any chat the phones write reads back whole -----------------------


WORDS = st.sampled_from(
    ["पुलिस", "थाना", "रतलाम", "नामली", "बैठक", "की", "गई।", "12", "*खबर*", "🙏", "ok"]
)
LINES = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
MESSAGES = st.lists(
    st.tuples(
        st.sampled_from(["सुनील शर्मा", "Thana Jaora", "+91 98765 43210"]),
        st.datetimes(
            min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)
        ).map(lambda d: d.replace(second=0, microsecond=0)),
        st.lists(LINES, min_size=1, max_size=4).map("\n".join),
    ),
    min_size=1,
    max_size=6,
)


def _stamp(when: datetime, style: str) -> str:
    if style == "android24":
        return f"{when:%d/%m/%y}, {when:%H:%M} - "
    if style == "android12":
        hour = when.hour % 12 or 12
        ampm = "am" if when.hour < 12 else "pm"
        return f"{when:%m/%d/%Y}, {hour}:{when:%M}\u202f{ampm} - "
    return f"\u200e[{when:%d/%m/%y}, {when:%H:%M:%S}] "


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MESSAGES, st.sampled_from(["android24", "android12", "ios"]), st.booleans())
def test_property_every_message_reads_back_whole(messages, style, crlf):
    end = "\r\n" if crlf else "\n"
    text = "".join(
        f"{_stamp(when, style)}{sender}: {body.replace(chr(10), end)}{end}"
        for sender, when, body in messages
    )
    chat = parse_chat(text, IST)
    got = [(m.sender, m.when.replace(tzinfo=None), m.text) for m in chat.messages]
    want = [(s, w, unicodedata.normalize("NFC", b).strip()) for s, w, b in messages]
    if style == "android12" and all(w.day <= 12 for _, w, _ in messages):
        # Month-first only when the file shows it (a day over 12); otherwise
        # the file cannot tell, and India's day-first is read.
        want = [(s, w.replace(day=w.month, month=w.day), b) for s, w, b in want]
    assert got == want
    assert chat.stray_lines == []


def test_letterheads_are_not_headlines_but_still_name_the_station(rules):
    text = (
        "*प्रेस नोट*\n*थाना नामली*\n"
        "*गुम मोबाइल लौटाए गए* 📱\n"
        "*रतलाम* के लोगों को पुलिस ने 12 गुम मोबाइल फोन खोजकर लौटाए।"
    )
    parts = parse_message(text, rules)
    assert parts.title == "गुम मोबाइल लौटाए गए"
    assert "प्रेस नोट" not in parts.body and "थाना नामली" not in parts.body
    assert parts.body == "**रतलाम** के लोगों को पुलिस ने 12 गुम मोबाइल फोन खोजकर लौटाए।"
    assert guess_thana(parts.title, f"{parts.labels}\n{parts.body}", rules) == "नामली"


def test_hindi_day_periods_and_edited_markers(rules):
    text = (
        "24/11/2026, 9:05 अपराह्न - सुनील शर्मा: खबर <This message was edited>\n"
        "24/11/2026, 9:06 पूर्वाह्न - सुनील शर्मा: null\n"
    )
    chat = parse_chat(text, IST)
    assert [m.when.hour for m in chat.messages] == [21, 9]
    assert split_attachments(chat.messages[0].text, rules.chat) == ("खबर", [])
    assert kind_of(chat.messages[1], rules.chat) == "media"
    hindi = "IMG-20261124-WA0003.jpg (फ़ाइल संलग्न है)"
    assert split_attachments(hindi, rules.chat)[1] == ["IMG-20261124-WA0003.jpg"]


def test_a_page_without_known_containers_uses_its_densest_paragraphs(rules):
    page = parse_article(
        fixture("plain-page.html"), FIXTURES / "plain-page.html", rules, IST
    )
    assert page.title == "पिपलौदा में दीपावली पर शांति समिति की बैठक"
    assert page.reporter == "कमल सोनी"
    assert page.body.startswith("पिपलौदा थाने में दीपावली पर्व")
    assert "मुखपृष्ठ" not in page.body and "लिंक" not in page.body
    assert page.date is None


def test_only_web_links_survive_the_conversion(rules):
    html = (
        '<p>पुलिस <a href="javascript:alert(1)">यहाँ</a> और '
        '<a href="https://mppolice.example/">वेबसाइट</a> पर।</p>'
    )
    body, _ = to_markdown(html, rules)
    assert body == "पुलिस यहाँ और [वेबसाइट](https://mppolice.example/) पर।"


def test_notices_without_the_ios_marks_are_still_notices(rules):
    text = (
        "[24/11/26, 09:15:02] डेस्क: Messages and calls are end-to-end encrypted. "
        "No one outside of this chat, not even WhatsApp, can read or listen to them.\n"
        "[24/11/26, 09:16:02] डेस्क: पुलिस ने लोगों को जोड़ा और बैठक की\n"
    )
    kinds = [kind_of(m, rules.chat) for m in parse_chat(text, IST).messages]
    # a common phrase ('को जोड़ा') is a notice only when WhatsApp marks it
    assert kinds == ["system", "text"]


def test_of_several_h1_the_one_like_the_headline(rules):
    html = (
        "<html><head>"
        '<meta property="og:title" content="नामली में चौपाल, ग्रामीणों से संवाद | पोर्टल">'
        "</head><body><header><h1>हिंदी समाचार पोर्टल</h1></header>"
        "<div><h1>नामली में पुलिस चौपाल, ग्रामीणों से संवाद</h1>"
        "<p>नामली थाना पुलिस ने ग्राम में चौपाल लगाकर ग्रामीणों से संवाद किया और "
        "उनकी समस्याएं सुनीं। ग्रामीणों को साइबर ठगी से बचने के उपाय बताए गए।</p>"
        "</div></body></html>"
    )
    page = parse_article(html, FIXTURES / "x.html", rules, IST)
    assert page.title == "नामली में पुलिस चौपाल, ग्रामीणों से संवाद"


def test_messages_copied_together_in_the_app(rules):
    text = (
        "[10:02 am, 24/11/2026] Sunil Sharma: *नामली में चौपाल लगी*\n"
        "नामली पुलिस ने चौपाल लगाई।\n"
        "[6:40 pm, 25/11/2026] Thana Jaora: जावरा में वाहन चेकिंग\n"
    )
    chat = parse_chat(text, IST)
    assert [(m.sender, m.when.hour, m.when.day) for m in chat.messages] == [
        ("Sunil Sharma", 10, 24),
        ("Thana Jaora", 18, 25),
    ]
    assert chat.messages[0].text.endswith("नामली पुलिस ने चौपाल लगाई।")


def test_a_page_builders_text_widget_is_kept(rules):
    html = (
        "<html><body><article><h1>रावटी में नशा मुक्ति रैली निकाली गई</h1>"
        '<div class="elementor-widget-theme-post-content">'
        "<p>रावटी थाना पुलिस ने स्कूली विद्यार्थियों के साथ नशा मुक्ति जागरूकता "
        "रैली निकाली। रैली में सैकड़ों लोग शामिल हुए और नशा छोड़ने का संकल्प लिया।</p>"
        "<p>थाना प्रभारी ने युवाओं से नशे से दूर रहने की अपील की।</p></div>"
        '<div class="elementor-widget-share-buttons"><p>शेयर करें</p></div>'
        "</article></body></html>"
    )
    page = parse_article(html, FIXTURES / "x.html", rules, IST)
    assert page.body.startswith("रावटी थाना पुलिस ने स्कूली विद्यार्थियों")
    assert "थाना प्रभारी ने युवाओं" in page.body and "शेयर" not in page.body


def test_other_ways_pages_give_their_date(rules):
    body = (
        "<h1>जावरा में शांति समिति की बैठक हुई</h1><article><p>"
        + "जावरा शहर थाने में त्योहारों को लेकर शांति समिति की बैठक हुई। " * 3
        + "</p></article>"
    )
    for head in (
        '<meta itemprop="datePublished" content="2026-10-05T19:20:00+05:30">',
        '<meta name="publish-date" content="2026-10-05T19:20:00+05:30">',
        '<meta name="pubdate" content="2026-10-05 19:20">',
    ):
        page = parse_article(
            f"<html><head>{head}</head><body>{body}</body></html>",
            FIXTURES / "x.html",
            rules,
            IST,
        )
        assert page.date == datetime(2026, 10, 5, 19, 20, tzinfo=IST), head


def test_a_group_invite_link_alone_on_a_line_is_dropped(rules):
    message = (
        "*आलोट पुलिस ने चोरी का खुलासा किया*\n"
        "आलोट पुलिस ने सूने मकान में हुई चोरी का खुलासा कर दो आरोपियों को पकड़ा।\n"
        "📲 खबर को शेयर करें 🙏\n"
        "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv\n"
        "नियम पढ़ें: https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv के बाद\n"
    )
    body = parse_message(message, rules).body
    assert "शेयर" not in body
    # the link alone on its line is clutter; inside a sentence it is text
    assert body.count("chat.whatsapp.com") == 1 and "नियम पढ़ें" in body


def test_news_lines_that_share_words_with_clutter_are_kept(rules):
    """A fraud that promised "आर्थिक सहयोग", a police appeal ending "शेयर
    करें", a date alone on a line: news, kept; the clutter beside them goes."""
    kept = (
        "आरोपी ने आर्थिक सहयोग दिलाने का झांसा देकर 50 हजार रुपये ठग लिए।",
        "पुलिस की अपील: साइबर ठगी से बचें और यह जानकारी अपने परिवार में शेयर करें",
        "24.11.2026",
    )
    dropped = ("शेयर जरूर करें", "आर्थिक सहयोग करें 🙏", "📲 खबर को शेयर करें 🙏")
    message = "*सैलाना पुलिस ने ठग को पकड़ा*\n" + "\n".join(
        line for pair in zip(kept, dropped, strict=True) for line in pair
    )
    body = parse_message(message, rules).body
    for line in kept:
        assert line in body, line
    for line in dropped:
        assert line not in body, line


def test_ingest_keeps_bracketed_words_and_removes_a_sites_codes(rules):
    cleaned = clean_lines(
        [
            'आरोपी ने कहा "मैंने [sic] चोरी नहीं की"। ईमेल: ratlam[at]mp[dot]gov',
            "[responsive-slider id=1466]",
            "बैठक [caption id=7]हुई[/caption]",
        ],
        rules,
    )
    assert cleaned.lines == [
        'आरोपी ने कहा "मैंने [sic] चोरी नहीं की"। ईमेल: ratlam[at]mp[dot]gov',
        "बैठक हुई",
    ]
    assert cleaned.dropped == ["[responsive-slider id=1466]"]

"""Promises of `invoke ingest` a careless or hostile source used to break:
hidden characters, impossible dates, the same news saved again, Kruti Dev
mixed with Unicode, text that looks like HTML, and folders left behind.
"""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import zipfile
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings
from PIL import Image
from support import ROOT, SETTINGS, forget_logged_warnings, new_content, note_text
from test_ingest_run import NOW, check, fill_flagged, settings_for, written_notes

from plugins.core.errors import display_path
from plugins.core.header import BAD_CHAR_RE, scan_header
from plugins.press_notes import registry_for
from plugins.press_notes.duplicates import warn_duplicates
from scripts.check import check as check_command
from scripts.ingest import IngestError, run
from scripts.ingest.draft import source_hash
from scripts.ingest.driver import write_all
from scripts.ingest.text import normalize

HEADLINE = "*नामली थाने में यातायात जागरूकता शिविर आयोजित*"
TEXT = (
    "नामली थाना पुलिस ने वाहन चालकों को हेलमेट पहनने और यातायात नियमों का "
    "पालन करने की समझाइश दी। शिविर में बड़ी संख्या में लोग उपस्थित रहे।"
)


def ingest(content: Path, source: str = "-", **options) -> list[dict]:
    return json.loads(
        run(settings_for(content), source, as_json=True, now=NOW, **options)
    )


# --- hidden characters ---------------------------------------------------------


def test_hidden_characters_are_taken_out_with_a_warning(tmp_path):
    content = new_content(tmp_path)
    message = (
        f"{HEADLINE}\n\u202eनामली\u202c थाना \x1b[31mपुलिस\x1b[0m ने\x07 "
        f"\u2066वाहन\u2069 चालकों को समझाइश दी।\u200f\n{TEXT}\nरिपोर्ट सुनील शर्मा\n"
    )
    (draft,) = ingest(content, stdin=message)
    notes = written_notes(content)
    (text,) = notes.values()
    assert not BAD_CHAR_RE.search(text) and "\u200f" not in text
    assert "नामली थाना पुलिस ने वाहन चालकों को समझाइश दी।" in text
    (warning,) = [w for w in draft["warnings"] if "U+202E" in w]
    assert "U+001B" in warning and "…" in warning  # the first three, named
    # the check, which refuses such characters, finds nothing of the kind
    assert not [p for p in check(content, notes) if "cannot be published" in p.message]


def test_the_report_never_prints_a_terminal_code(tmp_path):
    content = new_content(tmp_path)
    source = tmp_path / "sandesh\x1b]0;owned\x07\u202e.txt"
    source.write_text(f"{HEADLINE}\n{TEXT}\n", encoding="utf-8")
    shown = run(settings_for(content), str(source), dry_run=True, now=NOW)
    assert not BAD_CHAR_RE.search(shown) and "नामली थाने" in shown
    (draft,) = ingest(content, str(source))
    assert draft["source"] == "whatsapp sandesh]0;owned.txt"
    notes = written_notes(content)
    assert not [p for p in check(content, notes) if "cannot be published" in p.message]
    missing = tmp_path / "nahin\x1b[2J.txt"
    with pytest.raises(IngestError) as e:
        run(settings_for(content), str(missing), now=NOW)
    assert not BAD_CHAR_RE.search(str(e.value)) and "\\x1b" in str(e.value)


# --- impossible dates ---------------------------------------------------------


def wxr(*posts: tuple[str, str, str]) -> str:
    """A WordPress export of published posts: (title, post_date_gmt, pubDate)."""
    items = "".join(
        f"""<item><title>{title}</title>
<link>https://old.example/?p={n}</link><pubDate>{pub}</pubDate>
<dc:creator>desk</dc:creator><guid>https://old.example/?p={n}</guid>
<content:encoded><![CDATA[{TEXT}]]></content:encoded>
<wp:post_date_gmt>{gmt}</wp:post_date_gmt><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status></item>
"""
        for n, (title, gmt, pub) in enumerate(posts, start=1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel>{items}</channel></rss>
"""


def test_an_impossible_post_date_keeps_the_post_as_a_draft_and_says_so(tmp_path):
    content = new_content(tmp_path)
    source = tmp_path / "old-site.xml"
    source.write_text(
        wxr(
            ("नामली थाने में शिविर एक", "9999-12-31 23:59:59", ""),
            ("नामली थाने में शिविर दो", "0001-01-01 00:00:00", ""),
            ("नामली थाने में शिविर तीन", "2026-13-45 10:00:00", "कल सुबह"),
            ("नामली थाने में शिविर चार", "", "Fri, 31 Dec 9999 23:59:59 +0000"),
            ("नामली थाने में शिविर पाँच", "2026-09-12 10:15:00", ""),
        ),
        encoding="utf-8",
    )
    drafts = {d["title"]: d for d in ingest(content, str(source))}
    for n, written in (
        ("एक", "9999-12-31"),
        ("दो", "0001-01-01"),
        ("तीन", "2026-13-45"),
        ("चार", "9999"),
    ):
        draft = drafts[f"नामली थाने में शिविर {n}"]
        assert draft["status"] == "draft" and "date" in draft["guessed"]
        assert draft["date"].startswith("2026-11-28T12:00")  # the import's time
        (warning,) = [w for w in draft["warnings"] if "cannot be right" in w]
        assert warning.startswith("old-site.xml: the date '")
        assert written in warning and "https://old.example/?p=" in warning
    good = drafts["नामली थाने में शिविर पाँच"]
    assert good["date"] == "2026-09-12T15:45+05:30" and good["status"] != "draft"
    # every draft passes the check once its flagged fields are filled
    notes = written_notes(content)
    assert not [p for p in check(content, notes) if p.field == "date"]


# --- the same news again ------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def test_a_page_saved_again_is_recognised(tmp_path):
    content = new_content(tmp_path)
    page = (FIXTURES / "news-site-page.html").read_text(encoding="utf-8")
    first = tmp_path / "first.html"
    first.write_text(page, encoding="utf-8")
    assert len(ingest(content, str(first))) == 1
    # saved again a day later: other spacing, another ad script, more chrome
    again = page.replace("<body>", "<body>\n<nav><a href='/'>होम</a></nav>\n")
    again = again.replace("</head>", "<script>var ad = 2;</script>\n\n</head>")
    again = again.replace("। ", "।   \n ").replace("\n", "\r\n")
    assert again != page
    second = tmp_path / "second.html"
    second.write_text(again, encoding="utf-8")
    shown = run(settings_for(content), str(second), now=NOW)
    assert shown.endswith("skipped: 1 already imported")
    assert len(written_notes(content)) == 1


def test_a_message_pasted_again_with_a_forwarded_line_is_recognised(tmp_path):
    content = new_content(tmp_path)
    message = f"{HEADLINE}\n{TEXT}\nरिपोर्ट सुनील शर्मा\n"
    assert len(ingest(content, stdin=message)) == 1
    for again in (
        f"Forwarded\n{message}",
        f"अग्रेषित\n{HEADLINE}\n\n{TEXT.replace(' ', '  ')}\nरिपोर्ट सुनील शर्मा",
        f"{message}😊 Please Share This News 😊\n",
    ):
        assert ingest(content, stdin=again) == []
    assert len(written_notes(content)) == 1


def test_a_hash_recorded_the_old_way_is_still_recognised(tmp_path):
    message = f"{HEADLINE}\n{TEXT}\nरिपोर्ट सुनील शर्मा\n"
    content = new_content(tmp_path)
    (draft,) = ingest(content, stdin=message)
    path = next((content / "notes").rglob("*.md"))
    text = path.read_text(encoding="utf-8")
    # drafts written before recorded the hash of the whole message
    old = source_hash(normalize(message))
    path.write_text(
        text.replace(f"source_hash: {draft['source_hash']}", f"source_hash: {old}"),
        encoding="utf-8",
    )
    assert f"source_hash: {old}" in path.read_text(encoding="utf-8")
    assert ingest(content, stdin=message) == []


# --- Kruti Dev ----------------------------------------------------------------

KD_HEADLINE = "*fcyikad Fkkus esa xzke j{kk lfefr dh cSBd*"
UNICODE_TITLE = "बिलपांक थाने में ग्राम रक्षा समिति की बैठक"


def test_a_kruti_dev_headline_over_a_unicode_text_is_converted(tmp_path):
    content = new_content(tmp_path)
    message = (
        f"{KD_HEADLINE}\nबिलपांक थाने में ग्राम रक्षा समिति की बैठक आयोजित की गई "
        "जिसमें पुलिस अधीक्षक ने सदस्यों को संबोधित किया।\nरिपोर्ट मनोहर मालवीय\n"
    )
    (draft,) = ingest(content, stdin=message)
    assert draft["title"] == UNICODE_TITLE
    assert draft["reporter"] == "मनोहर मालवीय"
    assert any("Kruti Dev" in w for w in draft["warnings"])


def test_whatsapp_marks_in_kruti_dev_are_read_before_it_is_converted(tmp_path):
    content = new_content(tmp_path)
    message = (
        f"{KD_HEADLINE}\n"
        "jryke] iqfyl eq[;ky; Hkksiky ds funsZ'kkuqlkj *lkeqnkf;d iqfyflax* ds "
        "varxZr iqfyl v/kh{kd Jh vfer dqekj ds funsZ'ku esa cSBd dh xbZA\n"
        "fjiksVZ euksgj ekyoh;\n"
    )
    (draft,) = ingest(content, stdin=message)
    assert draft["title"] == UNICODE_TITLE
    assert "**सामुदायिक पुलिसिंग**" in draft["body"]
    assert "’" not in draft["body"] + draft["title"]
    assert draft["reporter"] == "मनोहर मालवीय"


def test_english_and_unicode_lines_are_not_read_as_kruti_dev(tmp_path):
    content = new_content(tmp_path)
    message = (
        f"{HEADLINE}\n{TEXT}\nHelmet is a must for your safety\nरिपोर्ट सुनील शर्मा\n"
    )
    (draft,) = ingest(content, stdin=message)
    assert "Helmet is a must for your safety" in draft["body"]
    assert not any("Kruti Dev" in w for w in draft["warnings"])


# --- text that looks like HTML stays text ----------------------------------------


def rendered(body: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(body), "html.parser")


def test_escaped_html_in_a_post_stays_text(tmp_path):
    content = new_content(tmp_path)
    source = tmp_path / "old-site.xml"
    post = (
        "<p>नामली थाना पुलिस ने लिखा: &lt;script&gt;alert(1)&lt;/script&gt; "
        "और &amp;lt;b&amp;gt; कोड, A &amp; B।</p>"
    )
    xml = wxr(("नामली थाने में शिविर आयोजित", "2026-09-12 10:15:00", ""))
    source.write_text(xml.replace(TEXT, post), encoding="utf-8")
    (draft,) = ingest(content, str(source))
    html = rendered(draft["body"])
    assert html.find("script") is None and html.find("b") is None
    assert "<script>alert(1)</script>" in html.get_text()
    assert "&lt;b&gt; कोड, A & B" in html.get_text()


def test_markup_typed_in_a_message_stays_text(tmp_path):
    content = new_content(tmp_path)
    message = (
        f"{HEADLINE}\n{TEXT} <img src=x onerror=alert(1)> &amp; ```<b>```\n"
        "रिपोर्ट सुनील शर्मा\n"
    )
    (draft,) = ingest(content, stdin=message)
    html = rendered(draft["body"])
    assert html.find("img") is None
    assert "<img src=x onerror=alert(1)> &amp; <b>" in html.get_text()
    assert html.find("code").get_text() == "<b>"


# --- a failed write leaves nothing behind ----------------------------------------


def test_a_failed_write_removes_the_folders_it_made(tmp_path):
    content = new_content(tmp_path)
    notes, images = content / "notes", content / "images"
    taken = notes / "2026" / "11" / "taken.md"
    taken.parent.mkdir(parents=True)
    taken.write_text("a reporter's own file", encoding="utf-8")
    before = sorted(p for p in content.rglob("*"))
    with pytest.raises(IngestError, match="already exists"):
        write_all(
            [
                (notes / "2031" / "01" / "new.md", b"one"),
                (images / "2031" / "01" / "new.jpg", b"photo"),
                (notes / "2026" / "11" / "new.md", b"two"),
                (taken, b"three"),
            ]
        )
    assert sorted(p for p in content.rglob("*")) == before
    assert taken.read_text(encoding="utf-8") == "a reporter's own file"


# --- what a careless reporter pastes ---------------------------------------------


def test_a_message_pasted_twice_in_a_row_is_kept_once(tmp_path):
    content = new_content(tmp_path)
    message = f"{HEADLINE}\n{TEXT}\nरिपोर्ट सुनील शर्मा"
    (draft,) = ingest(content, stdin=f"{message}\n\n{message} \n")
    (again,) = ingest(
        new_content(tmp_path / "a"), stdin=f"{message}\nForwarded\n{message}"
    )
    assert again["body"] == TEXT
    assert draft["body"] == TEXT
    assert draft["reporter"] == "सुनील शर्मा"
    assert "रिपोर्ट" not in draft["summary"] and draft["summary"].count("शिविर") == 1
    assert any("twice or more" in w for w in draft["warnings"])
    # a message saying one thing twice on purpose is left as it is
    (other,) = ingest(new_content(tmp_path / "b"), stdin=f"{HEADLINE}\n{TEXT}\n{TEXT}")
    assert other["body"] == f"{TEXT}\n\n{TEXT}"


def test_a_photo_caption_alone_makes_a_draft_that_can_pass(tmp_path):
    content = new_content(tmp_path)
    (draft,) = ingest(content, stdin="📷 नामली थाने में यातायात शिविर के दौरान पुलिसकर्मी\n")
    assert draft["title"] == "नामली थाने में यातायात शिविर के दौरान पुलिसकर्मी"
    assert draft["body"] == "📷 नामली थाने में यातायात शिविर के दौरान पुलिसकर्मी"
    assert any("single line" in w for w in draft["warnings"])
    notes = {k: fill_flagged(v) for k, v in written_notes(content).items()}
    assert check(content, notes) == []


def test_underscores_in_words_and_web_addresses_are_kept(tmp_path):
    content = new_content(tmp_path)
    message = (
        f"{HEADLINE}\n{TEXT} फोटो_नामली_थाना, file_name.jpg और _जरूरी_ सूचना।\n"
        "देखें https://example.com/a_b_c/_x_ और _https://wa.me/91?text=*hi*_ "
        "तथा (www.ratlam.example/news_2026)।\n"
    )
    (draft,) = ingest(content, stdin=message)
    html = rendered(draft["body"])
    text = html.get_text()
    assert "फोटो_नामली_थाना, file_name.jpg" in text
    assert [e.get_text() for e in html.find_all("em")] == [
        "जरूरी",
        "https://wa.me/91?text=*hi*",
    ]
    links = [a["href"] for a in html.find_all("a")]
    assert links == [
        "https://example.com/a_b_c/_x_",
        "https://wa.me/91?text=*hi*",
        "https://www.ratlam.example/news_2026",
    ]


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("https://ratlam.example/news/jaora_helmet\n", "only a web address"),
        ("Forwarded\nhttps://ratlam.example/news/1\n", "only a web address"),
        ("🙏🙏🙏\n", "no words"),
        ("Forwarded\n😊 Please Share This News 😊\n", "no words"),
    ],
)
def test_a_message_without_words_is_refused_saying_what_to_do(tmp_path, message, says):
    content = new_content(tmp_path)
    with pytest.raises(IngestError, match=says):
        run(settings_for(content), "-", stdin=message, now=NOW)
    source = tmp_path / "sandesh.txt"
    source.write_text(message, encoding="utf-8")
    with pytest.raises(IngestError, match=f"^{source}: .*{says}"):
        run(settings_for(content), str(source), now=NOW)
    assert written_notes(content) == {}


@pytest.mark.parametrize(
    "written", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59Z"]
)
def test_an_impossible_page_date_is_named_and_replaced(tmp_path, written):
    content = new_content(tmp_path)
    page = (FIXTURES / "news-site-page.html").read_text(encoding="utf-8")
    source = tmp_path / "saved.html"
    source.write_text(page.replace("2026-10-12T17:45:00+05:30", written), "utf-8")
    (draft,) = ingest(content, str(source))
    assert draft["date"].startswith("2026-11-28T12:00") and draft["status"] == "draft"
    (warning,) = [w for w in draft["warnings"] if "cannot be right" in w]
    assert warning.startswith("saved.html: the date '") and written[:4] in warning


def test_a_title_made_from_a_sentence_has_no_marks_or_addresses(tmp_path):
    content = new_content(tmp_path)
    message = (
        "_नामली_ पुलिस ने https://ratlam.example/a_b पर *यातायात* शिविर की "
        f"सूचना दी।\n{TEXT}\n"
    )
    (draft,) = ingest(content, stdin=message)
    assert draft["title"] == "नामली पुलिस ने पर यातायात शिविर की सूचना दी"
    assert draft["slug"] == "namli-police-ne-par-yatayat-shivir-ki-suchna-di"


def test_underscores_inside_hindi_words_are_never_italic(tmp_path):
    content = new_content(tmp_path)
    sentence = "नामली थाना_प्रभारी_ ने #ऑपरेशन_मुस्कान_ में बच्चों को खोजा। " * 9
    (draft,) = ingest(content, stdin=f"{HEADLINE}\n{sentence}\n{TEXT}\n")
    for field in ("body", "summary"):
        html = rendered(draft[field])
        assert html.find("em") is None, field
        assert "थाना_प्रभारी_ ने #ऑपरेशन_मुस्कान_" in html.get_text()
    # the summary as written (with its escapes) stays within the limit
    assert 250 < len(draft["summary"]) <= 300
    notes = {k: fill_flagged(v) for k, v in written_notes(content).items()}
    assert check(content, notes) == []


@pytest.mark.parametrize(
    "byline",
    [
        "रिपोर्ट सुनील शर्मा 9876543210",
        "रिपोर्ट सुनील शर्मा मो. 98765 43210",
        "✍️ सुनील शर्मा 📞 +91 98765-43210",
        "- सुनील शर्मा, मोबाइल: 9876543210",
    ],
)
def test_a_phone_number_after_the_byline_is_not_the_reporter(tmp_path, byline):
    (draft,) = ingest(new_content(tmp_path), stdin=f"{HEADLINE}\n{TEXT}\n{byline}\n")
    assert draft["reporter"] == "सुनील शर्मा"
    assert not any(ch.isdigit() for ch in draft["body"])


# --- from a hostile review --------------------------------------------------------


def test_a_post_kept_published_passes_the_note_check(tmp_path):
    content = new_content(tmp_path)
    source = tmp_path / "old-site.xml"
    xml = wxr(
        ("🚨🚨", "2026-09-12 10:15:00", ""),  # no title left once emoji go
        ("नामली थाने में शिविर आयोजित", "2026-09-12 10:15:00", ""),
        ("नामली थाने में शिविर दोबारा", "2026-09-12 10:15:00", ""),
    )
    xml = xml.replace("https://old.example/?p=2</link>", "javascript:alert(1)</link>")
    xml = xml.replace(
        "https://old.example/?p=3</link>",
        "https://old.example/2019/05/नामली खबर/</link>",
    )
    source.write_text(xml, encoding="utf-8")
    drafts = ingest(content, str(source))
    assert {d["status"] for d in drafts} != {"draft"}
    (untitled,) = [d for d in drafts if not d["title"]]
    assert untitled["status"] == "draft"
    assert any("does not pass the check (title" in w for w in untitled["warnings"])
    (dropped,) = [d for d in drafts if d["title"] == "नामली थाने में शिविर आयोजित"]
    assert dropped["old_url"] == "" and any(
        "javascript" in w for w in dropped["warnings"]
    )
    (quoted,) = [d for d in drafts if d["title"] == "नामली थाने में शिविर दोबारा"]
    assert quoted["old_url"].startswith("https://old.example/2019/05/%E0%A4")
    assert " " not in quoted["old_url"]
    # whatever stays published passes the check: the build is never stopped
    notes = written_notes(content)
    published = {k: v for k, v in notes.items() if "status: published" in v}
    assert published and check(content, published) == []


def test_nothing_is_written_through_a_linked_folder(tmp_path):
    content = new_content(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (content / "notes" / "2026").mkdir()
    (content / "notes" / "2026" / "11").symlink_to(elsewhere)
    with pytest.raises(IngestError, match="leads out of content/"):
        run(settings_for(content), "-", stdin=f"{HEADLINE}\n{TEXT}\n", now=NOW)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    ("message", "title"),
    [
        (
            f"*रतलाम, 28 नवंबर।*\n{HEADLINE}\n{TEXT}",
            "नामली थाने में यातायात जागरूकता शिविर आयोजित",
        ),
        (
            f"*🔥🔥🔥*\n*ब्रेकिंग*\n{TEXT}",
            TEXT.split("।")[0],
        ),
    ],
)
def test_a_dateline_or_emoji_in_bold_is_not_the_headline(tmp_path, message, title):
    (draft,) = ingest(new_content(tmp_path), stdin=message)
    assert draft["title"] == title and draft["slug"] != "note"


def test_an_attached_file_named_by_a_path_is_not_the_headline(tmp_path):
    content = new_content(tmp_path)
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "12/11/2026, 09:16 - Thana Jaora: ../../x.jpg (file attached)\n"
        f"{HEADLINE}\n{TEXT}\n",
        encoding="utf-8",
    )
    (draft,) = ingest(content, str(chat))
    assert draft["title"] == "नामली थाने में यातायात जागरूकता शिविर आयोजित"
    assert "x.jpg" not in draft["body"]


def test_a_sender_or_a_byline_gives_a_clean_reporter_with_a_warning(tmp_path):
    content = new_content(tmp_path)
    (draft,) = ingest(
        content,
        stdin=f"{HEADLINE}\n{TEXT}\nरिपोर्ट मनोहर मालवीय, मो. 9876543210, रतलाम\n",
    )
    assert draft["reporter"] == "मनोहर मालवीय"
    chat = tmp_path / "chat.txt"
    chat.write_text(
        f"12/11/2026, 09:16 - ~ Ramesh 😎🔥: *जावरा में चोरी का खुलासा हुआ*\n{TEXT}\n",
        encoding="utf-8",
    )
    (draft,) = ingest(content, str(chat))
    assert draft["reporter"] == "Ramesh"
    assert any("sender's WhatsApp name 'Ramesh'" in w for w in draft["warnings"])


def test_a_header_line_with_an_impossible_date_is_named_and_counted(tmp_path):
    content = new_content(tmp_path)
    chat = tmp_path / "chat.txt"
    chat.write_text(
        f"12/11/2026, 09:16 - Thana Jaora: {HEADLINE}\n{TEXT}\n"
        "13/25/2026, 09:20 - Thana Jaora: *दूसरी खबर*\n",
        encoding="utf-8",
    )
    shown = run(settings_for(content), str(chat), now=NOW, dry_run=True)
    assert f"{chat}:3: this line starts like a message but its date" in shown
    assert "1 header lines with an impossible date" in shown


def test_a_link_typed_in_markdown_stays_a_link(tmp_path):
    message = (
        f"{HEADLINE}\n{TEXT} देखें [![फोटो](https://a.example/p.jpg)]"
        "(https://a.example/x_y) और [खबर](https://b.example/a_b)।\n"
    )
    (draft,) = ingest(new_content(tmp_path), stdin=message)
    html = rendered(draft["body"])
    assert [a["href"] for a in html.find_all("a")] == [
        "https://a.example/x_y",
        "https://b.example/a_b",
    ]
    assert html.find("img")["src"] == "https://a.example/p.jpg"


def test_drafts_are_written_readable_as_any_new_file(tmp_path):
    content = new_content(tmp_path)
    old = os.umask(0o022)
    try:
        ingest(content, stdin=f"{HEADLINE}\n{TEXT}\n")
    finally:
        os.umask(old)
    (note,) = (content / "notes").rglob("*.md")
    assert stat.S_IMODE(note.stat().st_mode) == 0o644


def test_a_summary_shows_a_web_address_as_written(tmp_path):
    message = (
        f"{HEADLINE}\nनामली पुलिस ने https://ratlam.example/a_b पर सूचना दी। {TEXT}\n"
    )
    (draft,) = ingest(new_content(tmp_path), stdin=message)
    assert "<https" not in draft["summary"]
    text = rendered(draft["summary"]).get_text()
    assert text.startswith("नामली पुलिस ने https://ratlam.example/a_b पर सूचना दी।")


def test_what_a_page_hides_from_readers_is_not_imported(tmp_path):
    page = (FIXTURES / "news-site-page.html").read_text(encoding="utf-8")
    spam = (
        '<p style="display: none">सस्ते लोन के लिए कॉल करें</p>'
        '<p hidden>छिपा हुआ विज्ञापन</p><span aria-hidden="true">छिपा शब्द</span>'
    )
    i = page.index("</p>", page.index('class="story-content"')) + len("</p>")
    source = tmp_path / "saved.html"
    source.write_text(page[:i] + spam + page[i:], encoding="utf-8")
    (draft,) = ingest(new_content(tmp_path), str(source))
    for word in ("लोन", "छिपा"):
        assert word not in draft["body"] + draft["summary"]


def test_a_zip_with_two_chats_and_a_sender_not_in_the_chat_are_named(tmp_path):
    content = new_content(tmp_path)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        for name in ("WhatsApp Chat with A.txt", "WhatsApp Chat with B.txt"):
            archive.writestr(name, f"12/11/2026, 09:16 - A: {HEADLINE}\n{TEXT}\n")
    with pytest.raises(IngestError, match="holds several chat texts"):
        run(settings_for(content), str(two), now=NOW)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(IngestError) as e:
        run(settings_for(content), str(broken), now=NOW)
    assert "not a .zip, or cut short" in str(e.value) and "File is" not in str(e.value)
    chat = tmp_path / "chat.txt"
    chat.write_text(f"12/11/2026, 09:16 - Thana Jaora: {HEADLINE}\n{TEXT}\n", "utf-8")
    shown = run(settings_for(content), str(chat), sender="Thana Namli", now=NOW)
    assert "no message from 'Thana Namli' (--from)" in shown
    assert "the senders in this chat are: Thana Jaora" in shown


@pytest.mark.parametrize("side", [12_000, 14_000])  # over the limit; over twice
def test_a_zip_photo_with_too_many_pixels_is_refused_saying_so(tmp_path, side):
    content = new_content(tmp_path)
    png = io.BytesIO()
    Image.new("1", (side, side)).save(png, "PNG")
    source = tmp_path / "chat.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(
            "WhatsApp Chat with A.txt",
            "12/11/2026, 09:16 - A: IMG-20261112-WA0001.png (file attached)\n"
            f"{HEADLINE}\n{TEXT}\n",
        )
        archive.writestr("IMG-20261112-WA0001.png", png.getvalue())
    with pytest.raises(IngestError) as e:
        run(settings_for(content), str(source), now=NOW)
    assert "too large to publish" in str(e.value)
    assert "damaged" not in str(e.value)
    assert not list((content / "images").rglob("*.png"))


def test_a_note_in_another_encoding_or_a_link_in_content_never_stops_an_import(
    tmp_path,
):
    content = new_content(tmp_path)
    month = content / "notes" / "2026" / "11"
    month.mkdir(parents=True, exist_ok=True)
    (month / "latin.md").write_bytes(b"title: caf\xe9\nstatus: draft\n\ncaf\xe9\n")
    secret = tmp_path / "secret.md"
    secret.write_text("source_hash: outside\n\nx\n", encoding="utf-8")
    (month / "link.md").symlink_to(secret)
    message = f"{HEADLINE}\n{TEXT}\nरिपोर्ट सुनील शर्मा\n"
    (draft,) = ingest(content, stdin=message)
    assert draft["title"] == HEADLINE.strip("*")


# --- what ingest guessed, and the same news again -------------------------------

BILPANK_NOTE = (
    ROOT / "content/notes/2026/11/bilpank-gram-nagar-raksha-samiti-baithak.md"
)
SAMPLE = ROOT / "tests/fixtures/bilpank-meeting-kismat-news.txt"


def check_file(tmp_path: Path, content: Path) -> Path:
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nCACHE_PATH = {str(tmp_path / 'cache')!r}\n",
        encoding="utf-8",
    )
    return conf


def test_the_guesses_stay_in_the_draft_until_the_desk_deletes_the_line(
    tmp_path, caplog, monkeypatch
):
    shipped = BILPANK_NOTE.read_text(encoding="utf-8").split("\n")
    without_photo = "\n".join(x for x in shipped if not x.startswith("image"))
    content = new_content(tmp_path, {"2026/11/bilpank.md": without_photo})
    # saved the day before the run (NOW), four days after the note
    sample = tmp_path / SAMPLE.name
    sample.write_bytes(SAMPLE.read_bytes())
    os.utime(sample, (NOW.timestamp(), NOW.timestamp()))
    (draft,) = ingest(content, str(sample))
    # the sample article is the shipped Bilpank note, pasted days later
    assert (
        "the same news as content/notes/2026/11/bilpank.md (same title and thana, "
        "dated within 5 days of each other)? If it is, delete this draft"
    ) in "\n".join(draft["warnings"]).replace(str(tmp_path) + "/", "")
    note = content / draft["path"].split("content/", 1)[1]
    lines = note.read_text(encoding="utf-8").split("\n")
    assert f"review: {', '.join(draft['guessed'])}" in lines
    assert {"date", "thana"} <= set(draft["guessed"])
    # published by the desk: 'status: draft' deleted, the guesses unchecked
    published = [x for x in lines if x != "status: draft"]
    note.write_text("\n".join(published), encoding="utf-8")
    review_line = published.index(f"review: {', '.join(draft['guessed'])}") + 1
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    conf = str(check_file(tmp_path, content))
    for _run in range(2):  # the second run reads the check cache
        caplog.clear()
        forget_logged_warnings()  # as a new `invoke check` process would
        with caplog.at_level(logging.WARNING):
            report = check_command(conf)
        said = [r.getMessage() for r in caplog.records]
        assert report.startswith("2 विज्ञप्तियाँ जाँची गईं: कोई समस्या नहीं")
        (review,) = [w for w in said if "[review]" in w]
        assert review.startswith(f"{display_path(note)}:{review_line} [review]: ")
        assert "ये फ़ील्ड ingest ने अनुमान से भरे हैं (date: संदेश भेजने का समय" in review
        assert "फिर 'review' वाली पंक्ति हटाएँ" in review
        (twice,) = [w for w in said if "यह वही खबर है" in w]
        assert "bilpank.md" in twice and note.name in twice
    # checked and the line deleted: no more warning about it
    note.write_text(
        "\n".join(x for x in lines if not x.startswith(("status:", "review:"))),
        encoding="utf-8",
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        check_command(conf)
    assert not [r for r in caplog.records if "[review]" in r.getMessage()]


def test_the_same_title_and_station_within_a_week_is_the_same_news(tmp_path):
    content = new_content(tmp_path)
    settings = read_settings(SETTINGS, override={"PATH": str(content)})
    stations = registry_for(settings).thana_by_name
    first = note_text(title="नामली थाने में *यातायात* शिविर", date="2026-10-05 10:30")
    notes = [
        ("a.md", scan_header(first)),
        # the same words, other marks and spacing, a week later: the same news
        (
            "b.md",
            scan_header(
                note_text(title="नामली थाने में यातायात शिविर।", date="2026-10-12 10:30")
            ),
        ),
        # another station, or more than a week after both: other news
        (
            "c.md",
            scan_header(
                note_text(title="नामली थाने में यातायात शिविर", thana="जावरा शहर")
            ),
        ),
        (
            "d.md",
            scan_header(
                note_text(title="नामली थाने में यातायात शिविर", date="2026-10-19 10:31")
            ),
        ),
    ]
    assert warn_duplicates(notes, stations) == [
        (
            "b.md: the same news as a.md (same title and thana, dated within 7 "
            "days of each other); it would be published twice: delete one of "
            "the two files, or if they are different news give one another title"
        )
    ]


@pytest.mark.parametrize(
    ("first", "summary"),
    [
        ("*रतलाम, 27 नवंबर।* पुलिस ने", "पुलिस ने"),
        ("रतलाम,पुलिस ने", "पुलिस ने"),
        # a date the sentence goes on from is part of it
        ("रतलाम, दिनांक 24/11/2026 को पुलिस ने", "दिनांक 24/11/2026 को पुलिस ने"),
    ],
)
def test_the_summary_leaves_out_a_leading_dateline(tmp_path, first, summary):
    content = new_content(tmp_path)
    message = f"{HEADLINE}\n{first} {TEXT}\n"
    (draft,) = ingest(content, stdin=message)
    assert draft["summary"].startswith(f"{summary} {TEXT[:20]}"), draft["summary"]

"""Hostile and careless notes (issue 11): the checks read the header exactly
as Pelican does, and nothing unchecked reaches a page or a file.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings
from PIL import Image
from support import ROOT, SETTINGS, build_site, new_content, note_text

from plugins.core.code import tree_digest
from plugins.core.errors import BuildFailed, ContentError, display_path
from plugins.core.files import OutsideFolder, Within, inside
from plugins.core.header import scan_header, split_lines
from plugins.photos.photos import plan_photo
from plugins.press_notes import press_notes
from plugins.press_notes.model import NoteImage, placing_problems, text_slug
from plugins.press_notes.press_notes import check_content, registry_for
from plugins.press_notes.sanitize import sanitize_html
from plugins.press_notes.validate import Rules, check_note
from plugins.whatsapp.ledger import (
    HEADER,
    Run,
    append,
    format_run,
    format_shown,
    prepare,
    read_ledger,
)
from scripts.check import check

PATH = "content/notes/x.md"


@pytest.fixture(scope="module")
def rules():
    settings = read_settings(SETTINGS)
    return Rules(registry=registry_for(settings), content_root=ROOT / "content")


def problems_of(text, rules):
    _, problems = check_note(PATH, text, rules)
    return problems


@pytest.mark.parametrize(
    "char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e", "\x00", "\x7f"]
)
def test_a_line_breaking_or_control_character_in_a_field_is_refused(rules, char):
    # Before: splitlines() broke the tags line, and the image line after it
    # was never checked.
    text = note_text(tags=f"एक{char}दो", image="/etc/passwd.jpg")
    problems = problems_of(text, rules)
    assert problems, text
    (problem,) = problems
    assert problem.path == PATH
    assert problem.line == 6 and problem.field == "tags"
    assert f"U+{ord(char):04X}" in problem.message


def test_a_bidi_override_in_the_title_is_refused(rules):
    (problem,) = problems_of(note_text(title="थाना \u202eनामली"), rules)
    assert problem.field == "title" and problem.line == 1


def test_a_control_character_in_the_text_names_its_line(rules):
    (problem,) = problems_of(note_text(body="पहली पंक्ति\n\nदूसरी\x1bपंक्ति"), rules)
    assert problem.line == 13 and problem.field is None


def test_tab_and_zero_width_joiners_are_allowed(rules):
    assert (
        problems_of(note_text(title="क्\u200dष\tनामली थाना", body="अ\u200cब"), rules)
        == []
    )


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends_read_as_newlines(rules, newline):
    text = note_text().replace("\n", newline)
    assert problems_of(text, rules) == []
    assert scan_header(text).value("slug") == "namli-yatayat-shivir"


def test_lines_split_like_markdown():
    assert split_lines("a: 1\u2028b\x1c\nc\r\nd\re\n") == [
        "a: 1\u2028b\x1c",
        "c",
        "d",
        "e",
    ]


def test_a_title_wrapped_onto_a_second_line_is_named(rules):
    text = note_text(title="नामली थाने में यातायात\nजागरूकता शिविर")
    (problem,) = problems_of(text, rules)
    assert problem.line == 2
    assert "line 2 is not a `field: value` line" in problem.message


def test_a_title_wrapped_in_hindi(rules, monkeypatch):
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    text = note_text(title="नामली थाने में यातायात\nजागरूकता शिविर")
    (problem,) = problems_of(text, rules)
    assert "पंक्ति 2 `field: value` वाली पंक्ति नहीं है" in problem.message


@pytest.mark.parametrize("value", ["२०२६-११-२८ ११:००", "2026-11-२८ 11:00"])
def test_a_date_in_devanagari_digits_is_accepted(rules, value):
    assert problems_of(note_text(date=value), rules) == []


def test_a_date_in_the_wrong_order_says_what_is_expected(rules, monkeypatch):
    (problem,) = problems_of(note_text(date="२८-११-२०२६ ११:००"), rules)
    assert problem.field == "date" and "YYYY-MM-DD HH:MM" in problem.message
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    (problem,) = problems_of(note_text(date="२८-११-२०२६ ११:००"), rules)
    assert "तारीख नहीं है" in problem.message


KRUTIDEV_REPORTER = "iqfyl v/kh{kd dk;kZy; jryke"  # पुलिस अधीक्षक कार्यालय रतलाम


@pytest.mark.parametrize(
    ("field", "line"), [("reporter", 7), ("summary", 8), ("title", 1)]
)
def test_kruti_dev_in_any_field_names_that_line(rules, field, line):
    (problem,) = problems_of(note_text(**{field: KRUTIDEV_REPORTER}), rules)
    assert (problem.line, problem.field) == (line, field)
    assert "Kruti Dev" in problem.message


def test_kruti_dev_in_image_alt_names_its_line(rules):
    text = note_text(image="images/x.jpg", image_alt=KRUTIDEV_REPORTER)
    (problem,) = problems_of(text, rules)
    assert (problem.line, problem.field) == (11, "image_alt")


@pytest.mark.build
def test_a_devanagari_date_is_what_pelican_publishes(tmp_path):
    content = new_content(tmp_path, {"a.md": note_text(date="२०२६-११-२८ ११:००")})
    build_site(content, tmp_path / "output")
    assert (tmp_path / "output/2026/11/namli-yatayat-shivir/index.html").is_file()


# --- 11.1: nothing is read or written outside content/ and the output ---


def test_inside_refuses_paths_that_leave_the_folder(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "out").symlink_to(tmp_path)
    for rel in ("/etc/passwd", "../x.jpg", "images/../../x.jpg", "out/x.jpg"):
        with pytest.raises(OutsideFolder):
            inside(tmp_path / "content", rel)
    assert inside(tmp_path / "content", "images/a/../b.jpg").name == "b.jpg"


def test_within_refuses_what_inside_refuses_for_many_names(tmp_path):
    """The check for many names under one folder (10,000 preview images)
    refuses the same names as inside(), also through a link made later in a
    folder it has already seen, and places the others where inside() does."""
    content = tmp_path / "content"
    (content / "2026" / "11").mkdir(parents=True)
    (content / "out").symlink_to(tmp_path)
    within = Within(content)
    for rel in ("2026/11/a/og.jpg", "2026/11/og.jpg", "2026/og.jpg", "x.jpg"):
        assert within(rel) == inside(content, rel)
    for rel in ("/etc/passwd", "../x.jpg", "2026/../../x.jpg", "out/x.jpg", "out"):
        with pytest.raises(OutsideFolder):
            within(rel)
    (content / "2026" / "11" / "b").symlink_to(tmp_path)
    (content / "2026" / "11" / "c.jpg").symlink_to(tmp_path / "c.jpg")
    for rel in ("2026/11/b/og.jpg", "2026/11/c.jpg"):
        with pytest.raises(OutsideFolder):
            within(rel)


def test_fields_that_place_a_page_are_refused_whatever_the_checks_said(tmp_path):
    metadata = {
        "note_file": "notes/x.md",
        "save_as": "../../evil.html",
        "slug": "Evil Slug/../..",
        "image": "/etc/photo.jpg",
    }
    problems = placing_problems(metadata, tmp_path)
    assert {p.field for p in problems} == {"save_as", "slug", "image"}
    # each names the note's file
    assert {p.path for p in problems} == {display_path(tmp_path / "notes/x.md")}
    assert placing_problems({"note_file": "notes/x.md", "slug": "ok"}, tmp_path) == []


def test_a_photo_copy_is_never_read_from_outside_content(tmp_path):
    image = NoteImage(url="../outside.jpg", alt="x", width=100, height=100)
    conf = {"widths": (480, 960), "quality": 80}
    with pytest.raises(OutsideFolder):
        plan_photo(image, tmp_path, conf)


# --- 11.2 / 11.3: only photos, re-encoded, leave content/images/ ---


def check_site(content: Path) -> list:
    settings = read_settings(SETTINGS, override={"PATH": str(content)})
    notes = [str(p.relative_to(content)) for p in (content / "notes").rglob("*.md")]
    try:
        check_content(settings, notes)
    except ContentError as e:
        return e.problems
    return []


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("evil.html", "not a JPEG, PNG or WebP"),
        ("logo.svg", "not a JPEG, PNG or WebP"),
        ("scan.tiff", "not a JPEG, PNG or WebP"),
        ("photo.jfif", "not a JPEG, PNG or WebP"),
        ("IMG_0001.HEIC", "HEIC"),
    ],
)
def test_files_that_are_not_photos_are_refused_by_the_check(tmp_path, name, says):
    content = new_content(tmp_path, {"a.md": note_text()})
    (content / "images").mkdir()
    (content / "images" / name).write_bytes(b"<script>alert(1)</script>")
    (problem,) = check_site(content)
    assert problem.path.endswith(f"images/{name}") and says in problem.message


def test_links_in_the_photo_folder_are_refused(tmp_path):
    content = new_content(tmp_path, {"a.md": note_text()})
    (content / "images").mkdir()
    (content / "images" / "etc").symlink_to("/etc")
    (content / "images" / "p.jpg").symlink_to("/etc/passwd")
    problems = check_site(content)
    assert sorted(Path(p.path).name for p in problems) == ["etc", "p.jpg"]
    assert all("symbolic link" in p.message for p in problems)


def test_links_in_the_photo_folder_in_hindi(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    content = new_content(tmp_path, {"a.md": note_text()})
    (content / "images").mkdir()
    (content / "images" / "etc").symlink_to("/etc")
    (problem,) = check_site(content)
    assert "सिम्बॉलिक लिंक" in problem.message


@pytest.mark.build
def test_a_linked_folder_of_files_is_never_published(tmp_path):
    content = new_content(tmp_path, {"a.md": note_text()})
    (content / "images").mkdir()
    (content / "images" / "etc").symlink_to("/etc")
    (content / "images" / "x.html").write_text("<script>alert(1)</script>")
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output")
    assert "symbolic link" in str(e.value) and "x.html" in str(e.value)
    assert not (tmp_path / "output").exists()


# --- 11.5: the share ledger never loses a committed run ---


def sample_run(run_id: str, n: int = 2) -> Run:
    return Run(
        id=run_id,
        time="2026-11-27T12:00:00+05:30",
        starts=[("namli-1", "station:namli", "2026-11-20T12:00:00+05:30")],
        offers=[("namli-1", f"2026/11/note-{i}/", f"सूचना {i}") for i in range(n)],
    )


def test_a_closing_line_without_its_newline_is_committed(tmp_path):
    path = tmp_path / "ledger.tsv"
    whole = HEADER + format_run(sample_run("r1")) + format_run(sample_run("r2"))
    path.write_bytes(whole.rstrip("\n").encode("utf-8"))
    assert [r.id for r in read_ledger(path).runs] == ["r1", "r2"]
    prepare(path)
    assert path.read_bytes() == whole.encode("utf-8")
    append(path, format_shown(["r1", "r2"], "t").rstrip("\n"))
    state = read_ledger(path)
    assert [r.shown for r in state.runs] == [True, True]
    assert not state.has_tail


def test_what_the_writer_cuts_is_named_and_kept(tmp_path, caplog):
    path = tmp_path / "ledger.tsv"
    whole = HEADER + format_run(sample_run("r1"))
    torn = format_run(sample_run("r2"))[:-10]
    path.write_bytes((whole + torn).encode("utf-8"))
    prepare(path)
    assert path.read_bytes() == whole.encode("utf-8")
    (copy,) = tmp_path.glob("ledger.tsv.cut-*")
    assert copy.read_bytes() == torn.encode("utf-8")
    assert copy.name in caplog.text


def test_the_check_reads_the_ledger_and_the_group_registry(tmp_path):
    content = new_content(tmp_path, {"a.md": note_text()})
    (content / "registry" / "share-ledger.tsv").write_text(
        HEADER + "r1\tbad line\n", encoding="utf-8"
    )
    (content / "registry" / "groups.toml").write_text("[[group]]\nid = 5\n")
    settings_file = tmp_path / "conf.py"
    settings_file.write_text(
        f"from pelicanconf import *\nPATH = {str(content)!r}\n", encoding="utf-8"
    )
    sys.path.insert(0, str(ROOT))
    try:
        with pytest.raises(ContentError) as e:
            check(str(settings_file))
    finally:
        sys.path.remove(str(ROOT))
    shown = str(e.value)
    assert "share-ledger.tsv:6" in shown and "groups.toml" in shown


# --- 11.6: every failure in the content names the file and the field ---


@pytest.fixture
def checks_bypassed(monkeypatch):
    """The note checks find nothing (as if a field had been hidden from them):
    the build itself must still name the file and the field.
    """
    real = press_notes.check_all

    def lenient(notes, rules, passed_before=None):
        checked = real(notes, rules, passed_before)
        checked.problems = []
        return checked

    monkeypatch.setattr(press_notes, "check_all", lenient)


@pytest.mark.build
def test_a_missing_photo_the_checks_missed_is_named_with_its_field(
    tmp_path, checks_bypassed
):
    text = note_text(image="images/nahin-hai.jpg", image_alt="फ़ोटो")
    content = new_content(tmp_path, {"x.md": text})
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output")
    assert "x.md:10 [image]" in str(e.value)
    assert "nahin-hai.jpg" in str(e.value)


@pytest.mark.build
def test_a_control_character_the_checks_missed_is_named_by_the_feeds(
    tmp_path, checks_bypassed
):
    content = new_content(tmp_path, {"x.md": note_text(reporter="पुलिस\x01कक्ष")})
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output")
    assert "x.md [reporter]" in str(e.value)
    assert "All strings must be XML compatible" in str(e.value)


@pytest.mark.build
def test_feeds_carry_a_bounded_amount_of_full_text(tmp_path):
    long_body = "\n\n".join(
        f"नामली थाना पुलिस ने अनुच्छेद {i} में जानकारी दी।" for i in range(600)
    )
    content = new_content(
        tmp_path,
        {"a.md": note_text(body=long_body), "b.md": note_text(slug="chhota")},
    )
    build_site(content, tmp_path / "output")
    feed = feedparser.parse(
        (tmp_path / "output" / "feeds" / "all.atom.xml").read_bytes()
    )
    by_link = {e.link.rstrip("/").rsplit("/", 1)[-1]: e for e in feed.entries}
    assert "अनुच्छेद 599" not in by_link["namli-yatayat-shivir"].content[0].value
    assert "पूरी खबर पढ़ें" in by_link["namli-yatayat-shivir"].content[0].value
    assert "यातायात नियम" in by_link["chhota"].content[0].value


# --- 11.7: page reuse sees every template ---


def test_the_theme_digest_enters_linked_folders(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "include.html").write_text("<p>one</p>")
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text("{% include 'parts/include.html' %}")
    (theme / "parts").symlink_to(shared)
    (theme / "loop").symlink_to(theme)  # a loop ends, it does not hang
    before = tree_digest([tmp_path / "theme"])
    (shared / "include.html").write_text("<p>two</p>")
    assert tree_digest([tmp_path / "theme"]) != before


# --- 11.8: smaller holes ---


def test_a_date_far_ahead_needs_status_scheduled(rules):
    now_rules = dataclasses.replace(rules, now=datetime(2026, 11, 28, 12, 0))
    (problem,) = problems_of(note_text(date="2027-11-28 10:00"), now_rules)
    assert problem.field == "date" and "status: scheduled" in problem.message
    assert problems_of(note_text(date="2026-11-29 10:00"), now_rules) == []
    scheduled = note_text(date="2027-11-28 10:00", status="scheduled")
    assert problems_of(scheduled, now_rules) == []


def test_a_text_over_the_limit_is_refused(rules):
    small = dataclasses.replace(rules, body_max_bytes=1000)
    (problem,) = problems_of(note_text(body="नामली " * 200), small)
    assert problem.line == 11 and "KB" in problem.message


@pytest.mark.parametrize(
    "link",
    [
        "{static}/registry/share-ledger.tsv",
        "{static}../registry/thanas.toml",
        "{attach}../../pelicanconf.py",
        "|static|/images/../registry/groups.toml",
    ],
)
def test_static_links_may_point_only_to_photos(rules, link):
    (problem,) = problems_of(note_text(body=f"पढ़ें [यहाँ]({link})"), rules)
    assert problem.line == 11 and "content/images/" in problem.message


def test_a_static_link_to_a_photo_is_fine(rules):
    body = "[फ़ोटो]({static}/images/2026/11/bilpank-baithak.jpg)"
    assert problems_of(note_text(body=body), rules) == []


def test_images_from_other_hosts_become_links():
    html = sanitize_html(
        '<p><img src="https://tracker.example/x.png" alt="फ़ोटो">'
        '<img src="//cdn.example/y.png"><img src="/images/a.jpg" alt="a"></p>'
    )
    soup = BeautifulSoup(html, "html.parser")
    assert [i["src"] for i in soup.find_all("img")] == ["/images/a.jpg"]
    assert [a["href"] for a in soup.find_all("a")] == [
        "https://tracker.example/x.png",
        "//cdn.example/y.png",
    ]


def test_titles_and_tags_without_letters_get_distinct_slugs():
    assert text_slug("🙂🙂", "tag") != text_slug("😡", "tag")
    assert text_slug("!!!", "note").startswith("note-")
    assert text_slug("नामली", "tag") == "namli"


def photo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 480), (200, 100, 50)).save(path, "JPEG")


@pytest.mark.build
def test_scheduled_draft_and_hidden_notes_keep_their_photos_private(tmp_path):
    def with_photo(name, **fields):
        return note_text(
            slug=name,
            title=f"नामली सूचना {name}",
            image=f"images/{name}.jpg",
            image_alt="फ़ोटो",
            **fields,
        )

    notes = {
        "public.md": with_photo("public", tags="🙂"),
        "later.md": with_photo("later", date="2099-01-01 10:00", status="scheduled"),
        "due.md": with_photo("due", date="2026-01-01 10:00", status="scheduled"),
        "draft.md": with_photo("draft", status="draft"),
        "hidden.md": with_photo("hidden", status="hidden", tags="😡"),
        "angry.md": note_text(slug="angry", title="नामली सूचना", tags="😡"),
    }
    content = new_content(tmp_path, notes)
    for name in ("public", "later", "due", "draft", "hidden"):
        photo(content / "images" / f"{name}.jpg")
    output = tmp_path / "output"
    build_site(content, output)
    published = {p.name for p in (output / "images").rglob("*.jpg")}
    assert any(n.startswith("public") for n in published)
    assert any(n.startswith("due") for n in published)
    for name in ("later", "draft", "hidden"):
        assert not any(n.startswith(name) for n in published), published
    html = "".join(p.read_text("utf-8") for p in output.rglob("*.html"))
    xml = "".join(p.read_text("utf-8") for p in (output / "feeds").rglob("*.xml"))
    assert "/later/" not in html and "/later/" not in xml
    assert (output / "2026/01/due/index.html").is_file()
    tag_pages = [p.parent.name for p in (output / "tag").glob("*/index.html")]
    assert len([t for t in tag_pages if t.startswith("tag-")]) == 2


def test_an_empty_modified_line_is_named_by_the_check(rules):
    # Before: it passed the check and stopped the build with a bare
    # "Could not process".
    (problem,) = problems_of(note_text(modified=""), rules)
    assert problem.field == "modified" and problem.line == 10


def test_a_linked_note_or_folder_outside_content_is_refused(tmp_path):
    content = new_content(tmp_path, {"a.md": note_text()})
    secret = tmp_path / "secret.md"
    secret.write_text(note_text(slug="secret"), encoding="utf-8")
    (content / "notes" / "b.md").symlink_to(secret)
    (content / "pages" / "elsewhere").symlink_to(tmp_path)
    problems = check_site(content)
    assert sorted(Path(p.path).name for p in problems) == ["b.md", "elsewhere"]
    assert all("symbolic link" in p.message for p in problems)


def test_a_whole_note_in_kruti_dev_is_one_problem_at_its_first_line(rules):
    text = note_text(title=KRUTIDEV_REPORTER, summary=KRUTIDEV_REPORTER)
    (problem,) = problems_of(text, rules)
    assert (problem.line, problem.field) == (1, "title")


@pytest.mark.parametrize("field", ["title", "date", "tags", "image", "slug"])
def test_a_field_continued_on_an_indented_line_is_named(rules, field):
    # Pelican keeps only the first line of date, tags or slug, and makes a
    # list of a title: the checks read the whole value.
    text = note_text(**{field: "x\n    y"})
    problems = [p for p in problems_of(text, rules) if "indented line" in p.message]
    (problem,) = problems
    assert problem.field == field


def test_a_summary_may_go_on_over_an_indented_line(rules):
    text = note_text(summary="नामली थाने में समझाइश\n    दी गई।")
    assert problems_of(text, rules) == []

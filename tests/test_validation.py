"""Bad input: one clear message per problem, and nothing published is lost."""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
from pathlib import Path

import pytest
from pelican.settings import read_settings
from support import ROOT, SETTINGS, build_site, new_content, note_text, read_html

from plugins.core.errors import BuildFailed
from plugins.press_notes.press_notes import registry_for
from plugins.press_notes.validate import Rules, check_note, check_notes
from scripts.build import previous_path, staging_path


@pytest.fixture(scope="module")
def rules():
    settings = read_settings(SETTINGS)
    return Rules(registry=registry_for(settings), content_root=ROOT / "content")


def problems_of(text, rules):
    _, problems = check_note("content/notes/x.md", text, rules)
    return problems


def test_a_valid_note_has_no_problems(rules):
    assert problems_of(note_text(), rules) == []


def test_missing_title_names_file_and_field(rules):
    (problem,) = problems_of(note_text(title=None), rules)
    assert problem.path == "content/notes/x.md"
    assert problem.field == "title"
    assert "title: …" in problem.message


@pytest.mark.parametrize(
    "value",
    ["कल सुबह", "2026-13-01 10:00", "2026-11-31 10:00", "24/11/2026", "2026-11-24"],
)
def test_unparseable_date_points_at_its_line(rules, value):
    (problem,) = problems_of(note_text(date=value), rules)
    assert problem.field == "date"
    assert problem.line == 2
    assert "YYYY-MM-DD HH:MM" in problem.message


def test_missing_date(rules):
    (problem,) = problems_of(note_text(date=None), rules)
    assert problem.field == "date" and "missing" in problem.message


def test_unknown_thana_suggests_the_registered_name(rules):
    (problem,) = problems_of(note_text(thana="बिलपाक"), rules)
    assert problem.field == "thana"
    assert problem.line == 4
    assert "'बिलपांक'" in problem.message
    assert "thanas.toml" in problem.message


def test_thana_alias_is_accepted(rules):
    alias = next(a for t in rules.registry.thanas for a in t.aliases)
    assert problems_of(note_text(thana=alias), rules) == []


def test_unknown_category_and_field_and_bad_slug(rules):
    problems = problems_of(
        note_text(category="खेल", slug="बिलपांक-बैठक", thaana="नामली"), rules
    )
    assert {p.field for p in problems} == {"category", "slug", "thaana"}
    (typo,) = [p for p in problems if p.field == "thaana"]
    assert "did you mean 'thana'" in typo.message


def test_photo_must_exist_and_have_alt_text(rules):
    problems = problems_of(note_text(image="images/nahin-hai.jpg"), rules)
    assert {p.field for p in problems} == {"image", "image_alt"}


AGAIN = "; save the photo again as JPEG, PNG or WebP and put it in its place"


@pytest.mark.parametrize(
    ("data", "says", "fix"),
    [
        (b"", "is not a photo that can be read", AGAIN),
        (b"\xff\xd8\xff\xe0 half a photo", "is not a photo that can be read", AGAIN),
        ("huge", "is 12000×12000 pixels, too large to publish", "; save it smaller"),
        ("cut", "is not a photo that can be read", AGAIN),
        ("gif", "is a GIF file", "; save it as JPEG, PNG or WebP"),
        (
            "png",
            "is a PNG file but its name ends in .jpg",
            "; rename it to end in .png",
        ),
    ],
)
def test_a_photo_that_cannot_be_read_is_named_with_the_fix(
    rules, tmp_path, data, says, fix
):
    from PIL import Image

    photo = tmp_path / "images/p.jpg"
    photo.parent.mkdir()
    if data == "huge":  # a PNG header claiming 12,000 × 12,000 pixels
        Image.new("1", (12_000, 12_000)).save(photo, "PNG")
    elif data == "cut":  # a JPEG cut short: its header reads, its picture not
        whole = io.BytesIO()
        Image.effect_noise((800, 600), 60).convert("RGB").save(whole, "JPEG")
        photo.write_bytes(whole.getvalue()[:4000])
    elif data in ("gif", "png"):
        Image.new("RGB", (80, 60), "red").save(photo, data.upper())
    else:
        photo.write_bytes(data)
    here = Rules(registry=rules.registry, content_root=tmp_path)
    text = note_text(image="images/p.jpg", image_alt="चित्र")
    [problem] = problems_of(text, here)
    assert (problem.field, problem.line) == ("image", 10)
    assert problem.message.startswith(f"'images/p.jpg' {says}")  # the photo named
    assert fix in problem.message


@pytest.mark.parametrize(
    ("image", "says"),
    [
        ("./images/p.jpg", "write the photo's path from content/"),
        ("images/../images/p.jpg", "write the photo's path from content/"),
        ("images/p-480w.jpg", "kept for the smaller copies"),
    ],
)
def test_how_a_note_names_its_photo(rules, image, says):
    problems = problems_of(note_text(image=image, image_alt="चित्र"), rules)
    assert [p.field for p in problems] == ["image"] and says in problems[0].message


def test_every_problem_in_every_note_in_one_run(rules):
    notes = [
        ("a.md", note_text(title=None, date="परसों")),
        ("b.md", note_text(thana="मुंबई", slug="b")),
        ("c.md", note_text(slug="b")),  # same month and slug as b.md
    ]
    problems = check_notes(notes, rules)
    assert {(p.path, p.field) for p in problems} == {
        ("a.md", "title"),
        ("a.md", "date"),
        ("b.md", "thana"),
        ("c.md", "slug"),
    }
    (clash,) = [p for p in problems if p.path == "c.md"]
    assert "already used by b.md" in clash.message


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_failed_build_reports_all_problems_and_keeps_the_old_site(tmp_path):
    content = new_content(tmp_path, {"2026/10/good.md": note_text()})
    output = tmp_path / "output"
    build_site(content, output)
    before = _snapshot(output)
    assert "2026/10/namli-yatayat-shivir/index.html" in before

    (content / "notes" / "2026/10/no-title.md").write_text(
        note_text(title=None, slug="no-title"), encoding="utf-8"
    )
    (content / "notes" / "2026/10/bad-date.md").write_text(
        note_text(date="कल", slug="bad-date"), encoding="utf-8"
    )
    (content / "notes" / "2026/10/bad-thana.md").write_text(
        note_text(thana="अज्ञात थाना", slug="bad-thana"), encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as failure:
        build_site(content, output)
    message = str(failure.value)
    assert "3 problems" in message
    assert "no-title.md:1 [title]" not in message  # missing: no line to point at
    assert "no-title.md [title]" in message
    assert "bad-date.md:2 [date]" in message
    assert "bad-thana.md:4 [thana]" in message
    assert _snapshot(output) == before
    assert not staging_path(output).exists()
    assert not previous_path(output).exists()


def test_a_template_error_also_keeps_the_old_site(tmp_path):
    content = new_content(tmp_path, {"2026/10/good.md": note_text()})
    output = tmp_path / "output"
    build_site(content, output)
    before = _snapshot(output)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "article.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ article.nothing.here }}"
        "{% endblock %}",
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed):
        build_site(content, output, THEME=str(theme))
    assert _snapshot(output) == before


def test_raw_html_is_sanitized_with_a_warning(tmp_path, caplog):
    body = (
        'पहला अनुच्छेद <span onclick="steal()">क्लिक</span>.\n\n'
        "<script>alert('x')</script>\n\n"
        '<a href="javascript:alert(1)">लिंक</a> और <a href="/parichay/">परिचय</a>\n\n'
        '<img src="/x.png" onerror="steal()" alt="चित्र">'
    )
    content = new_content(tmp_path, {"2026/10/html.md": note_text(body=body)})
    output = tmp_path / "output"
    with caplog.at_level(logging.WARNING):
        build_site(content, output)
    page = (output / "2026/10/namli-yatayat-shivir/index.html").read_text(
        encoding="utf-8"
    )
    soup = read_html(output / "2026/10/namli-yatayat-shivir/index.html")
    # the only scripts are the schema.org data blocks of plugins/seo
    scripts = soup.find_all("script")
    assert scripts and all(s["type"] == "application/ld+json" for s in scripts)
    assert "<script" not in str(soup.find("div", class_="content"))
    assert "alert(" not in page
    assert "onclick" not in page and "onerror" not in page
    assert "javascript:" not in page
    assert soup.find("a", href="/parichay/")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        "html.md" in w and "unsafe HTML" in w and "<script>" in w for w in warnings
    )


def test_text_fields_are_escaped_not_interpreted(tmp_path):
    title = "<script>alert(1)</script> & <b>नामली</b>"
    content = new_content(tmp_path, {"2026/10/t.md": note_text(title=title)})
    output = tmp_path / "output"
    build_site(content, output)
    page = output / "2026/10/namli-yatayat-shivir/index.html"
    assert "<script>" not in page.read_text(encoding="utf-8")
    assert read_html(page).h1.get_text() == title


def test_station_names_match_whatever_nukta_form_the_keyboard_typed(rules):
    # कालूखेड़ा typed with ड़ as one code point (U+095C)
    precomposed = "\u0915\u093e\u0932\u0942\u0916\u0947\u095c\u093e"
    assert problems_of(note_text(thana=precomposed), rules) == []


def test_registry_slug_is_romanized_from_the_name_when_left_out():
    from plugins.press_notes.registry import parse_thanas

    data = {
        "district": {"name": "रतलाम"},
        "thana": [
            {"name": "दीनदयाल नगर", "area": "रतलाम शहर"},
            {"name": "नामली", "area": "रतलाम ग्रामीण", "slug": "namli-thana"},
        ],
    }
    district, thanas, problems = parse_thanas(data, "thanas.toml", "thana/{slug}/")
    assert problems == []
    assert district.slug == "ratlam"
    assert [t.url for t in thanas] == ["thana/deendayal-nagar/", "thana/namli-thana/"]


@pytest.mark.parametrize(
    ("alias", "found"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("नामली\u0007कस्बा", "U+0007"),
        ("नाम\x00ली", "U+0000"),
    ],
)
def test_a_stations_blank_or_unpublishable_spelling_is_a_problem(alias, found):
    """Other spellings are printed among a note page's search words and
    name the station a note may give: a blank one or one holding a control
    character is refused as a name or an area is, naming the field.
    """
    from plugins.press_notes.registry import parse_thanas

    data = {
        "district": {"name": "रतलाम"},
        "thana": [{"name": "नामली", "area": "रतलाम ग्रामीण", "aliases": ["ok", alias]}],
    }
    _district, thanas, problems = parse_thanas(data, "thanas.toml", "thana/{slug}/")
    assert [(p.path, p.field) for p in problems] == [
        ("thanas.toml [[thana]] #1", "aliases")
    ]
    assert found in problems[0].message
    assert thanas[0].aliases == ("ok",)


# ---- a photo named another way than its path from content/ -----------------------


@pytest.fixture(scope="module")
def photo_content(tmp_path_factory, rules):
    from PIL import Image

    content = tmp_path_factory.mktemp("photos") / "content"
    for rel in ("images/2026/11/bilpank-baithak.jpg", "notes/2026/10/alot-chori.jpg"):
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (80, 60), "red").save(content / rel, "JPEG")
    return Rules(registry=rules.registry, content_root=content)


WRITE = (
    "फ़ोटो content/images/2026/11/bilpank-baithak.jpg में मिली; "
    "लिखें: image: images/2026/11/bilpank-baithak.jpg"
)


@pytest.mark.parametrize(
    ("image", "says"),
    [
        ("content/images/2026/11/bilpank-baithak.jpg", WRITE),
        ("images\\2026\\11\\bilpank-baithak.jpg", WRITE),
        ("images/2026/11/Bilpank-Baithak.JPG", WRITE),
        # beside the note: where to put it, and the line (the note's month)
        (
            "alot-chori.jpg",
            (
                "'alot-chori.jpg' content/images/ में नहीं है; फ़ोटो "
                "content/notes/2026/10/alot-chori.jpg में मिली; उसे "
                "content/images/2026/10/ में रखें और लिखें: image: "
                "images/2026/10/alot-chori.jpg"
            ),
        ),
        # a misspelt name: the photo in that folder it may be
        (
            "images/2026/11/bilpank-baithk.jpg",
            "; क्या आपका मतलब 'images/2026/11/bilpank-baithak.jpg' था?",
        ),
    ],
)
def test_a_photo_path_message_says_exactly_what_to_write(
    photo_content, monkeypatch, image, says
):
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    text = note_text(image=image, image_alt="चित्र")
    [problem] = problems_of(text, photo_content)
    assert (problem.field, problem.line) == ("image", 10)
    assert problem.message.startswith(f"'{image}' ")
    assert says in problem.message


def test_no_folder_outside_content_is_listed_for_a_photo_hint(photo_content):
    outside = photo_content.content_root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.jpg").write_bytes(b"x")
    for image in (
        "../outside/secre.jpg",
        "images/../../outside/secret.jpg",
        "images\\..\\..\\outside\\secret.jpg",  # read as images/../..
    ):
        [problem] = problems_of(note_text(image=image, image_alt="चित्र"), photo_content)
        assert "secret" not in problem.message.replace(image, ""), problem.message


def test_a_category_description_is_text_typed_either_way_and_nothing_else():
    """A description is NFC text as the names are (a keyboard's ड़ in two
    code point reads as the other keyboard's two); a number or a table
    given as the description is named, not printed as Python would.
    """
    from plugins.press_notes.registry import parse_categories

    one_point = "\u0938\u095c\u0915 \u0938\u0941\u0930\u0915\u094d\u0937\u093e"
    data = {
        "category": [
            {"name": "यातायात", "slug": "yatayat", "description": one_point},
            {"name": "अपराध", "slug": "apradh", "description": {"a": 1}},
            {"name": "सूचना", "slug": "suchna", "description": 12},
            {"name": "अन्य", "slug": "anya"},
        ]
    }
    categories, problems = parse_categories(data, "categories.toml", "c/{slug}/")
    two_points = "\u0938\u0921\u093c\u0915 \u0938\u0941\u0930\u0915\u094d\u0937\u093e"
    assert categories[0].description == two_points
    assert categories[3].description == ""
    assert [(p.path, p.field) for p in problems] == [
        ("categories.toml [[category]] #2", "description"),
        ("categories.toml [[category]] #3", "description"),
    ]
    assert all("must be a text value" in p.message for p in problems)

"""Slugs made from Hindi titles in the build, `invoke new` and `invoke slugify`."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from pelican.settings import read_settings
from support import ROOT, SETTINGS, build_site, new_content, note_text, read_html

from plugins.core.errors import CommandError
from plugins.core.header import scan_header
from plugins.press_notes.press_notes import registry_for
from plugins.press_notes.validate import Rules, check_note
from scripts.new_note import NewNoteError, create_note, pick_name, split_new_words

INVOKE = [sys.executable, "-m", "invoke"]
IST = timezone(timedelta(hours=5, minutes=30))  # Indian time, written out here


@pytest.fixture(scope="module")
def registry():
    return registry_for(read_settings(SETTINGS))


def test_a_note_without_slug_gets_a_readable_one_and_twins_get_a_suffix(tmp_path):
    title = "आलोट थाने में अवैध शराब जब्त"
    content = new_content(
        tmp_path,
        {
            "2026/10/b.md": note_text(title=title, slug=None, date="2026-10-09 10:00"),
            "2026/10/a.md": note_text(title=title, slug=None, date="2026-10-02 10:00"),
            "2026/10/c.md": note_text(slug="apna-slug", date="2026-10-03 10:00"),
        },
    )
    output = tmp_path / "output"
    build_site(content, output)
    older = output / "2026/10/alot-thane-mein-avaidh-sharab-jabt/index.html"
    newer = output / "2026/10/alot-thane-mein-avaidh-sharab-jabt-2/index.html"
    assert "2026-10-02" in read_html(older).time["datetime"]
    assert "2026-10-09" in read_html(newer).time["datetime"]
    assert (output / "2026/10/apna-slug/index.html").is_file()


def test_tags_get_romanized_urls(site):
    note = read_html(
        site / "2026/11/bilpank-gram-nagar-raksha-samiti-baithak/index.html"
    )
    hrefs = {a.get_text(strip=True): a["href"] for a in note.select(".tags a")}
    assert hrefs["ग्राम रक्षा समिति"] == "/tag/gram-raksha-samiti/"
    for href in hrefs.values():
        assert href.isascii()
        assert (site / href.strip("/") / "index.html").is_file()


def test_create_note_fills_every_field_and_never_overwrites(tmp_path, registry):
    notes = tmp_path / "notes"
    when = datetime(2026, 11, 27, 9, 5, tzinfo=IST)
    path = create_note(
        notes,
        registry,
        title="आलोट थाने में अवैध शराब जब्त",
        thana="आलोट",
        category="अपराध",
        reporter="रेखा चौहान",
        now=when,
    )
    assert path == notes / "2026/11/alot-thane-mein-avaidh-sharab-jabt.md"
    header = scan_header(path.read_text(encoding="utf-8"))
    assert header.value("date") == "2026-11-27 09:05"
    assert header.value("thana") == "आलोट"
    assert header.value("reporter") == "रेखा चौहान"
    assert header.value("district") == "रतलाम"
    # Only what the reporter must still write is reported.
    _, problems = check_note(
        str(path),
        path.read_text(encoding="utf-8"),
        Rules(registry=registry, content_root=tmp_path),
    )
    assert {p.field for p in problems} == {"summary", None}  # summary and body
    first = path.read_bytes()
    again = create_note(
        notes,
        registry,
        title="आलोट थाने में अवैध शराब जब्त",
        thana="आलोट",
        reporter="रेखा चौहान",
        now=when,
    )
    assert again.name == "alot-thane-mein-avaidh-sharab-jabt-2.md"
    assert path.read_bytes() == first  # the first note is left as it was
    second = scan_header(again.read_text(encoding="utf-8"))
    assert second.value("title") == "आलोट थाने में अवैध शराब जब्त"
    assert second.value("slug") == "alot-thane-mein-avaidh-sharab-jabt-2"
    assert second.value("thana") == "आलोट"
    assert second.value("reporter") == "रेखा चौहान"
    assert second.value("date") == "2026-11-27 09:05"


def test_create_note_refuses_unknown_station(tmp_path, registry):
    with pytest.raises(NewNoteError, match="did you mean 'बिलपांक'"):
        create_note(tmp_path, registry, title="बैठक", thana="बिलपाक", reporter="x")


def test_invoke_new_and_slugify_from_the_command_line(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("tasks.py", "pelicanconf.py"):
        (repo / name).write_text((ROOT / name).read_text(encoding="utf-8"))
    (repo / "theme").symlink_to(ROOT / "theme")
    new_content(repo)
    env = {
        "PYTHONPATH": str(ROOT),
        "BULLETIN_REPORTER": "संजय पाटीदार",
        "BULLETIN_LANG": "en",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [*INVOKE, "new", "नामली में हेलमेट जागरूकता रैली", "--thana", "नामली"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "created content/notes/" in done.stdout
    (created,) = (repo / "content/notes").rglob("*.md")
    assert created.name == "namli-mein-helmet-jagrukta-rally.md"
    assert "reporter: संजय पाटीदार" in created.read_text(encoding="utf-8")
    before = created.read_bytes()
    slugs = subprocess.run(
        [*INVOKE, "slugify", "मनोहर मालवीय", "-m", "सड़क सुरक्षा"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert slugs.stdout.split() == ["manohar-malviya", "sadak-suraksha"]
    assert created.read_bytes() == before


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("new", "--thana=STRING"),
        ("slugify", "--text=STRING"),
        ("krutidev", "--output=STRING"),
        ("ingest", "--dry-run"),
        ("server-config", "--root=STRING"),
    ],
)
def test_help_after_a_command_name_prints_its_help_and_does_nothing(
    tmp_path, command, option
):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("tasks.py", "pelicanconf.py"):
        (repo / name).write_text((ROOT / name).read_text(encoding="utf-8"))
    (repo / "theme").symlink_to(ROOT / "theme")
    new_content(repo)
    before = sorted(p for p in repo.rglob("*") if "__pycache__" not in p.parts)
    done = subprocess.run(
        [*INVOKE, command, "--help"],
        cwd=repo,
        env={"PYTHONPATH": str(ROOT), "BULLETIN_LANG": "en", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Usage: inv[oke] [--core-opts] {command} ")
    assert option in done.stdout
    after = sorted(p for p in repo.rglob("*") if "__pycache__" not in p.parts)
    assert after == before


def test_new_without_a_station_asks_for_one(tmp_path, registry):
    with pytest.raises(NewNoteError, match=r"^new: give the note's police station"):
        create_note(tmp_path, registry, title="बैठक", thana=" ", reporter="x")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # the README's form, quotes and all
        (["आलोट में चोरी", "--thana", "आलोट"], {"title": "आलोट में चोरी", "thana": "आलोट"}),
        # no quotes: the longest registry name, then the title's words
        (
            ["जावरा", "में", "चोरी", "--thana", "जावरा", "औद्योगिक", "क्षेत्र"],
            {"title": "जावरा में चोरी", "thana": "जावरा औद्योगिक क्षेत्र"},
        ),
        (
            ["--thana", "जावरा", "शहर", "जावरा", "में", "चोरी"],
            {"thana": "जावरा शहर", "title": "जावरा में चोरी"},
        ),
        (
            ["--category", "जन", "जागरूकता", "शिविर", "--thana", "jaora-shahar"],
            {"category": "जन जागरूकता", "title": "शिविर", "thana": "jaora-shahar"},
        ),
        # no name matches: every word up to the next option (the picker
        # then names the closest)
        (
            ["बैठक", "--thana", "जावरा", "सहर", "--reporter", "रमेश", "कुमार"],
            {"title": "बैठक", "thana": "जावरा सहर", "reporter": "रमेश कुमार"},
        ),
        (["--title=बैठक", "--thana=नामली"], {"title": "बैठक", "thana": "नामली"}),
        (["--thana", "आलोट"], {"thana": "आलोट"}),
    ],
)
def test_the_words_of_invoke_new(registry, words, expected):
    assert split_new_words(words, registry) == expected


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["बैठक", "--thana"], 'new: --thana needs a value after it, e.g. --thana "'),
        (["बैठक", "--thana", "--category", "अपराध"], "new: --thana needs a value"),
        (["बैठक", "--thana", "आलोट", "--catgory", "x"], "did you mean '--category'"),
        (["बैठक", "-t", "आलोट"], "new: there is no option -t;"),
        (["बैठक", "--thana", "आलोट", "--thana", "ताल"], "--thana is given twice"),
        (["बैठक", "--title", "सभा", "--thana", "आलोट"], "belongs to no option"),
        (
            ["--reporter", "रमेश", "आलोट", "में", "चोरी", "--thana", "आलोट"],
            "took every word up to the next option ('रमेश आलोट में चोरी')",
        ),
        # two names end where the title may begin: a station
        # (औद्योगिक क्षेत्र) and another's alias (औद्योगिक क्षेत्र जावरा)
        (
            ["--thana", "औद्योगिक", "क्षेत्र", "जावरा", "रोड", "पर", "दुर्घटना"],
            (
                "can be read two ways ('औद्योगिक क्षेत्र जावरा' or 'औद्योगिक "
                "क्षेत्र', the rest being the title); put the name in quotes: "
                '--thana "औद्योगिक क्षेत्र"'
            ),
        ),
    ],
)
def test_slips_in_the_words_of_invoke_new(registry, words, message):
    with pytest.raises(NewNoteError) as refused:
        split_new_words(words, registry)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("जावरा शहर", "जावरा शहर"),
        ("जावरा  शहर ", "जावरा शहर"),  # spacing as typed
        ("जावरा सिटी", "जावरा शहर"),  # an alias
        ("Jaora-Shahar", "जावरा शहर"),  # the URL name, any case
        ("namli", "नामली"),
    ],
)
def test_one_picker_takes_a_name_an_alias_or_the_url_name(registry, typed, name):
    assert pick_name(typed, registry.thana_by_name, "thana", "t.toml") == name


def test_the_picker_lists_the_names_starting_with_what_was_typed(registry):
    with pytest.raises(CommandError) as refused:
        pick_name("jaora", registry.thana_by_name, "thana", "thanas.toml")
    said = str(refused.value)
    assert "--thana 'jaora' is not in thanas.toml" in said
    assert "जावरा शहर (jaora-shahar), जावरा औद्योगिक क्षेत्र (jaora-audyogik" in said
    assert "नामली" not in said


def test_a_started_note_is_a_draft(tmp_path, registry):
    path = create_note(
        tmp_path, registry, title="बैठक", thana="jaora-shahar", reporter=""
    )
    header = scan_header(path.read_text(encoding="utf-8"))
    assert header.value("status") == "draft"
    assert header.value("thana") == "जावरा शहर"

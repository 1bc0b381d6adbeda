"""Slugs made from Hindi titles in the build, `invoke new` and `invoke slugify`."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from pelican.settings import read_settings
from support import ROOT, SETTINGS, build_site, new_content, note_text, read_html

from plugins.core.header import scan_header
from plugins.press_notes.press_notes import registry_for
from plugins.press_notes.validate import Rules, check_note
from scripts.new_note import NewNoteError, create_note

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

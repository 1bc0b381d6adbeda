"""A draft not ready to publish (what `invoke ingest` writes: `status: draft`
with fields left empty) never holds up the other notes: the build leaves it
out with a warning naming it, `invoke check` lists what to fill in it apart
from the problems that stop the build, and a note to publish with the same
problems still stops the build.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from support import ROOT, build_site, forget_logged_warnings, new_content, note_text
from test_ingest_run import NOW, make_zip, settings_for

from plugins.core.errors import BuildFailed, CommandError, ContentError
from scripts.check import check
from scripts.ingest import run

# Pasted by a reporter: no station, no byline. Ingest leaves them empty.
MESSAGE = (
    "*बाजार में दुकानदारों की बैठक आयोजित*\n"
    "दुकानदारों को सीसीटीवी कैमरे लगाने और रात में दुकानें बंद करते समय "
    "सावधानी बरतने की सलाह दी गई। बैठक में कई व्यापारी उपस्थित रहे।\n"
)
GOOD = "2026/10/namli-yatayat-shivir.md"


def ingested_draft(content: Path) -> Path:
    before = set((content / "notes").rglob("*.md"))
    run(settings_for(content), "-", stdin=MESSAGE, now=NOW)
    (draft,) = set((content / "notes").rglob("*.md")) - before
    assert "status: draft" in draft.read_text(encoding="utf-8")
    return draft


def settings_file(tmp_path: Path, content: Path) -> str:
    conf = tmp_path / "conf.py"
    conf.write_text(
        "from pelicanconf import *\n"
        f"PATH = {str(content)!r}\n"
        f"CACHE_PATH = {str(tmp_path / 'check-cache')!r}\n",
        encoding="utf-8",
    )
    return str(conf)


@pytest.fixture
def with_root():
    sys.path.insert(0, str(ROOT))
    yield
    sys.path.remove(str(ROOT))


@pytest.mark.build
def test_an_unfinished_draft_does_not_stop_the_build_of_the_others(tmp_path, caplog):
    content = new_content(tmp_path, {GOOD: note_text()})
    draft = ingested_draft(content)
    output = tmp_path / "output"
    with caplog.at_level(logging.WARNING):
        result = build_site(content, output)
    assert (output / "2026/10/namli-yatayat-shivir/index.html").is_file()
    # the draft is on no page of the site, not even as a draft preview
    assert not any(
        draft.stem in p.read_text(encoding="utf-8", errors="replace")
        for p in output.rglob("*.html")
    )
    assert not list(output.rglob(f"*{draft.stem}*"))
    (warning,) = [r for r in caplog.records if "not ready" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert draft.name in warning.getMessage()
    assert result.warnings >= 1


@pytest.mark.build
def test_a_published_note_with_the_same_gaps_still_stops_the_build(tmp_path):
    content = new_content(tmp_path, {GOOD: note_text()})
    draft = ingested_draft(content)
    text = draft.read_text(encoding="utf-8")
    draft.write_text(
        text.replace("status: draft", "status: published"), encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as e:
        build_site(content, tmp_path / "output")
    assert f"{draft.name}:4 [thana]" in str(e.value)


def test_the_check_lists_what_a_draft_lacks_apart(tmp_path, with_root):
    content = new_content(tmp_path, {GOOD: note_text()})
    draft = ingested_draft(content)
    conf = settings_file(tmp_path, content)
    report = check(conf)  # no exception: nothing stops the build
    head, _, drafts = report.partition("\n")
    assert head.endswith("notes checked: nothing stops the build")
    assert drafts.startswith("1 draft not ready to publish")
    assert f"{draft.name}:4 [thana]" in drafts
    assert f"{draft.name}:7 [reporter]" in drafts
    # a reporter checking their own draft sees what to fill, as a failure
    with pytest.raises(ContentError) as e:
        check(conf, str(draft))
    assert {p.field for p in e.value.problems} == {"thana", "reporter"}
    assert check(conf, str(content / "notes" / GOOD)).endswith("no problems")


def test_the_check_keeps_drafts_apart_from_problems_that_stop_the_build(
    tmp_path, with_root
):
    broken = note_text(thana="अज्ञात", slug="broken")
    content = new_content(tmp_path, {GOOD: note_text(), "2026/10/b.md": broken})
    draft = ingested_draft(content)
    with pytest.raises(ContentError) as e:
        check(settings_file(tmp_path, content))
    shown = str(e.value)
    stops, _, drafts = shown.partition("not ready to publish")
    assert "b.md:4 [thana]" in stops and draft.name not in stops
    assert f"{draft.name}:4 [thana]" in drafts and "b.md" not in drafts


@pytest.mark.build
def test_the_photo_of_a_draft_not_ready_is_not_published(tmp_path, caplog):
    content = new_content(tmp_path, {GOOD: note_text()})
    run(settings_for(content), str(make_zip(tmp_path / "chat.zip")), now=NOW)
    photos = [p for p in (content / "images").rglob("*") if p.is_file()]
    assert photos  # the drafts have photos, and no 'image_alt' yet
    output = tmp_path / "output"
    with caplog.at_level(logging.WARNING):
        build_site(content, output)
    assert (output / "2026/10/namli-yatayat-shivir/index.html").is_file()
    for photo in photos:
        assert not list(output.rglob(f"{photo.stem}*")), photo.name


def test_a_draft_using_a_published_note_s_address_is_the_one_not_ready(
    tmp_path, with_root
):
    # the draft's path sorts first: the clash is still the draft's problem
    notes = {
        GOOD: note_text(),
        "2026/10/a-draft.md": note_text(status="draft"),
    }
    content = new_content(tmp_path, notes)
    report = check(settings_file(tmp_path, content))
    assert report.split("\n")[0].endswith("nothing stops the build")
    (clash,) = [line for line in report.split("\n") if "already used by" in line]
    assert "a-draft.md" in clash.split("already used by")[0]


@pytest.mark.build
def test_a_draft_that_is_not_utf8_is_listed_and_left_out(tmp_path, with_root):
    content = new_content(tmp_path, {GOOD: note_text()})
    draft = content / "notes" / "2026" / "10" / "purana.md"
    draft.write_bytes(
        note_text(status="draft", slug="purana").encode("utf-8") + b"caf\xe9\n"
    )
    report = check(settings_file(tmp_path, content))
    assert "nothing stops the build" in report
    assert "purana.md: the file is not UTF-8 text" in report.split("\n", 1)[1]
    build_site(content, tmp_path / "output")
    assert (tmp_path / "output/2026/10/namli-yatayat-shivir/index.html").is_file()
    # the same file to publish still stops the check
    draft.write_bytes(note_text(slug="purana").encode("utf-8") + b"caf\xe9\n")
    with pytest.raises(ContentError, match="not UTF-8"):
        check(settings_file(tmp_path, content))


def test_a_link_to_a_draft_left_out_or_to_no_file_is_named(tmp_path, with_root):
    linking = note_text(
        slug="jodne-wali",
        body=(
            "नामली थाना पुलिस ने शिविर लगाया। पिछली खबर "
            "[यहाँ]({filename}/notes/2026/11/adhura.md) और "
            "[वहाँ]({filename}nahin-hai.md) पढ़ें।"
        ),
    )
    content = new_content(
        tmp_path,
        {
            GOOD: note_text(),
            "2026/10/jodne-wali.md": linking,
            "2026/11/adhura.md": note_text(status="draft", thana="", slug="adhura"),
        },
    )
    with pytest.raises(ContentError) as e:
        check(settings_file(tmp_path, content))
    stops = {(p.path.rsplit("/", 1)[-1], p.line) for p in e.value.problems}
    assert stops == {("jodne-wali.md", 11)}
    shown = str(e.value)
    assert "{filename}/notes/2026/11/adhura.md' leads to a draft not ready" in shown
    assert "{filename}nahin-hai.md' leads to no file under content/" in shown


def linking_to(target: str, **fields) -> str:
    body = f"नामली थाना पुलिस ने शिविर लगाया। पिछली खबर [यहाँ]({{filename}}{target}) पढ़ें।"
    return note_text(body=body, **fields)


def test_a_note_unchanged_since_it_passed_is_named_when_the_draft_it_links_is_not_ready(
    tmp_path, with_root
):
    """The check remembers the notes that passed, and skips them while they
    are unchanged; a link of theirs to a draft that is no longer ready is
    named all the same.
    """
    draft = note_text(status="draft", slug="adhura", title="अधूरी खबर")
    content = new_content(
        tmp_path,
        {
            GOOD: note_text(),
            "2026/10/jodne-wali.md": linking_to(
                "/notes/2026/11/adhura.md", slug="jodne-wali", title="जोड़ने वाली खबर"
            ),
            "2026/11/adhura.md": draft,
        },
    )
    conf = settings_file(tmp_path, content)
    assert check(conf) == "3 notes checked: no problems"
    # the draft loses its station: it is left out of the build
    (content / "notes/2026/11/adhura.md").write_text(
        draft.replace("thana: नामली", "thana: "), encoding="utf-8"
    )
    with pytest.raises(ContentError) as e:
        check(conf)
    stops = {(p.path.rsplit("/", 1)[-1], p.line) for p in e.value.problems}
    assert stops == {("jodne-wali.md", 11)}
    assert "leads to a draft not ready" in str(e.value)


@pytest.mark.build
def test_a_draft_linking_to_a_draft_left_out_stays_out_when_built_again(tmp_path):
    content = new_content(
        tmp_path,
        {
            GOOD: note_text(),
            "2026/11/jodne.md": linking_to("adhura.md", status="draft", slug="jodne"),
            "2026/11/adhura.md": note_text(status="draft", thana="", slug="adhura"),
        },
    )
    output = tmp_path / "output"
    for _ in range(2):  # the second time, the linking draft's check is remembered
        forget_logged_warnings()
        build_site(content, output)
        assert (output / "2026/10/namli-yatayat-shivir/index.html").is_file()
        assert not list(output.rglob("*jodne*"))
        assert not list(output.rglob("*adhura*"))


def test_a_note_that_is_a_link_is_never_read_nor_passed(tmp_path, with_root):
    content = new_content(tmp_path, {GOOD: note_text()})
    secret = tmp_path / "secret.md"
    secret.write_text(
        "sshd_user: x\npostgres_user: y\n\nsecret text\n", encoding="utf-8"
    )
    link = content / "notes" / "2026" / "10" / "evil.md"
    link.symlink_to(secret)
    conf = settings_file(tmp_path, content)
    with pytest.raises(ContentError) as e:
        check(conf)
    shown = str(e.value)
    assert "evil.md: is a symbolic link" in shown
    assert "sshd_user" not in shown and "postgres_user" not in shown  # not read
    # the one-note check names the link, not a clean file behind it
    with pytest.raises(ContentError, match=r"evil\.md: is a symbolic link"):
        check(conf, str(link))
    with pytest.raises(CommandError):
        check(conf, str(secret))


def test_a_rename_hint_never_names_a_file_that_is_there(
    tmp_path, with_root, caplog, monkeypatch
):
    """d.MD beside d.md (the same note uploaded again from a phone): renaming
    it as told would replace d.md, a published note. Odd names get a name
    that is a note's."""
    content = new_content(tmp_path, {GOOD: note_text()})
    folder = content / "notes/2026/10"
    kept = {
        "d.md": note_text(slug="d-first"),
        "d.MD": note_text(slug="d-second"),
        "e.md ": note_text(slug="e-second"),
        "E.md": note_text(slug="e-first"),
        "f": note_text(slug="f-second"),
        "f.md": note_text(slug="f-first"),
        "f-2.md": note_text(slug="f-third"),
        "g.md.txt": note_text(slug="g-second"),
        "g.md": note_text(slug="g-first"),
        "k.md.": note_text(slug="k-note"),
        "j.Markdown": note_text(slug="j-note"),
        "h.md\u200b": note_text(slug="h-note"),
    }
    for name, text in kept.items():
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("BULLETIN_LANG", "en")
    forget_logged_warnings()
    with caplog.at_level(logging.WARNING):
        check(settings_file(tmp_path, content))
    said = {
        r.getMessage().split(": ", 1)[0].rsplit("/", 1)[1]: r.getMessage()
        for r in caplog.records
    }
    for name, other, free in [
        ("d.MD", "d.md", "d-2.md"),
        ("e.md ", "E.md", "e-2.md"),
        ("f", "f.md", "f-3.md"),
        ("g.md.txt", "g.md", "g-2.md"),
    ]:
        assert f"but {other} is already in this folder" in said[name], said[name]
        assert said[name].endswith(f"or rename this one to {free}"), said[name]
    for name, renamed in [
        ("k.md.", "k.md"),
        ("j.Markdown", "j.md"),
        ("h.md\u200b", "h.md"),
    ]:
        assert said[name].endswith(f"; rename it to {renamed}"), said[name]
    # nothing renamed or changed
    assert {
        p.name: p.read_text(encoding="utf-8")
        for p in folder.iterdir()
        if p.name in kept
    } == kept


def test_files_among_the_notes_that_are_not_notes_are_named_with_the_fix(
    tmp_path, with_root, caplog, monkeypatch
):
    content = new_content(tmp_path, {GOOD: note_text()})
    folder = content / "notes/2026/10"
    strays = {
        "notepad-khabar.md.txt": note_text(slug="txtnote").encode("utf-8"),
        "IMG_2026.JPG": b"\xff\xd8\xff\xe0 a photo",
        "press-note.docx": b"PK\x03\x04",
        "whatsapp.txt": "*खबर*".encode(),
        "notes.csv": b"a,b",
        # a note under a name the build does not read: rename, not move out
        "upper.MD": note_text(slug="uppernote").encode("utf-8"),
        "space.md ": note_text(slug="spacenote").encode("utf-8"),
        "no-suffix": note_text(slug="nosuffix").encode("utf-8"),
        # told to skip (IGNORE_FILES): not named
        "old.md.krutidev.bak": b"iqfyl",
        ".hidden.swp": b"",
    }
    for name, data in strays.items():
        (folder / name).write_bytes(data)
    (folder / ".obsidian").mkdir()  # an editor's hidden folder: not looked in
    (folder / ".obsidian/workspace.json").write_bytes(b"{}")
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    forget_logged_warnings()
    with caplog.at_level(logging.WARNING):
        report = check(settings_file(tmp_path, content))
    said = {
        r.getMessage().split(": ", 1)[0].rsplit("/", 1)[1]: r.getMessage()
        for r in caplog.records
    }
    assert sorted(said) == [
        "IMG_2026.JPG",
        "no-suffix",
        "notepad-khabar.md.txt",
        "notes.csv",
        "press-note.docx",
        "space.md ",
        "upper.MD",
        "whatsapp.txt",
    ]
    for name, renamed in [
        ("upper.MD", "upper.md"),
        ("space.md ", "space.md"),
        ("no-suffix", "no-suffix.md"),
    ]:
        assert said[name].endswith(f"इसका नाम बदलकर {renamed} करें"), said[name]
    assert said["notepad-khabar.md.txt"].endswith("इसका नाम बदलकर notepad-khabar.md करें")
    assert "content/images/YYYY/MM/ में रखें" in said["IMG_2026.JPG"]
    assert "Word या PDF फ़ाइल" in said["press-note.docx"]
    assert "invoke ingest FILE" in said["whatsapp.txt"]
    assert "content/notes/ से बाहर रखें" in said["notes.csv"]
    # warnings: the check passes, and the files are left as they were
    assert report.startswith("1 विज्ञप्ति जाँची गई: कोई समस्या नहीं")
    assert "8 चेतावनियाँ" in report
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name in strays} == (
        strays
    )

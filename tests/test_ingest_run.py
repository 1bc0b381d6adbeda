"""`invoke ingest` end to end: drafts written into a real content folder,
checked by the project's note checks, built by the real build."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican.settings import read_settings
from PIL import Image
from support import ROOT, SETTINGS, build_site, new_content, read_html

from plugins.core.header import scan_header
from plugins.press_notes import registry_for
from plugins.press_notes.validate import Rules, check_all
from scripts.ingest import IngestError, run
from scripts.ingest.driver import write_all

FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
SAMPLE = ROOT / "tests" / "fixtures" / "bilpank-meeting-kismat-news.txt"
IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=IST)
# What a draft may leave for the reporter to fill.
FLAGGABLE = {"thana", "category", "reporter", "summary", "image_alt"}
FILL = {
    "thana": "नामली",
    "category": "अपराध",
    "reporter": "बुलेटिन डेस्क",
    "summary": "एक पंक्ति का सारांश।",
    "image_alt": "घटनास्थल का फोटो",
}


def settings_for(content: Path) -> dict:
    return read_settings(SETTINGS, override={"PATH": str(content)})


def ingest_json(content: Path, source, **options) -> list[dict]:
    text = run(settings_for(content), str(source), as_json=True, now=NOW, **options)
    return json.loads(text)


def photo_bytes(color=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, "JPEG", quality=85)
    return out.getvalue()


def make_zip(path: Path) -> Path:
    """An Android 'Export chat' .zip: the chat text and two photos."""
    chat = "\n".join(
        [
            (
                "25/11/26, 18:30 - Messages and calls are end-to-end encrypted. "
                "No one outside of this chat, not even WhatsApp, can read or listen "
                "to them."
            ),
            "25/11/26, 18:38 - Thana Jaora: IMG-20261125-WA0001.jpg (file attached)",
            "25/11/26, 18:40 - Thana Jaora: *जावरा पुलिस ने चोरी की मोटरसाइकिल बरामद की*",
            (
                "रतलाम। जावरा शहर पुलिस ने वाहन चेकिंग के दौरान एक आरोपी से चोरी की दो "
                "मोटरसाइकिल जब्त कीं। आरोपी के विरुद्ध प्रकरण दर्ज कर विवेचना की जा रही है।"
            ),
            "रिपोर्ट सुनील शर्मा",
            "26/11/26, 09:05 - सुनील शर्मा: IMG-20261126-WA0002.jpg (file attached)",
            "*नामली थाने में गुम मोबाइल लौटाए गए*",
            (
                "नामली पुलिस ने साइबर सेल की मदद से 12 गुम मोबाइल फोन खोजकर उनके "
                "मालिकों को लौटाए। सभी मालिकों ने पुलिस का आभार व्यक्त किया और धन्यवाद दिया।"
            ),
            "26/11/26, 09:06 - सुनील शर्मा: 👍",
        ]
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("WhatsApp Chat with Ratlam Police.txt", chat + "\n")
        archive.writestr("IMG-20261125-WA0001.jpg", photo_bytes((200, 60, 40)))
        archive.writestr("IMG-20261126-WA0002.jpg", photo_bytes((40, 160, 60)))
    return path


@pytest.fixture
def sources(tmp_path) -> Path:
    """Every kind of source in one folder."""
    folder = tmp_path / "inbox"
    shutil.copytree(FIXTURES, folder)
    shutil.copy(SAMPLE, folder / "bilpank-message.txt")
    make_zip(folder / "WhatsApp Chat with Ratlam Police.zip")
    # a browser saves frames and scripts beside a page: not sources
    (folder / "wordpress-page_files" / "frame.html").write_text("<html></html>")
    return folder


def written_notes(content: Path) -> dict[str, str]:
    notes = content / "notes"
    return {
        str(p.relative_to(content)): p.read_text(encoding="utf-8")
        for p in sorted(notes.rglob("*.md"))
    }


def fill_flagged(text: str) -> str:
    """The note with every empty field a draft flags filled in."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line:
            break
        key, _, value = line.partition(":")
        if key in FILL and not value.strip():
            lines[i] = f"{key}: {FILL[key]}"
    return "\n".join(lines)


def check(content: Path, notes: dict[str, str]):
    """Every problem of the notes, a draft's included (they list what to fill)."""
    rules = Rules(registry_for(settings_for(content)), content)
    checked = check_all(list(notes.items()), rules)
    return checked.problems + checked.draft_problems


def test_dry_run_json_is_what_a_real_run_writes(tmp_path, sources):
    content = new_content(tmp_path)
    dry = ingest_json(content, sources, dry_run=True)
    assert not list((content / "notes").rglob("*.md"))
    assert not (content / "images").exists()
    real = ingest_json(content, sources)
    assert dry == real
    kinds = {d["source"].split()[0] for d in real}
    assert kinds == {"whatsapp", "whatsapp-chat", "article", "wordpress"}
    (krutidev,) = [d for d in real if "Kruti Dev" in d["source"]]
    assert krutidev["title"] == "बिलपांक थाने में ग्राम रक्षा समिति की बैठक"
    assert any("Kruti Dev" in w for w in krutidev["warnings"])
    notes = written_notes(content)
    assert len(notes) == len(real)
    # the sources hold photos: the check of each draft's photo below runs
    assert [d for d in real if d["image"]], "no draft with a photo"
    for draft in real:
        path = Path(draft["path"])
        header = scan_header(path.read_text(encoding="utf-8"))
        for key in ("title", "thana", "category", "reporter", "summary", "slug"):
            assert header.value(key) == draft[key], key
        assert header.value("status") == draft["status"]
        assert header.value("tags") == ", ".join(draft["tags"])
        assert header.value("source") == draft["source"]
        assert header.value("source_hash") == draft["source_hash"]
        assert header.value("source_url") == draft["source_url"]
        assert header.value("old_url") == draft["old_url"]
        assert header.value("image") == draft["image"]
        assert header.body.strip() == draft["body"].strip()
        when = datetime.fromisoformat(draft["date"])
        assert draft["date"].endswith("+05:30")
        assert header.value("date") == f"{when:%Y-%m-%d %H:%M}"
        assert path == content / "notes" / f"{when:%Y}" / f"{when:%m}" / path.name
        if draft["image"]:
            assert (content / draft["image"]).is_file()
        assert "status" in header.fields
        assert draft["status"] in ("draft", "published")
        assert set(draft["guessed"]) <= {
            "title",
            "date",
            "reporter",
            "thana",
            "category",
            "summary",
        }


def test_every_draft_passes_the_checks_once_flagged_fields_are_filled(
    tmp_path, sources
):
    content = new_content(tmp_path)
    drafts = ingest_json(content, sources)
    notes = written_notes(content)
    problems = check(content, notes)
    # what fails is only what the drafts flagged, each named with its field
    assert problems, "the fixtures include drafts with fields to fill"
    assert {p.field for p in problems} <= FLAGGABLE
    flagged = {d["path"] for d in drafts if d["warnings"]}
    assert {p.path for p in problems} <= {
        str(Path(p).relative_to(content)) for p in flagged
    }
    filled = {path: fill_flagged(text) for path, text in notes.items()}
    assert check(content, filled) == []
    # and every draft is a draft unless it was published before (WordPress)
    published = [d for d in drafts if d["status"] == "published"]
    assert published, "the fixtures hold posts published on WordPress"
    for draft in published:
        assert draft["source"].startswith("wordpress")
        # the fields a note needs, filled from the post (district: the registry)
        needed = ("title", "date", "thana", "category", "reporter", "summary")
        assert [k for k in needed if not draft[k]] == []


def test_a_second_run_writes_nothing(tmp_path, sources):
    content = new_content(tmp_path)
    first = run(settings_for(content), str(sources), now=NOW).splitlines()[-1]
    before = {p: p.stat().st_mtime_ns for p in content.rglob("*") if p.is_file()}
    again = run(settings_for(content), str(sources), now=NOW).splitlines()[-1]
    after = {p: p.stat().st_mtime_ns for p in content.rglob("*") if p.is_file()}
    assert after == before
    written = int(re.search(r"(\d+) drafts written", first)[1])
    # the same two messages are in the four exports of one chat: one draft each
    twice = int(re.search(r"(\d+) already imported", first)[1])
    assert written > 10 and twice == 6
    assert ", 0 drafts written" in again
    assert f"{written + twice} already imported" in again


def test_a_chat_zip_with_photos(tmp_path):
    content = new_content(tmp_path)
    source = make_zip(tmp_path / "chat.zip")
    drafts = ingest_json(content, source)
    assert [d["title"] for d in drafts] == [
        "जावरा पुलिस ने चोरी की मोटरसाइकिल बरामद की",
        "नामली थाने में गुम मोबाइल लौटाए गए",
    ]
    jaora, namli = drafts
    # a photo sent just before the text, and a photo with its caption
    assert jaora["image"] == (
        "images/2026/11/jaora-police-ne-chori-ki-motorcycle-baramad-ki.jpg"
    )
    assert (
        namli["image"] == "images/2026/11/namli-thane-mein-gum-mobile-lautaye-gaye.jpg"
    )
    with zipfile.ZipFile(source) as archive:
        assert (content / jaora["image"]).read_bytes() == archive.read(
            "IMG-20261125-WA0001.jpg"
        )
    assert jaora["date"] == "2026-11-25T18:40+05:30"
    assert jaora["reporter"] == "सुनील शर्मा" and jaora["thana"] == "जावरा शहर"
    assert namli["reporter"] == "सुनील शर्मा"  # the sender, a name
    assert "reporter" in namli["guessed"]
    assert any("image_alt" in w for w in jaora["warnings"])
    notes = written_notes(content)
    problems = check(content, notes)
    assert "image_alt" in {p.field for p in problems} <= FLAGGABLE
    assert check(content, {k: fill_flagged(v) for k, v in notes.items()}) == []


def test_chat_filters_and_the_closing_line(tmp_path):
    content = new_content(tmp_path)
    chat = FIXTURES / "android-24h-dmy.txt"
    out = run(settings_for(content), str(chat), dry_run=True, now=NOW)
    assert out.splitlines()[-1] == (
        "8 messages read, 2 drafts would be written (dry run), skipped: "
        "3 system lines, 1 media only, 1 deleted, 1 short (under 20 words)"
    )
    only = ingest_json(content, chat, dry_run=True, sender="sunil sharma")
    assert [d["reporter"] for d in only] == ["सुनील शर्मा"]
    since = ingest_json(content, chat, dry_run=True, since="2026-11-25")
    assert [d["date"] for d in since] == ["2026-11-25T18:40+05:30"]
    many = ingest_json(content, chat, dry_run=True, min_words=1)
    assert len(many) == 3  # 'सुप्रभात 🙏' too
    with pytest.raises(IngestError, match="--since '25-11-2026' is not a date"):
        run(settings_for(content), str(chat), since="25-11-2026")


def test_overrides_win_and_must_be_in_the_registries(tmp_path):
    content = new_content(tmp_path)
    (draft,) = ingest_json(
        content,
        SAMPLE,
        dry_run=True,
        thana="नामली",
        category="अपराध",
        reporter="डेस्क",
    )
    assert (draft["thana"], draft["category"], draft["reporter"]) == (
        "नामली",
        "अपराध",
        "डेस्क",
    )
    assert not {"thana", "category", "reporter"} & set(draft["guessed"])
    with pytest.raises(IngestError, match="did you mean 'नामली'"):
        run(settings_for(content), str(SAMPLE), thana="नामलि")


def test_the_sample_as_a_message(tmp_path):
    content = new_content(tmp_path)
    (draft,) = ingest_json(content, SAMPLE)
    assert draft["reporter"] == "मनोहर मालवीय" and draft["thana"] == "बिलपांक"
    assert draft["title"].startswith("पुलिस अधीक्षक के निर्देशन पर बिलपांक थाने")
    assert "शेयर" not in draft["body"] and "Donate" not in draft["body"]
    assert draft["status"] == "draft"
    assert len(draft["summary"]) <= 300


def test_bad_input_names_the_file_and_what_to_do(tmp_path):
    content = new_content(tmp_path)
    settings = settings_for(content)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(photo_bytes())
    unknown = tmp_path / "feed.xml"
    unknown.write_text('<?xml version="1.0"?><rss><channel></channel></rss>')
    no_chat = tmp_path / "media.zip"
    with zipfile.ZipFile(no_chat, "w") as archive:
        archive.writestr("IMG-1.jpg", photo_bytes())
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 cut short")
    no_article = tmp_path / "home.html"
    no_article.write_text("<html><body><nav>होम</nav></body></html>")
    latin1 = tmp_path / "purana.txt"
    latin1.write_bytes("Namli caf\xe9 samachar".encode("latin-1"))
    nothing = tmp_path / "khali"
    nothing.mkdir()
    cases = {
        empty: "the file is empty",
        binary: "this is not UTF-8 text",
        latin1: "save it as UTF-8 text",
        nothing: "no source in this folder",
        unknown: "cannot tell what kind of source",
        no_chat: "holds no chat text",
        broken: "cannot be read",
        no_article: "no article found in this page",
        tmp_path / "missing.txt": "no such file or folder",
    }
    for path, message in cases.items():
        with pytest.raises(IngestError) as e:
            run(settings, str(path), now=NOW)
        assert str(path) in str(e.value) and message in str(e.value)
    with pytest.raises(IngestError, match="the file is empty"):
        run(settings, "-", stdin=" \n", now=NOW)


def test_a_bad_file_in_a_folder_writes_nothing(tmp_path, sources):
    content = new_content(tmp_path)
    (sources / "zzz-empty.txt").write_text("")
    with pytest.raises(IngestError, match=r"zzz-empty\.txt: the file is empty"):
        run(settings_for(content), str(sources), now=NOW)
    assert not list((content / "notes").rglob("*.md"))


def test_stray_lines_are_named_counted_and_kept(tmp_path):
    content = new_content(tmp_path)
    chat = tmp_path / "chat.txt"
    text = (FIXTURES / "android-24h-dmy.txt").read_text(encoding="utf-8")
    chat.write_text(text, encoding="utf-8")
    out = run(settings_for(content), str(chat), dry_run=True, now=NOW)
    assert "before the first message" not in out
    # a chat export that starts in the middle of a message (cut by hand)
    cut = (
        "*सैलाना पुलिस ने फरार इनामी आरोपी को गिरफ्तार किया*\n"
        "सैलाना पुलिस ने पांच हजार रुपये के इनामी फरार आरोपी को गिरफ्तार कर "
        "लिया है। आरोपी पिछले दो वर्षों से फरार चल रहा था और उसकी तलाश जारी थी।\n"
    )
    chat.write_text(cut + text, encoding="utf-8")
    out = run(settings_for(content), str(chat), dry_run=True, now=NOW)
    assert f"{chat}:1: this line is before the first message" in out
    assert f"{chat}:2: this line is before the first message" in out
    assert "2 lines before the first message (kept as a message)" in out
    drafts = ingest_json(content, chat, dry_run=True)
    assert drafts[0]["title"] == "सैलाना पुलिस ने फरार इनामी आरोपी को गिरफ्तार किया"
    assert drafts[0]["date"] == "2026-11-24T09:15+05:30"
    assert drafts[0]["thana"] == "सैलाना"


def test_writing_is_all_or_nothing(tmp_path):
    first, second = tmp_path / "a" / "one.md", tmp_path / "b" / "two.md"
    second.parent.mkdir()
    second.write_text("a reporter's own file")
    with pytest.raises(IngestError, match="already exists"):
        write_all([(first, b"one"), (second, b"two")])
    assert not first.exists()
    assert second.read_text() == "a reporter's own file"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["two.md"]


def test_invoke_ingest_reads_standard_input(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "ingest", "-", "--dry-run", "--json"],
        input=SAMPLE.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    (draft,) = json.loads(result.stdout)
    assert draft["reporter"] == "मनोहर मालवीय" and draft["thana"] == "बिलपांक"
    assert draft["path"].startswith("content/notes/")
    assert not (ROOT / draft["path"]).exists()


def test_a_published_import_shows_its_original_source(tmp_path):
    content = new_content(tmp_path)
    (draft,) = ingest_json(content, FIXTURES / "wordpress-page.html")
    path = Path(draft["path"])
    text = fill_flagged(path.read_text(encoding="utf-8"))
    path.write_text(text.replace("status: draft", "status: published"), "utf-8")
    build_site(content, tmp_path / "output")
    page = read_html(tmp_path / "output" / "2026" / "11" / draft["slug"] / "index.html")
    link = page.select_one("p.source a")
    assert link["href"] == "https://kismatnews.example/2026/11/24/bilpank-baithak/"
    assert link.get_text() == "मूल स्रोत"
    assert "nofollow" in link["rel"]
    # a source_url that is not a web address never reaches a page
    bad = text.replace(draft["source_url"], "javascript:alert(1)")
    problems = check(content, {str(path.relative_to(content)): bad})
    assert [p.field for p in problems] == ["source_url"]


def test_utf16_files_and_a_chat_pasted_on_standard_input(tmp_path):
    content = new_content(tmp_path)
    utf16 = tmp_path / "message.txt"
    for encoding in ("utf-16", "utf-32"):  # Notepad's "Unicode"; with a mark
        utf16.write_bytes(SAMPLE.read_text(encoding="utf-8").encode(encoding))
        (draft,) = ingest_json(content, utf16, dry_run=True)
        assert draft["thana"] == "बिलपांक"
        assert draft["title"].startswith("पुलिस अधीक्षक के निर्देशन पर"), encoding
    chat = (FIXTURES / "ios-bracketed.txt").read_text(encoding="utf-8")
    drafts = json.loads(
        run(settings_for(content), "-", stdin=chat, dry_run=True, as_json=True, now=NOW)
    )
    assert [d["date"] for d in drafts] == [
        "2026-11-24T10:02+05:30",
        "2026-11-25T18:40+05:30",
    ]


def test_a_message_already_imported_from_a_chat_is_recognised_when_pasted(tmp_path):
    content = new_content(tmp_path)
    chat = FIXTURES / "android-24h-dmy.txt"
    assert len(ingest_json(content, chat)) == 2
    message = chat.read_text(encoding="utf-8").split("10:02 - Sunil Sharma: ")[1]
    message = message.split("\n24/11/26")[0]
    out = run(settings_for(content), "-", stdin=message, now=NOW)
    assert out.splitlines()[-1].endswith(
        "0 drafts written, skipped: 1 already imported"
    )
    assert len(written_notes(content)) == 2


def test_a_hindi_wordpress_export_does_better_than_pelican_import(tmp_path):
    """What `pelican-import --wpfile` gets wrong on this export (measured):
    a percent-encoded slug and file name, the title's WhatsApp stars, the
    login as author, the shortcode escaped and kept, `<p>` left in the text,
    share prompts kept, the station as a plain tag, no old address; and it
    stops at a post without `wp:post_name`."""
    content = new_content(tmp_path)
    sailana, raoti, tal = ingest_json(content, FIXTURES / "wordpress-export.xml")
    assert sailana["slug"] == "sailana-police-ne-farar-inami-aropi-ko-giraftar-kiya"
    assert sailana["title"] == "सैलाना पुलिस ने फरार इनामी आरोपी को गिरफ्तार किया"
    assert sailana["reporter"] == "मनोहर मालवीय"
    assert (sailana["thana"], sailana["category"]) == ("सैलाना", "अपराध")
    assert sailana["tags"] == ["इनामी आरोपी"]
    assert sailana["old_url"].startswith("https://kismatnews.example/2026/09/12/")
    assert sailana["status"] == "published" and tal["status"] == "draft"
    for draft in (sailana, raoti, tal):
        assert "<" not in draft["body"] and "[" not in draft["body"]
        assert "शेयर" not in draft["body"] and "Donate" not in draft["body"]
    assert "गिरफ्तार आरोपी" not in sailana["body"]  # the [caption] went with it
    assert raoti["category"] == "जन जागरूकता" and raoti["tags"] == ["समाचार"]
    assert any("समाचार" in w for w in raoti["warnings"])

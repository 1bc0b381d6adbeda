"""What a hostile or careless source cannot make `invoke ingest` do: write
unbounded photos, read files a link points to, or copy a file that is not a
photo into content/images/."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import ROOT, new_content
from test_ingest_run import NOW, make_zip, photo_bytes, settings_for

from scripts.ingest import IngestError, driver, run


def images_under(content: Path) -> list[Path]:
    return [p for p in (content / "images").rglob("*") if p.is_file()]


def test_a_zip_photo_that_is_not_a_picture_is_refused_and_nothing_written(tmp_path):
    content = new_content(tmp_path)
    source = make_zip(tmp_path / "chat.zip")
    with zipfile.ZipFile(source, "a") as archive:
        # replace the first photo's bytes by a page named like a photo
        names = [i.filename for i in archive.infolist()]
    rebuilt = tmp_path / "bad.zip"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(rebuilt, "w") as new:
        for name in names:
            data = old.read(name)
            if name.endswith("WA0001.jpg"):
                data = b"<html><script>alert(1)</script></html>"
            new.writestr(name, data)
    with pytest.raises(IngestError, match="not a JPEG, PNG or WebP picture"):
        run(settings_for(content), str(rebuilt), now=NOW)
    assert images_under(content) == []
    assert not list((content / "notes").rglob("*.md"))


def test_the_photos_of_one_zip_are_bounded_and_each_read_once(tmp_path, monkeypatch):
    content = new_content(tmp_path)
    source = make_zip(tmp_path / "chat.zip")
    one = len(photo_bytes((200, 60, 40)))
    reads: list[str] = []
    real = driver._read_member

    def counting(path, archive, info):
        reads.append(info.filename)
        return real(path, archive, info)

    monkeypatch.setattr(driver, "_read_member", counting)
    # room for one of the two photos only
    monkeypatch.setattr(driver, "ZIP_PHOTOS_LIMIT_MB", (one + 10) / 2**20)
    with pytest.raises(IngestError, match="larger than"):
        run(settings_for(content), str(source), now=NOW)
    assert images_under(content) == []
    photos = [r for r in reads if r.endswith(".jpg")]
    assert len(photos) == len(set(photos)) == 1


def test_a_linked_file_in_a_folder_source_is_not_read(tmp_path):
    content = new_content(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text(
        "*गोपनीय पासवर्ड सूची*\nयह फ़ाइल किसी भी हाल में प्रकाशित नहीं होनी चाहिए "
        "क्योंकि इसमें सर्वर के पासवर्ड और निजी जानकारी लिखी हुई है।",
        encoding="utf-8",
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "leak.txt").symlink_to(secret)
    with contextlib.suppress(IngestError):  # a folder with nothing to read
        run(settings_for(content), str(inbox), now=NOW)
    assert not list((content / "notes").rglob("*.md"))
    with pytest.raises(IngestError, match="is a link"):
        run(settings_for(content), str(inbox / "leak.txt"), now=NOW)
    assert not list((content / "notes").rglob("*.md"))


def test_a_file_beside_a_page_that_is_not_a_photo_is_not_copied(tmp_path):
    content = new_content(tmp_path)
    folder = tmp_path / "saved"
    (folder / ".ssh").mkdir(parents=True)
    (folder / ".ssh" / "id_rsa").write_text("-----BEGIN PRIVATE KEY-----\n")
    (folder / "fake.jpg").write_text("not a picture")
    body = " ".join(["बिलपांक थाने में ग्राम रक्षा समिति की बैठक हुई।"] * 4)
    for target in (".ssh/id_rsa", "fake.jpg"):
        page = folder / f"page-{target.replace('/', '-')}.html"
        page.write_text(
            f'<html><head><meta property="og:image" content="{target}"></head>'
            f"<body><article><h1>बिलपांक थाने में बैठक {len(target)}</h1>"
            f"<p>{body}</p></article></body></html>",
            encoding="utf-8",
        )
        run(settings_for(content), str(page), now=NOW)
    assert images_under(content) == []


def test_text_on_standard_input_that_is_not_utf8_is_named_not_a_crash(tmp_path):
    content = new_content(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "ingest", "-", "--dry-run"],
        cwd=ROOT,
        input=b"\xe9t\xe9 \xe0 Ratlam\n",
        capture_output=True,
        env={**os.environ, "BULLETIN_LANG": "en", "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode != 0
    assert b"Traceback" not in done.stderr
    assert b"not UTF-8 text" in done.stderr
    assert not list((content / "notes").rglob("*.md"))

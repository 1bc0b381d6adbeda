"""Production settings: absolute URLs from BULLETIN_SITEURL, or a clear stop."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, read_html

from plugins.core.errors import BuildFailed
from scripts.build import build
from scripts.publish import PublishError, publish

pytestmark = pytest.mark.build

PUBLISH = str(ROOT / "publishconf.py")


def test_production_build_uses_the_public_address(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org/")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    caplog.set_level(logging.INFO, logger="plugins.links")
    output = tmp_path / "output"
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    build(
        PUBLISH,
        {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(tmp_path / "c"),
        },
    )
    home = read_html(output / "index.html")
    hrefs = [a["href"] for a in home.select("main a[href]")]
    assert hrefs and all(h.startswith("https://news.example.org/") for h in hrefs)
    note = read_html(
        output / "2026/11/bilpank-gram-nagar-raksha-samiti-baithak/index.html"
    )
    canonical = note.find("link", rel="canonical")["href"]
    assert canonical == (
        "https://news.example.org/2026/11/bilpank-gram-nagar-raksha-samiti-baithak/"
    )
    # a production build records every note address it published
    recorded = (content / "registry" / "published-urls.tsv").read_text()
    assert "\t2026/11/bilpank-gram-nagar-raksha-samiti-baithak/\t" in recorded
    # and says so: it counts as published, invoke publish is the way online
    assert "as published: a production build (invoke build --production)" in (
        caplog.text
    )
    assert "use invoke publish, which records only what went live" in caplog.text
    assert not (ROOT / "content" / "registry" / "published-urls.tsv").exists()


def test_production_build_without_the_address_stops_clearly(tmp_path, monkeypatch):
    monkeypatch.delenv("BULLETIN_SITEURL", raising=False)
    with pytest.raises((BuildFailed, SystemExit), match="BULLETIN_SITEURL"):
        build(PUBLISH, {"OUTPUT_PATH": str(tmp_path / "output")})
    assert not (tmp_path / "output").exists()


def test_drafts_are_previewed_in_development_but_never_published(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org/")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    note = content / "notes/2026/11/bilpank-gram-nagar-raksha-samiti-baithak.md"
    draft = content / "notes/2026/11/ek-draft.md"
    draft.write_text(
        note.read_text(encoding="utf-8")
        .replace("slug: bilpank-gram-nagar-raksha-samiti-baithak", "slug: ek-draft")
        .replace("title: ", "status: draft\ntitle: मसौदा: ", 1),
        encoding="utf-8",
    )
    overrides = {"PATH": str(content), "CACHE_PATH": str(tmp_path / "c")}
    development = tmp_path / "dev"
    build(str(ROOT / "pelicanconf.py"), {**overrides, "OUTPUT_PATH": str(development)})
    assert (development / "drafts/ek-draft/index.html").is_file()
    production = tmp_path / "prod"
    build(PUBLISH, {**overrides, "OUTPUT_PATH": str(production)})
    assert (production / "index.html").is_file()
    assert not (production / "drafts").exists()
    assert not any("ek-draft" in str(p) for p in production.rglob("*"))


def invoke_publish(to: Path, *args: str) -> subprocess.CompletedProcess:
    """`invoke publish --to TO ARGS` as the desk runs it, messages in Hindi."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", "publish", "--to", str(to), *args],
        cwd=ROOT,
        env={
            **os.environ,
            "BULLETIN_SITEURL": "https://news.example.org",
            "BULLETIN_LANG": "hi",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_invoke_publish_hands_on_its_options(tmp_path, monkeypatch):
    """`invoke publish --to … --dry-run --rollback` reaches the publish with
    each option (refused before any build, in Hindi), and `--rollback` of a
    folder where nothing is published says so; without --to, the target is
    PUBLISH_TARGET ($BULLETIN_PUBLISH_TARGET)."""
    www, default = tmp_path / "www", tmp_path / "default"
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_PUBLISH_TARGET", str(default))
    with pytest.raises(PublishError, match="nothing is published") as stopped:
        publish(PUBLISH, rollback=True)
    assert str(default) in str(stopped.value)

    done = invoke_publish(www, "--dry-run", "--rollback")
    assert done.returncode == 1 and "--rollback" in done.stderr
    assert "--dry-run" in done.stderr and not www.exists()
    done = invoke_publish(www, "--rollback")
    assert done.returncode == 1, done.stderr
    assert f"{www} पर" in done.stderr and not (www / "current").exists()


def test_again_without_rollback_publishes_nothing(tmp_path):
    """`--again` names where a rollback goes: given without `--rollback` (a
    desk forgetting it after taking a note down), it must not build and
    publish the content again."""
    www = tmp_path / "www"
    done = invoke_publish(www, "--again=x")
    assert done.returncode == 1, done.stdout
    assert "--again=x" in done.stderr and "--rollback" in done.stderr
    assert "न कुछ बना" in done.stderr
    assert not www.exists()

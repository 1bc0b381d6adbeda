"""Helpers the tests share (as Pelican's own pelican/tests/support.py):
real sites built into temporary folders, read back with BeautifulSoup.
Fixtures live in conftest.py; tests import helpers from here.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from scripts.build import build
from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = str(ROOT / "pelicanconf.py")
ARTIFACTS = ROOT / "artifacts"

__all__ = [
    "ARTIFACTS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "ROOT",
    "SETTINGS",
    "build_site",
    "new_content",
    "note_text",
    "read_html",
]


def read_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def build_site(content: Path, output: Path, **overrides):
    """Build `content` into `output` with the project's settings."""
    return build(
        SETTINGS,
        {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / "cache"),
            **overrides,
        },
    )


def new_content(tmp: Path, notes: dict[str, str] | None = None) -> Path:
    """A content folder with the real registries and pages, plus `notes`."""
    content = tmp / "content"
    # the ledger of published addresses belongs to the real site's notes
    shutil.copytree(
        ROOT / "content" / "registry",
        content / "registry",
        ignore=shutil.ignore_patterns("published-urls.tsv"),
    )
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "notes").mkdir(parents=True)
    for rel, text in (notes or {}).items():
        path = content / "notes" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


def note_text(**fields) -> str:
    """A valid press note; keyword arguments replace or (None) drop fields."""
    values = {
        "title": "नामली थाने में यातायात जागरूकता शिविर",
        "date": "2026-10-05 10:30",
        "district": "रतलाम",
        "thana": "नामली",
        "category": "यातायात",
        "tags": "हेलमेट, सड़क सुरक्षा",
        "reporter": "पुलिस जनसंपर्क कक्ष रतलाम",
        "summary": "नामली थाने में वाहन चालकों को हेलमेट पहनने की समझाइश दी गई।",
        "slug": "namli-yatayat-shivir",
    }
    body = fields.pop("body", "नामली थाना पुलिस ने वाहन चालकों को यातायात नियम बताए।")
    values.update(fields)
    header = "\n".join(f"{k}: {v}" for k, v in values.items() if v is not None)
    return f"{header}\n\n{body}\n"


def forget_logged_warnings() -> None:
    """Let Pelican log again the warnings it has already let through in this
    process (its log filter drops a repeated one): for a test that expects a
    warning another test of the same worker may have logged first.
    """
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def search_script_path(search_page: str) -> str:
    """The path of the search page's fingerprinted script, as the page's own
    check for old browsers loads it (the page has no script src of its own)."""
    found = re.search(
        r"script\.src = '[^']*?(/theme/js/khoj\.[0-9a-f]{10}\.js)'", search_page
    )
    assert found, "the search page loads no fingerprinted search script"
    return found[1]


def live_processes(field: int, value: int) -> set[int]:
    """Processes still running (not yet reaped zombies) whose /proc stat field
    after the command name (1: parent, 3: session) is `value`."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[field]) == value and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def session_processes(session: int) -> list[int]:
    """The processes of a session still running: what a killed build or
    publish (started with start_new_session) left."""
    return sorted(live_processes(3, session))


def children_of(pid: int) -> set[int]:
    """The running children of a process."""
    return live_processes(1, pid)


def command_wrapper(folder: Path, name: str, body: str) -> str:
    """A PATH (for the environment) whose `name` is a Python script standing in
    for the real command: it starts with `real` naming the real one and os,
    signal, subprocess, sys and time imported, then runs `body` — how tests
    make a command slow, fail, or drop the line after it took effect."""
    folder.mkdir(exist_ok=True)
    wrapper = folder / name
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, signal, subprocess, sys, time\n"
        f"real = {shutil.which(name)!r}\n"
        f"{body}\n"
    )
    wrapper.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by its relative path, with its bytes: what two
    builds are compared by."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def touch_later(path: Path, seconds: int = 5) -> None:
    """Move the file's modification time on, as an editor saving it would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def age_manifest(manifest: Path, days: int) -> None:
    """Move every time in a target's asset manifest (published-assets.tsv)
    `days` back, as if its publishes were made that long ago: how a test of
    real publishes made seconds apart stages the days of the retention
    window (PUBLISH_ASSETS["keep_days"] is one day or more)."""
    from datetime import timedelta

    from scripts.publish import retention

    found = retention.parse(manifest.read_text(encoding="utf-8"))
    assert found.written and found.seen, manifest
    found.seen = {
        path: retention.Seen(s.time - timedelta(days=days), s.publish)
        for path, s in found.seen.items()
    }
    manifest.write_text(retention.render(found), encoding="utf-8")


def cache_readers(tmp_path):
    """Pelican's readers with the project's settings and a reader cache in
    `tmp_path`, compressed as a build's (plugins/core/reader_cache.py);
    with the settings.
    """
    from pelican.readers import Readers
    from pelican.settings import read_settings

    from plugins.core.reader_cache import compress_cached

    settings = {
        **read_settings(str(ROOT / "pelicanconf.py")),
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    readers = Readers(settings, "Articles")
    compress_cached(readers)
    return readers, settings

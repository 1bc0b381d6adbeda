"""`make serve`: the bulletin is built, served, and rebuilt on an edit."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from support import ROOT, SETTINGS, new_content, note_text

pytestmark = [pytest.mark.build, pytest.mark.slow]

SERVE = (
    "import sys; from scripts.serve import serve; "
    "serve(sys.argv[1], port=int(sys.argv[2]), "
    "overrides={'PATH': sys.argv[3], 'OUTPUT_PATH': sys.argv[4]})"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


def test_serve_builds_serves_and_rebuilds_on_change(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SERVE,
            SETTINGS,
            str(port),
            str(content),
            str(tmp_path / "output"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/2026/10/namli-yatayat-shivir/"
        page = wait_for(lambda: fetch(url))
        assert page and "नामली थाने में यातायात जागरूकता शिविर" in page
        edited = note_text(title="नामली थाने में यातायात सप्ताह का समापन")
        for _ in range(10):  # the watcher may start after the first edit
            (content / "notes/2026/10/a.md").write_text(edited, encoding="utf-8")
            if wait_for(lambda: "सप्ताह का समापन" in (fetch(url) or ""), 3):
                break
        else:
            raise AssertionError("the edited note was not rebuilt")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nahin-hai/", timeout=2)
            raise AssertionError("a missing page was served")
        except urllib.error.HTTPError as missing:
            assert missing.code == 404
            assert "पृष्ठ नहीं मिला" in missing.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)

"""Shared fixtures: real sites built into temporary folders."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright

from plugins.site_build import build
from plugins.site_build.build import make_server

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = str(ROOT / "pelicanconf.py")
ARTIFACTS = ROOT / "artifacts"
# Debian's chromium, started as this machine needs it: no sandbox as root, and
# no background connections (the network is closed).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
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
    shutil.copytree(ROOT / "content" / "registry", content / "registry")
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


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The repository's sample bulletin, built once per test session."""
    output = tmp_path_factory.mktemp("site") / "output"
    build(
        SETTINGS,
        {"OUTPUT_PATH": str(output), "CACHE_PATH": str(output.parent / "cache")},
    )
    return output


@pytest.fixture(scope="session")
def html_pages(site) -> dict[str, BeautifulSoup]:
    """Every built HTML page, parsed, keyed by its path in the output."""
    return {
        str(p.relative_to(site)): read_html(p) for p in sorted(site.rglob("*.html"))
    }


@pytest.fixture(scope="session")
def served(site) -> str:
    """The sample bulletin served as `make serve` serves it, on loopback."""
    httpd = make_server(site, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (Playwright drives it)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

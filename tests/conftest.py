"""Fixtures shared by the tests: the sample bulletin built once, served on
loopback, and one headless Chromium. Helpers are in support.py."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright
from support import CHROMIUM, CHROMIUM_ARGS, ROOT, SETTINGS, read_html

from scripts.build import build
from scripts.serve import make_server

# The tests match messages by their English msgids; tests of what a reporter
# reads set BULLETIN_LANG=hi themselves (the bulletin's default is Hindi).
os.environ.setdefault("BULLETIN_LANG", "en")

BUILT_SITE_FIXTURES = {"site", "html_pages", "served"}

# The test files that take longest, longest first (whole suite, 2026-11-29,
# see README "Tests and quality checks"). `invoke test` hands files to the
# workers in this order (then the others, as collected) with xdist's own
# reordering by test count turned off: started last, a slow file would keep
# one worker busy while the other has nothing left. A stale order costs only
# balance, never a test; a name that no longer exists fails the run.
SLOWEST_FILES = (
    "test_deploy.py",
    "test_search.py",
    "test_reuse.py",
    "test_note_snapshot.py",
    "test_deploy_rclone.py",
    "test_quality.py",
    "test_bench.py",
    "test_deploy_git.py",
    "test_links.py",
    "test_parallel.py",
    "test_rebuild_property.py",
    "test_fast_review.py",
    "test_fast_registry.py",
    "test_commands.py",
    "test_whatsapp_share.py",
    "test_mutation_tool.py",
    "test_publish_retention.py",
    "test_publish.py",
    "test_photos.py",
    "test_cache.py",
    "test_build_outcome.py",
    "test_hardening.py",
    "test_feeds.py",
    "test_sample_groups.py",
    "test_new_and_slugs.py",
    "test_fuzz.py",
    "test_whatsapp.py",
    "test_properties.py",
    "test_seo.py",
    "test_build_lock.py",
    "test_compress.py",
    "test_validation.py",
    "test_serve.py",
    "test_caddy.py",
)


def slowest_first(items: list) -> list:
    """`items` with the files of SLOWEST_FILES first, in its order; a file's
    tests and the other files keep their order."""
    rank = {name: i for i, name in enumerate(SLOWEST_FILES)}
    return sorted(items, key=lambda item: rank.get(item.path.name, len(SLOWEST_FILES)))


def content_state() -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under the repository's content/."""
    content = ROOT / "content"
    return {
        str(p.relative_to(content)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }


def pytest_sessionstart(session) -> None:
    session.config.content_before = content_state()  # type: ignore[attr-defined]


def pytest_sessionfinish(session, exitstatus) -> None:
    """No test may write into the repository's content/ (tests build copies)."""
    before = getattr(session.config, "content_before", None)
    if before is None:
        return
    after = content_state()
    changed = sorted(
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
    )
    if changed:
        print(f"\ntests changed the repository's content/: {changed}")
        session.exitstatus = 1


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--deep", action="store_true", help="run many more fuzz examples (test_fuzz)"
    )


def pytest_collection_modifyitems(items) -> None:
    """Tests that use the built sample or Chromium get the build / browser
    marks; the slowest files go first (SLOWEST_FILES)."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BUILT_SITE_FIXTURES:
            item.add_marker(pytest.mark.build)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
    missing = [n for n in SLOWEST_FILES if not (ROOT / "tests" / n).is_file()]
    if missing:
        raise pytest.UsageError(f"SLOWEST_FILES names no test file: {missing}")
    items[:] = slowest_first(items)


@pytest.fixture
def first_in_process(monkeypatch) -> None:
    """Page reuse's answers about the templates as in a process's first
    build: none in memory (plugins/page_reuse/analysis.py SEEN), so a test
    sees what their files keep, not what the worker's earlier tests asked.
    """
    from plugins.page_reuse import analysis

    monkeypatch.setattr(analysis, "SEEN", {})


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
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()

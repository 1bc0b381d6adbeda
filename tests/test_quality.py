"""Quality gates on the built bulletin.

- page weight: gzip-transferred bytes per page type within budget;
- validity: the Nu HTML Checker (vnu.jar, one Java process) finds no error;
- in headless Chromium: axe-core finds no WCAG 2.x A/AA or best-practice
  violation on any page type; at 360×640 nothing scrolls sideways, every
  tap target is at least 44×44 px, and Devanagari is drawn with a Devanagari
  font (not as empty boxes). Screenshots go to artifacts/quality/.

Every internal link and asset resolving is tested in test_site.py.
The Node tools come from tests/package-lock.json (`invoke node-deps`).
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pelican.settings import read_settings
from support import ARTIFACTS, ROOT, SETTINGS, build_site

from plugins.press_notes import registry_for
from scripts.bench.lighthouse import format_lighthouse, read_report
from scripts.bench.node_tools import axe_script, installed_matches, vnu_jar
from scripts.bench.notes import load_corpus, make_notes, prepare_content
from scripts.bench.nu_checker import check_files
from scripts.bench.page_types import page_type, pages_by_type
from scripts.bench.weight import (
    BUDGETS,
    css_asset_urls,
    over_budget,
    page_asset_urls,
    page_url,
    site_weights,
    transferred_size,
)
from scripts.serve import served

pytestmark = [pytest.mark.build, pytest.mark.slow]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA); note text's inline links are exempt
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = ARTIFACTS / "quality"
# Page types of the sample bulletin, and where each is found.
SAMPLE_TYPES = (
    "home",
    "note with photo",
    "note without photo",
    "page",
    "thana directory",
    "thana",
    "category directory",
    "category",
    "tag directory",
    "tag",
    "archive",
    "year",
    "month",
    "search",
)
# Served for a missing path, at a depth where relative links would break.
MISSING_URL = "/2026/no/such/page/"
# A station with more notes than a page holds (synthetic notes, one station).
PAGED_STATION = "बिलपांक"
PAGED_URLS = {
    "paged listing": "/thana/bilpank/",
    "listing page n": "/thana/bilpank/page/2/",
}
ABOUT_URL = "/parichay/"  # the static page of the sample, beside plugins' pages
ALL_TYPES = (*SAMPLE_TYPES, "about page", "404", *PAGED_URLS)
DEVANAGARI = re.compile("[\u0900-\u097f]")
DEVANAGARI_FONTS = re.compile(r"Devanagari|Mangal|Nirmala|Lohit|Kohinoor|Mukta")


# ---------------------------------------------------------------- page weight


def test_pages_are_within_the_weight_budget(site):
    weights = site_weights(site)
    weighed = {w.page_type for w in weights}
    assert set(BUDGETS) <= weighed  # the budgets are not vacuous
    assert over_budget(weights) == []


def test_weight_counts_the_stylesheet_but_not_the_note_photo(site):
    weights = {w.page_type: w for w in site_weights(site)}
    for w in weights.values():
        for page in w.pages:
            assert any(a.url.endswith(".css") for a in page.assets), page.url
    assert weights["note with photo"].pages, "the sample has notes with a photo"
    for page in weights["note with photo"].pages:
        assert not any(a.url.startswith("/images/") for a in page.assets), page.url
        html = (site / page.url.lstrip("/") / "index.html").read_text("utf-8")
        assert 'class="photo"' in html


# ------------------------------------------------------------------- validity


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory) -> Path:
    """45 synthetic notes of one station: its listing has numbered pages."""
    corpus = load_corpus(
        ROOT / "content" / "notes", registry_for(read_settings(SETTINGS))
    )
    notes = make_notes(45, replace(corpus, thanas=(PAGED_STATION,)), seed=3)
    tmp = tmp_path_factory.mktemp("paged")
    prepare_content(ROOT / "content", tmp / "content", notes)
    build_site(tmp / "content", tmp / "output")
    return tmp / "output"


def test_every_page_and_stylesheet_is_valid(site, paged_site, tmp_path):
    jar = vnu_jar(ROOT)
    assert jar.is_file(), "the Nu HTML Checker is missing: run `invoke node-deps`"
    files = [p for s in (site, paged_site) for p in sorted(s.rglob("*.htm*"))]
    files += sorted(site.rglob("*.css"))
    assert len(files) > 100
    # A broken page among them shows the checker reports errors (same JVM run).
    canary = tmp_path / "canary.html"
    canary.write_text("<!DOCTYPE html><html lang=hi><title>x</title><p><div>x</p>")
    messages = check_files(jar, [*files, canary])
    assert [m.kind for m in messages if m.file == str(canary)][:1] == ["error"]
    assert [str(m) for m in messages if m.file != str(canary)] == []


# -------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def urls(site, paged_site):
    """Full URL of one page of every type, both sites served."""
    groups = pages_by_type(site)
    missing = [t for t in SAMPLE_TYPES if t not in groups]
    assert missing == [], f"the sample bulletin has no page of type {missing}"
    with ExitStack() as stack:
        sample = stack.enter_context(served(site))
        paged = stack.enter_context(served(paged_site))
        # the biggest page of each type: the most text, links and pills
        found = {
            t: sample + page_url(site, max(groups[t], key=lambda p: p.stat().st_size))
            for t in SAMPLE_TYPES
        }
        found["about page"] = sample + ABOUT_URL
        found["404"] = sample + MISSING_URL
        found |= {t: paged + u for t, u in PAGED_URLS.items()}
        yield found


def open_page(browser, url: str, viewport: dict, javascript: bool):
    context = browser.new_context(
        viewport=viewport, locale="hi-IN", java_script_enabled=javascript
    )
    page = context.new_page()
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    response = page.goto(url)
    page.wait_for_load_state("load")
    return page, response


def check_status(kind: str, response) -> None:
    assert response.status == (404 if kind == "404" else 200), response.url


AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return {
    version: axe.version,
    passes: r.passes.length,
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("kind", ALL_TYPES)
def test_axe_finds_no_violations(browser, urls, kind, viewport):
    script = axe_script(ROOT)
    assert script.is_file(), "axe-core is missing: run `invoke node-deps`"
    page, response = open_page(browser, urls[kind], viewport, javascript=True)
    try:
        check_status(kind, response)
        page.add_script_tag(path=str(script))
        result = page.evaluate(AXE_RUN, AXE_TAGS)
    finally:
        page.context.close()
    locked = json.loads((ROOT / "tests" / "package.json").read_text("utf-8"))
    assert result["version"] == locked["dependencies"]["axe-core"]
    assert result["passes"] > 15  # axe really checked the page
    assert result["violations"] == []


TAP_TARGETS = """(min) => {
  const small = [];
  const sel = 'a[href], button, input, select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(sel)) {
    // Links inside note or page text are inline in sentences (WCAG 2.5.8
    // inline exception); the skip link is measured when focused.
    if (el.closest('.content, .summary') || el.classList.contains('skip')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.width < min || r.height < min) {
      const size = `${r.width.toFixed(0)}×${r.height.toFixed(0)}`;
      small.push(`${el.outerHTML.slice(0, 90)}: ${size}`);
    }
  }
  return {small, count: document.querySelectorAll(sel).length};
}"""


def skip_link_size(page) -> tuple[float, float]:
    page.focus("a.skip")
    box = page.locator("a.skip").bounding_box()
    return box["width"], box["height"]


@pytest.mark.browser
@pytest.mark.parametrize("kind", ALL_TYPES)
def test_fits_a_phone_with_big_tap_targets(browser, urls, kind):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, response = open_page(browser, urls[kind], PHONE, javascript=False)
    try:
        check_status(kind, response)
        scroll = page.evaluate(
            "[document.documentElement.scrollWidth, "
            "document.documentElement.clientWidth]"
        )
        targets = page.evaluate(TAP_TARGETS, MIN_TARGET)
        skip = skip_link_size(page)
        name = re.sub(r"\W+", "-", kind)
        page.screenshot(path=str(SHOTS / f"{name}-360x640.png"), full_page=True)
    finally:
        page.context.close()
    assert scroll[0] <= scroll[1] == PHONE["width"], f"scrolls sideways: {scroll}"
    assert targets["count"] > 5
    assert targets["small"] == []
    assert min(skip) >= MIN_TARGET


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["home", "note with photo", "tag", "404"])
def test_a_page_loads_only_what_its_weight_counts(browser, urls, kind):
    page, _ = open_page(browser, urls[kind], PHONE, javascript=False)
    try:
        html = page.content()
        requested = {urlparse(u).path for u in page.requested}
    finally:
        page.context.close()
    path = urlparse(urls[kind]).path
    counted = {path, *page_asset_urls(html, path)}
    srcsets = re.findall(r'srcset="([^"]+)"', html)
    candidates = [c.split()[0] for s in srcsets for c in s.split(",")]
    photos = {
        urlparse(u).path
        for u in [*re.findall(r'<img src="([^"]+)"', html), *candidates]
    }
    assert requested - counted - photos - {"/favicon.ico"} == set()
    assert len(counted) > 1


FONT_WIDTHS = """(selector) => {
  const el = document.querySelector(selector);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = getComputedStyle(el).font;
  const w = (s) => ctx.measureText(s).width;
  // U+0378 is unassigned: every font draws it as the same empty box.
  return {letters: ['क', 'म', 'ज', 'ष', 'ल'].map(w), box: w('\\u0378')};
}"""


def platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium really used for the text of `selector` (DevTools)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]
    node = cdp.send(
        "DOM.querySelector", {"nodeId": root["nodeId"], "selector": selector}
    )
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["home", "note with photo", "month", "404"])
def test_devanagari_is_drawn_with_a_devanagari_font(browser, urls, kind):
    page, _ = open_page(browser, urls[kind], PHONE, javascript=False)
    try:
        text = page.locator("h1").first.inner_text()
        fonts = platform_fonts(page, "h1")
        widths = page.evaluate(FONT_WIDTHS, "h1")
    finally:
        page.context.close()
    assert DEVANAGARI.search(text), text
    deva = [f for f in fonts if DEVANAGARI_FONTS.search(f["familyName"])]
    other = sum(f["glyphCount"] for f in fonts if f not in deva)
    assert deva and sum(f["glyphCount"] for f in deva) > 0, fonts
    assert other <= len(DEVANAGARI.sub("", text)), fonts  # no Hindi in other fonts
    assert len({round(w, 1) for w in widths["letters"]}) > 1, widths  # not boxes
    assert all(abs(w - widths["box"]) > 0.5 for w in widths["letters"]), widths


# ------------------------------------------------------- helpers of the reports


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("index.html", "home"),
        ("404.html", "404"),
        ("2026/index.html", "year"),
        ("2026/11/index.html", "month"),
        ("2026/11/bilpank-baithak/index.html", "note without photo"),
        ("thana/index.html", "thana directory"),
        ("thana/bilpank/index.html", "thana"),
        ("thana/bilpank/page/2/index.html", "listing page n"),
        ("shreni/apradh/index.html", "category"),
        ("tag/index.html", "tag directory"),
        ("archive/index.html", "archive"),
        ("parichay/index.html", "page"),
        ("khoj/index.html", "search"),
        ("theme/css/site.css", "other"),
    ],
)
def test_page_types_from_paths(path, kind):
    assert page_type(path) == kind


def test_a_note_with_a_photo_is_told_apart():
    html = '<main><figure class="photo"><img src="/images/a.jpg" alt="x"></figure>'
    assert page_type("2026/11/x/index.html", html) == "note with photo"


def test_assets_of_a_page_leave_out_the_photo_and_other_hosts():
    html = (
        '<link rel="stylesheet" href="/theme/css/site.css">'
        '<link rel="canonical" href="/2026/11/x/">'
        '<link rel="icon" href="../../icon.png">'
        '<script src="https://elsewhere.example/x.js"></script>'
        '<figure class="photo"><img src="/images/photo.jpg" alt=""></figure>'
        '<img src="/theme/logo.svg" alt="">'
    )
    assert page_asset_urls(html, "/2026/11/x/") == [
        "/theme/css/site.css",
        "/2026/icon.png",
        "/theme/logo.svg",
    ]
    assert css_asset_urls("a{background:url('../img/a.png')}", "/theme/css/s.css") == [
        "/theme/img/a.png"
    ]


def test_gzip_counts_text_but_not_images(tmp_path):
    text = tmp_path / "a.html"
    text.write_text("नमस्ते " * 1000, encoding="utf-8")
    photo = tmp_path / "a.jpg"
    photo.write_bytes(bytes(range(256)) * 10)
    raw, sent = transferred_size(text)
    assert sent < raw / 10
    assert transferred_size(photo) == (2560, 2560)


def test_node_tools_are_current_only_if_versions_match():
    lock = {"packages": {"": {}, "node_modules/axe-core": {"version": "4.14.1"}}}
    same = {"packages": {"node_modules/axe-core": {"version": "4.14.1"}}}
    other = {"packages": {"node_modules/axe-core": {"version": "4.10.0"}}}
    assert installed_matches(lock, same)
    assert not installed_matches(lock, other)
    assert not installed_matches(lock, None)


def test_lighthouse_report_is_read_and_formatted():
    report = {
        "finalDisplayedUrl": "http://127.0.0.1:1/",
        "categories": {
            "performance": {"score": 0.99, "auditRefs": [{"id": "lcp", "weight": 25}]},
            "accessibility": {"score": 1, "auditRefs": []},
            "best-practices": {
                "score": 0.96,
                "auditRefs": [{"id": "err", "weight": 1}],
            },
            "seo": {"score": 1, "auditRefs": []},
        },
        "audits": {
            "lcp": {"score": 1, "title": "LCP"},
            "err": {"score": 0, "title": "Browser errors were logged to the console"},
            "largest-contentful-paint": {"displayValue": "1.1\xa0s"},
        },
    }
    result = read_report("home", report)
    assert result.scores == {
        "performance": 99,
        "accessibility": 100,
        "best-practices": 96,
        "seo": 100,
    }
    table = format_lighthouse([result], "12.2.3")
    assert "| home (`/`) | 99 | 100 | 96 | 100 | - | 1.1 s | - | - |" in table
    assert "- home: best-practices: Browser errors were logged to the console" in table

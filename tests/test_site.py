"""The sample bulletin, built for real and read back with BeautifulSoup."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from pelican.settings import read_settings
from support import ROOT, SETTINGS, read_html

from plugins.core.header import scan_header
from plugins.press_notes.press_notes import registry_for
from plugins.press_notes.validate import parse_note_date


@pytest.fixture(scope="module")
def registry():
    return registry_for(read_settings(SETTINGS))


NOTES = sorted((ROOT / "content" / "notes").rglob("*.md"))


def source_notes():
    """(path, header) for every sample note."""
    return [(p, scan_header(p.read_text(encoding="utf-8"))) for p in NOTES]


def page_url(path: str) -> str:
    """The site URL a page was written for ('2026/11/x/index.html' -> '/2026/11/x/')."""
    url = "/" + path
    return url.removesuffix("index.html")


def resolve(site: Path, url: str) -> Path:
    """The output file a site-absolute URL path is served from."""
    target = site / url.lstrip("/")
    return target / "index.html" if url.endswith("/") else target


def read(site: Path, url: str):
    return read_html(resolve(site, url))


def internal_links(soup):
    for tag, attr in (
        ("a", "href"),
        ("link", "href"),
        ("img", "src"),
        ("script", "src"),
    ):
        for el in soup.find_all(tag):
            if el.get(attr):
                yield el.name, el[attr]
    for el in soup.find_all(srcset=True):  # each candidate: "URL WIDTHw"
        for candidate in el["srcset"].split(","):
            yield f"{el.name} srcset", candidate.split()[0]


def test_sample_content_is_rich_enough():
    headers = [h for _, h in source_notes()]
    assert len(headers) >= 16
    assert len({h.value("thana") for h in headers}) >= 6
    assert len({h.value("category") for h in headers}) >= 4
    months = {parse_note_date(h.value("date")).strftime("%Y-%m") for h in headers}
    assert len(months) >= 3
    assert sum(1 for h in headers if h.value("image")) >= 3


def test_every_page_is_hindi(html_pages):
    assert len(html_pages) > 20
    for path, soup in html_pages.items():
        assert soup.html.get("lang") == "hi", path
        assert soup.find("meta", attrs={"charset": True}), path
        assert soup.find("meta", attrs={"name": "viewport"}), path


def test_every_internal_link_and_asset_resolves(site, html_pages):
    broken = []
    for path, soup in html_pages.items():
        base = page_url(path)
        for tag, ref in internal_links(soup):
            parsed = urlparse(urljoin(base, ref))
            if parsed.scheme in ("http", "https") and parsed.netloc:
                continue  # checked in test_no_request_to_another_host
            if parsed.scheme or not parsed.path:
                continue  # mailto:, tel:, #fragment
            if not resolve(site, parsed.path).is_file():
                broken.append(f"{path}: <{tag}> {ref}")
    assert broken == []


SEARCH_PAGE = "khoj/index.html"


def test_no_request_to_another_host(site, html_pages):
    assert SEARCH_PAGE in html_pages
    for path, soup in html_pages.items():
        for el in soup.find_all(["link", "img", "script", "iframe", "source"]):
            ref = el.get("href") or el.get("src") or ""
            if el.name == "link" and el.get("rel") in (["canonical"], ["alternate"]):
                continue  # not fetched by the page
            assert not urlparse(ref).netloc, f"{path}: <{el.name}> loads {ref}"
        # only inert data blocks (schema.org JSON-LD), never a program; the
        # search page too: it loads khoj.js only when the site has a search
        # index, which this build (pelicanconf.py) has not (with an index:
        # tests/test_search.py)
        for script in soup.find_all("script"):
            assert script.get("type") == "application/ld+json", (
                f"{path}: reading must not need JavaScript"
            )
            assert not script.get("src"), f"{path}: a script loads {script['src']}"
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and "@font-face" not in text, css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css


def test_nothing_of_pelicans_default_theme(site, html_pages):
    assert not (site / "theme" / "css" / "main.css").exists()
    for path, soup in html_pages.items():
        text = soup.get_text(" ")
        assert "Pelican" not in text and "Powered by" not in text, path


def test_every_note_is_on_its_thana_category_and_month_pages(site, registry):
    for path, h in source_notes():
        date = parse_note_date(h.value("date"))
        note_url = f"/{date:%Y}/{date:%m}/{h.value('slug')}/"
        assert resolve(site, note_url).is_file(), path
        thana = registry.thana_by_name[h.value("thana")]
        category = registry.category_by_name[h.value("category")]
        for listing in (
            f"/{thana.url}",
            f"/{category.url}",
            f"/{date:%Y}/{date:%m}/",
        ):
            soup = read(site, listing)
            hrefs = {a["href"] for a in soup.select("main a[href]")}
            assert any(
                href.rstrip("/").endswith(note_url.rstrip("/")) for href in hrefs
            ), f"{path} is not listed on {listing}"


def test_note_is_on_no_other_thana_page(site, registry):
    listed: dict[str, set[str]] = {}
    for thana in registry.thanas:
        soup = read(site, f"/{thana.url}")
        for a in soup.select("main a[href]"):
            if re.search(r"/\d{4}/\d{2}/[a-z0-9-]+/$", a["href"]):
                listed.setdefault(a["href"].rstrip("/").split("/")[-1], set()).add(
                    thana.name
                )
    for _, h in source_notes():
        assert listed.get(h.value("slug")) == {h.value("thana")}, h.value("slug")


def test_bilpank_note_is_the_published_article_without_boilerplate(site):
    fixture = (
        ROOT / "tests" / "fixtures" / "bilpank-meeting-kismat-news.txt"
    ).read_text(encoding="utf-8")
    paragraphs = [
        " ".join(p.split())
        for p in fixture.split("\n")
        if len(p.strip()) > 200  # the four body paragraphs of the article
    ]
    assert len(paragraphs) == 4
    note = read(site, "/2026/11/bilpank-gram-nagar-raksha-samiti-baithak/")
    assert note.h1 and "बिलपांक थाने में हुआ ग्राम / नगर रक्षा समितियों" in note.h1.get_text()
    body = " ".join(note.find("main").get_text(" ").split())
    for paragraph in paragraphs:
        assert paragraph in body
    for boilerplate in (
        "Latest Online Breaking News",
        "Please Share This News",
        "Donate Now",
        "responsive-slider",
        "व्हाट्सप्प आइकान को दबा कर",
        "कॉरपोरेट और राजनैतिक नियंत्रण",
        "किस्मत न्यूज",
        "*पुलिस अधीक्षक",
    ):
        assert boilerplate not in body
    assert "मनोहर मालवीय" in body


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/thana/",
        "/shreni/",
        "/tag/",
        "/archive/",
        "/2026/",
        "/2026/11/",
        "/parichay/",
        "/sampark/",
        "/khoj/",
        "/404.html",
    ],
)
def test_page_types_exist(site, url):
    soup = read(site, url)
    assert soup.find("h1"), url

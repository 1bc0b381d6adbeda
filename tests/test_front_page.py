"""The front page looks like news: a lead story with its photo, small photos
on the cards of notes that have one, a light header; station pages link their
WhatsApp groups and feeds; the site has a favicon, app icons and a manifest."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pytest
from pelican.settings import read_settings
from PIL import Image
from support import ROOT, SETTINGS, build_site, new_content, note_text, read_html

from plugins.icons.draw import PNG_SIZES
from plugins.listings.pages import lead_story
from plugins.press_notes import registry_for
from plugins.whatsapp.groups import load_groups

pytestmark = pytest.mark.build

BILPANK = "/2026/11/bilpank-gram-nagar-raksha-samiti-baithak/"
NEWEST = "/2026/11/dhamnod-samvidhan-diwas-prastavana-vachan/"
PHONE = {"width": 360, "height": 640}
# The header took 162 px of a 360×640 screen (two rows of menu buttons).
HEADER_MAX = 96


@pytest.fixture(scope="module")
def registry():
    return registry_for(read_settings(SETTINGS))


def has_photo(site, url: str) -> bool:
    note = read_html(site / url.lstrip("/") / "index.html")
    return note.select_one("main figure.photo img") is not None


# ---- the lead story -----------------------------------------------------------


def note(name: str, photo: bool):
    return SimpleNamespace(name=name, image=object() if photo else None)


def test_the_lead_is_the_newest_note_with_a_photo_among_the_newest_few():
    a, b, c, d = note("a", False), note("b", False), note("c", True), note("d", True)
    assert lead_story([a, b, c, d], 3) == (c, [a, b, d])
    assert lead_story([a, b, c, d], 2) == (a, [b, c, d])  # none within: newest
    assert lead_story([d, c], 3) == (d, [c])
    assert lead_story([], 3) == (None, [])


def test_home_leads_with_a_story_and_its_photo(site):
    home = read_html(site / "index.html")
    lead = home.select_one("main article.lead-story")
    assert lead.select_one(".lead-title a")["href"] == BILPANK
    img = lead.select_one("figure.lead-photo img")
    assert img["width"] and img["height"] and img["alt"]
    assert img.get("loading") is None  # the first thing a phone shows
    widths = [c.split()[1] for c in img["srcset"].split(", ")]
    assert widths[0] == "480w"
    cards = [a["href"] for a in home.select("main article.card .card-title a")]
    assert BILPANK not in cards
    assert cards[0] == NEWEST
    assert len(cards) == 19  # home_notes (20) less the lead


def test_cards_of_notes_with_a_photo_show_a_small_lazy_copy(site):
    pages = ["index.html", "thana/alot/index.html", "shreni/yatayat/index.html"]
    seen = 0
    for page in pages:
        for card in read_html(site / page).select("main article.card"):
            url = card.select_one(".card-title a")["href"]
            thumb = card.select_one("img.thumb")
            if not has_photo(site, url):
                assert thumb is None, (page, url)
                continue
            seen += 1
            assert thumb["src"].endswith("-480w.jpg"), thumb["src"]
            assert thumb["loading"] == "lazy"
            with Image.open(site / thumb["src"].lstrip("/")) as copy:
                assert int(thumb["width"]) == copy.width
                assert abs(int(thumb["height"]) - copy.height) <= 1
    assert seen >= 6


# ---- station pages: WhatsApp groups and feeds -----------------------------------


def test_station_pages_link_their_groups_and_feeds(site, registry):
    groups = load_groups(ROOT / "content/registry/groups.toml", registry)
    for thana in registry.thanas:
        page = read_html(site / thana.url / "index.html")
        follow = page.select_one("main section#follow")
        assert follow is not None, thana.url
        assert page.select_one('main a[href="#follow"]')
        joins = [a["href"] for a in follow.select("a.wa")]
        assert joins == [g.invite for g in groups if thana.slug in g.thana_slugs]
        feeds = {a["href"] for a in follow.select("a[type]")}
        assert feeds == {
            f"/feeds/thana/{thana.slug}.rss.xml",
            f"/feeds/thana/{thana.slug}.atom.xml",
        }
        assert all((site / f.lstrip("/")).is_file() for f in feeds)
        assert follow.select_one('a[href="/feeds/"]')


def test_other_listings_have_no_station_links(site):
    page = read_html(site / "shreni/yatayat/index.html")
    assert page.select_one("#follow") is None


# ---- icons ------------------------------------------------------------------------


def test_the_site_has_a_favicon_app_icons_and_a_manifest(site):
    with Image.open(site / "favicon.ico") as ico:
        assert ico.format == "ICO"
        assert {(16, 16), (32, 32)} <= ico.ico.sizes()
    manifest = json.loads((site / "manifest.webmanifest").read_text("utf-8"))
    assert manifest["name"] == "रतलाम सामुदायिक बुलेटिन"
    assert manifest["lang"] == "hi" and manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        data = (site / icon["src"].lstrip("/")).read_bytes()
        with Image.open(io.BytesIO(data)) as png:
            assert png.format == "PNG"
            assert f"{png.width}x{png.height}" == icon["sizes"]
    for page in ("index.html", "404.html", "thana/alot/index.html"):
        head = read_html(site / page).head
        assert head.find("link", rel="icon")["href"] == "/favicon.ico"
        assert head.find("link", rel="manifest")["href"] == "/manifest.webmanifest"
        assert head.find("link", rel="apple-touch-icon")["href"] == (
            "/apple-touch-icon.png"
        )


# ---- in Chromium: a light header, no missing file ------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("url", ["/", BILPANK, "/thana/alot/"])
def test_the_header_is_light_on_a_phone_and_nothing_is_missing(browser, served, url):
    context = browser.new_context(viewport=PHONE, locale="hi-IN")
    page = context.new_page()
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    try:
        page.goto(served + url)
        page.wait_for_load_state("load")
        header = page.locator("header.site-head").bounding_box()
        menu = page.locator("header nav a").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().top)"
        )
        icon = page.request.get(served + "/favicon.ico")
    finally:
        context.close()
    assert header["height"] <= HEADER_MAX, header
    assert len(set(menu)) == 1  # one row of menu links
    assert failed == []
    assert icon.status == 200 and icon.headers["content-type"] in (
        "image/vnd.microsoft.icon",
        "image/x-icon",
    )


def test_icons_are_drawn_once_and_kept_in_the_cache(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    output = tmp_path / "output"
    build_site(content, output)
    (folder,) = (tmp_path / "cache" / "icons").iterdir()
    made = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert set(made) == {"favicon.ico", *PNG_SIZES}
    build_site(content, output)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == made
    for name in made:
        assert (output / name).read_bytes() == (folder / name).read_bytes()
    assert (output / "manifest.webmanifest").is_file()

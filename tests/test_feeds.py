"""Feeds: valid RSS 2.0 and Atom for the site, district, stations, categories
and reporters, read back with feedparser, lxml, newsboat and Chromium."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import threading
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import pytest
from lxml import etree
from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer
from pelican.settings import read_settings
from support import (
    ARTIFACTS,
    ROOT,
    SETTINGS,
    build_site,
    new_content,
    note_text,
    read_html,
)

from plugins.core.errors import BuildFailed
from plugins.core.header import scan_header
from plugins.feeds.ids import tag_uri
from plugins.feeds.plan import FeedIndex, FeedLink, reporter_slugs
from plugins.feeds.settings import (
    PELICAN_FEED_SETTINGS,
    pelican_feeds_left_on,
    plugin_settings,
)
from plugins.hindi_text.slugs import slugify, unique_slug
from plugins.press_notes.press_notes import registry_for
from plugins.press_notes.validate import parse_note_date

ATOM = "http://www.w3.org/2005/Atom"
NS = {
    "atom": ATOM,
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "media": "http://search.yahoo.com/mrss/",
}
BASE = "http://127.0.0.1:8000"
DEVANAGARI = re.compile("[\u0900-\u097f]")
NEWSBOAT = "/usr/bin/newsboat"
BROWSER_NOTE = "यह एक फ़ीड है"


# --- the sample bulletin as written (the expected side) ----------------------


@pytest.fixture(scope="module")
def registry():
    return registry_for(read_settings(SETTINGS))


def sample_notes(registry) -> list[dict]:
    """Every sample note as written: id (ids.py rule), station, category …"""
    notes = []
    for path in sorted((ROOT / "content" / "notes").rglob("*.md")):
        h = scan_header(path.read_text(encoding="utf-8"))
        date = parse_note_date(h.value("date"))
        rel = path.relative_to(ROOT / "content").as_posix()
        notes.append(
            {
                "id": f"tag:127.0.0.1,{date:%Y-%m-%d}:{rel}",
                "title": h.value("title"),
                "date": date,
                "thana": registry.thana_by_name[h.value("thana")].slug,
                "category": registry.category_by_name[h.value("category")].slug,
                "reporter": h.value("reporter"),
                "image": h.value("image"),
            }
        )
    return notes


@pytest.fixture(scope="module")
def notes(registry, site):
    """The sample notes, each with the link the site feed gives its id."""
    link_of_id = {e.id: e.link for e in parse(site / "feeds/all.atom.xml").entries}
    notes = sample_notes(registry)
    assert sorted(link_of_id) == sorted(n["id"] for n in notes)
    return [{**n, "url": link_of_id[n["id"]]} for n in notes]


def feed_files(site: Path) -> list[Path]:
    found = sorted((site / "feeds").rglob("*.xml"))
    assert found, f"no feeds under {site}"  # loops over them must check something
    return found


def parse(path: Path) -> feedparser.FeedParserDict:
    return feedparser.parse(path.read_bytes())


def xml(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def links_of(parsed) -> list[str]:
    return [e.link for e in parsed.entries]


# --- one set of feeds, where the README says -----------------------------------


def expected_feed_paths(registry, notes) -> set[str]:
    stems = {"feeds/all", f"feeds/jila/{registry.district.slug}"}
    stems |= {f"feeds/thana/{t.slug}" for t in registry.thanas}
    stems |= {f"feeds/shreni/{c.slug}" for c in registry.categories}
    stems |= {f"feeds/samvaddata/{slugify(n['reporter'])}" for n in notes}
    return {f"{s}.{fmt}.xml" for s in stems for fmt in ("rss", "atom")}


def test_one_set_of_feeds_in_the_documented_places(site, registry, notes):
    settings = read_settings(SETTINGS)
    assert pelican_feeds_left_on(settings) == []
    assert len(PELICAN_FEED_SETTINGS) == 12
    written = {str(p.relative_to(site)) for p in feed_files(site)}
    assert written == expected_feed_paths(registry, notes)
    assert not list(site.rglob("*.xsl"))
    assert (site / "feeds" / "index.html").is_file()
    assert len({slugify(n["reporter"]) for n in notes}) >= 5


def test_every_feed_parses_cleanly_as_rss_2_or_atom_1(site):
    files = feed_files(site)
    assert len(files) > 60
    for path in files:
        parsed = parse(path)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        wanted = "rss20" if path.name.endswith(".rss.xml") else "atom10"
        assert parsed.version == wanted, path
        assert parsed.feed.language == "hi", path
        assert DEVANAGARI.search(parsed.feed.title), path
        assert DEVANAGARI.search(parsed.feed.subtitle), path


# --- required elements (RSS 2.0 and RFC 4287) ---------------------------------


def text(el, path: str) -> str:
    found = el.find(path, NS)
    assert found is not None and (found.text or "").strip(), path
    return found.text.strip()


def test_rss_channels_and_items_have_what_rss_2_requires(site):
    paths = sorted((site / "feeds").rglob("*.rss.xml"))
    assert paths
    items = 0
    for path in paths:
        rss = xml(path)
        assert rss.tag == "rss" and rss.get("version") == "2.0"
        channel = rss.find("channel")
        assert DEVANAGARI.search(text(channel, "title"))
        assert text(channel, "link").startswith(f"{BASE}/")
        assert DEVANAGARI.search(text(channel, "description"))
        assert text(channel, "language") == "hi"
        self_link = channel.find("atom:link[@rel='self']", NS)
        assert self_link.get("href") == f"{BASE}/{path.relative_to(site)}"
        assert text(channel, "lastBuildDate").endswith("+0530")
        for item in channel.findall("item"):
            items += 1
            assert DEVANAGARI.search(text(item, "title"))
            assert text(item, "link").startswith(f"{BASE}/")
            assert item.find("guid").get("isPermaLink") == "false"
            assert text(item, "guid").startswith("tag:127.0.0.1,")
            assert text(item, "pubDate").endswith("+0530")
            assert text(item, "dcterms:modified").endswith("+05:30")
            assert DEVANAGARI.search(text(item, "description"))
            assert "<p>" in text(item, "content:encoded")
            assert DEVANAGARI.search(text(item, "dc:creator"))
            assert len(item.findall("category")) >= 2
    assert items > 0


def test_atom_feeds_and_entries_have_what_rfc_4287_requires(site, notes):
    reporter_of_id = {n["id"]: n["reporter"] for n in notes}
    paths = sorted((site / "feeds").rglob("*.atom.xml"))
    assert paths
    checked = 0
    for path in paths:
        feed = xml(path)
        assert feed.tag == f"{{{ATOM}}}feed"
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "hi"
        assert text(feed, "atom:id") == f"{BASE}/{path.relative_to(site)}"
        assert DEVANAGARI.search(text(feed, "atom:title"))
        assert text(feed, "atom:updated").endswith("+05:30")
        self_links = feed.findall("atom:link[@rel='self']", NS)
        assert [x.get("href") for x in self_links] == [text(feed, "atom:id")]
        entries = feed.findall("atom:entry", NS)
        assert DEVANAGARI.search(text(feed, "atom:author/atom:name"))
        for entry in entries:
            assert text(entry, "atom:id").startswith("tag:127.0.0.1,")
            assert DEVANAGARI.search(text(entry, "atom:title"))
            assert text(entry, "atom:updated").endswith("+05:30")
            assert text(entry, "atom:published").endswith("+05:30")
            alternates = entry.findall("atom:link[@rel='alternate']", NS)
            assert len(alternates) == 1
            assert alternates[0].get("href").startswith(f"{BASE}/")
            # each entry names its note's reporter, whoever the feed names
            assert (
                text(entry, "atom:author/atom:name")
                == reporter_of_id[text(entry, "atom:id")]
            )
            assert DEVANAGARI.search(text(entry, "atom:summary"))
            assert entry.find("atom:content", NS).get("type") == "html"
            terms = [c.get("term") for c in entry.findall("atom:category", NS)]
            assert len(terms) >= 2
            checked += 1
    assert checked > 0


def test_ids_are_unique_in_every_feed_and_the_same_in_every_feed(site, notes):
    id_of_link: dict[str, str] = {}
    for path in feed_files(site):
        parsed = parse(path)
        ids = [e.id for e in parsed.entries]
        assert len(ids) == len(set(ids)), path
        for entry in parsed.entries:
            assert id_of_link.setdefault(entry.link, entry.id) == entry.id
    assert id_of_link == {n["url"]: n["id"] for n in notes}


def test_entry_links_are_the_notes_canonical_pages(site, notes):
    for note in notes:
        assert note["url"].startswith(f"{BASE}/")
        page = read_html(site / urlparse(note["url"]).path.lstrip("/") / "index.html")
        assert page.h1.get_text(strip=True) == note["title"]
        assert page.find("link", rel="canonical")["href"] == note["url"]


def test_the_id_rule():
    date = datetime(2026, 9, 14, 18, 30)
    path = "notes/2026/09/आलोट शराब.md"
    assert tag_uri("news.example.org", date, path) == (
        "tag:news.example.org,2026-09-14:notes/2026/09/"
        "%E0%A4%86%E0%A4%B2%E0%A5%8B%E0%A4%9F%20%E0%A4%B6%E0%A4%B0%E0%A4%BE%E0%A4%AC.md"
    )


def test_times_are_indian_and_match_the_notes(site, notes):
    by_link = {n["url"]: n for n in notes}
    rss = xml(site / "feeds/all.rss.xml")
    for item in rss.iter("item"):
        note = by_link[item.findtext("link")]
        published = parsedate_to_datetime(item.findtext("pubDate"))
        assert published.utcoffset().total_seconds() == 5.5 * 3600
        assert published.replace(tzinfo=None) == note["date"]
    atom = xml(site / "feeds/all.atom.xml")
    for entry in atom.iterfind("atom:entry", NS):
        href = entry.find("atom:link[@rel='alternate']", NS).get("href")
        published = datetime.fromisoformat(entry.findtext("atom:published", None, NS))
        assert published.isoformat().endswith("+05:30")
        assert published.replace(tzinfo=None) == by_link[href]["date"]


# --- photos ----------------------------------------------------------------------


def test_the_photo_is_an_enclosure_and_media_content_with_its_real_size(site, notes):
    with_photo = {n["url"]: n for n in notes if n["image"]}
    assert len(with_photo) >= 3
    rss = xml(site / "feeds/all.rss.xml")
    atom = xml(site / "feeds/all.atom.xml")
    seen = 0
    for item in rss.iter("item"):
        note = with_photo.get(item.findtext("link"))
        enclosure = item.find("enclosure")
        if note is None:
            assert enclosure is None
            continue
        seen += 1
        size = (site / note["image"]).stat().st_size
        assert enclosure.get("url") == f"{BASE}/{note['image']}"
        assert enclosure.get("type") == "image/jpeg"
        assert int(enclosure.get("length")) == size
        media = item.find("media:content", NS)
        assert media.get("url") == enclosure.get("url")
        assert media.get("medium") == "image"
        assert int(media.get("fileSize")) == size
        assert int(media.get("width")) > 0 and int(media.get("height")) > 0
        assert f'src="{BASE}/{note["image"]}"' in item.findtext(
            "content:encoded", "", NS
        )
    assert seen == len(with_photo)
    seen = 0
    for entry in atom.iterfind("atom:entry", NS):
        href = entry.find("atom:link[@rel='alternate']", NS).get("href")
        enclosures = entry.findall("atom:link[@rel='enclosure']", NS)
        note = with_photo.get(href)
        if note is None:
            assert enclosures == []
            continue
        seen += 1
        (enclosure,) = enclosures
        assert enclosure.get("href") == f"{BASE}/{note['image']}"
        assert int(enclosure.get("length")) == (site / note["image"]).stat().st_size
        assert DEVANAGARI.search(enclosure.get("title"))
    assert seen == len(with_photo)  # the Atom entries with a photo were checked


# --- which notes are in which feed ------------------------------------------------


def test_every_note_is_in_the_site_feed_and_in_its_own_station_feed_only(
    site, registry, notes
):
    for fmt in ("rss", "atom"):
        site_links = links_of(parse(site / f"feeds/all.{fmt}.xml"))
        assert sorted(site_links) == sorted(n["url"] for n in notes)
        district = parse(site / f"feeds/jila/{registry.district.slug}.{fmt}.xml")
        assert links_of(district) == site_links
        for thana in registry.thanas:
            got = links_of(parse(site / f"feeds/thana/{thana.slug}.{fmt}.xml"))
            assert sorted(got) == sorted(
                n["url"] for n in notes if n["thana"] == thana.slug
            ), thana.slug


def test_category_and_reporter_feeds_hold_exactly_their_notes(site, registry, notes):
    for category in registry.categories:
        got = links_of(parse(site / f"feeds/shreni/{category.slug}.atom.xml"))
        want = [n["url"] for n in notes if n["category"] == category.slug]
        assert sorted(got) == sorted(want), category.slug
    for reporter in {n["reporter"] for n in notes}:
        parsed = parse(site / f"feeds/samvaddata/{slugify(reporter)}.rss.xml")
        assert reporter in parsed.feed.title
        want = [n["url"] for n in notes if n["reporter"] == reporter]
        assert sorted(links_of(parsed)) == sorted(want)
        assert {e.author for e in parsed.entries} == {reporter}


def test_items_are_newest_first_and_carry_station_category_and_tags(site, notes):
    parsed = parse(site / "feeds/all.atom.xml")
    published = [e.published_parsed for e in parsed.entries]
    assert published == sorted(published, reverse=True)
    by_link = {n["url"]: n for n in notes}
    for entry in parsed.entries:
        schemes = {urlparse(t.scheme).path.split("/")[1] for t in entry.tags}
        assert {"thana", "shreni"} <= schemes
        thana = [t for t in entry.tags if "/thana/" in t.scheme]
        assert thana[0].scheme.endswith(f"/thana/{by_link[entry.link]['thana']}/")


# --- a station without notes -----------------------------------------------------


def test_a_station_without_notes_has_a_valid_empty_feed_and_links_it(
    site, registry, notes
):
    empty = [t for t in registry.thanas if t.slug not in {n["thana"] for n in notes}]
    assert empty, "the sample needs a station without notes"
    page = (site / empty[0].url / "index.html").read_text(encoding="utf-8")
    for fmt in ("rss", "atom"):
        path = site / f"feeds/thana/{empty[0].slug}.{fmt}.xml"
        parsed = parse(path)
        assert not parsed.bozo and parsed.entries == []
        assert empty[0].name in parsed.feed.title
        assert parsed.feed.updated.endswith(("+05:30", "+0530"))
        assert f'href="/feeds/thana/{empty[0].slug}.{fmt}.xml"' in page


# --- ids survive edits; item count; settings --------------------------------------


def entry_ids(output: Path, fmt: str = "atom") -> dict[str, str]:
    parsed = parse(output / f"feeds/all.{fmt}.xml")
    return {e.title: e.id for e in parsed.entries}


def test_editing_title_or_slug_keeps_the_id_renaming_the_file_does_not(tmp_path):
    old = note_text()
    content = new_content(tmp_path, {"2026/10/namli.md": old})
    build_site(content, tmp_path / "a")
    (before,) = entry_ids(tmp_path / "a").values()
    edited = note_text(title="नामली में यातायात सप्ताह का समापन", slug="namli-samapan")
    (content / "notes/2026/10/namli.md").write_text(edited, encoding="utf-8")
    build_site(content, tmp_path / "b")
    assert entry_ids(tmp_path / "b") == {"नामली में यातायात सप्ताह का समापन": before}
    assert before == "tag:127.0.0.1,2026-10-05:notes/2026/10/namli.md"
    (content / "notes/2026/10/namli.md").rename(content / "notes/2026/10/other.md")
    build_site(content, tmp_path / "c")
    assert list(entry_ids(tmp_path / "c").values()) != [before]


def test_feeds_hold_the_newest_max_items_notes(tmp_path):
    notes = {
        f"2026/10/n{day}.md": note_text(
            title=f"नामली सूचना {day}",
            slug=f"namli-{day}",
            date=f"2026-10-{day:02d} 10:00",
        )
        for day in (3, 9, 5)
    }
    output = tmp_path / "output"
    build_site(new_content(tmp_path, notes), output, FEEDS={"max_items": 2})
    for fmt in ("rss", "atom"):
        for feed in ("feeds/all", "feeds/thana/namli", "feeds/shreni/yatayat"):
            parsed = parse(output / f"{feed}.{fmt}.xml")
            assert [e.title for e in parsed.entries] == [
                "नामली सूचना 9",
                "नामली सूचना 5",
            ]


def test_the_feeds_setting_is_checked_with_a_message_naming_it(tmp_path):
    base = read_settings(SETTINGS)
    assert plugin_settings(base)["max_items"] == 50
    assert plugin_settings({**base, "FEEDS": {}})["id_authority"] == "127.0.0.1"
    bad = [
        ({"max_items": 0}, 'FEEDS["max_items"]'),
        ({"max_items": "50"}, 'FEEDS["max_items"]'),
        ({"max_item": 5}, "'FEEDS' key(s) ['max_item']"),
        ({"id_authority": "http://x"}, 'FEEDS["id_authority"]'),
    ]
    for given, words in bad:
        with pytest.raises(ValueError, match=re.escape(words)):
            plugin_settings({**base, "FEEDS": given})
    with pytest.raises(ValueError, match="'FEED_ALL_ATOM'"):
        plugin_settings({**base, "FEED_ALL_ATOM": "feeds/all.atom.xml"})
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    with pytest.raises(BuildFailed, match=re.escape('FEEDS["max_items"]')):
        build_site(content, tmp_path / "output", FEEDS={"max_items": -1})


def test_reporter_slugs_are_unique_and_given_in_order_of_first_note():
    class Note:
        def __init__(self, reporter, day):
            self.reporter, self.date = reporter, datetime(2026, 10, day)

    notes = [Note("मनोहर मालवीय", 9), Note("मनोहर  मालवीय!", 2), Note("रेखा", 5)]
    assert reporter_slugs(notes, slugify, unique_slug) == {
        "मनोहर  मालवीय!": "manohar-malviya",
        "रेखा": "rekha",
        "मनोहर मालवीय": "manohar-malviya-2",
    }


# --- discovery: every page links the feeds that fit it ----------------------------


def alternates(soup) -> list[tuple[str, str]]:
    return [
        (el["type"], el["href"])
        for el in soup.find_all("link", rel="alternate")
        if el.get("type") in ("application/rss+xml", "application/atom+xml")
    ]


SITE_LINKS = [
    ("application/rss+xml", "/feeds/all.rss.xml"),
    ("application/atom+xml", "/feeds/all.atom.xml"),
]


def test_every_page_links_the_site_feeds_with_hindi_titles(html_pages):
    for path, soup in html_pages.items():
        assert alternates(soup)[:2] == SITE_LINKS, path
        for el in soup.find_all("link", rel="alternate"):
            assert DEVANAGARI.search(el["title"]), path
        footer = soup.select_one("footer .foot-links a[href='/feeds/']")
        assert footer is not None and footer.get_text(strip=True) == "फ़ीड", path


def test_note_pages_link_their_station_category_and_reporter_feeds(html_pages, notes):
    for note in notes:
        path = urlparse(note["url"]).path.lstrip("/") + "index.html"
        stems = [
            f"/feeds/thana/{note['thana']}",
            f"/feeds/shreni/{note['category']}",
            f"/feeds/samvaddata/{slugify(note['reporter'])}",
        ]
        own = [
            (f"application/{fmt}+xml", f"{stem}.{fmt}.xml")
            for stem in stems
            for fmt in ("rss", "atom")
        ]
        assert alternates(html_pages[path]) == SITE_LINKS + own, path


def test_listing_pages_link_their_own_feeds(html_pages, registry):
    for kind, items in (("thana", registry.thanas), ("shreni", registry.categories)):
        for item in items:
            got = alternates(html_pages[f"{kind}/{item.slug}/index.html"])
            assert got == [
                *SITE_LINKS,
                ("application/rss+xml", f"/feeds/{kind}/{item.slug}.rss.xml"),
                ("application/atom+xml", f"/feeds/{kind}/{item.slug}.atom.xml"),
            ]
    for path in ("index.html", "thana/index.html", "archive/index.html"):
        assert alternates(html_pages[path]) == SITE_LINKS


def test_numbered_listing_pages_link_the_listing_feeds():
    link = FeedLink("feeds/thana/namli.rss.xml", "application/rss+xml", "x", "rss")
    site = (FeedLink("feeds/all.rss.xml", "application/rss+xml", "s", "rss"),)
    index = FeedIndex(
        site=site,
        notes={"2026/10/a/index.html": (link,)},
        listings={"thana/namli/": (link,), "thana/": ()},
    )
    assert index.for_page("thana/namli/page/3/index.html") == (*site, link)
    assert index.for_page("thana/namli/index.html") == (*site, link)
    assert index.for_page("2026/10/a/index.html") == (*site, link)
    assert index.for_page("thana/namli-2/index.html") == site
    assert index.for_page(None) == site


def test_the_feeds_page_lists_every_feed_and_says_how_to_follow_one(site, html_pages):
    soup = html_pages["feeds/index.html"]
    listed = {
        a["href"].lstrip("/") for a in soup.select("main a") if ".xml" in a["href"]
    }
    assert listed == {str(p.relative_to(site)) for p in feed_files(site)}
    main = soup.select_one("main").get_text(" ")
    for words in ("फ़ीड रीडर ऐप", "पता कॉपी करें", "चिपकाएँ", "आरएसएस", "एटम"):
        assert words in main
    headings = [h.get_text(strip=True) for h in soup.select("main h2")]
    for heading in ("पूरा बुलेटिन", "जिला", "थाने", "श्रेणियाँ", "संवाददाता"):
        assert any(heading in h for h in headings), heading


# --- the browser view: no stylesheet, a Hindi note first --------------------------


def test_no_feed_asks_for_a_stylesheet(site):
    for path in feed_files(site):
        assert b"<?xml-stylesheet" not in path.read_bytes(), path


def browser_note(path: Path) -> list[str]:
    """The lines of the comment right before the feed's root element."""
    comment = xml(path).getprevious()
    assert comment is not None and comment.tag is etree.Comment, path
    return comment.text.strip().splitlines()


def test_every_feed_starts_with_a_hindi_note_for_browsers(site, registry):
    for path in feed_files(site):
        lines = browser_note(path)
        assert lines[0].startswith(BROWSER_NOTE), path
        assert f"{BASE}/feeds/" in lines
        assert all(len(x) <= 34 or x.startswith(BASE) for x in lines), lines
    empty = next(t for t in registry.thanas if t.slug == "shivgarh")
    for fmt in ("rss", "atom"):
        lines = browser_note(site / f"feeds/thana/{empty.slug}.{fmt}.xml")
        assert lines[-1] == f"{BASE}/{empty.url}"
        assert lines[-3] == f"{BASE}/feeds/"
    assert browser_note(site / "feeds/all.rss.xml")[-1] == f"{BASE}/"


# --- real clients on loopback: newsboat and Chromium ------------------------------


class QuietHandler(ComplexHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: Path):
    httpd = RootedHTTPServer(str(root), ("127.0.0.1", 0), QuietHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(scope="module")
def served(site):
    httpd, url = serve(site)
    yield url
    httpd.shutdown()
    httpd.server_close()


def newsboat_reload(home: Path, urls: list[str]) -> list[tuple[str, str]]:
    """newsboat subscribes to `urls`, reloads; (feed url, item title) it stored."""
    home.mkdir(exist_ok=True)
    (home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (home / "config").write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "XDG_DATA_HOME": str(home),
        "LANG": "C.UTF-8",
    }
    files = ["-u", home / "urls", "-C", home / "config", "-c", home / "cache.db"]
    for action in ("reload", "print-unread"):
        done = subprocess.run(
            [NEWSBOAT, *map(str, files), "-x", action],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(home / "cache.db") as db:
        feeds = db.execute("select rssurl, title from rss_feed").fetchall()
        items = db.execute(
            "select feedurl, title from rss_item order by pubDate desc"
        ).fetchall()
    assert sorted(u for u, _ in feeds) == sorted(urls)
    assert all(DEVANAGARI.search(title) for _, title in feeds)
    assert done.stdout.strip() == f"{len(items)} unread articles"
    return items


def test_newsboat_reads_every_kind_of_feed_with_hindi_titles(
    served, site, tmp_path, notes
):
    newest_first = [n["title"] for n in sorted(notes, key=lambda n: n["date"])][::-1]
    for feed in ("feeds/all.rss.xml", "feeds/all.atom.xml"):
        items = newsboat_reload(tmp_path / feed.replace("/", "-"), [f"{served}/{feed}"])
        assert [title for _, title in items] == newest_first
    alot = [n["title"] for n in notes if n["thana"] == "alot"]
    for fmt in ("rss", "atom"):
        items = newsboat_reload(
            tmp_path / f"alot-{fmt}",
            [
                f"{served}/feeds/thana/alot.{fmt}.xml",
                f"{served}/feeds/thana/shivgarh.{fmt}.xml",
            ],
        )
        assert [title for _, title in items] == alot


def test_newsboat_updates_an_edited_title_in_place(tmp_path):
    content = new_content(tmp_path, {"2026/10/namli.md": note_text()})
    output = tmp_path / "output"
    build_site(content, output)
    httpd, url = serve(output)
    try:
        urls = [f"{url}/feeds/thana/namli.rss.xml"]
        items = newsboat_reload(tmp_path / "nb", urls)
        assert [t for _, t in items] == ["नामली थाने में यातायात जागरूकता शिविर"]
        edited = note_text(title="नामली में यातायात सप्ताह का समापन", slug="namli-2")
        (content / "notes/2026/10/namli.md").write_text(edited, encoding="utf-8")
        build_site(content, output)
        items = newsboat_reload(tmp_path / "nb", urls)
        assert [t for _, t in items] == ["नामली में यातायात सप्ताह का समापन"]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.browser
def test_a_feed_opened_in_chromium_says_in_hindi_where_to_go(served, browser):
    """No XSLT any more: Chromium shows the feed as XML, which starts with a
    Hindi note giving the feeds page and the station's page, line by line
    within a phone's width; nothing else is requested."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 360, "height": 640})
    requested = []
    page.on("request", lambda r: requested.append(urlparse(r.url).path))
    try:
        response = page.goto(f"{served}/feeds/thana/alot.rss.xml")
        assert response.ok
        page.wait_for_load_state()
        text = page.evaluate("document.body.innerText")
        page.screenshot(path=str(ARTIFACTS / "feed-alot-360x640.png"))
    finally:
        page.close()
    assert [p for p in requested if p != "/favicon.ico"] == [
        "/feeds/thana/alot.rss.xml"
    ]
    assert "XSLT" not in text
    lines = [x.strip() for x in text.splitlines()]
    assert any(x.startswith(BROWSER_NOTE) for x in lines), text[:500]
    assert f"{BASE}/feeds/" in lines
    assert f"{BASE}/thana/alot/" in lines
    assert "रतलाम सामुदायिक बुलेटिन — थाना आलोट" in text

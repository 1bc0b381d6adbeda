"""Findable: sitemaps validated against the sitemaps.org and Google News
schemas (shipped in tests/fixtures/xsd), robots.txt, JSON-LD on every note
and station page."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from support import ROOT, build_site, new_content, note_text, read_html

from plugins.hindi_text.dates import IST

XSD = ROOT / "tests" / "fixtures" / "xsd"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
BASE = "http://127.0.0.1:8000/"


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / name)))


def valid(path, name: str) -> etree._ElementTree:
    doc = etree.parse(str(path))
    checker = schema(name)
    assert checker.validate(doc), f"{path.name}: {checker.error_log}"
    return doc


def json_ld(soup) -> dict[str, dict]:
    found = {}
    for script in soup.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        found[data["@type"]] = data
    return found


def test_the_schemas_refuse_a_wrong_sitemap(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://example.org/a/</loc><lastmod>kal</lastmod></url>"
        "</urlset>"
    )
    assert not schema("sitemap.xsd").validate(etree.parse(str(bad)))
    news = tmp_path / "news.xml"
    news.write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        "<url><loc>http://example.org/a/</loc><news:news><news:title>t"
        "</news:title></news:news></url></urlset>"
    )
    assert not schema("news-urlset.xsd").validate(etree.parse(str(news)))


def test_sitemap_lists_every_note_with_lastmod_in_ist(site, html_pages):
    doc = valid(site / "sitemap.xml", "sitemap.xsd")
    lastmod = {
        u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod")
        for u in doc.getroot().iter(f"{SM}url")
    }
    notes = [p for p in html_pages if p.count("/") == 3 and p[:4].isdigit()]
    assert len(notes) == 20
    for path in notes:
        url = BASE + path.removesuffix("index.html")
        assert url in lastmod, url
        assert lastmod[url].endswith("+05:30"), lastmod[url]
    assert BASE in lastmod and BASE + "thana/bilpank/" in lastmod
    assert BASE + "parichay/" in lastmod
    assert not any("/share/" in u or "/drafts/" in u for u in lastmod)


def test_robots_names_the_sitemaps_there_are(site):
    lines = (site / "robots.txt").read_text().splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    news = (site / "news-sitemap.xml").exists()
    assert (f"Sitemap: {BASE}news-sitemap.xml" in lines) == news
    assert "User-agent: *" in lines


def test_sitemap_is_split_with_an_index_past_the_limit(tmp_path):
    notes = {
        f"2026/10/n{i}.md": note_text(
            slug=f"note-{i}", title=f"यातायात शिविर {i}", date=f"2026-10-{i:02d} 10:00"
        )
        for i in range(1, 9)
    }
    output = tmp_path / "output"
    build_site(
        new_content(tmp_path, notes),
        output,
        SEO={"sitemap_max_urls": 10},
    )
    index = valid(output / "sitemap.xml", "siteindex.xsd").getroot()
    parts = [s.findtext(f"{SM}loc") for s in index.iter(f"{SM}sitemap")]
    assert len(parts) >= 2
    locs = []
    for loc in parts:
        part = output / loc.removeprefix(BASE)
        urls = valid(part, "sitemap.xsd").getroot().findall(f"{SM}url")
        assert 1 <= len(urls) <= 10
        locs += [u.findtext(f"{SM}loc") for u in urls]
    assert len(locs) == len(set(locs))
    for i in range(1, 9):
        assert f"{BASE}2026/10/note-{i}/" in locs


def test_news_sitemap_holds_the_last_48_hours(tmp_path):
    now = datetime.now(IST)
    fresh = (now - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    old = (now - timedelta(hours=50)).strftime("%Y-%m-%d %H:%M")
    notes = {
        "a/fresh.md": note_text(slug="taza-khabar", title="ताज़ा खबर", date=fresh),
        "a/old.md": note_text(slug="purani-khabar", title="पुरानी खबर", date=old),
    }
    output = tmp_path / "output"
    build_site(new_content(tmp_path, notes), output)
    root = valid(output / "news-sitemap.xml", "news-urlset.xsd").getroot()
    urls = root.findall(f"{SM}url")
    assert len(urls) == 1
    url = urls[0]
    assert url.findtext(f"{SM}loc").endswith("/taza-khabar/")
    news = url.find(f"{NEWS}news")
    pub = news.find(f"{NEWS}publication")
    assert pub.findtext(f"{NEWS}name") == "रतलाम सामुदायिक बुलेटिन"
    assert pub.findtext(f"{NEWS}language") == "hi"
    assert news.findtext(f"{NEWS}title") == "ताज़ा खबर"
    assert news.findtext(f"{NEWS}publication_date") == (
        f"{fresh.replace(' ', 'T')}:00+05:30"
    )
    robots = (output / "robots.txt").read_text().splitlines()
    assert f"Sitemap: {BASE}news-sitemap.xml" in robots


def test_without_a_recent_note_no_news_sitemap_is_named(tmp_path):
    old = (datetime.now(IST) - timedelta(hours=50)).strftime("%Y-%m-%d %H:%M")
    notes = {"a/old.md": note_text(slug="purani-khabar", date=old)}
    output = tmp_path / "output"
    build_site(new_content(tmp_path, notes), output)
    # an empty urlset is invalid against the sitemaps.org schema
    empty = tmp_path / "empty.xml"
    empty.write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
        encoding="utf-8",
    )
    assert not schema("news-urlset.xsd").validate(etree.parse(str(empty)))
    assert not (output / "news-sitemap.xml").exists()
    robots = (output / "robots.txt").read_text().splitlines()
    assert robots == ["User-agent: *", "Allow: /", f"Sitemap: {BASE}sitemap.xml"]
    valid(output / "sitemap.xml", "sitemap.xsd")


def test_every_note_has_news_article_and_breadcrumbs(html_pages):
    notes = {p: s for p, s in html_pages.items() if s.find("article", class_="note")}
    assert len(notes) == 20
    for path, soup in notes.items():
        data = json_ld(soup)
        article = data["NewsArticle"]
        canonical = soup.find("link", rel="canonical")["href"]
        assert article["@context"] == "https://schema.org"
        assert article["mainEntityOfPage"]["@id"] == canonical
        assert article["headline"] == soup.h1.get_text(strip=True)[:110]
        for key in ("datePublished", "dateModified"):
            assert article[key].endswith("+05:30"), (path, key)
            datetime.fromisoformat(article[key])
        assert article["dateModified"] >= article["datePublished"]
        assert article["inLanguage"] == "hi"
        assert article["author"][0]["name"]
        publisher = article["publisher"]
        assert publisher["name"] == "रतलाम सामुदायिक बुलेटिन"
        assert publisher["logo"]["url"].endswith("/theme/images/logo.png")
        assert article["image"] and all(i.startswith(BASE) for i in article["image"])
        place = article["contentLocation"]
        assert place["@type"] == "PoliceStation" and place["name"]
        crumbs = data["BreadcrumbList"]["itemListElement"]
        assert [c["position"] for c in crumbs] == [1, 2, 3]
        assert crumbs[0]["item"] == BASE and crumbs[-1]["item"] == canonical
        assert crumbs[1]["item"] == place["url"]


def test_logo_and_photos_named_in_json_ld_are_published(site, html_pages):
    soup = html_pages["2026/11/bilpank-gram-nagar-raksha-samiti-baithak/index.html"]
    article = json_ld(soup)["NewsArticle"]
    urls = [article["publisher"]["logo"]["url"], *article["image"]]
    for url in urls:
        assert (site / url.removeprefix(BASE)).is_file(), url
    assert article["contentLocation"]["name"] == "बिलपांक"


def test_station_page_is_a_police_station(html_pages):
    soup = html_pages["thana/bilpank/index.html"]
    place = json_ld(soup)["PoliceStation"]
    assert place["name"] == "बिलपांक"
    assert place["url"] == BASE + "thana/bilpank/"
    assert place["address"]["addressCountry"] == "IN"


@pytest.mark.parametrize("title", ["</script><script>alert(1)</script> खबर"])
def test_json_ld_cannot_end_its_script(tmp_path, title):
    output = tmp_path / "output"
    build_site(
        new_content(tmp_path, {"a/x.md": note_text(title=title, slug="x")}), output
    )
    soup = read_html(output / "2026/10/x/index.html")
    scripts = soup.find_all("script")
    assert all(s.get("type") == "application/ld+json" for s in scripts)
    assert json_ld(soup)["NewsArticle"]["headline"].startswith("</script>")


def test_the_parts_of_older_notes_stay_as_they_are_when_notes_come():
    """Past the limit, the notes' parts are counted from the oldest: a new
    note changes the newest notes' part (or starts one) and no other.
    """
    from plugins.seo.sitemaps import Entry, is_notes_part, sitemap_parts

    start = datetime(2026, 1, 1, tzinfo=IST)
    pages = [Entry(f"{BASE}thana/{i}/") for i in range(3)]

    def notes(n: int) -> list[Entry]:
        return [
            Entry(f"{BASE}n{i}/", start + timedelta(days=i)) for i in reversed(range(n))
        ]

    assert sitemap_parts(pages, notes(7), 10, 2) == {"sitemap.xml": pages + notes(7)}
    for n in (8, 9, 12):
        before = sitemap_parts(pages, notes(n), 10, 2)
        after = sitemap_parts(pages, notes(n + 1), 10, 2)
        changed = [p for p in after if before.get(p) != after[p]]
        *older, newest = [p for p in after if is_notes_part(p)]
        assert [len(after[p]) for p in older] == [2] * (n // 2)
        assert changed == [newest], n
        assert after[newest][0] == notes(n + 1)[0]
        held = [e for p, v in after.items() if is_notes_part(p) for e in v]
        assert sorted(e.loc for e in held) == sorted(e.loc for e in notes(n + 1))
        assert [p for p in after if not is_notes_part(p)] == [
            "sitemap-pages-1.xml",
            "sitemap-pages-2.xml",
        ]
    # each part newest first, the parts from the oldest notes on
    parts = sitemap_parts(pages, notes(9), 10, 2)
    assert parts["sitemap-notes-1.xml"] == [notes(9)[-2], notes(9)[-1]]
    assert parts["sitemap-notes-5.xml"] == [notes(9)[0]]


def test_the_news_window_takes_only_the_notes_within_it():
    # news_entries makes an entry only of the notes `recent` keeps: the
    # window's ends are in it, a note a second outside either end is not
    # (one from the future neither), naive times are Indian time
    from plugins.seo.records import SeoNote, SeoRecords
    from plugins.seo.seo import news_entries

    now = datetime(2026, 11, 30, 12, 0, tzinfo=IST)
    times = {
        "start": now - timedelta(hours=48),
        "before": now - timedelta(hours=48, seconds=1),
        "now": now,
        "future": now + timedelta(seconds=1),
        "naive": datetime(2026, 11, 30, 11, 0),
        "utc": (now - timedelta(hours=1)).astimezone(UTC),
    }
    records = SeoRecords(
        notes=tuple(
            SeoNote(f"{BASE}{name}/", at, at, name, None, None)  # type: ignore[arg-type]
            for name, at in times.items()
        )
    )
    kept = news_entries(records, {"SEO": {}}, now)
    assert [e.title for e in kept] == ["start", "now", "naive", "utc"]
    assert [e.published for e in kept] == [times[e.title] for e in kept]


def test_the_sitemaps_are_made_one_at_a_time_as_they_are_written(monkeypatch):
    """Past the limit, the build writes each sitemap part as it is made
    (each_sitemap_file, through seo.each_seo_file), not once every part's
    bytes are held (about 6.5 MB at 50,000 notes): each part's urlset, then
    their index."""
    from plugins.seo import sitemaps
    from plugins.seo.sitemaps import Entry, sitemap_parts

    start = datetime(2026, 1, 1, tzinfo=IST)
    pages = [Entry(f"{BASE}thana/{i}/") for i in range(3)]
    notes = [Entry(f"{BASE}n{i}/", start + timedelta(days=i)) for i in range(9)]
    parts = sitemap_parts(pages, notes[::-1], 10, 2)
    made = []
    urlset = sitemaps.urlset

    def counted(entries):
        made.append(len(entries))
        return urlset(entries)

    monkeypatch.setattr(sitemaps, "urlset", counted)
    files = sitemaps.each_sitemap_file(parts, BASE)
    first = next(files)
    assert len(made) == 1 and first[0] == "sitemap-pages-1.xml"
    rest = dict(files)
    assert len(made) == len(parts) == 7 and list(rest)[-1] == "sitemap.xml"
    files = {first[0]: first[1], **rest}
    assert list(files) == [*parts, "sitemap.xml"]
    assert [files[path] for path in parts] == [urlset(e) for e in parts.values()]

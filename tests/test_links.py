"""Links that never break: the published-URL ledger, redirects for changed
slugs and dates, withdrawn notes, the build that refuses to drop an address,
and visible corrections."""

from __future__ import annotations

import json

import feedparser
import pytest
from lxml import etree
from support import build_site, new_content, note_text, read_html

from plugins.core.errors import BuildFailed, ContentError
from plugins.links import ledger

RECORD = {
    "ledger": "registry/published-urls.tsv",
    "redirects": "registry/redirects.tsv",
    "record": True,
}
BASE = "http://127.0.0.1:8000/"
OLD = "2026/10/namli-yatayat-shivir/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def publish(content, output, **overrides):
    """A build that records the ledger, as a production build does."""
    return build_site(content, output, LINKS=RECORD, **overrides)


def write_note(content, text, rel="2026/10/namli.md"):
    (content / "notes" / rel).write_text(text, encoding="utf-8")


def ledger_urls(content) -> list[str]:
    return [r.url for r in ledger.read(content / RECORD["ledger"]).records]


@pytest.fixture
def published(tmp_path):
    """A site with two notes, built once in production mode."""
    content = new_content(
        tmp_path,
        {
            "2026/10/namli.md": note_text(),
            "2026/10/other.md": note_text(
                slug="doosri-khabar", title="दूसरी खबर", date="2026-10-06 09:00"
            ),
        },
    )
    output = tmp_path / "output"
    publish(content, output)
    return content, output


def test_production_build_records_every_note_address(published):
    content, _ = published
    path = content / RECORD["ledger"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Published note addresses")
    assert sorted(ledger_urls(content)) == ["2026/10/doosri-khabar/", OLD]
    row = next(line for line in text.splitlines() if OLD in line).split("\t")
    assert row[0].endswith("+05:30") and row[2] == "notes/2026/10/namli.md"


def test_ledger_is_append_only_and_development_builds_do_not_record(
    published, tmp_path
):
    content, output = published
    path = content / RECORD["ledger"]
    before = path.read_bytes()
    publish(content, output)
    assert path.read_bytes() == before
    write_note(content, note_text(slug="naya-slug"))
    build_site(content, output)  # development: nothing recorded
    assert path.read_bytes() == before
    publish(content, output)
    after = path.read_bytes()
    assert after.startswith(before) and b"2026/10/naya-slug/" in after[len(before) :]


def test_changed_slug_redirects_the_old_address(published):
    content, output = published
    write_note(content, note_text(slug="namli-helmet-shivir"))
    publish(content, output)
    new = f"{BASE}2026/10/namli-helmet-shivir/"
    page = read_html(output / OLD / "index.html")
    assert page.find("link", rel="canonical")["href"] == new
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh == f"0; url={new}"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "यह खबर नए पते पर है" in page.h1.get_text()
    nginx = (output / "redirects.nginx.map").read_text()
    assert f'"/{OLD}" "/2026/10/namli-helmet-shivir/";' in nginx.splitlines()
    assert f"/{OLD} /2026/10/namli-helmet-shivir/ 301" in (
        (output / "_redirects").read_text().splitlines()
    )
    sitemap = (output / "sitemap.xml").read_text()
    assert OLD not in sitemap and "namli-helmet-shivir" in sitemap


def test_changed_date_redirects_and_the_feed_id_stays(published):
    content, output = published
    feed = feedparser.parse(str(output / "feeds/all.atom.xml"))
    ids = {e.link: e.id for e in feed.entries}
    old_id = ids[BASE + OLD]
    write_note(content, note_text(date="2026-11-02 10:30"))
    publish(content, output)
    new = "2026/11/namli-yatayat-shivir/"
    page = read_html(output / OLD / "index.html")
    assert page.find("link", rel="canonical")["href"] == BASE + new
    feed = feedparser.parse(str(output / "feeds/all.atom.xml"))
    assert {e.link: e.id for e in feed.entries}[BASE + new] == old_id
    # a second move: both older addresses lead to the newest one
    write_note(content, note_text(date="2026-11-02 10:30", slug="teesra-pata"))
    publish(content, output)
    for old in (OLD, new):
        page = read_html(output / old / "index.html")
        assert page.find("link", rel="canonical")["href"].endswith("/teesra-pata/")


def test_withdrawn_note_keeps_a_hindi_page_and_leaves_lists_and_feeds(published):
    content, output = published
    reason = "तथ्यों की पुष्टि न होने के कारण यह विज्ञप्ति वापस ली गई।"
    write_note(content, note_text(status="withdrawn", reason=reason))
    publish(content, output)
    page = read_html(output / OLD / "index.html")
    notice = page.find("section", class_="withdrawn")
    assert "यह खबर वापस ले ली गई है" in notice.get_text()
    assert f"कारण: {reason}" in notice.get_text()
    assert not page.find("div", class_="content")
    assert not page.find("script", type="application/ld+json")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    for listed in ("index.html", "thana/namli/index.html"):
        assert OLD not in (output / listed).read_text(), listed
    assert "doosri-khabar" in (output / "index.html").read_text()
    for feed in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        links = [e.link for e in feedparser.parse(str(output / feed)).entries]
        assert BASE + OLD not in links and links, feed
    assert OLD not in (output / "sitemap.xml").read_text()
    assert OLD not in (output / "redirects.nginx.map").read_text()


def test_withdrawal_needs_a_reason(published):
    content, output = published
    write_note(content, note_text(status="withdrawn"))
    with pytest.raises(BuildFailed, match=r"\[reason\]: a withdrawn note needs"):
        publish(content, output)
    write_note(content, note_text(reason="कोई कारण"))
    with pytest.raises(BuildFailed, match="only for a withdrawn note"):
        publish(content, output)


def test_a_build_that_drops_a_published_address_stops(published):
    content, output = published
    before = (output / OLD / "index.html").read_bytes()
    (content / "notes/2026/10/namli.md").unlink()
    with pytest.raises(BuildFailed) as failed:
        publish(content, output)
    message = str(failed.value)
    assert f"the address /{OLD} was published" in message
    assert "published-urls.tsv:" in message
    assert "'status: withdrawn'" in message and "'reason: …'" in message
    assert f"'{OLD}<TAB><new address>'" in message
    assert "registry/redirects.tsv" in message
    assert (output / OLD / "index.html").read_bytes() == before
    # the second way out: a redirect written by hand
    (content / RECORD["redirects"]).write_text(
        f"# old\tnew\n{OLD}\t2026/10/doosri-khabar/\n", encoding="utf-8"
    )
    publish(content, output)
    page = read_html(output / OLD / "index.html")
    assert page.find("link", rel="canonical")["href"] == BASE + "2026/10/doosri-khabar/"


def test_old_wordpress_addresses_redirect(tmp_path):
    content = new_content(tmp_path, {"2026/10/namli.md": note_text()})
    (content / RECORD["redirects"]).write_text(
        "https://old.example.org/2019/05/namli-shivir/\t/" + OLD + "\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    publish(content, output)
    page = read_html(output / "2019/05/namli-shivir/index.html")
    assert page.find("link", rel="canonical")["href"] == BASE + OLD
    assert '"/2019/05/namli-shivir/" "/2026/10/namli-yatayat-shivir/";' in (
        (output / "redirects.nginx.map").read_text()
    )


def test_bad_redirect_lines_are_named(tmp_path):
    content = new_content(tmp_path, {"2026/10/namli.md": note_text()})
    (content / RECORD["redirects"]).write_text(
        f"2019/05/a/ {OLD}\n2019/05/b/\t2026/01/nowhere/\n{OLD}\t2026/01/x/\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed) as failed:
        publish(content, tmp_path / "output")
    message = str(failed.value)
    assert "redirects.tsv:1: write the old address, a tab" in message
    assert "redirects.tsv:2: /2026/01/nowhere/ is not a page" in message
    assert f"redirects.tsv:3: /{OLD} is a page of this build" in message
    assert isinstance(failed.value.__cause__, ContentError)


def test_redirects_from_any_address_the_build_writes_are_refused(tmp_path):
    content = new_content(tmp_path, {"2026/10/namli.md": note_text()})
    taken = [
        "khoj/",  # search
        "archive/",
        "2026/10/",  # a month's archive
        "tag/",
        "feeds/",  # the feeds page
    ]
    clashing = ["feeds/all.rss.xml/", "theme/"]
    lines = [f"{old}\t{OLD}" for old in taken + clashing]
    lines.append("2019/05/khoj-purana/\tkhoj/")  # to the search page: fine
    (content / RECORD["redirects"]).write_text("\n".join(lines) + "\n")
    with pytest.raises(BuildFailed) as failed:
        publish(content, tmp_path / "output")
    message = str(failed.value)
    assert "overwritten" not in message
    for number, old in enumerate(taken, start=1):
        assert f"redirects.tsv:{number}: /{old} is a page of this build" in message
    assert "redirects.tsv:6: /feeds/all.rss.xml/ would clash with " in message
    assert "/feeds/all.rss.xml, which the build writes itself" in message
    assert "redirects.tsv:7: /theme/ would clash with /theme/," in message
    assert "redirects.tsv:8" not in message
    assert not (content / RECORD["ledger"]).exists()


def test_torn_ledger_line_is_ignored_cut_and_kept(published, caplog):
    content, output = published
    path = content / RECORD["ledger"]
    whole = path.read_bytes()
    torn = b"2026-11-28T10:00:00+05:30\t2026/10/adh"
    path.write_bytes(whole + torn)
    assert sorted(ledger_urls(content)) == sorted(
        r.url for r in ledger.parse(whole, path).records
    )
    write_note(content, note_text(slug="naya-slug"))
    publish(content, output)
    data = path.read_bytes()
    assert data.startswith(whole) and b"adh" not in data
    assert data[len(whole) :].count(b"\n") == 1
    # the cut line is kept beside the ledger, and the warning names it
    (copy,) = path.parent.glob("published-urls.tsv.cut-*")
    assert copy.read_bytes() == torn
    line = whole.count(b"\n") + 1
    assert any(
        f"line {line} of " in r.getMessage()
        and "published-urls.tsv" in r.getMessage()
        and copy.name in r.getMessage()
        for r in caplog.records
        if r.levelname == "WARNING"
    ), [r.getMessage() for r in caplog.records]


def test_hand_edited_ledger_is_refused(published):
    content, output = published
    path = content / RECORD["ledger"]
    path.write_text(path.read_text() + "not a record\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match=r"published-urls\.tsv:.*restore it"):
        publish(content, output)


@pytest.mark.parametrize("url", ["2026/../../x/", "../", "2026/%2e%2e/x/"])
def test_a_ledger_address_outside_the_site_stops_the_build_in_hindi(
    published, monkeypatch, url
):
    content, output = published
    before = (output / OLD / "index.html").read_bytes()
    path = content / RECORD["ledger"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = f"2026-10-08T10:00:00+05:30\t{url}\tnotes/2026/10/namli.md\t2026-10-05\n"
    path.write_text("".join(lines) + row, encoding="utf-8")
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    with pytest.raises(BuildFailed) as failed:
        publish(content, output)
    message = str(failed.value)
    assert f"published-urls.tsv:{len(lines) + 1}: '{url}'" in message
    assert "इस साइट का पता नहीं है" in message and "वर्शन कंट्रोल" in message
    assert "RuntimeError" not in message and "Traceback" not in message
    assert (output / OLD / "index.html").read_bytes() == before


def test_correction_is_visible_everywhere(published):
    content, output = published
    write_note(
        content,
        note_text(
            modified="2026-10-07 16:45",
            correction="पहले शिविर की तारीख 4 अक्टूबर लिखी गई थी; सही तारीख 5 अक्टूबर है।",
        ),
    )
    publish(content, output)
    page = read_html(output / OLD / "index.html")
    modified = page.find("span", class_="modified")
    assert "संशोधित" in modified.get_text()
    assert modified.time["datetime"] == "2026-10-07T16:45:00+05:30"
    assert "7 अक्टूबर 2026" in modified.get_text()
    notice = page.find("section", class_="correction")
    assert "सुधार" in notice.h2.get_text() and "सही तारीख 5 अक्टूबर" in notice.text
    data = [json.loads(s.string) for s in page.find_all("script")]
    article = next(d for d in data if d["@type"] == "NewsArticle")
    assert article["dateModified"] == "2026-10-07T16:45:00+05:30"
    assert article["datePublished"] == "2026-10-05T10:30:00+05:30"
    atom = feedparser.parse(str(output / "feeds/all.atom.xml"))
    entry = next(e for e in atom.entries if e.link == BASE + OLD)
    assert entry.updated.startswith("2026-10-07T16:45:00")
    assert atom.feed.updated.startswith("2026-10-07T16:45:00")
    urls = etree.parse(str(output / "sitemap.xml")).getroot()
    lastmod = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in urls}
    assert lastmod[BASE + OLD] == "2026-10-07T16:45:00+05:30"


def test_correction_field_must_not_be_empty(published):
    content, output = published
    write_note(content, note_text(correction=""))
    with pytest.raises(BuildFailed, match=r"\[correction\]: 'correction' is empty"):
        publish(content, output)


def test_old_url_of_an_imported_note_redirects(tmp_path):
    notes = {
        "2026/10/namli.md": note_text(
            old_url="https://purana.example.org/2019/05/namli-shivir"
        ),
        "2026/10/b.md": note_text(
            slug="doosri", old_url="https://purana.example.org/?p=123"
        ),
    }
    content = new_content(tmp_path, notes)
    output = tmp_path / "output"
    publish(content, output)
    page = read_html(output / "2019/05/namli-shivir/index.html")
    assert page.find("link", rel="canonical")["href"] == BASE + OLD
    nginx = (output / "redirects.nginx.map").read_text().splitlines()
    assert nginx == [f'"/2019/05/namli-shivir/" "/{OLD}";']
    queries = (output / "redirects.query.nginx.map").read_text().splitlines()
    assert queries == ['"~^/\\?(.*&)?p=123(&|$)" "/2026/10/doosri/";']
    caddy = (output / "redirects.caddy").read_text()
    assert "\tpath /\n\tquery p=123\n}\nredir @old_query_1 /2026/10/doosri/" in caddy


def test_output_files_lists_what_a_recursive_glob_lists(tmp_path):
    from plugins.links.links import output_files

    out = tmp_path / "out"
    (out / "2026/10/a").mkdir(parents=True)
    (out / "2026/10/a/index.html").write_text("a")
    (out / "robots.txt").write_text("r")
    (out / "feeds").mkdir()
    (out / "feeds/site.xml").write_text("f")
    (out / "elsewhere").symlink_to(tmp_path)  # a link to a folder: not entered
    (out / "gone").symlink_to(tmp_path / "missing")  # a broken link: a file
    globbed = {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
    assert sorted(output_files(out)) == sorted(globbed)
    assert "2026/10/a/index.html" in globbed and "gone" in globbed

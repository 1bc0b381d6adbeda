"""What a careless desk or a hostile contributor cannot do to published
addresses and to the live site, found by a review of publishing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from support import ROOT

from plugins.core.errors import ContentError
from plugins.links import ledger
from plugins.links.ledger import Record
from plugins.links.links import link_note, output_files
from plugins.links.plan import (
    imported_redirects,
    nginx_map,
    nginx_query_map,
    parse_redirects,
    plan_links,
    query_redirects,
    site_path_ok,
    written,
)
from scripts.publish.driver import PublishError, publish

LEDGER = Path("content/registry/published-urls.tsv")
REDIRECTS = Path("content/registry/redirects.tsv")


def record(url: str, note: str, line: int = 1) -> Record:
    return Record("2026-11-01T10:00:00+05:30", url, note, "2026-09-12", line)


def pages_at(urls):
    """The output of a build with a page at each of `urls`."""
    return written([f"{url}index.html" for url in urls])


def test_an_address_is_never_handed_to_another_note_still_here():
    recorded = [record("2026/09/alot-sharab/", "notes/a.md")]
    note_urls = {
        "notes/a.md": "2026/10/alot-naya/",
        "notes/b.md": "2026/09/alot-sharab/",
    }
    plan = plan_links(
        recorded, [], note_urls, pages_at(note_urls.values()), LEDGER, REDIRECTS
    )
    assert [(p.path, p.field) for p in plan.problems] == [("notes/b.md", "slug")]
    assert "notes/a.md" in plan.problems[0].message


def test_a_renamed_note_file_keeps_its_address():
    recorded = [record("2026/09/alot-sharab/", "notes/old-name.md")]
    note_urls = {"notes/new-name.md": "2026/09/alot-sharab/"}
    plan = plan_links(
        recorded, [], note_urls, pages_at(note_urls.values()), LEDGER, REDIRECTS
    )
    assert plan.problems == []


def test_an_old_url_cannot_take_an_address_published_for_another_note():
    recorded = [record("2026/10/alot-naya/", "notes/a.md", line=4)]
    note_urls = {"notes/a.md": "2026/10/alot-naya-2/", "notes/c.md": "2026/10/gum/"}
    plan = plan_links(
        recorded,
        [],
        note_urls,
        pages_at(note_urls.values()),
        LEDGER,
        REDIRECTS,
        imported={"2026/10/alot-naya/": "2026/10/gum/"},
    )
    assert [(p.line, p.field) for p in plan.problems] == [(4, "old_url")]
    assert plan.redirects == {"2026/10/alot-naya/": "2026/10/alot-naya-2/"}


@pytest.mark.parametrize(
    "path", ["../../tmp/x/", "2026/../x/", "./", "2026/%2e%2e/x/", "a/%2E/b/"]
)
def test_a_redirect_may_not_name_a_place_outside_the_site(path):
    assert not site_path_ok(path)
    _redirects, problems = parse_redirects(f"{path}\t2026/10/x/\n", REDIRECTS)
    assert [p.line for p in problems] == [1]


def test_rollback_with_dry_run_is_refused_and_switches_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    target = tmp_path / "target"
    (target / "releases" / "a").mkdir(parents=True)
    (target / "releases" / "b").mkdir()
    (target / "current").symlink_to("releases/b")
    with pytest.raises(PublishError, match="--rollback"):
        publish(str(ROOT / "publishconf.py"), str(target), dry_run=True, rollback=True)
    assert (target / "current").readlink() == Path("releases/b")


@pytest.mark.parametrize("inside", ["output/live", "content/live"])
def test_a_target_inside_the_output_or_content_is_refused(
    tmp_path, monkeypatch, inside
):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    overrides = {
        "PATH": str(tmp_path / "content"),
        "OUTPUT_PATH": str(tmp_path / "output"),
    }
    (tmp_path / "content").mkdir()
    with pytest.raises(PublishError, match="inside"):
        publish(
            str(ROOT / "publishconf.py"),
            str(tmp_path / inside),
            overrides=overrides,
        )
    assert not (tmp_path / inside).exists()


def test_a_live_release_is_not_a_target(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    with pytest.raises(PublishError, match="live release"):
        publish(str(ROOT / "publishconf.py"), str(tmp_path / "site" / "current"))


@pytest.mark.parametrize(
    "old_url",
    [
        'https://x.example/?p=1";return 200 "x',
        "https://x.example/?p=1%22",
        "https://x.example/?p=1\n}",
        "https://x.example/?p=1 2",
        "https://x.example/../?p=1",
        "https://x.example/a b/?p=1",
        "https://x.example/?p=1&q=2",
        "https://x.example/x.phpx?p=1",
        "https://x.example/?=1",
    ],
)
def test_an_old_url_query_never_reaches_a_server_configuration(old_url):
    assert query_redirects({old_url: "2026/10/a/"}) == {}
    assert nginx_query_map(query_redirects({old_url: "2026/10/a/"})) == ""


def test_wordpress_query_addresses_are_read():
    found = query_redirects(
        {
            "https://x.example/?p=123": "2026/10/a/",
            "/index.php?page_id=45": "2026/10/b/",
        }
    )
    assert {str(a): url for a, url in found.items()} == {
        "/?p=123": "2026/10/a/",
        "/index.php?page_id=45": "2026/10/b/",
    }


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", 'a"b/', "2026/../x/", "x y/", "/2026/10/a/", "%2e%2e/"],
)
def test_a_hand_edited_ledger_address_never_reaches_a_server_configuration(url):
    data = (
        "# header\n"
        "2026-11-01T10:00:00+05:30\t2026/10/a/\tnotes/a.md\t2026-10-01\n"
        f"2026-11-01T10:00:00+05:30\t{url}\tnotes/b.md\t2026-10-01\n"
    ).encode()
    with pytest.raises(ContentError) as refused:
        ledger.parse(data, LEDGER)
    (problem,) = refused.value.problems
    assert problem.line == 3 and "not an address of this site" in problem.message


def test_old_hindi_addresses_are_kept_decoded_and_bad_ones_reported():
    found, refused = imported_redirects(
        {
            "https://x.example/2019/05/%E0%A4%A8%E0%A4%AE%E0%A4%B2%E0%A5%80/": "a/",
            "https://x.example/2019/06/नमली": "b/",
            "https://x.example/2019/07/%22x%22/": "c/",
            "https://x.example/2019/08/%ff/": "d/",
            "https://x.example/?p=12": "e/",
        }
    )
    assert found == {"2019/05/नमली/": "a/", "2019/06/नमली/": "b/"}
    assert refused == [
        "https://x.example/2019/07/%22x%22/",
        "https://x.example/2019/08/%ff/",
    ]
    assert nginx_map(found).splitlines() == [
        '"/2019/05/नमली/" "/a/";',
        '"/2019/06/नमली/" "/b/";',
    ]


def test_an_old_address_longer_than_servers_take_is_refused():
    assert site_path_ok("a" * 400 + "/")
    assert not site_path_ok("a" * 600 + "/")


def test_what_was_written_holds_each_folder_once_and_its_page_with_it():
    """Written (every file of a full build's output, held with the links'
    records) makes each folder's address once: a page's address is that
    same string, not a copy of it."""
    paths = [
        "index.html",
        "feeds/all.rss.xml",
        "2026/09/alot-sharab/index.html",
        "2026/09/alot-sharab/og-0d8707330f47.png",
        "2026/09/namli-chori/index.html",
        "tag/chori/2/index.html",
    ]
    built = written(paths)
    assert built.pages == {"", "2026/09/alot-sharab/", "2026/09/namli-chori/"} | {
        "tag/chori/2/"
    }
    assert built.folders == {
        "feeds/",
        "2026/",
        "2026/09/",
        "2026/09/alot-sharab/",
        "2026/09/namli-chori/",
        "tag/",
        "tag/chori/",
        "tag/chori/2/",
    }
    assert built.files == frozenset(paths)
    folders = {id(f) for f in built.folders}
    assert all(id(p) in folders for p in built.pages if p)
    again = written(["2026/09/alot-sharab/index.html", "2026/10/x/index.html"], built)
    assert again.pages == built.pages | {"2026/10/x/"}
    assert again.folders == built.folders | {"2026/10/", "2026/10/x/"}


def test_what_was_written_holds_the_notes_own_strings_for_their_pages(tmp_path):
    """A note page's file and folder in Written (held with the links' records
    to the build's end) are the note's own save_as and url strings, as the
    output's files are listed (output_files) and their folders made."""
    save_as = "/".join(["2026", "09", "alot-sharab", "index.html"])
    url = "/".join(["2026", "09", "alot-sharab", ""])
    known = {save_as: save_as, url: url}
    page = tmp_path / save_as
    page.parent.mkdir(parents=True)
    page.write_text("", encoding="utf-8")
    (page.parent / "og-0d8707330f47.png").write_bytes(b"")
    (tmp_path / "index.html").write_text("", encoding="utf-8")
    paths = output_files(tmp_path, known)
    assert sorted(paths) == sorted(
        ["index.html", save_as, "2026/09/alot-sharab/og-0d8707330f47.png"]
    )
    assert [p for p in paths if p is save_as] == [save_as]
    built = written(paths, known=known)
    assert built.pages == {"", url} and url in built.folders
    assert [p for p in built.pages if p is url] == [url]
    assert [f for f in built.folders if f is url] == [url]
    assert [f for f in built.files if f is save_as] == [save_as]
    assert written(paths) == built


def test_the_notes_of_one_day_share_its_string_in_the_link_records():
    """Each note's day in the links' records (held to the build's end) is one
    string a day, not one a note."""
    ist = ZoneInfo("Asia/Kolkata")
    notes = [
        SimpleNamespace(note_file=f"notes/{n}.md", url=f"{n}/", date=when)
        for n, when in enumerate(
            [
                datetime(2026, 9, 12, 9, 0, tzinfo=ist),
                datetime(2026, 9, 12, 23, 0, tzinfo=ist),
                datetime(2026, 9, 13, 1, 0, tzinfo=ist),
            ]
        )
    ]
    days = [link_note(note).day for note in notes]
    assert days == ["2026-09-12", "2026-09-12", "2026-09-13"]
    assert days[0] is days[1]

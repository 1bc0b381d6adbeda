"""Promises to reporters and readers, each stated as a test that fails when a
one-line change to the code breaks it (see `invoke mutate`)."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from pelican.settings import read_settings
from support import ROOT, SETTINGS, build_site, new_content, note_text, read_html

from plugins.core.errors import BuildFailed
from plugins.press_notes.press_notes import registry_for
from plugins.press_notes.validate import Rules, check_note

# note_text() writes the header in this order, one field a line.
HEADER_LINES = {
    "title": 1,
    "date": 2,
    "district": 3,
    "thana": 4,
    "category": 5,
    "reporter": 7,
    "summary": 8,
}


@pytest.fixture(scope="module")
def rules():
    settings = read_settings(SETTINGS)
    return Rules(registry=registry_for(settings), content_root=ROOT / "content")


# --- a note without a field it needs is refused, naming file, line, field ----


@pytest.mark.parametrize("field", HEADER_LINES)
def test_a_note_missing_a_needed_field_is_refused_naming_file_and_field(rules, field):
    _, problems = check_note(
        "content/notes/2026/10/a.md", note_text(**{field: None}), rules
    )
    (problem,) = problems
    assert (problem.path, problem.line, problem.field) == (
        "content/notes/2026/10/a.md",
        None,  # nothing to point at: the line is not there
        field,
    )
    assert f"add a line '{field}: …'" in problem.message


@pytest.mark.parametrize("field", HEADER_LINES)
def test_a_note_with_a_needed_field_left_empty_points_at_its_line(rules, field):
    _, problems = check_note("a.md", note_text(**{field: ""}), rules)
    (problem,) = problems
    assert (problem.line, problem.field) == (HEADER_LINES[field], field)
    assert f"'{field}' is empty" in problem.message


def test_a_build_with_a_note_without_reporter_stops_naming_it(tmp_path):
    content = new_content(
        tmp_path,
        {
            "2026/10/a.md": note_text(reporter=None),
            "2026/10/b.md": note_text(reporter="", slug="b"),
        },
    )
    with pytest.raises(BuildFailed) as failure:
        build_site(content, tmp_path / "output")
    message = str(failure.value)
    assert "notes/2026/10/a.md [reporter]" in message
    assert "notes/2026/10/b.md:7 [reporter]" in message
    assert "2 problems" in message
    assert not (tmp_path / "output" / "index.html").exists()


# --- what a reporter writes in raw HTML never runs on a reader's phone -------

DATA_LINK = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
RISKY_BODY = (
    "थाने में बैठक हुई।\n\n"
    f'<p><a href="{DATA_LINK}">पूरा पत्र</a> '
    '<a href=" DATA:text/html,<b>x</b>">दूसरा</a> '
    '<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="चित्र"> '
    '<a href="javascript:alert(1)">तीसरा</a> '
    '<a href="vbscript:x">चौथा</a> '
    '<a href="https://ratlampolice.example/patra.pdf">पत्र</a></p>\n'
)
STARRED_TITLE = "नामली में *विशेष* यातायात **शिविर**"


@pytest.fixture(scope="module")
def risky_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("promises")
    content = new_content(
        tmp,
        {"2026/10/a.md": note_text(title=STARRED_TITLE, body=RISKY_BODY)},
    )
    output = tmp / "output"
    build_site(content, output)
    return output


def published_text(output):
    """Every page, feed and sitemap of the built site, as text."""
    return {
        str(p.relative_to(output)): p.read_text(encoding="utf-8")
        for p in output.rglob("*")
        if p.suffix in (".html", ".xml", ".xsl", ".txt", ".json")
    }


def test_no_data_or_script_link_reaches_a_page_or_feed(risky_site):
    texts = published_text(risky_site)
    note = "2026/10/namli-yatayat-shivir/index.html"
    assert note in texts and "feeds/all.atom.xml" in texts
    for path, text in texts.items():
        lowered = text.lower()
        # (the theme's own empty icon, href="data:,", is no reporter's link)
        for written in ("data:text", "data:image", "javascript:", "vbscript:"):
            assert written not in lowered, f"{written} in {path}"
        assert "alert(" not in lowered and "PHNjcmlwdD5h" not in text, path
    content = read_html(risky_site / note).select_one(".content")
    for el in content.find_all(True):
        for attr in ("href", "src"):
            value = "".join(el.get(attr, "").split()).lower()
            assert not value.startswith(("data:", "javascript:", "vbscript:"))
    # the reporter's safe link and words are kept
    hrefs = [a.get("href") for a in content.find_all("a")]
    assert "https://ratlampolice.example/patra.pdf" in hrefs
    assert "पूरा पत्र" in content.get_text()


def share_text(page) -> str:
    (href,) = {
        a["href"]
        for a in page.find_all("a", href=True)
        if a["href"].startswith("https://wa.me/")
    }
    return parse_qs(urlparse(href).query)["text"][0]


def test_asterisks_in_a_title_cannot_break_whatsapp_bold(risky_site):
    page = read_html(risky_site / "2026/10/namli-yatayat-shivir/index.html")
    assert page.h1.get_text(strip=True) == STARRED_TITLE  # the page keeps them
    first_line = share_text(page).split("\n")[0]
    # WhatsApp makes *…* bold: the whole title, and only it, between two stars
    assert first_line == "*नामली में विशेष यातायात शिविर*"


# --- what a reporter may write in raw HTML reaches the page as written --------


def test_a_reporters_tables_figures_and_phone_links_survive_sanitizing():
    from plugins.press_notes.sanitize import sanitize_html

    kept = (
        '<figure><img src="/images/a.jpg" alt="शिविर" width="480" height="320"'
        ' loading="lazy"><figcaption>शिविर</figcaption></figure>'
        '<p><mark>ज़रूरी</mark> <time datetime="2026-11-01">1 नवंबर</time></p>'
        '<table><tbody><tr><th scope="col" colspan="2">थाना</th></tr>'
        '<tr><td rowspan="2">नामली</td></tr></tbody></table>'
    )
    assert sanitize_html(kept) == kept
    links = (
        '<a href="tel:+917412222222">फ़ोन</a> <a href="mailto:sp@ratlam.in">ईमेल</a>'
        ' <a href="http://ratlam.nic.in/">जिला</a> <a href="https://mp.gov.in/">राज्य</a>'
    )
    assert sanitize_html(links) == links.replace('">', '" rel="noopener noreferrer">')


@pytest.mark.parametrize(
    "href",
    [DATA_LINK, "DATA:TEXT/HTML,<script>x</script>", " data:text/html,x"],
)
def test_the_warning_names_a_data_link_that_would_run_a_page(href):
    from plugins.press_notes.sanitize import find_unsafe

    assert find_unsafe(f'<a href="{href}">पत्र</a>') == ["script URL in href of <a>"]


@pytest.mark.parametrize(
    "href", ["ftp://x.in/a", "magnet:?xt=urn:x", "sms:+9174", "ssh://x", "file:///etc"]
)
def test_only_web_mail_and_phone_links_reach_a_page(href):
    from plugins.press_notes.sanitize import sanitize_html

    assert sanitize_html(f'<a href="{href}">पत्र</a>') == (
        '<a rel="noopener noreferrer">पत्र</a>'
    )


def test_a_scripts_code_or_a_styles_rules_never_show_as_text():
    from plugins.press_notes.sanitize import sanitize_html

    html = (
        "<p>सूचना</p><script>alert(1)</script><SCRIPT>steal()</SCRIPT>"
        "<style>p{color:red}</style><p>अंत</p>"
    )
    assert sanitize_html(html) == "<p>सूचना</p><p>अंत</p>"


# --- the share ledger: a note is offered to a group once, even after a crash ---

RUN_TIME = "2026-11-27T12:00:00+05:30"


def ledger_run(run_id, offers, starts=()):
    from plugins.whatsapp.ledger import Run

    return Run(id=run_id, time=RUN_TIME, starts=list(starts), offers=list(offers))


def test_a_new_ledger_is_a_readable_table_with_one_line_per_offer(tmp_path):
    from plugins.whatsapp.ledger import append, format_run, format_shown, prepare

    path = tmp_path / "share-ledger.tsv"
    prepare(path)
    run = ledger_run(
        "r1",
        [("namli-1", "2026/11/a/", "नामली\tमें\nशिविर"), ("alot-1", "2026/11/b/", "")],
        [("namli-1", "station:namli,district", "2026-11-20T12:00:00+05:30")],
    )
    append(path, format_run(run) + format_shown(["r1"], RUN_TIME))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:-5] and all(x.startswith("# ") for x in lines[:-5])  # a header
    assert [x.split("\t") for x in lines[-5:]] == [
        [
            "r1",
            RUN_TIME,
            "start",
            "namli-1",
            "station:namli,district",
            "2026-11-20T12:00:00+05:30",
        ],
        ["r1", RUN_TIME, "offer", "namli-1", "2026/11/a/", "नामली में शिविर"],
        ["r1", RUN_TIME, "offer", "alot-1", "2026/11/b/", "-"],
        ["r1", RUN_TIME, "end", "-", "3", "-"],
        ["r1", RUN_TIME, "shown", "-", "-", "-"],
    ]


def test_the_ledger_says_what_each_group_was_offered_and_since_when(tmp_path):
    from datetime import datetime

    from plugins.whatsapp.ledger import append, format_run, prepare, read_ledger

    path = tmp_path / "share-ledger.tsv"
    prepare(path)
    append(
        path,
        format_run(
            ledger_run(
                "r1",
                [("namli-1", "2026/11/a/", "क"), ("alot-1", "2026/11/a/", "क")],
                [("namli-1", "station:namli,district", "2026-11-20T12:00:00+05:30")],
            )
        ),
    )
    append(
        path,
        format_run(
            ledger_run(
                "r2",
                [("namli-1", "2026/11/b/", "ख")],
                [("namli-1", "district", "2026-11-25T12:00:00+05:30")],
            )
        ),
    )
    state = read_ledger(path)
    assert state.offered() == {
        "namli-1": {"2026/11/a/", "2026/11/b/"},
        "alot-1": {"2026/11/a/"},
    }
    first = datetime.fromisoformat("2026-11-20T12:00:00+05:30")
    assert state.starts() == {  # the first window recorded wins
        ("namli-1", "station:namli"): first,
        ("namli-1", "district"): first,
    }
    assert state.run("r2").offers == [("namli-1", "2026/11/b/", "ख")]
    assert state.run("r3") is None
    assert [r.shown for r in state.runs] == [False, False]  # not yet published
    assert not state.has_tail and state.tail_lines == 0
    append(path, format_run(ledger_run("r3", [("g", "2026/11/c/", "CCTV X")])))
    assert read_ledger(path).run("r3").offers == [("g", "2026/11/c/", "CCTV X")]


def test_a_run_cut_off_by_a_crash_never_counts_and_the_ledger_is_repaired(tmp_path):
    from plugins.whatsapp.ledger import (
        HEADER,
        append,
        format_run,
        prepare,
        read_ledger,
    )

    path = tmp_path / "share-ledger.tsv"
    whole = HEADER + format_run(ledger_run("r1", [("namli-1", "2026/11/a/", "क")]))
    unfinished = format_run(ledger_run("r2", [("namli-1", "2026/11/b/", "ख")] * 2))
    lines = unfinished.splitlines(keepends=True)
    for tail, tail_lines in (
        ("".join(lines[:2]), 2),  # two whole lines, no end
        ("".join(lines[:2]) + lines[2][:5], 3),  # and a torn third
    ):
        path.write_text(whole + tail, encoding="utf-8")
        state = read_ledger(path)  # a reader sets the tail aside
        assert [r.id for r in state.runs] == ["r1"]
        assert state.has_tail and state.tail_lines == tail_lines
        assert state.offered() == {"namli-1": {"2026/11/a/"}}
        prepared = prepare(path)  # the next writer cuts it off, then appends
        assert path.read_text(encoding="utf-8") == whole
        assert not prepared.has_tail
        append(path, format_run(ledger_run("r3", [("namli-1", "2026/11/b/", "ख")])))
        assert [r.id for r in read_ledger(path).runs] == ["r1", "r3"]
    # an unfinished run followed by a whole one (written by an older tool)
    path.write_text(
        whole + "".join(lines[:2]) + format_run(ledger_run("r4", [])), encoding="utf-8"
    )
    state = read_ledger(path)
    assert [r.id for r in state.runs] == ["r1", "r4"]
    assert state.abandoned_lines == 2 and not state.has_tail


def test_a_damaged_ledger_is_refused_naming_its_line(tmp_path):
    from plugins.core.errors import ContentError
    from plugins.whatsapp.ledger import HEADER, read_ledger

    path = tmp_path / "share-ledger.tsv"
    header_lines = HEADER.count("\n")
    for bad in (
        b"r1\tt\toffer\tg\tu\n",  # five cells
        b"r1\tt\tsent\tg\tu\td\n",  # no such event
        b"r1\tt\toffer\tg\t\xff\xfe\td\n",  # not UTF-8
        b"r1\tt\tend\t-\tthree\t-\n",  # a count that is not a number
    ):
        path.write_bytes(HEADER.encode("utf-8") + bad)
        with pytest.raises(ContentError) as refused:
            read_ledger(path)
        (problem,) = refused.value.problems
        assert problem.line == header_lines + 1, bad
        assert problem.path.endswith("share-ledger.tsv")
    assert read_ledger(tmp_path / "absent.tsv").runs == []


# --- every problem says where it is and what to do ---------------------------

KNOWN_FIELDS = (
    "title, date, district, thana, category, reporter, summary, tags, slug, "
    "image, image_alt, modified, status, scope, source, source_url, source_hash, "
    "old_url, reason, correction, review"
)
THANA_FIX = "Use a name from content/registry/thanas.toml, or add the station there."
PROBLEMS = {
    "misspelt field": (
        {"titel": "x"},
        (
            10,
            "titel",
            (
                "unknown field 'titel'; did you mean 'title'? "
                f"Known fields: {KNOWN_FIELDS}."
            ),
        ),
    ),
    "unknown field": (
        {"lekhak": "x"},
        (10, "lekhak", f"unknown field 'lekhak' Known fields: {KNOWN_FIELDS}."),
    ),
    "corrected before written": (
        {"modified": "2026-10-05 10:29"},
        (10, "modified", "'modified' is earlier than 'date'; correct one of the two"),
    ),
    "another district": (
        {"district": "इंदौर"},
        (3, "district", "'इंदौर' is not this bulletin's district; write 'रतलाम'"),
    ),
    "misspelt station": (
        {"thana": "नामलि"},
        (
            4,
            "thana",
            (
                "'नामलि' is not a police station in the registry; "
                f"did you mean 'नामली'? {THANA_FIX}"
            ),
        ),
    ),
    "unknown station": (
        {"thana": "मुंबई"},
        (4, "thana", f"'मुंबई' is not a police station in the registry {THANA_FIX}"),
    ),
    "misspelt category": (
        {"category": "यातायत"},
        (
            5,
            "category",
            (
                "'यातायत' is not a category; did you mean 'यातायात'? Use one "
                "of: सामुदायिक पुलिसिंग, यातायात, अपराध, बरामदगी, जन जागरूकता."
            ),
        ),
    ),
    "slug with capitals": (
        {"slug": "Namli_Shivir"},
        (
            9,
            "slug",
            (
                "'Namli_Shivir' must be lowercase ASCII words joined by "
                "hyphens, or leave the line out to make one from the title"
            ),
        ),
    ),
    "long summary": (
        {"summary": "क" * 301},
        (
            8,
            "summary",
            "the summary has 301 characters; keep it under 300 (one or two sentences)",
        ),
    ),
    "unknown status": (
        {"status": "छिपा"},
        (
            10,
            "status",
            "'छिपा' must be one of published, draft, hidden, scheduled, withdrawn",
        ),
    ),
    "unknown scope": (
        {"scope": "state"},
        (
            10,
            "scope",
            (
                "'state' must be 'district' (the note concerns the whole "
                "district) or 'thana' (only its police station, the default)"
            ),
        ),
    ),
    "photo not a photo": (
        {"image": "images/a.gif", "image_alt": "x"},
        (10, "image", "'images/a.gif' must be a JPEG, PNG or WebP file"),
    ),
    "photo path from /": (
        {"image": "/images/a.jpg", "image_alt": "x"},
        (
            10,
            "image",
            (
                "'/images/a.jpg': write the photo's path from content/, like "
                "images/2026/11/photo.jpg (no leading / or ./ and no ..)"
            ),
        ),
    ),
    "photo named like a copy": (
        {"image": "images/a-480W.JPG", "image_alt": "x"},
        (
            10,
            "image",
            (
                "'images/a-480W.JPG': names ending in -<number>w are kept "
                "for the smaller copies the build makes; rename the photo"
            ),
        ),
    ),
    "description without photo": (
        {"image_alt": "x"},
        (10, "image_alt", "'image_alt' without 'image'"),
    ),
    "no text": (
        {"body": ""},
        (11, None, "the note has no text after the header"),
    ),
}


@pytest.mark.parametrize("fields, expected", PROBLEMS.values(), ids=PROBLEMS)
def test_each_problem_names_its_line_and_field_and_says_what_to_do(
    rules, fields, expected
):
    _, problems = check_note("a.md", note_text(**fields), rules)
    assert [(p.line, p.field, p.message) for p in problems] == [expected]


@pytest.mark.parametrize(
    "fields",
    [
        {"summary": "क" * 300},  # at the limit
        {"modified": "2026-10-05 10:30"},  # corrected the same minute
        {"modified": "2026-10-05 10:30:59", "date": "2026-10-05 10:30:00"},
        {"status": "draft", "scope": "district", "slug": "a-1-b"},
        {"thana": "नामली", "image": None, "image_alt": None},
    ],
)
def test_what_is_allowed_is_not_refused(rules, fields):
    assert check_note("a.md", note_text(**fields), rules)[1] == []


def test_a_file_without_header_is_refused_at_line_1(rules):
    _, problems = check_note("a.md", "बस पाठ\n", rules)
    assert [(p.line, p.field) for p in problems] == [(1, None)]
    assert "start the file with 'title: …'" in problems[0].message


def test_a_field_given_twice_is_named_at_its_second_line(rules):
    text = note_text().replace("tags:", "category: यातायात\ntags:")
    _, problems = check_note("a.md", text, rules)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (6, "category", "'category' is given twice; keep one line"),
        # the two values read as one, which is no category
        (
            5,
            "category",
            (
                "'यातायात यातायात' is not a category; did you mean 'यातायात'? Use "
                "one of: सामुदायिक पुलिसिंग, यातायात, अपराध, बरामदगी, जन जागरूकता."
            ),
        ),
    ]


def test_a_missing_photo_says_where_to_put_it(rules):
    fields = {"image": "images/nahin.jpg"}
    _, problems = check_note("a.md", note_text(**fields), rules)
    assert [(p.line, p.field) for p in problems] == [(10, "image"), (10, "image_alt")]
    assert re.fullmatch(
        r"'images/nahin\.jpg' does not exist under \S*content/; put the photo "
        r"in content/images/ and give its path from content/",
        problems[0].message,
    )
    assert problems[1].message == (
        "a photo needs 'image_alt': a short Hindi description of it"
    )


def test_a_newer_note_with_the_same_title_gets_the_suffix_never_the_older(rules):
    from plugins.core.header import scan_header
    from plugins.press_notes.validate import assign_slugs, url_clashes

    title = "नामली में यातायात शिविर"
    notes = {
        "a.md": note_text(title=title, slug=None, date="2026-10-09 10:00"),
        "b.md": note_text(title=title, slug=None, date="2026-10-02 10:00"),
        "c.md": note_text(title=title, slug=None, date="कल"),  # sorts last
        "d.md": note_text(slug="namli-mein-yatayat-shivir-3"),  # taken by hand
        "e.md": note_text(title=None, slug=None),  # no title: no slug
    }
    headers = [(path, scan_header(text)) for path, text in notes.items()]
    slugs = assign_slugs(headers)
    assert slugs == {
        "b.md": "namli-mein-yatayat-shivir",
        "a.md": "namli-mein-yatayat-shivir-2",
        "c.md": "namli-mein-yatayat-shivir-4",
        "d.md": "namli-mein-yatayat-shivir-3",
    }
    assert url_clashes(headers, slugs) == []
    same = [("x.md", headers[3][1]), ("y.md", headers[3][1])]
    (clash,) = url_clashes(same, {"x.md": "s", "y.md": "s"})
    assert (clash.path, clash.line, clash.field) == ("y.md", 9, "slug")
    assert clash.message == (
        "the URL 2026/10/s/ is already used by x.md; choose another slug"
    )


def test_a_ledger_read_again_keeps_runs_after_a_shown_line_and_their_times(tmp_path):
    from plugins.whatsapp.ledger import (
        HEADER,
        append,
        format_run,
        format_shown,
        prepare,
        read_ledger,
    )

    path = tmp_path / "new-folder" / "registry" / "share-ledger.tsv"
    prepare(path)  # folders made, header written
    assert path.read_text(encoding="utf-8") == HEADER
    fresh = read_ledger(path)
    assert fresh.runs == [] and not fresh.has_tail
    for n in (1, 2, 3):
        append(path, format_run(ledger_run(f"r{n}", [("g", f"2026/11/{n}/", "क")])))
    append(path, format_shown(["r1", "r2"], RUN_TIME))
    append(path, format_run(ledger_run("r4", [("g", "2026/11/4/", "ख")])))
    state = read_ledger(path)
    assert [(r.id, r.time, r.shown) for r in state.runs] == [
        ("r1", RUN_TIME, True),
        ("r2", RUN_TIME, True),
        ("r3", RUN_TIME, False),
        ("r4", RUN_TIME, False),
    ]
    assert not state.has_tail


def test_a_torn_ledger_line_or_letter_is_set_aside_not_refused(tmp_path):
    from plugins.whatsapp.ledger import HEADER, format_run, prepare, read_ledger

    path = tmp_path / "share-ledger.tsv"
    path.write_bytes(b"")
    assert read_ledger(path).runs == [] and not read_ledger(path).has_tail
    path.write_bytes(b"r1\t2026")  # a crash while writing the very first line
    state = read_ledger(path)
    assert (state.runs, state.tail_offset, state.tail_lines) == ([], 0, 1)
    prepare(path)
    assert path.read_bytes() == b""
    whole = (HEADER + format_run(ledger_run("r1", [("g", "2026/11/a/", "क")]))).encode()
    torn = format_run(ledger_run("r2", [("g", "2026/11/b/", "नामली")])).encode()
    path.write_bytes(whole + torn[: torn.index("नामली".encode()) + 4])  # mid-letter
    state = read_ledger(path)
    assert [r.id for r in state.runs] == ["r1"] and state.tail_offset == len(whole)
    # two unfinished runs in a row, then a whole one: neither unfinished counts
    unfinished = [
        "".join(format_run(ledger_run(r, [("g", "u", "t")] * 2)).splitlines(True)[:2])
        for r in ("r5", "r6")
    ]
    path.write_bytes(
        whole + "".join(unfinished).encode() + format_run(ledger_run("r7", [])).encode()
    )
    state = read_ledger(path)
    assert [r.id for r in state.runs] == ["r1", "r7"] and state.abandoned_lines == 4


def test_a_damaged_ledger_says_what_is_wrong(tmp_path):
    from plugins.core.errors import ContentError
    from plugins.whatsapp.ledger import HEADER, prepare, read_ledger

    path = tmp_path / "share-ledger.tsv"
    cells = "expected 6 tab-separated cells with an event in start, offer, end, shown"
    for bad, message in (
        (b"r1\tt\toffer\tg\t\xff\xfe\td\n", "not UTF-8 text"),
        (b"r1\tt\tsent\tg\tu\td\n", cells),
        (
            b"r9\tt\tend\t-\t2\t-\n",
            "run r9 ends after 2 lines but 0 precede it; lines were removed by hand",
        ),
    ):
        path.write_bytes(HEADER.encode("utf-8") + bad)
        for reader in (read_ledger, prepare):  # a writer refuses it too
            with pytest.raises(ContentError) as refused:
                reader(path)
            (problem,) = refused.value.problems
            assert problem.message == message
            assert problem.path.endswith("share-ledger.tsv")


def test_a_failed_ledger_write_leaves_no_temporary_file(tmp_path):
    from plugins.core.files import write_atomic

    target = tmp_path / "registry" / "share-ledger.tsv"
    target.mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(IsADirectoryError):
        write_atomic(target, b"x", durable=True)
    assert [p.name for p in target.parent.iterdir()] == ["share-ledger.tsv"]


def test_a_file_whose_bytes_fail_half_way_leaves_the_old_file_and_no_temporary(
    tmp_path,
):
    """Pickling that fails half way (a value that cannot be pickled, a full
    disk) leaves the file as it was and no temporary file beside it.
    """
    from scripts.site_index import write_pickled

    class Full:
        def __reduce__(self):
            raise OSError(28, "No space left on device")

    target = tmp_path / "index.pickle"
    target.write_bytes(b"old")
    with pytest.raises(OSError, match="No space"):
        write_pickled(("a" * 200_000, Full()), target, lambda _: target)
    assert [p.name for p in tmp_path.iterdir()] == ["index.pickle"]
    assert target.read_bytes() == b"old"


def test_a_streamed_file_named_outside_its_folder_is_refused(tmp_path):
    """The file a streamed write replaces is in the folder it was written
    in (the folder flushed to disk, the temporary file's): a name outside
    it is an error, and nothing is left in either folder.
    """
    from plugins.core.files import write_streamed

    inside, outside = tmp_path / "inside", tmp_path / "outside"
    outside.mkdir()

    def write(f):
        f.write(b"x")
        return outside / "escaped"

    with pytest.raises(ValueError, match="outside"):
        write_streamed(inside, "part", write, durable=True)
    assert [*inside.iterdir(), *outside.iterdir()] == []


def test_an_atomic_write_makes_its_folders_and_sets_the_files_mode(tmp_path):
    """A file written in one step into folders that do not exist yet makes
    them; in a folder that exists as into a new one it is readable by all
    (0644, whatever the process's umask), or keeps the mode of the file it
    replaces where asked to, and no temporary file is left beside it.
    """
    from plugins.core.files import write_atomic

    deep = tmp_path / "a" / "b" / "c.bin"
    old_umask = os.umask(0o077)
    try:
        write_atomic(deep, b"one")
        write_atomic(deep.with_name("d.bin"), b"two")
        kept = tmp_path / "kept.bin"
        kept.write_bytes(b"old")
        kept.chmod(0o600)
        write_atomic(kept, b"new", keep_mode=True)
    finally:
        os.umask(old_umask)
    assert deep.read_bytes() == b"one"
    assert deep.with_name("d.bin").read_bytes() == b"two"
    assert stat.S_IMODE(deep.stat().st_mode) == 0o644
    assert stat.S_IMODE(deep.with_name("d.bin").stat().st_mode) == 0o644
    assert kept.read_bytes() == b"new"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert sorted(p.name for p in deep.parent.iterdir()) == ["c.bin", "d.bin"]


def test_a_file_replaced_keeping_its_mode_keeps_its_set_id_bits():
    """keep_mode keeps every bit of the mode, set-user-ID and set-group-ID
    too: the system clears them when a file is written to by one who may
    not keep them, so the mode is set once every byte is written (the last
    ones reach the file when it is flushed). Written as a user who is not
    root, as such a file is by its owner (root keeps them always), in a
    folder of the system's temporary one (pytest's are closed to others).
    """
    from plugins.core.files import write_atomic

    nobody = 65534
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if os.geteuid() == 0:
            os.chown(folder, nobody, nobody)
        pid = os.fork()
        if pid == 0:  # the child writes as its own user and ends at once
            code = 1
            try:
                if os.geteuid() == 0:
                    os.setgid(nobody)
                    os.setuid(nobody)
                target = folder / "note.md"
                target.write_bytes(b"old")
                target.chmod(0o6755)
                write_atomic(target, b"new", keep_mode=True)
                code = 0
            finally:
                os._exit(code)
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        target = folder / "note.md"
        assert target.read_bytes() == b"new"
        assert stat.S_IMODE(target.stat().st_mode) == 0o6755
        assert [p.name for p in folder.iterdir()] == ["note.md"]


def test_a_replaced_file_is_0644_unless_asked_to_keep_its_mode(tmp_path):
    """A file replaced without keep_mode is readable by all (0644), whatever
    mode the old one had; a new file written with keep_mode, with no mode to
    keep, is 0644 too (not an error).
    """
    from plugins.core.files import write_atomic

    replaced, new = tmp_path / "replaced.bin", tmp_path / "new.bin"
    replaced.write_bytes(b"old")
    replaced.chmod(0o600)
    write_atomic(replaced, b"one")
    write_atomic(new, b"two", keep_mode=True)
    assert replaced.read_bytes() == b"one"
    assert new.read_bytes() == b"two"
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o644
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.bin", "replaced.bin"]


def test_a_created_file_is_new_or_replaced_in_one_step(tmp_path):
    """write_created makes a file that is not there yet without a temporary
    file (folders made as needed, 0644 whatever the umask), and replaces
    one that is there in one step as write_atomic does: a reader never sees
    the old file cut or mixed with the new bytes.
    """
    from plugins.core.files import write_created

    new = tmp_path / "a" / "b" / "new.bin"
    old = tmp_path / "old.bin"
    old.write_bytes(b"old bytes")
    old.chmod(0o600)
    inode = old.stat().st_ino
    data = bytes(range(256)) * 300  # more than one write may take
    old_umask = os.umask(0o077)
    try:
        write_created(new, data)
        write_created(old, b"new")
    finally:
        os.umask(old_umask)
    assert new.read_bytes() == data
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    assert old.read_bytes() == b"new"
    assert old.stat().st_ino != inode, "replaced, not written over"
    assert stat.S_IMODE(old.stat().st_mode) == 0o644
    names = sorted(p.name for p in tmp_path.rglob("*"))
    assert names == ["a", "b", "new.bin", "old.bin"]


def test_a_created_file_whose_write_fails_is_not_left(tmp_path, monkeypatch):
    """A new file whose bytes cannot all be written (a full disk) is removed
    and the error raised: no file cut short is left under its name.
    """
    from plugins.core import files

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "write", full)
    with pytest.raises(OSError):
        files.write_created(tmp_path / "new.bin", b"x" * 10)
    assert list(tmp_path.iterdir()) == []

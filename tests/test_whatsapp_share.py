"""`invoke share`: per-group digests that never repeat or drop a note.

Real sites are built into temporary folders; crashes are real (the share run
is started in a subprocess and killed with SIGKILL at a chosen point).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from support import ROOT, SETTINGS, build_site, new_content, note_text, read_html

from plugins.press_notes import ContentError
from plugins.whatsapp.ledger import (
    CRASH_ENV,
    CRASH_POINTS,
    HEADER,
    Run,
    format_run,
    format_shown,
    parse_ledger,
    prepare,
    read_ledger,
)
from scripts.share import ShareError, share, share_lock

pytestmark = pytest.mark.build

IST = ZoneInfo("Asia/Kolkata")
GROUP_IDS = re.compile(r'^id = "([^"]+)"$', re.M)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=IST)
# A run that records needs a public address (scripts/share.py); the
# development address is what a dry run from the repository shows.
BASE = "https://bulletin.example.org"
DEV_BASE = "http://127.0.0.1:8000"

GROUPS = """
[[group]]
id = "namli-1"
name = "नामली — ग्राम रक्षा समिति"
thanas = ["नामली"]
invite = "https://chat.whatsapp.com/FakeDemoRatlamGroup001"
admin = "थाना प्रभारी, थाना नामली"

[[group]]
id = "alot-1"
name = "आलोट — नगर रक्षा समिति"
thanas = ["आलोट"]
invite = "https://chat.whatsapp.com/FakeDemoRatlamGroup002"
admin = "थाना प्रभारी, थाना आलोट"

[[group]]
id = "both-1"
name = "नामली और आलोट शांति समिति"
thanas = ["नामली", "आलोट"]
invite = "https://chat.whatsapp.com/FakeDemoRatlamGroup003"
admin = "अनुविभागीय अधिकारी (पुलिस)"
"""

NEW_GROUP = """
[[group]]
id = "namli-2"
name = "नामली — सरपंच एवं सचिव"
thanas = ["नामली"]
invite = "https://chat.whatsapp.com/FakeDemoRatlamGroup004"
admin = "उप निरीक्षक, थाना नामली"
"""


def stamp(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")


def note(slug: str, days_ago: float, thana: str = "नामली", **fields) -> str:
    return note_text(
        title=f"{thana} थाने की सूचना {slug}",
        slug=slug,
        thana=thana,
        date=stamp(days_ago),
        **fields,
    )


def url(slug: str, days_ago: float) -> str:
    date = NOW - timedelta(days=days_ago)
    return f"{BASE}/{date:%Y}/{date:%m}/{slug}/"


# Two Namli notes (one too old for a new group), one Alot note, one
# district-wide note from Namli, and a draft.
NOTES = {
    "n1.md": note("namli-taza", 3),
    "n2.md": note("namli-purani", 20),
    "a1.md": note("alot-taza", 1, thana="आलोट"),
    "d1.md": note("jila-advisory", 2, scope="district"),
    "x1.md": note("namli-draft", 1, status="draft"),
}


@pytest.fixture
def content(tmp_path) -> Path:
    content = new_content(tmp_path, {f"2026/11/{k}": v for k, v in NOTES.items()})
    (content / "registry" / "groups.toml").write_text(GROUPS, encoding="utf-8")
    # a fresh ledger: not the sample bulletin's
    (content / "registry" / "share-ledger.tsv").unlink(missing_ok=True)
    return content


def overrides(content: Path) -> dict:
    return {
        "PATH": str(content),
        "OUTPUT_PATH": str(content.parent / "output"),
        "CACHE_PATH": str(content.parent / "reader-cache"),
        "WHATSAPP": {"image_cache": str(content.parent / "cache")},
        "SITEURL": BASE,
        "CANONICAL_SITEURL": BASE,
    }


def run(content: Path, **kwargs):
    kwargs.setdefault("now", NOW)
    return share(SETTINGS, overrides(content), **kwargs)


def ledger_path(content: Path) -> Path:
    return content / "registry" / "share-ledger.tsv"


def all_offers(content: Path) -> list[tuple[str, str]]:
    """Every (group, note URL) the ledger says was offered, with repeats."""
    return [
        (g, u) for r in read_ledger(ledger_path(content)).runs for g, u, _ in r.offers
    ]


def page_messages(content: Path) -> dict[str, list[str]]:
    """Group id -> decoded texts of its wa.me links on output/share/."""
    soup = read_html(content.parent / "output" / "share" / "index.html")
    result = {}
    for section in soup.select("section.wa-digest"):
        texts = []
        for a in section.select('a[href^="https://wa.me/"]'):
            assert len(a["href"]) < 2000
            texts.append(parse_qs(urlparse(a["href"]).query)["text"][0])
        result[section["id"].removeprefix("g-")] = texts
    return result


FIRST = {
    "namli-1": [url("namli-taza", 3), url("jila-advisory", 2)],
    "alot-1": [url("jila-advisory", 2), url("alot-taza", 1)],
    "both-1": [url("namli-taza", 3), url("jila-advisory", 2), url("alot-taza", 1)],
}


def test_first_run_offers_each_group_its_last_week_then_nothing(content):
    result = run(content)
    assert result.recorded
    assert result.new == FIRST
    assert result.batch == FIRST
    messages = page_messages(content)
    assert set(messages) == set(FIRST)
    for group, urls in FIRST.items():
        text = "\n".join(messages[group])
        for u in urls:
            assert u in text
        assert url("namli-purani", 20) not in text
    ledger = ledger_path(content).read_bytes()
    again = run(content, now=NOW + timedelta(hours=1))
    assert again.new == {} and again.batch == {}
    assert not again.recorded
    assert ledger_path(content).read_bytes() == ledger, "a run with nothing new"
    # the page still shows the last batch after the no-op run and a rebuild
    build_site(
        content, content.parent / "output", WHATSAPP=overrides(content)["WHATSAPP"]
    )
    assert set(page_messages(content)) == set(FIRST)


def test_a_new_note_is_offered_once_to_the_right_groups(content):
    run(content)
    (content / "notes" / "2026" / "11" / "a2.md").write_text(
        note("alot-nayi", 0.5, thana="आलोट"), encoding="utf-8"
    )
    result = run(content, now=NOW + timedelta(hours=1))
    expected = {"alot-1": [url("alot-nayi", 0.5)], "both-1": [url("alot-nayi", 0.5)]}
    assert result.new == expected
    assert result.batch == expected
    assert set(page_messages(content)) == set(expected)
    offers = all_offers(content)
    assert len(offers) == len(set(offers)) == 7 + 2


def test_a_district_wide_note_goes_to_every_group(content):
    run(content)
    (content / "notes" / "2026" / "11" / "d2.md").write_text(
        note("jila-chetavni", 0.1, thana="आलोट", scope="district"), encoding="utf-8"
    )
    result = run(content, now=NOW + timedelta(hours=1))
    assert result.new == {g: [url("jila-chetavni", 0.1)] for g in FIRST}


def test_a_new_group_or_station_starts_with_the_last_week(content):
    run(content)
    later = NOW + timedelta(days=10)
    notes = content / "notes" / "2026" / "12"
    notes.mkdir(parents=True)
    (notes / "n3.md").write_text(note("namli-disambar", -8), encoding="utf-8")
    registry = content / "registry" / "groups.toml"
    text = registry.read_text(encoding="utf-8") + NEW_GROUP
    # alot-1 now also covers Namli
    text = text.replace('thanas = ["आलोट"]', 'thanas = ["आलोट", "नामली"]')
    registry.write_text(text, encoding="utf-8")
    result = run(content, now=later)
    fresh = url("namli-disambar", -8)
    # namli-taza (13 days before `later`) is outside the new windows
    assert result.new == {
        "namli-1": [fresh],
        "alot-1": [fresh],
        "both-1": [fresh],
        "namli-2": [fresh],
    }


def test_dry_run_records_nothing_and_shows_what_would_be_offered(content):
    output = content.parent / "output"
    result = run(content, dry_run=True)
    assert result.new == FIRST and result.batch == FIRST
    assert not result.recorded and result.page is None
    assert not ledger_path(content).exists()
    assert not output.exists()
    assert run(content).new == FIRST


def test_group_and_since_narrow_a_run_without_losing_notes(content):
    first = run(content, groups=["alot-1"], since=stamp(1.5)[:10])
    assert first.new == {"alot-1": [url("alot-taza", 1)]}
    second = run(content, now=NOW + timedelta(minutes=5))
    assert second.new == {
        "namli-1": FIRST["namli-1"],
        "alot-1": [url("jila-advisory", 2)],
        "both-1": FIRST["both-1"],
    }
    offers = all_offers(content)
    assert len(offers) == len(set(offers)) == 7
    with pytest.raises(ShareError, match="--group nahin-hai: no such group id"):
        run(content, groups=["nahin-hai"])


def test_a_long_batch_is_split_into_messages_under_2000(content):
    notes = content / "notes" / "2026" / "11"
    for i in range(25):
        (notes / f"many-{i}.md").write_text(
            note_text(
                title=(
                    "नामली थाना क्षेत्र में ग्राम रक्षा समिति की बैठक, सड़क सुरक्षा "
                    f"और साइबर जागरूकता अभियान, क्रमांक {i}"
                ),
                slug=f"namli-abhiyan-{i}",
                date=stamp(1 + i / 100),
            ),
            encoding="utf-8",
        )
    result = run(content)
    assert len(result.new["namli-1"]) == 27
    texts = page_messages(content)["namli-1"]
    assert len(texts) > 1
    joined = "\n".join(texts)
    for u in result.new["namli-1"]:
        assert joined.count(u) == 1
    soup = read_html(content.parent / "output" / "share" / "index.html")
    copies = soup.select("#g-namli-1 textarea")
    assert [c.get_text() for c in copies] == texts


def test_only_one_share_run_at_a_time(content):
    ledger_path(content).parent.mkdir(parents=True, exist_ok=True)
    with (
        share_lock(ledger_path(content).parent),
        pytest.raises(ShareError, match="another"),
    ):
        run(content)


def test_bad_content_records_nothing(content):
    (content / "notes" / "2026" / "11" / "bad.md").write_text(
        note("galat", 1, thana="कहीं नहीं"), encoding="utf-8"
    )
    with pytest.raises(ShareError, match="nothing was recorded"):
        run(content)
    assert not read_ledger(ledger_path(content)).runs


# ---- crashes ----------------------------------------------------------------

CHILD = """
import json, sys
from datetime import datetime
from scripts.share import share

share(sys.argv[1], json.loads(sys.argv[2]), now=datetime.fromisoformat(sys.argv[3]))
"""


def run_killed(content: Path, point: str) -> subprocess.CompletedProcess:
    # the killed run's temporary folder is left in the test's own folder,
    # not in the system's (its removal is what the kill skips)
    tmp = content.parent / "child-tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, CRASH_ENV: point, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            SETTINGS,
            json.dumps(overrides(content)),
            NOW.isoformat(),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_killed_run_never_repeats_or_drops_a_note(content, point):
    killed = run_killed(content, point)
    assert killed.returncode == -9, killed.stderr[-2000:]
    state = read_ledger(ledger_path(content))  # whole: parses, tail set aside
    recorded = point in ("after-record", "after-build")
    assert bool(state.runs) == recorded
    if point == "mid-record":
        assert state.has_tail and state.tail_lines >= 1
    (content / "notes" / "2026" / "11" / "a2.md").write_text(
        note("alot-nayi", 0.5, thana="आलोट"), encoding="utf-8"
    )
    result = run(content, now=NOW + timedelta(hours=1))
    offers = all_offers(content)
    assert len(offers) == len(set(offers)), "a note offered twice to a group"
    expected = {(g, u) for g, urls in FIRST.items() for u in urls}
    expected |= {("alot-1", url("alot-nayi", 0.5)), ("both-1", url("alot-nayi", 0.5))}
    assert {(g, f"{BASE}/{u}") for g, u in offers} == expected, "a note dropped"
    # what was recorded but never published is re-shown, on this run's page
    new = {(g, u) for g, urls in result.new.items() for u in urls}
    shown = {(g, u) for g, urls in result.batch.items() for u in urls}
    assert shown == expected
    assert new == (
        expected - {(g, u) for g, us in FIRST.items() for u in us}
        if recorded
        else expected
    )
    messages = page_messages(content)
    for group, u in expected:
        assert u in "\n".join(messages[group])
    state = read_ledger(ledger_path(content))
    assert not state.has_tail
    assert state.runs and all(r.shown for r in state.runs)
    # and the next run offers nothing
    assert run(content, now=NOW + timedelta(hours=2)).batch == {}


# ---- the ledger file ----------------------------------------------------------


def sample_run(run_id: str, n: int = 2) -> Run:
    return Run(
        id=run_id,
        time="2026-11-27T12:00:00+05:30",
        starts=[("namli-1", "station:namli", "2026-11-20T12:00:00+05:30")],
        offers=[("namli-1", f"2026/11/note-{i}/", f"सूचना\t{i}") for i in range(n)],
    )


def test_ledger_round_trip_and_torn_tail(tmp_path):
    path = tmp_path / "ledger.tsv"
    whole = HEADER + format_run(sample_run("r1")) + format_shown(["r1"], "t")
    second = format_run(sample_run("r2", 3))
    data = (whole + second[: len(second) // 2]).encode("utf-8")
    at_line = (whole + "".join(second.splitlines(keepends=True)[:2])).encode()
    for cut in (data, data[:-1], at_line):
        state = parse_ledger(cut, path)
        assert [r.id for r in state.runs] == ["r1"]
        assert state.runs[0].shown
        assert state.runs[0].offers[0] == ("namli-1", "2026/11/note-0/", "सूचना 0")
        assert state.tail_offset == len(whole.encode("utf-8"))
    path.write_bytes(data)
    prepared = prepare(path)
    assert path.read_bytes() == whole.encode("utf-8")
    assert not prepared.has_tail and [r.id for r in prepared.runs] == ["r1"]


def test_a_hand_edited_ledger_is_refused_with_its_line(tmp_path):
    path = tmp_path / "ledger.tsv"
    lines = (HEADER + format_run(sample_run("r1", 3))).splitlines(keepends=True)
    path.write_text("".join(lines[:6] + lines[7:]), encoding="utf-8")
    with pytest.raises(ContentError, match="ends after 4 lines but 3 precede"):
        read_ledger(path)
    path.write_text(
        HEADER + "r1\tbad line\n" + format_run(sample_run("r2")), encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"ledger\.tsv:6"):
        read_ledger(path)


def test_ledger_lines_are_human_readable(content):
    run(content)
    lines = ledger_path(content).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# WhatsApp share ledger")
    offers = [x.split("\t") for x in lines if "\toffer\t" in x]
    assert Counter(c[3] for c in offers) == {"namli-1": 2, "alot-1": 2, "both-1": 3}
    assert all(c[5].startswith(("नामली", "आलोट")) for c in offers)
    assert lines[-1].split("\t")[2] == "shown"


def test_the_invoke_task_prints_clean_json():
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "share", "--dry-run", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    batch = json.loads(done.stdout)
    groups = GROUP_IDS.findall(
        (ROOT / "content" / "registry" / "groups.toml").read_text(encoding="utf-8")
    )
    assert groups and batch, "the sample content offers its groups some notes"
    assert set(batch) <= set(groups)
    for urls in batch.values():
        assert urls and all(u.startswith(DEV_BASE + "/2026/") for u in urls)


# ---- the ledger's writes, in this process ---------------------------------------

IST = ZoneInfo("Asia/Kolkata")


def test_a_run_written_to_the_ledger_is_read_back_whole(tmp_path):
    from plugins.whatsapp.ledger import write_run

    path = tmp_path / "registry" / "share-ledger.tsv"
    path.parent.mkdir()
    prepare(path)
    run = Run(
        "r1",
        "2026-11-27T12:00:00+05:30",
        starts=[("namli-1", "thana:namli", "2026-11-20T09:00:00+05:30")],
        offers=[("namli-1", "2026/11/a/", "नामली में शिविर")],
    )
    write_run(path, run)
    state = read_ledger(path)
    assert [(r.id, r.offers, r.shown) for r in state.runs] == [
        ("r1", [("namli-1", "2026/11/a/", "नामली में शिविर")], False)
    ]
    assert state.starts() == {
        ("namli-1", "thana:namli"): datetime(2026, 11, 20, 9, tzinfo=IST)
    }
    assert not state.has_tail


def test_the_ledger_says_which_runs_the_published_admin_page_showed(tmp_path):
    from plugins.whatsapp.ledger import mark_shown, write_run

    path = tmp_path / "share-ledger.tsv"
    mark_shown(path, [], datetime(2026, 11, 27, 12, tzinfo=IST))
    assert not path.exists()  # nothing shown: no ledger made
    prepare(path)
    for n in (1, 2):
        offers = [("alot-1", f"2026/11/{n}/", "खबर")]
        write_run(path, Run(f"r{n}", "2026-11-27T12:00:00+05:30", offers=offers))
    before = path.read_bytes()
    mark_shown(path, [], datetime(2026, 11, 27, 12, tzinfo=IST))
    assert path.read_bytes() == before
    mark_shown(path, ["r1"], datetime(2026, 11, 27, 12, 30, tzinfo=IST))
    assert (
        path.read_bytes() == before + b"r1\t2026-11-27T12:30:00+05:30\tshown\t-\t-\t-\n"
    )
    assert [(r.id, r.shown) for r in read_ledger(path).runs] == [
        ("r1", True),
        ("r2", False),
    ]


def test_a_ledger_whose_last_line_lost_only_its_newline_keeps_that_line():
    # a crash after the last byte of a line but before its newline: a whole
    # closing line counts; anything short of one is an unfinished tail
    t = "2026-11-27T12:00:00+05:30"
    whole = HEADER + format_run(Run("r1", t, offers=[("namli-1", "2026/11/a/", "खबर")]))
    shown = whole + format_shown(["r1"], t)

    def read(text: str) -> tuple[list, bool, bool]:
        state = parse_ledger(text.encode("utf-8"), Path("share-ledger.tsv"))
        return (
            [(r.id, r.shown) for r in state.runs],
            state.needs_newline,
            state.has_tail,
        )

    assert read(whole[:-1]) == ([("r1", False)], True, False)
    assert read(shown[:-1]) == ([("r1", True)], True, False)
    end = f"r1\t{t}\tend\t-\t1\t-"
    for broken in (
        whole[:-3],  # the end line cut short
        whole.replace(end, f"r1\t{t}\tend\t-\t2\t-")[:-1],  # another count
        whole.replace(end, f"r2\t{t}\tend\t-\t1\t-")[:-1],  # another run
        whole.replace(end, f"r1\t{t}\tend\t-\t1\tx")[:-1],  # a stray cell
    ):
        assert read(broken) == ([], False, True), broken
    cut_shown = shown.replace("shown\t-\t-\t-", "shown\t-\t-\tx")[:-1]
    assert read(cut_shown) == ([("r1", False)], False, True)

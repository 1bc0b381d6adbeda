"""The share ledger's writes and repairs, in this process.

A share run that is killed part way must never make a group get the same
link twice, nor lose one: the run is killed (SIGKILL, by the ledger's own
test hook) in a child forked from this process, and the next run, here,
repairs the ledger and plans from it. The whole `invoke share` killed at each
step, page and all, is tested in tests/test_whatsapp_share.py (subprocesses).
"""

from __future__ import annotations

import logging
import os
import re
import signal
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from plugins.press_notes.registry import Thana
from plugins.whatsapp.groups import Group
from plugins.whatsapp.ledger import (
    CRASH_ENV,
    HEADER,
    Run,
    format_run,
    parse_ledger,
    prepare,
    read_ledger,
    write_run,
)
from plugins.whatsapp.plan import ShareNote, plan_run, run_id

IST = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=IST)
NAMLI = Thana("नामली", "namli", "ग्रामीण", "thana/namli/")
ALOT = Thana("आलोट", "alot", "ग्रामीण", "thana/alot/")
GROUPS = (
    Group("namli-1", "नामली — ग्राम रक्षा समिति", (NAMLI,), "https://x/1", "थाना"),
    Group("both-1", "नामली और आलोट", (NAMLI, ALOT), "https://x/2", "एसडीओपी"),
)


def share_note(slug: str, thana: Thana, hours_ago: float) -> ShareNote:
    date = NOW - timedelta(hours=hours_ago)
    title = f"{thana.name} की सूचना {slug}"
    return ShareNote(f"2026/11/{slug}/", title, date, thana.slug)


EARLIER = share_note("pehli", NAMLI, 30)
NOTES = [EARLIER, share_note("namli-taza", NAMLI, 5), share_note("alot-taza", ALOT, 4)]
LATER = share_note("namli-nayi", NAMLI, -0.5)
# each group gets each note of its stations once, whatever was killed when
EVERY_OFFER = [
    ("namli-1", "2026/11/pehli/"),
    ("namli-1", "2026/11/namli-taza/"),
    ("namli-1", "2026/11/namli-nayi/"),
    ("both-1", "2026/11/pehli/"),
    ("both-1", "2026/11/namli-taza/"),
    ("both-1", "2026/11/alot-taza/"),
    ("both-1", "2026/11/namli-nayi/"),
]


def share_run(path: Path, notes: list[ShareNote], now: datetime) -> None:
    """What a share run does with the ledger: repair it, plan from what it
    holds, record the run (scripts/share.py through the whatsapp generator).
    """
    state = prepare(path)
    run = plan_run(
        run=run_id(now, "t"),
        now=now,
        groups=GROUPS,
        notes=notes,
        state=state,
        new_group_days=7,
    )
    write_run(path, run)


def killed_in_child(point: str, work: Callable[[], None]) -> tuple[int, str]:
    """Run `work` in a forked child with the crash hook set at `point`: its
    wait status and what the ledger logged there.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 70
        try:
            os.close(read_end)
            handler = logging.StreamHandler(os.fdopen(write_end, "w"))
            ledger_log = logging.getLogger("plugins.whatsapp.ledger")
            ledger_log.addHandler(handler)
            ledger_log.setLevel(logging.WARNING)
            os.environ[CRASH_ENV] = point
            work()
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as log:
        said = log.read()
    _, status = os.waitpid(pid, 0)
    return status, said


def offers(path: Path) -> list[tuple[str, str]]:
    return [(g, u) for r in read_ledger(path).runs for g, u, _ in r.offers]


@pytest.mark.parametrize(
    ("point", "recorded", "torn"),
    [
        ("before-record", False, False),
        ("mid-record", False, True),
        ("after-record", True, False),
    ],
)
def test_a_ledger_write_killed_at_each_step_never_repeats_or_drops_an_offer(
    tmp_path, monkeypatch, caplog, point, recorded, torn
):
    monkeypatch.delenv(CRASH_ENV, raising=False)
    path = tmp_path / "share-ledger.tsv"
    share_run(path, [EARLIER], NOW - timedelta(hours=24))
    before = path.read_bytes()
    assert offers(path) == [("namli-1", "2026/11/pehli/"), ("both-1", "2026/11/pehli/")]

    status, said = killed_in_child(point, lambda: share_run(path, NOTES, NOW))
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
    assert said == f"whatsapp: test hook: killed at '{point}'\n"
    after = path.read_bytes()
    assert after.startswith(before)
    assert len(after) > len(before) if recorded or torn else after == before
    state = read_ledger(path)  # a reader counts only whole runs
    assert len(state.runs) == 1 + recorded
    assert state.has_tail == torn

    caplog.set_level(logging.WARNING, logger="plugins.whatsapp.ledger")
    share_run(path, [*NOTES, LATER], NOW + timedelta(hours=1))
    assert Counter(offers(path)) == Counter(EVERY_OFFER)
    state = read_ledger(path)
    assert not state.has_tail and len(state.runs) == 2 + recorded
    kept = sorted(tmp_path.glob("share-ledger.tsv.cut-*"))
    assert [k.read_bytes() for k in kept] == ([after[len(before) :]] if torn else [])
    assert len(caplog.records) == torn


def fsynced(monkeypatch) -> list[str]:
    """The paths flushed to disk from now on (os.fsync still runs: only the
    fact is recorded, since a power cut cannot be staged in a test)."""
    flushed: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return flushed


def a_run(run: str, *urls: str) -> str:
    return format_run(
        Run(run, "2026-11-27T12:00:00+05:30", offers=[("g", u, "सूचना") for u in urls])
    )


def test_a_new_ledger_is_on_disk_before_anything_is_appended_to_it(
    tmp_path, monkeypatch
):
    path = tmp_path / "registry" / "share-ledger.tsv"
    flushed = fsynced(monkeypatch)
    prepared = prepare(path)
    assert path.read_text(encoding="utf-8") == HEADER
    assert prepared == read_ledger(path)
    # the header's bytes, then the folder entry naming the file
    assert len(flushed) == 2
    assert Path(flushed[0]).parent == path.parent
    assert Path(flushed[0]).name.startswith(".share-ledger.tsv.")
    assert flushed[1] == str(path.parent)


def test_a_ledger_torn_mid_line_is_repaired_and_what_was_cut_is_kept(
    tmp_path, monkeypatch, caplog
):
    path = tmp_path / "share-ledger.tsv"
    whole = (HEADER + a_run("r1", "2026/11/a/")).encode("utf-8")
    torn = a_run("r2", "2026/11/b/", "2026/11/c/").encode("utf-8")
    # a crash in the second offer's title, in the middle of a letter
    cut_at = torn.index("सूचना".encode(), torn.index(b"2026/11/c/")) + 4
    path.write_bytes(whole + torn[:cut_at])
    caplog.set_level(logging.WARNING, logger="plugins.whatsapp.ledger")
    flushed = fsynced(monkeypatch)
    started = datetime.now().replace(microsecond=0)
    prepared = prepare(path)
    ended = datetime.now()
    assert path.read_bytes() == whole
    assert prepared == read_ledger(path)
    assert [r.id for r in prepared.runs] == ["r1"] and not prepared.has_tail
    # the cut copy: beside the ledger, named with the time of the cut
    (copy,) = tmp_path.glob("share-ledger.tsv.cut-*")
    assert copy.read_bytes() == torn[:cut_at]
    stamp = re.fullmatch(r"share-ledger\.tsv\.cut-(\d{8}-\d{6})-0", copy.name)
    assert stamp, copy.name
    assert started <= datetime.strptime(stamp[1], "%Y%m%d-%H%M%S") <= ended
    # the repaired ledger's bytes and its folder entry are on disk
    assert Path(flushed[0]).name.startswith(".share-ledger.tsv.")
    assert flushed[1:] == [str(tmp_path)]
    # the admin is told what was cut and where it is kept (one offer whole, one torn)
    assert [r.getMessage() for r in caplog.records] == [
        (
            f"whatsapp: {path} ended with 2 unfinished line(s) of a run that never "
            f"completed; they were cut off and kept in {copy}"
        )
    ]
    # the next run is appended after the whole runs
    write_run(path, Run("r3", "2026-11-27T13:00:00+05:30", offers=[("g", "u/", "t")]))
    assert [r.id for r in read_ledger(path).runs] == ["r1", "r3"]


def test_a_ledger_torn_at_any_byte_of_a_run_keeps_only_the_whole_runs(tmp_path):
    path = tmp_path / "share-ledger.tsv"
    whole = (HEADER + a_run("r1", "2026/11/a/")).encode("utf-8")
    second = a_run("r2", "2026/11/b/", "2026/11/c/").encode("utf-8")
    for cut in range(len(second) - 1):  # short of the end line's newline
        state = parse_ledger(whole + second[:cut], path)
        assert [r.id for r in state.runs] == ["r1"], cut
        assert state.tail_offset == len(whole) and state.has_tail == (cut > 0), cut
    # the end line whole, only its newline lost: the run counts
    path.write_bytes(whole + second[:-1])
    assert [r.id for r in read_ledger(path).runs] == ["r1", "r2"]


def test_a_ledger_whose_last_newline_was_lost_gets_it_back_before_the_next_run(
    tmp_path,
):
    path = tmp_path / "share-ledger.tsv"
    text = HEADER + a_run("r1", "2026/11/a/")
    path.write_text(text[:-1], encoding="utf-8")  # an editor dropped it
    prepared = prepare(path)
    assert path.read_text(encoding="utf-8") == text
    assert prepared == read_ledger(path)
    assert [r.id for r in prepared.runs] == ["r1"] and not prepared.has_tail
    write_run(path, Run("r2", "2026-11-27T12:00:00+05:30", [], [("g", "b/", "सूचना")]))
    assert path.read_text(encoding="utf-8") == text + a_run("r2", "b/")
    assert [r.id for r in read_ledger(path).runs] == ["r1", "r2"]


def test_a_copy_of_cut_lines_kept_earlier_is_never_overwritten(tmp_path):
    path = tmp_path / "share-ledger.tsv"
    whole = (HEADER + a_run("r1", "2026/11/a/")).encode("utf-8")
    path.write_bytes(whole + b"r2\t2026")
    # three copies kept already in this second (and in each of the next 59)
    now = datetime.now()
    stamps = [f"{now + timedelta(seconds=s):%Y%m%d-%H%M%S}" for s in range(60)]
    earlier = [
        tmp_path / f"share-ledger.tsv.cut-{stamp}-{n}"
        for stamp in stamps
        for n in range(3)
    ]
    for copy in earlier:
        copy.write_bytes(b"kept")
    prepare(path)
    assert path.read_bytes() == whole
    (new,) = set(tmp_path.glob("share-ledger.tsv.cut-*")) - set(earlier)
    assert new.name.endswith("-3") and new.read_bytes() == b"r2\t2026"
    assert {c.read_bytes() for c in earlier} == {b"kept"}

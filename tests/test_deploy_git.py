"""`invoke publish --to git:BRANCH` with ghp-import: a commit on a branch of
the repository that holds the content, pushed to its origin (a real bare
repository on disk)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import ROOT, new_content, note_text

from scripts.publish import PublishError, publish

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

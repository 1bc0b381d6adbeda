"""Publish to a git branch for GitHub Pages-style hosting, with ghp-import.

    git:BRANCH    e.g. git:gh-pages

The site becomes one new commit on BRANCH of the repository that holds the
content (with .nojekyll, so files starting with _ are served), pushed to
PUBLISH_GIT_REMOTE ("origin") when the repository has that remote. A host
that serves the branch switches to the new commit at once. Git stores
unchanged files once, so a commit adds only what changed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plugins.core.messages import _

from .targets import TargetError

NOJEKYLL = ".nojekyll"


@dataclass(frozen=True)
class GitTarget:
    branch: str
    repo: Path

    def __str__(self) -> str:
        return f"git:{self.branch}"


def parse(text: str, repo: Path) -> GitTarget:
    branch = text.removeprefix("git:")
    if (
        not branch
        or subprocess.run(
            ["git", "check-ref-format", "--branch", branch], capture_output=True
        ).returncode
    ):
        raise TargetError(
            _(
                "publish: '%(text)s' must look like %(example)s",
                text=text,
                example="git:gh-pages",
            )
        )
    return GitTarget(branch, repo)


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, input=stdin
    )
    if done.returncode != 0:
        raise TargetError(
            _(
                "publish: git %(command)s failed: %(error)s",
                command=args[0],
                error=done.stderr.strip(),
            )
        )
    return done.stdout


def branch_files(target: GitTarget) -> dict[str, str]:
    """{path: blob id} of the branch's last commit (none if it is new)."""
    ref = f"refs/heads/{target.branch}"
    has = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", ref],
        cwd=target.repo,
        capture_output=True,
    )
    if has.returncode != 0:
        return {}
    files = {}
    for line in git(target.repo, "ls-tree", "-r", ref).splitlines():
        meta, _tab, path = line.partition("\t")
        files[path] = meta.split()[2]
    return files


def output_files(output: Path, repo: Path) -> dict[str, str]:
    paths = sorted(str(p.relative_to(output)) for p in output.rglob("*") if p.is_file())
    ids = git(
        repo,
        "hash-object",
        "--stdin-paths",
        stdin="".join(f"{output / p}\n" for p in paths),
    ).split()
    return dict(zip(paths, ids, strict=True))


def changes(output: Path, target: GitTarget) -> tuple[list[str], list[str]]:
    before = branch_files(target)
    after = output_files(output, target.repo)
    sent = [p for p, blob in after.items() if before.get(p) != blob]
    deleted = sorted(p for p in before if p not in after and p != NOJEKYLL)
    return sent, deleted


def has_remote(repo: Path, name: str) -> bool:
    return name in git(repo, "remote").split()


def ghp_import() -> str:
    found = shutil.which("ghp-import") or str(
        Path(sys.executable).parent / "ghp-import"
    )
    if not Path(found).exists():
        raise TargetError(
            _(
                "publish: %(tool)s is missing; install %(package)s",
                tool="ghp-import",
                package="ghp-import",
            )
        )
    return found


def publish(output: Path, target: GitTarget, remote: str) -> tuple[list, list]:
    """One commit of the whole site on the branch; pushed if `remote` exists."""
    sent, deleted = changes(output, target)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    argv = [
        ghp_import(),
        "--no-jekyll",
        "--branch",
        target.branch,
        "--remote",
        remote,
        "--message",
        f"Publish the bulletin, {now}",
    ]
    if has_remote(target.repo, remote):
        argv.append("--push")
    done = subprocess.run(
        [*argv, str(output)], cwd=target.repo, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise TargetError(
            _(
                "publish: ghp-import failed; the branch is as it was:\n%(error)s",
                error=done.stderr.strip() or done.stdout.strip(),
            )
        )
    return sent, deleted

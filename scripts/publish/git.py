"""Publish to a git branch for GitHub Pages-style hosting, with ghp-import.

    git:BRANCH    e.g. git:gh-pages

The site becomes one new commit on BRANCH of the repository that holds the
content (with .nojekyll, so files starting with _ are served), pushed to
PUBLISH_GIT_REMOTE ("origin") when the repository has that remote. A host
that serves the branch switches to the new commit at once. Git stores
unchanged files once, so a commit adds only what changed. The old
fingerprinted assets of the branch's last commit still in their retention
window (retention.py) are committed again with the new site, with the
manifest published-assets.tsv: the commit is made from a private copy of
the output (hard links) with those added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plugins.core import children
from plugins.core.messages import _

from . import retention
from .targets import TargetError, no_links

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
        or children.run(
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


def git_bytes(repo: Path, *args: str, stdin: bytes = b"") -> bytes:
    done = children.run(["git", *args], cwd=repo, capture_output=True, input=stdin)
    if done.returncode != 0:
        raise TargetError(
            _(
                "publish: git %(command)s failed: %(error)s",
                command=args[0],
                error=done.stderr.decode("utf-8", "replace").strip(),
            )
        )
    return done.stdout


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    return git_bytes(repo, *args, stdin=(stdin or "").encode()).decode()


def branch_files(target: GitTarget) -> dict[str, str]:
    """{path: blob id} of the branch's last commit (none if it is new)."""
    ref = f"refs/heads/{target.branch}"
    has = children.run(
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


def changes(site: Path, target: GitTarget) -> tuple[list[str], list[str]]:
    """What a commit of `site` changes on the branch."""
    before = branch_files(target)
    after = output_files(site, target.repo)
    sent = [p for p, blob in after.items() if before.get(p) != blob]
    deleted = sorted(p for p in before if p not in after and p != NOJEKYLL)
    return sent, deleted


def preview(
    output: Path, target: GitTarget, now: datetime, keep: retention.Keep
) -> tuple[list[str], list[str]]:
    with staged(output, target, now, keep) as site:
        return changes(site, target)


def link_or_copy(source: str, dest: str) -> None:
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


@contextmanager
def staged(
    output: Path, target: GitTarget, now: datetime, keep: retention.Keep
) -> Iterator[Path]:
    """A private copy of the output (hard links) with the old assets the
    branch keeps (retention.py) and the manifest: what the commit holds.
    """
    no_links(str(output))
    before = branch_files(target)
    text = ""
    if retention.MANIFEST in before:
        text = git(target.repo, "cat-file", "blob", before[retention.MANIFEST])
    built = retention.assets_in(
        p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()
    )
    held = retention.plan(
        retention.parse(text), retention.assets_in(before), built, now, keep
    )
    with tempfile.TemporaryDirectory(prefix="bulletin-publish-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(output, site, copy_function=link_or_copy)
        for path in retention.with_copies(held.carried):
            if path in before:
                dest = site / path
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(
                    git_bytes(target.repo, "cat-file", "blob", before[path])
                )
        (site / retention.MANIFEST).write_text(
            retention.render(held.manifest), encoding="utf-8"
        )
        yield site


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


def publish(
    output: Path, target: GitTarget, remote: str, keep: retention.Keep
) -> tuple[list, list]:
    """One commit of the whole site on the branch; pushed if `remote` exists."""
    now = datetime.now(UTC)
    with staged(output, target, now, keep) as site:
        return commit(site, target, remote, now)


def commit(
    site: Path, target: GitTarget, remote: str, now: datetime
) -> tuple[list, list]:
    sent, deleted = changes(site, target)
    when = now.strftime("%Y-%m-%d %H:%M UTC")
    argv = [
        ghp_import(),
        "--no-jekyll",
        "--branch",
        target.branch,
        "--remote",
        remote,
        "--message",
        f"Publish the bulletin, {when}",
    ]
    if has_remote(target.repo, remote):
        argv.append("--push")
    # Not ended with the publish (children.py): ghp-import streams the site
    # into git fast-import, which commits whatever it got when its input
    # ends between two files, and the branch would hold part of the site.
    # Left to finish, it commits the whole site or nothing.
    done = subprocess.run(
        [*argv, str(site)], cwd=target.repo, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise TargetError(
            _(
                "publish: ghp-import failed; the branch is as it was:\n%(error)s",
                error=done.stderr.strip() or done.stdout.strip(),
            )
        )
    return sent, deleted

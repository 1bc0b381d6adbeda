"""Publish to a git branch for GitHub Pages-style hosting, with ghp-import.

    git:BRANCH    e.g. git:gh-pages

The site becomes one new commit on BRANCH of the repository that holds the
content (with .nojekyll, so files starting with _ are served), pushed to
PUBLISH_GIT_REMOTE ("origin") when the repository has that remote. A host
that serves the branch switches to the new commit at once. Git stores
unchanged files once, so a commit adds only what changed. The old
fingerprinted assets and search index parts of the branch's last commit
still in their retention window (retention.py) are committed again with the
new site, with the manifest published-assets.tsv: the commit is made from a
private copy of the output (hard links) with those added. So is the
branch's CNAME, which a host's custom-domain setting commits (GitHub's
"Create CNAME"; without it the host drops the domain): each publish keeps
it unless the output ships its own; a rollback keeps the branch's CNAME, or
its absence (the domain is the host's setting, not part of a site).

The branch never holds part of a site. ghp-import commits on a private
branch of this publish (refs/heads/bulletin-publish/<pid>, started at the
branch's last commit); its tree is checked against the staged site file by
file; only then one `git update-ref --stdin` transaction moves BRANCH from
the commit it was on to the new one and deletes the private branch — all or
nothing, and refused if BRANCH moved meanwhile. ghp-import (and the git
fast-import it feeds) end with a killed publish (plugins/core/children.py):
cut short, git may commit part of the site, but only on the private branch,
which the next publish deletes. The push (not forced) moves the remote's
branch in one step too.

Each publish first fetches the remote's branch: it commits on the commit
that is live there, even when the answer to an earlier push was lost or a
publish was killed between moving the branch here and pushing it. A push
that fails leaves the branch here as it was (unless the remote's branch is
at the new commit already: the answer was lost, the publish went live); if
the remote cannot be asked afterwards, the outcome is unknown (PushUnknown):
the publish counts as live for its note addresses, and the desk is told to
check. A remote that lacks the branch while this repository has it (the
local branch or its tracking ref) is refused (gone): deleted there, perhaps
to purge its history, the branch must not come back from here unasked. Only
a repository without the remote builds on its local branch alone.

`--rollback` is a commit too, made the same way: the site that was live
before the current one (the commits' first parents, a rollback's trailer
naming the commit whose site it brings back), with the fingerprinted assets
and search index parts of the site it replaces (pages fetched from it still
find them) and a manifest counting the rollback as a publish. A `git revert`
of the commit before it, whose tree is the site before that one, counts as a
rollback to it when that site was live below the current one (else, as for
a revert of a revert, it publishes that site again); a commit that changes
only CNAME holds the site of its parent; another commit the tool did not
make, at or after the site to go back to, or a trailer naming a commit that
is not earlier on the branch, is refused by name (walk). The history is read
commit by commit (git cat-file), whatever a message holds; a commit that
cannot be read refuses the rollback. From a site a rollback made live, a
second --rollback needs --again naming where it goes; so does one while the
branch here is at a commit the remote does not have (a publish whose
outcome was unknown that never went live there): the site live at the
remote is the one a --rollback would take down.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from plugins.core import children
from plugins.core.messages import _

from . import releases, retention
from .targets import MayBeLive, TargetError, no_links

NOJEKYLL = ".nojekyll"
# a host's custom domain (GitHub commits it from its Pages settings): kept
CNAME = "CNAME"
# the trailer of a rollback's commit: the commit whose site it brings back
ROLLBACK = "Bulletin-Rollback-To"
# a publish's own branch, refs/heads/bulletin-publish/<pid>, until BRANCH moves
PRIVATE = "bulletin-publish"
# a publish's (or rollback's) copy of the site, in the repository's git
# folder: bulletin-publish-<pid>-…, removed at its end or, killed, by the next
COPY_PREFIX = f"{PRIVATE}-"


class PushUnknown(MayBeLive):
    """A push failed and the remote could not be asked afterwards: it may
    have taken the commit (the answer lost), so the publish may be live.
    """


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


def git_failed(command: str, stderr: bytes) -> TargetError:
    return TargetError(
        _(
            "publish: git %(command)s failed: %(error)s",
            command=command,
            error=stderr.decode("utf-8", "replace").strip(),
        )
    )


def git_bytes(repo: Path, *args: str, stdin: bytes = b"") -> bytes:
    done = children.run(["git", *args], cwd=repo, capture_output=True, input=stdin)
    if done.returncode != 0:
        raise git_failed(args[0], done.stderr)
    return done.stdout


def extract(repo: Path, commit: str, folder: Path) -> None:
    """Write the files of `commit` into `folder`, read from `git archive`
    as a stream: a site of gigabytes (a decade of photos) is never held in
    memory whole. An entry tarfile's data filter refuses (a link out of the
    folder, a path out of it) or a stream cut short stops it, saying why:
    git may have sent the whole archive and ended well, and the folder
    holds part of the site.
    """
    refused = ""
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(
            ["git", "archive", "--format=tar", commit],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=errors,
            preexec_fn=children.die_with(os.getpid()),
        ) as archive,
    ):
        assert archive.stdout is not None
        try:
            with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
                tar.extractall(folder, filter="data")
        except tarfile.TarError as e:
            archive.kill()  # what it sent is cut short: its error says why
            refused = str(e)
        archive.wait()
        errors.seek(0)
        said = errors.read()
        # git's own error first (the stream it cut short is what tarfile
        # saw), else tarfile's (git, killed here, said nothing)
        if archive.returncode != 0 and (said.strip() or not refused):
            raise git_failed("archive", said)
    if refused:
        raise TargetError(
            _(
                "publish: the site of commit %(commit)s could not be written "
                "out whole (%(error)s); --rollback changed nothing. Publish "
                "the content you want live instead (invoke publish).",
                commit=commit[:12],
                error=refused,
            )
        )


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    return git_bytes(repo, *args, stdin=(stdin or "").encode()).decode()


def commit_of(repo: Path, ref: str) -> str | None:
    """The commit `ref` names, None if there is no such ref."""
    done = children.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def base_commit(target: GitTarget, remote: str) -> tuple[bool, str | None]:
    """Whether the branch is pushed (the repository has `remote`), and the
    commit the new one follows: the remote's branch, fetched first (fetch);
    only in a repository without `remote`, the local branch; None for a new
    branch.
    """
    if has_remote(target.repo, remote):
        return True, fetch(target, remote)
    return False, commit_of(target.repo, f"refs/heads/{target.branch}")


def tree_files(repo: Path, commit: str | None) -> dict[str, str]:
    """{path: blob id} of `commit` (none for no commit)."""
    if commit is None:
        return {}
    files = {}
    for line in git(repo, "ls-tree", "-r", "-z", commit).split("\0"):
        meta, _tab, path = line.partition("\t")
        if path:
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


def changes(
    site: Path, target: GitTarget, base: str | None
) -> tuple[list[str], list[str]]:
    """What a commit of `site` changes on the branch (at `base`)."""
    before = tree_files(target.repo, base)
    after = output_files(site, target.repo)
    sent = [p for p, blob in after.items() if before.get(p) != blob]
    deleted = sorted(p for p in before if p not in after and p != NOJEKYLL)
    return sent, deleted


def preview(
    output: Path, target: GitTarget, remote: str, now: datetime, keep: retention.Keep
) -> tuple[list[str], list[str]]:
    """What a publish would send and delete, against the remote's branch
    as it is now (fetched first, as a publish does: only the tracking ref
    moves).
    """
    _pushed, base = base_commit(target, remote)
    with staged(output, target, base, now, keep) as site:
        return changes(site, target, base)


def link_or_copy(source: str, dest: str) -> None:
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


@contextmanager
def staged(
    output: Path,
    target: GitTarget,
    base: str | None,
    now: datetime,
    keep: retention.Keep,
) -> Iterator[Path]:
    """A private copy of the output (hard links) with the old assets the
    branch (at `base`) keeps (retention.py) and the manifest: what the
    commit holds.
    """
    no_links(str(output))
    before = tree_files(target.repo, base)
    text = ""
    if retention.MANIFEST in before:
        text = git(target.repo, "cat-file", "blob", before[retention.MANIFEST])
    built = retention.assets_in(
        p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()
    )
    held = retention.plan(
        retention.parse(text), retention.assets_in(before), built, now, keep
    )
    with private_folder(target.repo) as tmp:
        site = tmp / "site"
        shutil.copytree(output, site, copy_function=link_or_copy)
        carry(target.repo, site, retention.with_copies(held.carried), before)
        if not (site / CNAME).exists():
            keep_domain(target.repo, before, site)
        # the branch moves to the commit with its manifest: live together
        manifest = retention.render(retention.went_live(held.manifest))
        write_new(site / retention.MANIFEST, manifest.encode())
        yield site


def carry(repo: Path, site: Path, paths: Iterable[str], tree: dict[str, str]) -> None:
    """Write into the copy `site` each of `paths` that `tree` (a commit's
    files: path -> blob) holds, as that commit has it: the assets a
    publish or rollback keeps from earlier ones.
    """
    for path in paths:
        if path in tree:
            write_new(site / path, git_bytes(repo, "cat-file", "blob", tree[path]))


def write_new(dest: Path, data: bytes) -> None:
    """Write `data` as a new file at `dest` in a copy of the site: a file
    there is a hard link to the output's (link_or_copy), which writing it
    would change too.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    dest.write_bytes(data)


def keep_domain(repo: Path, files: dict[str, str], site: Path) -> None:
    """Make `site`'s CNAME the branch's (`files`: the tree of the commit the
    new one follows), or none if it has none: the custom domain set in the
    host's settings, which the host drops with the file, and which a
    rollback does not change either.
    """
    (site / CNAME).unlink(missing_ok=True)
    if CNAME in files:
        (site / CNAME).write_bytes(git_bytes(repo, "cat-file", "blob", files[CNAME]))


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


def start(target: GitTarget, remote: str) -> tuple[bool, str | None, str | None]:
    """What a publish and a rollback both begin with: leftovers of killed
    publishes deleted, the remote's branch fetched (when there is a remote);
    return (whether it is pushed, the local branch's commit, the commit to
    build on).
    """
    drop_leftovers(target.repo)
    pushed, base = base_commit(target, remote)
    return pushed, commit_of(target.repo, f"refs/heads/{target.branch}"), base


def publish(
    output: Path,
    target: GitTarget,
    remote: str,
    keep: retention.Keep,
    now: datetime | None = None,
) -> tuple[list, list]:
    """One commit of the whole site on the branch; pushed if `remote` exists.
    `now` (the time the kept assets' window is counted from) is the clock's.
    """
    now = now or datetime.now(UTC)
    pushed, old, base = start(target, remote)
    with staged(output, target, base, now, keep) as site:
        sent, deleted = changes(site, target, base)
        new = commit(site, target, base, now)
    move_branch(target, old, new)
    if pushed:
        push(target, remote, old, new)
    return sent, deleted


def fetch(target: GitTarget, remote: str) -> str | None:
    """Bring the remote's branch into its tracking ref and return its
    commit (a new commit is made on it): an earlier push whose answer was
    lost, or another publish, may have moved it since this repository last
    heard. A remote without the branch: None (a new branch), unless this
    repository says it had one (gone).
    """
    tracking = f"refs/remotes/{remote}/{target.branch}"
    if remote_tip(target, remote) is None:
        gone(target, remote)
        return None
    git(
        target.repo,
        "fetch",
        "--quiet",
        "--no-tags",
        remote,
        f"+refs/heads/{target.branch}:{tracking}",
    )
    return commit_of(target.repo, tracking)


def gone(target: GitTarget, remote: str) -> None:
    """Refuse to start a branch the remote lacks when this repository (its
    local branch or tracking ref) says the remote had it: it was deleted
    there, perhaps to purge the history, which a publish on the local branch
    would push back. The desk deletes it here too, or pushes it back.
    """
    branch = target.branch
    local = commit_of(target.repo, f"refs/heads/{branch}")
    tracking = commit_of(target.repo, f"refs/remotes/{remote}/{branch}")
    if local is None and tracking is None:
        return
    drop = [f"git branch -D {branch}"] if local else []
    if tracking:
        drop.append(f"git branch -d -r {remote}/{branch}")
    restore = (
        f"git push {remote} {branch}"
        if local
        else f"git push {remote} refs/remotes/{remote}/{branch}:refs/heads/{branch}"
    )
    raise TargetError(
        _(
            "publish: %(remote)s has no branch %(branch)s, but this repository "
            "says it had one (at commit %(commit)s); nothing was changed. If "
            "it was deleted at %(remote)s on purpose, to start afresh without "
            "its history, delete it here too: %(drop)s; then publish again. "
            "To put it back at %(remote)s as it was instead: %(restore)s",
            remote=remote,
            branch=branch,
            commit=(local or tracking or "")[:12],
            drop=" && ".join(drop),
            restore=restore,
        )
    )


def remote_tip(target: GitTarget, remote: str) -> str | None:
    """The commit the remote's branch is on (None: no such branch)."""
    out = git(
        target.repo, "ls-remote", "--heads", remote, f"refs/heads/{target.branch}"
    )
    return out.split()[0] if out.strip() else None


def private_branch() -> str:
    return f"{PRIVATE}/{os.getpid()}"


def git_folder(repo: Path) -> Path:
    return Path(git(repo, "rev-parse", "--absolute-git-dir").strip())


@contextmanager
def private_folder(repo: Path) -> Iterator[Path]:
    """A folder of this publish's own in `repo`'s git folder, for its copy
    of the site: on the repository's disk (the output's, usually, so the
    copy is hard links), never committed, never in the machine's temporary
    folder, where a killed publish's copy would stay for good; removed at
    the end, and by the next publish if this one is killed.
    """
    folder = children.own_folder(git_folder(repo), COPY_PREFIX)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def drop_leftovers(repo: Path) -> None:
    """Delete the private branches and copies of the site of publishes that
    are gone (killed).
    """
    children.remove_ended(git_folder(repo), COPY_PREFIX)
    refs = git(
        repo, "for-each-ref", "--format=%(refname)", f"refs/heads/{PRIVATE}/"
    ).split()
    for ref in refs:
        pid = children.process_id(ref.rsplit("/", 1)[-1])
        if pid is not None and not children.alive(pid):
            git(repo, "update-ref", "-d", ref)


def commit(
    site: Path, target: GitTarget, base: str | None, now: datetime, message: str = ""
) -> str:
    """Commit `site` with ghp-import on this publish's private branch,
    following `base`; return the commit once its tree is the site's, file
    for file.
    """
    private = private_branch()
    ref = f"refs/heads/{private}"
    if base:
        git(target.repo, "update-ref", ref, base)
    else:
        git(target.repo, "update-ref", "-d", ref)
    when = now.strftime("%Y-%m-%d %H:%M UTC")
    argv = [
        ghp_import(),
        "--no-jekyll",
        "--branch",
        private,
        "--message",
        message or f"Publish the bulletin, {when}",
        str(site),
    ]
    # ended with the publish: cut short, it commits on the private branch only
    done = children.run(argv, cwd=target.repo, capture_output=True, text=True)
    new = commit_of(target.repo, ref)
    wanted = {**output_files(site, target.repo), NOJEKYLL: empty_blob(target.repo)}
    whole = (
        done.returncode == 0
        and new is not None
        and new != base
        and parent_of(target.repo, new) == base
        and tree_files(target.repo, new) == wanted
    )
    if new is None or not whole:
        git(target.repo, "update-ref", "-d", ref)
        raise TargetError(
            _(
                "publish: ghp-import failed; the branch is as it was:\n%(error)s",
                error=done.stderr.strip()
                or done.stdout.strip()
                or _("the commit does not hold the whole site"),
            )
        )
    return new


def empty_blob(repo: Path) -> str:
    return git(repo, "hash-object", "-t", "blob", "--stdin").strip()


def parent_of(repo: Path, commit: str) -> str | None:
    parents = git(repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]
    return parents[0] if len(parents) == 1 else None


def move_branch(target: GitTarget, old: str | None, new: str) -> None:
    """Move BRANCH from `old` (as read before the commit; None: no branch
    yet) to `new` and delete the private branch in one transaction (`git
    update-ref --stdin`: all or nothing); refused if BRANCH moved meanwhile.
    """
    branch = f"refs/heads/{target.branch}"
    private = f"refs/heads/{private_branch()}"
    move = f"update {branch} {new} {old}" if old else f"create {branch} {new}"
    git(
        target.repo,
        "update-ref",
        "-m",
        "publish the bulletin",
        "--stdin",
        stdin=f"start\n{move}\ndelete {private} {new}\nprepare\ncommit\n",
    )


def push(target: GitTarget, remote: str, old: str | None, new: str) -> None:
    """Push BRANCH, not forced: the remote moves only forward, in one step.

    If the push fails, ask the remote: at `new` already (the answer was
    lost), the publish went live; at another commit, the branch here goes
    back to `old` (if still at `new`), so here and there stay as they were.
    If the remote cannot be asked, the outcome is unknown: PushUnknown.
    """
    branch = f"refs/heads/{target.branch}"
    done = children.run(
        ["git", "push", "--quiet", remote, branch],
        cwd=target.repo,
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return
    error = "\n".join(
        line for line in done.stderr.splitlines() if not line.startswith("hint:")
    )
    try:
        there = remote_tip(target, remote)
    except TargetError as e:
        # unreachable now: the push may have been taken before the line
        # dropped. The branch here stays at `new` (the next publish fetches
        # first in any case); the outcome is unknown, never "as it was".
        raise PushUnknown(
            _(
                "publish: git push of %(branch)s to %(remote)s failed, and "
                "%(remote)s could not be asked afterwards: it could not be "
                "confirmed whether %(remote)s took commit %(commit)s (it may "
                "be live). Check with `git ls-remote %(remote)s %(branch)s` "
                "once %(remote)s can be reached, before you publish or roll "
                "back again:\n%(error)s\n%(check)s",
                branch=target.branch,
                remote=remote,
                commit=new[:12],
                error=error.strip(),
                check=str(e),
            )
        ) from e
    if there == new:
        git(target.repo, "update-ref", f"refs/remotes/{remote}/{target.branch}", new)
        return
    if old:
        git(target.repo, "update-ref", branch, old, new)
    else:
        git(target.repo, "update-ref", "-d", branch, new)
    raise TargetError(
        _(
            "publish: git push of %(branch)s to %(remote)s failed; the branch "
            "is as it was, here and at %(remote)s. Publish again once "
            "%(remote)s can be reached (the next publish starts from the "
            "commit that is live there):\n%(error)s",
            branch=target.branch,
            remote=remote,
            error=error.strip(),
        )
    )


def rollback(target: GitTarget, remote: str, again: str = "") -> tuple[str, str]:
    """Make the site live before the current one live again, as a new
    commit (see the module docstring); return (from, to) as commit ids.
    From a rollback's commit, only with `again` naming the commit whose site
    it brings back (releases.rolled_back_already).
    """
    now = datetime.now(UTC)
    pushed, old, base = start(target, remote)
    if base is None:
        raise TargetError(
            _("publish: nothing is published at %(target)s", target=target)
        )
    walked = walk(target.repo, base)
    current = walked.site[base]
    previous = site_before(walked, base)
    if previous is None:
        raise TargetError(
            _(
                "publish: %(release)s is the oldest release kept at %(target)s; "
                "there is none to go back to",
                release=current[:12],
                target=target,
            )
        )
    # the branch here at a commit the remote lacks: a publish whose outcome
    # was unknown never went live there, and going back undoes nothing of it
    unsent = old if pushed and old and not has_commit(target.repo, base, old) else ""
    releases.rolled_back_already(
        target,
        current[:12],
        previous,
        again,
        walked.switches[-1].action == "rollback",
        never_live=unsent[:12],
    )
    when = now.strftime("%Y-%m-%d %H:%M UTC")
    message = (
        f"Roll the bulletin back to {previous[:12]}, {when}\n\n{ROLLBACK}: {previous}"
    )
    with back_site(target, base, previous, now) as site:
        new = commit(site, target, base, now, message)
    move_branch(target, old, new)
    if pushed:
        push(target, remote, old, new)
    return current, previous


def has_commit(repo: Path, tip: str, commit: str) -> bool:
    """Whether `commit` is `tip` or one of its ancestors."""
    done = children.run(
        ["git", "merge-base", "--is-ancestor", commit, tip],
        cwd=repo,
        capture_output=True,
    )
    return done.returncode == 0


def restored(message: str) -> str | None:
    """The commit a rollback's message names (its trailer, in the message's
    last paragraph), None for a publish.
    """
    last = message.strip().split("\n\n")[-1]
    found = re.search(rf"^{ROLLBACK}: ([0-9a-f]{{40}})$", last, re.MULTILINE)
    return found[1] if found else None


# what the tool's own commits say first (publish, then --rollback)
OURS = ("Publish the bulletin", "Roll the bulletin back")
# `git revert` (and a host's "Revert" button) end their message with it
REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{40})\.?$", re.MULTILINE)


@dataclass
class Walk:
    """The branch's first-parent history read as switches of sites."""

    switches: list[releases.Switch]
    site: dict[str, str]  # commit -> the commit whose site it holds
    order: dict[str, int]  # commit -> its place in the walk
    foreign: list[tuple[str, str]]  # (commit, subject) not made by the tool


def walk(repo: Path, tip: str) -> Walk:
    """Each commit of the first-parent history up to `tip`: a publish (its
    own site), a rollback (the site its trailer names, an earlier commit of
    the walk), a commit the tool did not make that changes only CNAME (the
    site of its parent, no switch), a `git revert` of the commit just before
    it whose tree is the site before that one (a rollback to it when that
    site is on the live stack below the current one, else a publish of it:
    a revert of a revert puts a site back), or another commit the tool did
    not make (its own site, listed as foreign).
    """
    done = Walk([], {}, {}, [])
    first: dict[str, str | None] = {}  # commit -> its first parent
    tree: dict[str, str] = {}
    commits = first_parents(repo, tip)
    subjects = [c.message.strip().split("\n", 1)[0] for c in commits]
    domain = domain_only(
        repo,
        [c for c, s in zip(commits, subjects, strict=True) if not s.startswith(OURS)],
    )
    for read, subject in zip(commits, subjects, strict=True):
        commit, body = read.commit, read.message
        parent = read.parents[0] if read.parents else None
        first[commit], tree[commit] = parent, read.tree
        done.order[commit] = len(done.order)
        ours = subject.startswith(OURS)
        if parent and commit in domain:
            # the host's custom-domain setting: the site of its parent
            done.site[commit] = done.site[parent]
            continue
        found = restored(body) if subject.startswith(OURS[1]) else None
        if found is not None and found not in done.site:
            raise TargetError(
                _(
                    "publish: commit %(commit)s on the branch names %(named)s as "
                    "the site it brings back, but %(named)s is not an earlier "
                    "commit of the branch; --rollback changed nothing. Publish "
                    "the content you want live instead (invoke publish).",
                    commit=commit[:12],
                    named=found[:12],
                )
            )
        action = "rollback" if found else "publish"
        reverted = REVERTS.search(body)
        if found is None and parent and reverted and reverted[1] == parent:
            # a revert of the commit before it: the tree of the one before that
            before = first[parent]
            if before in done.site and read.tree == tree[before]:
                found = done.site[before]
                below = releases.live_stack(done.switches, done.site[parent])[:-1]
                action = "rollback" if found in below else "publish"
        if found is None and not ours:
            done.foreign.append((commit, printable(subject)))
        done.site[commit] = found or commit
        done.switches.append(
            releases.Switch(
                "", action, done.site.get(parent or "", parent), done.site[commit]
            )
        )
    return done


@dataclass(frozen=True)
class Commit:
    commit: str
    tree: str
    parents: tuple[str, ...]
    message: str


OBJECT_ID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")


def first_parents(repo: Path, tip: str) -> list[Commit]:
    """The commits of the first-parent history up to `tip`, oldest first,
    each read whole (`git cat-file --batch`: sized, so whatever a message
    holds); one that cannot be read refuses, it is never skipped.
    """
    ids = git(repo, "rev-list", "--first-parent", "--reverse", tip).split()
    raw = git_bytes(
        repo, "cat-file", "--batch", stdin="".join(f"{c}\n" for c in ids).encode()
    )
    found: list[Commit] = []
    at = 0
    for commit in ids:
        end = raw.find(b"\n", at)
        head = raw[at:end].split() if end >= 0 else []
        size = int(head[2]) if len(head) == 3 and head[2].isdigit() else -1
        body = raw[end + 1 : end + 1 + size]
        if (
            head[:2] != [commit.encode(), b"commit"]
            or len(body) != size
            or raw[end + 1 + size : end + 2 + size] != b"\n"
        ):
            raise unreadable(commit)
        read = parse_commit(commit, body)
        if found and read.parents[:1] != (found[-1].commit,):
            raise unreadable(commit)
        found.append(read)
        at = end + 2 + size
    return found


def parse_commit(commit: str, raw: bytes) -> Commit:
    """A commit object's tree, parents and message (refused if its headers
    are not a commit's).
    """
    head, _blank, message = raw.partition(b"\n\n")
    lines = head.split(b"\n")
    name, _space, tree = lines[0].partition(b" ")
    if name != b"tree" or not OBJECT_ID.fullmatch(tree):
        raise unreadable(commit)
    parents = []
    for line in lines[1:]:
        name, _space, parent = line.partition(b" ")
        if name != b"parent":
            break
        if not OBJECT_ID.fullmatch(parent):
            raise unreadable(commit)
        parents.append(parent.decode())
    return Commit(
        commit, tree.decode(), tuple(parents), message.decode("utf-8", "replace")
    )


def unreadable(commit: str) -> TargetError:
    return TargetError(
        _(
            "publish: commit %(commit)s on the branch could not be read, so "
            "which site it holds is not known; --rollback changed nothing. "
            "Publish the content you want live instead (invoke publish).",
            commit=commit[:12],
        )
    )


def printable(text: str) -> str:
    """`text` with control characters shown as '?' (a commit subject in a
    message to the desk).
    """
    return "".join(c if c.isprintable() else "?" for c in text)


def domain_only(repo: Path, commits: list[Commit]) -> set[str]:
    """Those of `commits` that change only the CNAME of their first parent
    (a host's custom-domain setting, such as GitHub's "Create CNAME"), read
    by one `git diff-tree --stdin`: each commit's id, then its files.
    """
    pairs = [(c.commit, c.parents[0]) for c in commits if c.parents]
    if not pairs:
        return set()
    out = git(
        repo,
        "diff-tree",
        "--stdin",
        "--always",
        "-r",
        "--name-only",
        "-z",
        stdin="".join(f"{commit} {parent}\n" for commit, parent in pairs),
    )
    changed: dict[str, list[str]] = {}
    at = None
    for token in out.split("\0")[:-1]:
        if len(changed) < len(pairs) and token == pairs[len(changed)][0]:
            at = token
            changed[at] = []
        elif at is not None:
            changed[at].append(token)
    return {commit for commit, files in changed.items() if files == [CNAME]}


def site_before(walked: Walk, tip: str) -> str | None:
    """The commit whose site was live before the one at `tip` (the same
    rule as a folder's history: releases.live_stack, over the first
    parents), None if there is none. A commit the tool did not make at or
    after that site is refused: which site it holds is not known.
    """
    stack = releases.live_stack(walked.switches, walked.site.get(tip, tip))
    previous = stack[-2] if len(stack) > 1 else None
    if previous is not None:
        refuse_foreign(walked, walked.order.get(previous, 0))
    return previous


def refuse_foreign(history: Walk, since: int) -> None:
    for commit, subject in history.foreign:
        if history.order[commit] >= since:
            raise TargetError(
                _(
                    'publish: commit %(commit)s on the branch ("%(subject)s") '
                    "was not made by publish or --rollback, so which site it "
                    "holds is not known; --rollback changed nothing. Publish "
                    "the content you want live instead (invoke publish).",
                    commit=commit[:12],
                    subject=subject,
                )
            )


@contextmanager
def back_site(
    target: GitTarget, base: str, previous: str, now: datetime
) -> Iterator[Path]:
    """The site of `previous`, with the kept files of the site at `base`
    it lacks and a manifest counting the rollback as a publish (the folder
    target's rule: releases.rollback).
    """
    repo = target.repo
    here, back = tree_files(repo, base), tree_files(repo, previous)
    text = ""
    if retention.MANIFEST in here:
        text = git(repo, "cat-file", "blob", here[retention.MANIFEST])
    leaving = retention.assets_in(here)
    pages = [back[p] for p in ("index.html", "khoj/index.html") if p in back]
    linked = "".join(git(repo, "cat-file", "blob", b) for b in pages)
    arriving = retention.assets_in(re.findall(r"theme/[A-Za-z0-9/_.-]*", linked)) | {
        a for a in retention.assets_in(back) if retention.kind(a) == "index"
    }
    manifest = retention.switched(retention.parse(text), leaving, arriving, now)
    with private_folder(repo) as tmp:
        site = tmp / "site"
        site.mkdir()
        extract(repo, previous, site)
        gone = [p for p in retention.with_copies(leaving) if p not in back]
        carry(repo, site, gone, here)
        keep_domain(repo, here, site)
        rendered = retention.render(retention.went_live(manifest))
        write_new(site / retention.MANIFEST, rendered.encode())
        yield site

"""Releases at a target: upload into a new folder, then switch `current`.

    TARGET/releases/<id>/        one published site each (the last few kept)
    TARGET/releases/<id>.partial an upload in progress (or killed): never live
    TARGET/current -> releases/<id>

The switch is a rename of a new symlink over `current` (rename(2) is
atomic), so a reader gets either the old site or the new one, whole. Files
that did not change are hard links to the previous release (rsync
--link-dest): only changed files are sent and stored.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime

from plugins.core.messages import _

from .targets import Target, TargetError

RELEASES = "releases"
CURRENT = "current"
PARTIAL = ".partial"
ID_RE = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")
# itemized rsync lines of files sent: '>f' (changed or new) on a regular file
SENT_RE = re.compile(r"^[<>]f")


@dataclass
class State:
    releases: list[str]  # ids, oldest first
    current: str | None


@dataclass
class Upload:
    release: str
    sent: list[str]  # files sent (new or changed)
    deleted: list[str]  # files of the live site not in the new one


def release_id(now: datetime, taken: list[str]) -> str:
    rid = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    n = 1
    candidate = rid
    while candidate in taken:
        n += 1
        candidate = f"{rid}-{n}"
    return candidate


def q(path: str) -> str:
    return shlex.quote(path)


def read_state(target: Target) -> State:
    root = target.path
    # reads only: a dry run leaves the target as it was
    out = target.run(
        f"(ls -1 {q(root + '/' + RELEASES)} 2>/dev/null || true) && "
        f"echo '--current--' && (readlink {q(root + '/' + CURRENT)} || true)"
    )
    listing, _, current = out.partition("--current--\n")
    releases = sorted(x for x in listing.split() if ID_RE.match(x))
    link = current.strip()
    current_id = link.rsplit("/", 1)[-1] if link else None
    return State(releases, current_id if current_id in releases else None)


def rsync(
    source: str,
    target: Target,
    dest: str,
    link_dest: str | None,
    dry_run: bool,
    extra: list[str],
) -> subprocess.CompletedProcess:
    argv = [
        "rsync",
        "--recursive",
        "--links",
        "--times",
        "--perms",
        "--chmod=D755,F644",
        "--delete",
        "--checksum",
        "--itemize-changes",
        "--out-format=%i %n",
        *target.rsync_shell(),
        *extra,
    ]
    if link_dest:
        argv.append(f"--link-dest={link_dest}")
    if dry_run:
        argv.append("--dry-run")
    argv += [source.rstrip("/") + "/", target.rsync_dest(dest.rstrip("/") + "/")]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise TargetError(
            _(
                "publish: rsync to %(target)s failed (%(code)s); the live site "
                "is unchanged:\n%(error)s",
                target=target,
                code=done.returncode,
                error=done.stderr.strip(),
            )
        )
    return done


def changes(rsync_output: str) -> tuple[list[str], list[str]]:
    sent, deleted = [], []
    for line in rsync_output.splitlines():
        code, _, name = line.partition(" ")
        if code == "*deleting":
            deleted.append(name.strip())
        elif SENT_RE.match(code):
            sent.append(name)
    return sent, deleted


def upload(
    output: str,
    target: Target,
    now: datetime,
    extra: list[str],
) -> Upload:
    """Send the site into a new release folder (not live yet)."""
    state = read_state(target)
    rid = release_id(now, state.releases)
    root = target.path
    partial = f"{root}/{RELEASES}/{rid}{PARTIAL}"
    # an upload killed earlier left its folder: it was never live
    target.run(f"rm -rf {q(root + '/' + RELEASES)}/*{PARTIAL} && mkdir -p {q(partial)}")
    previous = f"{root}/{RELEASES}/{state.current}" if state.current else None
    done = rsync(output, target, partial, previous, False, extra)
    sent, _ = changes(done.stdout)
    deleted: list[str] = []
    if previous:
        # what the new release leaves out of the live one
        probe = rsync(output, target, previous, None, True, extra)
        _, deleted = changes(probe.stdout)
    target.run(f"mv {q(partial)} {q(root + '/' + RELEASES + '/' + rid)}")
    return Upload(rid, sent, deleted)


def preview(output: str, target: Target) -> tuple[list[str], list[str]]:
    """What a publish would send and delete, compared with the live site."""
    state = read_state(target)
    if state.current is None:
        sent = subprocess.run(
            ["find", ".", "-type", "f"], cwd=output, capture_output=True, text=True
        ).stdout.split()
        return sorted(s.removeprefix("./") for s in sent), []
    live = f"{target.path}/{RELEASES}/{state.current}"
    return changes(rsync(output, target, live, None, True, []).stdout)


def switch(target: Target, rid: str) -> None:
    """Make release `rid` live: a new symlink renamed over `current`."""
    root = target.path
    tmp = f"{root}/.{CURRENT}.new"
    target.run(
        f"ln -sfn {q(RELEASES + '/' + rid)} {q(tmp)} && "
        f"mv -T {q(tmp)} {q(root + '/' + CURRENT)}"
    )


def prune(target: Target, keep: int) -> list[str]:
    """Remove the oldest releases beyond `keep` (never the live one)."""
    state = read_state(target)
    old = [r for r in state.releases[:-keep] if r != state.current] if keep else []
    if old:
        paths = " ".join(q(f"{target.path}/{RELEASES}/{r}") for r in old)
        target.run(f"rm -rf {paths}")
    return old


def rollback(target: Target) -> tuple[str, str]:
    """Switch `current` to the release before it; return (from, to)."""
    state = read_state(target)
    if state.current is None:
        raise TargetError(
            _("publish: nothing is published at %(target)s", target=target)
        )
    index = state.releases.index(state.current)
    if index == 0:
        raise TargetError(
            _(
                "publish: %(release)s is the oldest release kept at %(target)s; "
                "there is none to go back to",
                release=state.current,
                target=target,
            )
        )
    previous = state.releases[index - 1]
    switch(target, previous)
    return state.current, previous

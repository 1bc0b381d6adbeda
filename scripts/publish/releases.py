"""Releases at a target: upload into a new folder, then switch `current`.

    TARGET/releases/<id>/        one published site each (the last few kept)
    TARGET/releases/<id>.partial an upload in progress (or killed): never live
    TARGET/current -> releases/<id>
    TARGET/history.tsv           every switch: time, action, live before, after
    TARGET/published-assets.tsv  fingerprinted assets and when last linked
    TARGET/published-assets.tsv.live  the same naming the publish under way
                                 live, renamed over it by the switch

The switch is a rename of a new symlink over `current` (rename(2) is
atomic), so a reader gets either the old site or the new one, whole. Files
that did not change are hard links to the previous release (rsync
--link-dest): only changed files are sent and stored. Old fingerprinted
assets (a stylesheet the new build no longer links) are hard-linked into
each new release for their retention window (retention.py), so a page a
reader or a CDN fetched earlier still finds them; a rollback links the
current release's assets into the release it goes back to.

Before each switch a line is appended to history.tsv (one write, then
sync), naming the release live before it and the one after. `--rollback`
goes back to the release that was live before the current one (not the one
before it by name: after a rollback and a new publish, that one was never
live in between). The history is append-only; a line torn by a crash is
left where it is and skipped; a line whose switch never happened (a crash
between the line and the switch) is recognised because the next line or
`current` does not follow from it.
"""

from __future__ import annotations

import base64
import gzip
import re
import shlex
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from plugins.core import children
from plugins.core.messages import _
from plugins.hindi_text.dates import IST

from . import retention
from .targets import Target, TargetError, no_links

RELEASES = "releases"
CURRENT = "current"
HISTORY = "history.tsv"
PARTIAL = ".partial"
ID_RE = re.compile(r"^\d{8}T\d{6}Z(?:-\d+)?$")
# itemized rsync lines of files sent: '>f' (changed or new) on a regular file
SENT_RE = re.compile(r"^[<>]f")


@dataclass(frozen=True)
class Switch:
    """One line of history.tsv."""

    time: str
    action: str  # publish or rollback
    before: str | None  # the release live before the switch
    after: str


@dataclass
class State:
    releases: list[str]  # ids, oldest first
    current: str | None
    history: list[Switch] = field(default_factory=list)

    def live_stack(self) -> list[str]:
        """Releases that were live, one after another, ending with `current`."""
        return live_stack(self.history, self.current)


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


def parse_history(text: str) -> list[Switch]:
    """Whole, well-formed lines of history.tsv (others are skipped)."""
    found = []
    for line in text.splitlines(keepends=True):
        cells = line.rstrip("\n").split("\t")
        if (
            not line.endswith("\n")
            or len(cells) != 4
            or cells[1] not in ("publish", "rollback")
            or not ID_RE.match(cells[3])
            or not (cells[2] == "-" or ID_RE.match(cells[2]))
        ):
            continue
        before = None if cells[2] == "-" else cells[2]
        found.append(Switch(cells[0], cells[1], before, cells[3]))
    return found


def live_stack(history: list[Switch], current: str | None) -> list[str]:
    """Replay the history: the releases live one after another, up to
    `current`. A rollback goes back down the stack; a line whose switch never
    happened is dropped (the next line starts from another release).
    """
    states: list[list[str]] = [[]]

    def ending_with(release: str | None) -> list[str]:
        for stack in reversed(states):
            if (stack[-1] if stack else None) == release:
                return list(stack)
        return [release] if release else []

    for s in history:
        stack = ending_with(s.before)
        if s.action == "publish":
            stack.append(s.after)
        else:
            stack = stack[:-1]
            while stack and stack[-1] != s.after:
                stack.pop()
            stack = stack or [s.after]
        states.append(stack)
    return ending_with(current)


def read_state(target: Target) -> State:
    root = target.path
    # reads only: a dry run leaves the target as it was
    out = target.run(
        f"(ls -1 {q(root + '/' + RELEASES)} 2>/dev/null || true) && "
        f"echo '--current--' && (readlink {q(root + '/' + CURRENT)} || true) && "
        f"echo '--history--' && (cat {q(root + '/' + HISTORY)} 2>/dev/null || true)"
    )
    listing, _, rest = out.partition("--current--\n")
    current, _, history = rest.partition("--history--\n")
    releases = sorted(x for x in listing.split() if ID_RE.match(x))
    link = current.strip()
    current_id = link.rsplit("/", 1)[-1] if link else None
    return State(
        releases,
        current_id if current_id in releases else None,
        parse_history(history),
    )


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
    done = children.run(argv, capture_output=True, text=True)
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
    keep: retention.Keep,
) -> Upload:
    """Send the site into a new release folder (not live yet), with the old
    fingerprinted assets still in their retention window (retention.py)
    hard-linked from the releases that hold them.
    """
    no_links(output)
    state = read_state(target)
    assets = read_assets(target, state, keep.folders, [state.current or ""])
    rid = release_id(now, state.releases)
    root = target.path
    partial = f"{root}/{RELEASES}/{rid}{PARTIAL}"
    # an upload killed earlier left its folder: it was never live
    target.run(f"rm -rf {q(root + '/' + RELEASES)}/*{PARTIAL} && mkdir -p {q(partial)}")
    previous = f"{root}/{RELEASES}/{state.current}" if state.current else None
    done = rsync(output, target, partial, previous, False, extra)
    sent, _gone = changes(done.stdout)
    deleted: list[str] = []
    if previous:
        # what the new release leaves out of the live one
        probe = rsync(output, target, previous, None, True, extra)
        _sent, deleted = changes(probe.stdout)
    held = retention_plan(target, output, state, assets, now, keep)
    kept = carry(
        target,
        release_dirs(target, state),
        partial,
        retention.with_copies(held.carried),
    )
    lost = sorted(set(held.carried) - kept)
    if lost:
        # each comes from the live release: one not linked is a failed
        # mkdir or ln (a full disk), and would go live missing
        raise TargetError(
            _(
                "publish: %(count)s old stylesheets, scripts or search index "
                "parts could not be kept in the new release at %(target)s, "
                "such as %(path)s (is its disk full?)",
                count=len(lost),
                target=target,
                path=lost[0],
            )
        )
    deleted = [d for d in deleted if d not in kept]
    # before the switch: every asset that goes live is in the manifest (which
    # names the live publish as before), and the one switch() renames over it
    write_manifests(target, held.manifest)
    target.run(f"mv {q(partial)} {q(root + '/' + RELEASES + '/' + rid)}")
    return Upload(rid, sent, deleted)


@dataclass
class Assets:
    """The target's asset manifest and, per kept release, its fingerprinted
    assets (retention.py).
    """

    manifest: retention.Manifest
    by_release: dict[str, set[str]]

    def live(self, state: State) -> set[str]:
        """The live release's assets (an older release may still hold one
        that was let go: it stays gone).
        """
        return self.by_release.get(state.current or "", set())


def read_assets(
    target: Target, state: State, folders: tuple[str, ...], among: list[str]
) -> Assets:
    """The manifest, and the kept files (retention.py) of the releases
    `among` (the live one; for a rollback also the one going live), found
    under `folders` (the theme's, the search index's: thousands of files on
    a large site, so not listed for every release kept).
    """
    root = target.path
    listing = ""
    listed = [r for r in state.releases if r in among]
    if listed:
        listing = (
            f"cd {q(root + '/' + RELEASES)} && for r in "
            + " ".join(q(r) for r in listed)
            + "; do for f in "
            + " ".join(q(f) for f in folders)
            + '; do if [ -d "$r/$f" ]; then find "$r/$f" -type f; fi; done; done'
        )
    out = target.run(
        f"cat {q(root + '/' + retention.MANIFEST)} 2>/dev/null; "
        f"echo; echo '--files--'; {listing or 'true'}"
    )
    text, _, files = out.rpartition("\n--files--\n")
    by_release: dict[str, set[str]] = {r: set() for r in listed}
    for line in files.splitlines():
        rid, _, path = line.partition("/")
        if rid in by_release and retention.is_asset(path):
            by_release[rid].add(path)
    return Assets(retention.parse(text), by_release)


def built_assets(output: str, folders: tuple[str, ...]) -> set[str]:
    return retention.assets_in(
        p.relative_to(output).as_posix()
        for folder in folders
        for p in (Path(output) / folder).rglob("*")
        if p.is_file()
    )


def retention_plan(
    target: Target,
    output: str,
    state: State,
    assets: Assets,
    now: datetime,
    keep: retention.Keep,
) -> retention.Plan:
    """The retention plan of a publish; the stylesheet and script the live
    release's pages link, and the search index parts its index uses, count
    as linked now, whatever the manifest says (one copied from another
    target, or edited by hand).
    """
    live = f"{target.path}/{RELEASES}/{state.current}" if state.current else None
    present = assets.live(state)
    return retention.plan(
        assets.manifest,
        present,
        built_assets(output, keep.folders),
        now,
        keep,
        linked_assets(target, live, keep.folders[-1], present) if live else set(),
    )


def carry(target: Target, sources: list[str], dest: str, paths: list[str]) -> set[str]:
    """Hard-link into `dest` each of `paths` it lacks, from the first of the
    `sources` folders that has it; return the paths linked.

    The script works inside `dest` (relative paths from its working folder):
    were `dest` removed meanwhile — the next publish clears the .partial
    folder of a publish killed during this step, whose shell at a server
    goes on (an SSH command without a terminal gets no hangup) — nothing can
    be made again, since no folder can be made in a removed one. The paths
    (checked names, one a line) come on the script's input: a large site's
    search index has thousands, more than one command line may hold.
    """
    if not paths or not sources:
        return set()
    out = target.run(
        f'cd {q(dest)} || exit 1; top="$(pwd -P)"; '
        'while IFS= read -r c; do [ -n "$c" ] || continue; '
        'if [ ! -e "$c" ]; then for r in '
        + " ".join(q(s) for s in sources)
        + '; do if [ -f "$r/$c" ] && [ ! -L "$r/$c" ]; then '
        'd="$(dirname "$c")" && mkdir -p "$d" && '
        # never through a symbolic link out of the release
        # (a source removed meanwhile: the next one is tried)
        'case "$(cd "$d" && pwd -P)/" in "$top"/*) '
        'if ln "$r/$c" "$c"; then echo "$c"; break; fi;; esac; fi; done; fi; done',
        stdin="".join(f"{p}\n" for p in paths if retention.is_companion(p)),
    )
    return set(out.split())


def linked_assets(
    target: Target,
    release: str,
    index: str = retention.DEFAULT_INDEX_FOLDER,
    parts: Iterable[str] = (),
) -> set[str]:
    """The fingerprinted assets a release's pages link (every page links
    the stylesheet; the search page the script) and, among `parts`, the
    search index parts its own index uses (retention.parts_in_use: the meta
    files its entry files name, read from the release itself).
    """
    folder = q(index)
    metas = (
        f"for e in {folder}/{retention.ENTRY} {folder}/*/{retention.ENTRY}; do "
        '[ -f "$e" ] || continue; d="${e%/*}"; '
        'for h in $(grep -o \'"hash": *"[A-Za-z0-9_-]*"\' "$e" '
        "| sed 's/.*\"\\([A-Za-z0-9_-]*\\)\"$/\\1/'); do "
        'm="$d/pagefind.$h.pf_meta"; [ -f "$m" ] || continue; '
        'echo "--meta $m"; base64 -w0 "$m"; echo; done; done'
    )
    out = target.run(
        f"cd {q(release)} && {{ cat index.html khoj/index.html 2>/dev/null "
        "| grep -o 'theme/[A-Za-z0-9/_.-]*' | sort -u; "
        + (metas if parts else "true")
        + "; } || true"
    )
    lines = out.splitlines()
    found = retention.assets_in(line for line in lines if not line.startswith("--"))
    return found | retention.parts_in_use(read_metas(lines), parts)


def read_metas(lines: list[str]) -> dict[str, bytes]:
    """The meta files in linked_assets' output ("--meta PATH" then its bytes
    in base64, gzip-compressed as Pagefind writes them); one that cannot be
    read counts as none (the manifest's rule then holds).
    """
    metas = {}
    for head, body in pairwise([*lines, ""]):
        if not head.startswith("--meta "):
            continue
        try:
            metas[head.removeprefix("--meta ")] = gzip.decompress(
                base64.b64decode(body, validate=True)
            )
        except (ValueError, OSError, EOFError):
            continue
    return metas


def release_dirs(target: Target, state: State) -> list[str]:
    """The kept releases' folders, the live one first, then newest first."""
    order = [state.current] if state.current else []
    order += [r for r in reversed(state.releases) if r != state.current]
    return [f"{target.path}/{RELEASES}/{r}" for r in order]


# the manifest that names the publish under way live, renamed over the
# manifest by the switch
LIVE_MANIFEST = retention.MANIFEST + ".live"


def write_manifests(target: Target, manifest: retention.Manifest) -> None:
    """Before a switch: replace the manifest (naming the live publish as
    before) and write beside it the one naming this publish live, which the
    switch renames over it (a rename needs no space: nothing that can fail
    on a full disk runs after the switch). Each is put in place only once it
    arrived whole (its last line is retention.END).
    """
    put_manifest(target, retention.render(manifest))
    put_manifest(target, retention.render(retention.went_live(manifest)), LIVE_MANIFEST)


def put_manifest(target: Target, text: str, name: str = retention.MANIFEST) -> None:
    """Write `text` as the manifest (or `name` beside it) if it is whole
    (ends with retention.END); a cut one fails and leaves the file as it was.
    """
    path = f"{target.path}/{name}"
    new = q(path + ".new")
    target.run(
        f'cat > {new} && [ "$(tail -n 1 {new})" = {q(retention.END)} ] && '
        f"mv -fT {new} {q(path)}",
        stdin=text,
    )


def preview(
    output: str, target: Target, now: datetime, keep: retention.Keep
) -> tuple[list[str], list[str]]:
    """What a publish would send and delete, compared with the live site
    (old assets it would keep are not deleted).
    """
    no_links(output)
    state = read_state(target)
    if state.current is None:
        sent = children.run(
            ["find", ".", "-type", "f"], cwd=output, capture_output=True, text=True
        ).stdout.split()
        return sorted(s.removeprefix("./") for s in sent), []
    live = f"{target.path}/{RELEASES}/{state.current}"
    sent, deleted = changes(rsync(output, target, live, None, True, []).stdout)
    assets = read_assets(target, state, keep.folders, [state.current])
    held = retention_plan(target, output, state, assets, now, keep)
    kept = set(retention.with_copies(held.carried))
    return sent, [d for d in deleted if d not in kept]


def switch(target: Target, rid: str, action: str = "publish") -> None:
    """Make release `rid` live: note the switch in the history (with the
    release live before it), then rename a new symlink over `current`, then
    rename the manifest naming its publish live (written before, by the
    upload or the rollback: write_manifests) over the manifest. Nothing
    after the switch needs space on the disk. Killed (or a connection lost)
    between the two renames, the manifest still names the publish before:
    the assets of both count as linked now (the safe side).
    """
    root = target.path
    tmp = f"{root}/.{CURRENT}.new"
    history = q(f"{root}/{HISTORY}")
    live = q(f"{root}/{LIVE_MANIFEST}")
    now = datetime.now(IST).replace(microsecond=0).isoformat()
    target.run(
        f"before=$(readlink {q(root + '/' + CURRENT)} 2>/dev/null || true); "
        'before=${before##*/}; [ -n "$before" ] || before=-; '
        # a torn last line (a crash mid-write) stays on a line of its own
        f'if [ -s {history} ] && [ -n "$(tail -c1 {history})" ]; '
        f"then printf '\\n' >> {history}; fi; "
        f"printf '%s\\t%s\\t%s\\t%s\\n' {q(now)} {q(action)} \"$before\" {q(rid)} "
        f">> {history} && sync {history} && "
        f"ln -sfn {q(RELEASES + '/' + rid)} {q(tmp)} && "
        f"mv -T {q(tmp)} {q(root + '/' + CURRENT)} && "
        f"if [ -f {live} ]; then mv -fT {live} {q(root + '/' + retention.MANIFEST)}; fi"
    )


def prune(target: Target, keep: int) -> list[str]:
    """Remove the oldest releases beyond `keep`, except the live one and the
    last `keep` that were live (what --rollback goes back to).
    """
    state = read_state(target)
    wanted = set(state.live_stack()[-keep:]) if keep else set()
    old = (
        [r for r in state.releases[:-keep] if r != state.current and r not in wanted]
        if keep
        else []
    )
    if old:
        paths = " ".join(q(f"{target.path}/{RELEASES}/{r}") for r in old)
        target.run(f"rm -rf {paths}")
    return old


def rollback_to(state: State) -> str | None:
    """The release that was live before the current one and is still kept.

    A target published before the history was kept falls back to the
    release before the current one by name.
    """
    if not state.history:
        index = state.releases.index(state.current) if state.current else 0
        return state.releases[index - 1] if index > 0 else None
    earlier = state.live_stack()[:-1]
    return next(
        (r for r in reversed(earlier) if r in state.releases and r != state.current),
        None,
    )


def rolled_back_already(
    target: object,
    live: str,
    previous: str,
    again: str,
    by_rollback: bool,
    *,
    never_live: str = "",
) -> None:
    """Refuse a --rollback from a site a rollback made live (a retry after a
    lost answer would go one site too far back), or right after a publish
    `never_live` that never went live (its outcome was unknown and the desk
    wants it undone: there is nothing of it to undo, and going back would
    take the good site down), unless `again` names the release or commit it
    would go back to; refuse `again` naming another.
    """
    if again and not (len(again) >= 7 and previous.startswith(again)):
        raise TargetError(
            _(
                "publish: --again names %(again)s, but --rollback at "
                "%(target)s would make %(previous)s live; nothing was changed",
                again=again,
                target=target,
                previous=previous,
            )
        )
    if never_live and not again:
        raise TargetError(
            _(
                "publish: the live site at %(target)s is %(release)s; the last "
                "publish (%(publish)s) never went live, so there is nothing of "
                "it to undo; nothing was changed. A --rollback now would take "
                "%(release)s down and make %(previous)s live. Check what "
                "readers see first; if that is really wanted, run --rollback "
                "--again=%(previous)s",
                target=target,
                release=live,
                publish=never_live,
                previous=previous,
            )
        )
    if by_rollback and not again:
        raise TargetError(
            _(
                "publish: the live site at %(target)s is %(release)s, which a "
                "--rollback made live; nothing was changed. Another --rollback "
                "would go further back, to %(previous)s. Check what readers "
                "see first; to go back to %(previous)s, run --rollback "
                "--again=%(previous)s",
                target=target,
                release=live,
                previous=previous,
            )
        )


def never_went_live(state: State) -> str:
    """The release of the last publish if it never went live, else "".

    Its switch never happened: either its history line was written and the
    rename of `current` never ran (killed, or the line dropped, right
    after), so the last line is a publish to another release than
    `current`; or the switch's command never ran at all, so the newest
    release (its upload finished: no longer .partial) is in no history line
    and is not `current`. A rollback whose switch never happened is not one:
    running it again is what the desk wants. A target without a history
    (published before there was one) tells nothing.
    """
    if not state.history:
        return ""
    last = state.history[-1]
    if last.action == "publish" and last.after != state.current:
        return last.after
    named = {s.after for s in state.history} | {s.before for s in state.history}
    newest = state.releases[-1] if state.releases else None
    if newest is not None and newest != state.current and newest not in named:
        return newest
    return ""


def rollback(
    target: Target,
    folders: tuple[str, ...] = (retention.THEME, retention.DEFAULT_INDEX_FOLDER),
    again: str = "",
) -> tuple[str, str]:
    """Switch `current` to the release live before it; return (from, to).
    From a release a rollback made live, only with `again` naming the
    release it goes back to (rolled_back_already).
    """
    state = read_state(target)
    if state.current is None:
        raise TargetError(
            _("publish: nothing is published at %(target)s", target=target)
        )
    previous = rollback_to(state)
    if previous is None:
        raise TargetError(
            _(
                "publish: %(release)s is the oldest release kept at %(target)s; "
                "there is none to go back to",
                release=state.current,
                target=target,
            )
        )
    last = state.history[-1] if state.history else None
    rolled_back_already(
        target,
        state.current,
        previous,
        again,
        last is not None and last.action == "rollback" and last.after == state.current,
        never_live=never_went_live(state),
    )
    # pages fetched from the release rolled back from still find their
    # stylesheet and script; the manifest counts the rollback as a publish
    # linking the assets of the release going live
    current = f"{target.path}/{RELEASES}/{state.current}"
    back = f"{target.path}/{RELEASES}/{previous}"
    assets = read_assets(target, state, folders, [state.current, previous])
    leaving = assets.by_release.get(state.current, set())
    carry(target, [current], back, retention.with_copies(leaving))
    # its pages' stylesheet and script, and its search index's parts
    arriving = linked_assets(target, back) | {
        a
        for a in assets.by_release.get(previous, set())
        if retention.kind(a) == "index"
    }
    write_manifests(
        target,
        retention.switched(assets.manifest, leaving, arriving, datetime.now(UTC)),
    )
    switch(target, previous, "rollback")
    return state.current, previous

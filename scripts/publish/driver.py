"""`invoke publish`: build with publishconf.py, upload a new release, switch.

A failed build uploads nothing; a failed or killed upload leaves `current`
as it was (the new release is never switched in). After the switch,
PUBLISH_AFTER (e.g. a web server reload, which reads the new redirect list)
runs at the target, then the oldest releases beyond PUBLISH_KEEP are removed
(a failure there is only a warning: the next publish prunes again).

A publish or rollback to a folder or server holds the target's lock
(lock.py) from before the build to the end. The note addresses a publish
puts online are recorded in the ledger of published addresses only once
the deploy succeeded (plugins/links/ledger.py: pending, then confirmed).
"""

from __future__ import annotations

import logging
import os
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from plugins.core.errors import BuildFailed, ContentError, display_path
from plugins.core.messages import _
from plugins.links import ledger
from plugins.links.links import content_file
from plugins.links.links import plugin_settings as links_settings
from scripts.build import (
    LOCK_WAIT,
    build,
    build_busy,
    load_settings,
    lock_path,
    site_lock,
)

from . import git, lock, rclone, releases, retention
from .targets import MayBeLive, Target, TargetError, parse_target, shared

T = TypeVar("T")

logger = logging.getLogger(__name__)

DEFAULT_KEEP = 5
# the project's folder (a publish into it would publish the code with it)
CHECKOUT = str(Path(__file__).resolve().parents[2])


class PublishError(Exception):
    """Publishing stopped; the live site is as it was."""

    def stopped(self) -> str:
        """What `invoke publish` tells the desk when it stops."""
        return _("publish stopped, the live site is unchanged:\n%(error)s", error=self)


class LiveChanged(PublishError):
    """Publishing stopped after or while the live site changed (PUBLISH_AFTER
    failed, or Ctrl-C): the message says which release is live.
    """

    def stopped(self) -> str:
        return str(self)


def interrupted(target: Target) -> LiveChanged:
    """Ctrl-C during a publish: say which release is live now."""
    try:
        live = releases.read_state(target).current or "-"
    except TargetError:
        live = "?"
    return LiveChanged(
        _(
            "publish: interrupted (Ctrl-C). The live site at %(target)s is "
            "%(release)s; an unfinished upload is cleared by the next publish.",
            target=target,
            release=live,
        )
    )


@dataclass
class Report:
    target: Target | rclone.RcloneTarget | git.GitTarget
    action: str  # published, dry-run, rollback
    release: str = ""
    previous: str = ""
    sent: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)

    def describe(self, limit: int = 40) -> str:
        if self.action == "rollback":
            return _(
                "rolled back %(target)s: %(previous)s → %(release)s is live",
                target=self.target,
                previous=self.previous,
                release=self.release,
            )
        head = (
            _(
                "would send %(sent)s files and delete %(deleted)s at %(target)s "
                "(nothing was changed)",
                sent=len(self.sent),
                deleted=len(self.deleted),
                target=self.target,
            )
            if self.action == "dry-run"
            else _(
                "published %(release)s to %(target)s: %(sent)s files sent, "
                "%(deleted)s left out",
                release=self.release,
                target=self.target,
                sent=len(self.sent),
                deleted=len(self.deleted),
            )
        )
        lines = [head]
        lines += [_("  send   %(path)s", path=p) for p in self.sent[:limit]]
        lines += [_("  delete %(path)s", path=p) for p in self.deleted[:limit]]
        more = len(self.sent) + len(self.deleted) - len(lines) + 1
        if more > 0:
            lines.append(_("  … and %(more)s more", more=more))
        if self.removed:
            lines.append(
                _("removed old releases: %(ids)s", ids=", ".join(self.removed))
            )
        return "\n".join(lines)


def rsync_extra(tool: str = "RSYNC") -> list[str]:
    """Extra options from BULLETIN_RSYNC_OPTIONS or BULLETIN_RCLONE_OPTIONS."""
    return shlex.split(os.environ.get(f"BULLETIN_{tool}_OPTIONS", ""))


@contextmanager
def output_held(settings: dict) -> Iterator[None]:
    """Hold the output's build lock from the build to the end of the upload:
    a build in the same checkout meanwhile (make serve, invoke build, another
    dry run) would replace the folder being uploaded, and files of two builds
    could go live together. Such a build waits, as it waits for any build.
    """
    output = Path(settings["OUTPUT_PATH"])
    wait = float(settings.get("BUILD_LOCK_WAIT", LOCK_WAIT))
    with site_lock(lock_path(output), build_busy(output), wait):
        yield


def built_and_sent(
    settings: dict,
    settings_file: str,
    overrides: dict,
    target: object,
    dry_run: bool,
    send: Callable[[Path], T],
) -> T:
    """Build and hand the output to `send` while the output's build lock is
    held. A dry run records no address; a real run records the addresses it
    built only once `send` has put them online (see `settle`).
    """
    if dry_run:
        overrides["LINKS"] = {**settings.get("LINKS", {}), "record": False}
        with output_held(settings):
            return send(Path(build(settings_file, overrides).output).resolve())
    path = settle_leftover(settings, target)
    overrides["LINKS"] = pending_links(settings, target)
    try:
        with output_held(settings):
            done = send(Path(build(settings_file, overrides).output).resolve())
    except MayBeLive:
        # may be live: never give up a shared link on a guess
        settle(path, target, True)
        raise
    except (BuildFailed, TargetError):
        settle(path, target, False)
        raise
    settle(path, target, True)
    return done


def publish(
    settings_file: str,
    to: str = "",
    dry_run: bool = False,
    rollback: bool = False,
    overrides: dict | None = None,
    again: str = "",
) -> Report:
    """Publish the site to `to` (PUBLISH_TARGET), or with `rollback` make
    the site live before the current one live again; from a site a rollback
    made live, only with `again` naming the release or commit it goes to.
    """
    overrides = dict(overrides or {})
    settings = load_settings(settings_file, overrides)
    text = to or settings.get("PUBLISH_TARGET", "")
    if rollback and dry_run:
        raise PublishError(
            _(
                "publish: --rollback switches the live site at once; run it "
                "without --dry-run (--dry-run only lists what a publish would send)"
            )
        )
    if again and not rollback:
        # a forgotten --rollback must not publish the content again: the
        # site --again names was about to go back to stays where it is
        raise PublishError(
            _(
                "publish: --again=%(again)s names where a rollback goes; run it "
                "with --rollback (invoke publish --rollback --again=%(again)s). "
                "Nothing was built or published."
            )
            % {"again": again}
        )
    if text.startswith("rclone:"):
        return publish_rclone(settings_file, text, dry_run, rollback, overrides)
    if text.startswith("git:"):
        return publish_git(
            settings, settings_file, text, dry_run, rollback, overrides, again
        )
    try:
        target = parse_target(text)
    except TargetError as e:
        raise PublishError(str(e)) from e
    # one SSH connection for every step of the publish, closed at its end
    with shared(target) as sharing:
        return publish_at(
            settings, settings_file, sharing, dry_run, rollback, overrides, again
        )


def publish_at(
    settings: dict,
    settings_file: str,
    target: Target,
    dry_run: bool,
    rollback: bool,
    overrides: dict,
    again: str,
) -> Report:
    """Publish to a folder or server (or roll it back)."""
    try:
        refuse_local_target_inside(target, settings)
        keep = int(settings.get("PUBLISH_KEEP", DEFAULT_KEEP))
        assets = asset_window(settings)
        after = settings.get("PUBLISH_AFTER", "")
        if dry_run:
            # a dry run changes nothing at the target (so takes no lock)
            sent, deleted = built_and_sent(
                settings,
                settings_file,
                overrides,
                target,
                True,
                lambda output: releases.preview(
                    str(output), target, datetime.now(UTC), assets
                ),
            )
            return Report(target, "dry-run", sent=sent, deleted=deleted)
        with lock.held(target):
            if rollback:
                return roll_back(target, assets, after, again)
            upload = upload_and_switch(
                settings, settings_file, overrides, target, assets, after
            )
            run_after(target, after, upload.release)
            removed = pruned(target, max(keep, 2))
    except (BuildFailed, TargetError) as e:
        raise PublishError(str(e)) from e
    except KeyboardInterrupt:
        raise interrupted(target) from None
    return Report(
        target,
        "published",
        release=upload.release,
        sent=upload.sent,
        deleted=upload.deleted,
        removed=removed,
    )


def pruned(target: Target, keep: int) -> list[str]:
    """Remove the old releases (releases.prune) once the new one is live and
    PUBLISH_AFTER ran. Housekeeping: if it fails (a dropped connection, a
    folder that cannot be removed), the desk gets a warning and the next
    publish prunes again; the publish itself went live.
    """
    try:
        return releases.prune(target, keep)
    except TargetError as e:
        logger.warning(
            "%s",
            _(
                "publish: the new release is live, but old releases at "
                "%(target)s could not be removed (the next publish tries "
                "again):\n%(error)s",
                target=target,
                error=e,
            ),
        )
        return []


def roll_back(
    target: Target, assets: retention.Keep, after: str, again: str = ""
) -> Report:
    """--rollback at a folder or server (holding its lock)."""
    was = releases.read_state(target).current
    try:
        current, previous = releases.rollback(target, assets.folders, again)
    except TargetError as e:
        now = live_release(target)
        if now is None:
            raise unknown(target, e) from e
        if now != was:
            raise live_after_failure(target, after, now, e) from e
        raise
    run_after(target, after, previous)
    return Report(target, "rollback", release=previous, previous=current)


def upload_and_switch(
    settings: dict,
    settings_file: str,
    overrides: dict,
    target: Target,
    assets: retention.Keep,
    after: str,
) -> releases.Upload:
    """Build, upload a new release and switch to it (holding the target's
    lock); the note addresses it built are recorded once it is live.
    """
    ledger_path = settle_leftover(settings, target)
    overrides["LINKS"] = pending_links(settings, target)
    upload = None
    switching = False
    try:
        with output_held(settings):
            result = build(settings_file, overrides)
            output = str(Path(result.output).resolve())
            upload = releases.upload(
                output, target, datetime.now(UTC), rsync_extra(), assets
            )
        ledger.note_release(ledger_path, str(target), upload.release)
        switching = True
        releases.switch(target, upload.release)
    except BaseException as e:
        # only a release that `current` points to went live
        live = upload is not None and went_live(target, upload.release)
        settle(ledger_path, target, live)
        # a step after the switch failed, or the connection dropped: if the
        # new release is live, say so, and run PUBLISH_AFTER (the web
        # server's reload of its redirects)
        if upload is not None and isinstance(e, TargetError):
            now = live_release(target)
            if now == upload.release:
                raise live_after_failure(target, after, upload.release, e) from e
            if now is None and switching:
                raise unknown(target, e) from e
        raise
    settle(ledger_path, target, True)
    return upload


def asset_window(settings: dict) -> retention.Keep:
    """PUBLISH_ASSETS: how long old fingerprinted assets stay at a target."""
    return retention.keep_setting(settings)


def ledger_file(settings: dict) -> Path:
    return content_file(settings, links_settings(settings)["ledger"])


def pending_links(settings: dict, target: object) -> dict:
    """LINKS for a publish's build: addresses pending until the deploy is done."""
    return {
        **settings.get("LINKS", {}),
        "record": False,
        "pending_target": str(target),
    }


def went_live(target: Target, release: str) -> bool:
    try:
        return releases.read_state(target).current == release
    except TargetError:
        return True  # unknown: keep the addresses (never lose one)


def live_release(target: Target) -> str | None:
    """The release live at the target, None if it cannot be read."""
    try:
        return releases.read_state(target).current
    except TargetError:
        return None


def unknown(target: Target, error: Exception) -> LiveChanged:
    """The switch ran or may have run, and the target cannot be read now:
    which release is live is unknown, never "unchanged".
    """
    return LiveChanged(
        _(
            "publish: it could not be confirmed whether the switch happened at "
            "%(target)s (the connection was lost, and the target cannot be "
            "read now):\n%(error)s\nOnce it can be reached, check which "
            "release is live (readlink %(path)s/current) before you publish "
            "or run --rollback again.",
            target=target,
            error=error,
            path=target.path,
        )
    )


def live_after_failure(
    target: Target, command: str, release: str, error: Exception
) -> LiveChanged:
    """A step after the switch failed: `release` is live. PUBLISH_AFTER
    runs all the same (the web server reads the live release's redirects);
    the message says what is live, never that nothing changed.
    """
    try:
        run_after(target, command, release)
    except LiveChanged as failed:
        return LiveChanged(f"{failed}\n{error}")
    return LiveChanged(
        _(
            "publish: %(release)s is live at %(target)s, but a step after the "
            "switch failed:\n%(error)s\nThe next publish finishes what is left.",
            release=release,
            target=target,
            error=error,
        )
    )


def settle(ledger_path: Path, target: object, live: bool) -> None:
    """Record the pending addresses if the publish went live, else drop them."""
    if live:
        added = ledger.confirm_pending(ledger_path, str(target))
        logger.info("publish: %d new note addresses recorded", added)
    else:
        ledger.discard_pending(ledger_path, str(target))


def settle_leftover(settings: dict, target: object) -> Path:
    """Settle the pending addresses of an earlier publish to this target that
    was killed (each target has its own pending file; another target's is
    left for its next publish).

    A folder or server: it went live if the target's history shows a switch
    to the release it uploaded (noted beside the pending file before its
    switch: ledger.note_release; the history line is written just before
    the switch, so "may have"); with no release noted, its upload never
    finished, and a switch since its build time decides. A bucket or a branch
    cannot tell, so the addresses are recorded (a shared link is never given
    up on a guess: an upload to a bucket may have put some pages online).
    """
    path = ledger_file(settings)
    try:
        rows = ledger.read_pending(path, str(target))
    except ContentError as e:
        raise TargetError(
            _(
                "publish: %(file)s holds the note addresses of a publish to "
                "%(target)s that was stopped, and cannot be read:\n%(error)s\n"
                "If that publish never went live, delete the file; if it did, "
                "copy its lines to %(ledger)s. Then publish again.",
                file=display_path(ledger.pending_path(path, str(target))),
                target=target,
                error=e,
                ledger=display_path(path),
            )
        ) from None
    if rows is None:
        return path
    built = min((row[0] for row in rows), default="")
    if isinstance(target, Target):
        history = releases.read_state(target).history
        release = ledger.pending_release(path, str(target))
        live = (
            any(s.after == release for s in history)
            if release
            # killed before its upload was done (or left by an older
            # version): a switch since its build
            else any(s.action == "publish" and s.time >= built for s in history)
        )
    else:
        live = True
    logger.warning(
        "%s",
        _(
            "publish: the publish to %(target)s of %(time)s was stopped before "
            "it finished; its note addresses are %(what)s",
            target=target,
            time=built,
            what=_("recorded (it went live)") if live else _("not recorded"),
        ),
    )
    settle(path, target, live)
    return path


def refuse_local_target_inside(target: Target, settings: dict) -> None:
    """A folder target may not be, or be inside, the content or output
    folder (a build replaces the output; content would publish itself) or
    the project's folder, nor
    the live release of another target (TARGET/current), nor the root.
    """
    if target.host:
        return
    folder = Path(target.path).resolve()
    for place in (settings["PATH"], settings["OUTPUT_PATH"], CHECKOUT):
        inside = Path(place).resolve()
        if folder == inside or inside in folder.parents:
            raise TargetError(
                _(
                    "publish: the target %(target)s is inside %(folder)s; "
                    "publish to a folder of its own, such as /srv/bulletin",
                    target=target.path,
                    folder=display_path(inside),
                )
            )
    if (
        folder == Path("/")
        or folder.name == "current"
        or (folder.parent.name == "releases")
    ):
        raise TargetError(
            _(
                "publish: the target %(target)s is a live release or the root; "
                "give the folder that holds releases/ and current, such as "
                "/srv/bulletin",
                target=target.path,
            )
        )


def publish_rclone(
    settings_file: str, text: str, dry_run: bool, rollback: bool, overrides: dict
) -> Report:
    """Object storage: ordered upload, lists last, deletions after (rclone.py)."""
    try:
        target = rclone.parse(text)
        if rollback:
            raise TargetError(
                _(
                    "publish: %(target)s keeps no releases to roll back to; "
                    "check out the earlier content and publish it again",
                    target=target,
                )
            )
        settings = load_settings(settings_file, overrides)
        keep = asset_window(settings)
        done = built_and_sent(
            settings,
            settings_file,
            overrides,
            target,
            dry_run,
            lambda output: rclone.upload(
                str(output),
                target,
                dry_run,
                rsync_extra("RCLONE"),
                datetime.now(UTC),
                keep,
            ),
        )
    except (BuildFailed, TargetError) as e:
        raise PublishError(str(e)) from e
    return Report(
        target,
        "dry-run" if dry_run else "published",
        release="-",
        sent=done.sent,
        deleted=done.deleted,
        events=done.events,
    )


def publish_git(
    settings: dict,
    settings_file: str,
    text: str,
    dry_run: bool,
    rollback: bool,
    overrides: dict,
    again: str = "",
) -> Report:
    """A branch of the repository that holds the content (git.py)."""
    try:
        target = git.parse(text, Path(settings["PATH"]).resolve().parent)
        remote = settings.get("PUBLISH_GIT_REMOTE", "origin")
        if rollback:
            current, previous = git.rollback(target, remote, again)
            return Report(
                target, "rollback", release=previous[:12], previous=current[:12]
            )
        keep = asset_window(settings)
        sent, deleted = built_and_sent(
            settings,
            settings_file,
            overrides,
            target,
            dry_run,
            lambda output: (
                git.preview(output, target, remote, datetime.now(UTC), keep)
                if dry_run
                else git.publish(output, target, remote, keep)
            ),
        )
    except git.PushUnknown as e:
        raise LiveChanged(str(e)) from e
    except (BuildFailed, TargetError) as e:
        raise PublishError(str(e)) from e
    return Report(
        target,
        "dry-run" if dry_run else "published",
        release=_("a commit"),
        sent=sent,
        deleted=deleted,
    )


def run_after(target: Target, command: str, release: str) -> None:
    """Run PUBLISH_AFTER at the target, once `release` is live."""
    if not command:
        return
    logger.info("publish: running at %s: %s", target, command)
    try:
        target.run(command)
    except TargetError as e:
        raise LiveChanged(
            _(
                "publish: %(release)s is live at %(target)s, but the command "
                "to run after the switch (PUBLISH_AFTER) failed:\n%(error)s\n"
                "Run it at the target by hand (%(command)s), so that the web "
                "server reads the new release's redirects.",
                release=release,
                target=target,
                error=e,
                command=command,
            )
        ) from e

"""`invoke publish`: build with publishconf.py, upload a new release, switch.

A failed build uploads nothing; a failed or killed upload leaves `current`
as it was (the new release is never switched in). After the switch, the
oldest releases beyond PUBLISH_KEEP are removed and PUBLISH_AFTER (e.g. a
web server reload, which reads the new redirect list) runs at the target.
"""

from __future__ import annotations

import logging
import os
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from plugins.core.errors import BuildFailed, display_path
from plugins.core.messages import _
from scripts.build import build, load_settings

from . import git, rclone, releases
from .targets import Target, TargetError, parse_target

logger = logging.getLogger(__name__)

DEFAULT_KEEP = 5


class PublishError(Exception):
    """Publishing stopped; the live site is as it was."""

    def stopped(self) -> str:
        """What `invoke publish` tells the desk when it stops."""
        return _("publish stopped, the live site is unchanged:\n%(error)s", error=self)


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


def publish(
    settings_file: str,
    to: str = "",
    dry_run: bool = False,
    rollback: bool = False,
    overrides: dict | None = None,
) -> Report:
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
    if text.startswith("rclone:"):
        return publish_rclone(settings_file, text, dry_run, rollback, overrides)
    if text.startswith("git:"):
        return publish_git(settings, settings_file, text, dry_run, rollback, overrides)
    try:
        target = parse_target(text)
        refuse_local_target_inside(target, settings)
        keep = int(settings.get("PUBLISH_KEEP", DEFAULT_KEEP))
        after = settings.get("PUBLISH_AFTER", "")
        if rollback:
            current, previous = releases.rollback(target)
            run_after(target, after)
            return Report(target, "rollback", release=previous, previous=current)
        if dry_run:
            # a dry run records nothing in the ledger of published addresses
            links = {**settings.get("LINKS", {}), "record": False}
            overrides["LINKS"] = links
        result = build(settings_file, overrides)
        output = str(Path(result.output).resolve())
        if dry_run:
            sent, deleted = releases.preview(output, target)
            return Report(target, "dry-run", sent=sent, deleted=deleted)
        upload = releases.upload(output, target, datetime.now(UTC), rsync_extra())
        releases.switch(target, upload.release)
        removed = releases.prune(target, max(keep, 2))
        run_after(target, after)
    except (BuildFailed, TargetError) as e:
        raise PublishError(str(e)) from e
    return Report(
        target,
        "published",
        release=upload.release,
        sent=upload.sent,
        deleted=upload.deleted,
        removed=removed,
    )


def refuse_local_target_inside(target: Target, settings: dict) -> None:
    """A folder target may not be, or be inside, the content or output
    folder (a build replaces the output; content would publish itself), nor
    the live release of another target (TARGET/current), nor the root.
    """
    if target.host:
        return
    folder = Path(target.path).resolve()
    for name in ("PATH", "OUTPUT_PATH"):
        inside = Path(settings[name]).resolve()
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
        if dry_run:
            settings = load_settings(settings_file, overrides)
            overrides["LINKS"] = {**settings.get("LINKS", {}), "record": False}
        result = build(settings_file, overrides)
        done = rclone.upload(
            str(Path(result.output).resolve()), target, dry_run, rsync_extra("RCLONE")
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
) -> Report:
    """A branch of the repository that holds the content (git.py)."""
    try:
        target = git.parse(text, Path(settings["PATH"]).resolve().parent)
        if rollback:
            raise TargetError(
                _(
                    "publish: to go back on %(target)s, revert its last commit "
                    "(git revert on the branch) and push it",
                    target=target,
                )
            )
        if dry_run:
            overrides["LINKS"] = {**settings.get("LINKS", {}), "record": False}
        output = Path(build(settings_file, overrides).output).resolve()
        if dry_run:
            sent, deleted = git.changes(output, target)
        else:
            sent, deleted = git.publish(
                output, target, settings.get("PUBLISH_GIT_REMOTE", "origin")
            )
    except (BuildFailed, TargetError) as e:
        raise PublishError(str(e)) from e
    return Report(
        target,
        "dry-run" if dry_run else "published",
        release=_("a commit"),
        sent=sent,
        deleted=deleted,
    )


def run_after(target: Target, command: str) -> None:
    if command:
        logger.info("publish: running at %s: %s", target, command)
        target.run(command)

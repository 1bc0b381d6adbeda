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

from plugins.site_build import BuildFailed, build
from plugins.site_build.build import load_settings

from . import releases
from .targets import Target, TargetError, parse_target

logger = logging.getLogger(__name__)

DEFAULT_KEEP = 5


class PublishError(Exception):
    """Publishing stopped; the live site is as it was."""


@dataclass
class Report:
    target: Target
    action: str  # published, dry-run, rollback
    release: str = ""
    previous: str = ""
    sent: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def describe(self, limit: int = 40) -> str:
        if self.action == "rollback":
            return (
                f"rolled back {self.target}: {self.previous} → {self.release} is live"
            )
        head = (
            f"would send {len(self.sent)} files and delete {len(self.deleted)} "
            f"at {self.target} (nothing was changed)"
            if self.action == "dry-run"
            else f"published release {self.release} to {self.target}: "
            f"{len(self.sent)} files sent, {len(self.deleted)} left out"
        )
        lines = [head]
        lines += [f"  send   {p}" for p in self.sent[:limit]]
        lines += [f"  delete {p}" for p in self.deleted[:limit]]
        more = len(self.sent) + len(self.deleted) - len(lines) + 1
        if more > 0:
            lines.append(f"  … and {more} more")
        if self.removed:
            lines.append(f"removed old releases: {', '.join(self.removed)}")
        return "\n".join(lines)


def rsync_extra() -> list[str]:
    """Extra rsync options from BULLETIN_RSYNC_OPTIONS (e.g. --bwlimit=500)."""
    return shlex.split(os.environ.get("BULLETIN_RSYNC_OPTIONS", ""))


def publish(
    settings_file: str,
    to: str = "",
    dry_run: bool = False,
    rollback: bool = False,
    overrides: dict | None = None,
) -> Report:
    overrides = dict(overrides or {})
    settings = load_settings(settings_file, overrides)
    try:
        target = parse_target(to or settings.get("PUBLISH_TARGET", ""))
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


def run_after(target: Target, command: str) -> None:
    if command:
        logger.info("publish: running at %s: %s", target, command)
        target.run(command)

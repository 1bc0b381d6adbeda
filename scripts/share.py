"""`invoke share`: offer each group its new notes, record them, publish the page.

A run, holding a lock on the registry folder:

1. builds the site with WHATSAPP_RUN set; inside the build the plugin
   plans the run from the articles being published and the ledger, and
   appends it to the ledger (one write + fsync) before any page is written;
2. the build renders output/share/ from the ledger (this run, plus any run
   recorded earlier but never published) and swaps the output in;
3. `shown` lines are appended for the runs the page showed.

Record-then-publish: a crash before step 1's fsync leaves nothing recorded
(the notes are offered by the next run, never twice); a crash after it
leaves a recorded run that no page has shown yet, and every later build shows
it until a share run publishes it (the notes are never skipped). A torn
append is cut off by the next writer (ledger.prepare).
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from plugins.core.errors import BuildFailed, CommandError
from plugins.core.messages import _, ngettext_, set_language
from plugins.core.urls import is_public_address, site_base
from plugins.press_notes import registry_for
from plugins.whatsapp.groups import load_groups
from plugins.whatsapp.ledger import crash_point, mark_shown, read_ledger
from plugins.whatsapp.plan import run_id, unshown_runs
from plugins.whatsapp.settings import RUN_SETTING, content_path, plugin_settings

from .build import build, load_settings, lock_path, site_lock

logger = logging.getLogger(__name__)


class ShareError(CommandError):
    """A share run could not finish; the message says what was kept."""


@dataclass(frozen=True)
class ShareResult:
    run: str
    recorded: bool
    new: dict[str, list[str]]  # this run's offers: group id -> note URLs
    batch: dict[str, list[str]]  # what the admin page shows
    page: Path | None


@contextmanager
def share_lock(folder: Path, output: Path | None = None) -> Iterator[None]:
    """One share run at a time (a lock on the ledger's folder), and no build
    of `output` meanwhile: the run holds the build lock (scripts/build.py
    site_lock) around its build, its swap and the `shown` lines.
    """
    busy = ShareError(
        _("whatsapp: another `invoke share` is running; try again when it ends")
    )
    with site_lock(folder, busy, reentrant=False):
        if output is None:
            yield
            return
        with site_lock(lock_path(output), busy_output(output)):
            yield


def busy_output(output: Path) -> ShareError:
    return ShareError(
        _(
            "whatsapp: a build of %(output)s is running (make serve or invoke "
            "build?); try again when it ends; nothing was recorded",
            output=output,
        )
    )


def require_public_address(settings: dict) -> None:
    """A run that records spends each group's offers: its links must work."""
    base = site_base(settings)
    if not is_public_address(base):
        raise ShareError(
            _(
                "whatsapp: a share run that records needs the public address of "
                "the bulletin, but the links would start with '%(base)s'. Run "
                "BULLETIN_SITEURL=https://<public address> .venv/bin/invoke share "
                "--production (add --json for JSON), or add --dry-run to only "
                "see what would be offered; nothing was recorded",
                base=base or "/",
            )
        )


def parse_since(value: str | None, tz: ZoneInfo) -> datetime | None:
    """`--since`: a date (midnight, Indian time) or an ISO time."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        raise ShareError(
            _(
                "whatsapp: --since '%(value)s' is not a date; write it as "
                "YYYY-MM-DD, e.g. --since 2026-11-20",
                value=value,
            )
        ) from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=tz)


def check_group_ids(settings: dict, conf: dict, wanted: Sequence[str]) -> None:
    groups = load_groups(content_path(settings, conf["groups"]), registry_for(settings))
    unknown = sorted(set(wanted) - {g.id for g in groups})
    if unknown:
        raise ShareError(
            _(
                "whatsapp: --group %(unknown)s: no such group id in %(file)s; "
                "give one of: %(known)s",
                unknown=", ".join(unknown),
                file=conf["groups"],
                known=", ".join(g.id for g in groups),
            )
        )


def share(
    settings_file: str,
    overrides: dict | None = None,
    *,
    dry_run: bool = False,
    groups: Sequence[str] = (),
    since: str | None = None,
    now: datetime | None = None,
) -> ShareResult:
    """Offer every group (or `groups`) its new notes; see the module docstring."""
    overrides = dict(overrides or {})
    settings = load_settings(settings_file, overrides)
    set_language(settings)
    if not dry_run:
        require_public_address(settings)
    conf = plugin_settings(settings)
    tz = ZoneInfo(settings["TIMEZONE"])
    now = (now or datetime.now(tz)).astimezone(tz)
    if groups:
        check_group_ids(settings, conf, groups)
    start = parse_since(since, tz)
    run = run_id(now, secrets.token_hex(2))
    ledger = content_path(settings, conf["ledger"])
    request: dict = {
        "run": run,
        "now": now.isoformat(),
        "groups": list(groups) or None,
        "since": start.isoformat() if start else None,
        "record": not dry_run,
    }
    with tempfile.TemporaryDirectory(prefix="whatsapp-share-") as tmp:
        request["plan_file"] = str(Path(tmp) / "plan.json")
        if dry_run:
            output = Path(tmp) / "output"
            try:
                build(
                    settings_file,
                    {**overrides, "OUTPUT_PATH": str(output), RUN_SETTING: request},
                )
            except BuildFailed as e:
                raise ShareError(f"{e}\n" + _("whatsapp: nothing was recorded")) from e
            plan = json.loads(Path(request["plan_file"]).read_text("utf-8"))
            return ShareResult(run, False, plan["new"], plan["batch"], None)
        ledger.parent.mkdir(parents=True, exist_ok=True)
        with share_lock(ledger.parent, Path(settings["OUTPUT_PATH"])):
            try:
                result = build(settings_file, {**overrides, RUN_SETTING: request})
            except BuildFailed as e:
                kept = read_ledger(ledger).run(run) is not None
                note = (
                    _(
                        "whatsapp: run %(run)s is recorded in the ledger; the next "
                        "successful build or `invoke share` shows its messages",
                        run=run,
                    )
                    if kept
                    else _("whatsapp: nothing was recorded")
                )
                raise ShareError(f"{e}\n{note}") from e
            plan = json.loads(Path(request["plan_file"]).read_text("utf-8"))
            crash_point("after-build")
            mark_shown(ledger, unshown_runs(read_ledger(ledger)), datetime.now(tz))
    page = result.output / conf["share_url"] / "index.html"
    recorded = read_ledger(ledger).run(run) is not None
    return ShareResult(run, recorded, plan["new"], plan["batch"], page)


def describe(result: ShareResult) -> str:
    """A short report of a share run for the terminal."""
    offered = sum(len(urls) for urls in result.new.values())
    groups = ngettext_("%(num)s group", "%(num)s groups", len(result.new))
    if result.recorded:
        head = ngettext_(
            "whatsapp: run %(run)s recorded %(num)s offer to %(groups)s",
            "whatsapp: run %(run)s recorded %(num)s offers to %(groups)s",
            offered,
            run=result.run,
            groups=groups,
        )
    elif offered:
        head = ngettext_(
            "whatsapp: dry run, nothing recorded: would offer %(num)s note "
            "to %(groups)s",
            "whatsapp: dry run, nothing recorded: would offer %(num)s notes "
            "to %(groups)s",
            offered,
            groups=groups,
        )
    else:
        head = _("whatsapp: no new notes to offer")
    lines = [head]
    lines += [
        "  "
        + ngettext_(
            "%(group)s: %(num)s note", "%(group)s: %(num)s notes", len(urls), group=g
        )
        for g, urls in sorted(result.new.items())
    ]
    to_send = sum(len(u) for u in result.batch.values())
    if result.page and to_send:
        lines.append(
            ngettext_(
                "admin page: %(page)s: %(num)s note link for %(groups)s to send",
                "admin page: %(page)s: %(num)s note links for %(groups)s to send",
                to_send,
                page=result.page,
                groups=ngettext_("%(num)s group", "%(num)s groups", len(result.batch)),
            )
        )
    elif result.page:
        lines.append(_("admin page: %(page)s (nothing new to send)", page=result.page))
    return "\n".join(lines)

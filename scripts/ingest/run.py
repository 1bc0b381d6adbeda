"""What `invoke ingest` runs: settings in, drafts written, report printed."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from plugins.hindi_text.dates import IST
from plugins.press_notes import registry_for
from plugins.press_notes.forwards import INGEST_RULES
from plugins.press_notes.press_notes import plugin_settings

from .driver import Options, Place, Result, ingest, read_text
from .messages import IngestError, say
from .rules import load_rules
from .text import printable

DEFAULTS = {
    "min_words": 20,
    "timezone": "Asia/Kolkata",
    "rules": INGEST_RULES,
    "notes": "notes",
    "images": "images",
}


def ingest_settings(settings: dict) -> dict:
    return {**DEFAULTS, **settings.get("INGEST", {})}


def place_for(settings: dict, now: datetime | None = None) -> Place:
    conf = ingest_settings(settings)
    content = Path(settings["PATH"])
    press = plugin_settings(settings)
    rules = load_rules(
        content / conf["rules"],
        content / press["category_registry"],
        registry_for(settings),
        press["summary_max_chars"],
    )
    return Place(
        content=content,
        rules=rules,
        zone=ZoneInfo(conf["timezone"]),
        now=(now or datetime.now(IST)).replace(second=0, microsecond=0),
        notes=conf["notes"],
        images=conf["images"],
        ignore_files=tuple(settings.get("IGNORE_FILES") or ()),
        body_max_bytes=press["body_max_bytes"],
    )


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise IngestError(say("bad_since", value=value)) from None


def report(result: Result, options: Options, as_json: bool) -> str:
    if as_json:
        return printable(
            json.dumps(
                [d.as_json() for d in result.drafts], ensure_ascii=False, indent=2
            )
        )
    lines = []
    for draft in result.drafts:
        lines.append(f"{draft.path}: {draft.title}")
        lines += [f"  ! {w}" for w in draft.warnings]
    lines += result.notices
    lines.append(result.summary_line(options))
    return printable("\n".join(lines))


def run(
    settings: dict,
    source: str,
    *,
    thana: str = "",
    category: str = "",
    reporter: str = "",
    sender: str = "",
    since: str | None = None,
    min_words: int | None = None,
    dry_run: bool = False,
    as_json: bool = False,
    now: datetime | None = None,
    stdin: str | None = None,
) -> str:
    """Import SOURCE; return what to print. Raises IngestError on bad input."""
    conf = ingest_settings(settings)
    options = Options(
        thana=thana,
        category=category,
        reporter=reporter,
        sender=sender,
        since=parse_since(since),
        min_words=int(conf["min_words"] if min_words is None else min_words),
        dry_run=dry_run,
    )
    if source == "-" and stdin is None:
        # bytes, read as a file is: what is not UTF-8 text is named, not a crash
        data = sys.stdin.buffer.read()
        stdin = read_text(Path("-"), data) if data.strip() else ""
    try:
        result = ingest(source, place_for(settings, now), options, stdin or "")
    except IngestError as e:
        raise IngestError(printable(str(e))) from None
    return report(result, options, as_json)

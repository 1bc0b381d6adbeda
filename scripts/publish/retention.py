"""Old fingerprinted assets stay at a target for a while after the pages
stop linking them.

A page a reader's browser or a CDN fetched before a publish links the
stylesheet and script of that build (theme/css/site.<hash>.css,
theme/js/khoj.<hash>.js, plugins/assets). Those names are gone from the new
build when the files changed, so every target keeps them for a retention
window: an old asset goes only once it was last linked more than
PUBLISH_ASSETS["keep_publishes"] publishes ago AND more than
PUBLISH_ASSETS["keep_days"] days ago (10 publishes and 30 days by default;
a few kilobytes each).

Each target keeps a manifest of the assets it holds, with the time and the
publish number at which a build last linked each:

    # publishes<TAB>12
    theme/css/site.0123456789.css<TAB>2026-11-29T03:50:00+00:00<TAB>12

A folder or server keeps it beside `current` (TARGET/published-assets.tsv,
not served); a bucket and a git branch in the site's root. A fingerprinted
asset found at the target but not in the manifest (published before there
was one) counts as linked by the live site now. The manifest is written
before the site goes live, so an asset that went live is never missing from
it; lines that are not of this form (a hand edit) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from plugins.core.settings import namespaced

MANIFEST = "published-assets.tsv"
SETTING = "PUBLISH_ASSETS"
DEFAULTS = {"keep_publishes": 10, "keep_days": 30}
MINIMUMS = {"keep_publishes": 1, "keep_days": 0}
# fingerprinted theme files (plugins/assets); nothing else is ever kept, and
# nothing that is not plain letters reaches a shell or a filter rule
ASSET_RE = re.compile(r"^theme/[A-Za-z0-9_/.-]+\.[0-9a-f]{10}\.(?:css|js)$")
# the precompressed copies beside each (plugins/compress)
COMPANIONS = ("", ".gz", ".br")
HEADER = (
    "# Fingerprinted assets at this target and when a published build last\n"
    "# linked each (scripts/publish/retention.py); written by invoke publish.\n"
)
COUNT = "# publishes\t"


@dataclass(frozen=True)
class Keep:
    publishes: int
    days: int


def keep_setting(settings: dict) -> Keep:
    conf = namespaced(settings, SETTING, DEFAULTS, "publish", MINIMUMS)
    return Keep(conf["keep_publishes"], conf["keep_days"])


@dataclass(frozen=True)
class Seen:
    time: datetime  # aware, UTC
    publish: int


@dataclass
class Manifest:
    publishes: int = 0
    seen: dict[str, Seen] = field(default_factory=dict)


def is_asset(path: str) -> bool:
    return bool(ASSET_RE.match(path)) and all(
        part not in ("", ".", "..") for part in path.split("/")
    )


def assets_in(paths: Iterable[str]) -> set[str]:
    """The fingerprinted assets among `paths` (without their .gz/.br copies)."""
    return {p for p in paths if is_asset(p)}


def with_copies(assets: Iterable[str]) -> list[str]:
    return [a + c for a in sorted(assets) for c in COMPANIONS]


def parse(text: str) -> Manifest:
    found = Manifest()
    for line in text.splitlines():
        if line.startswith(COUNT):
            count = line.removeprefix(COUNT)
            found.publishes = int(count) if count.isdigit() else found.publishes
            continue
        cells = line.split("\t")
        if len(cells) != 3 or not is_asset(cells[0]) or not cells[2].isdigit():
            continue
        try:
            when = datetime.fromisoformat(cells[1])
        except ValueError:
            continue
        if when.tzinfo is None:
            continue
        found.seen[cells[0]] = Seen(when.astimezone(UTC), int(cells[2]))
    return found


def render(manifest: Manifest) -> str:
    lines = [HEADER, f"{COUNT}{manifest.publishes}\n"]
    lines += [
        f"{path}\t{s.time.isoformat()}\t{s.publish}\n"
        for path, s in sorted(manifest.seen.items())
    ]
    return "".join(lines)


@dataclass
class Plan:
    carried: list[str]  # old assets kept though the new build links none
    dropped: list[str]  # old assets past the window: deleted with the old site
    manifest: Manifest  # to write at the target with this publish


def plan(
    old: Manifest,
    present: Iterable[str],
    built: Iterable[str],
    now: datetime,
    keep: Keep,
) -> Plan:
    """Which old assets at the target this publish keeps.

    `present`: the fingerprinted assets at the target now; `built`: those of
    the new build. An old asset is kept while it was linked by one of the
    last `keep.publishes` publishes or within the last `keep.days` days.
    """
    count = old.publishes + 1
    built = set(built)
    at_target = set(present)
    earlier = {path: old.seen.get(path, Seen(now, old.publishes)) for path in at_target}
    seen = {path: Seen(now, count) for path in built}
    carried, dropped = [], []
    for path, s in sorted(earlier.items()):
        if path in built:
            continue
        recent = count - s.publish <= keep.publishes
        young = now - s.time < timedelta(days=keep.days)
        if recent or young:
            carried.append(path)
            seen[path] = s
        else:
            dropped.append(path)
    return Plan(carried, dropped, Manifest(count, seen))

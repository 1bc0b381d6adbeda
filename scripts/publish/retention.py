"""Old fingerprinted assets stay at a target for a while after the pages
stop linking them.

A page a reader's browser or a CDN fetched before a publish links the
stylesheet and script of that build (theme/css/site.<hash>.css,
theme/js/khoj.<hash>.js, plugins/assets). A search page open across a
publish (or a pagefind-entry.json a browser still holds) asks for the parts
of the search index of its build, named by Pagefind with a hash
(pagefind/<year>/pagefind.hi_<hash>.pf_meta, index/, fragment/ and filter/
hi_<hash>.pf_*). Those names are gone from the new build when the files
changed, so every target keeps them for a retention window: an old asset
goes only once it was last linked more than
PUBLISH_ASSETS["keep_publishes"] publishes ago AND more than
PUBLISH_ASSETS["keep_days"] days ago (10 publishes and 30 days by default;
a few kilobytes each).

Each target keeps a manifest of the assets it holds, with the time and the
publish number at which a build last linked each:

    # publishes<TAB>12
    # live<TAB>12
    theme/css/site.0123456789.css<TAB>2026-11-29T03:50:00+00:00<TAB>12
    pagefind/2026/index/hi_53fe678.pf_index<TAB>2026-11-29T03:50:00+00:00<TAB>12
    # end

A folder or server keeps it beside `current` (TARGET/published-assets.tsv,
not served); a bucket and a git branch in the site's root. A kept file
found at the target but not in the manifest (published before there was
one, or before the manifest had files of its kind) counts as linked by the
live site now. The manifest is written before the site goes live, so a
file that went live is never missing from it. `# live` names the last
publish that went live, put in place once it did (renamed with the switch; on a
bucket once every page is up; on a branch with the commit itself). The
assets of that publish and of any publish after it count as linked by the
live site now: a publish that failed or was killed before going live (or
went live only in part, on a bucket) lets go of nothing the live pages
link.

Only publishes that went live count for the window: readers hold pages of
those only, so a failed or killed attempt (or ten of them, a server down
while a job retries) takes nothing off the window of an older asset. The
next publish takes the number of an attempt that never went live again
(the one after `# live`), and `# publishes` is the number of the latest
publish, live or under way. Lines that are not of this form (a hand edit)
are skipped; the last line, `# end`, tells a manifest cut short on its way
to a server (not put in place).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from plugins.core.messages import _

from .targets import TargetError

MANIFEST = "published-assets.tsv"
SETTING = "PUBLISH_ASSETS"
DEFAULTS = {"keep_publishes": 10, "keep_days": 30}
# (lowest, highest): at least one publish and one day (an old asset gone
# at once breaks the pages readers' browsers cached a moment before the
# publish); at most about ten years
LIMITS = {"keep_publishes": (1, 1000), "keep_days": (1, 3650)}
# fingerprinted theme files (plugins/assets) and the search index's hashed
# parts (Pagefind, under the bundle folder and a year's folder); nothing
# else is ever kept, and nothing that is not plain letters reaches a shell or
# a filter rule
THEME = "theme"
THEME_RE = re.compile(r"^theme/[A-Za-z0-9_/.-]+\.[0-9a-f]{10}\.(?:css|js)$")
LANG = r"[a-z]+(?:-[a-z]+)?"
INDEX_RE = re.compile(
    r"^[A-Za-z0-9_-]+/(?:[A-Za-z0-9_-]+/)?"
    rf"(?:pagefind\.{LANG}_[0-9a-f]{{6,20}}\.pf_meta"
    rf"|(?:index|fragment|filter)/{LANG}_[0-9a-f]{{6,20}}\.pf_(?:index|fragment|filter))$"
)
# the folder of the search index (plugins/search SEARCH["bundle"])
DEFAULT_INDEX_FOLDER = "pagefind"
# the precompressed copies beside each (plugins/compress)
COMPANIONS = ("", ".gz", ".br")
HEADER = (
    "# Fingerprinted assets at this target and when a published build last\n"
    "# linked each (scripts/publish/retention.py); written by invoke publish.\n"
)
COUNT = "# publishes\t"
LIVE = "# live\t"
# the last line: a manifest cut short in transfer is not put in place
END = "# end"


@dataclass(frozen=True)
class Keep:
    publishes: int
    days: int
    # the top folders that hold kept files: the theme, the search index
    folders: tuple[str, ...] = (THEME, DEFAULT_INDEX_FOLDER)


def index_folder(settings: dict) -> str:
    """The search index's folder (SEARCH["bundle"], checked by the build)."""
    given = (settings.get("SEARCH") or {}).get("bundle", DEFAULT_INDEX_FOLDER)
    name = str(given).strip("/")
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else DEFAULT_INDEX_FOLDER


def keep_setting(settings: dict) -> Keep:
    """PUBLISH_ASSETS, checked: whole numbers within LIMITS."""
    given = settings.get(SETTING) or {}
    example = '{"keep_publishes": 10, "keep_days": 30}'
    if not isinstance(given, dict) or set(given) - set(DEFAULTS):
        raise TargetError(
            _(
                "publishconf.py: %(setting)s takes only keep_publishes and "
                "keep_days, such as %(example)s",
                setting=SETTING,
                example=example,
            )
        )
    conf = {**DEFAULTS, **given}
    days = conf["keep_days"]
    if isinstance(days, int) and not isinstance(days, bool) and days < 1:
        raise TargetError(
            _(
                'publishconf.py: %(setting)s["keep_days"] is %(value)s: old '
                "stylesheets, scripts and search index parts would be deleted "
                "at once, and pages that readers' browsers kept from before a "
                "publish would lose them. Set it to 1 or more (%(default)s "
                "days by default).",
                setting=SETTING,
                value=days,
                default=DEFAULTS["keep_days"],
            )
        )
    for key, (low, high) in LIMITS.items():
        value = conf[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (low <= value <= high)
        ):
            raise TargetError(
                _(
                    'publishconf.py: %(setting)s["%(key)s"] must be a whole '
                    "number from %(low)s to %(high)s (it is %(value)s)",
                    setting=SETTING,
                    key=key,
                    low=low,
                    high=high,
                    value=repr(value),
                )
            )
    return Keep(
        conf["keep_publishes"], conf["keep_days"], (THEME, index_folder(settings))
    )


@dataclass(frozen=True)
class Seen:
    time: datetime  # aware, UTC
    publish: int


@dataclass
class Manifest:
    publishes: int = 0
    seen: dict[str, Seen] = field(default_factory=dict)
    # False until the target has a manifest (published before there was one)
    written: bool = field(default=False, compare=False)
    # the kinds of file it has lines for (a manifest written before the
    # search index was kept has none of its parts)
    kinds: set[str] = field(default_factory=set, compare=False)
    # the last publish that went live (None: the last publish, as a
    # manifest written before there was a `# live` line)
    live: int | None = None

    def live_publish(self) -> int:
        given = self.publishes if self.live is None else self.live
        return min(given, self.publishes)

    def next_publish(self) -> int:
        """The number of the next publish: the one after the last that went
        live (an attempt that never did gives its number back).
        """
        return self.live_publish() + 1


def went_live(manifest: Manifest) -> Manifest:
    """The manifest once its publish went live."""
    return replace(manifest, live=manifest.publishes)


def kind(path: str) -> str:
    return "theme" if THEME_RE.match(path) else "index"


def is_asset(path: str) -> bool:
    return bool(THEME_RE.match(path) or INDEX_RE.match(path)) and all(
        part not in ("", ".", "..") for part in path.split("/")
    )


def assets_in(paths: Iterable[str]) -> set[str]:
    """The fingerprinted assets among `paths` (without their .gz/.br copies)."""
    return {p for p in paths if is_asset(p)}


# the search index's entry file (one per part folder), naming the meta file
# a search page loads first
ENTRY = "pagefind-entry.json"


def cbor_text(text: str) -> bytes:
    """`text` as a CBOR text string (RFC 8949, major type 3), as Pagefind's
    meta file holds the names of the parts it uses.
    """
    data = text.encode()
    n = len(data)
    if n < 24:
        head = bytes([0x60 + n])
    elif n < 256:
        head = bytes([0x78, n])
    else:
        head = bytes([0x79]) + n.to_bytes(2, "big")
    return head + data


def parts_in_use(metas: dict[str, bytes], parts: Iterable[str]) -> set[str]:
    """The search index parts among `parts` that a live index uses.

    `metas`: the meta files the entry files name (path: its bytes,
    uncompressed). A search page loads its meta first, then asks for the
    index, fragment and filter parts of its folder that the meta names (each
    by its `lang_hash` name, a CBOR text string in it). A part only an older
    index used (kept for its window) is not in use.
    """
    used: set[str] = set()
    for meta, data in metas.items():
        folder = meta.rpartition("/")[0]
        used.add(meta)
        for part in parts:
            place, _, name = part.rpartition("/")
            sub = place.rpartition("/")
            stem = name.partition(".pf_")[0]
            if (
                sub[0] == folder
                and sub[2] in ("index", "fragment", "filter")
                and cbor_text(stem) in data
            ):
                used.add(part)
    return {u for u in used if is_asset(u)}


def with_copies(assets: Iterable[str]) -> list[str]:
    """The assets and their .gz/.br copies (the theme's: the search index's
    parts are compressed by Pagefind and have none).
    """
    return [
        a + c
        for a in sorted(assets)
        for c in (COMPANIONS if kind(a) == "theme" else ("",))
    ]


def is_companion(path: str) -> bool:
    """An asset, or one of its .gz/.br copies (a name safe for a shell)."""
    return any(is_asset(path.removesuffix(c)) for c in COMPANIONS if path.endswith(c))


def parse(text: str) -> Manifest:
    """The manifest in `text`; one that does not end with END (cut short on
    its way to a bucket, a hand edit that lost its tail, or written before
    there was an END line) is not trusted: as if there were none, everything
    found at the target counts as linked now (the safe side). The count is
    no higher than the highest publish number on the lines (the live
    publish no higher than the count: Manifest.live_publish).
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or lines[-1] != END:
        return Manifest()
    found = Manifest()
    for line in text.splitlines():
        if line.startswith(COUNT):
            count = line.removeprefix(COUNT)
            found.publishes = int(count) if count.isdigit() else found.publishes
            found.written = True
            continue
        if line.startswith(LIVE):
            count = line.removeprefix(LIVE)
            found.live = int(count) if count.isdigit() else found.live
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
        found.kinds.add(kind(cells[0]))
    # every publish writes its own assets with its number: a count (or a
    # live publish) past the highest number on the lines is a hand edit or
    # a manifest from elsewhere, and would let the live site's own assets go
    top = max((s.publish for s in found.seen.values()), default=found.publishes)
    found.publishes = min(found.publishes, top)
    return found


def render(manifest: Manifest) -> str:
    lines = [
        HEADER,
        f"{COUNT}{manifest.publishes}\n",
        f"{LIVE}{manifest.live_publish()}\n",
    ]
    lines += [
        f"{path}\t{s.time.isoformat()}\t{s.publish}\n"
        for path, s in sorted(manifest.seen.items())
    ]
    return "".join([*lines, END, "\n"])


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
    linked: Iterable[str] = (),
) -> Plan:
    """Which old assets at the target this publish keeps.

    `present`: the fingerprinted assets of the live site (for releases, the
    live release's: an asset an older release still holds was let go and
    stays gone); `built`: those of the new build; `linked`: those the live
    site's pages are known to link (linked now, whatever `old` says). An old
    asset is kept
    while it was linked by one of the last `keep.publishes` publishes or
    within the last `keep.days` days; only publishes that went live count
    (Manifest.next_publish). The manifest to write names the same publish
    live as `old` did: went_live() once this one is.
    """
    count = old.next_publish()
    built, linked = set(built), set(linked)
    seen = {path: Seen(now, count) for path in built}
    carried, dropped = [], []
    for path in sorted(set(present) - built):
        s = (
            Seen(now, old.live_publish())
            if path in linked
            else last_linked(old, path, now)
        )
        if s is None:
            dropped.append(path)
            continue
        recent = count - s.publish <= keep.publishes
        young = now - s.time < timedelta(days=keep.days)
        if recent or young:
            carried.append(path)
            seen[path] = s
        else:
            dropped.append(path)
    kinds = {kind(path) for path in seen}
    live = old.live_publish()
    return Plan(
        carried, dropped, Manifest(count, seen, written=True, kinds=kinds, live=live)
    )


def last_linked(old: Manifest, path: str, now: datetime) -> Seen | None:
    """When the live site last linked `path`: the manifest's line, clamped
    (a time in the future or a publish number past the count, from a clock
    set wrong or a hand edit, would keep it for ever). The live site's own
    assets (those of the last publish that went live and of any publish
    after it, which may have put some online before it failed), and any
    asset of a target published before there was a manifest (or before the
    manifest had files of its kind), are linked until now. None: the
    manifest let it go (a release rolled back to may still hold it). Those
    linked now are linked by the live publish: the number of an attempt that
    never went live is given back (Manifest.next_publish).
    """
    s = old.seen.get(path)
    if s is None and old.written and kind(path) in old.kinds:
        return None
    if s is None or s.publish >= old.live_publish():
        return Seen(now, old.live_publish())
    return Seen(min(s.time, now), s.publish)


def switched(
    old: Manifest, leaving: Iterable[str], arriving: Iterable[str], now: datetime
) -> Manifest:
    """The manifest after a rollback: it counts as a publish that links the
    assets of the release going live; those of the release leaving were
    linked until now. It names the same publish live as `old` did:
    went_live() once the switch is made.
    """
    count = old.next_publish()
    seen = dict(old.seen)
    for path in leaving:
        s = last_linked(old, path, now)
        if s is not None:
            seen[path] = s
    for path in arriving:
        seen[path] = Seen(now, count)
    kinds = {kind(path) for path in seen}
    return Manifest(count, seen, written=True, kinds=kinds, live=old.live_publish())

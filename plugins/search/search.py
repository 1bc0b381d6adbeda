"""Search with Pagefind: the index is made after the site is written.

register() only connects signals. Note pages mark their text for Pagefind
(theme/templates/article.html: data-pagefind-body, filters for station,
category and year, a hidden block of romanized words from terms.py); every
other page is left out. When Pelican has written the output, the pagefind
binary shipped by the `pagefind[bin]` package indexes the note pages into
<output>/pagefind/, which only the search page (/khoj/) loads.

Pagefind cannot add one page to an index; it always reads every page it
indexes. So the index is made in parts, each kept in a cache folder under a
hash of its note pages' bytes (but their JSON-LD, which Pagefind does not
read: `JSON_LD`) and the Pagefind version, and made again only when one of
its pages changed (or the kept one lacks a file it was made with:
`MADE_FILES`): the older years' note pages
(<output>/pagefind/older/), and the newest year's in two: its newest block
of notes (<output>/pagefind/<year>/: the notes from the last multiple of
`block` on, counted from the year's first note in date order, so 1 to
`block` notes) and the notes before it (<output>/pagefind/<year>-older/).
A new note makes only the newest block again (about `block` pages, where
the newest year's index was up to 7,300 at 20 notes a day); the note that
starts a new block makes the year's earlier notes again too, once per
`block` notes; an edited older note makes the older years' index again; a
note of a new year makes every part once. Which part holds a note depends
on the notes alone (their paths and dates), so a build that adds notes
(scripts/fast_search.py) makes the same parts as a full build.
The search page (khoj.js) loads the newest year's parts first, merged into
one search (Pagefind's mergeIndex), and the older years' only when a
search needs them, or only the parts holding the year a reader filters by.
Few parts, not one a year or one a block: a word in almost every note
costs a first query one index part per index it reads (Pagefind's part
does not shrink much with its index), so five yearly indexes cost a first
query about three times the bytes of one; a small newest block costs a
small part.
<output>/pagefind/shards.json lists the indexes, newest first, each with
the years it holds and its parts (newest first); spellings.json the
stations' other spellings (station_spellings), which no note page holds:
the search page finds a station's notes by them, so that editing them
makes no part again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pagefind_bin import get_executable
from pelican import signals

from plugins.core import children
from plugins.core.files import cache_folder, place, write_atomic
from plugins.core.settings import namespaced
from plugins.press_notes.model import plain_text
from plugins.press_notes.press_notes import registry_for

from .terms import (
    DEVANAGARI_QUERY_RULES,
    QUERY_FILLERS,
    SKELETON_MIN,
    SKELETON_RULES,
    SPELLING_RULES,
    search_forms,
    search_terms,
    synonyms,
)

logger = logging.getLogger(__name__)

SETTING = "SEARCH"
DEFAULTS = {
    # Make the index in this build (the search page says so when it is off).
    "index": True,
    # The folder under the output the search page loads Pagefind from.
    "bundle": "pagefind",
    # Kept bundles, relative to the folder that holds PATH.
    "cache": "cache/search",
    # The newest year's parts and the older years' (a new note makes only
    # the newest year's newest block again), or one index of every note
    # ("all"): a first query then fetches one index part per word instead of
    # two or three, and a new note makes the whole index again (see the
    # README, Search).
    "split_by_year": True,
    # Notes in the newest year's newest part (split by year only): a new
    # note makes this many pages' index again, at most; the note after every
    # `block` of them makes the rest of the year's too. 0: the newest year
    # is one part (see the README, Search).
    "block": 50,
}
# The name of the one index when the index is not split by year.
WHOLE = "all"
# The name of the index of every year but the newest; "<year>-older" is the
# newest year's notes before its newest block.
OLDER = "older"
# Pagefind's own search UIs: the search page has its own (khoj.js).
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
# A kept index's files and their sizes as Pagefind made them (written with
# it, not published): a kept index whose files are not all there as made
# (its cache folder cleaned by hand, a disk that filled) is made again, not
# published short of a file its entry or metadata names.
MADE_FILES = ".made-files.json"
# Note pages: YYYY/MM/<slug>/index.html (the URL scheme in pelicanconf.py).
NOTE_GLOB = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"
# The indexes the search page loads, newest first, with their years.
SHARDS_FILE = "shards.json"
# The other spellings of the stations, for the search page (khoj.js): not
# on the note pages, so that a spelling added or taken away makes no part of
# the index again (station_spellings).
SPELLINGS_FILE = "spellings.json"
# Only pages carrying this attribute are indexed; were no page of a year to
# carry it (every note of the year withdrawn), Pagefind would index whole
# pages. Matched inside a tag: a note's text may quote the attribute's name.
MARKED = re.compile(
    rb"<[a-zA-Z][\w-]*"  # a tag, then its attributes, their values quoted or not
    rb"""(?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*"""
    rb"\s+data-pagefind-body[\s=/>]"
)
# A note page's date, for the order of the newest year's notes: its <time>
# carrying the sort key (theme/templates/article.html).
DATED = re.compile(rb'<time datetime="([^"<>]+)"[^<>]*\sdata-pagefind-sort=')
# A note page's JSON-LD (theme/templates/article.html; plugins/seo's
# script_json writes no "<" inside). Pagefind reads no <script>: a page's
# record is named without it, so that what only it prints (a station's
# area) makes no part of the index again.
JSON_LD = re.compile(rb'<script type="application/ld\+json">[^<]*</script>')


@dataclass(frozen=True)
class SearchPage:
    """A note page as the index step needs it: the record a site index keeps
    (the step reads every page already), so that a build that adds notes
    reads only their pages.
    """

    rel: str  # its path in the output, e.g. "2026/11/bilpank-baithak/index.html"
    digest: str  # sha256 of its bytes but its JSON-LD (what Pagefind reads), hex
    marked: bool  # it carries data-pagefind-body (Pagefind indexes it)
    date: str = ""  # its note's date and time, ISO (2026-11-27T11:30:00+05:30)

    @property
    def year(self) -> str:
        return self.rel.split("/", 1)[0]


def search_page(rel: str, data: bytes) -> SearchPage:
    """The record of the note page at `rel` holding `data`."""
    dated = DATED.search(data)
    return SearchPage(
        rel,
        hashlib.sha256(JSON_LD.sub(b"", data)).hexdigest(),
        bool(MARKED.search(data)),
        dated[1].decode("ascii", "replace") if dated else "",
    )


@dataclass(frozen=True)
class IndexRun:
    """What the last index step of this process did (read by the benchmark)."""

    pages: int
    seconds: float
    reused: bool
    # The parts made again in this run (the others' kept index linked).
    made: tuple[str, ...] = ()
    # The parts, newest first (a year, "<year>-older", OLDER or WHOLE).
    shards: tuple[str, ...] = ()
    # Every note page's record, by path in the output (the site index's).
    records: dict[str, SearchPage] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SearchOutput:
    """The search bundle: {path in the output: a kept index's file to link}
    and {path in the output: bytes} (shards.json).
    """

    run: IndexRun
    files: dict[str, Path]
    data: dict[str, bytes]


LAST_RUN: list[IndexRun] = []


class SearchError(RuntimeError):
    """Pagefind failed; the build stops and the published site stays."""


def plugin_settings(settings: dict) -> dict:
    conf = namespaced(settings, SETTING, DEFAULTS, "search", {"block": 0})
    bundle = conf["bundle"].strip("/")
    if not bundle or "/" in bundle or bundle.startswith("."):
        raise ValueError(
            f"search: '{SETTING}[\"bundle\"]' must be one folder name, like "
            f'"{DEFAULTS["bundle"]}"'
        )
    return {**conf, "bundle": bundle}


def pagefind_version(executable: Path) -> str:
    done = children.run(
        [str(executable), "--version"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def note_pages(output: Path) -> list[Path]:
    return sorted(output.glob(NOTE_GLOB))


def page_records(output: Path) -> dict[str, SearchPage]:
    """The record of every note page of `output`, by path (each read once)."""
    return {
        (rel := page.relative_to(output).as_posix()): search_page(
            rel, page.read_bytes()
        )
        for page in note_pages(output)
    }


def index_key(pages: list[SearchPage], version: str) -> str:
    """A hash of the Pagefind version, its arguments and every page's path
    and bytes (but its JSON-LD: SearchPage.digest).
    """
    h = hashlib.sha256(version.encode() + b"\0" + "\0".join(PAGEFIND_ARGS).encode())
    for page in pages:
        h.update(page.rel.encode() + b"\0")
        h.update(bytes.fromhex(page.digest))
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class Part:
    """One Pagefind index of the bundle: its folder's name, the years its
    notes are of (newest first) and its note pages (paths in the output).
    """

    name: str
    years: tuple[str, ...]
    rels: tuple[str, ...]


@dataclass(frozen=True)
class Shard:
    """What the search page loads as one: a year's or years' parts (newest
    first), listed in shards.json.
    """

    name: str
    years: tuple[str, ...]
    parts: tuple[Part, ...]


def note_order(rel: str, date: str) -> tuple:
    """The order of a year's notes: by date (an ISO time; a page without one
    first), then path.
    """
    try:
        when = datetime.fromisoformat(date).timestamp() if date else float("-inf")
    except ValueError:
        when = float("-inf")
    return (when, rel)


def year_parts(year: str, notes: list[tuple[str, str]], block: int) -> list[Part]:
    """The newest year's parts, newest first: its newest block of notes (the
    notes from the last multiple of `block` before the newest on, in date
    order: 1 to `block` notes) named after the year, and the notes before it
    ("<year>-older"), if any. `notes`: (path, ISO date) of each.
    """
    ordered = [rel for rel, date in sorted(notes, key=lambda n: note_order(*n))]
    cut = ((len(ordered) - 1) // block) * block if block > 0 else 0
    newest = Part(year, (year,), tuple(sorted(ordered[cut:])))
    if not cut:
        return [newest]
    return [newest, Part(f"{year}-{OLDER}", (year,), tuple(sorted(ordered[:cut])))]


def plan_shards(
    notes: dict[str, str], split: bool = True, block: int = 0
) -> list[Shard]:
    """The shards of the index, newest first, from the marked note pages
    (`notes`: {path in the output: its note's ISO date}): split, the newest
    year (in parts: year_parts) and every older year in OLDER; else every
    year in WHOLE. The same notes give the same shards, whichever build asks.
    """
    years: dict[str, list[tuple[str, str]]] = {}
    for rel, date in notes.items():
        years.setdefault(rel.split("/", 1)[0], []).append((rel, date))
    held = sorted(years, reverse=True)
    if not held:
        return []
    if not split:
        rels = tuple(sorted(notes))
        return [Shard(WHOLE, tuple(held), (Part(WHOLE, tuple(held), rels),))]
    newest = held[0]
    shards = [Shard(newest, (newest,), tuple(year_parts(newest, years[newest], block)))]
    if older := held[1:]:
        rels = tuple(sorted(rel for y in older for rel, _date in years[y]))
        shards.append(Shard(OLDER, tuple(older), (Part(OLDER, tuple(older), rels),)))
    return shards


def marked_notes(pages: dict[str, SearchPage]) -> dict[str, str]:
    """{path: ISO date} of the pages marked for the index: a page whose note
    is withdrawn or hidden is not, and Pagefind, given no marked page, would
    index whole pages.
    """
    return {rel: page.date for rel, page in pages.items() if page.marked}


def shards_data(shards: list[Shard]) -> bytes:
    """shards.json: the shards, newest first, each with its years and parts."""
    listed = [
        {"name": s.name, "years": list(s.years), "parts": [p.name for p in s.parts]}
        for s in shards
    ]
    return json.dumps({"shards": listed}).encode()


# Pagefind's arguments but its folders (a kept index is made with them).
PAGEFIND_ARGS = ("--glob", NOTE_GLOB, "--force-language", "hi", "--quiet")


def pagefind_command(executable: Path, site: Path, bundle: Path) -> list[str]:
    return [
        str(executable),
        "--site",
        str(site),
        "--output-path",
        str(bundle),
        *PAGEFIND_ARGS,
    ]


def linked_pages(folder: Path, pages: dict[str, Path]) -> None:
    """`folder` holding each of `pages` ({path in it: file}), linked (or
    copied where it cannot be).
    """
    for rel, source in pages.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def make_bundle(executable: Path, pages: dict[str, Path], target: Path) -> None:
    """Run Pagefind over `pages` ({path in the output: the file holding that
    note page}) into `target` (written whole, or not at all).
    """
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    site = target.with_name(f".{target.name}.{os.getpid()}.pages")
    for scratch in (partial, site):
        shutil.rmtree(scratch, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        linked_pages(site, pages)
        done = children.run(
            pagefind_command(executable, site, partial),
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(site, ignore_errors=True)
    if done.returncode != 0 or not (partial / "pagefind.js").is_file():
        shutil.rmtree(partial, ignore_errors=True)
        raise SearchError(
            f"search: Pagefind could not index the site (exit {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-2000:]}"
        )
    for name in UNUSED_FILES:
        (partial / name).unlink(missing_ok=True)
    (partial / MADE_FILES).write_bytes(made_files_data(partial))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)


def file_sizes(folder: Path) -> dict[str, int]:
    """{path under `folder`: size} of every file of a kept index there (but
    its list of them, MADE_FILES), in path order.
    """
    sizes = {}
    for top, _dirs, names in os.walk(folder):
        under = os.path.relpath(top, folder)
        for name in names:
            rel = name if under == "." else f"{under}/{name}"
            sizes[rel] = os.stat(os.path.join(top, name)).st_size
    sizes.pop(MADE_FILES, None)
    return dict(sorted(sizes.items()))


def made_files_data(folder: Path) -> bytes:
    """MADE_FILES of the index in `folder`: each file's path and size."""
    return json.dumps(file_sizes(folder)).encode()


def is_whole(kept: Path) -> bool:
    """Whether the kept index in `kept` holds every file Pagefind made, of
    the size it made it (MADE_FILES); one kept without that list is not.
    """
    try:
        listed = (kept / MADE_FILES).read_bytes()
        return (kept / "pagefind.js").is_file() and listed == made_files_data(kept)
    except OSError:
        return False


def tree_files(source: Path, target: str) -> dict[str, Path]:
    """{`target`/path: file} of every file of the kept index in `source`, as
    its MADE_FILES lists them (`part_index` has just checked the list
    against the folder, or made both: the folder is not walked again).
    """
    listed = json.loads((source / MADE_FILES).read_bytes())
    return {f"{target}/{rel}": source / rel for rel in listed}


# make_bundle's scratch folders: .<part>.<pid>.partial and .<part>.<pid>.pages
SCRATCH_RE = re.compile(r"\.(?P<part>.+)\.(?P<pid>[0-9]+)\.(?:partial|pages)")


def forget_others(cache: Path, keep: set[str]) -> None:
    """Only the folders named in `keep` are kept (older bundles of a part,
    parts no longer made), and the scratch folders of builds still running
    (those of a build that was killed go).
    """
    if not cache.is_dir():
        return
    for old in cache.iterdir():
        if old.name in keep or not old.is_dir():
            continue
        if old.name.startswith("."):
            scratch = SCRATCH_RE.fullmatch(old.name)
            if not scratch or children.alive(int(scratch["pid"])):
                continue
        shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class Kit:
    """What making a part needs: the pagefind binary, its version, the cache."""

    executable: Path
    version: str
    cache: Path
    bundle: str  # the bundle's folder under the output

    @classmethod
    def of(cls, settings: dict) -> Kit:
        conf = plugin_settings(settings)
        executable = get_executable()
        return cls(
            executable,
            pagefind_version(executable),
            cache_folder(settings, conf["cache"]),
            conf["bundle"],
        )


def part_index(
    kit: Kit,
    part: Part,
    pages: dict[str, SearchPage],
    where: Callable[[str], Path],
) -> tuple[Path, bool]:
    """The kept index of `part` (made now by Pagefind over its pages, each
    in the file `where` gives, when no index of those pages' bytes is kept);
    and whether it was made.
    """
    key = index_key([pages[rel] for rel in part.rels], kit.version)
    kept = kit.cache / part.name / key
    if is_whole(kept):
        return kept, False
    make_bundle(kit.executable, {rel: where(rel) for rel in part.rels}, kept)
    forget_others(kit.cache / part.name, {key})
    return kept, True


def search_files(
    settings: dict, pages: dict[str, SearchPage], site: Path
) -> SearchOutput:
    """The search bundle from the note pages' records: each part's kept
    index (made now by Pagefind over its pages in `site`, a folder holding
    at least that part's note pages, when no index of those pages is kept).
    """
    conf = plugin_settings(settings)
    started = time.perf_counter()
    kit = Kit.of(settings)
    shards = plan_shards(marked_notes(pages), conf["split_by_year"], conf["block"])
    kept: dict[str, Path] = {}
    made: list[str] = []
    for shard in shards:
        for part in shard.parts:
            kept[part.name], fresh = part_index(
                kit, part, pages, lambda rel: site / rel
            )
            if fresh:
                made.append(part.name)
    forget_others(kit.cache, set(kept))
    files: dict[str, Path] = {}
    for name, folder in kept.items():
        files.update(tree_files(folder, f"{kit.bundle}/{name}"))
    if kept:
        # Every index's pagefind.js is the same file (one Pagefind version).
        files[f"{kit.bundle}/pagefind.js"] = next(iter(kept.values())) / "pagefind.js"
    data = {f"{kit.bundle}/{SHARDS_FILE}": shards_data(shards)}
    run = IndexRun(
        len(pages),
        time.perf_counter() - started,
        not made,
        tuple(made),
        tuple(kept),
        pages,
    )
    return SearchOutput(run, files, data)


def station_spellings(thanas) -> dict[str, str]:
    """{a station's name, as its note pages give it as the `thana` filter:
    the hidden forms of its other spellings}, for the stations that have
    any. The forms are those a note page's hidden heading held before they
    left it (search_forms of the spellings, written one after another): the
    search page finds the station's notes by them (khoj.js).
    """
    spellings = {}
    for thana in thanas:
        written = " ".join(thana.aliases)
        if forms := search_terms([written], [written]):
            spellings[thana.name] = forms
    return spellings


def spellings_data(thanas) -> bytes:
    """spellings.json: station_spellings of the registry's stations."""
    return json.dumps(
        {"spellings": station_spellings(thanas)}, ensure_ascii=False
    ).encode()


def spellings_file(settings: dict, thanas) -> dict[str, bytes]:
    """{path in the output: bytes} of spellings.json."""
    bundle = plugin_settings(settings)["bundle"]
    return {f"{bundle}/{SPELLINGS_FILE}": spellings_data(thanas)}


def build_index(settings: dict, output: Path, thanas=None) -> IndexRun:
    """The search bundle of the full build, in `output` (with the other
    spellings of `thanas`, the registry's stations unless given).
    """
    made = search_files(settings, page_records(output), output)
    shutil.rmtree(output / plugin_settings(settings)["bundle"], ignore_errors=True)
    for rel, kept in made.files.items():
        place(kept, output / rel)
    if thanas is None:
        thanas = registry_for(settings).thanas
    for rel, data in {**made.data, **spellings_file(settings, thanas)}.items():
        write_atomic(output / rel, data)
    return made.run


def query_rules() -> str:
    """The query rules for the search page's script, as JSON: the skeleton
    rules and the shortest skeleton used, the Devanagari query rules, the
    spelling rules the page compares a result's words with, and the filler
    words it drops from a query written as a sentence.
    """
    return json.dumps(
        {
            "latin": SKELETON_RULES,
            "latin_min": SKELETON_MIN,
            "devanagari": DEVANAGARI_QUERY_RULES,
            "spelling": SPELLING_RULES,
            "fillers": sorted(set(QUERY_FILLERS)),
        },
        ensure_ascii=False,
    )


def note_title_terms(title: str, thana=None, category=None, tags=()) -> str:
    """The hidden Latin words of a note's title, station (name and slug),
    category and tags: printed in a hidden heading, which Pagefind weighs
    like one. Not its station's other spellings: the search page has them
    (spellings.json), so that editing them changes no note page.
    """
    tags = tags or ()
    registry = [
        getattr(thana, "name", ""),
        getattr(thana, "slug", "").replace("-", " "),
        getattr(category, "name", ""),
    ]
    return search_terms(
        [
            title,
            *registry,
            " ".join(t.name for t in tags),
            " ".join(t.slug.replace("-", " ") for t in tags),
        ],
        registry,
    )


def note_search_terms(
    content: str, summary: str, reporter, district, named: str = ""
) -> str:
    """The hidden Latin words of the rest of a note (text, summary, reporter,
    district), less those already `named` by note_title_terms.
    """
    shared = [str(reporter or ""), str(district or "")]
    forms = search_forms([summary or "", plain_text(content), *shared], shared)
    for word in named.split():
        forms.pop(word, None)
    return " ".join(forms)


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)
    synonyms()  # a broken synonyms.toml stops the build, naming its line


def on_generator_init(generator) -> None:
    conf = plugin_settings(generator.settings)
    generator.env.filters["search_title_terms"] = note_title_terms
    generator.env.filters["search_terms"] = note_search_terms
    generator.env.globals["SEARCH_BUNDLE"] = conf["bundle"]
    generator.env.globals["SEARCH_INDEXED"] = conf["index"]
    generator.env.globals["SEARCH_RULES"] = query_rules()


def on_finalized(pelican) -> None:
    if not plugin_settings(pelican.settings)["index"]:
        return
    run = build_index(pelican.settings, Path(pelican.output_path))
    LAST_RUN.append(run)
    logger.info(
        "search: %d note pages in %d indexes, made again: %s, in %.2f s",
        run.pages,
        len(run.shards),
        ", ".join(run.made) or "none",
        run.seconds,
    )


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.generator_init.connect(on_generator_init)
    signals.finalized.connect(on_finalized)

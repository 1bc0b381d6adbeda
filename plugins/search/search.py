"""Search with Pagefind: the index is made after the site is written.

register() only connects signals. Note pages mark their text for Pagefind
(theme/templates/article.html: data-pagefind-body, filters for station,
category and year, a hidden block of romanized words from terms.py); every
other page is left out. When Pelican has written the output, the pagefind
binary shipped by the `pagefind[bin]` package indexes the note pages into
<output>/pagefind/, which only the search page (/khoj/) loads.

Pagefind cannot add one page to an index; it always reads every page it
indexes. So the index is made in two parts: the newest year's note pages
(<output>/pagefind/<year>/) and the note pages of every older year
(<output>/pagefind/older/), each kept in a cache folder under a hash of its
note pages' bytes and the Pagefind version. A new note (the newest year)
makes only the newest year's index again; an edited older note makes the
older years' index again; a note of a new year makes both once. The search
page loads both and merges them (Pagefind's mergeIndex), or only the part
holding the year a reader filters by. Two parts, not one a year: a word in
almost every note costs a first query one large index part per index
(Pagefind's part does not shrink with its index), so five yearly indexes
cost a first query about three times the bytes of one.
<output>/pagefind/shards.json lists the parts, newest first, with the years
each holds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pagefind_bin import get_executable
from pelican import signals

from plugins.core import children
from plugins.core.files import cache_folder, place, write_atomic
from plugins.core.settings import namespaced
from plugins.press_notes.model import plain_text

from .terms import (
    DEVANAGARI_QUERY_RULES,
    QUERY_FILLERS,
    SKELETON_MIN,
    SKELETON_RULES,
    SPELLING_RULES,
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
    # Two indexes, the newest year's and the older years' (a new note makes
    # only the newest year's again), or one index of every note ("all"): a
    # first query then fetches one index part per word instead of two, and a
    # new note makes the whole index again (see the README, Search).
    "split_by_year": True,
}
# The name of the one index when the index is not split by year.
WHOLE = "all"
# The name of the index of every year but the newest.
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
# Note pages: YYYY/MM/<slug>/index.html (the URL scheme in pelicanconf.py).
NOTE_GLOB = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"
# The indexes the search page loads, newest first, with their years.
SHARDS_FILE = "shards.json"
# Only pages carrying this attribute are indexed; were no page of a year to
# carry it (every note of the year withdrawn), Pagefind would index whole
# pages. Matched inside a tag: a note's text may quote the attribute's name.
MARKED = re.compile(
    rb"<[a-zA-Z][\w-]*"  # a tag, then its attributes, their values quoted or not
    rb"""(?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*"""
    rb"\s+data-pagefind-body[\s=/>]"
)


@dataclass(frozen=True)
class SearchPage:
    """A note page as the index step needs it: the record a site index keeps
    (the step reads every page already), so that a build that adds notes
    reads only their pages.
    """

    rel: str  # its path in the output, e.g. "2026/11/bilpank-baithak/index.html"
    digest: str  # sha256 of its bytes, hex
    marked: bool  # it carries data-pagefind-body (Pagefind indexes it)

    @property
    def year(self) -> str:
        return self.rel.split("/", 1)[0]


def search_page(rel: str, data: bytes) -> SearchPage:
    """The record of the note page at `rel` holding `data`."""
    return SearchPage(rel, hashlib.sha256(data).hexdigest(), bool(MARKED.search(data)))


@dataclass(frozen=True)
class IndexRun:
    """What the last index step of this process did (read by the benchmark)."""

    pages: int
    seconds: float
    reused: bool
    # The indexes made again in this run (the others' kept index linked).
    made: tuple[str, ...] = ()
    # The indexes, newest first (a year, OLDER or WHOLE).
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
    conf = namespaced(settings, SETTING, DEFAULTS, "search")
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


def pages_by_year(pages: dict[str, SearchPage]) -> dict[str, list[SearchPage]]:
    """The note pages of each year (the first folder of their path), each
    year's in path order.
    """
    years: dict[str, list[SearchPage]] = {}
    # in the order of their Paths (folder by folder), as the keys were made
    for rel in sorted(pages, key=lambda rel: rel.split("/")):
        years.setdefault(pages[rel].year, []).append(pages[rel])
    return years


def index_key(pages: list[SearchPage], version: str) -> str:
    """A hash of the Pagefind version and every page's path and bytes."""
    h = hashlib.sha256(version.encode())
    for page in pages:
        h.update(page.rel.encode() + b"\0")
        h.update(bytes.fromhex(page.digest))
    return h.hexdigest()[:32]


def marked_years(years: dict[str, list[SearchPage]]) -> list[str]:
    """The years, newest first, with a page marked for the index: a year whose
    every note is withdrawn or hidden has none, and Pagefind, given no marked
    page, would index its whole pages.
    """
    return sorted(
        (y for y, pages in years.items() if any(p.marked for p in pages)), reverse=True
    )


def index_groups(years: list[str], split: bool) -> list[tuple[str, list[str]]]:
    """The indexes to make, newest first, each with the years it holds
    (newest first): split, the newest year alone and every older year in
    OLDER; else every year in WHOLE.
    """
    parts = (
        [(years[0], years[:1]), (OLDER, years[1:])]
        if split and years
        else [(WHOLE, years)]
    )
    return [(name, held) for name, held in parts if held]


def index_glob(name: str, years: list[str]) -> str:
    """The note pages of the index `name` holding `years`, as a Pagefind glob."""
    if name == WHOLE:
        return NOTE_GLOB
    chosen = years[0] if len(years) == 1 else "{" + ",".join(years) + "}"
    return f"{chosen}/{NOTE_GLOB.split('/', 1)[1]}"


def pagefind_command(
    executable: Path, output: Path, bundle: Path, glob: str = NOTE_GLOB
) -> list[str]:
    return [
        str(executable),
        "--site",
        str(output),
        "--output-path",
        str(bundle),
        "--glob",
        glob,
        "--force-language",
        "hi",
        "--quiet",
    ]


def make_bundle(
    executable: Path, output: Path, target: Path, glob: str = NOTE_GLOB
) -> None:
    """Run Pagefind over the pages of `output` that `glob` matches into
    `target` (written whole, or not at all).
    """
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    done = children.run(
        pagefind_command(executable, output, partial, glob),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not (partial / "pagefind.js").is_file():
        shutil.rmtree(partial, ignore_errors=True)
        raise SearchError(
            f"search: Pagefind could not index the site (exit {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-2000:]}"
        )
    for name in UNUSED_FILES:
        (partial / name).unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)


def tree_files(source: Path, target: str) -> dict[str, Path]:
    """{`target`/path: file} of every file under `source`."""
    return {
        f"{target}/{path.relative_to(source).as_posix()}": path
        for path in sorted(source.rglob("*"))
        if path.is_file()
    }


def forget_others(cache: Path, keep: set[str]) -> None:
    """Only the folders named in `keep` are kept (older bundles of a year,
    years with no note page left).
    """
    if not cache.is_dir():
        return
    for old in cache.iterdir():
        if old.name not in keep and old.is_dir() and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)


def kept_index(
    executable: Path, output: Path, cache: Path, name: str, glob: str, key: str
) -> tuple[Path, bool]:
    """The kept index `name` under `key`, made now (of the pages `glob`
    matches) if there is none; and whether it was made.
    """
    kept = cache / name / key
    if (kept / "pagefind.js").is_file():
        return kept, False
    make_bundle(executable, output, kept, glob)
    forget_others(cache / name, {key})
    return kept, True


def search_files(
    settings: dict, pages: dict[str, SearchPage], site: Path
) -> SearchOutput:
    """The search bundle from the note pages' records: each index part's kept
    index (made now by Pagefind over the pages of `site`, a folder holding
    at least that part's note pages, when no index of those pages is kept).
    """
    conf = plugin_settings(settings)
    started = time.perf_counter()
    executable = get_executable()
    version = pagefind_version(executable)
    cache = cache_folder(settings, conf["cache"])
    bundle = conf["bundle"]
    shards: dict[str, Path] = {}
    listed: list[dict] = []
    made: list[str] = []
    by_year = pages_by_year(pages)
    for name, years in index_groups(marked_years(by_year), conf["split_by_year"]):
        key = index_key([p for y in years for p in by_year[y]], version)
        glob = index_glob(name, years)
        shards[name], fresh = kept_index(executable, site, cache, name, glob, key)
        listed.append({"name": name, "years": years})
        if fresh:
            made.append(name)
    forget_others(cache, set(shards))
    files: dict[str, Path] = {}
    for name, kept in shards.items():
        files.update(tree_files(kept, f"{bundle}/{name}"))
    if shards:
        # Every index's pagefind.js is the same file (one Pagefind version).
        files[f"{bundle}/pagefind.js"] = next(iter(shards.values())) / "pagefind.js"
    data = {f"{bundle}/{SHARDS_FILE}": json.dumps({"shards": listed}).encode()}
    run = IndexRun(
        len(pages),
        time.perf_counter() - started,
        not made,
        tuple(made),
        tuple(shards),
        pages,
    )
    return SearchOutput(run, files, data)


def build_index(settings: dict, output: Path) -> IndexRun:
    """The search bundle of the full build, in `output`."""
    made = search_files(settings, page_records(output), output)
    shutil.rmtree(output / plugin_settings(settings)["bundle"], ignore_errors=True)
    for rel, kept in made.files.items():
        place(kept, output / rel)
    for rel, data in made.data.items():
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
    """The hidden Latin words of a note's title, station (name, other
    spellings, slug), category and tags: printed in a hidden heading, which
    Pagefind weighs like one.
    """
    tags = tags or ()
    return search_terms(
        [
            title,
            getattr(thana, "name", ""),
            " ".join(getattr(thana, "aliases", ())),
            getattr(thana, "slug", "").replace("-", " "),
            getattr(category, "name", ""),
            " ".join(t.name for t in tags),
            " ".join(t.slug.replace("-", " ") for t in tags),
        ]
    )


def note_search_terms(
    content: str, summary: str, reporter, district, named: str = ""
) -> str:
    """The hidden Latin words of the rest of a note (text, summary, reporter,
    district), less those already `named` by note_title_terms.
    """
    texts = [
        summary or "",
        plain_text(content),
        str(reporter or ""),
        str(district or ""),
    ]
    skip = set(named.split())
    return " ".join(w for w in search_terms(texts).split() if w not in skip)


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

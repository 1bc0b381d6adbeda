"""The new notes' own files, made by a build of the new notes alone.

A note page, its preview image and its photo's copies depend on the note,
the registries, the theme, the settings and site-wide values (the menu
pages, the feeds a note is in, the WhatsApp join page), never on the other
notes. A page links its station's, category's and tags' lists by their
addresses (the registry's, or made from the tag's name alone) and the
feeds it is in (a station's and a category's feed is there with or without
notes), so a build of the new notes alone gives them the same feeds and
the same page, whether or not they are the first notes of their station,
category, tags or reporter (scripts/fast_build.py first_refs_problem): the
same Pelican run, reader, checks, enrichment and plugins as the full build,
over one note (but for a reporter whose name makes the same slug as
another's: plugins/feeds numbers them by their first notes, and the fast
path checks that the build alone numbered them as the site does,
scripts/fast_run.py alone_reporter_feeds). It runs into a scratch folder
beside the output, with its own cache folder (the note snapshot and page
reuse of the live site are not touched; what the templates read is kept
from one such build to the next, ALONE_ANALYSES) and without the links
ledger and the redirects registry (a build of one note would find every
other recorded address gone): the fast path
plans the redirects with every note, and requires each new or edited
note's first day in the ledger to be its date's, as the build of it alone
takes it (scripts/fast_production.py). Its other files (lists, feeds,
sitemaps of a one-note site) are thrown away; the context of that build
holds the new notes as Pelican made them, for the per-note records of the
other outputs.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from plugins.compress.compress import plugin_settings as compress_settings
from plugins.links.links import plugin_settings as links_settings
from plugins.page_reuse import compiled
from plugins.search.search import plugin_settings as search_settings

from .fast_build import NewNote
from .placement import staging_root

# The links ledger and redirects registry of a build of new notes alone:
# none (files that are not there, under the registry folder so they stay
# inside content/): its redirects are not kept (the fast path plans them
# with every note, scripts/fast_production.py), and a redirect to another
# note's page would stop it.
NO_LEDGER = "registry/.fast-build-no-ledger.tsv"
NO_REDIRECTS = "registry/.fast-build-no-redirects.tsv"


@dataclass(frozen=True)
class Alone:
    """What a build of the new notes alone made."""

    files: dict[str, bytes]  # the new notes' own files, by path in the output
    context: dict  # that build's context (its notes are the new notes)
    warnings: int = 0  # logged by that build
    # other files of that build asked for by their path (`build_alone` keep)
    kept: dict[str, bytes] = field(default_factory=dict)


# In the site's cache folder: page reuse's answers about what the templates
# read (plugins/page_reuse/analysis.py), for the builds of new notes alone.
# Each answer is filed under everything it is made from, so the full build's
# own (in its reader cache's folder) and these need not be the same file.
ALONE_ANALYSES = "templates-alone"


def compiled_folder(settings: dict) -> str:
    """The site cache's folder of compiled templates, for the fast path's
    builds and environments, whose cache folders are scratch ones.
    """
    return str(compiled.cache_folder(settings["CACHE_PATH"]))


def alone_overrides(
    settings: dict, notes: tuple[NewNote, ...], scratch: Path, also: tuple = ()
) -> dict:
    links = links_settings(settings)
    return {
        "ARTICLE_PATHS": [n.entry.path for n in notes] + [n.path for n in also],
        "STATIC_PATHS": sorted(
            {n.image for n in notes if n.image} | {n.image for n in also if n.image}
        ),
        "OUTPUT_PATH": str(scratch / "output"),
        "CACHE_PATH": str(scratch / "cache"),
        "PAGE_REUSE": {
            "published": str(scratch / "output"),
            "analyses": str(Path(settings["CACHE_PATH"]) / ALONE_ANALYSES),
            "compiled": compiled_folder(settings),
        },
        "LINKS": {
            **links,
            "ledger": NO_LEDGER,
            "redirects": NO_REDIRECTS,
            "record": False,
            "pending_target": "",
        },
        # the copies of every file placed are made after the makers
        # (scripts/fast_production.py), with the times of the files placed
        "COMPRESS": {**compress_settings(settings), "enabled": False},
        # the search index is scripts/fast_search.py's (a build of these notes
        # alone would index them alone, in the site's search cache)
        "SEARCH": {**search_settings(settings), "index": False},
    }


def own_files(output: Path, notes: tuple[NewNote, ...]) -> dict[str, bytes]:
    """The files of the new notes in a build's output: everything in each
    note page's folder (the page, its preview image, compressed copies) and
    each photo with its copies (`<name>.jpg`, `<name>-480w.jpg`...).
    """
    folders = [os.path.dirname(n.entry.save_as) + "/" for n in notes]
    photos = [n.image for n in notes if n.image]
    files = {}
    for here, _dirs, names in os.walk(output):
        for name in names:
            path = os.path.join(here, name)
            rel = os.path.relpath(path, output).replace(os.sep, "/")
            if any(rel.startswith(f) for f in folders) or any(
                photo_file(rel, p) for p in photos
            ):
                with open(path, "rb") as f:
                    files[rel] = f.read()
    return files


def photo_file(rel: str, photo: str) -> bool:
    """Whether `rel`, a path in the output, is the photo at `photo` (its
    path under content/) or one of its copies (plugins/photos copy_path:
    `images/x.jpg`, `images/x-480w.jpg`; a name may hold other dots,
    `images/x.v2-480w.jpg`).
    """
    stem, suffix = os.path.splitext(os.path.normpath(photo))
    copy = re.escape(stem) + "-[0-9]+w" + re.escape(suffix)
    return rel == stem + suffix or re.fullmatch(copy, rel) is not None


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < logging.WARNING


@contextmanager
def quiet() -> Iterator[None]:
    """No warnings through the log's handlers while it lasts (a build of
    older notes alone, for their cards, warns what the full build warned
    about them: the fast build repeats those the site index keeps, once).
    First among each handler's filters: Pelican's filter that lets a
    message through once never sees them.
    """
    drop = _Quiet()
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.filters.insert(0, drop)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(drop)


def build_alone(
    settings_file: str,
    overrides: dict | None,
    settings: dict,
    notes: tuple[NewNote, ...],
    also: tuple = (),
    keep: tuple[str, ...] = (),
) -> Alone:
    """Build the new notes alone into a scratch folder beside the output
    (removed after); raise BuildFailed as a full build would. `also`: index
    entries of older notes to read with them (the home page's lead story),
    whose files are not kept. `keep`: other files of that build to keep,
    by path in the output (a page made from site-wide values alone).
    """
    from .build import _build_into, load_settings

    output = Path(settings["OUTPUT_PATH"])
    root = staging_root(output)
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="alone-", dir=root))
    try:
        more = alone_overrides(settings, notes, scratch, also)
        alone = load_settings(settings_file, {**(overrides or {}), **more})
        staging = scratch / "staging"
        staging.mkdir()
        run = {**(overrides or {}), **more}
        result, context = _build_into(settings_file, run, alone, staging)
        files = own_files(scratch / "output", notes)
        kept = {rel: (scratch / "output" / rel).read_bytes() for rel in keep}
        return Alone(files, context, result.warnings, kept)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

"""Page reuse: link note and list pages that would come out unchanged from the
published folder instead of rendering them again (see reuse.py), and skip
work Pelican repeats for every note (shortcuts.py).

The published folder is PAGE_REUSE["published"]: the build driver
(scripts/build.py) builds into a staging folder and names the live output
here; a plain `pelican` run reuses from its own OUTPUT_PATH (which Pelican
empties first when DELETE_OUTPUT_DIRECTORY is set, so it renders every page).

register() only connects signals. The state of one build lives with its
Pelican object and goes with it.
"""

from __future__ import annotations

import logging
import weakref
from pathlib import Path

from pelican import signals

from plugins.core.settings import namespaced
from plugins.press_notes.read_ahead import forget_not_read, not_read_when

from .compiled import cache_folder, keep_compiled
from .restore import NoteSnapshot
from .reuse import PageReuse, ReusingWriter
from .shortcuts import (
    freeze_addresses,
    freeze_page_addresses,
    pair_translations_linearly,
    skip_unwritten_lists,
)

logger = logging.getLogger(__name__)

SETTING = "PAGE_REUSE"
# "analyses": the folder of what the templates read (analysis.py), and
# "compiled": the folder of the compiled templates (compiled.py), when not
# in this build's own cache (a fast build of new notes alone has a scratch one)
DEFAULTS = {"published": "", "analyses": "", "compiled": ""}

_runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# The note snapshot of each build, by its settings dict (signals that carry a
# generator or a note, not the Pelican object, find it through their settings).
_snapshots: dict[int, NoteSnapshot] = {}
# How many notes each build restored, by its Pelican object.
_restored: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def plugin_settings(settings: dict) -> dict:
    return namespaced(settings, SETTING, DEFAULTS, "page_reuse")


def published_folder(settings: dict) -> Path:
    return Path(plugin_settings(settings)["published"] or settings["OUTPUT_PATH"])


def on_initialized(pelican) -> None:
    settings = pelican.settings
    pair_translations_linearly()
    analyses = plugin_settings(settings)["analyses"]
    _runs[pelican] = PageReuse(
        published_folder(settings),
        Path(settings["CACHE_PATH"]),
        settings,
        Path(analyses) if analyses else None,
    )
    # builds run one at a time: a snapshot or a test of the notes not to
    # read left here is a failed build's
    _snapshots.clear()
    forget_not_read()
    if settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE"):
        snapshot = NoteSnapshot(settings)
        _snapshots[id(settings)] = snapshot
        if not snapshot.usable:
            logger.info("note snapshot: not used, every note is read: %s", snapshot.why)
        else:
            # Unchanged notes come from the snapshot: Pelican's reader cache
            # is neither loaded (it would cost as much) nor saved (it would
            # keep only the notes read this time).
            settings["LOAD_CONTENT_CACHE"] = False
            settings["CACHE_CONTENT"] = False
            not_read_when(settings, snapshot.likely_restored)


def get_writer(pelican):
    """The writer class of this build, bound to its record of reused pages."""
    reuse = _runs.get(pelican)
    if reuse is None:
        return None
    return type("ReusingWriter", (ReusingWriter,), {"reuse": reuse})


def on_generator_init(generator) -> None:
    """Each generator's templates compiled once (compiled.py)."""
    settings = generator.settings
    folder = plugin_settings(settings)["compiled"]
    keep_compiled(
        generator.env,
        Path(folder) if folder else cache_folder(settings["CACHE_PATH"]),
    )


def on_article_generator_init(generator) -> None:
    snapshot = _snapshots.get(id(generator.settings))
    if snapshot is None:
        return
    snapshot.context = generator.context
    cached = generator.get_cached_data

    def get_cached_data(filename, default=None):
        return snapshot.restore(filename) or cached(filename, default)

    generator.get_cached_data = get_cached_data


def on_content_init(content) -> None:
    snapshot = _snapshots.get(id(content.settings))
    if snapshot is not None:
        snapshot.record(content)


def on_finalized(pelican) -> None:
    snapshot = _snapshots.pop(id(pelican.settings), None)
    not_read_when(pelican.settings, None)
    if snapshot is not None:
        snapshot.save()
        _restored[pelican] = snapshot.restored
        logger.info(
            "note snapshot: %d unchanged notes restored, the others read",
            snapshot.restored,
        )
    reuse = _runs.get(pelican)
    if reuse is not None:
        reuse.save()
        logger.info(
            "page reuse: %d unchanged note pages and %d list pages and feeds linked",
            reuse.reused,
            reuse.lists_reused,
        )


def pages_reused(pelican) -> int:
    """How many note pages this build linked instead of rendering."""
    reuse = _runs.get(pelican)
    return reuse.reused if reuse is not None else 0


def notes_restored(pelican) -> int:
    """How many notes this build restored from the snapshot instead of reading."""
    return _restored.get(pelican, 0)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(on_finalized)
    signals.article_generator_init.connect(on_article_generator_init)
    signals.generator_init.connect(on_generator_init)
    signals.content_object_init.connect(on_content_init)
    signals.article_generator_pretaxonomy.connect(freeze_addresses)
    signals.page_generator_finalized.connect(freeze_page_addresses)
    signals.article_generator_finalized.connect(skip_unwritten_lists)

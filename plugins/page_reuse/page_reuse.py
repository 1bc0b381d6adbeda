"""Page reuse: link note pages that would come out unchanged from the
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

from .reuse import PageReuse, ReusingWriter
from .shortcuts import freeze_addresses, skip_unwritten_lists

logger = logging.getLogger(__name__)

SETTING = "PAGE_REUSE"
DEFAULTS = {"published": ""}

_runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def plugin_settings(settings: dict) -> dict:
    return namespaced(settings, SETTING, DEFAULTS, "page_reuse")


def published_folder(settings: dict) -> Path:
    return Path(plugin_settings(settings)["published"] or settings["OUTPUT_PATH"])


def on_initialized(pelican) -> None:
    settings = pelican.settings
    _runs[pelican] = PageReuse(
        published_folder(settings), Path(settings["CACHE_PATH"]), settings
    )


def get_writer(pelican):
    """The writer class of this build, bound to its record of reused pages."""
    reuse = _runs.get(pelican)
    if reuse is None:
        return None
    return type("ReusingWriter", (ReusingWriter,), {"reuse": reuse})


def on_finalized(pelican) -> None:
    reuse = _runs.get(pelican)
    if reuse is not None:
        reuse.save()
        logger.info("page reuse: %d unchanged note pages linked", reuse.reused)


def pages_reused(pelican) -> int:
    """How many note pages this build linked instead of rendering."""
    reuse = _runs.get(pelican)
    return reuse.reused if reuse is not None else 0


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(on_finalized)
    signals.article_generator_pretaxonomy.connect(freeze_addresses)
    signals.article_generator_finalized.connect(skip_unwritten_lists)

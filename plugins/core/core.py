"""The core plugin: check PLUGINS when a build starts; render note pages in
worker processes (note_pages.py); keep the notes' HTML compressed (packed.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from .contract import CORE, order_problems
from .errors import SettingError
from .messages import set_language
from .note_pages import render_note_pages_in_workers
from .packed import forget_last, pack_as_read, pack_notes
from .reader_cache import (
    compress_cached,
    drop_cut_files,
    forget_saved,
    forget_stamps,
    reader_cache_key,
    stamp_once,
    versioned_cache_path,
)

logger = logging.getLogger(__name__)


def plugin_problems(wanted: list[str], loaded: list[str]) -> list[str]:
    """PLUGINS entries that did not load, a core not first, order problems.

    Pelican replaces PLUGINS with the plugins it loaded: within a build the
    two lists are the same and a plugin that failed to import shows as not
    running; the build driver (scripts/build.py) compares the list it gave.
    """
    problems = [
        f"plugin '{name}' did not load (the error above says why); fix it or "
        "remove it from PLUGINS"
        for name in wanted
        if name not in loaded
    ]
    if loaded and loaded[0] != CORE:
        problems.append(f"'{CORE}' must come first in PLUGINS")
    return problems + order_problems(loaded)


def on_initialized(pelican) -> None:
    settings = pelican.settings
    set_language(settings)
    wanted = [str(p) for p in settings.get("PLUGINS") or ()]
    loaded = [getattr(p, "__name__", str(p)) for p in getattr(pelican, "plugins", ())]
    problems = plugin_problems(wanted, loaded)
    if problems:
        raise SettingError("PLUGINS: " + "; ".join(problems))
    settings["CACHE_PATH"] = cache_path_for(settings)


def cache_path_for(settings: dict) -> str:
    """The reader cache folder of these settings and this code (see
    reader_cache); without a describable key, a fresh folder of its own.
    """
    root = Path(settings["CACHE_PATH"])
    key = reader_cache_key(settings)
    if key is None:
        logger.warning("reader cache: a setting cannot be described; not cached")
        settings["LOAD_CONTENT_CACHE"] = False
        return str(root / "uncached")
    cache = versioned_cache_path(root, key)
    drop_cut_files(cache)
    return str(cache)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.article_generator_finalized.connect(render_note_pages_in_workers)
    signals.article_generator_finalized.connect(forget_saved)
    signals.article_generator_finalized.connect(forget_stamps)
    signals.article_generator_init.connect(pack_as_read)
    signals.article_generator_init.connect(stamp_once)
    signals.article_generator_pretaxonomy.connect(pack_notes)
    signals.all_generators_finalized.connect(forget_last)
    signals.readers_init.connect(compress_cached)

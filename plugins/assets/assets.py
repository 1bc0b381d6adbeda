"""Fingerprinted theme assets: the stylesheet and the search page's script
the pages link are published as `theme/css/site.<hash>.css` and
`theme/js/khoj.<hash>.js` (the first 10 hex digits of the SHA-256 of the
file), so web servers may let browsers and CDNs keep them for a year: a
changed file gets a new name, and the pages that link it change.

When a build starts, the theme's CSS and JS files are hashed and the
`THEME_ASSETS` setting maps each to its published path
({"css/site.css": "theme/css/site.0123456789.css"}); templates link
`THEME_ASSETS['css/site.css']` and `THEME_ASSETS['js/khoj.js']`. Being a
setting, the map is part of every reused page's key (plugins/page_reuse).
When the build has written the output, each copied file is renamed to its
fingerprinted name.

register() only connects signals.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pelican import signals

from plugins.core.errors import BuildFailed, display_path
from plugins.core.files import file_digest
from plugins.core.messages import _

logger = logging.getLogger(__name__)

SETTING = "THEME_ASSETS"
SUFFIXES = (".css", ".js")
DIGITS = 10


def fingerprinted(rel: str, digest: str) -> str:
    """css/site.css + digest -> css/site.<10 hex digits>.css"""
    stem, dot, suffix = rel.rpartition(".")
    return f"{stem}.{digest[:DIGITS]}{dot}{suffix}"


def theme_static_folders(settings: dict) -> list[Path]:
    theme = Path(settings["THEME"])
    return [theme / p for p in settings.get("THEME_STATIC_PATHS", ["static"])]


def asset_map(settings: dict) -> dict[str, str]:
    """{path under the theme's static folder: published path} of its CSS and JS."""
    found = {}
    static_dir = settings["THEME_STATIC_DIR"].strip("/")
    for folder in theme_static_folders(settings):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES:
                rel = path.relative_to(folder).as_posix()
                name = fingerprinted(rel, file_digest(str(path)))
                found[rel] = f"{static_dir}/{name}"
    return found


def on_initialized(pelican) -> None:
    pelican.settings[SETTING] = asset_map(pelican.settings)


def on_finalized(pelican) -> None:
    """Rename each copied asset to its fingerprinted name."""
    output = Path(pelican.output_path)
    static_dir = pelican.settings["THEME_STATIC_DIR"].strip("/")
    for rel, published in pelican.settings.get(SETTING, {}).items():
        copied = output / static_dir / rel
        if file_digest(str(copied))[:DIGITS] not in published:
            raise BuildFailed(
                _(
                    "assets: %(file)s changed during the build; build again",
                    file=display_path(copied),
                )
            )
        os.replace(copied, output / published)
    logger.info("assets: %d theme files fingerprinted", len(pelican.settings[SETTING]))


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.finalized.connect(on_finalized)

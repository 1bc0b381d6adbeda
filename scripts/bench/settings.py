"""The two builds the benchmark compares, as settings.

- project: pelicanconf.py as it is (all plugins, the theme, its cache
  settings), with only the folders moved to the benchmark's temp folder;
- plain: Pelican's own defaults (default theme, no plugins) reading the same
  Markdown files, with its content cache on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Folders:
    """Where one build reads, writes and caches."""

    content: Path
    output: Path
    cache: Path


def project_overrides(folders: Folders) -> dict:
    """Overrides for plugins.site_build.build(pelicanconf.py, ...): only where
    the files are; the content cache is on as pelicanconf.py has it.
    """
    return {
        "PATH": str(folders.content),
        "OUTPUT_PATH": str(folders.output),
        "CACHE_PATH": str(folders.cache),
    }


def plain_settings(folders: Folders) -> dict:
    """Overrides of Pelican's defaults for the plain build.

    None of pelicanconf.py's URL, listing or theme settings: only where the
    files are, the time zone (Pelican refuses to guess one), and the content
    cache turned on so its rebuild reads only the changed file.
    """
    return {
        "PATH": str(folders.content),
        "OUTPUT_PATH": str(folders.output),
        "CACHE_PATH": str(folders.cache),
        "ARTICLE_PATHS": ["notes"],
        "PAGE_PATHS": ["pages"],
        "STATIC_PATHS": ["images"],
        "TIMEZONE": "Asia/Kolkata",
        "PLUGINS": [],
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
    }

"""Where Pelican keeps its reader cache: a folder named after what shapes it.

Pelican reuses a file's cached reading while the file is unchanged, even if
the code or settings that read it have changed. Naming the folder after the
plugin code this process runs (plugins/core/code.py), the reading
libraries' versions and the reading settings makes an upgrade start from an
empty cache instead of serving stale pages.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
from pathlib import Path

from plugins.core.code import LOADED

READING_PACKAGES = ("pelican", "markdown", "nh3", "lxml")
READING_SETTINGS = ("MARKDOWN", "FORMATTED_FIELDS", "READERS", "TYPOGRIFY")
KEY_LENGTH = 16


def reader_cache_key(settings: dict) -> str:
    """A short hash of the plugin code, reading libraries and settings."""
    digest = hashlib.sha256()
    digest.update(LOADED.encode())
    for package in READING_PACKAGES:
        digest.update(importlib.metadata.version(package).encode())
    for name in READING_SETTINGS:
        digest.update(f"{name}={settings.get(name)!r}".encode())
    return digest.hexdigest()[:KEY_LENGTH]


def versioned_cache_path(cache_root: Path, key: str) -> Path:
    """`cache_root/key`, removing caches left by other versions (folders
    named like a key; other folders there are not the reader cache's).
    """
    if cache_root.is_dir():
        for old in cache_root.iterdir():
            if old.is_dir() and old.name != key and is_key(old.name):
                shutil.rmtree(old, ignore_errors=True)
    return cache_root / key


def is_key(name: str) -> bool:
    return len(name) == KEY_LENGTH and all(c in "0123456789abcdef" for c in name)

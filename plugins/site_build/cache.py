"""Where Pelican keeps its reader cache: a folder named after what shapes it.

Pelican reuses a file's cached reading while the file is unchanged, even if
the code or settings that read it have changed. Naming the folder after the
reading code, the library versions and the reading settings makes an upgrade
start from an empty cache instead of serving stale pages.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
from pathlib import Path

PLUGINS = Path(__file__).resolve().parent.parent
# The code whose output Pelican caches (SafeMarkdownReader and what it calls).
READING_CODE = (
    "press_notes/reader.py",
    "press_notes/sanitize.py",
    "press_notes/fragment.py",
    "press_notes/model.py",
    "hindi_text/reading.py",
)
READING_PACKAGES = ("pelican", "markdown", "nh3", "lxml")
READING_SETTINGS = ("MARKDOWN", "FORMATTED_FIELDS", "READERS", "TYPOGRIFY")


def reader_cache_key(settings: dict) -> str:
    """A short hash of the reading code, library versions and settings."""
    digest = hashlib.sha256()
    for rel in READING_CODE:
        digest.update((PLUGINS / rel).read_bytes())
    for package in READING_PACKAGES:
        digest.update(importlib.metadata.version(package).encode())
    for name in READING_SETTINGS:
        digest.update(f"{name}={settings.get(name)!r}".encode())
    return digest.hexdigest()[:16]


def versioned_cache_path(cache_root: Path, key: str) -> Path:
    """`cache_root/key`, removing caches left by other versions."""
    if cache_root.is_dir():
        for old in cache_root.iterdir():
            if old.is_dir() and old.name != key:
                shutil.rmtree(old, ignore_errors=True)
    return cache_root / key

"""The plugin code this process runs, as one hash.

Caches filed under this hash (Pelican's reader cache, the note-check cache,
the record of reused note pages) start afresh when any plugin changes.
It is taken when this module is first imported, which is before the build
loads the other plugins: Python keeps the modules it has imported, so a
long-running process (make serve) builds with the code it started with,
whatever the files say later, and its caches must be filed under that code.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

# plugins/: the code that shapes the output (scripts/ does not).
PLUGINS = Path(__file__).resolve().parent.parent


def tree_files(root: Path) -> list[Path]:
    """Every file under `root`, entering linked folders (Path.rglob does not
    on Python 3.11), each folder once (a link loop ends there).
    """
    found = []
    seen = set()
    for here, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(here)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [Path(here) / f for f in files]
    return sorted(found)


def tree_digest(roots: Iterable[Path]) -> str:
    """Hash of every file's path and bytes under `roots`, through linked
    folders and files (caches skipped; a dangling link counts as missing).
    """
    digest = hashlib.blake2b(digest_size=16)
    for root in roots:
        if not root.is_dir():
            digest.update(f"missing {root}".encode())
            continue
        for path in tree_files(root):
            digest.update(str(path.relative_to(root)).encode())
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"\0missing")
    return digest.hexdigest()


LOADED = tree_digest([PLUGINS])


def changed_since_loaded() -> bool:
    """True if the plugin files differ from the code this process runs."""
    return tree_digest([PLUGINS]) != LOADED

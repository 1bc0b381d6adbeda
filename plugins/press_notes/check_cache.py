"""Remember which notes passed the checks, to skip them while unchanged.

A note is skipped when its file has the same size and modification time as
when it last passed, its photo (if any) still exists and can be read, and
nothing else the checks read has changed: the registries, the settings and
the plugin code (all folded into one fingerprint). Rules across notes
(slugs, unique URLs, links to drafts not ready) always run over every note:
a skipped note gives the links it had.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from plugins.core.code import LOADED
from plugins.core.files import write_atomic
from plugins.core.photos import photo_problem

from .validate import NoteKeys

CACHE_NAME = "press-notes-checks.json"


def fingerprint(registry_files: list[Path], conf: dict, content_root: Path) -> str:
    digest = hashlib.sha256()
    digest.update(LOADED.encode())
    for path in registry_files:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    digest.update(json.dumps(conf, sort_keys=True, default=str).encode())
    digest.update(str(content_root.resolve()).encode())
    return digest.hexdigest()


def stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_mtime_ns, st.st_size]


def load(cache_dir: Path, key: str) -> dict:
    """{shown path: [mtime_ns, size, keys...]} of the last passing notes."""
    try:
        data = json.loads((cache_dir / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("notes", {}) if data.get("key") == key else {}


def still_passing(
    entry: list, current: list[int], content_root: Path
) -> NoteKeys | None:
    """The note's keys if its stamp is `current` as when it passed, else None."""
    try:
        if entry[:2] != current:
            return None
        *fields, links = entry[2:]
        if not isinstance(links, list):
            raise ValueError("an entry of an older cache: no links")
        keys = replace(NoteKeys(*fields), links=tuple(tuple(x) for x in links))
    except (OSError, TypeError, ValueError):
        return None
    if keys.image and photo_problem(content_root / keys.image):
        return None
    return keys


def save(
    cache_dir: Path, key: str, passed: dict[str, tuple[list[int], NoteKeys]]
) -> None:
    """Write the cache atomically (a temp file, then a rename).

    Each note's stamp is the one taken before it was read, so an edit made
    while the build ran is checked next time.
    """
    notes = {
        shown: [
            *note_stamp,
            keys.title,
            keys.date,
            keys.slug,
            keys.slug_line,
            keys.image,
            keys.thana,
            keys.status,
            [list(link) for link in keys.links],
        ]
        for shown, (note_stamp, keys) in passed.items()
    }
    data = json.dumps({"key": key, "notes": notes}).encode("utf-8")
    write_atomic(cache_dir / CACHE_NAME, data)

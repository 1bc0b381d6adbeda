"""`invoke check`: check every press note and the registries without building."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from pelican.settings import read_settings

from plugins.core.messages import ngettext_, set_language
from plugins.press_notes import check_content

# Files the Markdown reader reads (Pelican's MarkdownReader.file_extensions).
NOTE_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


def ignored(name: str, settings: dict) -> bool:
    """True for a file name Pelican skips (IGNORE_FILES, as its generators
    match them: against the base name).
    """
    return any(fnmatch.fnmatch(name, p) for p in settings.get("IGNORE_FILES", ()))


def note_paths(settings: dict) -> list[str]:
    """Every note the build reads under the article folders, relative to PATH."""
    root = settings["PATH"]
    return [
        os.path.relpath(os.path.join(d, f), root)
        for path in settings["ARTICLE_PATHS"]
        for d, _dirs, files in os.walk(os.path.join(root, path))
        for f in files
        if f.endswith(NOTE_SUFFIXES) and not ignored(f, settings)
    ]


def read_as_content(settings: dict, path: Path) -> bool:
    """Would the build read this file as a note or page (or copy it)?"""
    root = Path(settings["PATH"]).resolve()
    try:
        Path(path).resolve().relative_to(root)
    except ValueError:
        return False
    return not ignored(Path(path).name, settings)


def check(settings_file: str) -> str:
    """Check the content; raise ContentError listing every problem."""
    settings = read_settings(settings_file)
    set_language(settings)
    notes = note_paths(settings)
    check_content(settings, notes)
    return ngettext_(
        "%(num)s note checked: no problems",
        "%(num)s notes checked: no problems",
        len(notes),
    )

"""`invoke check`: check every press note and the registries without building."""

from __future__ import annotations

import os

from pelican.settings import read_settings

from plugins.press_notes import check_content


def note_paths(settings: dict) -> list[str]:
    """Every Markdown note under the article folders, relative to PATH."""
    root = settings["PATH"]
    return [
        os.path.relpath(os.path.join(d, f), root)
        for path in settings["ARTICLE_PATHS"]
        for d, _, files in os.walk(os.path.join(root, path))
        for f in files
        if f.endswith(".md")
    ]


def check(settings_file: str) -> str:
    """Check the content; raise ContentError listing every problem."""
    settings = read_settings(settings_file)
    notes = note_paths(settings)
    check_content(settings, notes)
    return f"{len(notes)} notes checked: no problems"

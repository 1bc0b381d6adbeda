"""Pelican's Markdown reader, with raw HTML sanitized and a warning per file."""

from __future__ import annotations

import logging
import os

from pelican.readers import MarkdownReader

from .sanitize import find_unsafe, sanitize_html

logger = logging.getLogger(__name__)


class SafeMarkdownReader(MarkdownReader):
    """Reads Markdown as Pelican does, then removes unsafe HTML.

    A note without a `slug` line gets the one the checks assigned to it
    (`slugs`, keyed by absolute path, set for each build).
    """

    slugs: dict[str, str] = {}  # noqa: RUF012 - replaced per build, never mutated

    def read(self, source_path):
        content, metadata = super().read(source_path)
        if "slug" not in metadata:
            slug = self.slugs.get(os.path.abspath(source_path))
            if slug:
                metadata["slug"] = slug
        unsafe = find_unsafe(content)
        if unsafe:
            logger.warning(
                "press_notes: %s: removed unsafe HTML (%s); write the note in "
                "Markdown without scripts or event handlers",
                source_path,
                ", ".join(unsafe),
            )
        content = sanitize_html(content)
        for name in self.settings["FORMATTED_FIELDS"]:
            value = metadata.get(name)
            if isinstance(value, str):
                if find_unsafe(value):
                    logger.warning(
                        "press_notes: %s: removed unsafe HTML from '%s'",
                        source_path,
                        name,
                    )
                metadata[name] = sanitize_html(value)
        return content, metadata

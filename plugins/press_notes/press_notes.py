"""The press-note model: registries, validation, sanitizing and enrichment.

register() only connects signals; the work is in the modules beside this one.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pelican import signals

from plugins.core import contract as c
from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.settings import namespaced
from plugins.core.urls import canonical_url, site_base
from plugins.hindi_text.reading import DEFAULT_WPM, minutes_for

from . import check_cache
from .model import enrich_metadata, withdraw
from .reader import SafeMarkdownReader
from .registry import Registry, load_registry
from .validate import Rules, check_all

logger = logging.getLogger(__name__)

SETTING = "PRESS_NOTES"
DEFAULTS = {
    "thana_registry": "registry/thanas.toml",
    "category_registry": "registry/categories.toml",
    "summary_max_chars": 300,
    "reading_wpm": DEFAULT_WPM,
    "default_reporter": "",
}


def plugin_settings(settings: dict) -> dict:
    """The PRESS_NOTES setting merged over defaults; unknown keys are errors."""
    return namespaced(settings, SETTING, DEFAULTS, "press_notes")


def registry_for(settings: dict) -> Registry:
    """Load the station and category registries named in the settings."""
    conf = plugin_settings(settings)
    root = Path(settings["PATH"])
    return load_registry(
        root / conf["thana_registry"],
        root / conf["category_registry"],
        settings.get("THANA_URL", "thana/{slug}/"),
        settings["CATEGORY_URL"],
    )


def check_content(settings: dict, note_paths: list[str]) -> tuple[Registry, dict]:
    """Check the registries and every note; raise ContentError if any fail.

    Notes that passed before and are unchanged are not read again (see
    check_cache). Returns the registry and each note's slug keyed by its
    absolute path.
    """
    conf = plugin_settings(settings)
    registry = registry_for(settings)
    root = Path(settings["PATH"])
    rules = Rules(
        registry=registry,
        content_root=root,
        summary_max_chars=conf["summary_max_chars"],
    )
    cache_dir = Path(settings["CACHE_PATH"])
    key = check_cache.fingerprint(
        [root / conf["thana_registry"], root / conf["category_registry"]],
        conf,
        root,
    )
    before = check_cache.load(cache_dir, key)
    notes, problems, files, stamps, passed_before = [], [], {}, {}, {}
    for rel in sorted(note_paths):
        path = root / rel
        shown = display_path(path)
        files[shown] = path
        stamps[shown] = check_cache.stamp(path)
        keys = (
            check_cache.still_passing(before[shown], stamps[shown], root)
            if shown in before
            else None
        )
        if keys is not None:
            passed_before[shown] = keys
            continue
        try:
            notes.append((shown, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    "the file is not UTF-8 text; save it as UTF-8, or if it was "
                    f"typed in Kruti Dev run '.venv/bin/invoke krutidev {shown} "
                    "--in-place'",
                )
            )
    checked = check_all(notes, rules, passed_before)
    problems += checked.problems
    if problems:
        raise ContentError(problems)
    check_cache.save(
        cache_dir, key, {p: (stamps[p], k) for p, k in checked.passed.items()}
    )
    return registry, {
        os.path.abspath(files[p]): slug for p, slug in checked.slugs.items()
    }


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def on_readers_init(readers) -> None:
    for ext in SafeMarkdownReader.file_extensions:
        readers.reader_classes[ext] = SafeMarkdownReader


def on_article_generator_init(generator) -> None:
    paths = generator.get_files(
        generator.settings["ARTICLE_PATHS"],
        exclude=generator.settings["ARTICLE_EXCLUDES"],
    )
    registry, slugs = check_content(generator.settings, paths)
    generator.context[c.REGISTRY] = registry
    generator.context[c.NOTE_SLUGS] = slugs


def on_article_context(generator, metadata) -> None:
    root = Path(generator.settings["PATH"])
    if "slug" not in metadata and "note_file" in metadata:
        # PATH_METADATA gives each note its path under content/ as note_file.
        slug = generator.context[c.NOTE_SLUGS].get(
            os.path.abspath(root / metadata["note_file"])
        )
        if slug:
            metadata["slug"] = slug
    enrich_metadata(metadata, generator.context[c.REGISTRY], root)
    withdraw(metadata)


def on_article_generator_finalized(generator) -> None:
    wpm = plugin_settings(generator.settings)["reading_wpm"]
    for note in (*generator.articles, *generator.hidden_articles, *generator.drafts):
        note.reading_minutes = minutes_for(getattr(note, "word_count", 0), wpm)


def on_content_init(content) -> None:
    if getattr(content, "url", None) is not None:
        content.canonical_url = canonical_url(site_base(content.settings), content.url)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.readers_init.connect(on_readers_init)
    signals.article_generator_init.connect(on_article_generator_init)
    signals.article_generator_context.connect(on_article_context)
    signals.article_generator_finalized.connect(on_article_generator_finalized)
    signals.content_object_init.connect(on_content_init)

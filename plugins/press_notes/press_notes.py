"""The press-note model: registries, validation, sanitizing and enrichment.

register() only connects signals; the work is in the modules beside this one.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pelican import signals

from plugins.core import contract as c
from plugins.core.clock import build_now
from plugins.core.errors import ContentError, Problem, display_path
from plugins.core.files import links_under
from plugins.core.messages import _, ngettext_
from plugins.core.packed import close_spill, open_spill
from plugins.core.photos import PHOTO_ERRORS, static_problems
from plugins.core.settings import namespaced
from plugins.core.urls import canonical_url, site_base
from plugins.hindi_text.reading import DEFAULT_WPM, minutes_for

from . import check_cache
from .forwards import read_clutter, rules_path
from .model import (
    attributes_rebuilt,
    enrich_metadata,
    placing_problems,
    share_values,
    unreadable_photo,
    withdraw,
)
from .read_ahead import read_ahead
from .reader import SafeMarkdownReader
from .registry import Registry, load_registry
from .validate import Rules, check_all, unreadable_text

logger = logging.getLogger(__name__)

SETTING = "PRESS_NOTES"
DEFAULTS = {
    "thana_registry": "registry/thanas.toml",
    "category_registry": "registry/categories.toml",
    "summary_max_chars": 300,
    "reading_wpm": DEFAULT_WPM,
    "default_reporter": "",
    # A note's text longer than this (in bytes of UTF-8) is refused.
    "body_max_bytes": 200_000,
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


def link_problems(content_root: Path, static: list[str]) -> list[Problem]:
    """Symbolic links anywhere in content/ (the static folders are checked
    with the photos): Pelican follows them, and would read notes, pages or
    registries from outside content/.
    """
    folders = [(content_root / s).resolve() for s in static]
    return [
        Problem(
            display_path(link),
            None,
            None,
            _(
                "is a symbolic link; content/ holds only real files: put the "
                "file itself here, or delete the link"
            ),
        )
        for link in links_under(content_root)
        if not any(
            f == link.parent.resolve() or f in link.parent.resolve().parents
            for f in folders
        )
    ]


@dataclass
class CheckedContent:
    """What the checks of the content hand the build and `invoke check`."""

    registry: Registry
    slugs: dict[str, str]  # {absolute note path: slug}
    # drafts not ready to publish: their problems, and their paths as given
    # (the build does not read them), with their photos (never published)
    drafts: list[Problem] = field(default_factory=list)
    left_out: set[str] = field(default_factory=set)
    draft_photos: set[str] = field(default_factory=set)
    # warnings (logged as the check found them): the build goes on
    warnings: list[str] = field(default_factory=list)


def resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """path.resolve() of a file that is not a link, resolving each folder
    once (`folders` keeps them): at 10,000 notes resolving every path took
    seconds of a rebuild.
    """
    parent = folders.get(path.parent)
    if parent is None:
        parent = folders[path.parent] = path.parent.resolve()
    return parent / path.name


def check_rules(settings: dict, registry: Registry) -> Rules:
    """What every note is checked against in this build (the build, `invoke
    check` and the fast path alike).
    """
    conf = plugin_settings(settings)
    root = Path(settings["PATH"])
    return Rules(
        registry=registry,
        content_root=root,
        summary_max_chars=conf["summary_max_chars"],
        body_max_bytes=conf["body_max_bytes"],
        now=build_now(settings).replace(tzinfo=None),
        clutter=read_clutter(root / rules_path(settings)),
    )


def check_content(settings: dict, note_paths: list[str]) -> CheckedContent:
    """Check the registries and every note; raise ContentError if any note
    to publish fails (a draft's problems are listed with it, stopping nothing).

    Notes that passed before and are unchanged are not read again (see
    check_cache). Returns the registry, each note's slug keyed by its
    absolute path, and the drafts not ready to publish.
    """
    conf = plugin_settings(settings)
    registry = registry_for(settings)
    root = Path(settings["PATH"])
    rules = check_rules(settings, registry)
    cache_dir = Path(settings["CACHE_PATH"])
    key = check_cache.fingerprint(
        [
            root / conf["thana_registry"],
            root / conf["category_registry"],
            root / rules_path(settings),
        ],
        conf,
        root,
    )
    before = check_cache.load(cache_dir, key)
    notes, problems, files, stamps, passed_before = [], [], {}, {}, {}
    given = {}
    real_root = root.resolve()
    folders: dict[Path, Path] = {}
    for rel in sorted(note_paths):
        path = root / rel
        if path.is_symlink():
            continue  # never read: link_problems below names the link
        real = resolved(path, folders)
        if not real.is_relative_to(real_root):
            continue
        shown = display_path(path, real)
        files[shown] = path
        given[shown] = rel
        stamps[shown] = check_cache.stamp(path)
        keys = (
            check_cache.still_passing(before[shown], stamps[shown], root)
            if shown in before
            else None
        )
        if keys is not None:
            passed_before[shown] = keys
            continue
        notes.append((shown, path))  # read where it is checked
    checked = check_all(notes, rules, passed_before)
    for shown in checked.unreadable:
        path = files[shown]
        # a draft's status can be read all the same: it then stops nothing
        header, problem = unreadable_text(shown, path.read_bytes())
        checked.add(shown, header, [problem])
    problems += checked.problems
    static = list(settings.get("STATIC_PATHS", ()))
    problems += static_problems(root, static)
    problems += link_problems(root, static)
    if problems:
        raise ContentError(problems, checked.draft_problems)
    check_cache.save(
        cache_dir, key, {p: (stamps[p], k) for p, k in checked.passed.items()}
    )
    return CheckedContent(
        registry=registry,
        slugs={os.path.abspath(files[p]): slug for p, slug in checked.slugs.items()},
        drafts=checked.draft_problems,
        left_out={given[p] for p in checked.drafts},
        draft_photos=checked.draft_photos,
        warnings=checked.warnings,
    )


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
    checked = check_content(generator.settings, paths)
    generator.context[c.REGISTRY] = checked.registry
    generator.context[c.NOTE_SLUGS] = checked.slugs
    if checked.left_out:
        leave_out(generator, checked.left_out)
        private = generator.context.setdefault(c.PRIVATE_PHOTOS, set())
        private.update(checked.draft_photos)
        files = sorted({p.path for p in checked.drafts})
        logger.warning(
            "%s",
            ngettext_(
                "%(num)s draft is not ready to publish and was left out of "
                "the build: %(files)s; run '.venv/bin/invoke check' to see "
                "what to fill in",
                "%(num)s drafts are not ready to publish and were left out "
                "of the build: %(files)s; run '.venv/bin/invoke check' to see "
                "what to fill in",
                len(files),
                files=", ".join(files),
            ),
        )
    # the notes' compressed HTML, JSON-LD and cards kept in a file of the
    # build's own from their reading on (plugins/core/packed.py, Spill)
    open_spill(generator.settings)
    read_ahead(generator)


def leave_out(generator, paths: set[str]) -> None:
    """The generator reads no file in `paths` (relative to PATH, as its
    get_files lists them): Pelican never sees a draft that is not ready.
    """
    listed = generator.get_files

    def get_files(*args, **kwargs) -> set[str]:
        return {f for f in listed(*args, **kwargs) if f not in paths}

    generator.get_files = get_files


def on_article_context(generator, metadata) -> None:
    root = Path(generator.settings["PATH"])
    if "slug" not in metadata and "note_file" in metadata:
        # PATH_METADATA gives each note its path under content/ as note_file.
        slug = generator.context[c.NOTE_SLUGS].get(
            os.path.abspath(root / metadata["note_file"])
        )
        if slug:
            metadata["slug"] = slug
    problems = placing_problems(metadata, root)
    if problems:
        refuse(problems)
    # A withdrawn note becomes hidden first: its photo is not published.
    withdraw(metadata)
    keep_private(generator, metadata)
    try:
        enrich_metadata(metadata, generator.context[c.REGISTRY], root)
    except PHOTO_ERRORS as e:
        refuse([unreadable_photo(metadata, root, e)])


def keep_private(generator, metadata: dict) -> None:
    """A scheduled note is published once its date has come, skipped before
    (no page, feed entry or share offer). The photos of skipped, draft and
    hidden notes are not published: their pages show none.
    """
    status = metadata.get("status")
    if status == "scheduled":
        scheduled = generator.context.setdefault(c.SCHEDULED_NOTES, set())
        scheduled.add(metadata.get("note_file"))
        date = metadata.get("date")
        now = build_now(generator.settings)
        if isinstance(date, datetime) and date.tzinfo is None:
            now = now.replace(tzinfo=None)
        due = isinstance(date, datetime) and date <= now
        status = metadata["status"] = "published" if due else "skip"
    if status in ("skip", "draft", "hidden") and metadata.get("image"):
        private = generator.context.setdefault(c.PRIVATE_PHOTOS, set())
        private.add(str(metadata.pop("image")).strip())
        metadata.pop("image_alt", None)


def refuse(problems: list[Problem]) -> None:
    """Stop reading a note: Pelican logs only "Could not process <file>" for
    an error raised while reading, so each problem is logged first (an error
    logged fails the build, scripts/build.py).
    """
    for problem in problems:
        logger.error("%s", problem)
    raise ContentError(problems)


def share_note_values(generator) -> None:
    """One object per category and tag value, shared by the notes that
    name it (model.share_values), before Pelican groups them.
    """
    shared: dict = {}
    for name in c.NOTE_LISTS:
        share_values(getattr(generator, name, None) or (), shared)


def on_article_generator_finalized(generator) -> None:
    wpm = plugin_settings(generator.settings)["reading_wpm"]
    for note in (*generator.articles, *generator.hidden_articles, *generator.drafts):
        note.reading_minutes = minutes_for(getattr(note, "word_count", 0), wpm)


def on_content_init(content) -> None:
    url = getattr(content, "url", None)  # made from the settings at each ask
    if url is not None:
        content.canonical_url = canonical_url(site_base(content.settings), url)
    attributes_rebuilt(content)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.readers_init.connect(on_readers_init)
    signals.article_generator_init.connect(on_article_generator_init)
    signals.article_generator_context.connect(on_article_context)
    signals.article_generator_pretaxonomy.connect(share_note_values)
    signals.article_generator_finalized.connect(on_article_generator_finalized)
    signals.content_object_init.connect(on_content_init)
    signals.finalized.connect(close_spill)

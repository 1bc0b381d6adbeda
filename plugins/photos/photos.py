"""Note photos published as phone-sized copies (see resize.py).

register() only connects signals: a note's photo is planned and copied when
the notes are ready (before feeds and WhatsApp read them); any other photo
among the static files (one linked from a note's text) gets one copy at its
own path; no original reaches the output; the copies are put into the output
with the note pages.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from urllib.parse import quote

from pelican import signals

from plugins.core import contract as c
from plugins.core.contract import all_notes
from plugins.core.errors import ContentError, Problem, SettingError, display_path
from plugins.core.files import OutsideFolder, cache_folder, inside, place
from plugins.core.messages import _
from plugins.core.photos import (
    PHOTO_ERRORS,
    save_again,
    static_file_problem,
    upright_size,
)
from plugins.core.settings import namespaced

from .resize import (
    Copy,
    PhotoError,
    cache_file,
    copy_path,
    height_for,
    make_copies,
    plan_widths,
)

logger = logging.getLogger(__name__)

SETTING = "PHOTOS"
DEFAULTS = {
    # Widths of the published copies, in pixels (never wider than the photo).
    "widths": "480 960 1440",
    "quality": 80,
    # Cache folder, relative to the folder that holds PATH.
    "cache": "cache/photos",
}


def plugin_settings(settings: dict) -> dict:
    conf = namespaced(settings, SETTING, DEFAULTS, "photos")
    try:
        widths = tuple(sorted({int(w) for w in conf["widths"].split()}))
    except ValueError:
        widths = ()
    if not widths or min(widths) < 16:
        raise SettingError(
            f"photos: '{SETTING}[\"widths\"]' must be widths in pixels separated "
            f'by spaces, each at least 16, like "{DEFAULTS["widths"]}"'
        )
    if conf["quality"] > 95:
        raise SettingError(f"photos: '{SETTING}[\"quality\"]' must be 1 to 95")
    return {**conf, "widths": widths}


def plan_photo(image, content_root: Path, conf: dict) -> list[Copy]:
    """The copies of one note photo, widest first (its upright size was read
    with the note, press_notes.model.image_info).
    """
    source = str(inside(content_root, image.url))
    upright = (image.width, image.height)
    widths = plan_widths(upright[0], conf["widths"])
    widest = widths[-1]
    return [
        Copy(
            source,
            w,
            height_for(upright, w),
            conf["quality"],
            copy_path(image.url, w, widest),
        )
        for w in reversed(widths)
    ]


def published_image(image, copies: list[Copy], sizes: dict):
    """The note's image as published: the widest copy at its own path, with
    its size in pixels and bytes, and every copy for srcset (as URL paths:
    a file name may hold spaces).
    """
    widest = copies[0]
    fallback = min(copies, key=lambda c: (c.width > 960, abs(c.width - 960)))
    return dataclasses.replace(
        image,
        width=widest.width,
        height=widest.height,
        src=quote(fallback.path),
        srcset=tuple((quote(c.path), c.width) for c in reversed(copies)),
        bytes=sizes[widest.path],
    )


class Photos:
    """The photo settings and copies of one build (output path -> cached file)."""

    def __init__(self, settings: dict):
        self.conf = plugin_settings(settings)
        self.root = Path(settings["PATH"])
        self.cache = cache_folder(settings, self.conf["cache"])
        self.files: dict[str, Path] = {}
        self.originals: set[str] = set()


def on_article_generator_finalized(generator) -> None:
    state = Photos(generator.settings)
    conf, root, cache = state.conf, state.root, state.cache
    missing: dict[Path, Copy] = {}
    planned = []
    for note in all_notes(generator.context):
        image = getattr(note, "image", None)
        if image is None or not getattr(image, "url", None):
            continue
        copies = plan_photo(image, root, conf)
        for copy in copies:
            cached = cache_file(cache, copy)
            state.files[copy.path] = cached
            if not cached.is_file():
                missing[cached] = copy
        state.originals.add(image.url)
        planned.append((note, copies))
    started = time.perf_counter()
    try:
        make_copies(missing)
    except PhotoError as e:
        raise ContentError(
            [
                Problem(
                    display_path(note.source_path),
                    None,
                    "image",
                    _(
                        "'%(value)s' could not be made into copies (%(reason)s); ",
                        value=note.image.url,
                        reason=e.reason,
                    )
                    + save_again(),
                )
                for note, copies in planned
                if copies[0].source == e.source
            ]
        ) from None
    sizes = {path: cached.stat().st_size for path, cached in state.files.items()}
    for note, copies in planned:
        note.image = published_image(note.image, copies, sizes)
        note.metadata["image"] = note.image
    generator.context[c.PHOTO_STATE] = state
    logger.info(
        "photos: %d copies of %d photos, %d made (%.1f s)",
        len(state.files),
        len(state.originals),
        len(missing),
        time.perf_counter() - started,
    )


def other_photo_copy(rel: str, content_root: Path, conf: dict) -> Copy:
    """A photo that is no note's `image` (linked from a note's text, say):
    one copy at its own path, as wide as the widest note-photo copy.
    """
    source = str(inside(content_root, rel))
    try:
        upright = upright_size(source)
    except PHOTO_ERRORS as e:
        raise PhotoError(source, f"{e.__class__.__name__}: {e}") from None
    width = plan_widths(upright[0], conf["widths"])[-1]
    return Copy(source, width, height_for(upright, width), conf["quality"], rel)


def refused_static(generator, root: Path) -> list[Problem]:
    """Static files that may not be published: links, files reached through
    a linked folder, anything that is not a photo (the checks say so first).
    """
    problems = []
    for static in generator.staticfiles:
        path = Path(static.source_path)
        problem = static_file_problem(path)
        if problem is None:
            try:
                inside(root, static.get_relative_source_path())
            except OutsideFolder:
                problem = _(
                    "is reached through a symbolic link; only photos "
                    "themselves are published: put the photo file itself "
                    "here, or delete the link"
                )
        if problem:
            problems.append(Problem(display_path(path), None, None, problem))
    return problems


def on_static_generator_finalized(generator) -> None:
    """Leave every photo's original out of the output: a note's photo is
    published as its copies, any other photo (linked from a note's text) as
    one copy at its own path, also upright and without EXIF data. Nothing
    else leaves the static folders.
    """
    state = generator.context.get(c.PHOTO_STATE)
    if state is None:
        return
    conf, root, cache = state.conf, state.root, state.cache
    refused = refused_static(generator, root)
    if refused:
        raise ContentError(refused)
    missing = {}
    private = generator.context.get(c.PRIVATE_PHOTOS, set())
    try:
        for static in generator.staticfiles:
            rel = static.get_relative_source_path()
            if rel in state.originals or rel in private:
                continue
            copy = other_photo_copy(rel, root, conf)
            cached = cache_file(cache, copy)
            state.files[copy.path] = cached
            if not cached.is_file():
                missing[cached] = copy
        make_copies(missing)
    except PhotoError as e:
        raise ContentError(
            [
                Problem(
                    display_path(Path(e.source)),
                    None,
                    None,
                    _(
                        "could not be made into a copy for the site "
                        "(%(reason)s); save the photo again as JPEG, PNG or "
                        "WebP and put it in its place",
                        reason=e.reason,
                    ),
                )
            ]
        ) from None
    generator.staticfiles[:] = []
    if missing:
        logger.info("photos: %d copies of other photos made", len(missing))


def on_article_writer_finalized(generator, writer) -> None:
    state = generator.context.get(c.PHOTO_STATE)
    if state is None:
        return
    out = Path(writer.output_path)
    for rel, cached in state.files.items():
        place(cached, inside(out, rel))


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.article_generator_finalized.connect(on_article_generator_finalized)
    signals.static_generator_finalized.connect(on_static_generator_finalized)
    signals.article_writer_finalized.connect(on_article_writer_finalized)

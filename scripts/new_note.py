"""Start a new press note: a file with every field to fill, never overwriting."""

from __future__ import annotations

import os
import unicodedata
from datetime import datetime
from pathlib import Path

from plugins.core.errors import CommandError, did_you_mean, display_path
from plugins.core.header import scan_header
from plugins.core.messages import _, set_language
from plugins.hindi_text.dates import IST
from plugins.hindi_text.slugs import slugify, unique_slug
from plugins.press_notes import registry_for
from plugins.press_notes.press_notes import plugin_settings
from plugins.press_notes.registry import Registry
from plugins.press_notes.validate import assign_slugs

from .check import ignored


class NewNoteError(CommandError):
    """The note could not be started; the message says why and what to do."""


def _pick(value: str, names, option: str, where: str) -> str:
    value = unicodedata.normalize("NFC", value.strip())
    if value in names:
        return value
    raise NewNoteError(
        _(
            "new: --%(option)s '%(value)s' is not in %(file)s%(hint)s; give one "
            "of the names listed there",
            option=option,
            value=value,
            file=where,
            hint=did_you_mean(value, names),
        )
    )


def existing_slugs(notes_root: Path, settings: dict | None = None) -> set[str]:
    """Slugs of every note already under `notes_root` (written or made);
    files the build never reads (IGNORE_FILES of `settings`) hold none.
    """
    inside = notes_root.resolve()
    headers = [
        # a note in another encoding still has its slug read (the check names
        # the file); a link is never followed out of content/
        (str(p), scan_header(p.read_bytes().decode("utf-8", "replace")))
        for p in sorted(notes_root.rglob("*.md"))
        if not ignored(p.name, settings or {})
        and not p.is_symlink()
        and p.resolve().is_relative_to(inside)
    ]
    return set(assign_slugs(headers).values())


def note_template(
    *,
    title: str,
    when: datetime,
    district: str,
    thana: str,
    category: str,
    reporter: str,
    slug: str,
) -> str:
    """The text of a new note: all fields present, the ones to fill left empty."""
    return (
        f"title: {title}\n"
        f"date: {when:%Y-%m-%d %H:%M}\n"
        f"district: {district}\n"
        f"thana: {thana}\n"
        f"category: {category}\n"
        "tags: \n"
        f"reporter: {reporter}\n"
        "summary: \n"
        f"slug: {slug}\n"
        "\n"
    )


def create_note(
    notes_root: Path,
    registry: Registry,
    *,
    title: str,
    thana: str,
    reporter: str,
    category: str = "",
    now: datetime | None = None,
    settings: dict | None = None,
) -> Path:
    """Write a new note under notes_root/YYYY/MM/<slug>.md and return its path."""
    title = unicodedata.normalize("NFC", " ".join(title.split()))
    if not title:
        raise NewNoteError(
            _('new: give the note a title: invoke new "<title>" --thana <station>')
        )
    if not thana.strip():
        raise NewNoteError(
            _(
                'new: give the note\'s police station: invoke new "<title>" '
                "--thana <station> (a name from thanas.toml)"
            )
        )
    thana = _pick(thana, registry.thana_by_name, "thana", "thanas.toml")
    if category:
        category = _pick(
            category, registry.category_by_name, "category", "categories.toml"
        )
    when = (now or datetime.now(IST)).astimezone(IST)
    slug = unique_slug(slugify(title), existing_slugs(notes_root, settings))
    path = notes_root / f"{when:%Y}" / f"{when:%m}" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = note_template(
        title=title,
        when=when,
        district=registry.district.name,
        thana=thana,
        category=category,
        reporter=reporter,
        slug=slug,
    )
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise NewNoteError(
            _(
                "new: %(file)s already exists and was not changed; give the note "
                "another title",
                file=display_path(path),
            )
        ) from None
    return path


def new_note(
    settings: dict, *, title: str, thana: str, category: str, reporter: str
) -> Path:
    """`invoke new`: the reporter is the option, else $BULLETIN_REPORTER, else
    PRESS_NOTES["default_reporter"].
    """
    reporter = (
        reporter
        or os.environ.get("BULLETIN_REPORTER", "")
        or plugin_settings(settings)["default_reporter"]
    )
    return create_note(
        Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0],
        registry_for(settings),
        title=title,
        thana=thana,
        category=category,
        reporter=reporter,
        settings=settings,
    )


def new_command(
    settings: dict, *, title: str, thana: str, category: str, reporter: str
) -> str:
    """`invoke new`: start the note and say, in the reporter's language, what next."""
    set_language(settings)
    path = new_note(
        settings, title=title, thana=thana, category=category, reporter=reporter
    )
    return _(
        "new: created %(file)s; fill in the empty fields (summary, tags%(category)s) "
        "and the text, then run .venv/bin/invoke check",
        file=display_path(path),
        category="" if category else ", category",
    )

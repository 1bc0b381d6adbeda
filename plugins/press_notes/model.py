"""What a press note carries beyond Pelican's article: station, photo, URLs."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from plugins.core.errors import Problem, display_path
from plugins.core.files import OutsideFolder, inside
from plugins.core.header import scan_header
from plugins.core.messages import _
from plugins.core.photos import upright_size
from plugins.hindi_text.slugs import FALLBACK_SLUG, slugify

from .fragment import text_of
from .registry import SLUG_RE, Registry

# Fields Pelican would obey to place or render a page elsewhere; the checks
# refuse every field they do not know, and these are refused again here.
PLACING_FIELDS = ("save_as", "url", "template", "path", "lang", "translation")


@dataclass(frozen=True)
class NoteImage:
    """A note's photo: path relative to the site root, size and alt text.

    plugins/photos publishes it as copies at a few widths: then `src` is the
    copy for browsers without srcset, `srcset` every (path, width), `bytes`
    the size of the file at `url`, and width/height those of that file.
    """

    url: str
    alt: str
    width: int
    height: int
    src: str = ""
    srcset: tuple[tuple[str, int], ...] = ()
    bytes: int = 0


def image_info(content_root: Path, rel_path: str, alt: str) -> NoteImage:
    """The photo's size as seen (header only) for width/height attributes."""
    width, height = upright_size(inside(content_root, rel_path))
    return NoteImage(url=rel_path, alt=alt, width=width, height=height)


def plain_text(html: str) -> str:
    """Text of an HTML fragment with whitespace folded (for previews, feeds)."""
    return text_of(html or "")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def placing_problems(metadata: dict, content_root: Path) -> list[Problem]:
    """Fields that would put a page or read a file outside where they belong,
    whatever the checks said (they run first and refuse these too).
    """
    problems = [
        Problem("", None, key, _("the field '%(name)s' is not allowed", name=key))
        for key in PLACING_FIELDS
        if key in metadata
    ]
    slug = metadata.get("slug")
    if slug is not None and not SLUG_RE.match(str(slug)):
        problems.append(
            Problem(
                "",
                None,
                "slug",
                _(
                    "'%(value)s' must be lowercase ASCII words joined by hyphens",
                    value=slug,
                ),
            )
        )
    image = metadata.get("image")
    if isinstance(image, str):
        try:
            inside(content_root, image.strip())
        except OutsideFolder:
            problems.append(
                Problem(
                    "",
                    None,
                    "image",
                    _(
                        "'%(value)s' is outside content/; put the photo in "
                        "content/images/ and give its path from content/",
                        value=image,
                    ),
                )
            )
    if not problems:
        return problems
    # the file is named only when there is something to say (naming it took
    # a quarter of a second of every 3,000-note build)
    shown = display_path(content_root / str(metadata.get("note_file", "")))
    return [dataclasses.replace(p, path=shown) for p in problems]


def field_line(path: Path, key: str) -> int | None:
    """The line of a note's header field (for a message), or None."""
    try:
        return scan_header(path.read_text(encoding="utf-8")).line(key)
    except (OSError, UnicodeDecodeError):
        return None


def unreadable_photo(metadata: dict, content_root: Path, error: Exception) -> Problem:
    """The note's photo could not be read when the note was built."""
    path = content_root / str(metadata.get("note_file", ""))
    return Problem(
        display_path(path),
        field_line(path, "image"),
        "image",
        _(
            "'%(value)s' cannot be read (%(reason)s); put the photo in "
            "content/images/, give its path from content/, and save it as "
            "JPEG, PNG or WebP",
            value=metadata.get("image"),
            reason=f"{error.__class__.__name__}: {error}",
        ),
    )


@lru_cache(maxsize=8192)
def text_slug(text: str, kind: str) -> str:
    """The romanized slug of a title or tag; text that romanizes to nothing
    (emoji, punctuation) gets `<kind>-<hash of the text>`, so two such texts
    never share a page. Remembered: every note's tags are slugged each build.
    """
    slug = slugify(text)
    if slug == FALLBACK_SLUG and FALLBACK_SLUG not in text.lower():
        digest = hashlib.blake2b(nfc(text).encode("utf-8"), digest_size=4)
        return f"{kind}-{digest.hexdigest()}"
    return slug


def enrich_metadata(metadata: dict, registry: Registry, content_root: Path) -> dict:
    """Turn a validated note's raw fields into the objects templates print.

    `thana` becomes the registry's Thana, the category takes its registry
    slug, tags get romanized slugs, `image` becomes a NoteImage.
    Runs on every build (Pelican caches only what the reader returned), so a
    registry edit reaches every note.
    """
    thana = metadata.get("thana")
    if isinstance(thana, str):
        metadata["thana"] = registry.thana_by_name[nfc(thana)]
    category = metadata.get("category")
    if category is not None:
        info = registry.category_by_name[nfc(category.name)]
        category.slug = info.slug
        category.description = info.description
    for tag in metadata.get("tags", ()):
        tag.slug = text_slug(tag.name, "tag")
    image = metadata.get("image")
    if isinstance(image, str) and not image.strip():
        # `image:` left empty: the note has no photo (the checks agree).
        del metadata["image"]
    elif isinstance(image, str):
        metadata["image"] = image_info(
            content_root, image.strip(), str(metadata.get("image_alt", "")).strip()
        )
    return metadata


def withdraw(metadata: dict) -> dict:
    """A withdrawn note: Pelican's `hidden` (a page, in no list or feed),
    marked `withdrawn` for the templates; any other note `withdrawn` False.
    """
    withdrawn = metadata.get("status") == "withdrawn"
    if withdrawn:
        metadata["status"] = "hidden"
    metadata["withdrawn"] = withdrawn
    return metadata


# Header fields whose text repeats across notes: one string each.
REPEATED_TEXT = ("district", "reporter", "reader")
# Pelican's attributes of a note that are the same text for every note, made
# again for each (the language lowered, the status): one string each.
REPEATED_ATTRIBUTES = ("lang", "_status")


def shared_key(thing) -> tuple | None:
    """What makes two categories or tags the same object for every reader:
    their class, settings and fields (None if a field cannot be a key).
    """
    fields = tuple(sorted((k, v) for k, v in vars(thing).items() if k != "settings"))
    try:
        hash(fields)
    except TypeError:
        return None
    return type(thing), id(getattr(thing, "settings", None)), fields


def share_values(notes, shared: dict) -> None:
    """Each note's category and tags replaced by one object per value
    (`shared`, for one build), its repeated header texts interned: Pelican
    makes a Category and a Tag object for every note that names one, held
    until the build's end (about 1.7 KB a note in a 3,000-note build), and
    its own copy of texts every note has the same (170 bytes a note). The
    objects compare and print as before; only their number changes.
    """

    def one(thing):
        key = shared_key(thing)
        return thing if key is None else shared.setdefault(key, thing)

    for note in notes:
        metadata = note.metadata
        if (category := metadata.get("category")) is not None:
            metadata["category"] = note.category = one(category)
        tags = metadata.get("tags")
        if isinstance(tags, list):
            tags[:] = [one(tag) for tag in tags]
            if getattr(note, "tags", None) is not tags:
                note.tags = tags
        intern_texts(note, metadata)


def intern_texts(note, metadata: dict) -> None:
    """The note's texts that repeat across notes, one string each."""
    for name in REPEATED_TEXT:
        value = metadata.get(name)
        if type(value) is str:
            metadata[name] = interned = sys.intern(value)
            if vars(note).get(name) == interned:
                vars(note)[name] = interned
    for name in REPEATED_ATTRIBUTES:
        value = vars(note).get(name)
        if type(value) is str:
            vars(note)[name] = sys.intern(value)


def attributes_rebuilt(content) -> None:
    """`content`'s attributes in a dict made for as many as it has.

    CPython keeps the attributes Pelican gives a note (28) in a table shared
    with the other notes; the plugins' first one past 30 turns it into a
    dict of its own sized for three times as many (128 entries, 1,584
    bytes), held to the build's end. Made for the 29 a note has once read,
    the dict has room for the 13 more the plugins add (64 entries, 832
    bytes): about 750 bytes a note less.
    """
    content.__dict__ = dict(vars(content))

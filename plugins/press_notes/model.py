"""What a press note carries beyond Pelican's article: station, photo, URLs."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from plugins.hindi_text.slugs import slugify

from .fragment import text_of
from .registry import Registry


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


# What Pillow raises for a file it cannot read as a photo, and what to do.
PHOTO_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)
SAVE_AGAIN = "save the photo again as JPEG, PNG or WebP and put it in its place"


def upright_size(path: str | Path) -> tuple[int, int]:
    """The photo's size as seen, after its EXIF orientation (header only)."""
    with Image.open(path) as im:
        width, height = im.size
        orientation = im.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def image_info(content_root: Path, rel_path: str, alt: str) -> NoteImage:
    """The photo's size as seen (header only) for width/height attributes."""
    width, height = upright_size(content_root / rel_path)
    return NoteImage(url=rel_path, alt=alt, width=width, height=height)


def canonical_url(base: str, url: str) -> str:
    """The absolute URL of a page whose site-relative URL is `url`."""
    return f"{base.rstrip('/')}/{url.lstrip('/')}"


def plain_text(html: str) -> str:
    """Text of an HTML fragment with whitespace folded (for previews, feeds)."""
    return text_of(html or "")


def all_notes(context: dict) -> list:
    """Every note that gets a page: published, hidden and draft, translations."""
    notes = []
    for key in ("articles", "hidden_articles", "drafts"):
        for note in context.get(key, ()):
            notes += [note, *getattr(note, "translations", ())]
    return notes


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


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
        tag.slug = slugify(tag.name)
    image = metadata.get("image")
    if isinstance(image, str):
        metadata["image"] = image_info(
            content_root, image.strip(), str(metadata.get("image_alt", "")).strip()
        )
    return metadata

"""What a press note carries beyond Pelican's article: station, photo, URLs."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from plugins.core.photos import upright_size
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


def image_info(content_root: Path, rel_path: str, alt: str) -> NoteImage:
    """The photo's size as seen (header only) for width/height attributes."""
    width, height = upright_size(content_root / rel_path)
    return NoteImage(url=rel_path, alt=alt, width=width, height=height)


def plain_text(html: str) -> str:
    """Text of an HTML fragment with whitespace folded (for previews, feeds)."""
    return text_of(html or "")


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


def withdraw(metadata: dict) -> dict:
    """A withdrawn note: Pelican's `hidden` (a page, in no list or feed),
    marked `withdrawn` for the templates; any other note `withdrawn` False.
    """
    withdrawn = metadata.get("status") == "withdrawn"
    if withdrawn:
        metadata["status"] = "hidden"
    metadata["withdrawn"] = withdrawn
    return metadata

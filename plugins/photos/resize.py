"""Note photos as phones need them: a few widths, upright, without metadata.

A reporter's phone photo is often 4000 pixels wide, several megabytes, and
carries EXIF data (the place it was taken, the phone). Each photo is
published instead as re-encoded copies at a few widths (never wider than the
original): the widest at the photo's own path, so its address does not
change, and the others beside it as `<name>-<width>w.<ext>`. Copies are made
upright (EXIF orientation applied) and carry no metadata. They are cached by
a hash of the photo and of how they are made, so a rebuild makes none again.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps

from plugins.core.files import file_digest, make_missing
from plugins.core.photos import FORMATS, PHOTO_ERRORS, eight_bit

# Bump when the resizing code changes: every cached copy is then remade.
CODE_VERSION = "2"
# Modes whose colour profile still fits the copy (not CMYK, converted to RGB).
KEEPS_PROFILE = ("RGB", "RGBA", "L", "LA", "P")
# Resize in worker processes when at least this many copies are missing.
PARALLEL_MIN = 16


@dataclass(frozen=True)
class Copy:
    """One published copy of a photo."""

    source: str  # the photo under content/
    width: int  # pixels
    height: int  # pixels, in the photo's proportions (from its full size)
    quality: int
    path: str  # site-relative output path


class PhotoError(ValueError):
    """A photo could not be made into a copy: `source` and Pillow's reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(source, reason)
        self.source = source
        self.reason = reason


def plan_widths(width: int, widths: tuple[int, ...]) -> list[int]:
    """The copies' widths: those of `widths` below the photo's, and the widest
    the photo allows (its own width, or the largest of `widths`).
    """
    widest = min(width, max(widths))
    return sorted({w for w in widths if w < widest} | {widest})


def copy_path(image_url: str, width: int, widest: int) -> str:
    """`images/x.jpg` for the widest copy, `images/x-480w.jpg` for the others."""
    if width == widest:
        return image_url
    p = PurePosixPath(image_url)
    return str(p.with_name(f"{p.stem}-{width}w{p.suffix}"))


def height_for(size: tuple[int, int], width: int) -> int:
    return max(1, round(size[1] * width / size[0]))


def cache_key(copy: Copy) -> str:
    parts = {
        "photo": file_digest(copy.source),
        "width": copy.width,
        "quality": copy.quality,
        "format": FORMATS[PurePosixPath(copy.path).suffix.lower()],
        "code": CODE_VERSION,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def cache_file(cache: Path, copy: Copy) -> Path:
    key = cache_key(copy)
    return cache / key[:2] / f"{key}{PurePosixPath(copy.path).suffix.lower()}"


def render(copy: Copy) -> bytes:
    """The copy's bytes: upright, `width` wide, re-encoded without metadata
    (the colour profile of an RGB or grey photo is kept).
    """
    try:
        return _render(copy)
    except PHOTO_ERRORS as e:
        raise PhotoError(copy.source, f"{e.__class__.__name__}: {e}") from None


def _render(copy: Copy) -> bytes:
    fmt = FORMATS[PurePosixPath(copy.path).suffix.lower()]
    with Image.open(copy.source) as im:
        if fmt == "JPEG":
            im.draft("RGB", (copy.width, copy.width))  # decode at a smaller scale
        profile = im.info.get("icc_profile") if im.mode in KEEPS_PROFILE else None
        upright = ImageOps.exif_transpose(im)
    upright = eight_bit(upright)
    if fmt == "JPEG":
        upright = upright.convert("RGB")
    elif upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        upright = upright.convert("RGBA")
    size = (copy.width, copy.height)
    if upright.size != size:
        if upright.mode == "P":  # resize the colours, not the palette indexes
            upright = upright.convert("RGBA")
        upright = upright.resize(size, Image.Resampling.LANCZOS)
    # the profile always named: without it Pillow's PNG writer takes the
    # photo's own, a CMYK profile on an RGBA copy
    buffer = io.BytesIO()
    if fmt == "JPEG":
        upright.save(
            buffer,
            fmt,
            quality=copy.quality,
            optimize=True,
            progressive=True,
            icc_profile=profile,
        )
    elif fmt == "WEBP":
        upright.save(buffer, fmt, quality=copy.quality, method=6, icc_profile=profile)
    else:
        upright.save(buffer, fmt, optimize=True, icc_profile=profile)
    return buffer.getvalue()


def make_copies(jobs: dict[Path, Copy], workers: int | None = None) -> None:
    """Render every missing copy into the cache, in parallel when many."""
    make_missing(jobs, render, PARALLEL_MIN, workers)

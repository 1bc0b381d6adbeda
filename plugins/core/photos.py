"""What a photo must be to be published, in one place: the note checks
(plugins/press_notes) and the photo copies (plugins/photos) use these.
"""

from __future__ import annotations

import os
import posixpath
import re
import warnings
from pathlib import Path

from PIL import Image

from .errors import Problem, display_path
from .messages import _

# What Pillow raises for a file it cannot read as a photo, and what to do.
PHOTO_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)
# Pillow's decompression-bomb limit (about 89 megapixels).
MAX_PIXELS: int = Image.MAX_IMAGE_PIXELS or 89_478_485


def save_again() -> str:
    """What to do with a photo that cannot be read or copied."""
    return _("save the photo again as JPEG, PNG or WebP and put it in its place")


def upright_size(path: str | Path) -> tuple[int, int]:
    """The photo's size as seen, after its EXIF orientation (header only)."""
    with Image.open(path) as im:
        width, height = im.size
        orientation = im.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def eight_bit(image: Image.Image) -> Image.Image:
    """The image with 8-bit channels: a 16-bit grey photo ("I;16", "I") is
    scaled to 8 bits, not clipped (clipped, every pixel above 255 is white).
    """
    if image.mode.startswith("I"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return image


def on_white(image: Image.Image) -> Image.Image:
    """An RGB image of the photo, its transparent parts white (dropping the
    alpha shows whatever colour the transparent pixels hold, often black).
    """
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


# The format a photo's file name promises, by Pillow's name for it (MPO is
# the JPEG some phones write with a second, smaller picture inside).
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
SUFFIX_OF_FORMAT = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# plugins/photos names its smaller copies <name>-<width>w.<ext>.
COPY_NAME_RE = re.compile(r"-\d+w\.[a-z]+$", re.IGNORECASE)
IMAGE_SUFFIXES = tuple(FORMATS)


def photo_path_problem(image: str) -> str | None:
    """What is wrong with how a note names its photo, and what to do, or None."""
    if image.startswith("/") or posixpath.normpath(image) != image or ".." in image:
        return _(
            "'%(value)s': write the photo's path from content/, like "
            "images/2026/11/photo.jpg (no leading / or ./ and no ..)",
            value=image,
        )
    if COPY_NAME_RE.search(image):
        return _(
            "'%(value)s': names ending in -<number>w are kept for the smaller "
            "copies the build makes; rename the photo",
            value=image,
        )
    return None


# Where photos go under content/ (STATIC_PATHS), and the leading folder a
# reporter may write before it.
PHOTO_FOLDER = "images"
CONTENT_PREFIX_RE = re.compile(r"^(?:\./)?content/+")


def written_path(image: str) -> str:
    """A photo's path as the note means it: a backslash read as '/', a leading
    content/ dropped (the path is from content/).
    """
    return CONTENT_PREFIX_RE.sub("", image.strip().replace("\\", "/"))


def photos_named(content_root: Path, name: str) -> list[str]:
    """Photos under content/ with this file name in any letter case, as
    paths from content/ (those under images/ first); links are not followed.
    """
    wanted = name.lower()
    found = [
        Path(here, f).relative_to(content_root).as_posix()
        for here, _dirs, files in os.walk(content_root)
        for f in files
        if f.lower() == wanted and f.lower().endswith(IMAGE_SUFFIXES)
    ]
    return sorted(found, key=lambda rel: (not rel.startswith(f"{PHOTO_FOLDER}/"), rel))


def photo_problem(path: Path, decode: bool = False) -> str | None:
    """Why the photo at `path` cannot be published and what to do, or None.

    Reads the header; with `decode`, also the whole picture at a small scale,
    which finds a file cut short. Larger than Pillow's decompression-bomb
    limit (about 89 megapixels) is refused: the build would need hundreds of
    megabytes for one photo.
    """
    unreadable = (
        _("is not a photo that can be read (a damaged or unfinished file?); ")
        + save_again()
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
                kind = im.format
                if decode and width * height <= MAX_PIXELS:
                    im.draft("RGB", (64, 64))
                    im.load()
    except FileNotFoundError:
        return _("does not exist")
    except Image.DecompressionBombError:
        # more than twice the limit: Pillow refuses even to read the header
        return _(
            "has too many pixels, too large to publish; save it smaller (a "
            "phone's usual 4000×3000 is fine)"
        )
    except PHOTO_ERRORS:
        return unreadable
    if width * height > MAX_PIXELS:
        return _(
            "is %(width)s×%(height)s pixels, too large to publish; save it "
            "smaller (a phone's usual 4000×3000 is fine)",
            width=width,
            height=height,
        )
    promised = FORMATS.get(path.suffix.lower())
    if kind not in SUFFIX_OF_FORMAT:
        return _(
            "is a %(kind)s file; save it as JPEG, PNG or WebP and put it in its place",
            kind=kind,
        )
    if SUFFIX_OF_FORMAT[kind] != SUFFIX_OF_FORMAT.get(promised or ""):
        right = SUFFIX_OF_FORMAT[kind]
        return _(
            "is a %(kind)s file but its name ends in %(suffix)s; rename it to "
            "end in %(right)s and write that name in the note",
            kind=kind if kind != "MPO" else "JPEG",
            suffix=path.suffix,
            right=right,
        )
    return None


def static_file_problem(path: Path) -> str | None:
    """Why a file in a static folder (content/images/) may not be published,
    or None: only photos the build re-encodes leave it, never a link.
    """
    if path.is_symlink():
        return _(
            "is a symbolic link; only photos themselves are published: put "
            "the photo file itself here, or delete the link"
        )
    if path.suffix.lower() in (".heic", ".heif"):
        return _(
            "is an iPhone HEIC photo, which cannot be published; save it as "
            "JPEG (on the iPhone: Settings > Camera > Formats > Most "
            "Compatible, or share it as JPEG) and put it in its place"
        )
    if path.suffix.lower() not in FORMATS:
        return _(
            "is not a JPEG, PNG or WebP photo; only photos are published "
            "from %(folder)s (re-encoded, without their metadata): save it "
            "as JPEG, PNG or WebP, or move it out of the folder",
            folder=path.parent.name + "/",
        )
    return None


def static_problems(content_root: Path, folders: list[str]) -> list[Problem]:
    """Every file or link in the static folders that may not be published
    (hidden files are left out, as Pelican leaves them out).
    """
    problems = []
    for folder in folders:
        top = content_root / folder
        for here, dirs, files in os.walk(top):
            for name in sorted(dirs + files):
                path = Path(here) / name
                if name.startswith(".") or (name in dirs and not path.is_symlink()):
                    continue
                problem = static_file_problem(path)
                if problem:
                    problems.append(Problem(display_path(path), None, None, problem))
    return problems

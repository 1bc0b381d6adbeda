"""Draw the site's icon (a letter on a rounded square) and encode its files.

Plain Pillow, no Pelican here. The letter is shaped with Pillow's raqm
layout (HarfBuzz), so a Devanagari letter with a matra draws right.
"""

from __future__ import annotations

import hashlib
import io
import json

from PIL import Image, ImageDraw, ImageFont

# Sizes of favicon.ico (the tab) and of the PNG icons (home screen, manifest).
ICO_SIZES = (16, 32)
PNG_SIZES = {"apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}
SUPERSAMPLE = 512  # drawn once at this size, then scaled down
ICON_FILES = ("favicon.ico", *PNG_SIZES)
# Part of the cache key: change it when the drawing changes.
CODE_VERSION = "1"


def cache_key(text: str, font_digest: str, background: str, color: str) -> str:
    """A hash of everything the icon files are made from."""
    parts = [CODE_VERSION, text, font_digest, background, color, ICO_SIZES, PNG_SIZES]
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def draw_icon(text: str, font_path: str, background: str, color: str) -> Image.Image:
    """The icon at SUPERSAMPLE px: `text` centred on a rounded square."""
    size = SUPERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (0, 0, size - 1, size - 1), radius=size // 6, fill=background
    )
    font = ImageFont.truetype(
        font_path, round(size * 0.62), layout_engine=ImageFont.Layout.RAQM
    )
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font, language="hi")
    x = (size - (right - left)) / 2 - left
    y = (size - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=color, language="hi")
    return image


def png_bytes(image: Image.Image, size: int) -> bytes:
    buffer = io.BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(
        buffer, format="PNG", optimize=True
    )
    return buffer.getvalue()


def ico_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    return buffer.getvalue()


def manifest(name: str, short_name: str, start_url: str, colors: dict) -> bytes:
    """The web app manifest: name, Hindi, start page and the PNG icons."""
    data = {
        "name": name,
        "short_name": short_name,
        "lang": "hi",
        "dir": "ltr",
        "start_url": start_url,
        "scope": start_url,
        "display": "browser",
        "background_color": colors["background_color"],
        "theme_color": colors["theme_color"],
        "icons": [
            {
                "src": f"{start_url}{file}",
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for file, size in PNG_SIZES.items()
            if file.startswith("icon-")
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def icon_files(
    text: str, font_path: str, background: str, color: str
) -> dict[str, bytes]:
    """Every icon file, by its path at the site root."""
    image = draw_icon(text, font_path, background, color)
    files = {"favicon.ico": ico_bytes(image)}
    files |= {name: png_bytes(image, size) for name, size in PNG_SIZES.items()}
    return files

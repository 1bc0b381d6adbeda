"""Link-preview images (og:image): 1200×630 JPEGs under a size limit.

A note with a photo gets the photo cropped to fit; a note without one gets a
card with its Hindi title and the site name, shaped by Pillow's raqm layout
(HarfBuzz) so conjuncts and matras sit where they belong. Images are cached
by a hash of everything they are made from, so a rebuild makes none again.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from plugins.core.files import Making, file_digest, start_missing

# Bump when the drawing code changes: every cached image is then remade.
CODE_VERSION = "1"
SIZE = (1200, 630)
BACKGROUND = "#12355b"
ACCENT = "#ffd166"
TEXT = "#ffffff"
MARGIN = 72
TITLE_SIZES = (80, 72, 64, 58, 52, 46)
BAR = 14
LINE_HEIGHT = 1.45
SITE_SIZE = 34
QUALITIES = (85, 80, 75, 70, 60, 50, 40)
# Render in worker processes when at least this many images are missing.
PARALLEL_MIN = 32


@dataclass(frozen=True)
class Card:
    """What a generated card shows and the fonts it is drawn with."""

    title: str
    site: str
    font: str
    small_font: str


@dataclass(frozen=True)
class Crop:
    """A photo to crop to the preview size."""

    photo: str


def cache_key(source: Card | Crop, max_bytes: int) -> str:
    """A hash of everything the image is made from, code version included."""
    parts: dict[str, object]
    if isinstance(source, Card):
        parts = {
            "kind": "card",
            "title": source.title,
            "site": source.site,
            "font": file_digest(source.font),
            "small_font": file_digest(source.small_font),
        }
    else:
        parts = {"kind": "crop", "photo": file_digest(source.photo)}
    parts |= {"version": CODE_VERSION, "size": SIZE, "max_bytes": max_bytes}
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


@lru_cache(maxsize=32)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """The font with raqm layout (HarfBuzz shaping), never Pillow's basic one."""
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


class Lengths:
    """A font's text lengths (Pillow's getlength, shaped as Hindi), each
    text measured once: fitting a title measures a line again when it
    checks it, and a wrap at another size measures the same words.
    """

    def __init__(self) -> None:
        self.known: dict[tuple[object, int | float, str], float] = {}

    def __call__(self, font: ImageFont.FreeTypeFont, text: str) -> float:
        key = (font.path, font.size, text)
        length = self.known.get(key)
        if length is None:
            length = self.known[key] = font.getlength(text, language="hi")
        return length


def wrap(
    text: str,
    font: ImageFont.FreeTypeFont,
    width: int,
    lengths: Lengths | None = None,
    most: int | None = None,
) -> list[str]:
    """Lines of `text` broken at spaces, each at most `width` pixels if possible.

    With `most`: once more than `most` lines (at least one) are needed, the
    rest is not wrapped: the lines are the first ones, whole, and the first
    word of the next.
    """
    length = lengths or Lengths()
    keep = None if most is None else max(1, most)
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and length(font, candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
            if keep is not None and len(lines) > keep:
                break
    return lines


def line_step(font: ImageFont.FreeTypeFont) -> int:
    return round(font.size * LINE_HEIGHT)


def fit_title(title: str, font_path: str, width: int, height: int) -> tuple:
    """The largest title size whose wrapped lines fit the box; else cut with …."""
    length = Lengths()
    for size in TITLE_SIZES:
        font = load_font(font_path, size)
        # a size whose lines do not fit is not wrapped to the end
        lines = wrap(title, font, width, length, height // line_step(font))
        if line_step(font) * len(lines) <= height and all(
            length(font, x) <= width for x in lines
        ):
            return font, lines
    lines = lines[: max(1, height // line_step(font))]
    last = lines[-1]
    while last and length(font, last + " …") > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    lines[-1] = f"{last} …"
    return font, lines


@lru_cache(maxsize=8)
def site_mask(site: str, font_path: str, top: int) -> tuple[tuple, Image.Image]:
    """The site name as drawn at (MARGIN, top), as a mask of its box: drawn
    once, not once per card (the same pixels: ImageDraw.text fills the
    card's pixels through the glyphs' mask, as Image.paste of a colour
    through this mask does).
    """
    layer = Image.new("L", SIZE, 0)
    font = load_font(font_path, SITE_SIZE)
    ImageDraw.Draw(layer).text((MARGIN, top), site, font=font, fill=255, language="hi")
    box = layer.getbbox() or (0, 0, 1, 1)
    return box, layer.crop(box)


def draw_card(card: Card) -> Image.Image:
    """A 1200×630 card: the title in large type, the site name below a rule."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SIZE[0], BAR), fill=ACCENT)
    site_top = SIZE[1] - MARGIN - SITE_SIZE
    rule_top = site_top - 28
    box_top, box_bottom = BAR + 46, rule_top - 24
    font, lines = fit_title(
        card.title, card.font, SIZE[0] - 2 * MARGIN, box_bottom - box_top
    )
    step = line_step(font)
    top = box_top + (box_bottom - box_top - step * len(lines)) // 2
    for i, text in enumerate(lines):
        draw.text((MARGIN, top + i * step), text, font=font, fill=TEXT, language="hi")
    draw.rectangle((MARGIN, rule_top, MARGIN + 96, rule_top + 6), fill=ACCENT)
    box, mask = site_mask(card.site, card.small_font, site_top - 6)
    image.paste(ACCENT, box, mask)
    return image


def crop_photo(path: str) -> Image.Image:
    """The photo, upright, cropped and scaled to exactly 1200×630."""
    with Image.open(path) as im:
        upright = ImageOps.exif_transpose(im).convert("RGB")
    return ImageOps.fit(upright, SIZE, method=Image.Resampling.LANCZOS)


def encode_jpeg(image: Image.Image, max_bytes: int) -> bytes:
    """A progressive JPEG under `max_bytes`, lowering quality as needed."""
    for quality in QUALITIES:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if buffer.tell() < max_bytes:
            return buffer.getvalue()
    raise ValueError(f"whatsapp: cannot make a preview image under {max_bytes} bytes")


def render(source: Card | Crop, max_bytes: int) -> bytes:
    image = draw_card(source) if isinstance(source, Card) else crop_photo(source.photo)
    return encode_jpeg(image, max_bytes)


def cache_file(cache: Path, key: str) -> Path:
    return cache / key[:2] / f"{key}.jpg"


def _render_job(job: tuple[Card | Crop, int]) -> bytes:
    return render(*job)


def start_images(
    jobs: dict[Path, Card | Crop], max_bytes: int, workers: int | None = None
) -> Making:
    """Start rendering every missing image into the cache (in worker
    processes when many, which go on while the build does); wait() on the
    result before using them.
    """
    return start_missing(
        {path: (source, max_bytes) for path, source in jobs.items()},
        _render_job,
        PARALLEL_MIN,
        workers,
    )

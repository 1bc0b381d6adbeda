"""The cards' text: shaped by HarfBuzz (uharfbuzz), drawn from FreeType's
glyph bitmaps (freetype-py and the FreeType it bundles).

A line is split into runs of one script, as raqm splits it (a character of
no script of its own, a space, a digit, a mark, joins the run before it;
at the line's start, the first run after it), and each run is shaped as
Hindi with the whole line around it as context, so conjuncts and matras
sit where they belong. The runs follow one another in the line's order (a
right-to-left run is shaped right to left within itself; runs are not
reordered).

Glyphs sit on whole pixels (the pen rounded as Pillow rounds it), so a
glyph's bitmap depends on the font, the size and the glyph alone: each is
rendered once a process (hinted, as Pillow renders it: FT_LOAD_DEFAULT)
and laid on the mask where the line puts it, each pixel the largest
coverage of the glyphs over it (the same whatever the glyphs' order).

A line is as long as it reaches: from its ink's left edge or its start,
whichever is further left, to its ink's right edge or its advance,
whichever is further right (a final ी's hook, a "?", a combining mark
alone draw past their advances), and it is drawn from its leftmost reach:
the length a wrap measures is the width the line's drawing covers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import freetype
import uharfbuzz as hb
from PIL import Image

from plugins.core.files import stamp

# The language every run is shaped in (the cards' titles are Hindi).
LANGUAGE = "hi"


def pixel(value: int) -> int:
    """A 26.6 fixed-point length rounded to whole pixels, as FreeType
    and Pillow round a pen position.
    """
    return (value + 32) >> 6


@lru_cache(maxsize=4096)
def script_of(char: str) -> str | None:
    """The character's Unicode script as HarfBuzz's tag ("Deva", "Latn",
    "Arab"), None for a character of none of its own (Common, Inherited).
    """
    buffer = hb.Buffer()
    buffer.add_str(char)
    buffer.guess_segment_properties()
    return buffer.script


# A text of Devanagari and of characters of no script of their own that
# titles hold (ASCII digits and punctuation, spaces, dashes, quotes, …, ₹):
# one run (see runs()).
DEVANAGARI_LINE = re.compile(
    r"[\u0900-\u097f !-@\[-`{-~\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u20b9]*"
)


def runs(text: str) -> list[tuple[int, int, str | None]]:
    """(start, end, script) of the runs of one script in `text`: a
    character of no script takes the one before it, or at the start the
    first one after it (None if the text has none). A title's usual line
    (DEVANAGARI_LINE) is one run, found without going through it.
    """
    if text and DEVANAGARI_LINE.fullmatch(text):
        script = next((s for s in map(script_of, set(text)) if s), None)
        return [(0, len(text), script)]
    return script_runs(text)


def script_runs(text: str) -> list[tuple[int, int, str | None]]:
    """runs(), character by character."""
    scripts = [script_of(c) for c in text]
    current = next((s for s in scripts if s), None)
    found: list[tuple[int, int, str | None]] = []
    for i, script in enumerate(scripts):
        current = script or current
        if found and found[-1][2] == current:
            found[-1] = (found[-1][0], i + 1, current)
        else:
            found.append((i, i + 1, current))
    return found


# HarfBuzz keeps at most this many characters of a run's context on each
# side (HB_BUFFER_MAX_CONTEXT_LENGTH): a run is given no more, so a line of
# many runs is not copied whole for each.
CONTEXT = 5


def shaped_runs(font: hb.Font, text: str) -> list[hb.Buffer]:
    """`text` shaped run by run (see runs()), each run as Hindi with the
    text around it as context.
    """
    found = runs(text)
    codepoints = [ord(c) for c in text] if len(found) > 1 else []
    shaped = []
    for start, end, script in found:
        buffer = hb.Buffer()
        if codepoints:
            first = max(0, start - CONTEXT)
            around = codepoints[first : end + CONTEXT]
            buffer.add_codepoints(around, start - first, end - start)
        else:
            buffer.add_str(text)
        if script:
            buffer.script = script
        buffer.language = LANGUAGE
        buffer.guess_segment_properties()
        hb.shape(font, buffer)
        shaped.append(buffer)
    return shaped


@dataclass(frozen=True)
class Bitmap:
    """A glyph's coverage (None if it has no ink) and where it sits from
    the pen: `left` pixels right, `top` pixels above the baseline, `width`
    pixels wide and `height` pixels high (the coverage's size, kept as
    numbers: a line is laid from them without asking the image).
    """

    image: Image.Image | None
    left: int
    top: int
    width: int
    height: int


def rendered(face: freetype.Face, gid: int) -> Bitmap:
    """Glyph `gid` of `face` (at its size) rendered anti-aliased, hinted
    as Pillow renders it (FT_LOAD_DEFAULT, the normal render mode).
    """
    face.load_glyph(gid, freetype.FT_LOAD_DEFAULT | freetype.FT_LOAD_RENDER)
    slot = face.glyph
    bitmap = slot.bitmap
    image = None
    if bitmap.width and bitmap.rows:
        data = bytes(bitmap.buffer)
        size = (bitmap.width, bitmap.rows)
        image = Image.frombytes("L", size, data, "raw", "L", bitmap.pitch)
    return Bitmap(image, slot.bitmap_left, slot.bitmap_top, bitmap.width, bitmap.rows)


def freetype_face(path: str, size: int) -> freetype.Face:
    """The font file at `size` pixels (FT_Set_Pixel_Sizes, as Pillow sets it)."""
    face = freetype.Face(path)
    face.set_pixel_sizes(0, size)
    return face


def harfbuzz_font(path: str, face: freetype.Face) -> hb.Font:
    """The font file for HarfBuzz, scaled as FreeType's `face` (26.6 pixels)."""
    font = hb.Font(hb.Face(hb.Blob.from_file_path(path)))
    scale = (face.size.x_scale * face.units_per_EM + (1 << 15)) >> 16
    font.scale = (scale, scale)
    font.ppem = (face.size.x_ppem, face.size.y_ppem)
    return font


@dataclass(frozen=True)
class Laid:
    """A line as it is drawn: each inked glyph's bitmap and its top left
    corner from the line's origin on the baseline (whole pixels, y down),
    how far the line reaches left of the origin (`left`, 0 or less) and
    right of it (`right`), and its ink's top and bottom from the baseline
    (y down; both 0 if it has none).
    """

    glyphs: tuple[tuple[Image.Image, int, int], ...]
    left: int
    right: float
    top: int = 0
    bottom: int = 0

    @property
    def length(self) -> float:
        return self.right - self.left


def laid(
    shaped: list[hb.Buffer], bitmap: Callable[[int], Bitmap], known: dict[int, Bitmap]
) -> Laid:
    """The shaped runs side by side, each glyph's bitmap by `bitmap(gid)`
    (or `known[gid]`).
    """
    glyphs: list[tuple[Image.Image, int, int]] = []
    add = glyphs.append
    pen = left = right = 0
    top = bottom = None  # the ink's, once a glyph has some
    for buffer in shaped:
        for info, position in zip(
            buffer.glyph_infos, buffer.glyph_positions, strict=True
        ):
            gid = info.codepoint
            glyph = known.get(gid) or bitmap(gid)
            image = glyph.image
            if image is not None:
                # pixel(), written out: this loop runs for every glyph of
                # every line a title's fitting measures
                x = ((pen + position.x_offset + 32) >> 6) + glyph.left
                y = -((position.y_offset + 32) >> 6) - glyph.top
                add((image, x, y))
                if x < left:
                    left = x
                end = x + glyph.width
                if end > right:
                    right = end
                if top is None or y < top:
                    top = y
                end = y + glyph.height
                if bottom is None or end > bottom:
                    bottom = end
            pen += position.x_advance
    if top is None or bottom is None:
        top = bottom = 0
    return Laid(tuple(glyphs), left, max(right, pen / 64), top, bottom)


@dataclass(eq=False)
class Font:
    """A font file at a size: its shaping, its glyphs' bitmaps (each
    rendered once) and its ascender (the line's top to its baseline).
    One object a file's version (load_font): it is its own key.
    """

    path: str
    size: int
    face: freetype.Face = field(init=False, repr=False)
    hb_font: hb.Font = field(init=False, repr=False)
    ascender: int = field(init=False)
    bitmaps: dict[int, Bitmap] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.face = freetype_face(self.path, self.size)
        self.hb_font = harfbuzz_font(self.path, self.face)
        self.ascender = pixel(self.face.size.ascender)

    def bitmap(self, gid: int) -> Bitmap:
        found = self.bitmaps.get(gid)
        if found is None:
            found = self.bitmaps[gid] = rendered(self.face, gid)
        return found

    def laid(self, text: str) -> Laid:
        return laid(shaped_runs(self.hb_font, text), self.bitmap, self.bitmaps)

    def length(self, text: str) -> float:
        """The line's length in pixels: the width its drawing covers."""
        return self.laid(text).length


def load_font(path: str, size: int) -> Font:
    """The font file at `size`, one a process while the file stays (its
    glyphs drawn once): a file replaced or rewritten at its path between
    two builds of one process (`invoke serve`'s) is read again.
    """
    return font_file(path, size, stamp(path))


@lru_cache(maxsize=32)
def font_file(path: str, size: int, _stamp: tuple[int, ...] | None) -> Font:
    return Font(path, size)


def lighten(mask: Image.Image, image: Image.Image, xy: tuple[int, int]) -> None:
    """Each pixel of `mask` under `image` placed at `xy` the larger of the
    two (ImageChops.lighter on the region, on Pillow's image cores: a
    glyph's region is small, the wrappers' checks would be most of it).
    """
    box = (*xy, xy[0] + image.width, xy[1] + image.height)
    mask.im.paste(mask.im.crop(box).chop_lighter(image.im), box)


def draw_line(mask: Image.Image, xy: tuple[int, int], font: Font, text: str) -> None:
    """`text` in `font` on the coverage `mask`, its leftmost reach at
    `xy`'s x, its baseline the font's ascender below `xy`'s y.
    """
    line = font.laid(text)
    x, y = xy[0] - line.left, xy[1] + font.ascender
    for image, dx, dy in line.glyphs:
        lighten(mask, image, (x + dx, y + dy))

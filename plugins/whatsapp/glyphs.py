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
coverage of the glyphs over it (the same whatever the glyphs' order). A
font may map its bitmaps' coverage through levels that never go down as
the coverage grows (a palette's ramp): the largest of the levels is the
level of the largest coverage, so a line drawn from them is the line's
coverage mapped once.

A text shaped as one run can be cut into lines without shaping each line
again (Run): where HarfBuzz does not mark a glyph unsafe to break at, the
two sides shaped apart are the same glyphs, placed alike, as the run's.

A line is as long as it reaches: from its ink's left edge or its start,
whichever is further left, to its ink's right edge or its advance,
whichever is further right (a final ी's hook, a "?", a combining mark
alone draw past their advances), and it is drawn from its leftmost reach:
the length a wrap measures is the width the line's drawing covers.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING

import freetype
import uharfbuzz as hb
from PIL import Image

from plugins.core.files import stamp

if TYPE_CHECKING:
    from PIL._imaging import ImagingCore

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


def rendered(
    face: freetype.Face, gid: int, levels: tuple[int, ...] | None = None
) -> Bitmap:
    """Glyph `gid` of `face` (at its size) rendered anti-aliased, hinted
    as Pillow renders it (FT_LOAD_DEFAULT, the normal render mode), its
    coverage mapped through `levels` if given.
    """
    face.load_glyph(gid, freetype.FT_LOAD_DEFAULT | freetype.FT_LOAD_RENDER)
    slot = face.glyph
    bitmap = slot.bitmap
    image = None
    if bitmap.width and bitmap.rows:
        # the rows as they are in FreeType's memory (freetype-py's `buffer`
        # makes a list of every byte first: some 200 times as long)
        data = ctypes.string_at(
            bitmap._FT_Bitmap.buffer, abs(bitmap.pitch) * bitmap.rows
        )
        size = (bitmap.width, bitmap.rows)
        image = Image.frombytes("L", size, data, "raw", "L", bitmap.pitch)
        if levels is not None:
            image = image.point(levels)
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
    """A line as it is drawn: each inked glyph (its id) and its bitmap's
    top left corner from the line's origin on the baseline (whole pixels,
    y down), how far the line reaches left of the origin (`left`, 0 or
    less) and right of it (`right`), and its ink's top and bottom from the
    baseline (y down; both 0 if it has none).
    """

    glyphs: tuple[tuple[int, int, int], ...]
    left: int
    right: float
    top: int = 0
    bottom: int = 0

    @property
    def length(self) -> float:
        return self.right - self.left


# An inked glyph of a shaped text: where its bitmap starts from the text's
# origin, in 26.6 and half a pixel on (the pen and the glyph's x offset:
# its pixel is that rounded down from wherever the line starts), its id,
# its bitmap's left from the pen, width, top from the baseline (y down,
# whole pixels) and height.
Ink = tuple[int, int, int, int, int, int]


def inks(
    shaped: list[hb.Buffer], bitmap: Callable[[int], Bitmap], known: dict[int, Bitmap]
) -> tuple[list[Ink | None], list[int]]:
    """The glyphs of the shaped runs side by side (None for a glyph with
    no ink), each glyph's bitmap by `bitmap(gid)` (or `known[gid]`), and
    the pen before each glyph and after the last (26.6).
    """
    glyphs: list[Ink | None] = []
    pens = []
    pen = 0
    for buffer in shaped:
        for info, position in zip(
            buffer.glyph_infos, buffer.glyph_positions, strict=True
        ):
            gid = info.codepoint
            glyph = known.get(gid) or bitmap(gid)
            pens.append(pen)
            if glyph.image is None:
                glyphs.append(None)
            else:
                at = pen + position.x_offset + 32
                y = -pixel(position.y_offset) - glyph.top
                glyphs.append((at, gid, glyph.left, glyph.width, y, glyph.height))
            pen += position.x_advance
    pens.append(pen)
    return glyphs, pens


class Placing:
    """A line being laid glyph by glyph, its pen starting at `origin`
    (26.6): a longer line from the same start is the glyphs added so far
    and the next ones (`end`: the glyphs added, when they are a run's).
    """

    def __init__(self, origin: int, end: int = 0) -> None:
        self.origin, self.end = origin, end
        self.placed: list[tuple[int, int, int]] = []
        self.left = self.right = 0
        # the ink's top and bottom, meaningful once a glyph is placed
        self.top, self.bottom = 0, 0

    def add(self, glyphs: Iterable[Ink | None]) -> None:
        origin, add, placed = self.origin, self.placed.append, bool(self.placed)
        left, right, top, bottom = self.left, self.right, self.top, self.bottom
        for glyph in glyphs:
            if glyph is None:
                continue
            at, gid, glyph_left, width, y, height = glyph
            # pixel(), written out: this loop runs for every glyph of
            # every line a title's fitting measures
            x = ((at - origin) >> 6) + glyph_left
            add((gid, x, y))
            if x < left:
                left = x
            end = x + width
            if end > right:
                right = end
            end = y + height
            if not placed:
                top, bottom, placed = y, end, True
                continue
            if y < top:
                top = y
            if end > bottom:
                bottom = end
        self.left, self.right, self.top, self.bottom = left, right, top, bottom

    def laid(self, advance: int) -> Laid:
        """The line so far, its pen moved `advance` through it."""
        right = max(self.right, advance / 64)
        return Laid(tuple(self.placed), self.left, right, self.top, self.bottom)


def place(glyphs: Iterable[Ink | None], origin: int, advance: int) -> Laid:
    """A line of `glyphs` whose pen starts at `origin` and moves
    `advance` (26.6) through them.
    """
    line = Placing(origin)
    line.add(glyphs)
    return line.laid(advance)


def laid(
    shaped: list[hb.Buffer], bitmap: Callable[[int], Bitmap], known: dict[int, Bitmap]
) -> Laid:
    """The shaped runs side by side, each glyph's bitmap by `bitmap(gid)`
    (or `known[gid]`).
    """
    glyphs, pens = inks(shaped, bitmap, known)
    return place(glyphs, 0, pens[-1])


# HB_GLYPH_FLAG_UNSAFE_TO_BREAK as a number (a glyph's flags read as one:
# the flag enum's operators cost more than the rest of cutting a title)
UNSAFE = int(hb.GlyphFlags.UNSAFE_TO_BREAK)


class Cuts:
    """Where `text` shaped left to right as one run (`buffer`) may be cut
    at its spaces, each with the first glyph after the cut (`get`): its
    start and end, and each space's start and end that starts a cluster
    none of whose glyphs HarfBuzz marks unsafe to break at (its clusters
    follow the text's order: HarfBuzz's default cluster level keeps them
    so); None elsewhere. Each place is worked out when first asked: a wrap
    asks about most of a title's spaces but few of the starts after them
    (a glyph's flags cost more than the rest of cutting a title).
    """

    __slots__ = ("clusters", "infos", "known", "text")

    def __init__(self, buffer: hb.Buffer, text: str) -> None:
        self.infos = buffer.glyph_infos
        self.clusters = [info.cluster for info in self.infos]
        self.text = text
        self.known: dict[int, int | None] = {0: 0, len(text): len(self.infos)}

    def get(self, at: int) -> int | None:
        known = self.known
        if at in known:
            return known[at]
        text, found = self.text, None
        if 0 < at < len(text) and (text[at] == " " or text[at - 1] == " "):
            clusters = self.clusters
            first, end = bisect_left(clusters, at), bisect_right(clusters, at)
            infos = self.infos[first:end]
            if infos and not any(int(x.flags) & UNSAFE for x in infos):
                found = first
        known[at] = found
        return found


@dataclass(frozen=True)
class Run:
    """A text shaped once as one run, left to right: a part of it between
    two `cuts` (a line of a title) is laid from the run's glyphs, as it
    would be shaped alone, when its own run has the text's script: a part
    of one run is one run, of the text's script if it holds a character
    of that script (`scripted`: how many the text holds before each
    position), else of none (runs()). A part longer than the last asked
    from its start (a wrap's next candidate) adds only its next glyphs.
    """

    script: str | None
    glyphs: tuple[Ink | None, ...]
    pens: tuple[int, ...]
    cuts: Cuts
    scripted: tuple[int, ...]
    # the line laid last from each start, grown by the next part asked
    lines: dict[int, Placing] = field(default_factory=dict, compare=False, repr=False)

    def part(self, start: int, end: int) -> Laid | None:
        """text[start:end] laid, None if it is not cut out of the run."""
        first, last = self.cuts.get(start), self.cuts.get(end)
        if first is None or last is None or first >= last:
            return None
        if self.script is not None and self.scripted[end] == self.scripted[start]:
            return None
        line = self.lines.get(start)
        if line is None or line.end > last:
            line = self.lines[start] = Placing(self.pens[first], first)
        line.add(self.glyphs[line.end : last])
        line.end = last
        return line.laid(self.pens[last] - line.origin)


@dataclass(eq=False)
class Font:
    """A font file at a size: its shaping, its glyphs' bitmaps (each
    rendered once, its coverage mapped through `levels` if given) and its
    ascender (the line's top to its baseline). One object a file's
    version (load_font): it is its own key.
    """

    path: str
    size: int
    levels: tuple[int, ...] | None = None
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
            found = self.bitmaps[gid] = rendered(self.face, gid, self.levels)
        return found

    def ink(self, gid: int) -> Image.Image:
        """An inked glyph's bitmap."""
        image = self.bitmap(gid).image
        if image is None:
            raise ValueError(f"glyph {gid} of {self.path} has no ink")
        return image

    def laid(self, text: str) -> Laid:
        return laid(shaped_runs(self.hb_font, text), self.bitmap, self.bitmaps)

    def run(self, text: str) -> Run | None:
        """`text` shaped once to be cut into lines (Run), None if it is
        not one run left to right.
        """
        found = runs(text)
        if len(found) != 1:
            return None
        shaped = shaped_runs(self.hb_font, text)
        if shaped[0].direction != "ltr":
            return None
        glyphs, pens = inks(shaped, self.bitmap, self.bitmaps)
        script = found[0][2]
        scripted = accumulate((script_of(c) is not None for c in text), initial=0)
        return Run(
            script, tuple(glyphs), tuple(pens), Cuts(shaped[0], text), tuple(scripted)
        )

    def length(self, text: str) -> float:
        """The line's length in pixels: the width its drawing covers."""
        return self.laid(text).length


def load_font(path: str, size: int, levels: tuple[int, ...] | None = None) -> Font:
    """The font file at `size` (its coverage mapped through `levels`), one
    a process while the file stays (its glyphs drawn once): a file
    replaced or rewritten at its path between two builds of one process
    (`invoke serve`'s) is read again.
    """
    return font_file(path, size, stamp(path), levels)


@lru_cache(maxsize=32)
def font_file(
    path: str,
    size: int,
    _stamp: tuple[int, ...] | None,
    levels: tuple[int, ...] | None = None,
) -> Font:
    return Font(path, size, levels)


def lighten(mask: Image.Image, image: Image.Image, xy: tuple[int, int]) -> None:
    """Each pixel of `mask` under `image` placed at `xy` the larger of the
    two (ImageChops.lighter on the region, on Pillow's image cores: a
    glyph's region is small, the wrappers' checks would be most of it).
    """
    lighten_core(mask.im, image.im, xy)


def lighten_core(mask: ImagingCore, image: ImagingCore, xy: tuple[int, int]) -> None:
    """lighten() on the images' cores (Image.im, a property: a line's
    glyphs are drawn on one mask, its core taken once).
    """
    box = (*xy, xy[0] + image.size[0], xy[1] + image.size[1])
    mask.paste(mask.crop(box).chop_lighter(image), box)


def draw_laid(mask: Image.Image, xy: tuple[int, int], font: Font, line: Laid) -> None:
    """A line laid in `font` (or in the same file at the same size,
    another `levels`) on `mask`, its leftmost reach at `xy`'s x, its
    baseline the font's ascender below `xy`'s y.
    """
    x, y = xy[0] - line.left, xy[1] + font.ascender
    core = mask.im
    for gid, dx, dy in line.glyphs:
        lighten_core(core, font.ink(gid).im, (x + dx, y + dy))


def draw_line(mask: Image.Image, xy: tuple[int, int], font: Font, text: str) -> None:
    """`text` in `font` on the coverage `mask` (see draw_laid())."""
    draw_laid(mask, xy, font, font.laid(text))

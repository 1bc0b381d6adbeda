"""Link-preview images (og:image): 1200×630 images under a size limit.

A note with a photo gets the photo cropped to fit (a JPEG); a note without
one gets a card with its Hindi title and the site name, shaped by HarfBuzz
so conjuncts and matras sit where they belong (glyphs.py). A card
has three colours and their anti-aliased blends: it is drawn as coverage
masks and saved as a palette PNG (sharp text, a third of a JPEG's bytes):
only the rows of the title's box are drawn for each card (the rows above
and below it are the same on every card of a site, their deflate blocks
made once), and the box's deflate blocks are made by zlib-ng, several
times faster than zlib.
Images are cached by a hash of everything they are made from, so a rebuild
makes none again.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import ClassVar, Protocol

from PIL import Image, ImageColor, ImageDraw, ImageOps
from zlib_ng import zlib_ng

from plugins.core.errors import SettingError, display_path
from plugins.core.files import Making, file_digest, start_missing
from plugins.core.messages import _
from plugins.core.photos import eight_bit, on_white

from .glyphs import Font, Laid, Run, draw_laid, draw_line, lighten, load_font
from .settings import DEFAULTS

# Bump when the drawing code changes: every cached image is then remade.
CODE_VERSION = "8"
# A card's zlib stream made of parts (parted_stream), its frame's and its
# box's blank rows deflated once.
CARD_STREAM = "parted-blank"
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
# A card's palette: LEVELS colours from the background to the text's colour,
# then LEVELS - 1 from the background to the accent (the background once).
LEVELS = 32
# Render in worker processes when at least this many images are missing.
PARALLEL_MIN = 32


class Compressor(Protocol):
    """A zlib stream being made (zlib's and zlib-ng's compressobj())."""

    def compress(self, data: bytes | bytearray, /) -> bytes: ...
    def flush(self, mode: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class Card:
    """What a generated card shows and the fonts it is drawn with."""

    title: str
    site: str
    font: str
    small_font: str

    SUFFIX: ClassVar[str] = ".png"
    TYPE: ClassVar[str] = "image/png"


@dataclass(frozen=True)
class Crop:
    """A photo to crop to the preview size."""

    photo: str

    SUFFIX: ClassVar[str] = ".jpg"
    TYPE: ClassVar[str] = "image/jpeg"


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
            # how a card's bytes are made since CODE_VERSION 8 (a photo's
            # are made as they were: its name stays)
            "stream": CARD_STREAM,
        }
    else:
        parts = {"kind": "crop", "photo": file_digest(source.photo)}
    parts |= {"version": CODE_VERSION, "size": SIZE, "max_bytes": max_bytes}
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


# The characters of a title its lines are cut out of (Lengths): a card
# shows a few lines of it (some 400 characters at its smallest size, far
# fewer at the sizes tried before), so a long title, or a whole text
# pasted as one, is not shaped whole at each size its fitting tries: its
# start is (more than twice the longest title of content/), a line
# reaching past it is shaped alone.
RUN_CHARS = 250


class Lengths:
    """Texts laid out in a font, each once: fitting a title measures a
    line again when it checks it, and places the lines by their ink. A
    line of `title` (its words a space apart) is cut out of the title's
    first `run_chars` characters shaped once in each font (Run), where
    HarfBuzz lets it be: a part of that start shaped alone is laid as
    the same text shaped alone, wherever the start ends.
    """

    def __init__(self, title: str = "", run_chars: int = RUN_CHARS) -> None:
        self.known: dict[tuple[Font, str], Laid] = {}
        self.title = " ".join(title.split())[:run_chars]
        self.runs: dict[Font, Run | None] = {}

    def laid(self, font: Font, text: str) -> Laid:
        key = (font, text)
        line = self.known.get(key)
        if line is None:
            line = self.known[key] = self.cut(font, text) or font.laid(text)
        return line

    def cut(self, font: Font, text: str) -> Laid | None:
        """`text` laid from the title's run, if it is a part of the title
        the run may be cut out at (Run.part: its words, a space apart).
        """
        title = self.title
        if not text or not title:
            return None
        if font not in self.runs:
            self.runs[font] = font.run(title)
        run = self.runs[font]
        if run is None:
            return None
        start = title.find(text)
        while start != -1:
            line = run.part(start, start + len(text))
            if line is not None:
                return line
            start = title.find(text, start + 1)
        return None

    def __call__(self, font: Font, text: str) -> float:
        return self.laid(font, text).length


def wrap(
    text: str,
    font: Font,
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
        if lines:
            candidate = f"{lines[-1]} {word}"
            if length(font, candidate) <= width:
                lines[-1] = candidate
                continue
        lines.append(word)
        if keep is not None and len(lines) > keep:
            break
    return lines


def line_step(font: Font) -> int:
    return round(font.size * LINE_HEIGHT)


def reach(font: Font, lines: list[str], length: Lengths) -> tuple[int, int]:
    """How far the lines, a line_step apart, reach above the first one's
    top (0 or less) and below it (at least their steps): a mark drawn past
    the font's ascender (a Vedic accent) reaches further than its line.
    """
    spans = ink_spans(font, [length.laid(font, text) for text in lines])
    top = min([0, *(a for a, _ in spans)])
    bottom = max([line_step(font) * len(lines), *(b for _, b in spans)])
    return top, bottom


def ink_spans(font: Font, laid: list[Laid]) -> list[tuple[int, int]]:
    """The rows (top, end) the ink of each inked line of `laid` in `font`
    reaches, the lines a line_step apart, from the first one's top.
    """
    step = line_step(font)
    return [
        (i * step + font.ascender + line.top, i * step + font.ascender + line.bottom)
        for i, line in enumerate(laid)
        if line.glyphs
    ]


def height_of(font: Font, lines: list[str], length: Lengths) -> int:
    top, bottom = reach(font, lines, length)
    return bottom - top


def fit_title(
    title: str,
    font_path: str,
    width: int,
    height: int,
    lengths: Lengths | None = None,
) -> tuple:
    """The largest title size whose wrapped lines fit the box, their ink
    included; else cut with ….
    """
    length = lengths or Lengths()
    for size in TITLE_SIZES:
        font = load_font(font_path, size)
        # a size whose lines do not fit is not wrapped to the end
        lines = wrap(title, font, width, length, height // line_step(font))
        if height_of(font, lines, length) <= height and all(
            length(font, x) <= width for x in lines
        ):
            return font, lines
    lines = lines[: max(1, height // line_step(font))]
    # a line wider than the box (a word longer than it: a web address)
    # ends the title: it is cut below, not drawn past the card's edge
    fits = [length(font, x) <= width for x in lines]
    if False in fits:
        lines = lines[: fits.index(False) + 1]
    # lines whose ink reaches past the box (marks drawn high) end it too
    while len(lines) > 1 and height_of(font, lines, length) > height:
        lines.pop()
    last = lines[-1]
    while " " in last and length(font, last + " …") > width:
        last = last.rsplit(" ", 1)[0]
    if length(font, last + " …") > width:
        last = longest_start(last, lambda x: length(font, f"{x} …") <= width)
    lines[-1] = f"{last} …"
    return font, lines


def longest_start(word: str, fits: Callable[[str], bool]) -> str:
    """The longest start of `word` that `fits` (one character more does
    not), found by halving: a word of thousands of characters is cut in a
    handful of measurements, not one a character. The empty start is
    taken to fit.
    """
    low, high = 0, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(word[:middle]):
            low = middle
        else:
            high = middle - 1
    return word[:low]


def ramp(start: str, end: str) -> list[int]:
    """LEVELS colours from `start` to `end` (both included), as palette bytes."""
    a, b = ImageColor.getrgb(start), ImageColor.getrgb(end)
    return [
        round(a[c] + (b[c] - a[c]) * k / (LEVELS - 1))
        for k in range(LEVELS)
        for c in range(3)
    ]


# The card's palette: the text's ramp (index 0 is the background), then the
# accent's without its first colour (the background again).
PALETTE = ramp(BACKGROUND, TEXT) + ramp(BACKGROUND, ACCENT)[3:]
# A coverage (0-255) as the nearest level of each ramp, as a palette index.
TEXT_INDEX = tuple(round(v * (LEVELS - 1) / 255) for v in range(256))
ACCENT_INDEX = [k and LEVELS - 1 + k for k in TEXT_INDEX]
SITE_TOP = SIZE[1] - MARGIN - SITE_SIZE
RULE_TOP = SITE_TOP - 28
TITLE_TOP, TITLE_BOTTOM = BAR + 46, RULE_TOP - 24


# A card's PNG scanline: its filter byte (0: none, as for any palette
# image), then the row's palette indices. A card's parts are drawn on
# images a scanline wide, one column right of where they sit on the card:
# their bytes are the card's scanlines as they are, column 0 kept 0.
ROW = SIZE[0] + 1


def scanline_image(height: int) -> Image.Image:
    return Image.new("L", (ROW, height), 0)


def card_columns(image: Image.Image) -> None:
    """Nothing drawn left of the card (a part's ink there) in column 0,
    the scanlines' filter bytes (through the image's core: the image may
    be drawn in place, see card_scanlines()).
    """
    image.im.paste(0, (0, 0, 1, image.height))


@lru_cache(maxsize=8)
def accent_layer(site: str, font: Font) -> Image.Image:
    """The card's parts in the accent colour (the top bar, the rule, the
    site name in `font`, at SITE_SIZE) as palette indices, 0 elsewhere, a
    scanline image (ROW): the same on every card of a site, drawn once a
    font file's version.
    """
    layer = scanline_image(SIZE[1])
    draw = ImageDraw.Draw(layer)
    draw.rectangle((1, 0, ROW, BAR), fill=255)
    draw.rectangle((MARGIN + 1, RULE_TOP, MARGIN + 97, RULE_TOP + 6), fill=255)
    draw_line(layer, (MARGIN + 1, SITE_TOP - 6), font, site)
    card_columns(layer)
    return layer.point(ACCENT_INDEX)


@dataclass(frozen=True)
class Frame:
    """What every card of a site shares: its scanlines above the title's
    box and below it, and the accent's indices in the box (None when it
    has none there, as a site name of one line has not) with the rows of
    the box they reach (first, end).
    """

    above: bytes
    below: bytes
    inside: Image.Image | None
    reach: tuple[int, int] = (0, 0)


@lru_cache(maxsize=8)
def frame(site: str, font: Font) -> Frame:
    layer = accent_layer(site, font)
    inside = layer.crop((0, TITLE_TOP, ROW, TITLE_BOTTOM))
    bbox = inside.getbbox()
    return Frame(
        layer.crop((0, 0, ROW, TITLE_TOP)).tobytes(),
        layer.crop((0, TITLE_BOTTOM, ROW, SIZE[1])).tobytes(),
        inside if bbox else None,
        (bbox[1], bbox[3]) if bbox else (0, 0),
    )


@dataclass(frozen=True)
class Scanlines:
    """A card's PNG scanlines in parts: the frame's rows above the title's
    box (`above`) and below it (`below`), the same on every card of a site;
    in the box, `before` rows of nothing (all 0), the rows the title's ink
    or the accent reaches (`ink`), then `after` rows of nothing.
    """

    above: bytes
    before: int
    ink: bytes | bytearray
    after: int
    below: bytes

    def parts(self) -> tuple[bytes | bytearray, ...]:
        """The scanlines as they follow one another, blank rows included."""
        blank = bytes(ROW * self.before), bytes(ROW * self.after)
        return self.above, blank[0], self.ink, blank[1], self.below


def rows_reached(
    font: Font, laid: list[Laid], top: int, also: tuple[int, int]
) -> tuple[int, int]:
    """The rows of the title's box (first, end) that lines `laid` in `font`
    a line_step apart, the first one's top at `top` on the card, reach
    with their ink, and the rows `also` (of the box) too; within the box,
    (0, 0) if nothing is drawn in it.
    """
    at = top - TITLE_TOP
    spans = [(at + a, at + b) for a, b in ink_spans(font, laid)]
    spans = [span for span in (*spans, also) if span[0] < span[1]]
    first = max(0, min((a for a, _ in spans), default=0))
    end = min(TITLE_BOTTOM - TITLE_TOP, max((b for _, b in spans), default=0))
    return (first, end) if first < end else (0, 0)


def title_lines(
    card: Card, lengths: Lengths | None = None
) -> tuple[Font, list[str], int]:
    """The title's font and lines, fitted to its box (measured by
    `lengths`), and the first line's top on the card: the lines centred in
    the box by their steps, moved in as far as their ink reaches out (a
    mark drawn past the font's ascender).
    """
    length = lengths or Lengths(card.title)
    font, lines = fit_title(
        card.title, card.font, SIZE[0] - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP, length
    )
    top = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - line_step(font) * len(lines)) // 2
    above, below = reach(font, lines, length)
    return font, lines, min(max(top, TITLE_TOP - above), TITLE_BOTTOM - below)


def card_scanlines(card: Card) -> Scanlines:
    """A 1200×630 card as PNG scanlines of PALETTE's indices: the title in
    large type, the site name below a rule. The title is drawn as its
    glyphs' coverage in its box (the rows between the top bar and the
    rule: no ink is drawn outside them) mapped to the text's ramp (each
    glyph's bitmap mapped once: TEXT_INDEX never goes down as the coverage
    grows); the accent's parts lie over it. Only the rows of the box the
    title's ink or the accent reach are drawn for each card, into the
    bytes returned: the box's other rows are blank, the rest is the
    site's (frame()).
    """
    lengths = Lengths(card.title)
    font, lines, top = title_lines(card, lengths)
    step = line_step(font)
    ink = load_font(font.path, font.size, TEXT_INDEX)
    laid = [lengths.laid(font, line) for line in lines]
    shared = frame(card.site, load_font(card.small_font, SITE_SIZE))
    first, end = rows_reached(font, laid, top, shared.reach)
    rows = bytearray(ROW * (end - first))
    if rows:
        # the image's pixels are `rows` (Pillow's raw decoder, the same
        # stride): it is drawn on through its core, which writes in place
        box = Image.frombuffer("L", (ROW, end - first), rows, "raw", "L", 0, 1)
        for i, line in enumerate(laid):
            draw_laid(box, (MARGIN + 1, top - TITLE_TOP - first + i * step), ink, line)
        card_columns(box)
        if shared.inside is not None:
            lighten(box, shared.inside.crop((0, first, ROW, end)), (0, 0))
    after = TITLE_BOTTOM - TITLE_TOP - end
    return Scanlines(shared.above, first, rows, after, shared.below)


def draw_card(card: Card) -> Image.Image:
    """The card as an image ("P" mode, PALETTE): card_scanlines() read a
    scanline (ROW) apart, from the first row's first index.
    """
    rows = b"".join(card_scanlines(card).parts())
    image = Image.frombytes("P", SIZE, rows[1:], "raw", "P", ROW)
    image.putpalette(PALETTE)
    return image


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: its length, type, data and CRC."""
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def palette_png(data: bytes) -> bytes:
    """A SIZE palette PNG (8 bits an index, PALETTE's colours) whose image
    data is the zlib stream `data` of its scanlines.
    """
    header = struct.pack(">IIBBBBB", *SIZE, 8, 3, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            png_chunk(b"IHDR", header),
            png_chunk(b"PLTE", bytes(PALETTE)),
            png_chunk(b"IDAT", data),
            png_chunk(b"IEND", b""),
        )
    )


def whole_stream(
    parts: tuple[bytes | bytearray, ...], compressor: Callable[[], Compressor]
) -> bytes:
    """The zlib stream of `parts` (one after the other), made by a
    `compressor()`.
    """
    deflate = compressor()
    return b"".join([*map(deflate.compress, parts), deflate.flush()])


ADLER_BASE = 65521


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings one after the other, from the first's
    Adler-32, the second's (started from 1, as zlib.adler32 does) and the
    second's length: zlib's adler32_combine, which Python does not offer.
    """
    rem = second_length % ADLER_BASE
    low = first & 0xFFFF
    high = (rem * low) % ADLER_BASE
    low = (low + (second & 0xFFFF) + ADLER_BASE - 1) % ADLER_BASE
    high = (high + (first >> 16) + (second >> 16) + ADLER_BASE - rem) % ADLER_BASE
    return (high << 16) | low


# A card's level (see CARD_TRIES) as raw deflate, for a stream made of
# parts, and the zlib header zlib-ng writes at that level.
CARD_LEVEL = 2
RAW_CARD_LEVEL = partial(
    zlib_ng.compressobj, CARD_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS
)
ZLIB_HEADER = zlib_ng.compress(b"", CARD_LEVEL)[:2]


def raw_deflate(part: bytes | bytearray, last: bool) -> bytes:
    """`part` as raw deflate blocks that stand alone (no match reaches
    before them) and end on a byte: the stream's last blocks if `last`.
    """
    deflate = RAW_CARD_LEVEL()
    end = zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH
    return deflate.compress(part) + deflate.flush(end)


# A part of a card's stream: its raw deflate blocks, its Adler-32 (started
# from 1) and its length.
Part = tuple[bytes, int, int]


def stream_part(part: bytes | bytearray, last: bool) -> Part:
    return raw_deflate(part, last), zlib_ng.adler32(part), len(part)


@lru_cache(maxsize=16)
def kept_part(part: bytes, last: bool) -> Part:
    """stream_part() of a part every card of a site shares (the frame's rows
    above and below the title's box: the same bytes object each time, whose
    hash Python keeps), made once.
    """
    return stream_part(part, last)


@lru_cache(maxsize=TITLE_BOTTOM - TITLE_TOP + 1)
def blank_part(rows: int) -> Part:
    """stream_part() of `rows` blank rows of the title's box, made once a
    number of rows.
    """
    return stream_part(bytes(ROW * rows), False)


def parted_stream(scan: Scanlines) -> bytes:
    """The zlib stream of a card's scanlines at zlib-ng's CARD_LEVEL: the
    rows the title's ink reaches deflated for this card, the box's blank
    rows above and below them as deflated for the first card with as many
    (blank_part), the frame's rows as deflated for the first card of the
    site (kept_part), the blocks joined, the Adler-32 of the whole combined
    from the parts'. Matches never reach from one part into another: a few
    bytes more than whole_stream() makes, in a fraction of the time.
    """
    parts = (
        kept_part(scan.above, False),
        blank_part(scan.before),
        stream_part(scan.ink, False),
        blank_part(scan.after),
        kept_part(scan.below, True),
    )
    check = 1
    for _blocks, part_check, length in parts:
        check = adler32_combine(check, part_check, length)
    # an empty part but the last (which ends the stream) adds no block
    blocks = [data for data, _check, length in parts[:-1] if length]
    return b"".join((ZLIB_HEADER, *blocks, parts[-1][0], struct.pack(">I", check)))


def crop_photo(path: str) -> Image.Image:
    """The photo, upright, cropped and scaled to exactly 1200×630 (a 16-bit
    photo in 8 bits, its transparent parts white).
    """
    with Image.open(path) as im:
        upright = on_white(eight_bit(ImageOps.exif_transpose(im)))
    return ImageOps.fit(upright, SIZE, method=Image.Resampling.LANCZOS)


def hardest_stream(scan: Scanlines) -> bytes:
    """The card's scanlines as one zlib stream at zlib's most."""
    return whole_stream(scan.parts(), partial(zlib.compressobj, 9))


JPEG = tuple(
    {"format": "JPEG", "quality": q, "optimize": True, "progressive": True}
    for q in QUALITIES
)
# A card's zlib stream: zlib-ng's level 2 (a card's rows are mostly the
# background: some 0.4 ms and fewer bytes than zlib's level 1 makes in
# three times as long), made of parts (parted_stream), then zlib's most if
# that is over the limit. Not ISA-L, faster still: its levels but 0 leave
# memory unset that the matches it picks depend on, so a card's bytes
# differ now and then from one making to the next (the same pixels), and a
# build would not be the same bytes as the same build again.
CARD_TRIES: tuple[Callable[[Scanlines], bytes], ...] = (parted_stream, hardest_stream)


def first_under(max_bytes: int, tries: Iterable[bytes]) -> bytes | None:
    """The first of `tries` (made one after the other, as asked) smaller
    than `max_bytes`; None if none is.
    """
    return next((data for data in tries if len(data) < max_bytes), None)


def encode_card(rows: Scanlines, max_bytes: int) -> bytes | None:
    """The card's scanlines as a palette PNG, compressed by the first of
    CARD_TRIES that makes it small enough.
    """
    return first_under(max_bytes, (palette_png(make(rows)) for make in CARD_TRIES))


def saved(image: Image.Image, options: dict) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def encode(image: Image.Image, max_bytes: int, tries: tuple[dict, ...]) -> bytes | None:
    """The image saved with the first of `tries` (Pillow's save options)
    that makes it small enough.
    """
    return first_under(max_bytes, (saved(image, options) for options in tries))


def too_large(source: Card | Crop, max_bytes: int) -> SettingError:
    """The error of an image no try makes small enough: it names the
    setting and what the image is made from.
    """
    if isinstance(source, Card):
        return SettingError(
            _(
                "whatsapp: the preview card of the title '%(title)s' cannot be "
                'made smaller than WHATSAPP["image_max_bytes"] = %(limit)s '
                "bytes; raise the setting (%(default)s by default)",
                title=source.title,
                limit=max_bytes,
                default=DEFAULTS["image_max_bytes"],
            )
        )
    return SettingError(
        _(
            "whatsapp: the preview image of the photo %(photo)s cannot be made "
            'smaller than WHATSAPP["image_max_bytes"] = %(limit)s bytes; raise '
            "the setting (%(default)s by default) or use a less grainy photo",
            photo=display_path(source.photo),
            limit=max_bytes,
            default=DEFAULTS["image_max_bytes"],
        )
    )


def render(source: Card | Crop, max_bytes: int) -> bytes:
    if isinstance(source, Card):
        data = encode_card(card_scanlines(source), max_bytes)
    else:
        data = encode(crop_photo(source.photo), max_bytes, JPEG)
    if data is None:
        raise too_large(source, max_bytes)
    return data


def cache_file(cache: Path, key: str, suffix: str) -> Path:
    return cache / key[:2] / f"{key}{suffix}"


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

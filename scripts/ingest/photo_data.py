"""Where a photo's own bytes end: a JPEG, PNG or WebP followed by junk (a
file padded with zeros, another file glued on) is cut at its end, the
picture itself left byte for byte as it was (no re-encoding, no loss).

Pillow reads a picture and stops at its end without saying where that is;
the three formats mark it themselves: a JPEG's end-of-image marker after its
last scan, a PNG's IEND chunk, a WebP's RIFF length. A picture whose end is
not marked is decoded and saved again instead.
"""

from __future__ import annotations

import io
import struct

from PIL import Image

JPEG_START = b"\xff\xd8"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG markers that stand alone, without a length: TEM, RST0-7.
JPEG_NO_LENGTH = {0x01, *range(0xD0, 0xD8)}
JPEG_SOS, JPEG_EOI = 0xDA, 0xD9


def _jpeg_end(data: bytes) -> int | None:
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == JPEG_EOI:
            return pos + 2
        if marker in JPEG_NO_LENGTH:
            pos += 2
            continue
        if pos + 4 > len(data):
            return None
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
        if marker == JPEG_SOS:
            found = _scan_end(data, pos)
            if found is None:
                return None
            pos = found
    return None


def _scan_end(data: bytes, pos: int) -> int | None:
    """Where a scan's coded data ends (the next marker): an 0xFF in it is
    followed by 0x00 (a data byte), a restart marker or another 0xFF (fill).
    """
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return None
        following = data[pos + 1]
        if following == 0xFF:
            pos += 1
        elif following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        else:
            return pos


def _png_end(data: bytes) -> int | None:
    pos = len(PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos if pos <= len(data) else None
    return None


def _webp_end(data: bytes) -> int | None:
    (length,) = struct.unpack("<I", data[4:8])
    end = 8 + length + (length & 1)
    return end if end <= len(data) else None


def picture_bytes(data: bytes) -> bytes | None:
    """The picture in `data` without what follows its end, or None when its
    end is not marked (a JPEG without its end-of-image marker: zeros after
    its last scan read as more of the scan) or it is no JPEG, PNG or WebP.
    """
    end = None
    if data.startswith(JPEG_START):
        end = _jpeg_end(data)
    elif data.startswith(PNG_SIGNATURE):
        end = _png_end(data)
    elif len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        end = _webp_end(data)
    return data[:end] if end else None


def saved_again(data: bytes) -> bytes:
    """The picture decoded and saved again in its format: a JPEG with its
    own quantization tables and subsampling (quality 'keep', the least
    loss a new JPEG can have), its EXIF (orientation) and colour profile.
    Only what was decoded is written, whatever followed it.
    """
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        kind = "JPEG" if im.format == "MPO" else str(im.format)
        options: dict = {
            key: im.info[key] for key in ("exif", "icc_profile") if im.info.get(key)
        }
        if kind == "JPEG":
            options["quality"] = "keep"
        elif kind == "WEBP":
            options["lossless"] = bool(im.info.get("lossless"))
            options["quality"] = 95
        out = io.BytesIO()
        im.save(out, kind, **options)
    return out.getvalue()

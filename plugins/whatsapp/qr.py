"""QR codes (SVG, made with segno) for group invite links on the join page."""

from __future__ import annotations

import io

import segno

# Modules of quiet zone around the code: 4 is what scanners expect on paper.
BORDER = 4
SCALE = 4


def qr_code(link: str, title: str = "") -> tuple[bytes, int]:
    """A standalone SVG QR code of `link` (error correction M, for print), and
    its width (= height) in pixels.
    """
    code = segno.make(link, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=SCALE,
        border=BORDER,
        xmldecl=False,
        svgclass=None,
        lineclass=None,
        title=title or None,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue(), int(code.symbol_size(scale=SCALE, border=BORDER)[0])


def qr_svg(link: str, title: str = "") -> bytes:
    return qr_code(link, title)[0]

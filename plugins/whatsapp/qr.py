"""QR codes (SVG, made with segno) for group invite links on the join page."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import segno

from plugins.core.describe import stable_callable
from plugins.core.files import write_atomic

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


CACHE_FOLDER = "qr"  # in the preview images' cache folder
WIDTH = re.compile(rb'<svg[^>]* width="([0-9]+)"')


def cached_qr_code(link: str, title: str, cache: Path) -> tuple[Path, int]:
    """qr_code's SVG kept in `cache` under a name made of everything it is
    made from (segno's version, qr_code's own code, the layout, the link,
    the title), and its
    width: the join page's codes are made once, not at every build (60
    codes took a second of every build).
    """
    drawn_by = stable_callable(qr_code)  # its code: error level, colours...
    made_of = f"{segno.__version__}\0{drawn_by}\0{BORDER}\0{SCALE}\0{link}\0{title}"
    name = hashlib.blake2b(made_of.encode("utf-8"), digest_size=16).hexdigest()
    path = cache / CACHE_FOLDER / f"{name}.svg"
    try:
        found = WIDTH.search(path.read_bytes()[:1024])
        if found:
            return path, int(found.group(1))
    except OSError:
        pass
    svg, size = qr_code(link, title)
    write_atomic(path, svg)
    return path, size


def qr_svg(link: str, title: str = "") -> bytes:
    return qr_code(link, title)[0]

"""`invoke krutidev FILE`: convert a note typed in Kruti Dev 010 to Unicode.

The conversion is plugins/hindi_text/krutidev.py (the same rules the build's
check uses); this module reads and writes the files.
"""

from __future__ import annotations

from pathlib import Path

from plugins.core.errors import CommandError
from plugins.core.files import write_atomic, write_new
from plugins.hindi_text.krutidev import convert_note_text


def decode(data: bytes, src: Path) -> str:
    """UTF-8 (with or without BOM); else Windows-1252, as Word saves text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{src}: neither UTF-8 nor Windows-1252 text") from exc


def default_dest(src: Path) -> Path:
    return src.with_name(f"{src.stem}.unicode{src.suffix}")


def _create(path: Path, data: bytes, what: str) -> None:
    try:
        write_new(path, data)
    except FileExistsError:
        raise CommandError(
            f"refusing to overwrite existing {what} {path}; move or delete it first"
        ) from None


def convert_file(
    src: Path, dest: Path | None = None, *, in_place: bool = False
) -> Path:
    """Convert a Kruti Dev note with convert_note_text; return the path written.

    By default a NEW file ``<stem>.unicode<suffix>`` is written beside `src`
    (or `dest`), and `src` is left untouched; an existing destination is never
    overwritten. With ``in_place=True`` the original bytes are first saved to
    ``<name>.krutidev.bak`` (refused if that backup already exists) and `src`
    is then replaced atomically. The input may be UTF-8 or Windows-1252; the
    output is UTF-8 with the same line breaks.
    """
    src = Path(src)
    if in_place and dest is not None:
        raise CommandError("give either dest or in_place=True, not both")
    try:
        original = src.read_bytes()
    except OSError as e:
        raise CommandError(f"{src}: cannot be read ({e.strerror})") from None
    converted = convert_note_text(decode(original, src)).encode("utf-8")
    if in_place:
        _create(src.with_name(src.name + ".krutidev.bak"), original, "backup")
        write_atomic(src, converted, durable=True, keep_mode=True)
        return src
    target = Path(dest) if dest is not None else default_dest(src)
    _create(target, converted, "file")
    return target

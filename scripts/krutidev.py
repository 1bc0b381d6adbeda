"""`invoke krutidev FILE`: convert a note typed in Kruti Dev 010 to Unicode.

The conversion is plugins/hindi_text/krutidev.py (the same rules the build's
check uses); this module reads and writes the files.

A reporter who converts a note expects one note afterwards, so by default
the note is converted where it is and the original bytes are kept beside it
as ``<name>.krutidev.bak``, a name the build never reads (IGNORE_FILES in
pelicanconf.py). ``--output`` writes a new file instead and is refused
inside the folders the build reads, where it would publish the note twice.
"""

from __future__ import annotations

from pathlib import Path

from plugins.core.errors import CommandError, display_path
from plugins.core.files import write_atomic, write_new
from plugins.core.header import scan_header
from plugins.core.messages import _
from plugins.hindi_text.krutidev import convert_note_text
from plugins.press_notes.validate import krutidev_problems, save_as_utf8, wide_encoding

from .check import read_as_content
from .cli import readable_file

BACKUP_SUFFIX = ".krutidev.bak"


def decode(data: bytes, src: Path) -> str:
    """UTF-8 (with or without BOM); else Windows-1252, as Word saves text.

    A file saved as UTF-16 or UTF-32 (Notepad's "Unicode") is refused: read
    as Windows-1252 it would become Latin letters and NUL bytes, and be
    "converted" into nonsense.
    """
    wide = wide_encoding(data)
    if wide is not None:
        raise CommandError(
            _(
                "krutidev: %(file)s was not changed: %(advice)s; then run "
                ".venv/bin/invoke check --file %(file)s",
                file=display_path(src),
                advice=save_as_utf8(wide[0]),
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CommandError(
            _(
                "%(file)s: neither UTF-8 nor Windows-1252 text; open it in the "
                "editor it was typed in and save it as UTF-8 text",
                file=display_path(src),
            )
        ) from exc


def holds_krutidev(text: str, shown: str) -> bool:
    """Does the check find Kruti Dev in this note (its Hindi fields or text)?"""
    found = krutidev_problems(scan_header(text), shown, lambda *found: found)
    return bool(found)


def no_krutidev(src: Path) -> str:
    """Why a note without Kruti Dev was left as it is."""
    backup = backup_path(src)
    if backup.exists():
        return _(
            "krutidev: %(file)s holds no text typed in Kruti Dev, so it was "
            "not changed: it was converted already, and its original is kept "
            "in %(backup)s; check it with .venv/bin/invoke check --file %(file)s",
            file=display_path(src),
            backup=display_path(backup),
        )
    return _(
        "krutidev: %(file)s holds no text typed in Kruti Dev, so it was "
        "not changed (it is already Unicode Hindi, or not Hindi at all); "
        "check it with .venv/bin/invoke check --file %(file)s",
        file=display_path(src),
    )


def backup_path(src: Path) -> Path:
    """Where the original of a note converted in place is kept."""
    return src.with_name(src.name + BACKUP_SUFFIX)


def _create(path: Path, data: bytes, refusal: str) -> None:
    try:
        write_new(path, data)
    except FileExistsError:
        raise CommandError(refusal) from None


def convert_file(
    src: Path, dest: Path | None = None, *, in_place: bool = False
) -> Path:
    """Convert a Kruti Dev note with convert_note_text; return the path written.

    Without `dest` the note is converted in place: its original bytes are
    first saved to ``<name>.krutidev.bak`` (refused if that backup already
    exists) and `src` is then replaced atomically. With `dest` a NEW file is
    written and `src` is left untouched; an existing file is never
    overwritten. `in_place=True` asks for the default explicitly (refused
    together with `dest`). The input may be UTF-8 or Windows-1252; the output
    is UTF-8 with the same line breaks.
    """
    if in_place and dest is not None:
        raise CommandError(_("krutidev: give either --in-place or --output, not both"))
    # not there, a folder, not readable: said in the reporter's language
    src = readable_file(str(src), "krutidev")
    try:
        original = src.read_bytes()
    except OSError as e:
        raise CommandError(
            _(
                "krutidev: %(file)s cannot be read (%(reason)s); check the path",
                file=display_path(src),
                reason=e.strerror,
            )
        ) from None
    text = decode(original, src)
    if not holds_krutidev(text, display_path(src)):
        raise CommandError(no_krutidev(src))
    converted = convert_note_text(text).encode("utf-8")
    if dest is None:
        backup = backup_path(src)
        _create(
            backup,
            original,
            _(
                "krutidev: the backup %(backup)s already exists, so %(file)s was "
                "not changed; if %(file)s is already converted there is nothing "
                "to do, otherwise move the old backup away and run the command "
                "again",
                backup=display_path(backup),
                file=display_path(src),
            ),
        )
        write_atomic(src, converted, durable=True, keep_mode=True)
        return src
    target = Path(dest)
    _create(
        target,
        converted,
        _(
            "krutidev: %(file)s already exists and was not changed; choose "
            "another --output name or move that file away",
            file=display_path(target),
        ),
    )
    return target


def convert_command(
    settings: dict, src: Path, output: Path | None = None, *, in_place: bool = False
) -> str:
    """`invoke krutidev`: convert and say what was written, in the reader's
    language; an --output the build would read as a second note is refused.
    """
    if output is not None and read_as_content(settings, output):
        raise CommandError(
            _(
                "krutidev: --output %(output)s is inside the content folder, "
                "where the build would publish the note a second time; run the "
                "command without --output to convert the note where it is (a "
                "backup is kept), or write the copy outside %(content)s",
                output=display_path(output),
                content=display_path(settings["PATH"]),
            )
        )
    written = convert_file(src, output, in_place=in_place)
    if output is not None:
        return _(
            "krutidev: wrote the Unicode text to %(file)s; %(src)s is unchanged",
            file=display_path(written),
            src=display_path(src),
        )
    return _(
        "krutidev: converted %(file)s to Unicode Hindi; the original is kept in "
        "%(backup)s (the build does not read it); check the text, then run "
        ".venv/bin/invoke check",
        file=display_path(written),
        backup=display_path(backup_path(written)),
    )

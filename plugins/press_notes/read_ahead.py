"""Read a build's notes in processes forked from it, before Pelican asks.

Pelican reads the notes one by one, in the build's process. When many notes
are not in its reader cache (a cold build, or after a change of code or
settings), this reads them first in worker processes
(plugins/core/parallel.py) with the same reader, and hands each result to
the reader, which gives it to Pelican in place of reading the file again
(SafeMarkdownReader.read). What the reader returns depends only on the file,
so the build is the same whichever process read it; a note whose reading
logged a warning is read again by Pelican, which logs it, and so is a note
saved since it was read ahead (its file's stamp changed).

A plugin that hands Pelican some notes without reading them (page reuse
restores unchanged notes from its snapshot of the last build) names them
with `not_read_when`, so they are not read ahead for nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from pelican.utils import file_suffix

from plugins.core.files import stamp
from plugins.core.packed import held, squeeze
from plugins.core.parallel import fork_map, record

from .reader import SafeMarkdownReader

NOTES_READ = "notes read"

# By build (its settings dict): a test of the notes (absolute paths) another
# plugin will hand Pelican without reading them.
_not_read: dict[int, Callable[[str], bool]] = {}


def not_read_when(settings: dict, test: Callable[[str], bool] | None) -> None:
    """Notes for which `test(path)` is true are not read ahead in the build
    with these settings (None: every unread note is).
    """
    if test is None:
        _not_read.pop(id(settings), None)
    else:
        _not_read[id(settings)] = test


def forget_not_read() -> None:
    """Every build's test let go of: a build that failed before its end
    never took its own away, and its test (page reuse's note snapshot,
    holding that build's notes) would live as long as the process does.
    """
    _not_read.clear()


def unread_notes(generator) -> list[tuple[str, SafeMarkdownReader]]:
    """(absolute path, reader) of each note Pelican will read from its file:
    not in its reader cache, and of a format this plugin's reader reads.
    """
    readers = generator.readers
    files = generator.get_files(
        generator.settings["ARTICLE_PATHS"],
        exclude=generator.settings["ARTICLE_EXCLUDES"],
    )
    skip = _not_read.get(id(generator.settings), lambda path: False)
    found = []
    for rel in sorted(files):
        path = os.path.abspath(os.path.join(generator.path, rel))
        reader = readers.readers.get(file_suffix(path))
        if not isinstance(reader, SafeMarkdownReader):
            continue
        if readers.get_cached_data(path, (None, None))[0] is None and not skip(path):
            found.append((path, reader))
    return found


def apart(result: tuple) -> tuple:
    """A note's result as it waits for Pelican, its compressed HTML moved
    to the build's spill file as it arrives (plugins/core/packed.py, held):
    the reader cache and then the note keep that very handle (squeeze of
    the HTML unpacked from it gives it back), until the feeds.
    """
    then, (content, metadata) = result
    return then, (held(content), metadata)


def read_ahead(generator) -> int:
    """Read the notes Pelican will read, in other processes; how many were."""
    readers = dict(unread_notes(generator))
    paths = list(readers)

    def read_one(path: str) -> tuple:
        # the file's stamp before reading: the reader uses what was read only
        # if the file still has it (a note saved since is read again); the
        # HTML compressed, as every note's waits in the build until Pelican
        # asks for it
        then = stamp(path)
        content, metadata = readers[path].read_now(path)
        if isinstance(content, str):
            content = squeeze(content)
        return then, (content, metadata)

    done = 0
    results = fork_map(read_one, paths, shared=[generator.settings])
    for path, result in zip(paths, results, strict=True):
        if result is not None:
            readers[path].ahead[path] = apart(result)
            done += 1
    record(NOTES_READ, done, len(paths) - done)
    return done

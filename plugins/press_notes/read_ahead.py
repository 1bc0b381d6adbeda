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

Pelican does not wait for the last note to be read ahead: the notes are
read ahead in the order Pelican reads them, and each result is taken as
Pelican asks for its note (the reader's `pending`). So the build's own
work on each note (Pelican's Article, the enrichment, the note snapshot)
runs while the workers read the next ones, on the core a lone worker would
leave idle, instead of after them. The workers are forked before Pelican
reads (`read_ahead`), in the build's main thread, which takes every result;
the last ones are taken once Pelican has read every note (`all_read_ahead`).

A plugin that hands Pelican some notes without reading them (page reuse
restores unchanged notes from its snapshot of the last build) names them
with `not_read_when`, so they are not read ahead for nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from pelican.utils import file_suffix

from plugins.core.files import stamp
from plugins.core.packed import squeeze
from plugins.core.parallel import fork_map, record

from .reader import SafeMarkdownReader

NOTES_READ = "notes read"

# By build (its settings dict): a test of the notes (absolute paths) another
# plugin will hand Pelican without reading them.
_not_read: dict[int, Callable[[str], bool]] = {}
# By build (its settings dict): the notes being read ahead.
_reading: dict[int, ReadingAhead] = {}


def not_read_when(settings: dict, test: Callable[[str], bool] | None) -> None:
    """Notes for which `test(path)` is true are not read ahead in the build
    with these settings (None: every unread note is).
    """
    if test is None:
        _not_read.pop(id(settings), None)
    else:
        _not_read[id(settings)] = test


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
    # in the order Pelican reads them: it walks a set made as this one is
    for rel in files:
        path = os.path.abspath(os.path.join(generator.path, rel))
        reader = readers.readers.get(file_suffix(path))
        if not isinstance(reader, SafeMarkdownReader):
            continue
        if readers.get_cached_data(path, (None, None))[0] is None and not skip(path):
            found.append((path, reader))
    return found


class ReadingAhead:
    """The results of the notes read ahead, taken in their order as the
    readers ask for them.
    """

    def __init__(self, readers: dict[str, SafeMarkdownReader], results: Iterator):
        self.readers = readers
        self.paths = iter(readers)
        self.results = results
        self.waiting = set(readers)  # paths whose result is not taken yet
        self.done = 0

    def take_next(self) -> None:
        """Hand the next note's result to its reader (None: it reads it)."""
        path = next(self.paths)
        self.waiting.discard(path)
        result = next(self.results)
        if result is not None:
            self.readers[path].ahead[path] = result
            self.done += 1

    def until(self, path: str) -> None:
        """Take results until note `path`'s is taken (if it is read ahead)."""
        while path in self.waiting:
            self.take_next()

    def stop(self) -> None:
        """Stop taking results (the build failed): fork_map waits for its
        workers to end.
        """
        close = getattr(self.results, "close", None)
        if close is not None:
            close()

    def finish(self) -> None:
        """Take the last results (the workers end) and record the run."""
        while self.waiting:
            self.take_next()
        for _ in self.results:  # past the last: fork_map waits for its workers
            pass
        for reader in set(self.readers.values()):
            reader.pending = None
        record(NOTES_READ, self.done, len(self.readers) - self.done)


def read_ahead(generator) -> None:
    """Start reading the notes Pelican will read, in other processes: the
    readers take each result as Pelican asks for the note.
    """
    # builds run one at a time: one left here is a failed build's
    for left in _reading.values():
        left.stop()
    _reading.clear()
    readers = dict(unread_notes(generator))

    def read_one(path: str) -> tuple:
        # the file's stamp before reading: the reader uses what was read only
        # if the file still has it (a note saved since is read again); the
        # HTML compressed, as every note's waits in the build until Pelican
        # asks for it
        content, metadata = readers[path].read_now(path)
        if isinstance(content, str):
            content = squeeze(content)
        return stamp(path), (content, metadata)

    results = fork_map(read_one, list(readers), shared=[generator.settings])
    reading = _reading[id(generator.settings)] = ReadingAhead(readers, results)
    for reader in set(readers.values()):
        reader.pending = reading.until
    if readers:
        reading.take_next()  # the workers start now


def all_read_ahead(generator) -> None:
    """Pelican has read every note: take what is left of the notes read
    ahead (article_generator_pretaxonomy).
    """
    reading = _reading.pop(id(generator.settings), None)
    if reading is not None:
        reading.finish()

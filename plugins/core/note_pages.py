"""Note pages rendered in processes forked from the build.

Pelican renders each note page in turn (ArticlesGenerator.generate_articles);
a page depends only on its note and on what the build had before it began
writing, so the pages are split among worker processes (parallel.py) that
render and write them with the build's own writer, exactly as Pelican would.
Each worker sends back what writing a page recorded in the writer: the
files it wrote (Pelican refuses to write one twice) and whatever else the
writer keeps per page (`page_state`/`take_page_state`, such as page reuse's
record of the page and the note's described fields, which the list pages'
keys use). A page whose writing logged a warning or failed in a
worker is written again by the build itself, which logs it.

With few notes, one core, a receiver of Pelican's per-note
`article_generator_write_article` signal (which could change a note before
its page is written) or of `content_written` (sent for each file written,
it would be sent in a worker), Pelican renders the pages itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, MutableSet
from contextlib import contextmanager
from itertools import chain

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError

from .parallel import fork_map, record, workers_wanted

NOTE_PAGES = "note pages"
NOTE_LISTS = ("translations", "articles", "hidden_translations", "hidden_articles")


class _Recording(set):
    """A set that also lists what is added to it (in a worker only)."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self.added: list = []

    def add(self, item) -> None:
        self.added.append(item)
        super().add(item)


class OutputPaths(MutableSet):
    """Pelican's record of the files a writer wrote (Writer._written_files:
    it refuses to write one twice), a file under the output folder kept as
    its place in it (a note page's as the note's own save_as string: add_as),
    not as an absolute path of its own; any other path as it is.
    """

    def __init__(self, output: str, paths: Iterable[str] = ()) -> None:
        self.prefix = os.path.join(os.path.abspath(output), "")
        self.under: set[str] = set()
        self.other: set = set()
        for path in paths:
            self.add(path)

    def _place(self, path) -> tuple[set, str]:
        if isinstance(path, str) and path.startswith(self.prefix):
            return self.under, path[len(self.prefix) :]
        return self.other, path

    def __contains__(self, path) -> bool:
        where, key = self._place(path)
        return key in where

    def __iter__(self) -> Iterator:
        yield from (self.prefix + place for place in self.under)
        yield from self.other

    def __len__(self) -> int:
        return len(self.under) + len(self.other)

    def add(self, path) -> None:
        where, key = self._place(path)
        where.add(key)

    def add_as(self, path: str, name: str) -> None:
        """Add `path`, kept as the string `name` when that is its place."""
        where, key = self._place(path)
        where.add(name if key == name else key)

    def discard(self, path) -> None:
        where, key = self._place(path)
        where.discard(key)

    def update(self, paths: Iterable[str]) -> None:
        """Add each of `paths`, as a set's update does."""
        for path in paths:
            self.add(path)


def output_paths(writer) -> OutputPaths:
    """The writer's record of written files, made an OutputPaths first."""
    files = writer._written_files
    if not isinstance(files, OutputPaths):
        files = writer._written_files = OutputPaths(writer.output_path, files)
    return files


@contextmanager
def only(generator, notes: list) -> Iterator[None]:
    """Pelican's note lists of `generator` hold only `notes` for a while."""
    kept = {name: getattr(generator, name) for name in NOTE_LISTS}
    for name in NOTE_LISTS:
        setattr(generator, name, [])
    generator.articles = list(notes)
    try:
        yield
    finally:
        for name, value in kept.items():
            setattr(generator, name, value)


def writer_of(write):
    """The writer behind the `write` Pelican hands generate_articles (its
    write_file, or a functools.partial of it).
    """
    return getattr(getattr(write, "func", write), "__self__", None)


def render_in_workers(generator, write, pelican_writes) -> None:
    """Render every note page of `generator`, in worker processes when
    there are enough (see the module's docstring).
    """
    notes = list(chain.from_iterable(getattr(generator, n) for n in NOTE_LISTS))
    writer = writer_of(write)
    if (
        writer is None
        or signals.article_generator_write_article.receivers
        # a receiver of each written file would hear of it in a worker only
        or signals.content_written.receivers
        or not workers_wanted(len(notes))
    ):
        pelican_writes(write)
        return
    page_state = getattr(writer, "page_state", None)

    def render(index: int):
        written, overridden = writer._written_files, writer._overridden_files
        if not isinstance(written, _Recording):
            writer._written_files = written = _Recording(written)
            writer._overridden_files = overridden = _Recording(overridden)
        written.added.clear()
        overridden.added.clear()
        note = notes[index]
        with only(generator, [note]):
            pelican_writes(write)
        state = page_state(note.save_as, note=note) if page_state else None
        return list(written.added), list(overridden.added), state

    again = []
    results = fork_map(render, range(len(notes)), shared=[generator.settings])
    for note, result in zip(notes, results, strict=True):
        if result is None:
            again.append(note)
        else:
            take(writer, note, result)
    record(NOTE_PAGES, len(notes) - len(again), len(again))
    for note in again:
        # A worker may have written part of it: the build writes it whole.
        path = sanitised_join(writer.output_path, note.save_as)
        if os.path.lexists(path) and path not in writer._written_files:
            os.unlink(path)
        with only(generator, [note]):
            pelican_writes(write)


def take(writer, note, result) -> None:
    """Record in the build's writer what a worker's writing of `note` did
    (its record of written files kept as OutputPaths).
    """
    written, overridden, state = result
    files = output_paths(writer)
    twice = [p for p in written if p in files]
    if twice:  # as Pelican's own writer refuses it
        raise FileOverwriteFailedError(
            f'Failed to overwrite "{twice[0]}": two notes write it'
        )
    for path in written:
        files.add_as(path, note.save_as)
    writer._overridden_files.update(overridden)
    if state is not None:
        writer.take_page_state(note.save_as, state, note=note)


def render_note_pages_in_workers(generator) -> None:
    """Make `generator` render its note pages with render_in_workers."""
    pelican_writes = generator.generate_articles

    def generate_articles(write) -> None:
        render_in_workers(generator, write, pelican_writes)

    generator.generate_articles = generate_articles

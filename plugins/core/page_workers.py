"""Pages written through Pelican's writer by processes forked from the build.

A note page depends only on its note, a list page on its template, the
context and its variables: on what the build had before it began writing
them. So the pages are split among worker processes (parallel.py) that
write them with the build's own writer, exactly as the build would. Each
worker sends back what writing a page recorded in the writer: the files it
wrote (Pelican refuses to write one twice) and what the writer keeps per
page (`page_state`/`take_page_state`: page reuse's record of the page and
a note's digest, which the list pages' keys use). A page whose
writing logged a warning or failed in a worker is written again by the
build itself, which logs it; so is a page whose file a worker found there
already (another page's: the build refuses two pages writing one file).

Used by plugins/core/note_pages.py (every note page in workers) and
plugins/listings (`write_pages`: the first list page, and the first of
each template, written by the build before the workers are forked, so
that the memos every page's writing shares, page reuse's key of the site,
which the feeds' keys read later, and its analyses of each template, are
the build's and each worker starts with them). With few pages, one core,
or a receiver of Pelican's `content_written` (sent for each file written:
it would be sent in a worker), the build writes every page itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, MutableSet, Sequence
from typing import Any, NamedTuple

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError

from .parallel import fork_map, record, workers_wanted

LIST_PAGES = "list pages"


class Page(NamedTuple):
    """A page to write: its name in the output and how it is written; `kind`
    names what pages written alike share (their template), if anything.
    """

    name: str
    write: Callable[[], None]
    kind: str = ""


class Recording(set):
    """A set that also lists what is added to it (in a worker only)."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self.added: list = []

    def add(self, item) -> None:
        self.added.append(item)
        super().add(item)


class OutputPaths(MutableSet):
    """Pelican's record of the files a writer wrote (Writer._written_files:
    it refuses to write one twice) or wrote with `override` (a note page
    whose note has its own save_as: Writer._overridden_files), a file under
    the output folder kept as its place in it (a note page's as the note's
    own save_as string: add_as), not as an absolute path of its own; any
    other path as it is.
    """

    def __init__(self, output: str, paths: Iterable[str] = ()) -> None:
        self.prefix = os.path.join(os.path.abspath(output), "")
        self.under: set[str] = set()
        self.other: set = set()
        for path in paths:
            self.add(path)

    @classmethod
    def _from_iterable(cls, paths: Iterable) -> set:
        """What the set operators (|, -, &, ^) make of it: a plain set of
        the paths, as a set would give.
        """
        return set(paths)

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


WRITTEN, OVERRIDDEN = "_written_files", "_overridden_files"


def output_paths(writer, kept: str = WRITTEN) -> OutputPaths:
    """The writer's record `kept` (of written files, or overridden ones),
    made an OutputPaths first.
    """
    files = getattr(writer, kept)
    if not isinstance(files, OutputPaths):
        files = OutputPaths(writer.output_path, files)
        setattr(writer, kept, files)
    return files


def recorded(writer, page: Page, note=None) -> tuple[list, list, Any]:
    """In a worker: write `page` (of `note`, if a note's) and return what
    the writer recorded of it: the files written, the files overridden, and
    the writer's state of the page (page_state), if it keeps one.
    """
    written, overridden = writer._written_files, writer._overridden_files
    if not isinstance(written, Recording):
        writer._written_files = written = Recording(written)
        writer._overridden_files = overridden = Recording(overridden)
        writer._open_w = opening_new(writer, writer._open_w)
    written.added.clear()
    overridden.added.clear()
    page.write()
    page_state = getattr(writer, "page_state", None)
    state = page_state(page.name, note=note) if page_state else None
    return list(written.added), list(overridden.added), state


def opening_new(writer, open_w: Callable[..., Any]) -> Callable[..., Any]:
    """In a worker: the writer's `_open_w` (Pelican opens each file it writes
    with it), making a file it has no record of as a new one, never opening
    one there: that is another worker's (two pages write it), perhaps a page
    of the published site it hard-linked (page reuse), which would be
    written through. The page fails here and is written again by the build,
    which knows both.
    """

    def _open_w(filename, encoding, override=False):
        if filename in writer._written_files:
            return open_w(filename, encoding, override)
        return opened_new(writer, filename, encoding, override)

    return _open_w


def opened_new(writer, filename: str, encoding: str, override: bool):
    """A file the writer has no record of, made as a new one and opened to
    write, recorded as Pelican's `_open_w` records it (for such a file, all
    it does besides opening it). Made and opened at once: a file made empty,
    then opened again to be written, is truncated on that open, which makes
    ext4 write it out when it is closed (its replace-by-truncate safety),
    some 30 µs of system time a page.
    """
    fd = os.open(filename, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    if override:
        writer._overridden_files.add(filename)
    writer._written_files.add(filename)
    return open(fd, "w", encoding=encoding)


def refuse_twice(writer, paths) -> None:
    """Raise, as Pelican's writer does, if the build's writer has written
    one of `paths` (a page Pelican skips, another written in its place with
    override_output, such as a page's save_as, goes to os.devnull).
    """
    twice = [
        p
        for p in paths
        if p in writer._written_files
        and p != os.devnull
        and p not in writer._overridden_files
    ]
    if twice:
        raise FileOverwriteFailedError(
            f'Failed to overwrite "{twice[0]}": two pages write it'
        )


def take(writer, name: str, result, note=None) -> None:
    """Record in the build's writer what a worker's writing of page `name`
    (of `note`, if a note's) did (its record of written files kept as
    OutputPaths, the page's file as the string `name`).
    """
    written, overridden, state = result
    refuse_twice(writer, written)
    for kept, paths in ((WRITTEN, written), (OVERRIDDEN, overridden)):
        files = output_paths(writer, kept)
        for path in paths:
            files.add_as(path, name)
    if state is not None:
        writer.take_page_state(name, state, note=note)


def write_again(writer, page: Page) -> None:
    """Write `page` here; a worker may have written part of it, or removed
    the file of another page writing the same one (refused here).
    """
    path = sanitised_join(writer.output_path, page.name)
    refuse_twice(writer, [path])
    if os.path.lexists(path) and path not in writer._written_files:
        os.unlink(path)
    page.write()


def in_workers(
    writer,
    pages: Sequence[Page],
    what: str,
    shared: Sequence[object] = (),
    notes: Sequence[Any] | None = None,
    here: int = 0,
) -> None:
    """Write `pages` (of `notes`, one each, if notes' pages) in worker
    processes, taking back what each recorded; those a worker did not
    write, here. `here`: pages the caller wrote itself, for the record.
    """

    def work(index: int):
        return recorded(writer, pages[index], notes[index] if notes else None)

    again = []
    results = fork_map(work, range(len(pages)), shared=shared)
    for index, result in enumerate(results):
        if result is None:
            again.append(pages[index])
        else:
            take(writer, pages[index].name, result, notes[index] if notes else None)
    record(what, len(pages) - len(again), len(again) + here)
    for page in again:
        write_again(writer, page)


def firsts_of_kinds(pages: Sequence[Page]) -> list[int]:
    """The index of the first page of each kind, in order (the first page's
    among them).
    """
    seen: dict[str, int] = {}
    for index, page in enumerate(pages):
        seen.setdefault(page.kind, index)
    return list(seen.values())


def write_pages(writer, pages: Sequence[Page], shared: Sequence[object] = ()) -> None:
    """Write every list page, in worker processes when there are enough but
    the first of each kind (see the module's docstring): what a template's
    first page works out about it (page reuse's analyses of what it reads),
    every worker then starts with, instead of each working it out again.
    Two pages writing one file stop the build as before (Pelican's
    FileOverwriteFailedError naming the file), but which of the two the
    discarded staging folder holds may differ from a one-process build's.
    """
    firsts = firsts_of_kinds(pages)
    if (
        not pages
        or signals.content_written.receivers
        or not workers_wanted(len(pages) - len(firsts))
    ):
        for page in pages:
            page.write()
        return
    for index in firsts:
        pages[index].write()
    chosen = set(firsts)
    rest = [page for index, page in enumerate(pages) if index not in chosen]
    in_workers(writer, rest, LIST_PAGES, shared, here=len(firsts))

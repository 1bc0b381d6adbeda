"""Pages written through Pelican's writer by processes forked from the build.

A list page depends only on what the build had before it began writing it
(its template, the context, its variables), so the pages a generator
writes with `writer.write_file` can be split among worker processes
(parallel.py) that write them with the build's own writer, exactly as the
build would. Each worker sends back what writing a page recorded in the
writer: the files it wrote (Pelican refuses to write one twice) and what the
writer keeps per page (`page_state`/`take_page_state`: page reuse's record
of the page). A page whose writing logged a warning or failed in a worker
is written again by the build itself, which logs it.

The first page is written by the build before the workers are forked: the
memos every page's writing shares (page reuse's key of the site, read by
the feeds' keys later) are then the build's, and each worker starts with
them. With few pages, one core, or a receiver of Pelican's `content_written`
(sent for each file written: it would be sent in a worker), the build
writes every page itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError

from .parallel import fork_map, record, workers_wanted

LIST_PAGES = "list pages"


class Page(NamedTuple):
    """A page to write: its name in the output and how it is written."""

    name: str
    write: Callable[[], None]


class Recording(set):
    """A set that also lists what is added to it (in a worker only)."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self.added: list = []

    def add(self, item) -> None:
        self.added.append(item)
        super().add(item)


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
        if filename not in writer._written_files:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            os.close(os.open(filename, flags, 0o666))
        return open_w(filename, encoding, override)

    return _open_w


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
    (of `note`, if a note's) did.
    """
    written, overridden, state = result
    refuse_twice(writer, written)
    writer._written_files.update(written)
    writer._overridden_files.update(overridden)
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


def write_pages(writer, pages: Sequence[Page], shared: Sequence[object] = ()) -> None:
    """Write every page, all but the first in worker processes when there
    are enough (see the module's docstring).
    """
    if (
        not pages
        or signals.content_written.receivers
        or not workers_wanted(len(pages) - 1)
    ):
        for page in pages:
            page.write()
        return
    first, rest = pages[0], pages[1:]
    first.write()

    def work(index: int):
        return recorded(writer, rest[index])

    again = []
    results = fork_map(work, range(len(rest)), shared=shared)
    for page, result in zip(rest, results, strict=True):
        if result is None:
            again.append(page)
        else:
            take(writer, page.name, result)
    record(LIST_PAGES, len(rest) - len(again), len(again) + 1)
    for page in again:
        write_again(writer, page)

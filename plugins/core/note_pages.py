"""Note pages rendered in processes forked from the build.

Pelican renders each note page in turn (ArticlesGenerator.generate_articles);
a page depends only on its note and on what the build had before it began
writing, so the pages are split among worker processes (parallel.py) that
render and write them with the build's own writer, exactly as Pelican would.
Each worker sends back what writing a page recorded in the writer: the
files it wrote (Pelican refuses to write one twice) and whatever else the
writer keeps per page (`page_state`/`take_page_state`, such as page reuse's
record of the page and the note's digest, which the list pages' keys
use). A page whose writing logged a warning or failed in a
worker is written again by the build itself, which logs it.

With few notes, one core, a receiver of Pelican's per-note
`article_generator_write_article` signal (which could change a note before
its page is written) or of `content_written` (sent for each file written,
it would be sent in a worker), Pelican renders the pages itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from itertools import chain

from pelican import signals

from .page_workers import Page, in_workers
from .parallel import workers_wanted

NOTE_PAGES = "note pages"
NOTE_LISTS = ("translations", "articles", "hidden_translations", "hidden_articles")


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
    pages = [
        Page(note.save_as, partial(write_note, generator, write, pelican_writes, note))
        for note in notes
    ]
    in_workers(writer, pages, NOTE_PAGES, [generator.settings], notes)


def write_note(generator, write, pelican_writes, note) -> None:
    """Pelican writes the page of `note` alone."""
    with only(generator, [note]):
        pelican_writes(write)


def render_note_pages_in_workers(generator) -> None:
    """Make `generator` render its note pages with render_in_workers."""
    pelican_writes = generator.generate_articles

    def generate_articles(write) -> None:
        render_in_workers(generator, write, pelican_writes)

    generator.generate_articles = generate_articles

"""What the sitemaps need of each note: a record made once per note, from
which the sitemap files are made (by the full build and the fast path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from plugins.core.records import Ref, ref, refs
from plugins.feeds.render import updated


@dataclass(frozen=True)
class SeoNote:
    """One listed note as the sitemaps need it."""

    loc: str  # the note's canonical (absolute) URL
    lastmod: datetime  # when it last changed (`modified`, else `date`)
    published: datetime  # its `date`
    title: str
    thana: Ref
    category: Ref
    tags: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class SeoRecords:
    """What seo_files needs besides settings, registry and the time: every
    listed note, newest first (context["articles"] order), and the canonical
    URLs of the static pages.
    """

    notes: tuple[SeoNote, ...]
    pages: tuple[str, ...] = ()


def seo_note(note) -> SeoNote:
    return SeoNote(
        loc=note.canonical_url,
        lastmod=updated(note),
        published=note.date,
        title=str(note.title),
        thana=ref(note.thana),
        category=ref(note.category),
        tags=refs(getattr(note, "tags", None)),
    )


def seo_records(context: dict) -> SeoRecords:
    return SeoRecords(
        notes=tuple(seo_note(n) for n in context["articles"]),
        pages=tuple(p.canonical_url for p in context.get("pages", ())),
    )

"""What the per-note records of the aggregate outputs share.

Each plugin that makes a file from every note (sitemaps, feeds, redirects)
makes it in two steps, used by the full build and by the fast path alike: a
small record of each note (plain values, picklable, never a Pelican
article), then the files from the records of every published note. The
records are kept in the context under the keys in plugins/core/contract.py.

A record names its note's police station, category and tags as `Ref`s, so
that plugins/listings' grouping functions (`station_listings`,
`category_listings`, `tag_listings`, which read `.thana.slug`,
`.category.slug` and `.tags`) work on records as on notes: one rule for
which lists exist and in which order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """A police station, category or tag as a record holds it."""

    slug: str
    name: str
    url: str  # site-relative

    def __reduce__(self):
        # read back as the one Ref of its value (`_shared`): pickles made
        # apart (the parts of the site index) share their Refs again
        return (_shared, (self.slug, self.name, self.url))


@functools.lru_cache(maxsize=8192)
def _shared(slug: str, name: str, url: str) -> Ref:
    return Ref(slug, name, url)


def ref(thing) -> Ref:
    """A registry Thana or CategoryInfo, or a Pelican Tag, as a Ref: one
    object per value, so the records of 10,000 notes share their few
    hundred Refs (and a pickle of them holds each once).
    """
    return _shared(str(thing.slug), str(thing.name), str(thing.url))


def refs(things) -> tuple[Ref, ...]:
    return tuple(ref(t) for t in things or ())

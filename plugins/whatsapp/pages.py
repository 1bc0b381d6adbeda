"""What the build prints: share links and previews of notes, the join page,
the admin page of group digests. Plain data built from Pelican's articles,
the group registry and the share ledger.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import escape
from pelican.contents import Content

from plugins.core.contract import OG_IMAGE
from plugins.core.urls import canonical_url

from .groups import Group
from .ledger import LedgerState, Run
from .message import DigestItem, DigestPart, digest_parts, note_message, wa_link
from .plan import ShareNote, batch_runs, offers_by_group
from .preview import SIZE, Card, Crop, cache_file, cache_key


@dataclass(frozen=True)
class OgImage:
    """A page's link-preview image."""

    path: str  # site-relative output path
    url: str  # absolute
    alt: str
    type: str  # a card's "image/png", a photo's "image/jpeg"
    width: int = SIZE[0]
    height: int = SIZE[1]


@dataclass(frozen=True)
class GroupDigest:
    group_id: str
    name: str
    admin: str
    thanas: tuple[str, ...]
    notes: tuple[DigestItem, ...]
    parts: tuple[DigestPart, ...]


@dataclass(frozen=True)
class RunInfo:
    id: str
    time: datetime


@dataclass
class SharePage:
    runs: list[RunInfo] = field(default_factory=list)
    digests: list[GroupDigest] = field(default_factory=list)
    idle: list[Group] = field(default_factory=list)


def share_note(article) -> ShareNote:
    return ShareNote(
        url=article.url,
        title=str(article.title),
        date=article.date,
        thana_slug=article.thana.slug,
        district_wide=str(getattr(article, "scope", "")).strip() == "district",
    )


class ShareLink:
    """A note's share link, made when its page prints it: `make(of)`.

    The link is up to 2,000 characters; made for every note up front, the
    links of a 10,000-note archive would hold about 20 MB through the build.
    Each note's link holds the note and the build's one maker (share_maker),
    not a maker of its own.
    """

    __slots__ = ("_make", "_of")

    def __init__(self, make: Callable[[Any], str], of: Any):
        self._make = make
        self._of = of

    def __str__(self) -> str:
        return self._make(self._of)

    def __html__(self) -> str:
        return str(escape(self._make(self._of)))

    def __bool__(self) -> bool:
        return True


def note_share_url(article, conf: dict, site: str, words: dict[str, str]) -> str:
    """The wa.me link that shares one note."""
    text = note_message(
        conf["note_message"],
        title=str(article.title),
        summary=getattr(article, "summary_text", "") or "",
        url=article.canonical_url,
        site=site,
        words=words,
        summary_max_chars=conf["summary_max_chars"],
        max_link_chars=conf["max_link_chars"],
    )
    return wa_link(text)


def share_maker(conf: dict, site: str, words: dict[str, str]) -> Callable[[Any], str]:
    """The maker of a build's share links: note_share_url with the build's
    settings, site name and words.
    """
    return functools.partial(note_share_url, conf=conf, site=site, words=words)


def note_preview_source(article, content_root: Path, card: Card) -> Card | Crop:
    image = getattr(article, "image", None)
    if image is not None and getattr(image, "url", None):
        return Crop(photo=str(content_root / image.url))
    return card


def preview_alt(article, site: str) -> str:
    image = getattr(article, "image", None)
    if image is not None and image.alt:
        return image.alt
    return f"{article.title} — {site}"


def preview_name(
    source: Card | Crop,
    *,
    cache: Path,
    max_bytes: int,
    missing: dict[str, Card | Crop],
) -> tuple[str, str]:
    """The name a page's preview image takes beside the page, and its cached
    file's name in `cache` (noted in `missing` if it must be made).
    """
    cached = cache_file(cache, cache_key(source, max_bytes), source.SUFFIX)
    name = f"{cached.parent.name}/{cached.name}"
    if not cached.is_file():
        missing[name] = source
    return f"og-{cached.stem[:12]}{source.SUFFIX}", name


def placed_preview(
    source: Card | Crop,
    page_url: str,
    *,
    cache: Path,
    max_bytes: int,
    images: dict[str, str],
    missing: dict[str, Card | Crop],
) -> str:
    """The name of the page's preview image beside it; notes where it is
    placed (`images`) and if it must be made (`missing`), by its cached
    file's name in `cache` (one string, not a Path: held for every page
    until the images are placed).
    """
    name, cached = preview_name(
        source, cache=cache, max_bytes=max_bytes, missing=missing
    )
    images[f"{page_url}{name}"] = cached
    return name


# The media type of a preview image, by its name's suffix.
PREVIEW_TYPES = {Card.SUFFIX: Card.TYPE, Crop.SUFFIX: Crop.TYPE}
# Where a note keeps its preview (NotePreview).
KEPT_PREVIEW = "_og_image"


def preview_at(page_url: str, name: str, base: str, alt: str) -> OgImage:
    """The preview image `name` beside the page at `page_url`."""
    path = f"{page_url}{name}"
    return OgImage(
        path=path,
        url=canonical_url(base, path),
        alt=alt,
        type=PREVIEW_TYPES[name[name.rindex(".") :]],
    )


def note_og_image(note, name: str, base: str, site: str) -> OgImage:
    """The preview image of `note` whose file is `name` beside its page."""
    return preview_at(note.url, name, base, preview_alt(note, site))


class NotePreview:
    """A note's preview image (`og_image`), kept as its file's name with the
    build's base URL and site name (one string each for every note) and
    made from the note when read: the OgImage of every note, with its path,
    address and alt text, held about 600 bytes a note from the WhatsApp
    context to the build's end. Set as an OgImage, it is kept as it is.
    """

    def __get__(self, note, owner=None):
        if note is None:
            return self
        try:
            kept = vars(note)[KEPT_PREVIEW]
        except KeyError:
            raise AttributeError(OG_IMAGE) from None
        if isinstance(kept, tuple):
            return note_og_image(note, *kept)
        return kept

    def __set__(self, note, value) -> None:
        vars(note)[KEPT_PREVIEW] = value

    def __delete__(self, note) -> None:
        try:
            del vars(note)[KEPT_PREVIEW]
        except KeyError:
            raise AttributeError(OG_IMAGE) from None


def keep_preview(note, name: str, base: str, site: str) -> None:
    """`note`'s preview image is the file `name` beside its page."""
    vars(note)[KEPT_PREVIEW] = (name, base, site)


# Pelican's notes read their preview through NotePreview (a class attribute:
# every process that reads a note, forked or not, reads it the same way).
setattr(Content, OG_IMAGE, NotePreview())


def run_info(run: Run) -> RunInfo:
    return RunInfo(run.id, datetime.fromisoformat(run.time))


def share_page(
    state: LedgerState,
    groups: list[Group],
    *,
    base: str,
    site: str,
    conf: dict,
    words: dict[str, str],
) -> SharePage:
    """The admin page: per group, the batch's notes as ready-to-send messages."""
    runs = batch_runs(state)
    offers = offers_by_group(runs)
    page = SharePage(runs=[run_info(r) for r in runs])
    known = {g.id: g for g in groups}
    order = [g.id for g in groups] + sorted(set(offers) - set(known))
    for group_id in order:
        group = known.get(group_id)
        items = tuple(
            DigestItem(title=title, url=canonical_url(base, url))
            for url, title in offers.get(group_id, [])
        )
        if not items:
            if group is not None:
                page.idle.append(group)
            continue
        name = group.name if group else group_id
        parts = digest_parts(
            items,
            header=conf["digest_header"],
            item=conf["digest_item"],
            group=name,
            site=site,
            words=words,
            max_link_chars=conf["max_link_chars"],
        )
        page.digests.append(
            GroupDigest(
                group_id=group_id,
                name=name,
                admin=group.admin if group else "",
                thanas=tuple(t.name for t in group.thanas) if group else (),
                notes=items,
                parts=tuple(parts),
            )
        )
    return page


@dataclass(frozen=True)
class StationDigests:
    """One police station in the admin page's index: its groups' digests."""

    name: str  # the station's name ("" for groups no longer in the registry)
    digests: tuple[GroupDigest, ...]

    @property
    def notes(self) -> int:
        return sum(len(d.notes) for d in self.digests)


def share_index(page: SharePage, thana_names: list[str]) -> list[StationDigests]:
    """The digests grouped by police station, in registry order, for the
    list at the top of the admin page (a group covering two stations is
    under both); digests of groups no longer in the registry come last.
    """
    index = [
        StationDigests(name, tuple(d for d in page.digests if name in d.thanas))
        for name in thana_names
    ]
    index = [s for s in index if s.digests]
    unknown = tuple(d for d in page.digests if not d.thanas)
    if unknown:
        index.append(StationDigests("", unknown))
    return index


def offers_json(runs: list[Run], base: str) -> dict[str, list[str]]:
    """{group id: [absolute note URLs]} offered in `runs`."""
    return {
        group: [canonical_url(base, url) for url, _ in offers]
        for group, offers in offers_by_group(runs).items()
    }

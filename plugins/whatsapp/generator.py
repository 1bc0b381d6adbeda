"""The build's part: share links and previews on notes, the join page, the
admin page of group digests, and (for `invoke share`) recording a run.
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pelican.generators import Generator

from plugins.core import contract as c
from plugins.core.contract import all_notes
from plugins.core.files import Making, Within, cache_folder, place
from plugins.core.urls import canonical_url, site_base

from .ahead import remove_left, site_card, take_drawn
from .groups import groups_by_thana, is_demonstration, load_groups
from .ledger import LedgerState, prepare, read_ledger, write_run
from .pages import (
    OgImage,
    ShareLink,
    SharePage,
    keep_preview,
    note_preview_source,
    offers_json,
    placed_preview,
    preview_at,
    share_index,
    share_maker,
    share_note,
    share_page,
)
from .plan import plan_run
from .preview import Card, Crop, start_images
from .qr import cached_qr_code
from .settings import content_path, plugin_settings, publish_samples, run_request

logger = logging.getLogger(__name__)

# The WhatsApp generator of each build (by its settings dict) whose preview
# images wait for the note pages to be written.
_waiting: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def start_previews(generator, writer=None) -> None:
    """article_writer_finalized: the note pages are written, start drawing."""
    waiting = _waiting.get(id(generator.settings))
    if waiting is not None:
        waiting.start_drawing()


WORDS_TEMPLATE = "_whatsapp_words.html"


def whatsapp_words(env) -> dict[str, str]:
    """The words of share messages and previews, from the theme's catalog
    (`env`: the build's Jinja environment).
    """
    module = env.get_template(WORDS_TEMPLATE).module
    return {k: str(v) for k, v in module.words.items()}


def site_groups(settings: dict, registry) -> list:
    """The group registry (content/registry/groups.toml), checked."""
    conf = plugin_settings(settings)
    return load_groups(
        content_path(settings, conf["groups"]),
        registry,
        publish_samples=publish_samples(settings),
    )


def whatsapp_context(settings: dict, registry, groups) -> dict:
    """What the templates read from the plugin (join page link, station
    pages' groups, whether the groups shown are samples).
    """
    return {
        c.WHATSAPP_JOIN_URL: plugin_settings(settings)["join_url"],
        # the join page says when they are a demonstration (sample entries
        # or links that are not real)
        c.WHATSAPP_DEMO: any(map(is_demonstration, groups)),
        c.WHATSAPP_STATION_GROUPS: {
            thana.url: found
            for _area, stations in groups_by_thana(groups, registry)
            for thana, found in stations
        },
    }


class Previews:
    """The link-preview images of one build: each page's OgImage, the cached
    files to place in the output, and the images to draw into the cache.
    """

    def __init__(self, settings: dict, words: dict[str, str]):
        self.conf = conf = plugin_settings(settings)
        self.settings = settings
        self.site = settings["SITENAME"]
        self.base = site_base(settings)
        self.root = Path(settings["PATH"])
        self.words = words
        # the preview images' cache, found once (not once per note)
        self.cache = cache_folder(settings, conf["image_cache"])
        # what builds killed while drawing cards ahead left there
        remove_left(self.cache)
        # output path -> cached file, and the files to draw, by their names
        # in the cache (Paths are made when they are placed or drawn)
        self.images: dict[str, str] = {}
        self.missing: dict[str, Card | Crop] = {}
        self.making: Making | None = None
        self.making_started = 0.0
        self.drawn_ahead = 0
        self.share = share_maker(self.conf, self.site, words)

    def card(self, title: str) -> Card:
        return site_card(self.conf, self.site, title)

    def placed(self, source: Card | Crop, page_url: str) -> str:
        """The name of a page's preview image (placed_preview)."""
        return placed_preview(
            source,
            page_url,
            cache=self.cache,
            max_bytes=self.conf["image_max_bytes"],
            images=self.images,
            missing=self.missing,
        )

    def preview(self, source: Card | Crop, page_url: str, alt: str) -> OgImage:
        """The page's preview image; noted where it is placed and if it must
        be made.
        """
        return preview_at(page_url, self.placed(source, page_url), self.base, alt)

    def attach(self, note) -> None:
        """A note's share link (whatsapp_url) and preview image (og_image)."""
        note.whatsapp_url = ShareLink(self.share, note)
        source = note_preview_source(note, self.root, self.card(str(note.title)))
        keep_preview(note, self.placed(source, note.url), self.base, self.site)

    def join_image(self) -> OgImage:
        title = self.words["join_title"]
        return self.preview(
            self.card(title), self.conf["join_url"], f"{title} — {self.site}"
        )

    def start_drawing(self) -> None:
        if self.making is None:
            # the cards drawn ahead (ahead.py) are not drawn again
            self.drawn_ahead = take_drawn(self.settings, self.missing, self.cache)
            self.making = start_images(
                {self.cache / name: job for name, job in self.missing.items()},
                self.conf["image_max_bytes"],
            )
            self.making_started = time.perf_counter()

    def forget(self) -> None:
        """Let go of each note's image, cached file and drawing once the
        images are placed (held until the build's end before).
        """
        self.images.clear()
        self.missing.clear()
        self.making = None

    def drawing(self) -> set[Path]:
        """The cached files the workers draw (started now if not yet): the
        others are in the cache already.
        """
        self.start_drawing()
        return {self.cache / name for name in self.missing}

    def wait(self, each: Callable[[Path], object] | None = None) -> None:
        """Wait for the images being drawn into the cache (started now if not
        yet); `each(cached file)` as each is written (Making.wait).
        """
        self.start_drawing()
        assert self.making is not None
        started = time.perf_counter()
        self.making.wait(each)
        distinct = set(self.images.values())
        logger.info(
            "whatsapp: preview images: %d made, %d reused from %s (%d of those "
            "made drawn ahead; %.1f s since the rest were started, %.1f s "
            "waited for)",
            len(self.missing) + self.drawn_ahead,
            len(distinct) - len(self.missing) - self.drawn_ahead,
            self.cache,
            self.drawn_ahead,
            time.perf_counter() - self.making_started,
            time.perf_counter() - started,
        )


def waiting_files(
    files: Mapping[str, Path], drawing: set[Path]
) -> dict[Path, list[str]]:
    """{cached file being drawn: the paths in the output it goes to}, of the
    files to place `files` ({path in the output: cached file}).
    """
    later: dict[Path, list[str]] = {}
    for rel, cached in files.items():
        if cached in drawing:
            later.setdefault(cached, []).append(rel)
    return later


class PlacedFiles(Mapping):
    """The files to place ({path in the output: cached file}): the preview
    images `previews` holds (by their names in its cache, each Path made
    when asked for) and `others`.
    """

    def __init__(self, previews: Previews, others: dict[str, Path]) -> None:
        self.images, self.cache, self.others = previews.images, previews.cache, others

    def __getitem__(self, rel: str) -> Path:
        if rel in self.others:
            return self.others[rel]
        return self.cache / self.images[rel]

    def __iter__(self) -> Iterator[str]:
        yield from (rel for rel in self.images if rel not in self.others)
        yield from self.others

    def __len__(self) -> int:
        return len(self.images.keys() | self.others.keys())


@dataclass(frozen=True)
class Page:
    """A page to render with the theme: where, with which template (its name
    without .html) and variables (besides the build's context).
    """

    save_as: str
    template: str
    variables: dict


def whatsapp_output(
    settings: dict,
    registry,
    groups: list,
    share: SharePage,
    join_og: OgImage,
    previews: Previews,
) -> tuple[list[Page], Mapping[str, Path]]:
    """The join page and the admin page of group digests to render, and the
    files to place ({path in the output: cached file}): the preview images
    `previews` holds (those being drawn are placed once written: wait())
    and the join page's QR codes.
    """
    conf = plugin_settings(settings)
    join_url, share_url = conf["join_url"], conf["share_url"]
    codes: dict[str, Path] = {}
    qr = {}
    for group in groups:
        rel = f"{join_url}qr/{group.id}.svg"
        cached, size = cached_qr_code(group.invite, group.name, previews.cache)
        codes[rel] = cached
        qr[group.id] = (rel, size)
    files = PlacedFiles(previews, codes)
    pages = [
        Page(
            f"{join_url}index.html",
            "whatsapp",
            {
                "url": join_url,
                "join_areas": groups_by_thana(groups, registry),
                "qr_codes": qr,
                "og_image": join_og,
                "page_canonical_url": canonical_url(site_base(settings), join_url),
            },
        ),
        Page(
            f"{share_url}index.html",
            "whatsapp_share",
            {
                "url": share_url,
                "share": share,
                "share_index": share_index(share, [t.name for t in registry.thanas]),
            },
        ),
    ]
    return pages, files


class WhatsAppGenerator(Generator):
    def generate_context(self):
        self.conf = conf = plugin_settings(self.settings)
        registry = self.context[c.REGISTRY]
        self.groups = site_groups(self.settings, registry)
        self.base = site_base(self.settings)
        words = whatsapp_words(self.env)
        self.previews = Previews(self.settings, words)
        self.plan_file: Path | None = None  # for `invoke share`
        for note in all_notes(self.context):
            self.previews.attach(note)
        self.join_og = self.previews.join_image()
        # Made in worker processes once the note pages are written (their
        # own workers are done: at most one pool at a time), while the list
        # pages and feeds are rendered; the pages need only the images'
        # names (a hash of what they show), the output needs the files
        # (generate_output waits for them).
        _waiting[id(self.settings)] = self
        state = self.ledger_state()
        self.share = share_page(
            state,
            self.groups,
            base=self.base,
            site=self.settings["SITENAME"],
            conf=conf,
            words=words,
        )
        self.context.update(whatsapp_context(self.settings, registry, self.groups))

    def ledger_state(self) -> LedgerState:
        """The ledger; for `invoke share`, first plan and record this run."""
        path = content_path(self.settings, self.conf["ledger"])
        request = run_request(self.settings)
        if request is None:
            return read_ledger(path)
        record = bool(request.get("record"))
        state = prepare(path) if record else read_ledger(path)
        since = request.get("since")
        run = plan_run(
            run=request["run"],
            now=datetime.fromisoformat(request["now"]),
            groups=self.groups,
            notes=[share_note(a) for a in self.context["articles"]],
            state=state,
            new_group_days=self.conf["new_group_days"],
            only=request.get("groups"),
            since=datetime.fromisoformat(since) if since else None,
        )
        logger.info(
            "whatsapp: run %s: %d offer(s) to %d group(s)%s",
            run.id,
            len(run.offers),
            len({g for g, _, _ in run.offers}),
            "" if record else " (dry run: nothing recorded)",
        )
        if record and (run.offers or run.starts):
            write_run(path, run)
            state = read_ledger(path)
        elif not record:
            state = LedgerState(runs=[*state.runs, run])
        if request.get("plan_file"):
            # What this share run hands out: its own offers, and those of runs
            # recorded earlier but never published (after a crash).
            fresh = [r for r in state.runs if not r.shown and r.offers]
            self.plan = {
                "run": run.id,
                "new": offers_json([run], self.base),
                "batch": offers_json(fresh, self.base),
            }
            self.plan_file = Path(request["plan_file"])
        return state

    def start_drawing(self) -> None:
        _waiting.pop(id(self.settings), None)
        self.previews.start_drawing()

    def generate_output(self, writer):
        within = Within(Path(self.output_path))
        pages, files = whatsapp_output(
            self.settings,
            self.context[c.REGISTRY],
            self.groups,
            self.share,
            self.join_og,
            self.previews,
        )
        # the files in the cache are placed now, each image being drawn as
        # soon as it is written: the build places them while the workers
        # draw the last ones, not after
        later = waiting_files(files, self.previews.drawing())
        for rel, cached in files.items():
            if cached not in later:
                place(cached, within(rel))

        def placed(cached: Path) -> None:
            for rel in later.pop(cached, ()):
                place(cached, within(rel))

        self.previews.wait(placed)
        for cached in list(later):
            placed(cached)
        # placed: what the build knew of each note's image goes
        del files
        self.previews.forget()
        for page in pages:
            writer.write_file(
                page.save_as,
                self.get_template(page.template),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                **page.variables,
            )
        if self.plan_file is not None:
            self.plan_file.write_text(
                json.dumps(self.plan, ensure_ascii=False), encoding="utf-8"
            )

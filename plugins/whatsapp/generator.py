"""The build's part: share links and previews on notes, the join page, the
admin page of group digests, and (for `invoke share`) recording a run.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import weakref
from datetime import datetime
from pathlib import Path

from pelican.generators import Generator

from plugins.core import contract as c
from plugins.core.contract import all_notes
from plugins.core.files import Making, Within, cache_folder, place
from plugins.core.urls import canonical_url, site_base

from .groups import groups_by_thana, is_demonstration, load_groups
from .ledger import LedgerState, prepare, read_ledger, write_run
from .pages import (
    OgImage,
    ShareLink,
    note_preview_source,
    note_share_url,
    offers_json,
    og_image,
    preview_alt,
    share_index,
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


WORDS_TEMPLATE = "_whatsapp_words"


class WhatsAppGenerator(Generator):
    def generate_context(self):
        self.conf = conf = plugin_settings(self.settings)
        registry = self.context[c.REGISTRY]
        self.groups = load_groups(
            content_path(self.settings, conf["groups"]),
            registry,
            publish_samples=publish_samples(self.settings),
        )
        self.site = self.settings["SITENAME"]
        self.base = site_base(self.settings)
        module = self.get_template(WORDS_TEMPLATE).module
        self.words = {k: str(v) for k, v in module.words.items()}
        # the preview images' cache, found once (not once per note)
        self.image_cache = cache_folder(self.settings, conf["image_cache"])
        self.images: dict[str, Path] = {}  # output path -> cached file
        self.missing: dict[Path, Card | Crop] = {}
        self.plan_file: Path | None = None  # for `invoke share`
        self.previews()
        self.join_og = self.preview(
            self.card(self.words["join_title"]),
            conf["join_url"],
            f"{self.words['join_title']} — {self.site}",
        )
        # Made in worker processes once the note pages are written (their
        # own workers are done: at most one pool at a time), while the list
        # pages and feeds are rendered; the pages need only the images'
        # names (a hash of what they show), the output needs the files
        # (generate_output waits for them).
        self.making: Making | None = None
        self.making_started = 0.0
        _waiting[id(self.settings)] = self
        state = self.ledger_state()
        self.share = share_page(
            state,
            self.groups,
            base=self.base,
            site=self.site,
            conf=conf,
            words=self.words,
        )
        self.context[c.WHATSAPP_JOIN_URL] = conf["join_url"]
        # Station pages link their groups; the join page says when they are
        # a demonstration (sample entries or links that are not real).
        self.context[c.WHATSAPP_DEMO] = any(map(is_demonstration, self.groups))
        self.context[c.WHATSAPP_STATION_GROUPS] = {
            thana.url: groups
            for _area, stations in groups_by_thana(self.groups, registry)
            for thana, groups in stations
        }

    def card(self, title: str) -> Card:
        conf = self.conf
        return Card(title, self.site, conf["card_font"], conf["card_small_font"])

    def preview(self, source: Card | Crop, page_url: str, alt: str) -> OgImage:
        return og_image(
            source,
            page_url,
            alt,
            base=self.base,
            cache=self.image_cache,
            max_bytes=self.conf["image_max_bytes"],
            images=self.images,
            missing=self.missing,
        )

    def previews(self) -> None:
        """Attach whatsapp_url and og_image to every note."""
        root = Path(self.settings["PATH"])
        for note in all_notes(self.context):
            note.whatsapp_url = ShareLink(
                functools.partial(
                    note_share_url, note, self.conf, self.site, self.words
                )
            )
            note.og_image = self.preview(
                note_preview_source(note, root, self.card(str(note.title))),
                note.url,
                preview_alt(note, self.site),
            )

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
        if self.making is None:
            _waiting.pop(id(self.settings), None)
            self.making = start_images(self.missing, self.conf["image_max_bytes"])
            self.making_started = time.perf_counter()

    def preview_images(self) -> None:
        """Wait for the preview images (started after the note pages)."""
        self.start_drawing()
        assert self.making is not None
        started = time.perf_counter()
        self.making.wait()
        distinct = set(self.images.values())
        logger.info(
            "whatsapp: preview images: %d made, %d reused from %s (%.1f s since "
            "they were started, %.1f s waited for)",
            len(self.missing),
            len(distinct) - len(self.missing),
            self.image_cache,
            time.perf_counter() - self.making_started,
            time.perf_counter() - started,
        )

    def generate_output(self, writer):
        self.preview_images()
        out = Path(self.output_path)
        within = Within(out)
        for rel, cached in self.images.items():
            place(cached, within(rel))
        join_url, share_url = self.conf["join_url"], self.conf["share_url"]
        qr = {}
        for group in self.groups:
            rel = f"{join_url}qr/{group.id}.svg"
            cached, size = cached_qr_code(group.invite, group.name, self.image_cache)
            place(cached, within(rel))
            qr[group.id] = (rel, size)
        writer.write_file(
            f"{join_url}index.html",
            self.get_template("whatsapp"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=join_url,
            join_areas=groups_by_thana(self.groups, self.context[c.REGISTRY]),
            qr_codes=qr,
            og_image=self.join_og,
            page_canonical_url=canonical_url(self.base, join_url),
        )
        writer.write_file(
            f"{share_url}index.html",
            self.get_template("whatsapp_share"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=share_url,
            share=self.share,
            share_index=share_index(
                self.share, [t.name for t in self.context["registry"].thanas]
            ),
        )
        if self.plan_file is not None:
            self.plan_file.write_text(
                json.dumps(self.plan, ensure_ascii=False), encoding="utf-8"
            )

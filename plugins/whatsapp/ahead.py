"""Preview cards drawn ahead, while the build's process works alone.

Once the notes are read ahead (plugins/press_notes/read_ahead.py, both
cores busy), the build's process runs Pelican's pass over the notes and the
generators' contexts alone, and the other core idles. A note without a photo
gets a card of its title and the site's name, known from what was read
ahead, so one process forked from the build draws those cards meanwhile,
into a folder of its own in the image cache. It stops before the note pages
are written (their workers take both cores), finishing the card it draws.

The preview step (generator.py) then takes from that folder each card it
would draw: a card is named, as in the cache, by the hash of everything it
is made from (preview.cache_key), so one drawn from a title or a font that
changed since is not the one asked for, and is drawn again. The folder is
removed once the cards are taken, and when the build fails (nothing drawn
ahead reaches the cache then). A build that is killed cannot remove it: the
folder is named with the build's process id, and the preview step of every
build using the cache removes each folder whose build has ended
(`remove_left`; a build whose notes all come from Pelican's cache reads
none ahead and draws none ahead, but still clears what was left).
"""

from __future__ import annotations

import logging
import os
import shutil
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from pathlib import Path

from plugins.core import background, children, parallel
from plugins.core.files import cache_folder, write_atomic
from plugins.press_notes.reader import SafeMarkdownReader

from .preview import Card, Crop, cache_file, cache_key, render
from .settings import plugin_settings

logger = logging.getLogger(__name__)

# Fewer cards than this are left to the preview step (a process for them
# would cost more than it saves).
AHEAD_MIN = 64
# How long a stop waits for the card being drawn (seconds), then kills.
STOP_WAIT = 30.0

# A folder of cards drawn ahead: PREFIX, the build's process id, "-", more.
PREFIX = ".ahead-"

# Set on the articles generator once its build's cards are considered.
STARTED = "whatsapp_cards_ahead"
# By build (its settings dict): its cards drawn ahead.
_builds: dict[int, Ahead] = {}


def site_card(conf: dict, site: str, title: str) -> Card:
    """The card of a title on this site (WHATSAPP's fonts)."""
    return Card(title, site, conf["card_font"], conf["card_small_font"])


def has_photo(metadata: dict) -> bool:
    image = metadata.get("image")
    return isinstance(image, str) and bool(image.strip())


def titles_read_ahead(readers) -> list[str]:
    """The titles of the notes read ahead that have no photo, in order."""
    titles = []
    seen = set()
    for reader in readers.readers.values():
        if not isinstance(reader, SafeMarkdownReader) or id(reader) in seen:
            continue
        seen.add(id(reader))
        for _stamp, (_content, metadata) in reader.ahead.values():
            title = metadata.get("title")
            if title is not None and not has_photo(metadata):
                titles.append(str(title))
    return titles


def _draw(
    cards: list[Card],
    max_bytes: int,
    cache: Path,
    folder: Path,
    stop: Event,
    build: int,
) -> None:
    """In the forked process: each card not in the cache, into `folder`
    under its cache name, until told to stop. A card that cannot be drawn
    is left to the preview step, which reports it.
    """
    children.worker_start(build)
    for card in cards:
        if stop.is_set():
            return
        cached = cache_file(cache, cache_key(card, max_bytes), card.SUFFIX)
        drawn = folder / cached.name
        if cached.is_file() or drawn.is_file():
            continue
        try:
            data = render(card, max_bytes)
        except Exception:  # noqa: BLE001 - drawn again, and reported, later
            continue
        write_atomic(drawn, data)


def remove_left(cache: Path) -> int:
    """Remove the folders of cards drawn ahead that builds which have ended
    left in `cache` (a build killed while drawing cannot remove its own);
    how many. A build still running keeps its folder.
    """
    return children.remove_ended(cache, PREFIX)


class Ahead:
    """The cards of one build drawn ahead: the drawing process and its folder."""

    def __init__(self, cards: list[Card], max_bytes: int, cache: Path) -> None:
        self.folder = children.own_folder(cache, PREFIX)
        self.stop_event = get_context("fork").Event()
        self.process: BaseProcess | None = get_context("fork").Process(
            target=_draw,
            args=(cards, max_bytes, cache, self.folder, self.stop_event, os.getpid()),
            daemon=True,
        )
        try:
            self.process.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def stop(self) -> None:
        """Stop drawing (the card being drawn is finished); wait for it."""
        process, self.process = self.process, None
        if process is None:
            return
        self.stop_event.set()
        process.join(STOP_WAIT)
        if process.is_alive():
            process.kill()
            process.join()
        if process.exitcode:
            logger.info(
                "whatsapp: the process drawing preview cards ahead ended with "
                "exit code %s; the preview step draws the cards it did not",
                process.exitcode,
            )

    def take(self, missing: dict[str, Card | Crop], cache: Path) -> int:
        """Stop; move each card drawn ahead that `missing` wants (by its
        file's name in `cache`) into its place in the cache and drop it from
        `missing`; how many were.
        """
        self.stop()
        taken = 0
        for name in list(missing):
            path = cache / name
            drawn = self.folder / path.name
            if not drawn.is_file():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(drawn, path)
            del missing[name]
            taken += 1
        return taken

    def discard(self) -> None:
        """Stop, and remove what was drawn and not taken."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(generator) -> None:
    """article_generator_preread (its first, once per build): start drawing
    the cards of the notes read ahead, if there are enough and cores to
    spare.
    """
    if getattr(generator, STARTED, False):
        return
    setattr(generator, STARTED, True)
    settings = generator.settings
    conf = plugin_settings(settings)
    titles = titles_read_ahead(generator.readers)
    if not parallel.workers_wanted(len(titles), AHEAD_MIN):
        return
    cards = [site_card(conf, settings["SITENAME"], t) for t in titles]
    cache = cache_folder(settings, conf["image_cache"])
    try:
        ahead = Ahead(cards, conf["image_max_bytes"], cache)
    except OSError as e:
        # no folder or no process: the preview step draws every card
        logger.info("whatsapp: no preview cards drawn ahead (%s)", e)
        return
    _builds[id(settings)] = ahead

    def end() -> None:
        _builds.pop(id(settings), None)
        ahead.discard()

    background.started(settings, end)


def stop(generators) -> None:
    """all_generators_finalized: the note pages are next; stop drawing."""
    if generators:
        ahead = _builds.get(id(generators[0].settings))
        if ahead is not None:
            ahead.stop()


def take_drawn(settings: dict, missing: dict[str, Card | Crop], cache: Path) -> int:
    """Move the build's cards drawn ahead that `missing` wants (by their
    files' names in `cache`) into the cache, dropping them from `missing`,
    and remove the rest; how many were taken (0 when none were drawn ahead).
    """
    ahead = _builds.pop(id(settings), None)
    if ahead is None:
        return 0
    try:
        return ahead.take(missing, cache)
    finally:
        ahead.discard()

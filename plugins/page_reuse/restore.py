"""Restore unchanged notes as the last build read them, instead of reading them.

Every build reads each note through Pelican's reader (from Pelican's reader
cache when the file is unchanged) and the press_notes plugin enriches it
from the registries and its photo: at 10,000 notes that is seconds of work
whose result is the same as last time. This module keeps, for each
published note, the Article object exactly as it stood when Pelican had
made it (the content_object_init signal, before any later plugin touched
it), pickled, with the stamp (modification time, size) its file had
before the build read it and the stamp of its photo.

The next build hands Pelican the kept object of each note whose file and
photo have the same stamps, so Pelican skips reading and enrichment for it;
every later step (ordering, photos, listings, feeds, WhatsApp, SEO, links,
the writer) runs as before, over all notes. The snapshot is kept in the
reader cache folder, which is named after the plugin code, the reading
libraries and every setting (plugins/core/reader_cache.py); it also holds
a digest of the registries and the PRESS_NOTES setting (what enrichment
reads). Only notes published when read are kept: a draft, a hidden or
withdrawn note (whose photo enrichment marks private) and a scheduled note
(published only once its time has come) are read every time.

The objects the notes share with the build (the settings, the shared
context) are not pickled: they are named, and the current ones are put in
their place when a note is restored.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

from pelican.contents import Article

from plugins.core.contract import NOTE_SLUGS, SCHEDULED_NOTES
from plugins.core.files import relative_path, stamp, write_atomic, write_created
from plugins.core.packed import TextPickler, TextUnpickler
from plugins.press_notes.press_notes import plugin_settings as press_notes_settings

logger = logging.getLogger(__name__)

NOTES_FOLDER = "note-snapshot"  # in the reader cache folder
INDEX_NAME = "key"
SUFFIX = ".pickle"
FORMAT = 5
# The notes are pickled by TextPickler (plugins/core/packed.py): strings that
# are not ASCII as UTF-8 bytes made there, since pickling a str makes CPython
# keep a UTF-8 copy of it inside the string for as long as it lives (for
# every note's HTML held through the build about 5 KB a note, for its short
# texts, title, summary and tags, about 1 KB more).
SETTINGS_ID = "settings"
CONTEXT_ID = "context"


def enrichment_key(settings: dict) -> str:
    """What enrichment reads besides the note and its photo: the registries,
    the PRESS_NOTES setting and the content folder.
    """
    conf = press_notes_settings(settings)
    root = Path(settings["PATH"])
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}\0{root.resolve()}\0{sorted(conf.items())!r}".encode())
    for name in ("thana_registry", "category_registry"):
        path = root / conf[name]
        digest.update(path.read_bytes() if path.is_file() else b"-")
        digest.update(b"\0")
    return digest.hexdigest()


def image_path(article) -> str | None:
    image = article.metadata.get("image")
    url = getattr(image, "url", None)
    return url if isinstance(url, str) else None


class NoteSnapshot:
    """The kept notes of the last build and this build's record of them.

    One file per note (NOTES_FOLDER in the reader cache folder, named after
    the note's path): a header (the enrichment key, the note's path, its
    stamp, its photo and the photo's stamp), then the pickled Article. A
    note is written when Pelican has made it and read only when restored,
    so no snapshot is held in memory. INDEX_NAME names the enrichment key
    of the last build that saved it: without it, or with another key,
    nothing is restored.
    """

    def __init__(self, settings: dict):
        self.settings = settings
        self.root = Path(settings["PATH"])
        # the content folder as the checks name it, to find each note's slug
        # by joining strings (os.path.abspath per note took seconds)
        self.absolute_root = os.path.abspath(self.root)
        self.folder = Path(settings["CACHE_PATH"]) / NOTES_FOLDER
        self.key = enrichment_key(settings)
        self.why = self._check()
        # each note's stamp, taken as Pelican asks for it and let go of once
        # the note is restored or kept (record): nothing reads it after
        self.stamps: dict[str, tuple[int, ...] | None] = {}
        self.kept: set[str] = set()  # file names of this build's notes
        self.restored = 0
        self.context: dict | None = None

    def _check(self) -> str:
        """Why nothing can be restored, or ""."""
        try:
            key = (self.folder / INDEX_NAME).read_text(encoding="utf-8")
        except FileNotFoundError:
            return (
                "no snapshot for this code and these settings (the first build "
                "after a change to plugins/, a setting or a reading library)"
            )
        except (OSError, UnicodeDecodeError) as e:
            return f"the snapshot cannot be read ({e.__class__.__name__})"
        if key != self.key:
            return "the registries or the PRESS_NOTES setting changed"
        return ""

    @property
    def usable(self) -> bool:
        return not self.why

    def restore(self, relative: str):
        """The kept Article of note `relative` (relative to the content
        folder), or None: then Pelican reads it. Its stamp is taken here,
        before Pelican reads it, and kept with what Pelican makes of it.
        """
        now = self.stamps[relative] = stamp(str(self.root / relative))
        if not self.usable or now is None:
            return None
        name = file_name(relative)
        shared = {SETTINGS_ID: self.settings, CONTEXT_ID: self.context}
        try:
            with open(self.folder / name, "rb") as f:
                header = pickle.load(f)
                if header[:4] != (FORMAT, self.key, relative, now):
                    return None
                photo, photo_stamp, slug = header[4:7]
                if slug != self.slug_of(relative, slug):
                    return None  # the checks gave it another slug this time
                if photo is not None and stamp(str(self.root / photo)) != photo_stamp:
                    return None
                article = TextUnpickler(f, shared).load()
        except FileNotFoundError:
            return None
        except Exception as e:  # noqa: BLE001 - any failure: read the note
            logger.debug("note snapshot: %s not restored (%s)", relative, e)
            return None
        self.kept.add(name)
        self.restored += 1
        del self.stamps[relative]
        return article

    def likely_restored(self, path: str) -> bool:
        """Whether note `path` (absolute) has a kept copy whose stamps match
        its file and photo now (a quick look at the header only: restore
        decides). Such notes are not read ahead in other processes.
        """
        if not self.usable:
            return False
        relative = relative_path(path, self.root)
        now = stamp(path)
        try:
            with open(self.folder / file_name(relative), "rb") as f:
                header = pickle.load(f)
            if now is None or header[:4] != (FORMAT, self.key, relative, now):
                return False
            photo, photo_stamp = header[4:6]
        except Exception:  # noqa: BLE001 - any failure: it will be read
            return False
        return photo is None or stamp(str(self.root / photo)) == photo_stamp

    def slug_of(self, relative: str, kept: str | None) -> str | None:
        """The slug the checks gave the note this build (plugins/press_notes):
        a slug made from the title depends on the other notes (a newer note
        taking it gets a suffix, an explicit slug elsewhere takes it first).
        """
        slugs = (self.context or {}).get(NOTE_SLUGS) or {}
        joined = os.path.join(self.absolute_root, relative)
        if joined not in slugs:  # a name that is not plain: as the checks make it
            joined = os.path.abspath(self.root / relative)
        return slugs.get(joined, kept)

    def record(self, article) -> None:
        """Keep a note Pelican has just made (content_object_init)."""
        if not isinstance(article, Article) or self.context is None:
            return
        relative = relative_path(article.source_path, self.root)
        note_stamp = self.stamps.pop(relative, None)
        if getattr(article, "status", None) != "published":
            return
        if note_stamp is None or relative in self.context.get(SCHEDULED_NOTES, ()):
            return
        photo = image_path(article)
        photo_stamp = stamp(str(self.root / photo)) if photo else None
        slug = getattr(article, "slug", None)
        header = (FORMAT, self.key, relative, note_stamp, photo, photo_stamp, slug)
        shared = {SETTINGS_ID: self.settings, CONTEXT_ID: self.context}
        buffer = io.BytesIO()
        try:
            pickle.dump(header, buffer, protocol=pickle.HIGHEST_PROTOCOL)
            NotePickler(buffer, shared).dump(article)
        except Exception as e:  # noqa: BLE001 - not kept: read next time
            logger.debug("note snapshot: %s not kept (%s)", relative, e)
            return
        name = file_name(relative)
        # a file cut short by a stopped build is read as none (restore)
        write_created(self.folder / name, buffer.getvalue())
        self.kept.add(name)

    def save(self) -> None:
        """Name the key the kept notes were made with; remove the files of
        notes this build did not keep (deleted, renamed, now hidden...).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        for entry in os.scandir(self.folder):
            if entry.name.endswith(SUFFIX) and entry.name not in self.kept:
                with suppress(OSError):
                    os.unlink(entry.path)
        write_atomic(self.folder / INDEX_NAME, self.key.encode("utf-8"))


class NotePickler(TextPickler):
    """TextPickler with `shared` given as {name: object}: a value of a type
    none of the shared objects has and that is not a str is answered at
    once (a note's pickling asks about each of its some 230 values).
    """

    def __init__(self, file, shared: Mapping[str, object]):
        super().__init__(file, {id(obj): name for name, obj in shared.items()})
        self.kinds = frozenset(type(obj) for obj in shared.values())

    def persistent_id(self, obj):
        kind = type(obj)
        if kind is str:
            return None if obj.isascii() else super().persistent_id(obj)
        if kind in self.kinds:
            return self.shared.get(id(obj))
        return None


def file_name(relative: str) -> str:
    """The snapshot file of the note at `relative` (under the content folder)."""
    digest = hashlib.blake2b(relative.encode("utf-8"), digest_size=12)
    return digest.hexdigest() + SUFFIX

"""Where Pelican keeps its reader cache: a folder named after what shapes it.

Pelican reuses a file's cached reading while the file is unchanged, even if
the code or settings that read it have changed, and what it keeps (notes,
their tags and categories) carries a copy of the settings, functions
included. Naming the folder after the plugin code this process runs
(plugins/core/code.py), the reading libraries' versions and every setting
(plugins/core/describe.py: a function by its code) makes any such change
start from an empty cache instead of serving stale pages, or failing to
load a function that is gone. The core plugin points CACHE_PATH there when
a build starts, so a plain `pelican` run does the same as `invoke build`.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import logging
import os
import pickle
import pickletools
import shutil
import time
import zlib
from collections.abc import Callable
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import BinaryIO

from pelican.cache import FileDataCacher

from .code import LOADED
from .describe import Unstable, stable
from .files import left_temporaries, write_streamed
from .packed import (
    deflated,
    held,
    inflated,
    is_packed,
    packed_bytes,
    pickled_texts,
    squeeze,
    unpickled_texts,
    unsqueeze,
)

logger = logging.getLogger(__name__)

READING_PACKAGES = ("pelican", "markdown", "nh3", "lxml")
# Settings that only say where this build writes or what a share run asks:
# the same notes read the same way whatever they are.
NOT_READING_SETTINGS = frozenset(
    {"OUTPUT_PATH", "CACHE_PATH", "PAGE_REUSE", "WHATSAPP_RUN"}
)
KEY_LENGTH = 16
# The first bytes of a gzip file (GZIP_CACHE).
GZIP_MAGIC = b"\x1f\x8b"


def reader_cache_key(settings: dict) -> str | None:
    """A short hash of the plugin code, reading libraries and settings, or
    None when a setting cannot be described (then no cache is kept).
    """
    digest = hashlib.sha256()
    digest.update(LOADED.encode())
    for package in READING_PACKAGES:
        digest.update(importlib.metadata.version(package).encode())
    reading = {k: v for k, v in settings.items() if k not in NOT_READING_SETTINGS}
    try:
        digest.update(stable(reading).encode())
    except Unstable:
        return None
    return digest.hexdigest()[:KEY_LENGTH]


def versioned_cache_path(cache_root: Path, key: str) -> Path:
    """`cache_root/key`, removing caches left by other versions (folders
    named like a key; other folders there are not the reader cache's).
    """
    if cache_root.is_dir():
        for old in cache_root.iterdir():
            if old.is_dir() and old.name != key and is_key(old.name):
                shutil.rmtree(old, ignore_errors=True)
    return cache_root / key


def drop_cut_files(cache: Path) -> None:
    """Remove Pelican's reader cache files from folder `cache` that a save
    cut short left (the project's save is whole or none, Pelican's own
    empties the file before it writes it; a file may be copied or restored
    in part): one that does not end where pickle's loader stops (is_cut).
    Loading one can raise an error Pelican does not read past (EOFError,
    pickle's where the cut falls between two of its instructions, gzip's
    wherever a gzipped file is cut), stopping every build after it.
    Without the file the notes are read.
    """
    for path in cache.glob("*-Readers"):
        with suppress(OSError):
            if is_cut(path):
                path.unlink()


def is_cut(path: Path) -> bool:
    """Whether a reader cache file is cut short (see drop_cut_files)."""
    with path.open("rb") as f:
        if f.read(2) == GZIP_MAGIC:
            f.seek(0)
            return not gzip_ends(f)
        f.seek(0)
        return not pickle_ends(f)


def gzip_ends(f: BinaryIO) -> bool:
    """Whether gzipped file `f` ends where its stream does (read through:
    gzip tells a cut only at the end).
    """
    try:
        with gzip.GzipFile(fileobj=f) as unzipped:
            while unzipped.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error):
        return False
    return True


def pickle_ends(f: BinaryIO) -> bool:
    """Whether the pickle in file `f` ends with its STOP instruction: its
    frames (protocol 4 and later) are stepped over, all but the last, and
    what is outside them and in the last is read instruction by instruction
    (a frame's last byte, or a large string's, may be STOP's byte). A
    pickle without frames is only known by its last byte.
    """
    size = f.seek(0, os.SEEK_END)
    f.seek(0)
    head = f.read(2)
    if head[:1] != pickle.PROTO or head[1:] < b"\x04":
        f.seek(max(size - 1, 0))
        return size > 0 and f.read(1) == pickle.STOP
    at = 2
    while at < size:
        f.seek(at)
        if f.read(1) == pickle.FRAME:
            end = at + 9 + int.from_bytes(f.read(8), "little")
            if end > size:
                return False
            at = end if end < size else at + 9  # the last frame is read
            continue
        f.seek(at)
        try:
            opcode, _arg, _at = next(pickletools.genops(f))
        except (ValueError, StopIteration):
            return False  # an instruction cut short, or none
        if opcode.code == pickle.STOP.decode():
            return True
        at = f.tell()
    return False


def is_key(name: str) -> bool:
    return len(name) == KEY_LENGTH and all(c in "0123456789abcdef" for c in name)


def forget_saved(generator) -> None:
    """Drop the notes' reader cache from memory once Pelican has saved it
    (it does so just before article_generator_finalized): it holds each
    note's metadata as read, a copy Pelican never reads again in this build.
    Nothing more is kept or saved from it (a save now would empty the file).
    Notes read ahead that Pelican did not ask for are dropped too.
    """
    readers = getattr(generator, "readers", None)
    for reader in getattr(readers, "readers", {}).values():
        ahead = getattr(reader, "ahead", None)
        if isinstance(ahead, dict):
            ahead.clear()
    if readers is not None and isinstance(getattr(readers, "_cache", None), dict):
        readers._cache_data_policy = False
        readers._cache = {}


SETTINGS_ID = "settings"
# A file changed less than this long ago (its status change time) may be
# changed again within the same tick of the file system's clock, its size
# and times the same: its stamp is made again at each ask (Stamps).
RECENT_NS = 2_000_000_000


# What Stamps.as_given says of a file changed since its stamp was given.
CHANGED = object()


class Stamps:
    """Pelican's stamp of a file (CHECK_MODIFIED_METHOD: a digest of its
    bytes, read whole) made once, and given again while the file's status
    is the same (inode, size, modification and status change times). A
    note is stamped five times in a build that reads it (the reader cache's
    look and save, the generator's, the read-ahead's look): 24 µs each, 1.2 s
    of the build's own CPU at 10,000 notes, where a status is 3 µs. A file
    changed too lately to tell a later change by its status (RECENT_NS) is
    stamped each time.
    """

    def __init__(
        self, stamp: Callable[[str], object], recent_ns: int | None = None
    ) -> None:
        self.stamp = stamp
        self.recent_ns = recent_ns
        self.known: dict[str, tuple[tuple[int, int, int, int], object]] = {}
        # the status and stamp last given of each file: the reader cache
        # keeps what it read after asking only if the file is the same since
        # (as_given, compress_cached)
        self.given: dict[str, tuple[tuple[int, int, int, int], object]] = {}

    def __call__(self, filename: str) -> object:
        # the time the status is taken: an edit after it, once that time is
        # RECENT_NS past the file's last change, changes the status
        looked = time.time_ns()
        now = status_of(filename)
        found = self.known.get(filename)
        if found is None or found[0] != now:
            found = (now, self.stamp(filename))
            recent = RECENT_NS if self.recent_ns is None else self.recent_ns
            if looked - now[3] > recent:
                self.known[filename] = found
        self.given[filename] = found  # the same pair: a slot a file
        return found[1]

    def as_given(self, filename: str) -> object:
        """The stamp last given of file `filename` if the file has the same
        status and stamp now, else CHANGED (saved since, even if saved back).
        """
        then, value = self.given[filename]
        try:
            if status_of(filename) != then:
                return CHANGED
            found = self.known.get(filename)
            if found is not None and found[0] == then:  # its stamp was kept
                return value
            return value if self.stamp(filename) == value else CHANGED
        except OSError:
            return CHANGED


def status_of(filename: str) -> tuple[int, int, int, int]:
    """A file's inode, size, modification and status change times."""
    status = os.stat(filename)
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def stamp_once(generator) -> None:
    """The generator and its readers stamp the files through one Stamps
    (article_generator_init: Pelican sets the readers' stamp after
    readers_init is sent).
    """
    readers = getattr(generator, "readers", None)
    stamp = getattr(readers, "_filestamp_func", None)
    if readers is None or stamp is None or not hasattr(generator, "_filestamp_func"):
        return
    if not isinstance(stamp, Stamps):
        stamp = readers._filestamp_func = Stamps(stamp)
    generator._filestamp_func = stamp


def forget_stamps(generator) -> None:
    """The stamps let go of once the generator has read its files."""
    for owner in (generator, getattr(generator, "readers", None)):
        stamps = getattr(owner, "_filestamp_func", None)
        if isinstance(stamps, Stamps):
            stamps.known.clear()
            stamps.given.clear()


def compress_cached(readers) -> None:
    """Pelican's reader cache keeps each file's HTML compressed (packed.py)
    and its metadata pickled (packed.TextPickler, the build's settings by
    name) and compressed: it held every note's HTML as a string until the
    cache was saved, and saving it (pickle) added a UTF-8 copy inside each
    string, the HTML's and the metadata's (title, summary, tags: about 1 KB
    a note, kept by the note's Article to the build's end). Every note's
    entry is held while the notes are read: its compressed metadata (about
    700 bytes a note) in the build's spill file, as its HTML (packed.held).
    An entry that does not unpack (a cache file spoilt on disk) is as good
    as none: the file is read.
    """
    cache_data, get_cached_data = readers.cache_data, readers.get_cached_data
    settings = readers.settings

    def cache(filename, data) -> None:
        content, metadata = data
        if isinstance(content, str):
            content = squeeze(content)
        if isinstance(metadata, dict):
            pickled = pickled_texts(metadata, {id(settings): SETTINGS_ID})
            metadata = held(deflated(pickled))
        stamps = getattr(readers, "_filestamp_func", None)
        if not isinstance(stamps, Stamps) or filename not in stamps.given:
            cache_data(filename, (content, metadata))
            return
        # kept with the stamp Pelican looked at before it read the file
        # (Readers.read_file), if the file is the same now: one saved while
        # it was read (even saved back) is not kept, and is read again by
        # the next build
        looked = stamps.as_given(filename)
        if looked is not CHANGED:
            FileDataCacher.cache_data(readers, filename, (looked, (content, metadata)))

    def cached(filename, default=None):
        found = get_cached_data(filename, default)
        if found is default:
            return found
        try:
            return unpacked(found, settings)
        except Exception as e:  # noqa: BLE001 - any failure: read the file
            logger.debug("reader cache: %s read again (%s)", filename, e)
            return default

    readers.cache_data = cache
    readers.get_cached_data = cached
    readers.save_cache = saved_without_memo(readers)


def saved_without_memo(readers) -> Callable[[], None]:
    """Pelican's save of its reader cache (FileDataCacher.save_cache), made
    whole beside the saved one and put in its place (a save that stops
    leaves the saved cache as it was), its entries pickled without
    pickle's memo: the memo keeps every object
    pickled until the whole cache is written, and each note's compressed
    HTML, kept in the build's spill file (packed.Spill), is pickled as
    bytes read back from it, a copy of every note's at once (72 MB at
    50,000 notes). The entries share nothing (each note's metadata is
    pickled bytes already): the same objects are loaded. A cache that does
    not pickle so (a loop in it) is pickled with the memo, as Pelican's own
    save does.
    """

    def save_cache() -> None:
        if not readers._cache_data_policy:
            return
        path = Path(readers._cache_path)
        zipped = readers._cache_open is gzip.open

        def written(memo: bool) -> Callable[[BinaryIO], Path]:
            def write(handle: BinaryIO) -> Path:
                # the file itself is closed by write_streamed, once it is whole
                zipping = gzip.GzipFile(fileobj=handle, mode="wb") if zipped else None
                with zipping or nullcontext(handle) as f:
                    pickler = pickle.Pickler(f)
                    pickler.fast = not memo
                    pickler.dump(readers._cache)
                return path

            return write

        try:
            # beside the saved cache, then in its place: whole or not at all
            try:
                write_streamed(path.parent, path.name, written(memo=False))
            except ValueError:  # a loop, which only the memo pickles
                write_streamed(path.parent, path.name, written(memo=True))
        except (OSError, pickle.PicklingError, TypeError) as err:
            logger.warning("Could not save cache %s\n ... %s", path, err)
        else:
            # what a save stopped by a killed build left beside it
            for stale in left_temporaries(path.parent, path.name):
                stale.unlink(missing_ok=True)

    return save_cache


def unpacked(found, settings) -> tuple:
    """A reader cache entry as Pelican cached it (see compress_cached)."""
    content, metadata = found
    if is_packed(content):
        content = unsqueeze(content)
    if is_packed(metadata):
        pickled = inflated(packed_bytes(metadata))
        metadata = unpickled_texts(pickled, {SETTINGS_ID: settings})
    return content, metadata

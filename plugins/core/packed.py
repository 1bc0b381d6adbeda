"""Each note's HTML kept compressed from reading to writing.

Pelican keeps every note whole, its HTML as a Python string (2 bytes a
character for Devanagari), from reading it until the build ends, and its
memo of each note's content with the links made (Content.get_content)
keeps a second copy of the HTML of every note whose content was asked for
(every note's, when the note pages are rendered in the build's process). At
50,000 notes that is hundreds of megabytes for text each page prints once
(the note page, and the feeds that carry the full text).

Once a note is read (Pelican has found its static links, the last use of
the HTML as a string), its HTML is compressed (a zlib stream) and the note gets its
own `get_content`,
which gives the same HTML with its links made, unpacked when a page, a feed
or a page key asks for it, and not memoized. The pages are the same, byte
for byte.

Once the feeds are written (plugins/feeds, the last of the build's readers
of a note's HTML: note pages, list page keys and feed entries come
before), `release` lets go of it, but for the home page's lead story,
which the fast path prints again after them: a note asking for it after
that raises Released, which page keys take as a value they cannot
describe (the page is rendered, not reused) and a template printing it
stops the build.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
import threading
import types
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup
from pelican.contents import Content
from zlib_ng import zlib_ng

from plugins.core.contract import CARD_HTML, NOTE_LISTS
from plugins.core.describe import Unstable

PACKED = "_packed_html"
# False: notes keep their HTML as Pelican made it (to compare the two).
ENABLED = True


# The last texts unsqueezed by unsqueeze_known, each with the bytes it came
# from, by identity (the text itself is held, so its id is not reused). A
# note read ahead in a worker comes compressed by squeeze, is unpacked for
# Pelican, then compressed again for Pelican's reader cache and once more
# when the note is packed: the same bytes each time (the same compressor,
# level and text), taken from here instead.
RECENT = 8
_recent: OrderedDict[int, tuple[str, bytes | Spilled]] = OrderedDict()


# The zlib stream of text kept compressed: zlib-ng's level 2, on note pages'
# HTML 0.16 ms to compress and 0.05 ms to unpack a 14.5 kB page, to a third
# of its size; zlib's level 1 took 0.27 and 0.10 ms, to 0.34 of it. Any
# zlib reads it (a reader cache written before reads the same).
LEVEL = 2


def deflated(data: bytes) -> bytes:
    """`data` as the zlib stream text is kept in (LEVEL)."""
    return zlib_ng.compress(data, LEVEL)


def inflated(data: bytes) -> bytes:
    return zlib_ng.decompress(data)


def squeeze(text: str) -> bytes | Spilled:
    """Text kept compressed (its UTF-8, by deflated()): bytes, or the Spilled
    it was unpacked from (unsqueeze_known).
    """
    known = _recent.get(id(text))
    if known is not None and known[0] is text:
        return known[1]
    return deflated(text.encode("utf-8"))


def unsqueeze(data: bytes | Spilled) -> str:
    """The text squeeze or keep_text kept."""
    kept = packed_bytes(data)
    if isinstance(data, (Plain, PlainSpilled)):
        return kept.decode("utf-8")
    return inflated(kept).decode("utf-8")


class Plain(bytes):
    """A text's UTF-8 as it is, not compressed: what a text keep_text put in
    the build's spill file is when pickled (unsqueeze reads it as it is).
    """

    __slots__ = ()


def keep_text(text: str) -> bytes | Spilled:
    """Text kept from one step of the build to a later one that reads it a
    few times (a note's card, its JSON-LD): its UTF-8 as it is in the
    build's spill file, where it takes no memory of the process, so it is
    neither compressed nor unpacked at each read (some 30 µs, then 6 µs a
    read, of a card's kilobyte or two); else, where the build has no spill
    file or it has no room, compressed in memory (squeeze), as is an empty
    text (kept as none, it would be false as its bytes are).
    """
    spill = _spill
    if spill is not None and text:
        placed = spill.put(text.encode("utf-8"), plain=True)
        if isinstance(placed, Spilled):
            return placed
    return squeeze(text)


def unsqueeze_known(data: bytes | Spilled) -> str:
    """Unpack `data`, which squeeze made in this build (or a process forked
    from it): a squeeze of the text soon after gives `data` without
    compressing it again.
    """
    text = unsqueeze(data)
    _recent[id(text)] = (text, data)
    while len(_recent) > RECENT:
        _recent.popitem(last=False)
    return text


class TextPickler(pickle.Pickler):
    """Pickles every string that is not ASCII as its UTF-8 bytes, encoded
    here, and the objects of `shared` (id: name) by name.

    Pickling a str makes CPython keep a UTF-8 copy of it inside the string
    for as long as it lives: the notes' texts pickled in the build (the
    reader cache, the note snapshot) kept that copy to the build's end
    (about 1 KB a note for the short ones, titles, summaries and tags, on
    top of the long ones). An ASCII string's UTF-8 is the string itself.
    """

    def __init__(self, file, shared: Mapping[int, str]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = shared
        self.texts: dict[int, int] = {}  # id of a str not ASCII -> its number
        self.kept: list[str] = []  # those strs, alive while pickling

    def persistent_id(self, obj):
        if type(obj) is str and not obj.isascii():
            number = self.texts.get(id(obj))
            if number is not None:
                return (1, number)  # the same str again
            self.texts[id(obj)] = len(self.kept)
            self.kept.append(obj)
            return (0, obj.encode("utf-8", "surrogatepass"))
        return self.shared.get(id(obj))


class TextUnpickler(pickle.Unpickler):
    """Reads what TextPickler wrote, `shared` (name: object) put back."""

    def __init__(self, file, shared: Mapping[str, object]):
        super().__init__(file)
        self.shared = shared
        self.texts: list[str] = []

    def persistent_load(self, pid):
        if isinstance(pid, tuple):
            kind, value = pid
            if kind == 1:
                return self.texts[value]
            self.texts.append(value.decode("utf-8", "surrogatepass"))
            return self.texts[-1]
        return self.shared[pid]


def pickled_texts(value, shared: Mapping[int, str]) -> bytes:
    """`value` pickled by TextPickler."""
    buffer = io.BytesIO()
    TextPickler(buffer, shared).dump(value)
    return buffer.getvalue()


def unpickled_texts(data: bytes, shared: Mapping[str, object]):
    return TextUnpickler(io.BytesIO(data), shared).load()


SPILL_PREFIX = "spill-"
# The room a spill leaves free on its file system for the build's other
# writes (the output, the caches): with less free, bytes are kept in memory
# as before (a spill holds about 5.5 KB a note: 275 MB at 50,000 notes).
SPILL_ROOM = 512 * 2**20
# The free room is asked for again after this many bytes written.
ROOM_EVERY = 2**20


class Spill:
    """A file of the build's own, in its cache folder, holding bytes the
    build keeps from one step to a later one and reads a few times (each
    note's compressed HTML from its reading to the feeds, its JSON-LD from
    the SEO context to its page, its card to the build's end, those two
    as they are: keep_text): some 5.5 KB a note the process no longer
    holds (55 MB at 10,000 bench notes), read back with
    os.pread when a page prints them (the system's page cache keeps the
    file, not the process).

    The file is removed as soon as it is made (open, it is still read and
    written): a build that fails or is stopped leaves nothing behind, and
    the system frees it once the last Spilled handle and the Spill are let
    go of. Processes forked from the build read it through the same open
    file (pread needs no shared offset); only the process that made it
    writes to it: elsewhere, if a write fails, or once its file system has
    less than SPILL_ROOM free, put keeps the bytes in memory (a nearly
    full disk is left to the output, which a build writes in any case).
    """

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.fd, name = tempfile.mkstemp(prefix=SPILL_PREFIX, dir=folder)
        os.unlink(name)
        self.pid = os.getpid()
        self.end = 0  # bytes written
        self.lock = threading.Lock()
        self.ask_room_at = 0  # asked again once `end` reaches it
        self.full = False  # the file system had too little room left

    def has_room(self, size: int) -> bool:
        """Whether `size` bytes more leave SPILL_ROOM free (asked of the
        file system every ROOM_EVERY bytes; once too little, never again).
        """
        if not self.full and self.end >= self.ask_room_at:
            found = os.fstatvfs(self.fd)
            self.full = found.f_bavail * found.f_frsize - size < SPILL_ROOM
            self.ask_room_at = self.end + ROOM_EVERY
        return not self.full

    def put(self, data: bytes, plain: bool = False) -> Spilled | bytes:
        """`data` written to the file, as a Spilled (`plain`: text's UTF-8
        as it is, see keep_text); `data` itself where it cannot be.
        """
        if os.getpid() != self.pid or self.fd < 0:
            return data
        with self.lock:
            if not self.has_room(len(data)):
                return data
            start = self.end
            try:
                written = 0
                while written < len(data):
                    written += os.pwrite(self.fd, data[written:], start + written)
            except OSError:
                return data
            self.end += len(data)
        return (PlainSpilled if plain else Spilled)(self, start, len(data))

    def read(self, start: int, size: int) -> bytes:
        data = os.pread(self.fd, size, start)
        while len(data) < size:  # a short read (a signal): the rest
            more = os.pread(self.fd, size - len(data), start + len(data))
            if not more:
                raise OSError(f"spill file: {size} bytes at {start}, {len(data)} read")
            data += more
        return data

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __del__(self) -> None:
        self.close()


class Spilled:
    """Bytes kept in a Spill; `data()` reads them back. As bytes to
    everything that compares, hashes, describes or pickles them (a pickle
    holds the bytes, not where they were).
    """

    __slots__ = ("size", "spill", "start")

    def __init__(self, spill: Spill, start: int, size: int):
        self.spill = spill
        self.start = start
        self.size = size

    def data(self) -> bytes:
        return self.spill.read(self.start, self.size)

    def __bytes__(self) -> bytes:
        return self.data()

    def __len__(self) -> int:
        return self.size

    def __eq__(self, other) -> bool:
        if isinstance(other, Spilled):
            return self is other or self.data() == other.data()
        if isinstance(other, bytes):
            return self.data() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.data())

    def __reduce_ex__(self, protocol):
        return (bytes, (self.data(),))


class PlainSpilled(Spilled):
    """A text's UTF-8 kept as it is in a Spill (keep_text): a class of its
    own rather than a flag each handle holds (150,000 handles at 50,000
    notes); pickled as Plain.
    """

    __slots__ = ()

    def __reduce_ex__(self, protocol):
        return (Plain, (self.data(),))


# The spill of the build running (open_spill to its end, close_spill);
# None: bytes are kept in memory.
_spill: Spill | None = None
# False: builds keep those bytes in memory (to compare the two).
SPILLED = True


def open_spill(settings: dict) -> None:
    """A new spill file for the build of `settings`, in its cache folder
    (the last build's, if it failed before its end, is let go of).
    """
    global _spill
    _spill = Spill(Path(settings["CACHE_PATH"])) if SPILLED else None


def close_spill(*_args) -> None:
    """The build is done with its spill: nothing more is written to it (the
    bytes still held are read until they are let go of, then the system
    frees the file).
    """
    global _spill
    _spill = None
    _recent.clear()  # may hold a handle to it
    forget_last()  # the same


def held(data: bytes | Spilled) -> bytes | Spilled:
    """`data` kept in the build's spill file (unless it is there already,
    or no build has one open).
    """
    spill = _spill
    if spill is None or not isinstance(data, bytes):
        return data
    return spill.put(data, plain=isinstance(data, Plain))


def is_packed(value) -> bool:
    """Whether `value` is text kept by squeeze (and perhaps `held`) or by
    keep_text, not the text itself (unsqueeze reads either).
    """
    return isinstance(value, (bytes, Spilled))


def packed_bytes(data: bytes | Spilled) -> bytes:
    """Bytes kept by `held`, as bytes (a note restored from a pickle holds
    bytes, a packed note a Spilled); a text keep_text kept comes back as its
    plain UTF-8, which only unsqueeze reads.
    """
    return data.data() if isinstance(data, Spilled) else data


# The content packed_content gave last: (note, site URL, its compressed
# HTML, the content). A note page prints its note's content and its page
# key digests it next, in one process: unpacked and its links made once.
# One note's HTML is held, not every note's as Pelican's memo would.
_last: tuple[object, str, object, str] | None = None


def forget_last(*_args) -> None:
    """packed_content's memo let go of once every generator has its context
    (all_generators_finalized): content asked before then had its links
    made before every note they point to was known.
    """
    global _last
    _last = None


def packed_content(note, siteurl: str) -> str:
    """What Content.get_content gives, from the note's compressed HTML (the
    same note's again at once, as Pelican's memo would give it).
    """
    global _last
    data = getattr(note, PACKED)
    last = _last
    if last is not None and last[0] is note and last[1] == siteurl and last[2] is data:
        return last[3]
    content = note._update_content(unsqueeze(data), siteurl)
    _last = (note, siteurl, data, content)
    return content


class Released(Unstable):
    """A note's HTML asked for after the build let go of it (release)."""


def released_content(note, siteurl: str) -> str:
    raise Released(f"{note.source_path}: its HTML was let go of after the feeds")


def release(notes) -> int:
    """Let go of the compressed HTML of `notes` (their last reader is done);
    how many held some.
    """
    forget_last()
    released = 0
    for note in notes:
        if vars(note).pop(PACKED, None) is not None:
            note.get_content = types.MethodType(released_content, note)
            released += 1
    return released


def pack(note) -> bool:
    """Keep `note`'s HTML compressed (once; an empty one stays as it is)."""
    html = getattr(note, "_content", None)
    if not isinstance(html, str) or not html or PACKED in vars(note):
        return False
    setattr(note, PACKED, held(squeeze(html)))
    note._content = ""
    # an instance attribute: found before the class's memoized method
    note.get_content = types.MethodType(packed_content, note)
    return True


PACKED_CARD = "_packed_card"


class PackedCard:
    """A note's card (`card_html`, plugins/listings) kept out of the
    process's memory (keep_text: in the spill file, else compressed): set
    as text, read back as the same text (Markup if it was Markup) at each
    read. Every note's card is held from the list pages' planning to the
    build's end (a kilobyte and more of Devanagari HTML a note, printed by
    a few list pages), as the note's HTML is (`pack`).
    """

    def __get__(self, note, owner=None):
        if note is None:
            return self
        try:
            data, markup = vars(note)[PACKED_CARD]
        except KeyError:
            raise AttributeError(CARD_HTML) from None
        text = unsqueeze(data)
        return Markup(text) if markup else text

    def __set__(self, note, card: str) -> None:
        vars(note)[PACKED_CARD] = (keep_text(card), isinstance(card, Markup))

    def __delete__(self, note) -> None:
        if vars(note).pop(PACKED_CARD, None) is None:
            raise AttributeError(CARD_HTML)


# Pelican's notes keep their card so (a class attribute: every
# process that reads a note, forked or not, reads its card the same way).
if ENABLED:
    setattr(Content, CARD_HTML, PackedCard())


def pack_as_read(generator) -> None:
    """Compress each note's HTML as soon as Pelican has found its static
    links (add_static_links, its last use of the HTML as a string, right
    after it reads the file), not all at article_generator_pretaxonomy:
    the HTML of every note is then never in memory whole at once.
    """
    if not ENABLED:
        return
    add_static_links = generator.add_static_links

    def add_and_pack(content) -> None:
        add_static_links(content)
        if getattr(content, "status", None) != "draft":  # as pack_notes
            pack(content)

    generator.add_static_links = add_and_pack


def forget_memos(context: dict | None = None) -> int:
    """Drop what Pelican's memos of Content.get_content and get_summary hold
    of the notes and pages of the build whose context this is, or of every
    build (None) (each entry holds its note, for as long as the process
    runs: the notes of a finished build could not be freed); how many
    entries went. The memos are caches: a build running beside (another
    site, in another thread) makes again what it asks for.
    """
    last = _last
    if last is not None and (
        context is None or getattr(last[0], "_context", None) is context
    ):
        forget_last()  # packed_content's note, its HTML
    dropped = 0
    for memo in (Content.get_content.cache, Content.get_summary.cache):
        mine = [
            k
            for k in memo
            if context is None or getattr(k[0], "_context", None) is context
        ]
        for key in mine:
            del memo[key]
        dropped += len(mine)
    return dropped


def pack_notes(generator) -> None:
    """Compress the HTML of every note the generator read, and drop what
    Pelican's memo already holds of them.
    """
    if not ENABLED:
        return
    packed = set()
    for name in NOTE_LISTS:
        for note in getattr(generator, name, None) or ():
            if pack(note):
                packed.add(id(note))
    memo = Content.get_content.cache
    for key in [k for k in memo if id(k[0]) in packed]:
        del memo[key]

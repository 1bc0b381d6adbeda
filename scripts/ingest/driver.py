"""`invoke ingest SOURCE`: recognise the source, make drafts, write them.

The parsers (message, chat, article, wxr) are pure; this module reads the
source, fills in the guesses, picks unique slugs and paths, skips what was
imported before (by `source_hash` in existing notes) and writes every draft
of the run, or none.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import tempfile
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from urllib.parse import quote

from bs4 import BeautifulSoup
from lxml import etree
from PIL import Image

from plugins.core.errors import CommandError, display_path
from plugins.core.files import OutsideFolder, inside
from plugins.core.header import Header, scan_header
from plugins.core.photos import PHOTO_ERRORS, SUFFIX_OF_FORMAT, photo_problem
from plugins.hindi_text.dates import IST
from plugins.hindi_text.slugs import slugify, unique_slug
from plugins.press_notes.duplicates import same_news
from plugins.press_notes.forwards import strip_shortcodes
from plugins.press_notes.validate import URL_RE, WIDE_MARKS, check_note
from plugins.press_notes.validate import Rules as CheckRules
from scripts.new_note import existing_slugs, pick_name

from .article import page_headline, parse_article
from .chat import ChatMessage, is_chat, kind_of, parse_chat, split_attachments
from .draft import (
    Draft,
    complete,
    content_hash,
    note_text,
    source_hash,
    usable_date,
)
from .html_text import autop, convert_krutidev, to_markdown
from .message import parse_message
from .messages import IngestError, say
from .photo_data import picture_bytes, saved_again
from .rules import Rules
from .text import (
    WEB_URL_RE,
    clean_title,
    hidden_characters,
    normalize,
    person_name,
    should_drop,
    word_count,
)
from .wxr import is_wxr, parse_wxr

SOURCE_SUFFIXES = (".txt", ".zip", ".html", ".htm", ".xml")
ZIP_MEMBER_LIMIT_MB = 64
# All the photos one chat .zip may bring into content/images/ in one run.
ZIP_PHOTOS_LIMIT_MB = 128
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# A photo sent alone, then the text within this time by the same sender:
# the photo belongs to that text.
PHOTO_THEN_TEXT = timedelta(minutes=10)
PHONE_RE_CHARS = set("+0123456789 -()")
SENDERS_SHOWN = 12


@dataclass
class Options:
    thana: str = ""
    category: str = ""
    reporter: str = ""
    sender: str = ""  # --from
    since: date | None = None
    min_words: int = 20
    dry_run: bool = False


@dataclass
class Result:
    drafts: list[Draft] = field(default_factory=list)
    read: int = 0
    skipped: Counter = field(default_factory=Counter)
    notices: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def summary_line(self, options: Options) -> str:
        labels: dict[str, dict[str, object]] = {
            "system": {},
            "media": {},
            "deleted": {},
            "short": {"min_words": options.min_words},
            "sender": {},
            "since": {"since": options.since},
            "duplicate": {},
            "stray": {},
            "bad_date": {},
            "not_post": {},
            "trash": {},
        }
        parts = [
            say(f"skip_{reason}", n=self.skipped[reason], **dict(values))
            for reason, values in labels.items()
            if self.skipped[reason]
        ]
        return say(
            "summary_line",
            read=self.read,
            written=len(self.drafts),
            verb=say("verb_dry" if options.dry_run else "verb_written"),
            skipped=", ".join(parts) or say("nothing_skipped"),
        )


@dataclass
class Place:
    """Where drafts go and what the run is measured against."""

    content: Path  # content/
    rules: Rules
    zone: tzinfo  # chat export times (INGEST["timezone"])
    now: datetime
    notes: str = "notes"
    images: str = "images"
    ignore_files: tuple[str, ...] = ()  # IGNORE_FILES: names the build never reads
    body_max_bytes: int = 200_000  # PRESS_NOTES["body_max_bytes"]


# --- reading a source ----------------------------------------------------


def read_text(path: Path, data: bytes) -> str:
    if not data.strip():
        raise IngestError(say("empty", path=path))
    for mark, _name, codec in WIDE_MARKS:  # saved as UTF-16/32 (Notepad)
        if data.startswith(mark):
            try:
                return data.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError:
                raise IngestError(say("binary", path=path)) from None
    if b"\x00" in data[:8192]:
        raise IngestError(say("binary", path=path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(say("binary", path=path)) from None


def _is_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head


def from_source(source: str, place: Place, options: Options, stdin: str = "") -> Result:
    """Parse SOURCE (a file, a folder, or '-') into completed drafts."""
    result = Result()
    if source == "-":
        if not normalize(stdin).strip():
            raise IngestError(say("empty", path="-"))
        if is_chat(stdin):
            _from_chat(Path("-"), stdin, {}, place, options, result)
            return result
        _has_words(stdin, Path("-"), place.rules)
        result.drafts.append(
            _message_draft(stdin, "whatsapp -", place.now, place, True)
        )
        result.read = 1
        return result
    errors = []
    files = source_files(Path(source))
    for file in files:
        try:
            _from_file(file, place, options, result)
        except IngestError as e:
            errors.append(str(e))
    if errors:
        raise IngestError("\n".join(errors))
    return result


def source_files(path: Path) -> list[Path]:
    """The files a SOURCE names: itself, or the sources in a folder."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and not p.is_symlink()
            and p.suffix.lower() in SOURCE_SUFFIXES
            # what a browser saves beside a page (page_files/) is not a source
            and not any(
                part.endswith(("_files", "-files"))
                for part in p.relative_to(path).parts[:-1]
            )
        )
        if not files:
            raise IngestError(say("no_sources", path=path))
        return files
    if path.is_symlink():
        raise IngestError(say("link", path=path))
    if path.is_file():
        return [path]
    raise IngestError(say("missing", path=path))


def _from_file(path: Path, place: Place, options: Options, result: Result) -> None:
    data = path.read_bytes()
    if path.suffix.lower() == ".zip" or data[:4] == b"PK\x03\x04":
        _from_zip(path, place, options, result)
        return
    text = read_text(path, data)
    if is_wxr(text):
        _from_wxr(path, data, place, result)
    elif _is_html(text) or path.suffix.lower() in (".html", ".htm"):
        _from_article(path, text, place, result)
    elif is_chat(text):
        _from_chat(path, text, {}, place, options, result)
    elif path.suffix.lower() in (".txt", "") or not text.lstrip().startswith("<"):
        when = datetime.fromtimestamp(path.stat().st_mtime, IST).replace(
            second=0, microsecond=0
        )
        _has_words(text, path, place.rules)
        result.drafts.append(
            _message_draft(text, f"whatsapp {path.name}", when, place, True)
        )
        result.read += 1
    else:
        raise IngestError(say("unknown", path=path))


def _has_words(text: str, path: Path, rules: Rules) -> None:
    """Refuse a message with no words to make a note of: only a web address
    (the page is the source), or only emoji, numbers, marks and lines that
    are dropped ('Forwarded', a share prompt).
    """
    lines = normalize(text).split("\n")
    text = "\n".join(line for line in lines if not should_drop(line, rules))
    if word_count(WEB_URL_RE.sub(" ", text)):
        return
    if WEB_URL_RE.search(text):
        raise IngestError(say("only_address", path=path))
    raise IngestError(say("no_words", path=path))


def converted_from_krutidev(draft: Draft) -> None:
    """Said on every draft whose text was converted from Kruti Dev."""
    draft.warnings.append(say("krutidev"))
    draft.source += " (Kruti Dev, converted)"


def _message_draft(
    raw: str, source: str, when: datetime, place: Place, dated: bool, hidden=""
) -> Draft:
    """The draft of one message (`raw` as pasted or saved; `hidden`: what
    was taken out of it before, named).
    """
    hidden = hidden or hidden_characters(raw)
    text = normalize(raw)
    parts = parse_message(text, place.rules)
    draft = Draft(
        title=parts.title,
        date=when,
        body=parts.body,
        source=source,
        # the text alone: the same message pasted, forwarded to another group
        # or exported again is recognised
        source_hash=source_hash(text),
        reporter=parts.reporter,
        context=parts.labels,
    )
    if parts.title_guessed:
        draft.guessed.append("title")
    if dated:
        draft.guessed.append("date")
        draft.warnings.append(say("no_message_date", when=f"{when:%Y-%m-%d %H:%M}"))
    if parts.reporter:
        draft.guessed.append("reporter")
    if parts.krutidev:
        converted_from_krutidev(draft)
    if hidden:
        draft.warnings.append(say("hidden_characters", chars=hidden))
    if parts.pasted_again:
        draft.warnings.append(say("pasted_again"))
    if parts.only_headline:
        draft.warnings.append(say("only_headline"))
    return draft


# --- chat exports ----------------------------------------------------------


def _chat_member(path: Path, names: list[str]) -> str | None:
    """The chat text of an export .zip; several are refused (one would be
    left unread without a word).
    """
    texts = [n for n in names if n.lower().endswith(".txt") and not n.endswith("/")]
    chats = [
        name
        for name in texts
        if (base := name.rsplit("/", 1)[-1]) == "_chat.txt"
        or base.lower().startswith(("whatsapp chat", "whatsapp चैट"))
    ]
    if len(chats) > 1:
        raise IngestError(say("zip_two_chats", path=path, names=", ".join(chats)))
    if chats:
        return chats[0]
    return texts[0] if len(texts) == 1 else None


class ZipPhotos:
    """The photos of a chat .zip by file name, read only when a draft needs one,
    each once, and only while the run's photos stay under ZIP_PHOTOS_LIMIT_MB
    (a small .zip can hold a huge file: what it writes is bounded).
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path = path
        self.archive = archive
        self.members = {
            info.filename.rsplit("/", 1)[-1]: info
            for info in archive.infolist()
            if info.filename.lower().endswith(PHOTO_SUFFIXES)
        }
        self.read: dict[str, bytes] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.members

    def __getitem__(self, name: str) -> bytes:
        if name not in self.read:
            total = sum(len(data) for data in self.read.values())
            info = self.members[name]
            if total + info.file_size > ZIP_PHOTOS_LIMIT_MB * 2**20:
                raise IngestError(
                    say(
                        "zip_too_big",
                        path=self.path,
                        name=info.filename,
                        limit=ZIP_PHOTOS_LIMIT_MB,
                    )
                )
            data = _read_member(self.path, self.archive, info)
            if not is_photo(data):
                raise IngestError(
                    say("zip_not_photo", path=self.path, name=info.filename)
                )
            # the check's own reasons: too many pixels, cut short, …
            if problem := photo_bytes_problem(data, Path(name).suffix):
                raise IngestError(
                    say(
                        "zip_photo_problem",
                        path=self.path,
                        name=info.filename,
                        problem=problem,
                    )
                )
            self.read[name] = data
        return self.read[name]


def is_photo_file(path: Path | None) -> bool:
    """A picture file of at most ZIP_MEMBER_LIMIT_MB (a page's lead photo)."""
    if path is None or path.stat().st_size > ZIP_MEMBER_LIMIT_MB * 2**20:
        return False
    return is_photo(path.read_bytes())


def is_photo(data: bytes) -> bool:
    """True if the bytes are a JPEG, PNG or WebP picture (header read only;
    one too large for Pillow to open still is one).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                return im.format in SUFFIX_OF_FORMAT
    except Image.DecompressionBombError:
        return True
    except PHOTO_ERRORS:
        return False


def photo_bytes_problem(data: bytes, suffix: str) -> str | None:
    """What the note check would say of these bytes as a photo (photo_problem,
    read from a temporary file), or None.
    """
    with tempfile.TemporaryDirectory(prefix="ingest-photo-") as folder:
        path = Path(folder) / f"photo{suffix.lower()}"
        path.write_bytes(data)
        return photo_problem(path, decode=True)


def _read_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > ZIP_MEMBER_LIMIT_MB * 2**20:
        raise IngestError(
            say("zip_too_big", path=path, name=info.filename, limit=ZIP_MEMBER_LIMIT_MB)
        )
    return archive.read(info)


def _from_zip(path: Path, place: Place, options: Options, result: Result) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            chat_name = _chat_member(path, archive.namelist())
            if chat_name is None:
                raise IngestError(say("zip_no_chat", path=path))
            data = _read_member(path, archive, archive.getinfo(chat_name))
            text = read_text(path / chat_name, data)
            _from_chat(path, text, ZipPhotos(path, archive), place, options, result)
    except (zipfile.BadZipFile, OSError):
        # the library's reason is English and technical: not shown
        raise IngestError(say("zip_bad", path=path)) from None


def _sender_name(sender: str) -> str:
    """A sender that is a name, not a phone number."""
    return "" if set(sender) <= PHONE_RE_CHARS else sender


def _skip_reason(
    msg: ChatMessage, kind: str, body: str, options: Options, wanted: str
) -> str:
    """Why a chat message makes no draft ('' when it makes one)."""
    if kind != "text":
        return kind
    if wanted and msg.sender.casefold() != wanted:
        return "sender"
    if options.since and msg.when.date() < options.since:
        return "since"
    if word_count(body) < options.min_words:
        return "short"
    return ""


def _from_chat(
    path: Path,
    text: str,
    photos: ZipPhotos | dict[str, bytes],
    place: Place,
    options: Options,
    result: Result,
) -> None:
    markers = place.rules.chat
    chat = parse_chat(text, place.zone)
    for line in chat.stray_lines:
        result.notices.append(say("stray_line", path=path, line=line))
    for line in chat.bad_dates:
        result.notices.append(say("bad_header_date", path=path, line=line))
    # counted, and kept as text
    result.skipped["stray"] += len(chat.stray_lines)
    result.skipped["bad_date"] += len(chat.bad_dates)
    pending: tuple[ChatMessage, str] | None = None  # a photo sent on its own
    wanted = normalize(options.sender).casefold().strip()
    senders = list(dict.fromkeys(m.sender for m in chat.messages if m.sender))
    if wanted and wanted not in {s.casefold() for s in senders}:
        result.notices.append(
            say(
                "no_such_sender",
                path=path,
                sender=options.sender,
                senders=", ".join(senders[:SENDERS_SHOWN]),
            )
        )
    made: list[tuple[Draft, ChatMessage]] = []
    sent: list[tuple[ChatMessage, str]] = []  # every photo of the chat
    for msg in chat.messages:
        result.read += 1
        kind = kind_of(msg, markers)
        body, names = split_attachments(msg.text, markers)
        sent += [(msg, name) for name in names if name in photos]
        if kind == "media" and names:
            pending = (msg, names[0])
        if reason := _skip_reason(msg, kind, body, options, wanted):
            result.skipped[reason] += 1
            continue
        draft = _message_draft(
            body,
            f"whatsapp-chat {path.name}:{msg.line}",
            msg.when,
            place,
            False,
            msg.hidden,
        )
        if not draft.reporter and (name := person_name(_sender_name(msg.sender))):
            draft.reporter = name
            draft.guessed.append("reporter")
            draft.warnings.append(say("reporter_is_sender", name=name))
        if not names and pending and _photo_then_text(pending[0], msg):
            names = [pending[1]]
        pending = None
        if photo := next((n for n in names if n in photos), None):
            attach_photo(draft, photos[photo], photo)
            draft.image_name = photo
        result.drafts.append(draft)
        made.append((draft, msg))
    _name_other_photos(made, sent)


def _name_other_photos(
    made: list[tuple[Draft, ChatMessage]], sent: list[tuple[ChatMessage, str]]
) -> None:
    """Photos sent with a message (by its sender, within PHOTO_THEN_TEXT of
    it) but not made its photo are named in its warnings: a note has one
    photo, and the others are not lost without a word.
    """
    used = {draft.image_name for draft, _msg in made}
    others: dict[int, list[str]] = {}
    for photo_msg, name in sent:
        if name in used:
            continue
        near = [
            (abs(photo_msg.when - msg.when), i)
            for i, (_draft, msg) in enumerate(made)
            if msg.sender == photo_msg.sender
            and abs(photo_msg.when - msg.when) <= PHOTO_THEN_TEXT
        ]
        if near:
            others.setdefault(min(near)[1], []).append(name)
    for i, names in others.items():
        made[i][0].warnings.append(say("other_photos", names=", ".join(names)))


def size_text(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{-(-size // 1024)} KB"


def attach_photo(draft: Draft, data: bytes, name: str) -> None:
    """The draft's photo, without what a file holds after its picture
    (zeros, another file glued on: the copy under content/images/ carries
    the picture alone, byte for byte), said in a warning.
    """
    picture = picture_bytes(data)
    if picture is None:
        picture = saved_again(data)
        draft.warnings.append(
            say("photo_saved_again", name=name, size=size_text(len(data)))
        )
    elif len(picture) < len(data):
        extra = size_text(len(data) - len(picture))
        draft.warnings.append(say("photo_trimmed", name=name, size=extra))
    draft.image_from = picture
    draft.image_suffix = Path(name).suffix.lower()


def _photo_then_text(photo: ChatMessage, msg: ChatMessage) -> bool:
    """A photo sent alone just before this text, by the same sender."""
    return photo.sender == msg.sender and msg.when - photo.when <= PHOTO_THEN_TEXT


# --- article pages and WordPress exports ------------------------------------


def _from_article(path: Path, page_html: str, place: Place, result: Result) -> None:
    page = parse_article(page_html, path, place.rules, place.zone)
    result.read += 1
    if page is None:
        if title := page_headline(page_html):
            raise IngestError(say("no_article_text", path=path, title=title))
        raise IngestError(say("no_article", path=path))
    date_ok = usable_date(page.date, place.now)
    draft = Draft(
        title=page.title,
        date=page.date if page.date and date_ok else place.now,
        body=page.body,
        source=f"article {path.name}",
        source_hash=source_hash(page_html),
        reporter=page.reporter,
        source_url=page.source_url,
    )
    if page.date is None:
        draft.guessed.append("date")
        draft.warnings.append(say("no_date"))
    elif not date_ok:
        draft.guessed.append("date")
        draft.warnings.append(
            say("bad_date", path=path.name, item=draft.title, value=page.date)
        )
    if page.krutidev:
        converted_from_krutidev(draft)
    if page.image is not None and is_photo_file(page.image):
        attach_photo(draft, page.image.read_bytes(), page.image.name)
    result.drafts.append(draft)


def _place_terms(draft: Draft, post, rules: Rules) -> list[str]:
    """A post's categories and tags as the draft's category, thana and tags;
    returns the categories that name neither (listed in a warning).
    """
    unmatched = []
    for term in [normalize(t) for t in post.categories + post.tags]:
        if term in rules.registry.category_by_name and not draft.category:
            draft.category = term
        elif term in rules.registry.thana_by_name and not draft.thana:
            draft.thana = rules.registry.thana_by_name[term].name
        elif term and term not in draft.tags:
            draft.tags.append(term)
            if term in post.categories:
                unmatched.append(term)
    return unmatched


def _from_wxr(path: Path, data: bytes, place: Place, result: Result) -> None:
    rules = place.rules
    try:
        export = parse_wxr(data, place.zone)
    except etree.XMLSyntaxError as e:
        raise IngestError(say("bad_xml", path=path, error=e)) from None
    result.skipped["not_post"] += export.not_posts
    result.skipped["trash"] += export.trashed
    result.read += len(export.posts) + export.not_posts + export.trashed
    for post in export.posts:
        content = strip_shortcodes(
            rules.shortcode_block.sub("", post.html), rules.shortcode
        )
        soup = BeautifulSoup(autop(content), "lxml")
        title, krutidev = convert_krutidev(
            soup, rules, normalize(html.unescape(post.title))
        )
        body, byline = to_markdown(soup, rules)
        date_ok = usable_date(post.date, place.now)
        draft = Draft(
            title=clean_title(title),
            date=post.date if post.date and date_ok else place.now,
            body=body,
            source=f"wordpress {path.name}",
            source_hash=source_hash(post.guid, post.title, post.html),
            reporter=byline or normalize(post.author),
            old_url=post.link,
        )
        if unmatched := _place_terms(draft, post, rules):
            draft.warnings.append(say("unmatched_terms", terms=", ".join(unmatched)))
        draft.status = post.status
        if krutidev:
            # converted text is read through before it is published again
            converted_from_krutidev(draft)
            draft.status = "draft"
        if not date_ok:
            # dated at the import: never published so
            draft.status = "draft"
            draft.guessed.append("date")
            written = post.bad_date or (post.date.isoformat() if post.date else "")
            item = post.link or post.guid or draft.title
            draft.warnings.append(
                say("bad_date", path=path.name, item=item, value=written)
                if written
                else say("no_date")
            )
        result.drafts.append(draft)


# --- finishing and writing ----------------------------------------------------


def _pick(value: str, names: dict, option: str, registry_file: str) -> str:
    """The registry name `value` means (`new`'s picker: a name, an alias or
    a URL name); else an IngestError with the closest names.
    """
    try:
        return pick_name(normalize(value), names, option, registry_file)
    except CommandError as e:
        raise IngestError(str(e)) from None


def check_overrides(options: Options, rules: Rules) -> Options:
    registry = rules.registry
    if options.thana:
        options.thana = _pick(
            options.thana,
            registry.thana_by_name,
            "thana",
            "content/registry/thanas.toml",
        )
    if options.category:
        options.category = _pick(
            options.category,
            registry.category_by_name,
            "category",
            "content/registry/categories.toml",
        )
    return options


def existing_notes(notes_root: Path) -> list[tuple[str, Header]]:
    """(path shown, header) of every note already under content/notes/."""
    found = []
    inside_notes = notes_root.resolve()
    for note in sorted(notes_root.rglob("*.md")):
        if note.is_symlink() or not note.resolve().is_relative_to(inside_notes):
            continue  # nothing outside content/ is read; the check names links
        # a note in another encoding still shows its hash (ASCII); the check
        # names the file
        text = note.read_bytes().decode("utf-8", "replace")
        found.append((display_path(note), scan_header(text)))
    return found


def imported_hashes(notes: list[tuple[str, Header]]) -> set[str]:
    """`source_hash` of every note already there."""
    return {v for _path, h in notes if (v := h.value("source_hash"))}


def _same_news(draft: Draft, notes: list[tuple[str, Header]], place: Place) -> None:
    """The draft tells news a note already tells (same cleaned title and
    station, within a few days; the duplicates check's own rule): say which.
    """
    header = scan_header(note_text(draft, place.rules.registry.district.name))
    match = same_news(header, notes, place.rules.registry.thana_by_name)
    if match is not None:
        draft.warnings.append(say("same_news", other=match[0], days=match[1]))


REQUIRED_TO_PUBLISH = ("thana", "category", "reporter", "summary")


def _override(draft: Draft, options: Options) -> None:
    for key in ("thana", "category", "reporter"):
        if value := getattr(options, key):
            setattr(draft, key, value)
            if key in draft.guessed:
                draft.guessed.remove(key)


def _keep_published(draft: Draft, place: Place) -> None:
    """A post published before stays so only if its note passes the check
    every note to publish passes (press_notes.validate.check_note): else it
    is kept as a draft, naming the fields to fill.
    """
    if draft.status != "published":
        return
    missing = [k for k in REQUIRED_TO_PUBLISH if not getattr(draft, k)]
    if missing:
        draft.status = "draft"
        draft.warnings.append(say("kept_draft", fields=", ".join(missing)))
        return
    rules = CheckRules(
        registry=place.rules.registry,
        content_root=place.content,
        summary_max_chars=place.rules.summary_max_chars,
        body_max_bytes=place.body_max_bytes,
        now=place.now.astimezone(IST).replace(tzinfo=None),
    )
    district = place.rules.registry.district.name
    _header, problems = check_note(draft.path, note_text(draft, district), rules)
    if problems:
        draft.status = "draft"
        fields = dict.fromkeys(p.field or say("the_text") for p in problems)
        draft.warnings.append(say("kept_draft_check", fields=", ".join(fields)))


def web_address(url: str) -> str:
    """An old address as the check accepts it (spaces and Hindi written as
    %XX), or '' if it is not a web address at all (javascript:…).
    """
    quoted = quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")
    return quoted if URL_RE.match(quoted) else ""


def _old_url(draft: Draft) -> None:
    if draft.old_url and (url := web_address(draft.old_url)) != draft.old_url:
        if not url:
            draft.warnings.append(say("bad_old_url", value=draft.old_url))
        draft.old_url = url


def _place(draft: Draft, place: Place, taken: set[str]) -> None:
    """The draft's slug, file and photo path: unique, never an existing file."""
    when = draft.date.astimezone(IST)
    folder = place.content / place.notes / f"{when:%Y}" / f"{when:%m}"
    slug = unique_slug(slugify(draft.title), taken)
    while (folder / f"{slug}.md").exists():
        taken.add(slug)
        slug = unique_slug(slug, taken)
    taken.add(slug)
    draft.slug = slug
    draft.file = folder / f"{slug}.md"
    draft.path = display_path(draft.file)
    if draft.image_from is None:
        return
    images = Path(place.images) / f"{when:%Y}" / f"{when:%m}"
    image, n = images / f"{slug}{draft.image_suffix}", 2
    while (place.content / image).exists():
        image, n = images / f"{slug}-{n}{draft.image_suffix}", n + 1
    draft.image = image.as_posix()
    draft.warnings.append(say("image_alt", image=draft.image))


def finish(result: Result, place: Place, options: Options) -> Result:
    """Overrides, guesses, duplicates, slugs, paths and photo paths."""
    notes_root = place.content / place.notes
    notes = existing_notes(notes_root) if notes_root.is_dir() else []
    seen = imported_hashes(notes)
    ignoring = {"IGNORE_FILES": list(place.ignore_files)}
    taken = existing_slugs(notes_root, ignoring) if notes_root.is_dir() else set()
    kept = []
    for draft in result.drafts:
        hashes = {draft.source_hash, content_hash(draft.title, draft.body)}
        if hashes & seen:
            result.skipped["duplicate"] += 1
            continue
        seen |= hashes
        draft.source_hash = content_hash(draft.title, draft.body)
        # a file's name may hold what no note may (a terminal code)
        draft.source = normalize(draft.source)
        _override(draft, options)
        draft.reporter = person_name(draft.reporter)
        _old_url(draft)
        complete(draft, place.rules)
        _place(draft, place, taken)
        _keep_published(draft, place)
        _same_news(draft, notes, place)
        kept.append(draft)
    result.drafts = kept
    return result


def files_of(result: Result, place: Place) -> list[tuple[Path, bytes]]:
    """Every file the drafts of a run write: notes and their photos."""
    district = place.rules.registry.district.name
    files = []
    for draft in result.drafts:
        assert draft.file is not None, "finish() places every draft"
        files.append((draft.file, note_text(draft, district).encode("utf-8")))
        if draft.image and draft.image_from is not None:
            data = draft.image_from
            if isinstance(data, Path):
                data = data.read_bytes()
            files.append((place.content / draft.image, data))
    for target, _data in files:
        # a folder on the way may be a link leading out of content/
        try:
            inside(place.content, target.relative_to(place.content))
        except OutsideFolder:
            raise IngestError(say("outside", path=target)) from None
    return files


NEW_FILE_MODE = 0o666


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def make_folders(folder: Path, made: list[Path]) -> None:
    """Create `folder` and its missing parents, noting each one created."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(exist_ok=True)
        made.append(each)


def _undo(placed: list[Path], temps: list[Path], made: list[Path]) -> None:
    """Remove what a failed run wrote: files, temporary files, new folders."""
    for file in [*placed, *temps]:
        file.unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):  # not empty: something else is there
            folder.rmdir()


def write_all(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every file or none: each to a temporary file beside it (synced),
    then linked into place without replacing anything; on any failure the
    files already placed are removed again, and so are the folders the run
    created (content/notes/YYYY/MM/, content/images/YYYY/MM/).
    """
    temps: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    made: list[Path] = []
    target = None
    try:
        for target, data in files:
            make_folders(target.parent, made)
            fd, name = tempfile.mkstemp(prefix=".ingest-", dir=target.parent)
            temps.append((Path(name), target))
            # mkstemp makes the file private (0600): a note is as any new file
            os.fchmod(fd, NEW_FILE_MODE & ~current_umask())
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        for temp, target in temps:
            try:
                os.link(temp, target)
            except FileExistsError:
                raise IngestError(say("exists", path=target)) from None
            placed.append(target)
    except OSError as e:
        _undo(placed, [temp for temp, _ in temps], made)
        raise IngestError(say("write_failed", path=target, error=e)) from None
    except IngestError:
        _undo(placed, [temp for temp, _ in temps], made)
        raise
    finally:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
    return placed


def ingest(source: str, place: Place, options: Options, stdin: str = "") -> Result:
    """Import SOURCE: parse, complete, and (unless a dry run) write the drafts."""
    check_overrides(options, place.rules)
    result = finish(from_source(source, place, options, stdin), place, options)
    if not options.dry_run:
        result.written = write_all(files_of(result, place))
    return result

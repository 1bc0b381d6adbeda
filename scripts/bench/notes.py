"""Synthetic press notes for the benchmark, made from the sample bulletin.

Sentences, titles, tags, reporters and photos come from the real notes under
content/notes/; stations and categories from the registries. Everything is
drawn from a seeded random generator, so the same seed gives the same notes.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from plugins.core.header import scan_header
from plugins.press_notes.registry import Registry

# A sentence ends with a danda, a question or exclamation mark, or a full stop
# followed by a space (not the dot inside "1.5" or an abbreviation like "डॉ.").
SENTENCE_END = re.compile(r"(?<=[।?!])\s+|(?<=[^\d\s]{3}\.)\s+")
FIRST_DATE = datetime(2022, 1, 1, 9, 0)
# Not after the day this corpus was made: a later date is refused as a typo
# (press_notes: more than a day ahead needs `status: scheduled`).
LAST_DATE = datetime(2026, 11, 25, 18, 0)
# A busy district's pace: a larger archive reaches further back rather than
# packing more notes into each day (10,000 notes keep 2022-2026, about 5.6 a
# day; 50,000 start in 2020, 20 a day), so month pages hold what they would.
NOTES_PER_DAY = 20
PHOTO_EVERY = 20  # about one note in twenty has a photo


@dataclass(frozen=True)
class Corpus:
    """What synthetic notes are made of."""

    sentences: tuple[str, ...]
    titles: tuple[str, ...]
    tags: tuple[str, ...]
    reporters: tuple[str, ...]
    photos: tuple[tuple[str, str], ...]  # (path under content/, alt text)
    thanas: tuple[str, ...]  # registry names
    categories: tuple[str, ...]
    district: str


@dataclass(frozen=True)
class SyntheticNote:
    path: str  # under the content folder, e.g. notes/2024/03/x.md
    text: str
    # a photo written with the note: (the sample photo it copies, its new
    # path), both under the content folder
    photo: tuple[str, str] | None = None


def split_sentences(paragraph: str) -> list[str]:
    parts = SENTENCE_END.split(" ".join(paragraph.split()))
    return [s for s in parts if len(s) > 20]


def load_corpus(notes_dir: Path, registry: Registry) -> Corpus:
    """Collect the ingredients from the real notes and the registries."""
    sentences: list[str] = []
    titles: list[str] = []
    tags: set[str] = set()
    reporters: set[str] = set()
    photos: list = []
    for path in sorted(notes_dir.rglob("*.md")):
        header = scan_header(path.read_text(encoding="utf-8"))
        titles.append(header.value("title"))
        reporters.add(header.value("reporter"))
        tags.update(t.strip() for t in header.value("tags").split(",") if t.strip())
        if header.value("image"):
            photos.append((header.value("image"), header.value("image_alt")))
        for paragraph in header.body.split("\n\n"):
            if paragraph.strip() and not paragraph.lstrip().startswith(("#", "|")):
                sentences += split_sentences(paragraph)
    return Corpus(
        sentences=tuple(sentences),
        titles=tuple(titles),
        tags=tuple(sorted(tags)),
        reporters=tuple(sorted(reporters)),
        photos=tuple(photos),
        thanas=tuple(t.name for t in registry.thanas),
        categories=tuple(c.name for c in registry.categories),
        district=registry.district.name,
    )


def first_date(count: int) -> datetime:
    """FIRST_DATE, or earlier when `count` notes would be more than
    NOTES_PER_DAY a day from it to LAST_DATE.
    """
    return min(FIRST_DATE, LAST_DATE - timedelta(days=count / NOTES_PER_DAY))


def note_date(index: int, count: int, rng: random.Random) -> datetime:
    """Dates spread evenly from first_date(count) to LAST_DATE, oldest first."""
    first = first_date(count)
    span = (LAST_DATE - first).total_seconds()
    step = span / max(count - 1, 1)
    jitter = rng.randint(0, 90) * 60
    moment = first + timedelta(seconds=index * step + jitter)
    return min(moment, LAST_DATE).replace(second=0, microsecond=0)


def clip(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def make_note(
    index: int,
    count: int,
    corpus: Corpus,
    rng: random.Random,
    date: datetime | None = None,
) -> SyntheticNote:
    """The `index`-th of `count` notes (index 0 is the oldest)."""
    date = note_date(index, count, rng) if date is None else date
    thana = rng.choice(corpus.thanas)
    paragraphs = [
        " ".join(rng.sample(corpus.sentences, rng.randint(2, 4)))
        for _ in range(rng.randint(3, 6))
    ]
    # each note its own news: the titles are drawn from a few dozen, and the
    # same title at one station within a week is the same news, which the
    # build warns about (at 20 notes a day a quarter of the notes would be)
    title = f"{clip(f'{thana}: {rng.choice(corpus.titles)}', 130)} ({index + 1})"
    slug = f"suchna-{index:06d}"
    header = {
        "title": title,
        "date": f"{date:%Y-%m-%d %H:%M}",
        "district": corpus.district,
        "thana": thana,
        "category": rng.choice(corpus.categories),
        "tags": ", ".join(rng.sample(corpus.tags, rng.randint(1, 4))),
        "reporter": rng.choice(corpus.reporters),
        "summary": clip(rng.choice(corpus.sentences), 280),
        "slug": slug,
    }
    if corpus.photos and index % PHOTO_EVERY == 0:
        header["image"], header["image_alt"] = rng.choice(corpus.photos)
    lines = "\n".join(f"{k}: {v}" for k, v in header.items())
    body = "\n\n".join(paragraphs)
    return SyntheticNote(f"notes/{date:%Y}/{date:%m}/{slug}.md", f"{lines}\n\n{body}\n")


def make_notes(count: int, corpus: Corpus, seed: int = 1) -> list[SyntheticNote]:
    rng = random.Random(seed)
    return [make_note(i, count, corpus, rng) for i in range(count)]


def extra_note(count: int, corpus: Corpus, seed: int = 1) -> SyntheticNote:
    """One more note, newer than all `count` others and than the extra notes
    before it (for the rebuild and publish-one): a reporter's new note is
    the newest (the others end at LAST_DATE, several at that minute).
    """
    rng = random.Random(seed + count)
    date = LAST_DATE + timedelta(minutes=1 + count % 600)
    note = make_note(count, count + 1, corpus, rng, date)
    found = re.search(r"^image: (.+)$", note.text, re.MULTILINE)
    if found is None:
        return note
    # its own photo, as a reporter's new note has (not one already published)
    source = found[1]
    new = f"images/{date:%Y}/{date:%m}/{Path(note.path).stem}{Path(source).suffix}"
    text = note.text.replace(f"image: {source}", f"image: {new}", 1)
    return SyntheticNote(note.path, text, (source, new))


def write_note(content: Path, note: SyntheticNote) -> Path:
    path = content / note.path
    path.parent.mkdir(parents=True, exist_ok=True)
    if note.photo is not None:
        source, new = (content / p for p in note.photo)
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, new)
    path.write_text(note.text, encoding="utf-8")
    return path


SAMPLE_FOLDERS = ("registry", "pages", "images")


def prepare_content(source: Path, content: Path, notes: list[SyntheticNote]) -> None:
    """A content folder: the real registries, pages and photos, plus `notes`."""
    for folder in SAMPLE_FOLDERS:
        shutil.copytree(source / folder, content / folder)
    for note in notes:
        write_note(content, note)


def refresh_content(
    source: Path, content: Path, notes: list[SyntheticNote]
) -> tuple[int, int]:
    """`content` as prepare_content would make it, reusing a folder an
    earlier run made: the sample folders copied again, the note files that
    are not among `notes` removed (the extra notes of a rebuild and
    publish-one, with their own photos), and only the notes that are
    missing or differ written. (removed, written).
    """
    for folder in SAMPLE_FOLDERS:
        shutil.rmtree(content / folder, ignore_errors=True)
        shutil.copytree(source / folder, content / folder)
    wanted = {content / note.path: note for note in notes}
    removed = 0
    for path in sorted((content / "notes").rglob("*")):
        if path.is_file() and path not in wanted:
            path.unlink()
            removed += 1
    written = 0
    for path, note in wanted.items():
        try:
            same = path.read_text(encoding="utf-8") == note.text
        except FileNotFoundError:
            same = False
        if not same:
            write_note(content, note)
            written += 1
    return removed, written

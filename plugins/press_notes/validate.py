"""Check press notes against the model before anything is built.

Every rule lives here, as small pure functions over a note's text; the build,
`invoke check` and the tests all call `check_note` / `check_notes`.
"""

from __future__ import annotations

import codecs
import logging
import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from plugins.core.errors import Problem, did_you_mean, display_path
from plugins.core.header import Header, bad_characters, scan_header
from plugins.core.messages import _
from plugins.core.parallel import fork_map, record
from plugins.core.photos import (
    IMAGE_SUFFIXES,
    PHOTO_FOLDER,
    photo_path_problem,
    photo_problem,
    photos_named,
    written_path,
)
from plugins.hindi_text.krutidev import HINDI_KEYS, looks_like_krutidev
from plugins.hindi_text.slugs import unique_slug

from .duplicates import ASCII_DIGITS, warn_duplicates
from .forwards import Clutter, forward_warnings
from .model import text_slug
from .registry import SLUG_RE, Registry

logger = logging.getLogger(__name__)

DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?P<tz>\s*\+05:?30)?$"
)
REVIEW = "review"
REQUIRED = ("title", "date", "district", "thana", "category", "reporter", "summary")
OPTIONAL = (
    "tags",
    "slug",
    "image",
    "image_alt",
    "modified",
    "status",
    "scope",
    # written by `invoke ingest` (scripts/ingest): where a note came from
    "source",
    "source_url",
    "source_hash",
    "old_url",
    "reason",
    "correction",
    # written by ingest: the fields it guessed, to check before publishing
    # (warned about until the line is deleted)
    REVIEW,
)
KNOWN = REQUIRED + OPTIONAL
# Fields Pelican reads as Markdown (FORMATTED_FIELDS), joining indented
# continuation lines; any other field would become a list or keep only its
# first line.
CONTINUED_OK = ("summary",)
# `scheduled`: a note dated ahead, kept out of every page, feed and share
# run until a build runs after its date (press_notes.on_article_context).
# withdrawn: the note leaves lists and feeds; its address shows a Hindi page
# saying so, with `reason` (plugins/links keeps published addresses alive).
STATUSES = ("published", "draft", "hidden", "scheduled", "withdrawn")
WITHDRAWN = "withdrawn"
DRAFT = "draft"
# A date further ahead than this is a typo unless the note is scheduled.
FUTURE_SLACK = timedelta(days=1)
# Whom a note concerns: its police station (default) or the whole district
# (then every WhatsApp group is offered it, plugins/whatsapp).
SCOPES = ("thana", "district")
# Where an imported note came from (source_url, old_url): a plain web address.
URL_RE = re.compile(r"^https?://[^\s\"'<>`]+$")
KRUTIDEV_SAMPLE_CHARS = 600
# Pelican's links to content files, {static}path or |static|path: they may
# point only into the photo folder (no registry, ledger or settings file is
# publishable by a link).
STATIC_LINK_RE = re.compile(
    r"(?:\{(?:static|attach)\}|\|(?:static|attach)\|)([^\s\"')>]*)"
)
LINKABLE_FOLDER = "images"
# Pelican's links to another note: {filename}path or |filename|path.
FILENAME_LINK_RE = re.compile(r"(?:\{filename\}|\|filename\|)([^\s\"')>]+)")


@dataclass(frozen=True)
class Rules:
    """What a note is checked against."""

    registry: Registry
    content_root: Path
    summary_max_chars: int = 300
    body_max_bytes: int = 200_000
    # The time of the check (naive, Indian time); None skips the future rule.
    now: datetime | None = None
    # What `invoke ingest` takes out (forwards.read_clutter): left in a
    # note's text, it is warned about.
    clutter: Clutter = field(default_factory=Clutter)

    @cached_property
    def resolved_root(self) -> Path:
        """content_root with its links resolved (once, not once a note)."""
        return self.content_root.resolve()


def ascii_date(value: str) -> str:
    """A date as written, with Devanagari digits made ASCII (what Pelican reads)."""
    return value.translate(ASCII_DIGITS)


def parse_note_date(value: str) -> datetime | None:
    """Parse a note's date (naive, Indian time) or return None if invalid."""
    m = DATE_RE.match(ascii_date(value).strip())
    if not m:
        return None
    time = m.group("time")
    fmt = "%Y-%m-%d %H:%M:%S" if time.count(":") == 2 else "%Y-%m-%d %H:%M"
    try:
        return datetime.strptime(f"{m.group('date')} {time}", fmt)
    except ValueError:
        return None


def _check_keys(h: Header, p) -> list[Problem]:
    problems = []
    for key, f in h.fields.items():
        if key not in KNOWN:
            problems.append(
                p(
                    f.line,
                    key,
                    _(
                        "unknown field '%(name)s'%(hint)s Known fields: %(known)s.",
                        name=key,
                        hint=did_you_mean(key, KNOWN),
                        known=", ".join(KNOWN),
                    ),
                )
            )
    for key, f in h.fields.items():
        if f.continued and key not in CONTINUED_OK:
            problems.append(
                p(
                    f.continued[0],
                    key,
                    _(
                        "'%(name)s' goes on over an indented line, which the "
                        "build would read differently; write the whole value on "
                        "one line",
                        name=key,
                    ),
                )
            )
    for key, line in h.repeated:
        problems.append(
            p(line, key, _("'%(name)s' is given twice; keep one line", name=key))
        )
    for key in REQUIRED:
        if not h.value(key):
            at = h.line(key)
            message = (
                _(
                    "'%(name)s' is empty; add a line '%(name)s: …' to the header",
                    name=key,
                )
                if at
                else _(
                    "'%(name)s' is missing; add a line '%(name)s: …' to the header",
                    name=key,
                )
            )
            problems.append(p(at, key, message))
    return problems


def _check_dates(h: Header, p, rules: Rules) -> list[Problem]:
    problems = []
    dates = {}
    for key in ("date", "modified"):
        value = h.value(key)
        if not value:
            if key == "modified" and h.line(key) is not None:
                problems.append(
                    p(
                        h.line(key),
                        key,
                        _(
                            "'modified' is empty; write the date of the change "
                            "as YYYY-MM-DD HH:MM, or leave the line out"
                        ),
                    )
                )
            continue
        parsed = parse_note_date(value)
        if parsed is None:
            problems.append(
                p(
                    h.line(key),
                    key,
                    _(
                        "'%(value)s' is not a date; write it as YYYY-MM-DD HH:MM "
                        "in Indian time, e.g. 2026-11-24 11:30",
                        value=value,
                    ),
                )
            )
        dates[key] = parsed
    date, modified = dates.get("date"), dates.get("modified")
    if (
        date
        and rules.now
        and date > rules.now + FUTURE_SLACK
        and h.value("status") != "scheduled"
    ):
        problems.append(
            p(
                h.line("date"),
                "date",
                _(
                    "'%(value)s' is more than a day ahead; correct the year or "
                    "the month, or add the line 'status: scheduled' to publish "
                    "the note on that date",
                    value=h.value("date"),
                ),
            )
        )
    if date and modified and modified < date:
        problems.append(
            p(
                h.line("modified"),
                "modified",
                _("'modified' is earlier than 'date'; correct one of the two"),
            )
        )
    return problems


def _check_registry(h: Header, p, rules: Rules) -> list[Problem]:
    problems = []
    registry = rules.registry
    district = h.value("district")
    if district and district != registry.district.name:
        problems.append(
            p(
                h.line("district"),
                "district",
                _(
                    "'%(value)s' is not this bulletin's district; write '%(name)s'",
                    value=district,
                    name=registry.district.name,
                ),
            )
        )
    thana = h.value("thana")
    if thana and thana not in registry.thana_by_name:
        problems.append(
            p(
                h.line("thana"),
                "thana",
                _(
                    "'%(value)s' is not a police station in the registry%(hint)s "
                    "Use a name from content/registry/thanas.toml, or add the "
                    "station there.",
                    value=thana,
                    hint=did_you_mean(thana, registry.thana_by_name),
                ),
            )
        )
    category = h.value("category")
    if category and category not in registry.category_by_name:
        names = ", ".join(registry.category_by_name)
        problems.append(
            p(
                h.line("category"),
                "category",
                _(
                    "'%(value)s' is not a category%(hint)s Use one of: %(names)s.",
                    value=category,
                    hint=did_you_mean(category, registry.category_by_name),
                    names=names,
                ),
            )
        )
    return problems


def _check_fields(h: Header, p, rules: Rules) -> list[Problem]:
    problems = []
    slug = h.value("slug")
    if h.line("slug") is not None and not SLUG_RE.match(slug):
        problems.append(
            p(
                h.line("slug"),
                "slug",
                _(
                    "'%(value)s' must be lowercase ASCII words joined by "
                    "hyphens, or leave the line out to make one from the title",
                    value=slug,
                ),
            )
        )
    summary = h.value("summary")
    if len(summary) > rules.summary_max_chars:
        problems.append(
            p(
                h.line("summary"),
                "summary",
                _(
                    "the summary has %(num)s characters; keep it under "
                    "%(limit)s (one or two sentences)",
                    num=len(summary),
                    limit=rules.summary_max_chars,
                ),
            )
        )
    status = h.value("status")
    if status and status not in STATUSES:
        problems.append(
            p(
                h.line("status"),
                "status",
                _(
                    "'%(value)s' must be one of %(names)s",
                    value=status,
                    names=", ".join(STATUSES),
                ),
            )
        )
    problems += _check_withdrawal(h, p)
    scope = h.value("scope")
    if h.line("scope") is not None and scope not in SCOPES:
        problems.append(
            p(
                h.line("scope"),
                "scope",
                _(
                    "'%(value)s' must be 'district' (the note concerns the whole "
                    "district) or 'thana' (only its police station, the default)",
                    value=scope,
                ),
            )
        )
    for key in ("source_url", "old_url"):
        url = h.value(key)
        if h.line(key) is not None and not URL_RE.match(url):
            problems.append(
                p(
                    h.line(key),
                    key,
                    _(
                        "'%(url)s' is not a web address; write it as https://… "
                        "or leave the line out",
                        url=url,
                    ),
                )
            )
    problems += _check_image(h, p, rules)
    size = len(h.body.encode("utf-8"))
    if size > rules.body_max_bytes:
        problems.append(
            p(
                h.body_line,
                None,
                _(
                    "the text is %(size)s KB, more than %(limit)s KB; split it "
                    "into several notes or shorten it",
                    size=size // 1000,
                    limit=rules.body_max_bytes // 1000,
                ),
            )
        )
    if not h.body.strip():
        problems.append(
            p(h.body_line, None, _("the note has no text after the header"))
        )
    return problems


def note_folder(path: str, resolved_root: Path) -> str:
    """The note's folder under content/ (resolved, Rules.resolved_root), for
    its relative links.
    """
    try:
        rel = Path(path).resolve().relative_to(resolved_root)
    except ValueError:
        return "notes"
    return rel.parent.as_posix()


def link_target(target: str, folder: str) -> str:
    """A {static}/{filename} link's file, relative to content/ (as Pelican
    reads it: from content/ if it starts with '/', else from the note's folder).
    """
    target = target.split("#")[0].split("?")[0]
    joined = (
        target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    )
    return posixpath.normpath(joined)


def links_in(h: Header, pattern: re.Pattern) -> list[tuple[int, re.Match]]:
    """(line, match) of each link of `pattern` in the note's text. (A link
    never spans lines: the text is searched whole first, and read line by
    line only when it holds one.)
    """
    if not pattern.search(h.body):
        return []
    return [
        (h.body_line + offset, m)
        for offset, line in enumerate(h.body.split("\n"))
        for m in pattern.finditer(line)
    ]


def resolved_links(
    found: list[tuple[int, re.Match]], folder: str
) -> list[tuple[int, str, str]]:
    """(line, link as written, file under content/) of each link `found`
    (links_in) in a note of `folder` (note_folder).
    """
    return [(line, m.group(0), link_target(m.group(1), folder)) for line, m in found]


def note_links(h: Header, rules: Rules, path: str) -> list[tuple[int, str, str]]:
    """(line, link as written, file under content/) of each {filename} link."""
    found = links_in(h, FILENAME_LINK_RE)
    if not found:
        return []
    return resolved_links(found, note_folder(path, rules.resolved_root))


def without_text(h: Header) -> Header:
    """The header as the checks across notes need it (note_links): of the
    text only the lines holding a {filename} link, each on its own line.
    Checked in worker processes, every note's text came back with its
    header and stayed in the build until every note was checked.
    """
    lines = h.body.split("\n")
    kept = "\n".join(x if FILENAME_LINK_RE.search(x) else "" for x in lines)
    return replace(h, body=kept)


def _check_links(h: Header, p, rules: Rules, path: str) -> list[Problem]:
    statics = links_in(h, STATIC_LINK_RE)
    filenames = links_in(h, FILENAME_LINK_RE)
    if not statics and not filenames:
        return []
    # resolved once, and only for a note that links (a path resolves a
    # folder at a time)
    folder = note_folder(path, rules.resolved_root)
    problems = [
        p(
            line,
            None,
            _(
                "the link '%(link)s' leads to no file under content/; write "
                "the path of a note from content/, e.g. "
                "{filename}/notes/2026/11/name.md, or remove the link",
                link=link,
            ),
        )
        for line, link, rel in resolved_links(filenames, folder)
        if rel.startswith("..") or not (rules.content_root / rel).is_file()
    ]
    for line, link, rel in resolved_links(statics, folder):
        if not rel.startswith(f"{LINKABLE_FOLDER}/"):
            problems.append(
                p(
                    line,
                    None,
                    _(
                        "the link '%(link)s' points outside content/images/; "
                        "links with {static} may point only to photos there",
                        link=link,
                    ),
                )
            )
    return problems


def _check_withdrawal(h: Header, p) -> list[Problem]:
    """A withdrawn note says why; a reason belongs only to a withdrawn note."""
    withdrawn = h.value("status") == WITHDRAWN
    if withdrawn and not h.value("reason"):
        return [
            p(
                h.line("reason") or h.line("status"),
                "reason",
                _(
                    "a withdrawn note needs 'reason: …': one Hindi sentence "
                    "readers see at its address, saying why it was withdrawn"
                ),
            )
        ]
    if not withdrawn and h.line("reason") is not None:
        return [
            p(
                h.line("reason"),
                "reason",
                _(
                    "'reason' is only for a withdrawn note: add 'status: "
                    "withdrawn', or remove the line (for a correction, use "
                    "'correction: …')"
                ),
            )
        ]
    if h.line("correction") is not None and not h.value("correction"):
        return [
            p(
                h.line("correction"),
                "correction",
                _(
                    "'correction' is empty: write the Hindi correction notice, "
                    "or remove the line"
                ),
            )
        ]
    return []


def _check_image(h: Header, p, rules: Rules) -> list[Problem]:
    image, alt = h.value("image"), h.value("image_alt")
    if not image:
        if alt:
            return [
                p(h.line("image_alt"), "image_alt", _("'image_alt' without 'image'"))
            ]
        return []
    problems = []
    path = rules.content_root / image
    if not image.lower().endswith(IMAGE_SUFFIXES):
        problems.append(
            p(
                h.line("image"),
                "image",
                _("'%(value)s' must be a JPEG, PNG or WebP file", value=image),
            )
        )
    elif not path.is_file() and (found := photo_found(h, rules)):
        problems.append(p(h.line("image"), "image", found))
    elif naming := photo_path_problem(image):
        problems.append(p(h.line("image"), "image", naming))
    elif not path.is_file():
        problems.append(
            p(
                h.line("image"),
                "image",
                _(
                    "'%(value)s' does not exist under %(folder)s/; put the photo "
                    "in content/images/ and give its path from content/%(hint)s",
                    value=image,
                    folder=display_path(rules.content_root),
                    hint=did_you_mean(image, photos_beside(image, rules)),
                ),
            )
        )
    elif problem := photo_problem(path, decode=True):
        problems.append(
            p(
                h.line("image"),
                "image",
                _("'%(value)s' %(problem)s", value=image, problem=problem),
            )
        )
    if not alt:
        problems.append(
            p(
                h.line("image"),
                "image_alt",
                _("a photo needs 'image_alt': a short Hindi description of it"),
            )
        )
    return problems


def photo_found(h: Header, rules: Rules) -> str | None:
    """A photo the note names in another way than its path from content/
    (a leading content/, backslashes, another letter case) or that lies
    outside content/images/ (beside the note): where it was found and the
    exact line to write. None if no photo of that name is under content/.
    """
    image = h.value("image")
    meant = written_path(image)
    if (
        meant.startswith(f"{PHOTO_FOLDER}/")
        and photo_path_problem(meant) is None  # nothing outside content/
        and (rules.content_root / meant).is_file()
    ):
        found = meant
    else:
        named = photos_named(rules.content_root, posixpath.basename(meant))
        if not named:
            return None
        found = named[0]
    if found.startswith(f"{PHOTO_FOLDER}/"):
        return _(
            "'%(value)s' is not the photo's path from content/; the photo is "
            "at %(found)s: write image: %(line)s",
            value=image,
            found=f"content/{found}",
            line=found,
        )
    date = parse_note_date(h.value("date")) or datetime.now()
    folder = f"{PHOTO_FOLDER}/{date:%Y}/{date:%m}"
    return _(
        "'%(value)s' is not under content/images/; the photo is at "
        "%(found)s: move it into content/%(folder)s/ and write image: %(line)s",
        value=image,
        found=f"content/{found}",
        folder=folder,
        line=f"{folder}/{posixpath.basename(found)}",
    )


def photos_beside(image: str, rules: Rules) -> list[str]:
    """The photos in the folder the note's photo path names (for a
    did-you-mean), as paths from content/.
    """
    folder = posixpath.dirname(written_path(image))
    if photo_path_problem(f"{folder}/x.jpg") is not None:
        return []  # a folder outside content/ is never listed
    try:
        names = sorted(os.listdir(rules.content_root / folder))
    except OSError:
        return []
    return [
        posixpath.join(folder, n) for n in names if n.lower().endswith(IMAGE_SUFFIXES)
    ]


def character_problems(text: str, header: Header, p) -> list[Problem]:
    """Each line holding a control character, a line or paragraph separator
    or a bidi override, with the field it belongs to.
    """
    fields_at = {}
    for key, f in header.fields.items():
        fields_at[f.line] = key
    problems = []
    for number, name in bad_characters(text):
        field = fields_at.get(number) if number < header.body_line else None
        problems.append(
            p(
                number,
                field,
                _(
                    "the line holds %(char)s, which cannot be published (it "
                    "breaks lines or hides text); delete it and type the text "
                    "again",
                    char=name,
                ),
            )
        )
    return problems


def krutidev_problems(header: Header, path: str, p) -> list[Problem]:
    """The first text field (or the start of the text) typed in Kruti Dev:
    one problem, at its line, since one conversion fixes the whole file.
    """
    places: list[tuple[int, str | None, str]] = [
        (f.line, key, header.value(key))
        for key, f in header.fields.items()
        if key in HINDI_KEYS
    ]
    places.append((header.body_line, None, header.body[:KRUTIDEV_SAMPLE_CHARS]))
    found = [(line, key) for line, key, text in places if looks_like_krutidev(text)]
    if not found:
        # Short fields alone are never flagged: try them together.
        together = "\n".join(text for _line, _key, text in places)
        if looks_like_krutidev(together):
            found = [(line, key) for line, key, text in places[:1]]
    return [
        p(
            line,
            key,
            _(
                "the text looks like Kruti Dev (typed in the old Kruti Dev "
                "font), not Unicode Hindi; convert it with '.venv/bin/invoke "
                "krutidev %(path)s --in-place' (a backup *.krutidev.bak is "
                "kept), check the result, then build again",
                path=path,
            ),
        )
        for line, key in found[:1]
    ]


# The byte order marks of the Unicode encodings an editor offers besides
# UTF-8 (Notepad's "Unicode" is UTF-16 LE). UTF-32 LE's mark begins with
# UTF-16 LE's, so it is looked for first.
WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "UTF-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "UTF-16", "utf-16"),
)
# UTF-16 without a mark: NUL bytes in at least this share of the first bytes
# (every other byte of Latin text; UTF-8 text holds none).
WIDE_SAMPLE_BYTES = 400
WIDE_NUL_SHARE = 0.25


def wide_encoding(data: bytes) -> tuple[str, str] | None:
    """(name shown, codec) of a file saved as UTF-16 or UTF-32, known by its
    byte order mark or by its NUL bytes; None for any other file.
    """
    for mark, name, codec in WIDE_MARKS:
        if data.startswith(mark):
            return name, codec
    sample = data[:WIDE_SAMPLE_BYTES]
    if sample and sample.count(0) >= len(sample) * WIDE_NUL_SHARE:
        return "UTF-16", "utf-16-le" if sample[1:2] == b"\0" else "utf-16-be"
    return None


def save_as_utf8(encoding: str) -> str:
    """What to do with a file saved as `encoding` (UTF-16/UTF-32)."""
    return _(
        "the file is saved as %(encoding)s (Notepad calls it 'Unicode'), not "
        "UTF-8; open it in Notepad, choose File → Save As, set Encoding to "
        "UTF-8 and save it again",
        encoding=encoding,
    )


def unreadable_text(shown: str, data: bytes) -> tuple[Header, Problem]:
    """A note that is not UTF-8 text: the problem, and its header as far as
    it can be read (a draft's status still counts).
    """
    wide = wide_encoding(data)
    if wide is not None:
        header = scan_header(data.decode(wide[1], "replace").lstrip("\ufeff"))
        return header, Problem(shown, None, None, save_as_utf8(wide[0]))
    header = scan_header(data.decode("utf-8", "replace"))
    return header, Problem(
        shown,
        None,
        None,
        _(
            "the file is not UTF-8 text; save it as UTF-8, or if it "
            "was typed in Kruti Dev run '.venv/bin/invoke krutidev "
            "%(path)s --in-place'",
            path=shown,
        ),
    )


NOTES_CHECKED = "notes checked"


def check_note(path: str, text: str, rules: Rules) -> tuple[Header, list[Problem]]:
    """Check one note; return its header and every problem found in it."""

    def p(line, field, message):
        return Problem(path, line, field, message)

    if "\0" in text[:WIDE_SAMPLE_BYTES]:
        # UTF-16 without a byte order mark, read as UTF-8 with NUL bytes
        wide = wide_encoding(text[:WIDE_SAMPLE_BYTES].encode("utf-8"))
        if wide is not None:
            return scan_header(text.replace("\0", "")), [
                p(None, None, save_as_utf8(wide[0]))
            ]
    header = scan_header(text)
    bad = character_problems(text, header, p)
    if bad:
        # What follows such a character may be read differently by Markdown.
        return header, bad
    if not header.fields:
        return header, [
            p(
                1,
                None,
                _(
                    "no metadata header; start the file with 'title: …', "
                    "'date: …' and the other fields, then a blank line"
                ),
            )
        ]
    if header.stray_line is not None:
        line = header.stray_line
        return header, [
            p(
                line,
                None,
                _(
                    "line %(line)s is not a `field: value` line, so the header "
                    "ends before it and the fields below it are read as text; "
                    "join it to the line above (or indent it by four spaces), "
                    "and leave one blank line after the header",
                    line=line,
                ),
            )
        ]
    kruti = krutidev_problems(header, path, p)
    if kruti:
        # Field checks would only repeat this one problem in other words.
        return header, kruti
    problems = _check_keys(header, p)
    problems += _check_dates(header, p, rules)
    problems += _check_registry(header, p, rules)
    problems += _check_fields(header, p, rules)
    problems += _check_links(header, p, rules, path)
    return header, problems


@dataclass(frozen=True)
class NoteKeys:
    """What the checks across notes need of one note's header."""

    title: str
    date: str
    slug: str
    slug_line: int | None
    image: str
    thana: str = ""
    status: str = ""
    # its {filename} links (note_links): a link to a draft that is no
    # longer ready is named while the note itself is not checked again
    links: tuple[tuple[int, str, str], ...] = ()

    def value(self, key: str) -> str:
        return getattr(self, key)

    def line(self, key: str) -> int | None:
        return self.slug_line if key == "slug" else None


def note_keys(header: Header, links: Sequence[tuple[int, str, str]] = ()) -> NoteKeys:
    return NoteKeys(
        title=header.value("title"),
        date=header.value("date"),
        slug=header.value("slug"),
        slug_line=header.line("slug"),
        image=header.value("image"),
        thana=header.value("thana"),
        status=header.value("status"),
        links=tuple(links),
    )


def waits_as_draft(header: Header | NoteKeys) -> bool:
    """A draft is never on the site: what is wrong in it is listed for its
    reporter, and does not stop the build of the other notes (the draft is
    left out of the build until it passes). Every other status, and a header
    whose status cannot be read, stops the build.
    """
    return header.value("status") == DRAFT


@dataclass
class Checked:
    """The outcome of checking all notes: problems that stop the build, the
    drafts not ready to publish (left out of the build, with their problems
    and photo), each note's slug, and the keys of every note that passed (to
    skip it next time if unchanged).
    """

    problems: list[Problem] = field(default_factory=list)
    # what the build goes on with, but a reporter should read (logged)
    warnings: list[str] = field(default_factory=list)
    slugs: dict[str, str] = field(default_factory=dict)
    passed: dict[str, NoteKeys] = field(default_factory=dict)
    drafts: dict[str, list[Problem]] = field(default_factory=dict)
    draft_photos: set[str] = field(default_factory=set)
    # notes given as files that are not UTF-8 (not checked: see check_all)
    unreadable: list[str] = field(default_factory=list)

    @property
    def draft_problems(self) -> list[Problem]:
        return [p for found in self.drafts.values() for p in found]

    def add(self, path: str, header: Header | NoteKeys, found: list[Problem]) -> None:
        """Problems of one note: a draft's are its own, any other's stop the build."""
        if not found:
            return
        if waits_as_draft(header):
            self.drafts.setdefault(path, []).extend(found)
            if photo := header.value("image").strip():
                self.draft_photos.add(photo)
        else:
            self.problems += found


def assign_slugs(headers: list[tuple[str, Header]]) -> dict[str, str]:
    """Each note's slug: its own `slug`, else one made from its title.

    Made slugs are unique across the site; they are given out oldest note
    first (by date, then path), so a newer note with the same title gets the
    suffix and an older note's URL does not change. `invoke new` writes the
    slug into the file, which freezes it for good.
    """
    slugs = {path: h.value("slug") for path, h in headers if h.value("slug")}
    taken = set(slugs.values())
    pending = sorted(
        (parse_note_date(h.value("date")) or datetime.max, path, h)
        for path, h in headers
        if not h.value("slug") and h.value("title")
    )
    for _date, path, h in pending:
        slugs[path] = unique_slug(text_slug(h.value("title"), "note"), taken)
        taken.add(slugs[path])
    return slugs


def url_clashes(
    headers: list[tuple[str, Header]], slugs: dict[str, str]
) -> list[Problem]:
    """Two notes whose URLs (year/month/slug) would be the same."""
    problems = []
    seen: dict[str, str] = {}
    for path, header in headers:
        date = parse_note_date(header.value("date"))
        if date is None or path not in slugs:
            continue
        key = f"{date:%Y/%m}/{slugs[path]}"
        if key in seen:
            problems.append(
                Problem(
                    path,
                    header.line("slug"),
                    "slug",
                    _(
                        "the URL %(url)s/ is already used by %(other)s; "
                        "choose another slug",
                        url=key,
                        other=seen[key],
                    ),
                )
            )
        else:
            seen[key] = path
    return problems


UNREADABLE = "unreadable"  # what checking a file that is not UTF-8 gives


def check_one(
    path: str, source: str | Path, rules: Rules
) -> tuple[Header, list[Problem], list[Problem]] | str:
    """One note checked (its text, or its file read here), its header
    without the text, its problems and warnings; UNREADABLE for a file that
    is not UTF-8.
    """
    try:
        text = source if isinstance(source, str) else source.read_text("utf-8")
    except UnicodeDecodeError:
        return UNREADABLE
    header, found = check_note(path, text, rules)
    warned = review_warnings(path, header)
    if not found:
        warned += forward_warnings(path, header, rules.clutter)
    return without_text(header), found, warned


def check_all(
    notes: Sequence[tuple[str, str | Path]],
    rules: Rules,
    passed_before: dict[str, NoteKeys] | None = None,
) -> Checked:
    """Check every note and the rules that span notes (unique URLs).

    Each note is given with its text, or with its file, read where it is
    checked (in a worker: a cold build's texts, 10 KB a note, are then never
    all in the build's process at once); a file that is not UTF-8 is left
    out of the checks and named in `unreadable`.
    `passed_before` holds notes known to pass on their own (unchanged since
    they last did): only the rules across notes are applied to them. A URL
    used twice is the problem of a draft rather than of a note to publish.
    """
    checked = Checked(passed=dict(passed_before or {}))
    headers: list = list(checked.passed.items())

    def check(index: int) -> tuple[Header, list[Problem], list[Problem]] | str:
        return check_one(*notes[index], rules)

    # Many notes (a cold build) are checked in worker processes; a note
    # whose check logged anything is checked again here.
    done = fork_map(check, range(len(notes)), shared=[rules.registry])
    here = 0
    for index, ((path, _source), result) in enumerate(zip(notes, done, strict=True)):
        if result is None:
            result = check(index)
            here += 1
        if isinstance(result, str):  # UNREADABLE
            checked.unreadable.append(path)
            continue
        header, found, warned = result
        checked.add(path, header, found)
        headers.append((path, header))
        checked.warnings += [str(w) for w in warned]
        if not found and not warned:
            # checked again next time: its warnings are repeated until fixed
            checked.passed[path] = note_keys(header, note_links(header, rules, path))
    record(NOTES_CHECKED, len(notes) - here, here)
    headers.sort(key=lambda item: item[0])
    checked.slugs = assign_slugs(headers)
    by_path = dict(headers)
    drafts_last = sorted(headers, key=lambda item: waits_as_draft(item[1]))
    for clash in url_clashes(drafts_last, checked.slugs):
        checked.add(clash.path, by_path[clash.path], [clash])
    for path, header in headers:
        checked.add(path, header, links_to_drafts(path, header, rules, checked))
    for warning in checked.warnings:
        logger.warning("%s", warning)
    checked.warnings += warn_duplicates(headers, rules.registry.thana_by_name)
    return checked


def guessed_from(name: str) -> str:
    """Where ingest's guess of a field came from."""
    origins = {
        "title": _("title: the first line of the text"),
        "date": _("date: when the message was sent, or the file saved or pasted"),
        "reporter": _("reporter: the sender's WhatsApp name or a byline"),
        "thana": _("thana: a station named in the text"),
        "category": _("category: words in the text"),
        "summary": _("summary: the first sentences of the text"),
    }
    return origins.get(name, name)


def review_warnings(path: str, header: Header) -> list[Problem]:
    """A `review:` line (ingest's guesses): warned about, draft or not,
    until it is deleted.
    """
    if header.line(REVIEW) is None:
        return []
    names = [n.strip() for n in header.value(REVIEW).split(",") if n.strip()]
    return [
        Problem(
            path,
            header.line(REVIEW),
            REVIEW,
            _(
                "ingest guessed these fields (%(origins)s); check each against "
                "the source and correct it, then delete the 'review' line",
                origins="; ".join(guessed_from(n) for n in names) or "-",
            ),
        )
    ]


def links_to_drafts(
    path: str, header: Header | NoteKeys, rules: Rules, checked: Checked
) -> list[Problem]:
    """A link to a draft not ready to publish: it is left out of the build.
    (A note that passed before and is unchanged gives the links it had.)
    """
    if not checked.drafts:  # nearly always: no link is looked at
        return []
    links = (
        note_links(header, rules, path) if isinstance(header, Header) else header.links
    )
    return [
        Problem(
            path,
            line,
            None,
            _(
                "the link '%(link)s' leads to a draft not ready to publish "
                "(left out of the build); finish that draft, or remove the link",
                link=link,
            ),
        )
        for line, link, rel in links
        if display_path(rules.content_root / rel) in checked.drafts
    ]


def check_notes(notes: list[tuple[str, str]], rules: Rules) -> list[Problem]:
    """Every problem of these notes, drafts' included."""
    checked = check_all(notes, rules)
    return checked.problems + checked.draft_problems

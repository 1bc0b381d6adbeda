"""Check press notes against the model before anything is built.

Every rule lives here, as small pure functions over a note's text; the build,
`invoke check` and the tests all call `check_note` / `check_notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from plugins.core.errors import Problem, did_you_mean, display_path
from plugins.core.header import Header, scan_header
from plugins.core.photos import IMAGE_SUFFIXES, photo_path_problem, photo_problem
from plugins.hindi_text.krutidev import looks_like_krutidev
from plugins.hindi_text.slugs import slugify, unique_slug

from .duplicates import warn_duplicates
from .registry import SLUG_RE, Registry

DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?P<tz>\s*\+05:?30)?$"
)
DATE_HINT = "write it as YYYY-MM-DD HH:MM in Indian time, e.g. 2026-11-24 11:30"
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
)
KNOWN = REQUIRED + OPTIONAL
# withdrawn: the note leaves lists and feeds; its address shows a Hindi page
# saying so, with `reason` (plugins/links keeps published addresses alive).
STATUSES = ("published", "draft", "hidden", "withdrawn")
WITHDRAWN = "withdrawn"
# Whom a note concerns: its police station (default) or the whole district
# (then every WhatsApp group is offered it, plugins/whatsapp).
SCOPES = ("thana", "district")
# Where an imported note came from (source_url, old_url): a plain web address.
URL_RE = re.compile(r"^https?://[^\s\"'<>`]+$")
KRUTIDEV_SAMPLE_CHARS = 600


@dataclass(frozen=True)
class Rules:
    """What a note is checked against."""

    registry: Registry
    content_root: Path
    summary_max_chars: int = 300


def parse_note_date(value: str) -> datetime | None:
    """Parse a note's date (naive, Indian time) or return None if invalid."""
    m = DATE_RE.match(value.strip())
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
                    f"unknown field '{key}'{did_you_mean(key, KNOWN)}"
                    f" Known fields: {', '.join(KNOWN)}.",
                )
            )
    for key, line in h.repeated:
        problems.append(p(line, key, f"'{key}' is given twice; keep one line"))
    for key in REQUIRED:
        if not h.value(key):
            at = h.line(key)
            what = "is empty" if at else "is missing"
            problems.append(
                p(at, key, f"'{key}' {what}; add a line '{key}: …' to the header")
            )
    return problems


def _check_dates(h: Header, p) -> list[Problem]:
    problems = []
    dates = {}
    for key in ("date", "modified"):
        value = h.value(key)
        if not value:
            continue
        parsed = parse_note_date(value)
        if parsed is None:
            problems.append(
                p(h.line(key), key, f"'{value}' is not a date; {DATE_HINT}")
            )
        dates[key] = parsed
    date, modified = dates.get("date"), dates.get("modified")
    if date and modified and modified < date:
        problems.append(
            p(h.line("modified"), "modified", "'modified' is earlier than 'date'")
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
                f"'{district}' is not this bulletin's district; write "
                f"'{registry.district.name}'",
            )
        )
    thana = h.value("thana")
    if thana and thana not in registry.thana_by_name:
        problems.append(
            p(
                h.line("thana"),
                "thana",
                f"'{thana}' is not a police station in the registry"
                f"{did_you_mean(thana, registry.thana_by_name)} Use a name from "
                f"content/registry/thanas.toml, or add the station there.",
            )
        )
    category = h.value("category")
    if category and category not in registry.category_by_name:
        names = ", ".join(registry.category_by_name)
        problems.append(
            p(
                h.line("category"),
                "category",
                f"'{category}' is not a category"
                f"{did_you_mean(category, registry.category_by_name)} "
                f"Use one of: {names}.",
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
                f"'{slug}' must be lowercase ASCII words joined by hyphens, "
                "or leave the line out to make one from the title",
            )
        )
    summary = h.value("summary")
    if len(summary) > rules.summary_max_chars:
        problems.append(
            p(
                h.line("summary"),
                "summary",
                f"the summary has {len(summary)} characters; keep it under "
                f"{rules.summary_max_chars} (one or two sentences)",
            )
        )
    status = h.value("status")
    if status and status not in STATUSES:
        problems.append(
            p(h.line("status"), "status", f"'{status}' must be one of {STATUSES}")
        )
    problems += _check_withdrawal(h, p)
    scope = h.value("scope")
    if h.line("scope") is not None and scope not in SCOPES:
        problems.append(
            p(
                h.line("scope"),
                "scope",
                f"'{scope}' must be 'district' (the note concerns the whole "
                "district) or 'thana' (only its police station, the default)",
            )
        )
    for key in ("source_url", "old_url"):
        url = h.value(key)
        if h.line(key) is not None and not URL_RE.match(url):
            problems.append(
                p(
                    h.line(key),
                    key,
                    f"'{url}' is not a web address; write it as https://… "
                    "or leave the line out",
                )
            )
    problems += _check_image(h, p, rules)
    if not h.body.strip():
        problems.append(p(h.body_line, None, "the note has no text after the header"))
    return problems


def _check_withdrawal(h: Header, p) -> list[Problem]:
    """A withdrawn note says why; a reason belongs only to a withdrawn note."""
    withdrawn = h.value("status") == WITHDRAWN
    if withdrawn and not h.value("reason"):
        return [
            p(
                h.line("reason") or h.line("status"),
                "reason",
                "a withdrawn note needs 'reason: …': one Hindi sentence readers "
                "see at its address, saying why it was withdrawn",
            )
        ]
    if not withdrawn and h.line("reason") is not None:
        return [
            p(
                h.line("reason"),
                "reason",
                "'reason' is only for a withdrawn note: add 'status: withdrawn', "
                "or remove the line (for a correction, use 'correction: …')",
            )
        ]
    if h.line("correction") is not None and not h.value("correction"):
        return [
            p(
                h.line("correction"),
                "correction",
                "'correction' is empty: write the Hindi correction notice, or "
                "remove the line",
            )
        ]
    return []


def _check_image(h: Header, p, rules: Rules) -> list[Problem]:
    image, alt = h.value("image"), h.value("image_alt")
    if not image:
        if alt:
            return [p(h.line("image_alt"), "image_alt", "'image_alt' without 'image'")]
        return []
    problems = []
    path = rules.content_root / image
    if not image.lower().endswith(IMAGE_SUFFIXES):
        problems.append(
            p(h.line("image"), "image", f"'{image}' must be a JPEG, PNG or WebP file")
        )
    elif naming := photo_path_problem(image):
        problems.append(p(h.line("image"), "image", naming))
    elif not path.is_file():
        problems.append(
            p(
                h.line("image"),
                "image",
                f"'{image}' does not exist under {display_path(rules.content_root)}/; "
                "put the photo "
                "in content/images/ and give its path from content/",
            )
        )
    elif problem := photo_problem(path, decode=True):
        problems.append(
            p(
                h.line("image"),
                "image",
                f"'{image}' {problem}",
            )
        )
    if not alt:
        problems.append(
            p(
                h.line("image"),
                "image_alt",
                "a photo needs 'image_alt': a short Hindi description of it",
            )
        )
    return problems


def check_note(path: str, text: str, rules: Rules) -> tuple[Header, list[Problem]]:
    """Check one note; return its header and every problem found in it."""

    def p(line, field, message):
        return Problem(path, line, field, message)

    header = scan_header(text)
    if not header.fields:
        return header, [
            p(
                1,
                None,
                "no metadata header; start the file with 'title: …', "
                "'date: …' and the other fields, then a blank line",
            )
        ]
    # The title and the start of the text tell Kruti Dev apart (and keep the
    # check cheap on long notes).
    sample = f"{header.value('title')}\n{header.body[:KRUTIDEV_SAMPLE_CHARS]}"
    if looks_like_krutidev(sample):
        # Field checks would only repeat this one problem in other words.
        return header, [
            p(
                header.body_line,
                None,
                "the text looks like Kruti Dev (typed in "
                "the old Kruti Dev font), not Unicode Hindi; convert it with "
                f"'.venv/bin/invoke krutidev {path} --in-place' (a backup "
                "*.krutidev.bak is kept), check the result, then build again",
            )
        ]
    problems = _check_keys(header, p)
    problems += _check_dates(header, p)
    problems += _check_registry(header, p, rules)
    problems += _check_fields(header, p, rules)
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

    def value(self, key: str) -> str:
        return getattr(self, key)

    def line(self, key: str) -> int | None:
        return self.slug_line if key == "slug" else None


def note_keys(header: Header) -> NoteKeys:
    return NoteKeys(
        title=header.value("title"),
        date=header.value("date"),
        slug=header.value("slug"),
        slug_line=header.line("slug"),
        image=header.value("image"),
        thana=header.value("thana"),
    )


@dataclass
class Checked:
    """The outcome of checking all notes: problems, each note's slug, and the
    keys of every note that passed (to skip it next time if unchanged).
    """

    problems: list[Problem] = field(default_factory=list)
    slugs: dict[str, str] = field(default_factory=dict)
    passed: dict[str, NoteKeys] = field(default_factory=dict)


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
    for _, path, h in pending:
        slugs[path] = unique_slug(slugify(h.value("title")), taken)
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
                    f"the URL {key}/ is already used by {seen[key]}; "
                    "choose another slug",
                )
            )
        else:
            seen[key] = path
    return problems


def check_all(
    notes: list[tuple[str, str]],
    rules: Rules,
    passed_before: dict[str, NoteKeys] | None = None,
) -> Checked:
    """Check every note and the rules that span notes (unique URLs).

    `passed_before` holds notes known to pass on their own (unchanged since
    they last did): only the rules across notes are applied to them.
    """
    checked = Checked(passed=dict(passed_before or {}))
    headers: list = list(checked.passed.items())
    for path, text in notes:
        header, found = check_note(path, text, rules)
        checked.problems += found
        headers.append((path, header))
        if not found:
            checked.passed[path] = note_keys(header)
    headers.sort(key=lambda item: item[0])
    checked.slugs = assign_slugs(headers)
    checked.problems += url_clashes(headers, checked.slugs)
    warn_duplicates(headers, rules.registry.thana_by_name)
    return checked


def check_notes(notes: list[tuple[str, str]], rules: Rules) -> list[Problem]:
    return check_all(notes, rules).problems

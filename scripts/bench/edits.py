"""Edits after publish-one: a reporter fixes the note just published (its
text, then its station), the desk adds a keyword to a category of the
registry (read by `invoke ingest`, shown on no page), changes the area of
the station that note was first given (on each of its note pages, its
list's front page, the stations' page, its feed and the WhatsApp join
page) and the description of that note's category (on its list's front
page, the categories' page and its feed), then a reporter new to the
bulletin sends a note newer than every other under a tag no note has
(its tag's page, the tags' page and the reporter's feed appear; the note
is taken out again, untimed, after it is measured, so that later steps
see the same notes); each timed like publish-one,
from writing the file to the end of the reporter's build command (`invoke
build`'s build_and_report) in a fresh process, on the site as published
(every note's address in the links ledger; with `published=False`, on the
site as it is). The report prints `edit-text S`, `edit-station S`,
`edit-registry S`, `edit-area S`, `edit-description S` and `publish-firsts S`
(wall seconds) with the CPU time and the path each build took
(scripts/fast_build.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from .measure import Measurement, reported_path, run_measured, worker_command

LABELS = (
    "edit-text",
    "edit-station",
    "edit-registry",
    "edit-area",
    "edit-description",
    "publish-firsts",
)
PREFIX = "project "  # the table's label of each edit: "project edit-text"
THANA_LINE = re.compile(r"^thana: (.+)$", re.MULTILINE)
DATE_LINE = re.compile(r"^date: (.+)$", re.MULTILINE)
# the first note of a reporter and a tag: publish-firsts
FIRSTS = {
    "title": "नए विषय पर पहली सूचना",
    "tags": "पहला विषय",
    "reporter": "नया संवाददाता",
}
CATEGORY_LINE = re.compile(r"^category: (.+)$", re.MULTILINE)
KEYWORDS_LINE = re.compile(r"^keywords = \[", re.MULTILINE)
# an entry's field in a registry: its `field` line (up to the closing quote)
FIELD_OF = r'(^name = "{name}"\n(?:(?!\[\[).*\n)*?{field} = "[^"\n]*)"'


def field_line(name: str, field: str) -> re.Pattern:
    """The value of `field` of the entry named `name` in a registry (up to
    its closing quote).
    """
    return re.compile(FIELD_OF.format(name=re.escape(name), field=field), re.MULTILINE)


def area_line(station: str) -> re.Pattern:
    """The area value of `station`'s entry in the station registry."""
    return field_line(station, "area")


def newest_note(content: Path) -> Path:
    """The note written last (publish-one's)."""
    return max((content / "notes").rglob("*.md"), key=lambda p: p.stat().st_mtime_ns)


def busiest_station(content: Path, besides: str) -> str:
    """The station most notes name, other than `besides` (read before the
    timed span: 10,000 small files).
    """
    counts = Counter(
        found[1]
        for path in (content / "notes").rglob("*.md")
        for found in [THANA_LINE.search(path.read_text(encoding="utf-8"))]
        if found is not None and found[1] != besides
    )
    return counts.most_common(1)[0][0]


def replaced(path: Path, old: re.Pattern | str, new: str) -> Callable[[], None]:
    """An edit of `path`: the first `old` replaced by `new`."""

    def edit() -> None:
        text = path.read_text(encoding="utf-8")
        if isinstance(old, str):
            changed = text.replace(old, new, 1)
        else:
            changed = old.sub(new, text, count=1)
        if changed == text:
            raise ValueError(f"{path}: nothing to edit")
        path.write_text(changed, encoding="utf-8")

    return edit


def first_note_path(note: Path) -> Path:
    """Where publish-firsts writes its note: beside `note`."""
    return note.with_name(f"{note.stem}-pehla.md")


def first_note_text(text: str) -> str:
    """A note newer than `text`'s by a minute, with its own title and slug,
    the first of its tag and reporter (FIRSTS), without a photo (a photo
    another note has is not a new note's).
    """
    found = DATE_LINE.search(text)
    if found is None:
        raise ValueError("the note has no date line")
    date = datetime.strptime(found[1], "%Y-%m-%d %H:%M") + timedelta(minutes=1)
    fields = {**FIRSTS, "date": f"{date:%Y-%m-%d %H:%M}"}
    header, blank, body = text.partition("\n\n")
    lines = []
    for line in header.splitlines():
        key, _sep, value = line.partition(": ")
        if key in ("image", "image_alt"):
            continue
        if key == "slug":
            value = f"{value}-pehla"
        lines.append(f"{key}: {fields.get(key, value)}")
    return "\n".join(lines) + blank + body


def written(path: Path, text: str) -> Callable[[], None]:
    def edit() -> None:
        path.write_text(text, encoding="utf-8")

    return edit


def appended(path: Path, text: str) -> Callable[[], None]:
    def edit() -> None:
        with path.open("a", encoding="utf-8") as out:
            out.write(text)

    return edit


def edits(content: Path) -> list[tuple[str, Callable[[], None]]]:
    """The edits, in order (each made inside its timed span)."""
    note = newest_note(content)
    text = note.read_text(encoding="utf-8")
    station = THANA_LINE.search(text)
    if station is None:
        raise ValueError(f"{note}: no thana line")
    category = CATEGORY_LINE.search(text)
    if category is None:
        raise ValueError(f"{note}: no category line")
    other = busiest_station(content, station[1])
    registry = content / "registry" / "categories.toml"
    stations = content / "registry" / "thanas.toml"
    return [
        ("edit-text", appended(note, "\nसंशोधन: समय की जानकारी जोड़ी गई।\n")),
        ("edit-station", replaced(note, THANA_LINE, f"thana: {other}")),
        ("edit-registry", replaced(registry, KEYWORDS_LINE, 'keywords = ["जाँच", ')),
        ("edit-area", replaced(stations, area_line(station[1]), r'\1 अनुभाग"')),
        (
            "edit-description",
            replaced(
                registry,
                field_line(category[1], "description"),
                r'\1 (जिले भर से)"',
            ),
        ),
        ("publish-firsts", written(first_note_path(note), first_note_text(text))),
    ]


def as_published(workdir: Path, root: Path, spec: dict) -> None:
    """Make the site one that was published (untimed): a build that records
    every note's address in the links ledger, as a publish does, then the
    reporter's build again (the settings changed: a full build). Every note
    is then in the ledger, as on the real bulletin.
    """
    from .bench import BenchError

    recording = json.loads(json.dumps(spec))
    links = recording["overrides"].get("LINKS") or {}
    recording["overrides"]["LINKS"] = {**links, "record": True}
    for label, run in (("record", recording), ("after-record", spec)):
        measured = run_measured(
            label, worker_command("publish", run), root, workdir / f"{label}.log"
        )
        if not measured.ok:
            raise BenchError(f"{label} build failed:\n{measured.log[-4000:]}")


def measure_edits(
    workdir: Path, root: Path, spec: dict, content: Path, published: bool = True
) -> list[Measurement]:
    """Each edit, then the reporter's build command, timed, on the site as
    published (as_published; `published=False`: as it is); raise
    BenchError if one fails.
    """
    from .bench import BenchError

    if published:
        as_published(workdir, root, spec)
    first = first_note_path(newest_note(content))
    runs = []
    for label, edit in edits(content):
        measured = run_measured(
            PREFIX + label,
            worker_command("publish", spec),
            root,
            workdir / f"{label}.log",
            before=edit,
        )
        if not measured.ok:
            raise BenchError(f"{label} failed:\n{measured.log[-4000:]}")
        runs.append(measured)
    first.unlink(missing_ok=True)
    return runs


def edit_lines(runs: Iterable[Measurement]) -> list[str]:
    """`edit-text S (CPU C s, took the fast path (why))`, one per edit."""
    lines = []
    for run in runs:
        label = run.label.removeprefix(PREFIX)
        if label not in LABELS:
            continue
        path = reported_path(run.log) or "unknown (no path reported)"
        took = path.replace(" (", " path (", 1)
        lines.append(
            f"{label} {run.wall_s:.2f} (CPU {run.cpu_s:.2f} s, took the {took})"
        )
    return lines

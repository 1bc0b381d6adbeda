"""`invoke check`: check every press note, the registries, the WhatsApp
group registry and the share ledger without building.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import unicodedata
from pathlib import Path

from pelican.settings import read_settings

from plugins.core.errors import (
    CommandError,
    ContentError,
    Problem,
    display_path,
    drafts_report,
)
from plugins.core.messages import _, ngettext_, set_language
from plugins.core.photos import IMAGE_SUFFIXES
from plugins.press_notes import check_content
from plugins.press_notes.reader import SafeMarkdownReader
from plugins.whatsapp.groups import load_groups
from plugins.whatsapp.ledger import read_ledger
from plugins.whatsapp.settings import content_path, plugin_settings

logger = logging.getLogger(__name__)

# Files the notes' reader reads.
NOTE_SUFFIXES = tuple(f".{e}" for e in SafeMarkdownReader.file_extensions)


def ignored(name: str, settings: dict) -> bool:
    """True for a file name Pelican skips (IGNORE_FILES, as its generators
    match them: against the base name).
    """
    return any(fnmatch.fnmatch(name, p) for p in settings.get("IGNORE_FILES", ()))


def note_file(rel: str, settings: dict) -> bool:
    """Whether Pelican reads the file at `rel` (under content/) as a note:
    a note's suffix, under an article folder, not under an excluded one, no
    part of its path skipped (IGNORE_FILES, matched as Pelican's generators
    match file and folder names).
    """
    path = Path(rel)
    if not rel.endswith(NOTE_SUFFIXES):
        return False
    if not any(path.is_relative_to(p) for p in settings["ARTICLE_PATHS"]):
        return False
    excluded = settings.get("ARTICLE_EXCLUDES") or ()
    if any(path.is_relative_to(p) for p in excluded):
        return False
    return not any(ignored(part, settings) for part in path.parts)


def note_paths(settings: dict) -> list[str]:
    """Every note the build reads under the article folders, relative to PATH."""
    root = settings["PATH"]
    return [
        rel
        for path in settings["ARTICLE_PATHS"]
        for d, _dirs, files in os.walk(os.path.join(root, path))
        for f in files
        if note_file(rel := os.path.relpath(os.path.join(d, f), root), settings)
    ]


# Files a reporter leaves among the notes that the build never reads.
PHOTO_SUFFIXES = (*IMAGE_SUFFIXES, ".heic", ".heif", ".gif")
DOCUMENT_SUFFIXES = (".doc", ".docx", ".odt", ".rtf", ".pdf")


def stray_files(settings: dict) -> list[str]:
    """Every file under the article folders the build does not read as a
    note and was not told to skip (IGNORE_FILES), relative to PATH.
    """
    root = settings["PATH"]
    found = []
    for path in settings["ARTICLE_PATHS"]:
        for d, dirs, files in os.walk(os.path.join(root, path)):
            # a folder the build skips (hidden: an editor's, git's) is not looked in
            dirs[:] = [x for x in dirs if not ignored(x, settings)]
            found += [
                os.path.relpath(os.path.join(d, f), root)
                for f in files
                if not f.endswith(NOTE_SUFFIXES) and not ignored(f, settings)
            ]
    return sorted(found)


def note_name(path: Path) -> str:
    """The name a note saved under a name the build does not read should
    have (`x.MD`, `x.md ` or `x.md.` from a phone or Windows upload, a name
    with an invisible character copied from a chat, a file with no suffix
    that starts with a `title:` line): `x.md`; or "".
    """
    name = "".join(c for c in path.name if unicodedata.category(c) != "Cf")
    name = name.strip().rstrip(".").strip()
    for suffix in NOTE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + ".md"
    if "." not in name and starts_as_note(path):
        return name + ".md"
    return ""


def taken_name(path: Path, wanted: str) -> str:
    """The file beside `path` that renaming it to `wanted` would replace
    (the same name in any case: some disks do not tell them apart), or "".
    """
    for other in path.parent.iterdir():
        if other != path and other.name.casefold() == wanted.casefold():
            return other.name
    return ""


def free_name(path: Path, wanted: str) -> str:
    """`wanted`, or `stem-2.md`, `stem-3.md`… if a file beside `path` has it."""
    stem, suffix = os.path.splitext(wanted)
    candidate, number = wanted, 1
    while taken_name(path, candidate):
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    return candidate


def rename_message(path: Path, wanted: str, why: str) -> str:
    """Rename `path` to `wanted` (`why` says why), unless a file beside it
    has that name: then never advise replacing it.
    """
    if other := taken_name(path, wanted):
        return _(
            "%(why)s; but %(other)s is already in this folder, and renaming "
            "this file to it would replace it: compare the two and keep one, "
            "or rename this one to %(free)s",
            why=why,
            other=other,
            free=free_name(path, wanted),
        )
    return _("%(why)s; rename it to %(name)s", why=why, name=wanted)


def starts_as_note(path: Path) -> bool:
    """Does the file begin with a note's `title:` line?"""
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError:
        return False
    first = head.decode("utf-8", "replace").lstrip("\ufeff").lstrip()
    return first.lower().startswith("title:")


def stray_warning(settings: dict, rel: str) -> Problem:
    """What to do with a file among the notes that is not a note."""
    path = Path(settings["PATH"]) / rel
    name, suffix = path.name, path.suffix.lower()
    if suffix == ".txt" and name[: -len(suffix)].endswith(NOTE_SUFFIXES):
        message = rename_message(
            path,
            name[: -len(suffix)],
            _(
                "the name ends in .txt (Notepad adds it), so the build does not "
                "read it as a note"
            ),
        )
    elif renamed := note_name(path):
        message = rename_message(
            path,
            renamed,
            _(
                "the build reads a note only when its name ends in .md, in "
                "small letters with nothing after it"
            ),
        )
    elif suffix == ".txt":
        message = _(
            "a .txt file is not read as a note; if it is a WhatsApp message, "
            "move it out of content/ and import it with .venv/bin/invoke "
            "ingest FILE; if it is a note, rename it to end in .md"
        )
    elif suffix in PHOTO_SUFFIXES:
        message = _(
            "a photo among the notes is not published; move it into "
            "content/images/YYYY/MM/ and name it in its note's 'image:' line"
        )
    elif suffix in DOCUMENT_SUFFIXES:
        message = _(
            "a Word or PDF file is not read as a note; start a note with "
            ".venv/bin/invoke new and copy its text in, then move the file "
            "out of content/"
        )
    else:
        message = _(
            "is not a note (a .md file), so the build does not read it; move "
            "it out of content/notes/"
        )
    return Problem(display_path(path), None, None, message)


def read_as_content(settings: dict, path: Path) -> bool:
    """Would the build read this file as a note or page (or copy it)?"""
    root = Path(settings["PATH"]).resolve()
    try:
        Path(path).resolve().relative_to(root)
    except ValueError:
        return False
    return not ignored(Path(path).name, settings)


def share_problems(settings: dict, registry) -> list[Problem]:
    """What is wrong in the group registry and the share ledger."""
    conf = plugin_settings(settings)
    problems: list[Problem] = []
    groups = content_path(settings, conf["groups"])
    if groups.exists():
        try:
            load_groups(groups, registry)
        except ContentError as e:
            problems += e.problems
    try:
        read_ledger(content_path(settings, conf["ledger"]))
    except ContentError as e:
        problems += e.problems
    return problems


def check(settings_file: str, only: str = "") -> str:
    """Check the content; raise ContentError listing every problem.

    Drafts not ready to publish are listed apart: alone they stop nothing
    (the build leaves them out). With `only` (a note file), just that note's
    problems are reported, and a draft's problems count.
    """
    settings = read_settings(settings_file)
    set_language(settings)
    notes = note_paths(settings)
    problems: list[Problem] = []
    drafts: list[Problem] = []
    warnings: list[str] = []
    try:
        checked = check_content(settings, notes)
    except ContentError as e:
        problems += e.problems
        drafts += e.drafts
    else:
        drafts += checked.drafts
        warnings += checked.warnings
        problems += share_problems(settings, checked.registry)
    if only:
        return only_note(settings, only, notes, problems + drafts)
    for rel in stray_files(settings):
        warnings.append(str(stray_warning(settings, rel)))
        logger.warning("%s", warnings[-1])
    if problems:
        raise ContentError(problems, drafts)
    if drafts:
        done = ngettext_(
            "%(num)s note checked: nothing stops the build",
            "%(num)s notes checked: nothing stops the build",
            len(notes),
        )
        report = f"{done}\n{drafts_report(drafts)}"
    else:
        report = ngettext_(
            "%(num)s note checked: no problems",
            "%(num)s notes checked: no problems",
            len(notes),
        )
    if warnings:
        report += "\n" + ngettext_(
            "%(num)s warning (listed above): it stops nothing, but fix what it names",
            "%(num)s warnings (listed above): they stop nothing, but fix what "
            "they name",
            len(warnings),
        )
    return report


def unfollowed(path: Path) -> Path:
    """`path` made absolute through its folders, its last name not followed:
    a note that is a link is that link (the check names it), never the file
    it points to.
    """
    return path.absolute().parent.resolve() / path.name


def only_note(settings: dict, only: str, notes: list[str], found: list[Problem]) -> str:
    """The report of one note: its problems (a ContentError), or none."""
    root = Path(settings["PATH"]).resolve()
    target = unfollowed(Path(only))
    if not any(unfollowed(root / rel) == target for rel in notes):
        raise CommandError(
            _(
                "%(path)s is not a note the build reads; give a .md file under "
                "content/notes/",
                path=only,
            )
        )
    shown = display_path(target)
    mine = [p for p in found if p.path == shown]
    if mine:
        raise ContentError(mine)
    return _("%(path)s: no problems", path=shown)

"""One exception tree for every failure a user can cause, and the problems
found in the content, reported together at the end of a check.

    BulletinError            anything a reporter, an admin or the desk can fix
    ├── ContentError         notes, registries, ledgers: a list of Problems,
    │                        each with the file, the line and the field
    ├── SettingError         a setting in pelicanconf.py / publishconf.py
    ├── BuildFailed          a build that did not finish (output untouched)
    └── CommandError         a command (new, krutidev, share, ...) refused
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .messages import _, ngettext_


def display_path(path: str | Path, resolved: Path | None = None) -> str:
    """A path as a reporter finds it: relative to the working folder if inside.
    `resolved` is Path(path).resolve() when the caller has it already.
    """
    try:
        return str((resolved or Path(path).resolve()).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice ("; did you mean 'x'?"), or ""."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return _("; did you mean '%(name)s'?", name=close[0]) if close else ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, with what to do about it."""

    path: str
    line: int | None
    field: str | None
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        """File, then line (problems of the whole file first), field, message."""
        return (self.path, self.line or 0, self.field or "", self.message)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}"


class BulletinError(Exception):
    """A failure the user can fix; the message says where and what to do."""


class ContentError(BulletinError):
    """The content cannot be published; carries every problem found, and the
    problems of the drafts not ready to publish (which alone stop nothing).
    """

    def __init__(self, problems: list[Problem], drafts: Iterable[Problem] = ()):
        self.problems = sorted(problems, key=Problem.sort_key)
        self.drafts = sorted(drafts, key=Problem.sort_key)
        lines = "\n".join(f"  {p}" for p in self.problems)
        head = ngettext_(
            "%(num)s problem in the content:",
            "%(num)s problems in the content:",
            len(self.problems),
        )
        parts = [f"{head}\n{lines}"] if self.problems or not self.drafts else []
        if self.drafts:
            parts.append(drafts_report(self.drafts))
        super().__init__("\n".join(parts))


def drafts_report(problems: list[Problem]) -> str:
    """The problems of drafts (status: draft), apart from those that stop
    the build: what each reporter still has to fill in.
    """
    files = {p.path for p in problems}
    head = ngettext_(
        "%(num)s draft not ready to publish (left out of the build until "
        "it passes; fill in what is named below):",
        "%(num)s drafts not ready to publish (left out of the build until "
        "they pass; fill in what is named below):",
        len(files),
    )
    lines = "\n".join(f"  {p}" for p in sorted(problems, key=Problem.sort_key))
    return f"{head}\n{lines}"


class SettingError(BulletinError, ValueError):
    """A setting is wrong; the message names the setting and the key."""


class BuildFailed(BulletinError):
    """The build did not finish cleanly; the output folder was not touched."""


class CommandError(BulletinError):
    """A command could not do what was asked; the message says why."""

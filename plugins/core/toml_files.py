"""Reading a registry's TOML file into data or a problem naming the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import Problem, display_path
from .messages import _


def load_toml(path: Path) -> tuple[dict | None, list[Problem]]:
    """The parsed file, or None and the problem (missing, not valid TOML)."""
    shown = display_path(path)
    try:
        with path.open("rb") as f:
            return tomllib.load(f), []
    except FileNotFoundError:
        return None, [Problem(shown, None, None, _("the file is missing"))]
    except tomllib.TOMLDecodeError as e:
        return None, [
            Problem(
                shown,
                None,
                None,
                _("not valid TOML (%(error)s); fix the syntax", error=e),
            )
        ]

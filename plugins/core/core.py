"""The core plugin: check PLUGINS when a build starts."""

from __future__ import annotations

from pelican import signals

from .contract import CORE, order_problems
from .errors import SettingError


def plugin_problems(wanted: list[str], loaded: list[str]) -> list[str]:
    """PLUGINS entries that did not load, and order problems."""
    problems = [
        f"plugin '{name}' did not load (see the error above); fix it or remove "
        "it from PLUGINS"
        for name in wanted
        if name not in loaded
    ]
    if wanted and wanted[0] != CORE:
        problems.append(f"'{CORE}' must come first in PLUGINS")
    return problems + order_problems(wanted)


def on_initialized(pelican) -> None:
    wanted = [str(p) for p in pelican.settings.get("PLUGINS") or ()]
    loaded = [getattr(p, "__name__", str(p)) for p in getattr(pelican, "plugins", ())]
    problems = plugin_problems(wanted, loaded)
    if problems:
        raise SettingError("PLUGINS: " + "; ".join(problems))


def register() -> None:
    signals.initialized.connect(on_initialized)

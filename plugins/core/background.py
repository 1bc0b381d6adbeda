"""Work a build starts beside itself, ended with the build however it ends.

A plugin that starts a process to work while the build goes on registers
how to end it (`started`); the build calls `end` once Pelican has run,
whether it finished or failed, so nothing started for a build that stopped
goes on writing after it (scripts/build.py).
"""

from __future__ import annotations

from collections.abc import Callable

# By build (its settings dict): what ends the work started for it.
_running: dict[int, list[Callable[[], None]]] = {}


def started(settings: dict, end: Callable[[], None]) -> None:
    """`end()` is called when the build with these settings ends."""
    _running.setdefault(id(settings), []).append(end)


def end(settings: dict) -> None:
    """End the work started for the build with these settings (each once)."""
    for stop in _running.pop(id(settings), []):
        stop()

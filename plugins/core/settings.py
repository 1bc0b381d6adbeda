"""Namespaced plugin settings (`LISTINGS = {...}`), merged and checked once.

Every plugin reads one dict setting; unknown keys and values of the wrong
kind stop the build with a message that names the setting and the key.
"""

from __future__ import annotations

from .errors import SettingError


def namespaced(
    settings: dict,
    name: str,
    defaults: dict,
    plugin: str,
    minimums: dict[str, int] | None = None,
) -> dict:
    """`settings[name]` merged over `defaults`, each value of its default's kind.

    Booleans must be true/false, numbers whole and at least 1 (or the key's
    value in `minimums`), texts text.
    """
    given = settings.get(name) or {}
    if not isinstance(given, dict):
        raise SettingError(f"{plugin}: '{name}' must be a dict of settings")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise SettingError(
            f"{plugin}: invalid '{name}' key(s) {unknown}; known keys: "
            f"{sorted(defaults)}"
        )
    merged = {**defaults, **given}
    for key, default in defaults.items():
        problem = _kind_problem(merged[key], default, (minimums or {}).get(key, 1))
        if problem:
            raise SettingError(f"{plugin}: '{name}[\"{key}\"]' {problem}")
    return merged


def _kind_problem(value, default, minimum: int) -> str | None:
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "must be True or False"
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number of at least {minimum}"
        return None
    if isinstance(default, str) and not isinstance(value, str):
        return "must be text"
    return None

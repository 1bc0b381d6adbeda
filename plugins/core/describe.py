"""Describe a value the same way in every process, for cache keys.

Page reuse keys a page on the settings and the values it prints; the reader
cache is filed under the settings. A description must change whenever the
value would give another result: a function (a Jinja filter defined in
pelicanconf.py, say) is described by its code, not only by its name, so an
edit to its body changes every key that holds it. What cannot be described
raises Unstable, and the caller does without its cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime
from pathlib import Path
from types import CodeType

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper


def code_digest(code: CodeType) -> str:
    """A hash of a function's code: bytecode, constants (nested code too), names."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(code.co_code)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            digest.update(code_digest(const).encode())
        else:
            digest.update(repr(const).encode())
    digest.update(repr((code.co_names, code.co_varnames, code.co_freevars)).encode())
    return digest.hexdigest()


def stable_callable(value) -> str:
    """A function by its module, name and code; a builtin or class by name."""
    name = f"{getattr(value, '__module__', '?')}.{value.__qualname__}"
    code = getattr(value, "__code__", None)
    if code is None:
        return name
    defaults = getattr(value, "__defaults__", None) or ()
    return f"{name}#{code_digest(code)}{stable(list(defaults))}"


class Unstable(ValueError):
    """A value has no description that is the same in every process."""


SCALARS = (str, bytes, int, float, bool, type(None))


def stable_collection(value) -> str | None:
    """Describe a list, tuple, dict or set (items described by stable), or None."""
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([stable(v) for v in value]) + "]"
    if isinstance(value, dict):
        items = sorted([(stable(k), stable(v)) for k, v in value.items()])
        return "{" + ",".join([f"{k}:{v}" for k, v in items]) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted([stable(v) for v in value])) + "}"
    return None


def stable(value) -> str:
    """Describe `value` the same way in every process, or raise Unstable."""
    if isinstance(value, SCALARS):
        return repr(value)
    if (described := stable_collection(value)) is not None:
        return described
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, URLWrapper):
        # its URL is made from the slug and the settings (in the site key)
        extra = getattr(value, "description", None)
        return f"{type(value).__qualname__}({value.name!r},{value.slug!r},{extra!r})"
    if isinstance(value, Path):
        return repr(str(value))
    if callable(getattr(type(value), "__bytes__", None)):
        # bytes kept elsewhere (plugins/core/packed.py, Spilled), or a value
        # whose bytes say what it is however it is kept (PackedTexts): as
        # those bytes
        return repr(bytes(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [stable(getattr(value, f.name)) for f in dataclasses.fields(value)]
        return f"{type(value).__qualname__}(" + ",".join(parts) + ")"
    if isinstance(value, Content):  # a page in the menu: all its fields
        return f"{type(value).__qualname__}({value.url!r},{stable(value.metadata)})"
    if callable(value) and hasattr(value, "__qualname__"):
        return stable_callable(value)
    raise Unstable(f"{type(value).__module__}.{type(value).__qualname__}")

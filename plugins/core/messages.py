"""Messages a reporter or an admin reads, in their language.

What the checks, the build and the commands say about someone's content
(`invoke check`, `new`, `krutidev`, `share`, `ingest`, `publish`) goes
through `_()` with an English msgid and named placeholders:

    _("'%(value)s' is not a date; %(hint)s", value=value, hint=hint)

The Hindi text lives in plugins/core/locale/hi/LC_MESSAGES/messages.po,
compiled in memory (no .mo file). Hindi is the default; English is chosen
by the MESSAGES_LANGUAGE setting or the BULLETIN_LANG environment variable
(`BULLETIN_LANG=en`), which wins. The system's LANG is not read: servers and
CI usually run with an English or C locale, and the language of the
messages belongs to the bulletin, not to the machine.

Developer logs stay English and do not go through here.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
DEFAULT_LANGUAGE = "hi"
LANGUAGES = ("hi", "en")
ENV = "BULLETIN_LANG"
SETTING = "MESSAGES_LANGUAGE"

_chosen: dict[str, str] = {}


def catalog_path(locale_dir: Path, locale: str, domain: str = DOMAIN) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / f"{domain}.po"


def load_translations(po_path: Path, locale: str) -> Translations:
    """Compile a .po file in memory into a Translations object (a new one
    each call; the compiling is done once per process for the same text).
    """
    return Translations(fp=io.BytesIO(compiled(po_path.read_bytes(), locale)))


@lru_cache(maxsize=16)
def compiled(po_text: bytes, locale: str) -> bytes:
    """The .mo form of a .po file's text: every generator of every build
    loads the theme's catalog, and parsing it is the costly part.
    """
    catalog = read_po(io.BytesIO(po_text), locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def set_language(settings: dict | None) -> str:
    """Choose the language from the settings (BULLETIN_LANG still wins);
    a MESSAGES_LANGUAGE other than "hi" or "en" is a SettingError.
    """
    from .errors import SettingError  # errors.py itself uses _()

    wanted = (settings or {}).get(SETTING) or DEFAULT_LANGUAGE
    if wanted not in LANGUAGES:
        raise SettingError(
            f"{SETTING} = {wanted!r}: write one of {', '.join(map(repr, LANGUAGES))}"
        )
    _chosen["setting"] = wanted
    return language()


def language() -> str:
    """'hi' or 'en': BULLETIN_LANG if it names one of them, else the
    MESSAGES_LANGUAGE setting, else Hindi.
    """
    env = os.environ.get(ENV, "").strip().lower()[:2]
    if env in LANGUAGES:
        return env
    return _chosen.get("setting", DEFAULT_LANGUAGE)


@lru_cache(maxsize=4)
def _translations(locale: str) -> NullTranslations:
    path = catalog_path(LOCALE_DIR, locale)
    return load_translations(path, locale) if path.is_file() else NullTranslations()


def _(msgid: str, **params: object) -> str:
    """The message in the chosen language, placeholders filled."""
    text = _translations(language()).gettext(msgid)
    return text % params if params else text


def ngettext_(singular: str, plural: str, n: int, **params: object) -> str:
    """The singular or plural message for `n` (also given as %(num)s)."""
    text = _translations(language()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def python_msgids(roots: list[Path]) -> set[str]:
    """Every msgid passed to _() or ngettext_() in the Python files under roots."""
    cfg = LOCALE_DIR / "babel.cfg"
    with cfg.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(cfg))
    keywords = {"_": None, "ngettext_": (1, 2)}
    msgids = set()
    for root in roots:
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=keywords
        ):
            msgids.add(message[0] if isinstance(message, tuple) else message)
    return msgids


def untranslated_messages(roots: list[Path], locale: str = "hi") -> list[str]:
    """Msgids used in the code under roots with no (non-fuzzy) translation."""
    return missing_translations(
        catalog_path(LOCALE_DIR, locale), locale, python_msgids(roots)
    )


def missing_translations(po_path: Path, locale: str, msgids: set[str]) -> list[str]:
    """The msgids that the catalog at po_path leaves untranslated (or fuzzy)."""
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    missing = []
    for msgid in sorted(msgids):
        message = catalog.get(msgid)
        strings = message.string if message else None
        done = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if message is None or message.fuzzy or not done:
            missing.append(msgid)
    return missing

"""What ingest recognises, read from data files under content/registry/.

Drop patterns, byline words and chat markers come from ingest.toml; category
keywords from categories.toml; stations and categories from the project's
registry (plugins.press_notes.registry). Nothing here is hard-coded text.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from plugins.press_notes.forwards import compile_patterns, drop_lines, shortcode
from plugins.press_notes.registry import Registry


@dataclass(frozen=True)
class ChatMarkers:
    media: tuple[re.Pattern, ...]
    deleted: tuple[re.Pattern, ...]
    system: tuple[re.Pattern, ...]
    system_marked: tuple[re.Pattern, ...]
    attachment: tuple[re.Pattern, ...]
    remove: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True)
class Rules:
    registry: Registry
    drop_lines: tuple[re.Pattern, ...]
    shortcode: re.Pattern
    shortcode_block: re.Pattern
    byline_prefixes: tuple[str, ...]
    dateline: re.Pattern
    headline_skip: tuple[re.Pattern, ...]
    chat: ChatMarkers
    category_keywords: dict[str, tuple[str, ...]]
    summary_max_chars: int = 300


def _compile(patterns: list[str]) -> tuple[re.Pattern, ...]:
    return compile_patterns(patterns)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_rules(
    data: dict, categories: dict, registry: Registry, summary_max_chars: int = 300
) -> Rules:
    """Rules from parsed ingest.toml and categories.toml data."""
    chat = data.get("chat", {})
    keywords = {
        _nfc(entry["name"]): tuple(_nfc(k) for k in entry.get("keywords", ()))
        for entry in categories.get("category", [])
        if isinstance(entry.get("name"), str)
    }
    return Rules(
        registry=registry,
        drop_lines=drop_lines(data),
        shortcode=shortcode(data) or re.compile(r"(?!x)x"),
        shortcode_block=re.compile(
            data.get("shortcode_block", r"(?!x)x"), re.DOTALL | re.IGNORECASE
        ),
        byline_prefixes=tuple(_nfc(p) for p in data.get("byline_prefixes", [])),
        dateline=re.compile(_nfc(data.get("dateline", r"(?!x)x"))),
        headline_skip=_compile([_nfc(p) for p in data.get("headline_skip", [])]),
        chat=ChatMarkers(
            media=_compile([_nfc(p) for p in chat.get("media", [])]),
            deleted=_compile([_nfc(p) for p in chat.get("deleted", [])]),
            system=_compile([_nfc(p) for p in chat.get("system", [])]),
            system_marked=_compile([_nfc(p) for p in chat.get("system_marked", [])]),
            attachment=_compile(chat.get("attachment", [])),
            remove=_compile([_nfc(p) for p in chat.get("remove", [])]),
        ),
        category_keywords=keywords,
        summary_max_chars=summary_max_chars,
    )


def load_rules(
    ingest_path: Path,
    categories_path: Path,
    registry: Registry,
    summary_max_chars: int = 300,
) -> Rules:
    with ingest_path.open("rb") as f:
        data = tomllib.load(f)
    with categories_path.open("rb") as f:
        categories = tomllib.load(f)
    return parse_rules(data, categories, registry, summary_max_chars)

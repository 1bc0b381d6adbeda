"""The WHATSAPP setting: defaults, validation, and the paths it names.

Every key is checked on Pelican's `initialized` signal (and by `invoke share`),
so a typo stops the build with a message naming WHATSAPP and the key.
"""

from __future__ import annotations

import string
from datetime import datetime
from pathlib import Path

import freetype
import uharfbuzz as hb

from plugins.core.errors import SettingError
from plugins.core.settings import namespaced

SETTING = "WHATSAPP"
RUN_SETTING = "WHATSAPP_RUN"
NOTO = "/usr/share/fonts/truetype/noto"

DEFAULTS: dict = {
    # The share message of one note. Placeholders: {title} {summary} {url}
    # {site}, and the fixed words of theme/templates/_whatsapp_words.html
    # ({read_more}), translated through the catalog.
    "note_message": "*{title}*\n{summary}\n\n{read_more}: {url}\n— {site}",
    # A group digest: a header, then one item per note.
    "digest_header": "*{new_notes}*{part}\n{site}",
    "digest_item": "▪ *{title}*\n{url}",
    # The summary in a share message is cut (at a word, with …) to this many
    # characters, and shorter still if the whole link would be too long.
    "summary_max_chars": 160,
    # Every wa.me link stays strictly under this many characters.
    "max_link_chars": 2000,
    # Registries under the content folder (PATH).
    "groups": "registry/groups.toml",
    "ledger": "registry/share-ledger.tsv",
    # A group (or a station newly added to a group) starts with the notes of
    # the last N days, not the whole archive.
    "new_group_days": 7,
    # Pages written by the build.
    "join_url": "whatsapp/",
    "share_url": "share/",
    # Preview images: cache folder, relative to the folder holding PATH (the
    # repository root), and the fonts of the generated cards.
    "image_cache": "cache/og",
    "card_font": f"{NOTO}/NotoSansDevanagari-Bold.ttf",
    "card_small_font": f"{NOTO}/NotoSansDevanagari-Regular.ttf",
    "image_max_bytes": 300_000,
}

PLACEHOLDERS = {
    "note_message": (
        {"title", "summary", "url", "site", "read_more"},
        {"title", "url"},
    ),
    "digest_header": ({"site", "new_notes", "part", "group"}, {"new_notes", "part"}),
    "digest_item": ({"title", "url"}, {"title", "url"}),
}
# The least value of each number (others, as in every plugin setting: 1).
MINIMUMS = {
    "summary_max_chars": 0,
    "max_link_chars": 500,
    "new_group_days": 0,
    "image_max_bytes": 50_000,
}
TEXT_KEYS = ("groups", "ledger", "join_url", "share_url", "image_cache")
RUN_KEYS = {"run", "now", "groups", "since", "record", "plan_file"}


def _err(message: str) -> SettingError:
    return SettingError(f"whatsapp: {message}")


def template_fields(template: str) -> set[str]:
    """The {placeholder} names used in a str.format template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_template(key: str, template) -> None:
    allowed, required = PLACEHOLDERS[key]
    where = f"'{SETTING}[\"{key}\"]'"
    if not isinstance(template, str) or not template.strip():
        raise _err(f"{where} must be a text template")
    try:
        used = template_fields(template)
    except ValueError as e:
        raise _err(f"{where} is not a valid template ({e}); use {{name}}") from e
    unknown = sorted(used - allowed)
    if unknown:
        raise _err(
            f"{where} uses unknown placeholder(s) {unknown}; known: {sorted(allowed)}"
        )
    missing = sorted(required - used)
    if missing:
        raise _err(f"{where} must contain {', '.join('{' + m + '}' for m in missing)}")


# Devanagari's vowels, consonants, vowel signs and virama: a card font maps
# each to a glyph.
DEVANAGARI = "".join(map(chr, [*range(0x0905, 0x093A), *range(0x093E, 0x094E)]))


def outline_points(face: freetype.Face, char: str) -> int:
    """How many points the outline of `char`'s glyph has (0: no ink)."""
    face.load_glyph(face.get_char_index(char), freetype.FT_LOAD_NO_SCALE)
    return face.glyph.outline.n_points


def font_problem(path: str) -> str | None:
    """What keeps the font file at `path` from drawing a card's Hindi
    (FreeType draws the glyphs HarfBuzz picks: both must read it), None if
    nothing does.
    """
    try:
        face = freetype.Face(path)
        missing = [c for c in DEVANAGARI if not face.get_char_index(c)]
        if missing:
            return f"has no Devanagari (no glyph for {''.join(missing[:5])}…)"
        if not face.is_scalable:
            return "is a bitmap font (no outlines to draw at the cards' sizes)"
        shaping = hb.Font(hb.Face(hb.Blob.from_file_path(path)))
        if any(
            shaping.get_nominal_glyph(ord(c)) != face.get_char_index(c)
            for c in DEVANAGARI
        ):
            return (
                "is not a TrueType or OpenType font file (FreeType reads it, "
                "HarfBuzz, which shapes the cards' text, does not: a WOFF or "
                "WOFF2 web font?)"
            )
        blank = [c for c in DEVANAGARI if not outline_points(face, c)]
    except freetype.FT_Exception as e:
        return f"is not a font file ({e})"
    if blank:
        return (
            f"draws no Devanagari (its glyphs for {''.join(blank[:5])}… are "
            "empty: a damaged or cut off file?)"
        )
    return None


def check_fonts(conf: dict) -> None:
    """The card fonts are font files FreeType and HarfBuzz read, with
    Devanagari that has ink.
    """
    for key in ("card_font", "card_small_font"):
        where = f"'{SETTING}[\"{key}\"]' = {conf[key]!r}"
        if not Path(conf[key]).is_file():
            raise _err(
                f"{where} is not a file; install "
                "Debian's fonts-noto-core ('.venv/bin/invoke system-deps') or "
                "point the setting at a Devanagari TrueType font"
            )
        problem = font_problem(conf[key])
        if problem:
            raise _err(
                f"{where} {problem}; point the setting at a Devanagari "
                "TrueType font like Debian's fonts-noto-core's"
            )


def plugin_settings(settings: dict) -> dict:
    """WHATSAPP merged over the defaults; raise SettingError naming a bad key."""
    conf = namespaced(settings, SETTING, DEFAULTS, "whatsapp", MINIMUMS)
    for key in PLACEHOLDERS:
        check_template(key, conf[key])
    for key in TEXT_KEYS:
        if not conf[key].strip():
            raise _err(f"'{SETTING}[\"{key}\"]' must be a non-empty path")
    for key in ("join_url", "share_url"):
        if conf[key].startswith("/") or not conf[key].endswith("/"):
            raise _err(
                f"'{SETTING}[\"{key}\"]' must be a site path like 'whatsapp/' "
                "(no leading slash, ending with one)"
            )
    return conf


def publish_samples(settings: dict) -> bool:
    """Whether sample groups may be published: always in development; in a
    production build (PRODUCTION, set by publishconf.py) only if
    ALLOW_SAMPLE_GROUPS (publishconf.py reads BULLETIN_ALLOW_SAMPLES=1).
    """
    for key in ("PRODUCTION", "ALLOW_SAMPLE_GROUPS"):
        if not isinstance(settings.get(key, False), bool):
            raise _err(f"'{key}' must be True or False")
    return not settings.get("PRODUCTION", False) or settings.get(
        "ALLOW_SAMPLE_GROUPS", False
    )


def run_request(settings: dict) -> dict | None:
    """The share run requested by `invoke share` (WHATSAPP_RUN), checked."""
    run = settings.get(RUN_SETTING)
    if run is None:
        return None
    if not isinstance(run, dict) or set(run) - RUN_KEYS or "run" not in run:
        raise _err(f"'{RUN_SETTING}' is set by `invoke share` only; keys {RUN_KEYS}")
    for key in ("now", "since"):
        if run.get(key) is not None:
            try:
                stamp = datetime.fromisoformat(run[key])
            except (TypeError, ValueError) as e:
                raise _err(f"'{RUN_SETTING}[\"{key}\"]' is not an ISO time") from e
            if stamp.tzinfo is None:
                raise _err(f"'{RUN_SETTING}[\"{key}\"]' needs a UTC offset")
    return run


def content_path(settings: dict, rel: str) -> Path:
    """A path under the content folder (PATH)."""
    return Path(settings["PATH"]) / rel

"""The theme's gettext catalog, compiled in memory and installed into Jinja.

UI strings in templates have English msgids; the Hindi text lives in
theme/translations/hi/LC_MESSAGES/messages.po. No .mo file is written.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from jinja2 import pass_context
from pelican import signals

from plugins.core.errors import SettingError
from plugins.core.messages import load_translations, missing_translations
from plugins.core.settings import namespaced

SETTING = "THEME_TRANSLATIONS"
DEFAULTS = {"locale": "hi", "domain": "messages"}


def catalog_path(theme: str, locale: str, domain: str) -> Path:
    return Path(theme) / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"


def template_msgids(theme: Path) -> set[str]:
    """Every msgid the theme's templates use, extracted as babel.cfg says."""
    cfg = theme / "translations" / "babel.cfg"
    with cfg.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(cfg))
    msgids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(theme), method_map, options_map
    ):
        # a plural message is keyed by its singular msgid
        msgids.add(message[0] if isinstance(message, tuple) else message)
    return msgids


def untranslated(
    theme: Path, locale: str = "hi", domain: str = "messages"
) -> list[str]:
    """Msgids used by the templates that have no (non-fuzzy) translation."""
    return missing_translations(
        catalog_path(str(theme), locale, domain), locale, template_msgids(theme)
    )


def on_generator_init(generator) -> None:
    conf = namespaced(generator.settings, SETTING, DEFAULTS, "translations")
    po_path = catalog_path(generator.theme, conf["locale"], conf["domain"])
    if not po_path.is_file():
        raise SettingError(
            f"translations: the theme has no catalog at {po_path}; "
            f"set '{SETTING}' or add the .po file"
        )
    # Extraction trims whitespace in {% trans %} blocks (babel.cfg); so must rendering.
    generator.env.policies["ext.i18n.trimmed"] = True
    install_messages(generator.env, load_translations(po_path, conf["locale"]))


def install_messages(env, translations) -> None:
    """Install `translations` into Jinja environment `env` as Jinja's i18n
    extension does (newstyle gettext), with a message (a str) without
    placeholders made once: Jinja looks it up, wraps it in Markup and
    %-formats it on every call, the same few dozen messages on every page.
    What it made is kept by message and autoescape (a str where autoescape
    is off, Markup where it is on), for this install only: another catalog
    is another install.
    """
    env.install_gettext_translations(translations, newstyle=True)
    jinja_gettext = env.globals["gettext"]
    made: dict[tuple[str, bool], str] = {}

    @pass_context
    def gettext(context, string, **variables):
        # a str alone: where autoescape is off Jinja gives an untranslated
        # Markup back as Markup, and a Markup equals the str of its text
        if variables or type(string) is not str:
            return jinja_gettext(context, string, **variables)
        key = (string, context.eval_ctx.autoescape)
        if key not in made:
            made[key] = jinja_gettext(context, string)
        return made[key]

    jinja_alias = env.globals["_"]

    @pass_context
    def alias(context, *args, **kwargs):
        # Jinja's `_` calls whatever `gettext` names where it is called
        if context.resolve_or_missing("gettext") is gettext:
            return gettext(context, *args, **kwargs)
        return jinja_alias(context, *args, **kwargs)

    env.globals.update(gettext=gettext, _=alias)


def register() -> None:
    signals.generator_init.connect(on_generator_init)

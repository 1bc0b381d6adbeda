"""Hindi text for templates: dates, numbers (and, later, slugs).

register() only connects signals; the functions live in the modules beside it.
"""

from __future__ import annotations

from functools import partial

from pelican import signals

from plugins.core.settings import namespaced

from . import dates

SETTING = "HINDI_TEXT"
DEFAULTS = {"devanagari_digits": False}


def plugin_settings(settings: dict) -> dict:
    return namespaced(settings, SETTING, DEFAULTS, "hindi_text")


def template_filters(settings: dict) -> dict:
    """The Jinja filters, bound to the site's digit setting."""
    deva = plugin_settings(settings)["devanagari_digits"]
    return {
        "hindi_date": partial(dates.hindi_date, devanagari=deva),
        "hindi_datetime": partial(dates.hindi_datetime, devanagari=deva),
        "hindi_month_year": partial(dates.hindi_month_year, devanagari=deva),
        "hindi_weekday_date": partial(dates.hindi_weekday_date, devanagari=deva),
        "hindi_number": partial(dates.hindi_number, devanagari=deva),
        "iso_datetime": dates.iso_datetime,
    }


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def on_generator_init(generator) -> None:
    generator.env.filters.update(template_filters(generator.settings))


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.generator_init.connect(on_generator_init)

"""WhatsApp: share links and previews on notes, the group registry, the join
page and per-group digests (`invoke share`).

register() only connects signals; the work is in the modules beside this one.
"""

from __future__ import annotations

from pelican import signals

from . import ahead
from .generator import WhatsAppGenerator, start_previews
from .settings import check_fonts, plugin_settings, run_request


def on_initialized(pelican) -> None:
    check_fonts(plugin_settings(pelican.settings))
    run_request(pelican.settings)


def get_generators(pelican):
    return WhatsAppGenerator


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)
    signals.article_generator_preread.connect(ahead.start)
    signals.all_generators_finalized.connect(ahead.stop)
    signals.article_writer_finalized.connect(start_previews)

"""Work a build of many notes repeats without need, done once or not at all.

- A note's address: Pelican formats `url` and `save_as` from the settings
  and the note's metadata each time they are read (about fourteen times per
  note in a build: Pelican's writer, the links, feeds and WhatsApp plugins,
  the list of notes with a page...). Once every note is read, sorted and
  enriched (article_generator_pretaxonomy) nothing changes them, so each
  note keeps the two strings as Pelican's own `override_url` and
  `override_save_as`, which it reads before formatting.
- Pelican's tag, category and author pages: with TAG_SAVE_AS (and the
  others) empty, as in pelicanconf.py (plugins/listings writes those
  pages), Pelican still sorts each tag's notes by date before its writer
  skips the page, which grows with tags × notes. A list whose pages are not
  written is not prepared.

Neither changes a byte of the output (tests/test_reuse.py compares rebuilds
with clean builds; tests/test_shortcuts.py checks both here).
"""

from __future__ import annotations

from plugins.core.contract import NOTE_LISTS

# Pelican's generator method that writes each list, with the setting that
# names where its pages go ("" writes nothing).
UNWRITTEN = {
    "generate_tags": "TAG_SAVE_AS",
    "generate_categories": "CATEGORY_SAVE_AS",
    "generate_authors": "AUTHOR_SAVE_AS",
}


def freeze_addresses(generator) -> None:
    """Give each note its address once (see the module's docstring)."""
    for name in NOTE_LISTS:
        for note in getattr(generator, name, ()):
            note.override_url = note.url
            note.override_save_as = note.save_as


def _write_nothing(write) -> None:
    """Pelican's writer would skip every page of this list."""


def skip_unwritten_lists(generator) -> None:
    for method, setting in UNWRITTEN.items():
        if not generator.settings.get(setting):
            setattr(generator, method, _write_nothing)

"""Work a build of many notes repeats without need, done once or not at all.

- A note's address: Pelican formats `url` and `save_as` from the settings
  and the note's metadata each time they are read (about fourteen times per
  note in a build: Pelican's writer, the links, feeds and WhatsApp plugins,
  the list of notes with a page...). Once every note is read, sorted and
  enriched (article_generator_pretaxonomy) nothing changes them, so each
  note keeps the two strings as Pelican's own `override_url` and
  `override_save_as`, which it reads before formatting. The site's pages
  (About, Contact) keep their `url` likewise once Pelican has made them all
  (page_generator_finalized): every page of the site prints the menu, each
  page's `url` twice. Not their `save_as`: Pelican writes a page that has an
  `override_save_as` over any other file at its address (and skips a later
  one), where it otherwise stops the build; `save_as` is read once a page.
- Pelican's tag, category and author pages: with TAG_SAVE_AS (and the
  others) empty, as in pelicanconf.py (plugins/listings writes those
  pages), Pelican still sorts each tag's notes by date before its writer
  skips the page, which grows with tags × notes. A list whose pages are not
  written is not prepared.

- Pelican's pairing of translations (process_translations) lists the
  notes that are not originals with a `not in` over a list, which grows with
  the square of the notes (3 s of a 10,000-note rebuild, a minute at
  50,000). When every note has its own slug and none says it is a
  translation, each note is its own original with no translations, and the
  same result is made in one pass; otherwise Pelican's own function runs.

None of them changes a byte of the output (tests/test_reuse.py compares
rebuilds with clean builds; tests/test_shortcuts.py checks them here).
"""

from __future__ import annotations

from operator import attrgetter

import pelican.generators

from plugins.core.contract import NOTE_LISTS

# Pelican's lists of the site's pages on the page generator, all statuses.
PAGE_LISTS = (
    "pages",
    "translations",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
)

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


def freeze_page_addresses(generator) -> None:
    """Give each of the site's pages its url once (see the module's
    docstring).
    """
    for name in PAGE_LISTS:
        for page in getattr(generator, name, ()):
            page.override_url = page.url


def _write_nothing(write) -> None:
    """Pelican's writer would skip every page of this list."""


def skip_unwritten_lists(generator) -> None:
    for method, setting in UNWRITTEN.items():
        if not generator.settings.get(setting):
            setattr(generator, method, _write_nothing)


def no_translations(content_list, translation_id) -> bool:
    """Whether Pelican would find no translations among `content_list`:
    each item's translation id is its own and none says it is a translation.
    """
    ids = {translation_id} if isinstance(translation_id, str) else translation_id
    try:
        values = [attrgetter(*ids)(item) for item in content_list]
        distinct = len(set(values)) == len(values)
    except (AttributeError, TypeError):
        return False  # Pelican's own function says what is wrong
    return distinct and all(
        isinstance(said := item.metadata.get("translation", "false"), str)
        and said.lower() == "false"
        for item in content_list
    )


def linear_translations(original):
    """Pelican's process_translations, in one pass when there are none."""

    def process_translations(content_list, translation_id=None):
        if not translation_id or not no_translations(content_list, translation_id):
            return original(content_list, translation_id)
        ids = {translation_id} if isinstance(translation_id, str) else translation_id
        content_list.sort(key=attrgetter(*ids))
        for item in content_list:
            item.translations = []
        return list(content_list), []

    process_translations.original = original  # type: ignore[attr-defined]
    return process_translations


def pair_translations_linearly() -> None:
    """Make Pelican's generators pair translations with linear_translations
    (once a process; the same result as Pelican's for every input).
    """
    current = pelican.generators.process_translations
    if getattr(current, "original", None) is None:
        pelican.generators.process_translations = linear_translations(current)

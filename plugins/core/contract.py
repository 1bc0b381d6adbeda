"""What the plugins hand each other, named once.

Plugins pass data through Pelican's shared context (a dict) and through
attributes added to each note. Every such name is declared here with the
plugin that sets it and the plugins that read it; code uses the constants,
never the strings. From the declarations:

- `check_order` tells, when a build starts, whether every plugin comes after
  the plugins it reads from in PLUGINS (and that they are there at all);
- page reuse (plugins/page_reuse) keys a note page on exactly the note
  attributes and context names that note templates print (`PRINTED_*`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

PRESS_NOTES = "plugins.press_notes"
HINDI_TEXT = "plugins.hindi_text"
TRANSLATIONS = "plugins.translations"
PHOTOS = "plugins.photos"
LISTINGS = "plugins.listings"
FEEDS = "plugins.feeds"
WHATSAPP = "plugins.whatsapp"
PAGE_REUSE = "plugins.page_reuse"
LINKS = "plugins.links"
SEO = "plugins.seo"
COMPRESS = "plugins.compress"
ASSETS = "plugins.assets"
SEARCH = "plugins.search"
CORE = "plugins.core"

# Pelican's own note lists on the article generator: every note, with a
# page or not (drafts and hidden notes included).
NOTE_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
)


@dataclass(frozen=True)
class Handed:
    """One value a plugin sets for others: in the context or on each note."""

    name: str
    where: str  # "context" or "note"
    by: str  # the plugin that sets it
    printed: bool  # note page templates print it (part of a page's reuse key)
    made_from: tuple[str, ...] = ()  # printed, but made only from these
    readers: tuple[str, ...] = ()  # plugins that read it
    # the Pelican signal after which the value is gone ("": the build's end),
    # let go of by the plugin that set it once its last reader is done
    until: str = ""


# Context keys.
REGISTRY = "registry"  # plugins.press_notes.registry.Registry
NOTE_SLUGS = "note_slugs"  # {absolute note path: slug}
PHOTO_STATE = "photos"  # plugins.photos.photos.Photos
PRIVATE_PHOTOS = "private_photos"  # photos of notes not public: never published
# notes (their path under content/) whose front matter says status: scheduled
SCHEDULED_NOTES = "scheduled_notes"
LATEST_NOTES = "latest_notes"  # the home page's notes, newest first
LEAD_NOTE = "lead_note"  # the home page's lead story (None without notes)
OTHER_NOTES = "other_notes"  # the home page's notes after the lead
FEED_INDEX = "FEED_INDEX"  # plugins.feeds.plan.FeedIndex (read per page)
FEEDS_PAGE_URL = "FEEDS_PAGE_URL"  # site path of the feeds page
WHATSAPP_JOIN_URL = "whatsapp_join_url"  # site path of the join page
WHATSAPP_DEMO = "whatsapp_demo"  # True if the groups shown are samples
# {station page URL: [plugins.whatsapp.groups.Group]} for station pages
WHATSAPP_STATION_GROUPS = "whatsapp_station_groups"
STATION_JSON_LD = "STATION_JSON_LD"  # {station URL: its PoliceStation JSON-LD}
# Per-note records of the aggregate outputs (plugins/core/records.py): what
# each plugin's files are made from, kept for the site index.
SEO_RECORDS = "seo_records"  # plugins.seo.records.SeoRecords
FEED_RECORDS = "feed_records"  # plugins.feeds.records.FeedRecords
LINK_RECORDS = "link_records"  # plugins.links.links.LinkRecords
# The context keys a site index keeps, read when the build is done (the feed
# entries and the links' written files are complete only then).
RECORDS = (SEO_RECORDS, FEED_RECORDS, LINK_RECORDS)

# The theme's templates of the list pages plugins.listings writes (station,
# category, tag and archive pages, their directories); page reuse keys them.
LIST_TEMPLATES = frozenset(
    {
        "listing.html",
        "period.html",
        "archives.html",
        "thanas.html",
        "categories.html",
        "tags.html",
    }
)

# Note attributes.
CANONICAL_URL = "canonical_url"  # absolute URL of the note page
SUMMARY_TEXT = "summary_text"  # the summary as plain text (reader)
WORD_COUNT = "word_count"  # words in the text (reader)
READING_MINUTES = "reading_minutes"
IMAGE = "image"  # plugins.press_notes.model.NoteImage (copies: photos)
CARD_HTML = "card_html"  # the note's card in lists, rendered once a build
NOTE_FEEDS = "feeds"  # the feeds a note appears in
OG_IMAGE = "og_image"  # plugins.whatsapp.pages.OgImage
WHATSAPP_URL = "whatsapp_url"  # the note's wa.me share link
WITHDRAWN = "withdrawn"  # status: withdrawn (a hidden note with a Hindi page)
FIRST_DAY = "first_day"  # the note's date when first published (ledger)
JSON_LD = "json_ld"  # the note's schema.org JSON-LD texts (NewsArticle, ...)

HANDED: tuple[Handed, ...] = (
    Handed(
        REGISTRY, "context", PRESS_NOTES, False, readers=(LISTINGS, FEEDS, WHATSAPP)
    ),
    Handed(NOTE_SLUGS, "context", PRESS_NOTES, False, readers=(PAGE_REUSE,)),
    Handed(PHOTO_STATE, "context", PHOTOS, False),
    Handed(SCHEDULED_NOTES, "context", PRESS_NOTES, False, readers=(PAGE_REUSE,)),
    Handed(PRIVATE_PHOTOS, "context", PRESS_NOTES, False, readers=(PHOTOS,)),
    Handed(LATEST_NOTES, "context", LISTINGS, False),
    Handed(LEAD_NOTE, "context", LISTINGS, False),
    Handed(OTHER_NOTES, "context", LISTINGS, False),
    Handed(FEED_INDEX, "context", FEEDS, False),
    Handed(FEED_RECORDS, "context", FEEDS, False),
    Handed(FEEDS_PAGE_URL, "context", FEEDS, True),
    Handed(WHATSAPP_JOIN_URL, "context", WHATSAPP, True),
    Handed(WHATSAPP_DEMO, "context", WHATSAPP, False),
    Handed(WHATSAPP_STATION_GROUPS, "context", WHATSAPP, False),
    Handed(CANONICAL_URL, "note", PRESS_NOTES, True, readers=(FEEDS, WHATSAPP)),
    Handed(SUMMARY_TEXT, "note", PRESS_NOTES, True, readers=(FEEDS, WHATSAPP)),
    Handed(WORD_COUNT, "note", PRESS_NOTES, False),
    Handed(READING_MINUTES, "note", PRESS_NOTES, True),
    Handed(IMAGE, "note", PHOTOS, False, readers=(LISTINGS, FEEDS, WHATSAPP)),
    Handed(CARD_HTML, "note", LISTINGS, False),
    Handed(NOTE_FEEDS, "note", FEEDS, False),
    Handed(OG_IMAGE, "note", WHATSAPP, True, readers=(SEO,)),
    Handed(WITHDRAWN, "note", PRESS_NOTES, True),
    # read by feeds when they are written, after every plugin's context
    Handed(FIRST_DAY, "note", LINKS, False, readers=(FEEDS,)),
    Handed(LINK_RECORDS, "context", LINKS, False),
    # printed by the note's own page only: gone once the note pages are written
    Handed(JSON_LD, "note", SEO, True, until="article_writer_finalized"),
    Handed(STATION_JSON_LD, "context", SEO, False),
    Handed(SEO_RECORDS, "context", SEO, False),
    Handed(
        WHATSAPP_URL,
        "note",
        WHATSAPP,
        True,
        # note_share_url(title, summary_text, canonical_url, the WHATSAPP
        # setting, SITENAME, the theme's _whatsapp_words.html)
        made_from=("title", SUMMARY_TEXT, CANONICAL_URL),
    ),
)

# Plugins that read no handed value but must follow another one.
FOLLOWS: dict[str, tuple[str, ...]] = {
    # hindi_text's filters and translations' catalog are installed into every
    # generator's templates; the plugins that render templates come later.
    LISTINGS: (HINDI_TEXT, TRANSLATIONS),
    FEEDS: (HINDI_TEXT, TRANSLATIONS),
    WHATSAPP: (HINDI_TEXT, TRANSLATIONS),
    # page reuse keys pages on what every other plugin adds to a note.
    # links writes redirect pages with the theme's templates
    LINKS: (PRESS_NOTES, HINDI_TEXT, TRANSLATIONS),
    SEO: (PRESS_NOTES, LISTINGS),
    # they work on the written output when the build finishes: links writes
    # its redirect pages and the search index its files first, so they get
    # precompressed copies too
    COMPRESS: (SEARCH, LINKS, ASSETS),
    PAGE_REUSE: (PRESS_NOTES, PHOTOS, LISTINGS, FEEDS, WHATSAPP, SEO),
}

# Note attributes printed by note templates and set by plugins (or Pelican's
# content), with the values they are made from: page reuse keys on these.
PRINTED_NOTE_FIELDS: tuple[str, ...] = (
    "content",
    *(h.name for h in HANDED if h.where == "note" and h.printed and not h.made_from),
)
DERIVED_NOTE_FIELDS: dict[str, tuple[str, ...]] = {
    # Pelican's url: the site's base URL (a setting) joined with canonical_url
    "url": (CANONICAL_URL,),
    **{h.name: h.made_from for h in HANDED if h.where == "note" and h.made_from},
}
PRINTED_SITE_NAMES: tuple[str, ...] = (
    "pages",
    *(h.name for h in HANDED if h.where == "context" and h.printed),
)


class EnrichedNote(Protocol):
    """What the plugins add to a Pelican article (see HANDED)."""

    canonical_url: str
    summary_text: str
    word_count: int
    reading_minutes: int
    image: Any
    card_html: Any
    feeds: Any
    og_image: Any
    whatsapp_url: Any
    withdrawn: bool
    first_day: Any  # datetime.date or None
    json_ld: list[str]


def needs(plugin: str) -> tuple[str, ...]:
    """The plugins `plugin` must come after."""
    read = [h.by for h in HANDED if plugin in h.readers]
    return tuple(dict.fromkeys([*read, *FOLLOWS.get(plugin, ())]))


# The plugins the theme and the other plugins cannot do without (page reuse
# only saves time).
REQUIRED = (
    CORE,
    PRESS_NOTES,
    HINDI_TEXT,
    TRANSLATIONS,
    PHOTOS,
    LISTINGS,
    FEEDS,
    WHATSAPP,
)


def order_problems(plugins: Sequence[str]) -> list[str]:
    """What is wrong with the plugins running, in this order, each with the fix."""
    problems = [
        f"'{name}' is not running: add it to PLUGINS, or if it is there it "
        "failed to load (the error above says why)"
        for name in REQUIRED
        if name not in plugins
    ]
    position = {name: i for i, name in enumerate(plugins)}
    for name in plugins:
        for before in needs(name):
            if before in position and position[before] > position[name]:
                problems.append(
                    f"'{name}' reads what '{before}' adds; move '{before}' "
                    f"before '{name}' in PLUGINS"
                )
    return problems


def all_notes(context: dict) -> list:
    """Every note that gets a page: published, hidden and draft, translations."""
    notes = []
    for key in ("articles", "hidden_articles", "drafts"):
        for note in context.get(key, ()):
            notes += [note, *getattr(note, "translations", ())]
    # A note with no page (drafts in production: DRAFT_SAVE_AS = "") gets no
    # preview image, photo copies or anything else at its address.
    return [note for note in notes if getattr(note, "save_as", "")]

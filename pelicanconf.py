"""Development settings: constants only (see publishconf.py for production)."""

SITENAME = "रतलाम सामुदायिक बुलेटिन"
SITE_DESCRIPTION = (
    "रतलाम जिले के थानों और स्थानीय संवाददाताओं की प्रेस विज्ञप्तियाँ — "
    "सामुदायिक पुलिसिंग, यातायात, अपराध और जन जागरूकता की खबरें।"
)
DEFAULT_LANG = "hi"
TIMEZONE = "Asia/Kolkata"
# Dates are formatted by Babel (plugins.hindi_text), never by the OS locale.
LOCALE = ("C.UTF-8", "C")

# Links inside pages are relative to SITEURL ('' serves from any host in
# development). CANONICAL_SITEURL is the absolute base used where a full URL is
# needed (canonical links, previews, share links, feeds).
SITEURL = ""
CANONICAL_SITEURL = "http://127.0.0.1:8000"
RELATIVE_URLS = False

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
ARTICLE_PATHS = ["notes"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# Notes are Markdown only: that reader sanitizes raw HTML (plugins.press_notes).
READERS = {"rst": None, "html": None, "htm": None}
# Never read as content: Pelican's default (hidden files), the original a
# Kruti Dev conversion keeps (`invoke krutidev`), and the `.unicode.md` copies
# older versions of that command wrote beside the note (each would be
# published as a second note).
IGNORE_FILES = ["**/.*", ".*", "*.krutidev.bak", "*.unicode.md"]
DELETE_OUTPUT_DIRECTORY = True
# Pelican keeps what the Markdown reader returned for each unchanged file
# (sanitized HTML, plain summary, word count); plugins recompute the rest on
# every build. The core plugin puts the cache in a folder named after the
# code and settings that shape it, so an upgrade never reads a stale cache.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = "cache/pelican"
# Pelican's reader cache trusts a file whose bytes hash as before, not one
# whose modification time is as before: an edit of the same size whose time
# is put back (touch -r, a sync tool) is read again. The note snapshot
# (plugins/page_reuse) keeps the reader cache unsaved while it is used, so a
# build that cannot use the snapshot (after a registry edit) reads the cache
# of an older build.
CHECK_MODIFIED_METHOD = "md5"
GZIP_CACHE = False
# Each note learns its path under content/ (for the slug made by the checks).
PATH_METADATA = r"(?P<note_file>notes/.+)"

# A build that finds only new notes since the last one puts them into the
# live site without a full build (scripts/fast_build.py, README "The fast
# path"); False: every build is a full one.
FAST_PATH = True

PLUGIN_PATHS = ["."]
# Each plugin comes after the plugins it reads from (plugins/core/contract.py;
# checked when a build starts).
PLUGINS = [
    "plugins.core",
    "plugins.press_notes",
    "plugins.hindi_text",
    "plugins.translations",
    "plugins.photos",
    "plugins.listings",
    "plugins.links",
    "plugins.feeds",
    "plugins.whatsapp",
    "plugins.icons",
    "plugins.seo",
    "plugins.search",
    "plugins.assets",
    "plugins.compress",
    "plugins.page_reuse",
]

# Each plugin reads one namespaced setting (a dict) whose defaults are
# written once, in the plugin (DEFAULTS), with what each key means; set only
# the keys to change here. Unknown keys and wrong kinds stop the build.
#   PRESS_NOTES  plugins/press_notes/press_notes.py: registries under content/,
#                summary limit, reading speed, default reporter
#   LISTINGS     plugins/listings/listings.py: notes per list page and on the
#                home page (older notes sit on numbered pages counted from the
#                oldest, so a numbered page keeps its notes), the lead story
#   SITE_ICONS   plugins/icons/icons.py: the letter and colours of the icon,
#                the short name under it on a phone's home screen
#   PHOTOS       plugins/photos/photos.py: widths and quality of the copies
#   FEEDS        plugins/feeds/settings.py: items per feed, entry id authority
#   WHATSAPP     plugins/whatsapp/settings.py: share message and digest
#                layout, group registry and share ledger, preview images
#   HINDI_TEXT   plugins/hindi_text/hindi_text.py: Devanagari digits
#   SEO          plugins/seo/seo.py: URLs per sitemap file (50,000), hours of
#                the news sitemap (48), the publisher's logo
#   LINKS        plugins/links/links.py: the ledger of published addresses
#                and the redirects file under content/; production builds
#                record (publishconf.py)
#   COMPRESS     plugins/compress/compress.py: .gz and .br copies for web
#                servers, on in production builds (publishconf.py)
#   SEARCH       plugins/search/search.py: whether the build makes the search
#                index, its folder in the output, the kept-index cache

# Search (plugins.search): after the site is written, Pagefind (the
# pagefind[bin] package) indexes the note pages into <output>/pagefind/; the
# search page /khoj/ loads it. Pagefind reads every note page each time (at
# 10,000 notes that costs more than the rest of a rebuild), so the index is
# made in production builds (publishconf.py), and kept while no note page
# changes. Set "index" to True here to try search in development.
SEARCH = {"index": False, "bundle": "pagefind", "cache": "cache/search"}

# URL scheme (documented in README.md). A note's URL is built from its date
# and slug and never changes once published.
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
THANA_URL = "thana/{slug}/"
CATEGORY_URL = "shreni/{slug}/"
TAG_URL = "tag/{slug}/"
THANAS_URL = "thana/"
CATEGORIES_URL = "shreni/"
TAGS_URL = "tag/"
ARCHIVES_URL = "archive/"
YEAR_ARCHIVE_URL = "{date:%Y}/"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
# Listing and archive pages are written by plugins.listings; Pelican's own
# (paginated newest-first, so they shift) are turned off.
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "404", "search"]
SEARCH_URL = "khoj/"
SEARCH_SAVE_AS = "khoj/index.html"
DEFAULT_PAGINATION = False
SLUGIFY_SOURCE = "basename"

# Feeds: RSS 2.0 and Atom for the site, the district, every police station,
# category and reporter, written by plugins.feeds with feedgen (URL scheme in
# README.md). Pelican's own feeds are all off, so there is one set of feeds.
FEED_ATOM = None
FEED_RSS = None
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# Autoescape: only sanitized HTML (note text, summary) is printed with |safe.
# Templates are not looked at again for changes while a build runs (each
# build has its own environments): each page asked the file system for
# every template it uses, some 35,000 times a build at 10,000 notes.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "extensions": ["jinja2.ext.i18n"],
    "trim_blocks": True,
    "lstrip_blocks": True,
    "auto_reload": False,
}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# `invoke ingest` (scripts/ingest): a chat message with fewer words is
# chit-chat, not news; chat export times are read in this time zone; drop
# patterns and chat markers are data in content/registry/ingest.toml.
INGEST = {
    "min_words": 20,
    "timezone": "Asia/Kolkata",
    "rules": "registry/ingest.toml",
}

# A production build (publishconf.py sets PRODUCTION) refuses sample WhatsApp
# groups and invite links that are not real, unless ALLOW_SAMPLE_GROUPS
# (publishconf.py reads BULLETIN_ALLOW_SAMPLES=1 from the environment).
# Development builds show the samples; the join page says they are a
# demonstration.
PRODUCTION = False
ALLOW_SAMPLE_GROUPS = False

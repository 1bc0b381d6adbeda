"""The FEEDS setting, checked when Pelican starts.

FEEDS = {"max_items": 50, "id_authority": None}

max_items     newest notes per feed (a whole number ≥ 1)
id_authority  the host name in entry ids (tag: URIs); None takes the host of
              CANONICAL_SITEURL. Pin it before moving the bulletin to a new
              address, so that readers do not see every note again.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from plugins.core.errors import SettingError
from plugins.core.settings import namespaced
from plugins.core.urls import site_base

SETTING = "FEEDS"
DEFAULTS = {"max_items": 50, "id_authority": None}

# Pelican's own feeds: all must be off, plugins.feeds writes every feed.
PELICAN_FEED_SETTINGS = (
    "FEED_ATOM",
    "FEED_RSS",
    "FEED_ALL_ATOM",
    "FEED_ALL_RSS",
    "CATEGORY_FEED_ATOM",
    "CATEGORY_FEED_RSS",
    "AUTHOR_FEED_ATOM",
    "AUTHOR_FEED_RSS",
    "TAG_FEED_ATOM",
    "TAG_FEED_RSS",
    "TRANSLATION_FEED_ATOM",
    "TRANSLATION_FEED_RSS",
)

# RFC 4151 taggingEntity authority: a DNS name (labels of letters, digits, -).
AUTHORITY_RE = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$"
)


def pelican_feeds_left_on(settings: dict) -> list[str]:
    """Names of Pelican's own feed settings that are still set."""
    return [name for name in PELICAN_FEED_SETTINGS if settings.get(name)]


def site_authority(settings: dict) -> str:
    """The host of CANONICAL_SITEURL (or SITEURL), lowercased."""
    base = site_base(settings)
    return (urlparse(base).hostname or "").lower()


def plugin_settings(settings: dict) -> dict:
    """FEEDS merged over the defaults; raise SettingError naming what is wrong."""
    merged = namespaced(settings, SETTING, DEFAULTS, "feeds")
    authority = merged["id_authority"] or site_authority(settings)
    if not isinstance(authority, str) or not AUTHORITY_RE.match(authority):
        raise SettingError(
            f"feeds: '{SETTING}[\"id_authority\"]' must be a host name such as "
            f"'news.example.org' (got {authority!r}; it defaults to the host of "
            "CANONICAL_SITEURL)"
        )
    merged["id_authority"] = authority
    left_on = pelican_feeds_left_on(settings)
    if left_on:
        raise SettingError(
            f"feeds: set {', '.join(repr(n) for n in left_on)} to None: "
            "plugins.feeds writes every feed (Pelican's own feeds would be a "
            "second, different set)"
        )
    return merged

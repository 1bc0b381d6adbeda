"""The site's public base URL and absolute page URLs."""

from __future__ import annotations


def site_base(settings: dict) -> str:
    """The absolute base URL pages are published under: CANONICAL_SITEURL,
    else SITEURL (which may be '' in development).
    """
    return settings.get("CANONICAL_SITEURL") or settings.get("SITEURL") or ""


def canonical_url(base: str, url: str) -> str:
    """The absolute URL of a page whose site-relative URL is `url`."""
    return f"{base.rstrip('/')}/{url.lstrip('/')}"

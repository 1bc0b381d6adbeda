"""The site's public base URL and absolute page URLs."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .messages import _


def site_base(settings: dict) -> str:
    """The absolute base URL pages are published under: CANONICAL_SITEURL,
    else SITEURL (which may be '' in development).
    """
    return settings.get("CANONICAL_SITEURL") or settings.get("SITEURL") or ""


def canonical_url(base: str, url: str) -> str:
    """The absolute URL of a page whose site-relative URL is `url`."""
    return f"{base.rstrip('/')}/{url.lstrip('/')}"


LOCAL_HOSTS = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_public_address(base: str) -> bool:
    """True for an http(s) address readers' phones can open: not empty, not
    loopback (127.0.0.1, ::1, localhost) and not 0.0.0.0.
    """
    try:
        parts = urlsplit(base)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or host in LOCAL_HOSTS:
        return False
    if host.endswith(".localhost"):
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return True
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def public_siteurl(value: str) -> str:
    """BULLETIN_SITEURL for publishconf.py: an http(s) address, without the
    final slash; anything else stops with what to set.
    """
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise SystemExit(
            _(
                "publishconf.py: set BULLETIN_SITEURL to the public address of "
                "the bulletin, e.g. BULLETIN_SITEURL=https://news.example.org "
                ".venv/bin/invoke build --production"
            )
        )
    return value

"""Site paths as the redirect lists hold them: one check for every old and
new address (the ledger, redirects.tsv, notes' old_url), since they go into
web server configurations.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

# besides letters (any script, with their vowel signs) and digits
PATH_MARKS = "._~+-"
# nginx's map hash takes keys up to this (scripts/publish/servers/nginx.conf)
MAX_BYTES = 500


def _segment_ok(segment: str) -> bool:
    if segment in ("", ".", ".."):
        return False
    return all(
        ch.isalnum() or ch in PATH_MARKS or unicodedata.category(ch).startswith("M")
        for ch in segment
    )


def clean_path(path: str) -> str | None:
    """The decoded form of a site path ('' or folders ending in /), or None
    if it is not one. Percent escapes are decoded (UTF-8), as web servers
    decode a request's path before matching it: '2019/%E0%A4%A8/' and
    '2019/न/' are one address. Every folder is letters, digits or ._~+-
    (never . or ..), at most MAX_BYTES bytes in all.
    """
    if path and not path.endswith("/"):
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if len(("/" + decoded).encode("utf-8")) > MAX_BYTES:
        return None
    if not all(_segment_ok(s) for s in decoded.split("/")[:-1]):
        return None
    return decoded


def site_path_ok(path: str) -> bool:
    return clean_path(path) is not None

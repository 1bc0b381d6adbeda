"""Which kind of page a built HTML file is, from its path in the output.

The URL scheme is the one in README.md (pelicanconf.py): notes at
YYYY/MM/<slug>/, listings under thana/, shreni/ and tag/, archives at
archive/, YYYY/ and YYYY/MM/; the search page at khoj/.
"""

from __future__ import annotations

import re
from pathlib import Path

PHOTO_RE = re.compile(r'<figure\b[^>]*\bclass="(?:[^"]* )?photo[ "]')
FIXED_PAGES = {("archive",): "archive", ("khoj",): "search"}
LISTING_ROOTS = {"thana": "thana", "shreni": "category", "tag": "tag"}
# The order reports list page types in.
PAGE_TYPES = (
    "home",
    "note with photo",
    "note without photo",
    "page",
    "thana directory",
    "thana",
    "category directory",
    "category",
    "tag directory",
    "tag",
    "listing page n",
    "archive",
    "year",
    "month",
    "search",
    "404",
)


def page_type(rel_path: str, html: str = "") -> str:
    """The page type of output file `rel_path` ('other' if none fits)."""
    parts = Path(rel_path).parts
    if parts == ("index.html",):
        return "home"
    if parts == ("404.html",):
        return "404"
    if parts[-1] != "index.html":
        return "other"
    dirs = parts[:-1]
    if re.fullmatch(r"\d{4}", dirs[0]):
        return _dated_type(dirs, html)
    if dirs in FIXED_PAGES:
        return FIXED_PAGES[dirs]
    if dirs[0] in LISTING_ROOTS:
        kind = LISTING_ROOTS[dirs[0]]
        if len(dirs) == 1:
            return f"{kind} directory"
        if len(dirs) == 2:
            return kind
        if len(dirs) == 4 and dirs[2] == "page":
            return "listing page n"
        return "other"
    return "page" if len(dirs) == 1 else "other"


def _dated_type(dirs: tuple[str, ...], html: str) -> str:
    if len(dirs) == 1:
        return "year"
    if len(dirs) == 2 and re.fullmatch(r"\d{2}", dirs[1]):
        return "month"
    if len(dirs) == 3:
        return "note with photo" if PHOTO_RE.search(html) else "note without photo"
    return "other"


def pages_by_type(site: Path) -> dict[str, list[Path]]:
    """Every HTML file of a built site, grouped by page type (sorted paths)."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        kind = page_type(rel, path.read_text(encoding="utf-8"))
        groups.setdefault(kind, []).append(path)
    return groups

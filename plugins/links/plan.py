"""Which old addresses redirect where, and which would break: pure functions.

Old addresses come from the ledger of published URLs and from
content/registry/redirects.tsv (written by hand or by an import of old
WordPress addresses): `old path<TAB>new path` per line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from plugins.core.errors import Problem, display_path
from plugins.core.messages import _

from .ledger import Record
from .paths import clean_path, site_path_ok

__all__ = ["clean_path", "site_path_ok"]

TAB = "<TAB>"


@dataclass(frozen=True)
class ManualRedirect:
    old: str
    new: str
    line: int


@dataclass(frozen=True)
class Written:
    """What the build wrote into the output, as site addresses."""

    pages: frozenset[str]  # 'x/y/' for x/y/index.html, '' for index.html
    files: frozenset[str]  # every file, 'feeds/all.rss.xml'
    folders: frozenset[str]  # every folder, 'feeds/'

    def blocking(self, old: str) -> str | None:
        """The build's own file or folder a redirect page at `old` (which is
        not a page) would clash with, if any.
        """
        parts = old.rstrip("/").split("/")
        for n in range(1, len(parts) + 1):
            prefix = "/".join(parts[:n])
            if prefix in self.files:
                return prefix
        return old if old in self.folders else None


def folders_of(
    paths: list[str], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every folder of the output's file paths, 'a/b/', made once (itself as
    its value: the pages at its index.html are the same string; a folder in
    `known` is its string there).
    """
    known = known or {}
    folders: dict[str, str] = {}
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and (key := f"{folder}/") not in folders:
            folders[key] = known.get(key, key)
            folder = folder.rpartition("/")[0]
    return folders


def written(
    paths: list[str],
    before: Written | None = None,
    known: Mapping[str, str] | None = None,
) -> Written:
    """Written from the output's file paths (relative, with /), added to
    `before` if given (what an earlier build wrote); a folder in `known` is
    its string there (a note's url).
    """
    folders = folders_of(paths, known)
    pages = {
        folders[f"{folder}/"] if folder else ""
        for folder, _, name in (path.rpartition("/") for path in paths)
        if name == "index.html"
    }
    if before is None:
        return Written(frozenset(pages), frozenset(paths), frozenset(folders.values()))
    return Written(
        before.pages | pages,
        before.files | frozenset(paths),
        before.folders | frozenset(folders.values()),
    )


@dataclass
class LinkPlan:
    redirects: dict[str, str] = field(default_factory=dict)  # old path -> new path
    problems: list[Problem] = field(default_factory=list)


def site_path(value: str) -> str:
    """'/2019/05/x/' or 'https://host/2019/05/x/' -> '2019/05/x/'."""
    value = value.strip()
    if "://" in value:
        value = value.split("://", 1)[1].partition("/")[2]
        value = "/" + value
    return value.lstrip("/")


def parse_redirects(text: str, path: Path) -> tuple[list[ManualRedirect], list]:
    shown = display_path(path)
    redirects, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        old, new = (
            (clean_path(site_path(c)) for c in cells)
            if len(cells) == 2
            else (None, None)
        )
        if old is None or new is None:
            problems.append(
                Problem(
                    shown,
                    number,
                    None,
                    _(
                        "write the old address, a tab and the new one, each a "
                        "path ending in / (e.g. %(example)s); addresses with ? "
                        "are not supported",
                        example="2019/05/old-slug/" + TAB + "2026/11/new/",
                    ),
                )
            )
            continue
        redirects.append(ManualRedirect(old, new, number))
    return redirects, problems


def imported_redirects(old_urls: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """{old path: note URL} from notes' `old_url` (written by `invoke ingest`
    for WordPress posts), and the old_url values that cannot be redirected.
    Addresses with a query (?p=12) cannot be files: query_redirects gives
    them to the web servers.
    """
    found, refused = {}, []
    for old_url, url in old_urls.items():
        if query_address(old_url) is not None:
            continue
        old = site_path(old_url)
        if old and not old.endswith("/"):
            old += "/"
        cleaned = clean_path(old)
        if cleaned:
            found[cleaned] = url
        else:
            refused.append(old_url)
    return found, refused


# An old address with a query, as WordPress writes them without pretty
# permalinks: /?p=123, /?page_id=45, /index.php?p=123. One key=value of
# plain characters: it becomes part of a server's configuration.
QUERY_PART_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, order=True)
class QueryAddress:
    path: str  # site path without the leading /: '' or 'index.php'
    key: str
    value: str

    def __str__(self) -> str:
        return f"/{self.path}?{self.key}={self.value}"


def query_path_ok(path: str) -> bool:
    """A folder ('', '2019/') or a .php file in one ('index.php')."""
    folder, _, name = path.rpartition("/")
    if clean_path(folder + "/" if folder else "") != (folder + "/" if folder else ""):
        return False
    stem = name.removesuffix(".php")
    return name == "" or (name != stem and bool(QUERY_PART_RE.match(stem)))


def query_address(old_url: str) -> QueryAddress | None:
    """'https://old.example/?p=123' -> QueryAddress('', 'p', '123'), or None."""
    parts = urlsplit(old_url.strip())
    if not parts.query or parts.fragment:
        return None
    key, eq, value = parts.query.partition("=")
    path = parts.path.lstrip("/")
    if not (eq and QUERY_PART_RE.match(key) and QUERY_PART_RE.match(value)):
        return None
    if not query_path_ok(path):
        return None
    return QueryAddress(path, key, value)


def query_redirects(old_urls: dict[str, str]) -> dict[QueryAddress, str]:
    """{old address with a query: note URL} from notes' `old_url`: these are
    redirected by the shipped web server configurations (a query cannot be
    a file, so there is no redirect page for hosts without configuration).
    """
    found = {}
    for old_url, url in old_urls.items():
        address = query_address(old_url)
        if address is not None:
            found[address] = url
    return found


def taken_addresses(owners: dict[str, Record], note_urls: dict[str, str]) -> list:
    """A note at an address first published for another note still here."""
    problems = []
    current = {url: note for note, url in note_urls.items()}
    for url, rec in sorted(owners.items()):
        taker = current.get(url)
        if taker and taker != rec.note and rec.note in note_urls:
            problems.append(
                Problem(
                    taker,
                    None,
                    "slug",
                    _(
                        "the address /%(url)s was published for %(note)s, which "
                        "is now at /%(now)s; shared links must keep leading to "
                        "it: give this note another slug",
                        url=url,
                        note=rec.note,
                        now=note_urls[rec.note],
                    ),
                )
            )
    return problems


def imported_plan(
    imported: dict[str, str],
    owners: dict[str, Record],
    note_urls: dict[str, str],
    built: Written,
    plan: LinkPlan,
    ledger_shown: str,
) -> list:
    """Redirects from old_url addresses; one that would take an address this
    bulletin published for another note is a problem.
    """
    problems = []
    for old, new in imported.items():
        owner = owners.get(old)
        if owner and owner.note in note_urls and note_urls[owner.note] != new:
            problems.append(
                Problem(
                    ledger_shown,
                    owner.line,
                    "old_url",
                    _(
                        "an old_url sends /%(old)s to /%(new)s, but that address "
                        "was published for %(note)s; remove that old_url line",
                        old=old,
                        new=new,
                        note=owner.note,
                    ),
                )
            )
        elif old not in built.pages and not built.blocking(old):
            plan.redirects[old] = new
    return problems


def plan_links(
    recorded: list[Record],
    manual: list[ManualRedirect],
    note_urls: dict[str, str],
    built: Written,
    ledger_path: Path,
    redirects_path: Path,
    imported: dict[str, str] | None = None,
) -> LinkPlan:
    """Redirects for every old address, and a problem for each that would break.

    note_urls: note file -> its URL in this build; built: what the build
    wrote (every page: notes, withdrawn notes, lists, search, feeds, static
    pages; and every other file); imported: old WordPress path -> the
    note's URL (notes' `old_url`).
    """
    pages = built.pages
    plan = LinkPlan()
    # The note each address was first published for: an address is never
    # handed to another note while that note is still in the bulletin.
    owners: dict[str, Record] = {}
    for rec in recorded:
        owners.setdefault(rec.url, rec)
    plan.problems += taken_addresses(owners, note_urls)
    ledger_shown = display_path(ledger_path)
    plan.problems += imported_plan(
        imported or {}, owners, note_urls, built, plan, ledger_shown
    )
    shown = display_path(redirects_path)
    for m in manual:
        if m.old in pages:
            plan.problems.append(
                Problem(
                    shown,
                    m.line,
                    None,
                    _(
                        "/%(old)s is a page of this build; remove this redirect",
                        old=m.old,
                    ),
                )
            )
        elif clash := built.blocking(m.old):
            plan.problems.append(
                Problem(
                    shown,
                    m.line,
                    None,
                    _(
                        "/%(old)s would clash with /%(path)s, which the build "
                        "writes itself; remove this redirect",
                        old=m.old,
                        path=clash,
                    ),
                )
            )
        elif m.new not in pages:
            plan.problems.append(
                Problem(
                    shown,
                    m.line,
                    None,
                    _(
                        "/%(new)s is not a page of this build; point the "
                        "redirect at a note's current address",
                        new=m.new,
                    ),
                )
            )
        else:
            plan.redirects[m.old] = m.new
    for url, rec in sorted(owners.items()):
        if url in pages or url in plan.redirects:
            continue
        if rec.note in note_urls:
            plan.redirects[url] = note_urls[rec.note]
            continue
        plan.problems.append(
            Problem(
                ledger_shown,
                rec.line,
                None,
                _(
                    "the address /%(url)s was published (note file %(note)s) "
                    "but this build has no page for it, so shared links would "
                    "break. Either keep the note and take it down with 'status: "
                    "withdrawn' and a 'reason: …' line (readers then see why it "
                    "was withdrawn), or send readers on: add the line "
                    "'%(url)s%(tab)s<new address>' to %(file)s",
                    url=url,
                    note=rec.note,
                    tab=TAB,
                    file=shown,
                ),
            )
        )
    return plan


def nginx_map(redirects: dict[str, str]) -> str:
    """Lines for an nginx `map $uri …` block: "/old/" "/new/";"""
    return "".join(f'"/{old}" "/{new}";\n' for old, new in sorted(redirects.items()))


def nginx_query_map(redirects: dict[QueryAddress, str]) -> str:
    """Lines for an nginx `map "$uri?$args" …` block, one regular expression
    each: the key among other query arguments (utm_source=… from a share).
    """
    return "".join(
        f'"~^/{re.escape(a.path)}\\?(.*&)?{a.key}={a.value}(&|$)" "/{new}";\n'
        for a, new in sorted(redirects.items())
    )


def caddy_redirects(
    redirects: dict[str, str], queries: dict[QueryAddress, str] | None = None
) -> str:
    lines = [
        f"redir /{old} /{new} permanent\n" for old, new in sorted(redirects.items())
    ]
    for n, (a, new) in enumerate(sorted((queries or {}).items()), start=1):
        lines.append(
            f"@old_query_{n} {{\n\tpath /{a.path}\n\tquery {a.key}={a.value}\n}}\n"
            f"redir @old_query_{n} /{new} permanent\n"
        )
    return "".join(lines)


def netlify_redirects(redirects: dict[str, str]) -> str:
    """_redirects as static hosts (Netlify, Cloudflare Pages) read it."""
    return "".join(f"/{old} /{new} 301\n" for old, new in sorted(redirects.items()))

"""The search page's weight for a first query, measured in Chromium.

What /khoj/ downloads depends on the query (Pagefind fetches the index
chunks and page fragments it needs), so it is measured, not read from the
HTML: the site is served on loopback, Chromium opens /khoj/?q=<query> with an
empty cache, and every file it fetched is counted as weight.py counts files
(text gzip-compressed at level 6; Pagefind's index files are compressed
already and counted as they are).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlparse

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS
from scripts.serve import served

from .weight import Resource, served_file, transferred_size

FIRST_QUERY = "पुलिस"


@dataclass(frozen=True)
class SearchWeight:
    query: str
    results: int
    resources: tuple[Resource, ...]
    other_hosts: tuple[str, ...]

    @property
    def transferred(self) -> int:
        return sum(r.transferred for r in self.resources)


def fetched_resources(site: Path, urls: list[str]) -> tuple[Resource, ...]:
    found: dict[str, Resource] = {}
    for url in urls:
        path = urlparse(url).path
        file = served_file(site, path)
        if path not in found and file.is_file():
            raw, sent = transferred_size(file)
            found[path] = Resource(path, raw, sent)
    return tuple(found.values())


def measure_search(site: Path, query: str = FIRST_QUERY) -> SearchWeight:
    from playwright.sync_api import sync_playwright

    with served(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.goto(f"{base}/khoj/?q={quote(query)}")
            page.wait_for_selector("#khoj[data-done]")
            results = page.locator("#khoj-results li").count()
        finally:
            browser.close()
    host = urlparse(base).netloc
    local = [u for u in requested if urlparse(u).netloc == host]
    others = tuple(u for u in requested if urlparse(u).netloc != host)
    return SearchWeight(query, results, fetched_resources(site, local), others)


def format_search_weight(w: SearchWeight) -> str:
    pagefind = sum(r.transferred for r in w.resources if "/pagefind/" in r.url)
    page = w.transferred - pagefind
    return (
        f"{'search (1st query)':<20}{len(w.resources):>6} files: page + CSS + "
        f"script {page:,}, Pagefind {pagefind:,}, total {w.transferred:,} bytes "
        f"(/khoj/?q={w.query}, {w.results} results shown; "
        f"requests to other hosts: {len(w.other_hosts)})"
    )

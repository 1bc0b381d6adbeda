"""The search page's weight for a first query, measured in Chromium.

What /khoj/ downloads depends on the query (Pagefind fetches the index
chunks and page fragments it needs), so it is measured, not read from the
HTML: the site is served on loopback, Chromium opens /khoj/?q=<query> with an
empty cache, and every file it fetched is counted as weight.py counts files
(text gzip-compressed at level 6; Pagefind's index files are compressed
already and counted as they are). A tap of More results is weighed apart:
the files it fetched that the first query had not (the older years' index,
when the newest year's filled the first page).
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
    # A tap of More results: the files fetched that the first query had not,
    # and the results shown then (None: no More results to tap).
    more: tuple[Resource, ...] = ()
    more_results: int | None = None

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


def measure_search(site: Path, query: str = FIRST_QUERY, browser=None) -> SearchWeight:
    """Weigh the first query `query` and a tap of More results, in a fresh
    context of `browser` (a Playwright Chromium), or of a Chromium started
    here.
    """
    if browser is not None:
        return weigh_in(browser, site, query)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        started = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            return weigh_in(started, site, query)
        finally:
            started.close()


def weigh_in(browser, site: Path, query: str) -> SearchWeight:
    with served(site) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.goto(f"{base}/khoj/?q={quote(query)}")
            page.wait_for_selector("#khoj[data-done]")
            results = page.locator("#khoj-results li").count()
            first = len(requested)
            more_results = None
            if page.locator("#khoj-more").is_visible():
                page.click("#khoj-more")
                page.wait_for_function(
                    "() => !document.getElementById('khoj-more').disabled"
                )
                more_results = page.locator("#khoj-results li").count() - results
        finally:
            context.close()
    host = urlparse(base).netloc
    local = [u for u in requested if urlparse(u).netloc == host]
    others = tuple(u for u in requested if urlparse(u).netloc != host)
    fetched = fetched_resources(site, [u for u in requested[:first] if u in local])
    seen = {r.url for r in fetched}
    later = fetched_resources(site, [u for u in requested[first:] if u in local])
    more = tuple(r for r in later if r.url not in seen)
    return SearchWeight(query, results, fetched, others, more, more_results)


def format_search_weight(w: SearchWeight) -> str:
    pagefind = sum(r.transferred for r in w.resources if "/pagefind/" in r.url)
    page = w.transferred - pagefind
    return (
        f"{'search (1st query)':<20}{len(w.resources):>6} files: page + CSS + "
        f"script {page:,}, Pagefind {pagefind:,}, total {w.transferred:,} bytes "
        f"(/khoj/?q={w.query}, {w.results} results shown; "
        f"requests to other hosts: {len(w.other_hosts)})"
    ) + (
        ""
        if w.more_results is None
        else f"\n{'search (More)':<20}{len(w.more):>6} files more: "
        f"{sum(r.transferred for r in w.more):,} bytes "
        f"({w.more_results} more results shown)"
    )

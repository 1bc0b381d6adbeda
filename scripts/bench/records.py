"""How long the aggregate outputs take to make from per-note records.

    python -m scripts.bench.records --notes 10000 --workdir /tmp/records-bench

Builds `notes` synthetic notes once (a rebuild when the output is there),
keeps every plugin's records (the context keys in RECORD_KEYS, pickled as a
site index keeps them) and the time each plugin's record function took over
every note, then times each files function over the records alone: the
part of a build the fast path repeats for a new note.
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from plugins.core import contract as c
from plugins.hindi_text.dates import IST

ROOT = Path(__file__).resolve().parent.parent.parent

# context key -> (record function over a note, name shown)
RECORD_KEYS = c.RECORDS


def record_timers() -> dict[str, Callable]:
    """{what: the record function of one note} (feed entries are made only
    for the notes among the newest of some feed: timed apart).
    """
    from plugins.feeds.records import feed_note
    from plugins.links.links import link_note
    from plugins.seo.records import seo_note

    return {
        c.SEO_RECORDS: seo_note,
        c.FEED_RECORDS: feed_note,
        c.LINK_RECORDS: link_note,
    }


def build_and_keep(workdir: Path, notes: int, seed: int) -> dict:
    """Build the synthetic site; {"records": {key: records}, "record_s":
    {key: seconds of the record function over every note}, settings, registry}.
    """
    from pelican import signals

    from scripts.bench.bench import synthetic_content
    from scripts.build import build

    settings_path = ROOT / "pelicanconf.py"
    content = workdir / "content"
    if not content.is_dir():
        synthetic_content(ROOT, settings_path, workdir, notes, seed)
    kept: dict = {}

    def keep(generators):
        from plugins.feeds.feeds import feed_words
        from plugins.whatsapp.generator import whatsapp_words

        kept["context"] = generators[0].context
        kept["settings"] = generators[0].settings
        kept["words"] = feed_words(generators[0].env)
        kept["whatsapp_words"] = whatsapp_words(generators[0].env)
        kept["feeds"] = next(g for g in generators if hasattr(g, "feeds"))

    def done():
        from plugins.feeds.render import feed_entry

        context = kept.pop("context")
        kept["registry"] = context[c.REGISTRY]
        kept["newest"] = context["articles"][0]
        kept["records"] = {
            k: pickle.loads(pickle.dumps(context[k])) for k in RECORD_KEYS
        }
        kept["record_s"] = {}
        for key, make in record_timers().items():
            started = time.process_time()
            for note in context["articles"]:
                make(note)
            kept["record_s"][key] = time.process_time() - started
        feeds = kept.pop("feeds")
        entries = context[c.FEED_RECORDS].entries
        started = time.process_time()
        for key in entries:
            feed_entry(feeds.articles[key], feeds.site)
        kept["record_s"][f"feed entries ({len(entries)} notes)"] = (
            time.process_time() - started
        )

    signals.all_generators_finalized.connect(keep)
    try:
        build(
            str(settings_path),
            {
                "PATH": str(content),
                "OUTPUT_PATH": str(workdir / "output"),
                "CACHE_PATH": str(workdir / "cache"),
            },
        )
    finally:
        signals.all_generators_finalized.disconnect(keep)
    # complete once the build is: feed entries, the written output
    done()
    return kept


def files_timers(kept: dict) -> dict[str, Callable[[], object]]:
    from plugins.feeds.feeds import feed_files
    from plugins.links.links import link_files, link_inputs
    from plugins.seo.seo import seo_files

    records, settings, registry = kept["records"], kept["settings"], kept["registry"]
    now = datetime.now(IST)
    feeds = records[c.FEED_RECORDS]
    newest = {feeds.notes[0].source_path}
    words = kept["words"]
    links = records[c.LINK_RECORDS]

    def redirects():
        read = link_inputs(settings)
        return link_files(
            links, settings, links.written, read.recorded, read.manual, read.problems
        )

    return {
        **search_timers(kept),
        **whatsapp_and_compress_timers(kept),
        "seo: sitemaps, news sitemap, robots.txt": lambda: seo_files(
            records[c.SEO_RECORDS], settings, registry, now
        ),
        "feeds: the feeds of the newest note": lambda: feed_files(
            feeds, settings, registry, words, now, newest
        ),
        "feeds: every feed": lambda: feed_files(feeds, settings, registry, words, now),
        "links: redirects and server lists (ledger read)": redirects,
    }


def search_timers(kept: dict) -> dict[str, Callable[[], object]]:
    """The search bundle after one new note page: Pagefind over the newest
    part's pages (plugins/search plan_shards: the newest year's newest block;
    a folder of links to them), the other parts kept (made first, from the
    whole output: not timed).
    """
    from plugins.search import search

    output: Path = kept["output"]
    settings = {
        **kept["settings"],
        "SEARCH": {"index": True, "cache": str(output.parent / "search-cache")},
    }
    started = time.process_time()
    pages = search.page_records(output)
    kept["record_s"][f"search pages ({len(pages)} read)"] = (
        time.process_time() - started
    )
    newest = max(p.year for p in pages.values())
    site = output.parent / "search-site"
    if not site.is_dir():
        for rel in pages:
            if rel.startswith(newest + "/"):
                (site / rel).parent.mkdir(parents=True, exist_ok=True)
                (site / rel).hardlink_to(output / rel)
    extra = site / newest / "12" / "bench-nayi" / "index.html"
    extra.parent.mkdir(parents=True, exist_ok=True)
    rounds = iter(range(1000))

    def one_new_page() -> object:
        # a copy of the newest note (its date, a path after it): the newest
        sample = max(
            (p for p in pages.values() if p.year == newest and p.marked),
            key=lambda p: search.note_order(p.rel, p.date),
        )
        data = (output / sample.rel).read_bytes()
        data = data.replace(b"</h1>", f" {next(rounds)}</h1>".encode(), 1)
        extra.write_bytes(data)
        rel = extra.relative_to(site).as_posix()
        return search.search_files(
            settings, {**pages, rel: search.search_page(rel, data)}, site
        )

    search.search_files(settings, pages, output)  # every part's index, once
    conf = search.plugin_settings(settings)
    shards = search.plan_shards(
        search.marked_notes(pages), conf["split_by_year"], conf["block"]
    )
    in_part = len(shards[0].parts[0].rels) + 1 if shards else 1
    return {f"search: Pagefind over the newest part ({in_part} pages)": one_new_page}


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (Pagefind)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def whatsapp_and_compress_timers(kept: dict) -> dict[str, Callable[[], object]]:
    """A new note's WhatsApp values and preview image (drawn into an empty
    cache: a new note's is never cached), the join and admin pages' inputs,
    and the compressed copies of the files one new note changes.
    """
    from plugins.compress.compress import compress_files
    from plugins.whatsapp.generator import Previews, site_groups, whatsapp_output
    from plugins.whatsapp.pages import SharePage

    settings, registry = kept["settings"], kept["registry"]
    output: Path = kept["output"]
    note = kept["newest"]
    rounds = iter(range(1000))

    def fresh(name: str) -> dict:
        folder = str(output.parent / f"{name}-{next(rounds)}")
        conf = {**(settings.get("WHATSAPP") or {}), "image_cache": folder}
        return {**settings, "WHATSAPP": conf}

    def one_note() -> Previews:
        previews = Previews(fresh("previews"), kept["whatsapp_words"])
        previews.attach(note)
        previews.wait()
        return previews

    def pages() -> object:
        previews = Previews(settings, kept["whatsapp_words"])
        join = previews.join_image()
        previews.wait()
        groups = site_groups(settings, registry)
        return whatsapp_output(settings, registry, groups, SharePage(), join, previews)

    page = output / note.save_as
    changed = [
        page,
        output / "index.html",
        output / "sitemap.xml",
        *sorted((output / "feeds").glob("*.xml")),
        *sorted((output / "thana").glob("*/index.html"))[:3],
    ]

    def copies() -> object:
        return compress_files(changed, output.parent / f"gz-{next(rounds)}", 256)

    return {
        "whatsapp: a new note's share link and preview image, drawn": one_note,
        "whatsapp: join and admin pages' inputs (QR codes kept)": pages,
        f"compress: .gz and .br of {len(changed)} files a new note changes": copies,
    }


def timed(make: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        make()
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return sorted(walls)[runs // 2], sorted(cpus)[runs // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    kept = build_and_keep(args.workdir, args.notes, args.seed)
    kept["output"] = args.workdir / "output"
    notes = len(kept["records"][c.SEO_RECORDS].notes)
    size = len(pickle.dumps(kept["records"]))
    print(f"notes {notes}; records pickled: {size / 1e6:.1f} MB")
    timers = files_timers(kept)
    for key, seconds in kept["record_s"].items():
        print(f"(a) {key}: {seconds:.2f} s CPU")
    for name, make in timers.items():
        wall, cpu = timed(make)
        print(f"(b) {name}: {wall:.3f} s wall, {cpu:.3f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The aggregate outputs made from per-note records: the files a plugin
makes from its records (after a pickle round trip, as the site index keeps
them) are byte for byte the files the full build wrote. One build of the
sample bulletin (plus a note of the last hour, for the news sitemap) serves
every test here.
"""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pelican import signals
from support import ROOT, build_site, note_text, read_html

from plugins.core import contract as c
from plugins.core.errors import ContentError
from plugins.core.packed import PACKED, Released
from plugins.feeds.feeds import feed_files, feed_words
from plugins.feeds.records import FeedRecords
from plugins.hindi_text.dates import IST
from plugins.links.links import LinkRecords, link_files, link_inputs
from plugins.links.plan import written
from plugins.press_notes.press_notes import registry_for
from plugins.search import search
from plugins.seo.records import SeoRecords
from plugins.seo.seo import seo_files
from plugins.whatsapp.generator import (
    Previews,
    site_groups,
    whatsapp_output,
    whatsapp_words,
)
from plugins.whatsapp.pages import OgImage, SharePage, note_preview_source, preview_alt

RECORD_KEYS = c.RECORDS


@dataclass
class Built:
    output: Path
    records: dict  # {context key: records, pickled and loaded again}
    settings: dict
    registry: object
    words: dict  # the feeds' words for browsers
    whatsapp_words: dict
    notes: list  # the build's articles
    json_ld: dict  # {note page: its JSON-LD as the notes held it before writing}
    lead: object  # the home page's lead story


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """One build of the sample bulletin and what it kept."""
    tmp = tmp_path_factory.mktemp("records")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    when = datetime.now(IST) - timedelta(hours=1)
    (content / "notes" / "2026" / "abhi-ki-khabar.md").write_text(
        note_text(
            date=when.strftime("%Y-%m-%d %H:%M"),
            slug="abhi-ki-khabar",
            title="अभी की खबर",
            old_url="https://old.example.org/2019/05/purani-khabar/",
        ),
        encoding="utf-8",
    )
    # an old address sent to the new note by hand
    (content / "registry" / "redirects.tsv").write_text(
        f"2018/01/bahut-purani/\t{when:%Y/%m}/abhi-ki-khabar/\n", encoding="utf-8"
    )
    kept: dict = {}

    def keep(generators):
        kept["context"] = generators[0].context
        kept["settings"] = generators[0].settings
        kept["words"] = feed_words(generators[0].env)
        kept["whatsapp_words"] = whatsapp_words(generators[0].env)
        kept["json_ld"] = {
            n.save_as: getattr(n, c.JSON_LD) for n in c.all_notes(kept["context"])
        }

    signals.all_generators_finalized.connect(keep)
    try:
        output = tmp / "output"
        search.LAST_RUN.clear()
        build_site(
            content, output, SEARCH={"index": True, "cache": str(tmp / "search")}
        )
    finally:
        signals.all_generators_finalized.disconnect(keep)
    # the records are complete once the build is (the feed entries need
    # what every plugin adds to a note, the redirects the written output)
    context = kept.pop("context")
    kept["registry"] = context[c.REGISTRY]
    kept["notes"] = list(context["articles"])
    kept["lead"] = context[c.LEAD_NOTE]
    kept["records"] = {
        key: pickle.loads(pickle.dumps(context[key])) for key in RECORD_KEYS
    }
    # the search index is made when the output is written, from the pages
    kept["records"]["search"] = pickle.loads(pickle.dumps(search.LAST_RUN[-1].records))
    return Built(
        output,
        kept["records"],
        kept["settings"],
        kept["registry"],
        kept["words"],
        kept["whatsapp_words"],
        kept["notes"],
        kept["json_ld"],
        kept["lead"],
    )


def test_the_sitemaps_and_robots_are_made_from_the_records(built):
    output, records = built.output, built.records
    settings, registry = built.settings, built.registry
    seo = records[c.SEO_RECORDS]
    assert isinstance(seo, SeoRecords) and len(seo.notes) > 10
    files = seo_files(seo, settings, registry, datetime.now(IST))
    assert set(files) == {"sitemap.xml", "news-sitemap.xml", "robots.txt"}
    for rel, data in files.items():
        assert (output / rel).read_bytes() == data, rel
    # the records decide: one note fewer is one URL fewer
    fewer = SeoRecords(seo.notes[1:], seo.pages)
    smaller = seo_files(fewer, settings, registry, datetime.now(IST))
    assert seo.notes[0].loc.encode() not in smaller["sitemap.xml"]
    assert seo.notes[0].loc.encode() in files["sitemap.xml"]


def test_every_feed_is_made_from_the_records(built):
    output, records = built.output, built.records
    settings, registry = built.settings, built.registry
    feeds = records[c.FEED_RECORDS]
    assert isinstance(feeds, FeedRecords) and len(feeds.notes) > 10
    files = feed_files(feeds, settings, registry, built.words, datetime.now(IST))
    on_disk = {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in (output / "feeds").rglob("*.xml")
    }
    assert len(files) > 20 and files == on_disk


def test_a_new_note_touches_only_the_feeds_it_is_in_and_the_empty_ones(built):
    records = built.records
    settings, registry = built.settings, built.registry
    feeds = records[c.FEED_RECORDS]
    newest = feeds.notes[0]
    now = datetime.now(IST)
    some = feed_files(feeds, settings, registry, built.words, now, {newest.source_path})
    every = feed_files(feeds, settings, registry, built.words, now)
    assert set(some) < set(every)
    for rel, data in some.items():
        assert every[rel] == data
    named = {
        "feeds/all.rss.xml",
        f"feeds/thana/{newest.thana.slug}.rss.xml",
        f"feeds/shreni/{newest.category.slug}.atom.xml",
    }
    assert named <= set(some)
    # a feed left out holds notes, none of them the new one
    for rel in set(every) - set(some):
        assert b"<item>" in every[rel] or b"<entry>" in every[rel], rel
        assert newest.source_path.rsplit("/", 1)[1].encode() not in every[rel]


def test_a_notes_preview_and_the_join_page_files_are_made_alone(built):
    """The fast path's WhatsApp part: one note's share link and preview, and
    the join page's files, without the other notes."""
    settings, registry = built.settings, built.registry
    note = built.notes[0]
    was = (note.og_image, str(note.whatsapp_url))
    previews = Previews(settings, built.whatsapp_words)
    previews.attach(note)
    assert (note.og_image, str(note.whatsapp_url)) == was
    join = previews.join_image()
    previews.wait()
    groups = site_groups(settings, registry)
    pages, files = whatsapp_output(
        settings, registry, groups, SharePage(), join, previews
    )
    assert [p.template for p in pages] == ["whatsapp", "whatsapp_share"]
    assert note.og_image.path in files and len(files) == 2 + len(groups)
    for rel, cached in files.items():
        assert (built.output / rel).read_bytes() == cached.read_bytes(), rel


def test_a_notes_preview_is_kept_as_its_file_name_and_made_when_read(built):
    """Each note holds its preview image's file name, not an OgImage with
    its path, address and alt text (about 600 bytes a note): read, the
    preview is the one the build placed, made from the note.
    """
    settings = built.settings
    previews = Previews(settings, built.whatsapp_words)
    site, root = settings["SITENAME"], Path(settings["PATH"])
    for note in built.notes:
        assert not any(isinstance(v, OgImage) for v in vars(note).values())
        source = note_preview_source(note, root, previews.card(str(note.title)))
        made = previews.preview(source, note.url, preview_alt(note, site))
        assert note.og_image == made
        assert (built.output / note.og_image.path).is_file()


def test_a_pages_preview_is_noted_by_its_cached_files_name_until_placed(
    built, tmp_path
):
    """What the build keeps of each page's preview image until the images
    are placed (the cached file to place, and to draw when it is missing)
    is the file's name in the cache, one string, not a Path of its own
    (about 350 bytes a note); the files placed are the ones drawn.
    """
    conf = {**(built.settings.get("WHATSAPP") or {}), "image_cache": str(tmp_path)}
    settings = {**built.settings, "WHATSAPP": conf}
    previews = Previews(settings, built.whatsapp_words)
    notes = built.notes[:3]
    for note in notes:
        previews.attach(note)
    assert len(previews.images) == len(previews.missing) == len(notes)
    for name in [*previews.images.values(), *previews.missing]:
        assert type(name) is str and not Path(name).is_absolute()
    assert set(previews.missing) == set(previews.images.values())
    assert previews.drawing() == {previews.cache / n for n in previews.missing}
    join = previews.join_image()
    previews.wait()
    groups = site_groups(settings, built.registry)
    _pages, files = whatsapp_output(
        settings, built.registry, groups, SharePage(), join, previews
    )
    for note in notes:
        cached = files[note.og_image.path]
        assert cached == previews.cache / previews.images[note.og_image.path]
        assert cached.read_bytes() == (built.output / note.og_image.path).read_bytes()


def test_every_notes_share_link_shares_one_maker(built):
    """A note's share link holds the note and the build's one maker of
    links, not a maker of its own (about 170 bytes a note).
    """
    previews = Previews(built.settings, built.whatsapp_words)
    notes = built.notes[1:4]
    was = [str(note.whatsapp_url) for note in notes]
    for note in notes:
        previews.attach(note)
    assert len({id(note.whatsapp_url._make) for note in notes}) == 1
    assert [str(note.whatsapp_url) for note in notes] == was


def test_a_notes_attributes_are_held_in_a_table_of_their_size(built):
    """Pelican's note keeps its attributes in a table CPython shares between
    the notes (28 of them); the plugins' first one past 30 turned it into a
    dict of the note's own sized for three times as many (128 entries,
    1,584 bytes). Each note's is rebuilt as it is made, for the attributes
    it has: a note with up to 40 at the build's end (every plain note: a
    photo, an old address or a modified date add more) holds them in a
    dict of 64 entries (832 bytes), the size a copy of it takes.
    """
    plain = [note for note in built.notes if len(vars(note)) <= 40]
    assert len(plain) > 10
    for note in plain:
        assert sys.getsizeof(vars(note)) <= sys.getsizeof(dict(vars(note)))


def test_the_redirects_are_made_from_the_records_and_what_was_written(built):
    settings = built.settings
    links = built.records[c.LINK_RECORDS]
    assert isinstance(links, LinkRecords) and links.written is not None
    read = link_inputs(settings)
    recorded, manual, problems = read.recorded, read.manual, read.problems
    assert [m.old for m in manual] == ["2018/01/bahut-purani/"] and not problems
    made = link_files(links, settings, links.written, recorded, manual, problems)
    assert set(made.redirects) == {"2018/01/bahut-purani/", "2019/05/purani-khabar/"}
    for old, target in made.redirects.items():
        page = (built.output / old / "index.html").read_text(encoding="utf-8")
        assert target in page
    for name, text in made.files.items():
        assert (built.output / name).read_text(encoding="utf-8") == text, name
    assert "/2018/01/bahut-purani/" in made.files["redirects.caddy"]
    # a new page at an old address: it is no longer redirected
    taken = written(["2018/01/bahut-purani/index.html"], links.written)
    with pytest.raises(ContentError, match="bahut-purani"):
        link_files(links, settings, taken, recorded, manual, problems)


def test_the_search_bundle_is_made_from_the_page_records(built, tmp_path):
    """The fast path's search step: the pages' records and a folder holding
    the newest year's pages only (the older years' index is kept)."""
    settings = dict(built.settings)
    pages = built.records["search"]
    assert pages and all(isinstance(p, search.SearchPage) for p in pages.values())
    newest = max(p.year for p in pages.values())
    site = tmp_path / "site"
    for rel in pages:
        if rel.startswith(newest + "/"):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).hardlink_to(built.output / rel)
    same = search.search_files(settings, pages, site)
    assert same.run.made == ()  # every part kept: nothing indexed again
    bundle = {
        p.relative_to(built.output).as_posix()
        for p in (built.output / "pagefind").rglob("*")
        if p.is_file() and p.suffix not in (".gz", ".br")
    }
    # the stations' other spellings, written beside the index from the registry
    spelt = search.spellings_file(settings, registry_for(settings).thanas)
    assert bundle == set(same.files) | set(same.data) | set(spelt)
    for rel, kept in same.files.items():
        assert kept.read_bytes() == (built.output / rel).read_bytes(), rel
    for rel, data in {**same.data, **spelt}.items():
        assert data == (built.output / rel).read_bytes(), rel
    # a new note page of the newest year: that year's index is made again
    rel = f"{newest}/12/nayi-khabar/index.html"
    (site / rel).parent.mkdir(parents=True)
    page = next(v for k, v in sorted(pages.items()) if k.startswith(newest))
    text = (built.output / page.rel).read_bytes().replace(b"<h1", b"<h1 id=nayi", 1)
    (site / rel).write_bytes(text)
    more = search.search_files(
        settings, {**pages, rel: search.search_page(rel, text)}, site
    )
    assert more.run.made == (newest,)
    assert (
        more.files[f"pagefind/{newest}/pagefind.js"]
        != same.files[f"pagefind/{newest}/pagefind.js"]
    )


def test_the_kept_records_are_declared_context_values(built):
    declared = {h.name: h for h in c.HANDED if h.where == "context"}
    assert set(c.RECORDS) <= set(declared)
    assert {declared[k].by for k in c.RECORDS} == {c.SEO, c.FEEDS, c.LINKS}
    assert set(built.records) == {*c.RECORDS, "search"}


def test_notes_share_one_object_per_category_and_tag(built):
    """Pelican makes a Category and a Tag for every note naming one; the
    notes keep one object per value (held until the build ends).
    """
    seen: dict = {}
    named = 0
    for note in built.notes:
        assert note.category is note.metadata["category"]
        assert note.tags is note.metadata["tags"]
        for thing in [note.category, *note.tags]:
            key = (type(thing), thing.name, thing.slug)
            assert seen.setdefault(key, thing) is thing, key
            named += 1
    assert named > len(seen)  # some values are named by several notes


def test_notes_share_one_string_for_the_texts_they_all_have(built):
    """Pelican makes the language, the status and the reader's name again for
    every note (about 170 bytes a note, to the build's end): the notes
    share one string each.
    """
    notes = built.notes
    assert len(notes) > 10
    for name in ("lang", "_status", "reader"):
        values = {id(vars(note)[name]) for note in notes}
        assert len(values) == 1, name


def test_a_notes_json_ld_is_kept_compressed_until_its_page_prints_it(built):
    """Every note holds its JSON-LD compressed until its page is written,
    then not at all; the page prints the texts as they were.
    """
    assert built.json_ld
    for save_as, held in built.json_ld.items():
        texts = list(held)
        assert [json.loads(t)["@type"] for t in texts] == [
            "NewsArticle",
            "BreadcrumbList",
        ]
        assert sys.getsizeof(held.data) < sum(sys.getsizeof(t) for t in texts) / 2
        page = read_html(built.output / save_as)
        printed = [
            s.string for s in page.find_all("script", type="application/ld+json")
        ]
        withdrawn = page.find("meta", attrs={"name": "robots"}) is not None
        assert printed == ([] if withdrawn else texts), save_as
    for note in c.all_notes({"articles": built.notes}):
        assert not hasattr(note, c.JSON_LD), note.save_as


def test_a_notes_html_is_let_go_of_once_the_feeds_are_written(built):
    """The note pages and the feeds (test_every_feed_is_made_from_the_records)
    print each note's HTML; after them no note holds it, and asking for it
    says so, but the home page's lead story, which the fast path prints
    again after them (test_fast_path.py
    test_a_lead_story_printing_its_text_is_still_published_fast).
    """
    assert built.lead in built.notes
    assert "<p>" in built.lead.content
    for note in c.all_notes({"articles": built.notes}):
        if note is built.lead:
            continue
        assert PACKED not in vars(note), note.save_as
        with pytest.raises(Released):
            note.content  # noqa: B018

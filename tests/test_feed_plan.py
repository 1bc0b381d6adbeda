"""Which feeds the bulletin has and which notes each holds, as planned
(plugins/feeds/plan.py) from the real registry; expected titles and paths
written out by hand."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pytest
from pelican.settings import read_settings
from support import SETTINGS

from plugins.feeds.plan import (
    feed_index,
    feeds_by_key,
    feeds_of_kind,
    note_feeds,
    plan_feeds,
    reporter_slugs,
)
from plugins.hindi_text.slugs import slugify, unique_slug
from plugins.press_notes.press_notes import registry_for

SITE = "रतलाम पुलिस बुलेटिन"


@dataclass
class Note:
    date: datetime
    source_path: str
    thana: object
    category: object
    reporter: str
    save_as: str = ""
    feeds: tuple = ()


@pytest.fixture(scope="module")
def registry():
    return registry_for(read_settings(SETTINGS))


@pytest.fixture  # made in each test: mutation testing sees the calls in tests
def planned(registry):
    namli = next(t for t in registry.thanas if t.name == "नामली")
    alot = next(t for t in registry.thanas if t.name == "आलोट")
    traffic = next(c for c in registry.categories if c.name == "यातायात")
    crime = next(c for c in registry.categories if c.name == "अपराध")
    notes = [
        Note(datetime(2026, 10, 1, 9), "a.md", namli, crime, "पुलिस जनसंपर्क", "a/"),
        Note(datetime(2026, 10, 3, 9), "c.md", alot, crime, "राम शर्मा", "c/"),
        Note(datetime(2026, 10, 1, 9), "b.md", namli, traffic, "पुलिस जनसंपर्क", "b/"),
    ]
    slugs = reporter_slugs(notes, slugify, unique_slug)
    feeds = plan_feeds(SITE, "सूचनाएँ", registry, notes, slugs)
    return notes, slugs, feeds


def test_every_station_and_category_has_a_feed_even_without_notes(registry, planned):
    _, _, feeds = planned
    kinds = [f.kind for f in feeds]
    assert kinds == (
        ["site", "district"]
        + ["thana"] * len(registry.thanas)
        + ["category"] * len(registry.categories)
        + ["reporter"] * 2
    )
    assert len(feeds_of_kind(feeds, "thana")) == len(registry.thanas) == 23
    shivgarh = feeds_by_key(feeds)[("thana", "shivgarh")]
    assert shivgarh.count == 0 and shivgarh.path("atom") == (
        "feeds/thana/shivgarh.atom.xml"
    )


def test_each_feed_holds_its_notes_newest_first(planned):
    _, slugs, feeds = planned
    by_key = feeds_by_key(feeds)
    site = by_key[("site", "all")]
    # newest first; the same minute in file order, later path first
    assert [n.source_path for n in site.notes] == ["c.md", "b.md", "a.md"]
    assert [n.source_path for n in by_key[("district", "ratlam")].notes] == [
        "c.md",
        "b.md",
        "a.md",
    ]
    assert [n.source_path for n in by_key[("thana", "namli")].notes] == ["b.md", "a.md"]
    assert [n.source_path for n in by_key[("category", "apradh")].notes] == [
        "c.md",
        "a.md",
    ]
    reporter = by_key[("reporter", slugs["पुलिस जनसंपर्क"])]
    assert [n.source_path for n in reporter.notes] == ["b.md", "a.md"]


def test_titles_descriptions_paths_and_links(registry, planned):
    _, slugs, feeds = planned
    by_key = feeds_by_key(feeds)
    site, district = by_key[("site", "all")], by_key[("district", "ratlam")]
    assert (site.name, site.title, site.description, site.page_url) == (
        SITE,
        SITE,
        "सूचनाएँ",
        "",
    )
    assert site.path("rss") == "feeds/all.rss.xml"
    assert (district.name, district.page_url) == ("रतलाम", "")
    assert district.title == f"{SITE} — जिला रतलाम"
    assert district.description == "जिला रतलाम के सभी थानों की प्रेस विज्ञप्तियाँ और सूचनाएँ।"
    assert district.path("rss") == "feeds/jila/ratlam.rss.xml"
    namli = by_key[("thana", "namli")]
    assert (namli.name, namli.title, namli.page_url) == (
        "नामली",
        f"{SITE} — थाना नामली",
        "thana/namli/",
    )
    area = next(t.area for t in registry.thanas if t.slug == "namli")  # the data
    assert namli.description == f"थाना नामली ({area}) की प्रेस विज्ञप्तियाँ और सूचनाएँ।"
    traffic = by_key[("category", "yatayat")]
    assert (traffic.name, traffic.title) == ("यातायात", f"{SITE} — श्रेणी: यातायात")
    # a category's own description from the registry
    described = next(c.description for c in registry.categories if c.slug == "yatayat")
    assert described and traffic.description == described
    assert traffic.page_url == "shreni/yatayat/"
    assert traffic.path("atom") == "feeds/shreni/yatayat.atom.xml"
    ram = by_key[("reporter", slugs["राम शर्मा"])]
    assert (ram.name, ram.title, ram.page_url) == (
        "राम शर्मा",
        f"{SITE} — संवाददाता: राम शर्मा",
        "",
    )
    assert ram.description == "संवाददाता राम शर्मा द्वारा भेजी गई प्रेस विज्ञप्तियाँ और सूचनाएँ।"
    assert ram.path("rss") == f"feeds/samvaddata/{slugs['राम शर्मा']}.rss.xml"
    rss, atom = namli.links
    assert (rss.href, rss.type, rss.format, rss.title) == (
        "feeds/thana/namli.rss.xml",
        "application/rss+xml",
        "rss",
        f"{SITE} — थाना नामली (आरएसएस)",
    )
    assert (atom.href, atom.type, atom.format, atom.title) == (
        "feeds/thana/namli.atom.xml",
        "application/atom+xml",
        "atom",
        f"{SITE} — थाना नामली (एटम)",
    )
    assert namli.link("atom") is atom


def test_each_page_links_the_site_feeds_and_its_own(planned):
    notes, slugs, feeds = planned
    by_key = feeds_by_key(feeds)
    for note in notes:
        note.feeds = note_feeds(note, by_key, slugs)
    index = feed_index(feeds, notes)
    site = by_key[("site", "all")].links
    assert index.site == site
    first = index.for_page("b/")
    assert first == site + (
        by_key[("thana", "namli")].links
        + by_key[("category", "yatayat")].links
        + by_key[("reporter", slugs["पुलिस जनसंपर्क"])].links
    )
    # a station's numbered page links the station's feeds
    assert index.for_page("thana/namli/page/2/index.html") == (
        site + by_key[("thana", "namli")].links
    )
    assert index.for_page("shreni/apradh/index.html") == (
        site + by_key[("category", "apradh")].links
    )
    # any other page: the site feeds only
    assert index.for_page("khoj/index.html") == site
    assert index.for_page(None) == site


def test_a_reporter_who_appears_later_never_takes_an_earlier_ones_slug():
    # two spellings of one name make the same slug; the one seen first keeps it
    # (whatever the alphabet says: "राम शर्मा" sorts before "राम-शर्मा")
    first = Note(datetime(2026, 10, 1, 9), "a.md", None, None, "राम-शर्मा")
    later = Note(datetime(2026, 10, 3, 9), "b.md", None, None, "राम शर्मा")
    for notes in ([first, later], [later, first]):
        assert reporter_slugs(notes, slugify, unique_slug) == {
            "राम-शर्मा": "ram-sharma",
            "राम शर्मा": "ram-sharma-2",
        }


def test_a_category_without_a_description_gets_one_naming_it(registry):
    # a category added to the registry with no description of its own
    bare = replace(
        registry,
        categories=tuple(replace(c, description="") for c in registry.categories),
    )
    feeds = feeds_by_key(plan_feeds(SITE, "सूचनाएँ", bare, [], {}))
    assert feeds[("category", "apradh")].description == (
        "श्रेणी “अपराध” की प्रेस विज्ञप्तियाँ और सूचनाएँ।"
    )

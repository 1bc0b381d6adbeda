"""The aggregate outputs made from per-note records: the files a plugin
makes from its records (after a pickle round trip, as the site index keeps
them) are byte for byte the files the full build wrote. One build of the
sample bulletin (plus a note of the last hour, for the news sitemap) serves
every test here.
"""

from __future__ import annotations

import pickle
import shutil
from datetime import datetime, timedelta

import pytest
from pelican import signals
from support import ROOT, build_site, note_text

from plugins.core import contract as c
from plugins.hindi_text.dates import IST
from plugins.seo.records import SeoRecords
from plugins.seo.seo import seo_files

RECORD_KEYS = (c.SEO_RECORDS,)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(output folder, {context key: records, pickled and loaded again},
    settings, registry) of one build.
    """
    tmp = tmp_path_factory.mktemp("records")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    recent = (datetime.now(IST) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    (content / "notes" / "2026" / "abhi-ki-khabar.md").write_text(
        note_text(date=recent, slug="abhi-ki-khabar", title="अभी की खबर"),
        encoding="utf-8",
    )
    kept: dict = {}

    def keep(generators):
        context = generators[0].context
        kept["settings"] = generators[0].settings
        kept["registry"] = context[c.REGISTRY]
        kept["records"] = {
            key: pickle.loads(pickle.dumps(context[key])) for key in RECORD_KEYS
        }

    signals.all_generators_finalized.connect(keep)
    try:
        output = tmp / "output"
        build_site(content, output)
    finally:
        signals.all_generators_finalized.disconnect(keep)
    return output, kept["records"], kept["settings"], kept["registry"]


def test_the_sitemaps_and_robots_are_made_from_the_records(built):
    output, records, settings, registry = built
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

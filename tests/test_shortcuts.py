"""What a build skips or does once to save time changes nothing it writes,
and the output it replaces is gone without the build waiting for it."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from pelican import signals
from pelican.settings import read_settings
from support import ROOT, SETTINGS, build_site, new_content, note_text, tree

from plugins.core import contract
from plugins.core.errors import BuildFailed
from scripts.build import count_pages, previous_path, swap_in, trash_folders

pytestmark = [pytest.mark.build, pytest.mark.slow]


def test_a_build_with_the_shortcuts_writes_what_one_without_them_writes(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    notes = content / "notes" / "2026" / "11"
    for slug, status in (("chhupi-suchna", "hidden"), ("masauda-suchna", "draft")):
        (notes / f"{slug}.md").write_text(
            note_text(slug=slug, status=status, title=f"सूचना {slug}"), encoding="utf-8"
        )
    addresses: dict[str, str] = {}

    def frozen(generator):  # after every plugin's finalized step
        for note in (*generator.articles, *generator.hidden_articles):
            addresses[note.source_path] = note.__dict__.get("override_url", "")

    signals.article_generator_finalized.connect(frozen)
    try:
        with_them = build_site(content, tmp_path / "with" / "output")
    finally:
        signals.article_generator_finalized.disconnect(frozen)
    plugins = read_settings(SETTINGS)["PLUGINS"]
    without = [p for p in plugins if p != contract.PAGE_REUSE]
    assert len(without) == len(plugins) - 1
    build_site(content, tmp_path / "without" / "output", PLUGINS=without)
    built, plain = tree(with_them.output), tree(tmp_path / "without" / "output")
    assert built.keys() == plain.keys()
    assert [name for name in built if built[name] != plain[name]] == []
    # the addresses were kept once, and they are the pages' addresses
    assert len(addresses) == with_them.notes == 21  # and the hidden one
    assert all(
        (with_them.output / url / "index.html").is_file() for url in addresses.values()
    )
    assert "drafts/masauda-suchna/index.html" in built


def removed_within(path: Path, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_the_replaced_output_is_removed_in_the_background(tmp_path):
    output = tmp_path / "output"
    (output / "2026" / "old").mkdir(parents=True)
    (output / "2026" / "old" / "index.html").write_text("old", encoding="utf-8")
    # a removal stopped half-way by a crash of an earlier build
    stopped = tmp_path / ".output.trash-stopped" / "site"
    (stopped / "x").mkdir(parents=True)
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "index.html").write_text("new", encoding="utf-8")
    swap_in(staging, output)
    # the new site is in place at once, the old one is out of the way
    assert tree(output) == {"index.html": b"new"}
    assert not staging.exists() and not previous_path(output).exists()
    assert removed_within(stopped.parent)
    deadline = time.monotonic() + 20
    while trash_folders(output) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_the_build_counts_note_pages_and_html_pages(tmp_path):
    files = [
        "index.html",
        "2026/index.html",
        "2026/11/index.html",
        "2026/11/namli-shivir/index.html",
        "2026/11/namli-shivir/og-1a2b.jpg",
        "2025/01/x/index.html",
        "2025/01/x/extra/index.html",
        "drafts/masauda/index.html",
        "tag/helmet/index.html",
        "feeds/all.atom.xml",
    ]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert count_pages(tmp_path) == (2, 8)


def articles(*specs: tuple[str, str, str]) -> list:
    """Pelican articles of (slug, lang, translation metadata or "")."""
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    made = []
    for n, (slug, lang, translation) in enumerate(specs):
        metadata = {"title": f"t{n}", "slug": slug, "lang": lang}
        if translation:
            metadata["translation"] = translation
        made.append(
            Article(
                "<p>x</p>",
                metadata=metadata,
                settings=dict(DEFAULT_CONFIG),
                source_path=f"/c/n{n}.md",
            )
        )
    return made


@pytest.mark.parametrize(
    "specs",
    [
        # every note its own original: the one-pass result
        [("c", "en", ""), ("a", "en", ""), ("b", "en", "")],
        # a translation and two items with the same slug: Pelican's own
        [("a", "en", ""), ("a", "hi", ""), ("b", "en", "")],
        [("a", "en", ""), ("b", "hi", "true")],
        [("a", "en", ""), ("b", "en", "False")],
        [],
    ],
)
def test_translations_are_paired_as_pelican_pairs_them(specs):
    from pelican.utils import process_translations

    from plugins.page_reuse.shortcuts import linear_translations

    fast = linear_translations(process_translations)
    mine, theirs = articles(*specs), articles(*specs)
    index, translations = fast(mine, "slug")
    expected_index, expected_translations = process_translations(theirs, "slug")

    def described(items):
        return [(a.source_path, [t.source_path for t in a.translations]) for a in items]

    assert described(index) == described(expected_index)
    assert described(translations) == described(expected_translations)
    assert described(mine) == described(theirs)  # sorted in place alike


def test_builds_pair_translations_in_one_pass_without_asking_pelican():
    """Pelican's own pairing compares every note with every other one (a
    minute at 50,000 notes); builds use the one-pass pairing, and it asks
    Pelican's only when some note is a translation."""
    import pelican.generators
    from pelican.utils import process_translations

    from plugins.page_reuse.shortcuts import (
        linear_translations,
        pair_translations_linearly,
    )

    pair_translations_linearly()
    pair_translations_linearly()  # once, not wrapped twice
    used = pelican.generators.process_translations
    assert used.original is process_translations
    asked = []

    def pelicans(content_list, translation_id=None):
        asked.append(len(content_list))
        return process_translations(content_list, translation_id)

    fast = linear_translations(pelicans)
    fast(articles(*[(f"s{n}", "en", "") for n in range(50)]), "slug")
    assert asked == []
    fast(articles(("a", "en", ""), ("a", "hi", "")), "slug")
    assert asked == [2]


def test_the_pages_addresses_are_kept_once_as_the_settings_make_them(tmp_path):
    """The site's pages keep the address Pelican formats (another PAGE_URL
    setting, a hidden page too): the build writes what one without the
    shortcut writes, and every page's menu links to the pages there.
    """
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    about = (content / "pages" / "parichay.md").read_text(encoding="utf-8")
    hidden = about.replace("slug: parichay", "slug: gupt\nstatus: hidden")
    assert hidden != about
    (content / "pages" / "gupt.md").write_text(hidden, encoding="utf-8")
    addresses: dict[str, str] = {}

    def frozen(generators):  # once every generator has made its content
        for generator in generators:
            for page in (
                *getattr(generator, "pages", ()),
                *getattr(generator, "hidden_pages", ()),
            ):
                addresses[page.slug] = page.__dict__.get("override_url", "")

    settings = {
        "PAGE_URL": "jankari/{slug}/",
        "PAGE_SAVE_AS": "jankari/{slug}/index.html",
    }
    signals.all_generators_finalized.connect(frozen)
    try:
        with_them = build_site(content, tmp_path / "with" / "output", **settings)
    finally:
        signals.all_generators_finalized.disconnect(frozen)
    plugins = read_settings(SETTINGS)["PLUGINS"]
    without = [p for p in plugins if p != contract.PAGE_REUSE]
    build_site(content, tmp_path / "without" / "output", PLUGINS=without, **settings)
    built, plain = tree(with_them.output), tree(tmp_path / "without" / "output")
    assert built.keys() == plain.keys()
    assert [name for name in built if built[name] != plain[name]] == []
    assert addresses == {
        slug: f"jankari/{slug}/" for slug in ("gupt", "parichay", "sampark")
    }
    assert "jankari/gupt/index.html" in built
    home = built["index.html"].decode("utf-8")
    assert 'jankari/parichay/"' in home and 'jankari/sampark/"' in home


def outcome(content: Path, output: Path, **overrides) -> dict[str, bytes] | str:
    """What a build of `content` writes, or the kind of error that stops it."""
    try:
        build_site(content, output, **overrides)
    except BuildFailed as e:
        return type(e.__cause__ or e).__name__
    return tree(output)


@pytest.mark.parametrize("slug", ["thana", "khoj"])
def test_a_page_at_another_page_s_address_fares_as_without_the_shortcuts(
    tmp_path, slug
):
    # "thana": the stations' list is written after the site's pages, "khoj":
    # the search page before them. Keeping a page's address must not make
    # Pelican's writer let the page replace (or be skipped for) another one.
    content = new_content(tmp_path, {"2026/10/a.md": note_text(slug="a-suchna")})
    (content / "pages" / "takkar.md").write_text(
        f"title: टक्कर\nslug: {slug}\n\nयह पृष्ठ।\n", encoding="utf-8"
    )
    plugins = read_settings(SETTINGS)["PLUGINS"]
    without = [p for p in plugins if p != contract.PAGE_REUSE]
    plain = outcome(content, tmp_path / "without" / "output", PLUGINS=without)
    assert outcome(content, tmp_path / "with" / "output") == plain

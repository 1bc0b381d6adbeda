"""Page reuse at the writer (plugins/page_reuse/reuse.py), without building
a site: note pages written by Pelican's own writer with a small real theme,
the output swapped in as scripts/build.py does, and written again.

The promises: a note page that would come out the same is a hard link to
the published file, not rendered again; anything that changes what it
prints (its fields, the page's place, site-wide values, the theme), a hand
edit of the published file, a damaged or foreign record, a template reading
a value the key does not hold, or a file system without hard links makes it
rendered; a later write over a linked page never reaches the published
file; records of output folders that are gone are removed. Station pages
(list pages) the same way: a station page is linked until a note it shows,
a note's card, a value it prints or its feed links change; a template
reading a note attribute its key lacks turns their reuse off, with a
warning; a numbered page is always rendered.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from types import MappingProxyType

import pytest
from jinja2 import Environment, FileSystemLoader
from pelican.contents import Article
from pelican.settings import read_settings
from support import SETTINGS, forget_logged_warnings

from plugins.page_reuse.reuse import MANIFEST_FOLDER, PageReuse, ReusingWriter

NOTE_TEMPLATE = "<h1>{{ article.title }}</h1>\n<p>{{ SITENAME }}</p>\n"
A = "2026/10/a/index.html"
B = "2026/10/b/index.html"


class Site:
    """A published output folder, a cache and a theme of one template."""

    def __init__(self, tmp: Path, output: Path | None = None):
        self.tmp = tmp
        self.output = output or tmp / "site" / "output"
        self.cache = tmp / "cache"
        self.theme = tmp / "theme"
        (self.theme / "templates").mkdir(parents=True, exist_ok=True)
        self.set_template(NOTE_TEMPLATE)
        self.settings = read_settings(
            SETTINGS, override={"THEME": str(self.theme), "SITENAME": "बुलेटिन"}
        )
        self.builds = 0

    def set_template(self, text: str) -> None:
        (self.theme / "templates" / "article.html").write_text(text, encoding="utf-8")

    def note(self, slug: str, title: str, **metadata) -> Article:
        return Article(
            "<p>पाठ</p>",
            metadata={"title": title, "slug": slug, **metadata},
            settings=self.settings,
            source_path=f"/content/{slug}.md",
        )

    def start(self) -> tuple[PageReuse, ReusingWriter, Path]:
        """A build's record, its writer and its staging folder."""
        self.builds += 1
        staging = self.output.parent / f".staging-{self.builds}"
        staging.mkdir(parents=True)
        reuse = PageReuse(self.output, self.cache, self.settings)
        writer_class = type("ReusingWriter", (ReusingWriter,), {"reuse": reuse})
        return reuse, writer_class(str(staging), settings=self.settings), staging

    def template(self, name: str = "article.html"):
        env = Environment(loader=FileSystemLoader(self.theme / "templates"))
        return env.get_template(name)

    def build(self, notes: dict[str, Article], context: dict | None = None, **args):
        """Write each note page, save the record, swap the staging folder in."""
        reuse, writer, staging = self.start()
        template = self.template()
        for name, note in notes.items():
            writer.write_file(
                name,
                template,
                self.context(**(context or {})),
                article=note,
                category=None,
                blog=True,
                **args,
            )
        reuse.save()
        swap(staging, self.output)
        return reuse

    def context(self, **values) -> dict:
        """What Pelican hands a template: the settings and site-wide values."""
        return {**self.settings, **values}

    def manifest(self) -> Path:
        [manifest] = (self.cache / MANIFEST_FOLDER).glob("*.json")
        return manifest

    def inode(self, name: str) -> int:
        return (self.output / name).stat().st_ino

    def text(self, name: str) -> str:
        return (self.output / name).read_text(encoding="utf-8")


def swap(staging: Path, output: Path) -> None:
    if output.exists():
        shutil.rmtree(output)
    os.replace(staging, output)


def two_notes(site: Site, b_title: str = "बी की खबर") -> dict[str, Article]:
    return {A: site.note("a", "ए की खबर"), B: site.note("b", b_title)}


def later(path: Path, seconds: int = 5) -> None:
    """Move the file's modification time on, as an editor saving it would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


# ---- reused, and only when nothing it prints changed ----------------------


def test_an_unchanged_note_page_is_a_link_to_the_published_file(tmp_path):
    site = Site(tmp_path)
    first = site.build(two_notes(site))
    assert first.reused == 0
    assert site.text(A) == "<h1>ए की खबर</h1>\n<p>बुलेटिन</p>"
    inodes = site.inode(A), site.inode(B)
    again = site.build(two_notes(site))
    assert again.reused == 2
    assert (site.inode(A), site.inode(B)) == inodes  # the same files, linked
    assert site.text(B) == "<h1>बी की खबर</h1>\n<p>बुलेटिन</p>"
    # and the record of this build names them, so a third build links them too
    assert set(json.loads(site.manifest().read_text("utf-8"))["pages"]) == {A, B}
    assert site.build(two_notes(site)).reused == 2
    assert (site.inode(A), site.inode(B)) == inodes


def test_a_note_whose_title_changed_is_rendered_and_the_others_linked(tmp_path):
    site = Site(tmp_path)
    site.build(two_notes(site))
    a, b = site.inode(A), site.inode(B)
    reuse = site.build(two_notes(site, b_title="बी की सुधरी खबर"))
    assert reuse.reused == 1
    assert site.inode(A) == a and site.inode(B) != b
    assert site.text(B) == "<h1>बी की सुधरी खबर</h1>\n<p>बुलेटिन</p>"


def test_where_and_how_a_page_is_written_is_part_of_its_key(tmp_path):
    site = Site(tmp_path)
    site.build(two_notes(site))
    for args in (
        {"relative_urls": True},
        {"override_output": True},
        {"url": "2026/10/a/"},
        {"template_name": "article"},
    ):
        assert site.build(two_notes(site), **args).reused == 0, args
    # the same arguments again: linked
    assert site.build(two_notes(site), template_name="article").reused == 2


def test_a_setting_or_a_site_wide_value_the_pages_print_renders_every_page(
    tmp_path,
):
    site = Site(tmp_path)
    site.build(two_notes(site))
    assert site.build(two_notes(site), {"pages": ["परिचय"]}).reused == 0
    assert site.build(two_notes(site), {"pages": ["परिचय"]}).reused == 2
    site.settings = {**site.settings, "SITENAME": "नया बुलेटिन"}
    assert site.build(two_notes(site), {"pages": ["परिचय"]}).reused == 0
    assert site.text(A) == "<h1>ए की खबर</h1>\n<p>नया बुलेटिन</p>"
    # where the build writes its output and caches is printed nowhere
    site.settings = {**site.settings, "OUTPUT_PATH": "/elsewhere", "CACHE_PATH": "/c"}
    assert site.build(two_notes(site), {"pages": ["परिचय"]}).reused == 2


def test_site_wide_names_and_jinja_globals_a_template_reads_keep_reuse_on(
    tmp_path, caplog
):
    site = Site(tmp_path)
    site.set_template(
        "<h1>{{ article.title }}</h1>{{ pages|length }}"
        "{% for n in range(2) %}{{ n }}{% endfor %}"
    )
    site.build(two_notes(site), {"pages": ["परिचय"]})
    with caplog.at_level(logging.WARNING):
        assert site.build(two_notes(site), {"pages": ["परिचय"]}).reused == 2
    assert not [m for m in caplog.messages if "page reuse" in m]
    assert site.text(A) == "<h1>ए की खबर</h1>101"


def test_a_note_folder_made_earlier_in_the_build_keeps_its_page_linked(tmp_path):
    site = Site(tmp_path)
    site.build(two_notes(site))
    reuse, writer, staging = site.start()
    # something written into the note's folder before its page (a photo)
    (staging / A).parent.mkdir(parents=True)
    (staging / A).with_name("photo.jpg").write_bytes(b"jpeg")
    template = site.template()
    for name, note in two_notes(site).items():
        writer.write_file(
            name, template, site.context(), article=note, category=None, blog=True
        )
    assert reuse.reused == 2 and reuse.can_link
    assert (staging / A).stat().st_ino == site.inode(A)


def test_a_template_edit_renders_every_page(tmp_path):
    site = Site(tmp_path)
    site.build(two_notes(site))
    site.set_template("<h1 class=note>{{ article.title }}</h1>\n")
    assert site.build(two_notes(site)).reused == 0
    assert site.text(A) == "<h1 class=note>ए की खबर</h1>"


def test_an_edit_in_a_template_overrides_folder_renders_every_page(tmp_path):
    # THEME_TEMPLATES_OVERRIDES: a folder of templates read before the theme's
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "notice.html").write_text("सूचना", encoding="utf-8")
    site = Site(tmp_path)
    site.settings = {**site.settings, "THEME_TEMPLATES_OVERRIDES": [str(overrides)]}
    site.build(two_notes(site))
    assert site.build(two_notes(site)).reused == 2
    (overrides / "notice.html").write_text("नई सूचना", encoding="utf-8")
    assert site.build(two_notes(site)).reused == 0


def test_a_published_page_edited_by_hand_touched_or_removed_is_rendered(tmp_path):
    site = Site(tmp_path)
    site.build(two_notes(site))
    page = site.output / A
    page.write_text("<h1>हाथ से बदला</h1>", encoding="utf-8")
    assert site.build(two_notes(site)).reused == 1
    assert site.text(A) == "<h1>ए की खबर</h1>\n<p>बुलेटिन</p>"
    later(site.output / A)  # same bytes, saved again
    assert site.build(two_notes(site)).reused == 1
    (site.output / B).unlink()
    assert site.build(two_notes(site)).reused == 1
    assert site.text(B) == "<h1>बी की खबर</h1>\n<p>बुलेटिन</p>"
    assert site.build(two_notes(site)).reused == 2


def test_a_page_already_in_the_staging_folder_is_rendered_not_linked(tmp_path):
    site = Site(tmp_path)
    site.build(two_notes(site))
    published = site.inode(A)
    reuse, writer, staging = site.start()
    # a file at the note's place before the note is written (a static file)
    (staging / A).parent.mkdir(parents=True)
    (staging / A).write_text("<p>पहले से</p>", encoding="utf-8")
    template = site.template()
    for name, note in two_notes(site).items():
        writer.write_file(
            name, template, site.context(), article=note, category=None, blog=True
        )
    # that page is rendered over it, the other one still linked
    assert reuse.reused == 1 and reuse.can_link
    assert (staging / A).stat().st_ino != published
    assert (staging / A).read_text(encoding="utf-8") == site.text(A)
    assert (staging / B).stat().st_ino == site.inode(B)


# ---- the record ---------------------------------------------------------------


def test_a_damaged_or_foreign_record_links_nothing(tmp_path):
    site = Site(tmp_path)
    site.build(two_notes(site))
    manifest = site.manifest()
    good = manifest.read_text(encoding="utf-8")
    data = json.loads(good)
    for bad in (
        "{not json",
        json.dumps({**data, "output": str(tmp_path / "other")}),
        json.dumps({**data, "pages": [A, B]}),
    ):
        manifest.write_text(bad, encoding="utf-8")
        assert site.build(two_notes(site)).reused == 0, bad
        # the build's own record replaces it
        assert json.loads(manifest.read_text(encoding="utf-8"))["output"] == str(
            site.output.resolve()
        )
    assert site.build(two_notes(site)).reused == 2


def test_each_output_folder_has_its_own_record(tmp_path):
    here = Site(tmp_path)
    here.build(two_notes(here))
    # a build of the same notes into another folder with the same cache
    there = Site(tmp_path, output=tmp_path / "elsewhere" / "output")
    assert there.build(two_notes(there)).reused == 0
    assert len(list((tmp_path / "cache" / MANIFEST_FOLDER).glob("*.json"))) == 2
    assert here.build(two_notes(here)).reused == 2
    assert there.build(two_notes(there)).reused == 2


def test_records_of_output_folders_that_are_gone_are_removed(tmp_path):
    here = Site(tmp_path)
    here.build(two_notes(here))
    there = Site(tmp_path, output=tmp_path / "elsewhere" / "output")
    there.build(two_notes(there))
    records = tmp_path / "cache" / MANIFEST_FOLDER
    (records / "damaged.json").write_text("{", encoding="utf-8")
    (records / "a-list.json").write_text("[1, 2]", encoding="utf-8")
    (records / "no-output.json").write_text('{"pages": {}}', encoding="utf-8")
    (records / "not-a-folder.json").write_text('{"output": 7}', encoding="utf-8")
    kept = sorted(p.name for p in records.glob("*.json") if p.stem not in STRAYS)
    here.build(two_notes(here))
    # the other folder still exists: its record stays; the stray ones go
    assert sorted(p.name for p in records.glob("*.json")) == kept
    shutil.rmtree(tmp_path / "elsewhere")
    here.build(two_notes(here))
    assert [p.name for p in records.glob("*.json")] == [here.manifest().name]
    assert here.build(two_notes(here)).reused == 2


STRAYS = {"damaged", "a-list", "no-output", "not-a-folder"}


def test_a_theme_edit_saved_during_a_build_leaves_no_record(tmp_path, caplog):
    site = Site(tmp_path)
    site.build(two_notes(site))
    before = site.manifest().read_bytes()
    reuse, writer, staging = site.start()
    template = site.template()
    for name, note in two_notes(site).items():
        writer.write_file(
            name, template, site.context(), article=note, category=None, blog=True
        )
    assert reuse.reused == 2
    (site.theme / "templates" / "base.html").write_text("नया", encoding="utf-8")
    forget_logged_warnings()
    with caplog.at_level(logging.WARNING):
        reuse.save()
    changed = (
        "page reuse: the theme changed during the build; the next build renders "
        "every note page"
    )
    warned = [r.getMessage() for r in caplog.records if "page reuse" in r.message]
    assert warned == [changed]
    assert site.manifest().read_bytes() == before
    swap(staging, site.output)
    assert site.build(two_notes(site)).reused == 0  # the theme's new digest


# ---- pages that are never linked ------------------------------------------


def test_a_template_reading_a_value_the_key_does_not_hold_is_rendered_each_time(
    tmp_path, caplog
):
    site = Site(tmp_path)
    site.set_template("<h1>{{ article.title }} {{ article.author }} {{ recent }}</h1>")
    forget_logged_warnings()
    with caplog.at_level(logging.WARNING):
        first = site.build(two_notes(site), {"recent": "ताज़ा"})
    warnings = [r.getMessage() for r in caplog.records if "page reuse" in r.message]
    assert len(warnings) == 1, warnings  # once a build, not once a page
    assert warnings[0] == (
        "page reuse: off for article.html: it reads article.author, recent, which "
        "the page key does not hold; declare it in plugins/core/contract.py "
        "(HANDED, printed)"
    )
    assert first.written == {}
    assert site.build(two_notes(site), {"recent": "ताज़ा"}).reused == 0
    assert site.text(A) == "<h1>ए की खबर  ताज़ा</h1>"


def test_a_note_with_a_value_that_cannot_be_described_is_rendered(tmp_path, caplog):
    site = Site(tmp_path)
    notes = {A: site.note("a", "ए की खबर", odd=object()), B: site.note("b", "बी")}
    site.build(notes)
    with caplog.at_level(logging.DEBUG, logger="plugins.page_reuse.reuse"):
        reuse = site.build(notes)
    assert reuse.reused == 1 and set(reuse.written) == {B}
    assert site.text(A) == "<h1>ए की खबर</h1>\n<p>बुलेटिन</p>"
    # the developer log says which page and why
    assert f"page reuse: {A}: not reusable (builtins.object)" in caplog.messages, (
        caplog.messages
    )


def test_pages_not_written_as_a_note_or_list_page_are_never_linked(tmp_path):
    site = Site(tmp_path)
    note = site.note("a", "ए की खबर")
    for _ in range(2):
        reuse, writer, staging = site.start()
        template = site.template()
        writer.write_file(A, template, site.context(), article=note, category=None)
        writer.write_file(
            B, template, site.context(), article=note, category=None, blog=True, x=1
        )
        writer.write_file(
            "c/index.html",
            template,
            site.context(),
            paginated={},
            article=note,
            category=None,
            blog=True,
        )
        writer.write_file(
            "", template, site.context(), article=note, category=None, blog=True
        )
        reuse.save()
        swap(staging, site.output)
        assert reuse.reused == 0 and reuse.written == {}
    assert site.text("c/index.html") == "<h1>ए की खबर</h1>\n<p>बुलेटिन</p>"


def test_a_later_write_over_a_linked_page_never_reaches_the_published_file(
    tmp_path,
):
    site = Site(tmp_path)
    site.build(two_notes(site))
    published = (site.output / A).read_bytes()
    reuse, writer, staging = site.start()
    template = site.template()
    note = site.note("a", "ए की खबर")
    writer.write_file(
        A, template, site.context(), article=note, category=None, blog=True
    )
    assert reuse.reused == 1
    assert (staging / A).stat().st_ino == (site.output / A).stat().st_ino
    # a page of the site saved over the note's place (override), as Pelican may
    writer.write_file(
        A, site.template(), site.context(), override_output=True, article=note, page=1
    )
    assert (site.output / A).read_bytes() == published
    assert (staging / A).stat().st_ino != (site.output / A).stat().st_ino
    assert A not in reuse.linked and str(staging / A) not in reuse.linked


def test_without_hard_links_every_page_is_rendered(tmp_path, caplog):
    # /dev/shm is another file system: a hard link from there to here fails
    shm = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        assert shm.stat().st_dev != tmp_path.stat().st_dev
        site = Site(tmp_path, output=shm / "output")
        site.build(two_notes(site))
        reuse, writer, staging = site.start()
        staging.rmdir()
        staging = tmp_path / "staging"
        writer.output_path = str(staging)
        template = site.template()
        with caplog.at_level(logging.INFO, logger="plugins.page_reuse.reuse"):
            for name, note in two_notes(site).items():
                writer.write_file(
                    name,
                    template,
                    site.context(),
                    article=note,
                    category=None,
                    blog=True,
                )
        assert reuse.reused == 0 and not reuse.can_link
        off = [m for m in caplog.messages if "page reuse: off" in m]
        assert len(off) == 1, off
        assert re.fullmatch(
            r"page reuse: off for this build \(\[Errno 18\] Invalid cross-device "
            r"link: '.+' -> '.+'\)",
            off[0],
        ), off
        assert (staging / A).read_text(encoding="utf-8") == site.text(A)
        assert set(reuse.written) == {A, B}  # recorded, for a later build
    finally:
        shutil.rmtree(shm)


@pytest.mark.parametrize("own_feed", [False, True])
def test_a_note_page_keeps_its_feeds_in_its_key(tmp_path, own_feed):
    from plugins.feeds.plan import FeedIndex

    site = Site(tmp_path)
    site.build(two_notes(site), {"FEED_INDEX": FeedIndex(site=())})
    feeds = FeedIndex(site=(), notes={A: ("a-feed",)} if own_feed else {})
    reuse = site.build(two_notes(site), {"FEED_INDEX": feeds})
    assert reuse.reused == (1 if own_feed else 2)


# ---- what a template reads ----------------------------------------------------


def reads(**templates) -> tuple[set[str], set[str], set[str]]:
    from jinja2 import DictLoader

    from plugins.page_reuse.reuse import template_reads

    env = Environment(loader=DictLoader({f"{k}.html": v for k, v in templates.items()}))
    return template_reads(env, "a.html")


def test_template_reads_go_on_past_a_broken_or_repeated_template():
    # the template read first does not parse: it is named, the others read
    attrs, _, unknown = reads(
        a="{% include 'good.html' %}{% include 'bad.html' %}",
        good="{{ article.place }}",
        bad="{% if %}",
    )
    assert attrs == {"place"}
    assert unknown == {"bad.html (TemplateSyntaxError)"}
    # a template included twice is read once, and the others still are
    attrs, _, unknown = reads(
        a="{% include 'y.html' %}{% include 'x.html' %}{% include 'x.html' %}",
        x="{{ article.title }}",
        y="{{ article.thana }}",
    )
    assert (attrs, unknown) == ({"title", "thana"}, set())


def test_template_reads_flag_a_note_handed_where_they_cannot_follow_it():
    assert reads(a="{{ helper(article) }}")[2] == {"article passed to helper()"}
    macro = "{% macro m(x) %}{{ x.title }}{% endmacro %}{{ m(1, article) }}"
    assert reads(a=macro)[2] == {"article passed to m()"}
    # a field chosen at build time: not one the key can name
    attrs, _, unknown = reads(a="{{ article[field] }}")
    assert (attrs, unknown) == ({"[?]"}, set())


# ---- list pages -----------------------------------------------------------------
#
# A station page (listing.html) written as plugins/listings writes it: its
# page variables as keyword arguments, the site's context beside them.

LIST_TEMPLATE = (
    "<h1>{{ listing.name }}</h1>"
    "{% for note in listing.notes %}<li>{{ note.title }}|{{ note.card_html }}</li>"
    "{% endfor %}"
    "{% for link in FEED_INDEX.for_page(output_file) %}<link href='{{ link }}'>"
    "{% endfor %}"
    "<p>{{ SITENAME }} {{ menu|join(',') }}</p>"
)
NAMLI = "thana/namli/index.html"
ALOT = "thana/alot/index.html"


def list_notes(site: Site, b_title: str = "बी की खबर") -> dict:
    notes = two_notes(site, b_title)
    notes[ALOT] = site.note("c", "सी की खबर")
    for note in notes.values():
        note.card_html = f"<div>{note.title}</div>"
    return notes


def stations(notes: dict, namli_name: str = "नामली") -> dict:
    """The page variables of the two station pages."""
    from plugins.listings.pages import Listing

    return {
        NAMLI: {
            "listing": Listing(
                "thana", namli_name, "thana/namli/", "", (notes[A], notes[B])
            )
        },
        ALOT: {"listing": Listing("thana", "आलोट", "thana/alot/", "", (notes[ALOT],))},
    }


def build_lists(
    site: Site,
    pages: dict,
    context: dict | None = None,
    template: str = "",
    note_pages: dict | None = None,
) -> PageReuse:
    """Write each note page (`note_pages`) and list page, save the record,
    swap the staging folder in."""
    from plugins.feeds.plan import FeedIndex

    (site.theme / "templates" / "listing.html").write_text(
        template or LIST_TEMPLATE, encoding="utf-8"
    )
    values = {"menu": ["परिचय"], "FEED_INDEX": FeedIndex(site=("site.xml",))}
    reuse, writer, staging = site.start()
    for name, note in (note_pages or {}).items():
        writer.write_file(
            name,
            site.template(),
            site.context(**{**values, **(context or {})}),
            article=note,
            category=None,
            blog=True,
        )
    for name, variables in pages.items():
        writer.write_file(
            name,
            site.template("listing.html"),
            site.context(**{**values, **(context or {})}),
            url=name.removesuffix("index.html"),
            **variables,
        )
    reuse.save()
    swap(staging, site.output)
    return reuse


def test_an_unchanged_list_page_is_a_link_to_the_published_file(tmp_path):
    site = Site(tmp_path)
    first = build_lists(site, stations(list_notes(site)))
    assert (first.lists_reused, first.reused) == (0, 0)
    assert site.text(NAMLI) == (
        "<h1>नामली</h1><li>ए की खबर|<div>ए की खबर</div></li>"
        "<li>बी की खबर|<div>बी की खबर</div></li><link href='site.xml'>"
        "<p>बुलेटिन परिचय</p>"
    )
    inodes = site.inode(NAMLI), site.inode(ALOT)
    again = build_lists(site, stations(list_notes(site)))
    # counted apart from note pages, which the build reports
    assert (again.lists_reused, again.reused) == (2, 0)
    assert (site.inode(NAMLI), site.inode(ALOT)) == inodes
    assert set(json.loads(site.manifest().read_text("utf-8"))["pages"]) == {
        NAMLI,
        ALOT,
    }
    assert build_lists(site, stations(list_notes(site))).lists_reused == 2


def test_a_list_page_showing_an_edited_note_is_rendered_and_the_others_linked(
    tmp_path,
):
    site = Site(tmp_path)
    build_lists(site, stations(list_notes(site)))
    namli, alot = site.inode(NAMLI), site.inode(ALOT)
    reuse = build_lists(site, stations(list_notes(site, b_title="बी की सुधरी खबर")))
    assert reuse.lists_reused == 1
    assert site.inode(ALOT) == alot and site.inode(NAMLI) != namli
    assert "<li>बी की सुधरी खबर|<div>बी की सुधरी खबर</div></li>" in site.text(NAMLI)


def test_a_note_card_or_a_field_outside_the_card_changed_renders_its_lists(
    tmp_path,
):
    site = Site(tmp_path)
    build_lists(site, stations(list_notes(site)))
    notes = list_notes(site)
    notes[B].card_html = "<div>नया कार्ड</div>"
    assert build_lists(site, stations(notes)).lists_reused == 1
    assert "<li>बी की खबर|<div>नया कार्ड</div></li>" in site.text(NAMLI)
    # a station's name printed by the page
    reuse = build_lists(site, stations(notes, namli_name="नामली थाना"))
    assert reuse.lists_reused == 1
    assert site.text(NAMLI).startswith("<h1>नामली थाना</h1>")
    # a title printed beside a card that stayed the same
    edited = list_notes(site, b_title="बी की सुधरी खबर")
    edited[B].card_html = "<div>नया कार्ड</div>"
    reuse = build_lists(site, stations(edited, namli_name="नामली थाना"))
    assert reuse.lists_reused == 1
    assert "<li>बी की सुधरी खबर|<div>नया कार्ड</div></li>" in site.text(NAMLI)


def test_a_list_page_printing_notes_from_the_site_follows_their_edits(tmp_path):
    # notes handed to every page (the latest ones, beside the station's),
    # after their own pages were written in the same build
    site = Site(tmp_path)
    template = (
        "{% for n in latest %}{{ n.title }}{{ n.card_html }};{% endfor %}"
        "{{ listing.name }}"
    )

    def build(notes: dict) -> PageReuse:
        latest = {"latest": [notes[B], notes[A]]}
        own = {A: notes[A], B: notes[B]}
        return build_lists(site, stations(notes), latest, template, own)

    build(list_notes(site))
    again = build(list_notes(site))
    assert (again.reused, again.lists_reused) == (2, 2)
    reuse = build(list_notes(site, b_title="बी की सुधरी खबर"))
    assert (reuse.reused, reuse.lists_reused) == (1, 0)
    assert site.text(ALOT) == (
        "बी की सुधरी खबर<div>बी की सुधरी खबर</div>;ए की खबर<div>ए की खबर</div>;आलोट"
    )
    # only a card changed (its photo, say): the note page is linked, not the lists
    notes = list_notes(site, b_title="बी की सुधरी खबर")
    notes[B].card_html = "<div>फ़ोटो</div>"
    reuse = build(notes)
    assert (reuse.reused, reuse.lists_reused) == (2, 0)
    assert site.text(NAMLI).startswith("बी की सुधरी खबर<div>फ़ोटो</div>;")


def test_a_note_without_a_card_on_a_list_page_keeps_it_reusable(tmp_path):
    # every note handed to a page, also one no list shows (no card made)
    site = Site(tmp_path)
    template = "{% for n in everything %}{{ n.title }};{% endfor %}"
    notes = list_notes(site)
    del notes[ALOT].card_html
    pages = stations(notes)
    everything = {"everything": list(notes.values())}
    build_lists(site, pages, everything, template)
    assert build_lists(site, pages, everything, template).lists_reused == 2
    assert site.text(ALOT) == "ए की खबर;बी की खबर;सी की खबर;"


def test_a_value_the_list_pages_print_renders_them_and_one_they_do_not_keeps_them(
    tmp_path,
):
    site = Site(tmp_path)
    pages = stations(list_notes(site))
    build_lists(site, pages, {"unread": 1})
    assert build_lists(site, pages, {"unread": 2}).lists_reused == 2
    assert build_lists(site, pages, {"menu": ["परिचय", "संपर्क"]}).lists_reused == 0
    assert site.text(ALOT).endswith("<p>बुलेटिन परिचय,संपर्क</p>")
    assert build_lists(site, pages, {"menu": ["परिचय", "संपर्क"]}).lists_reused == 2
    site.settings = {**site.settings, "SITENAME": "नया बुलेटिन"}
    assert build_lists(site, pages, {"menu": ["परिचय", "संपर्क"]}).lists_reused == 0
    assert site.text(ALOT).endswith("<p>नया बुलेटिन परिचय,संपर्क</p>")


def test_a_list_page_keeps_its_feed_links_in_its_key(tmp_path):
    from plugins.feeds.plan import FeedIndex

    site = Site(tmp_path)
    pages = stations(list_notes(site))
    build_lists(site, pages)
    feeds = FeedIndex(site=("site.xml",), listings={"thana/namli/": ("namli.xml",)})
    reuse = build_lists(site, pages, {"FEED_INDEX": feeds})
    assert reuse.lists_reused == 1
    assert "<link href='site.xml'><link href='namli.xml'>" in site.text(NAMLI)
    assert build_lists(site, pages, {"FEED_INDEX": feeds}).lists_reused == 2


def test_a_listing_read_only_by_its_name_keeps_its_page_when_a_note_joins(tmp_path):
    # a directory line or a heading printing the listing's name only: a new
    # note in the listing changes nothing the page prints
    site = Site(tmp_path)
    notes = list_notes(site)
    heading = "<h1>{{ listing.name }}</h1>"
    build_lists(site, stations(notes), template=heading)
    more = stations(notes)
    more[ALOT]["listing"] = more[NAMLI]["listing"].__class__(
        "thana", "आलोट", "thana/alot/", "", (notes[ALOT], notes[A])
    )
    assert build_lists(site, more, template=heading).lists_reused == 2
    # read whole (handed to a macro under another name): every part counts
    whole = "{% macro head(l) %}<h1>{{ l.name }}</h1>{% endmacro %}{{ head(listing) }}"
    build_lists(site, stations(notes), template=whole)
    assert build_lists(site, stations(notes), template=whole).lists_reused == 2
    assert build_lists(site, more, template=whole).lists_reused == 1
    assert site.text(ALOT) == "<h1>आलोट</h1>"
    # the cards of the notes in a listing read whole
    cards = (
        "{% macro cards(l) %}{% for n in l.notes %}{{ n.card_html }}{% endfor %}"
        "{% endmacro %}{{ cards(listing) }}"
    )
    build_lists(site, stations(notes), template=cards)
    notes[A].card_html = "<div>नया कार्ड</div>"
    reuse = build_lists(site, stations(notes), template=cards)
    assert reuse.lists_reused == 1
    assert site.text(NAMLI) == "<div>नया कार्ड</div><div>बी की खबर</div>"


def test_a_list_template_reading_what_its_key_lacks_is_rendered_each_time(
    tmp_path, caplog
):
    site = Site(tmp_path)
    pages = stations(list_notes(site))
    template = LIST_TEMPLATE.replace(
        "{{ note.title }}", "{{ note.author }}{{ note.place_of_birth }}"
    )
    forget_logged_warnings()
    with caplog.at_level(logging.WARNING):
        first = build_lists(site, pages, template=template)
    warnings = [r.getMessage() for r in caplog.records if "page reuse" in r.message]
    off = (
        "page reuse: off for listing.html: it reads note.author, "
        "note.place_of_birth, which the page key does not hold"
    )
    assert warnings == [off]  # once a build, not once a page
    assert first.written == {}
    assert build_lists(site, pages, template=template).lists_reused == 0


def test_a_list_page_with_a_value_that_cannot_be_described_is_rendered(
    tmp_path, caplog
):
    site = Site(tmp_path)
    pages = stations(list_notes(site))
    build_lists(site, pages, {"menu": [object()]})
    with caplog.at_level(logging.DEBUG, logger="plugins.page_reuse.reuse"):
        reuse = build_lists(site, pages, {"menu": [object()]})
    assert reuse.lists_reused == 0 and reuse.written == {}
    assert f"page reuse: {NAMLI}: not reusable (builtins.object)" in caplog.messages


def test_a_numbered_list_page_is_never_linked(tmp_path):
    site = Site(tmp_path)
    notes = list_notes(site)
    for _ in range(2):
        reuse, writer, staging = site.start()
        (site.theme / "templates" / "listing.html").write_text(
            "<h1>{{ listing.name }}</h1>", encoding="utf-8"
        )
        writer.write_file(
            "thana/namli/page/2/index.html",
            site.template("listing.html"),
            site.context(),
            paginated={},
            **stations(notes)[NAMLI],
        )
        reuse.save()
        swap(staging, site.output)
        assert (reuse.lists_reused, reuse.written) == (0, {})


def test_a_list_page_printing_other_listings_feeds_follows_them(tmp_path):
    # a directory of stations printing each station's feed links
    from plugins.feeds.plan import FeedIndex

    site = Site(tmp_path)
    pages = stations(list_notes(site))
    directory = (
        "{% for url, links in FEED_INDEX.listings.items() %}"
        "{{ url }}:{{ links|join(',') }};{% endfor %}"
    )
    # read-only, as plugins/feeds hands it
    before = FeedIndex((), listings=MappingProxyType({"thana/alot/": ("alot.xml",)}))
    build_lists(site, pages, {"FEED_INDEX": before}, template=directory)
    assert (
        build_lists(
            site, pages, {"FEED_INDEX": before}, template=directory
        ).lists_reused
        == 2
    )
    two = ("alot.xml", "alot2.xml")
    after = FeedIndex((), listings=MappingProxyType({"thana/alot/": two}))
    reuse = build_lists(site, pages, {"FEED_INDEX": after}, template=directory)
    assert reuse.lists_reused == 0
    assert site.text(NAMLI) == "thana/alot/:alot.xml,alot2.xml;"
    # the same links under another station's URL
    moved = FeedIndex((), listings=MappingProxyType({"thana/jaora/": two}))
    reuse = build_lists(site, pages, {"FEED_INDEX": moved}, template=directory)
    assert reuse.lists_reused == 0
    assert site.text(NAMLI) == "thana/jaora/:alot.xml,alot2.xml;"
    assert (
        build_lists(site, pages, {"FEED_INDEX": moved}, template=directory).lists_reused
        == 2
    )


@pytest.mark.parametrize(
    "template",
    [
        # a macro's parameter of the same name, then a read of its own
        (
            "{% macro head(listing) %}<h1>{{ listing.url }}</h1>{% endmacro %}"
            "{{ head(listing) }}{{ listing.name }}"
        ),
        # handed to a macro by keyword, or past its parameters
        "{% macro head(l) %}{{ l.name }}{% endmacro %}{{ head(l=listing) }}",
        "{% macro head(x) %}{{ varargs[0].name }}{% endmacro %}{{ head(1, listing) }}",
        # handed to a function that is no macro of the theme
        "{% set names = cycler(listing) %}{{ names.next().name }}",
        # a page variable looped over
        "{% for note in notes %}{{ note.title }}{% endfor %}{{ listing.name }}",
        # an attribute the listing does not have
        "{{ listing.photo }}{{ listing.name }}",
    ],
)
def test_a_list_page_variable_used_any_way_is_keyed_on_what_it_prints(
    tmp_path, template
):
    site = Site(tmp_path)
    notes = list_notes(site)

    def pages(namli_name: str = "नामली") -> dict:
        found = stations(notes, namli_name)
        for variables in found.values():
            variables["notes"] = variables["listing"].notes
        return found

    build_lists(site, pages(), template=template)
    assert build_lists(site, pages(), template=template).lists_reused == 2
    reuse = build_lists(site, pages("नामली थाना"), template=template)
    assert reuse.lists_reused == 1
    assert "नामली थाना" in site.text(NAMLI)


def test_two_feed_link_calls_keep_a_list_template_reusable():
    from jinja2 import DictLoader

    from plugins.page_reuse.reuse import list_unlisted_reads

    twice = "{% for f in FEED_INDEX.for_page(output_file) %}{{ f }}{% endfor %}"
    env = Environment(loader=DictLoader({"a.html": twice + "<hr>" + twice}))
    assert list_unlisted_reads(env, "a.html") == []

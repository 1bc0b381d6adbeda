"""A rebuild links unchanged note pages from the last build instead of
rendering them, and the site it makes is, file for file, the site a clean
build makes — after every kind of edit a reporter or an editor makes."""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pelican import signals
from PIL import Image
from support import ROOT, build_site, note_text, touch_later, tree

from plugins.core import contract, packed
from plugins.core.describe import Unstable, stable
from plugins.core.errors import BuildFailed
from plugins.feeds.render import ENTRY_ONLY_READS
from plugins.page_reuse import reuse
from plugins.page_reuse.reuse import (
    MANIFEST_FOLDER,
    READABLE,
    list_unlisted_reads,
    load_templates,
    macro_params,
    narrowed,
    template_reads,
    variable_reads,
)

pytestmark = [pytest.mark.build, pytest.mark.slow]

NOTES = 20  # notes in content/notes
ALOT_NOTE = "2026/09/alot-avaidh-sharab-jabt/index.html"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    touch_later(path)


class Bulletin:
    """The sample content and theme in a temp folder, built again and again."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.content = tmp / "content"
        self.theme = tmp / "theme"
        shutil.copytree(ROOT / "content", self.content)
        shutil.copytree(ROOT / "theme", self.theme)
        self.output = tmp / "site" / "output"
        # the full build's page reuse: edits of one note would take the fast
        # path (scripts/fast_build.py), which tests/test_fast_path.py checks
        self.overrides = {
            "THEME": str(self.theme),
            "STATIC_PATHS": ["images"],
            "FAST_PATH": False,
        }

    def rebuild(self, **overrides):
        self.overrides.update(overrides)
        return build_site(self.content, self.output, **self.overrides)

    def clean(self) -> Path:
        """A build with no earlier output or caches, into its own folder."""
        shutil.rmtree(self.tmp / "clean", ignore_errors=True)
        output = self.tmp / "clean" / "output"
        result = build_site(self.content, output, **self.overrides)
        assert result.reused == 0
        return output

    def check(self, reused: int, **overrides) -> None:
        """Rebuild; `reused` note pages were linked; same files as a clean build."""
        result = self.rebuild(**overrides)
        assert result.reused == reused
        built, clean = tree(self.output), tree(self.clean())
        assert built.keys() == clean.keys()
        differ = [name for name in built if built[name] != clean[name]]
        assert differ == [], "a rebuild kept pages a clean build makes differently"


@pytest.fixture
def bulletin(tmp_path) -> Bulletin:
    site = Bulletin(tmp_path)
    assert site.rebuild().reused == 0
    return site


@pytest.fixture
def templates_read(monkeypatch) -> list[str]:
    """The templates page reuse reads to ask what they read, as it reads
    them (none when its answers are kept)."""
    read, load = [], reuse.load_templates

    def counted(env, name, parsed=None):
        read.append(name)
        return load(env, name, parsed)

    monkeypatch.setattr(reuse, "load_templates", counted)
    return read


def test_unchanged_notes_are_linked_and_a_new_note_is_rendered(
    bulletin, templates_read
):
    bulletin.check(reused=NOTES)
    # the pages are links to the files of the last build, not copies
    page = bulletin.output / ALOT_NOTE
    first = page.stat().st_ino
    templates_read.clear()
    bulletin.rebuild()
    assert page.stat().st_ino == first
    # what the templates read was kept, not read again
    assert templates_read == []

    new = bulletin.content / "notes/2026/11/namli-naya.md"
    new.write_text(note_text(slug="namli-naya", date="2026-11-20 09:00"), "utf-8")
    bulletin.check(reused=NOTES)
    assert (bulletin.output / "2026/11/namli-naya/index.html").is_file()

    edit(new, "वाहन चालकों को यातायात", "दोपहिया चालकों को यातायात")
    bulletin.check(reused=NOTES)

    new.unlink()
    bulletin.check(reused=NOTES)
    assert not (bulletin.output / "2026/11/namli-naya").exists()


@pytest.mark.parametrize("room_first", [True, False])
def test_note_pages_are_reused_whether_or_not_the_spill_had_room(
    tmp_path, monkeypatch, room_first
):
    """A note's texts kept in the spill file or, where it has no room,
    compressed in memory give the same page key: an unchanged note's page
    is linked from a build that kept them the other way.
    """
    room, no_room = packed.SPILL_ROOM, 2**62  # no_room: more than a disk has
    site = Bulletin(tmp_path)
    monkeypatch.setattr(packed, "SPILL_ROOM", room if room_first else no_room)
    assert site.rebuild().reused == 0
    monkeypatch.setattr(packed, "SPILL_ROOM", no_room if room_first else room)
    site.check(NOTES)


def test_registry_edits_render_the_notes_they_touch(bulletin):
    edit(
        bulletin.content / "registry/thanas.toml",
        'slug = "alot"',
        'slug = "alot-thana"',
    )
    bulletin.check(reused=NOTES - 1)
    edit(bulletin.content / "registry/categories.toml", '"yatayat"', '"traffic"')
    bulletin.check(reused=NOTES - 3)


def test_site_wide_changes_render_every_note(bulletin):
    # a page in the menu renamed
    edit(bulletin.content / "pages/parichay.md", "title: परिचय", "title: हमारा परिचय")
    bulletin.check(reused=0)
    # a template edited
    edit(
        bulletin.theme / "templates/article.html",
        '<article class="note"{%',
        '<article class="note n"{%',
    )
    bulletin.check(reused=0)
    # a UI translation edited
    po = bulletin.theme / "translations/hi/LC_MESSAGES/messages.po"
    edit(po, 'msgstr "टैग"', 'msgstr "टैग सूची"')
    bulletin.check(reused=0)
    # a setting changed
    bulletin.check(reused=0, SITEURL="https://ratlam.example")


def test_a_new_photo_or_a_hand_edited_page_is_rendered_again(bulletin):
    photo = bulletin.content / "images/2026/09/alot-sharab-jabt.jpg"
    Image.new("RGB", (320, 200), "gray").save(photo)
    touch_later(photo)
    bulletin.check(reused=NOTES - 1)

    page = bulletin.output / ALOT_NOTE
    page.write_bytes(page.read_bytes() + b"<!-- hand edit -->")
    bulletin.check(reused=NOTES - 1)


def manifests(bulletin: Bulletin) -> list[Path]:
    # in the reader cache's folder (named after the code and settings)
    cache = bulletin.output.parent / "cache"
    return sorted(cache.glob(f"*/{MANIFEST_FOLDER}/*.json"))


def test_a_failed_build_keeps_the_record_of_the_published_pages(bulletin):
    [manifest] = manifests(bulletin)
    before = json.loads(manifest.read_text(encoding="utf-8"))
    notes = [
        n for n in before["pages"] if re.fullmatch(r"\d{4}/\d\d/[^/]+/index.html", n)
    ]
    assert len(notes) == NOTES
    assert set(ALOT_LISTS) <= before["pages"].keys()  # and the list pages
    bad = bulletin.content / "notes/2026/11/galat.md"
    bad.write_text(note_text(slug="galat", thana="अज्ञात"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        bulletin.rebuild()
    assert json.loads(manifest.read_text(encoding="utf-8")) == before
    bad.unlink()
    bulletin.check(reused=NOTES)


def test_a_template_reading_an_unlisted_value_turns_reuse_off(bulletin, caplog):
    edit(
        bulletin.theme / "templates/article.html",
        '<div class="content" data-content>',
        '{{ article.author }} {{ articles|length }}<div class="content" data-content>',
    )
    bulletin.check(reused=0)
    assert "page reuse: off for article.html" in caplog.text
    assert "article.author" in caplog.text and "articles" in caplog.text
    bulletin.check(reused=0)


def reads(**templates) -> tuple[set[str], set[str], set[str]]:
    from jinja2 import DictLoader, Environment

    env = Environment(loader=DictLoader({f"{k}.html": v for k, v in templates.items()}))
    return template_reads(env, "a.html")


def test_template_reads_sees_through_macros_imports_and_blocks():
    attrs, names, unknown = reads(
        base="{{ SITENAME }}{% block b %}{% endblock %}{{ menu }}",
        m="{% macro pill(note) %}{{ note.thana }}{% endmacro %}",
        a=(
            "{% extends 'base.html' %}{% from 'm.html' import pill as p %}"
            "{% set x = 1 %}{% block b %}{{ p(article) }}"
            "{{ article['title'] }}{{ x }}{{ recent }}"
            "{% if article %}{{ article.date if article }}{% endif %}"
            "{% include 'optional.html' ignore missing %}{% endblock %}"
        ),
    )
    assert attrs == {"thana", "title", "date"}
    assert names == {"SITENAME", "menu", "article", "recent"}
    assert unknown == set()


@pytest.mark.parametrize(
    ("template", "unknown"),
    [
        ("{% set x = article %}{{ x.secret }}", "article used whole (Assign)"),
        ("{% for t in article %}{{ t }}{% endfor %}", "article used whole (For)"),
        ("{{ article|tojson }}", "article used whole (Filter)"),
        (
            (
                "{% macro v(entry) %}{{ entry.translations }}{% endmacro %}"
                "{{ v(article) }}"
            ),
            "article passed to v()",
        ),
        ("{{ helper(note=article) }}", "article used whole (Keyword)"),
        ("{% include name %}", "a template named at build time in a.html"),
    ],
)
def test_template_reads_flags_what_it_cannot_follow(template, unknown):
    assert unknown in reads(a=template)[2]


def test_stable_descriptions():
    assert stable({"b": {2, 1}, "a": [None, 1.5]}) == stable(
        {"a": [None, 1.5], "b": {1, 2}}
    )
    assert stable(Path("x")) == stable("x")
    with pytest.raises(Unstable):
        stable(object())
    with pytest.raises(Unstable):
        stable({"k": [object()]})


def test_a_function_is_described_by_its_code_not_only_its_name():
    """A filter in pelicanconf.py whose body changes changes every page key."""
    first: dict = {}
    second: dict = {}
    exec("def mark(text):\n    return text + ' [v1]'", first)
    exec("def mark(text):\n    return text + ' [v2]'", second)
    again: dict = {}
    exec("def mark(text):\n    return text + ' [v1]'", again)
    assert stable(first["mark"]) != stable(second["mark"])
    assert stable(first["mark"]) == stable(again["mark"])


def test_the_settings_are_described_alike_in_every_process():
    code = (
        "import hashlib; from pelican.settings import read_settings;"
        "from plugins.core.describe import stable;"
        "s = stable(read_settings('pelicanconf.py'));"
        "print(hashlib.sha256(s.encode()).hexdigest())"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(seen) == 1


def test_a_failed_build_never_writes_through_a_reused_page(bulletin):
    """A page written over a note's path (override) in a build that then fails
    must not touch the published note: reused pages are links to it."""
    published = bulletin.output / ALOT_NOTE
    before = published.read_bytes()
    pages = bulletin.content / "pages"
    (pages / "suchna.md").write_text(
        f"title: सूचना\nslug: suchna\nstatus: hidden\nsave_as: {ALOT_NOTE}\n\n"
        "यह विज्ञप्ति वापस ली गई।\n",
        encoding="utf-8",
    )
    (pages / "tuta.md").write_text("title: टूटा\ndate: कल\n\nपाठ\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        bulletin.rebuild()
    assert published.read_bytes() == before


def test_a_build_into_another_folder_keeps_this_folders_record(bulletin):
    """`invoke share --dry-run` builds into a temporary folder."""
    other = bulletin.tmp / "elsewhere" / "output"
    build_site(
        bulletin.content,
        other,
        CACHE_PATH=str(bulletin.output.parent / "cache"),
        **bulletin.overrides,
    )
    assert len(manifests(bulletin)) == 2
    shutil.rmtree(other)
    bulletin.check(reused=NOTES)
    # the record of the folder that is gone was removed
    assert len(manifests(bulletin)) == 1


def test_a_theme_edit_saved_during_a_build_and_undone_renders_every_page(bulletin):
    """Pages made with a template saved while the build ran must not be kept
    as made with the template from before, even once the edit is undone."""
    po = bulletin.theme / "translations/hi/LC_MESSAGES/messages.po"
    original = po.read_text(encoding="utf-8")

    def editor_saves(_pelican):  # after the build took its keys, before templates
        edit(po, 'msgstr "टैग"', 'msgstr "टैग सूची"')

    for manifest in manifests(bulletin):
        manifest.unlink()  # so that this build renders every note page
    signals.initialized.connect(editor_saves)
    try:
        bulletin.rebuild()
    finally:
        signals.initialized.disconnect(editor_saves)
    page = (bulletin.output / ALOT_NOTE).read_text(encoding="utf-8")
    assert "टैग सूची" in page, "the edit reached the pages of that build"
    po.write_text(original, encoding="utf-8")
    touch_later(po, 10)
    bulletin.check(reused=0)


SERVE_LIKE = """
import sys
from pathlib import Path
from scripts.build import build
overrides = {"OUTPUT_PATH": sys.argv[1], "CACHE_PATH": sys.argv[1] + "-cache"}
build("pelicanconf.py", overrides)
# a developer edits a plugin while `make serve` runs, then saves a note
dates = Path("plugins/hindi_text/dates.py")
text = dates.read_text(encoding="utf-8")
edited = text.replace('{day.year}, "', '{day.year} — "')
assert edited != text
dates.write_text(edited, encoding="utf-8")
print(build("pelicanconf.py", overrides).reused)
"""
BUILD = """
import sys
from scripts.build import build

overrides = {"OUTPUT_PATH": sys.argv[1], "CACHE_PATH": sys.argv[1] + "-cache"}
print(build("pelicanconf.py", overrides).reused)
"""


def test_pages_are_filed_under_the_code_that_made_them(tmp_path):
    """A long-running process keeps the code it imported: pages it makes
    after a plugin edit are not taken for pages of the new code."""
    repo = tmp_path / "repo"
    for part in ("plugins", "scripts", "theme", "content"):
        shutil.copytree(
            ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pelicanconf.py", repo)

    def run(code: str, output: Path) -> int:
        done = subprocess.run(
            [sys.executable, "-c", code, str(output)],
            cwd=repo,
            env={**os.environ, "PYTHONPATH": str(repo)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return int(done.stdout.split()[-1])

    output = tmp_path / "site" / "output"
    assert run(SERVE_LIKE, output) == NOTES  # old code, old pages: reused
    assert run(BUILD, output) == 0  # the new code renders every page
    run(BUILD, tmp_path / "clean" / "output")
    assert tree(output) == tree(tmp_path / "clean" / "output")


@pytest.mark.parametrize("loop_first", [True, False])
def test_template_reads_go_on_past_a_loop_over_other_notes(loop_first):
    # a note page listing related notes as `note` and printing its own
    # summary: the summary is still a field the page depends on
    loop = "{% for note in related %}{{ note.title }}{% endfor %}"
    own = "{{ article.summary }}"
    attrs, _, unknown = reads(a=loop + own if loop_first else own + loop)
    assert "summary" in attrs and unknown == set()


ALOT_LISTS = (  # the list pages that show the Alot note's card
    "thana/alot/index.html",
    "shreni/baramadgi/index.html",
    "tag/nakabandi/index.html",
    "2026/09/index.html",
)
OTHER_LIST = "thana/namli/index.html"  # a station page without it


def inodes(output: Path, names) -> dict[str, int]:
    return {name: (output / name).stat().st_ino for name in names}


def test_list_pages_showing_an_edited_note_are_rendered_again(bulletin):
    names = (*ALOT_LISTS, OTHER_LIST)
    bulletin.check(reused=NOTES)
    before = inodes(bulletin.output, names)
    # unchanged list pages are links to the published files
    bulletin.rebuild()
    assert inodes(bulletin.output, names) == before

    note = bulletin.content / "notes/2026/09/alot-avaidh-sharab-jabt.md"
    edit(note, "title: आलोट पुलिस की कार्यवाही", "title: आलोट पुलिस की बड़ी कार्यवाही")
    bulletin.check(reused=NOTES - 1)
    after = inodes(bulletin.output, names)
    assert after[OTHER_LIST] == before[OTHER_LIST]
    for name in ALOT_LISTS:
        assert after[name] != before[name], f"{name} was linked with the old title"
        page = (bulletin.output / name).read_text(encoding="utf-8")
        assert "आलोट पुलिस की बड़ी कार्यवाही" in page


def test_a_list_page_edited_by_hand_is_rendered_again(bulletin):
    page = bulletin.output / OTHER_LIST
    first = page.read_bytes()
    page.write_bytes(first + b"<!-- hand edit -->")
    bulletin.check(reused=NOTES)
    assert page.read_bytes() == first


ALOT_FEEDS = tuple(  # feeds holding the Alot note
    f"feeds/{name}.{fmt}.xml"
    for name in ("all", "jila/ratlam", "thana/alot", "shreni/baramadgi")
    for fmt in ("rss", "atom")
)
OTHER_FEEDS = ("feeds/thana/namli.rss.xml", "feeds/thana/namli.atom.xml")


def test_feeds_showing_an_edited_note_are_rendered_again_the_others_linked(bulletin):
    names = (*ALOT_FEEDS, *OTHER_FEEDS)
    bulletin.check(reused=NOTES)
    before = inodes(bulletin.output, names)
    # unchanged feeds are links to the published files
    bulletin.rebuild()
    assert inodes(bulletin.output, names) == before

    note = bulletin.content / "notes/2026/09/alot-avaidh-sharab-jabt.md"
    edit(note, "title: आलोट पुलिस की कार्यवाही", "title: आलोट पुलिस की बड़ी कार्यवाही")
    bulletin.check(reused=NOTES - 1)
    after = inodes(bulletin.output, names)
    for name in OTHER_FEEDS:
        assert after[name] == before[name], f"{name} was rendered again"
    for name in ALOT_FEEDS:
        assert after[name] != before[name], f"{name} was linked with the old title"
        feed = (bulletin.output / name).read_text(encoding="utf-8")
        assert "आलोट पुलिस की बड़ी कार्यवाही" in feed

    # the photo's byte size is in the feed's enclosure, not in the note
    photo = bulletin.content / "images/2026/09/alot-sharab-jabt.jpg"
    Image.new("RGB", (320, 200), "gray").save(photo)
    touch_later(photo)
    bulletin.check(reused=NOTES - 1)
    assert inodes(bulletin.output, OTHER_FEEDS) == {n: after[n] for n in OTHER_FEEDS}

    # a feed edited by hand is rendered again
    feed = bulletin.output / OTHER_FEEDS[0]
    first = feed.read_bytes()
    feed.write_bytes(first + b"<!-- hand edit -->")
    bulletin.check(reused=NOTES)
    assert feed.read_bytes() == first


def note_reads_in(source: str) -> set[str]:
    """Attributes a module reads on a note: `note.x`, getattr(note, "x"),
    getattr(note, c.X) (a contract name), or "?" for a name it cannot follow.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "note"
        ):
            found.add(node.attr)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "note"
        ):
            arg = node.args[1]
            if isinstance(arg, ast.Constant):
                found.add(arg.value)
            elif isinstance(arg, ast.Attribute) and hasattr(contract, arg.attr):
                found.add(getattr(contract, arg.attr))
            else:
                found.add("?")
    return found


def test_a_feed_reads_on_a_note_only_what_its_reuse_key_holds():
    """A feed is linked when its key is unchanged: what its entries read on
    a note must be in the note's description (metadata, printed fields) or
    listed in ENTRY_ONLY_READS, which feed_inputs adds."""
    keyed = READABLE | set(ENTRY_ONLY_READS)
    for module in ("render.py", "ids.py"):
        source = (ROOT / "plugins" / "feeds" / module).read_text(encoding="utf-8")
        reads = note_reads_in(source)
        if module == "render.py":
            # its loop over ("title", "reporter", "summary_text", "content")
            # naming a field that holds a control character (writes nothing)
            reads.discard("?")
        assert reads, module
        assert reads <= keyed, (module, sorted(reads - keyed))
    assert note_reads_in("x = getattr(note, name)") == {"?"}
    assert note_reads_in("x = note.secret") - keyed == {"secret"}


def test_a_list_template_reading_an_unlisted_value_turns_reuse_off(bulletin, caplog):
    edit(
        bulletin.theme / "templates/listing.html",
        "{% for note in notes %}",
        "{{ FEED_INDEX.notes|length }}{% for note in notes %}{{ note.author }}",
    )
    names = (OTHER_LIST,)
    bulletin.check(reused=0)
    before = inodes(bulletin.output, names)
    bulletin.check(reused=NOTES)
    assert "page reuse: off for listing.html" in caplog.text
    assert "note.author" in caplog.text and "FEED_INDEX" in caplog.text
    assert inodes(bulletin.output, names) != before


def env_of(**templates):
    from jinja2 import DictLoader, Environment

    return Environment(
        loader=DictLoader({f"{k}.html": v for k, v in templates.items()})
    )


def test_a_list_page_variable_is_keyed_on_the_attributes_read_on_it():
    from plugins.listings.pages import Listing

    env = env_of(
        a=(
            "{% macro follow(listing) %}{{ listing.url }}{% endmacro %}"
            "{{ listing.name }}{{ follow(listing) }}{{ whole }}{{ whole|length }}"
        )
    )
    trees, _ = load_templates(env, "a.html")
    params = macro_params(trees)
    assert variable_reads(trees, params, "listing") == {"name", "url"}
    assert variable_reads(trees, params, "whole") is None
    shown = Listing("thana", "नामली", "thana/namli/", "", notes=("one",))
    more = Listing("thana", "नामली", "thana/namli/", "", notes=("one", "two"))
    reads = {"listing": frozenset({"name", "url"}), "whole": None}
    # the notes of the whole listing are not read: a new one leaves the key
    assert narrowed({"listing": shown}, reads) == narrowed({"listing": more}, reads)
    # a variable used whole keeps everything
    assert narrowed({"whole": shown}, reads) != narrowed({"whole": more}, reads)


@pytest.mark.parametrize(
    ("template", "unlisted"),
    [
        ("{% for note in notes %}{{ note.author }}{% endfor %}", "note.author"),
        ("{{ FEED_INDEX.notes }}", "FEED_INDEX (Getattr)"),
        ("{{ FEED_INDEX|length }}", "FEED_INDEX (Filter)"),
        ("{{ FEED_INDEX.for_page(url) }}", "FEED_INDEX.for_page(not output_file)"),
        ("{% include name %}", "a template named at build time in a.html"),
    ],
)
def test_a_list_template_reading_what_its_key_lacks_is_flagged(template, unlisted):
    assert unlisted in list_unlisted_reads(env_of(a=template), "a.html")


def test_what_the_templates_read_is_kept_until_they_or_their_names_change(
    tmp_path, first_in_process
):
    from plugins.page_reuse import analysis
    from plugins.page_reuse.analysis import TemplateAnalyses

    template = "{% for note in notes %}{{ note.author }}{% endfor %}"
    settings = {"SITENAME": "x"}

    def ask(env, theme="theme-1", settings=settings):
        analysis.SEEN.clear()  # each as a new process's build: the file alone
        analyses = TemplateAnalyses(tmp_path, theme, settings)
        found = analyses.answer(
            env, ("list", "a.html"), lambda: list_unlisted_reads(env, "a.html")
        )
        analyses.save()
        return found, analyses.asked

    assert ask(env_of(a=template)) == (["note.author"], 1)
    assert ask(env_of(a=template)) == (["note.author"], 0)  # kept
    # another theme, another setting's name, another global: asked again
    assert ask(env_of(a=template), theme="theme-2") == (["note.author"], 1)
    assert ask(env_of(a=template), settings={"OTHER": 1}) == (["note.author"], 1)
    env = env_of(a=template)
    env.globals["helper"] = len
    assert ask(env) == (["note.author"], 1)
    # how templates are parsed: asked again
    parsed = {**settings, "JINJA_ENVIRONMENT": {"line_statement_prefix": "%"}}
    assert ask(env_of(a=template), settings=parsed) == (["note.author"], 1)
    # a damaged file, or answers of the wrong kind, are asked again, not believed
    answers = tmp_path / "template-analysis.answers"
    kept = json.loads(answers.read_text(encoding="utf-8"))["answers"]
    answers.write_text(
        json.dumps({"answers": {k: [1] for k in kept}}), encoding="utf-8"
    )
    assert ask(env_of(a=template), settings=parsed) == (["note.author"], 1)
    answers.write_text("{", encoding="utf-8")
    assert ask(env_of(a=template)) == (["note.author"], 1)


def test_a_template_damaged_place_for_the_answers_neither_stops_nor_hangs_a_build(
    tmp_path, caplog
):
    """The answers only save time: a pipe where their file should be is not
    read (it would hold the build waiting), and a file where their folder
    should be is not written, with a developer log line, not a warning (a
    build counts its warnings, and an edit's build alone that warns is the
    full build's).
    """
    from plugins.page_reuse.analysis import FILE_NAME, TemplateAnalyses

    env = env_of(a="{{ note.title }}")
    folder = tmp_path / "answers"
    folder.mkdir()
    os.mkfifo(folder / FILE_NAME)
    analyses = TemplateAnalyses(folder, "theme", {})
    assert analyses.kept == {}
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    analyses = TemplateAnalyses(blocked, "theme", {})
    analyses.answer(env, ("list", "a.html"), lambda: list_unlisted_reads(env, "a.html"))
    with caplog.at_level(logging.INFO, logger="plugins.page_reuse.analysis"):
        analyses.save()
    [line] = [r for r in caplog.records if "templates not kept" in r.getMessage()]
    assert line.levelno == logging.INFO
    assert blocked.read_text(encoding="utf-8") == "x"


def test_answers_from_a_template_changed_while_it_was_read_are_not_kept(
    tmp_path, first_in_process
):
    """A template saved in place (emptied, then written) or stashed and put
    back while a build parses it gives answers about another text: they are
    not kept, even when the theme is as it was by the end of the build.
    """
    from jinja2 import Environment, FileSystemLoader

    from scripts.fast_lists import LISTS_ANALYSES, TemplateReads

    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    page = theme / "templates" / "list.html"
    page.write_text("{{ listing.name }}", encoding="utf-8")
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "THEME": str(theme)}
    env = Environment(loader=FileSystemLoader(str(theme / "templates")))
    answers = tmp_path / "cache" / LISTS_ANALYSES / "template-analysis.answers"

    reads = TemplateReads(env, settings)
    page.write_text("{{ listing }}", encoding="utf-8")  # while it is read
    assert reads("list.html", "listing") is None
    page.write_text("{{ listing.name }}", encoding="utf-8")  # put back
    reads.save()
    assert not answers.exists()

    reads = TemplateReads(env, settings)
    assert reads("list.html", "listing") == {"name"}
    reads.save()
    assert answers.is_file()
    again = TemplateReads(env, settings)
    assert again("list.html", "listing") == {"name"}
    assert again.analyses.asked == 0


def test_a_process_asks_what_the_templates_read_once_for_all_its_sites(
    tmp_path, first_in_process, templates_read
):
    """A second site built in the same process, with a cache folder of its
    own, finds the answers in memory (no template is read for them); a
    template changed is asked again, and that site's pages are as a clean
    build in a new process makes them.
    """
    read = templates_read
    first, second = Bulletin(tmp_path / "a"), Bulletin(tmp_path / "b")
    first.rebuild()
    assert "article.html" in read
    read.clear()
    second.rebuild()
    assert read == []
    edit(
        second.theme / "templates" / "listing.html",
        "{% block content %}",
        "{% block content %}<p>{{ SITENAME }}</p>",
    )
    second.rebuild()
    assert "listing.html" in read
    script = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from support import build_site\n"
        "from pathlib import Path\n"
        "build_site(Path(sys.argv[3]), Path(sys.argv[4]), THEME=sys.argv[5],"
        " STATIC_PATHS=['images'], FAST_PATH=False)\n"
    )
    clean = tmp_path / "clean" / "output"
    subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(ROOT),
            str(ROOT / "tests"),
            str(second.content),
            str(clean),
            str(second.theme),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    built, fresh = tree(second.output), tree(clean)
    assert built.keys() == fresh.keys()
    assert [name for name in built if built[name] != fresh[name]] == []

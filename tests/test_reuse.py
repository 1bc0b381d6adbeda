"""A rebuild links unchanged note pages from the last build instead of
rendering them, and the site it makes is, file for file, the site a clean
build makes — after every kind of edit a reporter or an editor makes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_site, note_text
from PIL import Image

from plugins.site_build import BuildFailed
from plugins.site_build.reuse import (
    MANIFEST_NAME,
    Unstable,
    stable,
    template_reads,
)

NOTES = 20  # notes in content/notes
ALOT_NOTE = "2026/09/alot-avaidh-sharab-jabt/index.html"


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def touch_later(path: Path, seconds: int = 5) -> None:
    """Move the file's modification time on, as an editor saving it would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


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
        self.overrides = {"THEME": str(self.theme), "STATIC_PATHS": ["images"]}

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


def test_unchanged_notes_are_linked_and_a_new_note_is_rendered(bulletin):
    bulletin.check(reused=NOTES)
    # the pages are links to the files of the last build, not copies
    page = bulletin.output / ALOT_NOTE
    first = page.stat().st_ino
    bulletin.rebuild()
    assert page.stat().st_ino == first

    new = bulletin.content / "notes/2026/11/namli-naya.md"
    new.write_text(note_text(slug="namli-naya", date="2026-11-20 09:00"), "utf-8")
    bulletin.check(reused=NOTES)
    assert (bulletin.output / "2026/11/namli-naya/index.html").is_file()

    edit(new, "वाहन चालकों को यातायात", "दोपहिया चालकों को यातायात")
    bulletin.check(reused=NOTES)

    new.unlink()
    bulletin.check(reused=NOTES)
    assert not (bulletin.output / "2026/11/namli-naya").exists()


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
        '<article class="note">',
        '<article class="note n">',
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


def test_a_failed_build_keeps_the_record_of_the_published_pages(bulletin):
    manifest = bulletin.output.parent / "cache" / MANIFEST_NAME
    before = json.loads(manifest.read_text(encoding="utf-8"))
    assert len(before["pages"]) == NOTES
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


def test_template_reads_sees_through_macros_imports_and_blocks():
    from jinja2 import DictLoader, Environment

    env = Environment(
        loader=DictLoader(
            {
                "base.html": "{{ SITENAME }}{% block b %}{% endblock %}{{ menu }}",
                "m.html": "{% macro pill(note) %}{{ note.thana }}{% endmacro %}",
                "a.html": (
                    "{% extends 'base.html' %}{% from 'm.html' import pill %}"
                    "{% set x = 1 %}{% block b %}{{ pill(article) }}"
                    "{{ article['title'] }}{{ x }}{{ recent }}{% endblock %}"
                ),
            }
        )
    )
    attrs, names = template_reads(env, "a.html")
    assert attrs == {"thana", "title"}
    assert names == {"SITENAME", "menu", "article", "recent"}


def test_stable_descriptions():
    assert stable({"b": {2, 1}, "a": [None, 1.5]}) == stable(
        {"a": [None, 1.5], "b": {1, 2}}
    )
    assert stable(Path("x")) == stable("x")
    with pytest.raises(Unstable):
        stable(object())
    with pytest.raises(Unstable):
        stable({"k": [object()]})


def test_the_settings_are_described_alike_in_every_process():
    code = (
        "import hashlib; from pelican.settings import read_settings;"
        "from plugins.site_build.reuse import stable;"
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

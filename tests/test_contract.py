"""The contract between plugins (plugins/core/contract.py): declared once,
checked at start, and true of a real build."""

from __future__ import annotations

import shutil

import pytest
from pelican.settings import read_settings
from support import ROOT, SETTINGS, build_site, new_content, note_text

from plugins.core import contract
from plugins.core.core import plugin_problems
from plugins.core.errors import BuildFailed

PLUGINS = read_settings(SETTINGS)["PLUGINS"]


def test_the_project_order_follows_the_contract():
    assert plugin_problems(PLUGINS, PLUGINS) == []


def test_a_plugin_before_one_it_reads_from_is_named_with_the_fix():
    swapped = [p for p in PLUGINS if p != contract.PHOTOS]
    swapped.insert(swapped.index(contract.LISTINGS) + 1, contract.PHOTOS)
    problems = plugin_problems(swapped, swapped)
    assert problems == [
        (
            "'plugins.listings' reads what 'plugins.photos' adds; move "
            "'plugins.photos' before 'plugins.listings' in PLUGINS"
        )
    ]


def test_a_missing_plugin_and_one_that_did_not_load_are_named():
    without = [p for p in PLUGINS if p != contract.PRESS_NOTES]
    problems = plugin_problems(without, [p for p in without if p != contract.FEEDS])
    assert any("'plugins.feeds' did not load" in p for p in problems)
    assert any(
        "'plugins.press_notes' is not running: add it to PLUGINS" in p for p in problems
    )


def test_core_must_come_first():
    moved = [*PLUGINS[1:], PLUGINS[0]]
    assert "'plugins.core' must come first in PLUGINS" in plugin_problems(moved, moved)


@pytest.mark.build
def test_a_build_with_plugins_out_of_order_stops_naming_plugins(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    order = [p for p in PLUGINS if p != contract.WHATSAPP]
    order.insert(1, contract.WHATSAPP)
    with pytest.raises(BuildFailed, match=r"PLUGINS: .*move 'plugins\.press_notes'"):
        build_site(content, tmp_path / "output", PLUGINS=order)
    assert not (tmp_path / "output").exists()


@pytest.mark.build
def test_every_declared_note_attribute_is_set_on_a_real_build(tmp_path):
    """Each note attribute in HANDED is there after a build (and the
    protocol lists each of them)."""
    import shutil

    import pelican

    photo = "images/2026/09/alot-sharab-jabt.jpg"
    content = new_content(
        tmp_path, {"2026/10/a.md": note_text(image=photo, image_alt="जब्त शराब")}
    )
    (content / photo).parent.mkdir(parents=True)
    shutil.copy(ROOT / "content" / photo, content / photo)
    seen: dict = {}

    def grab(generator, writer=None):
        seen["notes"] = list(generator.articles)

    def before_writing(generators):
        [note] = generators[0].context["articles"]
        seen["before"] = {h.name for h in contract.HANDED if hasattr(note, h.name)}

    pelican.signals.article_writer_finalized.connect(grab)
    pelican.signals.all_generators_finalized.connect(before_writing)
    try:
        build_site(content, tmp_path / "output")
    finally:
        pelican.signals.article_writer_finalized.disconnect(grab)
        pelican.signals.all_generators_finalized.disconnect(before_writing)
    [note] = seen["notes"]
    declared = [h for h in contract.HANDED if h.where == "note"]
    assert declared
    for handed in declared:
        name = handed.name
        # every value is there once every plugin's context is made; one
        # let go of after its last reader is gone by the build's end
        assert name in seen["before"], name
        assert hasattr(note, name) == (not handed.until), name
        assert name in contract.EnrichedNote.__annotations__, name
    assert {h.until for h in declared} <= {"", "article_writer_finalized"}


@pytest.mark.build
def test_a_plugin_that_fails_to_import_stops_the_build_before_building(
    tmp_path, monkeypatch
):
    """Pelican only logs a plugin it cannot load; the build names it at once."""
    package = tmp_path / "broken_plugin"
    package.mkdir()
    (package / "__init__.py").write_text("import no_such_module\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    with pytest.raises(BuildFailed) as failed:
        build_site(content, tmp_path / "output", PLUGINS=[*PLUGINS, "broken_plugin"])
    assert "plugin 'broken_plugin' did not load" in str(failed.value)
    assert not (tmp_path / "output").exists()


@pytest.mark.build
def test_an_error_in_a_template_names_the_template_and_line(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    page = theme / "templates" / "article.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("{% block content %}", "{% block content %}{{ 1 // 0 }}", 1),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed, match=r"ZeroDivisionError.*article\.html, line"):
        build_site(content, tmp_path / "output", THEME=str(theme))


@pytest.mark.build
def test_an_output_link_is_refused_before_building(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    www = tmp_path / "www"
    www.mkdir()
    (tmp_path / "output").symlink_to(www)
    with pytest.raises(BuildFailed, match="is a link"):
        build_site(content, tmp_path / "output")
    assert list(www.iterdir()) == []

"""Compiled templates kept between builds (plugins/page_reuse/compiled.py):
each compiled once, in memory and in the cache folder, and compiled again
whenever what its code is made of differs: its source, the environment's
syntax, its filters' calling conventions, a filter it calls on constants.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import jinja2
import jinja2.ext
import pytest
from jinja2 import pass_context, pass_eval_context
from support import ROOT, build_site, new_content, note_text, tree

from plugins.page_reuse import compiled
from plugins.page_reuse.compiled import keep_compiled


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles to render them, in order
    (not the compiles that look for filters called on constants, in an
    overlay); nothing in memory from the worker's earlier tests."""
    monkeypatch.setattr(compiled, "SEEN", {})
    names: list[str] = []
    real = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not self.overlayed:
            names.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def environment(templates: Path, folder: Path | None, **options) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), **options)
    keep_compiled(env, folder)
    return env


def render(env: jinja2.Environment, template: str = "a.html", **values) -> str:
    return env.get_template(template).render(**values)


def test_a_template_is_compiled_once_a_process_and_once_a_cache_folder(
    tmp_path, compiles
):
    templates, folder = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    page = templates / "a.html"
    page.write_text("<p>{{ title }}</p>", encoding="utf-8")
    assert render(environment(templates, folder), title="x") == "<p>x</p>"
    assert compiles == ["a.html"]
    assert len(list(folder.glob("*.code"))) == 1
    # another environment like it, in this process: from memory
    assert render(environment(templates, folder), title="y") == "<p>y</p>"
    # a new process (nothing in memory): from the folder
    compiled.SEEN.clear()
    assert render(environment(templates, folder), title="z") == "<p>z</p>"
    assert compiles == ["a.html"]
    # the template edited: compiled again, in memory and from the folder
    page.write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    assert render(environment(templates, folder), title="x") == "<h1>x</h1>"
    compiled.SEEN.clear()
    assert render(environment(templates, folder), title="x") == "<h1>x</h1>"
    assert compiles == ["a.html", "a.html"]


def test_code_made_of_the_environments_syntax_or_escaping_is_not_shared(
    tmp_path, compiles
):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "a.html").write_text("[[ x ]] {{ x }}", encoding="utf-8")
    folder = tmp_path / "cache"
    assert render(environment(templates, folder), x="<b>") == "[[ x ]] <b>"
    square = environment(
        templates, folder, variable_start_string="[[", variable_end_string="]]"
    )
    assert render(square, x="<b>") == "<b> {{ x }}"
    escaped = environment(templates, folder, autoescape=True)
    assert render(escaped, x="<b>") == "[[ x ]] &lt;b&gt;"
    assert len(compiles) == 3


def test_a_filter_called_otherwise_or_missing_makes_other_code(tmp_path, compiles):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "a.html").write_text("{{ name|greet }}", encoding="utf-8")
    folder = tmp_path / "cache"
    plain = environment(templates, folder)
    plain.filters["greet"] = lambda value: f"hello {value}"
    assert render(plain, name="x") == "hello x"

    @pass_context
    def greet(context, value):
        return f"{context['salutation']} {value}"

    with_context = environment(templates, folder)
    with_context.filters["greet"] = greet
    assert render(with_context, name="x", salutation="namaste") == "namaste x"
    missing = environment(templates, folder)
    with pytest.raises(jinja2.TemplateError, match="greet"):
        render(missing, name="x")
    assert len(compiles) == 3


def test_a_template_calling_a_filter_on_constants_is_never_kept(tmp_path, compiles):
    """Jinja calls a filter on constants while compiling and writes its
    result into the code: a site whose filter says another thing must not
    get the code of the last one."""
    templates, folder = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "a.html").write_text('{{ "5"|digits }} {{ n|digits }}', "utf-8")
    latin = environment(templates, folder)
    latin.filters["digits"] = str
    assert render(latin, n=7) == "5 7"
    devanagari = environment(templates, folder)
    devanagari.filters["digits"] = lambda v: str(v).translate(
        str.maketrans("0123456789", "०१२३४५६७८९")
    )
    assert render(devanagari, n=7) == "५ ७"
    assert compiles == ["a.html", "a.html"]
    assert not folder.exists() or list(folder.iterdir()) == []
    # a test on constants too
    (templates / "b.html").write_text("{{ 'yes' if 4 is even }}", "utf-8")
    assert render(environment(templates, folder), "b.html") == "yes"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_damaged_or_foreign_file_is_compiled_again(tmp_path, compiles):
    templates, folder = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "a.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    assert render(environment(templates, folder), title="x") == "<p>x</p>"
    [kept] = folder.glob("*.code")
    good = kept.read_bytes()
    for damaged in (
        b"",
        good[:20],
        good[:-7],
        good.replace(b"<p>", b"<q>"),
        b"x" * len(good),
    ):
        compiled.SEEN.clear()
        kept.write_bytes(damaged)
        assert render(environment(templates, folder), title="y") == "<p>y</p>"
    # a pipe where the file belongs is not read (it would wait)
    compiled.SEEN.clear()
    kept.unlink()
    os.mkfifo(kept)
    done: list[str] = []
    reader = threading.Thread(
        target=lambda: done.append(render(environment(templates, folder), title="z")),
        daemon=True,
    )
    reader.start()
    reader.join(30)
    assert done == ["<p>z</p>"]


def test_a_site_built_with_kept_templates_is_the_site_built_without(tmp_path, compiles):
    """A second build in the same process compiles nothing, nor does one in
    a new process given the first's cache folder; what it writes is what a
    build in a new process with nothing kept writes.
    """
    content = new_content(tmp_path, {"2026/a.md": note_text()})
    cache = tmp_path / "one" / "cache"
    build_site(content, tmp_path / "one" / "output")
    assert "article.html" in compiles
    compiles.clear()
    build_site(content, tmp_path / "two" / "output", CACHE_PATH=str(cache))
    assert compiles == []
    script = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from pathlib import Path\n"
        "import jinja2\n"
        "made = []\n"
        "real = jinja2.Environment.compile\n"
        "def counted(self, *a, **k):\n"
        "    made.append(1)\n"
        "    return real(self, *a, **k)\n"
        "jinja2.Environment.compile = counted\n"
        "from support import build_site\n"
        "build_site(Path(sys.argv[3]), Path(sys.argv[4]), CACHE_PATH=sys.argv[5])\n"
        "print('compiled', len(made))\n"
    )

    def in_new_process(output: Path, cache: Path) -> str:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                str(ROOT),
                str(ROOT / "tests"),
                str(content),
                str(output),
                str(cache),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip().splitlines()[-1]

    kept, fresh = tmp_path / "kept" / "output", tmp_path / "fresh" / "output"
    assert in_new_process(kept, cache) == "compiled 0"
    assert in_new_process(fresh, tmp_path / "fresh" / "cache") != "compiled 0"
    built, clean = tree(kept), tree(fresh)
    assert built.keys() == clean.keys()
    assert [name for name in built if built[name] != clean[name]] == []


def test_an_environment_of_another_extension_or_a_finalize_keeps_nothing(tmp_path):
    """Another extension may parse by settings of its own, a finalize is
    called on constants while compiling: neither is held by a key."""

    class Shout(jinja2.ext.Extension):
        priority = 50

    templates = tmp_path / "templates"
    templates.mkdir()
    for options in (
        {"extensions": [Shout]},
        {"finalize": str},
    ):
        env = environment(templates, tmp_path / "cache", **options)
        assert env.bytecode_cache is None
    i18n = environment(templates, tmp_path / "cache", extensions=["jinja2.ext.i18n"])
    assert isinstance(i18n.bytecode_cache, compiled.CompiledTemplates)


def test_a_filter_on_constants_inside_an_autoescape_block_is_never_kept(
    tmp_path, compiles
):
    """Inside `{% autoescape %}` Jinja works constants out in that block's
    escaping: a filter that gives a value only there is still seen."""

    def shouting(end):
        @pass_eval_context
        def shout(context, value):
            if context.autoescape:
                raise ValueError("text only")
            return value.upper() + end

        return shout

    templates, folder = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "a.html").write_text(
        '{% autoescape false %}{{ "hi"|shout }}{% endautoescape %}', "utf-8"
    )
    for end in ("!", "!!!"):
        compiled.SEEN.clear()
        env = environment(templates, folder, autoescape=True)
        env.filters["shout"] = shouting(end)
        assert render(env) == "HI" + end
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_file_under_another_key_is_not_used(tmp_path, compiles):
    """Two keys of one source (escaped and not) do not take each other's
    files, copied or swapped."""
    templates, folder = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "a.html").write_text("{{ x }}", "utf-8")
    assert render(environment(templates, folder, autoescape=True), x="<b>") == (
        "&lt;b&gt;"
    )
    [escaped] = folder.glob("*.code")
    assert render(environment(templates, folder), x="<b>") == "<b>"
    [plain] = set(folder.glob("*.code")) - {escaped}
    one, other = escaped.read_bytes(), plain.read_bytes()
    escaped.write_bytes(other)
    plain.write_bytes(one)
    compiled.SEEN.clear()
    assert render(environment(templates, folder, autoescape=True), x="<b>") == (
        "&lt;b&gt;"
    )
    assert render(environment(templates, folder), x="<b>") == "<b>"
    assert len(compiles) == 4


def test_a_cache_folder_that_cannot_be_written_is_no_warning(tmp_path, caplog):
    """The compiled templates only save time: a file where their folder
    belongs leaves a developer's line, once, and no warning (a build
    counts its warnings)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for name in ("a.html", "b.html"):
        (templates / name).write_text("{{ x }}" + name, "utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("x", "utf-8")
    env = environment(templates, blocked / "compiled")
    with caplog.at_level(logging.INFO, logger="plugins.page_reuse.compiled"):
        assert render(env, "a.html", x=1) + render(env, "b.html", x=2) == (
            "1a.html2b.html"
        )
    assert [r.levelno for r in caplog.records] == [logging.INFO]
    assert blocked.read_text("utf-8") == "x"

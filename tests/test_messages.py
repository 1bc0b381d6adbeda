"""Messages a reporter reads: Hindi by default through the catalog, English
by a setting or BULLETIN_LANG, every msgid translated."""

from __future__ import annotations

import ast

import pytest
from support import ROOT

from plugins.core import messages
from plugins.core.errors import ContentError, Problem, SettingError
from plugins.core.messages import _, set_language, untranslated_messages


def test_every_message_in_the_code_has_a_hindi_translation():
    assert untranslated_messages([ROOT / "plugins", ROOT / "scripts"]) == []


def untranslated_problems(source: str) -> list[int]:
    """Lines where a problem is made with a bare string as its message."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        message = node.args[-1]
        if name in ("p", "Problem") and (
            isinstance(message, ast.JoinedStr)
            or (isinstance(message, ast.Constant) and isinstance(message.value, str))
        ):
            lines.append(node.lineno)
    return lines


def test_every_problem_message_goes_through_the_catalog():
    code = sorted((ROOT / "plugins").rglob("*.py")) + sorted(
        (ROOT / "scripts").rglob("*.py")
    )
    assert len(code) > 50
    bare = {
        str(path.relative_to(ROOT)): lines
        for path in code
        if (lines := untranslated_problems(path.read_text(encoding="utf-8")))
    }
    assert bare == {}


def test_a_bare_problem_message_is_caught():
    source = (
        'p(3, "date", "no date")\n'
        'Problem(path, None, "x", f"{value} is wrong")\n'
        'p(4, "date", _("fine"))\n'
    )
    assert untranslated_problems(source) == [1, 2]


def test_an_untranslated_message_is_caught(tmp_path):
    (tmp_path / "m.py").write_text(
        'from plugins.core.messages import _\n_("A message nobody translated")\n',
        encoding="utf-8",
    )
    assert untranslated_messages([tmp_path]) == ["A message nobody translated"]


def test_hindi_is_the_default(monkeypatch):
    monkeypatch.delenv(messages.ENV, raising=False)
    set_language({})
    assert _("the file is missing") == "फ़ाइल नहीं मिली"
    problem = Problem("content/notes/a.md", 3, "date", "x")
    assert str(ContentError([problem])).startswith("सामग्री में 1 समस्या:")


@pytest.mark.parametrize(
    ("env", "setting", "expected"),
    [
        ("en", None, "the file is missing"),
        (None, "en", "the file is missing"),
        ("hi", "en", "फ़ाइल नहीं मिली"),
        ("xx", None, "फ़ाइल नहीं मिली"),
    ],
)
def test_english_by_setting_or_environment(monkeypatch, env, setting, expected):
    if env is None:
        monkeypatch.delenv(messages.ENV, raising=False)
    else:
        monkeypatch.setenv(messages.ENV, env)
    set_language({messages.SETTING: setting} if setting else {})
    try:
        assert _("the file is missing") == expected
    finally:
        set_language({})


def test_an_unknown_environment_language_leaves_the_setting(monkeypatch):
    monkeypatch.setenv(messages.ENV, "fr")
    try:
        set_language({messages.SETTING: "en"})
        assert _("the file is missing") == "the file is missing"
    finally:
        set_language({})


def test_a_wrong_language_setting_names_the_setting():
    with pytest.raises(SettingError, match="MESSAGES_LANGUAGE = 'English'"):
        set_language({messages.SETTING: "English"})


def test_placeholders_are_filled_in_both_languages(monkeypatch):
    for lang in ("hi", "en"):
        monkeypatch.setenv(messages.ENV, lang)
        text = _("the build stopped: %(error)s", error="KeyError: 'x'")
        assert text.endswith("KeyError: 'x'"), text
        assert "%(" not in text


def test_problems_with_and_without_lines_are_listed_together():
    """A missing field (no line) beside a wrong date (a line) in one note."""
    problems = [
        Problem("content/notes/a.md", 2, "date", "'2026-09-31' is not a date"),
        Problem("content/notes/a.md", None, "reporter", "'reporter' is missing"),
        Problem("content/notes/0.md", 7, None, "no text"),
    ]
    error = ContentError(problems)
    assert [(p.path, p.line) for p in error.problems] == [
        ("content/notes/0.md", 7),
        ("content/notes/a.md", None),
        ("content/notes/a.md", 2),
    ]

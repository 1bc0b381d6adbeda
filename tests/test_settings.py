"""A wrong plugin setting stops the build with a message naming it."""

from __future__ import annotations

import pytest
from support import build_site, new_content, note_text

from plugins.core.errors import BuildFailed
from plugins.core.settings import namespaced

DEFAULTS = {"page_size": 20, "devanagari_digits": False, "reporter": ""}


def test_given_values_are_merged_over_defaults():
    merged = namespaced({"X": {"page_size": 5}}, "X", DEFAULTS, "demo")
    assert merged == {"page_size": 5, "devanagari_digits": False, "reporter": ""}
    assert namespaced({}, "X", DEFAULTS, "demo") == DEFAULTS


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"page_sise": 5}, "invalid 'X' key(s) ['page_sise']"),
        ({"page_size": 0}, "'X[\"page_size\"]' must be a whole number"),
        ({"page_size": "20"}, "'X[\"page_size\"]' must be a whole number"),
        ({"devanagari_digits": "yes"}, "'X[\"devanagari_digits\"]' must be True"),
        ({"reporter": 5}, "'X[\"reporter\"]' must be text"),
    ],
)
def test_wrong_settings_are_named(given, message):
    with pytest.raises(ValueError, match=r"^demo: ") as error:
        namespaced({"X": given}, "X", DEFAULTS, "demo")
    assert message in str(error.value)


def test_a_build_with_a_wrong_setting_fails_and_says_which(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    with pytest.raises(BuildFailed, match=r"listings: invalid 'LISTINGS' key\(s\)"):
        build_site(content, tmp_path / "output", LISTINGS={"pagesize": 5})
    assert not (tmp_path / "output").exists()

"""The order `invoke test` hands test files to the workers: slowest first."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from conftest import SLOWEST_FILES, slowest_first


def item(path: str, name: str) -> SimpleNamespace:
    return SimpleNamespace(path=Path("tests") / path, name=name)


def test_slow_files_go_first_in_their_order_and_keep_their_tests_order():
    first, second = SLOWEST_FILES[0], SLOWEST_FILES[1]
    items = [
        item("test_aaa_new.py", "a1"),
        item(second, "s1"),
        item("test_aaa_new.py", "a2"),
        item(first, "f1"),
        item(second, "s2"),
        item(first, "f2"),
        item("test_zzz_new.py", "z1"),
    ]
    assert [i.name for i in slowest_first(items)] == [
        "f1",
        "f2",
        "s1",
        "s2",
        "a1",
        "a2",
        "z1",
    ]


def test_every_slow_file_is_named_once():
    assert len(set(SLOWEST_FILES)) == len(SLOWEST_FILES)

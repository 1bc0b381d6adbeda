"""The layout keeps its promises: plugins/ holds Pelican plugins (each in
PLUGINS, each with register()) and the core they share; plugins never import
scripts/; the plugins' import graph has no cycle and no plugin reaches into
another's private names."""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path

from pelican.settings import read_settings
from support import ROOT, SETTINGS

PLUGIN_DIR = ROOT / "plugins"
GETTEXT_NAMES = {"_"}


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "plugins" else parts[0]


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported module, names) of every `from … import` in a file."""
    rel = path.relative_to(ROOT).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel[: len(rel) - node.level])
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


def graph() -> tuple[dict[str, set[str]], list[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    private = []
    for path in sorted([*PLUGIN_DIR.rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]):
        here = package_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module, names in imports(path):
            if not module.startswith(("plugins", "scripts")):
                continue
            there = package_of(module)
            if there == here:
                continue
            edges[here].add(there)
            private += [
                f"{path.relative_to(ROOT)}: {module}.{n}"
                for n in names
                if n.startswith("_") and n not in GETTEXT_NAMES
            ]
    return edges, private


def test_every_plugin_package_is_a_registered_plugin_in_plugins():
    packages = sorted(
        f"plugins.{p.name}"
        for p in PLUGIN_DIR.iterdir()
        if (p / "__init__.py").is_file()
    )
    assert packages
    assert sorted(read_settings(SETTINGS)["PLUGINS"]) == packages
    for name in packages:
        assert callable(getattr(importlib.import_module(name), "register", None)), name


def test_plugins_never_import_scripts():
    edges, _ = graph()
    assert edges
    offenders = {
        p: sorted(t) for p, t in edges.items() if p != "scripts" and "scripts" in t
    }
    assert offenders == {}


def cycles(edges: dict[str, set[str]]) -> list[str]:
    """The packages that reach themselves through imports."""

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
            for nxt in edges.get(start, ())
        )

    return [p for p in edges if reaches(p, p, {p})]


def test_no_import_cycle_between_packages_and_no_private_names():
    edges, private = graph()
    assert private == []
    assert cycles(edges) == []


def test_the_layout_check_sees_a_cycle():
    edges = {"plugins.a": {"plugins.b"}, "plugins.b": {"plugins.a"}, "scripts": set()}
    assert cycles(edges) == ["plugins.a", "plugins.b"]

"""Read cProfile stats of a build: where the time goes, in a few lines."""

from __future__ import annotations

import pstats
from collections import defaultdict
from pathlib import Path

SITE_PACKAGES = "site-packages/"


def area_of(filename: str, function: str, root: Path) -> str:
    """A short name for where a function lives (package, plugin module, builtin)."""
    if filename == "~":  # builtins: name them, they are I/O, pickle, regex...
        return f"builtin {function}"
    if SITE_PACKAGES in filename:
        return filename.split(SITE_PACKAGES, 1)[1].split("/", 1)[0].removesuffix(".py")
    path = Path(filename)
    if path.is_relative_to(root):
        return str(path.relative_to(root))
    return f"stdlib {path.stem}"


def self_time_by_area(stats: pstats.Stats, root: Path) -> list[tuple[str, float]]:
    """Self time (tottime) summed by area, largest first."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        totals[area_of(filename, function, root)] += row[2]
    return sorted(totals.items(), key=lambda x: -x[1])


def cumulative_in(
    stats: pstats.Stats, root: Path, prefixes: tuple[str, ...]
) -> list[tuple[str, float]]:
    """Cumulative time of functions whose file is under one of `prefixes`."""
    rows = []
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        path = Path(filename)
        if SITE_PACKAGES in filename:
            rel = filename.split(SITE_PACKAGES, 1)[1]
        elif path.is_relative_to(root):
            rel = str(path.relative_to(root))
        else:
            continue
        if rel.startswith(prefixes):
            rows.append((f"{rel.removesuffix('.py')}:{function}", row[3]))
    return sorted(rows, key=lambda x: -x[1])


def profile_summary(
    path: Path,
    root: Path,
    limit: int = 12,
    prefixes: tuple[str, ...] = ("plugins/", "pelican/"),
) -> str:
    """Total time, self time per area, cumulative time of our and Pelican's code."""
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    lines = [f"profile {path.name}: {total:.2f} s in all"]
    lines.append("  self time by area:")
    for area, seconds in self_time_by_area(stats, root)[:limit]:
        lines.append(f"    {seconds:7.2f} s  {area}")
    lines.append("  cumulative time (plugins/, pelican/):")
    for name, seconds in cumulative_in(stats, root, prefixes)[:limit]:
        lines.append(f"    {seconds:7.2f} s  {name}")
    return "\n".join(lines)

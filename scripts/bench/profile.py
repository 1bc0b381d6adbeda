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


# The steps of a fast build (publish-one on the fast path), each a function
# of scripts/ (file, name) and, where one function serves several steps, the
# function that called it. Steps overlap where one calls another (reading
# the index is part of deciding).
FAST_STEPS: tuple[tuple[str, str, str, str | None], ...] = (
    ("deciding the path (all of it)", "scripts/build.py", "choose_path", None),
    ("  reading the site index", "scripts/site_index.py", "load", "choose_path"),
    ("  surveying the output", "scripts/site_index.py", "survey", "output_digest"),
    ("  reading and checking the new note", "scripts/fast_build.py", "new_notes", None),
    ("content stamps and site key", "scripts/site_index.py", "before_build", None),
    ("reading the site index's records", "scripts/site_index.py", "read_records", None),
    ("build of the new notes alone", "scripts/fast_notes.py", "build_alone", None),
    ("the theme's templates", "scripts/fast_lists.py", "theme_env", None),
    ("list pages", "scripts/fast_run.py", "list_files", None),
    ("home page", "scripts/fast_run.py", "home_file", None),
    ("sitemaps", "scripts/fast_run.py", "sitemap_files", None),
    ("feeds", "scripts/fast_run.py", "feed_outputs", None),
    ("search index (its changed parts)", "scripts/fast_search.py", "update", None),
    ("the index brought up to date", "scripts/fast_run.py", "updated_index", None),
    ("placement (compare, stage, rename)", "scripts/fast_run.py", "place", None),
    ("surveying the output after", "scripts/site_index.py", "survey", "run"),
    ("writing the site index", "scripts/site_index.py", "save", None),
)


def step_times(
    stats: pstats.Stats,
    root: Path,
    steps: tuple[tuple[str, str, str, str | None], ...] = FAST_STEPS,
) -> list[tuple[str, float]]:
    """Cumulative seconds of each step found in the stats (`caller`: only
    the time spent in the function when called from a function of that
    name), in the order given.
    """
    found = []
    table = stats.stats  # type: ignore[attr-defined]
    for label, file, name, caller in steps:
        seconds = 0.0
        hit = False
        for (filename, _line, function), row in table.items():
            if function != name or not filename.endswith(file):
                continue
            if not Path(filename).is_relative_to(root):
                continue
            hit = True
            if caller is None:
                seconds += row[3]
            else:
                seconds += sum(
                    c[3] for (_f, _l, fn), c in row[4].items() if fn == caller
                )
        if hit:
            found.append((label, seconds))
    return found


def steps_summary(path: Path, root: Path) -> str:
    """A fast build's time by step (cProfile's cumulative times)."""
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    lines = [f"steps of {path.name} ({total:.2f} s in all, under cProfile):"]
    for label, seconds in step_times(stats, root):
        lines.append(f"  {seconds:7.2f} s  {100 * seconds / total:5.1f} %  {label}")
    return "\n".join(lines)

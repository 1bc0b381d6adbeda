"""The reports behind `invoke bench`, `invoke weight` and `invoke lighthouse`.

Each builds what it needs into a temporary folder (never output/) and
returns text to print; tasks.py only parses arguments and prints.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.build import build
from scripts.serve import served

from .bench import (
    build_spec,
    folders,
    format_cold,
    format_report,
    run_bench,
    run_cold,
    settled_run,
    with_search_index,
)
from .edits import edit_lines, measure_edits
from .growth import (
    PLAIN_MAX,
    format_growth,
    format_publish_again,
    run_growth,
    run_publish_again,
)
from .lighthouse import format_lighthouse, run_lighthouse
from .node_tools import lighthouse_cli, node_modules
from .page_types import pages_by_type
from .profile import profile_summary, steps_summary
from .search_weight import format_search_weight, measure_search
from .weight import format_weights, over_budget, page_url, site_weights


@contextmanager
def built_sample(
    root: Path, settings_file: str = "pelicanconf.py", overrides: dict | None = None
) -> Iterator[Path]:
    """The repository's bulletin built into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="bulletin-") as tmp:
        output = Path(tmp) / "output"
        build(
            str(root / settings_file),
            {
                "OUTPUT_PATH": str(output),
                "CACHE_PATH": str(Path(tmp) / "cache"),
                **(overrides or {}),
            },
        )
        yield output


def bench_report(
    notes: int,
    root: Path,
    seed: int = 1,
    keep: Path | None = None,
    profile_dir: Path | None = None,
    search: bool = False,
) -> str:
    """Run the benchmark (in `keep`, or a temporary folder) and format it."""
    if profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
    with settled_run(notes), tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        result = run_bench(
            notes, workdir, root, seed=seed, profile_dir=profile_dir, search=search
        )
    parts = []
    if profile_dir is not None:
        parts += [profile_summary(p, root) for p in sorted(profile_dir.glob("*.prof"))]
    return "\n\n".join([*parts, format_report(result)])


def cold_report(
    notes: int,
    root: Path,
    workers: list[int],
    seed: int = 1,
    rounds: int = 1,
    keep: Path | None = None,
    profile_dir: Path | None = None,
    timeline: bool = False,
) -> str:
    """Cold builds only: plain Pelican's, then ours with each worker count
    (`timeline`: with the cores each kept busy as it ran).
    """
    if profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
    with settled_run(notes), tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        workdir = keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        runs = run_cold(
            notes,
            workdir,
            root,
            workers,
            seed=seed,
            rounds=rounds,
            profile_dir=profile_dir,
            timeline=timeline,
        )
    parts = []
    if profile_dir is not None:
        parts += [profile_summary(p, root) for p in sorted(profile_dir.glob("*.prof"))]
    return "\n\n".join([*parts, format_cold(notes, seed, runs)])


def growth_report(
    sizes: list[int],
    root: Path,
    seed: int = 1,
    keep: Path | None = None,
    plain_max: int = PLAIN_MAX,
) -> str:
    """How our cold build, rebuild and publish-one grow with the notes (and
    plain Pelican's builds up to `plain_max` notes).
    """
    with (
        settled_run(max(sizes, default=0)),
        tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp,
    ):
        workdir = keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        rows = run_growth(sizes, workdir, root, seed=seed, plain_max=plain_max)
    return format_growth(rows)


def publish_again_report(
    root: Path,
    keep: Path,
    seed: int = 1,
    profile_dir: Path | None = None,
    search: bool = False,
    edits: bool = False,
) -> str:
    """publish-one once more on the site a kept run left in `keep`; with
    `edits`, then the edits of scripts/bench/edits.py on that site as it is.
    """
    profile = None
    if profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
        profile = profile_dir / "publish-one.prof"
    notes = sum(1 for _ in (keep / "content" / "notes").rglob("*.md"))
    with settled_run(notes):
        publish, index = run_publish_again(
            keep, root, seed=seed, profile=profile, search=search
        )
        parts = []
        if profile is not None:
            parts = [profile_summary(profile, root), steps_summary(profile, root)]
        report = format_publish_again(keep, publish, index)
        if edits:
            report += "\n" + "\n".join(edits_again(root, keep, search))
    return "\n\n".join([*parts, report])


def edits_again(root: Path, keep: Path, search: bool) -> list[str]:
    """The edits after publish-one (scripts/bench/edits.py) on the kept
    site as it is, one line each, with the load average around them.
    """
    content = keep / "content"
    settings = root / "pelicanconf.py"
    spec = build_spec("project", folders(keep, "project", content), settings)
    if search:
        with_search_index(spec, keep)
    runs = measure_edits(keep, root, spec, content, published=False)
    load = f"edits: load {runs[0].load[0]:.2f}-{runs[-1].load[1]:.2f}"
    return [load, *edit_lines(runs)]


# The weight report weighs the site as published: with its search index.
WEIGHED_SETTINGS = {"SEARCH": {"index": True}}


def weight_report(site: Path) -> tuple[str, list[str]]:
    """The per-page-type table, the search page's first query (measured in
    Chromium) and the pages over budget.
    """
    weights = site_weights(site)
    search = format_search_weight(measure_search(site))
    return f"{format_weights(weights)}\n{search}", over_budget(weights)


def lighthouse_pages(site: Path) -> list[tuple[str, str]]:
    """(label, URL path): the home page and the heaviest note with a photo."""
    notes = pages_by_type(site).get("note with photo") or pages_by_type(site).get(
        "note without photo", []
    )
    heaviest = max(notes, key=lambda p: p.stat().st_size)
    return [("home", "/"), ("note", page_url(site, heaviest))]


def lighthouse_report(root: Path, site: Path, reports: Path) -> str:
    """Lighthouse on the served site; JSON reports are kept in `reports`."""
    reports.mkdir(parents=True, exist_ok=True)
    cli = lighthouse_cli(root)
    package = node_modules(root) / "lighthouse" / "package.json"
    version = json.loads(package.read_text("utf-8"))["version"]
    with served(site) as base:
        results = [
            run_lighthouse(cli, label, base + path, reports / f"{label}.json")
            for label, path in lighthouse_pages(site)
        ]
    return format_lighthouse(results, version)

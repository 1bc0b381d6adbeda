"""One build, run in its own process so its time and memory are its own.

    python -m scripts.bench.worker project '{"settings_file": ..., "overrides": {...}}'
    python -m scripts.bench.worker publish '{"settings_file": ..., "overrides": {...}}'
    python -m scripts.bench.worker plain '{"overrides": {...}}'

With --profile FILE the build runs under cProfile and the stats go to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import resource
import sys
from pathlib import Path

from .marks import (
    INDEX_BYTES_MARK,
    INDEX_MS_MARK,
    INDEX_RSS_MARK,
    PATH_MARK,
    PEAK_MARK,
    RESTORED_MARK,
    REUSED_MARK,
    SEARCH_KEPT_MARK,
    SEARCH_MADE_MARK,
    SEARCH_MS_MARK,
    SEARCH_REUSED_MARK,
)


def own_kb(field: str = "VmHWM") -> int:
    """A memory figure of this process (kB) from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def own_peak_kb() -> int:
    """The peak resident memory of this process since exec (VmHWM on Linux).

    Not ru_maxrss: after fork or vfork and exec, Linux carries the parent's
    high-water mark into the child's ru_maxrss.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report_peak() -> None:
    print(f"{PEAK_MARK} {own_peak_kb()}", flush=True)


def build_project(spec: dict) -> None:
    from scripts.build import build

    if spec.get("workers"):
        from plugins.core import parallel

        parallel.WORKERS = int(spec["workers"])

    result = build(spec["settings_file"], spec["overrides"])
    print(f"bench worker: project built {result.notes} notes, {result.pages} pages")
    print(f"{PATH_MARK} {result.path} ({result.why})")
    print(f"{REUSED_MARK} {result.reused}")
    print(f"{RESTORED_MARK} {result.restored}")
    from plugins.search.search import LAST_RUN

    if LAST_RUN:
        print(f"{SEARCH_MS_MARK} {round(LAST_RUN[-1].seconds * 1000)}")
        print(f"{SEARCH_REUSED_MARK} {int(LAST_RUN[-1].reused)}")


def publish_project(spec: dict) -> None:
    """What `invoke build` runs: build, log the outcome, fail on an error."""
    from scripts.build import build_and_report

    # the developer log line that names the build's path, on stdout
    paths = logging.getLogger("scripts.fast_build")
    paths.setLevel(logging.INFO)
    paths.addHandler(PathLine())
    if not build_and_report(spec["settings_file"], spec["overrides"]):
        raise SystemExit(1)
    print("bench worker: published")


class PathLine(logging.Handler):
    """Prints the build's `build path: ...` line with PATH_MARK."""

    def emit(self, record) -> None:
        message = record.getMessage()
        if message.startswith("build path: "):
            print(f"{PATH_MARK} {message.removeprefix('build path: ')}", flush=True)


def build_plain(spec: dict) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    Pelican(read_settings(None, override=spec["overrides"])).run()
    print("bench worker: plain Pelican build done")


def build_search(spec: dict) -> None:
    """The index step alone, on a project build's output (no kept bundle)."""
    from plugins.search.search import build_index
    from scripts.build import load_settings

    settings = load_settings(spec["settings_file"], spec["overrides"])
    output = Path(settings["OUTPUT_PATH"])
    made = build_index(settings, output)
    kept = build_index(settings, output)
    print(f"bench worker: search index of {made.pages} note pages")
    print(f"{SEARCH_MADE_MARK} {round(made.seconds * 1000)}")
    print(f"{SEARCH_KEPT_MARK} {round(kept.seconds * 1000)}")


def read_index(spec: dict) -> None:
    """The site index a project build left, read as the fast path reads it."""
    import time

    from scripts import site_index
    from scripts.build import load_settings

    settings = load_settings(spec["settings_file"], spec["overrides"])
    path = site_index.index_path(settings, Path(settings["OUTPUT_PATH"]))
    before = own_kb("VmRSS")
    start = time.perf_counter()
    index, why = site_index.load(path, with_records=True)
    seconds = time.perf_counter() - start
    if index is None:
        raise SystemExit(f"no site index at {path}: {why}")
    print(f"bench worker: site index of {len(index.notes)} notes")
    size = sum(f.stat().st_size for f in site_index.index_files(index, path))
    print(f"{INDEX_BYTES_MARK} {size}")
    print(f"{INDEX_MS_MARK} {round(seconds * 1000)}")
    print(f"{INDEX_RSS_MARK} {before}")


BUILDERS = {
    "project": build_project,
    "publish": publish_project,
    "plain": build_plain,
    "search": build_search,
    "index": read_index,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts.bench.worker")
    parser.add_argument("kind", choices=sorted(BUILDERS))
    parser.add_argument("spec", help="JSON: settings_file (project) and overrides")
    parser.add_argument("--profile", help="write cProfile stats to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    spec = json.loads(args.spec)
    builder = BUILDERS[args.kind]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(builder, spec)
        profiler.dump_stats(args.profile)
    else:
        builder(spec)
    report_peak()
    return 0


if __name__ == "__main__":
    sys.exit(main())

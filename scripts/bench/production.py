"""A production build and `invoke publish` after one new note, timed: the
full build (the fast path turned off) against the fast path, on the
benchmark's synthetic notes, each build in a fresh process (as the desk
runs them), with wall and CPU time, peak memory and the load average.

    python -m scripts.bench.production --keep DIR [--notes 10000] [--seed 1]

Production settings are publishconf.py's (absolute addresses, addresses
recorded, compressed copies) with the search index off: a build that makes
it takes the full path. BULLETIN_SITEURL defaults to an example address.
The publish goes to a folder target under DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from .bench import synthetic_content
from .measure import Measurement, reported_path, run_measured, worker_command
from .notes import extra_note, write_note

ROOT = Path(__file__).resolve().parents[2]
PUBLISH = str(ROOT / "publishconf.py")


def overrides(workdir: Path, **more) -> dict:
    return {
        "PATH": str(workdir / "content"),
        "OUTPUT_PATH": str(workdir / "production-output"),
        "CACHE_PATH": str(workdir / "production-cache"),
        "COMPRESS": {"enabled": True, "cache": str(workdir / "production-compressed")},
        "SEARCH": {"index": False},
        **more,
    }


def publish_worker(spec: dict) -> None:
    """One `invoke publish` to a folder (scripts/publish), as the desk runs
    it, with the benchmark's overrides; prints the build's path.
    """
    import logging

    from scripts.publish import publish

    from .marks import PATH_MARK
    from .worker import report_peak

    class PathLine(logging.Handler):
        def emit(self, record) -> None:
            message = record.getMessage()
            if message.startswith("build path: "):
                print(f"{PATH_MARK} {message.removeprefix('build path: ')}")

    paths = logging.getLogger("scripts.fast_build")
    paths.setLevel(logging.INFO)
    paths.addHandler(PathLine())
    report = publish(PUBLISH, spec["target"], overrides=spec["overrides"])
    print(f"bench production: published {report.release}, {len(report.sent)} sent")
    report_peak()


def measured(
    workdir: Path,
    label: str,
    argv: list[str],
    before: Callable[[], object] | None = None,
) -> Measurement:
    name = label.replace(" ", "-").replace(",", "")
    run = run_measured(label, argv, ROOT, workdir / f"{name}.log", before)
    if not run.ok:
        raise SystemExit(f"{label} failed:\n{run.log[-3000:]}")
    return run


def build_argv(workdir: Path, **more) -> list[str]:
    spec = {"settings_file": PUBLISH, "overrides": overrides(workdir, **more)}
    return worker_command("project", spec)


def publish_argv(workdir: Path, **more) -> list[str]:
    spec = {"target": str(workdir / "www"), "overrides": overrides(workdir, **more)}
    return [
        sys.executable,
        "-m",
        "scripts.bench.production",
        "--worker",
        json.dumps(spec),
    ]


def line(run: Measurement) -> str:
    path = (reported_path(run.log) or "?").split(" ", 1)[0]
    return (
        f"{run.label:<48} {path:<5} {run.wall_s:7.2f} s wall {run.cpu_s:7.2f} s CPU "
        f"{run.peak_mb:6.0f} MB  load {run.load[0]:.2f}->{run.load[1]:.2f}"
    )


def run(workdir: Path, notes: int, seed: int) -> Iterator[Measurement]:
    """Each measurement as it is made."""
    corpus, content = synthetic_content(
        ROOT, ROOT / "pelicanconf.py", workdir, notes, seed
    )
    count = notes

    def add_note() -> None:
        nonlocal count
        write_note(content, extra_note(count, corpus, seed))
        count += 1

    off = {"FAST_PATH": False}
    yield measured(workdir, "production cold", build_argv(workdir))
    yield measured(
        workdir,
        "production new note, fast path off",
        build_argv(workdir, **off),
        add_note,
    )
    # the index of a build with the fast path on (another setting: full)
    yield measured(workdir, "production nothing changed", build_argv(workdir))
    yield measured(workdir, "production new note", build_argv(workdir), add_note)
    yield measured(workdir, "publish first", publish_argv(workdir))
    yield measured(
        workdir,
        "publish new note, fast path off",
        publish_argv(workdir, **off),
        add_note,
    )
    yield measured(workdir, "publish nothing changed", publish_argv(workdir))
    yield measured(workdir, "publish new note", publish_argv(workdir), add_note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", help="work in this folder (kept)")
    parser.add_argument("--notes", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        publish_worker(json.loads(args.worker))
        return 0
    os.environ.setdefault("BULLETIN_SITEURL", "https://news.example.org")
    os.environ.setdefault("BULLETIN_ALLOW_SAMPLES", "1")
    if not args.keep:
        parser.error("--keep DIR is needed (the output and releases are large)")
    workdir = Path(args.keep).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for measurement in run(workdir, args.notes, args.seed):
        print(line(measurement), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Lighthouse (pinned in tests/package.json) on pages of a served site.

Lighthouse's default configuration is its mobile preset: a Moto G Power
screen, simulated slow 4G (150 ms RTT, 1.6 Mbit/s) and a 4× slower CPU.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
CHROME_FLAGS = ("--headless=new", *CHROMIUM_ARGS)


@dataclass(frozen=True)
class LighthouseResult:
    label: str
    url: str
    scores: dict[str, int]  # category id -> 0..100
    metrics: dict[str, str]  # audit id -> display value
    failed: tuple[str, ...]  # "category: audit title" of audits below 1


def lighthouse_command(cli: Path, url: str, output: Path) -> list[str]:
    return [
        "node",
        str(cli),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--quiet",
    ]


def read_report(label: str, report: dict) -> LighthouseResult:
    """Scores, key metrics and the audits that cost points, from a JSON report."""
    categories = report["categories"]
    audits = report["audits"]
    failed = []
    for cid, category in categories.items():
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and (audit.get("score") or 0) < 1:
                failed.append(f"{cid}: {audit['title']}")
    return LighthouseResult(
        label=label,
        url=report["finalDisplayedUrl"],
        scores={c: round((v.get("score") or 0) * 100) for c, v in categories.items()},
        metrics={
            m: audits[m].get("displayValue", "").replace("\xa0", " ")
            for m in METRICS
            if m in audits
        },
        failed=tuple(failed),
    )


def run_lighthouse(
    cli: Path, label: str, url: str, output: Path, chrome: str = CHROMIUM
) -> LighthouseResult:
    env = {**os.environ, "CHROME_PATH": chrome}
    done = subprocess.run(
        lighthouse_command(cli, url, output),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not output.is_file():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    return read_report(label, json.loads(output.read_text(encoding="utf-8")))


def format_lighthouse(results: list[LighthouseResult], version: str = "") -> str:
    """A Markdown table (README-ready) and the audits that cost points."""
    names = {
        "performance": "Performance",
        "accessibility": "Accessibility",
        "best-practices": "Best practices",
        "seo": "SEO",
    }
    head = ["page", *(names[c] for c in CATEGORIES), "FCP", "LCP", "TBT", "CLS"]
    lines = [
        f"Lighthouse {version} (mobile preset: emulated phone, slow 4G, 4× CPU)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for r in results:
        label = f"{r.label} (`{urlparse(r.url).path}`)"
        cells = [label, *(str(r.scores.get(c, "-")) for c in CATEGORIES)]
        cells += [r.metrics.get(m, "-") for m in METRICS[:3]]
        cells.append(r.metrics.get("cumulative-layout-shift", "-"))
        lines.append("| " + " | ".join(cells) + " |")
    for r in results:
        for audit in r.failed:
            lines.append(f"- {r.label}: {audit}")
    return "\n".join(lines)

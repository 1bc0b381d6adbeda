"""The Nu HTML Checker (vnu.jar) over many files in one Java process."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NuMessage:
    file: str
    line: int | None
    kind: str  # "error", "info" (a warning has subType "warning"), "non-document-error"
    message: str
    extract: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.kind}: {self.message} [{self.extract.strip()}]"


# One short run over a few hundred files: the quick compiler alone (C1) does
# it in half the CPU time of the default tiered JIT, whose optimising
# compiler threads never pay back; same report. C1's deeper stack frames
# need more than the default thread stack for the HTML schema (vnu asks for
# at least 512k).
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss4m")


def vnu_command(jar: Path, files: list[Path], java: str = "java") -> list[str]:
    """Errors only, as JSON on stdout; CSS files are checked too."""
    return [
        java,
        *JAVA_OPTIONS,
        "-jar",
        str(jar),
        "--errors-only",
        "--format",
        "json",
        "--stdout",
        "--also-check-css",
        *map(str, files),
    ]


def parse_vnu_json(text: str) -> list[NuMessage]:
    data = json.loads(text)
    return [
        NuMessage(
            file=m.get("url", "").removeprefix("file:"),
            line=m.get("lastLine"),
            kind=m.get("type", ""),
            message=m.get("message", ""),
            extract=m.get("extract", ""),
        )
        for m in data.get("messages", [])
    ]


def check_files(jar: Path, files: list[Path], java: str = "java") -> list[NuMessage]:
    """Every error the checker reports for `files` (empty list: all valid)."""
    done = subprocess.run(
        vnu_command(jar, files, java), capture_output=True, text=True, check=False
    )
    if not done.stdout.strip():
        raise RuntimeError(f"vnu.jar gave no report: {done.stderr.strip()[-2000:]}")
    return parse_vnu_json(done.stdout)

"""The pinned Node tools of the quality checks, installed under tests/.

tests/package.json and tests/package-lock.json pin axe-core, vnu-jar (the Nu
HTML Checker) and Lighthouse; `invoke node-deps` installs them with `npm ci`
into tests/node_modules/ when what is installed differs from the lock file.
"""

from __future__ import annotations

import json
from pathlib import Path

NODE_DIR = Path("tests")


def node_modules(root: Path) -> Path:
    return root / NODE_DIR / "node_modules"


def axe_script(root: Path) -> Path:
    return node_modules(root) / "axe-core" / "axe.min.js"


def vnu_jar(root: Path) -> Path:
    return node_modules(root) / "vnu-jar" / "build" / "dist" / "vnu.jar"


def lighthouse_cli(root: Path) -> Path:
    return node_modules(root) / "lighthouse" / "cli" / "index.js"


def locked_versions(lock: dict) -> dict[str, str]:
    """{'node_modules/axe-core': '4.14.1', ...} from a package-lock.json."""
    return {
        path: entry["version"]
        for path, entry in lock.get("packages", {}).items()
        if path and "version" in entry
    }


def installed_matches(lock: dict, installed: dict | None) -> bool:
    """True if npm's record of node_modules (its .package-lock.json) has
    exactly the locked packages at the locked versions.
    """
    if installed is None:
        return False
    return locked_versions(lock) == locked_versions(installed)


def node_deps_current(root: Path) -> bool:
    lock = json.loads((root / NODE_DIR / "package-lock.json").read_text("utf-8"))
    record = node_modules(root) / ".package-lock.json"
    installed = json.loads(record.read_text("utf-8")) if record.is_file() else None
    return installed_matches(lock, installed)


def npm_ci_command(root: Path) -> list[str]:
    """Npm ci without install scripts: vnu-jar's would download a Java runtime
    (the system's Java runs vnu.jar).
    """
    return [
        "npm",
        "ci",
        "--prefix",
        str(root / NODE_DIR),
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
    ]

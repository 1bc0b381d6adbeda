"""Debian's Chromium, started as this machine needs it: no sandbox (the
checks run as root), and no background connections (the network is closed).
Used by the browser tests (through Playwright) and by Lighthouse.
"""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

"""The shipped web server configurations, with a site's values filled in."""

from __future__ import annotations

import re
from pathlib import Path

FOLDER = Path(__file__).with_name("servers")
CONFIGS = {"nginx": "nginx.conf", "caddy": "Caddyfile"}
SAFE = re.compile(r"^[A-Za-z0-9._:/\[\]-]+$")


def server_config(kind: str, root: str, name: str, listen: str = "80") -> str:
    """The nginx or Caddy configuration for a publish target folder `root`."""
    if kind not in CONFIGS:
        raise ValueError(f"server-config: choose one of {', '.join(CONFIGS)}")
    for label, value in (("root", root), ("name", name), ("listen", listen)):
        if not SAFE.match(value):
            raise ValueError(
                f"server-config: --{label} '{value}' has characters "
                "a server configuration cannot take"
            )
    text = (FOLDER / CONFIGS[kind]).read_text(encoding="utf-8")
    return (
        text.replace("@ROOT@", root.rstrip("/"))
        .replace("@NAME@", name)
        .replace("@LISTEN@", listen)
    )

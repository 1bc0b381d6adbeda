"""The Debian packages the build and the tests need, installed when missing."""

from __future__ import annotations

import os

# Each package with the file that shows it installed. The build needs a
# Devanagari font and FriBiDi: Pillow's wheel loads FriBiDi from the system
# for raqm (Devanagari shaping on WhatsApp preview cards).
BUILD_PACKAGES = {
    "fonts-noto-core": "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    "libfribidi0": "/usr/share/doc/libfribidi0/copyright",
}
# The tests also drive Chromium and newsboat; Java runs the Nu HTML Checker
# (vnu.jar) and npm installs the pinned Node tools (invoke node-deps).
TEST_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "newsboat": "/usr/bin/newsboat",
    "default-jre-headless": "/usr/bin/java",
    "npm": "/usr/bin/npm",
    # invoke publish needs rsync and ssh; its tests start Debian's sshd,
    # nginx (with the brotli_static module) and Caddy on loopback
    "rsync": "/usr/bin/rsync",
    "openssh-client": "/usr/bin/ssh",
    "openssh-server": "/usr/sbin/sshd",
    "nginx": "/usr/sbin/nginx",
    "libnginx-mod-http-brotli-static": (
        "/usr/share/nginx/modules-available/mod-http-brotli-static.conf"
    ),
    "caddy": "/usr/bin/caddy",
    # a font without Devanagari (the preview cards' font check refuses it)
    "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    # invoke bench compares publishing one note with Hugo's full build
    "hugo": "/usr/bin/hugo",
}


def missing_packages(tests: bool) -> list[str]:
    wanted = {**BUILD_PACKAGES, **(TEST_PACKAGES if tests else {})}
    return [pkg for pkg, path in wanted.items() if not os.path.exists(path)]


def install_commands(packages: list[str]) -> list[str]:
    """apt-get commands installing `packages` (through sudo unless root)."""
    if not packages:
        return []
    sudo = "" if os.geteuid() == 0 else "sudo "
    return [
        f"{sudo}apt-get update -qq",
        f"{sudo}apt-get install -y -qq --no-install-recommends {' '.join(packages)}",
    ]

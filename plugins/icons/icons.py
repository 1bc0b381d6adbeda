"""The site's icons: favicon.ico, PNG icons for phones' home screens and a web
app manifest, written at the site root (so /favicon.ico is never missing).

register() only connects signals; the drawing is in draw.py. The icon is
the SITE_ICONS letter on the header's colour, drawn with Noto Sans
Devanagari (the font the WhatsApp preview cards need too).
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from plugins.core.files import write_atomic
from plugins.core.settings import namespaced

from .draw import icon_files, manifest

SETTING = "SITE_ICONS"
MANIFEST = "manifest.webmanifest"  # linked by theme/templates/base.html
DEFAULTS = {
    # The letter on the icon (the first letter of the district's name).
    "text": "र",
    # A short name under the icon on a phone's home screen.
    "short_name": "रतलाम बुलेटिन",
    "background": "#12355b",
    "color": "#ffffff",
    "font": "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Bold.ttf",
}


def plugin_settings(settings: dict) -> dict:
    conf = namespaced(settings, SETTING, DEFAULTS, "icons")
    if not conf["text"].strip() or len(conf["text"]) > 3:
        raise ValueError(f"icons: '{SETTING}[\"text\"]' must be one letter, like 'र'")
    if not Path(conf["font"]).is_file():
        raise ValueError(
            f"icons: '{SETTING}[\"font\"]' = {conf['font']!r} is not a file; "
            "install Debian's fonts-noto-core ('.venv/bin/invoke system-deps')"
        )
    return conf


class IconsGenerator(Generator):
    def generate_context(self):
        self.conf = plugin_settings(self.settings)

    def generate_output(self, writer):
        conf = self.conf
        out = Path(self.output_path)
        files = icon_files(
            conf["text"], conf["font"], conf["background"], conf["color"]
        )
        site = self.settings["SITEURL"]
        files[MANIFEST] = manifest(
            self.settings["SITENAME"],
            conf["short_name"],
            f"{site}/",
            {"background_color": "#ffffff", "theme_color": conf["background"]},
        )
        for name, data in files.items():
            write_atomic(out / name, data)


def get_generators(pelican):
    return IconsGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)

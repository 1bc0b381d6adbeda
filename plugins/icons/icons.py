"""The site's icons: favicon.ico, PNG icons for phones' home screens and a web
app manifest, written at the site root (so /favicon.ico is never missing).

register() only connects signals; the drawing is in draw.py. The icon is
the SITE_ICONS letter on the header's colour, drawn with Noto Sans
Devanagari (the font the WhatsApp preview cards need too). Drawing and
compressing take about a second, so the files are kept in a cache folder
named by a hash of what they are made from and put into the output as hard
links, like the photo copies.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from PIL import features

from plugins.core.files import cache_folder, file_digest, place, write_atomic
from plugins.core.settings import namespaced

from .draw import ICON_FILES, cache_key, icon_files, manifest

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
    # Cache folder, relative to the folder that holds PATH.
    "cache": "cache/icons",
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
    if not features.check("raqm"):
        raise ValueError(
            "icons: Pillow cannot shape Devanagari here (no raqm layout), so the "
            "icon would print a broken letter; install Debian's libfribidi0 "
            "('.venv/bin/invoke system-deps'): Pillow's wheel bundles raqm and "
            "HarfBuzz but loads FriBiDi from the system"
        )
    return conf


class IconsGenerator(Generator):
    def generate_context(self):
        self.conf = plugin_settings(self.settings)

    def cached_icons(self) -> Path:
        """The folder of this build's icon files, made if missing."""
        conf = self.conf
        drawing = (conf["text"], conf["font"], conf["background"], conf["color"])
        key = cache_key(conf["text"], file_digest(conf["font"]), *drawing[2:])
        folder = cache_folder(self.settings, conf["cache"]) / key
        if not all((folder / name).is_file() for name in ICON_FILES):
            for name, data in icon_files(*drawing).items():
                write_atomic(folder / name, data)
        return folder

    def generate_output(self, writer):
        conf = self.conf
        out = Path(self.output_path)
        folder = self.cached_icons()
        for name in ICON_FILES:
            place(folder / name, out / name)
        site = self.settings["SITEURL"]
        data = manifest(
            self.settings["SITENAME"],
            conf["short_name"],
            f"{site}/",
            {"background_color": "#ffffff", "theme_color": conf["background"]},
        )
        write_atomic(out / MANIFEST, data)


def get_generators(pelican):
    return IconsGenerator


def on_initialized(pelican) -> None:
    plugin_settings(pelican.settings)


def register() -> None:
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(get_generators)

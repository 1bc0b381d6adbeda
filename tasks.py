"""Tasks for the bulletin (run through `make`, or `.venv/bin/invoke <task>`).

Thin wrappers: the work lives in plugins/.
"""

from __future__ import annotations

import logging
import os
import sys

from invoke import task

SETTINGS = "pelicanconf.py"
PUBLISH_SETTINGS = "publishconf.py"
# Debian packages the tests need, each with the file that shows it installed.
SYSTEM_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "newsboat": "/usr/bin/newsboat",
    "fonts-noto-core": "/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",
    # Pillow's wheel loads FriBiDi from the system for raqm (Devanagari shaping
    # on WhatsApp preview cards); without it cards would show broken conjuncts.
    "libfribidi0": "/usr/share/doc/libfribidi0/copyright",
}


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    logging.getLogger("pelican").setLevel(logging.WARNING)


@task(help={"production": "use publishconf.py (needs BULLETIN_SITEURL)"})
def build(c, production=False):
    """Build the bulletin into output/ (replaced only if the build succeeds)."""
    from plugins.site_build import build_and_report

    _logging()
    if not build_and_report(PUBLISH_SETTINGS if production else SETTINGS):
        sys.exit(1)


@task(help={"port": "port to serve on (default 8000)", "bind": "address"})
def serve(c, port=8000, bind="127.0.0.1"):
    """Build, serve on http://127.0.0.1:8000 and rebuild when content changes."""
    from plugins.site_build import BuildFailed
    from plugins.site_build import serve as serve_site

    _logging()
    try:
        serve_site(SETTINGS, bind=bind, port=int(port))
    except BuildFailed as e:
        sys.exit(str(e))
    except KeyboardInterrupt:
        pass


@task
def check(c):
    """Check every press note and the registries without building."""
    from pelican.settings import read_settings

    from plugins.press_notes import ContentError, check_content

    settings = read_settings(SETTINGS)
    root = settings["PATH"]
    notes = [
        os.path.relpath(os.path.join(d, f), root)
        for path in settings["ARTICLE_PATHS"]
        for d, _, files in os.walk(os.path.join(root, path))
        for f in files
        if f.endswith(".md")
    ]
    try:
        check_content(settings, notes)
    except ContentError as e:
        sys.exit(str(e))
    print(f"{len(notes)} notes checked: no problems")


@task(
    help={
        "thana": "police station (name from content/registry/thanas.toml)",
        "category": "category (name from content/registry/categories.toml)",
        "reporter": "reporter; default: $BULLETIN_REPORTER or PRESS_NOTES setting",
    }
)
def new(c, title, thana, category="", reporter=""):
    """Start a press note with this title (never overwrites a file)."""
    from pathlib import Path

    from pelican.settings import read_settings

    from plugins.press_notes import ContentError, registry_for
    from plugins.press_notes.new_note import NewNoteError, create_note
    from plugins.press_notes.press_notes import plugin_settings

    settings = read_settings(SETTINGS)
    reporter = (
        reporter
        or os.environ.get("BULLETIN_REPORTER", "")
        or plugin_settings(settings)["default_reporter"]
    )
    try:
        path = create_note(
            Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0],
            registry_for(settings),
            title=title,
            thana=thana,
            category=category,
            reporter=reporter,
        )
    except (NewNoteError, ContentError) as e:
        sys.exit(f"new: {e}")
    print(f"created {os.path.relpath(path)}: fill in the empty fields and the text")


@task(
    help={"text": "Hindi text", "more": "another text (repeat for several)"},
    iterable=["more"],
)
def slugify(c, text, more=None):
    """Print the romanized URL slug of each text: invoke slugify "…" [-m "…" …]."""
    from plugins.hindi_text.slugs import slugify as make_slug

    for t in [text, *(more or [])]:
        print(make_slug(t))


@task(
    help={
        "in_place": "replace the file, keeping a .krutidev.bak backup",
        "output": "write the Unicode text to this new file",
    }
)
def krutidev(c, path, in_place=False, output=None):
    """Convert a note typed in Kruti Dev 010 to Unicode Hindi (new file by default)."""
    from pathlib import Path

    from plugins.hindi_text.krutidev import convert_file

    try:
        written = convert_file(
            Path(path), Path(output) if output else None, in_place=in_place
        )
    except (FileExistsError, ValueError, OSError) as e:
        sys.exit(f"krutidev: {e}")
    print(
        f"wrote {written}"
        + (f" (original kept in {path}.krutidev.bak)" if in_place else "")
    )


@task(
    iterable=["group"],
    help={
        "dry_run": "show what would be offered; record nothing",
        "json": "print {group id: [note URLs]} of the admin page's batch",
        "group": "only this group id (repeat, or separate with commas)",
        "since": "only notes dated from this day on (YYYY-MM-DD)",
        "production": "use publishconf.py (needs BULLETIN_SITEURL)",
    },
)
def share(c, dry_run=False, json=False, group=None, since=None, production=False):
    """Offer each WhatsApp group its new notes: ledger, then output/share/."""
    import contextlib
    import json as json_lib

    from plugins.press_notes import ContentError
    from plugins.whatsapp import ShareError, describe
    from plugins.whatsapp import share as share_notes

    _logging()
    groups = [g.strip() for item in group or () for g in item.split(",") if g.strip()]
    try:
        # Pelican reports on stdout; keep stdout for the JSON (or summary) alone.
        with contextlib.redirect_stdout(sys.stderr):
            result = share_notes(
                PUBLISH_SETTINGS if production else SETTINGS,
                dry_run=dry_run,
                groups=groups,
                since=since,
            )
    except (ShareError, ContentError, ValueError) as e:
        sys.exit(str(e))
    if json:
        print(json_lib.dumps(result.batch, ensure_ascii=False, indent=2))
    else:
        print(describe(result))


@task(name="system-deps")
def system_deps(c):
    """Install the Debian packages the tests need (chromium, a Devanagari font)."""
    missing = [pkg for pkg, path in SYSTEM_PACKAGES.items() if not os.path.exists(path)]
    if not missing:
        return
    sudo = "" if os.geteuid() == 0 else "sudo "
    print(f"installing Debian packages: {' '.join(missing)}")
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    c.run(f"{sudo}apt-get update -qq", env=env)
    c.run(
        f"{sudo}apt-get install -y -qq --no-install-recommends {' '.join(missing)}",
        env=env,
    )


@task
def lint(c):
    """ruff check and format check."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m ruff format --check .")


@task(help={"k": "only tests matching this expression"})
def test(c, k=""):
    """Run the whole test suite (lint first)."""
    lint(c)
    select = f" -k {k!r}" if k else ""
    c.run(f"{sys.executable} -m pytest{select}", pty=False)

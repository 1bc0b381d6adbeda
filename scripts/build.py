"""Build the bulletin into a staging folder and swap it in only on success.

A failed build (bad content, a template error, any error logged while
building) leaves the published output folder exactly as it was. Unchanged
note pages are linked from the published folder by the page_reuse plugin,
which this driver points at that folder (PAGE_REUSE["published"]).
"""

from __future__ import annotations

import logging
import os
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from plugins.core.core import plugin_problems
from plugins.core.errors import BuildFailed, BulletinError, SettingError, display_path
from plugins.core.messages import _, ngettext_, set_language
from plugins.page_reuse import pages_reused

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    notes: int
    pages: int
    warnings: int
    reused: int = 0


class _Collector(logging.Handler):
    """Counts warnings and keeps the errors logged during one build."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.errors: list[str] = []
        self.warnings = 0

    def emit(self, record):
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
        else:
            self.warnings += 1


def staging_path(output: Path) -> Path:
    """The folder a build writes into, beside the output (same filesystem)."""
    return output.parent / f".{output.name}.staging"


def previous_path(output: Path) -> Path:
    return output.parent / f".{output.name}.previous"


def template_place(error: BaseException) -> str:
    """Where in a template an error was raised, as " (file, line N)", or "".

    Jinja names the frames of a running template after its file.
    """
    frames = traceback.extract_tb(error.__traceback__)
    in_templates = [f for f in frames if f.filename.endswith(".html")]
    if not in_templates:
        return ""
    where = in_templates[-1]
    return f" ({display_path(where.filename)}, line {where.lineno})"


def swap_in(staging: Path, output: Path) -> None:
    """Replace `output` with `staging` by two renames; no partial state stays."""
    previous = previous_path(output)
    shutil.rmtree(previous, ignore_errors=True)
    if output.exists():
        os.replace(output, previous)
    os.replace(staging, output)
    shutil.rmtree(previous, ignore_errors=True)


def load_settings(settings_file: str, overrides: dict | None = None) -> dict:
    return read_settings(settings_file, override=dict(overrides or {}))


def build(settings_file: str, overrides: dict | None = None) -> BuildResult:
    """Build the site; raise BuildFailed (output untouched) on any error."""
    settings = load_settings(settings_file, overrides)
    set_language(settings)
    output = Path(settings["OUTPUT_PATH"])
    if output.is_symlink():
        raise BuildFailed(
            _(
                "%(output)s is a link; the build replaces the output folder as a "
                "whole, so make it a folder (publish to a web server's folder "
                "with `invoke publish`)",
                output=display_path(output),
            )
        )
    staging = staging_path(output)
    shutil.rmtree(staging, ignore_errors=True)
    reuse = {**(settings.get("PAGE_REUSE") or {}), "published": str(output)}
    run_settings = load_settings(
        settings_file,
        {
            **(overrides or {}),
            "OUTPUT_PATH": str(staging),
            "PAGE_REUSE": reuse,
        },
    )
    wanted = [str(p) for p in run_settings.get("PLUGINS") or ()]
    if problems := plugin_problems(wanted, wanted):
        raise BuildFailed("PLUGINS: " + "; ".join(problems))
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        pelican = Pelican(run_settings)
        # Pelican has replaced PLUGINS with the plugins it could load.
        if problems := plugin_problems(wanted, run_settings["PLUGINS"]):
            raise SettingError("PLUGINS: " + "; ".join(problems))
        pelican.run()
    except BulletinError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed("\n".join([str(e), *collector.errors])) from e
    except Exception as e:
        shutil.rmtree(staging, ignore_errors=True)
        error = f"{e.__class__.__name__}: {e}{template_place(e)}"
        raise BuildFailed(_("the build stopped: %(error)s", error=error)) from e
    finally:
        root.removeHandler(collector)
    if collector.errors:
        shutil.rmtree(staging, ignore_errors=True)
        listed = "\n".join(f"  {m}" for m in collector.errors)
        head = ngettext_(
            "%(num)s error while building:",
            "%(num)s errors while building:",
            len(collector.errors),
        )
        raise BuildFailed(f"{head}\n{listed}")
    swap_in(staging, output)
    notes = sum(1 for _ in output.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    pages = sum(1 for _ in output.rglob("*.html"))
    reused = pages_reused(pelican)
    return BuildResult(output, notes, pages, collector.warnings, reused)


def report(result: BuildResult) -> str:
    return _(
        "built %(notes)s notes, %(pages)s HTML pages into %(output)s "
        "(%(reused)s unchanged note pages reused, %(warnings)s warnings)",
        notes=result.notes,
        pages=result.pages,
        output=result.output,
        reused=result.reused,
        warnings=result.warnings,
    )


def build_and_report(settings_file: str, overrides: dict | None = None) -> bool:
    """Build once, log the outcome; True on success."""
    try:
        logger.info("%s", report(build(settings_file, overrides)))
        return True
    except BuildFailed as e:
        logger.error("%s\n%s", _("Nothing was published; the site is as it was."), e)
        return False

"""Build the bulletin into a staging folder and swap it in only on success.

A failed build (bad content, a template error, any error logged while
building) leaves the published output folder exactly as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican
from pelican.plugins import signals
from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer
from pelican.settings import read_settings
from pelican.utils import wait_for_changes

from plugins.press_notes import ContentError

from .cache import reader_cache_key, versioned_cache_path
from .reuse import PageReuse, writer_for

logger = logging.getLogger(__name__)


class BuildFailed(Exception):
    """The build did not finish cleanly; the output folder was not touched."""


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
    output = Path(settings["OUTPUT_PATH"])
    staging = staging_path(output)
    shutil.rmtree(staging, ignore_errors=True)
    cache = versioned_cache_path(
        Path(settings["CACHE_PATH"]), reader_cache_key(settings)
    )
    run_settings = load_settings(
        settings_file,
        {**(overrides or {}), "OUTPUT_PATH": str(staging), "CACHE_PATH": str(cache)},
    )
    reuse = PageReuse(output, Path(settings["CACHE_PATH"]), settings)
    get_writer = writer_for(reuse)
    signals.get_writer.connect(get_writer)
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        pelican = Pelican(run_settings)
        pelican.run()
    except ContentError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(e)) from e
    except Exception as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(f"the build stopped: {e.__class__.__name__}: {e}") from e
    finally:
        root.removeHandler(collector)
        signals.get_writer.disconnect(get_writer)
    if collector.errors:
        shutil.rmtree(staging, ignore_errors=True)
        listed = "\n".join(f"  {m}" for m in collector.errors)
        raise BuildFailed(
            f"{len(collector.errors)} error(s) while building; nothing was "
            f"published:\n{listed}"
        )
    reuse.forget()
    swap_in(staging, output)
    reuse.save()
    notes = sum(1 for _ in output.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    pages = sum(1 for _ in output.rglob("*.html"))
    return BuildResult(output, notes, pages, collector.warnings, reuse.reused)


def report(result: BuildResult) -> str:
    return (
        f"built {result.notes} notes, {result.pages} HTML pages into "
        f"{result.output} ({result.reused} unchanged note pages reused, "
        f"{result.warnings} warnings)"
    )


def build_and_report(settings_file: str, overrides: dict | None = None) -> bool:
    """Build once, log the outcome; True on success."""
    try:
        logger.info("%s", report(build(settings_file, overrides)))
        return True
    except BuildFailed as e:
        logger.error("build failed, the previous site is unchanged:\n%s", e)
        return False


class BulletinRequestHandler(ComplexHTTPRequestHandler):
    """Pelican's request handler, answering a missing page with the site's 404.

    (Pelican's own handler closes the connection without any response.)
    """

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if self.get_path_that_exists(path) is not None:
            return super().do_GET()
        page = Path(self.base_path) / "404.html"
        body = page.read_bytes() if page.is_file() else b"404"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def make_server(output: Path, bind: str, port: int) -> RootedHTTPServer:
    """An HTTP server for the output folder (port 0 picks a free port)."""
    RootedHTTPServer.allow_reuse_address = True
    return RootedHTTPServer(str(output), (bind, port), BulletinRequestHandler)


def serve(
    settings_file: str,
    bind: str = "127.0.0.1",
    port: int = 8000,
    overrides: dict | None = None,
) -> None:
    """Build, serve the output with Pelican's server, rebuild on every change."""
    settings = load_settings(settings_file, overrides)
    output = Path(settings["OUTPUT_PATH"])
    if not build_and_report(settings_file, overrides) and not output.exists():
        raise BuildFailed("nothing to serve: fix the problems above and try again")
    httpd = make_server(output, bind, port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    logger.info(
        "serving http://%s:%s/ — edit content/ and the site rebuilds", bind, port
    )
    while True:
        changed = wait_for_changes(settings_file, settings)
        logger.info("changed: %s", ", ".join(sorted(p for _, p in changed)))
        build_and_report(settings_file, overrides)

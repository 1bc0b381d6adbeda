"""Serve a built site as a static host would: `make serve` (build, serve,
rebuild on every change) and the loopback server of the browser checks.

Pelican's development server (pelican.server) finds pages the same way, but
answers a missing path by closing the connection; a static host configured
for the bulletin answers 404 with the site's 404.html. Browser checks and
Lighthouse see the second behaviour here (a missing /favicon.ico or
/robots.txt is a plain 404, not a network error).
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus, server
from pathlib import Path

from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer
from pelican.utils import wait_for_changes

from plugins.core import children
from plugins.core.errors import BuildFailed, CommandError
from plugins.core.messages import _, set_language

from .build import build_and_report, load_settings

logger = logging.getLogger(__name__)

NOT_FOUND_PAGE = "404.html"


class StaticHostHandler(ComplexHTTPRequestHandler):
    """Pelican's handler, quiet, with a real 404 response."""

    path: str

    def log_message(self, *args):
        pass

    def existing_path(self, request_path: str) -> str | None:
        trailing_slash = request_path.endswith("/")
        base = request_path.rstrip("/")
        for suffix in self.SUFFIXES:
            if suffix == "/" and not trailing_slash:
                continue  # let the base class redirect to the slash URL
            if Path(self.translate_path(base + suffix)).exists():
                return base + suffix
        return None

    def do_GET(self):
        found = self.existing_path(self.path.split("?", 1)[0])
        if found is None:
            self.send_not_found()
            return
        self.path = found
        server.SimpleHTTPRequestHandler.do_GET(self)

    def send_not_found(self) -> None:
        page = Path(self.base_path) / NOT_FOUND_PAGE
        body = page.read_bytes() if page.is_file() else b"not found"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(RootedHTTPServer):
    """A browser that stops loading a page (a tap on another link, a phone
    going to sleep) closes its connection mid-answer: not an error, and no
    traceback for the reporter's terminal. Other errors are printed.
    """

    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(site: Path, bind: str, port: int) -> RootedHTTPServer:
    """An HTTP server for the output folder (port 0 picks a free port)."""
    # RootedHTTPServer sets base_path on the handler class: one class per server.
    handler = type("SiteHandler", (StaticHostHandler,), {})
    return QuietServer(str(site), (bind, port), handler)


@contextmanager
def served(site: Path, bind: str = "127.0.0.1") -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while `site` is served."""
    httpd = make_server(site, bind, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{bind}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def not_here(bind: str) -> str:
    return _(
        "serve: %(bind)s is not an address of this computer; leave out "
        "--bind to serve on 127.0.0.1",
        bind=bind,
    )


def listening_server(site: Path, bind: str, port: int) -> RootedHTTPServer:
    """make_server, or a CommandError saying why the port cannot be had
    (another server on it, a port below 1024, an address not of this
    machine) and how to choose another.
    """
    if not 0 < port < 65536:
        raise CommandError(
            _(
                "serve: there is no port %(port)s; choose one from 1024 to 65535: "
                "make serve PORT=8001",
                port=port,
            )
        )
    try:
        return make_server(site, bind, port)
    except socket.gaierror:
        raise CommandError(not_here(bind)) from None
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            message = _(
                "serve: a server is already running on port %(port)s (perhaps "
                "an earlier make serve); stop it, or choose another port: "
                "make serve PORT=%(other)s (or .venv/bin/invoke serve --port "
                "%(other)s)",
                port=port,
                other=free_port(bind, port),
            )
        elif e.errno == errno.EACCES:
            message = _(
                "serve: port %(port)s may not be used by this user (ports "
                "below 1024 need root); choose one from 1024 up: make serve "
                "PORT=8000",
                port=port,
            )
        elif e.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            message = not_here(bind)
        else:
            raise
        raise CommandError(message) from None


def free_port(bind: str, busy: int) -> int:
    """A port after `busy` (from 1024 on, wrapping past 65535; from 8000 on
    for a port below 1024) that is free on `bind` now, to suggest in place
    of a busy one; `busy` + 1 if none of the next hundred is.
    """
    # below 1024 (root's ports): suggest from 8000 on
    start = busy if busy >= 1024 else 7999
    for step in range(1, 101):
        port = 1024 + (start + step - 1024) % (65536 - 1024)
        family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((bind, port))
            except OSError:
                continue
        return port
    return busy + 1


def serve(
    settings_file: str,
    bind: str = "127.0.0.1",
    port: int = 8000,
    overrides: dict | None = None,
) -> None:
    """Build, serve the output, rebuild on every change (make serve).

    The port is taken before the first build, so a busy one is named at
    once, not after the build.
    """
    settings = load_settings(settings_file, overrides)
    set_language(settings)
    output = Path(settings["OUTPUT_PATH"])
    httpd = listening_server(output, bind, port)
    # worker processes forked by a build close the listening socket
    children.parent_only(httpd.fileno())
    try:
        built = build_and_report(settings_file, overrides)
    except BaseException:
        httpd.server_close()
        raise
    if not built and not output.exists():
        httpd.server_close()
        raise BuildFailed(
            _("serve: nothing to serve: fix the problems above and try again")
        )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(
        _(
            "serving http://%(bind)s:%(port)s/ (stop with Ctrl+C); edit a note "
            "under content/ and the site is built again",
            bind=bind,
            port=httpd.server_address[1],
        ),
        file=sys.stderr,
        flush=True,
    )
    while True:
        changed = wait_for_changes(settings_file, settings)
        logger.info("changed: %s", ", ".join(sorted(p for _, p in changed)))
        build_and_report(settings_file, overrides)

"""`make serve`: the bulletin is built, served, and rebuilt on an edit."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from support import ROOT, SETTINGS, new_content, note_text
from test_commands import invoke, make_repo

SERVE = (
    "import sys; from scripts.serve import serve; "
    "serve(sys.argv[1], port=int(sys.argv[2]), "
    "overrides={'PATH': sys.argv[3], 'OUTPUT_PATH': sys.argv[4]})"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


@pytest.mark.build
@pytest.mark.slow
def test_serve_builds_serves_and_rebuilds_on_change(tmp_path):
    content = new_content(tmp_path, {"2026/10/a.md": note_text()})
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SERVE,
            SETTINGS,
            str(port),
            str(content),
            str(tmp_path / "output"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/2026/10/namli-yatayat-shivir/"
        page = wait_for(lambda: fetch(url))
        assert page and "नामली थाने में यातायात जागरूकता शिविर" in page
        edited = note_text(title="नामली थाने में यातायात सप्ताह का समापन")
        for _ in range(10):  # the watcher may start after the first edit
            (content / "notes/2026/10/a.md").write_text(edited, encoding="utf-8")
            if wait_for(lambda: "सप्ताह का समापन" in (fetch(url) or ""), 3):
                break
        else:
            raise AssertionError("the edited note was not rebuilt")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nahin-hai/", timeout=2)
            raise AssertionError("a missing page was served")
        except urllib.error.HTTPError as missing:
            assert missing.code == 404
            assert "पृष्ठ नहीं मिला" in missing.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("hi", "पोर्ट {port} पर पहले से कोई सर्वर चल रहा है"),
        ("en", "a server is already running on port {port}"),
    ],
)
def test_a_busy_port_is_named_before_the_build(tmp_path, lang, expected):
    """Another serve on the port (a second terminal, another developer):
    the port and how to choose another, exit 1, no traceback, no build."""
    repo = make_repo(tmp_path)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        done = invoke(repo, "serve", "--port", str(port), lang=lang)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert expected.format(port=port) in done.stderr
    assert f"make serve PORT={port + 1}" in done.stderr
    assert f"invoke serve --port {port + 1}" in done.stderr
    # the port is taken before the build starts
    assert not (repo / "output").exists()
    assert not (repo / ".output.staging").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--port", "abc"), "--port के बाद पूर्ण संख्या दें (दिया गया: 'abc')"),
        (("--port", "8OO1"), "--port के बाद पूर्ण संख्या दें (दिया गया: '8OO1')"),
        (("--port", ""), "--port के बाद पूर्ण संख्या दें (दिया गया: '')"),
        (("--port", "70000"), "पोर्ट 70000 नहीं हो सकता"),
        (("--port=-1",), "पोर्ट -1 नहीं हो सकता"),
        (("--bind", "::1"), "::1 इस कंप्यूटर का पता नहीं है"),
    ],
)
def test_a_port_or_address_that_cannot_be_served_is_named(tmp_path, args, expected):
    """A mistyped port or an address serve cannot listen on: a Hindi stop
    naming it, exit 1, no traceback, nothing built."""
    repo = make_repo(tmp_path)
    done = invoke(repo, "serve", *args, lang="hi")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert expected in done.stderr
    assert not (repo / "output").exists()


def make_dry_run(*args: str, cwd=ROOT, **env: str) -> list[str]:
    """The commands `make -n ARGS` would run, with `env` in the environment."""
    done = subprocess.run(
        # (under `make test`, a make inside make would add its
        # "Entering/Leaving directory" lines)
        ["make", "-n", "--no-print-directory", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_make_serve_takes_the_port():
    assert make_dry_run("serve", "PORT=8001")[-1].endswith("serve --port '8001'")
    assert make_dry_run("serve")[-1].endswith("serve --port '8000'")
    # a PORT in the environment (container shells set one) is not the port
    assert make_dry_run("serve", PORT="3000")[-1].endswith("serve --port '8000'")
    # the value is one word: serve checks it, nothing else runs
    last = make_dry_run("serve", "PORT=8001 --bind 0.0.0.0; touch x'y")[-1]
    line = shlex.split(last)
    assert line[-2:] == ["--port", "8001 --bind 0.0.0.0; touch x'y"]


def test_make_installs_python3_venv_when_venv_cannot_work(tmp_path):
    """A stock Debian or Ubuntu has python3 without ensurepip (the
    python3-venv package): make says so and installs it before `-m venv`."""
    for name in ("Makefile", "requirements.txt"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    calls = tmp_path / "calls"
    python = tmp_path / "python3"
    python.write_text(
        f'#!/bin/sh\necho "python3 $*" >> {calls}\n'
        'case "$*" in *ensurepip*) exit 1;; esac\nexit 0\n'
    )
    sudo = tmp_path / "sudo"  # apt-get refused (no network, no root)
    sudo.write_text(f'#!/bin/sh\necho "sudo $*" >> {calls}\nexit 1\n')
    for script in (python, sudo):
        script.chmod(0o755)
    done = subprocess.run(
        ["make", "build", f"PYTHON={python}", f"SUDO={sudo}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "needs the Debian package python3-venv" in said
    assert "sudo apt-get install python3-venv" in said
    ran = calls.read_text().splitlines()
    assert ran[0] == "python3 -c import ensurepip"
    assert ran[1] == "sudo apt-get update -qq"
    assert "-m venv" not in " ".join(ran)


def held_pair() -> tuple[socket.socket, socket.socket]:
    """Two sockets listening on two ports in a row."""
    for _attempt in range(50):
        first = socket.socket()
        first.bind(("127.0.0.1", 0))
        port = first.getsockname()[1]
        second = socket.socket()
        try:
            second.bind(("127.0.0.1", port + 1))
        except OSError:
            first.close()
            second.close()
            continue
        first.listen()
        second.listen()
        return first, second
    raise AssertionError("no two free ports in a row")


def test_the_port_suggested_for_a_busy_one_is_free():
    from scripts.serve import free_port

    first, second = held_pair()
    with first, second:
        port = first.getsockname()[1]
        suggested = free_port("127.0.0.1", port)
        assert suggested > port + 1
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", suggested))
    # past the last port: back to the first unprivileged ones
    assert 1024 <= free_port("127.0.0.1", 65535) < 65535
    # a busy root's port (80): one from 8000 on, not one past 60000
    assert 8000 <= free_port("127.0.0.1", 80) < 8100


def test_a_browser_that_stops_loading_prints_no_traceback(tmp_path, capfd):
    """A phone that taps away while a page loads closes the connection
    mid-answer: `make serve` printed a Python traceback for it."""
    import struct

    from scripts.serve import served

    (tmp_path / "big.html").write_bytes(b"x" * 32_000_000)
    with served(tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        for _attempt in range(3):
            with socket.create_connection(("127.0.0.1", port)) as client:
                client.sendall(b"GET /big.html HTTP/1.1\r\nHost: x\r\n\r\n")
                client.recv(1024)  # the answer has begun
                # close with a reset, as a browser that gives up does
                client.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            time.sleep(0.5)
        # the server still answers
        with urllib.request.urlopen(f"{base}/big.html", timeout=30) as answer:
            assert len(answer.read()) == 32_000_000
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Broken pipe" not in err, err

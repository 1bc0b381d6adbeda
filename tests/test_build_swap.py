"""The published site is replaced whole or not at all (scripts/build.py):
the swap, the staging folders beside the output and the build lock, checked
on real folders and threads without building a site."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import ROOT, SETTINGS, build_site, new_content, note_text

from plugins.core.errors import BuildFailed
from scripts.build import (
    BuildResult,
    _Collector,
    build_busy,
    drop_staging,
    lock_path,
    new_staging,
    previous_path,
    report,
    site_lock,
    staging_path,
    swap_in,
    template_place,
    trash_folders,
)


def site(folder: Path, text: str) -> Path:
    (folder / "a").mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / "a" / "index.html").write_text(text, encoding="utf-8")
    return folder


def beside(output: Path) -> list[str]:
    """What is left beside the output once the background removal of the
    replaced one has ended (it is given 20 seconds).
    """
    deadline = time.monotonic() + 20
    while trash_folders(output) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(p.name for p in output.parent.iterdir())


def test_the_new_site_replaces_the_old_whole_and_nothing_is_left_beside_it(tmp_path):
    output = site(tmp_path / "output", "पुराना")
    (output / "gone.html").write_text("x", encoding="utf-8")
    staging = site(new_staging(output), "नया")
    assert staging.parent == tmp_path / ".output.staging"
    assert staging.name.startswith("build-")
    swap_in(staging, output)
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == [
        "a",
        "a/index.html",
        "index.html",
    ]
    assert (output / "a" / "index.html").read_text(encoding="utf-8") == "नया"
    assert not staging.exists()
    drop_staging(staging)
    assert beside(output) == ["output"]


def test_a_first_build_and_a_stale_previous_copy_are_handled(tmp_path):
    output = tmp_path / "output"
    stale = previous_path(output)
    assert stale == tmp_path / ".output.previous"
    site(stale, "बचा हुआ")  # left by a crash between the two renames
    swap_in(site(tmp_path / "new", "नया"), output)
    assert (output / "index.html").read_text(encoding="utf-8") == "नया"
    assert beside(output) == ["output"]


def test_a_dropped_staging_folder_leaves_other_builds_staging(tmp_path):
    output = tmp_path / "output"
    first, second = new_staging(output), new_staging(output)
    assert first != second and staging_path(output) == first.parent
    drop_staging(first)
    assert not first.exists() and second.is_dir()
    drop_staging(second)
    assert not staging_path(output).exists()


def test_the_lock_is_beside_the_output_and_held_against_other_threads(tmp_path):
    output = tmp_path / "site" / "output"
    lock = lock_path(output)
    assert lock == tmp_path / "site" / ".output.lock"
    busy = build_busy(output)
    assert str(output) in str(busy) and isinstance(busy, BuildFailed)
    results = []

    def other(wait: float) -> None:
        try:
            with site_lock(lock, busy, wait):
                results.append("built")
        except BuildFailed:
            results.append("busy")

    with site_lock(lock, busy):
        assert lock.is_file()
        thread = threading.Thread(target=other, args=(0.0,))
        thread.start()
        thread.join()
        # the same thread may take it again (a share run around its build) …
        with site_lock(lock, busy):
            pass
        # … unless it asks not to
        with pytest.raises(BuildFailed), site_lock(lock, busy, reentrant=False):
            pass
    assert results == ["busy"]
    # free again: another thread gets it, and one that waits gets it too
    thread = threading.Thread(target=other, args=(0.0,))
    thread.start()
    thread.join()
    assert results == ["busy", "built"]


def test_a_build_waiting_for_the_lock_gets_it_when_the_other_ends(tmp_path):
    lock = lock_path(tmp_path / "output")
    busy = build_busy(tmp_path / "output")
    got = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with site_lock(lock, busy):
            got.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    got.wait(5)
    threading.Timer(0.3, release.set).start()
    with site_lock(lock, busy, wait=5.0):
        assert release.is_set()
    thread.join()


def test_the_report_says_what_was_built():
    result = BuildResult(Path("output"), 12, 80, 1, 9)
    assert report(result) == (
        "built 12 notes, 80 HTML pages into output "
        "(9 unchanged note pages reused, 1 warnings)"
    )


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_build_in_another_process_keeps_the_lock_past_the_wait(tmp_path):
    # another `invoke build` or `invoke publish` on the same output
    lock = lock_path(tmp_path / "output")
    busy = build_busy(tmp_path / "output")
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock), "3"], stdout=subprocess.PIPE, text=True
    ) as other:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        started = time.monotonic()
        with pytest.raises(BuildFailed), site_lock(lock, busy, wait=0.5):
            pass
        assert 0.5 <= time.monotonic() - started < 2.5  # waited, then gave up
        other.wait(10)
    with site_lock(lock, busy):  # free once the other build ended
        pass


def test_a_template_error_names_the_template_and_line_it_is_in(tmp_path):
    # the page template includes a part; the mistake is in the part
    from jinja2 import Environment, FileSystemLoader

    (tmp_path / "article.html").write_text(
        "<h1>{{ title }}</h1>\n{% include 'share.html' %}\n", encoding="utf-8"
    )
    (tmp_path / "share.html").write_text(
        "<p>\n{{ count / 0 }}\n</p>\n", encoding="utf-8"
    )
    env = Environment(loader=FileSystemLoader(tmp_path))
    with pytest.raises(ZeroDivisionError) as raised:
        env.get_template("article.html").render(title="t", count=1)
    place = template_place(raised.value)
    assert place.startswith(" (") and place.endswith("share.html, line 2)"), place


def test_an_error_logged_during_a_build_is_kept_as_an_error():
    collector = _Collector()
    log = logging.getLogger("bulletin.test.collector")
    log.addHandler(collector)
    try:
        log.error("a photo is missing")
        log.warning("a summary is long")
        log.critical("the theme is broken")
    finally:
        log.removeHandler(collector)
    assert collector.errors == ["a photo is missing", "the theme is broken"]
    assert collector.warnings == 1


KILLED_BUILD = """
import sys
from scripts.build import build
content, output = sys.argv[1], sys.argv[2]
build(sys.argv[3], {"PATH": content, "OUTPUT_PATH": output,
                    "CACHE_PATH": output + "-cache"})
"""


@pytest.mark.build
def test_a_killed_build_leaves_no_staging_folder_once_the_next_one_ends(tmp_path):
    """A build killed outright (SIGKILL, the OOM killer) cannot remove its
    staging folder; the next build, holding the output's lock, does."""
    content = new_content(tmp_path, {"2026/a.md": note_text()})
    output = tmp_path / "site" / "output"
    argv = [sys.executable, "-c", KILLED_BUILD, str(content), str(output), SETTINGS]
    with subprocess.Popen(argv, cwd=ROOT) as killed:
        deadline = time.monotonic() + 120
        while not list(staging_path(output).glob("build-*")):
            assert killed.poll() is None, "the build ended before it was killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
    assert list(staging_path(output).glob("build-*")), "nothing left to sweep"
    # and one left by an older killed build, with a page in it
    site(staging_path(output) / "build-older", "पुराना")

    build_site(content, output, CACHE_PATH=str(output) + "-cache")
    assert (output / "2026/10/namli-yatayat-shivir/index.html").is_file()
    left = beside(output)
    assert not staging_path(output).exists(), left
    assert left == sorted(["output", "output-cache", lock_path(output).name])

"""One build at a time per output folder (issue 11.4): a lock held for the
whole build-and-swap, the same the share run takes; each build its own
staging folder.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import ROOT, build_site, new_content, note_text

from plugins.core.errors import BuildFailed
from scripts.build import lock_path, staging_path
from scripts.share import ShareError, share_lock

pytestmark = pytest.mark.build

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the lock file for `seconds`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def notes(n: int) -> dict[str, str]:
    return {
        f"2026/10/n{i}.md": note_text(slug=f"note-{i}", title=f"नामली थाना सूचना {i}")
        for i in range(n)
    }


def test_a_build_fails_clearly_while_another_holds_the_lock(tmp_path):
    content = new_content(tmp_path, notes(1))
    output = tmp_path / "output"
    holder = hold_lock(lock_path(output), 30)
    try:
        with pytest.raises(BuildFailed, match="another build"):
            build_site(content, output, BUILD_LOCK_WAIT=0.5)
    finally:
        holder.kill()
        holder.wait()
    assert not output.exists()


def test_a_build_waits_for_the_other_to_finish(tmp_path):
    content = new_content(tmp_path, notes(1))
    output = tmp_path / "output"
    holder = hold_lock(lock_path(output), 1.5)
    try:
        result = build_site(content, output, BUILD_LOCK_WAIT=60)
    finally:
        holder.wait()
    assert result.notes == 1


def test_a_share_run_refuses_while_a_build_runs(tmp_path):
    output = tmp_path / "output"
    folder = tmp_path / "registry"
    folder.mkdir()
    holder = hold_lock(lock_path(output), 30)
    try:
        with (
            pytest.raises(ShareError, match="build of"),
            share_lock(folder, output),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()


BUILD = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
from pathlib import Path
from support import build_site
print(build_site(Path(sys.argv[2]), Path(sys.argv[3])).pages)
"""


def test_two_builds_started_together_both_publish_the_whole_site(tmp_path):
    content = new_content(tmp_path, notes(12))
    output = tmp_path / "output"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(BUILD),
                str(ROOT),
                str(content),
                str(output),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"BULLETIN_LANG": "en", "PATH": "/usr/bin:/bin"},
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), results
    pages = {int(out.split()[-1]) for out, _err in results}
    assert len(pages) == 1
    assert sum(1 for _ in output.rglob("*.html")) == pages.pop()
    assert len(list(output.glob("2026/10/*/index.html"))) == 12
    assert not staging_path(output).exists()

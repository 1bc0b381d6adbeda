"""The tools a build or a publish starts end with it.

A publish that is killed (SIGKILL, the machine's out-of-memory killer, a CI
job cancelled) cannot stop its children itself: an upload it started would
go on writing into the release's .partial folder (or the bucket) while the
next publish clears it and uploads again, and the build's Pagefind would go
on indexing a staging folder nobody reads. So each child asks the kernel to
send it SIGTERM when the process that started it dies (Linux's
PR_SET_PDEATHSIG, set between fork and exec, kept across exec): rsync,
rclone, git, ghp-import and Pagefind end at once on SIGTERM, and rsync's ssh
and the rsync at the server end with them (their connection closes). Where
prctl is missing (not Linux), children are started as before. The kernel
counts the thread that started the child as its parent: call run() from a
thread that outlives the child (every caller runs on the main thread).

Used by scripts/publish (rsync, ssh, rclone, git, ghp-import) and
plugins/search (Pagefind): one implementation.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


PRCTL = _prctl()


def die_with(parent: int) -> Callable[[], None]:
    """What the child runs before exec: end when `parent` ends."""

    def setup() -> None:
        if PRCTL is not None:
            PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            # the publish died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return setup


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run, the child ending if this process dies first."""
    return subprocess.run(argv, preexec_fn=die_with(os.getpid()), **kwargs)

"""The tools a publish starts (rsync, ssh, rclone, git) end with it.

A publish that is killed (SIGKILL, the machine's out-of-memory killer, a CI
job cancelled) cannot stop its children itself: an upload it started would
go on writing into the release's .partial folder (or the bucket) while the
next publish clears it and uploads again. So each child asks the kernel to
send it SIGTERM when the publish that started it dies (Linux's
PR_SET_PDEATHSIG, set between fork and exec); rsync and rclone end at once
on SIGTERM, and rsync's ssh and the rsync at the server end with them (their
connection closes). Where prctl is missing (not Linux), children are started
as before. ghp-import is the exception (git.py): cut short, it could leave
part of the site committed to the branch, so it is left to finish.
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

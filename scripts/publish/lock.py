"""One publish at a time at a folder or SSH target: a lock in the target.

    TARGET/.publish-lock -> "deploy@laptop pid 4242 since 2026-11-29T10:15:00+05:30"

The lock is a symbolic link whose text names its holder. Making a link is
atomic and fails when the name exists, so of two publishes (or rollbacks)
that start together exactly one takes the lock; the other stops at once,
before building, and names the holder and since when. The holder removes
the lock when it is done, also when it failed. A publish that was killed
leaves its lock behind: a later publish from the same machine sees that the
holder's process is gone and takes the lock over (saying so); from another
machine it stops, and the message says how to remove a stale lock.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import shlex
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from plugins.core.children import alive
from plugins.core.messages import _
from plugins.hindi_text.dates import IST

from .targets import Target, TargetError

logger = logging.getLogger(__name__)

LOCK = ".publish-lock"
HOLDER_RE = re.compile(
    r"^(?P<who>\S+)@(?P<host>\S+) pid (?P<pid>\d+) since (?P<since>\S+)$"
)


@dataclass(frozen=True)
class Holder:
    who: str
    host: str
    pid: int
    since: str

    def text(self) -> str:
        return f"{self.who}@{self.host} pid {self.pid} since {self.since}"


def me(now: datetime | None = None) -> Holder:
    when = (now or datetime.now(IST)).astimezone(IST).replace(microsecond=0)
    return Holder(
        getpass.getuser(), socket.gethostname(), os.getpid(), when.isoformat()
    )


def parse_holder(text: str) -> Holder | None:
    found = HOLDER_RE.match(text.strip())
    if not found:
        return None
    return Holder(found["who"], found["host"], int(found["pid"]), found["since"])


def stale_here(holder: Holder | None) -> bool:
    """The holder was a process of this machine that no longer runs."""
    return (
        holder is not None
        and holder.host == socket.gethostname()
        and not alive(holder.pid)
    )


def lock_path(target: Target) -> str:
    return f"{target.path}/{LOCK}"


def try_take(target: Target, holder: Holder) -> str | None:
    """Take the lock; None if taken, else the text of the lock found."""
    lock = shlex.quote(lock_path(target))
    out = target.run(
        f"mkdir -p {shlex.quote(target.path)} && "
        f"if ln -sT {shlex.quote(holder.text())} {lock} 2>/dev/null; "
        f"then echo taken; else echo held; readlink {lock} || true; fi"
    )
    state, _, found = out.partition("\n")
    return None if state.strip() == "taken" else found.strip()


def take_over(target: Target, found: str) -> None:
    """Remove a stale lock, only if it is still the one that was found."""
    lock = lock_path(target)
    aside = f"{lock}.stale-{os.getpid()}"
    target.run(
        f'[ "$(readlink {shlex.quote(lock)})" = {shlex.quote(found)} ] && '
        f"mv -T {shlex.quote(lock)} {shlex.quote(aside)} && rm -f {shlex.quote(aside)}"
        " || true"
    )


def busy(target: Target, found: str) -> TargetError:
    holder = parse_holder(found)
    return TargetError(
        _(
            "publish: %(target)s is locked by another publish: %(who)s since "
            "%(since)s (the lock %(lock)s). Wait for it to finish and publish "
            "again. If no publish is running any more (it was stopped or its "
            "machine went down), remove the stale lock at the target "
            "(rm %(lock)s) and publish again.",
            target=target,
            who=f"{holder.who}@{holder.host} (pid {holder.pid})" if holder else found,
            since=holder.since if holder else "?",
            lock=lock_path(target),
        )
    )


def acquire(target: Target) -> Holder:
    holder = me()
    found = try_take(target, holder)
    if found is None:
        return holder
    if stale_here(parse_holder(found)):
        logger.warning(
            "%s",
            _(
                "publish: the lock at %(target)s was left by a publish that no "
                "longer runs (%(holder)s); it is taken over",
                target=target,
                holder=found,
            ),
        )
        take_over(target, found)
        found = try_take(target, holder)
        if found is None:
            return holder
    raise busy(target, found)


def release(target: Target, holder: Holder) -> None:
    lock = shlex.quote(lock_path(target))
    target.run(
        f'[ "$(readlink {lock})" = {shlex.quote(holder.text())} ] && rm -f {lock}'
        " || true",
        check=False,
    )


@contextmanager
def held(target: Target) -> Iterator[Holder]:
    """Hold the target's lock for the block (released also on errors)."""
    holder = acquire(target)
    try:
        yield holder
    finally:
        release(target, holder)

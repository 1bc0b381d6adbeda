"""Where the bulletin is published, and how to run commands there.

    /srv/bulletin or ./folder      a folder on this machine
    ssh://user@host[:port]/path    a server, reached with ssh and rsync

Both keep the same layout: `releases/<id>/` holds each published site and
`current` is a symlink to the live one (the web server's root).

A publish to a server opens one SSH connection and runs each of its steps
(a dozen commands and the rsync uploads) through it (`shared`: OpenSSH's
connection sharing), instead of a new connection, key exchange and login
per step; it closes the connection when it ends, also when it fails.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from plugins.core import children
from plugins.core.messages import _


class TargetError(ValueError):
    """The target is written wrongly; the message says how to write it."""


class MayBeLive(TargetError):
    """A publish failed after pages may have gone online (a push whose answer
    was lost, a bucket upload stopped after its first note pages): its note
    addresses are recorded, since a shared link is never given up on a guess.
    """


@dataclass(frozen=True)
class Target:
    """A folder here (host None) or on a server reached over SSH."""

    path: str
    host: str | None = None  # user@host
    port: int | None = None
    # extra ssh options (BULLETIN_SSH_OPTIONS), e.g. -i key -o …
    ssh_options: tuple[str, ...] = field(default=(), compare=False)
    # the socket of the connection a publish shares between its steps
    # (`shared`), None: a connection per step
    control: str | None = field(default=None, compare=False)

    @property
    def remote(self) -> bool:
        return self.host is not None

    def ssh(self) -> list[str]:
        command = ["ssh", "-o", "BatchMode=yes", *self.ssh_options]
        if self.control:
            # the first step opens the connection and keeps it in the
            # background, the others go through it; unused for SHARE_IDLE
            # seconds it closes by itself (a publish killed meanwhile)
            command += [
                "-o",
                "ControlMaster=auto",
                "-o",
                f"ControlPath={self.control}",
                "-o",
                f"ControlPersist={SHARE_IDLE}",
            ]
        if self.port:
            command += ["-p", str(self.port)]
        return command

    def run(self, script: str, check: bool = True, stdin: str | None = None) -> str:
        """Run a shell script at the target (`stdin` its input); return its
        output.
        """
        argv = (
            [*self.ssh(), "--", self.host, script]
            if self.host is not None
            else ["sh", "-c", script]
        )
        done = children.run(argv, capture_output=True, text=True, input=stdin or "")
        if check and done.returncode != 0:
            raise TargetError(
                _(
                    "publish: a command at %(target)s failed (%(code)s): %(error)s",
                    target=self,
                    code=done.returncode,
                    error=done.stderr.strip() or done.stdout.strip(),
                )
            )
        return done.stdout

    def rsync_dest(self, path: str) -> str:
        return f"{self.host}:{path}" if self.remote else path

    def rsync_shell(self) -> list[str]:
        return ["-e", shlex.join(self.ssh())] if self.remote else []

    def __str__(self) -> str:
        if not self.remote:
            return self.path
        port = f":{self.port}" if self.port else ""
        return f"ssh://{self.host}{port}{self.path}"


# seconds a shared connection stays open unused: longer than a publish's
# build between its steps, even on a loaded machine (a longer build makes
# the next step open it again), short enough that the connection of a
# killed publish soon closes by itself
SHARE_IDLE = 120
# how long the end of a publish waits for its connection to close
CLOSE_WAIT = 5.0


# A shared connection's socket folder: short plain ASCII only. ssh expands %
# in a ControlPath and splits it at spaces, and a socket's path holds about
# 100 bytes (ssh adds a suffix of 17 while it makes it).
PLAIN_FOLDER = re.compile(r"/[A-Za-z0-9/_.-]*")
SOCKET_FOLDER_BYTES = 60
SHARED_PREFIX = "bulletin-ssh-"
SOCKET = "c"  # the connection's socket, in its folder


def socket_parent(temporary: str) -> str:
    """Where a publish makes its shared connection's folder: the temporary
    folder (TMPDIR) when ssh can take its path as it is, else /tmp.
    """
    plain = PLAIN_FOLDER.fullmatch(temporary) is not None
    return temporary if plain and len(temporary) <= SOCKET_FOLDER_BYTES else "/tmp"


def sweep_shared(parent: str) -> None:
    """Remove the connection folders of publishes that were killed: their
    process is gone and so is their connection (it closes by itself after
    SHARE_IDLE seconds unused, removing its socket; until then the folder
    stays, as the connection's own).
    """
    for folder in children.ended_folders(Path(parent), SHARED_PREFIX):
        mine = folder.is_dir() and folder.lstat().st_uid == os.getuid()
        if mine and not (folder / SOCKET).exists():
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def shared(target: Target) -> Iterator[Target]:
    """`target` with its SSH steps sharing one connection (OpenSSH
    ControlMaster), whose socket is in a folder of its own that only this
    user can enter; at the end (also after an error or Ctrl-C) the
    connection is closed (`ssh -O exit`) and the folder removed. A folder
    target is given back as it is; without a folder for the socket, each
    step opens its own connection.
    """
    if not target.remote:
        yield target
        return
    parent = socket_parent(tempfile.gettempdir())
    with suppress(OSError):
        sweep_shared(parent)
    try:
        folder = str(children.own_folder(Path(parent), SHARED_PREFIX))
    except OSError:
        yield target
        return
    sharing = replace(target, control=os.path.join(folder, SOCKET))
    try:
        yield sharing
    finally:
        close(sharing)
        shutil.rmtree(folder, ignore_errors=True)


def close(target: Target) -> None:
    """Close the shared connection, if one was opened, and wait (a moment
    at most) until it is gone.
    """
    socket = Path(target.control or "")
    if not target.control or not target.host or not socket.exists():
        return
    # failing, it closes by itself after SHARE_IDLE seconds unused
    with suppress(OSError, subprocess.TimeoutExpired):
        children.run(
            [*target.ssh(), "-O", "exit", "--", target.host],
            capture_output=True,
            timeout=CLOSE_WAIT,
        )
    end = time.monotonic() + CLOSE_WAIT
    while socket.exists() and time.monotonic() < end:
        time.sleep(0.02)


def parse_target(text: str) -> Target:
    """A Target from `--to` or the PUBLISH_TARGET setting."""
    text = text.strip()
    if not text:
        raise TargetError(
            _(
                "publish: no target; give --to /srv/bulletin or "
                "--to ssh://user@host/srv/bulletin, or set PUBLISH_TARGET"
            )
        )
    options = tuple(shlex.split(os.environ.get("BULLETIN_SSH_OPTIONS", "")))
    if text.startswith("ssh://"):
        return parse_ssh(text, options)
    if "://" in text or text.startswith(("rclone:", "git:")):
        raise TargetError(
            _(
                "publish: '%(text)s': publish to a folder, ssh://user@host/path, "
                "rclone:REMOTE:PATH or git:BRANCH",
                text=text,
            )
        )
    return Target(os.path.abspath(os.path.expanduser(text)))


def parse_ssh(text: str, options: tuple[str, ...]) -> Target:
    """ssh://user@host[:port]/path, refused unless every part is plain: a
    user or host starting with - would reach ssh as an option, and a path
    with .. or a port that is not a number is a mistake.
    """
    try:
        parts = urlsplit(text)
        port = parts.port
        host_name = parts.hostname
    except ValueError:
        parts, host_name, port = urlsplit(""), None, None
    user = parts.username
    segments = parts.path.split("/")
    if (
        not host_name
        or host_name.startswith("-")
        or (user is not None and (not user or user.startswith("-")))
        or not parts.path.startswith("/")
        or parts.path == "/"
        or any(seg in (".", "..") for seg in segments)
        or parts.query
        or parts.fragment
    ):
        raise TargetError(
            _(
                "publish: '%(text)s' must look like %(example)s (an "
                "absolute folder on the server)",
                text=text,
                example="ssh://user@host/srv/bulletin",
            )
        )
    host = f"{user}@{host_name}" if user else host_name
    return Target(parts.path.rstrip("/"), host, port, options)


def no_links(output: str) -> None:
    """A published site holds files and folders only: a symbolic link in the
    output would be published as a link (and could lead a later step out of
    the target), so the upload stops before it starts, naming it.
    """
    for folder, dirs, files in os.walk(output):
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
                raise TargetError(
                    _(
                        "publish: %(file)s in the built site has a line break or "
                        "another control character in its name; rename the "
                        "file it comes from (in content/) and publish again.",
                        file=ascii(path),
                    )
                )
            if os.path.islink(path):
                raise TargetError(
                    _(
                        "publish: %(file)s in the built site is a symbolic "
                        "link; a published site holds only files. Replace it "
                        "with the file itself (or remove it) and publish again.",
                        file=path,
                    )
                )

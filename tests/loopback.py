"""Real servers on loopback for the publish tests: Debian's sshd and nginx,
each started with its own configuration in a temporary folder."""

from __future__ import annotations

import getpass
import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.publish.servers import server_config

SSHD = "/usr/sbin/sshd"
NGINX = "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"server stopped: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not start: {log.read_text(errors='replace')}")


def http_get(port: int, path: str, headers: dict | None = None):
    """(status, headers, body) of one GET to a server on loopback; redirects
    are not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw_get(port: int, path: bytes) -> tuple[int, str]:
    """(status, Location) of a GET whose path is sent as these bytes (an old
    Hindi address as a phone may send it, unencoded)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        host = f"127.0.0.1:{port}".encode()
        conn.sendall(b"GET " + path + b" HTTP/1.0\r\nHost: " + host + b"\r\n\r\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), fields.get("Location", "")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Sshd:
    process: subprocess.Popen
    port: int
    user: str
    options: str  # for BULLETIN_SSH_OPTIONS
    log: Path  # sshd's log: a line per connection let in

    def target(self, path: Path) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{path}"

    def logins(self) -> int:
        """The connections let in so far (each logs its accepted key)."""
        return self.log.read_text(errors="replace").count("Accepted publickey")


def start_sshd(folder: Path) -> Sshd:
    """sshd on a free loopback port, letting in one generated key."""
    folder.mkdir(parents=True, exist_ok=True)
    host_key, user_key = folder / "host_key", folder / "user_key"
    for key in (host_key, user_key):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
            check=True,
        )
    shutil.copyfile(f"{user_key}.pub", folder / "authorized_keys")
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
        f"PidFile {folder / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation
    log = folder / "sshd.log"
    process = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process, log)
    known = folder / "known_hosts"
    known.write_text(
        f"[127.0.0.1]:{port} {Path(f'{host_key}.pub').read_text().strip()}\n"
    )
    options = (
        f"-i {user_key} -o IdentitiesOnly=yes -o UserKnownHostsFile={known} "
        "-o StrictHostKeyChecking=yes -o LogLevel=ERROR"
    )
    return Sshd(process, port, getpass.getuser(), options, log)


@dataclass
class Nginx:
    process: subprocess.Popen
    port: int
    folder: Path

    def reload_command(self) -> str:
        return f"kill -HUP $(cat {self.folder / 'nginx.pid'})"

    def get(self, path: str, headers: dict | None = None):
        """(status, headers, body) of one GET; redirects are not followed."""
        return http_get(self.port, path, headers)


def start_nginx(folder: Path, root: Path) -> Nginx:
    """nginx with the shipped site configuration, serving `root`/current."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = folder / "bulletin.conf"
    site.write_text(server_config("nginx", str(root), "localhost", f"127.0.0.1:{port}"))
    temp = "".join(
        f"{kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        "include /etc/nginx/modules-enabled/*.conf;\n"
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "include /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n"
        f"access_log off;\n{temp}include {site};\n}}\n"
    )
    log = folder / "error.log"
    log.touch()
    process = subprocess.Popen(
        [NGINX, "-c", str(config), "-e", str(log), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )
    wait_for_port(port, process, log)
    return Nginx(process, port, folder)


@dataclass
class S3:
    process: subprocess.Popen
    bucket: Path  # the bucket's folder on disk
    env: dict  # RCLONE_CONFIG_* naming the remote "loop"

    def target(self) -> str:
        return f"rclone:loop:{self.bucket.name}"


def start_s3(folder: Path, rclone: str) -> S3:
    """`rclone serve s3` on a free loopback port, one bucket in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    bucket = data / "bulletin"
    bucket.mkdir(parents=True)
    port = free_port()
    log = folder / "s3.log"
    process = subprocess.Popen(
        [
            rclone,
            "serve",
            "s3",
            "--addr",
            f"127.0.0.1:{port}",
            "--auth-key",
            "loopkey,loopsecret",
            "--etag-hash",
            "MD5",
            "--config",
            str(folder / "none.conf"),
            str(data),  # a plain path: the local backend
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process, log)
    env = {
        "RCLONE_CONFIG": str(folder / "none.conf"),
        "RCLONE_CONFIG_LOOP_TYPE": "s3",
        "RCLONE_CONFIG_LOOP_PROVIDER": "Rclone",
        "RCLONE_CONFIG_LOOP_ACCESS_KEY_ID": "loopkey",
        "RCLONE_CONFIG_LOOP_SECRET_ACCESS_KEY": "loopsecret",
        "RCLONE_CONFIG_LOOP_ENDPOINT": f"http://127.0.0.1:{port}",
    }
    return S3(process, bucket, env)


@dataclass
class Caddy:
    process: subprocess.Popen
    port: int

    def get(self, path: str, headers: dict | None = None):
        """(status, headers, body) of one GET; redirects are not followed."""
        return http_get(self.port, path, headers)


def start_caddy(folder: Path, root: Path) -> Caddy:
    """Caddy with the shipped Caddyfile, serving `root`/current over HTTP."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "Caddyfile"
    config.write_text(server_config("caddy", str(root), f"http://127.0.0.1:{port}"))
    log = folder / "caddy.log"
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }
    process = subprocess.Popen(
        ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    wait_for_port(port, process, log)
    return Caddy(process, port)

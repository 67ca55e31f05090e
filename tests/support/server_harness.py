"""Start and stop real servers on loopback for tests and scripts/load_test.py.

``gunicorn_server`` runs ``gunicorn -c gunicorn.conf.py app:server`` (or a given
command) in its own process group with its log in a file, waits until ``/healthz``
answers and always stops it again. ``redis_server`` does the same for Debian's
``redis-server`` with persistence off, in a temporary directory. Nothing here binds
anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.support.services import skip_reason_unless_required

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    """A TCP port on loopback that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def redis_unavailable_reason() -> str | None:
    """None if redis-server can be started here, else why not (for pytest.skip).

    With QDGAIN_REQUIRE_SERVICES=1 (set by .ci/run) a reason fails the calling test instead
    (tests/support/services.py).
    """
    reason = None
    if not os.access(REDIS_SERVER, os.X_OK):
        reason = f"{REDIS_SERVER} not found (apt-get install redis-server)"
    return skip_reason_unless_required(reason)


@dataclass
class ServerProcess:
    """A server started by this module: its process, port and log file."""

    argv: list[str]
    port: int
    log_path: Path
    cwd: Path
    env: dict[str, str]
    popen: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                self.argv, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, grace_seconds: float = 10.0) -> None:
        """SIGTERM, then SIGKILL to this server's own process group after ``grace_seconds``."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)
        self.popen = None

    def wait_until(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"{what} exited early:\n{self.log()[-3000:]}")
            if ready():
                return
            time.sleep(0.1)
        raise TimeoutError(f"{what} not ready after {timeout:g} s:\n{self.log()[-3000:]}")

    def worker_pids(self) -> list[int]:
        """Pids of a gunicorn master's worker processes."""
        import psutil

        if not self.running():
            return []
        return [child.pid for child in psutil.Process(self.popen.pid).children()]


def http_ok(url: str) -> bool:
    """Whether ``url`` answers 200 (any failure to connect is "no")."""
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_for(condition: Callable[[], Any], timeout_s: float = 30.0, what: str = "condition",
             poll_s: float = 0.1) -> Any:
    """Poll ``condition`` until it returns something truthy (returned); AssertionError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll_s)
    raise AssertionError(f"timed out waiting for {what}")


@contextlib.contextmanager
def gunicorn_server(
    argv: Sequence[str] | None = None,
    *,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    workers: int | None = 1,
    startup_timeout: float = 60.0,
) -> Iterator[ServerProcess]:
    """A running gunicorn (``argv`` or the project's command) on loopback, stopped on exit.

    ``env`` replaces the environment (default: this process's); HOST is forced to
    127.0.0.1 and PORT to ``port``; QDGAIN_WORKERS defaults to ``workers`` (None: to
    gunicorn.conf.py's own default).
    """
    port = port or free_port()
    merged = dict(os.environ if env is None else env)
    merged.update(HOST=LOOPBACK, PORT=str(port))
    if workers is not None:
        merged.setdefault("QDGAIN_WORKERS", str(workers))
    if argv is None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        argv = [str(gunicorn), "-c", "gunicorn.conf.py", "app:server"]
    log_dir = Path(tempfile.mkdtemp(prefix="qdgain-gunicorn-"))
    server = ServerProcess(list(argv), port, log_dir / "gunicorn.log", Path(cwd), merged)
    server.start()
    try:
        server.wait_until(lambda: http_ok(server.url + "/healthz"), startup_timeout, "gunicorn")
        yield server
    finally:
        server.stop()
        shutil.rmtree(log_dir, ignore_errors=True)


class RedisServer(ServerProcess):
    """A redis-server process; ``stop()`` and ``start()`` again keep the same port."""

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def start_and_wait(self, timeout: float = 15.0) -> None:
        self.start()
        self.wait_until(self.ping, timeout, "redis-server")

    def client(self):
        import redis

        return redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=2)


@contextlib.contextmanager
def redis_server(port: int | None = None) -> Iterator[RedisServer]:
    """A throwaway redis-server on loopback (no persistence, 256 MB LRU as in compose.yaml), stopped on exit."""
    port = port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="qdgain-redis-"))
    argv = [
        REDIS_SERVER, "--bind", LOOPBACK, "--port", str(port), "--dir", str(workdir),
        "--save", "", "--appendonly", "no", "--protected-mode", "yes",
        "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru",
    ]
    server = RedisServer(argv, port, workdir / "redis.log", workdir, dict(os.environ))
    server.start_and_wait()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

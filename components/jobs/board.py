"""The job board: what every job is doing, in the manager's own store, so any server process can tell a hang.

Each job writes one entry under its request key (``requests.request_key``): its state
(``queued`` when submitted, ``running`` once a worker took it, then ``done``, ``failed`` or
``cancelled``), the progress fraction and text, the worker's name and a heartbeat time that
the worker refreshes every ``HEARTBEAT_INTERVAL_S`` while the job runs (a thread beside the
computation, so a long step without progress calls still beats). The store is the
Diskcache directory of the embedded manager or the Celery broker's Redis, so the web
process that answers the page's status poll reads what the worker wrote.

``judge`` turns an entry into what the page says: a running job whose heartbeat is older
than the heartbeat timeout lost its worker ("the worker running this job stopped"), and a
job queued longer than the queue timeout was taken by no worker; both offer Retry. A queued job
whose process waits for a free embedded job slot (``slots``) beats too, so it is not taken for lost.
Times are wall-clock seconds (``time.time()``): worker and web server may be different hosts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any, Protocol

HEARTBEAT_INTERVAL_S = 1.0
ENTRY_LIFETIME_S = 24 * 3600
STATES = ("queued", "running", "done", "failed", "cancelled")
FINAL_STATES = frozenset({"done", "failed", "cancelled"})
KEY_PREFIX = "qdgain:job-board:"


class Store(Protocol):
    """A key-value store holding text with a lifetime (the two adapters below)."""

    def get_text(self, key: str) -> str | None: ...

    def set_text(self, key: str, value: str, lifetime_s: float) -> None: ...


class DiskStore:
    """The board in a ``diskcache.Cache`` (the embedded manager's own directory)."""

    def __init__(self, cache: Any):
        self.cache = cache

    def get_text(self, key: str) -> str | None:
        value = self.cache.get(key)
        return value if isinstance(value, str) else None

    def set_text(self, key: str, value: str, lifetime_s: float) -> None:
        self.cache.set(key, value, expire=lifetime_s)


class RedisStore:
    """The board in Redis (the Celery broker's), through a ``redis.Redis`` client made on first use."""

    def __init__(self, client_factory: Callable[[], Any]):
        self.client_factory = client_factory
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self.client_factory()
        return self._client

    def get_text(self, key: str) -> str | None:
        value = self.client.get(key)
        return value.decode() if isinstance(value, bytes) else value

    def set_text(self, key: str, value: str, lifetime_s: float) -> None:
        self.client.set(key, value, ex=max(1, round(lifetime_s)))


@dataclass(frozen=True)
class Entry:
    """One job on the board (times: wall-clock seconds)."""

    state: str
    kind: str
    queued_at: float
    heartbeat_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    fraction: float = 0.0
    text: str = ""
    worker: str | None = None
    message: str = ""


@dataclass(frozen=True)
class Verdict:
    """What the status line says about a job, and whether it offers Retry; ``final``: stop watching."""

    message: str
    retry: bool
    final: bool


class Board:
    """Read and write job entries in ``store``."""

    def __init__(self, store: Store):
        self.store = store

    def read(self, key: str) -> Entry | None:
        text = self.store.get_text(KEY_PREFIX + key)
        if text is None:
            return None
        try:
            return Entry(**json.loads(text))
        except (TypeError, ValueError):
            return None

    def write(self, key: str, entry: Entry) -> None:
        if entry.state not in STATES:
            raise ValueError(f"job board: state {entry.state!r} is not one of {STATES}")
        self.store.set_text(KEY_PREFIX + key, json.dumps(asdict(entry)), ENTRY_LIFETIME_S)

    def update(self, key: str, **changes: Any) -> Entry | None:
        entry = self.read(key)
        if entry is None:
            return None
        entry = replace(entry, **changes)
        self.write(key, entry)
        return entry

    def queued(self, key: str, kind: str) -> None:
        self.write(key, Entry("queued", kind, time.time()))

    def started(self, key: str, kind: str, worker: str) -> None:
        now = time.time()
        previous = self.read(key)
        queued_at = previous.queued_at if previous is not None else now
        self.write(key, Entry("running", kind, queued_at, heartbeat_at=now, started_at=now, worker=worker))

    def progress(self, key: str, fraction: float, text: str) -> None:
        self.update(key, fraction=fraction, text=text, heartbeat_at=time.time())

    def waiting(self, key: str, text: str) -> None:
        """A job process that waits for a job slot: still queued, but alive (``judge`` tells it from a lost one)."""
        self.update(key, state="queued", text=text, heartbeat_at=time.time())

    def beat(self, key: str) -> None:
        self.update(key, heartbeat_at=time.time())

    def finished(self, key: str, state: str, message: str = "") -> None:
        now = time.time()
        self.update(key, state=state, message=message, finished_at=now, heartbeat_at=now)


class Heartbeat:
    """A daemon thread that beats ``key`` on ``board`` every ``interval_s`` until stopped (a context manager)."""

    def __init__(self, board: Board, key: str, interval_s: float = HEARTBEAT_INTERVAL_S):
        self.board, self.key, self.interval_s = board, key, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="qdgain-job-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.board.beat(self.key)
            except Exception:  # a store hiccup must not end the job; the next beat tries again
                continue

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2 * self.interval_s)


def judge(entry: Entry | None, now: float, heartbeat_timeout_s: float, queue_timeout_s: float) -> Verdict | None:
    """The status of a job that is out, or None when there is nothing to say (no entry)."""
    if entry is None:
        return None
    if entry.state == "queued":
        waited = now - entry.queued_at
        if entry.heartbeat_at is not None and now - entry.heartbeat_at <= heartbeat_timeout_s:
            return Verdict(f"Waiting {waited:.0f} s for a free job slot: {entry.text}", retry=False, final=False)
        if waited > queue_timeout_s:
            return Verdict(f"No worker took the job in {waited:.0f} s: no job worker is running, or all are busy. "
                           "Retry, or start a worker.", retry=True, final=True)
        return Verdict(f"Queued for {waited:.0f} s, waiting for a worker…", retry=False, final=False)
    if entry.state == "running":
        silent = now - (entry.heartbeat_at or entry.queued_at)
        if silent > heartbeat_timeout_s:
            return Verdict(f"The worker running this job ({entry.worker}) stopped: no heartbeat for {silent:.0f} s. "
                           "Retry to run it again.", retry=True, final=True)
        ran = now - (entry.started_at or now)
        return Verdict(f"Running on {entry.worker} for {ran:.0f} s: {entry.text or 'starting'}", retry=False,
                       final=False)
    if entry.state == "failed":
        return Verdict(entry.message or "The job failed.", retry=True, final=True)
    if entry.state == "cancelled":
        return Verdict("Cancelled.", retry=False, final=True)
    return Verdict(entry.message or "Done.", retry=False, final=True)

"""Where background jobs run: Dash's ``DiskcacheManager`` (embedded default) or ``CeleryManager`` (with workers).

* Embedded (``QDGAIN_CELERY_BROKER`` unset): every job is a subprocess of the server
  process that received it; results, progress and the job board live in a Diskcache
  directory (``QDGAIN_JOBS_DIR``, default a new temporary directory per server start, removed
  at exit). Gunicorn workers share it when the app is preloaded (``QDGAIN_PRELOAD=1``, the
  default) or when ``QDGAIN_JOBS_DIR`` names one directory. No external service.
* Celery (``QDGAIN_CELERY_BROKER=redis://...``): jobs go through that Redis to Celery workers
  started with ``celery -A app:celery_app worker`` on any host with the same code version and
  the same broker URL; results, progress and the board are in the same Redis. A shared cache
  (``QDGAIN_CACHE_URL``) alone does not switch to Celery: without a worker every job would wait.

Both managers get two additions (``BoardMixin``): a submitted job is put on the board as
queued (its liveness is then judged by ``board.judge``), and an identical request whose
result is cached and marked done on the board is answered from the cache without starting
a job; a cached result the board does not confirm (a failure, an expired entry) is computed
again. Results are cached for ``QDGAIN_CACHE_TIMEOUT`` seconds, keyed by the request and the
qdgain version (``cache_by``).
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

from dash import CeleryManager, DiskcacheManager

from components import settings
from components.jobs.board import Board, DiskStore, RedisStore
from components.jobs.requests import request_key
from components.jobs.slots import JobSlots, default_slot_count
from components.settings import Settings
from qdgain_core import __version__

LOG = logging.getLogger(__name__)

CACHED_JOB = "cached"  # the job handle of a request answered from the cache (no process, no task)
DISK_LIMIT_BYTES = 512 * 1024 * 1024
REDIS_SOCKET_TIMEOUT_S = 5.0


def code_version() -> str:
    """``cache_by``: cached results belong to one qdgain version."""
    return __version__


class BoardMixin:
    """Board bookkeeping and cache answers around a Dash background-callback manager's job start."""

    board: Board

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> Any:
        document = args[-1] if isinstance(args, (list, tuple)) and args else None
        job_key = request_key(document)
        kind = document.get("kind") if isinstance(document, dict) else None
        entry = self.board.read(job_key)
        if self.result_ready(key):  # type: ignore[attr-defined]
            if entry is not None and entry.state == "done":
                return CACHED_JOB
            self.clear_cache_entry(key)  # type: ignore[attr-defined]
        self.board.queued(job_key, str(kind))
        return super().call_job_fn(key, job_fn, args, context)  # type: ignore[misc]

    def job_running(self, job: Any) -> Any:
        if str(job) == CACHED_JOB:
            return False
        return super().job_running(job)  # type: ignore[misc]

    def terminate_job(self, job: Any) -> Any:
        if job is None or str(job) == CACHED_JOB:  # never int("0")-style handles: pid 0 is every process
            return None
        return super().terminate_job(job)  # type: ignore[misc]


class EmbeddedManager(BoardMixin, DiskcacheManager):
    """``DiskcacheManager`` with the job board in its own directory."""

    def __init__(self, directory: str, expire_s: int):
        import diskcache

        cache = diskcache.Cache(directory, size_limit=DISK_LIMIT_BYTES)
        self.board = Board(DiskStore(cache))
        self.slots = JobSlots(directory, default_slot_count())
        super().__init__(cache, cache_by=[code_version], expire=expire_s)


class WorkerManager(BoardMixin, CeleryManager):
    """``CeleryManager`` with the job board in the broker's Redis."""

    def __init__(self, celery_app: Any, broker_url: str, expire_s: int):
        import redis

        self.board = Board(RedisStore(lambda: redis.from_url(broker_url, socket_timeout=REDIS_SOCKET_TIMEOUT_S,
                                                             socket_connect_timeout=REDIS_SOCKET_TIMEOUT_S)))
        super().__init__(celery_app, cache_by=[code_version], expire=expire_s)


def make_celery_app(config: Settings) -> Any:
    """The Celery app of the job workers: broker and result store at ``QDGAIN_CELERY_BROKER``.

    A worker takes one job at a time (prefetch 1, so a queued job waits for a free worker and
    not behind a busy one); a job is acknowledged when it starts, so a worker killed mid-job
    loses it (the page says so and offers Retry) instead of redelivering a job that may kill
    the next worker too. ``QDGAIN_JOB_TIME_LIMIT`` bounds every job.
    """
    from celery import Celery

    url = config.celery_broker
    app = Celery("qdgain", broker=url, backend=url)
    app.conf.update(
        task_acks_late=False,
        worker_prefetch_multiplier=1,
        task_track_started=True,
        task_time_limit=config.job_time_limit_s,
        result_expires=config.cache_timeout_s,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"socket_timeout": REDIS_SOCKET_TIMEOUT_S},
        redis_socket_timeout=REDIS_SOCKET_TIMEOUT_S,
        worker_hijack_root_logger=False,
    )
    return app


@dataclass(frozen=True)
class JobsBackend:
    """The manager every job callback uses, its board, the Celery app (None when embedded), a label, and the
    embedded job slots (None with Celery: each worker process runs one job)."""

    manager: Any
    board: Board
    celery_app: Any
    name: str
    heartbeat_timeout_s: int
    queue_timeout_s: int
    slots: JobSlots | None = None
    time_limit_s: int = 900


def _embedded_directory(config: Settings) -> str:
    if config.jobs_dir:
        os.makedirs(config.jobs_dir, exist_ok=True)
        return config.jobs_dir
    directory = tempfile.mkdtemp(prefix="qdgain-jobs-")
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:  # not in forked gunicorn workers or job processes
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)
    return directory


def build_backend(config: Settings) -> JobsBackend:
    """The jobs backend the settings ask for (see the module docstring)."""
    slots: JobSlots | None = None
    if config.celery_broker:
        celery_app = make_celery_app(config)
        manager: Any = WorkerManager(celery_app, config.celery_broker, config.cache_timeout_s)
        name = "celery"
    else:
        celery_app = None
        manager = EmbeddedManager(_embedded_directory(config), config.cache_timeout_s)
        slots = manager.slots
        name = "embedded"
    LOG.info("qdgain background jobs: %s", name)
    return JobsBackend(manager, manager.board, celery_app, name, config.job_heartbeat_timeout_s,
                       config.job_queue_timeout_s, slots, config.job_time_limit_s)


@functools.cache
def backend() -> JobsBackend:
    """This process's jobs backend, built once from ``settings.current()``."""
    return build_backend(settings.current())

"""Every environment variable qdgain reads, read once, in one table.

``VARIABLES`` is the table (name, meaning, default, parser); the README's "Configuration"
table is checked against it by a test. ``load(environ)`` parses a mapping into a frozen
``Settings``; ``current()`` is ``load(os.environ)``, read once per process (gunicorn's
config, ``app.py`` and the server modules all use it). A malformed value stops the start
with a message naming the variable, the value and what is allowed; it never falls back
silently. This module imports nothing heavy (``gunicorn.conf.py`` reads it before numpy
is loaded).
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_DEFAULT_WORKERS = 8
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class SettingsError(ValueError):
    """An environment variable holds a value qdgain cannot use."""


def default_workers(cpus: int | None = None) -> int:
    """Gunicorn's rule of thumb, 2 x CPUs + 1, capped at ``MAX_DEFAULT_WORKERS``."""
    cpus = cpus if cpus is not None else multiprocessing.cpu_count()
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


def _integer(minimum: int, maximum: int | None = None) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        allowed = f"an integer >= {minimum}" + (f" and <= {maximum}" if maximum is not None else "")
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} is not an integer; allowed: {allowed}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise SettingsError(f"{name}={value} is out of range; allowed: {allowed}")
        return value

    return parse


def _flag(name: str, raw: str) -> bool:
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean; allowed: 1/true/yes/on or 0/false/no/off")


def _log_level(name: str, raw: str) -> str:
    level = raw.lower()
    if level not in LOG_LEVELS:
        raise SettingsError(f"{name}={raw!r} is not a log level; allowed: {', '.join(LOG_LEVELS)}")
    return level


def _text(name: str, raw: str) -> str:
    return raw


def _redis_url(name: str, raw: str) -> str:
    if not raw.startswith(REDIS_SCHEMES):
        raise SettingsError(f"{name}={raw!r} is not a Redis URL; allowed: {' or '.join(REDIS_SCHEMES)}host:port/db")
    return raw


def _access_log(name: str, raw: str) -> str | None:
    return None if raw.lower() == "off" else raw


@dataclass(frozen=True)
class Variable:
    """One environment variable: the ``Settings`` field it fills, its meaning, default and parser."""

    name: str
    field: str
    meaning: str
    default_text: str
    default: Any
    parse: Callable[[str, str], Any]


VARIABLES: tuple[Variable, ...] = (
    Variable("HOST", "host", "interface to bind (`python app.py`, `qdgain serve` and gunicorn)",
             "`127.0.0.1` (Docker image: `0.0.0.0`)", "127.0.0.1", _text),
    Variable("PORT", "port", "TCP port", "`8050`", 8050, _integer(0, 65535)),
    Variable("QDGAIN_CACHE_URL", "cache_url", "Redis URL for a cache shared by workers and hosts",
             "unset: in-process cache", None, _text),
    Variable("REDIS_URL", "redis_url", "read when `QDGAIN_CACHE_URL` is unset", "unset", None, _text),
    Variable("QDGAIN_CACHE_THRESHOLD", "cache_threshold", "in-process cache size (entries)", "`300`", 300,
             _integer(1)),
    Variable("QDGAIN_CACHE_TIMEOUT", "cache_timeout_s", "cache entry lifetime (s)", "`3600`", 3600, _integer(1)),
    Variable("QDGAIN_MAX_BODY_BYTES", "max_body_bytes", "largest accepted request body (bytes)", "`1048576` (1 MiB)",
             1024 * 1024, _integer(1024)),
    Variable("QDGAIN_WORKERS", "workers", "gunicorn worker processes",
             "`WEB_CONCURRENCY`, else 2 x CPUs + 1 (at most 8)", None, _integer(1)),
    Variable("WEB_CONCURRENCY", "web_concurrency", "read when `QDGAIN_WORKERS` is unset", "unset", None, _integer(1)),
    Variable("QDGAIN_THREADS", "threads", "threads per gunicorn worker (gthread)", "`2`", 2, _integer(1)),
    Variable("QDGAIN_TIMEOUT", "worker_timeout_s", "seconds before a silent gunicorn worker is replaced", "`30`", 30,
             _integer(1)),
    Variable("QDGAIN_PRELOAD", "preload", "load the app once in the gunicorn master (0 to disable)", "`1`", True,
             _flag),
    Variable("QDGAIN_ACCESS_LOG", "access_log", "gunicorn access log target (`-` is stdout, `off` disables it)",
             "`-`", "-", _access_log),
    Variable("SECRET_KEY", "secret_key", "Flask secret key (the same on every worker and host)",
             "random per process", None, _text),
    Variable("LOG_LEVEL", "log_level", "log level (debug, info, warning, error, critical)", "`info`", "info",
             _log_level),
    Variable("QDGAIN_CELERY_BROKER", "celery_broker", "Redis URL of the Celery broker and result store of the "
             "background jobs (fit, map, sweep); workers: `celery -A app:celery_app worker`",
             "unset: jobs run in subprocesses of the server (Diskcache)", None, _redis_url),
    Variable("QDGAIN_JOBS_DIR", "jobs_dir", "directory of the embedded job store (Diskcache), shared by the server's "
             "processes", "unset: a new temporary directory per server start", None, _text),
    Variable("QDGAIN_JOB_HEARTBEAT_TIMEOUT", "job_heartbeat_timeout_s", "seconds without a heartbeat after which a "
             "running job's worker counts as stopped", "`15`", 15, _integer(2)),
    Variable("QDGAIN_JOB_QUEUE_TIMEOUT", "job_queue_timeout_s", "seconds a job may wait for a worker before the page "
             "says no worker took it", "`60`", 60, _integer(2)),
    Variable("QDGAIN_JOB_TIME_LIMIT", "job_time_limit_s", "hard time limit of one job on a Celery worker (s)",
             "`900`", 900, _integer(10)),
)


@dataclass(frozen=True)
class Settings:
    """The parsed environment (see ``VARIABLES`` for what each field means)."""

    host: str = "127.0.0.1"
    port: int = 8050
    cache_url: str | None = None
    redis_url: str | None = None
    cache_threshold: int = 300
    cache_timeout_s: int = 3600
    max_body_bytes: int = 1024 * 1024
    workers: int | None = None
    web_concurrency: int | None = None
    threads: int = 2
    worker_timeout_s: int = 30
    preload: bool = True
    access_log: str | None = "-"
    secret_key: str | None = None
    log_level: str = "info"
    celery_broker: str | None = None
    jobs_dir: str | None = None
    job_heartbeat_timeout_s: int = 15
    job_queue_timeout_s: int = 60
    job_time_limit_s: int = 900

    @property
    def shared_cache_url(self) -> str | None:
        """The Redis URL of the shared cache (``QDGAIN_CACHE_URL``, else ``REDIS_URL``), or None."""
        return self.cache_url or self.redis_url

    @property
    def worker_count(self) -> int:
        """Gunicorn workers: ``QDGAIN_WORKERS``, else ``WEB_CONCURRENCY``, else ``default_workers()``."""
        return self.workers or self.web_concurrency or default_workers()

    def without_shared_cache(self) -> Settings:
        """The same settings with the in-process cache (a Redis that does not answer at start-up)."""
        return dataclasses.replace(self, cache_url=None, redis_url=None)


_FIELDS = {f.name for f in dataclasses.fields(Settings)}
if {v.field for v in VARIABLES} != _FIELDS or len(VARIABLES) != len(_FIELDS):
    raise RuntimeError("settings.VARIABLES and Settings disagree: "
                       f"{sorted({v.field for v in VARIABLES} ^ _FIELDS)}")
for _variable in VARIABLES:
    if getattr(Settings(), _variable.field) != _variable.default:
        raise RuntimeError(f"settings: default of {_variable.name} differs from Settings.{_variable.field}")


def load(environ: Mapping[str, str]) -> Settings:
    """Parse the variables of ``VARIABLES`` from ``environ``; unset or blank means the default."""
    values: dict[str, Any] = {}
    for variable in VARIABLES:
        raw = environ.get(variable.name, "").strip()
        if raw:
            values[variable.field] = variable.parse(variable.name, raw)
    return Settings(**values)


@functools.cache
def current() -> Settings:
    """The settings of this process, read from ``os.environ`` once."""
    return load(os.environ)

"""Gunicorn settings for qdgain: ``gunicorn -c gunicorn.conf.py app:server``.

Every setting comes from an environment variable, with a safe default:

==================  =====================================  ==============================
variable            meaning                                default
==================  =====================================  ==============================
HOST                interface to bind                      127.0.0.1 (the Docker image
                                                           sets 0.0.0.0)
PORT                TCP port                               8050
QDGAIN_WORKERS      worker processes (``WEB_CONCURRENCY``  2 x CPUs + 1, at most 8
                    is read too)
QDGAIN_THREADS      threads per worker (gthread)           2
QDGAIN_TIMEOUT      seconds before a silent worker is      30
                    killed and replaced
QDGAIN_PRELOAD      load the app once in the master and    1
                    fork workers from it (0 to disable)
QDGAIN_ACCESS_LOG   access log target ("-" is stdout;      -
                    empty disables it)
LOG_LEVEL           gunicorn's error-log level             info
==================  =====================================  ==============================

Idle keep-alive connections stay open 75 s (students pause between drags; longer than
the 60 s idle timeout of common load balancers, so the balancer closes first). Numpy's
BLAS pools are limited to one thread per process (OMP_NUM_THREADS and friends)
before any worker imports numpy: with several workers per core, more threads only
oversubscribe the CPUs. Dash's debug mode is never enabled here; it exists only under
``python app.py``. Gunicorn's control socket is disabled, so that several servers can
run side by side as the same user.
"""

from __future__ import annotations

import multiprocessing
import os

BLAS_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
MAX_DEFAULT_WORKERS = 8


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    """The integer in environment variable ``name``, or ``default`` when unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name}={raw!r} is not an integer") from None
    if value < minimum:
        raise SystemExit(f"gunicorn.conf.py: {name}={value} must be at least {minimum}")
    return value


def _env_flag(name: str, default: bool) -> bool:
    """A boolean environment variable: 1/true/yes/on or 0/false/no/off."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SystemExit(f"gunicorn.conf.py: {name}={raw!r} is not a boolean")


def default_workers(cpus: int | None = None) -> int:
    """Gunicorn's rule of thumb, 2 x CPUs + 1, capped at ``MAX_DEFAULT_WORKERS``."""
    cpus = cpus if cpus is not None else multiprocessing.cpu_count()
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


for _name in BLAS_THREAD_VARIABLES:
    os.environ.setdefault(_name, "1")
raw_env = [f"{name}={os.environ[name]}" for name in BLAS_THREAD_VARIABLES]

bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_env_int('PORT', 8050, minimum=0)}"]
workers = _env_int("QDGAIN_WORKERS", _env_int("WEB_CONCURRENCY", default_workers()))
worker_class = "gthread"
threads = _env_int("QDGAIN_THREADS", 2)
timeout = _env_int("QDGAIN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 75
max_requests = 5000
max_requests_jitter = 500
preload_app = _env_flag("QDGAIN_PRELOAD", True)
control_socket_disable = True

accesslog = os.environ.get("QDGAIN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "qdgain"

"""Gunicorn settings for qdgain: ``gunicorn -c gunicorn.conf.py app:server``.

Every setting comes from an environment variable, parsed by ``components.settings`` (the
one table of variables, shown in the README's "Configuration" section): HOST, PORT,
QDGAIN_WORKERS (or WEB_CONCURRENCY), QDGAIN_THREADS, QDGAIN_TIMEOUT, QDGAIN_PRELOAD,
QDGAIN_ACCESS_LOG and LOG_LEVEL. A malformed value stops the start with a message.

Idle keep-alive connections stay open 75 s (students pause between drags; longer than
the 60 s idle timeout of common load balancers, so the balancer closes first). Numpy's
BLAS pools are limited to one thread per process (OMP_NUM_THREADS and friends)
before any worker imports numpy: with several workers per core, more threads only
oversubscribe the CPUs. Dash's debug mode is never enabled here. Gunicorn's control
socket is disabled, so that several servers can run side by side as the same user.
"""

from __future__ import annotations

import os

from components.settings import SettingsError, current

BLAS_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)

for _name in BLAS_THREAD_VARIABLES:
    os.environ.setdefault(_name, "1")
raw_env = [f"{name}={os.environ[name]}" for name in BLAS_THREAD_VARIABLES]

try:
    _settings = current()
except SettingsError as error:
    raise SystemExit(f"gunicorn.conf.py: {error}") from None

bind = [f"{_settings.host}:{_settings.port}"]
workers = _settings.worker_count
worker_class = "gthread"
threads = _settings.threads
timeout = _settings.worker_timeout_s
graceful_timeout = 20
keepalive = 75
max_requests = 5000
max_requests_jitter = 500
preload_app = _settings.preload
control_socket_disable = True

accesslog = _settings.access_log
errorlog = "-"
loglevel = _settings.log_level
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "qdgain"

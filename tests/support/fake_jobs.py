"""The dashboard with one more job kind, ``sleep``, for the job tests (never part of the shipped app).

``sleep`` computes (a busy loop, so it loads a core like a fit) for ``seconds`` in ``steps``
steps, reporting progress after each, and returns the worker process's pid; ``fail`` makes it
raise a ValueError at the end. Serve with ``gunicorn -c gunicorn.conf.py tests.support.fake_jobs:server``
and run workers with ``celery -A tests.support.fake_jobs:celery_app worker``: the kind is added to
``JOB_KINDS`` before ``app`` is imported, so its callbacks, stores and Celery task exist on both sides.
"""

from __future__ import annotations

import os
import time
from typing import Any

from components.jobs import kinds, requests

MAX_SECONDS = 120.0


def parse_sleep(body: Any) -> dict[str, Any]:
    raw = requests.mapping(body, "request", ("seconds", "steps", "fail", "tag"), ("seconds",))
    return {"seconds": requests.number(raw["seconds"], "seconds", 0.0, MAX_SECONDS),
            "steps": requests.integer(raw.get("steps", 10), "steps", 1, 1000),
            "fail": bool(raw.get("fail", False)), "tag": str(raw.get("tag", ""))}


def run_sleep(request: dict[str, Any], progress: kinds.Progress) -> dict[str, Any]:
    step_s = request["seconds"] / request["steps"]
    for step in range(request["steps"]):
        end = time.monotonic() + step_s
        while time.monotonic() < end:
            sum(i * i for i in range(2000))
        progress((step + 1) / request["steps"], f"step {step + 1} of {request['steps']}")
    if request["fail"]:
        raise ValueError("asked to fail")
    return {"pid": os.getpid(), "seconds": request["seconds"], "tag": request["tag"]}


kinds.JOB_KINDS["sleep"] = kinds.JobKind("sleep", "Sleep", parse_sleep, run_sleep)

from app import app, celery_app, server  # noqa: E402  (after the kind is registered)

__all__ = ["app", "celery_app", "server"]

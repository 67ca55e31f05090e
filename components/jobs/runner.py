"""What a job worker does with one request: check it, run its kind, report progress and liveness, and answer.

``run_job`` is the body of every job kind's background callback (``components/callbacks/jobs.py``);
it runs in the job process (embedded: a subprocess of the server; Celery: a worker). It
never raises: a bad request or a failing computation becomes the status message, with no
traceback (that goes to the worker's log), and the Retry button.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from dash import no_update

from components.jobs.board import Board, Heartbeat
from components.jobs.kinds import JOB_KINDS
from components.jobs.requests import RequestError, mapping, request_key
from components.jobs.slots import JobSlots, SlotTimeout

LOG = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.25  # at most four progress updates per second reach the store
RESULT_KEYS = ("kind", "key", "request", "result", "worker", "finished_utc", "seconds")

Answer = tuple[Any, str, bool]  # (result store or no_update, status text, retry hidden)


def worker_name() -> str:
    """The Celery worker's node name (``name@host``) inside a Celery task, else ``embedded@host:pid``."""
    try:
        from celery import current_task

        hostname = current_task.request.hostname if current_task else None
    except ImportError:
        hostname = None
    if hostname:
        return str(hostname)
    import os

    return f"embedded@{socket.gethostname()}:{os.getpid()}"


class ProgressRelay:
    """The core's ``progress(fraction, text)``, throttled, to Dash's progress outputs and the board."""

    def __init__(self, set_progress: Callable[[Any], None], board: Board, key: str):
        self.set_progress, self.board, self.key = set_progress, board, key
        self.last = 0.0

    def __call__(self, fraction: float, text: str) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL_S and fraction < 1.0:
            return
        self.last = now
        fraction = min(max(float(fraction), 0.0), 1.0)
        text = str(text)[:120]
        self.set_progress((str(round(100 * fraction)), text))
        self.board.progress(self.key, fraction, text)


def _slot(slots: JobSlots | None, board: Board, key: str, timeout_s: float) -> AbstractContextManager[None]:
    """An embedded job slot (waiting on the board while all are busy), or nothing to wait for (Celery)."""
    if slots is None:
        return nullcontext()
    busy = len(slots.paths)
    return slots.slot(lambda waited: board.waiting(key, f"all {busy} slots busy"), timeout_s)


def run_job(set_progress: Callable[[Any], None], document: Any, board: Board, expected_kind: str,
            slots: JobSlots | None = None, slot_timeout_s: float = 900.0) -> Answer:
    """Run the request ``document`` (``{"kind", "request"}``) and return what the page shows.

    With ``slots`` (embedded jobs) the computation waits for a free slot first.
    """
    key = request_key(document)
    if document is None:
        return no_update, "Nothing to run yet: fill in the form first.", True
    try:
        raw = mapping(document, "job", ("kind", "request"), ("kind", "request"))
        if raw["kind"] != expected_kind:
            raise RequestError(f"kind: {raw['kind']!r} sent to the {expected_kind} job; allowed: {expected_kind}")
        kind = JOB_KINDS[expected_kind]
        request = kind.parse(raw["request"])
    except RequestError as error:
        board.finished(key, "failed", str(error))
        return no_update, f"Not started: {error}", True
    worker = worker_name()
    try:
        with _slot(slots, board, key, slot_timeout_s):
            board.started(key, kind.name, worker)
            started = time.monotonic()
            relay = ProgressRelay(set_progress, board, key)
            relay(0.0, "starting")
            with Heartbeat(board, key):
                result = kind.run(request, relay)
    except SlotTimeout as error:
        message = f"{kind.title} not started: {error}. Retry later."
        board.finished(key, "failed", message)
        return no_update, message, False
    except (ValueError, ArithmeticError) as error:
        message = f"{kind.title} failed: {str(error)[:300]}"
        board.finished(key, "failed", message)
        return no_update, message, False
    except Exception as error:
        LOG.exception("%s job %s failed on %s", kind.name, key[:12], worker)
        message = f"{kind.title} failed on {worker}: {type(error).__name__} (see the worker's log)"
        board.finished(key, "failed", message)
        return no_update, message, False
    seconds = round(time.monotonic() - started, 3)
    finished = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    message = f"{kind.title} done in {seconds:.1f} s on {worker} ({finished})."
    board.finished(key, "done", message)
    stored = {"kind": kind.name, "key": key, "request": raw["request"], "result": result, "worker": worker,
              "finished_utc": finished, "seconds": seconds}
    return stored, message, True

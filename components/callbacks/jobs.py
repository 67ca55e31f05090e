"""The background jobs (fit, map, sweep): Dash background callbacks, and the liveness watch around them.

Per kind of ``JOB_KINDS`` (ids from ``components.ids``, boxes from ``components/page/jobs_panel.py``):

* ``run`` (background, in the jobs backend's manager: ``components/jobs/backend.py``): Start or
  Retry sends the request store to a job process or Celery worker (``jobs.runner.run_job``);
  its progress drives the bar and text, Cancel stops it, the result lands in the session
  result store. Start is disabled and Cancel enabled while it runs. Identical requests are
  answered from the manager's cache (keyed by the request and the version, not the clicks).
* ``arm``: the same clicks switch the watch interval on and say "submitted".
* ``watch``: every ``WATCH_INTERVAL_MS`` while a job is out, the job board's entry for the
  request decides the status line (``board.judge``): queued, running on which worker, or
  "no worker took the job" / "the worker running this job stopped" with Retry; the watch
  switches itself off once the job is over.
* ``cancelled``: Cancel marks the job cancelled on the board (Dash's own cancel callback
  stops the process or revokes the task).
* ``download``: the CSV of a finished result, for kinds with one.

Nothing here runs on the slider path; jobs run in other processes.
"""

from __future__ import annotations

import time
from typing import Any

import dash
from dash import Input, Output, State, dcc, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.jobs import runner
from components.jobs.backend import JobsBackend, backend
from components.jobs.board import judge
from components.jobs.kinds import JOB_KINDS
from components.jobs.requests import request_key

WATCH_INTERVAL_MS = 1000
POLL_INTERVAL_MS = 400  # how often the browser asks a background callback for progress and its result
SUBMITTED = "Submitted…"


def run_outputs(kind: str) -> list[Output]:
    """The outputs of ``kind``'s background callback (the result store, the status line and Retry)."""
    return [Output(ids.job_result(kind), "data"), Output(ids.job_status(kind), "children"),
            Output(ids.job_retry(kind), "hidden")]


def run_output_text(kind: str) -> str:
    """The ``output`` string Dash's renderer sends first in that callback's requests (``server/limits.py``)."""
    return ".." + "...".join(f"{o.component_id}.{o.component_property}" for o in run_outputs(kind)) + ".."


def make_job_body(kind: str, jobs: JobsBackend) -> Any:
    """The background callback body of ``kind`` (clicks only trigger it; the request store is what runs)."""

    def run(set_progress: Any, start_clicks: Any, retry_clicks: Any, document: Any) -> tuple[Any, str, bool]:
        return runner.run_job(set_progress, document, jobs.board, kind, jobs.slots, jobs.time_limit_s)

    return run


def arm(start_clicks: Any, retry_clicks: Any) -> tuple[bool, str, bool]:
    """Callback body: a job was asked for; watch the board."""
    return False, SUBMITTED, True


def make_watch(jobs: JobsBackend) -> Any:
    def watch(n_intervals: Any, document: Any) -> tuple[Any, Any, bool]:
        """Callback body: the status line from the board; stops watching once the job is over."""
        verdict = judge(jobs.board.read(request_key(document)), time.time(), jobs.heartbeat_timeout_s,
                        jobs.queue_timeout_s)
        if verdict is None:
            raise PreventUpdate
        if verdict.final and not verdict.retry:
            return no_update, no_update, True  # done or cancelled: the run callback's answer stands
        return verdict.message, not verdict.retry, verdict.final

    return watch


def make_cancelled(jobs: JobsBackend) -> Any:
    def cancelled(n_clicks: Any, document: Any) -> tuple[str, bool]:
        """Callback body: Cancel was pressed; the board says so and the watch stops."""
        key = request_key(document)
        entry = jobs.board.read(key)
        if entry is not None and entry.state in ("queued", "running"):
            jobs.board.finished(key, "cancelled", "Cancelled.")
        return "Cancelled.", True

    return cancelled


def make_download(kind: str) -> Any:
    to_csv = JOB_KINDS[kind].csv
    if to_csv is None:
        raise ValueError(f"job kind {kind!r} has no CSV export")

    def download(n_clicks: Any, stored: Any) -> Any:
        """Callback body: the finished result of ``kind`` as CSV."""
        if not n_clicks or not isinstance(stored, dict) or not isinstance(stored.get("result"), dict):
            raise PreventUpdate
        try:
            text = to_csv(stored["result"])
        except (KeyError, TypeError, ValueError):
            raise PreventUpdate from None
        return dcc.send_string(text, f"qdgain-{kind}-{str(stored.get('key', ''))[:12]}.csv")

    return download


def register_kind(kind: str, jobs: JobsBackend) -> None:
    """Register the callbacks of one job kind."""
    clicks = [Input(ids.job_start(kind), "n_clicks"), Input(ids.job_retry(kind), "n_clicks")]
    request = State(ids.job_request(kind), "data")
    dash.callback(
        *run_outputs(kind), *clicks, request,
        background=True,
        manager=jobs.manager,
        interval=POLL_INTERVAL_MS,
        running=[(Output(ids.job_start(kind), "disabled"), True, False),
                 (Output(ids.job_cancel(kind), "disabled"), False, True)],
        progress=[Output(ids.job_progress(kind), "value"), Output(ids.job_progress_text(kind), "children")],
        progress_default=["0", ""],
        cancel=[Input(ids.job_cancel(kind), "n_clicks")],
        cache_args_to_ignore=[0, 1],
        prevent_initial_call=True,
    )(make_job_body(kind, jobs))
    dash.callback(
        Output(ids.job_watch(kind), "disabled", allow_duplicate=True),
        Output(ids.job_status(kind), "children", allow_duplicate=True),
        Output(ids.job_retry(kind), "hidden", allow_duplicate=True),
        *clicks, prevent_initial_call=True,
    )(arm)
    dash.callback(
        Output(ids.job_status(kind), "children", allow_duplicate=True),
        Output(ids.job_retry(kind), "hidden", allow_duplicate=True),
        Output(ids.job_watch(kind), "disabled", allow_duplicate=True),
        Input(ids.job_watch(kind), "n_intervals"), request, prevent_initial_call=True,
    )(make_watch(jobs))
    dash.callback(
        Output(ids.job_status(kind), "children", allow_duplicate=True),
        Output(ids.job_watch(kind), "disabled", allow_duplicate=True),
        Input(ids.job_cancel(kind), "n_clicks"), request, prevent_initial_call=True,
    )(make_cancelled(jobs))
    if JOB_KINDS[kind].csv is not None:
        dash.callback(
            Output(ids.job_download(kind), "data"),
            Input(ids.job_download_button(kind), "n_clicks"), State(ids.job_result(kind), "data"),
            prevent_initial_call=True,
        )(make_download(kind))


def register() -> None:
    """Register the callbacks of every job kind, on this process's jobs backend."""
    jobs = backend()
    for kind in JOB_KINDS:
        register_kind(kind, jobs)

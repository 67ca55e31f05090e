"""The controls of a background job (``job_box``) and the stores every job kind needs (``job_stores``).

``job_box(kind)`` goes where the job's form is (the "Your data" view); ``job_stores()`` goes
into the main layout once: the request store (memory, written by the form), the result store
(session storage, so a result survives a reload; memory for a kind whose results are large), the
watch interval (off until a job is out) and, for kinds with a CSV export, the download.
"""

from __future__ import annotations

from dash import dcc, html

from components import ids
from components.jobs.kinds import JOB_KINDS


def job_box(kind: str, start_label: str | None = None) -> html.Div:
    """Start (``start_label``, default "Run <title>") / Cancel / Retry, a progress bar with its text and the status
    line of one job kind."""
    job = JOB_KINDS[kind]
    actions = [
        html.Button(start_label or f"Run {job.title.lower()}", id=ids.job_start(kind), n_clicks=0, className="button",
                    title=f"Run the {job.title.lower()} in the background (the dashboard stays responsive)"),
        html.Button("Cancel", id=ids.job_cancel(kind), n_clicks=0, disabled=True, className="button small",
                    title="Stop the running job"),
        html.Button("Retry", id=ids.job_retry(kind), n_clicks=0, hidden=True, className="button small",
                    title="Submit the same job again"),
    ]
    if job.csv is not None:
        actions.append(html.Button("CSV", id=ids.job_download_button(kind), n_clicks=0, className="button small",
                                   title=f"Download the last {job.title.lower()} result as CSV"))
    return html.Div(className=f"job-box job-{kind}", children=[
        html.Div(actions, className="job-actions"),
        html.Div(className="job-progress-line", children=[
            html.Progress(id=ids.job_progress(kind), value="0", max="100", className="job-progress",
                          title="progress of the running job"),
            html.Span("", id=ids.job_progress_text(kind), className="job-progress-text"),
        ]),
        html.P("", id=ids.job_status(kind), className="job-status", role="status"),
    ])


def job_stores() -> list:
    """The per-kind stores, watch intervals and downloads of every job kind (once, in the main layout)."""
    from components.callbacks.jobs import WATCH_INTERVAL_MS

    components: list = []
    for kind, job in JOB_KINDS.items():
        components += [
            dcc.Store(id=ids.job_request(kind), storage_type="memory"),
            dcc.Store(id=ids.job_result(kind), storage_type=job.result_storage),
            dcc.Interval(id=ids.job_watch(kind), interval=WATCH_INTERVAL_MS, disabled=True),
        ]
        if job.csv is not None:
            components.append(dcc.Download(id=ids.job_download(kind)))
    return components

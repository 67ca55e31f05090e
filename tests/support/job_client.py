"""Drive background jobs of a served app over HTTP, with Dash's background-callback protocol.

What dash-renderer does, replayed with ``requests``:

1. ``GET /`` gives the page's ``_dash-config``; its ``end_id`` (signed by the server) goes
   with every callback request as ``?endId=``.
2. The job's start request (the normal callback body) is answered with signed handles
   ``{"cacheKey", "job"}``: the job is out.
3. Polls (the same body with every value nulled, ``?cacheKey=&job=``) are answered with
   ``{"progress": {...}}`` until one carries ``"response"`` (the outputs); 204 means the
   job ended without a result (cancelled, or its process died).
4. Cancel is the ``job-cancel-<kind>.id`` callback with ``?cancelJob=<job>``; a new start of
   the same callback sends ``?oldJob=<job>``, which stops the previous one.

The watch (``job-watch-<kind>``) and Cancel callbacks of ``components/callbacks/jobs.py``
are posted like any other callback.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from components import ids
from components.callbacks.jobs import run_output_text, run_outputs

CALLBACK_PATH = "/_dash-update-component"
CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


@dataclass
class JobHandle:
    """A submitted job: the signed handles and what its polls returned."""

    kind: str
    cache_key: str
    job: str
    progress: list[Any] = field(default_factory=list)
    polls: int = 0

    @property
    def job_value(self) -> str:
        """The unsigned job id (a pid embedded, a Celery task id), as the server sees it."""
        return self.job.rpartition("~")[0]


def request_document(kind: str, request: Any) -> dict[str, Any]:
    return {"kind": kind, "request": request}


class JobClient:
    """Starts, polls, cancels and watches jobs on ``base_url``."""

    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.timeout = timeout
        page = self.session.get(self.base_url + "/", timeout=timeout)
        page.raise_for_status()
        self.end_id = json.loads(CONFIG.search(page.text).group(1))["end_id"]
        self.dependencies = self.session.get(self.base_url + "/_dash-dependencies", timeout=timeout).json()

    def post(self, body: Any, **args: str) -> requests.Response:
        query = {"endId": self.end_id, **args}
        return self.session.post(self.base_url + CALLBACK_PATH, params=query, data=json.dumps(body),
                                 headers={"Content-Type": "application/json"}, timeout=self.timeout)

    def start_body(self, kind: str, document: Any, start_clicks: int = 1, retry_clicks: int = 0,
                   changed: str | None = None) -> dict[str, Any]:
        return {
            "output": run_output_text(kind),
            "outputs": [{"id": o.component_id, "property": o.component_property} for o in run_outputs(kind)],
            "inputs": [{"id": ids.job_start(kind), "property": "n_clicks", "value": start_clicks},
                       {"id": ids.job_retry(kind), "property": "n_clicks", "value": retry_clicks}],
            "state": [{"id": ids.job_request(kind), "property": "data", "value": document}],
            "changedPropIds": [changed or f"{ids.job_start(kind)}.n_clicks"],
        }

    def start(self, kind: str, document: Any, old: JobHandle | None = None, **body_args: Any) -> JobHandle:
        args = {"oldJob": old.job} if old is not None else {}
        response = self.post(self.start_body(kind, document, **body_args), **args)
        assert response.status_code == 200, f"start: HTTP {response.status_code}: {response.text[:300]}"
        answer = response.json()
        return JobHandle(kind, answer["cacheKey"], answer["job"])

    def poll(self, handle: JobHandle) -> tuple[int, dict[str, Any] | None]:
        body = self.start_body(handle.kind, None)
        for item in (*body["inputs"], *body["state"]):
            item["value"] = None
        response = self.post(body, cacheKey=handle.cache_key, job=handle.job)
        handle.polls += 1
        if response.status_code == 204:
            return 204, None
        assert response.status_code == 200, f"poll: HTTP {response.status_code}: {response.text[:300]}"
        answer = response.json()
        if "progress" in answer:
            handle.progress.append(answer["progress"])
        return 200, answer

    def wait(self, handle: JobHandle, timeout_s: float = 60.0, poll_s: float = 0.2) -> dict[str, Any] | None:
        """Poll until the job answers: its outputs ``{id: {prop: value}}``, or None when it ended without one."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status, answer = self.poll(handle)
            if status == 204:
                return None
            if answer is not None and "response" in answer:
                return answer["response"]
            time.sleep(poll_s)
        raise AssertionError(f"job {handle.job_value} gave no answer in {timeout_s:g} s")

    def run(self, kind: str, document: Any, timeout_s: float = 60.0) -> tuple[JobHandle, dict[str, Any] | None]:
        handle = self.start(kind, document)
        return handle, self.wait(handle, timeout_s)

    def _callback(self, kind: str, input_id: str) -> dict[str, Any]:
        for entry in self.dependencies:
            if [dep["id"] for dep in entry["inputs"]] == [input_id] and not entry["output"].endswith(".id"):
                return entry
        raise LookupError(f"no callback reads only {input_id}")

    def _post_plain(self, entry: dict[str, Any], input_value: Any, state_value: Any, **args: str) -> Any:
        outputs = []
        for part in entry["output"][2:-2].split("..."):
            component_id, _, prop = part.partition("@")[0].rpartition(".")
            outputs.append({"id": component_id, "property": prop})
        (dep,) = entry["inputs"]
        body = {"output": entry["output"], "outputs": outputs,
                "inputs": [{**dep, "value": input_value}],
                "state": [{**s, "value": state_value} for s in entry["state"]],
                "changedPropIds": [f"{dep['id']}.{dep['property']}"]}
        response = self.post(body, **args)
        if response.status_code == 204:
            return None
        assert response.status_code == 200, f"{entry['output'][:60]}: HTTP {response.status_code}"
        return response.json()["response"]

    def watch(self, kind: str, document: Any) -> dict[str, Any] | None:
        """One tick of the watch: ``{status, retry_hidden, watch_disabled}`` or None (nothing to say)."""
        answer = self._post_plain(self._callback(kind, ids.job_watch(kind)), 1, document)
        if answer is None:
            return None
        return {"status": answer.get(ids.job_status(kind), {}).get("children"),
                "retry_hidden": answer.get(ids.job_retry(kind), {}).get("hidden"),
                "watch_disabled": answer.get(ids.job_watch(kind), {}).get("disabled")}

    def cancel(self, handle: JobHandle, document: Any) -> None:
        """Press Cancel: Dash's cancel callback (stops the job) and the board's (marks it cancelled)."""
        kind = handle.kind
        cancel_id = ids.job_cancel(kind)
        body = {"output": f"{cancel_id}.id", "outputs": {"id": cancel_id, "property": "id"},
                "inputs": [{"id": cancel_id, "property": "n_clicks", "value": 1}],
                "changedPropIds": [f"{cancel_id}.n_clicks"]}
        response = self.post(body, cancelJob=handle.job)
        assert response.status_code in (200, 204), f"cancel: HTTP {response.status_code}: {response.text[:200]}"
        self._post_plain(self._callback(kind, cancel_id), 1, document)

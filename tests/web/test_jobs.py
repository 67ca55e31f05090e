"""Background jobs on the embedded manager (Diskcache, job subprocesses), through a real served app.

A gunicorn server on loopback (two workers, ``tests.support.fake_jobs:server``: the dashboard
plus a ``sleep`` job kind that computes for a given time with progress) is driven with
Dash's background-callback protocol (``tests/support/job_client.py``): start, polls with
progress, the result, Cancel, Retry and the liveness watch. The real kinds (fit, map, sweep)
run qdgain_core's functions in the job process and are compared with the same calls made
here. Hostile requests must come back as a status message naming the problem, never a
traceback or a 5xx. The board's verdicts and the request checks are also tested directly.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import time
import uuid

import psutil
import pytest

from components import ids
from components.jobs.board import Entry, judge
from components.jobs.requests import RequestError, parse_fit, parse_map, parse_sweep, request_key
from qdgain_core import GainParams, measured_points
from qdgain_core.datasets import dataset_to_json, make_dataset
from tests.support.dash_client import DashClient
from tests.support.job_client import JobClient, request_document
from tests.support.server_harness import ROOT, gunicorn_server, wait_for

pytestmark = pytest.mark.slow

HEARTBEAT_TIMEOUT_S = 3
APP = "tests.support.fake_jobs:server"


@pytest.fixture(scope="module")
def served():
    env = {**os.environ, "QDGAIN_ACCESS_LOG": "off", "QDGAIN_JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT_S)}
    for name in ("QDGAIN_CELERY_BROKER", "QDGAIN_JOBS_DIR", "QDGAIN_CACHE_URL", "REDIS_URL"):
        env.pop(name, None)
    argv = [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", APP]
    with gunicorn_server(argv, env=env, workers=2) as server:
        yield server


@pytest.fixture(scope="module")
def client(served):
    return JobClient(served.url)


def sleep_request(seconds: float, steps: int = 10, **extra) -> dict:
    return request_document("sleep", {"seconds": seconds, "steps": steps, "tag": uuid.uuid4().hex, **extra})


def outputs(answer: dict, kind: str) -> tuple:
    return (answer.get(ids.job_result(kind), {}).get("data"), answer[ids.job_status(kind)]["children"],
            answer[ids.job_retry(kind)]["hidden"])


def test_progress_is_reported_and_the_result_names_its_worker(client):
    document = sleep_request(1.5, steps=6)
    handle, answer = client.run("sleep", document)
    stored, status, retry_hidden = outputs(answer, "sleep")
    values = [int(p[f"{ids.job_progress('sleep')}.value"]) for p in handle.progress]
    assert len(set(values)) >= 3 and values == sorted(values), values
    assert any("step" in p[f"{ids.job_progress_text('sleep')}.children"] for p in handle.progress)
    assert stored["kind"] == "sleep" and stored["request"] == document["request"]
    assert stored["key"] == request_key(document)
    assert stored["worker"].startswith("embedded@") and stored["result"]["pid"] != os.getpid()
    assert stored["worker"].endswith(f":{stored['result']['pid']}")
    assert 1.4 <= stored["seconds"] < 10 and stored["finished_utc"].endswith("Z")
    assert "done" in status and retry_hidden is True


def test_an_identical_request_is_answered_from_the_cache(client):
    document = sleep_request(1.0, steps=4)
    first_handle, first = client.run("sleep", document)
    started = time.monotonic()
    again_handle, again = client.run("sleep", document)
    elapsed = time.monotonic() - started
    assert first_handle.polls > 2
    assert again_handle.polls == 1 and elapsed < 0.8, (again_handle.polls, elapsed)
    assert again_handle.job_value == "cached"
    assert outputs(again, "sleep")[0] == outputs(first, "sleep")[0]  # the same run: same pid, time, worker
    changed = {**document, "request": {**document["request"], "seconds": 0.5}}
    other_handle, other = client.run("sleep", changed)
    assert other_handle.polls > 1 and outputs(other, "sleep")[0]["result"]["seconds"] == 0.5


def test_cancel_stops_the_job_process(client):
    document = sleep_request(30, steps=60)
    handle = client.start("sleep", document)
    wait_for(lambda: client.poll(handle)[1].get("progress"), 20, "first progress")
    pid = int(handle.job_value)
    assert psutil.pid_exists(pid)
    client.cancel(handle, document)
    assert client.wait(handle, timeout_s=10) is None  # 204: ended without a result
    wait_for(lambda: not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, 5,
             "the job process to end")
    assert client.watch("sleep", document) == {"status": None, "retry_hidden": None, "watch_disabled": True}


def test_a_killed_job_process_is_reported_with_retry_and_the_retry_runs(client):
    document = sleep_request(3, steps=12)
    handle = client.start("sleep", document)
    wait_for(lambda: client.poll(handle)[1].get("progress"), 20, "first progress")
    running = client.watch("sleep", document)
    assert running["status"].startswith("Running on embedded@") and running["retry_hidden"] is True
    os.kill(int(handle.job_value), signal.SIGKILL)
    verdict = wait_for(lambda: (w := client.watch("sleep", document)) and "stopped" in (w["status"] or "") and w,
                       HEARTBEAT_TIMEOUT_S + 10, "the lost-worker verdict", poll_s=0.5)
    assert "embedded@" in verdict["status"] and "Retry" in verdict["status"]
    assert verdict["retry_hidden"] is False and verdict["watch_disabled"] is True
    retried = client.start("sleep", document, old=handle, retry_clicks=1, changed=f"{ids.job_retry('sleep')}.n_clicks")
    stored, status, _ = outputs(client.wait(retried, 30), "sleep")
    assert stored["result"]["pid"] != int(handle.job_value) and "done" in status


def test_a_failing_job_says_why_and_offers_retry(client):
    _, answer = client.run("sleep", sleep_request(0.2, steps=2, fail=True))
    stored, status, retry_hidden = outputs(answer, "sleep")
    assert stored is None and "asked to fail" in status and retry_hidden is False


def test_live_callbacks_answer_promptly_while_jobs_run(served, client):
    dash_client = DashClient(served.url)
    dash_client.cascade(initial=True)
    (drag,) = dash_client.callbacks_reading("slider-chi", "drag_value")
    handles = [client.start("sleep", sleep_request(8, steps=16)) for _ in range(2)]  # both cores busy
    for handle in handles:
        wait_for(lambda h=handle: client.poll(h)[1].get("progress"), 20, "the jobs to run")
    latencies = []
    for index in range(6):
        started = time.monotonic()
        response = dash_client.call(drag, {"slider-chi.drag_value": 0.31 + 0.07 * index})
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200
    assert all(client.poll(h)[0] == 200 for h in handles), "the jobs ended before the measurement did"
    assert statistics.median(latencies) < 1.0 and max(latencies) < 3.0, latencies


HOSTILE = [
    ("map", {"params": {"chi": float("nan")}, "points": 41}, "params.chi"),
    ("map", {"params": {"chi": "0.5"}, "points": 41}, "params.chi"),
    ("map", {"params": {"no_such_field": 1}, "points": 41}, "no_such_field"),
    ("map", {"params": {}, "points": 10_000}, "points"),
    ("map", {"params": {}, "points": 41, "hold": "everything"}, "hold"),
    ("map", {"params": {}, "points": True}, "points"),
    ("map", {"params": {}, "points": 41, "extra": 1}, "extra"),
    ("map", ["not", "an", "object"], "request"),
    ("sweep", {"params": {}, "axes": [{"name": "chi", "start": 0, "stop": 1, "points": 101}] * 3}, "axes"),
    ("sweep", {"params": {}, "axes": [{"name": "chi", "start": 0, "stop": 1, "points": 100},
                                      {"name": "eta", "start": 0.1, "stop": 10, "points": 101, "log": True}]},
     "points in all"),
    ("sweep", {"params": {}, "axes": [{"name": "counting", "start": 0, "stop": 1, "points": 3},
                                      {"name": "chi", "start": 0, "stop": 1, "points": 3}]}, "axes[0].name"),
    ("sweep", {"params": {}, "axes": [{"name": "chi", "start": 0, "stop": 1e9, "points": 3},
                                      {"name": "eta", "start": 1, "stop": 2, "points": 3}]}, "axes[0].stop"),
    ("fit", {"params": {}, "datasets": [], "free": {"chi": [0, 1]}}, "datasets"),
    ("fit", {"params": {}, "datasets": [{"kind": "doping", "name": "x", "potential_mv": [1, 2],
                                         "n_doped": ["a", "b"]}], "free": {"chi": [0, 1]}}, "datasets[0]"),
    ("fit", {"params": {}, "datasets": [{"kind": "doping", "name": "x", "potential_mv": [1, 2], "n_doped": [0, 1]}],
             "free": {"chi": [1, 0]}}, "free.chi"),
    ("fit", {"params": {}, "datasets": [{"kind": "doping", "name": "x", "potential_mv": [1, 2], "n_doped": [0, 1]}],
             "free": {"__class__": [0, 1]}}, "__class__"),
    ("fit", {"params": {}, "datasets": [{"kind": "doping", "name": str(i), "potential_mv": [1], "n_doped": [0]}
                                        for i in range(9)], "free": {"chi": [0, 1]}}, "datasets"),
]


@pytest.mark.parametrize(("kind", "request_body", "named"), HOSTILE, ids=[f"{k}-{n}" for k, _, n in HOSTILE])
def test_hostile_requests_get_a_message_naming_the_field(client, kind, request_body, named):
    _, answer = client.run(kind, request_document(kind, request_body), timeout_s=30)
    stored, status, _ = outputs(answer, kind)
    assert stored is None
    assert status.startswith("Not started: ") and named in status, status
    assert "Traceback" not in status and len(status) < 400


def test_a_request_for_another_kind_or_garbage_is_refused(client):
    _, answer = client.run("map", request_document("sweep", {"params": {}, "axes": []}))
    assert "kind" in outputs(answer, "map")[1]
    _, answer = client.run("map", None)
    assert outputs(answer, "map")[1].startswith("Nothing to run")


def test_fit_bodies_get_their_own_size_cap(client):
    points = 40_000
    too_many = [{"kind": "doping", "name": "big", "potential_mv": [i + 0.123456789012 for i in range(points)],
                 "n_doped": [0.5 + i * 1.23456789e-6 for i in range(points)]}]
    document = request_document("fit", {"params": {}, "datasets": too_many, "free": {"chi": [0, 1]}})
    body = client.start_body("fit", document)
    assert 1024 * 1024 < len(json.dumps(body)) < 4 * 1024 * 1024  # above the general cap, under the fit's
    handle = client.start("fit", document)
    assert f"{points} points" in outputs(client.wait(handle, 30), "fit")[1]
    huge = request_document("fit", {"params": {}, "datasets": too_many * 8, "free": {"chi": [0, 1]}})
    assert client.post(client.start_body("fit", huge)).status_code == 413
    padded = request_document("map", {"params": {}, "points": 41, "pad": "x" * 2_000_000})
    as_map = client.start_body("map", padded)
    assert client.post(as_map).status_code == 413


def test_map_job_equals_the_core_maps(client):
    from qdgain_core.sweeps import high_resolution_maps, maps_to_json

    params = {"chi": 0.7, "eta": 2.0}
    _, answer = client.run("map", request_document("map", {"params": params, "points": 41, "hold": "stokes"}), 120)
    stored, status, _ = outputs(answer, "map")
    expected = maps_to_json(high_resolution_maps(GainParams(**params), 41, "stokes"))
    assert stored["result"] == expected and "done" in status
    assert len(stored["result"]["n_th"]) == 41 and len(stored["result"]["n_th"][0]) == 41


def test_sweep_job_and_its_csv(served, client):
    from qdgain_core.sweeps import SweepAxis, sweep, sweep_table_csv, sweep_table_to_json

    axes = [{"name": "chi", "start": 0.0, "stop": 1.0, "points": 3, "log": False},
            {"name": "eta", "start": 0.5, "stop": 5.0, "points": 2, "log": True}]
    _, answer = client.run("sweep", request_document("sweep", {"params": {}, "axes": axes}), 120)
    stored, _, _ = outputs(answer, "sweep")
    expected = sweep(GainParams(), [SweepAxis(**a) for a in axes])
    assert stored["result"] == sweep_table_to_json(expected)
    body = {"output": f"{ids.job_download('sweep')}.data",
            "outputs": {"id": ids.job_download("sweep"), "property": "data"},
            "inputs": [{"id": ids.job_download_button("sweep"), "property": "n_clicks", "value": 1}],
            "state": [{"id": ids.job_result("sweep"), "property": "data", "value": stored}],
            "changedPropIds": [f"{ids.job_download_button('sweep')}.n_clicks"]}
    download = client.post(body).json()["response"][ids.job_download("sweep")]["data"]
    assert download["content"] == sweep_table_csv(expected) and download["filename"].endswith(".csv")


def doping_dataset() -> dict:
    points = measured_points(quantity="n_doped", dataset="002_batch2")
    return dataset_to_json(make_dataset("doping", "002_batch2", potential_mv=[p.x_value for p in points],
                                        n_doped=[p.y_value for p in points], sigma=[0.029] * len(points)))


def test_fit_job_equals_the_core_fit(client):
    from qdgain_core.fitting import fit, fit_result_to_json

    preset = GainParams.from_preset("doped_film_002")
    request = {"params": preset.as_dict(), "datasets": [doping_dataset()],
               "free": {"sigma_1s_mv": [1.0, 300.0], "charging_energy_mev": [0.0, 200.0]}}
    handle, answer = client.run("fit", request_document("fit", request), 180)
    stored, status, _ = outputs(answer, "fit")
    parsed = parse_fit(request)
    expected = fit_result_to_json(fit(parsed.params, parsed.datasets, parsed.free))
    assert stored["result"] == expected, status
    assert handle.progress and "done" in status


# The board and the request checks, without a server.

def test_judge_tells_queued_running_lost_and_unclaimed():
    now = 1_000.0
    assert judge(None, now, 10, 30) is None
    queued = Entry("queued", "fit", queued_at=now - 5)
    assert not judge(queued, now, 10, 30).retry
    unclaimed = judge(Entry("queued", "fit", queued_at=now - 31), now, 10, 30)
    assert unclaimed.retry and unclaimed.final and "No worker took the job" in unclaimed.message
    alive = Entry("running", "fit", queued_at=now - 50, heartbeat_at=now - 9, started_at=now - 40, worker="w1@h",
                  text="iteration 3")
    verdict = judge(alive, now, 10, 30)
    assert not verdict.retry and "w1@h" in verdict.message and "iteration 3" in verdict.message
    lost = judge(Entry("running", "fit", queued_at=now - 50, heartbeat_at=now - 11, worker="w1@h"), now, 10, 30)
    assert lost.retry and lost.final and "w1@h" in lost.message and "stopped" in lost.message
    assert judge(Entry("done", "fit", queued_at=now, message="Fit done."), now, 10, 30).message == "Fit done."
    assert judge(Entry("failed", "fit", queued_at=now, message="boom"), now, 10, 30).retry


def test_request_checks_accept_good_requests_exactly():
    map_request = parse_map({"params": {"chi": 0.5, "counting": "sites", "g_e": 2}, "points": 201, "hold": None})
    assert map_request.params == GainParams(chi=0.5, counting="sites", g_e=2) and map_request.points == 201
    sweep_request = parse_sweep({"params": {}, "axes": [{"name": "chi", "start": 0, "stop": 1, "points": 101},
                                                         {"name": "eta", "start": 0.1, "stop": 10, "points": 99}]})
    assert [a.points for a in sweep_request.axes] == [101, 99]
    with pytest.raises(RequestError, match=r"params.g_e: 2.5 is not an integer"):
        parse_map({"params": {"g_e": 2.5}, "points": 41})
    with pytest.raises(RequestError, match=r"params.plqy: 2 is outside the range; allowed: a finite number in"):
        parse_map({"params": {"plqy": 2}, "points": 41})
    assert request_key({"a": 1, "b": 2}) == request_key({"b": 2, "a": 1}) != request_key({"a": 1, "b": 3})

"""Background jobs on real Celery workers through a real redis-server, all on loopback.

A throwaway ``redis-server`` is the broker and result store (``QDGAIN_CELERY_BROKER``); a
gunicorn server (``tests.support.fake_jobs:server``) submits jobs, and two Celery workers
started here (``celery -A tests.support.fake_jobs:celery_app worker -n w1@%h`` and ``w2``, one
job each at a time) run them. Jobs go in through the app's callback endpoint with Dash's
background-callback protocol (``tests/support/job_client.py``). Checked: a fit completes on
a worker and the result names it; a worker SIGKILLed mid-job turns into "the worker running
this job (w…) stopped" with Retry, not a hang, and the retried job finishes on the other
worker; with no worker at all the page says no worker took the job. Every process is started
in its own session and killed at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from components import ids
from qdgain_core import GainParams
from tests.support.job_client import JobClient, request_document
from tests.support.server_harness import ROOT, gunicorn_server, wait_for
from tests.web.test_jobs import doping_dataset, outputs

pytestmark = pytest.mark.slow

APP = "tests.support.fake_jobs"
HEARTBEAT_TIMEOUT_S = 3
QUEUE_TIMEOUT_S = 4
WORKER_START_S = 90


class Worker:
    """One ``celery worker`` process (its own session, log in a file)."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path, app: str = APP):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        argv = [str(ROOT / ".venv/bin/celery"), "-A", f"{app}:celery_app", "worker", "-n", f"{name}@%h",
                "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
        with open(self.log_path, "wb") as log:
            self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self) -> None:
        wait_for(lambda: " ready." in self.log() or self.popen.poll() is not None, WORKER_START_S,
                 f"celery worker {self.name}")
        assert self.popen.poll() is None, f"worker {self.name} exited:\n{self.log()[-3000:]}"

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes (its whole session), then reap it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)


@pytest.fixture(scope="module")
def env(redis):
    environment = {**os.environ, "QDGAIN_CELERY_BROKER": redis.url, "QDGAIN_ACCESS_LOG": "off",
                   "QDGAIN_JOB_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT_S),
                   "QDGAIN_JOB_QUEUE_TIMEOUT": str(QUEUE_TIMEOUT_S)}
    for name in ("QDGAIN_CACHE_URL", "REDIS_URL", "QDGAIN_JOBS_DIR"):
        environment.pop(name, None)
    return environment


@pytest.fixture(scope="module")
def served(env):
    argv = [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", f"{APP}:server"]
    with gunicorn_server(argv, env=env, workers=2) as server:
        yield server


@pytest.fixture(scope="module")
def workers(env):
    log_dir = Path(tempfile.mkdtemp(prefix="qdgain-celery-"))
    started = {name: Worker(name, env, log_dir) for name in ("w1", "w2")}
    try:
        for worker in started.values():
            worker.wait_ready()
        yield started
    finally:
        for worker in started.values():
            worker.kill()


@pytest.fixture(scope="module")
def client(served):
    return JobClient(served.url)


def test_a_fit_completes_on_a_worker(client, workers):
    preset = GainParams.from_preset("doped_film_002")
    request = {"params": preset.as_dict(), "datasets": [doping_dataset()],
               "free": {"sigma_1s_mv": [1.0, 300.0], "charging_energy_mev": [0.0, 200.0]}}
    handle, answer = client.run("fit", request_document("fit", request), timeout_s=180)
    stored, status, _ = outputs(answer, "fit")
    assert stored is not None, status
    assert stored["worker"].split("@")[0] in workers, stored["worker"]
    assert set(stored["result"]["names"]) == {"sigma_1s_mv", "charging_energy_mev"}
    assert handle.progress and "done" in status and stored["worker"] in status


def test_a_killed_worker_is_reported_and_the_retry_runs_on_the_other(client, workers):
    document = request_document("sleep", {"seconds": 4, "steps": 16, "tag": uuid.uuid4().hex})
    handle = client.start("sleep", document)
    running = wait_for(lambda: (w := client.watch("sleep", document)) and (w["status"] or "").startswith("Running")
                       and w, 60, "a worker to run the job")
    victim = running["status"].split()[2].split("@")[0]
    assert victim in workers, running
    workers[victim].kill()
    verdict = wait_for(lambda: (w := client.watch("sleep", document)) and "stopped" in (w["status"] or "") and w,
                       HEARTBEAT_TIMEOUT_S + 15, "the lost-worker verdict", poll_s=0.5)
    assert f"({victim}@" in verdict["status"] and verdict["retry_hidden"] is False and verdict["watch_disabled"]
    status, _ = client.poll(handle)
    assert status == 200, "the lost job must not end as if it had finished"
    retried = client.start("sleep", document, old=handle, retry_clicks=1, changed=f"{ids.job_retry('sleep')}.n_clicks")
    stored, text, _ = outputs(client.wait(retried, 60), "sleep")
    survivor = ({"w1", "w2"} - {victim}).pop()
    assert stored["worker"].startswith(f"{survivor}@") and "done" in text, stored


def test_with_no_worker_the_page_says_no_worker_took_the_job(client, workers):
    for worker in workers.values():
        worker.kill()
    document = request_document("sleep", {"seconds": 1, "steps": 2, "tag": uuid.uuid4().hex})
    handle = client.start("sleep", document)
    queued = client.watch("sleep", document)
    assert queued["status"].startswith("Queued") and queued["retry_hidden"] is True
    verdict = wait_for(lambda: (w := client.watch("sleep", document)) and "No worker" in (w["status"] or "") and w,
                       QUEUE_TIMEOUT_S + 10, "the no-worker verdict", poll_s=0.5)
    assert verdict["retry_hidden"] is False and verdict["watch_disabled"] is True
    assert client.poll(handle)[0] == 200  # still waiting in the queue, not failed silently

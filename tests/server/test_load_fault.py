"""Short, bounded load and fault tests against real gunicorn (and redis-server) on loopback.

* ``test_short_load``: 10 simulated students for a few seconds per phase (cold, then an
  exact warm replay): no errors; the p95 figures are printed and saved.
* ``test_worker_killed_mid_load``: SIGKILL one of two workers while users drag sliders;
  the master must boot a replacement; only the requests the killed worker held (running
  or queued on its connections; at most one per user) may break, all at the moment of the
  kill, and each succeeds when resent once (as Chromium resends), so none is lost.
* ``test_redis_stopped_mid_load``: stop redis-server while users drag sliders, start it
  again later; no request may fail, the app logs a warning, /healthz says "degraded"
  meanwhile, and the cache is written again after Redis returns.

Every test stops by itself (duration and request caps) and stops what it started.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest
import requests

from tests.support.server_harness import (
    ServerProcess,
    gunicorn_server,
    redis_server,
    redis_unavailable_reason,
    wait_for,
)

pytestmark = pytest.mark.slow

THREADS_PER_WORKER = 2
KILL_WINDOW_S = 1.5
BUSY_THINK_S = (0.5, 2.0)  # shorter looks than a real class: more requests in a short test


def _load_module():
    from scripts import load_test

    return load_test


def server_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "QDGAIN_THREADS": str(THREADS_PER_WORKER), **extra}
    if "QDGAIN_CACHE_URL" not in extra:
        env.pop("QDGAIN_CACHE_URL", None)
        env.pop("REDIS_URL", None)
    return env


def load_in_background(url: str, users: int, duration: float) -> tuple[threading.Thread, dict]:
    """Start one cold phase of the load script in a thread; its report lands in the dict."""
    holder: dict = {}

    def run() -> None:
        holder["report"] = _load_module().run_load(
            url, users, duration, max_requests=5000, phases=("run",), ramp_s=2.0, think_s=BUSY_THINK_S)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, holder




def test_short_load(tmp_path):
    with gunicorn_server(env=server_env(), workers=2) as server:
        report = _load_module().run_load(server.url, users=10, duration=6.0, max_requests=3000, ramp_s=2.0,
                                          think_s=BUSY_THINK_S)
    (tmp_path / "load.json").write_text(json.dumps(report, indent=2))
    for phase, summary in report["phases"].items():
        spectra = summary["latency"].get("callback:graph-spectra", {})
        print(f"\n{phase}: {summary['callback_requests']} requests, {summary['throughput_rps']} req/s, "
              f"errors {summary['errors']}, spectra p95 {spectra.get('p95_ms')} ms")
        assert summary["callback_requests"] > 50, summary
        assert summary["errors"] == 0 and summary["retried"] == 0, summary["failures"] + summary["retries"]


def _killable_worker(server: ServerProcess) -> int:
    workers = server.worker_pids()
    assert len(workers) == 2, f"expected two workers, found {workers}"
    return workers[0]


def test_worker_killed_mid_load():
    """Only requests the killed worker held (at most one per user) break, at the kill; resent
    once as a browser does, none of them is lost."""
    users = 6
    with gunicorn_server(env=server_env(), workers=2) as server:
        thread, holder = load_in_background(server.url, users=users, duration=10.0)
        time.sleep(4.0)
        victim = _killable_worker(server)
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: len(set(server.worker_pids()) - {victim}) == 2, 30, "a replacement worker")
        thread.join(timeout=120)
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
        log = server.log()
    summary = holder["report"]["phases"]["run"]
    print(f"\nworker {victim} killed: {summary['retried']} of {summary['callback_requests']} requests "
          f"broke and were resent, {summary['errors']} failed")
    assert summary["callback_requests"] > 30
    assert summary["errors"] == 0, summary["failures"]
    assert summary["retried"] <= users, summary["retries"]
    late = [r for r in summary["retries"] if not killed_at <= r["at_monotonic_s"] <= killed_at + KILL_WINDOW_S]
    assert not late, f"connections broke away from the kill: {late}"
    assert f"pid:{victim}" in log and "SIGKILL" in log, log[-2000:]


def test_redis_stopped_mid_load():
    reason = redis_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with redis_server() as redis, gunicorn_server(env=server_env(QDGAIN_CACHE_URL=redis.url), workers=2) as server:
        thread, holder = load_in_background(server.url, users=6, duration=12.0)
        time.sleep(3.0)
        redis.stop()
        time.sleep(1.0)
        degraded = requests.get(server.url + "/healthz", timeout=10)
        time.sleep(2.0)
        redis.start_and_wait()
        keys_after_restart = redis.client().dbsize()
        wait_for(lambda: redis.client().dbsize() > keys_after_restart, 30, "cache writes after Redis returned")
        thread.join(timeout=120)
        healthy = requests.get(server.url + "/healthz", timeout=10).json()
        log = server.log()
    summary = holder["report"]["phases"]["run"]
    assert summary["errors"] == 0 and summary["retried"] == 0, summary["failures"] + summary["retries"]
    assert degraded.status_code == 200 and degraded.json()["status"] == "degraded"
    assert healthy["status"] == "ok" and healthy["cache"]["redis"] is True
    assert "cache backend failed" in log, log[-2000:]

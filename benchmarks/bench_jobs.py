"""Benchmark of the background jobs (not a test): jobs per minute, embedded and with 1 and 2 Celery workers.

Each setting serves the app with gunicorn on loopback (two web workers, as in the tests),
submits ``--jobs`` distinct 81 x 81 high-resolution map jobs at once through the callback
endpoint (Dash's background-callback protocol, ``tests/support/job_client.py``; distinct chi
so no result comes from the cache) and polls them all until every one has its result.
jobs/minute = jobs / wall time from the first submission to the last result. Celery settings
start a throwaway redis-server and ``celery -A app:celery_app worker`` processes (one job each
at a time). Every process is stopped at the end. Prints JSON.
Run: .venv/bin/python -m benchmarks.bench_jobs [--jobs N] [--points P]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from tests.server.test_celery_jobs import Worker
from tests.support.job_client import JobClient, request_document
from tests.support.server_harness import ROOT, gunicorn_server, redis_server


def run_batch(url: str, jobs: int, points: int) -> dict:
    client = JobClient(url, timeout=60)
    started = time.monotonic()
    handles = [client.start("map", request_document("map", {"params": {"chi": 0.1 + 0.01 * i, "eta": 1.7},
                                                            "points": points}))
               for i in range(jobs)]
    pending = set(range(jobs))
    workers = set()
    while pending:
        for index in sorted(pending):
            status, answer = client.poll(handles[index])
            if status == 204:
                raise RuntimeError(f"job {index} ended without a result")
            if answer and "response" in answer:
                stored = answer["response"]["job-result-map"]["data"]
                if stored is None:
                    raise RuntimeError(answer["response"])
                workers.add(stored["worker"].split(":")[0])
                pending.discard(index)
        time.sleep(0.1)
    seconds = time.monotonic() - started
    return {"jobs": jobs, "points": points, "seconds": round(seconds, 2),
            "jobs_per_minute": round(60 * jobs / seconds, 1), "workers_seen": sorted(workers)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--points", type=int, default=81)
    args = parser.parse_args()
    argv = [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "app:server"]
    base = {**os.environ, "QDGAIN_ACCESS_LOG": "off"}
    for name in ("QDGAIN_CELERY_BROKER", "QDGAIN_CACHE_URL", "REDIS_URL", "QDGAIN_JOBS_DIR"):
        base.pop(name, None)
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    with gunicorn_server(argv, env=base, workers=2) as server:
        results["embedded"] = run_batch(server.url, args.jobs, args.points)
    for count in (1, 2):
        with redis_server() as redis:
            env = {**base, "QDGAIN_CELERY_BROKER": redis.url}
            log_dir = Path(tempfile.mkdtemp(prefix="qdgain-bench-jobs-"))
            workers = [Worker(f"bench{i + 1}", env, log_dir, app="app") for i in range(count)]
            try:
                for worker in workers:
                    worker.wait_ready()
                with gunicorn_server(argv, env=env, workers=2) as server:
                    results[f"celery_{count}_worker{'s' if count > 1 else ''}"] = run_batch(
                        server.url, args.jobs, args.points)
            finally:
                for worker in workers:
                    worker.kill()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

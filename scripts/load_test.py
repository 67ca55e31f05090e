"""Replay realistic slider sessions from N simulated students against the dashboard.

Each simulated user (one thread, one HTTP session) opens the page (index, layout,
dependencies and the initial callbacks), then repeatedly drags one of the sliders chi,
eta or <n_1S(e)>: a drag is a series of small moves, each replayed as the renderer does
it (the callbacks reading the slider's ``drag_value``, then everything downstream, each
response feeding the next call); the release sets ``value``, and the Python mirrors of the
browser-side callbacks (``tests/support/browser_side.py``) write the number input and hand the
committed values to the open tab, so the state, readout and phase-tab callbacks run as
they do in the browser. Between moves the user waits 40-120 ms (about ten updates a
second); after a release the user looks at the figures for ``--think`` seconds (2-8 s).
The loop is closed: a user sends its next move after the previous answer arrived. Like
Chromium, a user resends a request once when its connection breaks before an answer
(the report counts these as ``retried``); a request that fails again is an error.

Users arrive evenly spread over ``--ramp`` seconds (a class opening a shared link). Two
phases run the same seeded scripts: ``cold`` (whatever the cache holds, empty on a
freshly started server) and ``warm`` (an exact replay of what ``cold`` sent, so every
state has been computed once). Each phase stops at ``--ramp`` + ``--duration`` seconds
or ``--max-requests`` requests, whichever comes first.

Without ``--url`` the script starts its own gunicorn on 127.0.0.1 (``--redis`` also
starts a throwaway redis-server and points the app's cache at it) and stops them at
the end. Only loopback is used. The report is JSON on stdout (``--out`` writes it to a
file too): per phase, throughput, error rate, p50/p95/p99 latency per callback and per
interaction (drag move, release, page load), and the CPU time used by this client, the
server and the rest of the machine (they share the same cores).

    .venv/bin/python -m scripts.load_test --users 60 --duration 30 --redis
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.support.dash_client import Callback, CallResult, DashClient, prop_id
from tests.support.server_harness import gunicorn_server, redis_server

DRAG_FIELDS = ("chi", "eta", "n_doped")
STEP_PAUSE_S = (0.04, 0.12)
THINK_PAUSE_S = (2.0, 8.0)
DRAG_STEPS = (5, 12)
MAX_REPORTED_FAILURES = 50


@dataclass(frozen=True)
class Step:
    """One user action: a drag move or a release (or the page load)."""

    kind: str
    changes: dict[str, Any]
    pause_s: float


@dataclass(frozen=True)
class Slider:
    """A slider the users drag: its id, range and the property a drag changes."""

    component_id: str
    minimum: float
    maximum: float
    step: float
    drag_prop: str

    def snap(self, position: float) -> float:
        steps = round((position - self.minimum) / self.step)
        return round(min(max(self.minimum + steps * self.step, self.minimum), self.maximum), 6)


def discover_sliders(client: DashClient, names: tuple[str, ...] = DRAG_FIELDS) -> list[Slider]:
    """The dashboard's sliders for ``names`` (ids ``slider-<name>``) from its layout."""
    sliders = []
    for name in names:
        component_id = f"slider-{name}"
        props = client.props.get(json.dumps(component_id))
        if props is None:
            raise LookupError(f"the layout has no {component_id}")
        drag_prop = "drag_value" if client.callbacks_reading(component_id, "drag_value") else "value"
        step = props.get("step") or (props["max"] - props["min"]) / 100
        sliders.append(Slider(component_id, float(props["min"]), float(props["max"]), float(step), drag_prop))
    return sliders


def user_script(
    sliders: list[Slider], seed: int, start: dict[str, float], think_s: tuple[float, float] = THINK_PAUSE_S,
) -> Iterator[Step]:
    """An endless, reproducible sequence of drags and releases for one user.

    After each release the user looks at the figures for ``think_s`` (uniform) seconds.
    """
    rng = random.Random(seed)
    position = dict(start)
    yield Step("page-load", {}, 0.0)
    while True:
        slider = rng.choice(sliders)
        here = position[slider.component_id]
        target = rng.uniform(slider.minimum, slider.maximum)
        moves = rng.randint(*DRAG_STEPS)
        for k in range(1, moves + 1):
            value = slider.snap(here + (target - here) * k / moves)
            yield Step("drag", {prop_id(slider.component_id, slider.drag_prop): value}, rng.uniform(*STEP_PAUSE_S))
        final = slider.snap(target)
        position[slider.component_id] = final
        changes = {prop_id(slider.component_id, "value"): final}
        if slider.drag_prop != "value":
            changes[prop_id(slider.component_id, slider.drag_prop)] = final
        yield Step("release", changes, rng.uniform(*think_s))


@dataclass
class PhaseRecorder:
    """Thread-safe collection of results for one phase, with its request budget."""

    max_requests: int
    deadline: float
    results: list[tuple[str, str, float, bool]] = field(default_factory=list)
    failures: list[tuple[float, str]] = field(default_factory=list)
    retries: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self) -> bool:
        return time.monotonic() < self.deadline and len(self.results) < self.max_requests

    def record(self, kind: str, calls: list[CallResult], seconds: float) -> None:
        with self.lock:
            for call in calls:
                self.results.append(("callback", call.callback.label, call.seconds, call.ok))
                if not call.ok:
                    self.failures.append((call.finished, f"{call.callback.label}: {call.error}"))
                if call.retried:
                    self.retries.append((call.finished, f"{call.callback.label}: {call.retried}"))
            self.results.append(("interaction", kind, seconds, all(call.ok for call in calls)))


def page_load(client: DashClient) -> list[CallResult]:
    """GET the index, layout and dependencies, then run the initial callbacks."""
    started = time.perf_counter()
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        response = client.session.get(client.base_url + path, timeout=client.timeout)
        if response.status_code != 200:
            error = f"HTTP {response.status_code}"
            page = Callback(path, (), (), False)
            return [CallResult(page, response.status_code, time.perf_counter() - started, error)]
    return client.cascade(initial=True)


def run_user(client: DashClient, script: Iterator[Step], recorder: PhaseRecorder, limit: int | None) -> int:
    """Play ``script`` until the phase closes or ``limit`` steps are done; returns steps done."""
    done = 0
    for step in script:
        if not recorder.open() or (limit is not None and done >= limit):
            break
        started = time.perf_counter()
        try:
            calls = page_load(client) if step.kind == "page-load" else client.cascade(step.changes)
        except requests.RequestException as error:
            with recorder.lock:
                recorder.results.append(("interaction", step.kind, time.perf_counter() - started, False))
                recorder.failures.append((time.monotonic(), f"{step.kind}: {error}"))
            calls = None
        if calls is not None:
            recorder.record(step.kind, calls, time.perf_counter() - started)
        done += 1
        time.sleep(step.pause_s)
    return done


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds used so far: this process, the server's process tree, the whole machine."""

    client: float
    server: float | None
    machine_busy: float
    machine_total: float

    @staticmethod
    def take(server_pid: int | None) -> CpuSnapshot:
        counters = [float(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        ticks = os.sysconf("SC_CLK_TCK")
        idle = counters[3] + counters[4]
        return CpuSnapshot(time.process_time(), _tree_cpu(server_pid), (sum(counters) - idle) / ticks,
                           sum(counters) / ticks)

    def since(self, start: CpuSnapshot) -> dict[str, float | None]:
        """CPU seconds per consumer between ``start`` and this snapshot ("other": the rest of the machine)."""
        client = self.client - start.client
        server = None if self.server is None or start.server is None else self.server - start.server
        busy = self.machine_busy - start.machine_busy
        return {
            "client_s": round(client, 1),
            "server_s": None if server is None else round(server, 1),
            "other_s": None if server is None else round(max(busy - client - server, 0.0), 1),
            "machine_busy_pct": round(100 * busy / max(self.machine_total - start.machine_total, 1e-9), 1),
        }


def _tree_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of a process and its live children (psutil), or None."""
    if pid is None:
        return None
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return None
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _events(events: list[tuple[float, str]]) -> list[dict[str, Any]]:
    return [{"at_monotonic_s": round(at, 3), "error": text} for at, text in events[:MAX_REPORTED_FAILURES]]


def summarize(recorder: PhaseRecorder, seconds: float, cpu: dict[str, float | None]) -> dict[str, Any]:
    """Counts, error rate, throughput, latency percentiles (ms) per group, and CPU use.

    On a small machine the load generator competes with the server for the same cores;
    ``cpu`` says how much each used (and how busy the whole machine was).
    """
    groups: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for scope, label, latency, ok in recorder.results:
        groups[f"{scope}:{label}"].append((latency, ok))
    calls = [r for r in recorder.results if r[0] == "callback"]
    errors = sum(not ok for *_, ok in calls)
    table = {}
    for name, rows in sorted(groups.items()):
        latencies = sorted(latency * 1000 for latency, _ in rows)
        table[name] = {
            "count": len(rows),
            "errors": sum(not ok for _, ok in rows),
            **{f"p{q}_ms": round(percentile(latencies, q), 1) for q in (50, 95, 99)},
            "max_ms": round(latencies[-1], 1),
        }
    return {
        "duration_s": round(seconds, 2),
        "cpu": cpu,
        "callback_requests": len(calls),
        "errors": errors,
        "error_rate": round(errors / len(calls), 5) if calls else None,
        "throughput_rps": round(len(calls) / seconds, 1) if seconds else None,
        "failures": _events(recorder.failures),
        "retried": len(recorder.retries),
        "retries": _events(recorder.retries),
        "latency": table,
    }


def run_phase(
    base: DashClient, users: int, duration: float, max_requests: int, seed: int,
    sliders: list[Slider], limits: list[int] | None = None, ramp_s: float = 5.0, server_pid: int | None = None,
    think_s: tuple[float, float] = THINK_PAUSE_S,
) -> tuple[dict[str, Any], list[int]]:
    """Run ``users`` concurrent scripts; returns the summary and the steps each user did."""
    start = {s.component_id: float(base.value(s.component_id, "value")) for s in sliders}
    recorder = PhaseRecorder(max_requests, time.monotonic() + duration + ramp_s)
    done = [0] * users

    def play(index: int) -> None:
        time.sleep(ramp_s * index / users)
        client = base.clone()
        script = user_script(sliders, seed + index, start, think_s)
        done[index] = run_user(client, script, recorder, None if limits is None else limits[index])

    threads = [threading.Thread(target=play, args=(i,), daemon=True) for i in range(users)]
    started, cpu_started = time.perf_counter(), CpuSnapshot.take(server_pid)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + ramp_s + 120)
    cpu = CpuSnapshot.take(server_pid).since(cpu_started)
    return summarize(recorder, time.perf_counter() - started, cpu), done


def run_load(
    url: str, users: int, duration: float, max_requests: int, seed: int = 1,
    phases: tuple[str, ...] = ("cold", "warm"), ramp_s: float = 5.0, server_pid: int | None = None,
    think_s: tuple[float, float] = THINK_PAUSE_S,
) -> dict[str, Any]:
    """The phases against a running app at ``url``; the JSON-ready report.

    Users start evenly spread over ``ramp_s`` seconds (a class opening a shared link).
    ``server_pid`` (the gunicorn master) adds the server's CPU time to the report.
    """
    base = DashClient(url, timeout=30)
    sliders = discover_sliders(base)
    report: dict[str, Any] = {
        "config": {"url": url, "users": users, "duration_s": duration, "ramp_s": ramp_s, "think_s": list(think_s),
                   "max_requests": max_requests, "seed": seed,
                   "sliders": [f"{s.component_id}.{s.drag_prop}" for s in sliders]},
        "phases": {},
    }
    limits = None
    for phase in phases:
        summary, done = run_phase(
            base, users, duration, max_requests, seed, sliders, limits, ramp_s, server_pid, think_s)
        report["phases"][phase] = summary
        limits = done
    return report


@contextlib.contextmanager
def local_servers(workers: int | None, threads: int | None, with_redis: bool) -> Iterator[tuple[str, int]]:
    """A gunicorn (and optionally redis-server) on loopback for the run; yields URL and master pid."""
    env = dict(os.environ)
    for name, value in (("QDGAIN_WORKERS", workers), ("QDGAIN_THREADS", threads)):
        if value:
            env[name] = str(value)
    with contextlib.ExitStack() as stack:
        if with_redis:
            env["QDGAIN_CACHE_URL"] = stack.enter_context(redis_server()).url
        else:
            env.pop("QDGAIN_CACHE_URL", None)
            env.pop("REDIS_URL", None)
        server = stack.enter_context(gunicorn_server(env=env, workers=None))
        yield server.url, server.popen.pid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app (default: start gunicorn on 127.0.0.1)")
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    parser.add_argument("--max-requests", type=int, default=50000, help="callback requests per phase")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which the users arrive")
    parser.add_argument("--think", default="2,8", help="min,max seconds a user looks at the result of a drag")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phases", default="cold,warm")
    parser.add_argument("--workers", type=int, help="gunicorn workers when starting one (default: its config)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker when starting one")
    parser.add_argument("--redis", action="store_true", help="start a redis-server and share the cache through it")
    parser.add_argument("--out", type=Path, help="also write the JSON report here")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 0 or args.max_requests < 1 or args.ramp < 0:
        parser.error("--users, --duration, --max-requests must be positive and --ramp not negative")
    phases = tuple(p for p in args.phases.split(",") if p)
    try:
        think = tuple(float(v) for v in args.think.split(","))
    except ValueError:
        think = ()
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error("--think must be MIN,MAX seconds with 0 <= MIN <= MAX")
    with contextlib.ExitStack() as stack:
        url, pid = (args.url, None) if args.url else stack.enter_context(
            local_servers(args.workers, args.threads, args.redis))
        report = run_load(url, args.users, args.duration, args.max_requests, args.seed, phases, args.ramp, pid,
                          think)
    report["config"].update(redis=bool(args.redis), workers=args.workers, threads=args.threads, cpus=os.cpu_count())
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Dashboard benchmark (not a test): server time per callback and browser time to redraw.

Server: every callback body is called directly against a freshly configured in-process
cache, cold (new parameters each call, empty cache) and warm (the same call again).
Browser: the app runs as ``python app.py`` on a free loopback port; headless Chromium
presses slider keys and the page measures, with ``performance.now()``, the time from the
keydown to the next ``plotly_afterplot`` of the spectra (fast path) and of the phase map
(committed path, cold = a new eta, warm = back to the previous eta), and from the release
of a mouse drag of <n_1S(e)> to the phase map's redraw (cold = a new value, warm = the
same releases again).

    .venv/bin/python -m benchmarks.bench_app [--runs 30] [--no-browser] [--gunicorn]

Prints JSON: milliseconds, p50 and p95 per measurement. Targets (issue 3): p95 <= 100 ms
slider -> spectra; maps <= 400 ms cold and <= 100 ms warm.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from flask import Flask

from components import settings
from components.callbacks import downloads, figure_tabs, live
from components.panels import PANEL_TABS
from components.server.cache_backend import configure_cache
from components.state import AppState, default_state, state_to_store
from components.url_state import to_query
from tests.support.server_harness import free_port, http_ok, wait_for

ROOT = Path(__file__).resolve().parent.parent

SPECTRA_GRAPH = "graph-spectra"
# Room for every state the browser run visits (about 20 cache entries per release), so the
# warm passes are warm; the default in-process cache (300 entries) would evict them.
BROWSER_CACHE_ENTRIES = "5000"
POLL_S = 0.02  # how often the script looks for a new sample (the latency itself is timed in the page)
MAP_GRAPH = "graph-phase_nth"


def summary(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95, max and count of a list of milliseconds."""
    values = np.asarray(samples_ms, dtype=float)
    return {"p50": round(float(np.percentile(values, 50)), 1), "p95": round(float(np.percentile(values, 95)), 1),
            "max": round(float(values.max()), 1), "n": int(values.size)}


def store_for(rng: random.Random) -> dict[str, Any]:
    """A committed state with a random operating point (a cache miss for every panel)."""
    params = default_state().params.with_updates(
        chi=round(rng.uniform(-1.5, 2.5), 3), eta=round(10 ** rng.uniform(-1.5, 1.5), 3),
        stokes_mev=round(rng.uniform(10, 60), 2), n_avg=round(rng.uniform(0.5, 4), 2))
    state = AppState(params, default_state().view)
    return state_to_store(state, to_query(state))


def _draw_tab(tab: str, store: dict[str, Any]) -> Any:
    return figure_tabs.draw_tab(tab, {}, store, 31)


CALLBACKS: dict[str, Callable[[dict], Any]] = {
    "operating_point (spectra + readouts)": lambda store: live.update_operating_point({}, {}, store),
    **{f"tab {tab.value} ({', '.join(tab.panel_ids)})": functools.partial(_draw_tab, tab.value) for tab in PANEL_TABS},
    "readouts (ASE threshold, gain lifetime)": lambda store: figure_tabs.update_readouts({}, store, 31),
    "export_zip": downloads.bundle_download,
}


def bench_server(runs: int) -> dict[str, dict]:
    """Cold and warm milliseconds per callback body."""
    server = Flask("bench")
    configure_cache(server, settings.load({"QDGAIN_CACHE_THRESHOLD": "5000"}))
    rng = random.Random(1)
    results: dict[str, dict] = {}
    for name, func in CALLBACKS.items():
        cold, warm = [], []
        for _ in range(runs):
            store = store_for(rng)
            started = time.perf_counter()
            func(store)
            cold.append((time.perf_counter() - started) * 1e3)
            started = time.perf_counter()
            func(store)
            warm.append((time.perf_counter() - started) * 1e3)
        results[name] = {"cold": summary(cold), "warm": summary(warm)}
    return results


LATENCY_HOOK = """
window.__qd = {t0: null, watch: null, samples: []};
const mark = () => { if (window.__qd.t0 === null) { window.__qd.t0 = performance.now(); } };
document.addEventListener('keydown', mark, true);
document.addEventListener('pointermove', e => { if (e.buttons) { mark(); } }, true);
document.addEventListener('pointerup', mark, true);
for (const id of arguments[0]) {
    const plot = document.getElementById(id).getElementsByClassName('js-plotly-plot')[0];
    plot.on('plotly_afterplot', () => {
        if (window.__qd.t0 !== null && window.__qd.watch === id) {
            window.__qd.samples.push(performance.now() - window.__qd.t0);
            window.__qd.t0 = null;
        }
    });
}
"""


def measure_keys(driver, slider_id: str, graph_id: str, keys: list[str], settle_s: float = 0.25) -> list[float]:
    """Press ``keys`` one by one on a slider; milliseconds from each keydown to the graph's next redraw."""
    driver.execute_script(f"window.__qd.watch = '{graph_id}'; window.__qd.samples = []; window.__qd.t0 = null;")
    thumb = driver.find_element("css selector", f"#{slider_id} [role='slider']")
    for count, key in enumerate(keys, start=1):
        thumb.send_keys(key)
        wait_for(lambda: driver.execute_script("return window.__qd.samples.length") >= count, what="a redraw",
                 poll_s=POLL_S)
        time.sleep(settle_s)
        driver.execute_script("window.__qd.t0 = null;")
    return driver.execute_script("return window.__qd.samples")


def _mouse(driver, kind: str, x: float, y: float, buttons: int) -> None:
    """A trusted mouse event through the DevTools protocol (WebDriver actions do not drive the slider)."""
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                        "buttons": buttons, "clickCount": 1})


def measure_drag(driver, slider_id: str, graph_id: str, moves: int, step_px: int = 5) -> list[float]:
    """Hold the slider thumb and move it ``moves`` times; milliseconds from each move to the next redraw."""
    driver.execute_script(f"window.__qd.watch = '{graph_id}'; window.__qd.samples = []; window.__qd.t0 = null;")
    thumb = driver.find_element("css selector", f"#{slider_id} [role='slider']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumb)
    x, y = driver.execute_script("const b = arguments[0].getBoundingClientRect();"
                                 "return [b.x + b.width / 2, b.y + b.height / 2];", thumb)
    _mouse(driver, "mouseMoved", x, y, 0)
    _mouse(driver, "mousePressed", x, y, 1)
    direction = 1
    for count in range(1, moves + 1):
        if count % 10 == 0:
            direction = -direction
        x += direction * step_px
        _mouse(driver, "mouseMoved", x, y, 1)
        wait_for(lambda: driver.execute_script("return window.__qd.samples.length") >= count, what="a redraw",
                 poll_s=POLL_S)
        time.sleep(0.05)
        driver.execute_script("window.__qd.t0 = null;")
    _mouse(driver, "mouseReleased", x, y, 0)
    return driver.execute_script("return window.__qd.samples")


def measure_releases(driver, slider_id: str, graph_id: str, targets_px: list[float],
                     settle_s: float = 0.8) -> list[float]:
    """Drag the thumb to each absolute x in ``targets_px`` and release; milliseconds from release to redraw.

    The drag itself (three moves, the spectra following) is not timed: only the release,
    which commits the value and redraws the open tab's figures.
    """
    thumb = driver.find_element("css selector", f"#{slider_id} [role='slider']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumb)
    samples = []
    for target in targets_px:
        x, y = driver.execute_script("const b = arguments[0].getBoundingClientRect();"
                                     "return [b.x + b.width / 2, b.y + b.height / 2];", thumb)
        driver.execute_script("window.__qd.watch = null; window.__qd.t0 = null;")
        _mouse(driver, "mouseMoved", x, y, 0)
        _mouse(driver, "mousePressed", x, y, 1)
        for k in (1, 2, 3):
            _mouse(driver, "mouseMoved", x + (target - x) * k / 3, y, 1)
            time.sleep(0.05)
        time.sleep(settle_s)
        driver.execute_script(f"window.__qd.watch = '{graph_id}'; window.__qd.samples = []; window.__qd.t0 = null;")
        _mouse(driver, "mouseReleased", target, y, 0)
        wait_for(lambda: driver.execute_script("return window.__qd.samples.length") >= 1, what="a redraw",
                 poll_s=POLL_S)
        samples.append(driver.execute_script("return window.__qd.samples[0]"))
        time.sleep(settle_s)
    return samples


def slider_track(driver, slider_id: str) -> tuple[float, float]:
    """Left and right x of a slider's track (page pixels)."""
    return tuple(driver.execute_script(
        "const b = document.querySelector(arguments[0]).getBoundingClientRect(); return [b.left, b.right];",
        f"#{slider_id} .rc-slider, #{slider_id}"))


def server_command(use_gunicorn: bool) -> list[str]:
    """``python app.py`` (Flask's threaded server) or gunicorn with the project's gunicorn.conf.py."""
    if use_gunicorn:
        return [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"]
    return [sys.executable, "app.py"]


def bench_browser(runs: int, use_gunicorn: bool = False) -> dict[str, dict]:
    """Browser latencies against the app on a free loopback port."""
    from tests.support.browser import browser_unavailable_reason, make_chrome_driver
    from selenium.webdriver.common.keys import Keys

    reason = browser_unavailable_reason()
    if reason:
        return {"skipped": reason}
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING",
           "QDGAIN_CACHE_THRESHOLD": BROWSER_CACHE_ENTRIES}
    server = subprocess.Popen(server_command(use_gunicorn), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    driver = None
    try:
        driver = make_chrome_driver()
        wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), what="the app")
        driver.get(f"http://127.0.0.1:{port}/")
        wait_for(lambda: driver.execute_script(
            "const g = document.getElementById(arguments[0]);"
            "const p = g && g.getElementsByClassName('js-plotly-plot')[0];"
            "return p && p.data && p.data.length > 2;", MAP_GRAPH), timeout_s=60, what="the phase map")
        time.sleep(1.0)
        driver.execute_script(LATENCY_HOOK, [SPECTRA_GRAPH, MAP_GRAPH])
        dragged = measure_drag(driver, "slider-chi", SPECTRA_GRAPH, runs)
        time.sleep(2.0)
        keyed = measure_keys(driver, "slider-chi", SPECTRA_GRAPH, [Keys.ARROW_RIGHT] * runs, settle_s=0.6)
        cold = measure_keys(driver, "slider-eta", MAP_GRAPH, [Keys.ARROW_RIGHT] * runs, settle_s=0.6)
        warm = measure_keys(driver, "slider-eta", MAP_GRAPH, [Keys.ARROW_LEFT] * runs, settle_s=0.6)
        left, right = slider_track(driver, "slider-n_doped")
        targets = [left + (right - left) * (0.1 + 0.8 * k / max(runs - 1, 1)) for k in range(runs)]
        released_cold = measure_releases(driver, "slider-n_doped", MAP_GRAPH, targets)
        released_warm = measure_releases(driver, "slider-n_doped", MAP_GRAPH, targets)
        return {"drag_to_spectra": summary(dragged), "key_to_spectra (commit)": summary(keyed),
                "key_to_maps_cold": summary(cold), "key_to_maps_warm": summary(warm),
                "release_to_maps_cold": summary(released_cold), "release_to_maps_warm": summary(released_warm)}
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="repetitions per measurement")
    parser.add_argument("--no-browser", action="store_true", help="server timings only")
    parser.add_argument("--gunicorn", action="store_true",
                        help="serve with gunicorn.conf.py (QDGAIN_WORKERS etc. from the environment)")
    args = parser.parse_args()
    report: dict[str, Any] = {"load_average_1min_before": round(os.getloadavg()[0], 2),
                              "server_ms": bench_server(args.runs)}
    if not args.no_browser:
        report["browser_server"] = "gunicorn" if args.gunicorn else "python app.py"
        report["browser_ms"] = bench_browser(args.runs, args.gunicorn)
    report["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

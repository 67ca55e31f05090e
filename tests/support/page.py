"""The dashboard in a browser: serve it in-process, open it, read what its figures plot."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.support.server_harness import ROOT, ServerProcess, gunicorn_server, wait_for

ARTIFACTS = Path(os.environ.get("QDGAIN_ARTIFACTS") or ROOT / "test-artifacts")
EMBEDDED_ONLY = ("QDGAIN_CELERY_BROKER", "QDGAIN_JOBS_DIR", "QDGAIN_CACHE_URL", "REDIS_URL")

# Plotly keeps base64-encoded arrays ({dtype, bdata}) in .data and decodes them into _inputArray.
READ_TRACES = """
const box = document.getElementById(arguments[0]);
const plot = box && box.getElementsByClassName('js-plotly-plot')[0];
if (!plot || !plot.data) { return null; }
const values = v => !v ? [] : Array.from(v._inputArray || v);
return plot.data.map(t => ({name: t.name, x: values(t.x), y: values(t.y)}));
"""


@contextlib.contextmanager
def serve_app() -> Iterator[str]:
    """The dashboard (``app.server``) on a free 127.0.0.1 port in this process (werkzeug, threaded); yields its URL."""
    from werkzeug.serving import make_server

    import app as dashboard

    server = make_server("127.0.0.1", 0, dashboard.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def traces(driver: Any, panel: str) -> list[dict[str, Any]] | None:
    """Name, x and y of every trace the panel's graph plots (None before it drew)."""
    return driver.execute_script(READ_TRACES, f"graph-{panel}")


def spectra_ready(driver: Any) -> list[dict[str, Any]] | None:
    """The spectra's traces once it drew all of them."""
    data = traces(driver, "spectra")
    return data if data and len(data) >= 6 else None


def open_page(driver: Any, url: str) -> None:
    """Load ``url`` and wait until the spectra and the phase map have drawn."""
    driver.get(url)
    wait_for(lambda: spectra_ready(driver), what="the spectra figure")
    wait_for(lambda: (traces(driver, "phase_nth") or [{}])[0].get("name") not in (None, ""), what="phase map")


def net_trace(driver: Any) -> list[float]:
    """The plotted net OD_NL spectrum."""
    return next(t["y"] for t in spectra_ready(driver) if t["name"].startswith("Net"))


def severe_logs(driver: Any) -> list[dict[str, Any]]:
    """Browser console entries at level SEVERE (errors)."""
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@contextlib.contextmanager
def embedded_gunicorn(workers: int = 2) -> Iterator[ServerProcess]:
    """The project's gunicorn on loopback with the embedded cache and job manager (no external service)."""
    env = {name: value for name, value in os.environ.items() if name not in EMBEDDED_ONLY}
    with gunicorn_server(env={**env, "QDGAIN_ACCESS_LOG": "off"}, workers=workers) as server:
        yield server


def scrolled_shot(driver: Any, name: str, width: int, selector: str, back_to_px: int = 1440) -> None:
    """Save ``ARTIFACTS/<name>-<width>.png`` at ``width`` px with ``selector``'s element at the top of the window."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(width, 1000)
    time.sleep(0.5)
    driver.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", selector)
    time.sleep(0.4)
    driver.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))
    driver.set_window_size(back_to_px, 1000)

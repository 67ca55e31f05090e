"""The dashboard in a browser: serve it in-process, open it, read what its figures plot."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from tests.support.server_harness import wait_for

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

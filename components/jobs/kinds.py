"""The background job kinds, one table: how each request is checked, what it runs and what it returns.

``JOB_KINDS`` maps a kind to its ``JobKind``: ``parse`` (``requests.parse_*``, hostile JSON
in, a validated request out), ``run`` (the core call with a ``progress(fraction, text)``
callback, a JSON-ready result out) and optionally ``csv`` (the result as CSV for download).

* ``fit``: ``qdgain_core.fitting.fit`` -> ``fit_result_to_json``;
* ``map``: ``qdgain_core.sweeps.high_resolution_maps`` on the dashboard's (chi, eta) axes, up
  to 201 x 201 -> ``maps_to_json`` (4 significant digits, inf/NaN -> null);
* ``sweep``: ``qdgain_core.sweeps.sweep`` -> the ``SweepTable`` JSON, with its CSV;
* ``animation``: ``components.animation.compute_frames`` -> the frames of the open figures (figure JSON, large:
  its result store is kept in memory, not in session storage).

The core functions are imported when a job runs, so the dashboard starts without them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from components.jobs import requests

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class JobKind:
    """One kind of background job."""

    name: str
    title: str
    parse: Callable[[Any], Any]
    run: Callable[[Any, Progress], dict[str, Any]]
    csv: Callable[[Mapping[str, Any]], str] | None = None
    result_storage: Literal["session", "memory"] = "session"  # the result store's dcc.Store storage_type


def run_fit(request: requests.FitRequest, progress: Progress) -> dict[str, Any]:
    from qdgain_core.fitting import fit, fit_result_to_json

    return fit_result_to_json(fit(request.params, request.datasets, request.free, progress=progress))


def run_map(request: requests.MapRequest, progress: Progress) -> dict[str, Any]:
    from qdgain_core.sweeps import high_resolution_maps, maps_to_json

    return maps_to_json(high_resolution_maps(request.params, request.points, request.hold, progress=progress))


def run_sweep(request: requests.SweepRequest, progress: Progress) -> dict[str, Any]:
    from qdgain_core.sweeps import SweepAxis, sweep, sweep_table_to_json

    axes = [SweepAxis(a.name, a.start, a.stop, a.points, log=a.log) for a in request.axes]
    return sweep_table_to_json(sweep(request.params, axes, progress=progress))


def sweep_csv(result: Mapping[str, Any]) -> str:
    from qdgain_core.sweeps import sweep_table_csv, sweep_table_from_json

    return sweep_table_csv(sweep_table_from_json(result))


def run_animation(request: requests.AnimationRequest, progress: Progress) -> dict[str, Any]:
    from components.animation import compute_frames, frame_plan

    return compute_frames(frame_plan(request.state, request.parameter, request.frames, request.tab), progress)


JOB_KINDS: dict[str, JobKind] = {
    "fit": JobKind("fit", "Fit", requests.parse_fit, run_fit),
    "map": JobKind("map", "High-resolution map", requests.parse_map, run_map),
    "sweep": JobKind("sweep", "Parameter sweep", requests.parse_sweep, run_sweep, csv=sweep_csv),
    "animation": JobKind("animation", "Animation frames", requests.parse_animation, run_animation,
                         result_storage="memory"),
}
"""Every job kind; the layout's stores, the callbacks and the request checks iterate over it."""

LARGE_REQUEST_BYTES: dict[str, int] = {"fit": requests.FIT_REQUEST_BYTES}
"""Kinds whose start request may exceed QDGAIN_MAX_BODY_BYTES (the fit carries the datasets), and their cap."""

"""The user's datasets drawn over the matching panels ("your data: <file>" in the legend and in the CSV).

Two small stores carry what is drawn, both made server-side from the session store of
datasets (``callbacks.uploads``) and decimated to at most ``DISPLAY_POINTS`` points per
dataset, so a slider move never sends the full data:

* the spectra store (read by the drag path, ``callbacks.live``): per spectra dataset its
  groups (one per <N>, <n_1S(e)>), OD divided by the profiled scale of the last fit, or by the
  data's own maximum at its lowest <N> when there is no fit (the model's OD is in units of
  max OD_0, [000] Fig. 2b); the spectrum nearest the operating <N> (times the fit's ``n_scale``) is drawn;
* the panel store (read by the figure tabs): one entry per dataset and panel
  (``DATA_PANELS``: thresholds on the doping / PLQY / size panels, ASE on the ASE output, lifetimes
  on the dynamics panel, doping against potential on the doping-potential panel).

ASE output is in arbitrary units: it is divided by the fit's scale, or without a fit scaled so
that its highest-fluence point lies on the model's curve (the legend says which).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from components.energy_units import to_unit
from components.figures.common import OKABE_ITO
from qdgain_core.datasets import AseData, Dataset, DopingData, LifetimeData, SpectraData, ThresholdData

DATA_PREFIX = "your data:"  # every trace drawn here is named so (the CSV calls its rows kind = data)
DISPLAY_POINTS = 400  # points per dataset sent to the browser for drawing
MAX_SPECTRA_GROUPS = 12  # spectra (distinct <N>, <n_1S(e)>) kept per dataset for the overlay
DATA_COLORS = (OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"], OKABE_ITO["yellow"],
               OKABE_ITO["blue"], OKABE_ITO["bluish_green"], OKABE_ITO["orange"], "#000000")
SIGNIFICANT = 4

THRESHOLD_PANELS = {"n_doped": "doping_threshold", "plqy": "plqy_threshold", "size_nm": "size_threshold"}
DATA_PANELS: dict[str, tuple[str, ...]] = {
    "spectra": ("spectra",),
    "thresholds": tuple(THRESHOLD_PANELS.values()),
    "ase": ("ase_output",),
    "lifetimes": ("dynamics_lifetime",),
    "doping": ("doping_potential",),
}
"""Which panels each kind of dataset is drawn on (every dataset kind has an entry)."""
OVERLAY_PANELS = frozenset(panel for panels in DATA_PANELS.values() for panel in panels if panel != "spectra")


def decimated(count: int, keep: int = DISPLAY_POINTS) -> np.ndarray:
    """Indices of at most ``keep`` points spread evenly over ``count`` (first and last kept)."""
    if count <= keep:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, keep).round().astype(int))


def _rounded(values: np.ndarray) -> list[float]:
    return [float(f"{v:.{SIGNIFICANT}g}") for v in np.asarray(values, dtype=float)]


def store_key(document: Any) -> str:
    """A short content hash of a store document (what the drag path compares)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _spectra_groups(data: SpectraData, scale: float) -> list[dict[str, Any]]:
    keys = np.stack([data.n_avg, data.n_doped], axis=1)
    groups = np.unique(keys, axis=0)[:MAX_SPECTRA_GROUPS]
    per_group = max(DISPLAY_POINTS // max(len(groups), 1), 16)
    out = []
    for n_avg, n_doped in groups:
        rows = np.flatnonzero((data.n_avg == n_avg) & (data.n_doped == n_doped))
        rows = rows[np.argsort(data.energy_mev[rows], kind="stable")]
        rows = rows[decimated(rows.size, per_group)]
        out.append({"n_avg": float(n_avg), "n_doped": float(n_doped),
                    "energy_mev": _rounded(data.energy_mev[rows]), "od": _rounded(data.od_nl[rows] / scale)})
    return out


def own_scale(data: SpectraData) -> float:
    """The data's largest OD_NL at its lowest <N> (the display scale without a fit); 1 when that is not positive."""
    lowest = data.n_avg == data.n_avg.min()
    peak = float(np.max(data.od_nl[lowest]))
    return peak if peak > 0 else 1.0


def spectra_store(entries: Sequence[tuple[str, Dataset]], scales: Mapping[str, float] | None = None,
                  n_scale: float = 1.0) -> dict[str, Any] | None:
    """The drag path's store: every spectra dataset as decimated groups (None: no spectra to draw).

    ``entries`` are (file name, dataset); ``scales`` the fit's profiled OD scale of each dataset
    name (a dataset without one uses ``own_scale``); ``n_scale`` the fit's <N> calibration.
    """
    datasets = []
    for index, (file, data) in enumerate(entries):
        if not isinstance(data, SpectraData):
            continue
        fitted = (scales or {}).get(data.name)
        use_fit = fitted is not None and math.isfinite(fitted) and fitted > 0
        scale = float(fitted) if use_fit and fitted is not None else own_scale(data)
        datasets.append({"file": file, "color": DATA_COLORS[index % len(DATA_COLORS)],
                         "scaled_by": "fit scale" if use_fit else "max at lowest ⟨N⟩",
                         "n_scale": float(n_scale), "groups": _spectra_groups(data, scale)})
    if not datasets:
        return None
    document = {"datasets": datasets}
    return {**document, "key": store_key(document)}


def _points(panel: str, file: str, color: str, x: np.ndarray, y: np.ndarray, sigma: np.ndarray | None,
            labels: Sequence[str], scaled_by: str = "") -> dict[str, Any]:
    order = np.argsort(x, kind="stable")
    keep = order[decimated(order.size)]
    return {"panel": panel, "file": file, "color": color, "scaled_by": scaled_by,
            "x": _rounded(x[keep]), "y": _rounded(y[keep]),
            "error": None if sigma is None else _rounded(sigma[keep]),
            "labels": [labels[i] for i in keep] if labels else []}


def _panel_entries(file: str, color: str, data: Dataset, ase_scale: float | None) -> list[dict[str, Any]]:
    if isinstance(data, ThresholdData):
        return [_points(THRESHOLD_PANELS[data.x_name], file, color, data.x, data.n_th, data.sigma, [])]
    if isinstance(data, AseData):
        scale = ase_scale if ase_scale is not None and math.isfinite(ase_scale) and ase_scale > 0 else None
        y = data.output / scale if scale else data.output
        sigma = None if data.sigma is None else (data.sigma / scale if scale else data.sigma)
        return [_points("ase_output", file, color, data.fluence_mj_cm2, y, sigma, [],
                        "fit scale" if scale else "model at the highest fluence")]
    if isinstance(data, LifetimeData):
        labels = [f"⟨n_1S(e)⟩ = {v:.3g}" for v in data.n_doped]
        return [_points("dynamics_lifetime", file, color, data.n_x, data.gain_lifetime_ps, data.sigma, labels)]
    if isinstance(data, DopingData):
        return [_points("doping_potential", file, color, data.potential_mv, data.n_doped, data.sigma, [])]
    return []


def panel_store(entries: Sequence[tuple[str, Dataset]], scales: Mapping[str, float] | None = None
                ) -> dict[str, Any] | None:
    """The figure tabs' store: the decimated points of every non-spectra dataset, per panel (None: nothing)."""
    traces = [entry for index, (file, data) in enumerate(entries)
              for entry in _panel_entries(file, DATA_COLORS[index % len(DATA_COLORS)], data,
                                          (scales or {}).get(data.name))]
    if not traces:
        return None
    document = {"traces": traces}
    return {**document, "key": store_key(document)}


def _listed(values: Any) -> list[float] | None:
    if not isinstance(values, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                               for v in values):
        return None
    return [float(v) for v in values]


def nearest_group(groups: Sequence[Mapping[str, Any]], n_avg: float, n_doped: float, n_scale: float
                  ) -> Mapping[str, Any] | None:
    """The group whose calibrated <N> (``n_scale`` x the data's) is nearest the operating <N> (then <n_1S(e)>)."""
    usable = [g for g in groups if isinstance(g, Mapping) and isinstance(g.get("n_avg"), (int, float))
              and isinstance(g.get("n_doped"), (int, float))]
    if not usable:
        return None
    return min(usable, key=lambda g: (abs(n_scale * g["n_avg"] - n_avg), abs(g["n_doped"] - n_doped)))


def _hover(x_part: str, y_part: str) -> str:
    return f"{x_part}<br>{y_part}<br>%{{customdata[1]}}<extra>%{{fullData.name}}</extra>"


def spectra_traces(store: Any, n_avg: float, n_doped: float, energy_unit: str) -> list[dict[str, Any]]:
    """Traces for the operating-point spectra: per dataset the spectrum nearest the operating <N>."""
    if not isinstance(store, Mapping) or not isinstance(store.get("datasets"), list):
        return []
    traces = []
    for dataset in store["datasets"]:
        if not isinstance(dataset, Mapping) or not isinstance(dataset.get("groups"), list):
            continue
        n_scale = dataset.get("n_scale")
        n_scale = float(n_scale) if isinstance(n_scale, (int, float)) and n_scale > 0 else 1.0
        group = nearest_group(dataset["groups"], n_avg, n_doped, n_scale)
        energy, od = (_listed(group.get("energy_mev")), _listed(group.get("od"))) if group else (None, None)
        if group is None or energy is None or od is None or len(energy) != len(od):
            continue
        file = str(dataset.get("file", ""))[:80]
        calibrated = f"{n_scale:.3g} × " if n_scale != 1.0 else ""
        name = (f"{DATA_PREFIX} {file} (⟨N⟩ = {calibrated}{group['n_avg']:.3g}, ÷ {dataset.get('scaled_by', '')})")
        traces.append({
            "type": "scatter", "mode": "markers", "name": name,
            "x": [float(v) for v in to_unit(np.asarray(energy), energy_unit)], "y": od,
            "marker": {"size": 5, "color": str(dataset.get("color", DATA_COLORS[0])), "symbol": "circle-open"},
            "customdata": [[file, f"uploaded file {file}"]] * len(od),
            "hovertemplate": _hover(f"E = %{{x:.5g}} {energy_unit}", "OD/scale = %{y:.4g}"),
        })
    return traces


def panel_traces(store: Any, panel_id: str, ase_model: tuple[np.ndarray, np.ndarray] | None = None
                 ) -> list[dict[str, Any]]:
    """Traces of the uploaded data on ``panel_id`` (an ``OVERLAY_PANELS`` member) from the panel store.

    ``ase_model`` (fluence, output) of the model's stripe curve puts unscaled ASE data on it at
    the data's highest fluence.
    """
    if not isinstance(store, Mapping) or not isinstance(store.get("traces"), list):
        return []
    traces = []
    for entry in store["traces"]:
        if not isinstance(entry, Mapping) or entry.get("panel") != panel_id:
            continue
        x, y = _listed(entry.get("x")), _listed(entry.get("y"))
        if x is None or y is None or len(x) != len(y) or not x:
            continue
        error = _listed(entry.get("error"))
        scaled_by = str(entry.get("scaled_by", ""))
        if panel_id == "ase_output" and scaled_by.startswith("model") and ase_model is not None:
            factor = model_factor(x, y, *ase_model)
            y = [v * factor for v in y]
            error = None if error is None else [v * factor for v in error]
        file = str(entry.get("file", ""))[:80]
        labels = entry.get("labels")
        labels = labels if isinstance(labels, list) else []
        customdata = [[str(labels[i]) if i < len(labels) else file, f"uploaded file {file}"] for i in range(len(x))]
        trace: dict[str, Any] = {
            "type": "scatter", "mode": "markers",
            "name": f"{DATA_PREFIX} {file}" + (f" (÷ {scaled_by})" if scaled_by else ""),
            "x": x, "y": y, "customdata": customdata,
            "marker": {"size": 8, "color": str(entry.get("color", DATA_COLORS[0])), "symbol": "circle-open",
                       "line": {"width": 2}},
            "hovertemplate": _hover("x = %{x:.4g}", "y = %{y:.4g}<br>%{customdata[0]}"),
        }
        if error is not None and len(error) == len(y):
            trace["error_y"] = {"type": "data", "array": error, "visible": True, "thickness": 1}
        traces.append(trace)
    return traces


def model_factor(x: Sequence[float], y: Sequence[float], fluence: np.ndarray, output: np.ndarray) -> float:
    """Factor putting the data's highest-fluence point on the model's output curve (log-log interpolation)."""
    fluence, output = np.asarray(fluence, dtype=float), np.asarray(output, dtype=float)
    good = np.isfinite(fluence) & np.isfinite(output) & (fluence > 0) & (output > 0)
    top = int(np.argmax(x))
    if good.sum() < 2 or y[top] <= 0 or x[top] <= 0:
        return 1.0
    model = 10 ** np.interp(math.log10(x[top]), np.log10(fluence[good]), np.log10(output[good]))
    return float(model / y[top])


def with_traces(figure: Mapping[str, Any], traces: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """``figure`` (a memoized JSON dict, never changed) with ``traces`` drawn over it."""
    if not traces:
        return figure
    return {**figure, "data": [*figure.get("data", []), *traces]}

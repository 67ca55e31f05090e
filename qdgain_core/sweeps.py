"""Parameter sweeps over 2 or 3 ``GainParams`` fields and the (chi, eta) maps at high resolution.

``sweep(params, axes)`` evaluates ``SWEEP_QUANTITIES`` at every point of the grid spanned by
the ``SweepAxis`` values (last axis fastest): <N_th> by the params' method, sigma_eff/sigma_SE
([000] Eq. 5, Fig. 5c,d), whether there is gain at the params' <N>, and the ``window``
threshold ([000] Eq. 8). A point the model rejects is NaN with the reason in ``reasons``, not
an exception. ``high_resolution_maps`` computes ``maps.phase_maps`` on the dashboard's axes
(chi linear, eta log-spaced over the field ranges) in row chunks, with progress.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .crossing import search_limit
from .ensemble import geometry_for
from .fitting import Progress, json_numbers, numbers_from_json
from .maps import MAX_PEAK_MAP_POINTS, phase_maps
from .observables import gain_threshold, has_gain, sigma_eff_ratio
from .params import FIELD_SPECS, GainParams
from .results import PhaseMap
from .threshold_methods import method_for

MAX_SWEEP_POINTS = 10_000
AXIS_POINTS = (2, 101)
AXIS_COUNTS = (2, 3)
MAP_POINTS = (2, 201)
MAP_CHUNKS = 20
MAP_DIGITS = 4


@dataclass(frozen=True)
class SweepAxis:
    """One sweep axis: ``points`` values of GainParams float field ``name`` from ``start`` to ``stop``
    (log-spaced when ``log``)."""

    name: str
    start: float
    stop: float
    points: int
    log: bool = False

    def values(self) -> np.ndarray:
        """The axis values (in the field's unit)."""
        if self.log:
            return np.geomspace(self.start, self.stop, self.points)
        return np.linspace(self.start, self.stop, self.points)


def checked_axis(axis: SweepAxis) -> SweepAxis:
    """``axis`` if valid; ValueError naming the axis, the value and the allowed range otherwise."""
    spec = FIELD_SPECS.get(axis.name)
    if spec is None or spec.kind not in ("float", "optional_float") or spec.minimum is None or spec.maximum is None:
        raise ValueError(f"sweep axis: {axis.name!r} is not a float field of GainParams")
    points = axis.points
    if isinstance(points, bool) or not isinstance(points, int | np.integer) or not (
            AXIS_POINTS[0] <= points <= AXIS_POINTS[1]):
        raise ValueError(f"sweep axis {axis.name}: points {points!r} is not an integer in "
                         f"[{AXIS_POINTS[0]}, {AXIS_POINTS[1]}]")
    unit = f" {spec.unit}" if spec.unit else ""
    for label, value in (("start", axis.start), ("stop", axis.stop)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating) or not (
                math.isfinite(value) and spec.minimum <= value <= spec.maximum):
            raise ValueError(f"sweep axis {axis.name}: {label} {value!r} is outside the allowed range "
                             f"[{spec.minimum:g}, {spec.maximum:g}]{unit}")
    if axis.start == axis.stop:
        raise ValueError(f"sweep axis {axis.name}: start and stop are both {axis.start:g}; they must differ")
    if axis.log and min(axis.start, axis.stop) <= 0:
        raise ValueError(f"sweep axis {axis.name}: a log axis needs start and stop > 0")
    return SweepAxis(axis.name, float(axis.start), float(axis.stop), int(points), bool(axis.log))


@dataclass(frozen=True)
class SweepQuantity:
    """A quantity evaluated at every sweep point, with its unit."""

    unit: str
    evaluate: Callable[[GainParams], float]
    description: str


SWEEP_QUANTITIES: dict[str, SweepQuantity] = {
    "n_th": SweepQuantity("excitons/dot", lambda p: gain_threshold(p).n_th,
                          "<N_th> by the params' threshold method (inf: no gain up to the search limit)"),
    "sigma_eff_ratio": SweepQuantity("", sigma_eff_ratio, "sigma_eff/sigma_SE of a singly excited dot ([000] Eq. 5)"),
    "has_gain": SweepQuantity("", lambda p: float(has_gain(p)), "1 if there is net gain at the params' <N>, else 0"),
    "n_th_window": SweepQuantity("excitons/dot", lambda p: gain_threshold(p, "window").n_th,
                                 "<N_th> by the window method ([000] Eq. 8)"),
}
"""The quantities of every sweep point, in column order after the axes."""


@dataclass(frozen=True)
class SweepColumn:
    """A column of a sweep table: its name and unit."""

    name: str
    unit: str


@dataclass(frozen=True)
class SweepTable:
    """A sweep: ``rows`` (points, columns) of floats in ``columns`` order (the axes, then SWEEP_QUANTITIES),
    last axis fastest; ``reasons`` one text per row ("" when nothing to say; why a row is NaN, why there
    is no gain, or the lattice note); ``method`` the params' threshold method; ``params`` the base set."""

    axes: tuple[SweepAxis, ...]
    columns: tuple[SweepColumn, ...]
    rows: np.ndarray
    reasons: tuple[str, ...]
    method: str
    params: GainParams
    qdgain_version: str


def _point(params: GainParams, values: Mapping[str, float]) -> tuple[list[float], str]:
    """The quantities at one sweep point and its reason text (NaN and the error when the model rejects it)."""
    try:
        point = params.with_updates(**values)
        found = {name: float(q.evaluate(point)) for name, q in SWEEP_QUANTITIES.items()}
        notes = [geometry_for(point).note]
    except ValueError as error:
        return [math.nan] * len(SWEEP_QUANTITIES), str(error)
    if math.isinf(found["n_th"]):
        notes.append(search_limit(point.pump_mode, point.pump_sites, point.n_search_max)[1])
    return list(found.values()), "; ".join(n for n in notes if n)


def sweep(params: GainParams, axes: Sequence[SweepAxis], *, progress: Progress | None = None) -> SweepTable:
    """The quantities of ``SWEEP_QUANTITIES`` over the grid of 2 or 3 ``axes`` (<= MAX_SWEEP_POINTS points)."""
    from . import __version__

    if not AXIS_COUNTS[0] <= len(axes) <= AXIS_COUNTS[-1]:
        raise ValueError(f"sweep: need 2 or 3 axes, got {len(axes)}")
    checked = tuple(checked_axis(a) for a in axes)
    names = [a.name for a in checked]
    if len(set(names)) != len(names):
        raise ValueError(f"sweep: the axes must name different fields, got {names}")
    total = math.prod(a.points for a in checked)
    if total > MAX_SWEEP_POINTS:
        raise ValueError(f"sweep: {total} points in all; allowed up to {MAX_SWEEP_POINTS}")
    grids = np.meshgrid(*(a.values() for a in checked), indexing="ij")
    coordinates = np.stack([g.ravel() for g in grids], axis=1)
    rows = np.empty((total, len(checked) + len(SWEEP_QUANTITIES)))
    rows[:, : len(checked)] = coordinates
    reasons = []
    every = max(1, total // 100)
    for i, point in enumerate(coordinates):
        found, reason = _point(params, dict(zip(names, (float(v) for v in point), strict=True)))
        rows[i, len(checked):] = found
        reasons.append(reason)
        if progress is not None and (i + 1) % every == 0:
            progress((i + 1) / total, f"point {i + 1} of {total}")
    rows.setflags(write=False)
    columns = tuple(SweepColumn(a.name, FIELD_SPECS[a.name].unit) for a in checked) + tuple(
        SweepColumn(name, q.unit) for name, q in SWEEP_QUANTITIES.items())
    return SweepTable(checked, columns, rows, tuple(reasons), params.threshold_method, params, __version__)


def sweep_table_csv(table: SweepTable) -> str:
    """The sweep as CSV: two comment lines (version, method, parameters; units), the header, one row per point."""
    out = io.StringIO()
    out.write(f"# qdgain {table.qdgain_version} sweep; method {table.method}; parameters: "
              f"{json.dumps(table.params.as_dict())}\n")
    out.write("# units: " + ", ".join(f"{c.name} [{c.unit or '1'}]" for c in table.columns) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns] + ["reason"])
    for row, reason in zip(table.rows, table.reasons, strict=True):
        writer.writerow([repr(float(v)) for v in row] + [reason])
    return out.getvalue()


SWEEP_FORMAT = "qdgain-sweep/1"


def sweep_table_to_json(table: SweepTable) -> dict[str, Any]:
    """Plain JSON of ``table`` (non-finite numbers as "inf", "-inf", "nan"); ``sweep_table_from_json`` reads it."""
    return {
        "format": SWEEP_FORMAT,
        "qdgain_version": table.qdgain_version,
        "params": table.params.as_dict(),
        "method": table.method,
        "axes": [{"name": a.name, "start": a.start, "stop": a.stop, "points": a.points, "log": a.log}
                 for a in table.axes],
        "columns": [{"name": c.name, "unit": c.unit} for c in table.columns],
        "rows": json_numbers(table.rows),
        "reasons": list(table.reasons),
    }


def sweep_table_from_json(document: Mapping[str, Any]) -> SweepTable:
    """A ``SweepTable`` from ``sweep_table_to_json``'s JSON; ValueError naming the field on anything else."""
    if not isinstance(document, Mapping) or document.get("format") != SWEEP_FORMAT:
        raise ValueError(f"sweep table: expected an object with format {SWEEP_FORMAT!r}")
    try:
        axes = tuple(checked_axis(SweepAxis(str(a["name"]), a["start"], a["stop"], a["points"], bool(a["log"])))
                     for a in document["axes"])
        columns = tuple(SweepColumn(str(c["name"]), str(c["unit"])) for c in document["columns"])
        rows = numbers_from_json(document["rows"], "rows").reshape(-1, len(columns))
        reasons = tuple(str(r) for r in document["reasons"])
        params = GainParams(**document["params"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"sweep table: missing or malformed field {error}") from None
    if rows.shape[0] != len(reasons) or rows.shape[0] != math.prod(a.points for a in axes):
        raise ValueError("sweep table: rows, reasons and axes do not match in length")
    return SweepTable(axes, columns, rows, reasons, str(document.get("method", "")), params,
                      str(document.get("qdgain_version", "")))


def map_axes(points: int) -> tuple[np.ndarray, np.ndarray]:
    """The dashboard's phase-map axes: chi linear and eta log-spaced over their FIELD_SPECS ranges."""
    chi, eta = FIELD_SPECS["chi"], FIELD_SPECS["eta"]
    assert chi.minimum is not None and chi.maximum is not None and eta.minimum is not None and eta.maximum is not None
    return np.linspace(chi.minimum, chi.maximum, points), np.geomspace(eta.minimum, eta.maximum, points)


def high_resolution_maps(
    params: GainParams, points: int, hold: str | None = None, *, progress: Progress | None = None
) -> dict[str, PhaseMap]:
    """``phase_maps`` on ``map_axes(points)`` (points x points, 2 to 201), computed in about MAP_CHUNKS
    chunks of eta rows with ``progress(fraction, text)`` after each; equal to one ``phase_maps`` call."""
    if isinstance(points, bool) or not isinstance(points, int | np.integer) or not (
            MAP_POINTS[0] <= points <= MAP_POINTS[1]):
        raise ValueError(f"points: {points!r} is not an integer in [{MAP_POINTS[0]}, {MAP_POINTS[1]}]")
    if not method_for(params.threshold_method).linear and points * points > MAX_PEAK_MAP_POINTS:
        raise ValueError(f"points: the {params.threshold_method} method keeps whole spectra per point; "
                         f"allowed up to {math.isqrt(MAX_PEAK_MAP_POINTS)} points per axis")
    chi, eta = map_axes(int(points))
    chunks = np.array_split(np.arange(eta.size), min(MAP_CHUNKS, eta.size))
    parts = []
    for i, rows in enumerate(chunks):
        parts.append(phase_maps(params, chi, eta[rows], hold=hold))
        if progress is not None:
            progress((i + 1) / len(chunks), f"eta rows {rows[-1] + 1} of {eta.size}")
    first = parts[0]["n_th"]
    stokes = np.concatenate([p["n_th"].stokes_mev for p in parts])
    fine = None if first.fine_structure_mev is None else np.concatenate(
        [np.asarray(p["n_th"].fine_structure_mev) for p in parts])
    return {
        quantity: PhaseMap(quantity, first.method, chi, eta, np.concatenate([p[quantity].values for p in parts]),
                           stokes, first.held_fixed, first.hold, fine)
        for quantity in ("n_th", "sigma_ratio")
    }


def _significant(values: Any, digits: int = MAP_DIGITS) -> Any:
    """Nested lists rounded to ``digits`` significant digits; inf and NaN -> None."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        value = float(array)
        return float(f"{value:.{digits}g}") if math.isfinite(value) else None
    return [_significant(v, digits) for v in array]


def maps_to_json(maps: Mapping[str, PhaseMap]) -> dict[str, Any]:
    """The map job's result JSON: axes, both maps and the Stokes shift per eta row (4 significant digits,
    inf and NaN -> null), what the eta axis holds and the threshold method."""
    n_th = maps["n_th"]
    return {
        "chi_values": _significant(n_th.chi_values),
        "eta_values": _significant(n_th.eta_values),
        "n_th": _significant(n_th.values),
        "sigma_ratio": _significant(maps["sigma_ratio"].values),
        "stokes_mev": _significant(n_th.stokes_mev),
        "hold": n_th.hold,
        "method": n_th.method,
    }

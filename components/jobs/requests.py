"""Server-side validation of background-job requests (hostile JSON from the browser).

A request is ``{"kind": kind, "request": {...}}`` (``components/page/jobs_panel.py``); each
kind's body is checked here again, whatever the form did: unknown keys, wrong types, NaN or
infinite numbers, values outside a field's range, too many datasets, points or free
parameters give ``RequestError`` with a message naming the field, the value and what is
allowed. Nothing is clamped silently: a job runs exactly what was asked, or not at all.

* fit: ``{"params": {GainParams field: value}, "datasets": [dataset_to_json(...)], "free": {"chi": [lo, hi]}}``
* map: ``{"params": {...}, "points": 201, "hold": "fine_structure" | "stokes" | null}``
* sweep: ``{"params": {...}, "axes": [{"name", "start", "stop", "points", "log"}, ...]}``
* animation: ``{"params": {...}, "parameter": "n_avg", "frames": 30, "tab": "ase", "view": {"energy_unit",
  "hold", "map_points", "figure"}}`` (``components/animation.py``)
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qdgain_core import FIELD_SPECS, GainParams, __version__
from qdgain_core.datasets import Dataset, dataset_from_json, dataset_points
from qdgain_core.fitting import FIT_PARAMETERS
from qdgain_core.maps import HOLDS
from qdgain_core.sweeps import AXIS_COUNTS, AXIS_POINTS, MAP_POINTS, MAX_SWEEP_POINTS

MAX_DATASETS = 8
MAX_POINTS = 20_000  # measured values over all datasets of one fit
MAX_FREE = 12
MAX_TEXT = 40  # characters of a hostile value echoed in a message
FIT_REQUEST_BYTES = 4 * 1024 * 1024  # the fit's callback body: <= 20_000 points of <= 5 columns as JSON text
FLOAT_KINDS = ("float", "optional_float")


class RequestError(ValueError):
    """A job request that cannot run; the message names the field, the value and what is allowed."""


@dataclass(frozen=True)
class SweepAxisSpec:
    """One validated sweep axis (a float ``GainParams`` field from ``start`` to ``stop``)."""

    name: str
    start: float
    stop: float
    points: int
    log: bool


@dataclass(frozen=True)
class FitRequest:
    params: GainParams
    datasets: tuple[Dataset, ...]
    free: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class MapRequest:
    params: GainParams
    points: int
    hold: str | None


@dataclass(frozen=True)
class SweepRequest:
    params: GainParams
    axes: tuple[SweepAxisSpec, ...]


@dataclass(frozen=True)
class AnimationRequest:
    state: Any  # components.state.AppState (imported when an animation is parsed)
    parameter: str
    frames: int
    tab: str


def shown(value: Any) -> str:
    """A hostile value for a message: its repr, cut to ``MAX_TEXT`` characters."""
    text = repr(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def listed(names: Sequence[str], most: int = 8) -> str:
    """``names`` for a message: all of them, or the first ``most`` and how many there are."""
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])}, … ({len(names)} in all)"


def request_key(document: Any) -> str:
    """The job's key on the board: SHA-256 of the canonical JSON of the request and the qdgain version."""
    try:
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=True)
    except (TypeError, ValueError):
        text = repr(document)
    return hashlib.sha256(f"{__version__}\n{text}".encode()).hexdigest()


def mapping(value: Any, where: str, allowed: Sequence[str], required: Sequence[str] = ()) -> Mapping[str, Any]:
    """``value`` as an object with only ``allowed`` keys and every ``required`` key."""
    if not isinstance(value, Mapping):
        raise RequestError(f"{where}: expected an object, got {shown(value)}")
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise RequestError(f"{where}: unknown key {shown(unknown[0])}; allowed: {listed(allowed)}")
    missing = [key for key in required if key not in value]
    if missing:
        raise RequestError(f"{where}: missing {', '.join(missing)}")
    return value


def number(value: Any, where: str, lo: float | None = None, hi: float | None = None) -> float:
    """A finite number (not a bool) within [lo, hi]."""
    allowed = "a finite number" + (f" in [{lo:g}, {hi:g}]" if lo is not None and hi is not None else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RequestError(f"{where}: {shown(value)} is not a finite number; allowed: {allowed}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise RequestError(f"{where}: {value:g} is outside the range; allowed: {allowed}")
    return float(value)


def integer(value: Any, where: str, lo: int, hi: int) -> int:
    """An integer (not a bool, no fraction) within [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise RequestError(f"{where}: {shown(value)} is not an integer; allowed: an integer in [{lo}, {hi}]")
    if not lo <= value <= hi:
        raise RequestError(f"{where}: {int(value)} is outside the range; allowed: an integer in [{lo}, {hi}]")
    return int(value)


def spec_range(name: str) -> tuple[float, float]:
    """The [minimum, maximum] of a numeric ``GainParams`` field."""
    spec = FIELD_SPECS[name]
    if spec.minimum is None or spec.maximum is None:
        raise RuntimeError(f"FIELD_SPECS[{name!r}] has no range")
    return float(spec.minimum), float(spec.maximum)


def _field_value(name: str, value: Any) -> Any:
    spec = FIELD_SPECS[name]
    where = f"params.{name}"
    if spec.kind == "choice":
        if not isinstance(value, str) or value not in spec.choices:
            raise RequestError(f"{where}: {shown(value)} is not allowed; allowed: {', '.join(spec.choices)}")
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise RequestError(f"{where}: {shown(value)} is not allowed; allowed: true or false")
        return value
    if spec.kind == "optional_float" and value is None:
        return None
    if spec.kind == "int":
        lo, hi = spec_range(name)
        return integer(value, where, int(lo), int(hi))
    return number(value, where, *spec_range(name))


def parse_params(value: Any) -> GainParams:
    """``GainParams`` from ``{field: value}``: every key a field, every value of its kind and in its range."""
    raw = mapping(value, "params", tuple(FIELD_SPECS))
    values = {name: _field_value(name, item) for name, item in raw.items()}
    try:
        return GainParams(**values)
    except (TypeError, ValueError) as error:
        raise RequestError(f"params: {error}") from None


def float_fields() -> tuple[str, ...]:
    """The ``GainParams`` fields a sweep may vary (float kinds)."""
    return tuple(name for name, spec in FIELD_SPECS.items() if spec.kind in FLOAT_KINDS)


def _bounds(name: str, value: Any) -> tuple[float, float]:
    parameter = FIT_PARAMETERS[name]
    lo_allowed, hi_allowed = parameter.minimum, parameter.maximum
    where = f"free.{name}"
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise RequestError(f"{where}: {shown(value)} is not [lower, upper]; allowed: two numbers in "
                           f"[{lo_allowed:g}, {hi_allowed:g}]")
    lo = number(value[0], f"{where} lower bound", lo_allowed, hi_allowed)
    hi = number(value[1], f"{where} upper bound", lo_allowed, hi_allowed)
    if not lo < hi:
        raise RequestError(f"{where}: lower bound {lo:g} is not below upper bound {hi:g}")
    return lo, hi


def parse_fit(body: Any) -> FitRequest:
    """The fit's parameters, datasets (<= MAX_DATASETS, <= MAX_POINTS values) and free parameters with bounds."""
    raw = mapping(body, "request", ("params", "datasets", "free"), ("params", "datasets", "free"))
    params = parse_params(raw["params"])
    documents = raw["datasets"]
    if not isinstance(documents, list) or not 1 <= len(documents) <= MAX_DATASETS:
        count = len(documents) if isinstance(documents, list) else shown(documents)
        raise RequestError(f"datasets: {count} given; allowed: a list of 1 to {MAX_DATASETS} datasets")
    datasets = []
    for index, document in enumerate(documents):
        try:
            datasets.append(dataset_from_json(document))
        except (TypeError, ValueError) as error:
            raise RequestError(f"datasets[{index}]: {str(error)[:200]}") from None
    points = sum(dataset_points(d) for d in datasets)
    if points > MAX_POINTS:
        raise RequestError(f"datasets: {points} points in all; allowed: at most {MAX_POINTS}")
    free_raw = raw["free"]
    allowed = tuple(FIT_PARAMETERS)
    if not isinstance(free_raw, Mapping) or not 1 <= len(free_raw) <= MAX_FREE:
        raise RequestError(f"free: {shown(free_raw)}; allowed: an object of 1 to {MAX_FREE} parameters "
                           "{name: [lower, upper]}")
    free = dict(mapping(free_raw, "free", allowed))
    return FitRequest(params, tuple(datasets), {name: _bounds(name, value) for name, value in free.items()})


def parse_map(body: Any) -> MapRequest:
    """The map's parameters, points per axis (``qdgain_core.sweeps.MAP_POINTS``) and what the eta axis holds."""
    raw = mapping(body, "request", ("params", "points", "hold"), ("params", "points"))
    params = parse_params(raw["params"])
    points = integer(raw["points"], "points", *MAP_POINTS)
    hold = raw.get("hold")
    if hold is not None and hold not in HOLDS:
        raise RequestError(f"hold: {shown(hold)} is not allowed; allowed: {', '.join(HOLDS)} or null")
    return MapRequest(params, points, hold)


def _axis(index: int, value: Any) -> SweepAxisSpec:
    where = f"axes[{index}]"
    raw = mapping(value, where, ("name", "start", "stop", "points", "log"), ("name", "start", "stop", "points"))
    name = raw["name"]
    if not isinstance(name, str) or name not in float_fields():
        raise RequestError(f"{where}.name: {shown(name)} is not a float parameter; allowed: "
                           f"{listed(float_fields())}")
    lo, hi = spec_range(name)
    start = number(raw["start"], f"{where}.start ({name})", lo, hi)
    stop = number(raw["stop"], f"{where}.stop ({name})", lo, hi)
    if start == stop:
        raise RequestError(f"{where}: start and stop are both {start:g}; allowed: two different values")
    log = raw.get("log", False)
    if not isinstance(log, bool):
        raise RequestError(f"{where}.log: {shown(log)} is not allowed; allowed: true or false")
    if log and min(start, stop) <= 0:
        raise RequestError(f"{where}: a log axis needs start and stop > 0, got {start:g} and {stop:g}")
    return SweepAxisSpec(name, start, stop, integer(raw["points"], f"{where}.points", *AXIS_POINTS), log)


def parse_sweep(body: Any) -> SweepRequest:
    """The sweep's parameters and 2-3 axes over distinct float fields (<= MAX_SWEEP_POINTS points in all)."""
    raw = mapping(body, "request", ("params", "axes"), ("params", "axes"))
    params = parse_params(raw["params"])
    axes_raw = raw["axes"]
    lo, hi = AXIS_COUNTS
    if not isinstance(axes_raw, list) or not lo <= len(axes_raw) <= hi:
        count = len(axes_raw) if isinstance(axes_raw, list) else shown(axes_raw)
        raise RequestError(f"axes: {count} given; allowed: a list of {lo} or {hi} axes")
    axes = tuple(_axis(index, value) for index, value in enumerate(axes_raw))
    names = [axis.name for axis in axes]
    if len(set(names)) != len(names):
        raise RequestError(f"axes: {', '.join(names)} repeat a parameter; allowed: distinct parameters")
    total = math.prod(axis.points for axis in axes)
    if total > MAX_SWEEP_POINTS:
        raise RequestError(f"axes: {total} points in all; allowed: at most {MAX_SWEEP_POINTS}")
    return SweepRequest(params, axes)


ANIMATION_VIEW_KEYS = ("energy_unit", "hold", "map_points", "figure")


def parse_animation(body: Any) -> AnimationRequest:
    """The animated parameter (``components.animation.ANIMATED``), the number of frames, the open figure tab and
    the state (parameters and view settings) the frames start from."""
    from components.animation import ANIMATED, FRAME_COUNTS
    from components.panels import TAB_PANELS
    from components.presets import PRESET_CHOICES
    from components.state import AppState, canonical, coerce_view

    raw = mapping(body, "request", ("params", "parameter", "frames", "tab", "view"),
                  ("params", "parameter", "frames", "tab"))
    params = canonical(parse_params(raw["params"]))
    parameter, tab = raw["parameter"], raw["tab"]
    if not isinstance(parameter, str) or parameter not in ANIMATED:
        raise RequestError(f"parameter: {shown(parameter)} is not allowed; allowed: {listed(tuple(ANIMATED))}")
    if not isinstance(tab, str) or tab not in TAB_PANELS:
        raise RequestError(f"tab: {shown(tab)} is not allowed; allowed: {listed(tuple(TAB_PANELS))}")
    frames = integer(raw["frames"], "frames", *FRAME_COUNTS)
    view_raw = mapping(raw.get("view") or {}, "view", ANIMATION_VIEW_KEYS)
    view, notices = coerce_view(view_raw, PRESET_CHOICES, params)
    if notices:
        raise RequestError(f"view: {notices[0]}")
    return AnimationRequest(AppState(params, view), parameter, frames, tab)

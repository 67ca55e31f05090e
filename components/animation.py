"""Animations of one parameter: the frame plan (which parameter, its frame values, which figures) and the frames.

``ANIMATED`` is the one table of animatable parameters; import fails when an entry's field
is not a ``GainParams`` field or its range leaves that field's ``FIELD_SPECS`` range:

* ⟨N⟩ 0 → 6 excitons/dot: Poisson pumping through the threshold ([001] Fig. 8c–f, the SE map's rows);
* η 100 → 0.1 (log): from the fine-structure 3LS to the lattice-dressed 4LS ([000] Eq. 7, Fig. 5b);
* ⟨n_1S(e)⟩ 0 → 2 electrons/dot: charging toward zero threshold ([002] Fig. 5b);
* pump fluence J over the ASE figures' fluence axis (``qdgain_core.ase.default_fluences``, log), each frame at the
  ⟨N⟩ that J creates (``qdgain_core.excitation.n_avg_from_fluence``; [001] Fig. 9, [004] Fig. 3), capped where
  that ⟨N⟩ would leave the ⟨N⟩ range. The ASE output figure marks J with a dotted line.

``frame_plan`` turns a state, a parameter and a count (``FRAME_COUNTS``) into the frame states;
``compute_frames`` draws the spectra and the open tab's panels at every frame (the panels' own
builders, so a frame is exactly the figure the dashboard draws in that state), with one y range
per panel over all frames (the axes do not jump), and the figures that do not change stored once.
The frames run as a background job (``components/jobs/kinds.py``, kind ``animation``) and are played
in the browser (``assets/animate.js``); ``frames_zip`` packs the PNGs the browser rendered of one panel.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from components import ids
from components.panels import OPERATING_PANELS, PANEL_BY_ID, TAB_PANELS
from components.state import AppState, canonical
from qdgain_core import FIELD_SPECS, GainParams, __version__

FRAME_COUNTS = (10, 60)
"""Fewest and most frames of one animation."""
DEFAULT_FRAMES = 30
FRAME_JSON_BYTES = 24 * 1024 * 1024
"""Largest set of frames (figure JSON) a job returns to the page; past it the job fails with a message."""
IMAGE_SIZE_PX = (800, 500)
"""Width and height of an exported frame (PNG, scale 1)."""
Y_PAD = 0.04
GRID_TYPES = ("heatmap", "contour")
MARKED_PANELS = frozenset({"ase_output"})
"""Panels on the fluence axis: a fluence frame marks its J there."""


@dataclass(frozen=True)
class AnimatedParameter:
    """One animatable parameter: the ``GainParams`` field each frame sets, the label and unit shown, the range."""

    name: str
    label: str
    unit: str
    field: str
    start: float | None  # None: from the state (the fluence axis of its ASE figures)
    stop: float | None
    log: bool
    source: str

    def text(self, value: float) -> str:
        """``value`` as the player shows it: label, value, unit."""
        return f"{self.label} = {value:.4g}{' ' + self.unit if self.unit else ''}"


ANIMATED: Mapping[str, AnimatedParameter] = MappingProxyType({
    "n_avg": AnimatedParameter("n_avg", "⟨N⟩", "excitons/dot", "n_avg", 0.0, 6.0, False, "[001] Fig. 8c–f"),
    "eta": AnimatedParameter("eta", "η", "", "eta", 100.0, 0.1, True, "[000] Eq. 7, Fig. 5b"),
    "n_doped": AnimatedParameter("n_doped", "⟨n_1S(e)⟩", "electrons/dot", "n_doped", 0.0, 2.0, False,
                                 "[002] Fig. 5b"),
    "fluence": AnimatedParameter("fluence", "J", "mJ/cm²", "n_avg", None, None, True, "[001] Fig. 9; [004] Fig. 3"),
})


def _check_table() -> None:
    for key, parameter in ANIMATED.items():
        spec = FIELD_SPECS.get(parameter.field)
        if key != parameter.name or spec is None or spec.minimum is None or spec.maximum is None:
            raise ValueError(f"ANIMATED[{key!r}]: {parameter.field!r} is not a numeric GainParams field")
        for end in (parameter.start, parameter.stop):
            if end is not None and not spec.minimum <= end <= spec.maximum:
                raise ValueError(f"ANIMATED[{key!r}]: {end} is outside {parameter.field}'s range")


_check_table()


@dataclass(frozen=True)
class FramePlan:
    """What one animation shows: the parameter, its frame values (in its unit), the states, the panels."""

    parameter: AnimatedParameter
    values: tuple[float, ...]
    states: tuple[AppState, ...]
    panels: tuple[str, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(self.parameter.text(value) for value in self.values)


def animated_panels(tab: str) -> tuple[str, ...]:
    """The figures an animation draws: the spectra and the panels of the open figure tab."""
    return (*OPERATING_PANELS, *TAB_PANELS[tab])


def axis_values(start: float, stop: float, count: int, log: bool) -> np.ndarray:
    """``count`` values from ``start`` to ``stop``, log-spaced when ``log``."""
    return np.geomspace(start, stop, count) if log else np.linspace(start, stop, count)


def _fluence_values(params: GainParams, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Fluences over the ASE axis, up to the one whose ⟨N⟩ reaches the field's maximum, and their ⟨N⟩."""
    from qdgain_core.ase import default_fluences
    from qdgain_core.excitation import n_avg_from_fluence

    axis = default_fluences(params)
    n_max = float(FIELD_SPECS["n_avg"].maximum or math.inf)
    reachable = axis[n_avg_from_fluence(params, axis) <= n_max]
    stop = float(reachable[-1]) if reachable.size > 1 else float(axis[-1])
    fluence = axis_values(float(axis[0]), stop, count, log=True)
    return fluence, np.minimum(n_avg_from_fluence(params, fluence), n_max)


def frame_plan(state: AppState, name: str, count: int, tab: str) -> FramePlan:
    """The frames of parameter ``name`` (a key of ANIMATED) for ``state``: ``count`` canonical states."""
    parameter = ANIMATED[name]
    if not FRAME_COUNTS[0] <= count <= FRAME_COUNTS[1]:
        raise ValueError(f"frames: {count}; allowed: {FRAME_COUNTS[0]} to {FRAME_COUNTS[1]}")
    if parameter.start is None or parameter.stop is None:
        shown, field_values = _fluence_values(state.params, count)
    else:
        shown = field_values = axis_values(parameter.start, parameter.stop, count, parameter.log)
    changes: list[dict[str, Any]] = [{parameter.field: float(value)} for value in field_values]
    states = tuple(dataclasses.replace(state, params=canonical(dataclasses.replace(state.params, **change)))
                   for change in changes)
    if parameter.start is not None:  # the value shown is the one the (rounded) state holds
        shown = np.array([getattr(s.params, parameter.field) for s in states])
    else:
        shown = np.array([float(f"{value:.4g}") for value in shown])
    return FramePlan(parameter, tuple(float(v) for v in shown), states, animated_panels(tab))


def frame_figure(plan: FramePlan, panel_id: str, index: int) -> go.Figure:
    """The figure of ``panel_id`` at frame ``index``: the panel's own figure in the frame's state (a fluence frame
    marks its J on the ASE output)."""
    figure = PANEL_BY_ID[panel_id].draw(plan.states[index])
    if plan.parameter.name == "fluence" and panel_id in MARKED_PANELS:
        figure.add_vline(x=plan.values[index], line={"dash": "dot", "color": "#555", "width": 1.5})
    return figure


def y_range(figures: Sequence[go.Figure]) -> list[float] | None:
    """One linear y range over the line and marker traces of every frame (None: log, categorical or fixed axes)."""
    layout = figures[0].layout.yaxis
    if layout.type in ("log", "category") or layout.range is not None:
        return None
    lows, highs = [], []
    for figure in figures:
        for trace in figure.data:
            if trace.type in GRID_TYPES or (getattr(trace, "yaxis", None) or "y") != "y" or trace.y is None:
                continue
            try:
                y = np.asarray(trace.y, dtype=float)
            except (TypeError, ValueError):
                return None
            y = y[np.isfinite(y)]
            if y.size:
                lows.append(float(y.min()))
                highs.append(float(y.max()))
    if not lows:
        return None
    low, high = min(lows), max(highs)
    pad = Y_PAD * (high - low) if high > low else max(abs(high), 1.0) * Y_PAD
    return [low - pad, high + pad]


Progress = Callable[[float, str], None]


def compute_frames(plan: FramePlan, progress: Progress | None = None) -> dict[str, Any]:
    """Every frame of every panel of ``plan`` as JSON: per panel the distinct figures and each frame's index.

    Raises ValueError when the frames exceed ``FRAME_JSON_BYTES`` (the message says how to make them fit).
    """
    report = progress or (lambda fraction, text: None)
    count = len(plan.states)
    drawn: dict[str, list[go.Figure]] = {panel_id: [] for panel_id in plan.panels}
    for index in range(count):
        report(index / count, f"frame {index + 1} of {count}: {plan.texts[index]}")
        for panel_id in plan.panels:
            drawn[panel_id].append(frame_figure(plan, panel_id, index))
    panels, total = [], 0
    for panel_id, figures in drawn.items():
        common = y_range(figures)
        distinct: list[str] = []
        order: list[int] = []
        for figure in figures:
            if common is not None:
                figure.layout.yaxis.update(range=common, autorange=False)
            text = pio.to_json(figure, validate=False)
            if not distinct or text != distinct[-1]:
                distinct.append(text)
            order.append(len(distinct) - 1)
        total += sum(len(text) for text in distinct)
        if total > FRAME_JSON_BYTES:
            raise ValueError(f"the frames take more than {FRAME_JSON_BYTES // 2**20} MB; choose fewer frames or a "
                             "tab with fewer figures")
        panels.append({"id": panel_id, "title": PANEL_BY_ID[panel_id].title, "graph": ids.graph(panel_id),
                       "figures": [json.loads(text) for text in distinct], "index": order})
    report(1.0, f"{count} frames")
    parameter = plan.parameter
    return {"parameter": parameter.name, "label": parameter.label, "unit": parameter.unit,
            "values": list(plan.values), "texts": list(plan.texts), "panels": panels, "bytes": total}


# --- export: the PNGs the browser rendered of one panel ------------------------------------------------------

def frame_name(panel_id: str, name: str, index: int) -> str:
    """File name of frame ``index`` (from 0) in the zip."""
    return f"frames/qdgain_{panel_id}_{name}_{index + 1:03d}.png"


def frames_zip(plan: FramePlan, panel_id: str, images: Sequence[bytes], query: str) -> bytes:
    """A zip of one panel's frames (already checked PNGs), ``frames.csv`` (frame, value, unit) and a README."""
    parameter = plan.parameter
    unit = parameter.unit or "1"
    rows = ["frame,file," + f"{parameter.name} ({unit})"]
    rows += [f"{i + 1},{frame_name(panel_id, parameter.name, i)},{value!r}" for i, value in enumerate(plan.values)]
    readme = "\n".join([
        "# qdgain animation frames", "",
        f"Made by qdgain {__version__}: the panel “{PANEL_BY_ID[panel_id].title}” ({panel_id}) at "
        f"{len(plan.values)} values of {parameter.label} from {plan.texts[0]} to {plan.texts[-1]} "
        f"({parameter.source}); "
        f"every other parameter as in the link query `{query or '(the defaults)'}`.", "",
        f"* `frames/*.png`: one frame each, {IMAGE_SIZE_PX[0]} x {IMAGE_SIZE_PX[1]} px, rendered by the browser.",
        "* `frames.csv`: the value of each frame.", "",
    ])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme)
        archive.writestr("frames.csv", "\n".join(rows) + "\n")
        for index, data in enumerate(images):
            archive.writestr(frame_name(panel_id, parameter.name, index), data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def checked_frames(payload: Any) -> tuple[FramePlan, str, list[bytes]]:
    """The plan, panel and PNGs of an export request from ``assets/animate.js`` (untrusted), checked like Download
    all's images (``export.png_problem``, ``export.IMAGE_LIMITS``): one well-formed PNG of ``IMAGE_SIZE_PX`` per
    frame. Raises ValueError with the reason."""
    import base64
    import binascii

    from components.export import IMAGE_LIMITS, png_problem
    from components.jobs.requests import RequestError, parse_animation

    if not isinstance(payload, Mapping):
        raise ValueError("no frames to export")
    try:
        request = parse_animation(payload.get("request"))
    except RequestError as error:
        raise ValueError(f"the animation's request: {error}") from None
    plan = frame_plan(request.state, request.parameter, request.frames, request.tab)
    panel_id, images = payload.get("panel"), payload.get("images")
    if not isinstance(panel_id, str) or panel_id not in plan.panels:
        raise ValueError("the exported figure is not one of the animation's")
    if not isinstance(images, list) or len(images) != len(plan.values):
        raise ValueError(f"{len(images) if isinstance(images, list) else 0} images for {len(plan.values)} frames")
    out: list[bytes] = []
    for index, image in enumerate(images):
        if not isinstance(image, str) or len(image) > IMAGE_LIMITS.png_bytes * 4 // 3 + 4:
            raise ValueError(f"frame {index + 1}: not a PNG within {IMAGE_LIMITS.png_bytes // 2**20} MB")
        try:
            data = base64.b64decode(image, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"frame {index + 1}: not base64") from None
        problem = png_problem(data, IMAGE_SIZE_PX)
        if problem:
            raise ValueError(f"frame {index + 1}: {problem}")
        out.append(data)
    total = sum(len(data) for data in out)
    if total > IMAGE_LIMITS.total_bytes:
        raise ValueError(f"the frames take {total / 2**20:.1f} MB, over the {IMAGE_LIMITS.total_bytes // 2**20} MB "
                         "the export allows; choose fewer frames")
    return plan, panel_id, out

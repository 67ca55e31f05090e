"""Figures drawn from the core's model curves alone (``qdgain_core.figure_curves.ModelFigure``).

The panels of the papers' trend figures ([000] Fig. 4, [001] Figs. 8g-h and 10b, [002] SI
Fig. S4 and Fig. 5d-f, [004] Table 2) plot nothing but a ``ModelFigure``: its curves (model
lines in the styles of ``SERIES_STYLES``, reference curves dotted grey), the operating point
and, on a categorical axis, the model's value per sample beside the measured one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from components.figures.common import (
    COLORS,
    MEASURED_EXTRA,
    FigureParts,
    Marker,
    as_plot_array,
    hover,
    line_trace,
    markers_trace,
)
from qdgain_core.figure_curves import ModelFigure

SERIES_STYLES = ("model", "n1", "n2", "n0", "esa", "se")


@dataclass(frozen=True)
class SeriesLook:
    """How a panel shows a ModelFigure: title, rendered axis titles, hover names (label, unit) of x and y."""

    title: str
    x_title: str
    y_title: str
    x_hover: tuple[str, str]
    y_hover: tuple[str, str]
    y_range: tuple[float, float] | None = None
    x_part: str = ""
    uirevision: str = ""
    gaps: str = ""  # the legend's word for gaps in the curves, when they are not "no gain"


def _identity(values: np.ndarray) -> np.ndarray:
    return values


def series_figure(model: ModelFigure, look: SeriesLook, *, operating: Marker | None = None,
                  measured: Sequence[Marker] = (), no_gain_reason: str = "",
                  x_of: Callable[[np.ndarray], np.ndarray] = _identity) -> go.Figure:
    """The curves of ``model`` (x passed through ``x_of``, e.g. an energy-unit conversion), the operating point
    and measured markers (on a categorical axis their x is the category's index)."""
    text = hover(*look.x_hover, *look.y_hover, x_part=look.x_part)
    layout: dict = {"xaxis": {"type": "log"} if model.log_x else {}, "yaxis": {"type": "log"} if model.log_y else {}}
    if look.y_range is not None:
        layout["yaxis"]["range"] = list(look.y_range)
    elif not model.log_y:
        layout["yaxis"]["rangemode"] = "tozero"
    if model.categories:
        layout["xaxis"] = {"type": "category", "categoryorder": "array", "categoryarray": list(model.categories)}
    parts = FigureParts(look.title, look.x_title, look.y_title, look.uirevision or f"series-{model.kind}",
                        layout=layout)
    styles = iter(SERIES_STYLES)
    gaps = False
    for curve in model.curves:
        y = as_plot_array(curve.y)
        gaps = gaps or bool(np.isnan(y).any())
        if model.categories:
            points = [Marker(curve.name, float(i), float(v)) for i, v in zip(curve.x, curve.y, strict=True)]
            trace = markers_trace(curve.name, points, text, symbol="diamond", color=COLORS["net"], show_text=False,
                                  size=12)
            trace["x"] = [model.categories[int(m.x)] for m in points]
            parts.add(trace)
            continue
        style = "stokes" if curve.role == "reference" else next(styles, "model")
        parts.add(line_trace(curve.name, x_of(np.asarray(curve.x, dtype=float)), y, text, style=style))
    if measured:
        trace = markers_trace("measured", measured, hover(*look.x_hover, *look.y_hover, MEASURED_EXTRA,
                                                          x_part=look.x_part),
                              symbol="square", color=COLORS["measured"], show_text=False, size=10)
        if model.categories:
            trace["x"] = [model.categories[int(m.x)] for m in measured]
        parts.add(trace)
    if operating is not None:
        parts.add(markers_trace("operating point", [operating], text, symbol="star", color=COLORS["operating"],
                                show_text=False, size=13))
    if gaps:
        parts.legend_key(look.gaps or (f"gaps: no gain ({no_gain_reason})" if no_gain_reason
                                       else "gaps: no gain or out of range"),
                         symbol="line-ew-open", color=COLORS["net"])
    return parts.figure()

"""A paper figure shown on the dashboard: the paper's printed values drawn over its panel, and the deviation.

When the state names a paper figure (``ViewState.figure``, ``?figure=002-fig5b`` in the link),
the panel that figure uses gets the paper's values (rows of measured_points.csv chosen in
``qdgain_core/data/paper_figures.json``) as markers with error bars, or as a dotted line for a
value without an abscissa on that plot, and under it the reproduction rows: what the paper
says, what the model gives, and the cause of a deviation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from components.figures.common import COLORS, MEASURED_EXTRA, as_plot_array
from components.state import AppState, canonical
from qdgain_core.measured import MeasuredPoint
from qdgain_core.paper_figures import FIGURES, PaperFigure, comparisons

PAPER_COLOR = COLORS["measured"]
PAPER_PREFIX = "paper:"  # the name of every trace this module adds begins so (the CSV calls their rows "paper")


def shown_figure(panel_id: str, state: AppState) -> PaperFigure | None:
    """The paper figure the state shows on ``panel_id`` (None: none, or it is drawn on another panel)."""
    figure = FIGURES.get(state.view.figure or "")
    return figure if figure is not None and figure.panel == panel_id else None


def _source(point: MeasuredPoint) -> str:
    return f"{point.citation}" + (f" ({point.note})" if point.note else "")


def _extent(figure: go.Figure, axis: str) -> tuple[float, float] | None:
    """Finite (min, max) of the ``axis`` values of the figure's line and grid traces (positive only on a log axis)."""
    log = (figure.layout[f"{axis}axis"].type or "") == "log"
    values: list[np.ndarray] = []
    for trace in figure.data:
        data = getattr(trace, axis, None)
        if data is None or trace.type not in ("scatter", "scattergl", "heatmap", "contour"):
            continue
        try:
            array = np.asarray(data, dtype=float).ravel()
        except (TypeError, ValueError):
            continue
        array = array[np.isfinite(array) & ((array > 0) if log else True)]
        if array.size:
            values.append(array)
    if not values:
        return None
    joined = np.concatenate(values)
    return float(joined.min()), float(joined.max())


def _hover(point: MeasuredPoint) -> str:
    unit = f" {point.y_unit}" if point.y_unit else ""
    error = f" ± {point.y_err:g}" if point.y_err else ""
    return f"paper: {point.y_value:g}{error}{unit}<br>{MEASURED_EXTRA}<extra></extra>"


def _trace(point: MeasuredPoint, draw: str, x: float | None, figure: go.Figure) -> dict[str, Any] | None:
    name = f"{PAPER_PREFIX} {point.sample}"
    common = {"type": "scatter", "name": name,
              "customdata": [[point.sample, _source(point)]] * 2, "hovertemplate": _hover(point)}
    if draw == "points":
        if x is None:
            return None
        trace = {**common, "mode": "markers", "x": as_plot_array([x]), "y": as_plot_array([point.y_value]),
                 "customdata": common["customdata"][:1],
                 "marker": {"symbol": "star", "size": 13, "color": PAPER_COLOR, "line": {"color": "white", "width": 1}}}
        if point.y_err:
            trace["error_y"] = {"type": "data", "array": [point.y_err], "visible": True, "color": PAPER_COLOR}
        return trace
    extent = _extent(figure, "x" if draw == "hline" else "y")
    if extent is None:
        return None
    if draw == "hline":
        xs, ys = list(extent), [point.y_value] * 2
    else:
        xs, ys = [point.y_value] * 2, list(extent)
    return {**common, "mode": "lines", "x": as_plot_array(xs), "y": as_plot_array(ys),
            "line": {"color": PAPER_COLOR, "width": 2.2, "dash": "dot"}}


def with_paper_values(panel_id: str, state: AppState, figure: go.Figure) -> go.Figure:
    """``figure`` with the shown paper figure's printed values over it (unchanged when there is none)."""
    paper = shown_figure(panel_id, state)
    if paper is None:
        return figure
    traces = [trace for point, draw, x in paper.overlay_points()
              if (trace := _trace(point, draw, x, figure)) is not None]
    if not traces:
        return figure
    named: set[tuple[str, str]] = set()
    for trace in traces:  # one legend entry per sample and look: its points toggle together
        key = (trace["name"], trace["mode"])
        trace.update(legendgroup=f"paper {key}", showlegend=key not in named)
        named.add(key)
    return go.Figure(data=[*figure.data, *traces], layout=figure.layout, _validate=False)


def status_word(status: str) -> str:
    """The first word of a reproduction status: reproduced, calibrated or deviation."""
    return status.split(":")[0].split()[0]


def _cause(status: str) -> str:
    """What a status says after its first word (a deviation's cause, a calibration's note)."""
    word = status_word(status)
    return status[len(word):].lstrip(": ").strip()


def paper_note(panel_id: str, state: AppState) -> Any:
    """Under the panel: which paper figure is compared and its reproduction rows ("" when none is shown)."""
    from dash import html

    paper = shown_figure(panel_id, state)
    if paper is None:
        return ""
    rows = [html.Li([html.Strong(f"{row.claim}: "), f"paper {row.paper or '—'}, model {row.model} ",
                     html.Span(status_word(row.status), className=f"status status-{status_word(row.status)}"),
                     f" {_cause(row.status)}"])
            for row in comparisons(paper)]
    drawn = len(paper.overlay_points())
    lead = (f"{paper.label} ({paper.title}): "
            + (f"the paper's {drawn} printed value{'s' if drawn != 1 else ''} drawn in purple (dotted/stars). "
               if drawn else "the paper's points are the markers of this panel. "))
    if state.params != canonical(paper.params()):
        lead += "The parameters now differ from the figure's; the comparison below is for the figure's own state."
    return html.Div([html.P(lead), html.Ul(rows)]) if rows else html.P(lead)

"""CSV of exactly the plotted data, and a zip of every panel plus the parameters.

The CSV is made from the ``go.Figure`` a panel draws, so it holds exactly what is plotted.
Long ("tidy") format, one row per plotted point (legend-only entries have none): ``trace``,
x, y (and z for maps), with column headers taken from the axis titles (units in parentheses)
and the point label for marker traces. A trace drawn against a secondary y axis (the Stokes
shift of the eta cuts) has its value in a column of its own, headed by that axis's title.
``#`` comment lines first give the qdgain version, the panel, the paper figure it reproduces,
the share link and every parameter with its unit.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from components.panels import PANELS, Panel
from components.state import AppState, state_to_store
from components.url_state import format_query_value, to_query
from qdgain_core import FIELD_SPECS, __version__

TAG = re.compile(r"<[^>]+>")


def plain(text: str | None) -> str:
    """Axis or trace text without plotly's HTML tags (<sub>, <br> ...)."""
    return TAG.sub("", (text or "").replace("<br>", " ")).strip()


def _values(data: Any) -> np.ndarray:
    """Trace data as a float array (plotly keeps numpy arrays; JSON round trips give lists/dicts)."""
    if data is None:
        return np.array([], dtype=float)
    return np.asarray(data, dtype=float)


def _number(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.9g}"


def _axis_titles(figure: go.Figure) -> tuple[str, str, str]:
    layout = figure.layout
    x_title = plain(layout.xaxis.title.text) or "x"
    y_title = plain(layout.yaxis.title.text) or "y"
    z_title = ""
    for trace in figure.data:
        if trace.type in ("heatmap", "contour") and trace.colorbar.title.text:
            z_title = plain(trace.colorbar.title.text)
    return x_title, y_title, z_title or "z"


def _secondary_axes(figure: go.Figure) -> list[str]:
    """The secondary y axes ("y2", ...) that traces are drawn against, in first-use order."""
    axes: list[str] = []
    for trace in figure.data:
        axis = getattr(trace, "yaxis", None) or "y"
        if axis != "y" and axis not in axes:
            axes.append(axis)
    return axes


def figure_rows(figure: go.Figure) -> tuple[list[str], list[list[str]]]:
    """Header and rows of every plotted point (line/marker traces and heatmap/contour cells)."""
    x_title, y_title, z_title = _axis_titles(figure)
    has_grid = any(trace.type in ("heatmap", "contour") for trace in figure.data)
    secondary = _secondary_axes(figure)
    secondary_titles = [plain(figure.layout[f"yaxis{axis[1:]}"].title.text) or axis for axis in secondary]
    header = ["trace", x_title, y_title] + ([z_title] if has_grid else []) + secondary_titles + ["label"]
    rows: list[list[str]] = []
    for trace in figure.data:
        name = plain(trace.name)
        x, y = _values(trace.x), _values(trace.y)
        if trace.type in ("heatmap", "contour"):
            z = _values(trace.z)
            for i, y_value in enumerate(y):
                rows.extend([name, _number(x_value), _number(y_value), _number(z[i, j])] + [""] * len(secondary) + [""]
                            for j, x_value in enumerate(x))
            continue
        axis = getattr(trace, "yaxis", None) or "y"
        labels = list(trace.text) if isinstance(trace.text, (list, tuple)) else [""] * x.size
        for x_value, y_value, label in zip(x, y, labels, strict=False):
            if not (math.isfinite(x_value) or math.isfinite(y_value)):
                continue  # legend-only entries draw nothing
            extra = ["" if axis != other else _number(y_value) for other in secondary]
            main = "" if axis != "y" else _number(y_value)
            rows.append([name, _number(x_value), main] + ([""] if has_grid else []) + extra + [plain(str(label))])
    return header, rows


def header_lines(state: AppState, panel: Panel | None = None) -> list[str]:
    """``#`` comment lines: version, panel, share link and every parameter with its unit."""
    lines = [f"qdgain {__version__}"]
    if panel is not None:
        lines += [f"panel: {panel.title} ({panel.id})", f"reproduces: {panel.reproduces}"]
    lines.append(f"link query: {to_query(state) or '(defaults)'}")
    lines.append(f"preset: {state.view.preset or 'none (built-in defaults)'}")
    for name, spec in FIELD_SPECS.items():
        value = getattr(state.params, name)
        unit = f" {spec.unit}" if spec.unit and value is not None else ""
        lines.append(f"{name} = {format_query_value(value, name)}{unit}")
    lines.append(f"map_points = {state.view.map_points} points/axis")
    lines.append(f"hold = {state.hold} (held fixed along eta in the phase maps and eta cuts)")
    return [f"# {line}" for line in lines]


def figure_csv(figure: go.Figure, state: AppState, panel: Panel | None = None) -> str:
    """The CSV text of one figure (comment header, column header, rows)."""
    header, rows = figure_rows(figure)
    buffer = io.StringIO()
    buffer.write("\n".join(header_lines(state, panel)) + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def parameters_json(state: AppState) -> str:
    """The state (parameters, view, link query) and the qdgain version as JSON."""
    document = {"qdgain_version": __version__, **state_to_store(state, to_query(state))}
    return json.dumps(document, indent=2, sort_keys=True)


def panel_csv(state: AppState, panel: Panel) -> str:
    """CSV of one panel as drawn for ``state``."""
    return figure_csv(panel.build(state), state, panel)


def bundle_zip(state: AppState, panels: Iterable[Panel] = PANELS) -> bytes:
    """A zip of every panel's CSV plus ``parameters.json``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("parameters.json", parameters_json(state))
        for panel in panels:
            archive.writestr(f"qdgain_{panel.id}.csv", panel_csv(state, panel))
    return buffer.getvalue()

"""Shared pieces of every figure: compact template, axis titles with units, hover text, config.

Figure builders are pure functions (result objects in, ``go.Figure`` out). They assemble
plain trace and layout dicts in a ``FigureParts`` and build the figure once without
plotly's per-property validation, which costs 10-30 ms per figure and would dominate a
slider update; ``tests/web/test_figures.py`` validates every panel's figure in full instead.
Arrays are sent as float32 (plotly encodes numpy arrays as base64), half the bytes of
float64 and far below the model's accuracy. The CSV export builds its figures inside
``full_precision()``, where they keep float64 (``components/export.py``).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

if TYPE_CHECKING:
    from dash import dcc

FONT_FAMILY = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
GRID_COLOR = "#e3e6ea"
NO_DATA_COLOR = "#c9ced6"
ZERO_LINE_COLOR = "#9aa3af"

# Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/).
OKABE_ITO = MappingProxyType({
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
})
COLORS = MappingProxyType({
    "linear": "#7b8494",
    "ground": OKABE_ITO["blue"],
    "esa": OKABE_ITO["vermillion"],
    "se": OKABE_ITO["bluish_green"],
    "xx": OKABE_ITO["reddish_purple"],
    "net": OKABE_ITO["black"],
    "eff": OKABE_ITO["orange"],
    "operating": OKABE_ITO["vermillion"],
    "preset": "#222222",
    "measured": OKABE_ITO["reddish_purple"],
    "threshold": "#555555",
})
DOPING_COLORS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"])


@dataclass(frozen=True)
class LineStyle:
    """Colour, dash and width of one kind of line: the dash (and width) alone tell the lines of a plot apart."""

    color: str
    dash: str = "solid"
    width: float = 1.8


# Every line a figure draws takes its look from here. Within one plot no two styles share a
# dash and width, so the plots read in greyscale and for colour-blind readers too.
LINE_STYLES = MappingProxyType({
    # spectra ([000] Fig. 2b): absorption parts up, emission parts down, the net thick
    "linear": LineStyle(COLORS["linear"], "dash", 1.6),
    "ground": LineStyle(COLORS["ground"], "longdash", 1.8),
    "esa": LineStyle(COLORS["esa"], "dashdot", 2.0),
    "se": LineStyle(COLORS["se"], "solid", 1.8),
    "xx": LineStyle(COLORS["xx"], "dot", 2.4),
    "net": LineStyle(COLORS["net"], "solid", 2.8),
    # cross sections: sigma_SE and sigma_ESA as in the spectra, sigma_eff thick
    "eff": LineStyle(COLORS["eff"], "solid", 3.4),
    # model curves against measured points, the operating point's A*(t)
    "model": LineStyle(COLORS["net"], "solid", 2.2),
    "operating": LineStyle(COLORS["net"], "solid", 2.8),
    "stokes": LineStyle("#6b7280", "dot", 1.8),
    "ase": LineStyle(OKABE_ITO["vermillion"], "solid", 2.0),
    # neutral, singly and doubly charged dots ([002] Fig. 5c)
    "n0": LineStyle(DOPING_COLORS[0], "dot", 2.2),
    "n1": LineStyle(DOPING_COLORS[1], "dash", 2.0),
    "n2": LineStyle(DOPING_COLORS[2], "dashdot", 2.0),
})
SCHEME_MARKERS = MappingProxyType({"2LS": "circle", "3LS": "square", "4LS": "diamond"})
# Explicit colorscales: named scales resolve differently in plotly.py and plotly.js (RdBu flips).
GAIN_COLORSCALE = ((0.0, "#b2182b"), (0.25, "#ef8a62"), (0.5, "#f7f7f7"), (0.75, "#67a9cf"), (1.0, "#2166ac"))

TEMPLATE = go.layout.Template(layout=go.Layout(
    font=dict(family=FONT_FAMILY, size=13, color="#1d2430"),
    paper_bgcolor="white",
    plot_bgcolor="white",
    colorway=[OKABE_ITO[name] for name in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange",
                                            "sky_blue", "black", "yellow")],
    xaxis=dict(gridcolor=GRID_COLOR, zerolinecolor="#b7bdc7", linecolor="#9aa3af", ticks="outside", showline=True,
               title=dict(standoff=6)),
    yaxis=dict(gridcolor=GRID_COLOR, zerolinecolor="#b7bdc7", linecolor="#9aa3af", ticks="outside", showline=True),
    hoverlabel=dict(font=dict(family=FONT_FAMILY)),
    # long line samples, so a dash pattern reads in the legend as in the plot
    legend=dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0.0, font=dict(size=11), itemwidth=44),
    margin=dict(l=64, r=16, t=48, b=56),
))
TEMPLATE_JSON = TEMPLATE.to_plotly_json()

DIMENSIONLESS = "dimensionless"
MEASURED_EXTRA = "%{customdata[0]}<br>%{customdata[1]}"


@dataclass(frozen=True)
class Marker:
    """A labelled point drawn over a model curve or map (preset, measured anchor)."""

    label: str
    x: float
    y: float
    y_err: float | None = None
    source: str = ""


def axis_title(label: str, unit: str) -> str:
    """``label (unit)``; every axis names its unit (or says it is dimensionless)."""
    return f"{label} ({unit or DIMENSIONLESS})"


def hover(x_label: str, x_unit: str, y_label: str, y_unit: str, extra: str = "",
          trace_name: str = "%{fullData.name}", x_part: str = "") -> str:
    """Hover template showing x and y with units, optional extra lines, and the trace name.

    ``x_part`` replaces the x line (e.g. an energy axis's ``EnergyAxis.hover_x``, with its own format).
    """
    x_part = x_part or f"{x_label} = %{{x:.4g}} {x_unit}".rstrip()
    y_part = f"{y_label} = %{{y:.4g}} {y_unit}".rstrip()
    tail = f"<br>{extra}" if extra else ""
    return f"{x_part}<br>{y_part}{tail}<extra>{trace_name}</extra>"


PLOT_PRECISION, FULL_PRECISION = "float32", "float64"
_PRECISION: contextvars.ContextVar[str] = contextvars.ContextVar("qdgain_plot_precision", default=PLOT_PRECISION)


def plot_precision() -> str:
    """The precision figures are built at: "float32" (drawn on the page) or "float64" (in ``full_precision``)."""
    return _PRECISION.get()


@contextlib.contextmanager
def full_precision() -> Iterator[None]:
    """Build figures at float64 within this block (the CSV export: values exactly as computed).

    A context variable, so it holds for this thread or task only; ``components.computed`` keys
    the results it stores as float32 (``plotted_only``) on it as well.
    """
    token = _PRECISION.set(FULL_PRECISION)
    try:
        yield
    finally:
        _PRECISION.reset(token)


def as_plot_array(values: Iterable[float] | np.ndarray | None) -> np.ndarray:
    """float32 array for plotting (float64 inside ``full_precision``); inf/NaN/None become NaN (gaps)."""
    array = np.asarray([] if values is None else values, dtype=np.float64)
    array = np.where(np.isfinite(array), array, np.nan)
    return array if plot_precision() == FULL_PRECISION else array.astype(np.float32)


def line_trace(name: str, x: Any, y: Any, hovertemplate: str, *, style: str | None = None, color: str | None = None,
               width: float | None = None, dash: str | None = None, **extra: Any) -> dict[str, Any]:
    """A line trace as a plain dict; ``style`` names its look in ``LINE_STYLES`` (``color``/``width``/``dash``
    override it)."""
    look = LINE_STYLES[style] if style else LineStyle(color or "", "solid", 2.0)
    color = color or look.color
    line = {"width": width or look.width, "dash": dash or look.dash, **({"color": color} if color else {})}
    return {"type": "scatter", "mode": "lines", "name": name, "x": as_plot_array(x), "y": as_plot_array(y),
            "line": line, "hovertemplate": hovertemplate, **extra}


def markers_trace(name: str, markers: Sequence[Marker], hovertemplate: str, *, symbol: str = "circle",
                  color: str = COLORS["preset"], show_text: bool = True, size: int = 9) -> dict[str, Any]:
    """One trace of labelled markers, with error bars where known and label/source in customdata."""
    trace: dict[str, Any] = {
        "type": "scatter", "mode": "markers+text" if show_text else "markers", "name": name,
        "x": as_plot_array([m.x for m in markers]), "y": as_plot_array([m.y for m in markers]),
        "marker": {"symbol": symbol, "size": size, "color": color, "line": {"color": "white", "width": 1}},
        "customdata": [[m.label, m.source] for m in markers], "hovertemplate": hovertemplate,
    }
    if show_text:
        trace.update(text=[m.label for m in markers], textposition="top center", textfont={"size": 10})
    errors = [m.y_err if m.y_err is not None else 0.0 for m in markers]
    if any(errors):
        trace["error_y"] = {"type": "data", "array": errors, "visible": True, "color": color, "thickness": 1}
    return trace


# Labels over vertical lines (the A/SE/ESA/XX peak markers) are staggered in rows above the plot
# so they never overprint: a label moves up a row while it would overlap one already placed.
# The overlap test assumes the narrowest plot the page draws (a phone) and a generous glyph width.
LABEL_FONT_SIZE = 10
LABEL_CHAR_PX = 7.0
LABEL_PAD_PX = 8.0
LABEL_ROW_PX = 14
LABEL_LEADER_PX = 6
NARROWEST_PLOT_PX = 250.0


def label_width_px(text: str) -> float:
    """Width a short label takes at LABEL_FONT_SIZE (upper bound, with padding)."""
    return len(text) * LABEL_CHAR_PX + LABEL_PAD_PX


def label_rows(positions: Sequence[float], texts: Sequence[str], x_range: tuple[float, float],
               plot_px: float = NARROWEST_PLOT_PX) -> list[int]:
    """Row (0 = lowest) of each label so that no two labels of a row overlap at ``plot_px`` pixels for ``x_range``.

    Labels are placed left to right (in the given order where they coincide), each in the lowest
    row where it overlaps none placed there.
    """
    per_px = (x_range[1] - x_range[0]) / plot_px
    placed: dict[int, list[tuple[float, float]]] = {}
    rows = [0] * len(positions)
    for i in sorted(range(len(positions)), key=lambda k: (positions[k], k)):
        half = label_width_px(texts[i]) / 2 * per_px
        box = (positions[i] - half, positions[i] + half)
        row = 0
        while any(box[0] < right and left < box[1] for left, right in placed.get(row, [])):
            row += 1
        placed.setdefault(row, []).append(box)
        rows[i] = row
    return rows


@dataclass
class FigureParts:
    """Traces, shapes and annotations collected by a builder, turned into one figure at the end."""

    title: str
    x_title: str
    y_title: str
    uirevision: str
    layout: dict[str, Any] = field(default_factory=dict)
    traces: list[dict[str, Any]] = field(default_factory=list)
    shapes: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)

    def add(self, *traces: dict[str, Any]) -> None:
        """Append traces (plain dicts)."""
        self.traces.extend(traces)

    def vertical_line(self, x: float, text: str, color: str = COLORS["threshold"], dash: str = "dot") -> None:
        """Vertical line at ``x`` (data units, also on log axes) labelled at its top (a shape label:
        cheaper to redraw than an annotation)."""
        shape = {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                 "line": {"color": color, "width": 1.2, "dash": dash}}
        if text:
            shape["label"] = {"text": text, "textposition": "end", "textangle": 0, "yanchor": "bottom",
                              "font": {"size": 10, "color": color}}
        self.shapes.append(shape)

    def labelled_lines(self, lines: Sequence[tuple[float, str]], x_range: tuple[float, float],
                       color: str = COLORS["threshold"]) -> int:
        """Dotted vertical lines at ``(x, text)`` with their labels staggered above the plot (``label_rows``).

        Each label sits at the end of a short leader that rises from the top of its line, sized
        in pixels (``ysizemode="pixel"``), so the rows keep their spacing at any plot height.
        Leaders and labels are shapes, not annotations: Plotly redraws a shape label at a
        fraction of an annotation's cost, and the spectra redraw on every slider step.
        Returns the number of rows (the caller makes room).
        """
        rows = label_rows([x for x, _ in lines], [text for _, text in lines], x_range)
        for (x, text), row in zip(lines, rows, strict=True):
            self.shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                                "line": {"color": color, "width": 1.2, "dash": "dot"}})
            self.shapes.append({
                "type": "line", "xref": "x", "yref": "paper", "ysizemode": "pixel", "yanchor": 1,
                "x0": x, "x1": x, "y0": 0, "y1": LABEL_LEADER_PX + row * LABEL_ROW_PX,
                "line": {"color": color, "width": 1}, "name": "line label",
                "label": {"text": text, "textposition": "end", "textangle": 0, "yanchor": "bottom",
                          "font": {"size": LABEL_FONT_SIZE, "color": color}},
            })
        return max(rows, default=-1) + 1

    def horizontal_line(self, y: float, text: str = "", color: str = ZERO_LINE_COLOR, dash: str = "solid") -> None:
        """Horizontal line at ``y`` across the plot, with an optional label at the right end."""
        self.shapes.append({"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
                            "line": {"color": color, "width": 1.5, "dash": dash}})
        if text:
            self.annotations.append({"x": 1.0, "y": y, "xref": "paper", "yref": "y", "text": text,
                                     "showarrow": False, "xanchor": "right", "yanchor": "bottom",
                                     "font": {"size": 11, "color": color}, "bgcolor": "rgba(255,255,255,0.7)"})

    def note(self, text: str) -> None:
        """A short note in the upper left of the plot (e.g. "no gain (reason)" where a curve has no data)."""
        self.annotations.append({"x": 0.01, "y": 0.98, "xanchor": "left", "yanchor": "top", "xref": "paper",
                                 "yref": "paper", "text": text, "showarrow": False, "align": "left",
                                 "font": {"size": 11, "color": "#7a2e0e"}, "bgcolor": "rgba(255,244,229,0.9)",
                                 "bordercolor": "#f0b37e", "borderwidth": 1})

    def legend_key(self, text: str, symbol: str = "square", color: str = NO_DATA_COLOR) -> None:
        """A legend entry without data explaining a visual convention (e.g. "gray = no gain (reason)")."""
        self.traces.append({"type": "scatter", "mode": "markers", "name": text, "x": [None], "y": [None],
                            "marker": {"symbol": symbol, "size": 11, "color": color}, "hoverinfo": "skip"})

    def figure(self) -> go.Figure:
        """The assembled figure (built once, without per-property validation)."""
        layout = {
            "template": TEMPLATE_JSON,
            "title": {"text": self.title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
            "xaxis": {"title": {"text": self.x_title}},
            "yaxis": {"title": {"text": self.y_title}},
            "uirevision": self.uirevision,
            "shapes": self.shapes,
            "annotations": self.annotations,
        }
        for key, value in self.layout.items():
            layout[key] = {**layout[key], **value} if isinstance(value, dict) and key in layout else value
        return go.Figure(data=self.traces, layout=layout, _validate=False)


def message_figure(text: str, uirevision: str = "message") -> go.Figure:
    """A figure without data that shows ``text`` (errors, "computing…")."""
    parts = FigureParts("", "", "", uirevision, layout={"xaxis": {"visible": False}, "yaxis": {"visible": False}})
    parts.annotations.append({"x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "text": text,
                              "showarrow": False, "font": {"size": 14, "color": "#4b5563"}})
    return parts.figure()


BASE_FONT_PX = 13  # TEMPLATE's font size: the export styles scale every font by font_px / BASE_FONT_PX


@dataclass(frozen=True)
class ExportStyle:
    """Size and look of an exported image (the card's PNG/SVG buttons, the modebar camera, Download all).

    ``width`` x ``height`` is the figure's layout size in CSS pixels; the PNG has ``scale`` times
    as many pixels. The journal styles lay a figure out at ``px_per_inch`` CSS pixels per inch
    (100, so scale 3 gives 300 dpi) and their SVGs say their size in inches. Fonts are scaled by
    ``font_px / BASE_FONT_PX`` (the title is ``title_px``), line widths by ``line_scale`` and
    marker sizes by ``marker_scale``; a legend under the plot moves to the figure's bottom edge
    (``assets/export.js``).
    """

    label: str
    width: int
    height: int
    scale: int
    font_px: float
    title_px: float
    line_scale: float
    marker_scale: float
    px_per_inch: int | None = None

    @property
    def png_size(self) -> tuple[int, int]:
        """Width and height of the PNG in pixels."""
        return self.width * self.scale, self.height * self.scale

    def describe(self) -> str:
        """One line: the size (and resolution) of this style's images."""
        width, height = self.png_size
        if self.px_per_inch is None:
            return f"{self.label}: {width} x {height} px, fonts {self.font_px:g} px"
        inches = f"{self.width / self.px_per_inch:g} x {self.height / self.px_per_inch:g} in"
        dpi = self.scale * self.px_per_inch
        points = self.font_px * 72 / self.px_per_inch
        return f"{self.label}: {inches} ({width} x {height} px at {dpi} dpi), fonts {points:.1f} pt"


# slide: 16:9 at the size of a projector, fonts for the back row; journals: 3.35 in (one column) and 7 in (two
# columns) wide at 300 dpi, fonts 8.3-9.4 pt, lines thinner than on screen
EXPORT_STYLES = MappingProxyType({
    "slide": ExportStyle("slide", 1280, 720, 1, 20.0, 24.0, 1.5, 1.5),
    "single": ExportStyle("single column", 335, 310, 3, 11.5, 12.0, 0.7, 0.75, px_per_inch=100),
    "double": ExportStyle("double column", 700, 440, 3, 12.0, 13.0, 0.85, 0.9, px_per_inch=100),
})
DEFAULT_EXPORT_STYLE = "slide"
# Modebar buttons that would send a chart to an outside service (Plotly Cloud / Chart Studio), by every name
# plotly.js has given them; showSendToCloud/showEditInChartStudio off and an empty plotlyServerURL as well.
CLOUD_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")


def report_graph_config() -> dcc.Graph.Config:
    """dcc.Graph config of the figures outside the panels (fit reports, job results): as ``graph_config`` but with
    plotly's own camera, since the page's export buttons are on the panel cards only."""
    config = graph_config()
    return {**config, "modeBarButtonsToRemove": ["lasso2d", "select2d", *CLOUD_BUTTONS]}


def graph_config() -> dcc.Graph.Config:
    """dcc.Graph config: no logo and nothing that sends the chart anywhere (plotly.js >= 3 shows a "Share chart"
    button unless told not to). Plotly's camera is removed too: the page's own PNG and SVG toolbar buttons
    (``cameraConfig`` in assets/export.js) save the export size, fonts and line widths included."""
    return {
        "displaylogo": False,
        "responsive": True,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "showLink": False,
        "plotlyServerURL": "",
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "toImage", *CLOUD_BUTTONS],
    }

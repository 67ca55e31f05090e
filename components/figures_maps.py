"""Maps: the SE map OD_NL(E, <N>) ([001] Fig. 8c-f) and the (chi, eta) phase diagram ([000] Fig. 5).

Heatmap z arrays hold NaN where there is no value (no gain up to the search limit); the
plot background shows through there and a note says what it means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from qdgain_core import PhaseMap, SEMap, Threshold

from .figures_common import (
    COLORS,
    GAIN_COLORSCALE,
    MEASURED_EXTRA,
    NO_DATA_COLOR,
    FigureParts,
    Marker,
    as_plot_array,
    axis_title,
    hover,
    line_trace,
    markers_trace,
)

MAX_MAP_COLUMNS = 160
OPERATING_TRACE_INDEX = 1
CHI_TITLE = axis_title("χ = Δ<sub>XX</sub><sup>A</sup>/Δ<sub>SS</sub>", "")
ETA_TITLE = axis_title("η = Δ<sub>FS</sub>/Δ<sub>ph</sub>", "")
N_TH_TITLE = axis_title("⟨N<sub>th</sub>⟩", "excitons/dot")
RATIO_TITLE = axis_title("σ<sub>eff</sub>/σ<sub>SE</sub>", "")
QUANTITY_TITLES = {"n_th": N_TH_TITLE, "sigma_ratio": RATIO_TITLE}
QUANTITY_HOVER = {"n_th": ("⟨N_th⟩", "excitons/dot"), "sigma_ratio": ("σ_eff/σ_SE", "")}
AXIS_HOVER = {"chi": ("χ", ""), "eta": ("η", "")}
HELD_LABELS = {
    "fine_structure_mev": ("Δ<sub>FS</sub>", "meV"),
    "xx_binding_mev": ("Δ<sub>XX</sub>", "meV"),
    "temperature_k": ("T", "K"),
    "n_doped": ("⟨n⟩", ""),
}


def threshold_label(threshold: Threshold) -> str:
    """"⟨N_th⟩ = 1.58 (window)" or "⟨N_th⟩ (window): no gain (reason)" — never a number without gain."""
    if threshold.found:
        return f"⟨N<sub>th</sub>⟩ = {threshold.as_text()} ({threshold.method})"
    return f"⟨N<sub>th</sub>⟩ ({threshold.method}): {threshold.as_text()}"


def _colorbar(title: str) -> dict:
    return {"title": {"text": title.replace(" (", "<br>("), "side": "right"}}


def se_map_figure(semap: SEMap, max_columns: int = MAX_MAP_COLUMNS) -> go.Figure:
    """Heatmap of OD_NL(E, <N>) (red = net gain), its zero contour and the operating method's threshold line."""
    step = max(1, math.ceil(semap.energy_mev.size / max_columns))
    parts = FigureParts("SE map OD<sub>NL</sub>(E, ⟨N⟩)", axis_title("Photon energy E", "meV"),
                        axis_title("⟨N⟩", "excitons/dot"), "se-map")
    parts.add({
        "type": "heatmap", "name": "OD_NL", "x": as_plot_array(semap.energy_mev[::step]),
        "y": as_plot_array(semap.n_values), "z": as_plot_array(semap.od[:, ::step]),
        "colorscale": GAIN_COLORSCALE, "zmid": 0.0, "zsmooth": "fast",
        "colorbar": _colorbar(axis_title("OD<sub>NL</sub>/max OD₀", "relative")),
        "hovertemplate": "E = %{x:.4g} meV<br>⟨N⟩ = %{y:.3g} excitons/dot<br>OD_NL = %{z:.3g} (relative)"
                         "<extra></extra>",
    })
    parts.add({
        "type": "contour", "name": "OD_NL = 0 (gain boundary)", "x": as_plot_array(semap.energy_mev[::2 * step]),
        "y": as_plot_array(semap.n_values), "z": as_plot_array(semap.od[:, ::2 * step]), "showscale": False,
        "contours": {"start": 0.0, "end": 0.0, "size": 1.0, "coloring": "none"},
        "line": {"color": "#111111", "width": 1.2}, "hoverinfo": "skip", "showlegend": True,
    })
    if semap.threshold.found:
        parts.horizontal_line(semap.threshold.n_th, threshold_label(semap.threshold), color="#111111", dash="dash")
    else:
        parts.note(threshold_label(semap.threshold))
    return parts.figure()


def held_fixed_text(held: dict) -> str:
    """Compact "held fixed: Δ_FS = 14.7 meV, ..." line for the map subtitle."""
    pieces = []
    for key, value in held.items():
        symbol, unit = HELD_LABELS.get(key, (key.replace("_", " "), ""))
        text = f"{value:.3g}" if isinstance(value, float) else str(value)
        pieces.append(f"{symbol} = {text} {unit}".strip())
    return "held fixed: " + ", ".join(pieces) if pieces else ""


def operating_trace(operating: Marker) -> dict:
    """The operating-point star (its x/y are what a Patch moves)."""
    return markers_trace("operating point", [operating], "operating point<br>χ = %{x:.3g}, η = %{y:.3g}"
                         "<extra></extra>", symbol="star", color=COLORS["operating"], show_text=False, size=15)


def phase_heatmap_figure(phase_map: PhaseMap, operating: Marker, presets: Sequence[Marker],
                         no_gain_reason: str = "") -> go.Figure:
    """Heatmap of <N_th> or sigma_eff/sigma_SE over (chi, eta) with operating point and presets.

    Trace order is fixed: heatmap, operating point (OPERATING_TRACE_INDEX), presets.
    """
    quantity = phase_map.quantity
    z_label, z_unit = QUANTITY_HOVER[quantity]
    title = "⟨N<sub>th</sub>⟩(χ, η)" if quantity == "n_th" else "σ<sub>eff</sub>/σ<sub>SE</sub>(χ, η)"
    parts = FigureParts(f"{title} — {phase_map.method} method", CHI_TITLE, ETA_TITLE, f"phase-{quantity}", layout={
        "plot_bgcolor": NO_DATA_COLOR, "margin": {"t": 70}, "yaxis": {"type": "log"},
        "title": {"subtitle": {"text": held_fixed_text(phase_map.held_fixed), "font": {"size": 11}}},
    })
    values = as_plot_array(phase_map.values)
    parts.add({
        "type": "heatmap", "name": z_label, "x": as_plot_array(phase_map.chi_values),
        "y": as_plot_array(phase_map.eta_values), "z": values, "colorscale": "Viridis",
        "reversescale": quantity == "n_th", "zmin": 0.0, **({"zmax": 1.0} if quantity == "sigma_ratio" else {}),
        "colorbar": _colorbar(QUANTITY_TITLES[quantity]),
        "hovertemplate": f"χ = %{{x:.3g}}<br>η = %{{y:.3g}}<br>{z_label} = %{{z:.3g}} {z_unit}<extra></extra>",
    })
    parts.add(operating_trace(operating))
    if presets:
        parts.add(markers_trace("presets", presets, "%{customdata[0]}<br>χ = %{x:.3g}, η = %{y:.3g}"
                                "<br>%{customdata[1]}<extra></extra>", symbol="diamond", show_text=False))
    if quantity == "n_th" and np.isnan(values).any():
        parts.legend_key(f"no gain ({no_gain_reason})" if no_gain_reason else "no gain")
    return parts.figure()


def phase_cut_figure(x_values: np.ndarray, y_values: np.ndarray, *, axis: str, quantity: str, method: str,
                     operating: Marker, fixed_text: str, anchors: Sequence[Marker] = (),
                     no_gain_reason: str = "") -> go.Figure:
    """One 1-D cut through the operating point ([000] Fig. 5a-d): quantity vs chi or vs eta."""
    x_label, x_unit = AXIS_HOVER[axis]
    y_label, y_unit = QUANTITY_HOVER[quantity]
    name = "⟨N<sub>th</sub>⟩" if quantity == "n_th" else "σ<sub>eff</sub>/σ<sub>SE</sub>"
    layout: dict = {"xaxis": {"type": "log"}} if axis == "eta" else {}
    if quantity == "sigma_ratio":
        layout["yaxis"] = {"range": [0.0, 1.05]}
    parts = FigureParts(f"{name} vs {x_label} at {fixed_text}", CHI_TITLE if axis == "chi" else ETA_TITLE,
                        QUANTITY_TITLES[quantity], f"cut-{quantity}-{axis}", layout=layout)
    y_plot = as_plot_array(y_values)
    point_hover = hover(x_label, x_unit, y_label, y_unit)
    parts.add(line_trace(f"model ({method})" if quantity == "n_th" else "model", x_values, y_plot, point_hover,
                         color=COLORS["net"], width=2.2))
    parts.add(markers_trace("operating point", [operating], point_hover, symbol="star", color=COLORS["operating"],
                            show_text=False, size=13))
    if anchors:
        parts.add(markers_trace("measured", anchors, hover(x_label, x_unit, y_label, y_unit, MEASURED_EXTRA),
                                symbol="square", color=COLORS["measured"]))
    if quantity == "n_th" and np.isnan(y_plot).any():
        parts.legend_key(f"gaps: no gain ({no_gain_reason})" if no_gain_reason else "gaps: no gain",
                         symbol="line-ew-open", color=COLORS["net"])
    parts.vertical_line(operating.x, "", color=COLORS["operating"])
    return parts.figure()

"""Maps: the SE map OD_NL(E, <N>) ([001] Fig. 8c-f) and the (chi, eta) phase diagram ([000] Fig. 5).

Heatmap z arrays hold NaN where there is no value (no gain up to the search limit); the
plot background shows through there and a note says what it means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components.energy_units import DEFAULT_ENERGY_UNIT, energy_axis, energy_uirevision, to_unit
from components.figures.common import (
    COLORS,
    GAIN_COLORSCALE,
    LINE_STYLES,
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
from qdgain_core import PhaseMap, SEMap, Threshold

MAX_MAP_COLUMNS = 160
OPERATING_TRACE_INDEX = 1
CHI_TITLE = axis_title("χ = Δ<sub>XX</sub><sup>A</sup>/Δ<sub>SS</sub>", "")
ETA_TITLE = axis_title("η = Δ<sub>FS</sub>/Δ<sub>ph</sub>", "")
N_TH_TITLE = axis_title("⟨N<sub>th</sub>⟩", "excitons/dot")
RATIO_TITLE = axis_title("σ<sub>eff</sub>/σ<sub>SE</sub>", "")
QUANTITY_TITLES = {"n_th": N_TH_TITLE, "sigma_ratio": RATIO_TITLE}
QUANTITY_HOVER = {"n_th": ("⟨N_th⟩", "excitons/dot"), "sigma_ratio": ("σ_eff/σ_SE", "")}
AXIS_HOVER = {"chi": ("χ", ""), "eta": ("η", "")}
STOKES_TITLE = axis_title("Δ<sub>SS</sub>", "meV")
STOKES_COLOR = LINE_STYLES["stokes"].color
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


def se_map_figure(semap: SEMap, max_columns: int = MAX_MAP_COLUMNS,
                  energy_unit: str = DEFAULT_ENERGY_UNIT) -> go.Figure:
    """Heatmap of OD_NL(E, <N>) (red = net gain), its zero contour and the operating method's threshold line.

    E in ``energy_unit``; on a wavelength axis the columns are not evenly spaced, and plotly draws
    the heatmap cell by cell instead of as one smoothed image (``zsmooth`` "fast" needs even spacing).
    """
    step = max(1, math.ceil(semap.energy_mev.size / max_columns))
    axis = energy_axis(energy_unit)
    energy = to_unit(semap.energy_mev, energy_unit)
    parts = FigureParts("SE map OD<sub>NL</sub>(E, ⟨N⟩)", axis.title,
                        axis_title("⟨N⟩", "excitons/dot"), energy_uirevision("se-map", energy_unit))
    parts.add({
        "type": "heatmap", "name": "OD_NL", "x": as_plot_array(energy[::step]),
        "y": as_plot_array(semap.n_values), "z": as_plot_array(semap.od[:, ::step]),
        "colorscale": GAIN_COLORSCALE, "zmid": 0.0, "zsmooth": "fast" if not axis.wavelength else False,
        "colorbar": _colorbar(axis_title("OD<sub>NL</sub>/max OD₀", "relative")),
        "hovertemplate": f"{axis.hover_x}<br>⟨N⟩ = %{{y:.3g}} excitons/dot<br>OD_NL = %{{z:.3g}} (relative)"
                         "<extra></extra>",
    })
    parts.add({
        "type": "contour", "name": "OD_NL = 0 (gain boundary)", "x": as_plot_array(energy[::2 * step]),
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
    """Compact "also fixed: Δ_XX = 15 meV, T = 295 K, ⟨n⟩ = 0" line for the map subtitle.

    Only the quantities of ``HELD_LABELS`` with a value are listed; what the eta axis holds
    (Δ_FS or Δ_SS) is said by ``hold_caption``.
    """
    pieces = []
    for key, (symbol, unit) in HELD_LABELS.items():
        value = held.get(key)
        if key == "fine_structure_mev" or value is None or isinstance(value, bool):
            continue
        text = f"{value:.3g}" if isinstance(value, float) else str(value)
        pieces.append(f"{symbol} = {text} {unit}".strip())
    return "also fixed: " + ", ".join(pieces) if pieces else ""


def value_range_text(values: np.ndarray) -> str:
    """"19.9–412" over the finite values (one number when they are all equal)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return "–"
    low, high = float(finite.min()), float(finite.max())
    if f"{low:.3g}" == f"{high:.3g}":
        return f"{low:.3g}"
    return f"{low:.3g}–{high:.3g}"


def computed_rows(stokes_mev: np.ndarray, stokes_limit_mev: float | None) -> np.ndarray:
    """Rows the core computes: their Stokes shift stays within the limit (E_A/2; above it the row is NaN)."""
    stokes = np.asarray(stokes_mev, dtype=float)
    if stokes_limit_mev is None:
        return np.ones(stokes.shape, dtype=bool)
    return stokes <= stokes_limit_mev


def limit_boundary(eta: np.ndarray, computed: np.ndarray) -> float | None:
    """The eta between the last row beyond the Stokes limit and the first computed one (geometric mean)."""
    eta = np.asarray(eta, dtype=float)
    if computed.all() or not computed.any():
        return None
    changes = np.flatnonzero(computed[1:] != computed[:-1])
    i = int(changes[0])
    return float(np.sqrt(eta[i] * eta[i + 1]))


def hold_caption(hold: str, stokes_mev: np.ndarray, computed: np.ndarray, *, fine_structure_mev: float | None = None,
                 fine_structure_rows: np.ndarray | None = None) -> str:
    """What the eta axis holds, and the range of the other quantity over the computed rows.

    "η axis holds Δ_FS = 14.5 meV; Δ_SS ranges 19.9–1010 meV" or
    "η axis holds Δ_SS = 20 meV; Δ_FS ranges 0.19–14.5 meV".
    """
    stokes = np.asarray(stokes_mev, dtype=float)
    shown = stokes[computed] if computed.any() else stokes[:0]
    if hold == "fine_structure":
        held = "–" if fine_structure_mev is None else f"{fine_structure_mev:.3g}"
        text = f"η axis holds Δ<sub>FS</sub> = {held} meV; Δ<sub>SS</sub> ranges {value_range_text(shown)} meV"
        if not computed.any():
            text += " (every row beyond E<sub>A</sub>/2)"
        return text
    held = value_range_text(shown if shown.size else stokes)
    text = f"η axis holds Δ<sub>SS</sub> = {held} meV"
    if fine_structure_rows is not None:
        text += f"; Δ<sub>FS</sub> ranges {value_range_text(np.asarray(fine_structure_rows)[computed])} meV"
    return text


def _row_customdata(stokes: np.ndarray, fine: np.ndarray, columns: int) -> np.ndarray:
    """(rows, columns, 2) float32: [Δ_SS, Δ_FS] of each row, repeated along chi (heatmap hover)."""
    per_row = np.stack([stokes, fine], axis=-1).astype(np.float32)
    return np.ascontiguousarray(np.broadcast_to(per_row[:, None, :], (per_row.shape[0], columns, 2)))


LIMIT_TEXT = "Δ<sub>SS</sub> > E<sub>A</sub>/2: not computed"


def operating_trace(operating: Marker) -> dict:
    """The operating-point star (its x/y are what a Patch moves)."""
    return markers_trace("operating point", [operating], "operating point<br>χ = %{x:.3g}, η = %{y:.3g}"
                         "<extra></extra>", symbol="star", color=COLORS["operating"], show_text=False, size=15)


def phase_heatmap_figure(phase_map: PhaseMap, operating: Marker, presets: Sequence[Marker],
                         no_gain_reason: str = "", stokes_limit_mev: float | None = None) -> go.Figure:
    """Heatmap of <N_th> or sigma_eff/sigma_SE over (chi, eta) with operating point and presets.

    The subtitle says what the eta axis holds (docs/model.md §5.2) and the range of the other
    part of the Stokes shift; the hover shows Δ_SS and Δ_FS of each row. Rows whose Stokes
    shift exceeds ``stokes_limit_mev`` (E_A/2, not computed by the core) are marked by a
    line, so their gray does not read as "no gain". Trace order is fixed: heatmap,
    operating point (OPERATING_TRACE_INDEX), presets.
    """
    quantity = phase_map.quantity
    z_label, z_unit = QUANTITY_HOVER[quantity]
    title = "⟨N<sub>th</sub>⟩(χ, η)" if quantity == "n_th" else "σ<sub>eff</sub>/σ<sub>SE</sub>(χ, η)"
    stokes = np.asarray(phase_map.stokes_mev, dtype=float)
    fine = (np.full(stokes.shape, np.nan) if phase_map.fine_structure_mev is None
            else np.asarray(phase_map.fine_structure_mev, dtype=float))
    computed = computed_rows(stokes, stokes_limit_mev)
    caption = hold_caption(phase_map.hold, stokes, computed, fine_structure_mev=phase_map.held_fixed.get(
        "fine_structure_mev"), fine_structure_rows=fine)
    subtitle = "<br>".join(line for line in (caption, held_fixed_text(phase_map.held_fixed)) if line)
    parts = FigureParts(f"{title} — {phase_map.method} method", CHI_TITLE, ETA_TITLE, f"phase-{quantity}", layout={
        "plot_bgcolor": NO_DATA_COLOR, "margin": {"t": 86}, "yaxis": {"type": "log"},
        "title": {"subtitle": {"text": subtitle, "font": {"size": 11}}},
    })
    values = as_plot_array(phase_map.values)
    chi = as_plot_array(phase_map.chi_values)
    parts.add({
        "type": "heatmap", "name": z_label, "x": chi,
        "y": as_plot_array(phase_map.eta_values), "z": values, "colorscale": "Viridis",
        "reversescale": quantity == "n_th", "zmin": 0.0, **({"zmax": 1.0} if quantity == "sigma_ratio" else {}),
        "colorbar": _colorbar(QUANTITY_TITLES[quantity]),
        "customdata": _row_customdata(stokes, fine, chi.size),
        "hovertemplate": f"χ = %{{x:.3g}}<br>η = %{{y:.3g}}<br>{z_label} = %{{z:.3g}} {z_unit}"
                         "<br>Δ_SS = %{customdata[0]:.4g} meV<br>Δ_FS = %{customdata[1]:.3g} meV<extra></extra>",
    })
    parts.add(operating_trace(operating))
    if presets:
        parts.add(markers_trace("presets", presets, "%{customdata[0]}<br>χ = %{x:.3g}, η = %{y:.3g}"
                                "<br>%{customdata[1]}<extra></extra>", symbol="diamond", show_text=False))
    boundary = limit_boundary(phase_map.eta_values, computed)
    if boundary is not None:
        parts.shapes.append({
            "type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": boundary, "y1": boundary,
            "line": {"color": "#374151", "width": 1.2, "dash": "dash"},
            "label": {"text": f"↓ {LIMIT_TEXT}", "textposition": "start", "yanchor": "top",
                      "font": {"size": 10, "color": "#1f2937"}},
        })
    if quantity == "n_th" and np.isnan(values[computed]).any():
        parts.legend_key(f"no gain ({no_gain_reason})" if no_gain_reason else "no gain")
    return parts.figure()


def phase_cut_figure(x_values: np.ndarray, y_values: np.ndarray, *, axis: str, quantity: str, method: str,
                     operating: Marker, fixed_text: str, anchors: Sequence[Marker] = (),
                     no_gain_reason: str = "", stokes_mev: np.ndarray | None = None,
                     stokes_limit_mev: float | None = None, hold_text: str = "") -> go.Figure:
    """One 1-D cut through the operating point ([000] Fig. 5a-d): quantity vs chi or vs eta.

    Along eta, ``stokes_mev`` (the Stokes shift of every point) is drawn on a right-hand axis
    and shown in the hover, and ``hold_text`` (what the eta axis holds) is the subtitle;
    points beyond ``stokes_limit_mev`` are left out (the core does not compute them) and
    a line marks where they start.
    """
    x_label, x_unit = AXIS_HOVER[axis]
    y_label, y_unit = QUANTITY_HOVER[quantity]
    name = "⟨N<sub>th</sub>⟩" if quantity == "n_th" else "σ<sub>eff</sub>/σ<sub>SE</sub>"
    layout: dict = {"xaxis": {"type": "log"}} if axis == "eta" else {}
    if quantity == "sigma_ratio":
        layout["yaxis"] = {"range": [0.0, 1.05]}
    with_stokes = axis == "eta" and stokes_mev is not None
    computed = np.ones(np.shape(x_values), dtype=bool)
    if with_stokes:
        stokes = np.asarray(stokes_mev, dtype=float)
        computed = computed_rows(stokes, stokes_limit_mev)
        shown = stokes[computed & np.isfinite(stokes) & (stokes > 0)]
        spans_decades = shown.size > 0 and shown.max() > 10.0 * shown.min()
        layout["yaxis2"] = {"title": {"text": STOKES_TITLE, "font": {"color": STOKES_COLOR}}, "overlaying": "y",
                            "side": "right", "showgrid": False, "zeroline": False,
                            # explicit ticks: an overlaying axis otherwise takes the left axis's positions
                            **({"type": "log", "tickmode": "linear", "dtick": "D2"} if spans_decades
                               else {"type": "linear", "tickmode": "auto"}),
                            "tickfont": {"color": STOKES_COLOR}, "linecolor": STOKES_COLOR}
        layout["margin"] = {"r": 64}
    if hold_text:
        layout["title"] = {"subtitle": {"text": hold_text, "font": {"size": 11}}}
        layout.setdefault("margin", {})["t"] = 70
    parts = FigureParts(f"{name} vs {x_label} at {fixed_text}", CHI_TITLE if axis == "chi" else ETA_TITLE,
                        QUANTITY_TITLES[quantity], f"cut-{quantity}-{axis}", layout=layout)
    y_plot = as_plot_array(y_values)
    point_hover = hover(x_label, x_unit, y_label, y_unit)
    model = line_trace(f"model ({method})" if quantity == "n_th" else "model", x_values, y_plot,
                       hover(x_label, x_unit, y_label, y_unit, "Δ_SS = %{customdata:.4g} meV") if with_stokes
                       else point_hover, style="model")
    if with_stokes:
        model["customdata"] = as_plot_array(stokes)
    parts.add(model)
    parts.add(markers_trace("operating point", [operating], point_hover, symbol="star", color=COLORS["operating"],
                            show_text=False, size=13))
    if anchors:
        parts.add(markers_trace("measured", anchors, hover(x_label, x_unit, y_label, y_unit, MEASURED_EXTRA),
                                symbol="square", color=COLORS["measured"]))
    if with_stokes:
        parts.add(line_trace("Stokes shift Δ<sub>SS</sub> (right axis)", x_values,
                             np.where(computed, stokes, np.nan), hover(x_label, x_unit, "Δ_SS", "meV"),
                             style="stokes", yaxis="y2"))
    if quantity == "n_th" and np.isnan(y_plot[computed]).any():
        parts.legend_key(f"gaps: no gain ({no_gain_reason})" if no_gain_reason else "gaps: no gain",
                         symbol="line-ew-open", color=COLORS["net"])
    parts.vertical_line(operating.x, "", color=COLORS["operating"])
    boundary = limit_boundary(x_values, computed) if with_stokes else None
    if boundary is not None:
        parts.shapes.append({
            "type": "line", "xref": "x", "yref": "paper", "x0": boundary, "x1": boundary, "y0": 0, "y1": 1,
            "line": {"color": "#374151", "width": 1.2, "dash": "dash"},
            "label": {"text": f"← {LIMIT_TEXT}", "textposition": "end", "textangle": 0, "xanchor": "left",
                      "yanchor": "top", "font": {"size": 10, "color": "#1f2937"}},
        })
    return parts.figure()

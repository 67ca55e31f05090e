"""Electrochemical doping ([002] Fig. 5a,b): <N_th> vs <n_1S(e)> and <n> vs potential."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components.figures.common import (
    COLORS,
    MEASURED_EXTRA,
    FigureParts,
    Marker,
    as_plot_array,
    axis_title,
    hover,
    line_trace,
    markers_trace,
)

DOPING_TITLE = axis_title("⟨n<sub>1S(e)</sub>⟩", "electrons/dot")
THRESHOLD_HOVER = ("⟨n⟩", "electrons/dot", "⟨N_th⟩", "excitons/dot")
POTENTIAL_HOVER = ("V", "mV", "⟨n⟩", "electrons/dot")


def threshold_vs_doping_figure(n_doped: np.ndarray, n_th: np.ndarray, *, method: str, operating: Marker,
                               measured: Sequence[Marker] = (), paper_model: Sequence[Marker] = (),
                               no_gain_reason: str = "") -> go.Figure:
    """Model <N_th>(<n_1S(e)>) by ``method`` with the measured points and the paper's own model values ([002])."""
    parts = FigureParts(f"Gain threshold vs doping — {method} method", DOPING_TITLE,
                        axis_title("⟨N<sub>th</sub>⟩", "excitons/dot"), "doping-threshold",
                        layout={"yaxis": {"rangemode": "tozero"}})
    y = as_plot_array(n_th)
    parts.add(line_trace(f"model ({method})", n_doped, y, hover(*THRESHOLD_HOVER), style="model"))
    parts.add(markers_trace("operating point", [operating], hover(*THRESHOLD_HOVER), symbol="star",
                            color=COLORS["operating"], show_text=False, size=13))
    if measured:
        parts.add(markers_trace("measured [002]", measured, hover(*THRESHOLD_HOVER, MEASURED_EXTRA),
                                symbol="square", color=COLORS["measured"], show_text=False))
    if paper_model:
        parts.add(markers_trace("transition counting [002] SI", paper_model, hover(*THRESHOLD_HOVER, MEASURED_EXTRA),
                                symbol="circle-open", color="#444444", show_text=False))
    if np.isnan(y).any():
        parts.legend_key(f"gaps: no gain ({no_gain_reason})" if no_gain_reason else "gaps: no gain",
                         symbol="line-ew-open", color=COLORS["net"])
    return parts.figure()


def electrons_vs_potential_figure(potential_mv: np.ndarray, n_electrons: np.ndarray, *, v_1s_mv: float,
                                  operating: Marker, measured: Sequence[Marker] = ()) -> go.Figure:
    """<n_1S(e)> versus electrode potential ([002] eq. S14/S16, Fig. 5a)."""
    parts = FigureParts("Electron injection vs potential", axis_title("Electrode potential V", "mV"), DOPING_TITLE,
                        "doping-potential", layout={"yaxis": {"range": [-0.05, 2.05]}})
    parts.add(line_trace("grand-canonical model", potential_mv, n_electrons, hover(*POTENTIAL_HOVER),
                         style="model", color=COLORS["ground"]))
    parts.add(markers_trace("operating point", [operating], hover(*POTENTIAL_HOVER), symbol="star",
                            color=COLORS["operating"], show_text=False, size=13))
    if measured:
        parts.add(markers_trace("measured [002]", measured, hover(*POTENTIAL_HOVER, MEASURED_EXTRA),
                                symbol="square", color=COLORS["measured"], show_text=False))
    parts.vertical_line(v_1s_mv, "V<sub>1S</sub>")
    return parts.figure()

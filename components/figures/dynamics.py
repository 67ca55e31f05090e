"""Gain dynamics from the Auger cascade ([002] section S1.5, Fig. 5c)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components.figures.common import (
    COLORS,
    MEASURED_EXTRA,
    FigureParts,
    Marker,
    axis_title,
    hover,
    line_trace,
    markers_trace,
)
from qdgain_core import GainDynamics

A_STAR_HOVER = hover("t", "ps", "A*/A₀", "")
LIFETIME_HOVER = hover("⟨N_X⟩", "excitons/dot", "t_G", "ps")


def level_style(level: int) -> str:
    """The LINE_STYLES entry of the dots holding ``level`` extra electrons (n = 0, 1, 2; the last for more)."""
    return f"n{min(int(level), 2)}"


def nearest_index(values: np.ndarray, target: float) -> int:
    """Index of the entry of ``values`` closest to ``target``."""
    return int(np.argmin(np.abs(np.asarray(values) - target)))


def a_star_figure(dynamics: GainDynamics, n_avg: float) -> go.Figure:
    """Band-integrated A*(t) for n = 0, 1, 2 at the <N_X> closest to <N>, and at the operating point."""
    j = nearest_index(dynamics.n_x_values, n_avg)
    n_x = float(dynamics.n_x_values[j])
    parts = FigureParts("A*(t), negative = gain", axis_title("Pump-probe delay t", "ps"),
                        axis_title("A*/A₀", "relative"), "dynamics-astar")
    for level in dynamics.doping_levels:
        parts.add(line_trace(f"n = {level}, ⟨N_X⟩ = {n_x:.2g}", dynamics.time_ps, dynamics.a_star[level, j],
                             A_STAR_HOVER, style=level_style(level)))
    parts.add(line_trace(f"operating point, ⟨N⟩ = {n_avg:.3g}", dynamics.time_ps, dynamics.operating_a_star,
                         A_STAR_HOVER, style="operating"))
    parts.horizontal_line(0.0)
    return parts.figure()


def gain_lifetime_figure(dynamics: GainDynamics, operating: Marker, measured: Sequence[Marker] = ()) -> go.Figure:
    """Gain lifetime t_G vs <N_X> for n = 0, 1, 2 ([002] Fig. 5c), with measured points."""
    parts = FigureParts("Gain lifetime vs excitation", axis_title("⟨N<sub>X</sub>⟩", "excitons/dot"),
                        axis_title("Gain lifetime t<sub>G</sub>", "ps"), "dynamics-lifetime",
                        layout={"yaxis": {"rangemode": "tozero"}})
    for level in dynamics.doping_levels:
        parts.add(line_trace(f"n = {level}", dynamics.n_x_values, dynamics.gain_lifetime_ps[level], LIFETIME_HOVER,
                             style=level_style(level)))
    parts.add(markers_trace("operating point", [operating], LIFETIME_HOVER, symbol="star", color=COLORS["operating"],
                            show_text=False, size=13))
    if measured:
        parts.add(markers_trace("measured [002] Fig. 5c", measured, hover("⟨N_X⟩", "excitons/dot", "t_G", "ps",
                                                                          MEASURED_EXTRA),
                                symbol="square", color=COLORS["measured"], show_text=False))
    return parts.figure()

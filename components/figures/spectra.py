"""Spectra at the operating point: OD_NL and its parts, and the single-dot cross sections.

Reproduces the decomposition of [000] Fig. 2b (stimulated emission against excited-state
absorption) and the SE spectra of [001] Fig. 8; the cross sections are [000] Eq. 5,
sigma_eff = sigma_SE - sigma_ESA.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from components.energy_units import DEFAULT_ENERGY_UNIT, energy_axis, energy_uirevision, range_to_unit, to_unit
from components.figures.common import LABEL_ROW_PX, FigureParts, axis_title, hover, line_trace
from qdgain_core import Spectra

# The energy axis opens on the lines, not on the whole computed grid: from the lowest to the
# highest line energy, padded by WINDOW_HALF_WIDTHS half-widths (HWHM of the absorption band), and
# wide enough that no curve is cut where it is above SIGNIFICANT of its own peak, plus MARGIN of the
# span. Autoscale (modebar, double-click) shows the whole grid.
WINDOW_HALF_WIDTHS = 2.0
SIGNIFICANT = 0.02
MARGIN = 0.04
FALLBACK_WIDTH_MEV = 10.0
MARKED_LINES = (("absorption_mev", "A"), ("emission_mev", "SE"), ("esa_mev", "ESA"), ("biexciton_emission_mev", "XX"))
OTHER_LINES = ("fine_structure_absorption_mev", "trion_absorption_mev", "trion_emission_mev", "high_absorption_mev")
TOP_MARGIN_PX = 50  # title plus one row of line labels


def linewidth_mev(energy_mev: np.ndarray, absorption: np.ndarray) -> float:
    """FWHM of the absorption band around its maximum (FALLBACK_WIDTH_MEV when it cannot be measured)."""
    values = np.nan_to_num(np.asarray(absorption, dtype=float))
    energy = np.asarray(energy_mev, dtype=float)
    if values.size < 3 or values.max() <= 0:
        return FALLBACK_WIDTH_MEV
    peak = int(np.argmax(values))
    below = values < values[peak] / 2
    left = np.flatnonzero(below[:peak])
    right = np.flatnonzero(below[peak:])
    if left.size == 0 or right.size == 0:
        return FALLBACK_WIDTH_MEV
    width = float(energy[peak + right[0]] - energy[left[-1]])
    return width if math.isfinite(width) and width > 0 else FALLBACK_WIDTH_MEV


def energy_window(spectra: Spectra) -> tuple[float, float]:
    """Initial energy range: the lines padded by a few linewidths, never cutting a visible curve, inside the grid."""
    energy = np.asarray(spectra.energy_mev, dtype=float)
    low_grid, high_grid = float(energy[0]), float(energy[-1])
    geometry = spectra.geometry
    lines = [getattr(geometry, name) for name, _ in MARKED_LINES] + [getattr(geometry, name) for name in OTHER_LINES]
    lines = [float(x) for x in lines if x is not None and math.isfinite(x) and low_grid <= x <= high_grid]
    if not lines:
        return low_grid, high_grid
    pad = WINDOW_HALF_WIDTHS * linewidth_mev(energy, spectra.linear_absorption) / 2
    low, high = min(lines) - pad, max(lines) + pad
    curves = np.abs(np.nan_to_num(np.vstack([spectra.linear_absorption, spectra.ground_state_absorption,
                                             spectra.excited_state_absorption, spectra.stimulated_emission,
                                             spectra.biexciton_emission, spectra.net])))
    peaks = curves.max(axis=1, keepdims=True)
    # each curve where it exceeds SIGNIFICANT of its own peak (curves too small to see do not count)
    shown = (curves > SIGNIFICANT * peaks) & (peaks > SIGNIFICANT * max(float(peaks.max()), 1e-300))
    visible = np.flatnonzero(shown.any(axis=0))
    if visible.size:
        low, high = min(low, float(energy[visible[0]])), max(high, float(energy[visible[-1]]))
    margin = MARGIN * (high - low)
    return max(low - margin, low_grid), min(high + margin, high_grid)


def marked_lines(spectra: Spectra, energy_unit: str = DEFAULT_ENERGY_UNIT) -> list[tuple[float, str]]:
    """(position in ``energy_unit``, label) of the A/SE/ESA/XX peak markers (lines without a position left out)."""
    geometry = spectra.geometry
    names = [name for name, _ in MARKED_LINES]
    positions = to_unit(np.asarray([getattr(geometry, name) for name in names], dtype=float), energy_unit)
    return [(float(x), text) for x, (_, text) in zip(positions, MARKED_LINES, strict=True) if math.isfinite(x)]


def spectra_figure(spectra: Spectra, energy_unit: str = DEFAULT_ENERGY_UNIT) -> go.Figure:
    """OD_NL(E) with its parts (absorption and ESA up, emission down) and OD_0 for reference, E in ``energy_unit``."""
    axis = energy_axis(energy_unit)
    e = to_unit(spectra.energy_mev, energy_unit)
    od_hover = hover("E", "meV", "OD/max OD₀", "", x_part=axis.hover_x)
    parts = FigureParts(
        f"Nonlinear absorption at ⟨N⟩ = {spectra.n_avg:.3g}, ⟨n<sub>1S(e)</sub>⟩ = {spectra.n_doped:.3g}",
        axis.title, axis_title("OD / max OD₀", "relative"), energy_uirevision("spectra", energy_unit),
    )
    parts.add(
        line_trace("Linear absorption OD₀", e, spectra.linear_absorption, od_hover, style="linear"),
        line_trace("Ground-state absorption", e, spectra.ground_state_absorption, od_hover, style="ground"),
        line_trace("Excited-state absorption (ESA)", e, spectra.excited_state_absorption, od_hover, style="esa"),
        line_trace("Stimulated emission (−SE)", e, -spectra.stimulated_emission, od_hover, style="se"),
        line_trace("Biexciton emission (−XX)", e, -spectra.biexciton_emission, od_hover, style="xx"),
        line_trace("Net OD_NL (negative = gain)", e, spectra.net, od_hover, style="net"),
    )
    parts.horizontal_line(0.0)
    window = range_to_unit(energy_window(spectra), energy_unit)
    rows = parts.labelled_lines(marked_lines(spectra, energy_unit), window)
    parts.layout.update(opening_layout(window, rows))
    return parts.figure()


def opening_layout(window: tuple[float, float], label_rows: int = 1) -> dict:
    """Energy axis on ``window`` (in the axis's unit, sorted; Autoscale shows the whole grid), the title at the top
    and room for the labels."""
    return {"xaxis": {"range": list(window), "autorange": False},
            "title": {"y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": 8}},
            "margin": {"t": TOP_MARGIN_PX + LABEL_ROW_PX * max(label_rows - 1, 0)}}


def cross_section_figure(spectra: Spectra, energy_unit: str = DEFAULT_ENERGY_UNIT) -> go.Figure:
    """Single-dot sigma_SE, sigma_ESA and sigma_eff = sigma_SE - sigma_ESA ([000] Eq. 5), E in ``energy_unit``."""
    axis = energy_axis(energy_unit)
    e = to_unit(spectra.energy_mev, energy_unit)
    sigma_hover = hover("E", "meV", "σ/σ_A,peak", "", x_part=axis.hover_x)
    parts = FigureParts("Cross sections of a singly excited dot", axis.title,
                        axis_title("σ / σ<sub>A,peak</sub>", "relative"),
                        energy_uirevision("cross-sections", energy_unit))
    parts.add(
        line_trace("σ_SE (stimulated emission)", e, spectra.sigma_se, sigma_hover, style="se"),
        line_trace("σ_ESA (loss into biexcitons)", e, spectra.sigma_esa, sigma_hover, style="esa"),
        line_trace("σ_eff = σ_SE − σ_ESA", e, spectra.sigma_eff, sigma_hover, style="eff"),
    )
    parts.horizontal_line(0.0)
    parts.layout.update({"xaxis": {"range": list(range_to_unit(energy_window(spectra), energy_unit)),
                                   "autorange": False}})
    return parts.figure()

"""Spectra at the operating point: OD_NL and its parts, and the single-dot cross sections.

Reproduces the decomposition of [000] Fig. 2b (stimulated emission against excited-state
absorption) and the SE spectra of [001] Fig. 8; the cross sections are [000] Eq. 5,
sigma_eff = sigma_SE - sigma_ESA.
"""

from __future__ import annotations

import plotly.graph_objects as go

from components.figures.common import COLORS, FigureParts, axis_title, hover, line_trace
from qdgain_core import Spectra

ENERGY_TITLE = axis_title("Photon energy E", "meV")
OD_HOVER = hover("E", "meV", "OD/max OD₀", "")
SIGMA_HOVER = hover("E", "meV", "σ/σ_A,peak", "")


def spectra_figure(spectra: Spectra) -> go.Figure:
    """OD_NL(E) with its parts (absorption and ESA up, emission down) and OD_0 for reference."""
    e = spectra.energy_mev
    parts = FigureParts(
        f"Nonlinear absorption at ⟨N⟩ = {spectra.n_avg:.3g}, ⟨n<sub>1S(e)</sub>⟩ = {spectra.n_doped:.3g}",
        ENERGY_TITLE, axis_title("OD / max OD₀", "relative"), "spectra",
    )
    parts.add(
        line_trace("Linear absorption OD₀", e, spectra.linear_absorption, OD_HOVER, color=COLORS["linear"],
                   width=1.6, dash="dash"),
        line_trace("Ground-state absorption", e, spectra.ground_state_absorption, OD_HOVER, color=COLORS["ground"],
                   width=1.6),
        line_trace("Excited-state absorption (ESA)", e, spectra.excited_state_absorption, OD_HOVER,
                   color=COLORS["esa"], width=1.6),
        line_trace("Stimulated emission (−SE)", e, -spectra.stimulated_emission, OD_HOVER, color=COLORS["se"],
                   width=1.6),
        line_trace("Biexciton emission (−XX)", e, -spectra.biexciton_emission, OD_HOVER, color=COLORS["xx"],
                   width=1.6),
        line_trace("Net OD_NL (negative = gain)", e, spectra.net, OD_HOVER, color=COLORS["net"], width=2.6),
    )
    parts.horizontal_line(0.0)
    geometry = spectra.geometry
    for energy_mev, text in ((geometry.absorption_mev, "A"), (geometry.emission_mev, "SE"),
                             (geometry.esa_mev, "ESA"), (geometry.biexciton_emission_mev, "XX")):
        parts.vertical_line(energy_mev, text)
    return parts.figure()


def cross_section_figure(spectra: Spectra) -> go.Figure:
    """Single-dot sigma_SE, sigma_ESA and sigma_eff = sigma_SE - sigma_ESA ([000] Eq. 5)."""
    e = spectra.energy_mev
    parts = FigureParts("Cross sections of a singly excited dot", ENERGY_TITLE,
                        axis_title("σ / σ<sub>A,peak</sub>", "relative"), "cross-sections")
    parts.add(
        line_trace("σ_SE (stimulated emission)", e, spectra.sigma_se, SIGMA_HOVER, color=COLORS["se"], width=1.6),
        line_trace("σ_ESA (loss into biexcitons)", e, spectra.sigma_esa, SIGMA_HOVER, color=COLORS["esa"], width=1.6),
        line_trace("σ_eff = σ_SE − σ_ESA", e, spectra.sigma_eff, SIGMA_HOVER, color=COLORS["eff"], width=2.6),
    )
    parts.horizontal_line(0.0)
    return parts.figure()

"""Amplified spontaneous emission ([001] Fig. 9; [004] Fig. 3): output and spectra vs fluence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from components.energy_units import DEFAULT_ENERGY_UNIT, energy_axis, energy_uirevision, to_unit
from components.figures.common import (
    LINE_STYLES,
    OKABE_ITO,
    SCHEME_MARKERS,
    FigureParts,
    as_plot_array,
    axis_title,
    hover,
    line_trace,
)
from qdgain_core import ASECurve

FLUENCE_TITLE = axis_title("Pump fluence J", "mJ/cm²")
OUTPUT_TITLE = axis_title("Integrated ASE output I", "arb. units")
LOG_LOG = {"xaxis": {"type": "log"}, "yaxis": {"type": "log", "exponentformat": "power"}}
SPECTRA_SHOWN = 8
SPECTRA_WIDTHS = (1.2, 3.0)  # line width from the lowest to the highest fluence shown
SCHEME_COLORS = {"2LS": OKABE_ITO["orange"], "3LS": OKABE_ITO["blue"], "4LS": OKABE_ITO["bluish_green"]}
SCHEME_MARKS_SHOWN = 9  # markers per curve: the scheme reads from the symbol, ESA from the dash


class OutputCurve(Protocol):
    """What the output plots need (ASECurve and the cached scheme curves both provide it).

    Read-only properties, so that the frozen dataclasses satisfy it.
    """

    @property
    def fluence_mj_cm2(self) -> np.ndarray: ...

    @property
    def output_integrated(self) -> np.ndarray: ...

    @property
    def threshold_mj_cm2(self) -> float | None: ...

    @property
    def threshold_reason(self) -> str: ...


def threshold_text(curve: OutputCurve, html: bool = True) -> str:
    """"J_th = 0.018 mJ/cm²" or "no ASE threshold (reason)" — never a number without a kink."""
    if curve.threshold_mj_cm2 is None:
        return f"no ASE threshold ({curve.threshold_reason})"
    symbol = "J<sub>th</sub>" if html else "J_th"
    return f"{symbol} = {curve.threshold_mj_cm2:.3g} mJ/cm²"


def ase_output_figure(curve: ASECurve) -> go.Figure:
    """Integrated output vs fluence, log-log, with the threshold at the kink."""
    parts = FigureParts("ASE output vs pump fluence", FLUENCE_TITLE, OUTPUT_TITLE, "ase-output", layout=LOG_LOG)
    parts.add(line_trace("stripe output", curve.fluence_mj_cm2, curve.output_integrated,
                         hover("J", "mJ/cm²", "I", "arb. units", "⟨N⟩ = %{customdata:.3g} excitons/dot"),
                         style="ase", mode="lines+markers", marker={"size": 4, "color": LINE_STYLES["ase"].color},
                         customdata=as_plot_array(curve.n_avg)))
    if curve.threshold_mj_cm2 is None:
        parts.note(threshold_text(curve))
    else:
        parts.vertical_line(curve.threshold_mj_cm2, threshold_text(curve))
    return parts.figure()


def shown_indices(count: int, shown: int = SPECTRA_SHOWN) -> np.ndarray:
    """Indices of ``shown`` fluences spread evenly (in log) over ``count`` fluences."""
    return np.unique(np.linspace(0, count - 1, min(shown, count)).round().astype(int))


def ase_spectra_figure(curve: ASECurve, energy_unit: str = DEFAULT_ENERGY_UNIT) -> go.Figure:
    """Normalised emission spectra at selected fluences, E in ``energy_unit``: the ASE spike narrows and grows."""
    axis = energy_axis(energy_unit)
    energy = to_unit(curve.energy_mev, energy_unit)
    parts = FigureParts("ASE spectra (normalised)", axis.title,
                        axis_title("I(E)/max I", "relative"), energy_uirevision("ase-spectra", energy_unit),
                        layout={"legend": {"title": {"text": "J:"}}})
    indices = shown_indices(curve.fluence_mj_cm2.size)
    # a sequential ramp: dark and thin at low fluence, light and thick at high (reads in greyscale too)
    colors = sample_colorscale("Viridis", list(np.linspace(0.0, 0.9, indices.size)))
    widths = np.linspace(*SPECTRA_WIDTHS, indices.size)
    for color, width, j in zip(colors, widths, indices, strict=True):
        spectrum = curve.spectra[j]
        peak = float(spectrum.max())
        fluence = f"{curve.fluence_mj_cm2[j]:.3g} mJ/cm²"
        parts.add(line_trace(fluence, energy, spectrum / peak if peak > 0 else spectrum,
                             hover("E", "meV", "I/max I", "", f"J = {fluence}", x_part=axis.hover_x), color=color,
                             width=round(float(width), 2)))
    return parts.figure()


def scheme_comparison_figure(curves: Mapping[str, OutputCurve]) -> go.Figure:
    """Output vs fluence of 2LS/3LS/4LS without (solid) and with (dashed) ESA ([001] Fig. 9a-d).

    The scheme is told by colour and by marker symbol, ESA by the dash; the legend sits under the
    plot so a phone keeps the plot's full width.
    """
    parts = FigureParts("ASE output of 2/3/4-level schemes, without and with ESA", FLUENCE_TITLE, OUTPUT_TITLE,
                        "ase-schemes", layout=LOG_LOG)
    for name, curve in curves.items():
        scheme = name.split("+")[0]
        color = SCHEME_COLORS.get(scheme, "#111111")
        parts.add(line_trace(f"{name}: {threshold_text(curve, html=False)}", curve.fluence_mj_cm2,
                             curve.output_integrated, hover("J", "mJ/cm²", "I", "arb. units", trace_name=name),
                             color=color, dash="dash" if name.endswith("+ESA") else "solid", mode="lines+markers",
                             marker={"symbol": SCHEME_MARKERS.get(scheme, "circle"), "size": 7, "color": color,
                                     "maxdisplayed": SCHEME_MARKS_SHOWN}))
    return parts.figure()

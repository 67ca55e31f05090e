"""The readout panel: key numbers as text (pure functions: results in, html out).

A threshold that was not found is written as "no gain (reason)", never as a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dash import html

from qdgain_core import Geometry, Threshold


@dataclass(frozen=True)
class Readout:
    """One labelled number with its unit and a tooltip."""

    label: str
    value: str
    unit: str = ""
    title: str = ""
    emphasis: bool = False


def readout_list(readouts: Sequence[Readout]) -> html.Dl:
    """A description list, one term/value pair per readout."""
    children = []
    for item in readouts:
        children.append(html.Dt(item.label, title=item.title or None))
        children.append(html.Dd(f"{item.value} {item.unit}".strip(),
                                className="readout-strong" if item.emphasis else None))
    return html.Dl(children, className="readouts")


def threshold_readouts(thresholds: Mapping[str, Threshold], operating_method: str) -> list[Readout]:
    """<N_th> by every method; the operating method first and emphasised."""
    order = [operating_method] + [m for m in thresholds if m != operating_method]
    return [
        Readout(f"⟨N_th⟩ {method}", thresholds[method].as_text(), "excitons/dot" if thresholds[method].found else "",
                title=f"gain threshold by the '{method}' method (MODEL.md section 5)",
                emphasis=method == operating_method)
        for method in order if method in thresholds
    ]


def operating_readouts(*, sigma_ratio: float, measured_ratio: float, n_avg: float, fluence_mj_cm2: float | None,
                       pump_mode: str, geometry: Geometry) -> list[Readout]:
    """Cross-section ratios, the pump fluence for <N>, and the solved level scheme."""
    fluence = "n/a" if fluence_mj_cm2 is None else f"{fluence_mj_cm2:.3g}"
    return [
        Readout("σ_eff/σ_SE", f"{sigma_ratio:.3g}", title="[000] Fig. 5c,d: effective over Einstein SE cross section",
                emphasis=True),
        Readout(f"gain/absorption at ⟨N⟩ = {n_avg:.3g}", f"{measured_ratio:.3g}",
                title="max(−OD_NL)/max OD₀ ([001] section 3.3: 1 without ESA, ≈0.3 with; CdSe measured 0.10)"),
        Readout(f"pump fluence for ⟨N⟩ ({pump_mode.replace('_', '-')})", fluence,
                "mJ/cm²" if fluence_mj_cm2 is not None else ""),
        Readout("fine structure Δ_FS", f"{geometry.fine_structure_mev:.3g}", "meV"),
        Readout("reorganization λ", f"{geometry.reorganization_mev:.3g}", "meV"),
        Readout("phonon width Δ_ph", f"{geometry.phonon_width_mev:.3g}", "meV"),
        Readout("effective η", f"{geometry.eta_effective:.3g}", title="η actually realised after solving the lattice"),
    ]

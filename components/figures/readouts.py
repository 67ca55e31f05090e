"""The readout panel: key numbers as text (pure functions: results in, Markdown out).

The numbers follow every slider step, so they travel as one Markdown table string: one
property change in the browser, where a tree of html components would make Dash's
renderer re-create (and re-register) every cell on every step. The meaning of each
number is a static list under the table (``READOUT_NOTES``). A threshold that was not
found is written as "no gain (reason)", never as a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qdgain_core import Geometry, Threshold


@dataclass(frozen=True)
class Readout:
    """One labelled number with its unit."""

    label: str
    value: str
    unit: str = ""
    emphasis: bool = False


MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>#|~")
READOUT_NOTES = (
    "**⟨N_th⟩ by method** — the gain threshold in excitons per dot by each criterion of docs/model.md §5.1; "
    "the selected method is in bold and draws the threshold lines.",
    "**σ_eff/σ_SE** — effective over Einstein stimulated-emission cross section ([000] Eq. 5, Fig. 5c,d): "
    "1 when ESA costs nothing, 0 when it cancels the gain.",
    "**gain/absorption at ⟨N⟩** — max(−OD_NL)/max OD₀ ([001] section 3.3): 1 without ESA, about 0.3 with it; "
    "CdSe measured 0.10.",
    "**Δ_FS, λ, Δ_ph, effective η** — the level scheme solved from Δ_SS, η and T ([000] Eqs. 6–8); "
    "the effective η is the one actually realised.",
)


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown control character backslash-escaped (shown literally)."""
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIAL else char for char in text)


def readout_markdown(readouts: Sequence[Readout]) -> str:
    """A two-column Markdown table (quantity, value with unit); emphasised rows in bold."""
    rows = ["| quantity | value |", "| :-- | --: |"]
    for item in readouts:
        label, value = escape_markdown(item.label), escape_markdown(f"{item.value} {item.unit}".strip())
        if item.emphasis:
            label, value = f"**{label}**", f"**{value}**"
        rows.append(f"| {label} | {value} |")
    return "\n".join(rows)


def threshold_readouts(thresholds: Mapping[str, Threshold], operating_method: str) -> list[Readout]:
    """<N_th> by every method; the operating method first and emphasised."""
    order = [operating_method] + [m for m in thresholds if m != operating_method]
    return [
        Readout(f"⟨N_th⟩ {method}" + (" (selected)" if method == operating_method else ""),
                thresholds[method].as_text(), "excitons/dot" if thresholds[method].found else "",
                emphasis=method == operating_method)
        for method in order if method in thresholds
    ]


def operating_readouts(*, sigma_ratio: float, measured_ratio: float, n_avg: float, fluence_mj_cm2: float | None,
                       pump_mode: str, geometry: Geometry) -> list[Readout]:
    """Cross-section ratios, the pump fluence for <N>, and the solved level scheme."""
    fluence = "n/a" if fluence_mj_cm2 is None else f"{fluence_mj_cm2:.3g}"
    return [
        Readout("σ_eff/σ_SE", f"{sigma_ratio:.3g}", emphasis=True),
        Readout(f"gain/absorption at ⟨N⟩ = {n_avg:.3g}", f"{measured_ratio:.3g}"),
        Readout(f"pump fluence for ⟨N⟩ ({pump_mode.replace('_', '-')})", fluence,
                "mJ/cm²" if fluence_mj_cm2 is not None else ""),
        Readout("fine structure Δ_FS", f"{geometry.fine_structure_mev:.3g}", "meV"),
        Readout("reorganization λ", f"{geometry.reorganization_mev:.3g}", "meV"),
        Readout("phonon width Δ_ph", f"{geometry.phonon_width_mev:.3g}", "meV"),
        Readout("effective η", f"{geometry.eta_effective:.3g}"),
    ]

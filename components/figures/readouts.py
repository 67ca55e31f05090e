"""The readout panel: key numbers as text (pure functions: results in, Markdown out).

The numbers follow every slider step, so they travel as one Markdown string: one
property change in the browser, where a tree of html components would make Dash's
renderer re-create (and re-register) every cell on every step. The string leads with one
answer (``gain_answer``: gain at this <N>, yes or no, by the selected criterion, with its
threshold), then a table of the other criteria's thresholds and the operating numbers.
What each number and each criterion means is static text under it (``READOUT_NOTES``,
``CRITERION_NOTES``), laid out once. A threshold that was not found is written as
"no gain (reason)", never as a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qdgain_core import Geometry, Threshold
from qdgain_core.threshold_methods import METHODS


@dataclass(frozen=True)
class Readout:
    """One labelled number with its unit."""

    label: str
    value: str
    unit: str = ""
    emphasis: bool = False


MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>#|~")
SE_CANCELLED = "ESA cancels the single-exciton gain here"
CANCELLED_RATIO = 1e-9  # σ_eff/σ_SE at or below this is the core's clip at 0 or round-off of an exact cancellation
READOUT_NOTES = (
    "**Gain at ⟨N⟩** — yes when ⟨N⟩ has reached the threshold ⟨N_th⟩ of the selected criterion (the "
    "“Threshold method” setting, which also draws the threshold lines), that is when its gain criterion is "
    "negative at this ⟨N⟩.",
    "**⟨N_th⟩ by method** — the gain threshold in excitons per dot by each other criterion of docs/model.md §5.1; "
    "they measure different things, so they differ (see “What each criterion measures”).",
    "**σ_eff/σ_SE** — effective over Einstein stimulated-emission cross section of a singly excited dot "
    "([000] Eq. 5, Fig. 5c,d): 1 when ESA costs nothing, 0 when ESA cancels the single-exciton gain "
    "(σ_ESA ≥ σ_SE at every energy; the ratio is clipped there). Gain can still come from biexcitons then.",
    "**peak gain/absorption at ⟨N⟩** — max(−OD_NL)/max OD₀ at any energy ([001] section 3.3; what the peak "
    "criterion reads): 1 without ESA, about 0.3 with it; CdSe measured 0.10.",
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


CRITERION_NOTES: tuple[tuple[str, str], ...] = tuple((name, spec.description) for name, spec in METHODS.items())
"""(method, one sentence on what it measures) for every threshold criterion, from the core's table."""


def gain_answer(n_avg: float, method: str, threshold: Threshold, gain: bool) -> str:
    """The readout's first line (Markdown): "**Gain at ⟨N⟩ = 1.5: no** (by the window criterion, ⟨N_th⟩ = 1.88 …)".

    ``gain`` is the core's answer at this <N> (``has_gain``: the criterion whose first zero is
    ``threshold`` is <= 0 here), so it agrees with <N> >= <N_th> wherever the threshold was found.
    """
    if threshold.found:
        where = f"⟨N_th⟩ = {threshold.as_text()} excitons/dot"
    else:
        where = f"no ⟨N_th⟩ found: {threshold.reason}"
    answer = "yes" if gain else "no"
    return f"**Gain at ⟨N⟩ = {n_avg:.3g}: {answer}** ({escape_markdown(f'by the {method} criterion, {where}')})"


def threshold_readouts(thresholds: Mapping[str, Threshold], operating_method: str) -> list[Readout]:
    """<N_th> by every method but the operating one (that one is in ``gain_answer``), in table order."""
    return [
        Readout(f"⟨N_th⟩ {method}", threshold.as_text(), "excitons/dot" if threshold.found else "")
        for method, threshold in thresholds.items() if method != operating_method
    ]


def sigma_ratio_text(sigma_ratio: float) -> str:
    """σ_eff/σ_SE, and why where it is 0 (the core clips it there: ESA >= SE at every energy).

    A ratio within round-off of 0 (an ESA line that exactly mirrors the SE line leaves ~1e-17)
    is that same cancellation, not a number to read.
    """
    return f"{sigma_ratio:.3g}" if sigma_ratio > CANCELLED_RATIO else f"0 ({SE_CANCELLED})"


def operating_readouts(*, sigma_ratio: float, measured_ratio: float, n_avg: float, fluence_mj_cm2: float | None,
                       pump_mode: str, geometry: Geometry) -> list[Readout]:
    """Cross-section ratios, the pump fluence for <N>, and the solved level scheme."""
    fluence = "n/a" if fluence_mj_cm2 is None else f"{fluence_mj_cm2:.3g}"
    return [
        Readout("σ_eff/σ_SE", sigma_ratio_text(sigma_ratio)),
        Readout(f"peak gain/absorption at ⟨N⟩ = {n_avg:.3g}", f"{measured_ratio:.3g}"),
        Readout(f"pump fluence for ⟨N⟩ ({pump_mode.replace('_', '-')})", fluence,
                "mJ/cm²" if fluence_mj_cm2 is not None else ""),
        Readout("fine structure Δ_FS", f"{geometry.fine_structure_mev:.3g}", "meV"),
        Readout("reorganization λ", f"{geometry.reorganization_mev:.3g}", "meV"),
        Readout("phonon width Δ_ph", f"{geometry.phonon_width_mev:.3g}", "meV"),
        Readout("effective η", f"{geometry.eta_effective:.3g}"),
    ]

"""What the dashboard should show, straight from ``qdgain_core``: the oracle of the value tests.

``tests/web/test_values.py`` (callback outputs) and ``tests/browser/test_browser_values.py``
(the page) compare what is drawn and written with these: the spectra traces by name, the
phase-map axes, the readout rows. Everything here calls the core directly, never
``components.computed``, so a slip in the web layer cannot hide in the oracle.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

import qdgain_core as core

# Non-default states (chi, eta, n_doped and n_avg all moved), set through the URL query.
VALUE_QUERIES = {  # test id (no spaces: it names the test) -> query
    "window-low_chi-low_eta": "?chi=0.35&eta=0.6&n_doped=0.7&n_avg=2.3&map_points=21",
    "band-high_chi-high_eta-stokes_held": (
        "?chi=1.6&eta=25&n_doped=1.3&n_avg=0.9&threshold_method=band&hold=stokes&map_points=21"),
}
# trace name -> what the core's Spectra holds, as plotted (emission drawn downwards)
SPECTRA_TRACES: dict[str, Callable[[core.Spectra], np.ndarray]] = {
    "Linear absorption OD₀": lambda s: s.linear_absorption,
    "Ground-state absorption": lambda s: s.ground_state_absorption,
    "Excited-state absorption (ESA)": lambda s: s.excited_state_absorption,
    "Stimulated emission (−SE)": lambda s: -s.stimulated_emission,
    "Biexciton emission (−XX)": lambda s: -s.biexciton_emission,
    "Net OD_NL (negative = gain)": lambda s: s.net,
}
CROSS_SECTION_TRACES: dict[str, Callable[[core.Spectra], np.ndarray]] = {
    "σ_SE (stimulated emission)": lambda s: s.sigma_se,
    "σ_ESA (loss into biexcitons)": lambda s: s.sigma_esa,
    "σ_eff = σ_SE − σ_ESA": lambda s: s.sigma_eff,
}
CUTS = {  # panel -> (quantity, axis, PhaseCuts field)
    "cut_nth_chi": ("n_th", "chi", "n_th_vs_chi"),
    "cut_nth_eta": ("n_th", "eta", "n_th_vs_eta"),
    "cut_ratio_chi": ("sigma_ratio", "chi", "ratio_vs_chi"),
    "cut_ratio_eta": ("sigma_ratio", "eta", "ratio_vs_eta"),
}


def map_axes(points: int) -> tuple[np.ndarray, np.ndarray]:
    """The phase-map axes the dashboard promises: chi linear and eta log-spaced over the field ranges."""
    chi, eta = core.FIELD_SPECS["chi"], core.FIELD_SPECS["eta"]
    return np.linspace(chi.minimum, chi.maximum, points), np.geomspace(eta.minimum, eta.maximum, points)


def operating_eta(params: core.GainParams) -> float:
    """The eta the operating point realises (where its marker and cuts sit)."""
    eta = core.geometry_for(params).eta_effective
    return eta if eta > 0 else params.eta


def assert_plotted(plotted, expected, what: str) -> None:
    """``plotted`` (float32 on the wire, None/NaN for gaps) equals ``expected``; inf and NaN both plot as gaps."""
    expected = np.asarray(expected, dtype=float)
    expected = np.where(np.isfinite(expected), expected, np.nan)
    plotted = np.array(plotted, dtype=float)  # None -> NaN
    assert plotted.shape == expected.shape, (what, plotted.shape, expected.shape)
    scale = np.nanmax(np.abs(expected)) if np.isfinite(expected).any() else 1.0
    np.testing.assert_allclose(plotted, expected, rtol=2e-6, atol=2e-6 * scale + 1e-12, equal_nan=True, err_msg=what)


def asymmetric_point(z: np.ndarray) -> tuple[int, int]:
    """(i, j) off the diagonal where z differs by > 5 % from its mirror images along eta and across the diagonal."""
    rows, columns = z.shape
    for i in range(rows):
        for j in range(columns):
            value, mirrors = z[i, j], (z[rows - 1 - i, j], z[j, i])
            if i != j and np.isfinite(value) and value != 0 and all(
                    not np.isfinite(m) or abs(m - value) > 0.05 * abs(value) for m in mirrors):
                return i, j
    raise AssertionError("no asymmetric point on this map: choose another state")


def number(text: str) -> float:
    """The number a readout text starts with ("1.88 excitons/dot" -> 1.88)."""
    match = re.match(r"[-+]?[0-9.]+(e[-+]?[0-9]+)?", text.strip())
    assert match, text
    return float(match[0])


def unescaped(markdown: str) -> str:
    """Readout Markdown as the reader sees it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def expected_readouts(params: core.GainParams) -> dict[str, float]:
    """Every row of the readout table (label -> the core's value) for ``params``."""
    geometry = core.geometry_for(params)
    mode = params.pump_mode.replace("_", "-")
    rows = {f"⟨N_th⟩ {method}": core.gain_threshold(params, method).n_th
            for method in core.THRESHOLD_METHODS if method != params.threshold_method}
    rows.update({
        "σ_eff/σ_SE": core.sigma_eff_ratio(params),
        f"peak gain/absorption at ⟨N⟩ = {params.n_avg:.3g}": core.measured_ratio(params),
        f"pump fluence for ⟨N⟩ ({mode})": float(core.fluence_from_n_avg(params, params.n_avg)),
        "fine structure Δ_FS": geometry.fine_structure_mev,
        "reorganization λ": geometry.reorganization_mev,
        "phonon width Δ_ph": geometry.phonon_width_mev,
        "effective η": geometry.eta_effective,
    })
    return rows


def assert_readout_numbers(params: core.GainParams, answer: str, rows: dict[str, str]) -> None:
    """The answer line's <N> and <N_th> and every table row (label -> shown text) equal the core's values."""
    n_th = core.gain_threshold(params).n_th
    shown = re.search(r"⟨N_th⟩ = ([0-9.e+-]+) excitons/dot", answer)
    assert shown and math.isclose(number(shown[1]), n_th, rel_tol=5e-3), (answer, n_th)
    assert f"⟨N⟩ = {params.n_avg:.3g}:" in answer, answer
    expected = expected_readouts(params)
    assert set(rows) == set(expected), sorted(set(rows) ^ set(expected))
    for label, value in expected.items():
        assert math.isclose(number(rows[label]), value, rel_tol=5e-3, abs_tol=1e-12), (label, rows[label], value)

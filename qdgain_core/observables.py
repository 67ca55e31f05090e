"""Thresholds, cross-section ratios and the SE map from OD_NL (MODEL.md section 5).

Threshold methods (each a criterion W(<N>) > 0 without gain):

* ``window`` ([000] Eq. 8): integral of OD_NL over the FWHM band of the single-exciton SE line;
* ``band`` ([002] <N_gain,1S>): the same over the FWHM band of the linear absorption;
* ``total``: over all energies; equals transition counting whatever the spectra (lines are
  area-normalised), with PLQY = 1;
* ``peak``: max_E(-OD_NL) >= g_min max OD_0 ([002] Fig. 5e: a single-wavelength criterion
  is otherwise arbitrarily small in the red tail);
* ``probe``: OD_NL(E_probe) <= 0 at one probe energy ([002] Fig. 5d).
"""

from __future__ import annotations

import numpy as np

from .ensemble import (
    LINE_A,
    LINE_SE,
    bare_se_weight,
    coefficients_for,
    lines_for,
    lumped_n_max,
    nonlinear_absorption,
    od_spectra,
    single_exciton_coefficients,
    transition_counts,
)
from .params import THRESHOLD_METHODS, GainParams
from .results import SEMap, Threshold
from .statistics import doping_fractions, occupation_probabilities, poisson_probabilities
from .thresholds import first_crossing, linear_criterion, probabilities_at, search_limit

UNSATURATED_N_MAX = 80


def half_maximum_mask(line: np.ndarray) -> np.ndarray:
    """Mask of the FWHM band of ``line`` (…, nE): the connected run at >= half maximum around the peak.

    Separate LO sidebands above half maximum (large Huang-Rhys factors) are left out.
    """
    above = line >= 0.5 * line.max(axis=-1, keepdims=True)
    runs = np.cumsum(~above, axis=-1)
    peak_run = np.take_along_axis(runs, np.argmax(line, axis=-1)[..., None], axis=-1)
    return above & (runs == peak_run)


def line_functionals(
    method: str,
    energy_mev: np.ndarray,
    de_mev: np.ndarray,
    lines: np.ndarray,
    probe_mev: np.ndarray | None = None,
    reference: np.ndarray | None = None,
) -> np.ndarray:
    """The linear functional of ``method`` applied to each line: (…, L, nE) -> (…, L).

    ``energy_mev`` (…, nE) and ``de_mev`` (…) broadcast against ``lines`` without the line
    axis; ``probe_mev`` (…) is needed for ``probe``. ``reference`` (…, nE) is the line whose
    FWHM band defines ``window`` / ``band``; by default it is taken from ``lines`` in
    LINE_* order.
    """
    de = np.asarray(de_mev)[..., None]
    if method == "total":
        return lines.sum(axis=-1) * de
    if method in ("window", "band"):
        if reference is None:
            reference = lines[..., LINE_SE if method == "window" else LINE_A, :]
        mask = half_maximum_mask(reference)[..., None, :]
        return np.where(mask, lines, 0.0).sum(axis=-1) * de
    if method == "probe":
        e0 = energy_mev[..., 0]
        position = (np.asarray(probe_mev) - e0) / np.asarray(de_mev)
        n_e = energy_mev.shape[-1]
        j = np.clip(np.floor(position), 0, n_e - 2).astype(np.int64)
        frac = np.clip(position - j, 0.0, 1.0)
        left = np.take_along_axis(lines, j[..., None, None].repeat(lines.shape[-2], -2), axis=-1)[..., 0]
        right = np.take_along_axis(lines, (j + 1)[..., None, None].repeat(lines.shape[-2], -2), axis=-1)[..., 0]
        return (1.0 - frac)[..., None] * left + frac[..., None] * right
    raise ValueError(f"method: {method!r} is not a linear functional; choose one of window, band, total, probe")


def probe_energy_mev(params: GainParams, emission_mev: float) -> float:
    """Probe energy: E_A + probe_detuning_mev, or the single-exciton SE peak when unset."""
    if params.probe_detuning_mev is None:
        return emission_mev
    return params.e_a_mev + params.probe_detuning_mev


def gain_threshold(params: GainParams, method: str | None = None) -> Threshold:
    """<N_th> (excitons/dot) at the operating point by ``method`` (default params.threshold_method)."""
    method = params.threshold_method if method is None else method
    if method not in THRESHOLD_METHODS:
        raise ValueError(f"method: {method!r} is not one of {list(THRESHOLD_METHODS)}")
    energy, lines, geometry = lines_for(params)
    coeff = coefficients_for(params)
    limit, reason = search_limit(params.pump_mode, params.g_e, params.n_search_max)
    if method == "peak":
        sector_spectra = coeff @ lines
        floor = params.gain_min_fraction * lines[LINE_A].max()

        def criterion(x: np.ndarray) -> np.ndarray:
            probs = probabilities_at(x, params.pump_mode, params.g_e, coeff.shape[0] - 1)
            return (probs @ sector_spectra).min(axis=-1) + floor

        n_th = float(first_crossing(criterion, (), limit))
    else:
        de = energy[1] - energy[0]
        probe = probe_energy_mev(params, geometry.emission_mev) if method == "probe" else None
        integrals = line_functionals(method, energy, np.asarray(de), lines, probe)
        n_th = float(first_crossing(linear_criterion(coeff @ integrals, params.pump_mode, params.g_e), (), limit))
    found = bool(np.isfinite(n_th))
    return Threshold(method, n_th if found else float("inf"), found, "" if found else reason)


def all_thresholds(params: GainParams) -> dict[str, Threshold]:
    """``gain_threshold`` by every method, keyed by method name."""
    return {method: gain_threshold(params, method) for method in THRESHOLD_METHODS}


def counting_threshold(
    g_e: int,
    g_h: int,
    n_doped: float = 0.0,
    saturate: bool = True,
    fractions: tuple[float, float, float] | None = None,
    search_max: float = 20.0,
) -> float:
    """Transition-counting gain threshold <N_gain> for Poisson excitation ([002] eqs. S3-S6, S17).

    Integer ``n_doped`` puts exactly that many electrons in every dot (eq. S6); otherwise
    grand-canonical fractions with default settings are used (eq. S17) unless ``fractions``
    are given. ``saturate=False`` uses the unsaturated eq. S3 (4/3 for CdSe instead of
    1.54, [002] Fig. S4). Returns inf when there is no gain up to ``search_max``.
    """
    if not (1 <= g_e <= 8 and 1 <= g_h <= 8 and 0.0 < search_max <= 100.0):
        raise ValueError(f"counting_threshold: need 1 <= g_e, g_h <= 8 and 0 < search_max <= 100, got {g_e}, {g_h}, {search_max}")
    if fractions is None:
        if float(n_doped).is_integer() and 0 <= n_doped <= 2:
            fractions = tuple(float(int(n_doped) == level) for level in (0, 1, 2))
        else:
            fractions = doping_fractions(n_doped)
    n_max = lumped_n_max(g_e, g_h) if saturate else UNSATURATED_N_MAX
    n_exc = np.arange(n_max + 1)
    weights = np.zeros(n_max + 1)
    for level, f_n in zip((0, 1, 2), fractions):
        up, down = transition_counts(g_e, g_h, n_exc, level, saturate=saturate)
        weights += f_n * (up - down) / (g_e * g_h)

    def criterion(x: np.ndarray) -> np.ndarray:
        return poisson_probabilities(x, n_max) @ weights

    return float(first_crossing(criterion, (), search_max))


def threshold_vs_doping(params: GainParams, n_doped_values: np.ndarray, method: str | None = None) -> np.ndarray:
    """<N_th> versus <n_1S(e)> ([002] Fig. 5b), other parameters fixed; inf where no gain.

    Doping fractions follow ``params`` (grand canonical, eqs. S9-S16); the lines do not
    depend on doping, so they are computed once.
    """
    method = params.threshold_method if method is None else method
    if method not in THRESHOLD_METHODS:
        raise ValueError(f"method: {method!r} is not one of {list(THRESHOLD_METHODS)}")
    values = np.asarray(n_doped_values, dtype=float).ravel()
    if values.size == 0 or values.size > 1000 or np.any(~np.isfinite(values)) or np.any((values < 0) | (values > 2)):
        raise ValueError("n_doped_values: need 1 to 1000 values in [0, 2] electrons/dot")
    if method == "peak":
        return np.array([gain_threshold(params.with_updates(n_doped=float(v)), "peak").n_th for v in values])
    energy, lines, geometry = lines_for(params)
    probe = probe_energy_mev(params, geometry.emission_mev) if method == "probe" else None
    integrals = line_functionals(method, energy, np.asarray(energy[1] - energy[0]), lines, probe)
    weights = np.stack([coefficients_for(params.with_updates(n_doped=float(v))) @ integrals for v in values])
    limit, _ = search_limit(params.pump_mode, params.g_e, params.n_search_max)
    return first_crossing(linear_criterion(weights, params.pump_mode, params.g_e), (values.size,), limit)


def sigma_eff_ratio(params: GainParams) -> float:
    """max_E sigma_eff / max_E sigma_SE of a singly excited dot, clipped at 0 ([000] Fig. 5c,d).

    sigma_eff = sigma_SE - sigma_ESA with weights D(1,0) and U(1,0) ([000] Eq. 5; MODEL.md
    section 5); sigma_SE is the bare (Einstein-limited) single-exciton SE.
    """
    _, lines, _ = lines_for(params)
    return float(sigma_ratio_from_lines(lines, params)[()])


def sigma_ratio_from_lines(lines: np.ndarray, params: GainParams) -> np.ndarray:
    """sigma_eff/sigma_SE for lines of shape (..., 5, nE)."""
    single = single_exciton_coefficients(params)
    bare_se = lines[..., LINE_SE, :].max(axis=-1) * bare_se_weight(params)
    sigma_eff = -np.einsum("l,...le->...e", single, lines)
    return np.clip(sigma_eff.max(axis=-1) / bare_se, 0.0, None)


def measured_ratio(params: GainParams, n_avg: float | None = None) -> float:
    """Measured-style gain/absorption ratio max_E(-OD_NL)/max_E OD_0 at <N> ([001] section 3.3).

    [001]: 1 without ESA, about 0.3 with ESA; measured 0.10 in CdSe cores.
    """
    return float(max(-nonlinear_absorption(params, n_avg).net.min(), 0.0))


def se_map(params: GainParams, n_values: np.ndarray | None = None) -> SEMap:
    """OD_NL(E, <N>) in units of max OD_0 on ``n_values`` (default 0..min(limit, 4), 81 rows)."""
    limit, _ = search_limit(params.pump_mode, params.g_e, params.n_search_max)
    n_values = np.linspace(0.0, min(limit, 4.0), 81) if n_values is None else np.asarray(n_values, dtype=float).ravel()
    if not 1 <= n_values.size <= 1000 or not np.all(np.isfinite(n_values)) or np.any(n_values < 0) or np.any(n_values > limit):
        raise ValueError(f"n_values: need 1 to 1000 values in [0, {limit:g}] excitons/dot")
    energy, lines, _ = lines_for(params)
    coeff = coefficients_for(params)
    probs = occupation_probabilities(n_values, params.pump_mode, params.g_e, coeff.shape[0] - 1)
    od = od_spectra(probs, coeff, lines) / lines[LINE_A].max()
    return SEMap(energy, n_values, od, gain_threshold(params))

"""Thresholds, cross-section ratios and the SE map from OD_NL (docs/model.md, observables).

The methods are those of ``threshold_methods.METHODS``; the same table serves the point
threshold, the doping curve and the maps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from .crossing import ZERO_TOLERANCE, first_crossing, linear_criterion, probabilities_at, search_limit
from .ensemble import (
    COUNTING_RULES,
    MAX_N_AVG,
    UNDOPED,
    CountingSpec,
    bare_se_weights_of,
    coefficient_table,
    coefficients_for,
    counting_spec,
    lines_for,
    nonlinear_absorption,
    od0_peak,
    od_spectra,
    sigma_eff_weights_of,
    transition_counts,
)
from .params import COUNTING_SCHEMES, PUMP_MODES, GainParams
from .results import SEMap, Threshold
from .statistics import doping_fractions, occupation_probabilities, poisson_probabilities
from .threshold_methods import METHODS, line_functionals, method_for

UNSATURATED_N_MAX = 80


REFERENCE_WEIGHTS = {
    "emission": bare_se_weights_of,
    "absorption": lambda spec: coefficient_table(spec, UNDOPED)[0],
}
"""Line weights (L,) of each band method's reference line: the bare single-exciton SE, or OD_0."""
assert set(REFERENCE_WEIGHTS) == {m.reference for m in METHODS.values() if m.reference}, (
    "every band reference needs weights"
)


def reference_line(params: GainParams, lines: np.ndarray, kind: str) -> np.ndarray:
    """The reference line (…, nE) of a band method ("emission" or "absorption") for lines (…, L, nE)."""
    return np.einsum("l,...le->...e", REFERENCE_WEIGHTS[kind](counting_spec(params)), lines)


def method_functionals(
    params: GainParams, method: str, energy: np.ndarray, lines: np.ndarray, emission_mev: float
) -> np.ndarray:
    """The linear functional of ``method`` on every line of the operating point, (L,)."""
    spec = method_for(method)
    probe = probe_energy_mev(params, emission_mev) if spec.probe else None
    reference = reference_line(params, lines, spec.reference) if spec.reference else None
    return line_functionals(method, energy, np.asarray(energy[1] - energy[0]), lines, probe, reference)


def probe_energy_mev(params: GainParams, emission_mev: float) -> float:
    """Probe energy: E_A + probe_detuning_mev, or the single-exciton SE peak when unset."""
    if params.probe_detuning_mev is None:
        return emission_mev
    return params.e_a_mev + params.probe_detuning_mev


def method_criterion(params: GainParams, method: str) -> Callable[[np.ndarray], np.ndarray]:
    """The gain criterion W(<N>) of ``method`` at the operating point: positive without gain, <= 0 with it.

    Called like every criterion of ``crossing.first_crossing`` (the shared grid (K,) or one
    value (1,)); its first zero is the threshold (``gain_threshold``), its sign at <N> says
    whether there is gain there (``has_gain``).
    """
    spec = method_for(method)
    energy, lines, geometry = lines_for(params)
    coeff = coefficients_for(params)
    if not spec.linear:
        return peak_criterion(params, coeff @ lines, np.asarray(params.gain_min_fraction * od0_peak(params)))
    integrals = method_functionals(params, method, energy, lines, geometry.emission_mev)
    return linear_criterion(coeff @ integrals, params.pump_mode, params.pump_sites)


def gain_threshold(params: GainParams, method: str | None = None) -> Threshold:
    """<N_th> (excitons/dot) at the operating point by ``method`` (default params.threshold_method)."""
    method = params.threshold_method if method is None else method
    limit, reason = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    n_th = float(first_crossing(method_criterion(params, method), (), limit))
    found = bool(np.isfinite(n_th))
    return Threshold(method, n_th if found else float("inf"), found, "" if found else reason)


def gain_criterion(params: GainParams, method: str | None = None, n_avg: float | None = None) -> float:
    """W(<N>) of ``method`` (default params.threshold_method) at <N> = ``n_avg`` (default params.n_avg).

    In the units of the method: the band or all-energy integral of OD_NL (window, band,
    total), OD_NL at the probe energy (probe), min_E OD_NL + g_min max OD_0 (peak); all in
    line units (multiply a ``nonlinear_absorption`` spectrum by ``od0_peak`` to compare).
    """
    method = params.threshold_method if method is None else method
    n_avg = params.n_avg if n_avg is None else float(n_avg)
    if not 0.0 <= n_avg <= MAX_N_AVG:
        raise ValueError(f"n_avg: {n_avg!r} is outside the allowed range [0, {MAX_N_AVG:g}] excitons/dot")
    return float(np.asarray(method_criterion(params, method)(np.array([n_avg])))[0])


def has_gain(params: GainParams, method: str | None = None, n_avg: float | None = None) -> bool:
    """Net gain at <N> = ``n_avg`` by ``method``: the criterion whose first zero is <N_th> is <= 0 there."""
    return gain_criterion(params, method, n_avg) <= ZERO_TOLERANCE


PEAK_COARSE_POINTS = 41


def peak_thresholds(params: GainParams, sector: np.ndarray, floor: np.ndarray, limit: float) -> np.ndarray:
    """`peak`-method thresholds for sector spectra (..., N, nE) with gain floors (...): the one criterion
    max_E(-OD_NL) >= floor shared by the point threshold, the doping curve and the maps.

    A single problem uses the 161-point search with Brent's method, batches 41 coarse points
    (whole spectra per point and coarse value).
    """
    batch = sector.shape[:-2]
    criterion = peak_criterion(params, sector, floor)
    if batch == ():
        return first_crossing(criterion, (), limit)
    return first_crossing(criterion, batch, limit, n_coarse=PEAK_COARSE_POINTS)


def peak_criterion(params: GainParams, sector: np.ndarray, floor: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """W(x) = min_E OD_NL(x) + floor for sector spectra (..., N, nE): <= 0 once max_E(-OD_NL) >= floor."""
    n_max = sector.shape[-2] - 1

    def criterion(x: np.ndarray) -> np.ndarray:
        if x.ndim == 1:
            probs = probabilities_at(x, params.pump_mode, params.pump_sites, n_max)
            return np.matmul(probs, sector).min(axis=-1) + floor[..., None]
        probs = occupation_probabilities(x[..., 0], params.pump_mode, params.pump_sites, n_max)
        return np.matmul(probs[..., None, :], sector)[..., 0, :].min(axis=-1)[..., None] + floor[..., None]

    return criterion


def all_thresholds(params: GainParams) -> dict[str, Threshold]:
    """``gain_threshold`` by every method, keyed by method name."""
    from .threshold_methods import METHODS

    return {method: gain_threshold(params, method) for method in METHODS}


def counting_threshold(
    g_e: int,
    g_h: int,
    n_doped: float = 0.0,
    saturate: bool = True,
    fractions: Sequence[float] | None = None,
    search_max: float = 20.0,
    scheme: str = "transitions",
    sites: int = 2,
    pump_mode: str = "one_photon",
) -> float:
    """Counting gain threshold <N_gain> ([002] eqs. S3-S6, S17; [001] section 3.3 for ``scheme="sites"``).

    Poisson excitation unless ``pump_mode="resonant"`` (binomial over the band-edge sites).
    Integer ``n_doped`` puts exactly that many electrons in every dot (eq. S6); otherwise
    grand-canonical fractions with default settings are used (eq. S17) unless ``fractions``
    are given. ``saturate=False`` uses the unsaturated eq. S3 (4/3 for CdSe instead of
    1.54, [002] Fig. S4). Returns inf when there is no gain up to ``search_max``.
    """
    in_range = 1 <= g_e <= 8 and 1 <= g_h <= 8 and 1 <= sites <= 8 and 0.0 < search_max <= 100.0
    if not in_range or scheme not in COUNTING_SCHEMES:
        raise ValueError(
            "counting_threshold: need 1 <= g_e, g_h, sites <= 8, 0 < search_max <= 100 and scheme in "
            f"{list(COUNTING_SCHEMES)}, got {g_e}, {g_h}, {sites}, {search_max}, {scheme!r}"
        )
    if pump_mode not in PUMP_MODES:
        raise ValueError(f"pump_mode: {pump_mode!r} is not one of {list(PUMP_MODES)}")
    if not saturate and scheme != "transitions":
        raise ValueError("saturate: the unsaturated form (eq. S3) exists only for scheme='transitions'")
    if fractions is not None:
        fractions = tuple(float(f) for f in fractions)
        if len(fractions) != 3 or min(fractions) < 0 or abs(sum(fractions) - 1.0) > 1e-9:
            raise ValueError(f"fractions: {fractions!r} must be three non-negative numbers (f0, f1, f2) summing to 1")
    if fractions is None:
        if float(n_doped).is_integer() and 0 <= n_doped <= 2:
            fractions = tuple(float(int(n_doped) == level) for level in (0, 1, 2))
        else:
            fractions = doping_fractions(n_doped)
    spec = CountingSpec(
        scheme=scheme, g_e=g_e, g_h=g_h, sites=sites, plqy=1.0, include_esa=False, ground_split=(1.0, 0.0),
        emission_split=(1.0, 0.0), excited_strength=1.0, biexciton_split=(1.0, 0.0), high_g_h=1, high_strength=1.0,
        high_on=False,
    )
    n_max = spec.n_max if saturate else UNSATURATED_N_MAX
    n_exc = np.arange(n_max + 1)
    weights = np.zeros(n_max + 1)
    for level, f_n in zip((0, 1, 2), fractions, strict=True):
        if saturate:
            up, down = COUNTING_RULES[scheme](spec, n_exc, level)
        else:
            up, down = transition_counts(g_e, g_h, n_exc, level, saturate=False)
        weights += f_n * (up - down) / spec.normalization
    pump_sites = sites if scheme == "sites" else g_e
    limit = min(search_max, float(pump_sites)) if pump_mode == "resonant" else search_max

    def criterion(x: np.ndarray) -> np.ndarray:
        if pump_mode == "resonant":
            return occupation_probabilities(x, pump_mode, pump_sites, n_max) @ weights
        return poisson_probabilities(x, n_max) @ weights

    return float(first_crossing(criterion, (), limit))


def threshold_vs_doping(params: GainParams, n_doped_values: npt.ArrayLike, method: str | None = None) -> np.ndarray:
    """<N_th> versus <n_1S(e)> ([002] Fig. 5b), other parameters fixed; inf where no gain.

    Doping fractions follow ``params`` (grand canonical, eqs. S9-S16); the lines do not
    depend on doping, so they are computed once.
    """
    values = np.asarray(n_doped_values, dtype=float).ravel()
    if values.size == 0 or values.size > 1000 or np.any(~np.isfinite(values)) or np.any((values < 0) | (values > 2)):
        raise ValueError("n_doped_values: need 1 to 1000 values in [0, 2] electrons/dot")
    coefficients = np.stack([coefficients_for(params.with_updates(n_doped=float(v))) for v in values])
    return thresholds_for_coefficients(params, coefficients, method)


def thresholds_for_coefficients(params: GainParams, coefficients: np.ndarray, method: str | None = None) -> np.ndarray:
    """<N_th> by ``method`` (default the params') for a stack of coefficient tables (B, N + 1, L) on the lines of
    ``params``; inf where no gain.

    All B problems share the lines (only populations or strengths differ: doping, PLQY) and are solved at once.
    """
    method = params.threshold_method if method is None else method
    energy, lines, geometry = lines_for(params)
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    batch = (coefficients.shape[0],)
    if not method_for(method).linear:
        floor = np.full(batch, params.gain_min_fraction * od0_peak(params))
        return peak_thresholds(params, coefficients @ lines, floor, limit)
    integrals = method_functionals(params, method, energy, lines, geometry.emission_mev)
    return first_crossing(linear_criterion(coefficients @ integrals, params.pump_mode, params.pump_sites), batch, limit)


def sigma_eff_ratio(params: GainParams) -> float:
    """max_E sigma_eff / max_E sigma_SE,bare of a singly excited dot, clipped at 0 ([000] Fig. 5c,d).

    sigma_eff = sigma_SE - sigma_ESA ([000] Eq. 5), PLQY included in sigma_SE; the
    denominator is the bare (untrapped, Einstein-limited) single-exciton SE, so the ratio
    rises with PLQY ([000] Fig. 4b).
    """
    _, lines, _ = lines_for(params)
    return float(sigma_ratio_from_lines(lines, params)[()])


def sigma_ratio_from_lines(lines: np.ndarray, params: GainParams) -> np.ndarray:
    """sigma_eff/sigma_SE,bare for lines of shape (..., L, nE)."""
    spec = counting_spec(params)
    bare_se = np.einsum("l,...le->...e", bare_se_weights_of(spec), lines).max(axis=-1)
    sigma_eff = np.einsum("l,...le->...e", sigma_eff_weights_of(spec), lines)
    return np.clip(sigma_eff.max(axis=-1) / bare_se, 0.0, None)


def measured_ratio(params: GainParams, n_avg: float | None = None) -> float:
    """Measured-style gain/absorption ratio max_E(-OD_NL)/max_E OD_0 at <N> ([001] section 3.3).

    [001]: 1 without ESA, about 0.3 with ESA; measured 0.10 in CdSe cores.
    """
    return float(max(-nonlinear_absorption(params, n_avg).net.min(), 0.0))


def se_map(params: GainParams, n_values: np.ndarray | None = None) -> SEMap:
    """OD_NL(E, <N>) in units of max OD_0 on ``n_values`` (default 0..min(limit, 4), 81 rows)."""
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    n_values = np.linspace(0.0, min(limit, 4.0), 81) if n_values is None else np.asarray(n_values, dtype=float).ravel()
    if (not 1 <= n_values.size <= 1000 or not np.all(np.isfinite(n_values))
            or np.any(n_values < 0) or np.any(n_values > limit)):
        raise ValueError(f"n_values: need 1 to 1000 values in [0, {limit:g}] excitons/dot")
    energy, lines, _ = lines_for(params)
    coeff = coefficients_for(params)
    probs = occupation_probabilities(n_values, params.pump_mode, params.pump_sites, coeff.shape[0] - 1)
    od = od_spectra(probs, coeff, lines) / od0_peak(params)
    return SEMap(energy, n_values, od, gain_threshold(params))

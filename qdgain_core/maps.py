"""The (chi, eta) phase diagram and its 1-D cuts ([000] Fig. 5a-d; MODEL.md section 2).

A map holds the electronic quantities of the operating point fixed (fine structure
Delta_FS, Delta_XX, widths, T, degeneracies, doping) and varies the lattice coupling:
eta sets Delta_ph = Delta_FS / eta, hence lambda_DL = Delta_ph^2 / 2kT and the Stokes
shift Delta_SS = Delta_FS + 2 lambda. chi places the ESA at E_A - chi Delta_SS. All
points are computed at once: one FFT kernel per eta row, ESA lines placed per (eta, chi).
Rows whose Stokes shift would exceed half of E_A (emission below E_A/2: outside the
model's domain) are NaN in both maps.
"""

from __future__ import annotations

import numpy as np

from .ensemble import (
    LINE_A,
    LINE_ESA,
    LINE_SE,
    LINE_TRAP,
    LINE_XX,
    LineSet,
    bare_se_weight,
    bath_for,
    build_lines,
    coefficients_for,
    geometry_for,
    single_exciton_coefficients,
)
from .lineshapes import lattice_for_eta
from .observables import line_functionals, probe_energy_mev
from .params import THRESHOLD_METHODS, GainParams
from .results import PhaseMap
from .statistics import occupation_probabilities
from .thresholds import first_crossing, linear_criterion, search_limit

MAP_QUANTITIES = ("n_th", "sigma_ratio")
MAX_STOKES_FRACTION = 0.5
MAX_MAP_POINTS = 201 * 201
MAX_PEAK_MAP_POINTS = 81 * 81
PEAK_COARSE_POINTS = 41


def phase_maps(
    params: GainParams,
    chi_values: np.ndarray,
    eta_values: np.ndarray,
    method: str | None = None,
) -> dict[str, PhaseMap]:
    """<N_th>(chi, eta) by ``method`` and sigma_eff/sigma_SE(chi, eta), from shared lines."""
    method = params.threshold_method if method is None else method
    if method not in THRESHOLD_METHODS:
        raise ValueError(f"method: {method!r} is not one of {list(THRESHOLD_METHODS)}")
    chi = np.asarray(chi_values, dtype=float).ravel()
    eta = np.asarray(eta_values, dtype=float).ravel()
    if chi.size * eta.size > MAX_MAP_POINTS or chi.size == 0 or eta.size == 0:
        raise ValueError(f"map size: {eta.size} x {chi.size} points; allowed 1 to {MAX_MAP_POINTS} points")
    if method == "peak" and chi.size * eta.size > MAX_PEAK_MAP_POINTS:
        raise ValueError(f"map size: the peak method keeps whole spectra per point; allowed up to {MAX_PEAK_MAP_POINTS} points")
    if not (np.isfinite(chi).all() and np.isfinite(eta).all() and (eta > 0).all()):
        raise ValueError("map axes: chi must be finite and eta finite and positive")
    geometry = geometry_for(params)
    bath = bath_for(params)
    stokes_cap = MAX_STOKES_FRACTION * params.e_a_mev
    lam_dl = lattice_for_eta(geometry.fine_structure_mev, eta, bath)
    stokes = geometry.fine_structure_mev + 2.0 * (bath.lo_reorganization_mev + lam_dl)
    outside = stokes > stokes_cap
    lam_used = np.where(outside, np.maximum((stokes_cap - geometry.fine_structure_mev) / 2.0 - bath.lo_reorganization_mev, 0.0), lam_dl)
    line_set = build_lines(
        bath, params.e_a_mev, np.minimum(stokes, stokes_cap), lam_used, chi, params.xx_binding_mev, params.trap_shift_mev, params.xi
    )
    coeff = coefficients_for(params)
    limit, _ = search_limit(params.pump_mode, params.g_e, params.n_search_max)
    batch = (eta.size, chi.size)
    if method == "peak":
        n_th = _peak_thresholds(params, coeff, line_set.full(), limit)
    else:
        probe = None
        if method == "probe":
            probe = np.array([probe_energy_mev(params, e) for e in params.e_a_mev - stokes])
        integrals = _map_functionals(method, line_set, probe)
        weights = np.einsum("nl,bkl->bkn", coeff, integrals)
        n_th = first_crossing(linear_criterion(weights, params.pump_mode, params.g_e), batch, limit)
    held = {
        "fine_structure_mev": geometry.fine_structure_mev,
        "xx_binding_mev": params.xx_binding_mev,
        "temperature_k": params.temperature_k,
        "n_doped": params.n_doped,
        "lineshape_model": params.lineshape_model,
    }
    ratio = _sigma_ratios(line_set, params)
    n_th[outside] = np.nan
    ratio[outside] = np.nan
    return {
        "n_th": PhaseMap("n_th", method, chi, eta, n_th, stokes, held),
        "sigma_ratio": PhaseMap("sigma_ratio", method, chi, eta, ratio, stokes, held),
    }


EXCITON_LINES = (LINE_A, LINE_SE, LINE_XX)
ESA_LINES = (LINE_ESA, LINE_TRAP)


def _map_functionals(method: str, line_set: LineSet, probe: np.ndarray | None) -> np.ndarray:
    """Functional of every line at every map point, (B, K, 5), without materialising (B, K, 5, nE)."""
    energy, de, exciton, esa = line_set.energy_mev, line_set.de_mev, line_set.exciton_lines, line_set.esa_lines
    reference = exciton[:, EXCITON_LINES.index(LINE_SE if method == "window" else LINE_A)]
    on_exciton = line_functionals(method, energy, de, exciton, probe, reference)
    on_esa = line_functionals(
        method, energy[:, None], de[:, None], esa, None if probe is None else probe[:, None], reference[:, None]
    )
    integrals = np.empty((*esa.shape[:2], 5))
    integrals[:, :, list(EXCITON_LINES)] = on_exciton[:, None, :]
    integrals[:, :, list(ESA_LINES)] = on_esa
    return integrals


def _sigma_ratios(line_set: LineSet, params: GainParams) -> np.ndarray:
    """sigma_eff/sigma_SE at every map point from the exciton and ESA parts separately."""
    single = single_exciton_coefficients(params)
    exciton_part = np.einsum("l,ble->be", single[list(EXCITON_LINES)], line_set.exciton_lines)
    esa_part = np.einsum("l,bkle->bke", single[list(ESA_LINES)], line_set.esa_lines)
    sigma_eff = -(exciton_part[:, None, :] + esa_part)
    bare_se = line_set.exciton_lines[:, EXCITON_LINES.index(LINE_SE)].max(axis=-1) * bare_se_weight(params)
    return np.clip(sigma_eff.max(axis=-1) / bare_se[:, None], 0.0, None)


def _peak_thresholds(params: GainParams, coeff: np.ndarray, lines: np.ndarray, limit: float) -> np.ndarray:
    """Peak-method thresholds for lines (B, K, 5, nE), one x column at a time (bounded memory)."""
    sector = np.einsum("nl,bkle->bkne", coeff, lines)
    floor = params.gain_min_fraction * lines[:, :, LINE_A].max(axis=-1)
    n_max = coeff.shape[0] - 1

    def criterion(x: np.ndarray) -> np.ndarray:
        x = np.broadcast_to(x, (*lines.shape[:2], x.shape[-1]))
        out = np.empty(x.shape)
        for j in range(x.shape[-1]):
            probs = occupation_probabilities(x[..., j], params.pump_mode, params.g_e, n_max)
            out[..., j] = np.einsum("bkn,bkne->bke", probs, sector).min(axis=-1) + floor
        return out

    return first_crossing(criterion, lines.shape[:2], limit, n_coarse=PEAK_COARSE_POINTS)


def phase_map(
    params: GainParams,
    chi_values: np.ndarray,
    eta_values: np.ndarray,
    quantity: str = "n_th",
    method: str | None = None,
) -> PhaseMap:
    """One map of ``quantity`` ("n_th" or "sigma_ratio") over (chi, eta); see ``phase_maps``."""
    if quantity not in MAP_QUANTITIES:
        raise ValueError(f"quantity: {quantity!r} is not one of {list(MAP_QUANTITIES)}")
    return phase_maps(params, chi_values, eta_values, method)[quantity]


def phase_cuts(params: GainParams, chi_values: np.ndarray, eta_values: np.ndarray) -> dict[str, np.ndarray]:
    """The four 1-D cuts through the operating point ([000] Fig. 5a-d).

    Keys: chi, eta (the axes), n_th_vs_chi and ratio_vs_chi at the operating eta,
    n_th_vs_eta and ratio_vs_eta at the operating chi.
    """
    geometry = geometry_for(params)
    eta0 = geometry.eta_effective if geometry.eta_effective > 0 else params.eta
    along_chi = phase_maps(params, chi_values, [eta0])
    along_eta = phase_maps(params, [params.chi], eta_values)
    return {
        "chi": along_chi["n_th"].chi_values,
        "eta": along_eta["n_th"].eta_values,
        "n_th_vs_chi": along_chi["n_th"].values[0],
        "ratio_vs_chi": along_chi["sigma_ratio"].values[0],
        "n_th_vs_eta": along_eta["n_th"].values[:, 0],
        "ratio_vs_eta": along_eta["sigma_ratio"].values[:, 0],
    }

"""The (chi, eta) phase diagram and its 1-D cuts ([000] Fig. 5a-d; docs/model.md, phase diagram).

Along eta a map holds one of two quantities (``HOLDS``):

* ``fine_structure``: Delta_FS and everything electronic stay at the operating point's values
  and eta dresses the lattice: Delta_ph = Delta_FS/eta, lambda_DL = Delta_ph^2/2kT, so the
  Stokes shift Delta_SS = Delta_FS + 2 lambda grows as eta falls (cumulant model only);
* ``stokes``: Delta_SS stays fixed and eta repartitions it between fine structure and
  lattice (``lineshapes.solve_lattice``); the only choice in the Gaussian Simple Model.

chi places the ESA at E_A - chi Delta_SS. Every row's Stokes shift is returned with the map
(``PhaseMap.stokes_mev``), so a threshold drop resting on a huge Stokes shift is visible.
All points are computed at once: one FFT kernel per eta row, ESA lines per (eta, chi). Rows
whose Stokes shift would exceed E_A/2 (emission below E_A/2) are NaN.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .crossing import first_crossing, linear_criterion, search_limit
from .ensemble import (
    CHI_LINES,
    FIXED_LINES,
    LineSet,
    bath_for,
    biexciton_reorganization_mev,
    build_lines,
    coefficient_table,
    counting_spec,
    fractions_for,
    geometry_for,
    line_positions,
    sigma_eff_weights_of,
)
from .lineshapes import lattice_for_eta, solve_lattice
from .observables import PEAK_COARSE_POINTS, REFERENCE_WEIGHTS, peak_thresholds, probe_energy_mev
from .params import GainParams
from .results import PhaseCuts, PhaseMap
from .threshold_methods import line_functionals, method_for

MAP_QUANTITIES = ("n_th", "sigma_ratio")
HOLDS = ("fine_structure", "stokes")
MAX_STOKES_FRACTION = 0.5
MAX_MAP_POINTS = 201 * 201
MAX_PEAK_MAP_POINTS = 81 * 81


def default_hold(params: GainParams) -> str:
    """``fine_structure`` for the cumulant model, ``stokes`` for the Gaussian Simple Model (no lattice width)."""
    return "stokes" if params.lineshape_model == "gaussian" else "fine_structure"


def _row_lattice(params: GainParams, eta: np.ndarray, hold: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Delta_FS, total reorganization, kernel lambda_DL) of every eta row (meV)."""
    geometry = geometry_for(params)
    bath = bath_for(params)
    gaussian = params.lineshape_model == "gaussian"
    if hold == "fine_structure":
        lam_dl = lattice_for_eta(geometry.fine_structure_mev, eta, bath)
        return np.full(eta.shape, geometry.fine_structure_mev), bath.fixed_reorganization_mev + lam_dl, lam_dl
    solved = np.array([solve_lattice(params.stokes_mev, float(e), bath)[:2] for e in eta])
    fine, lam = solved[:, 0], solved[:, 1]
    if gaussian:
        return fine, lam, np.zeros_like(lam)
    return fine, bath.fixed_reorganization_mev + lam, lam


def phase_maps(
    params: GainParams,
    chi_values: npt.ArrayLike,
    eta_values: npt.ArrayLike,
    method: str | None = None,
    hold: str | None = None,
) -> dict[str, PhaseMap]:
    """<N_th>(chi, eta) by ``method`` and sigma_eff/sigma_SE(chi, eta), from shared lines.

    ``hold`` is "fine_structure" or "stokes" (default: ``default_hold(params)``).
    """
    method = params.threshold_method if method is None else method
    spec = method_for(method)
    hold = default_hold(params) if hold is None else hold
    if hold not in HOLDS:
        raise ValueError(f"hold: {hold!r} is not one of {list(HOLDS)}")
    if hold == "fine_structure" and params.lineshape_model == "gaussian":
        raise ValueError(
            "hold: the Gaussian Simple Model has no lattice width; its maps hold the Stokes shift ('stokes')"
        )
    chi = np.asarray(chi_values, dtype=float).ravel()
    eta = np.asarray(eta_values, dtype=float).ravel()
    if chi.size * eta.size > MAX_MAP_POINTS or chi.size == 0 or eta.size == 0:
        raise ValueError(f"map size: {eta.size} x {chi.size} points; allowed 1 to {MAX_MAP_POINTS} points")
    if not spec.linear and chi.size * eta.size > MAX_PEAK_MAP_POINTS:
        raise ValueError(
            f"map size: the {method} method keeps whole spectra per point; allowed up to {MAX_PEAK_MAP_POINTS} points"
        )
    if not (np.isfinite(chi).all() and np.isfinite(eta).all() and (eta > 0).all()):
        raise ValueError(
            f"map axes: chi must be finite and eta finite and > 0 "
            f"(got chi {chi.min():g}..{chi.max():g}, eta {eta.min():g}..{eta.max():g})"
        )
    fine, reorg, lam_dl = _row_lattice(params, eta, hold)
    stokes = fine + 2.0 * reorg
    stokes_cap = MAX_STOKES_FRACTION * params.e_a_mev
    outside = stokes > stokes_cap
    scale_down = np.where(outside, np.maximum(stokes_cap - fine, 0.0) / np.maximum(stokes - fine, 1e-12), 1.0)
    reorg_used, lam_used = reorg * scale_down, lam_dl * scale_down
    lam_xx = biexciton_reorganization_mev(params, reorg_used)
    positions = line_positions(
        params.e_a_mev, fine, reorg_used, lam_xx, chi, params.xx_binding_mev, params.trap_shift_mev,
        params.trion_binding_mev, params.high_offset_mev,
    )
    probe = None
    if spec.probe:
        probe = np.array([probe_energy_mev(params, e) for e in params.e_a_mev - fine - 2.0 * reorg_used])
    line_set = build_lines(bath_for(params), positions, lam_used, params.xi, probe_mev=probe)
    specs = [counting_spec(params, float(f)) for f in fine]
    fractions = fractions_for(params)
    coeff = np.stack([coefficient_table(s, fractions) for s in specs])
    single = np.stack([sigma_eff_weights_of(s) for s in specs])
    ground = np.stack([REFERENCE_WEIGHTS["absorption"](s) for s in specs])
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    batch = (eta.size, chi.size)
    if not spec.linear:
        n_th = _peak_thresholds(params, coeff, ground, line_set, limit)
    else:
        reference = None
        if spec.reference is not None:
            weights = np.stack([REFERENCE_WEIGHTS[spec.reference](s) for s in specs])
            reference = np.einsum("bl,ble->be", weights[:, list(FIXED_LINES)], line_set.fixed_lines)
        integrals = _map_functionals(method, line_set, probe, reference)
        weights = np.einsum("bnl,bkl->bkn", coeff, integrals)
        n_th = first_crossing(linear_criterion(weights, params.pump_mode, params.pump_sites), batch, limit)
    held = {
        "fine_structure_mev": float(fine[0]) if hold == "fine_structure" else None,
        "stokes_mev": params.stokes_mev if hold == "stokes" else None,
        "xx_binding_mev": params.xx_binding_mev,
        "temperature_k": params.temperature_k,
        "n_doped": params.n_doped,
        "lineshape_model": params.lineshape_model,
    }
    ratio = _sigma_ratios(line_set, single, np.stack([REFERENCE_WEIGHTS["emission"](s) for s in specs]))
    n_th[outside] = np.nan
    ratio[outside] = np.nan
    return {
        "n_th": PhaseMap("n_th", method, chi, eta, n_th, stokes, held, hold, fine),
        "sigma_ratio": PhaseMap("sigma_ratio", method, chi, eta, ratio, stokes, held, hold, fine),
    }


def _map_functionals(
    method: str, line_set: LineSet, probe: np.ndarray | None, reference: np.ndarray | None
) -> np.ndarray:
    """Functional of every line at every map point, (B, K, L), without materialising (B, K, L, nE)."""
    energy, de = line_set.energy_mev, line_set.de_mev
    on_fixed = line_functionals(method, energy, de, line_set.fixed_lines, probe, reference)
    on_chi = line_functionals(
        method, energy[:, None], de[:, None], line_set.chi_lines,
        None if probe is None else probe[:, None], None if reference is None else reference[:, None],
    )
    b, k = line_set.chi_lines.shape[:2]
    integrals = np.empty((b, k, len(FIXED_LINES) + len(CHI_LINES)))
    integrals[:, :, list(FIXED_LINES)] = on_fixed[:, None, :]
    integrals[:, :, list(CHI_LINES)] = on_chi
    return integrals


def _sigma_ratios(line_set: LineSet, single: np.ndarray, bare: np.ndarray) -> np.ndarray:
    """sigma_eff/sigma_SE,bare at every map point from the fixed and chi lines separately."""
    fixed_part = np.einsum("bl,ble->be", single[:, list(FIXED_LINES)], line_set.fixed_lines)
    chi_part = np.einsum("bl,bkle->bke", single[:, list(CHI_LINES)], line_set.chi_lines)
    sigma_eff = fixed_part[:, None, :] + chi_part
    bare_se = np.einsum("bl,ble->be", bare[:, list(FIXED_LINES)], line_set.fixed_lines).max(axis=-1)
    return np.clip(sigma_eff.max(axis=-1) / bare_se[:, None], 0.0, None)


PEAK_CHUNK_BYTES = 64 * 2**20


def _peak_thresholds(
    params: GainParams, coeff: np.ndarray, ground: np.ndarray, line_set: LineSet, limit: float
) -> np.ndarray:
    """Peak-method thresholds (B, K) in chunks of chi columns, so memory stays below PEAK_CHUNK_BYTES."""
    b, k, _, n_e = line_set.chi_lines.shape
    per_column = b * n_e * 8 * max(PEAK_COARSE_POINTS, coeff.shape[1] + len(FIXED_LINES) + len(CHI_LINES))
    chunk = max(1, int(PEAK_CHUNK_BYTES // per_column))
    out = np.empty((b, k))
    for start in range(0, k, chunk):
        columns = slice(start, min(start + chunk, k))
        lines = LineSet(
            line_set.energy_mev, line_set.de_mev, line_set.fixed_lines, line_set.chi_lines[:, columns]
        ).full()
        sector = np.einsum("bnl,bkle->bkne", coeff, lines)
        floor = params.gain_min_fraction * np.einsum("bl,bkle->bke", ground, lines).max(axis=-1)
        out[:, columns] = peak_thresholds(params, sector, floor, limit)
    return out


def phase_map(
    params: GainParams,
    chi_values: np.ndarray,
    eta_values: np.ndarray,
    quantity: str = "n_th",
    method: str | None = None,
    hold: str | None = None,
) -> PhaseMap:
    """One map of ``quantity`` ("n_th" or "sigma_ratio") over (chi, eta); see ``phase_maps``."""
    if quantity not in MAP_QUANTITIES:
        raise ValueError(f"quantity: {quantity!r} is not one of {list(MAP_QUANTITIES)}")
    return phase_maps(params, chi_values, eta_values, method, hold)[quantity]


def phase_cuts(
    params: GainParams, chi_values: np.ndarray, eta_values: np.ndarray, hold: str | None = None
) -> PhaseCuts:
    """The four 1-D cuts through the operating point ([000] Fig. 5a-d)."""
    geometry = geometry_for(params)
    eta0 = geometry.eta_effective if geometry.eta_effective > 0 else params.eta
    along_chi = phase_maps(params, chi_values, [eta0], hold=hold)
    along_eta = phase_maps(params, [params.chi], eta_values, hold=hold)
    return PhaseCuts(
        chi=along_chi["n_th"].chi_values,
        eta=along_eta["n_th"].eta_values,
        n_th_vs_chi=along_chi["n_th"].values[0],
        ratio_vs_chi=along_chi["sigma_ratio"].values[0],
        n_th_vs_eta=along_eta["n_th"].values[:, 0],
        ratio_vs_eta=along_eta["sigma_ratio"].values[:, 0],
        stokes_vs_eta_mev=along_eta["n_th"].stokes_mev,
        hold=along_eta["n_th"].hold,
        fine_structure_vs_eta_mev=along_eta["n_th"].fine_structure_mev,
    )

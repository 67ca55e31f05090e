"""The ensemble engine: OD_NL(E; <N>, <n>) from state filling (MODEL.md section 1).

    OD_NL = sum_n f_n sum_N P_N [U(N,n) L_up(N,n; E) - D(N,n) L_dn(N,n; E)] / (g_e g_h)

U(N,n) = max(g_e - N - n, 0) max(g_h - N, 0), D(N,n) = min(N + n, g_e) min(N, g_h)
([002] eqs. S4, S6; [000] Eq. 1). L_up is the ground-state absorption L_A for an empty dot
and the excited-state absorption L_ESA (into the biexciton / trion manifold) otherwise;
L_dn is single-exciton stimulated emission L_SE when the dot holds one electron-hole
configuration (N + n = 1) and biexciton / trion emission L_XX otherwise. Without ESA
([001] Fig. 8c-d, "uncorrelated excitons") L_up = L_A and L_dn = L_SE throughout.
Surface trapping ([000] Fig. 4a,b): a fraction 1 - PLQY of dots with N >= 1 hold a trapped
exciton: no stimulated emission, and their absorption is the ESA shifted by Delta_trap.

Because every state enters through five area-normalised lines, the whole ensemble is a
coefficient matrix C[N, line] (this module) times the lines (``lineshapes``), and the
Poisson tail can be lumped at N = max(g_e, g_h, 2) exactly (counts and lines no longer
change beyond it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .lineshapes import BathSpec, absorption_kernels, place_lines, solve_lattice, N_ENERGY_POINTS
from .params import FIELD_SPECS, GainParams
from .results import Geometry, Spectra
from .statistics import doping_fractions, occupation_probabilities

LINE_A, LINE_SE, LINE_ESA, LINE_XX, LINE_TRAP = range(5)
N_LINES = 5
DOPING_LEVELS = (0, 1, 2)
MAX_N_AVG = FIELD_SPECS["n_avg"].maximum


def transition_counts(g_e: int, g_h: int, n_excitons, n_doped, saturate: bool = True):
    """(U, D): absorptive and stimulated-emission band-edge transitions ([002] eqs. S3-S6).

    ``saturate=False`` is the unsaturated single-particle form of eq. S3/S5 (counts may go
    negative), used only to reproduce [002] Fig. S4's 4/3.
    """
    n = np.asarray(n_excitons)
    e = n + np.asarray(n_doped)
    if not saturate:
        return (g_e - e) * (g_h - n), e * n
    up = np.maximum(g_e - e, 0) * np.maximum(g_h - n, 0)
    down = np.minimum(e, g_e) * np.minimum(n, g_h)
    return up, down


def lumped_n_max(g_e: int, g_h: int) -> int:
    """Largest exciton number kept explicitly; beyond it counts and lines are constant."""
    return max(g_e, g_h, 2)


def line_coefficients(
    g_e: int,
    g_h: int,
    fractions: tuple[float, float, float],
    plqy: float = 1.0,
    include_esa: bool = True,
    n_max: int | None = None,
) -> np.ndarray:
    """C[N, line] with OD_NL(E) = sum_N P_N sum_line C[N, line] L_line(E) (MODEL.md section 1).

    Positive entries absorb, negative entries are stimulated emission; units of one
    band-edge transition of an empty dot (C[0, LINE_A] = 1 for an undoped ensemble).
    """
    n_max = lumped_n_max(g_e, g_h) if n_max is None else n_max
    coeff = np.zeros((n_max + 1, N_LINES))
    n_exc = np.arange(n_max + 1)
    rows = np.arange(n_max + 1)
    trapped = np.where(n_exc >= 1, 1.0 - plqy, 0.0)
    for n_doped, f_n in zip(DOPING_LEVELS, fractions):
        if f_n == 0.0:
            continue
        up, down = transition_counts(g_e, g_h, n_exc, n_doped)
        up, down = f_n * up / (g_e * g_h), f_n * down / (g_e * g_h)
        carriers = n_exc + n_doped
        up_line = np.where((carriers > 0) & include_esa, LINE_ESA, LINE_A)
        down_line = np.where((carriers > 1) & include_esa, LINE_XX, LINE_SE)
        np.add.at(coeff, (rows, up_line), (1.0 - trapped) * up)
        np.add.at(coeff, (rows, down_line), -(1.0 - trapped) * down)
        np.add.at(coeff, (rows, LINE_TRAP if include_esa else LINE_A), trapped * up)
    return coeff


def fractions_for(params: GainParams) -> tuple[float, float, float]:
    """Doping fractions (f0, f1, f2) of the parameter set ([002] eqs. S9-S16)."""
    return doping_fractions(params.n_doped, params.charging_energy_mev, params.doping_temperature_k, params.sigma_1s_mv)


def coefficients_for(params: GainParams, fractions: tuple[float, float, float] | None = None) -> np.ndarray:
    """``line_coefficients`` of the parameter set (doping from ``params.n_doped`` unless given)."""
    fractions = fractions_for(params) if fractions is None else fractions
    return line_coefficients(params.g_e, params.g_h, fractions, params.plqy, params.include_esa)


def single_exciton_coefficients(params: GainParams) -> np.ndarray:
    """Line coefficients (5,) of a dot holding exactly one exciton and no extra electron."""
    return line_coefficients(params.g_e, params.g_h, (1.0, 0.0, 0.0), params.plqy, params.include_esa)[1]


def bare_se_weight(params: GainParams) -> float:
    """D(1,0)/(g_e g_h): weight of the bare (Einstein-limited, untrapped) single-exciton SE line."""
    return float(transition_counts(params.g_e, params.g_h, 1, 0)[1]) / (params.g_e * params.g_h)


def bath_for(params: GainParams) -> BathSpec:
    """Lineshape settings of the parameter set."""
    return BathSpec(
        model=params.lineshape_model,
        temperature_k=params.temperature_k,
        lo_phonon_mev=params.lo_phonon_mev,
        huang_rhys=params.huang_rhys,
        bath_cutoff_mev=params.bath_cutoff_mev,
        homogeneous_fwhm_mev=params.homogeneous_fwhm_mev,
        inhomogeneous_fwhm_mev=params.inhomogeneous_fwhm_mev,
        gaussian_fwhm_mev=params.gaussian_fwhm_mev,
    )


@dataclass(frozen=True)
class LineSet:
    """Area-normalised lines of a batch of parameter points on their own energy grids.

    ``energy_mev`` (B, nE); ``exciton_lines`` (B, 3, nE) for A, SE, XX (independent of chi);
    ``esa_lines`` (B, K, 2, nE) for ESA and trap-ESA at K chi values; ``de_mev`` (B,).
    """

    energy_mev: np.ndarray
    de_mev: np.ndarray
    exciton_lines: np.ndarray
    esa_lines: np.ndarray

    def full(self) -> np.ndarray:
        """All five lines in LINE_* order, shape (B, K, 5, nE)."""
        b, k = self.esa_lines.shape[:2]
        exc = np.broadcast_to(self.exciton_lines[:, None], (b, k, 3, self.energy_mev.shape[1]))
        return np.concatenate(
            [exc[:, :, 0:2], self.esa_lines[:, :, 0:1], exc[:, :, 2:3], self.esa_lines[:, :, 1:2]], axis=2
        )


def build_lines(
    bath: BathSpec,
    e_a_mev: float,
    stokes_mev: np.ndarray,
    lam_dl_mev: np.ndarray,
    chi: np.ndarray,
    xx_binding_mev: float,
    trap_shift_mev: float,
    xi: float,
    n_e: int = N_ENERGY_POINTS,
) -> LineSet:
    """Lines for B lattice points (``stokes_mev``, ``lam_dl_mev`` of shape (B,)) and K chi values.

    First-moment positions (MODEL.md section 2): A at E_A, SE at E_A - Delta_SS, ESA at
    E_A - chi Delta_SS, XX emission at E_A - Delta_SS - Delta_XX, trap ESA Delta_trap below
    the ESA. ESA and XX emission carry the bath scaled by rho = (xi - 1)^2 (section 3).
    """
    stokes = np.atleast_1d(np.asarray(stokes_mev, dtype=float))
    lam = np.atleast_1d(np.asarray(lam_dl_mev, dtype=float))
    chi = np.atleast_1d(np.asarray(chi, dtype=float))
    rho = (xi - 1.0) ** 2
    se = e_a_mev - stokes
    xx = se - xx_binding_mev
    esa = e_a_mev - chi[None, :] * stokes[:, None]
    trap = esa - trap_shift_mev
    margin = 7.0 * bath.width_sigma_mev(lam) + 4.0 * bath.homogeneous_fwhm_mev + 10.0
    lowest = np.minimum(np.minimum(se, xx), trap.min(axis=1))
    highest = np.maximum(np.maximum(e_a_mev, xx), esa.max(axis=1))
    e_lo = lowest - margin
    de = (highest + margin - e_lo) / (n_e - 1)
    energy = e_lo[:, None] + de[:, None] * np.arange(n_e)[None, :]
    k_exc = absorption_kernels(lam, de, 1.0, bath)
    k_xx = k_exc if rho == 1.0 else absorption_kernels(lam, de, rho, bath)
    exciton = np.concatenate(
        [
            place_lines(k_exc, np.full((len(stokes), 1), e_a_mev), e_lo, de, emission=False, n_e=n_e),
            place_lines(k_exc, se[:, None], e_lo, de, emission=True, n_e=n_e),
            place_lines(k_xx, xx[:, None], e_lo, de, emission=True, n_e=n_e),
        ],
        axis=1,
    )
    esa_lines = np.stack(
        [
            place_lines(k_xx, esa, e_lo, de, emission=False, n_e=n_e),
            place_lines(k_xx, trap, e_lo, de, emission=False, n_e=n_e),
        ],
        axis=2,
    )
    return LineSet(energy, de, exciton, esa_lines)


def geometry_for(params: GainParams) -> Geometry:
    """Solve the level scheme of the parameter set (MODEL.md section 2)."""
    bath = bath_for(params)
    fine, lam_dl, eta_eff, note = solve_lattice(params.stokes_mev, params.eta, bath)
    reorg = bath.lo_reorganization_mev + lam_dl
    stokes = fine + 2.0 * reorg if params.lineshape_model == "cumulant" else params.stokes_mev
    phonon = float(np.sqrt(bath.bath_variance_per_lambda_mev * lam_dl))
    stokes = float(stokes)
    esa = params.e_a_mev - params.chi * stokes
    return Geometry(
        fine_structure_mev=float(fine),
        reorganization_mev=float(reorg),
        phonon_width_mev=phonon,
        stokes_mev=float(stokes),
        eta_effective=float(eta_eff),
        absorption_mev=params.e_a_mev,
        emission_mev=params.e_a_mev - stokes,
        esa_mev=esa,
        biexciton_emission_mev=params.e_a_mev - stokes - params.xx_binding_mev,
        trap_esa_mev=esa - params.trap_shift_mev,
        note=note,
    )


@functools.lru_cache(maxsize=64)
def lines_for(params: GainParams) -> tuple[np.ndarray, np.ndarray, Geometry]:
    """Energy grid (nE,), the five lines (5, nE) and the geometry at the operating point.

    Cached on the (hashable) parameters; the returned arrays are read-only.
    """
    geometry = geometry_for(params)
    bath = bath_for(params)
    lam_dl = geometry.reorganization_mev - bath.lo_reorganization_mev
    lines = build_lines(
        bath,
        params.e_a_mev,
        np.array([geometry.stokes_mev]),
        np.array([lam_dl]),
        np.array([params.chi]),
        params.xx_binding_mev,
        params.trap_shift_mev,
        params.xi,
    )
    energy, full = lines.energy_mev[0], np.ascontiguousarray(lines.full()[0, 0])
    energy.flags.writeable = False
    full.flags.writeable = False
    return energy, full, geometry


def od_spectra(probabilities: np.ndarray, coeff: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """OD_NL(E) for rows of occupation probabilities: (..., N) x (N, L) x (L, nE) -> (..., nE)."""
    return probabilities @ (coeff @ lines)


def nonlinear_absorption(params: GainParams, n_avg: float | None = None) -> Spectra:
    """OD_NL(E; <N>, <n>) and its parts at <N> = ``n_avg`` (default ``params.n_avg``).

    Units of max OD_0 (MODEL.md section 1). The parts are ground-state absorption
    (line A), excited-state absorption (ESA and trap ESA), single-exciton stimulated
    emission (SE) and biexciton / trion emission (XX); ``net`` is their signed sum.
    Also returns the single-dot cross sections sigma_SE, sigma_ESA and
    sigma_eff = sigma_SE - sigma_ESA of a singly excited, undoped dot ([000] Eq. 5).
    """
    n_avg = params.n_avg if n_avg is None else float(n_avg)
    if not 0.0 <= n_avg <= MAX_N_AVG:
        raise ValueError(f"n_avg: {n_avg!r} is outside the allowed range [0, {MAX_N_AVG:g}] excitons/dot")
    energy, lines, geometry = lines_for(params)
    coeff = coefficients_for(params)
    probs = occupation_probabilities(np.array(n_avg), params.pump_mode, params.g_e, coeff.shape[0] - 1)
    weights = probs @ coeff
    scale = 1.0 / lines[LINE_A].max()
    parts = weights[:, None] * lines * scale
    single = single_exciton_coefficients(params)
    sigma_se = bare_se_weight(params) * lines[LINE_SE] * scale
    sigma_loss = (single[:, None] * lines).clip(min=0.0).sum(axis=0) * scale
    sigma_eff = -(single @ lines) * scale
    return Spectra(
        energy_mev=energy,
        n_avg=n_avg,
        n_doped=params.n_doped,
        linear_absorption=lines[LINE_A] * scale,
        ground_state_absorption=parts[LINE_A],
        excited_state_absorption=parts[LINE_ESA] + parts[LINE_TRAP],
        stimulated_emission=-parts[LINE_SE],
        biexciton_emission=-parts[LINE_XX],
        net=parts.sum(axis=0),
        sigma_se=sigma_se,
        sigma_esa=sigma_loss,
        sigma_eff=sigma_eff,
        geometry=geometry,
    )

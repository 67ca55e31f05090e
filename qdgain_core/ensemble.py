"""The ensemble engine: OD_NL(E; <N>, <n>) from state filling (docs/model.md, "One engine").

    OD_NL(E) = sum_n f_n sum_N P_N sum_lines c_line(N, n) L_line(E)

with c > 0 absorbing, c < 0 stimulated emission and every L area-normalised. The counts of
absorbing (U) and emitting (D) band-edge transitions come from one of two schemes
(``COUNTING_RULES``): ``transitions`` ([002] eqs. S1-S6: U = max(g_e-N-n,0) max(g_h-N,0),
D = min(N+n,g_e) min(N,g_h), over g_e g_h) or ``sites`` ([001] section 3.3: g sites,
U = max(g-N-n,0), D = min(N,g), over g).

Which line a transition uses follows the Einstein partners (docs/model.md):

* an empty dot absorbs on X_A (line A at E_A) and on the emitting fine-structure state X_E
  (line A_E at E_A - Delta_FS, relative strength r_E);
* a dot holding one exciton emits from its exciton manifold: thermalized (Boltzmann weights
  times strengths, so the manifold obeys Kennard-Stepanov) or, with ``thermalize=False``,
  only from X_E with the strength of its own absorption partner (the idealized 3LS of [001]);
* with ESA ([000] Eq. 5) a dot holding excitons absorbs into the biexciton (ESA at
  E_A - chi Delta_SS) and, holding two or more, emits on the biexciton line XX at
  E_A - Delta_SS - Delta_XX; chi and Delta_XX are independent inputs as in [000] and [001].
  The Einstein partner of XX emission, the absorption of a singly excited dot into the
  emitting biexciton state (ESA_E, 2 lambda_XX above XX), takes the share
  r_XX / (1 + r_XX) of that dot's excited-state absorption (``xx_strength``; 0 = the
  papers' phenomenology, no partner); charged dots
  absorb on the trion line (E_A - Delta_T) when empty and emit on the trion line
  (E_A - Delta_T - 2 lambda: the trion has no exchange fine structure, so its pair is displaced
  by the lattice only) when excited; without ESA ([001] Fig. 8c-d) there are no correlation
  shifts: every dot uses the ground-state and single-exciton lines;
* trapping ([000] Fig. 4a,b): a fraction 1 - PLQY of excited dots has no stimulated
  emission and absorbs on the trap-ESA line;
* an optional second transition (the 1S(e)-2S3/2(h) "2S" of [002]) takes the holes beyond
  g_h, shares the 1S(e) electrons and has its own lines.

The ensemble is a coefficient matrix C[N, line] (this module) times the lines
(``lineshapes``); the Poisson tail is lumped exactly at the N beyond which nothing changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from .constants import K_B_MEV_PER_K
from .lineshapes import N_ENERGY_POINTS, BathSpec, absorption_kernels, place_lines, solve_lattice
from .params import COUNTING_SCHEMES, FIELD_SPECS, GainParams
from .results import Geometry, Spectra
from .statistics import doping_fractions, occupation_probabilities

LINE_NAMES = ("A", "A_E", "SE_A", "SE_E", "XX", "ESA_E", "TRION_A", "TRION_SE", "HIGH_A", "HIGH_SE", "ESA", "TRAP")
(LINE_A, LINE_A_E, LINE_SE_A, LINE_SE_E, LINE_XX, LINE_ESA_E, LINE_TRION_A, LINE_TRION_SE, LINE_HIGH_A, LINE_HIGH_SE,
 LINE_ESA, LINE_TRAP) = range(len(LINE_NAMES))
N_LINES = len(LINE_NAMES)
CHI_LINES = (LINE_ESA, LINE_TRAP)
FIXED_LINES = tuple(i for i in range(N_LINES) if i not in CHI_LINES)
assert tuple(range(len(FIXED_LINES))) == FIXED_LINES, "chi-dependent lines must come last"
EMISSION_LINES = (LINE_SE_A, LINE_SE_E, LINE_XX, LINE_TRION_SE, LINE_HIGH_SE)
BIEXCITON_LINES = (LINE_XX, LINE_ESA_E, LINE_ESA, LINE_TRAP)
EXCITED_ABSORPTION = (LINE_ESA, LINE_ESA_E, LINE_TRAP)
GROUND_LINES = (LINE_A, LINE_A_E)
EXCITON_EMISSION = (LINE_SE_A, LINE_SE_E)
DOPING_LEVELS = (0, 1, 2)
_N_AVG_MAXIMUM = FIELD_SPECS["n_avg"].maximum
assert _N_AVG_MAXIMUM is not None, "n_avg needs an upper bound"
MAX_N_AVG: float = _N_AVG_MAXIMUM


def _transition_counts_rule(spec: CountingSpec, n_exc: np.ndarray, n_doped: int) -> tuple[np.ndarray, np.ndarray]:
    return transition_counts(spec.g_e, spec.g_h, n_exc, n_doped)


def _site_counts_rule(spec: CountingSpec, n_exc: np.ndarray, n_doped: int) -> tuple[np.ndarray, np.ndarray]:
    return site_counts(spec.sites, n_exc, n_doped)


COUNTING_RULES: Mapping[str, Callable[[CountingSpec, np.ndarray, int], tuple[np.ndarray, np.ndarray]]] = (
    MappingProxyType({"transitions": _transition_counts_rule, "sites": _site_counts_rule})
)
assert set(COUNTING_RULES) == set(COUNTING_SCHEMES), "every counting scheme needs a counting rule"


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


def site_counts(sites: int, n_excitons, n_doped):
    """(U, D) of the sites scheme ([001] section 3.3): g - N - n absorbing and min(N, g) emitting sites.

    Extra electrons block sites but, without holes, add no emission in this scheme.
    """
    n = np.asarray(n_excitons)
    up = np.maximum(sites - n - np.asarray(n_doped), 0)
    down = np.minimum(n, sites)
    return up, down


def high_transition_counts(g_e: int, g_h: int, high_g_h: int, n_excitons, n_doped):
    """(U2, D2) of the second transition: holes beyond g_h fill it, electrons are the shared 1S(e)."""
    n = np.asarray(n_excitons)
    e = n + np.asarray(n_doped)
    holes = np.maximum(n - g_h, 0)
    up = np.maximum(g_e - e, 0) * np.maximum(high_g_h - holes, 0)
    down = np.minimum(e, g_e) * np.minimum(holes, high_g_h)
    return up, down


@dataclass(frozen=True)
class CountingSpec:
    """Everything the coefficient matrix depends on (hashable; built by ``counting_spec``).

    ``ground_split`` are the strengths of one absorbing transition on (A, A_E);
    ``emission_split`` those of one emitting transition on (SE_A, SE_E); ``excited_strength``
    that of one ESA, XX, trap or trion transition; an excited dot's absorbing transition is
    split ``biexciton_split`` (shares summing to 1) on (ESA, ESA_E).
    """

    scheme: str
    g_e: int
    g_h: int
    sites: int
    plqy: float
    include_esa: bool
    ground_split: tuple[float, float]
    emission_split: tuple[float, float]
    excited_strength: float
    biexciton_split: tuple[float, float]
    high_g_h: int
    high_strength: float
    high_on: bool

    @property
    def normalization(self) -> int:
        """Transitions (or sites) of an empty dot: the unit of every coefficient."""
        return self.sites if self.scheme == "sites" else self.g_e * self.g_h

    @property
    def n_max(self) -> int:
        """Largest exciton number kept explicitly; beyond it counts and lines are constant."""
        if self.scheme == "sites":
            return max(self.sites, 2)
        return max(self.g_e, self.g_h + (self.high_g_h if self.high_on else 0), 2)


def fine_structure_strengths(xe_strength: float, fine_structure_mev: float, temperature_k: float, thermalize: bool):
    """(ground_split, emission_split, excited_strength) of the exciton manifold (docs/model.md).

    Thermalized: a transition's absorption is split 1/(1+r_E) on X_A and r_E/(1+r_E) on X_E,
    and an emitting transition emits with unit strength over the manifold with Boltzmann
    weights w_i ~ a_i exp(-E_i/kT), so the manifold obeys Kennard-Stepanov and `total` is
    counting. Not thermalized (the idealized 3LS of [001]): the strengths of the states
    themselves, X_A 1 and X_E r_E, with all emission from X_E at its own strength r_E (and the
    excited-dot lines at r_E), so that the lasing transition X_E <-> G has B12 = B21 with the
    populated ground state below it.
    """
    r = float(xe_strength)
    if not thermalize:
        return (1.0, r), (0.0, r), r
    a_a, a_e = 1.0 / (1.0 + r), r / (1.0 + r)
    boltzmann = np.exp(-fine_structure_mev / (K_B_MEV_PER_K * temperature_k))
    w_a = a_a * boltzmann / (a_a * boltzmann + a_e)
    return (a_a, a_e), (float(w_a), float(1.0 - w_a)), 1.0


def counting_spec(params: GainParams, fine_structure_mev: float | None = None) -> CountingSpec:
    """The counting and strength settings of ``params`` (fine structure from the geometry unless given)."""
    fine = geometry_for(params).fine_structure_mev if fine_structure_mev is None else fine_structure_mev
    ground, emission, excited = fine_structure_strengths(
        params.xe_strength, fine, params.temperature_k, params.thermalize
    )
    partner = params.xx_strength / (1.0 + params.xx_strength)
    return CountingSpec(
        scheme=params.counting,
        g_e=params.g_e,
        g_h=params.g_h,
        sites=params.sites,
        plqy=params.plqy,
        include_esa=params.include_esa,
        ground_split=ground,
        emission_split=emission,
        excited_strength=excited,
        biexciton_split=(1.0 - partner, partner),
        high_g_h=params.high_g_h,
        high_strength=params.high_strength,
        high_on=params.high_offset_mev is not None and params.counting == "transitions",
    )


@functools.lru_cache(maxsize=256)
def _coefficients(spec: CountingSpec, fractions: tuple[float, float, float], n_max: int) -> np.ndarray:
    coeff = np.zeros((n_max + 1, N_LINES))
    n_exc = np.arange(n_max + 1)
    excited = n_exc >= 1
    trapped = np.where(excited, 1.0 - spec.plqy, 0.0)
    norm = float(spec.normalization)
    ground = np.zeros(N_LINES)
    ground[list(GROUND_LINES)] = spec.ground_split
    exciton_emission = np.zeros(N_LINES)
    exciton_emission[list(EXCITON_EMISSION)] = spec.emission_split
    ground_total = sum(spec.ground_split)
    s_x = spec.excited_strength
    excited_absorption = np.zeros(N_LINES)
    excited_absorption[[LINE_ESA, LINE_ESA_E]] = s_x * np.asarray(spec.biexciton_split)

    def unit(line: int, strength: float) -> np.ndarray:
        row = np.zeros(N_LINES)
        row[line] = strength
        return row

    for n_doped, f_n in zip(DOPING_LEVELS, fractions, strict=True):
        if f_n == 0.0:
            continue
        up, down = COUNTING_RULES[spec.scheme](spec, n_exc, n_doped)
        up, down = f_n * up / norm, f_n * down / norm
        if spec.include_esa:
            empty_line = ground if n_doped == 0 else unit(LINE_TRION_A, ground_total)
            up_lines = np.where(excited[:, None], excited_absorption[None, :], empty_line[None, :])
            if n_doped == 0:
                single = (n_exc == 1)[:, None]
                down_lines = np.where(single, exciton_emission[None, :], unit(LINE_XX, s_x)[None, :])
            else:
                down_lines = np.broadcast_to(unit(LINE_TRION_SE, s_x), (n_max + 1, N_LINES))
            trap_lines = unit(LINE_TRAP, s_x)[None, :]
        else:
            up_lines = np.broadcast_to(ground, (n_max + 1, N_LINES))
            down_lines = np.broadcast_to(exciton_emission, (n_max + 1, N_LINES))
            trap_lines = ground[None, :]
        coeff += ((1.0 - trapped) * up)[:, None] * up_lines
        coeff += (trapped * up)[:, None] * trap_lines
        coeff -= ((1.0 - trapped) * down)[:, None] * down_lines
        if spec.high_on:
            up2, down2 = high_transition_counts(spec.g_e, spec.g_h, spec.high_g_h, n_exc, n_doped)
            coeff[:, LINE_HIGH_A] += f_n * spec.high_strength * up2 / norm
            coeff[:, LINE_HIGH_SE] -= f_n * spec.high_strength * (1.0 - trapped) * down2 / norm
    coeff.flags.writeable = False
    return coeff


def coefficient_table(
    spec: CountingSpec, fractions: tuple[float, float, float], n_max: int | None = None
) -> np.ndarray:
    """C[N, line] with OD_NL(E) = sum_N P_N sum_line C[N, line] L_line(E) (read-only).

    Positive entries absorb, negative entries are stimulated emission; units of one
    band-edge transition (or site) of an empty dot.
    """
    n_max = spec.n_max if n_max is None else n_max
    return _coefficients(spec, tuple(float(f) for f in fractions), int(n_max))


def fractions_for(params: GainParams) -> tuple[float, float, float]:
    """Doping fractions (f0, f1, f2) of the parameter set ([002] eqs. S9-S16)."""
    return doping_fractions(params.n_doped, params.charging_energy_mev, params.doping_temperature_k, params.sigma_1s_mv)


def coefficients_for(
    params: GainParams, fractions: tuple[float, float, float] | None = None, n_max: int | None = None
) -> np.ndarray:
    """``coefficient_table`` of the parameter set (doping from ``params.n_doped`` unless given)."""
    fractions = fractions_for(params) if fractions is None else fractions
    return coefficient_table(counting_spec(params), fractions, n_max)


UNDOPED = (1.0, 0.0, 0.0)


SIGMA_EFF_MASK = np.isin(np.arange(N_LINES), EMISSION_LINES + EXCITED_ABSORPTION)


def sigma_eff_weights_of(spec: CountingSpec) -> np.ndarray:
    """(L,) weights of sigma_eff = sigma_SE - sigma_ESA of a singly excited, undoped dot ([000] Eq. 5).

    sigma_SE is its stimulated emission (PLQY included), sigma_ESA its excited-state
    absorption (ESA and trap ESA); absorption it still has on ground-state lines is
    bleach-limited absorption of the ensemble, not ESA (so without ESA sigma_eff = sigma_SE).
    """
    return np.where(SIGMA_EFF_MASK, -coefficient_table(spec, UNDOPED)[1], 0.0)


def ground_coefficients(params: GainParams) -> np.ndarray:
    """Line coefficients (L,) of an empty, undoped dot: OD_0 = ground @ lines."""
    return coefficient_table(counting_spec(params), UNDOPED)[0]


def bare_se_weights(params: GainParams) -> np.ndarray:
    """(L,) weights of the bare (untrapped) single-exciton stimulated emission, positive."""
    return bare_se_weights_of(counting_spec(params))


def bare_se_weights_of(spec: CountingSpec) -> np.ndarray:
    """``bare_se_weights`` for a counting spec (maps build one per row)."""
    down = COUNTING_RULES[spec.scheme](spec, np.array(1), 0)[1]
    weights = np.zeros(N_LINES)
    weights[list(EXCITON_EMISSION)] = np.asarray(spec.emission_split) * float(down) / spec.normalization
    return weights


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

    ``energy_mev`` (B, nE); ``fixed_lines`` (B, len(FIXED_LINES), nE), independent of chi;
    ``chi_lines`` (B, K, len(CHI_LINES), nE) for ESA and trap ESA at K chi values; ``de_mev`` (B,).
    """

    energy_mev: np.ndarray
    de_mev: np.ndarray
    fixed_lines: np.ndarray
    chi_lines: np.ndarray

    def full(self) -> np.ndarray:
        """All lines in LINE_* order, shape (B, K, L, nE)."""
        b, k = self.chi_lines.shape[:2]
        fixed = np.broadcast_to(self.fixed_lines[:, None], (b, k, len(FIXED_LINES), self.energy_mev.shape[1]))
        return np.concatenate([fixed, self.chi_lines], axis=2)


@dataclass(frozen=True)
class LinePositions:
    """First-moment energies (meV) of every line for B lattice points; ESA and trap have a chi axis (B, K)."""

    fixed: np.ndarray
    chi: np.ndarray


def line_positions(
    e_a_mev: float,
    fine_structure_mev: npt.ArrayLike,
    reorganization_mev: npt.ArrayLike,
    biexciton_reorganization_mev: npt.ArrayLike,
    chi: npt.ArrayLike,
    xx_binding_mev: float,
    trap_shift_mev: float,
    trion_binding_mev: float,
    high_offset_mev: float | None,
) -> LinePositions:
    """Where every line sits (docs/model.md, level schemes): partners 2 lambda apart.

    A at E_A, A_E at E_A - Delta_FS, their emission 2 lambda lower (SE_E at E_A - Delta_SS),
    XX at E_A - Delta_SS - Delta_XX, trion absorption at E_A - Delta_T and emission at
    E_A - Delta_T - 2 lambda, the second transition at E_A + offset, ESA at E_A - chi Delta_SS and the
    trap ESA Delta_trap below it; the partner of XX emission (ESA_E) 2 lambda_XX above XX.
    """
    fine = np.atleast_1d(np.asarray(fine_structure_mev, dtype=float))
    lam = np.atleast_1d(np.asarray(reorganization_mev, dtype=float))
    lam_xx = np.broadcast_to(np.asarray(biexciton_reorganization_mev, dtype=float), lam.shape)
    stokes = fine + 2.0 * lam
    e_a = np.full_like(fine, e_a_mev)
    se_e = e_a - stokes
    high = e_a + (0.0 if high_offset_mev is None else high_offset_mev)
    xx = se_e - xx_binding_mev
    fixed = np.stack(
        [e_a, e_a - fine, e_a - 2.0 * lam, se_e, xx, xx + 2.0 * lam_xx,
         e_a - trion_binding_mev, e_a - trion_binding_mev - 2.0 * lam, high, high - 2.0 * lam],
        axis=1,
    )
    esa = e_a_mev - np.asarray(chi, dtype=float)[None, :] * stokes[:, None]
    return LinePositions(fixed, np.stack([esa, esa - trap_shift_mev], axis=2))


PROBE_MARGIN_MEV = 5.0


def build_lines(
    bath: BathSpec,
    positions: LinePositions,
    lam_dl_mev: np.ndarray,
    xi: float,
    n_e: int = N_ENERGY_POINTS,
    probe_mev: np.ndarray | None = None,
) -> LineSet:
    """Lines at ``positions`` for B lattice points (``lam_dl_mev`` (B,)) and K chi values.

    Exciton lines carry the full bath, ESA, trap ESA and XX emission the bath scaled by
    rho = (xi - 1)^2 (docs/model.md). Emission lines are the mirror of the absorption kernel.
    The grid spans every line and, when given, the probe energy of each point (B,).
    """
    lam = np.atleast_1d(np.asarray(lam_dl_mev, dtype=float))
    rho = (xi - 1.0) ** 2
    fixed, chi = positions.fixed, positions.chi
    margin = 7.0 * bath.width_sigma_mev(lam) + 10.0
    e_lo = np.minimum(fixed.min(axis=1), chi.min(axis=(1, 2))) - margin
    e_hi = np.maximum(fixed.max(axis=1), chi.max(axis=(1, 2))) + margin
    if probe_mev is not None:
        probe = np.broadcast_to(np.asarray(probe_mev, dtype=float), e_lo.shape)
        e_lo = np.minimum(e_lo, probe - PROBE_MARGIN_MEV)
        e_hi = np.maximum(e_hi, probe + PROBE_MARGIN_MEV)
    de = (e_hi - e_lo) / (n_e - 1)
    energy = e_lo[:, None] + de[:, None] * np.arange(n_e)[None, :]
    k_exc = absorption_kernels(lam, de, 1.0, bath, 2 * n_e)
    k_xx = k_exc if rho == 1.0 else absorption_kernels(lam, de, rho, bath, 2 * n_e)
    fixed_lines = np.empty((lam.size, len(FIXED_LINES), n_e))
    for emission in (False, True):
        for kernel, kind in ((k_exc, False), (k_xx, True)):
            chosen = [i for i in FIXED_LINES if (i in EMISSION_LINES) == emission and (i in BIEXCITON_LINES) == kind]
            if chosen:
                fixed_lines[:, chosen] = place_lines(kernel, fixed[:, chosen], e_lo, de, emission=emission, n_e=n_e)
    b, k = chi.shape[:2]
    chi_lines = np.empty((b, k, len(CHI_LINES), n_e))
    for emission in (False, True):
        chosen = [j for j, i in enumerate(CHI_LINES) if (i in EMISSION_LINES) == emission]
        placed = place_lines(k_xx, chi[:, :, chosen].reshape(b, k * len(chosen)), e_lo, de, emission=emission, n_e=n_e)
        chi_lines[:, :, chosen] = placed.reshape(b, k, len(chosen), n_e)
    return LineSet(energy, de, fixed_lines, chi_lines)


@functools.lru_cache(maxsize=256)
def geometry_for(params: GainParams) -> Geometry:
    """Solve the level scheme of the parameter set (docs/model.md, level schemes)."""
    bath = bath_for(params)
    fine, lam_solved, eta_eff, note = solve_lattice(params.stokes_mev, params.eta, bath)
    gaussian = params.lineshape_model == "gaussian"
    reorg = lam_solved if gaussian else bath.fixed_reorganization_mev + lam_solved
    stokes = float(fine + 2.0 * reorg)
    phonon = bath.gaussian_sigma_mev if gaussian else float(np.sqrt(bath.bath_variance_per_lambda_mev * lam_solved))
    lam_xx = float(biexciton_reorganization_mev(params, reorg))
    positions = line_positions(params.e_a_mev, fine, reorg, lam_xx, np.array([params.chi]), params.xx_binding_mev,
                               params.trap_shift_mev, params.trion_binding_mev, params.high_offset_mev)
    at = {name: float(positions.fixed[0, i]) for name, i in zip(LINE_NAMES, FIXED_LINES, strict=False)}
    at.update({LINE_NAMES[i]: float(positions.chi[0, 0, j]) for j, i in enumerate(CHI_LINES)})
    return Geometry(
        fine_structure_mev=float(fine),
        reorganization_mev=float(reorg),
        phonon_width_mev=float(phonon),
        stokes_mev=stokes,
        eta_effective=float(eta_eff),
        absorption_mev=at["A"],
        emission_mev=at["SE_E"],
        esa_mev=at["ESA"],
        biexciton_emission_mev=at["XX"],
        trap_esa_mev=at["TRAP"],
        note=note,
        fine_structure_absorption_mev=at["A_E"],
        trion_absorption_mev=at["TRION_A"],
        trion_emission_mev=at["TRION_SE"],
        high_absorption_mev=None if params.high_offset_mev is None else at["HIGH_A"],
        biexciton_partner_mev=at["ESA_E"],
        biexciton_reorganization_mev=lam_xx,
    )


def biexciton_reorganization_mev(params: GainParams, reorganization_mev):
    """lambda_XX of the biexciton lines (meV): rho (lambda_LO + lambda_DL) + lambda_h, rho = (xi - 1)^2.

    The Simple Model has one displacement for every line pair (lambda itself).
    """
    if params.lineshape_model == "gaussian":
        return reorganization_mev
    bath = bath_for(params)
    rho = (params.xi - 1.0) ** 2
    homogeneous = bath.homogeneous_reorganization_mev
    return rho * (np.asarray(reorganization_mev) - homogeneous) + homogeneous


def lattice_width_mev(params: GainParams, geometry: Geometry) -> float:
    """lambda_DL of the kernels (meV): the bath reorganization eta controls (0 in the Simple Model)."""
    if params.lineshape_model == "gaussian":
        return 0.0
    return geometry.reorganization_mev - bath_for(params).fixed_reorganization_mev


def positions_for(params: GainParams, geometry: Geometry) -> LinePositions:
    """Line positions of the operating point."""
    return line_positions(
        params.e_a_mev,
        geometry.fine_structure_mev,
        geometry.reorganization_mev,
        geometry.biexciton_reorganization_mev,
        np.array([params.chi]),
        params.xx_binding_mev,
        params.trap_shift_mev,
        params.trion_binding_mev,
        params.high_offset_mev,
    )


@functools.lru_cache(maxsize=64)
def lines_for(params: GainParams) -> tuple[np.ndarray, np.ndarray, Geometry]:
    """Energy grid (nE,), all lines (L, nE) in LINE_* order and the geometry at the operating point.

    Cached on the (hashable) parameters; the returned arrays are read-only.
    """
    geometry = geometry_for(params)
    probe = None if params.probe_detuning_mev is None else np.array([params.e_a_mev + params.probe_detuning_mev])
    width = np.array([lattice_width_mev(params, geometry)])
    lines = build_lines(bath_for(params), positions_for(params, geometry), width, params.xi, probe_mev=probe)
    energy, full = lines.energy_mev[0], np.ascontiguousarray(lines.full()[0, 0])
    energy.flags.writeable = False
    full.flags.writeable = False
    return energy, full, geometry


def clear_caches() -> None:
    """Empty the per-process caches of lines, geometries, coefficients and quadratures (benchmarks: cold runs)."""
    from .crossing import _grid_probabilities
    from .statistics import _disorder_quadrature

    for cached in (lines_for, geometry_for, _coefficients, _grid_probabilities, _disorder_quadrature):
        cached.cache_clear()


def od0_peak(params: GainParams) -> float:
    """max_E OD_0(E) of the undoped, unexcited ensemble in line units (the unit of every spectrum)."""
    _, lines, _ = lines_for(params)
    return float((ground_coefficients(params) @ lines).max())


def od_spectra(probabilities: np.ndarray, coeff: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """OD_NL(E) for rows of occupation probabilities: (..., N) x (N, L) x (L, nE) -> (..., nE)."""
    return probabilities @ (coeff @ lines)


def nonlinear_absorption(params: GainParams, n_avg: float | None = None) -> Spectra:
    """OD_NL(E; <N>, <n>) and its parts at <N> = ``n_avg`` (default ``params.n_avg``).

    Units of max OD_0. The parts are ground-state absorption (A, A_E, trion and second
    transition absorption), excited-state absorption (ESA and trap ESA), single-exciton
    stimulated emission (the exciton manifold) and multi-carrier emission (XX, trion, second
    transition); ``net`` is their signed sum. Also returns the cross sections of a singly
    excited, undoped dot ([000] Eq. 5): sigma_SE (its stimulated emission, PLQY included),
    sigma_ESA (its excited-state absorption) and sigma_eff = sigma_SE - sigma_ESA exactly.
    """
    n_avg = params.n_avg if n_avg is None else float(n_avg)
    if not 0.0 <= n_avg <= MAX_N_AVG:
        raise ValueError(f"n_avg: {n_avg!r} is outside the allowed range [0, {MAX_N_AVG:g}] excitons/dot")
    energy, lines, geometry = lines_for(params)
    coeff = coefficients_for(params)
    probs = occupation_probabilities(np.array(n_avg), params.pump_mode, params.pump_sites, coeff.shape[0] - 1)
    weights = probs @ coeff
    scale = 1.0 / od0_peak(params)
    parts = weights[:, None] * lines * scale
    single = sigma_eff_weights_of(counting_spec(params))[:, None] * lines * scale
    sigma_se = single.clip(min=0.0).sum(axis=0)
    sigma_esa = -single.clip(max=0.0).sum(axis=0)
    ground_parts = [LINE_A, LINE_A_E, LINE_TRION_A, LINE_HIGH_A]
    multi = [LINE_XX, LINE_TRION_SE, LINE_HIGH_SE]
    return Spectra(
        energy_mev=energy,
        n_avg=n_avg,
        n_doped=params.n_doped,
        linear_absorption=ground_coefficients(params) @ lines * scale,
        ground_state_absorption=parts[ground_parts].sum(axis=0),
        excited_state_absorption=parts[list(EXCITED_ABSORPTION)].sum(axis=0),
        stimulated_emission=-parts[list(EXCITON_EMISSION)].sum(axis=0),
        biexciton_emission=-parts[multi].sum(axis=0),
        net=parts.sum(axis=0),
        sigma_se=sigma_se,
        sigma_esa=sigma_esa,
        sigma_eff=sigma_se - sigma_esa,
        geometry=geometry,
    )

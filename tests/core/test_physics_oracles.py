"""Independent-oracle physics tests for qdgain_core.

Every expected value here comes from arithmetic written out in this file (counts, Poisson and
binomial weights from ``math``, bisection, Boltzmann factors, quadratures with plain numpy) or
from hand-typed numbers, never from the core's own counting or statistics helpers. The
engine's lines may be *read* (they are the object under test), but the coefficients, weights
and probabilities they are combined with are typed here.

Papers (docs/references.md):
[000] Zenatti & Kambhampati, "Optical gain in colloidal quantum dots is limited by biexciton
      absorption, not biexciton recombination" (Einstein-consistent theory, Eqs. 1-8, Figs. 3-5);
      [001] Zenatti & Kambhampati, "A Path towards Thresholdless Colloidal Quantum Dot Lasers by
      Solving Decades of Mythology on Optical Gain" (Simple Model, section 3.3, Figs. 8-10);
      [002] Geuchies et al., "Quantitative
      electrochemical control over optical gain in quantum-dot solids" (SI eqs. S1-S22);
      [004] Diroll et al., "Large Two-Photon Cross Sections and Low-Threshold Multiphoton
      Lasing of CdS/CdSe/CdS Quantum Shells".
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm

import qdgain_core
from qdgain_core import (
    GainParams,
    auger_rate,
    counting_threshold,
    doping_fractions,
    gain_dynamics,
    gain_threshold,
    geometry_for,
    level_scheme_variants,
    n_avg_from_fluence,
    nonlinear_absorption,
    phase_cuts,
    phase_maps,
    sigma_eff_ratio,
    standard_model,
)
from qdgain_core.dynamics import cascade_generator, propagate
from qdgain_core.ensemble import (
    LINE_NAMES,
    bare_se_weights,
    bath_for,
    build_lines,
    coefficients_for,
    ground_coefficients,
    lattice_width_mev,
    lines_for,
    positions_for,
)
from qdgain_core.threshold_methods import line_functionals

K_B = 0.08617333262  # meV/K (CODATA), typed here on purpose
H_PLANCK = 6.62607015e-34  # J s
C_LIGHT = 2.99792458e8  # m/s
FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))


# ----------------------------------------------------------------------------- plain oracles


def poisson(x: float, n_max: int = 60) -> list[float]:
    """P_N = e^-x x^N / N!, N = 0..n_max (plain math; the tail beyond 60 is < 1e-20 for x <= 10)."""
    return [math.exp(-x) * x**k / math.factorial(k) for k in range(n_max + 1)]


def binomial(x: float, g: int) -> list[float]:
    """P_N of g sites each excited with p = x/g (Rabi picture of [001] section 3.3)."""
    p = min(max(x / g, 0.0), 1.0)
    return [math.comb(g, k) * p**k * (1.0 - p) ** (g - k) for k in range(g + 1)]


def transitions_ud(g_e: int, g_h: int, n_exc: int, n_doped: int) -> tuple[int, int]:
    """[002] SI eqs. S3-S6 with saturation: U = max(g_e-N-n,0) max(g_h-N,0), D = min(N+n,g_e) min(N,g_h)."""
    up = max(g_e - n_exc - n_doped, 0) * max(g_h - n_exc, 0)
    down = min(n_exc + n_doped, g_e) * min(n_exc, g_h)
    return up, down


def sites_ud(g: int, n_exc: int, n_doped: int) -> tuple[int, int]:
    """[001] section 3.3 (docs/model.md 1.1): U = max(g-N-n,0), D = min(N,g)."""
    return max(g - n_exc - n_doped, 0), min(n_exc, g)


def counting_criterion(scheme: str, g_e: int, g_h: int, g: int, n_doped: int, pump: str):
    """W(x) = sum_N P_N(x) (U - D)/norm, positive without gain."""
    if scheme == "transitions":
        norm, pump_sites = g_e * g_h, g_e

        def ud(n_exc):
            return transitions_ud(g_e, g_h, n_exc, n_doped)
    else:
        norm, pump_sites = g, g

        def ud(n_exc):
            return sites_ud(g, n_exc, n_doped)

    def criterion(x: float) -> float:
        probs = binomial(x, pump_sites) if pump == "resonant" else poisson(x)
        total = 0.0
        for n_exc, p in enumerate(probs):
            up, down = ud(n_exc)
            total += p * (up - down) / norm
        return total

    limit = float(pump_sites) if pump == "resonant" else 10.0
    return criterion, limit


def first_zero(criterion, limit: float, n_scan: int = 2001, xtol: float = 1e-9) -> float:
    """Smallest x in [0, limit] with criterion(x) <= 0: a scan, then bisection to xtol; inf if none."""
    if criterion(0.0) <= 1e-12:
        return 0.0
    previous = 0.0
    for k in range(1, n_scan):
        x = limit * k / (n_scan - 1)
        if criterion(x) <= 1e-12:
            lo, hi = previous, x
            while hi - lo > xtol:
                mid = 0.5 * (lo + hi)
                if criterion(mid) <= 1e-12:
                    hi = mid
                else:
                    lo = mid
            return hi
        previous = x
    return math.inf


def coincident(**changes) -> GainParams:
    """All lines at one energy with one shape (Gaussian Simple Model, every shift zero, PLQY 1)."""
    base = dict(
        lineshape_model="gaussian", stokes_mev=0.0, huang_rhys=0.0, chi=0.0, xx_binding_mev=0.0,
        trion_binding_mev=0.0, trap_shift_mev=0.0, plqy=1.0, inhomogeneous_fwhm_mev=0.0,
    )
    if changes.get("n_doped") == 1.0:
        # V_C/kT = 580: f0 = f2 = 5e-127, every dot holds exactly one electron
        base.update(charging_energy_mev=200.0, doping_temperature_k=4.0)
    base.update(changes)
    return GainParams(**base)


# ----------------------------------------------------------------------------- 1. brute-force thresholds

TRANSITION_PAIRS = [(2, 4), (2, 2), (4, 2), (1, 1), (3, 5)]
COUNTING_CASES = (
    [("transitions", ge, gh, 2, n, "one_photon") for ge, gh in TRANSITION_PAIRS for n in (0, 1, 2)]
    + [("transitions", ge, gh, 2, n, "resonant") for ge, gh in TRANSITION_PAIRS for n in (0, 1, 2)]
    + [("sites", 2, 4, g, n, "one_photon") for g in (1, 2, 3) for n in (0, 1, 2)]
    + [("sites", 2, 4, g, n, "resonant") for g in (1, 2, 3) for n in (0, 1, 2)]
)


@pytest.mark.parametrize("scheme, g_e, g_h, g, n_doped, pump", COUNTING_CASES)
def test_brute_force_counting_threshold(scheme, g_e, g_h, g, n_doped, pump):
    """Threshold by brute force over dot states = counting_threshold = the engine's `total` (and, with
    every line coincident, every linear method).

    Transition counting: Geuchies et al., Quantitative electrochemical control over optical gain in
    quantum-dot solids, SI eqs. S3-S6 (doped: S6); site counting: Zenatti & Kambhampati, A Path
    towards Thresholdless Colloidal Quantum Dot Lasers, section 3.3; docs/model.md 1.1 and 4.
    `peak` is left out: it needs a finite gain (gain_min_fraction of max OD_0), not just inversion.
    Resonant pumping: binomial over g_e (transitions) or g (sites), doped and undoped dots alike
    (docs/model.md 4: restricting a doped dot to its free sites is not modelled).
    """
    criterion, limit = counting_criterion(scheme, g_e, g_h, g, n_doped, pump)
    expected = first_zero(criterion, limit)
    assert math.isfinite(expected)
    core = counting_threshold(g_e, g_h, n_doped=n_doped, scheme=scheme, sites=g, pump_mode=pump)
    assert core == pytest.approx(expected, abs=1e-4)
    params = coincident(counting=scheme, g_e=g_e, g_h=g_h, sites=g, n_doped=float(n_doped), pump_mode=pump)
    for method in ("total", "window", "band", "probe"):
        assert gain_threshold(params, method).n_th == pytest.approx(expected, abs=1e-4), method


def test_total_equals_counting_with_real_spectra():
    """`total` integrates OD_NL over all E, so every transition contributes +1 absorbing and -1 emitting
    whatever the lineshapes (docs/model.md 1.3; [002] Eq. 1): a cumulant CdSe case and a Gaussian case,
    plqy = 1, thermalized, against the brute-force count."""
    criterion, limit = counting_criterion("transitions", 2, 4, 2, 0, "one_photon")
    expected = first_zero(criterion, limit)
    for params in (GainParams(chi=0.4, eta=0.7, stokes_mev=35.0), GainParams(lineshape_model="gaussian", chi=1.3)):
        assert gain_threshold(params, "total").n_th == pytest.approx(expected, abs=1e-4)
    criterion, limit = counting_criterion("sites", 2, 4, 2, 0, "resonant")
    params = GainParams.from_preset("simple_model_4ls")
    assert gain_threshold(params, "total").n_th == pytest.approx(first_zero(criterion, limit), abs=1e-4)


def test_hand_values_of_counting():
    """Hand values: [002] Fig. S4 (transitions g_e = 2, g_h = 4: Poisson 1.5423, unsaturated 4/3 since
    sum_N P_N [(2-N)(4-N) - N^2] = 8 - 6<N>); sites g = 2 ([001] section 3.3, docs/model.md 1.1):
    binomial exactly 1.0 ((1-p)^2 * 2 + 0 - 2 p^2 = 0 at p = 1/2) and Poisson 1.1462, the root of
    e^-x (2 + x) = 1."""
    assert counting_threshold(2, 4) == pytest.approx(1.5423, abs=1e-4)
    assert first_zero(counting_criterion("transitions", 2, 4, 2, 0, "one_photon")[0], 10.0) == pytest.approx(1.5423, abs=1e-4)
    assert counting_threshold(2, 4, saturate=False) == pytest.approx(4.0 / 3.0, abs=1e-6)

    def unsaturated(x):
        return sum(p * ((2 - n) * (4 - n) - n * n) for n, p in enumerate(poisson(x))) / 8.0

    assert first_zero(unsaturated, 10.0) == pytest.approx(4.0 / 3.0, abs=1e-6)
    assert counting_threshold(2, 4, scheme="sites", sites=2, pump_mode="resonant") == pytest.approx(1.0, abs=1e-6)
    root = first_zero(lambda x: math.exp(-x) * (2.0 + x) - 1.0, 10.0)
    assert root == pytest.approx(1.1462, abs=1e-4)
    assert counting_threshold(2, 4, scheme="sites", sites=2) == pytest.approx(root, abs=1e-6)
    assert gain_threshold(coincident(counting="sites", sites=2), "total").n_th == pytest.approx(root, abs=1e-6)
    # one site / one transition pair: Poisson e^-x = 1 - e^-x -> ln 2; binomial 1 - p = p -> 1/2
    assert counting_threshold(1, 1) == pytest.approx(math.log(2.0), abs=1e-6)
    assert counting_threshold(1, 1, pump_mode="resonant") == pytest.approx(0.5, abs=1e-6)
    # every dot holding two electrons is already inverted ([002] Fig. 5b, <n> = 2)
    assert counting_threshold(2, 4, n_doped=2) == 0.0


# ----------------------------------------------------------------------------- 2. hand-typed coefficient tables


def hand_fine_structure(stokes=20.0, eta=10.0, t=295.0, s=0.1, w_lo=26.0, gamma0=6.0) -> float:
    """Delta_FS of the cumulant geometry by hand (docs/model.md 2): D = Delta_SS - 2(S w_LO + s_h^2/2kT),
    (D - 2x)^2 = 2kT eta^2 x, smaller root x = lambda_DL, Delta_FS = D - 2x."""
    kt = K_B * t
    sigma_h = gamma0 / FWHM_PER_SIGMA
    d = stokes - 2.0 * (s * w_lo + sigma_h**2 / (2.0 * kt))
    # 4x^2 - (4D + 2kT eta^2) x + D^2 = 0
    b = 4.0 * d + 2.0 * kt * eta**2
    x = (b - math.sqrt(b * b - 16.0 * d * d)) / 8.0
    return d - 2.0 * x


def thermal_weights(fine_mev: float, r_e: float, t: float) -> tuple[float, float]:
    """w_i = a_i exp(-E_i/kT)/sum, a_A = 1/(1+r_E), a_E = r_E/(1+r_E), E_A - E_E = Delta_FS (docs/model.md 1.3)."""
    a_a, a_e = 1.0 / (1.0 + r_e), r_e / (1.0 + r_e)
    boltz_a = a_a * math.exp(-fine_mev / (K_B * t))
    return boltz_a / (boltz_a + a_e), a_e / (boltz_a + a_e)


def table(rows: list[dict[str, float]]) -> np.ndarray:
    out = np.zeros((len(rows), len(LINE_NAMES)))
    for n_exc, row in enumerate(rows):
        for name, value in row.items():
            out[n_exc, LINE_NAMES.index(name)] = value
    return out


def test_geometry_fine_structure_and_eta_by_hand():
    """[000] Eq. 7 eta = Delta_FS/Delta_ph with Delta_ph^2 = 2kT lambda_DL, Delta_SS = Delta_FS + 2 lambda
    (docs/model.md 2), solved by hand for the default CdSe-like bath and for eta = 0.5, Stokes 40 meV."""
    for stokes, eta in ((20.0, 10.0), (40.0, 0.5), (60.0, 2.0)):
        params = GainParams(stokes_mev=stokes, eta=eta)
        geometry = geometry_for(params)
        fine = hand_fine_structure(stokes, eta)
        assert geometry.fine_structure_mev == pytest.approx(fine, rel=1e-9)
        lam_fixed = 0.1 * 26.0 + (6.0 / FWHM_PER_SIGMA) ** 2 / (2.0 * K_B * 295.0)
        lam_dl = geometry.reorganization_mev - lam_fixed
        assert fine / math.sqrt(2.0 * K_B * 295.0 * lam_dl) == pytest.approx(eta, rel=1e-9)
        assert geometry.fine_structure_mev + 2.0 * geometry.reorganization_mev == pytest.approx(stokes, rel=1e-12)
    # Simple Model ([001] section 3.3, docs/model.md 3.1): Delta_FS = min(eta sigma_w, Delta_SS)
    sigma_w = 40.0 / FWHM_PER_SIGMA
    for eta, fine in ((1.0, sigma_w), (100.0, 40.0), (0.01, 0.01 * sigma_w)):
        geometry = geometry_for(GainParams(lineshape_model="gaussian", stokes_mev=40.0, eta=eta))
        assert geometry.fine_structure_mev == pytest.approx(fine, rel=1e-12)
        assert geometry.reorganization_mev == pytest.approx((40.0 - fine) / 2.0, rel=1e-12)


@pytest.mark.parametrize("r_e", [1.0, 0.5])
def test_coefficient_table_transitions_thermalized_with_esa(r_e):
    """C[N, line] typed by hand for g_e = g_h = 2, n = 0, ESA on, PLQY 1, thermalized (docs/model.md 1.2-1.3;
    [002] SI eq. S3-S5 counts; [000] Eq. 5 ESA): N = 0: U = 4 on A/A_E split 1/(1+r_E), r_E/(1+r_E);
    N = 1: U = 1 on ESA, D = 1 on SE_A/SE_E with Boltzmann weights; N = 2: D = 4 on XX; all over 4."""
    params = GainParams(g_e=2, g_h=2, counting="transitions", include_esa=True, plqy=1.0, thermalize=True, xe_strength=r_e)
    fine = hand_fine_structure()
    w_a, w_e = thermal_weights(fine, r_e, 295.0)
    a_a, a_e = 1.0 / (1.0 + r_e), r_e / (1.0 + r_e)
    expected = table([
        {"A": a_a, "A_E": a_e},
        {"ESA": 0.25, "SE_A": -w_a / 4.0, "SE_E": -w_e / 4.0},
        {"XX": -1.0},
    ])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)
    # the numbers themselves, typed: Delta_FS = 14.4623 meV and w_A = 1/(1 + e^(14.4623/25.4211)) = 0.3615
    if r_e == 1.0:
        assert fine == pytest.approx(14.4623, abs=1e-3)
        assert w_a == pytest.approx(0.3615, abs=1e-4)


def test_coefficient_table_plqy_and_not_thermalized():
    """Trapping ([000] Fig. 4a,b; docs/model.md 1.2): at PLQY q the excited dots absorb q on ESA and 1 - q on
    TRAP and emit q. thermalize = False ([001]'s 'emission only from X_E'): A 1, A_E r_E, all emission on
    SE_E with r_E, ESA and XX r_E per transition (docs/model.md 1.3)."""
    q = 0.6
    params = GainParams(g_e=2, g_h=2, plqy=q, thermalize=True, xe_strength=1.0)
    w_a, w_e = thermal_weights(hand_fine_structure(), 1.0, 295.0)
    expected = table([
        {"A": 0.5, "A_E": 0.5},
        {"ESA": q / 4.0, "TRAP": (1.0 - q) / 4.0, "SE_A": -q * w_a / 4.0, "SE_E": -q * w_e / 4.0},
        {"XX": -q},
    ])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)
    r = 2.0
    params = GainParams(g_e=2, g_h=2, thermalize=False, xe_strength=r)
    expected = table([{"A": 1.0, "A_E": r}, {"ESA": r / 4.0, "SE_E": -r / 4.0}, {"XX": -r}])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)


def test_coefficient_table_with_the_xx_partner():
    """docs/model.md 1.2: with r_XX = xx_strength an excited dot absorbs the share r_XX/(1 + r_XX) of its U(N, n)
    transitions on ESA_E, the Einstein partner of XX emission, and the rest on ESA; emission is unchanged.
    g_e = g_h = 2, r_XX = 0.5: N = 1 ESA 1/4 * 2/3, ESA_E 1/4 * 1/3; trapped dots (PLQY 0.6) still absorb on TRAP."""
    params = GainParams(g_e=2, g_h=2, xx_strength=0.5, xe_strength=1.0, plqy=0.6)
    w_a, w_e = thermal_weights(hand_fine_structure(), 1.0, 295.0)
    q = 0.6
    expected = table([
        {"A": 0.5, "A_E": 0.5},
        {"ESA": q * 0.25 * 2.0 / 3.0, "ESA_E": q * 0.25 / 3.0, "TRAP": (1.0 - q) * 0.25, "SE_A": -q * w_a / 4.0, "SE_E": -q * w_e / 4.0},
        {"XX": -q},
    ])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)


def test_biexciton_partner_geometry_by_hand():
    """docs/model.md 1.2: ESA_E sits at E_A - Delta_SS - Delta_XX + 2 lambda_XX with lambda_XX = rho(lambda_LO + lambda_DL)
    + lambda_h, rho = (xi - 1)^2 (the biexciton displacement scales the lattice, not the electronic width)."""
    for xi in (1.0, 2.0, 0.5):
        params = GainParams(xi=xi, xx_strength=1.0, stokes_mev=30.0, eta=2.0)
        geometry = geometry_for(params)
        lam_h = (6.0 / FWHM_PER_SIGMA) ** 2 / (2.0 * K_B * 295.0)
        lam_xx = (xi - 1.0) ** 2 * (geometry.reorganization_mev - lam_h) + lam_h
        assert geometry.biexciton_partner_mev == pytest.approx(2100.0 - 30.0 - 15.0 + 2.0 * lam_xx, abs=1e-9)


def test_coefficient_table_sites():
    """Sites scheme, g = 2 ([001] section 3.3; docs/model.md 1.1): N = 0 U = 2; N = 1 U = 1 (ESA), D = 1 (SE);
    N = 2 D = 2 (XX); over 2. Without ESA ([001] Fig. 8c-d) every dot uses A/A_E and the SE manifold."""
    params = GainParams(counting="sites", sites=2, xe_strength=1.0)
    w_a, w_e = thermal_weights(hand_fine_structure(), 1.0, 295.0)
    expected = table([{"A": 0.5, "A_E": 0.5}, {"ESA": 0.5, "SE_A": -w_a / 2.0, "SE_E": -w_e / 2.0}, {"XX": -1.0}])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)
    params = GainParams(counting="sites", sites=3, include_esa=False, xe_strength=1.0)
    expected = table([
        {"A": 0.5, "A_E": 0.5},
        {"A": 1.0 / 3.0, "A_E": 1.0 / 3.0, "SE_A": -w_a / 3.0, "SE_E": -w_e / 3.0},
        {"A": 1.0 / 6.0, "A_E": 1.0 / 6.0, "SE_A": -2.0 * w_a / 3.0, "SE_E": -2.0 * w_e / 3.0},
        {"SE_A": -w_a, "SE_E": -w_e},
    ])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)


def test_coefficient_table_without_esa():
    """include_esa = False ([001] Fig. 8c-d, uncorrelated excitons; docs/model.md 1.2): no ESA, no XX, no
    trion lines; g_e = g_h = 2: N = 1 absorbs U = 1 on A/A_E and emits D = 1; N = 2 emits D = 4 on SE."""
    params = GainParams(g_e=2, g_h=2, include_esa=False, xe_strength=1.0)
    w_a, w_e = thermal_weights(hand_fine_structure(), 1.0, 295.0)
    expected = table([
        {"A": 0.5, "A_E": 0.5},
        {"A": 0.125, "A_E": 0.125, "SE_A": -w_a / 4.0, "SE_E": -w_e / 4.0},
        {"SE_A": -w_a, "SE_E": -w_e},
    ])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)
    # doped, without ESA: still only ground and SE lines
    doped = GainParams(g_e=2, g_h=2, include_esa=False, xe_strength=1.0, n_doped=1.0, charging_energy_mev=200.0, doping_temperature_k=4.0)
    expected = table([
        {"A": 0.25, "A_E": 0.25},
        {"SE_A": -w_a / 2.0, "SE_E": -w_e / 2.0},
        {"SE_A": -w_a, "SE_E": -w_e},
    ])
    np.testing.assert_allclose(coefficients_for(doped), expected, atol=1e-12)


def test_coefficient_table_doped_uses_trion_lines():
    """n = 1 exactly (V_C/kT = 580 so f0 = f2 = 5e-127), g_e = g_h = 2, ESA on: an empty charged dot absorbs
    its U(0,1) = 2 transitions on TRION_A (never on ESA); excited charged dots emit D(1,1) = 2 and
    D(2,1) = 4 on TRION_SE ([002] SI eq. S6; docs/model.md 1.2)."""
    params = GainParams(g_e=2, g_h=2, n_doped=1.0, charging_energy_mev=200.0, doping_temperature_k=4.0)
    assert doping_fractions(1.0, 200.0, 4.0)[1] == pytest.approx(1.0, abs=1e-100)
    expected = table([{"TRION_A": 0.5}, {"TRION_SE": -0.5}, {"TRION_SE": -1.0}])
    np.testing.assert_allclose(coefficients_for(params), expected, atol=1e-12)
    # g_e = 2, g_h = 4 at n = 1: N = 0 U = 1*4 = 4 -> 0.5; N = 1 U = 0, D = 2*1; N = 2 D = 2*2; N = 4 D = 8
    params = params.with_updates(g_h=4)
    coeff = coefficients_for(params)
    np.testing.assert_allclose(coeff[:, LINE_NAMES.index("TRION_A")], [0.5, 0, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(coeff[:, LINE_NAMES.index("TRION_SE")], [0, -0.25, -0.5, -0.75, -1.0], atol=1e-12)


def test_coefficient_table_second_transition():
    """Second transition (the 1S(e)-2S3/2(h) of [002]; docs/model.md 1.2): holes beyond g_h fill it,
    U2 = max(g_e-N,0) max(g_h2-h2,0), D2 = min(N,g_e) min(h2,g_h2), h2 = max(N-g_h,0), strength s per pair.
    g_e = g_h = 2, g_h2 = 2, s = 0.5: HIGH_A = s [4, 2, 0, 0, 0]/4, HIGH_SE = -s [0, 0, 0, 2, 4]/4."""
    params = GainParams(g_e=2, g_h=2, high_offset_mev=200.0, high_g_h=2, high_strength=0.5)
    coeff = coefficients_for(params)
    np.testing.assert_allclose(coeff[:, LINE_NAMES.index("HIGH_A")], [0.5, 0.25, 0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(coeff[:, LINE_NAMES.index("HIGH_SE")], [0.0, 0.0, 0.0, -0.25, -0.5], atol=1e-12)
    # a trapped dot has no stimulated emission on any transition ([000] Fig. 4a,b): HIGH_SE scales with PLQY
    coeff = coefficients_for(params.with_updates(plqy=0.6))
    np.testing.assert_allclose(coeff[:, LINE_NAMES.index("HIGH_A")], [0.5, 0.25, 0.0, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(coeff[:, LINE_NAMES.index("HIGH_SE")], [0.0, 0.0, 0.0, -0.15, -0.3], atol=1e-12)


# ----------------------------------------------------------------------------- 3. <N> from the pump


def test_one_photon_n_avg_by_hand():
    """<N> = sigma J / E_photon ([002] eq. S5): 3.6e-14 cm^2, 400 nm, 1 mJ/cm^2 -> 72.46."""
    e_photon = H_PLANCK * C_LIGHT / 400e-9
    expected = 3.6e-14 * 1e-3 / e_photon
    assert expected == pytest.approx(72.46, abs=0.05)
    params = GainParams(pump_mode="one_photon", sigma_pump_cm2=3.6e-14, pump_wavelength_nm=400.0)
    assert float(n_avg_from_fluence(params, np.array(1.0))) == pytest.approx(expected, rel=1e-6)
    params = params.with_updates(pump_wavelength_nm=800.0, sigma_pump_cm2=1e-15)
    assert float(n_avg_from_fluence(params, np.array(0.5))) == pytest.approx(1e-15 * 0.5e-3 / (H_PLANCK * C_LIGHT / 800e-9), rel=1e-6)


def test_two_photon_n_avg_by_hand_and_by_quadrature():
    """[004] two-photon pumping (docs/model.md 4): <N> = sigma2 F^2/(sqrt(2 pi) tau_0), tau_0 = tau_FWHM/(2 sqrt ln 2),
    1 GM = 1e-50 cm^4 s. Checked against the closed form typed here and against sigma2 int I(t)^2 dt for a
    Gaussian pulse of the given FWHM integrated numerically."""
    sigma2_gm, fwhm_fs, wavelength, fluence = 2.0e6, 120.0, 800.0, 1.5
    params = GainParams(pump_mode="two_photon", sigma2_gm=sigma2_gm, pulse_fwhm_fs=fwhm_fs, pump_wavelength_nm=wavelength)
    photons = fluence * 1e-3 / (H_PLANCK * C_LIGHT / (wavelength * 1e-9))
    tau0 = fwhm_fs * 1e-15 / (2.0 * math.sqrt(math.log(2.0)))
    closed = sigma2_gm * 1e-50 * photons**2 / (math.sqrt(2.0 * math.pi) * tau0)
    t = np.linspace(-10 * tau0, 10 * tau0, 200001)
    shape = np.exp(-(t / tau0) ** 2)
    assert np.interp(0.5 * fwhm_fs * 1e-15, t, shape) == pytest.approx(0.5, abs=1e-6)
    intensity = photons * shape / np.trapezoid(shape, t)
    quadrature = sigma2_gm * 1e-50 * np.trapezoid(intensity**2, t)
    assert quadrature == pytest.approx(closed, rel=1e-6)
    assert float(n_avg_from_fluence(params, np.array(fluence))) == pytest.approx(closed, rel=1e-6)


def test_rabi_n_avg_by_hand():
    """Resonant (Rabi) pumping ([001] section 3.3, Fig. 8b; docs/model.md 4): <N> = g sin^2(pi sqrt(J/J_pi)/2):
    J = J_pi/4 gives g/2, J = J_pi gives g, and it saturates at g above J_pi (a pi pulse)."""
    params = GainParams(pump_mode="resonant", rabi_pi_fluence_mj_cm2=0.8, g_e=2)
    values = n_avg_from_fluence(params, np.array([0.2, 0.8, 3.2, 0.05]))
    hand = [1.0, 2.0, 2.0, 2.0 * math.sin(math.pi * math.sqrt(0.05 / 0.8) / 2.0) ** 2]
    np.testing.assert_allclose(values, hand, rtol=1e-12)
    params = params.with_updates(g_e=4)
    assert float(n_avg_from_fluence(params, np.array(0.2))) == pytest.approx(2.0, rel=1e-12)


def test_rabi_n_avg_saturates_at_the_sites_of_the_sites_scheme():
    """docs/model.md 4: 'Each of the g band-edge sites (g = sites in the sites scheme, g_e otherwise) is
    excited with probability sin^2(Theta/2)'; at J = J_pi every one of the 3 sites is excited."""
    params = GainParams(counting="sites", sites=3, g_e=2, pump_mode="resonant", rabi_pi_fluence_mj_cm2=1.0)
    np.testing.assert_allclose(n_avg_from_fluence(params, np.array([0.25, 1.0])), [1.5, 3.0], rtol=1e-12)
    np.testing.assert_allclose(qdgain_core.fluence_from_n_avg(params, np.array([1.5, 3.0])), [0.25, 1.0], rtol=1e-12)


# ----------------------------------------------------------------------------- 4. doping statistics


def fractions_at(u: np.ndarray, c: float) -> np.ndarray:
    """[002] SI eqs. S9-S13: Z = 1 + 2 e^u + e^(2u - V_C/kT), written out in log space (c = V_C/kT)."""
    u = np.asarray(u, dtype=float)
    logs = np.stack([np.zeros_like(u), math.log(2.0) + u, 2.0 * u - c], axis=-1)
    weights = np.exp(logs - logs.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def disorder_average(u0: float, c: float, s: float, n_points: int = 20001) -> np.ndarray:
    """Fractions averaged over a Gaussian potential of width s (kT units) by trapezoids on +-8 s ([002] eq. S15-S16)."""
    u = np.linspace(u0 - 8.0 * s, u0 + 8.0 * s, n_points)
    weight = np.exp(-0.5 * ((u - u0) / s) ** 2)
    return np.trapezoid(fractions_at(u, c) * weight[:, None], u, axis=0) / np.trapezoid(weight, u)


def solve_disordered(n_mean: float, c: float, s: float) -> np.ndarray:
    lo, hi = -80.0 - 12.0 * s, 80.0 + 12.0 * s + c
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f = disorder_average(mid, c, s)
        if f[1] + 2.0 * f[2] < n_mean:
            lo = mid
        else:
            hi = mid
    return disorder_average(0.5 * (lo + hi), c, s)


@pytest.mark.parametrize("n_mean", [0.1, 0.5, 0.94, 1.0, 1.5, 1.99])
@pytest.mark.parametrize("charging_mev, temperature_k", [(5.0, 295.0), (5.0, 841.0), (30.0, 295.0), (50.0, 77.0), (0.0, 295.0)])
def test_doping_mass_action_law(n_mean, charging_mev, temperature_k):
    """Without disorder the grand-canonical fractions obey f1^2/(f0 f2) = 4 exp(V_C/kT) (the ratio of the
    Boltzmann weights of [002] SI eqs. S9-S13: (2 e^u)^2 / e^(2u - V_C/kT)) and <n> = f1 + 2 f2."""
    f0, f1, f2 = doping_fractions(n_mean, charging_mev, temperature_k, 0.0)
    assert f0 + f1 + f2 == pytest.approx(1.0, abs=1e-12)
    assert f1 + 2.0 * f2 == pytest.approx(n_mean, abs=1e-10)
    assert f1 * f1 / (f0 * f2) == pytest.approx(4.0 * math.exp(charging_mev / (K_B * temperature_k)), rel=1e-8)


ACCURATE_DISORDER = [(5.0, 841.0, 110.0), (20.0, 295.0, 30.0), (50.0, 77.0, 10.0), (5.0, 295.0, 25.0)]


@pytest.mark.parametrize("n_mean", [0.3, 0.94, 1.5, 1.99])
@pytest.mark.parametrize("charging_mev, temperature_k, sigma_mv", ACCURATE_DISORDER)
def test_disorder_averaged_fractions_by_brute_force(n_mean, charging_mev, temperature_k, sigma_mv):
    """[002] SI eqs. S15-S16: fractions averaged over a Gaussian V_1S of width sigma_1S, at the potential that
    gives the requested <n>; brute force = 20001-point trapezoids over +-8 sigma, own bisection on the mean.
    Cases with sigma_1S up to ~5 kT; sigma_1S >> kT is the next test."""
    kt = K_B * temperature_k
    expected = solve_disordered(n_mean, charging_mev / kt, sigma_mv / kt)
    np.testing.assert_allclose(doping_fractions(n_mean, charging_mev, temperature_k, sigma_mv), expected, atol=1e-4)


@pytest.mark.parametrize("charging_mev, temperature_k, sigma_mv", [(5.0, 295.0, 110.0), (5.0, 295.0, 300.0), (50.0, 4.0, 50.0)])
def test_disorder_averaged_fractions_when_disorder_exceeds_kt(charging_mev, temperature_k, sigma_mv):
    """As above ([002] SI eqs. S15-S16, sigma_1S = 110 mV is [002]'s fit), for sigma_1S >> kT, where a 41-node
    Gauss-Hermite average (the first version) erred by 4e-4 (110 mV, 295 K), 2.4e-2 (300 mV) and 9e-2 (50 mV, 4 K)."""
    kt = K_B * temperature_k
    for n_mean in (0.3, 0.94, 1.5):
        expected = solve_disordered(n_mean, charging_mev / kt, sigma_mv / kt)
        np.testing.assert_allclose(doping_fractions(n_mean, charging_mev, temperature_k, sigma_mv), expected, atol=1e-4)


# ----------------------------------------------------------------------------- 5. cross sections and parts


def area(energy: np.ndarray, spectrum: np.ndarray) -> float:
    return float(spectrum.sum() * (energy[1] - energy[0]))


@pytest.mark.parametrize("plqy", [0.3, 0.7, 1.0])
def test_single_dot_cross_sections(plqy):
    """[000] Eq. 5: sigma_eff = sigma_SE - sigma_ESA exactly. Areas relative to the linear absorption (one
    transition absorbs with unit strength, docs/model.md 1.3): sigma_SE = PLQY D(1,0)/U(0,0) = q/8 and
    sigma_ESA = U(1,0)/U(0,0) = 3/8 (ESA q + trap ESA 1 - q) for g_e = 2, g_h = 4."""
    spectra = nonlinear_absorption(GainParams(plqy=plqy, chi=0.6))
    np.testing.assert_array_equal(spectra.sigma_eff, spectra.sigma_se - spectra.sigma_esa)
    e = spectra.energy_mev
    reference = area(e, spectra.linear_absorption)
    _, down = transitions_ud(2, 4, 1, 0)
    up, _ = transitions_ud(2, 4, 1, 0)
    up0, _ = transitions_ud(2, 4, 0, 0)
    assert area(e, spectra.sigma_se) / reference == pytest.approx(plqy * down / up0, rel=1e-9)
    assert area(e, spectra.sigma_esa) / reference == pytest.approx(up / up0, rel=1e-9)
    assert spectra.linear_absorption.max() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("include_esa", [True, False])
@pytest.mark.parametrize("n_avg", [0.4, 1.5, 3.0])
def test_parts_of_od_nl_by_counting(include_esa, n_avg):
    """Areas of the parts of OD_NL at <N> (Poisson, plqy 1, undoped), relative to the linear absorption, from
    the counts typed here ([002] SI eqs. S3-S5; docs/model.md 1.2): with ESA the ground state absorbs only
    in empty dots (P_0), excited dots absorb sum_{N>=1} P_N U(N) on ESA, SE is P_1 D(1), multi-exciton
    emission sum_{N>=2} P_N D(N); without ESA ground absorption is sum_N P_N U(N) and all emission is SE."""
    spectra = nonlinear_absorption(GainParams(include_esa=include_esa, chi=0.5), n_avg)
    e = spectra.energy_mev
    reference = area(e, spectra.linear_absorption)
    probs = poisson(n_avg)
    counts = [transitions_ud(2, 4, n, 0) for n in range(len(probs))]
    norm = 8.0
    all_up = sum(p * u for p, (u, _) in zip(probs, counts)) / norm
    all_down = sum(p * d for p, (_, d) in zip(probs, counts)) / norm
    if include_esa:
        ground = probs[0] * counts[0][0] / norm
        esa = all_up - ground
        se = probs[1] * counts[1][1] / norm
        multi = all_down - se
    else:
        ground, esa, se, multi = all_up, 0.0, all_down, 0.0
    assert area(e, spectra.ground_state_absorption) / reference == pytest.approx(ground, abs=1e-9)
    assert area(e, spectra.excited_state_absorption) / reference == pytest.approx(esa, abs=1e-9)
    assert area(e, spectra.stimulated_emission) / reference == pytest.approx(se, abs=1e-9)
    assert area(e, spectra.biexciton_emission) / reference == pytest.approx(multi, abs=1e-9)
    parts = spectra.ground_state_absorption + spectra.excited_state_absorption - spectra.stimulated_emission - spectra.biexciton_emission
    np.testing.assert_allclose(parts, spectra.net, atol=1e-12)
    assert spectra.linear_absorption.max() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("plqy", [0.3, 0.7, 1.0])
def test_sigma_ratio_without_esa_is_the_plqy(plqy):
    """[000] Eq. 5 and Fig. 4b (docs/model.md 5.1): sigma_eff/sigma_SE with sigma_SE the *bare* (untrapped)
    single-exciton SE in the denominator, so that the ratio rises with PLQY. Without ESA a trapped dot only
    bleaches less (no excited-state absorption), so sigma_eff = PLQY sigma_SE,bare and the ratio is the PLQY."""
    params = GainParams(include_esa=False, plqy=plqy)
    assert sigma_eff_ratio(params) == pytest.approx(plqy, rel=1e-9)
    params = GainParams.from_preset("simple_model_4ls", include_esa=False, plqy=plqy)
    assert sigma_eff_ratio(params) == pytest.approx(plqy, rel=1e-9)


@pytest.mark.parametrize("n_avg", [0.5, 2.0])
def test_parts_of_od_nl_of_charged_dots(n_avg):
    """Every dot holding one electron (V_C/kT = 580), g_e = 2, g_h = 4, ESA on ([002] SI eq. S6; docs/model.md 1.2):
    the empty dots absorb U(0,1) = 4 on TRION_A (ground-state part), excited dots absorb U(N,1) on ESA and
    emit D(N,1) on TRION_SE (multi-carrier part); there is no single-exciton SE. Areas relative to OD_0."""
    params = GainParams(n_doped=1.0, charging_energy_mev=200.0, doping_temperature_k=4.0, chi=0.5)
    spectra = nonlinear_absorption(params, n_avg)
    e = spectra.energy_mev
    reference = area(e, spectra.linear_absorption)
    probs = poisson(n_avg)
    counts = [transitions_ud(2, 4, n, 1) for n in range(len(probs))]
    ground = probs[0] * counts[0][0] / 8.0
    esa = sum(p * u for p, (u, _) in list(zip(probs, counts))[1:]) / 8.0
    trion = sum(p * d for p, (_, d) in zip(probs, counts)) / 8.0
    assert area(e, spectra.ground_state_absorption) / reference == pytest.approx(ground, abs=1e-9)
    assert area(e, spectra.excited_state_absorption) / reference == pytest.approx(esa, abs=1e-9)
    assert area(e, spectra.biexciton_emission) / reference == pytest.approx(trion, abs=1e-9)
    assert np.abs(spectra.stimulated_emission).max() < 1e-100  # only the f0 = 5e-127 neutral dots emit on SE
    parts = spectra.ground_state_absorption + spectra.excited_state_absorption - spectra.stimulated_emission - spectra.biexciton_emission
    np.testing.assert_allclose(parts, spectra.net, atol=1e-12)


def test_sigma_ratio_is_clipped_at_zero():
    """[000] Fig. 5c,d (docs/model.md 5.1): max sigma_eff / max sigma_SE, clipped at 0. ESA on the SE line
    (chi = 1) with U(1,0) = 3 > D(1,0) = 1 transitions (g_e = 2, g_h = 4) and a broader ESA (xi = 3, bath
    scaled by (xi - 1)^2 = 4) makes sigma_eff < 0 at every energy: the ratio is 0, not negative."""
    params = GainParams(chi=1.0, xi=3.0)
    spectra = nonlinear_absorption(params)
    assert spectra.sigma_eff.max() < 0.0
    assert sigma_eff_ratio(params) == 0.0
    assert phase_maps(params, [1.0], [geometry_for(params).eta_effective])["sigma_ratio"].values[0, 0] == 0.0


def test_esa_lowers_the_single_dot_ratio():
    """docs/model.md 5.1: ESA must lower the single-dot ratio ([000] Eq. 5; [001] section 3.3: 1 -> ~0.3)."""
    for name in ("simple_model_3ls", "simple_model_4ls", "cdse_core", "cspbbr3"):
        with_esa = GainParams.from_preset(name, include_esa=True)
        without = GainParams.from_preset(name, include_esa=False)
        assert sigma_eff_ratio(with_esa) < sigma_eff_ratio(without) <= 1.0 + 1e-9


# ----------------------------------------------------------------------------- 6. E prefactor and line positions


def test_e_prefactor_on_a_broad_gaussian_line():
    """[000] Eqs. 3-4: sigma(E) ~ E x lineshape. A Gaussian of sigma = 200 meV/2.3548 centred at E_A, times E and
    area-normalised, has its first moment sigma^2/E_A = 3.43 meV above the centre and a positive third central
    moment 2 sigma^6/E_A^3 = 81 meV^3 (moments of (c + x) phi(x)); dividing by E restores the symmetric Gaussian."""
    params = GainParams(lineshape_model="gaussian", gaussian_fwhm_mev=200.0, inhomogeneous_fwhm_mev=0.0)
    energy, lines, _ = lines_for(params)
    sigma = 200.0 / FWHM_PER_SIGMA
    line = lines[LINE_NAMES.index("A")]
    m1 = float((energy * line).sum() / line.sum())
    bare = line / energy
    centre = float((energy * bare).sum() / bare.sum())
    assert centre == pytest.approx(2100.0, abs=0.05)
    assert m1 - 2100.0 == pytest.approx(sigma**2 / 2100.0, rel=0.2)
    m3 = float((((energy - m1) ** 3) * line).sum() / line.sum())
    assert m3 == pytest.approx(2.0 * sigma**6 / 2100.0**3, rel=0.2)
    bare_m3 = float((((energy - centre) ** 3) * bare).sum() / bare.sum())
    assert abs(bare_m3) < 0.05 * m3
    # the emission partner carries the same E prefactor ([000] Eq. 4)
    se = lines[LINE_NAMES.index("SE_E")]
    se_centre = float((energy * se / energy).sum() / (se / energy).sum())
    assert float((energy * se).sum() / se.sum()) - se_centre == pytest.approx(sigma**2 / se_centre, rel=0.2)


def kernel_variance(energy: np.ndarray, line: np.ndarray) -> float:
    """Variance of a line with its E prefactor divided out (the lineshape of [000] Eq. 3)."""
    bare = line / energy
    mean = (energy * bare).sum() / bare.sum()
    return float((((energy - mean) ** 2) * bare).sum() / bare.sum())


def test_line_widths_by_hand():
    """Widths (docs/model.md 3, 3.1; [000] Eqs. 3-4): a Simple-Model line is a Gaussian of variance
    (w/2.3548)^2 plus the inhomogeneous (w_inh/2.3548)^2; in the cumulant model the inhomogeneous Gaussian adds
    its variance to every line; ESA and XX carry the bath scaled by rho = (xi - 1)^2, so their variance beyond
    the electronic Gaussian (homogeneous 6 meV FWHM) is rho times the exciton line's."""
    for inh in (0.0, 30.0):
        energy, lines, _ = lines_for(GainParams(lineshape_model="gaussian", gaussian_fwhm_mev=40.0, inhomogeneous_fwhm_mev=inh))
        expected = (40.0 / FWHM_PER_SIGMA) ** 2 + (inh / FWHM_PER_SIGMA) ** 2
        for name in ("A", "SE_E", "ESA"):
            assert kernel_variance(energy, lines[LINE_NAMES.index(name)]) == pytest.approx(expected, rel=2e-3), (inh, name)
    energy, lines, _ = lines_for(GainParams(inhomogeneous_fwhm_mev=0.0))
    narrow = kernel_variance(energy, lines[LINE_NAMES.index("A")])
    for inh in (30.0, 60.0):
        energy, lines, _ = lines_for(GainParams(inhomogeneous_fwhm_mev=inh))
        broad = kernel_variance(energy, lines[LINE_NAMES.index("A")])
        assert broad - narrow == pytest.approx((inh / FWHM_PER_SIGMA) ** 2, rel=1e-2)
    electronic = (6.0 / FWHM_PER_SIGMA) ** 2
    for xi in (0.5, 2.5):
        energy, lines, _ = lines_for(GainParams(xi=xi, inhomogeneous_fwhm_mev=0.0))
        exciton = kernel_variance(energy, lines[LINE_NAMES.index("A")]) - electronic
        for name in ("ESA", "XX"):
            scaled = kernel_variance(energy, lines[LINE_NAMES.index(name)]) - electronic
            assert scaled / exciton == pytest.approx((xi - 1.0) ** 2, rel=1e-2), (xi, name)


def test_line_positions_by_hand():
    """docs/model.md 1.2 table, Simple Model geometry ([001] section 3.3): Delta_FS = min(eta sigma_w, Delta_SS),
    2 lambda = Delta_SS - Delta_FS. With Delta_SS = 40, eta = 1 (Delta_FS = 16.99, 2 lambda = 23.01), chi = 0.6,
    Delta_XX = 15, Delta_T = 5, Delta_trap = 30, second transition +200: the centre of each line (its first
    moment after dividing out E) is where the table puts it; the XX partner ESA_E sits 2 lambda_XX above XX
    (the Simple Model has one displacement: lambda_XX = lambda)."""
    params = GainParams(
        lineshape_model="gaussian", gaussian_fwhm_mev=10.0, inhomogeneous_fwhm_mev=0.0, stokes_mev=40.0, eta=1.0,
        chi=0.6, xx_binding_mev=15.0, trion_binding_mev=5.0, trap_shift_mev=30.0, high_offset_mev=200.0, xx_strength=0.5,
    )
    energy, lines, geometry = lines_for(params)
    fine = 1.0 * 10.0 / FWHM_PER_SIGMA
    two_lam = 40.0 - fine
    e_a, e_se = 2100.0, 2100.0 - 40.0
    expected = {
        "A": e_a, "A_E": e_a - fine, "SE_A": e_a - two_lam, "SE_E": e_se, "XX": e_se - 15.0, "TRION_A": e_a - 5.0,
        "TRION_SE": e_a - 5.0 - two_lam, "HIGH_A": e_a + 200.0, "HIGH_SE": e_a + 200.0 - two_lam, "ESA": e_a - 0.6 * 40.0,
        "TRAP": e_a - 0.6 * 40.0 - 30.0, "ESA_E": e_se - 15.0 + two_lam,
    }
    for name, position in expected.items():
        bare = lines[LINE_NAMES.index(name)] / energy
        assert float((energy * bare).sum() / bare.sum()) == pytest.approx(position, abs=0.02), name
    assert geometry.emission_mev == pytest.approx(e_se, abs=1e-9)
    assert geometry.esa_mev == pytest.approx(e_a - 24.0, abs=1e-9)


# ----------------------------------------------------------------------------- 7. method oracles, convergence, cuts, trends


def band_integral(energy: np.ndarray, reference: np.ndarray, spectrum: np.ndarray) -> float:
    """Integral of ``spectrum`` over the FWHM band of ``reference`` (docs/model.md 5.1), written out: the connected
    run at >= half maximum around the peak, its edges at the half-maximum crossings (linear interpolation),
    and the piecewise-linear interpolant of ``spectrum`` integrated exactly between them."""
    peak = int(np.argmax(reference))
    half = 0.5 * reference[peak]
    lo = peak
    while lo > 0 and reference[lo - 1] >= half:
        lo -= 1
    hi = peak
    while hi < reference.size - 1 and reference[hi + 1] >= half:
        hi += 1

    def crossing(inner: int, outer: int) -> float:
        t = (reference[inner] - half) / (reference[inner] - reference[outer])
        return energy[inner] + t * (energy[outer] - energy[inner])

    e_lo = crossing(lo, lo - 1) if lo > 0 else energy[0]
    e_hi = crossing(hi, hi + 1) if hi < reference.size - 1 else energy[-1]
    knots = np.concatenate([[e_lo], energy[lo:hi + 1], [e_hi]])
    values = np.interp(knots, energy, spectrum)
    return float(np.sum(0.5 * (values[1:] + values[:-1]) * np.diff(knots)))


@pytest.mark.parametrize("params", [GainParams(chi=0.5), GainParams.from_preset("cdse_core"), GainParams.from_preset("simple_model_4ls")],
                         ids=["default", "cdse_core", "simple_model_4ls"])
def test_window_band_and_probe_thresholds_from_the_spectra(params):
    """Each method's threshold, recomputed from the spectra with the criterion written out here: [000] Eq. 8
    `window` integrates OD_NL over the FWHM band of the single-exciton SE; [002] `band` over the FWHM band of
    OD_0; `probe` ([001] Fig. 8) reads OD_NL at the SE peak E_A - Delta_SS. PLQY 1, so sigma_SE is the bare SE.
    Agreement to 1e-3 relative (the core's band quadrature differs from the trapezoids here at O(dE^2))."""
    assert params.plqy == 1.0
    e_probe = params.e_a_mev - geometry_for(params).stokes_mev
    base = nonlinear_absorption(params, 0.0)
    energy = base.energy_mev
    limit = float(params.pump_sites) if params.pump_mode == "resonant" else params.n_search_max
    bands = {"window": nonlinear_absorption(params, 1.0).sigma_se, "band": base.linear_absorption}
    for method in ("window", "band", "probe"):
        if method == "probe":
            def criterion(x):
                return float(np.interp(e_probe, energy, nonlinear_absorption(params, x).net))
        else:
            def criterion(x, reference=bands[method]):
                return band_integral(energy, reference, nonlinear_absorption(params, x).net)
        expected = first_zero(criterion, limit, n_scan=81, xtol=1e-7)
        assert math.isfinite(expected) and expected > 0
        assert gain_threshold(params, method).n_th == pytest.approx(expected, rel=1e-3), method


@pytest.mark.parametrize("detuning", [-25.0, -5.0, 10.0])
def test_probe_threshold_with_a_detuning(detuning):
    """`probe` with probe_detuning_mev set reads OD_NL at E_A + detuning ([002] Fig. 5d single wavelength;
    docs/model.md 5.1): recomputed from the spectra at that energy, own bisection."""
    params = GainParams(chi=0.5, probe_detuning_mev=detuning)
    energy = nonlinear_absorption(params, 0.0).energy_mev
    expected = first_zero(lambda x: float(np.interp(2100.0 + detuning, energy, nonlinear_absorption(params, x).net)),
                          params.n_search_max, n_scan=101, xtol=1e-7)
    assert math.isfinite(expected)
    assert gain_threshold(params, "probe").n_th == pytest.approx(expected, rel=1e-4)


def test_peak_threshold_is_the_minimum_gain():
    """`peak` ([002] Fig. 5e; docs/model.md 5.1): at <N_th> the largest net gain max_E(-OD_NL) is exactly
    gain_min_fraction of max OD_0 (spectra are in units of max OD_0)."""
    for fraction in (0.01, 0.1):
        params = GainParams(gain_min_fraction=fraction, chi=0.5)
        n_th = gain_threshold(params, "peak").n_th
        assert float(-nonlinear_absorption(params, n_th).net.min()) == pytest.approx(fraction, rel=1e-5)
        assert float(-nonlinear_absorption(params, 0.98 * n_th).net.min()) < fraction


def own_threshold(params: GainParams, method: str, n_e: int) -> float:
    """Threshold on an energy grid of n_e points: engine lines and functionals, own statistics and bisection."""
    geometry = geometry_for(params)
    line_set = build_lines(bath_for(params), positions_for(params, geometry), np.array([lattice_width_mev(params, geometry)]), params.xi, n_e=n_e)
    energy, lines, de = line_set.energy_mev[0], line_set.full()[0, 0], line_set.de_mev[0]
    reference = {"window": bare_se_weights(params) @ lines, "band": ground_coefficients(params) @ lines}.get(method)
    probe = np.array(geometry.emission_mev) if method == "probe" else None
    weights = coefficients_for(params) @ line_functionals(method, energy, np.asarray(de), lines, probe, reference)

    def criterion(x):
        probs = binomial(x, params.pump_sites) if params.pump_mode == "resonant" else poisson(x, weights.size - 1)
        probs = list(probs) + [0.0] * (weights.size - len(probs))
        if params.pump_mode != "resonant":
            probs[-1] = 1.0 - sum(probs[:-1])  # lumped tail: counts are constant beyond n_max
        return float(np.dot(probs, weights))

    limit = float(params.pump_sites) if params.pump_mode == "resonant" else params.n_search_max
    return first_zero(criterion, limit, n_scan=401)


CONVERGENCE_CASES = [
    (GainParams(), "window"), (GainParams(), "probe"), (GainParams(eta=0.5, stokes_mev=40.0), "band"),
    (GainParams(eta=0.5, stokes_mev=40.0), "probe"), (GainParams.from_preset("cdse_core"), "probe"),
    (GainParams.from_preset("simple_model_4ls"), "probe"), (GainParams.from_preset("simple_model_3ls"), "window"),
]


@pytest.mark.parametrize("params, method", CONVERGENCE_CASES)
def test_thresholds_converge_under_energy_grid_refinement(params, method):
    """Spectral thresholds are a property of the model, not of the 512-point grid: stable to 1e-3 relative
    when the grid is refined to 1024 and 2048 points (docs/model.md 5.1). Measured: at most 6.8e-4
    (eta = 0.5, Stokes 40 meV, probe), typically 1e-4."""
    engine = gain_threshold(params, method).n_th
    assert own_threshold(params, method, 512) == pytest.approx(engine, rel=1e-6)
    for n_e in (1024, 2048):
        assert own_threshold(params, method, n_e) == pytest.approx(engine, rel=1e-3), n_e


@pytest.mark.parametrize("name", ["default", "cdse_core", "simple_model_4ls"])
@pytest.mark.parametrize("method", ["window", "band"])
def test_band_thresholds_vary_smoothly_with_the_stokes_shift(name, method):
    """A band threshold ([000] Eq. 8 `window`, [002] `band`; docs/model.md 5.1) is a smooth function of the
    parameters: on 41 Stokes shifts from 18 to 22 meV it departs from a cubic fit by < 5e-4 relative.
    Measured: <= 1.1e-4; a plain (whole-cell) FWHM mask jitters by 0.3-1 % with the grid."""
    params = GainParams() if name == "default" else GainParams.from_preset(name)
    stokes = np.linspace(18.0, 22.0, 41)
    n_th = np.array([gain_threshold(params.with_updates(stokes_mev=float(s)), method).n_th for s in stokes])
    residual = n_th - np.polyval(np.polyfit(stokes, n_th, 3), stokes)
    assert np.abs(residual).max() < 5e-4 * n_th.mean()


@pytest.mark.parametrize("name", ["default", "cdse_core", "simple_model_3ls", "simple_model_4ls"])
def test_phase_cut_along_chi_equals_point_thresholds(name):
    """[000] Fig. 5a,c cuts through the operating point (docs/model.md 5.2) are the point thresholds and
    ratios at each chi, to 1e-3 relative (the cut's lines live on a different energy grid). Measured:
    at most 2.5e-4."""
    params = GainParams() if name == "default" else GainParams.from_preset(name)
    chi = np.linspace(-0.5, 2.0, 11)
    cuts = phase_cuts(params, chi, [params.eta])
    points = np.array([gain_threshold(params.with_updates(chi=float(c))).n_th for c in chi])
    ratios = np.array([sigma_eff_ratio(params.with_updates(chi=float(c))) for c in chi])
    finite = np.isfinite(points)
    assert finite.sum() >= 5
    np.testing.assert_array_equal(np.isfinite(cuts.n_th_vs_chi), finite)
    np.testing.assert_allclose(cuts.n_th_vs_chi[finite], points[finite], rtol=1e-3)
    np.testing.assert_allclose(cuts.ratio_vs_chi, ratios, atol=1e-3)


def test_phase_map_holds_by_hand():
    """docs/model.md 5.2: hold = "stokes" keeps Delta_SS on every eta row; hold = "fine_structure" keeps Delta_FS
    and dresses the lattice with lambda_DL = (Delta_FS/eta)^2/2kT, so Delta_SS = Delta_FS + 2(lambda_fixed +
    lambda_DL) grows as eta falls ([000] Eq. 7)."""
    params = GainParams()
    eta = np.array([0.5, 2.0, 10.0])
    fine = hand_fine_structure()
    lam_fixed = 0.1 * 26.0 + (6.0 / FWHM_PER_SIGMA) ** 2 / (2.0 * K_B * 295.0)
    held_fs = phase_maps(params, [1.0], eta, hold="fine_structure")["n_th"]
    expected = fine + 2.0 * (lam_fixed + (fine / eta) ** 2 / (2.0 * K_B * 295.0))
    np.testing.assert_allclose(held_fs.stokes_mev, expected, rtol=1e-9)
    np.testing.assert_allclose(held_fs.fine_structure_mev, fine, rtol=1e-9)
    held_ss = phase_maps(params, [1.0], eta, hold="stokes")["n_th"]
    np.testing.assert_allclose(held_ss.stokes_mev, 20.0, rtol=1e-12)
    np.testing.assert_allclose(held_ss.fine_structure_mev, [hand_fine_structure(20.0, e) for e in eta], rtol=1e-9)


def test_threshold_falls_monotonically_with_plqy_on_a_fine_grid():
    """[000] Fig. 4a,b: trapping (1 - PLQY) raises <N_th> and lowers sigma_eff/sigma_SE; no reversal on 41
    points from PLQY 0.2 to 1 for the CdSe-core preset, every method."""
    params = GainParams.from_preset("cdse_core")
    plqy = np.linspace(0.2, 1.0, 41)
    for method in ("probe", "window", "band", "total"):
        n_th = np.array([gain_threshold(params.with_updates(plqy=float(q)), method).n_th for q in plqy])
        assert np.isfinite(n_th).all() and np.all(np.diff(n_th) < 0), method
    ratios = np.array([sigma_eff_ratio(params.with_updates(plqy=float(q))) for q in plqy])
    assert np.all(np.diff(ratios) > 0)


def test_threshold_rises_with_chi_on_a_fine_grid():
    """[000] Fig. 5a: at eta = 10 the window threshold rises as the ESA moves into the SE band (chi 0 -> 0.65),
    point by point on 27 values (the maximum is at chi ~ 0.69; beyond it the XX gain 15 meV below the SE
    line lowers the window threshold again, docs/model_notes.md)."""
    chi = np.linspace(0.0, 0.65, 27)
    n_th = np.array([gain_threshold(GainParams(chi=float(c))).n_th for c in chi])
    assert np.all(np.diff(n_th) > 0)


# ----------------------------------------------------------------------------- level schemes and presets


def test_level_scheme_variants_are_the_papers_schemes():
    """[001] Figs. 8-9, [000] Fig. 3 (docs/model.md 2): the 2LS has no Stokes shift (sites g = 2, binomial:
    threshold exactly 1); the 3LS puts the whole Stokes shift into fine structure and emits only from X_E
    (SE_A weight 0), a true three-level laser needing inversion (<N_th> >= ~1); the 4LS puts it into the
    lattice (Delta_FS ~ 0) and needs less than the 3LS."""
    base = GainParams.from_preset("simple_model_3ls")
    variants = level_scheme_variants(base)
    assert gain_threshold(variants["2LS"]).n_th == pytest.approx(1.0, abs=1e-6)
    three, four = variants["3LS"], variants["4LS"]
    assert geometry_for(three).fine_structure_mev == pytest.approx(40.0, abs=1e-9)
    assert geometry_for(four).fine_structure_mev < 0.5
    assert coefficients_for(three)[1, LINE_NAMES.index("SE_A")] == 0.0
    assert gain_threshold(three).n_th == pytest.approx(1.0, abs=0.1)
    assert gain_threshold(four).n_th < 0.5 * gain_threshold(three).n_th
    assert not three.include_esa and variants["3LS+ESA"].include_esa
    assert gain_threshold(variants["3LS+ESA"]).n_th > gain_threshold(three).n_th


@pytest.mark.parametrize("name, esa, band, pin, ratio_band, ratio_pin", [
    ("simple_model_3ls", False, (1.0, 0.1), 1.029780, (1.0, 1e-9), 1.0),
    ("simple_model_3ls", True, (1.5, 0.1), 1.512264, (0.3, 0.05), 0.340623),
    ("simple_model_4ls", False, (0.5, 0.1), 0.471721, (1.0, 1e-9), 1.0),
    ("simple_model_4ls", True, (1.0, 0.1), 0.997818, (0.3, 0.05), 0.310752),
])
def test_simple_model_numbers_of_001_fig_8(name, esa, band, pin, ratio_band, ratio_pin):
    """Zenatti & Kambhampati, A Path towards Thresholdless Colloidal Quantum Dot Lasers, Fig. 8c-f: 3LS
    <N_th> 1.0 -> 1.5 with ESA, 4LS 0.5 -> 1.0; sigma_eff/sigma_SE 1 -> 0.3. Physics band (+-0.1, +-0.05) and a
    regression pin (rel 2e-3) of the current model value."""
    params = GainParams.from_preset(name, include_esa=esa)
    n_th = gain_threshold(params).n_th
    assert n_th == pytest.approx(band[0], abs=band[1])
    assert n_th == pytest.approx(pin, rel=2e-3)
    ratio = sigma_eff_ratio(params)
    assert ratio == pytest.approx(ratio_band[0], abs=ratio_band[1])
    assert ratio == pytest.approx(ratio_pin, rel=2e-3)


def test_regression_pins_of_other_key_numbers():
    """Regression pins (rel 2e-3) beside physics bands: CdSe cores [001] <N_th> 1.5 +- 0.1 (Fig. 10b) and
    ratio 0.10 +- 0.04; the default point (window, [000] Eq. 8); the doped film of [002] (Fig. 5b, 1.51)."""
    cdse = GainParams.from_preset("cdse_core")
    assert gain_threshold(cdse).n_th == pytest.approx(1.5, abs=0.1)
    assert gain_threshold(cdse).n_th == pytest.approx(1.523199, rel=2e-3)
    assert sigma_eff_ratio(cdse) == pytest.approx(0.10, abs=0.04)
    assert sigma_eff_ratio(cdse) == pytest.approx(0.094632, rel=2e-3)
    assert gain_threshold(GainParams()).n_th == pytest.approx(1.875686, rel=2e-3)
    film = GainParams.from_preset("doped_film_002")
    assert gain_threshold(film).n_th == pytest.approx(1.51, abs=0.05)
    assert gain_threshold(film).n_th == pytest.approx(1.492004, rel=2e-3)


# ----------------------------------------------------------------------------- 8. Auger cascade


def hand_auger_rate(n_exc: int, n_doped: int, tau_xx: float) -> float:
    """[002] SI eqs. S20-S22: k(N, n) = (k_XX/8)(N+n) N [max(N+n-1,0) + max(N-1,0)], k_XX = 1/tau_XX."""
    return (n_exc + n_doped) * n_exc * (max(n_exc + n_doped - 1, 0) + max(n_exc - 1, 0)) / (8.0 * tau_xx)


def test_auger_rates_by_hand():
    """[002] SI eq. S22: k(1,0) = 0 (the single exciton does not decay on this time scale), k(2,0) = k_XX,
    k(3,0) = 4.5 k_XX (tau_XXX = 68.9 ps at tau_XX = 310 ps), k(1,1) = k_XX/4, k(1,2) = 3 k_XX/4."""
    tau = 310.0
    assert auger_rate(1, 0, tau) == 0.0
    assert auger_rate(2, 0, tau) == pytest.approx(1.0 / tau, rel=1e-12)
    assert 1.0 / auger_rate(3, 0, tau) == pytest.approx(68.89, abs=0.01)
    assert auger_rate(1, 1, tau) == pytest.approx(0.25 / tau, rel=1e-12)
    assert auger_rate(1, 2, tau) == pytest.approx(0.75 / tau, rel=1e-12)
    for n_doped in (0, 1, 2):
        for n_exc in range(0, 12):
            assert auger_rate(n_exc, n_doped, tau) == pytest.approx(hand_auger_rate(n_exc, n_doped, tau), rel=1e-12, abs=0.0)


def hand_generator(n_doped: int, n_max: int, tau: float) -> np.ndarray:
    """Pure-death chain N -> N - 1 ([002] SI eq. S19), typed here."""
    k = np.zeros((n_max + 1, n_max + 1))
    for n_exc in range(1, n_max + 1):
        rate = hand_auger_rate(n_exc, n_doped, tau)
        k[n_exc, n_exc] = -rate
        k[n_exc - 1, n_exc] = rate
    return k


@pytest.mark.parametrize("n_doped", [0, 1, 2])
def test_auger_cascade_conserves_population(n_doped):
    """[002] SI eq. S19: every column of the rate matrix sums to zero and the propagated populations stay
    normalised and non-negative; the generator equals the one typed here."""
    generator = cascade_generator(n_doped, 30, 310.0)
    np.testing.assert_allclose(generator.sum(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(generator, hand_generator(n_doped, 30, 310.0), rtol=1e-12, atol=0.0)
    time_ps = np.linspace(0.0, 2500.0, 101)
    initial = np.array(poisson(4.0, 30))[:, None]
    initial[-1] += 1.0 - initial.sum()
    populations = propagate(initial, generator, time_ps)
    np.testing.assert_allclose(populations.sum(axis=1), 1.0, atol=1e-12)
    assert populations.min() > -1e-12
    np.testing.assert_allclose(populations[-1, :, 0], expm(hand_generator(n_doped, 30, 310.0) * 2500.0) @ initial[:, 0], atol=1e-10)


def test_gain_dynamics_by_hand_in_the_counting_limit():
    """[002] SI section 1.5 (eqs. S18-S22, Fig. 5c) with coincident lines: A*(t)/A_0 = sum_N F_N(t)(U - D)/U_0,
    F(t) = exp(K t) P(<N_X>) with the hand-typed generator; the gain lifetime is the time A* stays below
    -1 % of the linear absorption (docs/model.md 5.4 detection floor), interpolated linearly."""
    params = coincident(tau_xx_ps=310.0)
    n_x = np.array([2.0, 4.0, 6.0])
    dynamics = gain_dynamics(params, n_x_values=n_x)
    time_ps = dynamics.time_ps
    n_max = 60
    for level in (0, 1, 2):
        sector = np.array([(lambda u, d: (u - d) / 8.0)(*transitions_ud(2, 4, n, level)) for n in range(n_max + 1)])
        step = expm(hand_generator(level, n_max, 310.0) * (time_ps[1] - time_ps[0]))
        for j, x in enumerate(n_x):
            f = np.array(poisson(float(x), n_max))
            a_star = []
            for _ in time_ps:
                a_star.append(float(sector @ f))
                f = step @ f
            a_star = np.array(a_star)
            np.testing.assert_allclose(dynamics.a_star[level, j], a_star, atol=1e-9)
            below = a_star < -0.01
            if not below[0]:
                expected = 0.0
            elif below.all():
                expected = time_ps[-1]
            else:
                k = int(np.argmin(below))
                t0, t1, a0, a1 = time_ps[k - 1], time_ps[k], a_star[k - 1] + 0.01, a_star[k] + 0.01
                expected = t0 + (t1 - t0) * (-a0) / (a1 - a0)
            assert dynamics.gain_lifetime_ps[level, j] == pytest.approx(expected, abs=1e-6)
    assert 0.0 < dynamics.gain_lifetime_ps[2, -1] < time_ps[-1]


def test_standard_model_scales_tau_with_volume():
    """[001] section 1, [000] Fig. 4c inset (docs/model.md 5.5): tau_XX ~ V ~ d^3 from the operating point's
    dot volume; at the reference diameter the threshold is the counting threshold read after the Auger
    cascade at the probe delay (own generator, own bisection)."""
    params = GainParams(dot_volume_nm3=100.0, tau_xx_ps=200.0)
    d_ref = (6.0 * 100.0 / math.pi) ** (1.0 / 3.0)
    result = standard_model(params, np.array([d_ref, 2.0 * d_ref, 0.5 * d_ref]), probe_delay_ps=50.0)
    np.testing.assert_allclose(result.tau_xx_ps, [200.0, 1600.0, 25.0], rtol=1e-9)
    n_max = 40
    sector = np.array([(lambda u, d: (u - d) / 8.0)(*transitions_ud(2, 4, n, 0)) for n in range(n_max + 1)])
    for tau, n_th in zip((200.0, 25.0), (result.n_th[0], result.n_th[2])):
        observable = expm(hand_generator(0, n_max, tau).T * 50.0) @ sector
        expected = first_zero(lambda x: float(np.dot(poisson(x, n_max), observable)), 10.0)
        assert n_th == pytest.approx(expected, abs=1e-4)
    assert result.n_th_counting == pytest.approx(1.5423, abs=1e-4)


# ----------------------------------------------------------------------------- ASE gain coefficient


def test_material_gain_coefficient_by_hand():
    """[002]: g = -A ln10/d in cross-section form g = -n_QD sigma_A,peak OD_NL/max OD_0, n_QD = phi/V_dot
    (docs/model.md 5.3): phi = 0.2, V = 100 nm^3 -> 2e18 cm^-3; sigma = 4e-16 cm^2 -> 800 cm^-1 per unit OD."""
    params = GainParams(volume_fraction=0.2, dot_volume_nm3=100.0, sigma_abs_peak_cm2=4e-16)
    np.testing.assert_allclose(qdgain_core.gain_coefficient_cm(params, np.array([-1.0, 0.5])), [800.0, -400.0], rtol=1e-12)

"""Physics invariants and the papers' numbers for qdgain_core (issue 2, item 9).

Tolerances: counting results are exact sums, checked to the bisection accuracy (1e-6);
spectral results carry the energy-grid discretisation (512 points, ~1 meV), so window
quantities are compared to ~1e-3 relative; McCumber slopes carry the classical
Drude-Lorentz approximation and the Lorentzian electronic width (a few per cent).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qdgain_core import (
    GainParams,
    auger_rate,
    counting_threshold,
    doping_fractions,
    gain_dynamics,
    gain_threshold,
    geometry_for,
    nonlinear_absorption,
    phase_maps,
    sigma_eff_ratio,
)
from qdgain_core.crossing import search_limit
from qdgain_core.dynamics import cascade_generator, propagate
from qdgain_core.ensemble import (
    LINE_A,
    LINE_A_E,
    LINE_ESA_E,
    LINE_HIGH_A,
    LINE_HIGH_SE,
    LINE_SE_A,
    LINE_SE_E,
    LINE_TRION_A,
    LINE_TRION_SE,
    LINE_XX,
    bare_se_weights,
    coefficients_for,
    ground_coefficients,
    lines_for,
    transition_counts,
)
from qdgain_core.lineshapes import (
    K_B_MEV_PER_K,
    BathSpec,
    absorption_kernels,
    place_lines,
)
from qdgain_core.statistics import poisson_probabilities

KS_CASES = [
    {},
    {"xi": 2.0, "high_offset_mev": 80.0},
    {"xi": 1.5, "eta": 1.0, "stokes_mev": 30.0},
    {"huang_rhys": 0.5},
    {"eta": 0.5, "stokes_mev": 40.0},
    {"bath_cutoff_mev": 20.0, "eta": 0.3, "stokes_mev": 60.0},
    {"temperature_k": 77.0, "stokes_mev": 10.0},
    {"homogeneous_fwhm_mev": 20.0, "stokes_mev": 30.0},
]


@pytest.mark.parametrize("changes", KS_CASES)
def test_kennard_stepanov_holds_across_the_whole_band(changes):
    """ln(sigma_SE/sigma_A) is linear in E with slope -1/kT (within 3 %) wherever both exceed 1e-3 of
    their peak, for each line pair (X_A, X_E) and for the thermalized exciton manifold, homogeneous
    ensemble (docs/model.md, lineshapes; [000] Eqs. 1, 4); also the biexciton pair (XX and its
    partner ESA_E, with rho = (xi - 1)^2) and the second transition. v1's Lorentzian wings gave -0.85/kT."""
    params = GainParams(inhomogeneous_fwhm_mev=0.0, **changes)
    energy, lines, _ = lines_for(params)
    kt = K_B_MEV_PER_K * params.temperature_k
    pairs = [(lines[LINE_A], lines[LINE_SE_A]), (lines[LINE_A_E], lines[LINE_SE_E]),
             (lines[LINE_HIGH_A], lines[LINE_HIGH_SE]), (lines[LINE_TRION_A], lines[LINE_TRION_SE]),
             (ground_coefficients(params) @ lines, bare_se_weights(params) @ lines)]
    if params.xi != 1.0:
        # with xi = 1 the biexciton pair carries only the 2.5 meV electronic width, which a ~1 meV grid
        # samples too coarsely for a 3 % slope (-0.95/kT measured; docs/model_notes.md)
        pairs.append((lines[LINE_ESA_E], lines[LINE_XX]))
    for absorption, emission in pairs:
        both = (absorption > 1e-3 * absorption.max()) & (emission > 1e-3 * emission.max())
        assert both.sum() >= 12
        log_ratio = np.log(emission[both] / absorption[both])
        slope, intercept = np.polyfit(energy[both], log_ratio, 1)
        assert slope * kt == pytest.approx(-1.0, abs=0.03)
        # residual bound: LO sidebands of S = 0.5 sampled on a ~0.9 meV grid leave ~0.11 in ln
        assert np.abs(log_ratio - (slope * energy[both] + intercept)).max() < 0.12


def test_lorentzian_wings_would_fail_the_kennard_stepanov_test():
    """The test above can fail: a Lorentzian (v1) electronic width breaks the slope in the wings."""
    bath = BathSpec("cumulant", 295.0, 26.0, 0.0, 5.0, 1.0, 0.0, 40.0)
    de, lo = np.array([0.5]), np.array([1800.0])
    kernel = absorption_kernels(np.array([10.0]), de, 1.0, bath)
    m = kernel.shape[1]
    t = np.arange(m) * 2.0 * np.pi / (m * de[0])
    lorentz = np.real(np.fft.ifft(np.fft.fft(kernel[0]) * np.exp(-3.0 * t)))[None, :]
    absorption = place_lines(lorentz, np.array([[2000.0]]), lo, de, emission=False)[0, 0]
    emission = place_lines(lorentz, np.array([[2000.0 - 20.0]]), lo, de, emission=True)[0, 0]
    energy = lo[0] + de[0] * np.arange(absorption.size)
    both = (absorption > 1e-3 * absorption.max()) & (emission > 1e-3 * emission.max())
    slope = np.polyfit(energy[both], np.log(emission[both] / absorption[both]), 1)[0]
    assert abs(slope * K_B_MEV_PER_K * 295.0 + 1.0) > 0.03


def test_lines_are_area_normalised():
    energy, lines, _ = lines_for(GainParams(chi=0.4, xi=1.7, plqy=0.6))
    de = energy[1] - energy[0]
    np.testing.assert_allclose(lines.sum(axis=1) * de, 1.0, rtol=1e-12)


RANDOM_CASES = [
    dict(chi=0.3, eta=0.5, xx_binding_mev=-40.0, xi=2.0),
    dict(chi=1.4, eta=3.0, stokes_mev=60.0, inhomogeneous_fwhm_mev=0.0),
    dict(lineshape_model="gaussian", chi=0.7, gaussian_fwhm_mev=25.0),
    dict(g_e=2, g_h=2, chi=0.1, eta=0.05, n_doped=0.7),
    dict(g_e=8, g_h=8, chi=0.9, include_esa=False),
]


@pytest.mark.parametrize("changes", RANDOM_CASES)
def test_total_threshold_equals_transition_counting(changes):
    """Integrated over all E, OD_NL is pure counting whatever the spectra (plqy = 1)."""
    params = GainParams(**changes)
    expected = counting_threshold(
        params.g_e, params.g_h, fractions=doping_fractions(params.n_doped, params.charging_energy_mev, params.doping_temperature_k)
    )
    assert gain_threshold(params, "total").n_th == pytest.approx(expected, abs=1e-6)


def test_counting_numbers_of_002_fig_s4():
    assert counting_threshold(2, 4) == pytest.approx(1.54, abs=0.005)
    assert counting_threshold(2, 4, saturate=False) == pytest.approx(4.0 / 3.0, abs=1e-6)


def test_zero_threshold_at_two_electrons_per_dot():
    assert counting_threshold(2, 4, n_doped=2) == 0.0
    for method in ("window", "band", "total", "probe"):
        assert gain_threshold(GainParams(n_doped=2.0), method).n_th == 0.0
    peak = gain_threshold(GainParams(n_doped=2.0), "peak").n_th
    assert 0.0 < peak < 0.1, "peak needs a finite gain (1 % of max OD_0), so it stays just above zero"


def test_equal_shifts_and_widths_reduce_to_counting_in_every_window():
    """All lines at one energy with one shape: every linear method equals counting."""
    params = GainParams(lineshape_model="gaussian", stokes_mev=0.0, chi=0.0, xx_binding_mev=0.0, trap_shift_mev=0.0)
    for method in ("window", "band", "probe", "total"):
        assert gain_threshold(params, method).n_th == pytest.approx(counting_threshold(2, 4), abs=1e-6)


@pytest.mark.parametrize("n_doped", [0.0, 0.3, 0.94, 1.5, 1.99, 2.0])
@pytest.mark.parametrize("sigma_1s_mv", [0.0, 110.0])
def test_doping_fractions_sum_to_one_and_return_the_mean(n_doped, sigma_1s_mv):
    fractions = doping_fractions(n_doped, 5.0, 295.0, sigma_1s_mv)
    assert sum(fractions) == pytest.approx(1.0, abs=1e-12)
    assert min(fractions) >= 0.0
    assert fractions[1] + 2 * fractions[2] == pytest.approx(n_doped, abs=1e-9)


def test_doping_fractions_reject_out_of_range():
    with pytest.raises(ValueError, match="n_doped"):
        doping_fractions(2.5)


def test_triexciton_lifetime_of_002_eq_s22():
    assert 1.0 / auger_rate(3, 0, 310.0) == pytest.approx(68.9, abs=0.05)
    assert auger_rate(1, 0, 310.0) == 0.0
    assert 1.0 / auger_rate(2, 0, 310.0) == pytest.approx(310.0)


def test_auger_cascade_conserves_population_and_matches_closed_form():
    time_ps = np.linspace(0.0, 1000.0, 201)
    initial = poisson_probabilities(np.array([3.0]), 30).T
    populations = propagate(initial, cascade_generator(0, 30, 310.0), time_ps)
    np.testing.assert_allclose(populations.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(populations > -1e-14)
    p2_only = propagate(np.eye(31)[:, [2]], cascade_generator(0, 30, 310.0), time_ps)
    np.testing.assert_allclose(p2_only[:, 2, 0], np.exp(-time_ps / 310.0), rtol=1e-9)


def test_gain_lifetime_grows_with_excitation_and_doping():
    """[002] Fig. 5c: lifetimes increase with <N_X> and with <n_1S(e)>."""
    dynamics = gain_dynamics(GainParams(), n_x_values=np.array([2.0, 4.0, 6.0]))
    lifetimes = dynamics.gain_lifetime_ps
    assert np.all(np.diff(lifetimes[0]) > 0)
    assert np.all(lifetimes[2] > lifetimes[0])
    assert 500.0 < lifetimes[2, -1] < 2000.0  # [002] Fig. 5c: ~1 ns, a factor of 2 (docs/model_notes.md)
    assert lifetimes[2, -1] == pytest.approx(1485.5, rel=0.02)  # regression pin


def test_threshold_falls_and_cross_section_rises_as_lattice_dressing_grows():
    """[000] Fig. 5b,d: at fixed chi < 1, lowering eta lowers <N_th> and raises sigma_eff/sigma_SE.

    Checked for 0.1 <= eta <= 3; above eta ~ 5 the Stokes shift no longer changes and the
    window threshold is flat to within 0.3 % (docs/model_notes.md).
    """
    eta = np.geomspace(0.1, 3.0, 9)
    maps = phase_maps(GainParams(), [0.5], eta)
    n_th = maps["n_th"].values[:, 0]
    ratio = maps["sigma_ratio"].values[:, 0]
    assert np.all(np.diff(n_th) > 0)
    assert np.all(np.diff(ratio) <= 1e-9)


def test_threshold_rises_as_esa_approaches_the_emission():
    """[000] Fig. 5a: at fixed eta, <N_th> rises with chi from 0 to 0.7 (ESA moves into the SE band).

    The maximum sits at chi ~ 0.75, not exactly 1: the biexciton emission 15 meV below the SE
    line adds gain on the red side; past the maximum the window threshold falls again
    (docs/model_notes.md).
    """
    chi = np.linspace(0.0, 0.7, 8)
    n_th = phase_maps(GainParams(), chi, [10.0])["n_th"].values[0]
    assert np.all(np.diff(n_th) > 0)


def test_cdse_anchor_sits_on_the_model_at_the_presets_own_chi_and_eta():
    """[000] Fig. 5 / [001] Fig. 10b: CdSe cores at chi ~ 1, eta ~ 10 have <N_th> = 1.5 and sigma ratio 0.10.

    Tolerances: 0.1 on the threshold (the spread of [001] Fig. 10b's CdSe points), 0.04 on the
    ratio ([001]: 0.05-0.10 in most measurements); the preset's chi must stay within 0.8-1.2.
    """
    cdse = GainParams.from_preset("cdse_core")
    assert 0.8 <= cdse.chi <= 1.2 and cdse.eta >= 5.0
    assert gain_threshold(cdse).n_th == pytest.approx(1.5, abs=0.1)
    assert sigma_eff_ratio(cdse) == pytest.approx(0.10, abs=0.04)
    assert gain_threshold(cdse).n_th == pytest.approx(1.5232, rel=2e-3)


def test_plqy_trends_of_000_fig_4ab():
    plqy = [0.3, 0.6, 1.0]
    thresholds = [gain_threshold(GainParams(plqy=q, chi=0.6)).n_th for q in plqy]
    ratios = [sigma_eff_ratio(GainParams(plqy=q, chi=0.6)) for q in plqy]
    assert thresholds[0] > thresholds[1] > thresholds[2]
    assert ratios[0] <= ratios[1] <= ratios[2] and ratios[2] > ratios[0]


def test_spectra_parts_sum_to_net_and_linear_absorption_peaks_at_one():
    spectra = nonlinear_absorption(GainParams(n_avg=2.0, plqy=0.8))
    parts = spectra.ground_state_absorption + spectra.excited_state_absorption
    np.testing.assert_allclose(parts - spectra.stimulated_emission - spectra.biexciton_emission, spectra.net, atol=1e-12)
    assert spectra.linear_absorption.max() == pytest.approx(1.0)
    zero = nonlinear_absorption(GainParams(n_avg=0.0))
    np.testing.assert_allclose(zero.net, zero.linear_absorption, atol=1e-12)


def test_geometry_reproduces_stokes_shift_and_eta():
    params = GainParams(stokes_mev=40.0, eta=2.0)
    geometry = geometry_for(params)
    assert geometry.stokes_mev == pytest.approx(40.0, abs=1e-9)
    assert geometry.fine_structure_mev / geometry.phonon_width_mev == pytest.approx(2.0, rel=1e-9)
    assert geometry.fine_structure_mev + 2 * geometry.reorganization_mev == pytest.approx(40.0)


def test_no_gain_is_reported_with_a_reason_not_a_number():
    params = GainParams(plqy=0.01, n_search_max=1.0)
    threshold = gain_threshold(params, "window")
    assert not threshold.found and threshold.n_th == float("inf")
    assert "search limit" in threshold.reason
    assert "no gain" in threshold.as_text()
    limit, reason = search_limit("resonant", 2, 10.0)
    assert limit == 2.0 and "saturates" in reason


@pytest.mark.parametrize("method", ["window", "band", "total", "probe", "peak"])
def test_phase_map_matches_operating_point(method):
    params = GainParams(chi=0.6, eta=2.0, plqy=0.9)
    maps = phase_maps(params, [0.2, 0.6], [geometry_for(params).eta_effective, 5.0], method)
    assert maps["n_th"].values[0, 1] == pytest.approx(gain_threshold(params, method).n_th, rel=1e-4)
    assert maps["sigma_ratio"].values[0, 1] == pytest.approx(sigma_eff_ratio(params), rel=1e-6)


def test_unsaturated_counts_can_go_negative_but_saturated_cannot():
    up, down = transition_counts(2, 4, np.arange(8), 0, saturate=False)
    assert (up < 0).any()
    up, down = transition_counts(2, 4, np.arange(8), 2)
    assert (up >= 0).all() and (down <= 8).all()
    assert coefficients_for(GainParams())[0, [LINE_A, LINE_A_E]].sum() == pytest.approx(1.0)
    assert coefficients_for(GainParams())[0, LINE_A_E] == pytest.approx(0.5)


def test_measured_002_film_trend_is_reproduced_by_counting_with_disordered_doping():
    """[002] Fig. 5b: <N_gain> 1.51, 0.80, 0.09 at <n> = 0, 0.94, 1.99 (measured).

    Counting + grand-canonical doping (sigma_1S = 110 mV, V_C = 5 meV) gives 1.54, 1.06,
    0.02. Tolerances: 0.05 at <n> = 0 and 0.1 at 1.99; at 0.94 an explicit deviation of
    up to 0.3: counting over-estimates the measured 0.80 by 0.26. [002]'s Eq. 1 is the same
    counting, and no doping distribution of mean 0.94 brings it below 0.905
    (docs/model_notes.md).
    """
    measured = {0.0: (1.51, 0.05), 0.94: (0.80, 0.3), 1.99: (0.09, 0.1)}
    for n_doped, (n_gain, tolerance) in measured.items():
        fractions = doping_fractions(n_doped, 5.0, 295.0, 110.0)
        assert counting_threshold(2, 4, fractions=fractions) == pytest.approx(n_gain, abs=tolerance)


def test_params_are_validated_with_field_value_and_range():
    with pytest.raises(ValueError, match=r"chi: 9\.0 is outside the allowed range \[-2, 3\]"):
        GainParams(chi=9.0)
    with pytest.raises(ValueError, match="eta"):
        GainParams(eta=float("nan"))
    with pytest.raises(ValueError, match="pump_mode"):
        GainParams(pump_mode="laser")
    params = GainParams()
    assert hash(params) == hash(dataclasses.replace(params))


@pytest.mark.parametrize("charging_mev, temperature_k, sigma_mv", [(50.0, 4.0, 0.0), (50.0, 4.0, 50.0), (200.0, 10.0, 0.0)])
def test_doping_statistics_stay_exact_at_low_temperature(charging_mev, temperature_k, sigma_mv):
    """V_C >> kT: exp(-V_C/kT) underflows in a naive closed form; the log-space form keeps <n>."""
    for n_doped in (0.3, 1.0, 1.7):
        fractions = doping_fractions(n_doped, charging_mev, temperature_k, sigma_mv)
        assert np.all(np.isfinite(fractions)) and sum(fractions) == pytest.approx(1.0)
        assert fractions[1] + 2 * fractions[2] == pytest.approx(n_doped, abs=1e-9)
    from qdgain_core import electrons_vs_potential

    deep = electrons_vs_potential(np.array([-3000.0, 3000.0]), -1000.0, charging_mev, temperature_k, sigma_mv)
    np.testing.assert_allclose(deep, [2.0, 0.0], atol=1e-9)

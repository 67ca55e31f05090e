"""Invariants of the figure series (qdgain_core/figure_series.py): each curve meets the core's own numbers.

Tolerances: batched thresholds are bisected to ~1e-8 (the point thresholds use Brent to
1e-8), so they agree to 1e-6 relative; single-wavelength thresholds use OD_NL(E) < 0 while
the probe method counts W <= 1e-12 (line units) as gain, which matters only where OD_0(E)
is tiny, so they are compared where OD_0 >= 1e-3 max OD_0, to 2e-4 relative.
"""

from __future__ import annotations

import numpy as np
import pytest

from qdgain_core import (
    GainParams,
    counting_curves,
    counting_threshold,
    esa_binding_series,
    gain_at_energy_vs_n,
    gain_coefficient_cm,
    gain_threshold,
    level_scheme_variants,
    nonlinear_absorption,
    plqy_series,
    sigma_eff_ratio,
    single_wavelength_thresholds,
    size_series,
    standard_model,
    two_photon_slope,
)
from qdgain_core.constants import PLANCK_EV_NM
from qdgain_core.standard_model import reference_diameter_nm

E_605_MEV = PLANCK_EV_NM * 1e3 / 605.0


def _preset(name: str, **changes) -> GainParams:
    return GainParams.from_preset(name, **changes)


@pytest.mark.parametrize("name", ["cdse_core", "cdse_graded_alloy", "doped_film_002"])
def test_plqy_series_at_the_operating_plqy_is_the_operating_point(name):
    params = _preset(name, plqy=0.7)
    series = plqy_series(params, [0.3, 0.7, 1.0])
    assert series.method == params.threshold_method
    assert series.n_th[1] == pytest.approx(gain_threshold(params).n_th, rel=1e-6)
    assert series.sigma_ratio[1] == pytest.approx(sigma_eff_ratio(params), rel=1e-12)
    assert series.n_th[0] == pytest.approx(gain_threshold(params.with_updates(plqy=0.3)).n_th, rel=1e-6)


def test_plqy_series_of_cdse_falls_and_rises_as_in_000_fig4():
    series = plqy_series(_preset("cdse_core"))
    assert series.plqy[0] == 0.2 and series.plqy[-1] == 1.0 and series.plqy.size == 41
    assert np.all(np.diff(series.n_th) < 0) and np.all(np.diff(series.sigma_ratio) > 0)


@pytest.mark.parametrize("name", ["cdse_core", "doped_film_002", "cspbbr3"])
def test_size_series_at_the_reference_diameter_is_the_operating_point(name):
    params = _preset(name)
    d_ref = reference_diameter_nm(params)
    series = size_series(params, [0.8 * d_ref, d_ref, 1.2 * d_ref])
    assert series.reference_diameter_nm == pytest.approx(d_ref)
    assert series.stokes_mev[1] == pytest.approx(params.stokes_mev) and series.chi[1] == pytest.approx(params.chi)
    assert series.n_th[1] == pytest.approx(gain_threshold(params).n_th, rel=1e-12)
    assert series.esa_offset_mev == pytest.approx(params.chi * params.stokes_mev)
    np.testing.assert_allclose(series.chi * series.stokes_mev, series.esa_offset_mev)
    np.testing.assert_array_equal(series.standard_model_n_th, standard_model(params, series.diameters_nm).n_th)


def test_size_series_nans_diameters_outside_the_parameter_ranges():
    params = _preset("cdse_core")
    series = size_series(params)
    assert series.diameters_nm[0] == 2.0 and series.diameters_nm[-1] == 8.0
    big = series.chi > 3.0
    assert big.any() and not series.in_domain[big].any() and np.isnan(series.n_th[big]).all()
    assert np.isfinite(series.n_th[series.in_domain]).all()
    assert "8 nm" in series.domain_note
    three, six = (int(np.argmin(np.abs(series.diameters_nm - d))) for d in (3.0, 6.0))
    # [000] Fig. 4c: lower for smaller dots; the Auger/1/V Standard Model the other way round
    assert series.n_th[three] < series.n_th[six]
    assert series.standard_model_n_th[three] > series.standard_model_n_th[six]


@pytest.mark.parametrize("name", ["simple_model_3ls", "cdse_core"])
def test_esa_binding_at_the_variants_own_offset_is_their_point_threshold(name):
    params = _preset(name)
    variants = level_scheme_variants(params)
    stokes = variants["3LS+ESA"].stokes_mev
    own = params.chi * stokes
    series = esa_binding_series(params, [own - 10.0, own, own + 10.0])
    assert series.variants == ("3LS+ESA", "4LS+ESA")
    for i, key in enumerate(series.variants):
        variant = variants[key]
        assert series.n_th_se_peak[i, 1] == pytest.approx(gain_threshold(variant, "probe").n_th, rel=1e-6)
        assert series.n_th_first_gain[i, 1] == pytest.approx(gain_threshold(variant, "peak").n_th, rel=1e-6)
        assert series.no_esa_se_peak[i] == gain_threshold(variants[key.removesuffix("+ESA")], "probe").n_th
    assert set(series.curves) == {f"{v}, {w}" for v in series.variants for w in ("first net gain", "SE maximum")}


def test_esa_binding_of_the_simple_model_peaks_where_the_esa_meets_the_se():
    """[001] Fig. 8g-h: ESA on the SE line (offset = Stokes shift) raises the SE-peak threshold most."""
    series = esa_binding_series(_preset("simple_model_3ls"))
    assert series.chi[0] == -2.0 and series.chi[-1] == 3.0
    for i in range(2):
        top = series.offsets_mev[int(np.argmax(series.n_th_se_peak[i]))]
        assert abs(top - series.stokes_mev) <= 0.2 * series.stokes_mev
        assert series.n_th_se_peak[i].max() > series.no_esa_se_peak[i]


@pytest.mark.parametrize(("name", "n_doped"), [("doped_film_002", 1.99), ("doped_film_002", 0.0), ("cdse_core", 0.0)])
def test_single_wavelength_thresholds_are_probe_thresholds(name, n_doped):
    params = _preset(name, n_doped=n_doped)
    series = single_wavelength_thresholds(params)
    linear = nonlinear_absorption(params, 0.0).linear_absorption
    band = np.flatnonzero(linear >= 1e-3)
    for j in band[:: max(1, band.size // 8)]:
        probe = gain_threshold(params.with_updates(
            threshold_method="probe", probe_detuning_mev=float(series.energy_mev[j] - params.e_a_mev)))
        if probe.found:
            assert series.n_th[j] == pytest.approx(probe.n_th, rel=2e-4)
        else:
            assert np.isnan(series.n_th[j])


@pytest.mark.parametrize("name", ["doped_film_002", "cdse_core", "simple_model_4ls"])
def test_single_wavelength_minimum_is_the_first_gain_anywhere(name):
    params = _preset(name, n_doped=0.94) if name == "doped_film_002" else _preset(name)
    series = single_wavelength_thresholds(params, gain_min_fraction=params.gain_min_fraction)
    assert np.nanmin(series.n_th) == pytest.approx(gain_threshold(params, "peak").n_th, rel=1e-6)


def test_single_wavelength_thresholds_of_the_doped_film():
    film = _preset("doped_film_002", n_doped=1.99)
    series = single_wavelength_thresholds(film)
    np.testing.assert_allclose(series.gain_cm, gain_coefficient_cm(film, nonlinear_absorption(film, 5.9).net))
    band = series.gain_cm > 50.0
    assert 5e-3 < series.n_th[band].min() < series.n_th[band].max() < 0.05
    undoped = single_wavelength_thresholds(film.with_updates(n_doped=0.0))
    assert np.all(undoped.n_th[band] > 1.0)
    assert series.n_grid[0] == 0.0 and series.n_grid[1] == pytest.approx(1e-5)


def test_gain_at_605_nm_absorbs_without_excitation_and_saturates():
    film = _preset("doped_film_002")
    series = gain_at_energy_vs_n(film, E_605_MEV, [0.0, 5.9, 20.0])
    np.testing.assert_array_equal(series.n_doped_values, [0.0, 0.94, 1.99])
    assert series.wavelength_nm == pytest.approx(605.0)
    undoped_absorption = nonlinear_absorption(film, 0.0)
    expected = np.interp(E_605_MEV, undoped_absorption.energy_mev,
                         gain_coefficient_cm(film, undoped_absorption.linear_absorption))
    assert series.gain_cm[0, 0] < 0.0 and series.gain_cm[0, 0] == pytest.approx(expected, rel=1e-9)
    doped = film.with_updates(n_doped=1.99)
    spectra = nonlinear_absorption(doped, 20.0)
    gain = gain_coefficient_cm(doped, spectra.net)
    assert series.gain_cm[2, 2] == pytest.approx(np.interp(E_605_MEV, spectra.energy_mev, gain), rel=1e-9)
    assert series.peak_gain_cm[2, 2] == pytest.approx(gain.max(), rel=1e-9)
    assert series.peak_energy_mev[2, 2] == spectra.energy_mev[np.argmax(gain)]
    assert np.all(series.gain_cm[:, 1] < series.peak_gain_cm[:, 1])
    assert series.gain_cm[2, 1] > series.gain_cm[0, 1]


def test_counting_curves_cross_zero_at_the_counting_thresholds():
    curves = counting_curves()
    assert curves.crossings["ensemble_saturated"] == pytest.approx(counting_threshold(2, 4), abs=1e-6)
    assert curves.crossings["ensemble_saturated"] == pytest.approx(1.5423, abs=1e-4)
    assert curves.crossings["ensemble_unsaturated"] == pytest.approx(counting_threshold(2, 4, saturate=False), abs=1e-6)
    for name in ("single_unsaturated", "single_saturated", "ensemble_unsaturated"):
        assert curves.crossings[name] == pytest.approx(4 / 3, abs=1e-6)
    for values in curves.curves.values():
        assert values[0] == pytest.approx(1.0)
    six = curves.n_values == 6.0
    assert curves.single_saturated[six] == pytest.approx(-1.0) and curves.single_unsaturated[six] == pytest.approx(-3.5)
    other = counting_curves(1, 2)
    assert other.crossings["ensemble_saturated"] == pytest.approx(counting_threshold(1, 2), abs=1e-6)


@pytest.mark.parametrize("name", ["qs_4p5nm", "qs_6p0nm", "qs_8p2nm"])
def test_two_photon_slope_is_two_well_below_threshold(name):
    """[004] Fig. 2b: 1.99, 2.08, 2.01; the model's spontaneous source grows as 2 (1 + O(<N>))."""
    slope = two_photon_slope(_preset(name))
    assert slope.pump_mode == "two_photon" and slope.below_threshold
    assert 2.0 <= slope.spontaneous_slope <= slope.output_slope < 2.1
    low = two_photon_slope(_preset(name), (1e-4, 1e-3))
    assert low.spontaneous_slope == pytest.approx(2.0, abs=5e-3)
    one_photon = two_photon_slope(_preset(name, pump_mode="one_photon"), (1e-4, 1e-3))
    assert one_photon.spontaneous_slope == pytest.approx(1.0, abs=5e-3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: plqy_series(GainParams(), [0.5, 1.5]), r"plqy_values: 1\.5 is outside the allowed range \[0\.01, 1\]"),
        (lambda: plqy_series(GainParams(), np.linspace(0.1, 1, 401)), r"plqy_values: need 1 to 400 values, got 401"),
        (lambda: plqy_series(GainParams(), [np.nan]), r"plqy_values: nan is outside"),
        (lambda: size_series(GainParams(), [0.1]), r"diameters_nm: 0\.1 is outside the allowed range \[0\.5, 50\] nm"),
        (lambda: size_series(GainParams(), None, -1.0), r"stokes_exponent: -1 is outside the allowed range \[0, 6\]"),
        (lambda: size_series(GainParams(stokes_mev=0.0)), r"stokes_mev: 0 meV cannot be scaled"),
        (lambda: esa_binding_series(GainParams(), [200.0]),
         r"offsets_mev: 200 is outside the allowed range \[-40, 60\] meV"),
        (lambda: single_wavelength_thresholds(GainParams(), n_max=50.0),
         r"n_max: 50 is outside the allowed range \[0\.0001, 10\] excitons/dot"),
        (lambda: single_wavelength_thresholds(GainParams(), gain_n_avg=-1.0), r"gain_n_avg: -1 is outside"),
        (lambda: single_wavelength_thresholds(GainParams(), n_points=1000),
         r"n_points: 1000 is not an integer in the allowed range \[3, 400\]"),
        (lambda: gain_at_energy_vs_n(GainParams(), 500.0), r"energy_mev: 500 is outside the allowed range"),
        (lambda: gain_at_energy_vs_n(GainParams(), 2100.0, [25.0]), r"n_values: 25 is outside .*\[0, 20\]"),
        (lambda: gain_at_energy_vs_n(GainParams(), 2100.0, None, [2.5]), r"n_doped_values: 2\.5 is outside .*\[0, 2\]"),
        (lambda: counting_curves(0, 4), r"g_e: 0 is not an integer in the allowed range \[1, 8\]"),
        (lambda: counting_curves(2, 4.5), r"g_h: 4\.5 is not an integer"),
        (lambda: counting_curves(2, 4, [7.0, 21.0]), r"n_values: 21 is outside the allowed range \[0, 20\]"),
        (lambda: two_photon_slope(GainParams(), (0.1, 0.01)), r"n_avg_range\[1\]: 0\.01 is outside"),
        (lambda: two_photon_slope(GainParams(), (0.1,)), r"n_avg_range: \(0\.1,\) must be"),
        (lambda: two_photon_slope(GainParams(), n_points=4.5), r"n_points: 4\.5 is not an integer"),
    ],
)
def test_inputs_are_validated_with_the_argument_value_and_range(call, message):
    with pytest.raises(ValueError, match=message):
        call()

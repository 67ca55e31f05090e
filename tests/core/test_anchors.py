"""The presets against the papers' measured points (read from qdgain_core/data, not typed in).

Where the model reproduces a number the test states the tolerance and why; where it does
not, the test checks the direction the paper reports and docs/model_notes.md gives the
numbers of the deviation.
"""

from __future__ import annotations

import numpy as np
import pytest

from qdgain_core import (
    PRESETS,
    ase_curve,
    gain_dynamics,
    gain_threshold,
    measured_points,
    sigma_eff_ratio,
    threshold_vs_doping,
)


def _points(quantity: str, dataset: str):
    points = [p for p in measured_points(quantity=quantity, dataset=dataset) if p.kind == "measured"]
    assert points, f"no measured {quantity} in {dataset}"
    return points


def test_doped_film_threshold_vs_doping_002_fig_5b():
    """[002] Fig. 5b with the doped-film preset (band method, grand-canonical doping, sigma_1S = 110 mV).

    Tolerances: 0.05 at <n> = 0 (model 1.49); 0.1 at 1.99, the measurement's own 95 %
    interval (0.09 +/- 0.09). At 0.94 the paper's 0.80 lies below what counting can give for
    any doping distribution of mean 0.94 (0.905-1.100, docs/model_notes.md); the model (1.04)
    must stay in that band, widened by 0.05 for the band average's spectral overlap.
    """
    tolerance = {0.0: 0.05, 1.99: 0.1}
    points = [p for p in _points("n_th", "002_threshold_vs_doping") if p.x_value in (0.0, 0.94, 1.99)]
    assert len(points) == 3
    model = threshold_vs_doping(PRESETS["doped_film_002"].params, np.array([p.x_value for p in points]))
    for point, value in zip(points, model):
        if point.x_value in tolerance:
            assert value == pytest.approx(point.y_value, abs=tolerance[point.x_value]), point
        else:
            assert 0.905 - 0.05 <= value <= 1.100 + 0.05 and value > point.y_value


def test_doped_film_gain_lifetimes_002_fig_5c():
    """[002]: longest gain lifetime ~0.5 ns undoped, ~1 ns at <n> = 2 (<N_X> up to 6.6).

    The model gives 0.46 ns and 1.48 ns: the undoped value within 20 %; the doped one is
    longer by 50 % (the model's 1 % detection floor versus the experiment's noise, and doping
    fractions the SI does not give), so only a factor-of-2 agreement and the ordering are
    asserted.
    """
    dynamics = gain_dynamics(PRESETS["doped_film_002"].params, n_x_values=np.array([6.6]))
    undoped, doped = dynamics.gain_lifetime_ps[0, 0], dynamics.gain_lifetime_ps[2, 0]
    measured = {p.note: p.y_value for p in _points("gain_lifetime_ps", "002_dynamics")}
    low, high = min(measured.values()), max(measured.values())
    assert undoped == pytest.approx(low, rel=0.2)
    assert high / 2 < doped < 2 * high and doped > undoped


def test_cdse_core_and_graded_alloy_ordering_001():
    """[001]: CdSe cores <N_th> 1.5 and ratio 0.10; graded alloy 1.0 and 0.18.

    The calibrated sites-scheme presets give 1.52 / 0.095 and 1.10 / 0.18 (the numbers are
    checked in tests/core/test_preset_anchors.py); here the direction: shelling lowers the
    threshold and raises the cross-section ratio.
    """
    core, alloy = PRESETS["cdse_core"].params, PRESETS["cdse_graded_alloy"].params
    assert gain_threshold(alloy).n_th < gain_threshold(core).n_th
    assert sigma_eff_ratio(alloy) > sigma_eff_ratio(core)
    assert gain_threshold(core).n_th == pytest.approx(1.5, abs=0.2)


def test_cspbbr3_threshold_near_one_001_fig_10b():
    """[001] Fig. 10b: ASE-derived <N_th> ~ 1 for CsPbBr3 (g_e = g_h = 2); model 0.93, tolerance 0.15."""
    assert gain_threshold(PRESETS["cspbbr3"].params).n_th == pytest.approx(1.0, abs=0.15)


def test_quantum_shell_two_photon_ase_thresholds_004_table_2():
    """[004] Table 2: two-photon ASE thresholds 1.5, 1.7, 1.0 mJ/cm^2 (4.5, 6.0, 8.2 nm cores).

    The model gives 0.60, 1.29, 0.29 mJ/cm^2: the ordering 8.2 < 4.5 < 6.0 nm is
    reproduced and every value lies within a factor of 4 (film loss, confinement, the pulse
    width and the sigma_2 convention are assumed, docs/model_notes.md).
    """
    measured = {p.x_value: p.y_value for p in _points("ase_threshold_mj_cm2", "004_quantum_shells")}
    model = {}
    for preset_id in ("qs_4p5nm", "qs_6p0nm", "qs_8p2nm"):
        params = PRESETS[preset_id].params
        threshold = ase_curve(params).threshold_mj_cm2
        assert threshold is not None, preset_id
        model[params.dot_volume_nm3] = threshold
        assert 1 / 4 < threshold / measured[params.dot_volume_nm3] < 4, preset_id
    order = sorted(measured, key=measured.get)
    assert sorted(model, key=model.get) == order

"""Public API, results, ASE, CLI and input validation of qdgain_core (issue 2, items 5, 7, 8)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

import qdgain_core
from qdgain_core import (
    GainParams,
    ase_curve,
    coerce_params,
    fluence_from_n_avg,
    level_scheme_variants,
    n_avg_from_fluence,
    phase_cuts,
    phase_map,
    rounded,
    se_map,
    standard_model,
    threshold_vs_doping,
)
from qdgain_core.cli import main


def test_core_never_imports_the_web_stack():
    code = "import sys, qdgain_core, qdgain_core.cli; print(any(m.split('.')[0] in ('dash', 'flask') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_coerce_params_clamps_rejects_and_reports():
    params, notices = coerce_params({"chi": "9", "eta": "nan", "pump_mode": "laser", "g_e": 3.4, "unknown": 1, "probe_detuning_mev": ""})
    assert params.chi == 3.0 and params.eta == GainParams().eta and params.pump_mode == "one_photon" and params.g_e == 3
    assert params.probe_detuning_mev is None
    assert len(notices) == 4 and any("clamped" in n for n in notices)


def test_rounded_gives_equal_keys_for_nearby_values():
    assert rounded(GainParams(chi=0.500000001)) == rounded(GainParams(chi=0.5))
    assert rounded(GainParams(chi=0.5)) != rounded(GainParams(chi=0.51))


@pytest.mark.parametrize("mode", ["one_photon", "two_photon", "resonant"])
def test_fluence_and_n_avg_are_inverse(mode):
    params = GainParams(pump_mode=mode)
    n_avg = np.array([0.05, 0.5, 1.5])
    np.testing.assert_allclose(n_avg_from_fluence(params, fluence_from_n_avg(params, n_avg)), n_avg, rtol=1e-10)


def test_one_photon_n_avg_of_002():
    """<N> = sigma J / E: 3.6e-14 cm^2 at 400 nm, 1 mJ/cm^2 = 2.01e15 photons/cm^2 -> 72.5."""
    params = GainParams(sigma_pump_cm2=3.6e-14, pump_wavelength_nm=400.0)
    assert float(n_avg_from_fluence(params, 1.0)) == pytest.approx(72.46, rel=1e-3)


def test_ase_curve_has_a_kink_and_threshold_moves_with_loss():
    curve = ase_curve(GainParams())
    assert curve.threshold_mj_cm2 is not None and curve.log_slope.max() > 1.5
    assert np.all(np.diff(curve.fluence_mj_cm2) > 0) and curve.spectra.shape == (60, curve.energy_mev.size)
    lossy = ase_curve(GainParams(loss_cm=150.0))
    assert lossy.threshold_mj_cm2 > curve.threshold_mj_cm2
    hopeless = ase_curve(GainParams(loss_cm=1000.0, volume_fraction=0.001))
    assert hopeless.threshold_mj_cm2 is None and hopeless.threshold_reason


def test_ase_rejects_bad_fluences():
    with pytest.raises(ValueError, match="fluences_mj_cm2"):
        ase_curve(GainParams(), np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="fluences_mj_cm2"):
        ase_curve(GainParams(), np.ones(5000))


def test_level_scheme_variants_are_ordered_as_in_001():
    """[001] Fig. 8: ESA raises the threshold and the lattice 4LS lies below the fine-structure 3LS."""
    variants = level_scheme_variants(GainParams(chi=0.8))
    assert set(variants) == {"2LS", "2LS+ESA", "3LS", "3LS+ESA", "4LS", "4LS+ESA"}
    n_th = {name: qdgain_core.gain_threshold(p).n_th for name, p in variants.items()}
    for scheme in ("2LS", "3LS", "4LS"):
        assert n_th[f"{scheme}+ESA"] > n_th[scheme]
    assert n_th["4LS"] < n_th["3LS"] and n_th["4LS+ESA"] < n_th["3LS+ESA"]
    assert n_th["4LS"] < n_th["2LS"]


def test_maps_and_cuts_shapes_and_limits():
    chi, eta = np.linspace(0, 1, 7), np.geomspace(0.2, 10, 5)
    phase = phase_map(GainParams(), chi, eta)
    assert phase.values.shape == (5, 7) and phase.stokes_mev.shape == (5,)
    cuts = phase_cuts(GainParams(), chi, eta)
    assert cuts.n_th_vs_chi.shape == (7,) and cuts.ratio_vs_eta.shape == (5,)
    absurd = phase_map(GainParams(stokes_mev=60.0, eta=5.0), chi, np.array([0.05, 1.0]))
    assert np.isnan(absurd.values[0]).all() and np.isfinite(absurd.values[1]).all()
    assert absurd.stokes_mev[0] > GainParams().e_a_mev / 2
    with pytest.raises(ValueError, match="map size"):
        phase_map(GainParams(), np.zeros(500), np.ones(500))
    with pytest.raises(ValueError, match="quantity"):
        phase_map(GainParams(), chi, eta, quantity="nonsense")


def test_se_map_and_doping_curve():
    semap = se_map(GainParams())
    assert semap.od.shape == (81, semap.energy_mev.size)
    np.testing.assert_allclose(semap.od[0].max(), 1.0)
    curve = threshold_vs_doping(GainParams(), np.array([0.0, 1.0, 2.0]))
    assert curve[0] > curve[1] > curve[2] == 0.0


def test_standard_model_size_dependence():
    """[000] Fig. 4c inset: with tau_XX ~ V the Standard Model threshold rises for small dots."""
    result = standard_model(GainParams(), np.array([2.0, 4.0, 8.0]))
    assert result.n_th[0] > result.n_th[1] > result.n_th[2] >= float(result.n_th_counting) - 1e-9


def test_cli_threshold_json(capsys):
    assert main(["threshold", "--set", "chi=0.5"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["params"]["chi"] == 0.5 and payload["thresholds"]["window"]["found"]


def test_cli_bad_arguments_exit_2_with_one_line(capsys):
    for argv in (["threshold", "--set", "chi=99"], ["bogus"], ["map", "--n-chi", "1000"], ["threshold", "--set", "nope=1"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("qdgain: error:") and err.count("\n") == 1


def test_cli_csv(tmp_path):
    target = tmp_path / "map.csv"
    assert main(["map", "--n-chi", "3", "--n-eta", "2", "--csv", str(target)]) == 0
    lines = target.read_text().splitlines()
    assert lines[0].startswith("# qdgain") and lines[1] == "eta,chi,n_th_excitons_per_dot,sigma_eff_over_sigma_se"
    assert len(lines) == 2 + 6
    assert all(math.isfinite(float(v)) for v in lines[2].split(","))

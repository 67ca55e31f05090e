"""Fits of GainParams to datasets (qdgain_core/fitting.py, fit_models.py; docs/fitting.md).

Synthetic data come from the core's own models with known truth and noise: the fit must
recover the truth within 3 sigma, its reported sigma must match the scatter of repeated
noisy fits, and the warnings must fire when a parameter is unconstrained, at a bound or
strongly correlated. The [002] doping fit is checked against the paper's sigma_1S = 110 mV,
V_C = 5 meV ([002] SI section 1.3, eq. S16, Fig. S5b).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from qdgain_core import (
    FIT_PARAMETERS,
    GainParams,
    fit,
    fit_report_csv,
    fit_result_from_json,
    fit_result_to_json,
    gain_dynamics,
    nonlinear_absorption,
    threshold_vs_doping,
)
from qdgain_core.cli import main
from qdgain_core.data_files import dataset_to_csv
from qdgain_core.datasets import make_dataset
from qdgain_core.ensemble import lines_for
from qdgain_core.fit_cli import PAPER_002_FITS, paper_002_datasets, paper_002_fits, paper_002_markdown
from qdgain_core.fit_models import FIT_MODELS, NO_GAIN_PENALTY_FACTOR, evaluate

ROOT = Path(__file__).resolve().parents[2]
TRUTH = GainParams(chi=0.8, eta=5.0)
START = GainParams(chi=1.0, eta=10.0)
N_AVG = (0.5, 1.5, 3.0)
ENERGY = np.linspace(1900.0, 2250.0, 512)
OD_SCALE = 0.3
NOISE = 0.003


def spectra(params: GainParams, seed: int | None, sigma: bool = True, noise: float = NOISE, name: str = "spectra"):
    """Three spectra of 512 points at <N> = 0.5, 1.5, 3 (absolute OD = OD_SCALE x model + noise)."""
    energy = np.tile(ENERGY, len(N_AVG))
    n_avg = np.repeat(N_AVG, ENERGY.size)
    blank = make_dataset("spectra", name, energy_mev=energy, n_avg=n_avg, od_nl=energy * 0, n_doped=energy * 0)
    od = OD_SCALE * evaluate(params, blank)
    if seed is not None:
        od = od + np.random.default_rng(seed).normal(0.0, noise, od.size)
    return make_dataset("spectra", name, energy_mev=energy, n_avg=n_avg, od_nl=od, n_doped=energy * 0,
                        sigma=np.full(od.size, noise) if sigma else None)


@pytest.fixture(scope="module")
def spectra_fit():
    return fit(START, [spectra(TRUTH, seed=1)], ["chi", "eta"])


def test_spectra_model_reuses_the_lines_and_equals_nonlinear_absorption():
    params = GainParams(chi=0.7, n_doped=0.0)
    energy, _, _ = lines_for(params)
    grid = np.asarray(energy[100:400:7])
    points = [(n, d) for n in (0.5, 2.0) for d in (0.0, 0.6)]
    data = make_dataset("spectra", "s", energy_mev=np.tile(grid, len(points)),
                        n_avg=np.repeat([p[0] for p in points], grid.size),
                        od_nl=np.zeros(grid.size * len(points)), n_doped=np.repeat([p[1] for p in points], grid.size))
    model = evaluate(params, data).reshape(len(points), grid.size)
    for row, (n_avg, n_doped) in zip(model, points, strict=True):
        expected = nonlinear_absorption(params.with_updates(n_doped=n_doped), n_avg).net[100:400:7]
        np.testing.assert_allclose(row, expected, rtol=1e-10, atol=1e-12)


def test_three_noisy_spectra_recover_chi_and_eta_within_three_sigma(spectra_fit):
    result = spectra_fit
    assert result.success and result.names == ("chi", "eta")
    for name in ("chi", "eta"):
        pull = (result.value(name) - getattr(TRUTH, name)) / result.uncertainty(name)
        assert abs(pull) < 3.0, (name, result.value(name), result.uncertainty(name))
        assert 0 < result.uncertainty(name) < 0.2 * getattr(TRUTH, name)
    assert result.scales[0] == pytest.approx(OD_SCALE, rel=0.01)
    assert result.dof == 3 * 512 - 2 - 1
    assert 0.85 < result.reduced_chi2 < 1.15
    assert result.warnings == ()
    assert result.params.chi == result.value("chi") and result.params.eta == result.value("eta")


def test_reported_sigma_agrees_with_the_scatter_of_repeated_fits():
    """24 noisy copies: the scatter of chi over the fits matches its reported sigma within a factor of 2,
    and the pulls (value - truth)/sigma of chi and eta have a standard deviation within [0.5, 2] (eta's
    sigma varies from fit to fit with the fitted eta, so its check is on the pulls)."""
    results = [fit(START, [spectra(TRUTH, seed=100 + i)], ["chi", "eta"]) for i in range(24)]
    chi = np.array([r.value("chi") for r in results])
    ratio = chi.std(ddof=1) / np.median([r.uncertainty("chi") for r in results])
    assert 0.5 < ratio < 2.0, ratio
    for name in ("chi", "eta"):
        pulls = np.array([(r.value(name) - getattr(TRUTH, name)) / r.uncertainty(name) for r in results])
        assert 0.5 < pulls.std(ddof=1) < 2.0, (name, pulls)
        assert abs(pulls.mean()) < 3.0 / math.sqrt(len(results)) + 0.3, (name, pulls.mean())


def test_four_parameter_fit_recovers_the_truth():
    truth = TRUTH.with_updates(stokes_mev=24.0, inhomogeneous_fwhm_mev=35.0)
    result = fit(START, [spectra(truth, seed=3)], ["chi", "eta", "stokes_mev", "inhomogeneous_fwhm_mev"])
    for name in result.names:
        assert abs(result.value(name) - getattr(truth, name)) < 3 * result.uncertainty(name), name


def test_sigma_is_estimated_from_the_scatter_when_not_given():
    result = fit(START, [spectra(TRUTH, seed=5, sigma=False)], ["chi", "eta"])
    assert result.sigma_estimated == (True,)
    estimated = result.residuals[0].sigma[0]
    assert estimated == pytest.approx(NOISE, rel=0.1)
    assert any("no sigma given" in note and "estimated" in note for note in result.notes)
    assert result.reduced_chi2 == pytest.approx(1.0, rel=1e-6)
    for name in ("chi", "eta"):
        assert abs(result.value(name) - getattr(TRUTH, name)) < 3 * result.uncertainty(name)


def test_two_datasets_without_sigma_get_their_own_sigma():
    quiet = spectra(TRUTH, seed=7, sigma=False, noise=0.001, name="quiet")
    noisy = spectra(TRUTH, seed=8, sigma=False, noise=0.01, name="noisy")
    result = fit(START, [quiet, noisy], ["chi"])
    sigmas = [r.sigma[0] for r in result.residuals]
    assert sigmas[0] == pytest.approx(0.001, rel=0.15) and sigmas[1] == pytest.approx(0.01, rel=0.15)
    assert result.dof == 2 * 3 * 512 - 1 - 2


def test_unconstrained_parameter_warns():
    result = fit(START, [spectra(TRUTH, seed=1)], ["chi", "tau_xx_ps"])
    assert any(w.startswith("tau_xx_ps: not constrained by the data") for w in result.warnings), result.warnings
    assert math.isinf(result.uncertainty("tau_xx_ps")) and math.isfinite(result.uncertainty("chi"))
    document = fit_result_to_json(result)
    json.dumps(document, allow_nan=False)
    assert document["uncertainties"][1] == "inf"
    assert math.isinf(fit_result_from_json(document).uncertainty("tau_xx_ps"))


def test_bound_hit_warns():
    result = fit(START, [spectra(TRUTH, seed=1)], {"chi": (0.9, 1.5), "eta": (1.0, 50.0)})
    assert result.value("chi") == pytest.approx(0.9, abs=1e-3)
    assert any(w.startswith("chi:") and "lower bound 0.9" in w for w in result.warnings), result.warnings
    assert not any(w.startswith("eta:") for w in result.warnings)


def test_poor_chi2_with_given_sigma_warns():
    data = spectra(TRUTH, seed=1, noise=NOISE)
    tight = make_dataset("spectra", "tight", energy_mev=data.energy_mev, n_avg=data.n_avg, od_nl=data.od_nl,
                         n_doped=data.n_doped, sigma=np.full(data.od_nl.size, NOISE / 4))
    result = fit(START, [tight], ["chi"])
    assert result.reduced_chi2 > 10
    assert any(w.startswith("chi^2/dof =") for w in result.warnings)


def test_progress_is_reported_on_every_evaluation_and_the_budget_stops_the_fit():
    calls: list[tuple[float, str]] = []
    result = fit(START, [spectra(TRUTH, seed=1)], ["chi", "eta"], progress=lambda f, t: calls.append((f, t)))
    fractions = [f for f, _ in calls]
    assert len(calls) == result.n_evaluations + 1 and fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions) and fractions[:-1] == sorted(fractions[:-1])
    short = fit(START, [spectra(TRUTH, seed=1)], ["chi", "eta"], max_evaluations=4)
    assert not short.success and "max_evaluations = 4" in short.message
    assert short.warnings[0].startswith("the optimiser did not converge")
    assert short.n_evaluations < result.n_evaluations


def test_json_round_trip_is_exact_and_csv_has_every_point(spectra_fit):
    document = fit_result_to_json(spectra_fit)
    text = json.dumps(document, allow_nan=False)
    back = fit_result_from_json(json.loads(text))
    assert fit_result_to_json(back) == document
    assert back.params == spectra_fit.params and back.names == spectra_fit.names
    np.testing.assert_array_equal(back.correlation, spectra_fit.correlation)
    np.testing.assert_array_equal(back.residuals[0].normalised, spectra_fit.residuals[0].normalised)
    report = fit_report_csv(spectra_fit)
    assert report.startswith("# qdgain ") and "parameter,chi," in report and "correlation,chi|eta," in report
    assert report.count("\nspectra,energy_mev,") == 3 * 512
    with pytest.raises(ValueError, match="format"):
        fit_result_from_json({"format": "other"})
    with pytest.raises(ValueError, match="values"):
        fit_result_from_json({**document, "values": ["x", 1.0]})


@pytest.mark.parametrize(("free", "message"), [
    (["g_e"], "not a float field"),
    (["chi", "chi"], "named twice"),
    ({"chi": (-5.0, 1.0)}, r"outside the allowed range \[-2, 3\]"),
    ({"eta": (5.0, 1.0)}, "lower < upper"),
    ({"chi": ("a", 1.0)}, "two numbers"),
    ([], "at least one"),
])
def test_bad_free_parameters_are_named(free, message):
    with pytest.raises(ValueError, match=message):
        fit(START, [spectra(TRUTH, seed=None)], free)


def test_too_few_points_and_bad_datasets_are_rejected():
    two = make_dataset("doping", "two", potential_mv=[-1000.0, -1300.0], n_doped=[0.2, 1.5])
    with pytest.raises(ValueError, match="degree of freedom"):
        fit(START, [two], ["v_1s_mv", "sigma_1s_mv"])
    with pytest.raises(ValueError, match="datasets"):
        fit(START, [], ["chi"])
    with pytest.raises(ValueError, match="datasets"):
        fit(START, ["not a dataset"], ["chi"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="max_evaluations"):
        fit(START, [two], ["v_1s_mv"], max_evaluations=0)


def test_every_kind_has_a_model_and_the_table_is_complete():
    from qdgain_core.datasets import DATASET_KINDS

    assert set(FIT_MODELS) == set(DATASET_KINDS)
    assert FIT_PARAMETERS["n_scale"].minimum == 0.1 and FIT_PARAMETERS["n_scale"].maximum == 10.0
    assert FIT_PARAMETERS["eta"].log and not FIT_PARAMETERS["chi"].log
    assert "g_e" not in FIT_PARAMETERS and "threshold_method" not in FIT_PARAMETERS


def test_thresholds_recover_the_n_scale_calibration():
    params = GainParams.from_preset("doped_film_002")
    x = np.array([0.0, 0.5, 0.94, 1.4, 1.99])
    true_n_scale = 1.3
    n_th = threshold_vs_doping(params, x) / true_n_scale
    data = make_dataset("thresholds", "t", x_name="n_doped", x=x, n_th=n_th * (1 + 0.01 * np.array([1, -1, 0, 1, -1])),
                        sigma=0.01 * n_th + 1e-3)
    result = fit(params, [data], ["n_scale"])
    assert abs(result.value("n_scale") - true_n_scale) < 3 * result.uncertainty("n_scale")
    assert result.uncertainty("n_scale") < 0.02


def test_no_gain_becomes_the_documented_finite_penalty():
    params = GainParams(n_search_max=0.5)
    data = make_dataset("thresholds", "t", x_name="n_doped", x=[0.0, 1.99], n_th=[1.5, 0.1])
    model = evaluate(params, data, n_scale=2.0)
    assert model[0] == pytest.approx(NO_GAIN_PENALTY_FACTOR * 0.5 / 2.0)
    assert model[1] == pytest.approx(threshold_vs_doping(params, [1.99])[0] / 2.0)
    for x_name, x in (("plqy", [0.05, 1.0]), ("size_nm", [3.0, 40.0])):
        values = evaluate(params, make_dataset("thresholds", "t", x_name=x_name, x=x, n_th=[1.0, 1.0]))
        assert np.all(np.isfinite(values))


def test_ase_fit_profiles_the_output_unit_in_log_space():
    truth = GainParams(sigma_pump_cm2=5e-14)
    from qdgain_core.ase import default_fluences

    fluences = default_fluences(GainParams(), 24)
    blank = make_dataset("ase", "a", fluence_mj_cm2=fluences, output=np.ones(fluences.size))
    output = 1e-7 * evaluate(truth, blank) * np.exp(np.random.default_rng(2).normal(0, 0.02, fluences.size))
    data = make_dataset("ase", "a", fluence_mj_cm2=fluences, output=output, sigma=0.02 * output)
    result = fit(GainParams(), [data], ["sigma_pump_cm2"])
    assert abs(math.log10(result.value("sigma_pump_cm2") / 5e-14)) < 0.05
    assert result.scales[0] == pytest.approx(1e-7, rel=0.2)
    assert result.dof == fluences.size - 2
    np.testing.assert_allclose(result.residuals[0].model, output, rtol=0.15)


def test_lifetime_model_is_the_operating_lifetime_and_tau_xx_is_recovered():
    params = GainParams(n_avg=3.0, n_doped=0.7)
    single = make_dataset("lifetimes", "l", n_x=[3.0], n_doped=[0.7], gain_lifetime_ps=[1.0])
    assert evaluate(params, single)[0] == pytest.approx(gain_dynamics(params).operating_gain_lifetime_ps, rel=1e-9)
    n_x = np.array([2.0, 3.0, 4.0, 5.0, 2.0, 4.0])
    n_doped = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    truth = params.with_updates(tau_xx_ps=250.0)
    blank = make_dataset("lifetimes", "l", n_x=n_x, n_doped=n_doped, gain_lifetime_ps=np.ones(6))
    lifetimes = evaluate(truth, blank)
    data = make_dataset("lifetimes", "l", n_x=n_x, n_doped=n_doped, gain_lifetime_ps=lifetimes,
                        sigma=0.02 * lifetimes + 1.0)
    result = fit(params, [data], ["tau_xx_ps"])
    assert abs(result.value("tau_xx_ps") - 250.0) < max(3 * result.uncertainty("tau_xx_ps"), 1.0)


# [002]: sigma_1S and V_C from <n_1S(e)> against potential (eq. S16); docs/fitting.md, "The [002] doping fit".
@pytest.fixture(scope="module")
def paper_fits():
    return paper_002_fits()


def test_002_doping_fit_with_v_c_fixed_gives_sigma_1s_near_the_paper(paper_fits):
    result = paper_fits["batch 2 doping, V_C = 5 meV"]
    sigma_1s, error = result.value("sigma_1s_mv"), result.uncertainty("sigma_1s_mv")
    assert result.success and result.dof == 4 and result.warnings == ()
    assert 2.0 < error < 20.0, "uncertainty vacuous or absent"
    assert abs(sigma_1s - 110.0) < 3 * error, (sigma_1s, error)
    assert -1300.0 < result.value("v_1s_mv") < -1150.0
    assert result.chi2 < result.dof, "sigma = 0.1/sqrt(12) is the quoting precision: chi^2 below dof"


def test_002_free_v_c_fit_is_consistent_with_the_paper_and_correlated(paper_fits):
    free = paper_fits["batch 2 doping, V_C free"]
    held = paper_fits["batch 2 doping, paper's sigma_1S and V_C"]
    for name, paper in (("sigma_1s_mv", 110.0), ("charging_energy_mev", 5.0)):
        assert abs(free.value(name) - paper) < 2 * free.uncertainty(name), name
        assert math.isfinite(free.uncertainty(name)) and free.uncertainty(name) < 100.0
    assert any("correlation" in w for w in free.warnings)
    delta_chi2 = held.chi2 - free.chi2
    assert 0.0 < delta_chi2 < 5.99, "(110 mV, 5 meV) lies inside the 95 % joint region of (sigma_1S, V_C)"


def test_002_thresholds_alone_cannot_pin_sigma_1s(paper_fits):
    result = paper_fits["main batch thresholds"]
    assert any(w.startswith("sigma_1s_mv:") and "not constrained" in w for w in result.warnings)
    thresholds = paper_002_datasets()["main_thresholds"]
    base = GainParams.from_preset("doped_film_002")
    low, high = (evaluate(base.with_updates(sigma_1s_mv=s), thresholds) for s in (0.0, 300.0))
    assert np.max(np.abs(high - low)) < 0.1 < np.max(np.abs(high - np.asarray(thresholds.n_th)))  # type: ignore[union-attr]


def test_docs_fitting_md_shows_the_computed_002_table():
    assert len(PAPER_002_FITS) == 5
    text = (ROOT / "docs" / "fitting.md").read_text(encoding="utf-8")
    assert paper_002_markdown() in text, "docs/fitting.md is stale: run python -m qdgain_core fit-002"


def test_fit_command_reads_data_files_and_prints_json(tmp_path, capsys):
    path = tmp_path / "doping.csv"
    path.write_text(dataset_to_csv(paper_002_datasets()["batch2_doping"]), encoding="utf-8")
    code = main(["fit", "--data", str(path), "--free", "v_1s_mv,sigma_1s_mv:0:300", "--preset", "doped_film_002",
                 "--csv", str(tmp_path / "report.csv"), "--json", str(tmp_path / "fit.json")])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["command"] == "fit" and printed["dof"] == 4
    assert abs(printed["values"]["sigma_1s_mv"] - 110.0) < 3 * printed["uncertainties"]["sigma_1s_mv"]
    assert fit_result_from_json(json.loads((tmp_path / "fit.json").read_text())).datasets == ("doping.csv",)
    assert (tmp_path / "report.csv").read_text().count("\ndoping.csv,potential_mv,") == 6


@pytest.mark.parametrize(("argv", "message"), [
    (["fit", "--data", "missing.csv", "--free", "chi"], "missing.csv"),
    (["fit", "--data", "{data}", "--free", "chi:1"], "NAME:LOWER:UPPER"),
    (["fit", "--data", "{data}", "--free", "nope"], "not a float field"),
    (["fit", "--data", "{data}", "--kind", "ase", "--free", "chi"], "{name}"),
])
def test_fit_command_rejects_bad_arguments_in_one_line(tmp_path, capsys, argv, message):
    path = tmp_path / "doping.csv"
    path.write_text(dataset_to_csv(paper_002_datasets()["batch2_doping"]), encoding="utf-8")
    argv = [a.format(data=path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qdgain: error: fit:")
    assert message.format(name="doping.csv") in err

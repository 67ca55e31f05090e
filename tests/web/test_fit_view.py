"""The Your data view's job forms and results: the fit form's input rule and request JSON, the map and sweep
requests, the fit report (values, chi^2/dof, correlation, residuals, warnings), Apply's link and the exports."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import numpy as np
import pytest

from components.callbacks import fit_view
from components.figures import fit_report
from components.jobs.requests import parse_fit, parse_map, parse_sweep
from components.page import data_view
from components.state import default_state, state_to_store
from components.url_state import parse_query
from qdgain_core import GainParams, nonlinear_absorption
from qdgain_core.datasets import dataset_to_json, make_dataset
from qdgain_core.fitting import fit, fit_result_to_json

NAMES = fit_view.FIT_NAMES
FREE_IDS = [{"type": "fit-free", "field": n} for n in NAMES]
LOW_IDS = [{"type": "fit-lo", "field": n} for n in NAMES]


def form(free: dict[str, tuple]) -> dict:
    """``fit_form`` arguments with ``free`` ticked ({name: (low, high)}; the other boxes at their defaults)."""
    lows = [free[n][0] if n in free else data_view.fit_bounds(n)[0] for n in NAMES]
    highs = [free[n][1] if n in free else data_view.fit_bounds(n)[1] for n in NAMES]
    return {"free_values": [[n] if n in free else [] for n in NAMES], "free_ids": FREE_IDS, "lows": lows,
            "low_ids": LOW_IDS, "highs": highs}


def spectra(chi: float = 0.9, step: int = 12):
    energies, n_values, od = [], [], []
    for n_avg in (0.5, 1.5, 3.0):
        result = nonlinear_absorption(GainParams(chi=chi, n_avg=n_avg))
        energy = np.asarray(result.energy_mev)[::step]
        energies += list(energy)
        n_values += [n_avg] * energy.size
        od += list(0.4 * np.asarray(result.net)[::step])
    return make_dataset("spectra", "three", energy_mev=energies, n_avg=n_values, od_nl=od, n_doped=[0.0] * len(od))


def datasets_store():
    return [{"id": "a", "file": "three.csv", "dataset": dataset_to_json(spectra())}]


def test_the_request_json_is_what_the_job_accepts():
    checked = fit_view.fit_form(**form({"chi": (0.0, 2.0), "n_scale": (0.5, 2.0)}))
    assert checked["form"]["free"] == {"chi": [0.0, 2.0], "n_scale": [0.5, 2.0]} and checked["form"]["problems"] == []
    state = default_state()
    answer = fit_view.fit_request(checked["form"], state_to_store(state, ""), datasets_store())
    request = answer["request"]
    assert request["kind"] == "fit" and "Ready: 2 free" in answer["message"]
    parsed = parse_fit(request["request"])  # the server-side check of the job (components/jobs/requests.py)
    assert request["request"]["params"] == state.params.as_dict()
    assert len(request["request"]["datasets"]) == 1 and parsed is not None


def test_a_bound_outside_the_range_is_clamped_with_the_rule_message():
    checked = fit_view.fit_form(**form({"chi": (-7.0, 2.0)}))
    low = data_view.fit_bounds("chi")[0]
    assert checked["form"]["free"]["chi"] == [low, 2.0]
    assert checked["lows"][NAMES.index("chi")] == low  # the box is set to the clamped value
    message = " ".join(checked["form"]["messages"])
    assert "-7 is below the allowed range" in message and "-2 to 3" in message and "χ" in message


def test_an_empty_bound_keeps_the_default_and_says_so():
    checked = fit_view.fit_form(**form({"eta": (None, 10.0)}))
    assert checked["form"]["free"]["eta"][0] == data_view.fit_bounds("eta")[0]
    assert "the box is empty" in " ".join(checked["form"]["messages"])


@pytest.mark.parametrize(("free", "datasets", "needle"), [
    ({}, "store", "tick at least one parameter"),
    ({"chi": (1.0, 0.5)}, "store", "is not below the upper bound"),
    ({"chi": (0.0, 2.0)}, None, "add a dataset first"),
])
def test_an_incomplete_form_writes_no_request(free, datasets, needle):
    checked = fit_view.fit_form(**form(free))
    answer = fit_view.fit_request(checked["form"], state_to_store(default_state(), ""),
                                  datasets_store() if datasets else [])
    assert answer["request"] is None and needle in answer["message"]


def test_too_many_free_parameters_are_refused():
    free = {n: data_view.fit_bounds(n) for n in NAMES[: fit_view.MAX_FREE + 1]}
    checked = fit_view.fit_form(**form(free))
    answer = fit_view.fit_request(checked["form"], None, datasets_store())
    assert answer["request"] is None and f"at most {fit_view.MAX_FREE}" in answer["message"]


def test_map_and_sweep_requests():
    store = state_to_store(default_state(), "")
    answer = fit_view.map_request(500, "stokes", store)
    assert answer["request"]["request"]["points"] == 201 and answer["points"] == 201
    assert "above the allowed range" in answer["message"]
    parse_map(answer["request"]["request"])
    sweep = fit_view.sweep_request(["chi", "eta", ""], [0, 0.1, 0], [2, 100, 1], [11, 11, 5], [[], ["log"], []],
                                   store)
    assert "Ready: 121 points" in sweep["message"]
    parse_sweep(sweep["request"]["request"])
    bad = fit_view.sweep_request(["chi", "chi", ""], [0, 0, 0], [2, 1, 1], [11, 11, 5], [[], [], []], store)
    assert bad["request"] is None and "same parameter" in bad["message"]
    log = fit_view.sweep_request(["chi", "eta", ""], [0, 0.1, 0], [2, 100, 1], [11, 11, 5], [["log"], [], []],
                                 store)
    assert log["request"] is None and "log axis needs start and stop above 0" in log["message"]


@pytest.fixture(scope="module")
def fitted():
    data = spectra()
    result = fit(GainParams(chi=0.5), [data], {"chi": (0.0, 2.0), "eta": (0.1, 10.0)}, max_evaluations=60)
    return {"kind": "fit", "key": "k", "request": {}, "result": fit_result_to_json(result), "worker": "here",
            "finished_utc": "now", "seconds": 1.0}, result


def test_the_report_shows_values_statistics_correlation_and_residuals(fitted):
    store, result = fitted
    summary = fit_report.fit_from_store(store)
    assert summary is not None and summary.scales["three"] == pytest.approx(result.scales[0])
    children = fit_report.fit_report(summary, {"three": "three.csv"}, default_state())
    text = str(children)
    assert "χ²/dof" in text and "±" in text and "three.csv" in text
    graphs = [c for c in children if c is not None and type(c).__name__ == "Graph"]
    assert graphs and graphs[0].figure.data[0].type == "heatmap"  # the correlation of chi and eta
    residuals = children[-1].children
    assert len(residuals) == 1 and any(t.yaxis == "y2" for t in residuals[0].figure.data)


def test_apply_links_to_the_fitted_state(fitted):
    _, result = fitted
    link = fit_report.apply_link(result, default_state())
    parts = urlsplit(link)
    assert parts.fragment == "dashboard"
    state, notices = parse_query(parts.query)
    assert notices == [] and state.params.chi == pytest.approx(result.value("chi"), rel=1e-3)


def test_the_exports_carry_the_file_names_and_the_version(fitted):
    store, result = fitted
    csv_text = fit_report.report_csv(result, {"three": "three.csv"})
    assert csv_text.startswith("# data files: three.csv; qdgain ") and "parameter,chi," in csv_text
    document = json.loads(fit_report.report_json(store["result"], result, {"three": "three.csv"}))
    assert document["data_files"] == ["three.csv"] and document["names"] == ["chi", "eta"]


def test_garbage_in_the_result_store_shows_nothing():
    for store in (None, {}, {"result": {"format": "other"}}, {"result": 3}):
        assert fit_report.fit_from_store(store) is None
        assert fit_view.fit_result_view(store, [], None) is None

"""Parameter sweeps and high-resolution (chi, eta) maps (qdgain_core/sweeps.py; docs/fitting.md).

The sweep's values are compared with the point functions they stand for, the chunked maps
with one ``phase_maps`` call on the dashboard's axes.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from qdgain_core import (
    GainParams,
    SweepAxis,
    gain_threshold,
    high_resolution_maps,
    maps_to_json,
    phase_maps,
    sigma_eff_ratio,
    sweep,
    sweep_table_csv,
    sweep_table_from_json,
    sweep_table_to_json,
)
from qdgain_core import sweeps as sweeps_module
from qdgain_core.cli import main
from qdgain_core.observables import has_gain
from tests.support.core_values import map_axes as dashboard_map_axes

BASE = GainParams(threshold_method="band")
AXES = (SweepAxis("chi", 0.0, 2.0, 5), SweepAxis("eta", 0.1, 100.0, 4, log=True))


@pytest.fixture(scope="module")
def table():
    return sweep(BASE, AXES)


def test_sweep_grid_columns_and_values_match_the_point_functions(table):
    assert [c.name for c in table.columns] == ["chi", "eta", "n_th", "sigma_eff_ratio", "has_gain", "n_th_window"]
    assert [c.unit for c in table.columns][2] == "excitons/dot"
    assert table.rows.shape == (20, 6) and table.method == "band"
    np.testing.assert_allclose(table.rows[:4, 1], np.geomspace(0.1, 100.0, 4))
    np.testing.assert_allclose(table.rows[::4, 0], np.linspace(0.0, 2.0, 5))
    for index in (0, 7, 13, 19):
        chi, eta, n_th, ratio, gain, window = table.rows[index]
        point = BASE.with_updates(chi=chi, eta=eta)
        assert n_th == gain_threshold(point).n_th
        assert window == gain_threshold(point, "window").n_th
        assert ratio == sigma_eff_ratio(point)
        assert gain == float(has_gain(point))
    assert len(set(table.rows[:, 2])) > 5, "the threshold must vary over the grid"


def test_three_axes_and_progress():
    calls = []
    axes = (*AXES[:1], SweepAxis("stokes_mev", 10.0, 40.0, 3), SweepAxis("n_avg", 1.0, 3.0, 2))
    result = sweep(BASE, axes, progress=lambda f, t: calls.append(f))
    assert result.rows.shape == (5 * 3 * 2, 7)
    assert calls[-1] == 1.0 and calls == sorted(calls) and len(calls) >= 10
    row = result.rows[-1]
    point = BASE.with_updates(chi=row[0], stokes_mev=row[1], n_avg=row[2])
    assert row[5] == float(has_gain(point))


def test_no_gain_rows_say_why_and_rejected_points_are_nan_with_a_reason(monkeypatch):
    no_gain = sweep(BASE.with_updates(n_search_max=0.5), AXES)
    assert np.all(np.isinf(no_gain.rows[:, 2])) and all("no net gain" in r for r in no_gain.reasons)
    original = sweeps_module.SWEEP_QUANTITIES["sigma_eff_ratio"]

    def refuse(params):
        if params.chi > 1.5:
            raise ValueError("chi: refused by the test")
        return original.evaluate(params)

    monkeypatch.setitem(sweeps_module.SWEEP_QUANTITIES, "sigma_eff_ratio",
                        sweeps_module.SweepQuantity(original.unit, refuse, original.description))
    result = sweep(BASE, AXES)
    bad = result.rows[:, 0] > 1.5
    assert bad.sum() == 4
    assert np.all(np.isnan(result.rows[bad, 2:])) and np.all(np.isfinite(result.rows[~bad, 2:4]))
    assert all(r == "chi: refused by the test" for r, b in zip(result.reasons, bad, strict=True) if b)


@pytest.mark.parametrize(("axes", "message"), [
    ((AXES[0],), "2 or 3 axes"),
    ((*AXES, AXES[0], AXES[1]), "2 or 3 axes"),
    ((AXES[0], SweepAxis("chi", 0, 1, 3)), "different fields"),
    ((AXES[0], SweepAxis("g_e", 1, 4, 3)), "not a float field"),
    ((AXES[0], SweepAxis("eta", 0.001, 1, 3)), r"start 0.001 is outside the allowed range \[0.01, 100\]"),
    ((AXES[0], SweepAxis("stokes_mev", 0, 10, 3, log=True)), "log axis"),
    ((AXES[0], SweepAxis("eta", 1, 1, 3)), "must differ"),
    ((AXES[0], SweepAxis("eta", 1, 2, 1)), r"points 1 is not an integer in \[2, 101\]"),
    ((AXES[0], SweepAxis("eta", 1, 2, 102)), "points 102"),
    ((SweepAxis("chi", 0, 1, 101), SweepAxis("eta", 1, 2, 100)), "10100 points in all"),
])
def test_bad_axes_are_named(axes, message):
    with pytest.raises(ValueError, match=message):
        sweep(BASE, axes)


def test_csv_and_json_round_trip(table):
    text = sweep_table_csv(table)
    lines = text.splitlines()
    assert lines[0].startswith("# qdgain ") and "method band" in lines[0]
    assert lines[1].startswith("# units: chi [1], eta [1], n_th [excitons/dot]")
    rows = list(csv.reader(io.StringIO("\n".join(lines[2:]))))
    assert rows[0][-1] == "reason" and len(rows) == 21
    np.testing.assert_array_equal(np.array([[float(v) for v in r[:-1]] for r in rows[1:]]), table.rows)
    document = sweep_table_to_json(table)
    back = sweep_table_from_json(json.loads(json.dumps(document, allow_nan=False)))
    np.testing.assert_array_equal(back.rows, table.rows)
    assert back.axes == table.axes and back.columns == table.columns and back.params == table.params
    with pytest.raises(ValueError, match="format"):
        sweep_table_from_json({"rows": []})


def test_sweep_json_keeps_inf_exactly():
    result = sweep(BASE.with_updates(n_search_max=0.5), AXES)
    document = sweep_table_to_json(result)
    assert document["rows"][0][2] == "inf"
    assert math.isinf(sweep_table_from_json(document).rows[0, 2])


@pytest.mark.parametrize("hold", ["fine_structure", "stokes"])
def test_high_resolution_maps_equal_one_phase_maps_call_on_the_dashboard_axes(hold):
    calls = []
    maps = high_resolution_maps(BASE, 81, hold, progress=lambda f, t: calls.append((f, t)))
    chi, eta = dashboard_map_axes(81)
    reference = phase_maps(BASE, chi, eta, hold=hold)
    assert len(calls) == 20 and calls[-1][0] == 1.0
    for quantity in ("n_th", "sigma_ratio"):
        np.testing.assert_array_equal(maps[quantity].chi_values, chi)
        np.testing.assert_array_equal(maps[quantity].eta_values, eta)
        np.testing.assert_allclose(maps[quantity].values, reference[quantity].values, rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(np.isinf(maps[quantity].values), np.isinf(reference[quantity].values))
    np.testing.assert_allclose(maps["n_th"].stokes_mev, reference["n_th"].stokes_mev, rtol=1e-14)
    assert maps["n_th"].hold == hold and maps["n_th"].held_fixed == reference["n_th"].held_fixed


def test_full_resolution_map_and_its_json():
    maps = high_resolution_maps(BASE, 201)
    assert maps["n_th"].values.shape == (201, 201)
    document = maps_to_json(maps)
    assert set(document) == {"chi_values", "eta_values", "n_th", "sigma_ratio", "stokes_mev", "hold", "method"}
    json.dumps(document, allow_nan=False)
    flat = np.array([np.nan if v is None else v for row in document["n_th"] for v in row])
    values = maps["n_th"].values.ravel()
    finite = np.isfinite(values)
    assert np.array_equal(np.isnan(flat), ~finite)
    np.testing.assert_allclose(flat[finite], values[finite], rtol=5e-4)
    assert all(len(f"{v:.10g}".replace("-", "").replace(".", "").strip("0")) <= 4 for v in flat[finite][:500])


@pytest.mark.parametrize(("points", "params", "message"), [
    (1, BASE, r"not an integer in \[2, 201\]"),
    (202, BASE, "202"),
    (41.0, BASE, "41.0"),
    (101, BASE.with_updates(threshold_method="peak"), "81 points per axis"),
])
def test_bad_map_requests_are_named(points, params, message):
    with pytest.raises(ValueError, match=message):
        high_resolution_maps(params, points)


def test_sweep_command_prints_json_and_writes_csv(tmp_path, capsys):
    assert main(["sweep", "--axis", "chi:0:2:3", "--axis", "eta:0.1:100:3:log", "--set", "threshold_method=band"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["command"] == "sweep" and len(document["rows"]) == 9 and document["method"] == "band"
    target = tmp_path / "sweep.csv"
    assert main(["sweep", "--axis", "chi:0:2:3", "--axis", "eta:0.1:100:3:log", "--csv", str(target)]) == 0
    assert len(target.read_text().splitlines()) == 2 + 1 + 9
    assert main(["sweep", "--axis", "chi:0:2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qdgain: error: sweep:") and "NAME:START:STOP:POINTS" in err and err.count("\n") == 1

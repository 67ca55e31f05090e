"""The values a user reads equal the core's (issue part 7): plotted traces, map values and readout numbers.

For non-default states set through the URL query, every figure is taken as the callbacks send it
(the JSON Dash serialises, arrays as base64 typed arrays) and compared, trace by trace and by
trace name, with the core's own result for the same parameters, computed here directly from
``qdgain_core`` (not through ``components.computed``). The phase maps are checked in both
orientations: z[i][j] sits at eta[i], chi[j], checked against a one-point core map at an
asymmetric point. Every number of the readout is parsed back from its text and compared too.
``scripts/mutation_check.py --web`` shows that each of these checks can fail.
"""

from __future__ import annotations

import base64
import math
import re

import numpy as np
import pytest

import qdgain_core as core
from components.callbacks import figure_tabs, live
from components.figures.maps import MAX_MAP_COLUMNS
from components.panels import TAB_PANELS, potential_axis_mv
from components.state import AppState, state_to_store
from components.url_state import parse_query, to_query
from tests.support.core_values import (
    CROSS_SECTION_TRACES,
    CUTS,
    SPECTRA_TRACES,
    VALUE_QUERIES,
    assert_readout_numbers,
    asymmetric_point,
    map_axes,
    number,
    operating_eta,
    unescaped,
)
from tests.support.core_values import assert_plotted as assert_values

QUERIES = VALUE_QUERIES


@pytest.fixture(scope="module", params=list(QUERIES), ids=list(QUERIES))
def state(request) -> AppState:
    state, notices = parse_query(QUERIES[request.param])
    assert notices == []
    defaults = core.GainParams()
    assert all(getattr(state.params, name) != getattr(defaults, name) for name in ("chi", "eta", "n_doped", "n_avg"))
    return state


def store(state: AppState) -> dict:
    return state_to_store(state, to_query(state))


def array(spec) -> np.ndarray:
    """A plotted array as float64: a base64 typed-array spec (with its shape) or a plain list (None = NaN)."""
    if isinstance(spec, dict) and "bdata" in spec:
        values = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=spec["dtype"])
        if "shape" in spec:
            values = values.reshape([int(n) for n in str(spec["shape"]).split(",")])
        return values.astype(float)
    return np.array([[math.nan if v is None else v for v in row] if isinstance(row, list) else
                     (math.nan if row is None else row) for row in spec], dtype=float)


def assert_plotted(plotted, expected, what: str) -> None:
    assert_values(array(plotted) if not isinstance(plotted, np.ndarray) else plotted, expected, what)


def by_name(figure: dict) -> dict[str, dict]:
    traces = {}
    for trace in figure["data"]:
        assert trace.get("name") not in traces, f"two traces named {trace.get('name')!r}"
        traces[trace.get("name")] = trace
    return traces


def fast_figure(state: AppState) -> dict:
    out = live.update_operating_point({}, {}, store(state))
    return out["figures"][0]


def tab_figures(state: AppState, tab: str) -> dict[str, dict]:
    out = figure_tabs.draw_tab(tab, {}, store(state), state.view.map_points, None, state.view.hold)
    assert all(notice == "" for notice in out["notices"]), out["notices"]
    return dict(zip(TAB_PANELS[tab], out["figures"], strict=True))


# --- spectra and cross sections ---------------------------------------------------------------------------


def test_every_spectra_trace_is_the_cores(state):
    spectra = core.nonlinear_absorption(state.params)
    traces = {name: trace for name, trace in by_name(fast_figure(state)).items() if name in SPECTRA_TRACES}
    assert set(traces) == set(SPECTRA_TRACES)
    for name, expected in SPECTRA_TRACES.items():
        assert_plotted(traces[name]["x"], spectra.energy_mev, f"{name}: energies")
        assert_plotted(traces[name]["y"], expected(spectra), name)
    net = array(traces["Net OD_NL (negative = gain)"]["y"])
    parts = sum(array(traces[name]["y"]) for name in list(SPECTRA_TRACES)[1:5])
    np.testing.assert_allclose(parts, net, atol=1e-5 * np.abs(net).max())  # the parts add up to the net


def test_every_cross_section_trace_is_the_cores(state):
    spectra = core.nonlinear_absorption(state.params)
    traces = by_name(tab_figures(state, "spectral")["cross_sections"])
    assert set(CROSS_SECTION_TRACES) <= set(traces)
    for name, expected in CROSS_SECTION_TRACES.items():
        assert_plotted(traces[name]["x"], spectra.energy_mev, f"{name}: energies")
        assert_plotted(traces[name]["y"], expected(spectra), name)
    assert np.abs(spectra.sigma_se - spectra.sigma_eff).max() > 1e-3 * spectra.sigma_se.max()  # tells them apart


def test_the_se_map_is_the_cores(state):
    semap = core.se_map(state.params)
    heatmap = tab_figures(state, "spectral")["se_map"]["data"][0]
    step = max(1, math.ceil(semap.energy_mev.size / MAX_MAP_COLUMNS))
    assert_plotted(heatmap["x"], semap.energy_mev[::step], "SE map energies")
    assert_plotted(heatmap["y"], semap.n_values, "SE map ⟨N⟩ rows")
    assert_plotted(heatmap["z"], semap.od[:, ::step], "SE map OD_NL")


# --- phase maps and cuts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", ["n_th", "sigma_ratio"])
def test_the_phase_maps_are_the_cores_in_both_orientations(state, quantity):
    params, points = state.params, state.view.map_points
    chi, eta = map_axes(points)
    figure = tab_figures(state, "phase")[f"phase_{'nth' if quantity == 'n_th' else 'sigma'}"]
    heatmap = figure["data"][0]
    assert_plotted(heatmap["x"], chi, "map x = chi")
    assert_plotted(heatmap["y"], eta, "map y = eta")
    expected = core.phase_maps(params, chi, eta, hold=state.hold)[quantity]
    assert expected.values.shape == (points, points) and expected.method == params.threshold_method
    assert_plotted(heatmap["z"], expected.values, f"{quantity} map")
    z = array(heatmap["z"])
    i, j = asymmetric_point(z)  # z[i][j] is the value at eta[i], chi[j]: a one-point core map there
    point = core.phase_map(params, chi[[j]], eta[[i]], quantity, hold=state.hold).values[0, 0]
    assert z[i, j] == pytest.approx(point, rel=1e-2)  # (a one-point map has its own energy grid)
    marker = figure["data"][1]
    assert marker["name"] == "operating point"
    assert array(marker["x"]).tolist() == pytest.approx([params.chi], rel=1e-6)
    assert array(marker["y"]).tolist() == pytest.approx([operating_eta(params)], rel=1e-6)


def test_the_cuts_are_the_cores(state):
    params = state.params
    chi, eta = map_axes(min(4 * state.view.map_points, 201))
    cuts = core.phase_cuts(params, chi, eta, hold=state.hold)
    figures = tab_figures(state, "cuts")
    n_th = core.gain_threshold(params).n_th
    for panel, (quantity, axis, field) in CUTS.items():
        traces = by_name(figures[panel])
        model = traces[f"model ({params.threshold_method})" if quantity == "n_th" else "model"]
        assert_plotted(model["x"], chi if axis == "chi" else eta, f"{panel}: x")
        assert_plotted(model["y"], getattr(cuts, field), f"{panel}: y")
        marker = traces["operating point"]
        x_now = params.chi if axis == "chi" else operating_eta(params)
        y_now = n_th if quantity == "n_th" else core.sigma_eff_ratio(params)
        assert array(marker["x"]).tolist() == pytest.approx([x_now], rel=1e-6)
        assert array(marker["y"]).tolist() == pytest.approx([y_now], rel=1e-6)


# --- doping and dynamics ----------------------------------------------------------------------------------


def test_the_doping_curves_are_the_cores(state):
    params = state.params
    figures = tab_figures(state, "doping")
    traces = by_name(figures["doping_threshold"])
    model = traces[f"model ({params.threshold_method})"]
    n_doped = np.linspace(0.0, 2.0, array(model["x"]).size)
    assert n_doped.size >= 21
    assert_plotted(model["x"], n_doped, "doping axis")
    assert_plotted(model["y"], core.threshold_vs_doping(params, n_doped), "⟨N_th⟩ vs doping")
    marker = traces["operating point"]
    assert array(marker["y"]).tolist() == pytest.approx([core.gain_threshold(params).n_th], rel=1e-6)
    assert array(marker["x"]).tolist() == pytest.approx([params.n_doped], rel=1e-6)
    potential = by_name(figures["doping_potential"])["grand-canonical model"]
    x = potential_axis_mv(params)
    assert_plotted(potential["x"], x, "potential axis")
    assert_plotted(potential["y"], core.electrons_vs_potential(x, params.v_1s_mv, params.charging_energy_mev,
                                                               params.doping_temperature_k, params.sigma_1s_mv),
                   "⟨n⟩ vs potential")


def test_the_dynamics_curves_are_the_cores(state):
    params = state.params
    dynamics = core.gain_dynamics(params)
    figures = tab_figures(state, "dynamics")
    operating = by_name(figures["dynamics_astar"])[f"operating point, ⟨N⟩ = {params.n_avg:.3g}"]
    assert_plotted(operating["x"], dynamics.time_ps, "A* times")
    assert_plotted(operating["y"], dynamics.operating_a_star, "A*(t) at the operating point")
    lifetimes = by_name(figures["dynamics_lifetime"])
    for level in dynamics.doping_levels:
        assert_plotted(lifetimes[f"n = {level}"]["x"], dynamics.n_x_values, "⟨N_X⟩")
        assert_plotted(lifetimes[f"n = {level}"]["y"], dynamics.gain_lifetime_ps[level], f"t_G for n = {level}")


# --- readout numbers --------------------------------------------------------------------------------------


def test_every_readout_number_is_the_cores(state):
    text = unescaped(live.update_operating_point({}, {}, store(state))["readouts"])
    answer, table = text.split("\n\n", 1)
    rows = {}
    for line in table.splitlines()[2:]:
        label, value = (cell.strip() for cell in line.strip("|").split(" | "))
        rows[label] = value
    assert_readout_numbers(state.params, answer, rows)


def test_the_slow_readout_numbers_are_the_cores(state):
    params = state.params
    out = figure_tabs.update_readouts({}, store(state), state.view.map_points)
    ase = core.ase_curve(params)
    if ase.threshold_mj_cm2 is None:
        assert out["ase"].startswith("no ASE threshold")
    else:
        assert number(out["ase"].removeprefix("J_th = ")) == pytest.approx(ase.threshold_mj_cm2, rel=5e-3)
    lifetime = core.gain_dynamics(params).operating_gain_lifetime_ps
    shown = re.search(r"([0-9.e+-]+) ps", out["lifetime"])
    if lifetime > 0:
        assert shown and number(shown[1]) == pytest.approx(lifetime, rel=5e-3), out["lifetime"]
    else:
        assert not shown or number(shown[1]) == 0, out["lifetime"]

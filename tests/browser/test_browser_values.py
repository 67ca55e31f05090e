"""In headless Chromium: what the page draws and writes equals the core's values (issue part 7).

For non-default states opened from the URL, the figures are read back from the Plotly graph
divs (``gd.data``, base64 arrays decoded by plotly.js into ``_inputArray``) and the readout
from the rendered table, and compared with ``qdgain_core`` computed here for the same
parameters (tests/support/core_values.py): the spectra and cross-section traces by name, the
phase maps' z with their chi (x) and eta (y) axes, the cuts, the doping curve and every
readout number.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import qdgain_core as core
from components.url_state import parse_query
from tests.support.core_values import (
    CROSS_SECTION_TRACES,
    CUTS,
    SPECTRA_TRACES,
    VALUE_QUERIES,
    assert_plotted,
    assert_readout_numbers,
    asymmetric_point,
    map_axes,
    number,
    operating_eta,
)
from tests.support.page import serve_app
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

READ_FIGURE = """
const box = document.getElementById(arguments[0]);
const plot = box && (box.classList.contains('js-plotly-plot') ? box : box.querySelector('.js-plotly-plot'));
if (!plot || !plot.data) { return null; }
const plain = v => v == null ? null : (v._inputArray !== undefined ? plain(v._inputArray)
    : (typeof v === 'object' && v.length !== undefined ? Array.from(v, plain) : v));
const title = plot.layout && plot.layout.title ? (plot.layout.title.text || '') : '';
return plot.data.map(t => ({name: t.name, type: t.type || 'scatter', title: title,
                            x: plain(t.x), y: plain(t.y), z: plain(t.z)}));
"""
READ_READOUT = """
const box = document.getElementById('readout-operating');
const answer = box && box.querySelector('p');
const rows = box ? Array.from(box.querySelectorAll('tbody tr'), tr => Array.from(tr.cells, c => c.textContent)) : [];
return {answer: answer ? answer.textContent : '', rows: rows,
        lifetime: (document.getElementById('readout-lifetime') || {}).textContent || '',
        ase: (document.getElementById('readout-ase') || {}).textContent || ''};
"""


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


def figure(driver, panel: str) -> dict[str, dict] | None:
    """The traces of one panel's graph by name, as the page holds them (None until drawn)."""
    data = driver.execute_script(READ_FIGURE, f"graph-{panel}")
    return {trace["name"]: trace for trace in data} if data else None


def drawn(driver, panel: str, check) -> dict[str, dict]:
    """Wait until ``check(traces)`` holds for the panel's graph (the figure of this state has arrived)."""
    def ready():
        traces = figure(driver, panel)
        try:
            return traces if traces and check(traces) else None
        except (KeyError, TypeError, IndexError):
            return None

    return wait_for(ready, timeout_s=60, what=f"the {panel} figure of this state")


def open_tab(driver, tab: str) -> None:
    driver.find_element("id", f"tab-{tab}").click()


def marker_at(traces: dict, x: float, y: float | None = None) -> bool:
    marker = traces["operating point"]
    at_x = math.isclose(marker["x"][0], x, rel_tol=1e-5)
    return at_x and (y is None or math.isclose(marker["y"][0], y, rel_tol=1e-5))


@pytest.mark.parametrize("name", list(VALUE_QUERIES))
def test_the_page_shows_the_cores_values(driver, base_url, name):
    state, notices = parse_query(VALUE_QUERIES[name])
    assert notices == []
    params = state.params
    driver.get(base_url + "/" + VALUE_QUERIES[name])

    # the fast path: spectra and the readout
    readout = wait_for(lambda: (lambda r: r if f"⟨N⟩ = {params.n_avg:.3g}:" in r["answer"] and r["rows"]
                                and "…" not in r["lifetime"] and r["lifetime"] else None)(
        driver.execute_script(READ_READOUT)), timeout_s=60, what="the readout of this state")
    assert_readout_numbers(params, readout["answer"], {label: value for label, value in readout["rows"]})
    lifetime = core.gain_dynamics(params).operating_gain_lifetime_ps
    shown = re.search(r"([0-9.e+-]+) ps", readout["lifetime"])
    if lifetime > 0:
        assert shown and math.isclose(number(shown[1]), lifetime, rel_tol=5e-3), readout["lifetime"]
    ase = core.ase_curve(params).threshold_mj_cm2
    if ase is not None:
        assert math.isclose(number(readout["ase"].removeprefix("J_th = ")), ase, rel_tol=5e-3), readout["ase"]

    spectra = core.nonlinear_absorption(params)
    traces = drawn(driver, "spectra", lambda t: all(n in t for n in SPECTRA_TRACES)
                   and f"⟨N⟩ = {params.n_avg:.3g}," in next(iter(t.values()))["title"])
    for trace_name, expected in SPECTRA_TRACES.items():
        assert_plotted(traces[trace_name]["x"], spectra.energy_mev, f"{trace_name}: energies")
        assert_plotted(traces[trace_name]["y"], expected(spectra), trace_name)

    # the phase tab is open first: both maps, in both orientations
    chi, eta = map_axes(state.view.map_points)
    maps = core.phase_maps(params, chi, eta, hold=state.hold)
    for panel, quantity in (("phase_nth", "n_th"), ("phase_sigma", "sigma_ratio")):
        traces = drawn(driver, panel, lambda t: marker_at(t, params.chi, operating_eta(params))
                       and len(next(iter(t.values()))["z"]) == state.view.map_points)
        heatmap = next(trace for trace in traces.values() if trace["type"] == "heatmap")
        assert_plotted(heatmap["x"], chi, f"{panel}: x = chi")
        assert_plotted(heatmap["y"], eta, f"{panel}: y = eta")
        assert_plotted(heatmap["z"], maps[quantity].values, f"{panel}: z")
        z = np.array(heatmap["z"], dtype=float)
        i, j = asymmetric_point(z)
        point = core.phase_map(params, chi[[j]], eta[[i]], quantity, hold=state.hold).values[0, 0]
        assert math.isclose(z[i, j], point, rel_tol=1e-2), (panel, i, j, z[i, j], point)

    open_tab(driver, "cuts")
    chi4, eta4 = map_axes(min(4 * state.view.map_points, 201))
    cuts = core.phase_cuts(params, chi4, eta4, hold=state.hold)
    model_name = f"model ({params.threshold_method})"
    for panel, (quantity, axis, field) in CUTS.items():
        x_now = params.chi if axis == "chi" else operating_eta(params)
        traces = drawn(driver, panel, lambda t, x_now=x_now: marker_at(t, x_now))
        model = traces[model_name if quantity == "n_th" else "model"]
        assert_plotted(model["x"], chi4 if axis == "chi" else eta4, f"{panel}: x")
        assert_plotted(model["y"], getattr(cuts, field), f"{panel}: y")

    open_tab(driver, "spectral")
    traces = drawn(driver, "cross_sections", lambda t: all(n in t for n in CROSS_SECTION_TRACES))
    for trace_name, expected in CROSS_SECTION_TRACES.items():
        assert_plotted(traces[trace_name]["x"], spectra.energy_mev, f"{trace_name}: energies")
        assert_plotted(traces[trace_name]["y"], expected(spectra), trace_name)

    open_tab(driver, "doping")
    traces = drawn(driver, "doping_threshold", lambda t: model_name in t and marker_at(t, params.n_doped))
    n_doped = np.linspace(0.0, 2.0, len(traces[model_name]["x"]))
    assert_plotted(traces[model_name]["x"], n_doped, "doping axis")
    assert_plotted(traces[model_name]["y"], core.threshold_vs_doping(params, n_doped), "⟨N_th⟩ vs doping")

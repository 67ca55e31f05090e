"""Figure builders: every axis names its unit, hovers carry units, no-gain is text, PNG export is set up."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from components import computed
from components.figures.common import Marker, graph_config, message_figure
from components.figures.maps import phase_heatmap_figure, threshold_label
from components.figures.readouts import gain_answer, readout_markdown, threshold_readouts
from components.panels import PANEL_BY_ID as PANELS_BY_ID
from components.panels import PANELS
from components.presets import PRESET_CHOICES
from components.state import AppState, ViewState, canonical, default_state
from qdgain_core import PhaseMap, Threshold

UNIT = re.compile(r"\([^()]+\)\s*$")
STATES = {
    "defaults": default_state(),
    "defaults holding the Stokes shift": dataclasses.replace(default_state(), view=ViewState(15, None, "stokes")),
    **{name: AppState(canonical(p.params), ViewState(15, name)) for name, p in PRESET_CHOICES.items()},
}


def axis_titles(figure: go.Figure) -> list[str]:
    layout = figure.to_plotly_json()["layout"]
    return [value.get("title", {}).get("text", "") for key, value in layout.items()
            if re.fullmatch(r"[xy]axis\d*", key)]


@pytest.fixture(scope="module", params=sorted(STATES))
def drawn(request):
    state = STATES[request.param]
    return {panel.id: panel.build(state) for panel in PANELS}


def test_every_axis_has_a_unit(drawn):
    for panel_id, figure in drawn.items():
        titles = axis_titles(figure)
        assert len(titles) >= 2, panel_id
        for title in titles:
            assert UNIT.search(title), f"{panel_id}: axis title {title!r} has no unit"


def test_figures_pass_full_plotly_validation(drawn):
    for figure in drawn.values():
        go.Figure(figure.to_dict())  # raises ValueError on any invalid property


def test_colorbars_have_units(drawn):
    for panel_id, figure in drawn.items():
        for trace in figure.data:
            if trace.type in ("heatmap", "contour") and trace.showscale is not False:
                assert UNIT.search(trace.colorbar.title.text.replace("<br>", " ")), panel_id


def test_every_trace_hover_shows_units(drawn):
    for panel_id, figure in drawn.items():
        for trace in figure.data:
            if trace.hoverinfo == "skip":
                continue
            template = trace.hovertemplate or ""
            assert template, f"{panel_id}: trace {trace.name!r} has no hovertemplate"
            assert re.search(r"meV|excitons/dot|electrons/dot|mJ/cm²|ps|mV|arb\. units|σ|χ|η|I/max|A\*|OD",
                             template), f"{panel_id}: {template!r}"


def test_uirevision_keeps_zoom(drawn):
    for panel_id, figure in drawn.items():
        assert figure.layout.uirevision, panel_id


def test_spectra_show_parts_net_and_linear_absorption(drawn):
    names = [trace.name for trace in drawn["spectra"].data]
    for part in ("Linear absorption", "Ground-state", "Excited-state", "Stimulated emission", "Biexciton", "Net"):
        assert any(part in name for name in names), part


def test_gain_lifetime_panel_draws_the_measured_points_of_002(drawn):
    """[002] Fig. 5c: the measured gain lifetimes are drawn over the model curves, with their sources."""
    traces = [trace for trace in drawn["dynamics_lifetime"].data if trace.name.startswith("measured")]
    assert len(traces) == 1
    measured = traces[0]
    assert measured.mode == "markers" and len(measured.x) == 2
    points = sorted((round(float(x), 3), round(float(y), 3)) for x, y in zip(measured.x, measured.y))
    assert points == [(6.6, 500.0), (6.6, 1000.0)]
    assert all("002_" in source and "Fig. 5c" in source for _, source in measured.customdata)


def test_no_gain_is_text_never_a_number():
    missing = Threshold("window", float("inf"), False, "no net gain up to the search limit <N> = 1")
    label = threshold_label(missing)
    assert "no gain" in label and "inf" not in label
    listing = readout_markdown(threshold_readouts({"window": missing, "band": missing}, "band"))
    assert "no gain (" in listing and "inf" not in listing
    answer = gain_answer(1.5, "window", missing, False)
    assert "no ⟨N\\_th⟩ found" in answer and "inf" not in answer


def test_no_gain_state_draws_notes_not_numbers():
    state = dataclasses.replace(default_state(), params=default_state().params.with_updates(
        n_search_max=0.5, pump_mode="one_photon"))
    se_map = next(p for p in PANELS if p.id == "se_map").build(state)
    notes = " ".join(a.text for a in se_map.layout.annotations)
    assert "no gain" in notes


def test_graph_config():
    config = graph_config()
    assert "toImage" in config["modeBarButtonsToRemove"]  # the page's PNG/SVG toolbar buttons replace the camera
    # nothing sends the chart to an outside service (plotly.js >= 3 adds "Share chart" unless told not to)
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert config["plotlyServerURL"] == "" and "sendChartToCloud" in config["modeBarButtonsToRemove"]


def test_message_figure_has_no_data():
    figure = message_figure("computing…")
    assert len(figure.data) == 0 and figure.layout.annotations[0].text == "computing…"


# --- the phase maps: what is held along eta, and the Stokes shift of every row -----------------------------


@pytest.mark.parametrize("hold", ["fine_structure", "stokes"])
def test_map_hover_shows_the_stokes_shift_and_fine_structure_of_each_row(hold):
    state = dataclasses.replace(default_state(), view=ViewState(21, None, hold))
    maps = computed.phase_maps(state.params, 21, hold)
    for panel_id, quantity in (("phase_nth", "n_th"), ("phase_sigma", "sigma_ratio")):
        heatmap = PANELS_BY_ID[panel_id].build(state).data[0]
        assert "Δ_SS = %{customdata[0]:.4g} meV" in heatmap.hovertemplate
        assert "Δ_FS = %{customdata[1]:.3g} meV" in heatmap.hovertemplate
        custom = np.asarray(heatmap.customdata, dtype=float)
        assert custom.shape == (21, 21, 2)
        np.testing.assert_allclose(custom[:, 5, 0], maps[quantity].stokes_mev, rtol=1e-6)
        np.testing.assert_allclose(custom[:, 0, 1], maps[quantity].fine_structure_mev, rtol=1e-6)


def test_map_subtitle_says_what_is_held():
    fine = PANELS_BY_ID["phase_nth"].build(dataclasses.replace(default_state(), view=ViewState(21))).layout
    assert re.match(r"η axis holds Δ<sub>FS</sub> = 14\.5 meV; Δ<sub>SS</sub> ranges 19\.9–\d+ meV<br>also fixed: ",
                    fine.title.subtitle.text), fine.title.subtitle.text
    stokes = PANELS_BY_ID["phase_sigma"].build(dataclasses.replace(default_state(), view=ViewState(21, None, "stokes")))
    assert stokes.layout.title.subtitle.text.startswith("η axis holds Δ<sub>SS</sub> = 20 meV; Δ<sub>FS</sub> ranges ")
    assert "Δ<sub>XX</sub> = 15 meV" in stokes.layout.title.subtitle.text
    assert "None" not in fine.title.subtitle.text + stokes.layout.title.subtitle.text


def test_rows_beyond_half_the_band_gap_are_marked_not_called_no_gain():
    """Holding Δ_FS, small η needs a Stokes shift above E_A/2: the core leaves those rows out, the map says so."""
    eta = np.geomspace(0.01, 100.0, 5)
    stokes = np.array([5000.0, 1200.0, 300.0, 40.0, 20.0])
    values = np.tile(np.array([[np.nan], [np.nan], [1.2], [1.4], [1.5]]), (1, 3))
    phase_map = PhaseMap("n_th", "window", np.linspace(0, 1, 3), eta, values, stokes,
                         {"hold": "fine_structure", "fine_structure_mev": 14.5, "xx_binding_mev": 15.0}, "fine_structure",
                         np.full(5, 14.5))
    drawn = phase_heatmap_figure(phase_map, Marker("operating point", 1.0, 10.0), [], "reason", stokes_limit_mev=1050.0)
    assert [trace.name for trace in drawn.data] == ["⟨N_th⟩", "operating point"]  # no "no gain" key
    (line,) = drawn.layout.shapes
    assert line.y0 == pytest.approx(np.sqrt(eta[1] * eta[2])) and "not computed" in line.label.text
    assert "Δ<sub>SS</sub> ranges 20–300 meV" in drawn.layout.title.subtitle.text
    values[3, 1] = np.nan  # a real gap among the computed rows is "no gain"
    again = phase_heatmap_figure(phase_map, Marker("operating point", 1.0, 10.0), [], "reason", stokes_limit_mev=1050.0)
    assert again.data[-1].name == "no gain (reason)"


@pytest.mark.parametrize("panel_id", ["cut_nth_eta", "cut_ratio_eta"])
@pytest.mark.parametrize("hold", ["fine_structure", "stokes"])
def test_eta_cuts_draw_the_stokes_shift_on_a_right_axis(panel_id, hold):
    state = dataclasses.replace(default_state(), view=ViewState(21, None, hold))
    drawn = PANELS_BY_ID[panel_id].build(state)
    layout = drawn.layout
    assert layout.yaxis2.title.text == "Δ<sub>SS</sub> (meV)" and layout.yaxis2.side == "right"
    stokes = next(trace for trace in drawn.data if trace.name.startswith("Stokes shift"))
    assert stokes.yaxis == "y2" and "meV" in stokes.hovertemplate
    model = drawn.data[0]
    assert "Δ_SS = %{customdata:.4g} meV" in model.hovertemplate
    shown = np.asarray(stokes.y, dtype=float)
    shown = shown[np.isfinite(shown)]
    if hold == "fine_structure":
        assert layout.yaxis2.type == "log" and shown.max() > 10 * shown.min()
        assert layout.title.subtitle.text.startswith("η axis holds Δ<sub>FS</sub> = 14.5 meV; Δ<sub>SS</sub> ranges")
        assert shown.max() <= state.params.e_a_mev / 2
        assert any("not computed" in (shape.label.text or "") for shape in layout.shapes)
    else:
        assert layout.yaxis2.type == "linear" and np.allclose(shown, 20.0)
        assert layout.title.subtitle.text == "η axis holds Δ<sub>SS</sub> = 20 meV"


def test_chi_cuts_do_not_depend_on_the_hold():
    states = [dataclasses.replace(default_state(), view=ViewState(21, None, hold)) for hold in (None, "stokes")]
    drawn = [PANELS_BY_ID["cut_nth_chi"].build(state) for state in states]
    np.testing.assert_allclose(np.asarray(drawn[0].data[0].y, dtype=float), np.asarray(drawn[1].data[0].y, dtype=float),
                               rtol=1e-3, equal_nan=True)

"""Figure builders: every axis names its unit, hovers carry units, no-gain is text, PNG export is set up."""

from __future__ import annotations

import dataclasses
import re

import plotly.graph_objects as go
import pytest

from components.figures_common import graph_config, message_figure
from components.figures_maps import threshold_label
from components.panels import PANELS
from components.presets import PRESET_CHOICES
from components.readouts import readout_markdown, threshold_readouts
from components.state import AppState, ViewState, canonical, default_state
from qdgain_core import Threshold

UNIT = re.compile(r"\([^()]+\)\s*$")
STATES = {
    "defaults": default_state(),
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
    listing = readout_markdown(threshold_readouts({"window": missing}, "window"))
    assert "no gain (" in listing and "inf" not in listing


def test_no_gain_state_draws_notes_not_numbers():
    state = dataclasses.replace(default_state(), params=default_state().params.with_updates(
        n_search_max=0.5, pump_mode="one_photon"))
    se_map = next(p for p in PANELS if p.id == "se_map").build(state)
    notes = " ".join(a.text for a in se_map.layout.annotations)
    assert "no gain" in notes


def test_png_export_config():
    config = graph_config("qdgain_spectra")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "qdgain_spectra", "scale": 2}


def test_message_figure_has_no_data():
    figure = message_figure("computing…")
    assert len(figure.data) == 0 and figure.layout.annotations[0].text == "computing…"

"""The Python mirrors of the browser-side callbacks, and the small helpers that keep commits cheap."""

from __future__ import annotations

import json
import math
from typing import Any

import plotly.io as pio
import pytest
from dash import no_update

from components import figure_memo
from components.callbacks.delta import each_if_changed, if_changed
from components.figures.readouts import Readout, escape_markdown, readout_markdown
from components.panels import PANEL_BY_ID, PANEL_TABS
from components.state import default_state
from tests.support.browser_side import (
    ETA_RULES,
    ETA_SPEC,
    FakeClient,
    app_tab_names,
    gate_tabs,
    registered_callbacks,
    sync_slider,
)
from tests.support.dash_client import Callback

TABS = [tab.value for tab in PANEL_TABS]


@pytest.fixture(scope="module")
def registered() -> dict[str, Callback]:
    return registered_callbacks()


def gate_client(gate: Callback, **changes: Any) -> FakeClient:
    """Every gate input and state as the page holds them; main fields 0.5, open tab "cuts"."""
    names = app_tab_names()
    props = {(cid, prop): 0.5 for cid, prop in gate.inputs if str(cid).startswith("number-")}
    props.update({("state-revision", "data"): {"params": {}}, ("map-points", "value"): 31,
                  ("map-hold", "value"): "stokes", ("panel-tabs", "value"): "cuts", ("view", "value"): names["dashboard"], ("tab-names", "data"): names})
    props.update({tuple(key.split(".")): value for key, value in changes.items()})
    return FakeClient(props)


def test_gate_sends_the_commit_to_the_open_tab_only(registered):
    gate = registered["gate"]
    answer = gate_tabs(gate_client(gate), gate, ["number-chi.value"])["response"]
    assert list(answer) == ["commit-cuts"]
    commit = answer["commit-cuts"]["data"]
    assert commit["revision"] == {"params": {}} and commit["map_points"] == 31 and commit["hold"] == "stokes"
    assert set(commit["numbers"]) == set(app_tab_names()["fields"]) and set(commit["numbers"].values()) == {0.5}


def test_gate_resends_until_the_tab_has_drawn_it(registered):
    gate = registered["gate"]
    client = gate_client(gate)
    commit = gate_tabs(client, gate, [])["response"]["commit-cuts"]["data"]
    client.props[("commit-cuts", "data")] = commit  # asked, but the answer was lost
    assert list(gate_tabs(client, gate, ["panel-tabs.value"])["response"]) == ["commit-cuts"]
    client.props[("drawn-cuts", "data")] = commit  # drawn
    assert gate_tabs(client, gate, ["panel-tabs.value"])["response"] == {}


def test_gate_resends_when_only_the_hold_changed(registered):
    gate = registered["gate"]
    client = gate_client(gate, **{"panel-tabs.value": "phase"})
    commit = gate_tabs(client, gate, [])["response"]["commit-phase"]["data"]
    client.props[("drawn-phase", "data")] = commit
    assert gate_tabs(client, gate, ["map-hold.value"])["response"] == {}
    client.props[("map-hold", "value")] = "fine_structure"
    answer = gate_tabs(client, gate, ["map-hold.value"])["response"]
    assert answer["commit-phase"]["data"]["hold"] == "fine_structure"


def test_gate_sends_nothing_on_the_about_view_or_without_a_revision(registered):
    gate = registered["gate"]
    assert gate_tabs(gate_client(gate, **{"view.value": "about"}), gate, [])["response"] == {}
    assert gate_tabs(gate_client(gate, **{"state-revision.data": None}), gate, [])["response"] == {}
    assert gate_tabs(gate_client(gate, **{"tab-names.data": {"fields": ["chi"], "panels": ["phase"]}}), gate, []) == {}




SHOWN = {("message-eta", "children"): "η: an earlier message"}
CLEAR = {"message-eta": {"children": ""}}


@pytest.mark.parametrize("props, trigger, expected", [
    ({("slider-eta", "value"): 0.5}, "slider-eta.value", {"number-eta": {"value": 3.162}}),
    ({("slider-eta", "value"): 0.5, **SHOWN}, "slider-eta.value", {"number-eta": {"value": 3.162}, **CLEAR}),
    ({("slider-eta", "value"): 9.0}, "slider-eta.value", {"number-eta": {"value": 30.0}}),
    ({("number-eta", "value"): 100.0}, "number-eta.value", {
        "slider-eta": {"value": math.log10(30.0)}, "number-eta": {"value": 30.0},
        "message-eta": {"children": "η: 100 is above the allowed range 0.03 to 30; set to 30."}}),
    ({("number-eta", "value"): 0.001}, "number-eta.value", {
        "slider-eta": {"value": -1.5}, "number-eta": {"value": 0.03},
        "message-eta": {"children": "η: 0.001 is below the allowed range 0.03 to 30; set to 0.03."}}),
    ({("number-eta", "value"): 1.0}, "number-eta.value", {"slider-eta": {"value": 0.0}}),
    ({("number-eta", "value"): 1.0, **SHOWN}, "number-eta.value", {"slider-eta": {"value": 0.0}, **CLEAR}),
    ({("number-eta", "value"): None, ("slider-eta", "value"): 1.0}, "number-eta.value", {
        "slider-eta": {"value": 1.0}, "number-eta": {"value": 10.0},
        "message-eta": {"children": "η: the box is empty; kept 10 (allowed 0.03 to 30)."}}),
    ({("number-eta", "value"): None, ("slider-eta", "value"): 1.0, ("state-store", "data"): {"params": {"eta": 2.5}}},
     "number-eta.value", {"slider-eta": {"value": math.log10(2.5)}, "number-eta": {"value": 2.5},
                          "message-eta": {"children": "η: the box is empty; kept 2.5 (allowed 0.03 to 30)."}}),
    ({("message-eta", "n_clicks"): 1, **SHOWN}, "message-eta.n_clicks", CLEAR),
    ({("applied-main-values", "data"): {"eta": 0.1}}, "applied-main-values.data",
     {"slider-eta": {"value": -1.0}, "number-eta": {"value": 0.1}}),
])
def test_sync_mirror_keeps_slider_and_number_in_step(registered, props, trigger, expected):
    client = FakeClient({("slider-specs", "data"): ETA_SPEC, ("field-rules", "data"): ETA_RULES, **props})
    assert sync_slider(client, registered["sync"], [trigger]) == {"response": expected}


def test_sync_mirror_ignores_unusable_values(registered):
    client = FakeClient({("slider-specs", "data"): ETA_SPEC, ("field-rules", "data"): ETA_RULES,
                         ("applied-main-values", "data"): {"eta": -1.0}})
    assert sync_slider(client, registered["sync"], ["applied-main-values.data"]) == {}
    assert sync_slider(client, registered["sync"], []) == {}


def test_unchanged_texts_are_not_sent_again():
    assert if_changed("", None) is no_update and if_changed("", "") is no_update
    assert if_changed("new", "") == "new" and if_changed({"a": 1}, {"a": 1}) == {"a": 1}
    assert each_if_changed(["", "x"], ["", ""]) == [no_update, "x"]
    assert each_if_changed(["", "x"], "garbage") == ["", "x"]


def test_rendered_figures_are_the_builders_json_and_are_reused():
    state = default_state()
    first = figure_memo.figure_json("cut_nth_chi", state)
    assert first == json.loads(pio.to_json(PANEL_BY_ID["cut_nth_chi"].build(state), validate=False))
    assert figure_memo.figure_json("cut_nth_chi", state) is first


@pytest.mark.parametrize("text", ["a|b", "*bold*", "x_y_z", "<script>", "[link](x)", "`code`", "back\\slash"])
def test_readout_table_shows_text_literally(text):
    table = readout_markdown([Readout(text, "1.5", "meV")])
    cell = table.splitlines()[2]
    assert cell == f"| {escape_markdown(text)} | 1.5 meV |"
    assert all(f"\\{char}" in escape_markdown(text) for char in text if char in "|*_<>[]`\\")


def test_readout_table_emphasises_the_selected_method():
    table = readout_markdown([Readout("⟨N_th⟩ window (selected)", "1.2", emphasis=True), Readout("σ", "0.5")])
    assert table.splitlines()[2].startswith("| **") and table.count("|") == 4 * 3

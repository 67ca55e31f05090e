"""The Python mirrors of the browser-side callbacks, and the small helpers that keep commits cheap."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import plotly.io as pio
import pytest
from browser_side import gate_tabs, sync_slider
from dash import no_update
from dash_client import Callback

from components import rendered
from components.delta import each_if_changed, if_changed
from components.panels import PANEL_BY_ID, PANEL_TABS
from components.readouts import Readout, escape_markdown, readout_markdown
from components.state import default_state

FIELDS = ["chi", "n_avg"]
TABS = [tab.value for tab in PANEL_TABS]


@dataclass
class FakeClient:
    """What the mirrors read from a client: ``value(id, prop)``."""

    props: dict[tuple[str, str], Any] = field(default_factory=dict)

    def value(self, component_id: str, prop: str) -> Any:
        return self.props.get((component_id, prop))


GATE = Callback(
    "..commit-" + "...commit-".join(f"{tab}.data" for tab in TABS) + "..",
    tuple((f"number-{name}", "value") for name in FIELDS)
    + (("state-revision", "data"), ("map-points", "value"), ("panel-tabs", "value"), ("view", "value")),
    tuple((f"commit-{tab}", "data") for tab in TABS) + (("tab-names", "data"),),
    False,
    "gateTabs",
)


def gate_client(**changes: Any) -> FakeClient:
    props = {("number-chi", "value"): 0.5, ("number-n_avg", "value"): 2.0, ("state-revision", "data"): {"params": {}},
             ("map-points", "value"): 31, ("panel-tabs", "value"): "cuts", ("view", "value"): "dashboard",
             ("tab-names", "data"): {"fields": FIELDS, "panels": TABS, "dashboard": "dashboard", "about": "about"}}
    props.update({tuple(key.split(".")): value for key, value in changes.items()})
    return FakeClient(props)


def test_gate_sends_the_commit_to_the_open_tab_only():
    answer = gate_tabs(gate_client(), GATE, ["number-chi.value"])["response"]
    assert list(answer) == ["commit-cuts"]
    assert answer["commit-cuts"]["data"] == {"numbers": {"chi": 0.5, "n_avg": 2.0}, "revision": {"params": {}},
                                             "map_points": 31}


def test_gate_sends_nothing_when_the_open_tab_drew_it_or_nothing_can_be_drawn():
    client = gate_client()
    drawn = gate_tabs(client, GATE, [])["response"]["commit-cuts"]["data"]
    client.props[("commit-cuts", "data")] = drawn
    assert gate_tabs(client, GATE, ["panel-tabs.value"])["response"] == {}
    assert gate_tabs(gate_client(**{"view.value": "about"}), GATE, [])["response"] == {}
    assert gate_tabs(gate_client(**{"state-revision.data": None}), GATE, [])["response"] == {}


def test_sync_mirror_writes_the_number_in_its_unit():
    callback = Callback("..slider-eta.value...number-eta.value..", (("slider-eta", "value"), ("number-eta", "value"),
                        ("applied-main-values", "data")), (("slider-specs", "data"),), False, "syncSlider")
    spec = {"eta": {"log": True, "min": 0.03, "max": 30.0, "position_min": -1.5, "position_max": 1.5}}
    client = FakeClient({("slider-eta", "value"): 0.5, ("slider-specs", "data"): spec})
    assert sync_slider(client, callback, ["slider-eta.value"]) == {"response": {"number-eta": {"value": 3.162}}}
    client.props[("slider-eta", "value")] = 9.0
    assert sync_slider(client, callback, ["slider-eta.value"])["response"]["number-eta"]["value"] == 30.0
    assert sync_slider(client, callback, ["number-eta.value"]) == {}


def test_unchanged_texts_are_not_sent_again():
    assert if_changed("", None) is no_update and if_changed("", "") is no_update
    assert if_changed("new", "") == "new" and if_changed({"a": 1}, {"a": 1}) == {"a": 1}
    assert each_if_changed(["", "x"], ["", ""]) == [no_update, "x"]
    assert each_if_changed(["", "x"], "garbage") == ["", "x"]


def test_rendered_figures_are_the_builders_json_and_are_reused():
    state = default_state()
    first = rendered.figure_json("cut_nth_chi", state)
    assert first == json.loads(pio.to_json(PANEL_BY_ID["cut_nth_chi"].build(state), validate=False))
    assert rendered.figure_json("cut_nth_chi", state) is first


@pytest.mark.parametrize("text", ["a|b", "*bold*", "x_y_z", "<script>", "[link](x)", "`code`", "back\\slash"])
def test_readout_table_shows_text_literally(text):
    table = readout_markdown([Readout(text, "1.5", "meV")])
    cell = table.splitlines()[2]
    assert cell == f"| {escape_markdown(text)} | 1.5 meV |"
    assert all(f"\\{char}" in escape_markdown(text) for char in text if char in "|*_<>[]`\\")


def test_readout_table_emphasises_the_selected_method():
    table = readout_markdown([Readout("⟨N_th⟩ window (selected)", "1.2", emphasis=True), Readout("σ", "0.5")])
    assert table.splitlines()[2].startswith("| **") and table.count("|") == 4 * 3

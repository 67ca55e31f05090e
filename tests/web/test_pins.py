"""Compare: pins — the pin model, the lesson/step/pins fields of the URL state, the callbacks, the overlays
(equal to the core at the pinned parameters) and the pins' rows in the panels' CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import qdgain_core as core
from components import computed
from components.callbacks import pins as pin_callbacks
from components.callbacks.commit import resolve_applied, resolve_controls
from components.callbacks.downloads import panel_download
from components.export import trace_kind
from components.ids import ID
from components.pin_curves import PIN_CURVES, PinView, pin_traces, pins_of, with_pins
from components.pins import MAX_NAME_CHARS, MAX_PINS, PIN_COLORS, Pin, clean_name, coerce_pins, pins_to_store
from components.state import AppState, ViewState, canonical, check_lesson, lesson_steps, state_to_store
from components.url_state import MAX_QUERY_CHARS, parse_query, to_query
from qdgain_core import GainParams

ESA_OFF = "?chi=0.5&pins=ESA+off*include_esa:false~dense*n_avg:3.0,eta:2.0"


def store_of(query: str) -> dict:
    state, notices = parse_query(query)
    assert notices == []
    return state_to_store(state, to_query(state))


# --- the model ------------------------------------------------------------------------------------------------

def test_pin_colours_are_distinct_from_the_okabe_ito_lines():
    from components.figures.common import OKABE_ITO

    colours = {colour.color.lower() for colour in PIN_COLORS}
    assert len(colours) == MAX_PINS
    assert not colours & {value.lower() for value in OKABE_ITO.values()}


@pytest.mark.parametrize("raw, name, problem", [
    ("ESA off", "ESA off", False), ("  two   words ", "two words", False), ("", "pin 1", False),
    (None, "pin 1", False), ("a~b*c", "abc", True), ("x" * 40, "x" * MAX_NAME_CHARS, True),
    ("bell\x07", "bell", True), (12, "pin 1", True), ("~~", "pin 1", True),
])
def test_names_are_cleaned_with_a_notice(raw, name, problem):
    cleaned, notice = clean_name(raw)
    assert cleaned == name and (notice is not None) == problem


def test_default_names_skip_taken_ones():
    pins = [Pin("pin 1", GainParams())]
    assert clean_name("", pins)[0] == "pin 2"


def test_store_form_round_trips_and_holds_only_changes():
    pins = (Pin("a", canonical(GainParams(chi=0.3))), Pin("b", canonical(GainParams(include_esa=False, eta=2.0))))
    stored = pins_to_store(pins)
    assert stored[0] == {"name": "a", "params": {"chi": 0.3}}
    assert coerce_pins(stored) == (pins, [])


@pytest.mark.parametrize("raw", ["text", 5, {"a": 1}, [1, 2], [{"name": "a", "params": "x"}],
                                 [{"name": "a", "params": {"chi": "zz"}}],
                                 [{"name": "a", "params": {"nope": 1}}], [{}] * 9])
def test_hostile_store_values_give_notices_never_raise(raw):
    pins, notices = coerce_pins(raw)
    assert len(pins) <= MAX_PINS and notices


# --- the URL ---------------------------------------------------------------------------------------------------

def test_pins_round_trip_through_the_url_relative_to_the_preset():
    state, notices = parse_query(ESA_OFF)
    assert notices == []
    assert [pin.name for pin in state.view.pins] == ["ESA off", "dense"]
    assert state.view.pins[0].params == canonical(GainParams(include_esa=False))
    assert state.view.pins[1].params == canonical(GainParams(n_avg=3.0, eta=2.0))
    again, _ = parse_query(to_query(state))
    assert again == state
    with_preset = AppState(state.params, dataclasses.replace(state.view, preset="cdse_core"))
    query = to_query(with_preset)
    assert parse_query(query)[0].view.pins == state.view.pins  # pins keep their parameters under a preset
    assert query.index("pins=") > query.index("preset=")  # pins last: a cut link loses pins first


@pytest.mark.parametrize("query, word", [
    ("?pins=a*chi:zz", "finite"), ("?pins=a*nope:1", "not a parameter"), ("?pins=a*chi", "<parameter>:<value>"),
    ("?pins=" + "~".join(f"p{k}*chi:0.{k}" for k in range(6)), "at most 4"), ("?pins=~~", "empty"),
    ("?pins=" + "x" * 60, "at most 24"), ("?pins=a*eta:1e9", "outside"), ("?pins=%00%ff*chi:1", "not allowed"),
])
def test_hostile_pins_give_a_notice_and_no_crash(query, word):
    state, notices = parse_query(query)
    assert any(word in text for text in notices), notices
    assert len(state.view.pins) <= MAX_PINS
    assert len(to_query(state)) <= MAX_QUERY_CHARS
    assert parse_query(to_query(state))[0] == state


def test_lesson_and_step_round_trip_and_validate():
    lesson = next(iter(lesson_steps()))
    state, notices = parse_query(f"?lesson={lesson}&step=2")
    assert (state.view.lesson, state.view.step, notices) == (lesson, 2, [])
    assert parse_qs(urlsplit(to_query(state)).query) == {"lesson": [lesson], "step": ["2"]}
    assert check_lesson(lesson, 99)[:2] == (lesson, None) and check_lesson(lesson, 99)[2]
    assert check_lesson("nope", 1)[:2] == (None, None) and check_lesson("nope", 1)[2]
    assert check_lesson(None, 2)[:2] == (None, None) and check_lesson(None, 2)[2]
    assert check_lesson(lesson, True)[1] is None and check_lesson(lesson, "x")[2]


# --- the commit path and the callbacks ---------------------------------------------------------------------------

def test_the_commit_keeps_lesson_and_pins_and_a_preset_keeps_them_too():
    lesson = next(iter(lesson_steps()))
    store = store_of(f"?lesson={lesson}&step=1&pins=a*chi:0.2")
    resolution = resolve_controls({}, {}, 31, None, store, lesson={"lesson": lesson, "step": 1},
                                  pins=store["view"]["pins"])
    assert resolution.state.view.lesson == lesson and [p.name for p in resolution.state.view.pins] == ["a"]
    preset = resolve_applied({ID.PRESET}, "", "cdse_core", 31, None, store)
    assert preset.state.view.pins == resolution.state.view.pins and preset.state.view.lesson == lesson


def test_add_pin_names_limits_and_writes_the_store():
    store = store_of("?chi=0.4")
    answer = pin_callbacks.add_pin(1, "my state", store, None)
    assert answer["pins"] == [{"name": "my state", "params": {"chi": 0.4}}] and "Pinned" in answer["message"]
    full = [{"name": f"p{k}", "params": {}} for k in range(MAX_PINS)]
    refused = pin_callbacks.add_pin(1, "", store, full)
    assert refused["pins"] is pin_callbacks.no_update and "At most" in refused["message"]


def test_remove_and_restore():
    store = store_of(ESA_OFF)
    pins = store["view"]["pins"]
    assert [p["name"] for p in pin_callbacks.remove_pin([1, 0], pins, slot=0)["pins"]] == ["dense"]
    restored = pin_callbacks.restore_pin([0, 1], store, pins, slot=1)
    state, notices = parse_query(restored["history"]["search"])
    assert notices == [] and state.params == canonical(GainParams(n_avg=3.0, eta=2.0))
    assert [p.name for p in state.view.pins] == ["ESA off", "dense"]  # the pins stay
    assert pin_callbacks.restore_pin([0, 0], store, pins, slot=7)["history"] is pin_callbacks.no_update


def test_comparison_table_lists_differences_and_key_numbers():
    current = canonical(GainParams(chi=0.5))
    pins = pins_of(store_of(ESA_OFF)["view"]["pins"])
    rows = pin_callbacks.comparison_rows(current, pins)
    labels = [row.label for row in rows]
    assert {"parameter"} <= {row.kind for row in rows} and len([r for r in rows if r.kind == "number"]) == 4
    assert len(labels) == len(set(labels))
    threshold = next(row for row in rows if row.label.startswith("⟨N_th⟩"))
    expected = computed.thresholds(pins[1].params)[pins[1].params.threshold_method].n_th
    assert threshold.pins[1] == f"{expected:.3g} excitons/dot"
    shown = pin_callbacks.show_pins(store_of(ESA_OFF)["view"]["pins"], store_of(ESA_OFF))
    assert shown["placeholder"] == "pin 1" and shown["content"]
    assert pin_callbacks.show_pins([], None)["content"] == ""


# --- overlays and CSV -------------------------------------------------------------------------------------------

PIN = Pin("test", canonical(GainParams(chi=0.3, n_avg=2.5, eta=3.0)))


def test_spectra_overlay_equals_the_core():
    trace = pin_traces("spectra", [PIN], PinView())[0]
    spectra = core.nonlinear_absorption(PIN.params)
    np.testing.assert_allclose(trace["x"], spectra.energy_mev, rtol=1e-6)
    np.testing.assert_allclose(trace["y"], spectra.net, rtol=1e-5, atol=1e-6)
    assert trace["name"] == "pin: test" and trace["line"]["color"] == PIN_COLORS[0].color


def test_other_overlays_equal_the_core():
    view = PinView()
    ase = core.ase_curve(PIN.params)
    ase_trace = pin_traces("ase_output", [PIN], view)[0]
    np.testing.assert_allclose(ase_trace["x"], ase.fluence_mj_cm2, rtol=1e-6)
    np.testing.assert_allclose(ase_trace["y"], ase.output_integrated, rtol=1e-5)
    doping = pin_traces("doping_threshold", [PIN], view)[0]
    np.testing.assert_allclose(doping["y"], computed.threshold_vs_doping(PIN.params), rtol=1e-5, equal_nan=True)
    cut = pin_traces("cut_nth_chi", [PIN], view)[0]
    cuts = computed.phase_cuts(PIN.params, 31, "fine_structure")
    np.testing.assert_allclose(cut["y"], cuts.n_th_vs_chi, rtol=1e-5, equal_nan=True)
    dynamics = core.gain_dynamics(PIN.params)
    a_star = pin_traces("dynamics_astar", [PIN], view)[0]
    np.testing.assert_allclose(a_star["y"], dynamics.operating_a_star, rtol=1e-4, atol=1e-6)


def test_every_pin_panel_gives_one_trace_per_pin_in_slot_colours():
    pins = [PIN, Pin("two", canonical(GainParams(include_esa=False)))]
    for panel_id in PIN_CURVES:
        drawn = pin_traces(panel_id, pins, PinView())
        assert [t["name"] for t in drawn] == ["pin: test", "pin: two"]
        colours = [t.get("line", t.get("marker", {})).get("color") for t in drawn]
        assert colours == [PIN_COLORS[0].color, PIN_COLORS[1].color]
    assert pin_traces("phase_nth", pins, PinView()) == []
    figure = {"data": [{"name": "model"}], "layout": {}}
    assert len(with_pins(["ase_output"], [figure], pins, PinView())[0]["data"]) == 3
    assert figure["data"] == [{"name": "model"}]  # never changed in place


@pytest.mark.parametrize("panel_id", ["spectra", "ase_output", "dynamics_lifetime"])
def test_panel_csv_has_the_pin_rows(panel_id):
    store = store_of(ESA_OFF)
    text = panel_download(panel_id, store)["content"]
    rows = list(csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    header, body = rows[0], rows[1:]
    kinds = [row[header.index("kind")] for row in body]
    names = {row[0] for row, kind in zip(body, kinds, strict=True) if kind == "pin"}
    assert names == {"pin: ESA off", "pin: dense"}
    assert trace_kind(type("T", (), {"name": "pin: x", "type": "scatter", "mode": "lines"})()) == "pin"


def test_view_state_defaults_keep_old_links_unchanged():
    assert ViewState().pins == () and ViewState().lesson is None
    assert to_query(parse_query("?chi=0.5&energy_unit=eV")[0]) == "?chi=0.5&energy_unit=eV"

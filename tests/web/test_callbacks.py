"""Callback bodies called directly with good and malformed inputs: clamps or notices, never an exception."""

from __future__ import annotations

import base64
import contextvars
import functools
import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from dash import Patch, no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from components import fields, figure_memo, ids
from components.callbacks import commit, downloads, figure_tabs, live, views
from components.control_values import MAP_POINTS_RANGE
from components.ids import ID
from components.panels import OPERATING_PANELS, PANEL_IDS, PANEL_TABS, TAB_PANELS
from components.state import default_state, state_to_store
from components.url_state import to_query

GARBAGE = (None, math.nan, math.inf, -math.inf, "abc", "1e999", 1e308, -1e308, True, [], [1, 2], {"a": 1},
           list(range(100_000)), "x" * 100_000)


def run_triggered(prop_ids: list[str], func, *args):
    """Call a callback body as Dash would after ``prop_ids`` changed."""

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": p, "value": None} for p in prop_ids]))
        return func(*args)

    return contextvars.copy_context().run(call)


def figure(drawn) -> go.Figure:
    """A callback's figure output as a validated ``go.Figure`` (callbacks send JSON-ready dicts)."""
    assert isinstance(drawn, (dict, go.Figure)), type(drawn)
    return go.Figure(drawn)


def values(array) -> list[float]:
    """Plotted numbers of a trace array (a base64 typed-array spec or a plain sequence)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def default_store() -> dict:
    state = default_state()
    return state_to_store(state, to_query(state))


def text_of(children) -> str:
    """All text inside a notice (string or html tree)."""
    if children is None or children is no_update:
        return ""
    if isinstance(children, str):
        return children
    if isinstance(children, (list, tuple)):
        return " ".join(text_of(c) for c in children)
    return text_of(getattr(children, "children", ""))


def apply_call(search="", preset=None, trigger=(), map_points=31):
    return run_triggered(list(trigger), commit.apply_state, search, preset, 0, map_points)


def state_call(numbers=None, advanced=None, map_points=31, preset=None, store=None, trigger=()):
    args = (numbers or {}, advanced or {}, map_points, preset, store)
    return run_triggered(list(trigger), commit.update_state, *args)


def fast_call(drag=None, numbers=None, revision="default", drawn_key=None, trigger=()):
    revision = default_store() if revision == "default" else revision
    return run_triggered(list(trigger), live.update_operating_point, drag or {}, numbers or {}, revision,
                         drawn_key)


def controls_of(store: dict) -> dict:
    """Number inputs and advanced controls showing ``store``'s parameters."""
    params = store["params"]
    return {
        "numbers": {n: params[n] for n in fields.MAIN_FIELDS},
        "advanced": {n: (["on"] if params[n] else []) if isinstance(params[n], bool) else params[n]
                     for n in fields.advanced_fields()},
    }


# --- loading a link, a preset, a reset ------------------------------------------------------------------------


def test_url_sets_every_control():
    out = apply_call(search="?chi=0.25&n_avg=3&eta=0.5&include_esa=false&map_points=41")
    assert out["main"]["chi"] == 0.25 and out["main"]["n_avg"] == 3.0 and out["main"]["eta"] == 0.5
    assert out["advanced"]["include_esa"] == []
    assert out["map_points"] == 41
    assert text_of(out["notices"]) == ""


@pytest.mark.parametrize("bad", ["abc", "nan", "inf", "1e999", "", "[]", "%00"])
def test_url_garbage_falls_back_with_notice(bad):
    out = apply_call(search=f"?chi={bad}&n_avg=2")
    assert out["main"]["chi"] == default_state().params.chi
    assert out["main"]["n_avg"] == 2.0
    assert "chi" in text_of(out["notices"])


def test_url_out_of_range_is_clamped_with_notice():
    out = apply_call(search="?n_avg=1e9&map_points=-4&preset=nope&unknown=1")
    assert out["main"]["n_avg"] == 20.0
    assert out["map_points"] == MAP_POINTS_RANGE[0]
    notices = text_of(out["notices"])
    for word in ("n_avg", "map resolution", "preset", "unknown"):
        assert word in notices


def test_enormous_url_is_cut_with_notice():
    out = apply_call(search="?" + "&".join(f"chi={i}" for i in range(5000)))
    assert "link" in text_of(out["notices"]) or "more than once" in text_of(out["notices"])
    assert out["main"]["chi"] <= 3.0


@pytest.mark.parametrize("bad", GARBAGE)
def test_apply_never_raises(bad):
    for trigger in ([], [f"{ID.LOCATION}.search"], [f"{ID.PRESET}.value"], [f"{ID.RESET}.n_clicks"]):
        out = apply_call(search=bad, preset=bad, trigger=trigger, map_points=bad)
        assert set(out["main"]) == set(fields.MAIN_FIELDS)


def test_unknown_preset_is_refused_with_notice():
    out = apply_call(preset="nope", trigger=[f"{ID.PRESET}.value"])
    assert out["preset"] is None
    assert "nope" in text_of(out["notices"])


def test_reset_returns_to_the_defaults():
    out = apply_call(preset=None, trigger=[f"{ID.RESET}.n_clicks"])
    assert out["main"] == {n: getattr(default_state().params, n) for n in fields.MAIN_FIELDS}


# --- controls -> state ---------------------------------------------------------------------------------------


def test_typed_value_updates_the_store():
    store = default_store()
    controls = controls_of(store)
    out = state_call(numbers={**controls["numbers"], "chi": 0.5}, advanced=controls["advanced"], store=store,
                     trigger=[f"{ids.number('chi')}.value"])
    assert out["store"]["params"]["chi"] == 0.5
    assert out["store"]["query"] == "?chi=0.5"


def test_revision_holds_the_validated_advanced_parameters():
    controls = controls_of(default_store())
    revision = commit.update_revision({**controls["advanced"], "plqy": 0.5, "g_e": "x"}, None)
    assert revision["params"]["plqy"] == 0.5
    assert revision["params"]["g_e"] == default_state().params.g_e
    assert commit.update_revision({**controls["advanced"], "plqy": 0.5}, revision) is no_update


@pytest.mark.parametrize("bad", GARBAGE)
def test_revision_never_raises(bad):
    revision = commit.update_revision({n: bad for n in fields.advanced_fields()}, bad)
    assert revision is no_update or "params" in revision


def test_out_of_range_input_is_clamped_and_the_message_is_left_to_the_field():
    """The server clamps by the same rule as the browser; the field's own message says so, not a second notice."""
    store = default_store()
    out = state_call(numbers={"n_avg": 1e9}, store=store, trigger=[f"{ids.number('n_avg')}.value"])
    assert out["store"]["params"]["n_avg"] == 20.0
    assert text_of(out["notices"]) == ""


def test_empty_or_text_input_keeps_the_value_in_use():
    store = default_store()
    for typed in (None, "", "abc", float("nan"), True):
        out = state_call(numbers={"chi": typed}, store=store, trigger=[f"{ids.number('chi')}.value"])
        assert out["store"] is no_update or out["store"]["params"]["chi"] == store["params"]["chi"], typed


@pytest.mark.parametrize("bad", GARBAGE)
def test_garbage_in_every_control_never_raises(bad):
    store = default_store()
    main = {n: bad for n in fields.MAIN_FIELDS}
    advanced = {n: bad for n in fields.advanced_fields()}
    triggers = [f"{ids.number('chi')}.value", f"{ids.advanced('plqy')}.value"]
    out = state_call(numbers=main, advanced=advanced, map_points=bad, preset=bad, store=store, trigger=triggers)
    params = out["store"]["params"] if out["store"] is not no_update else store["params"]
    for name, value in params.items():
        assert not (isinstance(value, float) and not math.isfinite(value)), name
    view = out["store"]["view"] if out["store"] is not no_update else store["view"]
    assert MAP_POINTS_RANGE[0] <= view["map_points"] <= MAP_POINTS_RANGE[1]


@pytest.mark.parametrize("bad_store", GARBAGE + ({"params": {"chi": "x"}, "view": {"map_points": 1e9}},))
def test_garbage_store_never_raises(bad_store):
    out = state_call(numbers={"chi": 0.5}, store=bad_store, trigger=[f"{ids.number('chi')}.value"])
    assert out["store"]["params"]["chi"] == 0.5


def test_unchanged_controls_change_nothing():
    store = default_store()
    out = state_call(**controls_of(store), store=store, trigger=[f"{ids.number('chi')}.value"])
    assert out["store"] is no_update


def test_garbage_arguments_of_wrong_types():
    out = commit.update_state("x", 7, None, [], {"params": None})
    assert out["store"]["params"] == default_store()["params"]


# --- the fast callback ---------------------------------------------------------------------------------------


def test_fast_callback_without_revision_does_not_update():
    with pytest.raises(PreventUpdate):
        fast_call(revision=None)


def test_fast_callback_sends_nothing_when_already_drawn():
    first = fast_call()
    with pytest.raises(PreventUpdate):
        fast_call(drawn_key=first["key"])


def test_fast_callback_draws_number_inputs_and_overlays_drag_positions():
    base = fast_call()
    typed = fast_call(numbers={"n_avg": 3.0}, trigger=[f"{ids.number('n_avg')}.value"])
    assert "3" in figure(typed["figures"][0]).layout.title.text
    dragged = fast_call(drag={"chi": -1.5, "eta": -1.0}, numbers={"chi": 1.0, "eta": 10.0},
                        trigger=[f"{ids.slider('chi')}.drag_value"])
    net = [values(figure(out["figures"][0]).data[-1].y) for out in (base, dragged)]
    assert net[0] != net[1]
    stale = fast_call(drag={"chi": -1.5}, numbers={"chi": 1.0}, trigger=[f"{ids.number('chi')}.value"])
    assert values(figure(stale["figures"][0]).data[-1].y) == net[0]


def test_value_beyond_the_slider_range_is_drawn():
    out = fast_call(drag={"n_avg": 8.0}, numbers={"n_avg": 15.0}, trigger=[f"{ids.slider('n_avg')}.drag_value"])
    assert "15" in figure(out["figures"][0]).layout.title.text


@pytest.mark.parametrize("bad", GARBAGE)
def test_fast_callback_garbage_drag_numbers_and_revision(bad):
    main = {n: bad for n in fields.MAIN_FIELDS}
    out = fast_call(drag=main, numbers=main)
    assert all(figure(f).data is not None for f in out["figures"])
    out = live.update_operating_point(bad, bad, bad if bad is not None else "garbage")
    assert all(figure(f).data is not None for f in out["figures"])


def test_fast_callback_failure_becomes_notice(monkeypatch):
    def broken(params):
        raise RuntimeError("boom")

    monkeypatch.setattr(live.computed, "spectra", broken)
    out = fast_call()
    assert all(figure(f).data is not None for f in out["figures"])
    assert "Could not compute" in out["notices"][0]
    assert "boom" not in str(out)


# --- the committed-state panels ------------------------------------------------------------------------------

TABS = tuple(tab.value for tab in PANEL_TABS)
SLOW = tuple(functools.partial(figure_tabs.draw_tab, tab) for tab in TABS) + (figure_tabs.update_readouts,)
SLOW_IDS = TABS + ("readouts",)


def test_every_panel_is_on_exactly_one_tab():
    on_tabs = [panel_id for tab in PANEL_TABS for panel_id in tab.panel_ids]
    assert sorted(on_tabs) == sorted(set(PANEL_IDS) - set(OPERATING_PANELS))


@pytest.mark.parametrize("tab", TABS)
def test_tabs_draw_their_figures(tab):
    out = figure_tabs.draw_tab(tab, {"chi": 0.5, "n_avg": 2.0}, default_store(), 21)
    assert len(out["figures"]) == len(TAB_PANELS[tab]) and all(figure(f).data is not None for f in out["figures"])
    assert all(n == "" for n in out["notices"])


def test_readouts_of_the_committed_state():
    out = figure_tabs.update_readouts({"n_avg": 2.0}, default_store(), 21)
    assert re.fullmatch(r"J_th = [0-9.e+-]+ mJ/cm²|no ASE threshold \(.+\)", out["ase"]), out["ase"]
    assert re.fullmatch(r"[0-9.e+-]+ ps \(band-integrated A\*, .+\)|no gain at this ⟨N⟩ by the window criterion.*|"
                        r"0 ps: gain by the window criterion, .+", out["lifetime"]), out["lifetime"]
    again = figure_tabs.update_readouts({"n_avg": 2.0}, default_store(), 21, out["ase"], out["lifetime"])
    assert again == {"ase": no_update, "lifetime": no_update}


@pytest.mark.parametrize("func", SLOW, ids=SLOW_IDS)
@pytest.mark.parametrize("bad", GARBAGE[1:] + ({"params": {"n_avg": math.nan, "pump_mode": 7}},))
def test_slow_callbacks_survive_garbage(func, bad):
    out = func({n: bad for n in fields.MAIN_FIELDS}, bad, bad)
    assert all(figure(f).data is not None for f in out.get("figures", []))
    assert all(isinstance(text, str) for key, text in out.items() if key in ("ase", "lifetime"))


@pytest.mark.parametrize("func", SLOW, ids=SLOW_IDS)
def test_slow_callbacks_wait_for_a_revision(func):
    with pytest.raises(PreventUpdate):
        func({}, None, 31)


@pytest.mark.parametrize("commit", [None, "x", 3, [], {"numbers": {}}, {"revision": None}])
def test_tab_callbacks_ignore_unusable_commits(commit):
    with pytest.raises(PreventUpdate):
        figure_tabs.tab_callback("cuts")(commit)


def test_tab_callback_draws_its_commit_and_records_it_as_drawn():
    commit = {"numbers": {"chi": 0.5}, "revision": default_store(), "map_points": 21}
    out = figure_tabs.tab_callback("cuts")(commit)
    operating = figure(out["figures"][0]).data[1]  # cut along chi: the operating point sits at chi
    assert values(operating.x) == [0.5] and len(values(figure(out["figures"][0]).data[0].x)) == 4 * 21
    assert out["drawn"] is commit


def test_slow_panel_failure_is_isolated(monkeypatch):
    def broken(params):
        raise ValueError("bad")

    monkeypatch.setattr(figure_tabs.computed, "ase", broken)
    figure_memo.figure_json.cache_clear()
    out = figure_tabs.draw_tab("ase", {}, default_store(), 31)
    assert all(figure(f).data is not None for f in out["figures"])
    assert all("Could not compute" in notice for notice in out["notices"][:2])
    assert out["notices"][2] == ""
    readouts = figure_tabs.update_readouts({}, default_store(), 31)
    assert "Could not compute" in readouts["ase"] and "Could not compute" not in readouts["lifetime"]
    assert figure_tabs.draw_tab("dynamics", {}, default_store(), 31)["notices"] == ["", ""]


@pytest.mark.parametrize("points, expected", [(-5, 11), (0, 11), (10**9, 81), ("many", 31), (math.nan, 31)])
def test_map_resolution_is_clamped(points, expected):
    out = figure_tabs.draw_tab("phase", {}, default_store(), points)
    heatmap = figure(out["figures"][0]).data[0]
    assert len(values(heatmap.x)) == expected and len(values(heatmap.y)) == expected


def test_phase_maps_patch_only_the_marker_when_maps_are_unchanged():
    store = default_store()
    first = figure_tabs.draw_tab("phase", {}, store, 31)
    second = figure_tabs.draw_tab("phase", {"chi": -0.5, "n_avg": 3.0}, store, 31, first["key"])
    assert all(isinstance(p, Patch) for p in second["figures"])
    assert second["key"] is no_update
    third = figure_tabs.draw_tab("phase", {"eta": 0.5}, store, 31, first["key"])
    assert figure(third["figures"][0]).data and third["key"] != first["key"]


# --- views ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["dashboard", None, "ABOUT", 3, ["about"]])
def test_about_content_exists_only_while_open(view):
    assert views.about_content(view) is None
    assert "About the model" in str(views.about_content("about"))


# --- downloads -----------------------------------------------------------------------------------------------


def test_download_of_every_panel_and_zip():
    store = default_store()
    for panel_id in ("spectra", "se_map", "phase_nth"):
        for layout, suffix in (("long", ""), ("wide", "_wide"), ("nonsense", "")):
            payload = run_triggered([f"{ids.csv_button(panel_id)}.n_clicks"], downloads.download, {}, store, layout)
            assert payload["filename"] == f"qdgain_{panel_id}{suffix}.csv"
    payload = downloads.bundle({"style": "slide", "images": []}, store)
    assert payload["filename"].endswith(".zip") and payload["base64"]


@pytest.mark.parametrize("trigger", [[], ["nope.n_clicks"], [f"{ID.DOWNLOAD_ALL}.n_clicks"]])
def test_download_without_a_button_does_nothing(trigger):
    with pytest.raises(PreventUpdate):
        run_triggered(trigger, downloads.download, {}, default_store(), "long")


def test_download_with_garbage_store_still_answers():
    payload = run_triggered([f"{ids.csv_button('spectra')}.n_clicks"], downloads.download, {}, "garbage", 3)
    assert payload["content"].startswith("# qdgain")
    assert downloads.bundle(["garbage"], "garbage")["filename"].endswith(".zip")


# --- what the phase maps hold along eta ----------------------------------------------------------------------


def gaussian_store(hold=None) -> dict:
    """A stored state of the Gaussian Simple Model (preset simple_model_3ls), optionally with a raw hold."""
    from components.presets import preset_params
    from components.state import AppState, ViewState, canonical

    state = AppState(canonical(preset_params("simple_model_3ls")), ViewState(31, "simple_model_3ls"))
    store = state_to_store(state, to_query(state))
    if hold is not None:
        store["view"]["hold"] = hold
    return store


def heatmap_subtitle(drawn) -> str:
    return figure(drawn).layout.title.subtitle.text


def test_url_hold_sets_the_choice_and_gaussian_links_are_coerced_with_a_notice():
    out = apply_call(search="?hold=stokes")
    assert out["hold"] == "stokes" and text_of(out["notices"]) == ""
    assert apply_call(search="")["hold"] == "fine_structure"
    out = apply_call(search="?preset=simple_model_3ls&hold=fine_structure")
    assert out["hold"] == "stokes"
    assert "Gaussian" in text_of(out["notices"]) and "Stokes shift" in text_of(out["notices"])
    out = apply_call(search="?hold=banana")
    assert out["hold"] == "fine_structure" and "banana" in text_of(out["notices"])


def test_a_preset_keeps_the_hold_where_the_model_can_use_it():
    keep = run_triggered([f"{ID.PRESET}.value"], commit.apply_state, None, "cdse_core", 0, 31, "stokes")
    assert keep["hold"] == "stokes"
    gaussian = run_triggered([f"{ID.PRESET}.value"], commit.apply_state, None, "simple_model_4ls", 0, 31,
                             "fine_structure")
    assert gaussian["hold"] == "stokes" and text_of(gaussian["notices"]) == ""


def test_hold_choice_reaches_the_store_and_the_link():
    store = default_store()
    out = state_call(**controls_of(store), store=store, trigger=[f"{ID.MAP_HOLD}.value"])
    assert out["store"] is no_update  # unchanged controls
    out = run_triggered([f"{ID.MAP_HOLD}.value"], commit.update_state, *controls_of(store).values(), 31,
                        None, store, None, "stokes")
    assert out["store"]["view"]["hold"] == "stokes" and out["store"]["query"] == "?hold=stokes"
    again = run_triggered([f"{ID.MAP_HOLD}.value"], commit.update_state, *controls_of(store).values(), 31,
                          None, out["store"], None, "fine_structure")
    assert again["store"]["view"]["hold"] is None and again["store"]["query"] == ""  # the default is not written


def test_gaussian_model_with_fine_structure_is_coerced_with_a_notice_never_raised():
    store = gaussian_store()
    controls = controls_of(store)
    out = run_triggered([f"{ID.MAP_HOLD}.value"], commit.update_state, controls["numbers"],
                        controls["advanced"], 31, "simple_model_3ls", store, None, "fine_structure")
    assert "Gaussian" in text_of(out["notices"])
    assert out["store"] is no_update or out["store"]["view"]["hold"] is None
    for hold in ("fine_structure", "banana", 7, None):
        drawn = figure_tabs.draw_tab("phase", {}, gaussian_store(), 21, None, hold)
        assert drawn["notices"] == ["", ""]
        assert "η axis holds Δ<sub>SS</sub>" in heatmap_subtitle(drawn["figures"][0])
        cuts = figure_tabs.draw_tab("cuts", {}, gaussian_store(), 21, None, hold)
        assert cuts["notices"] == ["", "", "", ""]
    stored = figure_tabs.tab_callback("phase")({"numbers": {}, "revision": gaussian_store("fine_structure"),
                                                     "map_points": 21, "hold": "fine_structure"})
    assert stored["notices"] == ["", ""]


def hold_call(lineshape, hold, shown_note=None):
    return commit.update_hold_control(lineshape, hold, shown_note)


def test_hold_control_disables_fine_structure_for_the_gaussian_model():
    out = hold_call("gaussian", "fine_structure")
    assert out["value"] == "stokes" and "Gaussian" in out["note"]
    assert {o["value"]: o["disabled"] for o in out["options"]} == {"fine_structure": True, "stokes": False}
    back = hold_call("cumulant", "stokes", out["note"])
    assert back["value"] is no_update and back["note"] == ""
    assert not any(o["disabled"] for o in back["options"])
    assert hold_call("cumulant", "banana")["value"] == "fine_structure"



@pytest.mark.parametrize("bad", GARBAGE)
def test_hold_control_never_raises(bad):
    out = commit.update_hold_control(bad, bad, bad)
    assert out["value"] in (no_update, "fine_structure", "stokes")
    assert isinstance(out["options"], list)


def test_phase_tab_redraws_when_the_hold_changes():
    store = default_store()
    first = figure_tabs.draw_tab("phase", {}, store, 21)
    stokes = figure_tabs.draw_tab("phase", {}, store, 21, first["key"], "stokes")
    assert stokes["key"] != first["key"] and not any(isinstance(f, Patch) for f in stokes["figures"])
    assert "η axis holds Δ<sub>FS</sub>" in heatmap_subtitle(first["figures"][0])
    assert "η axis holds Δ<sub>SS</sub> = 20 meV" in heatmap_subtitle(stokes["figures"][0])
    same = figure_tabs.draw_tab("phase", {"chi": 0.2}, store, 21, stokes["key"], "stokes")
    assert all(isinstance(p, Patch) for p in same["figures"])


def test_cuts_follow_the_hold_in_the_commit():
    commit = {"numbers": {}, "revision": default_store(), "map_points": 21}
    held = {hold: figure_tabs.tab_callback("cuts")({**commit, "hold": hold}) for hold in ("fine_structure", "stokes")}
    stokes = {hold: values(figure(out["figures"][1]).data[-1].y) for hold, out in held.items()}  # <N_th> vs eta
    finite = {hold: [v for v in vals if math.isfinite(v)] for hold, vals in stokes.items()}
    assert max(finite["fine_structure"]) > 10 * min(finite["fine_structure"])  # Delta_FS held: Delta_SS grows
    assert max(finite["stokes"]) == pytest.approx(min(finite["stokes"]))  # Delta_SS held


# --- the new GainParams fields and presets ------------------------------------------------------------------

NEW_FIELDS = ("counting", "sites", "xe_strength", "thermalize", "trion_binding_mev", "high_offset_mev", "high_g_h",
              "high_strength", "xx_strength")


def test_every_field_has_a_labelled_control_in_a_named_group():
    from qdgain_core import FIELD_SPECS

    assert fields.unplaced_fields() == ()
    assert set(fields.MAIN_FIELDS) | set(fields.advanced_fields()) == set(FIELD_SPECS)
    assert all(name in fields.LABELS for name in FIELD_SPECS)
    assert set(NEW_FIELDS) <= set(fields.advanced_fields())


def test_new_fields_have_fitting_controls():
    from components.page.controls import advanced_control

    thermalize = advanced_control("thermalize", True).children[1]
    assert type(thermalize).__name__ == "Checklist" and thermalize.value == ["on"]
    offset = advanced_control("high_offset_mev", None).children[1].children
    assert offset[0].placeholder == "off" and offset[0].value is None and offset[1].children == "meV"
    counting = advanced_control("counting", "sites").children[1]
    assert [o["value"] for o in counting.options] == ["transitions", "sites"]
    assert advanced_control("trion_binding_mev", 5.0).children[1].children[1].children == "meV"


def test_new_fields_round_trip_through_the_controls():
    store = default_store()
    controls = controls_of(store)
    changed = {"counting": "sites", "sites": 3, "xe_strength": 0.5, "thermalize": [], "trion_binding_mev": 8.0,
               "high_offset_mev": 120.0, "high_g_h": 4, "high_strength": 0.7}
    out = state_call(numbers=controls["numbers"], advanced={**controls["advanced"], **changed}, store=store,
                     trigger=[f"{ids.advanced('thermalize')}.value"])
    params = out["store"]["params"]
    assert params["thermalize"] is False and params["high_offset_mev"] == 120.0 and params["counting"] == "sites"
    assert text_of(out["notices"]) == ""
    loaded = apply_call(search=out["store"]["query"])
    assert {n: loaded["advanced"][n] for n in changed} == changed
    off = state_call(numbers=controls["numbers"], advanced={**controls["advanced"], **changed, "high_offset_mev": ""},
                     store=out["store"], trigger=[f"{ids.advanced('high_offset_mev')}.value"])
    assert off["store"]["params"]["high_offset_mev"] is None and text_of(off["notices"]) == ""
    assert "high_offset_mev" not in off["store"]["query"]


@pytest.mark.parametrize("name", ["simple_model_3ls", "simple_model_4ls"])
def test_simple_model_presets_are_selectable(name):
    from components.presets import PRESET_CHOICES, preset_options

    assert name in [option["value"] for option in preset_options()]
    out = apply_call(preset=name, trigger=[f"{ID.PRESET}.value"])
    assert out["preset"] == name and text_of(out["notices"]) == ""
    assert out["advanced"]["lineshape_model"] == "gaussian" and out["advanced"]["counting"] == "sites"
    assert out["hold"] == "stokes"
    assert PRESET_CHOICES[name].label in out["preset_info"]

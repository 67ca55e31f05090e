"""The URL query string: exact round trips, and garbage that falls back with visible notices."""

from __future__ import annotations

import dataclasses
import random

import pytest

from components.presets import PRESET_CHOICES
from components.state import (
    AppState,
    ViewState,
    canonical,
    canonical_hold,
    default_state,
    valid_holds,
)
from components.url_state import format_query_value, parse_query, to_query
from qdgain_core import FIELD_SPECS, GainParams


def random_state(rng: random.Random) -> AppState:
    """A valid state with every field drawn from its FIELD_SPECS range."""
    values = {}
    for name, spec in FIELD_SPECS.items():
        if spec.kind == "choice":
            values[name] = rng.choice(spec.choices)
        elif spec.kind == "bool":
            values[name] = rng.random() < 0.5
        elif spec.kind == "int":
            values[name] = rng.randint(int(spec.minimum), int(spec.maximum))
        elif spec.kind == "optional_float" and rng.random() < 0.3:
            values[name] = None
        else:
            values[name] = rng.uniform(spec.minimum, spec.maximum)
    preset = rng.choice([None, *PRESET_CHOICES])
    params = canonical(GainParams(**values))
    hold, _ = canonical_hold(rng.choice(valid_holds(params)), params)
    return AppState(params, ViewState(rng.randint(11, 81), preset, hold))


@pytest.mark.parametrize("seed", range(25))
def test_round_trip_is_exact(seed):
    state = random_state(random.Random(seed))
    parsed, notices = parse_query(to_query(state))
    assert notices == []
    assert parsed == state


def test_defaults_give_an_empty_query():
    assert to_query(default_state()) == ""
    assert parse_query("") == (default_state(), [])
    assert parse_query(None) == (default_state(), [])


def test_only_changed_values_are_written_with_readable_names():
    state = dataclasses.replace(default_state(), params=default_state().params.with_updates(stokes_mev=25.0))
    assert to_query(state) == "?stokes_mev=25.0"


@pytest.mark.parametrize("name", sorted(PRESET_CHOICES))
def test_preset_alone_restores_the_preset(name):
    state, notices = parse_query(f"?preset={name}")
    assert notices == []
    assert state.params == canonical(PRESET_CHOICES[name].params)
    assert to_query(state) == f"?preset={name}"


@pytest.mark.parametrize("query, field", [
    ("?chi=abc", "chi"), ("?chi=nan", "chi"), ("?eta=inf", "eta"), ("?eta=-1e999", "eta"),
    ("?pump_mode=laser", "pump_mode"), ("?include_esa=maybe", "include_esa"), ("?g_e=two", "g_e"),
    ("?n_avg=", "n_avg"), ("?threshold_method=%3Cscript%3E", "threshold_method"),
])
def test_garbage_values_fall_back_to_defaults_with_a_notice(query, field):
    state, notices = parse_query(query)
    assert getattr(state.params, field) == getattr(default_state().params, field)
    assert any(field in notice for notice in notices)


@pytest.mark.parametrize("query, field, value", [
    ("?chi=99", "chi", 3.0), ("?n_avg=-1", "n_avg", 0.0), ("?g_h=100", "g_h", 8), ("?n_doped=2.5", "n_doped", 2.0),
])
def test_out_of_range_values_are_clamped_with_a_notice(query, field, value):
    state, notices = parse_query(query)
    assert getattr(state.params, field) == value
    assert any(field in notice and "clamped" in notice for notice in notices)


@pytest.mark.parametrize("query", [
    "?map_points=-3", "?map_points=1e9", "?map_points=lots", "?preset=unobtainium", "?what=ever",
    "?chi=1&chi=2", "?" + "x" * 5000, "?" + "&".join(f"k{i}=1" for i in range(300)), "?%%%&&&===",
    "?a=%E2%28%A1",
])
def test_malformed_queries_never_raise_and_say_why(query):
    state, notices = parse_query(query)
    assert isinstance(state, AppState)
    assert notices
    assert 11 <= state.view.map_points <= 81


def test_leading_question_mark_is_optional():
    assert parse_query("chi=0.5")[0].params.chi == 0.5


def test_random_states_cover_both_holds():
    holds = {random_state(random.Random(seed)).hold for seed in range(25)}
    assert holds == {"fine_structure", "stokes"}


@pytest.mark.parametrize("query, hold, written", [
    ("", "fine_structure", ""),
    ("?hold=fine_structure", "fine_structure", ""),  # the model's default is not written
    ("?hold=stokes", "stokes", "?hold=stokes"),
    ("?preset=simple_model_3ls", "stokes", "?preset=simple_model_3ls"),
    ("?preset=simple_model_4ls&hold=stokes", "stokes", "?preset=simple_model_4ls"),
    ("?preset=cspbbr3&hold=stokes", "stokes", "?preset=cspbbr3&hold=stokes"),
])
def test_hold_round_trips_through_the_url(query, hold, written):
    state, notices = parse_query(query)
    assert notices == [] and state.hold == hold
    assert to_query(state) == written
    assert parse_query(to_query(state))[0] == state


@pytest.mark.parametrize("query, word", [
    ("?hold=banana", "banana"), ("?hold=", None), ("?hold=STOKES", "STOKES"), ("?hold=" + "x" * 100, "str"),
    ("?lineshape_model=gaussian&hold=fine_structure", "Gaussian"),
    ("?preset=simple_model_3ls&hold=fine_structure", "Gaussian"),
])
def test_bad_or_inapplicable_holds_fall_back_with_a_notice(query, word):
    state, notices = parse_query(query)
    gaussian = state.params.lineshape_model == "gaussian"
    assert state.hold == ("stokes" if gaussian else "fine_structure")
    assert state.view.hold is None  # the model's default, stored as such
    if word is None:
        assert notices == []
    else:
        assert any("η axis" in notice and word in notice for notice in notices), notices


def test_new_fields_round_trip_with_readable_values():
    query = ("?counting=sites&sites=3&xe_strength=0.5&thermalize=false&trion_binding_mev=8.0"
             "&high_offset_mev=120.0&high_g_h=4&high_strength=0.7")
    state, notices = parse_query(query)
    assert notices == []
    params = state.params
    assert (params.counting, params.sites, params.xe_strength, params.thermalize, params.trion_binding_mev,
            params.high_offset_mev, params.high_g_h, params.high_strength) == ("sites", 3, 0.5, False, 8.0, 120.0, 4,
                                                                                0.7)
    assert to_query(state) == query
    assert parse_query(to_query(state)) == (state, [])


@pytest.mark.parametrize("text", ["", "none", "auto"])
def test_empty_second_transition_means_off(text):
    base = dataclasses.replace(default_state(), params=default_state().params.with_updates(high_offset_mev=120.0))
    state, notices = parse_query(f"?high_offset_mev={text}")
    assert notices == [] and state.params.high_offset_mev is None
    assert parse_query(to_query(base))[0].params.high_offset_mev == 120.0


def test_an_empty_second_transition_is_written_as_none():
    """Written only when a preset sets one and the link switches it off; "none" reads as off, not "auto"."""
    assert format_query_value(None, "high_offset_mev") == "none"
    assert format_query_value(None, "probe_detuning_mev") == "auto"
    assert parse_query("?high_offset_mev=none") == (default_state(), [])


@pytest.mark.parametrize("query", ["?thermalize=maybe", "?counting=pairs", "?sites=x", "?high_offset_mev=off"])
def test_bad_new_field_values_fall_back_with_a_notice(query):
    state, notices = parse_query(query)
    field = query[1:].split("=")[0]
    assert getattr(state.params, field) == getattr(default_state().params, field)
    assert any(field in notice for notice in notices)

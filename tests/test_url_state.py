"""The URL query string: exact round trips, and garbage that falls back with visible notices."""

from __future__ import annotations

import dataclasses
import random

import pytest

from components.presets import PRESET_CHOICES
from components.state import AppState, ViewState, canonical, default_state
from components.url_state import parse_query, to_query
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
    return AppState(canonical(GainParams(**values)), ViewState(rng.randint(11, 81), preset))


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

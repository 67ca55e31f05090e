"""The one input rule for every number box (components/control_values.py): clamp, keep, say so."""

from __future__ import annotations

import math

import pytest

from components import fields
from components.control_values import (
    DEFAULT_MAP_POINTS,
    MAP_POINTS_FIELD,
    RULES,
    check_number,
    field_rules,
    params_from_controls,
    shown,
)
from components.state import clamp_map_points
from qdgain_core import FIELD_SPECS, GainParams

N_AVG = RULES["n_avg"]


def test_every_number_field_has_a_rule_and_every_rule_its_field():
    numbers = {name for name, spec in FIELD_SPECS.items() if spec.kind in ("float", "int", "optional_float")}
    assert set(RULES) == numbers | {MAP_POINTS_FIELD}
    assert set(field_rules()) == set(RULES)


def test_out_of_range_is_clamped_to_the_nearest_limit_and_says_so():
    above = check_number(N_AVG, 25.0, 1.5)
    below = check_number(N_AVG, -1.0, 8.0)
    assert above.value == N_AVG.maximum and below.value == N_AVG.minimum
    assert above.message == (f"{fields.label('n_avg')}: 25 is above the allowed range "
                             f"{N_AVG.range_text()}; set to {shown(N_AVG.maximum)}.")
    assert "−1" not in below.message and "-1 is below the allowed range" in below.message


def test_the_previous_value_never_decides_a_clamp():
    """[issue 9] Typing -1 after 20 set <N> to 8: the clamp goes to the nearest limit, whatever came before."""
    first = check_number(N_AVG, 20.0, 1.5)
    second = check_number(N_AVG, -1.0, first.value)
    assert second.value == 0.0


@pytest.mark.parametrize("typed, what", [(None, "the box is empty"), ("", "the box is empty"),
                                         ("abc", "“abc” is not a number"), (math.nan, "the box is empty"),
                                         (math.inf, "“inf” is not a number")])
def test_empty_or_non_number_keeps_the_last_valid_value_and_says_so(typed, what):
    checked = check_number(N_AVG, typed, 1.5)
    assert checked.value == 1.5
    assert checked.message == f"{fields.label('n_avg')}: {what}; kept 1.5 (allowed {N_AVG.range_text()})."


def test_negative_temperature_is_clamped_not_reported_empty():
    """[issue 9] -5 K reported "empty value"."""
    rule = RULES["temperature_k"]
    checked = check_number(rule, -5, 300.0)
    assert checked.value == rule.minimum and "below the allowed range" in checked.message


def test_map_resolution_clamps_to_81_not_the_default():
    """[issue 9] 500 dropped to 31."""
    assert clamp_map_points(500) == (81, clamp_map_points(500)[1]) and "above" in clamp_map_points(500)[1]
    assert clamp_map_points("x")[0] == DEFAULT_MAP_POINTS
    checked = check_number(RULES[MAP_POINTS_FIELD], 40.4, 31)
    assert checked.value == 40 and "not a whole number" in checked.message


def test_optional_field_emptied_is_switched_off_without_a_message():
    rule = RULES["high_offset_mev"]
    assert check_number(rule, None, 150.0).value is None and check_number(rule, "", 150.0).message == ""


def test_valid_values_pass_unchanged_and_silently():
    for name, rule in RULES.items():
        middle = (rule.minimum + rule.maximum) / 2
        middle = float(math.floor(middle + 0.5)) if rule.integer else middle
        checked = check_number(rule, middle, rule.minimum)
        assert checked.value == middle and checked.message == "", name


def test_params_from_controls_applies_the_rule_to_raw_json():
    base = GainParams()
    params, messages = params_from_controls({"n_avg": 1e9, "chi": "abc"}, {"temperature_k": -5, "plqy": None}, base)
    assert params.n_avg == N_AVG.maximum and params.chi == pytest.approx(base.chi)
    assert params.temperature_k == RULES["temperature_k"].minimum and params.plqy == pytest.approx(base.plqy)
    assert len(messages) == 4
    assert params_from_controls("garbage", ["x"], base) == (params_from_controls({}, {}, base))


def test_hostile_huge_numbers_never_raise():
    """An integer beyond the float range (valid JSON) is "not a number" to the rule, not an OverflowError."""
    huge = 10**400
    checked = check_number(N_AVG, huge, 1.5)
    assert checked.value == 1.5 and "is not a number" in checked.message
    params, _ = params_from_controls({"chi": huge, "n_avg": -huge}, {"temperature_k": huge}, GainParams())
    assert params.chi == pytest.approx(GainParams().chi)
    assert clamp_map_points(huge)[0] == DEFAULT_MAP_POINTS


def test_drag_positions_far_outside_the_slider_stay_finite():
    from components.callbacks.live import overlay_drag

    params = overlay_drag(GainParams(), {"eta": 400.0, "chi": -1e308})
    assert math.isfinite(params.eta) and params.eta == pytest.approx(fields.slider_scale("eta").to_value(
        fields.slider_scale("eta").maximum), rel=1e-3)

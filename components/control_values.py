"""From what the controls hold to ``GainParams``: one rule for every number a user types.

The rule (the same in the browser, ``checkNumber`` in assets/clientside.js, mirrored and
tested against this module):

* a number outside the field's range is clamped to the nearest limit, and the message says so;
* an empty box (the browser sends nothing or NaN) or a non-number keeps the last valid value,
  and the message says so
  (an optional field, such as the second transition's offset, is switched off when emptied);
* the message names the field, the value typed and the allowed range; it disappears when
  the field holds a valid value again, and can be dismissed.

``params_from_controls`` is the one function through which every callback turns control
values (untrusted JSON: callbacks receive whatever a client posts) into validated,
canonical (rounded) parameters. ``field_rules`` is the table the browser uses for the same rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components import fields
from qdgain_core import FIELD_SPECS, GainParams, coerce_params, rounded

CHECKED = "on"
NUMBER_KINDS = frozenset({"float", "int", "optional_float"})
MAP_POINTS_FIELD = "map_points"
MAX_SHOWN_CHARS = 24
MAP_POINTS_RANGE = (11, 81)
DEFAULT_MAP_POINTS = 31


@dataclass(frozen=True)
class NumberRule:
    """What the rule needs to know of one number field (units as shown next to the box)."""

    label: str
    unit: str
    minimum: float
    maximum: float
    integer: bool = False
    optional: bool = False

    def range_text(self) -> str:
        """``"0 to 8 excitons/dot"``: the allowed range with its unit."""
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.minimum:g} to {self.maximum:g}{unit}"


@dataclass(frozen=True)
class Checked:
    """The value to use and, when it differs from what was typed, the message saying why."""

    value: Any
    message: str = ""


def _rule(name: str) -> NumberRule:
    spec = FIELD_SPECS[name]
    return NumberRule(fields.label(name), fields.unit(name), *fields.bounds(name),
                      integer=spec.kind == "int", optional=spec.kind == "optional_float")


RULES: Mapping[str, NumberRule] = {
    **{name: _rule(name) for name, spec in FIELD_SPECS.items() if spec.kind in NUMBER_KINDS},
    MAP_POINTS_FIELD: NumberRule("Phase-map resolution", "points/axis", *MAP_POINTS_RANGE, integer=True),
}


def shown(value: Any) -> str:
    """A value as messages write it: numbers as ``format(x, ".6g")``, text cut at MAX_SHOWN_CHARS."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return format(float(value), ".6g")
        except OverflowError:  # an integer beyond the float range
            return f"{'−' if value < 0 else ''}an integer of {len(str(abs(value)))} digits"
    text = str(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"


def _number(value: Any) -> float | None:
    """``value`` as a finite number, or None (empty, text, NaN, booleans)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip()) if value.strip() else None
        except ValueError:
            return None
    if not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)  # an integer beyond the float range (hostile JSON) raises here
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def check_number(rule: NumberRule, typed: Any, last_valid: Any) -> Checked:
    """The rule above for one box: ``typed`` is what it holds, ``last_valid`` the value in use."""
    number = _number(typed)
    if number is None:
        blank = (typed is None or (isinstance(typed, str) and not typed.strip())
                 or (isinstance(typed, float) and math.isnan(typed)))  # an emptied number box sends NaN
        if rule.optional and blank:
            return Checked(None)
        what = "the box is empty" if blank else f"“{shown(typed)}” is not a number"
        kept = "off" if last_valid is None else shown(last_valid)
        return Checked(last_valid, f"{rule.label}: {what}; kept {kept} (allowed {rule.range_text()}).")
    used = min(max(number, rule.minimum), rule.maximum)
    if rule.integer:
        used = float(math.floor(used + 0.5))
    value = int(used) if rule.integer else used
    if used == number:
        return Checked(value)
    if number > rule.maximum or number < rule.minimum:
        side = "above" if number > rule.maximum else "below"
        return Checked(value, f"{rule.label}: {shown(typed)} is {side} the allowed range {rule.range_text()}; "
                              f"set to {shown(value)}.")
    return Checked(value, f"{rule.label}: {shown(typed)} is not a whole number; set to {shown(value)} "
                          f"(allowed {rule.range_text()}).")


def field_rules() -> dict[str, dict[str, Any]]:
    """The rules as JSON for the browser (``checkNumber``): label, range text, limits, integer, optional."""
    return {name: {"label": rule.label, "range": rule.range_text(), "min": rule.minimum, "max": rule.maximum,
                   "integer": rule.integer, "optional": rule.optional} for name, rule in RULES.items()}


def display_value(name: str, value: Any) -> Any:
    """What the field's control shows for a parameter value."""
    return ([CHECKED] if value else []) if FIELD_SPECS[name].kind == "bool" else value


def raw_value(name: str, control_value: Any) -> Any:
    """Parameter value (untrusted, for ``coerce_params``) from what the control holds."""
    kind = FIELD_SPECS[name].kind
    if kind == "bool":
        return isinstance(control_value, list) and CHECKED in control_value
    return control_value


def params_from_controls(numbers: Any, advanced: Any, base: GainParams) -> tuple[GainParams, list[str]]:
    """Validated, canonical parameters from control values over ``base`` (the values in use), and messages.

    ``numbers`` are the main fields' number inputs, ``advanced`` the advanced controls (any
    JSON: non-mappings count as empty). Numbers follow ``check_number``; choices and
    booleans that are not allowed keep ``base``'s value. Never raises.
    """
    controls: dict[str, Any] = {}
    for group, names in ((numbers, fields.MAIN_FIELDS), (advanced, fields.advanced_fields())):
        if isinstance(group, Mapping):
            controls.update({name: group[name] for name in names if name in group})
    values: dict[str, Any] = {}
    messages: list[str] = []
    for name, control in controls.items():
        if name in RULES:
            checked = check_number(RULES[name], control, getattr(base, name))
            values[name] = checked.value
            if checked.message:
                messages.append(checked.message)
        else:
            values[name] = raw_value(name, control)
    params, notices = coerce_params(values, base)
    return rounded(params), messages + notices


def map_points_from_control(typed: Any, last_valid: int) -> Checked:
    """The phase-map resolution by the same rule (clamped to MAP_POINTS_RANGE)."""
    return check_number(RULES[MAP_POINTS_FIELD], typed, last_valid)

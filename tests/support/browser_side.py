"""Python mirrors of the browser-side callbacks in ``assets/clientside.js``.

A client without a browser (``dash_client.DashClient``, hence the load, Redis and fault
tests) must still trigger what the page triggers: a slider release writes the number
input (``syncSlider``), and the number inputs reach the open figure tab through its
commit store (``gateTabs``). Each mirror takes the client, the callback and the ids of
the changed inputs, and returns a response of the server's shape
(``{"response": {id: {prop: value}}}``). The browser tests check the JavaScript itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.support.dash_client import Callback, DashClient

Mirror = Callable[["DashClient", "Callback", list[str]], dict[str, Any]]


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _four_digits(value: float) -> float:
    return float(f"{value:.4g}")


def check_number(rule: dict[str, Any], typed: Any, last_valid: Any) -> dict[str, Any]:
    """``checkNumber``: the input rule, from its JSON form (``control_values.field_rules``)."""
    from components.control_values import NumberRule
    from components.control_values import check_number as rule_check

    number_rule = NumberRule(rule["label"], "", rule["min"], rule["max"], rule["integer"], rule["optional"])
    checked = rule_check(number_rule, typed, last_valid)
    message = checked.message.replace(number_rule.range_text(), rule["range"])
    return {"value": checked.value, "message": message}


def sync_slider(client: DashClient, callback: Callback, triggers: list[str]) -> dict[str, Any]:
    """``syncSlider``: slider, number input and applied values of one main field kept in step; the input rule."""
    (slider_id, slider_prop), (number_id, number_prop), (applied_id, applied_prop), (dismiss_id, dismiss_prop) = (
        callback.inputs)
    (specs_id, specs_prop), (rules_id, rules_prop), (store_id, store_prop), shown_message = callback.state
    message_id, message_prop = callback.outputs[2]
    shown = client.value(*shown_message) or ""

    def say(answer: dict[str, Any], text: str) -> dict[str, Any]:
        """The message goes into the answer only when it changes (as the JavaScript does)."""
        return {**answer, message_id: {message_prop: text}} if text != shown else answer
    field = str(slider_id).removeprefix("slider-")
    spec = (client.value(specs_id, specs_prop) or {}).get(field)
    rule = (client.value(rules_id, rules_prop) or {}).get(field)
    if not spec or not rule or not triggers:
        return {}

    def clamp(x: float, low: float, high: float) -> float:
        return min(max(x, low), high)

    def to_position(x: float) -> float:
        return clamp(math.log10(max(x, 1e-300)) if spec["log"] else x, spec["position_min"], spec["position_max"])

    def from_position(position: float) -> float:
        return _four_digits(10.0 ** position if spec["log"] else position)

    if f"{applied_id}.{applied_prop}" in triggers:
        loaded = (client.value(applied_id, applied_prop) or {}).get(field)
        if not _finite(loaded) or (spec["log"] and loaded <= 0):
            return {}
        return {"response": say({slider_id: {slider_prop: to_position(loaded)}, number_id: {number_prop: loaded}}, "")}
    if len(triggers) != 1:
        return {}
    if triggers[0] == f"{dismiss_id}.{dismiss_prop}":
        return {"response": say({}, "")}
    position, value = client.value(slider_id, slider_prop), client.value(number_id, number_prop)
    if triggers[0] == f"{slider_id}.{slider_prop}":
        if not _finite(position):
            return {}
        return {"response": say({number_id: {number_prop: clamp(from_position(position), rule["min"], rule["max"])}},
                                "")}
    committed = ((client.value(store_id, store_prop) or {}).get("params") or {}).get(field)
    last = committed if _finite(committed) else (from_position(position) if _finite(position) else None)
    checked = check_number(rule, value, last)
    if not _finite(checked["value"]) or (spec["log"] and checked["value"] <= 0):
        return {"response": say({}, checked["message"])}
    answer: dict[str, Any] = {slider_id: {slider_prop: to_position(checked["value"])}}
    if checked["value"] != value or isinstance(value, bool):
        answer[number_id] = {number_prop: checked["value"]}
    return {"response": say(answer, checked["message"])}


def gate_tabs(client: DashClient, callback: Callback, triggers: list[str]) -> dict[str, Any]:
    """``gateTabs``: the committed controls go to the open figure tab when they differ from what it drew."""
    spec = client.value(*callback.state[-1]) or {}
    fields, tabs = spec.get("fields", []), spec.get("panels", [])
    if not fields or len(tabs) != len(callback.outputs) or len(callback.state) != len(tabs) + 1:
        return {}
    values = [client.value(component_id, prop) for component_id, prop in callback.inputs]
    revision, map_points, hold, energy_unit, figure, pins, inner_tab, view = values[len(fields):len(fields) + 8]
    commit = {"numbers": dict(zip(fields, values[:len(fields)], strict=False)), "revision": revision,
              "map_points": map_points, "hold": hold,
              "view": {"energy_unit": energy_unit or None, "figure": figure or None, "pins": pins or None}}
    response = {}
    for tab, (store_id, prop), drawn in zip(tabs, callback.outputs, callback.state, strict=False):
        is_open = revision is not None and view == spec.get("dashboard") and inner_tab == tab
        if is_open and client.value(*drawn) != commit:
            response[store_id] = {prop: commit}
    return {"response": response}


MIRRORS: dict[str, Mirror] = {"syncSlider": sync_slider, "gateTabs": gate_tabs}


# Fixtures shared by the mirror tests (tests/web) and the JavaScript checks (tests/browser).

ETA_SPEC = {"eta": {"log": True, "min": 0.03, "max": 30.0, "position_min": -1.5, "position_max": 1.5}}
ETA_RULES = {"eta": {"label": "η", "range": "0.03 to 30", "min": 0.03, "max": 30.0, "integer": False, "optional": False}}


def registered_callbacks() -> dict[str, Callback]:
    """The app's own browser-side callbacks as ``/_dash-dependencies`` lists them (gate; eta's sync)."""
    import app
    from tests.support.dash_client import callback_from_dependency

    entries = app.server.test_client().get("/_dash-dependencies").get_json()
    callbacks = [callback_from_dependency(entry) for entry in entries]
    gate = next(cb for cb in callbacks if cb.browser_side == "gateTabs")
    sync = next(cb for cb in callbacks if cb.browser_side == "syncSlider" and cb.reads("slider-eta"))
    return {"gate": gate, "sync": sync}


@dataclass
class FakeClient:
    """What the mirrors read from a client: ``value(id, prop)``."""

    props: dict[tuple[str, str], Any] = field(default_factory=dict)

    def value(self, component_id: str, prop: str) -> Any:
        return self.props.get((component_id, prop))


def app_tab_names() -> dict[str, Any]:
    from components.page.layout import tab_names

    return tab_names()

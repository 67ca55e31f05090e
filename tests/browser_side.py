"""Python mirrors of the browser-side callbacks in ``assets/clientside.js``.

A client without a browser (``dash_client.DashClient``, hence the load, Redis and fault
tests) must still trigger what the page triggers: a slider release writes the number
input (``syncSlider``), and the number inputs reach the open figure tab through its
commit store (``gateTabs``). Each mirror takes the client, the callback and the ids of
the changed inputs, and returns a response of the server's shape
(``{"response": {id: {prop: value}}}``). The browser tests check the JavaScript itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dash_client import Callback, DashClient

Mirror = Callable[["DashClient", "Callback", list[str]], dict[str, Any]]


def sync_slider(client: DashClient, callback: Callback, triggers: list[str]) -> dict[str, Any]:
    """A moved slider writes its number input (the value in the field's unit, 4 significant digits)."""
    (slider_id, slider_prop), (number_id, number_prop), _ = callback.inputs
    if triggers != [f"{slider_id}.{slider_prop}"]:
        return {}
    specs_id, specs_prop = callback.state[0]
    spec = (client.value(specs_id, specs_prop) or {}).get(str(slider_id).removeprefix("slider-"))
    position = client.value(slider_id, slider_prop)
    if not spec or not isinstance(position, (int, float)):
        return {}
    shown = 10.0 ** position if spec["log"] else float(position)
    value = float(f"{min(max(shown, spec['min']), spec['max']):.4g}")
    return {"response": {number_id: {number_prop: value}}}


def gate_tabs(client: DashClient, callback: Callback, triggers: list[str]) -> dict[str, Any]:
    """The committed controls go to the open figure tab's commit store when they differ from it."""
    spec = client.value(*callback.state[-1]) or {}
    fields, tabs = spec.get("fields", []), spec.get("panels", [])
    values = [client.value(component_id, prop) for component_id, prop in callback.inputs]
    revision, map_points, inner_tab, outer_tab = values[len(fields):len(fields) + 4]
    commit = {"numbers": dict(zip(fields, values[:len(fields)], strict=True)), "revision": revision,
              "map_points": map_points}
    response = {}
    for tab, (store_id, prop) in zip(tabs, callback.outputs, strict=True):
        is_open = revision is not None and outer_tab == spec.get("dashboard") and inner_tab == tab
        if is_open and client.value(store_id, prop) != commit:
            response[store_id] = {prop: commit}
    return {"response": response}


MIRRORS: dict[str, Mirror] = {"syncSlider": sync_slider, "gateTabs": gate_tabs}

"""The energy-level picture (``components/page/level_picture.py``): its payload on commit, its drawing in the browser.

* ``level_payload`` (server): on each commit of the advanced parameters (the revision), the
  constants and tables of ``components.level_geometry.level_data``;
* ``qdgain_levels.draw`` (assets/levels.js, browser): redraws the SVG from the sliders' live
  ``drag_value`` and the number inputs, so the picture moves while dragging with no server call.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output
from dash.exceptions import PreventUpdate

from components import fields, ids
from components.ids import ID
from components.level_geometry import level_data
from components.state import state_from_store

NAMESPACE = "qdgain_levels"


def level_payload(revision: Any) -> dict[str, Any]:
    """Callback body: the picture's payload for the committed advanced parameters (defaults for garbage)."""
    if revision is None:
        raise PreventUpdate
    state, _ = state_from_store(revision)
    return level_data(state.params)


def register() -> None:
    """Register the payload callback and the browser-side drawing."""
    dash.callback(Output(ID.LEVEL_DATA, "data"), Input(ID.REVISION_STORE, "data"))(level_payload)
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "draw"),
        [Input(ids.slider(n), "drag_value") for n in fields.MAIN_FIELDS],
        [Input(ids.number(n), "value") for n in fields.MAIN_FIELDS],
        Input(ID.LEVEL_DATA, "data"),
        Input(ID.ENERGY_UNIT, "value"),
    )

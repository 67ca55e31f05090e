"""The fast path: the spectra and key numbers follow the sliders while they are dragged.

Inputs: the sliders' ``drag_value`` (live while dragging), the number inputs (the committed
main values, in their units, kept in step with the sliders in the browser) and the
revision (the validated advanced parameters). None of them is downstream of the state
callback, so Dash never makes the spectra wait for it. A slider dragged away from its
number input overrides it; changes of the other inputs are drawn as they are. The user's
spectra (``ID.SPECTRA_OVERLAY``: None without spectra data, else at most 400 points per
dataset, ``figures.data_overlay``) and the pinned states' net OD_NL (``ID.PINS_STORE``,
``components.pin_curves``: memoized per pin, so a drag step only appends them) are drawn over
the memoized figure.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import dash
from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from components import computed, fields, ids
from components.callbacks.delta import each_if_changed, if_changed
from components.callbacks.guard import guarded, triggered_ids
from components.control_values import params_from_controls
from components.energy_units import DEFAULT_ENERGY_UNIT
from components.figure_memo import operating_figure_json
from components.figures import data_overlay
from components.figures.common import message_figure
from components.figures.readouts import (
    escape_markdown,
    gain_answer,
    operating_readouts,
    readout_markdown,
    threshold_readouts,
)
from components.ids import ID
from components.page.controls import slider_position
from components.panels import OPERATING_PANELS
from components.pin_curves import PinView, pin_traces, pins_key, pins_of
from components.server.cache_backend import KEY_MEMO, cache_key
from components.state import AppState, ViewState, check_energy_unit, params_from_view
from qdgain_core import GainParams, fluence_from_n_avg


def overlay_drag(params: GainParams, drag_values: Mapping[str, Any]) -> GainParams:
    """``params`` with every main field whose slider was dragged away from it set to the drag position."""
    raw = {}
    for name, position in drag_values.items():
        if name not in fields.MAIN_FIELDS or isinstance(position, bool) or not isinstance(position, (int, float)):
            continue
        if not math.isfinite(position):
            continue
        scale = fields.slider_scale(name)
        position = min(max(float(position), scale.minimum), scale.maximum)  # 10**position stays finite
        if abs(position - slider_position(name, getattr(params, name))) > scale.step / 2:
            raw[name] = scale.to_value(position)
    if not raw:
        return params
    updated, _ = params_from_controls(raw, {}, params)
    return updated


def operating_outputs(params: GainParams, energy_unit: str = DEFAULT_ENERGY_UNIT) -> dict[str, Any]:
    """Figures, readouts and note for one operating point (all core calls cached), energies in ``energy_unit``."""
    state = AppState(params, ViewState(energy_unit=energy_unit))
    spectra = computed.spectra(params)
    fluence = float(fluence_from_n_avg(params, params.n_avg))
    thresholds = computed.thresholds(params)
    method = params.threshold_method
    answer = gain_answer(params.n_avg, method, thresholds[method], computed.has_gain(params))
    readouts = threshold_readouts(thresholds, method) + operating_readouts(
        sigma_ratio=computed.sigma_ratio(params), measured_ratio=computed.measured_ratio(params), n_avg=params.n_avg,
        fluence_mj_cm2=fluence if math.isfinite(fluence) else None, pump_mode=params.pump_mode,
        geometry=spectra.geometry,
    )
    return {
        "figures": [operating_figure_json(p, state) for p in OPERATING_PANELS],
        "notices": ["" for _ in OPERATING_PANELS],
        "readouts": f"{answer}\n\n{readout_markdown(readouts)}",
        "note": spectra.geometry.note,
    }


def _failure(message: str) -> dict[str, Any]:
    return {
        "figures": [message_figure(message) for _ in OPERATING_PANELS],
        "notices": [message for _ in OPERATING_PANELS],
        "readouts": escape_markdown(message),
        "note": "",
        "key": None,
    }


@functools.lru_cache(maxsize=KEY_MEMO)
def operating_key(params: GainParams, energy_unit: str = DEFAULT_ENERGY_UNIT) -> str:
    """Identity of what the fast panels show (equal keys: nothing to redraw)."""
    return cache_key("operating_point", (params, energy_unit))


def operating_params(drag_values: Mapping[str, Any], numbers: Mapping[str, Any] | None, revision: Any,
                     dragging: bool) -> GainParams:
    """The parameters the controls show, with live drag positions on top while dragging.

    ``numbers`` may be None (no number input has reported yet): ``params_from_view`` takes any JSON.
    """
    params = params_from_view(numbers, revision)
    return overlay_drag(params, drag_values) if dragging else params


@guarded(_failure)
def update_operating_point(drag_values: Mapping[str, Any] | None, numbers: Mapping[str, Any] | None, revision: Any,
                           drawn_key: Any = None, shown_notices: Any = None, shown_note: Any = None,
                           energy_unit: Any = None, overlay: Any = None, pins: Any = None) -> dict[str, Any]:
    """Callback body: draw the operating point the controls show (live drag positions included).

    Nothing is sent when the result would be what is already drawn, and texts the page
    already shows are not sent again.
    """
    if revision is None:
        raise PreventUpdate
    trigger = triggered_ids()
    dragging = not trigger or any(component.startswith("slider-") for component in trigger)
    params = operating_params(drag_values if isinstance(drag_values, Mapping) else {}, numbers, revision, dragging)
    unit, _ = check_energy_unit(energy_unit)
    key = operating_key(params, unit)
    if isinstance(overlay, dict) and isinstance(overlay.get("key"), str):
        key = f"{key}|{overlay['key'][:32]}"
    pinned = pins_of(pins)
    if pinned:
        key = f"{key}|pins:{pins_key(pinned)}"
    if key == drawn_key:
        raise PreventUpdate
    outputs = operating_outputs(params, unit)
    if key != operating_key(params, unit):
        data = [*data_overlay.spectra_traces(overlay, params.n_avg, params.n_doped, unit),
                *pin_traces("spectra", pinned, PinView(energy_unit=unit))]
        outputs["figures"] = [data_overlay.with_traces(figure, data) if panel == "spectra" else figure
                              for panel, figure in zip(OPERATING_PANELS, outputs["figures"], strict=True)]
    return {**outputs, "notices": each_if_changed(outputs["notices"], shown_notices),
            "note": if_changed(outputs["note"], shown_note), "key": key}


def register() -> None:
    """Register the fast callback with Dash."""
    dash.callback(
        output={
            "figures": [Output(ids.graph(p), "figure") for p in OPERATING_PANELS],
            "notices": [Output(ids.panel_notice(p), "children") for p in OPERATING_PANELS],
            "readouts": Output(ID.READOUT_FAST, "children"),
            "note": Output(ID.GEOMETRY_NOTE, "children"),
            "key": Output(ID.OPERATING_KEY_STORE, "data"),
        },
        inputs={
            "drag_values": {n: Input(ids.slider(n), "drag_value") for n in fields.MAIN_FIELDS},
            "numbers": {n: Input(ids.number(n), "value") for n in fields.MAIN_FIELDS},
            "revision": Input(ID.REVISION_STORE, "data"),
            "energy_unit": Input(ID.ENERGY_UNIT, "value"),
            "overlay": Input(ID.SPECTRA_OVERLAY, "data"),
            "pins": Input(ID.PINS_STORE, "data"),
        },
        state={"drawn_key": State(ID.OPERATING_KEY_STORE, "data"),
               "shown_notices": [State(ids.panel_notice(p), "children") for p in OPERATING_PANELS],
               "shown_note": State(ID.GEOMETRY_NOTE, "children")},
    )(update_operating_point)


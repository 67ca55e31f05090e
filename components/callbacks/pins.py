"""Compare: pin the committed state, remove a pin, restore one, and the pins' list and comparison table.

* ``add_pin`` ("Pin this state"): the committed state (the state store) becomes a pin named by
  the box (default "pin k"); at most ``pins.MAX_PINS``, and the link must stay within
  ``url_state.MAX_QUERY_CHARS``. It writes the pins store, which ``commit.update_state`` puts
  into the committed state and the URL; the fast path and the open figure tab draw the pins.
* ``remove_pin`` (×): the pins store without that pin.
* ``restore_pin`` (Restore): that pin's parameters with the current view (pins included) are
  handed to the state callback through the history store, as Back/Forward do, so every
  control follows and the new state is a browser-history entry (Undo goes back).
* ``show_pins``: the pins (colour, name, Restore, ×) and the table of the parameters that
  differ and the key numbers (⟨N_th⟩ by the selected method, σ_eff/σ_SE [000] Fig. 5c, the ASE
  threshold [001] Fig. 9, the gain lifetime [002] Fig. 5c), from the memoized core calls.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import dash
from dash import ALL, Input, Output, State, ctx, no_update

from components import computed, fields, ids
from components.callbacks.guard import guarded
from components.control_values import shown
from components.ids import ID
from components.page.pins_bar import ComparisonRow, pins_content
from components.pin_curves import pins_of
from components.pins import MAX_PINS, Pin, clean_name, default_name, pins_to_store
from components.state import AppState, state_from_store
from components.url_state import MAX_QUERY_CHARS, to_query
from qdgain_core import FIELD_SPECS, GainParams


def value_text(name: str, value: Any) -> str:
    """A parameter value with its unit, as the table shows it."""
    if value is None:
        return "off"
    unit = fields.unit(name)
    return f"{shown(value)} {unit}".rstrip() if not isinstance(value, bool) else ("yes" if value else "no")


def _number(value: float | None, unit: str, missing: str) -> str:
    return f"{value:.3g} {unit}".rstrip() if value is not None and math.isfinite(value) else missing


def key_numbers(params: GainParams) -> dict[str, str]:
    """Label -> the key numbers of ``params`` (memoized core calls)."""
    method = params.threshold_method
    ase = computed.ase(params)
    lifetime = computed.dynamics(params).operating_gain_lifetime_ps
    return {
        f"⟨N_th⟩ ({method})": _number(computed.thresholds(params)[method].n_th, "excitons/dot", "no gain"),
        "σ_eff/σ_SE": _number(computed.sigma_ratio(params), "", "–"),
        "ASE threshold": _number(ase.threshold_mj_cm2, "mJ/cm²", "none"),
        "gain lifetime": _number(lifetime if lifetime > 0 else None, "ps", "0 ps"),
    }


def comparison_rows(current: GainParams, pins: Sequence[Pin]) -> list[ComparisonRow]:
    """The parameters where some pin differs from ``current`` (FIELD_SPECS order), then the key numbers."""
    differing = [name for name in FIELD_SPECS
                 if any(getattr(pin.params, name) != getattr(current, name) for pin in pins)]
    rows = [ComparisonRow(fields.label(name), value_text(name, getattr(current, name)),
                          tuple(value_text(name, getattr(pin.params, name)) for pin in pins), "parameter")
            for name in differing]
    numbers = [key_numbers(pin.params) for pin in pins]
    rows += [ComparisonRow(label, text, tuple(entry[label] for entry in numbers), "number")
             for label, text in key_numbers(current).items() if all(label in entry for entry in numbers)]
    return rows


def with_pins(state: AppState, pins: Sequence[Pin]) -> AppState:
    """``state`` with ``pins`` as its pins."""
    return AppState(state.params, dataclasses.replace(state.view, pins=tuple(pins)))


def add_pin(clicks: Any, name: Any, store: Any, pins_store: Any) -> dict[str, Any]:
    """Callback body: pin the committed state (store) under ``name``; a message says what happened."""
    if not clicks:
        return {"pins": no_update, "message": no_update, "name": no_update}
    state, _ = state_from_store(store)
    pins = list(pins_of(pins_store))
    if len(pins) >= MAX_PINS:
        return {"pins": no_update, "name": no_update,
                "message": f"At most {MAX_PINS} pins: remove one (×) before pinning another."}
    clean, notice = clean_name(name, pins)
    new_pins = [*pins, Pin(clean, state.params)]
    if len(to_query(with_pins(state, new_pins))) > MAX_QUERY_CHARS:
        return {"pins": no_update, "name": no_update,
                "message": f"Not pinned: the link would be longer than {MAX_QUERY_CHARS} characters."}
    message = f"Pinned “{clean}”." + (f" ({notice})" if notice else "")
    return {"pins": pins_to_store(new_pins), "message": message, "name": ""}


def clicked_slot() -> int | None:
    """The slot of the pin button that was clicked (None when the trigger is a button appearing, n_clicks 0)."""
    trigger = ctx.triggered_id
    index = trigger.get("index") if isinstance(trigger, dict) else None
    if not isinstance(index, int) or isinstance(index, bool):
        return None
    return index if ctx.triggered and ctx.triggered[0].get("value") else None


def remove_pin(clicks: Any, pins_store: Any, slot: int | None = None) -> dict[str, Any]:
    """Callback body: the pins without the one whose × was clicked (``slot``; default: from the trigger)."""
    slot = clicked_slot() if slot is None else slot
    pins = list(pins_of(pins_store))
    if slot is None or slot >= len(pins):
        return {"pins": no_update, "message": no_update}
    removed = pins.pop(slot)
    return {"pins": pins_to_store(pins), "message": f"Removed “{removed.name}”."}


def restore_query(store: Any, pins_store: Any, slot: int) -> str | None:
    """The link of pin ``slot``'s parameters with the current view (its pins included); None: no such pin."""
    state, _ = state_from_store(store)
    pins = pins_of(pins_store)
    if not 0 <= slot < len(pins):
        return None
    return to_query(AppState(pins[slot].params, dataclasses.replace(state.view, pins=pins)))


def restore_pin(clicks: Any, store: Any, pins_store: Any, slot: int | None = None) -> dict[str, Any]:
    """Callback body: hand the pin's state (``slot``; default: from the trigger) to the state callback, through
    the history store."""
    slot = clicked_slot() if slot is None else slot
    query = restore_query(store, pins_store, slot) if slot is not None else None
    if query is None or slot is None:
        return {"history": no_update, "message": no_update}
    name = pins_of(pins_store)[slot].name
    return {"history": {"search": query, "restore": slot, "clicks": sum(c or 0 for c in clicks if isinstance(c, int))},
            "message": f"Restored “{name}” (Undo goes back)."}


@guarded(lambda message: {"content": message, "placeholder": no_update})
def show_pins(pins_store: Any, store: Any) -> dict[str, Any]:
    """Callback body: the pins with their buttons and the comparison table (nothing while nothing is pinned)."""
    pins = pins_of(pins_store)
    state, _ = state_from_store(store)
    rows = comparison_rows(state.params, pins) if pins else []
    return {"content": pins_content(pins, rows), "placeholder": default_name(pins)}


def register() -> None:
    """Register the pins callbacks."""
    dash.callback(
        output={"pins": Output(ID.PINS_STORE, "data", allow_duplicate=True),
                "message": Output(ID.PIN_MESSAGE, "children", allow_duplicate=True),
                "name": Output(ID.PIN_NAME, "value")},
        inputs={"clicks": Input(ID.PIN_ADD, "n_clicks")},
        state={"name": State(ID.PIN_NAME, "value"), "store": State(ID.STATE_STORE, "data"),
               "pins_store": State(ID.PINS_STORE, "data")},
        prevent_initial_call=True,
    )(guarded(lambda message: {"pins": no_update, "message": message, "name": no_update})(add_pin))
    dash.callback(
        output={"pins": Output(ID.PINS_STORE, "data", allow_duplicate=True),
                "message": Output(ID.PIN_MESSAGE, "children", allow_duplicate=True)},
        inputs={"clicks": Input(ids.pin_remove(ALL), "n_clicks")},
        state={"pins_store": State(ID.PINS_STORE, "data")},
        prevent_initial_call=True,
    )(guarded(lambda message: {"pins": no_update, "message": message})(remove_pin))
    dash.callback(
        output={"history": Output(ID.HISTORY_STORE, "data", allow_duplicate=True),
                "message": Output(ID.PIN_MESSAGE, "children", allow_duplicate=True)},
        inputs={"clicks": Input(ids.pin_restore(ALL), "n_clicks")},
        state={"store": State(ID.STATE_STORE, "data"), "pins_store": State(ID.PINS_STORE, "data")},
        prevent_initial_call=True,
    )(guarded(lambda message: {"history": no_update, "message": message})(restore_pin))
    dash.callback(
        output={"content": Output(ID.PIN_TABLE, "children"), "placeholder": Output(ID.PIN_NAME, "placeholder")},
        inputs={"pins_store": Input(ID.PINS_STORE, "data"), "store": Input(ID.STATE_STORE, "data")},
    )(show_pins)

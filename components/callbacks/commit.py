"""From controls to one validated state: the only place where control values become parameters.

Two server callbacks and a browser-side sync:

* ``apply_state`` (URL on load, Back/Forward/Undo/Redo, preset, reset) writes every control. It runs rarely, so its
  many outputs cost nothing on a slider move.
* ``update_state`` (number inputs, advanced fields, map resolution, preset) validates with
  ``control_values.params_from_controls`` (the input rule; its messages are shown beside each
  box by the browser) and writes the store:
  the committed state for the slow panels, the URL and the export. Two outputs, so a
  commit re-renders little.
* ``update_hold_control`` (lineshape model) disables the hold the model cannot use (the
  Gaussian Simple Model holds the Stokes shift only) and says why beside the choice.
* ``update_revision`` (advanced fields only) gives the fast path the non-slider parameters;
  it is not downstream of any slider, so Dash never holds the spectra back for it.
* slider <-> number input of each main field are kept in step in the browser
  (``assets/clientside.js``), which also sets both from ``apply_state``'s main values:
  the number input always holds the value in its unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dash
from dash import Input, Output, State, html, no_update

from components import fields, ids
from components.callbacks.delta import if_changed
from components.callbacks.guard import guarded, triggered_ids
from components.control_values import (
    display_value,
    map_points_from_control,
    params_from_controls,
    shown,
)
from components.ids import ID
from components.page.controls import hold_note, hold_options
from components.pins import coerce_pins, pins_to_store
from components.presets import PRESET_CHOICES, preset_params, preset_summary
from components.state import (
    AppState,
    ViewState,
    canonical,
    canonical_hold,
    check_energy_unit,
    check_figure,
    check_lesson,
    clamp_map_points,
    resolve_hold,
    state_from_store,
    state_to_store,
)
from components.url_state import parse_query, to_query
from qdgain_core import FIELD_SPECS, GainParams

MAX_NOTICES = 12
MAX_LISTED_EDITS = 6


@dataclass(frozen=True)
class Resolution:
    """The state a trigger leads to, and the notices to show."""

    state: AppState
    notices: tuple[str, ...]


def _valid_preset(name: Any) -> str | None:
    return name if isinstance(name, str) and name in PRESET_CHOICES else None


def notice_children(notices: tuple[str, ...]) -> Any:
    """Notice list for the page (empty string when there is nothing to say)."""
    if not notices:
        return ""
    return html.Ul([html.Li(text) for text in notices[:MAX_NOTICES]], className="notice-list")


# --- URL, preset, reset -> controls ---------------------------------------------------------------------------


def replaced_edits(previous: AppState, new_params: GainParams) -> list[str]:
    """The user's edits (values that differ from their preset's) that ``new_params`` overwrites.

    Each as "label old → new".
    """
    reference = canonical(preset_params(previous.view.preset))
    changes = []
    for name in FIELD_SPECS:
        old, new = getattr(previous.params, name), getattr(new_params, name)
        if old != getattr(reference, name) and old != new:
            unit = f" {fields.unit(name)}" if fields.unit(name) else ""
            changes.append(f"{fields.label(name)} {shown(old) if old is not None else 'off'}{unit} → "
                           f"{shown(new) if new is not None else 'off'}{unit}")
    return changes


def replacement_notice(what: str, changes: list[str]) -> tuple[str, ...]:
    """"<what> replaced your edits: …; Undo brings them back" (nothing when no edit was replaced)."""
    if not changes:
        return ()
    listed = "; ".join(changes[:MAX_LISTED_EDITS]) + ("; …" if len(changes) > MAX_LISTED_EDITS else "")
    return (f"{what} replaced {len(changes)} edited value{'s' if len(changes) > 1 else ''}: {listed}. "
            "Undo (↶, or the browser's Back) brings them back.",)


def resolve_applied(trigger: set[str], search: Any, preset: Any, map_points: Any, hold: Any = None,
                    store: Any = None, history: Any = None) -> Resolution:
    """State to load: the URL on page load (empty trigger), a URL change or a step through the browser
    history (``history``: ``{"search": ...}`` from the popstate handler in assets/clientside.js); else
    the preset (reset too).

    A preset or reset keeps the view settings (map resolution, hold) where the new model can use
    them, the energy unit, the open lesson and the pins, and says which of the user's edits (``store``: the
    state in use) it replaced.
    """
    if ID.HISTORY_STORE in trigger:
        search = history.get("search") if isinstance(history, Mapping) else None
    if not trigger or ID.LOCATION in trigger or ID.HISTORY_STORE in trigger:
        state, link_notices = parse_query(search if isinstance(search, str) else "")
        return Resolution(state, tuple(f"The link: {text}" for text in link_notices))
    name = _valid_preset(preset)
    notices: tuple[str, ...] = () if name or preset in (None, "") else (f"preset: {preset!r} is not a known preset",)
    points, _ = clamp_map_points(map_points)
    params = canonical(preset_params(name))
    kept_hold, _ = canonical_hold(hold, params)
    previous, _ = state_from_store(store)
    what = ("Reset" if ID.RESET in trigger
            else f"The preset “{PRESET_CHOICES[name].label}”" if name else "The built-in defaults")
    notices += replacement_notice(what, replaced_edits(previous, params)) if store is not None else ()
    old = previous.view  # a new preset ends the paper figure
    view = ViewState(points, name, kept_hold, old.energy_unit, None, old.lesson, old.step, old.pins)
    return Resolution(AppState(params, view), notices)


def applied_outputs(resolution: Resolution) -> dict[str, Any]:
    """Every control set to the resolved state (main fields through the browser-side sync)."""
    state = resolution.state
    params = state.params
    return {
        "main": {n: getattr(params, n) for n in fields.MAIN_FIELDS},
        "advanced": {n: display_value(n, getattr(params, n)) for n in fields.advanced_fields()},
        "map_points": state.view.map_points,
        "hold": state.hold,
        "preset": state.view.preset,
        "preset_info": preset_summary(state.view.preset),
        "energy_unit": state.view.energy_unit,
        "figure": state.view.figure,
        "lesson": lesson_store(state.view),
        "pins": pins_to_store(state.view.pins),
        "notices": notice_children(resolution.notices),
    }


def lesson_store(view: ViewState) -> dict[str, Any]:
    """What ``ID.LESSON_STORE`` holds: the open lesson and its step (None for none)."""
    return {"lesson": view.lesson, "step": view.step}


def _apply_failure(message: str) -> dict[str, Any]:
    return {
        "main": no_update,
        "advanced": {n: no_update for n in fields.advanced_fields()},
        "map_points": no_update, "hold": no_update, "preset": no_update, "preset_info": no_update,
        "energy_unit": no_update, "figure": no_update, "lesson": no_update, "pins": no_update,
        "notices": notice_children((message,)),
    }


@guarded(_apply_failure)
def apply_state(search: Any, preset: Any, reset: Any, map_points: Any = None, hold: Any = None,
                store: Any = None, history: Any = None) -> dict[str, Any]:
    """Callback body: load the shared link, a history step, a preset or the reset values into every control."""
    return applied_outputs(resolve_applied(triggered_ids(), search, preset, map_points, hold, store, history))


# --- controls -> validated state ------------------------------------------------------------------------------


def resolve_controls(numbers: Mapping[str, Any], advanced: Mapping[str, Any], map_points: Any, preset: Any,
                     store: Any, hold: Any = None, energy_unit: Any = None, figure: Any = None,
                     lesson: Any = None, pins: Any = None) -> Resolution:
    """Validated state from the controls by the one input rule (``control_values``).

    The field messages of the rule are shown beside each box by the browser, which applies
    the same rule, so they are not repeated here; what only the server can say (a hold the
    model cannot use: the Gaussian Simple Model and "fine_structure" becomes the model's
    default) is a notice. ``hold`` None (no choice sent) keeps the stored one; ``energy_unit``,
    ``figure`` (the paper figure drawn over its panel), ``lesson`` (``ID.LESSON_STORE``'s data) and
    ``pins`` (``ID.PINS_STORE``'s) are checked like any view setting.
    """
    previous, notices = state_from_store(store)
    params, _ = params_from_controls(numbers, advanced, previous.params)
    points = int(map_points_from_control(map_points, previous.view.map_points).value)
    kept_hold, hold_notice = canonical_hold(previous.view.hold if hold is None else hold, params)
    unit, unit_notice = check_energy_unit(energy_unit)
    shown_figure, figure_notice = check_figure(figure)
    notices += [text for text in (hold_notice, unit_notice, figure_notice) if text]
    raw_lesson = lesson if isinstance(lesson, Mapping) else {}
    lesson_id, step, lesson_notices = check_lesson(raw_lesson.get("lesson"), raw_lesson.get("step"))
    pinned, pin_notices = coerce_pins(pins)
    notices += lesson_notices + pin_notices
    view = ViewState(points, _valid_preset(preset), kept_hold, unit, shown_figure, lesson_id, step, pinned)
    return Resolution(AppState(params, view), tuple(notices))


def _state_failure(message: str) -> dict[str, Any]:
    return {"store": no_update, "notices": notice_children((message,))}


@guarded(_state_failure)
def update_state(numbers: Mapping[str, Any], advanced: Mapping[str, Any], map_points: Any, preset: Any,
                 store: Any = None, shown_notices: Any = None, hold: Any = None, energy_unit: Any = None,
                 figure: Any = None, lesson: Any = None, pins: Any = None) -> dict[str, Any]:
    """Callback body: validate every control into the committed state (store and notices)."""
    numbers, advanced = (v if isinstance(v, Mapping) else {} for v in (numbers, advanced))
    resolution = resolve_controls(numbers, advanced, map_points, preset, store, hold, energy_unit, figure,
                                  lesson, pins)
    state = resolution.state
    new_store = state_to_store(state, to_query(state))
    return {"store": no_update if store == new_store else new_store,
            "notices": if_changed(notice_children(resolution.notices), shown_notices)}


def _hold_failure(message: str) -> dict[str, Any]:
    return {"options": no_update, "value": no_update, "note": message}


@guarded(_hold_failure)
def update_hold_control(lineshape_model: Any, hold: Any = None, shown_note: Any = None) -> dict[str, Any]:
    """Callback body: the hold choices the lineshape model allows, the choice moved to a usable one, and why.

    The Gaussian Simple Model has no lattice width to dress, so "fine structure" is disabled
    and the choice moves to "Stokes shift"; the note beside the choice says so.
    """
    params, _ = params_from_controls({}, {"lineshape_model": lineshape_model}, GainParams())
    usable, _ = resolve_hold(hold, params)
    return {"options": hold_options(params), "value": no_update if usable == hold else usable,
            "note": if_changed(hold_note(params), shown_note)}


@guarded(lambda message: no_update)
def update_revision(advanced: Mapping[str, Any], revision: Any = None) -> Any:
    """Callback body: the advanced parameters alone, for the fast path (``{"params": {...}}``).

    The fast path reads them from here rather than from the store, because nothing here
    waits on a slider move: a slider's own position and number input carry the rest.
    """
    previous, _ = state_from_store(revision)
    params, _ = params_from_controls({}, advanced, previous.params)
    new_revision = {"params": params.as_dict()}
    return no_update if revision == new_revision else new_revision


def register() -> None:
    """Register the state callbacks (the slider/number sync is in ``browser``)."""
    main, extra = fields.MAIN_FIELDS, fields.advanced_fields()
    dash.callback(
        output={
            "main": Output(ID.APPLIED_STORE, "data"),
            "advanced": {n: Output(ids.advanced(n), "value") for n in extra},
            "map_points": Output(ID.MAP_POINTS, "value"),
            "hold": Output(ID.MAP_HOLD, "value"),
            "preset": Output(ID.PRESET, "value"),
            "preset_info": Output(ID.PRESET_INFO, "children"),
            "energy_unit": Output(ID.ENERGY_UNIT, "value"),
            "figure": Output(ID.PAPER_FIGURE, "data"),
            "lesson": Output(ID.LESSON_STORE, "data"),
            "pins": Output(ID.PINS_STORE, "data"),
            "notices": Output(ID.LINK_NOTICES, "children"),
        },
        inputs={"search": Input(ID.LOCATION, "search"), "preset": Input(ID.PRESET, "value"),
                "reset": Input(ID.RESET, "n_clicks"), "history": Input(ID.HISTORY_STORE, "data")},
        state={"map_points": State(ID.MAP_POINTS, "value"), "hold": State(ID.MAP_HOLD, "value"),
               "store": State(ID.STATE_STORE, "data")},
    )(apply_state)
    dash.callback(
        output={"store": Output(ID.STATE_STORE, "data"), "notices": Output(ID.NOTICES, "children")},
        inputs={"numbers": {n: Input(ids.number(n), "value") for n in main},
                "advanced": {n: Input(ids.advanced(n), "value") for n in extra},
                "map_points": Input(ID.MAP_POINTS, "value"), "preset": Input(ID.PRESET, "value"),
                "hold": Input(ID.MAP_HOLD, "value"), "energy_unit": Input(ID.ENERGY_UNIT, "value"),
                "figure": Input(ID.PAPER_FIGURE, "data"), "lesson": Input(ID.LESSON_STORE, "data"),
                "pins": Input(ID.PINS_STORE, "data")},
        state={"store": State(ID.STATE_STORE, "data"), "shown_notices": State(ID.NOTICES, "children")},
    )(update_state)
    dash.callback(
        output={"options": Output(ID.MAP_HOLD, "options"), "value": Output(ID.MAP_HOLD, "value"),
                "note": Output(ID.MAP_HOLD_NOTE, "children")},
        inputs={"lineshape_model": Input(ids.advanced("lineshape_model"), "value")},
        state={"hold": State(ID.MAP_HOLD, "value"), "shown_note": State(ID.MAP_HOLD_NOTE, "children")},
        prevent_initial_call=True,
    )(update_hold_control)
    dash.callback(
        Output(ID.REVISION_STORE, "data"),
        inputs={"advanced": {n: Input(ids.advanced(n), "value") for n in extra}},
        state={"revision": State(ID.REVISION_STORE, "data")},
    )(update_revision)

"""The committed-state panels: one callback per figure tab, and the slow readouts.

Only the open tab is drawn. A browser-side gate (``gateTabs`` in ``assets/clientside.js``)
copies what the controls hold after a commit (number inputs, the revision of advanced
parameters, map resolution, what the maps hold along eta) into the open tab's commit store, and only when it differs
from what that tab has drawn (its drawn store, written by the tab's callback with the
figures). The tab's callback listens to its commit store alone. A commit therefore costs
the server and the browser one tab instead of six; a tab that is opened later draws then,
and a tab whose answer was lost (a dropped connection, a timeout) draws again when it is
reopened or the next value changes. The ASE threshold and gain-lifetime readouts are always on
screen, so they have their own callback on the controls. A failing panel shows a message
figure and a notice; the rest of its tab still draws. When only the operating point moved
on an unchanged phase map, the heatmaps are updated with a ``Patch`` of the marker alone.
The tabs with panels that draw the user's data (``figures.data_overlay.OVERLAY_PANELS``) read
the panel overlay store as State; when it changes, ``callbacks.uploads`` empties their drawn
stores, so the gate draws them again (with the data) when they are next open. The pinned states
(the commit's ``view["pins"]``) are drawn over the panels of ``pin_curves.PIN_PANELS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dash
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, no_update
from dash.exceptions import PreventUpdate

from components import computed, fields, ids
from components.callbacks.delta import each_if_changed, if_changed
from components.callbacks.guard import ERROR_MESSAGE, guarded
from components.figure_memo import figure_json
from components.figures import data_overlay
from components.figures.ase import threshold_text
from components.figures.common import message_figure
from components.figures.maps import OPERATING_TRACE_INDEX
from components.ids import ID
from components.panels import PANEL_TABS, PHASE_TAB, TAB_PANELS, operating_eta
from components.paper_overlay import paper_note
from components.pin_curves import PIN_PANELS, pin_view, pins_of, with_pins
from components.server.budget import ComputationTimeout
from components.state import AppState, state_from_view
from qdgain_core import GainParams
from qdgain_core.dynamics import GAIN_DETECTION_FLOOR

LOG = logging.getLogger("qdgain.callbacks")


def committed_state(numbers: Any, revision: Any, map_points: Any, hold: Any = None, view: Any = None) -> AppState:
    """The state the controls show after a commit; no revision yet means nothing to draw."""
    if revision is None:
        raise PreventUpdate
    return state_from_view(numbers, revision, map_points, hold, view)


def render_panels(state: AppState, panel_ids: Sequence[str]) -> dict[str, list]:
    """Figures (JSON-ready, memoized), notices and paper notes for ``panel_ids``; a failing panel gets a message
    figure."""
    figures: list[go.Figure | dict[str, Any]] = []
    notices: list[str] = []
    for panel_id in panel_ids:
        try:
            figures.append(figure_json(panel_id, state))
            notices.append("")
        except ComputationTimeout:
            raise
        except Exception:
            LOG.exception("panel %s failed", panel_id)
            figures.append(message_figure(ERROR_MESSAGE))
            notices.append(ERROR_MESSAGE)
    return {"figures": figures, "notices": notices,
            "paper_notes": [paper_note(panel_id, state) for panel_id in panel_ids]}


def _group_failure(panel_ids: Sequence[str], **extra: Any):
    def fallback(message: str) -> dict[str, Any]:
        return {"figures": [message_figure(message) for _ in panel_ids], "notices": [message for _ in panel_ids],
                "paper_notes": ["" for _ in panel_ids],
                **{key: value if value is not None else message for key, value in extra.items()}}

    return fallback


A_STAR, A_STAR_SOURCE = "band-integrated A*", "[002] Fig. 5c"


@guarded(lambda message: message)
def lifetime_text(params: GainParams) -> str:
    """Gain lifetime at the operating <N> ([002] Fig. 5c), or why there is none (or the error message).

    The lifetime is how long the band-integrated A*(t) stays below its detection floor (the
    core's definition); whether there is gain at this <N> at all is the selected criterion's
    answer, the one the readout leads with, so "no gain" is said only when that criterion finds none.
    """
    method = params.threshold_method
    lifetime = computed.dynamics(params).operating_gain_lifetime_ps
    if not computed.has_gain(params):
        text = f"no gain at this ⟨N⟩ by the {method} criterion"
        return text if lifetime <= 0 else f"{text}; {A_STAR} ({A_STAR_SOURCE}): {lifetime:.3g} ps"
    if lifetime > 0:
        return f"{lifetime:.3g} ps ({A_STAR}, {A_STAR_SOURCE})"
    return (f"0 ps: gain by the {method} criterion, but the {A_STAR} ({A_STAR_SOURCE}) stays above "
            f"its detection floor, −{GAIN_DETECTION_FLOOR:.0%} of A₀")


@guarded(lambda message: message)
def ase_text(params: GainParams) -> str:
    """ASE threshold of the stripe ([001] Fig. 9), or why there is none (or the error message)."""
    return threshold_text(computed.ase(params), html=False)


@guarded(lambda message: {"ase": message, "lifetime": message})
def update_readouts(numbers: Any, revision: Any, map_points: Any = None, shown_ase: Any = None,
                    shown_lifetime: Any = None) -> dict[str, Any]:
    """Callback body: ASE threshold ([001] Fig. 9) and gain lifetime ([002] Fig. 5c) of the committed state."""
    params = committed_state(numbers, revision, map_points).params
    return {"ase": if_changed(ase_text(params), shown_ase),
            "lifetime": if_changed(lifetime_text(params), shown_lifetime)}


def phase_map_key(state: AppState) -> str:
    """Identity of the drawn maps: equal keys mean only the operating point can have moved."""
    return computed.phase_maps.key(state.params, state.view.map_points, state.hold)


def marker_patch(chi: float, eta: float) -> Patch:
    """Patch moving the operating-point marker of a phase heatmap."""
    patch = Patch()
    patch["data"][OPERATING_TRACE_INDEX]["x"] = [chi]
    patch["data"][OPERATING_TRACE_INDEX]["y"] = [eta]
    return patch


def _draw_tab(tab: str, numbers: Any, revision: Any, map_points: Any, drawn_key: Any, hold: Any,
              view: Any = None) -> dict[str, Any]:
    state = committed_state(numbers, revision, map_points, hold, view)
    if tab != PHASE_TAB:
        return render_panels(state, TAB_PANELS[tab])
    key = phase_map_key(state)
    if key == drawn_key:
        patches = [marker_patch(state.params.chi, operating_eta(state.params)) for _ in TAB_PANELS[tab]]
        return {"figures": patches, "notices": [no_update for _ in patches], "key": no_update,
                "paper_notes": [no_update for _ in patches]}
    outputs = render_panels(state, TAB_PANELS[tab])
    return {**outputs, "key": key if not any(outputs["notices"]) else None}


def draw_tab(tab: str, numbers: Any, revision: Any, map_points: Any = None, drawn_key: Any = None,
             hold: Any = None, view: Any = None) -> dict[str, Any]:
    """Callback body: every figure of one tab for the committed controls.

    The phase tab also returns the key of its maps and, when the maps are the ones drawn
    (``drawn_key``), only a ``Patch`` moving the operating-point marker. ``hold`` is what
    the maps and eta cuts hold along eta (None or unusable: the model's default); ``view`` the
    energy unit and the paper figure drawn over its panel.
    """
    extra = {"key": None} if tab == PHASE_TAB else {}
    return guarded(_group_failure(TAB_PANELS[tab], **extra))(_draw_tab)(tab, numbers, revision, map_points, drawn_key,
                                                                         hold, view)


def commit_parts(commit: Any) -> tuple[Any, Any, Any, Any, Any]:
    """(numbers, revision, map_points, hold, view) from a commit store; not a mapping: no revision (draws nothing).

    The parts are as untrusted as any callback input: ``committed_state`` validates them
    (an unusable value keeps its default).
    """
    if not isinstance(commit, Mapping):
        return {}, None, None, None, None
    return (commit.get("numbers"), commit.get("revision"), commit.get("map_points"), commit.get("hold"),
            commit.get("view"))


def with_data(tab: str, figures: list[Any], overlay: Any, numbers: Any, revision: Any) -> list[Any]:
    """The tab's figures with the user's data over the panels that draw it (figures are never changed in place)."""
    panels = TAB_PANELS[tab]
    if overlay is None or not set(panels) & data_overlay.OVERLAY_PANELS:
        return figures
    out = []
    for panel_id, figure in zip(panels, figures, strict=True):
        traces: list[dict[str, Any]] = []
        if panel_id in data_overlay.OVERLAY_PANELS and isinstance(figure, dict):
            model = None
            if panel_id == "ase_output":
                curve = computed.ase(committed_state(numbers, revision, None).params)
                model = (curve.fluence_mj_cm2, curve.output_integrated)
            traces = data_overlay.panel_traces(overlay, panel_id, model)
        out.append(data_overlay.with_traces(figure, traces) if traces else figure)
    return out


def tab_callback(tab: str) -> Callable[..., dict[str, Any]]:
    """The registered callback of one tab: its commit store in, its figures out (with the user's data)."""

    def callback(commit: Any, shown_notices: Any = None, drawn_key: Any = None, overlay: Any = None
                 ) -> dict[str, Any]:
        numbers, revision, map_points, hold, view = commit_parts(commit)
        outputs = draw_tab(tab, numbers, revision, map_points, drawn_key, hold, view)
        if overlay is not None:
            outputs = {**outputs, "figures": with_data(tab, outputs["figures"], overlay, numbers, revision)}
        pinned = pins_of(view.get("pins")) if isinstance(view, Mapping) else ()
        if pinned and set(TAB_PANELS[tab]) & PIN_PANELS:
            outputs = {**outputs, "figures": with_pins(TAB_PANELS[tab], outputs["figures"], pinned,
                                                       pin_view(view, map_points, hold))}
        return {**outputs, "notices": each_if_changed(outputs["notices"], shown_notices), "drawn": commit}

    callback.__name__ = f"draw_{tab}_tab"
    return callback


def _panel_outputs(panel_ids: Sequence[str]) -> dict[str, list[Output]]:
    return {"figures": [Output(ids.graph(p), "figure") for p in panel_ids],
            "notices": [Output(ids.panel_notice(p), "children") for p in panel_ids],
            "paper_notes": [Output(ids.paper_note(p), "children") for p in panel_ids]}


def register() -> None:
    """Register one callback per tab and the slow readouts (the gate is in ``browser``)."""
    for tab in PANEL_TABS:
        outputs: dict[str, Any] = {**_panel_outputs(tab.panel_ids), "drawn": Output(ids.drawn_store(tab.value), "data")}
        state: dict[str, Any] = {"shown_notices": [State(ids.panel_notice(p), "children") for p in tab.panel_ids]}
        if tab.value == PHASE_TAB:
            outputs["key"] = Output(ID.MAP_KEY_STORE, "data")
            state["drawn_key"] = State(ID.MAP_KEY_STORE, "data")
        if set(tab.panel_ids) & data_overlay.OVERLAY_PANELS:
            state["overlay"] = State(ID.PANEL_OVERLAY, "data")
        dash.callback(output=outputs, inputs={"commit": Input(ids.commit_store(tab.value), "data")},
                      state=state, prevent_initial_call=True)(tab_callback(tab.value))
    dash.callback(output={"ase": Output(ID.READOUT_ASE, "children"),
                          "lifetime": Output(ID.READOUT_LIFETIME, "children")},
                  inputs={"numbers": {n: Input(ids.number(n), "value") for n in fields.MAIN_FIELDS},
                          "revision": Input(ID.REVISION_STORE, "data"),
                          "map_points": Input(ID.MAP_POINTS, "value")},
                  state={"shown_ase": State(ID.READOUT_ASE, "children"),
                         "shown_lifetime": State(ID.READOUT_LIFETIME, "children")})(update_readouts)

"""The committed-state panels: SE map, phase diagram, doping, ASE and dynamics.

Each group is one callback on what the controls hold after a commit (number inputs, the
revision of advanced parameters, map resolution), not on the store, so no group waits
for the state callback. Groups compute in parallel and a slow one never holds up the
others; five groups plus the fast path stay within the browser's six connections per
host. A failing panel shows a message figure and a notice; the rest of its group still
draws. When only the operating point moved on an unchanged phase map, the heatmaps are
updated with a ``Patch`` of the marker alone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import dash
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, no_update
from dash.exceptions import PreventUpdate

from . import cache, fields, ids
from .figures_ase import threshold_text
from .figures_common import message_figure
from .figures_maps import OPERATING_TRACE_INDEX
from .guard import ERROR_MESSAGE, guarded
from .ids import ID
from .panels import PANEL_BY_ID, operating_eta
from .state import AppState, state_from_view

LOG = logging.getLogger("qdgain.callbacks")

GROUPS: dict[str, tuple[str, ...]] = {
    "spectral": ("cross_sections", "se_map"),
    "phase": ("phase_nth", "phase_sigma"),
    "cuts": ("cut_nth_chi", "cut_nth_eta", "cut_ratio_chi", "cut_ratio_eta"),
    "doping_dynamics": ("doping_threshold", "doping_potential", "dynamics_astar", "dynamics_lifetime"),
    "ase": ("ase_output", "ase_spectra", "ase_schemes"),
}


def committed_state(numbers: Any, revision: Any, map_points: Any) -> AppState:
    """The state the controls show after a commit; no revision yet means nothing to draw."""
    if revision is None:
        raise PreventUpdate
    return state_from_view(numbers, revision, map_points)


def render_panels(state: AppState, panel_ids: Sequence[str]) -> dict[str, list]:
    """Figures and notices for ``panel_ids``; a failing panel gets a message figure and notice."""
    figures: list[go.Figure] = []
    notices: list[str] = []
    for panel_id in panel_ids:
        try:
            figures.append(PANEL_BY_ID[panel_id].build(state))
            notices.append("")
        except Exception:
            LOG.exception("panel %s failed", panel_id)
            figures.append(message_figure(ERROR_MESSAGE))
            notices.append(ERROR_MESSAGE)
    return {"figures": figures, "notices": notices}


def _group_failure(panel_ids: Sequence[str], **extra: Any):
    def fallback(message: str) -> dict[str, Any]:
        return {"figures": [message_figure(message) for _ in panel_ids], "notices": [message for _ in panel_ids],
                **{key: value if value is not None else message for key, value in extra.items()}}

    return fallback


@guarded(_group_failure(GROUPS["spectral"]))
def update_spectral(numbers: Any, revision: Any, map_points: Any = None) -> dict[str, list]:
    """Single-dot cross sections ([000] Eq. 5) and the SE map ([001] Fig. 8c-f)."""
    return render_panels(committed_state(numbers, revision, map_points), GROUPS["spectral"])


@guarded(_group_failure(GROUPS["cuts"]))
def update_cuts(numbers: Any, revision: Any, map_points: Any = None) -> dict[str, list]:
    """The four 1-D cuts ([000] Fig. 5a-d)."""
    return render_panels(committed_state(numbers, revision, map_points), GROUPS["cuts"])


@guarded(_group_failure(GROUPS["doping_dynamics"], readout=None))
def update_doping_dynamics(numbers: Any, revision: Any, map_points: Any = None) -> dict[str, Any]:
    """Doping ([002] Fig. 5a,b), gain dynamics ([002] Fig. 5c) and the gain-lifetime readout."""
    state = committed_state(numbers, revision, map_points)
    outputs = render_panels(state, GROUPS["doping_dynamics"])
    lifetime = cache.dynamics(state.params).operating_gain_lifetime_ps
    text = f"{lifetime:.3g} ps" if lifetime > 0 else "no gain at this ⟨N⟩"
    return {**outputs, "readout": text}


@guarded(_group_failure(GROUPS["ase"], readout=None))
def update_ase(numbers: Any, revision: Any, map_points: Any = None) -> dict[str, Any]:
    """ASE output, spectra and level schemes vs fluence ([001] Fig. 9), and the ASE threshold readout."""
    state = committed_state(numbers, revision, map_points)
    outputs = render_panels(state, GROUPS["ase"])
    return {**outputs, "readout": threshold_text(cache.ase(state.params), html=False)}


def phase_map_key(state: AppState) -> str:
    """Identity of the drawn maps: equal keys mean only the operating point can have moved."""
    return cache.phase_maps.key(state.params, state.view.map_points)


def marker_patch(chi: float, eta: float) -> Patch:
    """Patch moving the operating-point marker of a phase heatmap."""
    patch = Patch()
    patch["data"][OPERATING_TRACE_INDEX]["x"] = [chi]
    patch["data"][OPERATING_TRACE_INDEX]["y"] = [eta]
    return patch


@guarded(_group_failure(GROUPS["phase"], key=None))
def update_phase_maps(numbers: Any, revision: Any, map_points: Any = None, drawn_key: Any = None) -> dict[str, Any]:
    """Phase heatmaps ([000] Fig. 5 as maps); a marker Patch when the maps themselves are unchanged."""
    state = committed_state(numbers, revision, map_points)
    key = phase_map_key(state)
    if key == drawn_key:
        patches = [marker_patch(state.params.chi, operating_eta(state.params)) for _ in GROUPS["phase"]]
        return {"figures": patches, "notices": [no_update for _ in patches], "key": no_update}
    outputs = render_panels(state, GROUPS["phase"])
    return {**outputs, "key": key if not any(outputs["notices"]) else None}


def _panel_outputs(panel_ids: Sequence[str]) -> dict[str, list[Output]]:
    return {"figures": [Output(ids.graph(p), "figure") for p in panel_ids],
            "notices": [Output(ids.panel_notice(p), "children") for p in panel_ids]}


def register() -> None:
    """Register one callback per panel group."""
    controls = {"numbers": {n: Input(ids.number(n), "value") for n in fields.MAIN_FIELDS},
                "revision": Input(ID.REVISION_STORE, "data"), "map_points": Input(ID.MAP_POINTS, "value")}
    for name, func in (("spectral", update_spectral), ("cuts", update_cuts)):
        dash.callback(output=_panel_outputs(GROUPS[name]), inputs=controls)(func)
    dash.callback(output={**_panel_outputs(GROUPS["ase"]), "readout": Output(ID.READOUT_ASE, "children")},
                  inputs=controls)(update_ase)
    dash.callback(output={**_panel_outputs(GROUPS["doping_dynamics"]),
                          "readout": Output(ID.READOUT_LIFETIME, "children")}, inputs=controls)(update_doping_dynamics)
    dash.callback(output={**_panel_outputs(GROUPS["phase"]), "key": Output(ID.MAP_KEY_STORE, "data")},
                  inputs=controls, state={"drawn_key": State(ID.MAP_KEY_STORE, "data")})(update_phase_maps)

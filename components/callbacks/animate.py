"""The Animate bar: its controls on first open, the frames' job request, the player, and the frames' zip.

* ``toggle_bar``: the "Animate" button creates the two choices the first time (``page.animate_controls``),
  then shows or hides the bar.
* ``animateRequest`` (browser side, ``assets/animate.js``): the committed state, the parameter, the number of
  frames (pattern-matching ids: none before the bar was opened, and then nothing is written) and the open
  figure tab become the animation job's request (``jobs.requests.parse_animation``);
  "Compute frames" runs it in the background (``callbacks.jobs``, kind ``animation``).
* ``load`` (browser side): the finished frames go to the player, which plays them by ``Plotly.react`` on the
  graphs themselves: no server call and no Dash update per frame.
* ``export_frames``: the PNGs the player rendered of one panel (``ANIMATE_IMAGES``), checked
  (``animation.checked_frames``), as a zip; its request may be large (``server/limits.py``).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, dcc, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.animation import checked_frames, frames_zip
from components.callbacks.guard import LOG
from components.ids import ID
from components.page.animate_controls import KIND, animate_controls
from components.url_state import to_query

NAMESPACE = "qdgain_animate"
EXPORT_OUTPUTS = (Output(ID.ANIMATE_DOWNLOAD, "data"), Output(ID.ANIMATE_MESSAGE, "children"))


def export_output_text() -> str:
    """The ``output`` string Dash's renderer sends first in the export's requests (``server/limits.py``)."""
    return ".." + "...".join(f"{o.component_id}.{o.component_property}" for o in EXPORT_OUTPUTS) + ".."


def toggle_bar(clicks: Any, children: Any, hidden: Any) -> tuple[Any, bool]:
    """Callback body: the first click creates the controls and opens the bar; later clicks show or hide it."""
    if not clicks:
        raise PreventUpdate
    if not children:
        return animate_controls(), False
    return no_update, not hidden


def export_frames(payload: Any) -> tuple[Any, str]:
    """Callback body: the zip of one panel's frames, or why there is none."""
    if payload is None:
        raise PreventUpdate
    try:
        plan, panel_id, images = checked_frames(payload)
        data = frames_zip(plan, panel_id, images, to_query(plan.states[0]))
    except ValueError as error:
        return no_update, f"No zip: {error}."
    except Exception:
        LOG.exception("the animation export failed")
        return no_update, "No zip: the export failed (the error was logged)."
    name = f"qdgain_{panel_id}_{plan.parameter.name}_frames.zip"
    return (dcc.send_bytes(data, name, type="application/zip"),
            f"Zip of {len(images)} frames of “{panel_id}” ({len(data) / 2**20:.1f} MB).")


def register() -> None:
    """Register the bar's callbacks."""
    dash.callback(Output(ID.ANIMATE_SLOT, "children"), Output(ID.ANIMATE_BAR, "hidden"),
                  Input(ID.ANIMATE_OPEN, "n_clicks"), State(ID.ANIMATE_SLOT, "children"),
                  State(ID.ANIMATE_BAR, "hidden"), prevent_initial_call=True)(toggle_bar)
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "animateRequest"),
        Output(ids.job_request(KIND), "data"),
        Input(ID.STATE_STORE, "data"), Input(ids.animate_choice(ALL), "value"), Input(ID.PANEL_TABS, "value"),
        State(ID.ANIMATE_SPEC, "data"),
    )
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "load"),
        Input(ids.job_result(KIND), "data"), State(ID.ANIMATE_SPEC, "data"),
    )
    dash.callback(*EXPORT_OUTPUTS, Input(ID.ANIMATE_IMAGES, "data"), prevent_initial_call=True)(export_frames)

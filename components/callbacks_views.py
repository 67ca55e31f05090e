"""Which view is on screen: the dashboard or the About page.

The switch is a radio group (``layout.view_switch``) whose value also follows the URL hash
(``callbacks_client``). The browser hides one view and shows the other; the About page's
components (equations typeset by MathJax, tables) exist only while it is open, so they
add nothing to the work Dash's renderer does for every slider move.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State

from .about import about_tab
from .ids import ID
from .layout import ABOUT_TAB


def about_content(view: Any) -> Any:
    """Callback body: the About page while it is open, nothing otherwise."""
    return about_tab() if view == ABOUT_TAB else None


def register() -> None:
    """Register the view switch (browser-side) and the About content (server-side)."""
    dash.clientside_callback(
        ClientsideFunction("qdgain", "showView"),
        Output(ID.DASHBOARD_VIEW, "hidden"),
        Output(ID.ABOUT_VIEW, "hidden"),
        Input(ID.VIEW, "value"),
        State(ID.TAB_NAMES, "data"),
    )
    dash.callback(Output(ID.ABOUT_VIEW, "children"), Input(ID.VIEW, "value"), prevent_initial_call=True)(about_content)

"""Browser-side callbacks (assets/clientside.js): write the state into the URL, copy the link.

The URL is rewritten with ``history.replaceState`` from the store's query string, so it
follows every committed change without reloading, adding history entries, or feeding back
into the state callback (which reads the URL only on page load). The open tab lives in the
URL hash (``#ase``, ``#about``) the same way.
"""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, State

from .ids import ID

NAMESPACE = "qdgain"


def register() -> None:
    """Register the clientside callbacks."""
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "writeQuery"),
        Input(ID.STATE_STORE, "data"),
    )
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "tabsFromHash"),
        Output(ID.VIEW, "value"),
        Output(ID.PANEL_TABS, "value"),
        Input(ID.LOCATION, "hash"),
        State(ID.TAB_NAMES, "data"),
    )
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "writeHash"),
        Input(ID.VIEW, "value"),
        Input(ID.PANEL_TABS, "value"),
        State(ID.TAB_NAMES, "data"),
    )
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "currentLink"),
        Output(ID.COPY_LINK, "content"),
        Input(ID.COPY_LINK, "n_clicks"),
        prevent_initial_call=True,
    )

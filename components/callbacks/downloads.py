"""Downloads: a CSV per panel and a zip of everything, built server-side from the committed state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
from dash import Input, Output, State, dcc
from dash.exceptions import PreventUpdate

from components import ids
from components.callbacks.guard import LOG, triggered_ids
from components.export import bundle_zip, panel_csv
from components.ids import ID
from components.panels import PANEL_BY_ID, PANEL_IDS
from components.state import state_from_store

ZIP_NAME = "qdgain_export.zip"


def panel_download(panel_id: str, store: Any) -> dict[str, Any]:
    """dcc.Download payload with the CSV of one panel."""
    state, _ = state_from_store(store)
    return dcc.send_string(panel_csv(state, PANEL_BY_ID[panel_id]), f"qdgain_{panel_id}.csv", type="text/csv")


def bundle_download(store: Any) -> dict[str, Any]:
    """dcc.Download payload with the zip of every CSV plus parameters.json."""
    state, _ = state_from_store(store)
    return dcc.send_bytes(bundle_zip(state), ZIP_NAME, type="application/zip")


def requested_panel(trigger: set[str]) -> str | None:
    """The panel whose CSV button was pressed, "all" for download-all, None otherwise."""
    if ID.DOWNLOAD_ALL in trigger:
        return "all"
    for panel_id in PANEL_IDS:
        if ids.csv_button(panel_id) in trigger:
            return panel_id
    return None


def download(clicks: Mapping[str, Any], all_clicks: Any, store: Any) -> dict[str, Any]:
    """Callback body: answer the pressed button; nothing (no error) when the request is unusable."""
    target = requested_panel(triggered_ids())
    if target is None or store is None:
        raise PreventUpdate
    try:
        return bundle_download(store) if target == "all" else panel_download(target, store)
    except Exception:
        LOG.exception("export of %s failed", target)
        dash.set_props(ID.NOTICES, {"children": f"Export of {target} failed (the error was logged)."})
        raise PreventUpdate from None


def register() -> None:
    """Register the download callback."""
    dash.callback(
        output=Output(ID.DOWNLOAD, "data"),
        inputs={
            "clicks": {p: Input(ids.csv_button(p), "n_clicks") for p in PANEL_IDS},
            "all_clicks": Input(ID.DOWNLOAD_ALL, "n_clicks"),
        },
        state={"store": State(ID.STATE_STORE, "data")},
        prevent_initial_call=True,
    )(download)

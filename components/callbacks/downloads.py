"""Downloads: a CSV per panel and a zip of everything, built server-side from the committed state.

The card's PNG/SVG buttons never reach the server (assets/export.js renders and saves them).
"Download all" first runs in the browser (``renderImages``): it renders the drawn graphs and
puts them in ``EXPORT_IMAGES``; that store's change calls ``bundle`` here, which checks every
image (``export.checked_images``) before it goes into the zip. The CSV buttons have a
callback of their own, so a CSV request never carries the images.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash
from dash import Input, Output, State, dcc
from dash.exceptions import PreventUpdate

from components import computed, ids
from components.callbacks.guard import LOG, triggered_ids
from components.export import bundle_zip, checked_images, csv_layout, csv_name, panel_csv
from components.figures import data_overlay
from components.figures.common import FULL_PRECISION
from components.ids import ID
from components.panels import PANEL_BY_ID, PANEL_IDS
from components.pin_curves import PinView, pin_traces
from components.state import AppState, state_from_store

ZIP_NAME = "qdgain_export.zip"


def pinned_traces(panel_id: str, state: AppState) -> list[Any]:
    """The pinned states drawn over ``panel_id``, at float64, for its CSV (rows of kind = pin)."""
    view = PinView(state.view.energy_unit, state.view.map_points, state.view.hold)
    return pin_traces(panel_id, state.view.pins, view, FULL_PRECISION)


def data_traces(panel_id: str, state: Any, spectra_overlay: Any = None, panel_overlay: Any = None) -> list[Any]:
    """The user's data drawn over ``panel_id`` (as on the page), for its CSV (rows of kind = data)."""
    if panel_id == "spectra":
        return data_overlay.spectra_traces(spectra_overlay, state.params.n_avg, state.params.n_doped,
                                           state.view.energy_unit)
    if panel_id not in data_overlay.OVERLAY_PANELS or panel_overlay is None:
        return []
    model = None
    if panel_id == "ase_output":
        curve = computed.ase(state.params)
        model = (curve.fluence_mj_cm2, curve.output_integrated)
    return data_overlay.panel_traces(panel_overlay, panel_id, model)


def panel_download(panel_id: str, store: Any, layout: Any = "long", spectra_overlay: Any = None,
                   panel_overlay: Any = None) -> dict[str, Any]:
    """dcc.Download payload with the CSV of one panel (long or wide layout), the user's data included."""
    state, _ = state_from_store(store)
    chosen = csv_layout(layout)
    extra = [*data_traces(panel_id, state, spectra_overlay, panel_overlay), *pinned_traces(panel_id, state)]
    return dcc.send_string(panel_csv(state, PANEL_BY_ID[panel_id], chosen, extra), csv_name(panel_id, chosen),
                           type="text/csv")


def bundle_download(store: Any, images: Any = None) -> dict[str, Any]:
    """dcc.Download payload with the zip: every CSV, the checked images, parameters.json and README.md."""
    state, _ = state_from_store(store)
    return dcc.send_bytes(bundle_zip(state, images=checked_images(images)), ZIP_NAME, type="application/zip")


def requested_panel(trigger: set[str]) -> str | None:
    """The panel whose CSV button was pressed, None otherwise."""
    for panel_id in PANEL_IDS:
        if ids.csv_button(panel_id) in trigger:
            return panel_id
    return None


def _failed(target: str) -> None:
    LOG.exception("export of %s failed", target)
    dash.set_props(ID.NOTICES, {"children": f"Export of {target} failed (the error was logged)."})


def download(clicks: Mapping[str, Any], store: Any, layout: Any = "long", spectra_overlay: Any = None,
             panel_overlay: Any = None) -> dict[str, Any]:
    """Callback body of the CSV buttons: answer the pressed one; nothing (no error) when the request is unusable."""
    target = requested_panel(triggered_ids())
    if target is None or store is None:
        raise PreventUpdate
    try:
        return panel_download(target, store, layout, spectra_overlay, panel_overlay)
    except Exception:
        _failed(target)
        raise PreventUpdate from None


def bundle(images: Any, store: Any) -> dict[str, Any]:
    """Callback body of Download all, once the browser has rendered the images (any payload: checked here)."""
    if images is None or store is None:
        raise PreventUpdate
    try:
        return bundle_download(store, images)
    except Exception:
        _failed("all panels")
        raise PreventUpdate from None


def register() -> None:
    """Register the CSV and the zip callbacks."""
    dash.callback(
        output=Output(ID.DOWNLOAD, "data"),
        inputs={"clicks": {p: Input(ids.csv_button(p), "n_clicks") for p in PANEL_IDS}},
        state={"store": State(ID.STATE_STORE, "data"), "layout": State(ID.CSV_LAYOUT, "value"),
               "spectra_overlay": State(ID.SPECTRA_OVERLAY, "data"), "panel_overlay": State(ID.PANEL_OVERLAY, "data")},
        prevent_initial_call=True,
    )(download)
    dash.callback(
        output=Output(ID.DOWNLOAD_BUNDLE, "data"),
        inputs={"images": Input(ID.EXPORT_IMAGES, "data")},
        state={"store": State(ID.STATE_STORE, "data")},
        prevent_initial_call=True,
    )(bundle)

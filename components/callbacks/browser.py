"""Every browser-side callback (assets/clientside.js), registered in one place.

* ``syncSlider``: a slider and its number input show one value (log10 positions for log
  fields); a preset or link writes both; a typed value follows the input rule
  (``control_values``) and the field's message says what it changed.
* ``checkField``: the same rule for the number boxes without a slider (advanced fields,
  the map resolution).
* ``showNotices``: a notice list hides when empty or dismissed.
* ``gateTabs``: hands the committed control values to the open figure tab only
  (``figure_tabs``).
* ``showView``: the dashboard, Learn, the Paper figures, Your data or the About view (the Learn view's
  own browser-side callbacks are registered by ``learn``).
* ``clearFigure``: "Stop comparing" drops the paper figure drawn over its panel.
* ``writeQuery``, ``tabsFromHash``, ``writeHash``, ``currentLink``: the state in the URL.
* ``downloadImage``, ``renderImages``, ``cameraConfig`` (assets/export.js, ``register_export``):
  the PNG/SVG of the cards, the images of Download all, the toolbar's PNG and SVG buttons.

The URL follows the committed state (the store's query string) without reloading: each new
committed state is a browser-history entry (``history.pushState``; the first of a visit
replaces the current one), so Back/Forward and the Undo/Redo buttons step through them; a
step is handed to the state callback through the history store. The open tab lives in the
URL hash (``#ase``, ``#about``), rewritten in place (no history entry).
"""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, State

from components import fields, ids
from components.control_values import MAP_POINTS_FIELD, RULES
from components.ids import ID
from components.panels import PANEL_IDS, PANEL_TABS

NAMESPACE = "qdgain"


def register() -> None:
    """Register the clientside callbacks."""
    for name in fields.MAIN_FIELDS:
        dash.clientside_callback(
            ClientsideFunction(NAMESPACE, "syncSlider"),
            Output(ids.slider(name), "value"), Output(ids.number(name), "value"),
            Output(ids.field_message(name), "children"),
            Input(ids.slider(name), "value"), Input(ids.number(name), "value"), Input(ID.APPLIED_STORE, "data"),
            Input(ids.field_message(name), "n_clicks"),
            State(ID.SLIDER_SPECS, "data"), State(ID.FIELD_RULES, "data"), State(ID.STATE_STORE, "data"),
            State(ids.field_message(name), "children"),
            prevent_initial_call=True,
        )
    boxes = {name: ids.advanced(name) for name in fields.advanced_fields() if name in RULES}
    boxes[MAP_POINTS_FIELD] = ID.MAP_POINTS
    for name, box in boxes.items():
        dash.clientside_callback(
            ClientsideFunction(NAMESPACE, "checkField"),
            Output(box, "value", allow_duplicate=True), Output(ids.field_message(name), "children"),
            Input(box, "value"), Input(ids.field_message(name), "n_clicks"),
            State(ID.FIELD_RULES, "data"), State(ID.STATE_STORE, "data"), State(ids.field_message(name), "children"),
            prevent_initial_call=True,
        )
    for content, box in ((ID.NOTICES, ID.NOTICES_BOX), (ID.LINK_NOTICES, ID.LINK_NOTICES_BOX)):
        dash.clientside_callback(
            ClientsideFunction(NAMESPACE, "showNotices"),
            Output(box, "hidden"), Input(content, "children"), Input(ids.dismiss(content), "n_clicks"),
        )
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "gateTabs"),
        [Output(ids.commit_store(tab.value), "data") for tab in PANEL_TABS],
        [Input(ids.number(n), "value") for n in fields.MAIN_FIELDS]
        + [Input(ID.REVISION_STORE, "data"), Input(ID.MAP_POINTS, "value"), Input(ID.MAP_HOLD, "value"),
           Input(ID.ENERGY_UNIT, "value"), Input(ID.PAPER_FIGURE, "data"), Input(ID.PINS_STORE, "data"),
           Input(ID.PANEL_TABS, "value"), Input(ID.VIEW, "value")],
        [State(ids.drawn_store(tab.value), "data") for tab in PANEL_TABS] + [State(ID.TAB_NAMES, "data")],
    )
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "showView"),
        Output(ID.DASHBOARD_VIEW, "hidden"),
        Output(ID.ABOUT_VIEW, "hidden"),
        Output(ID.GALLERY_VIEW, "hidden"),
        Output(ID.DATA_VIEW, "hidden"),
        Output(ID.LEARN_VIEW, "hidden"),
        Input(ID.VIEW, "value"),
        State(ID.TAB_NAMES, "data"),
    )
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
        ClientsideFunction(NAMESPACE, "clearFigure"),
        Output(ID.PAPER_FIGURE, "data", allow_duplicate=True),
        Input(ID.PAPER_FIGURE_CLEAR, "n_clicks"),
        prevent_initial_call=True,
    )
    dash.clientside_callback(
        ClientsideFunction(NAMESPACE, "currentLink"),
        Output(ID.COPY_LINK, "content"),
        Input(ID.COPY_LINK, "n_clicks"),
        prevent_initial_call=True,
    )
    register_export()


EXPORT_NAMESPACE = "qdgain_export"


def register_export() -> None:
    """The image export (assets/export.js): the cards' PNG/SVG buttons, Download all's images, the camera's size."""
    dash.clientside_callback(
        ClientsideFunction(EXPORT_NAMESPACE, "downloadImage"),
        [Input(ids.png_button(p), "n_clicks") for p in PANEL_IDS] + [Input(ids.svg_button(p), "n_clicks")
                                                                      for p in PANEL_IDS],
        State(ID.EXPORT_STYLE, "value"), State(ID.EXPORT_SPEC, "data"),
        prevent_initial_call=True,
    )
    dash.clientside_callback(
        ClientsideFunction(EXPORT_NAMESPACE, "renderImages"),
        Output(ID.EXPORT_IMAGES, "data"),
        Input(ID.DOWNLOAD_ALL, "n_clicks"),
        State(ID.EXPORT_STYLE, "value"), State(ID.EXPORT_SPEC, "data"),
        prevent_initial_call=True,
    )
    dash.clientside_callback(
        ClientsideFunction(EXPORT_NAMESPACE, "cameraConfig"),
        [Output(ids.graph(p), "config") for p in PANEL_IDS],
        Input(ID.EXPORT_STYLE, "value"),
        [State(ids.graph(p), "config") for p in PANEL_IDS] + [State(ID.EXPORT_SPEC, "data")],
    )

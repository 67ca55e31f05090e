"""Page layout: header, notices, the view switch, the dashboard (controls + panel cards) and the About view.

Graphs are created once here and only their ``figure`` changes afterwards (callbacks never
return new ``dcc.Graph`` objects), so zoom survives updates through ``uirevision``.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import fields, ids
from components.figures.common import graph_config, message_figure
from components.figures.readouts import READOUT_NOTES
from components.ids import ID
from components.page.controls import hold_control, sidebar, slider_specs
from components.panels import (
    OPERATING_PANELS,
    PANEL_BY_ID,
    PANEL_TABS,
    PHASE_TAB,
    Panel,
)
from components.state import AppState, default_state
from qdgain_core import __version__

DEFAULT_PANEL_TAB = PANEL_TABS[0].value
DASHBOARD_TAB, ABOUT_TAB = "dashboard", "about"
WIDE_PANELS = frozenset({"se_map", "ase_schemes"})


def panel_card(panel: Panel) -> html.Section:
    """A card: title, the paper figure it reproduces, CSV button, graph, caption and notice line."""
    return html.Section(className="card wide" if panel.id in WIDE_PANELS else "card", children=[
        html.Header(className="card-head", children=[
            html.H3(panel.title),
            html.Span(f"reproduces {panel.reproduces}", className="reproduces",
                      title="See 'About the model' for the papers"),
            html.Button("CSV", id=ids.csv_button(panel.id), n_clicks=0, className="button small",
                        title=f"Download exactly the plotted data of '{panel.title}' as CSV"),
        ]),
        html.Div(className="graph-box", children=dcc.Graph(
            id=ids.graph(panel.id), figure=message_figure("computing…"), config=graph_config(f"qdgain_{panel.id}"),
            className="graph", responsive=True,
        )),
        html.P(panel.caption, className="caption"),
        html.P("", id=ids.panel_notice(panel.id), className="panel-notice", role="status"),
    ])


def readout_card() -> html.Section:
    """Key numbers: thresholds and cross sections follow the sliders; ASE and lifetime follow on release."""
    return html.Section(className="card readout-card", children=[
        html.Header(className="card-head", children=[html.H3("Key numbers")]),
        dcc.Markdown("…", id=ID.READOUT_FAST, className="readout-block readout-table"),
        html.Dl(className="readouts", children=[
            html.Dt("ASE threshold", title="kink of the integrated output ([001] Fig. 9)"),
            html.Dd("…", id=ID.READOUT_ASE),
            html.Dt("gain lifetime at ⟨N⟩", title="time A* stays below zero ([002] Fig. 5c)"),
            html.Dd("…", id=ID.READOUT_LIFETIME),
        ]),
        html.P("", id=ID.GEOMETRY_NOTE, className="panel-notice", role="status"),
        html.Details(className="readout-notes", children=[
            html.Summary("What these numbers mean"),
            dcc.Markdown("\n".join(f"* {note}" for note in READOUT_NOTES)),
        ]),
    ])


def card_grid(panel_ids: tuple[str, ...], extra: list | None = None, class_name: str = "card-grid") -> html.Div:
    """Panel cards in a responsive grid."""
    return html.Div((extra or []) + [panel_card(PANEL_BY_ID[p]) for p in panel_ids], className=class_name)


def panel_tabs(state: AppState) -> dcc.Tabs:
    """The figure groups as tabs: only the open tab's graphs are drawn, so a commit redraws a few, not all.

    The phase tab carries the "η axis holds" choice above its maps.
    """
    def section(tab) -> html.Div:
        view_controls = [hold_control(state)] if tab.value == PHASE_TAB else []
        return html.Div(className="panel-section", children=[html.P(tab.blurb, className="section-blurb"),
                                                             *view_controls, card_grid(tab.panel_ids)])

    return dcc.Tabs(id=ID.PANEL_TABS, value=DEFAULT_PANEL_TAB, className="panel-tabs", children=[
        dcc.Tab(label=tab.title, value=tab.value, id=ids.tab(tab.value), children=section(tab))
        for tab in PANEL_TABS
    ])


def dashboard_tab(state: AppState) -> html.Div:
    """Controls on the left; the operating point (always shown) and the figure tabs on the right."""
    operating = html.Section(className="panel-section", children=[
        html.H2("Operating point"),
        html.P("What the dots absorb and emit at the chosen ⟨N⟩ and ⟨n⟩; follows the sliders while you drag.",
               className="section-blurb"),
        card_grid(OPERATING_PANELS, [readout_card()], "card-grid operating-grid"),
    ])
    return html.Div(className="dashboard", children=[
        sidebar(state), html.Main([operating, panel_tabs(state)], className="panels"),
    ])


def tab_names() -> dict[str, Any]:
    """What the browser-side tab callbacks need: view names, figure tabs and main fields (in callback order)."""
    return {"about": ABOUT_TAB, "dashboard": DASHBOARD_TAB, "panels": [tab.value for tab in PANEL_TABS],
            "fields": list(fields.MAIN_FIELDS)}


def view_switch() -> dcc.RadioItems:
    """Dashboard / About, styled as tabs.

    Not a ``dcc.Tabs``: for every Tabs on the page Dash's renderer scans every changed
    component path on every store update, which costs more than the whole About page.
    The About content is put in ``ABOUT_VIEW`` only while it is open (``callbacks.views``).
    """
    return dcc.RadioItems(
        id=ID.VIEW, value=DASHBOARD_TAB, inline=True, className="view-switch", inputClassName="view-switch-input",
        options=[{"label": "Dashboard", "value": DASHBOARD_TAB}, {"label": "About the model", "value": ABOUT_TAB}],
    )


def header() -> html.Header:
    """Title line with the version."""
    return html.Header(className="page-header", children=[
        html.H1(["qdgain", html.Span(" optical gain in colloidal quantum dots", className="subtitle")]),
        html.Span(f"v{__version__}", className="version"),
    ])


def build_layout() -> html.Div:
    """The whole page. State arrives from the URL through the state callback."""
    state = default_state()
    return html.Div(className="page", children=[
        dcc.Location(id=ID.LOCATION, refresh=False),
        dcc.Store(id=ID.STATE_STORE, storage_type="memory"),
        dcc.Store(id=ID.REVISION_STORE, storage_type="memory"),
        dcc.Store(id=ID.MAP_KEY_STORE, storage_type="memory"),
        dcc.Store(id=ID.OPERATING_KEY_STORE, storage_type="memory"),
        dcc.Store(id=ID.SLIDER_SPECS, data=slider_specs()),
        dcc.Store(id=ID.APPLIED_STORE, storage_type="memory"),
        dcc.Store(id=ID.TAB_NAMES, data=tab_names()),
        *[dcc.Store(id=ids.commit_store(tab.value), storage_type="memory") for tab in PANEL_TABS],
        *[dcc.Store(id=ids.drawn_store(tab.value), storage_type="memory") for tab in PANEL_TABS],
        dcc.Download(id=ID.DOWNLOAD),
        header(),
        html.Div(className="notice-area", role="status", **{"aria-live": "polite"}, children=[
            html.Div(id=ID.LINK_NOTICES, className="notices"),
            html.Div(id=ID.NOTICES, className="notices"),
        ]),
        view_switch(),
        html.Div(dashboard_tab(state), id=ID.DASHBOARD_VIEW),
        html.Div(id=ID.ABOUT_VIEW, hidden=True, className="about-view"),
    ])

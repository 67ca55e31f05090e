"""Page layout: header, notices, the view switch, the dashboard (controls + panel cards) and the About view.

Graphs are created once here and only their ``figure`` changes afterwards (callbacks never
return new ``dcc.Graph`` objects), so zoom survives updates through ``uirevision``.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import fields, ids
from components.control_values import field_rules
from components.figures.common import graph_config, message_figure
from components.figures.readouts import CRITERION_NOTES, READOUT_NOTES
from components.ids import ID
from components.page.animate_controls import animate_bar, animate_controls
from components.page.controls import energy_unit_control, hold_control, sidebar, slider_specs
from components.page.data_view import data_view, form_slots, mapping_dialog
from components.page.jobs_panel import job_stores
from components.page.learn_view import LESSONS, TEACH_HASH, learn_view, lesson_banner, lesson_summary, start_here
from components.page.level_picture import level_picture_card
from components.page.pins_bar import pins_bar
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
DASHBOARD_TAB, ABOUT_TAB, GALLERY_TAB, DATA_TAB = "dashboard", "about", "figures", "data"
LEARN_TAB = "learn"
WIDE_PANELS = frozenset({"se_map", "ase_schemes"})


def panel_card(panel: Panel) -> html.Section:
    """A card: title, the paper figure it reproduces, CSV/PNG/SVG buttons, graph, caption and notice line.

    PNG and SVG are made in the browser at the export size chosen beside "Download all" (assets/export.js).
    """
    return html.Section(className=f"card panel-{panel.id}{' wide' if panel.id in WIDE_PANELS else ''}", children=[
        html.Header(className="card-head", children=[
            html.H3(panel.title),
            html.Span(f"reproduces {panel.reproduces}", className="reproduces",
                      title="See 'About the model' for the papers"),
            html.Span(className="card-actions", children=[
                html.Button("CSV", id=ids.csv_button(panel.id), n_clicks=0, className="button small",
                            title=f"Download exactly the plotted data of '{panel.title}' as CSV "
                                  "(long or wide: the CSV layout beside Download all)"),
                html.Button("PNG", id=ids.png_button(panel.id), n_clicks=0, className="button small",
                            title=f"Download '{panel.title}' as a PNG at the export size beside Download all"),
                html.Button("SVG", id=ids.svg_button(panel.id), n_clicks=0, className="button small",
                            title=f"Download '{panel.title}' as an SVG (vector) at the export size beside "
                                  "Download all"),
            ]),
        ]),
        html.Div(className="graph-box", children=dcc.Graph(
            id=ids.graph(panel.id), figure=message_figure("computing…"), config=graph_config(),
            className="graph", responsive=True,
        )),
        html.P(panel.caption, className="caption"),
        html.Div(id=ids.paper_note(panel.id), className="paper-note"),
        html.P("", id=ids.panel_notice(panel.id), className="panel-notice", role="status"),
    ])


def readout_card() -> html.Section:
    """Key numbers: the gain answer, thresholds and cross sections follow the sliders; ASE and lifetime on release.

    What each threshold criterion measures is static (``CRITERION_NOTES``, from the core's table
    of methods), so it is laid out once here, right under the readout, not sent with every step.
    """
    return html.Section(className="card readout-card", children=[
        html.Header(className="card-head", children=[html.H3("Key numbers")]),
        dcc.Markdown("…", id=ID.READOUT_FAST, className="readout-block readout-table"),
        html.Details(className="readout-notes criterion-notes", children=[
            html.Summary("What each criterion measures"),
            dcc.Markdown("\n".join(f"* **{name}** — {text}" for name, text in CRITERION_NOTES)),
        ]),
        html.Dl(className="readouts", children=[
            html.Dt("ASE threshold", title="kink of the integrated output ([001] Fig. 9)"),
            html.Dd("…", id=ID.READOUT_ASE),
            html.Dt("gain lifetime at ⟨N⟩", title="how long the band-integrated A* stays below its detection floor "
                    "([002] Fig. 5c); “no gain” is the selected criterion's answer at this ⟨N⟩"),
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

    return dcc.Tabs(id=ID.PANEL_TABS, value=DEFAULT_PANEL_TAB, className="panel-tabs", mobile_breakpoint=0, children=[
        dcc.Tab(label=tab.title, value=tab.value, id=ids.tab(tab.value), children=section(tab))
        for tab in PANEL_TABS
    ])


def dashboard_tab(state: AppState) -> html.Main:
    """Controls on the left; the operating point (always shown) and the figure tabs on the right.

    The controls and the operating point share a wrapper (``live-area``, no box of its own on
    wide screens): at 800 px and below the page is one column and the spectra card sticks to
    the top of the screen while the controls under it scroll, so the plot a slider changes
    stays in view; below the wrapper (the figure tabs) it scrolls away (assets/style.css).
    """
    operating = html.Section(className="panel-section operating-section", children=[
        html.H2("Operating point"),
        html.P("What the dots absorb and emit at the chosen ⟨N⟩ and ⟨n⟩; follows the sliders while you drag.",
               className="section-blurb"),
        energy_unit_control(state),
        card_grid(OPERATING_PANELS, [readout_card()], "card-grid operating-grid"),
        level_picture_card(),
    ])
    return html.Main(className="dashboard", children=[
        html.Div([sidebar(state), operating], className="live-area"),
        html.Div([pins_bar(), animate_bar(), panel_tabs(state)], className="panels"),
    ])


def tab_names() -> dict[str, Any]:
    """What the browser-side tab callbacks need: view names, figure tabs and main fields (in callback order)."""
    return {"about": ABOUT_TAB, "dashboard": DASHBOARD_TAB, "gallery": GALLERY_TAB, "data": DATA_TAB,
            "learn": LEARN_TAB, "teach": TEACH_HASH, "glossary": "glossary-",  # #teach, #glossary-<term>: Learn
            "panels": [tab.value for tab in PANEL_TABS],
            "fields": list(fields.MAIN_FIELDS)}


def view_switch() -> dcc.RadioItems:
    """Dashboard / About, styled as tabs.

    Not a ``dcc.Tabs``: for every Tabs on the page Dash's renderer scans every changed
    component path on every store update, which costs more than the whole About page.
    The About content is put in ``ABOUT_VIEW`` only while it is open (``callbacks.views``).
    """
    return dcc.RadioItems(
        id=ID.VIEW, value=DASHBOARD_TAB, inline=True, className="view-switch", inputClassName="view-switch-input",
        options=[{"label": "Dashboard", "value": DASHBOARD_TAB}, {"label": "Paper figures", "value": GALLERY_TAB},
                 {"label": "About the model", "value": ABOUT_TAB}, {"label": "Your data", "value": DATA_TAB},
                 {"label": "Learn", "value": LEARN_TAB}],
    )


def header() -> html.Header:
    """Title line with the version."""
    return html.Header(className="page-header", children=[
        html.H1(["qdgain", html.Span(" optical gain in colloidal quantum dots", className="subtitle")]),
        html.Span(f"v{__version__}", className="version"),
    ])


def dismissible(content_id: str, box_id: str, class_name: str) -> html.Div:
    """A notice box with a "×" dismiss button; hidden while empty (``showNotices`` in assets/clientside.js)."""
    return html.Div(id=box_id, className=f"dismissible {class_name}-box", hidden=True, children=[
        html.Div(id=content_id, className=class_name),
        html.Button("×", id=ids.dismiss(content_id), n_clicks=0, className="dismiss",
                    title="Dismiss", **{"aria-label": "Dismiss these notices"}),  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop
    ])


def paper_figure_banner() -> html.Div:
    """Which paper figure the dashboard shows (its values drawn over its panel), with a button to stop; hidden
    when none."""
    return html.Div(id=ID.PAPER_FIGURE_BANNER, className="paper-figure-banner", hidden=True, role="status", children=[
        html.Div(id=ID.PAPER_FIGURE_TEXT, className="paper-figure-text"),
        html.Button("Stop comparing", id=ID.PAPER_FIGURE_CLEAR, n_clicks=0, className="button small",
                    title="Stop drawing the paper's values (the parameters stay)"),
    ])


def data_stores() -> list[dcc.Store]:
    """The user's datasets (session storage, kept only in the browser tab), their summary and the two small
    overlay stores the figures draw (``components/figures/data_overlay.py``)."""
    return [dcc.Store(id=ID.DATASETS_STORE, storage_type="session", data=[]),
            *[dcc.Store(id=store, storage_type="memory")
              for store in (ID.DATASETS_SUMMARY, ID.SPECTRA_OVERLAY, ID.PANEL_OVERLAY, ID.FIT_FORM_STORE)]]


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
        dcc.Store(id=ID.FIELD_RULES, data=field_rules()),
        dcc.Store(id=ID.HISTORY_STORE, storage_type="memory"),
        dcc.Store(id=ID.APPLIED_STORE, storage_type="memory"),
        dcc.Store(id=ID.TAB_NAMES, data=tab_names()),
        dcc.Store(id=ID.PAPER_FIGURE, storage_type="memory"),
        dcc.Store(id=ID.LEARN_MODE, storage_type="memory"),
        dcc.Store(id=ID.LESSON_SUMMARY, data=lesson_summary()),
        dcc.Store(id=ID.LESSON_STORE, storage_type="memory"),
        dcc.Store(id=ID.PINS_STORE, storage_type="memory"),
        *[dcc.Store(id=ids.commit_store(tab.value), storage_type="memory") for tab in PANEL_TABS],
        *[dcc.Store(id=ids.drawn_store(tab.value), storage_type="memory") for tab in PANEL_TABS],
        dcc.Download(id=ID.DOWNLOAD),
        *job_stores(),
        *data_stores(),
        header(),
        # arg-type ignored: dash's stubs cannot type the hyphenated aria-* prop
        html.Div(className="notice-area", role="status", **{"aria-live": "polite"}, children=[  # type: ignore[arg-type]
            dismissible(ID.LINK_NOTICES, ID.LINK_NOTICES_BOX, "notices"),
            dismissible(ID.NOTICES, ID.NOTICES_BOX, "notices"),
        ]),
        view_switch(),
        html.Div([start_here(), lesson_banner(), paper_figure_banner(), dashboard_tab(state)], id=ID.DASHBOARD_VIEW),
        html.Div(id=ID.LEARN_VIEW, hidden=True, className="learn-view"),
        html.Div(id=ID.GALLERY_VIEW, hidden=True, className="gallery-view"),
        html.Div(data_view(), id=ID.DATA_VIEW, hidden=True, className="data-view"),
        html.Div(id=ID.ABOUT_VIEW, hidden=True, className="about-view"),
    ])


def validation_layout() -> html.Div:
    """The page plus what the Your data and Learn views create while open (forms, the mapping dialog, a lesson
    step): Dash checks every callback's ids against it, in the browser too (``app.validation_layout``)."""
    slots = form_slots()
    return html.Div([build_layout(), *slots["fit"], slots["map"], *slots["sweep"],
                     mapping_dialog("file", ["a"], None, {}, None, None), *animate_controls(),
                     learn_view(LESSONS, LESSONS[0].id, 1)])

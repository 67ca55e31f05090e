"""The Paper figures view: one card per figure or table of the papers that the model addresses.

Each card shows a thumbnail of the model's figure (drawn when the view opens, one request
per card), the paper's caption in one line, the comparison "paper says X, model gives Y"
from the reproduction table, and a link that opens the dashboard in exactly that figure's
state with the paper's printed values drawn over the model. The definitions are
``qdgain_core/data/paper_figures.json``; the numbers are ``qdgain_core.reproduction``'s,
the same as docs/reproduction.md.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import ids
from components.energy_units import ENERGY_UNITS
from components.figures.common import message_figure
from components.panels import PANEL_BY_ID, TAB_OF_PANEL
from components.paper_overlay import status_word
from components.state import AppState, ViewState, canonical
from components.url_state import to_query
from qdgain_core.paper_figures import DISPLAY_ENERGY_UNITS, FIGURES, Comparison, PaperFigure, comparisons

_not_on_a_tab = sorted(f.id for f in FIGURES.values() if f.panel not in TAB_OF_PANEL)
if _not_on_a_tab or DISPLAY_ENERGY_UNITS != ENERGY_UNITS:
    raise ValueError(f"paper figures must be drawn on a panel of a figure tab ({_not_on_a_tab}) and name the "
                     "dashboard's energy units")

THUMBNAIL_HEIGHT_PX = 210
THUMBNAIL_CONFIG: Any = {"staticPlot": True, "displayModeBar": False, "responsive": True}


def figure_state(figure: PaperFigure) -> AppState:
    """The dashboard state that shows ``figure``: its parameters, its preset, its energy unit, the paper values
    drawn."""
    return AppState(canonical(figure.params()),
                    ViewState(preset=figure.preset, energy_unit=figure.energy_unit, figure=figure.id))


def figure_link(figure: PaperFigure) -> str:
    """Relative link to the dashboard in ``figure``'s state, on the tab of its panel (``?…#tab``)."""
    return f"{to_query(figure_state(figure)) or '?'}#{TAB_OF_PANEL[figure.panel]}"


def comparison_item(row: Comparison) -> html.Li:
    """One "paper says X, model gives Y" line with its status (the cause on hover)."""
    word = status_word(row.status)
    return html.Li(className="comparison", title=row.status, children=[
        html.Span(f"{row.claim}: ", className="comparison-claim"),
        html.Span(["paper ", html.Strong(row.paper)]), ", ",
        html.Span(["model ", html.Strong(row.model)]),
        html.Span(word, className=f"status status-{word}"),
    ])


def gallery_card(figure: PaperFigure) -> html.Article:
    """The card of one paper figure."""
    panel = PANEL_BY_ID[figure.panel]
    return html.Article(className="gallery-card", id=f"gallery-card-{figure.id}", children=[
        html.Header(className="gallery-card-head", children=[
            html.H3([html.Span(figure.label, className="gallery-label"), " ", figure.title]),
        ]),
        dcc.Graph(id=ids.gallery_thumbnail(figure.id), figure=message_figure("computing…"), config=THUMBNAIL_CONFIG,
                  className="gallery-thumbnail", style={"height": f"{THUMBNAIL_HEIGHT_PX}px"}),
        html.P(figure.caption, className="gallery-caption"),
        html.Ul([comparison_item(row) for row in comparisons(figure)], className="comparisons"),
        html.Div(className="gallery-actions", children=[
            html.A("Open in the dashboard →", href=figure_link(figure), className="button gallery-open",
                   title=f"The dashboard in this figure's state, on the panel “{panel.title}”, with the paper's "
                         "values drawn over the model"),
            html.Span(f"panel: {panel.title}", className="gallery-panel"),
        ]),
    ])


def gallery_view() -> html.Main:
    """Every paper figure as a card, in the order of the papers."""
    return html.Main(className="gallery", children=[
        html.H2("Paper figures"),
        html.P("Every figure or table of the four papers that the model addresses. Each card compares the paper's "
               "numbers with the model's (the rows of the reproduction table, docs/reproduction.md); “Open in "
               "the dashboard” loads exactly that state, with the paper's printed values drawn over the model, as "
               "a link you can share.", className="section-blurb"),
        html.Div([gallery_card(figure) for figure in FIGURES.values()], className="gallery-grid"),
    ])

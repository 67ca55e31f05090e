"""The Paper figures view and the paper figure shown on the dashboard.

* ``gallery_content``: the view's cards while it is open (nothing otherwise, like the About page);
* ``gallery_thumbnail``: one card's thumbnail, the panel's figure in the card's state made
  small (one request per card, so the cards fill in as they are computed);
* ``figure_banner``: the line above the dashboard that says which paper figure is drawn over
  its panel; its button stops that in the browser (``clearFigure``, the parameters stay).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import MATCH, Input, Output, html
from dash.exceptions import PreventUpdate

from components import ids
from components.callbacks.guard import guarded
from components.figure_memo import figure_json
from components.figures.common import message_figure
from components.ids import ID
from components.page.gallery import THUMBNAIL_HEIGHT_PX, figure_state, gallery_view
from components.page.layout import GALLERY_TAB
from components.panels import PANEL_BY_ID
from components.state import check_figure
from qdgain_core.paper_figures import FIGURES

THUMBNAIL_LAYOUT = {"height": THUMBNAIL_HEIGHT_PX, "showlegend": False, "margin": {"l": 44, "r": 8, "t": 8, "b": 34},
                    "title": {"text": ""}, "font": {"size": 10}}


def gallery_content(view: Any) -> Any:
    """Callback body: the Paper figures cards while the view is open, nothing otherwise."""
    return gallery_view() if view == GALLERY_TAB else None


@guarded(lambda message: message_figure(message))
def gallery_thumbnail(component_id: Any) -> Any:
    """Callback body: the thumbnail of one card (its panel's figure in its state, small and static)."""
    figure_id = component_id.get("figure") if isinstance(component_id, dict) else None
    if not isinstance(figure_id, str) or figure_id not in FIGURES:
        raise PreventUpdate
    paper = FIGURES[figure_id]
    figure = figure_json(paper.panel, figure_state(paper))
    layout = {**figure.get("layout", {}), **THUMBNAIL_LAYOUT}
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout.get(axis, {}), "title": {"text": ""}}
    layout["annotations"] = []
    return {"data": figure.get("data", []), "layout": layout}


def figure_banner(figure: Any) -> dict[str, Any]:
    """Callback body: the banner text for the shown paper figure; hidden when there is none."""
    figure_id, _ = check_figure(figure)
    if figure_id is None:
        return {"hidden": True, "text": ""}
    paper = FIGURES[figure_id]
    panel = PANEL_BY_ID[paper.panel]
    return {"hidden": False, "text": [
        html.Strong(f"{paper.label}: {paper.title}. "),
        f"The paper's values are drawn over the panel “{panel.title}”; its comparison with the model is under it. ",
        html.Span(paper.caption, className="paper-figure-caption"),
    ]}


def register() -> None:
    """Register the gallery and paper-figure callbacks."""
    dash.callback(Output(ID.GALLERY_VIEW, "children"), Input(ID.VIEW, "value"),
                  prevent_initial_call=True)(gallery_content)
    dash.callback(Output(ids.gallery_thumbnail(MATCH), "figure"), Input(ids.gallery_thumbnail(MATCH), "id"),
                  )(gallery_thumbnail)
    dash.callback(output={"hidden": Output(ID.PAPER_FIGURE_BANNER, "hidden"),
                          "text": Output(ID.PAPER_FIGURE_TEXT, "children")},
                  inputs={"figure": Input(ID.PAPER_FIGURE, "data")})(figure_banner)

"""The export choices beside "Download all": the image size/style and the CSV layout, chosen once for every card.

They open from an "Export options" button in the row of action buttons, over the page, so the
control column keeps its height (the sliders stay on a 1366 x 768 screen).

The images are made in the browser (assets/export.js): the server has no renderer. The
stores here carry the styles to the browser (``EXPORT_SPEC``) and the images it rendered
for Download all to the server (``EXPORT_IMAGES``, ``callbacks.downloads``); the zip
arrives through a ``dcc.Download`` of its own (its request is the one allowed to be large,
``server/limits.py``).
"""

from __future__ import annotations

from dash import dcc, html

from components.export import export_spec
from components.figures.common import DEFAULT_EXPORT_STYLE, EXPORT_STYLES
from components.ids import ID

SHORT_LABELS = {"slide": "slide", "single": "1 column", "double": "2 columns"}


def export_options() -> html.Details:
    """"Export options" beside Download all: a small panel that opens over the page (it takes no room in the
    control column) with two radio groups, "Export size" and "CSV layout"; and the export's stores and download."""
    return html.Details(className="export-options", children=[
        html.Summary("Export options", className="button", title="Size and style of the PNG/SVG images, layout of "
                     "the CSV files"),
        html.Div(className="export-panel", children=[export_choices()]),
        dcc.Store(id=ID.EXPORT_SPEC, data=export_spec()),
        dcc.Store(id=ID.EXPORT_IMAGES, storage_type="memory"),
        dcc.Download(id=ID.DOWNLOAD_BUNDLE),
    ])


def export_choices() -> html.Div:
    """The two radio groups."""
    return html.Div(className="export-choices", children=[
        html.Fieldset(className="export-choice", children=[
            html.Legend("Export size", title="Size, fonts and line widths of the PNG/SVG buttons, the plot "
                        "toolbar's camera and the images in Download all"),
            dcc.RadioItems(
                id=ID.EXPORT_STYLE, value=DEFAULT_EXPORT_STYLE, inline=True, className="export-radio",
                options=[{"label": SHORT_LABELS.get(name, look.label), "value": name, "title": look.describe()}
                         for name, look in EXPORT_STYLES.items()],
            ),
        ]),
        html.Fieldset(className="export-choice", children=[
            html.Legend("CSV layout", title="long: a row per plotted point; wide: a column per trace (a map as a "
                        "matrix). Download all holds both."),
            dcc.RadioItems(
                id=ID.CSV_LAYOUT, value="long", inline=True, className="export-radio",
                options=[{"label": "long", "value": "long", "title": "a row per plotted point (tidy)"},
                         {"label": "wide", "value": "wide", "title": "a column per trace; a map as a matrix"}],
            ),
        ]),
    ])

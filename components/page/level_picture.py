"""The energy-level picture of the operating point: its card, container and legend text.

The browser draws the picture into ``ID.LEVEL_PICTURE`` (assets/levels.js) from the slider
positions and the payload in ``ID.LEVEL_DATA`` (``components/level_geometry.py``), so it moves
while a slider is dragged; Dash only mounts the empty container and the store, which never
change while dragging (the level schemes of [000] Fig. 3, Eqs. 3-7, and [001] section 3.1).
"""

from __future__ import annotations

from dash import dcc, html

from components.ids import ID

SUMMARY = ("Arrows are the photons of each process at this operating point; an arrow's thickness is that "
           "process's share of the spectra above.")
LEGEND = (
    "A configuration-coordinate picture: the ground state G, the absorbing exciton X_A, the emitting "
    "fine-structure state X_E (Δ_FS below X_A) and the biexciton XX, each a parabola over the lattice "
    "coordinate, displaced by the lattice so that relaxation costs λ on either side: Δ_SS = Δ_FS + 2λ "
    "([000] Eqs. 3–7). Large η: no displacement, a three-level system; small η: displaced parabolas, a "
    "four-level system. Vertical arrows are the photons of absorption (E_A), stimulated emission "
    "(E_A − Δ_SS), ESA into the biexciton (E_A − χΔ_SS, [000] Eq. 6) and biexciton emission "
    "(E_A − Δ_SS − Δ_XX). Weight = the area of that part of the spectra at this ⟨N⟩ and ⟨n_1S(e)⟩ in units "
    "of the linear absorption's area (the pump's exciton statistics and the chosen counting scheme, "
    "[002] eqs. S1–S6); the thickness is 7 px per unit weight. The energy axis is broken between the "
    "floors; the scale bar holds within one."
)


def level_picture_card() -> html.Section:
    """The card under the operating point: the picture's container (filled in the browser), its store and legend.

    The container's two children (the SVG and the table the browser writes) and the legend share one
    grid (assets/style.css): picture on the left, table and legend on the right, stacked on phones.
    """
    return html.Section(className="card level-card", children=[
        html.Header(className="card-head", children=[
            html.H3("Energy levels"),
            html.Span("level schemes of [000] Fig. 3 and [001] §3.1", className="reproduces"),
        ]),
        dcc.Store(id=ID.LEVEL_DATA, storage_type="memory"),
        html.Div(className="level-body", children=[
            html.Div(id=ID.LEVEL_PICTURE, className="level-picture"),
            html.Div(className="level-notes", children=[
                html.P(SUMMARY, className="caption"),
                html.Details(className="readout-notes", children=[html.Summary("How to read the picture"),
                                                                  html.P(LEGEND)]),
            ]),
        ]),
    ])

"""A paper figure on the dashboard: its link, the paper's values over its panel, the comparison under it, the
Paper figures view, and the energy unit / figure view settings in the URL and the store."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from dash import html

from components.callbacks import figure_tabs
from components.callbacks.gallery import figure_banner, gallery_content, gallery_thumbnail
from components.page.gallery import figure_link, figure_state, gallery_view
from components.page.layout import GALLERY_TAB
from components.panels import PANEL_BY_ID, TAB_OF_PANEL
from components.paper_overlay import paper_note, shown_figure
from components.state import AppState, ViewState, coerce_view, default_state, state_from_store, state_to_store
from components.url_state import parse_query, to_query
from qdgain_core.paper_figures import FIGURES


@pytest.mark.parametrize("figure_id", list(FIGURES))
def test_a_figure_link_restores_its_state(figure_id):
    paper = FIGURES[figure_id]
    link = figure_link(paper)
    parts = urlsplit(link)
    assert parts.fragment == TAB_OF_PANEL[paper.panel]
    state, notices = parse_query(parts.query)
    assert notices == []
    assert state == figure_state(paper)
    assert state.view.figure == figure_id and state.view.preset == paper.preset
    assert to_query(state) == "?" + parts.query


@pytest.mark.parametrize("figure_id", list(FIGURES))
def test_the_paper_values_are_drawn_over_the_figure_panel_only(figure_id):
    paper = FIGURES[figure_id]
    state = figure_state(paper)
    drawn = PANEL_BY_ID[paper.panel].draw(state)
    plain = PANEL_BY_ID[paper.panel].build(state)
    added = [trace for trace in drawn.data if str(trace.name).startswith("paper:")]
    assert len(drawn.data) == len(plain.data) + len(added)
    assert len(added) == len(paper.overlay_points())
    for trace, (point, draw, x) in zip(added, paper.overlay_points(), strict=True):
        values = trace.y if draw in ("points", "hline") else trace.x
        assert [float(v) for v in values] == pytest.approx([point.y_value] * len(values), rel=1e-6)
        assert point.citation in trace.customdata[0][1]
        if draw == "points":
            assert float(trace.x[0]) == pytest.approx(x, rel=1e-6)
            assert (trace.error_y.array is not None) == bool(point.y_err)
    other = next(panel_id for panel_id in PANEL_BY_ID if panel_id != paper.panel)
    assert shown_figure(other, state) is None and paper_note(other, state) == ""


def test_the_comparison_under_the_panel_names_paper_and_model():
    state = figure_state(FIGURES["002-fig5b"])
    note = paper_note("doping_threshold", state)
    text = str(note)
    assert "[002] Fig. 5b" in text and "0.80" in text and "1.04" in text and "deviation" in text


def test_the_tab_callback_sends_the_comparison_with_the_figures():
    state = figure_state(FIGURES["002-fig5b"])
    revision = {"params": state.params.as_dict()}
    commit = {"numbers": {}, "revision": revision, "map_points": 15, "hold": None,
              "view": {"energy_unit": None, "figure": "002-fig5b"}}
    out = figure_tabs.tab_callback("doping")(commit)
    panels = list(figure_tabs.TAB_PANELS["doping"])
    notes = out["paper_notes"]
    assert notes[panels.index("doping_threshold")] != ""
    assert all(note == "" for i, note in enumerate(notes) if panels[i] != "doping_threshold")


@pytest.mark.parametrize(("query", "unit", "figure"), [
    ("?energy_unit=nm", "nm", None), ("?energy_unit=eV&figure=002-fig5b", "eV", "002-fig5b"),
    ("?figure=000-fig4a", "meV", "000-fig4a"),
])
def test_view_settings_round_trip_through_the_url_and_the_store(query, unit, figure):
    state, notices = parse_query(query)
    assert notices == [] and (state.view.energy_unit, state.view.figure) == (unit, figure)
    assert to_query(state) == query
    restored, store_notices = state_from_store(state_to_store(state, query))
    assert restored == state and store_notices == []


@pytest.mark.parametrize(("query", "field"), [("?energy_unit=furlongs", "energy unit"),
                                              ("?figure=999-fig1", "paper figure"),
                                              ("?figure=" + "x" * 300, "paper figure")])
def test_bad_view_settings_fall_back_with_a_notice(query, field):
    state, notices = parse_query(query)
    assert (state.view.energy_unit, state.view.figure) == ("meV", None)
    assert len(notices) == 1 and notices[0].startswith(field)


@pytest.mark.parametrize("raw", [{"energy_unit": 3}, {"energy_unit": ["nm"]}, {"figure": {"a": 1}}, {"figure": 7}])
def test_hostile_store_values_are_dropped(raw):
    view, notices = coerce_view(raw, {})
    assert (view.energy_unit, view.figure) == ("meV", None) and notices


def test_the_gallery_has_one_card_per_figure_with_its_link():
    view = gallery_view()
    cards = [child for child in view.children[-1].children]
    assert [card.id for card in cards] == [f"gallery-card-{figure_id}" for figure_id in FIGURES]
    links = [node.href for card in cards for node in _walk(card) if isinstance(node, html.A)]
    assert links == [figure_link(figure) for figure in FIGURES.values()]
    assert gallery_content(GALLERY_TAB) is not None and gallery_content("dashboard") is None


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        if hasattr(child, "children") or isinstance(child, html.A):
            yield from _walk(child)


@pytest.mark.parametrize("figure_id", ["000-fig4c", "002-fig5d-e", "004-table2"])
def test_a_thumbnail_is_the_panel_figure_made_small(figure_id):
    figure = gallery_thumbnail({"type": "gallery-thumbnail", "figure": figure_id})
    assert figure["data"] and figure["layout"]["showlegend"] is False
    assert figure["layout"]["height"] <= 240


@pytest.mark.parametrize("component_id", [None, "x", {"figure": "nope"}, {"figure": ["002-fig5b"]}])
def test_a_thumbnail_request_for_no_figure_changes_nothing(component_id):
    from dash.exceptions import PreventUpdate

    with pytest.raises(PreventUpdate):
        gallery_thumbnail(component_id)


def test_the_banner_names_the_figure_or_hides():
    assert figure_banner(None)["hidden"] is True
    assert figure_banner("not-a-figure")["hidden"] is True
    shown = figure_banner("002-fig5b")
    assert shown["hidden"] is False and "[002] Fig. 5b" in str(shown["text"])


def test_default_view_has_no_figure_and_mev():
    assert default_state().view == ViewState() and AppState(default_state().params, ViewState()).view.figure is None


@pytest.mark.parametrize("figure_id", list(FIGURES))
def test_a_card_shows_the_numbers_of_the_reproduction_table(figure_id):
    from qdgain_core.reproduction import claim_row

    card = next(card for card in gallery_view().children[-1].children if card.id == f"gallery-card-{figure_id}")
    text = str(card)
    for key in FIGURES[figure_id].claims:
        claim, _, paper, model, _ = claim_row(key)
        assert claim in text and paper in text and model in text


def test_a_changed_state_says_the_comparison_is_for_the_figure_state():
    state = figure_state(FIGURES["002-fig5b"])
    moved = AppState(state.params.with_updates(n_doped=0.5), state.view)
    assert "now differ" in str(paper_note("doping_threshold", moved))
    assert "now differ" not in str(paper_note("doping_threshold", state))


def test_a_preset_ends_the_paper_figure():
    from components.callbacks.commit import resolve_applied
    from components.ids import ID

    state = figure_state(FIGURES["002-fig5b"])
    store = state_to_store(state, to_query(state))
    resolution = resolve_applied({ID.PRESET}, None, "cdse_core", 31, None, store)
    assert resolution.state.view.figure is None and resolution.state.view.preset == "cdse_core"


def test_the_wavelength_figure_opens_in_nm():
    state = figure_state(FIGURES["002-fig5d-e"])
    assert state.view.energy_unit == "nm"
    figure = PANEL_BY_ID["wavelength_threshold"].draw(state)
    assert "nm" in figure.layout.xaxis.title.text

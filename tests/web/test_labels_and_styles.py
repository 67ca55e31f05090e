"""Labels, slider marks, the spectra's energy window, peak labels and line styles (pure, no browser)."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from dash import html

from components import computed, fields
from components.figures.common import (
    LABEL_LEADER_PX,
    LABEL_ROW_PX,
    LINE_STYLES,
    NARROWEST_PLOT_PX,
    OKABE_ITO,
    label_rows,
    label_width_px,
)
from components.figures.spectra import MARKED_LINES, TOP_MARGIN_PX, energy_window, spectra_figure
from components.page.controls import HOLD_LABELS, main_control, rendered_label
from components.panels import PANEL_BY_ID, PANELS
from components.presets import PRESET_CHOICES
from components.state import AppState, ViewState, canonical, default_state

DEFAULTS = default_state().params
PRESET_PARAMS = {name: canonical(preset.params) for name, preset in PRESET_CHOICES.items()}


# --- control labels ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, pieces", [
    ("Biexciton proximity χ = Δ_XX^A/Δ_SS",
     (("text", "Biexciton proximity χ = Δ"), ("sub", "XX"), ("sup", "A"), ("text", "/Δ"), ("sub", "SS"))),
    ("Doping ⟨n_1S(e)⟩", (("text", "Doping ⟨n"), ("sub", "1S(e)"), ("text", "⟩"))),
    ("Lattice parameter η = Δ_FS/Δ_ph", (("text", "Lattice parameter η = Δ"), ("sub", "FS"), ("text", "/Δ"),
                                         ("sub", "ph"))),
    ("π-pulse fluence J_π", (("text", "π-pulse fluence J"), ("sub", "π"))),
    ("E_{A,peak}", (("text", "E"), ("sub", "A,peak"))),
    ("Excitation ⟨N⟩", (("text", "Excitation ⟨N⟩"),)),
])
def test_label_markup_becomes_sub_and_superscripts(text, pieces):
    assert fields.markup_pieces(text) == pieces


def test_no_label_shows_markup_characters():
    texts = [fields.label(name) for name in fields.LABELS] + [fields.check_text(name) for name in fields.CHECK_TEXT]
    texts += list(HOLD_LABELS.values())
    for text in texts:
        pieces = fields.markup_pieces(text)
        shown = "".join(piece for _, piece in pieces)
        assert "_" not in shown and "^" not in shown, text
        assert ("_" in text) == any(kind == "sub" for kind, _ in pieces), text


def test_rendered_labels_are_html_sub_and_sup():
    chi = rendered_label("chi")
    assert [type(part).__name__ if not isinstance(part, str) else "str" for part in chi] == [
        "str", "Sub", "Sup", "str", "Sub"]
    assert isinstance(rendered_label("n_doped")[1], html.Sub) and rendered_label("n_doped")[1].children == "1S(e)"
    assert rendered_label("n_avg") == ["Excitation ⟨N⟩"]


def test_main_controls_carry_what_the_slider_announces():
    control = main_control("eta", 0.3)
    data = {key: value for key, value in control.to_plotly_json()["props"].items() if key.startswith("data-")}
    assert data == {"data-field": "eta", "data-label": fields.label("eta"), "data-symbol": "η", "data-unit": "",
                    "data-log": "true", "data-decimals": "2"}
    stokes = main_control("stokes_mev", 20.0).to_plotly_json()["props"]
    assert (stokes["data-symbol"], stokes["data-unit"], stokes["data-log"]) == ("Δ_SS", "meV", "false")
    for name in fields.MAIN_FIELDS:
        assert fields.symbol(name) in fields.label(name)


# --- slider marks ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", fields.MAIN_FIELDS)
def test_slider_marks_are_round_values_including_the_ends(name):
    scale = fields.slider_scale(name)
    marks = fields.slider_marks(name)
    positions = sorted(marks)
    assert 3 <= len(marks) <= fields.MAX_MARKS
    assert math.isclose(positions[0], scale.minimum) and math.isclose(positions[-1], scale.maximum)
    values = [10.0 ** p if scale.log else p for p in positions]
    if scale.log:
        assert all(math.isclose(math.log10(v), round(math.log10(v)), abs_tol=1e-9) for v in values)  # decades
    else:
        step = positions[1] - positions[0]
        mantissa = step / 10.0 ** math.floor(math.log10(step))
        assert any(math.isclose(mantissa, m) for m in fields.MARK_STEPS), step
        assert all(math.isclose(v / step, round(v / step), abs_tol=1e-9) for v in values)
    for value, text in zip(values, (marks[p] for p in positions), strict=True):
        assert "-" not in text and (text.startswith(fields.MINUS) == (value < 0)), text
        assert math.isclose(float(text.replace(fields.MINUS, "-")), value, rel_tol=1e-9, abs_tol=1e-12)


def test_mark_steps():
    assert fields.mark_step(-2, 3) == 1.0
    assert fields.mark_step(-150, 150) == 50.0
    assert fields.mark_step(0, 120) == 20.0
    assert fields.mark_step(0, 2) == 0.5
    assert fields.mark_step(0, 25) == 5.0
    assert fields.slider_marks("xx_binding_mev")[-150.0] == "−150"


# --- the spectra's energy window -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["defaults", *sorted(PRESET_PARAMS)])
def test_the_spectra_open_on_the_lines(name):
    params = DEFAULTS if name == "defaults" else PRESET_PARAMS[name]
    spectra = computed.spectra(params)
    figure = spectra_figure(spectra)
    low, high = figure.layout.xaxis.range
    assert figure.layout.xaxis.autorange is False
    grid = float(spectra.energy_mev[0]), float(spectra.energy_mev[-1])
    assert grid[0] <= low < high <= grid[1]
    lines = [getattr(spectra.geometry, attr) for attr, _ in MARKED_LINES]
    assert low < min(lines) and max(lines) < high
    for trace in figure.data:  # no curve is cut where it matters
        y = np.abs(np.asarray(trace.y, dtype=float))
        x = np.asarray(trace.x, dtype=float)
        assert np.all((x[y > 0.05 * np.nanmax(y)] >= low) & (x[y > 0.05 * np.nanmax(y)] <= high)), trace.name
    assert (low, high) == pytest.approx(energy_window(spectra))
    cross_sections = PANEL_BY_ID["cross_sections"].build(AppState(params, ViewState()))
    assert tuple(cross_sections.layout.xaxis.range) == pytest.approx((low, high))


def test_the_default_spectra_show_where_everything_happens():
    spectra = computed.spectra(DEFAULTS)
    low, high = spectra_figure(spectra).layout.xaxis.range
    grid_span = float(spectra.energy_mev[-1] - spectra.energy_mev[0])
    assert 2000 <= low <= 2035 and 2150 <= high <= 2175, (low, high)
    assert high - low < 0.5 * grid_span


def test_the_captions_say_how_to_see_the_whole_grid():
    for panel_id in ("spectra", "cross_sections"):
        assert "Autoscale" in PANEL_BY_ID[panel_id].caption and "double-click" in PANEL_BY_ID[panel_id].caption


# --- peak labels ---------------------------------------------------------------------------------------------

def label_boxes(figure) -> list[tuple[str, int, float, float]]:
    """(text, row, left px, right px) of each line label at the narrowest plot width the page draws."""
    low, high = figure.layout.xaxis.range
    per_mev = NARROWEST_PLOT_PX / (high - low)
    boxes = []
    for shape in figure.layout.shapes:
        if shape.name != "line label":
            continue
        assert shape.ysizemode == "pixel" and shape.y0 == 0, "leaders are sized in pixels from the plot's top"
        row = round((shape.y1 - LABEL_LEADER_PX) / LABEL_ROW_PX)
        centre = (shape.x0 - low) * per_mev
        half = label_width_px(shape.label.text) / 2
        boxes.append((shape.label.text, row, centre - half, centre + half))
    return boxes


def assert_no_overprint(figure) -> None:
    boxes = label_boxes(figure)
    assert sorted(text for text, *_ in boxes) == sorted(text for _, text in MARKED_LINES)
    for i, (text, row, left, right) in enumerate(boxes):
        for other, other_row, other_left, other_right in boxes[i + 1:]:
            if row == other_row:
                assert right <= other_left or other_right <= left, (text, other, boxes)
    rows = max(row for _, row, *_ in boxes) + 1
    assert figure.layout.margin.t >= TOP_MARGIN_PX + LABEL_ROW_PX * (rows - 1)  # room above the plot


CASES = {
    "defaults (SE and ESA coincide)": DEFAULTS,
    **{f"chi = {chi}": dataclasses.replace(DEFAULTS, chi=chi) for chi in (-2.0, -0.5, 0.0, 0.5, 0.9, 1.1, 2.0, 3.0)},
    **{f"Δ_XX = {xx}": dataclasses.replace(DEFAULTS, xx_binding_mev=xx) for xx in (-150.0, -20.0, 0.0, 5.0, 150.0)},
    "Δ_SS = 0": dataclasses.replace(DEFAULTS, stokes_mev=0.0),
    "Δ_SS = 3": dataclasses.replace(DEFAULTS, stokes_mev=3.0),
    **PRESET_PARAMS,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_peak_labels_never_overprint(case):
    assert_no_overprint(spectra_figure(computed.spectra(CASES[case])))


def test_label_rows():
    assert label_rows([2080.0, 2080.0, 2080.0, 2080.0], ["A", "SE", "ESA", "XX"], (2000.0, 2200.0)) == [0, 1, 2, 3]
    assert label_rows([2000.0, 2100.0, 2200.0], ["A", "SE", "XX"], (1990.0, 2210.0)) == [0, 0, 0]
    # ESA and SE 2 meV apart on a 140 meV axis overlap at 250 px; A 20 meV away does not
    assert label_rows([2080.0, 2082.0, 2100.0], ["SE", "ESA", "A"], (2020.0, 2160.0)) == [0, 1, 0]


# --- lines readable without colour ---------------------------------------------------------------------------

def line_signature(trace) -> tuple:
    marker = trace.marker.symbol if "markers" in (trace.mode or "") else None
    return trace.line.dash or "solid", trace.line.width, marker


@pytest.mark.parametrize("state_name", ["defaults", "cdse_core"])
def test_every_line_plot_tells_its_lines_apart_without_colour(state_name):
    params = DEFAULTS if state_name == "defaults" else PRESET_PARAMS[state_name]
    state = AppState(params, ViewState(15, None))
    for panel in PANELS:
        figure = panel.build(state)
        lines = [trace for trace in figure.data
                 if trace.type == "scatter" and "lines" in (trace.mode or "") and trace.x is not None
                 and np.isfinite(np.asarray(trace.x, dtype=float)).any()]
        signatures = [line_signature(trace) for trace in lines]
        assert len(set(signatures)) == len(signatures), (panel.id, signatures)


def luminance(color: str) -> float:
    if color.startswith("#"):
        rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    else:
        rgb = [float(v) for v in re.findall(r"[\d.]+", color)[:3]]
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def test_the_ase_spectra_ramp_in_lightness_and_width():
    figure = PANEL_BY_ID["ase_spectra"].build(AppState(DEFAULTS, ViewState()))
    lightness = [luminance(trace.line.color) for trace in figure.data]
    widths = [trace.line.width for trace in figure.data]
    assert lightness == sorted(lightness) and len(set(lightness)) == len(lightness)
    assert widths == sorted(widths) and len(set(widths)) == len(widths)


def test_line_colours_are_colour_blind_safe():
    palette = {value.lower() for value in OKABE_ITO.values()}
    for name, style in LINE_STYLES.items():
        color = style.color.lower()
        r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
        assert color in palette or max(r, g, b) - min(r, g, b) < 40, (name, color)  # Okabe–Ito or a grey
    spectra = spectra_figure(computed.spectra(DEFAULTS))
    se, esa = (next(t for t in spectra.data if t.name.startswith(prefix)) for prefix in ("Stimulated", "Excited"))
    assert se.line.dash != esa.line.dash  # not red against green only


def test_the_scheme_comparison_keeps_the_plot_wide():
    figure = PANEL_BY_ID["ase_schemes"].build(AppState(DEFAULTS, ViewState()))
    assert figure.layout.legend.orientation in (None, "h") and (figure.layout.margin.r or 0) < 100
    symbols = {trace.name.split(":")[0]: trace.marker.symbol for trace in figure.data}
    assert symbols["2LS"] != symbols["3LS"] != symbols["4LS"] != symbols["2LS"]

"""The view's energy unit: every energy axis, hover, marker line and CSV column follow it; the physics does not."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

import components.energy_units as energy_units
from components.energy_units import (
    DEFAULT_ENERGY_UNIT,
    ENERGY_AXES,
    ENERGY_UNITS,
    PLANCK_MEV_NM,
    energy_axis,
    range_to_unit,
    scalar_to_unit,
    to_unit,
)
from components.export import ascii_text, panel_csv
from components.figures.common import as_plot_array
from components.panels import PANEL_BY_ID
from components.state import AppState, ViewState, canonical, default_state
from qdgain_core import GainParams
from qdgain_core.constants import PLANCK_EV_NM

ENERGY_PANELS = ("spectra", "cross_sections", "se_map", "ase_spectra")
OTHER_UNITS = tuple(unit for unit in ENERGY_UNITS if unit != DEFAULT_ENERGY_UNIT)
PARAMS = canonical(GainParams())
FLOAT32 = 1e-6  # relative: two float32 roundings (the figure's and the reference's)


def state(unit: str) -> AppState:
    return AppState(PARAMS, ViewState(energy_unit=unit))


@pytest.fixture(scope="module")
def built():
    """{(panel, unit): figure} for every energy panel and unit."""
    return {(panel_id, unit): PANEL_BY_ID[panel_id].build(state(unit))
            for panel_id in ENERGY_PANELS for unit in ENERGY_UNITS}


def vertical_shapes(figure: go.Figure) -> list:
    return [shape for shape in figure.layout.shapes if shape.xref == "x"]


def converted(values, unit: str) -> np.ndarray:
    """The meV build's plotted values (float32) as the ``unit`` build should plot them."""
    return as_plot_array(to_unit(np.asarray(values, dtype=np.float64), unit)).astype(np.float64)


# --- the table and the conversions ---------------------------------------------------------------------------

def test_every_unit_has_one_axis():
    assert tuple(ENERGY_AXES) == ENERGY_UNITS
    for unit, axis in ENERGY_AXES.items():
        assert axis.title.endswith(f"({unit})"), axis.title
        assert "%{x" in axis.hover_x and axis.hover_x.endswith(f" {unit}"), axis.hover_x
    assert ENERGY_AXES["nm"].title.startswith("Wavelength")
    assert ENERGY_AXES["eV"].title.startswith("Photon energy") and ENERGY_AXES["meV"].title.startswith("Photon energy")


def test_a_unit_without_an_axis_fails_at_import():
    source = Path(energy_units.__file__).read_text()
    assert 'ENERGY_UNITS: tuple[str, ...] = ("meV", "eV", "nm")' in source
    broken = source.replace('("meV", "eV", "nm")', '("meV", "eV", "nm", "cm-1")')
    module = types.ModuleType("energy_units_broken")
    sys.modules[module.__name__] = module  # dataclasses look their module up while the class is made
    try:
        with pytest.raises(RuntimeError, match="cm-1"):
            exec(compile(broken, module.__name__, "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]


def test_an_unknown_unit_is_refused():
    with pytest.raises(KeyError, match="furlong"):
        to_unit(np.array([2000.0]), "furlong")
    with pytest.raises(KeyError):
        energy_axis("J")


def test_known_values():
    assert scalar_to_unit(2000.0, "meV") == 2000.0
    assert scalar_to_unit(2000.0, "eV") == pytest.approx(2.0)
    assert scalar_to_unit(2000.0, "nm") == pytest.approx(PLANCK_EV_NM / 2.0)
    assert pytest.approx(PLANCK_EV_NM * 1000) == PLANCK_MEV_NM
    assert np.isnan(scalar_to_unit(0.0, "nm")) and np.isnan(scalar_to_unit(-5.0, "nm"))
    assert np.isnan(scalar_to_unit(float("nan"), "eV"))


@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_round_trip_of_arrays(unit):
    energy = np.linspace(1500.0, 2600.0, 257)
    shown = to_unit(energy, unit)
    assert shown.shape == energy.shape
    # meV: the values themselves; eV: a thousandth; nm = hc/E is its own inverse (hc/(hc/E) = E)
    back = {"meV": shown, "eV": shown * 1e3, "nm": to_unit(shown, "nm")}[unit]
    np.testing.assert_allclose(back, energy, rtol=1e-13)


def test_nm_reverses_the_order_of_energies():
    energy = np.linspace(1800.0, 2200.0, 11)
    assert np.all(np.diff(to_unit(energy, "nm")) < 0)
    assert np.all(np.diff(to_unit(energy, "eV")) > 0)


@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_ranges_are_sorted(unit):
    low, high = range_to_unit((2000.0, 2100.0), unit)
    assert low < high
    assert sorted([scalar_to_unit(2000.0, unit), scalar_to_unit(2100.0, unit)]) == pytest.approx([low, high])
    assert range_to_unit((2000.0, 2100.0), "nm") == pytest.approx((PLANCK_EV_NM / 2.1, PLANCK_EV_NM / 2.0))


# --- the figures ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("panel_id", ENERGY_PANELS)
@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_axis_title_names_the_unit(built, panel_id, unit):
    figure = built[panel_id, unit]
    title = figure.layout.xaxis.title.text
    assert title == ENERGY_AXES[unit].title and title.endswith(f"({unit})")
    if unit != "meV":
        titles = [figure.layout.xaxis.title.text, figure.layout.yaxis.title.text]
        titles += [trace.colorbar.title.text or "" for trace in figure.data if trace.type in ("heatmap", "contour")]
        assert not any("meV" in text for text in titles), titles


@pytest.mark.parametrize("panel_id", ENERGY_PANELS)
@pytest.mark.parametrize("unit", OTHER_UNITS)
def test_x_values_are_the_converted_mev_values(built, panel_id, unit):
    reference, figure = built[panel_id, "meV"], built[panel_id, unit]
    assert len(reference.data) == len(figure.data)
    for before, after in zip(reference.data, figure.data, strict=True):
        assert before.name == after.name
        np.testing.assert_allclose(np.asarray(after.x, dtype=float), converted(before.x, unit), rtol=FLOAT32,
                                   equal_nan=True, err_msg=f"{panel_id}: {after.name}")
        for key in ("y", "z"):  # the physics is unchanged
            if getattr(before, key, None) is not None:
                np.testing.assert_array_equal(np.asarray(after[key], dtype=float), np.asarray(before[key], dtype=float))


@pytest.mark.parametrize("panel_id", ENERGY_PANELS)
@pytest.mark.parametrize("unit", OTHER_UNITS)
def test_marker_lines_move_with_the_axis(built, panel_id, unit):
    reference, figure = vertical_shapes(built[panel_id, "meV"]), vertical_shapes(built[panel_id, unit])
    assert len(reference) == len(figure)
    for before, after in zip(reference, figure, strict=True):
        assert after.x0 == pytest.approx(scalar_to_unit(before.x0, unit), rel=1e-9)
        assert after.x1 == pytest.approx(scalar_to_unit(before.x1, unit), rel=1e-9)
        assert (after.label.text if after.label else None) == (before.label.text if before.label else None)
    paper = [shape for shape in built[panel_id, unit].layout.shapes if shape.xref == "paper"]
    assert paper == [shape for shape in built[panel_id, "meV"].layout.shapes if shape.xref == "paper"]


@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_the_spectra_label_every_marked_line(built, unit):
    labels = [shape.label.text for shape in vertical_shapes(built["spectra", unit]) if shape.label and
              shape.label.text]
    assert labels == ["A", "SE", "ESA", "XX"]


@pytest.mark.parametrize("panel_id", ENERGY_PANELS)
@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_hover_names_the_unit(built, panel_id, unit):
    templates = [trace.hovertemplate for trace in built[panel_id, unit].data if trace.hoverinfo != "skip"]
    assert templates, panel_id
    for template in templates:
        assert template.startswith(ENERGY_AXES[unit].hover_x), template
        if unit != "meV":
            assert "meV" not in template, template


@pytest.mark.parametrize("panel_id", ("spectra", "cross_sections"))
@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_the_opening_range_is_the_converted_window(built, panel_id, unit):
    low, high = built[panel_id, unit].layout.xaxis.range
    assert low < high
    assert built[panel_id, unit].layout.xaxis.autorange is False
    expected = range_to_unit(tuple(built[panel_id, "meV"].layout.xaxis.range), unit)
    assert (low, high) == pytest.approx(expected, rel=1e-9)
    for shape in vertical_shapes(built[panel_id, unit]):  # the marked lines are on the opening view
        assert low < shape.x0 < high


@pytest.mark.parametrize("panel_id", ENERGY_PANELS)
def test_a_new_unit_resets_the_zoom(built, panel_id):
    revisions = {built[panel_id, unit].layout.uirevision for unit in ENERGY_UNITS}
    assert len(revisions) == len(ENERGY_UNITS) and all(revisions)
    assert PANEL_BY_ID[panel_id].build(state("nm")).layout.uirevision == built[panel_id, "nm"].layout.uirevision


@pytest.mark.parametrize("panel_id", ENERGY_PANELS)
@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_figures_pass_full_plotly_validation(built, panel_id, unit):
    go.Figure(built[panel_id, unit].to_dict())  # raises ValueError on any invalid property


@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_wavelength_heatmap_is_not_smoothed_as_an_even_grid(built, unit):
    heatmap = next(trace for trace in built["se_map", unit].data if trace.type == "heatmap")
    assert heatmap.zsmooth == (False if unit == "nm" else "fast")


def test_other_panels_do_not_depend_on_the_unit():
    for panel_id in ("dynamics_astar", "ase_output", "phase_nth"):
        if panel_id not in PANEL_BY_ID:
            continue
        meV, nm = (PANEL_BY_ID[panel_id].build(state(unit)).to_plotly_json() for unit in ("meV", "nm"))
        assert meV["layout"] == nm["layout"], panel_id


@pytest.mark.parametrize("unit", ENERGY_UNITS)
def test_csv_columns_follow_the_unit(unit):
    header = next(line for line in panel_csv(state(unit), PANEL_BY_ID["spectra"]).splitlines()
                  if not line.startswith("#"))
    assert ascii_text(ENERGY_AXES[unit].title) in header  # the CSV is plain ASCII: "Wavelength lambda (nm)"
    assert ("meV" in header) == (unit == "meV")


def test_the_default_view_is_mev():
    assert default_state().view.energy_unit == DEFAULT_ENERGY_UNIT == "meV"

"""CSV export holds exactly the plotted data, with units and the parameters in its header."""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile

import numpy as np
import pytest

from components.export import bundle_zip, figure_csv, plain
from components.panels import PANEL_BY_ID, PANELS
from components.presets import PRESET_CHOICES
from components.state import AppState, ViewState, canonical, default_state
from qdgain_core import FIELD_SPECS, __version__

STATE = default_state()


def parse_csv(text: str) -> tuple[list[str], list[str], list[list[str]]]:
    comments = [line for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO(body)))
    return comments, rows[0], rows[1:]


def as_floats(values) -> np.ndarray:
    return np.array([math.nan if v == "" else float(v) for v in values])


def figure_points(trace) -> dict[str, np.ndarray]:
    """x, y (and z flattened in CSV order) of one plotted trace."""
    x = np.asarray(trace.x, dtype=float)
    y = np.asarray(trace.y, dtype=float)
    if trace.type in ("heatmap", "contour"):
        z = np.asarray(trace.z, dtype=float)
        xx, yy = np.meshgrid(x, y)
        return {"x": xx.ravel(), "y": yy.ravel(), "z": z.ravel()}
    drawn = np.isfinite(x) | np.isfinite(y)
    return {"x": x[drawn], "y": y[drawn]}


@pytest.mark.parametrize("panel_id", [panel.id for panel in PANELS])
def test_csv_equals_figure_data(panel_id):
    panel = PANEL_BY_ID[panel_id]
    figure = panel.build(STATE)
    comments, header, rows = parse_csv(figure_csv(figure, STATE, panel))
    assert header[0] == "trace" and header[-1] == "label"
    has_z = any(trace.type in ("heatmap", "contour") for trace in figure.data)
    secondary = {trace.yaxis for trace in figure.data if trace.yaxis not in (None, "y")}
    columns = {axis: header.index(plain(figure.layout[f"yaxis{axis[1:]}"].title.text)) for axis in secondary}
    assert len(header) == 4 + has_z + len(secondary)
    for trace in figure.data:
        mine = [row for row in rows if row[0] == plain(trace.name)]
        expected = figure_points(trace)
        assert len(mine) == len(expected["x"]), (panel_id, trace.name)
        np.testing.assert_allclose(as_floats(r[1] for r in mine), expected["x"], rtol=1e-7, equal_nan=True)
        column = columns.get(trace.yaxis, 2)
        np.testing.assert_allclose(as_floats(r[column] for r in mine), expected["y"], rtol=1e-7, equal_nan=True)
        if "z" in expected:
            assert has_z
            np.testing.assert_allclose(as_floats(r[3] for r in mine), expected["z"], rtol=1e-7, equal_nan=True)
    assert sum(len(figure_points(t)["x"]) for t in figure.data) == len(rows)


@pytest.mark.parametrize("panel_id", ["spectra", "phase_nth", "ase_output"])
def test_csv_headers_carry_units_and_parameters(panel_id):
    panel = PANEL_BY_ID[panel_id]
    comments, header, _ = parse_csv(figure_csv(panel.build(STATE), STATE, panel))
    assert comments[0] == f"# qdgain {__version__}"
    assert any(panel.reproduces in line for line in comments)
    assert "# stokes_mev = 20.0 meV" in comments
    assert sum(1 for line in comments if " = " in line) >= len(FIELD_SPECS)
    for column in header[1:3]:
        assert column.endswith(")") and "(" in column, column


@pytest.mark.parametrize("panel_id", ["cut_nth_eta", "cut_ratio_eta"])
def test_eta_cuts_export_the_stokes_shift_in_its_own_column(panel_id):
    panel = PANEL_BY_ID[panel_id]
    comments, header, rows = parse_csv(figure_csv(panel.build(STATE), STATE, panel))
    assert header[3] == "ΔSS (meV)"
    stokes = [row for row in rows if row[0].startswith("Stokes shift")]
    assert stokes and all(row[2] == "" for row in stokes)
    values = as_floats(row[3] for row in stokes)
    assert (values[np.isfinite(values)] > 0).all() and np.isnan(values).any()  # blank: beyond E_A/2, not computed
    assert "# hold = fine_structure (held fixed along eta in the phase maps and eta cuts)" in comments
    assert "# high_offset_mev = none" in comments  # an empty optional field has no unit


def test_zip_holds_every_csv_and_the_parameters():
    state = AppState(canonical(next(iter(PRESET_CHOICES.values())).params), ViewState(15, next(iter(PRESET_CHOICES))))
    archive = zipfile.ZipFile(io.BytesIO(bundle_zip(state)))
    names = set(archive.namelist())
    assert names == {"parameters.json"} | {f"qdgain_{panel.id}.csv" for panel in PANELS}
    document = json.loads(archive.read("parameters.json"))
    assert document["qdgain_version"] == __version__
    assert document["params"] == state.params.as_dict()
    assert document["view"]["preset"] == state.view.preset
    assert document["query"].startswith("?preset=")

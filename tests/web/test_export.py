"""CSV export holds exactly the plotted data at full precision, in plain ASCII, with units, kinds, labels and
sources and the parameters in its header; the zip checks the browser's images and says how to cite."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
import struct
import time
import zipfile
import zlib
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest

from components import computed
from components.export import (
    CSV_LAYOUTS,
    IMAGE_LIMITS,
    PNG_SIGNATURE,
    ascii_text,
    bundle_zip,
    checked_images,
    csv_name,
    figure_csv,
    image_name,
    panel_csv,
    panel_figure,
    trace_kind,
)
from components.figures.common import (
    EXPORT_STYLES,
    FULL_PRECISION,
    PLOT_PRECISION,
    as_plot_array,
    full_precision,
    plot_precision,
)
from components.panels import PANEL_BY_ID, PANELS
from components.presets import PRESET_CHOICES
from components.state import AppState, ViewState, canonical, default_state
from qdgain_core import FIELD_SPECS, __version__

STATE = default_state()
PANEL_IDS = [panel.id for panel in PANELS]


def parse_csv(text: str) -> tuple[list[str], list[str], list[list[str]]]:
    comments = [line for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO(body)))
    return comments, rows[0], rows[1:]


def as_floats(values) -> np.ndarray:
    return np.array([math.nan if v == "" else float(v) for v in values])


def axis_values(data) -> np.ndarray:
    """Plotted values: floats, or the ASCII names of a categorical axis."""
    try:
        return np.asarray(data, dtype=float)
    except ValueError:
        return np.array([ascii_text(v) for v in data], dtype=object)


def as_written(values, like: np.ndarray) -> np.ndarray:
    return np.array(list(values), dtype=object) if like.dtype == object else as_floats(values)


def drawn_mask(values: np.ndarray) -> np.ndarray:
    return np.array([v != "" for v in values]) if values.dtype == object else np.isfinite(values)


def figure_points(trace) -> dict[str, np.ndarray]:
    """x, y (and z flattened in CSV order) of one plotted trace."""
    x = axis_values(trace.x)
    y = axis_values(trace.y)
    if trace.type in ("heatmap", "contour"):
        z = np.asarray(trace.z, dtype=float)
        xx, yy = np.meshgrid(x, y)
        return {"x": xx.ravel(), "y": yy.ravel(), "z": z.ravel()}
    drawn = drawn_mask(x) | drawn_mask(y)
    return {"x": x[drawn], "y": y[drawn]}


@pytest.fixture(scope="module")
def figures() -> dict[str, go.Figure]:
    """Every panel's export figure (float64) for the default state."""
    return {panel.id: panel_figure(STATE, panel) for panel in PANELS}


# --- long layout: exactly the plotted data, every digit ------------------------------------------------------

@pytest.mark.parametrize("panel_id", PANEL_IDS)
def test_csv_equals_figure_data(panel_id, figures):
    panel, figure = PANEL_BY_ID[panel_id], figures[panel_id]
    _, header, rows = parse_csv(figure_csv(figure, STATE, panel))
    assert header[0] == "trace" and header[-3:] == ["kind", "label", "source"]
    has_z = any(trace.type in ("heatmap", "contour") for trace in figure.data)
    secondary = {trace.yaxis for trace in figure.data if trace.yaxis not in (None, "y")}
    columns = {axis: header.index(ascii_text(figure.layout[f"yaxis{axis[1:]}"].title.text)) for axis in secondary}
    has_errors = any(getattr(t, "error_y", None) and t.error_y.array is not None for t in figure.data)
    assert len(header) == 6 + has_z + len(secondary) + has_errors
    for trace in figure.data:
        mine = [row for row in rows if row[0] == ascii_text(trace.name)]
        expected = figure_points(trace)
        assert len(mine) == len(expected["x"]), (panel_id, trace.name)
        # float64 written as repr: read back, the very same numbers
        np.testing.assert_array_equal(as_written((r[1] for r in mine), expected["x"]), expected["x"])
        column = columns.get(trace.yaxis, 2)
        np.testing.assert_array_equal(as_written((r[column] for r in mine), expected["y"]), expected["y"])
        if "z" in expected:
            assert has_z
            np.testing.assert_array_equal(as_floats(r[3] for r in mine), expected["z"])
    assert sum(len(figure_points(t)["x"]) for t in figure.data) == len(rows)


def test_export_figures_are_float64_and_the_page_stays_float32():
    page = PANEL_BY_ID["spectra"].build(STATE)
    export = panel_figure(STATE, PANEL_BY_ID["spectra"])
    assert page.data[0].x.dtype == np.float32 and export.data[0].x.dtype == np.float64
    assert plot_precision() == PLOT_PRECISION and as_plot_array([1.51]).dtype == np.float32
    with full_precision():
        assert plot_precision() == FULL_PRECISION and as_plot_array([1.51]).dtype == np.float64
    assert plot_precision() == PLOT_PRECISION


def test_measured_values_keep_their_digits():
    _, header, rows = parse_csv(panel_csv(STATE, PANEL_BY_ID["doping_threshold"]))
    measured = [row for row in rows if row[header.index("kind")] == "measured"]
    assert "1.51" in [row[2] for row in measured]  # as printed in [002], not 1.50999999
    assert not any(re.search(r"\d{8,}", row[2]) for row in measured), measured


def test_map_axes_are_written_as_their_float64_repr():
    points = 21
    state = AppState(STATE.params, ViewState(points))
    _, eta = computed.map_axes(points)
    _, _, rows = parse_csv(panel_csv(state, PANEL_BY_ID["phase_nth"]))
    written = {row[2] for row in rows if row[-3] == "model"}
    assert written == {repr(float(value)) for value in eta}
    assert "0.01" in written and not any("0.00999999" in value for value in written)
    _, _, wide_rows = parse_csv(panel_csv(state, PANEL_BY_ID["phase_nth"], "wide"))
    assert [row[0] for row in wide_rows] == [repr(float(value)) for value in eta]


def test_the_float64_copy_has_a_cache_key_of_its_own():
    params = STATE.params
    plotted = computed.ase(params)
    with full_precision():
        full = computed.ase(params)
        dynamics = computed.dynamics(params)
    assert plotted.spectra.dtype == np.float32 and full.spectra.dtype == np.float64
    assert dynamics.a_star.dtype == np.float64 and computed.dynamics(params).a_star.dtype == np.float32
    assert computed._ase.key(params, PLOT_PRECISION) != computed._ase.key(params, FULL_PRECISION)
    assert computed.ase(params).spectra.dtype == np.float32  # the plotted entry was not replaced


# --- plain ASCII ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("χ = Δ<sub>XX</sub><sup>A</sup>/Δ<sub>SS</sub> (dimensionless)", "chi = Delta_XX^A/Delta_SS (dimensionless)"),
    ("⟨N<sub>th</sub>⟩ (excitons/dot)", "<N_th> (excitons/dot)"),
    ("σ<sub>eff</sub>/σ<sub>SE</sub> (dimensionless)", "sigma_eff/sigma_SE (dimensionless)"),
    ("σ_eff = σ_SE − σ_ESA", "sigma_eff = sigma_SE - sigma_ESA"),
    ("Linear absorption OD₀", "Linear absorption OD_0"),
    ("J (mJ/cm²)", "J (mJ/cm^2)"),
    ("rate (ps⁻¹), n (cm⁻³), OD<sub>NL</sub>/max OD₀<br>(relative)",
     "rate (ps^-1), n (cm^-3), OD_NL/max OD_0 (relative)"),
    ("[001] Fig. 8c–f; λ = 2 µm; T ≈ 300 °C", "[001] Fig. 8c-f; lambda = 2 um; T ~ 300 degC"),
])
def test_ascii_text(text, expected):
    assert ascii_text(text) == expected


@pytest.mark.parametrize("layout", CSV_LAYOUTS)
@pytest.mark.parametrize("panel_id", PANEL_IDS)
def test_every_csv_is_ascii_with_plain_headers(panel_id, layout, figures):
    text = figure_csv(figures[panel_id], STATE, PANEL_BY_ID[panel_id], layout)
    assert text.isascii(), [line for line in text.splitlines() if not line.isascii()][:3]
    _, header, _ = parse_csv(text)
    for cell in header:
        assert cell.isascii() and "<sub>" not in cell and "?" not in cell, cell
    if layout == "long":
        for column in header[1:3]:
            assert column.endswith(")") and "(" in column, column


@pytest.mark.parametrize("panel_id", ["spectra", "phase_nth", "ase_output"])
def test_csv_headers_carry_units_and_parameters(panel_id):
    panel = PANEL_BY_ID[panel_id]
    comments, _, _ = parse_csv(panel_csv(STATE, panel))
    assert comments[0] == f"# qdgain {__version__}"
    assert any(ascii_text(panel.reproduces) in line for line in comments)
    assert "# stokes_mev = 20.0 meV" in comments
    assert sum(1 for line in comments if " = " in line) >= len(FIELD_SPECS)


def test_the_phase_map_headers_say_what_they_are():
    _, header, _ = parse_csv(panel_csv(STATE, PANEL_BY_ID["phase_nth"]))
    assert header[1:4] == ["chi = Delta_XX^A/Delta_SS (dimensionless)", "eta = Delta_FS/Delta_ph (dimensionless)",
                           "<N_th> (excitons/dot)"]
    _, header, _ = parse_csv(panel_csv(STATE, PANEL_BY_ID["phase_sigma"]))
    assert header[3] == "sigma_eff/sigma_SE (dimensionless)"


@pytest.mark.parametrize("panel_id", ["cut_nth_eta", "cut_ratio_eta"])
def test_eta_cuts_export_the_stokes_shift_in_its_own_column(panel_id):
    comments, header, rows = parse_csv(panel_csv(STATE, PANEL_BY_ID[panel_id]))
    assert header[3] == "Delta_SS (meV)"
    stokes = [row for row in rows if row[0].startswith("Stokes shift")]
    assert stokes and all(row[2] == "" for row in stokes)
    values = as_floats(row[3] for row in stokes)
    assert (values[np.isfinite(values)] > 0).all() and np.isnan(values).any()  # blank: beyond E_A/2, not computed
    assert "# hold = fine_structure (held fixed along eta in the phase maps and eta cuts)" in comments
    assert "# high_offset_mev = none" in comments  # an empty optional field has no unit


# --- kind, label, source -------------------------------------------------------------------------------------

@pytest.mark.parametrize("panel_id", PANEL_IDS)
def test_every_marker_trace_has_a_kind(panel_id, figures):
    for trace in figures[panel_id].data:
        if trace.type not in ("heatmap", "contour") and not len(figure_points(trace)["x"]):
            continue  # a legend-only key: no rows
        kind = trace_kind(trace)
        assert kind != "points", (panel_id, trace.name)
        markers_only = trace.type == "scatter" and "markers" in (trace.mode or "") and "lines" not in trace.mode
        assert kind in (("model", "operating", "preset", "measured", "paper_model") if markers_only else ("model",)), (
            panel_id, trace.name, kind)


def test_measured_preset_and_operating_rows_carry_names_and_sources():
    _, header, rows = parse_csv(panel_csv(STATE, PANEL_BY_ID["doping_threshold"]))
    kind, label, source = (header.index(name) for name in ("kind", "label", "source"))
    kinds = {row[kind] for row in rows}
    assert {"model", "operating", "measured", "paper_model"} <= kinds
    for row in rows:
        if row[kind] in ("measured", "paper_model"):
            assert row[label] and row[source], row
        if row[kind] == "model":
            assert row[label] == row[source] == ""
    measured = [row for row in rows if row[kind] == "measured"]
    assert any(row[label] == "CdSe/CdS/ZnS film (main batch)" and row[source].startswith("002_") for row in measured)
    error_column = header.index("<N_th> error (excitons/dot)")
    assert any(row[error_column] for row in measured)
    _, header, rows = parse_csv(panel_csv(STATE, PANEL_BY_ID["phase_nth"]))
    presets = [row for row in rows if row[header.index("kind")] == "preset"]
    assert {row[header.index("label")] for row in presets} == {ascii_text(p.label) for p in PRESET_CHOICES.values()}
    assert all(row[header.index("source")] for row in presets)
    assert [row[header.index("label")] for row in rows if row[header.index("kind")] == "operating"] == [
        "operating point"]


# --- wide layout ---------------------------------------------------------------------------------------------

def test_wide_layout_shares_the_x_column_of_traces_drawn_at_the_same_x(figures):
    figure = figures["spectra"]
    _, header, rows = parse_csv(figure_csv(figure, STATE, PANEL_BY_ID["spectra"], "wide"))
    assert header[0] == "Photon energy E (meV)" and len(header) == 1 + len(figure.data)
    assert header[1:] == [f"{ascii_text(t.name)}: OD / max OD_0 (relative)" for t in figure.data]
    assert len(rows) == len(figure.data[0].x) and all(len(row) == len(header) for row in rows)
    np.testing.assert_array_equal(as_floats(r[0] for r in rows), figure.data[0].x)
    for i, trace in enumerate(figure.data, start=1):
        np.testing.assert_array_equal(as_floats(r[i] for r in rows), trace.y)


def test_wide_layout_gives_other_traces_an_x_column_each(figures):
    figure = figures["cut_nth_chi"]
    _, header, rows = parse_csv(figure_csv(figure, STATE, PANEL_BY_ID["cut_nth_chi"], "wide"))
    x_title = "chi = Delta_XX^A/Delta_SS (dimensionless)"
    assert [cell for cell in header if cell.endswith(x_title)] == [
        f"{name}: {x_title}" for name in ("model (window)", "operating point", "measured")]
    measured = header.index(f"measured: {x_title}")
    assert header[measured + 1:measured + 4] == ["measured: <N_th> (excitons/dot)", "measured: label",
                                                 "measured: source"]
    points = [row for row in rows if row[measured]]
    assert len(points) == len(figure.data[2].x) and all(row[measured + 2] and row[measured + 3] for row in points)
    assert len(rows) == max(len(t.x) for t in figure.data)


@pytest.mark.parametrize("panel_id", [p for p in PANEL_IDS if not p.startswith(("phase_", "se_map"))])
def test_wide_and_long_hold_the_same_points(panel_id, figures):
    figure = figures[panel_id]
    _, long_header, long_rows = parse_csv(figure_csv(figure, STATE, PANEL_BY_ID[panel_id]))
    _, header, rows = parse_csv(figure_csv(figure, STATE, PANEL_BY_ID[panel_id], "wide"))
    x_title = long_header[1]
    x_columns = [i for i, cell in enumerate(header) if cell == x_title or cell.endswith(f": {x_title}")]
    for trace in figure.data:
        name = ascii_text(trace.name)
        long_rows_of_trace = [row for row in long_rows if row[0] == name]
        y_title = ascii_text(figure.layout["yaxis" if trace.yaxis in (None, "y") else f"yaxis{trace.yaxis[1:]}"]
                             .title.text)
        if not long_rows_of_trace:
            assert f"{name}: {y_title}" not in header, name
            continue
        y_column = header.index(f"{name}: {y_title}")
        x_column = max(i for i in x_columns if i < y_column)  # the x column of the trace's group
        pairs = [(row[x_column], row[y_column]) for row in rows if row[x_column] != "" or row[y_column] != ""]
        value_column = 2 if trace.yaxis in (None, "y") else long_header.index(y_title)
        assert pairs == [(row[1], row[value_column]) for row in long_rows_of_trace], name


@pytest.mark.parametrize("panel_id", ["phase_nth", "phase_sigma", "se_map"])
def test_wide_layout_of_a_map_is_a_matrix(panel_id, figures):
    figure = figures[panel_id]
    grid = figure.data[0]
    comments, header, rows = parse_csv(figure_csv(figure, STATE, PANEL_BY_ID[panel_id], "wide"))
    assert header[0].startswith("rows: ") and " | columns: " in header[0]
    np.testing.assert_array_equal(as_floats(header[1:]), grid.x)
    np.testing.assert_array_equal(as_floats(r[0] for r in rows), grid.y)
    matrix = np.array([as_floats(r[1:]) for r in rows])
    np.testing.assert_array_equal(matrix, np.asarray(grid.z, dtype=float))
    assert any(line.startswith("# also drawn (in the long layout): ") for line in comments)


# --- images and the zip --------------------------------------------------------------------------------------

def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int) -> bytes:
    """A well-formed grey PNG of width x height pixels."""
    rows = (b"\x00" + b"\x80" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="3.35in" '
       'height="2.6in" viewBox="0 0 335 260"><defs><clipPath id="c"><rect width="9" height="9"/></clipPath></defs>'
       '<g clip-path="url(#c)" style="fill: rgb(0, 0, 0); clip-path: url(\'#c\');"><image '
       'xlink:href="data:image/png;base64,AAAA"/><text>OD</text></g></svg>')
HOSTILE_SVGS = {
    "script": SVG.replace("<text>", "<script>alert(1)</script><text>"),
    "event handler": SVG.replace("<text>", '<text onclick="alert(1)">'),
    "outside link": SVG.replace("data:image/png;base64,AAAA", "https://example.org/x.png"),
    "outside url()": SVG.replace("url(#c)", "url(https://example.org/x)"),
    "foreign object": SVG.replace("<text>", "<foreignObject><p>x</p></foreignObject><text>"),
    "entities": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                 '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'),
    "not svg": '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    "no namespace": "<svg><text>x</text></svg>",
    "not xml": "<svg xmlns='http://www.w3.org/2000/svg'><text>",
    "style import": SVG.replace("<defs>", "<style>@import url(https://example.org/a.css);</style><defs>"),
}
SLIDE = EXPORT_STYLES["slide"].png_size
HOSTILE_PNGS = {
    "no signature": b64(b"GIF89a" + png(*SLIDE)[6:]),
    "wrong size": b64(png(100, 50)),
    "bad crc": b64(png(*SLIDE)[:-5] + b"\x00" + png(*SLIDE)[-4:]),
    "trailing data": b64(png(*SLIDE) + b"<script>"),
    "truncated": b64(png(*SLIDE)[:-12]),
    "not base64": "!!!" + b64(png(*SLIDE)),
    "svg as png": b64(SVG.encode()),
    "huge": "A" * (IMAGE_LIMITS.png_bytes * 4 // 3 + 8),
}


def test_good_images_are_accepted():
    single = EXPORT_STYLES["single"].png_size
    result = checked_images({"style": "single", "images": [
        {"panel": "spectra", "format": "png", "data": b64(png(*single))},
        {"panel": "spectra", "format": "svg", "data": SVG},
    ]})
    assert result.style == "single" and result.left_out == {}
    assert result.accepted == {"images/qdgain_spectra_single.png": png(*single),
                               "images/qdgain_spectra_single.svg": SVG.encode()}


@pytest.mark.parametrize("name", HOSTILE_SVGS)
def test_hostile_svgs_are_rejected(name):
    result = checked_images({"style": "slide", "images": [{"panel": "spectra", "format": "svg",
                                                           "data": HOSTILE_SVGS[name]}]})
    assert result.accepted == {}
    assert result.left_out[image_name("spectra", "svg", "slide")].startswith("rejected: "), name


@pytest.mark.parametrize("name", HOSTILE_PNGS)
def test_hostile_pngs_are_rejected(name):
    result = checked_images({"style": "slide", "images": [{"panel": "spectra", "format": "png",
                                                           "data": HOSTILE_PNGS[name]}]})
    assert result.accepted == {}
    assert result.left_out[image_name("spectra", "png", "slide")].startswith("rejected: "), name


@pytest.mark.parametrize("payload", [None, "garbage", 3, [], {"images": "x"}, {"style": "poster", "images": []},
                                     {"style": "slide", "images": [1, None, {"panel": "nope", "format": "png"},
                                                                   {"panel": "spectra", "format": "gif"},
                                                                   {"panel": "spectra", "format": "png", "data": 5}]},
                                     {"style": {"a": 1}, "images": []}, {"style": ["slide"], "images": []},
                                     {"style": "slide", "images": [{"panel": ["spectra"], "format": "png"},
                                                                   {"panel": {"x": 1}, "format": "svg"},
                                                                   {"panel": "spectra", "format": ["png"]}],
                                      "skipped": [{"panel": ["spectra"], "format": {"f": 1}}, "x", None]}])
def test_unusable_image_payloads_give_no_images(payload):
    assert checked_images(payload).accepted == {}


def test_image_limits_hold():
    big = EXPORT_STYLES["slide"].png_size
    image = b64(png(*big))
    entries = [{"panel": panel_id, "format": "png", "data": image} for panel_id in PANEL_IDS]
    entries += [{"panel": "spectra", "format": "svg", "data": SVG}] * (IMAGE_LIMITS.count + 5)  # duplicates
    result = checked_images({"style": "slide", "images": entries})
    assert len(result.accepted) == len(PANEL_IDS) + 1  # one per panel and format
    noisy = "<svg xmlns='http://www.w3.org/2000/svg'>" + "<g/>" * (IMAGE_LIMITS.svg_bytes // 4) + "</svg>"
    result = checked_images({"style": "slide", "images": [{"panel": "spectra", "format": "svg", "data": noisy}]})
    assert result.left_out == {image_name("spectra", "svg", "slide"): "rejected: larger than the export allows"}
    # the total: SVGs of 1.9 MiB each, accepted until the total would pass the cap
    svg = SVG.replace("<text>OD</text>", "<text>" + "x" * (IMAGE_LIMITS.svg_bytes - len(SVG) - 64) + "</text>")
    result = checked_images({"style": "slide", "images": [{"panel": p, "format": "svg", "data": svg}
                                                          for p in PANEL_IDS]})
    assert len(result.accepted) == IMAGE_LIMITS.total_bytes // len(svg.encode())
    assert sum(map(len, result.accepted.values())) <= IMAGE_LIMITS.total_bytes
    assert IMAGE_LIMITS.request_bytes >= IMAGE_LIMITS.total_bytes * 4 // 3


def zip_of(state: AppState, images=None) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(bundle_zip(state, images=checked_images(images))))


def test_zip_holds_every_csv_the_parameters_and_a_readme():
    state = AppState(canonical(next(iter(PRESET_CHOICES.values())).params), ViewState(15, next(iter(PRESET_CHOICES))))
    archive = zip_of(state)
    names = set(archive.namelist())
    csvs = {csv_name(p, layout) for p in PANEL_IDS for layout in CSV_LAYOUTS}
    assert names == {"README.md", "parameters.json"} | csvs
    document = json.loads(archive.read("parameters.json"))
    assert document["qdgain_version"] == __version__
    assert document["params"] == state.params.as_dict()
    assert document["view"]["preset"] == state.view.preset
    assert document["query"].startswith("?preset=")
    assert archive.read("qdgain_spectra.csv").decode() == panel_csv(state, PANEL_BY_ID["spectra"])
    assert archive.read("qdgain_spectra_wide.csv").decode() == panel_csv(state, PANEL_BY_ID["spectra"], "wide")
    readme = archive.read("README.md").decode()
    assert f"qdgain {__version__}" in readme and document["query"] in readme
    for tag in ("[000]", "[001]", "[002]", "[004]"):
        assert f"* {tag} " in readme
    assert "Zenatti" in readme and "Geuchies" in readme and "Diroll" in readme and "CITATION.cff" in readme
    for panel in PANELS:
        assert f"| {panel.id} | {panel.title} |" in readme
    assert "* included: none" in readme and "not included, its graph was not drawn on the page" in readme


def test_zip_takes_the_checked_images_and_lists_the_rest():
    double = EXPORT_STYLES["double"].png_size
    images = {"style": "double", "images": [
        {"panel": "spectra", "format": "png", "data": b64(png(*double))},
        {"panel": "spectra", "format": "svg", "data": SVG},
        {"panel": "phase_nth", "format": "png", "data": HOSTILE_PNGS["wrong size"]},
        {"panel": "phase_nth", "format": "svg", "data": HOSTILE_SVGS["script"]},
    ], "skipped": [{"panel": "phase_sigma", "format": "png", "reason": "too_large"},
                   {"panel": "phase_sigma", "format": "svg", "reason": "<b>anything</b>"}]}
    archive = zip_of(STATE, images)
    assert archive.read("images/qdgain_spectra_double.png") == png(*double)
    assert archive.read("images/qdgain_spectra_double.svg") == SVG.encode()
    assert archive.getinfo("images/qdgain_spectra_double.png").compress_type == zipfile.ZIP_STORED
    assert not any(name.startswith("images/qdgain_phase") for name in archive.namelist())
    readme = archive.read("README.md").decode()
    assert "* included: `images/qdgain_spectra_double.png`" in readme
    assert re.search(rf"not included, rejected: 100 x 50 px, not the {double[0]} x {double[1]} px of the export "
                     r"size: `images/qdgain_phase_nth_double.png`", readme)
    assert re.search(r"not included, rejected: has a <script> element: `images/qdgain_phase_nth_double.svg`", readme)
    assert "larger than the export allows: `images/qdgain_phase_sigma_double.png`" in readme
    assert "<b>" not in readme and "not rendered: `images/qdgain_phase_sigma_double.svg`" in readme
    assert f"{double[0]} x {double[1]} px at 300 dpi" in readme


def test_zip_build_is_bounded():
    started = time.perf_counter()
    image = b64(png(*SLIDE))
    entries = [{"panel": p, "format": "png", "data": image} for p in PANEL_IDS]
    archive = zip_of(STATE, {"style": "slide", "images": entries})
    assert time.perf_counter() - started < 30
    assert sum(info.file_size for info in archive.infolist()) < 64 * 1024 * 1024


# --- the request that carries the images ---------------------------------------------------------------------

def test_only_the_download_all_request_may_be_large():
    import app
    from components.server.limits import EXPORT_OUTPUT

    client = app.server.test_client()
    junk = "A" * (3 * 1024 * 1024)
    store = {"params": {}, "view": {}}
    bundle = {"output": EXPORT_OUTPUT, "outputs": {"id": EXPORT_OUTPUT.split(".")[0], "property": "data"},
              "inputs": [{"id": "export-images", "property": "data",
                          "value": {"style": "slide", "images": [{"panel": "spectra", "format": "png",
                                                                  "data": junk}]}}],
              "state": [{"id": "state-store", "property": "data", "value": store}],
              "changedPropIds": ["export-images.data"]}
    def post(body: dict) -> Any:
        """As Dash's renderer sends it: the output first (Flask's json= would sort the keys)."""
        return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")

    response = post(bundle)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = response.get_json()["response"][EXPORT_OUTPUT.split(".")[0]]["data"]
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(answer["content"])))
    assert "not included, rejected: not a PNG (no PNG signature): `images/qdgain_spectra_slide.png`" in (
        archive.read("README.md").decode())
    other = dict(bundle, output="download.data", outputs={"id": "download", "property": "data"})
    assert post(other).status_code == 413
    assert client.post("/_dash-update-component", json=bundle).status_code == 413  # output not named first
    huge = dict(bundle)
    huge["inputs"] = [dict(bundle["inputs"][0], value="A" * (IMAGE_LIMITS.request_bytes + 1))]
    assert post(huge).status_code == 413

"""Data files (qdgain_core/data_files.py): every error class with its line, unit conversions,
round trips for every kind, the shipped example files and the 2 MiB time bound.

The example files in qdgain_core/data/examples/ are made by ``example_files()`` below from the
core's own model and the papers' reported numbers; ``python -m tests.core.test_data_files``
writes them again, and a test keeps them equal to what it makes.
"""

from __future__ import annotations

import fnmatch
import math
import sys
import time
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from qdgain_core import GainParams, ase_curve, gain_dynamics, measured_points, nonlinear_absorption
from qdgain_core.constants import PLANCK_MEV_NM
from qdgain_core.data_files import (
    COLUMN_RULES,
    ECHO_CHARS,
    ENERGY_UNITS,
    FILE_LAYOUTS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    MAX_ROWS,
    PREVIEW_ROWS,
    DataFileError,
    dataset_to_csv,
    read_dataset,
    sniff,
)
from qdgain_core.datasets import ARRAY_FIELDS, DATASET_KINDS, Dataset, make_dataset

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = "data/examples"
SPECTRA = "energy_mev,n_avg,od_nl,n_doped\n2000,1.5,0.3,0\n2010,1.5,0.2,0\n2000,3,0.1,0\n"


def _error(content: str | bytes, **kwargs) -> DataFileError:
    kwargs.setdefault("kind", "spectra")
    with pytest.raises(DataFileError) as caught:
        read_dataset(content, name="test", **kwargs)
    return caught.value


def _same(a: Dataset, b: Dataset) -> None:
    assert (a.kind, a.name, getattr(a, "x_name", None)) == (b.kind, b.name, getattr(b, "x_name", None))
    for field in (*ARRAY_FIELDS[a.kind], "sigma"):
        left, right = getattr(a, field), getattr(b, field)
        assert (left is None) == (right is None), field
        if left is not None:
            assert left.tolist() == right.tolist(), field


# ---------------------------------------------------------------- the example files


def _rounded(values) -> list[float]:
    return [float(f"{v:.6g}") for v in np.asarray(values, dtype=float)]


def _plain_csv(kind: str, columns: dict[str, list[float]]) -> str:
    lines = [f"# qdgain {kind}; columns and units: docs/data_formats.md", ",".join(columns)]
    lines += [",".join(map(repr, row)) for row in zip(*columns.values(), strict=True)]
    return "\n".join(lines) + "\n"


def example_files() -> dict[str, str]:
    """File name -> content of every example file: model spectra, ASE and gain lifetimes of the
    presets (noise-free, 6 significant digits) and the [002] thresholds and doping read from
    qdgain_core/data/measured_points.csv."""
    film = GainParams.from_preset("doped_film_002")
    od_max, step = 0.4, 16
    energy, n_avg, od_nl, delta_a = [], [], [], []
    for n in (0.5, 1.5, 3.0):
        spectra = nonlinear_absorption(film, n)
        energy += _rounded(spectra.energy_mev[::step])
        n_avg += [n] * spectra.energy_mev[::step].size
        od_nl += _rounded(od_max * spectra.net[::step])
        delta_a += _rounded(od_max * (spectra.net - spectra.linear_absorption)[::step])
    doped = [film.n_doped] * len(energy)
    linear = nonlinear_absorption(film, 0.0)
    doping_rows = [p for p in measured_points("n_doped", "002_batch2") if p.x_value is not None]
    threshold_rows = [p for p in measured_points("n_th", "002_threshold_vs_doping") if p.x_value is not None]
    fluence = np.geomspace(0.02, 2.0, 12)
    dots = GainParams.from_preset("cdse_core")
    n_x = np.arange(1.0, 7.0)
    dynamics = gain_dynamics(film, n_x)
    levels = [i for i, level in enumerate(dynamics.doping_levels) if level in (0, 2)]
    lifetime_rows = [(x, float(dynamics.doping_levels[i]), t) for i in levels
                     for x, t in zip(n_x, dynamics.gain_lifetime_ps[i], strict=True) if t > 0]
    datasets = {
        "spectra.csv": make_dataset("spectra", "example", energy_mev=energy, n_avg=n_avg, od_nl=od_nl,
                                    n_doped=doped),
        "thresholds_doping.csv": make_dataset("thresholds", "example", x_name="n_doped",
                                              x=[p.x_value for p in threshold_rows],
                                              n_th=[p.y_value for p in threshold_rows]),
        "ase.csv": make_dataset("ase", "example", fluence_mj_cm2=_rounded(fluence),
                                output=_rounded(ase_curve(dots, np.array(_rounded(fluence))).output_integrated)),
        "lifetimes.csv": make_dataset("lifetimes", "example", n_x=[r[0] for r in lifetime_rows],
                                      n_doped=[r[1] for r in lifetime_rows],
                                      gain_lifetime_ps=_rounded([r[2] for r in lifetime_rows])),
        "doping_potential.csv": make_dataset("doping", "example", potential_mv=[p.x_value for p in doping_rows],
                                             n_doped=[p.y_value for p in doping_rows],
                                             sigma=[0.1 / math.sqrt(12.0)] * len(doping_rows)),
    }
    files = {name: dataset_to_csv(dataset) for name, dataset in datasets.items()}
    files["spectra_delta_a.csv"] = _plain_csv("spectra (delta_a form, with linear_absorption.csv)", {
        "energy_mev": energy, "n_avg": n_avg, "delta_a": delta_a, "n_doped": doped})
    files["linear_absorption.csv"] = _plain_csv("linear absorption (od_0 for spectra_delta_a.csv)", {
        "energy_mev": _rounded(linear.energy_mev[::step // 2]),
        "od_0": _rounded(od_max * linear.linear_absorption[::step // 2])})
    return files


EXPECTED_KINDS = {
    "spectra.csv": "spectra", "spectra_delta_a.csv": "spectra", "thresholds_doping.csv": "thresholds",
    "ase.csv": "ase", "lifetimes.csv": "lifetimes", "doping_potential.csv": "doping",
}


def _example(name: str) -> str:
    return resources.files("qdgain_core").joinpath(f"{EXAMPLES}/{name}").read_text(encoding="utf-8")


def test_example_files_are_the_generated_ones_and_shipped():
    files = example_files()
    assert set(files) == {*EXPECTED_KINDS, "linear_absorption.csv"}
    shipped = sorted(p.name for p in (ROOT / "qdgain_core" / EXAMPLES).iterdir())
    assert shipped == sorted(files)
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["qdgain_core"]
    for name, content in files.items():
        assert _example(name) == content, f"{name}: run python -m tests.core.test_data_files"
        assert any(fnmatch.fnmatch(f"{EXAMPLES}/{name}", pattern) for pattern in patterns), name


@pytest.mark.parametrize("name", sorted(EXPECTED_KINDS))
def test_example_file_is_sniffed_and_read_as_its_kind(name):
    content = _example(name)
    preview = sniff(content, name=name)
    assert preview.suggested_kind == EXPECTED_KINDS[name]
    linear = _example("linear_absorption.csv") if "delta_a" in name else None
    dataset = read_dataset(content, kind=preview.suggested_kind, name=name, mapping=preview.suggested_mapping,
                           linear_absorption=linear)
    assert dataset.kind == EXPECTED_KINDS[name] and dataset.name == name
    assert preview.row_count == getattr(dataset, ARRAY_FIELDS[dataset.kind][0]).size > 2


def test_delta_a_example_with_its_linear_absorption_gives_the_od_nl_example():
    from_delta = read_dataset(_example("spectra_delta_a.csv"), kind="spectra", name="a",
                              linear_absorption=_example("linear_absorption.csv"))
    direct = read_dataset(_example("spectra.csv"), kind="spectra", name="a")
    assert from_delta.energy_mev.tolist() == direct.energy_mev.tolist()
    np.testing.assert_allclose(from_delta.od_nl, direct.od_nl, atol=2e-6)


def test_docs_list_every_column_unit_range_name_limit_and_example():
    text = (ROOT / "docs" / "data_formats.md").read_text(encoding="utf-8")
    for column, rule in COLUMN_RULES.items():
        names = ", ".join(f"`{alias}`" for alias in rule.aliases)
        assert f"| `{column}` | {rule.unit or '-'} | {rule.allowed()} | {names} |" in text, column
    for unit, energy in ENERGY_UNITS.items():
        assert f"| {unit} | `{energy.column}` | {', '.join(f'`{a}`' for a in energy.aliases)} |" in text, unit
    for name, value in (("MAX_FILE_BYTES", MAX_FILE_BYTES), ("MAX_ROWS", MAX_ROWS), ("MAX_COLUMNS", MAX_COLUMNS),
                        ("MAX_CELL_CHARS", MAX_CELL_CHARS), ("MAX_LINE_CHARS", MAX_LINE_CHARS),
                        ("PREVIEW_ROWS", PREVIEW_ROWS)):
        assert f"(`{name}`" in text and f"| {value}" in text, name
    for kind, layout in FILE_LAYOUTS.items():
        section = text.split(f"\n### {kind}: ", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        assert all(f"`{column}`" in section for column in layout.columns), kind
        mapping_row = next(line for line in text.splitlines() if line.startswith(f"| {kind} | `"))
        assert all(f"`{column}`" in mapping_row for column in layout.columns), kind
    assert all(f"| `{name}` |" in text for name in example_files())


# ---------------------------------------------------------------- sniff


@pytest.mark.parametrize(("delimiter", "expected"), [(",", ","), (";", ";"), ("\t", "\t"), ("   ", " ")])
def test_sniff_finds_the_delimiter_header_rows_and_kind(delimiter, expected):
    rows = [["Energy_eV", "N_avg", "OD_NL"]] + [[f"{2 + i / 100:.2f}", "1.5", f"{0.1 * i:.1f}"] for i in range(25)]
    text = "# comment\n\n" + "\n".join(delimiter.join(row) for row in rows) + "\n"
    preview = sniff(text.encode(), name="f.csv")
    assert preview.delimiter == expected and preview.header_line == 3
    assert preview.columns == ("energy_ev", "n_avg", "od_nl")
    assert preview.row_count == 25 and len(preview.rows) == 20 and preview.rows[1] == ("2.01", "1.5", "0.1")
    assert preview.energy_unit == "energy_ev" and preview.suggested_kind == "spectra"
    assert preview.suggested_mapping == {"energy_mev": "energy_ev", "n_avg": "n_avg", "od_nl": "od_nl"}


@pytest.mark.parametrize(("header", "row", "kind", "mapping", "axis"), [
    ("Wavelength (nm),<N_avg>,dA,OD0", "600,1,-0.1,0.3", "spectra",
     {"energy_mev": "wavelength (nm)", "n_avg": "<n_avg>", "delta_a": "da", "od_0": "od0"}, None),
    ("plqy,n_th,err", "0.5,1,0.1", "thresholds", {"plqy": "plqy", "n_th": "n_th", "sigma": "err"}, "plqy"),
    ("size_nm,n_th", "5,1", "thresholds", {"size_nm": "size_nm", "n_th": "n_th"}, "size_nm"),
    ("Fluence (mJ/cm^2),output", "0.5,3", "ase", {"fluence_mj_cm2": "fluence (mj/cm^2)", "output": "output"}, None),
    ("n_x,n_doped,gain_lifetime_ps", "1,0,100", "lifetimes",
     {"n_x": "n_x", "n_doped": "n_doped", "gain_lifetime_ps": "gain_lifetime_ps"}, None),
    ("potential (mV),n_doped", "-1200,1", "doping", {"potential_mv": "potential (mv)", "n_doped": "n_doped"}, None),
    ("energy_mev,n_avg,delta_a,od_nl,od_0", "2000,1,-0.1,0.2,0.3", "spectra",
     {"energy_mev": "energy_mev", "n_avg": "n_avg", "od_nl": "od_nl"}, None),
    ("PLQY,size_nm,n_th", "0.5,5,1", "thresholds", {"plqy": "plqy", "size_nm": "size_nm", "n_th": "n_th"}, "plqy"),
    ("x,y,z", "1,2,3", None, {}, None),
])
def test_sniff_suggests_the_kind_and_mapping_the_header_matches(header, row, kind, mapping, axis):
    text = f"{header}\n{row}\n"
    preview = sniff(text, name="f")
    assert (preview.suggested_kind, preview.suggested_mapping, preview.threshold_axis) == (kind, mapping, axis)
    if kind:
        dataset = read_dataset(text, kind=kind, name="f", mapping=preview.suggested_mapping,
                               threshold_axis=preview.threshold_axis)
        assert dataset.kind == kind and getattr(dataset, "x_name", axis) == axis


# ---------------------------------------------------------------- whole-file errors


@pytest.mark.parametrize(("content", "line", "words"), [
    (b"", None, "empty"),
    (b" \n\t\n", None, "empty"),
    (b"# only\n#comments\n", None, "only comment"),
    (b"# c\nenergy_mev,n_avg,od_nl\n\n", 2, "not followed by any data rows"),
    (b"# c\n1,2,3\n4,5,6\n", 2, "no header"),
    (b"energy_mev,n_avg,od_nl\n2000,1,0.1\n2001,1,\x000.1\n", 3, "NUL byte at byte 41"),
    (b"energy_mev,n_avg,od_nl\n2000,1,0.1\n\xb5,1,2\n", 3, "not UTF-8 text at byte 34"),
    (b"energy_mev,n_avg,od_nl\n2000,1,0.1\x07\n", 2, "control character U+0007"),
    (b"a,,b\n1,2,3\n", 1, "column 2 of the header has no name"),
    (b"a,B,b\n1,2,3\n", 1, "'b' appears twice"),
    (",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)).encode() + b"\n", 1, f"at most {MAX_COLUMNS}"),
    (b"energy_mev,n_avg,od_nl\n" + b"1" * (MAX_LINE_CHARS + 1) + b"\n", 2, f"at most {MAX_LINE_CHARS} per line"),
    (b"energy_mev,n_avg,od_nl\n2000,1,0.1\n2001,1\n", 3, "2 values, but the header (line 1) has 3 columns"),
    (b"energy_mev,n_avg,od_nl\n2000,1,0.1,5\n", 2, "4 values"),
    (b"energy_mev,n_avg,od_nl\n2000,1," + b"1" * (MAX_CELL_CHARS + 1) + b"\n", 2, f"at most {MAX_CELL_CHARS}"),
    (b'energy_mev,n_avg,od_nl\n2000,1,"0"".1"\n', 2, "quotes are only read around a whole cell"),
])
def test_structural_errors_name_the_line(content, line, words):
    for call in (lambda: sniff(content, name="f"), lambda: read_dataset(content, kind="spectra", name="f")):
        with pytest.raises(DataFileError) as caught:
            call()
        assert caught.value.line == line and words in str(caught.value)
        if line is not None:
            assert str(caught.value).startswith(f"line {line}")


def test_size_limits_for_bytes_and_text():
    big = b"#" * (MAX_FILE_BYTES + 1)
    assert "at most 2097152" in str(_error(big))
    assert "at most 2097152" in str(_error("é" * (MAX_FILE_BYTES // 2 + 1)))  # 2 bytes each in UTF-8
    assert _error(big).line is None
    rows = "n_doped,n_th\n" + "0,1\n" * (MAX_ROWS + 1)
    error = _error(rows, kind="thresholds")
    assert error.line == MAX_ROWS + 2 and f"more than {MAX_ROWS} data rows" in str(error)
    assert read_dataset("n_doped,n_th\n" + "0,1\n" * MAX_ROWS, kind="thresholds", name="f").n_th.size == MAX_ROWS


def test_text_with_a_lone_surrogate_is_not_utf8():
    error = _error("energy_mev,n_avg,od_nl\n2000,1,\ud800\n")
    assert error.line == 2 and "not UTF-8 text at character 30" in str(error)


def test_bom_crlf_lone_cr_quotes_and_trailing_delimiters_are_read():
    expected = read_dataset(SPECTRA, kind="spectra", name="f")
    variants = [
        b"\xef\xbb\xbf" + SPECTRA.encode(),
        "\ufeff" + SPECTRA,
        SPECTRA.replace("\n", "\r\n").encode(),
        SPECTRA.replace("\n", "\r"),
        SPECTRA.replace("\n", ",\n"),
        "\n".join('"' + '","'.join(line.split(",")) + '"' for line in SPECTRA.splitlines()) + "\n",
        "  # leading comment\n\n" + SPECTRA.replace("\n", "\n# between\n\n"),
    ]
    for variant in variants:
        _same(read_dataset(variant, kind="spectra", name="f"), expected)


def test_comment_and_blank_lines_count_in_line_numbers():
    text = "# a\n\nenergy_mev,n_avg,od_nl\n# b\n2000,1,0.1\n\n2001,1,oops\n"
    error = _error(text)
    assert (error.line, error.column) == (7, "od_nl")
    assert str(error) == "line 7, column 'od_nl': 'oops' is not a number"


# ---------------------------------------------------------------- cell errors


@pytest.mark.parametrize(("cell", "words"), [
    ("abc", "'abc' is not a number"),
    ("nan", "is not a finite number"),
    ("NaN", "is not a finite number"),
    ("inf", "is not a finite number"),
    ("-Infinity", "is not a finite number"),
    ("1e999", "too large"),
    ("=1+1", "looks like a formula"),
    ("+1", "looks like a formula"),
    ("@SUM", "looks like a formula"),
    ("-1+2", "looks like a formula"),
    ("A1*2", "looks like a formula"),
    ("SUM(A1:A3)", "looks like a formula"),
    ("2.1 eV", "units belong in the header"),
    ("1_000", "is not a number"),
    ("١٢", "is not a number"),
    ("", "empty cell"),
])
def test_cells_that_are_not_plain_numbers(cell, words):
    error = _error(f"# x\nn_doped,n_th\n0,1\n1,{cell}\n", kind="thresholds")
    assert (error.line, error.column) == (4, "n_th") and words in error.reason
    assert str(error).startswith("line 4, column 'n_th': ")


def test_decimal_comma_is_named_in_a_semicolon_file():
    error = _error("n_doped;n_th\n0;1,5\n", kind="thresholds")
    assert error.line == 2 and "decimal comma" in str(error)


@pytest.mark.parametrize(("cell", "value"), [("-1.5", -1.5), ("1e-3", 1e-3), (".5", 0.5), ("5.", 5.0),
                                              ("1E+1", 10.0), ("-0", 0.0), ('"0.25"', 0.25)])
def test_plain_numbers_are_read(cell, value):
    dataset = read_dataset(f"potential_mv,n_doped\n{cell},0.5\n", kind="doping", name="f")
    assert dataset.potential_mv.tolist() == [value]


def test_messages_echo_at_most_the_allowed_characters():
    cell = "x" * MAX_CELL_CHARS
    error = _error(f"n_doped,n_th\n0,{cell}\n", kind="thresholds")
    assert "x" * ECHO_CHARS in str(error) and "x" * (ECHO_CHARS + 1) not in str(error)
    header_error = _error(",".join(c * MAX_CELL_CHARS for c in "qrs") + "\n1,2,3\n", kind="ase")
    assert "missing column" in str(header_error) and "q" * (ECHO_CHARS - 1) in str(header_error)
    assert "r" * 3 not in str(header_error)


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(("kind", "header", "good", "bad", "column", "words"), [
    ("ase", "fluence_mj_cm2,output", "0.2,2", "0,1", "fluence_mj_cm2", "0 is outside (0, 1000] mJ/cm^2"),
    ("ase", "fluence_mj_cm2,output", "0.2,2", "-0.1,1", "fluence_mj_cm2", "-0.1 is outside (0"),
    ("ase", "fluence_mj_cm2,output", "0.2,2", "0.1,0", "output", "0 is not > 0"),
    ("ase", "fluence_mj_cm2,output,sigma", "0.2,2,0.1", "0.1,1,0", "sigma", "0 is not > 0"),
    ("ase", "fluence_mj_cm2,output,sigma", "0.2,2,0.1", "0.1,1,-1", "sigma", "-1 is not > 0"),
    ("spectra", "energy_mev,n_avg,od_nl", "2001,1,0.1", "2000,-0.1,0.1", "n_avg", "outside [0, 20] excitons/dot"),
    ("spectra", "energy_mev,n_avg,od_nl", "2001,1,0.1", "2000,20.5,0.1", "n_avg", "20.5 is outside [0, 20]"),
    ("spectra", "energy_mev,n_avg,od_nl", "2001,1,0.1", "2000,1,50", "od_nl", "divide mOD by 1000"),
    ("spectra", "energy_mev,n_avg,od_nl,n_doped", "2001,1,0.1,0", "2000,1,0.1,2.1", "n_doped",
     "2.1 is outside [0, 2] electrons/dot"),
    ("spectra", "energy_mev,n_avg,od_nl", "2001,1,0.1", "499,1,0.1", "energy_mev",
     "outside the photon energies read, [500, 5000] meV"),
    ("spectra", "energy_ev,n_avg,od_nl", "2.001,1,0.1", "5.1,1,0.1", "energy_ev", "5.1 eV is 5100 meV"),
    ("spectra", "energy_ev,n_avg,od_nl", "2.001,1,0.1", "2100,1,0.1", "energy_ev", "wrong unit?"),
    ("spectra", "wavelength_nm,n_avg,od_nl", "600,1,0.1", "3000,1,0.1", "wavelength_nm", "3000 nm is 413.281 meV"),
    ("spectra", "wavelength_nm,n_avg,od_nl", "600,1,0.1", "0,1,0.1", "wavelength_nm", "not a wavelength"),
    ("thresholds", "n_doped,n_th", "0.5,1", "-0.5,1", "n_doped", "outside [0, 2]"),
    ("thresholds", "n_doped,n_th", "0.5,1", "0.5,21", "n_th", "outside [0, 20]"),
    ("thresholds", "plqy,n_th", "0.5,1", "0,1", "plqy", "0 is outside (0, 1] (a fraction"),
    ("thresholds", "plqy,n_th", "0.5,1", "71,1", "plqy", "not a percentage"),
    ("thresholds", "size_nm,n_th", "5,1", "0,1", "size_nm", "outside (0, 100] nm"),
    ("lifetimes", "n_x,n_doped,gain_lifetime_ps", "1,0,5", "1,0,0", "gain_lifetime_ps", "outside (0, 1e+06] ps"),
    ("lifetimes", "n_x,n_doped,gain_lifetime_ps", "1,0,5", "-1,0,5", "n_x", "outside [0, 20]"),
    ("doping", "potential_mv,n_doped", "-1000,1", "-1200,2.5", "n_doped", "outside [0, 2]"),
    ("doping", "potential_mv,n_doped", "-1000,1", "-6000,1", "potential_mv", "outside [-5000, 5000] mV"),
])
def test_out_of_range_values_name_line_column_and_range(kind, header, good, bad, column, words):
    assert read_dataset(f"{header}\n{good}\n", kind=kind, name="f")
    error = _error(f"{header}\n{good}\n{bad}\n", kind=kind)
    assert (error.line, error.column) == (3, column), str(error)
    assert words in str(error)


def test_duplicate_energies_within_one_spectrum():
    text = "energy_mev,n_avg,od_nl,n_doped\n2000,1,0.1,0\n2000,2,0.1,0\n2000,1,0.1,1\n2010,1,0.2,0\n2000,1,0.3,0\n"
    error = _error(text)
    assert (error.line, error.column) == (6, "energy_mev") and "repeats line 2" in str(error)
    assert "n_avg = 1, n_doped = 0" in str(error)
    assert read_dataset(text.rsplit("2000,1,0.3,0\n", 1)[0], kind="spectra", name="f").n_avg.size == 4


# ---------------------------------------------------------------- units


def test_energy_units_convert_exactly():
    ev = read_dataset("energy_ev,n_avg,od_nl\n2.05,1,0.1\n1.9875,1,0.2\n", kind="spectra", name="f")
    assert ev.energy_mev.tolist() == [2.05 * 1e3, 1.9875 * 1e3]
    nm = read_dataset("Wavelength (nm),n_avg,od_nl\n605,1,0.1\n620.5,1,0.2\n", kind="spectra", name="f")
    assert nm.energy_mev.tolist() == [PLANCK_MEV_NM / 605.0, PLANCK_MEV_NM / 620.5]
    for unit, cell, energy in (("eV", "2.05", 2.05 * 1e3), ("meV", "2050", 2050.0), ("MEV", "2050", 2050.0),
                               ("energy_ev", "2.05", 2.05 * 1e3)):
        dataset = read_dataset(f"energy,n_avg,od_nl\n{cell},1,0.1\n", kind="spectra", name="f", energy_unit=unit)
        assert dataset.energy_mev.tolist() == [energy], unit
    nm_cells = read_dataset("energy,n_avg,od_nl\n605,1,0.1\n", kind="spectra", name="f", energy_unit="nm")
    assert nm_cells.energy_mev.tolist() == [PLANCK_MEV_NM / 605.0]
    assert read_dataset("e,n_avg,od_nl\n605,1,0.1\n", kind="spectra", name="f",
                        energy_unit="wavelength_nm").energy_mev.tolist() == [PLANCK_MEV_NM / 605.0]


@pytest.mark.parametrize(("text", "kwargs", "line", "words"), [
    ("energy,n_avg,od_nl\n2000,1,0.1\n", {}, 1, "does not say the energy unit"),
    ("energy_ev,n_avg,od_nl\n2,1,0.1\n", {"energy_unit": "nm"}, 1,
     "the header says eV but the energy unit chosen is nm"),
    ("energy_ev,n_avg,od_nl,wavelength_nm\n2,1,0.1,620\n", {}, 1, "mixed units: two energy columns"),
    ("energy_mev,n_avg,od_nl\n2000,1,0.1\n", {"energy_unit": "keV"}, None, "energy_unit: 'keV' is not one of"),
    ("energy_mev,n_avg,od_nl\n2000 meV,1,0.1\n", {}, 2, "units belong in the header"),
])
def test_unit_errors(text, kwargs, line, words):
    error = _error(text, **kwargs)
    assert error.line == line and words in str(error)


# ---------------------------------------------------------------- mapping, delta A, threshold axes


def test_mapping_reads_other_column_names():
    text = "x;signal;Fluence;dummy\n600;0.1;1;z\n610;0.2;1;z\n"
    mapping = {"energy_mev": "X", "od_nl": " signal ", "n_avg": "fluence", "sigma": None, "n_doped": ""}
    dataset = read_dataset(text, kind="spectra", name="f", mapping=mapping, energy_unit="nm")
    assert dataset.energy_mev.tolist() == [PLANCK_MEV_NM / 600.0, PLANCK_MEV_NM / 610.0]
    assert dataset.od_nl.tolist() == [0.1, 0.2] and dataset.n_doped.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(("mapping", "words"), [
    ({"energy_mev": "x", "n_avg": "y", "od_nl": "missing"}, "-> 'missing' is not a column of the file"),
    ({"energy_mev": "x", "n_avg": "y", "od_nl": "z", "fluence_mj_cm2": "x"}, "'fluence_mj_cm2' is not a column of"),
    ({"energy_mev": "x", "n_avg": "x", "od_nl": "z"}, "column 'x' is mapped twice"),
    ({"energy_mev": "x", "od_nl": "z"}, "missing column n_avg (excitons/dot)"),
    ({"energy_mev": "x", "n_avg": "y", "od_nl": "z", "delta_a": "z2"}, "map od_nl or delta_a, not both"),
    (["energy_mev"], "mapping: expected"),
])
def test_mapping_errors(mapping, words):
    error = _error("x,y,z,z2\n2000,1,0.1,0.2\n", mapping=mapping, energy_unit="meV")
    assert words in str(error)


def test_delta_a_with_od_0_column_or_a_linear_absorption_file():
    with_column = read_dataset("energy_mev,n_avg,delta_a,od_0\n2000,1,-0.05,0.3\n", kind="spectra", name="f")
    assert with_column.od_nl.tolist() == [0.3 + -0.05]
    linear = "# OD_0\nenergy_ev,od_0\n2.1,0.7\n1.9,0.5\n"
    dataset = read_dataset("energy_mev,n_avg,delta_a\n2000,1,-0.1\n1950,2,0.05\n", kind="spectra", name="f",
                           linear_absorption=linear.encode())
    expected = np.interp([2000.0, 1950.0], [1900.0, 2100.0], [0.5, 0.7]) + np.array([-0.1, 0.05])
    assert dataset.od_nl.tolist() == expected.tolist()
    both = read_dataset("energy_mev,n_avg,od_nl,delta_a\n2000,1,0.2,-0.1\n", kind="spectra", name="f")
    assert both.od_nl.tolist() == [0.2]
    linear_chosen = read_dataset("energy_mev,n_avg,od_nl,delta_a\n2000,1,0.2,-0.1\n", kind="spectra", name="f",
                                 linear_absorption=linear)
    assert linear_chosen.od_nl.tolist() == pytest.approx([0.6 - 0.1])


@pytest.mark.parametrize(("main", "linear", "line", "words"), [
    ("energy_mev,n_avg,delta_a\n2000,1,0.1\n2200,1,0.1\n", "energy_mev,od_0\n1900,0.5\n2100,0.7\n", 3,
     "2200 meV is outside the linear absorption file's energies [1900, 2100] meV"),
    ("energy_mev,n_avg,delta_a\n2000,1,0.1\n", None, 1, "delta_a needs od_0"),
    ("energy_mev,n_avg,delta_a,od_0\n2000,1,0.1,0.2\n", "energy_mev,od_0\n1900,0.5\n2100,0.7\n", 1,
     "od_0 both as a column and as a linear-absorption file"),
    ("energy_mev,n_avg,od_nl\n2000,1,0.1\n", "energy_mev,od_0\n1900,0.5\n2100,0.7\n", 1, "only read with delta_a"),
])
def test_delta_a_errors(main, linear, line, words):
    error = _error(main, linear_absorption=linear)
    assert error.line == line and error.file is None and words in str(error)


@pytest.mark.parametrize(("linear", "line", "words"), [
    ("energy_mev,od_0\n1900,0.5\n1900,0.7\n2100,0.1\n", 3, "energy 1900 meV repeats line 2"),
    ("energy_mev,od_0\n1900,0.5\n", 1, "at least two rows"),
    ("energy_mev,absorbance\n1900,0.5\n2100,0.6\n", 1, "missing column od_0"),
    ("energy_mev,od_0\n1900,0.5\n2100,x\n", 3, "'x' is not a number"),
    (b"energy_mev,od_0\n1900,0.5\n\xff\n", 3, "not UTF-8"),
])
def test_linear_absorption_file_errors_say_which_file(linear, line, words):
    error = _error("energy_mev,n_avg,delta_a\n2000,1,0.1\n", linear_absorption=linear)
    assert error.file == "linear absorption file" and error.line == line and words in str(error)
    assert str(error).startswith(f"linear absorption file, line {line}")


def test_threshold_axes():
    text = "PLQY,size_nm,n_th,sigma\n0.5,4,1.2,0.1\n0.9,5,0.8,0.1\n"
    error = _error(text, kind="thresholds")
    assert error.line == 1 and "choose the threshold axis" in str(error)
    for axis, values in (("plqy", [0.5, 0.9]), ("size_nm", [4.0, 5.0])):
        dataset = read_dataset(text, kind="thresholds", name="f", threshold_axis=axis)
        assert (dataset.x_name, dataset.x.tolist(), dataset.sigma.tolist()) == (axis, values, [0.1, 0.1])
    assert "threshold_axis: 'n' is not one of" in str(_error(text, kind="thresholds", threshold_axis="n"))
    assert "missing column n_doped, the threshold axis chosen" in str(_error(text, kind="thresholds",
                                                                            threshold_axis="n_doped"))


def test_sigma_left_empty_on_every_row_is_no_sigma():
    dataset = read_dataset("n_doped,n_th,sigma\n0,1,\n1,0.5,\n", kind="thresholds", name="f")
    assert dataset.sigma is None
    error = _error("n_doped,n_th,sigma\n0,1,0.1\n1,0.5,\n", kind="thresholds")
    assert (error.line, error.column) == (3, "sigma") and "every row" in str(error)


def test_bad_arguments_are_data_file_errors():
    assert "kind: 'nope' is not one of spectra" in str(_error(SPECTRA, kind="nope"))
    with pytest.raises(TypeError):
        read_dataset(12, kind="spectra", name="f")  # type: ignore[arg-type]


# ---------------------------------------------------------------- round trips


def _datasets() -> list[Dataset]:
    rng = np.random.default_rng(11)
    energies = np.linspace(1800.0, 2200.0, 40)
    return [
        make_dataset("spectra", "s", energy_mev=np.tile(energies, 3), n_avg=np.repeat([0.5, 1.5, 3.0], 40),
                     od_nl=rng.normal(0.1, 0.2, 120), n_doped=np.repeat([0.0, 0.94, 1.99], 40)),
        make_dataset("spectra", "s2", energy_mev=energies, n_avg=np.full(40, 2.0), od_nl=rng.normal(0, 1e-3, 40),
                     n_doped=np.zeros(40), sigma=rng.uniform(1e-5, 1e-3, 40)),
        *[make_dataset("thresholds", f"t{axis}", x_name=axis, x=rng.uniform(0.01, 1.0, 6),
                       n_th=rng.uniform(0.0, 3.0, 6), sigma=rng.uniform(0.01, 0.1, 6)) for axis in
          ("n_doped", "plqy", "size_nm")],
        make_dataset("thresholds", "t", x=[0.0, 0.94, 1.99], n_th=[1.51, 0.8, 0.09]),
        make_dataset("ase", "a", fluence_mj_cm2=np.geomspace(1e-3, 10.0, 15), output=np.geomspace(1e-9, 1e20, 15),
                     sigma=np.geomspace(1e-10, 1e19, 15)),
        make_dataset("lifetimes", "l", n_x=[1.0, 2.0, 3.0], n_doped=[0.0, 2.0, 1.0],
                     gain_lifetime_ps=[138.4, 1.2e3, 5e5]),
        make_dataset("doping", "d", potential_mv=[-1e3 / 3, -1400.0, 0.0], n_doped=[0.0, 1.9, 2.0],
                     sigma=[0.0288675, 0.1, 1e-300]),
    ]


@pytest.mark.parametrize("dataset", _datasets(), ids=lambda d: f"{d.kind}-{d.name}")
def test_round_trip_for_every_kind(dataset):
    text = dataset_to_csv(dataset)
    assert text.splitlines()[1].split(",")[:2] == [getattr(dataset, "x_name", DATASET_KINDS[dataset.kind].columns[0]),
                                                   DATASET_KINDS[dataset.kind].columns[1]]
    preview = sniff(text, name=dataset.name)
    assert preview.suggested_kind == dataset.kind and preview.row_count == getattr(
        dataset, ARRAY_FIELDS[dataset.kind][0]).size
    _same(read_dataset(text, kind=dataset.kind, name=dataset.name), dataset)
    _same(read_dataset(text.encode(), kind=preview.suggested_kind, name=dataset.name,
                       mapping=preview.suggested_mapping, threshold_axis=preview.threshold_axis), dataset)


def test_every_kind_has_a_round_trip_case():
    assert {d.kind for d in _datasets()} == set(DATASET_KINDS) == set(FILE_LAYOUTS)


# ---------------------------------------------------------------- time


def _big_spectra() -> bytes:
    rows = ["energy_mev,n_avg,od_nl,n_doped,sigma"]
    rows += [f"{1000.0 + i * 0.05:.4f},{(i % 7) * 0.5:.3f},{0.1234567 + i * 1e-7:.8f},0.25,0.0123"
             for i in range(MAX_ROWS)]
    data = ("\n".join(rows) + "\n").encode()
    return data + b"#" * (MAX_FILE_BYTES - len(data))


def test_a_2_mib_file_parses_in_under_a_second():
    data = _big_spectra()
    assert len(data) == MAX_FILE_BYTES
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        dataset = read_dataset(data, kind="spectra", name="big")
        preview = sniff(data, name="big")
        best = min(best, time.perf_counter() - start)
    assert dataset.energy_mev.size == preview.row_count == MAX_ROWS
    assert best < 1.0, f"sniff + read_dataset of 2 MiB took {best:.2f} s"


if __name__ == "__main__":
    target = ROOT / "qdgain_core" / EXAMPLES
    target.mkdir(parents=True, exist_ok=True)
    for file_name, file_content in example_files().items():
        (target / file_name).write_text(file_content, encoding="utf-8")
        sys.stdout.write(f"wrote {target / file_name}\n")

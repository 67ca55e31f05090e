"""Measured data files: CSV or whitespace-separated text to a ``Dataset`` and back.

One canonical layout per dataset kind (``FILE_LAYOUTS``; docs/data_formats.md): a header
naming the columns in the units of ``qdgain_core.datasets`` (energy meV, or eV / nm said
by the header, fluence mJ/cm^2, ps, mV), then one row per point. ``sniff`` reads a file's
structure for the mapping dialog (delimiter, header, first rows, the kind its header
matches); ``read_dataset`` turns it into a checked dataset; ``dataset_to_csv`` writes the
canonical layout back (an exact round trip).

Files are hostile input: every problem raises ``DataFileError`` naming the line, the column,
the value (at most ``ECHO_CHARS`` characters of it) and what is allowed. Nothing is
evaluated (cells are plain decimal numbers, never formulas), nothing is written to disk,
and the work is linear in the file size and bounded by ``MAX_FILE_BYTES``, ``MAX_ROWS``,
``MAX_COLUMNS``, ``MAX_CELL_CHARS`` and ``MAX_LINE_CHARS``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .constants import PLANCK_MEV_NM
from .datasets import DATASET_KINDS, THRESHOLD_AXES, Dataset, ThresholdData, make_dataset

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 32
MAX_CELL_CHARS = 64
MAX_LINE_CHARS = 4096
"""Longest data or header line (comment lines may be longer: they are skipped unread)."""
PREVIEW_ROWS = 20
ECHO_CHARS = 40
"""At most this many characters of the file are quoted in one piece of an error message."""

DELIMITERS: dict[str, str] = {"\t": "tab", ";": "semicolon", ",": "comma", " ": "whitespace"}
"""Column delimiters in the order they are looked for in the header line; " " stands for runs
of spaces and tabs (the fallback when the header has none of the others)."""


class DataFileError(ValueError):
    """A problem with a data file: ``line`` (1-based, None for the whole file), ``column``
    (the file's column name, or None), ``file`` (None for the main file) and ``reason``."""

    def __init__(self, reason: str, *, line: int | None = None, column: str | None = None,
                 file: str | None = None) -> None:
        self.reason, self.line, self.column, self.file = reason, line, column, file
        where = [part for part in (
            file,
            None if line is None else f"line {line}",
            None if column is None else f"column {_clip(column)}",
        ) if part]
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)

    def in_file(self, file: str) -> DataFileError:
        """The same error, said of ``file`` (e.g. the linear-absorption file)."""
        return DataFileError(self.reason, line=self.line, column=self.column, file=file)


def _clip(text: str) -> str:
    """``text`` quoted, cut to ``ECHO_CHARS`` characters."""
    return repr(text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…")


# ---------------------------------------------------------------- the layouts


@dataclass(frozen=True)
class ColumnRule:
    """A canonical file column: unit, allowed range (``low``/``high``, open or closed; None
    for unbounded), the header names read as this column (``aliases``, normalised by
    ``column_key``) and a hint added to an out-of-range message."""

    unit: str
    low: float | None
    high: float | None
    aliases: tuple[str, ...]
    low_open: bool = False
    high_open: bool = False
    hint: str = ""

    def outside(self, values: np.ndarray) -> np.ndarray:
        """Mask of the values outside the allowed range."""
        bad = np.zeros(values.shape, dtype=bool)
        if self.low is not None:
            bad |= values <= self.low if self.low_open else values < self.low
        if self.high is not None:
            bad |= values >= self.high if self.high_open else values > self.high
        return bad

    def allowed(self) -> str:
        """The range in words, e.g. "[0, 20] excitons/dot" or "> 0 ps"."""
        unit = f" {self.unit}" if self.unit else ""
        if self.low is None and self.high is None:
            return f"any finite value{unit}"
        if self.high is None:
            return f"{'>' if self.low_open else '>='} {self.low:g}{unit}"
        if self.low is None:
            return f"{'<' if self.high_open else '<='} {self.high:g}{unit}"
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}{unit}"

    def violation(self, value: float) -> str:
        """Why ``value`` is not allowed, e.g. "25 is outside [0, 20] excitons/dot" or "0 is not > 0"."""
        bounded = self.low is not None and self.high is not None
        return f"{value:g} is {'outside' if bounded else 'not'} {self.allowed()}{self.hint}"


def _od_rule(*aliases: str) -> ColumnRule:
    return ColumnRule("OD", -10.0, 10.0, aliases, hint=" (absolute optical density; divide mOD by 1000)")

COLUMN_RULES: dict[str, ColumnRule] = {
    "energy_mev": ColumnRule("meV", 500.0, 5000.0, ("energy", "photon_energy", "e")),
    "n_avg": ColumnRule("excitons/dot", 0.0, 20.0, ("n_avg", "n_exc", "n_excitons")),
    "od_nl": _od_rule("od_nl", "odnl", "nonlinear_od"),
    "delta_a": _od_rule("delta_a", "da", "delta_od", "dod"),
    "od_0": _od_rule("od_0", "od0", "linear_od", "od_linear"),
    "n_doped": ColumnRule("electrons/dot", 0.0, 2.0, ("n_doped", "n_e", "n_1s_e", "doping")),
    "sigma": ColumnRule("", 0.0, None, ("sigma", "err", "error", "uncertainty"), low_open=True,
                        hint=" (1-sigma error, in the unit of the measured column)"),
    "n_th": ColumnRule("excitons/dot", 0.0, 20.0, ("n_th", "nth", "threshold")),
    "plqy": ColumnRule("", 0.0, 1.0, ("plqy", "qy"), low_open=True, hint=" (a fraction, not a percentage)"),
    "size_nm": ColumnRule("nm", 0.0, 100.0, ("size_nm", "diameter_nm", "d_nm"), low_open=True),
    "fluence_mj_cm2": ColumnRule("mJ/cm^2", 0.0, 1000.0, ("fluence_mj_cm2", "fluence_mj_cm_2"), low_open=True),
    "output": ColumnRule("", 0.0, None, ("output", "ase_output", "output_a_u", "intensity"), low_open=True,
                         hint=" (ASE output in any unit, read on a log scale)"),
    "n_x": ColumnRule("excitons/dot", 0.0, 20.0, ("n_x", "nx")),
    "gain_lifetime_ps": ColumnRule("ps", 0.0, 1e6, ("gain_lifetime_ps", "tau_gain_ps", "lifetime_ps"),
                                   low_open=True),
    "potential_mv": ColumnRule("mV", -5000.0, 5000.0, ("potential_mv", "v_mv")),
}
"""Every canonical file column: its unit, allowed range and the header names read as it.
``energy_mev`` is checked after the conversion to meV; its unit-bearing names are in ``ENERGY_UNITS``."""


@dataclass(frozen=True)
class EnergyUnit:
    """A unit of the spectra's energy axis: the canonical header name, other header names
    that say this unit, and the conversion to meV."""

    column: str
    aliases: tuple[str, ...]
    to_mev: Callable[[np.ndarray], np.ndarray]
    positive: bool = False


ENERGY_UNITS: dict[str, EnergyUnit] = {
    "meV": EnergyUnit("energy_mev", ("e_mev", "photon_energy_mev"), lambda values: values),
    "eV": EnergyUnit("energy_ev", ("e_ev", "photon_energy_ev"), lambda values: values * 1e3),
    "nm": EnergyUnit("wavelength_nm", ("lambda_nm", "wl_nm"), lambda values: PLANCK_MEV_NM / values, True),
}
"""Energy units: photon energy (meV) = value, 1000 x value (eV) or ``PLANCK_MEV_NM`` / value (nm)."""


@dataclass(frozen=True)
class FileLayout:
    """The file columns of one dataset kind: all it can read (``columns``, canonical order)
    and the groups of which one column each must be present (``required``)."""

    columns: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]


FILE_LAYOUTS: dict[str, FileLayout] = {
    "spectra": FileLayout(("energy_mev", "n_avg", "od_nl", "delta_a", "od_0", "n_doped", "sigma"),
                          (("energy_mev",), ("n_avg",), ("od_nl", "delta_a"))),
    "thresholds": FileLayout((*THRESHOLD_AXES, "n_th", "sigma"), (tuple(THRESHOLD_AXES), ("n_th",))),
    "ase": FileLayout(("fluence_mj_cm2", "output", "sigma"), (("fluence_mj_cm2",), ("output",))),
    "lifetimes": FileLayout(("n_x", "n_doped", "gain_lifetime_ps", "sigma"),
                            (("n_x",), ("n_doped",), ("gain_lifetime_ps",))),
    "doping": FileLayout(("potential_mv", "n_doped", "sigma"), (("potential_mv",), ("n_doped",))),
}
"""Which canonical columns a file of each kind may have; ``DATASET_KINDS`` gives the dataset's own."""

LINEAR_ABSORPTION_FILE = "linear absorption file"


def column_key(name: str) -> str:
    """A header name reduced for matching: lower case, runs of other characters as "_"
    ("Energy (eV)" -> "energy_ev", "<N>" -> "n")."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _check_tables() -> dict[str, tuple[str, str | None]]:
    if set(FILE_LAYOUTS) != set(DATASET_KINDS):
        raise ValueError("FILE_LAYOUTS must cover every dataset kind")
    names: dict[str, tuple[str, str | None]] = {}
    entries: list[tuple[str, str | None, tuple[str, ...]]] = [(c, None, r.aliases) for c, r in COLUMN_RULES.items()]
    entries += [("energy_mev", unit, (e.column, *e.aliases)) for unit, e in ENERGY_UNITS.items()]
    for column, unit, aliases in entries:
        for alias in aliases:
            if alias in names or alias != column_key(alias):
                raise ValueError(f"column alias {alias!r} repeated or not normalised")
            names[alias] = (column, unit)
    for kind, layout in FILE_LAYOUTS.items():
        if not set(layout.columns) <= set(COLUMN_RULES) or "sigma" not in layout.columns:
            raise ValueError(f"FILE_LAYOUTS[{kind!r}] names a column without a rule, or has no sigma")
        if not {c for group in layout.required for c in group} <= set(layout.columns):
            raise ValueError(f"FILE_LAYOUTS[{kind!r}]: a required column is not one of its columns")
    return names


_HEADER_NAMES = _check_tables()
"""Header key -> (canonical column, energy unit or None)."""


# ---------------------------------------------------------------- text, lines and cells

_BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DATA_LINE = re.compile(r"^[ \t]*[^#\s][^\n]*", re.MULTILINE)
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_FORMULA = re.compile(r"[=+@]|-[-+=@(]|.*[0-9)]\s*[-+*/^]\s*[\w(]|.*\(")
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
_WITH_UNIT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*[^\W\d_][\w/^%.]*\s*")


def _line_at(text: str | bytes, position: int) -> int:
    if isinstance(text, str):
        return text.count("\n", 0, position) + 1
    return text.count(b"\n", 0, position) + 1


def _decoded(content: bytes | str) -> str:
    """The file as text with "\\n" line ends, after the size, NUL, UTF-8 and control-character checks."""
    if isinstance(content, str):
        if len(content) > MAX_FILE_BYTES:
            raise DataFileError(f"the file has {len(content)} characters; at most {MAX_FILE_BYTES} bytes (2 MiB)")
        try:
            data = content.encode("utf-8")
        except UnicodeEncodeError as error:
            raise DataFileError(f"not UTF-8 text at character {error.start}",
                                line=_line_at(content, error.start)) from None
    elif isinstance(content, (bytes, bytearray, memoryview)):
        data = bytes(content)
    else:
        raise TypeError(f"content: expected bytes or str, got {type(content).__name__}")
    if len(data) > MAX_FILE_BYTES:
        raise DataFileError(f"the file has {len(data)} bytes; at most {MAX_FILE_BYTES} (2 MiB)")
    nul = data.find(b"\0")
    if nul >= 0:
        raise DataFileError(f"binary data (a NUL byte at byte {nul}), not a text table", line=_line_at(data, nul))
    start = len(_BOM) if data.startswith(_BOM) else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = start + error.start
        raise DataFileError(f"not UTF-8 text at byte {at} (0x{data[at]:02x}); save the file as UTF-8",
                            line=_line_at(data, at)) from None
    control = _CONTROL.search(text)
    if control:
        raise DataFileError(f"binary data (control character U+{ord(control.group()):04X}), not a text table",
                            line=_line_at(text, control.start()))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _data_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of every line that is neither blank nor a '#' comment."""
    line, last = 1, 0
    for match in _DATA_LINE.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        if match.end() - match.start() > MAX_LINE_CHARS:
            raise DataFileError(f"{match.end() - match.start()} characters long; at most {MAX_LINE_CHARS} per line",
                                line=line)
        yield line, match.group()


def _split(text: str, delimiter: str) -> list[str]:
    cells = text.split() if delimiter == " " else [cell.strip() for cell in text.split(delimiter)]
    if '"' in text:
        cells = [cell[1:-1].strip() if len(cell) >= 2 and cell[0] == cell[-1] == '"' else cell for cell in cells]
    return cells


def _check_cells(cells: list[str], text: str, line: int, columns: tuple[str, ...]) -> None:
    if '"' in text:
        for index, cell in enumerate(cells):
            if '"' in cell:
                raise DataFileError(f"{_clip(cell)}: quotes are only read around a whole cell", line=line,
                                    column=columns[index] if index < len(columns) else None)
    if len(text) > MAX_CELL_CHARS:
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise DataFileError(f"a value of {len(cell)} characters; at most {MAX_CELL_CHARS}", line=line,
                                    column=columns[index] if index < len(columns) else None)


@dataclass(frozen=True)
class _Header:
    line: int
    delimiter: str
    columns: tuple[str, ...]


def _header(line: int, text: str) -> _Header:
    delimiter = next((d for d in DELIMITERS if d != " " and d in text), " ")
    cells = _split(text, delimiter)
    _check_cells(cells, text, line, ())
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise DataFileError(f"{len(cells)} columns; at most {MAX_COLUMNS}", line=line)
    names = tuple(cell.lower() for cell in cells)
    if all(_NUMBER.fullmatch(name) for name in names):
        raise DataFileError("no header: the first line that is not a comment must name the columns "
                            "(e.g. energy_mev,n_avg,od_nl)", line=line)
    for index, name in enumerate(names):
        if not name:
            raise DataFileError(f"column {index + 1} of the header has no name", line=line)
        if name in names[:index]:
            raise DataFileError(f"column {_clip(name)} appears twice in the header", line=line)
    return _Header(line, delimiter, names)


def _rows(lines: Iterator[tuple[int, str]], header: _Header) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every data row, checked for width, quotes, cell length and count."""
    width = len(header.columns)
    for count, (line, text) in enumerate(lines, start=1):
        if count > MAX_ROWS:
            raise DataFileError(f"more than {MAX_ROWS} data rows", line=line)
        cells = _split(text, header.delimiter)
        if len(cells) > width and not any(cells[width:]):
            del cells[width:]
        if len(cells) != width:
            raise DataFileError(f"{len(cells)} values, but the header (line {header.line}) has {width} columns "
                                f"({DELIMITERS[header.delimiter]}-separated)", line=line)
        _check_cells(cells, text, line, header.columns)
        yield line, cells


def _table(content: bytes | str) -> tuple[_Header, Iterator[tuple[int, list[str]]]]:
    text = _decoded(content)
    lines = _data_lines(text)
    first = next(lines, None)
    if first is None:
        raise DataFileError("the file is empty" if not text.strip() else
                            "no header: the file has only comment lines ('#') and blank lines")
    header = _header(*first)
    return header, _rows(lines, header)


def _no_rows(header: _Header) -> DataFileError:
    return DataFileError("the header is not followed by any data rows", line=header.line)


def _not_a_number(text: str) -> str:
    shown = _clip(text)
    if not text:
        return "empty cell"
    if _NOT_FINITE.fullmatch(text):
        return f"{shown} is not a finite number"
    if _DECIMAL_COMMA.fullmatch(text):
        return f"{shown} is not a number (decimal comma: write a point, e.g. 1.5)"
    if _WITH_UNIT.fullmatch(text):
        return f"{shown} is not a number (units belong in the header, e.g. energy_ev, not in the cells)"
    if _FORMULA.match(text):
        return f"{shown} looks like a formula; only plain numbers are read (e.g. -1.5 or 1e-3)"
    return f"{shown} is not a number"


def _number(text: str, line: int, column: str) -> float:
    if _NUMBER.fullmatch(text):
        value = float(text)
        if math.isfinite(value):
            return value
        raise DataFileError(f"{_clip(text)} is too large for a number", line=line, column=column)
    raise DataFileError(_not_a_number(text), line=line, column=column)


# ---------------------------------------------------------------- preview


@dataclass(frozen=True)
class TablePreview:
    """What ``sniff`` sees in a file: the delimiter (a key of ``DELIMITERS``), the header
    (normalised: stripped, lower case) and its line, the first ``PREVIEW_ROWS`` rows as
    strings, the number of data rows, the energy unit the header names (``energy_mev`` |
    ``energy_ev`` | ``wavelength_nm`` | None), the kind whose layout the header matches
    (or None), that kind's ``{canonical column: file column}`` as ``read_dataset`` would
    read it without a mapping (od_nl rather than delta_a when a file has both) and, for
    thresholds, the first abscissa found (a key of ``THRESHOLD_AXES``)."""

    name: str
    delimiter: str
    header_line: int
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_count: int
    energy_unit: str | None
    suggested_kind: str | None
    suggested_mapping: dict[str, str]
    threshold_axis: str | None


def _matches(columns: tuple[str, ...]) -> dict[str, list[str]]:
    """Canonical column -> the file columns whose names read as it, in file order."""
    found: dict[str, list[str]] = {}
    for column in columns:
        hit = _HEADER_NAMES.get(column_key(column))
        if hit:
            found.setdefault(hit[0], []).append(column)
    return found


def _auto_mapping(kind: str, columns: tuple[str, ...]) -> dict[str, str]:
    found = _matches(columns)
    return {c: found[c][0] for c in FILE_LAYOUTS[kind].columns if c in found}


def _complete(kind: str, mapping: Mapping[str, str]) -> bool:
    return all(any(c in mapping for c in group) for group in FILE_LAYOUTS[kind].required)


def _energy_unit_of(column: str) -> str | None:
    hit = _HEADER_NAMES.get(column_key(column))
    return hit[1] if hit else None


def sniff(content: bytes | str, *, name: str) -> TablePreview:
    """The structure of a data file (raises ``DataFileError`` for anything not a readable table)."""
    header, rows = _table(content)
    preview: list[tuple[str, ...]] = []
    count = 0
    for _, cells in rows:
        count += 1
        if len(preview) < PREVIEW_ROWS:
            preview.append(tuple(cells))
    if not count:
        raise _no_rows(header)
    candidates = {kind: _auto_mapping(kind, header.columns) for kind in FILE_LAYOUTS}
    complete = [kind for kind, mapping in candidates.items() if _complete(kind, mapping)]
    kind = max(complete, key=lambda k: len(candidates[k]), default=None)
    mapping = candidates[kind] if kind else {}
    if "od_nl" in mapping:
        mapping = {c: column for c, column in mapping.items() if c not in ("delta_a", "od_0")}
    energy = mapping.get("energy_mev") or _auto_mapping("spectra", header.columns).get("energy_mev")
    unit = _energy_unit_of(energy) if energy else None
    axis = next((a for a in THRESHOLD_AXES if a in mapping), None) if kind == "thresholds" else None
    return TablePreview(
        name=str(name), delimiter=header.delimiter, header_line=header.line, columns=header.columns,
        rows=tuple(preview), row_count=count, energy_unit=ENERGY_UNITS[unit].column if unit else None,
        suggested_kind=kind, suggested_mapping=mapping, threshold_axis=axis,
    )


# ---------------------------------------------------------------- reading a dataset


def _file_columns(header: _Header) -> str:
    return _clip(", ".join(header.columns))


def _explicit_mapping(kind: str, header: _Header, mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, Mapping):
        raise DataFileError("mapping: expected {canonical column: file column}")
    chosen: dict[str, str] = {}
    for canonical, column in mapping.items():
        if column is None or column == "":
            continue
        if canonical not in FILE_LAYOUTS[kind].columns:
            raise DataFileError(f"mapping: {_clip(str(canonical))} is not a column of a {kind} file "
                                f"(one of {', '.join(FILE_LAYOUTS[kind].columns)})")
        if not isinstance(column, str) or column.strip().lower() not in header.columns:
            raise DataFileError(f"mapping: {canonical} -> {_clip(str(column))} is not a column of the file "
                                f"({_file_columns(header)})", line=header.line)
        normalised = column.strip().lower()
        if normalised in chosen.values():
            raise DataFileError(f"mapping: column {_clip(normalised)} is mapped twice", line=header.line)
        chosen[canonical] = normalised
    return chosen


def _default_mapping(kind: str, header: _Header) -> dict[str, str]:
    found = _matches(header.columns)
    if kind == "spectra" and len(found.get("energy_mev", ())) > 1:
        first, second = found["energy_mev"][:2]
        raise DataFileError(f"mixed units: two energy columns, {_clip(first)} and {_clip(second)}; "
                            "map the one to read", line=header.line)
    return _auto_mapping(kind, header.columns)


def _spectra_form(mapping: dict[str, str], explicit: bool, has_linear: bool, header: _Header) -> None:
    """Keep one of od_nl and delta_a (+ od_0 or the linear-absorption file); raise when ambiguous."""
    if "od_nl" in mapping and "delta_a" in mapping:
        if explicit:
            raise DataFileError("mapping: map od_nl or delta_a, not both")
        del mapping["delta_a" if not has_linear else "od_nl"]
    if "od_nl" in mapping:
        if has_linear:
            raise DataFileError("a linear-absorption file is only read with delta_a spectra; this file has od_nl",
                                line=header.line)
        if "od_0" in mapping:
            if explicit:
                raise DataFileError("mapping: od_0 is only read with delta_a, not with od_nl")
            del mapping["od_0"]
    elif "delta_a" in mapping:
        if "od_0" in mapping and has_linear:
            raise DataFileError("od_0 both as a column and as a linear-absorption file: give one", line=header.line)
        if "od_0" not in mapping and not has_linear:
            raise DataFileError("delta_a needs od_0: a column od_0 or a linear-absorption file with energy and od_0",
                                line=header.line)


def _threshold_axis(mapping: dict[str, str], threshold_axis: str | None, header: _Header) -> str:
    if threshold_axis is not None and threshold_axis not in THRESHOLD_AXES:
        raise DataFileError(f"threshold_axis: {_clip(str(threshold_axis))} is not one of {', '.join(THRESHOLD_AXES)}")
    present = [axis for axis in THRESHOLD_AXES if axis in mapping]
    if threshold_axis is None:
        if len(present) > 1:
            raise DataFileError(f"the file has {' and '.join(mapping[a] for a in present)}: choose the threshold "
                                "axis", line=header.line)
        threshold_axis = present[0] if present else "n_doped"
    for axis in present:
        if axis != threshold_axis:
            del mapping[axis]
    if present and threshold_axis not in mapping:
        raise DataFileError(f"missing column {threshold_axis}, the threshold axis chosen; the file has "
                            f"{_file_columns(header)}", line=header.line)
    return threshold_axis


def _missing(kind: str, mapping: Mapping[str, str], header: _Header) -> None:
    for group in FILE_LAYOUTS[kind].required:
        if not any(c in mapping for c in group):
            wanted = " or ".join(f"{c} ({COLUMN_RULES[c].unit})" if COLUMN_RULES[c].unit else c for c in group)
            raise DataFileError(f"missing column {wanted}; the file has {_file_columns(header)}: rename the "
                                "column or map it", line=header.line)


def _energy_unit(energy_unit: str | None) -> str | None:
    if energy_unit is None:
        return None
    units = {key.lower(): key for key in ENERGY_UNITS} | {e.column: key for key, e in ENERGY_UNITS.items()}
    if not isinstance(energy_unit, str) or energy_unit.strip().lower() not in units:
        raise DataFileError(f"energy_unit: {_clip(str(energy_unit))} is not one of {', '.join(ENERGY_UNITS)}")
    return units[energy_unit.strip().lower()]


def _column_unit(column: str, energy_unit: str | None, line: int) -> str:
    said = _energy_unit_of(column)
    if said and energy_unit and said != energy_unit:
        raise DataFileError(f"wrong unit: the header says {said} but the energy unit chosen is {energy_unit}",
                            line=line, column=column)
    unit = said or energy_unit
    if unit is None:
        raise DataFileError("the header does not say the energy unit: name the column energy_mev, energy_ev or "
                            "wavelength_nm, or choose the unit (meV, eV or nm)", line=line, column=column)
    return unit


@dataclass(frozen=True)
class _Columns:
    """The numbers of the mapped columns (``None`` for a column left empty on every row)."""

    values: dict[str, np.ndarray | None]
    lines: np.ndarray
    columns: dict[str, str]


def _read_columns(rows: Iterator[tuple[int, list[str]]], header: _Header, mapping: dict[str, str]) -> _Columns:
    index = {canonical: header.columns.index(column) for canonical, column in mapping.items()}
    values: dict[str, list[float]] = {c: [] for c in index}
    empty_sigma: list[int] = []
    lines: list[int] = []
    sigma_index = index.pop("sigma", None)
    for line, cells in rows:
        lines.append(line)
        for canonical, position in index.items():
            values[canonical].append(_number(cells[position], line, header.columns[position]))
        if sigma_index is not None:
            cell = cells[sigma_index]
            if cell:
                values["sigma"].append(_number(cell, line, header.columns[sigma_index]))
            else:
                empty_sigma.append(line)
    if not lines:
        raise _no_rows(header)
    arrays: dict[str, np.ndarray | None] = {c: np.array(v, dtype=float) for c, v in values.items()}
    if sigma_index is not None and empty_sigma:
        if len(empty_sigma) < len(lines):
            raise DataFileError("empty sigma: give sigma on every row or leave the whole column empty",
                                line=empty_sigma[0], column=header.columns[sigma_index])
        arrays["sigma"] = None
    return _Columns(arrays, np.array(lines), mapping)


def _check_range(canonical: str, values: np.ndarray, lines: np.ndarray, column: str) -> None:
    rule = COLUMN_RULES[canonical]
    bad = np.flatnonzero(rule.outside(values))
    if bad.size:
        at = int(bad[0])
        raise DataFileError(rule.violation(float(values[at])), line=int(lines[at]), column=column)


def _energies_mev(raw: np.ndarray, unit: str, lines: np.ndarray, column: str) -> np.ndarray:
    energy = ENERGY_UNITS[unit]
    if energy.positive:
        bad = np.flatnonzero(raw <= 0)
        if bad.size:
            raise DataFileError(f"{raw[bad[0]]:g} {unit} is not a wavelength (must be > 0)", line=int(lines[bad[0]]),
                                column=column)
    mev = energy.to_mev(raw)
    bad = np.flatnonzero(COLUMN_RULES["energy_mev"].outside(mev))
    if bad.size:
        at = int(bad[0])
        raise DataFileError(f"{raw[at]:g} {unit} is {mev[at]:.6g} meV, outside the photon energies read, "
                            f"{COLUMN_RULES['energy_mev'].allowed()} (wrong unit?)", line=int(lines[at]), column=column)
    return mev


def _check_ranges(data: _Columns, skip: tuple[str, ...] = ("energy_mev",)) -> None:
    for canonical, values in data.values.items():
        if values is not None and canonical not in skip:
            _check_range(canonical, values, data.lines, data.columns[canonical])


def _linear_absorption(content: bytes | str, main_unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Energies (meV, increasing) and OD_0 of a linear-absorption file (in the unit its header
    says, else in ``main_unit``, the unit of the spectra's energies)."""
    try:
        header, rows = _table(content)
        found = _default_mapping("spectra", header)
        mapping: dict[str, str] = {c: found[c] for c in ("energy_mev", "od_0") if c in found}
        for wanted in ("energy_mev", "od_0"):
            if wanted not in mapping:
                raise DataFileError(f"missing column {wanted}; the file has {_file_columns(header)}", line=header.line)
        unit = _energy_unit_of(mapping["energy_mev"]) or main_unit
        data = _read_columns(rows, header, mapping)
        _check_ranges(data)
        raw, od_0 = data.values["energy_mev"], data.values["od_0"]
        assert raw is not None and od_0 is not None
        energy = _energies_mev(raw, unit, data.lines, mapping["energy_mev"])
        order = np.argsort(energy, kind="stable")
        repeated = np.flatnonzero(np.diff(energy[order]) == 0)
        if repeated.size:
            first, second = sorted((int(data.lines[order[repeated[0]]]), int(data.lines[order[repeated[0] + 1]])))
            raise DataFileError(f"energy {energy[order[repeated[0]]]:.6g} meV repeats line {first}", line=second,
                                column=mapping["energy_mev"])
        if energy.size < 2:
            raise DataFileError("needs at least two rows to interpolate OD_0", line=header.line)
    except DataFileError as error:
        raise error.in_file(LINEAR_ABSORPTION_FILE) from None
    return energy[order], od_0[order]


def _spectra_fields(data: _Columns, unit: str, linear: tuple[np.ndarray, np.ndarray] | None) -> dict[str, Any]:
    values, lines, columns = data.values, data.lines, data.columns
    raw = values["energy_mev"]
    assert raw is not None
    energy = _energies_mev(raw, unit, lines, columns["energy_mev"])
    n_avg = values["n_avg"]
    n_doped = values.get("n_doped")
    n_doped = np.zeros_like(energy) if n_doped is None else n_doped
    od_nl = values.get("od_nl")
    if od_nl is None:
        delta_a = values["delta_a"]
        assert delta_a is not None
        if linear is None:
            od_0 = values["od_0"]
            assert od_0 is not None
        else:
            outside = np.flatnonzero((energy < linear[0][0]) | (energy > linear[0][-1]))
            if outside.size:
                at = int(outside[0])
                raise DataFileError(f"{energy[at]:.6g} meV is outside the linear absorption file's energies "
                                    f"[{linear[0][0]:.6g}, {linear[0][-1]:.6g}] meV", line=int(lines[at]),
                                    column=columns["energy_mev"])
            od_0 = np.interp(energy, *linear)
        od_nl = od_0 + delta_a
    seen: dict[tuple[float, float, float], int] = {}
    assert n_avg is not None
    for key, line in zip(zip(n_avg.tolist(), n_doped.tolist(), energy.tolist(), strict=True), lines.tolist(),
                         strict=True):
        if key in seen:
            raise DataFileError(f"energy {key[2]:.6g} meV repeats line {seen[key]} in the spectrum at "
                                f"n_avg = {key[0]:g}, n_doped = {key[1]:g}", line=line, column=columns["energy_mev"])
        seen[key] = line
    return {"energy_mev": energy, "n_avg": n_avg, "od_nl": od_nl, "n_doped": n_doped, "sigma": values.get("sigma")}


def read_dataset(
    content: bytes | str,
    *,
    kind: str,
    name: str,
    mapping: Mapping[str, str | None] | None = None,
    energy_unit: str | None = None,
    linear_absorption: bytes | str | None = None,
    threshold_axis: str | None = None,
) -> Dataset:
    """A checked dataset of ``kind`` from a data file (raises ``DataFileError``; see the module docstring).

    ``mapping`` {canonical column: file column} replaces the matching of header names
    (None or "" leaves a column out); ``energy_unit`` ("meV", "eV" or "nm") is used when the
    header does not say; ``linear_absorption`` is a second file (energy and od_0 columns)
    whose OD_0, interpolated onto the energies, turns delta_a into od_nl = od_0 + delta_a;
    ``threshold_axis`` chooses among n_doped, plqy and size_nm.
    """
    if kind not in FILE_LAYOUTS:
        raise DataFileError(f"kind: {_clip(str(kind))} is not one of {', '.join(DATASET_KINDS)}")
    unit_choice = _energy_unit(energy_unit)
    header, rows = _table(content)
    explicit = mapping is not None
    chosen = _explicit_mapping(kind, header, mapping) if explicit else _default_mapping(kind, header)
    axis = _threshold_axis(chosen, threshold_axis, header) if kind == "thresholds" else None
    linear = None
    fields: dict[str, Any]
    if kind == "spectra":
        _spectra_form(chosen, explicit, linear_absorption is not None, header)
    _missing(kind, chosen, header)
    unit = _column_unit(chosen["energy_mev"], unit_choice, header.line) if kind == "spectra" else None
    data = _read_columns(rows, header, chosen)
    _check_ranges(data)
    if kind == "spectra":
        assert unit is not None
        if linear_absorption is not None:
            linear = _linear_absorption(linear_absorption, unit)
        fields = _spectra_fields(data, unit, linear)
    elif kind == "thresholds":
        assert axis is not None
        fields = {"x_name": axis, "x": data.values[axis], "n_th": data.values["n_th"],
                  "sigma": data.values.get("sigma")}
    else:
        fields = dict(data.values)
    try:
        return make_dataset(kind, name, **fields)
    except ValueError as error:
        raise DataFileError(str(error)) from None


# ---------------------------------------------------------------- writing


def _csv_columns(dataset: Dataset) -> dict[str, np.ndarray]:
    """Header name -> values, in the kind's canonical order (a threshold's abscissa under its own name)."""
    columns: dict[str, np.ndarray] = {}
    for name in DATASET_KINDS[dataset.kind].columns:
        if isinstance(dataset, ThresholdData) and name == "n_doped":
            columns[dataset.x_name] = dataset.x
        elif getattr(dataset, name) is not None:
            columns[name] = getattr(dataset, name)
    return columns


def dataset_to_csv(dataset: Dataset) -> str:
    """``dataset`` in its kind's canonical CSV layout (shortest exact floats; ``read_dataset`` reads it back)."""
    columns = _csv_columns(dataset)
    lines = [f"# qdgain {dataset.kind} dataset; columns and units: docs/data_formats.md", ",".join(columns)]
    lines += [",".join(map(repr, row)) for row in zip(*(values.tolist() for values in columns.values()), strict=True)]
    return "\n".join(lines) + "\n"


__all__ = [
    "COLUMN_RULES",
    "DELIMITERS",
    "ECHO_CHARS",
    "ENERGY_UNITS",
    "FILE_LAYOUTS",
    "LINEAR_ABSORPTION_FILE",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_LINE_CHARS",
    "MAX_ROWS",
    "PREVIEW_ROWS",
    "ColumnRule",
    "DataFileError",
    "EnergyUnit",
    "FileLayout",
    "TablePreview",
    "column_key",
    "dataset_to_csv",
    "read_dataset",
    "sniff",
]

"""CSV of exactly the plotted data, images checked for the zip, and the zip of every panel.

The CSV is made from the ``go.Figure`` a panel draws, built at full precision
(``figures.common.full_precision``: float64, where the page gets float32), so it holds what is
plotted with every digit the model computed; numbers are written as Python's shortest
round-trip ``repr``. The whole file is plain ASCII (``ascii_text``: Greek letters spelt out,
``<sub>``/``<sup>`` as ``_``/``^``), so a spreadsheet opens it the same everywhere.

Two layouts:

* long ("tidy"), one row per plotted point (legend-only entries have none): ``trace``, x, y
  (and z for maps), a column per secondary y axis (the Stokes shift of the eta cuts), the
  error where a point has an error bar, then ``kind`` (model, measured, preset, operating,
  paper_model, paper, data: the user's uploaded data, pin: a pinned state), ``label`` and ``source`` (the
  point's sample and where its number comes from).
* wide, one column per trace: traces that share their x values share one x column, the
  others get an x column each; a map is a matrix (a row per y, a column per x), and the
  points drawn over it are listed in the long layout.

``#`` comment lines first give the qdgain version, the panel, the paper figure it reproduces,
the share link and every parameter with its unit.

``bundle_zip`` adds both layouts of every panel, ``parameters.json``, the images the browser
rendered (``checked_images`` keeps only well-formed PNGs of the export size and plain SVGs,
within ``IMAGE_LIMITS``) and a README with what each file is and how to cite.
"""

from __future__ import annotations

import base64
import binascii
import csv
import dataclasses
import io
import json
import math
import re
import struct
import unicodedata
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import plotly.graph_objects as go

from components import ids
from components.figures.common import BASE_FONT_PX, DEFAULT_EXPORT_STYLE, EXPORT_STYLES, full_precision
from components.figures.data_overlay import DATA_PREFIX
from components.figures.pin_overlay import PIN_PREFIX
from components.panels import PANEL_BY_ID, PANEL_IDS, PANELS, Panel
from components.paper_overlay import PAPER_PREFIX
from components.state import AppState, state_to_store
from components.url_state import format_query_value, to_query
from qdgain_core import FIELD_SPECS, __version__

CSV_LAYOUTS = ("long", "wide")
IMAGE_FORMATS = ("png", "svg")
GRID_TYPES = ("heatmap", "contour")

# --- plain ASCII text ----------------------------------------------------------------------------------------

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron",
    "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "ϵ": "epsilon", "ϕ": "phi",
}
GREEK.update({letter.upper(): name.capitalize() for letter, name in GREEK.items() if letter not in "ςϵϕ"})
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ", "0123456789+-=()aeoxhklmnpst", strict=True))
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni", strict=True))
SYMBOLS = {
    "⟨": "<", "⟩": ">", "〈": "<", "〉": ">", "−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "×": "x",
    "·": "*", "⋅": "*", "°": "deg", "µ": "u", "≈": "~", "∼": "~", "≤": "<=", "≥": ">=", "≠": "!=", "±": "+/-",
    "→": "->", "←": "<-", "∞": "inf", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ",
    "\u2009": " ", "\u202f": " ", "√": "sqrt", "∝": "~", "Å": "Angstrom", "✓": "ok",
}
ASCII_TABLE = MappingProxyType({
    **{ord(c): name for c, name in GREEK.items()},
    **{ord(c): s for c, s in SYMBOLS.items()},
})
TAG = re.compile(r"<[^>]+>")
SUB = re.compile(r"<sub>(.*?)</sub>", re.IGNORECASE | re.DOTALL)
SUP = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)
BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
SUBSCRIPT_RUN = re.compile(f"[{re.escape(''.join(SUBSCRIPTS))}]+")
SUPERSCRIPT_RUN = re.compile(f"[{re.escape(''.join(SUPERSCRIPTS))}]+")


def plain(text: str | None) -> str:
    """Axis or trace text without plotly's HTML tags (<sub>, <br> ...)."""
    return TAG.sub("", BREAK.sub(" ", text or "")).strip()


def ascii_text(text: Any) -> str:
    """``text`` as plain ASCII: <sub>/<sup> as _/^, Greek letters by name, ⟨ ⟩ as < >, sub- and
    superscript digits as _0 and ^2 (cm⁻² -> cm^-2), other tags dropped; accents are stripped and
    anything still not ASCII becomes "?"."""
    out = BREAK.sub(" ", str(text or ""))
    out = SUP.sub(lambda m: f"^{m[1]}", SUB.sub(lambda m: f"_{m[1]}", out))
    out = SUBSCRIPT_RUN.sub(lambda m: "_" + "".join(SUBSCRIPTS[c] for c in m[0]), TAG.sub("", out))
    out = SUPERSCRIPT_RUN.sub(lambda m: "^" + "".join(SUPERSCRIPTS[c] for c in m[0]), out).translate(ASCII_TABLE)
    out = unicodedata.normalize("NFKD", out)
    out = "".join(c for c in out if not unicodedata.combining(c))
    out = out.encode("ascii", "replace").decode("ascii")
    return re.sub(r"\s+", " ", out).strip()


def unit_suffix(title: str, word: str) -> str:
    """``"<N_th> (excitons/dot)"`` + "error" -> ``"<N_th> error (excitons/dot)"``."""
    name, bracket, unit = title.rpartition(" (")
    return f"{name} {word} ({unit}" if bracket and unit.endswith(")") else f"{title} {word}"


# --- numbers and traces --------------------------------------------------------------------------------------

def _values(data: Any) -> np.ndarray:
    """Trace data as a float array (plotly keeps numpy arrays; JSON round trips give lists/dicts); a
    categorical axis (sample names) as an array of ASCII strings."""
    if data is None:
        return np.array([], dtype=float)
    try:
        return np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return np.array([ascii_text(v) if v is not None else "" for v in np.asarray(data, dtype=object).ravel()],
                        dtype=object)


def _drawn(value: Any) -> bool:
    return bool(value) if isinstance(value, str) else math.isfinite(value)


def number(value: Any) -> str:
    """A value as Python's shortest text that reads back as the same float64; blank for inf/NaN (gaps); a
    category as its ASCII text."""
    if isinstance(value, str):
        return value
    value = float(value)
    return repr(value) if math.isfinite(value) else ""


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.size != b.size:
        return False
    if a.dtype == object or b.dtype == object:
        return a.dtype == b.dtype and list(a) == list(b)
    return bool(np.array_equal(a, b, equal_nan=True))


# What a marker trace shows, from its name (the figure builders name them; tests/web/test_export.py checks that
# every marker trace of every panel has a kind here).
MARKER_KINDS: tuple[tuple[str, str], ...] = (
    ("model", "model"),  # the model's value at each sample of a categorical axis
    ("operating point", "operating"),
    ("presets", "preset"),
    ("measured", "measured"),
    ("transition counting", "paper_model"),
)


def trace_kind(trace: Any) -> str:
    """paper (a paper figure's value over the panel), model (curves and maps), or for marker traces operating /
    preset / measured / paper_model ("points" if the name is not in ``MARKER_KINDS``)."""
    name = plain(trace.name).lower()
    if name.startswith(PAPER_PREFIX):
        return "paper"  # a paper figure's printed value drawn over the panel (components/paper_overlay.py)
    if name.startswith(DATA_PREFIX):
        return "data"  # the user's uploaded data drawn over the panel (components/figures/data_overlay.py)
    if name.startswith(PIN_PREFIX):
        return "pin"  # a pinned state drawn over the panel (components/pin_curves.py)
    if trace.type in GRID_TYPES or "markers" not in (getattr(trace, "mode", None) or "") or "lines" in trace.mode:
        return "model"
    return next((kind for prefix, kind in MARKER_KINDS if name.startswith(prefix)), "points")


def point_notes(trace: Any, count: int) -> tuple[list[str], list[str]]:
    """Label and source of each point: marker traces carry [label, source] in customdata (their text is the label)."""
    labels, sources = [""] * count, [""] * count
    custom = getattr(trace, "customdata", None)
    if isinstance(custom, (list, tuple)) and all(isinstance(c, (list, tuple)) and len(c) == 2
                                                 and all(isinstance(v, str) for v in c) for c in custom):
        for i, (label, source) in enumerate(custom[:count]):
            labels[i], sources[i] = ascii_text(label), ascii_text(source)
    text = getattr(trace, "text", None)
    if isinstance(text, (list, tuple)):
        for i, label in enumerate(text[:count]):
            labels[i] = labels[i] or ascii_text(label)
    return labels, sources


def errors(trace: Any, count: int) -> list[str] | None:
    """The error bar of each point (None when the trace has none)."""
    error_y = getattr(trace, "error_y", None)
    array = getattr(error_y, "array", None) if error_y is not None else None
    if array is None or getattr(error_y, "visible", True) is False:
        return None
    values = _values(array)
    return [number(values[i]) if i < values.size else "" for i in range(count)]


def _axis_title(figure: go.Figure, axis: str, fallback: str) -> str:
    key = "yaxis" if axis == "y" else f"yaxis{axis[1:]}"
    return ascii_text(figure.layout[key].title.text) or fallback


def _axis_titles(figure: go.Figure) -> tuple[str, str, str]:
    x_title = ascii_text(figure.layout.xaxis.title.text) or "x"
    y_title = _axis_title(figure, "y", "y")
    z_title = ""
    for trace in figure.data:
        if trace.type in GRID_TYPES and trace.colorbar.title.text:
            z_title = ascii_text(trace.colorbar.title.text)
    return x_title, y_title, z_title or "z"


def _secondary_axes(figure: go.Figure) -> list[str]:
    """The secondary y axes ("y2", ...) that traces are drawn against, in first-use order."""
    axes: list[str] = []
    for trace in figure.data:
        axis = getattr(trace, "yaxis", None) or "y"
        if axis != "y" and axis not in axes:
            axes.append(axis)
    return axes


@dataclass
class Series:
    """The drawn points of one line/marker trace, with the text of each point."""

    name: str
    axis: str
    kind: str
    x: np.ndarray
    y: np.ndarray
    labels: list[str]
    sources: list[str]
    errors: list[str] | None


def drawn_series(figure: go.Figure) -> list[Series]:
    """Every line and marker trace with its drawn points (legend-only entries draw none and are left out)."""
    out = []
    for trace in figure.data:
        if trace.type in GRID_TYPES:
            continue
        x, y = _values(trace.x), _values(trace.y)
        count = min(x.size, y.size)
        labels, sources = point_notes(trace, count)
        error = errors(trace, count)
        keep = [i for i in range(count) if _drawn(x[i]) or _drawn(y[i])]
        if not keep:
            continue
        out.append(Series(ascii_text(trace.name), getattr(trace, "yaxis", None) or "y", trace_kind(trace),
                          x[keep], y[keep], [labels[i] for i in keep], [sources[i] for i in keep],
                          None if error is None else [error[i] for i in keep]))
    return out


def figure_rows(figure: go.Figure) -> tuple[list[str], list[list[str]]]:
    """Long layout: header and a row per plotted point (line/marker traces and heatmap/contour cells)."""
    x_title, y_title, z_title = _axis_titles(figure)
    has_grid = any(trace.type in GRID_TYPES for trace in figure.data)
    secondary = _secondary_axes(figure)
    series = drawn_series(figure)
    has_errors = any(s.errors is not None for s in series)
    header = (["trace", x_title, y_title] + ([z_title] if has_grid else [])
              + [_axis_title(figure, axis, axis) for axis in secondary]
              + ([unit_suffix(y_title, "error")] if has_errors else []) + ["kind", "label", "source"])
    blank_extra = [""] * len(secondary) + ([""] if has_errors else [])
    rows: list[list[str]] = []
    for trace in figure.data:
        if trace.type not in GRID_TYPES:
            continue
        name, x, y, z = ascii_text(trace.name), _values(trace.x), _values(trace.y), _values(trace.z)
        for i, y_value in enumerate(y):
            rows.extend([name, number(x_value), number(y_value), number(z[i, j]), *blank_extra, "model", "", ""]
                        for j, x_value in enumerate(x))
    for s in series:
        for i in range(s.x.size):
            main = number(s.y[i]) if s.axis == "y" else ""
            extra = [number(s.y[i]) if s.axis == other else "" for other in secondary]
            error = ([s.errors[i] if s.errors is not None else ""] if has_errors else [])
            rows.append([s.name, number(s.x[i]), main] + ([""] if has_grid else []) + extra + error
                        + [s.kind, s.labels[i], s.sources[i]])
    return header, rows


def _unique(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


def wide_rows(figure: go.Figure) -> tuple[list[str], list[list[str]], list[str]]:
    """Wide layout: header, rows and notes (comment lines).

    A map: the first heatmap as a matrix, a row per y and a column per x. Otherwise a column per
    trace; traces with the same x values share one x column.
    """
    grid = next((trace for trace in figure.data if trace.type == "heatmap"), None) or next(
        (trace for trace in figure.data if trace.type in GRID_TYPES), None)
    return _column_rows(figure) if grid is None else _matrix_rows(figure, grid)


def _matrix_rows(figure: go.Figure, grid: Any) -> tuple[list[str], list[list[str]], list[str]]:
    x_title, y_title, z_title = _axis_titles(figure)
    x, y, z = _values(grid.x), _values(grid.y), _values(grid.z)
    header = [f"rows: {y_title} | columns: {x_title}"] + [number(v) for v in x]
    rows = [[number(y_value)] + [number(v) for v in z[i]] for i, y_value in enumerate(y)]
    others = [ascii_text(t.name) for t in figure.data if t is not grid and t.type in GRID_TYPES]
    others += [series.name for series in drawn_series(figure)]
    notes = [f"wide layout: {ascii_text(grid.name)}, cells are {z_title}; rows are {y_title}, columns are {x_title}"]
    if others:
        notes.append(f"also drawn (in the long layout): {', '.join(others)}")
    return header, rows, notes


def _column_rows(figure: go.Figure) -> tuple[list[str], list[list[str]], list[str]]:
    x_title = _axis_titles(figure)[0]
    series = drawn_series(figure)
    groups: list[list[Series]] = []
    for s in series:
        group = next((g for g in groups if _same(g[0].x, s.x)), None)
        if group is None:
            groups.append([s])
        else:
            group.append(s)
    names = iter(_unique([s.name for s in series]))
    unique_name = {id(s): next(names) for s in series}
    header: list[str] = []
    columns: list[list[str]] = []
    for group in groups:
        header.append(x_title if len(groups) == 1 else f"{', '.join(unique_name[id(s)] for s in group)}: {x_title}")
        columns.append([number(v) for v in group[0].x])
        for s in group:
            title = _axis_title(figure, s.axis, s.axis)
            header.append(f"{unique_name[id(s)]}: {title}")
            columns.append([number(v) for v in s.y])
            if s.errors is not None:
                header.append(f"{unique_name[id(s)]}: {unit_suffix(title, 'error')}")
                columns.append(s.errors)
            if any(s.labels) or any(s.sources):
                header += [f"{unique_name[id(s)]}: label", f"{unique_name[id(s)]}: source"]
                columns += [s.labels, s.sources]
    length = max((len(c) for c in columns), default=0)
    rows = [[c[i] if i < len(c) else "" for c in columns] for i in range(length)]
    kinds = sorted({(s.name, s.kind) for s in series if s.kind != "model"})
    notes = ["wide layout: a column per trace; traces drawn at the same x share an x column"]
    notes += [f"{name}: kind = {kind}" for name, kind in kinds]
    return header, rows, notes


# --- CSV files -----------------------------------------------------------------------------------------------

def header_lines(state: AppState, panel: Panel | None = None) -> list[str]:
    """``#`` comment lines: version, panel, share link and every parameter with its unit (ASCII)."""
    lines = [f"qdgain {__version__}"]
    if panel is not None:
        lines += [f"panel: {panel.title} ({panel.id})", f"reproduces: {panel.reproduces}"]
    lines.append(f"link query: {to_query(state) or '(defaults)'}")
    lines.append(f"preset: {state.view.preset or 'none (built-in defaults)'}")
    for name, spec in FIELD_SPECS.items():
        value = getattr(state.params, name)
        unit = f" {spec.unit}" if spec.unit and value is not None else ""
        lines.append(f"{name} = {format_query_value(value, name)}{unit}")
    lines.append(f"map_points = {state.view.map_points} points/axis")
    lines.append(f"hold = {state.hold} (held fixed along eta in the phase maps and eta cuts)")
    lines.append(f"energy_unit = {state.view.energy_unit} (photon energies on the energy axes; the model computes "
                 "in meV)")
    if state.view.figure:
        lines.append(f"paper figure: {state.view.figure} (its printed values are the rows named 'paper: ...')")
    return [f"# {ascii_text(line)}" for line in lines]


def figure_csv(figure: go.Figure, state: AppState, panel: Panel | None = None, layout: str = "long") -> str:
    """The CSV text of one figure (comment header, column header, rows) in the long or wide layout."""
    if layout == "wide":
        header, rows, notes = wide_rows(figure)
    else:
        (header, rows), notes = figure_rows(figure), []
    buffer = io.StringIO()
    buffer.write("\n".join(header_lines(state, panel) + [f"# {line}" for line in notes]) + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_layout(value: Any) -> str:
    """The CSV layout asked for: "wide", else "long"."""
    return "wide" if value == "wide" else "long"


def panel_figure(state: AppState, panel: Panel) -> go.Figure:
    """The panel's figure as drawn for ``state`` (the paper's values over it when the state shows a paper figure),
    at float64 (``full_precision``)."""
    with full_precision():
        return panel.draw(state)


def panel_csv(state: AppState, panel: Panel, layout: str = "long", extra: Sequence[Mapping[str, Any]] = ()) -> str:
    """CSV of one panel as drawn for ``state`` (layout "long" or "wide"), every value at float64; ``extra``
    traces (the user's data over the panel) are added as drawn."""
    figure = panel_figure(state, panel)
    if extra:
        figure = go.Figure(data=[*figure.data, *extra], layout=figure.layout)
    return figure_csv(figure, state, panel, csv_layout(layout))


def csv_name(panel_id: str, layout: str = "long") -> str:
    """File name of a panel's CSV."""
    return f"qdgain_{panel_id}{'_wide' if layout == 'wide' else ''}.csv"


def parameters_json(state: AppState) -> str:
    """The state (parameters, view, link query) and the qdgain version as JSON."""
    document = {"qdgain_version": __version__, **state_to_store(state, to_query(state))}
    return json.dumps(document, indent=2, sort_keys=True)


# --- images from the browser ---------------------------------------------------------------------------------

MiB = 1024 * 1024


@dataclass(frozen=True)
class ImageLimits:
    """What the zip takes from the browser: the biggest PNG and SVG, their total and their number.

    A PNG at the double-column style (2100 x 1260 px) is 0.2-0.5 MB, its SVG 30-200 kB; an open
    tab draws at most five graphs. ``assets/export.js`` leaves out what would exceed these, and
    ``components/server/limits.py`` sizes the Download-all request by ``request_bytes``.
    """

    png_bytes: int = 3 * MiB
    svg_bytes: int = 2 * MiB
    total_bytes: int = 6 * MiB
    count: int = 2 * len(PANELS)

    @property
    def request_bytes(self) -> int:
        """Largest Download-all request: the images in base64 (4/3) plus room for the state and JSON."""
        return self.total_bytes * 4 // 3 + MiB


IMAGE_LIMITS = ImageLimits()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_TAG = "{http://www.w3.org/2000/svg}svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
FORBIDDEN_SVG_ELEMENTS = frozenset({"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"})
LOCAL_URL = re.compile(r"url\(\s*(?!['\"]?#)", re.IGNORECASE)  # url(...) to anything but "#id"
IMAGE_REASONS = MappingProxyType({  # reasons the browser may give for leaving an image out
    "not_drawn": "its graph was not drawn on the page (open its tab, then Download all again)",
    "render_failed": "the browser could not render it",
    "too_large": "larger than the export allows",
})


def image_name(panel_id: str, fmt: str, style: str) -> str:
    """File name of a panel's image in the zip."""
    return f"images/qdgain_{panel_id}_{style}.{fmt}"


def png_problem(data: bytes, size: tuple[int, int]) -> str | None:
    """Why ``data`` is not a well-formed PNG of ``size`` pixels (every chunk's CRC checked), or None."""
    if not data.startswith(PNG_SIGNATURE):
        return "not a PNG (no PNG signature)"
    position, first, ended = len(PNG_SIGNATURE), True, False
    while position < len(data):
        if ended:
            return "data after the IEND chunk"
        if position + 12 > len(data):
            return "truncated chunk"
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data):
            return "truncated chunk"
        body = data[position + 8:end - 4]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4:end])[0]:
            return f"bad CRC in a {kind!r} chunk"
        if first:
            if kind != b"IHDR" or length != 13:
                return "the first chunk is not IHDR"
            width, height = struct.unpack(">II", body[:8])
            if (width, height) != size:
                return f"{width} x {height} px, not the {size[0]} x {size[1]} px of the export size"
            first = False
        ended = kind == b"IEND"
        position = end
    return None if ended else "no IEND chunk"


def svg_problem(text: str) -> str | None:
    """Why ``text`` is not a plain SVG document (XML with an <svg> root, no DTD, scripts or outside
    references), or None."""
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return "has a DTD or entity declarations"
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return "not well-formed XML"
    if root.tag != SVG_TAG:
        return "the root element is not <svg>"
    for element in root.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        if tag in FORBIDDEN_SVG_ELEMENTS:
            return f"has a <{tag}> element"
        if tag == "style" and ("@import" in (element.text or "") or LOCAL_URL.search(element.text or "")):
            return "its style sheet refers outside the file"
        for name, value in element.attrib.items():
            local = name.rpartition("}")[2].lower()
            if local.startswith("on"):
                return f"has an event handler ({local})"
            if name in (XLINK_HREF, "href") and not value.startswith(("#", "data:image/png;base64,")):
                return "refers to something outside the file"
            if LOCAL_URL.search(value):
                return "refers to something outside the file"
    return None


@dataclass
class CheckedImages:
    """The images that passed (zip name -> bytes) and what was left out, with why (label -> reason)."""

    style: str = DEFAULT_EXPORT_STYLE
    accepted: dict[str, bytes] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)


def _decoded(entry: Mapping[str, Any], fmt: str) -> tuple[bytes | None, str | None]:
    data = entry.get("data")
    if not isinstance(data, str):
        return None, "no image data"
    if fmt == "png":
        if len(data) > IMAGE_LIMITS.png_bytes * 4 // 3 + 4:
            return None, "larger than the export allows"
        try:
            return base64.b64decode(data, validate=True), None
        except (binascii.Error, ValueError):
            return None, "not base64"
    if len(data) > IMAGE_LIMITS.svg_bytes:
        return None, "larger than the export allows"
    return data.encode("utf-8", "replace"), None


def _named(value: Any, names: Collection[str]) -> bool:
    """True when untrusted ``value`` is one of ``names`` (a list or dict is not: unhashable values never look up)."""
    return isinstance(value, str) and value in names


def checked_images(payload: Any) -> CheckedImages:
    """The images of a Download-all request (``renderImages`` in assets/export.js) that may go into the zip.

    ``payload`` is untrusted: ``{"style": ..., "images": [{"panel", "format", "data"}, ...],
    "skipped": [{"panel", "format", "reason"}, ...]}``. A PNG must be base64 of a well-formed PNG
    of exactly the style's size, an SVG plain SVG (``svg_problem``); each within
    ``IMAGE_LIMITS``. Everything else is left out and the README says why.
    """
    result = CheckedImages()
    if not isinstance(payload, Mapping):
        return result
    style = payload.get("style")
    if isinstance(style, str) and style in EXPORT_STYLES:
        result.style = style
    elif style is not None:
        result.left_out["all images"] = "unknown export size"
        return result
    size = EXPORT_STYLES[result.style].png_size
    entries = payload.get("images")
    entries = entries if isinstance(entries, list) else []
    total = 0
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        panel_id, fmt = entry.get("panel"), entry.get("format")
        if not (_named(panel_id, PANEL_BY_ID) and _named(fmt, IMAGE_FORMATS)):
            continue
        name = image_name(str(panel_id), str(fmt), result.style)
        if name in result.accepted or name in result.left_out:
            continue
        if index >= IMAGE_LIMITS.count:
            result.left_out[name] = "more images than the export allows"
            continue
        data, problem = _decoded(entry, str(fmt))
        if data is not None:
            limit = IMAGE_LIMITS.png_bytes if fmt == "png" else IMAGE_LIMITS.svg_bytes
            if len(data) > limit or total + len(data) > IMAGE_LIMITS.total_bytes:
                problem = "larger than the export allows"
            else:
                problem = png_problem(data, size) if fmt == "png" else svg_problem(data.decode("utf-8"))
        if problem is not None or data is None:
            result.left_out[name] = f"rejected: {problem}"
            continue
        result.accepted[name] = data
        total += len(data)
    skipped = payload.get("skipped")
    for entry in skipped if isinstance(skipped, list) else []:
        if isinstance(entry, Mapping) and _named(entry.get("panel"), PANEL_BY_ID) and _named(entry.get("format"),
                                                                                            IMAGE_FORMATS):
            name = image_name(str(entry["panel"]), str(entry["format"]), result.style)
            if name not in result.accepted:
                result.left_out.setdefault(name, IMAGE_REASONS.get(str(entry.get("reason")), "not rendered"))
    return result


# --- the zip -------------------------------------------------------------------------------------------------

def readme(state: AppState, panels: Sequence[Panel], images: CheckedImages) -> str:
    """README.md of the zip: the state, what each file is, which images are in it, how to cite."""
    from components.page.about import REFERENCES  # the About page's citations (imports dash: only when zipping)

    query = to_query(state) or "(the defaults: no query)"
    look = EXPORT_STYLES[images.style]
    lines = [
        "# qdgain export", "",
        f"Made by qdgain {__version__} for the state of the link query `{query}` (append it to the dashboard's "
        "address to open this state again).", "",
        "## Files", "",
        "* `README.md`: this file.",
        "* `parameters.json`: every parameter, the view settings and the link query, with the qdgain version.",
        "* `qdgain_<panel>.csv`: exactly the plotted data of a panel, long layout (a row per point: trace, x, y "
        "(z for maps), `kind` = model / measured / preset / operating / paper_model, the point's `label` and "
        "`source`). Values at full float64 precision; `#` lines give the version, the link and every parameter; "
        "plain ASCII.",
        "* `qdgain_<panel>_wide.csv`: the same data, a column per trace (traces with the same x share an x "
        "column); a map as a matrix (a row per y, a column per x).",
        f"* `images/qdgain_<panel>_{images.style}.png` and `.svg`: the panels the page had drawn, at the export "
        f"size {look.describe()}.", "",
        "| panel | title | reproduces | files |", "| --- | --- | --- | --- |",
    ]
    for panel in panels:
        files = [csv_name(panel.id), csv_name(panel.id, "wide")]
        files += [name for name in (image_name(panel.id, fmt, images.style) for fmt in IMAGE_FORMATS)
                  if name in images.accepted]
        lines.append(f"| {panel.id} | {panel.title} | {panel.reproduces} | {', '.join(f'`{f}`' for f in files)} |")
    lines += ["", "## Images", ""]
    if images.accepted:
        lines += [f"* included: `{name}`" for name in sorted(images.accepted)]
    else:
        lines.append("* included: none")
    missing = {image_name(p.id, fmt, images.style): IMAGE_REASONS["not_drawn"] for p in panels
               for fmt in IMAGE_FORMATS}
    missing.update(images.left_out)
    by_reason: dict[str, list[str]] = {}
    for name, reason in sorted(missing.items()):
        if name not in images.accepted:
            by_reason.setdefault(reason, []).append(f"`{name}`")
    lines += [f"* not included, {reason}: {', '.join(names)}" for reason, names in by_reason.items()]
    lines += [
        "", "The server draws no images: they are rendered by your browser from the graphs on the page when you "
        "press Download all, so only the open tab's panels (and the spectra) can be included.", "",
        "## How to cite", "",
        f"Please cite the software, qdgain {__version__} (`CITATION.cff` in its repository), and the papers whose "
        "physics it implements (docs/references.md in the repository says what each contributes):", "",
    ]
    lines += [f"* {tag} {text}" for tag, text in REFERENCES]
    return "\n".join(lines) + "\n"


def bundle_zip(state: AppState, panels: Iterable[Panel] = PANELS, images: CheckedImages | None = None) -> bytes:
    """A zip of every panel's CSV (long and wide), ``parameters.json``, the checked images and a README."""
    panels = tuple(panels)
    images = images or CheckedImages()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(state, panels, images))
        archive.writestr("parameters.json", parameters_json(state))
        for panel in panels:
            figure = panel_figure(state, panel)
            for layout in CSV_LAYOUTS:
                archive.writestr(csv_name(panel.id, layout), figure_csv(figure, state, panel, layout))
        for name, data in images.accepted.items():
            # PNGs are compressed already: stored, not deflated again
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name.endswith(".png") else None)
    return buffer.getvalue()


# --- what the browser needs ----------------------------------------------------------------------------------

def export_spec() -> dict[str, Any]:
    """The export styles, limits and ids for ``assets/export.js`` (a dcc.Store)."""
    return {
        "base_font_px": BASE_FONT_PX,
        "styles": {name: dataclasses.asdict(look) for name, look in EXPORT_STYLES.items()},
        "panels": [{"id": panel_id, "graph": ids.graph(panel_id), "filename": f"qdgain_{panel_id}"}
                   for panel_id in PANEL_IDS],
        "buttons": {**{ids.png_button(p): [p, "png"] for p in PANEL_IDS},
                    **{ids.svg_button(p): [p, "svg"] for p in PANEL_IDS}},
        "limits": {"png_bytes": IMAGE_LIMITS.png_bytes, "svg_bytes": IMAGE_LIMITS.svg_bytes,
                   "total_bytes": IMAGE_LIMITS.total_bytes, "count": IMAGE_LIMITS.count},
    }

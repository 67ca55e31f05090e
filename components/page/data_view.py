"""The "Your data" view (``#data``): upload measured data, see it over the model, fit it, run long jobs.

The view's frame (``data_view``: cards, upload zone, messages, job boxes, result areas) is in
the main layout, because callbacks fed by main-layout stores write into it; its many form
boxes (``form_slots``: the fit's parameter rows, the map and sweep boxes) are created only
while the view is open (``callbacks.uploads.data_content``), like the Paper figures view, so
they add nothing to what the renderer checks on a slider move.
The datasets live in the browser's session storage (``ID.DATASETS_STORE``), never on the
server; the long computations (fit, high-resolution map, sweep) run as background jobs
(``components.page.jobs_panel.job_box``), with the request written by this view's forms.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import fields, ids
from components.ids import ID
from components.page.jobs_panel import job_box
from qdgain_core import FIELD_SPECS
from qdgain_core.datasets import DATASET_KINDS, THRESHOLD_AXES

MAX_DATASETS = 8
MAX_TOTAL_POINTS = 20_000
UPLOAD_MAX_BYTES = 512 * 1024
"""Largest file the page uploads (bytes): its base64 text must fit the request cap with the dialog's values
(the core itself reads up to ``qdgain_core.data_files.MAX_FILE_BYTES`` from the command line)."""

ENERGY_UNIT_CHOICES = ("meV", "eV", "nm")
PERSIST: dict[str, Any] = {"persistence": True, "persistence_type": "session"}
"""The forms are created each time the view opens: what the user typed or ticked comes back (this tab only)."""
FIT_ONLY: dict[str, tuple[str, str, float, float]] = {
    "n_scale": ("⟨N⟩ calibration n_scale (true ⟨N⟩ = n_scale × the data's)", "", 0.1, 10.0),
}
"""Fit-only parameters: label, unit, lower and upper bound (``qdgain_core.fitting``)."""

MAPPING_COLUMNS: dict[str, tuple[str, ...]] = {
    "spectra": ("energy_mev", "n_avg", "od_nl", "delta_a", "od_0", "n_doped", "sigma"),
    "thresholds": ("x", "n_th", "sigma"),
    "ase": ("fluence_mj_cm2", "output", "sigma"),
    "lifetimes": ("n_x", "n_doped", "gain_lifetime_ps", "sigma"),
    "doping": ("potential_mv", "n_doped", "sigma"),
}
"""The columns the mapping dialog asks for, per kind (``x``: the threshold axis chosen beside it)."""
if set(MAPPING_COLUMNS) != set(DATASET_KINDS):
    raise ValueError("MAPPING_COLUMNS must cover every dataset kind")

COLUMN_TEXT: dict[str, str] = {
    "energy_mev": "photon energy (unit chosen above)", "n_avg": "⟨N⟩ (excitons/dot)", "od_nl": "OD_NL (absolute OD)",
    "delta_a": "ΔA (instead of OD_NL)", "od_0": "OD_0 (with ΔA; or a linear-absorption file)",
    "n_doped": "⟨n_1S(e)⟩ (electrons/dot)", "sigma": "1σ error (optional)", "x": "abscissa (axis chosen above)",
    "n_th": "⟨N_th⟩ (excitons/dot)", "fluence_mj_cm2": "pump fluence (mJ/cm²)", "output": "ASE output (any unit)",
    "n_x": "⟨N_X⟩ (excitons/dot)", "gain_lifetime_ps": "gain lifetime (ps)", "potential_mv": "potential (mV)",
}
ALL_COLUMNS = tuple(dict.fromkeys(c for columns in MAPPING_COLUMNS.values() for c in columns))
if set(ALL_COLUMNS) - set(COLUMN_TEXT):
    raise ValueError(f"COLUMN_TEXT misses {sorted(set(ALL_COLUMNS) - set(COLUMN_TEXT))}")
NO_COLUMN = ""

SWEEP_AXES = 3
SWEEP_DEFAULTS = (("chi", 0.0, 2.0, 11, False), ("eta", 0.1, 100.0, 11, True), ("", 0.0, 1.0, 5, False))
MAP_POINTS_LIMITS = (41, 201)


def fit_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The float fields of GainParams grouped like the control column, then the fit-only parameters."""
    def floats(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(n for n in names if FIELD_SPECS[n].kind in ("float", "optional_float"))

    groups = (("Main", floats(fields.MAIN_FIELDS)),
              *((title, floats(names)) for title, names in fields.advanced_groups()))
    return (*((title, names) for title, names in groups if names), ("Fit only", tuple(FIT_ONLY)))


def fit_bounds(name: str) -> tuple[float, float]:
    """Default (and widest) bounds of a free parameter: the field's range, or the fit-only table's."""
    if name in FIT_ONLY:
        return FIT_ONLY[name][2], FIT_ONLY[name][3]
    return fields.bounds(name)


def fit_label(name: str) -> str:
    """Label of a fit parameter with its unit."""
    if name in FIT_ONLY:
        return FIT_ONLY[name][0]
    unit = fields.unit(name)
    return f"{fields.label(name)}" + (f" ({unit})" if unit else "")


def _number_box(box_id: Any, value: float, label: str, **extra: Any) -> html.Label:
    """A number box inside a label that screen readers read (the text is visually hidden: the column heads show it)."""
    return html.Label(className="number-label", children=[
        html.Span(label, className="visually-hidden"),
        dcc.Input(id=box_id, type="number", value=value, debounce=True, className="number-box", **PERSIST, **extra),
    ])


def upload_section() -> html.Section:
    """The file drop zone, its message line and the mapping dialog (filled once a file is read)."""
    kinds = ", ".join(kind.title.lower() for kind in DATASET_KINDS.values())
    return html.Section(className="card data-card", children=[
        html.Header(className="card-head", children=[html.H3("Add a data file")]),
        html.P(f"CSV, semicolon-, tab- or whitespace-separated text with a header line: {kinds}. Units: energy in "
               "meV, eV or nm, fluence in mJ/cm², times in ps, potential in mV (docs/data_formats.md). The file is "
               "read on the server and kept only in this browser tab.", className="section-blurb"),
        dcc.Upload(id=ID.UPLOAD, multiple=False, max_size=UPLOAD_MAX_BYTES, className="data-drop",
                   accept=".csv,.txt,.dat,.tsv,text/csv,text/plain",
                   children=html.Div(["Drop a file here or ", html.Span("choose one", className="link-like"),
                                      f" (up to {UPLOAD_MAX_BYTES // 1024} KiB)"])),
        html.P("", id=ID.UPLOAD_MESSAGE, className="data-message", role="status"),
        html.Div(id=ID.UPLOAD_MAPPING, className="data-mapping"),
    ])


def mapping_dialog(file: str, header: list[str], kind: str | None, mapping: dict[str, str],
                   energy_unit: str | None, preview: Any) -> html.Div:
    """Kind, name, units, a column for each canonical column, the ΔA linear-absorption file, preview and Add."""
    options = [{"label": "(none)", "value": NO_COLUMN}] + [{"label": c, "value": c} for c in header]
    kind = kind if kind in DATASET_KINDS else "spectra"
    rows = [html.Div(className="mapping-row", id={"type": "data-column-row", "column": column},
                     hidden=column not in MAPPING_COLUMNS[kind], children=[
                         html.Label(COLUMN_TEXT[column], className="mapping-label"),
                         dcc.Dropdown(id=ids.data_column(column), options=options, clearable=False,
                                      value=mapping.get(column, NO_COLUMN), className="mapping-choice"),
                     ]) for column in ALL_COLUMNS]
    return html.Div(className="mapping-dialog", children=[
        html.H4(f"Read “{file}” as"),
        html.Div(className="mapping-grid", children=[
            html.Label("kind", className="mapping-label"),
            dcc.Dropdown(id=ID.UPLOAD_KIND, clearable=False, value=kind, className="mapping-choice",
                         options=[{"label": k.title, "value": k.name} for k in DATASET_KINDS.values()]),
            html.Label("name", className="mapping-label"),
            dcc.Input(id=ID.UPLOAD_NAME, type="text", value=file, maxLength=64, debounce=True,
                      className="text-box"),
            html.Label("energy unit (spectra)", className="mapping-label"),
            dcc.RadioItems(id=ID.UPLOAD_UNIT, inline=True, value=energy_unit or "meV", className="inline-choice",
                           options=list(ENERGY_UNIT_CHOICES)),
            html.Label("threshold axis", className="mapping-label"),
            dcc.RadioItems(id=ID.UPLOAD_AXIS, inline=True, className="inline-choice",
                           value=mapping.get("x_name", "n_doped"),
                           options=[{"label": f"{name} ({unit or 'dimensionless'})", "value": name}
                                    for name, unit in THRESHOLD_AXES.items()]),
        ]),
        html.Div(rows, className="mapping-columns"),
        html.Div(className="mapping-linear", children=[
            dcc.Upload(id=ID.UPLOAD_LINEAR, multiple=False, max_size=UPLOAD_MAX_BYTES // 4, className="data-drop small",
                       children=html.Div("ΔA spectra: drop the linear-absorption file (energy, od_0) here")),
        ]),
        html.Div(preview, id=ID.UPLOAD_PREVIEW, className="data-preview"),
        html.Button("Add", id=ID.UPLOAD_ADD, n_clicks=0, className="button", disabled=True,
                    title="Add the dataset as previewed (it is kept in this browser tab only)"),
    ])


def datasets_section() -> html.Section:
    """The list of datasets with their remove and CSV buttons (filled by ``callbacks.uploads``)."""
    return html.Section(className="card data-card", children=[
        html.Header(className="card-head", children=[html.H3("Your datasets")]),
        html.P(f"At most {MAX_DATASETS} datasets and {MAX_TOTAL_POINTS:,} points in all. Each is drawn over its "
               "panel on the dashboard as “your data: <file>” (at most 400 points each) and is in that panel's CSV "
               "(kind = data).", className="section-blurb"),
        html.Div(id=ID.DATASET_LIST, className="data-list"),
        dcc.Download(id=ID.DATA_DOWNLOAD),
    ])


def fit_row(name: str) -> html.Div:
    """Checkbox and bound boxes of one parameter."""
    low, high = fit_bounds(name)
    label = fit_label(name)
    return html.Div(className="fit-row", children=[
        dcc.Checklist(id=ids.fit_free(name), options=[{"label": label, "value": name}], value=[],
                      className="fit-free", **PERSIST),
        _number_box(ids.fit_bound(name, "lo"), low, f"{label}: lower bound"),
        _number_box(ids.fit_bound(name, "hi"), high, f"{label}: upper bound"),
    ])


def fit_form() -> list[html.Details]:
    """The parameter groups of the fit form (created while the view is open)."""
    return [html.Details(open=title == "Main", className="fit-group", children=[
        html.Summary(title), html.Div([html.Span("parameter", className="fit-head"),
                                       html.Span("lower", className="fit-head"),
                                       html.Span("upper", className="fit-head")], className="fit-row fit-heads"),
        *[fit_row(name) for name in names]]) for title, names in fit_groups()]


def fit_section() -> html.Section:
    """The fit form's slot, message, job box and report."""
    return html.Section(className="card data-card fit-card", children=[
        html.Header(className="card-head", children=[html.H3("Fit the model to your data")]),
        html.P("Tick the parameters to fit; the others keep the dashboard's values. Bounds default to each field's "
               "range. The fit runs in the background; “Apply” makes its result the dashboard's state (and link).",
               className="section-blurb"),
        html.Div(id=ID.FIT_FORM_SLOT, className="fit-groups"),
        html.P("", id=ID.FIT_FORM_MESSAGE, className="data-message", role="status"),
        job_box("fit"),
        html.Div(id=ID.FIT_REPORT, className="fit-report"),
        dcc.Download(id=ID.FIT_DOWNLOAD),
    ])


def map_section() -> html.Section:
    """High-resolution (chi, eta) maps: points per axis and what eta holds; the result as a heatmap."""
    return html.Section(className="card data-card", children=[
        html.Header(className="card-head", children=[html.H3("High-resolution phase map")]),
        html.P("The (χ, η) maps of the Phase-diagram tab at up to 201 × 201 points, computed in the background.",
               className="section-blurb"),
        html.Div(id=ID.MAP_FORM_SLOT),
        html.P("", id=ID.MAP_JOB_MESSAGE, className="data-message", role="status"),
        job_box("map"),
        html.Div(id=ID.MAP_JOB_REPORT, className="job-report"),
    ])


def map_form() -> html.Div:
    """Points per axis and what eta holds (created while the view is open)."""
    return html.Div(className="mapping-grid", children=[
            html.Label("points per axis", className="mapping-label", htmlFor=ID.MAP_JOB_POINTS),
            _number_box(ID.MAP_JOB_POINTS, 101, "points per axis", min=MAP_POINTS_LIMITS[0], max=MAP_POINTS_LIMITS[1],
                        step=1),
            html.Label("η axis holds", className="mapping-label"),
            dcc.RadioItems(id=ID.MAP_JOB_HOLD, inline=True, value="", className="inline-choice", **PERSIST,
                           options=[{"label": "model default", "value": ""},
                                    {"label": "fine structure Δ_FS", "value": "fine_structure"},
                                    {"label": "Stokes shift Δ_SS", "value": "stokes"}]),
    ])


def sweep_row(axis: int) -> html.Div:
    """One sweep axis: field, start, stop, points, log (the third axis is optional: field empty)."""
    name, start, stop, points, log = SWEEP_DEFAULTS[axis]
    options = [{"label": "(none)" if axis == 2 else "(choose)", "value": ""}] + [
        {"label": fit_label(n), "value": n} for _, names in fit_groups()[:-1] for n in names]
    return html.Div(className="sweep-row", children=[
        html.Span(f"axis {axis + 1}", className="fit-head"),
        html.Div(dcc.Dropdown(id=ids.sweep_axis("name", axis), options=options, value=name, clearable=False,
                              **PERSIST), className="sweep-field"),
        _number_box(ids.sweep_axis("start", axis), start, f"axis {axis + 1} start"),
        _number_box(ids.sweep_axis("stop", axis), stop, f"axis {axis + 1} stop"),
        _number_box(ids.sweep_axis("points", axis), points, f"axis {axis + 1} points", min=2, max=101, step=1),
        dcc.Checklist(id=ids.sweep_axis("log", axis), options=[{"label": "log", "value": "log"}],
                      value=["log"] if log else [], className="fit-free", **PERSIST),
    ])


def sweep_form() -> list[html.Div]:
    """The axis rows of the sweep form (created while the view is open)."""
    heads = ("", "parameter", "start", "stop", "points", "")
    return [html.Div([html.Span(text, className="fit-head") for text in heads], className="sweep-row sweep-heads"),
            *[sweep_row(axis) for axis in range(SWEEP_AXES)]]


def form_slots() -> dict[str, Any]:
    """What the open view puts into the frame's slots."""
    return {"fit": fit_form(), "map": map_form(), "sweep": sweep_form()}


def sweep_section() -> html.Section:
    """A 2- or 3-axis parameter sweep with a table preview and CSV download."""
    return html.Section(className="card data-card", children=[
        html.Header(className="card-head", children=[html.H3("Parameter sweep")]),
        html.P("⟨N_th⟩, σ_eff/σ_SE, gain at ⟨N⟩ and the window threshold over a grid of 2 or 3 parameters (2–101 "
               "points each, at most 10,000 in all), the other parameters as on the dashboard.",
               className="section-blurb"),
        html.Div(id=ID.SWEEP_FORM_SLOT, className="sweep-rows"),
        html.P("", id=ID.SWEEP_MESSAGE, className="data-message", role="status"),
        job_box("sweep"),
        html.Div(id=ID.SWEEP_REPORT, className="job-report"),
    ])


def data_view() -> html.Main:
    """The view's frame (in the main layout; its forms come with ``form_slots``)."""
    return html.Main(className="data-page", children=[
        html.H2("Your data"),
        html.P("Bring measured spectra, thresholds, ASE curves, gain lifetimes or doping curves: they are drawn over "
               "the model's panels, and the model can be fitted to them.", className="section-blurb"),
        html.Div([upload_section(), datasets_section()], className="data-grid"),
        fit_section(),
        html.Div([map_section(), sweep_section()], className="data-grid"),
    ])

"""What the Your data view shows of a finished job: the fit report, the high-resolution maps, the sweep table.

Pure builders: the job's result JSON in (``qdgain_core.fitting.fit_result_to_json``, the map
job's JSON, ``qdgain_core.sweeps.sweep_table_to_json``), Dash components and figures out. The
fit report: values ± 1 sigma with units, chi^2/dof, the correlation matrix, residuals per
dataset, warnings and notes, and the link that makes the fitted parameters the dashboard's
state ("Apply", ``components.url_state.to_query``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import dcc, html

from components import ids
from components.figures.common import GAIN_COLORSCALE, TEMPLATE, axis_title, report_graph_config
from components.ids import ID
from components.state import AppState, ViewState, canonical
from components.url_state import to_query
from qdgain_core import FIELD_SPECS, __version__
from qdgain_core.datasets import DATASET_KINDS, THRESHOLD_AXES
from qdgain_core.fit_models import FIT_MODELS
from qdgain_core.fitting import FitResult, fit_report_csv, fit_result_from_json
from qdgain_core.sweeps import SweepTable, sweep_table_from_json

GRAPH_CONFIG: Any = report_graph_config()
RESIDUAL_X_AXES: dict[str, tuple[str, str, str]] = {
    "energy_mev": ("photon energy", "meV", "linear"),
    "n_doped": ("⟨n<sub>1S(e)</sub>⟩", "electrons/dot", "linear"),
    "plqy": ("PLQY", "", "linear"),
    "size_nm": ("diameter", "nm", "linear"),
    "fluence_mj_cm2": ("pump fluence", "mJ/cm²", "log"),
    "n_x": ("⟨N<sub>X</sub>⟩", "excitons/dot", "linear"),
    "potential_mv": ("electrode potential", "mV", "linear"),
}
"""Label, unit and axis type of every abscissa a fit residual can have (``qdgain_core.fit_models``)."""
RESIDUAL_Y_AXES: dict[str, tuple[str, str, str]] = {
    "spectra": ("OD<sub>NL</sub>", "OD", "linear"),
    "thresholds": ("⟨N<sub>th</sub>⟩", "excitons/dot", "linear"),
    "ase": ("ASE output", "the data's unit", "log"),
    "lifetimes": ("gain lifetime", "ps", "linear"),
    "doping": ("⟨n<sub>1S(e)</sub>⟩", "electrons/dot", "linear"),
}
"""Label, unit and axis type of the data of every dataset kind in the residual plots."""
if set(RESIDUAL_Y_AXES) != set(DATASET_KINDS) or set(RESIDUAL_X_AXES) != (
        {m.x_field for m in FIT_MODELS.values()} - {"x"}) | set(THRESHOLD_AXES):
    raise ValueError("RESIDUAL_X_AXES / RESIDUAL_Y_AXES must cover every abscissa and dataset kind")
SWEEP_PREVIEW_ROWS = 20
RESIDUAL_HEIGHT_PX = 260


@dataclass(frozen=True)
class FitSummary:
    """A finished fit as the view uses it: the result, each dataset's profiled scale by name, the <N> calibration."""

    result: FitResult
    scales: Mapping[str, float]
    n_scale: float
    request: Mapping[str, Any]


def _job_part(store: Any, key: str) -> Any:
    return store.get(key) if isinstance(store, Mapping) else None


def fit_from_store(store: Any) -> FitSummary | None:
    """The fit in a job-result store (``{"kind", "result", "request", ...}``), None when there is none or it is
    unusable (untrusted session storage)."""
    document = _job_part(store, "result")
    if not isinstance(document, Mapping):
        return None
    try:
        result = fit_result_from_json(document)
    except (ValueError, TypeError):
        return None
    scales = {name: float(scale) for name, scale in zip(result.datasets, result.scales, strict=True)
              if scale is not None and math.isfinite(scale) and scale > 0}
    n_scale = result.value("n_scale") if "n_scale" in result.names else 1.0
    request = _job_part(store, "request")
    return FitSummary(result, scales, n_scale if math.isfinite(n_scale) and n_scale > 0 else 1.0,
                      request if isinstance(request, Mapping) else {})


def _number(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}" if math.isfinite(value) else "not constrained"


def value_rows(result: FitResult) -> list[list[str]]:
    """One row per free parameter: name, value ± 1 sigma, unit, bounds."""
    rows = []
    for name, value, error, unit, (lo, hi) in zip(result.names, result.values, result.uncertainties, result.units,
                                                  result.bounds, strict=True):
        rows.append([name, f"{_number(float(value))} ± {_number(float(error), 2)}", unit or "—",
                     f"{lo:g} … {hi:g}"])
    return rows


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], class_name: str = "preview-table") -> html.Table:
    return html.Table(className=class_name, children=[
        html.Thead(html.Tr([html.Th(h) for h in header])),
        html.Tbody([html.Tr([html.Td(str(v)) for v in row]) for row in rows]),
    ])


def correlation_figure(result: FitResult) -> go.Figure:
    """The correlation matrix of the free parameters as a heatmap (-1 to 1, NaN: not constrained)."""
    matrix = np.where(np.isfinite(result.correlation), result.correlation, np.nan)
    figure = go.Figure(go.Heatmap(
        z=matrix, x=list(result.names), y=list(result.names), zmin=-1, zmax=1, colorscale=list(GAIN_COLORSCALE),
        text=[[f"{v:.2f}" if math.isfinite(v) else "—" for v in row] for row in matrix], texttemplate="%{text}",
        hovertemplate="%{y} · %{x}: %{z:.3f}<extra>correlation</extra>", colorbar={"title": {"text": "r"}}))
    size = 80 + 48 * len(result.names)
    figure.update_layout(template=TEMPLATE, title={"text": "Correlation of the fitted parameters"},
                         height=max(size, 260), margin={"l": 110, "r": 20, "t": 48, "b": 90},
                         yaxis={"autorange": "reversed"})
    return figure


def residual_figure(result: FitResult, index: int, file: str) -> go.Figure:
    """Data and model of one dataset at the best fit (top) and the normalised residuals (bottom)."""
    r = result.residuals[index]
    groups = np.unique(r.group) if r.group is not None else np.array([np.nan])
    figure = go.Figure()
    for group in groups:
        rows = np.ones(r.x.size, dtype=bool) if r.group is None else (r.group == group)
        order = np.argsort(r.x[rows], kind="stable")
        x = r.x[rows][order]
        tag = "" if r.group is None else f" ({r.group_name} = {group:.3g})"
        figure.add_scatter(x=x, y=r.data[rows][order], mode="markers", name=f"data{tag}", marker={"size": 5},
                           error_y={"type": "data", "array": r.sigma[rows][order], "visible": True, "thickness": 1})
        figure.add_scatter(x=x, y=r.model[rows][order], mode="lines", name=f"model{tag}")
        figure.add_scatter(x=x, y=r.normalised[rows][order], mode="markers", name=f"residual/σ{tag}", yaxis="y2",
                           marker={"size": 4, "symbol": "x"}, showlegend=False)
    scale = f" (scale {result.scales[index]:.4g})" if result.scales[index] is not None else ""
    x_label, x_unit, x_type = RESIDUAL_X_AXES[r.x_name]
    y_label, y_unit, y_type = RESIDUAL_Y_AXES[r.kind]
    figure.update_layout(
        template=TEMPLATE, height=RESIDUAL_HEIGHT_PX + 120,
        title={"text": f"{file}{scale}", "x": 0.02, "xanchor": "left"},
        xaxis={"title": {"text": axis_title(x_label, x_unit)}, "anchor": "y2", "type": x_type},
        legend={"orientation": "h", "y": -0.3},
        yaxis={"domain": [0.38, 1.0], "title": {"text": f"{y_label}: data, model ({y_unit})"}, "type": y_type},
        yaxis2={"domain": [0.0, 0.28], "anchor": "x", "title": {"text": axis_title("(d − m)/σ", "")},
                "zeroline": True},
        margin={"l": 64, "r": 16, "t": 48, "b": 40})
    return figure


def applied_state(result: FitResult, current: AppState) -> AppState:
    """The dashboard state with the fitted parameters, keeping the current preset and energy unit."""
    return AppState(canonical(result.params), ViewState(map_points=current.view.map_points, preset=current.view.preset,
                                                       hold=current.view.hold, energy_unit=current.view.energy_unit))


def apply_link(result: FitResult, current: AppState) -> str:
    """Relative link opening the dashboard in the fitted state (the link and Back work as for any state)."""
    return f"{to_query(applied_state(result, current)) or '?'}#dashboard"


def file_names(result: FitResult, files: Mapping[str, str]) -> list[str]:
    """The file of each fitted dataset (its name when the file is not known any more)."""
    return [files.get(name, name) for name in result.datasets]


def fit_report(summary: FitSummary, files: Mapping[str, str], current: AppState) -> list[Any]:
    """The report of a finished fit."""
    result = summary.result
    chi = (f"χ² = {result.chi2:.4g}, {result.dof} degrees of freedom, χ²/dof = {_number(result.reduced_chi2)}; "
           f"{result.n_evaluations} model evaluations; {'converged' if result.success else 'did not converge'}: "
           f"{result.message}")
    estimated = [f for f, e in zip(file_names(result, files), result.sigma_estimated, strict=True) if e]
    notes = list(result.notes) + ([f"σ estimated from the scatter at the best fit for: {', '.join(estimated)}"]
                                  if estimated else [])
    changed = [name for name in result.names if name in FIELD_SPECS]
    return [
        html.H4("Fit result"),
        _table(("parameter", "value ± 1σ", "unit", "bounds"), value_rows(result), "preview-table fit-values"),
        html.P(chi, className="preview-note"),
        html.Ul([html.Li(w) for w in result.warnings], className="fit-warnings") if result.warnings else
        html.P("No warnings.", className="preview-note ok"),
        html.Ul([html.Li(n) for n in notes], className="fit-notes") if notes else None,
        html.Div(className="fit-actions", children=[
            html.A("Apply: open the dashboard with these values →", href=apply_link(result, current),
                   className="button", id=ID.FIT_APPLY,
                   title=f"Sets {', '.join(changed) or 'nothing'} to the fitted values; the link keeps them"),
            html.Button("Report CSV", id=ids.fit_export("csv"), n_clicks=0, className="button small"),
            html.Button("Report JSON", id=ids.fit_export("json"), n_clicks=0,
                        className="button small"),
        ]),
        dcc.Graph(figure=correlation_figure(result), config=GRAPH_CONFIG, className="fit-graph")
        if len(result.names) > 1 else None,
        html.Div([dcc.Graph(figure=residual_figure(result, i, file), config=GRAPH_CONFIG, className="fit-graph")
                  for i, file in enumerate(file_names(result, files))], className="fit-residuals"),
    ]


def report_csv(result: FitResult, files: Mapping[str, str]) -> str:
    """The fit report CSV (``fit_report_csv``) with the data's file names and the qdgain version first."""
    head = f"# data files: {', '.join(file_names(result, files))}; qdgain {__version__}\n"
    return head + fit_report_csv(result)


def report_json(document: Mapping[str, Any], result: FitResult, files: Mapping[str, str]) -> str:
    """The fit result JSON with the data's file names and the qdgain version that showed it."""
    return json.dumps({**document, "data_files": file_names(result, files), "shown_by_qdgain": __version__},
                      indent=2, sort_keys=True)


def _grid(values: Any) -> np.ndarray:
    return np.array([[np.nan if v is None else float(v) for v in row] for row in values], dtype=float)


def map_figures(result: Any) -> list[go.Figure]:
    """The <N_th> and sigma_eff/sigma_SE heatmaps of a map job (chi across, eta up on a log axis)."""
    if not isinstance(result, Mapping):
        return []
    chi = [float(v) for v in result.get("chi_values") or []]
    eta = [float(v) for v in result.get("eta_values") or []]
    figures = []
    for key, title in (("n_th", "⟨N<sub>th</sub>⟩ (excitons/dot)"), ("sigma_ratio", "σ_eff/σ_SE")):
        z = _grid(result.get(key) or [])
        figure = go.Figure(go.Heatmap(x=chi, y=eta, z=z, colorscale="Viridis",
                                      colorbar={"title": {"text": title}},
                                      hovertemplate="χ = %{x:.3g}<br>η = %{y:.3g}<br>%{z:.4g}<extra></extra>"))
        figure.update_layout(template=TEMPLATE, height=360,
                             title={"text": f"{title} ({len(chi)} × {len(eta)}, holds {result.get('hold')}, "
                                            f"{result.get('method')} method)"},
                             xaxis={"title": {"text": axis_title("χ", "")}},
                             yaxis={"title": {"text": axis_title("η", "")}, "type": "log"})
        figures.append(figure)
    return figures


def sweep_from_result(result: Any) -> SweepTable | None:
    """The sweep table of a sweep job's result (None when unusable)."""
    try:
        return sweep_table_from_json(result) if isinstance(result, Mapping) else None
    except (ValueError, TypeError):
        return None


def sweep_preview(table: SweepTable) -> html.Div:
    """The first rows of a sweep with units (the whole table: the CSV button)."""
    header = [f"{c.name} ({c.unit})" if c.unit else c.name for c in table.columns] + ["note"]
    rows = [[f"{v:.4g}" for v in row] + [reason[:60]] for row, reason in
            zip(table.rows[:SWEEP_PREVIEW_ROWS], table.reasons, strict=False)]
    return html.Div([
        html.P(f"{table.rows.shape[0]} points over {', '.join(a.name for a in table.axes)}; the first "
               f"{min(SWEEP_PREVIEW_ROWS, table.rows.shape[0])}:", className="preview-note"),
        html.Div(_table(header, rows), className="table-scroll"),
    ])

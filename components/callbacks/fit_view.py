"""The Your data view's job forms and results: fit, high-resolution map, sweep.

Each form writes its job's request store (``ids.job_request(kind)``, read by the job
callbacks of ``callbacks.jobs`` when "Run" is pressed) or None with a message saying what is
missing. Every number box follows the project's input rule (``control_values.check_number``):
a value outside the allowed range is clamped to the nearest limit and the message names the
field, the value typed and the range; an empty box keeps its last valid value. The
parameters not fitted or swept are the dashboard's (the state store). Results come from the
job result stores (session storage: they survive a reload).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.callbacks.guard import guarded
from components.callbacks.uploads import stored_datasets
from components.control_values import NumberRule, check_number
from components.figures import fit_report
from components.ids import ID
from components.page import data_view
from components.state import state_from_store
from qdgain_core import FIELD_SPECS
from qdgain_core.datasets import dataset_to_json
from qdgain_core.fitting import FIT_PARAMETERS

MAX_FREE = 12  # components/jobs/requests.py accepts at most this many free parameters
MAX_SWEEP_POINTS = 10_000
FIT_NAMES = tuple(name for _, names in data_view.fit_groups() for name in names)
_unknown = sorted(set(FIT_NAMES) - set(FIT_PARAMETERS))
if _unknown:
    raise ValueError(f"the fit form offers parameters the fit does not know: {_unknown}")


def bound_rule(name: str) -> NumberRule:
    """The input rule of a bound box: the parameter's whole range."""
    low, high = data_view.fit_bounds(name)
    label = data_view.fit_label(name)
    return NumberRule(f"{label}: bound", "", low, high)


def _field_of(component_id: Any) -> str | None:
    name = component_id.get("field") if isinstance(component_id, Mapping) else None
    return name if isinstance(name, str) and name in FIT_NAMES else None


def fit_form(free_values: Sequence[Any], free_ids: Sequence[Any], lows: Sequence[Any], low_ids: Sequence[Any],
             highs: Sequence[Any]) -> dict[str, Any]:
    """Callback body: the ticked parameters and their bounds by the input rule (the boxes get the ruled values).

    The form store it writes is small; ``fit_request`` joins it with the datasets.
    """
    free = [name for value, cid in zip(free_values, free_ids, strict=False)
            if (name := _field_of(cid)) is not None and isinstance(value, list) and name in value]
    messages: list[str] = []
    checked_lows, checked_highs, bounds = [], [], {}
    for cid, low, high in zip(low_ids, lows, highs, strict=False):
        name = _field_of(cid)
        if name is None:
            checked_lows.append(no_update)
            checked_highs.append(no_update)
            continue
        default_low, default_high = data_view.fit_bounds(name)
        rule = bound_rule(name)
        lo = check_number(rule, low, default_low)
        hi = check_number(rule, high, default_high)
        messages += [m for m in (lo.message, hi.message) if m and name in free]
        checked_lows.append(lo.value if lo.value != low else no_update)
        checked_highs.append(hi.value if hi.value != high else no_update)
        bounds[name] = [float(lo.value), float(hi.value)]
    problems = [f"{data_view.fit_label(n)}: lower bound {bounds[n][0]:g} is not below the upper bound "
                f"{bounds[n][1]:g}" for n in free if n in bounds and bounds[n][0] >= bounds[n][1]]
    if not free:
        problems.append("tick at least one parameter to fit")
    if len(free) > MAX_FREE:
        problems.append(f"{len(free)} parameters ticked; at most {MAX_FREE} can be fitted at once")
    form = {"free": {name: bounds.get(name, list(data_view.fit_bounds(name))) for name in free},
            "messages": messages, "problems": problems}
    return {"form": form, "lows": checked_lows, "highs": checked_highs}


def fit_request(form: Any, store: Any, datasets: Any) -> dict[str, Any]:
    """Callback body: the fit request from the checked form, the dashboard's parameters and the datasets."""
    form = form if isinstance(form, Mapping) else {}
    free = form.get("free") if isinstance(form.get("free"), Mapping) else {}
    messages = [str(m) for m in form.get("messages", []) if isinstance(m, str)]
    problems = [str(p) for p in form.get("problems", []) if isinstance(p, str)]
    entries = stored_datasets(datasets)
    if not entries:
        problems.append("add a dataset first (above)")
    if problems or not free:
        return {"request": None, "message": " ".join([*messages, f"Not ready: {'; '.join(problems)}."])}
    state, _ = state_from_store(store)
    request = {"kind": "fit", "request": {
        "params": state.params.as_dict(), "datasets": [dataset_to_json(d) for _, _, d in entries],
        "free": {str(name): list(bounds) for name, bounds in free.items()}}}
    names = ", ".join(str(name) for name in free)
    ready = (f"Ready: {len(free)} free ({names}) against {len(entries)} dataset{'s' if len(entries) != 1 else ''}; "
             "the others as on the dashboard.")
    return {"request": request, "message": " ".join([*messages, ready])}


def _files(summary: Any) -> dict[str, str]:
    entries = [e for e in summary if isinstance(e, Mapping)] if isinstance(summary, list) else []
    return {str(e.get("name")): str(e.get("file")) for e in entries}


@guarded(lambda message: html.P(message, className="preview-note error"))
def fit_result_view(result: Any, summary: Any, store: Any) -> Any:
    """Callback body: the report of the last fit (nothing before one finished)."""
    fit = fit_report.fit_from_store(result)
    if fit is None:
        return None
    state, _ = state_from_store(store)
    return fit_report.fit_report(fit, _files(summary), state)


def fit_export(clicks: Sequence[Any], result: Any, summary: Any) -> Any:
    """Callback body: the fit report as CSV or JSON (with the data's file names and the qdgain version)."""
    trigger = dash.ctx.triggered_id if dash.ctx else None
    fit = fit_report.fit_from_store(result)
    if fit is None or not isinstance(trigger, Mapping) or not any(clicks or []):
        raise PreventUpdate
    files = _files(summary)
    if trigger.get("format") == "json":
        return dcc.send_string(fit_report.report_json(result["result"], fit.result, files), "qdgain_fit.json",
                               type="application/json")
    return dcc.send_string(fit_report.report_csv(fit.result, files), "qdgain_fit.csv", type="text/csv")


MAP_RULE = NumberRule("High-resolution map: points per axis", "points/axis", *data_view.MAP_POINTS_LIMITS,
                      integer=True)


def map_request(points: Any, hold: Any, store: Any) -> dict[str, Any]:
    """Callback body: the map request (points by the input rule; hold: the model's default when empty)."""
    checked = check_number(MAP_RULE, points, 101)
    state, _ = state_from_store(store)
    held = hold if hold in ("fine_structure", "stokes") else None
    if held == "fine_structure" and state.params.lineshape_model == "gaussian":
        return {"request": None, "points": no_update,
                "message": "The Gaussian Simple Model has no lattice width to dress: its maps hold the Stokes shift."}
    request = {"kind": "map", "request": {"params": state.params.as_dict(), "points": int(checked.value),
                                          "hold": held}}
    return {"request": request, "message": checked.message,
            "points": checked.value if checked.value != points else no_update}


def map_result_view(result: Any) -> Any:
    """Callback body: the maps of the last map job as heatmaps."""
    figures = fit_report.map_figures(result.get("result") if isinstance(result, Mapping) else None)
    return [dcc.Graph(figure=f, config=fit_report.GRAPH_CONFIG, className="fit-graph") for f in figures] or None


def sweep_rule(name: str, part: str) -> NumberRule:
    """The input rule of a sweep box: start/stop inside the field's range, points 2 to 101."""
    if part == "points":
        return NumberRule(f"sweep {name}: points", "", 2, 101, integer=True)
    low, high = data_view.fit_bounds(name)
    spec = FIELD_SPECS[name]
    return NumberRule(f"sweep {data_view.fit_label(name)}: {part}", spec.unit, low, high)


def sweep_request(names: Sequence[Any], starts: Sequence[Any], stops: Sequence[Any], points: Sequence[Any],
                  logs: Sequence[Any], store: Any) -> dict[str, Any]:
    """Callback body: the sweep request from the axis rows (a row without a field is left out)."""
    axes: list[dict[str, Any]] = []
    messages: list[str] = []
    problems: list[str] = []
    for index, name in enumerate(names):
        if not isinstance(name, str) or name not in FIELD_SPECS:
            continue
        low, high = data_view.fit_bounds(name)
        start = check_number(sweep_rule(name, "start"), starts[index], low)
        stop = check_number(sweep_rule(name, "stop"), stops[index], high)
        count = check_number(sweep_rule(name, "points"), points[index], 11)
        messages += [c.message for c in (start, stop, count) if c.message]
        log = isinstance(logs[index], list) and "log" in logs[index]
        if log and min(start.value, stop.value) <= 0:
            problems.append(f"axis {index + 1} ({name}): a log axis needs start and stop above 0")
        if start.value == stop.value:
            problems.append(f"axis {index + 1} ({name}): start and stop are equal")
        axes.append({"name": name, "start": float(start.value), "stop": float(stop.value),
                     "points": int(count.value), "log": log})
    chosen = [a["name"] for a in axes]
    if len(set(chosen)) != len(chosen):
        problems.append("two axes sweep the same parameter")
    if len(axes) < 2:
        problems.append("choose a parameter for at least two axes")
    total = 1
    for axis in axes:
        total *= int(axis["points"])
    if total > MAX_SWEEP_POINTS:
        problems.append(f"{total:,} points in all; at most {MAX_SWEEP_POINTS:,}")
    if problems:
        return {"request": None, "message": " ".join([*messages, f"Not ready: {'; '.join(problems)}."])}
    state, _ = state_from_store(store)
    return {"request": {"kind": "sweep", "request": {"params": state.params.as_dict(), "axes": axes}},
            "message": " ".join([*messages, f"Ready: {total:,} points."])}


SWEEP_PARTS = {"names": "name", "starts": "start", "stops": "stop", "points": "points", "logs": "log"}


def sweep_result_view(result: Any) -> Any:
    """Callback body: the first rows of the last sweep."""
    table = fit_report.sweep_from_result(result.get("result") if isinstance(result, Mapping) else None)
    return fit_report.sweep_preview(table) if table is not None else None


def register() -> None:
    """Register the three forms and their result views."""
    dash.callback(
        output={"form": Output(ID.FIT_FORM_STORE, "data"),
                "lows": Output(ids.fit_bound(ALL, "lo"), "value"), "highs": Output(ids.fit_bound(ALL, "hi"), "value")},
        inputs={"free_values": Input(ids.fit_free(ALL), "value"), "free_ids": State(ids.fit_free(ALL), "id"),
                "lows": Input(ids.fit_bound(ALL, "lo"), "value"), "low_ids": State(ids.fit_bound(ALL, "lo"), "id"),
                "highs": Input(ids.fit_bound(ALL, "hi"), "value")},
    )(guarded(lambda message: {"form": {"free": {}, "messages": [], "problems": [message]}, "lows": no_update,
                               "highs": no_update})(fit_form))
    dash.callback(  # its output names no pattern id: the body cap can let its datasets through (uploads.py)
        output={"request": Output(ids.job_request("fit"), "data"), "message": Output(ID.FIT_FORM_MESSAGE, "children")},
        inputs={"form": Input(ID.FIT_FORM_STORE, "data"), "store": State(ID.STATE_STORE, "data"),
                "datasets": Input(ID.DATASETS_STORE, "data")},
    )(guarded(lambda message: {"request": None, "message": message})(fit_request))
    dash.callback(Output(ID.FIT_REPORT, "children"), Input(ids.job_result("fit"), "data"),
                  Input(ID.DATASETS_SUMMARY, "data"), State(ID.STATE_STORE, "data"))(fit_result_view)
    dash.callback(Output(ID.FIT_DOWNLOAD, "data"), Input(ids.fit_export(ALL), "n_clicks"),
                  State(ids.job_result("fit"), "data"), State(ID.DATASETS_SUMMARY, "data"),
                  prevent_initial_call=True)(fit_export)
    dash.callback(output={"request": Output(ids.job_request("map"), "data"),
                          "message": Output(ID.MAP_JOB_MESSAGE, "children"),
                          "points": Output(ID.MAP_JOB_POINTS, "value")},
                  inputs={"points": Input(ID.MAP_JOB_POINTS, "value"), "hold": Input(ID.MAP_JOB_HOLD, "value"),
                          "store": State(ID.STATE_STORE, "data")})(
        guarded(lambda message: {"request": None, "message": message, "points": no_update})(map_request))
    dash.callback(Output(ID.MAP_JOB_REPORT, "children"), Input(ids.job_result("map"), "data"))(
        guarded(lambda message: html.P(message, className="preview-note error"))(map_result_view))
    dash.callback(output={"request": Output(ids.job_request("sweep"), "data"),
                          "message": Output(ID.SWEEP_MESSAGE, "children")},
                  inputs={key: Input(ids.sweep_axis(part, ALL), "value") for key, part in SWEEP_PARTS.items()}
                  | {"store": State(ID.STATE_STORE, "data")})(
        guarded(lambda message: {"request": None, "message": message})(sweep_request))
    dash.callback(Output(ID.SWEEP_REPORT, "children"), Input(ids.job_result("sweep"), "data"))(
        guarded(lambda message: html.P(message, className="preview-note error"))(sweep_result_view))

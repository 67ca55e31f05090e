"""The "Your data" view's datasets: upload, mapping dialog, preview, add, list, remove, CSV, and the overlays.

* ``data_content``: the view's components while it is open (nothing otherwise);
* ``read_upload``: a dropped file is decoded (never written to disk) and sniffed
  (``qdgain_core.data_files.sniff``); the mapping dialog opens with the suggested kind and columns;
* ``preview``: every change of the dialog reads the file as chosen (``read_dataset``) and shows the
  first rows in the canonical columns with units, or the problem with its line; "Add" is enabled
  only when the file reads;
* ``add``: reads it again (the server trusts no earlier answer) and appends it to the session store
  (a ``Patch``: the full store never travels with the file), within the caps of ``data_view``;
* ``summarize``: the session store gives the small summary the forms read and the two overlay
  stores the figures draw (``figures.data_overlay``, scaled by the last fit when there is one);
* ``remove`` / ``export``: a dataset's buttons in the list.

A bad file changes nothing: the message names the line and the problem.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import dash
from dash import ALL, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.callbacks.guard import guarded
from components.figures import data_overlay
from components.figures.fit_report import fit_from_store
from components.ids import ID
from components.page import data_view
from components.page.layout import DATA_TAB
from components.panels import PANEL_TABS
from qdgain_core import data_files
from qdgain_core.datasets import (
    ARRAY_FIELDS,
    DATASET_KINDS,
    THRESHOLD_AXES,
    Dataset,
    dataset_from_json,
    dataset_points,
    dataset_to_json,
)

PREVIEW_ROWS = 8
MAX_FILE_NAME = 64
UNIT_OF_SNIFF = {"energy_mev": "meV", "energy_ev": "eV", "wavelength_nm": "nm"}
CANONICAL_UNITS: dict[str, str] = {
    "energy_mev": "meV", "n_avg": "excitons/dot", "od_nl": "OD", "n_doped": "electrons/dot", "sigma": "same unit",
    "x": "", "n_th": "excitons/dot", "fluence_mj_cm2": "mJ/cm²", "output": "arb. units", "n_x": "excitons/dot",
    "gain_lifetime_ps": "ps", "potential_mv": "mV",
}
OVERLAY_TABS = tuple(tab.value for tab in PANEL_TABS if set(tab.panel_ids) & data_overlay.OVERLAY_PANELS)


DATA_BODY_BYTES = 4 * 1024 * 1024
"""Cap of the requests that carry the whole session store of datasets (<= 20_000 points as JSON text)."""


def data_body_limits() -> dict[str, int]:
    """Callback outputs whose request carries the datasets, with their body cap (``server.limits``)."""
    outputs = (f"..{ID.DATASETS_SUMMARY}.data...{ID.SPECTRA_OVERLAY}.data...{ID.PANEL_OVERLAY}.data..",
               f"{ID.DATA_DOWNLOAD}.data", f"..{ids.job_request('fit')}.data...{ID.FIT_FORM_MESSAGE}.children..")
    return dict.fromkeys(outputs, DATA_BODY_BYTES)


class UploadError(ValueError):
    """An upload that cannot be used (not base64, too large, no file name)."""


def data_content(view: Any) -> dict[str, Any]:
    """Callback body: the Your data view's forms while it is open, nothing otherwise."""
    if view != DATA_TAB:
        return {"fit": None, "map": None, "sweep": None}
    return data_view.form_slots()


def file_name(name: Any) -> str:
    """The uploaded file's name, cut to MAX_FILE_NAME characters ("data" when none)."""
    text = name if isinstance(name, str) and name.strip() else "data"
    return text.strip().replace("\n", " ")[:MAX_FILE_NAME]


def decoded(contents: Any, limit: int = data_view.UPLOAD_MAX_BYTES) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL (``data:<type>;base64,<text>``); raises UploadError."""
    if not isinstance(contents, str) or "," not in contents:
        raise UploadError("the upload is not a file (expected a data URL)")
    head, _, body = contents.partition(",")
    if not head.endswith(";base64"):
        raise UploadError("the upload is not base64-encoded")
    if len(body) > (limit * 4) // 3 + 8:
        raise UploadError(f"the file is larger than {limit // 1024} KiB")
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise UploadError("the upload is not valid base64") from None
    if len(raw) > limit:
        raise UploadError(f"the file is larger than {limit // 1024} KiB")
    return raw


def _error_text(file: str, error: Exception) -> str:
    return f"“{file}” was not added: {error}"


def read_upload(contents: Any, filename: Any) -> dict[str, Any]:
    """Callback body: sniff a dropped file and open the mapping dialog (or say what is wrong with it)."""
    if contents is None:
        raise PreventUpdate
    file = file_name(filename)
    try:
        table = data_files.sniff(decoded(contents), name=file)
    except (UploadError, data_files.DataFileError) as error:
        return {"message": _error_text(file, error), "dialog": None}
    header = list(table.columns)
    mapping = dict(table.suggested_mapping)
    if table.threshold_axis in mapping:  # the threshold axis is one dialog row ("x") whose choice is the axis
        mapping["x"] = mapping[table.threshold_axis]
        mapping["x_name"] = table.threshold_axis
    unit = UNIT_OF_SNIFF.get(table.energy_unit or "")
    raw_table = html.Div(className="raw-preview", children=[
        html.P(f"{table.row_count} data rows, separated by {delimiter_text(table.delimiter)}; the first rows as "
               "in the file:", className="preview-note"),
        rows_table(header, [list(row) for row in table.rows[:PREVIEW_ROWS]]),
    ])
    dialog = data_view.mapping_dialog(file, header, table.suggested_kind, mapping, unit, raw_table)
    kind = table.suggested_kind
    found = f"looks like {DATASET_KINDS[kind].title.lower()}" if kind in DATASET_KINDS else "kind not recognised"
    return {"message": f"Read “{file}”: {len(header)} columns, {table.row_count} rows ({found}). Check the "
                       "columns below, then Add.", "dialog": dialog}


def delimiter_text(delimiter: Any) -> str:
    """How the preview names a delimiter."""
    return {",": "commas", ";": "semicolons", "\t": "tabs"}.get(delimiter, "whitespace")


def rows_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> html.Table:
    """A small HTML table (cells cut to 24 characters)."""
    def cell(value: Any) -> str:
        text = f"{value:.6g}" if isinstance(value, float) else str(value)
        return text if len(text) <= 24 else text[:24] + "…"

    return html.Table(className="preview-table", children=[
        html.Thead(html.Tr([html.Th(cell(h)) for h in header])),
        html.Tbody([html.Tr([html.Td(cell(v)) for v in row]) for row in rows]),
    ])


def chosen_mapping(kind: str, axis: Any, columns: Mapping[str, Any]) -> dict[str, str]:
    """{canonical column: file column} of the dialog's rows for ``kind`` (unset rows left out)."""
    axis = axis if axis in THRESHOLD_AXES else "n_doped"
    mapping = {}
    for column in data_view.MAPPING_COLUMNS[kind]:
        chosen = columns.get(column)
        if isinstance(chosen, str) and chosen:
            mapping[axis if column == "x" else column] = chosen[:64]
    return mapping


def read_choice(contents: Any, filename: Any, kind: Any, name: Any, unit: Any, axis: Any,
                columns: Mapping[str, Any], linear: Any) -> Dataset:
    """The dataset the dialog describes (raises UploadError or DataFileError naming the problem)."""
    if kind not in DATASET_KINDS:
        raise UploadError(f"kind: {str(kind)[:24]!r} is not one of {', '.join(DATASET_KINDS)}")
    text_name = name.strip()[:MAX_FILE_NAME] if isinstance(name, str) and name.strip() else file_name(filename)
    linear_bytes = decoded(linear, data_view.UPLOAD_MAX_BYTES // 4) if linear else None
    return data_files.read_dataset(
        decoded(contents), kind=kind, name=text_name, mapping=chosen_mapping(kind, axis, columns) or None,
        energy_unit=unit if unit in data_view.ENERGY_UNIT_CHOICES else None,
        linear_absorption=linear_bytes, threshold_axis=axis if kind == "thresholds" and axis in THRESHOLD_AXES
        else None)


def dataset_preview(dataset: Dataset) -> html.Div:
    """The first rows of a read dataset in its canonical columns, with units."""
    document = dataset_to_json(dataset)
    names = [c for c in _columns(dataset) if document.get(c) is not None]
    header = [f"{name} ({unit})" if (unit := _unit(dataset, name)) else name for name in names]
    rows = [[document[name][i] for name in names] for i in range(min(PREVIEW_ROWS, dataset_points(dataset)))]
    return html.Div(className="read-preview", children=[
        html.P(f"As read: {dataset_points(dataset)} points of {DATASET_KINDS[dataset.kind].title.lower()}, "
               f"name “{dataset.name}”.", className="preview-note ok"),
        rows_table(header, rows),
    ])


def _columns(dataset: Dataset) -> list[str]:
    return [*ARRAY_FIELDS[dataset.kind], "sigma"]


def _unit(dataset: Dataset, name: str) -> str:
    if name == "x":
        return THRESHOLD_AXES.get(getattr(dataset, "x_name", ""), "")
    return CANONICAL_UNITS.get(name, "")


def preview(kind: Any, name: Any, unit: Any, axis: Any, column_values: Sequence[Any], column_ids: Sequence[Any],
            linear: Any, contents: Any, filename: Any) -> dict[str, Any]:
    """Callback body: read the file as the dialog says; the canonical preview or the problem, and Add's state."""
    kind_shown = kind if kind in DATASET_KINDS else "spectra"
    hidden = [not (isinstance(i, Mapping) and i.get("column") in data_view.MAPPING_COLUMNS[kind_shown])
              for i in column_ids]
    columns = dialog_columns(column_ids, column_values)
    try:
        dataset = read_choice(contents, filename, kind, name, unit, axis, columns, linear)
    except (UploadError, data_files.DataFileError, ValueError) as error:
        return {"preview": html.P(f"Cannot read it this way: {error}", className="preview-note error"),
                "disabled": True, "hidden": hidden}
    return {"preview": dataset_preview(dataset), "disabled": False, "hidden": hidden}


def dialog_columns(column_ids: Sequence[Any], column_values: Sequence[Any]) -> dict[str, Any]:
    """{canonical column: chosen file column} from the dialog's pattern-matching dropdowns."""
    return {str(i.get("column")): v for i, v in zip(column_ids, column_values, strict=False) if isinstance(i, Mapping)}


def summary_points(summary: Any) -> tuple[int, int]:
    """(datasets, points) in the summary store (untrusted: garbage counts as empty)."""
    entries = [e for e in summary if isinstance(e, Mapping)] if isinstance(summary, list) else []
    points = sum(int(e.get("points", 0)) for e in entries if isinstance(e.get("points"), int))
    return len(entries), points


def add(clicks: Any, kind: Any, name: Any, unit: Any, axis: Any, column_values: Sequence[Any],
        column_ids: Sequence[Any], linear: Any, contents: Any, filename: Any, summary: Any) -> dict[str, Any]:
    """Callback body of Add: append the dataset to the session store, or say why not (nothing changes)."""
    if not clicks or contents is None:
        raise PreventUpdate
    file = file_name(filename)
    columns = dialog_columns(column_ids, column_values)
    try:
        dataset = read_choice(contents, filename, kind, name, unit, axis, columns, linear)
    except (UploadError, data_files.DataFileError, ValueError) as error:
        return {"store": no_update, "message": _error_text(file, error), "dialog": no_update}
    count, points = summary_points(summary)
    new_points = dataset_points(dataset)
    if count >= data_view.MAX_DATASETS:
        return {"store": no_update, "dialog": no_update,
                "message": f"“{file}” was not added: {count} datasets are kept, at most {data_view.MAX_DATASETS}; "
                           "remove one first."}
    if points + new_points > data_view.MAX_TOTAL_POINTS:
        return {"store": no_update, "dialog": no_update,
                "message": f"“{file}” was not added: its {new_points} points and the {points} kept exceed "
                           f"{data_view.MAX_TOTAL_POINTS:,} points in all; remove a dataset first."}
    patch = Patch()
    patch.append({"id": secrets.token_hex(4), "file": file, "dataset": dataset_to_json(dataset)})
    return {"store": patch, "dialog": None,
            "message": f"Added “{dataset.name}” ({new_points} points of {DATASET_KINDS[dataset.kind].title.lower()})."}


def stored_datasets(store: Any) -> list[tuple[str, str, Dataset]]:
    """(id, file, dataset) of every usable entry of the (untrusted) session store; unusable entries are skipped."""
    out: list[tuple[str, str, Dataset]] = []
    if not isinstance(store, list):
        return out
    for entry in store[:data_view.MAX_DATASETS]:
        if not isinstance(entry, Mapping):
            continue
        try:
            dataset = dataset_from_json(entry.get("dataset"))  # type: ignore[arg-type]  # checked inside
        except (ValueError, TypeError):
            continue
        out.append((str(entry.get("id", ""))[:16], file_name(entry.get("file")), dataset))
    return out


@guarded(lambda message: {"summary": [], "spectra": None, "panels": None})
def summarize(store: Any, fit_result: Any = None) -> dict[str, Any]:
    """Callback body: the summary the forms read and the two overlay stores (scaled by the last fit)."""
    datasets = stored_datasets(store)
    fit = fit_from_store(fit_result)
    scales = fit.scales if fit is not None else {}
    n_scale = fit.n_scale if fit is not None else 1.0
    entries = [(file, dataset) for _, file, dataset in datasets]
    return {
        "summary": [{"id": i, "file": file, "name": d.name, "kind": d.kind, "points": dataset_points(d),
                     "x_name": getattr(d, "x_name", None)} for i, file, d in datasets],
        "spectra": data_overlay.spectra_store(entries, scales, n_scale),
        "panels": data_overlay.panel_store(entries, scales),
    }


def dataset_list(summary: Any) -> Any:
    """Callback body: the list of datasets with their buttons."""
    entries = [e for e in summary if isinstance(e, Mapping)] if isinstance(summary, list) else []
    if not entries:
        return html.P("No datasets yet: add a file above.", className="preview-note")
    items = []
    for entry in entries:
        kind = DATASET_KINDS.get(str(entry.get("kind")))
        where = ", ".join(data_overlay.DATA_PANELS.get(str(entry.get("kind")), ()))
        items.append(html.Li(className="data-item", children=[
            html.Span([html.Strong(str(entry.get("name", ""))[:64]),
                       f" · {kind.title.lower() if kind else '?'} · {entry.get('points')} points · file "
                       f"{str(entry.get('file', ''))[:64]}"], className="data-item-text", title=f"drawn on: {where}"),
            html.Button("CSV", id=ids.data_export(entry.get("id")), n_clicks=0, className="button small",
                        title="Download this dataset in its canonical layout"),
            html.Button("Remove", id=ids.data_remove(entry.get("id")), n_clicks=0, className="button small",
                        title="Remove this dataset (from this browser tab)"),
        ]))
    count, points = summary_points(entries)
    return [html.Ul(items, className="data-items"),
            html.P(f"{count} of {data_view.MAX_DATASETS} datasets, {points:,} of {data_view.MAX_TOTAL_POINTS:,} "
                   "points.", className="preview-note")]


def _pressed(clicks: Sequence[Any], button_ids: Sequence[Any]) -> Any:
    """The dataset id of the pressed button (None when the trigger is not a press)."""
    triggered = ctx.triggered_id if ctx else None
    if isinstance(triggered, Mapping):
        for button, count in zip(button_ids, clicks, strict=False):
            if button == triggered and count:
                return triggered.get("dataset")
    return None


def remove(clicks: Sequence[Any], button_ids: Sequence[Any], summary: Any) -> Any:
    """Callback body: drop the pressed dataset from the session store."""
    target = _pressed(clicks, button_ids)
    order = [e.get("id") for e in summary if isinstance(e, Mapping)] if isinstance(summary, list) else []
    if target is None or target not in order:
        raise PreventUpdate
    patch = Patch()
    del patch[order.index(target)]
    return patch


def export(clicks: Sequence[Any], button_ids: Sequence[Any], store: Any) -> Any:
    """Callback body: the pressed dataset as CSV in its canonical layout."""
    target = _pressed(clicks, button_ids)
    for dataset_id, file, dataset in stored_datasets(store):
        if target is not None and dataset_id == target:
            stem = file.rsplit(".", 1)[0] or "data"
            return dcc.send_string(data_files.dataset_to_csv(dataset), f"qdgain_data_{stem}.csv", type="text/csv")
    raise PreventUpdate


def reset_overlay_tabs(_: Any) -> list[Any]:
    """Callback body: the tabs that draw data forget what they drew, so they draw the new overlay when opened."""
    return [None for _ in OVERLAY_TABS]


def register() -> None:
    """Register the view's content, the upload dialog, the dataset list and the overlays."""
    dash.callback(output={"fit": Output(ID.FIT_FORM_SLOT, "children"), "map": Output(ID.MAP_FORM_SLOT, "children"),
                          "sweep": Output(ID.SWEEP_FORM_SLOT, "children")},
                  inputs={"view": Input(ID.VIEW, "value")}, prevent_initial_call=True)(data_content)
    dash.callback(output={"message": Output(ID.UPLOAD_MESSAGE, "children"),
                          "dialog": Output(ID.UPLOAD_MAPPING, "children")},
                  inputs={"contents": Input(ID.UPLOAD, "contents")},
                  state={"filename": State(ID.UPLOAD, "filename")}, prevent_initial_call=True)(
        guarded(lambda message: {"message": message, "dialog": None})(read_upload))
    dialog_state = {"kind": Input(ID.UPLOAD_KIND, "value"), "name": Input(ID.UPLOAD_NAME, "value"),
                    "unit": Input(ID.UPLOAD_UNIT, "value"), "axis": Input(ID.UPLOAD_AXIS, "value"),
                    "column_values": Input(ids.data_column(ALL), "value"),
                    "column_ids": State(ids.data_column(ALL), "id"),
                    "linear": Input(ID.UPLOAD_LINEAR, "contents"),
                    "contents": State(ID.UPLOAD, "contents"), "filename": State(ID.UPLOAD, "filename")}
    dash.callback(output={"preview": Output(ID.UPLOAD_PREVIEW, "children"),
                          "disabled": Output(ID.UPLOAD_ADD, "disabled"),
                          "hidden": Output({"type": "data-column-row", "column": ALL}, "hidden")},
                  inputs=dialog_state)(
        guarded(lambda message: {"preview": message, "disabled": True, "hidden": no_update})(preview))
    dash.callback(output={"store": Output(ID.DATASETS_STORE, "data"), "message": Output(ID.UPLOAD_MESSAGE, "children",
                                                                                       allow_duplicate=True),
                          "dialog": Output(ID.UPLOAD_MAPPING, "children", allow_duplicate=True)},
                  inputs={"clicks": Input(ID.UPLOAD_ADD, "n_clicks")},
                  state={**{k: State(v.component_id, v.component_property) for k, v in dialog_state.items()},
                         "summary": State(ID.DATASETS_SUMMARY, "data")},
                  prevent_initial_call=True)(
        guarded(lambda message: {"store": no_update, "message": message, "dialog": no_update})(add))
    dash.callback(output={"summary": Output(ID.DATASETS_SUMMARY, "data"), "spectra": Output(ID.SPECTRA_OVERLAY, "data"),
                          "panels": Output(ID.PANEL_OVERLAY, "data")},
                  inputs={"store": Input(ID.DATASETS_STORE, "data"),
                          "fit_result": Input(ids.job_result("fit"), "data")},
                  )(summarize)
    dash.callback(Output(ID.DATASET_LIST, "children"), Input(ID.DATASETS_SUMMARY, "data"))(dataset_list)
    dash.callback(Output(ID.DATASETS_STORE, "data", allow_duplicate=True),
                  Input(ids.data_remove(ALL), "n_clicks"), State(ids.data_remove(ALL), "id"),
                  State(ID.DATASETS_SUMMARY, "data"), prevent_initial_call=True)(remove)
    dash.callback(Output(ID.DATA_DOWNLOAD, "data"), Input(ids.data_export(ALL), "n_clicks"),
                  State(ids.data_export(ALL), "id"), State(ID.DATASETS_STORE, "data"),
                  prevent_initial_call=True)(export)
    dash.callback([Output(ids.drawn_store(tab), "data", allow_duplicate=True) for tab in OVERLAY_TABS],
                  Input(ID.PANEL_OVERLAY, "data"), prevent_initial_call=True)(reset_overlay_tabs)

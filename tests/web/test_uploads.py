"""The Your data view's upload callbacks and the overlays: good and bad files, the caps, the store left unchanged
on a problem, the data drawn on the matching panels (decimated) and in their CSV as kind = data."""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path

import numpy as np
import pytest
from dash import Patch, html

import app as dashboard
from components.callbacks import downloads, figure_tabs, live, uploads
from components.figures import data_overlay
from components.ids import ID
from components.page import data_view
from components.state import default_state, state_to_store
from components.url_state import to_query
from qdgain_core.data_files import dataset_to_csv
from qdgain_core.datasets import dataset_from_json, dataset_to_json, make_dataset

EXAMPLES = Path(__file__).resolve().parents[2] / "qdgain_core" / "data" / "examples"
DIALOG_COLUMNS = [{"type": "data-column", "column": c} for c in data_view.ALL_COLUMNS]


def data_url(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return "data:text/csv;base64," + base64.b64encode(raw).decode()


def dialog(contents: str, filename: str, kind: str, axis: str = "n_doped", unit: str = "meV",
           columns: dict[str, str] | None = None) -> dict:
    """The arguments of ``preview`` / ``add`` for a dialog with ``columns`` chosen (the rest "(none)")."""
    chosen = columns or {}
    return {"kind": kind, "name": None, "unit": unit, "axis": axis,
            "column_values": [chosen.get(c, "") for c in data_view.ALL_COLUMNS], "column_ids": DIALOG_COLUMNS,
            "linear": None, "contents": contents, "filename": filename}


SPECTRA_COLUMNS = {"energy_mev": "energy_mev", "n_avg": "n_avg", "od_nl": "od_nl", "n_doped": "n_doped"}


def test_a_good_file_opens_the_dialog_with_its_kind_and_columns():
    answer = uploads.read_upload(data_url((EXAMPLES / "spectra.csv").read_text()), "spectra.csv")
    assert "looks like nonlinear absorption spectra" in answer["message"]
    text = str(answer["dialog"])
    assert "Read “spectra.csv” as" in text and "energy_mev" in text


def test_preview_and_add_read_the_file_as_chosen():
    contents = data_url((EXAMPLES / "spectra.csv").read_text())
    shown = uploads.preview(**dialog(contents, "spectra.csv", "spectra", columns=SPECTRA_COLUMNS))
    assert shown["disabled"] is False and "As read:" in str(shown["preview"])
    assert shown["hidden"][data_view.ALL_COLUMNS.index("n_th")] is True  # not a spectra column
    added = uploads.add(1, **dialog(contents, "spectra.csv", "spectra", columns=SPECTRA_COLUMNS), summary=[])
    assert isinstance(added["store"], Patch) and added["dialog"] is None and "Added" in added["message"]


@pytest.mark.parametrize(("text", "needle"), [
    ("energy_mev,n_avg,od_nl\n2000,0.5,0.1\n2010,0.5,abc\n", "line 3"),
    ("energy_mev,n_avg,od_nl\n2000,0.5,0.1\n2010,0.5,=1+1\n", "line 3"),
    ("energy_mev,n_avg,od_nl\n2000,-1,0.1\n", "line 2"),
])
def test_a_bad_file_names_the_line_and_changes_nothing(text, needle):
    contents = data_url(text)
    shown = uploads.preview(**dialog(contents, "bad.csv", "spectra", columns={
        "energy_mev": "energy_mev", "n_avg": "n_avg", "od_nl": "od_nl"}))
    assert shown["disabled"] is True and needle in str(shown["preview"])
    added = uploads.add(1, **dialog(contents, "bad.csv", "spectra", columns={
        "energy_mev": "energy_mev", "n_avg": "n_avg", "od_nl": "od_nl"}), summary=[])
    assert added["store"] is not Patch and not isinstance(added["store"], Patch)
    assert needle in added["message"] and "was not added" in added["message"]


@pytest.mark.parametrize("contents", ["not a data url", "data:text/csv;base64,@@@@", 12, "data:text/csv,plain"])
def test_hostile_uploads_get_a_message(contents):
    answer = uploads.read_upload(contents, "x.csv")
    assert answer["dialog"] is None and "was not added" in answer["message"]


def test_binary_and_oversized_files_are_refused():
    assert "not" in uploads.read_upload(data_url(b"\x00\x01\x02binary"), "x.bin")["message"]
    big = data_url(b"1" * (data_view.UPLOAD_MAX_BYTES + 10))
    assert "larger than" in uploads.read_upload(big, "big.csv")["message"]


def test_the_caps_on_datasets_and_points():
    contents = data_url((EXAMPLES / "spectra.csv").read_text())
    full = [{"id": str(i), "points": 10} for i in range(data_view.MAX_DATASETS)]
    added = uploads.add(1, **dialog(contents, "s.csv", "spectra", columns=SPECTRA_COLUMNS), summary=full)
    assert not isinstance(added["store"], Patch) and f"at most {data_view.MAX_DATASETS}" in added["message"]
    heavy = [{"id": "a", "points": data_view.MAX_TOTAL_POINTS - 5}]
    added = uploads.add(1, **dialog(contents, "s.csv", "spectra", columns=SPECTRA_COLUMNS), summary=heavy)
    assert not isinstance(added["store"], Patch) and "exceed" in added["message"]


def spectra_dataset(points_per_spectrum: int = 900):
    energy = np.linspace(1900.0, 2200.0, points_per_spectrum)
    n_values = (0.5, 1.5)
    od = [0.3 * np.exp(-((energy - 2050) / 30) ** 2) * (1 - n / 2) for n in n_values]
    return make_dataset("spectra", "big", energy_mev=np.tile(energy, 2), n_avg=np.repeat(n_values, energy.size),
                        od_nl=np.concatenate(od), n_doped=np.zeros(2 * energy.size))


def test_the_overlay_stores_are_decimated_and_scaled_by_the_data_or_the_fit():
    data = spectra_dataset()
    store = [{"id": "a", "file": "big.csv", "dataset": dataset_to_json(data)}]
    answer = uploads.summarize(store)
    groups = answer["spectra"]["datasets"][0]["groups"]
    assert sum(len(g["od"]) for g in groups) <= data_overlay.DISPLAY_POINTS
    assert max(max(g["od"]) for g in groups) == pytest.approx(1.0, rel=1e-3)  # max at the lowest <N>
    assert answer["summary"] == [{"id": "a", "file": "big.csv", "name": "big", "kind": "spectra", "points": 1800,
                                  "x_name": None}]
    fitted = data_overlay.spectra_store([("big.csv", data)], {"big": 0.6}, n_scale=2.0)
    peak = max(max(g["od"]) for g in fitted["datasets"][0]["groups"])
    assert peak == pytest.approx(float(data.od_nl.max()) / 0.6, rel=1e-2)
    assert fitted["datasets"][0]["scaled_by"] == "fit scale"


def test_unusable_store_entries_are_skipped():
    good = {"id": "a", "file": "x.csv", "dataset": dataset_to_json(spectra_dataset(20))}
    store = [good, {"id": "b", "dataset": {"kind": "spectra", "name": "x", "energy_mev": "oops"}}, 7, None]
    assert [d[0] for d in uploads.stored_datasets(store)] == ["a"]
    assert uploads.stored_datasets("garbage") == []


def test_the_spectra_overlay_is_drawn_on_the_drag_path_nearest_the_operating_n():
    store = data_overlay.spectra_store([("big.csv", spectra_dataset())])
    state = default_state()
    numbers = {"n_avg": 1.4}
    answer = live.update_operating_point({}, numbers, state_to_store(state, ""), overlay=store)
    names = [t["name"] for t in answer["figures"][0]["data"]]
    ours = [n for n in names if n.startswith("your data: big.csv")]
    assert ours == ["your data: big.csv (⟨N⟩ = 1.5, ÷ max at lowest ⟨N⟩)"]
    plain = live.update_operating_point({}, numbers, state_to_store(state, ""))
    assert len(plain["figures"][0]["data"]) == len(names) - 1 and plain["key"] != answer["key"]


def threshold_store():
    data = make_dataset("thresholds", "mine", x_name="n_doped", x=[0.0, 0.9, 2.0], n_th=[1.5, 0.8, 0.1],
                        sigma=[0.1, 0.1, 0.05])
    return data_overlay.panel_store([("mine.csv", data)]), data


def test_thresholds_are_drawn_on_the_doping_panel_and_in_its_csv():
    overlay, _ = threshold_store()
    state = default_state()
    commit = {"numbers": {}, "revision": state_to_store(state, ""), "map_points": None, "hold": None, "view": None}
    drawn = figure_tabs.tab_callback("doping")(commit, overlay=overlay)
    doping = drawn["figures"][list(figure_tabs.TAB_PANELS["doping"]).index("doping_threshold")]
    ours = [t for t in doping["data"] if t["name"].startswith("your data: mine.csv")]
    assert len(ours) == 1 and ours[0]["x"] == [0.0, 0.9, 2.0] and ours[0]["error_y"]["array"] == [0.1, 0.1, 0.05]
    other = drawn["figures"][list(figure_tabs.TAB_PANELS["doping"]).index("doping_potential")]
    assert not any(t["name"].startswith("your data") for t in other["data"])
    payload = downloads.panel_download("doping_threshold", state_to_store(state, to_query(state)), "long",
                                       panel_overlay=overlay)
    rows = [r for r in csv.reader(io.StringIO(payload["content"])) if r and not r[0].startswith("#")]
    kind = rows[0].index("kind")
    mine = [r for r in rows[1:] if r[kind] == "data"]
    assert [float(r[1]) for r in mine] == [0.0, 0.9, 2.0] and [float(r[2]) for r in mine] == [1.5, 0.8, 0.1]


def test_ase_data_without_a_fit_sits_on_the_model_at_its_highest_fluence():
    data = make_dataset("ase", "stripe", fluence_mj_cm2=[0.1, 1.0, 10.0], output=[1.0, 30.0, 900.0])
    overlay = data_overlay.panel_store([("stripe.csv", data)])
    fluence, output = np.array([0.01, 1.0, 100.0]), np.array([1e-3, 1.0, 1e4])
    trace = data_overlay.panel_traces(overlay, "ase_output", (fluence, output))[0]
    expected = 10 ** np.interp(1.0, np.log10(fluence), np.log10(output))
    assert trace["y"][-1] == pytest.approx(expected, rel=1e-6)
    assert trace["y"][0] / trace["y"][-1] == pytest.approx(1 / 900, rel=1e-3)


def test_every_kind_has_its_panels_and_remove_export():
    assert set(data_overlay.DATA_PANELS) == set(data_view.MAPPING_COLUMNS)
    data = make_dataset("doping", "echem", potential_mv=[-900, -1000], n_doped=[0.2, 1.1])
    store = [{"id": "a1", "file": "echem.csv", "dataset": dataset_to_json(data)}]
    summary = uploads.summarize(store)["summary"]
    listed = uploads.dataset_list(summary)
    assert "echem.csv" in str(listed) and isinstance(listed[0], html.Ul)
    assert dataset_to_json(dataset_from_json(store[0]["dataset"])) == dataset_to_json(data)
    assert "potential_mv" in dataset_to_csv(data)


def test_the_large_bodies_are_allowed_only_for_the_data_callbacks():
    for output in uploads.data_body_limits():
        assert output in dashboard.app.callback_map
    assert ID.DATASETS_STORE in str(dashboard.app.callback_map)

"""The paper figures (data/paper_figures.json): complete, valid, computed, and the same numbers as docs/reproduction.md."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from qdgain_core import FIGURE_IDS, paper_figure
from qdgain_core.cli import main
from qdgain_core.figure_curves import KINDS
from qdgain_core.paper_figures import FIGURES, _figure, comparisons, figure_definition
from qdgain_core.reproduction import CLAIM_BY_KEY, claim_row

ROOT = Path(__file__).resolve().parents[2]
# The figures and tables issue 10 names; each must have a card.
REQUIRED = ("[000] Fig. 4a", "[000] Fig. 4b", "[000] Fig. 4c", "[000] Fig. 5a", "[000] Fig. 5b", "[000] Fig. 5c",
            "[000] Fig. 5d", "[001] Fig. 8c-f", "[001] Fig. 8g-h", "[001] Fig. 9a-d", "[001] Fig. 9e",
            "[001] Fig. 10b", "[002] SI Fig. S4", "[002] Fig. 5a", "[002] Fig. 5b", "[002] Fig. 5c", "[002] Fig. 5d-e",
            "[002] Fig. 5f", "[004] Table 2", "[004] Fig. 2b", "[004] Fig. 3b")


def test_every_required_figure_has_a_definition():
    labels = {figure.label for figure in FIGURES.values()}
    assert set(REQUIRED) <= labels
    assert len(FIGURE_IDS) == len(set(FIGURE_IDS)) == len(FIGURES)


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_a_figure_computes_its_curves_and_comparison(figure_id):
    data = paper_figure(figure_id)
    assert data.figure.panel in KINDS
    assert data.comparisons and all(row.key in CLAIM_BY_KEY for row in data.comparisons)
    assert data.model.curves
    for curve in data.model.curves:
        y = np.asarray(curve.y, dtype=float)
        assert y.shape == np.asarray(curve.x).shape
        assert np.isfinite(y).any(), f"{figure_id}: {curve.name} has no finite value"
    assert data.params == figure_definition(figure_id).params()
    for point, draw, x in data.paper_points:
        assert draw in ("points", "hline", "vline") and math.isfinite(point.y_value)
        assert (x is not None and math.isfinite(x)) == (draw == "points")


def _reproduction_table() -> dict[str, tuple[str, str, str]]:
    """claim -> (paper, model, status) as docs/reproduction.md prints them."""
    rows = {}
    for line in (ROOT / "docs" / "reproduction.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] not in ("claim", "---"):
            rows[cells[0]] = (cells[2], cells[3], cells[4])
    return rows


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_the_numbers_of_a_card_are_those_of_the_reproduction_table(figure_id):
    table = _reproduction_table()
    for row in comparisons(FIGURES[figure_id]):
        shown = tuple(text.replace("|", "/") for text in (row.paper, row.model, row.status))
        assert table[row.claim.replace("|", "/")] == shown


def test_the_reproduction_table_lists_every_figure_with_its_claims():
    text = (ROOT / "docs" / "reproduction.md").read_text(encoding="utf-8")
    for figure in FIGURES.values():
        line = next(line for line in text.splitlines() if line.startswith(f"| {figure.id} |"))
        assert all(CLAIM_BY_KEY[key].claim in line for key in figure.claims)


BASE = {"id": "x", "paper": "[002]", "figure": "Fig. 5b", "title": "t", "caption": "c", "preset": "doped_film_002",
        "set": {}, "panel": "doping_threshold", "claims": ["doped_n0"], "overlay": []}


@pytest.mark.parametrize(("change", "message"), [
    ({"preset": "nope"}, "unknown preset"),
    ({"set": {"not_a_field": 1}}, "unknown parameters"),
    ({"panel": "nope"}, "not a figure kind"),
    ({"overlay": [{"match": {"dataset": "no_such_dataset"}, "draw": "points"}]}, "selects no row"),
    ({"overlay": [{"match": {"colour": "red"}, "draw": "points"}]}, "match keys"),
    ({"overlay": [{"match": {"dataset": "002_solution"}, "draw": "circle"}]}, "overlay draw"),
])
def test_a_broken_definition_fails_naming_the_problem(change, message):
    with pytest.raises(ValueError, match=message):
        _figure({**BASE, **change})


def test_an_overlay_selects_the_rows_it_names():
    figure = _figure({**BASE, "overlay": [{"match": {"dataset": "002_threshold_vs_doping", "x_value": "0.94"},
                                           "draw": "points"}]})
    points = [point for point, _, _ in figure.overlay_points()]
    assert [(p.x_value, p.y_value) for p in points] == [(0.94, 0.8)]


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def test_cli_lists_every_figure():
    code, text = _run(["figures"])
    assert code == 0
    assert [entry["id"] for entry in json.loads(text)["figures"]] == list(FIGURE_IDS)


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_cli_prints_every_figure_as_json(figure_id):
    code, text = _run(["figure", figure_id])
    assert code == 0
    document = json.loads(text)
    assert document["id"] == figure_id
    rows = {row["key"]: row for row in document["comparison"]}
    for key in FIGURES[figure_id].claims:
        assert (rows[key]["claim"], rows[key]["paper"], rows[key]["model"], rows[key]["status"]) == \
            (claim_row(key)[0], claim_row(key)[2], claim_row(key)[3], claim_row(key)[4])
    assert len(document["model"]["curves"]) == len(paper_figure(figure_id).model.curves)


def test_cli_writes_model_curves_and_paper_points_as_csv(tmp_path):
    target = tmp_path / "fig.csv"
    code, _ = _run(["figure", "002-fig5d-e", "--csv", str(target)])
    assert code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# qdgain") and lines[1].startswith("# parameters:")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))
    data = paper_figure("002-fig5d-e")
    assert sum(row["role"] == "model" for row in rows) == sum(len(c.x) for c in data.model.curves)
    paper = [row for row in rows if row["role"] == "paper"]
    assert [float(row["y"]) for row in paper] == [point.y_value for point, _, _ in data.paper_points]
    first = data.model.curves[0]
    assert float(rows[0]["x"]) == float(first.x[0])  # written as repr(float64): exact
    assert all(re.fullmatch(r"[ -~]*", line) for line in lines[2:]), "CSV rows are plain ASCII"


@pytest.mark.parametrize("argv", [["figure"], ["figure", "nope"], ["figure", "002-fig5b", "extra"],
                                  ["figure", "002-fig5b", "--csv"], ["figures", "extra"]])
def test_cli_rejects_bad_arguments_with_exit_code_2(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("qdgain: error:")


def test_cli_reports_an_unwritable_csv(tmp_path, capsys):
    assert main(["figure", "002-fig5b", "--csv", str(tmp_path / "missing" / "f.csv")]) == 2
    assert "--csv" in capsys.readouterr().err

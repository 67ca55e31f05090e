"""``python -m qdgain_core figures`` and ``figure <id> [--csv FILE]``: the paper figures from the command line.

``figures`` lists the ids with their paper, figure and title (JSON); ``figure <id>`` prints
the comparison (the reproduction rows), the parameters and the model curves as JSON;
``--csv FILE`` writes the model curves and the paper's printed values instead, one row per
point (long format, float64 at full precision).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from . import __version__
from .cli_parser import Parser as _Parser
from .cli_parser import UsageError
from .figure_curves import ModelFigure
from .paper_figures import FIGURE_IDS, FIGURES, PaperFigureData, paper_figure

CSV_HEADER = ("role", "name", "x", "x_unit", "y", "y_unit", "y_err", "source")


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _text(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else repr(float(value))


def _x_text(model: ModelFigure, x: float | None) -> str:
    """An abscissa as written: the category's name on a categorical axis, repr(float) otherwise ("" for none)."""
    if x is None:
        return ""
    return model.categories[int(x)] if model.categories else _text(x)


def figure_listing() -> list[dict[str, str]]:
    """Every figure id with its paper, figure label and title."""
    return [{"id": f.id, "paper": f.paper, "figure": f.figure, "title": f.title, "panel": f.panel}
            for f in FIGURES.values()]


def figure_document(data: PaperFigureData) -> dict[str, Any]:
    """The JSON of one paper figure: definition, parameters, comparison, model curves and paper values."""
    figure, model = data.figure, data.model
    return {
        "qdgain_version": __version__,
        "id": figure.id, "paper": figure.paper, "figure": figure.figure, "title": figure.title,
        "caption": figure.caption, "preset": figure.preset, "set": dict(figure.settings), "panel": figure.panel,
        "params": data.params.as_dict(),
        "comparison": [asdict(row) for row in data.comparisons],
        "model": {
            "x": {"label": model.x_label, "unit": model.x_unit, "log": model.log_x},
            "y": {"label": model.y_label, "unit": model.y_unit, "log": model.log_y},
            "categories": list(model.categories),
            "curves": [{"name": c.name, "role": c.role, "x": [_number(v) for v in np.asarray(c.x, dtype=float)],
                        "y": [_number(v) for v in np.asarray(c.y, dtype=float)]} for c in model.curves],
        },
        "paper_points": [{"sample": p.sample, "quantity": p.quantity, "x": _x_text(model, x) or None,
                          "x_unit": model.x_unit, "y": p.y_value, "y_unit": p.y_unit, "y_err": p.y_err,
                          "source": p.citation, "note": p.note, "drawn_as": draw}
                         for p, draw, x in data.paper_points],
    }


def figure_rows(data: PaperFigureData) -> list[list[str]]:
    """CSV rows (CSV_HEADER): every model point, then every paper value drawn over the model."""
    model = data.model
    rows = []
    for curve in model.curves:
        for x, y in zip(np.asarray(curve.x, dtype=float), np.asarray(curve.y, dtype=float), strict=True):
            rows.append([curve.role, curve.name, _x_text(model, x), model.x_unit, _text(y), model.y_unit, "", ""])
    for point, _, x in data.paper_points:
        rows.append(["paper", point.sample, _x_text(model, x), model.x_unit, _text(point.y_value), point.y_unit,
                     _text(point.y_err), point.citation])
    return rows


def _parser(command: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"python -m qdgain_core {command}",
                     description="the paper figures' ids" if command == "figures" else
                     "one paper figure: comparison, parameters and model curves")
    if command == "figure":
        parser.add_argument("id", choices=FIGURE_IDS, metavar="ID", help="a figure id (see 'figures')")
        parser.add_argument("--csv", default=None, metavar="FILE",
                            help="write the model curves and the paper's values as CSV instead of JSON")
    return parser


def run(argv: Sequence[str]) -> int:
    """``figures`` or ``figure <id> [--csv FILE]``; returns the exit code (2: bad arguments)."""
    command = argv[0]
    try:
        args = _parser(command).parse_args(argv[1:])
    except UsageError as error:
        print(f"qdgain: error: {command}: {error}", file=sys.stderr)
        return 2
    if command == "figures":
        json.dump({"qdgain_version": __version__, "figures": figure_listing()}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    data = paper_figure(args.id)
    if args.csv is None:
        json.dump(figure_document(data), sys.stdout)
        sys.stdout.write("\n")
        return 0
    try:
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            handle.write(f"# qdgain {__version__} figure {data.figure.id}: {data.figure.label}, {data.figure.title}\n")
            handle.write(f"# parameters: {json.dumps(data.params.as_dict())}\n")
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            writer.writerows(figure_rows(data))
    except OSError as error:
        print(f"qdgain: error: --csv {args.csv!r}: {error.strerror}", file=sys.stderr)
        return 2
    return 0

"""``python -m qdgain_core figures`` and ``figure <id> [--csv FILE]``: the paper figures from the command line.

``figures`` lists the ids with their paper, figure and title (JSON); ``figure <id>`` prints
the comparison (the reproduction rows), the parameters and the model curves as JSON;
``--csv FILE`` writes the model curves and the paper's printed values instead, one row per
point (long format, float64 at full precision).
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from . import __version__
from .paper_figures import FIGURES, PaperFigureData, paper_figure

CSV_HEADER = ("role", "name", "x", "x_unit", "y", "y_unit", "y_err", "source")


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _text(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else repr(float(value))


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
        "paper_points": [{"sample": p.sample, "quantity": p.quantity, "x_name": p.x_name, "x": p.x_value,
                          "x_unit": p.x_unit, "y": p.y_value, "y_unit": p.y_unit, "y_err": p.y_err,
                          "source": p.citation, "note": p.note, "drawn_as": draw}
                         for p, draw in data.paper_points],
    }


def figure_rows(data: PaperFigureData) -> list[list[str]]:
    """CSV rows (CSV_HEADER): every model point, then every paper value drawn over the model."""
    model = data.model
    rows = []
    for curve in model.curves:
        xs = np.asarray(curve.x, dtype=float)
        for x, y in zip(xs, np.asarray(curve.y, dtype=float), strict=True):
            x_text = model.categories[int(x)] if model.categories else _text(x)
            rows.append([curve.role, curve.name, x_text, model.x_unit, _text(y), model.y_unit, "", ""])
    for point, _ in data.paper_points:
        rows.append(["paper", point.sample, _text(point.x_value), point.x_unit, _text(point.y_value), point.y_unit,
                     _text(point.y_err), point.citation])
    return rows


def run(argv: Sequence[str]) -> int:
    """``figures`` or ``figure <id> [--csv FILE]``; returns the exit code (2: bad arguments)."""
    command, rest = argv[0], list(argv[1:])
    if command == "figures":
        if rest:
            print(f"qdgain: error: figures takes no arguments (got {' '.join(rest)})", file=sys.stderr)
            return 2
        json.dump({"qdgain_version": __version__, "figures": figure_listing()}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    csv_path = None
    if "--csv" in rest:
        at = rest.index("--csv")
        if at + 1 >= len(rest):
            print("qdgain: error: --csv needs a FILE", file=sys.stderr)
            return 2
        csv_path = rest.pop(at + 1)
        rest.pop(at)
    if len(rest) != 1 or rest[0] not in FIGURES:
        shown = " ".join(rest) or "(none)"
        print(f"qdgain: error: figure {shown}: give one id of {', '.join(FIGURES)}", file=sys.stderr)
        return 2
    data = paper_figure(rest[0])
    if csv_path is None:
        json.dump(figure_document(data), sys.stdout)
        sys.stdout.write("\n")
        return 0
    try:
        with open(csv_path, "w", newline="", encoding="utf-8") as handle:
            handle.write(f"# qdgain {__version__} figure {data.figure.id}: {data.figure.label}, {data.figure.title}\n")
            handle.write(f"# parameters: {json.dumps(data.params.as_dict())}\n")
            writer = csv.writer(handle)
            writer.writerow(CSV_HEADER)
            writer.writerows(figure_rows(data))
    except OSError as error:
        print(f"qdgain: error: --csv {csv_path!r}: {error.strerror}", file=sys.stderr)
        return 2
    return 0

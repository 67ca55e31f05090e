"""Measured anchors each preset is meant to meet (``data/anchors.csv``), next to the measured points.

An anchor joins a preset (with an optional ``field=value`` condition) to one row of
``data/measured_points.csv`` and states a tolerance and whether the model is expected to meet
it (``meets``) or not (``deviation``, with the reason; docs/model_notes.md works it out).
``QUANTITIES`` computes each anchored quantity; a quantity without an entry fails at import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from .ase import ase_curve
from .measured import MeasuredPoint, measured_points
from .observables import gain_threshold, sigma_eff_ratio
from .params import GainParams, coerce_params

ANCHORS_RESOURCE = "data/anchors.csv"
EXPECTATIONS = ("meets", "deviation")

QUANTITIES: Mapping[str, Callable[[GainParams], float]] = MappingProxyType(
    {
        "n_th": lambda params: gain_threshold(params).n_th,
        "sigma_ratio": sigma_eff_ratio,
        "ase_threshold_mj_cm2": lambda params: float("nan") if (t := ase_curve(params).threshold_mj_cm2) is None else t,
    }
)


@dataclass(frozen=True)
class Anchor:
    """One measured number a preset is meant to meet, within ``tolerance`` (absolute)."""

    preset: str
    quantity: str
    condition: tuple[tuple[str, str], ...]
    point: MeasuredPoint
    tolerance: float
    expect: str
    reason: str

    def params(self) -> GainParams:
        """The preset with the anchor's condition applied."""
        base = GainParams.from_preset(self.preset)
        params, notices = coerce_params(dict(self.condition), base)
        if notices:
            raise ValueError(f"anchors.csv: {self.preset} condition: {notices[0]}")
        return params

    def model_value(self) -> float:
        """The model's value of the anchored quantity."""
        return float(QUANTITIES[self.quantity](self.params()))

    def met(self) -> bool:
        """True when the model value lies within the tolerance of the measured one."""
        return abs(self.model_value() - self.point.y_value) <= self.tolerance


def _condition(text: str) -> tuple[tuple[str, str], ...]:
    pairs = [item.strip().partition("=") for item in text.split(";") if item.strip()]
    return tuple((name.strip(), value.strip()) for name, _, value in pairs)


def _point(row: dict[str, str], line: int) -> MeasuredPoint:
    x_value = float(row["x_value"]) if row["x_value"].strip() else None
    matches = [
        p for p in measured_points(row["quantity"], row["dataset"])
        if p.sample == row["sample"] and (x_value is None or p.x_value == x_value)
    ]
    if len(matches) != 1:
        raise ValueError(f"anchors.csv line {line}: {len(matches)} measured points match "
                         f"{row['dataset']}/{row['sample']}/{row['quantity']}")
    return matches[0]


@cache
def all_anchors() -> tuple[Anchor, ...]:
    """Every anchor, in file order (read once)."""
    text = resources.files(__package__).joinpath(ANCHORS_RESOURCE).read_text(encoding="utf-8")
    anchors = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        if row["quantity"] not in QUANTITIES or row["expect"] not in EXPECTATIONS or not row["reason"].strip():
            raise ValueError(f"anchors.csv line {line}: quantity in {list(QUANTITIES)}, expect in {list(EXPECTATIONS)} "
                             "and a reason are required")
        anchors.append(Anchor(row["preset"], row["quantity"], _condition(row["condition"]), _point(row, line),
                              float(row["tolerance"]), row["expect"], row["reason"]))
    return tuple(anchors)


def anchors_of(preset: str) -> tuple[Anchor, ...]:
    """The anchors of one preset."""
    return tuple(a for a in all_anchors() if a.preset == preset)


__all__ = ["QUANTITIES", "Anchor", "all_anchors", "anchors_of"]

"""The papers' figures the model addresses: each one's state, its comparison and the paper's printed values.

The definitions live once, in ``data/paper_figures.json`` (shipped as package data): for each
figure its id (``002-fig5b``), paper and figure label, a one-line caption, the parameter
state that shows it (a preset plus overrides), the dashboard panel (= ``figure_curves``
kind) that draws it, the keys of the reproduction claims (``reproduction.CLAIMS``) that
compare the paper's numbers with the model's, and which of the paper's printed values
(rows of ``data/measured_points.csv``) are drawn over the model and how ("points", or a
horizontal/vertical line for a value without an abscissa on that plot).

``paper_figure(id)`` computes a figure's comparison and curves; the dashboard's Paper
figures view, ``python -m qdgain_core figures`` / ``figure <id>`` and the tests all use it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from .claims import claim_texts
from .figure_curves import KINDS, ModelFigure, model_figure
from .measured import MeasuredPoint, measured_points
from .params import FIELD_SPECS, GainParams
from .presets import PRESETS

FIGURES_RESOURCE = "data/paper_figures.json"
DRAWS = ("points", "hline", "vline")
MATCH_KEYS = ("dataset", "sample", "quantity", "x_name", "x_value", "kind")
DISPLAY_ENERGY_UNITS = ("meV", "eV", "nm")  # how a figure's energy axis is shown (the web's energy units)


@dataclass(frozen=True)
class Overlay:
    """Which printed values to draw over the model (``match``: column values of measured_points.csv), and how.

    ``x_preset`` draws a value without an abscissa as a point at that preset's ESA offset
    Delta_XX^A = chi Delta_SS (meV; [001] Fig. 8g-h); "points" otherwise take only rows with an abscissa.
    """

    match: Mapping[str, str]
    draw: str
    x_preset: str | None = None

    def points(self) -> tuple[MeasuredPoint, ...]:
        """The rows of measured_points.csv this overlay draws."""
        rows = (point for point in measured_points() if _matches(point, self.match))
        if self.draw == "points" and self.x_preset is None:
            return tuple(point for point in rows if point.x_value is not None)
        return tuple(rows)

    def x_of(self, point: MeasuredPoint) -> float | None:
        """Where a point is drawn along x (None for a line)."""
        if self.draw != "points":
            return None
        if self.x_preset is not None:
            preset = PRESETS[self.x_preset].params
            return preset.chi * preset.stokes_mev
        return point.x_value


@dataclass(frozen=True)
class PaperFigure:
    """One figure or table of a paper and the state in which the dashboard shows it."""

    id: str
    paper: str
    figure: str
    title: str
    caption: str
    preset: str | None
    settings: Mapping[str, Any]
    panel: str
    claims: tuple[str, ...]
    overlay: tuple[Overlay, ...]
    energy_unit: str = "meV"

    @property
    def label(self) -> str:
        """Citation label, e.g. "[002] Fig. 5b"."""
        return f"{self.paper} {self.figure}"

    def params(self) -> GainParams:
        """The figure's parameters: its preset (or the defaults) with its overrides."""
        base = PRESETS[self.preset].params if self.preset else GainParams()
        return base.with_updates(**self.settings) if self.settings else base

    def overlay_points(self) -> tuple[tuple[MeasuredPoint, str, float | None], ...]:
        """(printed value, how it is drawn, its x for a point) for every overlay row."""
        return tuple((point, item.draw, item.x_of(point)) for item in self.overlay for point in item.points())


@dataclass(frozen=True)
class Comparison:
    """One row of the reproduction table, as a card shows it: "paper says X, model gives Y"."""

    key: str
    claim: str
    source: str
    paper: str
    model: str
    status: str


@dataclass(frozen=True)
class PaperFigureData:
    """A figure with its comparisons, the model curves (float64) and the paper's values drawn over them:
    (point, how it is drawn, its x; on a categorical axis the category's index)."""

    figure: PaperFigure
    params: GainParams
    comparisons: tuple[Comparison, ...]
    model: ModelFigure
    paper_points: tuple[tuple[MeasuredPoint, str, float | None], ...]


def _matches(point: MeasuredPoint, match: Mapping[str, str]) -> bool:
    for key, wanted in match.items():
        value = getattr(point, key)
        if key == "x_value":
            if value is None or abs(value - float(wanted)) > 1e-12 * max(1.0, abs(value)):
                return False
        elif value != wanted:
            return False
    return True


def _overlay(raw: Mapping[str, Any], figure_id: str) -> Overlay:
    match = raw.get("match", {})
    unknown = set(match) - set(MATCH_KEYS)
    if unknown or not match:
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: overlay match keys {sorted(unknown)} not in {MATCH_KEYS}")
    if raw.get("draw") not in DRAWS:
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: overlay draw {raw.get('draw')!r} not in {DRAWS}")
    x_preset = raw.get("x_preset")
    if x_preset is not None and (x_preset not in PRESETS or raw["draw"] != "points"):
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: x_preset {x_preset!r} needs a known preset and "
                         "draw 'points'")
    overlay = Overlay(MappingProxyType(dict(match)), raw["draw"], x_preset)
    if not overlay.points():
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: overlay {dict(match)} selects no row of "
                         "measured_points.csv")
    return overlay


def _figure(raw: Mapping[str, Any]) -> PaperFigure:
    figure_id = raw["id"]
    preset = raw.get("preset")
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: unknown preset {preset!r}")
    settings = dict(raw.get("set", {}))
    unknown = set(settings) - set(FIELD_SPECS)
    if unknown:
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: unknown parameters {sorted(unknown)}")
    if raw["panel"] not in KINDS:
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: panel {raw['panel']!r} is not a figure kind of "
                         "figure_curves.KINDS")
    unknown_claims = set(raw["claims"]) - set(claim_texts())
    if unknown_claims or not raw["claims"]:
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: claims {sorted(unknown_claims)} are not rows of "
                         "data/claims.csv (and a figure needs at least one)")
    energy_unit = raw.get("energy_unit", "meV")
    if energy_unit not in DISPLAY_ENERGY_UNITS:
        raise ValueError(f"{FIGURES_RESOURCE}: {figure_id}: energy_unit {energy_unit!r} not in {DISPLAY_ENERGY_UNITS}")
    return PaperFigure(figure_id, raw["paper"], raw["figure"], raw["title"], raw["caption"], preset,
                       MappingProxyType(settings), raw["panel"], tuple(raw["claims"]),
                       tuple(_overlay(item, figure_id) for item in raw.get("overlay", ())), energy_unit)


@cache
def _load() -> tuple[PaperFigure, ...]:
    text = resources.files("qdgain_core").joinpath(FIGURES_RESOURCE).read_text(encoding="utf-8")
    figures = tuple(_figure(raw) for raw in json.loads(text)["figures"])
    ids = [figure.id for figure in figures]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{FIGURES_RESOURCE}: figure ids repeat")
    return figures


FIGURES: Mapping[str, PaperFigure] = MappingProxyType({figure.id: figure for figure in _load()})
FIGURE_IDS: tuple[str, ...] = tuple(FIGURES)


def figure_definition(figure_id: str) -> PaperFigure:
    """The definition of ``figure_id``; ValueError naming the ids otherwise."""
    if figure_id not in FIGURES:
        raise ValueError(f"figure {figure_id!r}: not one of {', '.join(FIGURE_IDS)}")
    return FIGURES[figure_id]


def comparisons(figure: PaperFigure) -> tuple[Comparison, ...]:
    """The figure's reproduction-table rows (computed; cached in ``reproduction``)."""
    from .reproduction import claim_row

    return tuple(Comparison(key, *claim_row(key)) for key in figure.claims)


def paper_figure(figure_id: str) -> PaperFigureData:
    """Everything about one paper figure: state, comparisons, model curves and the paper's printed values."""
    figure = figure_definition(figure_id)
    params = figure.params()
    model = model_figure(figure.panel, params)
    anchored = tuple((point, "points", float(index)) for index, point in model.anchored)
    return PaperFigureData(figure, params, comparisons(figure), model, figure.overlay_points() + anchored)

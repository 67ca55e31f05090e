"""Finished figures as JSON-ready dicts, memoized per (panel, state) in each process.

A warm request should cost no more than looking up its answer. The core results are
shared through ``computed`` (``server.cache_backend``) (Redis across workers), but turning them into a figure (a
``go.Figure``, then plotly's JSON conversion with base64 arrays when Dash serializes it)
costs several milliseconds of CPU per figure, which dominates a warm request under load.
Each worker therefore keeps recent figures in the form Dash sends (plain dicts, lists,
strings and numbers), keyed on the panel and the frozen ``AppState``: the committed tabs'
figures in one memo, the operating-point figures of the drag path in another, so a long
drag does not push the tabs' figures out. The dicts are shared between calls: read them,
never change them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import plotly.io as pio

from components.panels import PANEL_BY_ID
from components.state import AppState

TAB_FIGURES = 128
OPERATING_FIGURES = 64

FigureJson = Callable[[str, AppState], dict[str, Any]]


def _memo(size: int) -> FigureJson:
    @functools.lru_cache(maxsize=size)
    def figure_json(panel_id: str, state: AppState) -> dict[str, Any]:
        """The figure of ``panel_id`` for ``state`` as Dash sends it (arrays as base64 typed-array specs)."""
        return json.loads(pio.to_json(PANEL_BY_ID[panel_id].draw(state), validate=False))

    return figure_json


figure_json: FigureJson = _memo(TAB_FIGURES)
operating_figure_json: FigureJson = _memo(OPERATING_FIGURES)

"""Pinned states drawn over a panel: one dashed line (or marker) per pin, in its slot's colour.

Pure builders: arrays in, plain trace dicts out (``figures.common.line_trace``), never a change
to a figure in place (``with_pin_traces`` returns a new dict). Every trace is named
``PIN_PREFIX`` + the pin's name, so the legend names the pin and the CSV calls its rows
``kind = pin`` (``components/export.py``); ``figures.data_overlay.with_traces`` adds them to a
figure. The colours are ``components.pins.PIN_COLORS``: the same pin has the same colour in
every figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from components.figures.common import as_plot_array, hover, line_trace
from components.pins import pin_color

PIN_PREFIX = "pin:"
PIN_WIDTH = 2.2
PIN_MARKER_PX = 12


def pin_trace_name(name: str) -> str:
    """Legend entry of a pin's trace: "pin: <name>"."""
    return f"{PIN_PREFIX} {name}"


def pin_line(name: str, slot: int, x: np.ndarray, y: np.ndarray, hovertemplate: str,
             yaxis: str | None = None) -> dict[str, Any]:
    """A pin's curve over a panel: a dashed line in the colour of pin slot ``slot``."""
    look = pin_color(slot)
    extra = {"yaxis": yaxis} if yaxis else {}
    return line_trace(pin_trace_name(name), x, y, hovertemplate, color=look.color, width=PIN_WIDTH, dash=look.dash,
                      legendgroup=f"pin-{slot}", **extra)


def pin_point(name: str, slot: int, x: float, y: float, hovertemplate: str) -> dict[str, Any]:
    """A pin's operating point over a panel that shows one value per state (an open diamond in its colour)."""
    look = pin_color(slot)
    return {"type": "scatter", "mode": "markers", "name": pin_trace_name(name), "legendgroup": f"pin-{slot}",
            "x": as_plot_array([x]), "y": as_plot_array([y]), "hovertemplate": hovertemplate,
            "marker": {"symbol": "diamond-open", "size": PIN_MARKER_PX, "color": look.color,
                       "line": {"width": 2.5, "color": look.color}}}


def axis_hover(x_label: str, x_unit: str, y_label: str, y_unit: str, x_part: str = "") -> str:
    """The hover of a pin's trace (the panel's own quantities, the pin's name as the trace name)."""
    return hover(x_label, x_unit, y_label, y_unit, x_part=x_part)


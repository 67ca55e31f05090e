"""The pins bar above the figure tabs: pin the current state, the pins with Restore and ×, the comparison table.

Only the name box, the button and two empty containers are mounted permanently; the pins and
the table are created by ``callbacks.pins`` when there are pins (``pins_content``), so the bar
costs the renderer nothing while nothing is pinned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import dcc, html

from components import ids
from components.ids import ID
from components.pins import MAX_NAME_CHARS, MAX_PINS, Pin, pin_color


@dataclass(frozen=True)
class ComparisonRow:
    """One row of the comparison table: a label and the value of the current state and of each pin."""

    label: str
    current: str
    pins: tuple[str, ...]
    kind: str  # "parameter" (a value that differs) or "number" (a key number)


def pins_bar() -> html.Section:
    """The bar: name box, "Pin this state", its message, and the container of the pins and the table."""
    return html.Section(className="pins-bar", **{"aria-label": "Compare: pinned states"}, children=[  # type: ignore[arg-type]
        html.Div(className="pins-form", children=[
            html.Label("Compare", htmlFor=ID.PIN_NAME, className="pins-label",
                       title=f"Pin up to {MAX_PINS} states; they are drawn dashed over the spectra, cuts, doping, "
                             "ASE and dynamics panels and kept in the link"),
            dcc.Input(id=ID.PIN_NAME, type="text", maxLength=MAX_NAME_CHARS, placeholder="pin 1",
                      className="pin-name", debounce=True),
            html.Button("Pin this state", id=ID.PIN_ADD, n_clicks=0, className="button small pin-add"),
            html.Span(id=ID.PIN_MESSAGE, className="pin-message", role="status"),
        ]),
        html.Div(id=ID.PIN_TABLE, className="pins-content"),
    ])


def swatch(slot: int) -> html.Span:
    """The pin's colour and dash, as a short line."""
    look = pin_color(slot)
    return html.Span(className=f"pin-swatch pin-dash-{look.dash}", style={"borderTopColor": look.color},
                     title=f"drawn {look.label}, {look.dash}")


def pin_chip(slot: int, pin: Pin) -> html.Li:
    """One pin: its colour, name, Restore and ×."""
    return html.Li(className="pin-chip", children=[
        swatch(slot),
        html.Span(pin.name, className="pin-chip-name", style={"color": pin_color(slot).color}),
        html.Button("Restore", id=ids.pin_restore(slot), n_clicks=0, className="button small pin-restore",
                    title=f"Make “{pin.name}” the dashboard's state (Undo goes back)"),
        html.Button("×", id=ids.pin_remove(slot), n_clicks=0, className="pin-remove", title=f"Remove “{pin.name}”"),
    ])


def comparison_table(pins: Sequence[Pin], rows: Sequence[ComparisonRow]) -> html.Table:
    """Parameters that differ and key numbers, the current state beside each pin."""
    head = html.Tr([html.Th(""), html.Th("current"),
                    *[html.Th(pin.name, style={"color": pin_color(slot).color}) for slot, pin in enumerate(pins)]])
    body = [html.Tr(className=f"pin-row-{row.kind}", children=[
        html.Th(row.label, scope="row"), html.Td(row.current), *[html.Td(value) for value in row.pins]])
        for row in rows]
    return html.Table(className="pin-table", children=[html.Thead(head), html.Tbody(body)])


def pins_content(pins: Sequence[Pin], rows: Sequence[ComparisonRow]) -> list[html.Div | html.Ul] | str:
    """The pins and their comparison (empty when nothing is pinned)."""
    if not pins:
        return ""
    return [html.Ul([pin_chip(slot, pin) for slot, pin in enumerate(pins)], className="pin-chips"),
            html.Div(comparison_table(pins, rows), className="pin-table-wrap")]


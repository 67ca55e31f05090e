"""The control sidebar, built from ``qdgain_core.FIELD_SPECS`` (ranges, units, descriptions).

Main fields get a slider (log10 positions for ``log`` fields) and a number input in the
field's unit; the rest of ``GainParams`` lives in a collapsible "advanced" section. Every
control carries its FIELD_SPECS description as a tooltip (``title``) and a message line where
the input rule (``control_values``) says what it changed.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import fields, ids
from components.control_values import (
    CHECKED,
    MAP_POINTS_FIELD,
    MAP_POINTS_RANGE,
    NUMBER_KINDS,
    RULES,
    display_value,
)
from components.energy_units import ENERGY_UNITS
from components.glossary import FIELD_TERMS, TERM_BY_SLUG, anchor
from components.ids import ID
from components.page.export_controls import export_options
from components.presets import preset_options, preset_summary
from components.state import AppState, valid_holds
from qdgain_core import FIELD_SPECS, GainParams
from qdgain_core.maps import HOLDS

MAIN_CONTROLS_TAB, ADVANCED_CONTROLS_TAB = "main-parameters", "advanced-parameters"


def tooltip(name: str) -> str:
    """Tooltip text: the FIELD_SPECS description with the allowed range and unit."""
    spec = FIELD_SPECS[name]
    if name not in RULES:
        return spec.description
    return f"{spec.description}. Allowed {RULES[name].range_text()}."


def rendered(pieces: tuple[fields.Piece, ...]) -> list[Any]:
    """Label pieces (``fields.markup_pieces``) as page content: text, <sub> and <sup>."""
    tags = {"sub": html.Sub, "sup": html.Sup}
    return [tags[kind](text) if kind in tags else text for kind, text in pieces]


def rendered_label(name: str) -> list[Any]:
    """A field's label with rendered sub- and superscripts (Δ<sub>XX</sub><sup>A</sup>)."""
    return rendered(fields.label_pieces(name))


def slider_data(name: str) -> dict[str, str]:
    """What assets/accessibility.js needs to name a main field's slider and announce its value in real units."""
    return {"data-field": name, "data-label": fields.label(name), "data-symbol": fields.symbol(name),
            "data-unit": fields.unit(name), "data-log": "true" if fields.is_log(name) else "false",
            "data-decimals": str(fields.step_decimals(name))}


def slider_specs() -> dict[str, dict[str, Any]]:
    """Per main field, what the browser-side slider <-> number sync needs (assets/clientside.js)."""
    specs = {}
    for name in fields.MAIN_FIELDS:
        scale = fields.slider_scale(name)
        low, high = fields.value_range(name)
        specs[name] = {"log": scale.log, "position_min": scale.minimum, "position_max": scale.maximum,
                       "min": low, "max": high}
    return specs


def slider_position(name: str, value: float) -> float:
    """Slider position of a main-field value."""
    return round(fields.slider_scale(name).to_position(value), 6)


def _number_input(component_id: str, name: str, value: Any) -> dcc.Input:
    """A number box without browser-side min/max: out-of-range values reach the input rule (control_values)
    instead of arriving empty, so the message can say what was typed."""
    spec = FIELD_SPECS[name]
    return dcc.Input(
        id=component_id, type="number", value=value, step="any", debounce=True, className="number-input",
        placeholder=fields.empty_text(name) if spec.kind == "optional_float" else None,
    )


def field_message(name: str) -> html.Div:
    """Where the input rule says what it changed in the field's box; hidden while empty, dismissed by a click.

    One component per field (every mounted component costs the renderer on each update): the "×"
    is drawn by the stylesheet, and a click, Enter or Space on the message dismisses it
    (``n_clicks``; keyboard in assets/accessibility.js).
    """
    return html.Div(id=ids.field_message(name), className="field-message", role="status", n_clicks=0,
                    tabIndex="0", title="Dismiss",
                    **{"aria-live": "polite"})  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop


def glossary_link(name: str) -> html.A:
    """The small "?" beside a main field's label: its glossary entry in the Learn view (the definition on hover)."""
    term = TERM_BY_SLUG[FIELD_TERMS[name]]
    return html.A("?", href=f"#{anchor(term.slug)}", className="glossary-link", title=f"{term.term}: {term.definition}",
                  **{"aria-label": f"Glossary: {term.term}"})  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop


def _number_with_unit(component_id: str, name: str, value: Any) -> html.Div:
    return html.Div(className="number-with-unit", children=[
        _number_input(component_id, name, value), html.Span(fields.unit(name), className="unit"),
    ])


def main_control(name: str, value: float) -> html.Div:
    """Label, number input with unit, and slider of one main field."""
    scale = fields.slider_scale(name)
    # arg-type ignored: dash's stubs cannot type slider_data's data-* props (see field_message)
    return html.Div(className="control main-control", title=tooltip(name), **slider_data(name), children=[  # type: ignore[arg-type]
        html.Div(className="control-head", children=[
            html.Span([html.Label(rendered_label(name), htmlFor=ids.number(name)), glossary_link(name)],
                      className="label-with-help"),
            _number_with_unit(ids.number(name), name, value),
        ]),
        dcc.Slider(
            id=ids.slider(name), min=scale.minimum, max=scale.maximum, step=scale.step,
            value=slider_position(name, value), marks=fields.slider_marks(name), updatemode="mouseup",
            allow_direct_input=False, className="param-slider",
            tooltip={"placement": "bottom", "transform": "qdgainPow10"} if scale.log else {"placement": "bottom"},
        ),
        field_message(name),
    ])


def advanced_control(name: str, value: Any) -> html.Div:
    """One advanced field: a number input, a dropdown (choices) or a checkbox (booleans)."""
    spec = FIELD_SPECS[name]
    component_id = ids.advanced(name)
    control: dcc.Dropdown | dcc.Checklist | html.Div
    if spec.kind == "choice":
        options = [{"label": choice.replace("_", " "), "value": choice} for choice in spec.choices]
        control = dcc.Dropdown(id=component_id, options=options,
                               value=value, clearable=False, searchable=False, className="choice-input")
    elif spec.kind == "bool":
        control = dcc.Checklist(id=component_id, options=[{"label": html.Span([" ", *rendered(fields.markup_pieces(
                                    fields.check_text(name)))]), "value": CHECKED}],
                                value=display_value(name, value), className="bool-input")
    else:
        control = _number_with_unit(component_id, name, value)
    message = [field_message(name)] if spec.kind in NUMBER_KINDS else []
    return html.Div(className="control advanced-control", title=tooltip(name), children=[
        html.Label(rendered_label(name), htmlFor=component_id), control, *message,
    ])


def map_points_control(points: int) -> html.Div:
    """Phase-map resolution (points per axis), clamped server-side."""
    low, high = MAP_POINTS_RANGE
    return html.Div(className="control advanced-control",
                    title=f"Points per axis of the (χ, η) phase maps, {low} to {high}; more is slower.", children=[
        html.Label("Phase-map resolution", htmlFor=ID.MAP_POINTS),
        html.Div(className="number-with-unit", children=[
            dcc.Input(id=ID.MAP_POINTS, type="number", value=points, step="any", debounce=True,
                      className="number-input"),
            html.Span("points/axis", className="unit"),
        ]),
        field_message(MAP_POINTS_FIELD),
    ])


HOLD_LABELS = {"fine_structure": "fine structure Δ_FS", "stokes": "Stokes shift Δ_SS"}
HOLD_TOOLTIP = ("What the phase maps and the η cuts keep fixed along η (docs/model.md §5.2). Fine structure: Δ_FS "
                "stays and the lattice dresses, so the Stokes shift grows as η falls, up to hundreds of meV. "
                "Stokes shift: Δ_SS stays and η only splits it into Δ_FS and 2λ.")
GAUSSIAN_HOLD_NOTE = "Gaussian Simple Model: no lattice width to dress, so the maps hold Δ_SS."


def hold_options(params: GainParams) -> list[dict[str, Any]]:
    """The hold choices, those the model cannot use disabled (the Gaussian Simple Model: Δ_SS only)."""
    usable = valid_holds(params)
    return [{"label": html.Span(rendered(fields.markup_pieces(HOLD_LABELS[hold]))), "value": hold,
             "disabled": hold not in usable} for hold in HOLDS]


def hold_note(params: GainParams) -> str:
    """Why a hold is disabled ("" when both apply)."""
    return "" if len(valid_holds(params)) == len(HOLDS) else GAUSSIAN_HOLD_NOTE


def hold_control(state: AppState) -> html.Div:
    """"η axis holds: fine structure Δ_FS | Stokes shift Δ_SS", shown above the phase maps."""
    return html.Div(className="hold-control", title=HOLD_TOOLTIP, children=[
        html.Label("η axis holds:", htmlFor=ID.MAP_HOLD, className="hold-label"),
        dcc.RadioItems(id=ID.MAP_HOLD, options=hold_options(state.params), value=state.hold, inline=True,
                       className="hold-choice", inputClassName="hold-choice-input"),
        html.Span(hold_note(state.params), id=ID.MAP_HOLD_NOTE, className="hold-note", role="status"),
    ])


ENERGY_UNIT_TOOLTIP = ("How every energy axis, hover and CSV column shows photon energy: meV, eV or wavelength "
                       "(nm = 1239.84 / E in eV). The model computes in meV either way.")


def energy_unit_control(state: AppState) -> html.Div:
    """"Energy axis: meV | eV | nm", a view setting kept in the link."""
    return html.Div(className="energy-unit-control", title=ENERGY_UNIT_TOOLTIP, children=[
        html.Label("Energy axis:", htmlFor=ID.ENERGY_UNIT, className="energy-unit-label"),
        dcc.RadioItems(id=ID.ENERGY_UNIT, options=[{"label": unit, "value": unit} for unit in ENERGY_UNITS],
                       value=state.view.energy_unit, inline=True, className="energy-unit-choice",
                       inputClassName="energy-unit-input"),
    ])


def preset_control(preset: str | None) -> html.Div:
    """Preset dropdown (sources on hover) and the selected preset's source line."""
    return html.Div(className="control preset-control", children=[
        html.Label("Material preset", htmlFor=ID.PRESET),
        dcc.Dropdown(id=ID.PRESET, options=preset_options(), value=preset, placeholder="Built-in defaults",
                     clearable=True, searchable=False),
        html.P(preset_summary(preset), id=ID.PRESET_INFO, className="preset-info"),
    ])


def action_buttons() -> html.Div:
    """Undo/redo (browser history, ``qdgainHistory`` in assets/clientside.js), reset, copy link and download-all."""
    return html.Div(className="actions", children=[
        html.Button("↶", id=ID.UNDO, className="button history-button", disabled=True,
                    **{"aria-label": "Undo"},  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop
                    title="Undo: back to the previous committed state (the browser's Back does the same)"),
        html.Button("↷", id=ID.REDO, className="button history-button", disabled=True,
                    **{"aria-label": "Redo"},  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop
                    title="Redo: forward to the next committed state (the browser's Forward does the same)"),
        html.Button("Reset", id=ID.RESET, n_clicks=0, className="button",
                    title="Back to the selected preset (or the built-in defaults)"),
        dcc.Clipboard(id=ID.COPY_LINK, content="", className="button copy-link",
                      title="Copy a link to exactly this state",
                      children=html.Span("Copy link"), copied_children=html.Span("Link copied ✓")),
        html.Button("Download all (zip)", id=ID.DOWNLOAD_ALL, n_clicks=0, className="button",
                    title="Every panel as CSV (long and wide), the drawn panels as PNG and SVG at the export size, "
                          "the parameters as JSON and a README with how to cite"),
        export_options(),
    ])


def sidebar(state: AppState) -> html.Aside:
    """The full control column for ``state``: preset and actions, then the sliders or the advanced fields.

    Sliders and advanced fields are two tabs: only the open one is mounted in the browser.
    Every mounted Dash component re-checks its props on each store update (dozens per
    slider move), and the ~40 advanced fields would double that work for controls that
    are rarely touched while dragging. Unmounted controls keep their values and callbacks.
    """
    params: GainParams = state.params
    groups = [
        html.Fieldset([html.Legend(title)] + [advanced_control(n, getattr(params, n)) for n in names],
                      className="advanced-group")
        for title, names in fields.advanced_groups()
    ]
    groups.append(html.Fieldset([html.Legend("View"), map_points_control(state.view.map_points)],
                                className="advanced-group"))
    return html.Aside(className="sidebar", children=[
        preset_control(state.view.preset),
        action_buttons(),
        dcc.Tabs(id=ID.CONTROL_TABS, value=MAIN_CONTROLS_TAB, className="control-tabs", mobile_breakpoint=0, children=[
            dcc.Tab(label="Main parameters", value=MAIN_CONTROLS_TAB, id=ids.tab(MAIN_CONTROLS_TAB),
                    children=html.Div([main_control(n, getattr(params, n)) for n in fields.MAIN_FIELDS],
                                      className="main-controls")),
            dcc.Tab(label="Advanced & view", value=ADVANCED_CONTROLS_TAB, id=ids.tab(ADVANCED_CONTROLS_TAB),
                    children=html.Div(groups, className="advanced")),
        ]),
    ])

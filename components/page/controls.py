"""The control sidebar, built from ``qdgain_core.FIELD_SPECS`` (ranges, units, descriptions).

Main fields get a slider (log10 positions for ``log`` fields) and a number input in the
field's unit; the rest of ``GainParams`` lives in a collapsible "advanced" section. Every
control carries its FIELD_SPECS description as a tooltip (``title``). ``display_value`` and
``raw_value`` convert between parameter values and what each control holds.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import fields, ids
from components.ids import ID
from components.presets import preset_options, preset_summary
from components.state import MAP_POINTS_RANGE, AppState, valid_holds
from qdgain_core import FIELD_SPECS, GainParams
from qdgain_core.maps import HOLDS

CHECKED = "on"
MAIN_CONTROLS_TAB, ADVANCED_CONTROLS_TAB = "main-parameters", "advanced-parameters"


def tooltip(name: str) -> str:
    """Tooltip text: the FIELD_SPECS description with the allowed range and unit."""
    spec = FIELD_SPECS[name]
    if spec.kind in ("choice", "bool"):
        return spec.description
    unit = f" {spec.unit}" if spec.unit else ""
    return f"{spec.description}. Allowed {spec.minimum:g} to {spec.maximum:g}{unit}."


def display_value(name: str, value: Any) -> Any:
    """What the field's control shows for a parameter value."""
    kind = FIELD_SPECS[name].kind
    if kind == "bool":
        return [CHECKED] if value else []
    return value


def raw_value(name: str, control_value: Any) -> Any:
    """Parameter value (untrusted, for ``coerce_params``) from what the control holds."""
    kind = FIELD_SPECS[name].kind
    if kind == "bool":
        return isinstance(control_value, list) and CHECKED in control_value
    if kind == "optional_float" and control_value in ("", None):
        return None
    return control_value


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
    spec = FIELD_SPECS[name]
    return dcc.Input(
        id=component_id, type="number", value=value, min=spec.minimum, max=spec.maximum,
        step=1 if spec.kind == "int" else "any", debounce=True, className="number-input",
        placeholder=fields.empty_text(name) if spec.kind == "optional_float" else None,
    )


def _number_with_unit(component_id: str, name: str, value: Any) -> html.Div:
    return html.Div(className="number-with-unit", children=[
        _number_input(component_id, name, value), html.Span(fields.unit(name), className="unit"),
    ])


def main_control(name: str, value: float) -> html.Div:
    """Label, number input with unit, and slider of one main field."""
    scale = fields.slider_scale(name)
    return html.Div(className="control", title=tooltip(name), children=[
        html.Div(className="control-head", children=[
            html.Label(fields.label(name), htmlFor=ids.number(name)),
            _number_with_unit(ids.number(name), name, value),
        ]),
        dcc.Slider(
            id=ids.slider(name), min=scale.minimum, max=scale.maximum, step=scale.step,
            value=slider_position(name, value), marks=fields.slider_marks(name), updatemode="mouseup",
            allow_direct_input=False, className="param-slider",
            tooltip={"placement": "bottom", "transform": "qdgainPow10"} if scale.log else {"placement": "bottom"},
        ),
    ])


def advanced_control(name: str, value: Any) -> html.Div:
    """One advanced field: a number input, a dropdown (choices) or a checkbox (booleans)."""
    spec = FIELD_SPECS[name]
    component_id = ids.advanced(name)
    if spec.kind == "choice":
        options = [{"label": choice.replace("_", " "), "value": choice} for choice in spec.choices]
        control = dcc.Dropdown(id=component_id, options=options,
                               value=value, clearable=False, searchable=False, className="choice-input")
    elif spec.kind == "bool":
        control = dcc.Checklist(id=component_id, options=[{"label": f" {fields.check_text(name)}", "value": CHECKED}],
                                value=display_value(name, value), className="bool-input")
    else:
        control = _number_with_unit(component_id, name, value)
    return html.Div(className="control advanced-control", title=tooltip(name), children=[
        html.Label(fields.label(name), htmlFor=component_id), control,
    ])


def map_points_control(points: int) -> html.Div:
    """Phase-map resolution (points per axis), clamped server-side."""
    low, high = MAP_POINTS_RANGE
    return html.Div(className="control advanced-control",
                    title=f"Points per axis of the (χ, η) phase maps, {low} to {high}; more is slower.", children=[
        html.Label("Phase-map resolution", htmlFor=ID.MAP_POINTS),
        html.Div(className="number-with-unit", children=[
            dcc.Input(id=ID.MAP_POINTS, type="number", value=points, min=low, max=high, step=1, debounce=True,
                      className="number-input"),
            html.Span("points/axis", className="unit"),
        ]),
    ])


HOLD_LABELS = {"fine_structure": "fine structure Δ_FS", "stokes": "Stokes shift Δ_SS"}
HOLD_TOOLTIP = ("What the phase maps and the η cuts keep fixed along η (docs/model.md §5.2). Fine structure: Δ_FS "
                "stays and the lattice dresses, so the Stokes shift grows as η falls, up to hundreds of meV. "
                "Stokes shift: Δ_SS stays and η only splits it into Δ_FS and 2λ.")
GAUSSIAN_HOLD_NOTE = "Gaussian Simple Model: no lattice width to dress, so the maps hold Δ_SS."


def hold_options(params: GainParams) -> list[dict[str, Any]]:
    """The hold choices, those the model cannot use disabled (the Gaussian Simple Model: Δ_SS only)."""
    usable = valid_holds(params)
    return [{"label": HOLD_LABELS[hold], "value": hold, "disabled": hold not in usable} for hold in HOLDS]


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


def preset_control(preset: str | None) -> html.Div:
    """Preset dropdown (sources on hover) and the selected preset's source line."""
    return html.Div(className="control", children=[
        html.Label("Material preset", htmlFor=ID.PRESET),
        dcc.Dropdown(id=ID.PRESET, options=preset_options(), value=preset, placeholder="Built-in defaults",
                     clearable=True, searchable=False),
        html.P(preset_summary(preset), id=ID.PRESET_INFO, className="preset-info"),
    ])


def action_buttons() -> html.Div:
    """Reset, copy link and download-all."""
    return html.Div(className="actions", children=[
        html.Button("Reset", id=ID.RESET, n_clicks=0, className="button",
                    title="Back to the selected preset (or the built-in defaults)"),
        dcc.Clipboard(id=ID.COPY_LINK, content="", className="button copy-link",
                      title="Copy a link to exactly this state",
                      children=html.Span("Copy link"), copied_children=html.Span("Link copied ✓")),
        html.Button("Download all (zip)", id=ID.DOWNLOAD_ALL, n_clicks=0, className="button",
                    title="Every panel as CSV plus the parameters as JSON"),
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
        dcc.Tabs(id=ID.CONTROL_TABS, value=MAIN_CONTROLS_TAB, className="control-tabs", children=[
            dcc.Tab(label="Main parameters", value=MAIN_CONTROLS_TAB, id=ids.tab(MAIN_CONTROLS_TAB),
                    children=html.Div([main_control(n, getattr(params, n)) for n in fields.MAIN_FIELDS],
                                      className="main-controls")),
            dcc.Tab(label="Advanced & view", value=ADVANCED_CONTROLS_TAB, id=ids.tab(ADVANCED_CONTROLS_TAB),
                    children=html.Div(groups, className="advanced")),
        ]),
    ])

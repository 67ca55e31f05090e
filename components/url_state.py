"""The whole dashboard state in the URL query string, with readable names.

``?preset=<name>&<field>=<value>...``: field names are the ``GainParams`` names, which carry
their unit (``stokes_mev=25``, ``tau_xx_ps=310``); only values that differ from the preset
(or the built-in defaults) are written, so links stay short. ``map_points`` sets the
phase-map resolution and ``hold`` (``fine_structure`` or ``stokes``) what the maps hold along
eta; it is written only when it differs from the model's default; ``energy_unit`` (meV, eV,
nm) how photon energy is shown and ``figure`` the paper figure drawn over its panel, each
written only when set. Parsing never fails:
unknown names, garbage, out-of-range or repeated values fall back to defaults or are clamped,
each with a visible notice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from components.presets import PRESET_CHOICES, preset_params
from components.state import (
    AppState,
    ViewState,
    canonical,
    canonical_hold,
    check_energy_unit,
    check_figure,
    clamp_map_points,
    default_state,
)
from qdgain_core import FIELD_SPECS, coerce_params

MAX_QUERY_CHARS = 4000
MAX_QUERY_FIELDS = 200
VIEW_KEYS = ("preset", "map_points", "hold", "energy_unit", "figure")
EMPTY_TEXT = {"high_offset_mev": "none"}  # what an empty optional field means, in the URL ("auto" otherwise)


def format_query_value(value: Any, name: str = "") -> str:
    """URL text of one parameter value (shortest exact float repr); ``name`` picks the word for "empty"."""
    if value is None:
        return EMPTY_TEXT.get(name, "auto")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_query(state: AppState) -> str:
    """Query string (with leading "?", or "" for the pure defaults) describing ``state``."""
    pairs: list[tuple[str, str]] = []
    if state.view.preset:
        pairs.append(("preset", state.view.preset))
    base = state.base_params()
    for name in FIELD_SPECS:
        value = getattr(state.params, name)
        if value != getattr(base, name):
            pairs.append((name, format_query_value(value, name)))
    if state.view.map_points != ViewState().map_points:
        pairs.append(("map_points", str(state.view.map_points)))
    hold, _ = canonical_hold(state.view.hold, state.params)
    if hold is not None:
        pairs.append(("hold", hold))
    if state.view.energy_unit != ViewState().energy_unit:
        pairs.append(("energy_unit", state.view.energy_unit))
    if state.view.figure:
        pairs.append(("figure", state.view.figure))
    return "?" + urlencode(pairs, safe="-") if pairs else ""


def parse_query(search: str | None) -> tuple[AppState, list[str]]:
    """AppState from a query string; returns the state and one notice per problem."""
    if not search or search in ("?", ""):
        return default_state(), []
    notices: list[str] = []
    text = str(search)
    if len(text) > MAX_QUERY_CHARS:
        notices.append(f"link: longer than {MAX_QUERY_CHARS} characters; the rest was ignored")
        text = text[:MAX_QUERY_CHARS]
    pairs = _pairs(text.lstrip("?"), notices)
    values: dict[str, str] = {}
    for key, value in pairs:
        if key in values:
            notices.append(f"{key}: given more than once; using the last value {value!r}")
        values[key] = value
    for key in values:
        if key not in FIELD_SPECS and key not in VIEW_KEYS:
            notices.append(f"{key}: not a parameter of this dashboard; ignored")
    preset = values.get("preset") or None
    if preset is not None and preset not in PRESET_CHOICES:
        notices.append(f"preset: {preset!r} is not a known preset; using the built-in defaults")
        preset = None
    points, notice = clamp_map_points(values.get("map_points", ViewState().map_points))
    if notice:
        notices.append(notice)
    raw = {key: value for key, value in values.items() if key in FIELD_SPECS}
    params, param_notices = coerce_params(raw, canonical(preset_params(preset)))
    notices.extend(note.replace("kept the previous value", "using the default") for note in param_notices)
    params = canonical(params)
    hold, notice = canonical_hold(values.get("hold"), params)
    energy_unit, unit_notice = check_energy_unit(values.get("energy_unit"))
    figure, figure_notice = check_figure(values.get("figure"))
    notices.extend(text for text in (notice, unit_notice, figure_notice) if text)
    return AppState(params, ViewState(points, preset, hold, energy_unit, figure)), notices


def _pairs(query: str, notices: list[str]) -> list[tuple[str, str]]:
    """Decoded (key, value) pairs; a malformed query gives a notice and no pairs."""
    try:
        return parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError:
        notices.append(f"link: more than {MAX_QUERY_FIELDS} values or malformed; using the defaults")
        return []

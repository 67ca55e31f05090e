"""The whole dashboard state in the URL query string, with readable names.

``?preset=<name>&<field>=<value>...``: field names are the ``GainParams`` names, which carry
their unit (``stokes_mev=25``, ``tau_xx_ps=310``); only values that differ from the preset
(or the built-in defaults) are written, so links stay short. ``map_points`` sets the
phase-map resolution and ``hold`` (``fine_structure`` or ``stokes``) what the maps hold along
eta; it is written only when it differs from the model's default; ``energy_unit`` (meV, eV,
nm) how photon energy is shown and ``figure`` the paper figure drawn over its panel, each
written only when set; ``lesson`` and ``step`` the lesson open in the Learn view and its step;
``pins`` (last, so a cut link loses pins first) the pinned parameter sets:
``pins=<name>*<field>:<value>,<field>:<value>~<name>*...``, each pin's fields those that differ
from the link's preset (``pins_text``). Parsing never fails:
unknown names, garbage, out-of-range or repeated values fall back to defaults or are clamped,
each with a visible notice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode

from components.pins import MAX_PINS, Pin, changed_fields, make_pin
from components.presets import PRESET_CHOICES, preset_params
from components.state import (
    AppState,
    ViewState,
    canonical,
    canonical_hold,
    check_energy_unit,
    check_figure,
    check_lesson,
    clamp_map_points,
    default_state,
)
from qdgain_core import FIELD_SPECS, GainParams, coerce_params

MAX_QUERY_CHARS = 4000
MAX_QUERY_FIELDS = 200
VIEW_KEYS = ("preset", "map_points", "hold", "energy_unit", "figure", "lesson", "step", "pins")
PIN_SEPARATOR, NAME_SEPARATOR, VALUE_SEPARATOR, FIELD_SEPARATOR = "~", "*", ",", ":"
PIN_SAFE = PIN_SEPARATOR + NAME_SEPARATOR + VALUE_SEPARATOR + FIELD_SEPARATOR  # left unescaped in the link
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
    if state.view.lesson:
        pairs.append(("lesson", state.view.lesson))
        if state.view.step is not None:
            pairs.append(("step", str(state.view.step)))
    query = urlencode(pairs, safe="-")
    if state.view.pins:
        query += ("&" if query else "") + "pins=" + quote_plus(pins_text(state.view.pins, base), safe=PIN_SAFE)
    return "?" + query if query else ""


def pins_text(pins: Sequence[Pin], base: GainParams) -> str:
    """The URL form of ``pins`` (before escaping): each pin's name and the fields that differ from ``base``."""
    return PIN_SEPARATOR.join(
        pin.name + NAME_SEPARATOR + VALUE_SEPARATOR.join(
            f"{name}{FIELD_SEPARATOR}{format_query_value(value, name)}"
            for name, value in changed_fields(pin.params, base).items())
        for pin in pins)


def parse_pins(text: str | None, base: GainParams) -> tuple[tuple[Pin, ...], list[str]]:
    """Pins from their (decoded, untrusted) URL form on top of ``base``, one notice per problem."""
    if not text:
        return (), []
    notices: list[str] = []
    parts = text.split(PIN_SEPARATOR)
    if len(parts) > MAX_PINS:
        notices.append(f"pins: at most {MAX_PINS}; kept the first {MAX_PINS}")
    pins: list[Pin] = []
    for part in parts[:MAX_PINS]:
        if not part.strip():
            notices.append("pins: an empty pin was dropped")
            continue
        name, _, values = part.partition(NAME_SEPARATOR)
        raw: dict[str, str] = {}
        for item in filter(None, values.split(VALUE_SEPARATOR)):
            key, found, value = item.partition(FIELD_SEPARATOR)
            if not found:
                notices.append(f"pin {name[:24]!r}: {item[:24]!r} is not <parameter>:<value>; ignored")
                continue
            raw[key] = value
        pin, pin_notices = make_pin(name, raw, base, pins)
        pins.append(pin)
        notices.extend(pin_notices)
    return tuple(pins), notices


def with_lesson(query: str, lesson: str | None, step: int | None = None) -> str:
    """``query`` (a link's query string) with the Learn view's lesson and step set (validated; None: removed)."""
    state, _ = parse_query(query)
    checked_lesson, checked_step, _ = check_lesson(lesson, step)
    return to_query(AppState(state.params, dataclasses.replace(state.view, lesson=checked_lesson,
                                                               step=checked_step)))


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
    lesson, step, lesson_notices = check_lesson(values.get("lesson"), values.get("step"))
    pins, pin_notices = parse_pins(values.get("pins"), canonical(preset_params(preset)))
    notices.extend(text for text in (notice, unit_notice, figure_notice, *lesson_notices, *pin_notices) if text)
    return AppState(params, ViewState(points, preset, hold, energy_unit, figure, lesson, step, pins)), notices


def _pairs(query: str, notices: list[str]) -> list[tuple[str, str]]:
    """Decoded (key, value) pairs; a malformed query gives a notice and no pairs."""
    try:
        return parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError:
        notices.append(f"link: more than {MAX_QUERY_FIELDS} values or malformed; using the defaults")
        return []

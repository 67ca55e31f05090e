"""The dashboard state: the model parameters plus view settings, and its store form.

Everything that crosses the browser boundary (the ``dcc.Store`` JSON, URL values, control
values) is untrusted; ``state_from_store`` and ``coerce_view`` validate it with
``qdgain_core.coerce_params`` and clamp, returning human-readable notices, never raising.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.control_values import (
    DEFAULT_MAP_POINTS,
    map_points_from_control,
    params_from_controls,
)
from components.energy_units import DEFAULT_ENERGY_UNIT, ENERGY_UNITS
from components.pins import Pin, coerce_pins, pins_to_store
from components.presets import PRESET_CHOICES, preset_params
from qdgain_core import GainParams, coerce_params, rounded
from qdgain_core.maps import HOLDS, default_hold
from qdgain_core.paper_figures import FIGURE_IDS

HOLD_TEXT = {"fine_structure": "the fine structure Δ_FS", "stokes": "the Stokes shift Δ_SS"}


@dataclass(frozen=True)
class ViewState:
    """Settings of the views that are not model parameters.

    ``map_points``: points per axis of the (chi, eta) phase maps (clamped to MAP_POINTS_RANGE);
    ``preset``: the preset the parameters started from (None = built-in defaults);
    ``hold``: what the phase maps hold fixed along eta, "fine_structure" or "stokes"
    (docs/model.md §5.2). None means the model's default (``default_hold``); the
    constructors below store None whenever the choice equals that default, so one
    visible state has one value;
    ``energy_unit``: how energy axes, hovers and CSV columns show photon energy (meV, eV, nm);
    ``figure``: the paper figure (``qdgain_core.paper_figures`` id) whose printed values are
    drawn over its panel, None for none;
    ``lesson``/``step``: the lesson (``components.lesson_book`` id) open in the Learn view and its
    step (1-based), None for none (``check_lesson``);
    ``pins``: the pinned parameter sets compared with the current one (``components.pins``).
    """

    map_points: int = DEFAULT_MAP_POINTS
    preset: str | None = None
    hold: str | None = None
    energy_unit: str = DEFAULT_ENERGY_UNIT
    figure: str | None = None
    lesson: str | None = None
    step: int | None = None
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True)
class AppState:
    """Canonical (rounded) parameters and the view settings."""

    params: GainParams
    view: ViewState

    @property
    def hold(self) -> str:
        """What the phase maps hold along eta for these parameters (always valid for the core)."""
        return resolve_hold(self.view.hold, self.params)[0]

    def base_params(self) -> GainParams:
        """Parameters of the selected preset (or the defaults): the reference for the URL."""
        return canonical(preset_params(self.view.preset))


def canonical(params: GainParams) -> GainParams:
    """Rounded parameters (4 significant digits): one cache key per visible state."""
    return rounded(params)


def default_state() -> AppState:
    """Built-in defaults, no preset."""
    return AppState(canonical(GainParams()), ViewState())


def clamp_map_points(raw: Any) -> tuple[int, str | None]:
    """Map resolution by the one input rule (clamped to MAP_POINTS_RANGE; unusable: the default), and its notice."""
    checked = map_points_from_control(raw, DEFAULT_MAP_POINTS)
    return int(checked.value), checked.message or None


def valid_holds(params: GainParams) -> tuple[str, ...]:
    """The holds the core accepts for ``params``: the Gaussian Simple Model has no lattice width to dress."""
    return ("stokes",) if params.lineshape_model == "gaussian" else HOLDS


def resolve_hold(raw: Any, params: GainParams) -> tuple[str, str | None]:
    """The hold to use for untrusted ``raw`` (None/"" = the model's default), and a notice when it was changed."""
    default = default_hold(params)
    if raw is None or raw == "":
        return default, None
    if not isinstance(raw, str) or raw not in HOLDS:
        shown = raw if isinstance(raw, str) and len(raw) <= 40 else type(raw).__name__
        return default, (f"phase-map η axis: {shown!r} is not one of {', '.join(HOLDS)}; "
                         f"holding {HOLD_TEXT[default]}")
    if raw not in valid_holds(params):
        return default, (f"phase-map η axis: the Gaussian Simple Model has no lattice width to dress, so its maps "
                         f"hold {HOLD_TEXT[default]}, not {HOLD_TEXT[raw]}")
    return raw, None


def canonical_hold(raw: Any, params: GainParams) -> tuple[str | None, str | None]:
    """``resolve_hold`` in store form: None when the hold is the model's default."""
    hold, notice = resolve_hold(raw, params)
    return (None if hold == default_hold(params) else hold), notice


def shown_raw(raw: Any) -> str:
    """Untrusted ``raw`` as a notice quotes it: a short string itself, anything else by its type."""
    return repr(raw) if isinstance(raw, str) and len(raw) <= 40 else type(raw).__name__


def _choice(raw: Any, allowed: tuple[str, ...], default: Any, problem: str) -> tuple[Any, str | None]:
    """``raw`` when it is one of ``allowed``; None/"" or anything else: ``default`` (with ``problem`` as notice)."""
    if raw is None or raw == "":
        return default, None
    if isinstance(raw, str) and raw in allowed:
        return raw, None
    return default, problem.format(shown=shown_raw(raw))


def check_energy_unit(raw: Any) -> tuple[str, str | None]:
    """The energy unit for untrusted ``raw`` (None/"" = meV), and a notice when it was not one of ENERGY_UNITS."""
    return _choice(raw, ENERGY_UNITS, DEFAULT_ENERGY_UNIT,
                   f"energy unit: {{shown}} is not one of {', '.join(ENERGY_UNITS)}; showing meV")


def check_figure(raw: Any) -> tuple[str | None, str | None]:
    """The paper-figure id for untrusted ``raw`` (None/"" = none), and a notice when it is not a known figure."""
    return _choice(raw, FIGURE_IDS, None, "paper figure: {shown} is not one of the gallery's figures; none is drawn")


@functools.lru_cache(maxsize=1)
def lesson_steps() -> dict[str, int]:
    """Lesson id -> number of steps, of the lessons in ``components/lessons/`` (loaded once, lazily: the lesson
    book imports this module)."""
    from components.lesson_book import load_lessons

    return {lesson.id: len(lesson.steps) for lesson in load_lessons()}


def _step_number(raw: Any) -> int | None:
    """``raw`` as a whole number (an int, or a string of digits), else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) <= 6:
        return int(raw.strip())
    return None


def check_lesson(raw_lesson: Any, raw_step: Any) -> tuple[str | None, int | None, list[str]]:
    """The lesson id and step (1..its number of steps) for untrusted values (None/"" = none), with notices.

    An unknown lesson drops both; an unusable step (not a whole number, out of range, or
    without a lesson) is None, each with a notice.
    """
    notices: list[str] = []
    lesson = None if raw_lesson in (None, "") else raw_lesson
    if lesson is not None and (not isinstance(lesson, str) or lesson not in lesson_steps()):
        notices.append(f"lesson: {shown_raw(lesson)} is not one of the lessons; none is opened")
        lesson = None
    if raw_step in (None, ""):
        return lesson, None, notices
    step = _step_number(raw_step)
    if lesson is None:
        if not notices:
            notices.append(f"lesson step: {shown_raw(raw_step)} names no lesson; ignored")
        return None, None, notices
    count = lesson_steps()[lesson]
    if step is None or not 1 <= step <= count:
        notices.append(f"lesson step: {shown_raw(raw_step)} is not a step of {lesson!r} (1–{count}); "
                       "opening its first page")
        return lesson, None, notices
    return lesson, step, notices


def coerce_view(raw: Mapping[str, Any] | None, known_presets: Mapping[str, Any],
                params: GainParams | None = None) -> tuple[ViewState, list[str]]:
    """ViewState from untrusted JSON; unknown presets are dropped and the hold checked against ``params``,
    each with a notice."""
    raw = raw if isinstance(raw, Mapping) else {}
    notices: list[str] = []
    points, notice = clamp_map_points(raw.get("map_points", DEFAULT_MAP_POINTS))
    if notice:
        notices.append(notice)
    preset = raw.get("preset")
    if preset in (None, ""):
        preset = None
    elif not isinstance(preset, str) or preset not in known_presets:
        notices.append(f"preset: {preset!r} is not a known preset; using the built-in defaults")
        preset = None
    hold, notice = canonical_hold(raw.get("hold"), params if params is not None else GainParams())
    energy_unit, unit_notice = check_energy_unit(raw.get("energy_unit"))
    figure, figure_notice = check_figure(raw.get("figure"))
    notices.extend(text for text in (notice, unit_notice, figure_notice) if text)
    lesson, step, lesson_notices = check_lesson(raw.get("lesson"), raw.get("step"))
    pins, pin_notices = coerce_pins(raw.get("pins"))
    notices.extend(lesson_notices + pin_notices)
    return ViewState(points, preset, hold, energy_unit, figure, lesson, step, pins), notices


def view_to_store(view: ViewState) -> dict[str, Any]:
    """JSON form of the view settings (pins in their store form, ``pins.pins_to_store``)."""
    data = {field.name: getattr(view, field.name) for field in dataclasses.fields(view)}
    return {**data, "pins": pins_to_store(view.pins)}


def state_to_store(state: AppState, query: str) -> dict[str, Any]:
    """JSON-serialisable form kept in the browser (``dcc.Store``)."""
    return {"params": state.params.as_dict(), "view": view_to_store(state.view), "query": query}


def state_from_store(data: Any) -> tuple[AppState, list[str]]:
    """AppState from the (untrusted) store JSON; garbage falls back to defaults with notices."""
    if not isinstance(data, Mapping):
        return default_state(), ["state: missing or malformed; using the defaults"] if data is not None else []
    raw_params = data.get("params")
    if not isinstance(raw_params, Mapping):
        view, notices = coerce_view(data.get("view"), PRESET_CHOICES)
        return AppState(canonical(GainParams()), view), [*notices, "parameters: malformed; using the defaults"]
    params, param_notices = coerce_params(raw_params, GainParams())
    view, notices = coerce_view(data.get("view"), PRESET_CHOICES, canonical(params))
    return AppState(canonical(params), view), notices + param_notices


def params_from_view(numbers: Any, revision: Any) -> GainParams:
    """Parameters the controls show: advanced ones from the revision, main ones from the number inputs.

    ``numbers`` maps main field names to what their number inputs hold (untrusted); the
    revision is ``{"params": {...}}`` as written by the state callbacks. Never raises.
    """
    base, _ = state_from_store(revision)
    params, _ = params_from_controls(numbers, {}, base.params)
    return params


def state_from_view(numbers: Mapping[str, Any], revision: Any, map_points: Any, hold: Any = None,
                    view: Any = None) -> AppState:
    """The state the controls show (figures are drawn from it; the store records it for links and export).

    An unusable or (for the Gaussian model) inapplicable ``hold`` falls back to the model's
    default; the state callback shows the notice, so a drawing callback never raises on it.
    ``view`` (untrusted) may give ``energy_unit`` and ``figure``; unusable values are dropped. The
    lesson and the pins are left out: the panels' own figures do not depend on them (the pins are drawn
    over them, ``components.pin_curves``), so the figure memo keeps one entry per drawn state.
    """
    points, _ = clamp_map_points(map_points)
    params = params_from_view(numbers, revision)
    extra = view if isinstance(view, Mapping) else {}
    return AppState(params, ViewState(points, hold=canonical_hold(hold, params)[0],
                                      energy_unit=check_energy_unit(extra.get("energy_unit"))[0],
                                      figure=check_figure(extra.get("figure"))[0]))


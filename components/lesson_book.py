"""Guided lessons a teacher hands out: loading, validation, answer checking and the teacher's guide.

One lesson per JSON file in ``components/lessons/`` (the folder is scanned, so a teacher adds a
lesson by adding a file; ``order`` sorts them). A lesson has 3–6 steps; a step opens a dashboard
state (``state``: a query string as ``components.url_state`` writes it, plus the tab's hash),
points at one panel of ``components.panels`` and asks one question: multiple choice (``answer``
is the index of the right choice) or a number read off the figure. Every number, and every
choice that depends on the model, names a ``check``: a core computation of ``QUANTITIES``
evaluated at the step's state, so a model change that breaks a lesson fails a test
(tests/web/test_lessons.py). A malformed file raises ``LessonError`` naming the file and the field.

docs/lessons.md is ``teacher_markdown()`` (``python -m components.lesson_book --write docs/lessons.md``).
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np

import qdgain_core as core
from components.computed import map_axes
from components.panels import OPERATING_PANELS, PANEL_BY_ID, PANEL_IDS, PANEL_TABS, TAB_OF_PANEL, potential_axis_mv
from components.state import AppState
from components.url_state import parse_query, to_query
from qdgain_core import THRESHOLD_METHODS
from qdgain_core.level_schemes import level_scheme_variants
from qdgain_core.observables import has_gain

LESSON_DIR = pathlib.Path(__file__).resolve().parent / "lessons"
LEARN_HASH = "learn"
MINUTES_RANGE = (5, 10)
STEPS_RANGE = (3, 6)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
TAB_VALUES: tuple[str, ...] = tuple(tab.value for tab in PANEL_TABS)

Value = float | bool | str


class LessonError(ValueError):
    """A lesson file that does not load: the message starts with the file name and the field."""


# ---------------------------------------------------------------------------------------------------------------
# The check table: quantity name -> core computation at a step's state
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    """One core computation a lesson answer is checked against.

    ``kind`` is "number" (a float, compared with the answer within the step's tolerance) or
    "choice" (a bool or a label, compared with the ``choice_values`` entry of the chosen answer);
    ``panels`` are the panels the student reads it from (a step's panel must be one of them);
    ``args`` the names its check may give (each validated by ``ARGS``).
    """

    kind: str
    unit: str
    panels: tuple[str, ...]
    args: tuple[str, ...]
    description: str
    compute: Callable[[AppState, Mapping[str, Any]], Value]


def _method(args: Mapping[str, Any], state: AppState) -> str:
    return str(args.get("method", state.params.threshold_method))


def _n_th(state: AppState, args: Mapping[str, Any]) -> float:
    return core.gain_threshold(state.params, _method(args, state)).n_th


def _has_gain(state: AppState, args: Mapping[str, Any]) -> bool:
    return has_gain(state.params, _method(args, state))


def _net_gain_depth(state: AppState, _: Mapping[str, Any]) -> float:
    return core.measured_ratio(state.params)


def _sigma_ratio(state: AppState, _: Mapping[str, Any]) -> float:
    return core.sigma_eff_ratio(state.params)


CUTS = ("n_th_vs_chi", "n_th_vs_eta", "ratio_vs_chi", "ratio_vs_eta", "stokes_vs_eta_mev")


def _cuts(state: AppState) -> core.PhaseCuts:
    """The cuts exactly as the Cuts tab draws them (``computed.phase_cuts``: 4x the map resolution)."""
    chi, eta = map_axes(min(4 * state.view.map_points, 201))
    return core.phase_cuts(state.params, chi, eta, hold=state.hold)


def _cut_axis(cuts: core.PhaseCuts, name: str) -> tuple[np.ndarray, bool]:
    """x values of cut ``name`` and whether the axis is logarithmic (eta)."""
    return (cuts.chi, False) if name.endswith("_chi") else (cuts.eta, True)


def _cut_value(state: AppState, args: Mapping[str, Any]) -> float:
    cuts = _cuts(state)
    x, log = _cut_axis(cuts, args["cut"])
    y = np.asarray(getattr(cuts, args["cut"]), dtype=float)
    at = float(args["at"])
    if not x[0] <= at <= x[-1]:
        return math.nan
    if log:
        return float(np.interp(math.log(at), np.log(x), y))
    return float(np.interp(at, x, y))


def _cut_argmin(state: AppState, args: Mapping[str, Any]) -> float:
    cuts = _cuts(state)
    x, _ = _cut_axis(cuts, args["cut"])
    y = np.asarray(getattr(cuts, args["cut"]), dtype=float)
    return float(x[int(np.nanargmin(y))]) if np.any(np.isfinite(y)) else math.nan


def region_label(chi: float, eta: float) -> str:
    """Where a point lies on the (chi, eta) map in words: η below or above 1, χ within 0.5 of 1 or not."""
    return f"{'low' if eta < 1.0 else 'high'} η, χ {'near 1' if abs(chi - 1.0) <= 0.5 else 'far from 1'}"


REGIONS = tuple(region_label(chi, eta) for eta in (0.1, 10.0) for chi in (1.0, -1.0))


def _phase_extreme(state: AppState, args: Mapping[str, Any]) -> str:
    """Region of the largest or smallest value of a phase map (NaN rows outside the model's domain skipped)."""
    chi, eta = map_axes(state.view.map_points)
    phase = core.phase_maps(state.params, chi, eta, hold=state.hold)[args["map"]]
    values = np.where(np.isnan(phase.values), -np.inf if args["extreme"] == "max" else np.inf, phase.values)
    index = np.argmax(values) if args["extreme"] == "max" else np.argmin(values)
    row, column = np.unravel_index(int(index), values.shape)
    return region_label(float(phase.chi_values[column]), float(phase.eta_values[row]))


COUNTING_CURVES = ("single_unsaturated", "single_saturated", "ensemble_unsaturated", "ensemble_saturated")


def _counting_crossing(state: AppState, args: Mapping[str, Any]) -> float:
    return float(core.counting_curves(state.params.g_e, state.params.g_h).crossings[args["curve"]])


def _n_th_vs_doping(state: AppState, args: Mapping[str, Any]) -> float:
    return float(core.threshold_vs_doping(state.params, [state.params.n_doped], _method(args, state))[0])


def _potential_at_doping(state: AppState, _: Mapping[str, Any]) -> float:
    """Electrode potential (mV) at which the film holds the state's <n_1S(e)>, on the panel's potential axis."""
    params = state.params
    potential = potential_axis_mv(params)
    electrons = core.electrons_vs_potential(potential, params.v_1s_mv, params.charging_energy_mev,
                                            params.doping_temperature_k, params.sigma_1s_mv)
    return float(np.interp(params.n_doped, electrons[::-1], potential[::-1]))


def _ase_threshold(state: AppState, _: Mapping[str, Any]) -> float:
    threshold = core.ase_curve(state.params).threshold_mj_cm2
    return math.inf if threshold is None else float(threshold)


WIDTH_CHANGES = ("narrows", "broadens", "about the same")


def _ase_width_change(state: AppState, _: Mapping[str, Any]) -> str:
    """How the spectrum's width changes from the lowest to the highest fluence ([001] Fig. 9): "narrows" (under
    half), "broadens" (over 1.25x) or "about the same"."""
    width = core.ase_curve(state.params).spike_fwhm_mev
    if width[-1] < 0.5 * width[0]:
        return "narrows"
    return "broadens" if width[-1] > 1.25 * width[0] else "about the same"


SCHEMES = ("2LS", "2LS+ESA", "3LS", "3LS+ESA", "4LS", "4LS+ESA")


def _scheme_thresholds(state: AppState) -> dict[str, float]:
    thresholds = {}
    for name, variant in level_scheme_variants(state.params).items():
        value = core.ase_curve(variant).threshold_mj_cm2
        thresholds[name] = math.inf if value is None else float(value)
    return thresholds


def _scheme_ase_threshold(state: AppState, args: Mapping[str, Any]) -> float:
    return _scheme_thresholds(state)[args["scheme"]]


def _lowest_ase_scheme(state: AppState, args: Mapping[str, Any]) -> str:
    """The level scheme (2LS, 3LS or 4LS) with the lowest ASE threshold, all without ESA or all with it."""
    suffix = "+ESA" if args.get("esa", False) else ""
    thresholds = _scheme_thresholds(state)
    return min(("2LS", "3LS", "4LS"), key=lambda name: thresholds[name + suffix])


DOPING_LEVELS = (0, 1, 2)


def _gain_lifetime(state: AppState, args: Mapping[str, Any]) -> float:
    """Gain lifetime (ps) at the state's <N>: the operating point's, or the curve of one doping level n."""
    dynamics = core.gain_dynamics(state.params)
    if "doping_level" not in args:
        return float(dynamics.operating_gain_lifetime_ps)
    row = dynamics.doping_levels.index(int(args["doping_level"]))
    return float(np.interp(state.params.n_avg, dynamics.n_x_values, dynamics.gain_lifetime_ps[row]))


ARGS: Mapping[str, Callable[[Any], bool]] = MappingProxyType({
    "method": lambda value: value in THRESHOLD_METHODS,
    "cut": lambda value: value in CUTS,
    "at": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value),
    "map": lambda value: value in ("n_th", "sigma_ratio"),
    "extreme": lambda value: value in ("min", "max"),
    "curve": lambda value: value in COUNTING_CURVES,
    "scheme": lambda value: value in SCHEMES,
    "esa": lambda value: isinstance(value, bool),
    "doping_level": lambda value: value in DOPING_LEVELS and not isinstance(value, bool),
})
REQUIRED_ARGS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "cut_value": ("cut", "at"), "cut_argmin": ("cut",), "phase_extreme": ("map", "extreme"),
    "counting_crossing": ("curve",), "scheme_ase_threshold": ("scheme",),
})
CUT_PANELS = ("cut_nth_chi", "cut_nth_eta", "cut_ratio_chi", "cut_ratio_eta")

QUANTITIES: Mapping[str, Quantity] = MappingProxyType({
    "n_th": Quantity("number", "excitons/dot", ("se_map", "phase_nth", "cut_nth_chi", "cut_nth_eta"), ("method",),
                     "gain threshold ⟨N_th⟩ (gain_threshold; the state's method unless given)", _n_th),
    "has_gain": Quantity("choice", "", ("spectra", "se_map"), ("method",),
                         "net gain at the state's ⟨N⟩ (has_gain; `peak` = net gain of at least "
                         "gain_min_fraction of max OD_0 somewhere, what the eye sees)", _has_gain),
    "net_gain_depth": Quantity("number", "max OD_0", ("spectra",), (),
                               "largest net gain max(−OD_NL)/max OD_0 at the state's ⟨N⟩ (measured_ratio)",
                               _net_gain_depth),
    "sigma_ratio": Quantity("number", "", ("cross_sections", "phase_sigma", "cut_ratio_chi", "cut_ratio_eta"), (),
                            "σ_eff/σ_SE of a singly excited dot (sigma_eff_ratio; [000] Eq. 5)", _sigma_ratio),
    "cut_value": Quantity("number", "as the cut", CUT_PANELS, ("cut", "at"),
                          "a cut of [000] Fig. 5a–d (phase_cuts, as the Cuts tab draws it) read at χ or η = `at`",
                          _cut_value),
    "cut_argmin": Quantity("number", "χ or η", CUT_PANELS, ("cut",),
                           "where a cut of [000] Fig. 5a–d (phase_cuts) is smallest", _cut_argmin),
    "phase_extreme": Quantity("choice", "", ("phase_nth", "phase_sigma"), ("map", "extreme"),
                              "region (low/high η, χ near/far from 1) of the largest or smallest value of a phase "
                              "map ([000] Fig. 5; phase_maps at the state's resolution and hold)", _phase_extreme),
    "counting_crossing": Quantity("number", "excitons/dot", ("counting",), ("curve",),
                                  "zero crossing of a transition-counting curve ([002] SI Fig. S4; counting_curves)",
                                  _counting_crossing),
    "n_th_vs_doping": Quantity("number", "excitons/dot", ("doping_threshold",), ("method",),
                               "⟨N_th⟩ at the state's ⟨n_1S(e)⟩ ([002] Fig. 5b; threshold_vs_doping)",
                               _n_th_vs_doping),
    "potential_at_doping": Quantity("number", "mV", ("doping_potential",), (),
                                    "electrode potential holding the state's ⟨n_1S(e)⟩ ([002] Fig. 5a; "
                                    "electrons_vs_potential)", _potential_at_doping),
    "ase_threshold": Quantity("number", "mJ/cm²", ("ase_output", "ase_spectra"), (),
                              "ASE threshold fluence, the kink of the output ([001] Fig. 9; ase_curve)",
                              _ase_threshold),
    "ase_width_change": Quantity("choice", "", ("ase_spectra",), (),
                                 "how the spectrum's width changes from the lowest to the highest fluence: "
                                 f"{', '.join(WIDTH_CHANGES)} (ase_curve spike FWHM)", _ase_width_change),
    "scheme_ase_threshold": Quantity("number", "mJ/cm²", ("ase_schemes",), ("scheme",),
                                     "ASE threshold of one level scheme ([001] Fig. 9a–d; level_scheme_variants, "
                                     "ase_curve)", _scheme_ase_threshold),
    "lowest_ase_scheme": Quantity("choice", "", ("ase_schemes",), ("esa",),
                                  "the scheme (2LS, 3LS, 4LS) with the lowest ASE threshold, without ESA "
                                  "(or with it: esa = true)", _lowest_ase_scheme),
    "gain_lifetime": Quantity("number", "ps", ("dynamics_astar", "dynamics_lifetime"), ("doping_level",),
                              "gain lifetime at the state's ⟨N⟩ ([002] Fig. 5c; gain_dynamics): the operating "
                              "point's, or the curve of doping level n", _gain_lifetime),
})
QUANTITY_KINDS = ("number", "choice")


def _check_table() -> None:
    """The check table is complete: every quantity computes, names its panels and validates its arguments."""
    problems = []
    for name, quantity in QUANTITIES.items():
        if quantity.kind not in QUANTITY_KINDS or not callable(quantity.compute) or not quantity.description:
            problems.append(f"{name}: needs a kind of {QUANTITY_KINDS}, a computation and a description")
        problems.extend(f"{name}: panel {panel!r} is not a panel" for panel in quantity.panels
                        if panel not in PANEL_BY_ID)
        problems.extend(f"{name}: argument {arg!r} has no validator in ARGS" for arg in quantity.args
                        if arg not in ARGS)
        if not quantity.panels:
            problems.append(f"{name}: names no panel to read it from")
    problems.extend(f"REQUIRED_ARGS: {name!r} is not a quantity, or requires arguments it does not take"
                    for name, needed in REQUIRED_ARGS.items()
                    if name not in QUANTITIES or not set(needed) <= set(QUANTITIES[name].args))
    if problems:
        raise RuntimeError("components.lesson_book check table incomplete: " + "; ".join(problems))


_check_table()


# ---------------------------------------------------------------------------------------------------------------
# Lessons
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tolerance:
    """How far a number answer may lie from the core's value: ``kind`` "absolute" (in the unit) or "relative"."""

    kind: str
    value: float
    reason: str

    def allows(self, expected: float, given: float) -> bool:
        """Whether ``given`` is within the tolerance of ``expected`` (never for a non-finite ``expected``)."""
        if not (math.isfinite(expected) and math.isfinite(given)):
            return False
        limit = self.value if self.kind == "absolute" else self.value * abs(expected)
        return abs(given - expected) <= limit * (1 + 1e-12)

    def as_text(self, unit: str = "") -> str:
        """"± 0.1 excitons/dot" or "± 25 %"."""
        if self.kind == "relative":
            return f"± {100 * self.value:g} %"
        return f"± {self.value:g}{' ' + unit if unit else ''}"


@dataclass(frozen=True)
class Check:
    """The core computation behind an answer: a ``QUANTITIES`` name and its arguments.

    For a choice question ``choice_values`` gives, per choice, the value the core returns when that
    choice is right (the answer agrees when the core returns the chosen choice's value).
    """

    quantity: str
    args: tuple[tuple[str, Any], ...] = ()
    choice_values: tuple[bool | str, ...] = ()

    @property
    def arguments(self) -> dict[str, Any]:
        """The arguments as a dict."""
        return dict(self.args)

    def evaluate(self, state: AppState) -> Value:
        """The core's value at ``state``."""
        return QUANTITIES[self.quantity].compute(state, self.arguments)

    def as_text(self) -> str:
        """`quantity` (arg = value, ...)."""
        args = ", ".join(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in self.args)
        return f"`{self.quantity}`" + (f" ({args})" if args else "")


@dataclass(frozen=True)
class Question:
    """What the student answers: ``kind`` "choice" (``answer`` indexes ``choices``) or "number" (in ``unit``)."""

    prompt: str
    kind: str
    answer: float
    choices: tuple[str, ...] = ()
    unit: str = ""

    def answer_text(self) -> str:
        """The right answer as the guide prints it."""
        if self.kind == "choice":
            index = int(self.answer)
            return f"{chr(ord('a') + index)}) {self.choices[index]}"
        return f"{self.answer:g}{' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True)
class Step:
    """One screen of a lesson: a dashboard state, the panel to look at, a question and its checked answer."""

    title: str
    text: str
    state: str
    panel: str
    watch: str
    equation: str
    question: Question
    why: str
    check: Check | None = None
    tolerance: Tolerance | None = None

    @property
    def query(self) -> str:
        """The query string of ``state`` ("" or starting with "?")."""
        return self.state.partition("#")[0]

    @property
    def tab(self) -> str:
        """The figure tab the step opens (the hash of ``state``)."""
        return self.state.partition("#")[2]

    def app_state(self) -> AppState:
        """The dashboard state the step's link opens."""
        return parse_query(self.query)[0]


@dataclass(frozen=True)
class Lesson:
    """A guided lesson: ``order`` sorts the book; ``discussion`` is for the teacher only."""

    id: str
    order: int
    title: str
    minutes: int
    goals: tuple[str, ...]
    discussion: tuple[str, ...]
    steps: tuple[Step, ...]
    source: str = ""

    @property
    def handout_link(self) -> str:
        """What the teacher appends to the dashboard's address: the Learn view on this lesson."""
        return f"?lesson={self.id}#{LEARN_HASH}"


# ---------------------------------------------------------------------------------------------------------------
# Loading and validation (every problem names the file and the field)
# ---------------------------------------------------------------------------------------------------------------

class _Fields:
    """Typed access to one JSON object; every problem raises LessonError naming ``file`` and the field's path."""

    def __init__(self, file: str, path: str, raw: Any, allowed: Sequence[str]) -> None:
        self.file, self.path = file, path
        if not isinstance(raw, Mapping):
            self.fail("", f"must be an object, not {type(raw).__name__}")
        self.raw: Mapping[str, Any] = raw
        unknown = sorted(set(raw) - set(allowed))
        if unknown:
            self.fail(unknown[0], f"is not a lesson field (allowed here: {', '.join(allowed)})")

    def where(self, name: str) -> str:
        return f"{self.path}.{name}".strip(".") if name else self.path or "(top level)"

    def fail(self, name: str, problem: str) -> NoReturn:
        raise LessonError(f"{self.file}: {self.where(name)}: {problem}")

    def has(self, name: str) -> bool:
        return name in self.raw

    def get(self, name: str) -> Any:
        if name not in self.raw:
            self.fail(name, "is missing")
        return self.raw[name]

    def text(self, name: str) -> str:
        value = self.get(name)
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "must be a non-empty string")
        return value.strip()

    def integer(self, name: str, low: int, high: int) -> int:
        value = self.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(name, f"must be a whole number from {low} to {high}, not {value!r}")
        return value

    def number(self, name: str) -> float:
        value = self.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(name, f"must be a finite number, not {value!r}")
        return float(value)

    def texts(self, name: str, low: int = 1, high: int = 20) -> tuple[str, ...]:
        value = self.get(name)
        if (not isinstance(value, list) or not low <= len(value) <= high
                or not all(isinstance(item, str) and item.strip() for item in value)):
            self.fail(name, f"must be a list of {low} to {high} non-empty strings")
        return tuple(item.strip() for item in value)

    def items(self, name: str, low: int, high: int) -> list[Any]:
        value = self.get(name)
        if not isinstance(value, list) or not low <= len(value) <= high:
            self.fail(name, f"must be a list of {low} to {high} entries")
        return value


LESSON_FIELDS = ("id", "order", "title", "minutes", "goals", "discussion", "steps")
STEP_FIELDS = ("title", "text", "state", "panel", "watch", "equation", "question", "why", "check", "tolerance")
QUESTION_FIELDS = ("prompt", "kind", "choices", "answer", "unit")
CHECK_FIELDS = ("quantity", "args", "choice_values")
TOLERANCE_FIELDS = ("absolute", "relative", "reason")


def parse_lesson(raw: Any, file: str, stem: str | None = None) -> Lesson:
    """A validated Lesson from the JSON of one file (``stem``: the file name without .json, which must be the id)."""
    fields = _Fields(file, "", raw, LESSON_FIELDS)
    lesson_id = fields.text("id")
    if not ID_PATTERN.match(lesson_id):
        fields.fail("id", f"{lesson_id!r} must be lower-case letters, digits and _ (it goes into the link)")
    if stem is not None and lesson_id != stem:
        fields.fail("id", f"{lesson_id!r} must equal the file name {stem!r} (one lesson per file)")
    steps = tuple(_step(file, f"steps[{index}]", raw_step)
                  for index, raw_step in enumerate(fields.items("steps", *STEPS_RANGE)))
    return Lesson(lesson_id, fields.integer("order", 1, 999), fields.text("title"),
                  fields.integer("minutes", *MINUTES_RANGE), fields.texts("goals"), fields.texts("discussion"),
                  steps, file)


def _step(file: str, path: str, raw: Any) -> Step:
    fields = _Fields(file, path, raw, STEP_FIELDS)
    state, tab = _checked_state(fields)
    panel = fields.text("panel")
    if panel not in PANEL_BY_ID:
        fields.fail("panel", f"{panel!r} is not a panel id of components.panels ({', '.join(PANEL_IDS)})")
    if panel not in OPERATING_PANELS and TAB_OF_PANEL.get(panel) != tab:
        fields.fail("panel", f"{panel!r} is on the tab #{TAB_OF_PANEL.get(panel)}, not on #{tab} that the link opens")
    question = _question(_Fields(file, f"{path}.question", fields.get("question"), QUESTION_FIELDS))
    check = _check(_Fields(file, f"{path}.check", fields.get("check"), CHECK_FIELDS), question, panel) \
        if fields.has("check") else None
    tolerance = _tolerance(_Fields(file, f"{path}.tolerance", fields.get("tolerance"), TOLERANCE_FIELDS)) \
        if fields.has("tolerance") else None
    if question.kind == "number" and (check is None or tolerance is None):
        fields.fail("check" if check is None else "tolerance", "is required for a number answer")
    if question.kind == "choice" and tolerance is not None:
        fields.fail("tolerance", "applies to number answers only")
    return Step(fields.text("title"), fields.text("text"), state, panel, fields.text("watch"),
                fields.text("equation"), question, fields.text("why"), check, tolerance)


def _checked_state(fields: _Fields) -> tuple[str, str]:
    """The step's link, which the app must open exactly as written: no notice, no rewrite, a figure tab."""
    state = fields.text("state")
    query, hash_mark, tab = state.partition("#")
    if not hash_mark or tab not in TAB_VALUES:
        fields.fail("state", f"{state!r} must end with the hash of a figure tab (#{', #'.join(TAB_VALUES)})")
    if query and not query.startswith("?"):
        fields.fail("state", f"{state!r}: the query must start with '?'")
    parsed, notices = parse_query(query)
    if notices:
        fields.fail("state", f"the app would change {query!r}: {'; '.join(notices)}")
    canonical = to_query(parsed)
    if canonical != query:
        fields.fail("state", f"the app would rewrite {query!r} as {canonical!r}; write that")
    return state, tab


def _question(fields: _Fields) -> Question:
    kind = fields.text("kind")
    prompt = fields.text("prompt")
    if kind == "choice":
        choices = fields.texts("choices", 2, 6)
        if fields.has("unit"):
            fields.fail("unit", "applies to number answers only")
        return Question(prompt, kind, fields.integer("answer", 0, len(choices) - 1), choices)
    if kind == "number":
        if fields.has("choices"):
            fields.fail("choices", "applies to choice questions only")
        unit = fields.raw.get("unit", "")
        if not isinstance(unit, str):
            fields.fail("unit", "must be a string")
        return Question(prompt, kind, fields.number("answer"), (), unit)
    return fields.fail("kind", f"{kind!r} must be 'choice' or 'number'")


def _check(fields: _Fields, question: Question, panel: str) -> Check:
    name = fields.text("quantity")
    if name not in QUANTITIES:
        fields.fail("quantity", f"{name!r} is not in the check table ({', '.join(QUANTITIES)})")
    quantity = QUANTITIES[name]
    if panel not in quantity.panels:
        fields.fail("quantity", f"{name!r} is read from {', '.join(quantity.panels)}, not from the step's panel "
                                f"{panel!r}")
    args = fields.raw.get("args", {})
    if not isinstance(args, Mapping):
        fields.fail("args", "must be an object")
    for key, value in args.items():
        if key not in quantity.args:
            fields.fail(f"args.{key}", f"{name!r} takes {', '.join(quantity.args) or 'no arguments'}")
        if not ARGS[key](value):
            fields.fail(f"args.{key}", f"{value!r} is not a valid {key}")
    for key in REQUIRED_ARGS.get(name, ()):
        if key not in args:
            fields.fail(f"args.{key}", f"is required by {name!r}")
    expected_kind = "number" if question.kind == "number" else "choice"
    if quantity.kind != expected_kind:
        fields.fail("quantity", f"{name!r} gives a {quantity.kind}, but the question asks for a {question.kind}")
    values: tuple[bool | str, ...] = ()
    if question.kind == "choice":
        raw_values = fields.get("choice_values")
        if (not isinstance(raw_values, list) or len(raw_values) != len(question.choices)
                or not all(isinstance(v, (bool, str)) for v in raw_values)
                or len({json.dumps(v) for v in raw_values}) != len(raw_values)):
            fields.fail("choice_values", f"must list {len(question.choices)} distinct booleans or labels, one per "
                                         "choice: the core's value when that choice is right")
        values = tuple(raw_values)
    elif fields.has("choice_values"):
        fields.fail("choice_values", "applies to choice questions only")
    return Check(name, tuple(sorted(args.items())), values)


def _tolerance(fields: _Fields) -> Tolerance:
    kinds = [kind for kind in ("absolute", "relative") if fields.has(kind)]
    if len(kinds) != 1:
        fields.fail("", "must give exactly one of 'absolute' or 'relative'")
    value = fields.number(kinds[0])
    if not value > 0 or (kinds[0] == "relative" and value > 0.5):
        fields.fail(kinds[0], f"{value:g} must be positive{' and at most 0.5' if kinds[0] == 'relative' else ''}")
    return Tolerance(kinds[0], value, fields.text("reason"))


def load_lessons(folder: pathlib.Path | str | None = None) -> tuple[Lesson, ...]:
    """Every ``*.json`` lesson of ``folder`` (default ``components/lessons/``), validated, sorted by ``order``."""
    directory = pathlib.Path(folder) if folder is not None else LESSON_DIR
    lessons: list[Lesson] = []
    for path in sorted(directory.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise LessonError(f"{path.name}: (file): not valid JSON ({error})") from error
        lessons.append(parse_lesson(raw, path.name, path.stem))
    for field in ("order", "id"):
        seen: dict[Any, str] = {}
        for lesson in lessons:
            value = getattr(lesson, field)
            if value in seen:
                raise LessonError(f"{lesson.source}: {field}: {value!r} is also the {field} of {seen[value]}")
            seen[value] = lesson.source
    return tuple(sorted(lessons, key=lambda lesson: lesson.order))


# ---------------------------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------------------------

def check_answer(step: Step) -> tuple[Value, bool]:
    """The core's value at the step's state and whether the file's answer agrees with it.

    Number: within the step's tolerance. Choice: the core returns the ``choice_values`` entry of
    the answer. Raises ValueError for a step without a check.
    """
    if step.check is None:
        raise ValueError(f"step {step.title!r} has no check")
    value = step.check.evaluate(step.app_state())
    if step.question.kind == "number":
        assert step.tolerance is not None  # parse_lesson requires it
        return value, step.tolerance.allows(float(value), step.question.answer)
    return value, value == step.check.choice_values[int(step.question.answer)]


def is_correct(step: Step, response: Any) -> bool:
    """Grades a student's response against the file's answer: the choice index, or a number within the tolerance."""
    if isinstance(response, bool):
        return False
    if step.question.kind == "choice":
        return isinstance(response, int) and response == int(step.question.answer)
    try:
        given = float(response)
    except (TypeError, ValueError):
        return False
    assert step.tolerance is not None
    return step.tolerance.allows(step.question.answer, given)


# ---------------------------------------------------------------------------------------------------------------
# The teacher's guide (docs/lessons.md)
# ---------------------------------------------------------------------------------------------------------------

def _step_markdown(number: int, step: Step) -> list[str]:
    panel = PANEL_BY_ID[step.panel]
    lines = [f"{number}. **{step.title}** — link `{step.state}`, panel “{panel.title}” (`{step.panel}`)", "",
             f"   {step.text}", "", f"   *Watch:* {step.watch}", "", f"   *Equation:* {step.equation}", "",
             f"   *Question:* {step.question.prompt}"]
    if step.question.kind == "choice":
        lines += [""] + [f"   {chr(ord('a') + i)}) {choice}" for i, choice in enumerate(step.question.choices)]
    answer = f"   *Answer:* **{step.question.answer_text()}**"
    if step.tolerance is not None:
        answer += f" (tolerance {step.tolerance.as_text(step.question.unit)}: {step.tolerance.reason})"
    lines += ["", answer, "", f"   *Why:* {step.why}"]
    if step.check is not None:
        lines += ["", f"   *Checked against the core:* {step.check.as_text()}"]
    return [*lines, ""]


def teacher_markdown(lessons: Sequence[Lesson] | None = None) -> str:
    """The teacher's guide: per lesson its hand-out link, goals, every step's answer with its reason, discussion."""
    lessons = load_lessons() if lessons is None else lessons
    out = ["# Lessons: the teacher's guide", "",
           "Generated from `components/lessons/*.json` by `components.lesson_book.teacher_markdown()`; do not edit "
           "by hand (`python -m components.lesson_book --write docs/lessons.md`, checked by "
           "tests/web/test_lessons.py).", "",
           "Hand a lesson out by appending its link to the dashboard's address (for example "
           "`http://127.0.0.1:8050/?lesson=two_level#learn`). Each step opens the dashboard in the state its link "
           "gives and asks one question; the equations are one click away in the step. Every number answer is "
           "checked against the model within the stated tolerance, so an answer here is what the dashboard shows. "
           "Papers are cited by tag ([000], [001], [002], [004]) as in docs/references.md.", ""]
    for lesson in lessons:
        out += [f"## {lesson.order}. {lesson.title} ({lesson.minutes} minutes)", "",
                f"Hand-out link: `{lesson.handout_link}` ({len(lesson.steps)} steps; file "
                f"`components/lessons/{lesson.source}`)", "", "**Learning goals**", ""]
        out += [f"* {goal}" for goal in lesson.goals]
        out += ["", "**Steps and answers**", ""]
        for number, step in enumerate(lesson.steps, start=1):
            out += _step_markdown(number, step)
        out += ["**Discussion points (teacher only)**", ""]
        out += [f"* {point}" for point in lesson.discussion]
        out += [""]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m components.lesson_book [--write PATH]``: print or write the teacher's guide."""
    parser = argparse.ArgumentParser(prog="python -m components.lesson_book", description=main.__doc__)
    parser.add_argument("--write", metavar="PATH", help="write the guide to PATH instead of printing it")
    options = parser.parse_args(argv)
    text = teacher_markdown()
    if options.write:
        pathlib.Path(options.write).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

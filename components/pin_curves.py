"""What each pinned state draws over each panel: one table, the core calls memoized per pin.

``PIN_CURVES`` maps a panel id to the curve of a pin's parameters on it: the net OD_NL of
the spectra ([000] Eq. 1; docs/model.md §1), the four phase cuts ([000] Fig. 5a–d, at the
pin's own operating point), ⟨N_th⟩ against doping ([002] Fig. 5b), the ASE stripe output
([001] Fig. 9) and the gain dynamics A*(t) and gain lifetime ([002] section S1.5, Fig. 5c).
The core results come from ``components.computed`` (memoized on the pin's rounded
parameters) and the traces themselves are memoized per pin and view (``pin_traces``), so a
slider drag redraws the pins' spectra without computing them again.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components import computed
from components.energy_units import DEFAULT_ENERGY_UNIT, energy_axis, to_unit
from components.figures.common import FULL_PRECISION, full_precision
from components.figures.data_overlay import with_traces
from components.figures.pin_overlay import axis_hover, pin_line, pin_point
from components.panels import CUT_VALUES
from components.pins import Pin, coerce_pins
from components.server.cache_backend import cache_key
from components.state import check_energy_unit, clamp_map_points, resolve_hold
from qdgain_core import GainParams

PIN_TRACES_MEMO = 256


@dataclass(frozen=True)
class PinView:
    """The view settings a pin's curves depend on (the current state's): energy unit, map resolution, hold."""

    energy_unit: str = DEFAULT_ENERGY_UNIT
    map_points: int = 31
    hold: str | None = None


Curve = Callable[[str, int, GainParams, PinView], dict[str, Any]]


def _spectra(name: str, slot: int, params: GainParams, view: PinView) -> dict[str, Any]:
    spectra = computed.spectra(params)
    axis = energy_axis(view.energy_unit)
    return pin_line(name, slot, to_unit(spectra.energy_mev, view.energy_unit), spectra.net,
                    axis_hover("E", "meV", "net OD_NL", "relative", x_part=axis.hover_x))


CUT_HOVER = {"chi": ("χ", ""), "eta": ("η", ""), "n_th": ("⟨N_th⟩", "excitons/dot"), "sigma_ratio": ("σ_eff/σ_SE", "")}


def _cut(quantity: str, axis: str) -> Curve:
    def curve(name: str, slot: int, params: GainParams, view: PinView) -> dict[str, Any]:
        hold = resolve_hold(view.hold, params)[0]
        cuts = computed.phase_cuts(params, view.map_points, hold)
        x = cuts.chi if axis == "chi" else cuts.eta
        return pin_line(name, slot, x, getattr(cuts, CUT_VALUES[quantity, axis]),
                        axis_hover(*CUT_HOVER[axis], *CUT_HOVER[quantity]))

    return curve


def _doping(name: str, slot: int, params: GainParams, _: PinView) -> dict[str, Any]:
    return pin_line(name, slot, computed.doping_axis(), computed.threshold_vs_doping(params),
                    axis_hover("⟨n_1S(e)⟩", "electrons/dot", "⟨N_th⟩", "excitons/dot"))


def _ase(name: str, slot: int, params: GainParams, _: PinView) -> dict[str, Any]:
    curve = computed.ase(params)
    return pin_line(name, slot, curve.fluence_mj_cm2, curve.output_integrated,
                    axis_hover("J", "mJ/cm²", "I", "arb. units"))


def _a_star(name: str, slot: int, params: GainParams, _: PinView) -> dict[str, Any]:
    dynamics = computed.dynamics(params)
    return pin_line(name, slot, dynamics.time_ps, dynamics.operating_a_star, axis_hover("t", "ps", "A*/A₀", ""))


def _lifetime(name: str, slot: int, params: GainParams, _: PinView) -> dict[str, Any]:
    lifetime = computed.dynamics(params).operating_gain_lifetime_ps
    return pin_point(name, slot, params.n_avg, lifetime, axis_hover("⟨N_X⟩", "excitons/dot", "t_G", "ps"))


PIN_CURVES: dict[str, Curve] = {
    "spectra": _spectra,
    **{f"cut_{'nth' if q == 'n_th' else 'ratio'}_{a}": _cut(q, a) for q, a in CUT_VALUES},
    "doping_threshold": _doping,
    "ase_output": _ase,
    "dynamics_astar": _a_star,
    "dynamics_lifetime": _lifetime,
}
PIN_PANELS = frozenset(PIN_CURVES)


@functools.lru_cache(maxsize=PIN_TRACES_MEMO)
def _memo_trace(panel_id: str, name: str, slot: int, params: GainParams, view: PinView) -> dict[str, Any]:
    return PIN_CURVES[panel_id](name, slot, params, view)


def pin_traces(panel_id: str, pins: Sequence[Pin], view: PinView, precision: str = "") -> list[dict[str, Any]]:
    """The traces of ``pins`` over ``panel_id`` (none for a panel without pin curves), slot by slot.

    Drawn traces are memoized (shared dicts: never change them); ``precision`` FULL_PRECISION
    builds them at float64 for the CSV.
    """
    if panel_id not in PIN_CURVES or not pins:
        return []
    if precision == FULL_PRECISION:
        with full_precision():
            return [PIN_CURVES[panel_id](pin.name, slot, pin.params, view) for slot, pin in enumerate(pins)]
    return [_memo_trace(panel_id, pin.name, slot, pin.params, view) for slot, pin in enumerate(pins)]


@functools.lru_cache(maxsize=64)
def _pins_from_text(text: str) -> tuple[Pin, ...]:
    return coerce_pins(json.loads(text))[0]


def pins_of(raw: Any) -> tuple[Pin, ...]:
    """The pins of an untrusted store value (``ID.PINS_STORE``'s data), parsed once per distinct value."""
    if not raw:
        return ()
    try:
        text = json.dumps(raw, sort_keys=True)
    except (TypeError, ValueError):
        return ()
    return _pins_from_text(text)


@functools.lru_cache(maxsize=64)
def pins_key(pins: tuple[Pin, ...]) -> str:
    """Identity of what ``pins`` draw (the same in every worker); "" for no pins."""
    return cache_key("pins", tuple((pin.name, pin.params) for pin in pins))[-16:] if pins else ""


def pin_view(view: Any, map_points: Any, hold: Any) -> PinView:
    """The PinView of a figure tab's (untrusted) commit parts."""
    unit = check_energy_unit(view.get("energy_unit") if isinstance(view, Mapping) else None)[0]
    return PinView(unit, clamp_map_points(map_points)[0], hold if isinstance(hold, str) else None)


def with_pins(panel_ids: Sequence[str], figures: Sequence[Any], pins: Sequence[Pin], view: PinView) -> list[Any]:
    """The figures of ``panel_ids`` with the pins drawn over those that have pin curves (figures never changed
    in place; a ``Patch`` or a failed panel's message figure is left as it is)."""
    return [with_traces(figure, pin_traces(panel_id, pins, view)) if isinstance(figure, dict) else figure
            for panel_id, figure in zip(panel_ids, figures, strict=True)]

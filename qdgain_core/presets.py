"""Named parameter sets ("presets") for the materials of the source papers.

The numbers live in ``qdgain_core/data/presets.json`` (shipped as package data). Each preset
lists only the ``GainParams`` fields it sets (everything else keeps the ``GainParams``
default) and, for every one of them, where the value comes from:

* ``cdse_core``: CdSe cores, band-edge pumped ([001] sections 2.3/3.3, Figs. 5a and 10b:
  <N_th> = 1.5, sigma ratio 0.10; [000]: eta ~ 10, S ~ 0.1);
* ``cdse_graded_alloy``: CdSe/CdS/ZnS graded alloy ([001]: <N_th> = 1.0, ratio 0.18);
* ``cspbbr3``: CsPbBr3 perovskite (eta << 1, g_e = g_h = 2; [000], [001] Figs. 7d/8b);
* ``doped_film_002``: the electrochemically doped CdSe/CdS/ZnS film of [002]
  (sigma_400 = 3.6e-14 cm^2, tau_XX = 310 ps, V_C = 5 meV, sigma_1S = 110 mV, d = 116 nm);
* ``qs_4p5nm``, ``qs_6p0nm``, ``qs_8p2nm``: the CdS/CdSe/CdS quantum shells of [004]
  Tables 1-2 (E_PL, V_total, sigma(1), sigma(2), tau_xx, E_b,xx), two-photon pumped at 800 nm.

A source starting with ``assumed:`` marks a value the papers do not give (chosen as
physically sensible, with the reason); chi and eta are uncalibrated starting values.
Numbers a preset quotes that have no ``GainParams`` field (film thickness, tau_XXX, E_PL)
are kept in ``Preset.reference``; the measured anchors a preset is meant to meet are in
``data/anchors.csv`` (``Preset.anchors``). Papers: docs/references.md.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from .params import FIELD_SPECS, GainParams

PRESETS_RESOURCE = "data/presets.json"


@dataclass(frozen=True)
class ReferenceValue:
    """A number quoted by a preset's paper that is not a ``GainParams`` field."""

    name: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class Preset:
    """One named parameter set.

    ``params`` is the complete, validated ``GainParams`` (defaults plus the preset's
    values); ``param_sources`` holds one ``(field, source)`` pair per field the preset sets,
    in file order; ``reference`` holds quoted numbers without a ``GainParams`` field.
    """

    id: str
    label: str
    description: str
    source: str
    params: GainParams
    param_sources: tuple[tuple[str, str], ...]
    reference: tuple[ReferenceValue, ...] = ()

    @property
    def overridden_fields(self) -> tuple[str, ...]:
        """Names of the ``GainParams`` fields this preset sets."""
        return tuple(name for name, _ in self.param_sources)

    def source_of(self, field: str) -> str | None:
        """Where the preset's value of ``field`` comes from (None if it keeps the default)."""
        return dict(self.param_sources).get(field)

    @property
    def counting(self) -> str:
        """The preset's counting scheme ("transitions" or "sites")."""
        return self.params.counting

    @property
    def statistics(self) -> str:
        """Occupation statistics of its pumping: Poisson (one- or two-photon) or binomial (resonant)."""
        if self.params.pump_mode == "resonant":
            return "binomial (Rabi)"
        return f"Poisson ({self.params.pump_mode.replace('_', '-')})"

    @property
    def anchors(self) -> tuple:
        """The measured anchors this preset is meant to meet (``data/anchors.csv``)."""
        from .anchors import anchors_of

        return anchors_of(self.id)

    def is_assumed(self, field: str) -> bool:
        """True when the value of ``field`` is not taken from a paper (source 'assumed: ...')."""
        source = self.source_of(field)
        return source is not None and source.lower().startswith("assumed")


class PresetError(ValueError):
    """presets.json is malformed (unknown field, missing source, out-of-range value)."""


def _load_raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(PRESETS_RESOURCE).read_text(encoding="utf-8")
    return json.loads(text)


def _build(preset_id: str, entry: Mapping[str, Any]) -> Preset:
    where = f"presets.json: preset {preset_id!r}"
    for key in ("label", "description", "source", "params", "param_sources"):
        if key not in entry:
            raise PresetError(f"{where}: missing key {key!r}")
    unknown_keys = set(entry) - {"label", "description", "source", "params", "param_sources", "reference"}
    if unknown_keys:
        raise PresetError(f"{where}: unknown keys {sorted(unknown_keys)}")
    values: Mapping[str, Any] = entry["params"]
    sources: Mapping[str, str] = entry["param_sources"]
    unknown = sorted(set(values) - set(FIELD_SPECS))
    if unknown:
        raise PresetError(f"{where}: unknown GainParams field(s) {unknown}; valid fields are {sorted(FIELD_SPECS)}")
    unknown = sorted(set(sources) - set(FIELD_SPECS))
    if unknown:
        raise PresetError(f"{where}: param_sources names unknown GainParams field(s) {unknown}")
    missing = [name for name in values if not str(sources.get(name, "")).strip()]
    if missing:
        raise PresetError(f"{where}: no source given for field(s) {missing}")
    extra = sorted(set(sources) - set(values))
    if extra:
        raise PresetError(f"{where}: param_sources for field(s) {extra} that the preset does not set")
    try:
        params = dataclasses.replace(GainParams(), **values)
    except ValueError as error:
        raise PresetError(f"{where}: {error}") from error
    reference = tuple(
        ReferenceValue(name, float(item["value"]), str(item.get("unit", "")), str(item["source"]))
        for name, item in entry.get("reference", {}).items()
    )
    return Preset(
        id=preset_id,
        label=str(entry["label"]),
        description=str(entry["description"]),
        source=str(entry["source"]),
        params=params,
        param_sources=tuple((name, str(sources[name])) for name in values),
        reference=reference,
    )


def _load_presets() -> Mapping[str, Preset]:
    raw = _load_raw()
    return MappingProxyType({preset_id: _build(preset_id, entry) for preset_id, entry in raw.items()})


PRESETS: Mapping[str, Preset] = _load_presets()
"""All presets by id, read-only, in file order."""

__all__ = ["PRESETS", "Preset", "PresetError", "ReferenceValue"]

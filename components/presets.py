"""Material presets and measured anchor points from the core, in the form the web needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qdgain_core import PRESETS, GainParams, measured_points

PRESET_CHOICES: Mapping[str, Any] = PRESETS


def preset_params(name: str | None) -> GainParams:
    """Parameters of preset ``name``; the built-in defaults for None or an unknown name."""
    if name and name in PRESETS:
        return PRESETS[name].params
    return GainParams()


def preset_options() -> list[dict[str, str]]:
    """Dropdown options: label shown, description and source on hover."""
    return [
        {"label": preset.label, "value": name, "title": f"{preset.description} Source: {preset.source}"}
        for name, preset in PRESETS.items()
    ]


def preset_summary(name: str | None) -> str:
    """One line naming the preset and its source, or the defaults."""
    if not name or name not in PRESETS:
        return "Built-in defaults (docs/model.md); choose a preset to start from a measured material."
    preset = PRESETS[name]
    return f"{preset.label}: {preset.description} Source: {preset.source}"


def measured(quantity: str) -> tuple[Any, ...]:
    """Measured points of one quantity (empty when the core ships none)."""
    return tuple(measured_points(quantity=quantity))

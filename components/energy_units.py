"""The energy unit of every energy axis, hover and CSV column: a view setting, the physics stays in meV.

Spectroscopists read photon energy in meV, eV or as a wavelength in nm; the core computes in
meV throughout, and only what is shown changes: the figure builders convert the absolute photon
energies they draw (axis values, marker lines, the opening range) with ``to_unit``/``range_to_unit``
and take the axis title and the hover's x part from ``ENERGY_AXES``. Energy *differences*
(Stokes shift, binding energies, fine structure, widths) are not photon energies and stay in meV.

Wavelength axes keep increasing wavelength from left to right (the convention of nm spectra), so
the blue end is on the left and the order of the lines is the mirror of the energy plots: the
converted x values of an increasing energy grid decrease, plotly draws them on the increasing
axis as they are, and ``range_to_unit`` returns the sorted (low, high) range of the axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from qdgain_core.constants import PLANCK_MEV_NM

ENERGY_UNITS: tuple[str, ...] = ("meV", "eV", "nm")
DEFAULT_ENERGY_UNIT = "meV"
assert DEFAULT_ENERGY_UNIT in ENERGY_UNITS, "the default energy unit must be one of ENERGY_UNITS"



@dataclass(frozen=True)
class EnergyAxis:
    """How one unit shows a photon energy: the axis title (unit in parentheses) and the hover's x part."""

    title: str
    hover_x: str
    wavelength: bool = False  # x = PLANCK_MEV_NM / E (else x = E / scale)
    scale: float = 1.0  # meV per unit (energy units only)


ENERGY_AXES = MappingProxyType({
    "meV": EnergyAxis("Photon energy E (meV)", "E = %{x:.4g} meV"),
    "eV": EnergyAxis("Photon energy E (eV)", "E = %{x:.4f} eV", scale=1e3),
    "nm": EnergyAxis("Wavelength λ (nm)", "λ = %{x:.1f} nm", wavelength=True),
})
_missing = set(ENERGY_UNITS) ^ set(ENERGY_AXES)
if _missing:  # a unit without an axis (or an axis without a unit) fails at import, not at the first plot
    raise RuntimeError(f"ENERGY_AXES and ENERGY_UNITS differ in {sorted(_missing)}")


def energy_axis(unit: str) -> EnergyAxis:
    """The ``EnergyAxis`` of ``unit`` (KeyError naming the units for any other)."""
    try:
        return ENERGY_AXES[unit]
    except KeyError:
        raise KeyError(f"energy unit {unit!r} is not one of {ENERGY_UNITS}") from None


def to_unit(energy_mev: np.ndarray, unit: str) -> np.ndarray:
    """Photon energies in meV (array or scalar) shown in ``unit``; E <= 0 has no wavelength (NaN)."""
    axis = energy_axis(unit)
    energy = np.asarray(energy_mev, dtype=np.float64)
    if not axis.wavelength:
        return energy / axis.scale if axis.scale != 1.0 else energy
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(energy > 0, PLANCK_MEV_NM / np.where(energy > 0, energy, 1.0), np.nan)


def scalar_to_unit(energy_mev: float, unit: str) -> float:
    """One photon energy in meV shown in ``unit`` (a float; NaN for E <= 0 in nm)."""
    return float(to_unit(np.asarray(energy_mev, dtype=np.float64), unit))


def range_to_unit(range_mev: tuple[float, float], unit: str) -> tuple[float, float]:
    """An energy range (low, high) in meV as the axis range in ``unit``, sorted (nm reverses the ends)."""
    low, high = (scalar_to_unit(end, unit) for end in range_mev)
    return (low, high) if low <= high else (high, low)


def energy_uirevision(base: str, unit: str) -> str:
    """A figure's ``uirevision`` for ``unit``: a new unit resets the zoom (the old range is in the old unit)."""
    energy_axis(unit)
    return f"{base}-{unit}"

"""The table of threshold methods: one entry per method, used by the point threshold, the doping
curve and the maps alike (docs/model.md, thresholds).

Each method is a criterion W(<N>) that is positive without gain:

* ``window`` ([000] Eq. 8): integral of OD_NL over the FWHM band of the single-exciton SE;
* ``band`` ([002] <N_gain,1S>): the same over the FWHM band of the linear absorption;
* ``total``: over all energies; equals counting whatever the spectra (lines are area-normalised);
* ``peak``: max_E(-OD_NL) >= g_min max OD_0 ([002] Fig. 5e: a single-wavelength criterion is
  otherwise arbitrarily small in the red tail); not linear in OD_NL;
* ``probe``: OD_NL(E_probe) <= 0 at one energy, by default the SE peak ([001] reads its
  thresholds there; [002] Fig. 5d).

A method missing from ``METHODS`` fails at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from .params import THRESHOLD_METHODS


@dataclass(frozen=True)
class ThresholdMethod:
    """How one method turns a spectrum into its criterion.

    ``reference`` names the line whose FWHM band is integrated ("emission": the bare
    single-exciton SE; "absorption": OD_0; None: no band); ``probe`` marks a one-energy
    criterion; ``linear`` is False for criteria that are not linear in OD_NL (whole spectra
    are needed). ``description`` is one sentence, for readers, on what the criterion measures
    (the dashboard shows it beside the thresholds).
    """

    name: str
    linear: bool
    reference: str | None
    probe: bool
    source: str
    description: str


METHODS: Mapping[str, ThresholdMethod] = MappingProxyType(
    {
        "window": ThresholdMethod("window", True, "emission", False, "[000] Eq. 8 over the SE FWHM band",
                                  "The net absorption summed over the FWHM band of the single-exciton stimulated "
                                  "emission: gain once that band as a whole amplifies ([000] Eq. 8)."),
        "band": ThresholdMethod("band", True, "absorption", False, "[002] <N_gain,1S> over the absorption FWHM band",
                                "The net absorption summed over the FWHM band of the band-edge (1S) absorption: gain "
                                "once the band-edge transition as a whole amplifies ([002])."),
        "total": ThresholdMethod("total", True, None, False, "all energies; equals transition counting",
                                 "The net absorption summed over all energies, which counts transitions: gain once "
                                 "more of them emit than absorb."),
        "peak": ThresholdMethod("peak", False, None, False, "[002] Fig. 5e: a minimum net gain g_min max OD_0",
                                "The strongest net gain at any single energy: gain once it reaches a set fraction "
                                "(gain_min_fraction) of the peak linear absorption, wherever in the spectrum that is "
                                "([002] Fig. 5e)."),
        "probe": ThresholdMethod("probe", True, None, True,
                                 "[001] Fig. 8 at the SE peak; [002] Fig. 5d at one wavelength",
                                 "The net absorption at one probe energy, by default the single-exciton SE peak: "
                                 "gain once it is negative there, as a pump-probe experiment reads it ([001] Fig. 8)."),
    }
)
assert tuple(METHODS) == THRESHOLD_METHODS, "every threshold method needs exactly one entry in METHODS"
assert all(spec.name == name for name, spec in METHODS.items()), "every METHODS entry is keyed by its own name"
assert all(spec.description.strip() and spec.description.rstrip().endswith(".") and spec.source.strip()
           for spec in METHODS.values()), "every threshold method needs its source and a one-sentence description"


def method_for(name: str) -> ThresholdMethod:
    """The table entry of ``name``; ValueError naming the choices otherwise."""
    if name not in METHODS:
        raise ValueError(f"method: {name!r} is not one of {list(METHODS)}")
    return METHODS[name]


def half_maximum_weights(line: np.ndarray) -> np.ndarray:
    """Quadrature weights (…, nE) in [0, 1] of the FWHM band of ``line``, with fractional edge cells.

    The band is the connected run at >= half maximum around the peak (separate LO sidebands
    above half maximum are left out); its edges are the half-maximum crossings found by linear
    interpolation, and each grid cell counts with the fraction of its width inside the band,
    so a band integral varies continuously with the line's position on the grid (a plain mask
    made thresholds jitter by ~1 % with the grid).
    """
    half = 0.5 * line.max(axis=-1, keepdims=True)
    above = line >= half
    runs = np.cumsum(~above, axis=-1)
    peak = np.argmax(line, axis=-1)[..., None]
    in_run = above & (runs == np.take_along_axis(runs, peak, axis=-1))
    n_e = line.shape[-1]
    index = np.arange(n_e)
    start = np.argmax(in_run, axis=-1)[..., None]
    stop = (n_e - 1 - np.argmax(in_run[..., ::-1], axis=-1))[..., None]
    before = np.maximum(start - 1, 0)
    after = np.minimum(stop + 1, n_e - 1)

    def crossing(inner: np.ndarray, outer: np.ndarray) -> np.ndarray:
        r_in = np.take_along_axis(line, inner, axis=-1)
        r_out = np.take_along_axis(line, outer, axis=-1)
        gap = np.where(r_in - r_out > 0, r_in - r_out, 1.0)
        fraction = np.clip((r_in - half) / gap, 0.0, 1.0)
        return inner + (outer - inner) * np.where(outer == inner, 0.0, fraction)

    low = np.where(start > 0, crossing(start, before), -0.5)
    high = np.where(stop < n_e - 1, crossing(stop, after), n_e - 0.5)
    return np.clip(np.minimum(index + 0.5, high) - np.maximum(index - 0.5, low), 0.0, 1.0)


def line_functionals(
    method: str,
    energy_mev: np.ndarray,
    de_mev: npt.ArrayLike,
    lines: np.ndarray,
    probe_mev: npt.ArrayLike | None = None,
    reference: np.ndarray | None = None,
) -> np.ndarray:
    """The linear functional of ``method`` applied to each line: (…, L, nE) -> (…, L).

    ``energy_mev`` (…, nE) and ``de_mev`` (…) broadcast against ``lines`` without the line
    axis; ``probe_mev`` (…) is needed for a probe method, ``reference`` (…, nE) for a band
    method (the line whose FWHM band is integrated).
    """
    spec = method_for(method)
    if not spec.linear:
        raise ValueError(f"method: {method!r} is not linear in OD_NL; it needs whole spectra")
    de = np.asarray(de_mev)[..., None]
    if spec.probe:
        e0 = energy_mev[..., 0]
        position = (np.asarray(probe_mev) - e0) / np.asarray(de_mev)
        n_e = energy_mev.shape[-1]
        j = np.clip(np.floor(position), 0, n_e - 2).astype(np.int64)
        frac = np.clip(position - j, 0.0, 1.0)
        index = j[..., None, None].repeat(lines.shape[-2], -2)
        left = np.take_along_axis(lines, index, axis=-1)[..., 0]
        right = np.take_along_axis(lines, index + 1, axis=-1)[..., 0]
        return (1.0 - frac)[..., None] * left + frac[..., None] * right
    if spec.reference is None:
        return lines.sum(axis=-1) * de
    if reference is None:
        raise ValueError(f"method: {method!r} needs the {spec.reference} reference line")
    weights = half_maximum_weights(reference)[..., None, :]
    return (weights * lines).sum(axis=-1) * de

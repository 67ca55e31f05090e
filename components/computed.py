"""What the web computes: the core calls behind every panel and readout, memoized (``cache_backend.memoized``).

Each function takes a frozen, rounded ``GainParams`` (and view settings such as the map
resolution) and returns a core result; ``ignores`` names the fields a result does not
depend on, so dragging <N> reuses every threshold and map.
"""

from __future__ import annotations

import dataclasses

import numpy as np

import qdgain_core as core
from components import fields
from components.figures.common import FULL_PRECISION, plot_precision
from components.server.cache_backend import memoized
from qdgain_core import GainParams, observables
from qdgain_core.figure_curves import ModelFigure
from qdgain_core.figure_curves import model_figure as core_model_figure

DOPING_POINTS = 41


@memoized()
def spectra(params: GainParams) -> core.Spectra:
    """OD_NL parts at the operating point (docs/model.md §1)."""
    return core.nonlinear_absorption(params)


@memoized(ignores=("n_avg",))
def thresholds(params: GainParams) -> dict[str, core.Threshold]:
    """<N_th> by every method (docs/model.md §5.1); independent of <N>."""
    return core.all_thresholds(params)


@memoized(ignores=("n_avg",))
def sigma_ratio(params: GainParams) -> float:
    """sigma_eff/sigma_SE of a singly excited dot ([000] Fig. 5c,d)."""
    return core.sigma_eff_ratio(params)


@memoized()
def measured_ratio(params: GainParams) -> float:
    """max(-OD_NL)/max OD_0 at the operating <N> ([001] section 3.3)."""
    return core.measured_ratio(params)


@memoized()
def has_gain(params: GainParams) -> bool:
    """Net gain at the operating <N> by the selected method: its criterion, whose first zero is <N_th>, is <= 0."""
    return observables.has_gain(params)


@memoized(ignores=("n_avg",))
def se_map(params: GainParams) -> core.SEMap:
    """OD_NL(E, <N>) on the core's default <N> rows ([001] Fig. 8c-f)."""
    return core.se_map(params)


def map_axes(points: int) -> tuple[np.ndarray, np.ndarray]:
    """chi and eta axes of the phase maps over the FIELD_SPECS ranges (eta log-spaced)."""
    chi = np.linspace(*fields.bounds("chi"), points)
    eta = np.geomspace(*fields.bounds("eta"), points)
    return chi, eta


@memoized(ignores=("chi", "n_avg"))
def phase_maps(params: GainParams, points: int, hold: str) -> dict[str, core.PhaseMap]:
    """<N_th>(chi, eta) and sigma_eff/sigma_SE(chi, eta) ([000] Fig. 5); the maps vary chi themselves.

    ``hold`` ("fine_structure" or "stokes", docs/model.md §5.2) is what stays fixed along eta;
    it is part of the key. The caller passes a hold valid for ``params`` (``AppState.hold``).
    """
    chi, eta = map_axes(points)
    return core.phase_maps(params, chi, eta, hold=hold)


@memoized(ignores=("n_avg",))
def phase_cuts(params: GainParams, points: int, hold: str) -> core.PhaseCuts:
    """The four 1-D cuts through the operating point ([000] Fig. 5a-d), 4x the map resolution, holding ``hold``."""
    chi, eta = map_axes(min(4 * points, 201))
    return core.phase_cuts(params, chi, eta, hold=hold)


def doping_axis() -> np.ndarray:
    """<n_1S(e)> values of the threshold-vs-doping curve (electrons/dot)."""
    return np.linspace(0.0, 2.0, DOPING_POINTS)


@memoized(ignores=("n_doped", "n_avg"))
def threshold_vs_doping(params: GainParams) -> np.ndarray:
    """<N_th> versus <n_1S(e)> ([002] Fig. 5b); inf where there is no gain."""
    return core.threshold_vs_doping(params, doping_axis())


def plotted_only(array: np.ndarray, precision: str) -> np.ndarray:
    """A large array that is only ever plotted, stored as float32 (what the figures send anyway).

    Halves the cached size of the two largest results (ASE spectra, A*(t) histories), so a
    bounded cache (Redis maxmemory, SimpleCache threshold) holds twice as many states.
    At ``precision`` "float64" (the CSV export, ``figures.common.full_precision``) it stays float64.
    """
    return np.asarray(array, dtype=np.float64 if precision == FULL_PRECISION else np.float32)


@memoized(ignores=("n_avg",))
def _ase(params: GainParams, precision: str) -> core.ASECurve:
    curve = core.ase_curve(params)
    return dataclasses.replace(curve, spectra=plotted_only(curve.spectra, precision))


def ase(params: GainParams) -> core.ASECurve:
    """Stripe ASE versus fluence, 60 log-spaced fluences ([001] Fig. 9); spectra kept as plotted (float32).

    The precision is part of the cache key: the export's float64 copy never replaces the plotted one.
    """
    return _ase(params, plot_precision())


@dataclasses.dataclass(frozen=True)
class SchemeCurve:
    """Integrated ASE output of one level scheme (only what the comparison plot needs)."""

    fluence_mj_cm2: np.ndarray
    output_integrated: np.ndarray
    threshold_mj_cm2: float | None
    threshold_reason: str


@memoized(ignores=("n_avg",))
def scheme_curves(params: GainParams) -> dict[str, SchemeCurve]:
    """ASE output of 2LS/3LS/4LS with and without ESA ([001] Fig. 9a-d)."""
    curves = {}
    for name, variant in core.level_scheme_variants(params).items():
        curve = core.ase_curve(variant)
        curves[name] = SchemeCurve(curve.fluence_mj_cm2, curve.output_integrated,
                                   curve.threshold_mj_cm2, curve.threshold_reason)
    return curves


@memoized()
def _dynamics(params: GainParams, precision: str) -> core.GainDynamics:
    result = core.gain_dynamics(params)
    return dataclasses.replace(result, a_star=plotted_only(result.a_star, precision))


def dynamics(params: GainParams) -> core.GainDynamics:
    """Auger-cascade A*(t) and gain lifetimes ([002] Fig. 5c); the A*(t) grid kept as plotted (float32,
    float64 inside ``full_precision``, a cache key of its own)."""
    return _dynamics(params, plot_precision())


@memoized(ignores=("n_avg",))
def model_figure(params: GainParams, kind: str) -> ModelFigure:
    """The core's model curves of a paper-figure kind (``qdgain_core.figure_curves``); none depends on <N>."""
    return core_model_figure(kind, params)

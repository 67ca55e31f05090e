"""The model of each dataset kind for fitting (docs/fitting.md): one table, kind -> model.

Every model returns the quantity the dataset holds, at the dataset's points, in the
dataset's units up to the profiled amplitude (``FitModel.amplitude``):

* ``spectra``: OD_NL(E) at every (n_scale <N>, <n_1S(e)>) group in units of max OD_0
  (``ensemble.nonlinear_absorption``), linearly interpolated onto the data energies (0 outside
  the model grid, where the model has no lines). The lines do not depend on <N> or <n_1S(e)>:
  they are built once per parameter set and every group costs one matrix product. The
  absolute OD scale (max OD_0 of the sample) is profiled: amplitude "scale".
* ``thresholds``: <N_th> by the params' method against <n_1S(e)> (``threshold_vs_doping``,
  [002] Fig. 5b), PLQY (``plqy_series``, [000] Fig. 4a) or diameter (``size_series``,
  [000] Fig. 4c), divided by n_scale (the data's <N> axis is n_scale times too small). No gain
  up to the search limit (inf), or a diameter outside the model's domain (NaN), becomes the
  finite penalty ``NO_GAIN_PENALTY_FACTOR`` x the search limit.
* ``ase``: the stripe's integrated output ``ase_curve(params, fluences).output_integrated``
  ([001] Fig. 9, [004] Fig. 3); the data's unit is arbitrary, so its log10 offset is profiled
  and residuals are taken in log10(output): amplitude "log".
* ``lifetimes``: the gain lifetime of ``gain_dynamics`` ([002] Fig. 5c, eqs. S18-S22) at
  <N_X> = n_scale x the data's <N_X> (clipped to the dynamics' range), with the doping fractions
  of each data point's <n_1S(e)> ([002] eqs. S9-S16). Capped at the end of the time window.
* ``doping``: <n_1S(e)> against electrode potential, ``electrons_vs_potential`` ([002] eq. S16).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .ase import ase_curve
from .crossing import search_limit
from .datasets import (
    DATASET_KINDS,
    THRESHOLD_AXES,
    AseData,
    Dataset,
    DopingData,
    LifetimeData,
    SpectraData,
    ThresholdData,
)
from .dynamics import DEFAULT_TIME_PS, MAX_N_X, _gain_lifetime, gain_dynamics
from .ensemble import coefficient_table, counting_spec, lines_for, od0_peak
from .figure_series import plqy_series, size_series
from .observables import threshold_vs_doping
from .params import GainParams
from .statistics import doping_fractions, electrons_vs_potential, occupation_probabilities

NO_GAIN_PENALTY_FACTOR = 2.0
"""A threshold the model does not reach (inf) counts as this multiple of the search limit <N>."""

AMPLITUDES = ("none", "scale", "log")
"""Profiled amplitude of a kind: none, one linear scale (data = s model), one log10 offset."""


def doping_fractions_at(params: GainParams, n_doped: float) -> tuple[float, float, float]:
    """(f0, f1, f2) at <n_1S(e)> = ``n_doped`` with the params' doping statistics ([002] eqs. S9-S16)."""
    return doping_fractions(float(n_doped), params.charging_energy_mev, params.doping_temperature_k,
                            params.sigma_1s_mv)


def spectra_model(params: GainParams, data: SpectraData, n_scale: float) -> np.ndarray:
    """OD_NL (units of max OD_0) at every data point, one matrix product per (<N>, <n_1S(e)>) group."""
    energy, lines, _ = lines_for(params)
    spec = counting_spec(params)
    groups, inverse = np.unique(np.stack([data.n_avg, data.n_doped], axis=1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    out = np.empty(data.od_nl.size)
    scale = 1.0 / od0_peak(params)
    for index, (n_avg, n_doped) in enumerate(groups):
        coeff = coefficient_table(spec, doping_fractions_at(params, n_doped))
        probs = occupation_probabilities(np.array(n_scale * n_avg), params.pump_mode, params.pump_sites,
                                         coeff.shape[0] - 1)
        spectrum = (probs @ coeff) @ lines * scale
        rows = inverse == index
        out[rows] = np.interp(data.energy_mev[rows], energy, spectrum, left=0.0, right=0.0)
    return out


THRESHOLD_CURVES: dict[str, Callable[[GainParams, np.ndarray], np.ndarray]] = {
    "n_doped": lambda params, x: threshold_vs_doping(params, x),
    "plqy": lambda params, x: plqy_series(params, x).n_th,
    "size_nm": lambda params, x: size_series(params, x).n_th,
}
"""<N_th> (true excitons/dot, inf where no gain) against each threshold abscissa."""
if set(THRESHOLD_CURVES) != set(THRESHOLD_AXES):
    raise ValueError("THRESHOLD_CURVES must cover every threshold axis of datasets.THRESHOLD_AXES")


def no_gain_penalty(params: GainParams) -> float:
    """The finite stand-in (excitons/dot) for a threshold the model does not reach."""
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    return NO_GAIN_PENALTY_FACTOR * limit


def thresholds_model(params: GainParams, data: ThresholdData, n_scale: float) -> np.ndarray:
    """<N_th> on the data's <N> axis (true <N_th> / n_scale); no gain -> the finite penalty."""
    n_th = np.asarray(THRESHOLD_CURVES[data.x_name](params, data.x), dtype=float)
    return np.where(np.isfinite(n_th), n_th, no_gain_penalty(params)) / n_scale


def ase_model(params: GainParams, data: AseData, n_scale: float) -> np.ndarray:
    """Integrated stripe output (photons/cm^2) at the data's fluences (any order, repeats allowed)."""
    fluences, inverse = np.unique(data.fluence_mj_cm2, return_inverse=True)
    return np.asarray(ase_curve(params, fluences).output_integrated)[inverse.ravel()]


def lifetimes_model(params: GainParams, data: LifetimeData, n_scale: float) -> np.ndarray:
    """Gain lifetime (ps) at (n_scale <N_X>, <n_1S(e)>) of every data point."""
    n_x, inverse = np.unique(np.clip(n_scale * data.n_x, 0.0, MAX_N_X), return_inverse=True)
    dynamics = gain_dynamics(params, n_x)
    out = np.empty(data.n_x.size)
    for n_doped in np.unique(data.n_doped):
        rows = data.n_doped == n_doped
        fractions = np.array(doping_fractions_at(params, n_doped))
        a_star = np.tensordot(fractions, dynamics.a_star, axes=1)
        out[rows] = _gain_lifetime(DEFAULT_TIME_PS, a_star)[inverse.ravel()[rows]]
    return out


def doping_model(params: GainParams, data: DopingData, n_scale: float) -> np.ndarray:
    """<n_1S(e)> (electrons/dot) at the data's potentials ([002] eq. S16)."""
    return electrons_vs_potential(data.potential_mv, params.v_1s_mv, params.charging_energy_mev,
                                  params.doping_temperature_k, params.sigma_1s_mv)


@dataclass(frozen=True)
class FitModel:
    """How a dataset kind is fitted: the model, its abscissa and ordinate fields and the profiled amplitude."""

    kind: str
    evaluate: Callable[[GainParams, Any, float], np.ndarray]
    x_field: str
    y_field: str
    group_field: str | None
    amplitude: str
    description: str


FIT_MODELS: dict[str, FitModel] = {
    "spectra": FitModel("spectra", spectra_model, "energy_mev", "od_nl", "n_avg", "scale",
                        "OD_NL(E) at n_scale <N>; one OD scale (max OD_0 of the sample) profiled"),
    "thresholds": FitModel("thresholds", thresholds_model, "x", "n_th", None, "none",
                           "<N_th> / n_scale by the params' method; no gain -> 2 x search limit"),
    "ase": FitModel("ase", ase_model, "fluence_mj_cm2", "output", None, "log",
                    "integrated ASE output; one log10 offset profiled, residuals in log10(output)"),
    "lifetimes": FitModel("lifetimes", lifetimes_model, "n_x", "gain_lifetime_ps", "n_doped", "none",
                          "gain lifetime at (n_scale <N_X>, <n_1S(e)>)"),
    "doping": FitModel("doping", doping_model, "potential_mv", "n_doped", None, "none",
                       "<n_1S(e)> against potential ([002] eq. S16)"),
}
"""The fit model of every dataset kind (complete: checked at import)."""
if set(FIT_MODELS) != set(DATASET_KINDS) or any(m.amplitude not in AMPLITUDES for m in FIT_MODELS.values()):
    raise ValueError("FIT_MODELS must cover every dataset kind with an amplitude of AMPLITUDES")


def evaluate(params: GainParams, dataset: Dataset, n_scale: float = 1.0) -> np.ndarray:
    """The model of ``dataset``'s kind at its points (before the profiled amplitude)."""
    return np.asarray(FIT_MODELS[dataset.kind].evaluate(params, dataset, n_scale), dtype=float)

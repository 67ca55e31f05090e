"""Amplified spontaneous emission from the SE spectra ([001] Fig. 9; [002]; [004]; MODEL.md section 5).

Material gain g(E) = -n_QD sigma_A,peak OD_NL(E) / max OD_0 (cm^-1) with n_QD = volume
fraction / dot volume; net modal gain g_net = Gamma g - alpha. A stripe of length L emits
I(E) = A_sp(E) (exp(g_net L) - 1) / g_net, with A_sp proportional to E^2 times the
spontaneous spectrum of the excited population (the stimulated-emission part of OD_NL,
by the Einstein relation). The ASE threshold is the kink of the integrated output versus
fluence: the largest d ln I / d ln J, reported only where the output is superlinear.

Project choice (MODEL.md is silent): strong ASE depletes the inversion, so the
single-pass gain-length product saturates, g_net L -> G tanh(g_net L / G) with
G = ``SATURATED_GAIN_LENGTH`` = 10. Without it the unsaturated exponential keeps
steepening and the "largest slope" would sit far above the onset; with it the log-log
output has the measured S shape (linear, superlinear, saturated) and its steepest point
marks the onset of amplification.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .ensemble import LINE_A, coefficients_for, lines_for
from .excitation import fluence_from_n_avg, n_avg_from_fluence
from .params import GainParams
from .results import ASECurve
from .statistics import occupation_probabilities
from .thresholds import search_limit

N_FLUENCES = 60
MAX_FLUENCES = 400
MIN_SUPERLINEAR_SLOPE = 1.5
SATURATED_GAIN_LENGTH = 10.0
LOWEST_N_AVG = 0.01
HIGHEST_N_AVG = 8.0
NM3_TO_CM3 = 1e-21


def default_fluences(params: GainParams, n_points: int = N_FLUENCES) -> np.ndarray:
    """Log-spaced fluences (mJ/cm^2) spanning <N> = 0.01 .. min(search limit, 8)."""
    limit, _ = search_limit(params.pump_mode, params.g_e, params.n_search_max)
    top = min(limit, HIGHEST_N_AVG) * (0.999 if params.pump_mode == "resonant" else 1.0)
    low, high = fluence_from_n_avg(params, np.array([LOWEST_N_AVG, top]))
    return np.geomspace(low, high, n_points)


def dot_density_cm3(params: GainParams) -> float:
    """Number density of dots n_QD = volume fraction / dot volume (cm^-3)."""
    return params.volume_fraction / (params.dot_volume_nm3 * NM3_TO_CM3)


def gain_coefficient_cm(params: GainParams, od_relative: np.ndarray) -> np.ndarray:
    """Material gain g = -n_QD sigma_A,peak OD_NL/max OD_0 (cm^-1) for OD in units of max OD_0."""
    return -dot_density_cm3(params) * params.sigma_abs_peak_cm2 * np.asarray(od_relative)


def ase_curve(params: GainParams, fluences_mj_cm2: np.ndarray | None = None) -> ASECurve:
    """Stripe ASE output, spectra and threshold versus pump fluence (mJ/cm^2)."""
    fluence = default_fluences(params) if fluences_mj_cm2 is None else np.asarray(fluences_mj_cm2, dtype=float).ravel()
    if fluence.size == 0 or fluence.size > MAX_FLUENCES or not np.all(np.isfinite(fluence)) or np.any(fluence <= 0):
        raise ValueError(f"fluences_mj_cm2: need 1 to {MAX_FLUENCES} finite positive values, got {fluence.size}")
    fluence = np.unique(fluence)
    energy, lines, _ = lines_for(params)
    coeff = coefficients_for(params)
    n_avg = n_avg_from_fluence(params, fluence)
    probs = occupation_probabilities(n_avg, params.pump_mode, params.g_e, coeff.shape[0] - 1)
    scale = 1.0 / lines[LINE_A].max()
    od = probs @ (coeff @ lines) * scale
    emission = probs @ (np.clip(-coeff, 0.0, None) @ lines) * scale
    spontaneous = emission * (energy / params.e_a_mev) ** 2
    net_gain = params.confinement_factor * gain_coefficient_cm(params, od) - params.loss_cm
    gain_length = net_gain * params.stripe_length_cm
    exponent = SATURATED_GAIN_LENGTH * np.tanh(gain_length / SATURATED_GAIN_LENGTH)
    small = np.abs(gain_length) < 1e-8
    path = np.where(small, params.stripe_length_cm, np.expm1(exponent) * params.stripe_length_cm / np.where(small, 1.0, gain_length))
    spectra = spontaneous * path
    de = energy[1] - energy[0]
    output = spectra.sum(axis=1) * de
    slope = _log_slope(fluence, output)
    threshold, threshold_n, reason = _kink(fluence, n_avg, slope)
    spike = energy[np.argmax(spectra, axis=1)]
    width = (spectra >= 0.5 * spectra.max(axis=1, keepdims=True)).sum(axis=1) * de
    return ASECurve(
        fluence_mj_cm2=fluence,
        n_avg=n_avg,
        energy_mev=energy,
        spectra=spectra,
        output_integrated=output,
        peak_net_gain_cm=net_gain.max(axis=1),
        spike_energy_mev=spike,
        spike_fwhm_mev=width,
        log_slope=slope,
        threshold_mj_cm2=threshold,
        threshold_n_avg=threshold_n,
        threshold_reason=reason,
    )


def _log_slope(fluence: np.ndarray, output: np.ndarray) -> np.ndarray:
    """d ln I / d ln J on the (possibly non-uniform) fluence grid."""
    if fluence.size < 3:
        return np.full(fluence.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.gradient(np.log(np.clip(output, 1e-300, None)), np.log(fluence))


def _kink(fluence: np.ndarray, n_avg: np.ndarray, slope: np.ndarray) -> tuple[float | None, float | None, str]:
    """Fluence and <N> of the largest log-log slope, if the output is superlinear there.

    The maximum is refined between grid points by the vertex of the parabola through the
    three slopes around it (in ln J), so the threshold varies smoothly with the parameters.
    """
    if not np.isfinite(slope).any():
        return None, None, "need at least 3 fluences to locate the kink"
    j = int(np.nanargmax(slope))
    if slope[j] < MIN_SUPERLINEAR_SLOPE:
        return None, None, (
            f"output never rises faster than J^{MIN_SUPERLINEAR_SLOPE:g} in {fluence[0]:.3g}-{fluence[-1]:.3g} mJ/cm^2 "
            "(net modal gain stays below the loss)"
        )
    if j in (0, fluence.size - 1):
        return None, None, "steepest rise at the edge of the fluence range; widen the range"
    log_j = np.log(fluence[j - 1 : j + 2])
    curvature, linear, _ = np.polyfit(log_j, slope[j - 1 : j + 2], 2)
    vertex = -linear / (2.0 * curvature) if curvature < 0 else log_j[1]
    log_threshold = float(np.clip(vertex, log_j[0], log_j[2]))
    threshold_n = float(np.interp(log_threshold, np.log(fluence), n_avg))
    return float(np.exp(log_threshold)), threshold_n, ""


def level_scheme_variants(params: GainParams) -> dict[str, GainParams]:
    """2LS / 3LS / 4LS, each without and with ESA ([001] Figs. 8-9; [000] Fig. 3).

    2LS: no Stokes shift and no LO sideband; 3LS: the Stokes shift is all fine structure
    (eta = 100, lambda ~ 0); 4LS: all lattice reorganization (eta = 0.01). The Stokes shift
    is the operating point's (20 meV if that is zero). "+ESA" adds excited-state absorption
    into biexcitons at the operating chi.
    """
    stokes = params.stokes_mev if params.stokes_mev > 0 else GainParams().stokes_mev
    schemes = {
        "2LS": dict(stokes_mev=0.0, huang_rhys=0.0),
        "3LS": dict(stokes_mev=stokes, eta=100.0),
        "4LS": dict(stokes_mev=stokes, eta=0.01),
    }
    variants = {}
    for name, changes in schemes.items():
        variants[name] = dataclasses.replace(params, include_esa=False, **changes)
        variants[f"{name}+ESA"] = dataclasses.replace(params, include_esa=True, **changes)
    return variants

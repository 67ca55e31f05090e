"""Occupation statistics: excitons per dot from the pump, 1S(e) electrons from doping.

* One-photon pumping: Poisson, <N> = sigma_pump J / E_pump (docs/model.md; [002] eq. S5).
* Two-photon pumping: Poisson, <N> = sigma2 F^2 / (sqrt(2 pi) tau_0), F = J / E_pump,
  tau_0 = tau_FWHM / (2 sqrt(ln 2)), 1 GM = 1e-50 cm^4 s ([004]).
* Resonant band-edge pumping: each of the g band-edge sites excited with probability
  sin^2(Theta/2), Theta = pi sqrt(J/J_pi) (Rabi picture, [001] section 3.3); N binomial.
* Doping: grand-canonical fractions of neutral, singly and doubly charged dots
  Z = 1 + 2 e^{beta e(V-V_1S)} + e^{beta e(2V - 2V_1S - V_C)}, <n> = f_1 + 2 f_2
  ([002] eqs. S9-S14), optionally averaged over a Gaussian V_1S distribution (eq. S15-S16).
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq
from scipy.special import gammaln

from .constants import EV_TO_J, GM_CM4_S, K_B_MEV_PER_K, PLANCK_EV_NM

N_DOPING_QUADRATURE = 41
MAX_DISORDER_NODES = 4001
MAX_POTENTIALS = 10000


def photon_fluence_cm2(fluence_mj_cm2: npt.ArrayLike, wavelength_nm: float) -> np.ndarray:
    """Photons per cm^2 in a pulse of ``fluence_mj_cm2`` at ``wavelength_nm``."""
    photon_energy_j = PLANCK_EV_NM / wavelength_nm * EV_TO_J
    return np.asarray(fluence_mj_cm2, dtype=float) * 1e-3 / photon_energy_j


def n_avg_one_photon(fluence_mj_cm2: np.ndarray, wavelength_nm: float, sigma_cm2: float) -> np.ndarray:
    """<N> = sigma J / E_pump for one-photon (Poisson) pumping."""
    return sigma_cm2 * photon_fluence_cm2(fluence_mj_cm2, wavelength_nm)


def gaussian_tau0_s(pulse_fwhm_fs: float) -> float:
    """tau_0 = tau_FWHM / (2 sqrt(ln 2)) in s for a Gaussian pulse exp(-t^2/tau_0^2)."""
    return pulse_fwhm_fs * 1e-15 / (2.0 * np.sqrt(np.log(2.0)))


def n_avg_two_photon(
    fluence_mj_cm2: np.ndarray, wavelength_nm: float, sigma2_gm: float, pulse_fwhm_fs: float
) -> np.ndarray:
    """<N> = sigma2 F^2 / (sqrt(2 pi) tau_0) for a Gaussian pulse (docs/model.md)."""
    tau0_s = gaussian_tau0_s(pulse_fwhm_fs)
    photons = photon_fluence_cm2(fluence_mj_cm2, wavelength_nm)
    return sigma2_gm * GM_CM4_S * photons**2 / (np.sqrt(2.0 * np.pi) * tau0_s)


def n_avg_resonant(fluence_mj_cm2: np.ndarray, pi_fluence_mj_cm2: float, sites: int) -> np.ndarray:
    """<N> = g sin^2(Theta/2), Theta = pi sqrt(J/J_pi), g band-edge sites (Rabi picture, [001] section 3.3)."""
    theta = np.pi * np.sqrt(np.asarray(fluence_mj_cm2, dtype=float) / pi_fluence_mj_cm2)
    return sites * np.sin(0.5 * np.minimum(theta, np.pi)) ** 2


@functools.lru_cache(maxsize=16)
def _log_factorials(n_max: int) -> np.ndarray:
    """ln N! for N = 0..n_max (read-only)."""
    values = gammaln(np.arange(n_max + 1) + 1.0)
    values.flags.writeable = False
    return values


def poisson_probabilities(n_avg: np.ndarray, n_max: int) -> np.ndarray:
    """P_N(<N>) for N = 0..n_max, the tail N >= n_max lumped into the last column.

    Shape (*n_avg.shape, n_max + 1); rows sum to 1 exactly.
    """
    x = np.asarray(n_avg, dtype=float)[..., None]
    n = np.arange(n_max + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.exp(n * np.log(x) - x - _log_factorials(n_max))
    p[..., 0] = np.exp(-x[..., 0])
    p[..., -1] = np.clip(1.0 - p[..., :-1].sum(axis=-1), 0.0, None)
    return p


def binomial_probabilities(n_avg: np.ndarray, sites: int, n_max: int) -> np.ndarray:
    """P_N for N = 0..n_max when each of ``sites`` states is excited with p = <N>/sites."""
    x = np.asarray(n_avg, dtype=float)[..., None]
    p = np.clip(x / sites, 0.0, 1.0)
    n = np.arange(n_max + 1)
    valid = n <= sites
    k = np.minimum(n, sites)
    log_comb = gammaln(sites + 1) - gammaln(k + 1) - gammaln(sites - k + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        probs = np.exp(log_comb) * np.where(k == 0, 1.0, p**k) * np.where(sites - k == 0, 1.0, (1.0 - p) ** (sites - k))
    return np.where(valid, probs, 0.0)


def occupation_probabilities(n_avg: np.ndarray, pump_mode: str, g_e: int, n_max: int) -> np.ndarray:
    """P_N(<N>) for the pump's statistics: binomial for resonant pumping, else Poisson."""
    if pump_mode == "resonant":
        return binomial_probabilities(n_avg, g_e, n_max)
    return poisson_probabilities(n_avg, n_max)


def _fractions_at_potential(u: np.ndarray, log_c: float) -> np.ndarray:
    """(f0, f1, f2) at reduced potential u = beta e (V - V_1S), log_c = -beta e V_C ([002] eq. S11-S13).

    Evaluated as a softmax of the log Boltzmann weights [0, ln 2 + u, 2u + log_c], so no
    temperature or charging energy overflows.
    """
    u = np.asarray(u, dtype=float)
    logs = np.stack([np.zeros_like(u), np.log(2.0) + u, 2.0 * u + log_c], axis=-1)
    weights = np.exp(logs - logs.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


@functools.lru_cache(maxsize=64)
def _disorder_quadrature(sigma_reduced: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes (kT/e units) and normalized weights of the Gaussian average over V_1S.

    The fractions change over ~1 kT/e, so for sigma_1S of a few kT and more Gauss-Hermite
    nodes are too far apart (41 nodes erred by 9e-2 at 50 mV, 4 K); then trapezoids on
    +-8 sigma with 4 points per kT are used (exponentially accurate for this smooth integrand),
    at most MAX_DISORDER_NODES (spacing 3.5 kT at 300 mV and 4 K, error ~1e-3 there).
    """
    if sigma_reduced <= 1.0:
        nodes, weights = np.polynomial.hermite_e.hermegauss(N_DOPING_QUADRATURE)
        nodes = sigma_reduced * nodes
    else:
        n_nodes = int(min(64.0 * sigma_reduced, MAX_DISORDER_NODES)) | 1
        nodes = np.linspace(-8.0 * sigma_reduced, 8.0 * sigma_reduced, n_nodes)
        weights = np.exp(-0.5 * (nodes / sigma_reduced) ** 2)
        weights[[0, -1]] *= 0.5
    weights = weights / weights.sum()
    nodes.flags.writeable = False
    weights.flags.writeable = False
    return nodes, weights


def _mean_fractions(u: np.ndarray, log_c: float, sigma_reduced: float) -> np.ndarray:
    """Fractions at reduced potentials ``u``, averaged over a Gaussian V_1S of width sigma (kT/e units)."""
    if sigma_reduced <= 0.0:
        return _fractions_at_potential(u, log_c)
    nodes, weights = _disorder_quadrature(float(sigma_reduced))
    shifted = np.asarray(u, dtype=float)[..., None] - nodes
    return np.tensordot(_fractions_at_potential(shifted, log_c), weights, axes=([-2], [0]))


def doping_fractions(
    n_doped: float,
    charging_energy_mev: float = 5.0,
    temperature_k: float = 295.0,
    sigma_1s_mv: float = 0.0,
) -> tuple[float, float, float]:
    """Fractions (f0, f1, f2) of dots with 0, 1, 2 extra 1S(e) electrons at mean <n>.

    Grand-canonical statistics of [002] eqs. S9-S14 with beta = 1/(k_B T) (T may be an
    effective temperature, [002] Fig. S5b); with ``sigma_1s_mv`` > 0 the fractions are
    averaged over a Gaussian distribution of V_1S (eq. S15-S16). The electrode potential is
    solved so that f1 + 2 f2 = <n> (closed form without disorder, Brent's method with it).
    <n> = 0 and 2 are exact: (1, 0, 0) and (0, 0, 1).
    """
    if not 0.0 <= n_doped <= 2.0 or not np.isfinite(n_doped):
        raise ValueError(f"n_doped: {n_doped!r} is outside the allowed range [0, 2] electrons/dot")
    _check_doping_settings(charging_energy_mev, temperature_k, sigma_1s_mv)
    if n_doped == 0.0:
        return 1.0, 0.0, 0.0
    if n_doped == 2.0:
        return 0.0, 0.0, 1.0
    kt = K_B_MEV_PER_K * temperature_k
    log_c = -charging_energy_mev / kt
    if sigma_1s_mv <= 0.0:
        u = _closed_form_potential(n_doped, log_c)
    else:
        u = _bisected_potential(n_doped, log_c, sigma_1s_mv / kt)
    f = _mean_fractions(np.asarray(u), log_c, sigma_1s_mv / kt)
    return float(f[0]), float(f[1]), float(f[2])


def _closed_form_potential(n: float, log_c: float) -> float:
    """u = ln x solving c(2-n)x^2 + 2(1-n)x - n = 0, in the form free of cancellation."""
    a = 1.0 - n
    c_n = np.exp(log_c) * n * (2.0 - n)
    if a >= 0.0:
        return float(np.log(n) - np.log(a + np.sqrt(a * a + c_n)))
    return float(np.log(-a + np.sqrt(a * a + c_n)) - log_c - np.log(2.0 - n))


def _bisected_potential(n_doped: float, log_c: float, sigma_reduced: float) -> float:
    """Reduced potential at which the disorder-averaged <n> equals ``n_doped`` (Brent's method; <n> rises with u)."""
    lo = -60.0 - 10.0 * sigma_reduced
    hi = 60.0 + 10.0 * sigma_reduced - log_c

    def excess(u: float) -> float:
        f = _mean_fractions(np.asarray(u), log_c, sigma_reduced)
        return float(f[1] + 2.0 * f[2] - n_doped)

    return float(brentq(excess, lo, hi, xtol=1e-12, rtol=1e-14))


def electrons_vs_potential(
    potential_mv: np.ndarray,
    v_1s_mv: float,
    charging_energy_mev: float = 5.0,
    temperature_k: float = 295.0,
    sigma_1s_mv: float = 0.0,
) -> np.ndarray:
    """<n_1S(e)> at electrode potentials ``potential_mv`` ([002] eq. S14/S16, Fig. 5a).

    Electrons are injected as the potential goes *below* V_1S (reduction), so the
    reduced variable is beta e (V_1S - V) in the sign convention of the measured curve.
    """
    _check_doping_settings(charging_energy_mev, temperature_k, sigma_1s_mv)
    potential = np.asarray(potential_mv, dtype=float)
    if potential.size > MAX_POTENTIALS or not np.all(np.isfinite(potential)) or not np.isfinite(v_1s_mv):
        raise ValueError(f"potential_mv: need at most {MAX_POTENTIALS} finite potentials (mV) and a finite v_1s_mv")
    kt = K_B_MEV_PER_K * temperature_k
    u = (v_1s_mv - potential) / kt
    f = _mean_fractions(u, -charging_energy_mev / kt, sigma_1s_mv / kt)
    return f[..., 1] + 2.0 * f[..., 2]


def _check_doping_settings(charging_energy_mev: float, temperature_k: float, sigma_1s_mv: float) -> None:
    """ValueError naming the setting unless T > 0 and V_C, sigma_1S are finite and >= 0."""
    if not (np.isfinite(temperature_k) and temperature_k > 0.0):
        raise ValueError(f"doping_temperature_k: {temperature_k!r} must be a finite temperature > 0 K")
    if not (np.isfinite(charging_energy_mev) and charging_energy_mev >= 0.0):
        raise ValueError(f"charging_energy_mev: {charging_energy_mev!r} must be finite and >= 0 meV")
    if not (np.isfinite(sigma_1s_mv) and sigma_1s_mv >= 0.0):
        raise ValueError(f"sigma_1s_mv: {sigma_1s_mv!r} must be finite and >= 0 mV")

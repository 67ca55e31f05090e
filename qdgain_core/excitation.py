"""Pump fluence <-> <N> for the three pump modes (docs/model.md, occupation statistics)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .params import GainParams
from .statistics import (
    GM_CM4_S,
    gaussian_tau0_s,
    n_avg_one_photon,
    n_avg_resonant,
    n_avg_two_photon,
    photon_fluence_cm2,
)


def _checked(name: str, values: npt.ArrayLike, unit: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        raise ValueError(f"{name}: need finite values >= 0 {unit}")
    return array


def n_avg_from_fluence(params: GainParams, fluence_mj_cm2: npt.ArrayLike) -> np.ndarray:
    """<N> (excitons/dot) created by pump fluences ``fluence_mj_cm2`` (mJ/cm^2)."""
    fluence_mj_cm2 = _checked("fluence_mj_cm2", fluence_mj_cm2, "mJ/cm^2")
    if params.pump_mode == "two_photon":
        return n_avg_two_photon(fluence_mj_cm2, params.pump_wavelength_nm, params.sigma2_gm, params.pulse_fwhm_fs)
    if params.pump_mode == "resonant":
        return n_avg_resonant(fluence_mj_cm2, params.rabi_pi_fluence_mj_cm2, params.pump_sites)
    return n_avg_one_photon(fluence_mj_cm2, params.pump_wavelength_nm, params.sigma_pump_cm2)


def fluence_from_n_avg(params: GainParams, n_avg: npt.ArrayLike) -> np.ndarray:
    """Pump fluence (mJ/cm^2) giving <N> = ``n_avg``; inverse of ``n_avg_from_fluence``.

    Resonant pumping saturates at <N> = the band-edge sites (``params.pump_sites``, a pi pulse);
    larger values map to J_pi.
    """
    n_avg = _checked("n_avg", n_avg, "excitons/dot")
    per_photon_mj = 1.0 / photon_fluence_cm2(1.0, params.pump_wavelength_nm)
    if params.pump_mode == "two_photon":
        tau0_s = gaussian_tau0_s(params.pulse_fwhm_fs)
        photons = np.sqrt(n_avg * np.sqrt(2.0 * np.pi) * tau0_s / (params.sigma2_gm * GM_CM4_S))
        return photons * per_photon_mj
    if params.pump_mode == "resonant":
        fraction = np.clip(n_avg / params.pump_sites, 0.0, 1.0)
        theta = 2.0 * np.arcsin(np.sqrt(fraction))
        return params.rabi_pi_fluence_mj_cm2 * (theta / np.pi) ** 2
    return n_avg / params.sigma_pump_cm2 * per_photon_mj

"""Physical constants and unit conversions used by the core, in one place (CODATA 2018 exact values)."""

from __future__ import annotations

import math

K_B_MEV_PER_K = 0.08617333262
"""Boltzmann constant k_B in meV/K."""

PLANCK_EV_NM = 1239.841984
"""h c in eV nm: photon energy (eV) = PLANCK_EV_NM / wavelength (nm)."""
PLANCK_MEV_NM = PLANCK_EV_NM * 1e3
"""h c in meV nm: wavelength (nm) = PLANCK_MEV_NM / photon energy (meV), and back."""

EV_TO_J = 1.602176634e-19
"""Elementary charge: joules per eV."""

GM_CM4_S = 1e-50
"""One Goeppert-Mayer unit of two-photon cross section in cm^4 s ([004] Table 1)."""

FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))
"""FWHM of a Gaussian in units of its standard deviation."""

NM3_TO_CM3 = 1e-21
"""cm^3 per nm^3."""

PLANCK_MEV_S = 4.135667696e-12
"""Planck constant h in meV s."""

LIGHT_CM_S = 2.99792458e10
"""Speed of light in cm/s."""

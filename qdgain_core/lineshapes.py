"""Einstein-consistent lineshapes from a lattice spectral density ([000] Eqs. 3-4).

One transition's absorption and stimulated emission share the lineshape function

    g(t) = int dW J(W)/(pi W^2) [coth(W/2kT)(1 - cos Wt) + i(sin Wt - Wt)]

    sigma_A(E)  ~ E Re int_0^inf exp[i(E - E_0)t - g(t)] dt
    sigma_SE(E) ~ E Re int_0^inf exp[i(E - E_0 + 2 lambda)t - g*(t)] dt

(MODEL.md section 3). The spectral density is one underdamped LO mode (Huang-Rhys S,
exact coth) plus an overdamped Drude-Lorentz bath in its classical (high-temperature)
form g_DL(t) = lambda (2kT/gamma^2 - i/gamma)(exp(-gamma t) + gamma t - 1); its second
cumulant is 2 lambda kT, which is the Delta_ph^2 of [000] Eq. 7 (MODEL.md section 2).
The classical Drude-Lorentz form obeys detailed balance to order hbar*gamma/kT; the tests
check the McCumber relation within that accuracy (docs/model_notes.md).

Kernels are computed once per distinct bath on a time grid by one FFT; the emission
kernel is the mirror image of the absorption kernel (Re int exp(i e t - g*) =
Re int exp(-i e t - g)). Lines are then placed with the kernel's first moment at the
line energy by linear interpolation, multiplied by E and normalised to unit area on the energy grid, so that
with all shifts and widths equal the ensemble reduces to transition counting exactly.
Homogeneous (Lorentzian, FWHM Gamma_0) and inhomogeneous (Gaussian) widths multiply the
time response; the inhomogeneous one is thereby an exact convolution of OD_NL.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

K_B_MEV_PER_K = 0.08617333262
FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))
N_ENERGY_POINTS = 512
N_TIME_POINTS = 2 * N_ENERGY_POINTS


@dataclass(frozen=True)
class BathSpec:
    """Spectral density and electronic widths shared by all lines of one calculation.

    ``model`` is "cumulant" (spin-boson) or "gaussian" (Simple Model, [001] section 3.3:
    every line a Gaussian of FWHM ``gaussian_fwhm_mev``, no lattice sidebands).
    """

    model: str
    temperature_k: float
    lo_phonon_mev: float
    huang_rhys: float
    bath_cutoff_mev: float
    homogeneous_fwhm_mev: float
    inhomogeneous_fwhm_mev: float
    gaussian_fwhm_mev: float

    @property
    def kt_mev(self) -> float:
        return K_B_MEV_PER_K * self.temperature_k

    @property
    def lo_reorganization_mev(self) -> float:
        """Reorganization energy S * hbar*omega_LO of the underdamped mode (meV)."""
        return self.huang_rhys * self.lo_phonon_mev if self.model == "cumulant" else 0.0

    @property
    def lo_variance_mev2(self) -> float:
        """Second cumulant S w^2 coth(w/2kT) of the LO mode (meV^2)."""
        if self.model != "cumulant":
            return 0.0
        w = self.lo_phonon_mev
        return self.huang_rhys * w * w / np.tanh(w / (2.0 * self.kt_mev))

    @property
    def bath_variance_per_lambda_mev(self) -> float:
        """d(Delta_ph^2)/d(lambda_DL) = 2kT for the classical overdamped bath (meV)."""
        return 2.0 * self.kt_mev if self.model == "cumulant" else 0.0

    def width_sigma_mev(self, lam_dl_mev: np.ndarray) -> np.ndarray:
        """Rough Gaussian-equivalent standard deviation of a fully dressed line (meV)."""
        inh = self.inhomogeneous_fwhm_mev / FWHM_PER_SIGMA
        if self.model == "gaussian":
            return np.sqrt((self.gaussian_fwhm_mev / FWHM_PER_SIGMA) ** 2 + inh**2) + 0 * lam_dl_mev
        phonon2 = self.lo_variance_mev2 + self.bath_variance_per_lambda_mev * lam_dl_mev
        return np.sqrt(phonon2 + inh**2 + (self.homogeneous_fwhm_mev / 2.0) ** 2)


def solve_lattice(stokes_mev: float, eta: float, bath: BathSpec) -> tuple[float, float, float, str]:
    """Split the Stokes shift: Delta_SS = Delta_FS + 2(lambda_LO + lambda_DL), eta = Delta_FS/Delta_ph.

    Delta_ph^2 = 2kT lambda_DL is the second cumulant of the continuous (overdamped) bath
    (MODEL.md section 2). The discrete LO mode is left out of Delta_ph on purpose: its
    resolved sidebands carry weight 1 - exp(-S) and do not broaden the zero-phonon line,
    and with its cumulant included eta could not exceed ~1.2 for CdSe (S = 0.1, 26 meV,
    295 K), against eta ~ 10 in [000] (docs/model_notes.md). With D = Delta_SS - 2 lambda_LO,
    (D - 2x)^2 = eta^2 b x (b = 2kT) is a quadratic in x = lambda_DL whose smaller root keeps
    Delta_FS >= 0. Returns (Delta_FS, lambda_DL, eta, note); the note explains any clamping.
    """
    if bath.model == "gaussian":
        return stokes_mev, 0.0, eta, "Gaussian Simple Model: lines placed from the Stokes shift directly; eta sets no width"
    lam_lo = bath.lo_reorganization_mev
    b = bath.bath_variance_per_lambda_mev
    d = stokes_mev - 2.0 * lam_lo
    if d <= 0.0:
        return 0.0, 0.0, 0.0, (
            f"Stokes shift {stokes_mev:g} meV is below the LO-mode reorganization 2S*hw = {2 * lam_lo:.3g} meV; "
            "the LO mode alone sets the Stokes shift"
        )
    p = 4.0 * d + eta * eta * b
    lam_dl = (p - np.sqrt(p * p - 16.0 * d * d)) / 8.0
    return d - 2.0 * lam_dl, float(lam_dl), eta, ""


def lattice_for_eta(fine_structure_mev: float, eta: np.ndarray, bath: BathSpec) -> np.ndarray:
    """lambda_DL (meV) giving eta = Delta_FS/Delta_ph at fixed Delta_FS (phase-map rows).

    Delta_ph^2 = 2kT lambda_DL (see ``solve_lattice``). In the Gaussian model there is no
    lattice: returns zeros.
    """
    eta = np.asarray(eta, dtype=float)
    if bath.model == "gaussian":
        return np.zeros_like(eta)
    return (fine_structure_mev / eta) ** 2 / bath.bath_variance_per_lambda_mev


def absorption_kernels(lam_dl_mev: np.ndarray, de_mev: np.ndarray, scale: float, bath: BathSpec) -> np.ndarray:
    """Absorption lineshape kernels K(eps) on FFT-ordered grids eps_j = j * de (meV^-1 units).

    ``lam_dl_mev`` and ``de_mev`` have shape (B,); ``scale`` multiplies the whole g(t)
    (1 for exciton lines, rho = (xi-1)^2 for ESA and biexciton emission). Returns (B, M)
    real kernels, first moment at eps = 0, not yet normalised.
    """
    lam = np.asarray(lam_dl_mev, dtype=float)[:, None]
    de = np.asarray(de_mev, dtype=float)[:, None]
    m = N_TIME_POINTS
    dt = 2.0 * np.pi / (m * de)
    t = np.arange(m)[None, :] * dt
    inh_sigma = bath.inhomogeneous_fwhm_mev / FWHM_PER_SIGMA
    if bath.model == "gaussian":
        sigma2 = (bath.gaussian_fwhm_mev / FWHM_PER_SIGMA) ** 2 + inh_sigma**2
        log_response = -0.5 * sigma2 * t * t + 0j
    else:
        kt, gamma, w, s = bath.kt_mev, bath.bath_cutoff_mev, bath.lo_phonon_mev, bath.huang_rhys
        relax = np.expm1(-gamma * t) + gamma * t
        g_dl = lam * (2.0 * kt / gamma**2 - 1j / gamma) * relax
        g_lo = s * ((1.0 - np.cos(w * t)) / np.tanh(w / (2.0 * kt)) + 1j * (np.sin(w * t) - w * t))
        log_response = -scale * (g_dl + g_lo) - 0.5 * bath.homogeneous_fwhm_mev * t - 0.5 * inh_sigma**2 * t * t
    response = np.exp(log_response)
    response[:, 0] *= 0.5
    return np.real(np.fft.ifft(response, axis=1)) * m * dt


def place_lines(
    kernels: np.ndarray,
    centers_mev: np.ndarray,
    e_lo_mev: np.ndarray,
    de_mev: np.ndarray,
    emission: bool,
    n_e: int = N_ENERGY_POINTS,
) -> np.ndarray:
    """Area-normalised lines E*K(E - center) on grids E_k = e_lo + k*de.

    ``kernels`` (B, M) from ``absorption_kernels``; ``centers_mev`` (B, K) first-moment
    energies; ``emission`` mirrors the kernel (stimulated-emission lineshape). Returns
    (B, K, n_e) lines with sum(line) * de == 1 (units 1/meV).
    """
    b, m = kernels.shape
    if 2 * n_e > m:
        raise ValueError(f"n_e = {n_e} energy points need kernels of at least {2 * n_e} time points, got {m}")
    if emission:
        kernels = np.roll(kernels[:, ::-1], 1, axis=1)
    de = np.asarray(de_mev, dtype=float)[:, None]
    e_lo = np.asarray(e_lo_mev, dtype=float)[:, None]
    start = (e_lo - np.asarray(centers_mev, dtype=float)) / de
    first = np.floor(start)
    frac = (start - first)[..., None]
    extended = np.concatenate([kernels, kernels[:, : n_e + 1]], axis=1)
    windows = np.lib.stride_tricks.sliding_window_view(extended, n_e + 1, axis=1)
    rows = np.arange(b)[:, None]
    picked = windows[rows, first.astype(np.int64) % m]
    values = (1.0 - frac) * picked[..., :-1] + frac * picked[..., 1:]
    energy = (e_lo + de * np.arange(n_e))[:, None, :]
    lines = np.clip(values, 0.0, None) * energy
    area = lines.sum(axis=2, keepdims=True) * de[..., None]
    return lines / np.where(area > 0.0, area, 1.0)

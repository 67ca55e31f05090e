"""Einstein-consistent lineshapes from a lattice spectral density ([000] Eqs. 3-4).

One transition's absorption and stimulated emission share the lineshape function

    g(t) = int dW J(W)/(pi W^2) [coth(W/2kT)(1 - cos Wt) + i(sin Wt - Wt)]

    sigma_A(E)  ~ E Re int_0^inf exp[i(E - E_0)t - g(t)] dt
    sigma_SE(E) ~ E Re int_0^inf exp[i(E - E_0 + 2 lambda)t - g*(t)] dt

(docs/model.md, lineshapes). The spectral density is one underdamped LO mode (Huang-Rhys S,
exact coth) plus an overdamped Drude-Lorentz bath with its exact (coth, Matsubara) real part

    g_DL(t) = lambda [cot(beta gamma/2) - i] (e^{-gamma t} + gamma t - 1) / gamma
              + (4 lambda gamma / beta) sum_k (e^{-nu_k t} + nu_k t - 1) / (nu_k (nu_k^2 - gamma^2)),

nu_k = 2 pi k / beta, so that the mirror-image emission obeys Kennard-Stepanov exactly (v1's
classical form 2kT/gamma^2 did so only to order gamma/kT: slopes up to 1.25/kT in the wings
at gamma = 20 meV). Its second cumulant at high temperature is 2 lambda kT, the Delta_ph^2
of [000] Eq. 7.

The electronic homogeneous width is a Gaussian of FWHM Gamma_0 (v1 used a Lorentzian,
whose wings broke detailed balance: ln(sigma_SE/sigma_A) flattened to -0.85/kT). A
Gaussian of variance s^2 is its own Kennard-Stepanov partner when the emission is
displaced by s^2/kT, so that share, lambda_h = s^2/2kT, is part of the reorganization
energy and of the Stokes shift (``BathSpec.homogeneous_reorganization_mev``).

Kernels are computed once per distinct bath on a time grid by one FFT; the emission
kernel is the mirror image of the absorption kernel (Re int exp(i e t - g*) =
Re int exp(-i e t - g)). Lines are then placed with the kernel's first moment at the
line energy by linear interpolation, multiplied by E and normalised to unit area on the
energy grid, so that with all shifts and widths equal the ensemble reduces to transition
counting exactly. The inhomogeneous (Gaussian) width multiplies the time response, an
exact convolution of OD_NL.

The Gaussian Simple Model ([001] section 3.3) has no lattice: every line is a Gaussian of
FWHM w, and the level scheme is set by geometry (``solve_lattice``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .constants import FWHM_PER_SIGMA, K_B_MEV_PER_K

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
    def homogeneous_sigma_mev(self) -> float:
        """Standard deviation of the Gaussian electronic homogeneous width (meV)."""
        return self.homogeneous_fwhm_mev / FWHM_PER_SIGMA if self.model == "cumulant" else 0.0

    @property
    def homogeneous_reorganization_mev(self) -> float:
        """lambda_h = s_h^2 / 2kT: the Stokes share that makes the Gaussian width obey detailed balance (meV)."""
        return self.homogeneous_sigma_mev**2 / (2.0 * self.kt_mev)

    @property
    def fixed_reorganization_mev(self) -> float:
        """Reorganization that eta does not control: LO mode plus electronic width (meV)."""
        return self.lo_reorganization_mev + self.homogeneous_reorganization_mev

    @property
    def gaussian_sigma_mev(self) -> float:
        """Standard deviation of the Simple Model's Gaussian lines, its phonon width Delta_ph (meV)."""
        return self.gaussian_fwhm_mev / FWHM_PER_SIGMA

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
        return np.sqrt(phonon2 + inh**2 + self.homogeneous_sigma_mev**2)


def solve_lattice(stokes_mev: float, eta: float, bath: BathSpec) -> tuple[float, float, float, str]:
    """Split the Stokes shift into fine structure and lattice: Delta_SS = Delta_FS + 2 lambda.

    Cumulant model: lambda = lambda_LO + lambda_h + lambda_DL and eta = Delta_FS/Delta_ph with
    Delta_ph^2 = 2kT lambda_DL, the second cumulant of the continuous (overdamped) bath
    ([000] Eq. 7). The discrete LO mode is left out of Delta_ph on purpose: its resolved
    sidebands carry weight 1 - exp(-S) and do not broaden the zero-phonon line, and with its
    cumulant included eta could not exceed ~1.2 for CdSe (S = 0.1, 26 meV, 295 K), against
    eta ~ 10 in [000] (docs/model_notes.md). With D = Delta_SS - 2(lambda_LO + lambda_h),
    (D - 2x)^2 = eta^2 b x (b = 2kT) is a quadratic in x = lambda_DL whose smaller root keeps
    Delta_FS >= 0.

    Gaussian Simple Model ([001] section 3.3): the phonon width is the lines' standard
    deviation s_w, Delta_FS = min(eta s_w, Delta_SS) and 2 lambda = Delta_SS - Delta_FS, so
    eta >> 1 is the fine-structure 3LS and eta << 1 the displaced (lattice) 4LS.

    Returns (Delta_FS, lambda_DL or the Simple Model's lambda, eta, note); the note explains
    any clamping.
    """
    if bath.model == "gaussian":
        fine = min(eta * bath.gaussian_sigma_mev, stokes_mev)
        return float(fine), float((stokes_mev - fine) / 2.0), float(fine / bath.gaussian_sigma_mev), ""
    fixed = bath.fixed_reorganization_mev
    b = bath.bath_variance_per_lambda_mev
    d = stokes_mev - 2.0 * fixed
    if d <= 0.0:
        return 0.0, 0.0, 0.0, (
            f"Stokes shift {stokes_mev:g} meV is below the fixed reorganization 2(S*hw + s_h^2/2kT) = "
            f"{2 * fixed:.3g} meV of the LO mode and the electronic width; they alone set the Stokes shift"
        )
    p = 4.0 * d + eta * eta * b
    lam_dl = (p - np.sqrt(p * p - 16.0 * d * d)) / 8.0
    return d - 2.0 * lam_dl, float(lam_dl), eta, ""


def lattice_for_eta(fine_structure_mev: float, eta: np.ndarray, bath: BathSpec) -> np.ndarray:
    """lambda_DL (meV) giving eta = Delta_FS/Delta_ph at fixed Delta_FS (phase-map rows, cumulant model).

    Delta_ph^2 = 2kT lambda_DL (see ``solve_lattice``).
    """
    eta = np.asarray(eta, dtype=float)
    if bath.model == "gaussian":
        raise ValueError("hold: the Gaussian Simple Model has no lattice width; its maps hold the Stokes shift")
    return (fine_structure_mev / eta) ** 2 / bath.bath_variance_per_lambda_mev


def absorption_kernels(
    lam_dl_mev: np.ndarray, de_mev: np.ndarray, scale: float, bath: BathSpec, n_time: int = N_TIME_POINTS
) -> np.ndarray:
    """Absorption lineshape kernels K(eps) on FFT-ordered grids eps_j = j * de (meV^-1 units).

    ``lam_dl_mev`` and ``de_mev`` have shape (B,); ``scale`` multiplies the whole g(t)
    (1 for exciton lines, rho = (xi-1)^2 for ESA and biexciton emission). Returns (B, M)
    real kernels, first moment at eps = 0, not yet normalised.
    """
    lam = np.asarray(lam_dl_mev, dtype=float)[:, None]
    de = np.asarray(de_mev, dtype=float)[:, None]
    m = n_time
    dt = 2.0 * np.pi / (m * de)
    t = np.arange(m)[None, :] * dt
    inh_sigma = bath.inhomogeneous_fwhm_mev / FWHM_PER_SIGMA
    if bath.model == "gaussian":
        sigma2 = (bath.gaussian_fwhm_mev / FWHM_PER_SIGMA) ** 2 + inh_sigma**2
        log_response = -0.5 * sigma2 * t * t + 0j
    else:
        kt, gamma, w, s = bath.kt_mev, bath.bath_cutoff_mev, bath.lo_phonon_mev, bath.huang_rhys
        relax = np.expm1(-gamma * t) + gamma * t
        g_dl = lam * (drude_lorentz_real(t, kt, gamma) - 1j * relax / gamma)
        g_lo = s * ((1.0 - np.cos(w * t)) / np.tanh(w / (2.0 * kt)) + 1j * (np.sin(w * t) - w * t))
        electronic2 = bath.homogeneous_sigma_mev**2 + inh_sigma**2
        log_response = -scale * (g_dl + g_lo) - 0.5 * electronic2 * t * t
    response = np.exp(log_response)
    response[:, 0] *= 0.5
    return np.real(np.fft.ifft(response, axis=1)) * m * dt


N_MATSUBARA = 64


def drude_lorentz_real(t: np.ndarray, kt_mev: float, gamma_mev: float) -> np.ndarray:
    """Re g_DL(t) / lambda of the Drude-Lorentz bath with the exact coth (Matsubara sum), t in 1/meV.

    The first N_MATSUBARA terms are summed exactly and the rest by their long-time form
    sum_k t/nu_k^2; a pole nu_k = gamma (cancelled by cot) is avoided by a 1e-6 shift of gamma.
    """
    beta = 1.0 / kt_mev
    nu = 2.0 * np.pi * kt_mev * np.arange(1, N_MATSUBARA + 1)
    close = np.abs(nu - gamma_mev) < 1e-6 * gamma_mev
    gamma = gamma_mev * (1.0 + 1e-6) if close.any() else gamma_mev
    relax = np.expm1(-gamma * t) + gamma * t
    denominator = nu * (nu * nu - gamma * gamma)
    linear = t * (nu / denominator).sum() - (1.0 / denominator).sum()
    exponential = np.zeros_like(t)
    early = t < 40.0 / nu[0]
    if early.any():
        exponential[early] = np.exp(-np.minimum(t[early][:, None] * nu, 40.0)) @ (1.0 / denominator)
    tail = t * beta * beta / (4.0 * np.pi * np.pi * N_MATSUBARA)
    matsubara = (4.0 * gamma / beta) * (linear + exponential) + 4.0 * gamma * kt_mev * tail
    return relax / (gamma * np.tan(0.5 * beta * gamma)) + matsubara


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

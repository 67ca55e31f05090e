"""Amplified spontaneous emission (ASE) of a pumped stripe, design v2.

References: [001] Zenatti & Kambhampati, "A Path towards Thresholdless Colloidal Quantum Dot
Lasers", Fig. 9 (ASE of 2/3/4-level schemes); [002] Geuchies et al., "Quantitative
electrochemical control over optical gain in quantum-dot solids" (g = -A ln10 / d);
[004] Diroll et al., "Large Two-Photon Cross Sections and Low-Threshold Multiphoton Lasing
of CdS/CdSe/CdS Quantum Shells" (two-photon pumped ASE, Table 2). See docs/references.md.

Units: energy meV, length cm, fluence mJ/cm^2, gain cm^-1, densities cm^-3. Photon numbers
are per pump pulse and per cm^2 of the *film's* cross-section of the guided mode: the mode
carries the photons, the film holds the excitations, so a photon made by stimulated
emission takes one excitation out of the same cross-section. Spectra are per meV.

Gain. OD_NL = P_N C lines splits into an absorptive (C > 0) and a stimulated-emission
(C < 0) part; in units of max OD_0 (``od0_peak``) the material gain is

    g(E; P) = g_em - g_abs = -n_QD sigma_A,peak OD_NL(E) / max OD_0,   n_QD = phi / V_dot,

the cross-section form of [002]'s g = -A ln10 / d (absorbance A of a film of thickness d);
the small-signal net modal gain is Gamma g - alpha. It is linear in the occupation
distribution P_N, so g(E; P) = P @ G_sector(E) for any (also depleted) distribution.

Spontaneous source (Einstein / Strickler-Berg). A dot's spontaneous emission spectrum is
8 pi n^2 E^2 / (h^3 c^2) times its stimulated-emission cross section, so per film volume

    A_sp(E) = beta tau_gain 8 pi n^2 E^2 g_em(E) / (h^3 c^2)        [photons / (cm^3 meV)]:

the photons emitted while the gain lasts (tau_gain = tau_XX, the biexciton Auger lifetime)
of which a fraction beta = ``GUIDED_FRACTION`` = 1e-2 enters the guided mode along the
stripe (n = ``FILM_INDEX`` = 1.8). For the defaults this is ~5e-5 of the excitations (4-7 %
for the long-lived 8.2 nm quantum shells; a slab never puts more photons into the mode than
it holds excitations: cap). The seed sets how far above the onset the output saturates,
not the onset.

Propagation with energy-conserving saturation (a Frantz-Nodvik picture for quantum dots).
The ASE pulse crosses the stripe within ps, before the excitations decay, so a slab can give
away its excitations to the light but no more. While the light u(E, z) crosses the slab at
z (pulse progress tau: 0 -> 1), its <N> falls from the pumped <N>_0 as

    dN/dtau = -D(N),   D(N) = Gamma int g(E; P(N)) u(E, z) dE / n_QD,

each stimulated photon taking one excitation; it stops where D = 0, the transparency of the
slab *for that light* (the full nonlinear gain curve of the ensemble, not a linearisation).
The light sees the pulse-averaged distribution P_bar = int_0^1 P(N(tau)) dtau, and

    du(E)/dz = [Gamma g(E; P_bar(z)) - alpha] u(E) + A_sp(E),    u(E, 0) = 0,

so a slab adds Gamma int g(E; P_bar) u dE = n_QD (N_0 - N_after) stimulated photons per unit
length: the saturation fluence n_QD (N_0 - N_after) / (Gamma g) follows from the excitation
density and the gain curve, no free scale. Numerics (vectorised over fluences and energies,
a short loop over z): ``_Slabs.pulse_average`` solves the slab equation exactly for D
piecewise linear on a grid of <N>; the z steps are exact exponential-integrator steps
with P_bar from the light predicted at mid-step, at most ``E_FOLDS_PER_STEP`` = 3 e-folds
of the current net gain (1 once slabs are being depleted) and at most L / ``MIN_STEPS``;
only the gain band (energies where some exciton-number sector has Gamma g > alpha) is
propagated, the rest never amplifies and is solved in closed form. A step whose
stimulated photons would exceed the slab's store is redone with its positive gain scaled
to fit, so these invariants hold exactly (to rounding), per cm^2 of film cross-section:

    stimulated photons (``stimulated_cm2``) <= ``extractable_cm2`` = [n_QD (<N>_0 - <N>_tr)
        - spontaneous photons] L,  <N>_tr = the smallest <N> with material gain anywhere
        (above 1e-3 n_QD sigma, ``transparency_n_avg``);
    output <= stimulated + spontaneous photons (``spontaneous_cm2``) <= pump-created
        excitations n_QD <N>_0 L (``excitations_cm2``).

Far above threshold each slab is emptied to about transparency, so the output grows like
n_QD (<N>_0 - <N>_tr): linearly in the absorbed pump (log-log slope -> 1 in J for one-photon,
-> 2 for two-photon pumping) and never falls; the spike stays narrow and near the gain
maximum (v1's tanh cap made the output flat or falling above 2 J_th, pushed the spike to the
band edge and re-broadened it). A stripe too short to reach the saturation fluence plateaus
instead once the gain itself saturates (every dot fully inverted).

Threshold. The spontaneous reference is the same stripe with the stimulated processes
(stimulated emission and absorption by the dots) switched off, leaving A_sp and the
waveguide loss: I_sp = int A_sp dE (1 - e^{-alpha L}) / alpha. Its slope carries the pump
law (1 one-photon, 2 two-photon, the falling Rabi slope of resonant pumping) and biexciton
spontaneous emission (above 1 under one-photon pumping). Keeping the dots' absorption in the
reference would not do: its bleaching alone makes the reabsorbed edge emission of the
quantum shells rise as J^5. J_th is the first fluence at which d ln I / d ln J exceeds
d ln I_sp / d ln J by ``SLOPE_MARGIN`` = 0.5 *and* the peak small-signal net modal gain is
positive, interpolated in ln J between grid points (the net-gain zero by root finding), so
it varies smoothly with the parameters. Where the output already rises that fast below
net gain (bleaching of the self-absorption), the net-gain zero sets J_th. Without positive
net modal gain there is no threshold ("no ASE: ...").
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy.optimize import brentq

from .constants import LIGHT_CM_S, NM3_TO_CM3, PLANCK_MEV_S
from .crossing import search_limit
from .ensemble import coefficients_for, lines_for, od0_peak
from .excitation import fluence_from_n_avg, n_avg_from_fluence
from .params import GainParams
from .results import ASECurve
from .statistics import occupation_probabilities

N_FLUENCES = 60
MAX_FLUENCES = 400
LOWEST_N_AVG = 0.01
HIGHEST_N_AVG = 8.0
E_FOLDS_PER_STEP = 3.0
E_FOLDS_SATURATED = 1.0
MIN_STEPS = 16
MAX_STEPS = 400
MAX_EXPONENT = 600.0
SLOPE_MARGIN = 0.5
FILM_INDEX = 1.8
GUIDED_FRACTION = 1e-2
TRANSPARENCY_TOLERANCE = 1e-3
N_TRANSPARENCY_GRID = 96
N_DEPLETION_GRID = 40
SATURATED_SHARE = 0.05
THRESHOLD_CRITERION = (
    f"first J with d ln I/d ln J > d ln I_sp/d ln J + {SLOPE_MARGIN:g} (I_sp: spontaneous emission into the "
    "stripe mode, stimulated processes off) where the peak net modal gain is > 0; interpolated in ln J"
)


def default_fluences(params: GainParams, n_points: int = N_FLUENCES) -> np.ndarray:
    """Log-spaced fluences (mJ/cm^2) spanning <N> = 0.01 .. min(search limit, 8)."""
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    top = min(limit, HIGHEST_N_AVG) * (0.999 if params.pump_mode == "resonant" else 1.0)
    low, high = fluence_from_n_avg(params, np.array([LOWEST_N_AVG, top]))
    return np.geomspace(low, high, n_points)


def dot_density_cm3(params: GainParams) -> float:
    """Number density of dots n_QD = volume fraction / dot volume (cm^-3)."""
    return params.volume_fraction / (params.dot_volume_nm3 * NM3_TO_CM3)


def gain_coefficient_cm(params: GainParams, od_relative: np.ndarray) -> np.ndarray:
    """Material gain g = -n_QD sigma_A,peak OD_NL/max OD_0 (cm^-1) for OD in units of max OD_0."""
    return -dot_density_cm3(params) * params.sigma_abs_peak_cm2 * np.asarray(od_relative)


def spontaneous_coefficient(params: GainParams, energy_mev: np.ndarray) -> np.ndarray:
    """A_sp(E) / g_em(E) = beta tau_gain 8 pi n^2 E^2 / (h^3 c^2) in photons / (cm^2 meV) (module docstring)."""
    energy = np.asarray(energy_mev, dtype=float)
    rate = 8.0 * math.pi * FILM_INDEX**2 * energy**2 / (PLANCK_MEV_S**3 * LIGHT_CM_S**2)
    return GUIDED_FRACTION * params.tau_xx_ps * 1e-12 * rate


def _validated_fluences(params: GainParams, fluences_mj_cm2: np.ndarray | None) -> np.ndarray:
    fluence = default_fluences(params) if fluences_mj_cm2 is None else np.asarray(fluences_mj_cm2, dtype=float).ravel()
    if fluence.size == 0 or fluence.size > MAX_FLUENCES or not np.all(np.isfinite(fluence)) or np.any(fluence <= 0):
        raise ValueError(f"fluences_mj_cm2: need 1 to {MAX_FLUENCES} finite positive values, got {fluence.size}")
    return np.unique(fluence)


@dataclasses.dataclass(frozen=True)
class _Film:
    """Material gain per exciton-number sector (cm^-1): g(E; P) = P @ (emission - absorption)."""

    energy: np.ndarray
    de: float
    emission: np.ndarray
    gain: np.ndarray
    n_max: int
    pump_mode: str
    sites: int

    def probabilities(self, n_avg: np.ndarray) -> np.ndarray:
        return occupation_probabilities(np.asarray(n_avg, dtype=float), self.pump_mode, self.sites, self.n_max)


def _film(params: GainParams) -> _Film:
    energy, lines, _ = lines_for(params)
    coeff = coefficients_for(params)
    unit = dot_density_cm3(params) * params.sigma_abs_peak_cm2 / od0_peak(params)
    emission = unit * (np.clip(-coeff, 0.0, None) @ lines)
    absorption = unit * (np.clip(coeff, 0.0, None) @ lines)
    return _Film(energy, float(energy[1] - energy[0]), emission, emission - absorption,
                 coeff.shape[0] - 1, params.pump_mode, params.pump_sites)


def _transparency(film: _Film, n_top: float, tolerance: float) -> float:
    """<N>_tr: the smallest <N> at which the material gain exceeds ``tolerance`` somewhere; inf if none <= n_top."""
    grid = np.concatenate([[0.0], np.geomspace(1e-4 * n_top, n_top, N_TRANSPARENCY_GRID)])
    excess = (film.probabilities(grid) @ film.gain).max(axis=1) - tolerance
    if not (excess >= 0.0).any():
        return math.inf
    k = int(np.argmax(excess >= 0.0))
    if k == 0:
        return 0.0
    return float(brentq(lambda n: float((film.probabilities(np.array([n])) @ film.gain).max()) - tolerance,
                        grid[k - 1], grid[k], xtol=1e-12, rtol=1e-10))


@dataclasses.dataclass(frozen=True)
class _Slabs:
    """The depletion paths of the slabs of each (inverted) fluence row.

    ``n`` (rows, Q) is a grid of <N> running *down* from N_0 (index 0) to 0, ``probs``
    (rows, Q, K) the occupation distributions P(N) on it, ``width`` = n[:, :-1] - n[:, 1:].
    """

    n: np.ndarray
    probs: np.ndarray
    width: np.ndarray

    def pulse_average(self, drive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(P_bar, N_after) of slabs crossed by a pulse with ``drive`` (rows, K).

        While the pulse passes (tau: 0 -> 1) a slab's <N> falls as dN/dtau = -D(N),
        D = P(N) . drive (its stimulated photons per dot); it stops where D reaches 0, the
        transparency for this light. With D linear in N on each grid segment (upper end u,
        lower end l, x = 1 - D_l/D_u) the segment takes tau = (w/D_u) S(x), S = -ln(1-x)/x,
        and, P being linear in N too, it adds (w/D_u) [(S - G) P_u + G P_l] to int P dtau,
        G = (S - 1)/x; the segment where tau reaches 1 is cut at N_after exactly.
        """
        n, probs, width = self.n, self.probs, self.width
        rows = np.arange(n.shape[0])
        d = np.matmul(probs, drive[:, :, None])[:, :, 0]
        d_u, d_l = d[:, :-1], d[:, 1:]
        through = (d_l > 0.0) & (d_u > 0.0)
        x = 1.0 - np.divide(d_l, d_u, out=np.ones_like(d_l), where=through)
        small = np.abs(x) < 1e-4
        big = np.where(small, 0.5, x)
        shape = np.where(small, 1.0 + x * (0.5 + x / 3.0), -np.log1p(-big) / big)
        share = np.where(small, 0.5 + x * (1.0 / 3.0 + 0.25 * x), (shape - 1.0) / big)
        scale = np.divide(width, d_u, out=np.full_like(d_u, np.inf), where=through)
        tau = scale * shape
        cumulative = np.cumsum(tau, axis=1)
        m = np.minimum((cumulative < 1.0).sum(axis=1), tau.shape[1] - 1)
        spent = np.where(m > 0, cumulative[rows, np.maximum(m - 1, 0)], 0.0)
        left = np.clip(1.0 - spent, 0.0, None)
        # the cut segment m: D falls linearly from D_u at rate s = (D_u - D_l)/w per unit drop of N
        du, w = d_u[rows, m], width[rows, m]
        s = (du - d_l[rows, m]) / w
        sl = s * left
        tiny = np.abs(sl) < 1e-6
        drop = np.minimum(np.where(tiny, du * left * (1.0 - 0.5 * sl), du * -np.expm1(-sl) / np.where(tiny, 1.0, s)), w)
        time_m = np.minimum(left, tau[rows, m])
        below_m = np.where(tiny, 0.5 * drop * time_m, (du * time_m - drop) / np.where(tiny, 1.0, s))
        lower_m = below_m / w
        full = np.arange(tau.shape[1])[None, :] < m[:, None]
        lower = np.where(full, scale * share, 0.0)
        upper = np.where(full, tau, 0.0) - lower
        weights = np.zeros_like(d)
        weights[:, :-1] = upper
        weights[:, 1:] += lower
        weights[rows, m] += time_m - lower_m
        weights[rows, m + 1] += lower_m
        weights[:, -1] += np.clip(1.0 - spent - time_m, 0.0, None)
        mean = np.matmul(weights[:, None, :], probs)[:, 0]
        fresh = d[:, 0] <= 0.0
        return np.where(fresh[:, None], probs[:, 0], mean), np.where(fresh, n[:, 0], n[rows, m] - drop)


def _slabs(film: _Film, n_avg: np.ndarray) -> _Slabs:
    half = N_DEPLETION_GRID // 2
    t = np.concatenate([[1.0], 1.0 - np.geomspace(1e-3, 0.5, half), np.geomspace(0.5, 1e-3, half)[1:], [0.0]])
    n = n_avg[:, None] * t[None, :]
    return _Slabs(n, film.probabilities(n), n[:, :-1] - n[:, 1:])


def _step(u: np.ndarray, rate: np.ndarray, source: np.ndarray, h: float):
    """Exact step of du/dz = rate u + source over h: (u(h), int_0^h u dz)."""
    gh = np.minimum(rate * h, MAX_EXPONENT)
    growth = np.exp(gh)
    small = np.abs(gh) < 1e-3
    safe = np.where(small, 1.0, gh)
    phi = np.where(small, 1.0 + gh * (0.5 + gh / 6.0), (growth - 1.0) / safe)
    psi = np.where(small, 0.5 + gh * (1.0 / 6.0 + gh / 24.0), (phi - 1.0) / safe)
    phi *= h
    return u * growth + source * phi, u * phi + source * (psi * (h * h))


def _propagate(params: GainParams, gain_w: np.ndarray, slabs: _Slabs, probs0: np.ndarray, store: np.ndarray,
               source: np.ndarray, de: float, n_qd: float):
    """Saturated stripe of the inverted rows on the gain band; (u(L), stimulated photons, N of the last slab, steps).

    Each step: the fluence at mid-step is predicted with the previous step's gain (the
    source only to first order: it matters only while the light is far too weak to deplete
    anything), the slab is depleted by it (``_Slabs.pulse_average``), the step is taken
    exactly with the pulse-averaged gain, and its stimulated photons are capped at the
    slab's store. The
    step is at most ``E_FOLDS_PER_STEP`` e-folds of the largest current net gain, and
    ``E_FOLDS_SATURATED`` for rows whose slabs lose more than ``SATURATED_SHARE`` of their
    <N> (so a slab stays thin against the light crossing it), and at most L / ``MIN_STEPS``.
    """
    gamma, alpha, length = params.confinement_factor, params.loss_cm, params.stripe_length_cm
    u = np.zeros_like(source)
    stimulated = np.zeros(source.shape[0])
    rate = gamma * (probs0 @ gain_w) - alpha
    fastest = rate.max(axis=1)
    drive_unit = gamma * de / n_qd
    gain_t = np.ascontiguousarray(gain_w.T)
    n_after = slabs.n[:, 0]
    z, steps = 0.0, 0
    while z < length * (1.0 - 1e-12) and steps < MAX_STEPS:
        folds = np.where(n_after < slabs.n[:, 0] * (1.0 - SATURATED_SHARE), E_FOLDS_SATURATED, E_FOLDS_PER_STEP)
        h = min(length - z, length / MIN_STEPS, float((folds / np.maximum(fastest, 1e-300)).min()))
        if steps == MAX_STEPS - 1:
            h = length - z
        middle = u * np.exp(np.minimum(0.5 * h * rate, MAX_EXPONENT)) + (0.5 * h) * source
        probs, n_after = slabs.pulse_average(drive_unit * (middle @ gain_t))
        gain = gamma * (probs @ gain_w)
        rate = gain - alpha
        fastest = rate.max(axis=1)
        u_new, integral = _step(u, rate, source, h)
        stim = np.maximum(gain, 0.0)
        photons = np.einsum("ij,ij->i", stim, integral) * de
        cap = np.maximum(store, 0.0) * h
        over = np.flatnonzero(photons > cap)
        if over.size:
            keep = (cap[over] / photons[over])[:, None] * stim[over]
            rate[over] += keep - stim[over]
            u_new[over], integral_over = _step(u[over], rate[over], source[over], h)
            photons[over] = np.einsum("ij,ij->i", keep, integral_over) * de
        stimulated += photons
        u = u_new
        z += h
        steps += 1
    return u, stimulated, n_after, steps


def ase_curve(params: GainParams, fluences_mj_cm2: np.ndarray | None = None) -> ASECurve:
    """Stripe ASE output, spectra and threshold versus pump fluence (mJ/cm^2); see the module docstring."""
    fluence = _validated_fluences(params, fluences_mj_cm2)
    film = _film(params)
    energy, de = film.energy, film.de
    n_avg = n_avg_from_fluence(params, fluence)
    n_qd = dot_density_cm3(params)
    gamma, alpha, length = params.confinement_factor, params.loss_cm, params.stripe_length_cm
    probs = film.probabilities(n_avg)
    g0 = probs @ film.gain
    net = gamma * g0 - alpha
    peak = np.argmax(net, axis=1)
    rows = np.arange(fluence.size)
    peak_net = net[rows, peak]

    source = (probs @ film.emission) * spontaneous_coefficient(params, energy)[None, :]
    emitted = source.sum(axis=1) * de
    cap = np.minimum(1.0, n_qd * n_avg / np.maximum(emitted, 1e-300))
    source *= cap[:, None]
    emitted *= cap

    tolerance = TRANSPARENCY_TOLERANCE * n_qd * params.sigma_abs_peak_cm2
    n_tr = _transparency(film, float(n_avg.max()), tolerance)
    store = np.where(n_avg > n_tr, n_qd * (n_avg - min(n_tr, n_avg.max())) - emitted, 0.0)
    band = np.flatnonzero(gamma * film.gain.max(axis=0) - alpha > 0.0)
    inverted = np.flatnonzero((store > 0.0) & (peak_net > 0.0)) if band.size else np.array([], dtype=int)

    spectra, _ = _step(np.zeros_like(g0), np.minimum(net, 0.0), source, length)
    stimulated = np.zeros(fluence.size)
    remaining = n_avg.copy()
    if inverted.size:
        u, stimulated[inverted], remaining[inverted], _ = _propagate(
            params, film.gain[:, band], _slabs(film, n_avg[inverted]), probs[inverted], store[inverted],
            source[np.ix_(inverted, band)], de, n_qd)
        spectra[np.ix_(inverted, band)] = u
    output = spectra.sum(axis=1) * de

    loss_length = alpha * length
    path = -math.expm1(-loss_length) / alpha if loss_length > 1e-12 else length
    spontaneous = emitted * path
    slope = _log_slope(fluence, output)
    spontaneous_slope = _log_slope(fluence, spontaneous)
    threshold, reason = _threshold(params, film, fluence, slope, spontaneous_slope, peak_net)
    threshold_n = None if threshold is None else float(n_avg_from_fluence(params, np.array([threshold]))[0])
    spike, width = _spike(energy, spectra)
    return ASECurve(
        fluence_mj_cm2=fluence,
        n_avg=n_avg,
        energy_mev=energy,
        spectra=spectra,
        output_integrated=output,
        peak_net_gain_cm=peak_net,
        spike_energy_mev=spike,
        spike_fwhm_mev=width,
        log_slope=slope,
        threshold_mj_cm2=threshold,
        threshold_n_avg=threshold_n,
        threshold_reason=reason,
        spontaneous_output=spontaneous,
        spontaneous_slope=spontaneous_slope,
        threshold_criterion=THRESHOLD_CRITERION,
        net_gain_peak_mev=energy[peak],
        transparency_n_avg=n_tr,
        excitations_cm2=n_qd * n_avg * length,
        extractable_cm2=np.maximum(store, 0.0) * length,
        stimulated_cm2=stimulated,
        spontaneous_cm2=emitted * length,
        exit_n_avg=remaining,
    )


def _log_slope(fluence: np.ndarray, output: np.ndarray) -> np.ndarray:
    """d ln I / d ln J on the (possibly non-uniform) fluence grid."""
    if fluence.size < 3:
        return np.full(fluence.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.gradient(np.log(np.clip(output, 1e-300, None)), np.log(fluence))


def _threshold(
    params: GainParams, film: _Film, fluence, slope, spontaneous_slope, peak_net
) -> tuple[float | None, str]:
    """ASE onset fluence (module docstring) or (None, reason)."""
    range_text = f"{fluence[0]:.3g}-{fluence[-1]:.3g} mJ/cm^2"
    if not np.any(peak_net > 0.0):
        return None, (
            f"no ASE: the peak net modal gain Gamma g - alpha stays <= 0 in {range_text} "
            f"(at most {peak_net.max():.3g} cm^-1 against the loss alpha = {params.loss_cm:g} cm^-1)"
        )
    if fluence.size < 3:
        return None, "need at least 3 fluences to locate the ASE onset"
    excess = slope - spontaneous_slope - SLOPE_MARGIN
    onset = (excess > 0.0) & (peak_net > 0.0)
    if not onset.any():
        return None, (
            f"no ASE onset: where the net modal gain is positive (up to {peak_net.max():.3g} cm^-1) the output "
            f"never outgrows the spontaneous emission by J^{SLOPE_MARGIN:g} in {range_text}"
        )
    k = int(np.argmax(onset))
    if k == 0:
        return None, f"ASE already at the lowest fluence {fluence[0]:.3g} mJ/cm^2; extend the range downwards"
    log_j = np.log(fluence)
    candidates = [log_j[k - 1]]
    if excess[k - 1] <= 0.0:
        t = excess[k - 1] / (excess[k - 1] - excess[k])
        candidates.append(log_j[k - 1] + t * (log_j[k] - log_j[k - 1]))
    if peak_net[k - 1] <= 0.0:
        def net_gain(log_fluence: float) -> float:
            n = n_avg_from_fluence(params, np.array([math.exp(log_fluence)]))
            return float((params.confinement_factor * (film.probabilities(n) @ film.gain)).max()) - params.loss_cm

        root = brentq(net_gain, log_j[k - 1], log_j[k], xtol=1e-10)
        candidates.append(min(root + 1e-8, log_j[k]))
    return float(np.exp(max(candidates))), ""


def _spike(energy: np.ndarray, spectra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Peak energy (parabolic vertex) and full width at half maximum of the peak's lobe (meV)."""
    n_e = energy.size
    de = energy[1] - energy[0]
    rows = np.arange(spectra.shape[0])
    j = np.clip(np.argmax(spectra, axis=1), 1, n_e - 2)
    left, mid, right = spectra[rows, j - 1], spectra[rows, j], spectra[rows, j + 1]
    curvature = left - 2.0 * mid + right
    shift = np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1.0), 0.0)
    peak_energy = energy[j] + np.clip(shift, -0.5, 0.5) * de
    half = 0.5 * spectra.max(axis=1)
    index = np.arange(n_e)[None, :]
    below = spectra < half[:, None]
    lo = np.where(below & (index < j[:, None]), index, -1).max(axis=1)
    hi = np.where(below & (index > j[:, None]), index, n_e).min(axis=1)

    def crossing(a: np.ndarray) -> np.ndarray:
        ya, yb = spectra[rows, a], spectra[rows, a + 1]
        t = (half - ya) / np.where(yb != ya, yb - ya, 1.0)
        return energy[a] + np.clip(t, 0.0, 1.0) * de

    e_lo = np.where(lo >= 0, crossing(np.clip(lo, 0, n_e - 2)), energy[0])
    e_hi = np.where(hi < n_e, crossing(np.clip(hi - 1, 0, n_e - 2)), energy[-1])
    return peak_energy, np.where(half > 0, e_hi - e_lo, 0.0)


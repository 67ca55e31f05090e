"""Auger-cascade gain dynamics ([002] section S1.5, eqs. S18-S22, Fig. 5c).

Dots with N excitons and n injected electrons decay N -> N-1 at
k(N, n) = (k_XX / 8) (N + n) N (max(N + n - 1, 0) + max(N - 1, 0)) (eq. S22), so
tau_XX = 310 ps gives tau_XXX = 310/4.5 = 68.9 ps. The single exciton does not decay on
this time scale (k(1, 0) = 0, as in [002]). Each n is a linear pure-death chain
dF/dt = K F; it is solved exactly with the matrix-exponential propagator
exp(K dt) on a uniform time grid (no time-stepping error; populations conserved because
every column of K sums to zero). The band-integrated excited-state absorption A*(t) uses
the ``band`` functional of docs/model.md (section 5) applied to each (N, n) sector.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import block_diag, expm

from .ensemble import DOPING_LEVELS, coefficients_for, fractions_for, ground_coefficients, lines_for
from .observables import method_functionals
from .params import GainParams
from .results import GainDynamics
from .statistics import occupation_probabilities

DEFAULT_TIME_PS = np.linspace(0.0, 2500.0, 401)
DEFAULT_N_X = np.linspace(0.2, 8.0, 40)
MAX_TIME_POINTS = 4001
MAX_N_X_POINTS = 200
MAX_EXCITONS = 60
MAX_N_X = 20.0
GAIN_DETECTION_FLOOR = 0.01


def auger_rate(n_excitons, n_doped, tau_xx_ps: float):
    """Auger decay rate k(N, n) (1/ps) of a dot with N excitons and n extra electrons (eq. S22)."""
    n_exc = np.asarray(n_excitons)
    electrons = n_exc + np.asarray(n_doped)
    channels = electrons * n_exc * (np.maximum(electrons - 1, 0) + np.maximum(n_exc - 1, 0))
    return channels / (8.0 * tau_xx_ps)


def cascade_generator(n_doped: int, n_max: int, tau_xx_ps: float) -> np.ndarray:
    """Rate matrix K (1/ps) of the pure-death chain N -> N-1 for fixed n (eq. S19)."""
    rates = auger_rate(np.arange(n_max + 1), n_doped, tau_xx_ps)
    generator = np.diag(-rates)
    generator[np.arange(n_max), np.arange(1, n_max + 1)] = rates[1:]
    return generator


def propagate(initial: np.ndarray, generator: np.ndarray, time_ps: np.ndarray) -> np.ndarray:
    """Populations F(t) = exp(K t) F(0) at the times of a uniform grid starting at 0.

    ``initial`` (N+1, ...) initial distributions (or, with K^T, an observable); returns
    (T, N+1, ...).
    """
    out = np.empty((time_ps.size, *initial.shape))
    out[0] = initial
    if time_ps.size > 1:
        step = expm(generator * (time_ps[1] - time_ps[0]))
        for i in range(1, time_ps.size):
            out[i] = step @ out[i - 1]
    return out


def observable_history(observable: np.ndarray, generator: np.ndarray, time_ps: np.ndarray) -> np.ndarray:
    """r(t) = exp(K^T t) o on a uniform grid, so that <o>(t) = r(t) . F(0) for any F(0).

    Propagating the observable (one vector) instead of every initial distribution makes
    A*(t) for all <N_X> one matrix product; returns (T, N+1).
    """
    return propagate(observable, generator.T, time_ps)


def _checked_time(time_ps: np.ndarray | None) -> np.ndarray:
    time_ps = DEFAULT_TIME_PS if time_ps is None else np.asarray(time_ps, dtype=float).ravel()
    if not 2 <= time_ps.size <= MAX_TIME_POINTS or not np.all(np.isfinite(time_ps)):
        raise ValueError(f"time_ps: need 2 to {MAX_TIME_POINTS} finite times, got {time_ps.size}")
    steps = np.diff(time_ps)
    if time_ps[0] != 0.0 or np.any(steps <= 0) or not np.allclose(steps, steps[0], rtol=1e-6):
        raise ValueError("time_ps: must be a uniform, increasing grid starting at 0 ps")
    return time_ps


def _single_level(level: int) -> tuple[float, float, float]:
    """Doping fractions (f0, f1, f2) of a film whose dots all hold ``level`` electrons."""
    f0, f1, f2 = (float(level == o) for o in DOPING_LEVELS)
    return f0, f1, f2


def _gain_lifetime(time_ps: np.ndarray, a_star: np.ndarray) -> np.ndarray:
    """Time (ps) from t = 0 during which net gain exceeds the detection floor; capped at the window.

    Project choice: gain counts while A* < -GAIN_DETECTION_FLOOR (1 % of the band-integrated
    linear absorption). At <n_1S(e)> = 2, A* only approaches zero from below as the
    excitons decay, so a strict A* < 0 would give an infinite lifetime; [002] reads its
    ~1 ns from data with a finite noise floor.
    """
    a_star = a_star + GAIN_DETECTION_FLOOR
    negative = a_star < 0.0
    ends = np.argmin(negative, axis=-1)
    always = negative.all(axis=-1)
    lifetime = np.zeros(a_star.shape[:-1])
    crossing = negative[..., 0] & ~always
    j = np.where(crossing, ends, 1)
    a0 = np.take_along_axis(a_star, (j - 1)[..., None], -1)[..., 0]
    a1 = np.take_along_axis(a_star, j[..., None], -1)[..., 0]
    t0, t1 = time_ps[j - 1], time_ps[j]
    interpolated = t0 + (t1 - t0) * (-a0) / np.where(a1 - a0 != 0, a1 - a0, 1.0)
    lifetime = np.where(crossing, interpolated, lifetime)
    return np.where(always, time_ps[-1], lifetime)


def gain_dynamics(
    params: GainParams,
    n_x_values: np.ndarray | None = None,
    time_ps: np.ndarray | None = None,
) -> GainDynamics:
    """A*(t) and gain lifetime vs <N_X> for n = 0, 1, 2 and at the operating point ([002] Fig. 5c)."""
    time_ps = _checked_time(time_ps)
    n_x = DEFAULT_N_X if n_x_values is None else np.asarray(n_x_values, dtype=float).ravel()
    if not 1 <= n_x.size <= MAX_N_X_POINTS or not np.all(np.isfinite(n_x)) or np.any(n_x < 0) or np.any(n_x > MAX_N_X):
        raise ValueError(f"n_x_values: need 1 to {MAX_N_X_POINTS} values in [0, {MAX_N_X:g}] excitons/dot")
    x_all = np.append(n_x, params.n_avg)
    top = float(x_all.max())
    n_max = int(min(MAX_EXCITONS, np.ceil(top + 8.0 * np.sqrt(top) + 8.0)))
    energy, lines, geometry = lines_for(params)
    band = method_functionals(params, "band", energy, lines, geometry.emission_mev)
    reference = float(ground_coefficients(params) @ band)
    initial = occupation_probabilities(x_all, params.pump_mode, params.pump_sites, n_max).T
    sectors = [
        coefficients_for(params, _single_level(level), n_max=n_max) @ band / reference
        for level in DOPING_LEVELS
    ]
    generator = block_diag(*(cascade_generator(level, n_max, params.tau_xx_ps) for level in DOPING_LEVELS))
    history = observable_history(np.concatenate(sectors), generator, time_ps).reshape(
        time_ps.size, len(DOPING_LEVELS), n_max + 1
    )
    a_star = np.einsum("tln,nm->lmt", history, initial)
    operating = np.tensordot(np.array(fractions_for(params)), a_star[:, -1], axes=1)
    lifetimes = _gain_lifetime(time_ps, a_star[:, :-1])
    rates = {
        "XX": auger_rate(2, 0, params.tau_xx_ps),
        "XXX": auger_rate(3, 0, params.tau_xx_ps),
        "X- (trion)": auger_rate(1, 1, params.tau_xx_ps),
        "X2- (n=2)": auger_rate(1, 2, params.tau_xx_ps),
    }
    return GainDynamics(
        time_ps=time_ps,
        n_x_values=n_x,
        doping_levels=DOPING_LEVELS,
        a_star=a_star[:, :-1],
        gain_lifetime_ps=lifetimes,
        operating_a_star=operating,
        operating_gain_lifetime_ps=float(_gain_lifetime(time_ps, operating[None])[0]),
        tau_multiexciton_ps={name: float(1.0 / rate) for name, rate in rates.items()},
    )

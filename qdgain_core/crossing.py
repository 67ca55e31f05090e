"""Root finding for thresholds: the smallest <N> where a gain criterion W(<N>) reaches zero.

The gain criterion of every method is a function W(<N>) that is positive without gain;
the threshold is the first <N> in [0, search limit] with W <= 0. W is sampled on a
uniform coarse grid for all problems at once, the first sign change is bracketed and
refined by bisection (all brackets in parallel; a single problem uses Brent's method). W(0) <= 0 (e.g. <n_1S(e)> = 2 in
[002]) is a zero threshold.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq

from .statistics import occupation_probabilities

N_COARSE = 161
N_BISECTION = 24
BRENT_XTOL = 1e-8
ZERO_TOLERANCE = 1e-12


def first_crossing(
    criterion: Callable[[np.ndarray], np.ndarray],
    batch_shape: tuple[int, ...],
    search_max: float,
    n_coarse: int = N_COARSE,
) -> np.ndarray:
    """Smallest x in [0, search_max] with criterion(x) <= 0, per problem; inf if none.

    ``criterion`` is called with either the shared coarse grid, shape (K,), or one value
    per problem, shape (*batch_shape, 1), and returns W of shape (*batch_shape, K).
    """
    grid = np.linspace(0.0, search_max, n_coarse)
    values = np.broadcast_to(criterion(grid), (*batch_shape, n_coarse))
    if np.isnan(values).any():
        raise ValueError("threshold search: the gain criterion is NaN for these parameters")
    negative = values <= ZERO_TOLERANCE
    found = negative.any(axis=-1)
    first = np.argmax(negative, axis=-1)
    result = np.full(batch_shape, np.inf)
    result[found & (first == 0)] = 0.0
    refine = found & (first > 0)
    if batch_shape == () and refine:
        lo, hi = grid[first - 1], grid[first]
        return np.asarray(brentq(lambda x: criterion(np.array([x]))[0] - ZERO_TOLERANCE, lo, hi, xtol=BRENT_XTOL))
    if refine.any():
        lo = np.where(refine, grid[np.maximum(first - 1, 0)], 0.0)
        hi = np.where(refine, grid[first], 0.0)
        for _ in range(N_BISECTION):
            mid = 0.5 * (lo + hi)
            below = criterion(mid[..., None])[..., 0] <= ZERO_TOLERANCE
            hi = np.where(below, mid, hi)
            lo = np.where(below, lo, mid)
        result[refine] = hi[refine]
    return result


@functools.lru_cache(maxsize=64)
def _grid_probabilities(grid_bytes: bytes, pump_mode: str, sites: int, n_max: int) -> np.ndarray:
    """Occupation probabilities on a coarse grid (read-only, cached: every method reuses it)."""
    probs = occupation_probabilities(np.frombuffer(grid_bytes), pump_mode, sites, n_max)
    probs.flags.writeable = False
    return probs


def probabilities_at(x: np.ndarray, pump_mode: str, sites: int, n_max: int) -> np.ndarray:
    """P_N at the x a criterion receives; the shared coarse grid (1-D, several points) is cached."""
    if x.ndim == 1 and x.size > 1:
        return _grid_probabilities(np.ascontiguousarray(x, dtype=float).tobytes(), pump_mode, sites, n_max)
    return occupation_probabilities(x, pump_mode, sites, n_max)


def linear_criterion(weights: np.ndarray, pump_mode: str, sites: int) -> Callable[[np.ndarray], np.ndarray]:
    """W(x) = sum_N P_N(x) w_N for functionals linear in OD_NL (window, band, total, probe).

    ``weights`` has shape (*batch, N + 1): the functional applied to each exciton-number
    sector of OD_NL.
    """
    n_max = weights.shape[-1] - 1

    def criterion(x: np.ndarray) -> np.ndarray:
        probs = probabilities_at(x, pump_mode, sites, n_max)
        if x.ndim == 1:
            return weights @ probs.T
        return np.einsum("...kn,...n->...k", probs, weights)

    return criterion


def search_limit(pump_mode: str, sites: int, n_search_max: float) -> tuple[float, str]:
    """Search limit for <N> and the reason reported when no gain is found below it."""
    if pump_mode == "resonant" and sites < n_search_max:
        return float(sites), f"resonant pumping saturates at <N> = {sites} (every band-edge site excited)"
    return float(n_search_max), f"no net gain up to the search limit <N> = {n_search_max:g}"

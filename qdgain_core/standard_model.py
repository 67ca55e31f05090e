"""The Standard-Model reference: a two-level, Auger-limited picture ([000] Fig. 4c inset; [001] section 1).

Counting with no Stokes shift (in the parameter set's counting scheme and pump statistics)
gives <N_th> = 1.54 for g_e = 2, g_h = 4 under Poisson pumping (1.0 for two sites under Rabi
pumping) for every size; the Standard Model makes the threshold size dependent only through Auger decay,
tau_XX proportional to the dot volume ("1/V scaling"). Here that is made concrete with
the exact Auger cascade of ``dynamics``: the threshold is the <N> at which the counting
(spectrum-free) band absorption is zero at a probe delay, with tau_XX scaled by
(d / d_ref)^3 from the operating point's dot volume.
"""

from __future__ import annotations

import numpy as np

from .crossing import first_crossing, search_limit
from .dynamics import cascade_generator, propagate
from .ensemble import COUNTING_RULES, counting_spec
from .params import GainParams
from .results import StandardModel
from .statistics import occupation_probabilities

DEFAULT_DIAMETERS_NM = np.linspace(2.0, 8.0, 25)
DEFAULT_PROBE_DELAY_PS = 10.0
SM_N_MAX = 40


def reference_diameter_nm(params: GainParams) -> float:
    """Diameter (nm) of a sphere with the operating point's dot volume."""
    return float((6.0 * params.dot_volume_nm3 / np.pi) ** (1.0 / 3.0))


def standard_model(
    params: GainParams,
    diameters_nm: np.ndarray | None = None,
    probe_delay_ps: float = DEFAULT_PROBE_DELAY_PS,
) -> StandardModel:
    """Standard-Model <N_th> versus dot diameter (nm) at ``probe_delay_ps`` after the pump."""
    diameters = DEFAULT_DIAMETERS_NM if diameters_nm is None else np.asarray(diameters_nm, dtype=float).ravel()
    if diameters.size == 0 or diameters.size > 200 or np.any(~np.isfinite(diameters)) or np.any(diameters <= 0):
        raise ValueError("diameters_nm: need 1 to 200 positive diameters")
    if not (0.0 <= probe_delay_ps <= 1e5):
        raise ValueError(f"probe_delay_ps: {probe_delay_ps!r} is outside [0, 1e5] ps")
    n_exc = np.arange(SM_N_MAX + 1)
    spec = counting_spec(params)
    up, down = COUNTING_RULES[spec.scheme](spec, n_exc, 0)
    sector = (up - down) / spec.normalization
    tau = params.tau_xx_ps * (diameters / reference_diameter_nm(params)) ** 3
    times = np.array([0.0, probe_delay_ps])
    steps = [propagate(np.eye(SM_N_MAX + 1), cascade_generator(0, SM_N_MAX, t), times)[-1] for t in tau]
    after_delay = np.stack([step.T @ sector for step in steps])

    def probabilities(x: np.ndarray) -> np.ndarray:
        return occupation_probabilities(x, params.pump_mode, params.pump_sites, SM_N_MAX)

    def criterion(x: np.ndarray) -> np.ndarray:
        probs = probabilities(x)
        return after_delay @ probs.T if x.ndim == 1 else np.einsum("dkn,dn->dk", probs, after_delay)

    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    n_th = first_crossing(criterion, (diameters.size,), limit)
    counting = first_crossing(lambda x: probabilities(x) @ sector, (), limit)
    return StandardModel(diameters, tau, n_th, float(counting), float(probe_delay_ps))

"""What the browser needs to draw the energy-level picture while a slider is dragged (assets/levels.js).

The picture (``components/page/level_picture.py``) follows the six main sliders without a
server round trip, so the browser evaluates the level scheme itself from a small payload that
depends only on the committed advanced parameters (``level_data``, refreshed on each commit):

* ``lattice``: the constants of ``qdgain_core.lineshapes.solve_lattice``, so that the browser
  splits the Stokes shift Δ_SS = Δ_FS + 2λ for any (Δ_SS, η) exactly as the core does
  ([000] Eqs. 3-7; docs/model.md, level schemes): the fixed reorganization λ_LO + λ_h, the bath
  variance per unit λ_DL (2kT), the Simple Model's line width s_w, and ρ = (ξ - 1)² with λ_h for
  the biexciton's λ_XX. The split is a closed-form quadratic, so no table is needed for it.
* ``coefficients``: the ensemble's coefficient table C[n][N] ([002] eqs. S1-S6 counting, the
  partners of docs/model.md) summed over the lines of each process of ``PROCESSES``, for
  n = 0, 1, 2 extra electrons and N = 0..n_max excitons, divided by the summed coefficients of
  an empty dot. With the pump's P_N(⟨N⟩) (Poisson, or binomial for resonant pumping) and the
  doping fractions f_n(⟨n_1S(e)⟩) the weight of a process is Σ_n f_n Σ_N P_N C[n][N]: the area
  of that part of the spectra figure in units of the area of the linear absorption OD_0 (every
  line is area-normalised). It is 1 for absorption of unexcited, undoped dots and falls to 0
  when they are bleached. The grouped sums do not depend on Δ_FS (the thermal split between
  X_A and X_E moves weight within a group only), so they stay valid while η and Δ_SS are dragged.
* ``doping``: f_n on the ⟨n_1S(e)⟩ slider's grid ([002] eqs. S9-S16, disorder included),
  interpolated linearly in between (exact at every slider position).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from components import fields
from components.figures.common import COLORS
from components.ids import ID
from qdgain_core import GainParams
from qdgain_core import ensemble as core
from qdgain_core.constants import PLANCK_MEV_NM
from qdgain_core.statistics import doping_fractions


@dataclass(frozen=True)
class Process:
    """One arrow of the picture: the lines it sums (the matching part of the spectra figure) and its look."""

    name: str
    label: str
    lines: tuple[int, ...]
    color: str
    emission: bool


PROCESSES: tuple[Process, ...] = (
    Process("absorption", "absorption G → X_A",
            (core.LINE_A, core.LINE_A_E, core.LINE_TRION_A, core.LINE_HIGH_A), COLORS["ground"], False),
    Process("se", "stimulated emission X_E → G", core.EXCITON_EMISSION, COLORS["se"], True),
    Process("esa", "ESA X → XX", core.EXCITED_ABSORPTION, COLORS["esa"], False),
    Process("xx", "XX emission XX → X", (core.LINE_XX, core.LINE_TRION_SE, core.LINE_HIGH_SE), COLORS["xx"], True),
)
_counted = sorted(line for process in PROCESSES for line in process.lines)
if _counted != list(range(core.N_LINES)):  # every line of the engine belongs to exactly one arrow
    raise RuntimeError(f"PROCESSES must group every line once; they group {_counted}")

DOPING_STEP = fields.slider_scale("n_doped").step
DOPED_ONLY: tuple[tuple[float, float, float], ...] = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
assert len(DOPED_ONLY) == len(core.DOPING_LEVELS), "one unit fraction vector per doping level"


def lattice_constants(params: GainParams) -> dict[str, Any]:
    """The constants of ``solve_lattice`` and of the biexciton reorganization for ``params`` (meV)."""
    bath = core.bath_for(params)
    return {
        "model": params.lineshape_model,
        "fixed_mev": bath.fixed_reorganization_mev,
        "variance_per_lambda_mev": bath.bath_variance_per_lambda_mev,
        "sigma_mev": bath.gaussian_sigma_mev,
        "homogeneous_mev": bath.homogeneous_reorganization_mev,
        "rho": (params.xi - 1.0) ** 2,
    }


def process_coefficients(params: GainParams) -> list[list[list[float]]]:
    """C[n][N][process]: the coefficient table summed per process, in units of an empty dot's absorption."""
    spec = core.counting_spec(params)
    ground_total = float(core.ground_coefficients(params).sum())
    tables = [core.coefficient_table(spec, fractions) for fractions in DOPED_ONLY]
    return [[[abs(float(row[list(process.lines)].sum())) / ground_total for process in PROCESSES] for row in table]
            for table in tables]


def doping_table(params: GainParams) -> list[list[float]]:
    """(f0, f1, f2) at ⟨n_1S(e)⟩ = 0, DOPING_STEP, …, 2 ([002] eqs. S9-S16), to 9 decimals (a lighter payload)."""
    grid = np.linspace(0.0, 2.0, round(2.0 / DOPING_STEP) + 1)
    return [[round(f, 9) for f in doping_fractions(float(n), params.charging_energy_mev, params.doping_temperature_k,
                                                  params.sigma_1s_mv)] for n in grid]


@functools.lru_cache(maxsize=32)
def level_data(params: GainParams) -> dict[str, Any]:
    """The payload of the level picture for the committed advanced parameters (JSON-ready).

    Main fields of ``params`` do not enter it (the browser supplies them), so one payload
    serves every drag position. Callers must not modify the returned dict (it is memoized).
    """
    occupation = {"kind": "binomial" if params.pump_mode == "resonant" else "poisson",
                  "sites": params.pump_sites}
    return {
        "e_a_mev": params.e_a_mev,
        "planck_mev_nm": PLANCK_MEV_NM,
        "lattice": lattice_constants(params),
        "occupation": occupation,
        "processes": [{"name": p.name, "label": p.label, "color": p.color, "emission": p.emission}
                      for p in PROCESSES],
        "coefficients": process_coefficients(params),
        "doping": {"step": DOPING_STEP, "fractions": doping_table(params)},
        "include_esa": params.include_esa,
        "container": ID.LEVEL_PICTURE,
        "fields": list(fields.MAIN_FIELDS),
        "sliders": {name: {"step": fields.slider_scale(name).step, "log": fields.slider_scale(name).log}
                    for name in fields.MAIN_FIELDS},
    }

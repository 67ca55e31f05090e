"""Benchmark of qdgain_core (not a test): prints JSON with medians over repeated runs.

(a) a 41x41 <N_th>(chi, eta) map plus the sigma_eff/sigma_SE map, cold caches, holding the
    fine structure and (a2) holding the Stokes shift along eta;
(b) one operating-point update: spectra, all threshold methods, sigma ratio,
    a 60-point ASE curve and the gain dynamics (as one slider move needs).
Run: .venv/bin/python -m benchmarks.bench_core [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import numpy as np

from qdgain_core import (
    GainParams,
    all_thresholds,
    ase_curve,
    gain_dynamics,
    nonlinear_absorption,
    phase_maps,
    sigma_eff_ratio,
)
from qdgain_core.ensemble import clear_caches  # noqa: E402


def _median_ms(action, repeats: int) -> dict:
    times = []
    for i in range(repeats):
        clear_caches()
        params = GainParams(chi=0.5 + 1e-3 * i)
        start = time.perf_counter()
        action(params)
        times.append(1e3 * (time.perf_counter() - start))
    return {"median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2), "max_ms": round(max(times), 2), "repeats": repeats}


def map_41x41(params: GainParams) -> None:
    phase_maps(params, np.linspace(-0.5, 1.5, 41), np.geomspace(0.1, 10.0, 41))


def map_41x41_stokes(params: GainParams) -> None:
    phase_maps(params, np.linspace(-0.5, 1.5, 41), np.geomspace(0.1, 10.0, 41), hold="stokes")


def operating_point(params: GainParams) -> None:
    nonlinear_absorption(params)
    all_thresholds(params)
    sigma_eff_ratio(params)
    ase_curve(params)
    gain_dynamics(params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    map_41x41(GainParams())
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__},
        "map_41x41_nth_and_sigma_ratio": _median_ms(map_41x41, args.repeats),
        "map_41x41_holding_stokes": _median_ms(map_41x41_stokes, args.repeats),
        "operating_point_update": _median_ms(operating_point, args.repeats),
        "targets_ms": {"map_41x41_nth_and_sigma_ratio": 250, "map_41x41_holding_stokes": 250, "operating_point_update": 30},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

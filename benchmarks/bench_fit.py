"""Benchmark of the fitting and sweep jobs (not a test): prints JSON with medians over repeated runs.

(a) a 4-parameter fit (chi, eta, stokes_mev, inhomogeneous_fwhm_mev; one OD scale profiled) to
    three noisy spectra of 512 points at <N> = 0.5, 1.5, 3, cold caches (target <= 5 s);
(b) a 201 x 201 high-resolution (chi, eta) map, n_th and sigma ratio (target <= 10 s);
(c) a 21 x 21 sweep over chi and eta (log).
Run: .venv/bin/python -m benchmarks.bench_fit [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

from qdgain_core import GainParams, SweepAxis, fit, high_resolution_maps, sweep
from qdgain_core.datasets import make_dataset
from qdgain_core.ensemble import clear_caches
from qdgain_core.fit_models import evaluate

TRUTH = GainParams(chi=0.8, eta=5.0, stokes_mev=24.0, inhomogeneous_fwhm_mev=35.0)
START = GainParams(chi=1.0, eta=10.0)
FREE = ("chi", "eta", "stokes_mev", "inhomogeneous_fwhm_mev")


def three_spectra(seed: int):
    """Three spectra of 512 points (absolute OD 0.3 x model + 0.003 noise) made by the core itself."""
    energy = np.tile(np.linspace(1900.0, 2250.0, 512), 3)
    n_avg = np.repeat([0.5, 1.5, 3.0], 512)
    blank = make_dataset("spectra", "bench", energy_mev=energy, n_avg=n_avg, od_nl=0 * energy, n_doped=0 * energy)
    od = 0.3 * evaluate(TRUTH, blank) + np.random.default_rng(seed).normal(0.0, 0.003, energy.size)
    return make_dataset("spectra", "bench", energy_mev=energy, n_avg=n_avg, od_nl=od, n_doped=0 * energy,
                        sigma=np.full(energy.size, 0.003))


def _median_s(action: Callable[[int], object], repeats: int) -> dict:
    times = []
    for i in range(repeats):
        clear_caches()
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "max_s": round(max(times), 3), "repeats": repeats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = [three_spectra(seed) for seed in range(args.repeats)]
    evaluations = []

    def fit_four(i: int) -> None:
        evaluations.append(fit(START, [data[i]], FREE).n_evaluations)

    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__},
        "fit_4_parameters_3x512_spectra": _median_s(fit_four, args.repeats),
        "map_201x201": _median_s(lambda i: high_resolution_maps(GainParams(chi=0.5 + 1e-3 * i), 201), args.repeats),
        "sweep_21x21_chi_eta": _median_s(
            lambda i: sweep(GainParams(stokes_mev=20.0 + 1e-3 * i),
                            [SweepAxis("chi", 0.0, 2.0, 21), SweepAxis("eta", 0.1, 100.0, 21, log=True)]),
            args.repeats),
        "targets_s": {"fit_4_parameters_3x512_spectra": 5.0, "map_201x201": 10.0},
    }
    result["fit_4_parameters_3x512_spectra"]["median_evaluations"] = statistics.median(evaluations)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

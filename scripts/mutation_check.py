#!/usr/bin/env python3
"""Mutation check of the tests: do they notice plausible physics bugs, and bugs in what the dashboard shows?

Not a test and not run by CI. Each mutation in ``MUTATIONS`` (the physics core) and in
``WEB_MUTATIONS`` (``components/``: what is drawn and written, e.g. a sign flip of the net
trace, a phase map flipped along eta, two swapped readouts, sigma_SE drawn as sigma_eff) is
one plausible bug, written as (file, exact old text, new text, description). For every
mutation the script copies the repository's ``qdgain_core/``, ``components/``, ``assets/``,
``app.py``, ``tests/`` and pytest configuration into a fresh ``tempfile.TemporaryDirectory()``,
replaces the old text (which must occur exactly once: the script stops with an error when it
does not, so the lists stay honest as the code moves), runs the tests there (the core tests
for ``MUTATIONS``, ``tests/web`` for ``WEB_MUTATIONS``) with ``-x -q -p no:cacheprovider``
under a per-mutant timeout, and reports the mutant as *killed* (tests failed, errored or
timed out) or *survived* (tests passed). The working tree is never touched.

Before the mutants, the unmutated copy is run once. Tests that already fail there are
reported and deselected for every mutant, so that a red baseline does not count as kills.

Usage (from the repository root)::

    .venv/bin/python -m scripts.mutation_check            # all core mutants, against the core tests
    .venv/bin/python -m scripts.mutation_check --check    # only verify every old text (core and web) is found once
    .venv/bin/python -m scripts.mutation_check --web      # only the web mutants, against tests/web
    .venv/bin/python -m scripts.mutation_check --web --only "sign flipped" --only "flipped along eta"
        --tests tests/browser/test_browser_values.py     # chosen web mutants against the browser value test
    .venv/bin/python -m scripts.mutation_check --only doping --timeout 120
    .venv/bin/python -m scripts.mutation_check --exclude oracles   # the suite without test_physics_oracles.py

``--check`` verifies both lists (with ``--web``: the web list only); ``--only`` is repeatable (any of the texts).
Always exits 0; the last line is ``score: K/N`` (K killed of N mutants).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED_DIRS = ("qdgain_core", "components", "assets", "tests")
COPIED_FILES = ("app.py", "pytest.ini", "pyproject.toml", "conftest.py", "setup.cfg", "tox.ini")
CORE_TESTS = (
    "tests/core/test_core_physics.py",
    "tests/core/test_core_api.py",
    "tests/core/test_anchors.py",
    "tests/core/test_presets_measured.py",
    "tests/core/test_physics_oracles.py",
    "tests/core/test_ase.py",
)
WEB_TESTS = ("tests/web",)
DEFAULT_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Mutation:
    file: str
    old: str
    new: str
    description: str


E = "qdgain_core/ensemble.py"
S = "qdgain_core/statistics.py"
L = "qdgain_core/lineshapes.py"
O = "qdgain_core/observables.py"
D = "qdgain_core/dynamics.py"
T = "qdgain_core/threshold_methods.py"
C = "qdgain_core/crossing.py"
M = "qdgain_core/maps.py"
P = "qdgain_core/params.py"

MUTATIONS: tuple[Mutation, ...] = (
    # ---- counting ([002] eqs. S3-S6; [001] section 3.3)
    Mutation(E, "up = np.maximum(g_e - e, 0) * np.maximum(g_h - n, 0)", "up = np.maximum(g_e - e, 0) * (g_h - n)",
             "transitions: U drops max(g_h - N, 0) -> (g_h - N)"),
    Mutation(E, "down = np.minimum(e, g_e) * np.minimum(n, g_h)", "down = e * np.minimum(n, g_h)",
             "transitions: D uses (N + n) instead of min(N + n, g_e)"),
    Mutation(E, "    down = np.minimum(n, sites)\n", "    down = n\n",
             "sites: D = N instead of min(N, g)"),
    Mutation(E, "return self.sites if self.scheme == \"sites\" else self.g_e * self.g_h", "return self.g_e * self.g_h",
             "sites scheme normalised by g_e g_h instead of g"),
    Mutation(E, "holes = np.maximum(n - g_h, 0)", "holes = np.maximum(n - g_h + 1, 0)",
             "second transition fills one hole too early (h2 = N - g_h + 1)"),
    # ---- which line a transition uses (docs/model.md 1.2)
    Mutation(E, "single = (n_exc == 1)[:, None]", "single = (n_exc <= 2)[:, None]",
             "N + n = 2 emits on the single-exciton line instead of XX"),
    Mutation(E, "empty_line = ground if n_doped == 0 else unit(LINE_TRION_A, ground_total)",
             "empty_line = ground if n_doped == 0 else unit(LINE_ESA, ground_total)",
             "charged empty dots absorb on ESA instead of TRION_A"),
    Mutation(E, "up_lines = np.broadcast_to(ground, (n_max + 1, N_LINES))",
             "up_lines = np.where(excited[:, None], unit(LINE_ESA, s_x)[None, :], ground[None, :])",
             "include_esa=False branch keeps ESA"),
    Mutation(E, "coeff -= ((1.0 - trapped) * down)[:, None] * down_lines", "coeff -= down[:, None] * down_lines",
             "trapping does not remove stimulated emission"),
    Mutation(E, "down_lines = np.where(single, exciton_emission[None, :], unit(LINE_XX, s_x)[None, :])",
             "down_lines = np.where(single, exciton_emission[None, :], unit(LINE_XX, 0.5 * s_x)[None, :])",
             "XX emission at half the strength of its ESA partner"),
    # ---- fine-structure strengths (docs/model.md 1.3)
    Mutation(E, "boltzmann = np.exp(-fine_structure_mev / (K_B_MEV_PER_K * temperature_k))",
             "boltzmann = np.exp(fine_structure_mev / (K_B_MEV_PER_K * temperature_k))",
             "thermal weight sign exp(-D/kT) -> exp(+D/kT)"),
    Mutation(E, "a_a, a_e = 1.0 / (1.0 + r), r / (1.0 + r)", "a_a, a_e = r / (1.0 + r), 1.0 / (1.0 + r)",
             "a_A and a_E swapped"),
    Mutation(E, "return (1.0, r), (0.0, r), r", "return (1.0, r), (0.0, 1.0), r",
             "thermalize=False: SE_E strength 1 instead of its partner's r_E"),
    Mutation(E, "return (a_a, a_e), (float(w_a), float(1.0 - w_a)), 1.0", "return (a_a, a_e), (float(w_a), float(1.0 - w_a)), 0.5",
             "thermalized ESA/XX/trion strength 1/2 per transition"),
    # ---- line positions (docs/model.md 1.2, 2)
    Mutation(E, "esa = e_a_mev - np.asarray(chi, dtype=float)[None, :] * stokes[:, None]",
             "esa = e_a_mev + np.asarray(chi, dtype=float)[None, :] * stokes[:, None]",
             "ESA position sign (E_A + chi Delta_SS)"),
    Mutation(E, "se_e - xx_binding_mev", "se_e + xx_binding_mev", "XX position sign"),
    Mutation(E, "stokes = fine + 2.0 * lam\n", "stokes = fine + lam\n", "Stokes shift Delta_FS + lambda instead of + 2 lambda"),
    Mutation(E, "return LinePositions(fixed, np.stack([esa, esa - trap_shift_mev], axis=2))",
             "return LinePositions(fixed, np.stack([esa, esa + trap_shift_mev], axis=2))", "trap ESA shift sign"),
    Mutation(E, "e_a - trion_binding_mev, e_a - trion_binding_mev - 2.0 * lam", "e_a - trion_binding_mev, e_a - trion_binding_mev",
             "trion emission at the trion absorption energy (no lattice displacement)"),
    # ---- lineshapes and geometry ([000] Eqs. 3-7; [001] section 3.3)
    Mutation(L, "lines = np.clip(values, 0.0, None) * energy", "lines = np.clip(values, 0.0, None) * 1.0",
             "E prefactor of the lines removed"),
    Mutation(L, "p = 4.0 * d + eta * eta * b", "p = 4.0 * d + eta * b", "eta definition: eta^2 -> eta in the lattice split"),
    Mutation(L, "return float(fine), float((stokes_mev - fine) / 2.0),", "return float(fine), float(stokes_mev - fine),",
             "Simple Model: lambda = Delta_SS - Delta_FS (2 lambda -> lambda)"),
    Mutation(L, "fine = min(eta * bath.gaussian_sigma_mev, stokes_mev)", "fine = min(eta * bath.gaussian_fwhm_mev, stokes_mev)",
             "Simple Model: phonon width is the FWHM instead of sigma"),
    Mutation(L, "kernels = np.roll(kernels[:, ::-1], 1, axis=1)", "kernels = kernels",
             "emission kernel not mirrored (no Kennard-Stepanov partner)"),
    # ---- statistics ([002] eqs. S5, S9-S16; [004]; [001] section 3.3)
    Mutation(S, "p[..., 0] = np.exp(-x[..., 0])", "p[..., 0] = np.exp(-x[..., 0]) * (1.0 + x[..., 0])",
             "Poisson P_0 wrong (P(N <= 1))"),
    Mutation(S, "p[..., -1] = np.clip(1.0 - p[..., :-1].sum(axis=-1), 0.0, None)", "pass",
             "Poisson tail not lumped into the last column"),
    Mutation(S, "p = np.clip(x / sites, 0.0, 1.0)", "p = np.clip(x / (sites + 1), 0.0, 1.0)",
             "binomial p = <N>/(g + 1)"),
    Mutation(S, "log_c = -charging_energy_mev / kt", "log_c = charging_energy_mev / kt", "charging-energy sign in doping"),
    Mutation(S, "logs = np.stack([np.zeros_like(u), np.log(2.0) + u, 2.0 * u + log_c], axis=-1)",
             "logs = np.stack([np.zeros_like(u), u, 2.0 * u + log_c], axis=-1)", "doping: f1 spin weight 2 -> 1"),
    Mutation(S, "        nodes = sigma_reduced * nodes\n", "        nodes = sigma_reduced * nodes / np.sqrt(2.0)\n",
             "disorder quadrature (Gauss-Hermite branch) with the wrong Hermite weight (sigma/sqrt 2)"),
    Mutation(S, "weights = np.exp(-0.5 * (nodes / sigma_reduced) ** 2)", "weights = np.exp(-((nodes / sigma_reduced) ** 2))",
             "disorder quadrature (trapezoid branch) with a Gaussian of width sigma/sqrt 2"),
    Mutation("qdgain_core/excitation.py", "return n_avg_resonant(fluence_mj_cm2, params.rabi_pi_fluence_mj_cm2, params.pump_sites)",
             "return n_avg_resonant(fluence_mj_cm2, params.rabi_pi_fluence_mj_cm2, params.g_e)",
             "Rabi law saturates at g_e instead of the band-edge sites"),
    Mutation(S, "return pulse_fwhm_fs * 1e-15 / (2.0 * np.sqrt(np.log(2.0)))", "return pulse_fwhm_fs * 1e-15 / np.sqrt(np.log(2.0))",
             "two-photon tau_0 = FWHM/sqrt(ln 2) instead of FWHM/(2 sqrt(ln 2))"),
    Mutation(S, "theta = np.pi * np.sqrt(np.asarray(fluence_mj_cm2, dtype=float) / pi_fluence_mj_cm2)",
             "theta = np.pi * (np.asarray(fluence_mj_cm2, dtype=float) / pi_fluence_mj_cm2)",
             "Rabi Theta = pi J/J_pi instead of pi sqrt(J/J_pi)"),
    Mutation(S, "return np.asarray(fluence_mj_cm2, dtype=float) * 1e-3 / photon_energy_j",
             "return np.asarray(fluence_mj_cm2, dtype=float) / photon_energy_j",
             "one-photon fluence: mJ taken as J (E_photon units)"),
    Mutation(P, "return self.sites if self.counting == \"sites\" else self.g_e", "return self.g_e",
             "resonant pumping saturates at g_e in the sites scheme"),
    # ---- thresholds and observables (docs/model.md 5.1)
    Mutation(T, "\"window\": ThresholdMethod(\"window\", True, \"emission\",", "\"window\": ThresholdMethod(\"window\", True, \"absorption\",",
             "window integrates over the absorption FWHM band"),
    Mutation(T, "return np.clip(np.minimum(index + 0.5, high) - np.maximum(index - 0.5, low), 0.0, 1.0)",
             "return in_run.astype(float)", "FWHM band as a plain whole-cell mask (grid jitter)"),
    Mutation(O, "    if params.probe_detuning_mev is None:\n        return emission_mev",
             "    if params.probe_detuning_mev is None:\n        return params.e_a_mev", "probe default at E_A instead of the SE peak"),
    Mutation(O, "return np.clip(sigma_eff.max(axis=-1) / bare_se, 0.0, None)", "return sigma_eff.max(axis=-1) / bare_se",
             "sigma ratio without the clip at 0"),
    Mutation(C, "if pump_mode == \"resonant\" and sites < n_search_max:", "if pump_mode == \"resonant\" and sites > n_search_max:",
             "search limit for resonant pumping not at saturation"),
    # ---- maps (docs/model.md 5.2)
    Mutation(M, "    if hold == \"fine_structure\":\n        lam_dl = lattice_for_eta", "    if hold == \"stokes\":\n        lam_dl = lattice_for_eta",
             "maps: holds swapped"),
    # ---- dynamics ([002] SI section 1.5) and the Standard Model
    Mutation(D, "return channels / (8.0 * tau_xx_ps)", "return channels / (4.0 * tau_xx_ps)", "Auger rate factor 1/8 -> 1/4"),
    Mutation(D, "channels = electrons * n_exc * (np.maximum(electrons - 1, 0) + np.maximum(n_exc - 1, 0))",
             "channels = electrons * n_exc * (np.maximum(electrons - 1, 0) + np.maximum(n_exc - 1, 0)) + n_exc",
             "single exciton decays: k(1, 0) != 0"),
    Mutation(D, "GAIN_DETECTION_FLOOR = 0.01", "GAIN_DETECTION_FLOOR = 0.0", "gain lifetime without the detection floor"),
    Mutation("qdgain_core/standard_model.py", "(diameters / reference_diameter_nm(params)) ** 3", "(diameters / reference_diameter_nm(params)) ** 2",
             "Standard Model tau_XX ~ d^2 instead of d^3"),
    # ---- level schemes ([001] Figs. 8-9) and ASE ([002] g = -A ln10/d)
    Mutation("qdgain_core/level_schemes.py",
             "        \"3LS\": MappingProxyType({\"eta\": 100.0, \"thermalize\": False}),\n        \"4LS\": MappingProxyType({\"eta\": 0.01, \"thermalize\": True}),",
             "        \"3LS\": MappingProxyType({\"eta\": 0.01, \"thermalize\": True}),\n        \"4LS\": MappingProxyType({\"eta\": 100.0, \"thermalize\": False}),",
             "3LS and 4LS swapped in level_schemes"),
    # ---- second batch: subtler bugs
    Mutation(E, "up = np.maximum(sites - n - np.asarray(n_doped), 0)", "up = np.maximum(sites - n, 0)",
             "sites: extra electrons do not block sites"),
    Mutation(E, "trapped = np.where(excited, 1.0 - spec.plqy, 0.0)", "trapped = np.where(True, 1.0 - spec.plqy, 0.0)",
             "trapping applied to empty dots too"),
    Mutation(E, "coeff[:, LINE_HIGH_SE] -= f_n * spec.high_strength * (1.0 - trapped) * down2 / norm",
             "coeff[:, LINE_HIGH_SE] -= f_n * spec.high_strength * down2 / norm", "second-transition emission ignores trapping"),
    Mutation(E, "return max(self.g_e, self.g_h + (self.high_g_h if self.high_on else 0), 2)", "return max(self.g_e, self.g_h, 2)",
             "second transition truncated: n_max ignores its holes"),
    Mutation(E, "down_lines = np.broadcast_to(unit(LINE_TRION_SE, s_x), (n_max + 1, N_LINES))",
             "down_lines = np.broadcast_to(unit(LINE_XX, s_x), (n_max + 1, N_LINES))", "charged dots emit on XX instead of TRION_SE"),
    Mutation(E, "params.xe_strength, fine, params.temperature_k, params.thermalize",
             "params.xe_strength, fine, params.doping_temperature_k, params.thermalize",
             "thermal split at the doping temperature instead of the lattice temperature"),
    Mutation(E, "return doping_fractions(params.n_doped, params.charging_energy_mev, params.doping_temperature_k, params.sigma_1s_mv)",
             "return doping_fractions(params.n_doped, params.charging_energy_mev, params.temperature_k, params.sigma_1s_mv)",
             "doping statistics at the lattice temperature instead of the doping temperature"),
    Mutation(E, "SIGMA_EFF_MASK = np.isin(np.arange(N_LINES), EMISSION_LINES + EXCITED_ABSORPTION)",
             "SIGMA_EFF_MASK = np.isin(np.arange(N_LINES), EMISSION_LINES + (LINE_ESA, LINE_ESA_E))", "sigma_ESA leaves out the trap ESA"),
    Mutation(E, "partner = params.xx_strength / (1.0 + params.xx_strength)", "partner = min(params.xx_strength, 1.0)",
             "XX partner share r_XX instead of r_XX/(1 + r_XX)"),
    Mutation(E, "xx, xx + 2.0 * lam_xx,", "xx, xx + lam_xx,", "XX partner ESA_E lambda_XX (not 2 lambda_XX) above XX"),
    Mutation(E, "return rho * (np.asarray(reorganization_mev) - homogeneous) + homogeneous",
             "return rho * np.asarray(reorganization_mev)", "lambda_XX scales the electronic width's Stokes share too"),
    Mutation(E, "weights[list(EXCITON_EMISSION)] = np.asarray(spec.emission_split) * float(down) / spec.normalization",
             "weights[list(EXCITON_EMISSION)] = np.asarray(spec.emission_split) * float(down) * spec.plqy / spec.normalization",
             "bare SE reference includes the PLQY"),
    Mutation(E, "ground_parts = [LINE_A, LINE_A_E, LINE_TRION_A, LINE_HIGH_A]", "ground_parts = [LINE_A, LINE_A_E, LINE_HIGH_A]",
             "spectra parts: trion absorption missing from ground-state absorption"),
    Mutation(E, "rho = (xi - 1.0) ** 2", "rho = abs(xi - 1.0)", "ESA bath scale |xi - 1| instead of (xi - 1)^2"),
    Mutation(L, "sigma2 = (bath.gaussian_fwhm_mev / FWHM_PER_SIGMA) ** 2 + inh_sigma**2", "sigma2 = (bath.gaussian_fwhm_mev / FWHM_PER_SIGMA) ** 2",
             "Simple Model ignores the inhomogeneous width"),
    Mutation(L, "electronic2 = bath.homogeneous_sigma_mev**2 + inh_sigma**2", "electronic2 = bath.homogeneous_sigma_mev**2",
             "cumulant lines ignore the inhomogeneous width"),
    Mutation(L, "lines = np.clip(values, 0.0, None) * energy", "lines = np.clip(values, 0.0, None) * (energy**3 if emission else energy)",
             "emission lines with the spontaneous E^3 prefactor"),
    Mutation(O, "return params.e_a_mev + params.probe_detuning_mev", "return params.e_a_mev - params.probe_detuning_mev",
             "probe detuning sign"),
    Mutation(O, "np.asarray(params.gain_min_fraction * od0_peak(params))", "np.asarray(params.gain_min_fraction)",
             "peak method: minimum gain not in units of max OD_0"),
    Mutation(S, "return sigma2_gm * GM_CM4_S * photons**2 / (np.sqrt(2.0 * np.pi) * tau0_s)",
             "return sigma2_gm * GM_CM4_S * photons**2 / (2.0 * np.sqrt(2.0 * np.pi) * tau0_s)",
             "two-photon: sigma2 read as photons absorbed (factor 1/2)"),
    Mutation(D, "generator[np.arange(n_max), np.arange(1, n_max + 1)] = rates[1:]",
             "generator[np.arange(n_max), np.arange(1, n_max + 1)] = rates[:-1]", "Auger chain feeds N-1 with the wrong rate"),
    Mutation(L, "return (fine_structure_mev / eta) ** 2 / bath.bath_variance_per_lambda_mev",
             "return (fine_structure_mev / eta) / bath.bath_variance_per_lambda_mev", "maps: lambda_DL = (Delta_FS/eta)/2kT"),
    Mutation(M, "probe = np.array([probe_energy_mev(params, e) for e in params.e_a_mev - fine - 2.0 * reorg_used])",
             "probe = np.array([probe_energy_mev(params, e) for e in params.e_a_mev - fine - reorg_used])",
             "maps: probe at E_A - Delta_FS - lambda"),
    Mutation("qdgain_core/ase.py", "return -dot_density_cm3(params) * params.sigma_abs_peak_cm2 * np.asarray(od_relative)",
             "return -0.5 * dot_density_cm3(params) * params.sigma_abs_peak_cm2 * np.asarray(od_relative)", "material gain halved"),
)


# ---- what the dashboard shows (components/): every one must be killed by tests/web (test_values, test_readouts)
WS = "components/figures/spectra.py"
WM = "components/figures/maps.py"
WR = "components/figures/readouts.py"
WL = "components/callbacks/live.py"
WT = "components/callbacks/figure_tabs.py"
WC = "components/computed.py"
WP = "components/panels.py"

WEB_MUTATIONS: tuple[Mutation, ...] = (
    # the four of issue part 7
    Mutation(WS, "\"Net OD_NL (negative = gain)\", e, spectra.net,",
             "\"Net OD_NL (negative = gain)\", e, -spectra.net,", "web: net OD_NL trace drawn with its sign flipped"),
    Mutation(WM, "values = as_plot_array(phase_map.values)", "values = as_plot_array(phase_map.values[::-1])",
             "web: phase maps flipped along eta"),
    Mutation(WL, "sigma_ratio=computed.sigma_ratio(params), measured_ratio=computed.measured_ratio(params),",
             "sigma_ratio=computed.measured_ratio(params), measured_ratio=computed.sigma_ratio(params),",
             "web: sigma_eff/sigma_SE and peak gain/absorption readouts swapped"),
    Mutation(WS, "\"σ_SE (stimulated emission)\", e, spectra.sigma_se,",
             "\"σ_SE (stimulated emission)\", e, spectra.sigma_eff,", "web: sigma_SE drawn as sigma_eff"),
    # more of the same kind
    Mutation(WS, "\"Ground-state absorption\", e, spectra.ground_state_absorption,",
             "\"Ground-state absorption\", e, spectra.linear_absorption,",
             "web: ground-state absorption drawn as OD_0"),
    Mutation(WM, "chi = as_plot_array(phase_map.chi_values)", "chi = as_plot_array(phase_map.chi_values[::-1])",
             "web: phase-map chi axis reversed under its values"),
    Mutation(WM, "\"z\": as_plot_array(semap.od[:, ::step]),", "\"z\": as_plot_array(semap.od[::-1, ::step]),",
             "web: SE map flipped along <N>"),
    Mutation(WP, "x_values = cuts.chi if axis == \"chi\" else cuts.eta", "x_values = cuts.chi",
             "web: eta cuts drawn over the chi axis"),
    Mutation(WC, "return core.threshold_vs_doping(params, doping_axis())",
             "return core.threshold_vs_doping(params, doping_axis()[::-1])",
             "web: threshold-vs-doping curve reversed under its axis"),
    Mutation(WR, "Readout(\"fine structure Δ_FS\", f\"{geometry.fine_structure_mev:.3g}\", \"meV\"),",
             "Readout(\"fine structure Δ_FS\", f\"{geometry.reorganization_mev:.3g}\", \"meV\"),",
             "web: the Delta_FS readout shows lambda"),
    Mutation(WR, "fluence = \"n/a\" if fluence_mj_cm2 is None else f\"{fluence_mj_cm2:.3g}\"",
             "fluence = \"n/a\" if fluence_mj_cm2 is None else f\"{fluence_mj_cm2 * 1e3:.3g}\"",
             "web: pump fluence readout in uJ/cm^2 labelled mJ/cm^2"),
    # the readout's answer (issue part 5)
    Mutation(WL, "answer = gain_answer(params.n_avg, method, thresholds[method], computed.has_gain(params))",
             "answer = gain_answer(params.n_avg, method, thresholds[\"window\"], computed.has_gain(params))",
             "web: the answer quotes the window threshold whatever the criterion"),
    Mutation(WC, "return observables.has_gain(params)", "return observables.has_gain(params, \"peak\")",
             "web: gain yes/no by the peak criterion whatever is selected"),
    Mutation(WR, "answer = \"yes\" if gain else \"no\"", "answer = \"yes\" if not gain else \"no\"",
             "web: the gain answer inverted"),
    Mutation(WT, "    if not computed.has_gain(params):\n", "    if lifetime <= 0:\n",
             "web: the lifetime says 'no gain' whenever A* has none (not the selected criterion)"),
    Mutation(WR, "if sigma_ratio > CANCELLED_RATIO else", "if sigma_ratio > 0 else",
             "web: sigma_eff/sigma_SE round-off shown as a number, not as the cancellation"),
)


def copy_tree(target: Path) -> None:
    for name in COPIED_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))
    for name in COPIED_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, target / name)


def check_mutations(mutations: tuple[Mutation, ...]) -> list[str]:
    """Problems with the list: an old text missing or ambiguous in the current code, or a no-op."""
    problems = []
    for m in mutations:
        path = ROOT / m.file
        if not path.exists():
            problems.append(f"{m.description}: {m.file} does not exist")
            continue
        count = path.read_text(encoding="utf-8").count(m.old)
        if count != 1:
            problems.append(f"{m.description}: old text found {count} times in {m.file} (need exactly 1):\n    {m.old!r}")
        if m.old == m.new:
            problems.append(f"{m.description}: old and new text are equal")
    return problems


def test_files(candidates: tuple[str, ...] = CORE_TESTS) -> list[str]:
    return [t for t in candidates if (ROOT / t).exists()]


def run_pytest(workdir: Path, tests: list[str], timeout_s: float, extra: list[str]) -> tuple[str, float, str]:
    """('passed' | 'failed' | 'timeout', seconds, output tail)."""
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *extra, *tests]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(workdir)}
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start, ""
    output = done.stdout + done.stderr
    return ("passed" if done.returncode == 0 else "failed"), time.monotonic() - start, output


def failing_node_ids(output: str) -> list[str]:
    return sorted(set(re.findall(r"^(?:FAILED|ERROR) (\S+)", output, flags=re.MULTILINE)))


def first_failure(output: str) -> str:
    ids = failing_node_ids(output)
    return ids[0] if ids else (output.strip().splitlines() or [""])[-1][:160]


def baseline(tests: list[str], timeout_s: float) -> list[str]:
    """Deselect options for tests that already fail without any mutation (run without -x to see all)."""
    with tempfile.TemporaryDirectory(prefix="qdgain-mut-base-") as tmp:
        work = Path(tmp)
        copy_tree(work)
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(work)}
        start = time.monotonic()
        done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=max(timeout_s, 900.0))
        seconds = time.monotonic() - start
        probe = subprocess.run([sys.executable, "-c", "import qdgain_core, components; print(qdgain_core.__file__); "
                                "print(components.__file__)"], cwd=work, env=env, capture_output=True, text=True)
        imported = probe.stdout.split()
        if len(imported) != 2 or not all(path.startswith(str(work)) for path in imported):
            raise SystemExit(f"the scratch copy would import qdgain_core/components from {imported!r}, not from {work}")
    failing = failing_node_ids(done.stdout + done.stderr)
    summary = (done.stdout + done.stderr).strip().splitlines()[-1:] or [""]
    print(f"baseline: {summary[0]} ({seconds:.0f} s)")
    for node in failing:
        print(f"  baseline failure, deselected for every mutant: {node}")
    if done.returncode != 0 and not failing:
        raise SystemExit("baseline run failed without a failing test id (collection error?):\n" + (done.stdout + done.stderr)[-3000:])
    return [f"--deselect={node}" for node in failing]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only verify that every old text occurs exactly once")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--only", action="append", default=None,
                        help="run only mutations whose description contains this text (repeatable: any of them)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per mutant (default %(default)s)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    parser.add_argument("--exclude", action="append", default=[], help="leave out test files containing this text (repeatable)")
    parser.add_argument("--web", action="store_true", help="the web mutants (components/) against tests/web instead")
    parser.add_argument("--tests", action="append", default=[],
                        help="run these test paths instead of the default ones (repeatable)")
    args = parser.parse_args(argv)

    chosen = WEB_MUTATIONS if args.web else MUTATIONS
    mutations = chosen if args.only is None else tuple(
        m for m in chosen if any(text.lower() in m.description.lower() for text in args.only))
    if args.list:
        for i, m in enumerate(mutations, 1):
            print(f"{i:2d}. [{m.file}] {m.description}")
        return 0
    checked = MUTATIONS + WEB_MUTATIONS if args.check and not args.web and args.only is None else mutations
    problems = check_mutations(checked)
    if problems:
        print("mutation list out of date with the code:", *problems, sep="\n  ")
        raise SystemExit(2)
    print(f"{len(checked)} mutations; every old text found exactly once")
    if args.check:
        return 0
    default_tests = WEB_TESTS if args.web else CORE_TESTS
    tests = [t for t in test_files(tuple(args.tests) or default_tests) if not any(x in t for x in args.exclude)]
    print("tests:", " ".join(tests))
    extra = [] if args.no_baseline else baseline(tests, args.timeout)

    killed, survivors = 0, []
    for i, m in enumerate(mutations, 1):
        with tempfile.TemporaryDirectory(prefix="qdgain-mut-") as tmp:
            work = Path(tmp)
            copy_tree(work)
            path = work / m.file
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(m.old, m.new, 1), encoding="utf-8")
            status, seconds, output = run_pytest(work, tests, args.timeout, extra)
        if status == "passed":
            survivors.append(m)
            verdict = "SURVIVED"
        else:
            killed += 1
            verdict = "killed" + (" (timeout)" if status == "timeout" else f" by {first_failure(output)}")
        print(f"[{i:2d}/{len(mutations)}] {seconds:6.1f} s  {m.description}: {verdict}", flush=True)

    print()
    if survivors:
        print("survivors:")
        for m in survivors:
            print(f"  - [{m.file}] {m.description}")
    print(f"score: {killed}/{len(mutations)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

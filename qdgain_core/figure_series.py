"""Model curves behind paper figures: one function per figure, each returning a frozen result.

* ``plqy_series``: <N_th> and sigma_eff/sigma_SE versus PLQY ([000] Fig. 4a,b);
* ``size_series``: <N_th> versus diameter with only the Stokes shift scaling, beside the
  Standard Model's Auger/1/V curve ([000] Fig. 4c; docs/model_notes.md, size dependence);
* ``esa_binding_series``: SE thresholds of the 3LS and 4LS with ESA versus the ESA offset
  Delta_XX^A, at the first net gain and at the SE maximum ([001] Fig. 8g-h);
* ``single_wavelength_thresholds``: <N_gain,lambda>(E) and the gain spectrum ([002] Fig. 5d-e);
* ``gain_at_energy_vs_n``: gain at one photon energy versus <N> per doping ([002] Fig. 5f);
* ``counting_curves``: A*(N)/A*(0) by transition counting, single dot and ensemble ([002] SI Fig. S4);
* ``two_photon_slope``: log-log slope of the output below the ASE threshold ([004] Fig. 2b).

Grids are validated (ValueError naming the argument, its value and the allowed range) and
bounded by ``MAX_GRID_POINTS``. Papers: docs/references.md.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .ase import ase_curve, gain_coefficient_cm
from .constants import PLANCK_MEV_NM
from .crossing import N_BISECTION, first_crossing, search_limit
from .ensemble import (
    MAX_N_AVG,
    coefficients_for,
    geometry_for,
    lines_for,
    nonlinear_absorption,
    od0_peak,
    od_spectra,
    transition_counts,
)
from .excitation import fluence_from_n_avg
from .level_schemes import level_scheme_variants
from .maps import phase_maps
from .observables import (
    UNSATURATED_N_MAX,
    gain_threshold,
    sigma_ratio_from_lines,
    thresholds_for_coefficients,
)
from .params import FIELD_SPECS, GainParams
from .results import (
    CountingCurves,
    ESABindingSeries,
    GainAtEnergy,
    PLQYSeries,
    PumpSlope,
    SingleWavelengthThresholds,
    SizeSeries,
)
from .standard_model import DEFAULT_DIAMETERS_NM, reference_diameter_nm, standard_model
from .statistics import occupation_probabilities, poisson_probabilities

MAX_GRID_POINTS = 400
DEFAULT_PLQY = np.linspace(0.2, 1.0, 41)  # 0.02 steps: sigma_eff/sigma_SE of CdSe turns up steeply above 0.9
DIAMETER_RANGE_NM = (0.5, 50.0)
STOKES_EXPONENT_RANGE = (0.0, 6.0)
ESA_VARIANTS = ("3LS+ESA", "4LS+ESA")
N_DEFAULT_OFFSETS = 41
SINGLE_WAVELENGTH_N_MIN = 1e-5
SINGLE_WAVELENGTH_POINTS = 400
PAPER_GAIN_N_AVG = 5.9
PAPER_DOPING = (0.0, 0.94, 1.99)
MAX_DOPING_LEVELS = 10
N_DEFAULT_GAIN_POINTS = 81
COUNTING_N_MAX = 20.0
DEFAULT_COUNTING_N = np.linspace(0.0, 6.0, 121)
SLOPE_N_AVG_RANGE = (1e-3, 3e-2)
SLOPE_POINTS = 9


def _grid(name: str, values: npt.ArrayLike | None, default: np.ndarray, low: float, high: float,
          unit: str = "") -> np.ndarray:
    """``values`` (or ``default``) as a 1-D float array of 1..MAX_GRID_POINTS finite values in [low, high]."""
    grid = np.array(default if values is None else values, dtype=float).ravel()
    if not 1 <= grid.size <= MAX_GRID_POINTS:
        raise ValueError(f"{name}: need 1 to {MAX_GRID_POINTS} values, got {grid.size}")
    bad = grid[~np.isfinite(grid) | (grid < low) | (grid > high)]
    if bad.size:
        raise ValueError(f"{name}: {bad[0]:g} is outside the allowed range {_range(low, high, unit)}")
    return grid


def _scalar(name: str, value: float, low: float, high: float, unit: str = "") -> float:
    """``value`` as a finite float in [low, high], or ValueError naming ``name``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a number (allowed {_range(low, high, unit)})") from None
    if not (np.isfinite(number) and low <= number <= high):
        raise ValueError(f"{name}: {number:g} is outside the allowed range {_range(low, high, unit)}")
    return number


def _count(name: str, value: int, low: int, high: int) -> int:
    """``value`` as an integer in [low, high], or ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise ValueError(f"{name}: {value!r} is not an integer in the allowed range [{low}, {high}]")
    return int(value)


def _range(low: float, high: float, unit: str) -> str:
    return f"[{low:g}, {high:g}]" + (f" {unit}" if unit else "")


def _field_range(name: str) -> tuple[float, float]:
    spec = FIELD_SPECS[name]
    assert spec.minimum is not None and spec.maximum is not None, f"{name} needs a bounded range"
    return float(spec.minimum), float(spec.maximum)


def plqy_series(params: GainParams, plqy_values: npt.ArrayLike | None = None) -> PLQYSeries:
    """<N_th> (``params.threshold_method``) and sigma_eff/sigma_SE versus PLQY ([000] Fig. 4a,b).

    PLQY only changes the trapped share of excited dots, not the lines, so the thresholds of
    all PLQY values are found in one batch on the operating point's lines.
    """
    plqy = _grid("plqy_values", plqy_values, DEFAULT_PLQY, *_field_range("plqy"))
    _, lines, _ = lines_for(params)
    each = [params.with_updates(plqy=float(q)) for q in plqy]
    n_th = thresholds_for_coefficients(params, np.stack([coefficients_for(p) for p in each]))
    ratio = np.array([float(sigma_ratio_from_lines(lines, p)) for p in each])
    return PLQYSeries(plqy, n_th, ratio, params.threshold_method)


def size_series(
    params: GainParams, diameters_nm: npt.ArrayLike | None = None, stokes_exponent: float = 2.0
) -> SizeSeries:
    """<N_th> versus dot diameter (nm) with only the Stokes shift scaling ([000] Fig. 4c).

    Delta_SS(d) = Delta_SS,ref (d_ref/d)^p, d_ref the diameter of a sphere of ``dot_volume_nm3``;
    the ESA offset Delta_XX^A = chi Delta_SS (meV) and eta are held, so chi(d) = Delta_XX^A/Delta_SS(d).
    Each diameter has its own lattice split, so they are solved one by one (cached lines). The
    Standard Model's Auger/1/V curve comes at the same diameters.
    """
    diameters = _grid("diameters_nm", diameters_nm, DEFAULT_DIAMETERS_NM, *DIAMETER_RANGE_NM, "nm")
    exponent = _scalar("stokes_exponent", stokes_exponent, *STOKES_EXPONENT_RANGE)
    if params.stokes_mev <= 0.0:
        raise ValueError("stokes_mev: 0 meV cannot be scaled with size; size_series needs a Stokes shift > 0")
    d_ref = reference_diameter_nm(params)
    offset = params.chi * params.stokes_mev
    stokes = params.stokes_mev * (d_ref / diameters) ** exponent
    chi = offset / stokes
    (stokes_lo, stokes_hi), (chi_lo, chi_hi) = _field_range("stokes_mev"), _field_range("chi")
    in_domain = (stokes >= stokes_lo) & (stokes <= stokes_hi) & (chi >= chi_lo) & (chi <= chi_hi)
    n_th = np.full(diameters.shape, np.nan)
    notes = []
    if not in_domain.all():
        notes.append(f"{', '.join(f'{d:g}' for d in diameters[~in_domain])} nm: Stokes shift outside "
                     f"[{stokes_lo:g}, {stokes_hi:g}] meV or chi outside [{chi_lo:g}, {chi_hi:g}]")
    for i in np.flatnonzero(in_domain):
        point = params.with_updates(stokes_mev=float(stokes[i]), chi=float(chi[i]))
        geometry = geometry_for(point)
        if abs(geometry.stokes_mev - stokes[i]) > 1e-6 * stokes[i]:
            in_domain[i] = False
            notes.append(f"{diameters[i]:g} nm: {geometry.note}")
        else:
            n_th[i] = gain_threshold(point).n_th
    return SizeSeries(diameters, d_ref, exponent, stokes, chi, offset, n_th, in_domain, params.threshold_method,
                      standard_model(params, diameters), "; ".join(notes))


def esa_binding_series(params: GainParams, offsets_mev: npt.ArrayLike | None = None) -> ESABindingSeries:
    """SE thresholds of the 3LS and 4LS with ESA versus the ESA offset Delta_XX^A (meV) ([001] Fig. 8g-h).

    The variants are ``level_scheme_variants(params)`` ("3LS+ESA", "4LS+ESA"); the offset places
    the ESA at E_A - Delta_XX^A, i.e. chi = Delta_XX^A/Delta_SS. As [001] reads them, "at the
    energy of the SE threshold and the SE maximum": the first net gain anywhere (``peak`` with the
    params' ``gain_min_fraction``: a zero floor is met at once in the far tails of the lines) and
    the ``probe`` threshold at the SE peak. Default offsets span the chi range of FIELD_SPECS.
    """
    variants = level_scheme_variants(params.with_updates(probe_detuning_mev=None))
    stokes = variants[ESA_VARIANTS[0]].stokes_mev
    chi_lo, chi_hi = _field_range("chi")
    default = np.linspace(chi_lo, chi_hi, N_DEFAULT_OFFSETS) * stokes
    offsets = _grid("offsets_mev", offsets_mev, default, chi_lo * stokes, chi_hi * stokes, "meV")
    chi = offsets / stokes

    def along_chi(variant: GainParams, method: str) -> np.ndarray:
        return phase_maps(variant, chi, [variant.eta], method=method, hold="stokes")["n_th"].values[0]

    chosen = [variants[name] for name in ESA_VARIANTS]
    without = [variants[name.removesuffix("+ESA")] for name in ESA_VARIANTS]
    return ESABindingSeries(
        offsets_mev=offsets,
        chi=chi,
        stokes_mev=stokes,
        variants=ESA_VARIANTS,
        n_th_first_gain=np.stack([along_chi(v, "peak") for v in chosen]),
        n_th_se_peak=np.stack([along_chi(v, "probe") for v in chosen]),
        no_esa_first_gain=np.array([gain_threshold(v, "peak").n_th for v in without]),
        no_esa_se_peak=np.array([gain_threshold(v, "probe").n_th for v in without]),
        gain_min_fraction=params.gain_min_fraction,
    )


def _first_gain(params: GainParams, sector: np.ndarray, n_grid: np.ndarray) -> np.ndarray:
    """Per energy: the smallest <N> with OD_NL = sum_N P_N(<N>) sector[N, E] < 0; NaN if none on ``n_grid``.

    ``sector`` (N + 1, E) is OD_NL per exciton number. The first sign change on the rising
    ``n_grid`` brackets each threshold, which is then bisected (in ln <N> once the bracket is
    above 0) with the exact OD_NL at that energy, to a relative width of ~1e-8.
    """
    n_max = sector.shape[0] - 1
    sweep = occupation_probabilities(n_grid, params.pump_mode, params.pump_sites, n_max) @ sector
    gain = sweep < 0.0
    k = np.argmax(gain, axis=0)
    lo, hi = n_grid[np.maximum(k - 1, 0)], n_grid[k]
    for _ in range(N_BISECTION):
        mid = np.where(lo > 0.0, np.sqrt(lo * hi), 0.5 * (lo + hi))
        probs = occupation_probabilities(mid, params.pump_mode, params.pump_sites, n_max)
        below = np.einsum("en,ne->e", probs, sector) < 0.0
        hi, lo = np.where(below, mid, hi), np.where(below, lo, mid)
    return np.where(gain.any(axis=0), hi, np.nan)


def single_wavelength_thresholds(
    params: GainParams,
    n_max: float | None = None,
    gain_n_avg: float | None = None,
    n_points: int = SINGLE_WAVELENGTH_POINTS,
    gain_min_fraction: float = 0.0,
) -> SingleWavelengthThresholds:
    """<N_gain,lambda>(E) (excitons/dot) on the energy grid of ``params`` and g(E) at ``gain_n_avg`` ([002] Fig. 5d-e).

    The threshold at E is the smallest <N> with -OD_NL(E) > ``gain_min_fraction`` max OD_0 (0:
    OD_NL(E) < 0), bracketed on 0 and ``n_points - 1`` log-spaced <N> from 1e-5 to ``n_max``
    (default the search limit) and bisected in ln <N>: the ``probe`` threshold at each energy
    (tests/core/test_figure_series.py). With a floor, the minimum over E is the ``peak``
    threshold of that ``gain_min_fraction``. ``gain_n_avg`` defaults to [002]'s 5.9 (at most
    the Rabi saturation).
    """
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    top = limit if n_max is None else _scalar("n_max", n_max, 10.0 * SINGLE_WAVELENGTH_N_MIN, limit, "excitons/dot")
    points = _count("n_points", n_points, 3, MAX_GRID_POINTS)
    n_top = _n_avg_top(params)
    gain_at = min(PAPER_GAIN_N_AVG, n_top) if gain_n_avg is None else _scalar(
        "gain_n_avg", gain_n_avg, 0.0, n_top, "excitons/dot")
    floor = _scalar("gain_min_fraction", gain_min_fraction, 0.0, _field_range("gain_min_fraction")[1])
    energy, lines, _ = lines_for(params)
    sector = coefficients_for(params) @ lines / od0_peak(params) + floor
    n_grid = np.concatenate([[0.0], np.geomspace(SINGLE_WAVELENGTH_N_MIN, top, points - 1)])
    gain = gain_coefficient_cm(params, nonlinear_absorption(params, gain_at).net)
    return SingleWavelengthThresholds(energy, _first_gain(params, sector, n_grid), gain, gain_at, params.n_doped,
                                      n_grid, floor)


def _n_avg_top(params: GainParams) -> float:
    """Largest <N> a spectrum can be asked for: the Rabi saturation for resonant pumping, else MAX_N_AVG."""
    return float(params.pump_sites) if params.pump_mode == "resonant" else MAX_N_AVG


def gain_at_energy_vs_n(
    params: GainParams,
    energy_mev: float,
    n_values: npt.ArrayLike | None = None,
    n_doped_values: npt.ArrayLike = PAPER_DOPING,
) -> GainAtEnergy:
    """Material gain (cm^-1) at ``energy_mev`` versus <N> for each doping <n_1S(e)> ([002] Fig. 5f).

    [002] reads it at 605 nm: ``energy_mev = PLANCK_MEV_NM / 605``. The lines do not depend
    on doping, so all doping levels and <N> share them; the gain maximum over energy (value and
    position) comes with it. Default <N>: 81 points from 0 to 20 (the Rabi saturation if resonant).
    """
    energy, lines, _ = lines_for(params)
    at = _scalar("energy_mev", energy_mev, float(energy[0]), float(energy[-1]), "meV (the energy grid)")
    n_top = _n_avg_top(params)
    n_avg = _grid("n_values", n_values, np.linspace(0.0, n_top, N_DEFAULT_GAIN_POINTS), 0.0, n_top, "excitons/dot")
    doping = _grid("n_doped_values", n_doped_values, np.asarray(PAPER_DOPING), *_field_range("n_doped"),
                   "electrons/dot")
    if doping.size > MAX_DOPING_LEVELS:
        raise ValueError(f"n_doped_values: need 1 to {MAX_DOPING_LEVELS} doping levels, got {doping.size}")
    coefficients = np.stack([coefficients_for(params.with_updates(n_doped=float(v))) for v in doping])
    probs = occupation_probabilities(n_avg, params.pump_mode, params.pump_sites, coefficients.shape[1] - 1)
    gain = gain_coefficient_cm(params, od_spectra(probs, coefficients, lines) / od0_peak(params))
    j = int(np.clip(np.searchsorted(energy, at) - 1, 0, energy.size - 2))
    frac = (at - energy[j]) / (energy[j + 1] - energy[j])
    peak = np.argmax(gain, axis=-1)
    return GainAtEnergy(
        energy_mev=at,
        wavelength_nm=PLANCK_MEV_NM / at,
        n_values=n_avg,
        n_doped_values=doping,
        gain_cm=(1.0 - frac) * gain[..., j] + frac * gain[..., j + 1],
        peak_gain_cm=gain.max(axis=-1),
        peak_energy_mev=energy[peak],
    )


def counting_curves(g_e: int = 2, g_h: int = 4, n_values: npt.ArrayLike | None = None) -> CountingCurves:
    """A*(N)/A*(0) by transition counting, for one dot and a Poisson ensemble ([002] SI Fig. S4a,b).

    eq. S3 (``unsaturated``) and eq. S4 (``saturated``, Max/Min) from ``transition_counts``; the
    ensemble is eq. S5 (Poisson, the sum run to N = 80). The first zero of each curve is found with
    the core's root finder on [0, 20].
    """
    g_e, g_h = _count("g_e", g_e, 1, 8), _count("g_h", g_h, 1, 8)
    n = _grid("n_values", n_values, DEFAULT_COUNTING_N, 0.0, COUNTING_N_MAX, "excitons/dot")
    norm = float(g_e * g_h)
    n_exc = np.arange(UNSATURATED_N_MAX + 1)

    def single(x: np.ndarray, saturate: bool) -> np.ndarray:
        up, down = transition_counts(g_e, g_h, x, 0, saturate=saturate)
        return (up - down) / norm

    def ensemble(x: np.ndarray, saturate: bool) -> np.ndarray:
        return poisson_probabilities(x, UNSATURATED_N_MAX) @ single(n_exc, saturate)

    curves = {
        "single_unsaturated": lambda x: single(x, False),
        "single_saturated": lambda x: single(x, True),
        "ensemble_unsaturated": lambda x: ensemble(x, False),
        "ensemble_saturated": lambda x: ensemble(x, True),
    }
    return CountingCurves(
        g_e=g_e,
        g_h=g_h,
        n_values=n,
        single_unsaturated=curves["single_unsaturated"](n),
        single_saturated=curves["single_saturated"](n),
        ensemble_unsaturated=curves["ensemble_unsaturated"](n),
        ensemble_saturated=curves["ensemble_saturated"](n),
        crossings={name: float(first_crossing(curve, (), COUNTING_N_MAX)) for name, curve in curves.items()},
    )


def two_photon_slope(
    params: GainParams,
    n_avg_range: tuple[float, float] = SLOPE_N_AVG_RANGE,
    n_points: int = SLOPE_POINTS,
) -> PumpSlope:
    """Log-log slope of the stripe output versus fluence for <N> in ``n_avg_range`` ([004] Fig. 2b).

    The output and its spontaneous reference come from ``ase_curve`` at fluences log-spaced in
    <N>; the slopes are least-squares fits in ln-ln (2 for two-photon pumping as <N> -> 0, 1 for
    one-photon). [004] measures 1.99, 2.08 and 2.01 for its three quantum shells.
    """
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    if len(n_avg_range) != 2:
        raise ValueError(f"n_avg_range: {n_avg_range!r} must be (lowest, highest) <N>")
    low = _scalar("n_avg_range[0]", n_avg_range[0], 1e-6, limit, "excitons/dot")
    high = _scalar("n_avg_range[1]", n_avg_range[1], low, limit, "excitons/dot")
    if high <= low:
        raise ValueError(f"n_avg_range: {n_avg_range!r} needs lowest < highest")
    points = _count("n_points", n_points, 3, MAX_GRID_POINTS)
    curve = ase_curve(params, fluence_from_n_avg(params, np.geomspace(low, high, points)))
    log_j = np.log(curve.fluence_mj_cm2)
    spontaneous = curve.spontaneous_output
    assert spontaneous is not None, "ase_curve returns the spontaneous reference"
    return PumpSlope(
        pump_mode=params.pump_mode,
        fluence_mj_cm2=curve.fluence_mj_cm2,
        n_avg=curve.n_avg,
        output_integrated=curve.output_integrated,
        spontaneous_output=spontaneous,
        output_slope=float(np.polyfit(log_j, np.log(curve.output_integrated), 1)[0]),
        spontaneous_slope=float(np.polyfit(log_j, np.log(spontaneous), 1)[0]),
        below_threshold=bool(np.all(curve.peak_net_gain_cm <= 0.0)),
    )

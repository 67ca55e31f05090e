"""The model curves of each figure kind the paper-figure gallery shows, as plain data.

``model_figure(kind, params)`` returns a ``ModelFigure``: axis names with units and the
model's curves, in float64, for the command line (``python -m qdgain_core figure <id>``),
the Python API (``qdgain_core.paper_figure``) and the dashboard panels that draw nothing
but these curves. ``KINDS`` is the one table of figure kinds; a figure of
``data/paper_figures.json`` naming a kind missing here fails at import
(``qdgain_core.paper_figures``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import figure_series
from .anchors import anchors_of
from .ase import ase_curve
from .constants import PLANCK_MEV_NM
from .crossing import search_limit
from .dynamics import gain_dynamics
from .ensemble import geometry_for, nonlinear_absorption
from .level_schemes import level_scheme_variants
from .maps import default_hold, phase_cuts
from .measured import MeasuredPoint
from .observables import gain_threshold, se_map, threshold_vs_doping
from .params import GainParams
from .presets import PRESETS
from .results import PhaseCuts
from .statistics import electrons_vs_potential

CUT_POINTS = 81
DOPING_POINTS = 41
SE_MAP_ROWS = (0.5, 1.0, 1.5, 2.0, 3.0)
# The presets of the categorical figures, with the short name each category shows.
QS_PRESETS = MappingProxyType({"qs_4p5nm": "QS, 4.5 nm core", "qs_6p0nm": "QS, 6.0 nm core",
                               "qs_8p2nm": "QS, 8.2 nm core"})
UNIVERSAL_PRESETS = MappingProxyType({"cdse_core": "CdSe cores", "cdse_graded_alloy": "CdSe/CdS/ZnS graded alloy",
                                      "cspbbr3": "CsPbBr3"})
WAVELENGTH_605_NM = 605.0


@dataclass(frozen=True)
class Curve:
    """One model curve: ``y`` (``ModelFigure.y_unit``) versus ``x``; ``role`` "model" or "reference"."""

    name: str
    x: np.ndarray
    y: np.ndarray
    role: str = "model"


@dataclass(frozen=True)
class ModelFigure:
    """Axis names (with units) and the model curves of one figure kind; categorical x when ``categories``
    (a curve's x is then the category index), with the measured values anchored to each category
    (``anchored``: category index, measured point; data/anchors.csv)."""

    kind: str
    x_label: str
    x_unit: str
    y_label: str
    y_unit: str
    curves: tuple[Curve, ...]
    log_x: bool = False
    log_y: bool = False
    categories: tuple[str, ...] = ()
    anchored: tuple[tuple[int, MeasuredPoint], ...] = ()


def _cuts(params: GainParams) -> PhaseCuts:
    chi = np.linspace(-0.5, 1.5, CUT_POINTS)
    eta = np.geomspace(0.1, 100.0, CUT_POINTS)
    return phase_cuts(params, chi, eta, hold=default_hold(params))


def _cut(quantity: str, axis: str) -> Callable[[GainParams], ModelFigure]:
    labels = {"n_th": ("<N_th>", "excitons/dot"), "sigma_ratio": ("sigma_eff/sigma_SE", "")}
    attribute = {("n_th", "chi"): "n_th_vs_chi", ("n_th", "eta"): "n_th_vs_eta",
                 ("sigma_ratio", "chi"): "ratio_vs_chi", ("sigma_ratio", "eta"): "ratio_vs_eta"}[quantity, axis]

    def build(params: GainParams) -> ModelFigure:
        cuts = _cuts(params)
        x = getattr(cuts, axis)
        fixed = f"eta = {params.eta:g}" if axis == "chi" else f"chi = {params.chi:g}"
        y_label, y_unit = labels[quantity]
        x_label = "chi = Delta_XX^A/Delta_SS" if axis == "chi" else "eta = Delta_FS/s_w"
        return ModelFigure(f"cut_{quantity}_{axis}", x_label, "", y_label, y_unit,
                           (Curve(f"model ({fixed}, {params.threshold_method} method)", x,
                                  np.asarray(getattr(cuts, attribute), dtype=float)),),
                           log_x=axis == "eta")

    return build


def _se_map(params: GainParams) -> ModelFigure:
    """OD_NL(E) at the rows of SE_MAP_ROWS the pump mode reaches (resonant pumping saturates at g_e)."""
    limit, _ = search_limit(params.pump_mode, params.pump_sites, params.n_search_max)
    rows = np.array([n for n in SE_MAP_ROWS if n <= limit])
    result = se_map(params, rows)
    curves = tuple(Curve(f"<N> = {n:g}", result.energy_mev, result.od[i]) for i, n in enumerate(rows))
    return ModelFigure("se_map", "photon energy", "meV", "OD_NL/max OD_0", "", curves)


def _ase_output(params: GainParams) -> ModelFigure:
    curve = ase_curve(params)
    curves = [Curve("stripe output", curve.fluence_mj_cm2, curve.output_integrated)]
    if curve.spontaneous_output is not None:
        curves.append(Curve("spontaneous reference", curve.fluence_mj_cm2, curve.spontaneous_output, "reference"))
    return ModelFigure("ase_output", "pump fluence", "mJ/cm^2", "integrated output", "photons/cm^2", tuple(curves),
                       log_x=True, log_y=True)


def _ase_schemes(params: GainParams) -> ModelFigure:
    curves = []
    for name, variant in level_scheme_variants(params).items():
        curve = ase_curve(variant)
        curves.append(Curve(name, curve.fluence_mj_cm2, curve.output_integrated))
    return ModelFigure("ase_schemes", "pump fluence", "mJ/cm^2", "integrated output", "photons/cm^2", tuple(curves),
                       log_x=True, log_y=True)


def _doping_threshold(params: GainParams) -> ModelFigure:
    doping = np.linspace(0.0, 2.0, DOPING_POINTS)
    return ModelFigure("doping_threshold", "<n_1S(e)>", "electrons/dot", "<N_th>", "excitons/dot",
                       (Curve(f"model ({params.threshold_method} method)", doping,
                              threshold_vs_doping(params, doping)),))


def _doping_potential(params: GainParams) -> ModelFigure:
    potential = np.linspace(params.v_1s_mv - 600.0, params.v_1s_mv + 600.0, 201)
    electrons = electrons_vs_potential(potential, params.v_1s_mv, params.charging_energy_mev,
                                       params.doping_temperature_k, params.sigma_1s_mv)
    return ModelFigure("doping_potential", "electrode potential", "mV vs Ag pseudoreference", "<n_1S(e)>",
                       "electrons/dot", (Curve("grand-canonical model", potential, electrons),))


def _dynamics_lifetime(params: GainParams) -> ModelFigure:
    dynamics = gain_dynamics(params)
    curves = tuple(Curve(f"{level} 1S(e) electron{'s' if level != 1 else ''}", dynamics.n_x_values,
                         dynamics.gain_lifetime_ps[i]) for i, level in enumerate(dynamics.doping_levels))
    return ModelFigure("dynamics_lifetime", "<N_X>", "excitons/dot", "gain lifetime", "ps", curves)


def _preset_values(names: Mapping[str, str], value: Callable[[GainParams], float], quantity: str, label: str,
                   kind: str, y_label: str, y_unit: str) -> ModelFigure:
    """One model value per preset (``names``: preset -> category) on a categorical axis, with each preset's
    unconditional anchors of ``quantity``."""
    categories = tuple(names.values())
    values = np.array([value(PRESETS[name].params) for name in names], dtype=float)
    anchored = tuple((i, anchor.point) for i, name in enumerate(names) for anchor in anchors_of(name)
                     if anchor.quantity == quantity and not anchor.condition)
    return ModelFigure(kind, "sample", "", y_label, y_unit, (Curve(label, np.arange(len(names), dtype=float), values),),
                       categories=categories, anchored=anchored)


def _operating_threshold(params: GainParams) -> float:
    return gain_threshold(params).n_th


def _universal(_: GainParams) -> ModelFigure:
    return _preset_values(UNIVERSAL_PRESETS, _operating_threshold, "n_th", "model (preset)", "universal_thresholds",
                          "<N_th>", "excitons/dot")


def _qs_thresholds(_: GainParams) -> ModelFigure:
    def threshold(params: GainParams) -> float:
        value = ase_curve(params).threshold_mj_cm2
        return np.nan if value is None else value

    return _preset_values(QS_PRESETS, threshold, "ase_threshold_mj_cm2", "model ASE threshold", "qs_thresholds",
                          "two-photon ASE threshold", "mJ/cm^2")


def _plqy(quantity: str) -> Callable[[GainParams], ModelFigure]:
    def build(params: GainParams) -> ModelFigure:
        series = figure_series.plqy_series(params)
        if quantity == "n_th":
            return ModelFigure("plqy_threshold", "PLQY", "", "<N_th>", "excitons/dot",
                               (Curve(f"model ({params.threshold_method} method)", series.plqy, series.n_th),))
        return ModelFigure("plqy_sigma", "PLQY", "", "sigma_eff/sigma_SE", "",
                           (Curve("model", series.plqy, series.sigma_ratio),))

    return build


def _size(params: GainParams) -> ModelFigure:
    series = figure_series.size_series(params)
    return ModelFigure("size_threshold", "dot diameter", "nm", "<N_th>", "excitons/dot",
                       (Curve("model: Stokes shift scaled with size", series.diameters_nm, series.n_th),
                        Curve("Standard Model (Auger, 1/V)", series.diameters_nm, series.standard_model_n_th,
                              "reference")))


# [001] Fig. 8g-h: the Simple Model's two lasing systems, each as its own preset, with ESA.
ESA_BINDING_SYSTEMS = MappingProxyType({"simple_model_3ls": "3LS+ESA", "simple_model_4ls": "4LS+ESA"})


def _esa_binding(_: GainParams) -> ModelFigure:
    """Threshold versus the ESA offset of the 3LS and the 4LS presets, at the SE maximum and at the first net gain
    anywhere ([001] Fig. 8g-h: "at the energy of the SE threshold and the SE maximum")."""
    curves = []
    for preset, variant in ESA_BINDING_SYSTEMS.items():
        params = PRESETS[preset].params
        series = figure_series.esa_binding_series(params)
        row = series.variants.index(variant)
        label = f"{variant[:3]} (Delta_SS = {series.stokes_mev:g} meV)"
        curves.append(Curve(f"{label}, SE maximum", series.offsets_mev, series.n_th_se_peak[row]))
        curves.append(Curve(f"{label}, first net gain", series.offsets_mev, series.n_th_first_gain[row]))
    return ModelFigure("esa_binding", "ESA biexciton offset Delta_XX^A", "meV", "<N_th>", "excitons/dot",
                       tuple(curves))


def _counting(params: GainParams) -> ModelFigure:
    curves = figure_series.counting_curves(params.g_e, params.g_h)
    return ModelFigure("counting", "<N>", "excitons/dot", "A*(<N>)/A*(0)", "",
                       tuple(Curve(name, curves.n_values, values) for name, values in curves.curves.items()))


WAVELENGTH_OD0_FLOOR = 1e-3


def _wavelength_threshold(params: GainParams) -> ModelFigure:
    """[002] Fig. 5d-e: the undoped film and the film at the params' doping (when it is doped), where the linear
    absorption is at least WAVELENGTH_OD0_FLOOR of its peak (further out no measurement sees a threshold, and the
    root finder's tolerance, not the physics, sets the value)."""
    dopings = (0.0, params.n_doped) if params.n_doped > 0 else (0.0,)
    linear = nonlinear_absorption(params, 0.0)
    curves = []
    for doped in dopings:
        series = figure_series.single_wavelength_thresholds(params.with_updates(n_doped=doped))
        od0 = linear.linear_absorption  # on the same energy grid (the params' lines)
        shown = np.where(od0 >= WAVELENGTH_OD0_FLOOR * od0.max(), series.n_th, np.nan)
        curves.append(Curve(f"<n_1S(e)> = {doped:g}", series.energy_mev, shown))
    return ModelFigure("wavelength_threshold", "photon energy", "meV", "<N_gain,lambda>", "excitons/dot",
                       tuple(curves), log_y=True)


def _gain_605(params: GainParams) -> ModelFigure:
    """[002] Fig. 5f at 605 nm; a material whose spectrum does not reach 605 nm is read at its emission peak."""
    try:
        series = figure_series.gain_at_energy_vs_n(params, PLANCK_MEV_NM / WAVELENGTH_605_NM)
    except ValueError:
        series = figure_series.gain_at_energy_vs_n(params, geometry_for(params).emission_mev)
    curves = tuple(Curve(f"<n_1S(e)> = {doped:g}, {series.wavelength_nm:.0f} nm", series.n_values, series.gain_cm[i])
                   for i, doped in enumerate(series.n_doped_values))
    return ModelFigure("gain_605", "<N_X>", "excitons/dot", "gain coefficient", "cm^-1", curves)


KINDS: MappingProxyType[str, Callable[[GainParams], ModelFigure]] = MappingProxyType({
    "plqy_threshold": _plqy("n_th"),
    "plqy_sigma": _plqy("sigma_ratio"),
    "size_threshold": _size,
    "cut_nth_chi": _cut("n_th", "chi"),
    "cut_nth_eta": _cut("n_th", "eta"),
    "cut_ratio_chi": _cut("sigma_ratio", "chi"),
    "cut_ratio_eta": _cut("sigma_ratio", "eta"),
    "se_map": _se_map,
    "esa_binding": _esa_binding,
    "ase_schemes": _ase_schemes,
    "ase_output": _ase_output,
    "universal_thresholds": _universal,
    "counting": _counting,
    "doping_potential": _doping_potential,
    "doping_threshold": _doping_threshold,
    "dynamics_lifetime": _dynamics_lifetime,
    "wavelength_threshold": _wavelength_threshold,
    "gain_605": _gain_605,
    "qs_thresholds": _qs_thresholds,
})


def model_figure(kind: str, params: GainParams) -> ModelFigure:
    """The model curves of figure ``kind`` for ``params``; ValueError naming the kinds otherwise."""
    if kind not in KINDS:
        raise ValueError(f"figure kind {kind!r}: not one of {', '.join(KINDS)}")
    return KINDS[kind](params)

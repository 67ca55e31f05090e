"""qdgain_core: optical gain in colloidal quantum dots, one ensemble engine for every paper's model.

Pure numpy/scipy (never imports dash or flask). Public API: the names in ``__all__``.
Design: ../shared/MODEL.md; sources: the papers in ../shared/seeds ([000], [001], [002], [004]).
"""

from .ensemble import nonlinear_absorption
from .maps import phase_cuts, phase_map, phase_maps
from .observables import all_thresholds, counting_threshold, gain_threshold, measured_ratio, se_map, sigma_eff_ratio
from .params import FIELD_SPECS, GainParams, coerce_params, rounded
from .results import ASECurve, GainDynamics, Geometry, PhaseMap, SEMap, Spectra, Threshold
from .statistics import doping_fractions, electrons_vs_potential

__version__ = "0.1.0"

__all__ = [
    "ASECurve",
    "FIELD_SPECS",
    "GainDynamics",
    "GainParams",
    "Geometry",
    "PhaseMap",
    "SEMap",
    "Spectra",
    "Threshold",
    "all_thresholds",
    "coerce_params",
    "counting_threshold",
    "doping_fractions",
    "electrons_vs_potential",
    "gain_threshold",
    "measured_ratio",
    "nonlinear_absorption",
    "phase_cuts",
    "phase_map",
    "phase_maps",
    "rounded",
    "se_map",
    "sigma_eff_ratio",
]

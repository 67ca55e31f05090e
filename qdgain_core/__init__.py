"""qdgain_core: optical gain in colloidal quantum dots, one ensemble engine for every paper's model.

Pure numpy/scipy (never imports dash or flask). Public API: the names in ``__all__``.
Design: docs/model.md and docs/model_notes.md; sources: the four papers of
docs/references.md ([000], [001], [002], [004]).
"""

from .ase import ase_curve, gain_coefficient_cm
from .dynamics import auger_rate, gain_dynamics
from .ensemble import geometry_for, nonlinear_absorption
from .excitation import fluence_from_n_avg, n_avg_from_fluence
from .figure_series import (
    counting_curves,
    esa_binding_series,
    gain_at_energy_vs_n,
    plqy_series,
    single_wavelength_thresholds,
    size_series,
    two_photon_slope,
)
from .fitting import (
    FIT_PARAMETERS,
    FitResiduals,
    FitResult,
    fit,
    fit_report_csv,
    fit_result_from_json,
    fit_result_to_json,
)
from .level_schemes import level_scheme_variants
from .maps import HOLDS, default_hold, phase_cuts, phase_map, phase_maps
from .measured import MeasuredPoint, datasets, measured_points
from .observables import (
    all_thresholds,
    counting_threshold,
    gain_threshold,
    measured_ratio,
    se_map,
    sigma_eff_ratio,
    threshold_vs_doping,
)
from .paper_figures import FIGURE_IDS, PaperFigure, PaperFigureData, paper_figure
from .params import (
    COUNTING_SCHEMES,
    FIELD_SPECS,
    LINESHAPE_MODELS,
    PUMP_MODES,
    THRESHOLD_METHODS,
    GainParams,
    coerce_params,
    rounded,
)
from .presets import PRESETS, Preset
from .results import (
    ASECurve,
    CountingCurves,
    ESABindingSeries,
    GainAtEnergy,
    GainDynamics,
    Geometry,
    PhaseCuts,
    PhaseMap,
    PLQYSeries,
    PumpSlope,
    SEMap,
    SingleWavelengthThresholds,
    SizeSeries,
    Spectra,
    StandardModel,
    Threshold,
)
from .standard_model import standard_model
from .statistics import doping_fractions, electrons_vs_potential
from .sweeps import (
    SweepAxis,
    SweepTable,
    high_resolution_maps,
    maps_to_json,
    sweep,
    sweep_table_csv,
    sweep_table_from_json,
    sweep_table_to_json,
)

__version__ = "0.1.0"

__all__ = [
    "COUNTING_SCHEMES",
    "FIELD_SPECS",
    "FIGURE_IDS",
    "FIT_PARAMETERS",
    "HOLDS",
    "LINESHAPE_MODELS",
    "PRESETS",
    "PUMP_MODES",
    "THRESHOLD_METHODS",
    "ASECurve",
    "CountingCurves",
    "ESABindingSeries",
    "FitResiduals",
    "FitResult",
    "GainAtEnergy",
    "GainDynamics",
    "GainParams",
    "Geometry",
    "MeasuredPoint",
    "PLQYSeries",
    "PaperFigure",
    "PaperFigureData",
    "PhaseCuts",
    "PhaseMap",
    "Preset",
    "PumpSlope",
    "SEMap",
    "SingleWavelengthThresholds",
    "SizeSeries",
    "Spectra",
    "StandardModel",
    "SweepAxis",
    "SweepTable",
    "Threshold",
    "all_thresholds",
    "ase_curve",
    "auger_rate",
    "coerce_params",
    "counting_curves",
    "counting_threshold",
    "datasets",
    "default_hold",
    "doping_fractions",
    "electrons_vs_potential",
    "esa_binding_series",
    "fit",
    "fit_report_csv",
    "fit_result_from_json",
    "fit_result_to_json",
    "fluence_from_n_avg",
    "gain_at_energy_vs_n",
    "gain_coefficient_cm",
    "gain_dynamics",
    "gain_threshold",
    "geometry_for",
    "high_resolution_maps",
    "level_scheme_variants",
    "maps_to_json",
    "measured_points",
    "measured_ratio",
    "n_avg_from_fluence",
    "nonlinear_absorption",
    "paper_figure",
    "phase_cuts",
    "phase_map",
    "phase_maps",
    "plqy_series",
    "rounded",
    "se_map",
    "sigma_eff_ratio",
    "single_wavelength_thresholds",
    "size_series",
    "standard_model",
    "sweep",
    "sweep_table_csv",
    "sweep_table_from_json",
    "sweep_table_to_json",
    "threshold_vs_doping",
    "two_photon_slope",
]

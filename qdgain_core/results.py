"""Typed, immutable result objects returned by the public API.

Spectra are in units of the peak of the linear absorption (``OD / max OD_0``), energies in
meV, times in ps, fluences in mJ/cm^2, gain in cm^-1. Arrays are numpy arrays and are
not to be modified in place (results may be shared through caches).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class StandardModel:
    """Standard-Model <N_th> versus dot diameter ([000] Fig. 4c inset): tau_XX scaled as V.

    ``n_th`` is inf where there is no gain up to the search limit; ``n_th_counting`` is the
    delay-free two-level (counting) value.
    """

    diameters_nm: np.ndarray
    tau_xx_ps: np.ndarray
    n_th: np.ndarray
    n_th_counting: float
    probe_delay_ps: float


@dataclass(frozen=True)
class Threshold:
    """Gain threshold <N_th> (excitons/dot) by one method of docs/model.md section 5.

    ``n_th`` is ``math.inf`` and ``found`` False when there is no net gain up to the search
    limit; ``reason`` then says why. A zero threshold (e.g. <n_1S(e)> = 2) is ``0.0``.
    """

    method: str
    n_th: float
    found: bool
    reason: str = ""

    def as_text(self, digits: int = 3) -> str:
        """Human-readable value: the number, or the reason there is none."""
        return f"{self.n_th:.{digits}g}" if self.found else f"no gain ({self.reason})"


@dataclass(frozen=True)
class Geometry:
    """Resolved level scheme of one parameter set (all meV).

    First-moment energies of the lines (docs/model.md, level schemes) and the solved split of
    the Stokes shift into fine structure and lattice reorganization. ``emission_mev`` is the
    X_E emission (E_A - Delta_SS), ``fine_structure_absorption_mev`` its Einstein partner.
    """

    fine_structure_mev: float
    reorganization_mev: float
    phonon_width_mev: float
    stokes_mev: float
    eta_effective: float
    absorption_mev: float
    emission_mev: float
    esa_mev: float
    biexciton_emission_mev: float
    trap_esa_mev: float
    note: str = ""
    fine_structure_absorption_mev: float | None = None
    trion_absorption_mev: float | None = None
    trion_emission_mev: float | None = None
    high_absorption_mev: float | None = None
    biexciton_partner_mev: float | None = None
    biexciton_reorganization_mev: float = 0.0


@dataclass(frozen=True)
class Spectra:
    """Nonlinear absorption OD_NL(E; <N>, <n>) and its parts at one operating point.

    All spectra in units of max OD_0 (so ``linear_absorption.max() == 1``). ``net`` equals
    ``ground_state_absorption + excited_state_absorption - stimulated_emission
    - biexciton_emission``. The single-dot cross sections (``sigma_*``) are per singly
    excited dot, normalised to the peak of the ground-state absorption cross section.
    """

    energy_mev: np.ndarray
    n_avg: float
    n_doped: float
    linear_absorption: np.ndarray
    ground_state_absorption: np.ndarray
    excited_state_absorption: np.ndarray
    stimulated_emission: np.ndarray
    biexciton_emission: np.ndarray
    net: np.ndarray
    sigma_se: np.ndarray
    sigma_esa: np.ndarray
    sigma_eff: np.ndarray
    geometry: Geometry


@dataclass(frozen=True)
class SEMap:
    """OD_NL(E, <N>) on a grid ([001] Fig. 8c-f), in units of max OD_0.

    ``od`` has shape (len(n_values), len(energy_mev)); ``threshold`` is the operating
    method's <N_th> (drawn as the threshold line).
    """

    energy_mev: np.ndarray
    n_values: np.ndarray
    od: np.ndarray
    threshold: Threshold


@dataclass(frozen=True)
class PhaseMap:
    """A quantity over the (chi, eta) plane ([000] Fig. 5).

    ``values`` has shape (len(eta_values), len(chi_values)); for ``quantity == "n_th"``
    entries with no gain up to the search limit are ``inf``; rows whose Stokes shift would
    exceed E_A/2 are ``nan`` (outside the model's domain). ``stokes_mev`` is the Stokes
    shift of each eta row and ``fine_structure_mev`` its fine structure; ``hold`` says which
    of the two the eta axis holds fixed ("fine_structure" or "stokes").
    """

    quantity: str
    method: str
    chi_values: np.ndarray
    eta_values: np.ndarray
    values: np.ndarray
    stokes_mev: np.ndarray
    held_fixed: dict = field(default_factory=dict)
    hold: str = "fine_structure"
    fine_structure_mev: np.ndarray | None = None


@dataclass(frozen=True)
class PhaseCuts:
    """The four 1-D cuts through the operating point ([000] Fig. 5a-d).

    ``n_th_vs_chi`` / ``ratio_vs_chi`` at the operating eta, ``n_th_vs_eta`` / ``ratio_vs_eta``
    at the operating chi; ``stokes_vs_eta_mev`` and ``fine_structure_vs_eta_mev`` are the
    Stokes shift and fine structure of each eta point and ``hold`` the quantity held along
    eta ("fine_structure" or "stokes").
    """

    chi: np.ndarray
    eta: np.ndarray
    n_th_vs_chi: np.ndarray
    ratio_vs_chi: np.ndarray
    n_th_vs_eta: np.ndarray
    ratio_vs_eta: np.ndarray
    stokes_vs_eta_mev: np.ndarray
    hold: str
    fine_structure_vs_eta_mev: np.ndarray | None = None


@dataclass(frozen=True)
class ASECurve:
    """Stripe ASE output versus pump fluence ([001] Fig. 9; model in ``qdgain_core.ase``).

    ``spectra`` has shape (len(fluence_mj_cm2), len(energy_mev)): photons per pulse per cm^2
    of film cross-section per meV leaving the stripe end (one scale for all fluences);
    ``output_integrated`` is its integral over energy (photons/cm^2). ``threshold_mj_cm2``
    is the ASE onset (``threshold_criterion``), reported only where the peak net modal gain
    is positive; it is ``None`` otherwise (``threshold_reason`` says why).

    Added in design v2 (all per fluence unless noted): ``spontaneous_output`` and
    ``spontaneous_slope``, the spontaneous reference (the stripe with the stimulated
    processes switched off) and its d ln I/d ln J; ``threshold_criterion``, the onset rule in
    words; ``net_gain_peak_mev``, the energy of the largest small-signal net modal gain;
    ``transparency_n_avg`` (scalar), the smallest <N> with material gain anywhere (inf if
    none in the range); the photon budgets per cm^2 of film cross-section:
    ``excitations_cm2`` (n_QD <N> L), ``extractable_cm2`` (excitations above transparency less
    the spontaneous photons), ``stimulated_cm2`` (stimulated photons emitted, <= extractable)
    and ``spontaneous_cm2`` (spontaneous photons put into the mode); ``exit_n_avg``, the <N>
    the ASE pulse leaves in the last slab of the stripe (= <N> when nothing is extracted).
    """

    fluence_mj_cm2: np.ndarray
    n_avg: np.ndarray
    energy_mev: np.ndarray
    spectra: np.ndarray
    output_integrated: np.ndarray
    peak_net_gain_cm: np.ndarray
    spike_energy_mev: np.ndarray
    spike_fwhm_mev: np.ndarray
    log_slope: np.ndarray
    threshold_mj_cm2: float | None
    threshold_n_avg: float | None
    threshold_reason: str = ""
    spontaneous_output: np.ndarray | None = None
    spontaneous_slope: np.ndarray | None = None
    threshold_criterion: str = ""
    net_gain_peak_mev: np.ndarray | None = None
    transparency_n_avg: float | None = None
    excitations_cm2: np.ndarray | None = None
    extractable_cm2: np.ndarray | None = None
    stimulated_cm2: np.ndarray | None = None
    spontaneous_cm2: np.ndarray | None = None
    exit_n_avg: np.ndarray | None = None


@dataclass(frozen=True)
class GainDynamics:
    """Auger-cascade gain dynamics ([002] section S1.5, Fig. 5c).

    ``a_star`` has shape (len(doping_levels), len(n_x_values), len(time_ps)): the
    band-integrated excited-state absorption in units of the band-integrated linear
    absorption (negative = gain). ``gain_lifetime_ps`` is the time A* stays below -1 %
    of the linear absorption (the detection floor; 0 where it never does). ``operating_a_star`` is
    A*(t) at the operating point (<N> = params.n_avg, doping fractions of params.n_doped).
    """

    time_ps: np.ndarray
    n_x_values: np.ndarray
    doping_levels: tuple[int, ...]
    a_star: np.ndarray
    gain_lifetime_ps: np.ndarray
    operating_a_star: np.ndarray
    operating_gain_lifetime_ps: float
    tau_multiexciton_ps: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PLQYSeries:
    """<N_th> and sigma_eff/sigma_SE versus PLQY at fixed dot size ([000] Fig. 4a,b).

    ``n_th`` (excitons/dot) by ``method`` (inf where no gain up to the search limit);
    ``sigma_ratio`` is the single-exciton sigma_eff/sigma_SE,bare (dimensionless).
    """

    plqy: np.ndarray
    n_th: np.ndarray
    sigma_ratio: np.ndarray
    method: str


@dataclass(frozen=True)
class SizeSeries:
    """<N_th> versus dot diameter when only the Stokes shift scales with size ([000] Fig. 4c).

    Delta_SS(d) = Delta_SS,ref (d_ref/d)^p (``stokes_mev``) with the ESA offset
    Delta_XX^A = ``esa_offset_mev`` held, so chi = Delta_XX^A/Delta_SS (``chi``); eta and
    everything else are held. ``n_th`` (excitons/dot, by ``method``) is NaN where
    ``in_domain`` is False (Stokes shift or chi outside the FIELD_SPECS ranges, or a Stokes
    shift the lattice cannot realise; ``domain_note`` says which). ``standard_model`` is the
    Auger/1/V reference at the same diameters ([000] Fig. 4c inset).
    """

    diameters_nm: np.ndarray
    reference_diameter_nm: float
    stokes_exponent: float
    stokes_mev: np.ndarray
    chi: np.ndarray
    esa_offset_mev: float
    n_th: np.ndarray
    in_domain: np.ndarray
    method: str
    standard_model: StandardModel
    domain_note: str = ""

    @property
    def standard_model_n_th(self) -> np.ndarray:
        """The Standard Model's <N_th> (excitons/dot) at ``diameters_nm``."""
        return self.standard_model.n_th


@dataclass(frozen=True)
class ESABindingSeries:
    """SE thresholds of the 3LS and 4LS with ESA versus the ESA offset Delta_XX^A ([001] Fig. 8g-h).

    Arrays (len(variants), len(offsets_mev)), excitons/dot, inf where no gain: ``n_th_first_gain``
    is the first net gain at any energy (``peak`` method, net gain >= ``gain_min_fraction`` max OD_0),
    ``n_th_se_peak`` the threshold at the single-exciton SE maximum (``probe`` at E_A - Delta_SS).
    ``chi`` = offsets / ``stokes_mev``; ``no_esa_first_gain`` and ``no_esa_se_peak`` (len(variants),)
    are the same variants without ESA (offset independent).
    """

    offsets_mev: np.ndarray
    chi: np.ndarray
    stokes_mev: float
    variants: tuple[str, ...]
    n_th_first_gain: np.ndarray
    n_th_se_peak: np.ndarray
    no_esa_first_gain: np.ndarray
    no_esa_se_peak: np.ndarray
    gain_min_fraction: float

    @property
    def curves(self) -> dict[str, np.ndarray]:
        """<N_th> versus ``offsets_mev`` by label: each variant at the first net gain and at the SE maximum."""
        out = {}
        for i, name in enumerate(self.variants):
            out[f"{name}, first net gain"] = self.n_th_first_gain[i]
            out[f"{name}, SE maximum"] = self.n_th_se_peak[i]
        return out


@dataclass(frozen=True)
class SingleWavelengthThresholds:
    """Single-wavelength gain threshold <N_gain,lambda>(E) and the gain spectrum ([002] Fig. 5d-e).

    ``n_th`` (excitons/dot) is the smallest <N> with -OD_NL(E) > ``gain_min_fraction`` max OD_0
    (0: OD_NL(E) < 0) on the grid ``n_grid`` (0 and log-spaced points, crossings bisected
    in ln <N>), NaN where there is no gain up to ``n_grid[-1]``; ``gain_cm`` (cm^-1) is the
    material gain g(E) at <N> = ``gain_n_avg``, at the doping ``n_doped`` (electrons/dot).
    """

    energy_mev: np.ndarray
    n_th: np.ndarray
    gain_cm: np.ndarray
    gain_n_avg: float
    n_doped: float
    n_grid: np.ndarray
    gain_min_fraction: float = 0.0


@dataclass(frozen=True)
class GainAtEnergy:
    """Material gain at one photon energy versus <N> for several doping levels ([002] Fig. 5f).

    ``gain_cm`` (len(n_doped_values), len(n_values)) in cm^-1 at ``energy_mev``
    (``wavelength_nm``); negative is absorption. ``peak_gain_cm`` and ``peak_energy_mev`` are
    the largest gain over energy and where it sits, per doping level and <N>.
    """

    energy_mev: float
    wavelength_nm: float
    n_values: np.ndarray
    n_doped_values: np.ndarray
    gain_cm: np.ndarray
    peak_gain_cm: np.ndarray
    peak_energy_mev: np.ndarray


@dataclass(frozen=True)
class CountingCurves:
    """Band-edge absorption A*(N)/A*(0) by transition counting ([002] SI eqs. S3-S5, Fig. S4a,b).

    ``single_*`` for one dot holding N excitons (N = ``n_values``, continuous), ``ensemble_*``
    for a Poisson ensemble with <N> = ``n_values`` (eq. S5); ``unsaturated`` is eq. S3,
    ``saturated`` eq. S4 (Max/Min). ``crossings`` maps each curve's name to its first zero
    (excitons/dot; inf if none up to 20): 4/3 except ``ensemble_saturated`` (1.5423 for 2, 4).
    """

    g_e: int
    g_h: int
    n_values: np.ndarray
    single_unsaturated: np.ndarray
    single_saturated: np.ndarray
    ensemble_unsaturated: np.ndarray
    ensemble_saturated: np.ndarray
    crossings: dict = field(default_factory=dict)

    @property
    def curves(self) -> dict[str, np.ndarray]:
        """The four curves versus ``n_values`` by label (single dot / ensemble, eq. S3 / eq. S4)."""
        return {
            "single dot, eq. S3": self.single_unsaturated,
            "single dot, eq. S4": self.single_saturated,
            "ensemble, eq. S3 in S5": self.ensemble_unsaturated,
            "ensemble, eq. S4 in S5": self.ensemble_saturated,
        }


@dataclass(frozen=True)
class PumpSlope:
    """Log-log slope of the stripe output versus pump fluence well below the ASE threshold ([004] Fig. 2b).

    ``output_slope`` is the least-squares slope of ln ``output_integrated`` against ln
    ``fluence_mj_cm2`` (photons/cm^2 against mJ/cm^2), ``spontaneous_slope`` that of the
    spontaneous reference (stimulated processes off); 2 for two-photon pumping as <N> -> 0.
    ``below_threshold`` is True when the peak net modal gain is <= 0 at every fluence.
    """

    pump_mode: str
    fluence_mj_cm2: np.ndarray
    n_avg: np.ndarray
    output_integrated: np.ndarray
    spontaneous_output: np.ndarray
    output_slope: float
    spontaneous_slope: float
    below_threshold: bool

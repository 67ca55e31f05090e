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

"""Every figure panel of the dashboard: what it shows, which paper figure it reproduces, how to build it.

``PANELS`` is the single, immutable list used by the layout (cards), the callbacks (which
figure to draw) and the export (CSV of exactly the drawn figure). A panel's ``build``
joins a memoized core call (``computed``) to a pure figure builder (``figures/``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import plotly.graph_objects as go

import qdgain_core as core
from components import computed
from components.energy_units import energy_axis, energy_uirevision, to_unit
from components.figures.ase import (
    ase_output_figure,
    ase_spectra_figure,
    scheme_comparison_figure,
)
from components.figures.common import Marker, axis_title
from components.figures.doping import (
    electrons_vs_potential_figure,
    threshold_vs_doping_figure,
)
from components.figures.dynamics import a_star_figure, gain_lifetime_figure
from components.figures.maps import (
    computed_rows,
    hold_caption,
    phase_cut_figure,
    phase_heatmap_figure,
    se_map_figure,
)
from components.figures.series import SeriesLook, series_figure
from components.figures.spectra import cross_section_figure, spectra_figure
from components.paper_overlay import with_paper_values
from components.presets import PRESET_CHOICES, measured
from components.state import AppState
from qdgain_core import GainParams
from qdgain_core.constants import K_B_MEV_PER_K
from qdgain_core.figure_curves import WAVELENGTH_OD0_FLOOR
from qdgain_core.maps import MAX_STOKES_FRACTION
from qdgain_core.standard_model import reference_diameter_nm

POTENTIAL_POINTS = 201


@dataclass(frozen=True)
class Panel:
    """One figure card: id (also the PNG/CSV file stem), title, paper figure, caption, builder."""

    id: str
    title: str
    reproduces: str
    caption: str
    build: Callable[[AppState], go.Figure]

    def draw(self, state: AppState) -> go.Figure:
        """The panel's figure for ``state``, with the paper's values over it when the state shows a paper figure."""
        return with_paper_values(self.id, state, self.build(state))


def no_gain_reason(params: GainParams) -> str:
    """Why a threshold can be missing: the search limit of the pump mode (docs/model.md §5.1)."""
    if params.pump_mode == "resonant" and params.g_e < params.n_search_max:
        return f"resonant pumping saturates at ⟨N⟩ = g_e = {params.g_e}"
    return f"none up to the search limit ⟨N⟩ = {params.n_search_max:g}"


def operating_threshold(params: GainParams) -> float:
    """<N_th> of the operating method (inf when there is no gain)."""
    return computed.thresholds(params)[params.threshold_method].n_th


def operating_eta(params: GainParams) -> float:
    """The eta the operating point realises (the cuts are drawn through it)."""
    eta = computed.spectra(params).geometry.eta_effective
    return eta if eta > 0 else params.eta


def preset_markers() -> list[Marker]:
    """Presets at their (chi, eta) on the phase maps."""
    return [Marker(p.label, p.params.chi, p.params.eta, source=p.source) for p in PRESET_CHOICES.values()]


def _source(point: Any) -> str:
    return f"{point.source_file}, {point.source_location}".strip(", ")


def measured_markers(quantity: str, x_name: str, kind: str = "measured") -> list[Marker]:
    """Points of ``quantity`` versus ``x_name`` of one kind ("measured" or "paper_model"), with sources."""
    return [
        Marker(point.sample, point.x_value, point.y_value, point.y_err, _source(point))
        for point in measured(quantity)
        if point.x_name == x_name and point.kind == kind and point.x_value is not None
    ]


def anchor_markers(quantity: str, axis: str) -> list[Marker]:
    """Measured anchors of [000] Fig. 5: a preset's measured value drawn at the preset's chi or eta."""
    by_label = {preset.label: preset.params for preset in PRESET_CHOICES.values()}
    return [
        Marker(point.sample, getattr(by_label[point.sample], axis), point.y_value, point.y_err, _source(point))
        for point in measured(quantity)
        if point.kind == "measured" and not point.x_name and point.sample in by_label
    ]


def _spectra(state: AppState) -> go.Figure:
    return spectra_figure(computed.spectra(state.params), state.view.energy_unit)


def _cross_sections(state: AppState) -> go.Figure:
    return cross_section_figure(computed.spectra(state.params), state.view.energy_unit)


def _se_map(state: AppState) -> go.Figure:
    return se_map_figure(computed.se_map(state.params), energy_unit=state.view.energy_unit)


def stokes_limit_mev(params: GainParams) -> float:
    """Largest Stokes shift the core maps (E_A/2; rows beyond it are NaN, docs/model.md §5.2)."""
    return MAX_STOKES_FRACTION * params.e_a_mev


def _phase(quantity: str) -> Callable[[AppState], go.Figure]:
    def build(state: AppState) -> go.Figure:
        params = state.params
        maps = computed.phase_maps(params, state.view.map_points, state.hold)
        operating = Marker("operating point", params.chi, operating_eta(params))
        return phase_heatmap_figure(maps[quantity], operating, preset_markers(), no_gain_reason(params),
                                    stokes_limit_mev(params))

    return build


CUT_VALUES = {("n_th", "chi"): "n_th_vs_chi", ("n_th", "eta"): "n_th_vs_eta",
              ("sigma_ratio", "chi"): "ratio_vs_chi", ("sigma_ratio", "eta"): "ratio_vs_eta"}


def _cut(quantity: str, axis: str) -> Callable[[AppState], go.Figure]:
    def build(state: AppState) -> go.Figure:
        params = state.params
        cuts = computed.phase_cuts(params, state.view.map_points, state.hold)
        eta = operating_eta(params)
        x_now = params.chi if axis == "chi" else eta
        y_now = operating_threshold(params) if quantity == "n_th" else computed.sigma_ratio(params)
        fixed = f"η = {eta:.3g}" if axis == "chi" else f"χ = {params.chi:.3g}"
        x_values = cuts.chi if axis == "chi" else cuts.eta
        # along chi: phase_cut_figure's defaults (no Stokes axis, no hold caption)
        stokes: np.ndarray | None = None
        limit: float | None = None
        hold_text = ""
        if axis == "eta":
            stokes, limit = cuts.stokes_vs_eta_mev, stokes_limit_mev(params)
            rows_computed = computed_rows(stokes, limit)
            hold_text = hold_caption(cuts.hold, stokes, rows_computed,
                                     fine_structure_mev=computed.spectra(params).geometry.fine_structure_mev)
        return phase_cut_figure(x_values, getattr(cuts, CUT_VALUES[quantity, axis]), axis=axis, quantity=quantity,
                                method=params.threshold_method, operating=Marker("operating point", x_now, y_now),
                                fixed_text=fixed, anchors=anchor_markers(quantity, axis),
                                no_gain_reason=no_gain_reason(params), stokes_mev=stokes, stokes_limit_mev=limit,
                                hold_text=hold_text)

    return build


def _doping_threshold(state: AppState) -> go.Figure:
    params = state.params
    return threshold_vs_doping_figure(
        computed.doping_axis(), computed.threshold_vs_doping(params), method=params.threshold_method,
        operating=Marker("operating point", params.n_doped, operating_threshold(params)),
        measured=measured_markers("n_th", "n_doped"), paper_model=measured_markers("n_th", "n_doped", "paper_model"),
        no_gain_reason=no_gain_reason(params),
    )


def potential_axis_mv(params: GainParams) -> np.ndarray:
    """Electrode potentials (mV) spanning the injection of both 1S(e) electrons around V_1S."""
    kt_mev = K_B_MEV_PER_K * params.doping_temperature_k
    half = max(150.0, 10.0 * kt_mev + 3.0 * params.sigma_1s_mv + params.charging_energy_mev)
    return np.linspace(params.v_1s_mv - half, params.v_1s_mv + half, POTENTIAL_POINTS)


def _doping_potential(state: AppState) -> go.Figure:
    params = state.params
    potential = potential_axis_mv(params)
    electrons = core.electrons_vs_potential(potential, params.v_1s_mv, params.charging_energy_mev,
                                            params.doping_temperature_k, params.sigma_1s_mv)
    v_now = float(np.interp(params.n_doped, electrons[::-1], potential[::-1]))
    return electrons_vs_potential_figure(potential, electrons, v_1s_mv=params.v_1s_mv,
                                         operating=Marker("operating point", v_now, params.n_doped),
                                         measured=measured_markers("n_doped", "potential_mv"))


def _ase_output(state: AppState) -> go.Figure:
    return ase_output_figure(computed.ase(state.params))


def _ase_spectra(state: AppState) -> go.Figure:
    return ase_spectra_figure(computed.ase(state.params), state.view.energy_unit)


def _ase_schemes(state: AppState) -> go.Figure:
    return scheme_comparison_figure(computed.scheme_curves(state.params))


def _dynamics_astar(state: AppState) -> go.Figure:
    return a_star_figure(computed.dynamics(state.params), state.params.n_avg)


def _dynamics_lifetime(state: AppState) -> go.Figure:
    dynamics = computed.dynamics(state.params)
    operating = Marker("operating point", state.params.n_avg, dynamics.operating_gain_lifetime_ps)
    return gain_lifetime_figure(dynamics, operating, measured_markers("gain_lifetime_ps", "n_avg"))


def _marker_of(point: Any, x: float) -> Marker:
    return Marker(point.sample, x, point.y_value, point.y_err, _source(point))


def _series(kind: str, look: Callable[[AppState], SeriesLook],
            operating: Callable[[AppState], Marker | None] | None = None) -> Callable[[AppState], go.Figure]:
    """A panel drawing the core's model curves of ``kind`` (``qdgain_core.figure_curves``), with the operating
    point and, on a categorical axis, the measured value of each sample (data/anchors.csv)."""

    def build(state: AppState) -> go.Figure:
        model = computed.model_figure(state.params, kind)
        measured = [_marker_of(point, float(index)) for index, point in model.anchored]
        return series_figure(model, look(state), operating=operating(state) if operating else None,
                             measured=measured, no_gain_reason=no_gain_reason(state.params))

    return build


N_TH_TITLE = axis_title("⟨N<sub>th</sub>⟩", "excitons/dot")
N_TH_HOVER = ("⟨N_th⟩", "excitons/dot")
RATIO_TITLE = axis_title("σ<sub>eff</sub>/σ<sub>SE</sub>", "")
RATIO_HOVER = ("σ_eff/σ_SE", "")


def _method(state: AppState) -> str:
    return state.params.threshold_method


def _plqy_threshold_look(state: AppState) -> SeriesLook:
    return SeriesLook(f"⟨N<sub>th</sub>⟩ vs PLQY — {_method(state)} method", axis_title("PLQY", ""), N_TH_TITLE,
                      ("PLQY", ""), N_TH_HOVER)


def _plqy_sigma_look(_: AppState) -> SeriesLook:
    return SeriesLook("σ<sub>eff</sub>/σ<sub>SE</sub> vs PLQY", axis_title("PLQY", ""), RATIO_TITLE, ("PLQY", ""),
                      RATIO_HOVER)


def _size_look(state: AppState) -> SeriesLook:
    return SeriesLook(f"Threshold vs dot size — {_method(state)} method", axis_title("Dot diameter d", "nm"),
                      N_TH_TITLE, ("d", "nm"), N_TH_HOVER, gaps="gaps: χ or Δ_SS outside its range")


def _esa_binding_look(_: AppState) -> SeriesLook:
    return SeriesLook("SE threshold vs ESA biexciton offset",
                      axis_title("ESA offset Δ<sub>XX</sub><sup>A</sup>", "meV"),
                      N_TH_TITLE, ("Δ_XX^A", "meV"), N_TH_HOVER)


def _universal_look(state: AppState) -> SeriesLook:
    return SeriesLook(f"Thresholds of the materials — {_method(state)} method",
                      axis_title("Sample", "material preset"), N_TH_TITLE, ("sample", ""), N_TH_HOVER, x_part="%{x}")


def _counting_look(_: AppState) -> SeriesLook:
    return SeriesLook("Transition counting: band-edge absorption", axis_title("⟨N⟩", "excitons/dot"),
                      axis_title("A*(⟨N⟩)/A*(0)", ""), ("⟨N⟩", "excitons/dot"), ("A*/A*(0)", ""))


def _wavelength_look(state: AppState) -> SeriesLook:
    axis = energy_axis(state.view.energy_unit)
    return SeriesLook("Single-wavelength gain threshold", axis.title,
                      axis_title("⟨N<sub>gain,λ</sub>⟩", "excitons/dot"),
                      ("E", state.view.energy_unit), ("⟨N_gain,λ⟩", "excitons/dot"), x_part=axis.hover_x,
                      uirevision=energy_uirevision("wavelength-threshold", state.view.energy_unit),
                      gaps=f"gaps: no gain ({no_gain_reason(state.params)}) or OD₀ below "
                           f"{WAVELENGTH_OD0_FLOOR:g} of its peak")


def _gain_605_look(_: AppState) -> SeriesLook:
    return SeriesLook("Gain coefficient at one wavelength", axis_title("⟨N<sub>X</sub>⟩", "excitons/dot"),
                      axis_title("Gain coefficient g", "cm⁻¹"), ("⟨N_X⟩", "excitons/dot"), ("g", "cm⁻¹"))


def _qs_look(_: AppState) -> SeriesLook:
    return SeriesLook("Two-photon ASE thresholds of the quantum shells", axis_title("Sample", "material preset"),
                      axis_title("ASE threshold J<sub>th</sub>", "mJ/cm²"), ("sample", ""), ("J_th", "mJ/cm²"),
                      x_part="%{x}")


def _operating_plqy(state: AppState) -> Marker:
    return Marker("operating point", state.params.plqy, operating_threshold(state.params))


def _operating_plqy_ratio(state: AppState) -> Marker:
    return Marker("operating point", state.params.plqy, computed.sigma_ratio(state.params))


def _operating_size(state: AppState) -> Marker:
    return Marker("operating point", reference_diameter_nm(state.params), operating_threshold(state.params))


def _wavelength_threshold(state: AppState) -> go.Figure:
    params, unit = state.params, state.view.energy_unit
    model = computed.model_figure(params, "wavelength_threshold")
    return series_figure(model, _wavelength_look(state), x_of=lambda energy_mev: to_unit(energy_mev, unit))


PANELS: tuple[Panel, ...] = (
    Panel("spectra", "Nonlinear absorption and its parts", "[000] Fig. 2b; [001] Fig. 8c–f",
          "OD_NL(E) at the operating ⟨N⟩ and ⟨n⟩: ground-state absorption and ESA push up, stimulated and "
          "biexciton emission pull down; the black line is the net. Negative net = optical gain. The energy axis "
          "opens on the lines; Autoscale in the plot's toolbar (or a double-click) shows the whole computed range.",
          _spectra),
    Panel("cross_sections", "Single-dot cross sections", "[000] Eq. 5, Fig. 5c–d",
          "σ_eff = σ_SE − σ_ESA for one singly excited dot: ESA into biexcitons eats the Einstein-limited "
          "stimulated emission where the two overlap. Autoscale (or a double-click) shows the whole energy range.",
          _cross_sections),
    Panel("se_map", "SE map", "[001] Fig. 8c–f",
          "OD_NL over photon energy and ⟨N⟩; red is net gain. The dashed line marks the threshold of the "
          "selected method.", _se_map),
    Panel("phase_nth", "Phase diagram: gain threshold", "[000] Fig. 5a–b (as a map)",
          "⟨N_th⟩ over (χ, η) with the electronic quantities of the operating point held fixed. Along η the map "
          "holds either the fine structure Δ_FS (the lattice dresses, so the Stokes shift Δ_SS grows as η falls) or "
          "Δ_SS itself (η only splits it); the subtitle says which, and the hover gives each row's Δ_SS and Δ_FS. "
          "Star: operating point; diamonds: presets.", _phase("n_th")),
    Panel("phase_sigma", "Phase diagram: effective cross section", "[000] Fig. 5c–d (as a map)",
          "σ_eff/σ_SE over (χ, η): 1 means ESA costs nothing, 0 means it cancels the gain.", _phase("sigma_ratio")),
    Panel("cut_nth_chi", "⟨N_th⟩ vs χ", "[000] Fig. 5a", "Cut through the operating point at fixed η.",
          _cut("n_th", "chi")),
    Panel("cut_nth_eta", "⟨N_th⟩ vs η", "[000] Fig. 5b",
          "Cut through the operating point at fixed χ; the dotted line (right axis) is the Stokes shift of each η, "
          "holding what the Phase-diagram tab's choice holds.", _cut("n_th", "eta")),
    Panel("cut_ratio_chi", "σ_eff/σ_SE vs χ", "[000] Fig. 5c", "Cut through the operating point at fixed η.",
          _cut("sigma_ratio", "chi")),
    Panel("cut_ratio_eta", "σ_eff/σ_SE vs η", "[000] Fig. 5d",
          "Cut through the operating point at fixed χ; the dotted line (right axis) is the Stokes shift of each η.",
          _cut("sigma_ratio", "eta")),
    Panel("doping_threshold", "Threshold vs electrochemical doping", "[002] Fig. 5b",
          "⟨N_th⟩ versus injected 1S(e) electrons per dot, grand-canonical doping fractions; squares are the "
          "measured thresholds of the doped CdSe/CdS/ZnS film.", _doping_threshold),
    Panel("doping_potential", "Electrons vs potential", "[002] Fig. 5a",
          "⟨n_1S(e)⟩ versus electrode potential from the grand-canonical partition function (eqs. S9–S16).",
          _doping_potential),
    Panel("ase_output", "ASE output vs fluence", "[001] Fig. 9; [004] Fig. 3b",
          "Integrated stripe output (log-log). The threshold is the kink, the steepest rise.", _ase_output),
    Panel("ase_spectra", "ASE spectra vs fluence", "[001] Fig. 9; [004] Fig. 3a",
          "Emission spectra at increasing fluence, each normalised: above threshold a narrow ASE spike grows.",
          _ase_spectra),
    Panel("ase_schemes", "Level schemes with and without ESA", "[001] Fig. 9a–d; [000] Fig. 3",
          "The same dots as a 2-, 3- or 4-level system (circles, squares, diamonds), without (solid) and with "
          "(dashed) ESA into biexcitons.",
          _ase_schemes),
    Panel("dynamics_astar", "Gain dynamics A*(t)", "[002] section S1.5, eqs. S18–S22",
          "Band-integrated absorption after the pump as multiexcitons decay by Auger recombination; "
          "below zero there is gain.", _dynamics_astar),
    Panel("dynamics_lifetime", "Gain lifetime", "[002] Fig. 5c",
          "How long net gain survives versus ⟨N_X⟩ for neutral, singly and doubly charged dots.", _dynamics_lifetime),
    Panel("plqy_threshold", "Threshold vs PLQY", "[000] Fig. 4a",
          "⟨N_th⟩ of the operating dots as the photoluminescence quantum yield changes, all else held: trapping "
          "adds absorption into surface biexcitons deeper in the emission band.",
          _series("plqy_threshold", _plqy_threshold_look, _operating_plqy)),
    Panel("plqy_sigma", "Effective cross section vs PLQY", "[000] Fig. 4b",
          "σ_eff/σ_SE of a singly excited dot versus PLQY: less trap-induced ESA, less cancellation of the "
          "stimulated emission.", _series("plqy_sigma", _plqy_sigma_look, _operating_plqy_ratio)),
    Panel("size_threshold", "Threshold vs dot size", "[000] Fig. 4c",
          "⟨N_th⟩ versus diameter with only the Stokes shift scaled with size (Δ_SS ∝ d⁻², the ESA offset Δ_XX^A "
          "held; docs/model_notes.md), beside the Standard Model's Auger (1/V) curve (dotted). Gaps: χ or Δ_SS "
          "outside their ranges.", _series("size_threshold", _size_look, _operating_size)),
    Panel("universal_thresholds", "Thresholds of the materials", "[001] Fig. 10b",
          "The model's ⟨N_th⟩ of each material preset (diamonds) beside the measured SE or ASE threshold "
          "(squares).", _series("universal_thresholds", _universal_look)),
    Panel("esa_binding", "Threshold vs ESA binding", "[001] Fig. 8g–h",
          "SE threshold of the Simple Model's 3LS and 4LS with ESA (each its own preset, at its own Stokes shift) "
          "versus the biexciton offset Δ_XX^A: at the SE maximum and at the first net gain anywhere. The presets' "
          "own offsets give [001]'s 1.5 and 1.0.", _series("esa_binding", _esa_binding_look)),
    Panel("counting", "Transition counting", "[002] SI Fig. S4",
          "Band-edge absorption versus excitons per dot for one dot and a Poisson ensemble, without (eq. S3) and "
          "with (eq. S4) saturation of the transitions; zero crossings 4/3 and 1.54.",
          _series("counting", _counting_look)),
    Panel("wavelength_threshold", "Single-wavelength threshold", "[002] Fig. 5d–e",
          "⟨N⟩ at which OD_NL(E) first turns negative, energy by energy, for the undoped film and at the "
          "operating doping (log scale).", _wavelength_threshold),
    Panel("gain_605", "Gain at 605 nm", "[002] Fig. 5f",
          "Gain coefficient g = −A ln10/d at 605 nm (the paper's wavelength; at the emission peak for a material "
          "whose spectrum does not reach it, as the legend says) versus ⟨N_X⟩ for three doping levels.",
          _series("gain_605", _gain_605_look)),
    Panel("qs_thresholds", "Quantum-shell ASE thresholds", "[004] Table 2",
          "Two-photon ASE threshold of each quantum-shell preset (diamonds) beside the measured one (squares).",
          _series("qs_thresholds", _qs_look)),
)

PANEL_BY_ID = MappingProxyType({panel.id: panel for panel in PANELS})
PANEL_IDS: tuple[str, ...] = tuple(panel.id for panel in PANELS)


@dataclass(frozen=True)
class PanelTab:
    """A tab of figure panels; also the unit the committed-state callbacks draw (one callback per tab)."""

    value: str
    title: str
    blurb: str
    panel_ids: tuple[str, ...]


OPERATING_PANELS: tuple[str, ...] = ("spectra",)
PHASE_TAB = "phase"  # the tab of the (chi, eta) maps: marker patches, and the "eta axis holds" choice above it
PANEL_TABS: tuple[PanelTab, ...] = (
    PanelTab(PHASE_TAB, "Phase diagram",
             "The two control parameters of [000]: biexciton proximity χ and lattice coupling η.",
             ("phase_nth", "phase_sigma")),
    PanelTab("cuts", "Cuts (Fig. 5a–d)",
             "The phase diagram cut through the operating point along χ and along η ([000] Fig. 5). Along η the "
             "cuts hold what the Phase-diagram tab's “η axis holds” choice holds.",
             ("cut_nth_chi", "cut_nth_eta", "cut_ratio_chi", "cut_ratio_eta")),
    PanelTab("spectral", "SE map & cross sections",
             "Where in energy and excitation net gain appears, what one dot does, and how the ESA offset sets the "
             "threshold.", ("se_map", "cross_sections", "esa_binding")),
    PanelTab("trends", "Materials & trends",
             "How PLQY and size move the threshold ([000] Fig. 4), and the measured thresholds of the materials "
             "([001] Fig. 10b).", ("plqy_threshold", "plqy_sigma", "size_threshold", "universal_thresholds")),
    PanelTab("doping", "Electrochemical doping", "Extra 1S(e) electrons lower the threshold ([002]).",
             ("doping_threshold", "doping_potential", "counting", "wavelength_threshold", "gain_605")),
    PanelTab("ase", "Amplified spontaneous emission", "What a stripe of film emits as the pump fluence rises.",
             ("ase_output", "ase_spectra", "ase_schemes", "qs_thresholds")),
    PanelTab("dynamics", "Gain dynamics",
             "How long gain lasts while multiexcitons decay by Auger recombination.",
             ("dynamics_astar", "dynamics_lifetime")),
)
TAB_PANELS = MappingProxyType({tab.value: tab.panel_ids for tab in PANEL_TABS})
TAB_OF_PANEL = MappingProxyType({panel_id: tab.value for tab in PANEL_TABS for panel_id in tab.panel_ids})

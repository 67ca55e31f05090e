"""Which ``GainParams`` fields the dashboard shows, how, and with what label.

Ranges, units and descriptions come from ``qdgain_core.FIELD_SPECS`` (the single source of
truth); this module only adds what is a matter of presentation: short labels, the six
main sliders (issue 3: chi, eta, Delta_SS, Delta_XX, <n_1S(e)>, <N>), the grouping of the
"advanced" section, the slider <-> value transform (log10 for ``log`` fields) and the slider
marks (round values). Labels are plain text with "_"/"^" markup for sub- and superscripts
(``markup_pieces``): notices quote them as they are, the page renders the pieces.
No dash imports: callbacks, layout and URL parsing all share it.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from qdgain_core import FIELD_SPECS

MAIN_FIELDS: tuple[str, ...] = ("chi", "eta", "stokes_mev", "xx_binding_mev", "n_doped", "n_avg")

LABELS: dict[str, str] = {
    "e_a_mev": "Band-edge absorption E_A",
    "stokes_mev": "Stokes shift Δ_SS",
    "eta": "Lattice parameter η = Δ_FS/Δ_ph",
    "chi": "Biexciton proximity χ = Δ_XX^A/Δ_SS",
    "xx_binding_mev": "Biexciton binding Δ_XX",
    "xi": "Biexciton displacement ratio ξ",
    "g_e": "Electron degeneracy g_e",
    "g_h": "Hole degeneracy g_h",
    "counting": "Counting scheme",
    "sites": "Band-edge sites g (sites scheme)",
    "xe_strength": "X_E absorption strength r_E",
    "xx_strength": "ESA share into emitting XX, r_XX",
    "thermalize": "Thermalized emission",
    "trion_binding_mev": "Trion binding Δ_T",
    "high_offset_mev": "Second transition above E_A",
    "high_g_h": "Second-transition hole degeneracy",
    "high_strength": "Second-transition strength",
    "temperature_k": "Temperature T",
    "lineshape_model": "Lineshape model",
    "gaussian_fwhm_mev": "Gaussian line FWHM",
    "lo_phonon_mev": "LO-phonon energy",
    "huang_rhys": "Huang–Rhys factor S",
    "bath_cutoff_mev": "Bath cutoff γ",
    "homogeneous_fwhm_mev": "Homogeneous FWHM Γ_0",
    "inhomogeneous_fwhm_mev": "Inhomogeneous FWHM",
    "plqy": "PL quantum yield",
    "trap_shift_mev": "Trap ESA shift Δ_trap",
    "include_esa": "Excited-state absorption",
    "n_avg": "Excitation ⟨N⟩",
    "n_doped": "Doping ⟨n_1S(e)⟩",
    "doping_temperature_k": "Doping temperature",
    "charging_energy_mev": "Charging energy eV_C",
    "sigma_1s_mv": "1S(e) disorder σ_1S",
    "v_1s_mv": "1S(e) potential V_1S",
    "pump_mode": "Pump mode",
    "pump_wavelength_nm": "Pump wavelength",
    "sigma_pump_cm2": "Pump cross section σ_pump",
    "sigma2_gm": "Two-photon cross section σ₂",
    "pulse_fwhm_fs": "Pulse FWHM",
    "rabi_pi_fluence_mj_cm2": "π-pulse fluence J_π",
    "threshold_method": "Threshold method",
    "gain_min_fraction": "Peak-method gain floor",
    "probe_detuning_mev": "Probe detuning from E_A",
    "n_search_max": "Threshold search limit",
    "volume_fraction": "QD volume fraction",
    "dot_volume_nm3": "Dot volume",
    "sigma_abs_peak_cm2": "Peak absorption cross section",
    "confinement_factor": "Confinement factor Γ",
    "loss_cm": "Waveguide loss α",
    "stripe_length_cm": "Stripe length L",
    "tau_xx_ps": "Biexciton Auger lifetime τ_XX",
}

ADVANCED_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Level scheme", ("e_a_mev", "xi", "counting", "g_e", "g_h", "sites", "temperature_k", "include_esa")),
    ("Fine structure and emission", ("xe_strength", "xx_strength", "thermalize")),
    ("Second transition", ("high_offset_mev", "high_g_h", "high_strength")),
    ("Lineshapes", ("lineshape_model", "gaussian_fwhm_mev", "lo_phonon_mev", "huang_rhys",
                    "bath_cutoff_mev", "homogeneous_fwhm_mev", "inhomogeneous_fwhm_mev")),
    ("Surface trapping", ("plqy", "trap_shift_mev")),
    ("Doping statistics", ("doping_temperature_k", "charging_energy_mev", "sigma_1s_mv", "v_1s_mv",
                           "trion_binding_mev")),
    ("Pump", ("pump_mode", "pump_wavelength_nm", "sigma_pump_cm2", "sigma2_gm", "pulse_fwhm_fs",
              "rabi_pi_fluence_mj_cm2")),
    ("Threshold definition", ("threshold_method", "gain_min_fraction", "probe_detuning_mev", "n_search_max")),
    ("Film and ASE", ("volume_fraction", "dot_volume_nm3", "sigma_abs_peak_cm2", "confinement_factor",
                      "loss_cm", "stripe_length_cm")),
    ("Gain dynamics", ("tau_xx_ps",)),
)

# Short symbols of the main fields, for what a slider announces (aria-valuetext "η = 0.302").
SYMBOLS: dict[str, str] = {"chi": "χ", "eta": "η", "stokes_mev": "Δ_SS", "xx_binding_mev": "Δ_XX",
                           "n_doped": "⟨n_1S(e)⟩", "n_avg": "⟨N⟩"}

CHECK_TEXT: dict[str, str] = {"include_esa": "include", "thermalize": "on (off: only X_E emits)"}
EMPTY_TEXT: dict[str, str] = {"probe_detuning_mev": "SE peak", "high_offset_mev": "off"}

SLIDER_RANGES: dict[str, tuple[float, float]] = {
    "n_avg": (0.0, 8.0),
    "stokes_mev": (0.0, 120.0),
}
SLIDER_STEPS = 400
MARK_STEPS = (1.0, 2.0, 2.5, 5.0)  # marks at multiples of one of these times a power of ten
MAX_MARKS = 7
MINUS = "\u2212"  # typographic minus in mark labels ("−150", not "-150")

# Label markup: "_x" is a subscript, "^x" a superscript; x is a run of letters and digits with an
# optional "(...)" ("n_1S(e)"), or anything in braces ("Δ_{XX}"). The labels above stay plain text
# (notices and messages quote them); the page renders the pieces (``page.controls.rendered``).
_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|[0-9A-Za-zΑ-Ωα-ω]+(?:\([^()]*\))?)")
Piece = tuple[str, str]  # ("text" | "sub" | "sup", text)


@functools.cache
def unplaced_fields() -> tuple[str, ...]:
    """FIELD_SPECS fields that are neither main nor in ADVANCED_GROUPS (tests keep this empty)."""
    placed = set(MAIN_FIELDS) | {name for _, names in ADVANCED_GROUPS for name in names}
    return tuple(name for name in FIELD_SPECS if name not in placed)


@functools.cache
def advanced_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """ADVANCED_GROUPS plus an "Other" group for any field not placed anywhere.

    A field the core adds later still gets a control (under "Other", labelled by its name)
    rather than breaking the page; ``tests/web/test_callbacks.py`` fails until it is placed and
    labelled here.
    """
    rest = unplaced_fields()
    groups = tuple((title, tuple(n for n in names if n in FIELD_SPECS)) for title, names in ADVANCED_GROUPS)
    return groups + ((("Other", rest),) if rest else ())


@functools.cache
def advanced_fields() -> tuple[str, ...]:
    """All advanced field names in display order (cached: every callback's validation asks for them)."""
    return tuple(name for _, names in advanced_groups() for name in names)


def label(name: str) -> str:
    """Short label of a field, without unit."""
    return LABELS.get(name, name.replace("_", " "))


def markup_pieces(text: str) -> tuple[Piece, ...]:
    """``text`` split into plain, subscript and superscript pieces ("Δ_XX^A" -> Δ, XX below, A above)."""
    pieces: list[Piece] = []
    position = 0
    for match in _SCRIPT.finditer(text):
        if match.start() > position:
            pieces.append(("text", text[position:match.start()]))
        body = match.group(2)
        pieces.append(("sub" if match.group(1) == "_" else "sup", body[1:-1] if body.startswith("{") else body))
        position = match.end()
    if position < len(text):
        pieces.append(("text", text[position:]))
    return tuple(pieces)


def label_pieces(name: str) -> tuple[Piece, ...]:
    """The label of a field as rendered pieces."""
    return markup_pieces(label(name))


def symbol(name: str) -> str:
    """Short symbol of a main field (plain text, "Δ_SS"); the label for other fields."""
    return SYMBOLS.get(name, label(name))


def check_text(name: str) -> str:
    """Text beside the checkbox of a boolean field."""
    return CHECK_TEXT.get(name, "on")


def empty_text(name: str) -> str:
    """Placeholder of an optional field's empty input: what leaving it empty means."""
    return EMPTY_TEXT.get(name, "auto")


def unit(name: str) -> str:
    """Unit of a field ("" when dimensionless), as written in FIELD_SPECS."""
    return FIELD_SPECS[name].unit


def is_log(name: str) -> bool:
    """True for fields shown on a log10 slider."""
    return FIELD_SPECS[name].log


def bounds(name: str) -> tuple[float, float]:
    """Allowed (minimum, maximum) of a numeric field, as FIELD_SPECS writes them.

    TypeError for a field without a range (bool and choice fields).
    """
    spec = FIELD_SPECS[name]
    if spec.minimum is None or spec.maximum is None:
        raise TypeError(f"field {name!r} has no numeric range")
    return spec.minimum, spec.maximum


def value_range(name: str) -> tuple[float, float]:
    """Allowed range of a numeric field (FIELD_SPECS), as floats."""
    low, high = bounds(name)
    return float(low), float(high)


def nice_step(span: float, steps: int = SLIDER_STEPS) -> float:
    """A 1-2-5 step close to span/steps."""
    raw = span / steps
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if raw <= factor * power:
            return factor * power
    return 10.0 * power


@dataclass(frozen=True)
class SliderScale:
    """Slider position range and step; positions are log10(value) for log fields."""

    minimum: float
    maximum: float
    step: float
    log: bool

    def to_position(self, value: float) -> float:
        """Slider position of a field value (clamped to the slider range)."""
        position = math.log10(value) if self.log else value
        return min(max(position, self.minimum), self.maximum)

    def to_value(self, position: float) -> float:
        """Field value of a slider position."""
        return 10.0 ** position if self.log else position


@functools.cache
def slider_scale(name: str) -> SliderScale:
    """The slider scale of a main field (log10 positions for ``log`` fields)."""
    low, high = SLIDER_RANGES.get(name, value_range(name))
    if is_log(name):
        low, high = math.log10(low), math.log10(high)
        return SliderScale(low, high, 0.01, True)
    return SliderScale(low, high, nice_step(high - low), False)


def mark_text(value: float) -> str:
    """A mark label: shortest form, typographic minus, no "-0"."""
    return f"{value:g}".replace("-", MINUS) if value != 0 else "0"


def mark_step(low: float, high: float, max_marks: int = MAX_MARKS) -> float:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) giving at most ``max_marks`` marks."""
    power = 10.0 ** math.floor(math.log10((high - low) / max_marks))
    for scale in (power, 10.0 * power, 100.0 * power):
        for factor in MARK_STEPS:
            step = factor * scale
            if math.floor(high / step + 1e-9) - math.ceil(low / step - 1e-9) + 1 <= max_marks:
                return step
    return high - low


def slider_marks(name: str) -> dict[float, str]:
    """Labelled marks at round values: decades for log fields, else multiples of ``mark_step``."""
    scale = slider_scale(name)
    if scale.log:
        return {float(p): mark_text(10.0 ** p) for p in range(math.ceil(scale.minimum), math.floor(scale.maximum) + 1)}
    step = mark_step(scale.minimum, scale.maximum)
    first, last = math.ceil(scale.minimum / step - 1e-9), math.floor(scale.maximum / step + 1e-9)
    return {round(k * step, 10): mark_text(round(k * step, 10)) for k in range(first, last + 1)}


def step_decimals(name: str) -> int:
    """Decimals that show a slider position of a linear main field exactly (0 for steps >= 1)."""
    step = slider_scale(name).step
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0

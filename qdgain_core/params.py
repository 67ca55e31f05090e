"""The immutable parameter object shared by the app, the CLI and the numerical core.

Every field carries its unit in its name (``stokes_mev``, ``fluence_mj_cm2``) or is
dimensionless. ``FIELD_SPECS`` is the single source of truth for ranges, units and
one-line descriptions; the dashboard builds its controls and its URL parsing from it.

Symbols follow docs/model.md: chi = Delta_XX^A / Delta_SS ([000] Eq. 6),
eta = Delta_FS / Delta_ph ([000] Eq. 7), xi = biexciton/exciton lattice displacement
(docs/model.md, lineshapes), <n_1S(e)> electrochemical doping ([002] eqs. S9-S17).
Papers: docs/references.md.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LINESHAPE_MODELS = ("cumulant", "gaussian")
PUMP_MODES = ("one_photon", "two_photon", "resonant")
THRESHOLD_METHODS = ("window", "band", "total", "peak", "probe")
COUNTING_SCHEMES = ("transitions", "sites")


@dataclass(frozen=True)
class FieldSpec:
    """Range, unit and meaning of one ``GainParams`` field.

    ``kind`` is "float", "int", "bool", "choice" or "optional_float" (None allowed).
    ``log`` marks fields best shown on a log scale.
    """

    kind: str
    unit: str
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    log: bool = False


def _f(unit: str, lo: float, hi: float, text: str, log: bool = False) -> FieldSpec:
    return FieldSpec("float", unit, text, lo, hi, log=log)


FIELD_SPECS: dict[str, FieldSpec] = {
    # level scheme ([000] Eqs. 6-7, docs/model.md section 2)
    "e_a_mev": _f("meV", 1000.0, 4000.0, "band-edge absorption energy E_A"),
    "stokes_mev": _f("meV", 0.0, 300.0, "Stokes shift Delta_SS = Delta_FS + 2 lambda"),
    "eta": _f("", 0.01, 100.0, "eta = Delta_FS / Delta_ph, fine structure over phonon width ([000] Eq. 7)", log=True),
    "chi": _f("", -2.0, 3.0, "chi = Delta_XX^A / Delta_SS: ESA peak at E_A - chi*Delta_SS ([000] Eq. 6)"),
    "xx_binding_mev": _f("meV", -150.0, 150.0,
                         "emissive biexciton binding Delta_XX = PL_X - PL_XX (negative = repulsive, [004] Table 2)"),
    "xi": _f("", 0.0, 3.0, "biexciton/exciton lattice displacement ratio; ESA reorganization (xi-1)^2 lambda "
                           "(docs/model.md section 3)"),
    "g_e": FieldSpec("int", "", "1S(e) degeneracy g_e ([002] eq. S1)", 1, 8),
    "g_h": FieldSpec("int", "", "1S(h) degeneracy g_h ([002] eq. S1)", 1, 8),
    "counting": FieldSpec("choice", "", "counting scheme: transitions ([002] eqs. S1-S6) or sites ([001] section 3.3, "
                                        "Rabi picture)", choices=COUNTING_SCHEMES),
    "sites": FieldSpec("int", "",
                       "band-edge sites g of the sites scheme ([001]: a doubly degenerate excited state, g = 2)", 1, 8),
    "xe_strength": _f("", 0.0, 10.0, "r_E: absorption strength of the emitting fine-structure state X_E "
                                     "relative to X_A (Einstein partner)"),
    "xx_strength": _f("", 0.0, 10.0, "r_XX: share r/(1+r) of a singly excited dot's ESA that goes into the emitting "
                                     "biexciton state (the Einstein partner of XX emission); 0 = none"),
    "thermalize": FieldSpec("bool", "", "excited dots emit from their thermalized exciton manifold "
                                        "(off: only X_E emits, the idealized 3LS of [001])"),
    "trion_binding_mev": _f("meV", 0.0, 100.0, "trion binding Delta_T: charged dots absorb at E_A - Delta_T and emit "
                                               "2 lambda lower (no exchange fine structure)"),
    "high_offset_mev": FieldSpec("optional_float", "meV",
                                 "second transition (e.g. [002] 1S(e)-2S3/2(h)) above E_A (empty = off)", 10.0, 600.0),
    "high_g_h": FieldSpec("int", "", "hole degeneracy of the second transition "
                                     "(its holes fill after the g_h band-edge ones)", 1, 8),
    "high_strength": _f("", 0.01, 10.0,
                        "oscillator strength of one second-transition pair relative to one band-edge pair"),
    "temperature_k": _f("K", 4.0, 500.0, "lattice temperature T"),
    # lineshapes ([000] Eqs. 3-4; [001] section 3.3)
    "lineshape_model": FieldSpec("choice", "", "cumulant (spin-boson, [000] Eq. 4) or gaussian "
                                               "(Simple Model, [001] section 3.3)", choices=LINESHAPE_MODELS),
    "gaussian_fwhm_mev": _f("meV", 2.0, 300.0, "line FWHM of the Gaussian Simple Model"),
    "lo_phonon_mev": _f("meV", 1.0, 100.0, "underdamped LO-phonon energy (CdSe: 26 meV)"),
    "huang_rhys": _f("", 0.0, 3.0, "Huang-Rhys factor S of the LO mode"),
    "bath_cutoff_mev": _f("meV", 0.1, 100.0, "Drude-Lorentz bath cutoff gamma (overdamped lattice)", log=True),
    "homogeneous_fwhm_mev": _f("meV", 1.0, 100.0, "electronic homogeneous (Gaussian) FWHM Gamma_0; "
                                                  "its Stokes share sigma^2/kT obeys detailed balance"),
    "inhomogeneous_fwhm_mev": _f("meV", 0.0, 300.0, "Gaussian inhomogeneous (size) FWHM"),
    "plqy": _f("", 0.01, 1.0,
               "photoluminescence quantum yield; 1-PLQY of excited dots hold a trapped exciton ([000] Fig. 4a,b)"),
    "trap_shift_mev": _f("meV", 0.0, 200.0, "extra red shift Delta_trap of the ESA of trapped excitons"),
    "include_esa": FieldSpec("bool", "", "include excited-state absorption into biexcitons ([001] Fig. 8e-f)"),
    # excitation and doping
    "n_avg": _f("excitons/dot", 0.0, 20.0, "operating-point excitation <N>"),
    "n_doped": _f("electrons/dot", 0.0, 2.0, "electrochemical doping <n_1S(e)> ([002])"),
    "doping_temperature_k": _f("K", 4.0, 5000.0,
                               "(effective) temperature of the grand-canonical doping statistics ([002] Fig. S5b)",
                               log=True),
    "charging_energy_mev": _f("meV", 0.0, 200.0, "charging energy e*V_C of the second 1S(e) electron ([002] eq. S9)"),
    "sigma_1s_mv": _f("mV", 0.0, 300.0, "Gaussian disorder sigma_1S of the 1S(e) potential ([002] eq. S15-S16)"),
    "v_1s_mv": _f("mV", -3000.0, 3000.0, "1S(e) injection potential V_1S (for <n> vs potential)"),
    "pump_mode": FieldSpec("choice", "", "one-photon (Poisson), two-photon (Poisson, [004]) or resonant band-edge "
                                         "(Rabi, [001] section 3.3)", choices=PUMP_MODES),
    "pump_wavelength_nm": _f("nm", 200.0, 2500.0, "pump wavelength"),
    "sigma_pump_cm2": _f("cm^2", 1e-18, 1e-11,
                         "one-photon absorption cross section at the pump ([002]: 3.6e-14 at 400 nm)", log=True),
    "sigma2_gm": _f("GM", 1.0, 1e9, "two-photon cross section (1 GM = 1e-50 cm^4 s, [004] Table 1)", log=True),
    "pulse_fwhm_fs": _f("fs", 1.0, 1e6, "pump pulse FWHM (two-photon rate)", log=True),
    "rabi_pi_fluence_mj_cm2": _f("mJ/cm^2", 1e-5, 100.0, "resonant pi-pulse fluence J_pi (Rabi saturation)", log=True),
    # threshold definition (docs/model.md section 5)
    "threshold_method": FieldSpec("choice", "",
                                  "window ([000] Eq. 8), band ([002]), total, peak, probe ([002] Fig. 5d)",
                                  choices=THRESHOLD_METHODS),
    "gain_min_fraction": _f("", 1e-4, 0.5, "peak method: net gain must reach this fraction of max OD_0", log=True),
    "probe_detuning_mev": FieldSpec("optional_float", "meV",
                                    "probe method: probe energy minus E_A (empty = single-exciton SE peak)",
                                    -600.0, 300.0),
    "n_search_max": _f("excitons/dot", 0.5, 50.0, "largest <N> searched for a threshold"),
    # film and ASE ([001] Fig. 9; [002] gain coefficient)
    "volume_fraction": _f("", 1e-4, 0.74, "quantum-dot volume fraction of the film"),
    "dot_volume_nm3": _f("nm^3", 1.0, 1e5, "volume of one dot", log=True),
    "sigma_abs_peak_cm2": _f("cm^2", 1e-18, 1e-12, "band-edge peak absorption cross section per dot", log=True),
    "confinement_factor": _f("", 0.01, 1.0, "optical confinement factor Gamma of the stripe waveguide"),
    "loss_cm": _f("cm^-1", 0.0, 1000.0, "waveguide loss alpha"),
    "stripe_length_cm": _f("cm", 1e-4, 2.0, "excitation stripe length L", log=True),
    # dynamics ([002] section S1.5)
    "tau_xx_ps": _f("ps", 1.0, 1e5, "biexciton Auger lifetime tau_XX ([002]: 310 ps)", log=True),
}


@dataclass(frozen=True)
class GainParams:
    """All inputs of one qdgain calculation (energies meV, lengths as named).

    Frozen and hashable: use it as a cache key. ``GainParams.from_preset(name)`` starts from
    a preset of ``PRESETS``; ``dataclasses.replace`` (or ``with_updates``) changes fields and
    re-validates. Raises ``ValueError`` naming the field, the value and the allowed range.
    """

    e_a_mev: float = 2100.0
    stokes_mev: float = 20.0
    eta: float = 10.0
    chi: float = 1.0
    xx_binding_mev: float = 15.0
    xi: float = 1.0
    g_e: int = 2
    g_h: int = 4
    counting: str = "transitions"
    sites: int = 2
    xe_strength: float = 1.0
    xx_strength: float = 0.0
    thermalize: bool = True
    trion_binding_mev: float = 5.0
    high_offset_mev: float | None = None
    high_g_h: int = 2
    high_strength: float = 1.0
    temperature_k: float = 295.0
    lineshape_model: str = "cumulant"
    gaussian_fwhm_mev: float = 40.0
    lo_phonon_mev: float = 26.0
    huang_rhys: float = 0.1
    bath_cutoff_mev: float = 5.0
    homogeneous_fwhm_mev: float = 6.0
    inhomogeneous_fwhm_mev: float = 30.0
    plqy: float = 1.0
    trap_shift_mev: float = 30.0
    include_esa: bool = True
    n_avg: float = 1.5
    n_doped: float = 0.0
    doping_temperature_k: float = 295.0
    charging_energy_mev: float = 5.0
    sigma_1s_mv: float = 0.0
    v_1s_mv: float = -1000.0
    pump_mode: str = "one_photon"
    pump_wavelength_nm: float = 400.0
    sigma_pump_cm2: float = 3.6e-14
    sigma2_gm: float = 1.0e6
    pulse_fwhm_fs: float = 100.0
    rabi_pi_fluence_mj_cm2: float = 0.2
    threshold_method: str = "window"
    gain_min_fraction: float = 0.01
    probe_detuning_mev: float | None = None
    n_search_max: float = 10.0
    volume_fraction: float = 0.2
    dot_volume_nm3: float = 100.0
    sigma_abs_peak_cm2: float = 4.0e-16
    confinement_factor: float = 0.5
    loss_cm: float = 10.0
    stripe_length_cm: float = 0.1
    tau_xx_ps: float = 310.0

    def __post_init__(self) -> None:
        for name, spec in FIELD_SPECS.items():
            object.__setattr__(self, name, _validated(name, spec, getattr(self, name)))

    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> GainParams:
        """The preset ``name`` of ``PRESETS`` with ``overrides`` applied."""
        from .presets import PRESETS

        if name not in PRESETS:
            raise ValueError(f"preset: unknown name {name!r}; choose one of {sorted(PRESETS)}")
        return dataclasses.replace(PRESETS[name].params, **overrides)

    @property
    def pump_sites(self) -> int:
        """Band-edge sites that resonant (Rabi) pumping saturates: ``sites`` or g_e ([001] section 3.3)."""
        return self.sites if self.counting == "sites" else self.g_e

    def with_updates(self, **changes: Any) -> GainParams:
        """A validated copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (JSON-serialisable)."""
        return dataclasses.asdict(self)


def _validated(name: str, spec: FieldSpec, value: Any) -> Any:
    """Check ``value`` against ``spec``; return it in canonical type or raise ValueError."""
    if spec.kind == "choice":
        if value not in spec.choices:
            raise ValueError(f"{name}: {value!r} is not one of {list(spec.choices)}")
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{name}: {value!r} is not a boolean")
        return value
    if spec.kind == "optional_float" and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: {value!r} is not a number (allowed {_range_text(spec)})")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name}: {value!r} is not finite (allowed {_range_text(spec)})")
    if spec.kind == "int":
        if number != int(number):
            raise ValueError(f"{name}: {value!r} is not an integer (allowed {_range_text(spec)})")
        number = int(number)
    if (spec.minimum is not None and number < spec.minimum) or (
        spec.maximum is not None and number > spec.maximum
    ):
        raise ValueError(f"{name}: {value!r} is outside the allowed range {_range_text(spec)}")
    return number


def _range_text(spec: FieldSpec) -> str:
    unit = f" {spec.unit}" if spec.unit else ""
    return f"[{spec.minimum:g}, {spec.maximum:g}]{unit}"


def coerce_params(raw: Mapping[str, Any], base: GainParams | None = None) -> tuple[GainParams, list[str]]:
    """Build ``GainParams`` from untrusted input (JSON, query strings, CLI overrides).

    Unknown keys are ignored, strings are parsed, numbers outside the range are clamped
    and unusable values (NaN, wrong type) fall back to ``base``. Returns the parameters and
    one human-readable notice per changed or rejected entry; never raises.
    """
    base = base or GainParams()
    values: dict[str, Any] = {}
    notices: list[str] = []
    for name, value in raw.items():
        spec = FIELD_SPECS.get(name)
        if spec is None:
            continue
        parsed, notice = _coerce_one(name, spec, value)
        if notice:
            notices.append(notice)
        if parsed is not _REJECTED:
            values[name] = parsed
    return dataclasses.replace(base, **values), notices


_REJECTED = object()


def _coerce_one(name: str, spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    if spec.kind == "choice":
        text = str(value).strip() if value is not None else ""
        if text in spec.choices:
            return text, None
        return _REJECTED, f"{name}: {value!r} is not one of {list(spec.choices)}; kept the previous value"
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True, None
        if text in ("0", "false", "no", "off"):
            return False, None
        return _REJECTED, f"{name}: {value!r} is not a boolean; kept the previous value"
    if spec.kind == "optional_float" and (
        value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "auto"))
    ):
        return None, None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number):
        return _REJECTED, f"{name}: {value!r} is not a finite number; kept the previous value"
    clamped = number
    if spec.minimum is not None:
        clamped = max(clamped, spec.minimum)
    if spec.maximum is not None:
        clamped = min(clamped, spec.maximum)
    if spec.kind == "int":
        clamped = round(clamped)
    if clamped != number:
        return clamped, f"{name}: {value!r} is outside {_range_text(spec)}; clamped to {clamped:g}"
    return clamped, None


def rounded(params: GainParams, significant_digits: int = 4) -> GainParams:
    """Every float rounded to ``significant_digits`` (stable cache keys); ``params`` itself when already so."""
    changes = {}
    for name, spec in FIELD_SPECS.items():
        value = getattr(params, name)
        if spec.kind in ("float", "optional_float") and value is not None and value != 0:
            digits = significant_digits - 1 - math.floor(math.log10(abs(value)))
            new = min(max(round(value, digits), spec.minimum), spec.maximum)
            if new != value:
                changes[name] = new
    return dataclasses.replace(params, **changes) if changes else params


assert set(FIELD_SPECS) == {f.name for f in dataclasses.fields(GainParams)}, "FIELD_SPECS and GainParams disagree"

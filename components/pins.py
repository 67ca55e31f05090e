"""Pins: up to four named parameter sets kept beside the current state, to compare with it.

A pin is a name and a full (canonical) ``GainParams``. It is drawn over the spectra, the cuts,
the doping, ASE and dynamics panels in its own colour (``PIN_COLORS``, one per slot, dashed,
distinct from the Okabe–Ito lines of ``figures.common``) and listed in the comparison table.
Its store form (``pins_to_store``) holds only the fields that differ from the built-in
defaults; its URL form (``url_state``) only those that differ from the link's preset.
Everything that arrives from the browser is untrusted: ``coerce_pins`` and ``clean_name``
validate it and return notices, never raising.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qdgain_core import FIELD_SPECS, GainParams, coerce_params, rounded

MAX_PINS = 4
MAX_NAME_CHARS = 24
RESERVED_CHARS = "~*"  # the URL form's separators (between pins; between a pin's name and its values)


@dataclass(frozen=True)
class PinColor:
    """The colour of one pin slot and the dash pattern of its lines."""

    color: str
    dash: str
    label: str


# Dark, saturated tones unlike the Okabe–Ito lines (figures.common.OKABE_ITO) and the grey references.
PIN_COLORS: tuple[PinColor, ...] = (
    PinColor("#8B1E3F", "dash", "wine"),
    PinColor("#3B5B1D", "dashdot", "olive"),
    PinColor("#4B2991", "longdash", "violet"),
    PinColor("#7A4A12", "longdashdot", "brown"),
)
if len(PIN_COLORS) != MAX_PINS:
    raise ImportError(f"PIN_COLORS needs one colour per pin slot ({MAX_PINS}), has {len(PIN_COLORS)}")


@dataclass(frozen=True)
class Pin:
    """A named parameter set pinned for comparison (``params`` canonical, as the dashboard rounds them)."""

    name: str
    params: GainParams


def pin_color(index: int) -> PinColor:
    """The colour of the pin in slot ``index`` (0-based; slots keep their colour in every figure)."""
    return PIN_COLORS[index % len(PIN_COLORS)]


def default_name(pins: Sequence[Pin]) -> str:
    """"pin k" with the smallest k not already a pin's name."""
    taken = {pin.name for pin in pins}
    return next(f"pin {k}" for k in range(1, MAX_PINS + 2) if f"pin {k}" not in taken)


def clean_name(raw: Any, pins: Sequence[Pin] = ()) -> tuple[str, str | None]:
    """A usable pin name from untrusted ``raw``, and a notice when it was changed.

    Control characters and the URL form's separators (``RESERVED_CHARS``) are dropped, runs of
    white space become one space, and the name is cut to ``MAX_NAME_CHARS``; nothing left:
    ``default_name(pins)``.
    """
    if raw is None or raw == "":
        return default_name(pins), None
    if not isinstance(raw, str):
        return default_name(pins), f"pin name: a {type(raw).__name__} is not a name; using {default_name(pins)!r}"
    kept = "".join(c for c in raw if c not in RESERVED_CHARS and not unicodedata.category(c).startswith("C"))
    name = " ".join(kept.split())
    problems = []
    if kept != raw or not name:
        problems.append(f"the characters {RESERVED_CHARS!r} and control characters are not allowed")
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS].rstrip()
        problems.append(f"at most {MAX_NAME_CHARS} characters")
    if not name:
        name = default_name(pins)
    if not problems:
        return name, None
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    return name, f"pin name {shown!r}: {'; '.join(problems)}; using {name!r}"


def changed_fields(params: GainParams, base: GainParams) -> dict[str, Any]:
    """The fields of ``params`` that differ from ``base``, in ``FIELD_SPECS`` order."""
    return {name: getattr(params, name) for name in FIELD_SPECS if getattr(params, name) != getattr(base, name)}


def pins_to_store(pins: Sequence[Pin]) -> list[dict[str, Any]]:
    """JSON form kept in the browser: name and the fields that differ from the built-in defaults."""
    defaults = GainParams()
    return [{"name": pin.name, "params": changed_fields(pin.params, defaults)} for pin in pins]


def make_pin(name: Any, raw_params: Mapping[str, Any], base: GainParams, pins: Sequence[Pin] = (),
             where: str = "pin") -> tuple[Pin, list[str]]:
    """A pin from an untrusted name and untrusted field values on top of ``base``, with notices.

    Names that are not parameters are ignored with a notice; values follow ``coerce_params``
    (garbage keeps ``base``'s value, out-of-range values are clamped).
    """
    clean, name_notice = clean_name(name, pins)
    notices = [name_notice] if name_notice else []
    unknown = [key for key in raw_params if key not in FIELD_SPECS]
    if unknown:
        listed = ", ".join(repr(key[:24]) for key in unknown[:4]) + (", …" if len(unknown) > 4 else "")
        notices.append(f"{where} {clean!r}: {listed} not a parameter of this dashboard; ignored")
    known = {key: value for key, value in raw_params.items() if key in FIELD_SPECS}
    params, param_notices = coerce_params(known, base)
    notices.extend(f"{where} {clean!r}: {text.replace('kept the previous value', 'using the default')}"
                   for text in param_notices)
    return Pin(clean, rounded(params)), notices


def coerce_pins(raw: Any) -> tuple[tuple[Pin, ...], list[str]]:
    """Pins from the untrusted store JSON (``pins_to_store``'s form); None or [] is no pins."""
    if raw is None or raw == []:
        return (), []
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        return (), ["pins: malformed; dropped"]
    notices = []
    if len(raw) > MAX_PINS:
        notices.append(f"pins: at most {MAX_PINS}; kept the first {MAX_PINS}")
    pins: list[Pin] = []
    for item in raw[:MAX_PINS]:
        if not isinstance(item, Mapping) or not isinstance(item.get("params", {}), Mapping):
            notices.append("pins: a malformed pin was dropped")
            continue
        pin, pin_notices = make_pin(item.get("name"), item.get("params", {}), GainParams(), pins)
        pins.append(pin)
        notices.extend(pin_notices)
    return tuple(pins), notices

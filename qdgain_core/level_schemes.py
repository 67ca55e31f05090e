"""The 2LS / 3LS / 4LS level schemes of [001] Figs. 8-9 and [000] Fig. 3, each without and with ESA.

Built on the Simple Model's geometry (docs/model.md, Simple Model) applied to the operating
point: the 2LS has no Stokes shift; the 3LS puts the whole Stokes shift into fine structure
(eta = 100: X_E a Delta_SS below X_A, emitting only from X_E onto the populated ground state,
a true three-level laser); the 4LS puts it into the lattice (eta = 0.01: one absorbing state,
emission displaced by 2 lambda, thermalized). "+ESA" adds excited-state absorption into
biexcitons at the operating chi; without it the excitons are uncorrelated ([001] Fig. 8c-d).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .params import GainParams

SCHEMES: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "2LS": MappingProxyType({"stokes_mev": 0.0, "huang_rhys": 0.0, "thermalize": True}),
        "3LS": MappingProxyType({"eta": 100.0, "thermalize": False}),
        "4LS": MappingProxyType({"eta": 0.01, "thermalize": True}),
    }
)


def level_scheme_variants(params: GainParams) -> dict[str, GainParams]:
    """Keys "2LS", "2LS+ESA", "3LS", "3LS+ESA", "4LS", "4LS+ESA" ([001] Figs. 8-9).

    The Stokes shift is the operating point's (20 meV if that is zero).
    """
    stokes = params.stokes_mev if params.stokes_mev > 0 else GainParams().stokes_mev
    variants = {}
    for name, changes in SCHEMES.items():
        changes = {"stokes_mev": stokes, **changes}
        variants[name] = dataclasses.replace(params, include_esa=False, **changes)
        variants[f"{name}+ESA"] = dataclasses.replace(params, include_esa=True, **changes)
    return variants

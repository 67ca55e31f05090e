"""Measured data a user brings: typed, immutable datasets in one canonical layout per kind.

The canonical layouts (docs/data_formats.md) are read by ``qdgain_core.data_files``
(CSV or whitespace-separated text from the command line, the Python API and the
dashboard's upload) and fitted by ``qdgain_core.fitting``. Units are fixed here: photon
energy in meV, <N> in excitons/dot, <n_1S(e)> in electrons/dot, fluence in mJ/cm^2,
times in ps, electrode potential in mV. ``sigma`` is the 1-sigma error of each value
(None: not given, the fit estimates it from the scatter).

Kinds (``DATASET_KINDS``):

* ``spectra`` - nonlinear absorption OD_NL(E) at one or several <N> (and <n_1S(e)>),
  absolute OD as measured ([001] Fig. 8, [002] Figs. 1, 4);
* ``thresholds`` - <N_th> against <n_1S(e)> ([002] Fig. 5b), PLQY ([000] Fig. 4a) or
  diameter ([000] Fig. 4c);
* ``ase`` - ASE output (any unit) against pump fluence ([001] Fig. 9, [004] Fig. 3);
* ``lifetimes`` - gain lifetime against <N_X> at a doping <n_1S(e)> ([002] Fig. 5c);
* ``doping`` - <n_1S(e)> against electrode potential ([002] Figs. 3, 5a; eq. S16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

THRESHOLD_AXES: dict[str, str] = {
    "n_doped": "electrons/dot",
    "plqy": "",
    "size_nm": "nm",
}
"""Abscissa of a threshold dataset and its unit: doping <n_1S(e)>, PLQY or dot diameter."""


@dataclass(frozen=True)
class DatasetKind:
    """One kind of dataset: its canonical columns (in order), which are optional, and what it holds."""

    name: str
    title: str
    columns: tuple[str, ...]
    optional: tuple[str, ...]
    description: str


DATASET_KINDS: dict[str, DatasetKind] = {
    "spectra": DatasetKind(
        "spectra", "Nonlinear absorption spectra",
        ("energy_mev", "n_avg", "od_nl", "n_doped", "sigma"), ("n_doped", "sigma"),
        "OD_NL (absolute OD) against photon energy at one or several <N> (excitons/dot); "
        "energy_ev or wavelength_nm instead of energy_mev; delta_a with od_0 instead of od_nl",
    ),
    "thresholds": DatasetKind(
        "thresholds", "Gain thresholds",
        ("n_doped", "n_th", "sigma"), ("sigma",),
        "<N_th> (excitons/dot) against <n_1S(e)> (electrons/dot); plqy or size_nm instead of n_doped",
    ),
    "ase": DatasetKind(
        "ase", "ASE output",
        ("fluence_mj_cm2", "output", "sigma"), ("sigma",),
        "integrated ASE output (any unit, > 0) against pump fluence (mJ/cm^2)",
    ),
    "lifetimes": DatasetKind(
        "lifetimes", "Gain lifetimes",
        ("n_x", "n_doped", "gain_lifetime_ps", "sigma"), ("sigma",),
        "gain lifetime (ps) against <N_X> (excitons/dot) at <n_1S(e)> (electrons/dot)",
    ),
    "doping": DatasetKind(
        "doping", "Doping against potential",
        ("potential_mv", "n_doped", "sigma"), ("sigma",),
        "<n_1S(e)> (electrons/dot) against electrode potential (mV)",
    ),
}


def _array(values: Any) -> np.ndarray:
    array = np.array(values, dtype=float).ravel()
    array.setflags(write=False)
    return array


def _optional_array(values: Any) -> np.ndarray | None:
    return None if values is None else _array(values)


@dataclass(frozen=True)
class SpectraData:
    """OD_NL(E) at one or several <N>: one row per (energy, <N>, <n_1S(e)>) point, absolute OD."""

    name: str
    energy_mev: np.ndarray
    n_avg: np.ndarray
    od_nl: np.ndarray
    n_doped: np.ndarray
    sigma: np.ndarray | None = None
    kind: str = "spectra"


@dataclass(frozen=True)
class ThresholdData:
    """<N_th> (excitons/dot) against ``x_name`` (a key of ``THRESHOLD_AXES``)."""

    name: str
    x_name: str
    x: np.ndarray
    n_th: np.ndarray
    sigma: np.ndarray | None = None
    kind: str = "thresholds"


@dataclass(frozen=True)
class AseData:
    """ASE output (arbitrary unit, > 0) against pump fluence (mJ/cm^2)."""

    name: str
    fluence_mj_cm2: np.ndarray
    output: np.ndarray
    sigma: np.ndarray | None = None
    kind: str = "ase"


@dataclass(frozen=True)
class LifetimeData:
    """Gain lifetime (ps) against <N_X> (excitons/dot) at <n_1S(e)> (electrons/dot)."""

    name: str
    n_x: np.ndarray
    n_doped: np.ndarray
    gain_lifetime_ps: np.ndarray
    sigma: np.ndarray | None = None
    kind: str = "lifetimes"


@dataclass(frozen=True)
class DopingData:
    """<n_1S(e)> (electrons/dot) against electrode potential (mV)."""

    name: str
    potential_mv: np.ndarray
    n_doped: np.ndarray
    sigma: np.ndarray | None = None
    kind: str = "doping"


Dataset = SpectraData | ThresholdData | AseData | LifetimeData | DopingData

DATASET_TYPES: dict[str, type] = {
    "spectra": SpectraData,
    "thresholds": ThresholdData,
    "ase": AseData,
    "lifetimes": LifetimeData,
    "doping": DopingData,
}
if set(DATASET_TYPES) != set(DATASET_KINDS):
    raise ValueError("DATASET_TYPES and DATASET_KINDS must name the same kinds")

ARRAY_FIELDS: dict[str, tuple[str, ...]] = {
    "spectra": ("energy_mev", "n_avg", "od_nl", "n_doped"),
    "thresholds": ("x", "n_th"),
    "ase": ("fluence_mj_cm2", "output"),
    "lifetimes": ("n_x", "n_doped", "gain_lifetime_ps"),
    "doping": ("potential_mv", "n_doped"),
}
"""The required array fields of each kind (``sigma`` is optional for all)."""
if set(ARRAY_FIELDS) != set(DATASET_KINDS):
    raise ValueError("ARRAY_FIELDS must cover every dataset kind")


def make_dataset(kind: str, name: str, **fields: Any) -> Dataset:
    """A dataset of ``kind`` from plain sequences (arrays are copied, made read-only and checked for equal length).

    Raises ``ValueError`` naming the kind and the field for an unknown kind, a missing field,
    unequal lengths or non-finite values.
    """
    if kind not in DATASET_TYPES:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(DATASET_KINDS)}")
    missing = [f for f in ARRAY_FIELDS[kind] if f not in fields]
    if missing:
        raise ValueError(f"{kind} dataset {name!r}: missing {', '.join(missing)}")
    arrays = {f: _array(fields[f]) for f in ARRAY_FIELDS[kind]}
    sigma = _optional_array(fields.get("sigma"))
    lengths = {f: a.size for f, a in arrays.items()} | ({"sigma": sigma.size} if sigma is not None else {})
    if len(set(lengths.values())) != 1 or next(iter(lengths.values())) == 0:
        raise ValueError(f"{kind} dataset {name!r}: columns need equal, non-zero lengths, got {lengths}")
    checked = arrays | ({"sigma": sigma} if sigma is not None else {})
    for field_name, array in checked.items():
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{kind} dataset {name!r}: {field_name} has non-finite values")
    if sigma is not None and np.any(sigma <= 0):
        raise ValueError(f"{kind} dataset {name!r}: sigma must be > 0")
    extra = {}
    if kind == "thresholds":
        x_name = str(fields.get("x_name", "n_doped"))
        if x_name not in THRESHOLD_AXES:
            raise ValueError(f"thresholds dataset {name!r}: x_name {x_name!r} is not one of "
                             f"{', '.join(THRESHOLD_AXES)}")
        extra["x_name"] = x_name
    return DATASET_TYPES[kind](name=str(name), sigma=sigma, **arrays, **extra)


def dataset_to_json(dataset: Dataset) -> dict[str, Any]:
    """Plain JSON (lists of floats) of ``dataset``; ``dataset_from_json`` reads it back exactly."""
    document: dict[str, Any] = {"kind": dataset.kind, "name": dataset.name}
    for field_name in ARRAY_FIELDS[dataset.kind]:
        document[field_name] = getattr(dataset, field_name).tolist()
    document["sigma"] = None if dataset.sigma is None else dataset.sigma.tolist()
    if isinstance(dataset, ThresholdData):
        document["x_name"] = dataset.x_name
    return document


def dataset_from_json(document: Mapping[str, Any]) -> Dataset:
    """A dataset from ``dataset_to_json``'s JSON (hostile input: raises ``ValueError`` on anything else)."""
    if not isinstance(document, Mapping):
        raise ValueError("dataset: expected an object")
    kind, name = document.get("kind"), document.get("name")
    if not isinstance(kind, str) or not isinstance(name, str):
        raise ValueError("dataset: needs a string 'kind' and 'name'")
    fields = {k: document[k] for k in (*ARRAY_FIELDS.get(kind, ()), "sigma", "x_name") if k in document}
    for field_name, values in fields.items():
        if field_name != "x_name" and values is not None and not (
                isinstance(values, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                 for v in values)):
            raise ValueError(f"dataset {name!r}: {field_name} must be a list of numbers")
    return make_dataset(kind, name, **fields)


def dataset_points(dataset: Dataset) -> int:
    """Number of measured values in ``dataset``."""
    return int(getattr(dataset, ARRAY_FIELDS[dataset.kind][0]).size)

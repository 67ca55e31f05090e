"""Numbers reported by the source papers, for drawing over the model curves.

The table ``qdgain_core/data/measured_points.csv`` (shipped as package data) holds one row
per reported number: experiments (``kind == "measured"``) and the papers' own simulations
(``kind == "paper_model"``), each with the seed file it comes from and where in it
(figure, table or section). Quantities and units:

* ``n_th`` (excitons/dot): gain or ASE threshold <N_th> ([001], [002] Figs. 4-5, [004]);
* ``sigma_ratio``: measured gain / absorption ratio |sigma_SE / sigma_A| ([001] section 3.3);
* ``ase_threshold_mj_cm2``, ``lasing_threshold_mj_cm2`` (mJ/cm^2) ([001] Fig. 9, [004]);
* ``tau_xx_ps``, ``tau_xxx_ps``, ``gain_lifetime_ps`` (ps) ([002] Figs. 5c/S27, [004] Table 2);
* ``xx_binding_mev``, ``gain_bandwidth_mev`` (meV; negative binding = repulsive) ([004] Table 2);
* ``gain_coefficient_cm`` (cm^-1) ([002] Fig. 5f);
* ``sigma1_cm2`` (cm^2), ``sigma2_gm`` (GM = 1e-50 cm^4 s) pump cross sections ([002], [004] Table 1);
* ``n_doped`` (electrons/dot) vs electrode potential ([002] Figs. 2-3, S35-S40);
* ``pl_fluence_slope``: log-log slope of PL vs two-photon fluence ([004] Fig. 2b).

``x_name`` is a ``GainParams`` field (``n_doped``, ``dot_volume_nm3``, ``include_esa``,
``pump_wavelength_nm``) or ``potential_mv`` / ``fluence_mj_cm2`` when the paper gives the
condition; ``x_value`` is None for scalar numbers and when the paper does not state the
abscissa. Approximate values ("~") say so in ``note``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

MEASURED_RESOURCE = "data/measured_points.csv"
COLUMNS = (
    "dataset", "sample", "kind", "quantity", "x_name", "x_value", "x_unit",
    "y_value", "y_unit", "y_err", "source_file", "source_location", "note",
)
KINDS = ("measured", "paper_model")
SEED_FILES = {
    "000": "000_706779003ca192ce.txt",
    "001": "001_8403fe716e40a802.txt",
    "002": "002_fe0bfaf64bbd0682.txt",
    "004": "004_9fb2af497cf15528.txt",
}


@dataclass(frozen=True)
class MeasuredPoint:
    """One number reported by a paper: ``y_value`` (``y_unit``) at ``x_value`` (``x_unit``)."""

    dataset: str
    sample: str
    kind: str
    quantity: str
    x_name: str
    x_value: float | None
    x_unit: str
    y_value: float
    y_unit: str
    y_err: float | None
    source_file: str
    source_location: str
    note: str

    @property
    def paper(self) -> str:
        """Citation key of the source paper, e.g. "[002]"."""
        return f"[{self.source_file[:3]}]"

    @property
    def citation(self) -> str:
        """Short citation, e.g. "[002] Fig. 4d; Fig. 5b"."""
        return f"{self.paper} {self.source_location}"


def _optional_float(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _parse(row: dict[str, str], line: int) -> MeasuredPoint:
    where = f"measured_points.csv line {line}"
    if row.get("kind") not in KINDS:
        raise ValueError(f"{where}: kind {row.get('kind')!r} is not one of {list(KINDS)}")
    if row.get("source_file") not in SEED_FILES.values():
        raise ValueError(f"{where}: source_file {row.get('source_file')!r} is not a seed paper")
    if not row.get("source_location", "").strip():
        raise ValueError(f"{where}: empty source_location")
    try:
        return MeasuredPoint(
            dataset=row["dataset"],
            sample=row["sample"],
            kind=row["kind"],
            quantity=row["quantity"],
            x_name=row["x_name"],
            x_value=_optional_float(row["x_value"]),
            x_unit=row["x_unit"],
            y_value=float(row["y_value"]),
            y_unit=row["y_unit"],
            y_err=_optional_float(row["y_err"]),
            source_file=row["source_file"],
            source_location=row["source_location"],
            note=row["note"],
        )
    except (KeyError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from error


@cache
def _all_points() -> tuple[MeasuredPoint, ...]:
    text = resources.files(__package__).joinpath(MEASURED_RESOURCE).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"measured_points.csv: header {reader.fieldnames} != {list(COLUMNS)}")
    return tuple(_parse(row, line) for line, row in enumerate(reader, start=2))


def measured_points(quantity: str | None = None, dataset: str | None = None) -> tuple[MeasuredPoint, ...]:
    """Reported numbers, in file order, optionally only one ``quantity`` and/or ``dataset``.

    The CSV is read once per process. Unknown names give an empty tuple.
    """
    return tuple(
        point
        for point in _all_points()
        if (quantity is None or point.quantity == quantity) and (dataset is None or point.dataset == dataset)
    )


def datasets() -> tuple[str, ...]:
    """Dataset names in file order (e.g. "002_threshold_vs_doping", "004_quantum_shells")."""
    return tuple(dict.fromkeys(point.dataset for point in _all_points()))


def quantities() -> tuple[str, ...]:
    """Quantity names in file order (e.g. "n_th", "tau_xx_ps")."""
    return tuple(dict.fromkeys(point.quantity for point in _all_points()))


__all__ = ["MeasuredPoint", "datasets", "measured_points", "quantities"]

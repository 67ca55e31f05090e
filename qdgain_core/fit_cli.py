"""``python -m qdgain_core fit``, ``sweep`` and ``fit-002``: fits, sweeps and the [002] doping fits.

* ``fit --data FILE [--data FILE ...] [--kind KIND ...] --free chi,eta[:lo:hi] [--preset NAME] [--set field=value ...]
  [--max-evaluations N] [--csv FILE] [--json FILE]`` reads the files with ``data_files.read_dataset`` (kind
  from ``--kind``, once for all files or once per file, else from ``data_files.sniff``), fits and prints the
  values, uncertainties, chi^2/dof and warnings as JSON; ``--csv`` / ``--json`` also write the full report
  (``fit_report_csv`` / ``fit_result_to_json``).
* ``sweep --axis chi:0:2:11 --axis eta:0.1:100:11:log [--preset NAME] [--set ...] [--csv FILE]`` prints the
  ``SweepTable`` JSON or writes its CSV.
* ``fit-002 [--write FILE]``: the [002] doping fits of docs/fitting.md as Markdown (``paper_002_markdown``).

Bad arguments or files print one line to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .cli_parser import Parser as _Parser
from .cli_parser import UsageError
from .data_files import MAX_FILE_BYTES, read_dataset, sniff
from .datasets import DATASET_KINDS, Dataset, ThresholdData, make_dataset
from .fit_models import evaluate
from .fitting import FitResult, fit, fit_report_csv, fit_result_to_json, json_numbers
from .measured import measured_points
from .params import GainParams
from .sweeps import SweepAxis, sweep, sweep_table_csv, sweep_table_to_json


def parse_free(text: str) -> dict[str, tuple[float, float] | None]:
    """``--free chi,eta:0.1:50`` -> {"chi": None (field range), "eta": (0.1, 50.0)}."""
    free: dict[str, tuple[float, float] | None] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, *bounds = item.split(":")
        if len(bounds) not in (0, 2):
            raise UsageError(f"--free {item!r}: expected NAME or NAME:LOWER:UPPER")
        try:
            free[name] = (float(bounds[0]), float(bounds[1])) if bounds else None
        except ValueError:
            raise UsageError(f"--free {item!r}: LOWER and UPPER must be numbers") from None
    if not free:
        raise UsageError("--free: name at least one parameter, e.g. --free chi,eta")
    return free


def parse_axis(text: str) -> SweepAxis:
    """``--axis eta:0.1:100:11:log`` -> SweepAxis("eta", 0.1, 100, 11, log=True)."""
    parts = text.split(":")
    if len(parts) not in (4, 5) or (len(parts) == 5 and parts[4] not in ("log", "lin")):
        raise UsageError(f"--axis {text!r}: expected NAME:START:STOP:POINTS[:log]")
    try:
        start, stop, points = float(parts[1]), float(parts[2]), int(parts[3])
        return SweepAxis(parts[0], start, stop, points, len(parts) == 5 and parts[4] == "log")
    except ValueError:
        raise UsageError(f"--axis {text!r}: START and STOP must be numbers, POINTS an integer") from None


def read_data_file(path: str, kind: str | None) -> Dataset:
    """A dataset from the file at ``path`` (kind given or sniffed); UsageError naming the file otherwise."""
    try:
        with open(path, "rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UsageError(f"--data {path!r}: {error.strerror}") from None
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        if kind is None:
            kind = sniff(content, name=name).suggested_kind
            if kind is None:
                raise UsageError(f"--data {path!r}: the header matches no dataset kind; give --kind")
        return read_dataset(content, kind=kind, name=name)
    except ValueError as error:
        raise UsageError(f"--data {path!r}: {error}") from None


def fit_summary(result: FitResult) -> dict[str, Any]:
    """The short JSON the ``fit`` command prints: values, uncertainties, chi^2/dof, warnings."""
    return {
        "command": "fit", "qdgain_version": result.qdgain_version, "datasets": list(result.datasets),
        "values": dict(zip(result.names, json_numbers(result.values), strict=True)),
        "uncertainties": dict(zip(result.names, json_numbers(result.uncertainties), strict=True)),
        "units": dict(zip(result.names, result.units, strict=True)),
        "chi2": result.chi2, "dof": result.dof, "reduced_chi2": result.reduced_chi2,
        "scales": json_numbers([math.nan if s is None else s for s in result.scales]),
        "warnings": list(result.warnings), "notes": list(result.notes), "success": result.success,
        "message": result.message, "n_evaluations": result.n_evaluations, "params": result.params.as_dict(),
    }


def _write(path: str, text: str, option: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"{option} {path!r}: {error.strerror}") from None


def _parser(command: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"python -m qdgain_core {command}")
    if command == "fit-002":
        parser.add_argument("--write", default=None, metavar="FILE", help="write the Markdown to FILE")
        return parser
    parser.add_argument("--preset", default=None, help="start from this preset (see 'presets')")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="override a GainParams field")
    parser.add_argument("--csv", default=None, metavar="FILE", help="write the report (fit) or table (sweep) as CSV")
    if command == "fit":
        parser.add_argument("--data", action="append", required=True, metavar="FILE", help="a data file (repeatable)")
        parser.add_argument("--kind", action="append", default=[], choices=list(DATASET_KINDS),
                            help="dataset kind: once for all files or once per --data (default: sniffed)")
        parser.add_argument("--free", required=True, metavar="NAME[:LO:HI],...", help="the parameters to fit")
        parser.add_argument("--max-evaluations", type=int, default=400)
        parser.add_argument("--json", default=None, metavar="FILE", help="write the full fit result as JSON")
    else:
        parser.add_argument("--axis", action="append", required=True, metavar="NAME:START:STOP:POINTS[:log]")
    return parser


def _fit(args: argparse.Namespace, params: GainParams) -> None:
    kinds: list[str | None] = list(args.kind)
    if len(kinds) not in (0, 1, len(args.data)):
        raise UsageError("--kind: give it once for all files or once per --data")
    if len(kinds) <= 1:
        kinds = [kinds[0] if kinds else None] * len(args.data)
    datasets = [read_data_file(path, kind) for path, kind in zip(args.data, kinds, strict=True)]
    result = fit(params, datasets, parse_free(args.free), max_evaluations=args.max_evaluations)
    if args.csv:
        _write(args.csv, fit_report_csv(result), "--csv")
    if args.json:
        _write(args.json, json.dumps(fit_result_to_json(result)), "--json")
    json.dump(fit_summary(result), sys.stdout)
    sys.stdout.write("\n")


def _sweep(args: argparse.Namespace, params: GainParams) -> None:
    table = sweep(params, [parse_axis(a) for a in args.axis])
    if args.csv:
        _write(args.csv, sweep_table_csv(table), "--csv")
        return
    json.dump({"command": "sweep", **sweep_table_to_json(table)}, sys.stdout)
    sys.stdout.write("\n")


def run(argv: Sequence[str]) -> int:
    """``fit``, ``sweep`` or ``fit-002`` with their arguments; returns the exit code (2: bad arguments)."""
    from .cli import build_params

    command = argv[0]
    try:
        args = _parser(command).parse_args(argv[1:])
        if command == "fit-002":
            text = paper_002_markdown()
            if args.write is None:
                sys.stdout.write(text)
            else:
                _write(args.write, text, "--write")
            return 0
        params = build_params(args.preset, args.set)
        (_fit if command == "fit" else _sweep)(args, params)
    except (UsageError, ValueError) as error:
        print(f"qdgain: error: {command}: {error}", file=sys.stderr)
        return 2
    return 0


ROUNDING_SIGMA = 0.1 / math.sqrt(12.0)
"""1-sigma error of a value quoted to one decimal (uniform rounding error): the batch-2 <n_1S(e)>."""
CI95 = 1.96
SOLUTION_CI95 = 0.07
"""The only 95 % interval [002] quotes for an undoped threshold (solution, 1.55 +/- 0.07)."""
SIGMA_1S_GRID_MV = (0.0, 50.0, 110.0, 200.0, 300.0)


def paper_002_datasets() -> dict[str, Dataset]:
    """The [002] data of ``measured_points.csv`` as datasets (docs/fitting.md, the [002] fit).

    * ``batch2_doping``: <n_1S(e)> of the second batch against potential (six values quoted to one
      decimal, sigma = 0.1/sqrt(12));
    * ``main_doping``: the main batch's four approximate points (no sigma);
    * ``main_thresholds``: <N_th> at <n_1S(e)> = 0, 0.94, 1.99; sigma = 95 % interval / 1.96 (0.09 for
      the 1.99 point, the solution's 0.07 for the others).
    """
    def doping(name: str, dataset: str, sigma: float | None) -> Dataset:
        points = [p for p in measured_points("n_doped", dataset) if p.x_value is not None]
        return make_dataset("doping", name, potential_mv=[p.x_value for p in points],
                            n_doped=[p.y_value for p in points],
                            sigma=None if sigma is None else [sigma] * len(points))

    thresholds = [p for p in measured_points("n_th", "002_threshold_vs_doping") if p.x_value is not None]
    return {
        "batch2_doping": doping("002 batch 2: <n_1S(e)> vs potential", "002_batch2", ROUNDING_SIGMA),
        "main_doping": doping("002 main batch: <n_1S(e)> vs potential (approximate)", "002_doping_vs_potential",
                              None),
        "main_thresholds": make_dataset(
            "thresholds", "002 main batch: <N_th> vs <n_1S(e)>", x_name="n_doped",
            x=[p.x_value for p in thresholds], n_th=[p.y_value for p in thresholds],
            sigma=[(p.y_err if p.y_err is not None else SOLUTION_CI95) / CI95 for p in thresholds]),
    }


@dataclass(frozen=True)
class PaperFit:
    """One row of the [002] fit table: which data, which parameters are free, what is held."""

    label: str
    dataset: str
    free: tuple[str, ...]
    held: dict[str, float]


PAPER_002_FITS: tuple[PaperFit, ...] = (
    PaperFit("batch 2 doping, V_C free", "batch2_doping", ("v_1s_mv", "sigma_1s_mv", "charging_energy_mev"), {}),
    PaperFit("batch 2 doping, V_C = 5 meV", "batch2_doping", ("v_1s_mv", "sigma_1s_mv"), {}),
    PaperFit("batch 2 doping, paper's sigma_1S and V_C", "batch2_doping", ("v_1s_mv",), {}),
    PaperFit("main batch doping (approximate)", "main_doping", ("v_1s_mv", "sigma_1s_mv"), {}),
    PaperFit("main batch thresholds", "main_thresholds", ("sigma_1s_mv",), {}),
)
"""The fits of docs/fitting.md; all start from the ``doped_film_002`` preset (sigma_1S = 110 mV, V_C = 5 meV)."""


def paper_002_fits() -> dict[str, FitResult]:
    """``PAPER_002_FITS`` fitted, by label."""
    data = paper_002_datasets()
    params = GainParams.from_preset("doped_film_002")
    return {f.label: fit(params.with_updates(**f.held), [data[f.dataset]], list(f.free)) for f in PAPER_002_FITS}


def _cell(result: FitResult, name: str) -> str:
    if name not in result.names:
        return f"{getattr(result.params, name):g} (held)"
    value, error = result.value(name), result.uncertainty(name)
    return f"{value:.4g} ± {error:.2g}" if math.isfinite(error) else f"{value:.4g} ± ∞"


def paper_002_markdown() -> str:
    """The [002] section of docs/fitting.md: the fits and the thresholds' (in)sensitivity to sigma_1S."""
    fits = paper_002_fits()
    lines = [
        "| fit | points | V_1S (mV) | sigma_1S (mV) | V_C (meV) | chi^2 / dof | warnings |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec, result in zip(PAPER_002_FITS, fits.values(), strict=True):
        n_points = sum(r.x.size for r in result.residuals)
        cells = [_cell(result, n) for n in ("v_1s_mv", "sigma_1s_mv", "charging_energy_mev")]
        warned = "; ".join(result.warnings) or "none"
        lines.append(f"| {spec.label} | {n_points} | {' | '.join(cells)} | {result.chi2:.3g} / {result.dof} | "
                     f"{warned} |")
    full, paper = fits[PAPER_002_FITS[0].label], fits[PAPER_002_FITS[2].label]
    lines += ["", f"Paper's (sigma_1S, V_C) = (110 mV, 5 meV) against the free fit: Delta chi^2 = "
                  f"{paper.chi2 - full.chi2:.3g} for 2 parameters (95 % joint region: Delta chi^2 < 5.99).", ""]
    thresholds = paper_002_datasets()["main_thresholds"]
    assert isinstance(thresholds, ThresholdData)
    base = GainParams.from_preset("doped_film_002")
    header = " | ".join(f"<n> = {x:g}" for x in thresholds.x)
    lines += [f"| sigma_1S (mV) | model <N_th>: {header} |", "|---|" + "---|" * thresholds.x.size]
    for sigma_1s in SIGMA_1S_GRID_MV:
        model = evaluate(base.with_updates(sigma_1s_mv=sigma_1s), thresholds)
        lines.append(f"| {sigma_1s:g} | " + " | ".join(f"{v:.3f}" for v in model) + " |")
    measured = " | ".join(f"{y:.2f} ± {s:.2f}" for y, s in
                          zip(thresholds.n_th, np.asarray(thresholds.sigma), strict=True))
    lines.append(f"| measured (1 sigma) | {measured} |")
    return "\n".join(lines) + "\n"

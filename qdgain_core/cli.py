"""Command line: ``python -m qdgain_core SUBCOMMAND [--preset NAME] [--set field=value ...] [--csv FILE]``.

Also ``reproduce [--write FILE]`` (the reproduction table), ``figures`` / ``figure <id>
[--csv FILE]`` (the paper figures, ``figure_cli``) and ``fit`` / ``sweep`` / ``fit-002``
(fits to data files, parameter sweeps, the [002] doping fits: ``fit_cli``).

Prints JSON to stdout, or writes the main table as CSV with ``--csv``. Bad arguments print
one line to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import (
    GainParams,
    __version__,
    all_thresholds,
    ase_curve,
    gain_dynamics,
    measured_ratio,
    nonlinear_absorption,
    phase_maps,
    sigma_eff_ratio,
)
from .cli_parser import Parser as _Parser
from .cli_parser import UsageError
from .params import FIELD_SPECS, coerce_params


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def build_params(preset: str | None, overrides: Sequence[str]) -> GainParams:
    """GainParams from an optional preset plus ``field=value`` overrides (strictly validated)."""
    base = GainParams.from_preset(preset) if preset else GainParams()
    raw: dict[str, str] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or name not in FIELD_SPECS:
            raise UsageError(f"--set {item!r}: expected field=value with field one of GainParams' fields")
        raw[name] = value
    params, notices = coerce_params(raw, base)
    if notices:
        raise UsageError(notices[0])
    return params


def _threshold(params: GainParams, _: argparse.Namespace) -> tuple[dict, list[str], list[list]]:
    thresholds = all_thresholds(params)
    payload = {
        "thresholds": {m: {"n_th": t.n_th if t.found else None, "found": t.found, "reason": t.reason}
                       for m, t in thresholds.items()},
        "method": params.threshold_method,
        "sigma_eff_ratio": sigma_eff_ratio(params),
        "measured_ratio": measured_ratio(params),
    }
    rows = [[m, t.n_th if t.found else "", t.reason] for m, t in thresholds.items()]
    return payload, ["method", "n_th_excitons_per_dot", "reason"], rows


def _spectra(params: GainParams, args: argparse.Namespace) -> tuple[dict, list[str], list[list]]:
    s = nonlinear_absorption(params, args.n_avg)
    columns = {
        "energy_mev": s.energy_mev,
        "linear_absorption": s.linear_absorption,
        "ground_state_absorption": s.ground_state_absorption,
        "excited_state_absorption": s.excited_state_absorption,
        "stimulated_emission": s.stimulated_emission,
        "biexciton_emission": s.biexciton_emission,
        "net_od": s.net,
        "sigma_eff": s.sigma_eff,
    }
    payload = {"n_avg": s.n_avg, "units": "OD / max OD_0", **columns}
    return payload, list(columns), np.column_stack(list(columns.values())).tolist()


def _map(params: GainParams, args: argparse.Namespace) -> tuple[dict, list[str], list[list]]:
    if not (2 <= args.n_chi <= 201 and 2 <= args.n_eta <= 201):
        raise UsageError("--n-chi and --n-eta must be between 2 and 201")
    if not (args.eta_min > 0 and args.eta_max > args.eta_min and args.chi_max > args.chi_min):
        raise UsageError("need 0 < --eta-min < --eta-max and --chi-min < --chi-max")
    chi = np.linspace(args.chi_min, args.chi_max, args.n_chi)
    eta = np.geomspace(args.eta_min, args.eta_max, args.n_eta)
    maps = phase_maps(params, chi, eta, hold=args.hold)
    payload = {"chi": chi, "eta": eta, "stokes_mev": maps["n_th"].stokes_mev, "method": maps["n_th"].method,
               "n_th": maps["n_th"].values, "sigma_ratio": maps["sigma_ratio"].values,
               "held_fixed": maps["n_th"].held_fixed, "hold": maps["n_th"].hold}
    rows = [[e, c, maps["n_th"].values[i, j], maps["sigma_ratio"].values[i, j]]
            for i, e in enumerate(eta) for j, c in enumerate(chi)]
    return payload, ["eta", "chi", "n_th_excitons_per_dot", "sigma_eff_over_sigma_se"], rows


def _ase(params: GainParams, args: argparse.Namespace) -> tuple[dict, list[str], list[list]]:
    if not 3 <= args.n_fluences <= 400:
        raise UsageError("--n-fluences must be between 3 and 400")
    from .ase import default_fluences

    curve = ase_curve(params, default_fluences(params, args.n_fluences))
    payload = {
        "fluence_mj_cm2": curve.fluence_mj_cm2, "n_avg": curve.n_avg, "output_integrated_au": curve.output_integrated,
        "peak_net_gain_cm": curve.peak_net_gain_cm, "spike_energy_mev": curve.spike_energy_mev,
        "threshold_mj_cm2": curve.threshold_mj_cm2, "threshold_n_avg": curve.threshold_n_avg,
        "threshold_reason": curve.threshold_reason,
    }
    rows = np.column_stack([curve.fluence_mj_cm2, curve.n_avg, curve.output_integrated, curve.peak_net_gain_cm,
                            curve.spike_energy_mev]).tolist()
    return payload, ["fluence_mj_cm2", "n_avg", "output_integrated_au", "peak_net_gain_cm", "spike_energy_mev"], rows


def _dynamics(params: GainParams, _: argparse.Namespace) -> tuple[dict, list[str], list[list]]:
    d = gain_dynamics(params)
    payload = {"n_x": d.n_x_values,
               "gain_lifetime_ps": {f"n={n}": d.gain_lifetime_ps[i] for i, n in enumerate(d.doping_levels)},
               "operating_gain_lifetime_ps": d.operating_gain_lifetime_ps, "tau_multiexciton_ps": d.tau_multiexciton_ps}
    rows = np.column_stack([d.n_x_values, *d.gain_lifetime_ps]).tolist()
    return payload, ["n_x", *[f"gain_lifetime_ps_n{n}" for n in d.doping_levels]], rows


def _presets(_: GainParams, __: argparse.Namespace) -> tuple[dict, list[str], list[list]]:
    from .presets import PRESETS

    payload = {name: {"label": p.label, "source": p.source, "description": p.description}
               for name, p in PRESETS.items()}
    return payload, ["preset", "label", "source"], [[n, p.label, p.source] for n, p in PRESETS.items()]


COMMANDS = {
    "threshold": _threshold, "spectra": _spectra, "map": _map, "ase": _ase, "dynamics": _dynamics, "presets": _presets,
}


def make_parser() -> argparse.ArgumentParser:
    """The argument parser (one subparser per command)."""
    parser = _Parser(prog="python -m qdgain_core", description=f"qdgain {__version__}: optical gain in quantum dots")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        p = sub.add_parser(name)
        p.add_argument("--preset", default=None, help="start from this preset (see 'presets')")
        p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="override a GainParams field")
        p.add_argument("--csv", default=None, metavar="FILE", help="write the main table as CSV instead of JSON")
        if name == "spectra":
            p.add_argument("--n-avg", type=float, default=None, help="<N> (excitons/dot); default the preset's n_avg")
        if name == "map":
            p.add_argument("--chi-min", type=float, default=-0.5)
            p.add_argument("--chi-max", type=float, default=1.5)
            p.add_argument("--n-chi", type=int, default=41)
            p.add_argument("--eta-min", type=float, default=0.1)
            p.add_argument("--eta-max", type=float, default=10.0)
            p.add_argument("--n-eta", type=int, default=41)
            p.add_argument("--hold", choices=("fine_structure", "stokes"), default=None,
                           help="what the eta axis holds fixed "
                                "(default: fine_structure, stokes for the Gaussian model)")
        if name == "ase":
            p.add_argument("--n-fluences", type=int, default=60)
    return parser


def _reproduce(argv: Sequence[str]) -> int:
    """``reproduce [--write FILE]``: the reproduction table (docs/reproduction.md) as Markdown."""
    parser = _Parser(prog="python -m qdgain_core reproduce", description="paper claims against the model, as Markdown")
    parser.add_argument("--write", default=None, metavar="FILE", help="write the table to FILE instead of stdout")
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        print(f"qdgain: error: {error}", file=sys.stderr)
        return 2
    from .reproduction import render

    text = render()
    if args.write is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.write, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        print(f"qdgain: error: --write {args.write!r}: {error.strerror}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad arguments)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["reproduce"]:
        return _reproduce(argv[1:])
    if argv[:1] in (["figures"], ["figure"]):
        from .figure_cli import run

        return run(argv)
    if argv[:1] in (["fit"], ["sweep"], ["fit-002"]):
        from .fit_cli import run as run_fit

        return run_fit(argv)
    try:
        args = make_parser().parse_args(argv)
        params = build_params(args.preset, args.set)
        payload, header, rows = COMMANDS[args.command](params, args)
    except (UsageError, ValueError) as error:
        print(f"qdgain: error: {error}", file=sys.stderr)
        return 2
    if args.csv:
        try:
            handle = open(args.csv, "w", newline="")  # noqa: SIM115 - closed by the with below; only open() maps to exit 2
        except OSError as error:
            print(f"qdgain: error: --csv {args.csv!r}: {error.strerror}", file=sys.stderr)
            return 2
        with handle:
            handle.write(f"# qdgain {__version__} {args.command}; parameters: {json.dumps(params.as_dict())}\n")
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        json.dump({"command": args.command, "qdgain_version": __version__, "params": params.as_dict(),
                   **_jsonable(payload)}, sys.stdout)
        sys.stdout.write("\n")
    return 0

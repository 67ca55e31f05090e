"""Least-squares fits of ``GainParams`` fields to measured datasets (docs/fitting.md).

``fit(params, datasets, free)`` adjusts the free parameters (any float field of
``GainParams`` plus the fit-only ``FIT_ONLY`` ones) with ``scipy.optimize.least_squares``
(trust-region reflective, bounds) so that the models of ``fit_models.FIT_MODELS`` match
the data. Fields marked ``log`` are fitted in log10. Amplitudes the data cannot fix (the
absolute OD of a spectra dataset, the unit of an ASE output) are profiled out analytically
per dataset and count as parameters in the degrees of freedom. Residuals are weighted by
the data's ``sigma``; a dataset without sigma gets one sigma estimated from its own scatter
at the best fit (and the fit is repeated with it when the weights between datasets change).
Uncertainties come from the covariance (J^T J)^-1 of the normalised residuals at the
solution (central differences); warnings flag bounds, unconstrained parameters, strong
correlations and a poor chi^2/dof.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import least_squares

from .datasets import Dataset, dataset_points
from .fit_models import FIT_MODELS, evaluate
from .params import FIELD_SPECS, GainParams

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class FitOnlySpec:
    """A parameter that exists only in a fit (not a ``GainParams`` field)."""

    unit: str
    minimum: float
    maximum: float
    default: float
    log: bool
    description: str


FIT_ONLY: dict[str, FitOnlySpec] = {
    "n_scale": FitOnlySpec("", 0.1, 10.0, 1.0, True,
                           "calibration of the data's <N> axis: true <N> = n_scale x the data's <N>"),
}
"""Fit-only parameters, by name."""
if set(FIT_ONLY) & set(FIELD_SPECS):
    raise ValueError("FIT_ONLY names must not be GainParams fields")


@dataclass(frozen=True)
class FreeParameter:
    """A free parameter: its bounds (in its own unit), whether it is fitted in log10, its unit and full range."""

    name: str
    lower: float
    upper: float
    log: bool
    unit: str
    minimum: float
    maximum: float


FIT_PARAMETERS: dict[str, FreeParameter] = {
    **{name: FreeParameter(name, float(spec.minimum), float(spec.maximum), spec.log, spec.unit,
                           float(spec.minimum), float(spec.maximum))
       for name, spec in FIELD_SPECS.items()
       if spec.kind in ("float", "optional_float") and spec.minimum is not None and spec.maximum is not None},
    **{name: FreeParameter(name, spec.minimum, spec.maximum, spec.log, spec.unit, spec.minimum, spec.maximum)
       for name, spec in FIT_ONLY.items()},
}
"""Every parameter a fit may free, with its default bounds (the field's range)."""
if any(p.log and p.minimum <= 0 for p in FIT_PARAMETERS.values()):
    raise ValueError("a parameter fitted in log10 needs a range above 0")

MAX_FIT_POINTS = 50_000
MAX_DATASETS = 16
BOUND_TOLERANCE = 1e-3
CORRELATION_LIMIT = 0.98
REDUCED_CHI2_LIMIT = 5.0
SINGULAR_TOLERANCE = 1e-10
JACOBIAN_STEP = 1e-4
SIGMA_ROUNDS = 3
SIGMA_CHANGE = 0.05
INVALID_RESIDUAL = 1e3
LOG_FLOOR = 1e-300


@dataclass(frozen=True)
class FitResiduals:
    """One dataset at the best fit: abscissa, data, model (profiled amplitude applied), sigma used and
    normalised residual (data - model)/sigma (in log10(output) for ASE), all in the data's units.

    ``group`` is the second coordinate of a point (``group_name``: <N> of a spectrum, <n_1S(e)> of a
    lifetime) or None.
    """

    dataset: str
    kind: str
    x_name: str
    x: np.ndarray
    group_name: str | None
    group: np.ndarray | None
    data: np.ndarray
    model: np.ndarray
    sigma: np.ndarray
    normalised: np.ndarray


@dataclass(frozen=True)
class FitResult:
    """The outcome of ``fit``.

    ``params``: the fitted parameter set; ``names``/``values``/``uncertainties`` (1 sigma, inf when
    not constrained)/``units``/``bounds``: the free parameters in order; ``correlation`` (k, k), NaN
    for unconstrained parameters; ``chi2``, ``dof`` (points - free - profiled amplitudes),
    ``reduced_chi2``; per dataset (order of ``datasets``): ``residuals``, ``scales`` (max OD_0 in
    absolute OD for spectra, output per model photon/cm^2 for ASE, None for kinds without one) and
    ``sigma_estimated`` (True: the sigma was estimated from the scatter); ``warnings`` (problems),
    ``notes`` (information); ``success``/``message`` of the optimiser; ``n_evaluations`` of the model.
    """

    params: GainParams
    names: tuple[str, ...]
    values: np.ndarray
    uncertainties: np.ndarray
    units: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    correlation: np.ndarray
    chi2: float
    dof: int
    reduced_chi2: float
    datasets: tuple[str, ...]
    residuals: tuple[FitResiduals, ...]
    scales: tuple[float | None, ...]
    sigma_estimated: tuple[bool, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    success: bool
    message: str
    n_evaluations: int
    qdgain_version: str

    def value(self, name: str) -> float:
        """The fitted value of free parameter ``name``."""
        return float(self.values[self.names.index(name)])

    def uncertainty(self, name: str) -> float:
        """The 1-sigma uncertainty of free parameter ``name``."""
        return float(self.uncertainties[self.names.index(name)])


FreeSpec = Mapping[str, tuple[float, float] | None] | Sequence[str]
"""Free parameters: names, or names -> (lower, upper) (None: the parameter's full range)."""


def free_parameters(free: FreeSpec) -> tuple[FreeParameter, ...]:
    """The free parameters of a fit: names (default bounds) or names -> (lower, upper) inside the range."""
    items = [(free, None)] if isinstance(free, str) else (
        list(free.items()) if isinstance(free, Mapping) else [(name, None) for name in free])
    if not items:
        raise ValueError("free: name at least one parameter to fit")
    chosen: list[FreeParameter] = []
    for name, bounds in items:
        if name not in FIT_PARAMETERS:
            raise ValueError(f"free: {name!r} is not a float field of GainParams or one of {sorted(FIT_ONLY)}")
        if any(p.name == name for p in chosen):
            raise ValueError(f"free: {name!r} is named twice")
        base = FIT_PARAMETERS[name]
        if bounds is None:
            chosen.append(base)
            continue
        try:
            lower, upper = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ValueError(f"free: bounds of {name} must be two numbers (lower, upper), got {bounds!r}") from None
        allowed = f"[{base.minimum:g}, {base.maximum:g}]" + (f" {base.unit}" if base.unit else "")
        if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
            raise ValueError(f"free: bounds of {name} ({lower:g}, {upper:g}) need lower < upper, inside {allowed}")
        if lower < base.minimum or upper > base.maximum:
            raise ValueError(f"free: bounds of {name} ({lower:g}, {upper:g}) are outside the allowed range {allowed}")
        chosen.append(FreeParameter(name, lower, upper, base.log, base.unit, base.minimum, base.maximum))
    return tuple(chosen)


def _space(parameter: FreeParameter, value: float | np.ndarray) -> Any:
    """The fit coordinate u in [0, 1] over the parameter's full range (log10 for log parameters)."""
    if parameter.log:
        return (np.log10(value) - math.log10(parameter.minimum)) / math.log10(parameter.maximum / parameter.minimum)
    return (np.asarray(value) - parameter.minimum) / (parameter.maximum - parameter.minimum)


def _unspace(parameter: FreeParameter, u: float) -> float:
    """The parameter value at fit coordinate ``u`` (inverse of ``_space``), clipped into the bounds."""
    if parameter.log:
        value = parameter.minimum * (parameter.maximum / parameter.minimum) ** u
    else:
        value = parameter.minimum + u * (parameter.maximum - parameter.minimum)
    return float(min(max(value, parameter.lower), parameter.upper))


def _value_per_u(parameter: FreeParameter, value: float) -> float:
    """d value / d u at ``value``."""
    if parameter.log:
        return value * math.log(10.0) * math.log10(parameter.maximum / parameter.minimum)
    return parameter.maximum - parameter.minimum


@dataclass(frozen=True)
class _Data:
    """A dataset in residual space: transformed values y, their sigma (None: estimate) and its model."""

    dataset: Dataset
    y: np.ndarray
    sigma: np.ndarray | None
    amplitude: str


def _prepared(dataset: Dataset) -> _Data:
    model = FIT_MODELS[dataset.kind]
    values = np.asarray(getattr(dataset, model.y_field), dtype=float)
    if model.amplitude == "log":
        if np.any(values <= 0):
            raise ValueError(f"{dataset.kind} dataset {dataset.name!r}: {model.y_field} must be > 0 (log residuals)")
        sigma = None if dataset.sigma is None else dataset.sigma / (values * math.log(10.0))
        return _Data(dataset, np.log10(values), sigma, model.amplitude)
    return _Data(dataset, values, dataset.sigma, model.amplitude)


def _initial_sigma(data: _Data) -> float:
    """A starting sigma for a dataset without one (1 % of its spread); replaced by the scatter estimate."""
    spread = float(np.std(data.y)) or float(np.sqrt(np.mean(data.y**2))) or 1.0
    return 1e-2 * spread


def _profiled(data: _Data, model: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Model in residual space with the profiled amplitude applied, and the amplitude (data units)."""
    weights = sigma**-2
    if data.amplitude == "scale":
        norm = float(np.sum(weights * model**2))
        scale = float(np.sum(weights * data.y * model)) / norm if norm > 0 else 0.0
        return scale * model, scale
    if data.amplitude == "log":
        logged = np.log10(np.maximum(model, LOG_FLOOR))
        offset = float(np.sum(weights * (data.y - logged)) / np.sum(weights))
        return logged + offset, 10.0**offset
    return model, None


class _Problem:
    """The residual function of one fit, counting model evaluations and reporting progress."""

    def __init__(self, params: GainParams, free: tuple[FreeParameter, ...], data: Sequence[_Data],
                 progress: Progress | None, max_evaluations: int) -> None:
        self.params, self.free, self.data = params, free, data
        self.progress, self.max_evaluations = progress, max_evaluations
        self.sigmas = [d.sigma if d.sigma is not None else np.full(d.y.size, _initial_sigma(d)) for d in data]
        self.evaluations = 0
        self.n_points = sum(d.y.size for d in data)

    def point(self, u: np.ndarray) -> tuple[GainParams, float]:
        """The parameter set and n_scale at fit coordinates ``u``."""
        values = {p.name: _unspace(p, float(x)) for p, x in zip(self.free, u, strict=True)}
        n_scale = values.pop("n_scale", FIT_ONLY["n_scale"].default)
        return self.params.with_updates(**values), n_scale

    def models(self, u: np.ndarray) -> list[tuple[np.ndarray, float | None]]:
        """The profiled model (residual space) and amplitude of every dataset at ``u``; reports progress."""
        params, n_scale = self.point(u)
        self.evaluations += 1
        models = [_profiled(d, evaluate(params, d.dataset, n_scale), s)
                  for d, s in zip(self.data, self.sigmas, strict=True)]
        if self.progress is not None:
            chi2 = sum(float(np.sum(((d.y - m) / s) ** 2)) for d, (m, _), s in zip(self.data, models, self.sigmas,
                                                                                   strict=True))
            self.progress(min(self.evaluations / self.max_evaluations, 0.99),
                          f"evaluation {self.evaluations}: chi^2 = {chi2:.6g}")
        return models

    def residuals(self, u: np.ndarray) -> np.ndarray:
        """Normalised residuals of all datasets; a parameter set the model rejects gets INVALID_RESIDUAL."""
        try:
            models = self.models(u)
        except ValueError:
            return np.full(self.n_points, INVALID_RESIDUAL)
        r = np.concatenate([(d.y - m) / s for d, (m, _), s in zip(self.data, models, self.sigmas, strict=True)])
        return r if np.all(np.isfinite(r)) else np.full(self.n_points, INVALID_RESIDUAL)

    def stop_when_spent(self, *_: Any) -> None:
        """least_squares callback: stop once the evaluation budget is spent."""
        if self.evaluations >= self.max_evaluations:
            raise StopIteration


def _jacobian(problem: _Problem, u: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """d residuals / d u at ``u`` by central differences (one-sided at a bound)."""
    columns = []
    for i in range(u.size):
        plus, minus = u.copy(), u.copy()
        plus[i] = min(u[i] + JACOBIAN_STEP, upper[i])
        minus[i] = max(u[i] - JACOBIAN_STEP, lower[i])
        columns.append((problem.residuals(plus) - problem.residuals(minus)) / (plus[i] - minus[i]))
    return np.stack(columns, axis=1)


def _covariance(jacobian: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Covariance (J^T J)^-1 in fit coordinates and a mask of the parameters the data do not constrain."""
    k = jacobian.shape[1]
    curvature = jacobian.T @ jacobian
    eigenvalues, vectors = np.linalg.eigh(curvature)
    null = eigenvalues <= SINGULAR_TOLERANCE * max(float(eigenvalues.max()), 1e-300)
    unconstrained = np.zeros(k, dtype=bool)
    if null.any():
        unconstrained = (np.abs(vectors[:, null]) > 0.1).any(axis=1)
    covariance = np.full((k, k), np.nan)
    kept = np.flatnonzero(~unconstrained)
    if kept.size:
        covariance[np.ix_(kept, kept)] = np.linalg.inv(curvature[np.ix_(kept, kept)])
    covariance[unconstrained, unconstrained] = np.inf
    return covariance, unconstrained


def _estimate_sigmas(problem: _Problem, models: list[tuple[np.ndarray, float | None]], dof: int) -> bool:
    """Replace the sigma of every dataset without one by its scatter at the fit; True if a weight moved."""
    moved = False
    share = dof / problem.n_points
    for i, (d, (m, _)) in enumerate(zip(problem.data, models, strict=True)):
        if d.sigma is not None:
            continue
        rss = float(np.sum((d.y - m) ** 2))
        floor = 1e-12 * (float(np.sqrt(np.mean(d.y**2))) or 1.0)
        estimate = max(math.sqrt(rss / (d.y.size * share)), floor)
        old = float(problem.sigmas[i][0])
        moved |= abs(estimate - old) > SIGMA_CHANGE * old
        problem.sigmas[i] = np.full(d.y.size, estimate)
    return moved


def _check_datasets(datasets: Sequence[Dataset]) -> tuple[Dataset, ...]:
    chosen = tuple(datasets)
    if not 1 <= len(chosen) <= MAX_DATASETS:
        raise ValueError(f"datasets: need 1 to {MAX_DATASETS} datasets, got {len(chosen)}")
    for dataset in chosen:
        if getattr(dataset, "kind", None) not in FIT_MODELS:
            raise ValueError(f"datasets: {dataset!r:.60} is not a dataset of {', '.join(FIT_MODELS)}")
    total = sum(dataset_points(d) for d in chosen)
    if total > MAX_FIT_POINTS:
        raise ValueError(f"datasets: {total} points in all; allowed up to {MAX_FIT_POINTS}")
    return chosen


def fit(
    params: GainParams,
    datasets: Sequence[Dataset],
    free: FreeSpec,
    *,
    progress: Progress | None = None,
    max_evaluations: int = 400,
) -> FitResult:
    """Fit the ``free`` parameters of ``params`` to ``datasets`` (see the module docstring, docs/fitting.md).

    ``free``: names (bounds = the field's range) or names -> (lower, upper). ``progress(fraction,
    text)`` is called on every model evaluation (fraction = evaluations / max_evaluations).
    Raises ``ValueError`` naming the argument for bad input, or when the data have no more points
    than free parameters and profiled amplitudes. An optimiser that stops early is reported in
    ``success``/``message``, not raised.
    """
    from . import __version__

    if isinstance(max_evaluations, bool) or not isinstance(max_evaluations, int) or not 1 <= max_evaluations <= 10_000:
        raise ValueError(f"max_evaluations: {max_evaluations!r} is not an integer in [1, 10000]")
    chosen = _check_datasets(datasets)
    parameters = free_parameters(free)
    data = [_prepared(d) for d in chosen]
    n_points = sum(d.y.size for d in data)
    n_amplitudes = sum(d.amplitude != "none" for d in data)
    dof = n_points - len(parameters) - n_amplitudes
    if dof < 1:
        raise ValueError(f"datasets: {n_points} points cannot fix {len(parameters)} free parameters and "
                         f"{n_amplitudes} profiled amplitudes (need at least one degree of freedom)")
    notes: list[str] = []
    start = []
    for p in parameters:
        value = FIT_ONLY[p.name].default if p.name in FIT_ONLY else getattr(params, p.name)
        if value is None:
            value = _unspace(p, float(0.5 * (_space(p, p.lower) + _space(p, p.upper))))
            notes.append(f"{p.name}: unset in the parameters; started at {value:.6g}")
        start.append(float(np.clip(_space(p, min(max(value, p.lower), p.upper)), 0.0, 1.0)))
    lower = np.array([float(_space(p, p.lower)) for p in parameters])
    upper = np.array([float(_space(p, p.upper)) for p in parameters])
    problem = _Problem(params, parameters, data, progress, max_evaluations)
    try:
        problem.models(np.array(start))
    except ValueError as error:
        raise ValueError(f"the model cannot be evaluated at the starting point: {error}") from None
    u = np.array(start)
    solution = None
    for _ in range(SIGMA_ROUNDS):
        solution = least_squares(problem.residuals, u, bounds=(lower, upper), method="trf", x_scale="jac",
                                 diff_step=JACOBIAN_STEP, max_nfev=max_evaluations, callback=problem.stop_when_spent)
        u = np.clip(solution.x, lower, upper)
        if not _estimate_sigmas(problem, problem.models(u), dof) or len(data) == 1 or not solution.success:
            break
    assert solution is not None
    return _result(problem, u, lower, upper, dof, solution, notes, __version__)


def _result(problem: _Problem, u: np.ndarray, lower: np.ndarray, upper: np.ndarray, dof: int, solution: Any,
            notes: list[str], version: str) -> FitResult:
    """Statistics, residuals and warnings at the solution ``u``."""
    parameters = problem.free
    jacobian = _jacobian(problem, u, lower, upper)
    models = problem.models(u)
    covariance, unconstrained = _covariance(jacobian)
    params, _ = problem.point(u)
    values = np.array([_unspace(p, float(x)) for p, x in zip(parameters, u, strict=True)])
    per_u = np.array([_value_per_u(p, v) for p, v in zip(parameters, values, strict=True)])
    sigma_u = np.sqrt(np.diag(covariance))
    uncertainties = np.where(unconstrained, np.inf, sigma_u * per_u)
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(sigma_u, sigma_u)
    correlation[unconstrained, :] = np.nan
    correlation[:, unconstrained] = np.nan
    residuals, scales, chi2 = [], [], 0.0
    for d, (m, scale), s in zip(problem.data, models, problem.sigmas, strict=True):
        normalised = (d.y - m) / s
        chi2 += float(normalised @ normalised)
        residuals.append(_residuals(d, m, s, normalised))
        scales.append(scale)
    estimated = tuple(d.sigma is None for d in problem.data)
    for d, s, was_estimated in zip(problem.data, problem.sigmas, estimated, strict=True):
        if was_estimated:
            space = " (in log10 of the output)" if d.amplitude == "log" else ""
            notes.append(f"{d.dataset.name}: no sigma given; used sigma = {float(s[0]):.4g}{space}, "
                         "estimated from its scatter at the best fit")
    reduced = chi2 / dof
    warnings = _warnings(parameters, values, uncertainties, correlation, u, lower, upper, unconstrained,
                         reduced, any(not e for e in estimated))
    message = str(solution.message)
    if solution.status in (-2, 0):
        message = f"stopped: the budget of max_evaluations = {problem.max_evaluations} model evaluations is spent"
    if not solution.success:
        warnings.insert(0, f"the optimiser did not converge ({message})")
    if problem.progress is not None:
        problem.progress(1.0, f"done: chi^2/dof = {reduced:.4g}")
    for array in (values, uncertainties, correlation):
        array.setflags(write=False)
    return FitResult(
        params=params, names=tuple(p.name for p in parameters), values=values, uncertainties=uncertainties,
        units=tuple(p.unit for p in parameters), bounds=tuple((p.lower, p.upper) for p in parameters),
        correlation=correlation, chi2=chi2, dof=dof, reduced_chi2=reduced,
        datasets=tuple(d.dataset.name for d in problem.data), residuals=tuple(residuals), scales=tuple(scales),
        sigma_estimated=estimated, warnings=tuple(warnings), notes=tuple(notes), success=bool(solution.success),
        message=message, n_evaluations=problem.evaluations, qdgain_version=version,
    )


def _residuals(d: _Data, model: np.ndarray, sigma: np.ndarray, normalised: np.ndarray) -> FitResiduals:
    """A dataset's residuals in its own units (ASE: back from log10)."""
    spec = FIT_MODELS[d.dataset.kind]
    x_name = getattr(d.dataset, "x_name", spec.x_field)
    data = np.asarray(getattr(d.dataset, spec.y_field), dtype=float)
    if d.amplitude == "log":
        model = 10.0**model
        sigma = sigma * data * math.log(10.0)
    group = None if spec.group_field is None else np.asarray(getattr(d.dataset, spec.group_field), dtype=float)
    arrays = [np.asarray(getattr(d.dataset, spec.x_field), dtype=float), data, np.asarray(model, dtype=float),
              np.asarray(sigma, dtype=float), np.asarray(normalised, dtype=float)]
    if group is not None:
        arrays.append(group)
    for array in arrays:
        array.setflags(write=False)
    return FitResiduals(d.dataset.name, d.dataset.kind, x_name, arrays[0], spec.group_field, group, arrays[1],
                        arrays[2], arrays[3], arrays[4])


def _warnings(parameters: tuple[FreeParameter, ...], values: np.ndarray, uncertainties: np.ndarray,
              correlation: np.ndarray, u: np.ndarray, lower: np.ndarray, upper: np.ndarray,
              unconstrained: np.ndarray, reduced_chi2: float, sigma_given: bool) -> list[str]:
    """The fit's warnings (docs/fitting.md): bounds, unconstrained parameters, correlations, chi^2/dof."""
    found = []
    for i, p in enumerate(parameters):
        margin = BOUND_TOLERANCE * (upper[i] - lower[i])
        for side, bound, distance in (("lower", p.lower, u[i] - lower[i]), ("upper", p.upper, upper[i] - u[i])):
            if distance <= margin:
                found.append(f"{p.name}: {values[i]:.6g} is at its {side} bound {bound:g} (within 1e-3 of the "
                             "range); the data may want a value beyond it")
        if unconstrained[i]:
            found.append(f"{p.name}: not constrained by the data (singular covariance)")
        elif not uncertainties[i] <= abs(values[i]):
            relative = uncertainties[i] / abs(values[i]) if values[i] else math.inf
            found.append(f"{p.name}: relative uncertainty {100 * relative:.3g} % > 100 %; "
                         "not constrained by the data")
    for i in range(len(parameters)):
        for j in range(i + 1, len(parameters)):
            if abs(correlation[i, j]) > CORRELATION_LIMIT:
                found.append(f"{parameters[i].name} and {parameters[j].name}: correlation {correlation[i, j]:+.4f}; "
                             "the data fix only a combination of the two")
    if sigma_given and reduced_chi2 > REDUCED_CHI2_LIMIT:
        found.append(f"chi^2/dof = {reduced_chi2:.3g} > {REDUCED_CHI2_LIMIT:g}: the model does not describe the "
                     "data within the given sigma")
    return found


def _number(value: float | None) -> float | str | None:
    """A float for JSON: finite numbers as numbers, inf/-inf/nan as the strings "inf", "-inf", "nan"."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else str(value)


def _from_number(value: Any, where: str) -> float:
    if isinstance(value, str) and value in ("inf", "-inf", "nan"):
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"fit result: {where} must be a number or 'inf', '-inf', 'nan', got {value!r:.40}")
    return float(value)


def json_numbers(values: Any) -> Any:
    """A float array (any shape) as nested lists for JSON (``_number`` per entry)."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        return _number(float(array))
    return [json_numbers(v) for v in array]


def numbers_from_json(values: Any, where: str) -> np.ndarray:
    """The inverse of ``json_numbers`` (read-only float array); ValueError naming ``where`` otherwise."""
    def convert(item: Any) -> Any:
        return [convert(v) for v in item] if isinstance(item, list) else _from_number(item, where)

    try:
        array = np.array(convert(values), dtype=float)
    except ValueError as error:
        raise ValueError(f"fit result: {where}: {error}") from None
    array.setflags(write=False)
    return array


FIT_RESULT_FORMAT = "qdgain-fit-result/1"


def fit_result_to_json(result: FitResult) -> dict[str, Any]:
    """Plain JSON of ``result`` (docs/fitting.md); ``fit_result_from_json`` reads it back exactly."""
    return {
        "format": FIT_RESULT_FORMAT,
        "qdgain_version": result.qdgain_version,
        "params": result.params.as_dict(),
        "names": list(result.names),
        "values": json_numbers(result.values),
        "uncertainties": json_numbers(result.uncertainties),
        "units": list(result.units),
        "bounds": [[_number(lo), _number(hi)] for lo, hi in result.bounds],
        "correlation": json_numbers(result.correlation),
        "chi2": _number(result.chi2),
        "dof": result.dof,
        "reduced_chi2": _number(result.reduced_chi2),
        "datasets": list(result.datasets),
        "scales": [_number(s) for s in result.scales],
        "sigma_estimated": list(result.sigma_estimated),
        "residuals": [
            {"dataset": r.dataset, "kind": r.kind, "x_name": r.x_name, "x": json_numbers(r.x),
             "group_name": r.group_name, "group": None if r.group is None else json_numbers(r.group),
             "data": json_numbers(r.data), "model": json_numbers(r.model), "sigma": json_numbers(r.sigma),
             "normalised": json_numbers(r.normalised)}
            for r in result.residuals
        ],
        "warnings": list(result.warnings),
        "notes": list(result.notes),
        "success": result.success,
        "message": result.message,
        "n_evaluations": result.n_evaluations,
    }


def _strings(document: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = document.get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"fit result: {key} must be a list of strings")
    return tuple(values)


def fit_result_from_json(document: Mapping[str, Any]) -> FitResult:
    """A ``FitResult`` from ``fit_result_to_json``'s JSON; ValueError naming the field on anything else."""
    if not isinstance(document, Mapping) or document.get("format") != FIT_RESULT_FORMAT:
        raise ValueError(f"fit result: expected an object with format {FIT_RESULT_FORMAT!r}")
    try:
        params = GainParams(**document["params"])
        names = _strings(document, "names")
        k = len(names)
        values = numbers_from_json(document["values"], "values")
        uncertainties = numbers_from_json(document["uncertainties"], "uncertainties")
        correlation = numbers_from_json(document["correlation"], "correlation").reshape(k, k)
        bounds = tuple((float(lo), float(hi)) for lo, hi in document["bounds"])
        datasets = _strings(document, "datasets")
        residuals = tuple(_residuals_from_json(r) for r in document["residuals"])
        scales = tuple(None if s is None else _from_number(s, "scales") for s in document["scales"])
        estimated = tuple(bool(e) for e in document["sigma_estimated"])
        dof = document["dof"]
        n_evaluations = document["n_evaluations"]
    except (KeyError, TypeError) as error:
        raise ValueError(f"fit result: missing or malformed field {error}") from None
    shapes_ok = values.shape == uncertainties.shape == (k,) and len(bounds) == k and (
        len(datasets) == len(residuals) == len(scales) == len(estimated))
    if not shapes_ok or not isinstance(dof, int) or not isinstance(n_evaluations, int):
        raise ValueError("fit result: the free parameters or datasets do not match in length")
    return FitResult(
        params=params, names=names, values=values, uncertainties=uncertainties, units=_strings(document, "units"),
        bounds=bounds, correlation=correlation, chi2=_from_number(document.get("chi2"), "chi2"), dof=dof,
        reduced_chi2=_from_number(document.get("reduced_chi2"), "reduced_chi2"), datasets=datasets,
        residuals=residuals, scales=scales, sigma_estimated=estimated, warnings=_strings(document, "warnings"),
        notes=_strings(document, "notes"), success=bool(document.get("success")),
        message=str(document.get("message", "")), n_evaluations=n_evaluations,
        qdgain_version=str(document.get("qdgain_version", "")),
    )


def _residuals_from_json(item: Mapping[str, Any]) -> FitResiduals:
    group = item.get("group")
    return FitResiduals(
        dataset=str(item["dataset"]), kind=str(item["kind"]), x_name=str(item["x_name"]),
        x=numbers_from_json(item["x"], "residuals.x"),
        group_name=None if item.get("group_name") is None else str(item["group_name"]),
        group=None if group is None else numbers_from_json(group, "residuals.group"),
        data=numbers_from_json(item["data"], "residuals.data"),
        model=numbers_from_json(item["model"], "residuals.model"),
        sigma=numbers_from_json(item["sigma"], "residuals.sigma"),
        normalised=numbers_from_json(item["normalised"], "residuals.normalised"),
    )


def fit_report_csv(result: FitResult) -> str:
    """The fit as CSV (docs/fitting.md): a summary table, a blank line, then the residuals of every point."""
    out = io.StringIO()
    out.write(f"# qdgain {result.qdgain_version} fit report; datasets: {', '.join(result.datasets)}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "name", "value", "uncertainty", "unit", "lower", "upper"])
    for name, value, error, unit, (lo, hi) in zip(result.names, result.values, result.uncertainties, result.units,
                                                  result.bounds, strict=True):
        writer.writerow(["parameter", name, repr(float(value)), repr(float(error)), unit, repr(lo), repr(hi)])
    for name, number in (("chi2", result.chi2), ("dof", result.dof), ("reduced_chi2", result.reduced_chi2),
                         ("n_evaluations", result.n_evaluations)):
        writer.writerow(["statistic", name, repr(number), "", "", "", ""])
    writer.writerow(["statistic", "success", str(result.success), "", "", "", ""])
    for dataset, scale, estimated in zip(result.datasets, result.scales, result.sigma_estimated, strict=True):
        writer.writerow(["scale", dataset, "" if scale is None else repr(scale), "", "", "", ""])
        writer.writerow(["sigma_estimated", dataset, str(estimated), "", "", "", ""])
    for i, a in enumerate(result.names):
        for j in range(i + 1, len(result.names)):
            writer.writerow(["correlation", f"{a}|{result.names[j]}", repr(float(result.correlation[i, j])),
                             "", "", "", ""])
    for kind, texts in (("warning", result.warnings), ("note", result.notes)):
        for text in texts:
            writer.writerow([kind, "", text, "", "", "", ""])
    out.write("\n")
    writer.writerow(["dataset", "x_name", "x", "group_name", "group", "data", "model", "sigma", "normalised_residual"])
    for r in result.residuals:
        group = r.group if r.group is not None else [None] * r.x.size
        for x, g, y, m, s, n in zip(r.x, group, r.data, r.model, r.sigma, r.normalised, strict=True):
            writer.writerow([r.dataset, r.x_name, repr(float(x)), r.group_name or "",
                             "" if g is None else repr(float(g)), repr(float(y)), repr(float(m)), repr(float(s)),
                             repr(float(n))])
    return out.getvalue()

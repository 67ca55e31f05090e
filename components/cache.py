"""Memoized core calls (flask-caching), keyed on canonical JSON of the rounded parameters.

Backend: an in-process ``SimpleCache`` bounded to ``QDGAIN_CACHE_THRESHOLD`` entries by
default; Redis (``RedisCache``) when ``QDGAIN_CACHE_URL`` or ``REDIS_URL`` is set, so several
gunicorn workers and hosts share results. An unreachable Redis at start-up falls back to
the in-process cache with a logged warning; a Redis failure later is logged (at most once a
minute) and the value is computed instead, so the app keeps serving and recovers when
Redis returns.

Keys are ``qdgain:<version>:<function>:<sha256 of sorted-key JSON>`` of the arguments, so
they are identical in every process; each process remembers the keys of its last
``KEY_MEMO`` parameter sets per function. A computation the cache does not hold runs
under the request budget (``security.run_with_budget``): past it the request is answered
503 with Retry-After, and the result, finished in the background, is cached for the retry. A cached function may declare parameters it does not
depend on (``ignores``, e.g. <N> for a threshold); those are reset to their defaults
before both the key and the call, so dragging <N> reuses every threshold and map.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from flask import Flask
from flask_caching import Cache

import qdgain_core as core
from qdgain_core import GainParams

from . import security

LOG = logging.getLogger(__name__)

cache = Cache()

DEFAULT_THRESHOLD = 300
DEFAULT_TIMEOUT_S = 3600
REDIS_TIMEOUT_S = 0.5
WARNING_INTERVAL_S = 60.0
DOPING_POINTS = 41
KEY_MEMO = 1024  # per cached function: parameters -> key, so a warm request does not re-hash them
_DEFAULTS = GainParams()
_last_warning = {"time": -WARNING_INTERVAL_S}

T = TypeVar("T")


def cache_config(environ: Mapping[str, str]) -> dict[str, Any]:
    """flask-caching config from environment variables (Redis URL or a bounded SimpleCache)."""
    threshold = _positive_int(environ.get("QDGAIN_CACHE_THRESHOLD"), DEFAULT_THRESHOLD)
    timeout = _positive_int(environ.get("QDGAIN_CACHE_TIMEOUT"), DEFAULT_TIMEOUT_S)
    url = environ.get("QDGAIN_CACHE_URL") or environ.get("REDIS_URL")
    if url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": with_redis_timeouts(url),
            "CACHE_DEFAULT_TIMEOUT": timeout,
            "CACHE_KEY_PREFIX": "",
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": threshold, "CACHE_DEFAULT_TIMEOUT": timeout}


def with_redis_timeouts(url: str) -> str:
    """``url`` with short socket timeouts unless it sets its own (a dead Redis must not hang requests)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("socket_timeout", str(REDIS_TIMEOUT_S))
    query.setdefault("socket_connect_timeout", str(REDIS_TIMEOUT_S))
    return urlunsplit(parts._replace(query=urlencode(query)))


def configure_cache(server: Flask, environ: Mapping[str, str] | None = None) -> str:
    """Bind ``cache`` to ``server``; returns the backend type actually in use."""
    environ = os.environ if environ is None else environ
    config = cache_config(environ)
    if config["CACHE_TYPE"] == "RedisCache" and not _redis_reachable(config["CACHE_REDIS_URL"]):
        LOG.warning("Redis cache at %s is unreachable; using the in-process cache",
                    _redacted(config["CACHE_REDIS_URL"]))
        config = cache_config({k: v for k, v in environ.items() if k not in ("QDGAIN_CACHE_URL", "REDIS_URL")})
    cache.init_app(server, config)
    LOG.info("qdgain cache backend: %s", config["CACHE_TYPE"])
    return config["CACHE_TYPE"]


def _redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.from_url(url).ping())
    except Exception:  # any failure to connect means "not reachable"
        return False


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port or ''}"


def _positive_int(raw: str | None, default: int) -> int:
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    return value if value > 0 else default


def _jsonable(value: Any) -> Any:
    if isinstance(value, GainParams):
        return value.as_dict()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return value


def cache_key(name: str, args: tuple[Any, ...]) -> str:
    """Deterministic key: version, function name and SHA-256 of the canonical JSON of ``args``."""
    text = json.dumps(_jsonable(list(args)), sort_keys=True, separators=(",", ":"), allow_nan=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"qdgain:{core.__version__}:{name}:{digest}"


def _warn_backend(exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning["time"] >= WARNING_INTERVAL_S:
        _last_warning["time"] = now
        LOG.warning("cache backend failed (%s: %s); computing without the cache", type(exc).__name__, exc)


def _backend() -> Any | None:
    """The configured backend, or None when ``configure_cache`` has not run (plain calls, tests)."""
    app = getattr(cache, "app", None)
    if app is None:
        return None
    return app.extensions.get("cache", {}).get(cache)


def memoized(ignores: tuple[str, ...] = ()) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache ``func(params, *args)``; fields in ``ignores`` are reset to defaults first."""
    defaults = {name: getattr(_DEFAULTS, name) for name in ignores}

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        @functools.lru_cache(maxsize=KEY_MEMO)
        def normalized(params: GainParams) -> GainParams:
            return dataclasses.replace(params, **defaults) if defaults else params

        @functools.lru_cache(maxsize=KEY_MEMO)
        def key(params: GainParams, *args: Any) -> str:
            """The cache key of this call (equal keys mean equal results)."""
            return cache_key(func.__qualname__, (normalized(params), *args))

        @functools.wraps(func)
        def wrapper(params: GainParams, *args: Any) -> T:
            params = normalized(params)
            backend = _backend()
            if backend is None:
                return func(params, *args)
            key_text = key(params, *args)
            try:
                hit = backend.get(key_text)
            except Exception as exc:  # backend down: compute instead
                _warn_backend(exc)
                return func(params, *args)
            if hit is not None:
                return hit

            def compute_and_store() -> T:
                value = func(params, *args)
                try:
                    backend.set(key_text, value)
                except Exception as exc:
                    _warn_backend(exc)
                return value

            return security.run_with_budget(compute_and_store, seconds=security.DEFAULT_BUDGET_SECONDS)

        wrapper.key = key  # type: ignore[attr-defined]
        return wrapper

    return decorate


@memoized()
def spectra(params: GainParams) -> core.Spectra:
    """OD_NL parts at the operating point (docs/model.md §1)."""
    return core.nonlinear_absorption(params)


@memoized(ignores=("n_avg",))
def thresholds(params: GainParams) -> dict[str, core.Threshold]:
    """<N_th> by every method (docs/model.md §5.1); independent of <N>."""
    return core.all_thresholds(params)


@memoized(ignores=("n_avg",))
def sigma_ratio(params: GainParams) -> float:
    """sigma_eff/sigma_SE of a singly excited dot ([000] Fig. 5c,d)."""
    return core.sigma_eff_ratio(params)


@memoized()
def measured_ratio(params: GainParams) -> float:
    """max(-OD_NL)/max OD_0 at the operating <N> ([001] section 3.3)."""
    return core.measured_ratio(params)


@memoized(ignores=("n_avg",))
def se_map(params: GainParams) -> core.SEMap:
    """OD_NL(E, <N>) on the core's default <N> rows ([001] Fig. 8c-f)."""
    return core.se_map(params)


def map_axes(points: int) -> tuple[np.ndarray, np.ndarray]:
    """chi and eta axes of the phase maps over the FIELD_SPECS ranges (eta log-spaced)."""
    chi_spec, eta_spec = core.FIELD_SPECS["chi"], core.FIELD_SPECS["eta"]
    chi = np.linspace(chi_spec.minimum, chi_spec.maximum, points)
    eta = np.geomspace(eta_spec.minimum, eta_spec.maximum, points)
    return chi, eta


@memoized(ignores=("chi", "n_avg"))
def phase_maps(params: GainParams, points: int, hold: str) -> dict[str, core.PhaseMap]:
    """<N_th>(chi, eta) and sigma_eff/sigma_SE(chi, eta) ([000] Fig. 5); the maps vary chi themselves.

    ``hold`` ("fine_structure" or "stokes", docs/model.md §5.2) is what stays fixed along eta;
    it is part of the key. The caller passes a hold valid for ``params`` (``AppState.hold``).
    """
    chi, eta = map_axes(points)
    return core.phase_maps(params, chi, eta, hold=hold)


@memoized(ignores=("n_avg",))
def phase_cuts(params: GainParams, points: int, hold: str) -> core.PhaseCuts:
    """The four 1-D cuts through the operating point ([000] Fig. 5a-d), 4x the map resolution, holding ``hold``."""
    chi, eta = map_axes(min(4 * points, 201))
    return core.phase_cuts(params, chi, eta, hold=hold)


def doping_axis() -> np.ndarray:
    """<n_1S(e)> values of the threshold-vs-doping curve (electrons/dot)."""
    return np.linspace(0.0, 2.0, DOPING_POINTS)


@memoized(ignores=("n_doped", "n_avg"))
def threshold_vs_doping(params: GainParams) -> np.ndarray:
    """<N_th> versus <n_1S(e)> ([002] Fig. 5b); inf where there is no gain."""
    return core.threshold_vs_doping(params, doping_axis())


def plotted_only(array: np.ndarray) -> np.ndarray:
    """A large array that is only ever plotted, stored as float32 (what the figures send anyway).

    Halves the cached size of the two largest results (ASE spectra, A*(t) histories), so a
    bounded cache (Redis maxmemory, SimpleCache threshold) holds twice as many states.
    """
    return np.asarray(array, dtype=np.float32)


@memoized(ignores=("n_avg",))
def ase(params: GainParams) -> core.ASECurve:
    """Stripe ASE versus fluence, 60 log-spaced fluences ([001] Fig. 9); spectra kept as plotted (float32)."""
    curve = core.ase_curve(params)
    return dataclasses.replace(curve, spectra=plotted_only(curve.spectra))


@dataclasses.dataclass(frozen=True)
class SchemeCurve:
    """Integrated ASE output of one level scheme (only what the comparison plot needs)."""

    fluence_mj_cm2: np.ndarray
    output_integrated: np.ndarray
    threshold_mj_cm2: float | None
    threshold_reason: str


@memoized(ignores=("n_avg",))
def scheme_curves(params: GainParams) -> dict[str, SchemeCurve]:
    """ASE output of 2LS/3LS/4LS with and without ESA ([001] Fig. 9a-d)."""
    curves = {}
    for name, variant in core.level_scheme_variants(params).items():
        curve = core.ase_curve(variant)
        curves[name] = SchemeCurve(curve.fluence_mj_cm2, curve.output_integrated,
                                   curve.threshold_mj_cm2, curve.threshold_reason)
    return curves


@memoized()
def dynamics(params: GainParams) -> core.GainDynamics:
    """Auger-cascade A*(t) and gain lifetimes ([002] Fig. 5c); the A*(t) grid kept as plotted (float32)."""
    result = core.gain_dynamics(params)
    return dataclasses.replace(result, a_star=plotted_only(result.a_star))

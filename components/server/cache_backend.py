"""The shared result cache (flask-caching) and ``memoized``, keyed on canonical JSON of the rounded parameters.

Backend: an in-process ``SimpleCache`` bounded to ``QDGAIN_CACHE_THRESHOLD`` entries by
default; Redis (``RedisCache``) when ``QDGAIN_CACHE_URL`` or ``REDIS_URL`` is set, so several
gunicorn workers and hosts share results. An unreachable Redis at start-up falls back to
the in-process cache with a logged warning; a Redis failure later is logged (at most once a
minute) and the value is computed instead, so the app keeps serving and recovers when
Redis returns.

Keys are ``qdgain:<version>:<function>:<sha256 of sorted-key JSON>`` of the arguments, so
they are identical in every process; each process remembers the keys of its last
``KEY_MEMO`` parameter sets per function. A computation the cache does not hold runs
under the request budget (``budget.run_with_budget``): past it the request is answered
503 with Retry-After, and the result, finished in the background, is cached for the retry.
A cached function may declare parameters it does not depend on (``ignores``, e.g. <N> for a
threshold); those are reset to their defaults before both the key and the call, so dragging
<N> reuses every threshold and map.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from flask import Flask
from flask_caching import Cache

import qdgain_core as core
from components import settings
from components.server import budget
from components.settings import Settings
from qdgain_core import GainParams

LOG = logging.getLogger(__name__)

cache = Cache()

REDIS_TIMEOUT_S = 0.5
WARNING_INTERVAL_S = 60.0
KEY_MEMO = 1024  # per cached function: parameters -> key, so a warm request does not re-hash them
_DEFAULTS = GainParams()
_last_warning = {"time": -WARNING_INTERVAL_S}

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class CacheKey(Protocol):
    """``key(params, *args)``: the cache key of a memoized call (equal keys mean equal results)."""

    def __call__(self, params: GainParams, *args: Any) -> str: ...


class Memoized(Protocol[T_co]):
    """A ``memoized`` function: called like the function it wraps, and ``key`` gives a call's cache key."""

    key: CacheKey

    def __call__(self, params: GainParams, *args: Any) -> T_co: ...


def cache_config(config: Settings) -> dict[str, Any]:
    """flask-caching config from the settings (Redis URL or a bounded SimpleCache)."""
    url = config.shared_cache_url
    if url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": with_redis_timeouts(url),
            "CACHE_DEFAULT_TIMEOUT": config.cache_timeout_s,
            "CACHE_KEY_PREFIX": "",
        }
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": config.cache_threshold,
            "CACHE_DEFAULT_TIMEOUT": config.cache_timeout_s}


def with_redis_timeouts(url: str) -> str:
    """``url`` with short socket timeouts unless it sets its own (a dead Redis must not hang requests)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("socket_timeout", str(REDIS_TIMEOUT_S))
    query.setdefault("socket_connect_timeout", str(REDIS_TIMEOUT_S))
    return urlunsplit(parts._replace(query=urlencode(query)))


def configure_cache(server: Flask, config_settings: Settings | None = None) -> str:
    """Bind ``cache`` to ``server`` (default: this process's settings); returns the backend type in use."""
    config_settings = settings.current() if config_settings is None else config_settings
    config = cache_config(config_settings)
    if config["CACHE_TYPE"] == "RedisCache" and not _redis_reachable(config["CACHE_REDIS_URL"]):
        LOG.warning("Redis cache at %s is unreachable; using the in-process cache",
                    _redacted(config["CACHE_REDIS_URL"]))
        config = cache_config(config_settings.without_shared_cache())
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


def memoized(ignores: tuple[str, ...] = ()) -> Callable[[Callable[..., T]], Memoized[T]]:
    """Cache ``func(params, *args)``; fields in ``ignores`` are reset to defaults first."""
    defaults = {name: getattr(_DEFAULTS, name) for name in ignores}

    def decorate(func: Callable[..., T]) -> Memoized[T]:
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

            return budget.run_with_budget(compute_and_store, seconds=budget.DEFAULT_BUDGET_SECONDS)

        memo = cast(Memoized[T], wrapper)  # a plain function, given its ``key`` attribute here
        memo.key = key
        return memo

    return decorate

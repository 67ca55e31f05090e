"""Hardening of the Flask server behind the Dash app: headers, errors, limits, health.

``secure_app(app)`` applies everything; call it in ``app.py`` after every callback is
registered (the CSP needs the hashes of Dash's inline scripts, clientside callbacks
included). The parts can be used alone:

* ``register_security_headers(server, script_hashes)``: a Content-Security-Policy that
  Dash and plotly.js work under (no external hosts, no inline script except Dash's own,
  hashed), ``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy``,
  ``Permissions-Policy``.
* ``register_error_handlers(server)``: no stack trace ever reaches a client. Unexpected
  exceptions become a small JSON 500 with an incident id; the trace goes to the log.
* ``install_request_limits(server, callback_map)``: a cap on request bodies and a
  structural check of every callback POST against the registered callbacks, so that
  malformed payloads are answered 400 before Dash touches them.
* ``register_health(server)``: ``GET /healthz`` with the version and the cache state.
* ``prime_dash(app)``: completes Dash's lazy setup at start-up (a first-request race).
* ``configure_secret_key(server)``: Flask's secret key from ``SECRET_KEY``.

``run_with_budget`` bounds the wall time a caller waits for one computation.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from dash.exceptions import DependencyException
from flask import Flask, Response, current_app, g, has_app_context, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from components.callback_guard import CallbackPayloadError, check_callback_body

LOG = logging.getLogger("qdgain.security")

CALLBACK_PATH = "/_dash-update-component"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_SLOW_REQUEST_SECONDS = 2.0
DEFAULT_BUDGET_SECONDS = 20.0

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")
)

T = TypeVar("T")


class ComputationTimeout(Exception):
    """A computation did not finish within its budget; answered 503 with Retry-After."""


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The CSP header value for the app.

    ``script_hashes`` are CSP hash sources (``'sha256-...'``) of the inline scripts the
    page may run: Dash's renderer bootstrap and clientside callbacks
    (``dash.Dash.csp_hashes()``). Styles may be inline because plotly.js and Dash's
    components inject ``<style>`` elements; images and downloads may use ``data:`` and
    ``blob:`` URLs (the modebar's PNG export, ``dcc.Download``).
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def register_security_headers(
    server: Flask, script_hashes: Iterable[str] | Callable[[], Iterable[str]] = ()
) -> None:
    """Add the security headers to every response of ``server``.

    ``script_hashes`` may be a callable (such as ``app.csp_hashes``); it is then called
    once, at the first response, when every callback has been registered.
    """
    policy: list[str] = []

    def header_value() -> str:
        if not policy:
            hashes = script_hashes() if callable(script_hashes) else script_hashes
            policy.append(content_security_policy(hashes))
        return policy[0]

    @server.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", header_value())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def _json_error(status: int, message: str, **extra: Any) -> Response:
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    return response


def register_error_handlers(server: Flask) -> None:
    """Answer every error with a short JSON body; log unexpected ones with their trace."""

    @server.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        return _json_error(error.code or 500, error.name)

    @server.errorhandler(DependencyException)
    def _unknown_resource(error: DependencyException) -> Response:
        return _json_error(404, "Not Found")

    @server.errorhandler(CallbackPayloadError)
    def _bad_payload(error: CallbackPayloadError) -> Response:
        LOG.info("rejected callback payload: %s", error)
        return _json_error(400, "Bad Request", detail=str(error))

    @server.errorhandler(ComputationTimeout)
    def _timeout(error: ComputationTimeout) -> Response:
        LOG.warning("computation over budget: %s", error)
        response = _json_error(503, "Computation took too long; try again shortly")
        response.headers["Retry-After"] = "2"
        return response

    @server.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        incident = uuid.uuid4().hex[:12]
        LOG.error(
            "unhandled %s on %s %s (incident %s)",
            type(error).__name__, request.method, request.path, incident,
            exc_info=error,
        )
        return _json_error(500, "Internal Server Error", incident=incident)


def install_request_limits(
    server: Flask,
    callback_map: Mapping[str, Mapping[str, Any]] | None = None,
    max_body_bytes: int | None = None,
    slow_request_seconds: float = DEFAULT_SLOW_REQUEST_SECONDS,
) -> None:
    """Bound request bodies, check callback payloads and log slow requests.

    ``max_body_bytes`` defaults to ``QDGAIN_MAX_BODY_BYTES`` or 1 MiB; larger bodies get
    413. With ``callback_map`` (``app.callback_map``), a POST to the callback endpoint
    that is not a well-formed call of a registered callback gets 400 before Dash runs.
    """
    if max_body_bytes is None:
        max_body_bytes = int(os.environ.get("QDGAIN_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))
    server.config["MAX_CONTENT_LENGTH"] = max_body_bytes

    @server.before_request
    def _check_request() -> None:
        g.qdgain_started = time.perf_counter()
        if callback_map is None or request.method != "POST" or request.path != CALLBACK_PATH:
            return
        try:
            body = request.get_json(force=True, silent=False)
        except RecursionError:
            raise CallbackPayloadError("body is nested too deeply") from None
        except BadRequest as error:
            if error.code == 413:
                raise
            raise CallbackPayloadError("body is not valid JSON") from None
        check_callback_body(body, callback_map)

    @server.after_request
    def _log_slow(response: Response) -> Response:
        started = g.get("qdgain_started")
        if started is not None:
            elapsed = time.perf_counter() - started
            if elapsed > slow_request_seconds:
                LOG.warning("slow request: %s %s took %.2f s", request.method, request.path, elapsed)
        return response


def cache_status(server: Flask) -> dict[str, Any]:
    """The cache backend's class name and, for Redis, whether it answers a PING."""
    backends = list(server.extensions.get("cache", {}).values())
    if not backends:
        return {"backend": None, "redis": None}
    backend = backends[0]
    status: dict[str, Any] = {"backend": type(backend).__name__, "redis": None}
    client = getattr(backend, "_write_client", None)
    if client is not None and hasattr(client, "ping"):
        try:
            status["redis"] = bool(client.ping())
        except Exception as error:
            LOG.warning("health: redis does not answer: %s", error)
            status["redis"] = False
    return status


def register_health(server: Flask, version: str | None = None) -> None:
    """``GET /healthz``: 200 with status, version and cache state.

    The status is ``ok``, or ``degraded`` when a configured Redis does not answer; the
    code stays 200 then, because the app keeps serving by computing.
    """
    if version is None:
        from qdgain_core import __version__ as version

    @server.get("/healthz")
    def _healthz() -> Response:
        cache = cache_status(server)
        status = "degraded" if cache["redis"] is False else "ok"
        response = jsonify({"status": status, "version": version, "cache": cache})
        response.headers["Cache-Control"] = "no-store"
        return response


@functools.cache
def _budget_executor(pid: int) -> concurrent.futures.ThreadPoolExecutor:
    """One small pool per process (keyed by pid: a forked worker never reuses its parent's)."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="qdgain-budget")


def _in_app_context(app: Flask | None, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    if app is None:
        return func(*args, **kwargs)
    with app.app_context():
        return func(*args, **kwargs)


def run_with_budget(
    func: Callable[..., T], *args: Any, seconds: float = DEFAULT_BUDGET_SECONDS, **kwargs: Any
) -> T:
    """``func(*args, **kwargs)``, or ``ComputationTimeout`` once ``seconds`` have passed.

    The request is answered 503 (Retry-After) instead of hanging; the computation itself
    cannot be interrupted and finishes in the background, so a memoized result is ready
    for the retry. At most two such computations run at once per worker process. The
    current Flask app context goes with ``func`` (flask-caching's memoize needs it).
    """
    app = current_app._get_current_object() if has_app_context() else None
    future = _budget_executor(os.getpid()).submit(_in_app_context, app, func, *args, **kwargs)
    try:
        return future.result(timeout=seconds)
    except concurrent.futures.TimeoutError:
        raise ComputationTimeout(f"{getattr(func, '__name__', func)} exceeded {seconds:g} s") from None


def prime_dash(app: Any) -> None:
    """Run Dash's lazy first-request setup now, before any concurrent request arrives.

    Dash sets its "set up" flag at the start of the first request and only then copies
    the ``dash.callback`` registrations into ``app.callback_map`` (after building the
    layout). Under threaded workers, requests arriving meanwhile find no callback
    (observed: a freshly replaced gunicorn worker answering its first burst). One request
    through the test client closes that window; with ``preload_app`` it runs once in the
    gunicorn master and every worker inherits the finished setup.
    """
    response = app.server.test_client().get("/_dash-dependencies")
    if response.status_code != 200:
        raise RuntimeError(f"Dash setup failed: /_dash-dependencies answered {response.status_code}")


def configure_secret_key(server: Flask) -> None:
    """Flask's secret key from ``SECRET_KEY``, else a random one per process.

    Dash itself keeps no session; anything that signs data (Flask sessions, CSRF tokens)
    across several workers or hosts needs the same ``SECRET_KEY`` everywhere.
    """
    server.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_hex(32)


def secure_app(app: Any) -> None:
    """Apply every measure here to a ``dash.Dash`` app (after its callbacks exist)."""
    server = app.server
    configure_secret_key(server)
    register_error_handlers(server)
    install_request_limits(server, app.callback_map)
    register_security_headers(server, app.csp_hashes)
    register_health(server)
    prime_dash(app)

"""``GET /healthz``: the version and the cache state, for load balancers and the Docker health check."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify

LOG = logging.getLogger("qdgain.security")


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

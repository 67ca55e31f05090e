"""No stack trace ever reaches a client.

Every error is a short JSON body; unexpected ones are logged with an incident id.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from dash.exceptions import DependencyException
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from components.server.budget import ComputationTimeout
from components.server.payload_check import CallbackPayloadError

LOG = logging.getLogger("qdgain.security")


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

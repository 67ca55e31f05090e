"""Request limits: a cap on request bodies, a structural check of every callback POST, a log of slow requests."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import BadRequest

from components import settings
from components.server.payload_check import CallbackPayloadError, check_callback_body

LOG = logging.getLogger("qdgain.security")

CALLBACK_PATH = "/_dash-update-component"
DEFAULT_SLOW_REQUEST_SECONDS = 2.0


def install_request_limits(
    server: Flask,
    callback_map: Mapping[str, Mapping[str, Any]] | None = None,
    max_body_bytes: int | None = None,
    slow_request_seconds: float = DEFAULT_SLOW_REQUEST_SECONDS,
) -> None:
    """Bound request bodies, check callback payloads and log slow requests.

    ``max_body_bytes`` defaults to the ``QDGAIN_MAX_BODY_BYTES`` setting (1 MiB); larger bodies get
    413. With ``callback_map`` (``app.callback_map``), a POST to the callback endpoint
    that is not a well-formed call of a registered callback gets 400 before Dash runs.
    """
    if max_body_bytes is None:
        max_body_bytes = settings.current().max_body_bytes
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

"""Request limits: a cap on request bodies, a structural check of every callback POST, a log of slow requests.

One callback may send a larger body: Download all carries the images the browser rendered
for the zip (``components/export.py`` caps them, ``IMAGE_LIMITS``: at most 6 MiB of images,
so a request of at most 9 MiB with base64 and the state), and a fit job's start request
carries its datasets (``components/jobs/requests.py``: at most 20_000 points, a 4 MiB cap), and the Animate
bar's export carries the PNGs of one panel's frames (the same image limits as Download all).
Every other request keeps the general cap (``QDGAIN_MAX_BODY_BYTES``, 1 MiB). A callback body
above the general cap is read (up to the larger cap) and its first bytes name its output; unless that is one of these it
gets 413 before any JSON is parsed.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from components import settings
from components.ids import ID
from components.server.payload_check import CallbackPayloadError, check_callback_body

LOG = logging.getLogger("qdgain.security")

CALLBACK_PATH = "/_dash-update-component"
DEFAULT_SLOW_REQUEST_SECONDS = 2.0
EXPORT_OUTPUT = f"{ID.DOWNLOAD_BUNDLE}.data"  # the Download-all callback (components/callbacks/downloads.py)


OUTPUT_PREFIX_BYTES = 512
# Dash's renderer writes the output first: {"output":"<id>.<prop>", ...}.
DECLARED_OUTPUT = re.compile(rb'^\s*\{\s*"output"\s*:\s*"([^"\\]{1,200})"')


def declared_output(head: bytes) -> str | None:
    """The output a callback body names first (its first OUTPUT_PREFIX_BYTES, unparsed), or None."""
    match = DECLARED_OUTPUT.match(head)
    return match.group(1).decode("ascii", "replace") if match else None


def job_body_limits() -> dict[str, int]:
    """Job start requests that may exceed the general cap (the fit carries its datasets): output -> cap."""
    from components.callbacks.jobs import run_output_text
    from components.jobs.kinds import LARGE_REQUEST_BYTES

    return {run_output_text(kind): cap for kind, cap in LARGE_REQUEST_BYTES.items()}


def data_body_limits() -> dict[str, int]:
    """The Your data view's requests that carry the session store of datasets: output -> cap."""
    from components.callbacks.uploads import data_body_limits as limits

    return limits()


def animation_body_limits() -> dict[str, int]:
    """The Animate bar's export (the PNGs of one panel's frames, within the same IMAGE_LIMITS): output -> cap."""
    from components.callbacks.animate import export_output_text

    return {export_output_text(): export_body_bytes()}


def export_body_bytes() -> int:
    """Largest body of the Download-all request: its images (components/export.py IMAGE_LIMITS) plus the rest."""
    from components.export import IMAGE_LIMITS  # the export module imports the figures: only when installing

    return IMAGE_LIMITS.request_bytes


def install_request_limits(
    server: Flask,
    callback_map: Mapping[str, Mapping[str, Any]] | None = None,
    max_body_bytes: int | None = None,
    slow_request_seconds: float = DEFAULT_SLOW_REQUEST_SECONDS,
    large_outputs: Mapping[str, int] | None = None,
) -> None:
    """Bound request bodies, check callback payloads and log slow requests.

    ``max_body_bytes`` defaults to the ``QDGAIN_MAX_BODY_BYTES`` setting (1 MiB); larger bodies get
    413, except a callback POST whose output is in ``large_outputs`` (output -> its own cap;
    by default the Download-all output, ``export_body_bytes()``). With ``callback_map``
    (``app.callback_map``), a POST to the callback endpoint that is not a well-formed call of a
    registered callback gets 400 before Dash runs.
    """
    if max_body_bytes is None:
        max_body_bytes = settings.current().max_body_bytes
    general = max_body_bytes
    server.config["MAX_CONTENT_LENGTH"] = general
    if large_outputs is None:
        large_outputs = ({EXPORT_OUTPUT: export_body_bytes(), **job_body_limits(), **data_body_limits(),
                         **animation_body_limits()}
                         if callback_map is not None else {})
    largest = max([general, *large_outputs.values()])

    @server.before_request
    def _check_request() -> None:
        g.qdgain_started = time.perf_counter()
        if callback_map is None or request.method != "POST" or request.path != CALLBACK_PATH:
            return
        length = request.content_length or 0
        large = length > general
        if large:
            if length > largest:
                raise RequestEntityTooLarge()
            request.max_content_length = largest  # read its bytes, to learn which callback it calls
            if declared_output(request.get_data(cache=True)[:OUTPUT_PREFIX_BYTES]) not in large_outputs:
                raise RequestEntityTooLarge()  # before any JSON is parsed: only Download all may be large
        try:
            body = request.get_json(force=True, silent=False)
        except RecursionError:
            raise CallbackPayloadError("body is nested too deeply") from None
        except BadRequest as error:
            if error.code == 413:
                raise
            raise CallbackPayloadError("body is not valid JSON") from None
        output = body.get("output") if isinstance(body, dict) else None
        if large and length > large_outputs.get(output if isinstance(output, str) else "", general):
            raise RequestEntityTooLarge()
        check_callback_body(body, callback_map)

    @server.after_request
    def _log_slow(response: Response) -> Response:
        started = g.get("qdgain_started")
        if started is not None:
            elapsed = time.perf_counter() - started
            if elapsed > slow_request_seconds:
                LOG.warning("slow request: %s %s took %.2f s", request.method, request.path, elapsed)
        return response

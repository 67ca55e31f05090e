"""Hardening of the Flask server behind the Dash app, applied once at start-up.

``secure_app(app)`` applies everything; call it in ``app.py`` after every callback is
registered (the CSP needs the hashes of Dash's inline scripts, clientside callbacks
included): the secret key, the error handlers (``errors``), the request limits
(``limits``), the security headers (``headers``), ``/healthz`` (``health``), and
``prime_dash``, which completes Dash's lazy setup (a first-request race).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask

from components import settings
from components.server.errors import register_error_handlers
from components.server.headers import register_security_headers
from components.server.health import register_health
from components.server.limits import install_request_limits


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
    server.config["SECRET_KEY"] = settings.current().secret_key or secrets.token_hex(32)


def secure_app(app: Any) -> None:
    """Apply every measure here to a ``dash.Dash`` app (after its callbacks exist)."""
    server = app.server
    configure_secret_key(server)
    register_error_handlers(server)
    install_request_limits(server, app.callback_map)
    register_security_headers(server, app.csp_hashes)
    register_health(server)
    prime_dash(app)

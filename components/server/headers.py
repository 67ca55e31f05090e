"""Security headers on every response: a Content-Security-Policy Dash and plotly.js work under, and friends.

No external hosts, no inline script except Dash's own (hashed); ``X-Content-Type-Options``,
``X-Frame-Options``, ``Referrer-Policy``, ``Permissions-Policy``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, Response

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")
)


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

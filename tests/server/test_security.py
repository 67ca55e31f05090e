"""components/server/: headers, errors, limits, health, payload checks.

Unit tests run on a small Dash app built here; the CSP is then checked against the real
app's page (every inline script hashed in the header) and, in headless Chromium, for the
absence of CSP violations while the dashboard draws.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time

import pytest
from dash import Dash, Input, Output, dcc, html
from flask_caching import Cache

from components.server.budget import ComputationTimeout, run_with_budget
from components.server.headers import content_security_policy
from components.server.payload_check import CallbackPayloadError, check_callback_body
from components.server.startup import secure_app
from tests.support.browser import browser_unavailable_reason, make_chrome_driver

CALLBACK = "/_dash-update-component"


def small_app() -> Dash:
    """One input, one output, plus routes that fail and that exceed a budget; secured."""
    app = Dash(__name__)
    app.layout = html.Div([dcc.Input(id="x", value="a"), html.Div(id="y")])

    @app.callback(Output("y", "children"), Input("x", "value"))
    def echo(value):
        return f"got {value}"

    server = app.server

    @server.get("/boom")
    def boom():
        raise RuntimeError("secret detail /etc/passwd")

    @server.get("/slow")
    def slow():
        return run_with_budget(time.sleep, 2, seconds=0.2) or "done"

    secure_app(app)
    return app


@pytest.fixture(scope="module")
def client():
    return small_app().server.test_client()


def good_body() -> dict:
    return {"output": "y.children", "outputs": {"id": "y", "property": "children"},
            "inputs": [{"id": "x", "property": "value", "value": "b"}], "changedPropIds": ["x.value"]}


def test_security_headers_on_every_response(client):
    for response in (client.get("/"), client.get("/healthz"), client.post(CALLBACK, json=good_body())):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in headers["Permissions-Policy"]
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "'unsafe-eval'" not in policy and "script-src 'self' 'sha256-" in policy


def test_policy_allows_no_external_host():
    policy = content_security_policy(["'sha256-abc'"])
    sources = {token for part in policy.split(";") for token in part.split()[1:]}
    assert sources <= {"'self'", "'sha256-abc'", "'unsafe-inline'", "'none'", "data:", "blob:"}


def test_well_formed_callback_still_works(client):
    response = client.post(CALLBACK, json=good_body())
    assert response.status_code == 200
    assert response.get_json()["response"]["y"]["children"] == "got b"


def test_unhandled_error_is_json_without_trace(client, caplog):
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"] == "Internal Server Error" and len(body["incident"]) == 12
    assert "secret" not in response.get_data(as_text=True)
    assert "secret detail" in caplog.text and "Traceback" in caplog.text and body["incident"] in caplog.text


def test_unknown_dash_resource_is_404(client):
    response = client.get("/_dash-component-suites/dash/no-such-file.js")
    assert response.status_code == 404 and response.is_json


@pytest.mark.parametrize("data", [b"{nope", b"", b"[" * 50000 + b"]" * 50000, b"[]"])
def test_malformed_callback_body_is_400(client, data):
    response = client.post(CALLBACK, data=data, content_type="application/json")
    assert response.status_code == 400 and response.is_json


def test_oversize_body_is_413():
    app = small_app()
    app.server.config["MAX_CONTENT_LENGTH"] = 1000
    response = app.server.test_client().post(CALLBACK, data=b"x" * 5000, content_type="application/json")
    assert response.status_code == 413 and response.is_json


def test_budget_answers_503_politely(client):
    response = client.get("/slow")
    assert response.status_code == 503
    assert response.headers["Retry-After"] and response.is_json
    assert run_with_budget(sum, [1, 2, 3], seconds=5) == 6
    with pytest.raises(ComputationTimeout):
        run_with_budget(time.sleep, 1, seconds=0.05)


def test_health_reports_version_and_cache():
    app = small_app()
    assert app.server.test_client().get("/healthz").get_json()["cache"] == {"backend": None, "redis": None}
    Cache(app.server, config={"CACHE_TYPE": "SimpleCache"})
    health = app.server.test_client().get("/healthz").get_json()
    assert health["status"] == "ok" and health["version"]
    assert health["cache"] == {"backend": "SimpleCache", "redis": None}
    assert app.server.test_client().get("/healthz").headers["Cache-Control"] == "no-store"


def test_callback_map_is_complete_before_the_first_request():
    """prime_dash: Dash's lazy setup ran at start-up (the race a replaced worker exposed)."""
    app = small_app()
    assert "y.children" in app.callback_map


class TestCallbackGuard:
    CALLBACK_MAP = {
        "y.children": {"inputs": [{"id": "x", "property": "value"}], "state": [],
                       "output": Output("y", "children")},
        "..a.b...c.d..": {"inputs": [{"id": '{"i":["ALL"]}', "property": "value"}],
                          "state": [{"id": "s", "property": "data"}],
                          "output": [Output("a", "b"), Output("c", "d")]},
    }

    def test_accepts_renderer_shapes(self):
        check_callback_body(good_body(), self.CALLBACK_MAP)
        check_callback_body({
            "output": "..a.b...c.d..", "outputs": [{"id": "a", "property": "b"}, {"id": "c", "property": "d"}],
            "inputs": [[{"id": {"i": 1}, "property": "value", "value": 3}]],
            "state": [{"id": "s", "property": "data", "value": None}], "changedPropIds": [],
        }, self.CALLBACK_MAP)

    @pytest.mark.parametrize("mutate", [
        lambda b: b.update(output="z.children"),
        lambda b: b.update(output=3),
        lambda b: b.update(inputs=[]),
        lambda b: b.update(inputs=[{"id": "other", "property": "value"}]),
        lambda b: b.update(inputs=[{"id": "x", "property": "style"}]),
        lambda b: b.update(outputs=[1, 2]),
        lambda b: b.update(state=[{"id": "x", "property": "value"}]),
        lambda b: b.update(changedPropIds="x.value"),
    ])
    def test_rejects_mismatches(self, mutate):
        body = good_body()
        mutate(body)
        with pytest.raises(CallbackPayloadError):
            check_callback_body(body, self.CALLBACK_MAP)


def inline_script_hashes(html_text: str) -> set[str]:
    """CSP hash sources of the executable inline scripts of a page (not JSON, not in comments)."""
    hashes = set()
    executable = re.sub(r"<!--.*?-->", "", html_text, flags=re.S)
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", executable, re.S):
        if "src=" in attrs or "application/json" in attrs:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes.add(f"'sha256-{digest}'")
    return hashes


@pytest.fixture(scope="module")
def dashboard():
    import app as dashboard

    return dashboard


def test_real_page_inline_scripts_are_all_allowed(dashboard):
    response = dashboard.server.test_client().get("/")
    hashes = inline_script_hashes(response.get_data(as_text=True))
    assert hashes, "expected Dash's inline renderer script"
    assert hashes <= set(re.split(r"[;\s]+", response.headers["Content-Security-Policy"]))


FETCH_HEADERS = """
const done = arguments[arguments.length - 1];
fetch('/').then(r => done([r.headers.get('content-security-policy'), r.headers.get('x-frame-options')]));
"""


@pytest.mark.browser
def test_dashboard_draws_under_the_policy_in_chromium(dashboard):
    """The page, served with its headers, draws its figures with no CSP violation logged."""
    reason = browser_unavailable_reason()
    if reason:
        pytest.skip(reason)
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, dashboard.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = make_chrome_driver()
    try:
        driver.get(f"http://127.0.0.1:{server.server_port}/")
        deadline = time.monotonic() + 40
        drawn = 0
        while time.monotonic() < deadline and drawn < 3:
            drawn = driver.execute_script("return document.querySelectorAll('.js-plotly-plot .main-svg').length")
            time.sleep(0.2)
        assert drawn >= 3, "figures did not draw"
        policy, frame_options = driver.execute_async_script(FETCH_HEADERS)
        logs = driver.get_log("browser")
    finally:
        driver.quit()
        server.shutdown()
    assert "script-src 'self' 'sha256-" in policy and frame_options == "DENY"
    violations = [entry["message"] for entry in logs if "Content Security Policy" in entry["message"]]
    assert not violations, violations

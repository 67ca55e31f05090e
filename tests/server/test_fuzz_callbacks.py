"""Malformed callback payloads against the real app under gunicorn.

The callback endpoint accepts arbitrary JSON from anyone. Whatever arrives (garbage,
wrong structure, unknown outputs, NaN/inf, wrong types, huge lists, deep nesting,
oversize bodies), the answer must be 2xx or 4xx with a clean body: never a 5xx, never a
stack trace. Bounded: a fixed, seeded set of a few hundred requests.
"""

from __future__ import annotations

import json
import random

import pytest
import requests

from tests.support.dash_client import CALLBACK_PATH, DashClient
from tests.support.server_harness import gunicorn_server

TRACE_MARKERS = ("Traceback", 'File "', "Werkzeug Debugger")
BAD_VALUES: tuple[object, ...] = (
    None, float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 0, -1, True, "", "chi",
    "1e999", "<script>alert(1)</script>", [], [1, 2, 3], {"a": 1}, {"__class__": "x"},
    list(range(20000)), "x" * 50000, [[[[[[[[[[[[1]]]]]]]]]]]],
)
MAX_VALUE_REQUESTS = 300
UNREAD_BODY_LIMIT = 60 * 1024


@pytest.fixture(scope="module")
def server():
    with gunicorn_server(workers=1, env=None) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server) -> DashClient:
    return DashClient(server.url, timeout=60)


def assert_clean(response: requests.Response, what: str) -> None:
    """No 5xx and no trace; a 4xx carries a small JSON body."""
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    for marker in TRACE_MARKERS:
        assert marker not in response.text, f"{what}: trace in the body: {response.text[:300]}"
    if 400 <= response.status_code < 500:
        assert response.headers["Content-Type"].startswith("application/json"), what
        assert len(response.content) < 2000, what
    elif response.status_code == 200:
        response.json()


def raw_post(client: DashClient, data: bytes, content_type: str = "application/json") -> requests.Response:
    """POST raw bytes; large bodies go on their own connection.

    Gunicorn resets a keep-alive connection after a response that left more than 64 KB
    of its body unread (a 413), so such a body must not share the session's connection.
    """
    headers = {"Content-Type": content_type}
    if len(data) <= UNREAD_BODY_LIMIT:
        return client.session.post(client.base_url + CALLBACK_PATH, data=data, headers=headers, timeout=60)
    return requests.post(client.base_url + CALLBACK_PATH, data=data, headers={**headers, "Connection": "close"},
                         timeout=60)


def fuzz_call(client: DashClient, callback, overrides: dict) -> requests.Response:
    return raw_post(client, json.dumps(client.payload(callback, overrides)).encode())


GARBAGE_BODIES = {
    "not json": b"{not json",
    "empty": b"",
    "binary": bytes(range(256)),
    "null": b"null",
    "list": b"[1, 2, 3]",
    "number": b"42",
    "string": b'"output"',
    "deeply nested": b"[" * 100000 + b"]" * 100000,
    "NaN literal": b'{"output": NaN}',
    "empty object": b"{}",
    "unknown output": json.dumps({"output": "nope.children", "outputs": {"id": "nope", "property": "children"},
                                  "inputs": [], "changedPropIds": []}).encode(),
    "output wrong type": json.dumps({"output": ["a"], "inputs": []}).encode(),
}


@pytest.mark.parametrize("name", GARBAGE_BODIES)
def test_garbage_bodies_are_rejected(client, name):
    response = raw_post(client, GARBAGE_BODIES[name])
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert_clean(response, name)


def test_wrong_content_type_and_method(client):
    body = json.dumps(client.payload(client.callbacks[0])).encode()
    assert_clean(raw_post(client, body, "text/plain"), "text/plain body")
    assert_clean(raw_post(client, body, "application/x-www-form-urlencoded"), "form body")
    assert_clean(client.session.put(client.base_url + CALLBACK_PATH, data=body, timeout=30), "PUT")


def test_oversize_body_gets_413(client):
    response = raw_post(client, b'{"output": "' + b"x" * (4 * 1024 * 1024) + b'"}')
    assert response.status_code == 413
    assert_clean(response, "oversize")


def _structure_mutations(body: dict) -> dict[str, dict]:
    inputs = body["inputs"]
    return {
        "inputs not a list": {**body, "inputs": {"a": 1}},
        "inputs missing": {k: v for k, v in body.items() if k != "inputs"},
        "one input too many": {**body, "inputs": [*inputs, inputs[0] if inputs else {"id": "x", "property": "y"}]},
        "one input too few": {**body, "inputs": inputs[:-1]} if inputs else {**body, "inputs": [1]},
        "input id swapped": {**body, "inputs": [{**item, "id": "not-a-component"} for item in inputs]} if inputs
        else {**body, "inputs": [{"id": "not-a-component", "property": "value"}]},
        "input is a number": {**body, "inputs": [7 for _ in inputs] or [7]},
        "outputs wrong": {**body, "outputs": "figure"},
        "state wrong": {**body, "state": [None, None, None]},
        "changedPropIds huge": {**body, "changedPropIds": ["x.y"] * 5000},
        "changedPropIds wrong": {**body, "changedPropIds": [{"a": 1}]},
    }


def test_structural_mutations_of_every_callback(client):
    for callback in client.callbacks:
        if callback.wildcard:
            continue
        for name, body in _structure_mutations(client.payload(callback)).items():
            response = raw_post(client, json.dumps(body).encode())
            assert_clean(response, f"{callback.output}: {name}")


def test_bad_values_in_well_formed_calls(client):
    """Each callback gets bad values in all inputs at once, then in single inputs (seeded)."""
    rng = random.Random(4)
    callbacks = [cb for cb in client.callbacks if not cb.wildcard]
    sent = 0
    for callback in callbacks:
        fields = [*callback.inputs, *callback.state]
        for value in BAD_VALUES:
            overrides = {f"{cid}.{prop}": value for cid, prop in fields if not isinstance(cid, dict)}
            assert_clean(fuzz_call(client, callback, overrides), f"{callback.output}: all inputs = {value!r:.60}")
            sent += 1
    while sent < MAX_VALUE_REQUESTS:
        callback = rng.choice(callbacks)
        fields = [*callback.inputs, *callback.state]
        if not fields:
            sent += 1
            continue
        cid, prop = rng.choice(fields)
        value = rng.choice(BAD_VALUES)
        response = fuzz_call(client, callback, {f"{cid}.{prop}": value})
        assert_clean(response, f"{callback.output}: {cid}.{prop} = {value!r:.60}")
        sent += 1


def test_server_still_healthy_after_fuzzing(server, client):
    """Runs last in this module: the worker survived and the app still computes."""
    health = requests.get(server.url + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    callback = client.callbacks[0]
    assert client.call(callback).status_code in (200, 204)

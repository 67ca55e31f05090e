"""A minimal Dash client: builds callback POSTs the way dash-renderer does.

It reads ``/_dash-dependencies`` (the callbacks: output string, inputs, state) and
``/_dash-layout`` (every component's initial props), then posts
``/_dash-update-component`` bodies of the renderer's shape::

    {"output": "spectra-graph.figure",                 # or "..a.b...c.d.." for several
     "outputs": {"id": "spectra-graph", "property": "figure"},   # a list for several
     "inputs": [{"id": "chi", "property": "value", "value": 0.5}, ...],
     "state": [...],                                    # only when the callback has state
     "changedPropIds": ["chi.value"]}

Values come from the layout (and from earlier responses) unless overridden per call.
``cascade`` replays what the renderer does after a user changes a property: it calls
every callback that depends on the change, in dependency order, feeding each response
into the next call. Browser-side callbacks with a Python mirror (``browser_side.py``)
take part in the cascade without a request; the others are skipped. Pattern-matching
(wildcard) callbacks are not supported. Used by
the Redis, load, fault and fuzz tests and by scripts/load_test.py.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.support.browser_side import MIRRORS

CALLBACK_PATH = "/_dash-update-component"


def parse_output(output: str) -> list[tuple[Any, str]]:
    """(id, property) pairs of a callback's output string."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    pairs = []
    for part in parts:
        component_id, _, prop = part.rpartition(".")
        pairs.append((json.loads(component_id) if component_id.startswith("{") else component_id, prop))
    return pairs


def prop_id(component_id: Any, prop: str) -> str:
    """Dash's ``id.property`` string (dict ids as sorted compact JSON)."""
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def iter_components(node: Any) -> Iterator[dict]:
    """Every component (``{"type", "namespace", "props"}``) in a serialized layout."""
    if isinstance(node, list):
        for child in node:
            yield from iter_components(child)
    elif isinstance(node, dict) and "props" in node:
        yield node
        for value in node["props"].values():
            yield from iter_components(value)


@dataclass(frozen=True)
class Callback:
    """One callback as listed by ``/_dash-dependencies`` (``browser_side``: its clientside function)."""

    output: str
    inputs: tuple[tuple[Any, str], ...]
    state: tuple[tuple[Any, str], ...]
    prevent_initial_call: bool
    browser_side: str | None = None

    @property
    def outputs(self) -> list[tuple[Any, str]]:
        return parse_output(self.output)

    @property
    def wildcard(self) -> bool:
        items = [*self.outputs, *self.inputs, *self.state]
        return any(isinstance(component_id, dict) for component_id, _ in items)

    def reads(self, component_id: Any, prop: str | None = None) -> bool:
        """Whether one of the inputs is ``component_id`` (and ``prop`` if given)."""
        return any(cid == component_id and prop in (None, p) for cid, p in self.inputs)

    def writes(self, component_id: Any, prop: str | None = None) -> bool:
        return any(cid == component_id and prop in (None, p) for cid, p in self.outputs)

    @property
    def label(self) -> str:
        """A short name for reports: the first figure output's id, else the first store's, else the first."""
        for wanted in ("figure", "data"):
            for component_id, prop in self.outputs:
                if prop == wanted:
                    return str(component_id)
        return str(self.outputs[0][0])


@dataclass(frozen=True)
class CallResult:
    """One callback call of a cascade: what was called, the answer and its latency."""

    callback: Callback
    status: int
    seconds: float
    error: str | None = None
    finished: float = field(default_factory=time.monotonic)
    retried: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status in (200, 204)


def callback_from_dependency(entry: Mapping[str, Any]) -> Callback:
    """A ``Callback`` from one entry of ``/_dash-dependencies``."""
    function = entry.get("clientside_function")
    return Callback(
        entry["output"],
        tuple(_dependency(dep) for dep in entry.get("inputs", [])),
        tuple(_dependency(dep) for dep in entry.get("state", [])),
        bool(entry.get("prevent_initial_call")),
        (function or {}).get("function_name", "?") if function else None,
    )


def _dependency(entry: Mapping[str, Any]) -> tuple[Any, str]:
    component_id = entry["id"]
    if isinstance(component_id, str) and component_id.startswith("{"):
        component_id = json.loads(component_id)
    return component_id, entry["property"]


class DashClient:
    """Builds and posts callback requests against one running Dash app."""

    def __init__(self, base_url: str, session: requests.Session | None = None, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        dependencies = [callback_from_dependency(entry) for entry in self._get_json("/_dash-dependencies")]
        self.callbacks = [cb for cb in dependencies if cb.browser_side is None]
        self.browser_callbacks = [cb for cb in dependencies if cb.browser_side in MIRRORS]
        everything = self.callbacks + self.browser_callbacks
        consumed = {prop_id(c, p) for cb in everything for c, p in (*cb.inputs, *cb.state)}
        self.feeding = {cb.output for cb in everything if {prop_id(c, p) for c, p in cb.outputs} & consumed}
        self.props: dict[Any, dict[str, Any]] = {}
        for component in iter_components(self._get_json("/_dash-layout")):
            component_id = component["props"].get("id")
            if component_id is not None:
                self.props[json.dumps(component_id, sort_keys=True)] = component["props"]

    def clone(self) -> DashClient:
        """An independent client (own session and props) without refetching the app."""
        twin = copy.copy(self)
        twin.session = requests.Session()
        twin.props = copy.deepcopy(self.props)
        return twin

    def _get_json(self, path: str) -> Any:
        response = self.session.get(self.base_url + path, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def value(self, component_id: Any, prop: str, overrides: Mapping[str, Any] | None = None) -> Any:
        """The value sent for ``component_id.prop``: an override, else the layout's."""
        key = prop_id(component_id, prop)
        if overrides and key in overrides:
            return overrides[key]
        return self.props.get(json.dumps(component_id, sort_keys=True), {}).get(prop)

    def set_value(self, component_id: Any, prop: str, value: Any) -> None:
        self.props.setdefault(json.dumps(component_id, sort_keys=True), {})[prop] = value

    def apply(self, answer: Mapping[str, Any]) -> set[str]:
        """Store the props a callback response sets; returns their ``id.prop`` strings.

        Patch answers (``__dash_patch_update``) count as changes but are not applied.
        """
        changed: set[str] = set()
        for section in ("response", "sideUpdate"):
            for component_id, props in (answer.get(section) or {}).items():
                cid = json.loads(component_id) if component_id.startswith("{") else component_id
                for prop, value in props.items():
                    if not (isinstance(value, dict) and "__dash_patch_update" in value):
                        self.set_value(cid, prop, value)
                    changed.add(prop_id(cid, prop))
        return changed

    def dependency_order(self) -> list[Callback]:
        """Server-side and mirrored callbacks, each after every callback whose outputs it reads."""
        remaining = [cb for cb in self.callbacks + self.browser_callbacks if not cb.wildcard]
        ordered: list[Callback] = []
        while remaining:
            produced = {prop_id(c, p) for cb in remaining for c, p in cb.outputs}
            ready = [
                cb for cb in remaining
                if not ({prop_id(c, p) for c, p in cb.inputs} & (produced - {prop_id(c, p) for c, p in cb.outputs}))
            ] or remaining[:1]
            ordered.extend(ready)
            remaining = [cb for cb in remaining if cb not in ready]
        return ordered

    def cascade(self, changes: Mapping[str, Any] | None = None, initial: bool = False) -> list[CallResult]:
        """Set ``changes`` (``"id.prop"`` -> value) and run every callback they trigger.

        ``initial=True`` replays a page load instead: every callback without
        ``prevent_initial_call`` runs once. Responses update this client's props.
        """
        changed: set[str] = set()
        for key, value in (changes or {}).items():
            component_id, _, prop = key.rpartition(".")
            self.set_value(json.loads(component_id) if component_id.startswith("{") else component_id, prop, value)
            changed.add(key)
        results = []
        for callback in self.dependency_order():
            triggers = [prop_id(c, p) for c, p in callback.inputs if prop_id(c, p) in changed]
            if not triggers and not (initial and not callback.prevent_initial_call):
                continue
            if callback.browser_side is not None:
                changed |= self.apply(MIRRORS[callback.browser_side](self, callback, triggers))
                continue
            result, answer = self._timed_call(callback, triggers)
            results.append(result)
            if answer is not None:
                changed |= self.apply(answer)
        return results

    def _timed_call(self, callback: Callback, triggers: list[str]) -> tuple[CallResult, dict | None]:
        """Post one call; the latency covers the request and the full response body only.

        A connection that breaks before any answer is retried once on a new connection, as
        Chromium resends a request whose reused keep-alive socket was closed under it; the
        result records the first error in ``retried``. The answer is decoded only when its
        outputs feed another callback (decoding large figures would only load the client).
        """
        started = time.perf_counter()
        body = self.payload(callback, changed=triggers)
        retried = None
        try:
            try:
                response = self.post(body)
            except requests.ConnectionError as error:
                retried = f"{type(error).__name__}: {error}"
                response = self.post(body)
            seconds = time.perf_counter() - started
            answer = response.json() if response.status_code == 200 and callback.output in self.feeding else None
        except (requests.RequestException, ValueError) as error:
            failure = f"{type(error).__name__}: {error}"
            return CallResult(callback, 0, time.perf_counter() - started, failure, retried=retried), None
        error = None if response.status_code in (200, 204) else f"HTTP {response.status_code}: {response.text[:200]}"
        return CallResult(callback, response.status_code, seconds, error, retried=retried), answer

    def callbacks_reading(self, component_id: Any, prop: str | None = None) -> list[Callback]:
        return [cb for cb in self.callbacks if cb.reads(component_id, prop) and not cb.wildcard]

    def callback_writing(self, component_id: Any, prop: str | None = None) -> Callback:
        """The server-side callback with ``component_id.prop`` among its outputs."""
        for cb in self.callbacks:
            if cb.writes(component_id, prop):
                return cb
        raise LookupError(f"no server-side callback writes {prop_id(component_id, prop or '*')}")

    def payload(
        self, callback: Callback, overrides: Mapping[str, Any] | None = None,
        changed: list[str] | None = None,
    ) -> dict[str, Any]:
        """The JSON body dash-renderer would send for ``callback``.

        ``overrides`` maps ``"id.prop"`` to values; ``changed`` defaults to the overridden
        inputs (an empty list is an initial call).
        """
        if callback.wildcard:
            raise NotImplementedError("pattern-matching callbacks are not supported")
        outputs = [{"id": cid, "property": p} for cid, p in callback.outputs]
        inputs = [{"id": cid, "property": p, "value": self.value(cid, p, overrides)} for cid, p in callback.inputs]
        if changed is None:
            changed = [prop_id(cid, p) for cid, p in callback.inputs if overrides and prop_id(cid, p) in overrides]
        body: dict[str, Any] = {
            "output": callback.output,
            "outputs": outputs if callback.output.startswith("..") else outputs[0],
            "inputs": inputs,
            "changedPropIds": changed,
        }
        if callback.state:
            body["state"] = [
                {"id": cid, "property": p, "value": self.value(cid, p, overrides)} for cid, p in callback.state
            ]
        return body

    def post(self, body: Any, **kwargs: Any) -> requests.Response:
        """POST ``body`` to the callback URL: bytes/str as they are, anything else as JSON.

        JSON is written with Python's encoder, so NaN and Infinity go out as the
        (non-standard) literals an attacker could send.
        """
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        return self.session.post(
            self.base_url + CALLBACK_PATH, data=data, headers=headers, timeout=self.timeout, **kwargs
        )

    def call(
        self, callback: Callback, overrides: Mapping[str, Any] | None = None,
        changed: list[str] | None = None,
    ) -> requests.Response:
        """Post one call of ``callback``; the response is returned unchecked."""
        return self.post(self.payload(callback, overrides, changed))

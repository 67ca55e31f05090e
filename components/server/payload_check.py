"""Structural check of a Dash callback POST against the registered callbacks.

Dash's ``/_dash-update-component`` endpoint accepts arbitrary JSON. A body that is not a
call of a registered callback (unknown output, missing or extra inputs, ids or
properties that do not match the declaration, wrong container types) would otherwise
surface as a KeyError or IndexError deep inside Dash, that is a 500. ``check_callback_body``
raises ``CallbackPayloadError`` (answered 400) instead. The values themselves are not
checked here: each callback validates and clamps its own inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MAX_CHANGED_PROP_IDS = 200


class CallbackPayloadError(ValueError):
    """The body of a callback request is not a call of a registered callback."""


def _is_wildcard(declared_id: Any) -> bool:
    return isinstance(declared_id, dict) or (isinstance(declared_id, str) and declared_id.startswith("{"))


def _declared(dependency: Any) -> tuple[Any, str]:
    """(id, property) of a declaration: a ``{"id", "property"}`` dict or an Output object."""
    if isinstance(dependency, Mapping):
        return dependency["id"], dependency["property"]
    return dependency.component_id, dependency.component_property


def _property(entry: Any) -> Any:
    """The property an entry names; an output with ``allow_duplicate`` is sent as ``prop@<hash>``."""
    prop = entry.get("property") if isinstance(entry, dict) else None
    return prop.split("@", 1)[0] if isinstance(prop, str) else prop


def _check_item(item: Any, declared: tuple[Any, str], where: str) -> None:
    declared_id, declared_property = declared
    if _is_wildcard(declared_id):
        entries = item if isinstance(item, list) else [item]
        for entry in entries:
            if not (isinstance(entry, dict) and isinstance(entry.get("id"), dict)):
                raise CallbackPayloadError(f"{where}: expected pattern-matching id objects")
            if _property(entry) != declared_property:
                raise CallbackPayloadError(f"{where}: property does not match the callback")
        return
    if not isinstance(item, dict):
        raise CallbackPayloadError(f"{where}: expected an object with id and property")
    if item.get("id") != declared_id or _property(item) != declared_property:
        raise CallbackPayloadError(f"{where}: id/property do not match the callback")


def _check_list(body: Mapping[str, Any], key: str, declared: Sequence[tuple[Any, str]]) -> None:
    items = body.get(key, [])
    if not isinstance(items, list):
        raise CallbackPayloadError(f"'{key}' must be a list")
    if len(items) != len(declared):
        raise CallbackPayloadError(f"'{key}' has {len(items)} entries, the callback takes {len(declared)}")
    for index, (item, spec) in enumerate(zip(items, declared, strict=True)):
        _check_item(item, spec, f"{key}[{index}]")


def _check_outputs(body: Mapping[str, Any], callback: Mapping[str, Any]) -> None:
    if callback.get("no_output"):
        return
    spec = callback.get("output")
    declared = [_declared(dep) for dep in (spec if isinstance(spec, (list, tuple)) else [spec])]
    outputs = body.get("outputs")
    if isinstance(outputs, dict) and len(declared) == 1 and not isinstance(spec, (list, tuple)):
        _check_item(outputs, declared[0], "outputs")
        return
    if isinstance(outputs, dict) and len(declared) == 1:
        outputs = [outputs]
    if not isinstance(outputs, list):
        raise CallbackPayloadError("'outputs' must be an object or a list")
    _check_list({"outputs": outputs}, "outputs", declared)


def _check_changed(body: Mapping[str, Any]) -> None:
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or len(changed) > MAX_CHANGED_PROP_IDS:
        raise CallbackPayloadError("'changedPropIds' must be a short list")
    if not all(isinstance(prop_id, str) for prop_id in changed):
        raise CallbackPayloadError("'changedPropIds' must hold strings")


def check_callback_body(body: Any, callback_map: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise ``CallbackPayloadError`` unless ``body`` calls a callback in ``callback_map``."""
    if not isinstance(body, dict):
        raise CallbackPayloadError("body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        raise CallbackPayloadError("'output' must be a string")
    callback = callback_map.get(output)
    if callback is None:
        raise CallbackPayloadError("no callback has this output")
    _check_outputs(body, callback)
    _check_list(body, "inputs", [_declared(dep) for dep in callback.get("inputs", [])])
    _check_list(body, "state", [_declared(dep) for dep in callback.get("state", [])])
    _check_changed(body)

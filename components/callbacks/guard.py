"""Callbacks never raise to the client: helpers to log failures and answer with a notice.

``guarded`` wraps a callback body; on an unexpected exception it logs the traceback on the
server and returns ``fallback(message)``, a valid set of outputs (message figures and
notices). ``PreventUpdate`` and ``ComputationTimeout`` (answered 503 with Retry-After by
``server.budget``) pass through. ``triggered_ids`` reads Dash's callback context and is empty
outside a callback (direct calls in tests).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from dash import ctx
from dash.exceptions import PreventUpdate

from components.server.budget import ComputationTimeout

LOG = logging.getLogger("qdgain.callbacks")

ERROR_MESSAGE = "Could not compute this view for these parameters (the error was logged). Try other values."

T = TypeVar("T")


def guarded(fallback: Callable[[str], Any]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Return ``fallback(ERROR_MESSAGE)`` instead of raising; log the exception."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            try:
                return func(*args, **kwargs)
            except (PreventUpdate, ComputationTimeout):
                raise
            except Exception:
                LOG.exception("callback %s failed", func.__name__)
                return fallback(ERROR_MESSAGE)

        return wrapper

    return decorate


def triggered_ids() -> set[str]:
    """IDs of the components that triggered the running callback (empty outside a callback or initially)."""
    try:
        return {str(component) for component in ctx.triggered_prop_ids.values()}
    except Exception:  # no callback context: a direct call
        return set()


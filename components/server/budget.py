"""A bound on the wall time a request waits for one computation (answered 503 past it)."""

from __future__ import annotations

import concurrent.futures
import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, current_app, has_app_context
from werkzeug.local import LocalProxy

DEFAULT_BUDGET_SECONDS = 20.0

T = TypeVar("T")


class ComputationTimeout(Exception):
    """A computation did not finish within its budget; answered 503 with Retry-After."""


@functools.cache
def _budget_executor(pid: int) -> concurrent.futures.ThreadPoolExecutor:
    """One small pool per process (keyed by pid: a forked worker never reuses its parent's)."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="qdgain-budget")


def _in_app_context(app: Flask | None, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    if app is None:
        return func(*args, **kwargs)
    with app.app_context():
        return func(*args, **kwargs)


def run_with_budget(
    func: Callable[..., T], *args: Any, seconds: float = DEFAULT_BUDGET_SECONDS, **kwargs: Any
) -> T:
    """``func(*args, **kwargs)``, or ``ComputationTimeout`` once ``seconds`` have passed.

    The request is answered 503 (Retry-After) instead of hanging; the computation itself
    cannot be interrupted and finishes in the background, so a memoized result is ready
    for the retry. At most two such computations run at once per worker process. The
    current Flask app context goes with ``func`` (flask-caching's memoize needs it).
    """
    # flask types ``current_app`` as the Flask it stands for; it is a LocalProxy, whose target goes to the thread
    app = cast("LocalProxy[Flask]", current_app)._get_current_object() if has_app_context() else None
    future = _budget_executor(os.getpid()).submit(_in_app_context, app, func, *args, **kwargs)
    try:
        return future.result(timeout=seconds)
    except concurrent.futures.TimeoutError:
        raise ComputationTimeout(f"{getattr(func, '__name__', func)} exceeded {seconds:g} s") from None

"""Fixtures shared by the server tests: a real redis-server on loopback, started once per module."""

from __future__ import annotations

import pytest

from tests.support.server_harness import redis_server, redis_unavailable_reason


@pytest.fixture(scope="module")
def redis():
    """A redis-server of this test module (skipped with the reason when it cannot start, failed in CI)."""
    reason = redis_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with redis_server() as server:
        yield server

"""Two gunicorn servers share computed results through a real redis-server.

A throwaway ``redis-server`` (Debian package; persistence off) runs on a free loopback
port; two gunicorn processes (one worker each, separate ports) get
``QDGAIN_CACHE_URL`` pointing at it. The same callback request goes to the first, then
to the second. Redis's own command statistics decide: the first server must write new
entries (it computed), the second must only read, with hits and no misses (it reused
the first server's results), and both must answer identically. If the two processes
did not share the cache, the second request would miss and write, and the test fails.
"""

from __future__ import annotations

import os

import pytest
import requests

from tests.support.dash_client import DashClient
from tests.support.server_harness import gunicorn_server

pytestmark = pytest.mark.slow

WRITE_COMMANDS = ("set", "setex", "psetex", "mset", "setnx")
FAST_SLIDER = "slider-chi"


def redis_counters(client) -> dict[str, int]:
    """Cumulative write commands, keyspace hits and misses of a redis server."""
    commands = client.info("commandstats")
    stats = client.info("stats")
    return {
        "writes": sum(commands.get(f"cmdstat_{name}", {}).get("calls", 0) for name in WRITE_COMMANDS),
        "hits": stats["keyspace_hits"],
        "misses": stats["keyspace_misses"],
    }


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in after}


@pytest.fixture(scope="module")
def two_servers(redis):
    env = {**os.environ, "QDGAIN_CACHE_URL": redis.url, "QDGAIN_WORKERS": "1"}
    env.pop("REDIS_URL", None)
    with gunicorn_server(env=env) as first, gunicorn_server(env=env) as second:
        yield first, second


def test_both_servers_use_redis(two_servers):
    for server in two_servers:
        health = requests.get(server.url + "/healthz", timeout=10).json()
        assert health["cache"] == {"backend": "RedisCache", "redis": True}, health


def test_second_server_reuses_the_first_servers_results(redis, two_servers):
    first, second = two_servers
    client = DashClient(first.url)
    client.cascade(initial=True)
    (fast,) = client.callbacks_reading(FAST_SLIDER, "drag_value")
    body = client.payload(fast, {f"{FAST_SLIDER}.drag_value": 0.4321}, changed=[f"{FAST_SLIDER}.drag_value"])
    counters = redis.client()

    before = redis_counters(counters)
    answer_first = client.post(body)
    after_first = redis_counters(counters)
    answer_second = DashClient(second.url).post(body)
    after_second = redis_counters(counters)

    assert answer_first.status_code == answer_second.status_code == 200
    computed, reused = delta(after_first, before), delta(after_second, after_first)
    assert computed["writes"] > 0 and computed["misses"] > 0, f"first server did not compute: {computed}"
    assert reused["writes"] == 0 and reused["misses"] == 0, f"second server recomputed: {reused}"
    assert reused["hits"] >= computed["writes"], f"second server did not read the results: {reused}"
    assert answer_first.json() == answer_second.json()

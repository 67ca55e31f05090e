"""The memoized core calls: backend choice from the environment, deterministic keys, failure fallback."""

from __future__ import annotations

import logging
import subprocess
import sys
import time

import pytest
from flask import Flask

from components import computed, settings
from components.server import cache_backend
from components.server.budget import ComputationTimeout
from qdgain_core import GainParams


@pytest.fixture()
def configured():
    """A fresh in-process cache bound to a throwaway Flask app; unbound again afterwards."""
    saved = getattr(cache_backend.cache, "app", None)
    backend = cache_backend.configure_cache(Flask("test-cache"), settings.load({"QDGAIN_CACHE_THRESHOLD": "50"}))
    yield backend
    cache_backend.cache.app = saved


def test_config_defaults_to_a_bounded_in_process_cache():
    config = cache_backend.cache_config(settings.load({}))
    assert config["CACHE_TYPE"] == "SimpleCache" and config["CACHE_THRESHOLD"] == settings.Settings().cache_threshold == 300


@pytest.mark.parametrize("variable", ["QDGAIN_CACHE_URL", "REDIS_URL"])
def test_config_uses_redis_with_short_timeouts(variable):
    config = cache_backend.cache_config(settings.load({variable: "redis://cache.example:6379/2"}))
    assert config["CACHE_TYPE"] == "RedisCache"
    assert "socket_timeout=0.5" in config["CACHE_REDIS_URL"] and "socket_connect_timeout" in config["CACHE_REDIS_URL"]


def test_unreachable_redis_falls_back_with_a_warning(caplog):
    saved = getattr(cache_backend.cache, "app", None)
    with caplog.at_level(logging.WARNING, logger="components.server.cache_backend"):
        backend = cache_backend.configure_cache(Flask("no-redis"), settings.load({"REDIS_URL": "redis://127.0.0.1:1/0"}))
    cache_backend.cache.app = saved
    assert backend == "SimpleCache"
    assert any("unreachable" in record.message for record in caplog.records)


def test_keys_are_identical_across_processes():
    here = computed.spectra.key(GainParams(chi=0.5))
    script = ("from components import computed; from qdgain_core import GainParams; "
              "print(computed.spectra.key(GainParams(chi=0.5)))")
    there = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert here == there


def test_ignored_fields_share_one_entry():
    assert computed.thresholds.key(GainParams(n_avg=1.0)) == computed.thresholds.key(GainParams(n_avg=3.0))
    assert computed.spectra.key(GainParams(n_avg=1.0)) != computed.spectra.key(GainParams(n_avg=3.0))
    hold = "fine_structure"
    assert computed.phase_maps.key(GainParams(chi=0.0), 31, hold) == computed.phase_maps.key(GainParams(chi=2.0), 31, hold)
    assert computed.phase_maps.key(GainParams(), 31, hold) != computed.phase_maps.key(GainParams(), 41, hold)


def test_phase_map_and_cut_keys_differ_by_hold():
    params = GainParams()
    assert computed.phase_maps.key(params, 31, "fine_structure") != computed.phase_maps.key(params, 31, "stokes")
    assert computed.phase_cuts.key(params, 31, "fine_structure") != computed.phase_cuts.key(params, 31, "stokes")
    maps = {hold: computed.phase_maps(params, 11, hold)["n_th"] for hold in ("fine_structure", "stokes")}
    assert maps["fine_structure"].hold == "fine_structure" and maps["stokes"].hold == "stokes"
    assert maps["stokes"].stokes_mev.max() == pytest.approx(params.stokes_mev)
    assert maps["fine_structure"].stokes_mev.max() > 10 * params.stokes_mev
    assert computed.phase_cuts(params, 11, "stokes").hold == "stokes"


def test_second_call_is_served_from_the_cache(configured, monkeypatch):
    calls = []
    original = computed.core.sigma_eff_ratio
    monkeypatch.setattr(computed.core, "sigma_eff_ratio", lambda params: calls.append(params) or original(params))
    first = computed.sigma_ratio(GainParams(chi=0.3))
    second = computed.sigma_ratio(GainParams(chi=0.3, n_avg=4.0))
    assert first == second and len(calls) == 1


def test_backend_failure_computes_and_warns(configured, monkeypatch, caplog):
    backend = cache_backend._backend()

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(backend, "get", broken)
    monkeypatch.setattr(cache_backend, "_last_warning", {"time": -1e9})
    with caplog.at_level(logging.WARNING, logger="components.server.cache_backend"):
        value = computed.sigma_ratio(GainParams(chi=0.7))
    assert value == pytest.approx(computed.core.sigma_eff_ratio(GainParams(chi=0.7)))
    assert any("cache backend failed" in record.message for record in caplog.records)


def test_over_budget_computation_times_out_and_is_cached_for_the_retry(configured, monkeypatch):
    original = computed.core.sigma_eff_ratio

    def slow(params):
        time.sleep(0.4)
        return original(params)

    monkeypatch.setattr(cache_backend.budget, "DEFAULT_BUDGET_SECONDS", 0.05)
    monkeypatch.setattr(computed.core, "sigma_eff_ratio", slow)
    params = GainParams(chi=0.41)
    with pytest.raises(ComputationTimeout):
        computed.sigma_ratio(params)
    time.sleep(0.8)  # the computation finishes in the background and is stored
    monkeypatch.setattr(computed.core, "sigma_eff_ratio", lambda params: pytest.fail("computed again"))
    assert computed.sigma_ratio(params) == original(params)


def test_over_budget_passes_every_callback_guard(monkeypatch):
    from components.callbacks import figure_tabs
    from components.state import default_state, state_to_store
    from components.url_state import to_query

    def over_budget(panel_id, state):
        raise ComputationTimeout(panel_id)

    monkeypatch.setattr(figure_tabs, "figure_json", over_budget)
    state = default_state()
    with pytest.raises(ComputationTimeout):
        figure_tabs.draw_tab("cuts", {}, state_to_store(state, to_query(state)), 21)

"""QDGAIN_REQUIRE_SERVICES (exported by .ci/run): a missing browser or Redis fails instead of skipping."""

from __future__ import annotations

import pytest

from tests.support import browser, server_harness, services

FAILED = pytest.fail.Exception


@pytest.mark.parametrize(("raw", "required"), [("", False), ("0", False), ("off", False), ("1", True),
                                                ("true", True), (" YES ", True)])
def test_services_required_reads_a_boolean(raw, required):
    assert services.services_required({services.REQUIRE_SERVICES: raw}) is required
    assert services.services_required({}) is False


def test_a_malformed_value_is_an_error():
    with pytest.raises(ValueError, match=r"QDGAIN_REQUIRE_SERVICES=.maybe.*allowed"):
        services.services_required({services.REQUIRE_SERVICES: "maybe"})


def test_missing_redis_skips_locally_and_fails_when_required(monkeypatch, tmp_path):
    monkeypatch.setattr(server_harness, "REDIS_SERVER", str(tmp_path / "no-redis-server"))
    monkeypatch.delenv(services.REQUIRE_SERVICES, raising=False)
    reason = server_harness.redis_unavailable_reason()
    assert reason and "no-redis-server" in reason
    monkeypatch.setenv(services.REQUIRE_SERVICES, "1")
    with pytest.raises(FAILED, match="no-redis-server"):
        server_harness.redis_unavailable_reason()


def test_missing_browser_skips_locally_and_fails_when_required(monkeypatch):
    monkeypatch.setattr(browser, "_browser_reason", lambda: "/usr/bin/chromium not found (test)")
    monkeypatch.delenv(services.REQUIRE_SERVICES, raising=False)
    assert browser.browser_unavailable_reason() == "/usr/bin/chromium not found (test)"
    monkeypatch.setenv(services.REQUIRE_SERVICES, "1")
    with pytest.raises(FAILED, match="chromium not found"):
        browser.browser_unavailable_reason()


def test_an_available_service_passes_either_way(monkeypatch):
    monkeypatch.setenv(services.REQUIRE_SERVICES, "1")
    assert services.skip_reason_unless_required(None) is None
    monkeypatch.setattr(browser, "_browser_reason", lambda: None)
    assert browser.browser_unavailable_reason() is None

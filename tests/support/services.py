"""Skip or fail when a service a test needs (headless Chromium, redis-server) is missing.

Locally a missing browser or Redis skips its tests with the reason. CI installs both
(``.ci/run``) and exports ``QDGAIN_REQUIRE_SERVICES=1``: there the same reason fails the
test, so a broken install can never pass as a run of skips.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

REQUIRE_SERVICES = "QDGAIN_REQUIRE_SERVICES"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


def services_required(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``QDGAIN_REQUIRE_SERVICES`` is set to a true word (a value that is no boolean is an error)."""
    raw = environ.get(REQUIRE_SERVICES, "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ValueError(f"{REQUIRE_SERVICES}={raw!r} is not a boolean; allowed: 1/true/yes/on or 0/false/no/off")


def skip_reason_unless_required(reason: str | None) -> str | None:
    """``reason`` (None: available) for ``pytest.skip``; with ``QDGAIN_REQUIRE_SERVICES`` set,
    a reason fails the calling test instead (``pytest.fail``)."""
    if reason and services_required():
        import pytest

        pytest.fail(f"{reason} ({REQUIRE_SERVICES}=1: this service is required here)", pytrace=False)
    return reason

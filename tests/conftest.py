"""Shared fixtures: a headless Chromium driver per test module (skips with the reason when unavailable)."""

import pytest

from tests.support.browser import browser_unavailable_reason, make_chrome_driver


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    reason = browser_unavailable_reason()
    if reason:
        pytest.skip(reason)
    drv = make_chrome_driver(download_dir=str(tmp_path_factory.mktemp("downloads")))
    yield drv
    drv.quit()

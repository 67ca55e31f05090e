"""The Your data view in headless Chromium: upload a file through its input, preview, add, see it on the spectra,
run a small fit with the embedded job manager, Apply it and see the URL and the dashboard's state change."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from selenium.webdriver.common.by import By

import qdgain_core as core
from qdgain_core.data_files import dataset_to_csv
from qdgain_core.datasets import make_dataset
from tests.support.page import ARTIFACTS, embedded_gunicorn, severe_logs, traces
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

TRUE_CHI = 0.9


def synthetic_spectra(path: Path) -> Path:
    """Three spectra made by the core at chi = TRUE_CHI (<N> = 0.5, 1.5, 3), absolute OD (scale 0.4)."""
    energies, n_values, od = [], [], []
    for n_avg in (0.5, 1.5, 3.0):
        spectra = core.nonlinear_absorption(core.GainParams(chi=TRUE_CHI, n_avg=n_avg))
        energy = np.asarray(spectra.energy_mev)[::6]
        energies += list(energy)
        n_values += [n_avg] * energy.size
        od += list(0.4 * np.asarray(spectra.net)[::6])
    data = make_dataset("spectra", "synthetic", energy_mev=energies, n_avg=n_values, od_nl=od,
                        n_doped=[0.0] * len(od))
    path.write_text(dataset_to_csv(data))
    return path


def shot(driver, name: str, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 1000)
    time.sleep(0.4)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(width, min(max(height, 800), 6000))
    time.sleep(0.4)
    driver.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))
    driver.set_window_size(1440, 1000)


def open_view(driver, view: str) -> None:
    """Click the view switch's label of ``view`` (at the top of the page)."""
    driver.execute_script("window.scrollTo(0, 0)")
    choice = driver.find_element(By.CSS_SELECTOR, f"input.view-switch-input[value='{view}']")
    driver.execute_script("(arguments[0].closest('label') || arguments[0]).click()", choice)


def visible_text(driver, element_id: str) -> str:
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else ""


@pytest.fixture(scope="module")
def base_url():
    """The project's gunicorn on loopback: the fit runs as a background job on the embedded manager."""
    with embedded_gunicorn() as server:
        yield server.url


def test_upload_add_overlay_fit_apply(driver, base_url, tmp_path):
    driver.set_window_size(1440, 1000)
    driver.get(base_url + "/#data")
    upload = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#data-upload input[type=file]"),
                      what="the upload input")[0]
    upload.send_keys(str(synthetic_spectra(tmp_path / "three_spectra.csv")))
    wait_for(lambda: "As read:" in visible_text(driver, "data-upload-preview"), what="the preview as read")
    assert "looks like nonlinear absorption spectra" in visible_text(driver, "data-upload-message")
    shot(driver, "data-preview", 1440)
    wait_for(lambda: driver.find_element(By.ID, "data-upload-add").is_enabled(), what="Add enabled")
    driver.find_element(By.ID, "data-upload-add").click()
    wait_for(lambda: "three_spectra.csv" in visible_text(driver, "data-list"), what="the dataset in the list")

    # the fit form: chi free in [0, 2]
    box = driver.find_element(By.CSS_SELECTOR, "[id*='fit-free'][id*='\"chi\"'] input")
    box.click()
    wait_for(lambda: "Ready: 1 free (chi)" in visible_text(driver, "fit-form-message"), what="the fit request")
    shot(driver, "data-view", 1440)
    shot(driver, "data-view", 390)

    # the dashboard draws the data over the spectra, with its legend entry
    open_view(driver, "dashboard")
    wait_for(lambda: any(t["name"].startswith("your data: three_spectra.csv") for t in traces(driver, "spectra") or []),
             what="the data on the spectra")
    assert urlsplit(driver.current_url).fragment == "phase"  # the open figure tab
    open_view(driver, "data")
    wait_for(lambda: urlsplit(driver.current_url).fragment == "data", what="#data in the URL")

    wait_for(lambda: driver.find_element(By.ID, "job-start-fit").is_enabled(), what="Run enabled")
    driver.find_element(By.ID, "job-start-fit").click()
    try:
        wait_for(lambda: driver.find_elements(By.ID, "fit-apply"), timeout_s=120, what="the fit report")
    finally:
        shot(driver, "data-fit-wait", 1440)
    report = visible_text(driver, "fit-report")
    assert "chi" in report and "±" in report and "χ²/dof" in report
    shot(driver, "data-fit", 1440)
    shot(driver, "data-fit", 390)
    fitted = float(report.split("chi\n")[1].split(" ±")[0]) if "chi\n" in report else None
    driver.find_element(By.ID, "fit-apply").click()
    wait_for(lambda: "chi" in parse_qs(urlsplit(driver.current_url).query), what="the fitted chi in the URL")
    chi = float(parse_qs(urlsplit(driver.current_url).query)["chi"][0])
    assert chi == pytest.approx(TRUE_CHI, abs=0.05)
    if fitted is not None:
        assert chi == pytest.approx(fitted, rel=1e-3)
    def chi_box() -> float | None:
        boxes = driver.find_elements(By.ID, "number-chi")
        value = boxes[0].get_attribute("value") if boxes else None
        return float(value) if value not in ("", None) else None

    wait_for(lambda: chi_box() is not None and abs(chi_box() - chi) < 1e-3,
             what="the dashboard's chi box holds the fitted value")
    wait_for(lambda: any(t["name"].startswith("your data:") for t in traces(driver, "spectra") or []),
             what="the data still drawn after Apply (session storage)")
    names = [t["name"] for t in traces(driver, "spectra")]
    assert any("fit scale" in name for name in names), names
    shot(driver, "data-applied", 1440)
    assert severe_logs(driver) == []

    # a reload keeps the datasets and the fit's result (session storage), without running the fit again
    driver.refresh()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "input.view-switch-input[value='data']"),
             what="the page after the reload")
    open_view(driver, "data")
    wait_for(lambda: "three_spectra.csv" in visible_text(driver, "data-list"), what="the dataset after a reload")
    wait_for(lambda: "χ²/dof" in visible_text(driver, "fit-report"), what="the fit report after a reload")
    assert f"{fitted:g}" in visible_text(driver, "fit-report") if fitted is not None else True
    assert severe_logs(driver) == []

"""The Animate bar in headless Chromium: frames computed as a background job, played in the browser (every frame
drawn, Pause stops), the export gives a zip with one valid PNG per frame, and no console errors."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from components.animation import IMAGE_SIZE_PX
from components.export import png_problem
from tests.support.page import embedded_gunicorn, scrolled_shot, severe_logs, spectra_ready
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

FRAMES = 10
PLAYER = "animate-player"
SHOWS = "return window.qdgainAnimation.figure(arguments[0], arguments[1]).data === " \
        "document.getElementById('graph-' + arguments[0]).getElementsByClassName('js-plotly-plot')[0].data;"


@pytest.fixture(scope="module")
def base_url():
    """The project's gunicorn on loopback: the frames run as a background job on the embedded manager."""
    with embedded_gunicorn() as server:
        yield server.url


def player(driver) -> dict[str, str]:
    return driver.execute_script(f"return Object.assign({{}}, document.getElementById('{PLAYER}').dataset);")


def shows(driver, panel: str, frame: int) -> bool:
    return driver.execute_script(SHOWS, panel, frame)


def control(driver, role: str):
    return driver.find_element(By.CSS_SELECTOR, f"#{PLAYER} [data-role='{role}']")


def shot(driver, name: str, width: int) -> None:
    scrolled_shot(driver, name, width, "#animate-open")


@pytest.fixture(scope="module")
def loaded(driver, base_url):
    """The dynamics tab, the bar opened, ⟨N⟩ over 10 frames computed in the background and loaded in the player."""
    driver.set_window_size(1440, 1000)
    driver.get(base_url + "/?n_avg=2#dynamics")
    wait_for(lambda: spectra_ready(driver), what="the spectra")
    driver.find_element(By.ID, "animate-open").click()
    frames = wait_for(lambda: [e for e in driver.find_elements(By.CSS_SELECTOR, ".animate-frames input")
                               if e.is_displayed()], what="the animate controls")[0]
    frames.send_keys(Keys.CONTROL, "a")
    frames.send_keys(str(FRAMES), Keys.TAB)
    wait_for(lambda: (driver.execute_script(
        "return window.dash_clientside && document.getElementById('job-start-animation') && "
        "!document.getElementById('job-start-animation').disabled")), what="Compute frames enabled")
    time.sleep(0.3)
    driver.find_element(By.ID, "job-start-animation").click()
    wait_for(lambda: player(driver).get("frames") == str(FRAMES), timeout_s=180, what="the frames in the player")
    wait_for(lambda: player(driver).get("drawn") == "1", what="the first frame drawn")
    return driver


def test_the_first_frame_is_drawn_on_the_graphs(loaded):
    driver = loaded
    assert "⟨N⟩ = 0 excitons/dot" in control(driver, "value").text
    assert shows(driver, "spectra", 0) and shows(driver, "dynamics_astar", 0)
    assert "done" in driver.find_element(By.ID, "job-status-animation").text
    shot(driver, "animate-loaded", 1440)
    shot(driver, "animate-loaded", 390)


def test_play_draws_every_frame_in_order(loaded):
    driver = loaded
    Select(control(driver, "fps")).select_by_value("20")
    control(driver, "play").click()
    wait_for(lambda: player(driver).get("playing") == "false" and player(driver).get("frame") == str(FRAMES - 1),
             timeout_s=60, what="the animation to end")
    assert driver.execute_script("return window.qdgainAnimation.played") == list(range(FRAMES))
    assert shows(driver, "spectra", FRAMES - 1) and shows(driver, "dynamics_astar", FRAMES - 1)
    assert "⟨N⟩ = 6 excitons/dot" in control(driver, "value").text
    shot(driver, "animate-played", 1440)


def test_pause_stops_the_animation(loaded):
    driver = loaded
    Select(control(driver, "fps")).select_by_value("2")
    control(driver, "play").click()  # from the end: starts again at the first frame
    wait_for(lambda: int(player(driver).get("frame", "0")) >= 2, timeout_s=30, what="two frames played")
    control(driver, "play").click()
    time.sleep(0.3)  # a frame being drawn when Pause was pressed finishes
    held = player(driver)
    assert held["playing"] == "false" and control(driver, "play").text.endswith("Play")
    time.sleep(1.6)  # three frame periods at 2 frames/s
    assert player(driver)["frame"] == held["frame"] and player(driver)["drawn"] == held["drawn"]
    assert int(held["frame"]) < FRAMES - 1 and shows(driver, "spectra", int(held["frame"]))


def test_the_frame_slider_shows_one_frame(loaded):
    driver = loaded
    driver.execute_script("const s = arguments[0]; s.value = '4'; s.dispatchEvent(new Event('input'));",
                          control(driver, "frame"))
    wait_for(lambda: shows(driver, "spectra", 4), what="frame 5 on the spectra")
    assert player(driver)["frame"] == "4" and "(frame 5 of 10)" in control(driver, "value").text


def test_the_export_is_a_zip_of_one_valid_png_per_frame(loaded):
    driver = loaded
    started = time.time()
    Select(control(driver, "panel")).select_by_value("dynamics_astar")
    control(driver, "export").click()
    zipped = wait_for(lambda: next((p for p in Path(driver.download_dir).glob("*_frames.zip")
                                    if p.stat().st_mtime >= started - 1 and p.stat().st_size), None),
                      timeout_s=120, what="the frames' zip")
    time.sleep(0.5)
    archive = zipfile.ZipFile(io.BytesIO(zipped.read_bytes()))
    pngs = sorted(name for name in archive.namelist() if name.endswith(".png"))
    assert len(pngs) == FRAMES and zipped.name == "qdgain_dynamics_astar_n_avg_frames.zip"
    assert [png_problem(archive.read(name), IMAGE_SIZE_PX) for name in pngs] == [None] * FRAMES
    assert len({archive.read(name) for name in pngs}) == FRAMES  # every frame differs
    wait_for(lambda: "Zip of 10 frames" in driver.find_element(By.ID, "animate-message").text, what="the message")


def test_dashboard_figures_come_back_and_no_console_errors(loaded):
    driver = loaded
    control(driver, "restore").click()
    wait_for(lambda: not shows(driver, "spectra", 4), what="the dashboard's spectra")
    net = next(t for t in spectra_ready(driver) if t["name"].startswith("Net"))
    assert len(net["y"]) > 10
    assert severe_logs(driver) == []

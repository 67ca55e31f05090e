"""The energy-level picture in headless Chromium: the browser's level scheme and arrow weights equal the core's,
the arrows move while a slider is held and dragged (before the release), the labels follow the energy unit,
and the page logs no errors. Screenshots at 1440 and 390 px go to test-artifacts/."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest

from components.level_geometry import PROCESSES, level_data
from qdgain_core import GainParams
from qdgain_core.ensemble import geometry_for, nonlinear_absorption
from tests.support.page import open_page, severe_logs
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ENERGY_TOLERANCE_MEV = 1e-9  # the split is the same closed form in both languages
WEIGHT_TOLERANCE = 1e-8  # at the doping table's points (every slider position); it keeps 9 decimals
OFF_GRID_WEIGHT_TOLERANCE = 2e-3  # a typed <n_1S(e)> between two slider positions: linear interpolation
MAIN = ("chi", "eta", "stokes_mev", "xx_binding_mev", "n_doped", "n_avg")
STATES = (
    {},
    {"chi": 1.6, "eta": 0.3, "stokes_mev": 60.0, "xx_binding_mev": -20.0, "n_avg": 2.4},
    {"eta": 100.0, "stokes_mev": 4.0, "n_avg": 0.1},  # the LO mode and the width alone set the Stokes shift
    {"n_doped": 1.35, "sigma_1s_mv": 40.0, "plqy": 0.7, "n_avg": 0.8},
    {"lineshape_model": "gaussian", "eta": 0.5, "stokes_mev": 40.0, "n_avg": 1.2},
    {"pump_mode": "resonant", "n_avg": 1.1, "xi": 1.5},
    {"include_esa": False, "n_avg": 3.0, "counting": "sites"},
    {"thermalize": False, "xe_strength": 0.5, "n_doped": 0.5, "n_avg": 1.7},
)
READ_ARROWS = """
return Object.fromEntries([...document.querySelectorAll('#level-picture .level-arrow')].map(g => [
    g.dataset.process, {weight: +g.dataset.weight, y0: +g.dataset.y0, y1: +g.dataset.y1, x: +g.dataset.x,
                        width: +g.querySelector('line').getAttribute('stroke-width')}]));
"""


def core_numbers(params: GainParams) -> dict:
    """The core's geometry and the area of each part of the spectra in units of OD_0's area."""
    geometry = geometry_for(params)
    spectra = nonlinear_absorption(params)
    area = float(np.sum(spectra.linear_absorption))
    parts = {"absorption": spectra.ground_state_absorption, "se": spectra.stimulated_emission,
             "esa": spectra.excited_state_absorption, "xx": spectra.biexciton_emission}
    return {"geometry": geometry, "weights": {name: float(np.sum(part)) / area for name, part in parts.items()}}


def browser_model(driver, params: GainParams) -> dict:
    values = {name: getattr(params, name) for name in MAIN}
    return driver.execute_script("return window.qdgainLevels.model(arguments[0], arguments[1]);",
                                 level_data(params), values)


def arrows(driver) -> dict:
    return driver.execute_script(READ_ARROWS)


@pytest.fixture(scope="module")
def page(driver):
    from tests.support.page import serve_app

    with serve_app() as url:
        driver.set_window_size(1440, 900)
        open_page(driver, url + "/")
        wait_for(lambda: len(arrows(driver)) == len(PROCESSES), what="the level picture's arrows")
        yield url


@pytest.mark.parametrize("overrides", STATES, ids=lambda o: ",".join(o) or "defaults")
def test_browser_levels_equal_the_core(driver, page, overrides):
    params = GainParams(**overrides)
    drawn, core = browser_model(driver, params), core_numbers(params)
    geometry = core["geometry"]
    expected = {"fine_structure_mev": geometry.fine_structure_mev, "reorganization_mev": geometry.reorganization_mev,
                "biexciton_reorganization_mev": geometry.biexciton_reorganization_mev,
                "stokes_mev": geometry.stokes_mev}
    for name, value in expected.items():
        assert drawn[name] == pytest.approx(value, abs=ENERGY_TOLERANCE_MEV), name
    energies = {"absorption": geometry.absorption_mev, "se": geometry.emission_mev, "esa": geometry.esa_mev,
                "xx": geometry.biexciton_emission_mev,
                "fine_structure_absorption": geometry.fine_structure_absorption_mev}
    for name, value in energies.items():
        assert drawn["energies"][name] == pytest.approx(value, abs=ENERGY_TOLERANCE_MEV), name
    for name, value in core["weights"].items():
        assert drawn["weights"][name] == pytest.approx(value, abs=WEIGHT_TOLERANCE), name


def test_a_typed_doping_between_slider_positions_is_interpolated_closely(driver, page):
    params = GainParams(n_doped=0.7023, sigma_1s_mv=25.0, n_avg=1.3)
    drawn, core = browser_model(driver, params), core_numbers(params)
    for name, value in core["weights"].items():
        assert drawn["weights"][name] == pytest.approx(value, abs=OFF_GRID_WEIGHT_TOLERANCE), name


def test_the_drawn_picture_is_the_committed_state(driver, page):
    core = core_numbers(GainParams())
    drawn = arrows(driver)
    for name, value in core["weights"].items():
        assert drawn[name]["weight"] == pytest.approx(value, rel=1e-3), name
        assert drawn[name]["width"] == pytest.approx(min(max(7 * value, 0.8), 10), abs=0.01), name
    label = driver.execute_script("return document.querySelector('#level-picture svg').getAttribute('aria-label')")
    geometry = core["geometry"]
    assert driver.execute_script("return document.querySelector('#level-picture svg').getAttribute('role')") == "img"
    for energy in (geometry.absorption_mev, geometry.emission_mev, geometry.esa_mev, geometry.biexciton_emission_mev):
        assert f"{energy:.1f}\u2009meV" in label
    assert f"fine structure {geometry.fine_structure_mev:.2f} meV" in label


def _mouse(driver, kind: str, x: float, y: float, buttons: int) -> None:
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                        "buttons": buttons, "clickCount": 1})


def _drag_and_watch(driver, field: str, moves: int, step_px: float) -> tuple[list[dict], str, str]:
    """Hold the slider's thumb, move it ``moves`` times and read the arrows after each move, before releasing.

    Returns the arrows after each move, the number box before the release, and after it.
    """
    thumb = driver.find_element("css selector", f"#slider-{field} [role='slider']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumb)
    x, y = driver.execute_script("const b = arguments[0].getBoundingClientRect();"
                                 "return [b.x + b.width / 2, b.y + b.height / 2];", thumb)
    number = f"return document.getElementById('number-{field}').value"
    seen = [arrows(driver)]
    _mouse(driver, "mouseMoved", x, y, 0)
    _mouse(driver, "mousePressed", x, y, 1)
    for _ in range(moves):
        x += step_px
        _mouse(driver, "mouseMoved", x, y, 1)
        wait_for(lambda: arrows(driver) != seen[-1], timeout_s=10, what=f"the arrows to follow {field}")
        seen.append(arrows(driver))
    held = driver.execute_script(number)
    _mouse(driver, "mouseReleased", x, y, 0)
    wait_for(lambda: driver.execute_script(number) != held, timeout_s=10, what=f"{field} committed on release")
    return seen, held, driver.execute_script(number)


def test_arrows_follow_the_excitation_slider_while_it_is_dragged(driver, page):
    before = driver.execute_script("return document.getElementById('number-n_avg').value")
    seen, held, after = _drag_and_watch(driver, "n_avg", moves=4, step_px=12)
    assert held == before, "the number box changed before the release: this was not a live drag"
    absorption = [step["absorption"]["weight"] for step in seen]
    assert all(b < a for a, b in itertools.pairwise(absorption)), absorption  # bleaching with <N>
    assert seen[-1]["absorption"]["width"] < seen[0]["absorption"]["width"]
    xx = [step["xx"]["weight"] for step in seen]
    assert xx[-1] > xx[0]
    final = core_numbers(GainParams(n_avg=float(after)))["weights"]
    wait_for(lambda: abs(arrows(driver)["absorption"]["weight"] - final["absorption"]) < 1e-3, timeout_s=10,
             what="the arrows at the released value")
    assert severe_logs(driver) == []


def test_arrows_move_with_the_stokes_slider_while_it_is_dragged(driver, page):
    before = driver.execute_script("return document.getElementById('number-stokes_mev').value")
    seen, held, _ = _drag_and_watch(driver, "stokes_mev", moves=3, step_px=25)
    assert held == before, "the number box changed before the release: this was not a live drag"
    lengths = [abs(step["se"]["y1"] - step["se"]["y0"]) for step in seen]
    starts = [step["se"]["x"] for step in seen]
    assert lengths[-1] != pytest.approx(lengths[0]) or starts[-1] != pytest.approx(starts[0])
    esa = [round(abs(step["esa"]["y1"] - step["esa"]["y0"]), 2) for step in seen]
    assert len(set(esa)) > 1, f"the ESA arrow should change with the Stokes shift: {esa}"
    assert severe_logs(driver) == []


def test_labels_follow_the_energy_unit(driver, page):
    driver.execute_script("window.scrollTo(0, 0)")
    driver.find_element("css selector", "#energy-unit input[value='nm']").click()
    wait_for(lambda: "nm" in driver.execute_script("return document.querySelector('#level-picture td:nth-child(2)')"
                                                   ".innerText"), timeout_s=10, what="nm labels")
    energy = browser_model(driver, GainParams())["energies"]["absorption"]
    text = driver.execute_script("return document.querySelector('#level-picture td:nth-child(2)').innerText")
    assert float(text.split("\u2009")[0]) == pytest.approx(1239841.98 / energy, abs=0.06)
    driver.find_element("css selector", "#energy-unit input[value='meV']").click()
    assert severe_logs(driver) == []


@pytest.mark.parametrize("width", (1440, 390))
def test_screenshots(driver, page, width):
    """The card in view (on phones under the sticky spectra), the page not wider than the screen."""
    ARTIFACTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 900 if width > 800 else 1300)
    time.sleep(0.6)
    driver.execute_script(
        "const card = document.querySelector('.level-card'); card.scrollIntoView({block: 'start'});"
        "const sticky = document.querySelector('.operating-grid > .panel-spectra').getBoundingClientRect();"
        "const top = card.getBoundingClientRect().top;"
        "if (sticky.top <= 1 && sticky.bottom > top) { window.scrollBy(0, top - sticky.bottom - 8); }"
        "else { window.scrollBy(0, -8); }")
    time.sleep(0.4)
    driver.save_screenshot(str(ARTIFACTS / f"levels-{width}.png"))
    box = driver.execute_script("const b = document.querySelector('#level-picture svg').getBoundingClientRect();"
                                "return [b.width, b.height, document.documentElement.scrollWidth];")
    assert box[0] > 200 and box[1] > 150, box
    assert box[2] <= width, "the picture made the page scroll sideways"
    driver.set_window_size(1440, 900)
    assert severe_logs(driver) == []

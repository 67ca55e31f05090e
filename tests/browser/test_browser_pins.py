"""Compare: pins in headless Chromium — a shared link with pins draws them (names, colours) over the spectra and the
open tab's panels, "Pin this state" adds one to the link, Restore makes a pin the dashboard's state as a history
entry, hostile pins give a notice; screenshots at 1440 and 390 px."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from components.pins import PIN_COLORS
from tests.support.page import scrolled_shot, serve_app, severe_logs
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

SHARED = "/?chi=0.5&pins=ESA+off*include_esa:false~dense*n_avg:3.0,eta:2.0#ase"
PIN_TRACES = """
const box = document.getElementById(arguments[0]);
const plot = box && box.getElementsByClassName('js-plotly-plot')[0];
if (!plot || !plot.data) { return null; }
return plot.data.filter(t => String(t.name).startsWith('pin:')).map(
    t => ({name: t.name, color: (t.line && t.line.color) || (t.marker && t.marker.color), dash: t.line && t.line.dash,
           n: (t.y && (t.y._inputArray || t.y).length) || 0}));
"""
CHIPS = "return [...document.querySelectorAll('.pin-chip-name')].map(e => e.innerText);"


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


def pin_traces(driver, panel: str):
    return driver.execute_script(PIN_TRACES, f"graph-{panel}")


def query(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def shot(driver, name: str, width: int) -> None:
    scrolled_shot(driver, name, width, ".pins-bar")


def open_shared(driver, base_url: str, link: str = SHARED) -> None:
    driver.get(base_url + link)
    wait_for(lambda: len(pin_traces(driver, "spectra") or []) == 2, timeout_s=60, what="the pins over the spectra")


def test_a_shared_link_with_pins_draws_them_with_names_and_colours(driver, base_url):
    open_shared(driver, base_url)
    expected = [("pin: ESA off", PIN_COLORS[0].color), ("pin: dense", PIN_COLORS[1].color)]
    assert [(t["name"], t["color"]) for t in pin_traces(driver, "spectra")] == expected
    assert all(t["n"] > 100 for t in pin_traces(driver, "spectra"))
    wait_for(lambda: len(pin_traces(driver, "ase_output") or []) == 2, timeout_s=90, what="the pins over ASE output")
    assert [(t["name"], t["color"]) for t in pin_traces(driver, "ase_output")] == expected
    wait_for(lambda: driver.execute_script(CHIPS) == ["ESA off", "dense"], what="the pins bar")
    table = driver.execute_script("return document.querySelector('.pin-table').innerText")
    for word in ("ESA", "⟨N_th⟩", "ASE threshold", "gain lifetime", "current"):
        assert word in table
    assert query(driver)["pins"] == ["ESA off*include_esa:false~dense*eta:2.0,n_avg:3.0"]
    for width in (1440, 390):
        shot(driver, "pins", width)
    assert severe_logs(driver) == []


def test_the_pins_follow_into_another_tab(driver, base_url):
    open_shared(driver, base_url, SHARED.replace("#ase", "#dynamics"))
    wait_for(lambda: len(pin_traces(driver, "dynamics_astar") or []) == 2, timeout_s=90, what="pins over A*(t)")
    assert [t["color"] for t in pin_traces(driver, "dynamics_lifetime")] == [c.color for c in PIN_COLORS[:2]]
    assert severe_logs(driver) == []


def test_pin_this_state_adds_a_named_pin_to_the_link(driver, base_url):
    open_shared(driver, base_url)
    box = driver.find_element("id", "pin-name")
    box.send_keys("mine")
    box.send_keys("\n")
    driver.find_element("id", "pin-add").click()
    wait_for(lambda: driver.execute_script(CHIPS) == ["ESA off", "dense", "mine"], what="the new pin")
    wait_for(lambda: "mine*chi:0.5" in query(driver).get("pins", [""])[0], what="the new pin in the link")
    wait_for(lambda: len(pin_traces(driver, "spectra") or []) == 3, what="the new pin over the spectra")
    assert pin_traces(driver, "spectra")[2]["color"] == PIN_COLORS[2].color
    driver.find_element("css selector", ".pin-chip:nth-child(1) .pin-remove").click()
    wait_for(lambda: driver.execute_script(CHIPS) == ["dense", "mine"], what="the pin removed")
    wait_for(lambda: "ESA off" not in query(driver).get("pins", [""])[0], what="the link without the removed pin")
    assert severe_logs(driver) == []


def test_restore_makes_a_pin_the_state_as_a_history_entry(driver, base_url):
    open_shared(driver, base_url)
    before = driver.current_url
    driver.find_element("css selector", ".pin-chip:nth-child(2) .pin-restore").click()
    wait_for(lambda: query(driver).get("n_avg") == ["3.0"] and query(driver).get("eta") == ["2.0"],
             what="the restored state in the link")
    assert "chi" not in query(driver)
    assert query(driver)["pins"] == ["ESA off*include_esa:false~dense*eta:2.0,n_avg:3.0"]
    assert driver.find_element("id", "number-n_avg").get_attribute("value") == "3"
    driver.back()
    wait_for(lambda: driver.current_url == before, what="Back to the state before the restore")
    wait_for(lambda: driver.find_element("id", "number-chi").get_attribute("value") == "0.5", what="chi back")
    assert severe_logs(driver) == []


def test_hostile_pins_give_a_notice_and_the_page_still_works(driver, base_url):
    driver.get(base_url + "/?pins=" + "~".join(["%3Cb%3Ex*chi:zz,nope:1"] * 7))
    wait_for(lambda: "pins: at most 4" in (driver.execute_script(
        "return (document.getElementById('link-notices') || {}).innerText") or ""), what="the notice")
    wait_for(lambda: len(pin_traces(driver, "spectra") or []) == 4, what="four pins drawn")
    assert driver.execute_script(CHIPS)[0] == "<b>x"
    assert severe_logs(driver) == []

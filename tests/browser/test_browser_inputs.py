"""The input rule, notices, presets over edits and browser history, in headless Chromium.

What a user types must never lie: out of range is clamped and said, empty keeps the value
in use and says so, a message goes when the field is valid again or is dismissed; a preset
says which edits it replaced; Back/Forward and Undo/Redo step through committed states.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.keys import Keys

from components import fields
from components.control_values import RULES
from tests.support.page import open_page, serve_app, severe_logs
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


def type_into(driver, element_id: str, text: str) -> None:
    """Replace the box's text and commit it (Enter), as a user does."""
    box = driver.find_element("id", element_id)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    if text:
        box.send_keys(text)
    box.send_keys(Keys.ENTER)


def box_value(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).get_attribute("value")


def message(driver, field: str) -> str:
    return driver.find_element("id", f"message-{field}").text


def query(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def in_url(driver, name: str) -> float | None:
    """The number the URL holds for ``name`` (None when it is not there)."""
    values = query(driver).get(name)
    return float(values[0]) if values else None


def test_out_of_range_is_clamped_to_the_nearest_limit_whatever_came_before(driver, base_url):
    open_page(driver, base_url + "/")
    high = RULES["n_avg"].maximum
    type_into(driver, "number-n_avg", "25")
    wait_for(lambda: float(box_value(driver, "number-n_avg")) == high, what="<N> clamped to its maximum")
    assert "25 is above the allowed range" in message(driver, "n_avg")
    type_into(driver, "number-n_avg", "-1")
    wait_for(lambda: float(box_value(driver, "number-n_avg")) == 0.0, what="<N> clamped to 0, not to the old value")
    assert "-1 is below the allowed range" in message(driver, "n_avg")
    type_into(driver, "number-n_avg", "2")
    wait_for(lambda: message(driver, "n_avg") == "", what="the message gone once the value is valid")
    wait_for(lambda: in_url(driver, "n_avg") == 2, what="the committed value in the URL")
    assert severe_logs(driver) == []


def test_empty_box_keeps_the_value_in_use_and_says_so(driver, base_url):
    open_page(driver, base_url + "/?chi=0.7")
    type_into(driver, "number-chi", "")
    wait_for(lambda: "the box is empty; kept 0.7" in message(driver, "chi"), what="the empty-box message")
    assert float(box_value(driver, "number-chi")) == 0.7
    assert fields.label("chi") in message(driver, "chi")
    driver.find_element("id", "message-chi").click()
    wait_for(lambda: message(driver, "chi") == "", what="the message dismissed")
    assert in_url(driver, "chi") == 0.7


def test_advanced_and_view_boxes_follow_the_same_rule(driver, base_url):
    open_page(driver, base_url + "/")
    driver.find_element("id", "tab-advanced-parameters").click()
    wait_for(lambda: driver.find_elements("id", "map-points"), what="the advanced controls")
    type_into(driver, "advanced-temperature_k", "-5")
    low = RULES["temperature_k"].minimum
    wait_for(lambda: float(box_value(driver, "advanced-temperature_k")) == low, what="T clamped to its minimum")
    assert "-5 is below the allowed range" in message(driver, "temperature_k")
    type_into(driver, "map-points", "500")
    wait_for(lambda: box_value(driver, "map-points") == "81", what="the map resolution clamped to 81")
    assert "500 is above the allowed range 11 to 81" in message(driver, "map_points")
    wait_for(lambda: in_url(driver, "map_points") == 81, what="81 points per axis committed")
    assert severe_logs(driver) == []


def test_preset_over_edits_says_what_it_replaced_and_undo_restores_them(driver, base_url):
    open_page(driver, base_url + "/")
    type_into(driver, "number-chi", "0.42")
    wait_for(lambda: in_url(driver, "chi") == 0.42, what="the edit committed")
    driver.find_element("id", "preset").click()
    options = wait_for(lambda: driver.find_elements("css selector", ".dash-dropdown-option"), what="preset options")
    options[0].click()
    notice = wait_for(lambda: driver.find_element("id", "link-notices").text, what="the replacement notice")
    assert "replaced" in notice and fields.label("chi") in notice and "0.42" in notice
    wait_for(lambda: "preset" in query(driver), what="the preset in the URL")
    driver.find_element("id", "undo").click()
    wait_for(lambda: in_url(driver, "chi") == 0.42 and "preset" not in query(driver), what="undo")
    wait_for(lambda: float(box_value(driver, "number-chi")) == 0.42, what="the edited chi back in its box")
    assert severe_logs(driver) == []


def test_back_and_forward_step_through_committed_states(driver, base_url):
    open_page(driver, base_url + "/")
    wait_for(lambda: driver.find_element("id", "undo").get_attribute("disabled") is not None,
             what="Undo disabled on a fresh page")
    first_chi = float(box_value(driver, "number-chi"))
    for value in ("0.3", "0.6"):
        type_into(driver, "number-chi", value)
        wait_for(lambda value=value: in_url(driver, "chi") == float(value), what=f"chi={value} committed")
    driver.back()
    wait_for(lambda: float(box_value(driver, "number-chi")) == 0.3, what="Back restores chi = 0.3")
    assert in_url(driver, "chi") == 0.3
    driver.back()  # to the entry the page was loaded on (dcc.Location saw that search last)
    wait_for(lambda: float(box_value(driver, "number-chi")) == first_chi, what="Back to the first state")
    wait_for(lambda: driver.find_element("id", "undo").get_attribute("disabled") is not None,
             what="Undo disabled at the first state")
    driver.forward()
    wait_for(lambda: float(box_value(driver, "number-chi")) == 0.3, what="Forward restores chi = 0.3")
    driver.forward()
    wait_for(lambda: float(box_value(driver, "number-chi")) == 0.6, what="Forward restores chi = 0.6")
    driver.find_element("id", "undo").click()
    wait_for(lambda: float(box_value(driver, "number-chi")) == 0.3, what="Undo")
    driver.find_element("id", "redo").click()
    wait_for(lambda: float(box_value(driver, "number-chi")) == 0.6, what="Redo")
    wait_for(lambda: driver.find_element("id", "redo").get_attribute("disabled") is not None,
             what="Redo disabled at the newest state")
    assert base_url in driver.current_url and severe_logs(driver) == []


def test_link_notices_can_be_dismissed(driver, base_url):
    open_page(driver, base_url + "/?chi=banana")
    wait_for(lambda: "chi" in driver.find_element("id", "link-notices").text, what="the link notice")
    driver.find_element("id", "dismiss-link-notices").click()
    wait_for(lambda: not driver.find_element("id", "link-notices-box").is_displayed(), what="the notice dismissed")


RULE_CASES = [
    ("n_avg", 25.0, 1.5), ("n_avg", -1.0, 8.0), ("n_avg", None, 1.5), ("n_avg", "", 1.5), ("n_avg", "abc", 1.5),
    ("n_avg", 2.0, 1.5), ("n_avg", 1e-05, 1.5), ("temperature_k", -5, 300.0), ("map_points", 500, 31),
    ("map_points", 40.4, 31), ("map_points", 40.5, 31), ("high_offset_mev", None, 150.0),
    ("high_offset_mev", 1e9, None), ("eta", 1234567.0, 1.0), ("chi", "3.5", 0.9),
]


def test_the_javascript_rule_is_the_python_rule(driver, base_url):
    """``checkNumber`` (assets/clientside.js) gives the value and message of ``control_values.check_number``."""
    from components.control_values import check_number, field_rules

    open_page(driver, base_url + "/")
    rules = field_rules()
    for field, typed, last in RULE_CASES:
        from_js = driver.execute_script(
            "return window.dash_clientside.qdgain.checkNumber(arguments[0], arguments[1], arguments[2]);",
            rules[field], typed, last)
        expected = check_number(RULES[field], typed, last)
        assert from_js == {"value": expected.value, "message": expected.message}, (field, typed, last)

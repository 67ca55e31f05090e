"""End to end in headless Chromium: load, slide, share, CSV, PNG, and no console errors.

The app runs in this process on a free 127.0.0.1 port (werkzeug's threaded server); the
browser is Debian's chromium driven through selenium (tests/support/browser.py).
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from tests.support.page import net_trace, open_page, serve_app, severe_logs, spectra_ready, traces
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

COUNT_CALLBACK_REQUESTS = """
performance.setResourceTimingBufferSize(100000);
return performance.getEntriesByType('resource').filter(e => e.name.includes('_dash-update-component')).length;
"""


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


def test_page_loads_without_console_errors(driver, base_url):
    open_page(driver, base_url + "/")
    assert driver.title.startswith("qdgain")
    for tab, panel in (("dynamics", "dynamics_lifetime"), ("ase", "ase_schemes"), ("doping", "doping_threshold"),
                       ("spectral", "se_map")):
        driver.find_element("id", f"tab-{tab}").click()
        wait_for(lambda: len(traces(driver, panel) or []) >= 1, what=f"the {tab} tab")
        assert f"#{tab}" in driver.current_url
    assert severe_logs(driver) == []


def test_dragging_a_slider_changes_the_plotted_data(driver, base_url):
    from selenium.webdriver.common.keys import Keys

    open_page(driver, base_url + "/")
    before = net_trace(driver)
    thumb = driver.find_element("css selector", "#slider-chi [role='slider']")
    thumb.click()
    for _ in range(25):
        thumb.send_keys(Keys.ARROW_LEFT)
    wait_for(lambda: net_trace(driver) != before, what="the spectra to change")
    number = driver.find_element("id", "number-chi")

    def url_follows_the_number() -> bool:
        # the URL lags while key presses are still being committed: wait for the last one, not the first
        shared = parse_qs(urlsplit(driver.current_url).query).get("chi")
        return bool(shared) and math.isclose(float(number.get_attribute("value")), float(shared[0]))

    wait_for(url_follows_the_number, what="the URL to follow the number input")
    assert float(number.get_attribute("value")) < 1.0
    assert severe_logs(driver) == []


def test_typing_a_value_updates_the_figures(driver, base_url):
    from selenium.webdriver.common.keys import Keys

    open_page(driver, base_url + "/")
    before = net_trace(driver)
    field = driver.find_element("id", "number-n_avg")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("3.5", Keys.ENTER)
    wait_for(lambda: net_trace(driver) != before, what="the spectra to change")
    wait_for(lambda: "n_avg=3.5" in driver.current_url, what="the URL to follow")
    wait_for(lambda: "3.5" in driver.find_element("id", "readout-operating").text, what="the readout table")


def test_a_hidden_tab_draws_the_current_state_when_opened(driver, base_url):
    from selenium.webdriver.common.keys import Keys

    open_page(driver, base_url + "/")
    assert driver.find_elements("id", "graph-dynamics_astar") == []  # not mounted while hidden
    time.sleep(1.0)  # page-load callbacks done
    before = driver.execute_script(COUNT_CALLBACK_REQUESTS)
    field = driver.find_element("id", "number-n_avg")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("2.75", Keys.ENTER)
    wait_for(lambda: "n_avg=2.75" in driver.current_url, what="the commit")
    time.sleep(1.5)  # every callback of the commit answered
    sent = driver.execute_script(COUNT_CALLBACK_REQUESTS) - before
    # spectra, state, readouts and the open (phase) tab; drawing every tab would add five more
    assert 3 <= sent <= 5, sent
    driver.find_element("id", "tab-dynamics").click()
    def operating_trace_at_2_75():
        return any("⟨N⟩ = 2.75" in (trace.get("name") or "") for trace in traces(driver, "dynamics_astar") or [])

    wait_for(operating_trace_at_2_75, what="the dynamics tab drawn at the committed ⟨N⟩")
    driver.find_element("id", "tab-phase").click()
    wait_for(lambda: traces(driver, "phase_nth"), what="the phase tab again")
    assert severe_logs(driver) == []


def test_shared_url_restores_the_controls(driver, base_url):
    open_page(driver, base_url + "/?chi=0.25&eta=0.5&n_avg=2.75&include_esa=false&map_points=21")
    assert float(driver.find_element("id", "number-chi").get_attribute("value")) == 0.25
    assert float(driver.find_element("id", "number-eta").get_attribute("value")) == 0.5
    assert float(driver.find_element("id", "number-n_avg").get_attribute("value")) == 2.75
    driver.find_element("id", "tab-advanced-parameters").click()
    wait_for(lambda: driver.find_elements("id", "map-points"), what="the advanced controls")
    assert float(driver.find_element("id", "map-points").get_attribute("value")) == 21
    assert driver.find_element("css selector", "#advanced-include_esa input").is_selected() is False
    title = driver.execute_script(
        "return document.getElementById('graph-spectra').getElementsByClassName('js-plotly-plot')[0].layout.title.text")
    assert "2.75" in title
    wait_for(lambda: len(traces(driver, "phase_nth")[0]["x"]) == 21, what="a 21-point phase map")
    assert severe_logs(driver) == []


MAP_SUBTITLE = """
const plot = document.getElementById('graph-phase_nth').getElementsByClassName('js-plotly-plot')[0];
return plot && plot.layout.title.subtitle ? plot.layout.title.subtitle.text : null;
"""
MAP_HOVER = """
const plot = document.getElementById('graph-phase_nth').getElementsByClassName('js-plotly-plot')[0];
Plotly.Fx.hover(plot, {xpx: 100, ypx: 40});  // a cell near the top left of the plot area (computed rows)
return Array.from(document.querySelectorAll('#graph-phase_nth .hoverlayer text')).map(t => t.textContent).join(' ');
"""


def test_hold_choice_redraws_the_maps_and_follows_the_url(driver, base_url):
    open_page(driver, base_url + "/")
    wait_for(lambda: "holds Δ<sub>FS</sub>" in (driver.execute_script(MAP_SUBTITLE) or ""), what="Δ_FS held")
    hover_text = wait_for(lambda: driver.execute_script(MAP_HOVER), what="the map hover")
    assert re.search(r"Δ_SS = [0-9.]+ meV", hover_text) and re.search(r"Δ_FS = 14\.5 meV", hover_text), hover_text
    driver.find_elements("css selector", "#map-hold label")[1].click()  # "Stokes shift Δ_SS"
    wait_for(lambda: "hold=stokes" in driver.current_url, what="the URL to follow the hold")
    wait_for(lambda: "holds Δ<sub>SS</sub> = 20 meV" in (driver.execute_script(MAP_SUBTITLE) or ""),
             what="the maps redrawn holding Δ_SS")
    assert severe_logs(driver) == []


def test_gaussian_link_holding_the_fine_structure_is_coerced_with_a_notice(driver, base_url):
    open_page(driver, base_url + "/?lineshape_model=gaussian&hold=fine_structure")
    notices = wait_for(lambda: driver.find_element("css selector", ".notice-area").text, what="a notice")
    assert "Gaussian" in notices and "η axis" in notices
    fine, stokes = driver.find_elements("css selector", "#map-hold input")
    wait_for(lambda: not fine.is_enabled(), what="fine structure disabled")
    assert stokes.is_selected() and "Gaussian" in driver.find_element("id", "map-hold-note").text
    wait_for(lambda: "holds Δ<sub>SS</sub>" in (driver.execute_script(MAP_SUBTITLE) or ""), what="Δ_SS held")
    assert severe_logs(driver) == []


def test_garbage_url_shows_a_notice_not_an_error(driver, base_url):
    open_page(driver, base_url + "/?chi=banana&map_points=-1")
    notices = wait_for(lambda: driver.find_element("css selector", ".notice-area").text, what="a notice")
    assert "chi" in notices and "map resolution" in notices
    assert severe_logs(driver) == []


def downloaded(driver, suffix: str, after: float) -> Path:
    def newest():
        files = [p for p in Path(driver.download_dir).glob(f"*{suffix}") if p.stat().st_mtime >= after - 1]
        return max(files, key=lambda p: p.stat().st_mtime) if files else None

    return wait_for(newest, what=f"a {suffix} download")


def test_csv_download_matches_the_figure(driver, base_url):
    open_page(driver, base_url + "/?n_avg=2.5&chi=0.5")
    shown = spectra_ready(driver)
    started = time.time()
    driver.find_element("id", "csv-spectra").click()
    text = downloaded(driver, "qdgain_spectra.csv", started).read_text()
    rows = list(csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("#")))))
    body = rows[1:]
    from components.export import ascii_text  # the CSV is plain ASCII (OD₀ -> OD_0)

    for trace in shown:
        mine = [row for row in body if row[0] == ascii_text(trace["name"])]
        assert len(mine) == len(trace["x"]), trace["name"]
        np.testing.assert_allclose([float(r[1]) for r in mine], trace["x"], rtol=1e-6)
        np.testing.assert_allclose([float(r[2]) for r in mine], trace["y"], rtol=1e-6, atol=1e-12)


def test_png_download_from_the_modebar(driver, base_url):
    open_page(driver, base_url + "/")
    started = time.time()
    driver.execute_script(
        "document.querySelector('#graph-spectra .modebar-btn[data-title^=\"Download PNG\"]').click()")
    path = downloaded(driver, ".png", started)
    assert path.name.startswith("qdgain_spectra")
    wait_for(lambda: path.stat().st_size > 1000 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", what="PNG bytes")


def test_about_page_opens_from_the_hash_and_typesets_the_equations(driver, base_url):
    open_page(driver, base_url + "/")
    assert driver.find_elements("css selector", "#about-view mjx-container") == []  # not built while closed
    driver.get(base_url + "/#about")
    wait_for(lambda: driver.find_elements("css selector", "#about-view mjx-container"), what="typeset equations")
    assert not driver.find_element("id", "about-view").get_attribute("hidden")
    assert driver.find_element("id", "dashboard-view").get_attribute("hidden")
    driver.find_element("css selector", "#view label[data-option-index='0']").click()  # "Dashboard"
    wait_for(lambda: not driver.find_element("id", "dashboard-view").get_attribute("hidden"), what="the dashboard")
    wait_for(lambda: driver.find_elements("css selector", "#about-view *") == [], what="the About page removed")
    assert "#about" not in driver.current_url
    assert severe_logs(driver) == []


RUN_CLIENTSIDE = """
const [name, args, context] = arguments;
const clientside = window.dash_clientside;
const saved = clientside.callback_context;
clientside.callback_context = context;
try {
    return clientside.qdgain[name].apply(null, args).map(v => v === clientside.no_update ? null : v);
} finally {
    clientside.callback_context = saved;
}
"""


def _positional(answer: dict, outputs) -> list:
    """A mirror's response as the JavaScript's output list (None for no_update)."""
    response = answer.get("response", {})
    return [response.get(component_id, {}).get(prop) for component_id, prop in outputs]


PINS = [{"name": "pin 1", "params": {"chi": 0.25}}]


@pytest.mark.parametrize("case", ["open tab", "already drawn", "about view", "no revision"])
def test_gate_mirror_matches_the_javascript(driver, base_url, case):
    from tests.support.browser_side import (
        FakeClient,
        app_tab_names,
        gate_tabs,
        registered_callbacks,
    )

    gate = registered_callbacks()["gate"]
    names = app_tab_names()
    inputs = [0.5 + i for i, _ in enumerate(names["fields"])] + [
        None if case == "no revision" else {"params": {"chi": 0.5}}, 31, "stokes", "nm", "002-fig5b", PINS, "cuts",
        names["about"] if case == "about view" else names["dashboard"]]
    commit = {"numbers": dict(zip(names["fields"], inputs, strict=False)), "revision": inputs[len(names["fields"])],
              "map_points": 31, "hold": "stokes", "view": {"energy_unit": "nm", "figure": "002-fig5b", "pins": PINS}}
    drawn = [commit if case == "already drawn" and tab == "cuts" else None for tab in names["panels"]]
    client = FakeClient({**dict(zip(gate.inputs, inputs, strict=True)), **dict(zip(gate.state, drawn + [names],
                                                                                   strict=True))})
    if base_url not in driver.current_url:
        open_page(driver, base_url + "/")
    context = {"outputs_list": [{"id": cid, "property": prop} for cid, prop in gate.outputs]}
    from_js = driver.execute_script(RUN_CLIENTSIDE, "gateTabs", inputs + drawn + [names], context)
    assert from_js == _positional(gate_tabs(client, gate, []), gate.outputs)
    assert (from_js.count(None), case) == ((len(names["panels"]) - 1, case) if case == "open tab"
                                           else (len(names["panels"]), case))


@pytest.mark.parametrize("position, value, applied, store, shown, trigger", [
    (0.5, 10.0, None, None, "", "slider-eta.value"),
    (0.5, 10.0, None, None, "old", "slider-eta.value"),
    (9.0, 10.0, None, None, "", "slider-eta.value"),
    (0.5, 100.0, None, None, "", "number-eta.value"),
    (0.5, 0.00001, None, None, "", "number-eta.value"),
    (0.5, 1234567.0, None, None, "", "number-eta.value"),
    (0.5, None, None, None, "", "number-eta.value"),
    (0.5, None, None, {"params": {"eta": 2.5}}, "", "number-eta.value"),
    (0.5, 3.0, None, None, "old", "message-eta.n_clicks"),
    (0.5, 3.0, {"eta": 0.1}, None, "old", "applied-main-values.data"),
    (0.5, 3.0, {"eta": -1.0}, None, "", "applied-main-values.data"),
])
def test_sync_mirror_matches_the_javascript(driver, base_url, position, value, applied, store, shown, trigger):
    from tests.support.browser_side import (
        ETA_RULES,
        ETA_SPEC,
        FakeClient,
        registered_callbacks,
        sync_slider,
    )

    sync = registered_callbacks()["sync"]
    if base_url not in driver.current_url:
        open_page(driver, base_url + "/")
    (slider_id, slider_prop), (number_id, number_prop), (applied_id, applied_prop), dismiss = sync.inputs
    client = FakeClient({(slider_id, slider_prop): position, (number_id, number_prop): value,
                         (applied_id, applied_prop): applied, dismiss: 1, sync.state[0]: ETA_SPEC,
                         sync.state[1]: ETA_RULES, sync.state[2]: store, sync.state[3]: shown})
    context = {"triggered": [{"prop_id": trigger}],
               "inputs_list": [{"id": cid, "property": prop} for cid, prop in sync.inputs]}
    from_js = driver.execute_script(RUN_CLIENTSIDE, "syncSlider",
                                    [position, value, applied, 1, ETA_SPEC, ETA_RULES, store, shown], context)
    assert from_js == _positional(sync_slider(client, sync, [trigger]), sync.outputs)

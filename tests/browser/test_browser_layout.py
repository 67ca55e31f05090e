"""Layout, labels and keyboard in headless Chromium at 1440×900, 1366×768, 800×1000 and 390×844.

Screenshots of the dashboard and the About view at every size go to ``QDGAIN_ARTIFACTS``
(default ``test-artifacts/`` under the repository root, git-ignored), so a person can judge them.
The viewport is set exactly with the DevTools protocol (a window size would include the
browser's own frame). The app runs in this process on a free 127.0.0.1 port, as in
``test_browser_app``.
"""

from __future__ import annotations

import math
import os
import re
import time
from pathlib import Path

import pytest

from components import fields
from tests.support.page import serve_app
from tests.support.server_harness import ROOT, wait_for

pytestmark = pytest.mark.browser

SIZES = ((1440, 900), (1366, 768), (800, 1000), (390, 844))
ARTIFACTS = Path(os.environ.get("QDGAIN_ARTIFACTS") or ROOT / "test-artifacts")

SPECTRA_DRAWN = """
const plot = document.querySelector('#graph-spectra .js-plotly-plot');
return !!(plot && plot.data && plot.data.length >= 6);
"""
RECT = """
const box = arguments[0].getBoundingClientRect();
return {left: box.left, top: box.top, right: box.right, bottom: box.bottom, width: box.width, height: box.height};
"""
VIEWPORT = """
const root = document.documentElement;
return {width: window.innerWidth, height: window.innerHeight, clientWidth: root.clientWidth,
        scrollWidth: root.scrollWidth, bodyScrollWidth: document.body.scrollWidth, scrollY: window.scrollY};
"""
# Every element wider than the page, unless an ancestor scrolls or clips it inside the page.
SIDEWAYS_OVERFLOW = """
const limit = document.documentElement.clientWidth + 0.5;
const escaping = [];
for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit) { continue; }
    let contained = false;
    for (let p = element.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= limit) {
            contained = true;
            break;
        }
    }
    if (!contained) { escaping.push(`${element.tagName}.${element.getAttribute('class') || ''} ${box.right}`); }
}
return escaping.slice(0, 10);
"""
FOCUSED = """
const e = document.activeElement;
if (!e || e === document.body) { return null; }
const slider = e.closest('.dash-slider-container');
const view = e.closest('#view');
return {id: e.id || '', role: e.getAttribute('role') || '', tag: e.tagName,
        slider: e.getAttribute('role') === 'slider' && slider ? slider.id : '', view: view ? e.value : ''};
"""
# The outline or ring the focused element shows (the view switch's radio is invisible: its label shows it;
# a number box's frame is its container's).
FOCUS_RING = """
const e = document.activeElement;
const shown = e.classList.contains('view-switch-input') ? e.closest('label')
    : (e.closest('.dash-input-container') || e);
const style = getComputedStyle(shown);
return {outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0, shadow: style.boxShadow,
        focusVisible: e.matches(':focus-visible')};
"""
MARKS_INSIDE = """
const problems = [];
for (const container of document.querySelectorAll('.main-control .dash-slider-container')) {
    const outer = container.getBoundingClientRect();
    const clippers = [];
    for (let p = container.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') { clippers.push(p); }
    }
    for (const mark of container.querySelectorAll('.dash-slider-mark')) {
        const box = mark.getBoundingClientRect();
        for (const clip of [container, ...clippers]) {
            const c = clip === container ? outer : clip.getBoundingClientRect();
            if (box.left < c.left - 0.5 || box.right > c.right + 0.5) {
                problems.push(`${container.id} mark ${mark.textContent} [${box.left}, ${box.right}] outside `
                              + `${clip.className || clip.tagName} [${c.left}, ${c.right}]`);
            }
        }
    }
}
return problems;
"""


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


@pytest.fixture(scope="module")
def sized(driver):
    """``sized(width, height)`` sets the viewport exactly; the override is cleared after the module."""
    def resize(width: int, height: int) -> None:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    yield resize
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def open_dashboard(driver, base_url: str, query: str = "") -> None:
    driver.get(base_url + "/" + query)
    wait_for(lambda: driver.execute_script(SPECTRA_DRAWN), what="the spectra figure")
    wait_for(lambda: driver.find_elements("css selector", ".main-control [role='slider'][aria-valuetext]"),
             what="named sliders")
    time.sleep(0.5)  # fonts and the last re-layout


def rect(driver, element) -> dict:
    return driver.execute_script(RECT, element)


def viewport(driver) -> dict:
    return driver.execute_script(VIEWPORT)


def inside(box: dict, view: dict, slack: float = 0.5) -> bool:
    """Whether ``box`` lies wholly inside the viewport ``view``."""
    return (box["left"] >= -slack and box["top"] >= -slack and box["right"] <= view["clientWidth"] + slack
            and box["bottom"] <= view["height"] + slack and box["width"] > 0 and box["height"] > 0)


def save(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def severe_logs(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.parametrize("width, height", SIZES)
def test_screenshots_and_nothing_scrolls_sideways(driver, sized, base_url, width, height):
    sized(width, height)
    open_dashboard(driver, base_url)
    assert save(driver, f"dashboard_{width}x{height}.png").stat().st_size > 10_000
    view = viewport(driver)
    assert view["width"] == width and view["height"] == height
    assert view["scrollWidth"] <= min(width, view["clientWidth"]), view
    assert driver.execute_script(SIDEWAYS_OVERFLOW) == []
    if width <= 800:
        # a slider far down the controls, with the sticky plot above it
        thumb = driver.find_element("css selector", "#slider-n_avg [role='slider']")
        driver.execute_script("arguments[0].focus()", thumb)
        time.sleep(0.3)
        save(driver, f"dashboard_{width}x{height}_n_avg_focused.png")
    driver.find_element("css selector", "#view label[data-option-index='1']").click()  # "Paper figures"
    wait_for(lambda: len(driver.find_elements("css selector", "#gallery-view .gallery-thumbnail .main-svg")) >= 3,
             what="gallery thumbnails")
    driver.execute_script("window.scrollTo(0, 0)")
    assert save(driver, f"gallery_{width}x{height}.png").stat().st_size > 10_000
    view = viewport(driver)
    assert view["scrollWidth"] <= min(width, view["clientWidth"]), view
    driver.find_element("css selector", "#view label[data-option-index='2']").click()  # "About the model"
    wait_for(lambda: driver.find_elements("css selector", "#about-view mjx-container"), what="typeset equations")
    time.sleep(1.0)  # MathJax typesets the rest
    driver.execute_script("window.scrollTo(0, 0)")
    assert save(driver, f"about_{width}x{height}.png").stat().st_size > 10_000
    view = viewport(driver)
    assert view["scrollWidth"] <= min(width, view["clientWidth"]), view
    assert driver.execute_script(SIDEWAYS_OVERFLOW) == []
    # wide display equations scroll inside their own box
    boxes = driver.execute_script("""
        return [...document.querySelectorAll('#about-view mjx-container[display="true"]')].map(e => {
            const s = getComputedStyle(e); return [s.overflowX, e.scrollWidth > e.clientWidth + 1]; });""")
    assert boxes and all(overflow == "auto" for overflow, _ in boxes)
    if width == 390:
        assert any(scrolls for _, scrolls in boxes)  # the equations are wider than a phone
    assert severe_logs(driver) == []


def test_key_controls_and_answer_visible_without_scrolling_at_1366x768(driver, sized, base_url):
    sized(1366, 768)
    open_dashboard(driver, base_url)
    view = viewport(driver)
    assert view["scrollY"] == 0
    sidebar = rect(driver, driver.find_element("css selector", ".sidebar"))
    positions = {}
    for name in fields.MAIN_FIELDS:
        box = rect(driver, driver.find_element("id", f"slider-{name}"))
        label = rect(driver, driver.find_element("css selector", f"label[for='number-{name}']"))
        positions[name] = box
        assert inside(box, view) and inside(label, view), (name, box, view)
        assert box["bottom"] <= sidebar["bottom"] + 0.5, (name, box, sidebar)  # not hidden in the sidebar's scroll
    assert driver.execute_script("return document.querySelector('.sidebar').scrollTop") == 0
    first_line = driver.find_element("css selector", "#readout-operating > :first-child")
    assert first_line.text.strip()
    assert inside(rect(driver, first_line), view), rect(driver, first_line)
    assert inside(rect(driver, driver.find_element("id", "graph-spectra")), view)


@pytest.mark.parametrize("width, height", [(800, 1000), (390, 844)])
def test_the_spectra_stay_on_screen_while_a_slider_moves(driver, sized, base_url, width, height):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    sized(width, height)
    open_dashboard(driver, base_url)
    graph = driver.find_element("id", "graph-spectra")
    for name in ("chi", "n_avg"):  # the first and the last of the main sliders
        thumb = driver.find_element("css selector", f"#slider-{name} [role='slider']")
        # focus it and scroll it into view as a reader would (the scroll keeps clear of the sticky plot)
        driver.execute_script("arguments[0].focus(); arguments[0].scrollIntoView({block: 'nearest'})", thumb)
        time.sleep(0.3)
        view = viewport(driver)
        assert inside(rect(driver, graph), view), (name, rect(driver, graph), view)
        thumb_box = rect(driver, thumb)
        assert inside(thumb_box, view), (name, thumb_box)
        # the focused slider is not under the sticky plot
        card = rect(driver, driver.find_element("css selector", ".panel-spectra"))
        assert thumb_box["top"] >= card["bottom"] or thumb_box["bottom"] <= card["top"], (thumb_box, card)
        thumb.send_keys(Keys.ARROW_RIGHT)
        assert inside(rect(driver, graph), view)
    # a real drag of chi: the plot is on screen during the drag and follows it
    thumb = driver.find_element("css selector", "#slider-chi [role='slider']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumb)
    time.sleep(0.3)
    title = "return document.querySelector('#graph-spectra .js-plotly-plot').data.map(t => t.y && t.y.bdata).join()"
    before = driver.execute_script(title)
    actions = ActionChains(driver)
    actions.click_and_hold(thumb).move_by_offset(-40, 0).perform()
    try:
        wait_for(lambda: driver.execute_script(title) != before, what="the spectra to follow the drag")
        assert inside(rect(driver, graph), viewport(driver))
    finally:
        ActionChains(driver).release().perform()


def test_keyboard_reaches_every_control_with_a_visible_focus(driver, sized, base_url):
    from selenium.webdriver.common.keys import Keys

    sized(1440, 900)
    open_dashboard(driver, base_url)
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    body = driver.find_element("tag name", "body")
    from components.panels import OPERATING_PANELS, PANEL_TABS

    wanted = ({f"slider:slider-{n}" for n in fields.MAIN_FIELDS} | {f"id:number-{n}" for n in fields.MAIN_FIELDS}
              | {f"id:tab-{tab.value}" for tab in PANEL_TABS}
              | {"id:tab-main-parameters", "id:tab-advanced-parameters"}
              | {f"id:csv-{panel}" for panel in OPERATING_PANELS}
              | {"view:dashboard", "id:copy-link", "id:preset", "id:reset", "id:download-all"})
    seen: list[str] = []
    rings: dict[str, dict] = {}
    body.send_keys(Keys.TAB)
    for _ in range(160):
        focused = driver.execute_script(FOCUSED)
        if focused:
            key = (f"slider:{focused['slider']}" if focused["slider"] else
                   f"view:{focused['view']}" if focused["view"] else f"id:{focused['id']}")
            seen.append(key)
            if key in wanted and key not in rings:
                rings[key] = driver.execute_script(FOCUS_RING)
            if wanted <= set(seen):
                break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert wanted - set(seen) == set(), seen
    for key, ring in rings.items():
        visible = (ring["outline"] != "none" and ring["outlineWidth"] >= 2) or ring["shadow"] != "none"
        assert visible and ring["focusVisible"], (key, ring)
    # the order follows the page: view switch, then the controls column, then the figure tabs
    order = [seen.index(k) for k in ("view:dashboard", "id:copy-link", "slider:slider-chi", "slider:slider-n_avg",
                                     "id:tab-phase", "id:tab-dynamics")]
    assert order == sorted(order), seen


def test_figure_tabs_and_copy_link_work_from_the_keyboard(driver, sized, base_url):
    from selenium.webdriver.common.keys import Keys

    sized(1440, 900)
    open_dashboard(driver, base_url)
    tabs = driver.find_element("id", "panel-tabs")
    assert tabs.get_attribute("role") == "tablist"
    phase = driver.find_element("id", "tab-phase")
    assert (phase.get_attribute("role"), phase.get_attribute("aria-selected"), phase.get_attribute("tabindex")) == (
        "tab", "true", "0")
    driver.execute_script("arguments[0].focus()", phase)
    phase.send_keys(Keys.ARROW_RIGHT)
    assert driver.switch_to.active_element.get_attribute("id") == "tab-cuts"
    assert "tab--selected" in phase.get_attribute("class")  # arrows move the focus, Enter opens
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(lambda: "#cuts" in driver.current_url, what="the cuts tab")
    cuts = driver.find_element("id", "tab-cuts")
    wait_for(lambda: cuts.get_attribute("aria-selected") == "true", what="aria-selected to follow")
    wait_for(lambda: driver.find_elements("id", "graph-cut_nth_chi"), what="the cuts drawn")
    cuts.send_keys(Keys.END)
    assert driver.switch_to.active_element.get_attribute("id") == "tab-dynamics"
    driver.switch_to.active_element.send_keys(Keys.SPACE)
    wait_for(lambda: "#dynamics" in driver.current_url, what="the dynamics tab by Space")
    driver.switch_to.active_element.send_keys(Keys.HOME)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(lambda: "#phase" in driver.current_url, what="back to the phase tab")
    # Copy link: a focusable button; Enter copies the current link
    driver.execute_script("""
        window.__copied = [];
        const remember = t => { window.__copied.push(String(t)); return Promise.resolve(); };
        navigator.clipboard.writeText = remember;
        navigator.clipboard.write = items => { window.__copied.push('item'); return Promise.resolve(); };""")
    copy = driver.find_element("id", "copy-link")
    assert (copy.get_attribute("role"), copy.get_attribute("tabindex")) == ("button", "0")
    driver.execute_script("arguments[0].focus()", copy)
    copy.send_keys(Keys.ENTER)
    copied = wait_for(lambda: driver.execute_script("return window.__copied.length ? window.__copied : null"),
                      what="the link copied")
    assert any(text.startswith(base_url) or text == "item" for text in copied), copied
    assert severe_logs(driver) == []


def test_sliders_are_named_and_announce_real_values(driver, sized, base_url):
    from selenium.webdriver.common.keys import Keys

    sized(1440, 900)
    open_dashboard(driver, base_url, "?eta=0.3&stokes_mev=25")
    for name in fields.MAIN_FIELDS:
        thumb = driver.find_element("css selector", f"#slider-{name} [role='slider']")
        assert thumb.get_attribute("aria-label") == fields.label(name)
        text = thumb.get_attribute("aria-valuetext")
        assert text.startswith(f"{fields.symbol(name)} = ") and text.endswith(fields.unit(name)), text
    eta = driver.find_element("css selector", "#slider-eta [role='slider']")
    assert math.isclose(float(eta.get_attribute("aria-valuenow")), math.log10(0.3), abs_tol=0.006)
    assert eta.get_attribute("aria-valuetext") in ("η = 0.302", "η = 0.3")  # the value, not its log10 (−0.52)
    stokes = driver.find_element("css selector", "#slider-stokes_mev [role='slider']")
    assert stokes.get_attribute("aria-valuetext") == "Δ_SS = 25 meV"
    driver.execute_script("arguments[0].focus()", eta)
    for _ in range(5):
        eta.send_keys(Keys.ARROW_LEFT)
    wait_for(lambda: eta.get_attribute("aria-valuenow") != str(round(math.log10(0.3), 2)), what="the slider to move")

    def follows() -> bool:
        position = float(eta.get_attribute("aria-valuenow"))
        shown = re.fullmatch(r"η = ([0-9.]+)", eta.get_attribute("aria-valuetext") or "")
        return bool(shown) and math.isclose(float(shown.group(1)), 10 ** position, rel_tol=0.006)

    wait_for(follows, what="aria-valuetext to follow the slider in real units")
    xx = driver.find_element("css selector", "#slider-xx_binding_mev [role='slider']")
    driver.execute_script("arguments[0].focus()", xx)
    xx.send_keys(Keys.HOME)
    wait_for(lambda: xx.get_attribute("aria-valuetext") == "Δ_XX = −150 meV", what="a negative value with a minus")


def test_page_language_and_rendered_labels(driver, sized, base_url):
    sized(1440, 900)
    open_dashboard(driver, base_url)
    assert driver.execute_script("return document.documentElement.lang") == "en"

    def label_texts() -> list[tuple[str, int, int]]:
        return driver.execute_script("""
            return [...document.querySelectorAll('.control label, #map-hold label, .bool-input label')]
                .map(l => [l.innerText, l.querySelectorAll('sub').length, l.querySelectorAll('sup').length]);""")

    main = label_texts()
    assert len(main) >= len(fields.MAIN_FIELDS)
    for text, _, _ in main:
        assert "_" not in text and "^" not in text, text
    chi = driver.find_element("css selector", "label[for='number-chi']")
    assert chi.get_attribute("innerHTML") == "Biexciton proximity χ = Δ<sub>XX</sub><sup>A</sup>/Δ<sub>SS</sub>"
    n_doped = driver.find_element("css selector", "label[for='number-n_doped']")
    assert n_doped.get_attribute("innerHTML") == "Doping ⟨n<sub>1S(e)</sub>⟩"
    assert sum(subs for _, subs, _ in main) >= 6
    driver.find_element("id", "tab-advanced-parameters").click()
    wait_for(lambda: driver.find_elements("id", "map-points"), what="the advanced controls")
    advanced = label_texts()
    assert len(advanced) > 30
    for text, _, _ in advanced:
        assert "_" not in text and "^" not in text, text
    assert sum(subs for _, subs, _ in advanced) >= 15
    driver.find_element("id", "tab-main-parameters").click()


@pytest.mark.parametrize("width, height", SIZES)
def test_slider_marks_are_round_and_never_clipped(driver, sized, base_url, width, height):
    sized(width, height)
    open_dashboard(driver, base_url)
    assert driver.execute_script(MARKS_INSIDE) == []
    for name in fields.MAIN_FIELDS:
        shown = [m.text for m in driver.find_elements("css selector", f"#slider-{name} .dash-slider-mark")]
        assert shown == list(fields.slider_marks(name).values()), (name, shown)
    ends = driver.find_elements("css selector", "#slider-xx_binding_mev .dash-slider-mark")
    assert (ends[0].text, ends[-1].text) == ("−150", "150")


def test_the_spectra_open_on_the_lines_and_autoscale_shows_the_grid(driver, sized, base_url):
    sized(1440, 900)
    open_dashboard(driver, base_url)
    ranges = """
        const plot = document.querySelector('#graph-spectra .js-plotly-plot');
        const x = Array.from(plot.data[0].x._inputArray || plot.data[0].x);
        return [plot._fullLayout.xaxis.range, [x[0], x[x.length - 1]]];"""
    (low, high), (first, last) = driver.execute_script(ranges)
    assert first < low < high < last and high - low < 0.6 * (last - first)
    driver.execute_script("document.querySelector('#graph-spectra .modebar-btn[data-title=\"Autoscale\"]').click()")
    wait_for(lambda: driver.execute_script(ranges)[0][1] - driver.execute_script(ranges)[0][0] > 0.95 * (last - first),
             what="the whole grid after Autoscale")

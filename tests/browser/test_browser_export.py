"""Export in headless Chromium: no share/cloud button, the card's PNG and SVG at the chosen export size, the
camera's PNG and its toast clear of the card buttons, Download all's zip with the images the server checked.

The app runs in this process on a free 127.0.0.1 port (tests/support/page.py); the browser is
Debian's chromium driven through selenium. Without chromium these tests skip with the reason
(fail with QDGAIN_REQUIRE_SERVICES=1, as in CI): tests/conftest.py.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import time
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import pytest

from components.export import png_problem, svg_problem
from components.figures.common import EXPORT_STYLES
from tests.support.page import open_page, serve_app, severe_logs, traces
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
MODEBAR = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
    graph: gd.closest('[id]').id,
    titles: Array.from(gd.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title') || ''),
    sendToCloud: gd._context.showSendToCloud, editInChartStudio: gd._context.showEditInChartStudio,
    serverURL: gd._context.plotlyServerURL,
}));
"""
RECTS = """
const box = e => { const r = e.getBoundingClientRect();
                   return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width}; };
return {notes: Array.from(document.querySelectorAll('.plotly-notifier .notifier-note')).map(box),
        buttons: Array.from(document.querySelectorAll('.card-actions .button'))
            .filter(b => b.offsetParent !== null).map(box)};
"""


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


def downloaded(driver, name: str, before: set[Path]) -> Path:
    """The file called ``name`` (or Chrome's "name (1)") that appeared since ``before``, once complete."""
    stem, suffix = name.rsplit(".", 1)
    pattern = re.compile(rf"{re.escape(stem)}( \(\d+\))?\.{suffix}$")

    def new_file():
        files = [p for p in Path(driver.download_dir).iterdir()
                 if p not in before and pattern.match(p.name) and p.stat().st_size > 0]
        return max(files, key=lambda p: p.stat().st_mtime) if files else None

    path = wait_for(new_file, what=f"the download {name}")
    wait_for(lambda: not list(Path(driver.download_dir).glob("*.crdownload")), what="the download to finish")
    return path


def existing(driver) -> set[Path]:
    return set(Path(driver.download_dir).iterdir())


def choose(driver, radio_group: str, value: str) -> None:
    """Open "Export options", pick ``value`` in ``radio_group`` and close the options again (Escape)."""
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element("css selector", "details.export-options")
    if not box.get_attribute("open"):
        box.find_element("tag name", "summary").click()
    radio = driver.find_element("css selector", f"#{radio_group} input[value='{value}']")
    radio.click()
    wait_for(radio.is_selected, what=f"{radio_group} = {value}")
    radio.send_keys(Keys.ESCAPE)
    wait_for(lambda: not box.get_attribute("open"), what="the export options to close")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", data[:16]
    return struct.unpack(">II", data[16:24])


def test_no_modebar_button_sends_a_chart_anywhere(driver, base_url):
    open_page(driver, base_url + "/")
    graphs = driver.execute_script(MODEBAR)
    assert {g["graph"] for g in graphs} >= {"graph-spectra", "graph-phase_nth", "graph-phase_sigma"}
    for graph in graphs:
        assert {"Download PNG", "Download SVG"} <= {t.split(" (")[0] for t in graph["titles"]}, graph
        assert "Download plot as a PNG" not in graph["titles"], graph  # plotly's camera is replaced
        assert not [t for t in graph["titles"] if re.search(r"share|cloud|studio|edit|send", t, re.I)], graph
        # plotly.js 3+ knows no showEditInChartStudio (None); its "Share chart" follows showSendToCloud
        assert graph["sendToCloud"] is False and not graph["editInChartStudio"] and not graph["serverURL"]
    assert driver.find_elements("css selector", ".modebar-btn[data-title^='Share']") == []


@pytest.mark.parametrize("style", ["single", "slide", "double"])
def test_card_buttons_save_png_and_svg_at_the_export_size(driver, base_url, style):
    if base_url not in driver.current_url:
        open_page(driver, base_url + "/")
    look = EXPORT_STYLES[style]
    choose(driver, "export-style", style)
    before = existing(driver)
    driver.find_element("id", "png-spectra").click()
    png = downloaded(driver, f"qdgain_spectra_{style}.png", before).read_bytes()
    assert png_size(png) == look.png_size
    assert png_problem(png, look.png_size) is None  # the zip's check takes what the page makes
    before = existing(driver)
    driver.find_element("id", "svg-spectra").click()
    text = downloaded(driver, f"qdgain_spectra_{style}.svg", before).read_text()
    root = ElementTree.fromstring(text)
    assert root.tag == SVG_ROOT
    assert root.get("viewBox") == f"0 0 {look.width} {look.height}"
    if look.px_per_inch:
        assert root.get("width") == f"{look.width / look.px_per_inch:g}in", root.attrib
    else:
        assert root.get("width") == str(look.width)
    assert "Net OD_NL" in text and svg_problem(text) is None
    assert severe_logs(driver) == []


def test_the_toolbar_saves_png_and_svg_at_the_export_size_and_toasts_keep_clear_of_the_card_buttons(driver,
                                                                                                   base_url):
    from selenium.webdriver.common.action_chains import ActionChains

    for width, height in ((1400, 1000), (390, 844)):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        try:
            open_page(driver, base_url + "/")
            choose(driver, "export-style", "single")
            graph = driver.find_element("id", "graph-spectra")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", graph)
            for fmt in ("png", "svg"):
                before = existing(driver)
                ActionChains(driver).move_to_element(graph).perform()
                button = driver.find_element(
                    "css selector", f"#graph-spectra .modebar-btn[data-title^='Download {fmt.upper()}']")
                wait_for(button.is_displayed, what="the modebar")
                ActionChains(driver).move_to_element(button).click().perform()
                path = downloaded(driver, f"qdgain_spectra_single.{fmt}", before)
                if fmt == "png":
                    assert png_size(path.read_bytes()) == EXPORT_STYLES["single"].png_size
                else:
                    assert ElementTree.fromstring(path.read_bytes()).tag.endswith("svg")
            # any toast plotly shows (its notifier; the page's buttons raise none) covers no card button
            rects = driver.execute_script(RECTS)
            assert rects["buttons"], rects
            for note in rects["notes"]:
                for card_button in rects["buttons"]:
                    apart = (note["right"] <= card_button["left"] or card_button["right"] <= note["left"]
                             or note["bottom"] <= card_button["top"] or card_button["bottom"] <= note["top"])
                    assert apart, (width, note, card_button)
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert severe_logs(driver) == []


def test_download_all_holds_the_drawn_panels_as_checked_images(driver, base_url):
    open_page(driver, base_url + "/")
    choose(driver, "export-style", "double")
    choose(driver, "csv-layout", "wide")
    before = existing(driver)
    driver.find_element("id", "csv-spectra").click()
    wide = downloaded(driver, "qdgain_spectra_wide.csv", before).read_text()
    header = next(csv.reader(io.StringIO("\n".join(line for line in wide.splitlines() if not line.startswith("#")))))
    assert header[0] == "Photon energy E (meV)" and len(header) == 7
    before = existing(driver)
    started = time.monotonic()
    driver.find_element("id", "download-all").click()
    archive = zipfile.ZipFile(downloaded(driver, "qdgain_export.zip", before))
    assert time.monotonic() - started < 60
    names = set(archive.namelist())
    drawn = ("spectra", "phase_nth", "phase_sigma")  # the spectra and the open tab (phase diagram)
    size = EXPORT_STYLES["double"].png_size
    for panel in drawn:
        png = archive.read(f"images/qdgain_{panel}_double.png")
        assert png_size(png) == size
        assert ElementTree.fromstring(archive.read(f"images/qdgain_{panel}_double.svg")).tag == SVG_ROOT
    assert {name for name in names if name.startswith("images/")} == {
        f"images/qdgain_{panel}_double.{fmt}" for panel in drawn for fmt in ("png", "svg")}
    assert {"README.md", "parameters.json", "qdgain_spectra.csv", "qdgain_spectra_wide.csv"} <= names
    readme = archive.read("README.md").decode()
    assert "* included: `images/qdgain_spectra_double.png`" in readme
    assert "not included, its graph was not drawn on the page" in readme and "qdgain_ase_output_double.png" in readme
    assert "rejected" not in readme
    assert severe_logs(driver) == []


def test_download_all_from_another_tab_takes_that_tab(driver, base_url):
    driver.get(base_url + "/#cuts")
    wait_for(lambda: all(len(traces(driver, p) or []) >= 3 for p in ("spectra", "cut_nth_chi", "cut_nth_eta",
                                                                     "cut_ratio_chi", "cut_ratio_eta")),
             what="the cuts")
    choose(driver, "export-style", "slide")
    before = existing(driver)
    driver.find_element("id", "download-all").click()
    archive = zipfile.ZipFile(downloaded(driver, "qdgain_export.zip", before))
    images = {name for name in archive.namelist() if name.startswith("images/")}
    assert {f"images/qdgain_{p}_slide.png" for p in ("spectra", "cut_nth_chi", "cut_nth_eta", "cut_ratio_chi",
                                                      "cut_ratio_eta")} <= images
    assert not any("phase_" in name for name in images)
    assert severe_logs(driver) == []

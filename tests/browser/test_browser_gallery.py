"""The Paper figures view in headless Chromium: every card draws without console errors, and each card's link
opens the dashboard in that figure's state with the paper's values drawn over its panel."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from components.panels import TAB_OF_PANEL
from qdgain_core import PRESETS
from qdgain_core.paper_figures import FIGURES
from tests.support.page import serve_app, severe_logs, traces
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

THUMBNAILS_DRAWN = """
const graphs = [...document.querySelectorAll('.gallery-thumbnail')];
return graphs.map(g => {
    const plot = g.querySelector('.js-plotly-plot');
    return plot && plot.data && plot.data.length > 0 && !plot.layout.annotations?.some(a => a.text === 'computing…');
});
"""
CARD_LINKS = """
return Object.fromEntries([...document.querySelectorAll('.gallery-card')].map(
    card => [card.id.replace('gallery-card-', ''), card.querySelector('a.gallery-open').getAttribute('href')]));
"""


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


@pytest.fixture(scope="module")
def card_links(driver, base_url) -> dict[str, str]:
    """Open the Paper figures view once: every thumbnail must draw, without console errors."""
    driver.get(base_url + "/#figures")
    wait_for(lambda: (drawn := driver.execute_script(THUMBNAILS_DRAWN)) and len(drawn) == len(FIGURES) and all(drawn),
             timeout_s=120, what="every gallery thumbnail")
    assert severe_logs(driver) == []
    return driver.execute_script(CARD_LINKS)


def test_every_card_renders_without_console_errors(card_links):
    assert sorted(card_links) == sorted(FIGURES)


@pytest.mark.parametrize("figure_id", list(FIGURES))
def test_a_card_link_restores_its_state(driver, base_url, card_links, figure_id):
    paper = FIGURES[figure_id]
    link = card_links[figure_id]
    driver.get(base_url + "/" + link)
    wait_for(lambda: driver.execute_script(
        "const b = document.getElementById('paper-figure-banner'); return b && !b.hidden && b.innerText;"),
        timeout_s=60, what=f"the banner of {figure_id}")
    banner = driver.execute_script("return document.getElementById('paper-figure-banner').innerText")
    assert paper.label in banner
    note_id = f"paper-note-{paper.panel}"
    wait_for(lambda: driver.execute_script(f"return document.getElementById('{note_id}').innerText"), timeout_s=60,
             what=f"the comparison under {paper.panel}")
    note = driver.execute_script(f"return document.getElementById('{note_id}').innerText")
    assert paper.label in note and "model" in note
    drawn = traces(driver, paper.panel) or []
    expected = len(paper.overlay_points())
    assert sum(str(t["name"]).startswith("paper:") for t in drawn) == expected
    assert driver.execute_script("return window.location.hash") == f"#{TAB_OF_PANEL[paper.panel]}"
    query = parse_qs(urlsplit(driver.current_url).query)
    assert query.get("figure") == [figure_id]
    assert query == parse_qs(urlsplit(link).query), "the committed state wrote back a different link"
    if paper.preset:
        label = driver.execute_script("return document.getElementById('preset').innerText")
        assert PRESETS[paper.preset].label[:20] in label
    assert severe_logs(driver) == []


def test_stop_comparing_keeps_the_parameters(driver, base_url, card_links):
    driver.get(base_url + "/" + card_links["002-fig5b"])
    wait_for(lambda: driver.execute_script("const b = document.getElementById('paper-figure-banner'); return !!b && !b.hidden"),
             timeout_s=60, what="the banner")
    driver.find_element("id", "paper-figure-clear").click()
    wait_for(lambda: "figure=" not in driver.current_url, timeout_s=30, what="the link without the figure")
    assert "preset=doped_film_002" in driver.current_url
    wait_for(lambda: driver.execute_script("return document.getElementById('paper-figure-banner').hidden"),
             timeout_s=10, what="the banner hidden")

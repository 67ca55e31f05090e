"""The Learn view in headless Chromium (issue 12, F1): every step's link opens the dashboard in its state with the
panel it talks about visible, drawn and highlighted; a hand-out link opens its step; Check grades a right and a
wrong answer; Prev/Next and "Back to the question" keep the place; glossary links open their entry; the teacher's
page lists the hand-out links; the "Start here" strip stays dismissed after a reload. No severe console logs."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from components.page.learn_view import LESSONS, START_N_AVG, step_link
from tests.support.page import serve_app, severe_logs
from tests.support.server_harness import wait_for

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STEPS = [pytest.param(lesson, number, id=f"{lesson.id}-{number}") for lesson in LESSONS
         for number in range(1, len(lesson.steps) + 1)]
PANEL_STATE = """
const graph = document.getElementById('graph-' + arguments[0]);
const card = graph && graph.closest('.card');
const plot = graph && graph.querySelector('.js-plotly-plot');
if (!card || !plot || !plot.data) { return null; }
const box = card.getBoundingClientRect();
return {visible: graph.offsetParent !== null && box.width > 0 && box.height > 0,
        inView: box.bottom > 0 && box.top < window.innerHeight,
        traces: plot.data.length,
        computing: (plot.layout.annotations || []).some(a => a.text === 'computing…'),
        focused: card.classList.contains('lesson-focus')};
"""


@pytest.fixture(scope="module")
def base_url():
    with serve_app() as url:
        yield url


def shot(driver, name: str, width: int, full: bool = True) -> None:
    """Screenshot from the top of the page at ``width`` into test-artifacts/ (the whole page, or the first screen)."""
    ARTIFACTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 1000)
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.5)
    height = driver.execute_script("return document.body.scrollHeight") if full else 1000
    driver.set_window_size(width, min(max(height, 800), 6000))
    time.sleep(0.5)
    driver.save_screenshot(str(ARTIFACTS / f"{name}-{width}.png"))
    driver.set_window_size(1440, 1000)


def text(driver, element_id: str) -> str:
    return driver.execute_script("const e = document.getElementById(arguments[0]); return e ? e.innerText : ''",
                                 element_id)


def hidden(driver, element_id: str) -> bool | None:
    """Whether the element is hidden (None while it is not on the page yet)."""
    return driver.execute_script("const e = document.getElementById(arguments[0]); return e ? e.hidden : null",
                                 element_id)


def shown_step(driver) -> str:
    """The open step's text ('' while none is shown)."""
    return text(driver, "learn-step")


def click(driver, selector: str) -> None:
    element = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)


def query_of(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


@pytest.mark.parametrize(("lesson", "number"), STEPS)
def test_every_step_opens_the_dashboard_on_its_panel(driver, base_url, lesson, number):
    step = lesson.steps[number - 1]
    driver.set_window_size(1440, 1000)
    driver.get(base_url + "/" + step_link(lesson, number))
    wait_for(lambda: (state := driver.execute_script(PANEL_STATE, step.panel)) and state["traces"] > 0
             and not state["computing"] and state["visible"] and state["focused"] and state["inView"],
             timeout_s=60, what=f"the panel {step.panel} drawn, visible and highlighted")
    wait_for(lambda: step.title in text(driver, "lesson-banner"), timeout_s=10, what="the lesson banner")
    assert hidden(driver, "lesson-banner") is False
    assert driver.execute_script("return window.location.hash") == f"#{step.tab}"
    assert query_of(driver)["lesson"] == [lesson.id] and query_of(driver)["step"] == [str(number)]
    assert severe_logs(driver) == []


def test_handout_link_next_dashboard_and_back_keep_the_place(driver, base_url):
    lesson = LESSONS[4]
    driver.get(f"{base_url}/?lesson={lesson.id}&step=3#learn")
    wait_for(lambda: f"Step 3 of {len(lesson.steps)}" in shown_step(driver), timeout_s=30, what="step 3")
    assert lesson.steps[2].title in shown_step(driver)
    shot(driver, "learn-step", 1440)
    shot(driver, "learn-step", 390, full=False)
    click(driver, ".learn-next")
    wait_for(lambda: lesson.steps[3].title in shown_step(driver), timeout_s=30, what="the next step")
    wait_for(lambda: query_of(driver).get("step") == ["4"], timeout_s=30, what="the step in the link")
    assert driver.execute_script("return window.location.hash") == "#learn"
    click(driver, ".learn-open")
    wait_for(lambda: lesson.steps[3].title in text(driver, "lesson-banner"), timeout_s=60, what="the banner")
    wait_for(lambda: (driver.execute_script(PANEL_STATE, lesson.steps[3].panel) or {}).get("focused"),
             timeout_s=60, what="the step's panel highlighted")
    shot(driver, "learn-dashboard-banner", 1440, full=False)
    shot(driver, "learn-dashboard-banner", 390, full=False)
    click(driver, ".lesson-banner-back")
    wait_for(lambda: lesson.steps[3].title in shown_step(driver), timeout_s=30, what="back at the question")
    click(driver, ".learn-list")
    wait_for(lambda: driver.execute_script("return document.querySelectorAll('.learn-card').length") == len(LESSONS),
             timeout_s=30, what="the overview")
    wait_for(lambda: "lesson" not in query_of(driver), timeout_s=30, what="the lesson out of the link")
    shot(driver, "learn-overview", 1440)
    assert severe_logs(driver) == []


def answer_and_check(driver, answer) -> str:
    """Type a number (float) or pick a choice (int) like a student, press Check and read the verdict (each call
    must give a verdict other than the one shown)."""
    if isinstance(answer, float):
        box = driver.find_element(By.ID, "learn-answer")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.BACKSPACE)
        box.send_keys(repr(answer))
    else:
        click(driver, f"#learn-answer label:nth-of-type({answer + 1}) input")
    before = text(driver, "learn-feedback")
    driver.find_element(By.ID, "learn-check").click()  # a real click: the number box commits as it loses focus
    wait_for(lambda: (now := text(driver, "learn-feedback")) != before and now.startswith(("✓", "✗")), timeout_s=30,
             what="a new verdict")
    return text(driver, "learn-feedback")


def test_check_grades_a_right_and_a_wrong_answer(driver, base_url):
    lesson = LESSONS[0]
    number_step = next(k for k, step in enumerate(lesson.steps, 1) if step.question.kind == "number")
    step = lesson.steps[number_step - 1]
    driver.get(f"{base_url}/?lesson={lesson.id}&step={number_step}#learn")
    wait_for(lambda: step.title in shown_step(driver), timeout_s=30, what="the number step")
    assert answer_and_check(driver, step.question.answer + 10 * step.tolerance.value).startswith("✗")
    assert answer_and_check(driver, float(step.question.answer)).startswith("✓ Right")
    choice_step = next(k for k, step in enumerate(lesson.steps, 1) if step.question.kind == "choice")
    step = lesson.steps[choice_step - 1]
    click(driver, f".learn-dot:nth-of-type({choice_step})")
    wait_for(lambda: step.title in shown_step(driver), timeout_s=30, what="the choice step")
    right = int(step.question.answer)
    assert answer_and_check(driver, (right + 1) % len(step.question.choices)).startswith("✗")
    assert answer_and_check(driver, right).startswith("✓ Right")
    click(driver, ".learn-answer summary")
    assert step.why[:40] in text(driver, "learn-step")
    shot(driver, "learn-checked", 1440)
    assert severe_logs(driver) == []


def test_a_slider_label_opens_its_glossary_entry(driver, base_url):
    driver.get(base_url + "/?chi=0.8")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "a.glossary-link[href='#glossary-eta']"), timeout_s=30,
             what="the slider labels")
    click(driver, "a.glossary-link[href='#glossary-eta']")
    wait_for(lambda: driver.execute_script(
        "const e = document.getElementById('glossary-eta'); if (!e) return false; const r = e.getBoundingClientRect();"
        "return e.classList.contains('glossary-flash') && r.top >= 0 && r.bottom <= window.innerHeight"),
        timeout_s=30, what="the glossary entry in view")
    assert "η" in text(driver, "glossary-eta")
    assert severe_logs(driver) == []


def test_teacher_page_lists_a_handout_link_per_lesson(driver, base_url):
    driver.get(base_url + "/#teach")
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "a.handout-link")) == len(LESSONS), timeout_s=30,
             what="the hand-out links")
    assert LESSONS[0].discussion[0][:40] in text(driver, "learn-view")
    shot(driver, "learn-teacher", 1440)
    click(driver, "a.handout-link")
    wait_for(lambda: LESSONS[0].steps[0].title in shown_step(driver), timeout_s=30, what="lesson 1 from its link")
    assert severe_logs(driver) == []


def test_start_here_is_dismissed_for_good(driver, base_url):
    driver.get(base_url + "/")
    driver.execute_script("window.localStorage.clear()")
    driver.get(base_url + "/")
    wait_for(lambda: hidden(driver, "start-here") is False,
             timeout_s=30, what="the strip on a first visit")
    shot(driver, "learn-start-here", 1440, full=False)
    shot(driver, "learn-start-here", 390, full=False)
    click(driver, "#start-here-raise")
    wait_for(lambda: query_of(driver).get("n_avg") == [repr(START_N_AVG)], timeout_s=30, what="<N> = 1 committed")
    click(driver, "#start-here-close")
    wait_for(lambda: hidden(driver, "start-here"), timeout_s=10,
             what="the strip dismissed")
    driver.get(base_url + "/")
    time.sleep(3)
    assert hidden(driver, "start-here") is True
    driver.execute_script("window.localStorage.clear()")
    driver.get(base_url + "/?chi=0.7")
    time.sleep(3)
    assert hidden(driver, "start-here") is True, \
        "a link with a state shows no strip"
    assert severe_logs(driver) == []

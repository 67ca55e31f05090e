"""The Learn view without a browser (issue 12, F1): its content follows the lesson store, a step shows what the
lesson file says and links to its state with the lesson kept, answers are graded by the file, navigation writes
the lesson store, the teacher's page has every hand-out link, and every glossary link (slider labels, lesson
texts) has its anchor."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from dash import dcc, html

from components import glossary
from components.callbacks import learn
from components.fields import MAIN_FIELDS
from components.ids import ID
from components.page.controls import main_control
from components.page.layout import LEARN_TAB, build_layout, tab_names
from components.page.learn_view import (
    LESSONS,
    START_N_AVG,
    TEACH_HASH,
    glossary_section,
    learn_view,
    lesson_summary,
    step_link,
    teacher_page,
)
from components.state import default_state
from components.url_state import parse_query
from qdgain_core.observables import has_gain

STEPS = [pytest.param(lesson, number, id=f"{lesson.id}-{number}") for lesson in LESSONS
         for number in range(1, len(lesson.steps) + 1)]


def walk(component: Any):
    """Every component under ``component`` (itself included)."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from walk(child)


def text_of(component: Any) -> str:
    """All the text under ``component``."""
    parts = []
    for node in walk(component):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if isinstance(child, (str, int, float)):
                parts.append(str(child))
        if isinstance(node, dcc.Markdown):
            parts.append(str(node.children))
    return "".join(parts)


def ids_in(component: Any) -> list[Any]:
    return [getattr(node, "id", None) for node in walk(component) if getattr(node, "id", None) is not None]


def hrefs_in(component: Any) -> list[str]:
    return [node.href for node in walk(component) if isinstance(node, html.A)]


@pytest.fixture
def in_callback(monkeypatch):
    """Runs a callback body with ``dash.ctx`` giving ``triggered_id`` and ``triggered``."""
    def use(triggered_id: Any, value: Any = 1) -> None:
        context = SimpleNamespace(triggered_id=triggered_id, triggered=[{"prop_id": "x.n_clicks", "value": value}])
        monkeypatch.setattr(learn.dash, "ctx", context)
    return use


@pytest.mark.parametrize(("lesson", "number"), STEPS)
def test_a_step_shows_its_file_and_links_to_its_state_with_the_lesson_kept(lesson, number):
    step = lesson.steps[number - 1]
    view = learn_view(LESSONS, lesson.id, number)
    shown = text_of(view)
    for part in (step.title, step.question.prompt, step.equation, step.question.answer_text()):
        assert part in shown
    assert all(point not in shown for point in lesson.discussion), "discussion points are for the teacher only"
    assert f"Step {number} of {len(lesson.steps)}" in shown
    link = step_link(lesson, number)
    assert link in hrefs_in(view)
    query, _, tab = link.partition("#")
    assert tab == step.tab
    state, notices = parse_query(query)
    assert notices == [] and (state.view.lesson, state.view.step) == (lesson.id, number)
    assert state.params == step.app_state().params, "the link opens the step's state"
    answer = next(node for node in walk(view) if getattr(node, "id", None) == ID.LEARN_ANSWER)
    assert isinstance(answer, dcc.RadioItems if step.question.kind == "choice" else dcc.Input)
    if step.question.kind == "number":
        assert step.question.unit in shown


def test_content_follows_the_view_the_mode_and_the_lesson_store(in_callback):
    in_callback(ID.LESSON_STORE)
    overview = learn.learn_content(LEARN_TAB, "learn", {"lesson": None, "step": None})
    assert all(lesson.title in text_of(overview) for lesson in LESSONS)
    second = LESSONS[1]
    opened = learn.learn_content(LEARN_TAB, "learn", {"lesson": second.id, "step": 3})
    assert second.steps[2].title in text_of(opened) and "Step 3 of" in text_of(opened)
    no_step = learn.learn_content(LEARN_TAB, "learn", {"lesson": second.id, "step": None})
    assert second.steps[0].title in text_of(no_step), "a hand-out link without a step opens step 1"
    teacher = learn.learn_content(LEARN_TAB, TEACH_HASH, {"lesson": None, "step": None})
    assert "For teachers" in text_of(teacher)
    with pytest.raises(learn.PreventUpdate):
        learn.learn_content("dashboard", "learn", {"lesson": second.id, "step": 1})
    in_callback(ID.VIEW)
    assert learn.learn_content("dashboard", "learn", None) is None, "leaving the view removes its content"


def test_navigation_writes_the_lesson_store(in_callback):
    lesson = LESSONS[2]
    in_callback({"type": "learn-go", "to": f"{lesson.id}:4", "via": "next"})
    assert learn.navigate([1]) == {"lesson": lesson.id, "step": 4}
    in_callback({"type": "learn-go", "to": "", "via": "list"})
    assert learn.navigate([1]) == {"lesson": None, "step": None}
    in_callback({"type": "learn-go", "to": f"{lesson.id}:2", "via": "dot"}, value=0)
    with pytest.raises(learn.PreventUpdate):
        learn.navigate([0])  # a new step's buttons mounting are no click


def test_the_buttons_of_a_step_lead_where_they_say():
    lesson = LESSONS[0]
    targets = {(node.id["via"], node.id["to"]) for node in walk(learn_view(LESSONS, lesson.id, 2))
               if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == "learn-go"}
    assert ("prev", f"{lesson.id}:1") in targets and ("next", f"{lesson.id}:3") in targets
    assert ("list", "") in targets
    assert {to for via, to in targets if via == "dot"} == {f"{lesson.id}:{k}" for k in range(1, len(lesson.steps) + 1)}
    last = {(node.id["via"], node.id["to"]) for node in walk(learn_view(LESSONS, lesson.id, len(lesson.steps)))
            if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == "learn-go"}
    assert ("next", f"{LESSONS[1].id}:1") in last, "the last step leads to the next lesson"
    ids = [repr(i) for i in ids_in(learn_view(LESSONS, lesson.id, 2))]
    assert len(ids) == len(set(ids)), "no id twice on one page"


@pytest.mark.parametrize(("lesson", "number"), STEPS)
def test_check_grades_by_the_file(lesson, number):
    step = lesson.steps[number - 1]
    store = {"lesson": lesson.id, "step": number}
    if step.question.kind == "choice":
        right, wrong = int(step.question.answer), (int(step.question.answer) + 1) % len(step.question.choices)
    else:
        right = step.question.answer
        wrong = step.question.answer + 3 * (step.tolerance.value * (abs(right) if step.tolerance.kind == "relative"
                                                                    else 1.0)) + 1.0
    assert learn.check(1, right, store).className == "learn-right"
    assert learn.check(1, wrong, store).className == "learn-wrong"
    assert learn.check(1, None, store).className == "learn-hint"
    with pytest.raises(learn.PreventUpdate):
        learn.check(0, right, store)


def test_teacher_page_has_goals_answers_discussion_and_one_handout_link_per_lesson():
    page = teacher_page(LESSONS)
    shown = text_of(page).replace("\\[", "[").replace("\\]", "]")  # the guide's citations are escaped Markdown
    links = hrefs_in(page)
    for lesson in LESSONS:
        assert lesson.handout_link in links
        assert all(goal in shown for goal in lesson.goals)
        assert all(point in shown for point in lesson.discussion)
        assert all(step.why in shown for step in lesson.steps)


def test_every_glossary_link_has_its_anchor():
    anchors = {node.id for node in walk(glossary_section()) if isinstance(getattr(node, "id", None), str)}
    assert {glossary.anchor(term.slug) for term in glossary.TERMS} <= anchors
    linked = set()
    for lesson in LESSONS:
        for number in range(1, len(lesson.steps) + 1):
            linked |= {href for href in hrefs_in(learn_view(LESSONS, lesson.id, number))
                       if href.startswith("#glossary-")}
    sliders = {href for name in MAIN_FIELDS for href in hrefs_in(main_control(name, 1.0))}
    assert len(sliders) == len(MAIN_FIELDS), "each of the six main sliders links to its own term"
    assert len(linked) >= 10, f"lesson texts link only {sorted(linked)}"
    assert {href.removeprefix("#") for href in linked | sliders} <= anchors


def test_glossary_links_the_first_mention_only():
    pieces = glossary.linked_pieces("ESA and ESA again; the Stokes shift Δ_SS and χ")
    links = [piece for piece in pieces if isinstance(piece, tuple)]
    assert links == [("ESA", "esa"), ("Stokes shift", "stokes-shift"), ("χ", "chi")]
    assert "".join(p if isinstance(p, str) else p[0] for p in pieces) == \
        "ESA and ESA again; the Stokes shift Δ_SS and χ"


def test_the_page_mounts_the_view_the_strips_and_the_summary():
    page = build_layout()
    found = ids_in(page)
    for component_id in (ID.LEARN_VIEW, ID.LEARN_MODE, ID.LESSON_SUMMARY, ID.START_HERE, ID.START_HERE_CLOSE,
                         ID.START_HERE_RAISE, ID.LESSON_BANNER):
        assert component_id in found
    assert ID.LEARN_ANSWER not in found, "the Learn view's content is created only while it is open"
    names = tab_names()
    assert (names["learn"], names["teach"], names["glossary"]) == (LEARN_TAB, TEACH_HASH, "glossary-")
    summary = lesson_summary()
    assert list(summary) == [lesson.id for lesson in LESSONS]
    first = summary[LESSONS[0].id]["steps"][0]
    assert first["link"] == step_link(LESSONS[0], 1) and first["panel"] == LESSONS[0].steps[0].panel
    start = next(node for node in walk(page) if getattr(node, "id", None) == ID.START_HERE)
    assert LESSONS[0].handout_link in hrefs_in(start) and "#phase" in hrefs_in(start)
    assert parse_qs(urlsplit(LESSONS[0].handout_link).query) == {"lesson": [LESSONS[0].id]}



def test_the_first_move_starts_below_the_threshold():
    """"Raise ⟨N⟩ until the black net line dips below zero": at the move's ⟨N⟩ the built-in dots have no net gain
    anywhere (the peak criterion: what the eye sees on the spectra), at ⟨N⟩ = 4 they have."""
    params = default_state().params
    assert not has_gain(dataclasses.replace(params, n_avg=START_N_AVG), "peak")
    assert has_gain(dataclasses.replace(params, n_avg=4.0), "peak")

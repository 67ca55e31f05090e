"""The Learn view: its content while open, moving between lessons and steps, grading an answer, and the
browser-side parts (the teacher's page mode, the "Start here" strip, the lesson banner on the dashboard).

* ``learn_content``: the lessons (or the teacher's page, ``#teach``) while the view is open, nothing
  otherwise. The open lesson and step are the state's (``ID.LESSON_STORE``: written from the URL by
  ``commit.apply_state``, so a hand-out link ``?lesson=<id>&step=<k>#learn`` opens that step).
* ``navigate``: a step dot, Previous/Next, a lesson's start button or "All lessons" writes the
  lesson store; the commit path puts it in the URL (a history entry, so Back goes to the step before).
* ``check``: grades the answer with ``lesson_book.is_correct`` (never the core: that is the tests' job).
* browser-side (assets/clientside.js ``qdgain_learn``): ``learnMode`` (``#teach`` or the lessons),
  ``startHere`` (shown on a first visit without a state in the link, dismissed for good with ×, kept in
  localStorage) and ``lessonBanner`` (on the dashboard: which lesson step is open, the panel it talks
  about highlighted and scrolled to, and a link back to the question).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, html
from dash.exceptions import PreventUpdate

from components import ids
from components.callbacks.guard import guarded
from components.ids import ID
from components.lesson_book import Lesson, Step, is_correct
from components.page.layout import LEARN_TAB
from components.page.learn_view import LESSONS, TEACH_HASH, learn_view, teacher_page

LESSON_BY_ID = {lesson.id: lesson for lesson in LESSONS}
NAMESPACE = "qdgain_learn"


def open_step(store: Any) -> tuple[Lesson, int] | None:
    """The lesson and 1-based step the lesson store names (step 1 when it names none); None for no lesson."""
    lesson = LESSON_BY_ID.get(str(store.get("lesson"))) if isinstance(store, dict) else None
    if lesson is None:
        return None
    number = store.get("step")
    valid = isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= len(lesson.steps)
    return lesson, number if valid else 1


def learn_content(view: Any, mode: Any, store: Any) -> Any:
    """Callback body: the Learn view (lessons or the teacher's page) while it is open, nothing otherwise."""
    if view != LEARN_TAB:
        if dash.ctx.triggered_id != ID.VIEW:
            raise PreventUpdate
        return None
    if mode == TEACH_HASH:
        return teacher_page(LESSONS)
    opened = open_step(store)
    return learn_view(LESSONS, None, None) if opened is None else learn_view(LESSONS, opened[0].id, opened[1])


def navigate(_clicks: Any) -> dict[str, Any]:
    """Callback body: the lesson store for the navigation button just pressed ("<lesson>:<step>", or "" for the
    overview)."""
    pressed = dash.ctx.triggered_id
    clicked = [item for item in dash.ctx.triggered if item.get("value")]
    if not isinstance(pressed, dict) or not clicked:
        raise PreventUpdate  # new buttons of a new step, not a click
    lesson_id, _, number = str(pressed.get("to", "")).partition(":")
    if lesson_id not in LESSON_BY_ID:
        return {"lesson": None, "step": None}
    return {"lesson": lesson_id, "step": int(number) if number.isdigit() else 1}


def verdict(step: Step, response: Any) -> html.Span:
    """What "Check" says about ``response`` (a choice index or a number)."""
    if response is None or response == "":
        ask = "Choose an answer first." if step.question.kind == "choice" else "Type the number you read first."
        return html.Span(ask, className="learn-hint")
    if is_correct(step, response):
        within = (f" (within {step.tolerance.as_text(step.question.unit)} of {step.question.answer_text()})"
                  if step.tolerance is not None else "")
        return html.Span(f"✓ Right{within}.", className="learn-right")
    return html.Span("✗ Not quite. Look at the panel again (Open in the dashboard), or show the answer.",
                     className="learn-wrong")


@guarded(lambda message: html.Span(message, className="learn-wrong"))
def check(clicks: Any, response: Any, store: Any) -> Any:
    """Callback body: grade the open step's answer."""
    opened = open_step(store)
    if not clicks or opened is None:
        raise PreventUpdate
    lesson, number = opened
    return verdict(lesson.steps[number - 1], response)


def register() -> None:
    """Register the Learn view's server and browser-side callbacks."""
    dash.callback(Output(ID.LEARN_VIEW, "children"), Input(ID.VIEW, "value"), Input(ID.LEARN_MODE, "data"),
                  Input(ID.LESSON_STORE, "data"), prevent_initial_call=True)(learn_content)
    dash.callback(Output(ID.LESSON_STORE, "data", allow_duplicate=True),
                  Input({"type": "learn-go", "to": ALL, "via": ALL}, "n_clicks"),
                  prevent_initial_call=True)(navigate)
    dash.callback(Output(ID.LEARN_FEEDBACK, "children"), Input(ID.LEARN_CHECK, "n_clicks"),
                  State(ID.LEARN_ANSWER, "value"), State(ID.LESSON_STORE, "data"),
                  prevent_initial_call=True)(check)
    dash.clientside_callback(ClientsideFunction(NAMESPACE, "learnMode"), Output(ID.LEARN_MODE, "data"),
                             Input(ID.LOCATION, "hash"), Input(ID.VIEW, "value"), State(ID.LEARN_MODE, "data"),
                             State(ID.TAB_NAMES, "data"))
    dash.clientside_callback(ClientsideFunction(NAMESPACE, "startHere"), Output(ID.START_HERE, "hidden"),
                             Input(ID.START_HERE_CLOSE, "n_clicks"))
    dash.clientside_callback(ClientsideFunction(NAMESPACE, "raiseExcitation"),
                             Output(ids.number("n_avg"), "value", allow_duplicate=True),
                             Input(ID.START_HERE_RAISE, "n_clicks"), prevent_initial_call=True)
    dash.clientside_callback(ClientsideFunction(NAMESPACE, "lessonBanner"),
                             Output(ID.LESSON_BANNER, "hidden"), Output(ID.LESSON_BANNER_TEXT, "children"),
                             Output(ID.LESSON_BANNER_STATE, "href"),
                             Input(ID.LESSON_STORE, "data"), Input(ID.VIEW, "value"), Input(ID.PANEL_TABS, "value"),
                             Input(ID.LESSON_BANNER_CLOSE, "n_clicks"), State(ID.LESSON_SUMMARY, "data"),
                             State(ID.TAB_NAMES, "data"))

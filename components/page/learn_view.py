"""The Learn view: the guided lessons one step at a time, the glossary, and the teacher's page.

Created only while the view is open (``callbacks.learn``), like the About and Paper figures views.
A step shows its text, what to watch, the equation behind a toggle, a link that opens the dashboard
in the step's state (the lesson and step stay in that link, so the dashboard says which panel to look
at and leads back), the question, "Check" (graded on the server), and the answer with its reason on
request. The lessons are the data of ``components/lessons/`` (``components.lesson_book``); the
teacher's page is ``lesson_book.teacher_markdown`` with one hand-out link per lesson.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from components import glossary
from components.ids import ID
from components.lesson_book import Lesson, Step, load_lessons, teacher_markdown
from components.panels import PANEL_BY_ID
from components.url_state import with_lesson

TEACH_HASH = "teach"
LESSONS: tuple[Lesson, ...] = load_lessons()  # once, at import (about 7 ms)
CODE_SPAN = re.compile(r"(`[^`]*`)")
LIST_TARGET = ""  # the navigation target of "All lessons": no lesson open
START_N_AVG = 0.3  # the first move's ⟨N⟩: below the built-in dots' lowest threshold (tests/web/test_learn.py)


def go_id(target: str, via: str) -> dict[str, str]:
    """Id of a navigation button: ``target`` "<lesson>:<step>" (or LIST_TARGET), ``via`` which button it is (the
    same target may have two buttons: the step dots and Next)."""
    return {"type": "learn-go", "to": target, "via": via}


def target(lesson: Lesson, number: int) -> str:
    """The navigation target of step ``number`` (1-based) of ``lesson``."""
    return f"{lesson.id}:{number}"


def step_link(lesson: Lesson, number: int) -> str:
    """"Open in the dashboard": the step's state with the lesson and step kept, on the step's tab."""
    step = lesson.steps[number - 1]
    return f"{with_lesson(step.query, lesson.id, number)}#{step.tab}"


def linked(text: str, seen: set[str] | None = None) -> list[Any]:
    """``text`` with the first mention of each glossary term as a link to its entry (its definition on hover)."""
    out: list[Any] = []
    for piece in glossary.linked_pieces(text, seen):
        if isinstance(piece, str):
            out.append(piece)
        else:
            shown, slug = piece
            out.append(html.A(shown, href=f"#{glossary.anchor(slug)}", className="glossary-term",
                              title=glossary.TERM_BY_SLUG[slug].definition))
    return out


def lesson_card(lesson: Lesson) -> html.Article:
    """One lesson in the overview: title, minutes, steps, goals and a start button."""
    return html.Article(className="learn-card", id=f"learn-card-{lesson.id}", children=[
        html.H3([html.Span(f"{lesson.order}", className="learn-number"), lesson.title]),
        html.P(f"{lesson.minutes} minutes · {len(lesson.steps)} steps", className="learn-meta"),
        html.Ul([html.Li(goal) for goal in lesson.goals], className="learn-goals"),
        html.Button("Start the lesson →", id=go_id(target(lesson, 1), "start"), n_clicks=0,
                    className="button learn-start"),
    ])


def overview(lessons: Sequence[Lesson]) -> html.Div:
    """Every lesson as a card."""
    return html.Div([lesson_card(lesson) for lesson in lessons], className="learn-grid")


def question_box(step: Step) -> html.Fieldset:
    """The question: radio buttons for choices, a number box with its unit for numbers; Check and its verdict."""
    question = step.question
    if question.kind == "choice":
        answer: Any = dcc.RadioItems(id=ID.LEARN_ANSWER, className="learn-choices", value=None,
                                     options=[{"label": choice, "value": index}
                                              for index, choice in enumerate(question.choices)])
    else:
        answer = html.Div(className="learn-number-box", children=[
            dcc.Input(id=ID.LEARN_ANSWER, type="number", step="any", value=None, className="number-input",
                      placeholder="your reading"),
            html.Span(question.unit, className="unit"),
        ])
    return html.Fieldset(className="learn-question", children=[
        html.Legend(question.prompt),
        answer,
        html.Div(className="learn-check-row", children=[
            html.Button("Check", id=ID.LEARN_CHECK, n_clicks=0, className="button"),
            html.Div(id=ID.LEARN_FEEDBACK, className="learn-feedback", role="status"),
        ]),
    ])


def answer_box(step: Step) -> html.Details:
    """The right answer (with the tolerance a reading is given) and why, revealed on request."""
    answer = step.question.answer_text()
    if step.tolerance is not None:
        answer += f" (a reading within {step.tolerance.as_text(step.question.unit)} counts)"
    return html.Details(className="learn-answer", children=[
        html.Summary("Show the answer"),
        html.P([html.Strong("Answer: "), answer]),
        html.P([html.Strong("Why: "), *linked(step.why)]),
    ])


def step_nav(lessons: Sequence[Lesson], lesson: Lesson, number: int) -> html.Nav:
    """Previous / All lessons / Next (on the last step: the next lesson)."""
    count = len(lesson.steps)
    later = [other for other in lessons if other.order > lesson.order]
    if number < count:
        forward = html.Button("Next step →", id=go_id(target(lesson, number + 1), "next"), n_clicks=0,
                              className="button learn-next")
    elif later:
        forward = html.Button(f"Next lesson: {later[0].title} →", id=go_id(target(later[0], 1), "next"),
                              n_clicks=0, className="button learn-next")
    else:
        forward = html.Button("Finish: all lessons", id=go_id(LIST_TARGET, "next"), n_clicks=0,
                              className="button learn-next")
    back = html.Button("← Previous step", id=go_id(target(lesson, number - 1), "prev"), n_clicks=0,
                       className="button learn-prev") if number > 1 else html.Span()
    return html.Nav(className="learn-nav", children=[
        back, html.Button("All lessons", id=go_id(LIST_TARGET, "list"), n_clicks=0, className="button learn-list"),
        forward,
    ])


def step_view(lessons: Sequence[Lesson], lesson: Lesson, number: int) -> html.Article:
    """One step of ``lesson`` (``number`` is 1-based)."""
    step = lesson.steps[number - 1]
    panel = PANEL_BY_ID[step.panel]
    seen: set[str] = set()
    dots = [html.Button(str(k), id=go_id(target(lesson, k), "dot"), n_clicks=0, title=other.title,
                        className=f"learn-dot{' current' if k == number else ''}",
                        **{"aria-current": "step" if k == number else "false"})  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop
            for k, other in enumerate(lesson.steps, start=1)]
    return html.Article(className="learn-step", id="learn-step", children=[
        html.Header(className="learn-step-head", children=[
            html.P([html.Span(f"Lesson {lesson.order}", className="learn-number"), lesson.title],
                   className="learn-lesson-title"),
            html.Div(className="learn-dots", children=[html.Span(f"Step {number} of {len(lesson.steps)}",
                                                                  className="learn-progress"), *dots]),
        ]),
        html.H3(step.title),
        html.P(linked(step.text, seen), className="learn-text"),
        html.Div(className="learn-watch", children=[html.Strong("What to watch: "), *linked(step.watch, seen)]),
        html.Div(className="learn-actions", children=[
            html.A(f"Open in the dashboard: {panel.title} →", href=step_link(lesson, number),
                   className="button learn-open", title="Loads this step's state in the dashboard and opens the "
                                                        "panel; the lesson stays in the link, so you can come back"),
            html.Details(className="learn-equation", children=[
                html.Summary("Show the equation"), html.P(step.equation, className="learn-equation-text")]),
        ]),
        question_box(step),
        answer_box(step),
        step_nav(lessons, lesson, number),
    ])


def glossary_section() -> html.Section:
    """Every glossary entry, each anchored ``#glossary-<slug>``."""
    return html.Section(className="glossary", id="glossary", children=[
        html.H2("Glossary"),
        html.Dl(className="glossary-list", children=[
            html.Div(id=glossary.anchor(term.slug), className="glossary-entry", children=[
                html.Dt(term.term), html.Dd(term.definition),
                html.Dd(f"In the papers: {term.where}", className="glossary-where"),
            ]) for term in glossary.TERMS
        ]),
    ])


def handout_table(lessons: Sequence[Lesson]) -> html.Table:
    """One row per lesson: its title, length and the link to hand out."""
    return html.Table(className="handout-table", children=[
        html.Thead(html.Tr([html.Th("lesson"), html.Th("length"), html.Th("hand-out link")])),
        html.Tbody([html.Tr([
            html.Td(f"{lesson.order}. {lesson.title}"),
            html.Td(f"{lesson.minutes} min, {len(lesson.steps)} steps"),
            html.Td(html.A(lesson.handout_link, href=lesson.handout_link, className="handout-link")),
        ]) for lesson in lessons]),
    ])


def teacher_page(lessons: Sequence[Lesson]) -> html.Main:
    """Goals, answers with their reasons, discussion points and the hand-out links (``teacher_markdown``)."""
    paragraphs = teacher_markdown(lessons).split("\n\n")[1:]  # the title is the page's heading
    guide = "\n\n".join(part for part in paragraphs if not part.startswith("Generated from"))  # a note for editors
    guide = "".join(part if part.startswith("`") else part.replace("[", "\\[").replace("]", "\\]")
                    for part in CODE_SPAN.split(guide))  # "[001]" stays a citation, not a link reference
    return html.Main(className="learn teacher", children=[
        html.Div(className="learn-head", children=[
            html.H2("For teachers"),
            html.A("← Back to the lessons", href="#learn", className="button small"),
        ]),
        html.P("Hand a lesson out as its link (right-click → Copy link gives the full address); "
               "“&step=k” opens step k. Students see no discussion points and get the answers only on request.",
               className="section-blurb"),
        handout_table(lessons),
        dcc.Markdown(guide, className="teacher-guide"),
    ])


def learn_view(lessons: Sequence[Lesson], lesson_id: str | None, number: int | None) -> html.Main:
    """The lessons (the overview, or the open lesson's step), then the glossary."""
    lesson = next((item for item in lessons if item.id == lesson_id), None)
    body = overview(lessons) if lesson is None else step_view(
        lessons, lesson, min(max(number or 1, 1), len(lesson.steps)))
    return html.Main(className="learn", children=[
        html.Div(className="learn-head", children=[
            html.H2("Learn"),
            html.A("For teachers →", href=f"#{TEACH_HASH}", className="button small learn-teach"),
        ]),
        html.P("Guided lessons of 5–10 minutes. Each step opens the dashboard in the state it talks about, says "
               "what to watch and asks one question; the equations and the answers are one click away. Terms "
               "with a dotted underline are in the glossary below.", className="section-blurb"),
        body,
        glossary_section(),
    ])


def lesson_summary(lessons: Sequence[Lesson] = LESSONS) -> dict[str, Any]:
    """What the dashboard's lesson banner needs (browser-side): per lesson its title and, per step, the title,
    the panel, its tab, what to watch and the step's link."""
    return {lesson.id: {"order": lesson.order, "title": lesson.title, "steps": [
        {"title": step.title, "panel": step.panel, "panel_title": PANEL_BY_ID[step.panel].title, "tab": step.tab,
         "watch": step.watch, "link": step_link(lesson, number)}
        for number, step in enumerate(lesson.steps, start=1)]} for lesson in lessons}


def start_here() -> html.Div:
    """The first-visit strip above the dashboard: what the page shows and three first moves; hidden until the
    browser knows it was never dismissed (``startHere``), dismissed for good with ×."""
    first = LESSONS[0]
    return html.Div(id=ID.START_HERE, className="start-here", hidden=True, children=[
        html.P(className="start-here-text", children=[
            html.Strong("Start here. "),
            "This page computes how a film of colloidal quantum dots absorbs and amplifies light when a pump puts "
            "⟨N⟩ excitons in each dot: the spectra follow the sliders while you drag, and the tabs below hold the "
            "maps, thresholds, lasing (ASE) and decay. Try one of these first:"]),
        html.Div(className="start-here-moves", children=[
            html.Button("Raise ⟨N⟩ until the black net line dips below zero", id=ID.START_HERE_RAISE, n_clicks=0,
                        className="button", title=f"Sets ⟨N⟩ to {START_N_AVG:g} (no gain yet with the built-in "
                                                  "dots) and points at its slider: drag it right and watch the black "
                                                  "line of the spectra",
                        **{"data-n-avg": f"{START_N_AVG:g}"}),  # type: ignore[arg-type]  # dash stubs: untyped data-* prop
            html.A(f"Open lesson 1: {first.title}", href=first.handout_link, className="button"),
            html.A("See the phase diagram", href="#phase", className="button",
                   title="Where gain is easy or hard across χ and η ([000] Fig. 5)"),
        ]),
        html.Button("×", id=ID.START_HERE_CLOSE, n_clicks=0, className="dismiss", title="Do not show this again",
                    **{"aria-label": "Dismiss the start-here strip"}),  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop
    ])


def lesson_banner() -> html.Div:
    """On the dashboard while a lesson step is open: which step, what to watch, and links to its state and back to
    its question (filled in the browser from ``lesson_summary``: ``lessonBanner``)."""
    return html.Div(id=ID.LESSON_BANNER, className="lesson-banner", hidden=True, role="status", children=[
        html.Span(id=ID.LESSON_BANNER_TEXT, className="lesson-banner-text"),
        html.A("Load the step's state", id=ID.LESSON_BANNER_STATE, href="#learn", className="button small"),
        html.A("← Back to the question", href="#learn", className="button small lesson-banner-back"),
        html.Button("×", id=ID.LESSON_BANNER_CLOSE, n_clicks=0, className="dismiss", title="Hide for now",
                    **{"aria-label": "Hide the lesson banner"}),  # type: ignore[arg-type]  # dash stubs: untyped aria-* prop
    ])

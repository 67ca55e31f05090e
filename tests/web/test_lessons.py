"""The guided lessons (components/lessons/*.json): they load, their links open as written, their answers are the
model's, wrong answers and malformed files are caught, and docs/lessons.md is current (issue 12, part 1)."""

from __future__ import annotations

import copy
import dataclasses
import json
import pathlib
import subprocess
import sys

import pytest

from components import lesson_book
from components.lesson_book import (
    LESSON_DIR,
    QUANTITIES,
    LessonError,
    check_answer,
    is_correct,
    load_lessons,
    parse_lesson,
    teacher_markdown,
)
from components.panels import OPERATING_PANELS, TAB_OF_PANEL, TAB_PANELS
from components.url_state import parse_query, to_query

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSONS = load_lessons()
STEPS = [pytest.param(step, id=f"{lesson.id}-{number}") for lesson in LESSONS
         for number, step in enumerate(lesson.steps, start=1)]
CHECKED = [param for param in STEPS if param.values[0].check is not None]
EXAMPLE = LESSON_DIR / "two_level.json"


def example() -> dict:
    """A valid lesson file's JSON, to break in one place."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_every_lesson_file_loads_in_order():
    files = sorted(path.stem for path in LESSON_DIR.glob("*.json"))
    assert sorted(lesson.id for lesson in LESSONS) == files
    assert len(LESSONS) >= 7
    assert [lesson.order for lesson in LESSONS] == sorted(lesson.order for lesson in LESSONS)
    for lesson in LESSONS:
        assert 5 <= lesson.minutes <= 10 and 3 <= len(lesson.steps) <= 6
        assert lesson.goals and lesson.discussion
        assert lesson.handout_link == f"?lesson={lesson.id}#learn"


@pytest.mark.parametrize("step", STEPS)
def test_step_link_opens_as_written_on_the_tab_of_its_panel(step):
    state, notices = parse_query(step.query)
    assert notices == []
    assert to_query(state) == step.query
    assert step.tab in TAB_PANELS
    assert step.panel in OPERATING_PANELS or TAB_OF_PANEL[step.panel] == step.tab
    assert step.equation and step.watch and step.why


@pytest.mark.parametrize("step", STEPS)
def test_every_number_and_every_model_choice_is_checked(step):
    if step.question.kind == "number":
        assert step.check is not None and step.tolerance is not None and step.tolerance.reason
    assert step.check is not None, "every shipped step names the core computation behind its answer"
    assert step.panel in QUANTITIES[step.check.quantity].panels


@pytest.mark.parametrize("step", CHECKED)
def test_answer_agrees_with_the_core(step):
    value, agrees = check_answer(step)
    assert agrees, f"{step.title}: the file says {step.question.answer_text()}, the core gives {value!r}"
    assert is_correct(step, step.question.answer if step.question.kind == "number" else int(step.question.answer))


def test_a_wrong_number_is_caught():
    step = next(s for lesson in LESSONS for s in lesson.steps if s.question.kind == "number"
                and s.check is not None and s.check.quantity == "n_th")
    value, _ = check_answer(step)
    assert step.tolerance is not None
    wrong = dataclasses.replace(step, question=dataclasses.replace(step.question, answer=float(value) + 0.5))
    assert check_answer(wrong) == (value, False)
    assert not is_correct(step, float(value) + 0.5)
    assert not is_correct(step, "not a number") and not is_correct(step, True)


def test_a_wrong_choice_is_caught():
    step = next(s for lesson in LESSONS for s in lesson.steps if s.question.kind == "choice" and s.check is not None)
    wrong_index = (int(step.question.answer) + 1) % len(step.question.choices)
    wrong = dataclasses.replace(step, question=dataclasses.replace(step.question, answer=wrong_index))
    assert check_answer(wrong)[1] is False
    assert not is_correct(step, wrong_index) and is_correct(step, int(step.question.answer))


def test_a_changed_model_breaks_the_lesson():
    """A step whose state no longer gives its answer (here: ESA switched on in the 2LS) fails its check."""
    step = LESSONS[0].steps[1]
    assert "include_esa=false" in step.state
    changed = dataclasses.replace(step, state=step.state.replace("&include_esa=false", ""))
    assert check_answer(changed)[1] is False


def breaks(change) -> dict:
    raw = example()
    change(raw)
    return raw


def set_path(raw: dict, path: tuple, value) -> None:
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def drop_path(raw: dict, path: tuple) -> None:
    target = raw
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


MALFORMED = [
    ("missing title", lambda raw: drop_path(raw, ("title",)), "two_level.json: title: is missing"),
    ("typo field", lambda raw: set_path(raw, ("minuts",), 7), "two_level.json: minuts: is not a lesson field"),
    ("too long", lambda raw: set_path(raw, ("minutes",), 30), "two_level.json: minutes: must be a whole number"),
    ("too few steps", lambda raw: set_path(raw, ("steps",), raw["steps"][:2]), "two_level.json: steps: must be a list"),
    ("unknown preset", lambda raw: set_path(raw, ("steps", 0, "state"), "?preset=nope#spectral"),
     "two_level.json: steps[0].state: the app would change"),
    ("rewritten link", lambda raw: set_path(raw, ("steps", 1, "state"),
                                            "?preset=simple_model_4ls&stokes_mev=0&include_esa=false#spectral"),
     "two_level.json: steps[1].state: the app would rewrite"),
    ("value equal to the preset", lambda raw: set_path(raw, ("steps", 1, "state"),
                                                       "?preset=simple_model_4ls&chi=0.846#spectral"),
     "two_level.json: steps[1].state: the app would rewrite"),
    ("no tab", lambda raw: set_path(raw, ("steps", 0, "state"), "?n_avg=1.0"), "two_level.json: steps[0].state: "),
    ("about is no figure tab", lambda raw: set_path(raw, ("steps", 0, "state"), "?n_avg=1.0#about"),
     "two_level.json: steps[0].state: "),
    ("panel on another tab", lambda raw: set_path(raw, ("steps", 1, "panel"), "ase_output"),
     "two_level.json: steps[1].panel: 'ase_output' is on the tab #ase"),
    ("unknown panel", lambda raw: set_path(raw, ("steps", 1, "panel"), "nope"), "two_level.json: steps[1].panel: "),
    ("answer out of range", lambda raw: set_path(raw, ("steps", 0, "question", "answer"), 5),
     "two_level.json: steps[0].question.answer: "),
    ("number without tolerance", lambda raw: drop_path(raw, ("steps", 1, "tolerance")),
     "two_level.json: steps[1].tolerance: is required for a number answer"),
    ("number without check", lambda raw: drop_path(raw, ("steps", 1, "check")),
     "two_level.json: steps[1].check: is required for a number answer"),
    ("unknown quantity", lambda raw: set_path(raw, ("steps", 1, "check", "quantity"), "nope"),
     "two_level.json: steps[1].check.quantity: 'nope' is not in the check table"),
    ("quantity from another panel", lambda raw: set_path(raw, ("steps", 1, "check", "quantity"), "ase_threshold"),
     "two_level.json: steps[1].check.quantity: 'ase_threshold' is read from"),
    ("bad argument", lambda raw: set_path(raw, ("steps", 1, "check", "args"), {"method": "guess"}),
     "two_level.json: steps[1].check.args.method: 'guess' is not a valid method"),
    ("choice values miscounted", lambda raw: set_path(raw, ("steps", 0, "check", "choice_values"), [True]),
     "two_level.json: steps[0].check.choice_values: "),
    ("two tolerances", lambda raw: set_path(raw, ("steps", 1, "tolerance", "relative"), 0.1),
     "two_level.json: steps[1].tolerance: must give exactly one"),
    ("tolerance without reason", lambda raw: drop_path(raw, ("steps", 1, "tolerance", "reason")),
     "two_level.json: steps[1].tolerance.reason: is missing"),
    ("id not the file name", lambda raw: set_path(raw, ("id",), "other"), "two_level.json: id: 'other' must equal"),
]


@pytest.mark.parametrize(("change", "message"), [pytest.param(c, m, id=name) for name, c, m in MALFORMED])
def test_a_malformed_lesson_file_names_the_file_and_the_field(tmp_path, change, message):
    (tmp_path / "two_level.json").write_text(json.dumps(breaks(change), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_lessons(tmp_path)
    assert str(caught.value).startswith(message), str(caught.value)


def test_invalid_json_and_duplicate_order_name_the_file(tmp_path):
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(LessonError, match=r"^broken\.json: \(file\): not valid JSON"):
        load_lessons(tmp_path)
    (tmp_path / "broken.json").unlink()
    (tmp_path / "two_level.json").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    twin = example()
    twin["id"] = "twin"
    (tmp_path / "twin.json").write_text(json.dumps(twin), encoding="utf-8")
    with pytest.raises(LessonError, match=r"^two_level\.json: order: 1 is also the order of twin\.json"):
        load_lessons(tmp_path)


def test_a_teacher_adds_a_lesson_by_adding_a_file(tmp_path):
    added = copy.deepcopy(example())
    added.update(id="my_lesson", order=99, title="My lesson")
    (tmp_path / "my_lesson.json").write_text(json.dumps(added, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "two_level.json").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert [lesson.id for lesson in load_lessons(tmp_path)] == ["two_level", "my_lesson"]
    assert parse_lesson(added, "my_lesson.json").title == "My lesson"


def test_the_check_table_is_complete_at_import():
    for name, quantity in QUANTITIES.items():
        assert quantity.kind in ("number", "choice") and quantity.panels and quantity.description, name
    used = {step.check.quantity for lesson in LESSONS for step in lesson.steps if step.check is not None}
    assert used == set(QUANTITIES), "every quantity of the table is exercised by a shipped lesson"


def test_an_incomplete_check_table_fails(monkeypatch):
    broken = dict(QUANTITIES)
    broken["n_th"] = dataclasses.replace(QUANTITIES["n_th"], panels=("no_such_panel",))
    monkeypatch.setattr(lesson_book, "QUANTITIES", broken)
    with pytest.raises(RuntimeError, match="n_th: panel 'no_such_panel' is not a panel"):
        lesson_book._check_table()


def test_teacher_guide_has_every_lesson_goal_answer_and_link():
    text = teacher_markdown()
    for lesson in LESSONS:
        assert f"`{lesson.handout_link}`" in text and lesson.title in text
        assert all(goal in text for goal in lesson.goals) and all(point in text for point in lesson.discussion)
        for step in lesson.steps:
            assert step.question.answer_text() in text and step.why in text and f"`{step.state}`" in text
    assert str(ROOT) not in text, "no absolute path of this machine in the guide"


def test_committed_teacher_guide_is_current():
    committed = (ROOT / "docs" / "lessons.md").read_text(encoding="utf-8")
    assert committed == teacher_markdown(), \
        "docs/lessons.md is stale: run python -m components.lesson_book --write docs/lessons.md"


def test_cli_writes_the_guide(tmp_path):
    target = tmp_path / "lessons.md"
    done = subprocess.run([sys.executable, "-m", "components.lesson_book", "--write", str(target)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == teacher_markdown()

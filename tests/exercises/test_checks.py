"""Every exercise: its reference solution passes, `...` is "not attempted", at least two
realistic wrong answers are tested (in `test_lessonNN.py`), and feedback reads well."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import hlcourse as hlc
from hlcourse import exercises

from . import __path__ as _here
from .answers import run_solution


def wrong_answer_tables() -> dict[str, list]:
    """Each lesson test module's WRONG_ANSWERS, by module name."""
    tables = {}
    for module in pkgutil.iter_modules(_here):
        if module.name.startswith("test_lesson"):
            tables[module.name] = importlib.import_module(
                f"{__package__}.{module.name}"
            ).WRONG_ANSWERS
    return tables


@pytest.mark.parametrize("exercise_id", list(exercises.all_exercises()))
def test_reference_solution_passes(exercise_id):
    feedback = hlc.check(exercise_id, run_solution(exercise_id))
    assert feedback.passed, feedback


@pytest.mark.parametrize("exercise_id", list(exercises.all_exercises()))
def test_placeholder_is_not_attempted_and_raises_nothing(exercise_id):
    feedback = hlc.check(exercise_id, ...)
    assert feedback.status == "not attempted"
    assert "Replace the `...`" in feedback.message


def test_every_exercise_has_at_least_two_wrong_answers_tested_in_its_lessons_file():
    counts = {eid: 0 for eid in exercises.all_exercises()}
    for name, table in wrong_answer_tables().items():
        for eid, _, _ in table:
            assert name == f"test_lesson{eid[:2]}", (
                f"{eid}'s wrong answers belong in test_lesson{eid[:2]}.py"
            )
            counts[eid] += 1
    assert all(n >= 2 for n in counts.values()), counts


def test_feedback_reads_without_colour():
    passed = hlc.check("00.1", 3)
    assert repr(passed).startswith("✔ Exercise 00.1: passed.")
    html = passed._repr_html_()
    assert 'role="status"' in html and "passed" in html


def test_solution_is_collapsed_until_opened():
    shown = hlc.solution("00.1")
    assert "answer = 3" in shown.code
    assert shown._repr_html_().startswith("<details><summary>Show solution")
    assert "answer" not in repr(shown)


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError, match="00.1, 00.2"):
        hlc.check("99.9", 1)


def test_registering_an_id_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        exercises.exercise("00.1", "again", "answer = 1")(lambda answer: "")

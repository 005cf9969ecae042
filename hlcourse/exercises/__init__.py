"""Exercises with instant feedback.

An exercise cell in a lesson ends with ``hlc.check("00.1", answer)``. As shipped, the answer is
the placeholder ``...`` and the check says "not attempted" (no exception, so Run All goes on).
A filled-in answer gets "passed" or a message that says precisely what is wrong.

Each exercise's checker and reference solution live once, in ``hlcourse/exercises/lessonNN.py``;
the solution serves ``hlc.solution("00.1")`` in the lesson and the tests alike. A checker is a
function of the answer that returns a success message or raises `Wrong` with a message for the
learner.
"""

from __future__ import annotations

import html
import importlib
import numbers
import pkgutil
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hlcourse import _validate as v

__all__ = [
    "Exercise",
    "Feedback",
    "Solution",
    "Wrong",
    "all_exercises",
    "check",
    "exercise",
    "get_exercise",
    "solution",
    "titles",
]

PLACEHOLDER = ...  # what an exercise cell holds until the learner answers


class Wrong(Exception):
    """Raised by a checker: the answer is not right yet; the message tells the learner why."""


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Attributes:
        id: ``"NN.K"``: lesson number and exercise number, e.g. ``"00.2"``.
        title: a few words shown with the feedback.
        checker: function(answer) returning a success message or raising `Wrong`.
        solution: the reference solution as code that assigns ``answer``.
    """

    id: str
    title: str
    checker: Callable[[Any], str]
    solution: str

    @property
    def lesson_number(self) -> int:
        return int(self.id.split(".")[0])


@dataclass(frozen=True)
class Feedback:
    """The result of `check`: shown as a coloured box with an icon and words in a notebook.

    Attributes:
        exercise_id: which exercise.
        status: ``"passed"``, ``"not attempted"`` or ``"try again"``.
        message: what the learner should know or do next.
    """

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __repr__(self) -> str:
        icon = {"passed": "✔", "not attempted": "…", "try again": "✘"}[self.status]
        return f"{icon} Exercise {self.exercise_id}: {self.status}. {self.message}"

    def _repr_html_(self) -> str:
        style = {
            "passed": ("✔", "#e6f4ea", "#1e7e34"),
            "not attempted": ("…", "#f1f3f4", "#5f6368"),
            "try again": ("✘", "#fdecea", "#b3261e"),
        }[self.status]
        icon, background, border = style
        return (
            f'<div role="status" class="hlc-feedback hlc-{self.status.replace(" ", "-")}" '
            f'style="background:{background};border-left:4px solid {border};padding:6px 10px">'
            f"<b>{icon} Exercise {html.escape(self.exercise_id)}: {self.status}.</b> "
            f"{html.escape(self.message)}</div>"
        )


@dataclass(frozen=True)
class Solution:
    """A reference solution, displayed collapsed ("Show solution") in a notebook."""

    exercise_id: str
    code: str

    def __repr__(self) -> str:
        return f"[Solution to exercise {self.exercise_id}: open it in Jupyter, or print(.code)]"

    def _repr_html_(self) -> str:
        return (
            f"<details><summary>Show solution to exercise {html.escape(self.exercise_id)}"
            f"</summary><pre><code>{html.escape(self.code)}</code></pre></details>"
        )


_REGISTRY: dict[str, Exercise] = {}


def as_shape(answer: Any, *, what: str, allow_none: bool = False) -> tuple:
    """`answer` as a shape tuple (a list is accepted), else `Wrong` saying a shape was asked.

    Args:
        answer: the learner's answer.
        what: how the shape looks, for the message, e.g. ``"a tuple like `(height, width,
            channels)`"``.
        allow_none: accept None entries (Keras' batch dimension).
    """
    if isinstance(answer, list):
        answer = tuple(answer)
    if not isinstance(answer, tuple) or not all(
        (allow_none and n is None) or (isinstance(n, numbers.Integral) and not isinstance(n, bool))
        for n in answer
    ):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for a shape, {what}.")
    return answer


def exercise(exercise_id: str, title: str, solution: str) -> Callable:
    """Decorator that registers a checker under `exercise_id` with its reference solution."""

    v.check_str("exercise_id", exercise_id)
    if not re.fullmatch(r"\d\d\.\d+", exercise_id):
        raise ValueError(
            "Received an invalid value for `exercise_id`, expected 'NN.K' (lesson number, "
            f"dot, exercise number), like '03.2'. Received: exercise_id={exercise_id!r}"
        )
    v.check_str("title", title)
    v.check_str("solution", solution)
    if "answer" not in solution:
        raise ValueError(
            "Received an invalid value for `solution`, expected code that assigns `answer`. "
            f"Received: solution={solution!r}"
        )

    def register(checker: Callable[[Any], str]) -> Callable[[Any], str]:
        if exercise_id in _REGISTRY:
            raise ValueError(f"Exercise {exercise_id} is registered twice.")
        _REGISTRY[exercise_id] = Exercise(
            exercise_id, title, checker, textwrap.dedent(solution).strip()
        )
        return checker

    return register


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise by id (loads all ``lessonNN`` modules of this package)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("lesson"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))


def titles() -> dict[str, str]:
    """Every exercise's title by id, e.g. ``{"00.1": "...", ...}`` (what `progress.report` reads).

    Returns:
        A new dict, sorted by id.
    """
    return {exercise_id: found.title for exercise_id, found in all_exercises().items()}


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``"00.1"``; a clear error lists the ids that exist."""
    v.check_str("exercise_id", exercise_id)
    known = all_exercises()
    if exercise_id not in known:
        raise ValueError(
            f"Received an invalid value for `exercise_id`, expected one of {', '.join(known)}. "
            f"Received: exercise_id={exercise_id!r}. Copy the id from the exercise's heading."
        )
    return known[exercise_id]


def check(exercise_id: str, answer: Any) -> Feedback:
    """Check a learner's answer and return feedback a notebook shows at once.

    Args:
        exercise_id: the exercise, e.g. ``"00.1"``.
        answer: the learner's answer; ``...`` (the placeholder) means "not attempted yet".

    Returns:
        A `Feedback` whose ``status`` is ``"passed"``, ``"not attempted"`` or ``"try again"``.
    """
    found = get_exercise(exercise_id)
    if answer is PLACEHOLDER:
        return Feedback(
            exercise_id,
            "not attempted",
            "Replace the `...` with your answer and run this cell again "
            f"(stuck? the next cell shows a solution to {found.title.lower()}).",
        )
    try:
        message = found.checker(answer)
    except Wrong as wrong:
        return Feedback(exercise_id, "try again", str(wrong))
    except Exception as error:  # a learner's answer of a shape the checker did not foresee
        return Feedback(
            exercise_id,
            "try again",
            f"Your answer could not be checked ({type(error).__name__}: {error}). "
            "Compare its type and shape with what the exercise asks for.",
        )
    _record_pass(exercise_id, found.title)
    return Feedback(exercise_id, "passed", message)


def _record_pass(exercise_id: str, title: str) -> None:
    """Note the pass in the learner's progress file (`hlcourse progress` shows it). A check
    never fails because of its record: `record_pass` skips a file it cannot use, and this
    swallows anything else."""
    try:
        from hlcourse.progress import record_pass

        record_pass(exercise_id, title)
    except Exception:  # the feedback matters; the record is a convenience
        pass


def solution(exercise_id: str) -> Solution:
    """The reference solution of an exercise, shown collapsed until the learner opens it."""
    return Solution(exercise_id, get_exercise(exercise_id).solution)

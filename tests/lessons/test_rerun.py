"""Run each lesson, then run it again in the same kernel with every exercise filled in with its
reference solution. The second run must be clean, every check must pass, and every other cell
must print the same text as the first time (after the shared sanitizer): a lesson that
depends on hidden state, or on the learner's answers, fails here."""

from __future__ import annotations

import jupytext
import pytest
from nbclient import NotebookClient

from hlcourse._notebooks import EXERCISE_CALL, fill_in_solutions, output_text

from .conftest import LESSON_IDS, LESSONS


def run_twice(path, timeout: int = 300):
    """Execute a lesson as shipped, then with solutions, in one kernel.

    Returns:
        (first run, second run, exercise ids filled in): two separate executed notebooks.
    """
    first, second = jupytext.read(path), jupytext.read(path)
    filled = fill_in_solutions(second)
    client = NotebookClient(
        first,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(first.cells):
            client.execute_cell(cell, index)
        client.nb = second  # execute_cell writes each cell back into client.nb
        for index, cell in enumerate(second.cells):
            client.execute_cell(cell, index)
    return first, second, filled


@pytest.mark.lessons
@pytest.mark.parametrize("files", LESSONS, ids=LESSON_IDS)
def test_rerun_with_solutions_is_clean_and_repeats_itself(files):
    first, second, filled = run_twice(files.py)
    assert filled, f"{files.slug} has no exercises to fill in"
    assert first.cells is not second.cells
    for index, (a, b) in enumerate(zip(first.cells, second.cells, strict=True)):
        if a.cell_type != "code":
            continue
        stderr = "".join(o.get("text", "") for o in a.outputs if o.get("name") == "stderr")
        assert "Warning" not in stderr, (
            f"{files.slug} cell {index + 1} shows a warning to the learner (catch it where the "
            f"lesson teaches it, or fix its cause):\n{stderr[:500]}"
        )
        exercise = EXERCISE_CALL.search(a.source)
        if exercise:
            assert "not attempted" in output_text(a), f"cell {index + 1}: as shipped, not attempted"
            assert "passed" in output_text(b), (
                f"{files.slug} cell {index + 1}: the reference solution of exercise "
                f"{exercise.group(1)} did not pass: {output_text(b)}"
            )
        else:
            assert output_text(a) == output_text(b), (
                f"{files.slug} cell {index + 1} printed different text on the second run:\n"
                f"first:  {output_text(a)[:500]}\nsecond: {output_text(b)[:500]}"
            )

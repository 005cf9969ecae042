"""nbval, then the re-run check, in one kernel per lesson (`make test`'s lessons phase loads
this plugin with `-p tests.lessons.rerun_plugin`).

nbval runs every code cell of a lesson as shipped (items `Cell N`). This plugin then runs the
lesson a second time in the same kernel with every exercise filled in with its reference
solution (items `Cell N (re-run with solutions)`). A re-run item fails when:

- the cell raises on the second run;
- it is an exercise: the shipped run did not say "not attempted", or the solution did not pass;
- it is any other cell: its text differs from the first run's after the shared sanitizer
  (a lesson that depends on hidden state or on the learner's answers);
- the first run printed a warning on stderr (a learner would see it).

A lesson without exercises gets a failing `Exercises` item. Running the lesson twice instead
of three times (nbval, then two runs of a separate re-run test) saves a third of the phase.
Only lessons (`NN_slug.ipynb`) collected by nbval are extended; other notebooks are nbval's.
"""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from hlcourse._notebooks import EXERCISE_CALL, LESSON_NAME, fill_in_solutions, output_text


def _text(outputs) -> str:
    return output_text(nbformat.v4.new_code_cell(outputs=list(outputs)))


class RerunCell(IPyNbCell):
    """A code cell run the second time, after the whole lesson ran once as shipped."""

    def __init__(self, *args, first: IPyNbCell, exercise: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.first = first
        self.exercise = exercise

    def runtest(self):
        first_outputs = getattr(self.first, "test_outputs", None)
        if first_outputs is None:
            pytest.fail(f"{self.first.name} did not run the first time, so it cannot be compared")
        super().runtest()  # runs the cell in the lesson's kernel; raises if the cell raises
        first, second = _text(first_outputs), _text(self.test_outputs)
        stderr = "".join(o.get("text", "") for o in first_outputs if o.get("name") == "stderr")
        if "Warning" in stderr:
            pytest.fail(
                f"{self.first.name} shows a warning to the learner (catch it where the lesson "
                f"teaches it, or fix its cause):\n{stderr[:500]}"
            )
        if self.exercise:
            if "not attempted" not in first:
                pytest.fail(
                    f"exercise {self.exercise} as shipped should say 'not attempted': {first}"
                )
            if "passed" not in second:
                pytest.fail(
                    f"the reference solution of exercise {self.exercise} did not pass: {second}"
                )
        elif first != second:
            pytest.fail(
                f"{self.first.name} printed different text on the second run:\n"
                f"first:  {first[:500]}\nsecond: {second[:500]}"
            )


class NoExercises(pytest.Item):
    """Fails: every lesson has exercises, and the re-run check needs them."""

    def runtest(self):
        pytest.fail(f"{self.path.name} has no exercises (check('NN.K', answer) cells) to fill in")


class LessonNotebook(IPyNbFile):
    """nbval's notebook collector, followed by the re-run of the lesson with solutions."""

    def collect(self):
        shipped = list(super().collect())
        yield from shipped
        filled = copy.deepcopy(self.nb)
        if not fill_in_solutions(filled):
            yield NoExercises.from_parent(self, name="Exercises")
            return
        code = [cell for cell in filled.cells if cell.cell_type == "code"]
        for item, cell in zip(shipped, code, strict=True):
            match = EXERCISE_CALL.search(cell.source)
            yield RerunCell.from_parent(
                self,
                name=f"{item.name} (re-run with solutions)",
                cell_num=item.cell_num,
                cell=cell,
                options=item.options,
                first=item,
                exercise=match.group(1) if match else None,
            )


@pytest.hookimpl(hookwrapper=True)
def pytest_collect_file(file_path, parent):
    outcome = yield
    if not LESSON_NAME.match(file_path.stem) or file_path.suffix != ".ipynb":
        return
    outcome.force_result(
        [
            LessonNotebook.from_parent(parent, path=file_path)
            if type(collector) is IPyNbFile
            else collector
            for collector in outcome.get_result()
        ]
    )

"""nbval over every lesson with its exercises filled in with their reference solutions
(`make test`'s lessons phase loads this plugin with `-p tests.lessons.rerun_plugin`).

Each lesson (`NN_slug.ipynb`) runs once, in a fresh kernel, with every exercise's learner
part replaced by its reference solution (items `Cell N`: each must run without error). A last
item, `Solutions pass`, fails when:

- the lesson has no exercises (`check('NN.K', answer)` cells) to fill in;
- an exercise's solution did not say "passed";
- a cell showed a warning on stderr (a learner would see it).

When HLCOURSE_RUN_RECORD names a folder, the run is recorded there (`run_records.py`): the
browser phase runs the same lesson as shipped in JupyterLab, in another fresh kernel, and
make test's `agree` phase compares the two runs cell by cell: each lesson runs twice in all,
the browser's run doing double duty. Other notebooks are nbval's.
"""

from __future__ import annotations

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from hlcourse._notebooks import EXERCISE_CALL, LESSON_NAME, fill_in_solutions
from tests.lessons.run_records import cell_text, record_run, warning_shown


class SolutionsPass(pytest.Item):
    """After the whole lesson ran with solutions: every exercise passed, no warning shown;
    the run is recorded for the comparison with the browser's shipped run."""

    def __init__(self, *args, cells: list[IPyNbCell], exercises: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = cells
        self.exercises = exercises

    def runtest(self):
        if not self.exercises:
            pytest.fail(
                f"{self.path.name} has no exercises (check('NN.K', answer) cells) to fill in"
            )
        problems, record = [], []
        for item in self.cells:
            outputs = getattr(item, "test_outputs", None)
            if outputs is None:
                problems.append(f"{item.name} did not run, so the lesson cannot be judged")
                continue
            record.append((item.cell.source, outputs))
            shown = warning_shown(outputs)
            if shown:
                problems.append(
                    f"{item.name} shows a warning to the learner (catch it where the lesson "
                    f"teaches it, or fix its cause):\n{shown[:500]}"
                )
            match = EXERCISE_CALL.search(item.cell.source)
            if match and "passed" not in cell_text(outputs):
                problems.append(
                    f"the reference solution of exercise {match.group(1)} did not pass: "
                    f"{cell_text(outputs)[:500]}"
                )
        if problems:
            pytest.fail("\n".join(problems))
        record_run("solutions", self.path.stem, record)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"


class LessonNotebook(IPyNbFile):
    """nbval's notebook collector, with the exercises filled in before the cells run."""

    def collect(self):
        cells = list(super().collect())  # reads self.nb; each item holds its cell
        exercises = fill_in_solutions(self.nb)  # edits those same cells, before any runs
        yield from cells
        yield SolutionsPass.from_parent(
            self, name="Solutions pass", cells=cells, exercises=exercises
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

"""The harness itself is tested: each kind of broken lesson must make it fail.

The lesson runs go through the same command as `make test`'s lessons phase (nbval with
tests/lessons/rerun_plugin.py), in a subprocess, on small lessons written here; the comparison
of two runs (run_records.py, make test's agree phase) is given records made here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbformat.v4 import new_output

from hlcourse._notebooks import execute, find_lessons, pair_differences, stored_outputs
from tests.lessons.run_records import (
    RECORD_ENV,
    cell_text,
    check_records,
    compare_runs,
    record_run,
)

ROOT = Path(__file__).resolve().parents[2]

SOURCE = """# %% [markdown]
# # 98 · Broken

# %%
value = 1 + 1

# %%
raise RuntimeError("this lesson is broken on purpose")
"""

EXERCISE = """
# %%
import hlcourse as hlc

# %%
answer = ...
hlc.check("00.1", answer)
"""


def write_lesson(folder: Path, source: str, slug: str = "98_broken") -> tuple[Path, Path]:
    py = folder / "src" / f"{slug}.py"  # where the course keeps its sources
    py.parent.mkdir(exist_ok=True)
    py.write_text(source)
    ipynb = folder / f"{slug}.ipynb"
    jupytext.write(jupytext.read(py), ipynb)
    return py, ipynb


def run_harness(ipynb: Path, record: Path | None = None) -> subprocess.CompletedProcess:
    """The lessons phase's command (tools/check.py) on one notebook; its run recorded into
    `record` when given."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(RECORD_ENV, None)
    if record is not None:
        env[RECORD_ENV] = str(record)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p",
         "tests.lessons.rerun_plugin", "--nbval-lax", "--nbval-current-env", "-rf",
         str(ipynb), "--rootdir", str(ipynb.parent)],
        capture_output=True, text=True, cwd=ROOT,
        env=env,
    )  # fmt: skip


@pytest.fixture
def broken(tmp_path):
    return write_lesson(tmp_path, SOURCE)


def test_a_lesson_that_raises_fails(broken):
    result = run_harness(broken[1])
    assert result.returncode == 1, result.stdout[-2000:]
    assert "this lesson is broken on purpose" in result.stdout
    # nbval's Cell 1 fails; the lesson has no exercises, so `Solutions pass` fails too
    assert "FAILED" in result.stdout and "Cell 1" in result.stdout
    assert "has no exercises" in result.stdout


def test_a_clean_lesson_with_an_exercise_passes_and_is_recorded(tmp_path):
    _, ipynb = write_lesson(tmp_path, "# %%\nvalue = 2\nprint(value)\n" + EXERCISE, "97_clean")
    record = tmp_path / "record"
    result = run_harness(ipynb, record)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout  # 3 code cells run once, then `Solutions pass`
    solutions = json.loads((record / "solutions" / "97_clean.json").read_text())["cells"]
    assert [cell_text(cell["outputs"]) for cell in solutions][0] == "[stdout] 2"
    # the shipped run, in another fresh kernel (the browser phase records it in JupyterLab)
    shipped = nbformat.read(ipynb, as_version=4)
    execute(shipped, cwd=tmp_path)
    cells = [(c.source, c.outputs) for c in shipped.cells if c.cell_type == "code"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(RECORD_ENV, str(record))
        record_run("shipped", "97_clean", cells)
    assert check_records(record, ["97_clean"]) == []


def test_a_solution_that_fails_is_caught():
    failed = [new_output("stream", name="stdout", text="Exercise 00.1: not yet\n")]
    problems = compare_runs(
        [shipped_cell(EXERCISE_SOURCE, "not attempted")],
        [{"source": EXERCISE_SOURCE, "outputs": failed}],
        "93_wrong",
    )
    assert "did not pass" in problems[0]


def shipped_cell(source: str, text: str) -> dict:
    return {"source": source, "outputs": [new_output("stream", name="stdout", text=text + "\n")]}


EXERCISE_SOURCE = 'answer = ...\nhlc.check("00.1", answer)'


def test_a_lesson_that_prints_differently_in_two_kernels_fails():
    """A cell that depends on hidden state (a counter, the clock, the learner's answers)."""
    problems = compare_runs(
        [shipped_cell("print(runs)", "run 1"), shipped_cell(EXERCISE_SOURCE, "not attempted")],
        [shipped_cell("print(runs)", "run 2"), shipped_cell(EXERCISE_SOURCE, "passed")],
        "96_hidden_state",
    )
    assert len(problems) == 1 and "printed different text in two fresh kernels" in problems[0]
    same = compare_runs(
        [shipped_cell("fit()", "took 3 ms")], [shipped_cell("fit()", "took 5 ms")], "96"
    )
    assert same == []  # timings are sanitized away


def test_an_exercise_shipped_with_its_answer_fails():
    problems = compare_runs(
        [shipped_cell(EXERCISE_SOURCE, "passed")], [shipped_cell(EXERCISE_SOURCE, "passed")], "95"
    )
    assert "should say 'not attempted'" in problems[0]


def test_a_warning_shown_to_the_learner_fails(tmp_path):
    warns = "# %%\nimport warnings\nwarnings.warn('careful', UserWarning)\n"
    _, ipynb = write_lesson(tmp_path, warns + EXERCISE, "94_warns")
    result = run_harness(ipynb)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "shows a warning to the learner" in result.stdout
    stderr = new_output("stream", name="stderr", text="UserWarning: careful\n")
    problems = compare_runs(
        [{"source": "warn()", "outputs": [stderr]}], [shipped_cell("warn()", "")], "94"
    )
    assert "shows a warning to the learner (shipped" in problems[0]


def test_a_run_that_did_not_finish_is_caught(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "92_x.json").write_text(json.dumps({"cells": []}))
    (problem,) = check_records(tmp_path, ["92_x"])
    assert "no shipped run recorded" in problem and "browser phase" in problem


def test_an_out_of_sync_pair_is_caught(broken):
    py, ipynb = broken
    assert pair_differences(py, ipynb) == []
    py.write_text(SOURCE.replace("1 + 1", "1 + 2"))
    assert pair_differences(py, ipynb) == ["cell 2 differs (code starting 'value = 1 + 2')"]
    py.write_text(SOURCE + "\n# %%\nextra = 3\n")
    assert "has 4 cells" in pair_differences(py, ipynb)[0]


def test_a_committed_output_is_caught(broken):
    _, ipynb = broken
    assert stored_outputs(ipynb) == []
    notebook = nbformat.read(ipynb, as_version=4)
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    nbformat.write(notebook, ipynb)
    assert stored_outputs(ipynb) == [2]


def test_a_missing_twin_is_found(broken):
    py, ipynb = broken
    ipynb.unlink()
    (lesson,) = find_lessons(ipynb.parent)
    assert lesson.py.exists() and not lesson.ipynb.exists()


def test_a_figure_shown_between_two_prints_reads_as_nbval_reads_it():
    """JupyterLab keeps a figure between two prints; nbval puts a cell's prints together."""
    figure = {"output_type": "display_data", "data": {"text/plain": "<Figure>"}, "metadata": {}}
    shipped = shipped_cell("fit()", "first")
    shipped["outputs"] += [figure, *shipped_cell("fit()", "second")["outputs"]]
    solutions = shipped_cell("fit()", "first\nsecond")
    solutions["outputs"].append(figure)
    assert compare_runs([shipped], [solutions], "91") == []

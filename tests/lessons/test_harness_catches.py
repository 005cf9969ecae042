"""The harness itself is tested: each kind of broken lesson must make it fail.

The lesson runs go through the same command as `make test`'s lessons phase (nbval with
tests/lessons/rerun_plugin.py), in a subprocess, on small lessons written here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from hlcourse._notebooks import find_lessons, pair_differences, stored_outputs

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
    py = folder / f"{slug}.py"
    py.write_text(source)
    ipynb = folder / f"{slug}.ipynb"
    jupytext.write(jupytext.read(py), ipynb)
    return py, ipynb


def run_harness(ipynb: Path) -> subprocess.CompletedProcess:
    """The lessons phase's command (tools/check.py) on one notebook."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p",
         "tests.lessons.rerun_plugin", "--nbval-lax", "--nbval-current-env", "-rf",
         str(ipynb), "--rootdir", str(ipynb.parent)],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


@pytest.fixture
def broken(tmp_path):
    return write_lesson(tmp_path, SOURCE)


def test_a_lesson_that_raises_fails_both_runs(broken):
    result = run_harness(broken[1])
    assert result.returncode == 1, result.stdout[-2000:]
    assert "this lesson is broken on purpose" in result.stdout
    # nbval's Cell 1 fails; the lesson has no exercises, so the re-run is one failing item
    assert "FAILED" in result.stdout and "Cell 1" in result.stdout
    assert "has no exercises" in result.stdout


def test_a_clean_lesson_with_an_exercise_passes_both_runs(tmp_path):
    _, ipynb = write_lesson(tmp_path, "# %%\nvalue = 2\nprint(value)\n" + EXERCISE, "97_clean")
    result = run_harness(ipynb)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "6 passed" in result.stdout  # 3 code cells, each run twice


def test_a_lesson_that_prints_differently_on_the_second_run_fails(tmp_path):
    counter = "# %%\nruns = globals().get('runs', 0) + 1\nprint('run', runs)\n"
    _, ipynb = write_lesson(tmp_path, counter + EXERCISE, "96_hidden_state")
    result = run_harness(ipynb)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "printed different text on the second run" in result.stdout
    assert "1 failed, 5 passed" in result.stdout


def test_an_exercise_shipped_with_its_answer_fails(tmp_path):
    solved = EXERCISE.replace("answer = ...", "answer = 3")
    _, ipynb = write_lesson(tmp_path, solved, "95_solved")
    result = run_harness(ipynb)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "should say 'not attempted'" in result.stdout


def test_a_warning_shown_to_the_learner_fails(tmp_path):
    warns = "# %%\nimport warnings\nwarnings.warn('careful', UserWarning)\n"
    _, ipynb = write_lesson(tmp_path, warns + EXERCISE, "94_warns")
    result = run_harness(ipynb)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "shows a warning to the learner" in result.stdout


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
    (lesson,) = find_lessons(py.parent)
    assert lesson.py.exists() and not lesson.ipynb.exists()

"""The harness itself is tested: each kind of broken lesson must make it fail."""

from __future__ import annotations

import subprocess
import sys

import jupytext
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from hlcourse._notebooks import find_lessons, pair_differences, stored_outputs

from .test_rerun import run_twice

SOURCE = """# %% [markdown]
# # 98 · Broken

# %%
value = 1 + 1

# %%
raise RuntimeError("this lesson is broken on purpose")
"""


@pytest.fixture
def broken(tmp_path):
    py = tmp_path / "98_broken.py"
    py.write_text(SOURCE)
    ipynb = tmp_path / "98_broken.ipynb"
    jupytext.write(jupytext.read(py), ipynb)
    return py, ipynb


def test_nbval_fails_on_a_lesson_that_raises(broken, tmp_path):
    _, ipynb = broken
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", str(ipynb), "--rootdir", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-2000:]
    assert "this lesson is broken on purpose" in result.stdout
    assert "1 failed" in result.stdout


def test_rerun_check_fails_on_a_lesson_that_raises(broken):
    py, _ = broken
    with pytest.raises(CellExecutionError, match="broken on purpose"):
        run_twice(py, timeout=120)


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

"""Lesson files for the harness, the bench and the tools: finding lessons, comparing a
jupytext pair cell by cell, spotting outputs, and running a lesson in a real kernel.

Needs the `test` and `lab` extras (jupytext, nbformat, nbclient); imported only by tools and
tests, never by a lesson.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

LESSON_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+$")
EXERCISE_CALL = re.compile(r"""check\(\s*["'](\d\d\.\d+)["']""")


@dataclass(frozen=True)
class LessonFiles:
    """One lesson's pair of files (either may be missing)."""

    slug: str
    py: Path
    ipynb: Path


SOURCE_DIR = "src"
"""Where a lesson's jupytext source sits, relative to its notebook (``formats:
ipynb,src//py:percent``), so learners see one file per lesson."""


def find_lessons(folder: Path) -> list[LessonFiles]:
    """Every lesson in `folder`: any `NN_slug.ipynb` in it or `NN_slug.py` in its `src/`,
    sorted by name."""
    folder = Path(folder)
    found = [*folder.glob("*.ipynb"), *folder.glob(f"{SOURCE_DIR}/*.py")]
    slugs = {path.stem for path in found if LESSON_NAME.match(path.stem)}
    return [
        LessonFiles(s, folder / SOURCE_DIR / f"{s}.py", folder / f"{s}.ipynb")
        for s in sorted(slugs)
    ]


def read_cells(path: Path) -> list[tuple[str, str]]:
    """(cell type, source) of every cell, read the way jupytext reads either format."""
    import jupytext

    notebook = jupytext.read(path)
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def pair_differences(py: Path, ipynb: Path) -> list[str]:
    """Where a jupytext pair disagrees, in words (empty when the cells match).

    jupytext's own `--diff` and `--test` compare a file with its own round trip, not with the
    other file of its pair, so they miss a pair edited on one side only; this compares
    cell types and sources read from both files.
    """
    left, right = read_cells(py), read_cells(ipynb)
    problems = []
    if len(left) != len(right):
        problems.append(f"{py.name} has {len(left)} cells, {ipynb.name} has {len(right)}")
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            first_line = (a[1].splitlines() or [""])[0][:60]
            problems.append(f"cell {index + 1} differs ({a[0]} starting {first_line!r})")
            break
    return problems


def stored_outputs(ipynb: Path) -> list[int]:
    """Numbers (1-based) of code cells stored with outputs or an execution count."""
    import nbformat

    notebook = nbformat.read(ipynb, as_version=4)
    return [
        index + 1
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


# --- comparing what cells print ---------------------------------------------------------

_SANITIZE = [
    (re.compile(r"\x1b\[[0-9;]*[A-Za-z]"), ""),  # terminal colours
    (re.compile(r"0x[0-9a-fA-F]+"), "0x…"),  # object addresses
    (re.compile(r"\b\d+(\.\d+)?\s?(ms|µs|us|s|sec|seconds|min)\b(/step|/epoch)?"), "<time>"),
    (re.compile(r"'model_id': '[0-9a-f]+'"), "'model_id': …"),
]


def sanitize(text: str) -> str:
    """The one sanitizer for comparing cell output text across runs: removes what changes by
    itself (timings, memory addresses, widget ids, terminal colours)."""
    for pattern, replacement in _SANITIZE:
        text = pattern.sub(replacement, text)
    return text


def output_text(cell) -> str:
    """stdout, stderr, text/plain and error text of an executed code cell, sanitized.

    Consecutive stream messages of the same name are joined first: a kernel may deliver one
    loop's printing in one message or in several, depending on timing.
    """
    parts: list[list[str]] = []  # [label, text]
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            label = f"[{output['name']}]"
            if parts and parts[-1][0] == label:
                parts[-1][1] += output["text"]
            else:
                parts.append([label, output["text"]])
        elif kind in ("execute_result", "display_data"):
            parts.append(["", str(output.get("data", {}).get("text/plain", ""))])
        elif kind == "error":
            parts.append(["[error]", f"{output['ename']}: {output['evalue']}"])
    return sanitize("\n".join(f"{label} {text}".strip() for label, text in parts))


# --- running lessons --------------------------------------------------------------------


@dataclass
class RunResult:
    """What running a lesson in a fresh kernel measured."""

    notebook: object  # the executed nbformat notebook
    seconds: float
    peak_rss_mb: float | None


_PEAK_RSS_CODE = """
import resource as _r, sys as _s
print(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if _s.platform == "darwin" else 1024))
"""


def execute(notebook, cwd: Path, timeout: int = 300, client=None):
    """Execute every cell of `notebook` in a kernel (a new one unless `client` is given).

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised; its message names the cell.
    """
    from nbclient import NotebookClient

    client = client or NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return client


def run_lesson(path: Path, timeout: int = 300, env: dict[str, str] | None = None) -> RunResult:
    """Run a lesson from the top in a fresh kernel, measuring wall time and peak memory.

    Args:
        path: the lesson's source (``src/NN_slug.py``) or notebook.
        timeout: seconds any one cell may take.
        env: extra environment variables for the kernel (e.g. ``HLCOURSE_SEED``).
    """
    import os

    import jupytext
    import nbformat
    from nbclient import NotebookClient

    notebook = jupytext.read(path)
    # A source in src/ runs in its notebook's folder, where learners and nbval run the lesson.
    where = path.parent.parent if path.parent.name == SOURCE_DIR else path.parent
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(where)}},
    )  # fmt: skip
    start = time.perf_counter()
    with client.setup_kernel(env={**os.environ, **(env or {})}):
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        probe = nbformat.v4.new_code_cell(_PEAK_RSS_CODE)
        notebook.cells.append(probe)  # nbclient stores each executed cell back into the notebook
        client.execute_cell(probe, len(notebook.cells) - 1)
        notebook.cells.pop()
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
    peak = float(text.strip()) if text.strip() else None
    return RunResult(notebook, seconds, peak)


def compare_runs(first, second) -> dict:
    """Compare two executed runs of the same lesson cell by cell, after `sanitize`.

    Used by `make bench`, which runs every lesson twice, each time in a fresh kernel: a lesson
    must print the same text in a new process (same seeds, no dependence on the machine's
    state). Returns {"cells": code cells compared, "matching": how many printed the same,
    "differing": [{"cell": 1-based code cell number, "first": text, "second": text}, ...]}.
    """
    code_a = [cell for cell in first.cells if cell.cell_type == "code"]
    code_b = [cell for cell in second.cells if cell.cell_type == "code"]
    if len(code_a) != len(code_b):
        raise ValueError(
            f"Received runs with {len(code_a)} and {len(code_b)} code cells; compare two runs "
            "of the same lesson."
        )
    differing = []
    for number, (a, b) in enumerate(zip(code_a, code_b, strict=True), start=1):
        text_a, text_b = output_text(a), output_text(b)
        if text_a != text_b:
            differing.append({"cell": number, "first": text_a[:300], "second": text_b[:300]})
    return {"cells": len(code_a), "matching": len(code_a) - len(differing), "differing": differing}


def fill_in_solutions(notebook) -> list[str]:
    """Replace every exercise cell's learner part with its reference solution, in place.

    An exercise cell ends with its `check("NN.K", answer)` call; everything before that line is
    the learner's part. Returns the exercise ids filled in.
    """
    from hlcourse.exercises import get_exercise

    filled = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        match = EXERCISE_CALL.search(cell.source)
        if not match:
            continue
        lines = cell.source.rstrip().splitlines()
        check_line = lines[-1]
        if not EXERCISE_CALL.search(check_line):
            raise ValueError(
                f"Exercise {match.group(1)}: the cell must end with its check(...) call; "
                f"it ends with {check_line!r}"
            )
        cell.source = get_exercise(match.group(1)).solution + "\n" + check_line
        filled.append(match.group(1))
    return filled

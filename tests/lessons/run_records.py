"""What each run of a lesson printed, kept so that two runs in two fresh kernels can be compared.

`make test` runs every lesson twice, each in its own fresh kernel:

- the lessons phase (nbval with `tests.lessons.rerun_plugin`) runs it with every exercise filled
  in with its reference solution: the record ``solutions/<slug>.json``;
- the browser phase runs it as shipped, in JupyterLab: the record ``shipped/<slug>.json``.

Both write here when the environment variable ``HLCOURSE_RUN_RECORD`` names a folder (`make
test` sets it). Then ``python -m tests.lessons.run_records FOLDER`` (make test's ``agree``
phase) checks, for every lesson, that both runs were recorded and that:

- every exercise said "not attempted" as shipped and "passed" with its solution;
- every other cell printed the same text in both runs (after the shared sanitizer): a lesson
  that depends on hidden state, on the machine or on the learner's answers fails here;
- no cell of either run showed a warning on stderr (a learner would see it).
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path

import nbformat
from nbval.plugin import coalesce_streams

from hlcourse._notebooks import EXERCISE_CALL, output_text

RECORD_ENV = "HLCOURSE_RUN_RECORD"
KINDS = ("shipped", "solutions")


def record_folder() -> Path | None:
    """The folder named by HLCOURSE_RUN_RECORD, or None when runs are not recorded."""
    folder = os.environ.get(RECORD_ENV)
    return Path(folder) if folder else None


def record_run(kind: str, slug: str, cells: list[tuple[str, list[dict]]]) -> Path | None:
    """Write one run of lesson `slug`: each code cell's (source, outputs as nbformat dicts).

    Does nothing (returns None) when HLCOURSE_RUN_RECORD is not set.
    """
    if kind not in KINDS:
        raise ValueError(f"Received kind={kind!r}; use one of {KINDS}.")
    folder = record_folder()
    if folder is None:
        return None
    path = folder / kind / f"{slug}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    # a browser leaves absent fields as None: dropped, so both runs' outputs read alike
    cells_json = [
        {"source": source, "outputs": [_present(output) for output in outputs]}
        for source, outputs in cells
    ]
    path.write_text(json.dumps({"slug": slug, "cells": cells_json}), encoding="utf-8")
    return path


def _present(output: dict) -> dict:
    return {key: value for key, value in output.items() if value is not None}


def cell_text(outputs: list[dict]) -> str:
    """The sanitized text a cell printed, as the lesson harness compares it.

    Streams are merged the way nbval merges them (all of a cell's stdout into one output, at
    its first place; carriage returns and backspaces applied): whether a figure is shown
    between two prints or after both depends on when the kernel flushed its output, and
    JupyterLab keeps that order where nbval does not.
    """
    merged = coalesce_streams([nbformat.from_dict(copy.deepcopy(o)) for o in outputs])
    return output_text({"outputs": merged})


def warning_shown(outputs: list[dict]) -> str:
    """The cell's stderr when it shows a warning, else an empty string."""
    stderr = "".join(
        o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    return stderr if "Warning" in stderr else ""


def compare_runs(shipped: list[dict], solutions: list[dict], slug: str) -> list[str]:
    """Problems between a lesson's shipped run and its run with solutions (empty: they agree)."""
    if len(shipped) != len(solutions):
        return [
            f"{slug}: the shipped run recorded {len(shipped)} code cells and the run with "
            f"solutions {len(solutions)}; both must run the whole lesson"
        ]
    problems = []
    for number, (first, second) in enumerate(zip(shipped, solutions, strict=True), start=1):
        where = f"{slug} code cell {number} (`{first['source'].strip().splitlines()[0][:60] if first['source'].strip() else ''}`)"
        for run, cell in (("shipped", first), ("with solutions", second)):
            shown = warning_shown(cell["outputs"])
            if shown:
                problems.append(
                    f"{where} shows a warning to the learner ({run}; catch it where the lesson "
                    f"teaches it, or fix its cause):\n{shown[:500]}"
                )
        text_first, text_second = cell_text(first["outputs"]), cell_text(second["outputs"])
        exercise = EXERCISE_CALL.search(first["source"])
        if exercise:
            if "not attempted" not in text_first:
                problems.append(
                    f"{where}: exercise {exercise.group(1)} as shipped should say 'not "
                    f"attempted': {text_first[:300]}"
                )
            if "passed" not in text_second:
                problems.append(
                    f"{where}: the reference solution of exercise {exercise.group(1)} did not "
                    f"pass: {text_second[:300]}"
                )
        elif text_first != text_second:
            problems.append(
                f"{where} printed different text in two fresh kernels (shipped in JupyterLab, "
                f"then with solutions under nbval):\nshipped:        {text_first[:500]}\n"
                f"with solutions: {text_second[:500]}"
            )
    return problems


def check_records(folder: Path, slugs: list[str]) -> list[str]:
    """Every lesson in `slugs` recorded by both runs under `folder`, and the runs agree."""
    problems = []
    for slug in slugs:
        runs = {}
        for kind in KINDS:
            path = folder / kind / f"{slug}.json"
            if not path.exists():
                phase = "browser" if kind == "shipped" else "lessons"
                problems.append(
                    f"{slug}: no {kind} run recorded in {path.parent}; the {phase} phase did not "
                    f"finish it (see that phase's output)"
                )
                continue
            runs[kind] = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if len(runs) == len(KINDS):
            problems.extend(compare_runs(runs["shipped"], runs["solutions"], slug))
    return problems


def main(argv: list[str]) -> int:
    """`python -m tests.lessons.run_records FOLDER`: compare every lesson's two recorded runs."""
    from tests.lessons.conftest import LESSON_IDS

    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(f"Received {argv}; give the one folder that HLCOURSE_RUN_RECORD named.")
        return 2
    problems = check_records(Path(argv[0]), LESSON_IDS)
    for problem in problems:
        print(f"FAILED {problem}\n")
    print(
        f"{len(LESSON_IDS)} lessons, each run as shipped and with solutions in two fresh "
        f"kernels: {'they agree' if not problems else f'{len(problems)} problem(s)'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

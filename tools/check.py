"""`make test`: set up the environment, then run every check, timing each phase.

Phases run in order and all run even when one fails, so one `make test` reports everything;
the exit status is non-zero when any phase failed. Run a single phase with
`python tools/check.py unit` (names below).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hlcourse import _bootstrap  # noqa: E402  (standard library only)

PYTEST = ["-m", "pytest", "-p", "no:cacheprovider"]
WORKERS = ["-n", os.environ.get("HLCOURSE_TEST_WORKERS", "2"), "--dist", "loadfile"]

# name, what it proves, command after the environment's python
PHASES = [
    ("lint", "ruff lint", ["-m", "ruff", "check", "."]),
    ("format", "ruff format check", ["-m", "ruff", "format", "--check", "."]),
    ("unit", "unit tests of hlcourse, the bad-input table, the bench results, security",
     [*PYTEST, "tests", "--ignore=tests/lessons", "--ignore=tests/browser",
      "--ignore=tests/test_binder_parity.py", *WORKERS]),
    # --nbval-lax: lessons are committed without outputs, so there is nothing stored to compare
    # against; every cell must still run without error, and the re-run plugin compares each
    # cell's text between the two runs itself.
    ("lessons", "nbval over every lesson, then its re-run with solutions; pairs, sync, outputs",
     [*PYTEST, "-p", "tests.lessons.rerun_plugin", "--nbval-lax", "--nbval-current-env",
      "notebooks", "tests/lessons", *WORKERS]),
    ("browser", "every lesson opened, run and operated in JupyterLab in Chromium",
     [*PYTEST, "tests/browser"]),
    ("binder", "a fresh environment built from binder/ as repo2docker would, lesson 00 run in it",
     [*PYTEST, "tests/test_binder_parity.py"]),
]  # fmt: skip

# The binder phase is mostly pip unpacking wheels on one core, while the browser phase is a
# single pytest process that often waits on Chromium: run together they save ~2 minutes.
ALONGSIDE = {"binder": "browser"}


def report(results: list, name: str, what: str, code: int, seconds: float) -> None:
    results.append((name, what, code, seconds))
    print(
        f"=== {name}: {'passed' if code == 0 else f'FAILED (exit {code})'} in {seconds:.0f} s ===",
        flush=True,
    )


def main(selected: list[str]) -> int:
    unknown = set(selected) - {name for name, _, _ in PHASES}
    if unknown:
        print(f"Unknown phase(s) {sorted(unknown)}; choose from {[p[0] for p in PHASES]}.")
        return 2
    results = []
    start = time.perf_counter()
    python = _bootstrap.ensure_venv()
    results.append(
        ("setup", "virtual environment from requirements.lock", 0, time.perf_counter() - start)
    )
    # Exercises passed while lessons run are recorded (hlcourse.progress): into a throwaway
    # file, never the developer's own progress.
    scratch = tempfile.mkdtemp(prefix="hlcourse-check-")
    env = dict(
        os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONDONTWRITEBYTECODE="1",
        HLCOURSE_PROGRESS_FILE=os.path.join(scratch, "progress.json"),
    )  # fmt: skip
    chosen = [phase for phase in PHASES if not selected or phase[0] in selected]
    names = {name for name, _, _ in chosen}
    background = {}  # name -> (process, its output file, start time, what it proves)
    for name, what, command in chosen:
        partner = ALONGSIDE.get(name)
        if partner in names:
            continue  # started with its partner below
        for other, other_what, other_command in chosen:
            if ALONGSIDE.get(other) == name:
                log = tempfile.TemporaryFile(mode="w+")
                print(f"\n=== {other}: {other_what} (started alongside {name}) ===", flush=True)
                process = subprocess.Popen(
                    [str(python), *other_command], cwd=ROOT, env=env, stdout=log, stderr=log
                )
                background[other] = (process, log, time.perf_counter(), other_what)
        print(f"\n=== {name}: {what} ===", flush=True)
        began = time.perf_counter()
        code = subprocess.call([str(python), *command], cwd=ROOT, env=env)
        report(results, name, what, code, time.perf_counter() - began)
        for other in [o for o in background if ALONGSIDE[o] == name]:
            process, log, other_began, other_what = background.pop(other)
            code = process.wait()
            log.seek(0)
            print(f"\n=== {other}: output ===\n{log.read()}", end="", flush=True)
            report(results, other, other_what, code, time.perf_counter() - other_began)

    shutil.rmtree(scratch, ignore_errors=True)
    total = time.perf_counter() - start
    print("\nmake test summary")
    for name, what, code, seconds in results:
        print(f"  {'ok  ' if code == 0 else 'FAIL'}  {name:<8} {seconds:6.0f} s  {what}")
    failed = [name for name, _, code, _ in results if code != 0]
    print(
        f"  total {total:.0f} s ({total / 60:.1f} min); {'all phases passed' if not failed else 'failed: ' + ', '.join(failed)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

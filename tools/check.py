"""`make test` and `make check`: set up the environment, then run the checks, timing each phase.

`make test` (``python tools/check.py``) runs every phase. The browser and Binder phases spend
much of their time waiting (on Chromium, on JupyterLab, on pip's downloads and disk), so they
start in the background when the unit phase starts and run alongside unit and lessons; the
`agree` phase, last, compares each lesson's two runs (shipped, in the browser; with solutions,
in the lessons phase). Every phase runs even when another fails, so one `make test` reports
everything; the exit status is non-zero when any phase failed.

`make check` (``python tools/check.py --changed``) is the fast tier for the edit-test loop:
lint, format and import contracts on the whole tree, then only the unit tests and the lessons
that the change touches (`tools/changed.py` decides from git and the imports), in one pytest.

Run some phases only with ``python tools/check.py unit lessons`` (names below).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hlcourse import _bootstrap  # noqa: E402  (standard library only)
from tools import changed  # noqa: E402  (standard library only)

PYTEST = ["-m", "pytest", "-p", "no:cacheprovider"]
WORKERS = ["-n", os.environ.get("HLCOURSE_TEST_WORKERS", "2"), "--dist", "loadfile"]
# --nbval-lax: lessons are committed without outputs, so there is nothing stored to compare
# against; every cell must still run without error (the plugin adds its own checks).
LESSON_RUN = ["-p", "tests.lessons.rerun_plugin", "--nbval-lax", "--nbval-current-env"]
SLOW = [
    "--ignore=tests/browser",
    "--ignore=tests/test_binder_parity.py",
    "--ignore=tests/hub/test_class_on_hub.py",
]
# import-linter's `lint-imports` command, run by the environment's python (no PATH needed);
# --no-cache: its cache folder would land in the repository.
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"


@dataclass(frozen=True)
class Phase:
    """One step of `make test`.

    Attributes:
        name: what `python tools/check.py NAME` calls it.
        what: what it proves, for the summary.
        command: arguments after the environment's python.
        alongside: the phase whose start starts this one in the background (it mostly waits,
            so it costs the foreground little), or None to run in the foreground, in order.
        after: background phases that must have finished before this one starts.
    """

    name: str
    what: str
    command: tuple[str, ...]
    alongside: str | None = None
    after: tuple[str, ...] = ()


PHASES = [
    Phase("lint", "ruff lint", ("-m", "ruff", "check", ".")),
    Phase("format", "ruff format check", ("-m", "ruff", "format", "--check", ".")),
    Phase("imports", "import contracts (pyproject's [tool.importlinter]): layers, no cycles",
          ("-c", LINT_IMPORTS, "--no-cache", "--no-logo")),
    Phase("unit", "unit tests of hlcourse, the bad-input table, the bench results, security",
          (*PYTEST, "tests", "--ignore=tests/lessons", *SLOW, *WORKERS, "--durations=15")),
    Phase("lessons", "nbval over every lesson with solutions; pairs, sync, outputs, harness",
          (*PYTEST, *LESSON_RUN, "notebooks", "tests/lessons", *WORKERS)),
    Phase("browser", "every lesson opened, run as shipped and operated in JupyterLab in Chromium",
          (*PYTEST, "tests/browser", "--durations=10"), alongside="unit"),
    Phase("binder", "a fresh environment built from binder/ as repo2docker would, lesson 00 run in it",
          (*PYTEST, "tests/test_binder_parity.py"), alongside="unit"),
    Phase("colab", "every lesson as shipped in a Colab-like environment (ipywidgets 7), installed by its first cell",
          (*PYTEST, "tests/colab/check_colab.py", "--durations=15"), alongside="unit"),
    Phase("agree", "each lesson's two runs, in two fresh kernels, print the same",
          ("-m", "tests.lessons.run_records"), after=("browser",)),
    Phase("hub", "the README's class workflow: two learners, nbgitpuller, an update, on a real JupyterHub",
          (*PYTEST, "tests/hub/test_class_on_hub.py"), alongside="lessons"),
]  # fmt: skip
NAMES = [phase.name for phase in PHASES]


@dataclass
class Running:
    """A background phase: its process, where its output goes, when it started."""

    phase: Phase
    process: subprocess.Popen
    log: object
    began: float


def wait(process: subprocess.Popen) -> tuple[int, float | None]:
    """Wait for `process`; return its exit code and the CPU seconds it and the children it
    waited for used (None where the system does not say: Windows)."""
    if not hasattr(os, "wait4"):
        return process.wait(), None
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime


def _children_cpu() -> float | None:
    """CPU seconds of the child processes waited for so far (None on Windows)."""
    try:
        import resource
    except ImportError:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_since(before: float | None) -> float | None:
    now = _children_cpu()
    return None if now is None or before is None else now - before


class Runner:
    """Runs phases with one environment and keeps their results for the summary."""

    def __init__(self, python: Path, env: dict[str, str]):
        self.python = python
        self.env = env
        self.results: list[tuple[str, str, int, float, float | None]] = []
        self.background: dict[str, Running] = {}

    def report(
        self, name: str, what: str, code: int, seconds: float, cpu: float | None = None
    ) -> None:
        """Note a phase's result; `cpu`: its CPU seconds, which show how much of the machine
        it took (more than its wall time: it kept more than one core busy)."""
        self.results.append((name, what, code, seconds, cpu))
        verdict = "passed" if code == 0 else f"FAILED (exit {code})"
        used = f" (CPU {cpu:.0f} s)" if cpu is not None else ""
        print(f"=== {name}: {verdict} in {seconds:.0f} s{used} ===", flush=True)

    def environment(self, phase: Phase) -> dict[str, str]:
        env = dict(self.env)
        # The browser's kernels record progress apart from the lessons phase running beside
        # them: a lesson that showed the learner's progress would otherwise see the other's.
        env["HLCOURSE_PROGRESS_FILE"] = f"{self.env['HLCOURSE_PROGRESS_FILE']}.{phase.name}"
        return env

    def run(self, phase: Phase, extra: list[str] | None = None) -> int:
        print(f"\n=== {phase.name}: {phase.what} ===", flush=True)
        began = time.perf_counter()
        command = [str(self.python), *phase.command, *(extra or [])]
        process = subprocess.Popen(command, cwd=ROOT, env=self.environment(phase))
        code, cpu = wait(process)
        self.report(phase.name, phase.what, code, time.perf_counter() - began, cpu)
        return code

    def start(self, phase: Phase, because: str) -> None:
        print(f"\n=== {phase.name}: {phase.what} (started alongside {because}) ===", flush=True)
        log = tempfile.TemporaryFile(mode="w+")
        process = subprocess.Popen(
            [str(self.python), *phase.command],
            cwd=ROOT,
            env=self.environment(phase),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.background[phase.name] = Running(phase, process, log, time.perf_counter())

    def join(self, name: str) -> None:
        running = self.background.pop(name, None)
        if running is None:
            return
        code, cpu = wait(running.process)
        running.log.seek(0)
        print(f"\n=== {name}: output ===\n{running.log.read()}", end="", flush=True)
        running.log.close()
        self.report(name, running.phase.what, code, time.perf_counter() - running.began, cpu)

    def join_all(self) -> None:
        for name in list(self.background):
            self.join(name)


def full_run(runner: Runner, selected: list[str], record: Path) -> None:
    """The phases of `make test` (or the selected ones), background phases alongside."""
    chosen = [p for p in PHASES if not selected or p.name in selected]
    if {"lessons", "browser"} <= {p.name for p in chosen} and "agree" not in selected:
        chosen = list(dict.fromkeys([*chosen, *[p for p in PHASES if p.name == "agree"]]))
    names = {p.name for p in chosen}
    foreground = [p for p in chosen if p.alongside is None or p.alongside not in names]
    for phase in foreground:
        for other in chosen:
            if other.alongside == phase.name:
                runner.start(other, because=phase.name)
        for name in phase.after:
            runner.join(name)
        extra = [str(record)] if phase.name == "agree" else None
        runner.run(phase, extra)
    runner.join_all()


def changed_run(runner: Runner) -> None:
    """`make check`: lint on everything, then what the change touches, in one pytest."""
    for phase in PHASES:
        if phase.name in ("lint", "format", "imports"):
            runner.run(phase)
    selection = changed.select(changed.changed_files())
    notebooks = [changed.notebook_of(lesson) for lesson in selection.lessons]
    print(
        f"\nchanged since main: {len(selection.changed)} file(s); touched: "
        f"{len(selection.tests)} test file(s), {len(selection.lessons)} lesson(s)"
        + (" (a file everything depends on changed)" if selection.everything else "")
        + "\n  (`python tools/changed.py` lists them; `make test` runs everything)",
        flush=True,
    )
    if not selection.tests and not notebooks:
        runner.report("touched", "nothing the change touches needs a test", 0, 0.0)
        return
    touched = Phase(
        "touched",
        "the unit tests and lessons (with solutions) the change touches",
        (*PYTEST, *LESSON_RUN, *selection.tests, *notebooks, *WORKERS, "--durations=10"),
    )
    runner.run(touched)


def main(argv: list[str]) -> int:
    fast = "--changed" in argv
    selected = [name for name in argv if name != "--changed"]
    unknown = set(selected) - set(NAMES)
    if unknown or (fast and selected):
        print(
            f"Received {argv}; run `python tools/check.py` (every phase), "
            f"`python tools/check.py PHASE...` with phases from {NAMES}, or "
            "`python tools/check.py --changed` alone."
        )
        return 2
    start = time.perf_counter()
    children_before = _children_cpu()
    python = _bootstrap.ensure_venv(dev=True)  # the checks need the test tools as well
    setup = (
        "setup", f"virtual environment from {_bootstrap.DEV_LOCK} (runtime + test tools)", 0,
        time.perf_counter() - start, _cpu_since(children_before),
    )  # fmt: skip
    # Exercises passed while lessons run are recorded (hlcourse.progress): into a throwaway
    # file, never the developer's own progress. The lessons' runs are recorded there too.
    scratch = Path(tempfile.mkdtemp(prefix="hlcourse-check-"))
    record = scratch / "runs"
    env = dict(
        os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", PYTHONDONTWRITEBYTECODE="1",
        HLCOURSE_PROGRESS_FILE=str(scratch / "progress.json"), HLCOURSE_RUN_RECORD=str(record),
    )  # fmt: skip
    runner = Runner(python, env)
    runner.results.append(setup)
    try:
        if fast:
            changed_run(runner)
        else:
            full_run(runner, selected, record)
    finally:
        runner.join_all()
        shutil.rmtree(scratch, ignore_errors=True)
    total = time.perf_counter() - start
    print(f"\nmake {'check' if fast else 'test'} summary")
    for name, what, code, seconds, cpu in runner.results:
        used = f"{cpu:6.0f} s CPU" if cpu is not None else " " * 12
        print(f"  {'ok  ' if code == 0 else 'FAIL'}  {name:<8} {seconds:6.0f} s {used}  {what}")
    failed = [name for name, _, code, _, _ in runner.results if code != 0]
    verdict = "all phases passed" if not failed else "failed: " + ", ".join(failed)
    print(f"  total {total:.0f} s ({total / 60:.1f} min); {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

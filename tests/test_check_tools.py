"""`make test` and `make check` (tools/check.py) and the selection behind `make check`
(tools/changed.py), on small repositories written here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import changed, check

ROOT = Path(__file__).resolve().parents[1]

PACKAGE = {
    "hlcourse/__init__.py": (
        '_LAZY_FUNCTIONS = {"check": "hlcourse.exercises"}\n'
        "def __getattr__(name):\n    return name\n"
    ),
    "hlcourse/shapes.py": "def shape():\n    return 1\n",
    "hlcourse/models.py": "from hlcourse.shapes import shape\n",
    "hlcourse/exercises/__init__.py": (
        "import importlib\n\n\ndef check(exercise, answer):\n"
        '    importlib.import_module(f"hlcourse.exercises.lesson{exercise[:2]}")\n'
    ),
    "hlcourse/exercises/lesson00.py": "",
    "hlcourse/exercises/lesson01.py": "from ..models import shape\n",
    "hlcourse/widgets/__init__.py": (
        "from hlcourse.widgets.slider import slider\nfrom .lab import lab\n"
    ),
    "hlcourse/widgets/slider.py": "from hlcourse import shapes\ndef slider():\n    pass\n",
    "hlcourse/widgets/lab.py": "from hlcourse import models\ndef lab():\n    pass\n",
    "tests/conftest.py": "",
    "tests/test_shapes.py": "from hlcourse.shapes import shape\n",
    "tests/test_models.py": "import hlcourse.models\n",
    "tests/test_slider.py": "import hlcourse as hlc\n\nhlc.widgets.slider()\n",
    "tests/test_lab.py": "from hlcourse.widgets import lab\n",
    "tests/test_helpers_user.py": "from tests.helpers import make\n",
    "tests/helpers.py": "from hlcourse import models\n",
    "tests/browser/test_in_browser.py": "import hlcourse.shapes\n",
    "tests/lessons/test_lesson_files.py": "",
    "notebooks/src/00_start.py": 'import hlcourse as hlc\nhlc.check("00.1", 1)\n',
    "notebooks/src/01_models.py": 'import hlcourse as hlc\nhlc.widgets.lab()\nhlc.check("01.1", 1)\n',
    "README.md": "# course\n",
    "pyproject.toml": "",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return write_repo(tmp_path_factory.mktemp("repo"), PACKAGE)


def write_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=root, check=True)
    return root


def touched(repo: Path, *names: str) -> tuple[list[str], list[str]]:
    selection = changed.select(set(names), root=repo)
    return selection.tests, selection.lessons


def test_a_module_touches_its_importers_through_the_chain(repo):
    tests, lessons = touched(repo, "hlcourse/shapes.py")
    # models imports shapes; test_helpers_user imports tests.helpers, which imports models
    assert tests == [
        "tests/lessons/test_lesson_files.py",  # lessons are touched: their files' checks too
        "tests/test_helpers_user.py", "tests/test_lab.py", "tests/test_models.py",
        "tests/test_shapes.py", "tests/test_slider.py",
    ]  # fmt: skip
    assert "tests/browser/test_in_browser.py" not in tests  # left to make test
    assert lessons == ["notebooks/src/01_models.py"]  # through hlc.widgets.lab and its exercises


def test_a_widget_touches_what_uses_it_not_every_widget_user(repo):
    tests, lessons = touched(repo, "hlcourse/widgets/slider.py")
    assert tests == ["tests/test_slider.py"]  # through `hlc.widgets.slider`
    assert lessons == []
    tests, lessons = touched(repo, "hlcourse/widgets/lab.py")
    assert "tests/test_lab.py" in tests and "tests/test_slider.py" not in tests
    assert lessons == ["notebooks/src/01_models.py"]


def test_a_widget_package_passes_its_parts_changes_to_what_calls_it(tmp_path):
    """`hlc.widgets.board(...)` calls what the package `widgets/board/` gathers from its
    modules: a change to one of them touches the lesson that calls it."""
    root = write_repo(tmp_path, {
        **PACKAGE,
        "hlcourse/widgets/board/__init__.py": "from hlcourse.widgets.board.ui import board\n",
        "hlcourse/widgets/board/ui.py": "from .pieces import piece\ndef board():\n    pass\n",
        "hlcourse/widgets/board/pieces.py": "def piece():\n    pass\n",
        "notebooks/src/02_board.py": 'import hlcourse as hlc\nhlc.widgets.board()\nhlc.check("02.1", 1)\n',
        "tests/widgets/test_pieces.py": "from hlcourse.widgets.board.pieces import piece\n",
    })  # fmt: skip
    for part in ("hlcourse/widgets/board/ui.py", "hlcourse/widgets/board/pieces.py"):
        tests, lessons = touched(root, part)
        assert lessons == ["notebooks/src/02_board.py"], part
    tests, lessons = touched(root, "hlcourse/widgets/board/pieces.py")
    assert "tests/widgets/test_pieces.py" in tests and "tests/test_slider.py" not in tests


def test_a_lazily_loaded_family_touches_the_lessons_that_call_its_names(tmp_path):
    """`hlcourse/plots/__init__.py` loads a family module on first use of one of its names
    (a dict of family -> names): `hlc.plots.plot_map(...)` depends on `plots/plane.py`."""
    root = write_repo(tmp_path, {
        **PACKAGE,
        "hlcourse/plots/__init__.py": (
            '_FAMILIES = {"plane": ("plot_map", "grid"), "curves": ("plot_history",)}\n'
            "def __getattr__(name):\n    return name\n"
        ),
        "hlcourse/plots/plane.py": "def plot_map():\n    pass\n",
        "hlcourse/plots/curves.py": "def plot_history():\n    pass\n",
        "notebooks/src/02_plots.py": 'import hlcourse as hlc\nhlc.plots.plot_map()\nhlc.check("02.1", 1)\n',
    })  # fmt: skip
    assert touched(root, "hlcourse/plots/plane.py")[1] == ["notebooks/src/02_plots.py"]
    assert touched(root, "hlcourse/plots/curves.py")[1] == []


def test_an_exercise_module_touches_its_own_lesson(repo):
    tests, lessons = touched(repo, "hlcourse/exercises/lesson00.py")
    assert lessons == ["notebooks/src/00_start.py"]
    assert "tests/lessons/test_lesson_files.py" in tests  # a lesson picked: its file checks too


def test_a_lesson_touches_itself_and_the_lesson_file_checks(repo):
    tests, lessons = touched(repo, "notebooks/src/01_models.py")
    assert lessons == ["notebooks/src/01_models.py"]
    assert tests == ["tests/lessons/test_lesson_files.py"]


def test_a_touched_lesson_runs_as_its_paired_notebook():
    """make check hands the lessons phase the notebook beside src/, not the source."""
    assert changed.notebook_of("notebooks/src/01_models.py") == "notebooks/01_models.ipynb"
    for not_a_source in ("notebooks/01_models.py", "notebooks/src/helper.py"):
        with pytest.raises(ValueError, match="notebooks/src/NN_slug.py"):
            changed.notebook_of(not_a_source)


def test_files_no_code_imports_touch_nothing(repo):
    assert touched(repo, "README.md") == ([], [])


@pytest.mark.parametrize("name", ["pyproject.toml", "tests/conftest.py", "hlcourse/__init__.py"])
def test_a_file_everything_depends_on_selects_everything(repo, name):
    selection = changed.select({name}, root=repo)
    assert selection.everything
    assert len(selection.lessons) == 2 and "tests/test_shapes.py" in selection.tests
    assert not any(t.startswith("tests/browser/") for t in selection.tests)


def test_the_change_is_read_from_git(repo):
    (repo / "hlcourse" / "models.py").write_text("from hlcourse.shapes import shape\nX = 1\n")
    (repo / "tests" / "test_new.py").write_text("")
    try:
        assert changed.changed_files(root=repo) == {"hlcourse/models.py", "tests/test_new.py"}
    finally:
        (repo / "hlcourse" / "models.py").write_text(PACKAGE["hlcourse/models.py"])
        (repo / "tests" / "test_new.py").unlink()


def test_changed_refuses_a_file_that_is_not_there(capsys):
    assert changed.main(["no/such/file.py"]) == 2
    assert "not files of the repository" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["nonsense"], ["--changed", "unit"]])
def test_check_refuses_unknown_phases(argv, capsys):
    assert check.main(argv) == 2
    assert "Received" in capsys.readouterr().out


class Recorder(check.Runner):
    """A runner that notes what would run, in which order, instead of running it."""

    def __init__(self):
        super().__init__(Path("python"), {"HLCOURSE_PROGRESS_FILE": "p.json"})
        self.events: list[str] = []

    def run(self, phase, extra=None):
        self.events.append(f"run {phase.name}")
        self.report(phase.name, phase.what, 0, 0.0)
        return 0

    def start(self, phase, because):
        self.events.append(f"start {phase.name}")
        self.background[phase.name] = phase

    def join(self, name):
        if self.background.pop(name, None) is not None:
            self.events.append(f"join {name}")


def test_make_test_runs_the_waiting_phases_alongside_and_compares_the_runs_last(tmp_path):
    runner = Recorder()
    check.full_run(runner, [], tmp_path)
    assert runner.events == [
        "run lint", "run format", "run imports",
        "start browser", "start binder", "start colab", "run unit", "start hub", "run lessons",
        "join browser", "run agree", "join binder", "join colab", "join hub",
    ]  # fmt: skip


def test_lessons_and_browser_alone_are_still_compared(tmp_path):
    runner = Recorder()
    check.full_run(runner, ["lessons", "browser"], tmp_path)
    assert runner.events == ["run lessons", "run browser", "run agree"]


def test_each_phase_records_progress_in_its_own_file():
    runner = check.Runner(Path("python"), {"HLCOURSE_PROGRESS_FILE": "/tmp/p.json"})
    browser, lessons = (
        next(p for p in check.PHASES if p.name == n) for n in ("browser", "lessons")
    )
    assert (
        runner.environment(browser)["HLCOURSE_PROGRESS_FILE"]
        != runner.environment(lessons)["HLCOURSE_PROGRESS_FILE"]
    )


SELF_IMPORT_CONFIG = """
[tool.importlinter]
root_package = "pkg"
contract_types = ["no_self_imports: tools.import_contracts.NoSelfImportsContract"]

[[tool.importlinter.contracts]]
id = "self"
name = "no self-imports"
type = "no_self_imports"
packages = ["pkg"]
"""


@pytest.mark.parametrize(
    ("inner", "kept"),
    [
        ("from pkg.sub._base import X\n", True),  # a sibling module, not the package
        ("from pkg.sub import _base\n", False),  # a sibling, but through the package
        ("from pkg import sub\n", False),  # the package's __init__, which imports this back
        ("from pkg.sub import helper\n", False),  # a name through the package
        ("import importlib\n", True),
    ],
)
def test_the_self_import_contract_finds_a_cycle_through_a_package(tmp_path, inner, kept):
    files = {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "from pkg.sub.mod import helper\n",
        "pkg/sub/_base.py": "X = 1\n",
        "pkg/sub/helper.py": "",
        "pkg/sub/mod.py": inner + "helper = 1\n",
        "pyproject.toml": SELF_IMPORT_CONFIG,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [sys.executable, "-c", check.LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
    )  # fmt: skip
    assert (result.returncode == 0) is kept, result.stdout[-2000:]
    if not kept:
        assert "pkg.sub.mod imports its own package pkg.sub" in result.stdout

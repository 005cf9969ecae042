"""Which unit tests and lessons a change touches: the selection behind `make check`.

The change is every file that differs from the merge-base with `main` (commits on this branch,
staged and unstaged edits) plus untracked files. A test file or a lesson is touched when it
changed itself or when it imports, directly or through other modules of the repository, a
module that changed. Imports are read from the source (no module is imported): ``import
hlcourse as hlc`` followed by ``hlc.widgets...`` counts as importing ``hlcourse.widgets``, and
``hlc.check`` as importing the module `hlcourse/__init__.py` loads it from.

A change to a file that everything depends on (``hlcourse/__init__.py``, a conftest,
pyproject.toml, the lock) touches every test and every lesson. Files that no test or lesson
imports (the README, docs/) touch nothing: the lint phase still reads them.

Standard library only: `tools/check.py --changed` runs it before the environment exists.
``python tools/changed.py`` prints the selection.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_BRANCHES = ("main", "origin/main")
EVERYTHING = ("hlcourse/__init__.py", "pyproject.toml", "requirements.lock", "conftest.py")
"""Files every test and lesson depends on (conftest.py files anywhere under tests/ too)."""
SLOW_TESTS = ("tests/browser/", "tests/test_binder_parity.py")
"""Never in the fast tier: `make test` runs them (minutes each, a browser, a fresh venv)."""
LESSON = re.compile(r"^notebooks/\d\d_[a-z0-9_]+\.py$")
PACKAGE_ALIAS = re.compile(r"\b(?:hlc|hlcourse)\.([a-z_][a-z0-9_]*)")
LAZY_NAME = re.compile(r'"([a-z_]+)": "hlcourse\.([a-z_.]+)"')


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def merge_base() -> str | None:
    """The commit this branch left main at, or None when there is no main to compare with."""
    for branch in BASE_BRANCHES:
        try:
            return _git("merge-base", "HEAD", branch).strip()
        except subprocess.CalledProcessError:
            continue
    return None


def changed_files(base: str | None = None) -> set[str]:
    """Paths (relative to the repository, `/`-separated) that differ from `base` or are new."""
    base = base or merge_base() or "HEAD"
    names = _git("diff", "--name-only", base).splitlines()
    names += _git("ls-files", "--others", "--exclude-standard").splitlines()
    return {name.strip() for name in names if name.strip()}


def module_name(path: str) -> str | None:
    """`hlcourse/plots/base.py` -> `hlcourse.plots.base`; None for a file that is no module."""
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(source: str, package: str, lazy: dict[str, str]) -> set[str]:
    """Every module name `source` imports (and each of its parent packages); `package` is the
    package the file sits in (for `hlcourse/plots/base.py`, `hlcourse.plots`), for relative
    imports; `lazy` maps the names `hlcourse/__init__.py` loads on first use to their module."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..y import z
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(filter(None, [*anchor, base]))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    for match in PACKAGE_ALIAS.finditer(source):
        attribute = match.group(1)
        names.add(lazy.get(attribute, f"hlcourse.{attribute}"))
    with_parents = set()
    for name in names:
        parts = name.split(".")
        with_parents.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
    return with_parents


@dataclass
class Selection:
    """What `make check` runs for a change."""

    changed: set[str]
    tests: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    everything: bool = False
    """True when a file everything depends on changed."""


def python_files() -> list[str]:
    """The repository's tracked and new Python files, lessons included."""
    tracked = _git("ls-files", "--cached", "--others", "--exclude-standard", "*.py").splitlines()
    return sorted(name for name in tracked if (ROOT / name).exists())


def select(changed: set[str]) -> Selection:
    """The test files and lessons that `changed` touches."""
    files = python_files()
    tests = [
        f for f in files
        if f.startswith("tests/") and Path(f).name.startswith("test_")
        and not f.startswith(SLOW_TESTS)
    ]  # fmt: skip
    lessons = [f for f in files if LESSON.match(f)]
    everything = any(
        name in EVERYTHING or (name.startswith("tests/") and name.endswith("/conftest.py"))
        for name in changed
    )
    if everything:
        return Selection(changed, tests, lessons, everything=True)

    init = ROOT / "hlcourse" / "__init__.py"
    lazy = dict(LAZY_NAME.findall(init.read_text(encoding="utf-8"))) if init.exists() else {}
    lazy = {name: f"hlcourse.{module}" for name, module in lazy.items()}
    modules = {module_name(f): f for f in files if module_name(f)}
    importers: dict[str, set[str]] = {}  # module -> files that import it
    for name in files:
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        package = ".".join(Path(name).parent.parts)
        for imported in imported_modules(text, package, lazy):
            if imported in modules:
                importers.setdefault(imported, set()).add(name)

    touched = {name for name in changed if name in set(files)}
    frontier = list(touched)
    while frontier:  # everything that imports a touched file is touched
        module = module_name(frontier.pop())
        for importer in importers.get(module or "", ()):
            if importer not in touched:
                touched.add(importer)
                frontier.append(importer)
    # A lesson's exercises live in hlcourse/exercises/lessonNN.py, reached through hlc.check:
    # a change there touches lesson NN only, not every lesson.
    for name in list(touched):
        exercise = re.fullmatch(r"hlcourse/exercises/lesson(\d\d)\.py", name)
        if exercise:
            touched.update(f for f in lessons if Path(f).name.startswith(exercise.group(1)))
    picked_lessons = [f for f in lessons if f in touched]
    if picked_lessons:  # the lesson files' own checks (pairs, outputs, index) read them
        touched.update(f for f in tests if f.startswith("tests/lessons/"))
    return Selection(changed, [f for f in tests if f in touched], picked_lessons)


def main(argv: list[str]) -> int:
    """Print the changed files and what they touch."""
    if argv:
        print(f"Received arguments {argv}; `python tools/changed.py` takes none.")
        return 2
    selection = select(changed_files())
    print(f"changed since main: {len(selection.changed)} file(s)")
    for name in sorted(selection.changed):
        print(f"  {name}")
    if selection.everything:
        print("a file everything depends on changed: every test and every lesson")
    print(f"unit tests touched: {len(selection.tests)}")
    for name in selection.tests:
        print(f"  {name}")
    print(f"lessons touched: {len(selection.lessons)}")
    for name in selection.lessons:
        print(f"  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

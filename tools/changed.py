"""Which unit tests and lessons a change touches: the selection behind `make check`.

The change is every file that differs from the merge-base with `main` (commits on this branch,
staged and unstaged edits) plus untracked files. A test file or a lesson is touched when it
changed itself or when it imports, directly or through other modules of the repository, a
module that changed. Imports are read from the source (no module is imported): ``import
hlcourse as hlc`` followed by ``hlc.widgets...`` counts as importing ``hlcourse.widgets``, and
``hlc.check`` as importing the module `hlcourse/__init__.py` loads it from.

A change to a file that everything depends on (``hlcourse/__init__.py``, a conftest,
pyproject.toml, either lock) touches every test and every lesson. Files that no test or lesson
imports (the README, docs/) touch nothing: the lint phase still reads them.

Standard library only: `tools/check.py --changed` runs it before the environment exists.
``python tools/changed.py`` prints the selection; ``python tools/changed.py FILE...`` prints what
those files would touch.
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
EVERYTHING = (
    "hlcourse/__init__.py",
    "pyproject.toml",
    "requirements.lock",
    "requirements-dev.lock",
    "conftest.py",
)
"""Files every test and lesson depends on (conftest.py files anywhere under tests/ too)."""
SLOW_TESTS = ("tests/browser/", "tests/test_binder_parity.py")
"""Never in the fast tier: `make test` runs them (minutes each, a browser, a fresh venv)."""
HARNESS_TEST = "test_harness_catches.py"
"""The lesson harness's own tests: touched through their imports (the plugin, run_records),
not by a lesson's change."""
LESSON = re.compile(r"^notebooks/src/(\d\d_[a-z0-9_]+)\.py$")
"""A lesson's source; its notebook, what the lessons phase runs, is `notebook_of` it."""
PACKAGE_ALIAS = re.compile(r"\b(?:hlc|hlcourse)\.((?:[a-z_][a-z0-9_]*)(?:\.[a-z_][a-z0-9_]*)*)")
LAZY_NAME = re.compile(r'"([a-z_]+)": "hlcourse\.([a-z_.]+)"')


def notebook_of(lesson: str) -> str:
    """``notebooks/src/NN_slug.py`` -> ``notebooks/NN_slug.ipynb``, the notebook it is paired
    with (``formats: ipynb,src//py:percent``)."""
    match = LESSON.match(lesson)
    if not match:
        raise ValueError(f"Received {lesson!r}, not a lesson source (notebooks/src/NN_slug.py).")
    return f"notebooks/{match.group(1)}.ipynb"


def _git(*args: str, root: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def merge_base(root: Path = ROOT) -> str | None:
    """The commit this branch left main at, or None when there is no main to compare with."""
    for branch in BASE_BRANCHES:
        try:
            return _git("merge-base", "HEAD", branch, root=root).strip()
        except subprocess.CalledProcessError:
            continue
    return None


def changed_files(root: Path = ROOT) -> set[str]:
    """Paths (relative to `root`, `/`-separated) that differ from the merge-base with main
    (or from HEAD when there is no main), committed or not, and new files."""
    base = merge_base(root) or "HEAD"
    names = _git("diff", "--name-only", base, root=root).splitlines()
    names += _git("ls-files", "--others", "--exclude-standard", root=root).splitlines()
    return {name.strip() for name in names if name.strip()}


def module_name(path: str) -> str | None:
    """`hlcourse/plots/base.py` -> `hlcourse.plots.base`; None for a file that is no module."""
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module an ``from ... import`` statement reads from, relative levels resolved."""
    if not node.level:
        return node.module or ""
    anchor = package.split(".")
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join(filter(None, [*anchor, node.module or ""]))


def reexports(source: str, package: str) -> dict[str, str]:
    """For a package's `__init__.py`: each name it imports from a submodule -> that module."""
    names = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            if module.startswith(package + "."):
                names.update({alias.asname or alias.name: module for alias in node.names})
    names.update({name: f"hlcourse.{module}" for name, module in LAZY_NAME.findall(source)})
    for node in ast.parse(source).body:  # {"family": ("name", ...)}: modules loaded on use
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, (ast.Tuple, ast.List)):
                    names.update({
                        item.value: f"{package}.{key.value}" for item in value.elts
                        if isinstance(item, ast.Constant) and isinstance(item.value, str)
                    })  # fmt: skip
    return names


def resolve(dotted: str, modules: set[str], exported: dict[str, dict[str, str]]) -> set[str]:
    """The repository's modules that `dotted` (``hlcourse.widgets.playground``) names: each
    package along the way and, at the end, the module that defines the name."""
    parts = dotted.split(".")
    found, current = set(), parts[0]
    if current in modules:
        found.add(current)
    for part in parts[1:]:
        candidate = f"{current}.{part}"
        if candidate in modules:
            found.add(candidate)
            current = candidate
        elif part in exported.get(current, {}):
            found.add(exported[current][part])
            break
        else:
            break
    return found


def imported_names(source: str, package: str, aliases: bool, bases: bool = True) -> set[str]:
    """The dotted names `source` imports: ``import a.b`` gives ``a.b``; ``from a import b``
    gives ``a.b`` (and, with `bases`, ``a``: its module runs too); with `aliases`,
    ``hlc.widgets.playground(...)`` gives ``hlcourse.widgets.playground`` (lessons and tests
    call the package through `hlc.`)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            if bases:
                names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    if aliases:
        if not bases:  # `from hlcourse.widgets import x` names the base only on the way to x
            lines = source.splitlines()
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    for number in range(node.lineno - 1, node.end_lineno or node.lineno):
                        lines[number] = ""
            source = "\n".join(lines)
        names.update(f"hlcourse.{match}" for match in PACKAGE_ALIAS.findall(source))
    return names


def gathered(module: str, exported: dict[str, dict[str, str]], gatherers: set[str]) -> set[str]:
    """The modules whose names a gathering package (`gatherers`) hands on when it is used
    itself (``hlc.widgets.playground(...)``), through gathering subpackages too."""
    found: set[str] = set()
    pending = [module]
    while pending:
        current = pending.pop()
        if current not in gatherers:
            continue
        for source in exported.get(current, {}).values():
            if source not in found:
                found.add(source)
                pending.append(source)
    return found


def only_reexports(source: str) -> bool:
    """True for a package `__init__.py` that defines nothing itself (it only gathers names)."""
    tree = ast.parse(source)
    return not any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for node in tree.body
    )


@dataclass
class Selection:
    """What `make check` runs for a change."""

    changed: set[str]
    tests: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    everything: bool = False
    """True when a file everything depends on changed."""


def python_files(root: Path = ROOT) -> list[str]:
    """The repository's tracked and new Python files, lessons included."""
    listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "*.py", root=root)
    return sorted(name for name in set(listed.splitlines()) if (root / name).exists())


def select(changed: set[str], root: Path = ROOT) -> Selection:
    """The test files and lessons (paths relative to `root`) that `changed` touches."""
    files = python_files(root)
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

    sources = {name: (root / name).read_text(encoding="utf-8", errors="replace") for name in files}
    modules = {module_name(f): f for f in files if module_name(f)}
    packages = {m: f for m, f in modules.items() if f.endswith("/__init__.py")}
    exported = {m: reexports(sources[f], m) for m, f in packages.items()}
    # A package that only gathers its submodules' names passes no change on: a change to
    # hlcourse/widgets/playground/ui.py touches what uses `hlc.widgets.playground`, not every
    # user of some widget.
    gatherers = {f for f in packages.values() if only_reexports(sources[f])}
    gathering = {module_name(f) for f in gatherers}
    importers: dict[str, set[str]] = {}  # module -> files that import it
    for name in files:
        inside = name.startswith("hlcourse/")
        package = ".".join(Path(name).parent.parts)
        for dotted in imported_names(sources[name], package, aliases=not inside):
            for module in resolve(dotted, set(modules), exported):
                if not (inside and name in gatherers and module_name(name) != module):
                    importers.setdefault(module, set()).add(name)
        if name in gatherers:
            continue
        # A gathering package used as such (not only passed through on the way to one of its
        # modules) hands on the changes of the modules it gathers from.
        for dotted in imported_names(sources[name], package, aliases=not inside, bases=False):
            if dotted in gathering:
                for module in gathered(dotted, exported, gathering):
                    importers.setdefault(module, set()).add(name)

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
    if picked_lessons:  # the lesson files' own checks (pairs, outputs, index, claims) read them
        touched.update(
            f for f in tests if f.startswith("tests/lessons/") and Path(f).name != HARNESS_TEST
        )
    return Selection(changed, [f for f in tests if f in touched], picked_lessons)


def main(argv: list[str]) -> int:
    """Print the changed files and what they touch; given files, what those would touch."""
    unknown = [name for name in argv if not (ROOT / name).exists()]
    if unknown:
        print(
            f"Received {unknown}, not files of the repository; run `python tools/changed.py` "
            "(the change since main) or name files relative to the repository's root."
        )
        return 2
    selection = select(set(argv) or changed_files())
    print(f"{'given' if argv else 'changed since main'}: {len(selection.changed)} file(s)")
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

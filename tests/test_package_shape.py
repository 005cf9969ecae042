"""The package's shape, read from its source: no module takes another module's private name,
and no module grows past one sitting without saying why.

Import-linter (`lint-imports`, run by `make test`) checks which modules import which; it
cannot see names, so the private-name rule is checked here.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hlcourse"
LONG = 600  # lines: about what one reads in a sitting
LONG_REASON = "One module because"  # how a long module's docstring starts its reason


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent / Path(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_names_taken(path: Path) -> list[str]:
    """`module.name` for every private name `path` takes from another hlcourse module, by
    ``from m import _x`` or by ``m._x`` on an imported module."""
    me = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}  # local name -> the hlcourse module it is bound to
    taken = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([base] if base else [])])
            if base.split(".")[0] != "hlcourse":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if _is_module(full):
                    modules[alias.asname or alias.name] = full
                elif _private(alias.name):
                    taken.append(full)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "hlcourse":
                    modules[alias.asname or "hlcourse"] = alias.name if alias.asname else "hlcourse"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _private(node.attr)
            and modules[node.value.id] != me
            and not _is_module(f"{modules[node.value.id]}.{node.attr}")
        ):
            taken.append(f"{modules[node.value.id]}.{node.attr}")
    return sorted(set(taken))


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_module_takes_another_modules_private_name(path):
    taken = private_names_taken(path)
    assert not taken, (
        f"{_module_name(path)} uses private names of other modules: {taken}. A name another "
        "module needs is public in the module that is its natural home (with a docstring)."
    )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_a_long_module_says_why_it_is_one(path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines <= LONG:
        return
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert LONG_REASON in docstring, (
        f"{_module_name(path)} has {lines} lines (more than {LONG}, about one sitting): split "
        f"it, or say in its docstring why it is one ('{LONG_REASON} ...')."
    )


def test_the_checker_sees_both_ways_of_taking_a_private_name(tmp_path, monkeypatch):
    package = tmp_path / "hlcourse"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def _helper(): pass\n")
    (package / "_validate.py").write_text("")
    (package / "b.py").write_text("from hlcourse.a import _helper\n")
    (package / "c.py").write_text("from hlcourse import a\na._helper()\n")
    (package / "d.py").write_text("from hlcourse import _validate\nfrom hlcourse.a import x\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    assert private_names_taken(package / "b.py") == ["hlcourse.a._helper"]
    assert private_names_taken(package / "c.py") == ["hlcourse.a._helper"]
    assert private_names_taken(package / "d.py") == []

"""Bad input, one table for the whole public API (STYLE.md 11, sklearn's param validation).

The public API is discovered from `__all__` of `hlcourse` and of every public module in it, so
a new public function without rows here fails `test_every_public_function_has_rows`. Each row
is (function, args, kwargs, error type, message fragment). Classes are records built by the
package (their builder functions are validated here) and are exempt; so are functions that
take no arguments.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import hlcourse

from .bad_input_core import CORE_ROWS
from .bad_input_ui import UI_ROWS

# Modules without their own API table: the exercise checkers (reached through `check`, tested
# in test_exercises.py) and the command line (tested in test_cli.py).
NOT_API = ("hlcourse.cli", "hlcourse.__main__", "hlcourse.exercises.lesson")


def public_modules():
    yield hlcourse
    for info in pkgutil.walk_packages(hlcourse.__path__, "hlcourse."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or info.name.startswith(NOT_API):
            continue
        yield importlib.import_module(info.name)


def public_functions():
    found = {}
    for module in public_modules():
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{module.__name__} is public but defines no __all__"
        for name in exported:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and inspect.signature(obj).parameters:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


ROWS = CORE_ROWS + UI_ROWS


def test_every_public_function_has_rows():
    covered = {row[0] for row in ROWS}
    missing = sorted(set(public_functions()) - covered)
    assert not missing, f"public functions without bad-input rows in {__file__}: {missing}"


def test_rows_name_real_public_functions():
    unknown = sorted({row[0] for row in ROWS} - set(public_functions()))
    assert not unknown, f"rows for functions that are not public (renamed?): {unknown}"


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error", "fragment"),
    ROWS,
    ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)],
)
def test_bad_input_gets_a_clear_error(name, args, kwargs, error, fragment):
    function = public_functions()[name]
    with pytest.raises(error) as caught:
        function(*args, **kwargs)
    message = str(caught.value)
    assert fragment in message
    assert "Received" in message, "errors say what they received"

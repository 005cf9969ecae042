"""hlcourse: the helper package of the Hidden Layers course.

Lessons start with::

    import hlcourse as hlc
    hlc.setup()

Importing `hlcourse` is light (no TensorFlow, no NumPy): submodules load when first used, so
``hlc.data``, ``hlc.plots`` and friends are there when a lesson reaches for them.

Layers, bottom to top; a module imports only from its own layer or those below it:

1. shared internals: `_validate` (argument checks and the errors that teach), `_keras` (Keras
   introspection), `_tf` (each TensorFlow workaround), `_files` (atomic writes), `_version`
   (the one place the version is written), `palette`;
2. data: `data`, `shapes`, `sequences`;
3. models and training: `models`, `subclassed`, `initialization`, `training`,
   `regularization`;
4. looking inside a network: `probe`, `activations`, `representations`, `recurrent`,
   `diagnostics`, `training_watch`;
5. pictures: `render` (figures and arrays to PNG), `plots` (a package, one module per family
   of pictures, every plot reachable as ``hlc.plots.X``);
6. the playground's state, model, training loop and engine (`playground`);
7. `widgets`, one module per explorer;
8. the course's bookkeeping and command line: `lessons`, `progress`, `exercises`,
   `expectations`, `environment`, `doctor`, `course_files`, `html_export`, `cli`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys
import warnings

# TensorFlow reads these when it is first imported; setting them here, before any lesson
# imports TensorFlow, keeps its C++ start-up lines (oneDNN notices, absl warnings) out of the
# lessons; set later, they do nothing. A learner's
# own settings win.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from hlcourse._version import __version__  # noqa: F401  (the package's public version)

# name -> module that defines it; loaded on first access.
_LAZY_FUNCTIONS = {
    "setup": "hlcourse.environment",
    "environment_info": "hlcourse.environment",
    "check": "hlcourse.exercises",
    "solution": "hlcourse.exercises",
    "expect": "hlcourse.expectations",
    "claim": "hlcourse.expectations",
}
_SUBMODULES = (
    "activations",
    "course_files",
    "data",
    "diagnostics",
    "doctor",
    "environment",
    "exercises",
    "expectations",
    "html_export",
    "initialization",
    "lessons",
    "models",
    "playground",
    "plots",
    "probe",
    "progress",
    "recurrent",
    "regularization",
    "render",
    "representations",
    "sequences",
    "shapes",
    "subclassed",
    "training",
    "training_watch",
    "widgets",
)

# Modules that moved, old name -> new module. They answer to their old names for one release
# (a learner's notebook from before may use them), with a FutureWarning naming the new home.
_MOVED_MODULES = {
    "conv_plots": "hlcourse.plots.conv",
    "diagnostic_plots": "hlcourse.plots.diagnostics",
    "hidden_plots": "hlcourse.plots.hidden",
    "sequence_plots": "hlcourse.plots.sequences",
}

__all__ = ["check", "claim", "environment_info", "expect", "setup", "solution"]


def _moved(old: str, stacklevel: int):
    """The module `hlcourse.<old>` moved to, after a FutureWarning that names it."""
    warnings.warn(
        f"hlcourse.{old} is now part of hlcourse.plots: call hlc.plots.<function> (for example "
        f"hlc.plots.plot_history) instead of hlc.{old}.<function>; the old name goes in the "
        "next release",
        FutureWarning,
        stacklevel=stacklevel + 1,
    )
    return importlib.import_module(_MOVED_MODULES[old])


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Lets ``import hlcourse.hidden_plots`` (and the other old names) find the moved module:
    no file stays behind under the old name, so nothing walking the package meets it."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, old = fullname.rpartition(".")
        if package == __name__ and old in _MOVED_MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        # warnings skips importlib's own frames, so the frame above this one is the
        # learner's import statement: the warning points at their line.
        return _moved(spec.name.rpartition(".")[2], stacklevel=2)

    def exec_module(self, module) -> None:
        """Nothing to run: `create_module` returned the moved module, already loaded."""


if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModuleFinder())


def __getattr__(name: str):
    if name in _LAZY_FUNCTIONS:
        return getattr(importlib.import_module(_LAZY_FUNCTIONS[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"hlcourse.{name}")
    if name in _MOVED_MODULES:
        return _moved(name, stacklevel=2)
    raise AttributeError(f"module 'hlcourse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY_FUNCTIONS, *_SUBMODULES])

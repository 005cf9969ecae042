"""hlcourse: the helper package of the Hidden Layers course.

Lessons start with::

    import hlcourse as hlc
    hlc.setup()

Importing `hlcourse` is light (no TensorFlow, no NumPy): submodules load when first used, so
``hlc.data``, ``hlc.plots`` and friends are there when a lesson reaches for them.

Layers, bottom to top; a module imports only from its own layer or those below it:

1. shared internals: `_validate` (argument checks and the errors that teach), `_keras` (Keras
   introspection), `_tf` (each TensorFlow workaround), `_files` (atomic writes), `palette`;
2. data: `data`, `shapes`, `sequences`;
3. models and training: `models`, `subclassed`, `initialization`, `training`,
   `regularization`;
4. looking inside a network: `probe`, `activations`, `representations`, `recurrent`,
   `diagnostics`, `training_watch`;
5. pictures: `render` (figures and arrays to PNG), `plots` (every plot, by family);
6. the playground's state, model, training loop and engine (`playground`);
7. `widgets`, one module per explorer;
8. the course's bookkeeping and command line: `lessons`, `progress`, `exercises`,
   `expectations`, `environment`, `doctor`, `course_files`, `html_export`, `cli`.
"""

from __future__ import annotations

import importlib
import os
from importlib.metadata import PackageNotFoundError, version

# TensorFlow reads these when it is first imported; setting them here, before any lesson
# imports TensorFlow, keeps its C++ start-up lines (oneDNN notices, absl warnings) out of the
# lessons; set later, they do nothing. A learner's
# own settings win.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

try:
    __version__ = version("hlcourse")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

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
    "conv_plots",
    "course_files",
    "data",
    "diagnostic_plots",
    "diagnostics",
    "doctor",
    "environment",
    "exercises",
    "expectations",
    "hidden_plots",
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
    "sequence_plots",
    "sequences",
    "shapes",
    "subclassed",
    "training",
    "training_watch",
    "widgets",
)

__all__ = ["check", "claim", "environment_info", "expect", "setup", "solution"]


def __getattr__(name: str):
    if name in _LAZY_FUNCTIONS:
        return getattr(importlib.import_module(_LAZY_FUNCTIONS[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"hlcourse.{name}")
    raise AttributeError(f"module 'hlcourse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY_FUNCTIONS, *_SUBMODULES])

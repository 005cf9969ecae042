"""hlcourse: the helper package of the Hidden Layers course.

Lessons start with::

    import hlcourse as hlc
    hlc.setup()

Importing `hlcourse` is light (no TensorFlow, no NumPy): submodules load when first used, so
``hlc.data``, ``hlc.plots`` and friends are there when a lesson reaches for them.

Layers, bottom to top (nothing imports upward): `data`, `shapes`, `sequences`, `lessons`,
`course_files`, `progress`,
`exercises` -> `models`, `training`, `subclassed` -> `probe`, `regularization`, `activations`,
`initialization`
-> `diagnostics`, `training_watch`, `representations`, `recurrent` -> `plots`, `diagnostic_plots`, `hidden_plots`, `conv_plots`, `sequence_plots`, `render`
-> `widgets` -> `doctor`, `html_export` -> `cli`. (`playground`: its state and engine sit beside `models`.)
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

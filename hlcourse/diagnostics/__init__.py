"""Diagnose a sick network: activation statistics, gradient norms, update ratios, one report.

Everything here works on any Keras model a learner has (Sequential with or without
``keras.Input``, Functional, subclassed), because it looks inside through `hlcourse.probe`.

    >>> report = diagnose(model, x_train[:256], y_train[:256])
    >>> report                     # a per-layer table, then the problems found, with remedies
    >>> report.flags               # [Flag(layer='hidden_1', problem='...', remedy='...'), ...]

The pieces, each usable alone:

- `activation_stats`: per hidden layer, the mean and spread of its outputs, the share of
  saturated outputs (sigmoid, tanh) and of dead units (ReLU) on a batch.
- `gradient_norms`: per layer with weights, the size of the loss's gradient (L2 norm) and the
  gradient-to-weight ratio ``std(grad) / std(weight)`` (nn-zero-to-hero's "grad:data").
- `UpdateRatioTracker`: a callback for ``model.fit`` (or `hlcourse.training.train_fast`'s
  ``on_progress``) recording ``log10(std(weight change) / std(weight))`` per layer while
  training. A rule of thumb (Karpathy's nn-zero-to-hero) puts a healthy rate of learning near
  ``1e-3`` (`REFERENCE_LOG10_RATIO` = -3): a heuristic for where to look, not a law.
- `max_unit_difference` / `units_identical`: are a layer's units copies of each other (the
  symmetry an all-zero initialization never breaks)?
- `diagnose`: all of it in one call, with problems named in plain words and their remedies.
  It judges by the limits whose defaults are the constants below (`DEFAULT_THRESHOLDS`), or
  by a `Thresholds` given for one call: ``diagnose(model, x, thresholds=Thresholds(
  dead_share_limit=0.3))``.
"""

from __future__ import annotations

import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__all__ = [
    "BOUNDED_ACTIVATIONS",
    "DEAD_SHARE_LIMIT",
    "DEFAULT_THRESHOLDS",
    "EXPLODING_NORM",
    "IDENTICAL_TOLERANCE",
    "INPUT_MEAN_LIMIT",
    "INPUT_STD_LIMIT",
    "REFERENCE_LOG10_RATIO",
    "REFERENCE_UPDATE_RATIO",
    "RELU_ACTIVATIONS",
    "SATURATED_SHARE_LIMIT",
    "VANISHING_RATIO",
    "ActivationStats",
    "Diagnosis",
    "Flag",
    "GradientNorms",
    "LayerGradient",
    "LayerStats",
    "Thresholds",
    "UpdateRatioTracker",
    "activation_stats",
    "diagnose",
    "gradient_norms",
    "max_unit_difference",
    "units_identical",
]

# The code, by concern, in private modules:
#   _thresholds.py the limits' defaults, each with what was measured to choose it; Thresholds
#   _records.py    the rows, tables and report they return (_format.py: numbers and tables as text)
#   _stats.py      activation_stats, max_unit_difference, units_identical
#   _gradients.py  gradient_norms
#   _tracker.py    UpdateRatioTracker
#   _report.py     diagnose and its rules
from hlcourse.diagnostics._gradients import gradient_norms  # noqa: E402
from hlcourse.diagnostics._records import (  # noqa: E402
    ActivationStats,
    Diagnosis,
    Flag,
    GradientNorms,
    LayerGradient,
    LayerStats,
)
from hlcourse.diagnostics._report import diagnose  # noqa: E402
from hlcourse.diagnostics._stats import (  # noqa: E402
    activation_stats,
    max_unit_difference,
    units_identical,
)
from hlcourse.diagnostics._thresholds import (  # noqa: E402
    BOUNDED_ACTIVATIONS,
    DEAD_SHARE_LIMIT,
    DEFAULT_THRESHOLDS,
    EXPLODING_NORM,
    IDENTICAL_TOLERANCE,
    INPUT_MEAN_LIMIT,
    INPUT_STD_LIMIT,
    REFERENCE_LOG10_RATIO,
    REFERENCE_UPDATE_RATIO,
    RELU_ACTIVATIONS,
    SATURATED_SHARE_LIMIT,
    VANISHING_RATIO,
    Thresholds,
)
from hlcourse.diagnostics._thresholds import __all__ as _thresholds_all  # noqa: E402
from hlcourse.diagnostics._tracker import UpdateRatioTracker  # noqa: E402

# The public functions belong to this package wherever their code lives, and `__module__` says
# so: for help(), for pickling, and for tests/test_bad_input.py, which names every public
# function f"{__module__}.{__qualname__}". Classes keep their own module, through which
# inspect.getsource (and `??` in a notebook) finds a class's code.
for _function in (activation_stats, diagnose, gradient_norms, max_unit_difference, units_identical):
    _function.__module__ = __name__
del _function


class _ReadOnlyLimits(types.ModuleType):
    """This package, refusing a new value for one of its limits: the rules read the defaults
    from `_thresholds`, so an assignment here would change nothing, silently. The error says
    what does change a verdict."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _LIMITS:
            field = name.lower()
            how = (
                f"To judge by another limit, give diagnose a Thresholds: diagnose(model, x, "
                f"thresholds=Thresholds({field}=...))"
                if field in Thresholds.__dataclass_fields__
                else "It documents what the rules are built on; the rules cannot be changed"
            )
            raise AttributeError(
                f"hlcourse.diagnostics.{name} is a documented default and cannot be changed. {how}."
            )
        super().__setattr__(name, value)


_LIMITS = frozenset(_thresholds_all) - {"Thresholds", "DEFAULT_THRESHOLDS"}
sys.modules[__name__].__class__ = _ReadOnlyLimits

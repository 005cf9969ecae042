"""The thresholds `diagnose` judges a network by: each limit's default as a documented
constant, with what was measured to choose it, and `Thresholds`, the frozen set of them one
call can be given. A module of its own so that the rules (`_report`, `_stats`) read the
defaults without importing their own package.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from hlcourse import _validate as v

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
    "Thresholds",
]

BOUNDED_ACTIVATIONS = ("sigmoid", "tanh")
"""Activations whose outputs can saturate (flat at both ends); their rows get a saturated share,
counted with `hlcourse.activations.saturation_share` (slope below
`hlcourse.activations.SATURATION_THRESHOLD`, 0.05)."""

RELU_ACTIVATIONS = ("relu", "relu6")
"""Activations whose units can die (output exactly 0 for every input); their rows get a dead
share, counted with `hlcourse.activations.dead_units`."""

SATURATED_SHARE_LIMIT = 0.5
"""`diagnose` flags a sigmoid or tanh layer when more than this share of its outputs (samples x
units) sit where the slope is below 0.05. Measured: fresh Glorot layers on digits, 0%; weights
drawn with standard deviation 1 (``RandomNormal(stddev=1.0)``, 64 digit pixels in), 42-68%;
inputs 100 times too large, 80% in the first layer; small tanh networks trained long on the
spiral, up to 88% (a saturated trained network learns slowly too)."""

DEAD_SHARE_LIMIT = 0.6
"""`diagnose` flags a ReLU layer when at least this share of its units is dead on the batch.
Measured: a fresh He-initialized 2-16-16-1 network, 0-25%; the deepest layer of a fresh
8-hidden-layer He network, up to 56% (deep ReLU stacks map all inputs to similar vectors);
2-16-16-1 trained with Adam at a learning rate of 0.01, up to 25%; at 0.1, 50-75%; at 1, 50-100%."""

VANISHING_RATIO = 1e-3
"""`diagnose` flags vanishing gradients when a kernel's gradient norm is below this fraction of
the last layer's. Measured (first hidden layer / last layer, fresh networks of 8 hidden layers,
seeds 0-4, spiral and digits): sigmoid 7e-7 to 2.4e-5; ReLU + He 0.06 to 2.1; ReLU + He +
batch normalization 0.87 to 3.7."""

EXPLODING_NORM = 1e3
"""`diagnose` flags exploding gradients when a kernel's gradient norm is above this (or not a
finite number). Measured: healthy fresh networks on spiral and digits, 2e-2 to 4; an
8-hidden-layer ReLU stack with weights of standard deviation 1, 3e4 to 8e5."""

IDENTICAL_TOLERANCE = 1e-6
"""Units count as identical when, on every sample, their outputs differ by at most this much
(relative to the layer's largest output, when that is above 1)."""

INPUT_STD_LIMIT = 5.0
"""`diagnose` flags unscaled inputs when a feature's standard deviation is above this..."""

INPUT_MEAN_LIMIT = 5.0
"""...or when a feature's mean is further than this from 0. Standardized features have mean 0
and standard deviation 1; pixel values 0-255 or prices in thousands are far outside."""

REFERENCE_UPDATE_RATIO = 1e-3
"""A rule of thumb for the size of one optimizer step relative to the weights (nn-zero-to-hero's
"update:data ratio"): much below, the layer learns slowly; much above, training may be unstable.
A heuristic: the best ratio depends on the optimizer and the model."""

REFERENCE_LOG10_RATIO = -3.0
"""``log10(REFERENCE_UPDATE_RATIO)``, the reference line of `UpdateRatioTracker` plots."""


@dataclass(frozen=True)
class Thresholds:
    """The limits `diagnose` judges a network by, for one call (the constants above are the
    defaults, each documented there with what was measured).

    Attributes:
        saturated_share_limit: `SATURATED_SHARE_LIMIT`, a share from 0 to 1.
        dead_share_limit: `DEAD_SHARE_LIMIT`, a share from 0 to 1.
        vanishing_ratio: `VANISHING_RATIO`, from 0 to 1.
        exploding_norm: `EXPLODING_NORM`, 0 or more.
        identical_tolerance: `IDENTICAL_TOLERANCE`, from 0 to 1.
        input_std_limit: `INPUT_STD_LIMIT`, 0 or more.
        input_mean_limit: `INPUT_MEAN_LIMIT`, 0 or more.

    Frozen, so thresholds given to one call cannot change another's; make a variant with
    ``dataclasses.replace(DEFAULT_THRESHOLDS, dead_share_limit=0.3)`` or by naming the fields.
    """

    saturated_share_limit: float = SATURATED_SHARE_LIMIT
    dead_share_limit: float = DEAD_SHARE_LIMIT
    vanishing_ratio: float = VANISHING_RATIO
    exploding_norm: float = EXPLODING_NORM
    identical_tolerance: float = IDENTICAL_TOLERANCE
    input_std_limit: float = INPUT_STD_LIMIT
    input_mean_limit: float = INPUT_MEAN_LIMIT

    def __post_init__(self) -> None:
        shares = {"saturated_share_limit", "dead_share_limit", "vanishing_ratio",
                  "identical_tolerance"}  # fmt: skip
        for field in fields(self):
            high = 1 if field.name in shares else None
            checked = v.check_number(field.name, getattr(self, field.name), low=0, high=high)
            object.__setattr__(self, field.name, checked)


DEFAULT_THRESHOLDS = Thresholds()
"""The constants above as one `Thresholds`: what `diagnose` judges by when given none."""

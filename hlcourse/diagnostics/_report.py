"""One call: `diagnose` measures a model on a batch and names its problems in plain words,
with remedies, by the rules below and the thresholds of `_thresholds` (or those given for one call)."""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from hlcourse import _keras, activations
from hlcourse import _validate as v
from hlcourse.diagnostics._format import format_norm, format_percent, format_times
from hlcourse.diagnostics._gradients import gradient_norms
from hlcourse.diagnostics._records import (
    ActivationStats,
    Diagnosis,
    Flag,
    GradientNorms,
    LayerStats,
)
from hlcourse.diagnostics._stats import CALL_SUFFIX, activation_stats, layers_by_name
from hlcourse.diagnostics._thresholds import DEFAULT_THRESHOLDS, Thresholds


def diagnose(
    model: keras.Model,
    x: Any,
    y: Any = None,
    *,
    loss: Any = None,
    thresholds: Thresholds | None = None,
) -> Diagnosis:
    """Check a model on a batch and name its problems in plain words, with remedies.

    Looks for: unscaled inputs; saturated sigmoid/tanh layers; dead ReLU units; units that are
    copies of each other (symmetric weights, e.g. all-zero initialization); NaN or infinite
    outputs; and, when `y` is given, vanishing and exploding gradients. The thresholds are
    `thresholds`, or `DEFAULT_THRESHOLDS` (the constants `SATURATED_SHARE_LIMIT`,
    `DEAD_SHARE_LIMIT`, `VANISHING_RATIO`, `EXPLODING_NORM`, `IDENTICAL_TOLERANCE`,
    `INPUT_STD_LIMIT`, `INPUT_MEAN_LIMIT`).

    Args:
        model: a built Keras model of any style.
        x: a batch of inputs, shape ``(n_samples, n_features)``; a few hundred samples is
            plenty.
        y: its targets, to check gradients too (see `gradient_norms`); None skips them.
        loss: the loss for the gradients (see `gradient_norms`); None uses the compiled one or
            reads it from the last layer.
        thresholds: a `hlcourse.diagnostics.Thresholds` for this call, or None for
            `DEFAULT_THRESHOLDS`.

    Returns:
        A `Diagnosis`: print it (or show it in a notebook) for the per-layer table and the
        problems found; ``report.flags`` lists them as (layer, problem, remedy) records.
    """
    model = v.check_model("model", model)
    limits = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    if not isinstance(limits, Thresholds):
        v.fail("thresholds", "a hlcourse.diagnostics.Thresholds or None", thresholds,
                hint="Make one with Thresholds(dead_share_limit=0.3), say", error=TypeError)  # fmt: skip
    if model.built and _keras.model_style(model) != "subclassed" and len(model.inputs) == 1:
        v.check_array("x", x)  # before the model runs on it: NaN or inf inputs refused here
    stats = activation_stats(model, x)  # (an unbuilt model is refused here)
    several_inputs = _keras.model_style(model) != "subclassed" and len(model.inputs) > 1
    gradients = None
    if y is not None:
        gradients = gradient_norms(model, x, y, loss=loss)
    elif loss is not None:
        v.fail("loss", "None when no targets y are given", loss,
                hint="The loss is only used for the gradients: pass y too")  # fmt: skip
    flags: list[Flag] = []
    input_mean = input_std = None
    if not several_inputs:
        features = v.check_array("x", x)
        per_feature = features.reshape(len(features), -1).astype(np.float64)
        if per_feature.shape[1]:  # no input feature at all: nothing to judge the scale of
            input_mean = float(np.max(np.abs(per_feature.mean(axis=0))))
            input_std = float(np.max(per_feature.std(axis=0)))
            flags += _input_flags(input_mean, input_std, limits)
    by_name = layers_by_name(model)
    flags += activation_flags(stats, by_name, limits)
    if gradients is not None:
        flags += _gradient_flags(gradients, limits)
    return Diagnosis(model.name, stats, gradients, tuple(flags), input_mean, input_std)


def _input_flags(mean: float, std: float, limits: Thresholds) -> list[Flag]:
    if std <= limits.input_std_limit and mean <= limits.input_mean_limit:
        return []
    return [
        Flag(
            "inputs",
            f"input features are not standardized (largest std {std:.3g}, largest |mean| "
            f"{mean:.3g}; standardized features have mean 0 and std 1)",
            "standardize them: subtract each feature's training mean and divide by its std "
            "(keras.layers.Normalization or scikit-learn's StandardScaler)",
        )
    ]


def activation_flags(
    stats: ActivationStats,
    by_name: dict[str, Any],
    limits: Thresholds | None = None,
) -> list[Flag]:
    """The problems `stats` shows, judged by `limits`: blown-up outputs, identical units,
    saturated and dead units, each a `Flag` with its remedy. Without `limits`,
    `DEFAULT_THRESHOLDS`."""
    if limits is None:
        limits = DEFAULT_THRESHOLDS
    flags = []
    for row in stats:
        layer = by_name.get(CALL_SUFFIX.sub("", row.layer))
        if not math.isfinite(row.mean) or not math.isfinite(row.std):
            flags.append(
                Flag(
                    row.layer,
                    "outputs NaN or infinite values: the weights have blown up",
                    "use a smaller learning rate, clip gradients (e.g. "
                    "keras.optimizers.Adam(clipnorm=1.0)) and standardize the inputs",
                )
            )
            continue
        tolerance = limits.identical_tolerance
        symmetric = (
            row.units >= 2 and _identical(row, tolerance) and _symmetric_weights(layer, tolerance)
        )
        if symmetric:
            flags.append(
                Flag(
                    row.layer,
                    f"all {row.units} units output the same values: symmetric starting weights "
                    "(e.g. all-zero initialization) give every unit the same gradient, so "
                    "they stay copies of each other",
                    "initialize the weights randomly (Keras' default glorot_uniform, or "
                    "he_normal for ReLU)",
                )
            )
            continue
        if row.saturated is not None and row.saturated > limits.saturated_share_limit:
            flags.append(
                Flag(
                    row.layer,
                    f"{format_percent(row.saturated)} of its {row.activation} outputs are saturated "
                    f"(slope below {activations.SATURATION_THRESHOLD:g}), so little gradient "
                    "gets through",
                    "try ReLU with He initialization, smaller starting weights (Glorot) or "
                    "batch normalization",
                )
            )
        if row.dead is not None and row.dead >= limits.dead_share_limit:
            flags.append(
                Flag(
                    row.layer,
                    f"{format_percent(row.dead)} of its ReLU units are dead (output 0 for every "
                    "sample, so no gradient reaches their weights from this batch)",
                    "try a smaller learning rate, leaky ReLU or He initialization",
                )
            )
    return flags


def _identical(row: LayerStats, tolerance: float) -> bool:
    scale = float(np.max(np.abs(row.values))) if row.values.size else 0.0
    return row.unit_difference <= tolerance * max(1.0, scale)


def _symmetric_weights(layer: Any, tolerance: float) -> bool:
    """True when every unit of `layer` starts from the same weights (all kernel columns equal,
    all biases equal); layers without a kernel, or whose kernel has no rows (a network with no
    input feature), are never blamed: there are no weights to call symmetric."""
    kernel = getattr(layer, "kernel", None)
    if kernel is None or 0 in tuple(kernel.shape):
        return False
    k = np.asarray(kernel.numpy(), dtype=np.float64)
    k = k.reshape(-1, k.shape[-1])
    scale = max(1.0, float(np.max(np.abs(k)))) if k.size else 1.0
    same = float(np.max(k.max(axis=1) - k.min(axis=1))) <= tolerance * scale
    bias = getattr(layer, "bias", None)
    if bias is not None:
        b = np.asarray(bias.numpy(), dtype=np.float64)
        same = same and float(b.max() - b.min()) <= tolerance * max(1.0, np.abs(b).max())
    return same


def _gradient_flags(gradients: GradientNorms, limits: Thresholds) -> list[Flag]:
    flags = []
    matrices = [g for g in gradients if g.weight == "kernel"]
    for g in gradients:
        if not math.isfinite(g.kernel_norm) or g.kernel_norm > limits.exploding_norm:
            flags.append(
                Flag(
                    g.layer,
                    f"gradient norm {format_norm(g.kernel_norm)} (above {limits.exploding_norm:,g}): "
                    "exploding gradients",
                    "clip gradients (e.g. keras.optimizers.Adam(clipnorm=1.0)), use a smaller "
                    "learning rate, or Glorot/He initialization",
                )
            )
            return flags
    if len(matrices) < 2:
        return flags
    last = matrices[-1]
    if not last.kernel_norm > 0:
        return flags
    vanishing = [
        g
        for g in matrices[:-1]
        if g.weight_norm > 0 and g.kernel_norm < limits.vanishing_ratio * last.kernel_norm
    ]
    if vanishing:
        first = vanishing[0]
        times = last.kernel_norm / first.kernel_norm if first.kernel_norm > 0 else math.inf
        more = (
            f", and {len(vanishing) - 1} more layer(s) below 1/{1 / limits.vanishing_ratio:,.0f} of it"
            if len(vanishing) > 1
            else ""
        )
        flags.append(
            Flag(
                first.layer,
                f"gradient norm {format_norm(first.kernel_norm)}, {format_times(times)} smaller than the "
                f"last layer's ({last.layer}){more}: vanishing gradients, so the early layers "
                "barely learn",
                "try ReLU with He initialization or batch normalization",
            )
        )
    return flags

"""What hidden layers output on a batch: `activation_stats`, and whether a layer's units are
copies of each other (`max_unit_difference`, `units_identical`)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from hlcourse import _keras, activations, probe
from hlcourse import _validate as v
from hlcourse.diagnostics._records import ActivationStats, LayerStats
from hlcourse.diagnostics._thresholds import (
    BOUNDED_ACTIVATIONS,
    DEFAULT_THRESHOLDS,
    RELU_ACTIVATIONS,
)

# The probe names a layer called twice "name (call 2)"; this strips that to find the layer.
CALL_SUFFIX = re.compile(r" \(call \d+\)$")


def activation_stats(
    model: keras.Model,
    x: Any,
    *,
    layers: Sequence[str | int] | str | int | None = None,
) -> ActivationStats:
    """Measure what each hidden layer outputs on a batch: mean, spread, saturation, dead units.

    The layers run as in ``model.predict`` (inference mode: Dropout passes values through,
    BatchNormalization uses its moving statistics, which start at mean 0 and variance 1, so in
    a network not yet trained it barely changes anything), read through
    `hlcourse.probe.hidden_activations`.

    Args:
        model: a built Keras model of any style (Sequential, Functional, subclassed).
        x: a batch of inputs, shape ``(n_samples, n_features)`` (or the model's input shape).
        layers: which layers to describe, by name or position in ``model.layers``; None means
            every hidden layer.

    Returns:
        An `ActivationStats` table with one `LayerStats` row per layer, in forward order:
        ``stats["hidden_1"].dead`` is the share of dead units of ``hidden_1``.
    """
    model = v.check_model("model", model)
    outputs = probe.hidden_activations(model, x, layers=layers)
    if not outputs:
        v.fail(
            "model",
            "a model with at least one hidden layer",
            model,
            hint="Its only layer is the output; to describe that one, pass layers=-1",
        )
    by_name = layers_by_name(model)
    rows = tuple(
        layer_stats(name, by_name.get(CALL_SUFFIX.sub("", name)), out)
        for name, out in outputs.items()
    )
    n_samples = int(np.shape(next(iter(outputs.values())))[0])
    return ActivationStats(model.name, n_samples, rows)


def max_unit_difference(model: keras.Model, x: Any, layer: str | int) -> float:
    """The largest difference between two units of `layer` on any sample of `x`.

    Zero means every unit outputs the same value for every sample: the units are copies of
    each other, as after an all-zero (or any symmetric) initialization, and stay copies
    through training since they also get identical gradients.

    Args:
        model: a built Keras model of any style.
        x: a batch of inputs, shape ``(n_samples, n_features)``.
        layer: the layer, by name (``"hidden_1"``) or position in ``model.layers``; it must
            have at least 2 units.

    Returns:
        ``max over samples of (largest unit output - smallest unit output)``, a float >= 0.
    """
    return _unit_difference(_layer_units(model, x, layer))


def units_identical(
    model: keras.Model,
    x: Any,
    layer: str | int,
    *,
    tolerance: float | None = None,
) -> bool:
    """Whether all units of `layer` output the same values on `x` (see `max_unit_difference`).

    Args:
        model: a built Keras model of any style.
        x: a batch of inputs, shape ``(n_samples, n_features)``.
        layer: the layer, by name or position in ``model.layers``, with at least 2 units.
        tolerance: the largest difference still counted as equal, relative to the layer's
            largest output when that is above 1; a number from 0 to 1, or None for
            ``hlcourse.diagnostics.IDENTICAL_TOLERANCE`` (1e-6).

    Returns:
        True when the units are identical.
    """
    if tolerance is None:
        tolerance = DEFAULT_THRESHOLDS.identical_tolerance
    tolerance = v.check_number("tolerance", tolerance, low=0, high=1)
    units = _layer_units(model, x, layer)
    scale = float(np.max(np.abs(units)))
    return _unit_difference(units) <= tolerance * max(1.0, scale)


def _layer_units(model: Any, x: Any, layer: Any) -> np.ndarray:
    """One layer's outputs as ``(rows, units)`` float64, checked to have 2+ units."""
    model = v.check_model("model", model)
    v.check_instance("layer", layer, (str, int), "a layer name or a position in model.layers")
    _keras.resolve_layers(model, layer, name="layer")  # so errors name `layer`, not `layers`
    outputs = probe.hidden_activations(model, x, layers=layer)
    name = layer if isinstance(layer, str) else model.layers[layer].name
    values = outputs.get(name, next(iter(outputs.values())))
    units = _as_units(np.asarray(values, dtype=np.float64))
    if units.shape[1] < 2:
        v.fail(
            "layer",
            "a layer with at least 2 units",
            layer,
            hint="A single unit has nothing to be identical to",
        )
    if not np.all(np.isfinite(units)):
        v.fail(
            "layer",
            "a layer whose outputs are finite numbers",
            layer,
            hint="It outputs NaN or infinite values on x: its weights have blown up",
        )
    return units


def layer_stats(name: str, layer: Any, out: Any) -> LayerStats:
    """One row of `ActivationStats`: the statistics of `out`, the outputs of `layer` (None when
    unknown) on a batch, shown under `name`."""
    values = np.asarray(out)
    as_float = values.astype(np.float64)
    act = activation_name(layer)
    units = _as_units(as_float)
    finite = bool(np.all(np.isfinite(as_float)))
    saturated = dead = None
    if act in BOUNDED_ACTIVATIONS and finite:
        saturated = activations.saturation_share(act, _pre_activations(act, as_float))
    if act in RELU_ACTIVATIONS and finite:
        dead = activations.dead_units(units)
    mean, std = mean_std(as_float)
    return LayerStats(
        layer=name,
        kind=type(layer).__name__ if layer is not None else "?",
        activation=act,
        units=int(units.shape[1]),
        mean=mean,
        std=std,
        saturated=saturated,
        dead=dead,
        unit_difference=_unit_difference(units) if finite else math.nan,
        values=values,
    )


def mean_std(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of a layer's outputs; inf or NaN (weights blown up, which
    the flags report) without NumPy's "invalid value" warning."""
    with np.errstate(invalid="ignore", over="ignore"):
        return float(np.mean(values)), float(np.std(values))


def _pre_activations(act: str, y: np.ndarray) -> np.ndarray:
    """The pre-activations z behind sigmoid or tanh outputs (the functions are invertible).

    Outputs rounded to exactly 0 or 1 (or -1) in float32 are clipped just inside the range:
    the z found there is still far in the flat part, so the saturation count is unchanged.
    """
    if act == "sigmoid":
        y = np.clip(y, 1e-30, 1 - 1e-7)
        return np.log(y) - np.log1p(-y)
    return np.arctanh(np.clip(y, -1 + 1e-7, 1 - 1e-7))


def _as_units(values: np.ndarray) -> np.ndarray:
    """Outputs as ``(rows, units)``: units are the last dimension; images' positions are rows."""
    if values.ndim < 2:
        return values.reshape(-1, 1)
    return values.reshape(-1, values.shape[-1])


def _unit_difference(units: np.ndarray) -> float:
    if units.size == 0:
        return 0.0
    return float(np.max(units.max(axis=1) - units.min(axis=1)))


def activation_name(layer: Any) -> str | None:
    """The activation a layer applies (``"relu"``, ``"linear"``), or None for a missing layer
    or one without an activation (Dropout, BatchNormalization)."""
    if layer is None:
        return None
    if isinstance(layer, keras.layers.ReLU):
        return "leaky_relu" if float(getattr(layer, "negative_slope", 0.0)) else "relu"
    if isinstance(layer, keras.layers.LeakyReLU):
        return "leaky_relu"
    function = getattr(layer, "activation", None)
    if function is None or not callable(function):
        return None
    return getattr(function, "__name__", None) or type(function).__name__


def layers_by_name(model: keras.Model) -> dict[str, Any]:
    """Name -> layer for the model's layers, and path -> layer for those inside its blocks
    ("block/inner"), as the probe names them."""
    return {layer.name: layer for layer in model.layers} | _keras.layer_paths(model)

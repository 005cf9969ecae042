"""The loss's gradient for every layer with weights, on one batch: `gradient_norms`, and the
helpers `UpdateRatioTracker` shares (forward layer order, main weight, loss and gradients)."""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from hlcourse import _keras, probe
from hlcourse import _validate as v
from hlcourse import training as _training
from hlcourse.diagnostics._records import GradientNorms, LayerGradient
from hlcourse.diagnostics._stats import CALL_SUFFIX, activation_name, layers_by_name


def gradient_norms(
    model: keras.Model,
    x: Any,
    y: Any,
    *,
    loss: Any = None,
    training: bool = True,
) -> GradientNorms:
    """The loss's gradient for every layer with weights, on one batch: its size and ratio.

    Nothing is trained: the weights stay as they are (BatchNormalization's moving statistics
    too, even in training mode).

    Args:
        model: a built Keras model of any style, compiled or not.
        x: a batch of inputs, shape ``(n_samples, n_features)`` (or the model's input shape).
        y: its targets, shape ``(n_samples,)`` (labels or numbers) or ``(n_samples, outputs)``.
        loss: a loss name (``"mse"``), a ``keras.losses`` object or a function; None uses the
            compiled loss, else reads it from the last layer as
            `hlcourse.training.train_fast` does (1 sigmoid unit -> binary cross-entropy,
            softmax -> sparse categorical cross-entropy, anything else -> mean squared error;
            for a subclassed model, the last layer its call() runs).
        training: run the layers as ``fit`` does (True: Dropout drops, BatchNormalization
            normalizes with the batch's own statistics) or as ``predict`` does (False).

    Returns:
        A `GradientNorms` table with one `LayerGradient` row per layer with trainable weights,
        in forward order: ``grads["hidden_1"].kernel_norm`` is the L2 norm of
        d loss / d kernel of ``hidden_1``.
    """
    model = v.check_model("model", model)
    v.require_built(model, "gradients can be computed")
    training = v.check_bool("training", training)
    x = check_model_inputs(model, x)
    loss_fn, loss_name, y = loss_and_targets(model, x, y, loss)
    value, grads = loss_and_gradients(model, x, y, loss_fn, training)
    rows = []
    for layer in forward_layers(model, x):
        weights = list(layer.trainable_weights)
        if not weights:
            continue
        main = main_weight(layer)
        others = [w for w in weights if w is not main]
        g_main = grads.get(id(main))
        g_others = [grads.get(id(w)) for w in others]
        w_main = np.asarray(main.numpy(), dtype=np.float64)
        rows.append(
            LayerGradient(
                layer=layer.name,
                kind=type(layer).__name__,
                activation=activation_name(layer),
                weight=_weight_name(main),
                kernel_norm=_l2(g_main),
                bias_norm=_l2(*g_others) if others else None,
                norm=_l2(g_main, *g_others),
                weight_norm=_l2(w_main),
                grad_to_weight=std_ratio(g_main, w_main),
            )
        )
    return GradientNorms(model.name, loss_name, value, tuple(rows))


def check_model_inputs(model: keras.Model, x: Any) -> np.ndarray:
    """x as a float32 array that fits the model's (single) input."""
    if _keras.model_style(model) != "subclassed":
        specs = list(model.inputs)
        if len(specs) != 1:
            v.fail(
                "model",
                "a model with one input",
                model,
                hint=f"It has {len(specs)}; gradient checks here take a single input array",
            )
        return v.check_array("x", x, sample_shape=tuple(specs[0].shape[1:]))
    x = v.check_array("x", x)
    if x.ndim < 2:
        v.check_array("x", x, ndim=2)
    return x


def loss_and_targets(model: keras.Model, x: np.ndarray, y: Any, loss: Any):
    """The loss function, its name for tables, and y shaped the way that loss expects."""
    y = v.check_array("y", y)
    if len(y) != len(x):
        v.fail(
            "y.shape",
            f"one target per row of x, i.e. ({len(x)},) or ({len(x)}, n_outputs)",
            y.shape,
        )
    compiled_loss = getattr(model, "loss", None) if getattr(model, "compiled", False) else None
    if loss is None and compiled_loss is None and _keras.model_style(model) == "subclassed":
        loss = _subclassed_loss(model, x)
    loss_fn, kind, _ = _training.resolve_loss(model, loss)
    if loss is not None:
        source = loss
    elif getattr(model, "compiled", False) and getattr(model, "loss", None) is not None:
        source = model.loss
    else:
        source = loss_fn
    name = (
        source
        if isinstance(source, str)
        else getattr(source, "name", None) or getattr(source, "__name__", type(source).__name__)
    )
    units = _training.output_units(model, x)
    y = _training.match_targets("y", y, units, kind)
    if kind == "sparse" and units is not None and (y.min() < 0 or y.max() >= units):
        v.fail(
            "y",
            f"class labels from 0 to {units - 1} (the model has {units} outputs)",
            y.ravel(),
            hint=f"It holds labels from {int(y.min())} to {int(y.max())}",
        )
    return loss_fn, str(name), y


def _subclassed_loss(model: keras.Model, x: np.ndarray) -> Any:
    """The loss train_fast's rule picks, read from the layer a subclassed model's call() ends
    with (train_fast itself cannot see it and falls back on mean squared error)."""
    last = forward_layers(model, x)[-1]
    act, units = activation_name(last), getattr(last, "units", None)
    if act == "sigmoid" and units == 1:
        return keras.losses.BinaryCrossentropy()
    if act == "softmax":
        return keras.losses.SparseCategoricalCrossentropy()
    return None


def loss_and_gradients(model, x, y, loss_fn, training: bool) -> tuple[float, dict[int, Any]]:
    """The loss on (x, y) and its gradient for every trainable weight (keyed by id).

    Non-trainable state (BatchNormalization's moving statistics, Dropout's random state) is
    put back as it was, so measuring changes nothing.
    """
    import tensorflow as tf

    variables = list(model.trainable_variables)
    if not variables:
        v.fail("model", "a model with trainable weights", model, hint="Every layer is frozen")
    state = list(model.non_trainable_variables)
    saved = [np.array(w.numpy()) for w in state]
    try:
        with tf.GradientTape() as tape:
            pred = model(x, training=training)
            value = loss_fn(y, pred)
            if model.losses:  # weight penalties, as fit and train_fast add them
                value = value + tf.add_n([tf.cast(p, value.dtype) for p in model.losses])
        grads = tape.gradient(value, variables)
    finally:
        for w, before in zip(state, saved, strict=True):
            w.assign(before)
    found = {
        id(w): (None if g is None else np.asarray(g, dtype=np.float64))
        for w, g in zip(variables, grads, strict=True)
    }
    return float(value), found


def forward_layers(model: keras.Model, x: np.ndarray | None) -> list[Any]:
    """The model's direct layers in the order the data flows (subclassed: the order `call`
    used them, when `x` is given; attribute order otherwise)."""
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    if _keras.model_style(model) != "subclassed" or x is None:
        return layers
    ran = probe.hidden_activations(model, x[:1], include_output=True)
    by_name = layers_by_name(model)
    # The probe names layers inside blocks by their path ("block/inner"): the direct layer is
    # the path's first part.
    order = list(dict.fromkeys(CALL_SUFFIX.sub("", name).split("/", 1)[0] for name in ran))
    forward = [by_name[name] for name in order if name in by_name]
    return forward + [layer for layer in layers if layer not in forward]


def main_weight(layer: Any) -> Any:
    """The layer's kernel, else its first trainable weight with 2+ dimensions, else its first."""
    weights = list(layer.trainable_weights)
    kernel = getattr(layer, "kernel", None)
    if kernel is not None and any(w is kernel for w in weights):
        return kernel
    return next((w for w in weights if len(w.shape) >= 2), weights[0])


def _weight_name(weight: Any) -> str:
    return str(weight.name).rsplit("/", 1)[-1]


def _l2(*arrays: Any) -> float:
    present = [a for a in arrays if a is not None]
    if not present:
        return 0.0  # no gradient reached these weights
    return float(math.sqrt(sum(float(np.sum(np.square(a, dtype=np.float64))) for a in present)))


def std_ratio(top: Any, bottom: Any) -> float:
    """``std(top) / std(bottom)``; NaN when bottom has no spread (< 2 entries or constant)."""
    if top is None:
        top = np.zeros_like(bottom)
    bottom = np.asarray(bottom, dtype=np.float64)
    if bottom.size < 2:
        return math.nan
    spread = float(np.std(bottom))
    if spread == 0:
        return math.nan
    return float(np.std(np.asarray(top, dtype=np.float64))) / spread

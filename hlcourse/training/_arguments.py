"""Checking and resolving `train_fast`'s arguments: arrays, targets, the loss, the optimizer.

Every check says what was wrong, what was received and how to fix it, before anything reaches
TensorFlow. The loss and the optimizer are resolved as ``fit`` would resolve them (the compiled
ones first, else read from the last layer / a fresh Adam), and named by `keras_object_key` so a
compiled loop can be shared by every model that would trace the same one.

`resolve_loss`, `output_units`, `match_targets` and `named_loss` are also what
`hlcourse.diagnostics` uses to compute a loss exactly as `train_fast` would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from hlcourse import _keras
from hlcourse import _validate as v

__all__ = [
    "DEFAULT_LEARNING_RATE",
    "accuracy_fn",
    "check_inputs",
    "check_targets",
    "check_x_fits",
    "optimizer_compiled_with",
    "keras_object_key",
    "match_targets",
    "named_loss",
    "only_keras",
    "output_units",
    "resolve_loss",
    "resolve_optimizer",
]

DEFAULT_LEARNING_RATE = 0.01
"""Adam's learning rate when a model has no compiled optimizer and none is given."""


def _as_array(name: str, value: Any) -> np.ndarray:
    if value is None or isinstance(value, (str, bytes, dict)):
        v.fail(name, "an array of numbers", value, error=TypeError)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as err:
        v.fail(name, "an array of numbers", value, hint=f"NumPy could not read it: {err}",
                error=TypeError)  # fmt: skip
    if array.dtype == np.bool_:
        array = array.astype(np.float32)
    if not np.issubdtype(array.dtype, np.number):
        v.fail(name, "an array of numbers", value, hint=f"Its dtype is {array.dtype}",
                error=TypeError)  # fmt: skip
    if not np.all(np.isfinite(array)):
        v.fail(name, "finite numbers (no NaN or inf)", value)
    return array


def check_inputs(name: str, value: Any, sample_shape: tuple | None = None) -> np.ndarray:
    """`value` as a float32 array of shape ``(n_samples, ...)``, at least one sample, finite;
    with `sample_shape`, each sample of that shape (validation inputs shaped like x)."""
    array = _as_array(name, value)
    if array.ndim < 2:
        hint = "For a single feature use x.reshape(-1, 1)" if array.ndim == 1 else ""
        v.fail(f"{name}.shape", "(n_samples, n_features)", array.shape, hint=hint)
    if sample_shape is not None and array.shape[1:] != tuple(sample_shape):
        v.fail(
            f"{name}.shape",
            f"(n_samples, {', '.join(str(d) for d in sample_shape)}) like x",
            array.shape,
        )
    if len(array) == 0:
        v.fail(f"{name}.shape", "at least one sample", array.shape)
    return array.astype(np.float32)


def check_targets(name: str, value: Any, n: int, x_name: str) -> np.ndarray:
    """`value` as an array of finite numbers with one target per row of `x_name` (`n`)."""
    array = _as_array(name, value)
    if array.ndim == 0 or len(array) != n:
        v.fail(
            f"{name}.shape",
            f"one target per row of {x_name}, i.e. ({n},) or ({n}, n_outputs)",
            array.shape,
        )
    return array


def check_x_fits(model: keras.Model, x: np.ndarray) -> None:
    """Refuse inputs whose sample shape differs from the model's declared input."""
    if _keras.model_style(model) == "subclassed" or not model.built:
        return
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return
    if not inputs or len(inputs) != 1:
        return
    want = tuple(inputs[0].shape[1:])
    got = x.shape[1:]
    if len(want) != len(got) or any(
        w is not None and w != g for w, g in zip(want, got, strict=True)
    ):
        dims = ", ".join("?" if d is None else str(d) for d in want)
        v.fail(
            "x.shape",
            f"(n_samples, {dims}), the model's input shape",
            x.shape,
            hint="Reshape x, e.g. x.reshape(len(x), -1) to flatten images",
        )


def resolve_loss(model: keras.Model, loss: Any) -> tuple[Callable, str | None, tuple]:
    """A loss function returning a scalar, the kind of task it implies (for accuracy), and a
    key that names this choice (for the cache of compiled loops)."""
    if isinstance(loss, str):
        key: tuple = ("name", loss)
    elif loss is not None:
        key = ("object", id(loss))
    elif getattr(model, "compiled", False) and getattr(model, "loss", None) is not None:
        key = ("compiled", id(model.loss))
    else:
        key = ("inferred",)
    if loss is None:
        loss = getattr(model, "loss", None) if getattr(model, "compiled", False) else None
        if isinstance(loss, (dict, list, tuple)):
            v.fail(
                "model",
                "a model compiled with a single loss",
                model,
                hint="Pass loss=... to train_fast to choose one",
            )
    if loss is None:
        units, act = _keras.last_layer_facts(model)
        if act == "sigmoid" and units == 1:
            loss = keras.losses.BinaryCrossentropy()
        elif act == "softmax":
            loss = keras.losses.SparseCategoricalCrossentropy()
        else:
            loss = keras.losses.MeanSquaredError()
    if isinstance(loss, str):
        loss = named_loss(loss)
    if isinstance(loss, type):
        v.fail("loss", "a loss name, a keras.losses object, a function or None", loss,
                hint=f"That is a class; create the object: loss={loss.__name__}()",
                error=TypeError)  # fmt: skip
    if not callable(loss):
        v.fail("loss", "a loss name, a keras.losses object, a function or None", loss,
                error=TypeError)  # fmt: skip
    if isinstance(loss, keras.losses.Loss):
        return loss, _loss_kind(type(loss).__name__), key
    function = loss

    def mean_loss(y_true, y_pred):
        # A plain function returns one value per sample; compile() averages them the same way.
        return keras.ops.mean(function(y_true, y_pred))

    return mean_loss, _loss_kind(getattr(function, "__name__", "")), key


def named_loss(name: str) -> Callable:
    """The Keras loss called `name`, or a clear error naming the argument `loss`."""
    try:
        function = keras.losses.get(name)
    except ValueError:
        function = None
    if function is None:
        v.fail(
            "loss",
            "a loss Keras knows, a keras.losses object or a function",
            name,
            hint="For example 'mse', 'binary_crossentropy' or 'sparse_categorical_crossentropy'",
        )
    return function


def _loss_kind(name: str) -> str | None:
    name = name.lower().replace("_", "")
    if name in ("binarycrossentropy", "binaryfocalcrossentropy"):
        return "binary"
    if name == "sparsecategoricalcrossentropy":
        return "sparse"
    if name in ("categoricalcrossentropy", "categoricalfocalcrossentropy"):
        return "categorical"
    return None


def output_units(model: keras.Model, x: np.ndarray) -> int | None:
    """Width of the model's output (None when it is not one 2-D tensor)."""
    if _keras.model_style(model) != "subclassed":
        outputs = model.outputs
        if len(outputs) == 1 and len(outputs[0].shape) == 2:
            return outputs[0].shape[-1]
        return None
    out = model(x[:1], training=False)
    return int(out.shape[-1]) if hasattr(out, "shape") and len(out.shape) == 2 else None


def match_targets(name: str, y: np.ndarray, units: int | None, kind: str | None) -> np.ndarray:
    """Targets shaped and typed the way the loss expects them (as compile() would), checked
    against the model's output width so a mismatch is explained here, not deep in TensorFlow."""
    n = len(y)
    if kind == "sparse":
        if y.ndim > 1 and y.shape[1:] != (1,):
            v.fail(
                f"{name}.shape",
                f"({n},): one class label per sample for this loss",
                y.shape,
                hint="For one-hot rows use y.argmax(axis=1), or loss='categorical_crossentropy'",
            )
        if not np.all(np.mod(y, 1) == 0):
            v.fail(name, "whole-number class labels 0, 1, ... for this loss", y)
        if units is not None and (y.min() < 0 or y.max() >= units):
            v.fail(
                name,
                f"class labels from 0 to {units - 1} (the model has {units} outputs)",
                y.ravel(),
                hint=f"It holds labels from {int(y.min())} to {int(y.max())}",
            )
        return y.astype(np.int32)
    y = y.astype(np.float32)
    if y.ndim == 1 and units == 1:
        y = y[:, None]
    if units is not None and (y.ndim != 2 or y.shape[1] != units):
        v.fail(
            f"{name}.shape",
            f"({n}, {units}): one row of {units} target(s) per sample, as the model outputs",
            y.shape,
        )
    return y


def accuracy_fn(kind: str | None, loss_fn: Any) -> Callable | None:
    """Share of correct predictions in a batch, as the `accuracy` metric computes it."""
    if kind is None:
        return None
    import tensorflow as tf

    logits = bool(getattr(loss_fn, "from_logits", False))

    def binary(y_true, y_pred):
        threshold = 0.0 if logits else 0.5
        predicted = tf.cast(y_pred > threshold, tf.float32)
        return tf.reduce_mean(tf.cast(tf.equal(predicted, tf.cast(y_true, tf.float32)), tf.float32))

    def sparse(y_true, y_pred):
        labels = tf.reshape(tf.cast(y_true, tf.int64), [-1])
        return tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y_pred, axis=-1), labels), tf.float32))

    def categorical(y_true, y_pred):
        hits = tf.equal(tf.argmax(y_pred, axis=-1), tf.argmax(y_true, axis=-1))
        return tf.reduce_mean(tf.cast(hits, tf.float32))

    return {"binary": binary, "sparse": sparse, "categorical": categorical}[kind]


def optimizer_compiled_with(model: keras.Model) -> Any:
    """The optimizer `model` was compiled with, or None."""
    return getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None


def resolve_optimizer(model: keras.Model, compiled: Any, learning_rate: float | None):
    """The compiled optimizer, a copy of it with another learning rate, or a new Adam."""
    if compiled is not None and learning_rate is None:
        return compiled
    if compiled is not None:
        config = dict(compiled.get_config(), learning_rate=learning_rate)
        return type(compiled).from_config(config)
    # One name for every Adam made here: TensorFlow caches a kernel per variable name for the
    # life of the process, and Keras' own names ("adam_7/...") are new for every optimizer.
    return keras.optimizers.Adam(
        learning_rate=DEFAULT_LEARNING_RATE if learning_rate is None else learning_rate,
        name="train_fast_adam",
    )


def keras_object_key(obj: Any) -> str | None:
    """A text naming a Keras loss or optimizer object by class and config, or None."""
    if type(obj).__module__.split(".")[0] != "keras":
        return None
    try:
        config = keras.saving.serialize_keras_object(obj)
        if isinstance(config, dict) and isinstance(config.get("config"), dict):
            config["config"].pop("name", None)  # "adam_1", "adam_2", ...: no part of the loop
        text = json.dumps(config, sort_keys=True)
    except Exception:  # noqa: BLE001
        return None
    return text if only_keras(config) else None


def only_keras(value: Any) -> bool:
    """True when a serialized config holds only Keras' own classes and functions."""
    if isinstance(value, dict):
        module = value.get("module")
        if isinstance(module, str) and module.split(".")[0] != "keras":
            return False
        if value.get("class_name") in ("Lambda", "function", "__lambda__"):
            return False
        return all(only_keras(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(only_keras(item) for item in value)
    return True

"""One compiled training loop for plain Dense networks of every size: `train_fast`'s
``shared_loop=True`` strategy.

`train_fast` otherwise traces a loop for each new model: the loop closes over the model's
variables and its optimizer, so its graph fixes every layer's size. TensorFlow keeps about
1 MB for every function it has traced, for the life of the process (its kernel cache; freeing
the function frees none of it), so a widget that trains a network of a new shape on every
change (the architecture explorer: 7 depths x 64 widths x 4 activations) grows by that much
per new shape, and waits 0.3-0.7 s for each trace.

For the course's commonest models, a `keras.Sequential` chain of Dense layers with relu, tanh,
sigmoid or linear activations (what `hlcourse.models.build_dense_network` builds without
batch normalization or dropout), trained by the fresh Adam `train_fast` makes, this module
runs the same computation in a loop that takes the weights and Adam's slots as arguments of
unknown size and returns them updated. One trace serves every model with the same number of
hidden-layer slots, output activation, loss and batching, and every call, in the whole
process. Tracing such a loop takes 1-2.5 s and keeps 8-20 MB for good (measured), so the slots
come in two sizes (`SLOTS`: 2 or 6 hidden layers; deeper networks get a loop per depth): a
network with fewer hidden layers fills the rest with identity layers (kernel I, bias 0,
linear), which pass values and gradients through exactly and are never updated. The hidden
layers' activations are an argument too (``tf.switch_case`` runs the ops a loop traced for
that activation would run).

It computes what the Keras loop computes, op for op: ``ops.matmul`` and ``ops.add`` as
``Dense.call`` does, the Keras activation functions, the Keras loss object (which, as in the
Keras loop, reads the logits back from the output sigmoid), gradients from a GradientTape,
and Adam's update written as ``keras.optimizers.Adam.update_step`` writes it: the same
history and weights as the Keras loop to float32 rounding (tested). The price is speed per
epoch: the activation switch and the identity layers cost 1.2-2 times the Keras loop's time
per epoch (measured on full-batch runs of 2 x 8 and 6 x 64 relu networks), which is why it is
an option, for widgets that build many shapes, rather than the default. Anything else (a
compiled optimizer, early stopping, other layers, regularizers, constraints) goes through the
Keras loop.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "DenseRun",
    "SharedFunction",
    "dense_layers",
    "dense_run",
    "tracing_count",
]

HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
"""Activations a hidden layer may have here, in the order of the loop's activation indices."""
OUTPUT_ACTIVATIONS = (*HIDDEN_ACTIVATIONS, "softmax")
"""Activations the output layer may have: also softmax, whose output keeps its logits for the
cross-entropy losses as it does in the Keras loop (TensorFlow backend)."""
SLOTS = (2, 6)
"""Hidden-layer slots of the shared loops: a network with d hidden layers trains in the loop
of the smallest that holds d (0 to 2 hidden layers in that of 2, 3 to 6 in that of 6) and
fills the rest with identity layers; deeper networks get a loop of their own depth."""
LINEAR = HIDDEN_ACTIVATIONS.index("linear")
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam's defaults


@dataclass(frozen=True)
class SharedFunction:
    """A shared loop: the ``tf.function`` every model of its kind trains in, and the history
    keys it returns."""

    function: Any
    keys: tuple[str, ...]


_LOOPS: dict[tuple, SharedFunction] = {}
_LOOPS_LOCK = threading.Lock()


def tracing_count() -> int:
    """How many times the shared loops made so far were traced (once each when all is well)."""
    with _LOOPS_LOCK:
        return sum(loop.function.experimental_get_tracing_count() for loop in _LOOPS.values())


def _activation_name(function: Any, names: tuple[str, ...] = HIDDEN_ACTIVATIONS) -> str | None:
    for name in names:
        if function is keras.activations.get(name):
            return name
    return None


def dense_layers(model: keras.Model) -> list | None:
    """The model's Dense layers, in order, when it is a plain chain of them this loop trains
    exactly as the Keras loop would; else None."""
    if type(model) is not keras.Sequential or model.losses or model.non_trainable_variables:
        return None
    layers = list(model.layers)
    if not layers:
        return None
    for layer in layers:
        allowed = OUTPUT_ACTIVATIONS if layer is layers[-1] else HIDDEN_ACTIVATIONS
        if type(layer) is not keras.layers.Dense or layer.bias is None or not layer.trainable:
            return None
        if any(
            getattr(layer, attribute, None) is not None
            for attribute in (
                "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                "kernel_constraint", "bias_constraint",
            )
        ):  # fmt: skip
            return None
        if getattr(layer, "lora_enabled", False) or getattr(layer, "quantization_mode", None):
            return None
        if (
            layer.dtype_policy.name != "float32"
            or _activation_name(layer.activation, allowed) is None
        ):
            return None
    expected = [weight for layer in layers for weight in (layer.kernel, layer.bias)]
    trainable = list(model.trainable_variables)
    if len(trainable) != len(expected) or any(
        a is not b for a, b in zip(trainable, expected, strict=True)
    ):
        return None
    return layers


def dense_run(
    model: keras.Model,
    loss_fn: Any,
    loss_key: str | None,
    accuracy: Callable | None,
    accuracy_key: Any,
    learning_rate: float,
    arrays: tuple[np.ndarray, ...],
    batch: int,
    keep: tuple = (),
) -> DenseRun | None:
    """A `DenseRun` training `model` with a fresh Adam, or None when the model, loss or data
    are not ones this loop trains exactly as the Keras loop would. `loss_key` names the Keras
    loss object `loss_fn` by class and config (`hlcourse.training._arguments.keras_object_key`),
    None for any other loss; `keep` is the `Loop`'s."""
    layers = dense_layers(model)
    if (
        layers is None
        or loss_key is None
        or not isinstance(loss_fn, keras.losses.Loss)
        or arrays[0].ndim != 2
    ):
        return None
    x = arrays[0]
    has_val = len(arrays) == 4
    depth = len(layers) - 1  # hidden layers
    slots = next((size for size in SLOTS if size >= depth), depth)
    key = (
        slots,
        _activation_name(layers[-1].activation, OUTPUT_ACTIVATIONS),
        loss_key,
        accuracy_key,
        batch == len(x),
        has_val,
        tuple((a.ndim, a.dtype.str) for a in arrays[1:]),
    )
    with _LOOPS_LOCK:
        if key not in _LOOPS:
            _LOOPS[key] = _make_loop(
                slots, key[1], loss_fn, accuracy, batch == len(x), has_val, arrays
            )
        loop = _LOOPS[key]
    return DenseRun(model, layers, slots, loop, learning_rate, batch, keep)


class DenseRun:
    """One model's entry for the shared loop (a `Loop`, and its own `ChunkRun`):
    ``run(x, y, orders, [x_val, y_val])`` as the Keras loop's, the model's weights and this
    run's Adam slots going into the shared loop and coming back updated. The Adam slots stay
    here between `train_fast` calls, so a second call continues training.

    Attributes:
        function: the shared ``tf.function`` (for its tracing count).
        keys: the history keys the chunks return.
        keep: see `Loop`.
    """

    def __init__(
        self,
        model: keras.Model,
        layers: list,
        slots: int,
        loop: SharedFunction,
        learning_rate: float,
        batch: int,
        keep: tuple = (),
    ) -> None:
        import tensorflow as tf

        self.variables = list(model.trainable_variables)
        self.function, self.keys, self.keep = loop.function, loop.keys, keep
        hidden = layers[:-1]
        # The identity layers after the real hidden ones: as wide as the last of them (or the
        # inputs), kernel I, bias 0, linear; `real` says which slots train.
        width = hidden[-1].units if hidden else int(layers[0].kernel.shape[0])
        padding = slots - len(hidden)
        self.fillers = [tf.eye(width), tf.zeros([width])] * padding
        self.real = tf.constant([True] * len(hidden) + [False] * padding, tf.bool, [slots])
        activations = [HIDDEN_ACTIVATIONS.index(_activation_name(lay.activation)) for lay in hidden]
        self.hidden = tf.constant(activations + [LINEAR] * padding, tf.int32, [slots])
        weights = self._slots([w.value for w in self.variables])
        self.moments = [tf.zeros_like(w) for w in weights]
        self.velocities = [tf.zeros_like(w) for w in weights]
        self.iterations = tf.constant(0, tf.int64)
        self.learning_rate = tf.constant(learning_rate, tf.float32)
        self.batch = tf.constant(batch, tf.int32)

    def start(self, model: keras.Model) -> DenseRun:
        """Itself: the Adam slots carry over from one call to the next."""
        return self

    def best_weights(self) -> tuple[float, list[np.ndarray]]:
        """Never trained with early stopping: nothing to restore."""
        return np.inf, []

    def _slots(self, weights: list) -> list:
        """The model's weights with the identity layers put in before the output layer's."""
        return weights[:-2] + self.fillers + weights[-2:]

    def __call__(self, xs: Any, ys: Any, orders: Any, *validation: Any) -> dict:
        weights = self._slots([w.value for w in self.variables])
        weights, self.moments, self.velocities, self.iterations, out = self.function(
            weights, self.moments, self.velocities, self.iterations, self.learning_rate,
            self.hidden, self.real, self.batch, xs, ys, orders, *validation,
        )  # fmt: skip
        real = weights[: len(self.variables) - 2] + weights[-2:]
        for variable, value in zip(self.variables, real, strict=True):
            variable.assign(value)
        return dict(out)


def _make_loop(
    slots: int,
    output_activation: str,
    loss_fn: Any,
    accuracy: Callable | None,
    full_batch: bool,
    has_val: bool,
    arrays: tuple[np.ndarray, ...],
) -> SharedFunction:
    import tensorflow as tf

    ops = keras.ops
    hidden_functions = [keras.activations.get(name) for name in HIDDEN_ACTIVATIONS]
    output_function = keras.activations.get(output_activation)
    keys = ["loss"] + (["accuracy"] if accuracy is not None else [])
    if has_val:
        keys += ["val_" + key for key in keys]

    def forward(weights, x, hidden):
        h = x
        for i in range(slots):
            z = ops.add(ops.matmul(h, weights[2 * i]), weights[2 * i + 1])  # as Dense.call
            h = tf.switch_case(hidden[i], [functools.partial(f, z) for f in hidden_functions])
        z = ops.add(ops.matmul(h, weights[-2]), weights[-1])
        return output_function(z)

    def adam(weights, moments, velocities, grads, iterations, learning_rate, real):
        """One step of keras.optimizers.Adam (its update_step, for every weight); the identity
        layers' weights (where `real` is False) stay as they are (their slots, never used for
        anything, are left to move: one op less per weight and step)."""
        local_step = tf.cast(iterations + 1, tf.float32)
        beta_1_power = ops.power(ops.cast(BETA_1, "float32"), local_step)
        beta_2_power = ops.power(ops.cast(BETA_2, "float32"), local_step)
        alpha = learning_rate * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        new = ([], [], [])
        for k, (w, m, v, g) in enumerate(zip(weights, moments, velocities, grads, strict=True)):
            m_new = m + ops.multiply(ops.subtract(g, m), 1 - BETA_1)
            v_new = v + ops.multiply(ops.subtract(ops.square(g), v), 1 - BETA_2)
            w_new = w - ops.divide(ops.multiply(m_new, alpha), ops.add(ops.sqrt(v_new), EPSILON))
            if k < 2 * slots:
                w_new = tf.where(real[k // 2], w_new, w)
            for column, value in zip(new, (w_new, m_new, v_new), strict=True):
                column.append(value)
        return (*new, iterations + 1)

    def one_step(weights, moments, velocities, iterations, learning_rate, hidden, real, xb, yb):
        with tf.GradientTape() as tape:
            tape.watch(weights)
            pred = forward(weights, xb, hidden)
            value = loss_fn(yb, pred)
        grads = tape.gradient(value, weights)
        hits = accuracy(yb, pred) if accuracy is not None else tf.constant(0.0)
        state = adam(weights, moments, velocities, grads, iterations, learning_rate, real)
        return (tf.cast(value, tf.float32), tf.cast(hits, tf.float32), *state)

    def run(weights, moments, velocities, iterations, learning_rate, hidden, real, batch, xs,
            ys, orders, *val):  # fmt: skip
        weights, moments, velocities = list(weights), list(moments), list(velocities)
        n = tf.shape(xs)[0]
        n_epochs = tf.shape(orders)[0]
        n_batches = (n + batch - 1) // batch
        columns = [tf.TensorArray(tf.float32, size=n_epochs) for _ in keys]
        for epoch in tf.range(n_epochs):
            if full_batch:
                total_loss, total_hits, weights, moments, velocities, iterations = one_step(
                    weights, moments, velocities, iterations, learning_rate, hidden, real, xs, ys
                )
            else:
                total_loss, total_hits = tf.constant(0.0), tf.constant(0.0)
                for b in tf.range(n_batches):
                    start = b * batch
                    index = orders[epoch, start : tf.minimum(start + batch, n)]
                    size = tf.cast(tf.shape(index)[0], tf.float32)
                    step_loss, step_hits, weights, moments, velocities, iterations = one_step(
                        weights, moments, velocities, iterations, learning_rate, hidden, real,
                        tf.gather(xs, index), tf.gather(ys, index),
                    )  # fmt: skip
                    # Weighted by batch size, as fit's running mean is.
                    total_loss += step_loss * size / tf.cast(n, tf.float32)
                    total_hits += step_hits * size / tf.cast(n, tf.float32)
            values = {"loss": total_loss, "accuracy": total_hits}
            if has_val:
                val_pred = forward(weights, val[0], hidden)
                values["val_loss"] = tf.cast(loss_fn(val[1], val_pred), tf.float32)
                if accuracy is not None:
                    values["val_accuracy"] = tf.cast(accuracy(val[1], val_pred), tf.float32)
            columns = [c.write(epoch, values[k]) for c, k in zip(columns, keys, strict=True)]
        out = {key: column.stack() for key, column in zip(keys, columns, strict=True)}
        out["stopped"] = tf.constant(False)
        return weights, moments, velocities, iterations, out

    matrix = tf.TensorSpec([None, None], tf.float32)
    vector = tf.TensorSpec([None], tf.float32)
    weights = [spec for _ in range(slots + 1) for spec in (matrix, vector)]
    targets = [tf.TensorSpec([None] * a.ndim, tf.as_dtype(a.dtype)) for a in arrays[1:2]]
    signature = [
        weights, weights, weights,  # weights, Adam's moments and velocities
        tf.TensorSpec([], tf.int64),  # Adam's iterations
        tf.TensorSpec([], tf.float32),  # learning rate
        tf.TensorSpec([slots], tf.int32),  # hidden activations: HIDDEN_ACTIVATIONS
        tf.TensorSpec([slots], tf.bool),  # real (True) or identity (False) hidden layers
        tf.TensorSpec([], tf.int32),  # batch size
        matrix, *targets,  # x, y
        tf.TensorSpec([None, None], tf.int32),  # orders: one shuffle per epoch
    ]  # fmt: skip
    if has_val:
        signature += [matrix, tf.TensorSpec([None] * arrays[3].ndim, tf.as_dtype(arrays[3].dtype))]
    return SharedFunction(tf.function(run, input_signature=signature), tuple(keys))

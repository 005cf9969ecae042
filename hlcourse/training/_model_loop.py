"""A training loop traced for one model: `train_fast`'s general strategy.

`compile_loop` traces a ``tf.function`` that runs a chunk of epochs (GradientTape and the
optimizer's ``apply_gradients`` per step, the compiled loss plus any regularization penalties,
per-epoch means as ``fit`` reports them, and early stopping's watch inside the loop so it stops
at the exact epoch). The loop closes over the model's variables and its optimizer, so it serves
that model alone; `hlcourse.training._pooled_loop` shares it between the models of an
architecture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from hlcourse._tf import gradient_registry
from hlcourse.training._arguments import accuracy_fn
from hlcourse.training._loop import StoppingWatch

__all__ = ["ModelLoop", "TracedOnFirstCall", "compile_loop", "loop_shapes"]


@dataclass(frozen=True)
class ModelLoop:
    """A loop traced for one model (a `Loop`).

    Attributes:
        run_chunk: the traced loop, ``run_chunk(x, y, orders, [x_val, y_val, [patience]])``.
        keys: the history keys it returns.
        watch: early stopping's variables, or None when traced without early stopping.
        keep: see `Loop`.
    """

    run_chunk: TracedOnFirstCall
    keys: tuple[str, ...]
    watch: StoppingWatch | None = None
    keep: tuple = ()

    def start(self, model: keras.Model) -> ModelRun:
        """The run for one `train_fast` call, its early-stopping watch reset."""
        if self.watch is not None:
            self.watch.reset()
        return ModelRun(self)


@dataclass(frozen=True)
class ModelRun:
    """A `ChunkRun` on a `ModelLoop`: its traced loop, its watch read back after training."""

    loop: ModelLoop

    def __call__(self, *tensors: Any) -> dict[str, Any]:
        return self.loop.run_chunk(*tensors)

    def best_weights(self) -> tuple[float, list[np.ndarray]]:
        if self.loop.watch is None:
            return math.inf, []
        return self.loop.watch.result()


def compile_loop(
    model: keras.Model,
    variables: list,
    optimizer: Any,
    loss_fn: Callable,
    kind: str | None,
    arrays: tuple[np.ndarray, ...],
    batch: int,
    stopping: bool = False,
) -> ModelLoop:
    """A loop traced for `model`: the tf.function that trains a chunk of epochs.

    ``run_chunk(x, y, orders, [x_val, y_val, [patience]])`` runs ``len(orders)`` epochs;
    ``orders`` holds one shuffled order of the samples per epoch (``(epochs, 0)`` when full
    batch). With `stopping` (early stopping on ``val_loss``), the loop keeps the best
    validation loss (``best``), the epochs since it (``wait``) and a copy of every weight at
    the best epoch (``snapshots``) in variables that outlive a chunk, leaves the loop once
    ``wait`` reaches ``patience``, and returns the epochs it ran and ``stopped``.
    """
    import tensorflow as tf

    x, y = arrays[:2]
    has_val = len(arrays) == 4
    n = len(x)
    full_batch = batch == n
    n_batches = math.ceil(n / batch)
    accuracy = accuracy_fn(kind, loss_fn)
    keys = ["loss"] + (["accuracy"] if accuracy is not None else [])
    if has_val:
        keys += ["val_" + key for key in keys]

    def forward_loss(xb, yb, training):
        pred = model(xb, training=training)
        value = loss_fn(yb, pred)
        if model.losses:  # weight penalties (kernel_regularizer=...), as fit adds them
            value = value + tf.add_n([tf.cast(p, value.dtype) for p in model.losses])
        return value, pred

    def one_step(xb, yb):
        with tf.GradientTape() as tape:
            value, pred = forward_loss(xb, yb, True)
        grads = tape.gradient(value, variables)
        pairs = [(g, w) for g, w in zip(grads, variables, strict=True) if g is not None]
        optimizer.apply_gradients(pairs)
        hits = accuracy(yb, pred) if accuracy is not None else tf.constant(0.0)
        return tf.cast(value, tf.float32), tf.cast(hits, tf.float32)

    signature = [
        tf.TensorSpec(shape, tf.as_dtype(a.dtype))
        for shape, a in zip(loop_shapes(arrays, full_batch), arrays, strict=True)
    ]
    signature.insert(2, tf.TensorSpec([None, None if full_batch else n], tf.int32))
    stopping_watch = None
    if stopping:
        signature.append(tf.TensorSpec([], tf.int32))  # the patience
        # Over what keras.Model.get_weights() returns.
        stopping_watch = StoppingWatch.create(list(model.weights))
        best, wait = stopping_watch.best, stopping_watch.wait
        watched, snapshots = stopping_watch.watched, stopping_watch.snapshots

    def watch(val_loss, patience):
        """Early stopping's bookkeeping after one epoch; True when patience has run out."""
        if val_loss < best:
            best.assign(val_loss)
            wait.assign(0)
            for saved, weight in zip(snapshots, watched, strict=True):
                saved.assign(tf.convert_to_tensor(weight))
        else:
            wait.assign_add(1)
        return wait >= patience

    @tf.function(input_signature=signature)
    def run_chunk(xs, ys, orders, *rest):
        val = rest[:2]
        n_epochs = tf.shape(orders)[0]
        # One TensorArray per history key, in a list reassigned every epoch (autograph carries
        # reassigned locals through the loop, not items changed inside a dict).
        columns = [tf.TensorArray(tf.float32, size=n_epochs) for _ in keys]
        ran = tf.constant(0)
        stopped = tf.constant(False)
        for epoch in tf.range(n_epochs):
            if full_batch:
                total_loss, total_hits = one_step(xs, ys)
            else:
                total_loss, total_hits = tf.constant(0.0), tf.constant(0.0)
                for b in tf.range(n_batches):
                    start = b * batch
                    index = orders[epoch, start : tf.minimum(start + batch, n)]
                    size = tf.cast(tf.shape(index)[0], tf.float32)
                    step_loss, step_hits = one_step(tf.gather(xs, index), tf.gather(ys, index))
                    # Weighted by batch size, as fit's running mean is.
                    total_loss += step_loss * size / n
                    total_hits += step_hits * size / n
            values = {"loss": total_loss, "accuracy": total_hits}
            if has_val:
                val_loss, val_pred = forward_loss(val[0], val[1], False)
                values["val_loss"] = tf.cast(val_loss, tf.float32)
                if accuracy is not None:
                    values["val_accuracy"] = tf.cast(accuracy(val[1], val_pred), tf.float32)
            columns = [c.write(epoch, values[k]) for c, k in zip(columns, keys, strict=True)]
            ran = epoch + 1
            if stopping:
                stopped = watch(values["val_loss"], rest[2])
                if stopped:
                    break
        out = {key: column.gather(tf.range(ran)) for key, column in zip(keys, columns, strict=True)}
        out["stopped"] = stopped
        return out

    return ModelLoop(TracedOnFirstCall(run_chunk), tuple(keys), stopping_watch)


def loop_shapes(arrays: tuple[np.ndarray, ...], full_batch: bool) -> list[tuple]:
    """The shapes a training loop is traced for: the number of samples is left open (None) for
    the validation data, and for the training data when every step takes all of it, so one
    loop serves every number of samples (the regularization lab's "Training samples"); with
    mini-batches the loop's slicing needs it."""
    return [
        (None, *a.shape[1:]) if full_batch or i >= 2 else tuple(a.shape)
        for i, a in enumerate(arrays)
    ]


class TracedOnFirstCall:
    """A training loop's ``tf.function`` that, when its first call traces it, forgets the custom
    gradients the trace registered (`hlcourse._tf.gradient_registry`). Tracing waits for the first
    call, so a training cancelled before its first chunk costs no trace."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.traced = False

    def __call__(self, *args: Any) -> Any:
        if not self.traced:
            gradient_registry.forget_custom_gradients(self.function.get_concrete_function())
            self.traced = True
        return self.function(*args)

"""`train_fast`: train a model like ``fit``, with many steps inside one compiled loop.

It checks and resolves its arguments (`hlcourse.training._arguments`), keeps a few compiled
loops on the model, one per combination of settings and data shapes, and picks the strategy
that makes a new one: the shared Dense loop when asked (`hlcourse.training._dense_loop`), a
twin's loop shared by the models of an architecture (`hlcourse.training._pooled_loop`), else a
loop traced for the model (`hlcourse.training._model_loop`). Then it runs chunks of epochs,
reporting progress and asking whether to stop between them.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402  (after the logging settings; this module is imported lazily)

import hlcourse.training._dense_loop as _dense_loop  # noqa: E402
import hlcourse.training._pooled_loop as _pooled_loop  # noqa: E402
from hlcourse import _validate as v  # noqa: E402
from hlcourse._tf import memory  # noqa: E402
from hlcourse.training._arguments import (  # noqa: E402
    DEFAULT_LEARNING_RATE,
    accuracy_fn,
    check_inputs,
    check_targets,
    check_x_fits,
    keras_object_key,
    match_targets,
    optimizer_compiled_with,
    output_units,
    resolve_loss,
    resolve_optimizer,
)
from hlcourse.training._loop import Loop  # noqa: E402
from hlcourse.training._model_loop import compile_loop  # noqa: E402

__all__ = ["CACHED_LOOPS", "MAX_EPOCHS", "PROGRESS_REPORTS", "train_fast"]


class _NoRetracingNotice(logging.Filter):
    """Drop TensorFlow's "N out of the last N calls ... triggered tf.function retracing".

    Each new model gets its own compiled loop, traced once, by design; TensorFlow counts those
    as retracing of one function and tells learners to restructure code they never wrote.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


if not any(isinstance(f, _NoRetracingNotice) for f in logging.getLogger("tensorflow").filters):
    logging.getLogger("tensorflow").addFilter(_NoRetracingNotice())

MAX_EPOCHS = 1_000_000
"""The most epochs one call trains."""
PROGRESS_REPORTS = 20
"""How many progress reports a run makes when it has someone to report to (and no `chunk`)."""
CACHED_LOOPS = 4
"""Compiled loops kept per model (one per combination of settings and data shapes)."""


def train_fast(
    model: keras.Model,
    x: Any,
    y: Any,
    *,
    epochs: int = 100,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    loss: Any = None,
    validation_data: tuple[Any, Any] | None = None,
    seed: int = 0,
    chunk: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[int, dict[str, list[float]]], Any] | None = None,
    patience: int | None = None,
    restore_best_weights: bool = True,
    shared_loop: bool = False,
) -> dict[str, list[float]]:
    """Train `model` on (x, y) like ``model.fit``, with many steps in one compiled loop.

    Args:
        model: a Keras model (compiled or not). An unbuilt model is built on ``x[:1]``.
        x: inputs, shape ``(n_samples, n_features)``.
        y: targets, shape ``(n_samples,)`` (labels or numbers) or ``(n_samples, n_outputs)``.
        epochs: passes over the data, 1 to 1,000,000.
        batch_size: samples per optimizer step; None (default) uses all of them (full batch,
            one step per epoch). Mini-batches are reshuffled every epoch.
        learning_rate: step size (> 0). None keeps the compiled optimizer as it is, or uses
            Adam with 0.01 for an uncompiled model. Given, it sets the rate of a fresh copy of
            the compiled optimizer (or of Adam).
        loss: a loss name (``"mse"``), a ``keras.losses`` object or a function
            ``loss(y_true, y_pred)``. None uses the compiled loss, else reads it from the last
            layer: 1 sigmoid unit -> binary cross-entropy, softmax -> sparse categorical
            cross-entropy, anything else -> mean squared error.
        validation_data: ``(x_val, y_val)`` scored after every epoch, or None.
        seed: seeds the shuffling of mini-batches (starting weights and dropout follow
            ``keras.utils.set_random_seed``, called before the model was built).
        chunk: epochs per compiled call, between which progress is reported and `should_stop`
            asked; None picks all epochs at once, or 1/20 of them when a callback is given.
        should_stop: a function of no arguments, asked before every chunk; when it returns
            True, training stops and the epochs done so far are returned.
        on_progress: called as ``on_progress(epochs_done, history)`` after every chunk.
        patience: early stopping, as ``keras.callbacks.EarlyStopping(monitor="val_loss",
            patience=patience)`` does it: training stops once ``val_loss`` has not gone below
            its best value for `patience` epochs in a row (1 to 1,000,000; needs
            `validation_data`). Checked after every epoch, inside the compiled loop, so it
            stops at the exact epoch whatever the `chunk`. None (default): no early stopping.
        restore_best_weights: with `patience`, put back the weights (all of them, batch
            normalization's moving statistics too; not the optimizer's state) of the epoch
            with the lowest ``val_loss`` when training ends, stopped early or not. Keras'
            ``EarlyStopping`` does the same with ``restore_best_weights=True``, though there
            it defaults to False. The best epoch is the first lowest ``val_loss`` in the
            history, ``int(np.argmin(history["val_loss"])) + 1``.
        shared_loop: True trains a plain Dense network (a ``keras.Sequential`` of Dense
            layers with relu, tanh, sigmoid or linear, no regularizers, not compiled, no
            `patience`) in a loop shared by networks of every width and up to 6 hidden layers:
            a new shape costs no tracing (0.3-1 s) and no memory (about 1 MB each, kept by
            TensorFlow for the life of the process), for 1.2-2 times the time per epoch.
            Same history and weights to float32 rounding. Other models train as with False
            (the default: a loop traced for the model).

    Calling `train_fast` again on the same model continues training, as a second ``fit``
    does: with unchanged settings and data shapes it reuses the optimizer (also the Adam it
    made for an uncompiled model) and the compiled loop, so only the first call pays the
    0.2-0.5 s of tracing.

    Returns:
        A history dict like ``model.fit(...).history``: ``"loss"`` (mean over each epoch's
        batches), ``"accuracy"`` for classifiers, and ``"val_loss"`` (``"val_accuracy"``) with
        validation data; each a list with one float per epoch trained.
    """
    import tensorflow as tf

    model = v.check_model("model", model)
    x = check_inputs("x", x)
    epochs = v.check_int("epochs", epochs, low=1, high=MAX_EPOCHS)
    if batch_size is not None:
        batch_size = v.check_int(
            "batch_size", batch_size, low=1, hint="Or None to use all samples in every step"
        )
    if learning_rate is not None:
        learning_rate = v.check_number("learning_rate", learning_rate, low=0, low_open=True)
    seed = v.check_seed("seed", seed)
    if chunk is not None:
        chunk = v.check_int("chunk", chunk, low=1, high=MAX_EPOCHS)
    should_stop = v.check_callable("should_stop", should_stop, 0, "should_stop()")
    on_progress = v.check_callable(
        "on_progress", on_progress, 2, "on_progress(epochs_done, history)"
    )
    if patience is not None:
        patience = v.check_int("patience", patience, low=1, high=MAX_EPOCHS, hint="Or None")
        if validation_data is None:
            v.fail(
                "validation_data",
                "a pair (x_val, y_val) when `patience` is given",
                validation_data,
                hint="Early stopping watches the validation loss; pass validation_data=(x_val, "
                "y_val) or leave patience=None",
            )
    restore_best_weights = v.check_bool("restore_best_weights", restore_best_weights)
    shared_loop = v.check_bool("shared_loop", shared_loop)
    check_x_fits(model, x)
    if not model.built:
        model(x[:1])
    # Every model of a new width keeps kernels in TensorFlow's cache for good: bounded here,
    # below the widgets that build one per change (hlcourse._tf.memory).
    memory.bound_kernel_cache(tuple(weight.shape) for weight in model.weights)
    y = check_targets("y", y, len(x), "x")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            v.fail(
                "validation_data",
                "a pair (x_val, y_val) or None",
                validation_data,
                error=TypeError if not isinstance(validation_data, (tuple, list)) else ValueError,
            )
        x_val = check_inputs("validation_data[0]", validation_data[0], x.shape[1:])
        y_val = check_targets("validation_data[1]", validation_data[1], len(x_val), "x_val")
    loss_fn, kind, loss_key = resolve_loss(model, loss)
    variables = list(model.trainable_variables)
    if not variables:
        v.fail("model", "a model with trainable weights", model, hint="Every layer is frozen")
    units = output_units(model, x)
    y = match_targets("y", y, units, kind)
    val_arrays: tuple[np.ndarray, ...] = ()
    if validation_data is not None:
        val_arrays = (x_val, match_targets("validation_data[1]", y_val, units, kind))
    n = len(x)
    batch = n if batch_size is None else min(batch_size, n)

    # The compiled loop and its optimizer are kept on the model, so calling train_fast again
    # with the same settings continues training without tracing the loop again.
    compiled_optimizer = optimizer_compiled_with(model)
    stopping = patience is not None
    cache_key = (
        id(compiled_optimizer), learning_rate, loss_key, batch, stopping,
        tuple((a.shape, a.dtype.str) for a in (x, y, *val_arrays)),
        tuple(id(w) for w in variables),
    )  # fmt: skip
    loops = model.__dict__.get("_hlc_training_loops")
    if loops is None:
        loops = {}
        # Past Keras' attribute tracking: a private cache, not part of the model's config.
        object.__setattr__(model, "_hlc_training_loops", loops)
    loop: Loop | None = loops.pop(cache_key, None)
    if loop is None and shared_loop and compiled_optimizer is None and not stopping:
        # A plain Dense chain: one loop for every layer size (hlcourse.training._dense_loop).
        loop = _dense_loop.dense_run(
            model, loss_fn, keras_object_key(loss_fn), accuracy_fn(kind, loss_fn),
            (kind, bool(getattr(loss_fn, "from_logits", False))),
            DEFAULT_LEARNING_RATE if learning_rate is None else learning_rate,
            (x, y, *val_arrays), batch, keep=(compiled_optimizer, loss),
        )  # fmt: skip
    if loop is None and _pooled_loop.POOLING:
        loop = _pooled_loop.pooled_loop(
            model, compiled_optimizer, learning_rate, loss, loss_fn, kind, loss_key,
            (x, y, *val_arrays), batch, stopping,
        )  # fmt: skip
    if loop is None:
        optimizer = resolve_optimizer(model, compiled_optimizer, learning_rate)
        if not optimizer.built:
            optimizer.build(variables)
        loop = compile_loop(
            model, variables, optimizer, loss_fn, kind, (x, y, *val_arrays), batch, stopping
        )
        loop = dataclasses.replace(loop, keep=(compiled_optimizer, loss))  # ids stay theirs
    loops[cache_key] = loop  # newest last; keep a few
    for old in list(loops)[:-CACHED_LOOPS]:
        del loops[old]
    keys = loop.keys
    full_batch = batch == n

    history: dict[str, list[float]] = {key: [] for key in keys}
    if chunk is None:
        chunk = (
            epochs
            if should_stop is None and on_progress is None
            else -(-epochs // PROGRESS_REPORTS)
        )
    rng = np.random.default_rng(seed)
    x_tensor = tf.constant(x, tf.float32)
    y_tensor = tf.constant(y)
    val_tensors = tuple(tf.constant(a) for a in val_arrays)
    run_chunk = loop.start(model)  # a fresh watch for this call, as EarlyStopping resets it
    extra: tuple = (tf.constant(patience, tf.int32),) if stopping else ()
    done = 0
    stopped = False
    while done < epochs and not stopped:
        if should_stop is not None and should_stop():
            break
        size = min(chunk, epochs - done)
        if full_batch:
            orders = np.zeros((size, 0), np.int32)
        else:
            orders = np.stack([rng.permutation(n) for _ in range(size)]).astype(np.int32)
        result = run_chunk(x_tensor, y_tensor, tf.constant(orders), *val_tensors, *extra)
        for key in keys:
            history[key].extend(float(value) for value in result[key].numpy())
        done += len(result["loss"])
        stopped = stopping and bool(result["stopped"].numpy())
        if on_progress is not None:
            on_progress(done, {key: list(values) for key, values in history.items()})
    if stopping and restore_best_weights:
        best, snapshots = run_chunk.best_weights()
        if np.isfinite(best):
            for weight, saved in zip(model.weights, snapshots, strict=True):
                weight.assign(saved)
    return history

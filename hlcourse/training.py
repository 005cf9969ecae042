"""Fast training for small networks: many optimizer steps inside one compiled TensorFlow loop.

``model.fit`` costs 15-35 ms per epoch however little work the epoch holds (measured by timing
``fit`` on networks of a few units), which is most of the time a tiny network takes to train. `train_fast` runs a whole chunk of epochs inside
one ``tf.function`` (GradientTape + the optimizer's ``apply_gradients``), so a lesson or a widget
can train hundreds of epochs in well under a second, and still report progress and stop early
between chunks.

    >>> history = train_fast(model, ds.x_train, ds.y_train, epochs=300,
    ...                      validation_data=(ds.x_test, ds.y_test))
    >>> history["loss"][-1], history["val_accuracy"][-1]

It trains exactly what ``fit`` trains: the compiled loss (plus any regularization penalties),
the model's own optimizer when it was compiled, per-epoch averages in the history. Given
`patience`, it stops early on the validation loss as ``keras.callbacks.EarlyStopping`` does.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402  (after the logging settings; this module is imported lazily)

from hlcourse import _dense_loop, _keras  # noqa: E402
from hlcourse import _validate as v  # noqa: E402
from hlcourse._tf import memory as _memory  # noqa: E402

__all__ = ["train_fast"]


class _NoRetracingNotice(logging.Filter):
    """Drop TensorFlow's "N out of the last N calls ... triggered tf.function retracing".

    Each new model gets its own compiled loop, traced once, by design; TensorFlow counts those
    as retracing of one function and tells learners to restructure code they never wrote.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


if not any(isinstance(f, _NoRetracingNotice) for f in logging.getLogger("tensorflow").filters):
    logging.getLogger("tensorflow").addFilter(_NoRetracingNotice())

DEFAULT_LEARNING_RATE = 0.01
MAX_EPOCHS = 1_000_000
# How many progress reports a run makes when it has someone to report to (and no `chunk`).
PROGRESS_REPORTS = 20
# Compiled loops kept per model (one per combination of settings and data shapes).
CACHED_LOOPS = 4
# Architectures (with their settings) whose compiled loop is shared by every model of that
# architecture: TensorFlow keeps 3-4 MB per traced function even after it is freed, so a widget
# that builds a new model on every change would grow by that much per change without it.
POOLED_ARCHITECTURES = 8
_POOLING = True  # private switch: False trains every model with a loop of its own (tests)
_POOL: OrderedDict = OrderedDict()
_POOL_LOCK = threading.Lock()


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
    x = _check_inputs("x", x)
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
    _check_x_fits(model, x)
    if not model.built:
        model(x[:1])
    y = _check_targets("y", y, len(x), "x")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            v.fail(
                "validation_data",
                "a pair (x_val, y_val) or None",
                validation_data,
                error=TypeError if not isinstance(validation_data, (tuple, list)) else ValueError,
            )
        x_val = _check_inputs("validation_data[0]", validation_data[0], x.shape[1:])
        y_val = _check_targets("validation_data[1]", validation_data[1], len(x_val), "x_val")
    loss_fn, kind, loss_key = _resolve_loss(model, loss)
    variables = list(model.trainable_variables)
    if not variables:
        v.fail("model", "a model with trainable weights", model, hint="Every layer is frozen")
    units = _output_units(model, x)
    y = _match_targets("y", y, units, kind)
    val_arrays: tuple[np.ndarray, ...] = ()
    if validation_data is not None:
        val_arrays = (x_val, _match_targets("validation_data[1]", y_val, units, kind))
    n = len(x)
    batch = n if batch_size is None else min(batch_size, n)

    # The compiled loop and its optimizer are kept on the model, so calling train_fast again
    # with the same settings continues training without tracing the loop again.
    compiled_optimizer = _compiled_optimizer(model)
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
    loop = loops.pop(cache_key, None)
    if loop is None and shared_loop and compiled_optimizer is None and not stopping:
        # A plain Dense chain: one loop for every layer size (see hlcourse._dense_loop).
        run = _dense_loop.dense_run(
            model, loss_fn, _keras_object_key(loss_fn), _accuracy_fn(kind, loss_fn),
            (kind, bool(getattr(loss_fn, "from_logits", False))),
            DEFAULT_LEARNING_RATE if learning_rate is None else learning_rate,
            (x, y, *val_arrays), batch,
        )  # fmt: skip
        if run is not None:
            loop = {"run_chunk": run, "keys": run.keys, "keep": (compiled_optimizer, loss)}
    if loop is None and _POOLING:
        loop = _pooled_loop(
            model, compiled_optimizer, learning_rate, loss, loss_fn, kind, loss_key,
            (x, y, *val_arrays), batch, stopping,
        )  # fmt: skip
    if loop is None:
        optimizer = _resolve_optimizer(model, compiled_optimizer, learning_rate)
        if not optimizer.built:
            optimizer.build(variables)
        loop = _compile_loop(
            model, variables, optimizer, loss_fn, kind, (x, y, *val_arrays), batch, stopping
        )
        loop["keep"] = (compiled_optimizer, loss)  # the ids in `key` stay theirs
    loops[cache_key] = loop  # newest last; keep a few
    for old in list(loops)[:-CACHED_LOOPS]:
        del loops[old]
    run_chunk, keys = loop["run_chunk"], loop["keys"]
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
    extra: tuple = ()
    twin = loop.get("twin")
    if twin is not None:
        run_chunk = twin.chunk_runner(model, loop)
    if stopping:  # a fresh watch for this call, as EarlyStopping.on_train_begin resets it
        if twin is None:
            loop["best"].assign(math.inf)
            loop["wait"].assign(0)
        extra = (tf.constant(patience, tf.int32),)
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
    if twin is not None:
        best, snapshots = run_chunk.best, run_chunk.snapshots
    elif stopping:
        best, snapshots = loop["best"].numpy(), [saved.numpy() for saved in loop["snapshots"]]
    if stopping and restore_best_weights and np.isfinite(best):
        for weight, saved in zip(model.weights, snapshots, strict=True):
            weight.assign(saved)
    return history


def _compile_loop(
    model: keras.Model,
    variables: list,
    optimizer: Any,
    loss_fn: Callable,
    kind: str | None,
    arrays: tuple[np.ndarray, ...],
    batch: int,
    stopping: bool = False,
) -> dict[str, Any]:
    """The tf.function that trains a chunk of epochs, and the history keys it returns.

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
    accuracy = _accuracy_fn(kind, loss_fn)
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
        for shape, a in zip(_loop_shapes(arrays, full_batch), arrays, strict=True)
    ]
    signature.insert(2, tf.TensorSpec([None, None if full_batch else n], tf.int32))
    best = wait = None
    watched: list = []
    snapshots: list = []
    if stopping:
        signature.append(tf.TensorSpec([], tf.int32))  # the patience
        best = tf.Variable(math.inf, trainable=False, dtype=tf.float32)
        wait = tf.Variable(0, trainable=False, dtype=tf.int32)
        watched = list(model.weights)  # what keras.Model.get_weights() returns
        snapshots = [tf.Variable(w.numpy(), trainable=False) for w in watched]

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

    return {"run_chunk": _TracedOnFirstCall(run_chunk), "keys": keys, "best": best, "wait": wait,
            "snapshots": snapshots}  # fmt: skip


def _loop_shapes(arrays: tuple[np.ndarray, ...], full_batch: bool) -> list[tuple]:
    """The shapes a training loop is traced for: the number of samples is left open (None) for
    the validation data, and for the training data when every step takes all of it, so one
    loop serves every number of samples (the regularization lab's "Training samples"); with
    mini-batches the loop's slicing needs it."""
    return [
        (None, *a.shape[1:]) if full_batch or i >= 2 else tuple(a.shape)
        for i, a in enumerate(arrays)
    ]


class _TracedOnFirstCall:
    """A training loop's ``tf.function`` that, when its first call traces it, forgets the custom
    gradients the trace registered (`_forget_custom_gradients`). Tracing waits for the first
    call, so a training cancelled before its first chunk costs no trace."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.traced = False

    def __call__(self, *args: Any) -> Any:
        if not self.traced:
            _forget_custom_gradients(self.function.get_concrete_function())
            self.traced = True
        return self.function(*args)


def _forget_custom_gradients(function: Any) -> int:
    """Remove from TensorFlow's global gradient registry the custom gradients that a traced
    `function` (a ConcreteFunction) registered, and return how many were removed.

    Keras' optimizer sums the gradients over replicas inside ``tf.custom_gradient`` (even with
    one replica), and in a traced function TensorFlow registers that op's gradient under a
    unique ``CustomGradient-N`` name in a registry it never empties; the entry holds the traced
    graph, so every training loop traced for a new model kept 3-4 MB for the life of the process
    (tensorflow/tensorflow#97697). Nothing differentiates through a training loop, and the name
    is unique to the graph that uses it, so the names this graph (and the loops nested in it)
    refers to are dropped as soon as it is traced; the graph is then freed with its model.
    Other registrations are never touched. A TensorFlow without that registry: nothing to do.
    """
    from tensorflow.python.framework import ops

    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    if not isinstance(registry, dict):
        return 0
    graph = function.graph.as_graph_def()
    nodes = [*graph.node, *(node for f in graph.library.function for node in f.node_def)]
    names = {
        node.attr["_gradient_op_type"].s.decode()
        for node in nodes
        if "_gradient_op_type" in node.attr
    }
    removed = 0
    for name in names:
        if name.startswith("CustomGradient-") and registry.pop(name, None) is not None:
            removed += 1
    return removed


# --------------------------------------------------------------------------------------------
# One compiled loop for every model of an architecture
# --------------------------------------------------------------------------------------------

# Config fields that refer to layers by name (in a Functional model's wiring).
_NAMING_KEYS = ("keras_history", "input_layers", "output_layers", "inbound_nodes")
_ZEROS = {"module": "keras.initializers", "class_name": "Zeros", "config": {},
          "registered_name": None}  # fmt: skip


def _pooled_loop(
    model: keras.Model,
    compiled_optimizer: Any,
    learning_rate: float | None,
    loss: Any,
    loss_fn: Callable,
    kind: str | None,
    loss_key: tuple,
    arrays: tuple[np.ndarray, ...],
    batch: int,
    stopping: bool,
) -> dict[str, Any] | None:
    """The model's entry in its cache of loops when it can share the loop of a twin: a model
    of the same architecture and settings, kept in `_POOL`, whose loop runs every chunk on a
    copy of this model's state (weights, batch-norm statistics, dropout seeds, the optimizer's
    slots) that is copied back after it. None when that copy could not be exact (a subclassed
    model, custom layers, losses or optimizers): then the model gets a loop of its own."""
    config = _pool_config(model)
    if config is None:
        return None
    if loss_key[0] in ("name", "inferred"):
        loss_part: Any = loss_key
    else:
        loss_part = _keras_object_key(model.loss if loss_key[0] == "compiled" else loss)
    if compiled_optimizer is None:
        optimizer_part: Any = ("adam", learning_rate or DEFAULT_LEARNING_RATE)
    else:
        optimizer_part = (_keras_object_key(compiled_optimizer), learning_rate)
    if loss_part is None or optimizer_part[0] is None:
        return None
    full_batch = batch == len(arrays[0])
    shapes = tuple(
        (shape, a.dtype.str)
        for shape, a in zip(_loop_shapes(arrays, full_batch), arrays, strict=True)
    )
    key = (
        json.dumps(config, sort_keys=True), loss_part, optimizer_part,
        "full" if full_batch else batch, stopping, shapes,
    )  # fmt: skip
    with _POOL_LOCK:
        if key in _POOL:
            twin = _POOL.pop(key)
        else:
            twin = _Twin.create(
                model, config, compiled_optimizer, learning_rate, loss_fn, kind, arrays, batch,
                stopping,
            )  # fmt: skip
        _POOL[key] = twin  # newest last (a None remembers that this one cannot be shared)
        while len(_POOL) > POOLED_ARCHITECTURES:
            _, evicted = _POOL.popitem(last=False)
            if evicted is not None and evicted.loop["run_chunk"].traced:
                _memory.note_freed_loop()  # its kernel stays in TensorFlow's cache: bounded
    if twin is None or not _same_shapes(model.variables, twin.model.variables):
        return None
    if compiled_optimizer is not None and learning_rate is None:
        if not compiled_optimizer.built:
            compiled_optimizer.build(list(model.trainable_variables))
        if not _same_shapes(compiled_optimizer.variables, twin.optimizer.variables):
            return None
        state = None  # the compiled optimizer keeps its own state
    else:  # a fresh optimizer of this model's own, kept here as arrays between calls
        state = [np.array(value) for value in twin.fresh_state]
    return {"twin": twin, "keys": twin.loop["keys"], "run_chunk": None, "optimizer_state": state,
            "keep": (compiled_optimizer, loss)}  # fmt: skip


def _pool_config(model: keras.Model) -> dict | None:
    """The model's config with what the compiled loop does not depend on taken out: layer
    names numbered in order, initializers (the weights exist already) and seeds (dropout's
    seed lives in a variable). None for models a config cannot rebuild exactly."""
    if _keras.model_style(model) == "subclassed" or type(model).__module__.split(".")[0] != "keras":
        return None
    try:
        config = model.get_config()
    except Exception:  # noqa: BLE001  (an unserializable model: no twin)
        return None
    if not _only_keras(config):
        return None
    names = {config.get("name"): "twin"}
    for i, layer in enumerate(config.get("layers", [])):
        names[layer.get("config", {}).get("name")] = f"twin_{i}"

    def clean(value: Any, key: str = "", naming: bool = False) -> Any:
        # `naming`: inside a field that names layers (not, say, an activation called "relu").
        if key.endswith("_initializer") and value is not None:
            return dict(_ZEROS)
        if key == "seed":
            return 0
        if isinstance(value, dict):
            return {k: clean(item, k, naming or k in _NAMING_KEYS) for k, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(item, key, naming) for item in value]
        if isinstance(value, str) and (naming or key == "name") and value in names:
            return names[value]
        return value

    return clean(config)


def _only_keras(value: Any) -> bool:
    """True when a serialized config holds only Keras' own classes and functions."""
    if isinstance(value, dict):
        module = value.get("module")
        if isinstance(module, str) and module.split(".")[0] != "keras":
            return False
        if value.get("class_name") in ("Lambda", "function", "__lambda__"):
            return False
        return all(_only_keras(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_only_keras(item) for item in value)
    return True


def _keras_object_key(obj: Any) -> str | None:
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
    return text if _only_keras(config) else None


def _same_shapes(ours: list, theirs: list) -> bool:
    return len(ours) == len(theirs) and all(
        tuple(a.shape) == tuple(b.shape) and a.dtype == b.dtype
        for a, b in zip(ours, theirs, strict=True)
    )


def _copy(targets: list, sources: list) -> None:
    for target, source in zip(targets, sources, strict=True):
        target.assign(getattr(source, "value", source))


class _Twin:
    """A stand-in model with its optimizer and compiled loop, shared by every model of one
    architecture (and settings); `lock` lets one chunk at a time run on it."""

    def __init__(self, model: keras.Model, optimizer: Any, loop: dict, stopping: bool) -> None:
        self.model, self.optimizer, self.loop, self.stopping = model, optimizer, loop, stopping
        self.fresh_state = [np.array(w.numpy()) for w in optimizer.variables]
        self.lock = threading.Lock()

    @classmethod
    def create(cls, model, config, compiled, learning_rate, loss_fn, kind, arrays, batch,
               stopping) -> _Twin | None:  # fmt: skip
        # Building draws no random numbers (zero initializers, fixed seeds); the global
        # generators are put back all the same so a twin never changes what the learner sees.
        python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
        try:
            twin = type(model).from_config(config)
            if not twin.built:
                twin(arrays[0][:1])
            if not _same_shapes(model.variables, twin.variables) or not _same_shapes(
                model.weights, twin.weights
            ):
                return None
            if compiled is not None:
                compiled = type(compiled).from_config(compiled.get_config())
            optimizer = _resolve_optimizer(twin, compiled, learning_rate)
            variables = list(twin.trainable_variables)
            optimizer.build(variables)
            loop = _compile_loop(twin, variables, optimizer, loss_fn, kind, arrays, batch,
                                 stopping)  # fmt: skip
        except Exception:  # noqa: BLE001  (whatever fails here, the model trains on its own)
            return None
        finally:
            random.setstate(python_state)
            np.random.set_state(numpy_state)  # noqa: NPY002
        return cls(twin, optimizer, loop, stopping)

    def chunk_runner(self, model: keras.Model, entry: dict) -> _PooledRun:
        return _PooledRun(self, model, entry)


class _PooledRun:
    """``run_chunk`` for one train_fast call on a twin: before each chunk the twin takes the
    model's state, after it the model takes the twin's, so the model trains bit for bit as with
    a loop of its own (and other calls may use the twin between chunks). Keeps this call's
    early-stopping watch (`best`, `wait`, `snapshots`) for the same reason."""

    def __init__(self, twin: _Twin, model: keras.Model, entry: dict) -> None:
        self.twin, self.model, self.entry = twin, model, entry
        self.best = np.float32(math.inf)
        self.wait = np.int32(0)
        self.snapshots = [np.array(w.numpy()) for w in model.weights] if twin.stopping else []

    def __call__(self, *args: Any) -> dict:
        twin, entry = self.twin, self.entry
        compiled = None if entry["optimizer_state"] is not None else self.model.optimizer
        with twin.lock:
            _copy(twin.model.variables, self.model.variables)
            _copy(twin.optimizer.variables,
                  entry["optimizer_state"] if compiled is None else compiled.variables)  # fmt: skip
            if twin.stopping:
                twin.loop["best"].assign(self.best)
                twin.loop["wait"].assign(self.wait)
                _copy(twin.loop["snapshots"], self.snapshots)
            result = twin.loop["run_chunk"](*args)
            _copy(self.model.variables, twin.model.variables)
            if compiled is None:
                entry["optimizer_state"] = [np.array(w.numpy()) for w in twin.optimizer.variables]
            else:
                _copy(compiled.variables, twin.optimizer.variables)
            if twin.stopping:
                self.best = twin.loop["best"].numpy()
                self.wait = twin.loop["wait"].numpy()
                self.snapshots = [s.numpy() for s in twin.loop["snapshots"]]
        return result


# --------------------------------------------------------------------------------------------
# Checking and resolving the arguments
# --------------------------------------------------------------------------------------------


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


def _check_inputs(name: str, value: Any, sample_shape: tuple | None = None) -> np.ndarray:
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


def _check_targets(name: str, value: Any, n: int, x_name: str) -> np.ndarray:
    array = _as_array(name, value)
    if array.ndim == 0 or len(array) != n:
        v.fail(
            f"{name}.shape",
            f"one target per row of {x_name}, i.e. ({n},) or ({n}, n_outputs)",
            array.shape,
        )
    return array


def _resolve_loss(model: keras.Model, loss: Any) -> tuple[Callable, str | None, tuple]:
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
        loss = _named_loss(loss)
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


def _named_loss(name: str) -> Callable:
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


def _compiled_optimizer(model: keras.Model) -> Any:
    """The optimizer `model` was compiled with, or None."""
    return getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None


def _resolve_optimizer(model: keras.Model, compiled: Any, learning_rate: float | None):
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


def _output_units(model: keras.Model, x: np.ndarray) -> int | None:
    """Width of the model's output (None when it is not one 2-D tensor)."""
    if _keras.model_style(model) != "subclassed":
        outputs = model.outputs
        if len(outputs) == 1 and len(outputs[0].shape) == 2:
            return outputs[0].shape[-1]
        return None
    out = model(x[:1], training=False)
    return int(out.shape[-1]) if hasattr(out, "shape") and len(out.shape) == 2 else None


def _match_targets(name: str, y: np.ndarray, units: int | None, kind: str | None) -> np.ndarray:
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


def _check_x_fits(model: keras.Model, x: np.ndarray) -> None:
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


def _accuracy_fn(kind: str | None, loss_fn: Any) -> Callable | None:
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

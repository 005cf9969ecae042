"""One compiled loop for every model of an architecture: `train_fast`'s pooled strategy.

TensorFlow keeps a few MB for every training loop it has traced, even after the loop is freed,
so a widget that builds a new model on every change would grow by that much per change with a
loop traced per model. Here a model trains on the loop of a twin: a model of the same
architecture and settings (rebuilt from its config), kept in `POOL`, whose loop runs every
chunk on a copy of the model's state (weights, batch-norm statistics, dropout seeds, the
optimizer's slots) that is copied back after it, so the model trains bit for bit as with a loop
of its own. Models a config cannot rebuild exactly (subclassed models, custom layers, losses or
optimizers) get a loop of their own (`hlcourse.training._model_loop`).
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from hlcourse import _keras
from hlcourse._tf import memory
from hlcourse.training._arguments import (
    DEFAULT_LEARNING_RATE,
    keras_object_key,
    only_keras,
    resolve_optimizer,
)
from hlcourse.training._model_loop import ModelLoop, compile_loop, loop_shapes

__all__ = [
    "POOL",
    "POOLED_ARCHITECTURES",
    "POOLING",
    "PooledLoop",
    "PooledRun",
    "Twin",
    "pooled_loop",
]

POOLING = True
"""False trains every model with a loop of its own (tests compare the two strategies)."""

POOLED_ARCHITECTURES = 8
"""Architectures (with their settings) whose twins are kept; the oldest goes first."""

POOL: OrderedDict = OrderedDict()
"""Twins by architecture and settings, newest last (None: that one cannot be shared)."""
POOL_LOCK = threading.Lock()

# Config fields that refer to layers by name (in a Functional model's wiring).
_NAMING_KEYS = ("keras_history", "input_layers", "output_layers", "inbound_nodes")
_ZEROS = {"module": "keras.initializers", "class_name": "Zeros", "config": {},
          "registered_name": None}  # fmt: skip


def pooled_loop(
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
) -> PooledLoop | None:
    """The model's entry in its cache of loops when it can share the loop of a twin: a model
    of the same architecture and settings, kept in `POOL`, whose loop runs every chunk on a
    copy of this model's state (weights, batch-norm statistics, dropout seeds, the optimizer's
    slots) that is copied back after it. None when that copy could not be exact (a subclassed
    model, custom layers, losses or optimizers): then the model gets a loop of its own."""
    config = _pool_config(model)
    if config is None:
        return None
    if loss_key[0] in ("name", "inferred"):
        loss_part: Any = loss_key
    else:
        loss_part = keras_object_key(model.loss if loss_key[0] == "compiled" else loss)
    if compiled_optimizer is None:
        optimizer_part: Any = ("adam", learning_rate or DEFAULT_LEARNING_RATE)
    else:
        optimizer_part = (keras_object_key(compiled_optimizer), learning_rate)
    if loss_part is None or optimizer_part[0] is None:
        return None
    full_batch = batch == len(arrays[0])
    shapes = tuple(
        (shape, a.dtype.str)
        for shape, a in zip(loop_shapes(arrays, full_batch), arrays, strict=True)
    )
    key = (
        json.dumps(config, sort_keys=True), loss_part, optimizer_part,
        "full" if full_batch else batch, stopping, shapes,
    )  # fmt: skip
    with POOL_LOCK:
        if key in POOL:
            twin = POOL.pop(key)
        else:
            twin = Twin.create(
                model, config, compiled_optimizer, learning_rate, loss_fn, kind, arrays, batch,
                stopping,
            )  # fmt: skip
        POOL[key] = twin  # newest last (a None remembers that this one cannot be shared)
        while len(POOL) > POOLED_ARCHITECTURES:
            _, evicted = POOL.popitem(last=False)
            if evicted is not None and evicted.loop.run_chunk.traced:
                memory.note_freed_loop()  # its kernel stays in TensorFlow's cache: bounded
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
    return PooledLoop(twin, state, (compiled_optimizer, loss))


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
    if not only_keras(config):
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


def _same_shapes(ours: list, theirs: list) -> bool:
    return len(ours) == len(theirs) and all(
        tuple(a.shape) == tuple(b.shape) and a.dtype == b.dtype
        for a, b in zip(ours, theirs, strict=True)
    )


def _copy(targets: list, sources: list) -> None:
    for target, source in zip(targets, sources, strict=True):
        target.assign(getattr(source, "value", source))


class Twin:
    """A stand-in model with its optimizer and compiled loop, shared by every model of one
    architecture (and settings); `lock` lets one chunk at a time run on it."""

    def __init__(self, model: keras.Model, optimizer: Any, loop: ModelLoop, stopping: bool) -> None:
        self.model, self.optimizer, self.loop, self.stopping = model, optimizer, loop, stopping
        self.fresh_state = [np.array(w.numpy()) for w in optimizer.variables]
        self.lock = threading.Lock()

    @classmethod
    def create(cls, model, config, compiled, learning_rate, loss_fn, kind, arrays, batch,
               stopping) -> Twin | None:  # fmt: skip
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
            optimizer = resolve_optimizer(twin, compiled, learning_rate)
            variables = list(twin.trainable_variables)
            optimizer.build(variables)
            loop = compile_loop(twin, variables, optimizer, loss_fn, kind, arrays, batch,
                                 stopping)  # fmt: skip
        except Exception:  # noqa: BLE001  (whatever fails here, the model trains on its own)
            return None
        finally:
            random.setstate(python_state)
            np.random.set_state(numpy_state)  # noqa: NPY002
        return cls(twin, optimizer, loop, stopping)


class PooledLoop:
    """A model's entry for a twin's loop (a `Loop`).

    Attributes:
        twin: the `Twin` whose loop trains this model.
        optimizer_state: the fresh optimizer's variables of this model between calls, as
            arrays; None when the model's compiled optimizer keeps its own state.
        keys, keep: see `Loop`.
    """

    def __init__(self, twin: Twin, optimizer_state: list | None, keep: tuple) -> None:
        self.twin = twin
        self.optimizer_state = optimizer_state
        self.keys = twin.loop.keys
        self.keep = keep

    def start(self, model: keras.Model) -> PooledRun:
        """The run for one `train_fast` call of `model` on the twin's loop."""
        return PooledRun(self.twin, model, self)


class PooledRun:
    """``run_chunk`` for one train_fast call on a twin: before each chunk the twin takes the
    model's state, after it the model takes the twin's, so the model trains bit for bit as with
    a loop of its own (and other calls may use the twin between chunks). Keeps this call's
    early-stopping watch (`best`, `wait`, `snapshots`) for the same reason."""

    def __init__(self, twin: Twin, model: keras.Model, entry: PooledLoop) -> None:
        self.twin, self.model, self.entry = twin, model, entry
        self.best = np.float32(math.inf)
        self.wait = np.int32(0)
        self.snapshots = [np.array(w.numpy()) for w in model.weights] if twin.stopping else []

    def __call__(self, *args: Any) -> dict:
        twin, entry = self.twin, self.entry
        compiled = None if entry.optimizer_state is not None else self.model.optimizer
        with twin.lock:
            _copy(twin.model.variables, self.model.variables)
            _copy(twin.optimizer.variables,
                  entry.optimizer_state if compiled is None else compiled.variables)  # fmt: skip
            if twin.stopping:
                twin.loop.watch.best.assign(self.best)
                twin.loop.watch.wait.assign(self.wait)
                _copy(twin.loop.watch.snapshots, self.snapshots)
            result = twin.loop.run_chunk(*args)
            _copy(self.model.variables, twin.model.variables)
            if compiled is None:
                entry.optimizer_state = [np.array(w.numpy()) for w in twin.optimizer.variables]
            else:
                _copy(compiled.variables, twin.optimizer.variables)
            if twin.stopping:
                self.best = twin.loop.watch.best.numpy()
                self.wait = twin.loop.watch.wait.numpy()
                self.snapshots = [s.numpy() for s in twin.loop.watch.snapshots]
        return result

    def best_weights(self) -> tuple[float, list[np.ndarray]]:
        return self.best, self.snapshots

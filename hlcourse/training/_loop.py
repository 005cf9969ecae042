"""What a training loop is to `train_fast`, whichever strategy made it.

A `Loop` is one entry in a model's cache of compiled loops (one per combination of settings and
data shapes): the history keys its chunks return, and `start`, which gives the `ChunkRun` for
one call of `train_fast`. A `ChunkRun` runs a chunk of epochs, ``run(x, y, orders, [x_val,
y_val, [patience]])``, returning one tensor per history key plus ``"stopped"``, and after
training with early stopping tells the best validation loss and the weights of that epoch.

Three strategies make loops (each in a module of its own, their costs measured apart):
`hlcourse.training._model_loop` traces a loop for the model, `hlcourse.training._pooled_loop`
shares one loop between the models of an architecture, `hlcourse.training._dense_loop` one loop
between plain Dense networks of every size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

__all__ = ["ChunkRun", "Loop", "StoppingWatch"]


class ChunkRun(Protocol):
    """Runs chunks of epochs for one `train_fast` call."""

    def __call__(self, *tensors: Any) -> dict[str, Any]:
        """One chunk: ``(x, y, orders, [x_val, y_val, [patience]])`` -> per-epoch tensors by
        history key, and ``"stopped"`` (a scalar bool tensor)."""
        ...

    def best_weights(self) -> tuple[float, list[np.ndarray]]:
        """With early stopping: the lowest validation loss seen (inf when none) and a copy of
        every weight (``model.weights``) at that epoch."""
        ...


class Loop(Protocol):
    """One entry of a model's cache of loops.

    Attributes:
        keys: the history keys the chunks return, in order.
        keep: objects whose ids are part of the cache key (the compiled optimizer, the loss
            given), held so those ids cannot be reused by other objects while the entry lives.
    """

    keys: tuple[str, ...]
    keep: tuple

    def start(self, model: Any) -> ChunkRun:
        """The `ChunkRun` for one call of `train_fast` on `model` (a fresh early-stopping watch,
        as ``EarlyStopping.on_train_begin`` resets it)."""
        ...


@dataclass(frozen=True)
class StoppingWatch:
    """Early stopping's state inside a compiled loop, in variables that outlive a chunk.

    Attributes:
        best: the lowest validation loss so far (float32 variable).
        wait: epochs since it (int32 variable).
        watched: the weights copied at the best epoch (``model.weights``).
        snapshots: their copies (one variable per weight).
    """

    best: Any
    wait: Any
    watched: tuple
    snapshots: tuple

    @classmethod
    def create(cls, weights: list) -> StoppingWatch:
        """A watch over `weights` (variables of the model the loop is traced for)."""
        import tensorflow as tf

        return cls(
            best=tf.Variable(math.inf, trainable=False, dtype=tf.float32),
            wait=tf.Variable(0, trainable=False, dtype=tf.int32),
            watched=tuple(weights),
            snapshots=tuple(tf.Variable(w.numpy(), trainable=False) for w in weights),
        )

    def reset(self) -> None:
        """Start afresh: no best loss yet, no epochs waited."""
        self.best.assign(math.inf)
        self.wait.assign(0)

    def result(self) -> tuple[float, list[np.ndarray]]:
        """The best loss and the weights of its epoch, as NumPy values."""
        return self.best.numpy(), [saved.numpy() for saved in self.snapshots]

"""The overfitting experiment of lesson 06: one network, one small noisy data set, and every
cure for overfitting as a setting.

A wide network (2 inputs -> 128 relu -> 128 relu -> 1 sigmoid, 17,025 weights) learns the
"moons" data set from only a few noisy points (noise 0.25, so the two classes overlap). With
nothing to stop it, it memorizes them: its training loss falls towards 0 while its validation
loss, measured on 1,000 other points of the same two moons, bottoms out early (within 41
epochs on seeds 0-4) and then climbs. `run_regularization` trains it once with the settings
given (more training samples, dropout, an L1 or L2 penalty, early stopping, batch
normalization before or after the activation, with a chosen momentum) and returns a
`RegularizationRun` with the history, the losses and the train-validation gap, and, with
``track_every``, what the hidden layers' activations received along the way.
`overfitting_data` hands out the same points for a model of your own. Lessons call these
directly; the lab widget (`hlcourse.widgets.regularization_lab`) calls `run_regularization`
in a background thread.

What is measured (``gap``): the validation loss minus the training loss, both binary
cross-entropy of the kept weights, in inference mode (dropout off, batch normalization on its
moving averages) and without the weight penalty, so runs with and without a regularizer are
compared on the same footing. The training curves in ``history`` are what Keras' ``fit``
reports: measured while training, with dropout on and the penalty added.

Settings: full-batch Adam (learning rate 0.01), one step per epoch, in one compiled loop
(`hlcourse.training.train_fast`), so a run of 300 epochs takes a second or two, most of it
tracing that loop.

A sweep over seeds 0-4 (60 samples, 300 epochs; gap = validation minus training loss):
no regularization 1.03-2.40 (training loss 0.001-0.023 and accuracy 1.0, the validation loss
lowest at epoch 4-41 and ending 3.3-7.8 times that); dropout 0.5 at most 0.56 of the same
seed's gap; L2 0.001 at most 0.30 of it; L2 0.01 at most 0.15; L1 0.001 at most 0.28 (99 % of
the second layer's weights within 0.01 of zero, none exactly 0); L1 0.01 and L2 0.03 gaps
under 0.22 with validation accuracy 0.79-0.88; L1 0.03 predicts one class everywhere
(validation accuracy 0.50); 200 samples at most 0.42; 400 at most 0.21; 1000 at most 0.13;
early stopping with patience 20 -0.01-0.16 (stopping after 24-61 epochs). Batch normalization
before the activation (momentum 0.5) reached a training loss of 0.3 in 0.21-0.59 of the
epochs the same seed needed without it, with a mean training loss over the first 100 epochs
0.76-0.88 of the baseline's; from epoch 60 to 300 the spread of the second layer's
pre-activations grew 1.25-1.37 times (1.97-2.84 without it), none of its units died (16-34 %
without it), and its gap was 0.49-0.65 of the baseline's. After the activation it trained
as fast: 0.83-1.01 times the mean training loss of "before" over 100 epochs.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse import data

__all__ = [
    "BN_MOMENTUM",
    "HIDDEN",
    "MAX_DROPOUT",
    "MAX_PATIENCE",
    "RegularizationRun",
    "overfitting_data",
    "run_regularization",
]

DATASET = "moons"
NOISE = 0.25
POOL = 1000  # training points to draw the training samples from (the first `samples` of them)
VALIDATION = 1000  # validation points, the same for every run of a seed
HIDDEN = (128, 128)
"""Units of the two hidden relu layers: far more weights than the training points need."""
LEARNING_RATE = 0.01
MODEL_NAME = "regularization_lab"  # the name of every model a run builds
BN_MOMENTUM = 0.5
"""Momentum of batch normalization's moving averages (the statistics it uses in inference).
Keras' default, 0.99, averages over about 1 / (1 - 0.99) = 100 steps, to smooth the noise of
small batches. Here every step sees the whole training set, so its statistics are exact and
only lag behind the changing weights. With 0.99 (seeds 0-4, 60 samples): after 100 epochs
the network scored a training loss of 0.65-1.83 in inference mode against 0.03-0.12 while
training, with validation accuracy 0.47-0.60, and its validation loss averaged over those
epochs was 1.4-2.6 times that with 0.5; after 300 epochs, 0.21-1.71 in inference mode. With
0.5 the two agree (0.001-0.054 after 300 epochs). Training itself (the training loss in the
history) does not depend on it: only inference uses the moving averages."""
MAX_DROPOUT = 0.6
MAX_PATIENCE = 100


@dataclass(frozen=True)
class RegularizationRun:
    """One training run of the overfitting lab: its settings, its curves and its gap.

    Attributes:
        samples, dropout, regularizer, reg_strength, patience, batch_norm, epochs, seed: the
            settings (`regularizer` is None, ``"l1"`` or ``"l2"``; `reg_strength` is None
            without one; `patience` is None without early stopping).
        history: ``{"loss", "accuracy", "val_loss", "val_accuracy"}``, one value per epoch
            trained, as ``fit`` reports them (training values measured while training).
        epochs_run: epochs trained (fewer than `epochs` when early stopping stopped it).
        best_epoch: the epoch (1-based) with the lowest validation loss; with early stopping
            its weights are the ones kept.
        stopped_epoch: the epoch early stopping stopped after, or None (not stopped early).
        train_loss, val_loss: binary cross-entropy of the kept weights on the training
            samples and on the validation points, in inference mode (dropout off), without
            the weight penalty.
        train_accuracy, val_accuracy: shares classified right, the same way.
        gap: ``val_loss - train_loss``, the train-validation gap (large: overfitting).
        seconds: time spent training (tracing the compiled loop included).
        model: the trained Keras model.
        batch_norm_position, batch_norm_momentum: ``"before"`` or ``"after"`` the activation
            and the moving averages' momentum, with batch normalization; None without it.
        activation_history: with ``track_every``, what each hidden layer's activation
            function receives (its pre-activations: the Dense output, or the batch
            normalization output placed before the activation) on the training samples, in
            inference mode, every ``track_every`` epochs: ``{"epoch": [...],
            "hidden_1_std": [...], "hidden_1_dead": [...], "hidden_2_std": [...],
            "hidden_2_dead": [...]}``, one value per record (``std``: standard deviation over
            samples and units; ``dead``: share of units whose pre-activation is at most 0 for
            every training sample, so their relu outputs 0 for all of them); else None.
    """

    samples: int
    dropout: float
    regularizer: str | None
    reg_strength: float | None
    patience: int | None
    batch_norm: bool
    epochs: int
    seed: int
    history: dict[str, list[float]] = field(repr=False)
    epochs_run: int
    best_epoch: int
    stopped_epoch: int | None
    train_loss: float
    val_loss: float
    train_accuracy: float
    val_accuracy: float
    gap: float
    seconds: float
    model: Any = field(repr=False, compare=False)
    batch_norm_position: str | None = None
    batch_norm_momentum: float | None = None
    activation_history: dict[str, list[float]] | None = field(default=None, repr=False)

    @property
    def accuracy_gap(self) -> float:
        """``train_accuracy - val_accuracy``."""
        return self.train_accuracy - self.val_accuracy

    @property
    def settings(self) -> dict[str, Any]:
        """The settings as keyword arguments of `run_regularization`."""
        return {
            "samples": self.samples,
            "dropout": self.dropout,
            "regularizer": self.regularizer,
            "reg_strength": self.reg_strength,
            "patience": self.patience,
            "batch_norm": self.batch_norm,
            "batch_norm_position": self.batch_norm_position,
            "batch_norm_momentum": self.batch_norm_momentum,
            "epochs": self.epochs,
            "seed": self.seed,
        }

    @property
    def label(self) -> str:
        """The settings in a few words, e.g. ``"60 samples · dropout 0.3 · L2 0.001"``."""
        return run_label(self.samples, self.dropout, self.regularizer, self.reg_strength,
                      self.patience, self.batch_norm, self.batch_norm_position,
                      self.batch_norm_momentum)  # fmt: skip

    def epochs_to(self, loss: float) -> int | None:
        """The first epoch (1-based) whose training loss (``history["loss"]``) is at most
        `loss`, or None if no epoch got there.

        Args:
            loss: the training loss to reach, greater than 0.

        Returns:
            An epoch number from 1 to `epochs_run`, or None.
        """
        loss = v.check_number("loss", loss, low=0, low_open=True)
        below = np.flatnonzero(np.asarray(self.history["loss"]) <= loss)
        return int(below[0]) + 1 if below.size else None


def run_regularization(
    *,
    samples: int = 60,
    dropout: float = 0.0,
    regularizer: str | None = None,
    reg_strength: float | None = None,
    patience: int | None = None,
    batch_norm: bool = False,
    batch_norm_position: str | None = None,
    batch_norm_momentum: float | None = None,
    epochs: int = 300,
    seed: int = 0,
    track_every: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[int, dict[str, list[float]]], Any] | None = None,
) -> RegularizationRun:
    """Train the overfitting lab's network once, synchronously, and measure its gap.

    The network is ``2 -> 128 relu -> 128 relu -> 1 sigmoid`` (`hlcourse.models.
    build_dense_network`), trained with full-batch Adam (learning rate 0.01) on the first
    `samples` points of a noisy "moons" training pool and scored after every epoch on 1,000
    validation points. The seed fixes the points, the starting weights and the dropout masks,
    so the same settings and seed give the same run; it never touches Keras' global seed.

    Args:
        samples: training points, 10 to 1,000 (the lab offers 30, 60, 100, 200, 400, 1000).
        dropout: dropout rate after each hidden layer, 0 to 0.6.
        regularizer: ``"l1"`` or ``"l2"`` penalty on the hidden layers' weights, or None.
        reg_strength: the penalty's factor, above 0 up to 1 (default 0.001 with a
            regularizer); only with a regularizer.
        patience: early stopping: stop once the validation loss has not improved for this
            many epochs (1 to 100) and keep the weights of its best epoch; None: train all
            epochs.
        batch_norm: batch normalization in each hidden layer.
        batch_norm_position: ``"before"`` the activation (the default with `batch_norm`:
            Dense without bias -> BatchNormalization -> relu) or ``"after"`` it (Dense with
            relu -> BatchNormalization); only with ``batch_norm=True``.
        batch_norm_momentum: momentum of batch normalization's moving averages, 0 to 0.999
            (default `BN_MOMENTUM`, 0.5; Keras' own default is 0.99); only with
            ``batch_norm=True``.
        epochs: full-batch Adam steps at most, 1 to 2,000.
        seed: seed of the data, the starting weights and the dropout masks, 0 to 9,999.
        track_every: record the hidden layers' pre-activation statistics (the run's
            ``activation_history``) every this many epochs, 1 to 2,000; None (default): no
            record. Training is the same either way.
        should_stop: a function of no arguments asked between chunks of epochs; True stops
            training (the record then holds the epochs done). None: never asked.
        on_progress: called as ``on_progress(epochs_done, history)`` after every chunk.

    Returns:
        A `RegularizationRun`; its ``gap`` is the validation minus the training loss (binary
        cross-entropy, dropout off, no penalty) of the weights kept.
    """
    samples = v.check_int("samples", samples, low=10, high=POOL)
    dropout = v.check_number("dropout", dropout, low=0, high=MAX_DROPOUT)
    regularizer, reg_strength = v.check_regularizer(
        regularizer, reg_strength, default_strength=0.001, high=1
    )
    if patience is not None:
        patience = v.check_int("patience", patience, low=1, high=MAX_PATIENCE, hint="Or None")
    batch_norm = v.check_bool("batch_norm", batch_norm)
    from hlcourse import models

    batch_norm_position = models.check_batch_norm_position(batch_norm_position, batch_norm)
    if batch_norm_momentum is not None:
        batch_norm_momentum = v.check_number(
            "batch_norm_momentum", batch_norm_momentum, low=0, high=0.999
        )
        if not batch_norm:
            v.fail(
                "batch_norm",
                "True when `batch_norm_momentum` is given",
                batch_norm,
                hint=f"batch_norm_momentum={batch_norm_momentum!r} sets batch normalization's "
                "moving averages; add batch_norm=True or leave the momentum out",
            )
    elif batch_norm:
        batch_norm_momentum = BN_MOMENTUM
    epochs = v.check_int("epochs", epochs, low=1, high=2000)
    seed = v.check_int("seed", seed, low=0, high=9999)
    if track_every is not None:
        track_every = v.check_int("track_every", track_every, low=1, high=2000, hint="Or None")
    v.check_callable("should_stop", should_stop, 0, "should_stop()")
    v.check_callable("on_progress", on_progress, 2, "on_progress(epochs_done, history)")

    import keras

    from hlcourse import training

    pool = data_pool(seed)
    x_train, y_train = pool.x_train[:samples], pool.y_train[:samples]
    # Seeded initializers and dropout masks, not keras.utils.set_random_seed: the global seed
    # is shared state a widget's thread must not touch. A SeedGenerator gives each layer its
    # own starting weights, the same with or without dropout and batch normalization.
    model = models.build_dense_network(
        2,
        HIDDEN,
        output="binary",
        dropout=dropout,
        batch_norm=batch_norm,
        batch_norm_position=batch_norm_position,
        regularizer=regularizer,
        reg_strength=reg_strength,
        initializer=keras.initializers.GlorotUniform(
            seed=keras.random.SeedGenerator(seed, name=MODEL_NAME + "_seed")
        ),
        # One name for every run's model: TensorFlow caches a kernel per variable name for the
        # life of the process, and Keras would name each model anew ("sequential_7/...").
        name=MODEL_NAME,
    )
    _seed_dropout(model, seed)
    for layer in model.layers:  # before the first call traces it (see BN_MOMENTUM)
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = batch_norm_momentum
    tracked = None
    progress = on_progress
    if track_every is not None:
        tracked = _ActivationTracker(model, x_train)

        def progress(done: int, history: dict[str, list[float]]) -> None:
            tracked.record(done)
            if on_progress is not None:
                on_progress(done, history)

    started = time.perf_counter()
    history = training.train_fast(
        model,
        x_train,
        y_train,
        epochs=epochs,
        learning_rate=LEARNING_RATE,
        validation_data=(pool.x_test, pool.y_test),
        seed=seed,
        patience=patience,
        restore_best_weights=True,
        chunk=track_every,
        should_stop=should_stop,
        on_progress=progress,
    )
    seconds = time.perf_counter() - started
    epochs_run = len(history["loss"])
    val_curve = np.asarray(history["val_loss"]) if epochs_run else np.zeros(0)
    best_epoch = int(np.argmin(val_curve)) + 1 if epochs_run else 0
    cancelled = should_stop is not None and epochs_run < epochs and bool(should_stop())
    stopped = patience is not None and epochs_run < epochs and not cancelled
    train_loss, train_accuracy = _score(model, x_train, y_train)
    val_loss, val_accuracy = _score(model, pool.x_test, pool.y_test)
    return RegularizationRun(
        samples=samples, dropout=dropout, regularizer=regularizer, reg_strength=reg_strength,
        patience=patience, batch_norm=batch_norm, epochs=epochs, seed=seed, history=history,
        epochs_run=epochs_run, best_epoch=best_epoch,
        stopped_epoch=epochs_run if stopped else None, train_loss=train_loss,
        val_loss=val_loss, train_accuracy=train_accuracy, val_accuracy=val_accuracy,
        gap=val_loss - train_loss, seconds=seconds, model=model,
        batch_norm_position=batch_norm_position, batch_norm_momentum=batch_norm_momentum,
        activation_history=None if tracked is None else tracked.history,
    )  # fmt: skip


def overfitting_data(samples: int = 60, seed: int = 0) -> data.Dataset:
    """The data of the overfitting experiment: the training samples and validation points
    `run_regularization` trains and scores on, for a model of your own.

    Args:
        samples: training points, 10 to 1,000: the first `samples` of the seed's pool (so
            more samples add points and keep the first ones).
        seed: seed of the points, 0 to 9,999.

    Returns:
        A `hlcourse.data.Dataset` of noisy "moons" (noise 0.25): ``x_train`` ``(samples, 2)``
        and ``y_train`` ``(samples,)`` (labels 0 and 1), and 1,000 validation points as
        ``x_test`` ``(1000, 2)`` and ``y_test``, the same for every `samples` of a seed.
    """
    samples = v.check_int("samples", samples, low=10, high=POOL)
    seed = v.check_int("seed", seed, low=0, high=9999)
    pool = data_pool(seed)
    return dataclasses.replace(pool, x_train=pool.x_train[:samples], y_train=pool.y_train[:samples])


class _ActivationTracker:
    """Records what each hidden layer's activation receives while a model trains.

    A NumPy forward pass in inference mode (Dropout passes values through, batch
    normalization uses its moving statistics), reading each layer's current weights: a few
    milliseconds per record, where calling Keras layer by layer takes about 100.
    """

    def __init__(self, model: Any, x: np.ndarray):
        import keras

        self.keras = keras
        self.model, self.x = model, np.asarray(x, np.float64)
        self.history: dict[str, list[float]] = {"epoch": []}
        for i in range(1, len(HIDDEN) + 1):
            self.history[f"hidden_{i}_std"] = []
            self.history[f"hidden_{i}_dead"] = []

    def record(self, epoch: int) -> None:
        layers = self.keras.layers
        h = self.x
        pre: dict[str, np.ndarray] = {}
        for layer in self.model.layers[:-1]:  # every layer but the output
            if isinstance(layer, layers.Dense):
                h = h @ layer.kernel.numpy().astype(np.float64)
                if layer.use_bias:
                    h = h + layer.bias.numpy().astype(np.float64)
                if layer.activation is not self.keras.activations.linear:
                    pre[layer.name] = h  # the activation's input
                    h = _activate(layer.activation, h)
            elif isinstance(layer, layers.BatchNormalization):
                gamma, beta, mean, variance = (
                    w.numpy().astype(np.float64)
                    for w in (layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance)
                )
                h = gamma * (h - mean) / np.sqrt(variance + layer.epsilon) + beta
            elif isinstance(layer, layers.Activation):
                pre[layer.name.removesuffix("_act")] = h
                h = _activate(layer.activation, h)
            # Dropout: identity in inference mode
        self.history["epoch"].append(epoch)
        for i in range(1, len(HIDDEN) + 1):
            z = pre[f"hidden_{i}"]
            self.history[f"hidden_{i}_std"].append(float(z.std()))
            self.history[f"hidden_{i}_dead"].append(float(np.mean(np.all(z <= 0, axis=0))))


def _activate(activation: Callable, z: np.ndarray) -> np.ndarray:
    return np.asarray(activation(z.astype(np.float32)), dtype=np.float64)


_POOLS: dict[int, data.Dataset] = {}


def data_pool(seed: int) -> data.Dataset:
    """The training pool and the validation points of a seed (made once, then reused)."""
    if seed not in _POOLS:
        _POOLS[seed] = data.make_classification(
            DATASET, POOL + VALIDATION, noise=NOISE, test_fraction=VALIDATION / (POOL + VALIDATION),
            seed=seed,
        )  # fmt: skip
    return _POOLS[seed]


def _seed_dropout(model: Any, seed: int) -> None:
    """Give every Dropout layer its own mask sequence fixed by `seed` (not by global state)."""
    import keras

    dropouts = [layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    for i, layer in enumerate(dropouts, start=1):
        state = layer.seed_generator.state
        layer.seed_generator.state.assign(np.array([seed * 100 + i, 0], dtype=state.dtype))


def _score(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Binary cross-entropy and accuracy, dropout off, as ``evaluate`` would compute them.

    Keras' loss reads the sigmoid's input, so a confidently wrong point costs its full
    (unclipped) log-loss; the validation curves in the history are computed the same way.
    """
    import keras

    out = model(x, training=False)
    loss = float(keras.losses.BinaryCrossentropy()(y.reshape(-1, 1).astype(np.float32), out))
    p = np.asarray(out)[:, 0]
    return loss, float(np.mean((p > 0.5) == (y == 1)))


def run_label(
    samples, dropout, regularizer, reg_strength, patience, batch_norm,
    batch_norm_position=None, batch_norm_momentum=None,
) -> str:  # fmt: skip
    """A run's settings in a few words (``"40 samples · dropout 0.3 · L2 0.001"``), as the
    lab's legend and status line show them."""
    parts = [f"{samples} samples"]
    if dropout > 0:
        parts.append(f"dropout {dropout:g}")
    if regularizer is not None:
        parts.append(f"{regularizer.upper()} {reg_strength:g}")
    if batch_norm:
        words = "batch norm"
        if batch_norm_position == "after":
            words += " after relu"
        if batch_norm_momentum is not None and batch_norm_momentum != BN_MOMENTUM:
            words += f" (momentum {batch_norm_momentum:g})"
        parts.append(words)
    if patience is not None:
        parts.append(f"early stop ({patience})")
    if len(parts) == 1:
        parts.append("no regularization")
    return " · ".join(parts)

"""Watch the hidden layers of a network while it trains: `watch_training`.

After every epoch (and once before training) it runs a fixed probe batch through the network
and keeps, for each ReLU layer, the pre-activations z its ReLU receives and the share of dead
units, those whose z is at most 0 for every probe example, so that they output 0 for all of
them (the definition of `hlcourse.activations.dead_units`). The result is a `TrainingWatch`
that `hlcourse.plots` draws and `hlcourse.widgets.epoch_scrubber` scrubs through.

    >>> model = build_dense_network(64, (32,) * 8, output="classes", n_outputs=10,
    ...                             initializer="he_normal")
    >>> watch = watch_training(model, x_train, y_train, epochs=6, optimizer="adam",
    ...                        learning_rate=0.03)
    >>> watch.dead[-1]          # per layer, the dead share after the last epoch
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from hlcourse import _validate as v
from hlcourse import activations, models, training

__all__ = ["TrainingWatch", "watch_training"]

MAX_EPOCHS = 200
MAX_PROBE = 2048


@dataclass(frozen=True, eq=False)
class TrainingWatch:
    """What each ReLU layer of a network received, epoch by epoch, on a fixed probe batch.

    Attributes:
        label: a name for the run (the model's name unless given).
        layers: the watched layers' names, in forward order (the layers whose output is a ReLU).
        epochs: ``(n_records,)`` the epochs recorded: 0 (before training), 1, 2, ...
        pre_activations: one array per layer, ``(n_records, n_probe, units)``: the values z
            the layer's ReLU received (Dense output, after batch normalization if any).
        dead: ``(n_records, n_layers)`` the share of each layer's units that output 0 for every
            probe example (NaN where the values are no longer finite: training blew up).
        loss: ``(n_records,)`` the loss on all of the training data (batch normalization
            standardizing with its statistics), at each recorded epoch.
        accuracy: ``(n_records,)`` the accuracy on the training data, likewise.
        optimizer, learning_rate, batch_size: how the network was trained.
    """

    label: str
    layers: tuple[str, ...]
    epochs: np.ndarray
    pre_activations: tuple[np.ndarray, ...]
    dead: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    optimizer: str
    learning_rate: float
    batch_size: int

    @property
    def n_layers(self) -> int:
        """How many layers were watched."""
        return len(self.layers)

    @property
    def last_epoch(self) -> int:
        """The last epoch recorded."""
        return int(self.epochs[-1])

    def __repr__(self) -> str:
        return (
            f"TrainingWatch({self.label!r}, {self.n_layers} ReLU layers, epochs 0-"
            f"{self.last_epoch}, dead share at the end: "
            + ", ".join(f"{share:.0%}" for share in self.dead[-1])
            + ")"
        )


def watch_training(
    model: keras.Sequential,
    x: Any,
    y: Any,
    *,
    epochs: int = 12,
    learning_rate: float = 0.01,
    optimizer: str = "sgd",
    batch_size: int = 64,
    probe_size: int = 256,
    seed: int = 0,
    label: str | None = None,
) -> TrainingWatch:
    """Train `model` and record its ReLU layers on a probe batch before and after every epoch.

    The model is compiled here (`hlcourse.models.compile_for`: the loss follows its output
    layer) and trained with `hlcourse.training.train_fast`, one epoch per chunk; the probe batch
    is ``x[:probe_size]``. BatchNormalization layers standardize with the statistics of the
    batch they are given, as in a training step (their moving averages, which ``predict`` uses,
    are left unchanged); the other layers run as in ``predict``.

    Args:
        model: an uncompiled ``keras.Sequential`` with ``keras.Input`` of Dense,
            BatchNormalization, Activation and Dropout layers, e.g. from
            `hlcourse.models.build_dense_network`, with at least one ReLU layer.
        x: training inputs, shape ``(n_samples, n_features)``.
        y: training targets, shape ``(n_samples,)``.
        epochs: epochs to train, 1 to 200.
        learning_rate: the optimizer's step size, greater than 0.
        optimizer: ``"sgd"`` (plain, no momentum), ``"adam"`` or another name
            `hlcourse.models.compile_for` knows.
        batch_size: samples per step, 1 or more.
        probe_size: how many of the first samples of `x` make the probe batch, 2 to 2,048.
        seed: seeds the shuffling of the mini-batches.
        label: a name for the run; None uses the model's name.

    Returns:
        A `TrainingWatch` with ``epochs + 1`` records (epoch 0 is before training).
    """
    model = v.check_instance("model", model, keras.Sequential,
                             "a keras.Sequential, e.g. from hlc.models.build_dense_network")  # fmt: skip
    epochs = v.check_int("epochs", epochs, low=1, high=MAX_EPOCHS)
    learning_rate = v.check_number("learning_rate", learning_rate, low=0, low_open=True)
    optimizer = v.check_choice("optimizer", optimizer, models.OPTIMIZERS)
    batch_size = v.check_int("batch_size", batch_size, low=1)
    probe_size = v.check_int("probe_size", probe_size, low=2, high=MAX_PROBE)
    seed = v.check_seed("seed", seed)
    if label is not None:
        label = v.check_str("label", label)
    x = v.check_array("x", x, ndim=2)
    y = np.asarray(v.check_array("y", y, ndim=1))
    if len(y) != len(x):
        v.fail("y", f"one target per row of x ({len(x)})", f"{len(y)} targets",
                hint="Pass the labels that belong to x")  # fmt: skip
    try:
        has_input = bool(model.inputs)
    except AttributeError:  # a Sequential without keras.Input, never called, has no inputs yet
        has_input = False
    if not has_input:
        v.fail("model", "a model that starts with keras.Input(shape=...)", model,
                hint="Add keras.Input as its first layer, or build it with "
                "hlc.models.build_dense_network")  # fmt: skip
    watched = _relu_layers(model)
    if not watched:
        v.fail("model", "a model with at least one ReLU hidden layer", model,
                hint="Watch a network whose hidden layers use activation='relu'")  # fmt: skip
    if x.shape[1:] != tuple(model.inputs[0].shape[1:]):
        v.fail("x.shape", f"(n_samples, {', '.join(map(str, model.inputs[0].shape[1:]))})",
                x.shape, hint="Pass inputs the model's keras.Input accepts")  # fmt: skip
    probe = x[: min(probe_size, len(x))]
    models.compile_for(model, optimizer=optimizer, learning_rate=learning_rate)
    loss_fn = model.loss

    records: list[list[np.ndarray]] = []
    losses: list[float] = []
    accuracies: list[float] = []

    def record(*_args: Any) -> None:
        records.append(_forward(model, probe, watched)[0])
        predictions = _forward(model, x, [])[1]
        losses.append(float(loss_fn(y, predictions)))
        accuracies.append(_accuracy(y, predictions))

    record()
    training.train_fast(model, x, y, epochs=epochs, batch_size=batch_size, seed=seed, chunk=1,
                        on_progress=record)  # fmt: skip
    by_layer = tuple(np.stack([r[k] for r in records]) for k in range(len(watched)))
    dead = np.array([[_dead_share(z) for z in r] for r in records], dtype=float)
    return TrainingWatch(
        label=label if label is not None else model.name,
        layers=tuple(model.layers[i].name for i in watched),
        epochs=np.arange(len(records)),
        pre_activations=by_layer,
        dead=dead,
        loss=np.array(losses),
        accuracy=np.array(accuracies),
        optimizer=optimizer,
        learning_rate=float(learning_rate),
        batch_size=batch_size,
    )


def _relu_layers(model: keras.Sequential) -> list[int]:
    """Positions in ``model.layers`` of the hidden layers whose output is a ReLU."""
    found = []
    for i, layer in enumerate(model.layers[:-1]):
        activation = getattr(layer, "activation", None)
        if isinstance(layer, keras.layers.ReLU) or getattr(activation, "__name__", "") == "relu":
            found.append(i)
    return found


def _forward(model: keras.Sequential, x: np.ndarray, watched: list[int]) -> tuple[list, Any]:
    """Run `x` through the layers one by one, as a training step does for batch normalization
    (it standardizes with the statistics of `x` itself) and as ``predict`` does for the rest
    (Dropout passes everything). Returns the z each watched layer's ReLU receives and the
    model's output, as NumPy arrays."""
    zs = []
    h = keras.ops.convert_to_tensor(x)
    for i, layer in enumerate(model.layers):
        if i in watched:
            if isinstance(layer, keras.layers.Dense):  # relu fused into the Dense: z = hW + b
                z = keras.ops.matmul(h, layer.kernel)
                if layer.use_bias:
                    z = z + layer.bias
            else:  # an Activation or ReLU layer: z is what arrives
                z = h
            zs.append(np.asarray(keras.ops.convert_to_numpy(z), dtype=np.float32))
        if isinstance(layer, keras.layers.BatchNormalization):
            h = _standardized(layer, h)
        else:
            h = layer(h, training=False)
    return zs, np.asarray(keras.ops.convert_to_numpy(h))


def _standardized(layer: keras.layers.BatchNormalization, h: Any) -> Any:
    """What `layer` computes in a training step, with the statistics of `h` itself, without
    updating its moving averages (calling it with ``training=True`` would)."""
    mean, variance = keras.ops.moments(h, axes=[0])
    h = (h - mean) / keras.ops.sqrt(variance + layer.epsilon)
    if layer.scale:
        h = h * layer.gamma
    if layer.center:
        h = h + layer.beta
    return h


def _dead_share(z: np.ndarray) -> float:
    """The share of dead units among a layer's pre-activations; NaN once training blew up."""
    if not np.all(np.isfinite(z)):
        return float("nan")
    return activations.dead_units(np.maximum(z, 0))


def _accuracy(y: np.ndarray, predictions: np.ndarray) -> float:
    if predictions.ndim == 2 and predictions.shape[1] > 1:
        return float(np.mean(predictions.argmax(axis=1) == y))
    return float(np.mean((predictions.reshape(-1) > 0.5) == (y > 0.5)))

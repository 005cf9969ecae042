"""Activation functions, their slopes, and what they do to a layer's outputs (lesson 03).

Everything here uses Keras' own activations (``keras.activations.get(name)``), so the curves a
lesson draws are exactly what a ``Dense(..., activation=name)`` layer computes; slopes come from
TensorFlow's automatic differentiation of those same functions, in float64.

    >>> f, df = activation_values("tanh", [-2.0, 0.0, 2.0])
    >>> df.round(3)                  # 1 - tanh(z)**2
    array([0.071, 1.   , 0.071])
    >>> stats = output_statistics("sigmoid", input_scale=1.0)
    >>> round(stats["mean"], 1)      # sigmoid outputs are never centred on 0
    0.5

Two ways for a unit to stop learning, both measured here:

- **saturation** (`saturation_share`): the pre-activation ``z`` sits where the function is
  flat, ``|f'(z)| < threshold``, so almost no gradient flows back through it. For sigmoid and
  tanh this happens for large ``|z|``, on both sides; the unit recovers when ``z`` moves back.
- **dead units** (`dead_units` for one layer's outputs, `dead_unit_share` for every hidden
  layer of a model): a ReLU unit whose ``z`` is at most 0 for *every* sample outputs exactly 0
  and gets no gradient from any of them, so no training step on those samples moves its
  incoming weights again. For ReLU, `saturation_share` counts the samples with ``z <= 0``
  (zero gradient for *that input*); a unit is dead only when that holds for all inputs at once.

Nothing heavy happens at import: TensorFlow and Keras load on the first call that needs them.
"""

from __future__ import annotations

import numbers
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from hlcourse import _validate as v

if TYPE_CHECKING:  # annotations only: Keras loads on the first call that needs it
    import keras

__all__ = [
    "ACTIVATIONS",
    "SATURATION_THRESHOLD",
    "activation_values",
    "dead_unit_share",
    "dead_units",
    "output_statistics",
    "saturation_share",
]

ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "swish", "sigmoid", "tanh", "linear")
"""Hidden-layer activations of lesson 03, as Keras names them. Their defaults as functions
(what ``Dense(..., activation=name)`` applies): leaky_relu's negative slope is 0.2 (the layer
``keras.layers.LeakyReLU()`` defaults to 0.3 instead), elu's alpha is 1, gelu is the exact
``x * Phi(x)``, swish is ``x * sigmoid(x)``."""

SATURATION_THRESHOLD = 0.05
"""A slope below this (in absolute value) counts as saturated: less than 5% of the gradient
gets through the unit."""

MAX_UNITS = 4096
MAX_SAMPLES = 100_000
MAX_INPUT_SCALE = 1000.0


def activation_values(name: str, z: Any) -> tuple[np.ndarray, np.ndarray]:
    """An activation function and its derivative (slope) at the points `z`.

    The function is Keras' own (``keras.activations.get(name)``) and the slope is its automatic
    derivative (``tf.GradientTape``), both computed in float64 (a few constants inside
    TensorFlow are float32, such as leaky_relu's slope 0.2, so the numbers agree with the
    textbook formulas to about 1e-7, relative). At a kink TensorFlow's convention holds:
    relu'(0) = 0, leaky_relu'(0) = 0.2, elu'(0) = 1.

    Args:
        name: one of `ACTIVATIONS`, e.g. ``"relu"`` or ``"tanh"``.
        z: pre-activation values, a number or an array of finite numbers of any shape.

    Returns:
        ``(f, df)``: two float64 arrays shaped like `z`, ``f = f(z)`` and ``df = f'(z)``.
    """
    name = v.check_choice("name", name, ACTIVATIONS)
    z = _check_numbers("z", z, allow_empty=True)
    return values_and_slopes(name, z)


def saturation_share(name: str, values: Any, *, threshold: float = SATURATION_THRESHOLD) -> float:
    """The share of pre-activation values at which the activation is nearly flat.

    Counts the values with ``|f'(z)| < threshold``. For sigmoid and tanh that is saturation
    (large ``|z|``: the unit's output is pinned near its limit and passes back almost no
    gradient). For relu it counts every ``z <= 0``: the unit passes no gradient *for that input*;
    it is dead only when this is true for every input (see `dead_units`). For linear and
    leaky_relu (slope 0.2 on the negative side) it is 0 at the default threshold.

    Args:
        name: one of `ACTIVATIONS`.
        values: pre-activations ``z`` (what a Dense layer computes before its activation),
            an array of finite numbers of any shape with at least one value.
        threshold: the slope below which a value counts, a number greater than 0 and at most
            1 (default 0.05).

    Returns:
        A share from 0 to 1.
    """
    name = v.check_choice("name", name, ACTIVATIONS)
    values = _check_numbers("values", values, allow_empty=False)
    threshold = v.check_number("threshold", threshold, low=0, high=1, low_open=True)
    _, slope = values_and_slopes(name, values)
    return float(np.mean(np.abs(slope) < threshold))


def dead_units(activations: Any) -> float:
    """The share of units (columns) that output exactly 0 for every sample (rows).

    For a ReLU layer these units are dead on these inputs: no sample gives them a gradient, so
    training does not change their weights (only a change in the layers below, which alters
    their inputs, can revive them). For activations that are rarely exactly 0, such as tanh
    or sigmoid, the share is 0.

    Args:
        activations: a hidden layer's outputs, shape ``(n_samples, n_units)``, e.g.
            ``hlcourse.probe.hidden_activations(model, x)["hidden_1"]``.

    Returns:
        A share from 0 to 1.
    """
    array = _check_numbers("activations", activations, allow_empty=False)
    if array.ndim != 2:
        v.fail(
            "activations.shape",
            "(n_samples, n_units)",
            array.shape,
            hint="Pass one layer's outputs, one row per sample and one column per unit",
        )
    return float(np.mean(np.all(array == 0, axis=0)))


def dead_unit_share(
    model: keras.Model, x: Any, *, layers: str | int | list | None = None
) -> dict[str, float]:
    """The share of dead units in each hidden layer of `model`, on the inputs `x`.

    A unit is dead on `x` when it outputs exactly 0 for every sample (`dead_units` of the
    layer's outputs). The layers run as in ``model.predict`` (read through
    `hlcourse.probe.hidden_activations`), so the function fits between training steps, e.g. in
    `hlcourse.training.train_fast`'s ``on_progress``, to follow the shares epoch by epoch. For
    outputs with more than two axes (a convolution's feature maps) a unit is a channel (the last
    axis), dead when it is 0 at every position of every sample. In a network with batch
    normalization (``hlcourse.models.build_dense_network(..., batch_norm=True)``: Dense ->
    BatchNormalization -> Activation) only the Activation layers can output exact zeros: pass
    ``layers=["hidden_1_act", ...]``.

    Args:
        model: a built Keras model of any style (Sequential, Functional, subclassed).
        x: inputs, shape ``(n_samples, n_features)`` (or the model's input shape), at least
            one sample; typically the training inputs.
        layers: which layers, by name or position in ``model.layers`` (as for
            `hlcourse.probe.hidden_activations`); None means every hidden layer.

    Returns:
        A dict from layer name to the share (0 to 1) of its units that are dead on `x`, in
        forward order: ``{"hidden_1": 0.0, "hidden_2": 0.25}``.
    """
    from hlcourse import probe

    outputs = probe.hidden_activations(model, x, layers=layers)
    if not outputs:
        v.fail(
            "model",
            "a model with at least one hidden layer",
            model,
            hint="Its only layer is the output; dead units are counted in hidden layers",
        )
    shares = {}
    for name, values in outputs.items():
        array = np.asarray(values)
        # Units along the last axis; a layer that outputs one number per sample is one unit.
        units = array.reshape(-1, array.shape[-1]) if array.ndim >= 2 else array.reshape(-1, 1)
        shares[name] = float(np.mean(np.all(units == 0, axis=0)))
    return shares


def output_statistics(
    name: str,
    input_scale: float,
    *,
    units: int = 64,
    samples: int = 512,
    seed: int = 0,
    bias: float = 0.0,
) -> dict[str, Any]:
    """Push random inputs through one Dense layer with activation `name` and describe its outputs.

    The inputs are standard-normal numbers times `input_scale`, ``units`` features per sample.
    The layer is the first hidden layer of ``hlcourse.models.build_dense_network(units,
    (units,), activation=name, output="regression")`` with Glorot-uniform weights (seeded) and
    all biases set to `bias`; as many inputs as units keeps the pre-activations' spread about
    `input_scale` (Glorot's rule). Its outputs are read with `hlcourse.probe.hidden_activations`;
    the pre-activations ``z = x @ kernel + bias`` are computed from the layer's own weights.
    The same arguments always give the same numbers.

    Args:
        name: the hidden layer's activation, one of `ACTIVATIONS`.
        input_scale: standard deviation of the inputs, a number greater than 0, at most 1,000.
        units: units in the layer (and input features), 1 to 4,096.
        samples: inputs to push through, 1 to 100,000.
        seed: seed of the inputs and of the weights, 0 to 2**32 - 1.
        bias: the value every bias starts at, -1,000 to 1,000 (a large negative bias kills
            ReLU units).

    Returns:
        A dict with
        ``"mean"``, ``"std"``: mean and standard deviation of all outputs (floats);
        ``"saturated"``: share of pre-activations with ``|f'(z)| < 0.05`` (`saturation_share`);
        ``"dead"``: share of units that output 0 for every sample (`dead_units`);
        ``"outputs"``: the layer's outputs, shape ``(samples, units)``, float32;
        ``"pre_activations"``: ``z``, shape ``(samples, units)``, float64.
    """
    name = v.check_choice("name", name, ACTIVATIONS)
    input_scale = v.check_number(
        "input_scale", input_scale, low=0, high=MAX_INPUT_SCALE, low_open=True
    )
    units = v.check_int("units", units, low=1, high=MAX_UNITS)
    samples = v.check_int("samples", samples, low=1, high=MAX_SAMPLES)
    seed = v.check_seed("seed", seed)
    bias = v.check_number("bias", bias, low=-1000, high=1000)

    from hlcourse import models, probe

    model = _layer_model(models, name, units, seed, bias)
    x = input_scale * _unit_inputs(units, samples, seed)
    outputs = probe.hidden_activations(model, x.astype(np.float32), layers="hidden_1")["hidden_1"]
    layer = model.get_layer("hidden_1")
    kernel = np.asarray(layer.kernel.numpy(), dtype=np.float64)
    z = x @ kernel + np.asarray(layer.bias.numpy(), dtype=np.float64)
    return summarize_outputs(name, z, np.asarray(outputs))


# --------------------------------------------------------------------------------------------
# Shared with the explorer widget (unchecked: callers have checked the arguments)
# --------------------------------------------------------------------------------------------


def summarize_outputs(
    name: str, z: np.ndarray, outputs: np.ndarray, slope: np.ndarray | None = None
) -> dict[str, Any]:
    """The statistics `output_statistics` returns, from pre-activations and outputs."""
    if slope is None:
        _, slope = values_and_slopes(name, z)
    as_float = np.asarray(outputs, dtype=np.float64)
    return {
        "mean": float(as_float.mean()),
        "std": float(as_float.std()),
        "saturated": float(np.mean(np.abs(slope) < SATURATION_THRESHOLD)),
        "dead": float(np.mean(np.all(as_float == 0, axis=0))),
        "outputs": outputs,
        "pre_activations": z,
    }


def unit_pre_activations(units: int, samples: int, seed: int) -> np.ndarray:
    """``x @ kernel`` for inputs of scale 1 through the layer `output_statistics` builds.

    With zero biases the pre-activations grow linearly with the input scale, so
    ``input_scale * unit_pre_activations(...)`` equals ``output_statistics(...)
    ["pre_activations"]`` at every scale: the explorer builds the layer once and then only
    re-applies the activation. Shape ``(samples, units)``, float64.
    """
    from hlcourse import models

    model = _layer_model(models, "linear", units, seed, 0.0)
    kernel = np.asarray(model.get_layer("hidden_1").kernel.numpy(), dtype=np.float64)
    return _unit_inputs(units, samples, seed) @ kernel


def values_and_slopes(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`activation_values` without its checks, for callers that have checked `name` and `z`:
    the activation and its slope at every entry of `z` (float64, shape of `z`)."""
    keras, tf = _keras(), _tf()
    function = keras.activations.get(name)
    tensor = tf.constant(z, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        f = function(tensor)
    slope = tape.gradient(f, tensor)
    f_values = np.asarray(f, dtype=np.float64)
    slopes = np.zeros_like(f_values) if slope is None else np.asarray(slope, dtype=np.float64)
    return f_values, slopes


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _layer_model(models: Any, name: str, units: int, seed: int, bias: float):
    keras = _keras()
    model = models.build_dense_network(
        units,
        (units,),
        activation=name,
        output="regression",
        initializer=keras.initializers.GlorotUniform(seed=seed),
    )
    if bias:
        layer = model.get_layer("hidden_1")
        layer.bias.assign(np.full(units, bias, dtype=np.float32))
    return model


def _unit_inputs(units: int, samples: int, seed: int) -> np.ndarray:
    """Standard-normal inputs, float64, shape ``(samples, units)``, fixed by `seed`."""
    return np.random.default_rng(seed).standard_normal((samples, units))


def _check_numbers(name: str, value: Any, *, allow_empty: bool) -> np.ndarray:
    """`value` as a float64 array of finite numbers."""
    if isinstance(value, (str, bytes, dict)) or value is None or isinstance(value, bool):
        v.fail(name, "an array of finite numbers", value, error=TypeError)
    if not isinstance(value, numbers.Real):
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as err:
            v.fail(
                name,
                "an array of finite numbers",
                value,
                hint=f"NumPy could not read it: {err}",
                error=TypeError,
            )
        if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.number):
            v.fail(
                name,
                "an array of finite numbers",
                value,
                hint=f"Its dtype is {array.dtype}",
                error=TypeError,
            )
        if np.issubdtype(array.dtype, np.complexfloating):
            v.fail(name, "an array of real numbers", value, error=TypeError)
    array = np.asarray(value, dtype=np.float64)
    if array.size == 0 and not allow_empty:
        v.fail(f"{name}.shape", "an array with at least one value", array.shape)
    if not np.all(np.isfinite(array)):
        v.fail(
            name,
            "an array of finite numbers",
            value,
            hint=f"It holds {int(np.sum(~np.isfinite(array)))} NaN or infinite values",
        )
    return array


def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras

    return keras


def _tf():
    _keras()
    import tensorflow as tf

    return tf

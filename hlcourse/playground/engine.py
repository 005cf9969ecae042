"""The playground's engine: TensorFlow Playground's network and training, on a real Keras model.

Everything the playground's interface calls, without the interface::

    >>> engine = PlaygroundEngine()                   # TensorFlow Playground's defaults
    >>> engine.step()                                 # exactly one epoch
    >>> engine.epoch, engine.train_loss, engine.test_loss
    >>> engine.play(); ...; engine.pause()            # trains in a background thread
    >>> engine.set_state(engine.state.with_changes(layers=(8, 8)))
    'Architecture changed: the network was rebuilt (epoch 0).'
    >>> engine.set_weight(0, 1, 2, 0.5)               # one link by hand, as TFP's hover card
    >>> model = engine.take_model()                   # a copy the learner keeps
    >>> print(model_as_code(engine.state))            # the same network as Keras code

A state (a link) pins everything: the points come from `hlcourse.playground.tfp_data`, as a
TensorFlow Playground (TFP) page load makes them from the state's seed string (generate,
shuffle, split), and the starting weights come from the same random stream right after the
shuffle. So one link gives the same data, the same starting weights and the same loss curve in
any process, and the same as TFP's page.

Two recipes (the state's ``recipe``):

- ``"playground"`` (default), TFP's own: weights U(-0.5, 0.5) drawn link by link in TFP's
  order, biases 0.1; the hidden layers' activation, a tanh output unit for classification
  (targets +1 / -1) and a linear one for regression; the loss 1/2 (output - target)^2; SGD
  over the training points in one fixed order (the shuffle of the page load), an update every
  `batch_size` points, a short last batch carried into the next epoch's first update; L2 steps
  each weight by ``lr * rate * w`` and L1 by ``lr * rate * sign(w)`` on every link, the links
  into the output too (never the biases), and under L1 a weight the step carries across zero
  becomes 0 and stays frozen until the next reset (TFP's nn.ts, ``updateWeights``). Trained in
  float64, as JavaScript computes.
- ``"keras"``, Keras's defaults for the same network: Glorot-uniform kernels (seeded by an
  integer drawn from the same stream), zero biases, one sigmoid unit and binary cross-entropy
  on 0 / 1 targets ((label + 1) / 2) for classification, a linear unit and mean squared error
  for regression, Keras's L1 / L2 penalties on the hidden kernels, the points reshuffled every
  epoch, a short last batch applied as its own update. Trained in float32, as Keras does.

Initialization ``"zeros"`` is TFP's ``initZero`` (every weight and bias 0); ``"too_large"``
draws each kernel from N(0, TOO_LARGE_STDDEV^2), about 7 times Glorot's spread for the default
network (tanh and sigmoid units saturate, ReLU outputs explode).

The losses shown (`train_loss`, `test_loss`, `history`) are the data loss of the whole
training and test split, without the penalty: the mean of 1/2 (output - target)^2 for the
playground recipe (as TFP shows it), binary cross-entropy or mean squared error for the keras
recipe. The history starts with the starting weights' loss (epoch 0).

Training runs in one compiled ``tf.function`` that trains many epochs per call
(`PlaygroundEngine.run_epochs`), never one ``fit`` per epoch: ``fit`` costs 15-35 ms per call
however small the epoch, more than a whole epoch of this network takes (`make bench` records
both rates as `playground_speed`). The loop computes the gradients and the SGD update by hand
from the Dense layers' kernels and biases (no Keras call, no optimizer object inside) and is
compiled by XLA: thousands of epochs per second for the default network, a few hundred times
the rate of one ``fit`` per epoch (`playground_speed` in the bench's results). The Keras model gets the trained weights after every call (notes on the
loop below).

Importing this module loads NumPy but not TensorFlow; the first model built loads it.
"""

from __future__ import annotations

import contextlib
import copy
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse._tf.memory import return_freed_memory
from hlcourse.playground._js_math import js_sin
from hlcourse.playground.state import (
    LIVE_SETTINGS,
    RESET_SETTINGS,
    PlaygroundState,
    _from_argument,
)
from hlcourse.playground.tfp_data import TfpData, TfpRandom, tfp_data, tfp_initial_weights

__all__ = [
    "MODEL_NAME",
    "TOO_LARGE_STDDEV",
    "PlaygroundData",
    "PlaygroundEngine",
    "build_model",
    "forward",
    "make_data",
    "model_as_code",
]

TOO_LARGE_STDDEV = 4.0
"""Standard deviation of the ``"too_large"`` initialization (Glorot's is about 0.6 here)."""

BIAS_START = 0.1
"""Every bias of the playground recipe starts here (TensorFlow Playground, nn.ts, Node.bias)."""

WEIGHT_RANGE = 0.5
"""The playground recipe's starting weights are uniform on [-WEIGHT_RANGE, WEIGHT_RANGE]."""

MAX_EPOCHS_PER_CALL = 100_000
# A play chunk is sized to take about this long, so pause acts quickly and a frame can follow.
CHUNK_SECONDS = 0.025
MAX_CHUNK = 500
# pause() waits this long for the training thread (a chunk takes ~25 ms).
PAUSE_TIMEOUT = 0.5
PLAY_THREAD_NAME = "hlcourse-playground"
"""Name of the thread `PlaygroundEngine.play` trains in (tests look for leftovers by it)."""
# Integers drawn from the stream to seed Keras's initializers and the keras recipe's shuffles.
_SEED_RANGE = 2**31

# The settings a Keras model is built from: a change needs a new model, not only new weights.
_MODEL_SETTINGS = ("features", "layers", "activation", "problem", "recipe", "init")


@dataclass(frozen=True)
class PlaygroundData:
    """The points of a state and the model's inputs made from them.

    Attributes:
        dataset: the `hlcourse.playground.tfp_data.TfpData` record of the raw points (float64
            ``x_train`` of shape ``(n, 2)`` on TFP's scale, labels ``y_train`` +1 / -1 or
            real), with the random stream as it stood after the shuffle.
        x_train, x_test: the state's features of the points, ``(n, n_inputs)``: float64 for
            the playground recipe, float32 for the keras recipe.
        y_train, y_test: targets ``(n, 1)``, same dtype: +1 / -1 for classification (0 / 1 for
            the keras recipe), TFP's real labels for regression.
    """

    dataset: TfpData
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_train(self) -> int:
        """Number of training points."""
        return len(self.x_train)

    @property
    def n_test(self) -> int:
        """Number of test points."""
        return len(self.x_test)


def _check_state(value: Any, name: str = "state") -> PlaygroundState:
    """A PlaygroundState, or one read from a configuration string."""
    if isinstance(value, str):
        return _from_argument(value, name)
    return v.check_instance(
        name, value, PlaygroundState, "a PlaygroundState or a configuration string"
    )


def make_data(state: PlaygroundState | str) -> PlaygroundData:
    """The points a state describes, as TensorFlow Playground makes them, and their inputs.

    `hlcourse.playground.tfp_data.tfp_data` seeds TFP's random stream with the state's seed,
    draws its 500 (classification) or 1200 (regression) points, shuffles them and takes the
    first ``floor(n * train_share / 100)`` as training points. The inputs are the state's
    features of them (sin as JavaScript computes it); the targets TFP's labels (+1 / -1 for
    classification, (label + 1) / 2 = 1 / 0 for the keras recipe's cross-entropy).

    Args:
        state: a `PlaygroundState`, or its configuration string (`PlaygroundState.to_config`).

    Returns:
        A `PlaygroundData`: raw points in ``.dataset``, inputs ``(n, n_inputs)`` and targets
        ``(n, 1)`` for the training and the test split.
    """
    state = _check_state(state)
    raw = tfp_data(state.seed, state.data_name, state.noise, state.train_share)
    return _inputs_of(state, raw)


# The input features, as TFP computes them (playground.ts, INPUTS): sin is V8's.
_FEATURES_64: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x, y: x,
    "x2": lambda x, y: y,
    "x1^2": lambda x, y: x * x,
    "x2^2": lambda x, y: y * y,
    "x1*x2": lambda x, y: x * y,
    "sin_x1": lambda x, y: np.array([js_sin(float(a)) for a in x]),
    "sin_x2": lambda x, y: np.array([js_sin(float(a)) for a in y]),
}


def _features(x: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The features of raw points ``(n, 2)``, float64 ``(n, len(features))``."""
    columns = [_FEATURES_64[f](x[:, 0], x[:, 1]) for f in features]
    return np.stack(columns, axis=1) if columns else np.zeros((len(x), 0))


def _inputs_of(state: PlaygroundState, raw: TfpData) -> PlaygroundData:
    keras_recipe = state.recipe == "keras"
    dtype = np.float32 if keras_recipe else np.float64

    def targets(y: np.ndarray) -> np.ndarray:
        if keras_recipe and state.problem == "classification":
            y = (y + 1.0) / 2.0
        return np.asarray(y, dtype).reshape(-1, 1)

    return PlaygroundData(
        raw,
        _features(raw.x_train, state.features).astype(dtype),
        targets(raw.y_train),
        _features(raw.x_test, state.features).astype(dtype),
        targets(raw.y_test),
    )


# --------------------------------------------------------------------------------------------
# Starting weights: from the stream, after the data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Start:
    """A fresh start: the weights ``[kernel, bias, ...]``, the stream after them, and the
    integer seed of Keras's initializers and the keras recipe's shuffles (None when the
    playground recipe draws its weights itself)."""

    weights: tuple[np.ndarray, ...]
    stream: TfpRandom
    keras_seed: int | None


def _layer_sizes(state: PlaygroundState) -> list[int]:
    return [len(state.features), *state.layers, 1]


def _draw_start(state: PlaygroundState, data: PlaygroundData) -> _Start:
    """What the stream gives after the data, without Keras: TFP's weights or Keras's seed.

    The playground recipe's default (and ``"zeros"``, which draws and then zeroes, as TFP)
    takes one draw per link in TFP's order (`tfp_initial_weights`); every other start draws
    one integer that seeds Keras's initializers (Dense layer k gets seed + k), and leaves
    `weights` empty.
    """
    stream = copy.deepcopy(data.dataset.rng)  # the data keeps its own, for the next start
    if state.recipe == "playground" and state.init in ("default", "zeros"):
        drawn = tfp_initial_weights(stream, _layer_sizes(state))
        weights = tuple(w for pair in drawn for w in pair)
        if state.init == "zeros":
            weights = tuple(np.zeros_like(w) for w in weights)
        return _Start(weights, stream, None)
    return _Start((), stream, int(stream.random() * _SEED_RANGE))


def _start(state: PlaygroundState, data: PlaygroundData) -> _Start:
    """The starting weights the state's seed gives (Keras's initializers when they draw)."""
    start = _draw_start(state, data)
    if start.keras_seed is None:
        return start
    return _Start(_keras_weights(state, start.keras_seed), start.stream, start.keras_seed)


def _keras_weights(state: PlaygroundState, seed: int) -> tuple[np.ndarray, ...]:
    """The weights Keras's seeded initializers give for the state's layers (model_as_code's)."""
    dtype = np.float32 if state.recipe == "keras" else np.float64
    out = []
    for k, (n_in, n_out) in enumerate(zip(_layer_sizes(state)[:-1], _layer_sizes(state)[1:],
                                          strict=True)):  # fmt: skip
        kernel_init, bias_init = _initializers(state, seed, k)
        out.append(np.asarray(kernel_init((n_in, n_out)), dtype))
        out.append(np.asarray(bias_init((n_out,)), dtype))
    return tuple(out)


def _initializers(state: PlaygroundState, seed: int | None, k: int) -> tuple[Any, Any]:
    """(kernel, bias) initializers of Dense layer `k` (0 = the first), as Keras objects."""
    import keras

    init = keras.initializers
    playground = state.recipe == "playground"
    if state.init == "zeros":
        return init.Zeros(), init.Zeros()
    bias = init.Constant(BIAS_START) if playground else init.Zeros()
    if state.init == "too_large":
        return init.RandomNormal(stddev=TOO_LARGE_STDDEV, seed=seed + k), bias
    if playground:  # the numbers are TFP's draws (set after the build)
        return init.RandomUniform(-WEIGHT_RANGE, WEIGHT_RANGE), bias
    return init.GlorotUniform(seed=seed + k), bias


def _penalty(state: PlaygroundState) -> tuple[str | None, float]:
    """(regularizer, rate): None when off or the rate is 0."""
    if state.regularization == "none" or state.regularization_rate == 0:
        return None, 0.0
    return state.regularization, float(state.regularization_rate)


def _keras_penalty(state: PlaygroundState) -> tuple[str, float] | None:
    """The Keras regularizer that steps as the recipe does: (class name, its rate), or None.

    TFP's L2 steps a weight by ``lr * rate * w`` (its penalty is rate * w^2 / 2), Keras's
    ``L2(c)`` by ``lr * 2c * w``: so TFP's rate r is Keras's ``L2(r / 2)``. L1 is the same
    in both (``lr * rate * sign(w)``).
    """
    regularizer, rate = _penalty(state)
    if regularizer is None:
        return None
    if regularizer == "l2" and state.recipe == "playground":
        return "L2", rate / 2
    return regularizer.upper(), rate


def _penalized_layers(state: PlaygroundState) -> list[int]:
    """Indices of the Dense layers whose kernels carry the penalty."""
    n = len(state.layers) + 1
    return list(range(n)) if state.recipe == "playground" else list(range(n - 1))


MODEL_NAME = "playground"
"""The name of every model `build_model` makes."""


def _output_activation(state: PlaygroundState) -> str:
    if state.problem == "regression":
        return "linear"
    return "tanh" if state.recipe == "playground" else "sigmoid"


def _keras_model(state: PlaygroundState, keras_seed: int | None) -> Any:
    """The uncompiled Sequential of the state's network (its initial numbers are Keras's)."""
    import keras

    penalty = _keras_penalty(state)
    penalized = _penalized_layers(state)
    layers: list[Any] = [keras.Input(shape=(len(state.features),))]
    n_dense = len(state.layers) + 1
    for k in range(n_dense):
        kernel_init, bias_init = _initializers(state, keras_seed, k)
        last = k == n_dense - 1
        regularizer = None
        if penalty is not None and k in penalized:
            regularizer = getattr(keras.regularizers, penalty[0])(penalty[1])
        layers.append(
            keras.layers.Dense(
                1 if last else state.layers[k],
                activation=_output_activation(state) if last else state.activation,
                kernel_initializer=kernel_init,
                bias_initializer=bias_init,
                kernel_regularizer=regularizer,
                name="output" if last else f"hidden_{k + 1}",
            )
        )
    # One name for every model: TensorFlow caches a kernel per variable name for the life of
    # the process, and Keras would name each rebuild anew ("sequential_7/hidden_1/...").
    return keras.Sequential(layers, name=MODEL_NAME)


def build_model(state: PlaygroundState | str) -> Any:
    """A Keras model of the state's network, holding the starting weights its seed gives.

    Inputs ``(batch, n_inputs)`` (the state's features), hidden layers ``hidden_1``, ... with
    the state's neurons and activation, one ``output`` unit (module docstring: tanh or sigmoid
    for classification by recipe, linear for regression), the recipe's initializers and
    penalties. The weights are those `PlaygroundEngine` starts from for this state.

    Args:
        state: a `PlaygroundState`, or its configuration string.

    Returns:
        A ``keras.Sequential`` named ``"playground"`` mapping ``(batch, n_inputs)`` to
        ``(batch, 1)``, uncompiled.
    """
    state = _check_state(state)
    start = _start(state, make_data(state))
    model = _keras_model(state, start.keras_seed)
    model.set_weights([np.asarray(w, np.float32) for w in start.weights])
    return model


def _dense_layers(model: Any) -> list:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


# --------------------------------------------------------------------------------------------
# The model as code
# --------------------------------------------------------------------------------------------

_HALF_SQUARED_ERROR = '''

def half_squared_error(y_true, y_pred):
    """TensorFlow Playground's loss: 1/2 (output - target)^2, averaged over the points."""
    return 0.5 * keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)
'''


def _initializer_code(state: PlaygroundState, keras_seed: int | None, k: int) -> list[str]:
    if state.init == "zeros":
        return ['kernel_initializer="zeros"', 'bias_initializer="zeros"']
    playground = state.recipe == "playground"
    bias = [f"bias_initializer=keras.initializers.Constant({BIAS_START!r})"] if playground else []
    if state.init == "too_large":
        kernel = (
            f"keras.initializers.RandomNormal(stddev={TOO_LARGE_STDDEV!r}, seed={keras_seed + k})"
        )
    elif playground:
        kernel = f"keras.initializers.RandomUniform({-WEIGHT_RANGE!r}, {WEIGHT_RANGE!r})"
    else:
        kernel = f"keras.initializers.GlorotUniform(seed={keras_seed + k})"
    return [f"kernel_initializer={kernel}", *bias]


def model_as_code(state: PlaygroundState | str) -> str:
    """Keras code that builds and compiles exactly the model the state's recipe trains.

    Args:
        state: a `PlaygroundState`, or its configuration string.

    Returns:
        Python source: ``import keras``, ``model = keras.Sequential([...])`` with the same
        units, activations, initializers, penalties and layer names as `build_model`, then
        ``model.compile(...)`` with SGD at the state's learning rate and the recipe's loss,
        and comments saying how the playground trains it (and what ``fit`` cannot express).
    """
    state = _check_state(state)
    playground = state.recipe == "playground"
    data = make_data(state)
    start = _draw_start(state, data)
    penalty = _keras_penalty(state)
    penalized = _penalized_layers(state)
    targets = "+1 blue, -1 orange" if playground else "1 for blue, 0 for orange"
    what = (
        f"{state.data_name} data, classification (targets {targets})"
        if state.problem == "classification"
        else f"{state.data_name} data, regression"
    )
    features = (
        f"{', '.join(state.features)} (one column each)" if state.features else "none (0 columns)"
    )
    lines = ["import keras"]
    if playground:
        lines += _HALF_SQUARED_ERROR.split("\n")
    lines += [
        "",
        f"# Inputs: {features}; {what}; seed {state.seed}.",
        "model = keras.Sequential(",
        "    [",
        f"        keras.Input(shape=({len(state.features)},)),",
    ]
    n_dense = len(state.layers) + 1
    for k in range(n_dense):
        last = k == n_dense - 1
        arguments = [
            "1" if last else str(state.layers[k]),
            f'activation="{_output_activation(state) if last else state.activation}"',
            *_initializer_code(state, start.keras_seed, k),
        ]
        if penalty is not None and k in penalized:
            arguments.append(f"kernel_regularizer=keras.regularizers.{penalty[0]}({penalty[1]!r})")
        arguments.append(f'name="{"output" if last else f"hidden_{k + 1}"}"')
        lines += [
            "        keras.layers.Dense(",
            *(f"            {a}," for a in arguments),
            "        ),",
        ]
    loss = (
        "half_squared_error"
        if playground
        else ('"binary_crossentropy"' if state.problem == "classification"
              else '"mean_squared_error"')
    )  # fmt: skip
    lines += [
        "    ],",
        f'    name="{MODEL_NAME}",',
        ")",
        "model.compile(",
        f"    optimizer=keras.optimizers.SGD(learning_rate={state.learning_rate!r}),",
        f"    loss={loss},",
        ")",
    ]
    lines += _training_comment(state, data)
    return "\n".join(lines) + "\n"


def _training_comment(state: PlaygroundState, data: PlaygroundData) -> list[str]:
    batch = state.batch_size
    if state.recipe == "keras":
        lines = [
            f"# The playground trains it like model.fit(x_train, y_train, batch_size={batch}, "
            "epochs=...),",
            "# the points reshuffled every epoch (fit's default).",
        ]
        if data.n_train % batch:
            lines.append(
                f"# The short last batch ({data.n_train % batch} of {data.n_train} points) is "
                "its own update, as in fit."
            )
        return lines
    lines = [
        "# The playground trains it like",
        f"#     model.fit(x_train, y_train, batch_size={batch}, shuffle=False, epochs=...)",
        "# in float64, with TensorFlow Playground's starting weights: U(-0.5, 0.5) drawn link "
        "by link",
        f"# from the random stream of seed {state.seed} after the data (not Keras's draws).",
    ]
    rules = []
    if data.n_train % batch:
        rules.append(
            f"#   - the short last batch of an epoch ({data.n_train % batch} of "
            f"{data.n_train} points) is not applied but carried into the next epoch's "
            "first update;"
        )
    if _penalty(state)[0] == "l1":
        rules.append(
            "#   - a weight that the L1 step carries across zero becomes 0 and stays 0 "
            "until the next reset;"
        )
    if rules:
        lines += ["# What fit has no option for:", *rules]
    return lines


# --------------------------------------------------------------------------------------------
# The model by hand: the forward pass in NumPy (losses at a start or an edit, frames)
# --------------------------------------------------------------------------------------------

_NUMPY_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # = 1 / (1 + e^-z), without overflow
    "linear": lambda z: z,
}


def _forward(
    weights: Sequence[np.ndarray],
    activation: str,
    problem: str,
    x: np.ndarray,
    recipe: str = "playground",
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The network's pass over inputs `x` from its weights ``[kernel, bias, kernel, ...]``.

    Returns:
        ``[(z, h), ...]``, one pair per Dense layer (hidden layers, then the output):
        pre-activations and outputs ``(n, units)``, in the weights' dtype. The output layer's
        h is tanh (playground recipe) or sigmoid (keras recipe) of z for classification, z
        itself for regression.
    """
    dtype = weights[0].dtype if len(weights) else np.float64
    output = {"playground": "tanh", "keras": "sigmoid"}[recipe]
    layers = []
    h = np.asarray(x, dtype)
    n_layers = len(weights) // 2
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n_layers):
            z = h @ weights[2 * i] + weights[2 * i + 1]
            last = i == n_layers - 1
            name = (output if problem == "classification" else "linear") if last else activation
            h = _NUMPY_ACTIVATIONS[name](z).astype(dtype, copy=False)
            layers.append((z, h))
    return layers


def forward(state: PlaygroundState, weights: Sequence[Any], x: Any) -> list[tuple[Any, Any]]:
    """The pass of the state's network with `weights` over inputs `x`, layer by layer.

    Args:
        state: the `PlaygroundState` whose network it is (activation, problem, recipe).
        weights: ``[kernel, bias, kernel, bias, ...]`` of its Dense layers, as
            ``model.get_weights()`` gives them (kernels ``(inputs, units)``).
        x: inputs ``(n, n_inputs)``: the state's features of the points.

    Returns:
        ``[(z, h), ...]``, one pair per Dense layer (the hidden layers, then the output):
        pre-activations and outputs ``(n, units)``. The output h is in [-1, 1] for the
        playground recipe's classification (tanh), a probability for the keras recipe's
        (sigmoid), z itself for regression.
    """
    state = _check_state(state)
    sizes = _layer_sizes(state)
    expected = [
        shape for a, b in zip(sizes[:-1], sizes[1:], strict=True) for shape in ((a, b), (b,))
    ]
    if not isinstance(weights, (list, tuple)):
        v.fail("weights", "a list of arrays [kernel, bias, ...]", weights, error=TypeError)
    arrays = [np.asarray(w, np.float64) for w in weights]
    if [a.shape for a in arrays] != expected:
        v.fail(
            "weights",
            f"arrays of the shapes {expected} (the state's network)",
            [a.shape for a in arrays],
            "Pass engine.model.get_weights() of an engine with this state.",
        )
    x = v.check_array("x", x, sample_shape=(len(state.features),))
    return _forward(arrays, state.activation, state.problem, x, state.recipe)


def _numpy_loss(problem: str, y: np.ndarray, out: np.ndarray, recipe: str = "playground") -> float:
    """Mean data loss of the outputs `out` (the output layer's h) against targets `y`.

    Playground recipe: 1/2 (out - y)^2. Keras recipe: binary cross-entropy of the sigmoid's
    logit (classification; `out` is then the logit z) or squared error (regression).
    """
    out = out.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if recipe == "playground":
            terms = 0.5 * np.square(out - y)
        elif problem == "classification":
            # -y log(s(z)) - (1 - y) log(1 - s(z)), written so that no exp overflows.
            terms = np.maximum(out, 0.0) - out * y + np.log1p(np.exp(-np.abs(out)))
        else:
            terms = np.square(out - y)
        return float(np.mean(terms))


# --------------------------------------------------------------------------------------------
# The compiled training loops
# --------------------------------------------------------------------------------------------
#
# One function per recipe trains `n_epochs` epochs of mini-batch SGD and returns the new
# weights and the losses after each epoch. It is functional (weights in, weights out, no
# tf.Variable inside), so one traced function serves every model with the same number of
# layers and every engine in the process: the activation and the problem are inputs too (a
# `switch_case` picks the same ops a function traced for one of them would run), since every
# traced function and every XLA compilation stays in memory for the life of the process (2-8
# MB each, dropping the function frees none of it: measured). It runs two ways:
#
# - compiled by XLA (``jit_compile=True``): 10-30 times faster (thousands of epochs/s for the
#   default network), but XLA compiles once per new combination of shapes (layer sizes,
#   number of points, batch size), which takes 1-4 s;
# - as a plain TensorFlow graph (a few hundred epochs/s), traced once per structure.
#
# (Measured, default network: the Keras model and optimizer inside a graph loop, 190-320
# epochs/s; the hand-written forward pass, gradients and SGD update in a graph loop, about the
# same: the per-op cost of the graph dominates; the Keras model with GradientTape under XLA,
# about 2,300; the hand-written pass under XLA, 2,500-7,000.)
#
# So training never waits for XLA: until the shapes are compiled the graph runs, while one
# background thread (named XLA_THREAD_NAME) compiles them; the next chunk after that runs
# compiled. A long `run_epochs` call (EPOCHS_WORTH_COMPILING or more) compiles first instead.
#
# XLA needs static shapes, so the loops are `while` loops (a `for` over tf.range makes its
# count a compile-time constant: one compilation per count) over fixed-width windows of
# `batch` indices:
# - playground recipe (TFP's oneStep and updateWeights): the training points in their fixed
#   order; floor(n / batch) updates, each from the gradient sums of its window plus what the
#   last epoch carried, divided by the number of points summed (TFP accumulates per point and
#   divides by the count: the same sums in another order); then the short last batch, its
#   rows weighted 0 past the end, summed into the carry. float64;
# - keras recipe: the points of a fresh shuffle every epoch (rows of a fixed (EPOCHS_PER_CALL,
#   n) array of shuffles), ceil(n / batch) updates, the ragged last batch masked (its gradient
#   the mean over its real points, as a shorter batch would give). float32.

EPOCHS_PER_CALL = 512
"""Epochs one call of the compiled loop can train (longer runs take several calls)."""

EPOCHS_WORTH_COMPILING = 200
"""`run_epochs(n)` with n at least this waits for XLA's compilation (1-4 s) rather than run
the uncompiled graph (n / 250 s)."""

MAX_XLA_SHAPES = 6
"""Shapes (recipe, layer sizes, numbers of points, batch size) compiled by XLA in one process;
others train with the graph loop. Each compilation stays in memory for the life of the process
(2-8 MB: measured; dropping the function frees none of it), so without a bound a long session
of changes grows by hundreds of MB."""

_LOOPS: dict[tuple, Any] = {}
_LOOPS_LOCK = threading.Lock()
_XLA_LOCK = threading.Condition()
_XLA_READY: set[tuple] = set()
_XLA_FAILED: set[tuple] = set()
_XLA_WANTED: dict[tuple, Callable[[], Any]] = {}
_XLA_BUSY: set[tuple] = set()
_XLA_THREAD: list[threading.Thread] = []
XLA_THREAD_NAME = "hlcourse-playground-xla"
"""Name of the thread that compiles the XLA loops (tests look for leftovers by it)."""


_ACTIVATION_INDEX = {"relu": 0, "tanh": 1, "sigmoid": 2, "linear": 3}
_PROBLEM_INDEX = {"classification": 0, "regression": 1}
_REGULARIZATION_INDEX = {None: 0, "l1": 1, "l2": 2}


def _loop_function(recipe: str, n_layers: int, xla: bool) -> Any:
    """The training loop of `recipe` for `n_layers` Dense layers, traced once per process."""
    key = (recipe, n_layers, xla)
    with _LOOPS_LOCK:
        if key not in _LOOPS:
            make = _make_playground_loop if recipe == "playground" else _make_keras_loop
            _LOOPS[key] = make(n_layers, xla)
        return _LOOPS[key]


def _activation_ops(tf: Any) -> tuple[Callable, Callable]:
    def act(z, activation):
        return tf.switch_case(
            activation,
            [lambda: tf.nn.relu(z), lambda: tf.tanh(z), lambda: tf.sigmoid(z), lambda: z],
        )

    def slope(h, activation):
        """The activation's derivative, from its output h."""
        return tf.switch_case(
            activation,
            [
                lambda: tf.cast(h > 0.0, h.dtype),  # relu'(0) = 0, in TFP and TensorFlow
                lambda: 1.0 - tf.square(h),
                lambda: h * (1.0 - h),
                lambda: tf.ones_like(h),  # multiplying by 1.0 changes nothing
            ],
        )

    return act, slope


def _make_playground_loop(n_layers: int, xla: bool) -> Any:
    import tensorflow as tf

    f64 = tf.float64

    # Each choice (activation, output, penalty) is a `where` on a flag rather than a
    # `switch_case`: XLA fuses a `where` with its neighbours, a conditional it cannot, and the
    # playground's update has several per layer (measured: about twice as fast).
    def act(z, kind):
        relu, tanh, sigmoid = kind
        return tf.where(
            relu, tf.nn.relu(z), tf.where(tanh, tf.tanh(z), tf.where(sigmoid, tf.sigmoid(z), z))
        )

    def slope(h, kind):
        """The activation's derivative, from its output h (relu'(0) = 0, as in TFP)."""
        relu, tanh, sigmoid = kind
        one = tf.ones_like(h)
        return tf.where(
            relu,
            tf.cast(h > 0.0, f64),
            tf.where(tanh, one - tf.square(h), tf.where(sigmoid, h * (one - h), one)),
        )

    def forward(ws, x, kind, classification):
        outputs = [x]
        h = x
        for i in range(n_layers):
            z = tf.matmul(h, ws[2 * i]) + ws[2 * i + 1]
            if i < n_layers - 1:
                h = act(z, kind)
            else:  # tanh for classification, linear for regression
                h = tf.where(classification, tf.tanh(z), z)
            outputs.append(h)
        return outputs

    def gradient_sums(ws, xb, yb, rows, kind, classification):
        """Sums over the rows of d(1/2 (out - y)^2)/d(weight), each row weighted by `rows`."""
        outputs = forward(ws, xb, kind, classification)
        out = outputs[-1]
        out_slope = tf.where(classification, 1.0 - tf.square(out), tf.ones_like(out))
        delta = (out - yb) * out_slope * rows
        grads = [None] * (2 * n_layers)
        for i in reversed(range(n_layers)):
            grads[2 * i] = tf.matmul(outputs[i], delta, transpose_a=True)
            grads[2 * i + 1] = tf.reduce_sum(delta, axis=0)
            if i > 0:  # through every link, frozen ones too (TFP's backProp)
                delta = tf.matmul(delta, ws[2 * i], transpose_b=True)
                delta = delta * slope(outputs[i], kind)
        return grads

    def update(ws, alive, sums, count, lr, step, l1, l2):
        """TFP's updateWeights: the data step, then the penalty (`step` = lr * rate) taken
        at the weight before it."""
        new_ws, new_alive = [], []
        for i in range(n_layers):
            kernel, bias = ws[2 * i], ws[2 * i + 1]
            stepped = kernel - (lr / count) * sums[2 * i]
            zero = tf.zeros_like(kernel)
            penalty = tf.where(l1, step * tf.sign(kernel), tf.where(l2, step * kernel, zero))
            penalized = stepped - penalty
            # L1: a weight its penalty step carries across zero becomes 0, frozen.
            crossed = tf.logical_and(tf.logical_and(l1, stepped * penalized < 0.0), alive[i])
            moved = tf.where(crossed, zero, penalized)
            new_ws += [tf.where(alive[i], moved, kernel), bias - lr * sums[2 * i + 1] / count]
            new_alive.append(tf.logical_and(alive[i], tf.logical_not(crossed)))
        return new_ws, new_alive

    def run(
        ws, alive, carry, carried, x_train, y_train, x_test, y_test, window, n_epochs, lr, rr,
        regularization, activation, problem,
    ):  # fmt: skip
        ws, alive, carry = list(ws), list(alive), list(carry)
        kind = (tf.equal(activation, 0), tf.equal(activation, 1), tf.equal(activation, 2))
        classification = tf.equal(problem, 0)
        l1, l2 = tf.equal(regularization, 1), tf.equal(regularization, 2)
        step = lr * rr
        n = tf.shape(x_train)[0]
        batch = tf.shape(window)[0]
        n_updates = n // batch
        tail = n_updates * batch
        full = tf.ones([batch, 1], f64)
        x_all = tf.concat([x_train, x_test], 0)
        y_all = tf.concat([y_train, y_test], 0)
        train_losses = tf.zeros([EPOCHS_PER_CALL], f64)
        test_losses = tf.zeros([EPOCHS_PER_CALL], f64)
        epoch = tf.constant(0)
        while epoch < n_epochs:
            u = tf.constant(0)
            while u < n_updates:
                index = u * batch + window
                grads = gradient_sums(
                    ws, tf.gather(x_train, index), tf.gather(y_train, index), full, kind,
                    classification,
                )  # fmt: skip
                sums = [c + g for c, g in zip(carry, grads, strict=True)]
                count = carried + tf.cast(batch, f64)
                ws, alive = update(ws, alive, sums, count, lr, step, l1, l2)
                carry = [tf.zeros_like(c) for c in carry]
                carried = tf.zeros([], f64)
                u += 1
            # The short last batch: summed into the carry, applied with the next update.
            position = tail + window
            rows = tf.cast(position < n, f64)[:, None]
            index = tf.minimum(position, n - 1)
            grads = gradient_sums(
                ws, tf.gather(x_train, index), tf.gather(y_train, index), rows, kind,
                classification,
            )  # fmt: skip
            carry = [c + g for c, g in zip(carry, grads, strict=True)]
            carried += tf.cast(n - tail, f64)
            out = forward(ws, x_all, kind, classification)[-1]
            every = 0.5 * tf.square(out - y_all)
            train_losses = tf.tensor_scatter_nd_update(
                train_losses, [[epoch]], [tf.reduce_mean(every[:n])]
            )
            test_losses = tf.tensor_scatter_nd_update(
                test_losses, [[epoch]], [tf.reduce_mean(every[n:])]
            )
            epoch += 1
        return ws, alive, carry, carried, train_losses, test_losses

    matrix = tf.TensorSpec([None, None], f64)
    vector = tf.TensorSpec([None], f64)
    number = tf.TensorSpec([], f64)
    weights = [spec for _ in range(n_layers) for spec in (matrix, vector)]
    signature = [
        weights,
        [tf.TensorSpec([None, None], tf.bool) for _ in range(n_layers)],  # alive
        weights, number,  # the carried gradient sums, and how many points they sum
        matrix, tf.TensorSpec([None, 1], f64),  # x_train, y_train
        matrix, tf.TensorSpec([None, 1], f64),  # x_test, y_test
        tf.TensorSpec([None], tf.int32),  # window: arange(batch size)
        tf.TensorSpec([], tf.int32),  # n_epochs
        number, number,  # lr, rr
        tf.TensorSpec([], tf.int32),  # regularization: _REGULARIZATION_INDEX
        tf.TensorSpec([], tf.int32),  # activation: _ACTIVATION_INDEX
        tf.TensorSpec([], tf.int32),  # problem: _PROBLEM_INDEX
    ]  # fmt: skip
    return tf.function(run, input_signature=signature, jit_compile=xla, reduce_retracing=True)


def _make_keras_loop(n_layers: int, xla: bool) -> Any:
    import tensorflow as tf

    act, slope = _activation_ops(tf)

    def forward(ws, x, activation):
        outputs = [x]
        h = x
        for i in range(n_layers):
            z = tf.matmul(h, ws[2 * i]) + ws[2 * i + 1]
            h = act(z, activation) if i < n_layers - 1 else z  # the output's logit (or value)
            outputs.append(h)
        return outputs

    def losses(y, z, problem):
        return tf.switch_case(
            problem,
            [
                lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z),
                lambda: tf.square(z - y),
            ],
        )

    def data_slope(z, y, problem):
        """d(loss)/dz of each point."""
        return tf.switch_case(problem, [lambda: tf.sigmoid(z) - y, lambda: 2.0 * (z - y)])

    def run(
        ws, orders, x_train, y_train, x_test, y_test, window, n_epochs, lr, l1, l2,
        activation, problem,
    ):  # fmt: skip
        ws = list(ws)
        n = tf.shape(x_train)[0]
        batch = tf.shape(window)[0]
        n_batches = (n + batch - 1) // batch
        x_all = tf.concat([x_train, x_test], 0)
        y_all = tf.concat([y_train, y_test], 0)
        train_losses = tf.zeros([EPOCHS_PER_CALL])
        test_losses = tf.zeros([EPOCHS_PER_CALL])
        epoch = tf.constant(0)
        while epoch < n_epochs:
            order = orders[epoch]
            b = tf.constant(0)
            while b < n_batches:
                start = b * batch
                end = tf.minimum(start + batch, n)
                position = start + window
                mask = tf.cast(position < end, tf.float32)[:, None]
                index = tf.gather(order, tf.minimum(position, n - 1))
                xb = tf.gather(x_train, index)
                yb = tf.gather(y_train, index)
                outputs = forward(ws, xb, activation)
                z = outputs[-1]
                # d(mean data loss)/dz over the real points of the batch.
                error = data_slope(z, yb, problem)
                delta = error * mask / tf.cast(end - start, tf.float32)
                grads = [None] * (2 * n_layers)
                for i in reversed(range(n_layers)):
                    kernel = ws[2 * i]
                    grads[2 * i] = tf.matmul(outputs[i], delta, transpose_a=True)
                    grads[2 * i + 1] = tf.reduce_sum(delta, axis=0)
                    if i < n_layers - 1:  # Keras's penalty is on the hidden kernels
                        grads[2 * i] += l1 * tf.sign(kernel) + 2.0 * l2 * kernel
                    if i > 0:
                        delta = tf.matmul(delta, kernel, transpose_b=True)
                        delta = delta * slope(outputs[i], activation)
                ws = [w - lr * g for w, g in zip(ws, grads, strict=True)]  # plain SGD
                b += 1
            every = losses(y_all, forward(ws, x_all, activation)[-1], problem)
            train_losses = tf.tensor_scatter_nd_update(
                train_losses, [[epoch]], [tf.reduce_mean(every[:n])]
            )
            test_losses = tf.tensor_scatter_nd_update(
                test_losses, [[epoch]], [tf.reduce_mean(every[n:])]
            )
            epoch += 1
        return ws, train_losses, test_losses

    matrix = tf.TensorSpec([None, None], tf.float32)
    vector = tf.TensorSpec([None], tf.float32)
    number = tf.TensorSpec([], tf.float32)
    signature = [
        [spec for _ in range(n_layers) for spec in (matrix, vector)],
        tf.TensorSpec([None, None], tf.int32),  # orders
        matrix, tf.TensorSpec([None, 1], tf.float32),  # x_train, y_train
        matrix, tf.TensorSpec([None, 1], tf.float32),  # x_test, y_test
        tf.TensorSpec([None], tf.int32),  # window: arange(batch size)
        tf.TensorSpec([], tf.int32),  # n_epochs
        number, number, number,  # lr, l1, l2
        tf.TensorSpec([], tf.int32),  # activation: _ACTIVATION_INDEX
        tf.TensorSpec([], tf.int32),  # problem: _PROBLEM_INDEX
    ]  # fmt: skip
    return tf.function(run, input_signature=signature, jit_compile=xla, reduce_retracing=True)


def _xla_ready(key: tuple) -> bool:
    with _XLA_LOCK:
        return key in _XLA_READY


def _xla_allowed(key: tuple) -> bool:
    """True unless `key` is new and MAX_XLA_SHAPES shapes are compiled or being compiled."""
    with _XLA_LOCK:
        if key in _XLA_READY or key in _XLA_BUSY or key in _XLA_WANTED:
            return True
        return len(_XLA_READY | _XLA_FAILED | _XLA_BUSY) < MAX_XLA_SHAPES


def _request_xla(key: tuple, make_job: Callable[[], Callable[[], Any]]) -> None:
    """Have the background thread compile `key` (the newest request wins; one at a time).

    `make_job()` makes the call that compiles; it is only made when the request is new.
    """
    with _XLA_LOCK:
        if key in _XLA_READY or key in _XLA_FAILED or key in _XLA_BUSY or key in _XLA_WANTED:
            return
        _XLA_WANTED.clear()  # older requests are for shapes no longer trained
        _XLA_WANTED[key] = make_job()
        if _XLA_THREAD and _XLA_THREAD[0].is_alive():
            return
        # Not a daemon: an interpreter exiting mid-compilation waits for it (a few seconds)
        # rather than tear TensorFlow down under it.
        thread = threading.Thread(target=_xla_worker, name=XLA_THREAD_NAME)
        _XLA_THREAD[:] = [thread]
        thread.start()


def _xla_worker() -> None:
    while True:
        with _XLA_LOCK:
            if not _XLA_WANTED:
                _XLA_THREAD.clear()
                return
            key, job = _XLA_WANTED.popitem()
            _XLA_BUSY.add(key)
        try:
            _compile_xla(key, job)
        finally:
            with _XLA_LOCK:
                _XLA_BUSY.discard(key)


def _compile_xla(key: tuple, compile_now: Callable[[], Any]) -> bool:
    """Run `compile_now` (a call that trains no epoch) and record whether XLA managed."""
    try:
        compile_now()
        ok = True
    except Exception:  # XLA missing or refusing an op: the graph keeps training
        ok = False
    return_freed_memory()  # XLA's tens of MB of scratch, freed, given back
    with _XLA_LOCK:
        (_XLA_READY if ok else _XLA_FAILED).add(key)
        _XLA_LOCK.notify_all()
    return ok


def _join_xla(timeout: float = 60.0) -> bool:
    """Wait for the background compilation to finish (tests, benchmarks); True if it did."""
    with _XLA_LOCK:
        thread = _XLA_THREAD[0] if _XLA_THREAD else None
    if thread is not None and thread is not threading.current_thread():
        thread.join(timeout)
        return not thread.is_alive()
    return True


# --------------------------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------------------------


def _check_finite(name: str, value: Any) -> float:
    """A finite number (a weight or a bias typed by hand)."""
    number = v.check_number(name, value)
    if not np.isfinite(number):
        v.fail(name, "a finite number", value, "A weight or bias must be a finite number.")
    return number


def _data_key(state: PlaygroundState) -> tuple:
    """What the points depend on besides the seed."""
    return (state.data_name, state.problem, state.noise, state.train_share)


class _Series:
    """A growing float64 column of per-epoch numbers (8 bytes per epoch, where a Python list of
    floats takes 32). Entries once written never change: a slice handed out stays valid (a
    reset starts a new buffer)."""

    def __init__(self, first: float) -> None:
        self._data = np.empty(1024, np.float64)
        self._data[0] = first
        self.size = 1

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.empty(max(end, 2 * len(self._data)), np.float64)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = values
        self.size = end

    def view(self) -> np.ndarray:
        """The entries so far, read-only, without a copy."""
        out = self._data[: self.size]
        out.flags.writeable = False
        return out


@dataclass(frozen=True)
class _Snapshot:
    """What a frame needs, taken under the engine's lock in a few microseconds."""

    state: PlaygroundState
    data: PlaygroundData
    model: Any
    weights: tuple[np.ndarray, ...]
    epoch: int
    steps: int
    train_loss: float
    test_loss: float
    train_history: np.ndarray
    test_history: np.ndarray
    playing: bool
    message: str
    dead: tuple[np.ndarray, ...] = ()


class PlaygroundEngine:
    """Holds a state, its data and its model, and trains the model: step, play, pause, reset.

    Attributes (read them; change the settings through `set_state`):
        state: the current `PlaygroundState` (its seed is the one the data came from: a data
            change or `regenerate` draws a new one).
        data: the current `PlaygroundData`.
        model: the Keras model being trained, its weights the trained ones after every call
            (use `take_model` for a copy to keep).
        epoch: epochs trained since the last reset.
        steps: weight updates since the last reset: ``floor(n_train / batch_size)`` per epoch
            for the playground recipe (a short last batch waits for the next epoch),
            ``ceil(n_train / batch_size)`` for the keras recipe.
        train_loss, test_loss: data loss on the training and test split now (before the first
            epoch, of the starting weights).
        history: ``{"train_loss": [...], "test_loss": [...]}``: the starting weights' loss,
            then one per epoch trained (``epoch + 1`` values; a new list at each reading).
        dead_links: the links L1 froze at 0 (one boolean array per Dense layer).
        message: what the last `set_state` or `regenerate` did, e.g. ``"Architecture changed:
            the network was rebuilt (epoch 0)."``; ``""`` when nothing needed doing.
        error: the exception that stopped the play thread, or None.

    Every method may be called from the notebook while the engine plays: a lock keeps the
    training thread and the caller from touching the model at the same time.
    """

    def __init__(self, state: PlaygroundState | str | None = None) -> None:
        """Make the data and the model of `state` (default: TensorFlow Playground's defaults).

        Args:
            state: a `PlaygroundState`, its configuration string, or None for the defaults.
        """
        state = PlaygroundState() if state is None else _check_state(state)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        import tensorflow as tf

        self._tf = tf
        self._lock = threading.RLock()
        # Callers waiting for `_lock`, counted under `_handoff`: after each chunk the play
        # thread waits on `_handoff` until every caller waiting then has had its turn.
        self._handoff = threading.Condition(threading.Lock())
        self._waiting = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._pace: dict[tuple, float] = {}  # seconds per epoch, by loop and shapes
        self._use_xla = True  # False: the graph loop only (tests compare the two)
        self.state = state
        self.data = make_data(state)
        self.message = ""
        self.error: BaseException | None = None
        self._data_tensors: tuple = ()
        self._set_data_tensors()
        self._rebuild()

    # --- public reading -------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """True while the play thread trains."""
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

    @property
    def history(self) -> dict[str, list[float]]:
        """``{"train_loss": [...], "test_loss": [...]}``: the loss at epoch 0, 1, 2, ..."""
        with self._locked():
            return {
                "train_loss": self._train_history.view().tolist(),
                "test_loss": self._test_history.view().tolist(),
            }

    @property
    def dead_links(self) -> list[np.ndarray]:
        """Which links L1 has frozen at 0, one boolean array per Dense layer.

        Each array has its layer's kernel shape ``(inputs, units)``: True where the L1 step
        carried the weight across zero, so it was set to 0; it stays frozen (training leaves
        it alone) until the next reset. Only the playground recipe freezes links.
        """
        with self._locked():
            return [dead.copy() for dead in self._dead]

    def __repr__(self) -> str:
        return (
            f"PlaygroundEngine(epoch={self.epoch}, train_loss={self.train_loss:.4f}, "
            f"test_loss={self.test_loss:.4f}, playing={self.playing}, "
            f"state={self.state.to_config()!r})"
        )

    # --- training ---------------------------------------------------------------------------

    def run_epochs(self, n: int = 1) -> dict[str, list[float]]:
        """Train `n` epochs in compiled calls (every training point once an epoch).

        Args:
            n: epochs to train, 1 to 100,000.

        Returns:
            ``{"train_loss": [...], "test_loss": [...]}`` after each of these `n` epochs (also
            appended to `history`).
        """
        n = v.check_int("n", n, low=1, high=MAX_EPOCHS_PER_CALL)
        with self._locked():
            self._run(n, wait_for_xla=n >= EPOCHS_WORTH_COMPILING)
            return {
                "train_loss": self._train_history.view()[-n:].tolist(),
                "test_loss": self._test_history.view()[-n:].tolist(),
            }

    def warm_up(self) -> None:
        """Start compiling the fast (XLA) loop for the current settings in the background.

        Returns at once. Play uses the compiled loop as soon as it is ready (1-4 s per network
        shape) and the slower graph loop until then; an interface calls this when a network
        is built or changed, so that play is fast from its first second.
        """
        with self._locked():
            self._choose_loop()

    def step(self) -> None:
        """Pause if playing, then train exactly one epoch (the Playground's step button)."""
        self.pause()
        self.run_epochs(1)

    def reset(self) -> None:
        """Pause if playing; start again from the weights the state's seed gives (epoch 0)."""
        self.pause()
        with self._locked():
            self._fresh_start()

    def set_state(self, state: PlaygroundState | str) -> str:
        """Move to another state, doing what TensorFlow Playground does for the change.

        - Data settings (`DATA_SETTINGS`: dataset, problem, noise, train share): a new seed
          drawn from the engine's random stream (put in `state`), new points, a fresh start.
          A new seed given in `state`: its points, a fresh start.
        - `RESET_SETTINGS` (batch size, activation, regularization and its rate, features,
          layers, init, recipe): a fresh start from the seed (a new model when the network
          itself changes).
        - The learning rate: applies from the next step to the same weights; play goes on.
        - Display settings: nothing here.

        A fresh start pauses a playing engine, sets the weights the seed gives, epoch 0.

        Args:
            state: a `PlaygroundState` or its configuration string.

        Returns:
            The message saying what was done (also in `message`), e.g. ``"Architecture
            changed: the network was rebuilt (epoch 0)."``; ``""`` when nothing was needed.
        """
        state = _check_state(state)
        old = self.state
        new_seed = old.seed != state.seed
        new_points = _data_key(old) != _data_key(state)
        changed = [name for name in RESET_SETTINGS if getattr(old, name) != getattr(state, name)]
        rebuild = any(getattr(old, name) != getattr(state, name) for name in _MODEL_SETTINGS)
        fresh = new_seed or new_points or bool(changed) or rebuild
        was_playing = self.playing
        if fresh:
            self.pause()
        with self._locked():
            if new_points and not new_seed:  # TFP's generateData: Math.random().toFixed(5)
                state = state.with_changes(seed=self._stream.new_seed())
            self.state = state
            if new_seed or new_points:
                self.data = make_data(state)
            elif _inputs_changed(old, state):  # same points, other inputs or targets
                self.data = _inputs_of(state, self.data.dataset)
            if new_seed or new_points or _inputs_changed(old, state):
                self._set_data_tensors()
            if rebuild:
                self._rebuild()
            elif fresh:
                self._fresh_start()
            self.message = _describe(old, state, new_seed, new_points, rebuild, changed)
            if fresh and was_playing:
                self.message += " Training paused: press play to go on."
        return self.message

    def regenerate(self) -> str:
        """New points from a new seed, the network kept (TensorFlow Playground's Regenerate).

        The new seed is drawn from the engine's running random stream, as TFP draws it
        (``Math.random().toFixed(5)``), and put in `state` (so a link shows it). The weights,
        the epoch and the history stay; the losses become those of the same weights on the
        new points. Does not pause.

        Returns:
            The message saying what was done (also in `message`).
        """
        with self._locked():
            state = self.state.with_changes(seed=self._stream.new_seed())
            self.state = state
            self.data = make_data(state)
            # The stream goes on from the new data, as TFP's (no weights are drawn).
            self._stream = copy.deepcopy(self.data.dataset.rng)
            self._set_data_tensors()
            self._update_losses()
            self.message = f"New points (seed {state.seed}): the network and its epoch were kept."
            return self.message

    def take_model(self) -> Any:
        """A copy of the model with its current weights, independent of the engine.

        Returns:
            A ``keras.Sequential`` (uncompiled) the learner can keep, train or save.
        """
        import keras

        with self._locked():
            copied = keras.models.clone_model(self.model)
            copied.set_weights([np.asarray(w, np.float32) for w in self._weights])
        return copied

    # --- edits by hand (the Playground's hover card) ----------------------------------------

    def set_weight(self, layer: int, source: int, target: int, value: float) -> None:
        """Set one weight by hand, as clicking a link in TensorFlow Playground does.

        The losses are recomputed for the new weight; the epoch and the history are kept. A
        link L1 froze takes the value and stays frozen (training leaves it as it is).

        Args:
            layer: which Dense layer, 0 for the first (inputs to the first hidden layer); the
                last is the output layer.
            source: the neuron (or input feature) the link comes from, an index into the
                layer's inputs: row of ``kernel``.
            target: the neuron of `layer` the link goes to: column of ``kernel``.
            value: the new weight, a finite number.
        """
        with self._locked():
            layer = self._check_layer(layer)
            n_in, n_out = self._weights[2 * layer].shape
            hint = self._layer_words(layer)
            source = v.check_int("source", source, low=0, high=n_in - 1, hint=hint)
            target = v.check_int("target", target, low=0, high=n_out - 1, hint=hint)
            value = _check_finite("value", value)
            kernel = self._weights[2 * layer].copy()
            kernel[source, target] = value
            self._replace_weight(2 * layer, kernel)

    def set_bias(self, layer: int, node: int, value: float) -> None:
        """Set one neuron's bias by hand, as clicking a bias in TensorFlow Playground does.

        The losses are recomputed; the epoch and the history are kept.

        Args:
            layer: which Dense layer, 0 for the first hidden layer; the last is the output.
            node: the neuron of that layer, 0 for the first (top) one.
            value: the new bias, a finite number.
        """
        with self._locked():
            layer = self._check_layer(layer)
            n_out = self._weights[2 * layer + 1].shape[0]
            node = v.check_int("node", node, low=0, high=n_out - 1, hint=self._layer_words(layer))
            value = _check_finite("value", value)
            bias = self._weights[2 * layer + 1].copy()
            bias[node] = value
            self._replace_weight(2 * layer + 1, bias)

    def _check_layer(self, layer: Any) -> int:
        n_layers = len(self._weights) // 2
        return v.check_int(
            "layer",
            layer,
            low=0,
            high=n_layers - 1,
            hint=f"The network has {n_layers} Dense layers: 0 is the first hidden layer "
            f"(or the output when there is none), {n_layers - 1} the output.",
        )

    def _layer_words(self, layer: int) -> str:
        n_in, n_out = self._weights[2 * layer].shape
        return f"Dense layer {layer} has {n_in} inputs and {n_out} neurons."

    def _replace_weight(self, index: int, value: np.ndarray) -> None:
        weights = list(self._weights)
        weights[index] = value.astype(self._weights[index].dtype, copy=False)
        self._set_weights(weights)
        self._update_losses()

    # --- play / pause -----------------------------------------------------------------------

    def play(self, on_chunk: Callable[[PlaygroundEngine], Any] | None = None) -> None:
        """Start training in a background thread and return at once (the kernel stays free).

        The thread trains chunks of epochs sized to take about 25 ms each, until `pause`.

        Args:
            on_chunk: called as ``on_chunk(engine)`` in the training thread after every chunk
                (e.g. to draw a frame), or None. An exception in it stops playing and is kept
                in `error`.
        """
        if on_chunk is not None and not callable(on_chunk):
            v.fail("on_chunk", "a function of the engine, or None", on_chunk, error=TypeError)
        if self.playing:
            return
        self.pause()  # collect a finished thread
        self.error = None
        # Each run of the thread has its own stop signal: a thread still finishing its last
        # chunk after a pause can never be woken by the next play.
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._play_loop,
            args=(self._stop, on_chunk),
            name=PLAY_THREAD_NAME,
            daemon=True,
        )
        self._thread.start()

    def pause(self) -> None:
        """Stop the play thread (it finishes its chunk: within about 25 ms) and wait for it."""
        with self._handoff:  # wakes a play thread waiting for callers: it ends at once
            self._stop.set()
            self._handoff.notify_all()
        thread = self._thread
        if thread is None:
            return
        if thread is not threading.current_thread():
            thread.join(PAUSE_TIMEOUT)
            if not thread.is_alive():
                self._thread = None

    def close(self) -> None:
        """Pause; leaves no thread behind."""
        self.pause()

    def __enter__(self) -> PlaygroundEngine:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _play_loop(self, stop: threading.Event, on_chunk: Callable | None) -> None:
        try:
            while not stop.is_set():
                with self._lock:
                    if stop.is_set():
                        break
                    compiled = self._choose_loop()
                    # Chunks sized to take about CHUNK_SECONDS, from the time per epoch
                    # measured for this loop and these shapes (one epoch when unknown: a
                    # new network may be far slower than the last).
                    pace_key = (self._xla_key(), compiled)
                    pace = self._pace.get(pace_key)
                    chunk = 1 if pace is None else round(CHUNK_SECONDS / pace)
                    chunk = max(1, min(MAX_CHUNK, chunk))
                    start = time.perf_counter()
                    self._train(chunk, compiled)
                    measured = max((time.perf_counter() - start) / chunk, 1e-6)
                # Smoothed, so one slow chunk (a busy machine) does not shrink the next to a
                # single epoch, whose call overhead would dominate.
                self._pace[pace_key] = measured if pace is None else 0.7 * pace + 0.3 * measured
                if on_chunk is not None:
                    on_chunk(self)
                with self._handoff:  # let the callers waiting for the lock in first
                    self._handoff.wait_for(lambda: not self._waiting or stop.is_set())
        except BaseException as err:  # kept for the notebook; the thread must end cleanly
            self.error = err
            stop.set()
        finally:  # paused: what training freed goes back to the system (before `pause` returns)
            return_freed_memory()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The lock, taken by a caller: the play thread steps aside between chunks."""
        with self._handoff:
            self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._handoff:
                self._waiting -= 1
                self._handoff.notify_all()
        try:
            yield
        finally:
            self._lock.release()

    def _snapshot(self) -> _Snapshot:
        """The numbers of this moment (for `hlcourse.playground.frames`), under the lock."""
        with self._locked():
            return _Snapshot(
                state=self.state,
                data=self.data,
                model=self.model,
                weights=self._weights,
                epoch=self.epoch,
                steps=self.steps,
                train_loss=self.train_loss,
                test_loss=self.test_loss,
                train_history=self._train_history.view(),
                test_history=self._test_history.view(),
                playing=self.playing,
                message=self.message,
                dead=tuple(self._dead),
            )

    # --- internals (called with the lock held) ----------------------------------------------

    def _set_data_tensors(self) -> None:
        tf = self._tf
        d = self.data
        self._data_tensors = tuple(
            tf.constant(a) for a in (d.x_train, d.y_train, d.x_test, d.y_test)
        )

    def _rebuild(self) -> None:
        """A new Keras model for the state, then a fresh start."""
        start = _start(self.state, self.data)
        self.model = _keras_model(self.state, start.keras_seed)
        self._variables = [w for layer in _dense_layers(self.model)
                           for w in (layer.kernel, layer.bias)]  # fmt: skip
        # The graph loop of this structure, traced now (0.2-0.7 s, once per structure in the
        # process), not in the first chunk of play, so pause always acts fast.
        self._structure = (self.state.recipe, len(self.state.layers) + 1)
        self._loop_function(xla=False).get_concrete_function()
        self._begin(start)

    def _loop_function(self, xla: bool) -> Any:
        return _loop_function(*self._structure, xla)

    def _fresh_start(self) -> None:
        """The starting weights the state's seed gives, in the same model; epoch 0."""
        self._begin(_start(self.state, self.data))

    def _begin(self, start: _Start) -> None:
        state = self.state
        self._set_weights(start.weights)
        self._stream = start.stream
        # The model's configuration says what the engine starts and trains with (take_model's
        # copy and model_as_code agree with it).
        penalty = _keras_penalty(state)
        penalized = _penalized_layers(state)
        import keras

        for k, layer in enumerate(_dense_layers(self.model)):
            layer.kernel_initializer, layer.bias_initializer = _initializers(
                state, start.keras_seed, k
            )
            made = None
            if penalty is not None and k in penalized:
                made = getattr(keras.regularizers, penalty[0])(penalty[1])
            layer.kernel_regularizer = made
            layer.kernel.regularizer = made
        self.epoch = 0
        self.steps = 0
        self._dead = [np.zeros(w.shape, bool) for w in self._weights[::2]]
        self._carry = tuple(np.zeros_like(w) for w in self._weights)
        self._carried = 0.0
        # The keras recipe's shuffles, seeded from the stream too.
        self._rng = np.random.default_rng(start.keras_seed)
        self._update_losses()
        self._train_history = _Series(self.train_loss)
        self._test_history = _Series(self.test_loss)

    def _update_losses(self) -> None:
        """The data loss of the current weights on both splits (the history is left alone)."""
        d, state = self.data, self.state
        recipe = state.recipe
        # The keras recipe's cross-entropy is taken from the logit z, the playground's from h.
        which = 0 if recipe == "keras" else 1
        for split, x, y in (("train", d.x_train, d.y_train), ("test", d.x_test, d.y_test)):
            out = _forward(self._weights, state.activation, state.problem, x, recipe)[-1][which]
            setattr(self, f"{split}_loss", _numpy_loss(state.problem, y, out, recipe))

    def _set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """New current weights, copied into the Keras model too."""
        self._weights = tuple(weights)
        for variable, value in zip(self._variables, self._weights, strict=True):
            variable.assign(np.asarray(value, np.float32))

    def _loop_arguments(self, n_epochs: int, orders: np.ndarray | None = None) -> list:
        tf = self._tf
        state = self.state
        regularizer, rate = _penalty(state)
        common = [*self._data_tensors, tf.range(state.batch_size), tf.constant(n_epochs, tf.int32)]
        kinds = [
            tf.constant(_ACTIVATION_INDEX[state.activation], tf.int32),
            tf.constant(_PROBLEM_INDEX[state.problem], tf.int32),
        ]
        if state.recipe == "playground":
            f64 = tf.float64
            return [
                [tf.constant(w, f64) for w in self._weights],
                [tf.constant(~dead) for dead in self._dead],
                [tf.constant(c, f64) for c in self._carry],
                tf.constant(self._carried, f64),
                *common,
                tf.constant(state.learning_rate, f64),
                tf.constant(rate, f64),
                tf.constant(_REGULARIZATION_INDEX[regularizer], tf.int32),
                *kinds,
            ]
        return [
            [tf.constant(w, tf.float32) for w in self._weights],
            tf.constant(orders),
            *common,
            tf.constant(state.learning_rate, tf.float32),
            tf.constant(rate if regularizer == "l1" else 0.0, tf.float32),
            tf.constant(rate if regularizer == "l2" else 0.0, tf.float32),
            *kinds,
        ]

    def _xla_key(self) -> tuple:
        d = self.data
        return (
            *self._structure,
            tuple(w.shape for w in self._weights),
            d.n_train,
            d.n_test,
            self.state.batch_size,
        )

    def _run(self, n: int, wait_for_xla: bool = False) -> bool:
        """Train `n` epochs; True if the XLA-compiled loop did it (see the loop's notes)."""
        compiled = self._choose_loop(wait_for_xla)
        self._train(n, compiled)
        return compiled

    def _choose_loop(self, wait_for_xla: bool = False) -> bool:
        """True when the compiled loop is ready for the current shapes (or, if
        `wait_for_xla`, made ready now); else ask the background thread to compile them."""
        if not self._use_xla:
            return False
        key = self._xla_key()
        if key in _XLA_FAILED or not _xla_allowed(key):
            return False
        if _xla_ready(key):
            return True
        if wait_for_xla:
            return _compile_xla(key, self._compile_job())
        _request_xla(key, self._compile_job)
        return False

    def _compile_job(self) -> Callable[[], Any]:
        """A call of the XLA loop for the current shapes that trains no epoch: it compiles."""
        xla_loop = self._loop_function(xla=True)
        zeros = np.zeros((EPOCHS_PER_CALL, self.data.n_train), np.int32)
        arguments = self._loop_arguments(0, zeros)
        return lambda: xla_loop(*arguments)

    def _train(self, n: int, compiled: bool) -> None:
        size = self.data.n_train
        batch = self.state.batch_size
        playground = self.state.recipe == "playground"
        loop = self._loop_function(xla=compiled)
        done = 0
        while done < n:
            k = min(EPOCHS_PER_CALL, n - done)
            if playground:
                weights, alive, carry, carried, train, test = loop(*self._loop_arguments(k))
                self._dead = [~a.numpy() for a in alive]
                self._carry = tuple(c.numpy() for c in carry)
                self._carried = float(carried.numpy())
                self.steps += k * (size // batch)
            else:
                # Every epoch is a fresh shuffle of the training points (seeded by the start).
                orders = np.zeros((EPOCHS_PER_CALL if compiled else k, size), np.int32)
                orders[:k] = self._rng.permuted(
                    np.tile(np.arange(size, dtype=np.int32), (k, 1)), axis=1
                )
                weights, train, test = loop(*self._loop_arguments(k, orders))
                self.steps += k * (-(-size // batch))
            self._set_weights([w.numpy() for w in weights])
            train, test = train.numpy()[:k], test.numpy()[:k]
            self._train_history.extend(train)
            self._test_history.extend(test)
            self.epoch += k
            self.train_loss = float(train[-1])
            self.test_loss = float(test[-1])
            done += k


def _inputs_changed(old: PlaygroundState, new: PlaygroundState) -> bool:
    """True when the same points give other inputs or targets."""
    return old.features != new.features or old.recipe != new.recipe


_SETTING_WORDS = {
    "batch_size": "batch size",
    "regularization": "regularization",
    "regularization_rate": "regularization rate",
    "activation": "activation",
    "features": "features",
    "layers": "layers",
    "init": "initialization",
    "recipe": "recipe",
}


def _describe(
    old: PlaygroundState,
    new: PlaygroundState,
    new_seed: bool,
    new_points: bool,
    rebuild: bool,
    changed: list[str],
) -> str:
    """The message of a `set_state` (without the pause notice)."""
    network = "rebuilt" if rebuild else "reset"
    if new_points:
        return (
            f"Data changed: new points from a new seed ({new.seed}); the network was "
            f"{network} (epoch 0)."
        )
    if new_seed:
        return f"New seed ({new.seed}): new points; the network was {network} (epoch 0)."
    if rebuild:
        return "Architecture changed: the network was rebuilt (epoch 0)."
    if changed:
        words = ", ".join(_SETTING_WORDS.get(name, name) for name in changed)
        return (
            f"Training settings changed ({words}): the network was reset to its starting "
            "weights (epoch 0), as in TensorFlow Playground."
        )
    live = [name.replace("_", " ") for name in LIVE_SETTINGS
            if getattr(old, name) != getattr(new, name)]  # fmt: skip
    if live:
        return (
            f"Training settings changed ({', '.join(live)}): they apply from the next step; "
            "the weights were kept."
        )
    return ""

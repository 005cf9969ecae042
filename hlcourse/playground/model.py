"""The playground's network: a state's points and inputs, its starting weights, its Keras model.

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

`make_data` gives the points and inputs, `build_model` the Keras model, `model_as_code` the
same model as Keras code, `forward` its pass layer by layer in NumPy (float64, as TFP computes).

Importing this module loads NumPy but not TensorFlow; the first model built loads it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse.playground._js_math import js_sin
from hlcourse.playground.state import PlaygroundState, as_state
from hlcourse.playground.tfp_data import TfpData, TfpRandom, tfp_data, tfp_initial_weights

__all__ = [
    "MODEL_NAME",
    "TOO_LARGE_STDDEV",
    "PlaygroundData",
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

# Integers drawn from the stream to seed Keras's initializers and the keras recipe's shuffles.
_SEED_RANGE = 2**31


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
    state = as_state(state)
    raw = tfp_data(state.seed, state.data_name, state.noise, state.train_share)
    return inputs_of(state, raw)


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


def inputs_of(state: PlaygroundState, raw: TfpData) -> PlaygroundData:
    """The state's inputs and targets of points already made (a change of features or recipe
    keeps the points): float64 for the playground recipe, float32 for the keras recipe."""
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
class Start:
    """A fresh start: the weights ``[kernel, bias, ...]``, the stream after them, and the
    integer seed of Keras's initializers and the keras recipe's shuffles (None when the
    playground recipe draws its weights itself)."""

    weights: tuple[np.ndarray, ...]
    stream: TfpRandom
    keras_seed: int | None


def _layer_sizes(state: PlaygroundState) -> list[int]:
    return [len(state.features), *state.layers, 1]


def _draw_start(state: PlaygroundState, data: PlaygroundData) -> Start:
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
        return Start(weights, stream, None)
    return Start((), stream, int(stream.random() * _SEED_RANGE))


def make_start(state: PlaygroundState, data: PlaygroundData) -> Start:
    """The starting weights the state's seed gives (Keras's initializers when they draw)."""
    start = _draw_start(state, data)
    if start.keras_seed is None:
        return start
    return Start(_keras_weights(state, start.keras_seed), start.stream, start.keras_seed)


def _keras_weights(state: PlaygroundState, seed: int) -> tuple[np.ndarray, ...]:
    """The weights Keras's seeded initializers give for the state's layers (model_as_code's)."""
    dtype = np.float32 if state.recipe == "keras" else np.float64
    out = []
    for k, (n_in, n_out) in enumerate(zip(_layer_sizes(state)[:-1], _layer_sizes(state)[1:],
                                          strict=True)):  # fmt: skip
        kernel_init, bias_init = initializers(state, seed, k)
        out.append(np.asarray(kernel_init((n_in, n_out)), dtype))
        out.append(np.asarray(bias_init((n_out,)), dtype))
    return tuple(out)


def initializers(state: PlaygroundState, seed: int | None, k: int) -> tuple[Any, Any]:
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


def penalty(state: PlaygroundState) -> tuple[str | None, float]:
    """(regularizer, rate): None when off or the rate is 0."""
    if state.regularization == "none" or state.regularization_rate == 0:
        return None, 0.0
    return state.regularization, float(state.regularization_rate)


def keras_penalty(state: PlaygroundState) -> tuple[str, float] | None:
    """The Keras regularizer that steps as the recipe does: (class name, its rate), or None.

    TFP's L2 steps a weight by ``lr * rate * w`` (its penalty is rate * w^2 / 2), Keras's
    ``L2(c)`` by ``lr * 2c * w``: so TFP's rate r is Keras's ``L2(r / 2)``. L1 is the same
    in both (``lr * rate * sign(w)``).
    """
    regularizer, rate = penalty(state)
    if regularizer is None:
        return None
    if regularizer == "l2" and state.recipe == "playground":
        return "L2", rate / 2
    return regularizer.upper(), rate


def penalized_layers(state: PlaygroundState) -> list[int]:
    """Indices of the Dense layers whose kernels carry the penalty."""
    n = len(state.layers) + 1
    return list(range(n)) if state.recipe == "playground" else list(range(n - 1))


MODEL_NAME = "playground"
"""The name of every model `build_model` makes."""


def _output_activation(state: PlaygroundState) -> str:
    if state.problem == "regression":
        return "linear"
    return "tanh" if state.recipe == "playground" else "sigmoid"


def keras_model(state: PlaygroundState, keras_seed: int | None) -> Any:
    """The uncompiled Sequential of the state's network (its initial numbers are Keras's)."""
    import keras

    penalty = keras_penalty(state)
    penalized = penalized_layers(state)
    layers: list[Any] = [keras.Input(shape=(len(state.features),))]
    n_dense = len(state.layers) + 1
    for k in range(n_dense):
        kernel_init, bias_init = initializers(state, keras_seed, k)
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
    state = as_state(state)
    start = make_start(state, make_data(state))
    model = keras_model(state, start.keras_seed)
    model.set_weights([np.asarray(w, np.float32) for w in start.weights])
    return model


def dense_layers(model: Any) -> list:
    """The Dense layers of a playground model, the first hidden layer first, the output last."""
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
    state = as_state(state)
    playground = state.recipe == "playground"
    data = make_data(state)
    start = _draw_start(state, data)
    penalty = keras_penalty(state)
    penalized = penalized_layers(state)
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
    if penalty(state)[0] == "l1":
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


def network_pass(
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
    state = as_state(state)
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
    return network_pass(arrays, state.activation, state.problem, x, state.recipe)


def data_loss(problem: str, y: np.ndarray, out: np.ndarray, recipe: str = "playground") -> float:
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

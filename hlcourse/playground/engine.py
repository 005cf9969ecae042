"""The playground's engine: a real Keras model built from a `PlaygroundState`, trained fast.

Everything the playground's interface calls, without the interface::

    >>> engine = PlaygroundEngine()                   # TensorFlow Playground's defaults
    >>> engine.step()                                 # exactly one epoch
    >>> engine.epoch, engine.train_loss, engine.test_loss
    >>> engine.play(); ...; engine.pause()            # trains in a background thread
    >>> engine.set_state(engine.state.with_changes(layers=(8, 8)))
    'Architecture changed: the network was rebuilt (epoch 0).'
    >>> model = engine.take_model()                   # a copy the learner keeps
    >>> print(model_as_code(engine.state))            # the same network as Keras code

How the playground's settings become Keras:

- the points come from `hlcourse.data` (`make_data`), the inputs are the state's features of
  them (`PlaygroundState.feature_matrix`);
- the model is `hlcourse.models.build_dense_network`: the state's hidden layers and
  activation; one sigmoid unit for classification, one linear unit for regression; an L1 or
  L2 penalty on the hidden layers' kernels (none when the rate is 0); initialization
  ``"default"`` (Glorot uniform), ``"zeros"`` or ``"too_large"`` (each layer's kernel drawn
  from ``keras.initializers.RandomNormal(stddev=TOO_LARGE_STDDEV)``, about 7 times Glorot's
  spread for the default network: tanh and sigmoid units saturate, ReLU outputs explode);
  biases start at 0, as in Keras;
- training is plain SGD (as in TensorFlow Playground) on mini-batches of the state's batch
  size, reshuffled every epoch (seeded by the state's seed), minimizing binary cross-entropy
  (classification) or mean squared error (regression) plus the penalty. The cross-entropy is
  taken on the output unit's logit, as Keras does for a sigmoid output (so a saturated output
  still gets its gradient). The Playground minimizes squared error on a tanh output instead;
  cross-entropy on a sigmoid is what a Keras model for two classes uses. The losses shown
  (`train_loss`, `test_loss`, the history) are the data loss of the whole training and test
  split after each epoch, without the penalty, as the Playground shows them.

Training runs in one compiled ``tf.function`` that trains many epochs per call
(`PlaygroundEngine.run_epochs`), never one ``fit`` per epoch: ``fit`` costs 15-35 ms per call
however small the epoch, more than a whole epoch of this network takes (`make bench` records
both rates as `playground_speed`). The loop computes the
gradients and the SGD update by hand from the Dense layers' kernels and biases (no Keras call,
no optimizer object inside), and is compiled by XLA: 3,000-7,000 epochs per second for the
default network on this machine, against about 19 for one ``fit`` per epoch. The Keras model
gets the trained weights after every call. Learning rate, batch size and regularization are
arguments of that loop, so changing them needs no new model (notes on the loop below).

Importing this module loads NumPy but not TensorFlow; the first model built loads it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse._memory import return_freed_memory
from hlcourse.playground.state import PlaygroundState, _from_argument

__all__ = [
    "MODEL_NAME",
    "TOO_LARGE_STDDEV",
    "PlaygroundData",
    "PlaygroundEngine",
    "build_model",
    "make_data",
    "model_as_code",
]

TOO_LARGE_STDDEV = 4.0
"""Standard deviation of the ``"too_large"`` initialization (Glorot's is about 0.6 here)."""

MAX_EPOCHS_PER_CALL = 100_000
# A play chunk is sized to take about this long, so pause acts quickly and a frame can follow.
CHUNK_SECONDS = 0.025
MAX_CHUNK = 500
# pause() waits this long for the training thread (a chunk takes ~25 ms).
PAUSE_TIMEOUT = 0.5


@dataclass(frozen=True)
class PlaygroundData:
    """The points of a state and the model's inputs made from them.

    Attributes:
        dataset: the `hlcourse.data.Dataset` of raw points, ``x`` of shape ``(n, 2)``.
        x_train, x_test: the state's features of the points, float32, ``(n, n_inputs)``.
        y_train, y_test: targets, float32, ``(n, 1)``: labels 0 / 1 for classification,
            numbers in about [-1, 1] for regression.
    """

    dataset: Any
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
    """The points a state describes (`hlcourse.data`) and the inputs its features make.

    Args:
        state: a `PlaygroundState`, or its configuration string (`PlaygroundState.to_config`).

    Returns:
        A `PlaygroundData`: raw points in ``.dataset``, inputs ``(n, n_inputs)`` and targets
        ``(n, 1)`` for the training and the test split.
    """
    state = _check_state(state)
    from hlcourse import data

    maker = data.make_classification if state.problem == "classification" else data.make_regression
    dataset = maker(**state.data_arguments())
    return _inputs_of(state, dataset)


def _inputs_of(state: PlaygroundState, dataset: Any) -> PlaygroundData:
    def targets(y: np.ndarray) -> np.ndarray:
        return np.asarray(y, np.float32).reshape(-1, 1)

    return PlaygroundData(
        dataset,
        state.feature_matrix(dataset.x_train),
        targets(dataset.y_train),
        state.feature_matrix(dataset.x_test),
        targets(dataset.y_test),
    )


def _penalty(state: PlaygroundState) -> tuple[str | None, float | None]:
    """(regularizer, rate) for build_dense_network: None when off or the rate is 0."""
    if state.regularization == "none" or state.regularization_rate == 0:
        return None, None
    return state.regularization, state.regularization_rate


MODEL_NAME = "playground"
"""The name of every model `build_model` makes."""


def build_model(state: PlaygroundState | str) -> Any:
    """A Keras model of the state's network (uncompiled, fresh weights).

    Built by `hlcourse.models.build_dense_network`: inputs ``(batch, n_inputs)``, hidden layers
    ``hidden_1``, ... with the state's neurons and activation, and one ``output`` unit (sigmoid
    for classification, linear for regression); the L1 / L2 penalty (when the rate is above
    0) on the hidden kernels; kernels initialized as the state's ``init`` says (module
    docstring).

    Args:
        state: a `PlaygroundState`, or its configuration string.

    Returns:
        A ``keras.Sequential`` named ``"playground"`` mapping ``(batch, n_inputs)`` to
        ``(batch, 1)``.
    """
    state = _check_state(state)
    from hlcourse.models import build_dense_network

    regularizer, rate = _penalty(state)
    initializer = {"default": None, "zeros": "zeros", "too_large": _too_large()}[state.init]
    model = build_dense_network(
        state.n_inputs,
        state.layers,
        activation=state.activation,
        output="binary" if state.problem == "classification" else "regression",
        initializer=initializer,
        regularizer=regularizer,
        reg_strength=rate,
        # One name for every model: TensorFlow caches a kernel per variable name for the life
        # of the process, and Keras would name each rebuild anew ("sequential_7/hidden_1/...").
        name=MODEL_NAME,
    )
    if state.init == "too_large":
        # One unseeded initializer object draws the same numbers on every call, so layers of
        # one shape would start alike: give each layer its own (the config is the same).
        for layer in _dense_layers(model):
            layer.kernel_initializer = _too_large()
            layer.kernel.assign(layer.kernel_initializer(layer.kernel.shape))
    return model


def _too_large() -> Any:
    import keras

    return keras.initializers.RandomNormal(stddev=TOO_LARGE_STDDEV)


def _dense_layers(model: Any) -> list:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def model_as_code(state: PlaygroundState | str) -> str:
    """Keras code that builds the same network as `build_model` (and compiles it as trained).

    Args:
        state: a `PlaygroundState`, or its configuration string.

    Returns:
        Python source: ``import keras`` and ``model = keras.Sequential([keras.Input(...),
        keras.layers.Dense(...), ...])`` with the same units, activations, initializers,
        regularizers and layer names, then ``model.compile(...)`` with the state's optimizer
        and loss, and a comment saying how the playground feeds it.
    """
    state = _check_state(state)
    regularizer, rate = _penalty(state)
    init = {
        "default": "",
        "zeros": ', kernel_initializer="zeros"',
        "too_large": (
            f", kernel_initializer=keras.initializers.RandomNormal(stddev={TOO_LARGE_STDDEV!r})"
        ),
    }[state.init]
    penalty = ""
    if regularizer is not None:
        penalty = f", kernel_regularizer=keras.regularizers.{regularizer.upper()}({rate!r})"
    lines = [
        "import keras",
        "",
        f"# Inputs: {', '.join(state.features)} (one column each); "
        f"{state.dataset} data, {state.problem}.",
        "model = keras.Sequential(",
        "    [",
        f"        keras.Input(shape=({state.n_inputs},)),",
    ]
    for i, units in enumerate(state.layers, start=1):
        lines.append(
            f'        keras.layers.Dense({units}, activation="{state.activation}"{init}{penalty}, '
            f'name="hidden_{i}"),'
        )
    out = "sigmoid" if state.problem == "classification" else "linear"
    lines.append(f'        keras.layers.Dense(1, activation="{out}"{init}, name="output"),')
    loss = "binary_crossentropy" if state.problem == "classification" else "mean_squared_error"
    lines += [
        "    ]",
        ")",
        "model.compile(",
        f"    optimizer=keras.optimizers.SGD(learning_rate={state.learning_rate!r}),",
        f'    loss="{loss}",',
        ")",
        f"# The playground trains it like model.fit(x_train, y_train, "
        f"batch_size={state.batch_size}, epochs=...).",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# The model by hand: the forward pass in NumPy (start losses, frames)
# --------------------------------------------------------------------------------------------

_NUMPY_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # = 1 / (1 + e^-z), without overflow
    "linear": lambda z: z,
}


def _forward(
    weights: Sequence[np.ndarray], activation: str, problem: str, x: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The network's pass over inputs `x` from its weights ``[kernel, bias, kernel, ...]``.

    Returns:
        ``[(z, h), ...]``, one pair per Dense layer (hidden layers, then the output):
        pre-activations and outputs, float32 ``(n, units)``. The output layer's h is the
        sigmoid of z for classification, z itself for regression (as the Keras model).
    """
    layers = []
    h = np.asarray(x, np.float32)
    n_layers = len(weights) // 2
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n_layers):
            z = h @ weights[2 * i] + weights[2 * i + 1]
            last = i == n_layers - 1
            name = ("sigmoid" if problem == "classification" else "linear") if last else activation
            h = _NUMPY_ACTIVATIONS[name](z).astype(np.float32, copy=False)
            layers.append((z, h))
    return layers


def _numpy_loss(problem: str, y: np.ndarray, z: np.ndarray) -> float:
    """Mean data loss of output pre-activations `z` against targets `y` (both ``(n, 1)``):
    binary cross-entropy on the logit (classification) or squared error (regression)."""
    z = z.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if problem == "classification":
            # -y log(s(z)) - (1 - y) log(1 - s(z)), written so that no exp overflows.
            terms = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
        else:
            terms = np.square(z - y)
        return float(np.mean(terms))


# --------------------------------------------------------------------------------------------
# The compiled training loop
# --------------------------------------------------------------------------------------------
#
# One function trains `n_epochs` epochs of mini-batch SGD and returns the new weights and the
# losses after each epoch. It is functional (weights in, weights out, no tf.Variable inside),
# so one traced function serves every model with the same number of layers and every engine
# in the process: the activation and the problem are inputs too (a `switch_case` picks the
# same ops a function traced for one of them would run), since every traced function and
# every XLA compilation stays in memory for the life of the process (2-8 MB each, dropping
# the function frees none of it: measured). It runs two ways:
#
# - compiled by XLA (``jit_compile=True``): 10-30 times faster (3,000-7,000 epochs/s for the
#   default network here, 2,000-2,600 while the caller draws 36 frames a second), but XLA
#   compiles once per new combination of shapes (layer sizes, number of points, batch size),
#   which takes 1-4 s;
# - as a plain TensorFlow graph (about 200-300 epochs/s), traced once per structure (0.2-0.7 s).
#
# (Measured, default network, same machine: the Keras model and optimizer inside a graph loop,
# as before, 190-320 epochs/s; the hand-written forward pass, gradients and SGD update in a
# graph loop, about the same: the per-op cost of the graph dominates; the Keras model with
# GradientTape under XLA, about 2,300; the hand-written pass under XLA, 2,500-7,000.)
#
# So training never waits for XLA: until the shapes are compiled the graph runs, while one
# background thread ("hlcourse-playground-xla") compiles them; the next chunk after that runs
# compiled. A long `run_epochs` call (EPOCHS_WORTH_COMPILING or more) compiles first instead.
#
# XLA needs static shapes: a mini-batch is a fixed-width window of `batch` indices into the
# epoch's shuffled order, the ragged last one masked (its gradient is still the mean over its
# real points, as a shorter batch would give), the per-call epochs are rows of a fixed
# (EPOCHS_PER_CALL, n) array of shuffles, and the loops are `while` loops (a `for` over
# tf.range makes its count a compile-time constant: one compilation per count).

EPOCHS_PER_CALL = 512
"""Epochs one call of the compiled loop can train (longer runs take several calls)."""

EPOCHS_WORTH_COMPILING = 200
"""`run_epochs(n)` with n at least this waits for XLA's compilation (1-4 s) rather than run
the uncompiled graph (n / 250 s)."""

MAX_XLA_SHAPES = 6
"""Shapes (layer sizes, numbers of points, batch size) compiled by XLA in one process; others
train with the graph loop. Each compilation stays in memory for the life of the process
(2-8 MB: measured; dropping the function frees none of it), so without a bound a long
session of changes grows by hundreds of MB."""

_LOOPS: dict[tuple, Any] = {}
_LOOPS_LOCK = threading.Lock()
_XLA_LOCK = threading.Condition()
_XLA_READY: set[tuple] = set()
_XLA_FAILED: set[tuple] = set()
_XLA_WANTED: dict[tuple, Callable[[], Any]] = {}
_XLA_BUSY: set[tuple] = set()
_XLA_THREAD: list[threading.Thread] = []
XLA_THREAD_NAME = "hlcourse-playground-xla"


_ACTIVATION_INDEX = {"relu": 0, "tanh": 1, "sigmoid": 2, "linear": 3}
_PROBLEM_INDEX = {"classification": 0, "regression": 1}


def _loop_function(n_layers: int, xla: bool) -> Any:
    """The training loop for `n_layers` Dense layers, traced once per process (see above)."""
    key = (n_layers, xla)
    with _LOOPS_LOCK:
        if key not in _LOOPS:
            _LOOPS[key] = _make_loop(n_layers, xla)
        return _LOOPS[key]


def _make_loop(n_layers: int, xla: bool) -> Any:
    import tensorflow as tf

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
                lambda: tf.cast(h > 0.0, tf.float32),  # TensorFlow's relu'(0) = 0
                lambda: 1.0 - tf.square(h),
                lambda: h * (1.0 - h),
                lambda: tf.ones_like(h),  # multiplying by 1.0 changes nothing
            ],
        )

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
                    if i < n_layers - 1:  # the penalty is on the hidden kernels
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


class _Series:
    """A growing float32 column of per-epoch numbers (8 bytes per epoch for two of them, where
    Python lists of floats take 64). Entries once written never change: a slice handed out
    stays valid (a reset starts a new buffer)."""

    def __init__(self) -> None:
        self._data = np.empty(1024, np.float32)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.empty(max(end, 2 * len(self._data)), np.float32)
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


class PlaygroundEngine:
    """Holds a state, its data and its model, and trains the model: step, play, pause, reset.

    Attributes (read them; change the settings through `set_state`):
        state: the current `PlaygroundState`.
        data: the current `PlaygroundData`.
        model: the Keras model being trained, its weights the trained ones after every call
            (use `take_model` for a copy to keep).
        epoch: epochs trained since the last reset.
        steps: mini-batch updates since the last reset (``ceil(n_train / batch_size)`` per
            epoch).
        train_loss, test_loss: data loss on the training and test split now (before the first
            epoch, of the starting weights).
        history: ``{"train_loss": [...], "test_loss": [...]}``, one float per epoch trained
            (a new list at each reading; stored compactly).
        message: what the last `set_state` did, e.g. ``"Architecture changed: the network was
            rebuilt (epoch 0)."``; ``""`` when nothing needed doing.
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
        """``{"train_loss": [...], "test_loss": [...]}``: the loss after each epoch trained."""
        with self._locked():
            return {
                "train_loss": self._train_history.view().tolist(),
                "test_loss": self._test_history.view().tolist(),
            }

    def __repr__(self) -> str:
        return (
            f"PlaygroundEngine(epoch={self.epoch}, train_loss={self.train_loss:.4f}, "
            f"test_loss={self.test_loss:.4f}, playing={self.playing}, "
            f"state={self.state.to_config()!r})"
        )

    # --- training ---------------------------------------------------------------------------

    def run_epochs(self, n: int = 1) -> dict[str, list[float]]:
        """Train `n` epochs in compiled calls (all mini-batches of each, reshuffled).

        Args:
            n: epochs to train, 1 to 100,000.

        Returns:
            ``{"train_loss": [...], "test_loss": [...]}`` of these `n` epochs (also appended
            to `history`).
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
        """Pause if playing; new starting weights, epoch 0, empty history (same settings)."""
        self.pause()
        with self._locked():
            self._reinitialize()

    def set_state(self, state: PlaygroundState | str) -> str:
        """Move to another state, doing only what the change needs.

        New points (dataset, noise, train share, seed) reset the network; a new architecture
        (features, layers, activation, init, problem) rebuilds it; both pause a playing
        engine. Learning rate, batch size and regularization apply from the next step to the
        same weights, without pausing; display settings change nothing here.

        Args:
            state: a `PlaygroundState` or its configuration string.

        Returns:
            The message saying what was done (also in `message`), e.g. ``"Architecture
            changed: the network was rebuilt (epoch 0)."``; ``""`` when nothing was needed.
        """
        state = _check_state(state)
        old = self.state
        rebuild = old.architecture_changed(state)
        new_data = old.data_changed(state)
        was_playing = self.playing
        if rebuild or new_data:
            self.pause()
        with self._locked():
            self.state = state
            if new_data:
                self.data = make_data(state)
            elif rebuild:  # same points, other features
                self.data = _inputs_of(state, self.data.dataset)
            if new_data or rebuild:
                self._set_data_tensors()
            if rebuild:
                self._rebuild()
            elif new_data:
                self._reinitialize()
            else:
                self._apply_training_settings()
            self.message = self._describe(old, state, rebuild, new_data, was_playing)
        return self.message

    def take_model(self) -> Any:
        """A copy of the model with its current weights, independent of the engine.

        Returns:
            A ``keras.Sequential`` (uncompiled) the learner can keep, train or save.
        """
        import keras

        with self._locked():
            copy = keras.models.clone_model(self.model)
            copy.set_weights(list(self._weights))
        return copy

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
            v._fail("on_chunk", "a function of the engine, or None", on_chunk, error=TypeError)
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
            name="hlcourse-playground",
            daemon=True,
        )
        self._thread.start()

    def pause(self) -> None:
        """Stop the play thread (it finishes its chunk: within about 25 ms) and wait for it."""
        self._stop.set()
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
                while self._waiting and not stop.is_set():  # let a caller in
                    time.sleep(0.0005)
        except BaseException as err:  # kept for the notebook; the thread must end cleanly
            self.error = err
            stop.set()
        finally:  # paused: what training freed goes back to the system (before `pause` returns)
            return_freed_memory()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The lock, taken by a caller: the play thread steps aside between chunks."""
        self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            self._waiting -= 1
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
            )

    # --- internals (called with the lock held) ----------------------------------------------

    def _set_data_tensors(self) -> None:
        tf = self._tf
        d = self.data
        self._data_tensors = tuple(
            tf.constant(a) for a in (d.x_train, d.y_train, d.x_test, d.y_test)
        )

    def _rebuild(self) -> None:
        self.model = build_model(self.state)
        self._variables = [w for layer in _dense_layers(self.model)
                           for w in (layer.kernel, layer.bias)]  # fmt: skip
        self._weights = tuple(np.asarray(w.numpy()) for w in self._variables)
        # The graph loop of this structure, traced now (0.2-0.7 s, once per structure in the
        # process), not in the first chunk of play, so pause always acts fast.
        self._structure = (len(self.state.layers) + 1,)
        self._loop_function(xla=False).get_concrete_function()
        self._apply_training_settings()
        self._start_over()

    def _loop_function(self, xla: bool) -> Any:
        return _loop_function(*self._structure, xla)

    def _reinitialize(self) -> None:
        """Fresh starting weights drawn from each layer's initializer, same model and loop."""
        for layer in _dense_layers(self.model):
            for weight, init in ((layer.kernel, layer.kernel_initializer),
                                 (layer.bias, layer.bias_initializer)):  # fmt: skip
                # A new object of the same config: an unseeded one repeats its numbers.
                fresh = type(init).from_config(init.get_config())
                weight.assign(fresh(weight.shape))
        self._weights = tuple(np.asarray(w.numpy()) for w in self._variables)
        self._start_over()

    def _start_over(self) -> None:
        self.epoch = 0
        self.steps = 0
        self._train_history = _Series()
        self._test_history = _Series()
        self._rng = np.random.default_rng(self.state.seed)
        d, state = self.data, self.state
        z_train = _forward(self._weights, state.activation, state.problem, d.x_train)[-1][0]
        z_test = _forward(self._weights, state.activation, state.problem, d.x_test)[-1][0]
        self.train_loss = _numpy_loss(state.problem, d.y_train, z_train)
        self.test_loss = _numpy_loss(state.problem, d.y_test, z_test)

    def _apply_training_settings(self) -> None:
        import keras

        regularizer, rate = _penalty(self.state)
        # Keep the layers' own regularizers in step, so the model's config (and take_model's
        # copy, and model.losses) says what the engine trains with.
        made = {"l1": keras.regularizers.L1, "l2": keras.regularizers.L2}
        for layer in _dense_layers(self.model)[:-1]:
            penalty = made[regularizer](rate) if regularizer is not None else None
            layer.kernel_regularizer = penalty
            layer.kernel.regularizer = penalty

    def _loop_arguments(self, n_epochs: int, orders: np.ndarray) -> list:
        tf = self._tf
        state = self.state
        regularizer, rate = _penalty(state)
        return [
            [tf.constant(w) for w in self._weights],
            tf.constant(orders),
            *self._data_tensors,
            tf.range(state.batch_size),
            tf.constant(n_epochs, tf.int32),
            tf.constant(state.learning_rate, tf.float32),
            tf.constant(rate if regularizer == "l1" else 0.0, tf.float32),
            tf.constant(rate if regularizer == "l2" else 0.0, tf.float32),
            tf.constant(_ACTIVATION_INDEX[state.activation], tf.int32),
            tf.constant(_PROBLEM_INDEX[state.problem], tf.int32),
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
        loop = self._loop_function(xla=compiled)
        done = 0
        while done < n:
            k = min(EPOCHS_PER_CALL, n - done)
            # Every epoch is a fresh shuffle of the training points (seeded by the state).
            orders = np.zeros((EPOCHS_PER_CALL if compiled else k, size), np.int32)
            orders[:k] = self._rng.permuted(
                np.tile(np.arange(size, dtype=np.int32), (k, 1)), axis=1
            )
            weights, train, test = loop(*self._loop_arguments(k, orders))
            self._weights = tuple(w.numpy() for w in weights)
            for variable, value in zip(self._variables, self._weights, strict=True):
                variable.assign(value)
            train, test = train.numpy()[:k], test.numpy()[:k]
            self._train_history.extend(train)
            self._test_history.extend(test)
            self.epoch += k
            self.steps += k * (-(-size // self.state.batch_size))
            self.train_loss = float(train[-1])
            self.test_loss = float(test[-1])
            done += k

    @staticmethod
    def _describe(
        old: PlaygroundState,
        new: PlaygroundState,
        rebuild: bool,
        new_data: bool,
        was_playing: bool,
    ) -> str:
        paused = " Training paused: press play to go on." if was_playing else ""
        if rebuild and new_data:
            return (
                "Architecture and data changed: new points were made and the network was "
                f"rebuilt (epoch 0).{paused}"
            )
        if rebuild:
            return f"Architecture changed: the network was rebuilt (epoch 0).{paused}"
        if new_data:
            return (
                f"Data changed: new points were made and the network was reset (epoch 0).{paused}"
            )
        changed = [
            name.replace("_", " ")
            for name in ("learning_rate", "batch_size", "regularization", "regularization_rate")
            if getattr(old, name) != getattr(new, name)
        ]
        if changed:
            return (
                f"Training settings changed ({', '.join(changed)}): they apply from the next "
                "step; the weights were kept."
            )
        return ""

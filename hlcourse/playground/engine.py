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
  (classification) or mean squared error (regression) plus the penalty. The Playground
  minimizes squared error on a tanh output instead; cross-entropy on a sigmoid is what a
  Keras model for two classes uses. The losses shown (`train_loss`, `test_loss`, the history)
  are the data loss of the whole training and test split after each epoch, without the
  penalty, as the Playground shows them.

Training runs in one compiled ``tf.function`` that trains many epochs per call
(`PlaygroundEngine.run_epochs`), never one ``fit`` per epoch: ``fit`` costs 15-35 ms per call
(FACTS.md), more than a whole epoch of this network takes here. Learning rate, batch size and
regularization are variables and arguments of that loop, so changing them needs neither a new
model nor a new trace.

Importing this module loads NumPy but not TensorFlow; the first model built loads it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse.playground.state import PlaygroundState

__all__ = [
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
        return PlaygroundState.from_config(value)
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
        A ``keras.Sequential`` mapping ``(batch, n_inputs)`` to ``(batch, 1)``.
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
# The engine
# --------------------------------------------------------------------------------------------


class PlaygroundEngine:
    """Holds a state, its data and its model, and trains the model: step, play, pause, reset.

    Attributes (read them; change the settings through `set_state`):
        state: the current `PlaygroundState`.
        data: the current `PlaygroundData`.
        model: the Keras model being trained (use `take_model` for a copy to keep).
        epoch: epochs trained since the last reset.
        train_loss, test_loss: data loss on the training and test split now (before the first
            epoch, of the starting weights).
        history: ``{"train_loss": [...], "test_loss": [...]}``, one float per epoch trained.
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
        self._chunk = 5
        self._per_epoch = CHUNK_SECONDS / self._chunk
        self.state = state
        self.data = make_data(state)
        self.message = ""
        self.error: BaseException | None = None
        self._l1 = tf.Variable(0.0, trainable=False, dtype=tf.float32)
        self._l2 = tf.Variable(0.0, trainable=False, dtype=tf.float32)
        self._data_tensors: tuple = ()
        self._set_data_tensors()
        self._rebuild()

    # --- public reading -------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """True while the play thread trains."""
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

    def __repr__(self) -> str:
        return (
            f"PlaygroundEngine(epoch={self.epoch}, train_loss={self.train_loss:.4f}, "
            f"test_loss={self.test_loss:.4f}, playing={self.playing}, "
            f"state={self.state.to_config()!r})"
        )

    # --- training ---------------------------------------------------------------------------

    def run_epochs(self, n: int = 1) -> dict[str, list[float]]:
        """Train `n` epochs in one compiled call (all mini-batches of each, reshuffled).

        Args:
            n: epochs to train, 1 to 100,000.

        Returns:
            ``{"train_loss": [...], "test_loss": [...]}`` of these `n` epochs (also appended
            to `history`).
        """
        n = v.check_int("n", n, low=1, high=MAX_EPOCHS_PER_CALL)
        with self._locked():
            return self._run(n)

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
            copy.set_weights(self.model.get_weights())
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
                    start = time.perf_counter()
                    self._run(self._chunk)
                    spent = time.perf_counter() - start
                # A smoothed time per epoch, so one slow chunk (a busy machine) does not
                # shrink the next to a single epoch, whose call overhead would dominate.
                per_epoch = max(spent / self._chunk, 1e-6)
                self._per_epoch = 0.7 * self._per_epoch + 0.3 * per_epoch
                self._chunk = max(1, min(MAX_CHUNK, round(CHUNK_SECONDS / self._per_epoch)))
                if on_chunk is not None:
                    on_chunk(self)
                while self._waiting and not stop.is_set():  # let a caller in
                    time.sleep(0.0005)
        except BaseException as err:  # kept for the notebook; the thread must end cleanly
            self.error = err
            stop.set()

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

    # --- internals (called with the lock held) ----------------------------------------------

    def _set_data_tensors(self) -> None:
        tf = self._tf
        d = self.data
        self._data_tensors = tuple(
            tf.constant(a) for a in (d.x_train, d.y_train, d.x_test, d.y_test)
        )

    def _rebuild(self) -> None:
        import keras

        self.model = build_model(self.state)
        self._optimizer = keras.optimizers.SGD(learning_rate=self.state.learning_rate)
        self._hidden_kernels = [layer.kernel for layer in _dense_layers(self.model)[:-1]]
        self._optimizer.build(self.model.trainable_variables)
        self._loop = self._compile_loop()
        # Trace now (0.2-1 s), not in the first chunk of play, so pause always acts fast.
        self._loop.get_concrete_function()
        self._apply_training_settings()
        self._start_over()

    def _reinitialize(self) -> None:
        """Fresh starting weights drawn from each layer's initializer, same model and loop."""
        for layer in _dense_layers(self.model):
            for weight, init in ((layer.kernel, layer.kernel_initializer),
                                 (layer.bias, layer.bias_initializer)):  # fmt: skip
                # A new object of the same config: an unseeded one repeats its numbers.
                fresh = type(init).from_config(init.get_config())
                weight.assign(fresh(weight.shape))
        self._optimizer.iterations.assign(0)
        self._start_over()

    def _start_over(self) -> None:
        self.epoch = 0
        self.history: dict[str, list[float]] = {"train_loss": [], "test_loss": []}
        self._rng = np.random.default_rng(self.state.seed)
        x_train, y_train, x_test, y_test = self._data_tensors
        self.train_loss = float(self._data_loss(y_train, self.model(x_train)))
        self.test_loss = float(self._data_loss(y_test, self.model(x_test)))

    def _apply_training_settings(self) -> None:
        import keras

        state = self.state
        self._optimizer.learning_rate.assign(state.learning_rate)
        regularizer, rate = _penalty(state)
        self._l1.assign(rate if regularizer == "l1" else 0.0)
        self._l2.assign(rate if regularizer == "l2" else 0.0)
        # Keep the layers' own regularizers in step, so the model's config (and take_model's
        # copy, and model.losses) says what the engine trains with.
        made = {"l1": keras.regularizers.L1, "l2": keras.regularizers.L2}
        for layer in _dense_layers(self.model)[:-1]:
            penalty = made[regularizer](rate) if regularizer is not None else None
            layer.kernel_regularizer = penalty
            layer.kernel.regularizer = penalty

    def _data_loss(self, y: Any, pred: Any) -> Any:
        tf = self._tf
        if self.state.problem == "classification":
            p = tf.clip_by_value(pred, 1e-7, 1.0 - 1e-7)
            return -tf.reduce_mean(y * tf.math.log(p) + (1.0 - y) * tf.math.log(1.0 - p))
        return tf.reduce_mean(tf.square(pred - y))

    def _compile_loop(self) -> Callable:
        tf = self._tf
        model, optimizer = self.model, self._optimizer
        variables = list(model.trainable_variables)
        kernels = self._hidden_kernels
        l1, l2 = self._l1, self._l2
        data_loss = self._data_loss

        def penalty():
            total = tf.constant(0.0)
            for kernel in kernels:
                total += l1 * tf.reduce_sum(tf.abs(kernel)) + l2 * tf.reduce_sum(tf.square(kernel))
            return total

        def one_step(xb, yb):
            with tf.GradientTape() as tape:
                value = data_loss(yb, model(xb, training=True)) + penalty()
            grads = tape.gradient(value, variables)
            optimizer.apply_gradients(zip(grads, variables, strict=True))

        n_inputs = self.state.n_inputs
        points = tf.TensorSpec([None, n_inputs], tf.float32)
        targets = tf.TensorSpec([None, 1], tf.float32)

        @tf.function(
            input_signature=[
                points, targets, points, targets,
                tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([], tf.int32),
            ]
        )  # fmt: skip
        def run(x_train, y_train, x_test, y_test, orders, batch):
            n = tf.shape(x_train)[0]
            n_epochs = tf.shape(orders)[0]
            n_batches = (n + batch - 1) // batch
            train_column = tf.TensorArray(tf.float32, size=n_epochs)
            test_column = tf.TensorArray(tf.float32, size=n_epochs)
            for epoch in tf.range(n_epochs):
                for b in tf.range(n_batches):
                    start = b * batch
                    index = orders[epoch, start : tf.minimum(start + batch, n)]
                    one_step(tf.gather(x_train, index), tf.gather(y_train, index))
                train_column = train_column.write(epoch, data_loss(y_train, model(x_train)))
                test_column = test_column.write(epoch, data_loss(y_test, model(x_test)))
            return train_column.stack(), test_column.stack()

        return run

    def _run(self, n: int) -> dict[str, list[float]]:
        tf = self._tf
        x_train = self._data_tensors[0]
        size = int(x_train.shape[0])
        orders = np.stack([self._rng.permutation(size) for _ in range(n)]).astype(np.int32)
        train, test = self._loop(
            *self._data_tensors, tf.constant(orders), tf.constant(self.state.batch_size)
        )
        result = {"train_loss": train.numpy().tolist(), "test_loss": test.numpy().tolist()}
        self.history["train_loss"].extend(result["train_loss"])
        self.history["test_loss"].extend(result["test_loss"])
        self.epoch += n
        self.train_loss = result["train_loss"][-1]
        self.test_loss = result["test_loss"][-1]
        return result

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

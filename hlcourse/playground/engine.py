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

The network itself (points, inputs, starting weights, the Keras model, the two recipes) is
`hlcourse.playground.model`'s; the training loops are `hlcourse.playground.loop`'s, compiled
by XLA in the background by `hlcourse.playground.compiler`.

The losses shown (`train_loss`, `test_loss`, `history`) are the data loss of the whole
training and test split, without the penalty: the mean of 1/2 (output - target)^2 for the
playground recipe (as TFP shows it), binary cross-entropy or mean squared error for the keras
recipe. The history starts with the starting weights' loss (epoch 0).

Training runs in one compiled ``tf.function`` that trains many epochs per call
(`PlaygroundEngine.run_epochs`), never one ``fit`` per epoch: ``fit`` costs 15-35 ms per call
however small the epoch, more than a whole epoch of this network takes (`make bench` records
both rates as `playground_speed`). The Keras model gets the trained weights after every call.

One module because it is one class, `PlaygroundEngine`, whose methods share one lock and the
fields it guards (the weights, the losses and their history, the play thread's hand-off, the
state): every method that reads or writes them takes that lock, and only with all of them in
one place can a reader check that none forgets it. What does not touch those fields already
lives elsewhere: the network in `hlcourse.playground.model`, the loops in
`hlcourse.playground.loop`, the compiling in `hlcourse.playground.compiler`.

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
from hlcourse.playground.compiler import XLA_COMPILER
from hlcourse.playground.loop import (
    ACTIVATION_INDEX,
    EPOCHS_PER_CALL,
    EPOCHS_WORTH_COMPILING,
    PROBLEM_INDEX,
    REGULARIZATION_INDEX,
    loop_function,
)
from hlcourse.playground.model import (
    MODEL_NAME,
    TOO_LARGE_STDDEV,
    PlaygroundData,
    Start,
    build_model,
    data_loss,
    dense_layers,
    forward,
    initializers,
    inputs_of,
    keras_model,
    keras_penalty,
    make_data,
    make_start,
    model_as_code,
    network_pass,
    penalized_layers,
    penalty,
)
from hlcourse.playground.state import LIVE_SETTINGS, RESET_SETTINGS, PlaygroundState, as_state

# The model's names stay importable from here, where they were first defined.
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

MAX_EPOCHS_PER_CALL = 100_000
# A play chunk is sized to take about this long, so pause acts quickly and a frame can follow.
CHUNK_SECONDS = 0.025
MAX_CHUNK = 500
# pause() waits this long for the training thread (a chunk takes ~25 ms).
PAUSE_TIMEOUT = 0.5
PLAY_THREAD_NAME = "hlcourse-playground"
"""Name of the thread `PlaygroundEngine.play` trains in (tests look for leftovers by it)."""

# The settings a Keras model is built from: a change needs a new model, not only new weights.
_MODEL_SETTINGS = ("features", "layers", "activation", "problem", "recipe", "init")


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
class Snapshot:
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
        state = PlaygroundState() if state is None else as_state(state)
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
        self._pace: dict[tuple, float] = {}  # seconds per epoch, by loop and shapes (locked)
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
        state = as_state(state)
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
                self.data = inputs_of(state, self.data.dataset)
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
                    # Smoothed, so one slow chunk (a busy machine) does not shrink the next to
                    # a single epoch, whose call overhead would dominate. Written under the
                    # lock: a thread still ending after a pause may overlap the next play's.
                    smoothed = measured if pace is None else 0.7 * pace + 0.3 * measured
                    self._pace[pace_key] = smoothed
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

    def snapshot(self) -> Snapshot:
        """The numbers of this moment (for `hlcourse.playground.frames`), under the lock."""
        with self._locked():
            return Snapshot(
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
        start = make_start(self.state, self.data)
        self.model = keras_model(self.state, start.keras_seed)
        self._variables = [w for layer in dense_layers(self.model)
                           for w in (layer.kernel, layer.bias)]  # fmt: skip
        # The graph loop of this structure, traced now (0.2-0.7 s, once per structure in the
        # process), not in the first chunk of play, so pause always acts fast.
        self._structure = (self.state.recipe, len(self.state.layers) + 1)
        self._loop_function(xla=False).get_concrete_function()
        self._begin(start)

    def _loop_function(self, xla: bool) -> Any:
        return loop_function(*self._structure, xla)

    def _fresh_start(self) -> None:
        """The starting weights the state's seed gives, in the same model; epoch 0."""
        self._begin(make_start(self.state, self.data))

    def _begin(self, start: Start) -> None:
        state = self.state
        self._set_weights(start.weights)
        self._stream = start.stream
        # The model's configuration says what the engine starts and trains with (take_model's
        # copy and model_as_code agree with it).
        penalty = keras_penalty(state)
        penalized = penalized_layers(state)
        import keras

        for k, layer in enumerate(dense_layers(self.model)):
            layer.kernel_initializer, layer.bias_initializer = initializers(
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
            out = network_pass(self._weights, state.activation, state.problem, x, recipe)[-1][which]
            setattr(self, f"{split}_loss", data_loss(state.problem, y, out, recipe))

    def _set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """New current weights, copied into the Keras model too."""
        self._weights = tuple(weights)
        for variable, value in zip(self._variables, self._weights, strict=True):
            variable.assign(np.asarray(value, np.float32))

    def _loop_arguments(self, n_epochs: int, orders: np.ndarray | None = None) -> list:
        tf = self._tf
        state = self.state
        regularizer, rate = penalty(state)
        common = [*self._data_tensors, tf.range(state.batch_size), tf.constant(n_epochs, tf.int32)]
        kinds = [
            tf.constant(ACTIVATION_INDEX[state.activation], tf.int32),
            tf.constant(PROBLEM_INDEX[state.problem], tf.int32),
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
                tf.constant(REGULARIZATION_INDEX[regularizer], tf.int32),
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
        compiler = XLA_COMPILER
        if compiler.failed(key) or not compiler.allowed(key):
            return False
        if compiler.ready(key):
            return True
        if wait_for_xla:
            return compiler.compile(key, self._compile_job())
        compiler.request(key, self._compile_job)
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

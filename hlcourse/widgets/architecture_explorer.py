"""Depth and width, hands on: train a network of any shape on a 2-D data set (lesson 04).

Pick a data set, the number of hidden layers (depth), the neurons in each (width), their
activation, Adam's learning rate and the number of epochs. A network of that shape is trained
on the data set and the picture has two panels:

- left: the network's probability of class 1 over the plane (orange = class 0, blue =
  class 1, the black line is its decision boundary), with the training points (filled) and
  the test points (hollow), as `hlcourse.plots.plot_decision_map` draws it;
- right: the loss per epoch, training solid and test dashed (`hlcourse.plots.plot_history`),
  on an epoch axis that spans the whole run, so the curves grow across it while training.

Feedback comes in three steps. The moment a control changes, `.status` names the new
network and its parameter count (worked out by formula, before any model exists). While the
network trains, the picture is redrawn after every sixth of the epochs, so the boundary can be
seen forming (once 1.5 s have passed, at most once a second, so these pictures cannot hold up
the finished one for long). The finished picture and its caption follow.

Training runs in a background thread, all epochs of a chunk in one compiled TensorFlow loop
(`hlcourse.training.train_fast`, full batch: one Adam step per epoch), so the notebook stays
responsive. The loop is the one `train_fast(..., shared_loop=True)` shares between networks of
every width and up to 6 hidden layers: a network of a new shape costs no tracing, and no
memory kept for good (a loop of its own would cost 0.3-1 s of tracing and about 1 MB). Every
change starts a new "generation"; training for an older one stops at its next chunk and is
never drawn, so only the newest setting reaches the picture.

Speed: the status line changes within a millisecond of a change. The first network with up
to 2 hidden layers, and the first with 3 to 6, wait for the shared loop to be traced (once
per process, 1-2.5 s); other networks train at once (250 full-batch epochs of 2 x 8 units in
about 0.1 s), and drawing a picture, mostly the ticks and text of two panels, takes most of
the rest (tools/bench_soak.py and the bench's widget latencies time it). Full batch was
chosen over mini-batches of 32: on the spiral (2 x 8 relu, learning rate 0.03, 300 epochs,
seeds 0-4) it reached the same test accuracy (0.64-0.78 against 0.63-0.76) in half the time.
"""

from __future__ import annotations

import html
import time
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import data, plots, render
from hlcourse.widgets._background import BackgroundWorker, TrainsInBackground

__all__ = [
    "ACTIVATIONS",
    "EPOCH_CHOICES",
    "LEARNING_RATES",
    "ArchitectureExplorer",
    "architecture_explorer",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
"""Adam's step sizes the "Learning rate" slider offers."""
EPOCH_CHOICES = (50, 100, 200, 300, 500, 1000)
"""Training lengths the "Epochs" slider offers (full batch: one Adam step per epoch)."""
MAX_LAYERS = 6
MAX_NEURONS = 64
N_SAMPLES = 400
NOISE = 0.1
INPUTS = 2  # the data sets are points in the plane
# Pictures per run: up to FRAMES - 1 drawn while training (after every 1/FRAMES of the
# epochs), then the finished one. Each costs far more than the epochs between them (a picture
# 0.2-0.45 s, 50 epochs of 2 x 8 units 0.02 s, as the bench measures them). So that
# pictures drawn while training cannot push the finished one far beyond 3 s when tracing is
# slow or the machine busy, after SOFT_DEADLINE seconds a picture is drawn only if the last
# one is FRAME_GAP seconds old: a long run still shows its progress about once a second. The
# first chunk is always drawn.
FRAMES = 6
SOFT_DEADLINE = 1.5
FRAME_GAP = 1.0
FIGURE_SIZE = (9.6, 3.9)  # inches, at 80 dots per inch: 768 x 312 pixels
DPI = 80
THREAD_NAME = "hlc-architecture-explorer"
# Every model (and seed generator) the explorer builds has this name. TensorFlow caches a kernel
# for each variable name it creates, for the life of the process, and Keras' own names are new
# for every model ("sequential_7/hidden_1/kernel"): with one name they repeat, and the cache
# grows only with new shapes (measured: 0.2 MB less for every model built).
MODEL_NAME = "architecture_explorer"


class ArchitectureExplorer(TrainsInBackground, widgets.VBox):
    """The architecture explorer: six controls, a status line, the picture and its caption.

    Attributes:
        dataset, hidden_layers, neurons, activation, learning_rate, epochs: the controls (set
            `.value` to drive them from code; `hidden_layers` is the main control).
        status: what the explorer is doing (`status.value`, HTML text): at once after a change
            "training 2 × 8 relu (105 parameters)…", then "… epoch 150/300", then "done: 2 × 8
            relu (105 parameters), 300 epochs in 1.9 s (0.7 s of it training)".
        image: the two-panel picture as PNG bytes (`image.value`).
        caption: the picture in words, e.g. "spiral · 2 hidden layers × 8 relu neurons · 105
            parameters · train accuracy 0.77, test accuracy 0.64 after 300 epochs ..."
        last_result: numbers behind the finished picture: ``train_accuracy``,
            ``test_accuracy``, ``parameters``, ``epochs_done`` and ``seconds`` (time spent
            training, tracing the compiled loop included, drawing excluded).
        history: the finished network's training history, ``{"loss": [...], "accuracy":
            [...], "val_loss": [...], "val_accuracy": [...]}`` (validation = the test points).
        model: the network shown now (a Keras model).
        timings: one ``(setting, seconds to first feedback, seconds to final picture)`` per
            setting that reached the picture (superseded settings are not listed); `setting`
            is a dict of the six control values, both times count from the change.
        errors: exceptions raised by the background training (empty when all went well).
        seed: seed of the data and of the starting weights, fixed when the explorer was built.
    """

    def __init__(
        self,
        dataset: str,
        hidden_layers: int,
        neurons: int,
        activation: str,
        learning_rate: float,
        epochs: int,
        seed: int,
    ):
        from hlcourse import models, training  # Keras/TensorFlow load here, in the main thread

        self._models, self._training = models, training
        self.seed = seed
        label_style = {"description_width": "initial"}
        self.dataset = widgets.Dropdown(
            options=list(data.CLASSIFICATION_SETS), value=dataset, description="Data set",
            style=label_style,
        )  # fmt: skip
        self.hidden_layers = widgets.IntSlider(
            value=hidden_layers, min=0, max=MAX_LAYERS, step=1, description="Hidden layers",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.hidden_layers.add_class("hlc-main-control")
        self.neurons = widgets.IntSlider(
            value=neurons, min=1, max=MAX_NEURONS, step=1, description="Neurons per layer",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.activation = widgets.Dropdown(
            options=list(ACTIVATIONS), value=activation, description="Activation",
            style=label_style,
        )  # fmt: skip
        self.learning_rate = widgets.SelectionSlider(
            options=[(f"{rate:g}", rate) for rate in LEARNING_RATES], value=learning_rate,
            description="Learning rate", continuous_update=False, style=label_style,
        )  # fmt: skip
        self.epochs = widgets.SelectionSlider(
            options=[(str(n), n) for n in EPOCH_CHOICES], value=epochs, description="Epochs",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.status = widgets.HTML()
        width = f"{round(FIGURE_SIZE[0] * DPI)}px"
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=width))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.last_result: dict[str, Any] = {}
        self.history: dict[str, list[float]] = {}
        self.model: Any = None
        self.timings: list[tuple[dict[str, Any], float, float]] = []

        self._datasets: dict[str, data.Dataset] = {}
        # Each request carries (setting, time of the change, seconds to first feedback).
        self._background = BackgroundWorker(
            self._work, show=self._show, fail=self._fail, name=THREAD_NAME
        )

        controls = (
            self.dataset, self.hidden_layers, self.neurons, self.activation,
            self.learning_rate, self.epochs,
        )  # fmt: skip
        for control in controls:
            control.observe(self._request, names="value")
        super().__init__(
            [
                widgets.HBox([self.dataset, self.hidden_layers, self.neurons]),
                widgets.HBox([self.activation, self.learning_rate, self.epochs]),
                self.status,
                self.image,
                self.caption,
            ]
        )
        self._first_picture(self._request)  # there before the widget is shown

    # --- the background work ------------------------------------------------------------

    def _setting(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset.value,
            "hidden_layers": self.hidden_layers.value,
            "neurons": self.neurons.value,
            "activation": self.activation.value,
            "learning_rate": self.learning_rate.value,
            "epochs": self.epochs.value,
        }

    def _request(self, _change: Any = None) -> None:
        """A control changed: say what will be trained, at once, and start a new generation.

        The status line and its parameter count are set here, in the observer, before any
        model is built, so the learner gets an answer within milliseconds of the change.
        """
        changed = time.perf_counter()
        setting = self._setting()
        layers, neurons = setting["hidden_layers"], setting["neurons"]
        with self._background.lock:
            self.status.value = _training_words(layers, neurons, setting["activation"])
            self._background.request((setting, changed, time.perf_counter() - changed))

    def _work(self, generation: int, request: tuple[dict[str, Any], float, float]) -> Any:
        """Train and draw one setting (in the worker's thread); None once it is stale."""
        setting, changed, _feedback = request
        return self._train_and_draw(generation, setting, changed)

    def _show(self, _generation: int, request: tuple, outcome: Any) -> None:
        setting, changed, feedback = request
        self.model, self.history, self.last_result = outcome[:3]
        self.image.value, self.caption.value = outcome[3:]
        total = time.perf_counter() - changed
        name = _short_name(setting["hidden_layers"], setting["neurons"], setting["activation"])
        self.status.value = (
            f"done: {name} ({self.last_result['parameters']:,} parameters), "
            f"{setting['epochs']} epochs in {total:.1f} s "
            f"({self.last_result['seconds']:.1f} s of it training)"
        )
        self.timings.append((dict(setting), feedback, total))

    def _fail(self, _generation: int, _request: tuple, error: BaseException) -> None:
        text = html.escape(f"{type(error).__name__}: {error}")
        self.status.value = f"training failed: {text}"

    def _is_stale(self, generation: int) -> bool:
        return self._background.is_stale(generation)

    def _put(self, picture: tuple[bytes, str]) -> None:
        self.image.value, self.caption.value = picture

    def _dataset(self, name: str) -> data.Dataset:
        if name not in self._datasets:  # fixed per data set: only the network changes
            self._datasets[name] = data.make_classification(
                name, N_SAMPLES, noise=NOISE, seed=self.seed
            )
        return self._datasets[name]

    def _train_and_draw(self, generation: int, setting: dict[str, Any], changed: float):
        """(model, history, result, png, caption) for one setting, or None once it is stale.

        Pictures drawn while training go straight to `.image` and `.caption` (if the setting
        is still the newest); the finished one is returned. `changed` is the
        `time.perf_counter()` of the change that asked for this setting.
        """
        import keras

        dataset = self._dataset(setting["dataset"])
        layers, neurons, activation = (
            setting["hidden_layers"], setting["neurons"], setting["activation"]
        )  # fmt: skip
        epochs = setting["epochs"]
        # A seeded initializer, not keras.utils.set_random_seed: the global seed is shared
        # state this thread must not touch. A SeedGenerator (rather than an int seed) gives
        # every layer its own starting weights (an int seed would give the 2nd to 6th hidden
        # layers, all n x n, the same matrix), still fixed by the seed alone.
        model = self._models.build_dense_network(
            INPUTS,
            [neurons] * layers,
            activation=activation,
            output="binary",
            initializer=keras.initializers.GlorotUniform(
                seed=keras.random.SeedGenerator(self.seed, name=MODEL_NAME + "_seed")
            ),
            name=MODEL_NAME,
        )
        drawing = [0.0]  # seconds spent drawing while training, not counted as training time
        last_picture = [changed]

        def progress(done: int, history: dict[str, list[float]]) -> None:
            words = _training_words(layers, neurons, activation)
            if not self._background.publish(
                generation, lambda: setattr(self.status, "value", f"{words} epoch {done}/{epochs}")
            ):
                return
            if done >= epochs:
                return  # the finished picture is drawn below
            started = time.perf_counter()
            if started - changed >= SOFT_DEADLINE and started - last_picture[0] < FRAME_GAP:
                return  # late already: save the time for the finished picture
            picture = _draw(model, dataset, history, setting, done, _accuracies(model, dataset))
            last_picture[0] = time.perf_counter()
            drawing[0] += last_picture[0] - started
            self._background.publish(generation, lambda: self._put(picture))

        started = time.perf_counter()
        history = self._training.train_fast(
            model,
            dataset.x_train,
            dataset.y_train,
            epochs=epochs,
            learning_rate=setting["learning_rate"],
            validation_data=(dataset.x_test, dataset.y_test),
            seed=self.seed,
            chunk=-(-epochs // FRAMES),
            should_stop=lambda: self._is_stale(generation),
            on_progress=progress,
            shared_loop=True,  # one compiled loop for every shape: no tracing per change
        )
        seconds = time.perf_counter() - started - drawing[0]
        if self._is_stale(generation):
            return None
        train_accuracy, test_accuracy = _accuracies(model, dataset)
        result = {
            "train_accuracy": train_accuracy,
            "test_accuracy": test_accuracy,
            "parameters": int(model.count_params()),
            "epochs_done": len(history["loss"]),
            "seconds": seconds,
        }
        png, caption = _draw(
            model, dataset, history, setting, epochs, (train_accuracy, test_accuracy)
        )
        return model, history, result, png, caption


# --- words and numbers ----------------------------------------------------------------------


def _parameter_count(hidden_layers: int, neurons: int, inputs: int = INPUTS) -> int:
    """Weights and biases of ``inputs -> [neurons] * hidden_layers -> 1``, without a model.

    Each Dense layer has (units in) x (units out) weights plus one bias per unit out.
    """
    if hidden_layers == 0:
        return inputs + 1
    first = (inputs + 1) * neurons
    middle = (hidden_layers - 1) * (neurons + 1) * neurons
    return first + middle + neurons + 1


def _short_name(hidden_layers: int, neurons: int, activation: str) -> str:
    """``"2 × 8 relu"``, or ``"no hidden layer"``."""
    if hidden_layers == 0:
        return "no hidden layer"
    return f"{hidden_layers} × {neurons} {activation}"


def _training_words(hidden_layers: int, neurons: int, activation: str) -> str:
    """``"training 2 × 8 relu (105 parameters)…"``: the status line as soon as a control moves."""
    name = _short_name(hidden_layers, neurons, activation)
    if hidden_layers == 0:
        name = "a network with no hidden layer"
    return f"training {name} ({_parameter_count(hidden_layers, neurons):,} parameters)…"


def _long_name(hidden_layers: int, neurons: int, activation: str) -> str:
    """``"2 hidden layers × 8 relu neurons"``, saying when the boundary must stay straight."""
    if hidden_layers == 0:
        return "no hidden layer (a straight boundary)"
    layers = "layer" if hidden_layers == 1 else "layers"
    units = "neuron" if neurons == 1 else "neurons"
    words = f"{hidden_layers} hidden {layers} × {neurons} {activation} {units}"
    if activation == "linear":  # linear layers compose to one linear map
        words += " (linear units: still a straight boundary)"
    return words


def _accuracies(model: Any, dataset: data.Dataset) -> tuple[float, float]:
    """Share of training and of test points on the right side of the boundary."""
    scores = []
    for x, y in ((dataset.x_train, dataset.y_train), (dataset.x_test, dataset.y_test)):
        p = np.asarray(model(x, training=False))[:, 0]
        scores.append(float(np.mean((p > 0.5) == (y == 1))))
    return scores[0], scores[1]


def _draw(
    model: Any,
    dataset: data.Dataset,
    history: dict[str, list[float]],
    setting: dict[str, Any],
    done: int,
    accuracies: tuple[float, float],
) -> tuple[bytes, str]:
    """The two-panel picture (PNG bytes) after `done` epochs, and its caption."""
    from matplotlib.ticker import MaxNLocator

    layers, neurons, activation = (
        setting["hidden_layers"], setting["neurons"], setting["activation"]
    )  # fmt: skip
    epochs = setting["epochs"]
    figure = render.new_figure(*FIGURE_SIZE, dpi=DPI)
    map_ax = figure.add_axes((0.075, 0.13, 0.31, 0.76))
    loss_ax = figure.add_axes((0.625, 0.13, 0.355, 0.76))
    # No colour bar (it costs a fifth of every redraw): the title and caption say what the
    # shading means, and the boundary line and the markers carry it without colour.
    plots.plot_decision_map(
        model, dataset, map_ax, colorbar=False, title="P(class 1): orange 0 → blue 1"
    )
    map_ax.set_aspect("equal", adjustable="box")  # the square grid fills the square box
    map_ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    plots.plot_history(history, loss_ax)
    for line in loss_ax.get_lines():  # the validation data are the held-out test points
        if line.get_label() == "validation":
            line.set_label("test")
    loss_ax.legend(fontsize=8, framealpha=0.8, loc="best")
    loss_ax.set_xlim(0, epochs)  # the whole run, so the curves grow across it while training
    highest = max(max(history["loss"]), max(history["val_loss"]))
    loss_ax.set_ylim(0, 1.08 * highest if np.isfinite(highest) and highest > 0 else 1.0)
    loss_ax.set(ylabel="loss (binary cross-entropy)")
    loss_ax.set_title(
        f"{_short_name(layers, neurons, activation)}: loss after {done} of {epochs} epochs",
        fontsize=10,
    )
    for ax in (map_ax, loss_ax):  # fewer ticks: drawing tick labels is most of a redraw
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))
    png = render.figure_to_png(figure)

    train_accuracy, test_accuracy = accuracies
    if done >= epochs:
        when = f"after {done} epochs"
    else:
        when = f"after {done} of {epochs} epochs, still training"
    caption = (
        f"{dataset.name} · {_long_name(layers, neurons, activation)} · "
        f"{_parameter_count(layers, neurons):,} parameters · train accuracy "
        f"{train_accuracy:.2f}, test accuracy {test_accuracy:.2f} {when} "
        f"(Adam, learning rate {setting['learning_rate']:g}). Left: the network's probability "
        "of class 1 over the plane, orange where it says class 0, blue where it says class 1, "
        "with its boundary as a black line; training points filled, test points hollow. "
        f"Right: the loss per epoch, training solid ({history['loss'][-1]:.3f} now) and test "
        f"dashed ({history['val_loss'][-1]:.3f} now)."
    )
    return png, caption


def architecture_explorer(
    dataset: str = "spiral",
    *,
    hidden_layers: int = 2,
    neurons: int = 8,
    activation: str = "relu",
    learning_rate: float = 0.03,
    epochs: int = 300,
    seed: int = 0,
) -> ArchitectureExplorer:
    """Build the architecture explorer (display it as a cell's last expression).

    It trains a network ``2 inputs -> hidden_layers x neurons -> 1 sigmoid output`` on a 2-D
    data set (`hlcourse.data.make_classification`, 400 points, noise 0.1, a quarter held out
    for testing) with full-batch Adam, and shows its decision map and loss curves, redrawn
    while it trains. The first picture is drawn before this returns; later changes train in
    the background (call ``.wait()`` to block until the picture is current).

    Args:
        dataset: the data set, one of `hlcourse.data.CLASSIFICATION_SETS`.
        hidden_layers: starting depth, 0 (no hidden layer: a straight boundary) to 6.
        neurons: starting width, neurons in every hidden layer, 1 to 64.
        activation: the hidden neurons' activation, ``"relu"``, ``"tanh"``, ``"sigmoid"``
            or ``"linear"``.
        learning_rate: Adam's step size, one of 0.001, 0.003, 0.01, 0.03, 0.1, 0.3.
        epochs: full-batch Adam steps, one of 50, 100, 200, 300, 500, 1000.
        seed: seed of the data and of the starting weights, 0 to 9,999.

    Returns:
        An `ArchitectureExplorer` (an `ipywidgets.VBox`).
    """
    dataset = v.check_choice("dataset", dataset, data.CLASSIFICATION_SETS)
    hidden_layers = v.check_int("hidden_layers", hidden_layers, low=0, high=MAX_LAYERS)
    neurons = v.check_int("neurons", neurons, low=1, high=MAX_NEURONS)
    activation = v.check_choice("activation", activation, ACTIVATIONS)
    learning_rate = v.check_step("learning_rate", learning_rate, LEARNING_RATES)
    epochs = int(v.check_step("epochs", epochs, EPOCH_CHOICES))
    seed = v.check_int("seed", seed, low=0, high=9999)
    return ArchitectureExplorer(
        dataset, hidden_layers, neurons, activation, learning_rate, epochs, seed
    )

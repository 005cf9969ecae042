"""Universal approximation, by hand: fit a 1-D curve with one hidden layer of N units.

Drag the "Hidden units" slider and a network with that many units in its one hidden layer is
trained on a noisy curve. The picture shows the data, the true curve (dashed), the network's
fit (solid) and, faintly, each hidden unit's share of the output, ``w_out_i * h_i(x)``: the fit
is nothing but the sum of those bent pieces (plus a bias), and more pieces can follow a curve
more closely.

Training runs in a background thread so the notebook stays responsive. Every change starts a
new "generation"; training for an older one stops at its next progress report and is never
drawn, so only the newest setting reaches the picture.
"""

from __future__ import annotations

import html
import math
import time
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import data, palette, render
from hlcourse.widgets._background import BackgroundWorker, TrainsInBackground

__all__ = ["ACTIVATIONS", "WidthExplorer", "width_explorer"]

ACTIVATIONS = ("tanh", "relu", "sigmoid")
MAX_WIDTH = 64
# Adam's step size per activation, full batch, from a sweep over seeds 0-4 and widths 1-64.
# 400 epochs on "sine" gave training MSEs of: tanh 0.058-0.082 with 1 unit, 0.003-0.005 with
# 16; relu 0.16-0.17 / 0.002-0.021; sigmoid 0.053-0.080 / 0.002-0.005. Sigmoid units pass on
# at most a quarter of the gradient (their slope is at most 1/4), so they get a larger step.
LEARNING_RATES = {"tanh": 0.02, "relu": 0.02, "sigmoid": 0.1}
N_SAMPLES = 200
NOISE = 0.05
# Every model the explorer builds has this name. TensorFlow caches a kernel for each variable
# name it creates, for the life of the process, and Keras' own names are new for every model
# ("sequential_7/hidden_1/kernel"): with one name they repeat (measured: the soak of 500 changes
# grew by 27 MB with Keras' names).
MODEL_NAME = "width_explorer"
PIECE_COLOR = palette.GREEN
FIT_COLOR = palette.BLUE


class WidthExplorer(TrainsInBackground, widgets.VBox):
    """The width explorer: a "Hidden units" slider, curve and activation menus, the picture.

    Attributes:
        width, curve, activation: the controls (set `.value` to drive them from code).
        status: what the background training is doing (`status.value`, HTML text).
        image: the picture as PNG bytes (`image.value`).
        caption: the picture in words, e.g. "width 8 (25 parameters): training error (MSE)
            0.012. ..." (`caption.value`).
        last_mse: the training error (mean squared error) of the network shown now.
        history: its training history, ``{"loss": [...]}`` (one value per epoch).
        model: the network shown now (a Keras model).
        errors: exceptions raised by the background training (empty when all went well).
        epochs, seed: training settings fixed when the explorer was built.
    """

    def __init__(self, curve: str, width: int, activation: str, epochs: int, seed: int):
        from hlcourse import models, training  # Keras/TensorFlow load here, in the main thread

        self._models, self._training = models, training
        self.epochs = epochs
        self.seed = seed
        label_style = {"description_width": "initial"}
        self.width = widgets.IntSlider(
            value=width, min=1, max=MAX_WIDTH, step=1, description="Hidden units",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.width.add_class("hlc-main-control")
        self.curve = widgets.Dropdown(
            options=list(data.CURVES), value=curve, description="Curve", style=label_style
        )
        self.activation = widgets.Dropdown(
            options=list(ACTIVATIONS), value=activation, description="Activation",
            style=label_style,
        )  # fmt: skip
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="520px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.last_mse: float = math.nan
        self.history: dict[str, list[float]] = {}
        self.model: Any = None

        self._datasets: dict[str, data.Dataset] = {}
        self._background = BackgroundWorker(
            self._work,
            show=self._show,
            fail=self._fail,
            name="hlc-width-explorer",
        )

        for control in (self.width, self.curve, self.activation):
            control.observe(self._request, names="value")
        super().__init__(
            [
                widgets.HBox([self.width, self.curve, self.activation]),
                self.status,
                self.image,
                self.caption,
            ]
        )
        self._first_picture(self._request)  # there before the widget is shown

    # --- the background work ------------------------------------------------------------

    def _request(self, _change: Any = None) -> None:
        """A control changed: start a new generation (the worker drops any older one)."""
        settings = (self.curve.value, self.width.value, self.activation.value)
        with self._background.lock:
            self._background.request(settings)
            self.status.value = "training…"

    def _work(self, generation: int, settings: tuple) -> tuple[Any, float]:
        """(what `_train_and_draw` made, when it started): run in the worker's thread."""
        started = time.perf_counter()
        return self._train_and_draw(generation, *settings), started

    def _show(self, _generation: int, _settings: tuple, outcome: tuple[Any, float]) -> None:
        (model, history, mse, png, caption), started = outcome
        self.model, self.history, self.last_mse = model, history, mse
        self.image.value, self.caption.value = png, caption
        seconds = time.perf_counter() - started
        self.status.value = f"done: {self.epochs} epochs in {seconds:.1f} s"

    def _fail(self, _generation: int, _settings: tuple, error: BaseException) -> None:
        text = html.escape(f"{type(error).__name__}: {error}")
        self.status.value = f"training failed: {text}"

    def _is_stale(self, generation: int) -> bool:
        return self._background.is_stale(generation)

    def _report(self, generation: int, epochs_done: int, _history: dict) -> None:
        def update() -> None:
            self.status.value = f"training… epoch {epochs_done}/{self.epochs}"

        self._background.publish(generation, update)

    def _dataset(self, curve: str) -> data.Dataset:
        if curve not in self._datasets:
            self._datasets[curve] = data.make_curve(curve, N_SAMPLES, noise=NOISE, seed=self.seed)
        return self._datasets[curve]

    def _train_and_draw(self, generation: int, curve: str, width: int, activation: str):
        """(model, history, mse, png, caption) for one setting, or None once it is stale."""
        import keras

        dataset = self._dataset(curve)
        # A seeded initializer, not keras.utils.set_random_seed: the global seed is shared
        # state this thread must not touch, and a seeded initializer makes the starting weights
        # depend on the seed alone.
        model = self._models.build_dense_network(
            1,
            (width,),
            activation=activation,
            output="regression",
            initializer=keras.initializers.GlorotUniform(seed=self.seed),
            name=MODEL_NAME,
        )
        history = self._training.train_fast(
            model,
            dataset.x_train,
            dataset.y_train,
            epochs=self.epochs,
            learning_rate=LEARNING_RATES[
                activation
            ],  # the loss: mean squared error (linear output)
            seed=self.seed,
            should_stop=lambda: self._is_stale(generation),
            on_progress=lambda done, h: self._report(generation, done, h),
            shared_loop=True,  # one compiled loop for every width: no tracing per change
        )
        if self._is_stale(generation):
            return None
        pieces_train, bias = _pieces(model, dataset.x_train)
        mse = float(np.mean((pieces_train.sum(axis=1) + bias - dataset.y_train) ** 2))
        png = _draw(model, dataset, curve, width, activation)
        n_params = 3 * width + 1  # width weights in, width biases, width weights out, 1 bias
        pieces = "piece" if width == 1 else "pieces"
        caption = (
            f"width {width} ({n_params} parameters): training error (MSE) {mse:.3f}. "
            f"The solid line, the network's fit, adds up {width} faint {pieces} (one per "
            f"hidden {activation} unit) and a bias; the dashed line is the true {curve} "
            f"curve, the dots the {len(dataset.x_train)} noisy training points."
        )
        return model, history, mse, png, caption


def _pieces(model: Any, x: np.ndarray) -> tuple[np.ndarray, float]:
    """Each hidden unit's share of the output at `x` (shape ``(n, width)``), and the bias."""
    hidden = model.get_layer("hidden_1")(x.astype(np.float32), training=False)
    out = model.get_layer("output")
    weights = np.asarray(out.kernel.numpy(), dtype=np.float64)[:, 0]
    return np.asarray(hidden, dtype=np.float64) * weights, float(out.bias.numpy()[0])


def _draw(model: Any, dataset: data.Dataset, curve: str, width: int, activation: str) -> bytes:
    from matplotlib.collections import LineCollection

    x_line = np.linspace(-1.0, 1.0, 241)
    pieces, bias = _pieces(model, x_line[:, None])
    fit = pieces.sum(axis=1) + bias
    truth = data.curve_values(curve, x_line)

    figure = render.new_figure(6.5, 3.9)
    figure.subplots_adjust(left=0.1, right=0.7, bottom=0.13, top=0.9)
    ax = figure.add_subplot()
    segments = np.stack([np.broadcast_to(x_line, pieces.T.shape), pieces.T], axis=-1)
    ax.add_collection(LineCollection(segments, colors=PIECE_COLOR, linewidths=0.9, alpha=0.35))
    ax.plot([], [], color=PIECE_COLOR, alpha=0.5, label="one unit's share\n(w_out · h(x))")
    ax.scatter(
        dataset.x_train[:, 0], dataset.y_train, s=9, color="0.35", alpha=0.6,
        edgecolors="none", label="training data",
    )  # fmt: skip
    ax.plot(
        x_line, truth, color="black", linestyle="--", linewidth=1.4, label=f"true curve ({curve})"
    )
    ax.plot(x_line, fit, color=FIT_COLOR, linewidth=2.4, label="network's fit (sum)")
    low = min(float(dataset.y_train.min()), float(fit.min()), float(truth.min()))
    high = max(float(dataset.y_train.max()), float(fit.max()), float(truth.max()))
    pad = 0.15 * (high - low) + 1e-3
    ax.set(xlim=(-1.05, 1.05), ylim=(low - pad, high + pad), xlabel="x", ylabel="y")
    units = "unit" if width == 1 else "units"
    ax.set_title(f"{width} hidden {activation} {units}", fontsize=11)
    ax.grid(alpha=0.25)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
    return render.figure_to_png(figure)


def width_explorer(
    curve: str = "sine",
    *,
    width: int = 4,
    activation: str = "tanh",
    epochs: int = 400,
    seed: int = 0,
) -> WidthExplorer:
    """Build the width explorer (display it as a cell's last expression).

    It fits a noisy 1-D curve (`hlcourse.data.make_curve`, 200 points, noise 0.05) with a
    network of one hidden layer and shows the fit as a sum of one bent piece per hidden unit.
    The first picture is drawn before this returns; later changes train in the background
    (call ``.wait()`` to block until the picture is current).

    Args:
        curve: the curve to fit, one of `hlcourse.data.CURVES`.
        width: starting number of hidden units, 1 to 64 (the slider's range).
        activation: the hidden units' activation, ``"tanh"``, ``"relu"`` or ``"sigmoid"``.
        epochs: full-batch Adam steps per fit, 1 to 10,000 (learning rate 0.02; 0.1 for
            sigmoid units, whose gradients are smaller).
        seed: seed of the data and of the starting weights, 0 to 9,999.

    Returns:
        A `WidthExplorer` (an `ipywidgets.VBox`).
    """
    curve = v.check_choice("curve", curve, data.CURVES)
    width = v.check_int("width", width, low=1, high=MAX_WIDTH)
    activation = v.check_choice("activation", activation, ACTIVATIONS)
    epochs = v.check_int("epochs", epochs, low=1, high=10_000)
    seed = v.check_int("seed", seed, low=0, high=9999)
    return WidthExplorer(curve, width, activation, epochs, seed)

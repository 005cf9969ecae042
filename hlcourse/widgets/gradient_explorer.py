"""Gradient flow at initialization: how depth, activation, initializer and batch norm set the
size of every layer's gradient.

Pick the number of hidden layers, their activation, the initializer of every Dense layer's
weights, and whether batch normalization sits in each hidden layer. The picture shows the L2
norm of the loss's gradient with respect to every layer's kernel, on one batch of the spiral
data set and before any training (`hlcourse.diagnostics.gradient_norms`, drawn by
`hlcourse.plots.plot_gradient_norms` on a log scale); the caption gives the first
hidden layer's gradient norm over the output layer's.

A change builds a network and takes one batch's gradients: no training, yet longer than a
redraw should block the notebook, so it runs in a background thread
(`_background.BackgroundWorker`): a newer change drops an older one, and only the newest
setting reaches the picture.
"""

from __future__ import annotations

import math
import time
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import data, initialization, plots, render
from hlcourse.widgets._background import PictureExplorer

__all__ = ["GradientExplorer", "gradient_explorer"]

MIN_DEPTH, MAX_DEPTH = 1, 16
ACTIVATIONS = ("sigmoid", "tanh", "relu")
BATCH = 256  # the batch the gradients are taken on, as in the lesson's vanishing-gradient cell
DATASET = "spiral"
MODEL_NAME = "gradient_explorer"
# The y axis spans at least this range, so that ordinary settings share one frame and a bar's
# height can be compared from one setting to the next.
Y_RANGE = (1e-6, 10.0)


class GradientExplorer(PictureExplorer):
    """The gradient explorer: depth, activation, initializer and batch norm; the picture.

    Attributes:
        depth, activation, initializer, batch_norm: the controls (set `.value` to drive them;
            call `.wait()` before reading the picture).
        status: what the background work is doing (`status.value`, HTML text).
        image: the bar chart of gradient norms as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`).
        norms: the `hlcourse.diagnostics.GradientNorms` shown now.
        ratio: the first hidden layer's kernel gradient norm over the output layer's, shown now.
        errors: exceptions raised by the background work (empty when all went well).
        width, seed: units per hidden layer and the seed of the batch and the weights, fixed
            when the explorer was built.
    """

    WORKING, FAILED = "computing", "computing failed"

    def __init__(
        self, depth: int, activation: str, initializer: str, batch_norm: bool, width: int,
        seed: int,
    ):  # fmt: skip
        # Keras loads here, in the main thread, not in the worker, nor on importing the widgets.
        from hlcourse import diagnostics

        self._gradient_norms = diagnostics.gradient_norms

        self.width, self.seed = width, seed
        spiral = data.make_classification(DATASET, 2 * BATCH, seed=seed, test_fraction=0.5)
        self._x, self._y = spiral.x_train[:BATCH], spiral.y_train[:BATCH]
        label_style = {"description_width": "initial"}
        self.depth = widgets.IntSlider(
            value=depth, min=MIN_DEPTH, max=MAX_DEPTH, step=1, description="Hidden layers",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.depth.add_class("hlc-main-control")
        self.activation = widgets.Dropdown(
            options=list(ACTIVATIONS), value=activation, description="Activation",
            style=label_style,
        )  # fmt: skip
        self.initializer = widgets.Dropdown(
            options=list(initialization.INITIALIZERS), value=initializer,
            description="Initializer", style=label_style,
        )  # fmt: skip
        self.batch_norm = widgets.Checkbox(
            value=batch_norm, description="Batch norm in every hidden layer", indent=False
        )
        self.norms: Any = None
        self.ratio = math.nan
        self._assemble(
            [[self.depth, self.activation], [self.initializer, self.batch_norm]],
            image_width="800px",
            thread_name="hlc-gradient-explorer",
        )

    def _settings(self) -> tuple:
        return (
            self.depth.value, self.activation.value, self.initializer.value,
            bool(self.batch_norm.value),
        )  # fmt: skip

    def _work(self, generation: int, settings: tuple) -> tuple | None:
        """(norms, ratio, PNG bytes, caption, seconds) for one setting, run in the worker's
        thread; None once a newer setting has arrived."""
        started = time.perf_counter()
        model = _build_network(*settings, width=self.width, seed=self.seed)
        if self._background.is_stale(generation):
            return None
        norms = self._gradient_norms(model, self._x, self._y)
        if self._background.is_stale(generation):
            return None
        ratio = _first_over_output(norms)
        return (
            norms,
            ratio,
            _draw(norms, settings),
            _caption(norms, ratio, settings),
            (time.perf_counter() - started),
        )

    def _show(self, _generation: int, _settings: tuple, outcome: tuple) -> None:
        self.norms, self.ratio, self.image.value, self.caption.value, seconds = outcome
        self.status.value = f"done in {seconds:.2f} s"


def _build_network(
    depth: int, activation: str, initializer: str, batch_norm: bool, *, width: int, seed: int
) -> Any:
    """The network the explorer shows for one setting (2 inputs, one sigmoid output)."""
    import keras

    from hlcourse import models

    class_name, config = initialization.INITIALIZERS[initializer]
    # A seeded initializer, not keras.utils.set_random_seed: the global seed is shared state
    # this thread must not touch. A SeedGenerator (rather than an int seed) gives every layer
    # its own starting weights (an int seed would give the hidden layers of one shape the same
    # matrix), still fixed by the seed alone.
    made = getattr(keras.initializers, class_name)(
        **config, seed=keras.random.SeedGenerator(seed, name=MODEL_NAME + "_seed")
    )
    return models.build_dense_network(
        2, (width,) * depth, activation=activation, initializer=made, batch_norm=batch_norm,
        name=MODEL_NAME,
    )  # fmt: skip


def _kernel_norms(norms: Any) -> list[float]:
    """The kernel gradient norms of a `GradientNorms`, first hidden layer first, output last
    (batch normalization's scale and shift left out, as `plot_gradient_norms` does)."""
    return [row.kernel_norm for row in norms.rows if row.weight == "kernel"]


def _first_over_output(norms: Any) -> float:
    """The first hidden layer's kernel gradient norm over the output layer's (nan if the
    output layer's is 0 or either is not finite)."""
    values = _kernel_norms(norms)
    first, last = values[0], values[-1]
    if not (math.isfinite(first) and math.isfinite(last)) or last <= 0:
        return math.nan
    return first / last


def _draw(norms: Any, settings: tuple) -> bytes:
    figure = render.new_figure(10.0, 4.2, dpi=72)
    figure.subplots_adjust(left=0.1, right=0.98, bottom=0.2, top=0.9)
    ax = figure.subplots()
    plots.plot_gradient_norms(norms, ax)
    ax.get_legend().remove()  # one network, named in the title
    drawn = [x for x in _kernel_norms(norms) if 0 < x < math.inf]
    if drawn:
        ax.set_ylim(min(Y_RANGE[0], min(drawn) / 3), max(Y_RANGE[1], max(drawn) * 3))
    ax.set_title(f"Kernel gradient norms at initialization: {_label(settings)}", fontsize=10)
    return render.figure_to_png(figure)


def _label(settings: tuple) -> str:
    depth, activation, initializer, batch_norm = settings
    norm = " + batch norm" if batch_norm else ""
    layers = "hidden layer" if depth == 1 else "hidden layers"
    return f"{depth} {layers}, {activation}{norm}, {initializer}"


def _fold(factor: float) -> str:
    """A factor in words, two significant digits: "30", "4,500", "1.2 · 10⁷"."""
    exponent = math.floor(math.log10(factor))
    if exponent < 6:
        return f"{float(f'{factor:.2g}'):,.0f}" if factor >= 10 else f"{factor:.2g}"
    superscript = str(exponent).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    return f"{factor / 10**exponent:.2g} · 10{superscript}"


def _caption(norms: Any, ratio: float, settings: tuple) -> str:
    values = _kernel_norms(norms)
    first, last = values[0], values[-1]
    text = (
        f"{_label(settings)}: the first hidden layer's gradient norm is {first:.2g}, the output "
        f"layer's {last:.2g}"
    )
    if not np.isfinite(values).all():
        return text + "; some gradients are beyond float32's range."
    if first == 0:
        return text + "; the first layer's gradient is exactly 0: it would not learn at all."
    if not math.isfinite(ratio):
        return text + "."
    text += f", a ratio of {ratio:.2g}. "
    if ratio < 0.1:
        text += f"The gradient fades {_fold(1 / ratio)}-fold from the output to the first layer."
    elif ratio > 10:
        text += f"The gradient grows {_fold(ratio)}-fold from the output to the first layer."
    else:
        text += (
            "The gradient keeps its size within a factor of 10 from the output to the first layer."
        )
    return text


def gradient_explorer(
    depth: int = 8,
    activation: str = "sigmoid",
    initializer: str = "glorot_uniform",
    *,
    batch_norm: bool = False,
    width: int = 16,
    seed: int = 0,
) -> GradientExplorer:
    """Build the gradient explorer (display it as a cell's last expression).

    It builds a network of `depth` hidden Dense layers on the 2-D spiral data set (see
    `hlcourse.models.build_dense_network`) and shows the L2 norm of the loss's gradient for
    every layer's kernel on one batch of 256 points, before any training (see
    `hlcourse.diagnostics.gradient_norms`). Keras loads on the first call (a few seconds). The
    first picture is drawn before this returns; later changes are computed in the background
    (call ``.wait()`` to block until the picture is current).

    Args:
        depth: the starting number of hidden layers, 1 to 16 (the slider's range).
        activation: the starting activation of the hidden layers: "sigmoid", "tanh" or "relu".
        initializer: the starting initializer of every layer's kernel, a name of
            `hlcourse.initialization.INITIALIZERS`.
        batch_norm: start with batch normalization in every hidden layer.
        width: units per hidden layer, 2 to 128.
        seed: seed of the batch and the weights, 0 to 9,999.

    Returns:
        A `GradientExplorer` (an `ipywidgets.VBox`).
    """
    depth = v.check_int("depth", depth, low=MIN_DEPTH, high=MAX_DEPTH)
    activation = v.check_choice("activation", activation, ACTIVATIONS)
    initializer = v.check_choice("initializer", initializer, initialization.INITIALIZERS)
    batch_norm = v.check_bool("batch_norm", batch_norm)
    width = v.check_int("width", width, low=2, high=128)
    seed = v.check_int("seed", seed, low=0, high=9999)
    return GradientExplorer(depth, activation, initializer, batch_norm, width, seed)

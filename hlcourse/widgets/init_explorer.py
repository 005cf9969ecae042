"""Initialization, layer by layer: how the starting weights set the spread of the signal.

Pick the depth of a stack of Dense layers, the initializer of their weights, their activation
and a gain (a factor on every weight). The picture shows, for standardized inputs and no
training at all:

- left: a histogram of every layer's outputs, layer 1 on top, on one shared axis;
- right: the spread (standard deviation) of every layer's pre-activations z, measured (solid)
  and as the variance argument predicts it from the layer below, fan_in · Var(w) · E[h²]
  (dashed), on a log scale.

The numbers are those of `hlcourse.initialization.layer_activations` (the kernels are drawn
once per initializer and kept). A change is a forward pass and a drawing of up to 20
histograms, which can take longer than a redraw should block the notebook, so it runs in a
background thread (`_background.BackgroundWorker`): a newer change drops an older one, and only
the newest setting reaches the picture.
"""

from __future__ import annotations

import time
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import initialization, plots, render
from hlcourse.widgets._background import PictureExplorer

__all__ = ["InitExplorer", "init_explorer"]

MIN_DEPTH, MAX_DEPTH = 2, 20
GAIN_MIN, GAIN_MAX = 0.1, 10.0  # the gain slider's range, on a log scale
GAIN_STEP = 0.05  # in log10: 10 ** -0.15 = 0.708 is on the slider, close to 1 / sqrt(2)
SAMPLES = 128
BINS = 40
# A tanh or sigmoid output counts as saturated where the slope is below 0.05, the threshold of
# `hlcourse.activations`: tanh' = 1 - h², sigmoid' = h (1 - h).
SATURATED_SLOPE = 0.05


class InitExplorer(PictureExplorer):
    """The initialization explorer: depth, initializer, activation and gain; the picture.

    Attributes:
        depth, initializer, activation, gain: the controls (set `.value` to drive them; call
            `.wait()` before reading the picture).
        status: what the background work is doing (`status.value`, HTML text).
        image: the two-panel picture as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`).
        spreads: the `hlcourse.initialization.LayerSpreads` shown now.
        errors: exceptions raised by the background work (empty when all went well).
        width, seed: the stack's width and the seed of its inputs and weights, fixed when the
            explorer was built.
    """

    def __init__(
        self, depth: int, initializer: str, activation: str, gain: float, width: int, seed: int
    ):
        import keras  # noqa: F401  (Keras loads here, in the main thread, not in the worker)

        self.width, self.seed = width, seed
        label_style = {"description_width": "initial"}
        self.depth = widgets.IntSlider(
            value=depth, min=MIN_DEPTH, max=MAX_DEPTH, step=1, description="Layers",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.depth.add_class("hlc-main-control")
        self.initializer = widgets.Dropdown(
            options=list(initialization.INITIALIZERS), value=initializer,
            description="Initializer", style=label_style,
        )  # fmt: skip
        self.activation = widgets.Dropdown(
            options=list(initialization.ACTIVATIONS), value=activation,
            description="Activation", style=label_style,
        )  # fmt: skip
        self.gain = widgets.FloatLogSlider(
            value=gain, base=10, min=np.log10(GAIN_MIN), max=np.log10(GAIN_MAX),
            step=GAIN_STEP, description="Gain (× every weight)", readout_format=".3g",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.spreads: Any = None
        self._assemble(
            [[self.depth, self.initializer], [self.activation, self.gain]],
            image_width="900px",
            thread_name="hlc-init-explorer",
        )

    def _settings(self) -> tuple:
        return (
            self.depth.value, self.initializer.value, self.activation.value,
            float(self.gain.value),
        )  # fmt: skip

    def _work(self, generation: int, settings: tuple) -> tuple | None:
        """(spreads, PNG bytes, caption, seconds) for one setting, run in the worker's thread;
        None once a newer setting has arrived."""
        started = time.perf_counter()
        depth, initializer, activation, gain = settings
        spreads = initialization.layer_activations(
            depth, self.width, initializer, activation, gain=gain, n_samples=SAMPLES,
            seed=self.seed,
        )  # fmt: skip
        if self._background.is_stale(generation):
            return None
        return spreads, _draw(spreads), _caption(spreads), time.perf_counter() - started

    def _show(self, _generation: int, _settings: tuple, outcome: tuple) -> None:
        self.spreads, self.image.value, self.caption.value, seconds = outcome
        self.status.value = f"done in {seconds:.2f} s"


def _draw(spreads: Any) -> bytes:
    figure = render.new_figure(11.0, 4.2, dpi=72)
    figure.subplots_adjust(left=0.14, right=0.98, bottom=0.13, top=0.9, wspace=0.25)
    left, right = figure.subplots(1, 2)
    if np.isfinite(spreads.out_std).any():
        plots.plot_layer_histograms(spreads, left, bins=BINS)
    else:  # every output overflowed: nothing to draw a histogram of
        left.text(0.5, 0.5, "every output is beyond float32's range", ha="center",
                  transform=left.transAxes)  # fmt: skip
    plots.plot_layer_spreads(spreads, right)
    right.set_title(f"Spread of z: {spreads.label}", fontsize=10, y=1.0)
    return render.figure_to_png(figure)


def _caption(spreads: Any) -> str:
    first, last = spreads.pre_std[0], spreads.pre_std[-1]
    depth = spreads.depth
    if np.isfinite(first) and np.isfinite(last) and first > 0 and last > 0:
        factor = (last / first) ** (1 / (depth - 1))
        trend = f"each layer multiplies it by {factor:.3g} on average"
    else:
        trend = "it overflows"
    ratio = spreads.predicted_std / spreads.pre_std
    worst = float(np.nanmax(np.abs(ratio - 1))) if np.isfinite(ratio).any() else float("nan")
    text = (
        f"{spreads.label}, {depth} layers of {spreads.width} units (weights' std "
        f"{spreads.weight_std:.3g}): the spread of z is {first:.3g} in layer 1 and {last:.3g} in "
        f"layer {depth}; {trend}. The variance argument, fan_in · Var(w) · E[h²], predicts every "
        f"layer's spread from the layer below within {worst:.0%}."
    )
    h = spreads.outputs[-1]
    if spreads.activation == "relu":
        text += f" In layer {depth}, {np.mean(h == 0):.0%} of the outputs are exactly 0."
    elif spreads.activation in ("tanh", "sigmoid"):
        slope = 1 - np.square(h) if spreads.activation == "tanh" else h * (1 - h)
        text += (
            f" In layer {depth}, {np.mean(slope < SATURATED_SLOPE):.0%} of the outputs are "
            f"saturated (slope below {SATURATED_SLOPE})."
        )
    return text


def init_explorer(
    depth: int = 10,
    initializer: str = "RandomNormal(0.05)",
    activation: str = "tanh",
    *,
    gain: float = 1.0,
    width: int = 256,
    seed: int = 0,
) -> InitExplorer:
    """Build the initialization explorer (display it as a cell's last expression).

    It pushes 128 standardized inputs through a stack of Dense layers at initialization (see
    `hlcourse.initialization.layer_activations`) and shows every layer's outputs and spread.
    Keras loads on the first call (a few seconds). The first picture is drawn before this
    returns; later changes draw in the background (call ``.wait()`` to block until the
    picture is current).

    Args:
        depth: the starting number of layers, 2 to 20 (the slider's range).
        initializer: the starting initializer, a name of `hlcourse.initialization.INITIALIZERS`.
        activation: the starting activation, one of `hlcourse.initialization.ACTIVATIONS`.
        gain: the starting factor on every weight, 0.1 to 10 (the slider's range).
        width: units per layer (and inputs), 2 to 512.
        seed: seed of the inputs and the weights, 0 to 9,999.

    Returns:
        An `InitExplorer` (an `ipywidgets.VBox`).
    """
    depth = v.check_int("depth", depth, low=MIN_DEPTH, high=MAX_DEPTH)
    initializer = v.check_choice("initializer", initializer, initialization.INITIALIZERS)
    activation = v.check_choice("activation", activation, initialization.ACTIVATIONS)
    gain = v.check_number("gain", gain, low=GAIN_MIN, high=GAIN_MAX)
    width = v.check_int("width", width, low=2, high=512)
    seed = v.check_int("seed", seed, low=0, high=9999)
    return InitExplorer(depth, initializer, activation, gain, width, seed)

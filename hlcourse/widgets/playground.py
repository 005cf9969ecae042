"""The playground's interface (lesson 12): TensorFlow Playground inside JupyterLab, on real Keras.

`playground()` returns a `Playground` (an ``ipywidgets.VBox``) on a
`hlcourse.playground.PlaygroundEngine`. Everything TensorFlow Playground shows is there:

- the data: a thumbnail per dataset of the problem type (classification: circle, xor, gauss,
  spiral; regression: plane, multi-gaussian), noise 0-50 %, the training share 10-90 %, the
  batch size 1-30 and "Regenerate" (the next seed);
- the input features x1, x2, x1², x2², x1·x2, sin x1, sin x2, each a toggle with its own map;
- the network: "+" / "−" for hidden layers (0-6) and, above each layer, for its neurons
  (1-8); activation, learning rate, regularization and its rate, problem type and (beyond the
  Playground) the initialization;
- training: play / pause (one toggle button, the main control), step (exactly one epoch),
  reset, the epoch counter (``Epoch 000,123``), training and test loss and a loss chart;
- every neuron's output over the plane as a small heatmap, in a network diagram whose lines
  show each weight: blue solid for positive, orange dashed for negative (not colour alone),
  wider for larger ``|w|``, and fading out below ``|w| = FADE_WEIGHT`` (0.1) to almost
  nothing at 0, so the connections L1 regularization drives to (almost) zero all but vanish;
- the output's map (the main picture) with "Show test data" and "Discretize output";
- a diagnostics strip: lesson 08's per-layer statistics and the problems its rules flag;
- the configuration string to copy, and a box to paste one and apply it (a bad one is refused
  with a message, the playground unchanged); "Show as code" (Keras code that builds the same
  network) and "Take the model" (a copy of the trained Keras model in ``.model``).

How it works: every control maps to a new `PlaygroundState` (``state.with_changes(...)`` and
friends) handed to ``engine.set_state``, whose message is shown in `status`; controls are
disabled where the next value would be invalid (no seventh layer, no ninth neuron, no network
without inputs), so invalid states cannot be reached. Play starts the engine's training thread
(``engine.play(on_chunk=...)``); the callback only marks the view stale, and a second thread
(`VIEW_THREAD_NAME`) draws the newest frame (`hlcourse.playground.make_frame`: colour lookups
and PNG encoding, no matplotlib) at most `MAX_REFRESH_PER_SECOND` times a second (less
often on a machine so busy that a refresh takes longer, `DRAW_SHARE`), so neither training nor
the kernel waits for pictures. Pause returns within half a second, then draws the last
epoch. Changing the architecture or the data while playing pauses (the engine does it and says
so). One playground trains at a time: building or playing one pauses the others of the kernel
(a cell run again must not leave its old playground training unseen). `Playground.close`
pauses and leaves no thread behind.
"""

from __future__ import annotations

import base64
import collections
import functools
import html
import io
import math
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse.playground.engine import PlaygroundEngine, make_data, model_as_code
from hlcourse.playground.frames import PLANE_EXTENT, Frame, colorize, make_frame, to_png
from hlcourse.playground.state import (
    ACTIVATIONS,
    CLASSIFICATION_DATASETS,
    FEATURE_LABELS,
    FEATURES,
    INITS,
    LEARNING_RATES,
    LIMITS,
    MAX_LAYERS,
    MAX_NEURONS,
    PROBLEMS,
    REGRESSION_DATASETS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    PlaygroundState,
    _from_argument,
)

__all__ = [
    "DRAW_SHARE",
    "ENGINE_THREAD_NAME",
    "MAX_REFRESH_PER_SECOND",
    "VIEW_THREAD_NAME",
    "Playground",
    "epoch_text",
    "playground",
]

MAX_REFRESH_PER_SECOND = 25
"""Pictures drawn per second at most while playing (the training runs on in between)."""
DRAW_SHARE = 1.2
"""While playing, a refresh starts at least this many times the last one's duration after the
last one began: on a busy machine the view draws less often rather than all the time. (Here, 2
cores: the default network's refresh takes 25-35 ms while training, so about 24 frames a
second; a share of 3 gave 11 frames a second and no more epochs.)"""
VIEW_THREAD_NAME = "hlc-playground-view"
"""Name of the thread that draws frames while playing (tests look for leftovers by it)."""
ENGINE_THREAD_NAME = "hlcourse-playground"
"""Name of the engine's training thread (`PlaygroundEngine.play`)."""

DATASET_LABELS = {
    "circle": "Circle",
    "xor": "XOR",
    "gauss": "Gauss",
    "spiral": "Spiral",
    "plane": "Plane",
    "multi-gaussian": "Bumps",
}
# What each data set of `hlcourse.data` holds (class 0 is drawn orange and round, class 1 blue
# and square; tests/test_playground_widget.py checks each sentence against the data).
DATASET_TOOLTIPS = {
    "circle": "Circle: class 0 in the middle, class 1 in a ring around it",
    "xor": "XOR: class 1 where x1 and x2 have opposite signs, class 0 where they share one",
    "gauss": "Gauss: two clouds of points, class 0 lower left, class 1 upper right",
    "spiral": "Spiral: two arms winding round each other, one per class",
    "plane": "Plane: the target rises linearly from the lower left to the upper right",
    "multi-gaussian": (
        "Multi-Gaussian: four bumps, positive at the lower left and upper right, negative at "
        "the other two corners"
    ),
}
ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}
REGULARIZATION_LABELS = {"none": "None", "l1": "L1", "l2": "L2"}
PROBLEM_LABELS = {"classification": "Classification", "regression": "Regression"}
INIT_LABELS = {"default": "Default (Glorot)", "zeros": "All zeros", "too_large": "Too large"}

THUMBNAIL = 56  # pixels per side of a dataset's thumbnail
BUTTON_WIDTH = "64px"  # a dataset button, its thumbnail above it
CHART_SIZE = (220, 80)  # the loss chart, pixels
CHART_TOP = 14  # pixels above the curves, for the scale's words
OUTPUT_WIDTH = "260px"
# The network diagram (SVG), in pixels: columns of nodes, the per-layer buttons above them.
NODE = 40
COLUMN = 96
ROW = 50
LEFT = 58  # room for the input features' names
TOP = 22  # room for the column headings
POSITIVE = "#0072B2"  # Okabe & Ito blue, as the maps' +1
NEGATIVE = "#E69F00"  # Okabe & Ito orange, as the maps' -1
FADE_WEIGHT = 0.1
"""A weight line is drawn at full strength (opacity 0.85) from ``|w| = 0.1`` up and fades
linearly below it, to opacity 0.1 at ``|w| = 0`` (TensorFlow Playground fades a line's colour
towards its background as the weight goes to 0). A weight within 0.01 of zero, as L1 leaves
the connections it prunes, is drawn at an opacity below 0.18: a faint hairline."""
TRAIN_LINE = (150, 150, 150)
TEST_LINE = (0, 0, 0)

_WIDE = {"description_width": "initial"}
_LIVE: weakref.WeakSet = weakref.WeakSet()  # the playgrounds of this kernel not closed yet


def epoch_text(epoch: int) -> str:
    """The epoch counter's text, as TensorFlow Playground writes it: ``"Epoch 000,123"``.

    Args:
        epoch: epochs trained, 0 or more.

    Returns:
        ``"Epoch "`` and the number with thousands separators, at least six digits.
    """
    epoch = v.check_int("epoch", epoch, low=0)
    return f"Epoch {epoch:07,}"


def _number(x: float) -> str:
    """0.00001 -> '0.00001', 10.0 -> '10' (as the Playground's menus show them)."""
    return format(x, "f").rstrip("0").rstrip(".")


def _loss_text(x: float) -> str:
    return f"{x:.3f}" if math.isfinite(x) else "not a number"


class Playground(widgets.VBox):
    """TensorFlow Playground's interface on a `PlaygroundEngine` (build it with `playground`).

    Drive it from code as a learner drives it with the mouse: set ``.value`` of a control, or
    ``.click()`` a button. Read what it shows from `image` (PNG bytes), `caption`,
    `epoch_counter`, `losses`, `network`, `diagnostics` and `status` (HTML text).

    Attributes:
        engine: the `PlaygroundEngine` (its ``state`` is the playground's state).
        model: the Keras model "Take the model" handed out last (None before).
        frame: the `hlcourse.playground.Frame` shown now.
        errors: exceptions raised by a control's handler or by drawing (empty when all went
            well); each is also shown in `status`.
        draw_seconds: seconds each of the last 100 refreshes took (make the frame, update the
            widgets); refreshes: how many there were since the playground was built.
        play: the play / pause toggle (the main control): ``value`` True plays.
        step, reset: buttons: train exactly one epoch; new starting weights, epoch 0.
        epoch_counter: HTML, ``"Epoch 000,123"`` (CSS class ``hlc-epoch-counter``).
        dataset: toggle buttons of the problem's datasets (`thumbnails` shows each one's
            points); noise, train_share, batch_size: sliders; regenerate: a button (new seed).
        features: ``{feature id: ToggleButton}`` (ids in `hlcourse.playground.FEATURES`);
            feature_images: ``{feature id: Image}``, each feature's map.
        add_layer, remove_layer: buttons; add_neuron, remove_neuron: one button per possible
            hidden layer (6), shown for the layers there are; layers_label, neuron_labels:
            what they count.
        activation, learning_rate, regularization, regularization_rate, problem, init:
            drop-downs with the state's allowed values.
        network: HTML, the network diagram as SVG (neurons as heatmaps, weights as lines).
        image: the output's map (PNG, CSS class ``hlc-main-picture``); caption: it in words.
        show_test_data, discretize: the output's two check boxes.
        losses: HTML, test and training loss; loss_chart: Image (PNG) of both per epoch.
        diagnostics: HTML, lesson 08's per-layer statistics and flags.
        status: HTML, what the last action did (the engine's message) or why it was refused.
        config: Textarea with the configuration string; apply: applies the text in it.
        show_code: toggle showing `code` (a Textarea with ``model_as_code(state)``).
        take: "Take the model": stores a copy of the trained model in `model`.
    """

    def __init__(self, state: PlaygroundState):
        self.errors: list[BaseException] = []
        self.model: Any = None
        self.frame: Frame | None = None
        self.draw_seconds: collections.deque[float] = collections.deque(maxlen=100)
        self.refreshes = 0
        self._sync_flag = threading.local()  # per thread: the drawing thread syncs the toggle
        self._closed = True  # until built: close() then has nothing of ours to stop
        self._view_lock = threading.RLock()  # one refresh at a time, the newest last
        self._dirty = threading.Event()  # set by the training thread after each chunk
        self._view_stop = threading.Event()
        self._view_thread: threading.Thread | None = None
        self._last_draw = 0.0  # when the last refresh began (perf_counter)
        self._last_duration = 0.0
        self._shown_features: dict[str, bytes] = {}
        self.engine = PlaygroundEngine(state)
        self.engine.warm_up()  # play is fast from its first second

        self._build_training_bar()
        self._build_data_panel()
        self._build_feature_panel()
        self._build_network_panel()
        self._build_output_panel()
        self._build_bottom()
        self._connect()

        wrap = widgets.Layout(flex_flow="row wrap", align_items="flex-start")
        # The network and its output stay side by side when the cell is too narrow for all.
        top = widgets.HBox(
            [self.data_panel, self.feature_panel,
             widgets.HBox([self.network_panel, self.output_panel], layout=wrap)],
            layout=wrap,
        )  # fmt: skip
        super().__init__(
            [self.training_bar, self.settings_bar, top, self.diagnostics, self.status,
             self.bottom]
        )  # fmt: skip
        self.add_class("hlc-playground")
        self._closed = False
        self._pause_the_others()
        _LIVE.add(self)
        self._sync_controls(self.engine.state)
        self.refresh()

    # --- building ---------------------------------------------------------------------------

    def _build_training_bar(self) -> None:
        self.play = widgets.ToggleButton(
            value=False, description="Play", icon="play",
            tooltip="Play: train continuously (press again to pause)",
        )  # fmt: skip
        self.play.add_class("hlc-main-control")
        self.step = widgets.Button(
            description="Step", icon="step-forward", tooltip="Train exactly one epoch"
        )
        self.reset = widgets.Button(
            description="Reset", icon="undo", tooltip="New starting weights, back to epoch 0"
        )
        self.epoch_counter = widgets.HTML(epoch_text(0))
        self.epoch_counter.add_class("hlc-epoch-counter")
        self.epoch_counter.layout = widgets.Layout(margin="0 12px", min_width="130px")
        self.learning_rate = widgets.Dropdown(
            options=[(_number(x), x) for x in LEARNING_RATES], description="Learning rate",
            tooltip="Step size of plain SGD", style=_WIDE, layout=widgets.Layout(width="190px"),
        )  # fmt: skip
        self.activation = widgets.Dropdown(
            options=[(ACTIVATION_LABELS[a], a) for a in ACTIVATIONS], description="Activation",
            tooltip="The hidden layers' activation function", style=_WIDE,
            layout=widgets.Layout(width="170px"),
        )  # fmt: skip
        self.regularization = widgets.Dropdown(
            options=[(REGULARIZATION_LABELS[r], r) for r in REGULARIZATIONS],
            description="Regularization", tooltip="Penalty on the hidden layers' weights",
            style=_WIDE, layout=widgets.Layout(width="180px"),
        )  # fmt: skip
        self.regularization_rate = widgets.Dropdown(
            options=[(_number(x), x) for x in REGULARIZATION_RATES],
            description="Regularization rate", tooltip="Strength of the penalty",
            style=_WIDE, layout=widgets.Layout(width="210px"),
        )  # fmt: skip
        self.problem = widgets.Dropdown(
            options=[(PROBLEM_LABELS[p], p) for p in PROBLEMS], description="Problem type",
            tooltip="Classification (two classes) or regression (a number per point)",
            style=_WIDE, layout=widgets.Layout(width="240px"),
        )  # fmt: skip
        self.init = widgets.Dropdown(
            options=[(INIT_LABELS[i], i) for i in INITS], description="Initialization",
            tooltip="Starting weights: Keras' default, all zeros, or far too large",
            style=_WIDE, layout=widgets.Layout(width="240px"),
        )  # fmt: skip
        self.training_bar = widgets.HBox(
            [self.play, self.step, self.reset, self.epoch_counter],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.settings_bar = widgets.HBox(
            [self.learning_rate, self.activation, self.regularization,
             self.regularization_rate, self.problem, self.init],
            layout=widgets.Layout(flex_flow="row wrap"),
        )  # fmt: skip

    def _build_data_panel(self) -> None:
        self.thumbnail_images = {
            name: widgets.Image(
                value=_thumbnail(name), format="png",
                layout=widgets.Layout(width=BUTTON_WIDTH, height=f"{THUMBNAIL}px",
                                      margin="0 2px", object_fit="contain"),
            )
            for name in (*CLASSIFICATION_DATASETS, *REGRESSION_DATASETS)
        }  # fmt: skip
        # Each thumbnail sits under its button (JupyterLab puts the label above the buttons).
        self.thumbnails = widgets.HBox(layout=widgets.Layout(margin="0"))
        self.dataset = widgets.ToggleButtons(
            options=[(DATASET_LABELS[d], d) for d in CLASSIFICATION_DATASETS],
            tooltips=[DATASET_TOOLTIPS[d] for d in CLASSIFICATION_DATASETS],
            description="Dataset",
            style={"button_width": BUTTON_WIDTH, "description_width": "initial"},
        )  # fmt: skip
        slider = {"continuous_update": False, "style": _WIDE,
                  "layout": widgets.Layout(width="270px")}  # fmt: skip
        low, high = LIMITS["noise"]
        self.noise = widgets.IntSlider(
            min=low, max=high, description="Noise (%)", tooltip="Noise added to the points",
            **slider,
        )  # fmt: skip
        low, high = LIMITS["train_share"]
        self.train_share = widgets.IntSlider(
            min=low, max=high, description="Training data (%)",
            tooltip="Share of the points used for training; the rest are test points", **slider,
        )  # fmt: skip
        low, high = LIMITS["batch_size"]
        self.batch_size = widgets.IntSlider(
            min=low, max=high, description="Batch size",
            tooltip="Points per gradient step", **slider,
        )  # fmt: skip
        self.regenerate = widgets.Button(
            description="Regenerate", icon="refresh",
            tooltip="New points of the same kind (the next seed)",
        )  # fmt: skip
        self.data_panel = widgets.VBox(
            [widgets.HTML("<b>Data</b>"), self.dataset, self.thumbnails,
             self.noise, self.train_share, self.batch_size, self.regenerate],
            layout=widgets.Layout(width="340px", margin="0 8px 0 0"),
        )  # fmt: skip

    def _build_feature_panel(self) -> None:
        self.features: dict[str, widgets.ToggleButton] = {}
        self.feature_images: dict[str, widgets.Image] = {}
        rows = []
        for feature in FEATURES:
            label = FEATURE_LABELS[feature]
            self.features[feature] = widgets.ToggleButton(
                description=label, tooltip=f"Feed {label} to the network (on) or not (off)",
                layout=widgets.Layout(width="86px"),
            )  # fmt: skip
            self.feature_images[feature] = widgets.Image(
                format="png", layout=widgets.Layout(width=f"{NODE}px", height=f"{NODE}px")
            )
            rows.append(
                widgets.HBox(
                    [self.feature_images[feature], self.features[feature]],
                    layout=widgets.Layout(align_items="center"),
                )
            )
        self.feature_panel = widgets.VBox(
            [widgets.HTML("<b>Features</b>"), *rows],
            layout=widgets.Layout(width="150px", margin="0 8px 0 0"),
        )

    def _build_network_panel(self) -> None:
        self.add_layer = widgets.Button(
            description="+", tooltip="Add a hidden layer", layout=widgets.Layout(width="36px")
        )
        self.remove_layer = widgets.Button(
            description="−", tooltip="Remove the last hidden layer",
            layout=widgets.Layout(width="36px"),
        )  # fmt: skip
        self.layers_label = widgets.HTML()
        self.add_neuron: list[widgets.Button] = []
        self.remove_neuron: list[widgets.Button] = []
        self.neuron_labels: list[widgets.HTML] = []
        self._layer_boxes: list[widgets.VBox] = []
        small = widgets.Layout(width="32px", margin="0 1px")
        for i in range(MAX_LAYERS):
            self.add_neuron.append(
                widgets.Button(
                    description="+", tooltip=f"Add a neuron to hidden layer {i + 1}", layout=small
                )  # fmt: skip
            )
            self.remove_neuron.append(
                widgets.Button(
                    description="−",
                    tooltip=f"Remove a neuron from hidden layer {i + 1}",
                    layout=small,
                )  # fmt: skip
            )
            self.neuron_labels.append(widgets.HTML(layout=widgets.Layout(margin="0")))
            self._layer_boxes.append(
                widgets.VBox(
                    [
                        widgets.HBox([self.add_neuron[i], self.remove_neuron[i]]),
                        self.neuron_labels[i],
                    ],
                    layout=widgets.Layout(width=f"{COLUMN}px", margin="0", align_items="center"),
                )  # fmt: skip
            )
        # The input column's width, so that each layer's buttons sit above its neurons.
        spacer = LEFT + COLUMN - (COLUMN - NODE) // 2
        self._layer_row = widgets.HBox(
            [widgets.Box(layout=widgets.Layout(width=f"{spacer}px", margin="0")),
             *self._layer_boxes],
            layout=widgets.Layout(margin="0"),
        )  # fmt: skip
        self.network = widgets.HTML(layout=widgets.Layout(margin="0"))
        self.network_panel = widgets.VBox(
            [widgets.HBox([self.add_layer, self.remove_layer, self.layers_label],
                          layout=widgets.Layout(align_items="center")),
             self._layer_row, self.network],
            layout=widgets.Layout(margin="0 8px 0 0"),
        )  # fmt: skip

    def _build_output_panel(self) -> None:
        self.losses = widgets.HTML()
        self.loss_chart = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{CHART_SIZE[0]}px")
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=OUTPUT_WIDTH))
        self.image.add_class("hlc-main-picture")
        self.show_test_data = widgets.Checkbox(
            description="Show test data", indent=False,
            tooltip="Draw the test points too (black rim)",
        )  # fmt: skip
        self.discretize = widgets.Checkbox(
            description="Discretize output", indent=False,
            tooltip="Colour the output by class only (its decision boundary)",
        )  # fmt: skip
        self.caption = widgets.HTML(layout=widgets.Layout(width=OUTPUT_WIDTH))
        self.output_panel = widgets.VBox(
            [widgets.HTML("<b>Output</b>"), self.losses, self.loss_chart, self.image,
             widgets.HBox([self.show_test_data, self.discretize]), self.caption],
            layout=widgets.Layout(width="280px"),
        )  # fmt: skip

    def _build_bottom(self) -> None:
        self.diagnostics = widgets.HTML()
        self.status = widgets.HTML()
        self.config = widgets.Textarea(
            description="Configuration", style=_WIDE, rows=2,
            tooltip="The whole setup as one line: copy it to share, or paste one and Apply",
            layout=widgets.Layout(width="760px"),
        )  # fmt: skip
        self.apply = widgets.Button(
            description="Apply", icon="check",
            tooltip="Set the playground to the configuration in the box",
        )  # fmt: skip
        self.show_code = widgets.ToggleButton(
            description="Show as code", icon="code",
            tooltip="Show Keras code that builds the same network",
        )  # fmt: skip
        self.take = widgets.Button(
            description="Take the model", icon="download",
            tooltip="Copy the trained Keras model into this playground's .model",
        )  # fmt: skip
        self.code = widgets.Textarea(
            description="Keras code", style=_WIDE, rows=14,
            layout=widgets.Layout(width="760px", display="none"),
        )  # fmt: skip
        self.bottom = widgets.VBox(
            [widgets.HBox([self.config, self.apply], layout=widgets.Layout(align_items="center")),
             widgets.HBox([self.show_code, self.take]), self.code],
        )  # fmt: skip

    def _connect(self) -> None:
        self.play.observe(self._on_play, names="value")
        self.step.on_click(self._handler(self._on_step))
        self.reset.on_click(self._handler(self._on_reset))
        settings = {
            "dataset": self.dataset, "noise": self.noise, "train_share": self.train_share,
            "batch_size": self.batch_size, "activation": self.activation,
            "learning_rate": self.learning_rate, "regularization": self.regularization,
            "regularization_rate": self.regularization_rate, "problem": self.problem,
            "init": self.init, "show_test_data": self.show_test_data,
            "discretize": self.discretize,
        }  # fmt: skip
        for setting, control in settings.items():
            control.observe(self._setting_handler(setting), names="value")
        for feature, toggle in self.features.items():
            toggle.observe(self._feature_handler(feature), names="value")
        self.regenerate.on_click(self._button(lambda s: s.regenerate()))
        self.add_layer.on_click(self._button(lambda s: s.add_layer()))
        self.remove_layer.on_click(self._button(lambda s: s.remove_layer()))
        for i in range(MAX_LAYERS):
            self.add_neuron[i].on_click(self._button(lambda s, i=i: s.add_neuron(i)))
            self.remove_neuron[i].on_click(self._button(lambda s, i=i: s.remove_neuron(i)))
        self.apply.on_click(self._handler(self._on_apply))
        self.take.on_click(self._handler(self._on_take))
        self.show_code.observe(self._handler(self._on_show_code), names="value")

    # --- public ----------------------------------------------------------------------------

    @property
    def _syncing(self) -> bool:
        """True while this thread sets controls to the state (their handlers stand back)."""
        return getattr(self._sync_flag, "on", False)

    @_syncing.setter
    def _syncing(self, on: bool) -> None:
        self._sync_flag.on = on

    @property
    def state(self) -> PlaygroundState:
        """The playground's current `PlaygroundState` (the engine's)."""
        return self.engine.state

    @property
    def playing(self) -> bool:
        """True while the engine trains in the background."""
        return self.engine.playing

    def refresh(self) -> Frame:
        """Draw the engine's network now (make a frame, put it on screen) and return the frame."""
        with self._view_lock:
            started = time.perf_counter()
            frame = make_frame(self.engine)
            self._show(frame)
            self._last_draw = started
            self._last_duration = time.perf_counter() - started
            self.draw_seconds.append(self._last_duration)
            self.refreshes += 1
        return frame

    def close(self) -> None:
        """Pause, stop the drawing thread and close every widget of the playground."""
        if getattr(self, "_closed", True):  # closed already, or never finished building
            super().close()
            return
        self._closed = True
        self.engine.pause()
        self._stop_view()
        self.engine.close()
        _LIVE.discard(self)
        for child in [*_descendants(self), *self.thumbnail_images.values()]:
            if child is not self:
                child.close()
        super().close()

    # --- handlers -----------------------------------------------------------------------------

    def _handler(self, act: Callable[..., Any]) -> Callable[..., None]:
        """`act`, with any exception kept in `errors` and shown in `status` (never lost in the
        browser's log)."""

        def handle(*args: Any) -> None:
            if self._syncing or self._closed:
                return
            try:
                act(*args)
            except Exception as err:  # shown to the learner, kept for tests
                self.errors.append(err)
                self._say(f"Something went wrong: {type(err).__name__}: {err}", problem=True)

        return handle

    def _setting_handler(self, setting: str) -> Callable[..., None]:
        return self._handler(lambda change: self._change(lambda s: s.with_changes(
            **{setting: change["new"]})))  # fmt: skip

    def _feature_handler(self, feature: str) -> Callable[..., None]:
        return self._handler(
            lambda change: self._change(lambda s: s.toggle_feature(feature, on=change["new"]))
        )

    def _button(self, make: Callable[[PlaygroundState], PlaygroundState]) -> Callable[..., None]:
        return self._handler(lambda _button: self._change(make))

    def _change(self, make: Callable[[PlaygroundState], PlaygroundState]) -> None:
        """Move the engine to ``make(state)``; a refused change leaves everything as it was."""
        old = self.engine.state
        try:
            new = make(old)
        except (TypeError, ValueError) as err:
            self._sync_controls(old)
            self._say(f"Not changed: {err}", problem=True)
            return
        self._go_to(new)

    def _go_to(self, new: PlaygroundState) -> None:
        message = self.engine.set_state(new)
        self.engine.warm_up()  # compile the fast loop for the new shapes before play
        if not self.engine.playing:
            self._stop_view()  # the engine paused itself (a new network or new points)
        self._sync_controls(self.engine.state)
        self.refresh()
        self._say(message)

    def _on_play(self, change: dict) -> None:
        if self._syncing or self._closed:
            return
        try:
            if change["new"] and not self.engine.playing:
                self._pause_the_others()
                self.engine.play(on_chunk=self._on_chunk)
                self._start_view()
                self._say("Playing: the network trains until you press Pause.")
            elif not change["new"]:
                was_playing = self.engine.playing
                self.engine.pause()
                self._stop_view()
                self.refresh()
                if was_playing:
                    self._say(f"Paused at epoch {self.engine.epoch:,}.")
            self._sync_play()
        except Exception as err:
            self.errors.append(err)
            self._say(f"Something went wrong: {type(err).__name__}: {err}", problem=True)

    def _pause_the_others(self) -> None:
        """Pause every other playground of this kernel: one trains at a time (a cell run again
        makes a new playground; the old one, no longer on screen, must not train on)."""
        for other in list(_LIVE):
            if other is not self and other.engine.playing:
                other.play.value = False

    def _on_step(self, _button: Any) -> None:
        self.engine.step()  # pauses first if playing
        self._stop_view()
        self._sync_play()
        self.refresh()
        self._say(f"One epoch trained: epoch {self.engine.epoch:,}.")

    def _on_reset(self, _button: Any) -> None:
        self.engine.reset()
        self._stop_view()
        self._sync_play()
        self.refresh()
        self._say("Reset: new starting weights, epoch 0.")

    def _on_apply(self, _button: Any) -> None:
        try:
            new = PlaygroundState.from_config(self.config.value)
        except (TypeError, ValueError) as err:
            self._say(
                f"The configuration was not applied, the playground is unchanged: {err}",
                problem=True,
            )
            return
        self._go_to(new)
        self._say(f"Configuration applied. {self.engine.message}".strip())

    def _on_take(self, _button: Any) -> None:
        self.model = self.engine.take_model()
        self._say(
            f"Taken: a copy of the network as trained until epoch {self.engine.epoch:,} (test "
            f"loss {_loss_text(self.engine.test_loss)}) is in this playground's "
            "<code>.model</code>. Keep it with <code>model = pg.model</code> (pg: the name you "
            "gave the playground): a Keras model, e.g. <code>model.summary()</code>."
        )

    def _on_show_code(self, change: dict) -> None:
        self.code.layout.display = None if change["new"] else "none"
        self.show_code.description = "Hide code" if change["new"] else "Show as code"

    def _on_chunk(self, _engine: Any) -> None:
        """Called by the engine's training thread after every chunk: only marks the view."""
        self._dirty.set()

    # --- the drawing thread -------------------------------------------------------------------

    def _start_view(self) -> None:
        thread = self._view_thread
        if thread is not None and thread.is_alive():
            return
        self._view_stop = threading.Event()
        self._dirty.clear()
        self._view_thread = threading.Thread(
            target=self._view_loop, args=(self._view_stop,), name=VIEW_THREAD_NAME, daemon=True
        )
        self._view_thread.start()

    def _stop_view(self) -> None:
        self._view_stop.set()
        self._dirty.set()  # wake it
        thread = self._view_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5.0)
            if not thread.is_alive():
                self._view_thread = None

    def _view_loop(self, stop: threading.Event) -> None:
        """Draw the newest frame after each chunk, at most MAX_REFRESH_PER_SECOND a second,
        until stopped; if the engine stops by itself (an error), say so and end."""
        interval = 1.0 / MAX_REFRESH_PER_SECOND
        try:
            while not stop.is_set():
                if not self._dirty.wait(0.1):
                    if self.engine.playing or stop.is_set():
                        continue
                    self._stopped_by_itself()
                    return
                # One interval after the last draw began, later if drawing is slow.
                spacing = max(interval, DRAW_SHARE * self._last_duration)
                wait = self._last_draw + spacing - time.perf_counter()
                if wait > 0 and stop.wait(wait):
                    return
                self._dirty.clear()
                self.refresh()
        except Exception as err:  # kept and shown; the training goes on without pictures
            self.errors.append(err)
            self._say(f"Drawing failed: {type(err).__name__}: {err}", problem=True)

    def _stopped_by_itself(self) -> None:
        """The engine's thread ended without a pause (an exception in training)."""
        self.refresh()
        error = self.engine.error
        if error is not None:
            self.errors.append(error)
            self._say(f"Training stopped: {type(error).__name__}: {error}", problem=True)
        self.play.value = False  # _on_play sees the engine stopped: no pause needed

    # --- showing ------------------------------------------------------------------------------

    def _say(self, text: str, problem: bool = False) -> None:
        """Put `text` (trusted HTML or plain words) in the status line."""
        if not text:
            self.status.value = ""
            return
        mark = "⚠ " if problem else ""
        body = html.escape(text) if problem else text
        self.status.value = _block(f"{mark}{body}", role="status")

    def _sync_play(self) -> None:
        playing = self.engine.playing
        self._syncing = True
        try:
            self.play.value = playing
            self.play.description = "Pause" if playing else "Play"
            self.play.icon = "pause" if playing else "play"
            self.play.tooltip = (
                "Pause: stop training (press again to go on)"
                if playing
                else "Play: train continuously (press again to pause)"
            )
        finally:
            self._syncing = False

    def _sync_controls(self, state: PlaygroundState) -> None:
        """Every control shows `state`; limits disable what would be invalid."""
        self._syncing = True
        try:
            datasets = CLASSIFICATION_DATASETS if state.problem == "classification" else (
                REGRESSION_DATASETS)  # fmt: skip
            if tuple(self.dataset.options) != tuple((DATASET_LABELS[d], d) for d in datasets):
                self.dataset.options = [(DATASET_LABELS[d], d) for d in datasets]
                self.dataset.tooltips = [DATASET_TOOLTIPS[d] for d in datasets]
                self.thumbnails.children = [self.thumbnail_images[d] for d in datasets]
            if not self.thumbnails.children:
                self.thumbnails.children = [self.thumbnail_images[d] for d in datasets]
            for setting in ("dataset", "noise", "train_share", "batch_size", "activation",
                            "learning_rate", "regularization", "regularization_rate",
                            "problem", "init", "show_test_data", "discretize"):  # fmt: skip
                getattr(self, setting).value = getattr(state, setting)
            only = state.features[0] if len(state.features) == 1 else None
            for feature, toggle in self.features.items():
                toggle.value = feature in state.features
                toggle.disabled = feature == only
                toggle.button_style = "info" if toggle.value else ""
            layers = state.layers
            self.add_layer.disabled = len(layers) >= MAX_LAYERS
            self.remove_layer.disabled = not layers
            count = len(layers)
            self.layers_label.value = f"{count} hidden layer{'s' if count != 1 else ''}"
            for i, box in enumerate(self._layer_boxes):
                there = i < count
                box.layout.display = None if there else "none"
                self.add_neuron[i].disabled = not there or layers[i] >= MAX_NEURONS
                self.remove_neuron[i].disabled = not there or layers[i] <= 1
                if there:
                    self.neuron_labels[
                        i
                    ].value = f"{layers[i]} neuron{'s' if layers[i] != 1 else ''}"
            self.config.value = state.to_config()
            self.code.value = model_as_code(state)
        finally:
            self._syncing = False
        self._sync_play()

    def _show(self, frame: Frame) -> None:
        """Put `frame` on screen (called with the view lock held)."""
        self.frame = frame
        for feature, png in frame.feature_pngs.items():
            if self._shown_features.get(feature) != png:
                self.feature_images[feature].value = png
                self._shown_features[feature] = png
        self.epoch_counter.value = epoch_text(frame.epoch)
        self.losses.value = _block(
            f"Test loss <b>{_loss_text(frame.test_loss)}</b> (thick black line)<br>"
            f"Training loss <b>{_loss_text(frame.train_loss)}</b> (thin grey line)"
        )
        self.loss_chart.value = _loss_chart(frame.train_history, frame.test_history)
        self.image.value = frame.output_png
        self.caption.value = _block(_caption(frame))
        self.network.value = _network_svg(frame)
        self.diagnostics.value = _diagnostics_html(frame)


# --- pictures and words ---------------------------------------------------------------------


@functools.lru_cache(maxsize=len(CLASSIFICATION_DATASETS) + len(REGRESSION_DATASETS))
def _thumbnail(dataset: str) -> bytes:
    """A small picture of a dataset's points (noise 0, seed 0): classes orange and blue,
    a regression's targets on the same map over the plane."""
    state = PlaygroundState(dataset=dataset)
    points = make_data(state).dataset
    size = THUMBNAIL
    image = np.full((size, size, 3), 250, np.uint8)
    x, y = points.x, points.y.astype(np.float32)
    values = 2.0 * y - 1.0 if state.problem == "classification" else y
    colors = colorize(values)
    cols = np.clip(((x[:, 0] + PLANE_EXTENT) / (2 * PLANE_EXTENT) * size).astype(int), 0, size - 2)
    rows = np.clip(((PLANE_EXTENT - x[:, 1]) / (2 * PLANE_EXTENT) * size).astype(int), 0, size - 2)
    for dy in (0, 1):
        for dx in (0, 1):
            image[rows + dy, cols + dx] = colors
    return to_png(image)


def _loss_chart(train: np.ndarray, test: np.ndarray) -> bytes:
    """Training (thin grey) and test (thick black) loss per epoch, drawn with Pillow: the
    y axis from 0 (bottom) to the largest loss (written above the curves), at most one point per
    pixel column."""
    from PIL import Image, ImageDraw

    width, height = CHART_SIZE
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 0, width - 1, height - 1], outline=(200, 200, 200))
    n = len(train)
    if n:
        index = np.unique(np.linspace(0, n - 1, min(n, width)).astype(np.int64))
        series = [np.asarray(train, np.float64)[index], np.asarray(test, np.float64)[index]]
        both = np.concatenate(series)
        finite = both[np.isfinite(both)]
        top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        draw.text((4, 1), f"loss from 0 to {top:.3g}", fill=(90, 90, 90))
        xs = index / max(n - 1, 1) * (width - 3) + 1
        for values, color, line in zip(series, (TRAIN_LINE, TEST_LINE), (1, 2), strict=True):
            values = np.where(np.isfinite(values), values, top)
            ys = (height - 3) - np.clip(values / top, 0.0, 1.0) * (height - 3 - CHART_TOP)
            points = list(zip(xs.tolist(), ys.tolist(), strict=True))
            if len(points) == 1:
                x0, y0 = points[0]
                draw.ellipse([x0 - 1, y0 - 1, x0 + 1, y0 + 1], fill=color)
            else:
                draw.line(points, fill=color, width=line)
    buffer = io.BytesIO()
    picture.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _block(inner: str, role: str = "") -> str:
    """HTML `inner` in a block with text's own line height (an HTML widget's is a control's)."""
    attribute = f' role="{role}"' if role else ""
    return f'<div{attribute} style="line-height:1.4">{inner}</div>'


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _line_opacity(weight: float) -> float:
    """How strongly a weight's line is drawn: 0.85 from |w| = `FADE_WEIGHT` up, fading
    linearly to 0.1 at |w| = 0."""
    return 0.1 + 0.75 * min(abs(weight) / FADE_WEIGHT, 1.0)


def _network_svg(frame: Frame) -> str:
    """The network as SVG: inputs, hidden neurons (their heatmaps) and the output, in columns;
    a line per weight, blue solid if positive, orange dashed if negative, width by |w|, faint
    as |w| goes to 0 (`FADE_WEIGHT`)."""
    state = frame.state
    columns: list[list[tuple[str, bytes | None, str]]] = [
        [(FEATURE_LABELS[f], frame.feature_pngs[f], f"input {FEATURE_LABELS[f]}")
         for f in state.features]
    ]  # fmt: skip
    for layer, pngs in enumerate(frame.neuron_pngs, start=1):
        biases = frame.biases[layer - 1]
        columns.append(
            [("", png, f"hidden layer {layer}, neuron {j + 1}: bias {float(biases[j]):.3f}")
             for j, png in enumerate(pngs)]
        )  # fmt: skip
    columns.append([("", None, f"output: bias {float(frame.biases[-1][0]):.3f}")])
    rows = max(len(c) for c in columns)
    width = LEFT + COLUMN * (len(columns) - 1) + NODE + 12
    height = TOP + rows * ROW
    biggest = frame.max_weight or 1.0

    def place(c: int, r: int) -> tuple[float, float]:
        return LEFT + c * COLUMN, TOP + r * ROW

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" style="display:block" '
        f'aria-label="The network: {len(state.features)} inputs, hidden layers '
        f"{', '.join(map(str, state.layers)) or 'none'}, one output. Lines are weights: "
        f'blue solid positive, orange dashed negative, wider for larger, faint near zero.">'
    ]
    for c, kernel in enumerate(frame.kernels):
        for i in range(kernel.shape[0]):
            x1, y1 = place(c, i)
            for j in range(kernel.shape[1]):
                x2, y2 = place(c + 1, j)
                w = float(kernel[i, j])
                if math.isfinite(w):
                    color, dash = (
                        (POSITIVE, "") if w >= 0 else (NEGATIVE, ' stroke-dasharray="5 3"')
                    )
                    size = 0.6 + 5.0 * min(abs(w) / biggest, 1.0)
                    opacity = _line_opacity(w)
                else:
                    color, dash, size, opacity = "#999999", ' stroke-dasharray="1 3"', 1.0, 0.85
                parts.append(
                    f'<line x1="{x1 + NODE}" y1="{y1 + NODE / 2}" x2="{x2}" y2="{y2 + NODE / 2}" '
                    f'stroke="{color}" stroke-width="{size:.2f}"{dash} '
                    f'stroke-opacity="{opacity:.3f}">'
                    f"<title>weight {w:.3f}</title></line>"
                )
    headings = ["inputs", *(f"layer {i}" for i in range(1, len(columns) - 1)), "output"]
    for c, (heading, nodes) in enumerate(zip(headings, columns, strict=True)):
        x, _ = place(c, 0)
        parts.append(
            f'<text x="{x + NODE / 2}" y="{TOP - 8}" text-anchor="middle" font-size="11" '
            f'fill="#333">{heading}</text>'
        )
        for r, (label, png, title) in enumerate(nodes):
            x, y = place(c, r)
            tip = f"<title>{html.escape(title)}</title>"
            if png is None:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{NODE}" height="{NODE}" rx="20" fill="#fff" '
                    f'stroke="#333">{tip}</rect><text x="{x + NODE / 2}" y="{y + NODE / 2 + 4}" '
                    f'text-anchor="middle" font-size="11">out</text>'
                )
                continue
            parts.append(
                f'<image x="{x}" y="{y}" width="{NODE}" height="{NODE}" '
                f'style="image-rendering:pixelated" href="{_data_uri(png)}">{tip}</image>'
                f'<rect x="{x}" y="{y}" width="{NODE}" height="{NODE}" fill="none" '
                f'stroke="#555" stroke-width="1"/>'
            )
            if label:
                parts.append(
                    f'<text x="{x - 4}" y="{y + NODE / 2 + 4}" text-anchor="end" '
                    f'font-size="11">{html.escape(label)}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)


def _caption(frame: Frame) -> str:
    if frame.state.problem == "classification":
        colours = (
            "The background is the network's probability of class 1: blue for class 1, "
            "orange for class 0, white where it is unsure. Points: class 1 square, class 0 "
            "round"
        )
    else:
        colours = (
            "The background is the network's prediction: blue for +1, orange for -1, white "
            "near 0. Points are coloured by their target"
        )
    rims = "training points with a white rim"
    if frame.show_test_data:
        rims += ", test points with a black rim"
    text = f"Output after epoch {frame.epoch:,}. {colours}; {rims}."
    if frame.discretize:
        text += " Discretized: two colours only, so the boundary shows sharply."
    text += (
        f" Test loss {_loss_text(frame.test_loss)}, training loss {_loss_text(frame.train_loss)}."
    )
    return text


def _diagnostics_html(frame: Frame) -> str:
    """Lesson 08's toolkit in words: each hidden layer's numbers, then what is wrong."""
    parts = []
    if frame.diagnostics is not None:
        for row in frame.diagnostics.rows:
            words = f"{row.layer} ({row.activation}, {row.units} units): "
            if row.saturated is not None:
                words += f"{row.saturated:.0%} saturated"
            elif row.dead is not None:
                words += f"{row.dead:.0%} dead units"
            else:
                words += f"mean {row.mean:.2f}, spread {row.std:.2f}"
            parts.append(html.escape(words))
    else:
        parts.append("no hidden layer: the inputs feed the output directly")
    problems = [f"⚠ {html.escape(flag.layer)}: {html.escape(flag.problem)}. Try: "
                f"{html.escape(flag.remedy)}." for flag in frame.flags]  # fmt: skip
    if not (math.isfinite(frame.train_loss) and math.isfinite(frame.test_loss)):
        problems.append(
            "⚠ The loss is not a number: the weights blew up. Lower the learning rate and "
            "press Reset."
        )
    if problems:
        found = "<br>".join(problems)
    else:
        found = "✓ No problem flagged."
    return _block(f"<b>Diagnostics</b> (lesson 08): {' · '.join(parts)}<br>{found}")


def _descendants(widget: Any) -> list:
    """`widget` and every widget inside it (children of boxes), each once."""
    found: dict[int, Any] = {}
    stack = [widget]
    while stack:
        item = stack.pop()
        if id(item) in found:
            continue
        found[id(item)] = item
        stack.extend(getattr(item, "children", ()))
    return list(found.values())


# --- the builder --------------------------------------------------------------------------------


def playground(state: PlaygroundState | str | None = None) -> Playground:
    """Build the playground (display it as a cell's last expression).

    Args:
        state: where to start: a `hlcourse.playground.PlaygroundState`, its configuration
            string (``state.to_config()``, e.g. ``"dataset=xor&layers=4"``), or None for
            TensorFlow Playground's defaults (circle, x1 and x2, layers 4 and 2, tanh,
            learning rate 0.03).

    Returns:
        A `Playground` (an ``ipywidgets.VBox``); ``pg.engine`` trains, ``pg.state`` is the
        current state, ``pg.model`` holds the model "Take the model" handed out.
    """
    if state is None:
        state = PlaygroundState()
    elif isinstance(state, str):
        state = _from_argument(state, "state")
    else:
        state = v.check_instance(
            "state", state, PlaygroundState,
            "a PlaygroundState, its configuration string, or None",
        )  # fmt: skip
    return Playground(state)

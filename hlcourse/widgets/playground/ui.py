"""The playground's interface (lesson 12): TensorFlow Playground inside JupyterLab, on real Keras.

`playground()` returns a `Playground` (an ``ipywidgets.VBox``) on a
`hlcourse.playground.PlaygroundEngine`. What TensorFlow Playground (TFP) shows is there, with
its ranges and steps:

- the data: a thumbnail per dataset of the problem type (classification: circle, xor, gauss,
  spiral; regression: plane, multi-Gaussian), drawn as TFP draws them (200 points, noise 0),
  noise 0-50 % in steps of 5 (more if a link holds up to 80), the training share 10-90 % in
  steps of 10, the batch size 1-30 and "Regenerate" (new points from a new seed, the network
  kept);
- the input features x1, x2, x1², x2², x1·x2, sin x1, sin x2, each a toggle with its own map;
- the network: "+" / "−" for hidden layers (0-6) and, above each layer, for its neurons
  (1-8); activation, learning rate, regularization and its rate, problem type and (beyond
  TFP) the recipe (TFP's or Keras's defaults) and the initialization;
- training: play / pause (one toggle button, the main control), step (exactly one epoch),
  reset, the epoch counter (``Epoch 000,123``), test and training loss and their chart from
  epoch 0, its height from the lowest loss to the highest;
- the network view (`hlcourse.widgets.playground.network.NetworkView`): every neuron's map,
  each weight a line coloured by its value and ``1 + 1.8 |w|`` wide, each neuron's bias a
  small square. Hovering (or focusing) a node shows its map in the output view; clicking a
  weight or a bias opens a number field, and Enter sets it in the Keras model;
- the output's map (the main picture) with axes from -6 to 6, "Show test data" and
  "Discretize output";
- a diagnostics strip: lesson 08's per-layer statistics and the problems its rules flag;
- the configuration: TFP's URL hash, a box that takes a TFP link or hash (a bad one is
  refused with a message, the playground unchanged) and the TFP link of the current setup;
  ``<control>_hide=true`` in it hides that control, as in TFP; "Show as code" (Keras code that
  builds the same network) and "Take the model" (a copy of the trained model in ``.model``).

How it works: every control maps to a new `PlaygroundState` (``state.with_changes(...)`` and
friends) handed to ``engine.set_state``, whose message is shown in `status`; controls are
disabled where the next value would be invalid (no seventh layer, no ninth neuron), so invalid
states cannot be reached. Play starts the engine's training thread
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
from hlcourse.playground import frames as playground_frames
from hlcourse.playground.engine import PLAY_THREAD_NAME as ENGINE_THREAD_NAME
from hlcourse.playground.engine import PlaygroundEngine, model_as_code
from hlcourse.playground.frames import Frame, colorize, make_frame, to_png
from hlcourse.playground.state import (
    ACTIVATIONS,
    FEATURE_LABELS,
    FEATURES,
    INITS,
    LEARNING_RATES,
    MAX_LAYERS,
    MAX_NEURONS,
    PROBLEMS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    PlaygroundState,
    as_state,
)
from hlcourse.playground.tfp_data import (
    TFP_CLASSIFICATION_DATASETS,
    TFP_REGRESSION_DATASETS,
    TfpRandom,
    tfp_points,
)
from hlcourse.render import image_png
from hlcourse.widgets.playground.network import (
    COLUMN,
    LEFT,
    NODE,
    NetworkView,
    network_svg,
    parse_item,
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
last one began: on a busy machine the view draws less often rather than all the time, and
training keeps most of the processor."""
VIEW_THREAD_NAME = "hlc-playground-view"
"""Name of the thread that draws frames while playing (tests look for leftovers by it)."""

CLASSIFICATION_DATASETS = TFP_CLASSIFICATION_DATASETS
REGRESSION_DATASETS = TFP_REGRESSION_DATASETS
DATASET_LABELS = {
    "circle": "Circle",
    "xor": "XOR",
    "gauss": "Gauss",
    "spiral": "Spiral",
    "reg-plane": "Plane",
    "reg-gauss": "Cones",
}
# What each data set holds, as TFP draws it (+1 blue, -1 orange; tests/test_playground_widget.py
# checks each sentence against the data).
DATASET_TOOLTIPS = {
    "circle": "Circle: +1 (blue) inside, -1 (orange) in a ring around it",
    "xor": "XOR: +1 (blue) where x1 and x2 share a sign, -1 (orange) where they differ",
    "gauss": "Gauss: two clouds of points, -1 (orange) lower left, +1 (blue) upper right",
    "spiral": "Spiral: two arms winding round each other, one per class",
    "reg-plane": "Plane: the target (x1 + x2) / 10 rises from the lower left to the upper right",
    "reg-gauss": (
        "Multi-Gaussian: six cones in two rows, their signs alternating; the target is the "
        "strongest cone's value"
    ),
}
ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}
REGULARIZATION_LABELS = {"none": "None", "l1": "L1", "l2": "L2"}
PROBLEM_LABELS = {"classification": "Classification", "regression": "Regression"}
RECIPE_LABELS = {"playground": "TensorFlow Playground's", "keras": "Keras defaults"}
INIT_LABELS = {"default": "The recipe's", "zeros": "All zeros", "too_large": "Too large"}

THUMBNAIL_POINTS = 200  # TFP draws each thumbnail with 200 points at noise 0
THUMBNAIL_SEED = "0.48213"  # the thumbnails' own stream (TFP's: whatever its stream holds)
NOISE_STEP, TRAIN_SHARE_STEP = 5, 10  # TFP's slider steps
NOISE_SLIDER_MAX = 50  # TFP's; a link may hold up to 80, and the slider's end follows it
EXTENT = 6.0  # TFP's plane runs from -6 to 6 on both axes
TFP_FEATURE_KEYS = {
    "x": "x1",
    "y": "x2",
    "xSquared": "x1^2",
    "ySquared": "x2^2",
    "xTimesY": "x1*x2",
    "sinX": "sin_x1",
    "sinY": "sin_x2",
}
"""TFP's name of each input feature (its ``<name>_hide`` key) and ours."""

THUMBNAIL = 56  # pixels per side of a dataset's thumbnail
BUTTON_WIDTH = "64px"  # a dataset button, its thumbnail above it
CHART_SIZE = (220, 80)  # the loss chart, pixels
CHART_TOP = 14  # pixels above the curves, for the scale's words
AXIS_RIGHT, AXIS_BOTTOM = 22, 16  # room for the output map's y axis (right) and x axis (below)
OUTPUT_WIDTH = "260px"
TRAIN_LINE = (119, 119, 119)  # TFP's #777
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

    Drive it from code as a learner drives it with the mouse: set ``.value`` of a control,
    ``.click()`` a button, or set the network view's ``hovered`` / ``edit`` as the browser does.
    Read what it shows from `image` (PNG bytes), `caption`, `epoch_counter`, `losses`,
    `network` (``network.svg``), `diagnostics` and `status` (HTML text).

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
            points); noise, train_share, batch_size: sliders; regenerate: a button (new
            points from a new seed, the network kept).
        features: ``{feature id: ToggleButton}`` (ids in `hlcourse.playground.FEATURES`);
            feature_images: ``{feature id: Image}``, each feature's map.
        add_layer, remove_layer: buttons; add_neuron, remove_neuron: one button per possible
            hidden layer (6), shown for the layers there are; layers_label, neuron_labels:
            what they count.
        activation, learning_rate, regularization, regularization_rate, problem, recipe, init:
            drop-downs with the state's allowed values.
        network: the network view, a `hlcourse.widgets.playground.network.NetworkView`: its
            ``svg`` draws neurons as maps, weights as lines, biases as squares; hovering a
            node (``hovered``) shows its map in `image`; a weight or bias typed in (``edit``)
            is set in the model, the answer in its ``note``.
        image: the output's map with axes from -6 to 6, or the hovered node's map (PNG, CSS
            class ``hlc-main-picture``); caption: it in words.
        show_test_data, discretize: the output's two check boxes.
        losses: test_loss_text and train_loss_text (HTML); loss_chart: Image (PNG) of both
            from epoch 0 on.
        diagnostics: HTML, lesson 08's per-layer statistics and flags.
        status: HTML, what the last action did (the engine's message) or why it was refused.
        config: Textarea with TensorFlow Playground's hash of the setup; apply: applies the
            text in it (a TFP link, a ``#hash`` or a bare hash); link: HTML, the TFP link of
            the setup. Controls the state hides (``<name>_hide=true``) are not shown.
        show_code: toggle showing `code` (a Textarea with ``model_as_code(state)``, kept up
            to date while it is shown).
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
        self._code_state: PlaygroundState | None = None  # the state `code` shows
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
        self.recipe = widgets.Dropdown(
            options=[(RECIPE_LABELS[r], r) for r in RECIPE_LABELS], description="Recipe",
            tooltip=(
                "TensorFlow Playground's recipe (tanh output, targets +1/-1, half squared "
                "error, weights U(-0.5, 0.5), biases 0.1) or Keras's defaults (sigmoid output, "
                "cross-entropy, Glorot weights, zero biases)"
            ),
            style=_WIDE, layout=widgets.Layout(width="260px"),
        )  # fmt: skip
        self.init = widgets.Dropdown(
            options=[(INIT_LABELS[i], i) for i in INITS], description="Initialization",
            tooltip="Starting weights: the recipe's own, all zeros, or far too large",
            style=_WIDE, layout=widgets.Layout(width="240px"),
        )  # fmt: skip
        self.training_bar = widgets.HBox(
            [self.play, self.step, self.reset, self.epoch_counter],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.settings_bar = widgets.HBox(
            [self.learning_rate, self.activation, self.regularization,
             self.regularization_rate, self.problem, self.recipe, self.init],
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
        slider = {"continuous_update": False, "style": _WIDE}
        self.noise = widgets.IntSlider(
            min=0, max=NOISE_SLIDER_MAX, step=NOISE_STEP, description="Noise (%)",
            tooltip="Noise in the data (TFP's 0-50 in steps of 5)",
            layout=widgets.Layout(width="270px"), **slider,
        )  # fmt: skip
        self.train_share = widgets.IntSlider(
            min=10, max=90, step=TRAIN_SHARE_STEP, description="Training data (%)",
            tooltip="Share of the points used for training; the rest are test points",
            layout=widgets.Layout(width="270px"), **slider,
        )  # fmt: skip
        self.batch_size = widgets.IntSlider(
            min=1, max=30, description="Batch size",
            tooltip="Points per gradient step", layout=widgets.Layout(width="270px"),
            **slider,
        )  # fmt: skip
        self.regenerate = widgets.Button(
            description="Regenerate", icon="refresh",
            tooltip="New points of the same kind from a new seed; the network is kept",
        )  # fmt: skip
        self.data_panel = widgets.VBox(
            [widgets.HTML("<b>Data</b>"), self.dataset, self.thumbnails,
             self.noise, self.train_share, self.batch_size, self.regenerate],
            layout=widgets.Layout(width="340px", margin="0 8px 0 0"),
        )  # fmt: skip

    def _build_feature_panel(self) -> None:
        self.features: dict[str, widgets.ToggleButton] = {}
        self.feature_images: dict[str, widgets.Image] = {}
        self._feature_rows: dict[str, widgets.HBox] = {}
        for feature in FEATURES:
            label = FEATURE_LABELS[feature]
            self.features[feature] = widgets.ToggleButton(
                description=label, tooltip=f"Feed {label} to the network (on) or not (off)",
                layout=widgets.Layout(width="86px"),
            )  # fmt: skip
            self.feature_images[feature] = widgets.Image(
                format="png", layout=widgets.Layout(width=f"{NODE}px", height=f"{NODE}px")
            )
            self._feature_rows[feature] = widgets.HBox(
                [self.feature_images[feature], self.features[feature]],
                layout=widgets.Layout(align_items="center"),
            )
        self.feature_panel = widgets.VBox(
            [widgets.HTML("<b>Features</b>"), *self._feature_rows.values()],
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
        self._neuron_buttons: list[widgets.HBox] = []  # a layer's "+" and "-" (numNodes<k>)
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
            self._neuron_buttons.append(widgets.HBox([self.add_neuron[i], self.remove_neuron[i]]))
            self._layer_boxes.append(
                widgets.VBox(
                    [self._neuron_buttons[i], self.neuron_labels[i]],
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
        self.network = NetworkView(layout=widgets.Layout(margin="0"))
        self._layer_controls = widgets.HBox(
            [self.add_layer, self.remove_layer, self.layers_label],
            layout=widgets.Layout(align_items="center"),
        )
        self.network_panel = widgets.VBox(
            [self._layer_controls, self._layer_row, self.network],
            layout=widgets.Layout(margin="0 8px 0 0"),
        )  # fmt: skip

    def _build_output_panel(self) -> None:
        self.test_loss_text = widgets.HTML()
        self.train_loss_text = widgets.HTML()
        self.losses = widgets.HBox(
            [self.test_loss_text, self.train_loss_text],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
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
            description="Configuration", style=_WIDE, rows=3,
            tooltip=(
                "The whole setup as TensorFlow Playground's URL hash: copy it to share, or "
                "paste a TensorFlow Playground link or hash and Apply"
            ),
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
        self.link = widgets.HTML()
        self.bottom = widgets.VBox(
            [widgets.HBox([self.config, self.apply], layout=widgets.Layout(align_items="center")),
             self.link, widgets.HBox([self.show_code, self.take]), self.code],
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
            "recipe": self.recipe, "init": self.init, "show_test_data": self.show_test_data,
            "discretize": self.discretize,
        }  # fmt: skip
        for setting, control in settings.items():
            control.observe(self._setting_handler(setting), names="value")
        for feature, toggle in self.features.items():
            toggle.observe(self._feature_handler(feature), names="value")
        self.regenerate.on_click(self._handler(self._on_regenerate))
        self.add_layer.on_click(self._button(lambda s: s.add_layer()))
        self.remove_layer.on_click(self._button(lambda s: s.remove_layer()))
        for i in range(MAX_LAYERS):
            self.add_neuron[i].on_click(self._button(lambda s, i=i: s.add_neuron(i)))
            self.remove_neuron[i].on_click(self._button(lambda s, i=i: s.remove_neuron(i)))
        self.apply.on_click(self._handler(self._on_apply))
        self.take.on_click(self._handler(self._on_take))
        self.show_code.observe(self._handler(self._on_show_code), names="value")
        self.network.observe(self._handler(self._on_hover), names="hovered")
        self.network.observe(self._handler(self._on_edit), names="edit")
        # Each TFP control name (``<name>_hide=true``) and what it hides here.
        self._hidable: dict[str, list[widgets.Widget]] = {
            "showTestData": [self.show_test_data], "discretize": [self.discretize],
            "playButton": [self.play], "stepButton": [self.step], "resetButton": [self.reset],
            "learningRate": [self.learning_rate], "activation": [self.activation],
            "regularization": [self.regularization],
            "regularizationRate": [self.regularization_rate], "problem": [self.problem],
            "dataset": [self.dataset, self.thumbnails],
            "percTrainData": [self.train_share, self.test_loss_text], "noise": [self.noise],
            "batchSize": [self.batch_size], "numHiddenLayers": [self._layer_controls],
            **{key: [self._feature_rows[f]] for key, f in TFP_FEATURE_KEYS.items()},
            **{f"numNodes{i + 1}": [box] for i, box in enumerate(self._neuron_buttons)},
        }  # fmt: skip

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
        if new.layer_sizes != self._network_sizes:  # a field open on the old network closes
            self.network.editing = ""
            self.network.note = ""
        self.refresh()
        self._say(message)

    @property
    def _network_sizes(self) -> tuple[int, ...]:
        """The sizes of the network the view shows now, inputs first (empty before any)."""
        return self.frame.state.layer_sizes if self.frame is not None else ()

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

    def _on_regenerate(self, _button: Any) -> None:
        self.engine.regenerate()  # new seed and points; the network and its epoch are kept
        self._sync_controls(self.engine.state)
        self.refresh()
        self._say(html.escape(self.engine.message))

    def _on_hover(self, change: dict) -> None:
        """The pointer (or the keyboard's focus) moved to a node, or off the nodes."""
        with self._view_lock:  # the drawing thread may be showing a frame right now
            if self.frame is not None:
                self._show_main_picture(self.frame)

    def _hovered_node(self, state: PlaygroundState) -> tuple[str, Any] | None:
        """What the network view points at now, if it is a node of `state`'s network other
        than the output: ``("input", feature)`` or ``("neuron", (layer, node))``."""
        key = self.network.hovered
        kind, _, rest = key.partition(":")
        if kind == "input" and rest in state.features:
            return "input", rest
        if kind == "neuron":
            layer, _, node = rest.partition(":")
            if layer.isdigit() and node.isdigit():
                layer_index, node_index = int(layer), int(node)
                if layer_index < len(state.layers) and node_index < state.layers[layer_index]:
                    return "neuron", (layer_index, node_index)
        return None

    def _show_main_picture(self, frame: Frame) -> None:
        """The output's map, or the hovered node's map, with axes, and its words."""
        node = self._hovered_node(frame.state)
        try:
            png, words = self._node_picture(frame, node)
        except ValueError:
            if self.engine.state == frame.state:
                raise
            # The network changed while this frame was drawn (the drawing thread raced a
            # change): the output for now, the next frame shows the node again.
            png, words = self._node_picture(frame, None)
        self.image.value = _with_axes(png)
        self.caption.value = _block(words)

    def _node_picture(self, frame: Frame, node: tuple[str, Any] | None) -> tuple[bytes, str]:
        """The picture of `node` (`_hovered_node`), or of the output for None, and its words."""
        if node is None:
            return frame.output_png, _caption(frame)
        if node[0] == "input":
            png = playground_frames.input_picture(self.engine, node[1], discretize=frame.discretize)
            return png, (
                f"Showing the input {FEATURE_LABELS[node[1]]} over the plane (clamped to -1..1: "
                "orange -1, blue +1). Move the pointer off the network to see its output again."
            )
        layer, index = node[1]
        png = playground_frames.neuron_picture(
            self.engine, layer, index, discretize=frame.discretize
        )
        return png, (
            f"Showing neuron {index + 1} of hidden layer {layer + 1} over the plane (orange "
            "-1, blue +1). Move the pointer off the network to see its output again."
        )

    def _on_edit(self, change: dict) -> None:
        """Enter was pressed in the view's number field: set that weight or bias."""
        edit = change["new"] or {}
        item, text = edit.get("item", ""), edit.get("text", "")
        try:
            kind, index = parse_item(item, self.engine.state.layer_sizes)
            value = _parse_value(text)
            if kind == "weight":
                self.engine.set_weight(*index, value)
            else:
                self.engine.set_bias(*index, value)
        except (TypeError, ValueError) as err:
            message = f"Not changed: {err}"
            self.network.note = "⚠ " + message
            self._say(message, problem=True)
            return
        self.network.editing = ""
        self.refresh()
        name = _item_words(kind, index, self.engine.state)
        message = f"{name} set to {value:g} (the epoch kept)."
        self.network.note = message
        self._say(html.escape(message))

    def _on_show_code(self, change: dict) -> None:
        self._sync_code(self.engine.state)
        self.code.layout.display = None if change["new"] else "none"
        self.show_code.description = "Hide code" if change["new"] else "Show as code"

    def _sync_code(self, state: PlaygroundState) -> None:
        """The code box shows `state`'s model while it is open (writing the code makes the
        data again, which takes a moment: not for every change while it is closed)."""
        if self.show_code.value and self._code_state != state:
            self.code.value = model_as_code(state)
            self._code_state = state

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
        """Every control shows `state`; limits disable what would be invalid; the controls
        `state.hidden` names are hidden."""
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
            self.dataset.value = state.data_name
            # A link may hold a noise up to 80: the slider's end follows it, as in TFP.
            self.noise.max = max(NOISE_SLIDER_MAX, state.noise)
            for setting in ("noise", "train_share", "batch_size", "activation",
                            "learning_rate", "regularization", "regularization_rate",
                            "problem", "recipe", "init", "show_test_data",
                            "discretize"):  # fmt: skip
                getattr(self, setting).value = getattr(state, setting)
            for feature, toggle in self.features.items():
                toggle.value = feature in state.features
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
            hidden = state.hidden
            for name, parts in self._hidable.items():
                for part in parts:
                    part.layout.display = "none" if name in hidden else None
            self.config.value = state.to_config()
            link = state.to_link()
            self.link.value = _block(
                f'<a href="{html.escape(link)}" target="_blank" rel="noopener">Open this setup in '
                f"TensorFlow Playground</a> (or copy the link: <code>{html.escape(link)}</code>)"
            )
            self._sync_code(state)
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
        self.test_loss_text.value = _block(
            f"Test loss <b>{_loss_text(frame.test_loss)}</b> (black line)&emsp;"
        )
        self.train_loss_text.value = _block(
            f"Training loss <b>{_loss_text(frame.train_loss)}</b> (grey line)"
        )
        self.loss_chart.value = _loss_chart(frame.train_history, frame.test_history)
        self._show_main_picture(frame)
        dead = self.engine.dead_links
        if [d.shape for d in dead] != [k.shape for k in frame.kernels]:
            dead = None  # the network changed since the frame was made: the next one shows it
        self.network.svg = network_svg(frame, dead)
        self.diagnostics.value = _diagnostics_html(frame)


# --- pictures and words ---------------------------------------------------------------------


@functools.lru_cache(maxsize=len(CLASSIFICATION_DATASETS) + len(REGRESSION_DATASETS))
def _thumbnail(dataset: str) -> bytes:
    """A dataset's thumbnail as TFP draws it: 200 points at noise 0 over the plane from -6 to 6,
    coloured by label (+1 blue, -1 orange; a regression's targets on the same scale)."""
    points, labels = tfp_points(dataset, TfpRandom(THUMBNAIL_SEED), THUMBNAIL_POINTS, 0)
    size = THUMBNAIL
    image = np.full((size, size, 3), 250, np.uint8)
    colors = colorize(np.clip(labels, -1.0, 1.0))
    cols = np.clip(((points[:, 0] + EXTENT) / (2 * EXTENT) * size).astype(int), 0, size - 2)
    rows = np.clip(((EXTENT - points[:, 1]) / (2 * EXTENT) * size).astype(int), 0, size - 2)
    for dy in (0, 1):
        for dx in (0, 1):
            image[rows + dy, cols + dx] = colors
    return to_png(image)


def _loss_chart(train: np.ndarray, test: np.ndarray) -> bytes:
    """Training (thin grey) and test (thick black) loss from epoch 0 on, drawn with Pillow as
    TFP draws its chart: the y axis from the lowest loss (bottom) to the highest (both written
    above the curves), at most one point per pixel column."""
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
        low = float(finite.min()) if finite.size else 0.0
        top = float(finite.max()) if finite.size else 1.0
        span = top - low if top > low else 1.0
        draw.text((4, 1), f"loss from {low:.3g} to {top:.3g}", fill=(90, 90, 90))
        xs = index / max(n - 1, 1) * (width - 3) + 1
        for values, color, line in zip(series, (TRAIN_LINE, TEST_LINE), (1, 2), strict=True):
            values = np.where(np.isfinite(values), values, top)
            ys = (height - 3) - np.clip((values - low) / span, 0.0, 1.0) * (height - 3 - CHART_TOP)
            points = list(zip(xs.tolist(), ys.tolist(), strict=True))
            if len(points) == 1:
                x0, y0 = points[0]
                draw.ellipse([x0 - 1, y0 - 1, x0 + 1, y0 + 1], fill=color)
            else:
                draw.line(points, fill=color, width=line)
    return image_png(picture)


def _with_axes(png: bytes) -> bytes:
    """A map of the plane with TFP's axes: x below, y on the right, a tick at every integer
    from -6 to 6 (labelled every one, or every other one when the map is small)."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    canvas = _axes_template(*picture.size).copy()
    canvas.paste(picture, (0, 0))
    return image_png(canvas)


@functools.lru_cache(maxsize=4)
def _axes_template(width: int, height: int) -> Any:
    """The axes around a `width` x `height` map, drawn once per size (a PIL image)."""
    from PIL import Image, ImageDraw

    canvas = Image.new("RGB", (width + AXIS_RIGHT, height + AXIS_BOTTOM), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    grey = (80, 80, 80)
    draw.line([(0, height), (width, height)], fill=grey)
    draw.line([(width, 0), (width, height)], fill=grey)
    every = 1 if width / (2 * EXTENT) >= 22 else 2
    for tick in range(-int(EXTENT), int(EXTENT) + 1):
        x = round((tick + EXTENT) / (2 * EXTENT) * (width - 1))
        y = round((EXTENT - tick) / (2 * EXTENT) * (height - 1))
        draw.line([(x, height), (x, height + 3)], fill=grey)
        draw.line([(width, y), (width + 3, y)], fill=grey)
        if tick % every == 0:
            text = str(tick)
            size = draw.textlength(text)
            left = min(max(x - size / 2, 0), width + AXIS_RIGHT - size)
            draw.text((left, height + 4), text, fill=grey)
            top = min(max(y - 5, 0), height - 10)
            draw.text((width + 5, top), text, fill=grey)
    return canvas


def _parse_value(text: Any) -> float:
    """What the learner typed in a weight's or bias's field, as a finite number."""
    try:
        value = float(str(text).strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(
            f"Expected a number such as 0.5 or -1.2. Received: {str(text)!r}. Type a number "
            "and press Enter (Escape closes the field)."
        )
    return value


def _item_words(kind: str, index: tuple[int, ...], state: PlaygroundState) -> str:
    """A weight or bias of `state`'s network in words, e.g. "The weight from x1 to neuron 2
    of layer 1"."""

    def node(layer: int, i: int) -> str:  # layer -1: the inputs; the last: the output
        if layer < 0:
            return FEATURE_LABELS[state.features[i]]
        if layer == len(state.layers):
            return "the output"
        return f"neuron {i + 1} of layer {layer + 1}"

    if kind == "weight":
        layer, source, target = index
        return f"The weight from {node(layer - 1, source)} to {node(layer, target)}"
    return f"The bias of {node(index[0], index[1])}"


def _block(inner: str, role: str = "") -> str:
    """HTML `inner` in a block with text's own line height (an HTML widget's is a control's)."""
    attribute = f' role="{role}"' if role else ""
    return f'<div{attribute} style="line-height:1.4">{inner}</div>'


def _caption(frame: Frame) -> str:
    plane = "over the plane (x1 across, x2 up, both from -6 to 6)"
    if frame.state.problem == "classification":
        if frame.state.recipe == "keras":
            made = "the network's probability p of the +1 class, drawn as 2p - 1"
        else:
            made = "the network's output"
        colours = (
            f"The background is {made} {plane}: blue towards +1, orange towards -1, grey near "
            "0, where the class changes. Points: the +1 class blue squares, the -1 class "
            "orange circles"
        )
    else:
        colours = (
            f"The background is the network's prediction {plane}: blue for +1, orange for "
            "-1, grey near 0. Points are coloured by their target"
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
        state: where to start: a `hlcourse.playground.PlaygroundState`, a TensorFlow
            Playground link or hash (``state.to_config()``, e.g.
            ``"dataset=xor&networkShape=4"``; missing keys take the defaults), or None for
            TensorFlow Playground's defaults (circle, x1 and x2, layers 4 and 2, tanh,
            learning rate 0.03).

    Returns:
        A `Playground` (an ``ipywidgets.VBox``); ``pg.engine`` trains, ``pg.state`` is the
        current state, ``pg.model`` holds the model "Take the model" handed out.
    """
    if state is None:
        state = PlaygroundState()
    else:
        state = as_state(state, "state", "a PlaygroundState, its configuration string, or None")
    return Playground(state)

"""The playground's controls: TensorFlow Playground's panels, laid out, showing a state.

`PlaygroundControls` (an ``ipywidgets.VBox``) builds every control of the playground and lays
them out as TensorFlow Playground (TFP) does: the training bar and the settings, the data
panel (a thumbnail per dataset, noise, training share, batch size), the input features, the
network panel ("+" / "−" for layers and neurons above the network view), the output panel
(losses, loss chart, the main picture, its check boxes) and, at the bottom, the configuration,
the code and "Take the model". `show_state` sets every control to a
`hlcourse.playground.PlaygroundState` and `show_playing` sets the play / pause toggle.

It does nothing when a control changes: `hlcourse.widgets.playground.ui.Playground` adds the
behaviour (the engine, the handlers, the drawing thread). While `show_state` or
`show_playing` sets controls, `syncing` is True in that thread, so the handlers can tell the
learner's changes from the playground's own.
"""

from __future__ import annotations

import html
import threading

import ipywidgets as widgets

from hlcourse import _validate as v
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
)
from hlcourse.playground.tfp_data import TFP_CLASSIFICATION_DATASETS, TFP_REGRESSION_DATASETS
from hlcourse.widgets.playground.network import COLUMN, LEFT, NODE, NetworkView
from hlcourse.widgets.playground.pictures import CHART_SIZE, THUMBNAIL, thumbnail
from hlcourse.widgets.playground.words import epoch_text, html_block, menu_number

__all__ = [
    "DATASET_LABELS",
    "DATASET_TOOLTIPS",
    "TFP_FEATURE_KEYS",
    "PlaygroundControls",
]

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
# What each data set holds, as TFP draws it (+1 blue, -1 orange; tests/widgets/playground/test_ui.py
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

NOISE_STEP, TRAIN_SHARE_STEP = 5, 10  # TFP's slider steps
NOISE_SLIDER_MAX = 50  # TFP's; a link may hold up to 80, and the slider's end follows it
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

BUTTON_WIDTH = "64px"  # a dataset button, its thumbnail above it
OUTPUT_WIDTH = "260px"

_WIDE = {"description_width": "initial"}


def _with_tooltip(kind: type[widgets.Widget], **kwargs) -> widgets.Widget:
    """`kind(**kwargs)`, its `tooltip` (the text shown on hover) set where ipywidgets has it.

    ipywidgets 8 gives every control a `tooltip`; ipywidgets 7 (Google Colab's) gives it to
    buttons only, and the other controls carry `description_tooltip` (and drop an unknown
    `tooltip=` with a warning).
    """
    tooltip = kwargs.pop("tooltip")
    control = kind(**kwargs)
    if control.has_trait("tooltip"):
        control.tooltip = tooltip
    else:
        control.description_tooltip = tooltip
    return control


class PlaygroundControls(widgets.VBox):
    """TensorFlow Playground's controls, laid out, showing a state; no behaviour of their own.

    `hlcourse.widgets.playground.ui.Playground` documents each control (it is one of these).
    Build it empty, then call `show_state`.
    """

    def __init__(self) -> None:
        self._sync_flag = threading.local()  # per thread: the drawing thread syncs the toggle
        self._build_training_bar()
        self._build_data_panel()
        self._build_feature_panel()
        self._build_network_panel()
        self._build_output_panel()
        self._build_bottom()
        self._build_hidable()

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

    @property
    def syncing(self) -> bool:
        """True while this thread sets the controls to a state (their handlers stand back)."""
        return getattr(self._sync_flag, "on", False)

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
        self.learning_rate = _with_tooltip(widgets.Dropdown,
            options=[(menu_number(x), x) for x in LEARNING_RATES], description="Learning rate",
            tooltip="Step size of plain SGD", style=_WIDE, layout=widgets.Layout(width="190px"),
        )  # fmt: skip
        self.activation = _with_tooltip(widgets.Dropdown,
            options=[(ACTIVATION_LABELS[a], a) for a in ACTIVATIONS], description="Activation",
            tooltip="The hidden layers' activation function", style=_WIDE,
            layout=widgets.Layout(width="170px"),
        )  # fmt: skip
        self.regularization = _with_tooltip(widgets.Dropdown,
            options=[(REGULARIZATION_LABELS[r], r) for r in REGULARIZATIONS],
            description="Regularization", tooltip="Penalty on the hidden layers' weights",
            style=_WIDE, layout=widgets.Layout(width="180px"),
        )  # fmt: skip
        self.regularization_rate = _with_tooltip(widgets.Dropdown,
            options=[(menu_number(x), x) for x in REGULARIZATION_RATES],
            description="Regularization rate", tooltip="Strength of the penalty",
            style=_WIDE, layout=widgets.Layout(width="210px"),
        )  # fmt: skip
        self.problem = _with_tooltip(widgets.Dropdown,
            options=[(PROBLEM_LABELS[p], p) for p in PROBLEMS], description="Problem type",
            tooltip="Classification (two classes) or regression (a number per point)",
            style=_WIDE, layout=widgets.Layout(width="240px"),
        )  # fmt: skip
        self.recipe = _with_tooltip(widgets.Dropdown,
            options=[(RECIPE_LABELS[r], r) for r in RECIPE_LABELS], description="Recipe",
            tooltip=(
                "TensorFlow Playground's recipe (tanh output, targets +1/-1, half squared "
                "error, weights U(-0.5, 0.5), biases 0.1) or Keras's defaults (sigmoid output, "
                "cross-entropy, Glorot weights, zero biases)"
            ),
            style=_WIDE, layout=widgets.Layout(width="260px"),
        )  # fmt: skip
        self.init = _with_tooltip(widgets.Dropdown,
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
                value=thumbnail(name), format="png",
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
        self.noise = _with_tooltip(widgets.IntSlider,
            min=0, max=NOISE_SLIDER_MAX, step=NOISE_STEP, description="Noise (%)",
            tooltip="Noise in the data (TFP's 0-50 in steps of 5)",
            layout=widgets.Layout(width="270px"), **slider,
        )  # fmt: skip
        self.train_share = _with_tooltip(widgets.IntSlider,
            min=10, max=90, step=TRAIN_SHARE_STEP, description="Training data (%)",
            tooltip="Share of the points used for training; the rest are test points",
            layout=widgets.Layout(width="270px"), **slider,
        )  # fmt: skip
        self.batch_size = _with_tooltip(widgets.IntSlider,
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
        self.show_test_data = _with_tooltip(widgets.Checkbox,
            description="Show test data", indent=False,
            tooltip="Draw the test points too (black rim)",
        )  # fmt: skip
        self.discretize = _with_tooltip(widgets.Checkbox,
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
        self.config = _with_tooltip(widgets.Textarea,
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

    def _build_hidable(self) -> None:
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

    # --- showing a state ----------------------------------------------------------------------

    def show_state(self, state: PlaygroundState) -> None:
        """Every control shows `state` (their handlers stand back meanwhile); limits disable
        what would be invalid (no seventh layer, no ninth neuron); the controls `state.hidden`
        names are hidden.

        Args:
            state: the `hlcourse.playground.PlaygroundState` to show.
        """
        state = v.check_instance("state", state, PlaygroundState, "a PlaygroundState")
        self._sync_flag.on = True
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
            self.link.value = html_block(
                f'<a href="{html.escape(link)}" target="_blank" rel="noopener">Open this setup in '
                f"TensorFlow Playground</a> (or copy the link: <code>{html.escape(link)}</code>)"
            )
        finally:
            self._sync_flag.on = False

    def show_playing(self, playing: bool) -> None:
        """The play / pause toggle shows `playing` (its handler stands back meanwhile).

        Args:
            playing: True while the network trains.
        """
        playing = v.check_bool("playing", playing)
        self._sync_flag.on = True
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
            self._sync_flag.on = False

"""The playground's settings: every control of TensorFlow Playground, validated, as one value.

A `PlaygroundState` is immutable. Every change goes through a method that validates it and
returns a new state, so an invalid value is refused with a message that teaches and the state
a widget holds stays as it was. Its link is TensorFlow Playground's own::

    >>> state = PlaygroundState()                      # TensorFlow Playground's defaults
    >>> state = state.with_changes(dataset="spiral", noise=10).add_layer()
    >>> state.layers, state.n_inputs
    ((4, 2, 2), 2)
    >>> state.to_link().split("&")[2:4]
    ['dataset=spiral', 'regDataset=reg-plane']
    >>> PlaygroundState.from_link(state.to_link()) == state
    True
    >>> state.with_changes(noise=90)                   # refused; `state` is unchanged
    Traceback (most recent call last):
    ...
    ValueError: Received an invalid value for `noise`, expected an integer from 0 to 80. ...

Settings (field: values; default). TensorFlow Playground's name for each is in brackets.

- dataset [dataset]: the classification data set, ``"circle"``, ``"xor"``, ``"gauss"`` or
  ``"spiral"``; ``"circle"``. reg_dataset [regDataset]: the regression one, ``"reg-plane"``
  or ``"reg-gauss"``; ``"reg-plane"``. Both are remembered, as in the Playground.
- problem [problem]: ``"classification"`` or ``"regression"``; ``"classification"``. It picks
  which of the two data sets is used (`data_name`). ``with_changes(dataset="reg-gauss")`` sets
  reg_dataset and switches to regression, ``with_changes(dataset="xor")`` sets dataset and
  switches to classification, ``with_changes(problem=...)`` only switches.
- noise [noise]: an integer percent from 0 to 80 (the Playground's slider runs 0 to 50 in
  steps of 5; a link may hold up to 80); 0.
- train_share [percTrainData]: percent of points used for training, 10 to 90 (the slider's
  step is 10); 50.
- batch_size [batchSize]: 1 to 30; 10.
- seed [seed]: a string, as the Playground's seeds are (``"0.48213"``): the data and the
  starting weights follow from it. An integer is stored as its decimal string. Non-empty,
  without spaces, ``&``, ``=`` or ``#``; ``"0.48213"``.
- features [x, y, xSquared, ySquared, xTimesY, sinX, sinY]: any set of `FEATURES` (ids
  ``"x1"``, ``"x2"``, ``"x1^2"``, ``"x2^2"``, ``"x1*x2"``, ``"sin_x1"``, ``"sin_x2"``; labels
  in `FEATURE_LABELS`; none at all is allowed, as in the Playground), kept in that order
  whatever order they were given in; ``("x1", "x2")``.
- layers [networkShape]: neurons of each hidden layer, 0 to 6 layers of 1 to 8; ``(4, 2)``.
- activation [activation]: ``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"linear"``; ``"tanh"``.
- learning_rate [learningRate]: one of `LEARNING_RATES` (0.00001 to 10); 0.03.
- regularization [regularization, written L1 / L2]: ``"none"``, ``"l1"``, ``"l2"``;
  ``"none"``. regularization_rate [regularizationRate]: one of `REGULARIZATION_RATES` (0 to
  10); 0. The rate is kept (and ignored) under ``"none"``, as the Playground keeps its menu.
- init [initZero]: ``"default"`` (the recipe's own starting weights), ``"zeros"`` (every weight
  and bias 0: the Playground's initZero) or ``"too_large"`` (weights far too large: saturation,
  exploding outputs; a key of ours, ``init=too_large``); ``"default"``.
- recipe [a key of ours]: ``"playground"`` (the Playground's network and training: tanh output
  for classification, targets as labelled, half the squared error, weights U(-0.5, 0.5) and
  biases 0.1) or ``"keras"`` (Keras' defaults: Glorot uniform weights, zero biases, a sigmoid
  output with cross-entropy for classification); ``"playground"``.
- show_test_data [showTestData], discretize [discretize]: the output map's check boxes; False.
- hidden [``<name>_hide=true``]: controls an instructor hides, a set of names from `HIDABLE`;
  empty. A hidden feature (``"x"``, ``"sinX"``, ...) is off and cannot be switched on.
- Kept for the link only, with no effect here: hide_text [hideText], tutorial [tutorial]
  (None or a name), collect_stats [collectStats], cos_x [cosX], cos_y [cosY]; False, None,
  False, False, False. (In the Playground hideText hides its article and tutorial opens a
  tutorial beside it; the other three change nothing there either.)

What a change needs: `DATA_SETTINGS` (new points from a new seed, then a reset),
`RESET_SETTINGS` (new starting weights, epoch 0), `LIVE_SETTINGS` (used from the next step on);
a new seed means new points and a reset; the rest (`DISPLAY_SETTINGS`) changes only the view.

The link (`to_config`, `to_link`; `from_config`, `from_link`) is the Playground's URL hash: its
keys in its order, ``name=value`` joined by ``&``, lists joined by ``,``, numbers written as
its menus show them, booleans ``true`` / ``false``, no hidden layer as ``networkShape=``, then
our own keys (``recipe=keras``, ``init=too_large``, written only when not the default), then
``<name>_hide=true`` for each hidden control. The default state's hash is the Playground's::

    activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&
    regularizationRate=0&noise=0&networkShape=4,2&seed=0.48213&showTestData=false&
    discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&
    ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&
    problem=classification&initZero=false&hideText=false

(one line). Reading takes a whole link, a ``#hash`` or the bare hash, keys in any order; a
missing key takes its default (a missing seed too, where the Playground draws a new one).
The Playground reads leniently (it skips unknown keys and menu values it lacks, reads any
boolean but ``false`` as true, lets a repeated key's last value win); reading here refuses,
with a ValueError naming the key and the value, an unknown key (with the nearest one), a
repeated key, a bad value (with the values allowed) and a pair without ``=``.

One module because it is one class and its link format: each setting's check is written once
and called by the constructor, by ``with_changes`` and by the link's reader alike, and the
fields, the checks and the link's keys (read and written) must name the same settings. A new
setting touches all of them; in one module a reader sees at once whether they agree, split
by kind (checks, link, class) they would be three modules that must agree. The features'
values over points (`feature_values`, `feature_matrix`) stay beside `FEATURES`, which they
define.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse.playground.tfp_data import (
    TFP_CLASSIFICATION_DATASETS,
    TFP_DATASETS,
    TFP_REGRESSION_DATASETS,
)

__all__ = [
    "ACTIVATIONS",
    "CLASSIFICATION_DATASETS",
    "DATASETS",
    "DATA_SETTINGS",
    "DISPLAY_SETTINGS",
    "FEATURES",
    "FEATURE_KEYS",
    "FEATURE_LABELS",
    "HIDABLE",
    "INITS",
    "LEARNING_RATES",
    "LIMITS",
    "LIVE_SETTINGS",
    "MAX_LAYERS",
    "MAX_NEURONS",
    "PROBLEMS",
    "RECIPES",
    "REGRESSION_DATASETS",
    "REGULARIZATIONS",
    "REGULARIZATION_RATES",
    "RESET_SETTINGS",
    "SLIDERS",
    "TFP_URL",
    "PlaygroundState",
    "feature_matrix",
    "feature_values",
]

# The data sets' names are TensorFlow Playground's, defined once where they are generated.
CLASSIFICATION_DATASETS = TFP_CLASSIFICATION_DATASETS
REGRESSION_DATASETS = TFP_REGRESSION_DATASETS
DATASETS = TFP_DATASETS
PROBLEMS = ("classification", "regression")

FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin_x1", "sin_x2")
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin_x1": "sin(x₁)",
    "sin_x2": "sin(x₂)",
}
# Each feature's key in a Playground link (one true/false key per feature).
FEATURE_KEYS = {
    "x1": "x",
    "x2": "y",
    "x1^2": "xSquared",
    "x2^2": "ySquared",
    "x1*x2": "xTimesY",
    "sin_x1": "sinX",
    "sin_x2": "sinY",
}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATIONS = ("none", "l1", "l2")
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
INITS = ("default", "zeros", "too_large")
RECIPES = ("playground", "keras")
MAX_LAYERS = 6
MAX_NEURONS = 8
NEW_LAYER_NEURONS = 2  # the Playground's "+" adds a layer of two neurons
# Inclusive ranges of the integer settings.
LIMITS = {
    "noise": (0, 80),
    "train_share": (10, 90),
    "batch_size": (1, 30),
    "layers": (0, MAX_LAYERS),
    "neurons": (1, MAX_NEURONS),
}
# The Playground's sliders: (low, high, step). Its noise slider stops at 50; a link may hold
# more (up to LIMITS' 80), and the slider then reaches it.
SLIDERS = {"noise": (0, 50, 5), "train_share": (10, 90, 10), "batch_size": (1, 30, 1)}

# Controls an instructor can hide with `<name>_hide=true`: the Playground's classroom check
# boxes, then the input features (a hidden feature is removed from the inputs), then each
# hidden layer's +/- buttons (numNodes1 is the first hidden layer's).
HIDABLE = (
    "showTestData",
    "discretize",
    "playButton",
    "stepButton",
    "resetButton",
    "learningRate",
    "activation",
    "regularization",
    "regularizationRate",
    "problem",
    "dataset",
    "percTrainData",
    "noise",
    "batchSize",
    "numHiddenLayers",
    "x",
    "y",
    "xSquared",
    "ySquared",
    "xTimesY",
    "sinX",
    "sinY",
    "cosX",
    "cosY",
    *(f"numNodes{k}" for k in range(1, MAX_LAYERS + 1)),
)

# What a change of each field needs (the engine acts on these; see the module docstring).
DATA_SETTINGS = ("dataset", "reg_dataset", "problem", "noise", "train_share")
RESET_SETTINGS = (
    "batch_size",
    "activation",
    "regularization",
    "regularization_rate",
    "features",
    "layers",
    "init",
    "recipe",
)
LIVE_SETTINGS = ("learning_rate",)
DISPLAY_SETTINGS = (
    "show_test_data",
    "discretize",
    "hidden",
    "hide_text",
    "tutorial",
    "collect_stats",
    "cos_x",
    "cos_y",
)

TFP_URL = "https://playground.tensorflow.org/"
DEFAULT_SEED = "0.48213"

_PROBLEM_OF = {
    **dict.fromkeys(CLASSIFICATION_DATASETS, "classification"),
    **dict.fromkeys(REGRESSION_DATASETS, "regression"),
}
# Names a learner may bring from earlier versions of this course or from hlcourse.data.
_OLD_DATASETS = {
    "plane": "reg-plane",
    "multi-gaussian": "reg-gauss",
    "multi_gaussian": "reg-gauss",
    "circles": "circle",
}
_FEATURE_OF_KEY = {key: fid for fid, key in FEATURE_KEYS.items()}
# Names a learner may try for a feature (labels, the Playground's URL names) -> the id.
_FEATURE_ALIASES = {
    **{label: fid for fid, label in FEATURE_LABELS.items()},
    **_FEATURE_OF_KEY,
    **{"x1²": "x1^2", "x2²": "x2^2", "x1x2": "x1*x2"},
    **{"x1**2": "x1^2", "x2**2": "x2^2", "sin(x1)": "sin_x1", "sin(x2)": "sin_x2"},
    **{"sinx1": "sin_x1", "sinx2": "sin_x2", "sin x1": "sin_x1", "sin x2": "sin_x2"},
}


# --- checks, one per setting; `name` is the field or the link's key ------------------------


def _listed(values) -> str:
    return ", ".join(_format_number(x) if isinstance(x, float) else repr(x) for x in values)


def _format_number(x: float) -> str:
    """0.00001 -> '0.00001', 10.0 -> '10', 0.0 -> '0' (as the Playground's menus show them)."""
    return format(x, "f").rstrip("0").rstrip(".")


def _check_dataset_name(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """`value` if it is one of `choices`, with a hint for the other problem's and old names.

    `name` is the field (dataset, reg_dataset) or the link's key (dataset, regDataset); a
    regression name reaches ``dataset`` only from a link (the state routes it elsewhere).
    """
    if isinstance(value, str) and value not in choices:
        expected = f"one of {_listed(choices)}"
        new = _OLD_DATASETS.get(value)
        in_link = f"; a link writes regDataset={new}&problem=regression"
        if new is not None:
            extra = in_link if new in REGRESSION_DATASETS and name == "dataset" else ""
            v.fail(name, expected, value, f"Did you mean {new!r}? (the Playground's name{extra})")
        if value in REGRESSION_DATASETS and name == "dataset":
            hint = f"{value!r} is a regression data set: a link gives it as regDataset={value}"
            v.fail(name, expected, value, f"{hint}&problem=regression")
        if value in CLASSIFICATION_DATASETS:
            where = "dataset" if name == "reg_dataset" else f"a link's dataset={value}"
            v.fail(name, expected, value, f"{value!r} is a classification data set: use {where}")
        close = difflib.get_close_matches(value, choices, n=1)
        if close:
            v.fail(name, expected, value, f"Did you mean {close[0]!r}?")
    return v.check_choice(name, value, choices)


def _check_dataset(value: Any, name: str = "dataset") -> str:
    return _check_dataset_name(value, name, CLASSIFICATION_DATASETS)


def _check_reg_dataset(value: Any, name: str = "reg_dataset") -> str:
    return _check_dataset_name(value, name, REGRESSION_DATASETS)


def _check_problem(value: Any, name: str = "problem") -> str:
    return v.check_choice(name, value, PROBLEMS)


def _check_noise(value: Any, name: str = "noise") -> int:
    return v.check_int(name, value, low=0, high=80)


def _check_train_share(value: Any, name: str = "train_share") -> int:
    return v.check_int(name, value, low=10, high=90, hint="It is a percent, e.g. 50")


def _check_batch_size(value: Any, name: str = "batch_size") -> int:
    return v.check_int(name, value, low=1, high=30)


def _check_from_list(name: str, value: Any, choices: tuple[float, ...]) -> float:
    """`value` snapped to the entry of `choices` it equals (to float precision)."""
    expected = f"one of {_listed(choices)} (TensorFlow Playground's choices)"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        v.fail(name, expected, value, error=TypeError)
    number = float(value)
    for choice in choices:
        if math.isclose(number, choice, rel_tol=1e-6, abs_tol=0.0):
            return choice
    hint = ""
    if math.isfinite(number):
        nearest = min(choices, key=lambda c: abs(c - number))
        hint = f"The nearest is {_format_number(nearest)}"
    v.fail(name, expected, value, hint)


def _check_learning_rate(value: Any, name: str = "learning_rate") -> float:
    return _check_from_list(name, value, LEARNING_RATES)


def _check_regularization_rate(value: Any, name: str = "regularization_rate") -> float:
    return _check_from_list(name, value, REGULARIZATION_RATES)


def _check_activation(value: Any, name: str = "activation") -> str:
    return v.check_choice(name, value, ACTIVATIONS)


def _check_regularization(value: Any, name: str = "regularization") -> str:
    return v.check_choice(name, value, REGULARIZATIONS)


def _check_init(value: Any, name: str = "init") -> str:
    return v.check_choice(name, value, INITS)


def _check_recipe(value: Any, name: str = "recipe") -> str:
    return v.check_choice(
        name,
        value,
        RECIPES,
        hint="'playground' is TensorFlow Playground's network, 'keras' Keras' defaults",
    )


def _check_word(value: Any, name: str, expected: str, example: str) -> str:
    """A non-empty string a link can carry as it is: no spaces, no '&', '=' or '#'."""
    if not isinstance(value, str):
        v.fail(name, expected, value, f"Write e.g. {name}={example!r}", TypeError)
    if not value:
        v.fail(name, expected, value, f"Write e.g. {name}={example!r}")
    bad = sorted({c for c in value if c.isspace() or c in "&=#"})
    if bad:
        shown = ", ".join("a space" if c.isspace() else repr(c) for c in bad)
        v.fail(name, expected, value, f"A link cannot carry {shown} in it")
    return value


def _check_seed(value: Any, name: str = "seed") -> str:
    expected = "a string such as '0.48213' (or an integer), without spaces, '&', '=' or '#'"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        v.fail(name, expected, value, f"Write it as a string: {name}={repr(value)!r}", TypeError)
    return _check_word(value, name, expected, DEFAULT_SEED)


def _check_tutorial(value: Any, name: str = "tutorial") -> str | None:
    if value is None:
        return None
    expected = "None or a tutorial's name, without spaces, '&', '=' or '#'"
    return _check_word(value, name, expected, "spiral")


def _check_flag(value: Any, name: str) -> bool:
    return v.check_bool(name, value)


def _check_hidden(value: Any, name: str = "hidden") -> frozenset[str]:
    expected = "a set of control names from HIDABLE, e.g. {'noise', 'sinX'}"
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        v.fail(name, expected, value, "Give a set, e.g. hidden={'noise'}", TypeError)
    for item in value:
        if not isinstance(item, str):
            v.fail(name, expected, value, error=TypeError)
        if item not in HIDABLE:
            v.fail(name, expected, value, _hidable_hint(item))
    return frozenset(value)


def _hidable_hint(item: str) -> str:
    close = _closest(item, HIDABLE)
    if item in FEATURES:
        return f"Features are hidden by the Playground's key: {FEATURE_KEYS[item]!r}"
    if close:
        return f"Did you mean {close!r}?"
    return f"The names are {', '.join(HIDABLE)}"


def _feature_hint(item: Any) -> str:
    if isinstance(item, str):
        guess = _FEATURE_ALIASES.get(item) or _FEATURE_ALIASES.get(item.strip())
        if guess is None:
            close = difflib.get_close_matches(item, FEATURES, n=1)
            guess = close[0] if close else None
        if guess is not None:
            return f"Did you mean {guess!r} (shown as {FEATURE_LABELS[guess]})?"
    return f"The feature ids are {_listed(FEATURES)}"


def _check_feature_name(value: Any, name: str = "name") -> str:
    expected = f"one of {_listed(FEATURES)}"
    if not isinstance(value, str):
        v.fail(name, expected, value, error=TypeError)
    if value not in FEATURES:
        v.fail(name, expected, value, _feature_hint(value))
    return value


def _check_features(value: Any, name: str = "features", *, canonical: bool = True) -> tuple:
    """Distinct feature ids (none is allowed); in `FEATURES` order if `canonical`."""
    expected = f"a list of distinct features from {_listed(FEATURES)}"
    example = "Write e.g. features=('x1', 'x2'), or () for none"
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        v.fail(name, expected, value, example, TypeError)
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            v.fail(name, expected, value, example, TypeError)
        if item not in FEATURES:
            v.fail(name, expected, value, _feature_hint(item))
    if len(set(items)) != len(items):
        twice = sorted({i for i in items if items.count(i) > 1})
        v.fail(name, expected, value, f"{', '.join(twice)} appears more than once")
    if canonical:
        return tuple(f for f in FEATURES if f in items)
    return tuple(items)


def _check_layers(value: Any, name: str = "layers") -> tuple[int, ...]:
    return tuple(
        v.check_int_list(
            name,
            value,
            low=1,
            high=MAX_NEURONS,
            max_len=MAX_LAYERS,
            hint="Give the neurons of each hidden layer, e.g. (4, 2), or () for none",
        )
    )


_CHECKS = {
    "dataset": _check_dataset,
    "reg_dataset": _check_reg_dataset,
    "problem": _check_problem,
    "noise": _check_noise,
    "train_share": _check_train_share,
    "batch_size": _check_batch_size,
    "seed": _check_seed,
    "features": _check_features,
    "layers": _check_layers,
    "activation": _check_activation,
    "learning_rate": _check_learning_rate,
    "regularization": _check_regularization,
    "regularization_rate": _check_regularization_rate,
    "init": _check_init,
    "recipe": _check_recipe,
    "show_test_data": _check_flag,
    "discretize": _check_flag,
    "hidden": _check_hidden,
    "hide_text": _check_flag,
    "tutorial": _check_tutorial,
    "collect_stats": _check_flag,
    "cos_x": _check_flag,
    "cos_y": _check_flag,
}


# --- the state -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlaygroundState:
    """Every setting of the playground, validated; TensorFlow Playground's defaults.

    Build it with keywords (``PlaygroundState(dataset="xor", layers=(8, 8))``) or from a link
    (`from_link`), change it with `with_changes` and the other methods, which return a new
    state. ``problem`` defaults to None, meaning "follow `dataset`": a regression data set
    given as ``dataset`` (``PlaygroundState(dataset="reg-gauss")``) goes to ``reg_dataset`` and
    makes the problem regression; after construction ``problem`` always holds a name. The
    module docstring lists every field with its values.
    """

    dataset: str = "circle"
    reg_dataset: str = "reg-plane"
    problem: str | None = None
    noise: int = 0
    train_share: int = 50
    batch_size: int = 10
    seed: str = DEFAULT_SEED
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    init: str = "default"
    recipe: str = "playground"
    show_test_data: bool = False
    discretize: bool = False
    hidden: frozenset[str] = frozenset()
    hide_text: bool = False
    tutorial: str | None = None
    collect_stats: bool = False
    cos_x: bool = False
    cos_y: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.dataset, str) and self.dataset in REGRESSION_DATASETS:
            if self.problem not in (None, "regression"):
                _disagree(self.dataset, self.problem)
            if self.reg_dataset not in ("reg-plane", self.dataset):
                v.fail(
                    "reg_dataset",
                    f"{self.dataset!r}, as given in dataset, or no reg_dataset",
                    self.reg_dataset,
                    "Give the regression data set once",
                )
            object.__setattr__(self, "reg_dataset", self.dataset)
            object.__setattr__(self, "dataset", "circle")
            object.__setattr__(self, "problem", "regression")
        if self.problem is None:
            object.__setattr__(self, "problem", "classification")
        for setting, check in _CHECKS.items():
            object.__setattr__(self, setting, check(getattr(self, setting), setting))
        for feature in self.features:
            if FEATURE_KEYS[feature] in self.hidden:
                key = FEATURE_KEYS[feature]
                v.fail(
                    "features",
                    f"features that are not hidden (hidden has {key!r})",
                    self.features,
                    f"A hidden feature is off, as when a link says {key}_hide=true; "
                    f"take {key!r} out of `hidden` to switch it on",
                )

    # --- changes ---------------------------------------------------------------------------

    def with_changes(self, **settings: Any) -> PlaygroundState:
        """A new state with `settings` changed, all validated; this state stays as it was.

        Args:
            **settings: field names and new values, e.g. ``noise=10, layers=(8, 8)``.
                ``dataset`` takes any data set and switches the problem to its own
                (``dataset="reg-gauss"`` sets ``reg_dataset``); ``problem`` alone only
                switches. Hiding a feature (``hidden={"sinX"}``) switches it off.

        Returns:
            A new `PlaygroundState`.
        """
        for setting, value in settings.items():
            if setting not in _CHECKS:
                close = difflib.get_close_matches(setting, list(_CHECKS), n=1)
                hint = f"Did you mean {close[0]!r}?" if close else ""
                v.fail(setting, f"a setting, one of {_listed(_CHECKS)}", value, hint, TypeError)
        changes = dict(settings)
        if "problem" in changes:  # None means "follow the dataset" only when constructing
            changes["problem"] = _check_problem(changes["problem"])
        dataset = changes.get("dataset")
        if isinstance(dataset, str) and dataset in DATASETS:
            problem = _PROBLEM_OF[dataset]
            if changes.get("problem", problem) != problem:
                _disagree(dataset, changes["problem"])
            changes["problem"] = problem
            if problem == "regression":
                if changes.get("reg_dataset", dataset) != dataset:
                    v.fail(
                        "reg_dataset",
                        f"{dataset!r}, as given in dataset, or no reg_dataset",
                        changes["reg_dataset"],
                        "Give the regression data set once",
                    )
                changes["reg_dataset"] = changes.pop("dataset")
        if "hidden" in changes and "features" not in changes:
            hidden = _check_hidden(changes["hidden"])
            changes["features"] = tuple(f for f in self.features if FEATURE_KEYS[f] not in hidden)
        return dataclasses.replace(self, **changes)

    def add_layer(self, neurons: int = NEW_LAYER_NEURONS) -> PlaygroundState:
        """A new state with one more hidden layer (of 2 neurons, as in the Playground) last.

        Args:
            neurons: neurons of the new layer, 1 to 8.

        Returns:
            A new `PlaygroundState`; refused (ValueError) when there are already 6 layers.
        """
        neurons = v.check_int("neurons", neurons, low=1, high=MAX_NEURONS)
        if len(self.layers) >= MAX_LAYERS:
            v.fail(
                "layers",
                f"at most {MAX_LAYERS} hidden layers",
                (*self.layers, neurons),
                "Remove a layer before adding one",
            )
        return self.with_changes(layers=(*self.layers, neurons))

    def remove_layer(self, layer: int | None = None) -> PlaygroundState:
        """A new state without hidden layer `layer` (counted from 0), the last one if None.

        Returns:
            A new `PlaygroundState`; refused (ValueError) when there is no hidden layer.
        """
        if not self.layers:
            v.fail(
                "layers",
                "at least one hidden layer to remove",
                self.layers,
                "With no hidden layer the inputs feed the output directly; add_layer() adds one",
            )
        index = len(self.layers) - 1 if layer is None else self._check_layer_index(layer)
        return self.with_changes(layers=self.layers[:index] + self.layers[index + 1 :])

    def add_neuron(self, layer: int) -> PlaygroundState:
        """A new state with one more neuron in hidden layer `layer` (counted from 0).

        Returns:
            A new `PlaygroundState`; refused (ValueError) beyond 8 neurons.
        """
        index = self._check_layer_index(layer)
        if self.layers[index] >= MAX_NEURONS:
            v.fail(
                f"layers[{index}]",
                f"at most {MAX_NEURONS} neurons",
                self.layers[index] + 1,
                f"Hidden layer {index} is full",
            )
        return self._with_layer_size(index, self.layers[index] + 1)

    def remove_neuron(self, layer: int) -> PlaygroundState:
        """A new state with one neuron fewer in hidden layer `layer` (counted from 0).

        Returns:
            A new `PlaygroundState`; refused (ValueError) below 1 neuron (use `remove_layer`).
        """
        index = self._check_layer_index(layer)
        if self.layers[index] <= 1:
            v.fail(
                f"layers[{index}]",
                "at least 1 neuron",
                0,
                f"To drop hidden layer {index} altogether, use remove_layer({index})",
            )
        return self._with_layer_size(index, self.layers[index] - 1)

    def toggle_feature(self, name: str, on: bool | None = None) -> PlaygroundState:
        """A new state with input feature `name` switched on or off.

        Args:
            name: a feature id from `FEATURES`, e.g. ``"x1^2"``.
            on: True to switch it on, False off, None (default) to flip it.

        Returns:
            A new `PlaygroundState` (switching off the last feature leaves none, as in the
            Playground); switching on a hidden feature is refused.
        """
        name = _check_feature_name(name)
        if on is not None:
            on = v.check_bool("on", on)
        turn_on = (name not in self.features) if on is None else on
        if turn_on:
            if name in self.features:
                return self
            return self.with_changes(features=(*self.features, name))
        return self.with_changes(features=tuple(f for f in self.features if f != name))

    def _check_layer_index(self, layer: Any) -> int:
        if not self.layers:
            v.fail(
                "layer",
                "the index of a hidden layer, but the network has none",
                layer,
                "Add one with add_layer() first",
            )
        return v.check_int(
            "layer",
            layer,
            low=0,
            high=len(self.layers) - 1,
            hint="Hidden layers are counted from 0, the one next to the inputs",
        )

    def _with_layer_size(self, index: int, size: int) -> PlaygroundState:
        layers = list(self.layers)
        layers[index] = size
        return self.with_changes(layers=tuple(layers))

    # --- derived values ----------------------------------------------------------------------

    @property
    def data_name(self) -> str:
        """The data set in use: `dataset` for classification, `reg_dataset` for regression."""
        return self.dataset if self.problem == "classification" else self.reg_dataset

    @property
    def n_inputs(self) -> int:
        """Number of input features (columns the model reads)."""
        return len(self.features)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units of every layer, inputs first and the single output unit last, e.g. (2, 4, 2, 1)."""
        return (self.n_inputs, *self.layers, 1)

    def feature_matrix(self, x: Any, dtype: str = "float32") -> np.ndarray:
        """This state's input columns for raw points `x` of shape ``(n, 2)``.

        Returns:
            An array of shape ``(n, n_inputs)`` and type `dtype`, columns in `features` order.
        """
        return feature_matrix(x, self.features, dtype=dtype)

    # --- links -------------------------------------------------------------------------------

    def to_config(self) -> str:
        """The whole state as TensorFlow Playground's URL hash, without the ``#``.

        The Playground's keys come in its order, then ours (``recipe``, ``init``) when not
        the default, then ``<name>_hide=true`` for each hidden control (see the module
        docstring).
        """
        return "&".join(f"{key}={value}" for key, value in self._pairs())

    def to_link(self, base: str = TFP_URL) -> str:
        """A link to this state: `base` + ``#`` + `to_config()`.

        Args:
            base: the page, TensorFlow Playground's by default.

        Returns:
            The link, e.g. ``"https://playground.tensorflow.org/#activation=tanh&..."``.
        """
        base = _check_word(base, "base", "a web address without '#'", TFP_URL)
        return f"{base}#{self.to_config()}"

    @classmethod
    def from_config(cls, text: str) -> PlaygroundState:
        """The state a TensorFlow Playground link, its ``#hash`` or the bare hash describes.

        Args:
            text: ``key=value`` pairs joined by ``&``, in any order, alone, after a ``#`` or
                in a whole link; missing keys take their defaults.

        Returns:
            A new `PlaygroundState`; an unknown or repeated key, a bad value or a pair without
            ``=`` raises ValueError naming the key and the value.
        """
        return _parse(text, "text")

    @classmethod
    def from_link(cls, link: str) -> PlaygroundState:
        """The state a TensorFlow Playground link describes (the same as `from_config`).

        Args:
            link: a whole link such as ``"https://playground.tensorflow.org/#noise=10&..."``,
                its ``#hash`` or the bare hash.

        Returns:
            A new `PlaygroundState`; a bad link raises ValueError naming the key and value.
        """
        return _parse(link, "link")

    def _pairs(self) -> list[tuple[str, str]]:
        on = set(self.features)
        pairs = [("activation", self.activation)]
        if self.regularization != "none":  # the Playground leaves its null out
            pairs.append(("regularization", self.regularization.upper()))
        pairs += [
            ("batchSize", str(self.batch_size)),
            ("dataset", self.dataset),
            ("regDataset", self.reg_dataset),
            ("learningRate", _format_number(self.learning_rate)),
            ("regularizationRate", _format_number(self.regularization_rate)),
            ("noise", str(self.noise)),
            ("networkShape", ",".join(str(n) for n in self.layers)),
            ("seed", self.seed),
            ("showTestData", _write_bool(self.show_test_data)),
            ("discretize", _write_bool(self.discretize)),
            ("percTrainData", str(self.train_share)),
            ("x", _write_bool("x1" in on)),
            ("y", _write_bool("x2" in on)),
            ("xTimesY", _write_bool("x1*x2" in on)),
            ("xSquared", _write_bool("x1^2" in on)),
            ("ySquared", _write_bool("x2^2" in on)),
            ("cosX", _write_bool(self.cos_x)),
            ("sinX", _write_bool("sin_x1" in on)),
            ("cosY", _write_bool(self.cos_y)),
            ("sinY", _write_bool("sin_x2" in on)),
            ("collectStats", _write_bool(self.collect_stats)),
        ]
        if self.tutorial is not None:
            pairs.append(("tutorial", self.tutorial))
        pairs += [
            ("problem", self.problem),
            ("initZero", _write_bool(self.init == "zeros")),
            ("hideText", _write_bool(self.hide_text)),
        ]
        if self.recipe != "playground":
            pairs.append(("recipe", self.recipe))
        if self.init == "too_large":
            pairs.append(("init", self.init))
        pairs += [(f"{name}_hide", "true") for name in HIDABLE if name in self.hidden]
        return pairs


def _disagree(dataset: str, problem: Any) -> None:
    v.fail(
        "problem",
        f"{_PROBLEM_OF[dataset]!r} for dataset={dataset!r}",
        problem,
        "Give only the data set: it sets its problem",
    )


def _write_bool(value: bool) -> str:
    return "true" if value else "false"


# --- reading a link ----------------------------------------------------------------------------


def _read_int(raw: str, key: str) -> Any:
    """The integer `raw` spells (``"10"``, also ``"10.0"`` as the Playground reads it)."""
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if math.isfinite(number) and number == int(number) else number


def _read_float(raw: str, key: str) -> Any:
    try:
        return float(raw)
    except ValueError:
        return raw


def _read_bool(raw: str, key: str) -> bool:
    if raw not in ("true", "false"):
        v.fail(key, "true or false", raw, "A link writes booleans in lower case")
    return raw == "true"


def _read_ints(raw: str, key: str) -> Any:
    if not raw:
        return ()
    return tuple(_read_int(part, key) for part in raw.split(","))


def _read_regularization(raw: str, key: str) -> str:
    written = {"none": "none", "L1": "l1", "L2": "l2"}
    if raw not in written:
        hint = f"Did you mean {raw.upper()!r}?" if raw.upper() in written else ""
        v.fail(key, "one of 'none', 'L1', 'L2' (as the Playground writes them)", raw, hint)
    return written[raw]


def _as_is(raw: str, key: str) -> str:
    return raw


# The Playground's keys and ours -> (field, reader). A field's check then runs under the key's
# name, so an error names the key as the link spells it. Feature keys and initZero are
# collected apart (several keys make one field).
_READERS = {
    "activation": ("activation", _as_is),
    "regularization": ("regularization", _read_regularization),
    "batchSize": ("batch_size", _read_int),
    "dataset": ("dataset", _as_is),
    "regDataset": ("reg_dataset", _as_is),
    "learningRate": ("learning_rate", _read_float),
    "regularizationRate": ("regularization_rate", _read_float),
    "noise": ("noise", _read_int),
    "networkShape": ("layers", _read_ints),
    "seed": ("seed", _as_is),
    "showTestData": ("show_test_data", _read_bool),
    "discretize": ("discretize", _read_bool),
    "percTrainData": ("train_share", _read_int),
    **{key: ("features", _read_bool) for key in FEATURE_KEYS.values()},
    "cosX": ("cos_x", _read_bool),
    "cosY": ("cos_y", _read_bool),
    "collectStats": ("collect_stats", _read_bool),
    "tutorial": ("tutorial", _as_is),
    "problem": ("problem", _as_is),
    "initZero": ("init", _read_bool),
    "hideText": ("hide_text", _read_bool),
    "recipe": ("recipe", _as_is),
    "init": ("init", _as_is),
}
_LINK_KEYS = (*_READERS, *(f"{name}_hide" for name in HIDABLE))

# Keys a learner may bring from this course's earlier configuration strings or from the
# fields' Python names -> what a link writes instead.
_FEATURE_KEYS_WORDS = (
    "one true/false key per feature: x, y, xSquared, ySquared, xTimesY, sinX, sinY"
)
_KEY_HINTS = {
    "trainShare": "percTrainData",
    "features": _FEATURE_KEYS_WORDS,
    "layers": "networkShape",
    "hidden": "<control>_hide=true for each hidden control",
    "reg_dataset": "regDataset",
    "train_share": "percTrainData",
    "batch_size": "batchSize",
    "learning_rate": "learningRate",
    "regularization_rate": "regularizationRate",
    "show_test_data": "showTestData",
    "hide_text": "hideText",
    "collect_stats": "collectStats",
    "cos_x": "cosX",
    "cos_y": "cosY",
    "init_zero": "initZero",
    **FEATURE_KEYS,
}


def _closest(word: str, choices) -> str | None:
    """The choice `word` spells apart from case, else the nearest by difflib, else None."""
    same = [c for c in choices if c.lower() == word.lower()]
    close = same or difflib.get_close_matches(word, choices, n=1)
    return close[0] if close else None


def _unknown_key(key: str, piece: str, name: str) -> None:
    if key in _KEY_HINTS:
        hint = f"TensorFlow Playground writes {_KEY_HINTS[key]}"
    elif key.endswith("_hide"):
        close = _closest(key[: -len("_hide")], HIDABLE)
        hint = f"Did you mean {close}_hide?" if close else f"Hidable: {', '.join(HIDABLE)}"
    else:
        close = _closest(key, _LINK_KEYS)
        hint = f"Did you mean {close}?" if close else f"The keys are {', '.join(_READERS)}"
    expected = "a key of TensorFlow Playground's links (or recipe, init, <control>_hide)"
    v.fail(name, expected, piece, f"`{key}` is not one. {hint}")


def _hash_of(text: str) -> str:
    """The part of a link, a ``#hash`` or a bare hash that holds the settings."""
    text = text.strip()
    if "#" in text:
        return text.split("#", 1)[1]
    if "://" in text:  # a link without a hash: the Playground opens its defaults
        return ""
    return text


def _parse(text: Any, name: str) -> PlaygroundState:
    example = "e.g. 'https://playground.tensorflow.org/#dataset=xor&noise=10'"
    if not isinstance(text, str):
        v.fail(name, f"a link or its hash, {example}", text, error=TypeError)
    if not text.strip():
        v.fail(name, f"a link or its hash, {example}", text, "It is empty")
    settings: dict[str, Any] = {}
    features = {key: fid in PlaygroundState.features for fid, key in FEATURE_KEYS.items()}
    hidden: set[str] = set()
    seen: set[str] = set()
    zeros = None
    for piece in _hash_of(text).split("&"):
        piece = piece.strip()
        if not piece:
            continue
        if piece.count("=") != 1:
            what = "has no '='" if "=" not in piece else "has more than one '='"
            v.fail(name, "key=value pairs joined by '&'", piece, f"This piece {what}")
        key, _, raw = (part.strip() for part in piece.partition("="))
        if key not in _LINK_KEYS:
            _unknown_key(key, piece, name)
        if key in seen:
            v.fail(name, "each key once", piece, f"`{key}` appears more than once")
        seen.add(key)
        if key.endswith("_hide"):
            if _read_bool(raw, key):
                hidden.add(key[: -len("_hide")])
            continue
        if not raw and key != "networkShape":
            v.fail(key, "a value", raw, f"Write {key}=<value>, or leave the key out")
        setting, read = _READERS[key]
        value = read(raw, key)
        if key in features:
            features[key] = value
        elif key == "initZero":
            zeros = value
        else:
            try:
                settings[setting] = _CHECKS[setting](value, key)
            except TypeError as err:  # the text is a string: a wrong form is a wrong value
                raise ValueError(str(err)) from None
    if zeros is not None and "init" in settings and (settings["init"] == "zeros") != zeros:
        v.fail(
            "init",
            f"{'zeros' if zeros else 'default or too_large'}, as initZero={_write_bool(zeros)}",
            settings["init"],
            "initZero=true means init zeros; give one of the two",
        )
    if zeros:
        settings["init"] = "zeros"
    # A hidden feature is no input, whatever its key says (the Playground deletes it).
    settings["features"] = tuple(
        fid for fid, key in FEATURE_KEYS.items() if features[key] and key not in hidden
    )
    settings["hidden"] = frozenset(hidden)
    settings.setdefault("problem", "classification")
    return PlaygroundState(**settings)


def as_state(
    value: PlaygroundState | str,
    name: str = "state",
    expected: str = "a PlaygroundState or a configuration string",
) -> PlaygroundState:
    """A `PlaygroundState` from an argument a caller passed as `name`: the state itself, or
    a TensorFlow Playground link or hash read with `PlaygroundState.from_link`.

    Errors from inside a link name the key (``noise``) and say the link was given as `name`.

    Args:
        value: a `PlaygroundState`, or a link or hash (``state.to_config()``).
        name: the caller's argument, for the error message.
        expected: what the caller accepts, for the error message of a wrong type.

    Returns:
        The `PlaygroundState`.
    """
    if not isinstance(value, str):
        return v.check_instance(name, value, PlaygroundState, expected)
    try:
        return _parse(value, name)
    except ValueError as err:
        if str(err).startswith(f"Received an invalid value for `{name}`"):
            raise
        where = f"(in the link given as `{name}`)"
        raise ValueError(f"{str(err).rstrip('.')} {where}") from None


# --- input features ------------------------------------------------------------------------

_FEATURE_FUNCTIONS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}
_DTYPES = ("float32", "float64")


def _points(x: Any, dtype: str) -> np.ndarray:
    """`x` validated as points of shape (n, 2), in `dtype` (float64 keeps every digit)."""
    checked = v.check_array("x", x, sample_shape=(2,))
    dtype = v.check_choice("dtype", dtype, _DTYPES)
    return checked if dtype == "float32" else np.asarray(x, dtype=np.float64)


def feature_values(name: str, x: Any, dtype: str = "float32") -> np.ndarray:
    """One input feature of the playground computed from raw points.

    The features are plain functions of the coordinates (sin takes radians); TensorFlow
    Playground's points span [-6, 6], where sin x1 bends.

    Args:
        name: a feature id from `FEATURES`: ``"x1"``, ``"x2"``, ``"x1^2"``, ``"x2^2"``,
            ``"x1*x2"``, ``"sin_x1"`` or ``"sin_x2"``.
        x: raw points, shape ``(n, 2)`` (columns x1, x2).
        dtype: ``"float32"`` or ``"float64"`` (computed from the points as given).

    Returns:
        An array of shape ``(n,)``.
    """
    name = _check_feature_name(name)
    points = _points(x, dtype)
    return _FEATURE_FUNCTIONS[name](points[:, 0], points[:, 1]).astype(dtype)


def feature_matrix(x: Any, features: Any = ("x1", "x2"), dtype: str = "float32") -> np.ndarray:
    """Several input features computed from raw points, one column each.

    Args:
        x: raw points, shape ``(n, 2)`` (columns x1, x2).
        features: distinct feature ids from `FEATURES`, e.g. ``("x1", "x2", "sin_x1")``;
            none gives ``n`` rows of no column (a network with no input).
        dtype: ``"float32"`` or ``"float64"`` (computed from the points as given).

    Returns:
        An array of shape ``(n, len(features))``, columns in the order given.
    """
    points = _points(x, dtype)
    features = _check_features(features, "features", canonical=False)
    columns = [_FEATURE_FUNCTIONS[f](points[:, 0], points[:, 1]) for f in features]
    if not columns:
        return np.zeros((len(points), 0), dtype=dtype)
    return np.stack(columns, axis=1).astype(dtype)

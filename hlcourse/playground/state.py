"""The playground's settings: every control of TensorFlow Playground, validated, as one value.

A `PlaygroundState` is immutable. Every change goes through a method that validates it and
returns a new state, so an invalid value is refused with a message that teaches and the state
a widget holds stays as it was::

    >>> state = PlaygroundState()                      # TensorFlow Playground's defaults
    >>> state = state.with_changes(dataset="spiral", noise=10).add_layer()
    >>> state.layers, state.n_inputs
    ((4, 2, 2), 2)
    >>> state.with_changes(noise=70)                   # ValueError, `state` is unchanged
    >>> PlaygroundState.from_config(state.to_config()) == state
    True

Settings (field: values, default):

- dataset: ``"circle"``, ``"xor"``, ``"gauss"``, ``"spiral"`` (classification) or ``"plane"``,
  ``"multi-gaussian"`` (regression); ``"circle"``. `DATA_NAMES` maps them onto
  `hlcourse.data`'s names: circle -> ``"circles"``, multi-gaussian -> ``"multi_gaussian"``,
  the others keep theirs.
- problem: ``"classification"`` or ``"regression"``; must agree with the dataset. As in the
  Playground, where the problem type switches the list of datasets, changing one alone moves
  the other: ``with_changes(problem="regression")`` picks ``"plane"`` (``"circle"`` the other
  way), ``with_changes(dataset="plane")`` sets the problem to regression. Both at once must
  agree.
- noise: an integer percent from 0 to 50; 0. train_share: percent of points used for
  training, 10 to 90; 50. batch_size: 1 to 30; 10. seed: 0 to 2**32 - 1 (a new seed
  regenerates the points); 0.
- features: a non-empty set of `FEATURES` (ids ``"x1"``, ``"x2"``, ``"x1^2"``, ``"x2^2"``,
  ``"x1*x2"``, ``"sin_x1"``, ``"sin_x2"``; labels for display in `FEATURE_LABELS`), kept in
  that order whatever order they were given in; ``("x1", "x2")``.
- layers: neurons of each hidden layer, 0 to 6 layers of 1 to 8 neurons; ``(4, 2)``.
- activation: ``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"linear"``; ``"tanh"``.
- learning_rate: one of `LEARNING_RATES` (the Playground's list, 0.00001 to 10); 0.03.
- regularization: ``"none"``, ``"l1"``, ``"l2"``; ``"none"``. regularization_rate: one of
  `REGULARIZATION_RATES` (0 to 10); 0. The rate is kept (and ignored) under ``"none"``, as
  the Playground keeps its dropdown.
- init: ``"default"`` (Keras' Glorot uniform), ``"zeros"`` (every weight 0: symmetry is never
  broken) or ``"too_large"`` (weights far too large: saturation, exploding outputs);
  ``"default"``. Beyond the Playground.
- show_test_data, discretize: the output map's two check boxes; False.

What a change needs (`ARCHITECTURE_SETTINGS`, `DATA_SETTINGS`, `TRAINING_SETTINGS`,
`DISPLAY_SETTINGS` split the fields): features, layers, activation, init and problem change the
model, so it must be rebuilt (`architecture_changed`); dataset, noise, train share and seed
change the points (`data_changed`); batch size, learning rate and regularization apply from the
next training step on the same model (the engine adds the penalty in its own loss), and the
two check boxes change only the picture.

The configuration string (`to_config` / `from_config`) is the Playground's URL hash in spirit:
``key=value`` pairs joined by ``&``, lists joined by ``,``, numbers written as in the
Playground's menus, booleans ``true`` / ``false``, no hidden layer as an empty ``layers=``::

    dataset=circle&noise=0&trainShare=50&batchSize=10&features=x1,x2&layers=4,2&
    activation=tanh&learningRate=0.03&regularization=none&regularizationRate=0&
    problem=classification&init=default&showTestData=false&discretize=false&seed=0

(one line). Keys (`CONFIG_KEYS`) may come in any order; a missing key takes its default (the
dataset and problem follow each other as above); a leading ``#`` or ``?`` and spaces around
keys and values are ignored. An unknown, repeated or malformed key or value is refused with a
ValueError naming the key and the value.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _validate as v

__all__ = [
    "ACTIVATIONS",
    "ARCHITECTURE_SETTINGS",
    "CLASSIFICATION_DATASETS",
    "CONFIG_KEYS",
    "DATASETS",
    "DATA_NAMES",
    "DATA_SETTINGS",
    "DISPLAY_SETTINGS",
    "FEATURES",
    "FEATURE_LABELS",
    "INITS",
    "LEARNING_RATES",
    "LIMITS",
    "MAX_LAYERS",
    "MAX_NEURONS",
    "N_SAMPLES",
    "PROBLEMS",
    "REGRESSION_DATASETS",
    "REGULARIZATIONS",
    "REGULARIZATION_RATES",
    "TRAINING_SETTINGS",
    "PlaygroundState",
    "feature_matrix",
    "feature_values",
]

CLASSIFICATION_DATASETS = ("circle", "xor", "gauss", "spiral")
REGRESSION_DATASETS = ("plane", "multi-gaussian")
DATASETS = CLASSIFICATION_DATASETS + REGRESSION_DATASETS
PROBLEMS = ("classification", "regression")
# The playground's dataset names -> hlcourse.data's (make_classification / make_regression).
DATA_NAMES = {
    "circle": "circles",
    "xor": "xor",
    "gauss": "gauss",
    "spiral": "spiral",
    "plane": "plane",
    "multi-gaussian": "multi_gaussian",
}
# Points per data set, training and test together (TensorFlow Playground's numbers).
N_SAMPLES = {"classification": 500, "regression": 1200}

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
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATIONS = ("none", "l1", "l2")
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
INITS = ("default", "zeros", "too_large")
MAX_LAYERS = 6
MAX_NEURONS = 8
NEW_LAYER_NEURONS = 2  # the Playground's "+" adds a layer of two neurons
# Inclusive ranges of the integer settings, for sliders.
LIMITS = {
    "noise": (0, 50),
    "train_share": (10, 90),
    "batch_size": (1, 30),
    "layers": (0, MAX_LAYERS),
    "neurons": (1, MAX_NEURONS),
}

ARCHITECTURE_SETTINGS = ("features", "layers", "activation", "init", "problem")
DATA_SETTINGS = ("dataset", "noise", "train_share", "seed")
TRAINING_SETTINGS = ("batch_size", "learning_rate", "regularization", "regularization_rate")
DISPLAY_SETTINGS = ("show_test_data", "discretize")

_PROBLEM_OF = {
    **dict.fromkeys(CLASSIFICATION_DATASETS, "classification"),
    **dict.fromkeys(REGRESSION_DATASETS, "regression"),
}
_DEFAULT_DATASET = {"classification": "circle", "regression": "plane"}
# Names a learner may try for a feature (labels, the Playground's URL names) -> the id.
_FEATURE_ALIASES = {
    **{label: fid for fid, label in FEATURE_LABELS.items()},
    **{"x": "x1", "y": "x2", "xSquared": "x1^2", "ySquared": "x2^2", "xTimesY": "x1*x2"},
    **{"sinX": "sin_x1", "sinY": "sin_x2", "x1²": "x1^2", "x2²": "x2^2", "x1x2": "x1*x2"},
    **{"x1**2": "x1^2", "x2**2": "x2^2", "sin(x1)": "sin_x1", "sin(x2)": "sin_x2"},
    **{"sinx1": "sin_x1", "sinx2": "sin_x2", "sin x1": "sin_x1", "sin x2": "sin_x2"},
}


# --- checks, one per setting; `name` is the field or the configuration key -----------------


def _listed(values) -> str:
    return ", ".join(_format_number(x) if isinstance(x, float) else repr(x) for x in values)


def _format_number(x: float) -> str:
    """0.00001 -> '0.00001', 10.0 -> '10', 0.0 -> '0' (as the Playground's menus show them)."""
    return format(x, "f").rstrip("0").rstrip(".")


def _check_dataset(value: Any, name: str = "dataset") -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value not in DATASETS:
        ours = {data: mine for mine, data in DATA_NAMES.items() if data != mine}
        if value in ours:
            v._fail(
                name,
                f"one of {_listed(DATASETS)}",
                value,
                f"Did you mean {ours[value]!r}? ({value!r} is hlcourse.data's name for it)",
            )
    return v.check_choice(name, value, DATASETS)


def _check_problem(value: Any, name: str = "problem") -> str | None:
    if value is None:
        return None
    return v.check_choice(name, value, PROBLEMS)


def _check_noise(value: Any, name: str = "noise") -> int:
    return v.check_int(name, value, low=0, high=50)


def _check_train_share(value: Any, name: str = "train_share") -> int:
    return v.check_int(name, value, low=10, high=90, hint="It is a percent, e.g. 50")


def _check_batch_size(value: Any, name: str = "batch_size") -> int:
    return v.check_int(name, value, low=1, high=30)


def _check_from_list(name: str, value: Any, choices: tuple[float, ...]) -> float:
    """`value` snapped to the entry of `choices` it equals (to float precision)."""
    expected = f"one of {_listed(choices)} (TensorFlow Playground's choices)"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        v._fail(name, expected, value, error=TypeError)
    number = float(value)
    for choice in choices:
        if math.isclose(number, choice, rel_tol=1e-6, abs_tol=0.0):
            return choice
    hint = ""
    if math.isfinite(number):
        nearest = min(choices, key=lambda c: abs(c - number))
        hint = f"The nearest is {_format_number(nearest)}"
    v._fail(name, expected, value, hint)


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


def _check_seed(value: Any, name: str = "seed") -> int:
    return v.check_seed(name, value)


def _check_flag(value: Any, name: str) -> bool:
    return v.check_bool(name, value)


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
        v._fail(name, expected, value, error=TypeError)
    if value not in FEATURES:
        v._fail(name, expected, value, _feature_hint(value))
    return value


def _check_features(value: Any, name: str = "features", *, canonical: bool = True) -> tuple:
    """A non-empty collection of distinct feature ids; in `FEATURES` order if `canonical`."""
    expected = f"a non-empty list of distinct features from {_listed(FEATURES)}"
    example = "Write e.g. features=('x1', 'x2')"
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        v._fail(name, expected, value, example, TypeError)
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            v._fail(name, expected, value, example, TypeError)
        if item not in FEATURES:
            v._fail(name, expected, value, _feature_hint(item))
    if not items:
        v._fail(name, expected, value, "A network needs at least one input")
    if len(set(items)) != len(items):
        twice = sorted({i for i in items if items.count(i) > 1})
        v._fail(name, expected, value, f"{', '.join(twice)} appears more than once")
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
    "show_test_data": _check_flag,
    "discretize": _check_flag,
}


# --- the state -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlaygroundState:
    """Every setting of the playground, validated; TensorFlow Playground's defaults.

    Build it with keywords (``PlaygroundState(dataset="xor", layers=(8, 8))``) and change it
    with `with_changes` and the other methods, which return a new state. ``dataset`` and
    ``problem`` default to None, meaning "follow the other one" (both None: circle,
    classification); after construction both always hold names. The module docstring lists
    every field with its values.
    """

    dataset: str | None = None
    problem: str | None = None
    noise: int = 0
    train_share: int = 50
    batch_size: int = 10
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    init: str = "default"
    show_test_data: bool = False
    discretize: bool = False

    def __post_init__(self) -> None:
        for setting, check in _CHECKS.items():
            object.__setattr__(self, setting, check(getattr(self, setting), setting))
        dataset, problem = self.dataset, self.problem
        if dataset is None:
            dataset = _DEFAULT_DATASET[problem or "classification"]
        if problem is None:
            problem = _PROBLEM_OF[dataset]
        if _PROBLEM_OF[dataset] != problem:
            wanted = _PROBLEM_OF[dataset]
            v._fail(
                "problem",
                f"{wanted!r} for dataset={dataset!r}",
                problem,
                f"The {problem} datasets are {_listed(_datasets_of(problem))}. Give a "
                "matching pair, or change only one: the other follows",
            )
        object.__setattr__(self, "dataset", dataset)
        object.__setattr__(self, "problem", problem)

    # --- changes ---------------------------------------------------------------------------

    def with_changes(self, **settings: Any) -> PlaygroundState:
        """A new state with `settings` changed, all validated; this state stays as it was.

        Args:
            **settings: field names and new values, e.g. ``noise=10, layers=(8, 8)``.
                Changing ``problem`` alone picks that problem's first dataset (if the dataset
                does not fit it); changing ``dataset`` alone sets its problem.

        Returns:
            A new `PlaygroundState`.
        """
        for setting, value in settings.items():
            if setting not in _CHECKS:
                close = difflib.get_close_matches(setting, list(_CHECKS), n=1)
                hint = f"Did you mean {close[0]!r}?" if close else ""
                v._fail(setting, f"a setting, one of {_listed(_CHECKS)}", value, hint, TypeError)
        changes = dict(settings)
        if "problem" not in changes and changes.get("dataset") is not None:
            changes["problem"] = None  # follows the new dataset
        if "dataset" not in changes and changes.get("problem") not in (None, self.problem):
            changes["dataset"] = None  # the new problem's first dataset
        return dataclasses.replace(self, **changes)

    def regenerate(self) -> PlaygroundState:
        """The same settings with the next seed (the Playground's "Regenerate" button)."""
        return self.with_changes(seed=(self.seed + 1) % 2**32)

    def add_layer(self, neurons: int = NEW_LAYER_NEURONS) -> PlaygroundState:
        """A new state with one more hidden layer (of 2 neurons, as in the Playground) last.

        Args:
            neurons: neurons of the new layer, 1 to 8.

        Returns:
            A new `PlaygroundState`; refused (ValueError) when there are already 6 layers.
        """
        neurons = v.check_int("neurons", neurons, low=1, high=MAX_NEURONS)
        if len(self.layers) >= MAX_LAYERS:
            v._fail(
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
            v._fail(
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
            v._fail(
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
            v._fail(
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
            A new `PlaygroundState`; switching off the only feature left is refused.
        """
        name = _check_feature_name(name)
        if on is not None:
            on = v.check_bool("on", on)
        turn_on = (name not in self.features) if on is None else on
        if turn_on:
            if name in self.features:
                return self
            return self.with_changes(features=(*self.features, name))
        if self.features == (name,):
            v._fail(
                "name",
                "a feature other than the only one switched on",
                name,
                "A network needs at least one input: switch another feature on first",
            )
        return self.with_changes(features=tuple(f for f in self.features if f != name))

    def _check_layer_index(self, layer: Any) -> int:
        if not self.layers:
            v._fail(
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

    # --- what changed ------------------------------------------------------------------------

    def architecture_changed(self, other: PlaygroundState) -> bool:
        """True when going between this state and `other` needs a new model.

        That is when any of `ARCHITECTURE_SETTINGS` differs (features, layers, activation,
        init, problem); learning rate, batch size, regularization, data and display do not.
        """
        other = v.check_instance("other", other, PlaygroundState, "a PlaygroundState")
        return any(getattr(self, s) != getattr(other, s) for s in ARCHITECTURE_SETTINGS)

    def data_changed(self, other: PlaygroundState) -> bool:
        """True when `other` needs new points (dataset, noise, train share or seed differ)."""
        other = v.check_instance("other", other, PlaygroundState, "a PlaygroundState")
        return any(getattr(self, s) != getattr(other, s) for s in DATA_SETTINGS)

    # --- derived values ----------------------------------------------------------------------

    @property
    def n_inputs(self) -> int:
        """Number of input features (columns the model reads)."""
        return len(self.features)

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units of every layer, inputs first and the single output unit last, e.g. (2, 4, 2, 1)."""
        return (self.n_inputs, *self.layers, 1)

    @property
    def data_name(self) -> str:
        """The dataset's name in `hlcourse.data` (``"circles"`` for circle, ...)."""
        return DATA_NAMES[self.dataset]

    @property
    def data_noise(self) -> float:
        """`noise` in `hlcourse.data`'s units: the standard deviation of its Gaussian jitter.

        The Playground jitters circle and xor points uniformly by up to noise% of the data's
        radius; on `hlcourse.data`'s radius of 1 that is a spread of ``noise / 100 / sqrt(3)``.
        """
        return self.noise / (100.0 * math.sqrt(3.0))

    @property
    def test_fraction(self) -> float:
        """Share of points held out for testing, ``1 - train_share / 100``."""
        return (100 - self.train_share) / 100.0

    def data_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `hlcourse.data.make_classification` (or `make_regression`
        when ``problem == "regression"``) that make this state's points."""
        return {
            "name": self.data_name,
            "n_samples": N_SAMPLES[self.problem],
            "noise": self.data_noise,
            "test_fraction": self.test_fraction,
            "seed": self.seed,
        }

    def feature_matrix(self, x: Any) -> np.ndarray:
        """This state's input columns for raw points `x` of shape ``(n, 2)``.

        Returns:
            A float32 array of shape ``(n, n_inputs)``, columns in `features` order.
        """
        return feature_matrix(x, self.features)

    # --- configuration string ----------------------------------------------------------------

    def to_config(self) -> str:
        """The whole state as one shareable line (format in the module docstring)."""
        return "&".join(f"{key}={_WRITE[key](getattr(self, setting))}" for key, setting in _KEYS)

    @classmethod
    def from_config(cls, text: str) -> PlaygroundState:
        """The state a configuration string (from `to_config`) describes.

        Args:
            text: ``key=value`` pairs joined by ``&``, in any order; missing keys take their
                defaults.

        Returns:
            A new `PlaygroundState`; a bad string raises ValueError naming the key and value.
        """
        example = "e.g. 'dataset=xor&noise=10&layers=4,2'"
        text = v.check_str("text", text, hint=f"Paste a configuration string, {example}")
        body = text.strip().lstrip("#?").strip()
        expected = f"key=value pairs joined by '&', {example}"
        settings: dict[str, Any] = {}
        seen: set[str] = set()
        for piece in body.split("&"):
            piece = piece.strip()
            if not piece:
                continue
            if "=" not in piece:
                v._fail("text", expected, piece, "This piece has no '='")
            key, _, raw = (part.strip() for part in piece.partition("="))
            if key not in _SETTING_OF:
                close = difflib.get_close_matches(key, list(_SETTING_OF), n=1)
                hint = f"`{key}` is not a key. " + (
                    f"Did you mean {close[0]!r}?"
                    if close
                    else f"The keys are {_listed(_SETTING_OF)}"
                )
                v._fail("text", "keys of the configuration only", piece, hint)
            if key in seen:
                v._fail("text", "each key once", piece, f"`{key}` appears more than once")
            seen.add(key)
            setting = _SETTING_OF[key]
            value = _READ[key](raw)
            try:
                settings[setting] = _CHECKS[setting](value, key)
            except TypeError as err:  # the text is a string: a wrong form is a wrong value
                raise ValueError(str(err)) from None
        if not seen:
            v._fail("text", expected, text)
        return cls(**settings)


def _from_argument(text: str, name: str) -> PlaygroundState:
    """`PlaygroundState.from_config(text)` for a string a caller passed as `name`; its errors
    name the key inside the string (``noise``), so they also name the argument that held it."""
    try:
        return PlaygroundState.from_config(text)
    except ValueError as err:
        where = f"(in the configuration string given as `{name}`)"
        raise ValueError(f"{str(err).rstrip('.')} {where}") from None


def _datasets_of(problem: str) -> tuple[str, ...]:
    return CLASSIFICATION_DATASETS if problem == "classification" else REGRESSION_DATASETS


# --- configuration keys: (key, field), how to write and read each value --------------------

_KEYS = (
    ("dataset", "dataset"),
    ("noise", "noise"),
    ("trainShare", "train_share"),
    ("batchSize", "batch_size"),
    ("features", "features"),
    ("layers", "layers"),
    ("activation", "activation"),
    ("learningRate", "learning_rate"),
    ("regularization", "regularization"),
    ("regularizationRate", "regularization_rate"),
    ("problem", "problem"),
    ("init", "init"),
    ("showTestData", "show_test_data"),
    ("discretize", "discretize"),
    ("seed", "seed"),
)
_SETTING_OF = dict(_KEYS)
CONFIG_KEYS = tuple(_SETTING_OF)


def _read_int(raw: str) -> Any:
    return int(raw) if re.fullmatch(r"[+-]?\d+", raw) else raw


def _read_float(raw: str) -> Any:
    try:
        return float(raw)
    except ValueError:
        return raw


def _read_bool(raw: str) -> Any:
    return {"true": True, "false": False}.get(raw.lower(), raw)


def _read_names(raw: str) -> Any:
    return tuple(part.strip() for part in raw.split(",")) if raw else ()


def _read_ints(raw: str) -> Any:
    return tuple(_read_int(part.strip()) for part in raw.split(",")) if raw else ()


def _write_bool(value: bool) -> str:
    return "true" if value else "false"


def _write_list(value: tuple) -> str:
    return ",".join(str(item) for item in value)


_READ = {key: lambda raw: raw for key in CONFIG_KEYS}
_READ.update(
    noise=_read_int,
    trainShare=_read_int,
    batchSize=_read_int,
    seed=_read_int,
    learningRate=_read_float,
    regularizationRate=_read_float,
    features=_read_names,
    layers=_read_ints,
    showTestData=_read_bool,
    discretize=_read_bool,
)
_WRITE = {key: str for key in CONFIG_KEYS}
_WRITE.update(
    learningRate=_format_number,
    regularizationRate=_format_number,
    features=_write_list,
    layers=_write_list,
    showTestData=_write_bool,
    discretize=_write_bool,
)


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


def feature_values(name: str, x: Any) -> np.ndarray:
    """One input feature of the playground computed from raw points.

    The features are plain functions of the coordinates (sin takes radians). TensorFlow
    Playground's points span [-6, 6], where sin x1 bends; `hlcourse.data`'s span [-1, 1],
    where it is almost x1: scale the points first if the bend should show.

    Args:
        name: a feature id from `FEATURES`: ``"x1"``, ``"x2"``, ``"x1^2"``, ``"x2^2"``,
            ``"x1*x2"``, ``"sin_x1"`` or ``"sin_x2"``.
        x: raw points, shape ``(n, 2)`` (columns x1, x2).

    Returns:
        A float32 array of shape ``(n,)``.
    """
    name = _check_feature_name(name)
    x = v.check_array("x", x, sample_shape=(2,))
    return _FEATURE_FUNCTIONS[name](x[:, 0], x[:, 1]).astype(np.float32)


def feature_matrix(x: Any, features: Any = ("x1", "x2")) -> np.ndarray:
    """Several input features computed from raw points, one column each.

    Args:
        x: raw points, shape ``(n, 2)`` (columns x1, x2).
        features: distinct feature ids from `FEATURES`, e.g. ``("x1", "x2", "sin_x1")``.

    Returns:
        A float32 array of shape ``(n, len(features))``, columns in the order given.
    """
    x = v.check_array("x", x, sample_shape=(2,))
    features = _check_features(features, "features", canonical=False)
    columns = [_FEATURE_FUNCTIONS[f](x[:, 0], x[:, 1]) for f in features]
    return np.stack(columns, axis=1).astype(np.float32)

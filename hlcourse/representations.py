"""Numbers about hidden representations: 2-D projections, class separability, neuron maps.

A *representation* is what one layer outputs for a batch of samples: an array
``(n_samples, units)``. The input itself counts as the first one (``"input"``). Three questions
about them:

- **Where do the samples lie?** `layer_projections` squeezes each layer's representation into
  two coordinates you can scatter (PCA, or LDA when labels may steer the view).
- **How far apart are the classes?** `separability` scores one representation from 0 to 1;
  `layer_separability` scores every layer. In the course's trained classifiers the Fisher score
  rises from layer to layer (figures below): the class averages move apart relative to the
  spread within each class, and the output layer draws straight boundaries in the last hidden
  layer's space.
- **What does one neuron respond to?** `neuron_response_maps` evaluates every neuron of a layer
  over a grid of the input plane (for models with two inputs).

Two separability scores (``method=``):

- ``"fisher"`` (default): the share of the representation's spread that lies *between* the
  class centres, ``tr(S_between) / tr(S_total)`` (Fisher's criterion ``F`` mapped to
  ``F / (1 + F)``). 0 when every class has the same centre, 1 when every sample sits exactly
  on its class centre. It reads what a projection shows: tight, distant class clusters. It is
  exact (no randomness, the same number every time) and costs one pass over the data. What it
  does not say: classes can be perfectly separable by a straight cut and still score low (two
  long, thin, parallel classes), and it is measured in the layer's own units, so one unit with
  a huge spread weighs more than the others.
- ``"linear"``: the accuracy of a linear classifier (logistic regression on standardised
  units) on held-out samples, by stratified 5-fold cross-validation with fixed folds: a
  *linear probe* (Alain and Bengio, 2016). It answers "could a straight cut tell the classes
  apart here?" directly, but costs 0.1-1 s per layer, and in an easy data set (digits) the
  input is already about 94% linearly separable, so it rises less with depth than "fisher".

Measured over seeds 0-4, scored on held-out samples:

- digits, 64 -> 32 -> 16 -> 10 ReLU, `train_fast` 30 epochs, batch 64, rate 0.01 (450 test
  images): "fisher" 0.42-0.45 (input), 0.68-0.71 (hidden_1), 0.77-0.79 (hidden_2), 0.92-0.95
  (output); "linear" 0.94-0.95, 0.95-0.96, 0.95-0.97, 0.96-0.97.
- spiral (600 points, noise 0.05), 2 -> 32 -> 32 -> 32 -> 1 ReLU, 400 epochs, batch 32, rate
  0.005 (150 test points): "linear" 0.52-0.60, 0.55-0.73, 0.82-0.97, 0.94-0.98; "fisher"
  stays at 0.00-0.16 there: two interleaved classes are pulled apart along one direction
  while the layer's other directions keep most of the spread. Use "linear" for such data.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from hlcourse import _keras
from hlcourse import _validate as v

__all__ = [
    "PROJECTION_METHODS",
    "SEPARABILITY_METHODS",
    "layer_projections",
    "layer_separability",
    "neuron_response_maps",
    "separability",
]

PROJECTION_METHODS = ("pca", "lda")
SEPARABILITY_METHODS = ("fisher", "linear")
INPUT_KEY = "input"
MAX_RESOLUTION = 400


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------


def separability(features: Any, y: Any, *, method: str = "fisher") -> float:
    """Score from 0 to 1 how well the classes are pulled apart in one representation.

    Args:
        features: one layer's values, shape ``(n_samples, units)`` (further dimensions, as a
            convolution layer has, are flattened per sample).
        y: class labels, shape ``(n_samples,)``, whole numbers, at least two classes.
        method: ``"fisher"`` (share of the spread that lies between class centres; exact and
            cheap) or ``"linear"`` (held-out accuracy of a logistic regression, 5-fold; needs
            at least 2 samples per class). See the module's notes for what each can and
            cannot tell.

    Returns:
        A float from 0 to 1.
    """
    method = v.check_choice("method", method, SEPARABILITY_METHODS)
    features = _check_features("features", features)
    labels = check_labels("y", y, len(features), "features")
    return score_representation(features, labels, method)


def layer_separability(
    model: Any,
    x: Any,
    y: Any,
    *,
    method: str = "fisher",
    include_input: bool = True,
    include_output: bool = False,
) -> dict[str, float]:
    """`separability` of every hidden layer's representation of `x`, in forward order.

    Args:
        model: a built Keras model (any style `hlcourse.probe.hidden_activations` handles).
        x: inputs, shape ``(n_samples, n_features)``; held-out samples give the honest picture.
        y: their class labels, shape ``(n_samples,)``.
        method: ``"fisher"`` or ``"linear"`` (see `separability`).
        include_input: score `x` itself first, under the key ``"input"``.
        include_output: also score the output layer.

    Returns:
        A dict from layer name to score, e.g. ``{"input": 0.43, "hidden_1": 0.69, ...}``.
    """
    method = v.check_choice("method", method, SEPARABILITY_METHODS)
    reps = layer_representations(model, x, include_input, include_output)
    labels = check_labels("y", y, len(next(iter(reps.values()))), "x")
    return {name: score_representation(values, labels, method) for name, values in reps.items()}


def score_representation(features: np.ndarray, labels: np.ndarray, method: str) -> float:
    """`separability` without its checks, for callers that checked `features` (a 2-D array)
    and `labels` (`check_labels`) already: ``"fisher"`` or ``"linear"``, from 0 to 1."""
    if method == "fisher":
        return fisher_share(features, labels)
    return _linear_probe(features, labels)


def fisher_share(features: np.ndarray, labels: np.ndarray) -> float:
    """tr(S_between) / tr(S_total), from 0 to 1 (0 when every sample is the same): the
    ``"fisher"`` score of `features` ``(n_samples, units)`` and checked integer `labels`.

    Sums run in float64 over blocks of rows, so a wide layer (a convolution's maps, thousands
    of values per sample) never needs a float64 copy of all of it at once."""
    f = np.asarray(features)
    n = len(f)
    mean = _block_sum(f, np.arange(n)) / n
    total = 0.0
    for start in range(0, n, _BLOCK):
        centred = f[start : start + _BLOCK].astype(np.float64) - mean
        total += float(np.sum(centred * centred))
    if total <= 1e-12 * max(1, f.size):
        return 0.0
    between = 0.0
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        class_mean = _block_sum(f, rows) / len(rows)
        between += len(rows) * float(np.sum((class_mean - mean) ** 2))
    return float(min(max(between / total, 0.0), 1.0))


_BLOCK = 64  # rows per float64 block in fisher_share


def _block_sum(f: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The float64 sum of the given rows of `f`, a block of rows at a time."""
    total = np.zeros(f.shape[1], dtype=np.float64)
    for start in range(0, len(rows), _BLOCK):
        total += f[rows[start : start + _BLOCK]].sum(axis=0, dtype=np.float64)
    return total


def _linear_probe(features: np.ndarray, labels: np.ndarray) -> float:
    """Mean held-out accuracy of a logistic regression, stratified 5-fold, fixed folds."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    smallest = int(np.min(np.unique(labels, return_counts=True)[1]))
    if smallest < 2:
        v.fail(
            "y",
            "at least 2 samples of every class for method='linear'",
            labels,
            hint="Its cross-validation holds out part of each class; give more samples or use "
            "method='fisher'",
        )
    folds = StratifiedKFold(n_splits=min(5, smallest), shuffle=True, random_state=0)
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(probe, features.astype(np.float64), labels, cv=folds)
    return float(np.mean(scores))


# --------------------------------------------------------------------------------------------
# Projections
# --------------------------------------------------------------------------------------------


def layer_projections(
    model: Any,
    x: Any,
    y: Any = None,
    *,
    method: str = "pca",
    include_input: bool = True,
    include_output: bool = False,
) -> dict[str, np.ndarray]:
    """Every hidden layer's representation of `x`, squeezed into two coordinates.

    ``"pca"`` keeps the two directions along which the samples vary most (it never sees the
    labels, so classes that separate there really are apart); ``"lda"`` picks the two
    directions that separate the labelled classes best (it needs `y` and 3 or more classes,
    and can make classes look further apart than they are on new samples). A layer with a
    single unit gets a second coordinate of zeros.

    Args:
        model: a built Keras model (any style `hlcourse.probe.hidden_activations` handles).
        x: inputs, shape ``(n_samples, n_features)``.
        y: class labels ``(n_samples,)``; needed for ``"lda"`` only (checked when given).
        method: ``"pca"`` or ``"lda"``.
        include_input: project `x` itself first, under the key ``"input"``.
        include_output: also project the output layer.

    Returns:
        A dict from layer name to an array of shape ``(n_samples, 2)``, in forward order.
    """
    method = v.check_choice("method", method, PROJECTION_METHODS)
    if method == "lda" and y is None:
        v.fail("y", "class labels when method='lda'", y, hint="Or use method='pca'")
    reps = layer_representations(model, x, include_input, include_output)
    n = len(next(iter(reps.values())))
    labels = None if y is None else check_labels("y", y, n, "x")
    if method == "lda" and len(np.unique(labels)) < 3:
        v.fail(
            "method",
            "'pca' for fewer than 3 classes",
            method,
            hint="LDA finds at most (classes - 1) directions, so 2 classes give a single one; "
            "use method='pca'",
        )
    return {name: project_to_2d(values, labels, method)[0] for name, values in reps.items()}


def project_to_2d(features: np.ndarray, labels: np.ndarray | None, method: str):
    """`features` ``(n, units)`` squeezed to ``(n, 2)`` coordinates by ``"pca"`` or ``"lda"``
    (which needs checked `labels`), and the share of the spread they keep (None for LDA)."""
    f = np.asarray(features, dtype=np.float64)
    if method == "lda":
        from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

        coords = LinearDiscriminantAnalysis(n_components=2).fit_transform(f, labels)
        return _two_columns(coords), None
    centred = f - f.mean(axis=0)
    total = float(np.sum(centred**2))
    if total <= 1e-12 * max(1, f.size):
        return np.zeros((len(f), 2)), 1.0
    # The principal axes from the smaller of the two square matrices: an eigendecomposition
    # of (units x units) or (samples x samples) is ten times quicker than an SVD of the data.
    n, d = centred.shape
    if d <= n:
        spread, vectors = np.linalg.eigh(centred.T @ centred)
        top = np.argsort(spread)[::-1][:2]
        axes = vectors[:, top].T
    else:
        spread, vectors = np.linalg.eigh(centred @ centred.T)
        top = np.argsort(spread)[::-1][:2]
        axes = (centred.T @ vectors[:, top]).T
        axes /= np.maximum(np.linalg.norm(axes, axis=1, keepdims=True), 1e-300)
    # A sign convention, so the same data always gives the same picture.
    flips = np.sign(axes[np.arange(len(axes)), np.argmax(np.abs(axes), axis=1)])
    axes = axes * flips[:, None]
    coords = centred @ axes.T
    share = float(np.sum(np.maximum(spread[top], 0.0)) / total)
    return _two_columns(coords), min(share, 1.0)


def _two_columns(coords: np.ndarray) -> np.ndarray:
    if coords.shape[1] >= 2:
        return coords[:, :2]
    return np.column_stack([coords[:, 0], np.zeros(len(coords))])


# --------------------------------------------------------------------------------------------
# Neuron maps
# --------------------------------------------------------------------------------------------


def neuron_response_maps(
    model: Any,
    layer: str | int | None = None,
    *,
    bounds: Sequence[float],
    resolution: int = 50,
) -> np.ndarray:
    """Every neuron's output of one layer over a square grid of the input plane.

    Args:
        model: a built Keras model taking 2 inputs (x1, x2).
        layer: a hidden layer by name (``"hidden_1"``, ``"block1/dense"``, or the output
            layer's name) or by position among the hidden layers (``0`` first, ``-1`` last);
            None means the first hidden layer.
        bounds: ``(x1_low, x1_high, x2_low, x2_high)``, the part of the plane to cover.
        resolution: grid points per side, 5 to 400.

    Returns:
        An array ``(units, resolution, resolution)``: ``maps[k, i, j]`` is unit k's output at
        x1 = the j-th of `resolution` values from x1_low to x1_high and x2 = the i-th from
        x2_low to x2_high (row 0 at the bottom when drawn with ``origin="lower"``).
    """
    return layer_response_maps(model, layer, bounds=bounds, resolution=resolution)[1]


def layer_response_maps(
    model: Any,
    layer: str | int | None = None,
    *,
    bounds: Sequence[float],
    resolution: int = 50,
) -> tuple[str, np.ndarray]:
    """`neuron_response_maps` and the name of the layer it read, for pictures that title it."""
    model = check_hidden_model(model)
    bounds = check_bounds(bounds)
    resolution = v.check_int("resolution", resolution, low=5, high=MAX_RESOLUTION)
    check_layer_choice(layer)
    require_plane_model(model)
    grid = _plane_grid(bounds, resolution)
    name, values = layer_values(model, grid, layer, default=0)
    if values.ndim != 2:
        v.fail(
            "layer",
            "a layer whose output is one row of units per sample",
            layer,
            hint=f"{name!r} outputs shape {values.shape[1:]} per sample",
        )
    return name, values.T.reshape(values.shape[1], resolution, resolution).astype(np.float32)


def _plane_grid(bounds: tuple[float, float, float, float], resolution: int) -> np.ndarray:
    """The grid `neuron_response_maps` evaluates, ``(resolution**2, 2)`` float32, rows first."""
    x_lo, x_hi, y_lo, y_hi = bounds
    xx, yy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    return np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)


# --------------------------------------------------------------------------------------------
# Helpers shared with the hidden-layer plots and the hidden explorer
# --------------------------------------------------------------------------------------------


def check_hidden_model(model: Any):
    """The model, checked: a Keras model with weights, whose hidden layers can be read."""
    return v.check_built_model("model", model, "its hidden layers can be read")


def layer_representations(
    model: Any, x: Any, include_input: bool, include_output: bool
) -> dict[str, np.ndarray]:
    """{"input": x, layer name: values, ...} for `x`, in forward order, every array flattened
    to ``(n_samples, -1)`` and checked finite; the model and flags are checked here."""
    from hlcourse import probe

    model = check_hidden_model(model)
    include_input = v.check_bool("include_input", include_input)
    include_output = v.check_bool("include_output", include_output)
    acts = probe.hidden_activations(model, x, include_output=include_output)
    reps: dict[str, np.ndarray] = {}
    if include_input:
        x_values = probe.check_model_input(model, x, probe.model_style(model))
        if isinstance(x_values, list):
            x_values = np.concatenate([a.reshape(len(a), -1) for a in x_values], axis=1)
        reps[INPUT_KEY if INPUT_KEY not in acts else "x"] = x_values
    reps.update(acts)
    if not reps:
        v.fail(
            "model",
            "a model with at least one hidden layer",
            model,
            hint="Pass include_input=True or include_output=True to look at something else",
        )
    flat = {name: _flat(values) for name, values in reps.items()}
    _check_finite_representations(model, x, flat, include_input)
    return flat


def _check_finite_representations(model, x, reps: dict, include_input: bool) -> None:
    """Refuse NaN or infinity in `x` or in a layer's outputs (projections' eigen solver and
    the separability scores fail on them with bare NumPy or scikit-learn errors)."""
    for i, (name, values) in enumerate(reps.items()):
        if np.isfinite(values).all():
            continue
        if include_input and i == 0:
            v.fail(
                "x",
                "inputs that are all finite numbers",
                x,
                hint="Some hold NaN or infinity; drop or fill those samples first",
            )
        v.fail(
            "model",
            "a model whose layers output finite numbers on x",
            model,
            hint=f"Layer {name!r} outputs NaN or infinity: its weights have blown up "
            "(lesson 08); retrain it with a smaller learning rate, or check x for NaN",
        )


def _flat(values: Any) -> np.ndarray:
    values = np.asarray(values, dtype=np.float32)
    return values.reshape(len(values), -1)


def check_layer_choice(layer: Any) -> None:
    """Refuse (TypeError) a `layer` that is neither None, a name nor a position."""
    if layer is not None and (
        isinstance(layer, bool) or not isinstance(layer, (str, numbers.Integral))
    ):
        v.fail(
            "layer",
            "None, a hidden layer's name or its position among the hidden layers",
            layer,
            error=TypeError,
        )


def layer_values(model: Any, x: Any, layer: Any, *, default: int = -1) -> tuple[str, np.ndarray]:
    """(name, float32 values for `x`) of one layer of a checked `model`: `layer` by name
    (hidden or output) or by position among the hidden ones; None means position `default`."""
    from hlcourse import probe

    check_layer_choice(layer)
    acts = probe.hidden_activations(model, x, include_output=True)
    names = list(acts)
    hidden = names[:-1]
    name = pick_layer(names, hidden, default if layer is None else layer)
    return name, np.asarray(acts[name], dtype=np.float32)


def pick_layer(names: list[str], hidden: list[str], layer: str | int) -> str:
    """The name `layer` stands for: one of `names` (every layer, the output last) by name, or
    one of `hidden` by position; a ValueError naming `layer` lists the choices."""
    shown = ", ".join(repr(n) for n in hidden) or "none"
    if isinstance(layer, str):
        if layer not in names:
            v.fail(
                "layer",
                f"the name of a hidden layer ({shown}) or of the output layer ({names[-1]!r})",
                layer,
            )
        return layer
    if not hidden:
        v.fail(
            "layer",
            "a position among the hidden layers",
            layer,
            hint=f"The model has no hidden layer; its output layer is {names[-1]!r}",
        )
    index = v.check_int(
        "layer", layer, low=-len(hidden), high=len(hidden) - 1,
        hint=f"Positions count the hidden layers only: {shown}",
    )  # fmt: skip
    return hidden[index]


def _check_features(name: str, value: Any) -> np.ndarray:
    array = v.check_array(name, value, hint="One row of a layer's values per sample")
    if array.ndim < 2:
        v.fail(
            f"{name}.shape",
            "(n_samples, units)",
            array.shape,
            hint="For a single unit use features.reshape(-1, 1)",
        )
    return array.reshape(len(array), -1)


def check_labels(name: str, value: Any, n: int, x_name: str) -> np.ndarray:
    """`value` as int64 class labels ``(n,)``, one per row of the argument `x_name`, of at
    least two classes; errors name the argument `name`."""
    if value is None or isinstance(value, (str, bytes, dict, set)):
        v.fail(name, "an array of class labels", value, error=TypeError)
    array = np.asarray(value)
    if array.dtype == np.bool_:
        array = array.astype(np.int64)
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        v.fail(
            name, "an array of class labels (whole numbers)", value,
            hint=f"Its dtype is {array.dtype}", error=TypeError,
        )  # fmt: skip
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        v.fail(
            f"{name}.shape",
            "(n_samples,)",
            array.shape,
            hint="One label per sample; for one-hot rows use y.argmax(axis=1)",
        )
    if len(array) != n:
        v.fail(
            f"{name}.shape",
            f"({n},), one label per row of {x_name}",
            array.shape,
        )
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
        v.fail(name, "class labels that are whole numbers", value)
    labels = array.astype(np.int64)
    if len(np.unique(labels)) < 2:
        v.fail(
            name, "labels of at least two classes", value, hint="Every sample has the same label"
        )
    return labels


def check_bounds(bounds: Any) -> tuple[float, float, float, float]:
    """`bounds` as ``(x1_low, x1_high, x2_low, x2_high)`` floats, each low below its high."""
    expected = "(x1_low, x1_high, x2_low, x2_high), four numbers with each low below its high"
    if isinstance(bounds, (str, bytes)) or not isinstance(bounds, (Sequence, np.ndarray)):
        v.fail("bounds", expected, bounds, error=TypeError)
    if len(bounds) != 4:
        v.fail("bounds", expected, bounds)
    values = []
    for item in bounds:
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            v.fail("bounds", expected, bounds, error=TypeError)
        if not np.isfinite(float(item)):
            v.fail("bounds", expected, bounds)
        values.append(float(item))
    if values[0] >= values[1] or values[2] >= values[3]:
        v.fail("bounds", expected, bounds)
    return values[0], values[1], values[2], values[3]


def require_plane_model(model: Any) -> None:
    """Refuse a Sequential or Functional model whose input is not 2 numbers per sample."""

    if _keras.model_style(model) == "subclassed":
        return  # no declared input: a wrong one fails when the grid runs through it
    shapes = [tuple(t.shape[1:]) for t in model.inputs]
    if shapes != [(2,)]:
        v.fail(
            "model",
            "a model taking 2 inputs (x1, x2), so that the plane can be fed to it",
            model,
            hint=f"Its input shape is {', '.join(str((None, *s)) for s in shapes)}",
        )

"""Figures for the lessons. Each takes an optional `ax`, draws on it (or on a new figure) and
returns the axes it drew on; nothing here trains a model.

Colours (STYLE.md 7): class 0 is orange with round markers, class 1 blue with square markers;
a model's probability of class 1 runs from orange (0) through near-white (0.5) to blue (1), as
in TensorFlow Playground. Meaning is never carried by colour alone: markers, dashes, labels and
the 0.5 contour line say it too.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hlcourse import _keras
from hlcourse import _validate as v

__all__ = [
    "decision_grid",
    "plot_backward_pass",
    "plot_dataset",
    "plot_decision_map",
    "plot_hidden_plane",
    "plot_hidden_space",
    "plot_history",
]

# Classes are told apart by marker shape as well as colour (STYLE.md 7).
CLASS_STYLES = (
    {"color": "#E69F00", "marker": "o", "label": "class 0"},
    {"color": "#0072B2", "marker": "s", "label": "class 1"},
)
# The probability map: class 0's orange -> near-white at 0.5 -> class 1's blue.
PROBABILITY_COLORS = ("#E69F00", "#F7F7F7", "#0072B2")
# Training curves, one colour and one marker per run (Okabe & Ito's colour-blind-safe set).
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
RUN_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
GRID_COLOR = "0.72"
GRID_SAMPLES = 101  # points along each grid line drawn in a hidden layer's space


def plot_dataset(dataset, ax=None, *, show_test: bool = True, title: str | None = None):
    """Scatter a 2-D classification data set: one marker and colour per class.

    Args:
        dataset: a `hlcourse.data.Dataset` with two features (e.g. from `make_classification`).
        ax: matplotlib axes to draw on; a new figure when None.
        show_test: also draw the test points (hollow markers).
        title: axes title; defaults to the data set's name.

    Returns:
        The axes drawn on.
    """
    _check_plane_dataset(dataset)
    v.check_bool("show_test", show_test)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    ax = _axes(ax)
    test = (dataset.x_test, dataset.y_test) if show_test else None
    _scatter_classes(ax, (dataset.x_train, dataset.y_train), test)
    ax.set(xlabel="x1", ylabel="x2", title=dataset.name if title is None else title)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return ax


def decision_grid(
    model: Any, dataset, resolution: int = 100
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A binary classifier's probability of class 1 on a square grid covering the data.

    The grid spans all points of `dataset` (training and test) plus a 10% margin, with the
    same range on both axes. All grid points go through the model in one batch.

    Args:
        model: a Keras model with 2 inputs and one sigmoid output, or any function mapping an
            ``(n, 2)`` float32 array to ``(n,)`` or ``(n, 1)`` probabilities (an ``(n, 2)``
            softmax output works too: its column 1 is used).
        dataset: the 2-D classification `Dataset` whose points the grid covers.
        resolution: grid points per side, 10 to 1,000.

    Returns:
        ``(xx, yy, probabilities)``, each of shape ``(resolution, resolution)``: row i, column j
        is the point ``(xx[i, j], yy[i, j])``, with x1 growing along columns and x2 along rows.
    """
    model = _check_predictor(model)
    _check_plane_dataset(dataset)
    resolution = v.check_int("resolution", resolution, low=10, high=1000)
    x_lo, x_hi, y_lo, y_hi = _plane_bounds(dataset.x)
    xx, yy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    probabilities = _class1_probabilities(model, grid)
    return xx, yy, probabilities.reshape(xx.shape)


def plot_decision_map(
    model: Any,
    dataset,
    ax=None,
    *,
    resolution: int = 100,
    show_test: bool = True,
    discretize: bool = False,
    title: str | None = None,
    colorbar: bool = True,
):
    """Shade the plane by a binary classifier's probability of class 1, then draw the data.

    Orange areas are where the model says class 0, blue where it says class 1, near-white
    where it is unsure; the black line is the decision boundary (probability 0.5). The data
    points follow `plot_dataset` (orange circles = class 0, blue squares = class 1, hollow =
    test points). The model is only asked for predictions, never trained.

    Args:
        model: a Keras model with 2 inputs and one sigmoid output, or a function mapping an
            ``(n, 2)`` array to ``(n,)`` / ``(n, 1)`` probabilities (see `decision_grid`).
        dataset: a 2-D classification `Dataset`.
        ax: matplotlib axes to draw on; a new figure when None.
        resolution: grid points per side, 10 to 1,000.
        show_test: also draw the test points (hollow markers).
        discretize: shade only the predicted class (probability thresholded at 0.5) in two
            flat colours instead of the graded probability.
        title: axes title; defaults to the data set's name and what the shading shows.
        colorbar: add a colour bar reading "P(class 1)" (graded map only).

    Returns:
        The axes drawn on.
    """
    model = _check_predictor(model)
    _check_plane_dataset(dataset)
    resolution = v.check_int("resolution", resolution, low=10, high=1000)
    show_test = v.check_bool("show_test", show_test)
    discretize = v.check_bool("discretize", discretize)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    colorbar = v.check_bool("colorbar", colorbar)
    if ax is not None:
        _axes(ax)  # refuse a wrong `ax` before asking the model anything
    xx, yy, probabilities = decision_grid(model, dataset, resolution)
    ax = _axes(ax)  # a new figure only once the model has answered
    shown = np.where(probabilities >= 0.5, 0.85, 0.15) if discretize else probabilities
    half_x = (xx[0, 1] - xx[0, 0]) / 2
    half_y = (yy[1, 0] - yy[0, 0]) / 2
    image = ax.imshow(
        shown,
        origin="lower",
        extent=(xx[0, 0] - half_x, xx[0, -1] + half_x, yy[0, 0] - half_y, yy[-1, 0] + half_y),
        cmap=_probability_cmap(),
        vmin=0.0,
        vmax=1.0,
        alpha=0.6,
        interpolation="nearest" if discretize else "bilinear",
        zorder=0,
    )
    if probabilities.min() < 0.5 < probabilities.max():  # else there is no boundary to draw
        ax.contour(xx, yy, probabilities, levels=[0.5], colors="black", linewidths=1.4, zorder=1)
        ax.plot([], [], color="black", linewidth=1.4, label="boundary (p = 0.5)")
    if title is None:
        title = f"{dataset.name}: {'predicted class' if discretize else 'P(class 1)'}"
    plot_dataset(dataset, ax, show_test=show_test, title=title)
    if colorbar and not discretize:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, ticks=[0.0, 0.5, 1.0])
        bar.ax.set_yticklabels(["0\n(class 0)", "0.5", "1\n(class 1)"], fontsize=8)
        bar.set_label("P(class 1)")
    return ax


def plot_history(history: Any, ax=None, *, metric: str = "loss", label: str | None = None):
    """Draw training curves: training solid, validation (``"val_<metric>"``) dashed.

    Args:
        history: what ``model.fit`` returned (a ``keras.callbacks.History``), its
            ``.history`` dict of per-epoch lists (as `hlcourse.training.train_fast` returns),
            or a dict of several runs ``{"8 units": history, "64 units": history, ...}`` to
            compare them on one chart (one colour and marker per run).
        ax: matplotlib axes to draw on; a new figure when None.
        metric: which curve, e.g. ``"loss"`` or ``"accuracy"`` (a key of the history).
        label: the name of a single run, shown in the legend; with several runs their dict
            keys name them, so leave it None.

    Returns:
        The axes drawn on.
    """
    metric = v.check_str("metric", metric)
    if label is not None:
        label = v.check_str("label", label)
    runs = _history_runs(history)
    if len(runs) > 1 and label is not None:
        v.fail(
            "label",
            "None when `history` holds several runs",
            label,
            hint="The dict's keys name the runs; rename them there",
        )
    for run_name, record in runs:
        where = f"The history of run {run_name!r}" if len(runs) > 1 else "The history"
        if metric not in record:
            available = ", ".join(repr(key) for key in record) or "none"
            v.fail(
                "metric",
                "a key of the history",
                metric,
                hint=f"{where} has: {available}",
            )
        if len(record[metric]) == 0:
            v.fail(
                "history",
                f"a history holding at least one epoch of {metric!r}",
                history,
                hint=f"{where} has no {metric!r} values yet: train for at least one epoch",
            )
    ax = _axes(ax)
    several = len(runs) > 1
    any_validation = False
    for i, (run_name, record) in enumerate(runs):
        style = {
            "color": RUN_COLORS[i % len(RUN_COLORS)],
            "marker": RUN_MARKERS[i % len(RUN_MARKERS)] if several else None,
            "markersize": 4,
        }
        train = np.asarray(record[metric], dtype=float)
        every = max(1, len(train) // 10)
        if several:
            train_label = run_name
        else:
            train_label = "training" if label is None else f"{label} (training)"
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, linestyle="-", label=train_label, markevery=every, **style)
        val_key = f"val_{metric}"
        if val_key in record:
            any_validation = True
            val = np.asarray(record[val_key], dtype=float)
            if several:
                val_label = "_nolegend_"
            else:
                val_label = "validation" if label is None else f"{label} (validation)"
            ax.plot(
                np.arange(1, len(val) + 1), val, linestyle="--", label=val_label,
                markevery=every, markerfacecolor="none", **style,
            )  # fmt: skip
    if several:
        ax.plot([], [], color="0.35", linestyle="-", label="solid: training")
        if any_validation:
            ax.plot([], [], color="0.35", linestyle="--", label="dashed: validation")
    ax.set(xlabel="epoch", ylabel=metric)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, framealpha=0.8)
    return ax


def plot_hidden_space(
    model: Any,
    dataset,
    ax=None,
    *,
    layer: str | int | None = None,
    grid_lines: int = 11,
    title: str | None = None,
):
    """Show the data as a hidden layer sees it: the plane re-drawn in the layer's units.

    The data points and a grid of straight lines over the input plane (light grey) go through
    the network up to the chosen hidden layer and are drawn at the coordinates that layer
    gives them: bent grid lines show how the layer re-draws the plane; classes that the layer
    has pulled apart can be split by a straight line, which is all the output layer can draw.
    With 2 units the axes are the units themselves (an exact picture); with more, the two
    directions along which the data's activations vary most (PCA), a projection: grid lines
    that cross in it may pass each other in the layer's own space. With 1 unit, the unit
    against a small vertical jitter. When the layer feeds a single sigmoid output unit (in a
    Sequential model) and has 1 or 2 units, the output's boundary is drawn as a dashed line
    (`plot_hidden_plane` draws the 2-unit case with the output's probability too).

    Args:
        model: a built Keras model taking 2 inputs, with at least one hidden layer.
        dataset: a 2-D classification `Dataset` (training points filled, test points hollow).
        ax: matplotlib axes to draw on; a new figure when None.
        layer: which hidden layer, by name (``"hidden_1"``) or by position among the hidden
            layers (``0`` is the first, ``-1`` the last); None means the last hidden layer.
        grid_lines: how many horizontal and how many vertical lines the grid has, 2 to 41.
        title: axes title; defaults to the layer's name and how it is shown.

    Returns:
        The axes drawn on.
    """

    model = v.check_model("model", model)
    _check_plane_dataset(dataset)
    if layer is not None and (
        isinstance(layer, bool) or not isinstance(layer, (str, int, np.integer))
    ):
        v.fail("layer", "None, a hidden layer's name or its position", layer, error=TypeError)
    grid_lines = v.check_int("grid_lines", grid_lines, low=2, high=41)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    v.require_built(model, "its hidden layers can be drawn")
    style = _keras.model_style(model)
    if style != "subclassed" and tuple(model.inputs[0].shape[1:]) != (2,):
        v.fail(
            "model",
            "a model taking 2 inputs (x1, x2), like the data set's points",
            model,
            hint=f"Its input shape is {tuple(model.inputs[0].shape)}",
        )

    name, hidden = _through_hidden_layer(model, dataset, layer, grid_lines)
    n_train, n_test = len(dataset.x_train), len(dataset.x_test)
    samples = GRID_SAMPLES
    units = hidden.shape[1]
    n_data = n_train + n_test
    boundary = _output_boundary(model, name, units) if units <= 2 else None

    if units == 1:
        rng = np.random.default_rng(0)
        jitter = rng.uniform(-0.4, 0.4, n_data)
        coords = np.column_stack([hidden[:n_data, 0], jitter])
        grid_coords = None
        labels = ("unit 1", "jitter (no meaning)")
        how = "1 unit, the plane squeezed onto a line"
    elif units == 2:
        coords, grid_coords = hidden[:n_data], hidden[n_data:]
        labels = ("unit 1", "unit 2")
        how = "2 units"
    else:
        coords, grid_coords, share = _pca_pair(hidden[:n_data], hidden[n_data:])
        labels = ("hidden PC 1", "hidden PC 2")
        how = f"{units} units seen through PCA ({share:.0%} of their variance)"

    ax = _axes(ax)
    if grid_coords is not None:
        from matplotlib.collections import LineCollection

        segments = grid_coords.reshape(2 * grid_lines, samples, 2)
        ax.add_collection(LineCollection(segments, colors=GRID_COLOR, linewidths=0.8, zorder=0))
        ax.plot([], [], color=GRID_COLOR, linewidth=0.8, label="grid lines of the input plane")
    else:
        ax.axhline(0.0, color=GRID_COLOR, linewidth=0.8, zorder=0)
    _scatter_classes(ax, (coords[:n_train], dataset.y_train), (coords[n_train:], dataset.y_test))
    if boundary is not None:
        w, b = boundary
        line = {"color": "black", "linestyle": "--", "linewidth": 1.2}
        if units == 1 or w[1] == 0:
            ax.axvline(-b / w[0], label="output's boundary (p = 0.5)", **line)
        else:
            ax.axline((0.0, -b / w[1]), slope=-w[0] / w[1], label="output's boundary (p = 0.5)",
                      **line)  # fmt: skip
    ax.autoscale_view()
    ax.set(xlabel=labels[0], ylabel=labels[1], title=f"{name}: {how}" if title is None else title)
    if units >= 2:
        ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best", fontsize=8, framealpha=0.8)
    return ax


def plot_hidden_plane(
    model: Any,
    dataset,
    ax=None,
    *,
    grid_lines: int = 11,
    show_test: bool = True,
    title: str | None = None,
    legend: bool = True,
):
    """Draw a 2-unit hidden layer's plane exactly, with the output layer's straight cut in it.

    For a network whose last hidden layer has 2 units feeding one sigmoid output unit,
    ``p = sigmoid(w1 h1 + w2 h2 + b)``, each input point gets two hidden coordinates
    ``(h1, h2)``, and the output is a logistic regression on them: its boundary there is the
    straight line ``w1 h1 + w2 h2 + b = 0``. This draws that plane with no projection: the
    data points at their hidden coordinates (training filled, test hollow), a grid of
    straight lines over the input plane as the network maps it (grey), the output's
    probability of class 1 as shading (orange 0, white 0.5, blue 1) and its line (black).
    When every hidden value lies in [-1, 1] (tanh or sigmoid units) the view is the square
    from -1.08 to 1.08, so pictures of one layer at different times share their scale;
    otherwise it fits the points.

    Args:
        model: a built ``keras.Sequential`` taking 2 inputs whose last layer is a Dense layer
            with one sigmoid unit, fed by a hidden layer of 2 units (any layers before that).
        dataset: a 2-D classification `Dataset`.
        ax: matplotlib axes to draw on; a new figure when None.
        grid_lines: how many horizontal and how many vertical grid lines, 2 to 41.
        show_test: also draw the test points (hollow markers).
        title: axes title; defaults to the layer's name and the line's equation.
        legend: draw the legend (small multiples may want it on one panel only).

    Returns:
        The axes drawn on.
    """

    model = v.check_model("model", model)
    _check_plane_dataset(dataset)
    grid_lines = v.check_int("grid_lines", grid_lines, low=2, high=41)
    show_test = v.check_bool("show_test", show_test)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    legend = v.check_bool("legend", legend)
    if ax is not None:
        _axes(ax)  # refuse a wrong `ax` before running the model
    v.require_built(model, "its hidden plane can be drawn")
    cut = _sigmoid_output(model)
    if cut is None:
        v.fail(
            "model",
            "a keras.Sequential whose last layer is Dense(1, activation='sigmoid') with a "
            "bias, fed by a hidden layer of 2 units",
            model,
            hint="For other models, plot_hidden_space shows any hidden layer",
        )
    w, b = cut
    if w.shape != (2,):
        v.fail(
            "model",
            "a model whose last hidden layer has 2 units (a plane that can be drawn exactly)",
            model,
            hint=f"Its last hidden layer has {w.shape[0]} units; plot_hidden_space shows it "
            "through a projection",
        )
    if tuple(model.inputs[0].shape[1:]) != (2,):
        v.fail(
            "model",
            "a model taking 2 inputs (x1, x2), like the data set's points",
            model,
            hint=f"Its input shape is {tuple(model.inputs[0].shape)}",
        )
    name, hidden = _through_hidden_layer(model, dataset, -1, grid_lines)
    n_train, n_test = len(dataset.x_train), len(dataset.x_test)
    n_data = n_train + n_test
    coords, grid_coords = hidden[:n_data], hidden[n_data:]

    if hidden.min() >= -1.0 and hidden.max() <= 1.0:  # tanh or sigmoid units: a fixed view
        x_lo = y_lo = -1.08
        x_hi = y_hi = 1.08
    else:
        lo, hi = hidden.min(axis=0), hidden.max(axis=0)
        pad = 0.06 * np.maximum(hi - lo, 1e-3)
        (x_lo, y_lo), (x_hi, y_hi) = lo - pad, hi + pad
    ax = _axes(ax)
    # The output's probability over the plane: sigmoid of a linear function, so its contours
    # are straight lines parallel to the cut.
    hh1, hh2 = np.meshgrid(np.linspace(x_lo, x_hi, 120), np.linspace(y_lo, y_hi, 120))
    z = np.clip(w[0] * hh1 + w[1] * hh2 + b, -30.0, 30.0)
    ax.imshow(
        1.0 / (1.0 + np.exp(-z)), origin="lower", extent=(x_lo, x_hi, y_lo, y_hi),
        cmap=_probability_cmap(), vmin=0.0, vmax=1.0, alpha=0.45, aspect="auto",
        interpolation="bilinear", zorder=0,
    )  # fmt: skip
    from matplotlib.collections import LineCollection

    segments = grid_coords.reshape(2 * grid_lines, GRID_SAMPLES, 2)
    ax.add_collection(LineCollection(segments, colors=GRID_COLOR, linewidths=0.8, zorder=1))
    ax.plot([], [], color=GRID_COLOR, linewidth=0.8, label="grid lines of the input plane")
    test = (coords[n_train:], dataset.y_test) if show_test else None
    _scatter_classes(ax, (coords[:n_train], dataset.y_train), test)
    if np.any(w):
        line = {"color": "black", "linewidth": 1.6, "zorder": 3}
        label = "output's line (p = 0.5)"
        if w[1] == 0:
            ax.axvline(-b / w[0], label=label, **line)
        else:
            ax.axline((0.0, -b / w[1]), slope=-w[0] / w[1], label=label, **line)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    default = f"{name}: line {w[0]:.2g}·h1 + {w[1]:.2g}·h2 + {b:.2g} = 0".replace("+ -", "- ")
    ax.set(xlabel="h1 (unit 1)", ylabel="h2 (unit 2)", title=default if title is None else title)
    ax.set_aspect("equal", adjustable="box")
    if legend:
        ax.legend(loc="best", fontsize=7, framealpha=0.8)
    return ax


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _scatter_classes(ax, train: tuple, test: tuple | None) -> None:
    """Training points filled, test points hollow; one colour and marker per class."""
    for label, style in enumerate(CLASS_STYLES):
        points = train[0][train[1] == label]
        ax.scatter(points[:, 0], points[:, 1], s=14, alpha=0.8, edgecolors="none", **style)
        if test is not None:
            points = test[0][test[1] == label]
            ax.scatter(
                points[:, 0], points[:, 1], s=16, facecolors="none",
                edgecolors=style["color"], marker=style["marker"], linewidths=0.9,
            )  # fmt: skip


def _plane_bounds(x: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """A square (x_lo, x_hi, y_lo, y_hi) around the points, `margin` of the span added."""
    lo, hi = x.min(axis=0).astype(float), x.max(axis=0).astype(float)
    centre = (lo + hi) / 2
    half = max(float(np.max(hi - lo)) / 2, 1e-3) * (1 + margin)
    return centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half


def _probability_cmap():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("hlc_orange_blue", PROBABILITY_COLORS)


def _is_keras_model(model: Any) -> bool:
    import sys

    if "keras" not in sys.modules:  # nothing imported Keras, so this cannot be a Keras model
        return False
    import keras

    return isinstance(model, keras.Model)


def _check_predictor(model: Any) -> Any:
    if not callable(model):
        v.fail(
            "model",
            "a Keras model or a function mapping an (n, 2) array to probabilities",
            model,
            error=TypeError,
        )
    if _is_keras_model(model) and model.built:
        from hlcourse import representations

        representations._require_plane_model(model)  # not a Keras error deep in the call
    return model


def _class1_probabilities(model: Any, grid: np.ndarray) -> np.ndarray:
    """P(class 1) at each row of `grid`, checked to be probabilities; shape ``(n,)``."""
    out = model(grid, training=False) if _is_keras_model(model) else model(grid)
    if hasattr(out, "numpy"):
        out = out.numpy()
    try:
        out = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        v.fail("model", "a model returning an array of probabilities", model, error=TypeError)
    n = len(grid)
    if out.shape in ((n,), (n, 1)):
        out = out.reshape(n)
    elif out.shape == (n, 2):
        out = out[:, 1]  # a two-class softmax: the probability of class 1
    else:
        v.fail(
            "model",
            f"a model whose output for {n} points has shape ({n},) or ({n}, 1)",
            model,
            hint=f"Its output has shape {out.shape}; a decision map needs a binary classifier "
            "(one sigmoid output unit)",
        )
    finite = np.isfinite(out)
    if not finite.all():
        v.fail(
            "model",
            "a model whose outputs are probabilities from 0 to 1",
            model,
            hint=f"{np.count_nonzero(~finite)} of its {n} outputs are NaN or infinite: its "
            "weights have blown up (lesson 08); retrain it with a smaller learning rate",
        )
    if out.min() < 0 or out.max() > 1:
        v.fail(
            "model",
            "a model whose outputs are probabilities from 0 to 1",
            model,
            hint=f"Its outputs run from {out.min():.3g} to {out.max():.3g}; for raw "
            "scores (logits) pass lambda x: keras.ops.sigmoid(model(x)) instead",
        )
    return out


def _history_runs(history: Any) -> list[tuple[str | None, dict[str, Sequence[float]]]]:
    """[(run name or None, {key: per-epoch values})] from any of the accepted forms."""
    expected = (
        "a keras History, a dict of per-epoch lists such as {'loss': [...]}, or a dict of "
        "runs such as {'8 units': history, '64 units': history}"
    )
    record = _as_record(history)
    if record is not None:
        return [(None, record)]
    if isinstance(getattr(history, "history", None), Mapping) and not history.history:
        v.fail(
            "history",
            "a History holding at least one epoch",
            history,
            hint="This History recorded nothing: was the model trained (with epochs >= 1)?",
        )
    if isinstance(history, Mapping) and history:
        runs = []
        for name, run in history.items():
            record = _as_record(run)
            if record is None or not isinstance(name, str):
                v.fail("history", expected, history, error=TypeError)
            runs.append((name, record))
        return runs
    v.fail("history", expected, history, error=TypeError)
    return []  # not reached


def _as_record(value: Any) -> dict[str, Sequence[float]] | None:
    """The {key: list} behind a History or such a dict itself; None for anything else."""
    record = getattr(value, "history", value)
    if not isinstance(record, Mapping) or not record:
        return None
    for key, values in record.items():
        if not isinstance(key, str) or isinstance(values, (str, bytes, Mapping)):
            return None
        if not isinstance(values, (Sequence, np.ndarray)):
            return None
        try:
            np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            return None
    return dict(record)


def _pick_hidden_layer(names: list[str], layer: str | int | None) -> str:
    shown = ", ".join(repr(n) for n in names)
    if layer is None:
        return names[-1]
    if isinstance(layer, str):
        if layer not in names:
            v.fail("layer", f"the name of a hidden layer ({shown})", layer)
        return layer
    index = v.check_int(
        "layer", layer, low=-len(names), high=len(names) - 1,
        hint=f"Positions count the hidden layers only: {shown}",
    )  # fmt: skip
    return names[index]


def _through_hidden_layer(
    model: Any, dataset, layer: str | int | None, grid_lines: int
) -> tuple[str, np.ndarray]:
    """(layer name, its outputs) for the data (training, then test) followed by `grid_lines`
    vertical and `grid_lines` horizontal lines over the input plane, `GRID_SAMPLES` points
    each, all through the network in one batch; refuses layers it cannot draw."""
    from hlcourse import probe

    x_lo, x_hi, y_lo, y_hi = _plane_bounds(dataset.x)
    t_x = np.linspace(x_lo, x_hi, GRID_SAMPLES)
    t_y = np.linspace(y_lo, y_hi, GRID_SAMPLES)
    lines = [
        np.column_stack([np.full(GRID_SAMPLES, c), t_y])
        for c in np.linspace(x_lo, x_hi, grid_lines)
    ]
    lines += [
        np.column_stack([t_x, np.full(GRID_SAMPLES, c)])
        for c in np.linspace(y_lo, y_hi, grid_lines)
    ]
    points = np.concatenate([dataset.x_train, dataset.x_test, *lines]).astype(np.float32)
    activations = probe.hidden_activations(model, points)
    if not activations:
        v.fail("model", "a model with at least one hidden layer", model)
    name = _pick_hidden_layer(list(activations), layer)
    hidden = np.asarray(activations[name], dtype=np.float64)
    if hidden.ndim != 2:
        v.fail(
            "layer",
            "a layer whose output is one row of units per sample",
            layer,
            hint=f"{name!r} outputs shape {hidden.shape[1:]} per sample",
        )
    if not np.isfinite(hidden).all():
        v.fail(
            "model",
            "a model whose hidden layer outputs finite numbers",
            model,
            hint=f"{name!r} outputs NaN or infinity: its weights have blown up (lesson 08); "
            "retrain it with a smaller learning rate",
        )
    return name, hidden


def _pca_pair(data: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Both sets projected on the data's two main directions, and the variance share kept."""
    centred = data - data.mean(axis=0)
    if float(np.sum(centred**2)) <= 1e-12:  # every point lands on the same spot
        return np.zeros((len(data), 2)), grid[:, :2] * 0.0, 1.0
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, random_state=0).fit(data)
    return pca.transform(data), pca.transform(grid), float(pca.explained_variance_ratio_.sum())


def _sigmoid_output(model: Any) -> tuple[np.ndarray, float] | None:
    """(w, b) of a Sequential model's last layer when it is one sigmoid unit with a bias that
    reads the layer before it (w has one weight per unit of that layer), else None."""

    if _keras.model_style(model) != "sequential" or len(model.layers) < 2:
        return None
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    kernel = getattr(last, "kernel", None)
    if activation != "sigmoid" or kernel is None or not getattr(last, "use_bias", False):
        return None
    w = np.asarray(kernel.numpy(), dtype=float)
    if w.ndim != 2 or w.shape[1] != 1:
        return None
    return w[:, 0], float(np.asarray(last.bias.numpy())[0])


def _output_boundary(model: Any, name: str, units: int) -> tuple[np.ndarray, float] | None:
    """(w, b) of a sigmoid output unit fed directly by layer `name`, else None."""
    cut = _sigmoid_output(model)
    if cut is None or model.layers[-2].name != name:
        return None
    w, b = cut
    if w.shape != (units,) or not np.any(w):
        return None
    return w, b


def _check_plane_dataset(dataset, name: str = "dataset") -> None:
    """Refuse anything but a 2-D classification `Dataset` (points in the plane, labels)."""
    from hlcourse.data import Dataset

    if not isinstance(dataset, Dataset):
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a hlcourse Dataset. "
            f"Received: {name}={type(dataset).__name__}. Make one with "
            "`hlc.data.make_classification(...)`."
        )
    if dataset.x_train.shape[1] != 2 or dataset.task == "regression":
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a 2-D classification data set. "
            f"Received: {name}={dataset!r}"
        )


def _renamed(err: Exception, old: str, new: str) -> Exception:
    """`err`, raised by a helper that calls the argument `old`, naming it `new` as the caller
    did (``raise _renamed(err, "model", "model_or_stats") from None``)."""
    text = str(err).replace(f"`{old}`", f"`{new}`", 1)
    return type(err)(text.replace(f"Received: {old}=", f"Received: {new}=", 1))


def _axes(ax):
    """The axes to draw on: `ax` itself, or a new pyplot figure's axes (shown inline)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(
            f"Received an invalid value for `ax`, expected matplotlib Axes or None. "
            f"Received: ax={type(ax).__name__}"
        )
    return ax


# The backward-pass diagram: forward values, backward gradients and kernel gradients, one
# Okabe-Ito colour each; rows are also named on the y axis and arrows point opposite ways, so
# the colours are never the only cue.
FORWARD_COLOR, BACKWARD_COLOR, WEIGHT_COLOR = "#0072B2", "#D55E00", "#009E73"
BACKWARD_ACTIVATIONS = ("relu", "tanh", "sigmoid")
MAX_BACKWARD_LAYERS = 5  # beyond this the boxes no longer fit a notebook's width


def plot_backward_pass(
    layers: int | Sequence[str] = 3,
    ax=None,
    *,
    activation: str = "relu",
    norms: Mapping[str, float] | None = None,
):
    """Draw the chain rule through a chain of Dense layers: the forward pass on the top row,
    the backward pass on the row below it, each kernel's gradient branching off at the bottom.

    Layer i computes Z_i = H_(i-1) W_i + b_i (H_0 is the input X) and, if hidden,
    H_i = activation(Z_i); the last layer is a softmax P trained with crossentropy L averaged
    over a batch of B samples, so the backward pass starts at dL/dZ_n = (P - Y) / B. Each
    backward arrow names what it multiplies by: a kernel, transposed, or the activation's slope
    at the forward Z_i (a dotted arrow brings Z_i down to where it is used).

    Args:
        layers: how many Dense layers (1 to 5; the last is the output layer), or their names
            in order, e.g. ``["hidden_1", "hidden_2", "output"]``, written above the layers.
        ax: matplotlib axes to draw on; a new figure when None.
        activation: the hidden layers' activation, ``"relu"``, ``"tanh"`` or ``"sigmoid"``.
        norms: optional measured sizes of backward quantities (e.g. Frobenius norms for one
            batch), written under their symbols, keyed ``"dZ3"`` for dL/dZ3, ``"dH2"`` for
            dL/dH2, ``"dW1"`` for dL/dW1, ...

    Returns:
        The axes drawn on.
    """
    names = _backward_layer_names(layers)
    n = len(names)
    activation = v.check_choice("activation", activation, BACKWARD_ACTIVATIONS)
    sizes = _backward_norms(norms, n)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(1.2 * (2 * n + 2) + 0.9, 3.8), layout="constrained")
    else:
        ax = _axes(ax)

    def node(key: str, symbol: str, x: float, y: float, color: str):
        text = symbol if key not in sizes else f"{symbol}\n{sizes[key]:.2g}"
        return ax.text(
            x, y, text, ha="center", va="center", fontsize=9, color="black", gid=f"node {key}",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": color,
                  "linewidth": 1.5},
        )  # fmt: skip

    def arrow(kind: str, start, end, color: str, label: str = "", where=(0.0, 0.0), **style):
        tail = start if isinstance(start, tuple) else start.get_position()
        head = end if isinstance(end, tuple) else end.get_position()
        props = {"arrowstyle": "-|>", "color": color, "linewidth": 1.4, "shrinkA": 2,
                 "shrinkB": 2, **style}  # fmt: skip
        if not isinstance(start, tuple):
            props["patchA"] = start.get_bbox_patch()
        if not isinstance(end, tuple):
            props["patchB"] = end.get_bbox_patch()
        ax.annotate("", xy=head, xytext=tail, arrowprops=props).set_gid(kind)
        if not label:
            return None
        return ax.text(
            where[0], where[1], label, ha="center", va="center", fontsize=8.5, color=color,
            gid=f"{kind} label", bbox={"boxstyle": "square,pad=0.1", "facecolor": "white",
                                       "edgecolor": "none"},
        )  # fmt: skip

    slope = f"{activation}'"
    top, middle, bottom = 2.0, 1.0, 0.0
    # forward row: X, then Z_i and H_i per layer (Z_n then P for the output), then L
    forward = [node("X", "$X$", 0, top, FORWARD_COLOR)]
    for i in range(1, n + 1):
        forward.append(node(f"Z{i}", f"$Z_{{{i}}}$", 2 * i - 1, top, FORWARD_COLOR))
        output = "$P$" if i == n else f"$H_{{{i}}}$"
        forward.append(node("P" if i == n else f"H{i}", output, 2 * i, top, FORWARD_COLOR))
    forward.append(node("L", "$L$", 2 * n + 1, top, FORWARD_COLOR))
    for k in range(2 * n + 1):
        if k == 2 * n:
            label = "cross-\nentropy"
        elif k % 2 == 0:
            label = f"$\\cdot W_{{{k // 2 + 1}}} + b_{{{k // 2 + 1}}}$"
        else:
            label = "softmax" if k == 2 * n - 1 else activation
        arrow("forward", forward[k], forward[k + 1], FORWARD_COLOR, label, (k + 0.5, top + 0.3))
    # backward row: dL/dZ_n from the loss, then down through each kernel and each slope
    d_z = {i: node(f"dZ{i}", f"$\\partial L/\\partial Z_{{{i}}}$", 2 * i - 1, middle,
                   BACKWARD_COLOR) for i in range(1, n + 1)}  # fmt: skip
    d_h = {i: node(f"dH{i}", f"$\\partial L/\\partial H_{{{i}}}$", 2 * i, middle,
                   BACKWARD_COLOR) for i in range(1, n)}  # fmt: skip
    arrow("backward", forward[-1], d_z[n], BACKWARD_COLOR, "$(P - Y)\\,/\\,B$",
          (2 * n + 0.6, middle + 0.3))  # fmt: skip
    for i in range(n, 1, -1):
        arrow("backward", d_z[i], d_h[i - 1], BACKWARD_COLOR, f"$\\cdot W_{{{i}}}^\\top$",
              (2 * i - 1.5, middle + 0.33))  # fmt: skip
        label = arrow(
            "backward",
            d_h[i - 1],
            d_z[i - 1],
            BACKWARD_COLOR,
            f"$\\odot$ {slope}$(Z_{{{i - 1}}})$",
            (2 * i - 2.5, middle + 0.33),
        )
        # the slope is taken at the forward pass's Z: a dotted arrow brings it down
        arrow("slope", forward[2 * i - 3], label, BACKWARD_COLOR, linestyle=":",
              linewidth=1.2, arrowstyle="->")  # fmt: skip
    # bottom row: each kernel's gradient, from the layer's input and its dL/dZ
    for i in range(1, n + 1):
        d_w = node(f"dW{i}", f"$\\partial L/\\partial W_{{{i}}}$", 2 * i - 1, bottom,
                   WEIGHT_COLOR)  # fmt: skip
        before = "X" if i == 1 else f"H_{{{i - 1}}}"
        arrow("weight", d_z[i], d_w, WEIGHT_COLOR, linestyle="--")
        ax.text(2 * i - 0.92, (middle + bottom) / 2 - 0.1, f"${before}^\\top \\cdot$",
                ha="left", va="center", fontsize=8.5, color=WEIGHT_COLOR,
                gid="weight label")  # fmt: skip
    # layer names over the forward row
    ax.text(0, top + 0.72, "input", ha="center", va="center", fontsize=8.5, color="0.3")
    ax.text(2 * n + 1, top + 0.72, "loss", ha="center", va="center", fontsize=8.5, color="0.3")
    for i, name in enumerate(names, start=1):
        ax.plot([2 * i - 1.3, 2 * i + 0.3], [top + 0.58] * 2, color="0.55", linewidth=1)
        ax.text(2 * i - 0.5, top + 0.72, name, ha="center", va="center", fontsize=8.5,
                color="0.3", gid="layer name")  # fmt: skip
    if sizes:
        ax.text(-0.6, bottom - 0.4, "numbers: each gradient's norm", ha="left", va="center",
                fontsize=8, color="0.3")  # fmt: skip
    ax.set_xlim(-0.6, 2 * n + 1.6)
    ax.set_ylim(bottom - 0.45, top + 0.95)
    ax.set_xticks([])
    ax.set_yticks([top, middle, bottom], ["forward", "backward", "kernel\ngradients"])
    ax.tick_params(axis="y", length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def _backward_layer_names(layers: Any) -> list[str]:
    """The layers' names for `plot_backward_pass`, from a count or from the names."""
    countable = (numbers.Integral, Sequence)
    wrong_type = isinstance(layers, (str, bytes, bool)) or not isinstance(layers, countable)
    if wrong_type:
        raise TypeError(
            "Received an invalid value for `layers`, expected a number of Dense layers or a "
            f"list of their names. Received: layers={layers!r}"
        )
    if isinstance(layers, numbers.Integral):
        count = v.check_int("layers", layers, low=1, high=MAX_BACKWARD_LAYERS)
        return [f"hidden_{i}" for i in range(1, count)] + ["output"]
    names = list(layers)
    for name in names:
        v.check_str("layers", name, hint="Each entry is a layer's name")
    if not 1 <= len(names) <= MAX_BACKWARD_LAYERS or len(set(names)) != len(names):
        raise ValueError(
            "Received an invalid value for `layers`, expected 1 to "
            f"{MAX_BACKWARD_LAYERS} different layer names. Received: layers={names!r}"
        )
    return names


def _backward_norms(norms: Any, n: int) -> dict[str, float]:
    """`norms` for `plot_backward_pass`, checked against the symbols an n-layer chain has."""
    if norms is None:
        return {}
    if not isinstance(norms, Mapping):
        raise TypeError(
            "Received an invalid value for `norms`, expected None or a dict like "
            f"{{'dZ{n}': 0.05, 'dW1': 0.2}}. Received: norms={norms!r}"
        )
    known = [f"dZ{i}" for i in range(n, 0, -1)] + [f"dH{i}" for i in range(n - 1, 0, -1)]
    known += [f"dW{i}" for i in range(1, n + 1)]
    unknown = [key for key in norms if key not in known]
    if unknown:
        raise ValueError(
            f"Received an invalid value for `norms`, expected keys among {', '.join(known)} "
            f"(a {n}-layer chain). Received: norms={dict(norms)!r}"
        )
    return {key: v.check_number(f"norms[{key!r}]", value, low=0) for key, value in norms.items()}

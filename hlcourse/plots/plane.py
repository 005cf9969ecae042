"""Pictures of a 2-D classification problem: the data set, a model's decision map over the
plane, and the plane as a hidden layer re-draws it. Each takes an optional `ax`, draws on it
(or on a new pyplot figure) and returns the axes it drew on; nothing here trains a model.

Colours: class 0 is orange with round markers, class 1 blue with square markers; a model's
probability of class 1 runs from orange (0) through near-white (0.5) to blue (1), as in
TensorFlow Playground. Meaning is never carried by colour alone: markers, dashes, labels and
the 0.5 contour line say it too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hlcourse import _keras, palette
from hlcourse import _validate as v
from hlcourse.plots import _base as plot_base

__all__ = [
    "decision_grid",
    "plot_dataset",
    "plot_decision_map",
    "plot_hidden_plane",
    "plot_hidden_space",
]

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
    plot_base.check_plane_dataset(dataset)
    v.check_bool("show_test", show_test)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    ax = plot_base.axes(ax)
    test = (dataset.x_test, dataset.y_test) if show_test else None
    _scatter_dataset(ax, (dataset.x_train, dataset.y_train), test)
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
    plot_base.check_plane_dataset(dataset)
    resolution = v.check_int("resolution", resolution, low=10, high=1000)
    x_lo, x_hi, y_lo, y_hi = plot_base.plane_bounds(dataset.x)
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
    plot_base.check_plane_dataset(dataset)
    resolution = v.check_int("resolution", resolution, low=10, high=1000)
    show_test = v.check_bool("show_test", show_test)
    discretize = v.check_bool("discretize", discretize)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    colorbar = v.check_bool("colorbar", colorbar)
    if ax is not None:
        plot_base.axes(ax)  # refuse a wrong `ax` before asking the model anything
    xx, yy, probabilities = decision_grid(model, dataset, resolution)
    ax = plot_base.axes(ax)  # a new figure only once the model has answered
    shown = np.where(probabilities >= 0.5, 0.85, 0.15) if discretize else probabilities
    half_x = (xx[0, 1] - xx[0, 0]) / 2
    half_y = (yy[1, 0] - yy[0, 0]) / 2
    image = ax.imshow(
        shown,
        origin="lower",
        extent=(xx[0, 0] - half_x, xx[0, -1] + half_x, yy[0, 0] - half_y, yy[-1, 0] + half_y),
        cmap=palette.signed_cmap(),
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
    plot_base.check_plane_dataset(dataset)
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

    ax = plot_base.axes(ax)
    if grid_coords is not None:
        from matplotlib.collections import LineCollection

        segments = grid_coords.reshape(2 * grid_lines, samples, 2)
        ax.add_collection(LineCollection(segments, colors=GRID_COLOR, linewidths=0.8, zorder=0))
        ax.plot([], [], color=GRID_COLOR, linewidth=0.8, label="grid lines of the input plane")
    else:
        ax.axhline(0.0, color=GRID_COLOR, linewidth=0.8, zorder=0)
    _scatter_dataset(ax, (coords[:n_train], dataset.y_train), (coords[n_train:], dataset.y_test))
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
    plot_base.check_plane_dataset(dataset)
    grid_lines = v.check_int("grid_lines", grid_lines, low=2, high=41)
    show_test = v.check_bool("show_test", show_test)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    legend = v.check_bool("legend", legend)
    if ax is not None:
        plot_base.axes(ax)  # refuse a wrong `ax` before running the model
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
    ax = plot_base.axes(ax)
    # The output's probability over the plane: sigmoid of a linear function, so its contours
    # are straight lines parallel to the cut.
    hh1, hh2 = np.meshgrid(np.linspace(x_lo, x_hi, 120), np.linspace(y_lo, y_hi, 120))
    z = np.clip(w[0] * hh1 + w[1] * hh2 + b, -30.0, 30.0)
    ax.imshow(
        1.0 / (1.0 + np.exp(-z)), origin="lower", extent=(x_lo, x_hi, y_lo, y_hi),
        cmap=palette.signed_cmap(), vmin=0.0, vmax=1.0, alpha=0.45, aspect="auto",
        interpolation="bilinear", zorder=0,
    )  # fmt: skip
    from matplotlib.collections import LineCollection

    segments = grid_coords.reshape(2 * grid_lines, GRID_SAMPLES, 2)
    ax.add_collection(LineCollection(segments, colors=GRID_COLOR, linewidths=0.8, zorder=1))
    ax.plot([], [], color=GRID_COLOR, linewidth=0.8, label="grid lines of the input plane")
    test = (coords[n_train:], dataset.y_test) if show_test else None
    _scatter_dataset(ax, (coords[:n_train], dataset.y_train), test)
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


def _scatter_dataset(ax, train: tuple, test: tuple | None) -> None:
    """Training points filled, test points hollow; one colour and marker per class."""
    for label, style in enumerate(palette.CLASS_STYLES):
        points = train[0][train[1] == label]
        ax.scatter(points[:, 0], points[:, 1], s=14, alpha=0.8, edgecolors="none", **style)
        if test is not None:
            points = test[0][test[1] == label]
            ax.scatter(
                points[:, 0], points[:, 1], s=16, facecolors="none",
                edgecolors=style["color"], marker=style["marker"], linewidths=0.9,
            )  # fmt: skip


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

        representations.require_plane_model(model)  # not a Keras error deep in the call
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

    x_lo, x_hi, y_lo, y_hi = plot_base.plane_bounds(dataset.x)
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

"""Pictures of hidden layers: activation heatmaps, neuron maps, projections, first-layer weights.

Each function draws on what you give it (`ax` for one panel, `fig` for a grid of panels) or, when
you give nothing, on a new pyplot figure that a notebook shows inline; it returns what it drew on
and never trains anything. To draw without pyplot (in a widget, say), pass
``fig=hlcourse.render.new_figure(...)`` or an axes of such a figure: no pyplot figure is opened.

Colours: values that can be negative use a blue-orange map centred on white at 0
(negative orange, positive blue, as TensorFlow Playground draws them); values that are never
negative (ReLU outputs) use viridis from 0. Classes differ by marker as well as by colour: up to
seven classes get shapes (class 0 an orange circle and class 1 a blue square, as in
`plot_dataset`), more classes are drawn as their own label (a "3" for class 3).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from hlcourse import _keras, palette, representations
from hlcourse import _validate as v
from hlcourse.plots import _base as plot_base

__all__ = [
    "plot_activation_heatmap",
    "plot_first_layer_weights",
    "plot_layer_projections",
    "plot_neuron_maps",
]


def plot_activation_heatmap(
    model: Any,
    x: Any,
    layer: str | int | None = None,
    ax=None,
    *,
    y: Any = None,
    title: str | None = None,
):
    """Draw one layer's values for a batch: one row per sample, one column per unit.

    With labels the rows are sorted by class and each class's band is marked and named on the
    left, so units that fire for one class show up as blocks. Values that can be negative are
    drawn blue (positive) and orange (negative) around white at 0; values that never are (ReLU)
    run through viridis from 0 (dark) to the largest (yellow). A colour bar gives the scale.

    Args:
        model: a built Keras model (any style `hlcourse.probe.hidden_activations` handles).
        x: inputs, shape ``(n_samples, n_features)``; a few hundred samples read well.
        layer: a hidden layer by name (``"hidden_1"``, a nested path, or the output layer's
            name) or by position among the hidden layers; None means the first hidden layer.
        ax: matplotlib axes to draw on; a new figure when None.
        y: class labels ``(n_samples,)`` to sort and band the rows by, or None (input order).
        title: axes title; defaults to the layer's name and the batch's size.

    Returns:
        The axes drawn on.
    """
    model = representations.check_hidden_model(model)
    representations.check_layer_choice(layer)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    if ax is not None:
        plot_base.axes(ax)
    name, values = representations.layer_values(model, x, layer, default=0)
    values = values.reshape(len(values), -1)
    labels = None if y is None else representations.check_labels("y", y, len(values), "x")
    if labels is not None:
        order = np.argsort(labels, kind="stable")
        values, labels = values[order], labels[order]
    ax = plot_base.axes(ax)
    image = _heatmap(ax, values)
    n, units = values.shape
    ax.set_xlabel("unit")
    ax.xaxis.set_major_locator(plot_base.integer_locator())
    if labels is not None:
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
        ends = np.r_[starts[1:], n]
        for start in starts[1:]:
            ax.axhline(start - 0.5, color="white", linewidth=1.6)
            ax.axhline(start - 0.5, color="black", linewidth=0.7)
        ax.set_yticks((starts + ends - 1) / 2)
        ax.set_yticklabels([f"class {labels[s]}" for s in starts], fontsize=8)
        ax.set_ylabel("samples, sorted by class")
    else:
        ax.set_ylabel("sample")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    bar.set_label(f"{name} output")
    if title is None:
        title = f"{name}: {n} samples x {units} units"
    ax.set_title(title)
    return ax


def plot_neuron_maps(
    model: Any,
    layer: str | int | None,
    dataset_or_bounds: Any,
    *,
    resolution: int = 50,
    show_points: bool = True,
    fig=None,
):
    """Draw what every neuron of one layer outputs over the input plane: one small map each.

    A first-layer neuron of a 2-input network splits the plane along a straight line; deeper
    neurons combine those lines into bends, bands and islands. All maps share one colour scale
    (a colour bar gives it), so a neuron that barely reacts looks pale; a neuron that outputs 0
    everywhere (dead) is one flat colour. At most 64 units are drawn.

    Args:
        model: a built Keras model taking 2 inputs.
        layer: a hidden layer by name or position among the hidden layers (None: the first).
        dataset_or_bounds: a 2-D classification `hlcourse.data.Dataset` (the maps cover its
            points with a margin, and its training points can be drawn on top) or bounds
            ``(x1_low, x1_high, x2_low, x2_high)``.
        resolution: grid points per side of each map, 5 to 400.
        show_points: draw the data set's training points on every map (a Dataset only).
        fig: a matplotlib Figure to draw on (cleared first); a new pyplot figure when None.

    Returns:
        The Figure drawn on.
    """
    from hlcourse.data import Dataset

    model = representations.check_hidden_model(model)
    representations.check_layer_choice(layer)
    resolution = v.check_int("resolution", resolution, low=5, high=representations.MAX_RESOLUTION)
    show_points = v.check_bool("show_points", show_points)
    plot_base.check_fig(fig)
    if isinstance(dataset_or_bounds, Dataset):
        plot_base.check_plane_dataset(dataset_or_bounds, "dataset_or_bounds")
        bounds = plot_base.plane_bounds(dataset_or_bounds.x)
        points = (dataset_or_bounds.x_train, dataset_or_bounds.y_train) if show_points else None
    elif isinstance(dataset_or_bounds, (str, bytes)) or not hasattr(dataset_or_bounds, "__len__"):
        v.fail(
            "dataset_or_bounds",
            "a 2-D classification Dataset or bounds (x1_low, x1_high, x2_low, x2_high)",
            dataset_or_bounds,
            error=TypeError,
        )
    else:
        try:
            bounds = representations.check_bounds(dataset_or_bounds)
        except (TypeError, ValueError) as err:
            raise plot_base.renamed(err, "bounds", "dataset_or_bounds") from None
        points = None
    name, maps = representations.layer_response_maps(
        model, layer, bounds=bounds, resolution=resolution
    )
    units = len(maps)
    shown = min(units, plot_base.MAX_PANELS)
    cols = min(8, math.ceil(math.sqrt(shown)))
    rows = math.ceil(shown / cols)
    fig = plot_base.figure(fig, 1.5 * cols + 1.6, 1.5 * rows + 0.7)
    axes = plot_base.panel_grid(fig, rows, cols, right=1.4, bottom=0.15, top=0.5, hspace=0.3)
    cmap, vmin, vmax = plot_base.value_scale(maps)
    x_lo, x_hi, y_lo, y_hi = bounds
    image = None
    for k, ax in enumerate(axes.flat):
        if k >= shown:
            ax.set_axis_off()
            continue
        image = ax.imshow(
            maps[k], origin="lower", extent=(x_lo, x_hi, y_lo, y_hi), cmap=cmap,
            vmin=vmin, vmax=vmax, interpolation="bilinear", aspect="equal",
        )  # fmt: skip
        if points is not None:
            _overlay_classes(ax, points[0], points[1])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"unit {k}", fontsize=8, pad=2)
    more = f" (first {shown} of {units} units)" if shown < units else ""
    fig.suptitle(f"{name}: each unit's output over the input plane{more}", fontsize=10)
    plot_base.colorbar(fig, image, f"{name} output", right=1.4)
    if points is not None:
        classes = np.unique(points[1])
        handles = [_overlay_handle(int(c), len(classes)) for c in classes]
        fig.legend(handles=handles, loc="lower right", fontsize=7, frameon=False,
                   title="training points", title_fontsize=7)  # fmt: skip
    return fig


def plot_layer_projections(
    model: Any,
    x: Any,
    y: Any,
    *,
    method: str = "pca",
    score: str = "fisher",
    include_input: bool = True,
    include_output: bool = False,
    fig=None,
):
    """Draw every layer's representation of `x` in 2-D, one panel per layer, input first.

    Each panel's title gives the layer's `hlcourse.representations.separability` score,
    measured on all its units (the 2-D view only illustrates it). In the course's trained
    classifiers the classes gather into tighter, more separate clusters from layer to layer,
    and the score rises with them (lesson 09 asserts it).

    Args:
        model: a built Keras model (any style `hlcourse.probe.hidden_activations` handles).
        x: inputs, shape ``(n_samples, n_features)``; held-out samples give the honest picture.
        y: their class labels ``(n_samples,)``.
        method: ``"pca"`` or ``"lda"`` (see `hlcourse.representations.layer_projections`).
        score: separability score in the titles, ``"fisher"`` or ``"linear"``.
        include_input: a first panel for `x` itself.
        include_output: a last panel for the output layer.
        fig: a matplotlib Figure to draw on (cleared first); a new pyplot figure when None.

    Returns:
        The Figure drawn on.
    """
    model = representations.check_hidden_model(model)
    method = v.check_choice("method", method, representations.PROJECTION_METHODS)
    score = v.check_choice("score", score, representations.SEPARABILITY_METHODS)
    plot_base.check_fig(fig)
    reps = representations.layer_representations(model, x, include_input, include_output)
    labels = representations.check_labels("y", y, len(next(iter(reps.values()))), "x")
    if method == "lda" and len(np.unique(labels)) < 3:
        v.fail(
            "method", "'pca' for fewer than 3 classes", method,
            hint="LDA finds at most (classes - 1) directions; use method='pca'",
        )  # fmt: skip
    panels = len(reps)
    cols = min(panels, 4)
    rows = math.ceil(panels / cols)
    n_classes = len(np.unique(labels))
    glyphs = n_classes > len(palette.CLASS_MARKERS)
    fig = plot_base.figure(fig, 3.3 * cols, 3.3 * rows + 0.8)
    axes = plot_base.panel_grid(fig, rows, cols, right=0.1, bottom=0.3 if glyphs else 0.55, top=0.75,
                       hspace=0.45, wspace=0.12)  # fmt: skip
    for ax, (name, values) in zip(axes.flat, reps.items(), strict=False):
        coords, share = representations.project_to_2d(values, labels, method)
        value = representations.score_representation(values, labels, score)
        plot_base.scatter_classes(ax, coords, labels, size=12)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(f"{name} ({values.shape[1]} values)\nseparability {value:.2f}", fontsize=9)
        if share is not None:
            ax.set_xlabel(f"PC 1-2: {share:.0%} of the spread", fontsize=8)
        else:
            ax.set_xlabel("LD 1-2", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in list(axes.flat)[panels:]:
        ax.set_axis_off()
    how = "PCA" if method == "pca" else "LDA"
    key = "; each sample is drawn as its class label" if glyphs else ""
    fig.suptitle(
        f"Each layer's view of the samples ({how}); separability: {score} score, 0 to 1{key}",
        fontsize=10,
    )
    if not glyphs:
        handles, names = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", ncol=min(n_classes, 7), fontsize=8,
                   frameon=False)  # fmt: skip
    return fig


def plot_first_layer_weights(
    model: Any,
    image_shape: tuple[int, int] = (8, 8),
    *,
    layer: str | None = None,
    fig=None,
):
    """Draw each first-layer unit's incoming weights as a small image (one pixel per input).

    For a network fed images (the 8x8 digits) unit k's weights are a picture of the pattern
    that makes it respond: blue pixels push it up when lit, orange pixels push it down, white
    ones do not matter. All images share one scale centred at 0. At most 64 units are drawn.

    Args:
        model: a built Keras model whose first Dense layer takes the flattened images.
        image_shape: ``(height, width)`` of one image; height x width must equal the layer's
            number of inputs (64 for 8x8 digits).
        layer: the Dense layer to draw, by name or nested path; None means the first layer
            (in the order the data flows) whose weights take ``height x width`` inputs.
        fig: a matplotlib Figure to draw on (cleared first); a new pyplot figure when None.

    Returns:
        The Figure drawn on.
    """
    model = representations.check_hidden_model(model)
    image_shape = _check_image_shape(image_shape)
    if layer is not None:
        v.check_str("layer", layer)
    plot_base.check_fig(fig)
    name, kernel = _first_kernel(model, image_shape, layer)
    units = kernel.shape[1]
    images = kernel.T.reshape(units, *image_shape)
    shown = min(units, plot_base.MAX_PANELS)
    cols = min(8, math.ceil(math.sqrt(shown)))
    rows = math.ceil(shown / cols)
    fig = plot_base.figure(fig, 1.3 * cols + 1.6, 1.3 * rows + 0.7)
    axes = plot_base.panel_grid(fig, rows, cols, right=1.4, bottom=0.15, top=0.5, hspace=0.3)
    limit = float(np.max(np.abs(images))) or 1.0
    image = None
    for k, ax in enumerate(axes.flat):
        if k >= shown:
            ax.set_axis_off()
            continue
        image = ax.imshow(
            images[k], cmap=palette.signed_cmap(), vmin=-limit, vmax=limit, interpolation="nearest"
        )
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"unit {k}", fontsize=8, pad=2)
    more = f" (first {shown} of {units})" if shown < units else ""
    height, width = image_shape
    rows_px, cols_px = image_shape
    fig.suptitle(
        f"{name}: each unit's {rows_px * cols_px} incoming weights, one per pixel "
        f"({rows_px}x{cols_px}){more}",
        fontsize=10,
    )
    plot_base.colorbar(fig, image, "weight (blue: a lit pixel pushes the unit up)", right=1.4)
    return fig


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _heatmap(ax, values: np.ndarray):
    cmap, vmin, vmax = plot_base.value_scale(values)
    return ax.imshow(
        values, aspect="auto", interpolation="nearest", cmap=cmap, vmin=vmin, vmax=vmax
    )


def _overlay_style(label: int, n_classes: int) -> dict[str, Any]:
    """Points drawn over a coloured map: black and white, told apart by shape and fill."""
    marker = (
        palette.CLASS_MARKERS[label % len(palette.CLASS_MARKERS)]
        if n_classes <= 7
        else f"${label}$"
    )
    face = "white" if label % 2 == 0 else "black"
    return {"marker": marker, "facecolors": face, "edgecolors": "black", "label": f"class {label}"}


def _overlay_classes(ax, points: np.ndarray, labels: np.ndarray) -> None:
    classes = np.unique(labels)
    for label in classes:
        members = points[labels == label]
        ax.scatter(members[:, 0], members[:, 1], s=6, linewidths=0.4, alpha=0.85,
                   **_overlay_style(int(label), len(classes)))  # fmt: skip


def _overlay_handle(label: int, n_classes: int):
    from matplotlib.lines import Line2D

    style = _overlay_style(label, n_classes)
    return Line2D([], [], linestyle="none", marker=style["marker"], markersize=5,
                  markerfacecolor=style["facecolors"], markeredgecolor="black",
                  label=style["label"])  # fmt: skip


def _check_image_shape(value: Any) -> tuple[int, int]:
    expected = "(height, width), two positive integers"
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
        v.fail("image_shape", expected, value, error=TypeError)
    if len(value) != 2:
        v.fail("image_shape", expected, value)
    for item in value:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            v.fail("image_shape", expected, value, error=TypeError)
        if item < 1 or item > 1024:
            v.fail("image_shape", expected + " from 1 to 1,024", value)
    return int(value[0]), int(value[1])


def _first_kernel(model: Any, image_shape: tuple[int, int], layer: str | None):
    """(name, kernel of shape (height * width, units)) of the chosen or first fitting layer."""
    from hlcourse import probe

    n_inputs = image_shape[0] * image_shape[1]
    paths = _keras.layer_paths(model)
    if layer is not None:
        if layer not in paths:
            shown = ", ".join(repr(p) for p in list(paths)[:40])
            v.fail("layer", f"the name of one of the model's layers ({shown})", layer)
        candidates = [(layer, paths[layer])]
    else:
        # The order the data flows in: a zero batch through the model names every layer.
        if _keras.model_style(model) == "subclassed":
            shape: tuple = (n_inputs,)
        else:
            shape = tuple(model.inputs[0].shape[1:])
            if None in shape:
                shape = (n_inputs,)
        try:
            order = probe.hidden_activations(
                model, np.zeros((1, *shape), np.float32), include_output=True
            )
        except ValueError:
            order = {}
        names = [key.split(" (call ")[0] for key in order] or list(paths)
        candidates = [(n, paths[n]) for n in dict.fromkeys(names) if n in paths]
    for name, found in candidates:
        kernel = getattr(found, "kernel", None)
        if kernel is None:
            continue
        kernel = np.asarray(kernel.numpy() if hasattr(kernel, "numpy") else kernel)
        if kernel.ndim == 2 and kernel.shape[0] == n_inputs:
            return name, kernel
        if layer is not None:
            v.fail(
                "image_shape",
                f"a shape whose height x width is the layer's number of inputs ({kernel.shape[0]})",
                image_shape,
            )
    height, width = image_shape
    v.fail(
        "model" if layer is None else "layer",
        f"a layer with a weight matrix of {n_inputs} inputs (one per pixel of a "
        f"{height}x{width} image)",
        model if layer is None else layer,
        hint="plot_first_layer_weights draws a Dense layer fed the flattened images; check "
        "image_shape",
    )
    return "", np.zeros((0, 0))  # not reached

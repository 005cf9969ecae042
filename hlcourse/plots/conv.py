"""Pictures of convolutional networks (lesson 10): the images, the learned filters, the feature
maps layer by layer, and the image patches that excite each channel most (found by
`hlcourse.plots.fields`, which also says how much of the image one unit sees).

As with the hidden-layer plots, each function draws on the Figure you give it
(``fig=hlcourse.render.new_figure(...)`` draws without pyplot) or on a new pyplot figure that a
notebook shows inline, returns it, and never trains anything. Signed values (filter weights)
are blue (positive) and orange (negative) around white at 0, with limits symmetric about 0;
feature maps that are never negative (after ReLU or max pooling) run through viridis from 0.

    >>> plot_images(ds)                       # the first 16 test pictures, titled by class
    >>> plot_filters(model)                   # the first Conv2D layer's kernels
    >>> plot_feature_maps(model, ds.x_test[0])
    >>> plot_top_patches(model, ds, "conv_2")  # one row of 8 patches per channel
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from hlcourse import _keras, palette
from hlcourse import _validate as v
from hlcourse.plots import _base as plot_base
from hlcourse.plots import fields

__all__ = [
    "plot_feature_maps",
    "plot_filters",
    "plot_images",
    "plot_top_patches",
]

MAX_PANELS = plot_base.MAX_PANELS
MAX_COLUMNS = 16
MAX_CHANNELS = 32
MAX_FEATURE_ROWS = 12
GAP_COLOR = palette.SKY_BLUE  # between patches: neither black nor white ink
SEPARATOR = " · "


def plot_images(
    images: Any,
    labels: Any = None,
    *,
    class_names: Sequence[str] | None = None,
    n: int = 16,
    columns: int = 8,
    fig=None,
):
    """Draw the first `n` pictures in a grid, in grey, each titled by its class.

    All pictures share one grey scale (black at the smallest value, or at 0 when none is
    negative; white at the largest), so a faint picture looks faint.

    Args:
        images: pictures ``(n_images, height, width)`` or ``(n_images, height, width, 1)``
            (3 channels are drawn in colour), or a `hlcourse.data.Dataset` of images (its test
            pictures and labels are drawn, with its ``class_names`` when it has them, as
            `hlcourse.shapes.make_shapes` gives).
        labels: one label per picture ``(n_images,)``: class numbers (named through
            `class_names` when given), or strings; None: no titles (a Dataset's own labels).
        class_names: the name of each class number, ``class_names[label]``; None: the number.
        n: how many pictures to draw, 1 to 64 (fewer when there are fewer).
        columns: pictures per row, 1 to 16.
        fig: a matplotlib Figure to draw on (cleared first); a new pyplot figure when None.

    Returns:
        The Figure drawn on.
    """
    n = v.check_int("n", n, low=1, high=MAX_PANELS)
    columns = v.check_int("columns", columns, low=1, high=MAX_COLUMNS)
    plot_base.check_fig(fig)
    pictures, labels, class_names = fields.check_images_and_labels(images, labels, class_names)
    titles = _titles(labels, class_names, len(pictures))
    shown = min(n, len(pictures))
    cols = min(columns, shown)
    rows = math.ceil(shown / cols)
    fig = plot_base.figure(fig, 1.25 * cols + 0.4, 1.4 * rows + 0.6)
    axes = plot_base.panel_grid(fig, rows, cols, right=0.2, bottom=0.1, top=0.5, hspace=0.35)
    low = min(float(pictures[:shown].min()), 0.0)
    high = float(pictures[:shown].max())
    high = high if high > low else low + 1.0
    for k, ax in enumerate(axes.flat):
        if k >= shown:
            ax.set_axis_off()
            continue
        picture = pictures[k]
        if picture.shape[-1] == 3:
            ax.imshow((picture - low) / (high - low), interpolation="nearest")
        else:
            ax.imshow(picture[..., 0], cmap="gray", vmin=low, vmax=high, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[k], fontsize=8, pad=2)
    h, w = pictures.shape[1:3]
    fig.suptitle(f"{shown} of {len(pictures)} pictures, {h}x{w} pixels", fontsize=10)
    return fig


def plot_filters(model: Any, layer: str | int | None = None, *, fig=None):
    """Draw a Conv2D layer's kernels: one small picture per filter (output channel).

    A filter slides over its input and responds where the input looks like it: blue weights
    push the response up where the input is bright, orange ones push it down, white ones do
    not matter. A first-layer filter on grey images has one input channel, so its picture is
    the pattern it looks for (an edge, a bar). A deeper filter has one kernel per input channel;
    the picture shows their mean over the input channels (the title says so). All pictures
    share one colour scale, symmetric about 0. At most 64 filters are drawn.

    Args:
        model: a built Keras model with at least one ``Conv2D`` layer (also inside a nested
            model).
        layer: the Conv2D layer, by name (or path ``"block/conv"``) or by position among the
            model's Conv2D layers (``0``, ``-1``); None means the first.
        fig: a matplotlib Figure to draw on (cleared first); a new pyplot figure when None.

    Returns:
        The Figure drawn on.
    """
    model = fields.check_conv_model(model)
    fields.check_layer_type(layer, "a Conv2D layer's name or its position among the Conv2D layers")
    plot_base.check_fig(fig)
    import keras

    name, conv = _pick(model, layer, (keras.layers.Conv2D,), "Conv2D")
    kernel = np.asarray(keras.ops.convert_to_numpy(conv.kernel), dtype=np.float32)
    kh, kw, n_in, n_out = kernel.shape
    pictures = kernel.mean(axis=2).transpose(2, 0, 1)  # (filters, kh, kw)
    shown = min(n_out, MAX_PANELS)
    cols = min(8, math.ceil(math.sqrt(shown)))
    rows = math.ceil(shown / cols)
    fig = plot_base.figure(fig, 1.3 * cols + 1.6, 1.3 * rows + 0.8)
    axes = plot_base.panel_grid(fig, rows, cols, right=1.4, bottom=0.15, top=0.6, hspace=0.3)
    limit = float(np.max(np.abs(pictures[:shown]))) or 1.0
    image = None
    for k, ax in enumerate(axes.flat):
        if k >= shown:
            ax.set_axis_off()
            continue
        image = ax.imshow(pictures[k], cmap=palette.signed_cmap(), vmin=-limit, vmax=limit,
                          interpolation="nearest")  # fmt: skip
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"filter {k}", fontsize=8, pad=2)
    more = f" (first {shown} of {n_out})" if shown < n_out else ""
    if n_in > 1:
        how = f"each the mean of its {n_in} kernels, one per input channel"
    else:
        how = "one input channel"
    fig.suptitle(f"{name}: {n_out} filters of {kh}x{kw} weights{more}\n({how})", fontsize=10)
    plot_base.colorbar(fig, image, "weight (blue +, orange -)", right=1.4)
    return fig


def plot_feature_maps(
    model: Any,
    image: Any,
    *,
    layers: Sequence[str | int] | str | int | None = None,
    channels: int = 8,
    fig=None,
):
    """Draw what each convolution and pooling layer makes of one image, row by row.

    The image sits in the first column; each row to its right is one layer (in the order the
    data flows), labelled with its name and output shape (``"conv_1 · 26x26x8"``), and shows
    its first `channels` channels, numbered. A row shares one colour scale (a colour bar at its
    end gives it), so a weak channel looks weak: viridis from 0 (dark) when no value is
    negative (after ReLU or pooling), blue-orange around 0 otherwise. Early rows show edges
    and strokes; deeper rows are smaller and coarser, and respond to larger parts of the shape.

    Args:
        model: a built Keras model taking images (Sequential, Functional or subclassed).
        image: ONE image, ``(height, width)`` or ``(height, width, channels)`` (e.g.
            ``ds.x_test[0]``).
        layers: the layers to draw, a name or position or a list of them: a name may be any
            layer whose output is ``(height, width, channels)`` per image; a position counts
            among the model's Conv2D and pooling layers. None: every Conv2D, SeparableConv2D,
            DepthwiseConv2D, MaxPooling2D and AveragePooling2D layer, at most 12.
        channels: channels drawn per layer, 1 to 32 (fewer when a layer has fewer).
        fig: a matplotlib Figure to draw on (cleared first); a new pyplot figure when None.

    Returns:
        The Figure drawn on.
    """
    from hlcourse import probe

    model = fields.check_conv_model(model)
    wanted = _check_layers_arg(layers)
    channels = v.check_int("channels", channels, low=1, high=MAX_CHANNELS)
    plot_base.check_fig(fig)
    picture = _check_image(model, image)
    acts = probe.hidden_activations(model, picture[None], include_output=True)
    offered = _map_layers(model, acts)
    names = _chosen_maps(model, acts, offered, wanted)
    maps = {name: np.asarray(acts[name][0], dtype=np.float32) for name in names}
    shown_max = min(channels, max(m.shape[-1] for m in maps.values()))
    rows = len(names)
    width = 1.8 + 1.15 * shown_max + 0.9
    fig = plot_base.figure(fig, width, 1.3 * rows + 0.7)
    fig_w, fig_h = fig.get_size_inches()
    grid = fig.add_gridspec(
        rows, shown_max + 2, width_ratios=[1.5] + [1.0] * shown_max + [0.08],
        left=0.15 / fig_w, right=1 - 0.55 / fig_w, bottom=0.15 / fig_h, top=1 - 0.6 / fig_h,
        wspace=0.08, hspace=0.45,
    )  # fmt: skip
    image_ax = fig.add_subplot(grid[:, 0])
    _show_input(image_ax, picture)
    image_ax.set_title(f"input, {picture.shape[0]}x{picture.shape[1]}", fontsize=9)
    for r, name in enumerate(names):
        values = maps[name]
        h, w, c = values.shape
        cmap, vmin, vmax = plot_base.value_scale(values[..., :shown_max])
        art = None
        for k in range(shown_max):
            ax = fig.add_subplot(grid[r, k + 1])
            ax.set_xticks([])
            ax.set_yticks([])
            if k >= c:
                ax.set_axis_off()
                continue
            art = ax.imshow(values[..., k], cmap=cmap, vmin=vmin, vmax=vmax,
                            interpolation="nearest")  # fmt: skip
            ax.text(0.03, 0.97, str(k), transform=ax.transAxes, fontsize=6, va="top",
                    ha="left", bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5,
                                     "alpha": 0.8})  # fmt: skip
            if k == 0:
                ax.set_title(f"{name}{SEPARATOR}{h}x{w}x{c}", fontsize=8, loc="left", pad=2)
        bar_ax = fig.add_subplot(grid[r, -1])
        fig.colorbar(art, cax=bar_ax)
        bar_ax.tick_params(labelsize=6)
    fig.suptitle(
        f"Feature maps of one image, layer by layer (up to {shown_max} channels each, "
        "numbered; one colour scale per row)",
        fontsize=10,
    )
    return fig


def plot_top_patches(
    model: Any,
    images: Any,
    layer: str | int,
    *,
    labels: Any = None,
    class_names: Sequence[str] | None = None,
    k: int = 8,
    channels: int = 8,
    fig=None,
):
    """Draw, for each channel of a layer, the image patches that excite it most: one row each.

    Each row is one channel; its `k` pictures are the receptive fields of the units that fired
    most, one per image, strongest on the left (`top_patches` finds them), each labelled below
    with the image's class. All patches share one grey scale, so a faint patch is faint. A
    channel that never fires (a dead ReLU channel) is labelled so; its patches mean nothing.
    Each row is drawn as one picture (the patches side by side, with sky-blue gaps that
    neither black nor white ink can be mistaken for), so the figure draws quickly even with
    many patches.

    Args:
        model: a built Sequential model, or a Functional chain of layers, taking images.
        images: pictures ``(n_images, height, width[, channels])`` or a `hlcourse.data.Dataset`
            of images (its test pictures, labels and class names).
        layer: a layer with image-shaped output, by name or position among the Conv2D and
            pooling layers.
        labels: one class label per image, for the titles; None: a Dataset's own, or none.
        class_names: the name of each class number; None: a Dataset's own, or the number.
        k: patches per channel, 1 to 16.
        channels: how many channels (the first ones) to draw, 1 to 32.
        fig: a matplotlib Figure to draw on (cleared first); a new pyplot figure when None.

    Returns:
        The Figure drawn on.
    """
    k = v.check_int("k", k, low=1, high=MAX_COLUMNS)
    channels = v.check_int("channels", channels, low=1, high=MAX_CHANNELS)
    plot_base.check_fig(fig)
    pictures, labels, class_names = fields.check_images_and_labels(images, labels, class_names)
    found = fields.top_patches(model, pictures, layer, labels=labels, k=k)
    name = layer if isinstance(layer, str) else fields.layer_path(model, layer)
    patches, values = found["patches"], found["values"]
    rows, cols = min(channels, len(patches)), patches.shape[1]
    field_h, field_w = patches.shape[2:4]
    low = min(float(pictures.min()), 0.0)
    high = float(pictures.max())
    high = high if high > low else low + 1.0
    gap = max(1, field_w // 4)
    width = max(6.5, 1.4 + cols * max(0.55, 0.07 * field_w))
    fig = plot_base.figure(fig, width, 0.75 * rows + 0.9)
    fig_w, fig_h = fig.get_size_inches()
    grid = fig.add_gridspec(rows, 1, left=1.1 / fig_w, right=1 - 0.15 / fig_w,
                            bottom=0.1 / fig_h, top=1 - 0.7 / fig_h, hspace=0.6)  # fmt: skip
    centres = [c * (field_w + gap) + (field_w - 1) / 2 for c in range(cols)]
    for r in range(rows):
        ax = fig.add_subplot(grid[r, 0])
        ax.imshow(_strip(patches[r], gap, low, high), cmap=_grey_with_gaps(),
                  vmin=low, vmax=high, interpolation="nearest", aspect="equal")  # fmt: skip
        ax.set_yticks([])
        ax.set_xticks(centres)
        if "labels" in found:
            ax.set_xticklabels(_titles(found["labels"][r], class_names, cols), fontsize=7)
        else:
            ax.set_xticklabels([""] * cols)
        ax.tick_params(axis="x", length=0, pad=2)
        for side in ax.spines.values():
            side.set_visible(False)
        dead = not np.any(values[r] > 0)
        ax.set_ylabel(f"channel {r}" + ("\n(never fires)" if dead else ""), fontsize=8,
                      rotation=0, ha="right", va="center")  # fmt: skip
    more = f"; channels 0-{rows - 1} of {len(patches)}" if rows < len(patches) else ""
    fig.suptitle(
        f"{name}: the {cols} images that excite each channel most,\n"
        f"each cut to the winning unit's receptive field ({field_h}x{field_w} pixels{more})",
        fontsize=10,
    )
    return fig


def _strip(patches: np.ndarray, gap: int, low: float, high: float) -> np.ndarray:
    """Patches ``(k, h, w, c)`` side by side with `gap` blank columns between them: grey as
    ``(h, width)`` with NaN in the gaps (drawn in GAP_COLOR), colour as ``(h, width, 3)`` scaled
    to 0-1 with GAP_COLOR gaps."""
    k, h, w, c = patches.shape
    width = k * w + (k - 1) * gap
    if c == 3:
        import matplotlib.colors as mcolors

        strip = np.empty((h, width, 3), np.float32)
        strip[:] = mcolors.to_rgb(GAP_COLOR)
        scaled = (patches - low) / (high - low)
    else:
        strip = np.full((h, width), np.nan, np.float32)
        scaled = patches[..., 0]
    for j in range(k):
        strip[:, j * (w + gap) : j * (w + gap) + w] = scaled[j]
    return strip


def _grey_with_gaps():
    import matplotlib as mpl

    return mpl.colormaps["gray"].with_extremes(bad=GAP_COLOR)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _pick(model: Any, layer: Any, types: tuple[type, ...], what: str) -> tuple[str, Any]:
    """(path, layer) of the chosen layer of `types` (by name, path or position among them)."""

    found = [(p, lay) for p, lay in _keras.layer_paths(model).items() if isinstance(lay, types)]
    if not found:
        v.fail("model", f"a model with a {what} layer", model,
                hint="Only Keras' own layers count, also inside nested models")  # fmt: skip
    listed = ", ".join(repr(p) for p, _ in found)
    if layer is None:
        return found[0]
    if isinstance(layer, str):
        for path, lay in found:
            if layer in (path, lay.name):
                return path, lay
        v.fail("layer", f"one of the model's {what} layers ({listed})", layer)
    index = v.check_int("layer", layer, low=-len(found), high=len(found) - 1,
                        hint=f"A position counts among the {what} layers: {listed}")  # fmt: skip
    return found[index]


def _titles(labels: np.ndarray | None, class_names, n: int) -> list[str] | None:
    if labels is None:
        return None
    if labels.dtype.kind in "US":
        return [str(label) for label in labels]
    if class_names is not None:
        return [class_names[int(label)] for label in labels]
    if labels.dtype.kind == "f" and not np.all(np.mod(labels, 1) == 0):
        return [f"{float(label):.3g}" for label in labels]
    return [str(int(label)) for label in labels]


def _check_layers_arg(layers: Any) -> list[str | int] | None:
    expected = "None, a layer name or position, or a list of them"
    if layers is None:
        return None
    if isinstance(layers, (str, numbers.Integral)) and not isinstance(layers, bool):
        layers = [layers]
    if isinstance(layers, (bytes, dict, set)) or not isinstance(layers, Sequence):
        v.fail("layers", expected, layers, error=TypeError)
    if not layers or len(layers) > MAX_FEATURE_ROWS:
        v.fail("layers", f"{expected}, 1 to {MAX_FEATURE_ROWS} layers", layers)
    for item in layers:
        if isinstance(item, bool) or not isinstance(item, (str, numbers.Integral)):
            v.fail("layers", "layer names (str) or positions among the Conv2D and pooling "
                    "layers (int)", layers, error=TypeError)  # fmt: skip
    return list(layers)


def _check_image(model: Any, image: Any) -> np.ndarray:
    """ONE image as float32 (h, w, c) that fits the model's input."""

    hint = "Pass one image, e.g. ds.x_test[0]"
    picture = v.check_array("image", image, hint=hint)
    if picture.ndim == 4 and picture.shape[0] == 1:
        picture = picture[0]
    if picture.ndim not in (2, 3):
        v.fail("image.shape", "(height, width) or (height, width, channels) for one image",
                picture.shape, hint=hint + "; for the k-th of a batch use images[k]")  # fmt: skip
    shape: tuple = ()
    if _keras.model_style(model) != "subclassed" and len(model.inputs) == 1:
        shape = tuple(model.inputs[0].shape[1:])
    if picture.ndim == 2 and (not shape or (len(shape) == 3 and shape[-1] == 1)):
        picture = picture[..., None]
    if shape:
        fits = (
            len(shape) == 3
            and picture.ndim == 3
            and all(d is None or d == a for d, a in zip(shape, picture.shape, strict=True))
        )
        if not fits:
            wanted = "(" + ", ".join("?" if d is None else str(d) for d in shape) + ")"
            v.fail("image.shape", f"{wanted}, the model's input for one image",
                    np.shape(image), hint=hint)  # fmt: skip
    return picture


def _show_input(ax, picture: np.ndarray) -> None:
    if picture.shape[-1] == 3:
        low, high = float(picture.min()), float(picture.max())
        ax.imshow((picture - low) / (high - low or 1.0), interpolation="nearest")
    else:
        gray = picture.mean(axis=-1)
        low, high = min(float(gray.min()), 0.0), float(gray.max())
        ax.imshow(gray, cmap="gray", vmin=low, vmax=high if high > low else low + 1.0,
                  interpolation="nearest")  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])


def _map_layers(model: Any, acts: dict[str, np.ndarray]) -> list[str]:
    """Names in `acts` (forward order) of Conv2D-like and pooling layers with 4-D outputs."""

    types = fields.layer_types(fields.CONV_LAYERS + fields.POOL_LAYERS)
    paths = _keras.layer_paths(model)
    return [
        key for key, value in acts.items()
        if isinstance(paths.get(key), types) and np.ndim(value) == 4
    ]  # fmt: skip


def _chosen_maps(model: Any, acts: dict, offered: list[str], wanted) -> list[str]:
    if wanted is None:
        if not offered:
            v.fail("model", "a model with a Conv2D or pooling layer", model,
                    hint="Pass layers=[...] to name layers with image-shaped outputs")  # fmt: skip
        return offered[:MAX_FEATURE_ROWS]
    listed = ", ".join(repr(n) for n in offered) or "none"
    names: list[str] = []
    for item in wanted:
        if isinstance(item, str):
            if item not in acts:
                v.fail("layers", "names of the model's layers (Conv2D and pooling layers: "
                        f"{listed})", item, hint="Layers in order: " + ", ".join(acts))  # fmt: skip
            if np.ndim(acts[item]) != 4:
                v.fail("layers", "layers whose output is (height, width, channels) per image",
                        item, hint=f"{item!r} outputs shape {np.shape(acts[item])[1:]}")  # fmt: skip
            name = item
        else:
            if not offered:
                v.fail("layers", "layer names (the model has no Conv2D or pooling layer to "
                        "count positions among)", item, error=ValueError)  # fmt: skip
            index = v.check_int("layers", item, low=-len(offered), high=len(offered) - 1,
                                hint=f"A position counts among the Conv2D and pooling layers: "
                                f"{listed}")  # fmt: skip
            name = offered[index]
        if name not in names:
            names.append(name)
    return names

"""Pictures of convolutional networks (lesson 10): the images, the learned filters, the feature
maps layer by layer, how much of the image one unit sees, and the image patches that excite
each channel most.

As with the hidden-layer plots, each function draws on the Figure you give it
(``fig=hlcourse.render.new_figure(...)`` draws without pyplot) or on a new pyplot figure that a
notebook shows inline, returns it, and never trains anything. Signed values (filter weights)
are blue (positive) and orange (negative) around white at 0, with limits symmetric about 0;
feature maps that are never negative (after ReLU or max pooling) run through viridis from 0.

    >>> plot_images(ds)                       # the first 16 test pictures, titled by class
    >>> plot_filters(model)                   # the first Conv2D layer's kernels
    >>> plot_feature_maps(model, ds.x_test[0])
    >>> receptive_field(model, "conv_2")      # 8: one unit of conv_2 sees an 8x8 patch
    >>> top_patches(model, ds, "conv_2")["patches"].shape   # (16, 8, 8, 8, 1)
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

__all__ = [
    "plot_feature_maps",
    "plot_filters",
    "plot_images",
    "plot_top_patches",
    "receptive_field",
    "top_patches",
]

MAX_PANELS = plot_base.MAX_PANELS
MAX_COLUMNS = 16
MAX_CHANNELS = 32
MAX_FEATURE_ROWS = 12
GAP_COLOR = palette.SKY_BLUE  # between patches: neither black nor white ink
SEPARATOR = " · "

_CONV_NAMES = ("Conv2D", "SeparableConv2D", "DepthwiseConv2D")
_POOL_NAMES = ("MaxPooling2D", "AveragePooling2D")
# Layers whose units no longer sit on the image's grid (or sit on a finer one): receptive
# fields stop there.
_UNSUPPORTED_NAMES = (
    "Conv2DTranspose", "UpSampling2D", "Flatten", "Reshape", "Permute", "Resizing",
    "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Conv1D", "Conv3D", "MaxPooling1D",
    "AveragePooling1D", "MaxPooling3D", "AveragePooling3D",
)  # fmt: skip


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
    pictures, labels, class_names = _images_and_labels(images, labels, class_names)
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
    model = _check_built_model(model)
    _check_layer_type(layer, "a Conv2D layer's name or its position among the Conv2D layers")
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

    model = _check_built_model(model)
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


def receptive_field(model: Any, layer: str | int) -> int:
    """The side, in input pixels, of the patch that one unit of a layer sees.

    Computed from the layers before it, as the data flows: a k x k convolution widens the
    patch by (k - 1) steps of the current grid, a pooling window of p by (p - 1), and a stride
    s (pooling's stride is its window by default) makes every later step s times larger. Two
    3x3 convolutions see 5x5 pixels; with a 2x2 max pooling between them, 8x8. Dilation counts
    (a kernel k with dilation d spans ``d * (k - 1) + 1``); padding does not (it only cuts the
    patch at the image's border). Layers that do not move across the image (activations,
    BatchNormalization, Dropout) change nothing.

    Args:
        model: a built Sequential model (nested Sequential models are opened) or a Functional
            model whose layers form a chain (no branches or merges) up to `layer`.
        layer: the layer, by name (a path ``"inner/conv"`` inside a nested Sequential model)
            or by position among the model's Conv2D and pooling layers (``0``, ``-1``).

    Returns:
        The patch's side in pixels (an int; the patch is square).
    """
    model = _check_built_model(model)
    if layer is None:
        v.fail("layer", "a layer's name or its position among the Conv2D and pooling layers",
                layer, hint="Say which layer, e.g. receptive_field(model, 0)",
                error=TypeError)  # fmt: skip
    _check_layer_type(layer, "a layer's name or its position among the Conv2D and pooling layers")
    chain, names = _chain(model)
    target = _target_in_chain(chain, names, layer)
    size = _field_geometry(chain, names, target, layer, None)[0]
    if size[0] != size[1]:
        v.fail(
            "layer",
            "a layer whose units see a square patch",
            layer,
            hint=f"Its units see {size[0]} rows x {size[1]} columns (non-square kernels or "
            "strides before it)",
        )
    return int(size[0])


def top_patches(
    model: Any,
    images: Any,
    layer: str | int,
    *,
    labels: Any = None,
    k: int = 8,
) -> dict[str, np.ndarray]:
    """For each channel of a layer, the `k` images that excite it most, cut to what it sees.

    Every unit of a convolution or pooling layer looks at one patch of the image, its
    receptive field (see `receptive_field`). For each channel this finds, in every image, the
    unit with the largest value, keeps the `k` images where that value is largest (one patch
    per image, largest first, ties broken by image order) and cuts each image to the winning
    unit's receptive field. The field's place comes from the layers before it: kernel and pool
    sizes, strides, dilation and padding (with ``padding="same"`` Keras pads ``total // 2``
    pixels before and the rest after, so a field can reach past the border; those pixels are
    filled with 0, which is what a zero-padded convolution sees there). The box is the field
    as the layers' sizes and strides lay it out; where a layer inside the network padded its
    input, a unit near the border gets part of that box from padding, not from the image.

    Args:
        model: a built Sequential model, or a Functional model whose layers form a chain up to
            `layer` (as `receptive_field` takes), with channels-last image inputs.
        images: pictures ``(n_images, height, width)`` or ``(n_images, height, width,
            channels)`` that fit the model's input, or a `hlcourse.data.Dataset` of images (its
            test pictures, with their labels).
        layer: a layer whose output is ``(height, width, channels)`` per image, by name (a path
            ``"inner/conv"`` inside a nested Sequential model) or by position among the
            model's Conv2D and pooling layers (``0``, ``-1``).
        labels: one class label per image ``(n_images,)``, or None (a Dataset's own labels).
        k: patches per channel, 1 to 64 (fewer when there are fewer images).

    Returns:
        A dict of NumPy arrays, channels first, best patch first:
        ``"patches"`` ``(channels, k, field_height, field_width, image_channels)``;
        ``"values"`` ``(channels, k)``, the winning unit's value (all 0 for a channel that
        never fires after ReLU); ``"images"`` ``(channels, k)``, which image;
        ``"boxes"`` ``(channels, k, 4)``, the field as ``(top, left, bottom, right)`` input
        pixels (bottom and right excluded); and, with labels, ``"labels"`` ``(channels, k)``.
    """
    model = _check_built_model(model)
    if layer is None:
        v.fail("layer", "a layer's name or its position among the Conv2D and pooling layers",
                layer, hint="Say which layer, e.g. top_patches(model, images, 0)",
                error=TypeError)  # fmt: skip
    _check_layer_type(layer, "a layer's name or its position among the Conv2D and pooling layers")
    k = v.check_int("k", k, low=1, high=MAX_PANELS)
    pictures, labels, _ = _images_and_labels(images, labels, None)
    _check_fits_model(model, pictures, images)
    chain, names = _chain(model)
    target = _target_in_chain(chain, names, layer)
    path = names[chain.index(target)]
    size, jump, start = _field_geometry(chain, names, target, layer, pictures.shape[1:3])
    return _top_patches(model, pictures, labels, path, k, size, jump, start)


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
    pictures, labels, class_names = _images_and_labels(images, labels, class_names)
    found = top_patches(model, pictures, layer, labels=labels, k=k)
    name = layer if isinstance(layer, str) else _layer_name(model, layer)
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


def _check_built_model(model: Any) -> Any:

    model = v.check_model("model", model)
    v.require_built(model, "its layers can be read")
    return model


def _check_layer_type(layer: Any, expected: str) -> None:
    if layer is not None and (
        isinstance(layer, bool) or not isinstance(layer, (str, numbers.Integral))
    ):
        v.fail("layer", f"None, {expected}", layer, error=TypeError)


def _layer_types(names: tuple[str, ...]) -> tuple[type, ...]:
    import keras

    return tuple(getattr(keras.layers, n) for n in names if hasattr(keras.layers, n))


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


def _images_and_labels(images: Any, labels: Any, class_names: Any):
    """(pictures (n, h, w, c) float32, labels array or None, class names tuple or None)."""
    from hlcourse.data import Dataset

    if class_names is not None:
        if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence):
            v.fail("class_names", "a list of class names (strings) or None", class_names,
                    error=TypeError)  # fmt: skip
        if not class_names or not all(isinstance(c, str) for c in class_names):
            v.fail("class_names", "a non-empty list of class names (strings) or None",
                    class_names, error=TypeError if class_names else ValueError)  # fmt: skip
        class_names = tuple(class_names)
    if isinstance(images, Dataset):
        x = images.x_test
        if x.ndim == 2 and images.images is not None:
            x = images.images[1]
        if x.ndim not in (3, 4):
            v.fail("images", "a Dataset of images (x of shape (n, height, width[, channels]))",
                    images, hint="Its x has one row of features per sample; this data set "
                    "holds no pictures", error=TypeError)  # fmt: skip
        if labels is None and images.task != "regression":
            labels = images.y_test
        if class_names is None and getattr(images, "class_names", ()):
            class_names = tuple(images.class_names)
        images = x
    pictures = v.check_array(
        "images", images,
        hint="Give pictures (n_images, height, width) or (n_images, height, width, 1); for "
        "one picture use images[None]",
    )  # fmt: skip
    if pictures.ndim == 3:
        pictures = pictures[..., None]
    if pictures.ndim != 4 or pictures.shape[-1] not in (1, 3):
        hint = "For flat rows of pixels use x.reshape(-1, height, width)"
        if pictures.ndim == 2:
            hint += ", e.g. x.reshape(-1, 8, 8) for the 8x8 digits"
        v.fail("images.shape", "(n_images, height, width) or (n_images, height, width, 1)",
                np.shape(images), hint=hint)  # fmt: skip
    if labels is not None:
        labels = _check_labels(labels, len(pictures), class_names)
    return pictures, labels, class_names


def _check_labels(labels: Any, n: int, class_names: tuple[str, ...] | None) -> np.ndarray:
    if isinstance(labels, (str, bytes, dict, set)) or not hasattr(labels, "__len__"):
        v.fail("labels", "one label per picture (class numbers or strings), or None", labels,
                error=TypeError)  # fmt: skip
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) != n:
        v.fail("labels.shape", f"({n},), one label per picture", array.shape)
    if array.dtype.kind in "US":
        return array.astype(str)
    if array.dtype.kind not in "iuf" and array.dtype != np.bool_:
        v.fail("labels", "class numbers or strings", labels, error=TypeError)
    if class_names is not None:
        if array.dtype.kind == "f" and not np.all(np.mod(array, 1) == 0):
            v.fail("labels", "whole class numbers when class_names are given", labels)
        if array.min() < 0 or array.max() >= len(class_names):
            v.fail("labels", f"class numbers from 0 to {len(class_names) - 1} "
                    f"(one per entry of class_names)", labels)  # fmt: skip
    return array


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

    types = _layer_types(_CONV_NAMES + _POOL_NAMES)
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


def _leaf_layers(container: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(path, layer) of a Sequential model's layers in order, nested Sequential models opened."""
    import keras

    found: list[tuple[str, Any]] = []
    for layer in _keras.sublayers(container):
        if isinstance(layer, keras.Sequential):
            found += _leaf_layers(layer, f"{prefix}{layer.name}/")
        elif isinstance(layer, keras.Model):
            _not_a_chain(container, f"{layer.name!r} is a model of another kind inside it")
        else:
            found.append((prefix + layer.name, layer))
    return found


def _chain(model: Any) -> tuple[list[Any], list[str]]:
    """The model's layers from input to output, as a chain, and their paths."""
    import keras

    style = _keras.model_style(model)
    if style == "sequential":
        pairs = _leaf_layers(model)
        return [lay for _, lay in pairs], [p for p, _ in pairs]
    if style != "functional":
        v.fail("model", "a Sequential or Functional model", model,
                hint="A subclassed model's call() can do anything; rebuild the layers as a "
                "keras.Sequential to measure receptive fields", error=TypeError)  # fmt: skip
    pairs = []
    for layer in _keras.sublayers(model):
        if isinstance(layer, keras.Model):
            if not isinstance(layer, keras.Sequential):
                _not_a_chain(model, f"{layer.name!r} is a model of another kind inside it")
            pairs += _leaf_layers(layer, f"{layer.name}/")
            continue
        nodes = getattr(layer, "_inbound_nodes", ())
        if len(nodes) > 1:
            _not_a_chain(model, f"{layer.name!r} is used more than once")
        if nodes and len(nodes[0].input_tensors) > 1:
            _not_a_chain(model, f"{layer.name!r} merges several inputs")
        pairs.append((layer.name, layer))
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        _not_a_chain(model, "it has several inputs or outputs")
    return [lay for _, lay in pairs], [p for p, _ in pairs]


def _not_a_chain(model: Any, why: str) -> None:
    v.fail("model", "a Sequential model or a Functional chain of layers", model,
            hint=f"{why}; receptive_field follows one path of layers")  # fmt: skip


def _target_in_chain(chain: list[Any], names: list[str], layer: str | int) -> Any:
    types = _layer_types(_CONV_NAMES + _POOL_NAMES)
    offered = [(p, lay) for p, lay in zip(names, chain, strict=True) if isinstance(lay, types)]
    listed = ", ".join(repr(p) for p, _ in offered) or "none"
    if isinstance(layer, str):
        for path, lay in zip(names, chain, strict=True):
            if layer in (path, lay.name):
                return lay
        v.fail("layer", f"the name of one of the model's layers (Conv2D and pooling: {listed})",
                layer)  # fmt: skip
    if not offered:
        v.fail("layer", "a layer name (the model has no Conv2D or pooling layer)", layer)
    index = v.check_int("layer", layer, low=-len(offered), high=len(offered) - 1,
                        hint=f"A position counts among the Conv2D and pooling layers: {listed}")  # fmt: skip
    return offered[index][1]


def _window(layer: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """(window (rows, cols), stride (rows, cols)) of a layer; (1, 1), (1, 1) for pointwise ones."""
    kind = type(layer).__name__
    if isinstance(layer, _layer_types(_CONV_NAMES)) or kind in _CONV_NAMES:
        kernel = tuple(int(k) for k in layer.kernel_size)
        dilation = tuple(int(d) for d in getattr(layer, "dilation_rate", (1, 1)))
        span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
        return span, tuple(int(s) for s in layer.strides)  # type: ignore[return-value]
    if isinstance(layer, _layer_types(_POOL_NAMES)) or kind in _POOL_NAMES:
        pool = tuple(int(p) for p in layer.pool_size)
        strides = layer.strides if layer.strides is not None else pool
        return pool, tuple(int(s) for s in strides)  # type: ignore[return-value]
    return (1, 1), (1, 1)


def _field_geometry(
    chain: list[Any], names: list[str], target: Any, layer: Any, image_hw: tuple[int, int] | None
) -> tuple[list[int], list[int], list[int]]:
    """(size, jump, start) per axis (rows, columns) of the receptive fields of `target`'s units.

    Unit ``(i, j)`` sees input rows ``start[0] + i * jump[0]`` up to (not including) that plus
    ``size[0]``, and likewise for columns. Each layer, in the order the data flows: a window
    of span w (a kernel k with dilation d spans ``d * (k - 1) + 1``) widens the field by
    ``(w - 1) * jump``; its stride multiplies the jump; padding moves the start back by the
    pixels padded before (``padding="same"``: ``total // 2`` of
    ``total = max((out - 1) * stride + w - n, 0)``, with ``out = ceil(n / stride)``, as
    TensorFlow pads). `image_hw` is needed for the start only (None: start left at 0).
    """
    size, jump, start = [1, 1], [1, 1], [0, 0]
    n = list(image_hw) if image_hw is not None else None
    for found, path in zip(chain, names, strict=True):
        kind = type(found).__name__
        if kind in _UNSUPPORTED_NAMES:
            v.fail(
                "layer",
                "a layer reached through Conv2D, pooling and pointwise layers only",
                layer,
                hint=f"{path!r} ({kind}) comes first; a receptive field is only defined up to it",
            )
        if getattr(found, "data_format", "channels_last") == "channels_first":
            v.fail("layer", "a layer reached through channels-last layers only", layer,
                    hint=f"{path!r} uses data_format='channels_first'")  # fmt: skip
        shift = _grid_shift(found)
        window, stride = _window(found)
        padding = str(getattr(found, "padding", "valid")).lower()
        for axis in range(2):
            before = shift[axis][0]
            if n is not None:
                length = n[axis] + shift[axis][0] + shift[axis][1]
                if padding == "same" and shift == ((0, 0), (0, 0)):
                    out = -(-length // stride[axis])
                    total = max((out - 1) * stride[axis] + window[axis] - length, 0)
                    before = total // 2
                    length_out = out
                else:
                    length_out = (length - window[axis]) // stride[axis] + 1
                n[axis] = length_out
            start[axis] -= before * jump[axis]
            size[axis] += (window[axis] - 1) * jump[axis]
            jump[axis] *= stride[axis]
        if found is target:
            break
    return size, jump, start


def _grid_shift(layer: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """Pixels a layer adds (positive) or cuts (negative) before and after, per axis:
    ZeroPadding2D adds them, Cropping2D cuts them; other layers keep the grid."""
    kind = type(layer).__name__
    if kind == "ZeroPadding2D":
        (top, bottom), (left, right) = layer.padding
        return (int(top), int(bottom)), (int(left), int(right))
    if kind == "Cropping2D":
        (top, bottom), (left, right) = layer.cropping
        return (-int(top), -int(bottom)), (-int(left), -int(right))
    return (0, 0), (0, 0)


def _check_fits_model(model: Any, pictures: np.ndarray, given: Any) -> None:
    """Refuse pictures whose (height, width, channels) the model's input does not take."""

    if _keras.model_style(model) == "subclassed" or len(model.inputs) != 1:
        return
    shape = tuple(model.inputs[0].shape[1:])
    fits = len(shape) == 3 and all(
        d is None or d == a for d, a in zip(shape, pictures.shape[1:], strict=True)
    )
    if not fits:
        wanted = "(" + ", ".join("?" if d is None else str(d) for d in shape) + ")"
        v.fail("images.shape", f"(n_images, {wanted[1:]}, pictures the model takes",
                np.shape(given.x_test if hasattr(given, "x_test") else given),
                hint="For flat rows of pixels use x.reshape(-1, height, width, 1)")  # fmt: skip


def _layer_name(model: Any, layer: int) -> str:
    chain, names = _chain(model)
    target = _target_in_chain(chain, names, layer)
    return names[chain.index(target)]


def _top_patches(model, pictures, labels, path, k, size, jump, start) -> dict[str, np.ndarray]:
    from hlcourse import probe

    values = np.asarray(probe.hidden_activations(model, pictures, layers=[path])[path],
                        dtype=np.float32)  # fmt: skip
    if values.ndim != 4:
        v.fail("layer", "a layer whose output is (height, width, channels) per image", path,
                hint=f"{path!r} outputs shape {values.shape[1:]} per image")  # fmt: skip
    n, _, width, n_channels = values.shape
    k = min(k, n)
    flat = values.reshape(n, -1, n_channels)
    best_place = flat.argmax(axis=1)  # (n, channels): each image's strongest unit
    best_value = flat.max(axis=1)
    order = np.argsort(-best_value, axis=0, kind="stable")[:k].T  # (channels, k)
    top_values = np.take_along_axis(best_value.T, order, axis=1)
    places = np.take_along_axis(best_place.T, order, axis=1)
    rows, cols = places // width, places % width
    tops = start[0] + rows * jump[0]
    lefts = start[1] + cols * jump[1]
    boxes = np.stack([tops, lefts, tops + size[0], lefts + size[1]], axis=-1)
    height_px, width_px = pictures.shape[1:3]
    padded = np.zeros(
        (n, height_px + 2 * size[0], width_px + 2 * size[1], pictures.shape[-1]), np.float32
    )
    padded[:, size[0] : size[0] + height_px, size[1] : size[1] + width_px] = pictures
    patches = np.empty((n_channels, k, size[0], size[1], pictures.shape[-1]), np.float32)
    for c in range(n_channels):
        for j in range(k):
            top, left = boxes[c, j, 0] + size[0], boxes[c, j, 1] + size[1]
            patches[c, j] = padded[order[c, j], top : top + size[0], left : left + size[1]]
    found = {"patches": patches, "values": top_values.astype(np.float32), "images": order,
             "boxes": boxes.astype(np.int64)}  # fmt: skip
    if labels is not None:
        found["labels"] = np.asarray(labels)[order]
    return found

"""Receptive fields: how much of the image one unit of a convolution or pooling layer sees
(lesson 10), and which image patches excite each channel most. Numbers, not pictures:
`hlcourse.plots.conv` draws them (`plot_top_patches`), and the checks of pictures and labels
that both modules need live here.

    >>> receptive_field(model, "conv_2")      # 8: one unit of conv_2 sees an 8x8 patch
    >>> top_patches(model, ds, "conv_2")["patches"].shape   # (16, 8, 8, 8, 1)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from hlcourse import _keras
from hlcourse import _validate as v
from hlcourse.plots import _base as plot_base

__all__ = ["receptive_field", "top_patches"]

CONV_LAYERS = ("Conv2D", "SeparableConv2D", "DepthwiseConv2D")
POOL_LAYERS = ("MaxPooling2D", "AveragePooling2D")
# Layers whose units no longer sit on the image's grid (or sit on a finer one): receptive
# fields stop there.
_UNSUPPORTED_LAYERS = (
    "Conv2DTranspose", "UpSampling2D", "Flatten", "Reshape", "Permute", "Resizing",
    "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Conv1D", "Conv3D", "MaxPooling1D",
    "AveragePooling1D", "MaxPooling3D", "AveragePooling3D",
)  # fmt: skip


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
    model = check_conv_model(model)
    if layer is None:
        v.fail("layer", "a layer's name or its position among the Conv2D and pooling layers",
                layer, hint="Say which layer, e.g. receptive_field(model, 0)",
                error=TypeError)  # fmt: skip
    check_layer_type(layer, "a layer's name or its position among the Conv2D and pooling layers")
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
    model = check_conv_model(model)
    if layer is None:
        v.fail("layer", "a layer's name or its position among the Conv2D and pooling layers",
                layer, hint="Say which layer, e.g. top_patches(model, images, 0)",
                error=TypeError)  # fmt: skip
    check_layer_type(layer, "a layer's name or its position among the Conv2D and pooling layers")
    k = v.check_int("k", k, low=1, high=plot_base.MAX_PANELS)
    pictures, labels, _ = check_images_and_labels(images, labels, None)
    _check_fits_model(model, pictures, images)
    chain, names = _chain(model)
    target = _target_in_chain(chain, names, layer)
    path = names[chain.index(target)]
    size, jump, start = _field_geometry(chain, names, target, layer, pictures.shape[1:3])
    return _top_patches(model, pictures, labels, path, k, size, jump, start)


# --------------------------------------------------------------------------------------------
# Checks the convolution pictures share
# --------------------------------------------------------------------------------------------


def check_conv_model(model: Any) -> Any:
    """`model`, checked: a Keras model that has its weights (its layers can be read)."""
    return v.check_built_model("model", model, "its layers can be read")


def check_layer_type(layer: Any, expected: str) -> None:
    """Refuse (TypeError) a `layer` that is neither None, a name nor a position; `expected`
    says which layers the position counts among."""
    if layer is not None and (
        isinstance(layer, bool) or not isinstance(layer, (str, numbers.Integral))
    ):
        v.fail("layer", f"None, {expected}", layer, error=TypeError)


def check_images_and_labels(images: Any, labels: Any, class_names: Any):
    """`images` (an array or a Dataset of images), `labels` and `class_names`, checked:
    (pictures (n, h, w, c) float32, labels array or None, class names tuple or None)."""
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


def layer_path(model: Any, layer: int) -> str:
    """The path of the Conv2D or pooling layer at position `layer` in the model's chain."""
    chain, names = _chain(model)
    target = _target_in_chain(chain, names, layer)
    return names[chain.index(target)]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


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


def layer_types(names: tuple[str, ...]) -> tuple[type, ...]:
    """The Keras layer classes of these class names (those this Keras version has)."""
    import keras

    return tuple(getattr(keras.layers, n) for n in names if hasattr(keras.layers, n))


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
    types = layer_types(CONV_LAYERS + POOL_LAYERS)
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
    if isinstance(layer, layer_types(CONV_LAYERS)) or kind in CONV_LAYERS:
        kernel = tuple(int(k) for k in layer.kernel_size)
        dilation = tuple(int(d) for d in getattr(layer, "dilation_rate", (1, 1)))
        span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
        return span, tuple(int(s) for s in layer.strides)  # type: ignore[return-value]
    if isinstance(layer, layer_types(POOL_LAYERS)) or kind in POOL_LAYERS:
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
        if kind in _UNSUPPORTED_LAYERS:
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

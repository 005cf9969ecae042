"""The playground interface's small pictures, drawn with Pillow (no matplotlib, no widgets).

- `thumbnail`: a dataset's thumbnail, as TensorFlow Playground (TFP) draws it above its
  dataset buttons;
- `loss_chart`: the training and test loss from epoch 0 on, TFP's chart;
- `with_axes`: a map of the plane with TFP's axes (x below, y on the right).

The maps themselves (the output's, each neuron's, each feature's) come from
`hlcourse.playground.frames`; this module only frames and labels them.
"""

from __future__ import annotations

import functools
import io
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse import render
from hlcourse.playground.frames import PLANE_EXTENT, colorize
from hlcourse.playground.tfp_data import (
    TFP_CLASSIFICATION_DATASETS,
    TFP_REGRESSION_DATASETS,
    TfpRandom,
    tfp_points,
)
from hlcourse.render import image_png

__all__ = [
    "AXIS_BOTTOM",
    "AXIS_RIGHT",
    "CHART_SIZE",
    "CHART_TOP",
    "TEST_LINE",
    "THUMBNAIL",
    "TRAIN_LINE",
    "loss_chart",
    "thumbnail",
    "with_axes",
]

THUMBNAIL_POINTS = 200
"""Points in a dataset's thumbnail (TFP draws each with 200 points at noise 0)."""
THUMBNAIL_SEED = "0.48213"
"""The thumbnails' own random stream, so that they never change between runs."""
THUMBNAIL = 56
"""Pixels per side of a dataset's thumbnail."""
CHART_SIZE = (220, 80)
"""The loss chart's width and height, in pixels."""
CHART_TOP = 14
"""Pixels above the loss curves, for the scale's words."""
AXIS_RIGHT, AXIS_BOTTOM = 22, 16
"""Pixels added to a map for its y axis (on the right) and its x axis (below)."""
TRAIN_LINE = (119, 119, 119)
"""The training loss's colour (TFP's #777 grey)."""
TEST_LINE = (0, 0, 0)
"""The test loss's colour (black)."""
CHART_FRAME = (200, 200, 200)  # a light grey border around the chart
CHART_WORDS = (90, 90, 90)
AXIS_GREY = (80, 80, 80)

_DATASETS = (*TFP_CLASSIFICATION_DATASETS, *TFP_REGRESSION_DATASETS)


def thumbnail(dataset: str) -> bytes:
    """A dataset's thumbnail as TFP draws it: 200 points at noise 0 over the plane from -6 to 6,
    coloured by label (+1 blue, -1 orange; a regression's targets on the same scale).

    Args:
        dataset: one of TFP's datasets (``"circle"``, ``"xor"``, ``"gauss"``, ``"spiral"``,
            ``"reg-plane"``, ``"reg-gauss"``).

    Returns:
        PNG bytes, `THUMBNAIL` pixels a side (drawn once per dataset, then kept).
    """
    return _thumbnail(v.check_choice("dataset", dataset, _DATASETS))


@functools.lru_cache(maxsize=len(_DATASETS))
def _thumbnail(dataset: str) -> bytes:
    points, labels = tfp_points(dataset, TfpRandom(THUMBNAIL_SEED), THUMBNAIL_POINTS, 0)
    size = THUMBNAIL
    image = np.full((size, size, 3), 250, np.uint8)
    colors = colorize(np.clip(labels, -1.0, 1.0))
    extent = PLANE_EXTENT
    cols = np.clip(((points[:, 0] + extent) / (2 * extent) * size).astype(int), 0, size - 2)
    rows = np.clip(((extent - points[:, 1]) / (2 * extent) * size).astype(int), 0, size - 2)
    for dy in (0, 1):
        for dx in (0, 1):
            image[rows + dy, cols + dx] = colors
    return render.array_png(image)


def loss_chart(train: Any, test: Any) -> bytes:
    """Training (thin grey) and test (thick black) loss from epoch 0 on, as TFP draws its chart:
    the y axis from the lowest loss (bottom) to the highest (both written above the curves),
    at most one point per pixel column; a loss that is not a number is drawn at the top.

    Args:
        train, test: the losses after each epoch, epoch 0 first (equal lengths; empty draws
            an empty chart).

    Returns:
        PNG bytes, `CHART_SIZE` pixels.
    """
    from PIL import Image, ImageDraw

    train, test = _losses("train", train), _losses("test", test)
    if len(train) != len(test):
        v.fail(
            "test", f"as many losses as train ({len(train)})", f"{len(test)} losses",
            "pass the training and test history of the same frame",
        )  # fmt: skip
    width, height = CHART_SIZE
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 0, width - 1, height - 1], outline=CHART_FRAME)
    n = len(train)
    if n:
        index = np.unique(np.linspace(0, n - 1, min(n, width)).astype(np.int64))
        series = [train[index], test[index]]
        both = np.concatenate(series)
        finite = both[np.isfinite(both)]
        low = float(finite.min()) if finite.size else 0.0
        top = float(finite.max()) if finite.size else 1.0
        span = top - low if top > low else 1.0
        draw.text((4, 1), f"loss from {low:.3g} to {top:.3g}", fill=CHART_WORDS)
        xs = index / max(n - 1, 1) * (width - 3) + 1
        for values, color, line in zip(series, (TRAIN_LINE, TEST_LINE), (1, 2), strict=True):
            values = np.where(np.isfinite(values), values, top)
            ys = (height - 3) - np.clip((values - low) / span, 0.0, 1.0) * (height - 3 - CHART_TOP)
            points = list(zip(xs.tolist(), ys.tolist(), strict=True))
            if len(points) == 1:
                x0, y0 = points[0]
                draw.ellipse([x0 - 1, y0 - 1, x0 + 1, y0 + 1], fill=color)
            else:
                draw.line(points, fill=color, width=line)
    return image_png(picture)


def _losses(name: str, value: Any) -> np.ndarray:
    """A loss history as a 1-D float array, or an error that says what was wrong."""
    hint = "pass a frame's history, e.g. frame.train_history"
    if not isinstance(value, np.ndarray | list | tuple):
        v.fail(name, "a 1-D array of losses", value, hint, TypeError)
    try:
        array = np.asarray(value, np.float64)
    except (TypeError, ValueError):
        v.fail(name, "a 1-D array of losses (numbers)", value, hint, TypeError)
    if array.ndim != 1:
        v.fail(name, "a 1-D array of losses", f"an array of shape {array.shape}", hint)
    return array


def with_axes(png: bytes) -> bytes:
    """A map of the plane with TFP's axes: x below, y on the right, a tick at every integer
    from -6 to 6 (labelled every one, or every other one when the map is small).

    Args:
        png: PNG bytes of a map of the plane (e.g. ``frame.output_png``).

    Returns:
        PNG bytes, `AXIS_RIGHT` pixels wider and `AXIS_BOTTOM` taller than the map.
    """
    from PIL import Image, UnidentifiedImageError

    if not isinstance(png, bytes | bytearray):
        v.fail("png", "PNG bytes", png, "pass a frame's picture, e.g. frame.output_png",
               error=TypeError)  # fmt: skip
    try:
        picture = Image.open(io.BytesIO(png)).convert("RGB")
    except UnidentifiedImageError:
        v.fail("png", "PNG bytes", f"{len(png)} bytes that are not an image",
               "pass a frame's picture, e.g. frame.output_png")  # fmt: skip
    canvas = _axes_around(*picture.size).copy()
    canvas.paste(picture, (0, 0))
    return image_png(canvas)


@functools.lru_cache(maxsize=4)
def _axes_around(width: int, height: int) -> Any:
    """The axes around a `width` x `height` map, drawn once per size (a PIL image)."""
    from PIL import Image, ImageDraw

    extent = PLANE_EXTENT
    canvas = Image.new("RGB", (width + AXIS_RIGHT, height + AXIS_BOTTOM), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    draw.line([(0, height), (width, height)], fill=AXIS_GREY)
    draw.line([(width, 0), (width, height)], fill=AXIS_GREY)
    every = 1 if width / (2 * extent) >= 22 else 2
    for tick in range(-int(extent), int(extent) + 1):
        x = round((tick + extent) / (2 * extent) * (width - 1))
        y = round((extent - tick) / (2 * extent) * (height - 1))
        draw.line([(x, height), (x, height + 3)], fill=AXIS_GREY)
        draw.line([(width, y), (width + 3, y)], fill=AXIS_GREY)
        if tick % every == 0:
            text = str(tick)
            size = draw.textlength(text)
            left = min(max(x - size / 2, 0), width + AXIS_RIGHT - size)
            draw.text((left, height + 4), text, fill=AXIS_GREY)
            top = min(max(y - 5, 0), height - 10)
            draw.text((width + 5, top), text, fill=AXIS_GREY)
    return canvas

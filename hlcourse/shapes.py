"""Seeded pictures of simple shapes for the convolutional lesson (no downloads, NumPy only).

Each picture is a white line drawing on black: a bar, a cross, a ring, a square outline (or a
filled disk or a triangle outline), placed, sized and turned at random, with Gaussian pixel
noise on top. Shapes are drawn from distance fields without anti-aliasing: a pixel is on when
its centre lies within half a stroke width of the shape's outline (a ring is the set
``|r - R| <= w``), so the same seed gives the same pixels on every machine.

At 28 x 28 pixels (the default) a small Conv2D network learns first-layer filters that respond
to bits of stroke and edge, and second-layer channels that respond to combinations of them over
8 x 8 patches (lesson 10 shows their top patches and measures how tied to one shape they are).

    >>> ds = make_shapes(200, seed=0)
    >>> ds.x_train.shape, ds.class_names
    ((150, 28, 28, 1), ('bar', 'cross', 'ring', 'square'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hlcourse import _validate as v
from hlcourse.data import Dataset

__all__ = ["SHAPE_CLASSES", "ShapesDataset", "make_shapes"]

SHAPE_CLASSES = ("bar", "cross", "ring", "square", "disk", "triangle")
DEFAULT_CLASSES = ("bar", "cross", "ring", "square")
MIN_SIZE, MAX_SIZE = 16, 64
MAX_SAMPLES = 20_000
_CHUNK = 256  # pictures drawn at once (bounds the memory of the distance fields)


@dataclass(frozen=True, repr=False)
class ShapesDataset(Dataset):
    """A `hlcourse.data.Dataset` of shape pictures, with the name of each class.

    Attributes (besides those of `Dataset`):
        class_names: the shape drawn for each label, ``class_names[y]``.

    ``x_train`` and ``x_test`` have shape ``(n, size, size, 1)`` (float32 in [0, 1], ready for
    ``keras.layers.Conv2D``); ``images`` holds the same pictures as ``(n, size, size)``.
    """

    class_names: tuple[str, ...] = ()


def make_shapes(
    n_samples: int = 600,
    *,
    size: int = 28,
    classes: Sequence[str] = DEFAULT_CLASSES,
    noise: float = 0.1,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> ShapesDataset:
    """Make pictures of simple shapes, one class per shape, for an image classifier.

    Position, size, stroke width, brightness (0.7 to 1) and rotation vary from picture to
    picture (bars, crosses, squares and triangles turn to any angle); pixel noise is added last.

    Args:
        n_samples: total number of pictures (training + test), 20 to 20,000.
        size: width and height in pixels, 16 to 64.
        classes: the shapes to draw, 2 to 6 different names from `SHAPE_CLASSES`
            (``"bar"``, ``"cross"``, ``"ring"``, ``"square"``, ``"disk"``, ``"triangle"``);
            label ``k`` is ``classes[k]``.
        noise: standard deviation of the Gaussian noise added to every pixel, 0 to 1 (values
            are then clipped back into [0, 1]).
        test_fraction: share of pictures held out for testing, 0.05 to 0.95.
        seed: random seed; the same seed gives the same pictures.

    Returns:
        A `ShapesDataset` with ``x`` of shape ``(n, size, size, 1)``, float32 in [0, 1]
        (background 0, strokes near 1; not standardized), int64 labels ``(n,)``, balanced
        classes and a stratified split; ``images`` holds the ``(n, size, size)`` pictures and
        ``class_names`` the shape of each label.
    """
    n_samples = v.check_int("n_samples", n_samples, low=20, high=MAX_SAMPLES)
    size = v.check_int("size", size, low=MIN_SIZE, high=MAX_SIZE)
    classes = _check_classes(classes)
    noise = v.check_number("noise", noise, low=0.0, high=1.0)
    test_fraction = v.check_number("test_fraction", test_fraction, low=0.05, high=0.95)
    seed = v.check_seed("seed", seed)
    k = len(classes)
    n_test = int(np.ceil(n_samples * test_fraction))
    if min(n_test, n_samples - n_test) < k:
        v.fail(
            "n_samples",
            f"enough pictures for at least one of each of the {k} classes in both parts",
            n_samples,
            hint=f"With test_fraction={test_fraction:g}, use n_samples of at least "
            f"{int(np.ceil(k / min(test_fraction, 1 - test_fraction)))}",
        )

    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % k
    rng.shuffle(y)
    x = np.zeros((n_samples, size, size), dtype=np.float32)
    for label, name in enumerate(classes):
        where = np.flatnonzero(y == label)
        for start in range(0, len(where), _CHUNK):
            chunk = where[start : start + _CHUNK]
            x[chunk] = _draw(name, len(chunk), size, rng)
    if noise > 0:
        x += rng.normal(0.0, noise, size=x.shape).astype(np.float32)
        np.clip(x, 0.0, 1.0, out=x)

    from sklearn.model_selection import train_test_split

    y = y.astype(np.int64)
    i_train, i_test = train_test_split(
        np.arange(n_samples), test_size=n_test, random_state=seed, stratify=y
    )
    pictures = (x[i_train], x[i_test])
    names = tuple(f"pixel_{r}_{c}" for r in range(size) for c in range(size))
    return ShapesDataset(
        "shapes", "classes", pictures[0][..., None], y[i_train], pictures[1][..., None],
        y[i_test], k, names, images=pictures, class_names=classes,
    )  # fmt: skip


def _check_classes(classes) -> tuple[str, ...]:
    expected = f"a list of 2 to {len(SHAPE_CLASSES)} different names from {SHAPE_CLASSES}"
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence):
        hint = f"For one shape use classes=[{classes!r}, ...]" if isinstance(classes, str) else ""
        v.fail("classes", expected, classes, hint=hint, error=TypeError)
    for name in classes:
        if not isinstance(name, str):
            v.fail("classes", expected, classes, error=TypeError)
        v.check_choice("classes", name, SHAPE_CLASSES)
    if not 2 <= len(classes) <= len(SHAPE_CLASSES) or len(set(classes)) != len(classes):
        v.fail("classes", expected, classes)
    return tuple(classes)


# --- drawing: parameters per picture, then one distance field per shape ----------------------


def _draw(name: str, m: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """`m` pictures of shape `name`, float32 ``(m, size, size)``, strokes 0.7-1 on 0."""

    def uniform(low, high):
        return rng.uniform(low, high, size=(m, 1, 1))

    half_width = uniform(0.75, 1.25) * size / 28  # half the stroke, in pixels
    half_width = np.maximum(half_width, 0.75)  # at least about one pixel thick
    brightness = uniform(0.7, 1.0)
    angle = uniform(0.0, np.pi)
    if name == "bar":
        extent_share = uniform(0.26, 0.42)  # half-length
    elif name == "cross":
        extent_share = uniform(0.22, 0.38)  # half-length of each arm
    elif name == "ring":
        extent_share = uniform(0.17, 0.36)  # radius
    elif name == "square":
        extent_share = uniform(0.15, 0.27)  # half-side
    elif name == "disk":
        extent_share = uniform(0.15, 0.32)  # radius
    else:  # triangle
        extent_share = uniform(0.1, 0.19)  # in-radius; corners sit twice as far out
    extent = extent_share * size
    reach = {
        "bar": np.hypot(extent, half_width),
        "cross": np.hypot(extent, half_width),
        "ring": extent + half_width,
        "square": extent * np.sqrt(2) + half_width,
        "disk": extent,
        "triangle": 2 * extent + 2 * half_width,
    }[name]
    # The centre moves anywhere that keeps the whole shape inside the picture.
    low = np.minimum(reach + 0.5, size / 2)
    cx = low + rng.uniform(0.0, 1.0, size=(m, 1, 1)) * (size - 2 * low)
    cy = low + rng.uniform(0.0, 1.0, size=(m, 1, 1)) * (size - 2 * low)

    grid = np.arange(size) + 0.5  # pixel centres
    dx = grid[None, None, :] - cx
    dy = grid[None, :, None] - cy
    u = np.cos(angle) * dx + np.sin(angle) * dy  # along the shape
    w = -np.sin(angle) * dx + np.cos(angle) * dy  # across it
    if name == "bar":
        on = (np.abs(u) <= extent) & (np.abs(w) <= half_width)
    elif name == "cross":
        on = ((np.abs(u) <= extent) & (np.abs(w) <= half_width)) | (
            (np.abs(w) <= extent) & (np.abs(u) <= half_width)
        )
    elif name == "ring":
        on = np.abs(np.hypot(dx, dy) - extent) <= half_width
    elif name == "square":
        on = np.abs(np.maximum(np.abs(u), np.abs(w)) - extent) <= half_width
    elif name == "disk":
        on = np.hypot(dx, dy) <= extent
    else:  # triangle: the largest of three edge distances
        sides = [u * np.cos(t) + w * np.sin(t) for t in (np.pi / 2, np.pi * 7 / 6, np.pi * 11 / 6)]
        on = np.abs(np.maximum(np.maximum(sides[0], sides[1]), sides[2]) - extent) <= half_width
    return (on * brightness).astype(np.float32)

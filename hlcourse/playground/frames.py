"""The playground's pictures: everything one refresh of the interface shows, from arrays.

`make_frame` reads an engine (under its lock, for a few microseconds: it copies references to
the weights, losses and history) and computes the rest outside the lock, while the engine may
go on training::

    >>> frame = make_frame(engine)
    >>> frame.neuron_maps[0].shape          # hidden layer 1: (units, 20, 20) over the plane
    (4, 20, 20)
    >>> frame.output_png[:8]                # PNG bytes for an ipywidgets.Image
    b'\\x89PNG\\r\\n\\x1a\\n'
    >>> print(frame.diagnostics)            # lesson 08's table: saturation, dead units

What a `Frame` holds (TensorFlow Playground's picture, plus the diagnostics):

- every hidden neuron's output over the input plane (`neuron_maps`, 20 x 20 by default) and
  each one as a small PNG (`neuron_pngs`);
- the output's map (`output_map`, 50 x 50: the probability of class 1, or the predicted
  value) and its PNG (`output_png`) with the training points drawn on it, the test points
  too when ``show_test_data``, the background in two colours only when ``discretize`` (the
  state's two display check boxes, `hlcourse.playground.DISPLAY_SETTINGS`);
- each input feature over the plane (`feature_maps`, `feature_pngs`), for the feature toggles;
- the weights (`kernels`, `biases`: sign and size of every connection);
- the losses now and after every epoch (`train_history`, `test_history`);
- per-hidden-layer statistics on the training points (`diagnostics`, an
  `hlcourse.diagnostics.ActivationStats`) and the problems lesson 08's rules find in them
  (`flags`): saturated tanh or sigmoid layers, dead ReLU units, units that are copies of each
  other, outputs that blew up. The thresholds are the toolkit's own constants.

Every neuron comes from ONE forward pass in NumPy, from the engine's current weights, over one
batch: the neuron grid, the output grid and the training points together. Pictures are
colour lookups in a 256-entry table (`COLORMAP`) and Pillow's PNG encoder, never matplotlib
figures (a refresh took 11 ms this way against 44 ms with matplotlib when the two were
measured side by side).

Colours (STYLE.md 7, as TensorFlow Playground): a blue-orange diverging map for values in
[-1, 1], orange at -1, near-white at 0, blue at +1 (the course's class colours, Okabe & Ito's
orange and blue); values beyond are clipped, NaN is grey (`NAN_COLOR`). The output map shows
``2 p - 1`` for a probability p of class 1 (so orange means class 0), a regression's value as
it is. Points: class 0 round, class 1 square (meaning never by colour alone), training points
with a white rim, test points with a black one; a regression's points are round, coloured by
their target.

The plane: TensorFlow Playground draws its points (radius 5) on [-6, 6] x [-6, 6];
`hlcourse.data`'s points have radius 1, so the same picture is [-1.2, 1.2] x [-1.2, 1.2]
(`PLANE_EXTENT`). Image rows run from the top (x2 = +1.2) down, columns from the left
(x1 = -1.2), as a plot of the plane shows it; `plane_grid` gives the points in that order.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse.playground import engine as _engine
from hlcourse.playground.state import FEATURES, PlaygroundState, feature_matrix
from hlcourse.plots import PROBABILITY_COLORS

__all__ = [
    "COLORMAP",
    "MAX_RESOLUTION",
    "MAX_SCALE",
    "NAN_COLOR",
    "NEURON_RESOLUTION",
    "NEURON_SCALE",
    "OUTPUT_RESOLUTION",
    "OUTPUT_SCALE",
    "PLANE_EXTENT",
    "Frame",
    "colorize",
    "make_frame",
    "plane_grid",
    "to_png",
]

PLANE_EXTENT = 1.2
"""The plane shown runs from -1.2 to 1.2 on both axes (TensorFlow Playground's [-6, 6] for
points of radius 5, scaled to `hlcourse.data`'s radius 1)."""

NEURON_RESOLUTION = 20
"""Grid points per side of a neuron's map (TensorFlow Playground: 10)."""
NEURON_SCALE = 2
"""Pixels per grid point in a neuron's PNG (20 x 20 -> 40 x 40 pixels)."""
OUTPUT_RESOLUTION = 50
"""Grid points per side of the output's map."""
OUTPUT_SCALE = 4
"""Pixels per grid point in the output's PNG (50 x 50 -> 200 x 200 pixels), room for points."""
MAX_RESOLUTION = 200
MAX_SCALE = 10


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def _make_colormap() -> np.ndarray:
    """256 RGBA entries: entry i is the colour of -1 + 2 i / 255, orange -> white -> blue,
    linear in RGB between the three (as matplotlib's map from the same colours)."""
    low, mid, high = (np.array(_rgb(c), np.float64) for c in PROBABILITY_COLORS)
    t = np.linspace(-1.0, 1.0, 256)[:, None]
    rgb = np.where(t < 0, mid + (mid - low) * t, mid + (high - mid) * t)
    rgba = np.concatenate([np.rint(rgb), np.full((256, 1), 255.0)], axis=1)
    table = rgba.astype(np.uint8)
    table.flags.writeable = False
    return table


COLORMAP = _make_colormap()
"""The colour lookup table: ``COLORMAP[i]`` (RGBA, uint8) is the colour of the value
``-1 + 2 i / 255``: entry 0 orange (-1), 255 blue (+1), 127 and 128 next to the near-white
middle (0)."""

NAN_COLOR = np.array([153, 153, 153, 255], np.uint8)
"""Grey, for values that are not numbers (a network whose weights blew up)."""
NAN_COLOR.flags.writeable = False

_RGB_TABLE = np.ascontiguousarray(COLORMAP[:, :3])
_WHITE = np.array([255, 255, 255], np.uint8)
_BLACK = np.array([0, 0, 0], np.uint8)


# --- the frame -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything one refresh of the playground shows (made by `make_frame`).

    Maps are float32 arrays over the plane, rows from the top (x2 = +1.2) down, columns from
    the left (x1 = -1.2); PNGs are bytes for ``ipywidgets.Image``.

    Attributes:
        state: the engine's `PlaygroundState` at that moment.
        epoch, steps: epochs and mini-batch updates trained since the last reset.
        playing: whether the engine was playing.
        message: the engine's last message (what the last change of settings did).
        train_loss, test_loss: the data loss now.
        train_history, test_history: the loss after every epoch, float32 ``(epoch,)``
            (read-only).
        layer_names: the Dense layers, ``("hidden_1", ..., "output")``.
        neuron_maps: per hidden layer, its units' outputs, ``(units, r, r)`` with r the
            neuron resolution.
        neuron_pngs: per hidden layer, one PNG per unit, ``r * scale`` pixels square.
        output_map: the model's output over the plane, ``(R, R)``: the probability of class 1
            (classification) or the predicted value (regression).
        output_png: the output map as a picture (orange class 0, blue class 1), with the
            points drawn as `show_test_data` and `discretize` say.
        feature_maps: each input feature (all of `FEATURES`, on or off) over the plane,
            ``(r, r)``; feature_pngs: their pictures, each scaled to its largest magnitude.
        kernels, biases: per Dense layer, ``(n_in, n_out)`` and ``(n_out,)`` float32: the
            connection from neuron i of one layer to neuron j of the next is
            ``kernels[layer][i, j]``, its sign and size what a line's colour and width show.
        diagnostics: an `hlcourse.diagnostics.ActivationStats` of the hidden layers on the
            training points (saturated share for tanh / sigmoid, dead share for ReLU), or None
            without hidden layers.
        flags: the problems lesson 08's rules find in them, `hlcourse.diagnostics.Flag`
            records ``(layer, problem, remedy)``; empty when healthy.
        show_test_data, discretize: how `output_png` was drawn.
        extent: the plane runs from ``-extent`` to ``extent`` on both axes.
    """

    state: PlaygroundState
    epoch: int
    steps: int
    playing: bool
    message: str
    train_loss: float
    test_loss: float
    train_history: np.ndarray = field(repr=False)
    test_history: np.ndarray = field(repr=False)
    layer_names: tuple[str, ...]
    neuron_maps: tuple[np.ndarray, ...] = field(repr=False)
    neuron_pngs: tuple[tuple[bytes, ...], ...] = field(repr=False)
    output_map: np.ndarray = field(repr=False)
    output_png: bytes = field(repr=False)
    feature_maps: dict[str, np.ndarray] = field(repr=False)
    feature_pngs: dict[str, bytes] = field(repr=False)
    kernels: tuple[np.ndarray, ...] = field(repr=False)
    biases: tuple[np.ndarray, ...] = field(repr=False)
    diagnostics: Any = field(repr=False)
    flags: tuple = ()
    show_test_data: bool = False
    discretize: bool = False
    extent: float = PLANE_EXTENT

    @property
    def max_weight(self) -> float:
        """The largest ``|weight|`` of all kernels (to scale line widths); 0 if none."""
        sizes = [float(np.max(np.abs(k))) for k in self.kernels if k.size]
        finite = [s for s in sizes if math.isfinite(s)]
        return max(finite, default=0.0)


# --- public helpers ----------------------------------------------------------------------------


def plane_grid(resolution: int = OUTPUT_RESOLUTION) -> np.ndarray:
    """The centres of a ``resolution x resolution`` grid over the plane, in picture order.

    Args:
        resolution: grid points per side, 2 to 200.

    Returns:
        A float32 array ``(resolution ** 2, 2)`` of (x1, x2), row by row from the top row
        (largest x2) down, each row from the left (smallest x1): ``values.reshape(resolution,
        resolution)`` of anything computed on it is a picture of the plane.
    """
    resolution = v.check_int("resolution", resolution, low=2, high=MAX_RESOLUTION)
    return _grid(resolution).copy()


def colorize(values: Any, *, discretize: bool = False) -> np.ndarray:
    """Colours of values on the playground's blue-orange map (a lookup in `COLORMAP`).

    Args:
        values: an array of numbers of any shape; values beyond [-1, 1] are clipped, NaN
            comes out grey (`NAN_COLOR`).
        discretize: colour by sign only (TensorFlow Playground's "discretize output"):
            orange for values up to 0, blue above.

    Returns:
        A uint8 array ``(*values.shape, 3)`` of RGB colours.
    """
    discretize = v.check_bool("discretize", discretize)
    expected = "an array of numbers (NaN allowed)"
    if values is None or isinstance(values, (str, bytes, dict, set)):
        v._fail("values", expected, values, error=TypeError)
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as err:
        v._fail("values", expected, values, f"NumPy could not read it: {err}", TypeError)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.number):
        v._fail("values", expected, values, f"Its dtype is {array.dtype}", TypeError)
    if np.issubdtype(array.dtype, np.complexfloating):
        v._fail("values", "an array of real numbers", values, error=TypeError)
    if array.size == 0:
        v._fail("values.shape", "an array with at least one value", array.shape)
    return _colorize(array.astype(np.float32), discretize)


def to_png(image: Any) -> bytes:
    """PNG bytes of an RGB (or RGBA) picture, e.g. from `colorize` (Pillow, fast settings).

    Args:
        image: a uint8 array ``(height, width, 3)`` or ``(height, width, 4)``, each side 1 to
            4,000 pixels.

    Returns:
        The PNG file's bytes.
    """
    expected = "a uint8 array of shape (height, width, 3) or (height, width, 4)"
    if not isinstance(image, np.ndarray):
        v._fail("image", expected, image, "Make one with colorize(values)", TypeError)
    if image.dtype != np.uint8:
        v._fail("image", expected, image, f"Its dtype is {image.dtype}", TypeError)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        v._fail("image.shape", expected, image.shape)
    if not (1 <= image.shape[0] <= 4000 and 1 <= image.shape[1] <= 4000):
        v._fail("image.shape", "1 to 4,000 pixels per side", image.shape)
    return _png(image)


# --- the frame of an engine -------------------------------------------------------------------


def make_frame(
    engine: _engine.PlaygroundEngine,
    *,
    neuron_resolution: int = NEURON_RESOLUTION,
    neuron_scale: int = NEURON_SCALE,
    output_resolution: int = OUTPUT_RESOLUTION,
    output_scale: int = OUTPUT_SCALE,
    show_test_data: bool | None = None,
    discretize: bool | None = None,
) -> Frame:
    """Everything one refresh of the playground shows, for the engine's network now.

    Safe while the engine plays: it holds the engine's lock only to copy references (the
    weights of that moment), then computes every map in one NumPy forward pass and renders
    the pictures by colour lookup, without the lock.

    Args:
        engine: a `PlaygroundEngine`.
        neuron_resolution: grid points per side of each neuron's map, 2 to 200.
        neuron_scale: pixels per grid point of a neuron's PNG, 1 to 10.
        output_resolution: grid points per side of the output's map, 2 to 200.
        output_scale: pixels per grid point of the output's PNG, 1 to 10.
        show_test_data: draw the test points on the output's PNG; None follows the engine's
            state (its ``show_test_data`` check box).
        discretize: draw the output's background in two colours (class 0 / class 1, or
            below / above 0); None follows the state's ``discretize``.

    Returns:
        A `Frame`.
    """
    neuron_resolution = v.check_int(
        "neuron_resolution", neuron_resolution, low=2, high=MAX_RESOLUTION
    )
    neuron_scale = v.check_int("neuron_scale", neuron_scale, low=1, high=MAX_SCALE)
    output_resolution = v.check_int(
        "output_resolution", output_resolution, low=2, high=MAX_RESOLUTION
    )
    output_scale = v.check_int("output_scale", output_scale, low=1, high=MAX_SCALE)
    if show_test_data is not None:
        show_test_data = v.check_bool("show_test_data", show_test_data)
    if discretize is not None:
        discretize = v.check_bool("discretize", discretize)
    engine = v.check_instance(
        "engine", engine, _engine.PlaygroundEngine, "a PlaygroundEngine (the playground's engine)"
    )

    snap = engine._snapshot()
    state = snap.state
    show_test_data = state.show_test_data if show_test_data is None else show_test_data
    discretize = state.discretize if discretize is None else discretize

    # One forward pass over the neuron grid, the output grid and the training points.
    n_small, n_large = neuron_resolution**2, output_resolution**2
    batch = np.concatenate(
        [
            _grid_inputs(state.features, neuron_resolution),
            _grid_inputs(state.features, output_resolution),
            snap.data.x_train,
        ]
    )
    layers = _engine._forward(snap.weights, state.activation, state.problem, batch)
    hidden = layers[:-1]

    neuron_maps = tuple(
        np.ascontiguousarray(h[:n_small].T).reshape(-1, neuron_resolution, neuron_resolution)
        for _, h in hidden
    )
    neuron_pngs = tuple(
        tuple(_png(_scaled(image, neuron_scale)) for image in _colorize(maps, False))
        for maps in neuron_maps
    )
    output = layers[-1][1][n_small : n_small + n_large, 0].reshape(
        output_resolution, output_resolution
    )
    output_png = _output_png(
        snap, output, output_resolution * output_scale, show_test_data, discretize
    )
    feature_maps = {f: _feature_map(f, neuron_resolution) for f in FEATURES}
    feature_pngs = {f: _feature_png(f, neuron_resolution, neuron_scale) for f in FEATURES}
    stats, flags = _diagnose(snap, [h[n_small + n_large :] for _, h in hidden])

    names = tuple(f"hidden_{i}" for i in range(1, len(hidden) + 1)) + ("output",)
    for array in (*neuron_maps, output):
        array.flags.writeable = False
    return Frame(
        state=state,
        epoch=snap.epoch,
        steps=snap.steps,
        playing=snap.playing,
        message=snap.message,
        train_loss=snap.train_loss,
        test_loss=snap.test_loss,
        train_history=snap.train_history,
        test_history=snap.test_history,
        layer_names=names,
        neuron_maps=neuron_maps,
        neuron_pngs=neuron_pngs,
        output_map=output,
        output_png=output_png,
        feature_maps=feature_maps,
        feature_pngs=feature_pngs,
        kernels=tuple(snap.weights[0::2]),
        biases=tuple(snap.weights[1::2]),
        diagnostics=stats,
        flags=flags,
        show_test_data=show_test_data,
        discretize=discretize,
        extent=PLANE_EXTENT,
    )


# --- internals -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _grid(resolution: int) -> np.ndarray:
    centres = (np.arange(resolution, dtype=np.float64) + 0.5) / resolution * 2.0 - 1.0
    x1 = centres * PLANE_EXTENT
    x2 = -x1  # the top row first
    grid = np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2).astype(np.float32)
    grid.flags.writeable = False
    return grid


@functools.lru_cache(maxsize=64)
def _grid_inputs(features: tuple[str, ...], resolution: int) -> np.ndarray:
    inputs = feature_matrix(_grid(resolution), features)
    inputs.flags.writeable = False
    return inputs


@functools.lru_cache(maxsize=64)
def _feature_map(feature: str, resolution: int) -> np.ndarray:
    values = _grid_inputs((feature,), resolution)[:, 0].reshape(resolution, resolution)
    values.flags.writeable = False
    return values


@functools.lru_cache(maxsize=64)
def _feature_png(feature: str, resolution: int, scale: int) -> bytes:
    values = _feature_map(feature, resolution)
    top = float(np.max(np.abs(values)))
    return _png(_scaled(_colorize(values / top if top > 0 else values, False), scale))


def _colorize(values: np.ndarray, discretize: bool) -> np.ndarray:
    """RGB uint8 ``(*values.shape, 3)`` of float values (no checks)."""
    with np.errstate(invalid="ignore"):
        if discretize:
            index = np.where(values > 0, 255, 0).astype(np.uint8)
        else:
            index = np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5)
            index = np.nan_to_num(index, nan=127.0).astype(np.uint8)
    image = _RGB_TABLE[index]
    nan = np.isnan(values)
    if nan.any():
        image[nan] = NAN_COLOR[:3]
    return image


def _scaled(image: np.ndarray, scale: int) -> np.ndarray:
    """Each pixel repeated into a ``scale x scale`` block (no smoothing)."""
    if scale == 1:
        return image
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def _png(image: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _output_png(
    snap: Any, output: np.ndarray, size: int, show_test_data: bool, discretize: bool
) -> bytes:
    classification = snap.state.problem == "classification"
    shown = 2.0 * output - 1.0 if classification else output
    image = _scaled(_colorize(shown, discretize), size // output.shape[0])
    dataset = snap.data.dataset
    half = max(1, round(size / 80))  # marker half-width: 2 pixels on 200
    sets = [(dataset.x_train, dataset.y_train, _WHITE)]
    if show_test_data:
        sets.append((dataset.x_test, dataset.y_test, _BLACK))
    for x, y, rim in sets:
        rows, cols = _pixels(x, size)
        y = np.asarray(y)
        if classification:
            fill = np.where((y == 1)[:, None], _RGB_TABLE[255], _RGB_TABLE[0])
            square = y == 1
        else:
            fill = _colorize(y.astype(np.float32), False)
            square = np.zeros(len(y), bool)
        for chosen, offsets in ((~square, _round_offsets), (square, _square_offsets)):
            r, c, f = rows[chosen], cols[chosen], fill[chosen]
            _stamp(image, r, c, np.broadcast_to(rim, f.shape), offsets(half + 1))
            _stamp(image, r, c, f, offsets(half))
    return _png(image)


def _pixels(x: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Picture rows and columns of raw points ``(n, 2)``."""
    cols = np.floor((x[:, 0] + PLANE_EXTENT) / (2 * PLANE_EXTENT) * size).astype(np.int64)
    rows = np.floor((PLANE_EXTENT - x[:, 1]) / (2 * PLANE_EXTENT) * size).astype(np.int64)
    return rows, cols


@functools.lru_cache(maxsize=16)
def _square_offsets(half: int) -> tuple[np.ndarray, np.ndarray]:
    dy, dx = np.mgrid[-half : half + 1, -half : half + 1]
    return dy.ravel(), dx.ravel()


@functools.lru_cache(maxsize=16)
def _round_offsets(half: int) -> tuple[np.ndarray, np.ndarray]:
    dy, dx = np.mgrid[-half : half + 1, -half : half + 1]
    inside = dy**2 + dx**2 <= half**2 + 0.5
    return dy[inside], dx[inside]


def _stamp(
    image: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    colors: np.ndarray,
    offsets: tuple[np.ndarray, np.ndarray],
) -> None:
    """Paint a marker of `offsets` in `colors` (one per point) centred on each point."""
    if not len(rows):
        return
    dy, dx = offsets
    r = rows[:, None] + dy[None, :]
    c = cols[:, None] + dx[None, :]
    inside = (r >= 0) & (r < image.shape[0]) & (c >= 0) & (c < image.shape[1])
    painted = np.broadcast_to(colors[:, None, :], (*r.shape, 3))
    image[r[inside], c[inside]] = painted[inside]


def _diagnose(snap: Any, outputs: list[np.ndarray]) -> tuple[Any, tuple]:
    """Lesson 08's per-layer statistics and flags, from the hidden layers' outputs on the
    training points (the same numbers `hlcourse.diagnostics.activation_stats` measures)."""
    if not outputs:
        return None, ()
    from hlcourse import activations, diagnostics
    from hlcourse.diagnostics._report import _activation_flags
    from hlcourse.diagnostics._stats import _mean_std

    act = snap.state.activation
    rows = []
    for i, values in enumerate(outputs, start=1):
        as_float = values.astype(np.float64)
        finite = bool(np.all(np.isfinite(as_float)))
        saturated = dead = None
        if act in diagnostics.BOUNDED_ACTIVATIONS and finite:
            # The slope from the output itself: tanh' = 1 - y^2, sigmoid' = y (1 - y).
            slope = 1.0 - as_float**2 if act == "tanh" else as_float * (1.0 - as_float)
            saturated = float(np.mean(np.abs(slope) < activations.SATURATION_THRESHOLD))
        if act in diagnostics.RELU_ACTIVATIONS and finite:
            dead = activations.dead_units(as_float)
        spread = as_float.max(axis=1) - as_float.min(axis=1) if finite else None
        mean, std = _mean_std(as_float)
        rows.append(
            diagnostics.LayerStats(
                layer=f"hidden_{i}",
                kind="Dense",
                activation=act,
                units=int(values.shape[1]),
                mean=mean,
                std=std,
                saturated=saturated,
                dead=dead,
                unit_difference=float(np.max(spread)) if finite else math.nan,
                values=values,
            )
        )
    stats = diagnostics.ActivationStats(snap.model.name, len(outputs[0]), tuple(rows))
    layers = {layer.name: layer for layer in snap.model.layers}
    return stats, tuple(_activation_flags(stats, layers))

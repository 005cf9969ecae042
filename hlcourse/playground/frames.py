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

- every hidden neuron's output over the plane (`neuron_maps`, 20 x 20 by default) and each
  one as a small PNG (`neuron_pngs`);
- the output's map (`output_map`, 50 x 50) and its PNG (`output_png`) with the training
  points drawn on it, the test points too when ``show_test_data``;
- each input feature over the plane (`feature_maps`, `feature_pngs`), for the input nodes;
- the weights and each neuron's bias (`kernels`, `biases`);
- the losses now and after every epoch (`train_history`, `test_history`);
- per-hidden-layer statistics on the training points (`diagnostics`, an
  `hlcourse.diagnostics.ActivationStats`) and the problems lesson 08's rules find in them
  (`flags`): saturated tanh or sigmoid layers, dead ReLU units, units that are copies of each
  other, outputs that blew up. The thresholds are the toolkit's own constants.

For the hover view, `neuron_picture` draws one neuron's map (or the output's) and
`input_picture` one input feature, at the output picture's size, on demand.

Every neuron comes from ONE forward pass in NumPy (float32), from the engine's current
weights, over one batch: the neuron grid, the output grid and the training points together.
Pictures are colour lookups in a 256-entry table (`COLORMAP`) and Pillow's PNG encoder, never
matplotlib figures, which would take several times longer per refresh.

The plane is TensorFlow Playground's (src/playground.ts, src/heatmap.ts): both axes run over
[-6, 6] (`PLANE_EXTENT`), on a grid of ``resolution`` points a side that includes both
ends, -6 and 6; image rows run from the top (x2 = +6) down, columns from the left
(x1 = -6); `plane_grid` gives the points in that order. Points outside the plane (a wide gauss
cloud) are not drawn.

Colours (colour-blind safe, as TensorFlow Playground's): values in [-1, 1] on a blue-orange
diverging map, orange at -1, light grey at 0, blue at +1 (Okabe & Ito's orange and blue, the course's);
values beyond are clamped, NaN is grey (`NAN_COLOR`). Class +1 is blue, class -1 orange, as in
TensorFlow Playground. What is shown on that scale:

- a hidden neuron: its output as it is (a ReLU's above 1 is as blue as 1);
- the output: TensorFlow Playground's recipe gives a tanh output in [-1, 1], shown as it is;
  the Keras recipe's probability p of class +1 is shown as ``2 p - 1``; a regression's value
  as it is;
- an input feature: its raw value (x1 runs to 6, x1^2 to 36), so it is saturated outside
  [-1, 1], as TensorFlow Playground draws it.

Discretize (the state's check box) colours every map by sign: ``>= 0`` blue, below orange,
the neuron and input maps too. Points: class +1 square, class -1 round (meaning never by
colour alone), training points with a white rim, test points with a black one; a
regression's points are round, coloured by their target.

One module because one forward pass feeds every picture of a frame: the neuron maps, the
output map and the points come from the same batch, and the painting (the colour table, the
scaling, the point stamps) works on that pass's own grid and arrays. Split off, each private
painting step would become a public function checking arguments that only `make_frame`,
`neuron_picture` and `input_picture` ever pass; the public painting a caller needs
(`colorize`, `plane_grid`) is already public here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse.palette import SIGNED_COLORS
from hlcourse.playground.engine import PlaygroundEngine
from hlcourse.playground.state import FEATURES, PlaygroundState, feature_values
from hlcourse.render import array_png

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
    "input_picture",
    "make_frame",
    "neuron_picture",
    "plane_grid",
]

PLANE_EXTENT = 6.0
"""The plane shown runs from -6 to 6 on both axes, as TensorFlow Playground's heat map."""

NEURON_RESOLUTION = 20
"""Grid points per side of a neuron's map."""
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
    """256 RGBA entries: entry i is the colour of -1 + 2 i / 255, orange -> light grey ->
    blue, linear in RGB between the three (as matplotlib's map from the same colours)."""
    low, mid, high = (np.array(_rgb(c), np.float64) for c in SIGNED_COLORS)
    t = np.linspace(-1.0, 1.0, 256)[:, None]
    rgb = np.where(t < 0, mid + (mid - low) * t, mid + (high - mid) * t)
    rgba = np.concatenate([np.rint(rgb), np.full((256, 1), 255.0)], axis=1)
    table = rgba.astype(np.uint8)
    table.flags.writeable = False
    return table


COLORMAP = _make_colormap()
"""The colour lookup table: ``COLORMAP[i]`` (RGBA, uint8) is the colour of the value
``-1 + 2 i / 255``: entry 0 orange (-1), 255 blue (+1), 127 and 128 next to the light grey
middle (0)."""

NAN_COLOR = np.array([153, 153, 153, 255], np.uint8)
"""Grey, for values that are not numbers (a network whose weights blew up)."""
NAN_COLOR.flags.writeable = False

_RGB_TABLE = np.ascontiguousarray(COLORMAP[:, :3])
_WHITE = np.array([255, 255, 255], np.uint8)
_BLACK = np.array([0, 0, 0], np.uint8)

# The output unit of each recipe (`PlaygroundState.recipe`) and problem: TensorFlow
# Playground's is tanh for classification, linear for regression; the Keras recipe's is a
# sigmoid for classification.
_OUTPUT_ACTIVATIONS = {
    ("playground", "classification"): "tanh",
    ("playground", "regression"): "linear",
    ("keras", "classification"): "sigmoid",
    ("keras", "regression"): "linear",
}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": _sigmoid,
    "linear": lambda z: z,
}


# --- the frame -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything one refresh of the playground shows (made by `make_frame`).

    Maps are float32 arrays over the plane [-6, 6] x [-6, 6], grid points at both ends, rows
    from the top (x2 = +6) down, columns from the left (x1 = -6); PNGs are bytes for
    ``ipywidgets.Image``.

    Attributes:
        state: the engine's `PlaygroundState` at that moment.
        epoch, steps: epochs and mini-batch updates trained since the last reset.
        playing: whether the engine was playing.
        message: the engine's last message (what the last change of settings did).
        train_loss, test_loss: the data loss now.
        train_history, test_history: the loss at epoch 0 (the starting weights), 1, 2, ...
            (read-only).
        layer_names: the Dense layers, ``("hidden_1", ..., "output")``.
        neuron_maps: per hidden layer, its units' outputs, ``(units, r, r)`` with r the
            neuron resolution.
        neuron_pngs: per hidden layer, one PNG per unit, ``r * scale`` pixels square.
        output_map: the network's output over the plane, ``(R, R)``: tanh output in [-1, 1]
            (TensorFlow Playground's recipe), the probability of class +1 (Keras recipe), or
            the predicted value (regression).
        output_png: the output on the colour scale (a probability p drawn as ``2 p - 1``),
            with the points drawn as `show_test_data` and `discretize` say.
        feature_maps: each input feature (all of `FEATURES`, on or off) over the plane,
            ``(r, r)``, raw values; feature_pngs: their pictures, clamped to [-1, 1].
        kernels, biases: per Dense layer, ``(n_in, n_out)`` and ``(n_out,)``: the connection
            from neuron i of one layer to neuron j of the next is ``kernels[layer][i, j]``,
            the bias of neuron j ``biases[layer][j]``.
        diagnostics: an `hlcourse.diagnostics.ActivationStats` of the hidden layers on the
            training points (saturated share for tanh / sigmoid, dead share for ReLU), or None
            without hidden layers.
        flags: the problems lesson 08's rules find in them, `hlcourse.diagnostics.Flag`
            records ``(layer, problem, remedy)``; empty when healthy.
        show_test_data, discretize: how the pictures were drawn.
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
    """The points of a ``resolution x resolution`` grid over the plane, in picture order.

    Both ends are grid points, as in TensorFlow Playground's heat map: each axis runs
    ``-6, ..., 6`` in ``resolution`` equal steps.

    Args:
        resolution: grid points per side, 2 to 200.

    Returns:
        A float64 array ``(resolution ** 2, 2)`` of (x1, x2), row by row from the top row
        (x2 = 6) down, each row from the left (x1 = -6): ``values.reshape(resolution,
        resolution)`` of anything computed on it is a picture of the plane.
    """
    resolution = v.check_int("resolution", resolution, low=2, high=MAX_RESOLUTION)
    return _grid(resolution).copy()


def colorize(values: Any, *, discretize: bool = False) -> np.ndarray:
    """Colours of values on the playground's blue-orange map (a lookup in `COLORMAP`).

    Args:
        values: an array of numbers of any shape; values beyond [-1, 1] are clamped, NaN
            comes out grey (`NAN_COLOR`).
        discretize: colour by sign only (TensorFlow Playground's "Discretize output"): blue
            for values ``>= 0``, orange below.

    Returns:
        A uint8 array ``(*values.shape, 3)`` of RGB colours.
    """
    discretize = v.check_bool("discretize", discretize)
    expected = "an array of numbers (NaN allowed)"
    if values is None or isinstance(values, (str, bytes, dict, set)):
        v.fail("values", expected, values, error=TypeError)
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as err:
        v.fail("values", expected, values, f"NumPy could not read it: {err}", TypeError)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.number):
        v.fail("values", expected, values, f"Its dtype is {array.dtype}", TypeError)
    if np.issubdtype(array.dtype, np.complexfloating):
        v.fail("values", "an array of real numbers", values, error=TypeError)
    if array.size == 0:
        v.fail("values.shape", "an array with at least one value", array.shape)
    return _colorize(array.astype(np.float32), discretize)


# --- the frame of an engine -------------------------------------------------------------------


def make_frame(
    engine: PlaygroundEngine,
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
        discretize: colour every map by sign (``>= 0`` blue); None follows the state's
            ``discretize``.

    Returns:
        A `Frame`.
    """
    neuron_resolution = v.check_int(
        "neuron_resolution", neuron_resolution, low=2, high=MAX_RESOLUTION
    )
    neuron_scale = v.check_int("neuron_scale", neuron_scale, low=1, high=MAX_SCALE)
    output_resolution, output_scale = _check_output_size(output_resolution, output_scale)
    show_test_data = _check_switch("show_test_data", show_test_data)
    discretize = _check_switch("discretize", discretize)
    engine = _check_engine(engine)
    snap = engine.snapshot()
    state = snap.state
    show_test_data = state.show_test_data if show_test_data is None else show_test_data
    discretize = state.discretize if discretize is None else discretize

    # One forward pass over the neuron grid, the output grid and the training points.
    n_small, n_large = neuron_resolution**2, output_resolution**2
    batch = np.concatenate(
        [
            _grid_inputs(state.features, neuron_resolution),
            _grid_inputs(state.features, output_resolution),
            np.asarray(snap.data.x_train, np.float32),
        ]
    )
    outputs = _forward(snap.weights, state, batch)
    hidden = outputs[:-1]

    neuron_maps = tuple(
        np.ascontiguousarray(h[:n_small].T).reshape(-1, neuron_resolution, neuron_resolution)
        for h in hidden
    )
    neuron_pngs = tuple(
        tuple(array_png(_scaled(image, neuron_scale)) for image in _colorize(maps, discretize))
        for maps in neuron_maps
    )
    output = outputs[-1][n_small : n_small + n_large, 0].reshape(
        output_resolution, output_resolution
    )
    output_png = _picture(
        snap, _on_colour_scale(output, state), output_scale, show_test_data, discretize
    )
    feature_maps = {f: _feature_map(f, neuron_resolution) for f in FEATURES}
    feature_pngs = {
        f: _feature_png(f, neuron_resolution, neuron_scale, discretize) for f in FEATURES
    }
    stats, flags = _diagnose(snap, [h[n_small + n_large :] for h in hidden])

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


def neuron_picture(
    engine: PlaygroundEngine,
    layer: int,
    node: int,
    *,
    discretize: bool = False,
    show_test_data: bool | None = None,
    output_resolution: int = OUTPUT_RESOLUTION,
    output_scale: int = OUTPUT_SCALE,
) -> bytes:
    """One neuron's map over the plane, large, with the points: TensorFlow Playground's
    hover view (hovering a neuron shows its map in place of the output's).

    Computed on demand from the engine's weights now, at the output picture's size.

    Args:
        engine: a `PlaygroundEngine`.
        layer: which Dense layer, counted from 0 as in `PlaygroundEngine.set_weight`: 0 is the
            first hidden layer; the last is the output layer (its one neuron is the output,
            drawn as `Frame.output_png` draws it).
        node: the neuron of that layer, 0 for the first (top) one.
        discretize: colour by sign only (``>= 0`` blue).
        show_test_data: draw the test points too; None follows the engine's state.
        output_resolution, output_scale: the picture's grid points per side (2 to 200) and
            pixels per grid point (1 to 10), as for `make_frame`.

    Returns:
        PNG bytes, ``output_resolution * output_scale`` pixels square.
    """
    layer = v.check_int("layer", layer, low=0, hint="0 is the first hidden layer.")
    node = v.check_int("node", node, low=0, hint="0 is a layer's first (top) neuron.")
    discretize = v.check_bool("discretize", discretize)
    show_test_data = _check_switch("show_test_data", show_test_data)
    output_resolution, output_scale = _check_output_size(output_resolution, output_scale)
    engine = _check_engine(engine)
    snap = engine.snapshot()
    n_layers = len(snap.weights) // 2
    layer = v.check_int(
        "layer",
        layer,
        low=0,
        high=n_layers - 1,
        hint=f"The network has {n_layers} Dense layers: 0 is the first hidden layer (or the "
        f"output when there is none), {n_layers - 1} the output.",
    )
    units = snap.weights[2 * layer].shape[1]
    node = v.check_int(
        "node", node, low=0, high=units - 1, hint=f"Dense layer {layer} has {units} neurons."
    )
    if show_test_data is None:
        show_test_data = snap.state.show_test_data
    inputs = _grid_inputs(snap.state.features, output_resolution)
    outputs = _forward(snap.weights, snap.state, inputs, last=layer)
    values = outputs[-1][:, node].reshape(output_resolution, output_resolution)
    if layer == n_layers - 1:
        values = _on_colour_scale(values, snap.state)
    return _picture(snap, values, output_scale, show_test_data, discretize)


def input_picture(
    engine: PlaygroundEngine,
    feature: str,
    *,
    discretize: bool = False,
    show_test_data: bool | None = None,
    output_resolution: int = OUTPUT_RESOLUTION,
    output_scale: int = OUTPUT_SCALE,
) -> bytes:
    """One input feature over the plane, large, with the points (the hover view of an input).

    The raw feature is drawn clamped to [-1, 1], as TensorFlow Playground draws it: x1 is
    orange left of -1 and blue right of 1.

    Args:
        engine: a `PlaygroundEngine` (its points are drawn on the picture).
        feature: one of `hlcourse.playground.FEATURES`, on or off in the state.
        discretize: colour by sign only (``>= 0`` blue).
        show_test_data: draw the test points too; None follows the engine's state.
        output_resolution, output_scale: the picture's grid points per side (2 to 200) and
            pixels per grid point (1 to 10), as for `make_frame`.

    Returns:
        PNG bytes, ``output_resolution * output_scale`` pixels square.
    """
    feature = v.check_choice("feature", feature, FEATURES)
    discretize = v.check_bool("discretize", discretize)
    show_test_data = _check_switch("show_test_data", show_test_data)
    output_resolution, output_scale = _check_output_size(output_resolution, output_scale)
    engine = _check_engine(engine)
    snap = engine.snapshot()
    if show_test_data is None:
        show_test_data = snap.state.show_test_data
    values = _feature_map(feature, output_resolution)
    return _picture(snap, values, output_scale, show_test_data, discretize)


# --- internals -------------------------------------------------------------------------------


def _check_engine(engine: Any) -> PlaygroundEngine:
    return v.check_instance(
        "engine", engine, PlaygroundEngine, "a PlaygroundEngine (the playground's engine)"
    )


def _check_output_size(resolution: Any, scale: Any) -> tuple[int, int]:
    resolution = v.check_int("output_resolution", resolution, low=2, high=MAX_RESOLUTION)
    scale = v.check_int("output_scale", scale, low=1, high=MAX_SCALE)
    return resolution, scale


def _check_switch(name: str, value: Any) -> bool | None:
    """A display switch: True, False, or None (follow the state's check box)."""
    return None if value is None else v.check_bool(name, value)


def _forward(
    weights: Any, state: PlaygroundState, x: np.ndarray, last: int | None = None
) -> list[np.ndarray]:
    """Every Dense layer's outputs on inputs `x`, hidden layers then the output, float32.

    `weights` is ``[kernel, bias, kernel, bias, ...]``; the output layer (the last pair) takes
    the recipe's output activation. With `last`, layer `last` is the final one computed.
    Pictures need no more precision than float32, and NumPy's float32 tanh is several times
    faster than its float64 one.
    """
    n_layers = len(weights) // 2
    output_activation = _OUTPUT_ACTIVATIONS[state.recipe, state.problem]
    h, outputs = np.asarray(x, np.float32), []
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n_layers if last is None else last + 1):
            kernel = np.asarray(weights[2 * i], np.float32)
            z = h @ kernel + np.asarray(weights[2 * i + 1], np.float32)
            if i == n_layers - 1:
                h = _ACTIVATIONS[output_activation](z)
            else:
                h = _ACTIVATIONS[state.activation](z)
            outputs.append(h)
    return outputs


def _on_colour_scale(output: np.ndarray, state: PlaygroundState) -> np.ndarray:
    """The output as the picture shows it: a probability p (Keras recipe) as ``2 p - 1``."""
    if _OUTPUT_ACTIVATIONS[state.recipe, state.problem] == "sigmoid":
        return 2.0 * output - 1.0
    return output


@functools.lru_cache(maxsize=16)
def _grid(resolution: int) -> np.ndarray:
    x1 = np.linspace(-PLANE_EXTENT, PLANE_EXTENT, resolution)
    x2 = x1[::-1]  # the top row first
    grid = np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2)
    grid.flags.writeable = False
    return grid


@functools.lru_cache(maxsize=64)
def _grid_inputs(features: tuple[str, ...], resolution: int) -> np.ndarray:
    """The network's inputs on the grid: one column per feature (none without features)."""
    columns = [_feature_map(f, resolution).ravel() for f in features]
    inputs = np.stack(columns, axis=1) if columns else np.zeros((resolution**2, 0), np.float32)
    inputs.flags.writeable = False
    return inputs


@functools.lru_cache(maxsize=64)
def _feature_map(feature: str, resolution: int) -> np.ndarray:
    values = feature_values(feature, _grid(resolution)).reshape(resolution, resolution)
    values.flags.writeable = False
    return values


@functools.lru_cache(maxsize=128)
def _feature_png(feature: str, resolution: int, scale: int, discretize: bool) -> bytes:
    return array_png(_scaled(_colorize(_feature_map(feature, resolution), discretize), scale))


def _colorize(values: np.ndarray, discretize: bool) -> np.ndarray:
    """RGB uint8 ``(*values.shape, 3)`` of float values (no checks)."""
    with np.errstate(invalid="ignore"):
        if discretize:
            index = np.where(values >= 0, 255, 0).astype(np.uint8)
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


def _raw_points(data: Any, split: str) -> tuple[np.ndarray, np.ndarray]:
    """The raw points ``(n, 2)`` and labels ``(n,)`` of one split of the engine's data."""
    points = data.dataset
    x = np.asarray(getattr(points, f"x_{split}"), np.float64).reshape(-1, 2)
    y = np.asarray(getattr(points, f"y_{split}"), np.float64).reshape(-1)
    return x, y


def _picture(
    snap: Any, values: np.ndarray, scale: int, show_test_data: bool, discretize: bool
) -> bytes:
    """PNG of a map on the colour scale with the engine's points drawn on it."""
    image = _scaled(_colorize(values, discretize), scale)
    size = image.shape[0]
    classification = snap.state.problem == "classification"
    half = max(1, round(size / 80))  # marker half-width: 2 pixels on 200
    splits = [("train", _WHITE)] + ([("test", _BLACK)] if show_test_data else [])
    for split, rim in splits:
        x, y = _raw_points(snap.data, split)
        inside = np.all(np.abs(x) <= PLANE_EXTENT, axis=1)  # TFP draws no point beyond
        x, y = x[inside], y[inside]
        rows, cols = _pixels(x, size)
        if classification:
            # labels +1 / -1 (targets 1 / 0 in the Keras recipe): +1 is blue and square
            square = y > 0
            fill = np.where(square[:, None], _RGB_TABLE[255], _RGB_TABLE[0])
        else:
            fill = _colorize(y, False)
            square = np.zeros(len(y), bool)
        for chosen, offsets in ((~square, _round_offsets), (square, _square_offsets)):
            r, c, f = rows[chosen], cols[chosen], fill[chosen]
            _stamp(image, r, c, np.broadcast_to(rim, f.shape), offsets(half + 1))
            _stamp(image, r, c, f, offsets(half))
    return array_png(image)


def _pixels(x: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Picture rows and columns of raw points ``(n, 2)`` on the plane [-6, 6]^2."""
    scale = size / (2 * PLANE_EXTENT)
    cols = np.floor((x[:, 0] + PLANE_EXTENT) * scale).astype(np.int64)
    rows = np.floor((PLANE_EXTENT - x[:, 1]) * scale).astype(np.int64)
    return np.minimum(rows, size - 1), np.minimum(cols, size - 1)  # x = 6 is the last pixel


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
    from hlcourse import diagnostics
    from hlcourse.diagnostics._report import activation_flags
    from hlcourse.diagnostics._stats import layer_stats

    hidden = snap.model.layers[: len(outputs)]  # the hidden Dense layers, in order
    rows = tuple(
        layer_stats(layer.name, layer, values)
        for layer, values in zip(hidden, outputs, strict=True)
    )
    stats = diagnostics.ActivationStats(snap.model.name, len(outputs[0]), rows)
    # Lesson 08's rule for copies of a unit compares the units' incoming weights; with no
    # feature on, the first layer has none to compare, so that rule skips it.
    layers = {
        layer.name: layer
        for layer in snap.model.layers
        if getattr(layer, "kernel", None) is None or layer.kernel.shape[0] > 0
    }
    return stats, tuple(activation_flags(stats, layers))

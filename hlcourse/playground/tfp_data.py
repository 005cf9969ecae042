"""TensorFlow Playground's data, point for point: its random stream, its six datasets, its split.

TensorFlow Playground (github.com/tensorflow/playground) seeds one random stream from the
string in its URL (``seed=0.48213``) and draws everything from it, in a fixed order: the
points, the shuffle that splits them into training and test data, then the first weights.
This module reproduces that stream and those draws in float64, so that the same
``(seed, dataset, noise, percTrainData)`` gives the same points and labels as the page:

- `TfpRandom`: ``Math.random()`` after ``Math.seedrandom(seed)`` (seedrandom 2.x, ARC4),
  with the helpers TFP draws through (uniform, normal, shuffle, a new seed).
- `tfp_points`: one generator (circle, xor, gauss, spiral, reg-plane, reg-gauss), in the
  order TFP makes its points, before the shuffle.
- `tfp_data`: what a page load does: seed, generate, shuffle, split. The returned record keeps
  the stream, positioned where TFP builds its network next.
- `tfp_initial_weights`: those first weights, U(-0.5, 0.5) in TFP's link order, bias 0.1.

Coordinates are TFP's own: circle within radius 5, xor up to 5.3, the spiral's arms to radius
5, the gauss clouds around (2, 2) and (-2, -2), regression uniform on [-6, 6]. Labels are +1
(drawn blue in TFP) and -1 (orange), or a real number for regression. The generators' sin,
cos and log are fdlibm's, as V8 (Chrome, node) computes them (`hlcourse.playground._js_math`),
and d3's linear scales use d3's own arithmetic, so the points agree with the page's to the
last bit (tests/test_playground_tfp_data.py compares them with node's). Nothing is drawn at
import.

Sources: TensorFlow Playground, src/dataset.ts (the generators, lines 55-207; shuffle, 36-51;
randUniform and normalRandom, 213-234), src/playground.ts (generateData, 1067-1088;
NUM_SAMPLES_*, 52-53), src/nn.ts (Node.bias, 25; Link.weight, 161; buildNetwork, 204-242);
davidbau/seedrandom 2.x, seedrandom.js; d3 3.5, scale.linear.
"""

# Ported from TensorFlow Playground (src/dataset.ts, src/playground.ts, src/nn.ts):
#   Copyright 2016 Google Inc. All Rights Reserved.
#   Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file
#   except in compliance with the License. You may obtain a copy of the License at
#   http://www.apache.org/licenses/LICENSE-2.0
#   Unless required by applicable law or agreed to in writing, software distributed under the
#   License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND,
#   either express or implied. See the License for the specific language governing
#   permissions and limitations under the License.
# TfpRandom is ported from seedrandom 2.x (seedrandom.js):
#   Copyright 2015 David Bau. Permission is hereby granted, free of charge, to any person
#   obtaining a copy of this software and associated documentation files (the "Software"), to
#   deal in the Software without restriction, including without limitation the rights to use,
#   copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software,
#   and to permit persons to whom the Software is furnished to do so, subject to the following
#   conditions: The above copyright notice and this permission notice shall be included in all
#   copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
#   WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
#   MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
#   THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
#   WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
#   WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from hlcourse._validate import (
    check_bool,
    check_choice,
    check_instance,
    check_int,
    check_int_list,
    check_number,
    check_str,
)
from hlcourse.playground._js_math import js_cos, js_log, js_sin

__all__ = [
    "TFP_CLASSIFICATION_DATASETS",
    "TFP_DATASETS",
    "TFP_N_SAMPLES",
    "TFP_REGRESSION_DATASETS",
    "TfpRandom",
    "tfp_data",
    "tfp_initial_weights",
    "tfp_points",
]

TFP_CLASSIFICATION_DATASETS = ("circle", "xor", "gauss", "spiral")
TFP_REGRESSION_DATASETS = ("reg-plane", "reg-gauss")
TFP_DATASETS = TFP_CLASSIFICATION_DATASETS + TFP_REGRESSION_DATASETS
# NUM_SAMPLES_CLASSIFY and NUM_SAMPLES_REGRESS (TensorFlow Playground, src/playground.ts:52-53)
TFP_N_SAMPLES = {name: 500 for name in TFP_CLASSIFICATION_DATASETS} | {
    name: 1200 for name in TFP_REGRESSION_DATASETS
}
# The noise slider runs 0-50; a URL may hold up to 80, which raises the slider's maximum
# (TensorFlow Playground, src/playground.ts:302-311).
MAX_NOISE = 80
# The training-share slider, 10-90 % in steps of 10 (TensorFlow Playground, index.html).
PERC_TRAIN_RANGE = (10, 90)
MAX_SAMPLES = 100_000

_WIDTH = 256  # seedrandom's constants: bytes, 6 bytes per start, 52 bits of significance
_START_DENOM = _WIDTH**6
_SIGNIFICANCE = 2**52
_OVERFLOW = 2**53

# reg-gauss's six cones: centre x, centre y, sign (TensorFlow Playground, src/dataset.ts:104-111)
_CONES = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


class TfpRandom:
    """TensorFlow Playground's random stream: ``Math.random()`` after ``Math.seedrandom(seed)``.

    seedrandom 2.x (davidbau/seedrandom, seedrandom.js): the seed string is mixed into a key
    of at most 256 bytes, the key schedules an ARC4 (RC4) generator, the first 256 bytes are
    dropped, and each number takes 6 bytes (48 bits) and then one byte at a time until it has
    52 significant bits. Seed 'hello.' gives 0.9282578795792454, then 0.3752569768646784
    (seedrandom's own test).

    Args:
        seed: the seed string, as TFP's URL holds it (``"0.48213"``); compared as text, so
            ``"0.5"`` and ``"0.50"`` are different streams.

    Attributes:
        draws: how many numbers `random` has returned (every helper draws through it).
    """

    def __init__(self, seed: str) -> None:
        seed = check_str(
            "seed", seed, hint="TensorFlow Playground's seeds are strings such as '0.48213'"
        )
        key: list[int] = []
        smear = 0
        # seedrandom's mixkey reads UTF-16 code units (JavaScript's charCodeAt)
        units = seed.encode("utf-16-le")
        codes = [units[k] | units[k + 1] << 8 for k in range(0, len(units), 2)]
        for j, code in enumerate(codes):
            slot = j & 255
            if slot < len(key):
                smear ^= key[slot] * 19
                key[slot] = (smear + code) & 255
            else:  # an unset key byte counts as 0 in JavaScript
                key.append((smear + code) & 255)
        key = key or [0]
        s = list(range(_WIDTH))
        j = 0
        for i in range(_WIDTH):  # ARC4 key schedule
            j = (j + key[i % len(key)] + s[i]) & 255
            s[i], s[j] = s[j], s[i]
        self._s, self._i, self._j = s, 0, 0
        self._bytes(_WIDTH)  # RC4-drop[256]
        self.draws = 0

    def _bytes(self, count: int) -> int:
        """The next `count` ARC4 bytes as one big-endian integer."""
        s, i, j, out = self._s, self._i, self._j, 0
        for _ in range(count):
            i = (i + 1) & 255
            t = s[i]
            j = (j + t) & 255
            s[i], s[j] = s[j], t
            out = out * _WIDTH + s[(s[i] + t) & 255]
        self._i, self._j = i, j
        return out

    def random(self) -> float:
        """The next number in [0, 1), as ``Math.random()`` returns it."""
        n, d, x = self._bytes(6), _START_DENOM, 0
        while n < _SIGNIFICANCE:
            n = (n + x) * _WIDTH
            d *= _WIDTH
            x = self._bytes(1)
        while n >= _OVERFLOW:  # exact: n, d and x are integers, as in JavaScript
            n //= 2
            d //= 2
            x >>= 1
        self.draws += 1
        return (n + x) / d

    def uniform(self, low: float, high: float) -> float:
        """``randUniform(a, b)`` (TensorFlow Playground, src/dataset.ts:213-215): one draw."""
        return self.random() * (high - low) + low

    def normal(self, mean: float = 0.0, variance: float = 1.0) -> float:
        """``normalRandom`` (src/dataset.ts:224-234): Marsaglia's polar method, keeping v1 only.

        Each try takes two draws; a try with v1² + v2² > 1 is thrown away.
        """
        while True:
            v1 = 2 * self.random() - 1
            v2 = 2 * self.random() - 1
            s = v1 * v1 + v2 * v2
            if not s > 1:
                break
        if s == 0:  # JavaScript's -2 * log(0) / 0 is NaN (p = 2^-104)
            return math.nan
        return mean + math.sqrt(variance) * (math.sqrt(-2 * js_log(s) / s) * v1)

    def shuffle(self, items: list) -> None:
        """``shuffle`` (src/dataset.ts:36-51): Fisher-Yates in place from the end, 1 draw an item."""
        counter = len(items)
        while counter > 0:
            index = math.floor(self.random() * counter)
            counter -= 1
            items[counter], items[index] = items[index], items[counter]

    def new_seed(self) -> str:
        """The seed Regenerate and every data change draw (src/playground.ts:1070).

        TFP's new seed is ``Math.random().toFixed(5)``, drawn from this stream: one draw, five
        decimals, e.g. ``"0.43021"``.
        """
        return _js_to_fixed(self.random(), 5)


def _js_to_fixed(value: float, digits: int) -> str:
    """JavaScript's ``value.toFixed(digits)`` for a number in [0, 1e21).

    toFixed rounds the double's exact binary value and breaks a tie upwards: 0.015625 gives
    "0.01563" where Python's format (ties to even) gives "0.01562".
    """
    quantum = Decimal(1).scaleb(-digits)
    return str(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


def _d3_linear(
    value: float, d0: float, d1: float, r0: float, r1: float, clamp: bool = False
) -> float:
    """d3 3.x ``scale.linear().domain([d0, d1]).range([r0, r1])`` with d3's own arithmetic."""
    t = (value - d0) / (d1 - d0)
    if clamp:
        t = max(0.0, min(1.0, t))
    return r0 * (1 - t) + r1 * t


def _circle(rng: TfpRandom, n: int, noise: float) -> list[tuple[float, float, float]]:
    """classifyCircleData (src/dataset.ts:156-188): +1 in the disc r < 2.5, -1 in the ring 3.5-5.

    The noise moves the position the label is computed at, never the stored point.
    """
    radius, points = 5, []
    for low, high in ((0, radius * 0.5), (radius * 0.7, radius)):
        for _ in range(math.ceil(n / 2)):  # JavaScript's i < n / 2
            r = rng.uniform(low, high)
            angle = rng.uniform(0, 2 * math.pi)
            x, y = r * js_sin(angle), r * js_cos(angle)
            noise_x = rng.uniform(-radius, radius) * noise
            noise_y = rng.uniform(-radius, radius) * noise
            px, py = x + noise_x, y + noise_y
            inside = math.sqrt(px * px + py * py) < radius * 0.5  # TFP's dist, not hypot
            points.append((x, y, 1.0 if inside else -1.0))
    return points


def _xor(rng: TfpRandom, n: int, noise: float) -> list[tuple[float, float, float]]:
    """classifyXORData (src/dataset.ts:190-207): +1 where x and y share a sign.

    Each coordinate is U(-5, 5) pushed 0.3 away from 0, so |x| and |y| lie in [0.3, 5.3].
    """
    points = []
    for _ in range(n):
        x = rng.uniform(-5, 5)
        x += 0.3 if x > 0 else -0.3
        y = rng.uniform(-5, 5)
        y += 0.3 if y > 0 else -0.3
        noise_x = rng.uniform(-5, 5) * noise
        noise_y = rng.uniform(-5, 5) * noise
        points.append((x, y, 1.0 if (x + noise_x) * (y + noise_y) >= 0 else -1.0))
    return points


def _gauss(rng: TfpRandom, n: int, noise: float) -> list[tuple[float, float, float]]:
    """classifyTwoGaussData (src/dataset.ts:55-73): +1 around (2, 2), then -1 around (-2, -2).

    The noise widens both clouds: variance 0.5 at noise 0 up to 4 at noise 0.5.
    """
    variance = _d3_linear(noise, 0, 0.5, 0.5, 4)
    points = []
    for centre, label in ((2, 1.0), (-2, -1.0)):
        for _ in range(math.ceil(n / 2)):
            x = rng.normal(centre, variance)
            y = rng.normal(centre, variance)
            points.append((x, y, label))
    return points


def _spiral(rng: TfpRandom, n: int, noise: float) -> list[tuple[float, float, float]]:
    """classifySpiralData (src/dataset.ts:136-154): two fixed arms, +1 then -1 (turned by pi).

    Only the noise is random: U(-1, 1) * noise added to each coordinate.
    """
    half, points = n / 2, []
    for turn, label in ((0.0, 1.0), (math.pi, -1.0)):
        for i in range(math.ceil(half)):
            r = i / half * 5
            t = 1.75 * i / half * 2 * math.pi + turn
            x = r * js_sin(t) + rng.uniform(-1, 1) * noise
            y = r * js_cos(t) + rng.uniform(-1, 1) * noise
            points.append((x, y, label))
    return points


def _cone_label(x: float, y: float) -> float:
    """The reg-gauss target: the cone of largest magnitude at (x, y), 0 outside all of them."""
    label = 0.0
    for cx, cy, sign in _CONES:
        dx, dy = x - cx, y - cy
        new = sign * _d3_linear(math.sqrt(dx * dx + dy * dy), 0, 2, 1, 0, clamp=True)
        if abs(new) > abs(label):
            label = new
    return label


def _regression(
    rng: TfpRandom, n: int, noise: float, dataset: str
) -> list[tuple[float, float, float]]:
    """regressPlane and regressGaussian (src/dataset.ts:75-134): points uniform on [-6, 6]².

    The noise moves the position the target is computed at, never the stored point.
    """
    radius, points = 6, []
    for _ in range(n):
        x = rng.uniform(-radius, radius)
        y = rng.uniform(-radius, radius)
        noise_x = rng.uniform(-radius, radius) * noise
        noise_y = rng.uniform(-radius, radius) * noise
        px, py = x + noise_x, y + noise_y
        label = (
            _d3_linear(px + py, -10, 10, -1, 1) if dataset == "reg-plane" else _cone_label(px, py)
        )
        points.append((x, y, label))
    return points


def _generate(
    dataset: str, rng: TfpRandom, n: int, noise_percent: float
) -> list[tuple[float, float, float]]:
    noise = noise_percent / 100  # TFP hands its generators state.noise / 100
    if dataset in TFP_REGRESSION_DATASETS:
        return _regression(rng, n, noise, dataset)
    return {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}[dataset](
        rng, n, noise
    )


def _as_arrays(points: list[tuple[float, float, float]]) -> tuple[np.ndarray, np.ndarray]:
    table = np.array(points, dtype=np.float64).reshape(-1, 3)
    return table[:, :2].copy(), table[:, 2].copy()


def tfp_points(
    dataset: str, rng: TfpRandom, n_samples: int | None = None, noise: float = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Draw one TFP dataset from `rng`, in TFP's order of points (before any shuffle).

    Circle and xor take 4 draws a point, even at noise 0; gauss takes 2 or more a coordinate;
    spiral takes 2; reg-plane and reg-gauss take 4. Circle, gauss and spiral give
    ``ceil(n_samples / 2)`` points of each class, so an odd count gives one more point.

    Args:
        dataset: one of `TFP_DATASETS`.
        rng: the stream to draw from (it advances).
        n_samples: how many points; None for TFP's 500 (classification) or 1200 (regression).
            TFP's dataset thumbnails draw 200 at noise 0.
        noise: TFP's noise setting in percent, 0 to 80 (the slider goes to 50).

    Returns:
        ``(points, labels)``: float64 arrays of shapes (n, 2) and (n,); labels are +1 / -1 for
        classification and real numbers for regression.
    """
    dataset = check_choice("dataset", dataset, TFP_DATASETS)
    rng = check_instance("rng", rng, TfpRandom, "a TfpRandom stream, e.g. TfpRandom('0.48213')")
    if n_samples is None:
        n_samples = TFP_N_SAMPLES[dataset]
    n_samples = check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    noise = check_number("noise", noise, low=0, high=MAX_NOISE)
    return _as_arrays(_generate(dataset, rng, n_samples, noise))


@dataclass(frozen=True)
class TfpData:
    """TFP's data after a page load: the training and test points and the stream after them.

    Attributes:
        seed, dataset, noise, perc_train_data: the settings it was made from.
        x_train, x_test: the points, float64 ``(n, 2)``, in the order of TFP's shuffle.
        y_train, y_test: their labels, float64 ``(n,)``: +1 / -1, or real for regression.
        rng: the stream, standing where TFP draws the first weights (`tfp_initial_weights`)
            until something draws from it.
    """

    seed: str
    dataset: str
    noise: float
    perc_train_data: float
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    rng: TfpRandom


def tfp_data(
    seed: str, dataset: str = "circle", noise: float = 0, perc_train_data: float = 50
) -> TfpData:
    """TFP's data for a URL's settings, as ``generateData`` makes it (src/playground.ts:1067-1088).

    Seed the stream with `seed`, draw TFP's 500 (classification) or 1200 (regression) points,
    shuffle them with the same stream, and take the first ``floor(n * perc_train_data / 100)``
    as training data (not stratified, so the class shares vary).

    Args:
        seed: the URL's seed string, e.g. ``"0.48213"``.
        dataset: one of `TFP_DATASETS` (TFP's ``dataset`` or ``regDataset`` key).
        noise: TFP's noise in percent, 0 to 80.
        perc_train_data: TFP's "Ratio of training to test data" in percent, 10 to 90.

    Returns:
        A `TfpData` with the split and the stream, ready for the first weights.
    """
    rng = TfpRandom(seed)
    dataset = check_choice("dataset", dataset, TFP_DATASETS)
    noise = check_number("noise", noise, low=0, high=MAX_NOISE)
    perc = check_number(
        "perc_train_data", perc_train_data, low=PERC_TRAIN_RANGE[0], high=PERC_TRAIN_RANGE[1]
    )
    points = _generate(dataset, rng, TFP_N_SAMPLES[dataset], noise)
    rng.shuffle(points)
    split = math.floor(len(points) * perc / 100)
    x_train, y_train = _as_arrays(points[:split])
    x_test, y_test = _as_arrays(points[split:])
    return TfpData(seed, dataset, noise, perc, x_train, y_train, x_test, y_test, rng)


def tfp_initial_weights(
    rng: TfpRandom, layer_sizes: Any, *, init_zero: bool = False
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Draw TFP's first weights: ``Math.random() - 0.5`` a link, bias 0.1 (src/nn.ts:25, 161).

    So each weight is uniform on [-0.5, 0.5). TFP creates the links layer by layer; within a
    layer, node by node (top first), one link from each node of the layer below (top first);
    each link takes one draw. Call it right after `tfp_data` with that record's `rng` to get
    the weights of a page load.

    Args:
        rng: the stream to draw from (it advances by one draw per link).
        layer_sizes: the sizes from the inputs to the output, e.g. ``[2, 4, 2, 1]``; the
            input layer may have 0 nodes (TFP allows no feature).
        init_zero: TFP's ``initZero``: every weight and bias 0. The draws are taken all the
            same (TFP draws each link's weight before zeroing it), so the stream ends where
            it would without it.

    Returns:
        One ``(kernel, bias)`` per layer after the inputs, in Keras' layout: kernel of shape
        (n_in, n_out), bias of shape (n_out,), float64. Link i -> j of a layer is
        ``kernel[i, j]``.
    """
    rng = check_instance("rng", rng, TfpRandom, "a TfpRandom stream, e.g. TfpRandom('0.48213')")
    init_zero = check_bool("init_zero", init_zero)
    sizes = check_int_list("layer_sizes", layer_sizes, low=0, high=64, min_len=2, max_len=10)
    if 0 in sizes[1:]:
        raise ValueError(
            "Received an invalid value for `layer_sizes`, expected at least 1 node in every "
            "layer after the inputs (only the inputs may have 0). "
            f"Received: layer_sizes={layer_sizes!r}"
        )
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False):
        drawn = np.array(
            [[rng.random() - 0.5 for _ in range(n_in)] for _ in range(n_out)], dtype=np.float64
        )
        kernel = drawn.reshape(n_out, n_in).T.copy()
        if init_zero:
            weights.append((np.zeros_like(kernel), np.zeros(n_out)))
        else:
            weights.append((kernel, np.full(n_out, 0.1)))
    return weights

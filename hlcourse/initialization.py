"""The spread of a signal through a deep stack of Dense layers at initialization (lesson 07).

`layer_activations` pushes a batch of standardized inputs through ``depth`` Dense layers of
``width`` units (biases 0) whose weights a real Keras initializer draws, and measures each
layer's spread. It is a forward pass and nothing else: no model is built and nothing trains,
so it answers in milliseconds (the matrix products are NumPy's; the weights are exactly what
``keras.layers.Dense(width, kernel_initializer=...)`` would start with, and the course's tests
check the outputs against such a Keras stack).

The variance argument it checks (Glorot and Bengio 2010, section 4.2.1; He et al. 2015,
section 2.2; d2l.ai section 5.4.2): a unit computes ``z = w_1 h_1 + ... + w_n h_n`` over its
``n = fan_in`` inputs, with weights of mean 0 drawn independently of each other and of the
inputs, so

    Var(z) = fan_in * Var(w) * E[h**2]

where ``h`` is the layer below's output (the input itself for the first layer). Each result
holds both sides: the measured spread of every layer and the spread this formula predicts
from the layer below.

    >>> spreads = layer_activations(10, 256, "he_normal", "relu", seed=0)
    >>> spreads.pre_std.round(1)[:3]        # He keeps the spread of z near sqrt(2)
    array([1.4, 1.4, 1.4])

Nothing heavy happens at import: Keras loads on the first call.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _validate as v

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LayerSpreads",
    "layer_activations",
    "weight_std",
]

INITIALIZERS = {
    "RandomNormal(0.05)": ("RandomNormal", {"mean": 0.0, "stddev": 0.05}),
    "RandomNormal(1.0)": ("RandomNormal", {"mean": 0.0, "stddev": 1.0}),
    "glorot_uniform": ("GlorotUniform", {}),
    "glorot_normal": ("GlorotNormal", {}),
    "lecun_normal": ("LecunNormal", {}),
    "he_normal": ("HeNormal", {}),
}
"""The initializers offered by name: ``RandomNormal(0.05)`` is ``keras.initializers.RandomNormal()``
with its default standard deviation 0.05; ``RandomNormal(1.0)`` draws from N(0, 1);
``glorot_uniform`` is the default of Keras' Dense layer; the normal variance-scaling ones draw
from a normal distribution cut at two standard deviations and scaled so that the standard
deviation after the cut is the one their formula gives."""

ACTIVATIONS = ("tanh", "relu", "linear", "sigmoid")
"""Activations of the hidden layers."""

MAX_DEPTH, MAX_WIDTH, MAX_SAMPLES, MAX_GAIN, MAX_SEED = 100, 2048, 20_000, 100.0, 1_000_000
SEED_STRIDE = 1000  # layer k of a stack with seed s draws its weights with seed s * 1000 + k
# Kernels drawn for a named initializer are kept (float32): the initialization explorer asks for
# the same ones at every change. 256 kernels of 256 x 256 take 64 MB at most.
KERNEL_CACHE = 256
# Of a normal distribution cut at two standard deviations, the standard deviation left: what
# Keras' TruncatedNormal keeps (VarianceScaling divides by this number to make up for the cut).
TRUNCATED_STD = 0.87962566103423978


@dataclass(frozen=True)
class LayerSpreads:
    """What `layer_activations` measured, one entry per layer (layer 1 first).

    Attributes:
        initializer: the initializer's name (or its class name, for an initializer object).
        activation: the hidden layers' activation.
        gain: the factor every weight was multiplied by.
        width: units per layer; every layer has ``width`` inputs too (fan_in = fan_out).
        weight_std: the standard deviation of the weights the initializer aims at, times
            `gain` (what the variance argument uses).
        outputs: each layer's outputs ``h = f(z)``, arrays of shape ``(n_samples, width)``,
            float32 (a value beyond float32's range is stored as infinity).
        pre_std: the measured standard deviation of each layer's pre-activations ``z``,
            over all samples and units, shape ``(depth,)``.
        out_std: the same for the outputs ``h``.
        predicted_std: the spread of ``z`` the variance argument predicts from the layer
            below, ``sqrt(width * weight_std**2 * E[h_below**2])``, with ``E[h_below**2]``
            measured (the input's for layer 1); shape ``(depth,)``.
        chained_std: the spread of ``z`` predicted from the input alone, where a closed
            form exists: linear layers multiply Var(z) by ``width * weight_std**2`` each,
            ReLU layers by half that after the first (ReLU keeps half the second moment of a
            symmetric z). NaN for tanh and sigmoid, whose factor depends on the spread itself.
    """

    initializer: str
    activation: str
    gain: float
    width: int
    weight_std: float
    outputs: tuple[np.ndarray, ...]
    pre_std: np.ndarray
    out_std: np.ndarray
    predicted_std: np.ndarray
    chained_std: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.pre_std)

    @property
    def label(self) -> str:
        """A short name for legends, e.g. ``"he_normal, relu"`` (with ``× gain`` when not 1)."""
        gain = "" if self.gain == 1.0 else f" × {self.gain:.3g}"
        return f"{self.initializer}{gain}, {self.activation}"


def weight_std(initializer: Any, fan_in: int, fan_out: int) -> float:
    """The standard deviation of the weights an initializer draws for a layer of this shape.

    Read from the initializer's own settings, as Keras' `VarianceScaling` computes it: for
    ``scale`` and ``mode``, ``sqrt(scale / n)`` with n = fan_in, fan_out or their mean,
    whatever the distribution (the truncated normal is widened to make up for the cut);
    ``RandomNormal``: its ``stddev``; ``TruncatedNormal``: its ``stddev`` times 0.8796 (what is
    left after the cut at two standard deviations); ``RandomUniform(-a, a)``: ``a / sqrt(3)``.

    Args:
        initializer: a name of `INITIALIZERS` or a Keras initializer object of one of those
            kinds, with mean 0.
        fan_in: inputs of the layer, 1 to 100,000.
        fan_out: units of the layer, 1 to 100,000.

    Returns:
        The standard deviation, a float.
    """
    fan_in = v.check_int("fan_in", fan_in, low=1, high=100_000)
    fan_out = v.check_int("fan_out", fan_out, low=1, high=100_000)
    _, made = _initializer(initializer, seed=0)
    return _weight_std(made, fan_in, fan_out)


def layer_activations(
    depth: int,
    width: int,
    initializer: Any,
    activation: str,
    *,
    gain: float = 1.0,
    n_samples: int = 256,
    seed: int = 0,
) -> LayerSpreads:
    """Push standardized inputs through `depth` Dense layers at initialization; measure spreads.

    The inputs are ``n_samples`` rows of ``width`` independent standard-normal numbers (mean 0,
    variance 1, as standardized features). Layer k (k = 1, 2, ...) computes ``z = h W_k``
    (biases start at 0) and ``h = f(z)``; ``W_k`` of shape ``(width, width)`` is drawn by the
    initializer with the seed ``seed * 1000 + k - 1`` and multiplied by `gain`. The same
    arguments always give the same numbers.

    Args:
        depth: number of layers, 1 to 100.
        width: units per layer (and inputs), 2 to 2,048.
        initializer: a name of `INITIALIZERS` (e.g. ``"he_normal"``) or a Keras initializer
            object with mean 0: ``RandomNormal``, ``TruncatedNormal``, ``RandomUniform`` (from
            -a to a) or a ``VarianceScaling`` one (Glorot, He, LeCun). Its own seed is replaced.
        activation: one of `ACTIVATIONS`.
        gain: factor on every weight, greater than 0 and at most 100 (Var(w) grows by
            ``gain**2``; Keras' ``VarianceScaling(scale=...)`` calls ``gain**2`` its scale).
        n_samples: rows of the input batch, 2 to 20,000.
        seed: seed of the inputs and the weights, 0 to 1,000,000.

    Returns:
        A `LayerSpreads` with each layer's outputs, measured spreads and predicted spreads.
    """
    depth = v.check_int("depth", depth, low=1, high=MAX_DEPTH)
    width = v.check_int("width", width, low=2, high=MAX_WIDTH)
    activation = v.check_choice("activation", activation, ACTIVATIONS)
    gain = v.check_number("gain", gain, low=0, high=MAX_GAIN, low_open=True)
    n_samples = v.check_int("n_samples", n_samples, low=2, high=MAX_SAMPLES)
    seed = v.check_int("seed", seed, low=0, high=MAX_SEED)
    name, made = _initializer(initializer, seed=0)
    std = gain * _weight_std(made, width, width)
    kernels = [_kernel(initializer, width, seed * SEED_STRIDE + k) * gain for k in range(depth)]
    x = np.random.default_rng(seed).standard_normal((n_samples, width))
    return _forward(name, activation, gain, std, x, kernels)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _initializer(initializer: Any, *, seed: int) -> tuple[str, Any]:
    """(name, a Keras initializer object with this seed) for a name or an object."""
    import keras

    if isinstance(initializer, str):
        name = v.check_choice("initializer", initializer, INITIALIZERS)
        class_name, config = INITIALIZERS[name]
        return name, getattr(keras.initializers, class_name)(**config, seed=seed)
    expected = (
        f"one of {', '.join(repr(k) for k in INITIALIZERS)}, or a Keras RandomNormal, "
        "TruncatedNormal, RandomUniform or VarianceScaling initializer"
    )
    kinds = (
        keras.initializers.RandomNormal,
        keras.initializers.TruncatedNormal,
        keras.initializers.RandomUniform,
        keras.initializers.VarianceScaling,
    )
    if not isinstance(initializer, kinds):
        error = ValueError if isinstance(initializer, keras.initializers.Initializer) else TypeError
        v.fail("initializer", expected, initializer, error=error,
                hint="The variance argument needs weights drawn at random with mean 0")  # fmt: skip
    if isinstance(initializer, keras.initializers.RandomUniform):
        centred = float(initializer.minval) == -float(initializer.maxval)
    else:
        centred = float(getattr(initializer, "mean", 0.0)) == 0.0
    if not centred:
        v.fail("initializer", "an initializer whose weights have mean 0", initializer,
                hint="Use mean=0.0 (RandomUniform: minval=-maxval)")  # fmt: skip
    config = {**initializer.get_config(), "seed": seed}
    return type(initializer).__name__, type(initializer).from_config(config)


def _weight_std(made: Any, fan_in: int, fan_out: int) -> float:
    import keras

    if isinstance(made, keras.initializers.VarianceScaling):
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
        return math.sqrt(made.scale / max(1.0, n[made.mode]))
    if isinstance(made, keras.initializers.TruncatedNormal):
        return float(made.stddev) * TRUNCATED_STD
    if isinstance(made, keras.initializers.RandomUniform):
        return float(made.maxval) / math.sqrt(3.0)
    return float(made.stddev)


def _kernel(initializer: Any, width: int, seed: int) -> np.ndarray:
    """One ``(width, width)`` kernel, float64, as the initializer draws it with this seed."""
    if isinstance(initializer, str):
        return _named_kernel(initializer, width, seed).astype(np.float64)
    return _draw(initializer, width, seed).astype(np.float64)


@functools.lru_cache(maxsize=KERNEL_CACHE)
def _named_kernel(name: str, width: int, seed: int) -> np.ndarray:
    kernel = _draw(name, width, seed)
    kernel.flags.writeable = False  # shared by every caller
    return kernel


def _draw(initializer: Any, width: int, seed: int) -> np.ndarray:
    import keras

    _, made = _initializer(initializer, seed=seed)
    return np.asarray(keras.ops.convert_to_numpy(made((width, width))), dtype=np.float32)


def _apply(activation: str, z: np.ndarray) -> np.ndarray:
    """Keras' activation, in NumPy (the same functions: the tests compare them)."""
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # 1 / (1 + e^-z), without overflow
    return z


def _forward(
    name: str, activation: str, gain: float, std: float, x: np.ndarray, kernels: list
) -> LayerSpreads:
    """Run the stack on `x` with these (already scaled) kernels and measure it."""
    width = x.shape[1]
    outputs, pre_std, out_std, predicted = [], [], [], []
    h = x
    with np.errstate(over="ignore", invalid="ignore"):
        for kernel in kernels:
            second_moment = float(np.mean(np.square(h)))
            predicted.append(math.sqrt(width * std**2 * second_moment))
            z = h @ kernel
            h = _apply(activation, z)
            pre_std.append(float(np.std(z)))
            out_std.append(float(np.std(h)))
            outputs.append(h.astype(np.float32))
        chained = _chained(activation, width * std**2, float(np.mean(np.square(x))), len(kernels))
    return LayerSpreads(
        initializer=name,
        activation=activation,
        gain=float(gain),
        width=width,
        weight_std=float(std),
        outputs=tuple(outputs),
        pre_std=np.array(pre_std),
        out_std=np.array(out_std),
        predicted_std=np.array(predicted),
        chained_std=chained,
    )


def _chained(activation: str, factor: float, input_moment: float, depth: int) -> np.ndarray:
    """Var(z) of each layer from the input's second moment, where a closed form exists."""
    if activation not in ("linear", "relu"):
        return np.full(depth, np.nan)
    later = factor / 2 if activation == "relu" else factor
    variance = factor * input_moment * later ** np.arange(depth, dtype=np.float64)
    return np.sqrt(variance)

"""hlcourse.activations: Keras' activations and their slopes, saturation, dead units and the
zero-centring point, measured on one Dense layer read through the probe.

Margins come from a sweep over seeds 0-4 (64 units, 512 samples, defaults):
tanh's saturated share was 0.000 at input scale 0.5 for every seed and 0.659-0.666 at scale 5
(0.027-0.032 at 1, 0.273-0.278 at 2, 0.824-0.830 at 10); at scale 1 the output means were
tanh -0.008 to 0.002, sigmoid 0.498 to 0.501, relu 0.395 to 0.399; with every bias at -5 all
64 ReLU units were dead for every seed, with biases at 0 none.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from hlcourse import activations
from hlcourse.activations import (
    ACTIVATIONS,
    activation_values,
    dead_unit_share,
    dead_units,
    output_statistics,
    saturation_share,
)

SEEDS = range(5)
Z = np.linspace(-6.0, 6.0, 240)  # an even count: 0 itself (a kink for some) is not on it

_erf = np.vectorize(math.erf)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _phi(z):  # the standard normal density
    return np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)


def _closed_forms(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s, t = _sigmoid(z), np.tanh(z)
    cdf = 0.5 * (1 + _erf(z / math.sqrt(2)))
    return {
        "relu": (np.maximum(z, 0), (z > 0).astype(float)),
        "leaky_relu": (np.where(z > 0, z, 0.2 * z), np.where(z > 0, 1.0, 0.2)),
        "elu": (np.where(z > 0, z, np.expm1(z)), np.where(z > 0, 1.0, np.exp(z))),
        "gelu": (z * cdf, cdf + z * _phi(z)),
        "swish": (z * s, s + z * s * (1 - s)),
        "sigmoid": (s, s * (1 - s)),
        "tanh": (t, 1 - t**2),
        "linear": (z, np.ones_like(z)),
    }[name]


# --- activation_values ----------------------------------------------------------------------


def test_every_activation_has_a_closed_form_here():
    assert set(ACTIVATIONS) == {
        "relu", "leaky_relu", "elu", "gelu", "swish", "sigmoid", "tanh", "linear"
    }  # fmt: skip


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_values_and_slopes_match_the_closed_forms(name):
    f, df = activation_values(name, Z)
    f_true, df_true = _closed_forms(name, Z)
    assert f.dtype == df.dtype == np.float64
    # float64 arithmetic, but some constants inside TensorFlow are float32 (leaky_relu's 0.2
    # is 0.2000000030, gelu's 1/sqrt(2) too): agreement to about 1e-7, relative.
    np.testing.assert_allclose(f, f_true, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(df, df_true, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_values_are_what_keras_layers_compute(name):
    import keras

    f, _ = activation_values(name, Z)
    layer_like = np.asarray(keras.activations.get(name)(Z.astype(np.float32)))
    np.testing.assert_allclose(f, layer_like, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("name", "slope_at_zero"),
    [("relu", 0.0), ("leaky_relu", 0.2), ("elu", 1.0), ("gelu", 0.5), ("swish", 0.5),
     ("sigmoid", 0.25), ("tanh", 1.0), ("linear", 1.0)],
)  # fmt: skip
def test_slopes_at_zero_follow_tensorflows_conventions(name, slope_at_zero):
    _, df = activation_values(name, 0.0)
    assert df.shape == ()
    assert float(df) == pytest.approx(slope_at_zero)


def test_shapes_are_kept():
    z = np.arange(-3.0, 3.0).reshape(2, 3)
    f, df = activation_values("tanh", z)
    assert f.shape == df.shape == (2, 3)
    assert activation_values("relu", [])[0].shape == (0,)


# --- saturation_share -----------------------------------------------------------------------


def test_saturation_share_counts_flat_slopes():
    z = np.array([-10.0, -0.5, 0.5, 10.0])
    assert saturation_share("tanh", z) == 0.5  # the two large values
    assert saturation_share("sigmoid", z) == 0.5
    assert saturation_share("relu", z) == 0.5  # z < 0: zero gradient for that input
    assert saturation_share("linear", z) == 0.0
    assert saturation_share("leaky_relu", z) == 0.0  # slope 0.2 is below no default threshold
    assert saturation_share("leaky_relu", z, threshold=0.5) == 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_tanh_saturates_more_as_the_inputs_grow(seed):
    shares = [
        output_statistics("tanh", scale, seed=seed)["saturated"] for scale in (0.5, 1, 2, 5, 10)
    ]
    assert shares == sorted(shares)
    assert shares[0] <= 0.01  # sweep: 0.000 for every seed
    assert shares[3] >= 0.55  # sweep: 0.659 to 0.666


# --- dead_units -----------------------------------------------------------------------------


def test_dead_units_are_columns_of_zeros():
    outputs = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert dead_units(outputs) == pytest.approx(1 / 3)
    assert dead_units(np.zeros((4, 2))) == 1.0
    assert dead_units(np.ones((4, 2))) == 0.0


@pytest.mark.parametrize("seed", SEEDS)
def test_a_large_negative_bias_kills_relu_units(seed):
    assert output_statistics("relu", 1.0, seed=seed, bias=-5.0)["dead"] >= 0.9  # sweep: 1.0
    assert output_statistics("relu", 1.0, seed=seed)["dead"] == 0.0  # sweep: 0.0


def test_saturation_for_relu_is_not_death():
    stats = output_statistics("relu", 1.0)
    assert 0.4 < stats["saturated"] < 0.6  # half the (sample, unit) pairs have z < 0 ...
    assert stats["dead"] == 0.0  # ... but no unit has z < 0 for every sample


# --- dead_unit_share ------------------------------------------------------------------------


def _relu_net(hidden=(3, 4)):
    from hlcourse.models import build_dense_network

    return build_dense_network(2, hidden, activation="relu")


def test_dead_unit_share_counts_units_that_never_fire(keras_fresh):
    model = _relu_net()
    x = np.random.default_rng(0).normal(size=(50, 2)).astype("float32")
    assert dead_unit_share(model, x)["hidden_1"] == 0.0  # centred inputs switch every unit on
    first = model.get_layer("hidden_1")
    kernel = first.kernel.numpy()
    kernel[:, 0] = 0.0
    first.kernel.assign(kernel)
    first.bias.assign(np.array([-1.0, 0.0, 0.0], np.float32))  # unit 0: z = -1 for every input
    model.get_layer("hidden_2").bias.assign(np.full(4, -100.0, np.float32))  # all of hidden_2
    shares = dead_unit_share(model, x)
    assert list(shares) == ["hidden_1", "hidden_2"]
    assert shares == {"hidden_1": pytest.approx(1 / 3), "hidden_2": 1.0}
    assert dead_unit_share(model, x, layers="hidden_1") == {"hidden_1": pytest.approx(1 / 3)}


def test_dead_unit_share_agrees_with_dead_units_on_the_probed_outputs(keras_fresh):
    from hlcourse import probe

    model = _relu_net(hidden=(8, 8, 8))
    model.get_layer("hidden_2").bias.assign(np.linspace(-3, 0, 8).astype("float32"))
    x = np.random.default_rng(1).normal(size=(40, 2)).astype("float32")
    outputs = probe.hidden_activations(model, x)
    assert dead_unit_share(model, x) == {name: dead_units(out) for name, out in outputs.items()}


def test_a_dead_unit_depends_on_the_inputs(keras_fresh):
    # z = x1 - 1: off for inputs below 1, on for the others; dead only on a batch of the former.
    model = _relu_net(hidden=(1,))
    layer = model.get_layer("hidden_1")
    layer.kernel.assign(np.array([[1.0], [0.0]], np.float32))
    layer.bias.assign(np.array([-1.0], np.float32))
    low = np.array([[0.0, 5.0], [0.5, -5.0]], np.float32)
    assert dead_unit_share(model, low) == {"hidden_1": 1.0}
    assert dead_unit_share(model, np.vstack([low, [[2.0, 0.0]]])) == {"hidden_1": 0.0}


def test_dead_unit_share_counts_channels_of_feature_maps(keras_fresh):
    keras = keras_fresh
    model = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Conv2D(2, 1, activation="relu", name="conv"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(1, name="output"),
        ]
    )
    model.get_layer("conv").kernel.assign(np.ones((1, 1, 1, 2), np.float32))
    model.get_layer("conv").bias.assign(np.array([-100.0, 0.0], np.float32))
    x = np.random.default_rng(2).uniform(0.1, 1.0, size=(3, 4, 4, 1)).astype("float32")
    assert dead_unit_share(model, x, layers="conv") == {"conv": 0.5}


def test_dead_unit_share_with_batch_norm_names_the_activation_layers(keras_fresh):
    from hlcourse.models import build_dense_network

    model = build_dense_network(2, (4, 4), activation="relu", batch_norm=True)
    model.get_layer("hidden_2_act")  # the names the docstring tells learners to pass
    x = np.random.default_rng(3).normal(size=(30, 2)).astype("float32")
    shares = dead_unit_share(model, x, layers=["hidden_1_act", "hidden_2_act"])
    assert list(shares) == ["hidden_1_act", "hidden_2_act"]
    assert all(0.0 <= share <= 1.0 for share in shares.values())


# --- output_statistics ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_only_tanh_is_zero_centred(seed):
    tanh = output_statistics("tanh", 1.0, seed=seed)
    sigmoid = output_statistics("sigmoid", 1.0, seed=seed)
    relu = output_statistics("relu", 1.0, seed=seed)
    assert abs(tanh["mean"]) < 0.03  # sweep: -0.008 to 0.002
    assert abs(sigmoid["mean"] - 0.5) < 0.02  # sweep: 0.498 to 0.501
    assert relu["mean"] > 0.3  # sweep: 0.395 to 0.399
    assert sigmoid["outputs"].min() > 0 and relu["outputs"].min() == 0


def test_output_statistics_reads_the_layer_through_the_probe(monkeypatch):
    from hlcourse import probe

    calls = []
    real = probe.hidden_activations

    def spy(model, x, **kwargs):
        result = real(model, x, **kwargs)
        calls.append((model, x, kwargs, result))
        return result

    monkeypatch.setattr(probe, "hidden_activations", spy)
    stats = output_statistics("elu", 2.0, units=8, samples=30, seed=3)
    assert len(calls) == 1
    model, x, kwargs, result = calls[0]
    assert kwargs == {"layers": "hidden_1"}
    assert model.get_layer("hidden_1").activation.__name__ == "elu"
    assert stats["outputs"] is result["hidden_1"]
    # ... and what the probe saw is the activation of the pre-activations, by hand.
    np.testing.assert_allclose(x, 2.0 * np.random.default_rng(3).standard_normal((30, 8)), 1e-6)
    by_hand = activation_values("elu", stats["pre_activations"])[0]
    np.testing.assert_allclose(stats["outputs"], by_hand, rtol=1e-5, atol=1e-5)


def test_output_statistics_shapes_and_numbers_agree():
    stats = output_statistics("sigmoid", 1.5, units=16, samples=100, seed=7)
    assert set(stats) == {"mean", "std", "saturated", "dead", "outputs", "pre_activations"}
    assert stats["outputs"].shape == stats["pre_activations"].shape == (100, 16)
    assert stats["pre_activations"].dtype == np.float64
    assert stats["mean"] == pytest.approx(float(np.mean(stats["outputs"])), rel=1e-6)
    assert stats["std"] == pytest.approx(float(np.std(stats["outputs"])), rel=1e-5)
    assert stats["saturated"] == saturation_share("sigmoid", stats["pre_activations"])


def test_glorot_keeps_the_pre_activations_at_the_input_scale():
    for scale in (0.3, 3.0):
        z = output_statistics("linear", scale)["pre_activations"]
        assert z.std() == pytest.approx(scale, rel=0.1)


def test_output_statistics_is_deterministic_for_a_seed():
    first = output_statistics("gelu", 1.0, units=8, samples=50, seed=1)
    again = output_statistics("gelu", 1.0, units=8, samples=50, seed=1)
    other = output_statistics("gelu", 1.0, units=8, samples=50, seed=2)
    np.testing.assert_array_equal(first["outputs"], again["outputs"])
    assert first["mean"] == again["mean"]
    assert not np.array_equal(first["outputs"], other["outputs"])


def test_the_explorers_cached_layer_is_the_same_layer():
    z = output_statistics("tanh", 2.5, units=8, samples=40, seed=4)["pre_activations"]
    cached = activations.unit_pre_activations(8, 40, 4)
    np.testing.assert_allclose(2.5 * cached, z, rtol=1e-12, atol=1e-12)


def test_importing_loads_no_tensorflow():
    code = (
        "import sys, hlcourse.activations, hlcourse.widgets.activation_explorer; "
        "print(sorted({'tensorflow', 'keras'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- bad input ------------------------------------------------------------------------------


def _models():
    from hlcourse.models import build_dense_network

    return (
        build_dense_network(2, (3,), name="bad_input_relu_net"),
        build_dense_network(2, (), name="bad_input_no_hidden_net"),
    )


_NET, _NO_HIDDEN = _models()

BAD = [
    (activation_values, ("ReLU", [0.0]), {}, ValueError, "Did you mean 'relu'"),
    (activation_values, ("softmax", [0.0]), {}, ValueError, "expected one of 'relu'"),
    (activation_values, (None, [0.0]), {}, TypeError, "name=None"),
    (activation_values, ("tanh", "abc"), {}, TypeError, "array of finite numbers"),
    (activation_values, ("tanh", None), {}, TypeError, "z=None"),
    (activation_values, ("tanh", True), {}, TypeError, "z=True"),
    (activation_values, ("tanh", ["a", "b"]), {}, TypeError, "dtype"),
    (activation_values, ("tanh", [[1.0], [1.0, 2.0]]), {}, TypeError, "could not read"),
    (activation_values, ("tanh", [1j]), {}, TypeError, "real numbers"),
    (activation_values, ("tanh", [0.0, np.nan]), {}, ValueError, "1 NaN or infinite"),
    (activation_values, ("tanh", np.inf), {}, ValueError, "NaN or infinite"),
    (saturation_share, ("tanh", []), {}, ValueError, "at least one value"),
    (saturation_share, ("tanh", [1.0]), {"threshold": 0}, ValueError, "threshold=0"),
    (saturation_share, ("tanh", [1.0]), {"threshold": 2}, ValueError, "0 (exclusive) to 1"),
    (saturation_share, ("tanh", [1.0]), {"threshold": "low"}, TypeError, "threshold='low'"),
    (saturation_share, ("tahn", [1.0]), {}, ValueError, "name='tahn'"),
    (dead_units, (np.zeros(5),), {}, ValueError, "(n_samples, n_units)"),
    (dead_units, (np.zeros((2, 2, 2)),), {}, ValueError, "activations.shape=(2, 2, 2)"),
    (dead_units, (np.zeros((0, 3)),), {}, ValueError, "at least one value"),
    (dead_units, (None,), {}, TypeError, "activations=None"),
    (output_statistics, ("tanh", 0), {}, ValueError, "input_scale=0"),
    (output_statistics, ("tanh", -1.0), {}, ValueError, "from 0 (exclusive) to 1000"),
    (output_statistics, ("tanh", 1e4), {}, ValueError, "input_scale=10000.0"),
    (output_statistics, ("tanh", "big"), {}, TypeError, "input_scale='big'"),
    (output_statistics, ("Tanh", 1.0), {}, ValueError, "Did you mean 'tanh'"),
    (output_statistics, ("tanh", 1.0), {"units": 0}, ValueError, "units=0"),
    (output_statistics, ("tanh", 1.0), {"units": 8.0}, TypeError, "units=8.0"),
    (output_statistics, ("tanh", 1.0), {"samples": 0}, ValueError, "samples=0"),
    (output_statistics, ("tanh", 1.0), {"seed": -1}, ValueError, "seed=-1"),
    (output_statistics, ("tanh", 1.0), {"bias": math.nan}, ValueError, "bias=nan"),
    (output_statistics, ("tanh", 1.0), {"bias": "-5"}, TypeError, "bias='-5'"),
    (dead_unit_share, ("model", np.zeros((3, 2))), {}, TypeError, "model='model'"),
    (dead_unit_share, (_NET, "x"), {}, TypeError, "x='x'"),
    (dead_unit_share, (_NET, np.zeros((3, 5))), {}, ValueError, "(n_samples, 2)"),
    (dead_unit_share, (_NET, np.zeros((0, 2))), {}, ValueError, "at least one sample"),
    (dead_unit_share, (_NET, np.zeros((3, 2))), {"layers": 1.5}, TypeError, "layers=1.5"),
    (dead_unit_share, (_NET, np.zeros((3, 2))), {"layers": "nope"}, ValueError, "'nope'"),
    (dead_unit_share, (_NO_HIDDEN, np.zeros((3, 2))), {}, ValueError, "at least one hidden"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "error", "fragment"),
    BAD,
    ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(BAD)],
)
def test_bad_input_gets_a_clear_error(function, args, kwargs, error, fragment):
    with pytest.raises(error) as caught:
        function(*args, **kwargs)
    message = str(caught.value)
    assert fragment in message
    assert "Received" in message

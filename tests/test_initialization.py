"""Tests for hlcourse.initialization: the NumPy stack computes what a Keras Dense stack computes,
the weights are Keras' own, and the variance argument's predictions match the measurements."""

from __future__ import annotations

import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import initialization  # noqa: E402
from hlcourse.initialization import (  # noqa: E402
    ACTIVATIONS,
    INITIALIZERS,
    LayerSpreads,
    layer_activations,
    weight_std,
)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("initializer", ["glorot_uniform", "RandomNormal(1.0)"])
def test_the_stack_computes_what_keras_dense_layers_compute(initializer, activation):
    depth, width, seed = 3, 8, 5
    spreads = layer_activations(depth, width, initializer, activation, n_samples=16, seed=seed)
    class_name, config = INITIALIZERS[initializer]
    layers = [
        keras.layers.Dense(
            width,
            activation=activation,
            kernel_initializer=getattr(keras.initializers, class_name)(
                **config, seed=seed * initialization.SEED_STRIDE + k
            ),
        )
        for k in range(depth)
    ]
    model = keras.Sequential([keras.Input((width,)), *layers])
    x = np.random.default_rng(seed).standard_normal((16, width))
    h = x.astype(np.float32)
    for layer, ours in zip(model.layers, spreads.outputs, strict=True):
        h = layer(h).numpy()
        np.testing.assert_allclose(ours, h, rtol=1e-4, atol=1e-5)


def test_the_result_holds_one_entry_per_layer_and_is_repeatable():
    spreads = layer_activations(4, 16, "he_normal", "relu", n_samples=32, seed=1)
    assert isinstance(spreads, LayerSpreads)
    assert spreads.depth == 4 and len(spreads.outputs) == 4
    assert all(o.shape == (32, 16) and o.dtype == np.float32 for o in spreads.outputs)
    for name in ("pre_std", "out_std", "predicted_std", "chained_std"):
        assert getattr(spreads, name).shape == (4,)
    again = layer_activations(4, 16, "he_normal", "relu", n_samples=32, seed=1)
    np.testing.assert_array_equal(spreads.pre_std, again.pre_std)
    other = layer_activations(4, 16, "he_normal", "relu", n_samples=32, seed=2)
    assert not np.allclose(spreads.pre_std, other.pre_std)
    assert spreads.label == "he_normal, relu"
    assert layer_activations(2, 16, "he_normal", "relu", gain=2.0).label == "he_normal × 2, relu"


@pytest.mark.parametrize(
    ("initializer", "expected"),
    [
        ("RandomNormal(0.05)", 0.05),
        ("RandomNormal(1.0)", 1.0),
        ("glorot_uniform", math.sqrt(2 / (256 + 64))),
        ("glorot_normal", math.sqrt(2 / (256 + 64))),
        ("lecun_normal", math.sqrt(1 / 256)),
        ("he_normal", math.sqrt(2 / 256)),
        (keras.initializers.TruncatedNormal(stddev=1.0), 0.8796256610342398),
        (keras.initializers.RandomUniform(-0.3, 0.3), 0.3 / math.sqrt(3)),
        (keras.initializers.VarianceScaling(scale=3.0, mode="fan_out"), math.sqrt(3 / 64)),
    ],
)
def test_weight_std_is_what_the_drawn_weights_have(initializer, expected):
    assert weight_std(initializer, 256, 64) == pytest.approx(expected, rel=1e-9)
    _, made = initialization._initializer(initializer, seed=3)
    drawn = keras.ops.convert_to_numpy(made((256, 64)))
    assert float(np.std(drawn)) == pytest.approx(expected, rel=0.03)
    assert abs(float(np.mean(drawn))) < 0.05 * expected


def test_keras_normal_variance_scaling_is_cut_at_two_standard_deviations():
    """What the lesson says of glorot_normal / he_normal: a truncated normal, widened first."""
    drawn = keras.ops.convert_to_numpy(keras.initializers.HeNormal(seed=0)((256, 256)))
    wide = math.sqrt(2 / 256) / initialization.TRUNCATED_STD
    assert np.abs(drawn).max() <= 2 * wide + 1e-6
    assert np.abs(drawn).max() > 1.9 * wide


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("initializer", ["RandomNormal(1.0)", "glorot_normal", "he_normal"])
def test_the_variance_argument_predicts_every_layer_from_the_one_below(initializer, activation):
    """Exact on average over draws of the weights; one draw of a 256-unit layer deviates by a
    few percent (most for ReLU and sigmoid, whose outputs share a mean across units)."""
    runs = [layer_activations(10, 256, initializer, activation, seed=seed) for seed in range(4)]
    log_ratios = np.array([np.log(r.pre_std / r.predicted_std) for r in runs])
    assert np.abs(log_ratios).max() < np.log(1.2)
    assert np.abs(log_ratios.mean(axis=0)).max() < 0.06


@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("initializer", ["RandomNormal(1.0)", "glorot_normal", "he_normal"])
def test_the_chained_prediction_follows_the_measurement_for_relu_and_linear(
    initializer, activation
):
    runs = [layer_activations(10, 256, initializer, activation, seed=seed) for seed in range(4)]
    log_ratios = np.array([np.log(r.pre_std / r.chained_std) for r in runs])
    assert np.abs(log_ratios).max() < np.log(1.5)
    assert np.abs(log_ratios.mean(axis=0)).max() < 0.15


def test_the_chained_prediction_is_nan_where_there_is_no_closed_form():
    assert np.isnan(layer_activations(3, 16, "he_normal", "tanh").chained_std).all()


def test_n01_with_256_inputs_multiplies_the_spread_by_16():
    spreads = layer_activations(3, 256, "RandomNormal(1.0)", "linear", n_samples=256, seed=0)
    factors = spreads.pre_std[1:] / spreads.pre_std[:-1]
    np.testing.assert_allclose(factors, 16, rtol=0.05)
    assert spreads.pre_std[0] == pytest.approx(16, rel=0.05)


def test_gain_multiplies_the_weights():
    base = layer_activations(2, 32, "lecun_normal", "linear", n_samples=64, seed=0)
    doubled = layer_activations(2, 32, "lecun_normal", "linear", gain=2.0, n_samples=64, seed=0)
    assert doubled.weight_std == pytest.approx(2 * base.weight_std)
    np.testing.assert_allclose(doubled.pre_std, base.pre_std * np.array([2, 4]), rtol=1e-6)


def test_he_keeps_relu_and_glorot_halves_its_variance():
    he = layer_activations(10, 256, "he_normal", "relu", seed=0)
    glorot = layer_activations(10, 256, "glorot_normal", "relu", seed=0)
    assert 0.8 < he.pre_std[-1] / he.pre_std[0] < 1.25
    assert glorot.pre_std[-1] / glorot.pre_std[0] == pytest.approx(2 ** (-9 / 2), rel=0.2)


def test_an_initializer_object_is_accepted_and_its_seed_replaced():
    made = keras.initializers.RandomNormal(stddev=0.1, seed=123)
    a = layer_activations(2, 16, made, "tanh", seed=0)
    b = layer_activations(2, 16, keras.initializers.RandomNormal(stddev=0.1), "tanh", seed=0)
    np.testing.assert_array_equal(a.outputs[1], b.outputs[1])
    assert a.initializer == "RandomNormal" and a.weight_std == pytest.approx(0.1)


def test_an_overflowing_stack_stores_infinity_and_keeps_its_spreads():
    spreads = layer_activations(20, 64, "RandomNormal(1.0)", "linear", gain=100.0, seed=0)
    assert np.isinf(spreads.outputs[-1]).any()
    assert np.isfinite(spreads.pre_std).all()

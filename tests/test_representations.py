"""Tests for hlcourse.representations: scores checked by hand, projections against PCA, maps
against a NumPy forward pass, and the lesson's claim that separability rises with depth."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import data, representations  # noqa: E402
from hlcourse.models import build_dense_network  # noqa: E402
from hlcourse.representations import (  # noqa: E402
    layer_projections,
    layer_separability,
    neuron_response_maps,
    separability,
)

TOL = {"rtol": 1e-5, "atol": 1e-5}


@pytest.fixture(scope="module")
def digits():
    return data.load_digits(seed=0)


@pytest.fixture(scope="module")
def trained_digits(digits):
    """The lesson's network, 64 -> 32 -> 16 -> 10, trained as the lesson trains it."""
    from hlcourse.training import train_fast

    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)
    model = build_dense_network(64, (32, 16), output="classes", n_outputs=10)
    train_fast(model, digits.x_train, digits.y_train, epochs=30, batch_size=64,
               learning_rate=0.01, seed=0)  # fmt: skip
    return model


@pytest.fixture
def fresh():
    # free_memory=False skips a gc.collect() that costs about 0.3-1 s per call with TF loaded.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def small_net():
    keras.utils.set_random_seed(0)
    return build_dense_network(3, (4, 2), activation="tanh", output="classes", n_outputs=3)


def _x(n: int = 30, d: int = 3, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def _y(n: int = 30, k: int = 3) -> np.ndarray:
    return np.arange(n) % k


# --- separability ------------------------------------------------------------------------------


def test_fisher_score_is_the_share_of_spread_between_class_centres():
    features = np.array([[0.0], [2.0], [10.0], [12.0]])
    # total: mean 6, squares 36 + 16 + 16 + 36 = 104; between: centres 1 and 11, 2 * 25 * 2 = 100
    assert separability(features, [0, 0, 1, 1]) == pytest.approx(100 / 104)


def test_fisher_score_reaches_its_ends():
    on_centres = np.array([[0.0, 1.0], [0.0, 1.0], [5.0, -2.0], [5.0, -2.0]])
    assert separability(on_centres, [0, 0, 1, 1]) == pytest.approx(1.0)
    same_centre = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]])
    assert separability(same_centre, [0, 0, 1, 1]) == pytest.approx(0.0)
    assert separability(np.ones((4, 3)), [0, 1, 0, 1]) == 0.0  # no spread at all


def test_fisher_score_ignores_shifts_and_overall_scale_and_is_exact():
    x, y = _x(), _y()
    score = separability(x, y)
    assert 0.0 <= score <= 1.0
    assert separability(5.0 * x + 3.0, y) == pytest.approx(score, rel=1e-5)
    assert separability(x, y) == score  # no randomness


def test_fisher_score_grows_as_classes_move_apart():
    x, y = _x(90, 2), _y(90)
    scores = [separability(x + gap * y[:, None], y) for gap in (0.0, 1.0, 3.0, 10.0)]
    assert scores == sorted(scores) and scores[-1] > 0.9


def test_linear_score_is_held_out_accuracy_of_a_straight_cut():
    rng = np.random.default_rng(0)
    y = _y(60, 2)
    apart = rng.normal(size=(60, 2)) + 6.0 * y[:, None]
    assert separability(apart, y, method="linear") == 1.0
    noise = rng.normal(size=(60, 5))
    chance = separability(noise, rng.permutation(y), method="linear")
    assert chance < 0.75
    assert separability(noise, rng.permutation(y), method="linear") != 1.0
    assert separability(apart, y, method="linear") == separability(apart, y, method="linear")


def test_linear_score_needs_two_samples_per_class():
    with pytest.raises(ValueError, match="at least 2 samples of every class"):
        separability(_x(5), [0, 0, 0, 0, 1], method="linear")


def test_labels_can_be_floats_holding_whole_numbers_or_a_column():
    x = _x(6)
    expected = separability(x, [0, 1, 2, 0, 1, 2])
    assert separability(x, np.array([0.0, 1.0, 2.0, 0.0, 1.0, 2.0])) == expected
    assert separability(x, np.array([[0], [1], [2], [0], [1], [2]])) == expected


def test_separability_rises_with_depth_in_the_lessons_digits_network(trained_digits, digits):
    scores = layer_separability(trained_digits, digits.x_test, digits.y_test, include_output=True)
    assert list(scores) == ["input", "hidden_1", "hidden_2", "output"]
    # Margins from the sweep over seeds 0-4 (input 0.42-0.45, hidden_1 0.68-0.71,
    # hidden_2 0.77-0.79, output 0.92-0.95).
    assert scores["input"] < 0.5
    assert scores["hidden_1"] > scores["input"] + 0.15
    assert scores["hidden_2"] > scores["hidden_1"] + 0.03
    assert scores["output"] > scores["hidden_2"]


def test_layer_separability_scores_what_separability_scores(small_net):
    from hlcourse.probe import hidden_activations

    x, y = _x(), _y()
    scores = layer_separability(small_net, x, y, include_input=False)
    acts = hidden_activations(small_net, x)
    assert list(scores) == list(acts) == ["hidden_1", "hidden_2"]
    for name, values in acts.items():
        assert scores[name] == pytest.approx(separability(values, y))
    assert list(layer_separability(small_net, x, y, include_output=True)) == [
        "input", "hidden_1", "hidden_2", "output",
    ]  # fmt: skip


# --- projections -------------------------------------------------------------------------------


def test_pca_projection_matches_scikit_learn_up_to_sign(small_net):
    from sklearn.decomposition import PCA

    x = _x(40)
    projections = layer_projections(small_net, x, include_output=True)
    assert list(projections) == ["input", "hidden_1", "hidden_2", "output"]
    reference = PCA(n_components=2).fit_transform(x.astype(np.float64))
    got = projections["input"]
    assert got.shape == (40, 2)
    for column in range(2):
        sign = np.sign(got[:, column] @ reference[:, column])
        np.testing.assert_allclose(got[:, column], sign * reference[:, column], **TOL)
    spread = projections["hidden_1"].var(axis=0)
    assert spread[0] >= spread[1]  # the first axis keeps the most


def test_projections_are_the_same_every_time(small_net):
    x = _x(25)
    first, second = layer_projections(small_net, x), layer_projections(small_net, x)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])


def test_a_single_unit_layer_gets_a_second_coordinate_of_zeros(fresh):
    model = build_dense_network(3, (1,))
    got = layer_projections(model, _x(), include_input=False)["hidden_1"]
    assert got.shape == (30, 2)
    np.testing.assert_array_equal(got[:, 1], 0.0)


def test_lda_uses_the_labels_and_needs_three_classes(small_net):
    x, y = _x(60), _y(60)
    got = layer_projections(small_net, x, y, method="lda")
    assert {k: v.shape for k, v in got.items()} == {
        "input": (60, 2), "hidden_1": (60, 2), "hidden_2": (60, 2),
    }  # fmt: skip
    with pytest.raises(ValueError, match="class labels when method='lda'"):
        layer_projections(small_net, x, method="lda")
    with pytest.raises(ValueError, match="fewer than 3 classes"):
        layer_projections(small_net, x, y % 2, method="lda")


# --- neuron maps -------------------------------------------------------------------------------


def test_neuron_maps_hold_every_units_output_over_the_plane(fresh):
    model = build_dense_network(2, (3, 2), activation="tanh")
    maps = neuron_response_maps(model, "hidden_1", bounds=(-1.0, 2.0, -3.0, 1.0), resolution=7)
    assert maps.shape == (3, 7, 7) and maps.dtype == np.float32
    x1, x2 = np.linspace(-1.0, 2.0, 7), np.linspace(-3.0, 1.0, 7)
    layer = model.get_layer("hidden_1")
    w, b = layer.kernel.numpy(), layer.bias.numpy()
    for i, j in [(0, 0), (0, 6), (6, 0), (3, 5)]:  # row i: x2, column j: x1
        by_hand = np.tanh(np.array([x1[j], x2[i]]) @ w + b)
        np.testing.assert_allclose(maps[:, i, j], by_hand, **TOL)


def test_neuron_maps_pick_layers_by_position_among_hidden_ones(fresh):
    model = build_dense_network(2, (3, 2), activation="tanh")
    bounds = (-1, 1, -1, 1)
    first = neuron_response_maps(model, bounds=bounds, resolution=5)
    np.testing.assert_array_equal(
        first, neuron_response_maps(model, 0, bounds=bounds, resolution=5)
    )
    assert neuron_response_maps(model, -1, bounds=bounds, resolution=5).shape == (2, 5, 5)
    assert neuron_response_maps(model, "output", bounds=bounds, resolution=5).shape == (1, 5, 5)


def test_neuron_maps_work_for_a_subclassed_model(fresh):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4, activation="relu", name="hid")
            self.out = keras.layers.Dense(1, name="out")

        def call(self, x):
            return self.out(self.hidden(x))

    model = Net()
    model(np.zeros((1, 2), np.float32))
    maps = neuron_response_maps(model, "hid", bounds=(-1, 1, -1, 1), resolution=6)
    assert maps.shape == (4, 6, 6) and maps.min() >= 0.0


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"features": "abc"}, TypeError, "features='abc'"),
        ({"features": np.zeros(4)}, ValueError, "features.reshape(-1, 1)"),
        ({"features": [[np.nan], [1], [2], [3]]}, ValueError, "finite"),
        ({"y": None}, TypeError, "class labels"),
        ({"y": ["a", "b", "a", "b"]}, TypeError, "whole numbers"),
        ({"y": [0, 1, 0]}, ValueError, "one label per row of features"),
        ({"y": [0, 0, 0, 0]}, ValueError, "at least two classes"),
        ({"y": [0.5, 1, 0, 1]}, ValueError, "whole numbers"),
        ({"y": np.zeros((4, 2))}, ValueError, "y.argmax(axis=1)"),
        ({"method": "svm"}, ValueError, "'fisher', 'linear'"),
        ({"method": 1}, TypeError, "method=1"),
    ],
)
def test_separability_rejects_bad_arguments(kwargs, error, fragment):
    arguments = {"features": np.arange(8.0).reshape(4, 2), "y": [0, 1, 0, 1], **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        separability(arguments.pop("features"), arguments.pop("y"), **arguments)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "fragment"),
    [
        (layer_separability, {"model": None}, TypeError, "expected a Keras model"),
        (layer_separability, {"x": np.zeros((4, 2))}, ValueError, "x.shape=(4, 2)"),
        (layer_separability, {"y": [0, 1]}, ValueError, "one label per row of x"),
        (layer_separability, {"method": "pca"}, ValueError, "method='pca'"),
        (layer_separability, {"include_input": 1}, TypeError, "True or False"),
        (layer_separability, {"include_output": "no"}, TypeError, "True or False"),
        (layer_projections, {"model": "net"}, TypeError, "model='net'"),
        (layer_projections, {"x": "data"}, TypeError, "x='data'"),
        (layer_projections, {"y": [1, 1, 1, 1]}, ValueError, "at least two classes"),
        (layer_projections, {"method": "tsne"}, ValueError, "'pca', 'lda'"),
        (layer_projections, {"method": None}, TypeError, "method=None"),
        (layer_projections, {"include_input": None}, TypeError, "True or False"),
        (layer_projections, {"include_output": 0}, TypeError, "True or False"),
    ],
)
def test_layer_functions_reject_bad_arguments(small_net, function, kwargs, error, fragment):
    arguments = {"model": small_net, "x": _x(4), "y": [0, 1, 2, 0], **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        function(arguments.pop("model"), arguments.pop("x"), arguments.pop("y"), **arguments)
    assert fragment in str(info.value)


def test_layer_functions_refuse_a_model_with_nothing_to_show(fresh):
    model = build_dense_network(3, ())
    with pytest.raises(ValueError, match="at least one hidden layer"):
        layer_separability(model, _x(4), [0, 1, 0, 1], include_input=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"model": 3}, TypeError, "model=3"),
        ({"layer": "nope"}, ValueError, "layer='nope'"),
        ({"layer": 5}, ValueError, "from -2 to 1"),
        ({"layer": 1.0}, TypeError, "layer=1.0"),
        ({"layer": True}, TypeError, "layer=True"),
        ({"bounds": (0, 1, 0)}, ValueError, "four numbers"),
        ({"bounds": (1, 0, 0, 1)}, ValueError, "each low below its high"),
        ({"bounds": (0, 1, 0, float("inf"))}, ValueError, "bounds="),
        ({"bounds": "plane"}, TypeError, "bounds='plane'"),
        ({"bounds": (0, 1, "a", 2)}, TypeError, "four numbers"),
        ({"resolution": 2}, ValueError, "from 5 to 400"),
        ({"resolution": 10.5}, TypeError, "resolution=10.5"),
    ],
)
def test_neuron_response_maps_rejects_bad_arguments(fresh, kwargs, error, fragment):
    model = build_dense_network(2, (3, 2))
    arguments = {"model": model, "layer": None, "bounds": (-1, 1, -1, 1), **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        neuron_response_maps(arguments.pop("model"), arguments.pop("layer"), **arguments)
    assert fragment in str(info.value)


def test_neuron_maps_need_a_model_of_the_plane(small_net):
    with pytest.raises(ValueError, match=r"Its input shape is \(None, 3\)"):
        neuron_response_maps(small_net, bounds=(-1, 1, -1, 1))


def test_an_unbuilt_model_is_refused_with_the_fix(fresh):
    model = keras.Sequential([keras.layers.Dense(2), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"model\(x\[:1\]\)"):
        layer_separability(model, _x(4), [0, 1, 0, 1])


def test_module_lists_its_public_names():
    for name in representations.__all__:
        assert hasattr(representations, name)


@pytest.mark.parametrize("function", ["layer_projections", "layer_separability"])
def test_nan_inputs_or_blown_up_weights_get_a_clear_error(function, small_net):
    """Found by the bad-input sweep: NumPy's eigen solver failed with a bare LinAlgError."""
    x, y = _x(), np.arange(30) % 3
    call = getattr(representations, function)
    bad_x = x.copy()
    bad_x[3, 0] = np.nan
    with pytest.raises(ValueError, match=r"(?s)inputs that are all finite.*Received"):
        call(small_net, bad_x, y)
    blown = keras.models.clone_model(small_net)
    blown.set_weights([np.full(w.shape, np.nan, np.float32) for w in small_net.get_weights()])
    with pytest.raises(ValueError, match="weights have blown up"):
        call(blown, x, y)

"""Tests for hlcourse.diagnostics: every number checked against a hand computation on a tiny
network, for Sequential, Functional and subclassed models alike; the flags of `diagnose` on
networks that have (and do not have) each problem; the update-ratio tracker with fit and with
train_fast."""

from __future__ import annotations

import math
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import data, diagnostics, training  # noqa: E402
from hlcourse.activations import SATURATION_THRESHOLD  # noqa: E402
from hlcourse.diagnostics import (  # noqa: E402
    UpdateRatioTracker,
    activation_stats,
    diagnose,
    gradient_norms,
    max_unit_difference,
    units_identical,
)
from hlcourse.models import build_dense_network, compile_for  # noqa: E402

TOL = {"rtol": 1e-4, "atol": 1e-7}


@pytest.fixture(autouse=True)
def _fresh_keras():
    # free_memory=False skips a gc.collect() that costs about 0.3 s per call with TF loaded.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def spiral():
    return data.make_classification("spiral", 200, seed=0)


# --- a tiny network, three ways, with weights set by hand --------------------------------------

X = np.array(
    [[-1.0, -0.5], [-0.3, 0.8], [0.2, -0.9], [0.7, 0.4], [1.0, 1.0], [0.0, 0.1]], np.float32
)
Y = np.array([0, 1, 1, 0, 1, 0], np.float32)
W1 = np.array([[1.0, -1.0, -2.0], [0.5, 2.0, -1.0]])
B1 = np.array([0.0, 0.5, -5.0])  # unit 3: z <= -2.5 on every sample, a dead ReLU unit
W2 = np.array([[4.0, -3.0], [2.0, 5.0], [1.0, 1.0]])
B2 = np.array([-1.0, 0.5])
W3 = np.array([[1.5], [-2.0]])
B3 = np.array([0.2])
STYLES = ("sequential", "functional", "subclassed")


class TinyNet(keras.Model):
    """Layers as attributes, assigned in another order than `call` uses them."""

    def __init__(self, act2: str = "sigmoid"):
        super().__init__(name="tiny_subclassed")
        self.out = keras.layers.Dense(1, activation="sigmoid", name="out")
        self.h1 = keras.layers.Dense(3, activation="relu", name="h1")
        self.h2 = keras.layers.Dense(2, activation=act2, name="h2")

    def call(self, x):
        return self.out(self.h2(self.h1(x)))


def tiny(style: str, act2: str = "sigmoid") -> keras.Model:
    """2 -> 3 relu -> 2 `act2` -> 1 sigmoid, with the weights above."""
    if style == "subclassed":
        model = TinyNet(act2)
        model(X[:1])
    else:
        layers = [
            keras.layers.Dense(3, activation="relu", name="h1"),
            keras.layers.Dense(2, activation=act2, name="h2"),
            keras.layers.Dense(1, activation="sigmoid", name="out"),
        ]
        if style == "sequential":
            model = keras.Sequential([keras.Input((2,)), *layers], name="tiny_sequential")
        else:
            inputs = keras.Input((2,))
            h = inputs
            for layer in layers:
                h = layer(h)
            model = keras.Model(inputs, h, name="tiny_functional")
    for name, (w, b) in {"h1": (W1, B1), "h2": (W2, B2), "out": (W3, B3)}.items():
        model.get_layer(name).set_weights([w.astype(np.float32), b.astype(np.float32)])
    return model


def _act(name, z):
    return {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}[name](z)


def _slope(name, a):
    return a * (1 - a) if name == "sigmoid" else 1 - a**2


def by_hand(act2: str = "sigmoid") -> dict:
    """Forward and backward pass of the tiny network in NumPy (float64), binary cross-entropy."""
    x, y = X.astype(np.float64), Y[:, None].astype(np.float64)
    z1 = x @ W1 + B1
    h1 = np.maximum(z1, 0)
    h2 = _act(act2, h1 @ W2 + B2)
    p = _act("sigmoid", h2 @ W3 + B3)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    dz3 = (p - y) / len(x)  # d loss / d output pre-activation
    dz2 = (dz3 @ W3.T) * _slope(act2, h2)
    dz1 = (dz2 @ W2.T) * (z1 > 0)
    return {
        "h1": h1,
        "h2": h2,
        "loss": loss,
        "grads": {
            "h1": (x.T @ dz1, dz1.sum(0)),
            "h2": (h1.T @ dz2, dz2.sum(0)),
            "out": (h2.T @ dz3, dz3.sum(0)),
        },
    }


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("act2", ["sigmoid", "tanh"])
def test_activation_stats_match_a_hand_computation(style, act2):
    stats = activation_stats(tiny(style, act2), X)
    expected = by_hand(act2)
    assert stats.layers == ["h1", "h2"]  # forward order, for the subclassed model too
    assert stats.n_samples == 6
    h1, h2 = stats["h1"], stats["h2"]
    assert (h1.kind, h1.activation, h1.units) == ("Dense", "relu", 3)
    assert (h2.activation, h2.units) == (act2, 2)
    for row, values in ((h1, expected["h1"]), (h2, expected["h2"])):
        assert row.mean == pytest.approx(values.mean(), rel=1e-5)
        assert row.std == pytest.approx(values.std(), rel=1e-5)
        np.testing.assert_allclose(row.values, values, **TOL)
    # ReLU: dead share, no saturation; unit 3 never fires.
    assert np.all(expected["h1"][:, 2] == 0) and np.all(expected["h1"][:, :2].max(0) > 0)
    assert h1.dead == pytest.approx(1 / 3) and h1.saturated is None
    # Bounded: saturation share (slope below the threshold), no dead share.
    saturated = np.mean(_slope(act2, expected["h2"]) < SATURATION_THRESHOLD)
    assert 0 < saturated < 1, "the weights were chosen to saturate some outputs, not all"
    assert h2.saturated == pytest.approx(saturated) and h2.dead is None
    spread = np.max(expected["h1"].max(1) - expected["h1"].min(1))
    assert h1.unit_difference == pytest.approx(spread, rel=1e-5)


@pytest.mark.parametrize("style", STYLES)
def test_gradient_norms_match_a_hand_computation(style):
    grads = gradient_norms(tiny(style), X, Y)  # uncompiled: 1 sigmoid unit -> cross-entropy
    expected = by_hand()
    assert grads.layers == ["h1", "h2", "out"]
    assert grads.loss == "binary_crossentropy"
    assert grads.loss_value == pytest.approx(expected["loss"], rel=1e-5)
    weights = {"h1": W1, "h2": W2, "out": W3}
    for name, (d_kernel, d_bias) in expected["grads"].items():
        row = grads[name]
        assert (row.weight, row.kind) == ("kernel", "Dense")
        assert row.kernel_norm == pytest.approx(np.linalg.norm(d_kernel), rel=1e-4)
        assert row.bias_norm == pytest.approx(np.linalg.norm(d_bias), rel=1e-4)
        both = math.hypot(np.linalg.norm(d_kernel), np.linalg.norm(d_bias))
        assert row.norm == pytest.approx(both, rel=1e-4)
        assert row.weight_norm == pytest.approx(np.linalg.norm(weights[name]), rel=1e-6)
        ratio = d_kernel.std() / weights[name].std()
        assert row.grad_to_weight == pytest.approx(ratio, rel=1e-4)
    assert grads["h1"].kernel_norm > 0  # the dead unit's column gets nothing, the others do


def test_the_three_styles_give_the_same_report():
    reports = [diagnose(tiny(style), X, Y) for style in STYLES]
    first = reports[0].as_dict()["layers"]
    for report in reports[1:]:
        other = report.as_dict()["layers"]
        assert list(other) == list(first) == ["h1", "h2", "out"]
        for name in first:
            for key, value in first[name].items():
                if isinstance(value, float):
                    assert other[name][key] == pytest.approx(value, rel=1e-5), (name, key)
                else:
                    assert other[name][key] == value, (name, key)


def test_a_compiled_loss_or_a_given_one_is_used():
    model = tiny("sequential")
    by_hand_loss = by_hand()["loss"]
    assert gradient_norms(model, X, Y, loss="mse").loss == "mse"
    mse = gradient_norms(model, X, Y, loss="mse").loss_value
    p = model(X).numpy().ravel()
    assert mse == pytest.approx(np.mean((p - Y) ** 2), rel=1e-5)
    model.compile(loss="mse")
    assert gradient_norms(model, X, Y).loss_value == pytest.approx(mse, rel=1e-6)
    assert gradient_norms(model, X, Y, loss="binary_crossentropy").loss_value == pytest.approx(
        by_hand_loss, rel=1e-5
    )


def test_measuring_gradients_changes_nothing_in_the_model():
    model = build_dense_network(2, (8, 8), batch_norm=True, dropout=0.3)
    before = [w.numpy().copy() for w in model.weights]
    moving = model.get_layer("hidden_1_bn").moving_mean.numpy().copy()
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(32, 2)).astype(np.float32)
    y = (x[:, 0] > 3).astype(int)
    first = gradient_norms(model, x, y)
    after = [w.numpy() for w in model.weights]
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    # training mode normalizes with the batch's statistics (which would have moved the
    # moving mean towards 3), and dropout's random state is put back: the same numbers again.
    np.testing.assert_array_equal(model.get_layer("hidden_1_bn").moving_mean.numpy(), moving)
    assert gradient_norms(model, x, y).as_dict() == first.as_dict()
    inference = gradient_norms(model, x, y, training=False)
    assert inference["hidden_1"].kernel_norm != first["hidden_1"].kernel_norm
    assert [r.layer for r in first] == [
        "hidden_1", "hidden_1_bn", "hidden_2", "hidden_2_bn", "output"
    ]  # fmt: skip
    assert first["hidden_1_bn"].weight == "gamma" and first["hidden_1_bn"].bias_norm is not None


def test_batch_norm_layers_and_their_activations_are_described():
    model = build_dense_network(2, (4,), batch_norm=True, dropout=0.2)
    stats = activation_stats(model, X)
    assert [(r.layer, r.activation) for r in stats] == [
        ("hidden_1", "linear"),
        ("hidden_1_bn", None),
        ("hidden_1_act", "relu"),
        ("hidden_1_dropout", None),
    ]
    assert stats["hidden_1_act"].dead is not None and stats["hidden_1_bn"].dead is None


def test_convolutional_units_are_channels():
    model = keras.Sequential(
        [
            keras.Input((5, 5, 1)),
            keras.layers.Conv2D(3, 3, activation="relu", name="conv"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(1, name="out"),
        ]
    )
    conv = model.get_layer("conv")
    kernel, bias = conv.get_weights()
    bias[2] = -100.0  # channel 3 never fires
    conv.set_weights([kernel, bias])
    x = np.random.default_rng(0).uniform(0, 1, size=(4, 5, 5, 1)).astype(np.float32)
    row = activation_stats(model, x, layers="conv")["conv"]
    assert row.units == 3 and row.dead == pytest.approx(1 / 3)
    assert gradient_norms(model, x, np.zeros(4))["conv"].weight == "kernel"


def test_tables_print_and_display_readably():
    stats = activation_stats(tiny("sequential"), X)
    text = str(stats)
    assert text == repr(stats)
    assert "Activations of 'tiny_sequential' on 6 samples" in text
    lines = text.splitlines()
    assert lines[1].split() == ["layer", "activation", "units", "mean", "std", "saturated", "dead"]
    assert lines[3].split()[:3] == ["h1", "relu", "3"] and lines[3].endswith("33%")
    assert "<table>" in stats._repr_html_() and "<td style='text-align:left'>h1</td>" in (
        stats._repr_html_()
    )
    assert stats.as_dict()["h1"]["dead"] == pytest.approx(1 / 3)
    assert "values" not in stats.as_dict()["h1"]
    grads = gradient_norms(tiny("sequential"), X, Y)
    assert "binary_crossentropy" in str(grads) and "grad:weight (std)" in str(grads)
    assert set(grads.as_dict()["out"]) >= {"kernel_norm", "bias_norm", "grad_to_weight"}
    assert grads[0] is grads["h1"] and len(grads) == 3
    with pytest.raises(KeyError, match="'h1', 'h2', 'out'"):
        grads["nope"]


# --- identical units ---------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
def test_max_unit_difference_by_hand(style):
    model = tiny(style)
    h1 = by_hand()["h1"]
    assert max_unit_difference(model, X, "h1") == pytest.approx(
        np.max(h1.max(1) - h1.min(1)), rel=1e-5
    )
    assert not units_identical(model, X, "h1")
    model.get_layer("h2").set_weights([np.ones((3, 2), np.float32), np.zeros(2, np.float32)])
    assert max_unit_difference(model, X, "h2") == 0.0
    assert units_identical(model, X, "h2")


def test_zero_initialized_units_stay_identical_through_training(spiral):
    # sigmoid(0) = 0.5, so gradients flow (tanh(0) = 0 would leave the kernels at zero)
    model = build_dense_network(2, (8, 8), activation="sigmoid", initializer="zeros")
    compile_for(model, optimizer="sgd", learning_rate=1.0)
    training.train_fast(model, spiral.x_train, spiral.y_train, epochs=30)
    kernel = model.get_layer("hidden_1").get_weights()[0]
    assert np.abs(kernel).max() > 0  # the weights moved...
    np.testing.assert_allclose(kernel, kernel[:, :1] * np.ones((1, 8)), rtol=1e-6)  # together
    for layer in ("hidden_1", "hidden_2"):
        assert units_identical(model, spiral.x_train, layer)
    report = diagnose(model, spiral.x_train, spiral.y_train)
    identical = [f for f in report.flags if "same values" in f.problem]
    assert [f.layer for f in identical] == ["hidden_1", "hidden_2"]
    assert all("initialize the weights randomly" in f.remedy for f in identical)
    # a random start breaks the symmetry
    healthy = build_dense_network(2, (8, 8), activation="tanh")
    assert not units_identical(healthy, spiral.x_train, "hidden_1")


def test_all_zero_relu_layers_are_called_symmetric_not_dead(spiral):
    model = build_dense_network(2, (8,), initializer="zeros")
    report = diagnose(model, spiral.x_train, spiral.y_train)
    assert [(f.layer, "same values" in f.problem) for f in report.flags] == [("hidden_1", True)]


# --- diagnose: each problem flagged, a healthy network left alone -------------------------------


def _deep(activation: str, seed: int, **kwargs):
    keras.utils.set_random_seed(seed)
    return build_dense_network(2, (16,) * 8, activation=activation, **kwargs)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_deep_sigmoid_stack_has_vanishing_gradients_and_relu_he_does_not(spiral, seed):
    x, y = spiral.x_train, spiral.y_train
    sigmoid = diagnose(_deep("sigmoid", seed), x, y)
    vanishing = [f for f in sigmoid.flags if "vanishing" in f.problem]
    assert [f.layer for f in vanishing] == ["hidden_1"]
    assert "ReLU with He initialization or batch normalization" in vanishing[0].remedy
    first, last = sigmoid.gradients["hidden_1"], sigmoid.gradients["output"]
    assert first.kernel_norm < diagnostics.VANISHING_RATIO * last.kernel_norm
    for kwargs in ({"initializer": "he_normal"}, {"initializer": "he_normal", "batch_norm": True}):
        relu = diagnose(_deep("relu", seed, **kwargs), x, y)
        assert not [f for f in relu.flags if "vanishing" in f.problem], relu
        ratio = relu.gradients["hidden_1"].kernel_norm / relu.gradients["output"].kernel_norm
        assert ratio > 1000 * first.kernel_norm / last.kernel_norm


def test_a_healthy_small_relu_network_gets_no_flags(spiral):
    model = build_dense_network(2, (16, 16), initializer="he_normal")
    report = diagnose(model, spiral.x_train, spiral.y_train)
    assert report.flags == () and report.healthy, report
    assert "No problems found." in str(report)
    training.train_fast(model, spiral.x_train, spiral.y_train, epochs=200, learning_rate=0.01)
    trained = diagnose(model, spiral.x_train, spiral.y_train)
    assert trained.healthy, trained


def test_unscaled_inputs_are_flagged(spiral):
    model = build_dense_network(2, (16, 16), initializer="he_normal")
    report = diagnose(model, 100 * spiral.x_train + 50, spiral.y_train)
    flag = next(f for f in report.flags if f.layer == "inputs")
    assert "not standardized" in flag.problem and "standardize" in flag.remedy
    assert report.input_mean > diagnostics.INPUT_MEAN_LIMIT
    assert diagnose(model, spiral.x_train).input_std < 1


def test_a_limit_on_the_package_cannot_be_changed_and_the_error_says_what_can():
    """An assignment to a documented default would change no verdict (the rules read their
    defaults from the private _thresholds module): it is refused, naming what does."""
    with pytest.raises(AttributeError, match=r"thresholds=Thresholds\(input_std_limit=\.\.\.\)"):
        diagnostics.INPUT_STD_LIMIT = 1e9
    with pytest.raises(AttributeError, match="rules cannot be changed"):
        diagnostics.BOUNDED_ACTIVATIONS = ("relu",)
    assert diagnostics.INPUT_STD_LIMIT == 5.0 and diagnostics.BOUNDED_ACTIVATIONS == (
        "sigmoid",
        "tanh",
    )
    diagnostics.some_note = "other attributes are a module's as usual"
    del diagnostics.some_note


def _nearly_copies(offset: float) -> keras.Model:
    """A tanh layer of 4 units whose kernel columns differ by `offset` (equal biases)."""
    model = build_dense_network(2, (4,), activation="tanh", name="nearly_copies")
    kernel = np.tile(np.array([[0.5], [-0.3]], np.float32), (1, 4))
    kernel[:, 0] += offset
    model.get_layer("hidden_1").set_weights([kernel, np.zeros(4, np.float32)])
    return model


def _copies_flagged(report) -> bool:
    return any("same values" in f.problem for f in report.flags)


def test_a_looser_identical_tolerance_changes_both_verdicts():
    model = _nearly_copies(1e-3)
    assert not units_identical(model, X, "hidden_1")
    assert not _copies_flagged(diagnose(model, X))
    assert units_identical(model, X, "hidden_1", tolerance=0.1)
    loose = diagnostics.Thresholds(identical_tolerance=0.1)
    assert _copies_flagged(diagnose(model, X, thresholds=loose))


def test_thresholds_apply_to_one_call_and_leave_the_package_alone(spiral):
    model = _nearly_copies(1e-3)
    loose = diagnostics.Thresholds(identical_tolerance=0.1)
    assert _copies_flagged(diagnose(model, X, thresholds=loose))
    assert not _copies_flagged(diagnose(model, X))
    assert diagnostics.IDENTICAL_TOLERANCE == diagnostics.DEFAULT_THRESHOLDS.identical_tolerance
    relu = build_dense_network(2, (16, 16), initializer="he_normal")
    x = 100 * spiral.x_train + 50
    blind = diagnostics.Thresholds(input_std_limit=1e9, input_mean_limit=1e9)
    assert not [f for f in diagnose(relu, x, thresholds=blind).flags if f.layer == "inputs"]
    assert [f for f in diagnose(relu, x).flags if f.layer == "inputs"]


def test_the_default_thresholds_are_the_documented_constants():
    t = diagnostics.DEFAULT_THRESHOLDS
    assert t == diagnostics.Thresholds()
    assert (t.saturated_share_limit, t.dead_share_limit, t.vanishing_ratio, t.exploding_norm,
            t.identical_tolerance, t.input_std_limit, t.input_mean_limit) == (
        diagnostics.SATURATED_SHARE_LIMIT, diagnostics.DEAD_SHARE_LIMIT,
        diagnostics.VANISHING_RATIO, diagnostics.EXPLODING_NORM,
        diagnostics.IDENTICAL_TOLERANCE, diagnostics.INPUT_STD_LIMIT,
        diagnostics.INPUT_MEAN_LIMIT)  # fmt: skip
    with pytest.raises(AttributeError):
        t.dead_share_limit = 0.1  # frozen: one call's thresholds cannot leak into another


def test_saturated_layers_are_flagged_with_a_remedy(spiral):
    model = build_dense_network(
        2, (16,), activation="tanh", initializer=keras.initializers.RandomNormal(stddev=20.0)
    )
    report = diagnose(model, spiral.x_train)
    flag = next(f for f in report.flags if f.layer == "hidden_1")
    share = report.stats["hidden_1"].saturated
    assert share > diagnostics.SATURATED_SHARE_LIMIT
    assert flag.problem.startswith(f"{100 * share:.0f}% of its tanh outputs are saturated")
    assert "ReLU" in flag.remedy and "batch normalization" in flag.remedy
    assert str(flag) == f"hidden_1: {flag.problem}; {flag.remedy}"


def test_dead_relu_units_are_flagged_with_a_remedy(spiral):
    model = build_dense_network(2, (10,), initializer="he_normal")
    layer = model.get_layer("hidden_1")
    kernel, bias = layer.get_weights()
    bias[:7] = -50.0  # 7 of 10 units never fire
    layer.set_weights([kernel, bias])
    report = diagnose(model, spiral.x_train, spiral.y_train)
    assert report.stats["hidden_1"].dead == pytest.approx(0.7)
    assert [(f.layer, f.problem[:36]) for f in report.flags] == [
        ("hidden_1", "70% of its ReLU units are dead (outp")
    ]
    assert "smaller learning rate, leaky ReLU or He initialization" in report.flags[0].remedy


def test_exploding_gradients_are_flagged():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32)
    big = keras.initializers.RandomNormal(stddev=2.0, seed=0)
    model = build_dense_network(16, (32,) * 6, output="regression", initializer=big)
    report = diagnose(model, x, np.ones(64))
    flag = next(f for f in report.flags if "exploding" in f.problem)
    assert report.gradients[flag.layer].kernel_norm > diagnostics.EXPLODING_NORM
    assert "clip" in flag.remedy and "smaller learning rate" in flag.remedy


def test_nan_outputs_are_flagged():
    model = tiny("sequential")
    model.get_layer("h1").set_weights([np.full((2, 3), np.nan, np.float32), B1.astype("f4")])
    report = diagnose(model, X)
    assert report.flags[0].layer == "h1" and "NaN" in report.flags[0].problem


def test_the_report_prints_its_table_and_flags(spiral):
    model = build_dense_network(2, (4,), activation="tanh", initializer="zeros")
    report = diagnose(model, spiral.x_train, spiral.y_train)
    text = str(report)
    assert text == repr(report)
    assert text.splitlines()[1].split() == [
        "layer", "activation", "mean", "std", "saturated", "dead", "grad", "norm"
    ]  # fmt: skip
    assert "Problems found (1):" in text and f"- {report.flags[0]}" in text
    page = report._repr_html_()
    assert "<table>" in page and "<li>hidden_1: all 4 units output the same values" in page
    assert report.as_dict()["flags"][0]["layer"] == "hidden_1"
    assert report["output"]["activation"] == "sigmoid" and report["output"]["mean"] is None
    without_y = diagnose(model, spiral.x_train)
    assert without_y.gradients is None and "pass y" in str(without_y)


# --- update ratios -----------------------------------------------------------------------------


def _small_data(n=40):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    return x, (x[:, 0] * x[:, 1] > 0).astype(np.float32)


@pytest.mark.parametrize("style", STYLES)
def test_the_tracker_records_every_n_steps_during_fit(style):
    x, y = _small_data()
    model = tiny(style)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    tracker = UpdateRatioTracker(every=2, probe_data=(x, y))
    model.fit(x, y, epochs=3, batch_size=10, verbose=0, callbacks=[tracker])  # 4 steps/epoch
    assert tracker.steps == [2, 4, 6, 8, 10, 12]
    assert list(tracker.history["update"]) == ["h1", "h2", "out"]  # forward order
    for kind in ("update", "grad"):
        for values in tracker.history[kind].values():
            assert len(values) == 6
            assert all(-6 < value < 0 for value in values), (kind, values)


def test_the_tracker_records_each_epoch_end_by_default():
    x, y = _small_data()
    model = compile_for(build_dense_network(2, (8,)), optimizer="sgd", learning_rate=0.1)
    tracker = UpdateRatioTracker()
    model.fit(x, y, epochs=3, batch_size=10, verbose=0, callbacks=[tracker])
    assert tracker.steps == [4, 8, 12] and tracker.history["grad"] == {}
    model.fit(x, y, epochs=1, batch_size=10, verbose=0, callbacks=[tracker])
    assert tracker.steps == [4, 8, 12, 16]  # a second fit continues counting


def test_an_sgd_update_is_the_learning_rate_times_the_gradient():
    # SGD moves the weights by -lr * gradient, so log10(update ratio) of a step equals
    # log10(lr) + log10(grad ratio) measured on the same batch just before that step.
    x, y = _small_data()
    model = compile_for(build_dense_network(2, (8, 8)), optimizer="sgd", learning_rate=0.1)
    tracker = UpdateRatioTracker(probe_data=(x, y))
    model.fit(x, y, epochs=4, batch_size=len(x), verbose=0, callbacks=[tracker])  # full batch
    assert tracker.steps == [1, 2, 3, 4]
    for name in ("hidden_1", "hidden_2", "output"):
        update, grad = tracker.history["update"][name], tracker.history["grad"][name]
        np.testing.assert_allclose(update[1:], np.array(grad[:-1]) - 1.0, atol=1e-4)


def test_the_tracker_works_between_train_fast_chunks():
    x, y = _small_data()
    model = build_dense_network(2, (8,))
    tracker = UpdateRatioTracker(model=model)
    weights: list[np.ndarray] = [model.get_layer("hidden_1").kernel.numpy().copy()]

    def on_progress(done, history):
        tracker.on_progress(done, history)
        weights.append(model.get_layer("hidden_1").kernel.numpy().copy())

    training.train_fast(model, x, y, epochs=5, chunk=1, on_progress=on_progress)
    assert tracker.steps == [1, 2, 3, 4, 5]
    by_hand = [
        math.log10(np.std(after.astype("f8") - before) / np.std(before.astype("f8")))
        for before, after in zip(weights, weights[1:], strict=False)
    ]
    np.testing.assert_allclose(tracker.history["update"]["hidden_1"], by_hand, rtol=1e-6)
    assert diagnostics.REFERENCE_LOG10_RATIO == -3 == math.log10(diagnostics.REFERENCE_UPDATE_RATIO)


def test_record_and_snapshot_by_hand():
    model = build_dense_network(2, (4,))
    tracker = UpdateRatioTracker(model=model)
    tracker.record()  # nothing moved
    assert tracker.history["update"]["hidden_1"] == [-math.inf]
    kernel = model.get_layer("hidden_1").kernel
    before = kernel.numpy().astype("f8")
    kernel.assign(kernel.numpy() * 1.5)
    tracker.record(step=7)
    assert tracker.steps == [1, 7]
    expected = math.log10(np.std(0.5 * before) / np.std(before))
    assert tracker.history["update"]["hidden_1"][-1] == pytest.approx(expected, rel=1e-5)


# --- bad input ---------------------------------------------------------------------------------


def _net():
    return build_dense_network(2, (3,), name="bad_input_net")


BAD = [
    (lambda: activation_stats("model", X), TypeError, "model='model'"),
    (lambda: activation_stats(_net(), X[:, :1]), ValueError, "(n_samples, 2)"),
    (lambda: activation_stats(_net(), "abc"), TypeError, "x='abc'"),
    (lambda: activation_stats(_net(), X, layers="nope"), ValueError, "names of the model's"),
    (lambda: activation_stats(_net(), X, layers=1.5), TypeError, "layers"),
    (lambda: gradient_norms(None, X, Y), TypeError, "model=None"),
    (lambda: gradient_norms(_net(), X[0], Y), ValueError, "x.reshape(1, -1)"),
    (lambda: gradient_norms(_net(), X, Y[:3]), ValueError, "one target per row of x"),
    (lambda: gradient_norms(_net(), X, "y"), TypeError, "y='y'"),
    (lambda: gradient_norms(_net(), X, Y, loss="nonsense"), ValueError, "loss='nonsense'"),
    (lambda: gradient_norms(_net(), X, Y, loss=3), TypeError, "loss=3"),
    (lambda: gradient_norms(_net(), X, Y, training="yes"), TypeError, "True or False"),
    (lambda: gradient_norms(_net(), np.full((6, 2), np.nan), Y), ValueError, "NaN"),
    (
        lambda: gradient_norms(build_dense_network(2, (3,), output="classes", n_outputs=3), X,
                               np.arange(6)),
        ValueError, "class labels from 0 to 2",
    ),
    (lambda: gradient_norms(keras.Sequential([keras.layers.Dense(2)]), X, Y), ValueError,
     "has weights"),
    (lambda: diagnose(3, X), TypeError, "model=3"),
    (lambda: diagnose(_net(), X, np.zeros(2)), ValueError, "one target per row"),
    (lambda: diagnose(_net(), X, loss="mse"), ValueError, "pass y too"),
    (lambda: max_unit_difference(_net(), X, 2.0), TypeError, "layer=2.0"),
    (lambda: max_unit_difference(_net(), X, "nope"), ValueError, "layers"),
    (lambda: max_unit_difference(_net(), X, "output"), ValueError, "at least 2 units"),
    (lambda: units_identical(_net(), X, True), TypeError, "layer=True"),
    (lambda: units_identical(_net(), X, "hidden_1", tolerance=2), ValueError, "tolerance=2"),
    (lambda: units_identical(_net(), X, "hidden_1", tolerance="0"), TypeError, "tolerance='0'"),
    (lambda: diagnose(_net(), X, thresholds={"dead_share_limit": 0.3}), TypeError,
     "hlcourse.diagnostics.Thresholds"),
    (lambda: diagnostics.Thresholds(dead_share_limit=2), ValueError, "dead_share_limit=2"),
    (lambda: diagnostics.Thresholds(exploding_norm=-1), ValueError, "exploding_norm=-1"),
    (lambda: diagnostics.Thresholds(vanishing_ratio="1e-3"), TypeError, "vanishing_ratio='1e-3'"),
    (lambda: UpdateRatioTracker(every=0), ValueError, "every=0"),
    (lambda: UpdateRatioTracker(every=1.5), TypeError, "every=1.5"),
    (lambda: UpdateRatioTracker(probe_data=X), TypeError, "a pair (x, y)"),
    (lambda: UpdateRatioTracker(probe_data=[X]), ValueError, "a pair (x, y)"),
    (lambda: UpdateRatioTracker(probe_data="xy"), TypeError, "a pair (x, y)"),
    (lambda: UpdateRatioTracker(probe_data=(X, Y[:2])), ValueError, "one target per row"),
    (lambda: UpdateRatioTracker(loss=3), TypeError, "loss=3"),
    (lambda: UpdateRatioTracker(model="net"), TypeError, "model='net'"),
    (lambda: UpdateRatioTracker().record(), ValueError, "model.fit(..., callbacks=[tracker])"),
    (lambda: UpdateRatioTracker(model=_net()).record(step=-1), ValueError, "step=-1"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "fragment"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_gets_a_clear_error(call, error, fragment):
    with pytest.raises(error, match="Received") as caught:
        call()
    assert fragment in str(caught.value)


def test_importing_the_plots_loads_no_tensorflow():
    code = "import hlcourse.plots.diagnostics, sys; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_gradient_rows_follow_the_call_order_of_nested_blocks(keras_fresh):
    """A subclassed model whose block (holding its own Dense layers) runs before a layer that
    was assigned earlier: the rows go in the order the data flows, not attribute order."""

    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = keras.layers.Dense(4, activation="relu", name="inner")

        def call(self, x):
            return self.inner(x)

    class Nested(keras.Model):
        def __init__(self):
            super().__init__()
            self.head = keras.layers.Dense(1, activation="sigmoid", name="head")
            self.block = Block(name="block")

        def call(self, x):
            return self.head(self.block(x))

    model = Nested()
    x = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
    model(x)
    norms = gradient_norms(model, x, (x[:, 0] > 0).astype("float32"))
    assert [row.layer for row in norms.rows] == ["block", "head"]
    # and the statistics know what the layer inside the block is
    stats = diagnostics.activation_stats(model, x)
    assert stats["block/inner"].activation == "relu"


def test_blown_up_activations_are_described_without_a_numpy_warning(keras_fresh):
    """Outputs of inf (weights blown up) give a non-finite mean or std and a flag, not NumPy's
    "invalid value encountered in subtract" printed under the learner's cell (tests turn
    warnings into errors)."""
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(3, activation="relu", name="hidden_1"),
         keras.layers.Dense(1, activation="sigmoid", name="output")]
    )  # fmt: skip
    model.layers[0].kernel.assign(np.full((2, 3), 10.0, np.float32))
    huge = np.array([[3e38, 3e38], [1.0, 2.0]], np.float32)  # the first row overflows to inf
    stats = diagnostics.activation_stats(model, huge)
    assert not math.isfinite(stats["hidden_1"].std)
    report = diagnostics.diagnose(model, huge)
    assert any("NaN or infinite" in flag.problem for flag in report.flags)


def test_diagnose_refuses_non_finite_inputs_before_running_the_model(keras_fresh):
    model = build_dense_network(2, (3,))
    with pytest.raises(ValueError, match="NaN or infinite"):
        diagnostics.diagnose(model, np.full((6, 2), np.inf))


def test_a_network_without_inputs_is_diagnosed_without_blaming_its_weights():
    """The playground allows zero input features (as TensorFlow Playground does): the first
    layer's kernel has no rows, so there are no starting weights to call symmetric."""
    model = keras.Sequential(
        [keras.Input(shape=(0,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1)]
    )
    report = diagnose(model, np.zeros((8, 0), dtype="float32"))
    assert not any("symmetric" in flag.problem for flag in report.flags)


def test_activation_flags_judge_by_the_default_thresholds_when_given_none():
    """The playground's frames call `activation_flags(stats, layers)`: without thresholds it
    reads the package's constants as they are when it runs."""
    import hlcourse.diagnostics as diagnostics
    from hlcourse.diagnostics._report import activation_flags
    from hlcourse.diagnostics._stats import layers_by_name

    model = tiny("sequential", "relu")
    stats = activation_stats(model, X)
    by_name = layers_by_name(model)
    assert activation_flags(stats, by_name) == activation_flags(
        stats, by_name, diagnostics.Thresholds()
    )
    every_layer_dead = diagnostics.Thresholds(dead_share_limit=0.0)
    assert len(activation_flags(stats, by_name, every_layer_dead)) > len(
        activation_flags(stats, by_name)
    )

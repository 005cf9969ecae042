"""Tests for hlcourse.training_watch and its two plots in hlcourse.plots: what is
recorded per epoch matches the model's own outputs and hlcourse.activations' dead-unit count,
and the plots draw what was recorded."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import activations, probe  # noqa: E402
from hlcourse.models import build_dense_network, compile_for  # noqa: E402
from hlcourse.plots import plot_dead_shares, plot_watch_histograms  # noqa: E402
from hlcourse.render import new_figure  # noqa: E402
from hlcourse.training import train_fast  # noqa: E402
from hlcourse.training_watch import TrainingWatch, watch_training  # noqa: E402


def data(n=120, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    return x, rng.integers(0, classes, n)


def network(batch_norm=False, depth=3):
    keras.utils.set_random_seed(0)
    return build_dense_network(6, (8,) * depth, output="classes", n_outputs=3,
                               initializer="he_normal", batch_norm=batch_norm)  # fmt: skip


@pytest.fixture(scope="module")
def watched():
    keras.utils.set_random_seed(0)
    model = network()
    x, y = data()
    return model, x, y, watch_training(model, x, y, epochs=3, learning_rate=0.05, probe_size=50)


def test_records_epoch_0_and_every_epoch(watched):
    _model, _x, _y, watch = watched
    assert isinstance(watch, TrainingWatch)
    assert list(watch.epochs) == [0, 1, 2, 3] and watch.last_epoch == 3
    assert watch.layers == ("hidden_1", "hidden_2", "hidden_3") and watch.n_layers == 3
    assert [z.shape for z in watch.pre_activations] == [(4, 50, 8)] * 3
    assert watch.dead.shape == (4, 3)
    assert watch.loss.shape == watch.accuracy.shape == (4,)
    assert (watch.optimizer, watch.learning_rate, watch.batch_size) == ("sgd", 0.05, 64)
    assert "3 ReLU layers, epochs 0-3" in repr(watch)


def test_the_last_record_is_what_the_trained_model_computes(watched):
    model, x, y, watch = watched
    outputs = probe.hidden_activations(model, x[:50])
    for k, name in enumerate(watch.layers):
        np.testing.assert_allclose(np.maximum(watch.pre_activations[k][-1], 0), outputs[name],
                                   atol=1e-5)  # fmt: skip
        assert watch.dead[-1, k] == activations.dead_units(outputs[name])
    predictions = model.predict(x, verbose=0)
    np.testing.assert_allclose(watch.loss[-1], model.loss(y, predictions), rtol=1e-5)
    assert watch.accuracy[-1] == pytest.approx(np.mean(predictions.argmax(axis=1) == y))


def test_training_changes_the_records(watched):
    _model, _x, _y, watch = watched
    assert not np.allclose(watch.pre_activations[0][0], watch.pre_activations[0][-1])
    assert watch.loss[-1] < watch.loss[0]


def test_with_batch_norm_the_probe_is_standardized_by_its_own_statistics():
    model = network(batch_norm=True, depth=2)
    x, y = data()
    watch = watch_training(model, x, y, epochs=1, probe_size=30, optimizer="adam")
    assert watch.layers == ("hidden_1_act", "hidden_2_act")
    # Recording leaves the moving averages as training alone makes them.
    twin = compile_for(network(batch_norm=True, depth=2), optimizer="adam", learning_rate=0.01)
    train_fast(twin, x, y, epochs=1, batch_size=64, seed=0, chunk=1)
    for ours, theirs in zip(model.non_trainable_weights, twin.non_trainable_weights, strict=True):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)
    dense, norm = model.get_layer("hidden_1"), model.get_layer("hidden_1_bn")
    normalized = norm(dense(x[:30]), training=True)  # as in a training step on the probe
    np.testing.assert_allclose(watch.pre_activations[0][-1], normalized, atol=1e-4)
    assert watch.dead[0].max() == 0  # standardized over the probe, every unit is positive somewhere


def test_a_huge_learning_rate_kills_units_and_the_record_shows_it():
    model = network(depth=4)
    x, y = data()
    watch = watch_training(model, x, y, epochs=4, optimizer="adam", learning_rate=0.5,
                           batch_size=8)  # fmt: skip
    assert watch.dead[-1].mean() > watch.dead[0].mean()


def test_a_run_that_blows_up_records_nan_dead_shares():
    model = network(depth=4)
    x, y = data()
    watch = watch_training(model, x * 5, y, epochs=4, learning_rate=5.0, batch_size=8)
    assert np.isfinite(watch.dead[0]).all()
    assert np.isnan(watch.dead[-1]).all()


def test_plots_draw_the_chosen_epoch(watched):
    watch = watched[3]
    ax = new_figure().add_subplot()
    assert plot_watch_histograms(watch, 1, ax) is ax
    assert ax.get_title().endswith("epoch 1")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("layer 1 ·") and labels[0].endswith("dead")
    assert len(ax.collections) == 2  # fills and outlines
    default = plot_watch_histograms(watch)
    assert default.get_title().endswith("epoch 3")
    ax = plot_dead_shares(watch, epoch=2)
    assert len(ax.get_lines()) == watch.n_layers + 1  # one per layer, the epoch marked
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), watch.dead[:, 1])
    assert len(plot_dead_shares(watch).get_lines()) == watch.n_layers


BAD = [
    ("model", {"model": "net"}, TypeError, "keras.Sequential"),
    ("model", {"model": keras.Sequential([keras.layers.Dense(2)])}, ValueError, "keras.Input"),
    ("epochs", {"epochs": 0}, ValueError, "epochs=0"),
    ("learning_rate", {"learning_rate": 0}, ValueError, "learning_rate=0"),
    ("optimizer", {"optimizer": "momentum"}, ValueError, "optimizer='momentum'"),
    ("batch_size", {"batch_size": 0}, ValueError, "batch_size=0"),
    ("probe_size", {"probe_size": 1}, ValueError, "probe_size=1"),
    ("y", {"y": np.zeros(5)}, ValueError, "one target per row"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "error", "fragment"), BAD)
def test_bad_input_is_refused_with_a_clear_message(name, change, error, fragment):
    x, y = data()
    arguments = {"model": network(depth=1), "x": x, "y": y} | change
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(".", r"\.")):
        watch_training(arguments.pop("model"), arguments.pop("x"), arguments.pop("y"),
                       **arguments)  # fmt: skip


def test_a_network_without_relu_is_refused():
    keras.utils.set_random_seed(0)
    model = build_dense_network(6, (4,), activation="tanh", output="classes", n_outputs=3)
    with pytest.raises(ValueError, match="at least one ReLU"):
        watch_training(model, *data())


def test_plots_refuse_bad_input(watched):
    watch = watched[3]
    with pytest.raises(TypeError, match="TrainingWatch"):
        plot_watch_histograms("watch")
    with pytest.raises(ValueError, match="epoch=4"):
        plot_watch_histograms(watch, 4)
    with pytest.raises(ValueError, match="bins=2"):
        plot_watch_histograms(watch, bins=2)
    with pytest.raises(ValueError, match="epoch=-2"):
        plot_dead_shares(watch, epoch=-2)

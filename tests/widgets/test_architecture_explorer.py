"""The architecture explorer (lesson 04) driven from code: set `.value` on a control, read the
status line at once, `.wait()`, then read the PNG bytes, the caption and the numbers."""

from __future__ import annotations

import importlib
import re
import threading

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hlcourse import models
from hlcourse.widgets.architecture_explorer import architecture_explorer

# The module itself (its constants and helpers): `hlcourse.widgets.architecture_explorer` as
# an attribute is the function, once the package re-exports it.
module = importlib.import_module("hlcourse.widgets.architecture_explorer")


@pytest.fixture(scope="module")
def keras_once():
    """A cleared Keras session once for this file, not before every test as `keras_fresh`
    does (0.5 s each): the explorer never reads Keras' global seed (its initializers carry
    their own), so what one test built cannot change what the next one sees."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    return keras


@pytest.fixture
def make_explorer(keras_once):
    """Builds explorers (50 epochs unless told); waits for their threads when a test ends."""
    built = []

    def make(**kwargs):
        built.append(architecture_explorer(**{"epochs": 50, **kwargs}))
        return built[-1]

    yield make
    for explorer in built:
        assert explorer.wait(timeout=120)


@pytest.fixture
def quick(monkeypatch):
    """No pictures while training (one chunk, the finished picture only): for tests about
    something else, each run about 1 s shorter. The pictures drawn while training have their
    own tests below."""
    monkeypatch.setattr(module, "FRAMES", 1)


def _worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == module.THREAD_NAME and t.is_alive()]


def _announced_parameters(status: str) -> int:
    found = re.search(r"\(([\d,]+) parameters\)", status)
    assert found, f"no parameter count in the status line {status!r}"
    return int(found.group(1).replace(",", ""))


def test_first_picture_numbers_and_caption_are_there_at_once(quick, make_explorer):
    explorer = make_explorer(dataset="spiral", hidden_layers=2, neurons=8)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.caption.value.startswith(
        "spiral · 2 hidden layers × 8 relu neurons · 105 parameters · train accuracy "
    )
    result = explorer.last_result
    assert set(result) == {"train_accuracy", "test_accuracy", "parameters", "epochs_done",
                           "seconds"}  # fmt: skip
    assert (
        f"train accuracy {result['train_accuracy']:.2f}, test accuracy " in explorer.caption.value
    )
    assert f"test accuracy {result['test_accuracy']:.2f} after 50 epochs" in explorer.caption.value
    assert result["parameters"] == 105 == models.parameter_table(explorer.model).total
    assert result["epochs_done"] == 50 and result["seconds"] > 0
    assert set(explorer.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 50 for values in explorer.history.values())
    assert explorer.status.value.startswith("done: 2 × 8 relu (105 parameters), 50 epochs in ")
    [(setting, feedback, final)] = explorer.timings
    assert setting == {"dataset": "spiral", "hidden_layers": 2, "neurons": 8,
                       "activation": "relu", "learning_rate": 0.03, "epochs": 50}  # fmt: skip
    assert 0 <= feedback <= final
    assert explorer.errors == []


def test_every_control_redraws_and_the_caption_names_the_new_setting(quick, make_explorer):
    explorer = make_explorer(hidden_layers=1, neurons=3, activation="tanh", learning_rate=0.01)
    steps = [
        (explorer.dataset, "dataset", "moons", "moons · 1 hidden layer × 3 tanh neurons · "),
        (explorer.hidden_layers, "hidden_layers", 3, "3 hidden layers × 3 tanh neurons · 37 "),
        (explorer.neurons, "neurons", 5, "3 hidden layers × 5 tanh neurons · 81 parameters"),
        (explorer.activation, "activation", "sigmoid", "3 hidden layers × 5 sigmoid neurons"),
        (explorer.learning_rate, "learning_rate", 0.1, "(Adam, learning rate 0.1)"),
        (explorer.epochs, "epochs", 100, " after 100 epochs (Adam"),
    ]
    for control, name, value, words in steps:
        image, caption = explorer.image.value, explorer.caption.value
        control.value = value
        assert explorer.wait()
        assert explorer.image.value != image, f"changing {name} did not redraw the picture"
        assert explorer.caption.value != caption
        assert words in explorer.caption.value, explorer.caption.value
        assert explorer.timings[-1][0][name] == value
    assert explorer.errors == []


def test_feedback_is_synchronous_and_counts_the_parameters_of_the_model_built(quick, make_explorer):
    explorer = make_explorer(hidden_layers=1, neurons=2)
    for layers, neurons, words in [
        (3, 5, "training 3 × 5 relu (81 parameters)…"),
        (0, 5, "training a network with no hidden layer (3 parameters)…"),
        (6, 64, "training 6 × 64 relu (21,057 parameters)…"),
        (1, 1, "training 1 × 1 relu (5 parameters)…"),
    ]:
        explorer.hidden_layers.value = layers
        explorer.neurons.value = neurons
        # Read before waiting: the observer itself wrote it, before any model was built.
        assert explorer.status.value.startswith(words)
        announced = _announced_parameters(explorer.status.value)
        assert explorer.wait()
        assert announced == models.parameter_table(explorer.model).total
        assert announced == explorer.last_result["parameters"]
    assert explorer.errors == []


def test_the_parameter_formula_matches_keras(keras_once):
    for layers in range(7):
        for neurons in (1, 2, 7, 64):
            model = models.build_dense_network(2, [neurons] * layers, output="binary")
            expected = models.parameter_table(model).total
            assert module._parameter_count(layers, neurons) == expected, (layers, neurons)


def test_status_and_picture_follow_the_training(make_explorer):
    explorer = make_explorer(hidden_layers=1, neurons=4)
    statuses, captions, images = [], [], []
    explorer.status.observe(lambda change: statuses.append(change["new"]), names="value")
    explorer.caption.observe(lambda change: captions.append(change["new"]), names="value")
    explorer.image.observe(lambda change: images.append(change["new"]), names="value")
    explorer.hidden_layers.value = 2
    assert explorer.wait()

    words = "training 2 × 4 relu (37 parameters)…"
    assert statuses[0] == words
    assert f"{words} epoch 9/50" in statuses  # chunks of 50 / FRAMES epochs
    assert f"{words} epoch 50/50" in statuses
    assert statuses[-1].startswith("done: 2 × 4 relu (37 parameters), 50 epochs in ")

    during = [c for c in captions if "still training" in c]
    # The first chunk is always drawn; later ones unless the machine is slow (SOFT_DEADLINE).
    assert 1 <= len(during) <= module.FRAMES - 1
    assert "after 9 of 50 epochs, still training (Adam, learning rate 0.03)" in during[0]
    assert all(c.startswith("spiral · 2 hidden layers × 4 relu neurons · ") for c in during)
    assert captions[-1] == explorer.caption.value and "still training" not in captions[-1]
    assert len(images) == len(captions) and len(set(images)) == len(images)


def test_rapid_changes_leave_only_the_last_one_drawn(make_explorer):
    explorer = make_explorer(hidden_layers=1, neurons=4)
    drawn = []
    explorer.caption.observe(lambda change: drawn.append(change["new"]), names="value")
    for layers in range(7):
        explorer.hidden_layers.value = layers  # no waiting in between
    assert explorer.status.value.startswith("training 6 × 4 relu (")
    assert explorer.wait()
    assert explorer.caption.value.startswith("spiral · 6 hidden layers × 4 relu neurons · ")
    assert drawn[-1] == explorer.caption.value
    shown = {caption.split(" · ")[1] for caption in drawn}
    assert len(shown) < 7  # stale settings were cancelled, not all drawn
    assert len(explorer.timings) < 1 + 7  # only settings that reached the picture are timed
    assert explorer.timings[-1][0]["hidden_layers"] == 6
    assert len(explorer.model.layers) == 7  # six hidden layers and the output
    assert explorer.errors == []
    assert not _worker_threads()


def test_hidden_layers_bend_the_boundary_round_the_circles(quick, make_explorer):
    """Margins from a sweep over seeds 0-4 (circles, 300 epochs, learning rate 0.03): with
    no hidden layer the test accuracy was 0.46-0.56 (training 0.52-0.60), with 2 x 16 relu
    0.93-0.99 (training 0.99-1.00). Bounds: below 0.75 and above 0.9."""
    explorer = make_explorer(dataset="circles", hidden_layers=0, neurons=16, epochs=300)
    linear = explorer.last_result["test_accuracy"]
    assert "no hidden layer (a straight boundary)" in explorer.caption.value
    explorer.hidden_layers.value = 2
    assert explorer.wait()
    assert explorer.caption.value.startswith("circles · 2 hidden layers × 16 relu neurons")
    assert linear < 0.75, f"a model with no hidden layer reached {linear:.2f} on circles"
    deep = explorer.last_result["test_accuracy"]
    assert deep > 0.9, f"2 x 16 relu reached only {deep:.2f} on circles"


def test_the_same_seed_gives_the_same_run(quick, make_explorer):
    first = make_explorer(hidden_layers=3, neurons=4, seed=7)
    second = make_explorer(hidden_layers=3, neurons=4, seed=7)
    assert first.history == second.history
    # A SeedGenerator, not an int seed: layers of the same shape start from different weights.
    kernels = [first.model.get_layer(f"hidden_{i}").kernel.numpy() for i in (2, 3)]
    assert (kernels[0] != kernels[1]).any()


def test_errors_in_the_background_are_recorded_not_lost(quick, make_explorer, monkeypatch):
    explorer = make_explorer(hidden_layers=1, neurons=2)

    def broken(*_args):
        raise RuntimeError("out of coffee")

    monkeypatch.setattr(explorer, "_train_and_draw", broken)
    before = explorer.image.value
    explorer.neurons.value = 3
    assert explorer.wait()
    assert [str(e) for e in explorer.errors] == ["out of coffee"]
    assert "training failed" in explorer.status.value
    assert explorer.image.value == before


def test_no_figure_or_thread_is_left_after_many_changes(make_explorer):
    explorer = make_explorer(hidden_layers=0, neurons=1)  # smallest settings, 50 epochs
    open_before = plt.get_fignums()
    for step in range(200):
        explorer.hidden_layers.value = (step + 1) % 7
    assert explorer.wait(timeout=120)
    assert plt.get_fignums() == open_before
    assert not _worker_threads()
    assert explorer.errors == []
    assert explorer.caption.value.startswith("spiral · 4 hidden layers × 1 relu neuron · 11 ")


def test_controls_are_marked_labelled_and_bounded(quick, make_explorer):
    explorer = make_explorer(hidden_layers=1, neurons=2)
    assert "hlc-main-control" in explorer.hidden_layers._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes
    labels = {
        "dataset": "Data set", "hidden_layers": "Hidden layers",
        "neurons": "Neurons per layer", "activation": "Activation",
        "learning_rate": "Learning rate", "epochs": "Epochs",
    }  # fmt: skip
    for name, label in labels.items():
        assert getattr(explorer, name).description == label
    for slider in (explorer.hidden_layers, explorer.neurons, explorer.learning_rate,
                   explorer.epochs):  # fmt: skip
        assert not slider.continuous_update
    assert list(explorer.learning_rate.options) == [
        ("0.001", 0.001), ("0.003", 0.003), ("0.01", 0.01), ("0.03", 0.03), ("0.1", 0.1),
        ("0.3", 0.3),
    ]  # fmt: skip
    assert [value for _, value in explorer.epochs.options] == [50, 100, 200, 300, 500, 1000]
    assert list(explorer.activation.options) == ["relu", "tanh", "sigmoid", "linear"]
    assert list(explorer.dataset.options) == ["xor", "circles", "gauss", "spiral", "moons"]
    explorer.hidden_layers.value = 99  # sliders clamp to their range
    assert explorer.hidden_layers.value == 6
    explorer.neurons.value = 0
    assert explorer.neurons.value == 1
    for control, value in [(explorer.activation, "softplus"), (explorer.learning_rate, 0.05),
                           (explorer.epochs, 250), (explorer.dataset, "blobs")]:  # fmt: skip
        with pytest.raises(Exception, match="Invalid selection"):
            control.value = value
    with pytest.raises(ValueError, match="timeout=-1"):
        explorer.wait(timeout=-1)


# --- bad input (the same rows belong in tests/test_bad_input.py) ---------------------------

BAD_INPUT = [
    (("blobs",), {}, ValueError, "one of 'xor'"),
    (("Spiral",), {}, ValueError, "Did you mean 'spiral'"),
    ((3,), {}, TypeError, "dataset=3"),
    ((), {"hidden_layers": 7}, ValueError, "0 to 6"),
    ((), {"hidden_layers": -1}, ValueError, "hidden_layers=-1"),
    ((), {"hidden_layers": 2.0}, TypeError, "hidden_layers=2.0"),
    ((), {"neurons": 0}, ValueError, "1 to 64"),
    ((), {"neurons": 65}, ValueError, "neurons=65"),
    ((), {"neurons": "8"}, TypeError, "neurons='8'"),
    ((), {"activation": "elu"}, ValueError, "'relu', 'tanh', 'sigmoid', 'linear'"),
    ((), {"activation": "ReLU"}, ValueError, "Did you mean 'relu'"),
    ((), {"activation": None}, TypeError, "activation=None"),
    ((), {"learning_rate": 0.05}, ValueError, "one of 0.001, 0.003, 0.01, 0.03, 0.1, 0.3"),
    ((), {"learning_rate": 0}, ValueError, "learning_rate=0"),
    ((), {"learning_rate": "fast"}, TypeError, "learning_rate='fast'"),
    ((), {"epochs": 250}, ValueError, "one of 50, 100, 200, 300, 500, 1000"),
    ((), {"epochs": 5000}, ValueError, "epochs=5000"),
    ((), {"epochs": 300.0}, TypeError, "epochs=300.0"),
    ((), {"seed": -1}, ValueError, "seed=-1"),
    ((), {"seed": 10**5}, ValueError, "0 to 9999"),
    ((), {"seed": "0"}, TypeError, "seed='0'"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "kwargs", "error", "fragment"), BAD_INPUT)
def test_bad_input_gets_a_clear_error(args, kwargs, error, fragment):
    with pytest.raises(error) as caught:
        architecture_explorer(*args, **kwargs)
    message = str(caught.value)
    assert fragment in message
    assert "Received" in message, "errors say what they received"
    assert not _worker_threads()  # refused before any work started


def test_every_model_built_has_the_same_variable_names(quick, make_explorer):
    """TensorFlow caches a kernel per variable name for the life of the process: the models the
    explorer builds reuse one name, so a model of a shape seen before adds nothing to it."""
    from hlcourse.widgets.architecture_explorer import MODEL_NAME

    explorer = make_explorer(dataset="xor", hidden_layers=1, neurons=4)
    first = [w.path for w in explorer.model.weights]
    explorer.neurons.value = 8
    assert explorer.wait(timeout=120)
    explorer.neurons.value = 4
    assert explorer.wait(timeout=120)
    assert explorer.model.name == MODEL_NAME
    assert [w.path for w in explorer.model.weights] == first
    assert all(path.startswith(MODEL_NAME + "/") for path in first)


def test_networks_of_new_shapes_train_without_tracing_a_loop(quick, make_explorer):
    """The explorer trains in the loop train_fast shares between shapes (shared_loop=True): a
    depth or width never seen before traces nothing (each trace kept about 1 MB for good)."""
    from hlcourse.training import _dense_loop

    explorer = make_explorer(dataset="xor", hidden_layers=1, neurons=3)
    explorer.hidden_layers.value = 4  # both slot sizes traced (at most once per process)
    assert explorer.wait(timeout=120)
    traced = _dense_loop.tracing_count()
    for layers, neurons in ((2, 11), (0, 11), (5, 29), (3, 2)):
        explorer.hidden_layers.value, explorer.neurons.value = layers, neurons
        assert explorer.wait(timeout=120)
        assert explorer.errors == [] and explorer.last_result["epochs_done"] == 50
        (loop,) = explorer.model._hlc_training_loops.values()
        assert isinstance(loop, _dense_loop.DenseRun)
    after = _dense_loop.tracing_count()
    assert after == traced


def test_new_widths_keep_tensorflows_kernel_cache_bounded(quick, make_explorer, monkeypatch):
    """Every model's variable shapes are noted in hlcourse._tf.memory, which clears TensorFlow's
    kernel cache past its bound (each new shape kept about 70 kB there for good; 64 widths
    kept 40-60 MB). A network trained right after a clearing is the one trained without it."""
    from hlcourse._tf import memory as _memory

    cleared = []
    clear = _memory._clear_kernel_cache
    monkeypatch.setattr(_memory, "_shapes_seen", set())
    monkeypatch.setattr(_memory, "_freed_loops", [0])
    monkeypatch.setattr(_memory, "KERNEL_SHAPES", 6)  # fewer than two widths' shapes
    monkeypatch.setattr(_memory, "_clear_kernel_cache", lambda: cleared.append(1) or clear())
    explorer = make_explorer(dataset="xor", hidden_layers=1, neurons=3)
    first = explorer.caption.value, [w.copy() for w in explorer.model.get_weights()]
    for neurons in (4, 5, 3):  # 4 shapes a width: (2, n), (n,), (n, 1), (1,)
        explorer.neurons.value = neurons
        assert explorer.wait(timeout=120)
        assert explorer.errors == []
    assert len(cleared) == 3  # each new width: 4 + 3 new shapes > 6
    assert _memory._shapes_seen == {(2, 3), (3,), (3, 1), (1,)}
    again = explorer.caption.value, explorer.model.get_weights()
    assert again[0] == first[0]
    for a, b in zip(again[1], first[1], strict=True):
        np.testing.assert_array_equal(a, b)

"""The playground's engine: TFP's data and recipe, the keras recipe, training, changes, edits.

The playground recipe is checked against a hand computation of TensorFlow Playground's
training written here (NumPy float64, one point at a time, as its nn.ts accumulates), and the
starting weights against the random stream drawn by hand.
"""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from hlcourse.playground import engine as en
from hlcourse.playground import loop
from hlcourse.playground import model as md
from hlcourse.playground.compiler import XLA_COMPILER, XLA_THREAD_NAME
from hlcourse.playground.engine import PlaygroundEngine
from hlcourse.playground.model import build_model, forward, make_data, model_as_code
from hlcourse.playground.state import PlaygroundState
from hlcourse.playground.tfp_data import tfp_data, tfp_initial_weights

DEFAULT = PlaygroundState()
KERAS = DEFAULT.with_changes(recipe="keras")
# Polls for a background thread give up after this long (a behaviour check, not a speed limit).
PATIENCE = 60.0


def wait_until(condition, patience: float = PATIENCE) -> bool:
    end = time.monotonic() + patience
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def play_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == en.PLAY_THREAD_NAME and t.is_alive()]


def weights_equal(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.fixture
def engine(keras_fresh):
    eng = PlaygroundEngine()
    yield eng
    eng.close()


@pytest.fixture(autouse=True)
def room_for_compilations(monkeypatch):
    """The bound on XLA shapes is per process: tests other than the bound's own have room."""
    monkeypatch.setattr(XLA_COMPILER, "max_shapes", 10_000)


# --- data ------------------------------------------------------------------------------------


def test_make_data_is_tfps_page_load_with_the_states_features():
    state = DEFAULT.with_changes(
        dataset="xor", features=("x1", "x2", "x1*x2", "sin_x1"), train_share=30, noise=10,
        seed="0.5",
    )  # fmt: skip
    d = make_data(state)
    raw = tfp_data("0.5", "xor", 10, 30)
    np.testing.assert_array_equal(d.dataset.x_train, raw.x_train)
    np.testing.assert_array_equal(d.dataset.y_test, raw.y_test)
    assert d.x_train.shape == (150, 4) and d.x_test.shape == (350, 4)
    assert d.x_train.dtype == d.y_train.dtype == np.float64 and d.y_train.shape == (150, 1)
    assert set(np.unique(d.y_train)) == {-1.0, 1.0}
    np.testing.assert_array_equal(d.x_train[:, :2], raw.x_train)
    np.testing.assert_array_equal(d.x_train[:, 2], raw.x_train[:, 0] * raw.x_train[:, 1])
    np.testing.assert_allclose(d.x_train[:, 3], np.sin(raw.x_train[:, 0]), rtol=0, atol=1e-15)
    again = make_data(state.to_config())
    np.testing.assert_array_equal(again.x_train, d.x_train)  # the seed pins the points
    other = make_data(state.with_changes(seed="0.6"))
    assert not np.array_equal(other.x_train, d.x_train)


def test_make_data_regression_keras_targets_and_no_feature():
    d = make_data(DEFAULT.with_changes(dataset="reg-gauss"))
    assert d.n_train + d.n_test == 1200 and len(np.unique(d.y_train)) > 10
    assert np.abs(d.dataset.x_train).max() <= 6
    play, keras_ = make_data(DEFAULT), make_data(KERAS)
    np.testing.assert_array_equal(play.dataset.x_train, keras_.dataset.x_train)  # same points
    assert keras_.x_train.dtype == keras_.y_train.dtype == np.float32
    np.testing.assert_array_equal(keras_.y_train, (play.y_train + 1) / 2)  # 1 for +1, 0 for -1
    none = make_data(DEFAULT.with_changes(features=()))
    assert none.x_train.shape == (250, 0)


# --- starting weights ------------------------------------------------------------------------


def drawn_by_hand(state: PlaygroundState) -> list[np.ndarray]:
    """TFP's buildNetwork from the stream after the page load's data: for each layer, for each
    node i of it, for each node j of the layer below, one draw Math.random() - 0.5 for the
    link j -> i (kernel row j, column i); every bias 0.1."""
    rng = tfp_data(state.seed, state.data_name, state.noise, state.train_share).rng
    sizes = [len(state.features), *state.layers, 1]
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        kernel = np.empty((n_in, n_out))
        for i in range(n_out):
            for j in range(n_in):
                kernel[j, i] = rng.random() - 0.5
        weights += [kernel, np.full(n_out, 0.1)]
    return weights


def test_the_starting_weights_are_tfps_draws_in_its_link_order(keras_fresh):
    state = DEFAULT.with_changes(
        features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin_x1", "sin_x2"),
        layers=(8, 8, 8, 8, 8, 8), dataset="spiral", seed="0.31415",
    )  # fmt: skip
    with PlaygroundEngine(state) as engine:
        expected = drawn_by_hand(state)
        assert weights_equal(engine._weights, expected)
        raw = tfp_data(state.seed, "spiral", 0, 50)
        pairs = tfp_initial_weights(raw.rng, [7, 8, 8, 8, 8, 8, 8, 1])
        assert weights_equal(engine._weights, [w for pair in pairs for w in pair])
        # The law: U(-0.5, 0.5) for all 7 * 8 + 5 * 64 + 8 links (quarters about equally
        # full), 0.1 for every bias.
        links = np.concatenate([w.ravel() for w in engine._weights[::2]])
        assert len(links) == 384 and links.min() >= -0.5 and links.max() < 0.5
        counts = np.histogram(links, bins=4, range=(-0.5, 0.5))[0]
        assert counts.min() > 384 / 4 - 3 * math.sqrt(384 * 3 / 16)
        assert all(np.all(b == 0.1) for b in engine._weights[1::2])
        # The Keras model holds them too (as float32), with TFP's recipe around them.
        for got, want in zip(engine.model.get_weights(), expected, strict=True):
            np.testing.assert_array_equal(got, want.astype(np.float32))
        config = engine.model.layers[-1].get_config()
        assert config["activation"] == "tanh"
        assert config["kernel_initializer"]["class_name"] == "RandomUniform"
        assert config["bias_initializer"]["config"]["value"] == 0.1


def test_the_same_state_starts_alike_and_another_seed_otherwise(keras_fresh):
    first = build_model(DEFAULT).get_weights()
    assert weights_equal(first, build_model(DEFAULT.to_link()).get_weights())
    assert not weights_equal(first, build_model(DEFAULT.with_changes(seed="0.1")).get_weights())


def test_init_zeros_and_too_large(keras_fresh):
    with PlaygroundEngine(DEFAULT.with_changes(init="zeros")) as engine:
        assert all(not np.any(w) for w in engine._weights)  # TFP's initZero: biases too
        # TFP still draws a number per link: the stream stands where the default's does.
        assert (
            engine._stream.random()
            == copy.deepcopy(md.make_start(DEFAULT, engine.data).stream).random()
        )
    for state in (DEFAULT, KERAS):
        large = build_model(state.with_changes(init="too_large", layers=(8, 8, 8)))
        kernels = [layer.kernel.numpy() for layer in large.layers]
        assert np.std(np.concatenate([k.ravel() for k in kernels])) > 2.0
        assert not np.array_equal(kernels[1], kernels[2])  # each layer its own draw
        again = build_model(state.with_changes(init="too_large", layers=(8, 8, 8)))
        assert weights_equal(large.get_weights(), again.get_weights())  # seeded by the link
        bias = 0.1 if state.recipe == "playground" else 0.0
        assert all(np.all(layer.bias.numpy() == np.float32(bias)) for layer in large.layers)


def test_the_keras_recipe_starts_from_seeded_glorot(keras_fresh):
    state = KERAS.with_changes(layers=(8, 8, 8))
    model = build_model(state)
    kernels = [layer.kernel.numpy() for layer in model.layers]
    for kernel in kernels:
        limit = math.sqrt(6 / sum(kernel.shape))
        assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.5 * limit
    assert all(not np.any(layer.bias.numpy()) for layer in model.layers)
    assert not np.array_equal(kernels[1], kernels[2])
    assert weights_equal(model.get_weights(), build_model(state).get_weights())
    other = build_model(state.with_changes(seed="0.2")).get_weights()
    assert not weights_equal(model.get_weights(), other)
    assert model.layers[-1].get_config()["activation"] == "sigmoid"


# --- the loss --------------------------------------------------------------------------------


def test_the_losses_shown_are_half_the_squared_error_of_the_tanh_output(engine):
    d = engine.data
    h = d.x_train
    w = engine._weights
    for k in range(3):
        h = np.tanh(h @ w[2 * k] + w[2 * k + 1])  # tanh hidden layers and tanh output
    assert engine.train_loss == pytest.approx(np.mean(0.5 * (h - d.y_train) ** 2), rel=1e-14)
    assert engine.history == {"train_loss": [engine.train_loss], "test_loss": [engine.test_loss]}
    # At chance (output ~0 on +1 / -1 targets) that is about 0.5.
    assert 0.4 < engine.test_loss < 0.6


def test_the_keras_recipes_losses_are_cross_entropy_and_mse(keras_fresh):
    import keras

    for state, loss in (
        (KERAS, keras.losses.BinaryCrossentropy()),
        (KERAS.with_changes(dataset="reg-plane"), keras.losses.MeanSquaredError()),
        (DEFAULT.with_changes(dataset="reg-plane"), None),
    ):
        with PlaygroundEngine(state) as engine:
            engine.run_epochs(2)
            d = engine.data
            out = engine.model(d.x_test).numpy().astype(np.float64)
            want = (
                0.5 * np.mean((out - d.y_test) ** 2) if loss is None else float(loss(d.y_test, out))
            )
            assert engine.test_loss == pytest.approx(want, rel=1e-4)
            assert len(engine.history["test_loss"]) == engine.epoch + 1


def test_forward_gives_every_layers_output(engine):
    engine.run_epochs(2)
    layers = forward(engine.state, engine.model.get_weights(), engine.data.x_test)
    assert [h.shape for _, h in layers] == [(250, 4), (250, 2), (250, 1)]
    np.testing.assert_allclose(layers[-1][1], engine.model(engine.data.x_test), atol=1e-5)
    with pytest.raises(ValueError, match="shapes"):
        forward(engine.state, engine.model.get_weights()[:2], engine.data.x_test)
    with pytest.raises(TypeError, match="weights"):
        forward(engine.state, 3, engine.data.x_test)
    with pytest.raises(ValueError, match="x"):
        forward(engine.state, engine.model.get_weights(), np.zeros((3, 5)))


# --- one epoch against a hand computation --------------------------------------------------


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


HAND_ACTIVATIONS = {  # (f, f') as TFP's nn.ts defines them
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: np.where(z <= 0, 0.0, 1.0)),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
}


def hand_training(state, weights, x, y, epochs):
    """TensorFlow Playground's oneStep, `epochs` times, by hand: for each training point in
    order, the forward pass and the backward pass, adding each link's and bias's derivative
    to its sum; after every `batch_size`-th point of an epoch, each sum divided by the number
    of points summed makes a step (the sums of a short last batch wait for the next epoch's
    first step). Then the penalty's step, from the weight before the data step: L2 lr*rate*w,
    L1 lr*rate*sign(w), where a weight it carries across zero becomes 0 and frozen.

    Returns:
        ``[(weights, dead, train_loss), ...]`` after each epoch.
    """
    kernels = [np.array(w, np.float64) for w in weights[::2]]
    biases = [np.array(w, np.float64) for w in weights[1::2]]
    dead = [np.zeros(k.shape, bool) for k in kernels]
    sum_k = [np.zeros_like(k) for k in kernels]
    sum_b = [np.zeros_like(b) for b in biases]
    count = 0
    lr, rate = state.learning_rate, state.regularization_rate
    n_layers = len(kernels)

    def activation(layer):
        if layer < n_layers - 1:
            return HAND_ACTIVATIONS[state.activation]
        return HAND_ACTIVATIONS["tanh" if state.problem == "classification" else "linear"]

    def outputs(point):
        hs, zs = [point], []
        for layer in range(n_layers):
            z = biases[layer] + hs[-1] @ kernels[layer]
            zs.append(z)
            hs.append(activation(layer)[0](z))
        return hs, zs

    def loss(xs, ys):
        return np.mean([0.5 * (outputs(p)[0][-1][0] - t) ** 2 for p, t in zip(xs, ys, strict=True)])

    def update():
        nonlocal count
        for layer in range(n_layers):
            biases[layer] -= lr * sum_b[layer] / count
            old = kernels[layer]
            if state.regularization == "l1":
                slope = np.sign(old)
            elif state.regularization == "l2":
                slope = old
            else:
                slope = np.zeros_like(old)
            stepped = old - (lr / count) * sum_k[layer]
            new = stepped - (lr * rate) * slope
            crossed = (stepped * new < 0) & ~dead[layer] & (state.regularization == "l1")
            new = np.where(crossed, 0.0, new)
            kernels[layer] = np.where(dead[layer], old, new)
            dead[layer] = dead[layer] | crossed
            sum_k[layer][:] = 0
            sum_b[layer][:] = 0
        count = 0

    after = []
    for _ in range(epochs):
        for i, (point, target) in enumerate(zip(x, y[:, 0], strict=True)):
            hs, zs = outputs(point)
            out_der = hs[-1] - target
            for layer in reversed(range(n_layers)):
                in_der = out_der * activation(layer)[1](zs[layer])
                sum_b[layer] += in_der
                sum_k[layer] += np.outer(hs[layer], in_der) * ~dead[layer]
                out_der = kernels[layer] @ in_der  # through frozen links too
            count += 1
            if (i + 1) % state.batch_size == 0:
                update()
        weights = [w.copy() for pair in zip(kernels, biases, strict=True) for w in pair]
        after.append((weights, [d.copy() for d in dead], loss(x, y)))
    return after


HAND_STATES = [
    # L1 on a relu network with a short last batch (250 = 35 * 7 + 5): links die.
    DEFAULT.with_changes(
        dataset="spiral", features=("x1", "x2", "sin_x1"), layers=(5, 3), activation="relu",
        batch_size=7, learning_rate=0.1, regularization="l1", regularization_rate=0.03,
    ),
    # L2 (250 = 8 * 30 + 10).
    DEFAULT.with_changes(
        dataset="xor", layers=(4, 2), batch_size=30, learning_rate=0.3, regularization="l2",
        regularization_rate=0.3, seed="0.9",
    ),
    # Regression (600 = 54 * 11 + 6), sigmoid units, L2.
    DEFAULT.with_changes(
        dataset="reg-gauss", features=("x1", "x2", "x1^2", "x2^2", "x1*x2"), layers=(3,),
        activation="sigmoid", batch_size=11, regularization="l2", regularization_rate=0.01,
    ),
    # No hidden layer, a step every point, L1.
    DEFAULT.with_changes(
        dataset="gauss", layers=(), batch_size=1, learning_rate=0.01, regularization="l1",
        regularization_rate=0.1, noise=20,
    ),
]  # fmt: skip


@pytest.mark.parametrize("state", HAND_STATES, ids=lambda s: s.to_config()[:60])
def test_two_epochs_are_tfps_updates_by_hand(state, keras_fresh):
    with PlaygroundEngine(state) as engine:
        engine._use_xla = False
        d = engine.data
        expected = hand_training(state, engine._weights, d.x_train, d.y_train, 2)
        for epoch in (1, 2):
            engine.step()
            weights, dead, train_loss = expected[epoch - 1]
            for got, want in zip(engine._weights, weights, strict=True):
                np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
            assert [np.array_equal(a, b) for a, b in zip(engine.dead_links, dead, strict=True)] == [
                True
            ] * len(dead)
            assert engine.train_loss == pytest.approx(train_loss, rel=1e-12)
        assert engine.steps == 2 * (d.n_train // state.batch_size)
        assert len(engine.history["train_loss"]) == 3
        if state.regularization == "l1" and state.layers:
            assert sum(int(x.sum()) for x in engine.dead_links) > 0


def test_frozen_links_stay_zero_and_keep_a_hand_set_value(keras_fresh):
    with PlaygroundEngine(HAND_STATES[0]) as engine:
        engine.run_epochs(5)
        dead = engine.dead_links
        layer = next(k for k, mask in enumerate(dead) if mask.any())
        source, target = np.argwhere(dead[layer])[0]
        frozen = [engine._weights[2 * k][mask] for k, mask in enumerate(dead)]
        assert all(not np.any(values) for values in frozen)
        engine.run_epochs(5)
        for k, mask in enumerate(dead):
            assert not np.any(engine._weights[2 * k][mask])  # still 0
            assert np.all(engine.dead_links[k][mask])  # still frozen
        engine.set_weight(layer, int(source), int(target), 0.25)  # as TFP: takes the value
        engine.run_epochs(3)
        assert engine._weights[2 * layer][source, target] == 0.25  # and stays frozen
        assert engine.dead_links[layer][source, target]
        engine.reset()
        assert not any(mask.any() for mask in engine.dead_links)


def test_the_short_last_batch_is_carried_into_the_next_epoch(keras_fresh):
    state = DEFAULT.with_changes(batch_size=30)  # 250 = 8 * 30 + 10
    with PlaygroundEngine(state) as engine:
        engine._use_xla = False
        engine.step()
        assert engine.steps == 8 and engine._carried == 10
        assert any(np.any(c) for c in engine._carry)
        engine.step()
        assert engine.steps == 16 and engine._carried == 10


# L1 kills links and 250 = 27 * 9 + 7 carries a short batch: the loops could differ in both.
# The link test below trains the same shapes, so this process compiles them once for both.
XLA_STATE = HAND_STATES[0].with_changes(batch_size=9)


def test_the_xla_loop_trains_as_the_graph_loop(keras_fresh):
    with PlaygroundEngine(XLA_STATE) as engine:
        engine._use_xla = False
        graph = engine.run_epochs(3)
        graph_weights, graph_dead = engine._weights, engine.dead_links
        engine.reset()
        engine._use_xla = True
        assert engine._run(3, wait_for_xla=True)  # compiled (1-4 s), then trained
        np.testing.assert_allclose(
            engine.history["train_loss"][1:], graph["train_loss"], rtol=1e-12
        )
        for got, want in zip(engine._weights, graph_weights, strict=True):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
        assert weights_equal(engine.dead_links, graph_dead)
        # Ready now: later calls of these shapes run compiled without waiting.
        assert XLA_COMPILER.ready(engine._xla_key())
        assert engine._run(1)


# Another seed, data set and noise than XLA_STATE, all of which the link must carry; the same
# shapes (features, layers, batch size), so the compiled loop is shared in this process.
LINK = XLA_STATE.with_changes(dataset="xor", seed="0.77777", noise=15).to_link()


@pytest.fixture(scope="module")
def another_process():
    """One fresh Python for the checks that need one: whether importing the playground and
    writing a model as code imports TensorFlow, then LINK's 200 epochs (enough that
    run_epochs compiles the XLA loop before training, as the parent does)."""
    code = (
        "import json, sys; import hlcourse.playground as p; "
        "p.model_as_code(p.PlaygroundState()); "
        "heavy = 'tensorflow' in sys.modules or 'keras' in sys.modules; "
        f"e = p.PlaygroundEngine({LINK!r}); e.run_epochs(200); "
        "print(json.dumps({'heavy': heavy, 'seed': e.state.seed, 'history': e.history, "
        "'weights': [w.tolist() for w in e._weights]}))"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_one_link_gives_the_same_loss_curve_in_another_process(another_process, keras_fresh):
    history, weights = another_process["history"], another_process["weights"]
    with PlaygroundEngine(LINK) as engine:
        engine.run_epochs(200)  # compiled, as in the other process
        assert another_process["seed"] == engine.state.seed == "0.77777"
        assert history == engine.history  # every number, to the last bit
        assert weights == [w.tolist() for w in engine._weights]
        assert len(history["train_loss"]) == 201
        assert any(mask.any() for mask in engine.dead_links)  # L1 froze links on the way


# --- the change rules ------------------------------------------------------------------------


def starting_weights(state):
    """The weights a fresh start from `state` gives (its own process's build)."""
    return [np.asarray(w, np.float64) for w in md.make_start(state, make_data(state)).weights]


def test_engine_starts_at_epoch_zero(engine):
    assert engine.epoch == 0 and engine.steps == 0
    assert engine.history == {"train_loss": [engine.train_loss], "test_loss": [engine.test_loss]}
    assert np.isfinite(engine.train_loss) and np.isfinite(engine.test_loss)
    assert engine.data.n_train == 250 and not engine.playing
    assert "epoch=0" in repr(engine)


def test_step_trains_exactly_one_epoch(engine):
    before = engine.model.get_weights()
    engine.step()
    assert engine.epoch == 1
    assert len(engine.history["train_loss"]) == len(engine.history["test_loss"]) == 2
    assert engine.train_loss == engine.history["train_loss"][-1]
    assert not weights_equal(before, engine.model.get_weights())
    assert engine.steps == 25  # floor(250 / 10) updates


def test_run_epochs_trains_and_the_loss_falls(engine):
    first = engine.train_loss
    result = engine.run_epochs(40)
    assert engine.epoch == 40 and len(result["train_loss"]) == 40
    assert len(engine.history["train_loss"]) == 41
    assert engine.train_loss < first


def test_reset_starts_again_from_the_seeds_weights(engine):
    start = engine._weights
    engine.run_epochs(3)
    engine.reset()
    assert engine.epoch == 0 and len(engine.history["train_loss"]) == 1
    assert weights_equal(start, engine._weights)  # every reset: the weights the link gives
    assert engine._carried == 0 and not any(np.any(c) for c in engine._carry)
    engine.step()
    assert engine.epoch == 1


@pytest.mark.parametrize(
    "change",
    [{"batch_size": 30}, {"regularization": "l2", "regularization_rate": 0.1},
     {"regularization_rate": 0.3}],
    ids=str,
)  # fmt: skip
def test_reset_settings_start_again_from_the_seed(engine, change):
    engine.set_state(engine.state.with_changes(regularization="l1"))
    engine.run_epochs(2)
    model = engine.model
    state = engine.state.with_changes(**change)
    message = engine.set_state(state)
    assert "Training settings changed" in message and "reset" in message
    assert engine.message == message and engine.epoch == 0 and engine.model is model
    assert engine.state == state  # the seed too: no new data
    assert weights_equal(engine._weights, starting_weights(state))


def test_the_learning_rate_applies_live(engine):
    engine.run_epochs(2)
    weights = engine._weights
    message = engine.set_state(engine.state.with_changes(learning_rate=0.3))
    assert "apply from the next step" in message and "weights were kept" in message
    assert weights_equal(weights, engine._weights) and engine.epoch == 2


def test_regularization_sets_the_models_penalties(engine):
    engine.set_state(engine.state.with_changes(regularization="l2", regularization_rate=0.1))
    configs = [layer.get_config()["kernel_regularizer"] for layer in engine.model.layers]
    # Every link, the output's too; TFP's L2 at rate r is Keras's L2(r / 2).
    assert [c["class_name"] for c in configs] == ["L2"] * 3
    assert configs[2]["config"]["l2"] == pytest.approx(0.05)
    engine.set_state(engine.state.with_changes(regularization="none"))
    assert engine.model.losses == []
    engine.set_state(engine.state.with_changes(recipe="keras", regularization="l1",
                                               regularization_rate=0.3))  # fmt: skip
    configs = [layer.get_config()["kernel_regularizer"] for layer in engine.model.layers]
    assert configs[0]["class_name"] == "L1" and configs[0]["config"]["l1"] == pytest.approx(0.3)
    assert configs[2] is None  # Keras's own recipe: the hidden kernels only


def test_display_changes_do_nothing(engine):
    engine.step()
    assert engine.set_state(engine.state.with_changes(discretize=True)) == ""
    assert engine.epoch == 1 and engine.state.discretize


def test_data_changes_draw_a_new_seed_new_points_and_start_again(engine):
    engine.run_epochs(2)
    stream = copy.deepcopy(engine._stream)
    old_points = engine.data.dataset.x_train
    message = engine.set_state(engine.state.with_changes(noise=30))
    seed = stream.new_seed()  # TFP: Math.random().toFixed(5), from the running stream
    assert engine.state.seed == seed and seed in message
    assert message.startswith("Data changed") and "reset" in message
    assert engine.epoch == 0 and len(engine.history["train_loss"]) == 1
    new = DEFAULT.with_changes(noise=30, seed=seed)
    np.testing.assert_array_equal(engine.data.x_train, make_data(new).x_train)
    assert not np.array_equal(old_points, engine.data.dataset.x_train)
    assert weights_equal(engine._weights, starting_weights(new))  # the new link's weights
    engine.set_state(engine.state.with_changes(train_share=80))
    assert engine.data.n_train == 400 and engine.state.seed != seed
    engine.step()
    assert engine.steps == 40


def test_a_new_seed_makes_its_points(engine):
    message = engine.set_state(engine.state.with_changes(seed="0.11111"))
    assert engine.state.seed == "0.11111" and "New seed" in message
    np.testing.assert_array_equal(
        engine.data.x_train, make_data(DEFAULT.with_changes(seed="0.11111")).x_train
    )


def test_architecture_changes_rebuild(engine):
    engine.run_epochs(2)
    old_model, old_points = engine.model, engine.data.dataset.x_train
    message = engine.set_state(engine.state.with_changes(layers=(8, 8, 8)))
    assert message.startswith("Architecture changed: the network was rebuilt")
    assert engine.model is not old_model and engine.epoch == 0
    assert [layer.units for layer in engine.model.layers] == [8, 8, 8, 1]
    engine.set_state(engine.state.with_changes(features=("x1^2", "x2^2")))
    assert np.array_equal(engine.data.dataset.x_train, old_points)  # same points
    np.testing.assert_array_equal(engine.data.x_train[:, 0], old_points[:, 0] ** 2)
    engine.step()
    message = engine.set_state(engine.state.with_changes(dataset="reg-plane"))  # and problem
    assert message.startswith("Data changed") and "rebuilt" in message
    assert engine.state.problem == "regression" and engine.state.seed != DEFAULT.seed
    assert engine.model.layers[-1].get_config()["activation"] == "linear"
    engine.step()
    assert np.isfinite(engine.train_loss) and engine.epoch == 1


def test_a_recipe_change_keeps_the_points_and_the_seed(engine):
    points = engine.data.dataset.x_train
    message = engine.set_state(engine.state.with_changes(recipe="keras"))
    assert "rebuilt" in message and engine.state.seed == DEFAULT.seed
    assert engine.data.dataset.x_train is points
    assert set(np.unique(engine.data.y_train)) == {0.0, 1.0}
    assert engine.model.layers[-1].get_config()["activation"] == "sigmoid"
    engine.step()
    assert engine.steps == 25 and np.isfinite(engine.train_loss)  # ceil(250 / 10)


def test_regenerate_draws_new_points_and_keeps_the_network(engine):
    engine.run_epochs(2)
    weights, history, old = engine._weights, engine.history, engine.state
    seed = copy.deepcopy(engine._stream).new_seed()
    message = engine.regenerate()
    assert engine.state.seed == seed != old.seed and seed in message
    np.testing.assert_array_equal(engine.data.x_train, make_data(engine.state).x_train)
    assert weights_equal(weights, engine._weights)
    assert engine.epoch == 2 and engine.history == history
    # The losses now: the same weights on the new points.
    h = engine.data.x_test
    for k in range(3):
        h = np.tanh(h @ weights[2 * k] + weights[2 * k + 1])
    assert engine.test_loss == pytest.approx(np.mean(0.5 * (h - engine.data.y_test) ** 2))
    # The stream goes on from the new points: the next seed is the new data's next draw.
    after = copy.deepcopy(tfp_data(seed, "circle", 0, 50).rng).new_seed()
    engine.regenerate()
    assert engine.state.seed == after


def test_config_strings_and_links_are_accepted(engine):
    message = engine.set_state(DEFAULT.with_changes(layers=(3,)).to_config())
    assert "rebuilt" in message and engine.state.layers == (3,)
    engine.set_state(DEFAULT.with_changes(layers=(3,), batch_size=5).to_link())
    assert engine.state.batch_size == 5


def test_take_model_is_independent(engine):
    engine.run_epochs(2)
    taken = engine.take_model()
    assert taken is not engine.model
    assert weights_equal(taken.get_weights(), engine.model.get_weights())
    kept = taken.get_weights()
    engine.run_epochs(2)
    assert weights_equal(kept, taken.get_weights())
    taken.set_weights([np.zeros_like(w) for w in kept])
    assert any(np.any(w) for w in engine.model.get_weights())
    assert taken(engine.data.x_test[:5]).shape == (5, 1)


# --- edits by hand, dead links ---------------------------------------------------------------


def test_set_weight_and_set_bias_change_one_number_and_the_losses(engine):
    engine.run_epochs(3)
    before = list(engine._weights)
    loss, history = engine.train_loss, engine.history
    engine.set_weight(1, 3, 0, 2.5)
    assert engine._weights[2][3, 0] == 2.5
    changed = [not np.array_equal(a, b) for a, b in zip(before, engine._weights, strict=True)]
    assert changed == [False, False, True, False, False, False]
    assert engine.train_loss != loss
    assert engine.epoch == 3 and engine.history == history
    engine.set_bias(2, 0, -0.75)
    assert engine._weights[5][0] == -0.75
    np.testing.assert_allclose(engine.model.layers[-1].bias.numpy(), [-0.75])
    np.testing.assert_allclose(engine.model.layers[1].kernel.numpy()[3, 0], 2.5)
    h = engine.data.x_train
    for k in range(3):
        h = np.tanh(h @ engine._weights[2 * k] + engine._weights[2 * k + 1])
    assert engine.train_loss == pytest.approx(np.mean(0.5 * (h - engine.data.y_train) ** 2))
    engine.step()  # training goes on from the edited weights
    assert engine.epoch == 4


def test_set_weight_and_set_bias_refuse_bad_input(engine):
    with pytest.raises(ValueError, match="Received: layer=3"):
        engine.set_weight(3, 0, 0, 1.0)
    with pytest.raises(ValueError, match="Received: source=2"):
        engine.set_weight(0, 2, 0, 1.0)  # two inputs
    with pytest.raises(ValueError, match="Received: target=4"):
        engine.set_weight(0, 0, 4, 1.0)
    with pytest.raises(TypeError, match="Received: layer='0'"):
        engine.set_weight("0", 0, 0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        engine.set_weight(0, 0, 0, float("inf"))
    with pytest.raises(TypeError, match="Received: value='1'"):
        engine.set_bias(0, 0, "1")
    with pytest.raises(ValueError, match="Received: node=1"):
        engine.set_bias(2, 1, 0.0)
    with pytest.raises(ValueError, match="Received: value=nan"):
        engine.set_bias(0, 0, float("nan"))
    assert weights_equal(engine._weights, starting_weights(DEFAULT))


def test_dead_links_have_the_kernels_shapes(engine):
    dead = engine.dead_links
    assert [d.shape for d in dead] == [(2, 4), (4, 2), (2, 1)]
    assert not any(d.any() for d in dead)
    dead[0][:] = True  # a copy
    assert not engine.dead_links[0].any()


# --- the model as code -----------------------------------------------------------------------


def layer_configs(model):
    configs = []
    for layer in model.layers:
        config = layer.get_config()
        config.pop("name")
        configs.append((type(layer).__name__, config))
    return configs


AS_CODE_STATES = [
    DEFAULT,
    DEFAULT.with_changes(layers=()),
    DEFAULT.with_changes(layers=(8, 1, 8, 2, 3, 8), activation="relu", batch_size=7),
    DEFAULT.with_changes(
        activation="sigmoid", init="zeros", regularization="l1", regularization_rate=0.003
    ),  # fmt: skip
    DEFAULT.with_changes(
        activation="linear", init="too_large", regularization="l2", regularization_rate=10.0
    ),  # fmt: skip
    DEFAULT.with_changes(dataset="reg-plane", features=("x1", "x2", "x1^2", "sin_x2"), layers=(3,)),
    DEFAULT.with_changes(features=()),
    KERAS,
    KERAS.with_changes(regularization="l2", regularization_rate=0.03, batch_size=7),
    KERAS.with_changes(dataset="reg-gauss", layers=(), init="too_large"),
]


@pytest.mark.parametrize("state", AS_CODE_STATES, ids=lambda s: s.to_config()[:60])
def test_model_as_code_is_the_model_the_recipe_builds(state, keras_fresh):
    import keras

    code = model_as_code(state)
    assert "keras.Sequential(" in code and f"keras.Input(shape=({state.n_inputs},))" in code
    namespace: dict = {}
    exec(compile(code, "<as code>", "exec"), namespace)
    rebuilt = namespace["model"]
    built = build_model(state)
    assert layer_configs(rebuilt) == layer_configs(built)  # units, activations, initializers
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in built.get_weights()]
    assert rebuilt.optimizer.learning_rate.numpy() == pytest.approx(state.learning_rate)
    if state.recipe == "keras" or state.init != "default":  # seeded: the very same numbers
        assert weights_equal(rebuilt.get_weights(), built.get_weights())
    y = (
        np.array([[1.0], [-1.0], [0.5]])
        if state.recipe == "playground"
        else np.array([[1.0], [0.0], [1.0]])
    )
    out = (
        np.array([[0.3], [-0.9], [0.2]])
        if state.recipe == "playground"
        else np.array([[0.3], [0.1], [0.8]])
    )
    loss = rebuilt.loss if callable(rebuilt.loss) else keras.losses.get(rebuilt.loss)
    got = float(np.mean(keras.ops.convert_to_numpy(loss(y, out))))
    if state.recipe == "playground":
        want = np.mean(0.5 * (out - y) ** 2)  # TFP's loss, for both problems
    elif state.problem == "classification":
        want = np.mean(-(y * np.log(out) + (1 - y) * np.log(1 - out)))
    else:
        want = np.mean((out - y) ** 2)
    assert got == pytest.approx(want, rel=1e-5)


def test_model_as_code_says_how_it_is_trained():
    code = model_as_code(DEFAULT.with_changes(batch_size=7, learning_rate=0.3))
    assert "batch_size=7, shuffle=False" in code and "SGD(learning_rate=0.3)" in code
    assert "(5 of 250 points) is not applied but carried" in code
    assert "RandomUniform(-0.5, 0.5)" in code and "Constant(0.1)" in code
    assert "loss=half_squared_error" in code and "seed 0.48213" in code
    assert "L1" not in code and "carried" not in model_as_code(DEFAULT)  # 250 = 25 * 10
    l1 = model_as_code(DEFAULT.with_changes(regularization="l1", regularization_rate=0.01))
    assert "keras.regularizers.L1(0.01)" in l1 and "becomes 0 and stays 0" in l1
    keras_code = model_as_code(KERAS)
    assert "binary_crossentropy" in keras_code and "GlorotUniform(seed=" in keras_code
    assert "mean_squared_error" in model_as_code(KERAS.with_changes(dataset="reg-plane"))


# --- the keras recipe: the same SGD as Keras -------------------------------------------------


def keras_epoch(engine, weights, order):
    """One epoch of plain SGD done independently: Keras' model, loss and GradientTape."""
    import keras
    import tensorflow as tf

    state = engine.state
    model = build_model(state)
    model.set_weights(weights)
    loss = (
        keras.losses.BinaryCrossentropy()
        if state.problem == "classification"
        else keras.losses.MeanSquaredError()
    )

    # A graph of each step (one trace, and one more for a short last batch): a batch size of 1
    # makes 250 steps, slow one by one in eager mode.
    @tf.function(reduce_retracing=True)
    def sgd_step(xb, yb):
        with tf.GradientTape() as tape:
            value = loss(yb, model(xb, training=True)) + sum(model.losses)
        grads = tape.gradient(value, model.trainable_variables)
        for variable, grad in zip(model.trainable_variables, grads, strict=True):
            variable.assign_sub(state.learning_rate * grad)

    x, y = engine.data.x_train[order], engine.data.y_train[order]
    for start in range(0, len(x), state.batch_size):
        sgd_step(x[start : start + state.batch_size], y[start : start + state.batch_size])
    return model.get_weights()


def next_order(engine):
    """The shuffle the engine's next epoch will use (its generator, copied)."""
    n = engine.data.n_train
    rng = copy.deepcopy(engine._rng)
    return rng.permuted(np.tile(np.arange(n, dtype=np.int32), (1, 1)), axis=1)[0]


SGD_STATES = [
    KERAS.with_changes(batch_size=30, regularization="l2", regularization_rate=0.01),
    KERAS.with_changes(
        dataset="reg-plane", activation="relu", layers=(3, 2), batch_size=7,
        regularization="l1", regularization_rate=0.003, learning_rate=0.01,
    ),
    KERAS.with_changes(activation="sigmoid", layers=(5,), features=("x1", "x2", "x1*x2")),
    KERAS.with_changes(layers=(), batch_size=1, learning_rate=0.1),
]  # fmt: skip


@pytest.mark.parametrize("state", SGD_STATES, ids=lambda s: s.to_config()[:50])
def test_the_keras_recipes_epoch_is_kerass_sgd_over_every_point_once(state, keras_fresh):
    with PlaygroundEngine(state) as engine:
        engine._use_xla = False
        start = engine.model.get_weights()
        expected = keras_epoch(engine, start, next_order(engine))
        engine.step()
        for got, want in zip(engine.model.get_weights(), expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
        # The loss reported is the data loss of the new weights on each split.
        import keras

        loss = (
            keras.losses.BinaryCrossentropy()
            if state.problem == "classification"
            else keras.losses.MeanSquaredError()
        )
        d = engine.data
        want = float(loss(d.y_test, engine.model(d.x_test)))
        assert engine.test_loss == pytest.approx(want, rel=1e-4)


# --- the compiled loops ---------------------------------------------------------------------


def test_warm_up_compiles_the_fast_loop_without_training(keras_fresh):
    # A shape no other test uses, so the compiled loop cannot be ready from before.
    state = DEFAULT.with_changes(layers=(3, 5, 2), activation="sigmoid", batch_size=13)
    with PlaygroundEngine(state) as engine:
        assert not XLA_COMPILER.ready(engine._xla_key())
        engine.warm_up()  # returns at once; a background thread compiles
        assert XLA_COMPILER.join()
        assert XLA_COMPILER.ready(engine._xla_key())
        assert engine.epoch == 0 and len(engine.history["train_loss"]) == 1
        assert engine._run(1)  # the first epoch already runs compiled


def test_long_runs_span_several_calls_and_the_history_is_compact(engine):
    result = engine.run_epochs(loop.EPOCHS_PER_CALL + 20)
    assert engine.epoch == len(result["train_loss"]) == loop.EPOCHS_PER_CALL + 20
    assert engine.steps == 25 * engine.epoch
    assert all(np.isfinite(result["test_loss"]))
    history = engine.history
    assert history["train_loss"][1:] == result["train_loss"]
    assert engine._train_history.view().dtype == np.float64
    history["train_loss"].clear()  # a copy: the engine's own is untouched
    assert len(engine.history["train_loss"]) == engine.epoch + 1
    assert XLA_COMPILER.join()
    assert [t for t in threading.enumerate() if t.name == XLA_THREAD_NAME] == []


def test_activation_and_problem_changes_share_one_traced_loop(keras_fresh):
    # Every traced function stays in memory for the life of the process (3-8 MB each): one
    # per number of layers, not one per activation and problem too.
    state = DEFAULT.with_changes(layers=(2, 2, 2, 2), batch_size=9)  # 5 Dense layers
    with PlaygroundEngine(state) as engine:
        engine._use_xla = False
        for problem in ("classification", "regression"):
            for activation in ("relu", "tanh", "sigmoid", "linear"):
                engine.set_state(engine.state.with_changes(activation=activation, problem=problem))
                engine.run_epochs(1)
                assert np.isfinite(engine.train_loss)
                assert engine._xla_key()[:2] == ("playground", 5)
    assert [key for key in loop._LOOPS if key[1] == 5] == [("playground", 5, False)]


def test_xla_compiles_at_most_max_shapes_then_the_graph_trains(keras_fresh, monkeypatch):
    # Each XLA compilation stays in memory for the life of the process (2-8 MB): past
    # the bound, new shapes train with the graph loop instead of compiling.
    assert XLA_COMPILER.join()
    held = XLA_COMPILER.held()
    monkeypatch.setattr(XLA_COMPILER, "max_shapes", held + 1)
    state = DEFAULT.with_changes(layers=(1,), features=("x1",), batch_size=27)
    with PlaygroundEngine(state) as engine:
        assert engine._run(1, wait_for_xla=True)  # room for one more shape: compiled
        for batch_size in (28, 29):  # shapes no other test uses
            engine.set_state(engine.state.with_changes(batch_size=batch_size))
            assert not engine._run(1, wait_for_xla=True)  # no room: the graph trained it
            engine.warm_up()  # asks for no compilation either
            assert XLA_COMPILER.join()
            assert not XLA_COMPILER.ready(engine._xla_key())
        assert engine.epoch == 1 and np.isfinite(engine.train_loss)  # a reset each time
    assert XLA_COMPILER.held() == held + 1


def largest_change(before, after) -> float:
    return max(float(np.max(np.abs(a - b))) for a, b in zip(before, after, strict=True))


def test_the_learning_rate_sets_the_step_size(engine):
    engine.set_state(engine.state.with_changes(learning_rate=0.00001))
    before = engine.model.get_weights()
    engine.step()
    tiny = largest_change(before, engine.model.get_weights())
    engine.set_state(engine.state.with_changes(learning_rate=1.0))
    before = engine.model.get_weights()
    engine.step()
    large = largest_change(before, engine.model.get_weights())
    assert 0 < tiny < 1e-3 < large


# --- play / pause --------------------------------------------------------------------------


def test_play_trains_in_the_background_and_pause_stops_it(engine):
    engine.play()
    assert engine.playing  # play returned at once, the thread runs
    assert wait_until(lambda: engine.epoch >= 3)
    engine.pause()  # waits at most 0.5 s for the thread
    assert not engine.playing and play_threads() == []
    stopped_at = engine.epoch
    time.sleep(0.1)
    assert engine.epoch == stopped_at
    assert len(engine.history["train_loss"]) == stopped_at + 1
    engine.play()
    assert wait_until(lambda: engine.epoch > stopped_at)
    engine.close()
    assert play_threads() == []


def test_pausing_gives_freed_memory_back_once_the_thread_has_stopped(engine, monkeypatch):
    from hlcourse.playground import engine as module

    trims: list[bool] = []  # per call: was training still going on?
    monkeypatch.setattr(module, "return_freed_memory", lambda: trims.append(engine._stop.is_set()))
    engine.play()
    assert wait_until(lambda: engine.epoch >= 2)
    assert trims == []  # playing: nothing returned yet
    engine.pause()
    assert trims == [True]  # once, after the stop, before pause returned
    engine.play()
    assert wait_until(lambda: engine.epoch >= 4)
    engine.close()
    assert trims == [True, True]


def test_step_and_reset_pause_a_playing_engine(engine):
    engine.play()
    assert wait_until(lambda: engine.epoch >= 1)
    engine.step()
    assert not engine.playing and play_threads() == []
    epoch = engine.epoch
    time.sleep(0.05)
    assert engine.epoch == epoch
    engine.play()
    engine.reset()
    assert not engine.playing and engine.epoch == 0 and play_threads() == []


def test_architecture_change_while_playing_stops_rebuilds_and_says_so(engine):
    engine.play()
    assert wait_until(lambda: engine.epoch >= 2)
    message = engine.set_state(engine.state.with_changes(activation="relu"))
    assert "Architecture changed: the network was rebuilt" in message
    assert "paused" in message
    assert not engine.playing and play_threads() == [] and engine.epoch == 0
    assert engine.model.layers[0].get_config()["activation"] == "relu"


def test_training_change_while_playing_goes_on(engine):
    engine.play()
    assert wait_until(lambda: engine.epoch >= 2)
    model = engine.model
    message = engine.set_state(engine.state.with_changes(learning_rate=0.1))
    assert "weights were kept" in message and engine.playing and engine.model is model
    epoch = engine.epoch
    assert wait_until(lambda: engine.epoch > epoch)
    engine.pause()
    assert play_threads() == []


def test_new_shapes_train_at_once_while_xla_compiles_them(engine):
    # A batch size never compiled before: the graph loop trains while XLA compiles it.
    engine.run_epochs(loop.EPOCHS_WORTH_COMPILING)  # the default shapes, compiled
    engine.play()
    assert wait_until(lambda: engine.epoch > loop.EPOCHS_WORTH_COMPILING)
    message = engine.set_state(engine.state.with_changes(batch_size=13))
    assert "paused" in message and not engine.playing and engine.epoch == 0  # as TFP
    engine.play()
    assert wait_until(lambda: engine.epoch > 0)
    steps = engine.steps
    engine.pause()
    assert not engine.playing and play_threads() == [] and engine.error is None
    assert (engine.steps - steps) % 19 == 0  # floor(250 / 13) updates per epoch
    assert XLA_COMPILER.join()


def test_on_chunk_is_called_and_its_errors_stop_playing(engine):
    seen = []
    engine.play(on_chunk=lambda e: seen.append(e.epoch))
    assert wait_until(lambda: len(seen) >= 2)
    engine.pause()
    assert seen == sorted(seen) and seen[-1] <= engine.epoch

    def broken(_):
        raise RuntimeError("drawing failed")

    engine.play(on_chunk=broken)
    assert wait_until(lambda: not engine.playing)
    assert isinstance(engine.error, RuntimeError)
    engine.pause()
    assert play_threads() == []


# A caller waits for the chunk in progress (about CHUNK_SECONDS), not for further chunks; the
# bound is loose so that a busy machine does not make the test flaky.
CALLER_PATIENCE = 2.0


def test_a_caller_gets_in_while_the_engine_plays(engine):
    engine.play()
    assert wait_until(lambda: engine.epoch >= 3)
    state = engine.state
    waits = []
    for k in range(40):
        start = time.perf_counter()
        if k % 2:
            assert len(engine.dead_links) == len(engine.model.layers)  # a reading takes the lock
        else:
            engine.set_state(state.with_changes(learning_rate=0.01 if k % 4 else 0.03))
        waits.append(time.perf_counter() - start)
        time.sleep(0.005)
    assert engine.playing and engine.error is None
    epoch = engine.epoch
    assert wait_until(lambda: engine.epoch > epoch)  # the play thread goes on after callers
    engine.pause()
    assert max(waits) < CALLER_PATIENCE and play_threads() == []


class _SleepRecorder:
    """The `time` module as the engine sees it, noting which threads call `sleep`."""

    def __init__(self) -> None:
        self.sleepers: list[str] = []

    def __getattr__(self, name):
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        self.sleepers.append(threading.current_thread().name)
        time.sleep(seconds)


def test_the_play_thread_hands_over_without_sleeping(engine, monkeypatch):
    # Callers queue for the lock back to back: the play thread waits for them on a condition,
    # not in a loop of short sleeps.
    recorder = _SleepRecorder()
    monkeypatch.setattr(en, "time", recorder)
    engine.play()
    assert wait_until(lambda: engine.epoch >= 3)
    for _ in range(200):
        engine.dead_links  # noqa: B018 (a reading takes the lock)
    epoch = engine.epoch
    assert wait_until(lambda: engine.epoch > epoch)
    engine.pause()
    assert engine.error is None and play_threads() == []
    assert en.PLAY_THREAD_NAME not in recorder.sleepers


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [make_data, build_model, model_as_code])
def test_functions_refuse_bad_states(function):
    with pytest.raises(TypeError, match="Received: state=5"):
        function(5)
    with pytest.raises(ValueError, match="noise"):
        function("noise=90")


def test_engine_methods_refuse_bad_input(engine):
    with pytest.raises(TypeError, match="state"):
        PlaygroundEngine(3.5)
    with pytest.raises(TypeError, match="Received: state=None"):
        engine.set_state(None)
    with pytest.raises(ValueError, match="layers"):
        engine.set_state("layers=9")
    with pytest.raises(ValueError, match="Received: n=0"):
        engine.run_epochs(0)
    with pytest.raises(TypeError, match="Received: n=1.5"):
        engine.run_epochs(1.5)
    with pytest.raises(TypeError, match="on_chunk"):
        engine.play(on_chunk=3)
    assert engine.epoch == 0 and not engine.playing


# --- the package ----------------------------------------------------------------------------


def test_importing_the_engine_does_not_import_tensorflow(another_process):
    assert another_process["heavy"] is False


def test_package_exports_the_engine():
    import hlcourse.playground as pg

    for name in en.__all__:
        assert getattr(pg, name) is getattr(en, name)


def test_every_model_built_has_one_name():
    """TensorFlow caches a kernel per variable name for the life of the process: rebuilt
    networks reuse the names, so a structure seen before adds nothing to the cache."""
    first = md.build_model(PlaygroundState(layers=(2,)))
    again = md.build_model(PlaygroundState(layers=(2,)))
    assert first.name == again.name == md.MODEL_NAME
    assert [w.path for w in first.weights] == [w.path for w in again.weights]

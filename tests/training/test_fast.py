"""Tests for hlcourse.training.train_fast: it trains what fit trains, reports per epoch, stops
when asked, repeats itself for a seed, and its losses agree with evaluate() and a hand
computation."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import data
from hlcourse.models import build_dense_network, compile_for
from hlcourse.training import train_fast

TOL = {"rtol": 1e-5, "atol": 1e-6}


@pytest.fixture(scope="module")
def xor():
    return data.make_classification("xor", 200, noise=0.05, seed=0)


@pytest.fixture
def net(keras_fresh):
    def make(hidden=(8,), output="binary", seed=0, **kwargs):
        keras_fresh.utils.set_random_seed(seed)
        return build_dense_network(2, hidden, activation="tanh", output=output, **kwargs)

    return make


def hand_bce(model, x, y) -> float:
    """Binary cross-entropy computed with NumPy, clipping as Keras does (epsilon 1e-7)."""
    p = np.clip(np.asarray(model(x, training=False))[:, 0], 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_loss_goes_down_on_a_tiny_problem(xor, net):
    history = train_fast(net(), xor.x_train, xor.y_train, epochs=300, learning_rate=0.05)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.9


def test_history_has_one_value_per_epoch_for_each_key(xor, net):
    history = train_fast(
        net(), xor.x_train, xor.y_train, epochs=37, validation_data=(xor.x_test, xor.y_test)
    )
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 37 for values in history.values())
    assert all(isinstance(value, float) for values in history.values() for value in values)


def test_regression_history_has_no_accuracy(net):
    curve = data.make_curve("sine", 60, seed=0)
    model = build_dense_network(1, (8,), activation="tanh", output="regression")
    history = train_fast(model, curve.x_train, curve.y_train, epochs=5,
                         validation_data=(curve.x_test, curve.y_test))  # fmt: skip
    assert set(history) == {"loss", "val_loss"}


def test_first_epoch_loss_is_the_loss_before_training(xor, net):
    """Full batch, the first epoch's loss is measured before the first step, as in fit."""
    model = compile_for(net(), learning_rate=0.05)
    before = model.evaluate(xor.x_train, xor.y_train, verbose=0, return_dict=True)
    assert before["loss"] == pytest.approx(hand_bce(model, xor.x_train, xor.y_train), rel=1e-5)
    history = train_fast(model, xor.x_train, xor.y_train, epochs=1)
    assert history["loss"][0] == pytest.approx(before["loss"], rel=1e-5)
    assert history["accuracy"][0] == pytest.approx(before["accuracy"], rel=1e-6)


def test_validation_scores_agree_with_evaluate_and_by_hand(xor, net):
    model = compile_for(net(), learning_rate=0.05)
    history = train_fast(model, xor.x_train, xor.y_train, epochs=60,
                         validation_data=(xor.x_test, xor.y_test))  # fmt: skip
    scores = model.evaluate(xor.x_test, xor.y_test, verbose=0, return_dict=True)
    assert history["val_loss"][-1] == pytest.approx(scores["loss"], rel=1e-5)
    assert history["val_loss"][-1] == pytest.approx(
        hand_bce(model, xor.x_test, xor.y_test), rel=1e-4
    )
    assert history["val_accuracy"][-1] == pytest.approx(scores["accuracy"], rel=1e-6)
    # The last training loss was measured one step earlier: close to, not equal to, evaluate's.
    after = model.evaluate(xor.x_train, xor.y_train, verbose=0, return_dict=True)
    assert history["loss"][-1] == pytest.approx(after["loss"], rel=0.05)


def test_weight_penalties_count_in_the_loss_as_in_fit(xor, net):
    model = compile_for(net(regularizer="l2", reg_strength=0.1))
    before = model.evaluate(xor.x_train, xor.y_train, verbose=0, return_dict=True)["loss"]
    assert before > hand_bce(model, xor.x_train, xor.y_train) + 1e-3  # the penalty is there
    history = train_fast(model, xor.x_train, xor.y_train, epochs=1)
    assert history["loss"][0] == pytest.approx(before, rel=1e-5)


def test_should_stop_ends_training_between_chunks(xor, net):
    asked = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 3  # allow three chunks

    history = train_fast(net(), xor.x_train, xor.y_train, epochs=100, chunk=10, should_stop=stop)
    assert len(history["loss"]) == 30
    assert len(history["accuracy"]) == 30


def test_should_stop_before_the_first_chunk_trains_nothing(xor, net):
    model = net()
    weights = [w.copy() for w in model.get_weights()]
    history = train_fast(model, xor.x_train, xor.y_train, epochs=50, should_stop=lambda: True)
    assert history == {"loss": [], "accuracy": []}
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_on_progress_reports_after_every_chunk(xor, net):
    reports = []
    train_fast(net(), xor.x_train, xor.y_train, epochs=25, chunk=10,
               on_progress=lambda done, h: reports.append((done, len(h["loss"]))))  # fmt: skip
    assert reports == [(10, 10), (20, 20), (25, 25)]
    reports.clear()
    train_fast(net(), xor.x_train, xor.y_train, epochs=100,
               on_progress=lambda done, h: reports.append(done))  # fmt: skip
    assert reports == list(range(5, 101, 5))  # without `chunk`: 20 reports


def test_chunking_does_not_change_the_result(xor, net):
    kwargs = {"epochs": 30, "batch_size": 32, "seed": 1}
    one = train_fast(net(), xor.x_train, xor.y_train, **kwargs)
    many = train_fast(net(), xor.x_train, xor.y_train, chunk=7, **kwargs)
    np.testing.assert_allclose(one["loss"], many["loss"], **TOL)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_same_seed_same_history(xor, net, batch_size):
    runs = [
        train_fast(net(seed=0), xor.x_train, xor.y_train, epochs=20, batch_size=batch_size, seed=3)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]  # bit for bit


def test_another_shuffling_seed_gives_another_history(xor, net):
    a = train_fast(net(), xor.x_train, xor.y_train, epochs=5, batch_size=16, seed=0)
    b = train_fast(net(), xor.x_train, xor.y_train, epochs=5, batch_size=16, seed=1)
    assert a["loss"] != b["loss"]


def test_mini_batches_take_one_step_each(xor, net):
    model = compile_for(net(), optimizer="sgd", learning_rate=0.1)
    train_fast(model, xor.x_train, xor.y_train, epochs=4, batch_size=40)
    # 150 training points in batches of 40: 4 steps per epoch (the last batch has 30).
    assert int(model.optimizer.iterations.numpy()) == 16


def test_a_batch_larger_than_the_data_is_full_batch(xor, net):
    full = train_fast(net(), xor.x_train, xor.y_train, epochs=10)
    big = train_fast(net(), xor.x_train, xor.y_train, epochs=10, batch_size=10_000)
    assert full == big


def test_learning_rate_makes_a_fresh_copy_of_the_compiled_optimizer(xor, net):
    model = compile_for(net(), optimizer="sgd", learning_rate=0.1)
    train_fast(model, xor.x_train, xor.y_train, epochs=5, learning_rate=0.5)
    assert int(model.optimizer.iterations.numpy()) == 0  # the compiled one was not used
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.1)


def test_a_second_call_continues_training(xor, net):
    model = net()
    first = train_fast(model, xor.x_train, xor.y_train, epochs=100, learning_rate=0.05)
    second = train_fast(model, xor.x_train, xor.y_train, epochs=10, learning_rate=0.05)
    assert second["loss"][0] == pytest.approx(first["loss"][-1], rel=0.05)
    assert len(model.__dict__["_hlc_training_loops"]) == 1  # the compiled loop was reused


def test_several_classes_and_dropout(net):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 2)).astype("float32")
    y = (np.arctan2(x[:, 1], x[:, 0]) // (2 * np.pi / 3)).astype(int) % 3
    model = net((16,), output="classes", n_outputs=3, dropout=0.1)
    history = train_fast(model, x, y, epochs=150, learning_rate=0.05, batch_size=30)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.8


def test_an_unbuilt_model_is_built_on_the_data(xor, keras_fresh):
    model = keras_fresh.Sequential([keras_fresh.layers.Dense(4), keras_fresh.layers.Dense(1)])
    history = train_fast(model, xor.x_train, xor.y_train, epochs=3)
    assert model.built and set(history) == {"loss"}  # a linear output: mean squared error


def test_a_loss_by_name_or_object(xor, net):
    import keras

    by_name = train_fast(net(), xor.x_train, xor.y_train, epochs=3, loss="binary_crossentropy")
    by_object = train_fast(net(), xor.x_train, xor.y_train, epochs=3,
                           loss=keras.losses.BinaryCrossentropy())  # fmt: skip
    inferred = train_fast(net(), xor.x_train, xor.y_train, epochs=3)
    np.testing.assert_allclose(by_name["loss"], by_object["loss"], **TOL)
    np.testing.assert_allclose(by_name["loss"], inferred["loss"], **TOL)
    assert set(by_name) == {"loss", "accuracy"}


# --- one compiled loop per architecture, shared by fresh models of it --------------------------


@pytest.fixture
def empty_pool(monkeypatch):
    """An empty pool of shared loops, and a list of every loop compiled while the test runs."""
    from collections import OrderedDict

    from hlcourse.training import _fast, _model_loop, _pooled_loop

    compiled = []
    original = _model_loop.compile_loop

    def counting(*args, **kwargs):
        compiled.append(original(*args, **kwargs))
        return compiled[-1]

    monkeypatch.setattr(_pooled_loop, "POOL", OrderedDict())
    for strategy in (_fast, _pooled_loop):  # both trace loops of their own with it
        monkeypatch.setattr(strategy, "compile_loop", counting)
    return compiled


def traces(compiled) -> int:
    return sum(loop.run_chunk.function.experimental_get_tracing_count() for loop in compiled)


def state(model) -> list[np.ndarray]:
    """Everything a model holds: weights, batch-norm statistics, dropout seed states."""
    return [np.array(w) for w in model.variables]


def test_a_fresh_model_of_a_seen_architecture_traces_no_new_loop(xor, net, empty_pool):
    for seed in range(3):
        model = net((8,), seed=seed, dropout=0.1, batch_norm=True)
        train_fast(model, xor.x_train, xor.y_train, epochs=4, learning_rate=0.05, chunk=2)
    assert len(empty_pool) == 1 and traces(empty_pool) == 1
    train_fast(net((9,)), xor.x_train, xor.y_train, epochs=2, learning_rate=0.05)
    assert traces(empty_pool) == 2  # another architecture: a loop of its own


def test_loops_pushed_out_of_the_pool_are_counted_towards_clearing_kernels(
    xor, net, empty_pool, monkeypatch
):
    """A traced loop pushed out of the pool leaves its kernel in TensorFlow's cache; every
    `FREED_LOOPS` of them the cache is cleared (hlcourse._tf.memory). A loop never traced left
    nothing there and is not counted; trainings after a clearing train as before."""
    from hlcourse._tf import memory as _memory
    from hlcourse.training import _pooled_loop

    cleared = []
    clear = _memory._clear_kernel_cache
    monkeypatch.setattr(_pooled_loop, "POOLED_ARCHITECTURES", 2)
    monkeypatch.setattr(_memory, "FREED_LOOPS", 2)
    monkeypatch.setattr(_memory, "_freed_loops", [0])
    monkeypatch.setattr(_memory, "_clear_kernel_cache", lambda: cleared.append(1) or clear())
    losses = []
    for width in (3, 4, 5, 6, 3):  # five architectures through a pool of two
        history = train_fast(net((width,)), xor.x_train, xor.y_train, epochs=3, learning_rate=0.05)
        losses.append(history["loss"])
    assert len(empty_pool) == 5 and len(_pooled_loop.POOL) == 2
    assert len(cleared) == 1 and _memory._freed_loops == [1]  # 3 pushed out: 3, 4 | 5
    assert losses[-1] == losses[0]  # width 3 again, traced again after the clearing
    # Width 7 is cancelled before its first chunk: its twin is made, never traced. It pushes
    # out 6 (the second freed since the clearing: cleared again); 8 pushes out 3 (one freed);
    # 9 pushes out 7's twin, which left nothing in the cache (not counted).
    train_fast(net((7,)), xor.x_train, xor.y_train, epochs=2, should_stop=lambda: True)
    for width in (8, 9):
        train_fast(net((width,)), xor.x_train, xor.y_train, epochs=1, learning_rate=0.05)
    assert len(cleared) == 2 and _memory._freed_loops == [1]


def test_one_full_batch_loop_serves_every_number_of_samples(xor, net, empty_pool, monkeypatch):
    """Full batch, the number of samples is left open in the traced loop: a model of a seen
    architecture trained on fewer points traces nothing, and trains exactly as alone."""
    from hlcourse.training import _pooled_loop

    kwargs = {"epochs": 5, "learning_rate": 0.05, "validation_data": (xor.x_test, xor.y_test)}
    few = (xor.x_train[:40], xor.y_train[:40])
    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    alone = net((6,), seed=2, dropout=0.2, batch_norm=True)
    expected = train_fast(alone, *few, **kwargs)
    monkeypatch.setattr(_pooled_loop, "POOLING", True)
    train_fast(net((6,), seed=1, dropout=0.2, batch_norm=True), xor.x_train, xor.y_train, **kwargs)
    shared = net((6,), seed=2, dropout=0.2, batch_norm=True)
    assert train_fast(shared, *few, **kwargs) == expected
    assert traces(empty_pool) == 2  # the model alone, then one shared loop for 150 and 40 points
    for ours, theirs in zip(state(shared), state(alone), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def run_twice(model, x, y, **kwargs) -> dict[str, list[float]]:
    """Two train_fast calls (the second continues the first), histories joined."""
    first = train_fast(model, x, y, **kwargs)
    second = train_fast(model, x, y, **kwargs)
    return {key: first[key] + second[key] for key in first}


CASES = {
    "dropout_batch_norm_penalty_minibatch_early_stopping": (
        {"dropout": 0.2, "batch_norm": True, "regularizer": "l2"},
        {"learning_rate": 0.05, "batch_size": 64, "chunk": 3, "patience": 4, "epochs": 12},
        False,
    ),
    "compiled_adam_in_two_calls": ({}, {"epochs": 7, "chunk": 2}, True),
    "own_adam_in_two_calls": ({"dropout": 0.3}, {"epochs": 6, "learning_rate": 0.03}, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_shared_loop_trains_exactly_as_a_loop_of_its_own(xor, net, empty_pool, monkeypatch,
                                                           case):  # fmt: skip
    from hlcourse.training import _pooled_loop

    build, settings, compiled = CASES[case]
    val = {"validation_data": (xor.x_test, xor.y_test)}

    def fresh(seed):
        model = net((8, 4), seed=seed, **build)
        return compile_for(model, learning_rate=0.02) if compiled else model

    results = {}
    for pooling in (False, True):
        monkeypatch.setattr(_pooled_loop, "POOLING", pooling)
        if pooling:  # another model trains first, leaving its state in the shared loop
            run_twice(fresh(5), xor.x_train, xor.y_train, **settings, **val)
        model = fresh(1)
        history = run_twice(model, xor.x_train, xor.y_train, **settings, **val)
        optimizer = [np.array(w) for w in model.optimizer.variables] if compiled else []
        results[pooling] = (history, state(model), optimizer)
    (h_own, s_own, o_own), (h_pool, s_pool, o_pool) = results[False], results[True]
    assert traces(empty_pool) == 2  # the model's own loop, then the shared one
    assert h_pool == h_own
    for ours, theirs in zip(s_pool + o_pool, s_own + o_own, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    if compiled:  # iterations (7 full-batch steps per call), rate, 2 slots x 6 weights
        assert len(o_own) == 14 and int(o_own[0]) == 14


def test_trainings_that_take_turns_on_a_shared_loop_keep_their_own_state(xor, net, empty_pool,
                                                                          monkeypatch):  # fmt: skip
    from hlcourse.training import _pooled_loop

    kwargs = {"learning_rate": 0.05, "batch_size": 50, "chunk": 2}
    data = (xor.x_train, xor.y_train)

    def fresh(seed):
        return net((8,), seed=seed, dropout=0.2, batch_norm=True)

    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    a_alone, b_alone = fresh(1), fresh(2)
    a_history = train_fast(a_alone, *data, epochs=6, **kwargs)
    b_history = [train_fast(b_alone, *data, epochs=2, **kwargs) for _ in range(3)]
    monkeypatch.setattr(_pooled_loop, "POOLING", True)
    a, b = fresh(1), fresh(2)
    b_turns = []

    def between_chunks(done, history):  # b trains on the same shared loop between a's chunks
        b_turns.append(train_fast(b, *data, epochs=2, **kwargs))

    assert train_fast(a, *data, epochs=6, on_progress=between_chunks, **kwargs) == a_history
    assert b_turns == b_history
    for ours, theirs in zip(state(a) + state(b), state(a_alone) + state(b_alone), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert traces(empty_pool) == 3  # a and b alone, then the shared loop


# --- TensorFlow's custom-gradient registry (tensorflow/tensorflow#97697) ------------------------


def custom_gradient_names() -> set[str]:
    from tensorflow.python.framework import ops

    return {name for name in ops._gradient_registry._registry if name.startswith("CustomGradient-")}


def test_training_leaves_no_custom_gradient_registered(xor, net, monkeypatch):
    """Keras' optimizer registers a custom gradient in TensorFlow's global registry every time a
    training loop is traced; train_fast must remove it, or every loop stays in memory."""
    from hlcourse.training import _pooled_loop

    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    before = custom_gradient_names()
    for hidden in ((3,), (5, 2)):  # a loop of its own each: two traces
        train_fast(net(hidden), xor.x_train, xor.y_train, epochs=2)
    assert custom_gradient_names() == before


def test_a_freed_model_frees_its_training_loop(xor, net, monkeypatch):
    """The traced graph goes with its model (the registry used to keep it, 3-4 MB each)."""
    import gc
    import weakref

    from hlcourse.training import _pooled_loop

    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    model = net((4,))
    train_fast(model, xor.x_train, xor.y_train, epochs=2, batch_size=50)
    (loop,) = model._hlc_training_loops.values()
    graph = weakref.ref(loop.run_chunk.function.get_concrete_function().graph)
    del model, loop
    gc.collect()
    assert graph() is None


def test_a_learners_own_custom_gradient_is_left_alone(xor, net, monkeypatch):
    """Only the names train_fast's own graph uses are removed: a custom gradient traced by the
    learner stays registered."""
    import tensorflow as tf

    from hlcourse.training import _pooled_loop

    @tf.custom_gradient
    def halved_gradient(x):
        return tf.identity(x), lambda upstream: upstream * 0.5

    @tf.function
    def gradient_of_learners_op(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = halved_gradient(x) * 3.0
        return tape.gradient(y, x)

    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    assert float(gradient_of_learners_op(tf.constant(2.0))) == 1.5  # traced: registered
    learners = custom_gradient_names()
    train_fast(net((3,)), xor.x_train, xor.y_train, epochs=2)
    assert custom_gradient_names() == learners
    assert float(gradient_of_learners_op(tf.constant(4.0))) == 1.5


def test_the_adam_train_fast_makes_has_one_name(net):
    """For models of one name its variables' names repeat from one model to the next
    (TensorFlow caches a kernel per variable name), instead of Keras' adam_1, adam_2, ..."""
    from hlcourse.training import _arguments

    models = [net((3,), name="same_name") for _ in range(2)]
    made = [_arguments.resolve_optimizer(model, None, 0.1) for model in models]
    for optimizer, model in zip(made, models, strict=True):
        optimizer.build(model.trainable_variables)
    assert [o.name for o in made] == ["train_fast_adam"] * 2
    assert [v.path for v in made[0].variables] == [v.path for v in made[1].variables]
